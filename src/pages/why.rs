//! Why a page gave no portraits, or a portrait no name: typed, each a
//! catalogue key (`pages-…`, `locales/*/pages.ftl`), so the organiser's
//! page says it in their language and `yearbook pages` in English.

use fluent_bundle::FluentValue;

use crate::i18n::Lang;

/// The detector's reason a page is not a class page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotClass {
    TooFewBoxes { count: usize },
    MixedSizes,
    NotPortraitShaped,
    TooLittleCovered,
}

impl NotClass {
    pub const ALL: [NotClass; 4] = [
        NotClass::TooFewBoxes { count: 2 },
        NotClass::MixedSizes,
        NotClass::NotPortraitShaped,
        NotClass::TooLittleCovered,
    ];

    pub fn key(self) -> &'static str {
        match self {
            NotClass::TooFewBoxes { .. } => "pages-why-too-few-boxes",
            NotClass::MixedSizes => "pages-why-mixed-sizes",
            NotClass::NotPortraitShaped => "pages-why-not-portrait-shaped",
            NotClass::TooLittleCovered => "pages-why-too-little-covered",
        }
    }

    pub fn args(self) -> Vec<(&'static str, u64)> {
        match self {
            NotClass::TooFewBoxes { count } => vec![("count", count as u64)],
            _ => vec![],
        }
    }

    /// `not a class page (…); nothing cropped`, in `lang`.
    pub fn say(self, lang: Lang) -> String {
        let why = lang.numbers(self.key(), &self.args());
        lang.with(NOT_CLASS, &[("why", FluentValue::from(why))])
    }
}

/// The frame around a [`NotClass`] reason.
pub const NOT_CLASS: &str = "pages-detector-not-class";

/// In English, as `yearbook pages` prints it.
impl std::fmt::Display for NotClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.say(Lang::EN))
    }
}

/// Why a page gave nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageError {
    NotClass(NotClass),
    /// The face finder could not start: its own words.
    Failed(String),
}

impl From<String> for PageError {
    fn from(e: String) -> Self {
        PageError::Failed(e)
    }
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PageError::NotClass(why) => why.fmt(f),
            PageError::Failed(e) => f.write_str(e),
        }
    }
}

/// Why a portrait's name was left empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unnamed {
    NoTesseract,
    NoCaption,
    /// What tesseract read, which does not look like a name.
    Unreadable {
        text: String,
    },
    /// Tesseract failed: its (or the system's) own words.
    Ocr {
        detail: String,
    },
}

impl Unnamed {
    pub fn all() -> Vec<Unnamed> {
        vec![
            Unnamed::NoTesseract,
            Unnamed::NoCaption,
            Unnamed::Unreadable {
                text: String::new(),
            },
            Unnamed::Ocr {
                detail: String::new(),
            },
        ]
    }

    pub fn key(&self) -> &'static str {
        match self {
            Unnamed::NoTesseract => "pages-flag-no-tesseract",
            Unnamed::NoCaption => "pages-flag-no-caption",
            Unnamed::Unreadable { .. } => "pages-flag-unreadable",
            Unnamed::Ocr { .. } => "pages-flag-ocr",
        }
    }

    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Unnamed::Unreadable { text } => vec![("text", format!("{text:?}"))],
            Unnamed::Ocr { detail } => vec![("detail", detail.clone())],
            _ => vec![],
        }
    }

    pub fn say(&self, lang: Lang) -> String {
        let args: Vec<(&str, FluentValue<'_>)> = self
            .args()
            .into_iter()
            .map(|(n, v)| (n, FluentValue::from(v)))
            .collect();
        lang.with(self.key(), &args)
    }
}

/// In English, as `yearbook pages` prints it.
impl std::fmt::Display for Unnamed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.say(Lang::EN))
    }
}
