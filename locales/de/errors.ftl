error-rate-limited = Zu viele Nachrichten; bitte langsamer.
error-send-json = Bitte JSON als Textnachrichten senden.
error-bad-message = Diese Nachricht war nicht zu verstehen: { $detail }
error-host-only = Diese Verbindung ist für einen Spielleitungs-Bildschirm (role=host); Handys verbinden sich ohne.
error-not-host-key = Dieser Schlüssel gilt nicht für diesen Raum.
error-too-many-keys = Zu viele falsche Schlüssel aus deinem Netz; warte eine Minute.
error-join-not-saved = Das Spiel kann gerade keine neuen Mitspielenden speichern; versuch es gleich noch einmal.
error-join-paced = Gerade treten viele Handys aus deinem Netz bei; versuch es gleich noch einmal.
error-unknown-token = Dieses Gerät ist nicht mehr im Spiel; tritt noch einmal bei.
error-say-hello = Sag zuerst, wer du bist: hello, join oder resume.
error-host-cannot = Das kann der Spielleitungs-Bildschirm nicht.
error-only-host = Das kann nur der Spielleitungs-Bildschirm.
error-already-in = Du bist schon im Spiel.
error-vote-not-saved = Deine Stimme konnte nicht gespeichert werden; tipp gleich noch einmal.
error-name-taken = Dieser Name ist in diesem Raum schon vergeben.
error-room-full = Der Raum ist voll.
error-round-closed = Für diese Runde kann nicht mehr abgestimmt werden.
error-already-voted = Du hast in dieser Runde schon abgestimmt.
error-bad-choice = Wähl eine der vier Antworten (0 bis 3).
error-wrong-phase = Das geht an dieser Stelle des Spiels nicht.
error-room-closed = Dieses Spiel ist beendet; frag die Spielleitung nach dem neuen Code.
error-kicked = Die Spielleitung hat dich aus diesem Spiel genommen. Falls das ein Versehen war, bitte sie, dich wieder hereinzulassen.
error-name-banned = Die Spielleitung hat jemanden mit diesem Namen aus dem Spiel genommen. Bitte wähl einen anderen Namen.
error-its-you = Das bist du! Setz diese Frage aus und schau zu, wie die anderen raten.
error-claim-while-asking = Wer du bist, kannst du sagen, sobald diese Frage vorbei ist.
error-unknown-person = Mit dieser Nummer gibt es niemanden in dieser Klasse.
error-name-empty = Bitte gib einen Namen ein.
error-name-too-long = Dieser Name ist zu lang (höchstens 24 Zeichen, oder 12 breite wie 漢字).
error-name-unshowable = Dieser Name enthält Zeichen, die nicht angezeigt werden können.
error-name-accents = Dieser Name hat zu viele Akzente auf einem Buchstaben.
error-name-invisible = Dieser Name ist unsichtbar; bitte gib einen Namen ein.
error-name-other = Bitte wähl einen anderen Namen.
error-host-not-saved = Das Spiel kann gerade nicht speichern, deshalb hat sich nichts geändert; versuch es noch einmal, sobald es wieder geht.
error-then-now-off = Damals & heute ist für diese Veranstaltung ausgeschaltet: Hier gibt es nichts hinzuzufügen.
error-close-kicked = Die Spielleitung hat dich aus diesem Spiel entfernt.
error-close-replaced = Du spielst auf einer anderen Verbindung weiter.
error-close-not-saved = Das Spiel konnte dich nicht speichern; versuch es noch einmal.
# Was die Spielleitung abgelehnt bekommt (Beamer und Fernbedienung).
error-unknown-player = Diese Person spielt in diesem Raum nicht mit.
error-no-claim = Für diese Person gibt es nichts zu entscheiden.
error-settings-rounds = Die Rundenzahl muss zwischen { $min } und { $max } liegen.
error-settings-seconds = Die Sekunden müssen zwischen { $min } und { $max } liegen.
error-settings-label = Kein Foto dieser Klasse hat diese Beschriftung.
error-settings-too-few = { $count ->
    [one] Für eine Frage braucht es mindestens eine Person aus der Klasse.
   *[other] Für eine Frage braucht es mindestens { $count } aus der Klasse.
}
error-unknown-lang = Diese Sprache gibt es hier nicht. Zur Wahl stehen: { $languages }.
# Was Damals & heute ablehnt (zu wenige Gesichter: wie viele bisher).
error-then-now-too-few = Damals & heute braucht mindestens vier aus der Klasse, die gesagt haben, wer sie sind, und ein Foto von heute geschickt haben; { $have ->
    [0] bisher noch niemand.
    [one] bisher eine Person.
   *[other] bisher { $have }.
}
error-then-now-exhausted = Alle mit einem Foto von heute waren in diesem Spiel schon dran.
error-then-now-off-mode = Damals & heute ist für diese Veranstaltung ausgeschaltet: Wähl eine andere Spielart.
# Ein abgelehnter Bildschirm der Spielleitung und ihr Hinweis, dass nicht gespeichert werden kann.
error-too-many-hosts = Dieses Spiel hat schon { $max } Bildschirme der Spielleitung offen (Beamer und Fernbedienungen): Schließ einen und versuch es noch einmal.
error-host-storage = Das Spiel kann gerade nicht auf seine Festplatte speichern. Bis es wieder geht, kommt nichts Neues: Eine Runde, die endet, wartet auf ihre Auflösung. Mach etwas Speicherplatz frei; das Spiel läuft dann von selbst weiter.
