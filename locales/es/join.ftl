# El móvil: templates/join.html y static/join.js.

## Unirse
join-page-title = Únete al juego
join-page-title-room = Únete a { $code }
join-reconnecting = Reconectando…
join-connecting = Conectando…
join-title = Únete al juego
join-room = Sala
join-name-label = Tu nombre
join-name-hint = El nombre por el que te conocía tu clase.
join-room-label = Código de la sala, en la pantalla grande
join-room-placeholder = ABCD
join-button = Unirme
join-too-long = Sobra { $over ->
    [one] 1 letra
   *[other] { $over } letras
}: { $max } como máximo. Vale una forma corta o tus iniciales.
join-at-limit = Ese es el límite: { $max } letras.
join-name-empty = Escribe tu nombre.
join-name-long = Ese nombre es un poco largo: { $max } letras como máximo.
join-code-length = El código de la sala tiene de 4 a 6 letras; está en la pantalla grande.
join-no-room = No hay ningún juego con el código { $code }. Mira la pantalla grande.
join-no-room-gone = No hay ningún juego con el código { $code }. Mira el código en la pantalla grande.
join-enter-code = Escribir un código
join-start-page = Página de inicio

## Esperando
join-in = Ya estás dentro: mira la pantalla
join-count = { $count ->
    [one] 1 persona en el juego
   *[other] { $count } personas en el juego
}
join-not-me = Esa persona no soy yo
join-claim-summary = Soy… búscate en la lista de la clase (opcional)
join-claim-label = Tu nombre de entonces o de ahora
join-claim-hint = Escribe unas letras de tu nombre de entonces o de ahora. No te preguntarán por ti.
join-claim-who = { $name } (ahora { $now })
join-you-are = Eres { $who }.
join-claim-asked = Otra persona ya dijo que es { $who }: decidirá quien presenta.
join-nobody = Nadie de la lista de la clase coincide.
join-im = Soy { $who }
join-today-title = Antes y ahora
join-today-summary = añade una foto tuya de hoy (opcional)
join-today-consent = Se verá en la pantalla esta noche durante el juego; se borra cuando la organización cierre el evento, como muy tarde a los { $days } días.
join-today-alt = Tu foto de hoy
join-today-camera = Hacer una foto
join-today-retake = Repetir
join-today-gallery = Elegir de la galería
join-today-use = Usar esta foto
join-today-delete = Borrar mi foto
join-today-sending = Enviando tu foto…
join-today-failed = No se ha podido usar esa foto. Prueba con otra.
join-today-in = Tu foto ya está. ¡Gracias!
join-today-cut = La subida se cortó. Toca «Usar esta foto» para enviarla otra vez.
join-today-deleted = Tu foto se ha borrado.
join-today-offline = Sin conexión: vuelve a intentarlo.
join-today-hidden = Quien presenta ha quitado tu foto del juego.

## Rechazos
join-name-taken = Ese nombre ya está cogido, prueba otro.
join-bad-name = Elige otro nombre: de 1 a 24 letras.
join-full = Lo sentimos, este juego está lleno.
join-again = Vuelve a unirte, por favor.
join-kicked = Quien presenta te ha sacado de este juego. Si ha sido un error, pídele que te deje volver.
join-replaced = Este juego está abierto en otra pestaña o ventana.
join-play-here = Jugar aquí
join-unknown-person = No se puede elegir a esa persona.
join-too-late = Demasiado tarde: se acabó el tiempo.
join-already = Ya has respondido a esta.
join-tap-again = No ha funcionado: toca otra vez.
join-not-saved = Tu respuesta no se guardó: toca otra vez.
join-easy = ¡Tranquilidad, con un toque basta!

## Una pregunta
join-round = Ronda { $round } de { $of }
join-round-only = Ronda { $round }
join-paused = En pausa
join-resumed = Seguimos
join-saved = ✓ guardado
join-which-one = Busca a
join-who-today = ¿Quién es hoy?
join-who-then = ¿Quién era entonces?
join-look-at-screen = Mira la pantalla grande
join-now-known = ahora { $name }
join-photo-letter = Foto { $letter }
join-who-is-this = ¿Quién es?
join-seconds = { $seconds } s
join-seconds-left = { $seconds ->
    [one] queda 1 segundo
   *[other] quedan { $seconds } segundos
}
join-times-up = ¡Se acabó el tiempo!
join-times-up-live = Se acabó el tiempo
join-its-you-watch = ¡Eres tú! Mira cómo adivinan los demás.
join-locked = Elegida: { $letter }

## La respuesta
join-its-you = ¡Eres tú!
join-right = ✓ ¡Correcto!
join-no-answer = Esta vez sin respuesta
join-wrong = ✗ Esta vez no
join-points = { $points ->
    [one] +1 punto
   *[other] +{ $points } puntos
}
join-streak = { $count } seguidas 🔥
join-your-pick = Tu elección
join-your-pick-right = Tu elección ✓
join-right-caption = Correcta
join-right-photo = La foto correcta
join-picked-photo = La foto que elegiste
join-photo-asked = La foto de la pregunta
join-it-was = Era
join-memoriam = In memoriam
join-also-in = también en { $labels }
join-you-picked = Elegiste
join-pick-right = ✓ correcto
join-pick-wrong = ✗ incorrecto
join-score = Puntos
join-place = Puesto
join-no-points-yet = Aún sin puntos
join-tied = Empate en el { $place } con { $others ->
    [one] 1 persona más
   *[other] { $others } personas más
}
join-last = Era la última pregunta: los resultados finales salen ahora en la pantalla.
join-next = Ahora viene la siguiente pregunta: mira la pantalla.

## El final
join-over = ¡Fin del juego!
join-no-points-game = Esta vez sin puntos
join-finished = Has quedado { $place } de { $total }
join-finished-tied = Has quedado { $place } de { $total }, empatado con { $others ->
    [one] 1 persona más
   *[other] { $others } personas más
}
join-thanks = Gracias por jugar.
