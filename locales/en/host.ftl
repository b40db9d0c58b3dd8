# The projector (templates/host.html, static/host.js, static/remote-offer.js),
# shown in the room's language.
host-page-title = Yearbook — room { $code }
host-connecting = Connecting…
host-reconnecting = Reconnecting…
host-qr-label = QR code for { $url }
host-scan = Scan the code or go to
host-room-code = Room code
host-loopback = Phones cannot reach this address: it is this computer only. Restart the server with one of these so guests on the Wi-Fi can join:
host-laptop-address = LAPTOP-ADDRESS
host-start = Start
host-settings = Settings
host-rounds = Rounds
host-seconds-each = Seconds each
host-seconds-per-round = Seconds per round
host-mode = Mode
host-mode-name-to-photo = Name → photo
host-mode-photo-to-name = Photo → name
host-mode-then-to-now = Then → now
host-mode-now-to-then = Now → then
host-mode-mixed = Surprise me (a mix)
host-tn-need = Then & now: yearbook photos against today’s. It needs 4 guests who said who they are and added a photo of today: { $count } so far. “Surprise me” mixes it in once there are 4.
host-memoriam = Include classmates in memoriam
host-filter = Filter rude nicknames
host-labels = Photos from
host-labels-hint = (none ticked: each classmate’s newest yearbook)
host-language = Language of this screen
host-players-joined = { $count ->
    [one] { $count } player joined
   *[other] { $count } players joined
}
host-remove-away = Remove disconnected players
host-removed = Removed by the host
host-claims = Who is who (“I’m…”)
host-today-photos = Then & now photos: { $count }
host-join = Join
host-join-colon = Join:
host-code-word = code
host-paused = Paused
host-in-memoriam = In memoriam
host-leaderboard = Leaderboard
host-final = Final results
host-everyone = Everyone
host-sound-off-key = Sound off · M
host-controls = Host controls
host-pause = Pause
host-resume = Resume
host-reveal-now = Reveal now
host-next = Next
host-end = End game
host-sound-on = Sound on
host-sound-off = Sound off
host-fullscreen = Fullscreen
host-download = Download results
host-new-game = New game
host-keys = Keys ?
host-keys-title = Keys (a presentation clicker works too)
host-key-next = Space · Enter · → · Page Down
host-key-next-does = start · reveal now · next
host-key-back = ← · Page Up
host-key-back-does = back: shows the screen again after B
host-key-black-does = black screen, again to show it
host-key-pause-does = pause / resume the timer
host-key-reveal-does = reveal now
host-key-mute-does = sound off / on
host-key-fs-does = full screen
host-key-end = Shift + E
host-key-end-does = end the game (asks first)
host-key-help-does = these controls and keys

## The lobby's lists
host-kick-label = Remove { $name }
host-kick-title = Remove from the game
host-more = + { $count } more
host-let-back = Let back in
host-let-back-label = Let { $name } back in
host-claim-who-now = { $name } (now { $now })
host-undo = Undo
host-undo-label = Undo { $name }’s claim
host-give = It’s them
host-give-label = Give { $who } to { $name }
host-refuse = No
host-refuse-label = Turn down { $name }
host-claim-held = { $name } is { $who }
host-claim-asked = { $name } also says they are { $who }: is it them?
host-today-alt = { $name } today
host-hide = Hide
host-hide-label = Hide { $name }’s photo
host-hide-offline = No connection: the photo is not hidden yet.
host-kick-confirm = Remove “{ $name }” from the game? They cannot join again unless you let them back in.
host-remove-away-confirm = Remove every player who is not connected now?

## The lobby's settings
host-line-name-to-photo = see a name, pick the photo
host-line-photo-to-name = see a photo, pick the name
host-line-then-to-now = then → now
host-line-now-to-then = now → then
host-line-mixed = surprise me: a mix of modes
host-line-rounds = { $count ->
    [one] { $count } round
   *[other] { $count } rounds
}
host-line-seconds = { $count } seconds each
host-line-no-memoriam = no in memoriam
host-line-labels = photos from { $labels }
host-set-capped = { $count ->
    [one] Only 1 classmate can be asked: 1 round at most.
   *[other] Only { $count } classmates can be asked: { $count } rounds at most.
}
host-set-whole = { $label } must be a whole number from { $min } to { $max } — the setting was not changed.
host-set-offline = Not connected — the change will be sent when the connection is back.
host-set-failed = That setting could not be changed.
host-set-not-changed = The setting was not changed.

## Question and reveal
host-round = Round { $round } of { $of }
host-round-open = Round { $round }
host-times-up = Time’s up
host-seconds-left = { $count ->
    [one] { $count } second left
   *[other] { $count } seconds left
}
host-q-who = Who is this?
host-q-today = Who is this today?
host-q-then = Who was this back then?
host-photo-alt = Photo { $letter }
host-yearbook-photo = Yearbook photo
host-photo-today = Photo of today
host-then = Then
host-today = Today
host-now = now { $name }
host-known-as = now known as { $name }
host-answered = { $answered } of { $players } answered
host-votes-label = How people voted
host-votes = { $count ->
    [one] { $count } vote
   *[other] { $count } votes
}
host-votes-share = { $count ->
    [one] { $count } vote
   *[other] { $count } votes
} · { $pct }%
host-right-answer = Right answer
host-in-yearbook = { $name } in the yearbook
host-got-right = { $right } of { $total } got it right
host-nobody-answered = Nobody answered
host-also-alt = Also in { $label }
host-also = also in { $label }

## Leaderboard and final results
host-move-new = new
host-move-new-label = new on the leaderboard
host-move-up = { $count ->
    [one] up { $count } place
   *[other] up { $count } places
}
host-move-down = { $count ->
    [one] down { $count } place
   *[other] down { $count } places
}
host-no-scores = No scores yet
# After the number on the podium's steps: "1,779 points".
host-points-word = { $count ->
    [one] point
   *[other] points
}
host-nobody-played = Nobody played this time.
host-most = Most recognised
host-least = Least recognised
host-and-more = and { $count } more

## Errors and notes
host-no-key = This is the big-screen page for room { $code }. To run the game, open the host link you got when you created it — it ends in #key=…
host-not-host = That host key does not match this game. Open the link you got when you created it.
host-lobby-only = The settings can only be changed before the game starts.
host-storage-down = The game cannot save right now; it carries on once it can.
host-slow-down = Slow down a little — too many commands at once.
host-not-now = That can’t be done right now.
host-not-connected = Not connected — reconnecting…
host-end-confirm = End the game now and show the final results?
host-need-key-download = The host key is needed to download results.
host-download-failed = Could not download the results. Try again.

## The phone remote's code (static/remote-offer.js)
host-remote = Phone remote
host-remote-lead = Scan with your own phone to run the game from the floor. Only for the host: it carries the host key.
host-remote-qr-label = QR code of the phone remote
host-remote-reach = Phones cannot reach this address yet: restart the server as the lobby says, then show this code again.
host-remote-hint = Any key or a click hides it; it hides itself after 30 seconds.
host-remote-loading = Loading…
host-remote-need-key = Open the host link (it ends in #key=…) first: the remote needs its key.
host-remote-bad-key = That host key does not match this game.
host-remote-failed = Could not make the QR code. Try again.
