# Las páginas de quien organiza: templates/organise*.html, static/organise.js,
# static/organise-upload.js y static/organise-zip.js.

## La lista de eventos
organise-title = Organización
organise-page-title = { $title } — organización
organise-your-events = Tus eventos
organise-log-out = Cerrar sesión
organise-no-events = Todavía no hay eventos.
organise-people = { $count ->
    [one] { $count } persona
   *[other] { $count } personas
}
organise-rooms = { $count ->
    [one] { $count } sala
   *[other] { $count } salas
}
organise-new-event = Nuevo evento
organise-title-label = Título
organise-title-placeholder = Instituto Cervantes, promoción de 1986, reencuentro de los 40 años
organise-create = Crear evento
organise-from-roster = Nuevo evento desde una carpeta de lista de clase
organise-from-roster-help = Un .zip de una carpeta con roster.csv y sus fotos, tal como lo escriben «yearbook export» o «yearbook import» (200 MB como máximo).
organise-title-from-folder = el nombre de la carpeta
organise-zip-file = Archivo zip
organise-create-from-zip = Crear evento desde el zip
organise-zip-created = Creado con { $count ->
    [one] { $count } persona
   *[other] { $count } personas
}. Abriéndolo…
organise-zip-failed = La subida no llegó. Comprueba la conexión y vuelve a intentarlo.
organise-zip-uploading = Subiendo { $name }…
organise-zip-checking = Comprobando la lista y sus fotos…

## La página de acceso
organise-gate-intro = Escribe la contraseña de organización para preparar tus eventos.
organise-password = Contraseña de organización
organise-log-in = Entrar
organise-start-page = Página de inicio
organise-gate-wrong = Esa no es la contraseña de organización. Vuelve a intentarlo.
organise-gate-too-many = Demasiadas contraseñas incorrectas desde tu red. Espera un minuto y vuelve a intentarlo.

## Invitación a coorganizar
organise-invite-title = Invitación a coorganizar
organise-invite-intro = Este enlace te permite ayudar a preparar un evento en este servidor. Funciona una sola vez: ábrelo en el navegador que vas a usar.
organise-invite-open = Abrir el evento
organise-invite-invalid = Este enlace de invitación ya se usó, tiene más de { $days } días o nunca se creó aquí. Pide uno nuevo a quien organiza.

## Un evento
organise-back = ← Tus eventos
organise-host-game = Presentar una partida
organise-undo = Deshacer
organise-undo-hint = Ctrl+Z (⌘Z) fuera de los campos de texto
organise-undo-step = Deshacer: { $what }
organise-settings = Ajustes
organise-settings-hint = Cada ajuste se guarda en cuanto lo cambias.
organise-set-code = Código de invitados (opcional)
organise-set-code-help = Los invitados lo escriben una vez en su móvil (el código QR de la pantalla grande lo lleva). Letras, cifras, espacios, guiones, puntos y apóstrofos, de 4 a 40; las mayúsculas y los espacios de más no importan.
organise-set-code-empty-server = Vacío: el código de evento propio del servidor.
organise-set-code-empty-open = Vacío: cualquiera con el enlace de una partida puede unirse.
organise-set-solo = Los invitados pueden jugar en solitario con esta clase (tú siempre puedes usar «Vista previa: jugar en solitario»)
organise-set-memoriam = Los compañeros fallecidos están en las partidas nuevas salvo que quien presenta diga otra cosa
organise-set-thennow = Antes y ahora: los invitados pueden decir quiénes son y añadir una foto suya de hoy
organise-set-thennow-help = Las partidas en curso mantienen el ajuste con el que empezaron.
organise-set-keep-days = Días que se guardan las fotos de hoy de los invitados (de 1 a 365)
organise-set-keep-days-help = Se borran después, como muy tarde, o antes con «Terminar el evento» más abajo. Los móviles de los invitados dicen cuánto tiempo.
organise-my-name = Tu nombre (se muestra a los demás organizadores cuando cambias algo)
organise-save-settings = Guardar ajustes
organise-preview = Vista previa: jugar en solitario
organise-col-photo = Foto
organise-col-name = Nombre
organise-col-known-as = Apodo
organise-col-gender = Género
organise-col-memoriam = Fallecido
organise-col-included = Incluido
organise-co-title = Coorganizadores
organise-co-intro = Un enlace que permite a alguien ayudar solo con este evento. Funciona una vez y durante { $days } días.
organise-co-make = Crear un enlace de invitación
organise-co-link = Enlace de invitación
organise-could-not-make-link = No se pudo crear el enlace.
organise-link-made = Envía este enlace a quien coorganiza contigo. Funciona una vez.
organise-end-title = Terminar el evento
organise-end-intro = Cuando se acabe la fiesta: borra para siempre la foto de hoy de cada invitado (antes y ahora). La lista de la clase y las fotos del anuario se quedan.
organise-end-confirm = ¿Terminar el evento? La foto de hoy de cada invitado se borra para siempre.
organise-ended = Evento terminado: { $count ->
    [one] { $count } foto de hoy borrada
   *[other] { $count } fotos de hoy borradas
} para siempre.
organise-could-not-end = No se pudo terminar el evento. Vuelve a intentarlo.
organise-add-title = Añadir una persona
organise-add-gender = Género (opcional)
organise-add-photo = Foto (opcional)
organise-add = Añadir
organise-summary = { $people ->
    [one] { $people } persona
   *[other] { $people } personas
}, { $playable } en el juego, { $rooms ->
    [one] { $rooms } sala
   *[other] { $rooms } salas
}.

## Guardar, deshacer, la tabla de personas
organise-undoing = Deshaciendo…
organise-undone = Deshecho: { $what }.
organise-not-undone = { $who } cambió { $name } después de ti, así que «{ $what }» no se deshizo: mira la fila y cámbiala a mano si hace falta.
organise-someone = Alguien
organise-could-not-undo = No se pudo deshacer.
organise-person-gone = Esa persona ya no está.
organise-no-connection = Sin conexión. Vuelve a intentarlo.
organise-no-connection-undo = Sin conexión: no se deshizo nada. Vuelve a intentarlo.
organise-no-connection-turn = Sin conexión: la foto no se giró. Vuelve a intentarlo.
organise-no-connection-replace = Sin conexión: la foto no se sustituyó. Vuelve a intentarlo.
organise-no-connection-save = Sin conexión: el cambio no se guardó. Vuelve a intentarlo.
organise-no-connection-add = Sin conexión: no se añadió nada. Vuelve a intentarlo.
organise-no-connection-not-added = Sin conexión: { $name } no se añadió. Vuelve a intentarlo.
organise-no-connection-settings = Sin conexión: los ajustes no se guardaron. Vuelve a intentarlo.
organise-field-name = nombre
organise-field-known-as = apodo
organise-field-gender = género
organise-field-memoriam = fallecido
organise-field-included = incluido
organise-step-fields = { $fields } de { $name }
organise-step-turn = girar la foto de { $name }
organise-step-delete = borrar a { $name }
organise-step-add = añadir a { $name }
organise-step-namelist = la lista de nombres ({ $count ->
    [one] { $count } persona
   *[other] { $count } personas
})
organise-cell-of = { $field } de { $name }
organise-no-photo = sin foto
organise-no-label = sin etiqueta
organise-turn-label = Girar la foto de { $name } un cuarto de vuelta a la derecha
organise-turning = Girando…
organise-could-not-turn = No se pudo girar la foto.
organise-turned = Foto girada.
organise-replace = Sustituir
organise-replace-label = Sustituir la foto de { $name }
organise-sending-photo = Enviando la foto…
organise-could-not-replace = No se pudo sustituir la foto.
organise-replaced = Foto sustituida (esto no se puede deshacer aquí: sustitúyela otra vez para volver atrás).
organise-deleted = (borrado)
organise-undo-delete-label = Deshacer el borrado de { $name }
organise-delete = Borrar
organise-deleted-said = { $name } borrado.
organise-saving = Guardando…
organise-saved = Guardado.
organise-could-not-save = No se pudo guardar.
organise-could-not-add = No se pudo añadir.
organise-could-not-add-photo = No se pudo añadir la foto.
organise-not-added = { $name } no se añadió.
organise-added = { $name } añadido.
organise-could-not-create-game = No se pudo crear la partida.
organise-setting-title = título
organise-setting-guest-code = código de invitados
organise-setting-solo = ajuste de juego en solitario
organise-setting-memoriam = ajuste de fallecidos
organise-setting-thennow = ajuste de antes y ahora
organise-setting-keep-days = días que se guardan las fotos de hoy
organise-saved-setting = Guardado: { $what }.
organise-settings-saved = Ajustes guardados.
organise-could-not-save-settings = No se pudieron guardar los ajustes.

## La lista de nombres
organise-nl-title = Lista de nombres
organise-nl-intro = Pega una lista de una hoja de cálculo, o elige o arrastra su archivo .csv o .txt: una persona por línea,
organise-nl-columns = nombre, género, apodo, fallecido
organise-nl-intro-end = (vale una línea de cabecera con los nombres de columna en inglés, como en el ejemplo, y también los puntos y coma). Compárala con las personas de arriba antes de cambiar nada. Una lista nunca cambia el nombre de nadie, ni añade ni borra a nadie.
organise-nl-text = La lista
organise-nl-example-head = name;gender;known as;in memoriam
organise-nl-example-1 = José Núñez;m;Pepe;
organise-nl-example-2 = Ana López;f;;
organise-nl-file = O su archivo (.csv o .txt)
organise-nl-compare = Comparar con las personas de aquí
organise-nl-matched = Emparejados
organise-nl-on-list = En la lista, no aquí
organise-nl-here = Aquí, no en la lista
organise-nl-apply = Aplicar
organise-nl-blank = (vacío)
organise-nl-quoted = «{ $value }»
organise-nl-change-gender = género { $from } → { $to }
organise-nl-change-known-as = apodo { $from } → { $to }
organise-nl-change-memoriam = fallecido
organise-nl-change-not-memoriam = ya no figura como fallecido
organise-nl-same = La misma persona ({ $percent } %)
organise-nl-accept-label = Aceptar: la línea { $line } «{ $listname }» es { $name }
organise-nl-line = Línea { $line }:
organise-nl-problem-line = Línea { $line }: { $message }.
organise-nl-problem = { $message }.
organise-nl-on-list-as = («{ $name }» en la lista)
organise-nl-nothing-to-change = nada que cambiar
organise-nl-not-same = No es la misma
organise-nl-unaccept-label = Deshacer la aceptación de la línea { $line } como { $name }
organise-nl-nobody-yet = Nadie todavía.
organise-nl-nobody-close = nadie de aquí se parece: añádelo con «Añadir una persona».
organise-nl-nobody = Nadie.
organise-nl-suggest-line = línea { $line }: { $name }
organise-nl-everyone-listed = Nadie: todos los de aquí están en la lista.
organise-nl-apply-count = Aplicar: cambiar { $count ->
    [one] { $count } persona
   *[other] { $count } personas
}
organise-nl-nothing-to-apply = Nada que aplicar
organise-nl-paste-first = Primero pega la lista en el cuadro o elige su archivo.
organise-nl-comparing = Comparando…
organise-nl-could-not-read = No se pudo leer la lista.
organise-nl-no-connection-compare = Sin conexión: la lista no se comparó. Vuelve a intentarlo.
organise-nl-applying = Aplicando…
organise-nl-could-not-apply = No se pudo aplicar la lista.
organise-nl-compared-again = No se cambió nada; la lista se compara de nuevo.
organise-nl-applied = Aplicada: { $count ->
    [one] { $count } persona cambiada
   *[other] { $count } personas cambiadas
}.
organise-nl-no-row = No hay fila en la lista para: { $names } (se quedan como estaban).
organise-nl-no-connection-apply = Sin conexión: no se aplicó nada. Vuelve a intentarlo.
organise-nl-too-large = Este archivo es demasiado grande para una lista de nombres (más de 45 KB). Guarda solo las columnas de nombre, género, apodo y fallecido, o pega las filas.
organise-nl-using-file = Se usa el archivo «{ $name }». Escribe en el cuadro para usar el cuadro en su lugar.
organise-nl-unreadable = No se pudo leer ese archivo. Vuelve a elegirlo.

## Las fotos de la clase
organise-up-title = Añadir las fotos de la clase
organise-up-hint = Nombra cada escaneo como la persona, p. ej. «Ana López.jpg»; un año entre paréntesis («Ana López (1983).jpg») o una carpeta llamada «1983» lo etiqueta. PNG o JPEG, hasta 25 MB cada uno, o un .zip con ellos. El escaneo de alguien que ya está aquí se suma a sus fotos; nada se sustituye sin preguntarte.
organise-up-drop = Arrastra aquí una carpeta de escaneos
organise-up-or = o
organise-up-pick = Elegir fotos
organise-up-pick-folder = Elegir una carpeta
organise-up-all-files = Todos los archivos
organise-up-mb = { $mb } MB
organise-up-percent = { $percent } %
organise-up-waiting = En espera…
organise-up-overall = { $percent } % — { $done ->
    [one] { $done } archivo listo
   *[other] { $done } archivos listos
} de { $total }
organise-up-refused = , { $count } rechazados
organise-up-asking = , { $count } esperan tu decisión
organise-up-what-to-do = ¿Qué debe hacer este archivo?
organise-up-could-not = No se pudo hacer. Vuelve a intentarlo.
organise-up-no-connection = Sin conexión: no se cambió nada. Vuelve a intentarlo.
organise-up-replace-labelled = Sustituir la foto «{ $label }»
organise-up-replace = Sustituir la foto
organise-up-add = Añadir como otra foto
organise-up-skip = Omitir
organise-up-label-placeholder = Etiqueta, p. ej. 1986
organise-up-label-label = Etiqueta de la otra foto (p. ej. el año del anuario)
organise-up-no-photos = Este archivo no contiene fotos.
organise-up-waiting-choice = Esperando tu decisión:
organise-up-photos = { $count ->
    [one] { $count } foto
   *[other] { $count } fotos
}
organise-up-received = ✓ Recibido: { $who } (se añade cuando lleguen los demás archivos)
organise-up-replaced = ✓ Sustituido: { $who }
organise-up-added = ✓ Añadido: { $who }
organise-up-could-not-send = No se pudo enviar este archivo.
organise-up-progress = { $sent } de { $size }
organise-up-retrying = Conexión perdida — se reintenta en { $seconds } s…
organise-up-cannot-take = Este archivo no se puede aceptar.
organise-up-added-to-event = { $count ->
    [one] { $count } foto añadida
   *[other] { $count } fotos añadidas
} al evento.
organise-up-unfinished = { $count ->
    [one] { $count } archivo no terminó
   *[other] { $count } archivos no terminaron
} la última vez ({ $names }). Arrástralos o elígelos otra vez: siguen donde se quedaron. Las fotos ya recibidas se añaden cuando lleguen.
organise-up-forget = Olvidarlos
