# Solo play: templates/solo.html, static/solo.js and its refusals (src/http/api.rs).
solo-page-title = Solo game
solo-home = ‹ Home
solo-score = Score
solo-streak = Streak
solo-which-one = Which one is
solo-next = Next
solo-try-again = Try again
solo-now-known = now { $name }
solo-photo-letter = Photo { $letter }
solo-load-failed = Could not load a question.
solo-offline = No connection to the game. Check the Wi-Fi and try again.
solo-expired = That question expired — here is a new one.
solo-check-failed = Could not check your answer.
solo-offline-tap = No connection — tap again when the Wi-Fi is back.
solo-right = { $streak ->
    [0] ✓ Right!
    [1] ✓ Right!
   *[other] ✓ Right! { $streak } in a row.
}
solo-wrong = ✗ Not quite — { $name } is photo { $letter }.
solo-off-page = Solo play is off on this server. Join the game on the big screen instead.
solo-closed = Solo play is closed for this event. Join the game on the big screen instead.
solo-off = Solo play is off on this server.
solo-paused = Solo play is paused while a game is on; try again after this question.
solo-too-many = Too many solo rounds from your network; try again in { $seconds } s.
solo-no-question = Not enough classmates for a question.
solo-no-event = No such event.
