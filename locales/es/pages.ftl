# Páginas de clase escaneadas en el evento del organizador (issue 23): rechazos del servidor
# (/api/organise/reunions/{id}/pages…) y la sección de la página del evento.
pages-no-store = Este servidor no guarda eventos, así que tampoco puede guardar páginas escaneadas.
pages-save-failed = No se pudo guardar la página ahora (quizá el disco del servidor esté lleno): inténtalo de nuevo en un momento.
pages-no-such-page = Esta página ya no está: quizá ya pasó a la clase o se quitó en otra ventana.
pages-too-many = Ya esperan { $max } páginas, el máximo de un evento: pásalas primero a la clase o quita algunas.
pages-cut = La conexión se cortó mientras se enviaba la página: envíala otra vez.
pages-slow = La página debe llegar en { $seconds } segundos: inténtalo con mejor conexión o envía un escaneo más pequeño.
pages-too-large = Este archivo ocupa { $mb } MB; una página puede ocupar como mucho { $max } MB. Escanea a 300 o 600 ppp en escala de grises, o guarda la página como PNG o JPEG, y vuelve a enviarla.
pages-no-pdf = Este servidor no puede leer archivos PDF (no tiene instalado pdftoppm de Poppler): guarda cada página como PNG, JPEG o TIFF y envía esas en su lugar.
pages-pdf-too-large = Este PDF tiene una página de { $width }×{ $height } píxeles a 300 ppp, más de lo que puede tener una página ({ $side } por lado, { $mp } megapíxeles): guarda sus páginas como PNG o JPEG en su lugar.
pages-pdf-unreadable = Este archivo no se puede leer como PDF ({ $why }): expórtalo de nuevo o guarda sus páginas como PNG o JPEG.
pages-pdf-page = { $file } pág. { $page }
pages-not-class = No se recortó nada de esta página, porque el detector dice: { $why }. Envía el escaneo de una página de clase: una cuadrícula de retratos con un nombre debajo de cada uno.
pages-unreadable = Esta página no se puede leer como imagen ({ $why }): escanéala de nuevo o guárdala como PNG o JPEG.
pages-bad-edit = Los recuadros de la página no llegaron completos ({ $why }): recarga la página e inténtalo de nuevo.
pages-too-many-boxes = Una página tiene como máximo { $max } recuadros.
pages-box-outside = El recuadro { $n } está fuera de la página o mide menos de 8 píxeles: devuélvelo a la página.
pages-name-too-long = Un nombre tiene como máximo { $max } caracteres.
pages-none = No hay ninguna página escaneada que añadir: añade primero una página.
pages-unnamed-one = página { $page } ({ $file }), retrato { $portrait }
pages-names-missing = Escribe primero un nombre para cada retrato (o quita el recuadro): { $which }.
pages-title = Desde las páginas de clase del anuario
pages-intro = En vez de recortar cada retrato, añade escaneos de las páginas de clase del anuario (PNG, JPEG, TIFF o un PDF de las páginas, hasta 256 MB cada archivo): se encuentran los retratos y se leen los nombres de debajo. Revisa cada recuadro y cada nombre y después pásalos a la clase. Un nombre que no se pudo leer se deja vacío para que lo escribas; nada se adivina.
pages-pick = Páginas de clase escaneadas (PNG, JPEG, TIFF o PDF)
pages-keys = Cada recuadro se mueve con el ratón o con el dedo (su esquina cambia el tamaño), o se elige con Tab y se mueve con las flechas (Mayús con una flecha cambia el tamaño).
pages-reading = Leyendo { $file }… (una página tarda unos segundos)
pages-read = { $file }: { $count ->
    [one] 1 retrato
   *[other] { $count } retratos
}, { $unnamed ->
    [0] todos los nombres leídos.
    [one] 1 nombre por escribir.
   *[other] { $unnamed } nombres por escribir.
}
pages-refused = { $file }: { $why }
pages-network = No se pudo contactar con el servidor: revisa la conexión e inténtalo de nuevo.
pages-page-title = Página { $n }: { $file }
pages-label = Libro o año (opcional; quien está en dos libros recibe una foto de cada uno)
pages-remove = Quitar esta página
pages-add-box = Añadir un recuadro
pages-box = Retrato { $n }
pages-box-named = Retrato { $n }: { $name }
pages-box-unnamed = Retrato { $n }: todavía sin nombre
pages-name = Nombre del retrato { $n }
pages-unread = No leído ({ $why }): escribe el nombre.
pages-drop = Quitar
pages-merge = La misma persona que…
pages-merge-none = (elige un recuadro)
pages-merged = Los retratos { $a } y { $b } ahora son uno.
pages-on-list = En la lista: { $name } ({ $score } % parecido). ¿Usarlo?
pages-listed = En la lista.
pages-not-listed = No está en la lista de nombres.
pages-to-roster = Pasar a la clase
pages-to-roster-hint = Cada recuadro pasa a la clase como una foto con el nombre de la persona, como si la hubieras soltado arriba; quien ya está recibe la foto junto a las suyas.
pages-adding = Recortando los retratos…
pages-added = { $count ->
    [one] 1 retrato pasó a la clase.
   *[other] { $count } retratos pasaron a la clase.
}
pages-saved = Guardado.
pages-save-trouble = Este cambio no se guardó: { $why }
pages-confirm-remove = ¿Quitar esta página y sus recuadros?
pages-same-name = { $name } es a la vez el retrato { $portrait } de la página { $page } y el retrato { $otherportrait } de la página { $otherpage }: si son dos personas, distínguelas en el nombre; si es una persona en dos libros, da a cada página su libro o año.
# Los motivos del detector (src/pages/why.rs).
pages-detector-not-class = no es una página de clase ({ $why }); no se recortó nada
pages-why-too-few-boxes = { $count ->
    [one] 1 recuadro con forma de retrato, una página de clase tiene 4 o más
   *[other] { $count } recuadros con forma de retrato, una página de clase tiene 4 o más
}
pages-why-mixed-sizes = los recuadros no son todos del mismo tamaño
pages-why-not-portrait-shaped = los recuadros no tienen forma de retrato
pages-why-too-little-covered = los recuadros cubren muy poco de la página
pages-flag-no-tesseract = tesseract no está instalado: nombre sin leer
pages-flag-no-caption = no hay pie de foto bajo el retrato
pages-flag-unreadable = pie de foto ilegible ({ $text })
pages-flag-ocr = falló el reconocimiento de texto: { $detail }
