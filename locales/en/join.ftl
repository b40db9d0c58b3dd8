# The phone: templates/join.html and static/join.js.

## The join form
join-page-title = Join the game
join-page-title-room = Join { $code }
join-reconnecting = Reconnecting…
join-connecting = Connecting…
join-title = Join the game
join-room = Room
join-name-label = Your name
join-name-hint = The name your classmates knew you by.
join-room-label = Room code from the big screen
join-room-placeholder = ABCD
join-button = Join
join-too-long = Too long by { $over ->
    [one] 1 letter
   *[other] { $over } letters
}: { $max } at most. A shorter form or initials will do.
join-at-limit = That’s the limit: { $max } letters.
join-name-empty = Please type your name.
join-name-long = That name is a bit long — { $max } letters at most.
join-code-length = The room code is 4 to 6 letters — it is on the big screen.
join-no-room = There is no game with the code { $code }. Check the big screen.
join-no-room-gone = There is no game with the code { $code }. Check the code on the big screen.
join-enter-code = Enter a code
join-start-page = Start page

## Waiting in the lobby
join-in = You’re in — look at the screen
join-count = { $count ->
    [one] 1 player in the game
   *[other] { $count } players in the game
}
join-not-me = That’s not me
join-claim-summary = I’m… find yourself in the class list (optional)
join-claim-label = Your name then or now
join-claim-hint = Type a few letters of your name then or now. You won’t be asked about yourself.
join-claim-who = { $name } (now { $now })
join-you-are = You are { $who }.
join-claim-asked = Someone else already said they are { $who }: the host will decide.
join-nobody = Nobody in the class list matches that.
join-im = I’m { $who }
join-today-title = Then & now
join-today-summary = add a photo of you today (optional)
join-today-consent = Shown on the screen tonight during the game; deleted when the organiser ends the event, at the latest after { $days } days.
join-today-alt = Your photo of today
join-today-camera = Take a photo
join-today-retake = Retake
join-today-gallery = Choose from gallery
join-today-use = Use this photo
join-today-delete = Delete my photo
join-today-sending = Sending your photo…
join-today-failed = That photo could not be used. Please try another.
join-today-in = Your photo is in. Thank you!
join-today-cut = The upload was cut off. Tap “Use this photo” to send it again.
join-today-deleted = Your photo is deleted.
join-today-offline = No connection: please try again.
join-today-hidden = The host took your photo out of the game.

## Refusals
join-name-taken = That name is taken, try another.
join-bad-name = Please choose another name: 1 to 24 letters.
join-full = Sorry, this game is full.
join-again = Please join again.
join-kicked = The host removed you from this game. If that was a mistake, ask the host to let you back in.
join-replaced = This game is open in another tab or window.
join-play-here = Play here instead
join-unknown-person = That classmate cannot be chosen.
join-too-late = Too late — time was up.
join-already = You already answered this one.
join-tap-again = That didn’t work — please tap again.
join-not-saved = Your answer didn’t save — please tap again.
join-easy = Easy there — one tap is enough!

## A question
join-round = Round { $round } of { $of }
join-round-only = Round { $round }
join-paused = Paused
join-resumed = Resumed
join-saved = ✓ saved
join-which-one = Which one is
join-who-today = Who is this today?
join-who-then = Who was this back then?
join-look-at-screen = Look at the big screen
join-now-known = now { $name }
join-photo-letter = Photo { $letter }
join-who-is-this = Who is this?
join-seconds = { $seconds } s
join-seconds-left = { $seconds ->
    [one] 1 second left
   *[other] { $seconds } seconds left
}
join-times-up = Time’s up!
join-times-up-live = Time’s up
join-its-you-watch = That’s you! Watch the others guess.
join-locked = Locked in: { $letter }

## The answer
join-its-you = That’s you!
join-right = ✓ Right!
join-no-answer = No answer this time
join-wrong = ✗ Not this time
join-points = { $points ->
    [one] +1 point
   *[other] +{ $points } points
}
join-streak = { $count } in a row 🔥
join-your-pick = Your pick
join-your-pick-right = Your pick ✓
join-right-caption = Right
join-right-photo = The right photo
join-picked-photo = The photo you picked
join-photo-asked = The photo asked about
join-it-was = It was
join-memoriam = In memoriam
join-also-in = also in { $labels }
join-you-picked = You picked
join-pick-right = ✓ right
join-pick-wrong = ✗ wrong
join-score = Score
join-place = Place
join-no-points-yet = No points yet
join-tied = Tied { $place } with { $others ->
    [one] 1 other
   *[other] { $others } others
}
join-last = That was the last question — the final results are coming up on the screen.
join-next = Next question coming up — watch the screen.

## The end
join-over = That’s the game!
join-no-points-game = No points this time
join-finished = You finished { $place } of { $total }
join-finished-tied = You finished tied { $place } of { $total }, with { $others ->
    [one] 1 other
   *[other] { $others } others
}
join-thanks = Thanks for playing.
