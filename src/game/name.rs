//! A player's nickname, parsed once at the door.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// A trimmed nickname of 1–24 characters without control or invisible
/// formatting characters. `key()` is what uniqueness compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlayerName {
    text: String,
    key: String,
}

pub const MAX_NAME_CHARS: usize = 24;

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

/// Characters that render as nothing or reorder text: a name made of them
/// would look empty or impersonate someone else.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}'
        | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF0}'..='\u{FFFB}'
        | '\u{E0000}'..='\u{E007F}')
}

impl PlayerName {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let text = raw.trim();
        if text.is_empty() {
            return Err("Please type a name.");
        }
        if text.chars().count() > MAX_NAME_CHARS {
            return Err("That name is too long (24 characters at most).");
        }
        if text.chars().any(|c| c.is_control() || is_invisible(c)) {
            return Err("That name has characters that cannot be shown.");
        }
        // "José" and "JOSE" are the same name on a projector.
        let key = text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
            // Compatibility forms too: a fullwidth "Ｈ" is an "H".
            .nfkd()
            .filter(|c| !is_combining_mark(*c))
            .collect();
        Ok(Self {
            text: text.to_string(),
            key,
        })
    }

    /// Whether the profanity filter refuses this name. Whole words only
    /// (after undoing l33t spelling, and with spaced-out letters joined), so
    /// classmates' real surnames (Hancock, Cummings, Sexton, Kuntz, Dick…)
    /// are never refused: general-purpose filters flag those.
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
        let words: Vec<String> = self
            .key
            .split(|c: char| c.is_whitespace() || ".,;:-_'\"()*+/&".contains(c))
            .filter(|w| w.chars().any(char::is_alphabetic))
            .map(|w| {
                w.chars()
                    .map(unleet)
                    .filter(|c| c.is_alphabetic())
                    .collect()
            })
            .collect();
        let joined: String = words.concat();
        let rude_word =
            |w: &str| RUDE_ROOTS.iter().any(|root| w.starts_with(root)) || RUDE_WORDS.contains(&w);
        words.iter().any(|w| rude_word(w)) || rude_word(&joined)
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn key(&self) -> &str {
        &self.key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_keyed_ignoring_case() {
        let n = PlayerName::parse("  Aunt Mary ").unwrap();
        assert_eq!(n.as_str(), "Aunt Mary");
        assert_eq!(n.key(), PlayerName::parse("AUNT   mary").unwrap().key());
    }

    #[test]
    fn names_compare_ignoring_accents() {
        assert_eq!(
            PlayerName::parse("José").unwrap().key(),
            PlayerName::parse("JOSE").unwrap().key()
        );
        assert_eq!(
            PlayerName::parse("\u{FF28}onest").unwrap().key(),
            PlayerName::parse("Honest").unwrap().key()
        );
    }

    #[test]
    fn rude_names_are_caught_but_classmates_names_are_not() {
        for rude in [
            "shithead", "b1tch", "f u c k", "Fuck You", "cuntface", "$hit", "big ass", "N4zi",
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
        ] {
            assert!(!PlayerName::parse(fine).unwrap().is_rude(), "{fine}");
        }
    }

    #[test]
    fn empty_long_and_control_names_are_refused() {
        assert!(PlayerName::parse("   ").is_err());
        assert!(PlayerName::parse(&"x".repeat(25)).is_err());
        assert!(PlayerName::parse(&"é".repeat(24)).is_ok());
        assert!(PlayerName::parse("bad\u{7}bell").is_err());
        assert!(PlayerName::parse("a\u{200B}b").is_err());
        assert!(PlayerName::parse("\u{202E}evil").is_err());
    }
}
