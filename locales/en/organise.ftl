# The organiser's pages: templates/organise*.html, static/organise.js,
# static/organise-upload.js and static/organise-zip.js.

## The list of events (templates/organise.html, static/organise-zip.js)
organise-title = Organiser
organise-page-title = { $title } — organiser
organise-your-events = Your events
organise-log-out = Log out
organise-no-events = No events yet.
organise-people = { $count ->
    [one] { $count } person
   *[other] { $count } people
}
organise-rooms = { $count ->
    [one] { $count } room
   *[other] { $count } rooms
}
organise-new-event = New event
organise-title-label = Title
organise-title-placeholder = Lincoln High, class of 1986, 40th reunion
organise-create = Create event
organise-from-roster = New event from a roster folder
organise-from-roster-help = A .zip of a folder with roster.csv and its photos, as “yearbook export” or “yearbook import” write it (at most 200 MB).
organise-title-from-folder = the folder’s name
organise-zip-file = Zip file
organise-create-from-zip = Create event from zip
organise-zip-created = Created with { $count ->
    [one] { $count } person
   *[other] { $count } people
}. Opening it…
organise-zip-failed = The upload did not get through. Check the connection and try again.
organise-zip-uploading = Uploading { $name }…
organise-zip-checking = Checking the roster and its photos…

## The login page (templates/organise_gate.html)
organise-gate-intro = Type the organiser password to set up your events.
organise-password = Organiser password
organise-log-in = Log in
organise-start-page = Start page
organise-gate-wrong = That is not the organiser password. Try again.
organise-gate-too-many = Too many wrong passwords from your network. Wait a minute, then try again.

## A co-organiser's invite (templates/organise_invite.html)
organise-invite-title = Co-organiser invite
organise-invite-intro = This link lets you help set up one event on this server. It works once: open it on the browser you will use.
organise-invite-open = Open the event
organise-invite-invalid = This invite link was already used, is older than { $days } days, or was never made here. Ask the organiser for a new one.

## One event (templates/organise_reunion.html, static/organise.js)
organise-back = ← Your events
organise-host-game = Host a game
organise-undo = Undo
organise-undo-hint = Ctrl+Z (⌘Z) outside text fields
organise-undo-step = Undo: { $what }
organise-settings = Settings
organise-settings-hint = Each setting is saved as you change it.
organise-set-code = Guest code (optional)
organise-set-code-help = Guests type it once on their phone (the QR code on the big screen carries it). Letters, digits, spaces, dashes, dots and apostrophes, 4 to 40 of them; capitals and extra spaces do not matter.
organise-set-code-empty-server = Empty: the server’s own event code.
organise-set-code-empty-open = Empty: anyone with a game’s link may join.
organise-set-solo = Guests may play solo on this class (you can always use “Preview: play solo”)
organise-set-memoriam = Classmates in memoriam are in new games unless the host says otherwise
organise-set-thennow = Then & now: guests may say who they are and add a photo of themselves today
organise-set-thennow-help = Games already running keep the setting they started with.
organise-set-keep-days = Days to keep guests’ photos of today (1 to 365)
organise-set-keep-days-help = Deleted after that at the latest, or sooner with “End event” below. The guests’ phones say how long.
organise-my-name = Your name (shown to the other organisers when you change something)
organise-save-settings = Save settings
organise-preview = Preview: play solo
organise-col-photo = Photo
organise-col-name = Name
organise-col-known-as = Known as
organise-col-gender = Gender
organise-col-memoriam = In memoriam
organise-col-included = Included
organise-co-title = Co-organisers
organise-co-intro = A link that lets someone help with this event only. It works once and for { $days } days.
organise-co-make = Make an invite link
organise-co-link = Invite link
organise-could-not-make-link = Could not make the link.
organise-link-made = Send this link to your co-organiser. It works once.
organise-end-title = End event
organise-end-intro = When the party is over: deletes every guest’s photo of today (then & now) for good. The class list and yearbook photos stay.
organise-end-confirm = End the event? Every guest’s photo of today is deleted for good.
organise-ended = Event ended: { $count ->
    [one] { $count } photo of today
   *[other] { $count } photos of today
} deleted for good.
organise-could-not-end = Could not end the event. Try again.
organise-add-title = Add a person
organise-add-gender = Gender (optional)
organise-add-photo = Photo (optional)
organise-add = Add
organise-summary = { $people ->
    [one] { $people } person
   *[other] { $people } people
}, { $playable } in the game, { $rooms ->
    [one] { $rooms } room
   *[other] { $rooms } rooms
}.

## Saving, undoing, the people table
organise-undoing = Undoing…
organise-undone = Undone: { $what }.
organise-not-undone = { $who } changed { $name } after you, so “{ $what }” was not undone: look at the row and change it by hand if needed.
organise-someone = Someone
organise-could-not-undo = Could not undo.
organise-person-gone = That person is no longer here.
organise-no-connection = No connection. Try again.
organise-no-connection-undo = No connection: nothing was undone. Try again.
organise-no-connection-turn = No connection: the photo was not turned. Try again.
organise-no-connection-replace = No connection: the photo was not replaced. Try again.
organise-no-connection-save = No connection: the change was not saved. Try again.
organise-no-connection-add = No connection: nothing was added. Try again.
organise-no-connection-not-added = No connection: { $name } was not added. Try again.
organise-no-connection-settings = No connection: the settings were not saved. Try again.
organise-field-name = name
organise-field-known-as = known as
organise-field-gender = gender
organise-field-memoriam = in memoriam
organise-field-included = included
# A saved change, as Undo names it: "Undo: the gender of Ann Lee".
organise-step-fields = the { $fields } of { $name }
organise-step-turn = turning { $name }’s photo
organise-step-delete = deleting { $name }
organise-step-add = adding { $name }
organise-step-namelist = the name list ({ $count ->
    [one] { $count } person
   *[other] { $count } people
})
organise-cell-of = { $field } of { $name }
organise-no-photo = no photo
organise-no-label = no label
organise-turn-label = Turn the photo of { $name } a quarter to the right
organise-turning = Turning…
organise-could-not-turn = Could not turn the photo.
organise-turned = Photo turned.
organise-replace = Replace
organise-replace-label = Replace the photo of { $name }
organise-sending-photo = Sending the photo…
organise-could-not-replace = Could not replace the photo.
organise-replaced = Photo replaced (this cannot be undone here: replace it again to change it back).
organise-deleted = (deleted)
organise-undo-delete-label = Undo deleting { $name }
organise-delete = Delete
organise-deleted-said = { $name } deleted.
organise-saving = Saving…
organise-saved = Saved.
organise-could-not-save = Could not save.
organise-could-not-add = Could not add.
organise-could-not-add-photo = Could not add the photo.
organise-not-added = { $name } was not added.
organise-added = { $name } added.
organise-could-not-create-game = Could not create the game.
organise-setting-title = title
organise-setting-guest-code = guest code
organise-setting-solo = solo setting
organise-setting-memoriam = in memoriam setting
organise-setting-thennow = then & now setting
organise-setting-keep-days = days to keep photos of today
organise-saved-setting = Saved: the { $what }.
organise-settings-saved = Settings saved.
organise-could-not-save-settings = Could not save the settings.

## The name list
organise-nl-title = Name list
organise-nl-intro = Paste a list from a spreadsheet, or choose or drop its .csv or .txt file: one person a line,
organise-nl-columns = name, gender, known as, in memoriam
organise-nl-intro-end = (a header line in words is fine, and so are semicolons). Compare it with the people above before anything is changed. A list never renames, adds or deletes anyone.
organise-nl-text = The list
# The example in the empty box: the header's words are the ones a list may use.
organise-nl-example-head = name;gender;known as;in memoriam
organise-nl-example-1 = José Núñez;m;Pepe;
organise-nl-example-2 = Ann Lee;f;;
organise-nl-file = Or its file (.csv or .txt)
organise-nl-compare = Compare with the people here
organise-nl-matched = Matched
organise-nl-on-list = On the list, not here
organise-nl-here = Here, not on the list
organise-nl-apply = Apply
organise-nl-blank = (blank)
organise-nl-quoted = “{ $value }”
organise-nl-change-gender = gender { $from } → { $to }
organise-nl-change-known-as = known as { $from } → { $to }
organise-nl-change-memoriam = in memoriam
organise-nl-change-not-memoriam = no longer in memoriam
organise-nl-same = Same person ({ $percent } %)
organise-nl-accept-label = Accept: list line { $line } “{ $listname }” is { $name }
organise-nl-line = Line { $line }:
organise-nl-problem-line = Line { $line }: { $message }.
organise-nl-problem = { $message }.
organise-nl-on-list-as = (“{ $name }” on the list)
organise-nl-nothing-to-change = nothing to change
organise-nl-not-same = Not the same
organise-nl-unaccept-label = Undo accepting line { $line } as { $name }
organise-nl-nobody-yet = Nobody yet.
organise-nl-nobody-close = nobody here is close: add them with “Add a person”.
organise-nl-nobody = Nobody.
organise-nl-suggest-line = line { $line }: { $name }
organise-nl-everyone-listed = Nobody: everyone here is on the list.
organise-nl-apply-count = Apply: change { $count ->
    [one] { $count } person
   *[other] { $count } people
}
organise-nl-nothing-to-apply = Nothing to apply
organise-nl-paste-first = Paste the list into the box, or choose its file, first.
organise-nl-comparing = Comparing…
organise-nl-could-not-read = Could not read the list.
organise-nl-no-connection-compare = No connection: the list was not compared. Try again.
organise-nl-applying = Applying…
organise-nl-could-not-apply = Could not apply the list.
organise-nl-compared-again = Nothing was changed; the list is compared again.
organise-nl-applied = Applied: { $count ->
    [one] { $count } person
   *[other] { $count } people
} changed.
organise-nl-no-row = No row on the list for: { $names } (left as they were).
organise-nl-no-connection-apply = No connection: nothing was applied. Try again.
organise-nl-too-large = This file is too large for a name list here (over 45 KB). Save only the name, gender, known as and in memoriam columns, or paste the rows.
organise-nl-using-file = Using the file “{ $name }”. Type in the box to use the box instead.
organise-nl-unreadable = That file could not be read. Choose it again.

## The class's photos (templates/organise_upload_section.html, static/organise-upload.js)
organise-up-title = Add the class’s photos
organise-up-hint = Name each scan after the person, e.g. “Ann Lee.jpg”; a year in brackets (“Ann Lee (1983).jpg”) or a folder named “1983” labels it. PNG or JPEG, up to 25 MB each, or a .zip of them. A scan of someone already here adds to their photos; nothing is replaced without asking you.
organise-up-drop = Drop a folder of scans here
organise-up-or = or
organise-up-pick = Pick photos
organise-up-pick-folder = Pick a folder
organise-up-all-files = All files
organise-up-mb = { $mb } MB
organise-up-percent = { $percent } %
organise-up-waiting = Waiting…
organise-up-overall = { $percent } % — { $done ->
    [one] { $done } file
   *[other] { $done } files
} done of { $total }
organise-up-refused = , { $count } refused
organise-up-asking = , { $count } waiting for your choice
organise-up-what-to-do = What should this file do?
organise-up-could-not = This could not be done. Try again.
organise-up-no-connection = No connection: nothing was changed. Try again.
organise-up-replace-labelled = Replace the { $label } photo
organise-up-replace = Replace photo
organise-up-add = Add as another photo
organise-up-skip = Skip
organise-up-label-placeholder = Label, e.g. 1986
organise-up-label-label = Label of the other photo (e.g. the yearbook’s year)
organise-up-no-photos = This file holds no photos.
organise-up-waiting-choice = Waiting for your choice:
organise-up-photos = { $count ->
    [one] { $count } photo
   *[other] { $count } photos
}
organise-up-received = ✓ Received: { $who } (added once the other files are in)
organise-up-replaced = ✓ Replaced: { $who }
organise-up-added = ✓ Added: { $who }
organise-up-could-not-send = This file could not be sent.
organise-up-progress = { $sent } of { $size }
organise-up-retrying = Connection lost — trying again in { $seconds } s…
organise-up-cannot-take = This file cannot be taken.
organise-up-added-to-event = { $count ->
    [one] { $count } photo
   *[other] { $count } photos
} added to the event.
organise-up-unfinished = { $count ->
    [one] { $count } file was
   *[other] { $count } files were
} not finished last time ({ $names }). Drop or pick them again: they continue where they stopped. Photos already received are added once these are in.
organise-up-forget = Forget them
