# Der Beamer (templates/host.html, static/host.js, static/remote-offer.js),
# in der Sprache des Raums.
host-page-title = Yearbook – Raum { $code }
host-connecting = Verbinde…
host-reconnecting = Verbindung wird wiederhergestellt…
host-qr-label = QR-Code für { $url }
host-scan = Code scannen oder aufrufen:
host-room-code = Raumcode
host-loopback = Handys erreichen diese Adresse nicht: Sie gilt nur für diesen Computer. Starte den Server mit einer dieser Angaben neu, damit Gäste im WLAN mitspielen können:
host-laptop-address = LAPTOP-ADRESSE
host-start = Start
host-settings = Einstellungen
host-rounds = Runden
host-seconds-each = Sekunden pro Runde
host-seconds-per-round = Sekunden pro Runde
host-mode = Modus
host-mode-name-to-photo = Name → Foto
host-mode-photo-to-name = Foto → Name
host-mode-then-to-now = Damals → heute
host-mode-now-to-then = Heute → damals
host-mode-mixed = Überrasch mich (gemischt)
host-tn-need = Damals & heute: Jahrbuchfotos gegen Fotos von heute. Dafür braucht es 4 Gäste, die gesagt haben, wer sie sind, und ein Foto von heute hinzugefügt haben: bisher { $count }. „Überrasch mich“ mischt es dazu, sobald es 4 sind.
host-memoriam = Verstorbene aus der Klasse einbeziehen
host-filter = Unhöfliche Spitznamen filtern
host-labels = Fotos aus
host-labels-hint = (nichts angekreuzt: jeweils das neueste Jahrbuch)
host-language = Sprache dieses Bildschirms
host-players-joined = { $count ->
    [one] { $count } Person spielt mit
   *[other] { $count } Personen spielen mit
}
host-remove-away = Getrennte Spieler entfernen
host-removed = Von der Spielleitung entfernt
host-claims = Wer ist wer („Ich bin…“)
host-today-photos = Fotos für damals & heute: { $count }
host-join = Mitspielen
host-join-colon = Mitspielen:
host-code-word = Code
host-paused = Pause
host-in-memoriam = In Gedenken
host-leaderboard = Bestenliste
host-final = Endergebnis
host-everyone = Alle
host-sound-off-key = Ton aus · M
host-controls = Steuerung der Spielleitung
host-pause = Pause
host-resume = Weiter
host-reveal-now = Jetzt auflösen
host-next = Weiter
host-end = Spiel beenden
host-sound-on = Ton an
host-sound-off = Ton aus
host-fullscreen = Vollbild
host-download = Ergebnisse herunterladen
host-new-game = Neues Spiel
host-keys = Tasten ?
host-keys-title = Tasten (ein Präsentations-Klicker geht auch)
host-key-next = Leertaste · Eingabe · → · Bild ab
host-key-next-does = Start · jetzt auflösen · weiter
host-key-back = ← · Bild auf
host-key-back-does = zurück: zeigt den Bildschirm nach B wieder
host-key-black-does = schwarzer Bildschirm, noch mal zum Zeigen
host-key-pause-does = Zeit anhalten / weiterlaufen lassen
host-key-reveal-does = jetzt auflösen
host-key-mute-does = Ton aus / an
host-key-fs-does = Vollbild
host-key-end = Umschalt + E
host-key-end-does = Spiel beenden (mit Rückfrage)
host-key-help-does = diese Steuerung und Tasten

## Die Listen im Warteraum
host-kick-label = { $name } entfernen
host-kick-title = Aus dem Spiel entfernen
host-more = + { $count } weitere
host-let-back = Wieder reinlassen
host-let-back-label = { $name } wieder reinlassen
host-claim-who-now = { $name } (heute { $now })
host-undo = Rückgängig
host-undo-label = Angabe von { $name } rückgängig machen
host-give = Stimmt
host-give-label = { $who } an { $name } geben
host-refuse = Nein
host-refuse-label = { $name } ablehnen
host-claim-held = { $name } ist { $who }
host-claim-asked = { $name } sagt auch, { $who } zu sein: Stimmt das?
host-today-alt = { $name } heute
host-hide = Ausblenden
host-hide-label = Foto von { $name } ausblenden
host-hide-offline = Keine Verbindung: Das Foto ist noch nicht ausgeblendet.
host-kick-confirm = „{ $name }“ aus dem Spiel entfernen? Ohne dich kommt diese Person nicht wieder hinein.
host-remove-away-confirm = Alle Spieler entfernen, die gerade nicht verbunden sind?

## Die Einstellungen im Warteraum
host-line-name-to-photo = Name sehen, Foto wählen
host-line-photo-to-name = Foto sehen, Namen wählen
host-line-then-to-now = damals → heute
host-line-now-to-then = heute → damals
host-line-mixed = Überrasch mich: gemischte Modi
host-line-rounds = { $count ->
    [one] { $count } Runde
   *[other] { $count } Runden
}
host-line-seconds = { $count } Sekunden pro Runde
host-line-no-memoriam = ohne Verstorbene
host-line-labels = Fotos aus { $labels }
host-set-capped = { $count ->
    [one] Nur 1 Person aus der Klasse kann gefragt werden: höchstens 1 Runde.
   *[other] Nur { $count } aus der Klasse können gefragt werden: höchstens { $count } Runden.
}
host-set-whole = { $label } muss eine ganze Zahl von { $min } bis { $max } sein – die Einstellung wurde nicht geändert.
host-set-offline = Keine Verbindung – die Änderung wird gesendet, sobald die Verbindung wieder steht.
host-set-failed = Diese Einstellung ließ sich nicht ändern.
host-set-not-changed = Die Einstellung wurde nicht geändert.

## Frage und Auflösung
host-round = Runde { $round } von { $of }
host-round-open = Runde { $round }
host-times-up = Die Zeit ist um
host-seconds-left = { $count ->
    [one] noch { $count } Sekunde
   *[other] noch { $count } Sekunden
}
host-q-who = Wer ist das?
host-q-today = Wer ist das heute?
host-q-then = Wer war das damals?
host-photo-alt = Foto { $letter }
host-yearbook-photo = Jahrbuchfoto
host-photo-today = Foto von heute
host-then = Damals
host-today = Heute
host-now = heute { $name }
host-known-as = heute bekannt als { $name }
host-answered = { $answered } von { $players } haben geantwortet
host-votes-label = So wurde abgestimmt
host-votes = { $count ->
    [one] { $count } Stimme
   *[other] { $count } Stimmen
}
host-votes-share = { $count ->
    [one] { $count } Stimme
   *[other] { $count } Stimmen
} · { $pct } %
host-right-answer = Richtige Antwort
host-in-yearbook = { $name } im Jahrbuch
host-got-right = { $right } von { $total } lagen richtig
host-nobody-answered = Niemand hat geantwortet
host-also-alt = Auch in { $label }
host-also = auch in { $label }

## Bestenliste und Endergebnis
host-move-new = neu
host-move-new-label = neu in der Bestenliste
host-move-up = { $count ->
    [one] { $count } Platz hoch
   *[other] { $count } Plätze hoch
}
host-move-down = { $count ->
    [one] { $count } Platz runter
   *[other] { $count } Plätze runter
}
host-no-scores = Noch keine Punkte
# Nach der Zahl auf dem Siegertreppchen: „1.779 Punkte“.
host-points-word = { $count ->
    [one] Punkt
   *[other] Punkte
}
host-nobody-played = Diesmal hat niemand mitgespielt.
host-most = Am häufigsten erkannt
host-least = Am seltensten erkannt
host-and-more = und { $count } weitere

## Fehler und Hinweise
host-no-key = Das ist die Seite für den großen Bildschirm von Raum { $code }. Um das Spiel zu leiten, öffne den Link für die Spielleitung, den du beim Anlegen bekommen hast – er endet auf #key=…
host-not-host = Dieser Schlüssel passt nicht zu diesem Spiel. Öffne den Link, den du beim Anlegen bekommen hast.
host-lobby-only = Die Einstellungen lassen sich nur vor dem Spielstart ändern.
host-storage-down = Das Spiel kann gerade nicht speichern; es geht weiter, sobald es wieder kann.
host-slow-down = Etwas langsamer – zu viele Befehle auf einmal.
host-not-now = Das geht gerade nicht.
host-not-connected = Keine Verbindung – verbinde neu…
host-end-confirm = Das Spiel jetzt beenden und das Endergebnis zeigen?
host-need-key-download = Zum Herunterladen der Ergebnisse braucht es den Schlüssel der Spielleitung.
host-download-failed = Die Ergebnisse ließen sich nicht herunterladen. Versuch es noch einmal.

## Der Code für die Handy-Fernbedienung (static/remote-offer.js)
host-remote = Handy-Fernbedienung
host-remote-lead = Scanne ihn mit deinem eigenen Handy, um das Spiel vom Saal aus zu leiten. Nur für die Spielleitung: Er enthält ihren Schlüssel.
host-remote-qr-label = QR-Code der Handy-Fernbedienung
host-remote-reach = Handys erreichen diese Adresse noch nicht: Starte den Server neu, wie es im Warteraum steht, und zeig diesen Code dann noch einmal.
host-remote-hint = Eine Taste oder ein Klick blendet ihn aus; nach 30 Sekunden verschwindet er von selbst.
host-remote-loading = Lädt…
host-remote-need-key = Öffne zuerst den Link für die Spielleitung (er endet auf #key=…): Die Fernbedienung braucht ihren Schlüssel.
host-remote-bad-key = Dieser Schlüssel passt nicht zu diesem Spiel.
host-remote-failed = Der QR-Code ließ sich nicht erstellen. Versuch es noch einmal.
