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
