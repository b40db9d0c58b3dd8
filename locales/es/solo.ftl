solo-page-title = Jugar en solitario
solo-home = ‹ Inicio
solo-score = Puntos
solo-streak = Racha
solo-which-one = Busca a
solo-next = Siguiente
solo-try-again = Reintentar
solo-now-known = ahora { $name }
solo-photo-letter = Foto { $letter }
solo-load-failed = No se ha podido cargar una pregunta.
solo-offline = Sin conexión con el juego. Revisa el wifi y vuelve a intentarlo.
solo-expired = Esa pregunta ha caducado: aquí tienes una nueva.
solo-check-failed = No se ha podido comprobar tu respuesta.
solo-offline-tap = Sin conexión: toca otra vez cuando vuelva el wifi.
solo-right = { $streak ->
    [0] ✓ ¡Correcto!
    [1] ✓ ¡Correcto!
   *[other] ✓ ¡Correcto! { $streak } seguidas.
}
solo-wrong = ✗ Casi: { $name } es la foto { $letter }.
solo-off-page = El juego en solitario está desactivado en este servidor. Únete al juego de la pantalla grande.
solo-closed = El juego en solitario está cerrado para este evento. Únete al juego de la pantalla grande.
solo-off = El juego en solitario está desactivado en este servidor.
solo-paused = El juego en solitario está en pausa mientras hay una partida; inténtalo después de esta pregunta.
solo-too-many = Demasiadas rondas desde tu red; vuelve a intentarlo en { $seconds } s.
solo-no-question = No hay suficientes compañeros para una pregunta.
solo-no-event = Ese evento no existe.
