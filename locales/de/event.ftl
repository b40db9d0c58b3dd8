event-title = Veranstaltungscode
event-lead = Dieses Spiel ist privat. Gib den Veranstaltungscode aus der Einladung oder vom Bildschirm ein.
event-label = Veranstaltungscode
event-continue = Weiter
event-wrong = Das ist nicht der Code. Versuch es noch einmal.
event-too-many = Zu viele falsche Codes aus deinem Netz. Warte eine Minute und versuch es dann noch einmal.
event-required = Dieses Spiel ist privat: Öffne den Link aus der Einladung oder gib den Veranstaltungscode ein.
