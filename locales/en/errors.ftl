# The `message` of the WebSocket protocol's errors (docs/protocol.md);
# the `code` beside each stays English. Server-side only.
error-rate-limited = Too many messages; slow down.
error-send-json = Send JSON text frames.
error-bad-message = Could not understand that message: { $detail }
error-host-only = This connection is for a host screen (role=host); phones connect without it.
error-not-host-key = That host key is not valid for this room.
error-too-many-keys = Too many wrong keys from your network; wait a minute.
error-join-not-saved = The game cannot save new players right now; try again in a moment.
error-join-paced = Many phones are joining from your network; try again in a moment.
error-unknown-token = This device is not in the game any more; join again.
error-say-hello = Say who you are first: hello, join or resume.
error-host-cannot = The host screen cannot do that.
error-only-host = Only the host screen can do that.
error-already-in = You are already in the game.
error-vote-not-saved = Your vote could not be saved; tap again in a moment.
error-name-taken = That name is already taken in this room.
error-room-full = The room is full.
error-round-closed = Voting for that round is closed.
error-already-voted = You already voted in this round.
error-bad-choice = Choose one of the four answers (0 to 3).
error-wrong-phase = That is not possible at this point of the game.
error-room-closed = This game has closed; ask the host for the new code.
error-kicked = The host has taken you out of this game. If that was a mistake, ask the host to let you back in.
error-name-banned = The host removed a player of that name from this game. Please choose another name.
error-its-you = That's you! Sit this one out and watch the others guess.
error-claim-while-asking = You can say who you are once this question is over.
error-unknown-person = Nobody in this class can be chosen with that number.
error-name-empty = Please type a name.
error-name-too-long = That name is too long (24 letters at most, or 12 wide ones such as 漢字).
error-name-unshowable = That name has characters that cannot be shown.
error-name-accents = That name has too many accents on one letter.
error-name-invisible = That name cannot be seen; please type a name.
error-name-other = Please choose another name.
error-host-not-saved = The game cannot save right now, so nothing was changed; try again once it can.
error-then-now-off = Then & now is switched off for this event: there is nothing to add here.
# The error a socket is sent just before the room closes it.
error-close-kicked = The host removed you from this game.
error-close-replaced = You continued on another connection.
error-close-not-saved = The game could not save you; try again.
# The host's own refusals (projector and remote).
error-unknown-player = No such player in this room.
error-no-claim = That player has no claim waiting for you to decide.
error-settings-rounds = Rounds must be between { $min } and { $max }.
error-settings-seconds = Seconds must be between { $min } and { $max }.
error-settings-label = No photo of this class has that label.
error-settings-too-few = { $count ->
    [one] At least { $count } classmate is needed for a question.
   *[other] At least { $count } classmates are needed for a question.
}
error-unknown-lang = That language is not offered. Choose one of: { $languages }.
# Then & now's refusals (too few faces: how many so far).
error-then-now-too-few = Then & now needs at least four classmates who said who they are and added today's photo; { $have } so far.
error-then-now-exhausted = Everyone with a today's photo has already been asked in this game.
error-then-now-off-mode = Then & now is switched off for this event: choose another mode.
# A host screen refused, and the host's notice that the store fails.
error-too-many-hosts = This game already has { $max } host screens open (projector and remotes): close one and try again.
error-host-storage = The game cannot save to its disk right now. Nothing new is shown until it can: a round that ends waits for its reveal. Free some disk space; the game carries on by itself.
