//! Photo URLs that mean something in one scope only: a room, or one solo
//! round. The same person's photo has another URL in every other scope, so
//! a phone cannot map faces to names in solo (or in one room) and reuse the
//! map elsewhere.
//!
//! A file name is `{scope}-{tag}-{size}.jpg`. The scope is `r` + 16 hex
//! digits for a room (derived from the server secret and the room, so a
//! room's URLs survive restarts and phones keep their cache) or `s` + 16
//! random hex digits for a solo round: the two never meet. The tag is the
//! person's index encrypted with AES-128 under a key derived from the
//! secret and the scope; reading a URL back is one decryption, and a tag
//! whose padding does not decrypt to zeros was not made here (nor one whose
//! revision is not the photo's, which the class checks).
//!
//! The 16 bytes under the cipher: 0..4 the reunion (u32 BE; 0 = the
//! server's built-in class), 4..8 the person's index (u32 BE), 8..10 which
//! of their photos (u16 BE; 0 = the first or only one), 10..14 the photo's
//! revision ([`revision`]: the start of its content hash, so a turned or
//! replaced photo gets a new URL and a URL always means the same bytes),
//! 14..16 zeros. The revision is under the cipher: it tells a guest nothing
//! the URL did not already say.

use aes::Aes128;
use aes::cipher::{Array, BlockCipherDecrypt, BlockCipherEncrypt, KeyInit};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The two sizes a photo is served at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// Phone tiles.
    Thumb,
    /// The projector.
    Photo,
}

impl Size {
    fn as_str(self) -> &'static str {
        match self {
            Self::Thumb => "thumb",
            Self::Photo => "photo",
        }
    }
}

/// What a photo URL names: whose photo, which of theirs, at which size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhotoRef {
    /// 0 = the server's built-in class (the demo or `--roster`).
    pub reunion: u32,
    pub person: usize,
    /// 0 = the person's first (or only) photo.
    pub photo: usize,
    /// The photo's content when the URL was made ([`revision`]).
    pub rev: u32,
    pub size: Size,
}

/// A photo's revision: the first 32 bits of its content hash (the hex of
/// [`crate::roster::photos::photo_id`]); 0 for an id that is not hex.
pub fn revision(photo_id: &str) -> u32 {
    photo_id
        .get(..8)
        .and_then(|h| u32::from_str_radix(h, 16).ok())
        .unwrap_or(0)
}

/// Hex digits after the scope's letter.
const SCOPE_HEX: usize = 16;
/// Hex digits of a tag (one AES block).
const TAG_HEX: usize = 32;

/// Mints and reads the photo URLs of one server (one secret, one roster).
#[derive(Clone)]
pub struct PhotoUrls {
    /// Base path, no trailing slash.
    base: String,
    secret: Vec<u8>,
    people: usize,
}

impl std::fmt::Debug for PhotoUrls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhotoUrls")
            .field("base", &self.base)
            .field("people", &self.people)
            .finish_non_exhaustive()
    }
}

/// One scope's key: URLs for its photos.
#[derive(Clone)]
pub struct PhotoScope {
    name: String,
    cipher: Aes128,
}

impl std::fmt::Debug for PhotoScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("PhotoScope").field(&self.name).finish()
    }
}

fn hmac(secret: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC takes keys of any length; the fallback is never reached.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret)
        .unwrap_or_else(|_| <Hmac<Sha256> as KeyInit>::new(&Default::default()));
    for part in parts {
        // Length-prefixed, so ("ab","c") and ("a","bc") differ.
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

impl PhotoUrls {
    /// `secret` is the server's, kept in the database; an empty one is
    /// replaced by a random one (then URLs change at each start).
    pub fn new(base: &str, secret: &[u8], people: usize) -> Self {
        let secret = if secret.is_empty() {
            rand::random::<[u8; 32]>().to_vec()
        } else {
            secret.to_vec()
        };
        Self {
            base: base.trim_end_matches('/').to_string(),
            secret,
            people,
        }
    }

    fn scope(&self, name: String) -> PhotoScope {
        let key = hmac(&self.secret, &[b"yearbook photo key", name.as_bytes()]);
        let mut key16 = [0u8; 16];
        key16.copy_from_slice(&key[..16]);
        PhotoScope {
            name,
            cipher: Aes128::new(&Array::from(key16)),
        }
    }

    /// A room's scope: the same for the same room after a restart, another
    /// for every other room (`identity` tells apart two rooms that had the
    /// same code at different times).
    pub fn room(&self, code: &str, identity: &str) -> PhotoScope {
        let digest = hmac(
            &self.secret,
            &[b"yearbook room scope", code.as_bytes(), identity.as_bytes()],
        );
        self.scope(format!("r{}", hex::encode(&digest[..SCOPE_HEX / 2])))
    }

    /// The base path every URL starts with (guests' photos of today share it).
    pub fn base(&self) -> &str {
        &self.base
    }

    /// A fresh scope for one solo round.
    pub fn solo(&self) -> PhotoScope {
        let random: [u8; SCOPE_HEX / 2] = rand::random();
        self.scope(format!("s{}", hex::encode(random)))
    }

    /// The path of photo `photo` (at revision `rev`) of a person of
    /// reunion `reunion` at `size` in `scope`, base path included.
    pub fn url_of(
        &self,
        scope: &PhotoScope,
        reunion: u32,
        person: usize,
        (photo, rev): (u16, u32),
        size: Size,
    ) -> String {
        let mut block = [0u8; 16];
        block[..4].copy_from_slice(&reunion.to_be_bytes());
        // An index past u32 is no person of any roster: it resolves to none.
        let person = u32::try_from(person).unwrap_or(u32::MAX);
        block[4..8].copy_from_slice(&person.to_be_bytes());
        block[8..10].copy_from_slice(&photo.to_be_bytes());
        block[10..14].copy_from_slice(&rev.to_be_bytes());
        let mut block = Array::from(block);
        scope.cipher.encrypt_block(&mut block);
        format!(
            "{}/photos/{}-{}-{}.jpg",
            self.base,
            scope.name,
            hex::encode(block),
            size.as_str()
        )
    }

    /// `(photo, thumb)` URLs of photo `photo` (at revision `rev`) of a
    /// person of reunion `reunion` in `scope`.
    pub fn photo_pair(
        &self,
        scope: &PhotoScope,
        reunion: u32,
        person: usize,
        photo: (u16, u32),
    ) -> (String, String) {
        (
            self.url_of(scope, reunion, person, photo, Size::Photo),
            self.url_of(scope, reunion, person, photo, Size::Thumb),
        )
    }

    /// Whose photo, which of theirs, at which size, a file name under
    /// `/photos/` is; `None` for anything this server did not mint. Whether
    /// the person has that photo, at that revision, is the roster's to say.
    pub fn resolve(&self, file: &str) -> Option<PhotoRef> {
        let stem = file.strip_suffix(".jpg")?;
        let (rest, size) = if let Some(rest) = stem.strip_suffix("-thumb") {
            (rest, Size::Thumb)
        } else {
            (stem.strip_suffix("-photo")?, Size::Photo)
        };
        let (scope, tag) = rest.split_once('-')?;
        let lower_hex = |s: &str| s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        let scope_ok = scope.len() == 1 + SCOPE_HEX
            && matches!(scope.as_bytes()[0], b'r' | b's')
            && lower_hex(&scope[1..]);
        if !scope_ok || tag.len() != TAG_HEX || !lower_hex(tag) {
            return None;
        }
        let mut block = [0u8; 16];
        hex::decode_to_slice(tag, &mut block).ok()?;
        let mut block = Array::from(block);
        self.scope(scope.to_string())
            .cipher
            .decrypt_block(&mut block);
        if block[14..].iter().any(|&b| b != 0) {
            return None;
        }
        let reunion = u32::from_be_bytes([block[0], block[1], block[2], block[3]]);
        let person = u32::from_be_bytes([block[4], block[5], block[6], block[7]]);
        let person = usize::try_from(person).ok()?;
        let photo = usize::from(u16::from_be_bytes([block[8], block[9]]));
        let rev = u32::from_be_bytes([block[10], block[11], block[12], block[13]]);
        // Only the built-in class's size is known here.
        if reunion == 0 && person >= self.people {
            return None;
        }
        Some(PhotoRef {
            reunion,
            person,
            photo,
            rev,
            size,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls() -> PhotoUrls {
        PhotoUrls::new("/base", b"0123456789abcdef0123456789abcdef", 48)
    }

    fn file(url: &str) -> &str {
        url.rsplit('/').next().unwrap()
    }

    /// `(photo, thumb)` of the built-in class's `person`, first photo.
    fn pair(u: &PhotoUrls, scope: &PhotoScope, person: usize) -> (String, String) {
        u.photo_pair(scope, 0, person, (0, 0))
    }

    #[test]
    fn a_url_reads_back_to_its_person_and_size() {
        let u = urls();
        for scope in [u.room("ABCD", "h1"), u.solo()] {
            for person in [0, 1, 47] {
                let (photo, thumb) = pair(&u, &scope, person);
                assert!(photo.starts_with("/base/photos/"), "{photo}");
                let at = |size| PhotoRef {
                    reunion: 0,
                    person,
                    photo: 0,
                    rev: 0,
                    size,
                };
                assert_eq!(u.resolve(file(&photo)), Some(at(Size::Photo)));
                assert_eq!(u.resolve(file(&thumb)), Some(at(Size::Thumb)));
            }
        }
    }

    #[test]
    fn a_reunions_url_names_its_reunion_and_differs_from_the_same_index_elsewhere() {
        let u = urls();
        let scope = u.room("ABCD", "h1");
        let (photo, _) = u.photo_pair(&scope, 7, 3, (0, 0));
        let got = u.resolve(file(&photo)).unwrap();
        assert_eq!((got.reunion, got.person, got.photo), (7, 3, 0));
        assert_ne!(photo, pair(&u, &scope, 3).0, "reunion 0's person 3 differs");
        // A reunion's people are counted by its own roster, not this one.
        let far = u.url_of(&scope, 7, 100, (2, 0), Size::Thumb);
        let got = u.resolve(file(&far)).unwrap();
        assert_eq!((got.reunion, got.person, got.photo), (7, 100, 2));
    }

    #[test]
    fn a_changed_photo_gets_another_url_that_reads_back_to_its_revision() {
        let u = urls();
        let scope = u.room("ABCD", "h1");
        let before = revision("0f1e2d3c4b5a6978");
        let after = revision("a0b1c2d3e4f50617");
        assert_eq!(before, 0x0f1e_2d3c);
        let old = u.url_of(&scope, 7, 3, (1, before), Size::Thumb);
        let new = u.url_of(&scope, 7, 3, (1, after), Size::Thumb);
        assert_ne!(old, new);
        let got = |url: &str| u.resolve(file(url)).map(|r| (r.person, r.photo, r.rev));
        assert_eq!(got(&old), Some((3, 1, before)));
        assert_eq!(got(&new), Some((3, 1, after)));
        // Not hex (or too short): revision 0, still a URL that reads back.
        assert_eq!((revision(""), revision("xyz12345")), (0, 0));
        // The revision is encrypted with the rest: the two tags share no
        // block-aligned part a guest could compare across photos.
        let tag = |url: &str| url.split('-').nth(1).unwrap().to_string();
        assert_ne!(tag(&old)[..20], tag(&new)[..20]);
    }

    #[test]
    fn scopes_share_nothing_and_a_room_keeps_its_urls() {
        let u = urls();
        let again = PhotoUrls::new("/base", b"0123456789abcdef0123456789abcdef", 48);
        let room = |u: &PhotoUrls, code, id| {
            let s = u.room(code, id);
            (0..48).map(|p| pair(u, &s, p).1).collect::<Vec<_>>()
        };
        let a = room(&u, "ABCD", "h1");
        assert_eq!(a, room(&again, "ABCD", "h1"), "same secret, same room");
        let b = room(&u, "ABCD", "h2");
        let c = room(&u, "WXYZ", "h1");
        let solo = u.solo();
        let s: Vec<String> = (0..48).map(|p| pair(&u, &solo, p).1).collect();
        let tag = |url: &String| url.split('-').nth(1).unwrap().to_string();
        let mut tags = std::collections::HashSet::new();
        for url in a.iter().chain(&b).chain(&c).chain(&s) {
            assert!(tags.insert(tag(url)), "a tag seen twice: {url}");
        }
        assert!(s[0].contains("/photos/s") && a[0].contains("/photos/r"));
    }

    #[test]
    fn two_photos_of_one_person_have_urls_of_their_own_that_read_back() {
        let u = urls();
        let scope = u.room("ABCD", "h1");
        let first = u.url_of(&scope, 0, 7, (0, 0), Size::Thumb);
        let second = u.url_of(&scope, 0, 7, (1, 0), Size::Thumb);
        assert_eq!(u.photo_pair(&scope, 0, 7, (1, 0)).1, second);
        assert_ne!(first, second);
        let got = |url: &str| u.resolve(file(url)).map(|r| (r.reunion, r.person, r.photo));
        assert_eq!(got(&first), Some((0, 7, 0)));
        assert_eq!(got(&second), Some((0, 7, 1)));
        let other = u.url_of(&scope, 3, 7, (1, 5), Size::Photo);
        assert_eq!(
            u.resolve(file(&other)),
            Some(PhotoRef {
                reunion: 3,
                person: 7,
                photo: 1,
                rev: 5,
                size: Size::Photo
            })
        );
    }

    #[test]
    fn made_up_names_are_refused() {
        let u = urls();
        let (_, thumb) = pair(&u, &u.room("ABCD", "h1"), 3);
        let name = file(&thumb);
        assert!(u.resolve(&name.replace("-thumb", "-huge")).is_none());
        // Another scope with the same tag: the tag decrypts to garbage.
        let other = format!("r{}{}", "0".repeat(16), &name[17..]);
        assert!(u.resolve(&other).is_none(), "{other}");
        let mut flipped = name.to_string();
        let last_hex = 17 + 32;
        let c = if &flipped[last_hex..=last_hex] == "0" {
            "1"
        } else {
            "0"
        };
        flipped.replace_range(last_hex..=last_hex, c);
        assert!(u.resolve(&flipped).is_none());
        for bad in [
            "",
            ".jpg",
            "x-thumb.jpg",
            "../roster.csv",
            "0000000000000000-thumb.jpg",
        ] {
            assert!(u.resolve(bad).is_none(), "{bad}");
        }
        // A person past the roster.
        let few = PhotoUrls::new("", b"0123456789abcdef0123456789abcdef", 4);
        let url = few.url_of(&few.solo(), 0, 9, (0, 0), Size::Thumb);
        assert!(few.resolve(file(&url)).is_none());
    }
}
