# Das Handy: templates/join.html und static/join.js.

## Beitreten
join-page-title = Mitspielen
join-page-title-room = Mitspielen: { $code }
join-reconnecting = Verbindung wird wiederhergestellt…
join-connecting = Verbinde…
join-title = Mitspielen
join-room = Raum
join-name-label = Dein Name
join-name-hint = Der Name, unter dem dich deine Klasse kannte.
join-room-label = Raumcode vom großen Bildschirm
join-room-placeholder = ABCD
join-button = Los geht’s
join-too-long = { $over ->
    [one] 1 Zeichen
   *[other] { $over } Zeichen
} zu lang: höchstens { $max }. Eine Kurzform oder Initialen reichen.
join-at-limit = Das ist die Grenze: { $max } Zeichen.
join-name-empty = Bitte gib deinen Namen ein.
join-name-long = Der Name ist etwas lang – höchstens { $max } Zeichen.
join-code-length = Der Raumcode hat 4 bis 6 Buchstaben – er steht auf dem großen Bildschirm.
join-no-room = Es gibt kein Spiel mit dem Code { $code }. Schau auf den großen Bildschirm.
join-no-room-gone = Es gibt kein Spiel mit dem Code { $code }. Schau auf dem großen Bildschirm nach dem Code.
join-enter-code = Code eingeben
join-start-page = Startseite

## Warten
join-in = Du bist dabei – schau auf den Bildschirm
join-count = { $count ->
    [one] 1 Person spielt mit
   *[other] { $count } Personen spielen mit
}
join-not-me = Das bin ich nicht
join-claim-summary = Ich bin… such dich in der Klassenliste (freiwillig)
join-claim-label = Dein Name damals oder heute
join-claim-hint = Tipp ein paar Buchstaben deines Namens von damals oder heute. Nach dir selbst wirst du nicht gefragt.
join-claim-who = { $name } (heute { $now })
join-you-are = Du bist { $who }.
join-claim-asked = Jemand anderes hat schon gesagt, { $who } zu sein: Die Spielleitung entscheidet.
join-nobody = Niemand in der Klassenliste passt dazu.
join-im = Ich bin { $who }
join-today-title = Damals & heute
join-today-summary = füg ein Foto von dir heute hinzu (freiwillig)
join-today-consent = Wird heute Abend während des Spiels auf dem Bildschirm gezeigt; gelöscht, wenn die Organisation die Veranstaltung beendet, spätestens nach { $days } Tagen.
join-today-alt = Dein Foto von heute
join-today-camera = Foto aufnehmen
join-today-retake = Neu aufnehmen
join-today-gallery = Aus der Galerie wählen
join-today-use = Dieses Foto nehmen
join-today-delete = Mein Foto löschen
join-today-sending = Dein Foto wird gesendet…
join-today-failed = Dieses Foto ging leider nicht. Bitte nimm ein anderes.
join-today-in = Dein Foto ist da. Danke!
join-today-cut = Das Hochladen wurde unterbrochen. Tipp auf „Dieses Foto nehmen“, um es noch einmal zu senden.
join-today-deleted = Dein Foto ist gelöscht.
join-today-offline = Keine Verbindung: Bitte versuch es noch einmal.
join-today-hidden = Die Spielleitung hat dein Foto aus dem Spiel genommen.

## Absagen
join-name-taken = Dieser Name ist schon vergeben, nimm einen anderen.
join-bad-name = Bitte wähl einen anderen Namen: 1 bis 24 Zeichen.
join-full = Tut uns leid, dieses Spiel ist voll.
join-again = Bitte tritt noch einmal bei.
join-kicked = Die Spielleitung hat dich aus diesem Spiel genommen. Falls das ein Versehen war, bitte sie, dich wieder hereinzulassen.
join-replaced = Dieses Spiel ist in einem anderen Tab oder Fenster offen.
join-play-here = Lieber hier spielen
join-unknown-person = Diese Person kann nicht gewählt werden.
join-too-late = Zu spät – die Zeit war um.
join-already = Du hast diese Frage schon beantwortet.
join-tap-again = Das hat nicht geklappt – bitte tipp noch einmal.
join-not-saved = Deine Antwort wurde nicht gespeichert – bitte tipp noch einmal.
join-easy = Immer langsam – einmal tippen reicht!

## Eine Frage
join-round = Runde { $round } von { $of }
join-round-only = Runde { $round }
join-paused = Pause
join-resumed = Weiter geht’s
join-saved = ✓ gespeichert
join-which-one = Welches Foto zeigt
join-who-today = Wer ist das heute?
join-who-then = Wer war das damals?
join-look-at-screen = Schau auf die Leinwand
join-now-known = heute { $name }
join-photo-letter = Foto { $letter }
join-who-is-this = Wer ist das?
join-seconds = { $seconds } s
join-seconds-left = { $seconds ->
    [one] noch 1 Sekunde
   *[other] noch { $seconds } Sekunden
}
join-times-up = Die Zeit ist um!
join-times-up-live = Die Zeit ist um
join-its-you-watch = Das bist du! Schau zu, wie die anderen raten.
join-locked = Gewählt: { $letter }

## Die Auflösung
join-its-you = Das bist du!
join-right = ✓ Richtig!
join-no-answer = Diesmal keine Antwort
join-wrong = ✗ Diesmal nicht
join-points = { $points ->
    [one] +1 Punkt
   *[other] +{ $points } Punkte
}
join-streak = { $count } in Folge 🔥
join-your-pick = Deine Wahl
join-your-pick-right = Deine Wahl ✓
join-right-caption = Richtig
join-right-photo = Das richtige Foto
join-picked-photo = Das Foto, das du gewählt hast
join-photo-asked = Das gefragte Foto
join-it-was = Es war
join-memoriam = In Erinnerung
join-also-in = auch in { $labels }
join-you-picked = Deine Wahl
join-pick-right = ✓ richtig
join-pick-wrong = ✗ falsch
join-score = Punkte
join-place = Platz
join-no-points-yet = Noch keine Punkte
join-tied = { $place }, geteilt mit { $others ->
    [one] 1 anderen
   *[other] { $others } anderen
}
join-last = Das war die letzte Frage – gleich kommt das Endergebnis auf dem Bildschirm.
join-next = Gleich kommt die nächste Frage – schau auf den Bildschirm.

## Das Ende
join-over = Das war’s!
join-no-points-game = Diesmal keine Punkte
join-finished = Du bist { $place } von { $total }
join-finished-tied = Du bist { $place } von { $total }, geteilt mit { $others ->
    [one] 1 anderen
   *[other] { $others } anderen
}
join-thanks = Danke fürs Mitspielen.
