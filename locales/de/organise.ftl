# Die Seiten des Organisators: templates/organise*.html, static/organise.js,
# static/organise-upload.js und static/organise-zip.js.

## Die Liste der Veranstaltungen
organise-title = Organisation
organise-page-title = { $title } – Organisation
organise-your-events = Deine Veranstaltungen
organise-log-out = Abmelden
organise-no-events = Noch keine Veranstaltungen.
organise-people = { $count ->
    [one] { $count } Person
   *[other] { $count } Personen
}
organise-rooms = { $count ->
    [one] { $count } Raum
   *[other] { $count } Räume
}
organise-new-event = Neue Veranstaltung
organise-title-label = Titel
organise-title-placeholder = Goethe-Gymnasium, Abschlussjahrgang 1986, Klassentreffen zum 40.
organise-create = Veranstaltung anlegen
organise-from-roster = Neue Veranstaltung aus einem Klassenlisten-Ordner
organise-from-roster-help = Eine .zip-Datei eines Ordners mit roster.csv und den Fotos, so wie „yearbook export“ oder „yearbook import“ ihn schreiben (höchstens 200 MB).
organise-title-from-folder = der Name des Ordners
organise-zip-file = Zip-Datei
organise-create-from-zip = Veranstaltung aus Zip anlegen
organise-zip-created = Angelegt mit { $count ->
    [one] { $count } Person
   *[other] { $count } Personen
}. Wird geöffnet …
organise-zip-failed = Das Hochladen hat nicht geklappt. Prüfe die Verbindung und versuch es noch einmal.
organise-zip-uploading = { $name } wird hochgeladen …
organise-zip-checking = Klassenliste und Fotos werden geprüft …

## Die Anmeldeseite
organise-gate-intro = Gib das Organisationspasswort ein, um deine Veranstaltungen einzurichten.
organise-password = Organisationspasswort
organise-log-in = Anmelden
organise-start-page = Startseite
organise-gate-wrong = Das ist nicht das Organisationspasswort. Versuch es noch einmal.
organise-gate-too-many = Zu viele falsche Passwörter aus deinem Netz. Warte eine Minute und versuch es dann noch einmal.

## Einladung zur Mitorganisation
organise-invite-title = Einladung zur Mitorganisation
organise-invite-intro = Mit diesem Link kannst du beim Einrichten einer Veranstaltung auf diesem Server helfen. Er funktioniert nur einmal: Öffne ihn in dem Browser, den du benutzen wirst.
organise-invite-open = Veranstaltung öffnen
organise-invite-invalid = Dieser Einladungslink wurde schon benutzt, ist älter als { $days } Tage oder wurde nie hier erstellt. Bitte die Organisatorin oder den Organisator um einen neuen.

## Eine Veranstaltung
organise-back = ← Deine Veranstaltungen
organise-host-game = Spiel starten
organise-undo = Rückgängig
organise-undo-hint = Strg+Z (⌘Z) außerhalb von Textfeldern
organise-undo-step = Rückgängig: { $what }
organise-settings = Einstellungen
organise-settings-hint = Jede Einstellung wird gespeichert, sobald du sie änderst.
organise-set-code = Gästecode (freiwillig)
organise-set-code-help = Die Gäste tippen ihn einmal auf dem Handy ein (der QR-Code auf der großen Leinwand enthält ihn). Buchstaben, Ziffern, Leerzeichen, Bindestriche, Punkte und Apostrophe, 4 bis 40 davon; Groß- und Kleinschreibung und zusätzliche Leerzeichen spielen keine Rolle.
organise-set-code-empty-server = Leer: der eigene Veranstaltungscode des Servers.
organise-set-code-empty-open = Leer: Alle mit dem Link eines Spiels dürfen mitmachen.
organise-set-solo = Gäste dürfen mit dieser Klasse allein spielen (du kannst immer „Vorschau: allein spielen“ nutzen)
organise-set-memoriam = Verstorbene Mitschüler sind in neuen Spielen dabei, außer die Spielleitung sagt etwas anderes
organise-set-thennow = Damals & heute: Gäste dürfen sagen, wer sie sind, und ein Foto von sich heute hinzufügen
organise-set-thennow-help = Laufende Spiele behalten die Einstellung, mit der sie begonnen haben.
organise-set-keep-days = Tage, die Gästefotos von heute aufbewahrt werden (1 bis 365)
organise-set-keep-days-help = Spätestens danach gelöscht, oder früher mit „Veranstaltung beenden“ weiter unten. Die Handys der Gäste sagen, wie lange.
organise-my-name = Dein Name (wird den anderen Organisatoren gezeigt, wenn du etwas änderst)
organise-save-settings = Einstellungen speichern
organise-preview = Vorschau: allein spielen
organise-col-photo = Foto
organise-col-name = Name
organise-col-known-as = Rufname
organise-col-gender = Geschlecht
organise-col-memoriam = Verstorben
organise-col-included = Dabei
organise-co-title = Mitorganisation
organise-co-intro = Ein Link, mit dem jemand nur bei dieser Veranstaltung helfen kann. Er funktioniert einmal und { $days } Tage lang.
organise-co-make = Einladungslink erstellen
organise-co-link = Einladungslink
organise-could-not-make-link = Der Link konnte nicht erstellt werden.
organise-link-made = Schick diesen Link an deine Mitorganisatorin oder deinen Mitorganisator. Er funktioniert einmal.
organise-end-title = Veranstaltung beenden
organise-end-intro = Wenn die Feier vorbei ist: löscht jedes Foto von heute der Gäste (damals & heute) endgültig. Die Klassenliste und die Jahrbuchfotos bleiben.
organise-end-confirm = Veranstaltung beenden? Jedes Foto von heute der Gäste wird endgültig gelöscht.
organise-ended = Veranstaltung beendet: { $count ->
    [one] { $count } Foto von heute
   *[other] { $count } Fotos von heute
} endgültig gelöscht.
organise-could-not-end = Die Veranstaltung konnte nicht beendet werden. Versuch es noch einmal.
organise-add-title = Person hinzufügen
organise-add-gender = Geschlecht (freiwillig)
organise-add-photo = Foto (freiwillig)
organise-add = Hinzufügen
organise-summary = { $people ->
    [one] { $people } Person
   *[other] { $people } Personen
}, { $playable } im Spiel, { $rooms ->
    [one] { $rooms } Raum
   *[other] { $rooms } Räume
}.

## Speichern, rückgängig machen, die Tabelle
organise-undoing = Wird rückgängig gemacht …
organise-undone = Rückgängig gemacht: { $what }.
organise-not-undone = { $who } hat { $name } nach dir geändert, darum wurde „{ $what }“ nicht rückgängig gemacht: Sieh dir die Zeile an und ändere sie bei Bedarf von Hand.
organise-someone = Jemand
organise-could-not-undo = Konnte nicht rückgängig gemacht werden.
organise-person-gone = Diese Person ist nicht mehr da.
organise-no-connection = Keine Verbindung. Versuch es noch einmal.
organise-no-connection-undo = Keine Verbindung: Nichts wurde rückgängig gemacht. Versuch es noch einmal.
organise-no-connection-turn = Keine Verbindung: Das Foto wurde nicht gedreht. Versuch es noch einmal.
organise-no-connection-replace = Keine Verbindung: Das Foto wurde nicht ersetzt. Versuch es noch einmal.
organise-no-connection-save = Keine Verbindung: Die Änderung wurde nicht gespeichert. Versuch es noch einmal.
organise-no-connection-add = Keine Verbindung: Nichts wurde hinzugefügt. Versuch es noch einmal.
organise-no-connection-not-added = Keine Verbindung: { $name } wurde nicht hinzugefügt. Versuch es noch einmal.
organise-no-connection-settings = Keine Verbindung: Die Einstellungen wurden nicht gespeichert. Versuch es noch einmal.
organise-field-name = Name
organise-field-known-as = Rufname
organise-field-gender = Geschlecht
organise-field-memoriam = verstorben
organise-field-included = dabei
organise-step-fields = { $fields } von { $name }
organise-step-turn = Drehen des Fotos von { $name }
organise-step-delete = Löschen von { $name }
organise-step-add = Hinzufügen von { $name }
organise-step-namelist = die Namensliste ({ $count ->
    [one] { $count } Person
   *[other] { $count } Personen
})
organise-cell-of = { $field } von { $name }
organise-no-photo = kein Foto
organise-no-label = ohne Beschriftung
organise-turn-label = Foto von { $name } um eine Vierteldrehung nach rechts drehen
organise-turning = Wird gedreht …
organise-could-not-turn = Das Foto konnte nicht gedreht werden.
organise-turned = Foto gedreht.
organise-replace = Ersetzen
organise-replace-label = Foto von { $name } ersetzen
organise-sending-photo = Foto wird gesendet …
organise-could-not-replace = Das Foto konnte nicht ersetzt werden.
organise-replaced = Foto ersetzt (das lässt sich hier nicht rückgängig machen: Ersetze es noch einmal, um es zurückzuändern).
organise-deleted = (gelöscht)
organise-undo-delete-label = Löschen von { $name } rückgängig machen
organise-delete = Löschen
organise-deleted-said = { $name } gelöscht.
organise-saving = Wird gespeichert …
organise-saved = Gespeichert.
organise-could-not-save = Konnte nicht gespeichert werden.
organise-could-not-add = Konnte nicht hinzugefügt werden.
organise-could-not-add-photo = Das Foto konnte nicht hinzugefügt werden.
organise-not-added = { $name } wurde nicht hinzugefügt.
organise-added = { $name } hinzugefügt.
organise-could-not-create-game = Das Spiel konnte nicht erstellt werden.
organise-setting-title = Titel
organise-setting-guest-code = Gästecode
organise-setting-solo = Einstellung „allein spielen“
organise-setting-memoriam = Einstellung „verstorben“
organise-setting-thennow = Einstellung „damals & heute“
organise-setting-keep-days = Tage, die Fotos von heute aufbewahrt werden
organise-saved-setting = Gespeichert: { $what }.
organise-settings-saved = Einstellungen gespeichert.
organise-could-not-save-settings = Die Einstellungen konnten nicht gespeichert werden.

## Die Namensliste
organise-nl-title = Namensliste
organise-nl-intro = Füge eine Liste aus einer Tabellenkalkulation ein, oder wähle ihre .csv- oder .txt-Datei aus oder zieh sie hierher: eine Person pro Zeile,
organise-nl-columns = Name, Geschlecht, Rufname, verstorben
organise-nl-intro-end = (eine Kopfzeile mit den englischen Spaltennamen wie im Beispiel ist in Ordnung, Semikolons auch). Vergleiche sie mit den Personen oben, bevor etwas geändert wird. Eine Liste benennt niemanden um, fügt niemanden hinzu und löscht niemanden.
organise-nl-text = Die Liste
organise-nl-example-head = name;gender;known as;in memoriam
organise-nl-example-1 = Jürgen Weiß;m;Jogi;
organise-nl-example-2 = Anna Lehmann;w;;
organise-nl-file = Oder ihre Datei (.csv oder .txt)
organise-nl-compare = Mit den Personen hier vergleichen
organise-nl-matched = Zugeordnet
organise-nl-on-list = Auf der Liste, nicht hier
organise-nl-here = Hier, nicht auf der Liste
organise-nl-apply = Übernehmen
organise-nl-blank = (leer)
organise-nl-quoted = „{ $value }“
organise-nl-change-gender = Geschlecht { $from } → { $to }
organise-nl-change-known-as = Rufname { $from } → { $to }
organise-nl-change-memoriam = verstorben
organise-nl-change-not-memoriam = nicht mehr als verstorben markiert
organise-nl-same = Dieselbe Person ({ $percent } %)
organise-nl-accept-label = Annehmen: Listenzeile { $line } „{ $listname }“ ist { $name }
organise-nl-line = Zeile { $line }:
organise-nl-problem-line = Zeile { $line }: { $message }.
organise-nl-problem = { $message }.
organise-nl-on-list-as = („{ $name }“ auf der Liste)
organise-nl-nothing-to-change = nichts zu ändern
organise-nl-not-same = Nicht dieselbe
organise-nl-unaccept-label = Zuordnung von Zeile { $line } zu { $name } aufheben
organise-nl-nobody-yet = Noch niemand.
organise-nl-nobody-close = niemand hier ist ähnlich: Füge die Person mit „Person hinzufügen“ hinzu.
organise-nl-nobody = Niemand.
organise-nl-suggest-line = Zeile { $line }: { $name }
organise-nl-everyone-listed = Niemand: Alle hier stehen auf der Liste.
organise-nl-apply-count = Übernehmen: { $count ->
    [one] { $count } Person
   *[other] { $count } Personen
} ändern
organise-nl-nothing-to-apply = Nichts zu übernehmen
organise-nl-paste-first = Füge zuerst die Liste in das Feld ein oder wähle ihre Datei aus.
organise-nl-comparing = Wird verglichen …
organise-nl-could-not-read = Die Liste konnte nicht gelesen werden.
organise-nl-no-connection-compare = Keine Verbindung: Die Liste wurde nicht verglichen. Versuch es noch einmal.
organise-nl-applying = Wird übernommen …
organise-nl-could-not-apply = Die Liste konnte nicht übernommen werden.
organise-nl-compared-again = Nichts wurde geändert; die Liste wird noch einmal verglichen.
organise-nl-applied = Übernommen: { $count ->
    [one] { $count } Person
   *[other] { $count } Personen
} geändert.
organise-nl-no-row = Keine Zeile auf der Liste für: { $names } (unverändert gelassen).
organise-nl-no-connection-apply = Keine Verbindung: Nichts wurde übernommen. Versuch es noch einmal.
organise-nl-too-large = Diese Datei ist für eine Namensliste hier zu groß (über 45 KB). Speichere nur die Spalten Name, Geschlecht, Rufname und verstorben, oder füge die Zeilen ein.
organise-nl-using-file = Die Datei „{ $name }“ wird benutzt. Tippe in das Feld, um stattdessen das Feld zu benutzen.
organise-nl-unreadable = Diese Datei konnte nicht gelesen werden. Wähle sie noch einmal aus.

## Die Fotos der Klasse
organise-up-title = Fotos der Klasse hinzufügen
organise-up-hint = Benenne jeden Scan nach der Person, z. B. „Anna Lehmann.jpg“; ein Jahr in Klammern („Anna Lehmann (1983).jpg“) oder ein Ordner namens „1983“ beschriftet ihn. PNG oder JPEG, bis zu 25 MB pro Datei, oder eine .zip-Datei davon. Ein Scan von jemandem, der schon hier ist, kommt zu den Fotos dieser Person dazu; nichts wird ersetzt, ohne dich zu fragen.
organise-up-drop = Zieh einen Ordner mit Scans hierher
organise-up-or = oder
organise-up-pick = Fotos auswählen
organise-up-pick-folder = Ordner auswählen
organise-up-all-files = Alle Dateien
organise-up-mb = { $mb } MB
organise-up-percent = { $percent } %
organise-up-waiting = Wartet …
organise-up-overall = { $percent } % – { $done ->
    [one] { $done } Datei
   *[other] { $done } Dateien
} von { $total } fertig
organise-up-refused = , { $count } abgelehnt
organise-up-asking = , { $count } warten auf deine Entscheidung
organise-up-what-to-do = Was soll mit dieser Datei passieren?
organise-up-could-not = Das hat nicht geklappt. Versuch es noch einmal.
organise-up-no-connection = Keine Verbindung: Nichts wurde geändert. Versuch es noch einmal.
organise-up-replace-labelled = Foto „{ $label }“ ersetzen
organise-up-replace = Foto ersetzen
organise-up-add = Als weiteres Foto hinzufügen
organise-up-skip = Überspringen
organise-up-label-placeholder = Beschriftung, z. B. 1986
organise-up-label-label = Beschriftung des weiteren Fotos (z. B. das Jahr des Jahrbuchs)
organise-up-no-photos = Diese Datei enthält keine Fotos.
organise-up-waiting-choice = Wartet auf deine Entscheidung:
organise-up-photos = { $count ->
    [one] { $count } Foto
   *[other] { $count } Fotos
}
organise-up-received = ✓ Empfangen: { $who } (wird hinzugefügt, sobald die anderen Dateien da sind)
organise-up-replaced = ✓ Ersetzt: { $who }
organise-up-added = ✓ Hinzugefügt: { $who }
organise-up-could-not-send = Diese Datei konnte nicht gesendet werden.
organise-up-progress = { $sent } von { $size }
organise-up-retrying = Verbindung verloren – neuer Versuch in { $seconds } s …
organise-up-cannot-take = Diese Datei kann nicht angenommen werden.
organise-up-added-to-event = { $count ->
    [one] { $count } Foto
   *[other] { $count } Fotos
} zur Veranstaltung hinzugefügt.
organise-up-unfinished = { $count ->
    [one] { $count } Datei wurde
   *[other] { $count } Dateien wurden
} letztes Mal nicht fertig ({ $names }). Zieh sie noch einmal hierher oder wähle sie aus: Sie machen dort weiter, wo sie aufgehört haben. Bereits empfangene Fotos werden hinzugefügt, sobald diese da sind.
organise-up-forget = Vergessen
