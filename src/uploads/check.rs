//! What a finished upload holds, decided from its bytes alone (pure: no
//! files, no clock): photos to hand on, or refusals in words an organiser
//! understands. A `.zip` is opened in memory and each entry checked alike.

use std::io::{Cursor, Read};

use fluent_bundle::FluentValue;
use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

use crate::roster::csv::name_key;
use crate::roster::import::{self, clean_name};
use crate::roster::photos::{self, DecodeError};

/// The largest file accepted, a zip included (25 MiB: a 600 dpi scan of a
/// yearbook page as PNG is about 15 MB).
pub const MAX_FILE_BYTES: u64 = 25 * 1024 * 1024;
/// A zip may hold at most this many entries ...
pub const MAX_ZIP_ENTRIES: usize = 1000;
/// ... unpacking to at most this much in all: four times the largest zip,
/// since scans hardly compress. A zip bomb stops here.
pub const MAX_ZIP_TOTAL_BYTES: u64 = 4 * MAX_FILE_BYTES;

/// A photo that passed every check, ready for the roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// The file it came from as shown (inside a zip: `x.zip: entry`).
    pub file: String,
    /// The entry's path inside a zip.
    pub entry: Option<String>,
    /// The person's name, from the file name.
    pub name: String,
    /// `1983` from `Ann Lee (1983).jpg` or a `1983/` folder; empty: none.
    pub label: String,
    pub bytes: Vec<u8>,
}

/// A file refused, and why: `code` for programs, `message` for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub file: String,
    pub code: String,
    /// In English; [`Refusal::message_in`] says it in another language.
    pub message: String,
    /// Its key and variables (none in records older than the catalogue).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
}

impl Refusal {
    /// Its message in `lang`: the English one when it has no reason.
    pub fn message_in(&self, lang: Lang) -> String {
        match &self.reason {
            Some(reason) => reason.render(lang),
            None => self.message.clone(),
        }
    }
}

/// A sentence kept as its catalogue key and variables, so that an upload's
/// refusals and questions are said in whichever language reads them later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub key: String,
    pub args: Vec<(String, ReasonArg)>,
}

/// A reason's variable: a number (it picks the plural), text, or a
/// number with one decimal (`{"tenths": 256}` is 25.6), each written in
/// the reader's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ReasonArg {
    Number(i64),
    Text(String),
    Tenths { tenths: i64 },
}

impl Reason {
    pub fn new(key: &str, args: Vec<(&str, ReasonArg)>) -> Reason {
        Reason {
            key: key.to_string(),
            args: args.into_iter().map(|(n, v)| (n.to_string(), v)).collect(),
        }
    }

    /// The sentence in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        let args: Vec<(&str, FluentValue<'_>)> = self
            .args
            .iter()
            .map(|(name, v)| {
                let value = match v {
                    ReasonArg::Number(n) => FluentValue::from(*n),
                    ReasonArg::Text(s) => FluentValue::from(s.as_str()),
                    ReasonArg::Tenths { tenths } => crate::i18n::tenths(*tenths),
                };
                (name.as_str(), value)
            })
            .collect();
        lang.with(&self.key, &args)
    }
}

/// What one upload gave.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Checked {
    pub accepted: Vec<Accepted>,
    pub refused: Vec<Refusal>,
}

/// The kinds of refusal; each is a code and a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    TooLarge {
        bytes: u64,
    },
    Heic,
    Pdf,
    OtherFormat(String),
    NotImage,
    TooManyPixels {
        width: u32,
        height: u32,
    },
    Unreadable,
    NoName,
    Duplicate {
        other: String,
    },
    Unlabelled {
        name: String,
    },
    /// The same photo (its bytes) of someone already in the event.
    AlreadyThere {
        name: String,
    },
    /// The organiser chose to keep the person's photos as they were.
    Skipped {
        name: String,
    },
    ZipTooBig,
    ZipUnreadable,
}

impl Problem {
    pub fn code(&self) -> &'static str {
        match self {
            Self::TooLarge { .. } => "too_large",
            Self::Heic => "heic",
            Self::Pdf => "pdf",
            Self::OtherFormat(_) => "other_format",
            Self::NotImage => "not_image",
            Self::TooManyPixels { .. } => "too_many_pixels",
            Self::Unreadable => "unreadable",
            Self::NoName => "no_name",
            Self::Duplicate { .. } => "duplicate",
            Self::Unlabelled { .. } => "unlabelled",
            Self::AlreadyThere { .. } => "already_there",
            Self::Skipped { .. } => "skipped",
            Self::ZipTooBig => "zip_too_big",
            Self::ZipUnreadable => "zip_unreadable",
        }
    }

    /// The reason as its catalogue key (locales/*/uploads.ftl) and
    /// variables, said in each reader's language when shown.
    pub fn reason(&self) -> Reason {
        let (key, args) = self.key_and_args();
        Reason::new(key, args)
    }

    /// A refusal of a whole request for it: 413 for a file too large,
    /// else 422; its `message` said in the client's language by the
    /// `in_their_language` layer.
    pub fn refused(&self) -> crate::http::AppError {
        use crate::http::Arg;
        use axum::http::StatusCode;
        let status = match self {
            Self::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        let (key, args) = self.key_and_args();
        let mut error = crate::http::AppError::keyed(status, self.code(), key);
        for (name, value) in args {
            error = match value {
                ReasonArg::Number(n) => error.with(name, n),
                ReasonArg::Text(s) => error.with(name, s),
                ReasonArg::Tenths { tenths } => error.with(name, Arg::Tenths(tenths)),
            };
        }
        error
    }

    /// Its catalogue key and variables; every variant's are checked
    /// against every catalogue by the tests below.
    fn key_and_args(&self) -> (&'static str, Vec<(&'static str, ReasonArg)>) {
        let text = |s: &str| ReasonArg::Text(s.to_string());
        let number = |n: u64| ReasonArg::Number(i64::try_from(n).unwrap_or(i64::MAX));
        match self {
            Self::TooLarge { bytes } => (
                "upload-too-large",
                vec![
                    // One decimal, kept as tenths of a MiB: "25,0" in German.
                    (
                        "mb",
                        ReasonArg::Tenths {
                            tenths: (*bytes as f64 / 104_857.6).round() as i64,
                        },
                    ),
                    ("max", number(MAX_FILE_BYTES >> 20)),
                ],
            ),
            Self::Heic => ("upload-heic", vec![]),
            Self::Pdf => ("upload-pdf", vec![]),
            Self::OtherFormat(kind) => ("upload-other-format", vec![("kind", text(kind))]),
            Self::NotImage => ("upload-not-image", vec![]),
            Self::TooManyPixels { width, height } => (
                "upload-too-many-pixels",
                vec![
                    // A size in pixels reads as one word (8000×8000), not
                    // as quantities grouped in thousands.
                    ("width", text(&width.to_string())),
                    ("height", text(&height.to_string())),
                    ("side", text(&photos::MAX_SIDE.to_string())),
                    ("mp", number(photos::MAX_PIXELS / 1_000_000)),
                ],
            ),
            Self::Unreadable => ("upload-unreadable", vec![]),
            Self::NoName => ("upload-no-name", vec![]),
            Self::Duplicate { other } => ("upload-duplicate", vec![("other", text(other))]),
            Self::Unlabelled { name } => ("upload-unlabelled", vec![("name", text(name))]),
            Self::AlreadyThere { name } => ("upload-already-there", vec![("name", text(name))]),
            Self::Skipped { name } => ("upload-skipped", vec![("name", text(name))]),
            Self::ZipTooBig => (
                "upload-zip-too-big",
                vec![
                    ("entries", number(MAX_ZIP_ENTRIES as u64)),
                    ("mb", number(MAX_ZIP_TOTAL_BYTES >> 20)),
                ],
            ),
            Self::ZipUnreadable => ("upload-zip-unreadable", vec![]),
        }
    }

    /// The reason in English.
    pub fn message(&self) -> String {
        self.reason().render(Lang::EN)
    }

    pub fn refusal(&self, file: &str) -> Refusal {
        Refusal {
            file: file.to_string(),
            code: self.code().to_string(),
            message: self.message(),
            reason: Some(self.reason()),
        }
    }
}

/// The last component of a name a browser or zip gave (either slash): a
/// path in it never reaches the disk or the roster.
pub fn file_name(raw: &str) -> String {
    raw.rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .to_string()
}

/// The extension, lower case, when the name has a short one.
fn extension(file: &str) -> Option<String> {
    let (_, ext) = file.rsplit_once('.')?;
    (!ext.is_empty() && ext.len() <= 5 && ext.chars().all(|c| c.is_ascii_alphanumeric()))
        .then(|| ext.to_ascii_lowercase())
}

/// `Ann Lee (1983).jpg` → (`Ann Lee`, `1983`): a last bracket starting
/// with a digit is a label, read by `yearbook import`'s own
/// [`import::name_and_label`] (`Robert (Bob) Smith` stays a name).
/// Without one the label is `folder` (the `1983/` folder the file came
/// in), else empty.
pub fn name_and_label(file: &str, folder: &str) -> (String, String) {
    let stem = match extension(file) {
        Some(ext) => &file[..file.len() - ext.len() - 1],
        None => file,
    };
    let (name, label) = import::name_and_label(stem);
    (name, label.unwrap_or_else(|| clean_name(folder)))
}

/// Refused before a byte is sent, from what the browser says of the file.
pub fn refuse_announced(file: &str, size: u64) -> Option<Problem> {
    if size > MAX_FILE_BYTES {
        return Some(Problem::TooLarge { bytes: size });
    }
    match extension(file).as_deref() {
        Some("heic" | "heif") => Some(Problem::Heic),
        Some("pdf") => Some(Problem::Pdf),
        _ => None,
    }
}

enum Kind {
    Image,
    Zip,
}

/// What the bytes are, whatever the name says.
fn sniff(bytes: &[u8]) -> Result<Kind, Problem> {
    // ISO media (HEIC, AVIF, MP4): `....ftyp` then the major brand.
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        return Err(match &bytes[8..12] {
            b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"hevx" | b"mif1" | b"msf1" => {
                Problem::Heic
            }
            b"avif" | b"avis" => Problem::OtherFormat("AVIF".into()),
            _ => Problem::NotImage,
        });
    }
    let head = &bytes[..bytes.len().min(1024)];
    if head.windows(5).any(|w| w == b"%PDF-") {
        return Err(Problem::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Ok(Kind::Zip);
    }
    match image::guess_format(bytes) {
        Ok(image::ImageFormat::Png | image::ImageFormat::Jpeg) => Ok(Kind::Image),
        Ok(other) => Err(Problem::OtherFormat(
            other
                .extensions_str()
                .first()
                .map_or("different", |e| e)
                .to_uppercase(),
        )),
        Err(_) => Err(Problem::NotImage),
    }
}

/// What a scanned class page is, from its first bytes (a KiB is
/// plenty): `Ok(true)` for a PDF, `Ok(false)` for an image the pages take
/// (PNG, JPEG, TIFF), else the photo upload's refusal.
pub fn sniff_page(head: &[u8]) -> Result<bool, Problem> {
    match sniff(head) {
        Err(Problem::Pdf) => Ok(true),
        Ok(Kind::Image) => Ok(false),
        Err(Problem::OtherFormat(_))
            if image::guess_format(head).is_ok_and(|f| f == image::ImageFormat::Tiff) =>
        {
            Ok(false)
        }
        Ok(Kind::Zip) => Err(Problem::NotImage),
        Err(problem) => Err(problem),
    }
}

/// The refusal of a page whose pixels were read from its header.
pub fn decode_problem(e: DecodeError) -> Problem {
    match e {
        DecodeError::TooLarge { width, height } => Problem::TooManyPixels { width, height },
        DecodeError::Unreadable(_) => Problem::Unreadable,
    }
}

/// A PNG or JPEG the roster can use: dimensions read from the header
/// first (a tiny file may claim 50000×50000), then decoded in full.
fn check_image(bytes: &[u8]) -> Result<(), Problem> {
    photos::decode(bytes).map(|_| ()).map_err(decode_problem)
}

/// One photo sent on its own (the editor's "replace"): the same checks
/// and words as a dropped file, a zip being no photo here.
pub fn check_single_photo(bytes: &[u8]) -> Result<(), Problem> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Problem::TooLarge {
            bytes: bytes.len() as u64,
        });
    }
    match sniff(bytes)? {
        Kind::Zip => Err(Problem::NotImage),
        Kind::Image => check_image(bytes),
    }
}

/// One finished upload: `raw_name` as the browser sent it, `label` the
/// folder it was in (may be empty).
pub fn check_upload(raw_name: &str, label: &str, bytes: &[u8]) -> Checked {
    let file = file_name(raw_name);
    let mut out = Checked::default();
    if bytes.len() as u64 > MAX_FILE_BYTES {
        out.refused.push(
            Problem::TooLarge {
                bytes: bytes.len() as u64,
            }
            .refusal(&file),
        );
        return out;
    }
    match sniff(bytes) {
        Ok(Kind::Zip) => check_zip(&file, bytes, &mut out),
        Ok(Kind::Image) => check_photo(&file, &file, None, label, bytes.to_vec(), &mut out),
        Err(problem) => out.refused.push(problem.refusal(&file)),
    }
    dedupe(&mut out);
    out
}

/// `shown` names the file in refusals; `path` is where the name is read;
/// `entry` is set inside a zip.
fn check_photo(
    shown: &str,
    path: &str,
    entry: Option<&str>,
    folder: &str,
    bytes: Vec<u8>,
    out: &mut Checked,
) {
    let (name, label) = name_and_label(&file_name(path), folder);
    if name.is_empty() {
        out.refused.push(Problem::NoName.refusal(shown));
        return;
    }
    match check_image(&bytes) {
        Ok(()) => out.accepted.push(Accepted {
            file: shown.to_string(),
            entry: entry.map(str::to_string),
            name,
            label,
            bytes,
        }),
        Err(problem) => out.refused.push(problem.refusal(shown)),
    }
}

/// Entries a computer adds that are nobody's photo: macOS resource forks,
/// Finder and Explorer files, hidden files.
fn is_clutter(path: &str) -> bool {
    path.split('/')
        .any(|part| part == "__MACOSX" || part.starts_with('.'))
        || file_name(path).eq_ignore_ascii_case("thumbs.db")
        || file_name(path).eq_ignore_ascii_case("desktop.ini")
}

/// Each entry of a zip through the same checks. The folder an entry is in
/// is its label (`1983/Ann Lee.jpg`), after the one folder that holds
/// everything (what "Compress folder" makes) is set aside.
fn check_zip(file: &str, bytes: &[u8], out: &mut Checked) {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        out.refused.push(Problem::ZipUnreadable.refusal(file));
        return;
    };
    if zip.len() > MAX_ZIP_ENTRIES {
        out.refused.push(Problem::ZipTooBig.refusal(file));
        return;
    }
    // By index, so `paths[i]` is entry `i`; a name that cannot be read is
    // empty and its entry refused below.
    let paths: Vec<String> = (0..zip.len())
        .map(|i| {
            zip.name_for_index(i)
                .and_then(Result::ok)
                .map_or_else(String::new, |n| n.replace('\\', "/"))
        })
        .collect();
    let files: Vec<&String> = paths
        .iter()
        .filter(|p| !p.is_empty() && !p.ends_with('/') && !is_clutter(p))
        .collect();
    let top = common_top_folder(&files);
    let mut unpacked: u64 = 0;
    for (index, path) in paths.iter().enumerate() {
        if path.ends_with('/') || is_clutter(path) {
            continue;
        }
        let shown = format!("{file}: {path}");
        if path.is_empty() {
            out.refused.push(Problem::ZipUnreadable.refusal(&shown));
            continue;
        }
        let inner = path.strip_prefix(top.as_str()).unwrap_or(path);
        let folder = inner
            .rsplit_once('/')
            .map_or("", |(dir, _)| dir.rsplit('/').next().unwrap_or(""));
        let Ok(entry) = zip.by_index(index) else {
            out.refused.push(Problem::ZipUnreadable.refusal(&shown));
            continue;
        };
        // The header's sizes are the zip's word; the bytes read are counted.
        let room = MAX_ZIP_TOTAL_BYTES.saturating_sub(unpacked);
        let mut data = Vec::new();
        let read = entry
            .take(room.min(MAX_FILE_BYTES) + 1)
            .read_to_end(&mut data);
        if read.is_err() {
            out.refused.push(Problem::ZipUnreadable.refusal(&shown));
            continue;
        }
        unpacked += data.len() as u64;
        if data.len() as u64 > MAX_FILE_BYTES {
            out.refused.push(
                Problem::TooLarge {
                    bytes: data.len() as u64,
                }
                .refusal(&shown),
            );
            continue;
        }
        if unpacked > MAX_ZIP_TOTAL_BYTES {
            out.refused.push(Problem::ZipTooBig.refusal(file));
            return;
        }
        match sniff(&data) {
            Ok(Kind::Image) => check_photo(&shown, path, Some(path), folder, data, out),
            // A zip in a zip is not opened: one level is what people make.
            Ok(Kind::Zip) => out.refused.push(Problem::NotImage.refusal(&shown)),
            Err(problem) => out.refused.push(problem.refusal(&shown)),
        }
    }
}

/// One entry of a zip already checked, by its path: the bytes of an
/// accepted photo when it is handed on.
pub fn zip_entry(zip: &[u8], path: &str) -> Result<Vec<u8>, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(zip)).map_err(|e| e.to_string())?;
    let index = (0..zip.len())
        .find(|&i| {
            zip.name_for_index(i)
                .and_then(Result::ok)
                .is_some_and(|n| n.replace('\\', "/") == path)
        })
        .ok_or_else(|| format!("no entry {path}"))?;
    let entry = zip.by_index(index).map_err(|e| e.to_string())?;
    let mut data = Vec::new();
    entry
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut data)
        .map_err(|e| e.to_string())?;
    Ok(data)
}

/// `scans/` when every file is under `scans/`, else empty.
fn common_top_folder(files: &[&String]) -> String {
    let first = match files.first().and_then(|p| p.split_once('/')) {
        Some((top, _)) => format!("{top}/"),
        None => return String::new(),
    };
    if files.iter().all(|p| p.starts_with(&first)) {
        first
    } else {
        String::new()
    }
}

/// Two photos of one name and label in one upload: the second is refused,
/// naming the first.
fn dedupe(out: &mut Checked) {
    let mut seen: Vec<(String, String, String)> = Vec::new();
    let mut kept = Vec::new();
    for photo in std::mem::take(&mut out.accepted) {
        let key = (name_key(&photo.name), name_key(&photo.label));
        match seen.iter().find(|(n, l, _)| (n, l) == (&key.0, &key.1)) {
            Some((_, _, other)) => out.refused.push(
                Problem::Duplicate {
                    other: other.clone(),
                }
                .refusal(&photo.file),
            ),
            None => {
                seen.push((key.0, key.1, photo.file.clone()));
                kept.push(photo);
            }
        }
    }
    out.accepted = kept;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = image::GrayImage::from_fn(width, height, |x, y| image::Luma([(x * 7 + y) as u8]));
        let mut out = Cursor::new(Vec::new());
        image::DynamicImage::ImageLuma8(img)
            .write_to(&mut out, image::ImageFormat::Png)
            .unwrap();
        out.into_inner()
    }

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, bytes) in entries {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn a_path_in_a_name_keeps_its_last_part() {
        assert_eq!(file_name("C:\\Users\\ann\\Ann Lee.jpg"), "Ann Lee.jpg");
        assert_eq!(file_name("../../etc/Ann Lee.jpg"), "Ann Lee.jpg");
        assert_eq!(file_name("scans/1983/Zoë.png"), "Zoë.png");
    }

    #[test]
    fn labels_come_from_brackets_or_the_folder() {
        let nl = |f: &str, d: &str| name_and_label(f, d);
        assert_eq!(
            nl("Ann Lee (1983).jpg", ""),
            ("Ann Lee".into(), "1983".into())
        );
        assert_eq!(nl("Ann Lee.jpg", "1986"), ("Ann Lee".into(), "1986".into()));
        assert_eq!(nl("J. R. Ewing.png", ""), ("J. R. Ewing".into(), "".into()));
        assert_eq!(nl("Anne O'Neil", ""), ("Anne O'Neil".into(), "".into()));
        assert_eq!(
            nl("Robert (Bob) Smith.jpg", "1986"),
            ("Robert (Bob) Smith".into(), "1986".into())
        );
    }

    #[test]
    fn heic_pdf_and_strangers_are_refused_by_their_bytes() {
        let mut heic = vec![0, 0, 0, 24];
        heic.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
        let codes = |name: &str, bytes: &[u8]| {
            check_upload(name, "", bytes)
                .refused
                .into_iter()
                .map(|r| r.code)
                .collect::<Vec<_>>()
        };
        assert_eq!(codes("IMG_0001.jpg", &heic), ["heic"]);
        assert_eq!(codes("scan.png", b"%PDF-1.7\n..."), ["pdf"]);
        assert_eq!(codes("notes.png", b"hello there"), ["not_image"]);
        let gif = b"GIF89a\x01\0\x01\0\0\0\0;";
        let refused = check_upload("Ann.gif", "", gif).refused;
        assert_eq!(refused[0].code, "other_format");
        assert!(refused[0].message.contains("GIF"), "{}", refused[0].message);
    }

    #[test]
    fn a_zip_is_checked_entry_by_entry_with_folders_as_labels() {
        let scan = png(40, 50);
        let zip = zip_of(&[
            ("class/1983/Ann Lee.png", &scan),
            ("class/1986/Ann Lee.png", &png(41, 50)),
            ("class/Bob Ray.png", &png(42, 50)),
            ("class/minutes.pdf", b"%PDF-1.4"),
            ("__MACOSX/class/._Bob Ray.png", b"junk"),
            ("class/.DS_Store", b"junk"),
        ]);
        let got = check_upload("class.zip", "", &zip);
        let people: Vec<(&str, &str)> = got
            .accepted
            .iter()
            .map(|a| (a.name.as_str(), a.label.as_str()))
            .collect();
        assert_eq!(
            people,
            [("Ann Lee", "1983"), ("Ann Lee", "1986"), ("Bob Ray", "")]
        );
        assert_eq!(got.refused.len(), 1, "{:?}", got.refused);
        assert_eq!(got.refused[0].code, "pdf");
        assert_eq!(got.refused[0].file, "class.zip: class/minutes.pdf");
        let second = got.accepted[1].entry.as_deref().unwrap();
        assert_eq!(zip_entry(&zip, second).unwrap(), png(41, 50));
    }

    #[test]
    fn a_zip_bomb_stops_at_the_bound() {
        // Each entry 20 MB of zeros: compresses to almost nothing.
        let zeros = vec![0u8; 20 * 1024 * 1024];
        let entries: Vec<(String, &[u8])> = (0..6)
            .map(|i| (format!("p{i}.png"), zeros.as_slice()))
            .collect();
        let entries: Vec<(&str, &[u8])> = entries.iter().map(|(n, b)| (n.as_str(), *b)).collect();
        let zip = zip_of(&entries);
        assert!(zip.len() < 1024 * 1024);
        let got = check_upload("bomb.zip", "", &zip);
        assert!(got.accepted.is_empty());
        assert_eq!(
            got.refused.last().map(|r| r.code.as_str()),
            Some("zip_too_big"),
            "{:?}",
            got.refused
        );
    }

    #[test]
    fn huge_dimensions_are_refused_from_the_header() {
        let mut bytes = png(1, 1);
        // IHDR's width and height, then its CRC, rewritten to 50000×50000.
        bytes[16..20].copy_from_slice(&50000u32.to_be_bytes());
        bytes[20..24].copy_from_slice(&50000u32.to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(&bytes[12..29]);
        let crc = crc.sum();
        bytes[29..33].copy_from_slice(&crc.to_be_bytes());
        let got = check_upload("Big.png", "", &bytes);
        assert_eq!(got.refused[0].code, "too_many_pixels");
        assert!(got.refused[0].message.contains("50000×50000"));
    }

    #[test]
    fn the_same_name_and_label_twice_is_refused_once() {
        let zip = zip_of(&[
            ("1983/Ann.png", &png(10, 10)),
            ("1986/Ann.png", &png(11, 10)),
            ("Ann (1983).png", &png(12, 10)),
        ]);
        let got = check_upload("x.zip", "", &zip);
        assert_eq!(got.accepted.len(), 2);
        assert_eq!(got.refused[0].code, "duplicate");
        assert!(got.refused[0].message.contains("x.zip: 1983/Ann.png"));
    }

    /// Every reason's key is in every catalogue with exactly the variables
    /// it passes, and the English is the sentence it always was.
    #[test]
    fn every_reason_has_its_key_and_variables_in_every_catalogue() {
        use std::collections::BTreeSet;
        let name = || "Ann".to_string();
        let problems = [
            Problem::TooLarge { bytes: 31_457_280 },
            Problem::Heic,
            Problem::Pdf,
            Problem::OtherFormat("GIF".into()),
            Problem::NotImage,
            Problem::TooManyPixels {
                width: 1,
                height: 2,
            },
            Problem::Unreadable,
            Problem::NoName,
            Problem::Duplicate { other: name() },
            Problem::Unlabelled { name: name() },
            Problem::AlreadyThere { name: name() },
            Problem::Skipped { name: name() },
            Problem::ZipTooBig,
            Problem::ZipUnreadable,
        ];
        let codes: BTreeSet<&str> = problems.iter().map(Problem::code).collect();
        assert_eq!(codes.len(), problems.len(), "one of each kind");
        for lang in Lang::all() {
            let keys = crate::i18n::CATALOGUE.variables(lang);
            for problem in &problems {
                let reason = problem.reason();
                let passed: BTreeSet<String> = reason.args.iter().map(|(n, _)| n.clone()).collect();
                assert_eq!(
                    keys.get(&reason.key),
                    Some(&passed),
                    "{}: {problem:?}",
                    lang.tag()
                );
            }
        }
        assert_eq!(
            problems[0].message(),
            "This file is 30.0 MB; the largest accepted is 25 MB. Scan at 300 dpi or save it \
             as JPEG, and drop it again."
        );
        assert_eq!(
            problems[12].message(),
            "This zip holds more than 1,000 files or unpacks to more than 100 MB: drop the \
             folder itself instead, or zip fewer photos at a time."
        );
    }

    /// A size kept with an upload (as JSON) says its decimal in the
    /// reader's language when read back.
    #[test]
    fn a_kept_size_says_its_decimal_in_each_language() {
        let kept =
            serde_json::to_string(&Problem::TooLarge { bytes: 26_843_546 }.reason()).unwrap();
        assert!(kept.contains(r#"["mb",{"tenths":256}]"#), "{kept}");
        let back: Reason = serde_json::from_str(&kept).unwrap();
        let de = Lang::parse("de").unwrap();
        let es = Lang::parse("es").unwrap();
        assert!(back.render(de).starts_with("Diese Datei hat 25,6 MB;"));
        assert!(back.render(es).starts_with("Este archivo ocupa 25,6 MB;"));
        assert!(back.render(Lang::EN).starts_with("This file is 25.6 MB;"));
    }

    #[test]
    fn announced_sizes_and_names_refuse_early() {
        assert_eq!(
            refuse_announced("big.jpg", MAX_FILE_BYTES + 1).map(|p| p.code()),
            Some("too_large")
        );
        assert_eq!(refuse_announced("big.jpg", MAX_FILE_BYTES), None);
        assert_eq!(
            refuse_announced("IMG.HEIC", 10).map(|p| p.code()),
            Some("heic")
        );
        assert_eq!(refuse_announced("a.pdf", 10).map(|p| p.code()), Some("pdf"));
    }
}
