//! Resumable uploads of scans (a small tus): an upload is announced with its
//! name and size, its bytes arrive in chunks at stated offsets, and the
//! finished file is checked (`check`) and handed on to a reunion.
//!
//! Parts are staged on disk beside the database (`{db}.uploads/`), each
//! chunk fsync'd before it is acknowledged, so an upload resumes after a
//! dropped connection, a closed browser or a server restart. Functions here
//! block (files); the HTTP layer calls them through `spawn_blocking`.

pub mod check;

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parking_lot::Mutex;
use serde::{Deserialize, Serialize};

use crate::game::Millis;
pub use check::{MAX_FILE_BYTES, Refusal};

/// The largest chunk one request may carry.
pub const MAX_CHUNK_BYTES: usize = 1024 * 1024;
/// An upload untouched this long is abandoned: its part and its record go.
pub const ABANDONED_AFTER_MS: Millis = 24 * 60 * 60 * 1000;

/// One upload's record, kept as `{id}.json` beside its part `{id}.part`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Upload {
    pub id: String,
    pub reunion: u32,
    /// The file name, its path dropped.
    pub name: String,
    /// The folder it came from (a label such as `1983`); may be empty.
    #[serde(default)]
    pub label: String,
    pub size: u64,
    pub created_ms: Millis,
    pub updated_ms: Millis,
    /// Set once the last byte arrived and the file was checked.
    #[serde(default)]
    pub result: Option<Outcome>,
}

impl Upload {
    /// Whether photos of it are not in the event yet (handed on or
    /// decided by the organiser later): its part is kept for them.
    pub fn has_waiting(&self) -> bool {
        self.result
            .as_ref()
            .is_some_and(|r| r.accepted.iter().any(|p| p.person.is_none()))
    }

    /// Whether photos of it wait to be handed on (no question open):
    /// those are never swept, an unanswered question is (a skip).
    pub fn has_unhanded(&self) -> bool {
        self.result.as_ref().is_some_and(|r| {
            r.accepted
                .iter()
                .any(|p| p.person.is_none() && p.ask.is_none())
        })
    }
}

/// What became of a finished upload.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Outcome {
    pub accepted: Vec<Placed>,
    pub refused: Vec<Refusal>,
}

/// A photo that passed the checks: whose, with which label, from which
/// file; waiting in the part until it is handed on to the reunion.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Placed {
    pub file: String,
    /// Its path inside the zip, when the upload was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    pub name: String,
    pub label: String,
    /// The person it became in the reunion, once handed on.
    #[serde(default)]
    pub person: Option<u32>,
    /// The organiser's choice it waits for: it would take the place of a
    /// photo the person has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ask: Option<Ask>,
}

/// A question about a photo for someone already in the event: replace
/// their photo `replace` (labelled `replace_label`), or, for a photo
/// without a label, add it as another; skipping is the default.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Ask {
    pub person: u32,
    /// The index of the photo a "replace" replaces.
    pub replace: u32,
    pub replace_label: Option<String>,
    /// `replace`, `add` (only without a label), `skip`.
    pub choices: Vec<String>,
    /// What the organiser reads on the file's row, in English.
    pub message: String,
    /// Its key and variables, to say it in the organiser's language
    /// (none in records older than the catalogue).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<check::Reason>,
}

impl Ask {
    /// The question in `lang`: the English one when it has no reason.
    pub fn message_in(&self, lang: crate::i18n::Lang) -> String {
        match &self.reason {
            Some(reason) => reason.render(lang),
            None => self.message.clone(),
        }
    }
}

/// One person's photos waiting to be handed on, from one or more uploads
/// (`1983/Ann.jpg` and `1986/Ann.jpg` of one dropped folder).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    /// (upload id, photo), in the order they came.
    pub photos: Vec<(String, Placed)>,
}

/// Groups waiting photos by person (names compared as `yearbook import`
/// does), in the order people first appear. Refused here, as `yearbook
/// import` skips them: a second photo with the same label, and a photo
/// without a label of someone who has labelled ones.
pub fn by_person(waiting: Vec<(String, Placed)>) -> (Vec<Person>, Vec<(String, Placed, Refusal)>) {
    use crate::roster::csv::name_key;
    let mut people: Vec<Person> = Vec::new();
    let mut refused = Vec::new();
    for (id, photo) in waiting {
        let key = name_key(&photo.name);
        let at = match people.iter().position(|p| name_key(&p.name) == key) {
            Some(at) => at,
            None => {
                people.push(Person {
                    name: photo.name.clone(),
                    photos: Vec::new(),
                });
                people.len() - 1
            }
        };
        let person = &mut people[at];
        let label = name_key(&photo.label);
        if let Some((_, first)) = person
            .photos
            .iter()
            .find(|(_, p)| name_key(&p.label) == label)
        {
            let refusal = check::Problem::Duplicate {
                other: first.file.clone(),
            }
            .refusal(&photo.file);
            refused.push((id, photo, refusal));
            continue;
        }
        person.photos.push((id, photo));
    }
    for person in &mut people {
        let labelled = person.photos.iter().any(|(_, p)| !p.label.is_empty());
        if !labelled {
            continue;
        }
        let (keep, unlabelled): (Vec<_>, Vec<_>) = std::mem::take(&mut person.photos)
            .into_iter()
            .partition(|(_, p)| !p.label.is_empty());
        person.photos = keep;
        for (id, photo) in unlabelled {
            let refusal = check::Problem::Unlabelled {
                name: photo.name.clone(),
            }
            .refusal(&photo.file);
            refused.push((id, photo, refusal));
        }
    }
    (people, refused)
}

/// Why a chunk was not taken.
#[derive(Debug, PartialEq, Eq)]
pub enum AppendError {
    NotFound,
    /// The chunk does not start where the part ends; resume from here.
    WrongOffset(u64),
    /// The chunk would go past the announced size.
    PastSize(u64),
    /// The upload finished already.
    Finished,
    /// The chunk would take the disk's last [`Uploads`] reserve.
    DiskFull,
    Io(String),
}

/// The staging folder and the uploads in it.
#[derive(Debug)]
pub struct Uploads {
    dir: PathBuf,
    /// One writer per upload at a time (two tabs resuming the same file).
    busy: Mutex<HashMap<String, Arc<Mutex<()>>>>,
    /// One hand-off to the reunions at a time: a photo is added once.
    pub handing: tokio::sync::Mutex<()>,
    /// Free space uploads must leave on the disk: the database's votes
    /// need it more than a scan does.
    reserve_bytes: u64,
    /// One announcement at a time: each counts what the others still owe.
    announcing: Mutex<()>,
}

/// The staging folder for a database file: beside it, as the photo cache.
pub fn dir_for(db: &Path) -> PathBuf {
    let name = db
        .file_name()
        .map_or_else(|| "yearbook".into(), |n| n.to_string_lossy().to_string());
    db.with_file_name(format!("{name}.uploads"))
}

/// Ids are 32 lower-case hex digits: anything else never becomes a path.
fn valid_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn new_id() -> String {
    crate::room::code::secret(&mut rand::rng())
}

/// Makes a rename or a new file durable: the folder's entry is synced too.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

impl Uploads {
    /// The staging folder, swept of what was abandoned; it is made at
    /// the first upload, so a server nobody uploads to has none.
    pub fn open(dir: PathBuf, now: Millis) -> Self {
        let uploads = Self {
            dir,
            busy: Mutex::new(HashMap::new()),
            handing: tokio::sync::Mutex::new(()),
            reserve_bytes: crate::roster::photos::CACHE_RESERVE_BYTES,
            announcing: Mutex::new(()),
        };
        uploads.sweep(now);
        uploads
    }

    /// The same with another reserve (tests).
    pub fn with_reserve(mut self, bytes: u64) -> Self {
        self.reserve_bytes = bytes;
        self
    }

    fn record_path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }

    fn part_path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.part"))
    }

    /// A new file's path for a body spooled to disk (a roster zip); the
    /// caller removes it. Named as a part without a record, so one a crash
    /// left behind is swept at the next start.
    pub fn spool_path(&self) -> std::io::Result<PathBuf> {
        std::fs::create_dir_all(&self.dir)?;
        Ok(self.part_path(&new_id()))
    }

    fn lock(&self, id: &str) -> Arc<Mutex<()>> {
        self.busy.lock().entry(id.to_string()).or_default().clone()
    }

    /// Writes the record whole or not at all (temp file, fsync, rename).
    fn save(&self, upload: &Upload) -> std::io::Result<()> {
        let path = self.record_path(&upload.id);
        let tmp = path.with_extension("json.tmp");
        let json = serde_json::to_vec(upload).map_err(std::io::Error::other)?;
        let mut f = File::create(&tmp)?;
        f.write_all(&json)?;
        f.sync_all()?;
        std::fs::rename(&tmp, &path)?;
        sync_dir(&self.dir)
    }

    /// Whether the disk has `bytes` to spare beyond the reserve.
    fn has_room_for(&self, bytes: u64) -> bool {
        crate::roster::photos::free_bytes(&self.dir)
            .is_none_or(|free| free >= self.reserve_bytes.saturating_add(bytes))
    }

    /// The bytes every unfinished upload has yet to send: space already
    /// promised by earlier announcements (a drop announces all its files
    /// before sending any).
    fn owed(&self) -> u64 {
        self.ids()
            .filter_map(|id| self.get(&id))
            .filter(|(u, _)| u.result.is_none())
            .map(|(u, at)| u.size.saturating_sub(at))
            .sum()
    }

    /// Announces an upload; its part starts empty. Refused
    /// (`StorageFull`) when it and the unfinished uploads' rest would
    /// take the disk's reserve.
    pub fn create(
        &self,
        reunion: u32,
        name: &str,
        label: &str,
        size: u64,
        now: Millis,
    ) -> std::io::Result<Upload> {
        self.sweep(now);
        std::fs::create_dir_all(&self.dir)?;
        let _one_at_a_time = self.announcing.lock();
        if !self.has_room_for(self.owed().saturating_add(size)) {
            return Err(std::io::ErrorKind::StorageFull.into());
        }
        let upload = Upload {
            id: new_id(),
            reunion,
            name: name.to_string(),
            label: label.to_string(),
            size,
            created_ms: now,
            updated_ms: now,
            result: None,
        };
        File::create(self.part_path(&upload.id))?.sync_all()?;
        self.save(&upload)?;
        Ok(upload)
    }

    /// An upload and the bytes it has (the part's length: only synced
    /// chunks were acknowledged, so a resume from here loses nothing).
    pub fn get(&self, id: &str) -> Option<(Upload, u64)> {
        if !valid_id(id) {
            return None;
        }
        let bytes = std::fs::read(self.record_path(id)).ok()?;
        let upload: Upload = serde_json::from_slice(&bytes).ok()?;
        let offset = if upload.result.is_some() {
            upload.size
        } else {
            std::fs::metadata(self.part_path(id)).ok()?.len()
        };
        Some((upload, offset))
    }

    /// Adds `chunk` at `offset`; the new offset once it is on disk.
    pub fn append(
        &self,
        id: &str,
        offset: u64,
        chunk: &[u8],
        now: Millis,
    ) -> Result<u64, AppendError> {
        let lock = self.lock(id);
        let _held = lock.lock();
        let (mut upload, at) = self.get(id).ok_or(AppendError::NotFound)?;
        if upload.result.is_some() {
            return Err(AppendError::Finished);
        }
        if offset != at {
            return Err(AppendError::WrongOffset(at));
        }
        let end = at + chunk.len() as u64;
        if end > upload.size {
            return Err(AppendError::PastSize(upload.size));
        }
        // Checked again per chunk: the disk may have filled since the
        // announcement (the database, logs, other programs).
        if !self.has_room_for(chunk.len() as u64) {
            return Err(AppendError::DiskFull);
        }
        let io = |e: std::io::Error| AppendError::Io(e.to_string());
        let mut part = OpenOptions::new()
            .append(true)
            .open(self.part_path(id))
            .map_err(io)?;
        if let Err(e) = part.write_all(chunk).and_then(|()| part.sync_data()) {
            // Back to the last acknowledged length: a resume starts there.
            let _ = part.set_len(at);
            return Err(io(e));
        }
        // Touched now: the day before a sweep counts from the last chunk.
        upload.updated_ms = now;
        self.save(&upload).map_err(io)?;
        Ok(end)
    }

    /// Finishes an upload whose bytes are all in: `decide` gets the
    /// whole file and says what became of it; the outcome is recorded and
    /// the part removed. Once only: an upload finished already (a second
    /// tab, a retried last chunk) returns its recorded outcome instead.
    pub fn finish_with(
        &self,
        id: &str,
        now: Millis,
        decide: impl FnOnce(&Upload, Vec<u8>) -> Outcome,
    ) -> std::io::Result<Upload> {
        let lock = self.lock(id);
        let _held = lock.lock();
        let (mut upload, offset) = self.get(id).ok_or(std::io::ErrorKind::NotFound)?;
        if upload.result.is_some() {
            return Ok(upload);
        }
        if offset != upload.size {
            return Err(std::io::Error::other("the upload is not complete"));
        }
        let bytes = std::fs::read(self.part_path(id))?;
        let result = decide(&upload, bytes);
        upload.result = Some(result);
        // Accepted photos wait in the part until they are handed on.
        let keep_part = upload.has_waiting();
        upload.updated_ms = now;
        self.save(&upload)?;
        if !keep_part {
            let _ = std::fs::remove_file(self.part_path(id));
        }
        Ok(upload)
    }

    /// The bytes of one accepted photo of a finished upload: the part
    /// itself, or its entry when the part is a zip.
    pub fn photo_bytes(&self, id: &str, placed: &Placed) -> std::io::Result<Vec<u8>> {
        if !valid_id(id) {
            return Err(std::io::ErrorKind::NotFound.into());
        }
        let bytes = std::fs::read(self.part_path(id))?;
        match &placed.entry {
            None => Ok(bytes),
            Some(entry) => check::zip_entry(&bytes, entry).map_err(std::io::Error::other),
        }
    }

    /// Records what became of one accepted photo (`file` names it): the
    /// person it joined, or a refusal found when handing it on. The part
    /// goes once no photo of it waits.
    pub fn settle(
        &self,
        id: &str,
        file: &str,
        outcome: Result<u32, Refusal>,
        now: Millis,
    ) -> std::io::Result<()> {
        let lock = self.lock(id);
        let _held = lock.lock();
        let (mut upload, _) = self.get(id).ok_or(std::io::ErrorKind::NotFound)?;
        let Some(result) = upload.result.as_mut() else {
            return Ok(());
        };
        match outcome {
            Ok(person) => {
                if let Some(placed) = result.accepted.iter_mut().find(|p| p.file == file) {
                    placed.person = Some(person);
                    placed.ask = None;
                }
            }
            Err(refusal) => {
                result.accepted.retain(|p| p.file != file);
                result.refused.push(refusal);
            }
        }
        upload.updated_ms = now;
        self.save(&upload)?;
        if !upload.has_waiting() {
            let _ = std::fs::remove_file(self.part_path(id));
        }
        Ok(())
    }

    /// Records the organiser's question about one accepted photo: it
    /// stays (with its part) until answered or swept.
    pub fn ask(&self, id: &str, file: &str, ask: Ask, now: Millis) -> std::io::Result<()> {
        let lock = self.lock(id);
        let _held = lock.lock();
        let (mut upload, _) = self.get(id).ok_or(std::io::ErrorKind::NotFound)?;
        let placed = upload
            .result
            .as_mut()
            .and_then(|r| r.accepted.iter_mut().find(|p| p.file == file));
        if let Some(placed) = placed {
            placed.ask = Some(ask);
        }
        upload.updated_ms = now;
        self.save(&upload)
    }

    /// Cancels an upload: its part and record go.
    pub fn remove(&self, id: &str) -> bool {
        if !valid_id(id) {
            return false;
        }
        let lock = self.lock(id);
        let _held = lock.lock();
        let _ = std::fs::remove_file(self.part_path(id));
        let removed = std::fs::remove_file(self.record_path(id)).is_ok();
        self.busy.lock().remove(id);
        removed
    }

    /// A reunion's uploads, oldest first, with their offsets: what a
    /// browser reopened mid-import resumes or reports.
    pub fn list(&self, reunion: u32) -> Vec<(Upload, u64)> {
        let mut out: Vec<(Upload, u64)> = self
            .ids()
            .filter_map(|id| self.get(&id))
            .filter(|(u, _)| u.reunion == reunion)
            .collect();
        out.sort_by(|a, b| (a.0.created_ms, &a.0.id).cmp(&(b.0.created_ms, &b.0.id)));
        out
    }

    /// Whether any upload of the reunion is still arriving.
    pub fn arriving(&self, reunion: u32) -> bool {
        self.list(reunion).iter().any(|(u, _)| u.result.is_none())
    }

    /// The reunion's accepted photos not yet handed on, with their
    /// upload's id, oldest upload first.
    pub fn waiting(&self, reunion: u32) -> Vec<(String, Placed)> {
        self.list(reunion)
            .into_iter()
            .flat_map(|(u, _)| {
                let id = u.id;
                u.result
                    .into_iter()
                    .flat_map(|r| r.accepted)
                    .filter(|p| p.person.is_none() && p.ask.is_none())
                    .map(move |p| (id.clone(), p))
            })
            .collect()
    }

    fn ids(&self) -> impl Iterator<Item = String> {
        std::fs::read_dir(&self.dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().to_string();
                let id = name.strip_suffix(".json")?;
                valid_id(id).then(|| id.to_string())
            })
    }

    /// Removes uploads untouched for [`ABANDONED_AFTER_MS`], parts without
    /// a record and half-written records.
    pub fn sweep(&self, now: Millis) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().to_string();
            let (id, kind) = name.split_once('.').unwrap_or((&name, ""));
            // Photos accepted but not yet in the event are never swept:
            // they go in once the files they waited for are gone. A
            // question unanswered for a day is swept: skipped.
            let stale = match kind {
                "json" => self.get(id).is_none_or(|(u, _)| {
                    now.saturating_sub(u.updated_ms) > ABANDONED_AFTER_MS && !u.has_unhanded()
                }),
                "part" => !self.record_path(id).exists(),
                "json.tmp" => true,
                _ => false,
            };
            if stale && valid_id(id) {
                let lock = self.lock(id);
                let _held = lock.lock();
                let _ = std::fs::remove_file(&path);
                if kind == "json" {
                    let _ = std::fs::remove_file(self.part_path(id));
                }
                drop(_held);
                self.busy.lock().remove(id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_land_at_their_offset_only_and_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let uploads = Uploads::open(dir.path().join("u"), 0);
        let up = uploads.create(3, "Ann.png", "", 10, 0).unwrap();
        assert_eq!(uploads.append(&up.id, 0, b"hello", 1), Ok(5));
        assert_eq!(
            uploads.append(&up.id, 0, b"hello", 2),
            Err(AppendError::WrongOffset(5))
        );
        assert_eq!(
            uploads.append(&up.id, 5, b"world!", 2),
            Err(AppendError::PastSize(10))
        );
        let reopened = Uploads::open(dir.path().join("u"), 3);
        assert_eq!(reopened.get(&up.id).map(|(_, o)| o), Some(5));
        assert_eq!(reopened.append(&up.id, 5, b"world", 4), Ok(10));
        let done = reopened
            .finish_with(&up.id, 5, |_, bytes| {
                assert_eq!(bytes, b"helloworld");
                Outcome::default()
            })
            .unwrap();
        assert!(done.result.is_some());
        let again = reopened.finish_with(&up.id, 6, |_, _| panic!("finished once only"));
        assert_eq!(again.unwrap().updated_ms, 5);
        assert!(
            !dir.path()
                .join("u")
                .join(format!("{}.part", up.id))
                .exists()
        );
        assert_eq!(reopened.list(3).len(), 1);
        assert!(reopened.list(4).is_empty());
        assert_eq!(
            reopened.append("../../etc/passwd", 0, b"x", 5),
            Err(AppendError::NotFound)
        );
    }

    impl Uploads {
        fn part_exists(&self, id: &str) -> bool {
            self.part_path(id).exists()
        }
    }

    fn placed(file: &str, name: &str, label: &str) -> (String, Placed) {
        let photo = Placed {
            file: file.into(),
            entry: None,
            name: name.into(),
            label: label.into(),
            person: None,
            ask: None,
        };
        (format!("id-{file}"), photo)
    }

    #[test]
    fn waiting_photos_become_people_as_import_reads_them() {
        let (people, refused) = by_person(vec![
            placed("1983/Ann.png", "Ann Lee", "1983"),
            placed("Bob.png", "Bob Ray", ""),
            placed("1986/Ann.png", "ann  lee", "1986"),
            placed("more/1986/Ann.png", "Ann Lee", "1986"),
            placed("Ann.png", "Ann Lee", ""),
        ]);
        let shape: Vec<(&str, Vec<&str>)> = people
            .iter()
            .map(|p| {
                let files = p.photos.iter().map(|(_, f)| f.file.as_str()).collect();
                (p.name.as_str(), files)
            })
            .collect();
        assert_eq!(
            shape,
            [
                ("Ann Lee", vec!["1983/Ann.png", "1986/Ann.png"]),
                ("Bob Ray", vec!["Bob.png"])
            ]
        );
        let codes: Vec<(&str, &str)> = refused
            .iter()
            .map(|(_, p, r)| (p.file.as_str(), r.code.as_str()))
            .collect();
        assert_eq!(
            codes,
            [
                ("more/1986/Ann.png", "duplicate"),
                ("Ann.png", "unlabelled")
            ]
        );
    }

    #[test]
    fn a_file_that_would_eat_the_databases_reserve_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let free = crate::roster::photos::free_bytes(dir.path()).unwrap();
        // Margins of 100 MiB: other programs write to this disk meanwhile.
        let mib = 1024 * 1024;
        let uploads =
            Uploads::open(dir.path().to_path_buf(), 0).with_reserve(free.saturating_sub(100 * mib));
        assert!(uploads.create(1, "a.png", "", 1, 0).is_ok());
        let full = uploads.create(1, "b.png", "", 200 * mib, 0).unwrap_err();
        assert_eq!(full.kind(), std::io::ErrorKind::StorageFull);
    }

    /// A one-byte file of reunion 1, finished at 0 with a photo of `name`
    /// accepted and not yet handed on.
    fn finished_waiting(uploads: &Uploads, file: &str, name: &str) -> Upload {
        let up = uploads.create(1, file, "", 1, 0).unwrap();
        uploads.append(&up.id, 0, b"x", 0).unwrap();
        let waiting = Outcome {
            accepted: vec![placed(file, name, "").1],
            refused: vec![],
        };
        uploads.finish_with(&up.id, 0, |_, _| waiting).unwrap()
    }

    #[test]
    fn an_upload_untouched_for_a_day_is_swept() {
        let dir = tempfile::tempdir().unwrap();
        let uploads = Uploads::open(dir.path().to_path_buf(), 0);
        let old = uploads.create(1, "a.png", "", 10, 0).unwrap();
        let fresh = uploads.create(1, "b.png", "", 10, 0).unwrap();
        uploads.append(&fresh.id, 0, b"x", 1000).unwrap();
        std::fs::write(dir.path().join(format!("{}.part", "ab".repeat(16))), b"x").unwrap();
        uploads.sweep(ABANDONED_AFTER_MS);
        assert!(uploads.get(&old.id).is_some(), "a day to the ms is kept");
        assert!(
            !dir.path()
                .join(format!("{}.part", "ab".repeat(16)))
                .exists()
        );
        uploads.sweep(ABANDONED_AFTER_MS + 1);
        assert!(uploads.get(&old.id).is_none());
        assert!(!dir.path().join(format!("{}.part", old.id)).exists());
        assert!(uploads.get(&fresh.id).is_some());

        // A finished file whose photos wait stays, however old.
        let waits = finished_waiting(&uploads, "c.png", "Cy");
        uploads.sweep(10 * ABANDONED_AFTER_MS);
        assert!(uploads.get(&waits.id).is_some());
        assert!(uploads.part_exists(&waits.id));
        uploads.settle(&waits.id, "c.png", Ok(7), 0).unwrap();
        assert!(!uploads.part_exists(&waits.id), "settled: its part goes");
        uploads.sweep(10 * ABANDONED_AFTER_MS);
        assert!(uploads.get(&waits.id).is_none());

        // A photo waiting for the organiser's choice keeps its part, and
        // is swept (skipped) once unanswered for a day.
        let asks = finished_waiting(&uploads, "d.png", "Di");
        let ask = Ask {
            person: 3,
            replace: 0,
            replace_label: None,
            choices: vec!["replace".into(), "skip".into()],
            message: "Di already has a photo.".into(),
            reason: None,
        };
        uploads.ask(&asks.id, "d.png", ask, 5).unwrap();
        assert!(uploads.waiting(1).is_empty(), "not handed on again");
        uploads.sweep(ABANDONED_AFTER_MS);
        assert!(uploads.part_exists(&asks.id));
        uploads.sweep(ABANDONED_AFTER_MS + 6);
        assert!(uploads.get(&asks.id).is_none());
        assert!(!uploads.part_exists(&asks.id));
    }
}
