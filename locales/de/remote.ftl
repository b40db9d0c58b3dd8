# Die Handy-Fernbedienung der Spielleitung (templates/remote.html,
# static/remote.js), in deren eigener Sprache.
remote-page-title = Fernbedienung – Raum { $code }
remote-connecting = Verbinde…
remote-reconnecting = Verbindung wird wiederhergestellt…
remote-title = Fernbedienung
remote-room = Raum
remote-start = Start
remote-reveal = Auflösen
remote-next = Weiter
remote-final = Endergebnis
remote-pause = Pause
remote-resume = Weiter
remote-end = Spiel beenden
remote-end-confirm = Das Spiel jetzt beenden und das Endergebnis zeigen?
remote-end-yes = Ja, Spiel beenden
remote-end-no = Weiterspielen
remote-players = Spieler: { $count }
remote-removed = Entfernt
remote-phase-lobby = Warteraum
remote-phase-question = Frage
remote-phase-reveal = Antwort gezeigt
remote-phase-over = Endergebnis
remote-round = Runde { $round } von { $of }
remote-round-open = Runde { $round }
remote-paused = angehalten
remote-joined = { $count ->
    [one] { $count } Person spielt mit
   *[other] { $count } Personen spielen mit
}
remote-answered = { $answered } von { $players } haben geantwortet
remote-timer-paused = Zeit angehalten
remote-left = noch { $count } s
remote-last = Das war die letzte Frage.
remote-next-question = Als Nächstes: Frage { $round }
remote-over = Das Spiel ist vorbei.
remote-away = weg
remote-remove = Entfernen
remote-sure = Sicher?
remote-remove-label = { $name } entfernen
remote-sure-label = Noch mal tippen, um { $name } zu entfernen
remote-let-back = Reinlassen
remote-let-back-label = { $name } wieder reinlassen
remote-not-host = Dieser Schlüssel passt nicht zu diesem Spiel. Scanne den QR-Code der Fernbedienung auf dem großen Bildschirm noch einmal.
remote-too-many = Für dieses Spiel sind zu viele Bildschirme der Spielleitung offen. Neuer Versuch…
remote-cannot-yet = Dieser Server kann das noch nicht.
remote-failed = Das hat nicht geklappt.
remote-not-connected = Keine Verbindung – verbinde neu…
remote-no-key = Diese Fernbedienung braucht den Schlüssel der Spielleitung. Wähle auf dem großen Bildschirm „Handy-Fernbedienung“ und scanne den QR-Code.
