# Gescannte Klassenseiten im Ereignis des Organisators (Issue 23): Ablehnungen des Servers
# (/api/organise/reunions/{id}/pages…) und der Abschnitt der Ereignisseite.
pages-no-store = Dieser Server speichert keine Ereignisse und darum auch keine gescannten Seiten.
pages-save-failed = Die Seite konnte gerade nicht gespeichert werden (vielleicht ist die Festplatte des Servers voll): Bitte versuche es gleich noch einmal.
pages-no-such-page = Diese Seite ist nicht mehr da: Vielleicht ist sie schon in die Klasse übernommen oder in einem anderen Fenster entfernt worden.
pages-too-many = Es warten schon { $max } Seiten, mehr darf ein Ereignis nicht haben: Übernimm sie zuerst in die Klasse oder entferne einige.
pages-cut = Die Verbindung ist beim Senden der Seite abgebrochen: Bitte sende sie noch einmal.
pages-slow = Die Seite muss innerhalb von { $seconds } Sekunden ankommen: Versuche es mit einer besseren Verbindung oder sende einen kleineren Scan.
pages-too-large = Diese Datei ist { $mb } MB groß; eine Seite darf höchstens { $max } MB groß sein. Scanne mit 300 bis 600 dpi in Graustufen oder speichere die Seite als PNG oder JPEG und sende sie noch einmal.
pages-no-pdf = Dieser Server kann keine PDF-Dateien lesen (pdftoppm von Poppler ist auf ihm nicht installiert): Speichere jede Seite als PNG, JPEG oder TIFF und sende diese stattdessen.
pages-pdf-too-large = Dieses PDF hat eine Seite von { $width }×{ $height } Pixeln bei 300 dpi, mehr als eine Seite haben darf ({ $side } je Seite, { $mp } Megapixel): Speichere seine Seiten stattdessen als PNG oder JPEG.
pages-pdf-unreadable = Diese Datei lässt sich nicht als PDF lesen ({ $why }): Exportiere sie noch einmal oder speichere ihre Seiten als PNG oder JPEG.
pages-pdf-page = { $file } S. { $page }
pages-not-class = Aus dieser Seite wurde nichts ausgeschnitten, denn die Erkennung meldet: { $why }. Sende den Scan einer Klassenseite: ein Raster von Porträts mit einem Namen unter jedem.
pages-unreadable = Diese Seite lässt sich nicht als Bild lesen ({ $why }): Scanne sie neu oder speichere sie als PNG oder JPEG.
pages-bad-edit = Die Kästchen der Seite sind nicht vollständig angekommen ({ $why }): Lade die Seite neu und versuche es noch einmal.
pages-too-many-boxes = Eine Seite hat höchstens { $max } Kästchen.
pages-box-outside = Kästchen { $n } liegt außerhalb der Seite oder ist kleiner als 8 Pixel: Schiebe es zurück auf die Seite.
pages-name-too-long = Ein Name hat höchstens { $max } Zeichen.
pages-none = Es gibt keine gescannte Seite zum Übernehmen: Füge zuerst eine Seite hinzu.
pages-unnamed-one = Seite { $page } ({ $file }), Porträt { $portrait }
pages-names-missing = Gib zuerst jedem Porträt einen Namen (oder entferne das Kästchen): { $which }.
pages-title = Aus den Klassenseiten des Jahrbuchs
pages-intro = Statt jedes Porträt einzeln auszuschneiden, füge Scans der Klassenseiten des Jahrbuchs hinzu (PNG, JPEG, TIFF oder ein PDF der Seiten, bis 256 MB je Datei): Die Porträts werden gefunden und die Namen darunter gelesen. Prüfe jedes Kästchen und jeden Namen und übernimm sie dann in die Klasse. Ein Name, der nicht gelesen werden konnte, bleibt leer, damit du ihn eintippst; nichts wird geraten.
pages-pick = Gescannte Klassenseiten (PNG, JPEG, TIFF oder PDF)
pages-keys = Jedes Kästchen lässt sich mit Maus oder Finger verschieben (sein Eckgriff ändert die Größe) oder mit der Tabulatortaste wählen und mit den Pfeiltasten verschieben (Umschalt mit Pfeil ändert die Größe).
pages-reading = { $file } wird gelesen… (eine Seite dauert ein paar Sekunden)
pages-read = { $file }: { $count ->
    [one] 1 Porträt
   *[other] { $count } Porträts
}, { $unnamed ->
    [0] alle Namen gelesen.
    [one] 1 Name zum Eintippen.
   *[other] { $unnamed } Namen zum Eintippen.
}
pages-refused = { $file }: { $why }
pages-network = Der Server ist nicht erreichbar: Prüfe die Verbindung und versuche es noch einmal.
pages-page-title = Seite { $n }: { $file }
pages-label = Buch oder Jahr (freiwillig; wer in zwei Büchern ist, bekommt aus jedem ein Foto)
pages-remove = Diese Seite entfernen
pages-add-box = Kästchen hinzufügen
pages-box = Porträt { $n }
pages-box-named = Porträt { $n }: { $name }
pages-box-unnamed = Porträt { $n }: noch ohne Namen
pages-name = Name zu Porträt { $n }
pages-unread = Nicht gelesen ({ $why }): Tippe den Namen ein.
pages-drop = Entfernen
pages-merge = Dieselbe Person wie…
pages-merge-none = (Kästchen wählen)
pages-merged = Die Porträts { $a } und { $b } sind jetzt eins.
pages-on-list = Auf der Liste: { $name } ({ $score } % ähnlich). Übernehmen?
pages-listed = Auf der Liste.
pages-not-listed = Nicht auf der Namensliste.
pages-to-roster = In die Klasse übernehmen
pages-to-roster-hint = Jedes Kästchen kommt als Foto mit dem Namen der Person in die Klasse, als hättest du es oben abgelegt; wer schon da ist, bekommt es zu seinen Fotos dazu.
pages-adding = Die Porträts werden ausgeschnitten…
pages-added = { $count ->
    [one] 1 Porträt ist jetzt in der Klasse.
   *[other] { $count } Porträts sind jetzt in der Klasse.
}
pages-saved = Gespeichert.
pages-save-trouble = Diese Änderung wurde nicht gespeichert: { $why }
pages-confirm-remove = Diese Seite mit ihren Kästchen entfernen?
pages-same-name = { $name } ist sowohl Porträt { $portrait } auf Seite { $page } als auch Porträt { $otherportrait } auf Seite { $otherpage }: Sind es zwei Personen, unterscheide sie im Namen; ist es eine Person in zwei Büchern, gib jeder Seite ihr Buch oder Jahr.
# Die Gründe der Erkennung (src/pages/why.rs).
pages-detector-not-class = keine Klassenseite ({ $why }); nichts ausgeschnitten
pages-why-too-few-boxes = { $count ->
    [one] 1 porträtartiges Kästchen, eine Klassenseite hat 4 oder mehr
   *[other] { $count } porträtartige Kästchen, eine Klassenseite hat 4 oder mehr
}
pages-why-mixed-sizes = die Kästchen sind nicht gleich groß
pages-why-not-portrait-shaped = die Kästchen haben kein Porträtformat
pages-why-too-little-covered = die Kästchen bedecken zu wenig von der Seite
pages-flag-no-tesseract = kein tesseract installiert: Name nicht gelesen
pages-flag-no-caption = keine Bildunterschrift unter dem Porträt
pages-flag-unreadable = Bildunterschrift unlesbar ({ $text })
pages-flag-ocr = Texterkennung fehlgeschlagen: { $detail }
