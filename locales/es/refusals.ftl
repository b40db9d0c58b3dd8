# Los `message` de los rechazos HTTP (src/http/*.rs) en el idioma del
# cliente; los `code` de al lado no cambian nunca.

## El área de organización (src/http/organise.rs)
refusal-organiser-log-in = Solo quien organiza puede hacer esto: entra en /organise.
refusal-organiser-local = Solo quien organiza puede hacer esto: abre el área de organización en un navegador del ordenador donde funciona este servidor, en http://localhost:PORT/organise o http://127.0.0.1:PORT/organise (PORT como en --addr).
refusal-organiser-closed = El área de organización (/organise) está cerrada a otros dispositivos: este servidor escucha en una dirección pública sin contraseña de administración, así que solo un navegador del ordenador donde funciona puede organizar, en http://127.0.0.1:PORT/organise (PORT como en --addr). Para organizar desde otro dispositivo, vuelve a arrancarlo con --admin-password CONTRASEÑA (o la variable de entorno YEARBOOK_ADMIN_PASSWORD).
refusal-organiser-proxy = El área de organización (/organise) está cerrada: detrás de un proxy cada petición llega desde la dirección del proxy, así que estar en este ordenador no demuestra nada. Vuelve a arrancar el servidor con --admin-password CONTRASEÑA (o la variable de entorno YEARBOOK_ADMIN_PASSWORD).
refusal-guest-code-chars = El código de invitados solo puede tener letras, cifras, espacios, guiones, puntos y apóstrofos: { $chars } no se puede escribir en todos los móviles.
refusal-guest-code-long = El código de invitados tiene como máximo { $max } caracteres; este tiene { $len }.
refusal-guest-code-short = El código de invitados necesita al menos { $min } caracteres, para que no se adivine enseguida.
refusal-your-invite-link-opens = Tu enlace de invitación abre un solo evento.
refusal-not-organiser-password = Esa no es la contraseña de organización.
refusal-no-such-event = Ese evento no existe.
refusal-no-such-event-person = Ese evento o esa persona no existe.
refusal-no-such-person = Esa persona no existe.
refusal-no-such-photo = Esa foto no existe.
refusal-edited-elsewhere = { $who } cambió { $named ->
    [no] a esta persona
   *[yes] a { $name }
} a las { $time } (UTC) después de que la abrieras: vuelve a mirar la fila y haz tu cambio otra vez.
refusal-there-no-more-room = No queda sitio en este servidor para las fotos y los nombres de los eventos: lo que queda mantiene las partidas guardándose. No se cambió nada. Pide a quien gestiona el servidor que dé más sitio a la base de datos (--db-max-mb) o que libere espacio en disco, y vuelve a intentarlo.
refusal-change-could-not-saved = No se pudo guardar el cambio (el disco del servidor lo rechazó). No se perdió nada; vuelve a intentarlo en un momento.
refusal-event-needs-title = El evento necesita un título.
refusal-keep-days = Las fotos de hoy se guardan de { $min } a { $max } días: escribe un número entero en ese intervalo.
refusal-photos-data-not-base64 = Los datos de una foto no están en base64.
refusal-each-change-names-person = Cada cambio nombra a una persona: {"{"}"id": N, ...{"}"}.
refusal-each-person-appear-once = Cada persona puede aparecer una sola vez en un cambio.
refusal-say-version = Di qué versión cambiaste: {"{"}"version": N, ...{"}"}.
refusal-say-version-query = Di qué versión cambiaste: ?version=N.
refusal-say-how-far-turn = Di cuánto girar: {"{"}"turns": 1{"}"} es un cuarto de vuelta en el sentido de las agujas del reloj.
refusal-photo-dropped = La conexión se cortó mientras se enviaba la foto: envíala otra vez.
refusal-photo-slow = La foto debe llegar en { $seconds } s: envía una más pequeña.

## La lista de nombres
refusal-lists-file-did-not = El archivo de la lista no llegó entero; vuelve a elegirlo.
refusal-paste-name-list-choose = Pega la lista de nombres o elige su archivo (una de las dos cosas).

## Un zip de lista de clase
refusal-zip-too-large = El zip ocupa más de { $max } MB: deja fuera lo que no sea la lista, o añade las fotos mediante la subida de fotos.
refusal-zip-dropped = La conexión se cortó durante la subida; envíalo otra vez.
refusal-zip-slow = El zip debe llegar en { $minutes } minutos.
refusal-server-has-no-room = El servidor no tiene sitio en el disco para el zip ahora mismo; vuelve a intentarlo más tarde.

## Las fotos de la clase, subidas por partes
refusal-no-such-upload = Esa subida no existe.
refusal-no-such-upload-have = Esa subida no existe: puede que se terminara o se abandonara hace más de un día.
refusal-file-empty = Este archivo está vacío.
refusal-upload-offset-header-must = La cabecera Upload-Offset debe dar un número.
refusal-server-has-no-folder = Este servidor no tiene carpeta donde guardar las subidas.
refusal-server-could-not-save = El servidor no pudo guardar esta parte del archivo (puede que su disco esté lleno). No se pierde nada de lo ya guardado: vuelve a intentarlo en un momento.
refusal-servers-disk-nearly-full = El disco del servidor está casi lleno, y lo que queda mantiene a salvo las partidas: libera espacio en el servidor (o pídeselo a quien lo gestiona) y vuelve a arrastrar el archivo.
refusal-chunk-dropped = La conexión se cortó a mitad de una parte; sigue desde el desplazamiento.
refusal-chunk-slow = Una parte debe llegar en { $seconds } s.
refusal-choose-one-of = Elige una de estas: { $choices }.
refusal-expected-name-size = Se esperaba {"{"}"name", "size"{"}"}: { $detail }
refusal-expected-file-choice = Se esperaba {"{"}"file", "choice"{"}"}: { $detail }

## Salas, juego en solitario, fotos, peticiones
refusal-no-room = No hay ninguna sala con el código { $code }.
refusal-creating-room-needs-host = Para crear una sala hace falta la contraseña de quien presenta.
refusal-host-key-needed = { $what ->
    [results] Los resultados necesitan
    [remote-qr] El código QR del mando necesita
    [today-photos] Las fotos de hoy necesitan
   *[hide-photo] Ocultar una foto necesita
} la clave de quien presenta (Authorization: Bearer KEY).
refusal-host-key-not-valid = Esa clave de quien presenta no vale para esta sala.
refusal-guest-no-photo-today = Ese invitado no tiene foto de hoy.
refusal-no-such-solo-round = Esa ronda en solitario no existe.
refusal-round-was-already-answered = Esta ronda ya se respondió.
refusal-choose-0-3 = Elige de 0 a 3.
refusal-send-round-id-choice = Envía {"{"}"round_id", "choice"{"}"}.
refusal-role-only-host-host = role solo puede ser host (para la conexión de una pantalla grande).
refusal-websocket-connections-from-another = No se permiten conexiones WebSocket desde otro sitio.
refusal-handshake-get = Las conexiones WebSocket empiezan con GET.
refusal-handshake-not-upgrade = Esta dirección es para conexiones WebSocket.
refusal-handshake-version = Aquí solo se habla la versión 13 de WebSocket.
refusal-handshake-bad-key = La clave WebSocket no son 16 bytes en base64.
refusal-handshake-no-key = Falta la clave WebSocket.
refusal-handshake-cannot-upgrade = Esta conexión no se puede convertir en WebSocket.
refusal-too-many-attempts = Demasiados intentos desde tu red; espera un minuto.
refusal-wrong-offset = El servidor tiene los primeros { $at } bytes de este archivo: envía a partir de ahí.
refusal-query-string-could-not = No se pudo leer la cadena de consulta.
refusal-invalid-json = JSON no válido: { $detail }
refusal-invalid-request = Petición no válida: { $detail }
refusal-body-must-json-object = El cuerpo debe ser un objeto JSON.
refusal-request-body-larger-than = El cuerpo de la petición ocupa más de 64 KiB.
refusal-request-body-could-not = No se pudo leer el cuerpo de la petición.
refusal-request-body-slow = El cuerpo de la petición debe llegar en { $seconds } s.
refusal-requests-from-another-site = No se permiten peticiones desde otro sitio.
refusal-nothing-here = Aquí no hay nada.
refusal-no-such-file = Ese archivo no existe.
refusal-something-went-wrong = Algo salió mal.
refusal-roster-problems = La lista tiene { $count ->
    [one] { $count } problema
   *[other] { $count } problemas
}; no se creó nada. Corrígelos y vuelve a subirla.
refusal-chunk-too-large = Una parte lleva como máximo { $max } MiB y nunca más que el tamaño anunciado del archivo.
refusal-label-needed = Ponle una etiqueta a esta foto, como el año del anuario (1986): { $name } ya tiene una foto, y cada foto de una persona necesita su propia etiqueta.
refusal-label-too-long = Una etiqueta tiene como máximo { $max } caracteres.
refusal-label-taken = { $name } ya tiene una foto «{ $label }»: elige Sustituir u otra etiqueta.
refusal-zip-no-room = No hay sitio para descomprimir el zip: { $detail }
refusal-name-empty = El nombre está vacío.
refusal-too-many-photos = Una persona puede tener como máximo { $max } fotos.
refusal-photo-label-taken = { $name } ya tiene una foto { $labelled ->
    [no] sin etiqueta
   *[yes] con la etiqueta { $label }
}.
refusal-photo-unreadable = La foto no se puede usar ({ $why }).
refusal-person-photo-unreadable = { $name }: la foto no se puede usar ({ $why }).
# Un zip de la lista de la clase que no sirve como zip (422 bad_zip).
refusal-zip-read-back = No se pudo volver a leer el zip: { $detail }.
refusal-zip-not-zip = Esto no es un archivo zip: comprime la carpeta de la lista (roster.csv y photos/) en un zip y sube eso.
refusal-zip-too-many-files = El zip contiene { $count } archivos; se aceptan como mucho { $max }.
refusal-zip-damaged = El zip está dañado ({ $detail }); vuelve a comprimir la carpeta.
refusal-zip-outside = El zip nombra un archivo fuera de su carpeta («{ $name }»); comprime la propia carpeta de la lista.
refusal-zip-unpack = No se pudo descomprimir el zip: { $detail }.
refusal-zip-unpacks-too-big = Descomprimido, el zip ocupa más de { $max } MB; no se acepta más.
refusal-zip-several-rosters = El zip contiene varios roster.csv uno al lado del otro; comprime una sola carpeta de lista cada vez.
refusal-zip-no-roster = El zip no contiene ningún roster.csv: comprime la carpeta que escribió `yearbook export` o `yearbook import`.
