# A guest's photo of today: refusals of PUT/GET/DELETE /api/rooms/{code}/today (server only).
today-unavailable = Photos of today cannot be kept on this server.
today-save-failed = The photo could not be saved just now: please try again in a moment.
today-join-first = Join the game first: a photo of today comes from a guest's phone.
today-unknown-token = This phone is not in the game (any more): join again first.
today-cut = The connection dropped while the photo was sent: please send it again.
today-slow = The photo took too long to arrive: please try again where the Wi-Fi is better.
today-over = This photo is over { $max } MB. Take a new one with the camera button.
today-too-large = This photo is { $size } MB; the largest accepted is { $max } MB. Take a new one with the camera button.
today-heic = This photo is in the iPhone's HEIC format, which cannot be read here. Take one with the camera button instead, or choose Settings → Camera → Formats → Most Compatible.
today-too-many-pixels = This picture is too big to use. Take a new one with the camera button.
today-unreadable = This photo is damaged or cut short. Please take or choose it again.
today-other-format = This is a { $kind } picture; please use a JPEG or PNG photo.
today-not-photo = That file is not a photo. Please take a picture or choose a JPEG or PNG photo.
