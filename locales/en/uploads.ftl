# Why an uploaded file or photo is refused, and the organiser's question
# about a photo for someone already in the event (src/uploads).

upload-too-large = This file is { $mb } MB; the largest accepted is { $max } MB. Scan at 300 dpi or save it as JPEG, and drop it again.
upload-heic = This is an iPhone HEIC photo, which the server cannot read: export it as JPEG (Photos: Share → Options → Most Compatible) and drop it again.
upload-pdf = This is a PDF, not a photo: scan or export each page as PNG or JPEG and drop those instead.
upload-other-format = This is a { $kind } image; only PNG and JPEG are accepted: open it and save or export it as JPEG, then drop it again.
upload-not-image = This is not a photo: only PNG and JPEG images (or a .zip of them) are accepted.
upload-too-many-pixels = This photo is { $width }×{ $height } pixels; the largest accepted is { $side }×{ $side } and { $mp } megapixels. Scan at 300 dpi or shrink it, and drop it again.
upload-unreadable = This photo is damaged or cut short and cannot be read: open it on your computer, save it again as JPEG, and drop it again.
upload-no-name = The file name gives no name: name each photo after the person, e.g. "Ann Lee.jpg" or "Ann Lee (1986).jpg".
upload-duplicate = "{ $other }" has the same name and label: if they are two people, rename one; if two photos of one person, give each its year (e.g. "Ann Lee (1983).jpg") and drop it again.
upload-unlabelled = { $name } has photos with a year too: name this one with its year as well, e.g. "{ $name } (1986).jpg", or put it in a folder named after the year, and drop it again.
upload-already-there = This photo of { $name } is already in this event: skipped.
upload-skipped = Skipped: { $name }'s photos were left as they were.
upload-zip-too-big = This zip holds more than { $entries } files or unpacks to more than { $mb } MB: drop the folder itself instead, or zip fewer photos at a time.
upload-zip-unreadable = This zip is damaged or locked with a password: make it again without a password, or drop the folder itself.
upload-too-many-photos = { $name } has { $count } photos already, the most a person may have: replace one of them in the table instead.
upload-ask-label = { $name } already has a { $label } photo.
upload-ask-photo = { $name } already has a photo.
