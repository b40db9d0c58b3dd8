# The emcee's phone remote (templates/remote.html, static/remote.js), in the
# emcee's own language.
remote-page-title = Remote — room { $code }
remote-connecting = Connecting…
remote-reconnecting = Reconnecting…
remote-title = Remote
remote-room = room
remote-start = Start
remote-reveal = Reveal
remote-next = Next
remote-final = Final results
remote-pause = Pause
remote-resume = Resume
remote-end = End game
remote-end-confirm = End the game now and show the final results?
remote-end-yes = Yes, end the game
remote-end-no = Keep playing
remote-players = Players: { $count }
remote-removed = Removed
remote-phase-lobby = Lobby
remote-phase-question = Question
remote-phase-reveal = Answer shown
remote-phase-over = Final results
remote-round = round { $round } of { $of }
remote-round-open = round { $round }
remote-paused = paused
remote-joined = { $count ->
    [one] { $count } player joined
   *[other] { $count } players joined
}
remote-answered = { $answered } of { $players } answered
remote-timer-paused = timer paused
remote-left = { $count } s left
remote-last = That was the last question.
remote-next-question = Next: question { $round }
remote-over = The game is over.
remote-away = away
remote-remove = Remove
remote-sure = Sure?
remote-remove-label = Remove { $name }
remote-sure-label = Tap again to remove { $name }
remote-let-back = Let back
remote-let-back-label = Let { $name } back
remote-not-host = That host key does not match this game. Scan the remote’s QR code on the host screen again.
remote-too-many = Too many host screens are open for this game. Trying again…
remote-cannot-yet = This server cannot do that yet.
remote-failed = That did not work.
remote-not-connected = Not connected — reconnecting…
remote-no-key = This remote needs the host key. On the host screen, choose “Phone remote” and scan its QR code.
