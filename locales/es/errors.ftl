error-rate-limited = Demasiados mensajes; más despacio.
error-send-json = Envía JSON en mensajes de texto.
error-bad-message = No se ha entendido ese mensaje: { $detail }
error-host-only = Esta conexión es para una pantalla de quien presenta (role=host); los móviles se conectan sin ello.
error-not-host-key = Esa clave no vale para esta sala.
error-too-many-keys = Demasiadas claves erróneas desde tu red; espera un minuto.
error-join-not-saved = El juego no puede guardar a nadie nuevo ahora mismo; inténtalo de nuevo en un momento.
error-join-paced = Se están uniendo muchos móviles desde tu red; inténtalo de nuevo en un momento.
error-unknown-token = Este dispositivo ya no está en el juego; vuelve a unirte.
error-say-hello = Primero di quién eres: hello, join o resume.
error-host-cannot = La pantalla de quien presenta no puede hacer eso.
error-only-host = Solo la pantalla de quien presenta puede hacer eso.
error-already-in = Ya estás en el juego.
error-vote-not-saved = No se pudo guardar tu voto; toca otra vez en un momento.
error-name-taken = Ese nombre ya está cogido en esta sala.
error-room-full = La sala está llena.
error-round-closed = La votación de esa ronda está cerrada.
error-already-voted = Ya has votado en esta ronda.
error-bad-choice = Elige una de las cuatro respuestas (de 0 a 3).
error-wrong-phase = Eso no se puede hacer en este momento del juego.
error-room-closed = Este juego ha terminado; pide el código nuevo a quien presenta.
error-kicked = Quien presenta te ha sacado de este juego. Si ha sido un error, pídele que te deje volver.
error-name-banned = Quien presenta sacó del juego a alguien con ese nombre. Elige otro nombre.
error-its-you = ¡Eres tú! Esta te la saltas: mira cómo adivinan los demás.
error-claim-while-asking = Podrás decir quién eres cuando termine esta pregunta.
error-unknown-person = Nadie de esta clase se puede elegir con ese número.
error-name-empty = Escribe un nombre.
error-name-too-long = Ese nombre es demasiado largo (24 letras como máximo, o 12 anchas como 漢字).
error-name-unshowable = Ese nombre tiene caracteres que no se pueden mostrar.
error-name-accents = Ese nombre tiene demasiados acentos en una letra.
error-name-invisible = Ese nombre no se ve; escribe un nombre.
error-name-other = Elige otro nombre.
error-host-not-saved = El juego no puede guardar ahora mismo, así que no ha cambiado nada; vuelve a intentarlo cuando pueda.
error-then-now-off = Antes y ahora está desactivado en este evento: aquí no hay nada que añadir.
error-close-kicked = Quien presenta te ha sacado de esta partida.
error-close-replaced = Sigues en otra conexión.
error-close-not-saved = La partida no pudo guardarte; vuelve a intentarlo.
# Lo que se le rechaza a quien presenta (proyector y mando).
error-unknown-player = No hay ningún jugador así en esta sala.
error-no-claim = Ese jugador no tiene nada pendiente de decidir.
error-settings-rounds = Las rondas deben estar entre { $min } y { $max }.
error-settings-seconds = Los segundos deben estar entre { $min } y { $max }.
error-settings-label = Ninguna foto de esta clase tiene esa etiqueta.
error-settings-too-few = { $count ->
    [one] Hace falta al menos { $count } compañero para una pregunta.
   *[other] Hacen falta al menos { $count } compañeros para una pregunta.
}
error-unknown-lang = Ese idioma no está disponible. Elige uno de estos: { $languages }.
# Lo que rechaza Antes y ahora (pocas caras: cuántas hay por ahora).
error-then-now-too-few = Antes y ahora necesita al menos cuatro compañeros que hayan dicho quiénes son y añadido su foto de hoy; { $have ->
    [0] todavía no hay ninguno.
    [one] por ahora hay 1.
   *[other] por ahora hay { $have }.
}
error-then-now-exhausted = Ya se ha preguntado en este juego por todos los que tienen foto de hoy.
error-then-now-off-mode = Antes y ahora está desactivado en este evento: elige otro modo.
# Una pantalla de presentador rechazada y el aviso de que no se puede guardar.
error-too-many-hosts = Este juego ya tiene { $max } pantallas de presentador abiertas (proyector y mandos): cierra una y vuelve a intentarlo.
error-host-storage = El juego no puede guardar en su disco ahora mismo. No se muestra nada nuevo hasta que pueda: una ronda que termina espera su solución. Libera algo de espacio en disco; el juego sigue por sí solo.
