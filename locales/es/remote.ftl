# El mando en el móvil de quien presenta (templates/remote.html,
# static/remote.js), en su propio idioma.
remote-page-title = Mando — sala { $code }
remote-connecting = Conectando…
remote-reconnecting = Reconectando…
remote-title = Mando
remote-room = sala
remote-start = Empezar
remote-reveal = Revelar
remote-next = Siguiente
remote-final = Resultados finales
remote-pause = Pausa
remote-resume = Seguir
remote-end = Terminar partida
remote-end-confirm = ¿Terminar la partida ahora y mostrar los resultados finales?
remote-end-yes = Sí, terminar la partida
remote-end-no = Seguir jugando
remote-players = Jugadores: { $count }
remote-removed = Quitados
remote-phase-lobby = Sala de espera
remote-phase-question = Pregunta
remote-phase-reveal = Respuesta mostrada
remote-phase-over = Resultados finales
remote-round = ronda { $round } de { $of }
remote-round-open = ronda { $round }
remote-paused = en pausa
remote-joined = { $count ->
    [one] { $count } jugador se ha unido
   *[other] { $count } jugadores se han unido
}
remote-answered = { $answered } de { $players } han respondido
remote-timer-paused = tiempo en pausa
remote-left = quedan { $count } s
remote-last = Esa era la última pregunta.
remote-next-question = Siguiente: pregunta { $round }
remote-over = La partida ha terminado.
remote-away = fuera
remote-remove = Quitar
remote-sure = ¿Seguro?
remote-remove-label = Quitar a { $name }
remote-sure-label = Toca otra vez para quitar a { $name }
remote-let-back = Dejar volver
remote-let-back-label = Dejar volver a { $name }
remote-not-host = Esa clave no corresponde a esta partida. Vuelve a escanear el código QR del mando en la pantalla grande.
remote-too-many = Hay demasiadas pantallas de quien presenta abiertas para esta partida. Volviendo a intentarlo…
remote-cannot-yet = Este servidor aún no puede hacer eso.
remote-failed = Eso no ha funcionado.
remote-not-connected = Sin conexión: reconectando…
remote-no-key = Este mando necesita la clave de quien presenta. En la pantalla grande, elige «Mando en el móvil» y escanea su código QR.
