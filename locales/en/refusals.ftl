# HTTP refusals' `message`s (src/http/*.rs), in the client's language:
# the server only (the `code`s beside them never change).

## The organiser's area (src/http/organise.rs)
refusal-organiser-log-in = Only the organiser may do this: log in at /organise.
refusal-organiser-local = Only the organiser may do this: open the organiser area in a browser on the computer this server runs on, at http://localhost:PORT/organise or http://127.0.0.1:PORT/organise (PORT as in --addr).
refusal-organiser-closed = The organiser area (/organise) is closed to other devices: this server listens on a public address without an admin password, so only a browser on the computer it runs on may organise, at http://127.0.0.1:PORT/organise (PORT as in --addr). To organise from another device, start it with --admin-password PASSWORD (or the environment variable YEARBOOK_ADMIN_PASSWORD), then restart it.
refusal-organiser-proxy = The organiser area (/organise) is closed: behind a proxy every request comes from the proxy's address, so being on this computer proves nothing. Start the server with --admin-password PASSWORD (or the environment variable YEARBOOK_ADMIN_PASSWORD), then restart it.
refusal-guest-code-chars = The guest code may have letters, digits, spaces, dashes, dots and apostrophes only: { $chars } cannot be typed on every phone.
refusal-guest-code-long = The guest code is at most { $max } characters; this one has { $len }.
refusal-guest-code-short = The guest code needs at least { $min } characters, so that it is not guessed at once.
