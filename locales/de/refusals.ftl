# Die `message`s der HTTP-Ablehnungen (src/http/*.rs) in der Sprache des
# Clients; die `code`s daneben ändern sich nie.

## Der Organisationsbereich (src/http/organise.rs)
refusal-organiser-log-in = Das darf nur die Organisation: Melde dich unter /organise an.
refusal-organiser-local = Das darf nur die Organisation: Öffne den Organisationsbereich in einem Browser auf dem Computer, auf dem dieser Server läuft, unter http://localhost:PORT/organise oder http://127.0.0.1:PORT/organise (PORT wie in --addr).
refusal-organiser-closed = Der Organisationsbereich (/organise) ist für andere Geräte geschlossen: Dieser Server lauscht ohne Admin-Passwort auf einer öffentlichen Adresse, darum darf nur ein Browser auf dem Computer, auf dem er läuft, organisieren, unter http://127.0.0.1:PORT/organise (PORT wie in --addr). Um von einem anderen Gerät aus zu organisieren, starte ihn mit --admin-password PASSWORT (oder der Umgebungsvariablen YEARBOOK_ADMIN_PASSWORD) neu.
refusal-organiser-proxy = Der Organisationsbereich (/organise) ist geschlossen: Hinter einem Proxy kommt jede Anfrage von der Adresse des Proxys, also beweist es nichts, an diesem Computer zu sitzen. Starte den Server mit --admin-password PASSWORT (oder der Umgebungsvariablen YEARBOOK_ADMIN_PASSWORD) neu.
refusal-guest-code-chars = Der Gästecode darf nur Buchstaben, Ziffern, Leerzeichen, Bindestriche, Punkte und Apostrophe enthalten: { $chars } lässt sich nicht auf jedem Handy tippen.
refusal-guest-code-long = Der Gästecode hat höchstens { $max } Zeichen; dieser hat { $len }.
refusal-guest-code-short = Der Gästecode braucht mindestens { $min } Zeichen, damit er nicht sofort erraten wird.
refusal-your-invite-link-opens = Dein Einladungslink öffnet nur eine Veranstaltung.
refusal-not-organiser-password = Das ist nicht das Organisationspasswort.
refusal-no-such-event = Diese Veranstaltung gibt es nicht.
refusal-no-such-event-person = Diese Veranstaltung oder Person gibt es nicht.
refusal-no-such-person = Diese Person gibt es nicht.
refusal-no-such-photo = Dieses Foto gibt es nicht.
refusal-edited-elsewhere = { $who } hat { $named ->
    [no] diese Person
   *[yes] { $name }
} um { $time } (UTC) geändert, nachdem du die Seite geöffnet hast: Sieh dir die Zeile noch einmal an und mach deine Änderung dann erneut.
refusal-there-no-more-room = Auf diesem Server ist kein Platz mehr für die Fotos und Namen der Veranstaltungen: Der Rest hält die Spiele am Speichern. Nichts wurde geändert. Bitte die Person, die den Server betreibt, der Datenbank mehr Platz zu geben (--db-max-mb) oder Speicherplatz freizumachen, und versuch es dann noch einmal.
refusal-change-could-not-saved = Die Änderung konnte nicht gespeichert werden (die Festplatte des Servers hat sie abgelehnt). Nichts ging verloren; versuch es gleich noch einmal.
refusal-event-needs-title = Die Veranstaltung braucht einen Titel.
refusal-keep-days = Fotos von heute werden { $min } bis { $max } Tage aufbewahrt: Gib eine ganze Zahl in diesem Bereich ein.
refusal-photos-data-not-base64 = Die Daten eines Fotos sind nicht in Base64.
refusal-each-change-names-person = Jede Änderung nennt eine Person: {"{"}"id": N, ...{"}"}.
refusal-each-person-appear-once = Jede Person darf in einer Änderung nur einmal vorkommen.
refusal-say-version = Gib an, welche Version du geändert hast: {"{"}"version": N, ...{"}"}.
refusal-say-version-query = Gib an, welche Version du geändert hast: ?version=N.
refusal-say-how-far-turn = Gib an, wie weit gedreht werden soll: {"{"}"turns": 1{"}"} ist eine Vierteldrehung im Uhrzeigersinn.
refusal-photo-dropped = Die Verbindung ist beim Senden des Fotos abgebrochen: Schick es noch einmal.
refusal-photo-slow = Das Foto muss innerhalb von { $seconds } s ankommen: Schick ein kleineres.

## Die Namensliste
refusal-lists-file-did-not = Die Datei der Liste ist nicht vollständig angekommen; wähle sie noch einmal aus.
refusal-paste-name-list-choose = Füge die Namensliste ein oder wähle ihre Datei aus (eins von beiden).

## Ein Klassenlisten-Zip
refusal-zip-too-large = Das Zip ist größer als { $max } MB: Lass weg, was nicht zur Klassenliste gehört, oder füge die Fotos über das Hochladen hinzu.
refusal-zip-dropped = Die Verbindung ist beim Hochladen abgebrochen; schick es noch einmal.
refusal-zip-slow = Das Zip muss innerhalb von { $minutes } Minuten ankommen.
refusal-server-has-no-room = Der Server hat gerade keinen Platz auf der Festplatte für das Zip; versuch es später noch einmal.

## Die Fotos der Klasse, in Stücken hochgeladen
refusal-no-such-upload = Diesen Upload gibt es nicht.
refusal-no-such-upload-have = Diesen Upload gibt es nicht: Er wurde vielleicht abgeschlossen oder vor mehr als einem Tag aufgegeben.
refusal-file-empty = Diese Datei ist leer.
refusal-upload-offset-header-must = Der Header Upload-Offset muss eine Zahl angeben.
refusal-server-has-no-folder = Dieser Server hat keinen Ordner, um Uploads aufzubewahren.
refusal-server-could-not-save = Der Server konnte diesen Teil der Datei nicht speichern (vielleicht ist seine Festplatte voll). Bereits Gespeichertes geht nicht verloren: Versuch es gleich noch einmal.
refusal-servers-disk-nearly-full = Die Festplatte des Servers ist fast voll, und der Rest hält die Spiele sicher: Mach auf dem Server etwas Platz frei (oder bitte die Person, die ihn betreibt, darum) und zieh die Datei dann noch einmal hierher.
refusal-chunk-dropped = Die Verbindung ist mitten in einem Stück abgebrochen; mach ab dem Offset weiter.
refusal-chunk-slow = Ein Stück muss innerhalb von { $seconds } s ankommen.
refusal-choose-one-of = Wähle eins davon: { $choices }.
refusal-expected-name-size = Erwartet: {"{"}"name", "size"{"}"}: { $detail }
refusal-expected-file-choice = Erwartet: {"{"}"file", "choice"{"}"}: { $detail }

## Räume, allein spielen, Fotos, Anfragen
refusal-no-room = Es gibt keinen Raum mit dem Code { $code }.
refusal-creating-room-needs-host = Um einen Raum zu erstellen, braucht es das Passwort der Spielleitung.
refusal-host-key-needed = { $what ->
    [results] Die Ergebnisse brauchen
    [remote-qr] Der QR-Code der Fernbedienung braucht
    [today-photos] Die Fotos von heute brauchen
   *[hide-photo] Das Ausblenden eines Fotos braucht
} den Schlüssel der Spielleitung (Authorization: Bearer KEY).
refusal-host-key-not-valid = Dieser Schlüssel der Spielleitung gilt nicht für diesen Raum.
refusal-guest-no-photo-today = Dieser Gast hat kein Foto von heute.
refusal-no-such-solo-round = Diese Solo-Runde gibt es nicht.
refusal-round-was-already-answered = Diese Runde wurde schon beantwortet.
refusal-choose-0-3 = Wähle 0 bis 3.
refusal-send-round-id-choice = Schick {"{"}"round_id", "choice"{"}"}.
refusal-role-only-host-host = role darf nur host sein (für die Verbindung einer Leinwand).
refusal-websocket-connections-from-another = WebSocket-Verbindungen von einer anderen Website sind nicht erlaubt.
refusal-handshake-get = WebSocket-Verbindungen beginnen mit GET.
refusal-handshake-not-upgrade = Diese Adresse ist für WebSocket-Verbindungen da.
refusal-handshake-version = Hier wird nur WebSocket-Version 13 gesprochen.
refusal-handshake-bad-key = Der WebSocket-Schlüssel ist nicht 16 Byte in Base64.
refusal-handshake-no-key = Der WebSocket-Schlüssel fehlt.
refusal-handshake-cannot-upgrade = Diese Verbindung kann nicht zu WebSocket umgestellt werden.
refusal-too-many-attempts = Zu viele Versuche aus deinem Netzwerk; warte eine Minute.
refusal-wrong-offset = Der Server hat die ersten { $at } Bytes dieser Datei: schick ab dort weiter.
refusal-query-string-could-not = Der Query-String konnte nicht gelesen werden.
refusal-invalid-json = Ungültiges JSON: { $detail }
refusal-invalid-request = Ungültige Anfrage: { $detail }
refusal-body-must-json-object = Der Inhalt muss ein JSON-Objekt sein.
refusal-request-body-larger-than = Der Inhalt der Anfrage ist größer als 64 KiB.
refusal-request-body-could-not = Der Inhalt der Anfrage konnte nicht gelesen werden.
refusal-request-body-slow = Der Inhalt der Anfrage muss innerhalb von { $seconds } s ankommen.
refusal-requests-from-another-site = Anfragen von einer anderen Website sind nicht erlaubt.
refusal-nothing-here = Hier ist nichts.
refusal-no-such-file = Diese Datei gibt es nicht.
refusal-something-went-wrong = Da ist etwas schiefgegangen.
refusal-roster-problems = Die Klassenliste hat { $count ->
    [one] { $count } Problem
   *[other] { $count } Probleme
}; nichts wurde angelegt. Behebe sie und lade sie noch einmal hoch.
refusal-chunk-too-large = Ein Stück hat höchstens { $max } MiB und nie mehr als die angekündigte Größe der Datei.
refusal-label-needed = Gib diesem Foto eine Beschriftung, etwa das Jahr des Jahrbuchs (1986): { $name } hat schon ein Foto, und jedes Foto einer Person braucht eine eigene Beschriftung.
refusal-label-too-long = Eine Beschriftung hat höchstens { $max } Zeichen.
refusal-label-taken = { $name } hat schon ein Foto „{ $label }“: Wähle „Ersetzen“ oder eine andere Beschriftung.
refusal-zip-no-room = Kein Platz zum Entpacken des Zips: { $detail }
refusal-name-empty = Der Name ist leer.
refusal-too-many-photos = Eine Person hat höchstens { $max } Fotos.
refusal-photo-label-taken = { $name } hat schon ein Foto { $labelled ->
    [no] ohne Beschriftung
   *[yes] mit der Beschriftung { $label }
}.
refusal-photo-unreadable = Das Foto ist nicht verwendbar ({ $why }).
refusal-person-photo-unreadable = { $name }: Das Foto ist nicht verwendbar ({ $why }).
# Ein Zip der Klassenliste, das kein brauchbares Zip ist (422 bad_zip).
refusal-zip-read-back = Das Zip konnte nicht wieder gelesen werden: { $detail }.
refusal-zip-not-zip = Das ist keine Zip-Datei: Packe den Ordner der Klassenliste (roster.csv und photos/) als Zip und lade das hoch.
refusal-zip-too-many-files = Das Zip enthält { $count } Dateien; angenommen werden höchstens { $max }.
refusal-zip-damaged = Das Zip ist beschädigt ({ $detail }); packe den Ordner noch einmal.
refusal-zip-outside = Das Zip nennt eine Datei außerhalb seines Ordners („{ $name }“); packe den Ordner der Klassenliste selbst.
refusal-zip-unpack = Das Zip konnte nicht entpackt werden: { $detail }.
refusal-zip-unpacks-too-big = Entpackt ist das Zip größer als { $max } MB; mehr wird nicht angenommen.
refusal-zip-several-rosters = Das Zip enthält mehrere roster.csv nebeneinander; packe immer nur einen Ordner einer Klassenliste.
refusal-zip-no-roster = Das Zip enthält keine roster.csv: Packe den Ordner, den `yearbook export` oder `yearbook import` geschrieben hat.
