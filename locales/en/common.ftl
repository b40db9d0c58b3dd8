# Strings of static/common.js and the language switch, on every page.
common-language = Language
common-too-many-tries = Too many tries — please wait a minute and try again.
common-went-wrong = Something went wrong. Please try again.
common-players = { $count ->
    [one] { $count } player
   *[other] { $count } players
}
common-points = { $count ->
    [one] { $count } point
   *[other] { $count } points
}
# A place in the ranking: 1st, 2nd, 3rd, 4th…
common-ordinal = { NUMBER($n, type: "ordinal") ->
    [one] { $n }st
    [two] { $n }nd
    [few] { $n }rd
   *[other] { $n }th
}
