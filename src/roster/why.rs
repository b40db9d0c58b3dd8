//! Why a roster line, a name list line or a photo file is left out: each
//! reason is a catalogue key (`roster-…`, `locales/*/roster.ftl`) and its
//! variables, so the organiser's pages say it in their language and the
//! CLI in English, from the same English catalogue.

use crate::i18n::Lang;
use crate::uploads::check::{Reason, ReasonArg};

/// One reason; its English is `locales/en/roster.ftl`'s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    // roster.csv (`csv::parse`) and its photos (`load`).
    CannotRead {
        detail: String,
    },
    UnreadableHeader {
        detail: String,
    },
    NoNameColumn,
    NoPhotoColumn,
    UnreadableRow {
        detail: String,
    },
    NameEmpty,
    NameEmptyFor {
        photo: String,
    },
    PhotoEmpty,
    LabelTooLong {
        label: String,
        max: usize,
    },
    MemoriamNotFlag {
        cell: String,
    },
    DuplicateName {
        name: String,
        first: u64,
    },
    TooManyPhotos {
        name: String,
        max: usize,
    },
    DuplicateUnlabelled {
        name: String,
        first: u64,
    },
    SameLabel {
        name: String,
        label: String,
        first: u64,
    },
    /// `column` is the CSV's own header (`gender`, `known_as`).
    CellDiffers {
        column: String,
        value: String,
        first_value: String,
        first: u64,
    },
    MemoriamDiffers {
        first: u64,
    },
    PhotoNotFound {
        photo: String,
    },
    PhotoOutside {
        photo: String,
        folder: String,
    },
    PhotoIo {
        photo: String,
        detail: String,
    },
    PhotoNotFile {
        photo: String,
    },
    PhotoTooBig {
        photo: String,
        mb: u64,
        max: u64,
    },
    PhotoCannotRead {
        photo: String,
        detail: String,
    },
    /// The decoder's own words (English) continue the sentence.
    PhotoUnusable {
        photo: String,
        detail: String,
    },
    SameImage {
        photo: String,
        first: u64,
    },
    TooFewPeople {
        count: usize,
    },
    // A name list (`namelist::parse`, `reunion::namelist`).
    ListLineUnreadable {
        detail: String,
    },
    ListNoNameColumn,
    ListExtraCells {
        count: usize,
    },
    ListNoName,
    ListDuplicate {
        name: String,
        first: u64,
    },
    ListMemoriam {
        cell: String,
    },
    LoneGender {
        gender: String,
        others: Vec<String>,
    },
    // Photo files by name (`plan::photo_files`).
    Heic {
        file: String,
    },
    Pdf {
        file: String,
    },
    NotImage {
        file: String,
    },
    FileNoName {
        file: String,
    },
    FileLabelTooLong {
        file: String,
        max: usize,
    },
    SameFile {
        file: String,
        first: String,
        labelled: bool,
    },
    UnlabelledAmongLabelled {
        file: String,
        name: String,
        ext: String,
    },
}

impl Why {
    /// One of each, for the catalogue check.
    pub fn all() -> Vec<Why> {
        let s = String::new;
        vec![
            Why::CannotRead { detail: s() },
            Why::UnreadableHeader { detail: s() },
            Why::NoNameColumn,
            Why::NoPhotoColumn,
            Why::UnreadableRow { detail: s() },
            Why::NameEmpty,
            Why::NameEmptyFor { photo: s() },
            Why::PhotoEmpty,
            Why::LabelTooLong { label: s(), max: 1 },
            Why::MemoriamNotFlag { cell: s() },
            Why::DuplicateName {
                name: s(),
                first: 1,
            },
            Why::TooManyPhotos { name: s(), max: 1 },
            Why::DuplicateUnlabelled {
                name: s(),
                first: 1,
            },
            Why::SameLabel {
                name: s(),
                label: s(),
                first: 1,
            },
            Why::CellDiffers {
                column: s(),
                value: s(),
                first_value: s(),
                first: 1,
            },
            Why::MemoriamDiffers { first: 1 },
            Why::PhotoNotFound { photo: s() },
            Why::PhotoOutside {
                photo: s(),
                folder: s(),
            },
            Why::PhotoIo {
                photo: s(),
                detail: s(),
            },
            Why::PhotoNotFile { photo: s() },
            Why::PhotoTooBig {
                photo: s(),
                mb: 1,
                max: 1,
            },
            Why::PhotoCannotRead {
                photo: s(),
                detail: s(),
            },
            Why::PhotoUnusable {
                photo: s(),
                detail: s(),
            },
            Why::SameImage {
                photo: s(),
                first: 1,
            },
            Why::TooFewPeople { count: 1 },
            Why::ListLineUnreadable { detail: s() },
            Why::ListNoNameColumn,
            Why::ListExtraCells { count: 5 },
            Why::ListNoName,
            Why::ListDuplicate {
                name: s(),
                first: 1,
            },
            Why::ListMemoriam { cell: s() },
            Why::LoneGender {
                gender: s(),
                others: vec![s()],
            },
            Why::Heic { file: s() },
            Why::Pdf { file: s() },
            Why::NotImage { file: s() },
            Why::FileNoName { file: s() },
            Why::FileLabelTooLong { file: s(), max: 1 },
            Why::SameFile {
                file: s(),
                first: s(),
                labelled: false,
            },
            Why::UnlabelledAmongLabelled {
                file: s(),
                name: s(),
                ext: s(),
            },
        ]
    }

    /// Its key and variables, the words of `lang` where a variable needs
    /// some (the gender list's "or").
    pub fn reason(&self, lang: Lang) -> Reason {
        let t = |s: &str| ReasonArg::Text(s.to_string());
        let n = |n: u64| ReasonArg::Number(i64::try_from(n).unwrap_or(i64::MAX));
        // A line number is a name, not an amount: never "line 1,234".
        let line = |n: u64| ReasonArg::Text(n.to_string());
        let (key, args): (&str, Vec<(&str, ReasonArg)>) = match self {
            Why::CannotRead { detail } => ("roster-cannot-read", vec![("detail", t(detail))]),
            Why::UnreadableHeader { detail } => {
                ("roster-unreadable-header", vec![("detail", t(detail))])
            }
            Why::NoNameColumn => ("roster-no-name-column", vec![]),
            Why::NoPhotoColumn => ("roster-no-photo-column", vec![]),
            Why::UnreadableRow { detail } => ("roster-unreadable-row", vec![("detail", t(detail))]),
            Why::NameEmpty => ("roster-name-empty", vec![]),
            Why::NameEmptyFor { photo } => ("roster-name-empty-for", vec![("photo", t(photo))]),
            Why::PhotoEmpty => ("roster-photo-empty", vec![]),
            Why::LabelTooLong { label, max } => (
                "roster-label-too-long",
                vec![("label", t(label)), ("max", n(*max as u64))],
            ),
            Why::MemoriamNotFlag { cell } => ("roster-memoriam-not-flag", vec![("cell", t(cell))]),
            Why::DuplicateName { name, first } => (
                "roster-duplicate-name",
                vec![("name", t(name)), ("first", line(*first))],
            ),
            Why::TooManyPhotos { name, max } => (
                "roster-too-many-photos",
                vec![("name", t(name)), ("max", n(*max as u64))],
            ),
            Why::DuplicateUnlabelled { name, first } => (
                "roster-duplicate-unlabelled",
                vec![("name", t(name)), ("first", line(*first))],
            ),
            Why::SameLabel { name, label, first } => (
                "roster-same-label",
                vec![
                    ("name", t(name)),
                    ("label", t(label)),
                    ("first", line(*first)),
                ],
            ),
            Why::CellDiffers {
                column,
                value,
                first_value,
                first,
            } => (
                "roster-cell-differs",
                vec![
                    ("column", t(column)),
                    ("value", t(value)),
                    ("firstvalue", t(first_value)),
                    ("first", line(*first)),
                ],
            ),
            Why::MemoriamDiffers { first } => {
                ("roster-memoriam-differs", vec![("first", line(*first))])
            }
            Why::PhotoNotFound { photo } => ("roster-photo-not-found", vec![("photo", t(photo))]),
            Why::PhotoOutside { photo, folder } => (
                "roster-photo-outside",
                vec![("photo", t(photo)), ("folder", t(folder))],
            ),
            Why::PhotoIo { photo, detail } => (
                "roster-photo-io",
                vec![("photo", t(photo)), ("detail", t(detail))],
            ),
            Why::PhotoNotFile { photo } => ("roster-photo-not-file", vec![("photo", t(photo))]),
            Why::PhotoTooBig { photo, mb, max } => (
                "roster-photo-too-big",
                vec![("photo", t(photo)), ("mb", n(*mb)), ("max", n(*max))],
            ),
            Why::PhotoCannotRead { photo, detail } => (
                "roster-photo-cannot-read",
                vec![("photo", t(photo)), ("detail", t(detail))],
            ),
            Why::PhotoUnusable { photo, detail } => (
                "roster-photo-unusable",
                vec![("photo", t(photo)), ("detail", t(detail))],
            ),
            Why::SameImage { photo, first } => (
                "roster-same-image",
                vec![("photo", t(photo)), ("first", line(*first))],
            ),
            Why::TooFewPeople { count } => {
                ("roster-too-few-people", vec![("count", n(*count as u64))])
            }
            Why::ListLineUnreadable { detail } => {
                ("roster-list-line-unreadable", vec![("detail", t(detail))])
            }
            Why::ListNoNameColumn => ("roster-list-no-name-column", vec![]),
            Why::ListExtraCells { count } => {
                ("roster-list-extra-cells", vec![("count", n(*count as u64))])
            }
            Why::ListNoName => ("roster-list-no-name", vec![]),
            Why::ListDuplicate { name, first } => (
                "roster-list-duplicate",
                vec![("name", t(name)), ("first", line(*first))],
            ),
            Why::ListMemoriam { cell } => ("roster-list-memoriam", vec![("cell", t(cell))]),
            Why::LoneGender { gender, others } => {
                let or = format!(" {} ", lang.get("roster-or"));
                (
                    "roster-lone-gender",
                    vec![("gender", t(gender)), ("others", t(&others.join(&or)))],
                )
            }
            Why::Heic { file } => ("roster-file-heic", vec![("file", t(file))]),
            Why::Pdf { file } => ("roster-file-pdf", vec![("file", t(file))]),
            Why::NotImage { file } => ("roster-file-not-image", vec![("file", t(file))]),
            Why::FileNoName { file } => ("roster-file-no-name", vec![("file", t(file))]),
            Why::FileLabelTooLong { file, max } => (
                "roster-file-label-too-long",
                vec![("file", t(file)), ("max", n(*max as u64))],
            ),
            Why::SameFile {
                file,
                first,
                labelled,
            } => (
                "roster-same-file",
                vec![
                    ("file", t(file)),
                    ("first", t(first)),
                    ("labelled", t(if *labelled { "yes" } else { "no" })),
                ],
            ),
            Why::UnlabelledAmongLabelled { file, name, ext } => (
                "roster-unlabelled-among-labelled",
                vec![("file", t(file)), ("name", t(name)), ("ext", t(ext))],
            ),
        };
        Reason::new(key, args)
    }

    /// The sentence in `lang`.
    pub fn say(&self, lang: Lang) -> String {
        self.reason(lang).render(lang)
    }
}

/// In English, as the command line prints it.
impl std::fmt::Display for Why {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.say(Lang::EN))
    }
}

/// A problem of a file other than the one being read (a roster's folder,
/// a photo), said as `label: …` or `label:line: …`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labelled {
    pub label: String,
    pub problem: super::csv::Problem,
}

impl Labelled {
    /// `roster.csv:17: photo 'x.png' not found`, in `lang`.
    pub fn say(&self, lang: Lang) -> String {
        self.problem.said(lang).render(&self.label)
    }
}

/// The lines in English, as the CLI prints them.
pub fn english(problems: Vec<Labelled>) -> Vec<String> {
    problems.iter().map(|p| p.say(Lang::EN)).collect()
}
