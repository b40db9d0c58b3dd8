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
refusal-your-invite-link-opens = Your invite link opens one event only.
refusal-not-organiser-password = That is not the organiser password.
refusal-no-such-event = No such event.
refusal-no-such-event-person = No such event or person.
refusal-no-such-person = No such person.
refusal-no-such-photo = No such photo.
# $named: "yes" when the person has a name, else "no".
refusal-edited-elsewhere = { $who } changed { $named ->
    [no] this person
   *[yes] { $name }
} at { $time } (UTC) after you opened it: look at the row again, then make your change once more.
refusal-there-no-more-room = There is no more room on this server for the events' photos and names: what is left keeps the games saving. Nothing was changed. Ask whoever runs the server to allow the database more room (--db-max-mb) or to free disk space, then try again.
refusal-change-could-not-saved = The change could not be saved (the server's disk refused it). Nothing was lost; try again in a moment.
refusal-event-needs-title = The event needs a title.
refusal-keep-days = Photos of today are kept for { $min } to { $max } days: type a whole number in that range.
refusal-photos-data-not-base64 = A photo's data is not base64.
refusal-each-change-names-person = Each change names a person: {"{"}"id": N, ...{"}"}.
refusal-each-person-appear-once = Each person may appear once in one change.
refusal-say-version = Say which version you changed: {"{"}"version": N, ...{"}"}.
refusal-say-version-query = Say which version you changed: ?version=N.
refusal-say-how-far-turn = Say how far to turn: {"{"}"turns": 1{"}"} is a quarter turn clockwise.
refusal-photo-dropped = The connection dropped while the photo was sent: send it again.
refusal-photo-slow = The photo must arrive within { $seconds } s: send a smaller one.

## The name list (src/http/namelist.rs)
refusal-lists-file-did-not = The list's file did not arrive whole; choose it again.
refusal-paste-name-list-choose = Paste the name list, or choose its file (one of the two).

## A roster zip (src/http/roster_zip.rs)
refusal-zip-too-large = The zip is larger than { $max } MB: leave out what is not the roster, or add the photos through the uploads.
refusal-zip-dropped = The connection dropped during the upload; send it again.
refusal-zip-slow = The zip must arrive within { $minutes } minutes.
refusal-server-has-no-room = The server has no room on its disk for the zip just now; try again later.

## The class's photos, uploaded in chunks (src/http/uploads.rs)
refusal-no-such-upload = No such upload.
refusal-no-such-upload-have = No such upload: it may have been finished or abandoned more than a day ago.
refusal-file-empty = This file is empty.
refusal-upload-offset-header-must = The Upload-Offset header must give a number.
refusal-server-has-no-folder = This server has no folder to keep uploads in.
refusal-server-could-not-save = The server could not save this part of the file (its disk may be full). Nothing already saved is lost: try again in a moment.
refusal-servers-disk-nearly-full = The server's disk is nearly full, and what is left keeps the games safe: free some space on the server (or ask whoever runs it), then drop the file again.
refusal-chunk-dropped = The connection dropped mid-chunk; resume from the offset.
refusal-chunk-slow = A chunk must arrive within { $seconds } s.
refusal-choose-one-of = Choose one of: { $choices }.
refusal-expected-name-size = Expected {"{"}"name", "size"{"}"}: { $detail }
refusal-expected-file-choice = Expected {"{"}"file", "choice"{"}"}: { $detail }

## Rooms, solo, photos, requests (src/http/api.rs, mod.rs, guard.rs, pages.rs, today.rs)
refusal-no-room = There is no room with code { $code }.
refusal-creating-room-needs-host = Creating a room needs the host password.
refusal-host-key-needed = { $what ->
    [results] The results
    [remote-qr] The remote's QR code
    [today-photos] Today's photos
   *[hide-photo] Hiding a photo
} need the host key (Authorization: Bearer KEY).
refusal-host-key-not-valid = That host key is not valid for this room.
refusal-guest-no-photo-today = That guest has no photo of today.
refusal-no-such-solo-round = No such solo round.
refusal-round-was-already-answered = This round was already answered.
refusal-choose-0-3 = Choose 0 to 3.
refusal-send-round-id-choice = Send {"{"}"round_id", "choice"{"}"}.
refusal-role-only-host-host = role may only be host (for a host screen's connection).
refusal-websocket-connections-from-another = WebSocket connections from another site are not allowed.
# The WebSocket handshake's own refusals (src/delivery/upgrade.rs).
refusal-handshake-get = WebSocket handshakes use GET.
refusal-handshake-not-upgrade = This address is for WebSocket connections.
refusal-handshake-version = Only WebSocket version 13 is spoken here.
refusal-handshake-bad-key = The WebSocket key is not 16 bytes in base64.
refusal-handshake-no-key = The WebSocket key is missing.
refusal-handshake-cannot-upgrade = This connection cannot be upgraded.
# Any 429 rate_limited; an upload's 409 wrong_offset.
refusal-too-many-attempts = Too many attempts from your network; wait a minute.
refusal-wrong-offset = The server has the first { $at } bytes of this file: send from there.
refusal-query-string-could-not = The query string could not be read.
refusal-invalid-json = Invalid JSON: { $detail }
refusal-invalid-request = Invalid request: { $detail }
refusal-body-must-json-object = The body must be a JSON object.
refusal-request-body-larger-than = The request body is larger than 64 KiB.
refusal-request-body-could-not = The request body could not be read.
refusal-request-body-slow = The request body must arrive within { $seconds } s.
refusal-requests-from-another-site = Requests from another site are not allowed.
refusal-nothing-here = Nothing here.
refusal-no-such-file = No such file.
refusal-something-went-wrong = Something went wrong.
refusal-roster-problems = The roster has { $count } problem(s); nothing was created. Fix them and upload it again.
refusal-chunk-too-large = A chunk carries at most { $max } MiB and never more than the file's announced size.
refusal-label-needed = Give this photo a label, such as the yearbook's year (1986): { $name } already has a photo, and each of a person's photos needs a label of its own.
refusal-label-too-long = A label has at most { $max } characters.
refusal-label-taken = { $name } already has a { $label } photo: choose Replace, or another label.
refusal-zip-no-room = No room to unpack the zip: { $detail }
refusal-name-empty = The name is empty.
refusal-too-many-photos = A person may have at most { $max } photos.
# $labelled: "yes" when the photo has a label, else "no".
refusal-photo-label-taken = { $name } already has a photo { $labelled ->
    [no] without a label
   *[yes] labelled { $label }
}.
refusal-photo-unreadable = The photo { $why }.
refusal-person-photo-unreadable = { $name }: The photo { $why }.
# A roster zip that is not a usable zip (422 bad_zip).
refusal-zip-read-back = The zip could not be read back: { $detail }.
refusal-zip-not-zip = This is not a zip file: zip the roster folder (roster.csv and photos/) and upload that.
refusal-zip-too-many-files = The zip holds { $count } files; at most { $max } are accepted.
refusal-zip-damaged = The zip is damaged ({ $detail }); zip the folder again.
refusal-zip-outside = The zip names a file outside its folder ('{ $name }'); zip the roster folder itself.
refusal-zip-unpack = The zip could not be unpacked: { $detail }.
refusal-zip-unpacks-too-big = The zip unpacks to more than { $max } MB; at most that is accepted.
refusal-zip-several-rosters = The zip holds several roster.csv files side by side; zip one roster folder at a time.
refusal-zip-no-roster = The zip has no roster.csv: zip the folder that `yearbook export` or `yearbook import` wrote.
