//! A name list, `name,gender[,known_as,in_memoriam]`, pasted or uploaded as
//! Excel or LibreOffice write it on any system: CRLF, a UTF-8 BOM,
//! Windows-1252, `;` or tabs between cells, a header row or none, quoted
//! cells. Every problem names its line in plain words; nothing is guessed.

use std::collections::HashMap;

use serde::Serialize;

use super::csv::{Lines, Problem, name_key, sniff_delimiter, spreadsheet_text};
use super::matching::fold;
use super::why::Why;

/// One person as the list gives them. Blank cells are `None`, so a blank
/// never overwrites what the organiser filled in elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListEntry {
    /// 1-based line in the list, for messages.
    pub line: u64,
    pub name: String,
    pub gender: Option<String>,
    pub known_as: Option<String>,
    pub in_memoriam: Option<bool>,
}

/// The people a list gives and what is wrong with it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NameList {
    pub entries: Vec<ListEntry>,
    pub problems: Vec<Problem>,
}

/// What a cell of a header row can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Name,
    First,
    Last,
    Gender,
    KnownAs,
    InMemoriam,
}

/// Without a header row, the cells are read in this order.
const NO_HEADER: [Column; 4] = [
    Column::Name,
    Column::Gender,
    Column::KnownAs,
    Column::InMemoriam,
];

/// A header cell as a column: any case, spaces or underscores
/// (`Known as`, `known_as`, `KNOWN AS`), and a few words spreadsheets use.
fn column_named(cell: &str) -> Option<Column> {
    let word: String = fold(cell).split(' ').collect();
    Some(match word.as_str() {
        "name" | "fullname" | "classmate" | "student" => Column::Name,
        "first" | "firstname" | "givenname" | "forename" => Column::First,
        "last" | "lastname" | "surname" | "familyname" => Column::Last,
        "gender" | "sex" => Column::Gender,
        "knownas" | "nowknownas" | "nickname" => Column::KnownAs,
        "inmemoriam" | "memoriam" | "deceased" => Column::InMemoriam,
        _ => return None,
    })
}

/// The in memoriam cell: `None` when blank, `Err` when it says neither.
fn memoriam(cell: &str) -> Result<Option<bool>, ()> {
    match cell.trim().to_lowercase().as_str() {
        "" => Ok(None),
        "yes" | "y" | "x" | "1" | "true" | "✓" | "✔" | "†" => Ok(Some(true)),
        "no" | "n" | "0" | "false" => Ok(Some(false)),
        _ => Err(()),
    }
}

/// NFC, trimmed, runs of spaces (a non-breaking one too) as one.
fn tidy(cell: &str) -> String {
    super::import::clean_name(cell)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn non_empty(cell: &str) -> Option<String> {
    Some(tidy(cell)).filter(|s| !s.is_empty())
}

/// Reads a name list from the bytes a spreadsheet saved (or a browser sent).
pub fn parse(bytes: &[u8]) -> NameList {
    let mut text = spreadsheet_text(bytes);
    // "CSV (Macintosh)" ends lines with a lone CR, and a list pasted together
    // from two files may mix both; the reader ends a record at either, so
    // lines are counted by LF only after every line end is one.
    if text.contains('\r') {
        text = text.replace("\r\n", "\n").replace('\r', "\n");
    }
    let delimiter = sniff_delimiter(&text);
    let lines = Lines::new(text.into_bytes());
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(lines.bytes());
    let mut list = NameList::default();
    let mut columns: Option<Vec<Option<Column>>> = None;
    let mut first_line: HashMap<String, u64> = HashMap::new();
    for record in rdr.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = lines.of(e.position());
                list.problems.push(Problem::at(
                    line,
                    Why::ListLineUnreadable {
                        detail: e.to_string(),
                    },
                ));
                continue;
            }
        };
        let line = lines.of(record.position());
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if columns.is_none() {
            let named: Vec<Option<Column>> = record.iter().map(column_named).collect();
            if named.iter().any(Option::is_some) {
                let has = |c: Column| named.contains(&Some(c));
                if !has(Column::Name) && !has(Column::First) && !has(Column::Last) {
                    list.problems.push(Problem::at(line, Why::ListNoNameColumn));
                    return list;
                }
                columns = Some(named);
                continue;
            }
            columns = Some(NO_HEADER.iter().copied().map(Some).collect());
        }
        let Some(columns) = &columns else { continue };
        let cell = |want: Column| {
            columns
                .iter()
                .position(|c| *c == Some(want))
                .and_then(|i| record.get(i))
                .unwrap_or("")
        };
        if record.len() > NO_HEADER.len()
            && columns.len() == NO_HEADER.len()
            && record
                .iter()
                .skip(NO_HEADER.len())
                .any(|c| !c.trim().is_empty())
        {
            list.problems.push(Problem::at(
                line,
                Why::ListExtraCells {
                    count: record.len(),
                },
            ));
        }
        let name = match tidy(cell(Column::Name)) {
            name if !name.is_empty() => name,
            _ => tidy(&format!("{} {}", cell(Column::First), cell(Column::Last))),
        };
        // A cell of only dashes or dots names nobody, and would match anything.
        if crate::roster::matching::fold(&name).is_empty() {
            list.problems.push(Problem::at(line, Why::ListNoName));
            continue;
        }
        if let Some(first) = first_line.get(&name_key(&name)) {
            list.problems.push(Problem::at(
                line,
                Why::ListDuplicate {
                    name: name.clone(),
                    first: *first,
                },
            ));
            continue;
        }
        first_line.insert(name_key(&name), line);
        let in_memoriam = memoriam(cell(Column::InMemoriam)).unwrap_or_else(|()| {
            list.problems.push(Problem::at(
                line,
                Why::ListMemoriam {
                    cell: cell(Column::InMemoriam).trim().to_string(),
                },
            ));
            None
        });
        list.entries.push(ListEntry {
            line,
            name,
            gender: non_empty(cell(Column::Gender)),
            known_as: non_empty(cell(Column::KnownAs)),
            in_memoriam,
        });
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &NameList) -> Vec<&str> {
        list.entries.iter().map(|e| e.name.as_str()).collect()
    }

    fn messages(list: &NameList) -> Vec<(Option<u64>, &str)> {
        list.problems
            .iter()
            .map(|p| (p.line, p.message.as_str()))
            .collect()
    }

    #[test]
    fn european_excel_bom_semicolons_and_crlf_with_a_header_in_words() {
        let bytes = "\u{feff}Name;Gender;Known as;In memoriam\r\n\
                     Ann Lee;F;Annie Park;\r\n\
                     ;;;\r\n\
                     Bob Ray;M;;yes\r\n"
            .as_bytes();
        let list = parse(bytes);
        assert_eq!(list.problems, []);
        assert_eq!(
            list.entries,
            [
                ListEntry {
                    line: 2,
                    name: "Ann Lee".into(),
                    gender: Some("F".into()),
                    known_as: Some("Annie Park".into()),
                    in_memoriam: None,
                },
                ListEntry {
                    line: 4,
                    name: "Bob Ray".into(),
                    gender: Some("M".into()),
                    known_as: None,
                    in_memoriam: Some(true),
                },
            ]
        );
    }

    #[test]
    fn windows_1252_without_a_header() {
        // "José Núñez" as Excel on Windows saves it, no header row.
        let list = parse(b"Jos\xe9 N\xfa\xf1ez;m\r\nZo\xeb Quimby;f;;x\r\n");
        assert_eq!(list.problems, []);
        assert_eq!(names(&list), ["José Núñez", "Zoë Quimby"]);
        assert_eq!(list.entries[0].gender.as_deref(), Some("m"));
        assert_eq!(list.entries[1].in_memoriam, Some(true));
        assert_eq!(list.entries[1].line, 2);
    }

    #[test]
    fn old_mac_line_ends_count_as_lines() {
        let list = parse(b"name;gender\rAnn Lee;f\r;\rann lee;f\r");
        assert_eq!(names(&list), ["Ann Lee"]);
        assert_eq!(list.problems[0].line, Some(4), "{list:?}");
        let mixed = parse(b"Ann Lee;f\r\nBob Ray;m\rCy Dunn;m\n");
        let lines: Vec<u64> = mixed.entries.iter().map(|e| e.line).collect();
        assert_eq!(
            lines,
            [1, 2, 3],
            "a lone CR among CRLFs is a line of its own"
        );
    }

    #[test]
    fn a_header_in_any_case_and_columns_in_any_order() {
        let list = parse(b"GENDER,known_as,NAME\nf,,ann lee\n");
        assert_eq!(names(&list), ["ann lee"]);
        assert_eq!(list.entries[0].gender.as_deref(), Some("f"));
    }

    #[test]
    fn quoted_cells_keep_their_delimiters_and_line_breaks() {
        let list =
            parse("name;gender\r\n\"Lee; Ann\";f\r\n\"Ray,\r\nBob\";m\r\nCy Dunn;m\r\n".as_bytes());
        assert_eq!(list.problems, []);
        assert_eq!(names(&list), ["Lee; Ann", "Ray, Bob", "Cy Dunn"]);
        assert_eq!(list.entries[2].line, 5, "the quoted line break is counted");
        let no_header = parse(b"\"Lee, Ann\";f\n");
        assert_eq!(names(&no_header), ["Lee, Ann"]);
    }

    #[test]
    fn pasted_cells_are_tab_separated() {
        let list = parse("Ann Lee\tF\tAnnie, now\nBob Ray\tM\n".as_bytes());
        assert_eq!(names(&list), ["Ann Lee", "Bob Ray"]);
        assert_eq!(list.entries[0].known_as.as_deref(), Some("Annie, now"));
    }

    #[test]
    fn first_and_last_name_columns_make_the_name() {
        let list = parse("Last name;First name;Sex\nNúñez;José;m\n".as_bytes());
        assert_eq!(names(&list), ["José Núñez"]);
    }

    #[test]
    fn memoriam_words() {
        let list = parse(
            b"name,gender,known_as,in_memoriam\nA,,,YES\nB,,,no\nC,,,1\nD,,,0\nE,,,True\nF,,,\n",
        );
        let flags: Vec<Option<bool>> = list.entries.iter().map(|e| e.in_memoriam).collect();
        assert_eq!(
            flags,
            [
                Some(true),
                Some(false),
                Some(true),
                Some(false),
                Some(true),
                None
            ]
        );
    }

    #[test]
    fn each_problem_names_its_line_in_plain_words() {
        let list = parse(
            "name,gender,known_as,in_memoriam\r\n\
             Ann Lee,f,,\r\n\
             ,f,,\r\n\
             ann  lee,f,,\r\n\
             Bob Ray,m,,maybe\r\n"
                .as_bytes(),
        );
        assert_eq!(
            messages(&list),
            [
                (Some(3), "this line has no name, so it is left out"),
                (
                    Some(4),
                    "'ann lee' is already on line 2, so this line is left out"
                ),
                (
                    Some(5),
                    "'maybe' in the in memoriam column is neither yes nor no: write yes \
                     (or x, or 1) for a classmate who has died, and leave it empty otherwise"
                ),
            ]
        );
        // The person with the unclear flag is still there, the flag unset.
        assert_eq!(names(&list), ["Ann Lee", "Bob Ray"]);
        assert_eq!(list.entries[1].in_memoriam, None);
    }

    #[test]
    fn a_header_without_names_and_too_many_cells_are_explained() {
        let list = parse(b"gender,known_as\nf,x\n");
        assert_eq!(list.entries, []);
        assert!(list.problems[0].message.contains("'name'"), "{list:?}");
        let list = parse(b"Ann Lee,f,,,extra\n");
        assert_eq!(names(&list), ["Ann Lee"]);
        assert_eq!(list.problems[0].line, Some(1));
        assert!(list.problems[0].message.starts_with("5 cells"), "{list:?}");
    }

    #[test]
    fn an_empty_list_is_empty() {
        assert_eq!(parse(b""), NameList::default());
        assert_eq!(parse(b"\xEF\xBB\xBF\r\n\r\n"), NameList::default());
    }
}
