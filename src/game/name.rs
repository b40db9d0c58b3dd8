//! A player's nickname, parsed once at the door.
//!
//! Names are compared the way people see them on the projector: ignoring
//! case and accents, and by their confusable skeleton (Unicode TR39), so a
//! Cyrillic `Аlice` is the same name as `Alice`. What renders as nothing
//! (format characters, fillers, a braille blank) or spills over other lines
//! (stacks of combining marks) is refused, and length is display width.

use std::collections::HashMap;
use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;
use unicode_properties::{GeneralCategory, UnicodeEmoji, UnicodeGeneralCategory};
use unicode_security::GeneralSecurityProfile;
use unicode_security::general_security_profile::IdentifierType;
use unicode_width::UnicodeWidthStr;

/// A trimmed nickname at most [`MAX_NAME_WIDTH`] columns wide, with
/// something visible in it, no control, format or blank-looking characters
/// and at most [`MAX_MARKS_PER_LETTER`] combining marks on any letter.
/// `key()` is what uniqueness compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlayerName {
    text: String,
    key: NameKey,
}

/// The widest name in terminal columns: 24 ASCII letters, or 12 wide ones
/// (漢字, emoji) which take two columns each on a screen.
pub const MAX_NAME_WIDTH: usize = 24;
/// More than this many combining marks on one letter is zalgo text, not a
/// name: Vietnamese and Thai need two at most (after composing, NFC).
pub const MAX_MARKS_PER_LETTER: usize = 2;

/// Words refused at the start of any word ("fuckface" too). None of them
/// starts a real name.
const RUDE_ROOTS: &[&str] = &[
    "fuck", "shit", "cunt", "bitch", "whore", "slut", "nigg", "fagg", "asshole", "motherf",
    "dickhead", "wank", "twat", "pussy", "dildo", "jizz", "bollock", "bastard", "arsehole",
    "cocksuck", "retard", "rapist", "penis", "vagina", "porn", "hitler",
];

/// Words refused only on their own (they hide inside real names).
const RUDE_WORDS: &[&str] = &[
    "cock",
    "cum",
    "sex",
    "anal",
    "anus",
    "tits",
    "titties",
    "boobs",
    "nazi",
    "rape",
    "fag",
    "spic",
    "kike",
    "chink",
    "tranny",
    "arse",
    "ass",
    "crap",
    "piss",
    "prick",
    "knob",
    "poop",
    "butt",
    "buttface",
    "loser",
    "idiot",
    "moron",
    "douche",
    "douchebag",
    "scum",
    "scumbag",
];

/// Characters refused anywhere in a name: controls, format characters
/// (bidi overrides, zero-width joiners…), unassigned and private-use code
/// points, line separators, default-ignorables (fillers, variation
/// selectors) and blanks that are not spaces (braille blank, Hangul
/// fillers): each would make a name look empty or like someone else's.
fn is_invisible(c: char) -> bool {
    use GeneralCategory::*;
    matches!(
        c.general_category(),
        Control | Format | Surrogate | PrivateUse | Unassigned | LineSeparator | ParagraphSeparator
    ) || c.identifier_type() == Some(IdentifierType::Default_Ignorable)
        || matches!(
            c,
            '\u{2800}' | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' | '\u{FFFC}'
        )
}

/// What emoji keyboards put between and after emoji: a zero-width joiner
/// between two emoji (👩‍🚀) or a presentation selector after one (❤️).
/// Allowed there and only there.
fn is_emoji_glue(prev: Option<char>, c: char, next: Option<char>) -> bool {
    let emoji = |c: Option<char>| c.is_some_and(|c| c.is_emoji_char() && !c.is_ascii());
    match c {
        '\u{200D}' => emoji(prev) && emoji(next),
        '\u{FE0E}' | '\u{FE0F}' => emoji(prev),
        _ => false,
    }
}

/// Why a name is refused. Its `Display` is the English sentence old
/// clients read (docs/protocol.md quotes them); [`NameRefusal::key`] is
/// the catalogue message other languages read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NameRefusal {
    #[error("Please type a name.")]
    Empty,
    #[error("That name is too long (24 letters at most, or 12 wide ones such as 漢字).")]
    TooLong,
    #[error("That name has characters that cannot be shown.")]
    Unshowable,
    #[error("That name has too many accents on one letter.")]
    TooManyMarks,
    #[error("That name cannot be seen; please type a name.")]
    Invisible,
    /// The profanity filter's refusal: it says no more, so as not to teach
    /// the way around it.
    #[error("Please choose another name.")]
    ChooseAnother,
}

impl NameRefusal {
    /// Every refusal, for the catalogue tests: a new variant goes here too.
    pub const ALL: [NameRefusal; 6] = [
        NameRefusal::Empty,
        NameRefusal::TooLong,
        NameRefusal::Unshowable,
        NameRefusal::TooManyMarks,
        NameRefusal::Invisible,
        NameRefusal::ChooseAnother,
    ];

    /// The message key in the locales' `errors.ftl`.
    pub fn key(self) -> &'static str {
        match self {
            NameRefusal::Empty => "error-name-empty",
            NameRefusal::TooLong => "error-name-too-long",
            NameRefusal::Unshowable => "error-name-unshowable",
            NameRefusal::TooManyMarks => "error-name-accents",
            NameRefusal::Invisible => "error-name-invisible",
            NameRefusal::ChooseAnother => "error-name-other",
        }
    }
}

/// Why `text` (trimmed, NFC) cannot be a name, if it cannot.
fn refusal(text: &str) -> Option<NameRefusal> {
    if text.is_empty() {
        return Some(NameRefusal::Empty);
    }
    if text.width() > MAX_NAME_WIDTH {
        return Some(NameRefusal::TooLong);
    }
    let chars: Vec<char> = text.chars().collect();
    let mut marks = 0;
    let mut visible = false;
    for (i, &c) in chars.iter().enumerate() {
        let (prev, next) = (
            i.checked_sub(1).map(|p| chars[p]),
            chars.get(i + 1).copied(),
        );
        if is_invisible(c) && !is_emoji_glue(prev, c, next) {
            return Some(NameRefusal::Unshowable);
        }
        if is_combining_mark(c) {
            marks += 1;
            // A mark needs a letter to sit on, and a few at most.
            if prev.is_none_or(char::is_whitespace) || marks > MAX_MARKS_PER_LETTER {
                return Some(NameRefusal::TooManyMarks);
            }
        } else {
            marks = 0;
            visible |= !c.is_whitespace() && !is_emoji_glue(prev, c, next);
        }
    }
    (!visible).then_some(NameRefusal::Invisible)
}

/// Lower case, compatibility forms (`Ｈ` is `H`) and no accents, runs of
/// spaces as one: what "the same name" meant before skeletons.
fn fold(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .collect()
}

/// The TR39 skeleton, character by character, except that an ASCII
/// character keeps itself where its skeleton is two letters (`m` → `rn`,
/// `d` → `cl`): else Amie would be Arnie and Clara would be Dara.
fn skeleton(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut buf = [0u8; 4];
    for c in text.chars() {
        let start = out.len();
        out.extend(unicode_security::skeleton(c.encode_utf8(&mut buf)));
        if c.is_ascii() && out[start..].chars().count() > 1 {
            out.truncate(start);
            out.push(c);
        }
    }
    out
}

/// What two names are compared by; they are the same name when either
/// form is equal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameKey {
    /// Folded, then the skeleton: `José` = `JOSE`, Cyrillic `Аlice` = `alice`.
    folded: String,
    /// The skeleton of the name as typed, then folded: a capital `I` looks
    /// like a small `l` (`Ian` = `lan`), which folding first would lose.
    shape: String,
}

impl NameKey {
    /// The key of any text, valid name or not (names stored by an older
    /// version are keyed the same way).
    pub fn of(text: &str) -> Self {
        Self {
            folded: fold(&skeleton(&fold(text))),
            shape: fold(&skeleton(&fold_marks(text))),
        }
    }

    pub fn matches(&self, other: &NameKey) -> bool {
        self.folded == other.folded || self.shape == other.shape
    }
}

/// The keys of the names in use, counted, so that whether a name is taken
/// costs a look-up rather than a pass over every player.
#[derive(Debug, Clone, Default)]
pub struct TakenNames {
    folded: HashMap<String, u32>,
    shape: HashMap<String, u32>,
}

impl TakenNames {
    pub fn add(&mut self, key: &NameKey) {
        *self.folded.entry(key.folded.clone()).or_default() += 1;
        *self.shape.entry(key.shape.clone()).or_default() += 1;
    }

    pub fn remove(&mut self, key: &NameKey) {
        for (map, k) in [
            (&mut self.folded, &key.folded),
            (&mut self.shape, &key.shape),
        ] {
            if let Some(n) = map.get_mut(k) {
                *n -= 1;
                if *n == 0 {
                    map.remove(k);
                }
            }
        }
    }

    /// Whether a name in use [`NameKey::matches`] `key`.
    pub fn contains(&self, key: &NameKey) -> bool {
        self.folded.contains_key(&key.folded) || self.shape.contains_key(&key.shape)
    }
}

/// Accents and compatibility forms folded, case kept.
fn fold_marks(text: &str) -> String {
    text.nfkd().filter(|c| !is_combining_mark(*c)).collect()
}

impl PlayerName {
    pub fn parse(raw: &str) -> Result<Self, NameRefusal> {
        // Composed first: a decomposed `é` is one letter with one accent.
        let text: String = raw.trim().nfc().collect();
        if let Some(why) = refusal(&text) {
            return Err(why);
        }
        let key = NameKey::of(&text);
        Ok(Self { text, key })
    }

    /// Whether the profanity filter refuses this name. Whole words only
    /// (after undoing l33t spelling and look-alike letters, with spaced-out
    /// letters joined), so classmates' real surnames (Hancock, Cummings,
    /// Sexton, Kuntz, Dick…) are never refused: general-purpose filters flag
    /// those.
    pub fn is_rude(&self) -> bool {
        let unleet = |c: char| match c {
            '0' => 'o',
            '1' | '!' | '|' => 'i',
            '3' => 'e',
            '4' | '@' => 'a',
            '5' | '$' => 's',
            '7' => 't',
            c => c,
        };
        // Digits count as letters only inside a word with letters ("b1tch"),
        // so "Table 455" stays a number.
        let words: Vec<String> = fold(&self.text)
            .split(|c: char| c.is_whitespace() || ".,;:-_'\"()*+/&".contains(c))
            .filter(|w| w.chars().any(char::is_alphabetic))
            .map(|w| {
                let letters: String = w
                    .chars()
                    .map(unleet)
                    .filter(|c| c.is_alphabetic())
                    .collect();
                // `fuсk` with a Cyrillic `с` is `fuck`.
                fold(&skeleton(&letters))
            })
            .collect();
        let joined: String = words.concat();
        let (roots, whole) = rude_lists();
        let rude_word =
            |w: &str| roots.iter().any(|root| w.starts_with(root)) || whole.iter().any(|x| x == w);
        words.iter().any(|w| rude_word(w)) || rude_word(&joined)
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn key(&self) -> &NameKey {
        &self.key
    }
}

/// The rude lists as the filter compares words: through the same skeleton.
fn rude_lists() -> &'static (Vec<String>, Vec<String>) {
    static LISTS: OnceLock<(Vec<String>, Vec<String>)> = OnceLock::new();
    LISTS.get_or_init(|| {
        let folded = |list: &[&str]| list.iter().map(|w| fold(&skeleton(w))).collect();
        (folded(RUDE_ROOTS), folded(RUDE_WORDS))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: &str, b: &str) -> bool {
        PlayerName::parse(a)
            .unwrap()
            .key()
            .matches(PlayerName::parse(b).unwrap().key())
    }

    #[test]
    fn names_are_trimmed_and_keyed_ignoring_case() {
        let n = PlayerName::parse("  Aunt Mary ").unwrap();
        assert_eq!(n.as_str(), "Aunt Mary");
        assert!(same("Aunt Mary", "AUNT   mary"));
    }

    #[test]
    fn names_compare_ignoring_accents() {
        assert!(same("José", "JOSE"));
        assert!(same("\u{FF28}onest", "Honest"));
    }

    #[test]
    fn look_alike_letters_from_other_scripts_are_the_same_name() {
        assert!(same("\u{0410}lice", "Alice"), "Cyrillic А");
        assert!(same("\u{0391}LICE", "alice"), "Greek Α");
        assert!(same("B\u{043E}b", "Bob"), "Cyrillic о");
        assert!(same("Ian", "lan"), "capital I looks like small l");
        assert!(same("B0B", "Bob"), "zero looks like O");
    }

    #[test]
    fn different_names_stay_different() {
        for (a, b) in [
            ("Amie", "Arnie"),
            ("Clara", "Dara"),
            ("Ann", "Anne"),
            ("Ian", "Ivan"),
            ("José Núñez", "Jose Nunes"),
        ] {
            assert!(!same(a, b), "{a} / {b}");
        }
    }

    #[test]
    fn rude_names_are_caught_but_classmates_names_are_not() {
        for rude in [
            "shithead",
            "b1tch",
            "f u c k",
            "Fuck You",
            "cuntface",
            "$hit",
            "big ass",
            "N4zi",
            "fu\u{0441}k",
            "\u{0455}hit",
        ] {
            assert!(PlayerName::parse(rude).unwrap().is_rude(), "{rude}");
        }
        for fine in [
            "Dick Smith",
            "Aunt Mary",
            "Fanny Cox",
            "Scunthorpe",
            "Ann Hancock",
            "Jo Cummings",
            "Anne Sexton",
            "Kuntz",
            "Bashar Assad",
            "Analise",
            "Amy Ho",
            "Bob 69",
            "Class of 69",
            "Titus Dickens",
            "phone 3003",
            "xxxxxxxx",
            "Cassandra",
            "Glasscock",
            "Butters",
            "Pomeroy",
            "Dildey",
        ] {
            assert!(!PlayerName::parse(fine).unwrap().is_rude(), "{fine}");
        }
    }

    #[test]
    fn empty_long_and_control_names_are_refused() {
        assert!(PlayerName::parse("   ").is_err());
        assert!(PlayerName::parse(&"x".repeat(25)).is_err());
        assert!(PlayerName::parse(&"x".repeat(24)).is_ok());
        assert!(PlayerName::parse(&"é".repeat(24)).is_ok());
        assert!(PlayerName::parse("bad\u{7}bell").is_err());
        assert!(PlayerName::parse("a\u{200B}b").is_err());
        assert!(PlayerName::parse("\u{202E}evil").is_err());
    }

    #[test]
    fn each_refusal_says_why() {
        let why = |raw: &str| PlayerName::parse(raw).unwrap_err();
        assert_eq!(why("   "), NameRefusal::Empty);
        assert_eq!(why(&"x".repeat(25)), NameRefusal::TooLong);
        assert_eq!(why("a\u{200B}b"), NameRefusal::Unshowable);
        assert_eq!(why("x\u{0301}\u{0302}\u{0303}"), NameRefusal::TooManyMarks);
        // Old clients show these sentences as they are.
        assert_eq!(NameRefusal::Empty.to_string(), "Please type a name.");
        assert_eq!(
            NameRefusal::ChooseAnother.to_string(),
            "Please choose another name."
        );
    }

    #[test]
    fn names_that_render_empty_are_refused() {
        for blank in [
            "\u{2800}",
            "\u{2800}\u{2800}\u{2800}",
            "\u{3164}",
            "\u{115F}\u{1160}",
            "\u{FFA0}",
            "\u{0301}",
            "\u{00AD}",
            "\u{2060}x",
            "a\u{E0041}",
            "\u{FE0F}",
        ] {
            assert!(PlayerName::parse(blank).is_err(), "{blank:?}");
        }
    }

    #[test]
    fn stacks_of_combining_marks_are_refused() {
        let zalgo = "Z\u{0351}\u{0346}\u{0300}\u{0315}a\u{0352}\u{034B}\u{0363}lgo";
        assert!(PlayerName::parse(zalgo).is_err());
        assert!(PlayerName::parse("x\u{0301}\u{0302}\u{0303}").is_err());
        // Two marks on a letter are real writing (Vietnamese, decomposed).
        assert!(PlayerName::parse("Nguye\u{0302}\u{0303}n").is_ok());
    }

    #[test]
    fn real_names_from_many_places_pass() {
        for name in [
            "José Núñez",
            "Nguyễn Thị Minh Khai",
            "Zoë O'Brien-Smith",
            "Małgorzata Żółć",
            "Søren Kierkegaard",
            "Ævar",
            "Ольга",
            "Δημήτρης",
            "山田太郎",
            "김민준",
            "محمد",
            "ישראל",
            "สมชาย",
            "देवनागरी",
            "Ann ❤️",
            "👩‍🚀 Sam",
        ] {
            assert!(PlayerName::parse(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn a_name_is_bounded_by_display_width_not_characters() {
        assert!(PlayerName::parse(&"漢".repeat(12)).is_ok());
        assert!(PlayerName::parse(&"漢".repeat(13)).is_err());
        // Accents take no columns: 24 accented letters still fit.
        assert!(PlayerName::parse(&"e\u{0301}".repeat(24)).is_ok());
    }

    #[test]
    fn a_joiner_or_a_presentation_selector_counts_only_next_to_emoji() {
        // Between two emoji a joiner is glue; next to a letter it hides.
        assert!(PlayerName::parse("👩\u{200D}🚀").is_ok());
        assert!(PlayerName::parse("👩\u{200D}Sam").is_err());
        assert!(PlayerName::parse("Sam\u{200D}👩").is_err());
        // A selector after a non-emoji letter (or a digit, which Unicode
        // calls an emoji for keycaps) is refused.
        assert!(PlayerName::parse("Zoë\u{FE0F}").is_err());
        assert!(PlayerName::parse("Bob 7\u{FE0F}").is_err());
    }

    #[test]
    fn two_accents_on_a_letter_pass_and_a_third_is_refused() {
        // No precomposed letter exists for these, so NFC leaves the marks.
        assert!(PlayerName::parse("Ax\u{0301}\u{0302}").is_ok());
        assert!(PlayerName::parse("Ax\u{0301}\u{0302}\u{0303}").is_err());
    }

    #[test]
    fn a_name_in_use_is_taken_in_either_form_until_its_last_holder_leaves() {
        let key = |name: &str| PlayerName::parse(name).unwrap().key().clone();
        let mut taken = TakenNames::default();
        taken.add(&key("Ian"));
        assert!(taken.contains(&key("ian")), "the same folded");
        assert!(
            taken.contains(&key("lan")),
            "the same shape: I looks like l"
        );
        assert!(!taken.contains(&key("Ivan")));
        // An old room may hold the same name twice: it stays taken until
        // both left.
        taken.add(&key("IAN"));
        taken.remove(&key("Ian"));
        assert!(taken.contains(&key("ian")));
        taken.remove(&key("IAN"));
        assert!(!taken.contains(&key("ian")) && !taken.contains(&key("lan")));
    }
}
