//! Room codes and secrets.

use rand::{Rng, RngExt};

/// Letters that cannot be mistaken for digits or each other on a projector.
pub const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";

/// A room's code: 4 to 6 letters of [`ALPHABET`], in JSON a plain string.
/// Not `Deserialize`: a code from outside is checked (`parse_code`) first.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct RoomCode(String);

impl RoomCode {
    /// A code the store kept: it was checked when the room was made.
    pub fn stored(code: String) -> Self {
        Self(code)
    }
}

impl std::ops::Deref for RoomCode {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

/// Rooms are looked up by the `&str` a request carries.
impl std::borrow::Borrow<str> for RoomCode {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for RoomCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A random code of `len` letters from [`ALPHABET`].
pub fn random_code<R: Rng + ?Sized>(rng: &mut R, len: usize) -> RoomCode {
    RoomCode(
        (0..len)
            .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
            .collect(),
    )
}

/// Normalises what a person typed: `qxrt ` → `QXRT`; `None` if it cannot be
/// a code at all (so it is not even looked up).
pub fn parse_code(raw: &str) -> Option<RoomCode> {
    let code = raw.trim().to_ascii_uppercase();
    ((4..=6).contains(&code.len()) && code.bytes().all(|b| ALPHABET.contains(&b)))
        .then_some(RoomCode(code))
}

/// 128 random bits, hex: host keys and resume tokens.
pub fn secret<R: Rng + ?Sized>(rng: &mut R) -> String {
    let bytes: [u8; 16] = rng.random();
    hex::encode(bytes)
}

/// Constant-time comparison for secrets.
pub fn secrets_equal(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_use_only_unambiguous_letters() {
        let mut rng = rand::rng();
        for _ in 0..200 {
            let c = random_code(&mut rng, 4);
            assert_eq!(c.len(), 4);
            assert!(!c.contains('I') && !c.contains('O'), "{c}");
            assert_eq!(parse_code(&c.to_lowercase()), Some(c));
        }
        let code = parse_code("qxrt").unwrap();
        assert_eq!(serde_json::to_string(&code).unwrap(), r#""QXRT""#);
        assert_eq!(parse_code("AB1C"), None);
        assert_eq!(parse_code("ABIO"), None);
        assert_eq!(parse_code("ABCDEFG"), None);
    }

    #[test]
    fn secrets_are_128_bits_and_compare_exactly() {
        let mut rng = rand::rng();
        let a = secret(&mut rng);
        assert_eq!(a.len(), 32);
        assert!(secrets_equal(&a, &a.clone()));
        assert!(!secrets_equal(&a, &secret(&mut rng)));
        assert!(!secrets_equal(&a, &a[..31]));
    }
}
