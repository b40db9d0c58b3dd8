# Warum eine Zeile der Klassenliste, eine Zeile der Namensliste oder eine
# Fotodatei ausgelassen wird (src/roster/why.rs).

roster-cannot-read = kann nicht gelesen werden: { $detail }
roster-unreadable-header = Kopfzeile unlesbar: { $detail }
roster-no-name-column = die Kopfzeile hat keine Spalte „name“
roster-no-photo-column = die Kopfzeile hat keine Spalte „photo“ (oder „image“)
roster-unreadable-row = Zeile unlesbar: { $detail }
roster-name-empty = der Name ist leer
roster-name-empty-for = der Name zum Foto „{ $photo }“ ist leer: Tippe den Namen der Person ein
roster-photo-empty = das Foto ist leer
roster-label-too-long = die Beschriftung „{ $label }“ ist länger als { $max } Zeichen
roster-memoriam-not-flag = in_memoriam „{ $cell }“ ist weder true/yes/1 noch leer
roster-duplicate-name = doppelter Name „{ $name }“ (zuerst in Zeile { $first })
roster-too-many-photos = „{ $name }“ hat mehr Fotos als die { $max }, die eine Person haben darf: Lass diese Zeile weg
roster-duplicate-unlabelled = doppelter Name „{ $name }“ (zuerst in Zeile { $first }); um einer Person ein weiteres Foto zu geben, fülle die Beschriftung in jeder ihrer Zeilen aus
roster-same-label = „{ $name }“ hat zwei Fotos mit der Beschriftung „{ $label }“ (zuerst in Zeile { $first })
roster-cell-differs = { $column } „{ $value }“ weicht von „{ $firstvalue }“ in Zeile { $first } für dieselbe Person ab; lass das Feld in dieser Zeile leer oder schreib dasselbe
roster-memoriam-differs = in_memoriam weicht von Zeile { $first } für dieselbe Person ab; lass das Feld in dieser Zeile leer oder schreib dasselbe
roster-photo-not-found = Foto „{ $photo }“ nicht gefunden
roster-photo-outside = Foto „{ $photo }“ liegt außerhalb des Ordners der Klasse { $folder }; Fotos müssen darin liegen
roster-photo-io = Foto „{ $photo }“: { $detail }
roster-photo-not-file = Foto „{ $photo }“ ist keine Datei
roster-photo-too-big = Foto „{ $photo }“ hat { $mb } MB; die größte angenommene Datei hat { $max } MB
roster-photo-cannot-read = Foto „{ $photo }“ kann nicht gelesen werden: { $detail }
roster-photo-unusable = Foto „{ $photo }“ ist unbrauchbar (der Bilddecoder sagt: { $detail })
roster-same-image = Foto „{ $photo }“ ist dasselbe Bild wie in Zeile { $first }
roster-too-few-people = { $count ->
    [one] nur eine Person; für eine Frage braucht es mindestens 4
   *[other] nur { $count } Personen; für eine Frage braucht es mindestens 4
}
roster-list-line-unreadable = diese Zeile kann nicht gelesen werden ({ $detail })
roster-list-no-name-column = die erste Zeile benennt Spalten, aber keine davon heißt „name“: Nenne die Spalte mit den Namen „name“
roster-list-extra-cells = { $count ->
    [one] 1 Zelle in dieser Zeile: Eine Liste ohne Kopfzeile wird als Name, Geschlecht, Rufname, in memoriam gelesen, der Rest wird ausgelassen
   *[other] { $count } Zellen in dieser Zeile: Eine Liste ohne Kopfzeile wird als Name, Geschlecht, Rufname, in memoriam gelesen, der Rest wird ausgelassen
}
roster-list-no-name = diese Zeile hat keinen Namen und wird daher ausgelassen
roster-list-duplicate = „{ $name }“ steht schon in Zeile { $first }, daher wird diese Zeile ausgelassen
roster-list-memoriam = „{ $cell }“ in der Spalte „in memoriam“ ist weder ja noch nein: Schreib ja (oder x, oder 1) für jemanden aus der Klasse, der verstorben ist, und lass das Feld sonst leer
roster-lone-gender = das Geschlecht „{ $gender }“ steht in keiner anderen Zeile (die anderen sagen { $others }): Wenn es ein Tippfehler ist, korrigiere ihn; so wie es ist, kommen die falschen Antworten zu dieser Person von allen
roster-or = oder
roster-file-heic = „{ $file }“ ausgelassen: Ein HEIC-Foto vom iPhone kann nicht gelesen werden; speichere es als JPEG (oder stelle die Kamera des iPhones auf „Maximale Kompatibilität“) und füge es erneut hinzu
roster-file-pdf = „{ $file }“ ausgelassen: Ein PDF ist kein Foto; speichere die Seite als .png oder .jpg und füge das hinzu
roster-file-not-image = „{ $file }“ ausgelassen: kein .png- oder .jpg-Bild
roster-file-no-name = „{ $file }“ ausgelassen: Der Dateiname nennt keinen Namen
roster-file-label-too-long = „{ $file }“ ausgelassen: Eine Beschriftung hat höchstens { $max } Zeichen
roster-same-file = { $labelled ->
    [yes] „{ $file }“ ausgelassen: gleicher Name und gleiche Beschriftung wie „{ $first }“
   *[no] „{ $file }“ ausgelassen: gleicher Name wie „{ $first }“
}
roster-unlabelled-among-labelled = „{ $file }“ ausgelassen: { $name } hat auch beschriftete Fotos; nenne es „{ $name } (1986).{ $ext }“ oder lege es in einen Ordner mit Beschriftung
