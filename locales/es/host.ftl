# El proyector (templates/host.html, static/host.js, static/remote-offer.js),
# en el idioma de la sala.
host-page-title = Yearbook — sala { $code }
host-connecting = Conectando…
host-reconnecting = Reconectando…
host-qr-label = Código QR de { $url }
host-scan = Escanea el código o entra en
host-room-code = Código de sala
host-loopback = Los móviles no llegan a esta dirección: solo vale para este ordenador. Reinicia el servidor con una de estas opciones para que los invitados de la wifi puedan unirse:
host-laptop-address = DIRECCIÓN-DEL-PORTÁTIL
host-start = Empezar
host-settings = Ajustes
host-rounds = Rondas
host-seconds-each = Segundos por ronda
host-seconds-per-round = Segundos por ronda
host-mode = Modo
host-mode-name-to-photo = Nombre → foto
host-mode-photo-to-name = Foto → nombre
host-mode-then-to-now = Antes → ahora
host-mode-now-to-then = Ahora → antes
host-mode-mixed = Sorpréndeme (una mezcla)
host-tn-need = Antes y ahora: fotos del anuario frente a las de hoy. Hacen falta 4 invitados que hayan dicho quiénes son y añadido una foto de hoy: { $count } por ahora. «Sorpréndeme» lo mezcla en cuanto haya 4.
host-memoriam = Incluir a los compañeros fallecidos
host-filter = Filtrar apodos groseros
host-labels = Fotos de
host-labels-hint = (nada marcado: el anuario más reciente de cada uno)
host-language = Idioma de esta pantalla
host-players-joined = { $count ->
    [one] { $count } jugador se ha unido
   *[other] { $count } jugadores se han unido
}
host-remove-away = Quitar a los jugadores desconectados
host-removed = Quitados por quien presenta
host-claims = Quién es quién («Soy…»)
host-today-photos = Fotos de antes y ahora: { $count }
host-join = Únete
host-join-colon = Únete:
host-code-word = código
host-paused = En pausa
host-in-memoriam = In memoriam
host-leaderboard = Clasificación
host-final = Resultados finales
host-everyone = Todos
host-sound-off-key = Sonido desactivado · M
host-controls = Controles de quien presenta
host-pause = Pausa
host-resume = Seguir
host-reveal-now = Revelar ya
host-next = Siguiente
host-end = Terminar partida
host-sound-on = Sonido activado
host-sound-off = Sonido desactivado
host-fullscreen = Pantalla completa
host-download = Descargar resultados
host-new-game = Nueva partida
host-keys = Teclas ?
host-keys-title = Teclas (también sirve un mando de presentaciones)
host-key-next = Espacio · Intro · → · Av Pág
host-key-next-does = empezar · revelar ya · siguiente
host-key-back = ← · Re Pág
host-key-back-does = atrás: vuelve a mostrar la pantalla tras B
host-key-black-does = pantalla negra; otra vez para mostrarla
host-key-pause-does = pausar / seguir el tiempo
host-key-reveal-does = revelar ya
host-key-mute-does = sonido sí / no
host-key-fs-does = pantalla completa
host-key-end = Mayús + E
host-key-end-does = terminar la partida (pregunta antes)
host-key-help-does = estos controles y teclas

## Las listas de la sala de espera
host-kick-label = Quitar a { $name }
host-kick-title = Quitar de la partida
host-more = + { $count } más
host-let-back = Dejar volver
host-let-back-label = Dejar volver a { $name }
host-claim-who-now = { $name } (ahora { $now })
host-undo = Deshacer
host-undo-label = Deshacer lo que dijo { $name }
host-give = Es esa persona
host-give-label = Dar { $who } a { $name }
host-refuse = No
host-refuse-label = Rechazar a { $name }
host-claim-held = { $name } es { $who }
host-claim-asked = { $name } también dice ser { $who }: ¿es verdad?
host-today-alt = { $name } hoy
host-hide = Ocultar
host-hide-label = Ocultar la foto de { $name }
host-hide-offline = Sin conexión: la foto aún no está oculta.
host-kick-confirm = ¿Quitar a «{ $name }» de la partida? No podrá volver a unirse a menos que le dejes volver.
host-remove-away-confirm = ¿Quitar a todos los jugadores que no están conectados ahora?

## Los ajustes de la sala de espera
host-line-name-to-photo = ver un nombre, elegir la foto
host-line-photo-to-name = ver una foto, elegir el nombre
host-line-then-to-now = antes → ahora
host-line-now-to-then = ahora → antes
host-line-mixed = sorpréndeme: una mezcla de modos
host-line-rounds = { $count ->
    [one] { $count } ronda
   *[other] { $count } rondas
}
host-line-seconds = { $count } segundos por ronda
host-line-no-memoriam = sin in memoriam
host-line-labels = fotos de { $labels }
host-set-capped = { $count ->
    [one] Solo se puede preguntar por 1 compañero: 1 ronda como máximo.
   *[other] Solo se puede preguntar por { $count } compañeros: { $count } rondas como máximo.
}
host-set-whole = { $label } debe ser un número entero de { $min } a { $max }; el ajuste no ha cambiado.
host-set-offline = Sin conexión: el cambio se enviará cuando vuelva la conexión.
host-set-failed = No se ha podido cambiar ese ajuste.
host-set-not-changed = El ajuste no ha cambiado.

## Pregunta y respuesta
host-round = Ronda { $round } de { $of }
host-round-open = Ronda { $round }
host-times-up = Se acabó el tiempo
host-seconds-left = { $count ->
    [one] Queda { $count } segundo
   *[other] Quedan { $count } segundos
}
host-q-who = ¿Quién es?
host-q-today = ¿Quién es hoy?
host-q-then = ¿Quién era entonces?
host-photo-alt = Foto { $letter }
host-yearbook-photo = Foto del anuario
host-photo-today = Foto de hoy
host-then = Antes
host-today = Hoy
host-now = ahora { $name }
host-known-as = ahora conocido como { $name }
host-answered = { $answered } de { $players } han respondido
host-votes-label = Cómo votó la gente
host-votes = { $count ->
    [one] { $count } voto
   *[other] { $count } votos
}
host-votes-share = { $count ->
    [one] { $count } voto
   *[other] { $count } votos
} · { $pct } %
host-right-answer = Respuesta correcta
host-in-yearbook = { $name } en el anuario
host-got-right = { $right } de { $total } acertaron
host-nobody-answered = Nadie respondió
host-also-alt = También en { $label }
host-also = también en { $label }

## Clasificación y resultados finales
host-move-new = nuevo
host-move-new-label = nuevo en la clasificación
host-move-up = { $count ->
    [one] sube { $count } puesto
   *[other] sube { $count } puestos
}
host-move-down = { $count ->
    [one] baja { $count } puesto
   *[other] baja { $count } puestos
}
host-no-scores = Aún no hay puntos
# Tras el número en el podio: «1779 puntos».
host-points-word = { $count ->
    [one] punto
   *[other] puntos
}
host-nobody-played = Esta vez no jugó nadie.
host-most = El más reconocido
host-least = El menos reconocido
host-and-more = y { $count } más

## Errores y avisos
host-no-key = Esta es la página de la pantalla grande de la sala { $code }. Para llevar la partida, abre el enlace de quien presenta que recibiste al crearla; termina en #key=…
host-not-host = Esa clave no corresponde a esta partida. Abre el enlace que recibiste al crearla.
host-lobby-only = Los ajustes solo se pueden cambiar antes de empezar la partida.
host-storage-down = La partida no puede guardar ahora mismo; seguirá en cuanto pueda.
host-slow-down = Más despacio: demasiadas órdenes a la vez.
host-not-now = Eso no se puede hacer ahora.
host-not-connected = Sin conexión: reconectando…
host-end-confirm = ¿Terminar la partida ahora y mostrar los resultados finales?
host-need-key-download = Hace falta la clave de quien presenta para descargar los resultados.
host-download-failed = No se han podido descargar los resultados. Inténtalo de nuevo.

## El código del mando desde el móvil (static/remote-offer.js)
host-remote = Mando en el móvil
host-remote-lead = Escanéalo con tu propio móvil para llevar la partida desde la sala. Solo para quien presenta: lleva su clave.
host-remote-qr-label = Código QR del mando en el móvil
host-remote-reach = Los móviles aún no llegan a esta dirección: reinicia el servidor como dice la sala de espera y vuelve a mostrar este código.
host-remote-hint = Cualquier tecla o un clic lo ocultan; se oculta solo a los 30 segundos.
host-remote-loading = Cargando…
host-remote-need-key = Abre primero el enlace de quien presenta (termina en #key=…): el mando necesita su clave.
host-remote-bad-key = Esa clave no corresponde a esta partida.
host-remote-failed = No se ha podido crear el código QR. Inténtalo de nuevo.
