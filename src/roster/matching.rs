//! Matching two spellings of one classmate: a name list's and a photo's file
//! name. Exact after folding is a match; anything less is only a suggestion
//! with a score, for a person to accept.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// A name as compared: no accents, no case, apostrophes dropped (`O’Brien`,
/// `O'Brien` and `OBrien` meet), hyphens and other punctuation as spaces,
/// runs of spaces as one. `José Núñez-Díaz` → `jose nunez diaz`.
pub fn fold(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.nfkd().filter(|c| !is_combining_mark(*c)) {
        match c {
            // Apostrophes and the marks typed for them.
            '\'' | '\u{2018}' | '\u{2019}' | '\u{02BC}' | '\u{02B9}' | '`' | '\u{00B4}'
            | '\u{2032}' => {}
            // Letters NFKD leaves whole.
            'ß' => out.push_str("ss"),
            'æ' | 'Æ' => out.push_str("ae"),
            'œ' | 'Œ' => out.push_str("oe"),
            'ø' | 'Ø' => out.push('o'),
            'ł' | 'Ł' => out.push('l'),
            'đ' | 'Đ' => out.push('d'),
            'ı' => out.push('i'),
            c if c.is_alphanumeric() => out.extend(c.to_lowercase()),
            _ => out.push(' '),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A name made ready for comparing many times: folded, and folded with its
/// words sorted (`Núñez, José` and `José Núñez` both give `jose nunez`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameKey {
    folded: String,
    sorted: String,
}

impl NameKey {
    pub fn new(name: &str) -> Self {
        let folded = fold(name);
        let mut words: Vec<&str> = folded.split(' ').collect();
        words.sort_unstable();
        let sorted = words.join(" ");
        Self { folded, sorted }
    }

    /// How alike two names are, 0.0 to 1.0: the better of Jaro-Winkler as
    /// written and with the words sorted (so `Last, First` and `First Last`
    /// are close). Names that fold alike score 1.0.
    pub fn similarity(&self, other: &NameKey) -> f64 {
        if self.folded == other.folded {
            return 1.0;
        }
        let as_written = strsim::jaro_winkler(&self.folded, &other.folded);
        let reordered = strsim::jaro_winkler(&self.sorted, &other.sorted);
        // A reordering alone is very close but never counts as equal.
        as_written.max(reordered.min(0.99))
    }
}

/// [`NameKey::similarity`] of two names.
pub fn similarity(a: &str, b: &str) -> f64 {
    NameKey::new(a).similarity(&NameKey::new(b))
}

/// Below this, two names are not worth suggesting to each other.
pub const SUGGEST_AT_LEAST: f64 = 0.82;

/// At most this many suggestions per name.
pub const MAX_SUGGESTIONS: usize = 3;

/// The candidates close to `name`, best first: `(index, score)`, at most
/// [`MAX_SUGGESTIONS`], none below [`SUGGEST_AT_LEAST`]. Ties keep the
/// candidates' order, so the answer is the same on every run.
pub fn closest<'a>(
    name: &NameKey,
    candidates: impl IntoIterator<Item = (usize, &'a NameKey)>,
) -> Vec<(usize, f64)> {
    best(
        candidates
            .into_iter()
            .map(|(i, other)| (i, name.similarity(other))),
    )
}

/// Of `(index, score)` pairs already scored, those [`closest`] keeps.
pub fn best(scored: impl IntoIterator<Item = (usize, f64)>) -> Vec<(usize, f64)> {
    let mut kept: Vec<(usize, f64)> = scored
        .into_iter()
        .filter(|(_, score)| *score >= SUGGEST_AT_LEAST)
        .collect();
    kept.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    kept.truncate(MAX_SUGGESTIONS);
    kept
}

/// Of two spellings that fold alike, the one that kept more: accents and
/// other non-ASCII letters first, then capitals (a file system or a
/// hand-typed list often loses them). `true` when `a` is at least as rich.
pub fn richer_or_equal(a: &str, b: &str) -> bool {
    let weight = |s: &str| {
        (
            s.chars().filter(|c| !c.is_ascii()).count(),
            s.chars().filter(|c| c.is_uppercase()).count(),
        )
    };
    weight(a) >= weight(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_drops_case_accents_apostrophes_and_hyphens() {
        assert_eq!(fold("José  Núñez-Díaz"), "jose nunez diaz");
        assert_eq!(fold("O'Brien"), fold("O\u{2019}Brien"));
        assert_eq!(fold("O'Brien"), fold("obrien"));
        assert_eq!(fold("Zoe\u{308} Quimby"), fold("ZOË QUIMBY"));
        assert_eq!(fold("Jean-Luc Ørsted"), fold("jean luc orsted"));
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("Smith, Robert Jr."), "smith robert jr");
    }

    #[test]
    fn a_swapped_order_is_close_but_not_equal() {
        let score = similarity("Núñez, José", "Jose Nunez");
        assert!((0.98..1.0).contains(&score), "{score}");
        assert_eq!(similarity("Jose Nunez", "José Núñez"), 1.0);
    }

    #[test]
    fn typos_are_close_and_strangers_are_not() {
        assert!(similarity("Kevin O'Neill", "Kevin O'Neil") > 0.95);
        assert!(similarity("Jon Smyth", "John Smith") >= SUGGEST_AT_LEAST);
        assert!(similarity("Ann Lee", "Bob Ray") < SUGGEST_AT_LEAST);
        assert!(similarity("Ann Lee", "Dora Fox") < SUGGEST_AT_LEAST);
    }

    #[test]
    fn closest_ranks_best_first_and_leaves_out_strangers() {
        let files = ["Kevin Oneal", "Bob Ray", "Kevin O'Neil", "Kevin O'Neill"].map(NameKey::new);
        let got = closest(&NameKey::new("Kevin O’Neill"), files.iter().enumerate());
        let order: Vec<usize> = got.iter().map(|(i, _)| *i).collect();
        assert_eq!(order, [3, 2, 0]);
        assert_eq!(got[0].1, 1.0);
    }

    #[test]
    fn the_richer_spelling_is_the_one_with_accents_then_capitals() {
        assert!(richer_or_equal("José Álvarez", "Jose Alvarez"));
        assert!(!richer_or_equal("jose alvarez", "Jose Alvarez"));
        assert!(richer_or_equal("Ann Lee", "Ann Lee"));
    }
}
