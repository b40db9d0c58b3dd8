# Scanned class pages in the organiser's event (issue 23): the server's refusals
# (/api/organise/reunions/{id}/pages…) and the section of the event page.
pages-no-store = This server keeps no events, so it cannot keep scanned pages either.
pages-save-failed = The page could not be saved just now (the server's disk may be full): please try again in a moment.
pages-no-such-page = This page is no longer here: it may have gone into the class already, or been removed in another window.
pages-too-many = { $max } pages are waiting already, the most an event may have: add them to the class first, or remove some.
pages-cut = The connection dropped while the page was sent: please send it again.
pages-slow = The page must arrive within { $seconds } seconds: try again where the connection is better, or send a smaller scan.
pages-too-large = This file is { $mb } MB; the largest page accepted is { $max } MB. Scan at 300 to 600 dpi in grey, or save the page as PNG or JPEG, and send it again.
pages-no-pdf = This server cannot read PDF files (poppler's pdftoppm is not installed on it): save each page as PNG, JPEG or TIFF and send those instead.
pages-pdf-too-large = This PDF has a page of { $width }×{ $height } pixels at 300 dpi, more than a page may be ({ $side } a side, { $mp } megapixels): save its pages as PNG or JPEG instead.
pages-pdf-unreadable = This file cannot be read as a PDF ({ $why }): export it again, or save its pages as PNG or JPEG.
pages-pdf-page = { $file } p. { $page }
pages-not-class = Nothing was cut out of this page, since the detector says: { $why }. Send a scan of a class page: a grid of portraits with a name under each.
pages-unreadable = This page cannot be read as an image ({ $why }): scan or save it again as PNG or JPEG.
pages-bad-edit = The page's boxes did not arrive whole ({ $why }): reload the page and try again.
pages-too-many-boxes = A page has at most { $max } boxes.
pages-box-outside = Box { $n } is outside the page or smaller than 8 pixels: move it back onto the page.
pages-name-too-long = A name has at most { $max } characters.
pages-none = There is no scanned page to add: add a page first.
pages-unnamed-one = page { $page } ({ $file }), portrait { $portrait }
pages-names-missing = Type a name for each portrait first (or drop the box): { $which }.
pages-title = From the yearbook's class pages
pages-intro = Rather than cutting out each portrait, add scans of the yearbook's class pages (PNG, JPEG, TIFF or a PDF of the pages, up to 256 MB each): the portraits are found and the names under them read. Check each box and name, then add them to the class. A name that could not be read is left empty for you to type; nothing is guessed.
pages-pick = Scanned class pages (PNG, JPEG, TIFF or PDF)
pages-keys = Each box can be moved with the mouse or a finger (its corner handle resizes it), or chosen with Tab and moved with the arrow keys (Shift with an arrow resizes it).
pages-reading = Reading { $file }… (a page takes a few seconds)
pages-read = { $file }: { $count ->
    [one] 1 portrait
   *[other] { $count } portraits
}, { $unnamed ->
    [0] every name read.
    [one] 1 name to type.
   *[other] { $unnamed } names to type.
}
pages-refused = { $file }: { $why }
pages-network = The server could not be reached: check the connection and try again.
pages-page-title = Page { $n }: { $file }
pages-label = Book or year (optional; a person in two books gets a photo from each)
pages-remove = Remove this page
pages-add-box = Add a box
pages-box = Portrait { $n }
pages-box-named = Portrait { $n }: { $name }
pages-box-unnamed = Portrait { $n }: no name yet
pages-name = Name of portrait { $n }
pages-unread = Not read ({ $why }): type the name.
pages-drop = Drop
pages-merge = Same person as…
pages-merge-none = (choose a box)
pages-merged = Portraits { $a } and { $b } are one now.
pages-on-list = On the list: { $name } ({ $score } % alike). Use it?
pages-listed = On the list.
pages-not-listed = Not on the name list.
pages-to-roster = Add to the class
pages-to-roster-hint = Each box goes into the class as a photo named after the person, as if you had dropped it above; someone already here gets it added to their photos.
pages-adding = Cutting out the portraits…
pages-added = { $count ->
    [one] 1 portrait went into the class.
   *[other] { $count } portraits went into the class.
}
pages-saved = Saved.
pages-save-trouble = This change was not saved: { $why }
pages-confirm-remove = Remove this page and its boxes?
pages-same-name = { $name } is both portrait { $portrait } of page { $page } and portrait { $otherportrait } of page { $otherpage }: if they are two people, tell them apart in the name; if one person in two books, give each page its book or year.
# The detector's reasons (src/pages/why.rs); `yearbook pages` prints the
# English ones as they are.
pages-detector-not-class = not a class page ({ $why }); nothing cropped
pages-why-too-few-boxes = { $count } portrait-like boxes, a class page has 4 or more
pages-why-mixed-sizes = the boxes are not of one size
pages-why-not-portrait-shaped = the boxes are not portrait-shaped
pages-why-too-little-covered = the boxes cover too little of the page
pages-flag-no-tesseract = no tesseract: name not read
pages-flag-no-caption = no caption under the portrait
# $text: what was read, in quotes.
pages-flag-unreadable = caption unreadable ({ $text })
# $detail: tesseract's or the system's own words.
pages-flag-ocr = { $detail }
