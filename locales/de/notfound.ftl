notfound-page-title = Diesen Raum gibt es nicht
notfound-title = Dieses Spiel gibt es nicht
notfound-lead = Es gibt kein Spiel mit dem Code { $code }.
notfound-check = Schau auf dem großen Bildschirm nach dem Code und versuch es noch einmal.
notfound-start = Zur Startseite
