# Why a roster line, a name list line or a photo file is left out
# (src/roster/why.rs). The command line prints the English ones as they
# are; keep the quotes around names, files and cells.

roster-cannot-read = cannot read: { $detail }
roster-unreadable-header = unreadable header: { $detail }
roster-no-name-column = the header has no 'name' column
roster-no-photo-column = the header has no 'photo' (or 'image') column
roster-unreadable-row = unreadable row: { $detail }
roster-name-empty = the name is empty
roster-name-empty-for = the name is empty for photo '{ $photo }': type the person's name
roster-photo-empty = the photo is empty
roster-label-too-long = the label '{ $label }' is longer than { $max } characters
roster-memoriam-not-flag = in_memoriam '{ $cell }' is not true/yes/1 or empty
roster-duplicate-name = duplicate name '{ $name }' (first on line { $first })
roster-too-many-photos = '{ $name }' has more photos than the { $max } a person may have (at most { $max } photos a person): leave this row out
roster-duplicate-unlabelled = duplicate name '{ $name }' (first on line { $first }); to give a person another photo, fill the label of each of their rows
roster-same-label = '{ $name }' has two photos labelled '{ $label }' (first on line { $first })
roster-cell-differs = { $column } '{ $value }' differs from '{ $firstvalue }' on line { $first } for the same person; leave it empty on this row or write the same
roster-memoriam-differs = in_memoriam differs from line { $first } for the same person; leave it empty on this row or write the same
roster-photo-not-found = photo '{ $photo }' not found
roster-photo-outside = photo '{ $photo }' is outside the roster's folder { $folder }; photos must be inside it
roster-photo-io = photo '{ $photo }': { $detail }
roster-photo-not-file = photo '{ $photo }' is not a file
roster-photo-too-big = photo '{ $photo }' is { $mb } MB; the largest accepted file is { $max } MB
roster-photo-cannot-read = photo '{ $photo }' cannot be read: { $detail }
# $detail is the image decoder's own English, continuing the sentence
# ("is 12000×12000; …", "cannot be read …").
roster-photo-unusable = photo '{ $photo }' { $detail }
roster-same-image = photo '{ $photo }' is the same image as on line { $first }
roster-too-few-people = { $count ->
    [one] only 1 person; at least 4 are needed for a question
   *[other] only { $count } people; at least 4 are needed for a question
}
roster-list-line-unreadable = this line cannot be read ({ $detail })
roster-list-no-name-column = the first line names columns but none of them is 'name': call the column of names 'name'
roster-list-extra-cells = { $count } cells on this line: a list without a header line is read as name, gender, known as, in memoriam, and the rest is left out
roster-list-no-name = this line has no name, so it is left out
roster-list-duplicate = '{ $name }' is already on line { $first }, so this line is left out
roster-list-memoriam = '{ $cell }' in the in memoriam column is neither yes nor no: write yes (or x, or 1) for a classmate who has died, and leave it empty otherwise
# $others: the genders the other lines give, joined by roster-or.
roster-lone-gender = the gender '{ $gender }' is on no other line (the others say { $others }): if it is a typo, correct it; as it stands, this person's wrong answers come from everyone
roster-or = or
roster-file-heic = skipped '{ $file }': an iPhone HEIC photo cannot be read; save it as JPEG (or set the iPhone's camera to 'Most Compatible') and add it again
roster-file-pdf = skipped '{ $file }': a PDF is not a photo; save the page as a .png or .jpg and add that
roster-file-not-image = skipped '{ $file }': not a .png or .jpg image
roster-file-no-name = skipped '{ $file }': the file name gives no name
roster-file-label-too-long = skipped '{ $file }': a label is at most { $max } characters
roster-same-file = { $labelled ->
    [yes] skipped '{ $file }': same name and label as '{ $first }'
   *[no] skipped '{ $file }': same name as '{ $first }'
}
roster-unlabelled-among-labelled = skipped '{ $file }': { $name } has labelled photos too; name it '{ $name } (1986).{ $ext }' or put it in a label folder
