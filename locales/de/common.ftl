common-language = Sprache
common-too-many-tries = Zu viele Versuche – bitte warte eine Minute und versuch es dann noch einmal.
common-went-wrong = Da ist etwas schiefgegangen. Bitte versuch es noch einmal.
common-players = { $count ->
    [one] { $count } Spieler
   *[other] { $count } Spieler
}
common-points = { $count ->
    [one] { $count } Punkt
   *[other] { $count } Punkte
}
common-ordinal = { $n }.
