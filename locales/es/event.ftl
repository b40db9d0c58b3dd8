event-title = Código del evento
event-lead = Este juego es privado. Escribe el código del evento que aparece en la invitación o en la pantalla.
event-label = Código del evento
event-continue = Continuar
event-wrong = Ese no es el código. Vuelve a intentarlo.
event-too-many = Demasiados códigos erróneos desde tu red. Espera un minuto y vuelve a intentarlo.
event-required = Este juego es privado: abre el enlace de la invitación o escribe el código del evento.
