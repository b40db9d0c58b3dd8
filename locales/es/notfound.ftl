notfound-page-title = Esa sala no existe
notfound-title = Ese juego no existe
notfound-lead = No hay ningún juego con el código { $code }.
notfound-check = Mira el código en la pantalla grande y vuelve a intentarlo.
notfound-start = Ir a la página de inicio
