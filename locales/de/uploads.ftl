# Warum eine hochgeladene Datei oder ein Foto abgelehnt wird, und die Frage
# an die Organisation zu einem Foto von jemandem, der schon dabei ist.

upload-too-large = Diese Datei hat { $mb } MB; höchstens { $max } MB werden angenommen. Scanne mit 300 dpi oder speichere sie als JPEG und zieh sie noch einmal hierher.
upload-heic = Das ist ein iPhone-Foto im HEIC-Format, das der Server nicht lesen kann: exportiere es als JPEG (Fotos: Teilen → Optionen → Am kompatibelsten) und zieh es noch einmal hierher.
upload-pdf = Das ist ein PDF, kein Foto: scanne oder exportiere jede Seite als PNG oder JPEG und zieh stattdessen diese hierher.
upload-other-format = Das ist ein { $kind }-Bild; nur PNG und JPEG werden angenommen: öffne es, speichere oder exportiere es als JPEG und zieh es dann noch einmal hierher.
upload-not-image = Das ist kein Foto: nur PNG- und JPEG-Bilder (oder eine .zip-Datei davon) werden angenommen.
upload-too-many-pixels = Dieses Foto hat { $width }×{ $height } Pixel; höchstens { $side }×{ $side } und { $mp } Megapixel werden angenommen. Scanne mit 300 dpi oder verkleinere es und zieh es noch einmal hierher.
upload-unreadable = Dieses Foto ist beschädigt oder unvollständig und kann nicht gelesen werden: öffne es auf deinem Computer, speichere es erneut als JPEG und zieh es noch einmal hierher.
upload-no-name = Der Dateiname nennt keinen Namen: benenne jedes Foto nach der Person, z. B. „Ann Lee.jpg“ oder „Ann Lee (1986).jpg“.
upload-duplicate = „{ $other }“ hat denselben Namen und dieselbe Beschriftung: Sind es zwei Personen, benenne eine um; sind es zwei Fotos einer Person, gib jedem sein Jahr (z. B. „Ann Lee (1983).jpg“) und zieh es noch einmal hierher.
upload-unlabelled = Von { $name } gibt es auch Fotos mit Jahr: benenne auch dieses mit seinem Jahr, z. B. „{ $name } (1986).jpg“, oder leg es in einen Ordner, der nach dem Jahr heißt, und zieh es noch einmal hierher.
upload-already-there = Dieses Foto von { $name } ist schon in dieser Veranstaltung: übersprungen.
upload-skipped = Übersprungen: die Fotos von { $name } bleiben, wie sie waren.
upload-zip-too-big = Diese ZIP-Datei enthält mehr als { $entries } Dateien oder wird entpackt größer als { $mb } MB: zieh stattdessen den Ordner selbst hierher oder packe weniger Fotos auf einmal.
upload-zip-unreadable = Diese ZIP-Datei ist beschädigt oder mit einem Passwort geschützt: erstelle sie ohne Passwort neu oder zieh den Ordner selbst hierher.
upload-too-many-photos = { $name } hat schon { $count } Fotos, mehr darf eine Person nicht haben: ersetze stattdessen eines davon in der Tabelle.
upload-ask-label = { $name } hat schon ein Foto „{ $label }“.
upload-ask-photo = { $name } hat schon ein Foto.
