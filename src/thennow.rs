//! Then & now (issue 21): each guest's photo of today. Made web-sized and
//! upright, re-encoded (no EXIF, no location), kept in the database with
//! the room on a connection of its own (one statement each: a cut-off
//! upload stores nothing), served under random per-photo names.

use std::path::Path;

use parking_lot::Mutex;
use rusqlite::{Connection, OptionalExtension, params};

use crate::i18n::Lang;
use crate::roster::photos;
use crate::uploads::check::{self, Problem};
use fluent_bundle::FluentValue;

/// The largest photo a phone may send: a 12 MB phone photo passes.
pub const MAX_TODAY_BYTES: usize = 15 * 1024 * 1024;

/// Why a guest's photo was refused: a status and a sentence for a guest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub code: &'static str,
    pub message: String,
}

/// Phone-sized and projector-sized JPEGs of a guest's photo: upright as
/// its EXIF says, a centred 4:5 crop, every metadata (and location) gone.
pub fn prepare(bytes: &[u8], lang: Lang) -> Result<(Vec<u8>, Vec<u8>), Refused> {
    let refused = |p: Problem| Refused {
        code: p.code(),
        message: guest_sentence(&p, lang),
    };
    if bytes.len() > MAX_TODAY_BYTES {
        return Err(refused(Problem::TooLarge {
            bytes: bytes.len() as u64,
        }));
    }
    check::check_single_photo(bytes).map_err(refused)?;
    let img = photos::decode(bytes).map_err(|_| refused(Problem::Unreadable))?;
    let (thumb, photo) = photos::variants(img, false).map_err(|_| refused(Problem::Unreadable))?;
    Ok((thumb.bytes.to_vec(), photo.bytes.to_vec()))
}

/// What a guest reads on their phone (the organiser's words speak of
/// scans and dropping files).
fn guest_sentence(p: &Problem, lang: Lang) -> String {
    match p {
        // Whole megabytes, rounded up: no decimal separator to get wrong.
        Problem::TooLarge { bytes } => lang.with(
            "today-too-large",
            &[
                ("size", FluentValue::from(bytes.div_ceil(1_048_576))),
                ("max", FluentValue::from((MAX_TODAY_BYTES >> 20) as u64)),
            ],
        ),
        Problem::Heic => lang.get("today-heic"),
        Problem::TooManyPixels { .. } => lang.get("today-too-many-pixels"),
        Problem::Unreadable => lang.get("today-unreadable"),
        Problem::OtherFormat(kind) => lang.with(
            "today-other-format",
            &[("kind", FluentValue::from(kind.as_str()))],
        ),
        _ => lang.get("today-not-photo"),
    }
}

/// How long a photo of today is kept at most, from when it was sent,
/// unless its event (or `--today-keep-days`) says otherwise.
pub const TODAY_KEEP_DAYS: u32 = 30;

/// The days an organiser may choose: at least one, at most a year.
pub const KEEP_DAYS_RANGE: std::ops::RangeInclusive<u32> = 1..=365;

/// Then & now as one event has it: on or off, and how long its guests'
/// photos of today are kept. Event 0's come from `--then-now` and
/// `--today-keep-days`, the others' from their settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventSettings {
    pub on: bool,
    pub keep_days: u32,
}

impl Default for EventSettings {
    fn default() -> Self {
        Self {
            on: true,
            keep_days: TODAY_KEEP_DAYS,
        }
    }
}

/// The refusal when then & now is off in a room (`then_now_off`): a
/// status-free code and a sentence for a guest or a host.
pub const OFF_CODE: &str = "then_now_off";
pub const OFF_MESSAGE: &str =
    "Then & now is switched off for this event: there is nothing to add here.";

/// How often the retention sweep runs (by the server's clock, so a test's
/// skip runs it at the moment it skipped to).
const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(60 * 60);

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// Retention: at start and then hourly, each event's photos of today
/// older than its days (`keep_days_of(event)`) are deleted for good.
pub async fn run_sweeper(
    today: &TodayPhotos,
    clock: &crate::clock::Clock,
    keep_days_of: impl Fn(u32) -> u32,
) {
    loop {
        let now = i64::try_from(clock.now()).unwrap_or(i64::MAX);
        match today.sweep(now, &keep_days_of) {
            Ok(0) => {}
            Ok(n) => tracing::info!(photos = n, "photos of today past retention deleted"),
            Err(e) => tracing::warn!("photos of today past retention: {e:#}"),
        }
        crate::clock::sleep(SWEEP_EVERY).await;
    }
}

/// A room's photo of one guest, as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TodayRow {
    pub player: u32,
    /// The random name its URLs carry (32 hex digits).
    pub file: String,
    pub hidden: bool,
}

/// Which size a URL asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TodaySize {
    Thumb,
    Photo,
}

/// The paths of one stored photo, base path included.
pub fn urls(base: &str, file: &str) -> (String, String) {
    (
        format!("{base}/today/{file}-photo.jpg"),
        format!("{base}/today/{file}-thumb.jpg"),
    )
}

/// `{file}-thumb.jpg` or `{file}-photo.jpg`, `file` being 32 hex digits.
pub fn parse_name(name: &str) -> Option<(&str, TodaySize)> {
    let stem = name.strip_suffix(".jpg")?;
    let (file, size) = stem.rsplit_once('-')?;
    let size = match size {
        "thumb" => TodaySize::Thumb,
        "photo" => TodaySize::Photo,
        _ => return None,
    };
    (file.len() == 32 && file.bytes().all(|b| b.is_ascii_hexdigit())).then_some((file, size))
}

/// The guests' photos of today, on a connection of its own.
pub struct TodayPhotos {
    conn: Mutex<Connection>,
}

impl std::fmt::Debug for TodayPhotos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TodayPhotos")
    }
}

impl TodayPhotos {
    /// On the database the game store has already migrated.
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        let conn = crate::store::open_connection(path)?;
        // A deleted photo is zeroed on disk, so no later backup or copy of
        // the file holds it.
        conn.pragma_update(None, "secure_delete", true)?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    /// Retention at `now` (ms since the epoch, as `at`): deletes each
    /// event's photos sent more than `keep_days_of(event)` days before;
    /// how many.
    pub fn sweep(&self, now: i64, keep_days_of: impl Fn(u32) -> u32) -> anyhow::Result<usize> {
        let conn = self.conn.lock();
        let events: Vec<u32> = conn
            .prepare("SELECT DISTINCT reunion FROM today_photos")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut deleted = 0;
        for event in events {
            let days = i64::from(keep_days_of(event));
            deleted += conn.execute(
                "DELETE FROM today_photos WHERE reunion = ?1 AND at < ?2",
                params![event, now.saturating_sub(days.saturating_mul(DAY_MS))],
            )?;
        }
        Ok(deleted)
    }

    /// Keeps `player`'s photo in `room`, replacing theirs; a new random
    /// name each time, so a phone's cache never shows the old one.
    pub fn put(
        &self,
        (room, player, reunion): (&str, u32, u32),
        thumb: &[u8],
        photo: &[u8],
        now: i64,
    ) -> anyhow::Result<String> {
        let file = crate::room::code::secret(&mut rand::rng());
        self.conn.lock().execute(
            "INSERT OR REPLACE INTO today_photos
               (room, player, reunion, file, thumb, photo, hidden, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7)",
            params![room, player, reunion, file, thumb, photo, now],
        )?;
        Ok(file)
    }

    /// The guest deletes theirs; whether there was one.
    pub fn delete(&self, room: &str, player: u32) -> anyhow::Result<bool> {
        let n = self.conn.lock().execute(
            "DELETE FROM today_photos WHERE room = ?1 AND player = ?2",
            params![room, player],
        )?;
        Ok(n > 0)
    }

    /// The host hides one (a prank, a wrong person): gone from every URL
    /// at once; whether there was one.
    pub fn hide(&self, room: &str, player: u32) -> anyhow::Result<bool> {
        let n = self.conn.lock().execute(
            "UPDATE today_photos SET hidden = 1 WHERE room = ?1 AND player = ?2",
            params![room, player],
        )?;
        Ok(n > 0)
    }

    /// The room's photos, in the order the guests joined.
    pub fn of_room(&self, room: &str) -> anyhow::Result<Vec<TodayRow>> {
        let conn = self.conn.lock();
        let mut stmt = conn.prepare(
            "SELECT player, file, hidden FROM today_photos WHERE room = ?1 ORDER BY player",
        )?;
        let rows = stmt
            .query_map(params![room], |r| {
                Ok(TodayRow {
                    player: r.get(0)?,
                    file: r.get(1)?,
                    hidden: r.get(2)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// One guest's photo in `room`, hidden or not.
    pub fn of_player(&self, room: &str, player: u32) -> anyhow::Result<Option<TodayRow>> {
        let row = self
            .conn
            .lock()
            .query_row(
                "SELECT player, file, hidden FROM today_photos WHERE room = ?1 AND player = ?2",
                params![room, player],
                |r| {
                    Ok(TodayRow {
                        player: r.get(0)?,
                        file: r.get(1)?,
                        hidden: r.get(2)?,
                    })
                },
            )
            .optional()?;
        Ok(row)
    }

    /// The organiser ends event `reunion`: every photo of today sent in
    /// its rooms is deleted for good; how many.
    pub fn delete_of_reunion(&self, reunion: u32) -> anyhow::Result<usize> {
        Ok(self.conn.lock().execute(
            "DELETE FROM today_photos WHERE reunion = ?1",
            params![reunion],
        )?)
    }

    /// The room a photo of today was sent in and the guest who sent it.
    pub fn owner_of(&self, file: &str) -> anyhow::Result<Option<(String, u32)>> {
        Ok(self
            .conn
            .lock()
            .query_row(
                "SELECT room, player FROM today_photos WHERE file = ?1",
                params![file],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// The room a photo of today was sent in (for its event's door).
    pub fn room_of(&self, file: &str) -> anyhow::Result<Option<String>> {
        Ok(self
            .conn
            .lock()
            .query_row(
                "SELECT room FROM today_photos WHERE file = ?1",
                params![file],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The bytes behind a URL, unless hidden or deleted.
    pub fn bytes(&self, file: &str, size: TodaySize) -> anyhow::Result<Option<Vec<u8>>> {
        let sql = match size {
            TodaySize::Thumb => "SELECT thumb FROM today_photos WHERE file = ?1 AND hidden = 0",
            TodaySize::Photo => "SELECT photo FROM today_photos WHERE file = ?1 AND hidden = 0",
        };
        Ok(self
            .conn
            .lock()
            .query_row(sql, params![file], |r| r.get(0))
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heic_text_and_oversized_files_are_refused_in_a_sentence() {
        let mut heic = vec![0, 0, 0, 24];
        heic.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
        let e = prepare(&heic, Lang::EN).unwrap_err();
        assert_eq!(e.code, "heic");
        assert!(e.message.contains("HEIC"), "{}", e.message);
        let e = prepare(b"hello, this is not a photo", Lang::EN).unwrap_err();
        assert_eq!(e.code, "not_image");
        assert!(e.message.starts_with("That file is not a photo."));
        let e = prepare(&vec![0u8; MAX_TODAY_BYTES + 1], Lang::EN).unwrap_err();
        assert_eq!(e.code, "too_large");
        assert!(e.message.contains("15 MB"), "{}", e.message);
        // issue 22: in the guest's language, the same code.
        let de = Lang::parse("de").expect("German");
        let e = prepare(&heic, de).unwrap_err();
        assert_eq!(e.code, "heic");
        assert!(
            e.message.contains("HEIC-Format des iPhones"),
            "{}",
            e.message
        );
        let e = prepare(&vec![0u8; MAX_TODAY_BYTES + 1], de).unwrap_err();
        assert!(
            e.message.starts_with("Dieses Foto hat 16 MB;"),
            "{}",
            e.message
        );
    }

    #[test]
    fn names_are_32_hex_digits_and_a_size() {
        let f = "0123456789abcdef0123456789abcdef";
        assert_eq!(
            parse_name(&format!("{f}-thumb.jpg")),
            Some((f, TodaySize::Thumb))
        );
        assert_eq!(
            parse_name(&format!("{f}-photo.jpg")),
            Some((f, TodaySize::Photo))
        );
        assert_eq!(parse_name(&format!("{f}-big.jpg")), None);
        assert_eq!(parse_name("../x-thumb.jpg"), None);
        assert_eq!(urls("/b", f).1, format!("/b/today/{f}-thumb.jpg"));
    }
}
