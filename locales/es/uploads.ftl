# Por qué se rechaza un archivo o una foto subidos, y la pregunta al
# organizador sobre una foto de alguien que ya está en el evento.

upload-too-large = Este archivo ocupa { $mb } MB; lo máximo que se acepta son { $max } MB. Escanéalo a 300 ppp o guárdalo como JPEG, y vuelve a soltarlo aquí.
upload-heic = Esta es una foto HEIC de iPhone, que el servidor no puede leer: expórtala como JPEG (Fotos: Compartir → Opciones → Más compatible) y vuelve a soltarla aquí.
upload-pdf = Esto es un PDF, no una foto: escanea o exporta cada página como PNG o JPEG y suelta esas en su lugar.
upload-other-format = Esta es una imagen { $kind }; solo se aceptan PNG y JPEG: ábrela y guárdala o expórtala como JPEG, y vuelve a soltarla aquí.
upload-not-image = Esto no es una foto: solo se aceptan imágenes PNG y JPEG (o un .zip con ellas).
upload-too-many-pixels = Esta foto mide { $width }×{ $height } píxeles; lo máximo que se acepta es { $side }×{ $side } y { $mp } megapíxeles. Escanéala a 300 ppp o redúcela, y vuelve a soltarla aquí.
upload-unreadable = Esta foto está dañada o incompleta y no se puede leer: ábrela en tu ordenador, guárdala de nuevo como JPEG y vuelve a soltarla aquí.
upload-no-name = El nombre del archivo no dice ningún nombre: nombra cada foto como la persona, p. ej. «Ann Lee.jpg» o «Ann Lee (1986).jpg».
upload-duplicate = «{ $other }» tiene el mismo nombre y etiqueta: si son dos personas, cambia el nombre de una; si son dos fotos de una persona, ponle a cada una su año (p. ej. «Ann Lee (1983).jpg») y vuelve a soltarla aquí.
upload-unlabelled = { $name } también tiene fotos con año: ponle a esta su año también, p. ej. «{ $name } (1986).jpg», o ponla en una carpeta con el nombre del año, y vuelve a soltarla aquí.
upload-already-there = Esta foto de { $name } ya está en este evento: se omite.
upload-skipped = Omitida: las fotos de { $name } se quedaron como estaban.
upload-zip-too-big = Este zip contiene más de { $entries } archivos o al descomprimirse ocupa más de { $mb } MB: suelta la carpeta en su lugar, o comprime menos fotos cada vez.
upload-zip-unreadable = Este zip está dañado o protegido con contraseña: créalo de nuevo sin contraseña, o suelta la carpeta en su lugar.
upload-too-many-photos = { $name } ya tiene { $count } fotos, lo máximo por persona: reemplaza una de ellas en la tabla.
upload-ask-label = { $name } ya tiene una foto de { $label }.
upload-ask-photo = { $name } ya tiene una foto.
