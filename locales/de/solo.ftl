solo-page-title = Allein spielen
solo-home = ‹ Start
solo-score = Punkte
solo-streak = Serie
solo-which-one = Welches Foto zeigt
solo-next = Weiter
solo-try-again = Noch einmal versuchen
solo-now-known = heute { $name }
solo-photo-letter = Foto { $letter }
solo-load-failed = Die Frage konnte nicht geladen werden.
solo-offline = Keine Verbindung zum Spiel. Prüf das WLAN und versuch es noch einmal.
solo-expired = Diese Frage ist abgelaufen – hier ist eine neue.
solo-check-failed = Deine Antwort konnte nicht geprüft werden.
solo-offline-tap = Keine Verbindung – tipp noch einmal, wenn das WLAN wieder da ist.
solo-right = { $streak ->
    [0] ✓ Richtig!
    [1] ✓ Richtig!
   *[other] ✓ Richtig! { $streak } in Folge.
}
solo-wrong = ✗ Knapp daneben – { $name } ist Foto { $letter }.
solo-off-page = Allein spielen ist auf diesem Server ausgeschaltet. Spiel stattdessen am großen Bildschirm mit.
solo-closed = Allein spielen ist für diese Veranstaltung geschlossen. Spiel stattdessen am großen Bildschirm mit.
solo-off = Allein spielen ist auf diesem Server ausgeschaltet.
solo-paused = Allein spielen pausiert, solange ein Spiel läuft; versuch es nach dieser Frage noch einmal.
solo-too-many = Zu viele Runden aus deinem Netz; versuch es in { $seconds } s noch einmal.
solo-no-question = Zu wenige aus der Klasse für eine Frage.
solo-no-event = Diese Veranstaltung gibt es nicht.
