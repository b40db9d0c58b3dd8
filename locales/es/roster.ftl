# Por qué se deja fuera una línea de la lista de la clase, una línea de la
# lista de nombres o un archivo de foto (src/roster/why.rs).

roster-cannot-read = no se puede leer: { $detail }
roster-unreadable-header = encabezado ilegible: { $detail }
roster-no-name-column = el encabezado no tiene columna «name»
roster-no-photo-column = el encabezado no tiene columna «photo» (ni «image»)
roster-unreadable-row = fila ilegible: { $detail }
roster-name-empty = el nombre está vacío
roster-name-empty-for = el nombre de la foto «{ $photo }» está vacío: escribe el nombre de la persona
roster-photo-empty = la foto está vacía
roster-label-too-long = la etiqueta «{ $label }» tiene más de { $max } caracteres
roster-memoriam-not-flag = in_memoriam «{ $cell }» no es true/yes/1 ni está vacío
roster-duplicate-name = nombre repetido «{ $name }» (primero en la línea { $first })
roster-too-many-photos = «{ $name }» tiene más fotos que las { $max } que puede tener una persona: deja fuera esta fila
roster-duplicate-unlabelled = nombre repetido «{ $name }» (primero en la línea { $first }); para dar otra foto a una persona, rellena la etiqueta en cada una de sus filas
roster-same-label = «{ $name }» tiene dos fotos con la etiqueta «{ $label }» (primero en la línea { $first })
roster-cell-differs = { $column } «{ $value }» no coincide con «{ $firstvalue }» de la línea { $first } para la misma persona; déjalo vacío en esta fila o escribe lo mismo
roster-memoriam-differs = in_memoriam no coincide con la línea { $first } para la misma persona; déjalo vacío en esta fila o escribe lo mismo
roster-photo-not-found = no se encuentra la foto «{ $photo }»
roster-photo-outside = la foto «{ $photo }» está fuera de la carpeta de la clase { $folder }; las fotos deben estar dentro
roster-photo-io = foto «{ $photo }»: { $detail }
roster-photo-not-file = la foto «{ $photo }» no es un archivo
roster-photo-too-big = la foto «{ $photo }» ocupa { $mb } MB; el archivo más grande que se acepta ocupa { $max } MB
roster-photo-cannot-read = no se puede leer la foto «{ $photo }»: { $detail }
roster-photo-unusable = la foto «{ $photo }» no sirve (el decodificador de imágenes dice: { $detail })
roster-same-image = la foto «{ $photo }» es la misma imagen que la de la línea { $first }
roster-too-few-people = { $count ->
    [one] solo 1 persona; hacen falta al menos 4 para una pregunta
   *[other] solo { $count } personas; hacen falta al menos 4 para una pregunta
}
roster-list-line-unreadable = esta línea no se puede leer ({ $detail })
roster-list-no-name-column = la primera línea nombra columnas, pero ninguna se llama «name»: llama «name» a la columna de los nombres
roster-list-extra-cells = { $count ->
    [one] 1 celda en esta línea: una lista sin línea de encabezado se lee como nombre, género, apodo, in memoriam, y el resto se deja fuera
   *[other] { $count } celdas en esta línea: una lista sin línea de encabezado se lee como nombre, género, apodo, in memoriam, y el resto se deja fuera
}
roster-list-no-name = esta línea no tiene nombre, así que se deja fuera
roster-list-duplicate = «{ $name }» ya está en la línea { $first }, así que esta línea se deja fuera
roster-list-memoriam = «{ $cell }» en la columna in memoriam no es ni sí ni no: escribe sí (o x, o 1) para un compañero que ha fallecido, y déjalo vacío en los demás casos
roster-lone-gender = el género «{ $gender }» no aparece en ninguna otra línea (las demás dicen { $others }): si es una errata, corrígela; tal como está, las respuestas falsas para esta persona salen de todo el mundo
roster-or = o
roster-file-heic = se omitió «{ $file }»: una foto HEIC del iPhone no se puede leer; guárdala como JPEG (o pon la cámara del iPhone en «Más compatible») y vuelve a añadirla
roster-file-pdf = se omitió «{ $file }»: un PDF no es una foto; guarda la página como .png o .jpg y añade eso
roster-file-not-image = se omitió «{ $file }»: no es una imagen .png ni .jpg
roster-file-no-name = se omitió «{ $file }»: el nombre del archivo no da ningún nombre
roster-file-label-too-long = se omitió «{ $file }»: una etiqueta tiene como mucho { $max } caracteres
roster-same-file = { $labelled ->
    [yes] se omitió «{ $file }»: mismo nombre y etiqueta que «{ $first }»
   *[no] se omitió «{ $file }»: mismo nombre que «{ $first }»
}
roster-unlabelled-among-labelled = se omitió «{ $file }»: { $name } también tiene fotos etiquetadas; llámala «{ $name } (1986).{ $ext }» o ponla en una carpeta de etiqueta
