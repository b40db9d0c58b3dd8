//! Parsing the roster CSV (PROTOCOL §2) from any reader. No file system: the
//! photo references are checked by `load`.

use std::collections::HashMap;
use std::io::Read;

use super::why::Why;
use crate::i18n::Lang;

/// Most photos one person may have: the same rule for roster rows as for
/// "Add a person" and uploads.
use crate::reunion::MAX_PHOTOS_PER_PERSON;

/// One person as written: their first row, with the photos of the rows
/// that repeat their name (PROTOCOL §2, "Several photos a person").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// 1-based line of their first row, for messages.
    pub line: u64,
    pub name: String,
    /// At least one; the first row's first.
    pub photos: Vec<RowPhoto>,
    pub gender: Option<String>,
    pub known_as: Option<String>,
    pub in_memoriam: bool,
}

/// One photo of a person: one row of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowPhoto {
    pub line: u64,
    pub photo: String,
    /// `1983`, `25th reunion`; `None` when the row has no label.
    pub label: Option<String>,
}

/// Longest photo label: it is shown on the projector ("also in 1983").
pub const MAX_LABEL_CHARS: usize = 40;

/// A problem with the file; `line` is `None` for file-wide problems.
/// `message` is `why` in English until [`Problem::said`] says it in
/// another language.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub line: Option<u64>,
    pub message: String,
    #[serde(skip)]
    pub why: Why,
}

impl Problem {
    pub fn at(line: u64, why: Why) -> Self {
        Self::new(Some(line), why)
    }

    pub fn file(why: Why) -> Self {
        Self::new(None, why)
    }

    pub fn new(line: Option<u64>, why: Why) -> Self {
        Self {
            line,
            message: why.say(Lang::EN),
            why,
        }
    }

    /// The same problem with its message in `lang`.
    pub fn said(&self, lang: Lang) -> Self {
        Self {
            message: self.why.say(lang),
            ..self.clone()
        }
    }

    /// `roster.csv:17: photo 'x.png' not found`
    pub fn render(&self, file_label: &str) -> String {
        match self.line {
            Some(line) => format!("{file_label}:{line}: {}", self.message),
            None => format!("{file_label}: {}", self.message),
        }
    }
}

/// Names compare NFC-normalised, trimmed, with runs of spaces folded,
/// ignoring case: `Zoë` typed two ways is one person.
pub fn name_key(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    name.nfc()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn parse_flag(raw: &str) -> Option<bool> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" | "y" => Some(true),
        "" | "false" | "no" | "0" | "n" => Some(false),
        _ => None,
    }
}

fn non_empty(raw: Option<&str>) -> Option<String> {
    raw.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// 1-based line numbers from byte offsets. The csv crate's own line count
/// is one short after each CRLF row (what Excel writes), so lines are
/// counted here from the bytes.
pub(crate) struct Lines {
    bytes: Vec<u8>,
    /// Byte offsets of every `\n`.
    newlines: Vec<usize>,
}

impl Lines {
    pub(crate) fn new(bytes: Vec<u8>) -> Self {
        let newlines = bytes
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .map(|(i, _)| i)
            .collect();
        Self { bytes, newlines }
    }

    /// The line a record starting at `offset` begins on: line ends (and
    /// blank lines) the reader had not consumed yet belong before it.
    fn line_at(&self, offset: u64) -> u64 {
        let mut at = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        while at < self.bytes.len() && matches!(self.bytes[at], b'\r' | b'\n') {
            at += 1;
        }
        self.newlines.partition_point(|&n| n < at) as u64 + 1
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub(crate) fn of(&self, position: Option<&csv::Position>) -> u64 {
        position.map_or(0, |p| self.line_at(p.byte()))
    }
}

/// A list as a spreadsheet saved it: UTF-8 (its BOM dropped), UTF-16 with
/// its BOM (Excel's "Unicode Text") or, when the bytes are not UTF-8,
/// Windows-1252, which Excel on Windows writes as "CSV".
pub fn spreadsheet_text(bytes: &[u8]) -> String {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes)
        && encoding != encoding_rs::UTF_8
    {
        return encoding
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned();
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// The delimiter of a list, from its first non-blank line outside quotes:
/// a tab (cells pasted from a spreadsheet), else `;` where there are more
/// semicolons than commas (European Excel writes those), else `,`.
pub fn sniff_delimiter(text: &str) -> u8 {
    let (mut commas, mut semicolons, mut tabs) = (0, 0, 0);
    let mut quoted = false;
    for c in text.trim_start_matches(['\r', '\n']).chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' if !quoted => break,
            ',' if !quoted => commas += 1,
            ';' if !quoted => semicolons += 1,
            '\t' if !quoted => tabs += 1,
            _ => {}
        }
    }
    if tabs > 0 && tabs >= commas.max(semicolons) {
        b'\t'
    } else if semicolons > commas {
        b';'
    } else {
        b','
    }
}

/// Parses every row, collecting every problem rather than stopping at the first.
pub fn parse<R: Read>(mut reader: R) -> (Vec<Row>, Vec<Problem>) {
    let mut bytes = Vec::new();
    if let Err(e) = reader.read_to_end(&mut bytes) {
        return (
            Vec::new(),
            vec![Problem::file(Why::CannotRead {
                detail: e.to_string(),
            })],
        );
    }
    let lines = Lines::new(bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(lines.bytes.as_slice());
    let mut problems = Vec::new();
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return (
                Vec::new(),
                vec![Problem::at(
                    1,
                    Why::UnreadableHeader {
                        detail: e.to_string(),
                    },
                )],
            );
        }
    };
    let column = |names: &[&str]| {
        headers.iter().position(|h| {
            let h = h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase();
            names.contains(&h.as_str())
        })
    };
    let name_col = column(&["name"]);
    let photo_col = column(&["photo", "image"]);
    let gender_col = column(&["gender"]);
    let known_col = column(&["known_as"]);
    let memoriam_col = column(&["in_memoriam"]);
    let label_col = column(&["label"]);
    if name_col.is_none() {
        problems.push(Problem::at(1, Why::NoNameColumn));
    }
    if photo_col.is_none() {
        problems.push(Problem::at(1, Why::NoPhotoColumn));
    }
    let (Some(name_col), Some(photo_col)) = (name_col, photo_col) else {
        return (Vec::new(), problems);
    };

    let mut rows: Vec<Row> = Vec::new();
    // Per name: the line of its first row and, if that row was good, its
    // place in `rows` with whether its in_memoriam cell was filled.
    let mut seen: HashMap<String, (u64, Option<usize>)> = HashMap::new();
    let mut memoriam_stated: Vec<bool> = Vec::new();
    for record in rdr.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = lines.of(e.position());
                problems.push(Problem::at(
                    line,
                    Why::UnreadableRow {
                        detail: e.to_string(),
                    },
                ));
                continue;
            }
        };
        let line = lines.of(record.position());
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let get = |col: Option<usize>| col.and_then(|c| record.get(c));
        let name = get(Some(name_col)).unwrap_or("").trim().to_string();
        let photo = get(Some(photo_col)).unwrap_or("").trim().to_string();
        let label = non_empty(get(label_col));
        let mut ok = true;
        if name.is_empty() {
            // Say whose: `yearbook pages` leaves a name it could not read
            // empty, and the organiser finds the person by the photo.
            problems.push(Problem::at(
                line,
                if photo.is_empty() {
                    Why::NameEmpty
                } else {
                    Why::NameEmptyFor {
                        photo: photo.clone(),
                    }
                },
            ));
            ok = false;
        }
        if photo.is_empty() {
            problems.push(Problem::at(line, Why::PhotoEmpty));
            ok = false;
        }
        if let Some(l) = &label
            && l.chars().count() > MAX_LABEL_CHARS
        {
            problems.push(Problem::at(
                line,
                Why::LabelTooLong {
                    label: l.clone(),
                    max: MAX_LABEL_CHARS,
                },
            ));
            ok = false;
        }
        let memoriam_cell = get(memoriam_col).unwrap_or("").trim();
        let in_memoriam = match parse_flag(memoriam_cell) {
            Some(flag) => flag,
            None => {
                problems.push(Problem::at(
                    line,
                    Why::MemoriamNotFlag {
                        cell: memoriam_cell.to_string(),
                    },
                ));
                ok = false;
                false
            }
        };
        let row = Row {
            line,
            name,
            photos: vec![RowPhoto { line, photo, label }],
            gender: non_empty(get(gender_col)),
            known_as: non_empty(get(known_col)),
            in_memoriam,
        };
        let key = name_key(&row.name);
        let first = if row.name.is_empty() {
            None
        } else {
            seen.get(&key).copied()
        };
        match first {
            None => {
                let index = ok.then_some(rows.len());
                if !row.name.is_empty() {
                    seen.insert(key, (line, index));
                }
                if ok {
                    rows.push(row);
                    memoriam_stated.push(!memoriam_cell.is_empty());
                }
            }
            Some((first_line, index)) => {
                if label_col.is_none() {
                    problems.push(Problem::at(
                        line,
                        Why::DuplicateName {
                            name: row.name.clone(),
                            first: first_line,
                        },
                    ));
                    continue;
                }
                // A bad first row or a bad repeat is already a problem.
                let (Some(index), true) = (index, ok) else {
                    continue;
                };
                let states = !memoriam_cell.is_empty();
                let stated = memoriam_stated[index];
                match another_photo(&mut rows[index], stated, row, states, first_line) {
                    Ok(()) => memoriam_stated[index] |= states,
                    Err(mut found) => problems.append(&mut found),
                }
            }
        }
    }
    (rows, problems)
}

/// A row repeating `person`'s name: another photo of them when both rows
/// have labels and the filled cells agree; else why not, on its line.
fn another_photo(
    person: &mut Row,
    memoriam_stated: bool,
    repeat: Row,
    repeat_states_memoriam: bool,
    first_line: u64,
) -> Result<(), Vec<Problem>> {
    let line = repeat.line;
    let name = &repeat.name;
    let Some(new) = repeat.photos.into_iter().next() else {
        return Ok(());
    };
    if person.photos.len() >= MAX_PHOTOS_PER_PERSON {
        return Err(vec![Problem::at(
            line,
            Why::TooManyPhotos {
                name: name.clone(),
                max: MAX_PHOTOS_PER_PERSON,
            },
        )]);
    }
    let unlabelled = new.label.is_none() || person.photos.iter().any(|p| p.label.is_none());
    if unlabelled {
        return Err(vec![Problem::at(
            line,
            Why::DuplicateUnlabelled {
                name: name.clone(),
                first: first_line,
            },
        )]);
    }
    let key = |l: &Option<String>| l.as_deref().map(name_key);
    if let Some(same) = person
        .photos
        .iter()
        .find(|p| key(&p.label) == key(&new.label))
    {
        return Err(vec![Problem::at(
            line,
            Why::SameLabel {
                name: name.clone(),
                label: new.label.clone().unwrap_or_default(),
                first: same.line,
            },
        )]);
    }
    let mut problems = Vec::new();
    let mut agree = |column: &str, mine: &mut Option<String>, theirs: Option<String>| match (
        mine.as_deref(),
        theirs,
    ) {
        (_, None) => {}
        (None, theirs) => *mine = theirs,
        (Some(a), Some(b)) if a.trim().to_lowercase() == b.trim().to_lowercase() => {}
        (Some(a), Some(b)) => problems.push(Problem::at(
            line,
            Why::CellDiffers {
                column: column.to_string(),
                value: b,
                first_value: a.to_string(),
                first: first_line,
            },
        )),
    };
    agree("gender", &mut person.gender, repeat.gender);
    agree("known_as", &mut person.known_as, repeat.known_as);
    if repeat_states_memoriam {
        if memoriam_stated && person.in_memoriam != repeat.in_memoriam {
            problems.push(Problem::at(
                line,
                Why::MemoriamDiffers { first: first_line },
            ));
        } else {
            person.in_memoriam |= repeat.in_memoriam;
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    person.photos.push(new);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_from_excel_is_read_in_its_encoding_and_delimiter() {
        // "José Núñez" in Windows-1252, as Excel on Windows saves a CSV.
        let latin = b"name;gender\r\nJos\xe9 N\xfa\xf1ez;m\r\n";
        let text = spreadsheet_text(latin);
        assert_eq!(text, "name;gender\r\nJosé Núñez;m\r\n");
        assert_eq!(sniff_delimiter(&text), b';');
        let utf8 = "\u{feff}name,gender,known_as\nZoë Quimby,f,Zo; Z\n";
        let text = spreadsheet_text(utf8.as_bytes());
        assert!(text.starts_with("name,"), "the BOM is dropped: {text:?}");
        assert_eq!(sniff_delimiter(&text), b',');
    }

    #[test]
    fn the_delimiter_is_sniffed_outside_quotes_and_past_blank_lines() {
        assert_eq!(sniff_delimiter("\"Lee, Ann\";f\r\n"), b';');
        assert_eq!(sniff_delimiter("\"Lee; Ann\",f\n"), b',');
        assert_eq!(sniff_delimiter("\r\n\r\nname;gender\r\n"), b';');
        assert_eq!(sniff_delimiter("Ann Lee\tf\tAnnie, now\n"), b'\t');
        assert_eq!(sniff_delimiter("Ann Lee\n"), b',');
    }

    #[test]
    fn a_utf16_list_with_its_bom_is_read() {
        // Excel's "Unicode Text": UTF-16LE with a BOM, tab-separated.
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(
            "name\tgender\r\nZoë\tf\r\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        );
        assert_eq!(spreadsheet_text(&bytes), "name\tgender\r\nZoë\tf\r\n");
    }

    #[test]
    fn columns_in_any_order_with_optional_ones() {
        let csv = "image,extra,name,gender,in_memoriam,known_as\n\
                   1,x,Ann Lee,F,,\n\
                   photos/b.png,y,\"O'Hara, Bob\",M,yes,Bobby\n";
        let (rows, problems) = parse(csv.as_bytes());
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].photos[0].photo, "1");
        assert_eq!(rows[0].known_as, None);
        assert_eq!(rows[1].name, "O'Hara, Bob");
        assert!(rows[1].in_memoriam);
        assert_eq!(rows[1].known_as.as_deref(), Some("Bobby"));
        assert_eq!(rows[1].line, 3);
    }

    #[test]
    fn duplicate_names_and_empty_cells_name_their_line() {
        let csv = "name,photo\nAnn,1\nann ,2\n,3\nBob,\n";
        let (rows, problems) = parse(csv.as_bytes());
        assert_eq!(rows.len(), 1);
        let lines: Vec<String> = problems.iter().map(|p| p.render("r.csv")).collect();
        assert_eq!(
            lines,
            vec![
                "r.csv:3: duplicate name 'ann' (first on line 2)",
                "r.csv:4: the name is empty for photo '3': type the person's name",
                "r.csv:5: the photo is empty",
            ]
        );
    }

    #[test]
    fn names_that_differ_only_in_unicode_form_are_duplicates() {
        let csv = "name,photo\nZo\u{eb} Quimby,1\nZoe\u{308} quimby,2\n";
        let (rows, problems) = parse(csv.as_bytes());
        assert_eq!(rows.len(), 1);
        assert_eq!(problems[0].line, Some(3));
    }

    #[test]
    fn missing_required_columns_are_reported() {
        let (_, problems) = parse("gender,known_as\nF,x\n".as_bytes());
        assert_eq!(problems.len(), 2);
        assert!(problems[0].message.contains("'name'"));
    }

    /// The line of each problem in `csv`, as `check` would name it.
    fn problem_lines(csv: &str) -> Vec<Option<u64>> {
        parse(csv.as_bytes()).1.iter().map(|p| p.line).collect()
    }

    #[test]
    fn lines_are_right_with_lf_crlf_a_bom_and_a_field_over_two_lines() {
        let lf = "name,photo\nA,1\nB,2\n,3\nA,4\n";
        assert_eq!(problem_lines(lf), [Some(4), Some(5)]);
        let crlf = lf.replace('\n', "\r\n");
        assert_eq!(problem_lines(&crlf), [Some(4), Some(5)]);
        let bom = format!("\u{feff}{crlf}");
        assert_eq!(problem_lines(&bom), [Some(4), Some(5)]);
        // A quoted photo cell written over two lines (lines 2 and 3).
        let spanning = "\u{feff}name,photo\r\nA,\"1\r\nx\"\r\nB,2\r\n,3\r\nA,4\r\n";
        assert_eq!(problem_lines(spanning), [Some(5), Some(6)]);
        let spanning_lf = spanning.replace("\r\n", "\n");
        assert_eq!(problem_lines(&spanning_lf), [Some(5), Some(6)]);
        // A blank line between rows is counted too.
        assert_eq!(problem_lines("name,photo\r\nA,1\r\n\r\n,3\r\n"), [Some(4)]);
        let (rows, _) = parse(crlf.as_bytes());
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 3]);
    }

    #[test]
    fn the_first_line_of_a_duplicate_is_right_with_crlf() {
        let (_, problems) = parse("name,photo\r\nX,0\r\nAnn,1\r\nBob,2\r\nann,3\r\n".as_bytes());
        assert_eq!(
            problems[0].render("r.csv"),
            "r.csv:5: duplicate name 'ann' (first on line 3)"
        );
    }

    #[test]
    fn a_bad_memoriam_flag_is_a_problem() {
        let (_, problems) = parse("name,photo,in_memoriam\nAnn,1,maybe\n".as_bytes());
        assert_eq!(problems[0].line, Some(2));
    }

    #[test]
    fn a_position_among_the_blank_lines_that_end_the_file_is_the_line_after_them() {
        let lines = Lines::new(b"name,photo\nA,1\n\n\n".to_vec());
        assert_eq!(lines.line_at(14), 5, "past the last newline");
        assert_eq!(lines.line_at(99), 5, "past the end");
        let (rows, problems) = parse("name,photo\r\nA,1\r\n\r\n\r\n".as_bytes());
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(rows.len(), 1);
    }
}

#[cfg(test)]
mod label_tests {
    use super::*;

    fn render(problems: &[Problem]) -> Vec<String> {
        problems.iter().map(|p| p.render("r.csv")).collect()
    }

    #[test]
    fn a_repeated_name_with_labels_is_another_photo_of_one_person() {
        let csv = "name,photo,label,gender,known_as,in_memoriam\r\n\
                   Ann Lee,a83.png,1983,F,Annie,\r\n\
                   Bob Ray,b.png,,M,,\r\n\
                   ann lee,a86.png,1986,,,\r\n\
                   Ann Lee,a10.png,25th reunion,f,Annie,no\r\n";
        let (rows, problems) = parse(csv.as_bytes());
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(rows.len(), 2);
        let ann = &rows[0];
        let photos: Vec<(&str, Option<&str>, u64)> = ann
            .photos
            .iter()
            .map(|p| (p.photo.as_str(), p.label.as_deref(), p.line))
            .collect();
        assert_eq!(
            photos,
            [
                ("a83.png", Some("1983"), 2),
                ("a86.png", Some("1986"), 4),
                ("a10.png", Some("25th reunion"), 5)
            ]
        );
        assert_eq!(
            (ann.gender.as_deref(), ann.known_as.as_deref()),
            (Some("F"), Some("Annie"))
        );
        assert_eq!(rows[1].photos.len(), 1);
        assert_eq!(rows[1].photos[0].label, None);
    }

    #[test]
    fn a_repeat_may_fill_what_the_first_row_left_empty() {
        let csv = "name,photo,label,gender,in_memoriam\nAnn,1,1983,,\nAnn,2,1986,F,yes\n";
        let (rows, problems) = parse(csv.as_bytes());
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(rows[0].gender.as_deref(), Some("F"));
        assert!(rows[0].in_memoriam);
    }

    #[test]
    fn label_problems_name_their_line_in_checks_words() {
        let csv = "name,photo,label,gender,known_as,in_memoriam\n\
                   Ann,1,1983,F,Annie,\n\
                   Ann,2,1983,,,\n\
                   Ann,3,,,,\n\
                   Bob,4,,M,,\n\
                   Bob,5,1986,,,\n\
                   Cy,6,1983,M,,yes\n\
                   Cy,7,1986,F,Cyrus,no\n\
                   Di,8,this label is far too long for the projector screen,,,\n";
        let (rows, problems) = parse(csv.as_bytes());
        assert_eq!(
            render(&problems),
            [
                "r.csv:3: 'Ann' has two photos labelled '1983' (first on line 2)",
                "r.csv:4: duplicate name 'Ann' (first on line 2); to give a person another photo, fill the label of each of their rows",
                "r.csv:6: duplicate name 'Bob' (first on line 5); to give a person another photo, fill the label of each of their rows",
                "r.csv:8: gender 'F' differs from 'M' on line 7 for the same person; leave it empty on this row or write the same",
                "r.csv:8: in_memoriam differs from line 7 for the same person; leave it empty on this row or write the same",
                "r.csv:9: the label 'this label is far too long for the projector screen' is longer than 40 characters",
            ]
        );
        assert_eq!(
            rows.iter().map(|r| r.photos.len()).collect::<Vec<_>>(),
            [1, 1, 1]
        );
    }

    #[test]
    fn without_a_label_column_a_repeated_name_is_a_duplicate_as_before() {
        let (_, problems) = parse("name,photo\nAnn,1\nAnn,2\n".as_bytes());
        assert_eq!(
            render(&problems),
            ["r.csv:3: duplicate name 'Ann' (first on line 2)"]
        );
    }
}
