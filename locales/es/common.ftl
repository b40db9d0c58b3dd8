common-language = Idioma
common-too-many-tries = Demasiados intentos: espera un minuto y vuelve a intentarlo.
common-went-wrong = Algo ha salido mal. Vuelve a intentarlo.
common-players = { $count ->
    [one] { $count } jugador
   *[other] { $count } jugadores
}
common-points = { $count ->
    [one] { $count } punto
   *[other] { $count } puntos
}
common-ordinal = { $n }.º
