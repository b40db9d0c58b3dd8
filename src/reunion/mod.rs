//! Reunions: the organiser's events (the UI word), each with its own class,
//! photos and settings, stored in the game's database (`store.rs`). The
//! server's built-in class (the demo or `--roster`) is reunion 0, read-only
//! and not in these tables.
//!
//! A person's index in a room is their place among the reunion's people
//! ordered by id, deleted and left-out ones included: people are never
//! removed, only marked, so a room's stored questions keep naming the same
//! people after edits and restarts.

pub mod drafts;
pub mod export;
pub mod namelist;
pub mod store;

use std::collections::BTreeMap;
use std::sync::Arc;

use parking_lot::RwLock;

use crate::roster::photos::{Pipeline, Variant};
use crate::roster::urls::Size;
use crate::roster::{Person, PersonPhoto, Roster};
pub use store::{Meta, MetaPatch, PersonPatch, PersonRow, PhotoRow, ReunionStore, StoredReunion};

/// Longest title, name, known-as, gender label or guest code (characters).
pub const MAX_TEXT: usize = 120;
/// How long an unused co-organiser invite stays valid.
pub const INVITE_DAYS: i64 = 7;
/// Most photos one person may have.
pub const MAX_PHOTOS_PER_PERSON: usize = 16;
/// How many changed photos a reunion keeps serving at their old URLs
/// (the newest ones), so a phone that got a URL just before a turn or a
/// replace still loads it; older ones, and all after a restart, are 404.
pub const RETIRED_PHOTOS: usize = 32;

/// Why an organiser's change was refused.
#[derive(Debug)]
pub enum ReunionError {
    NotFound,
    /// The person changed since the version the edit was made on.
    Stale(PersonRow),
    /// Something the organiser typed or uploaded: why, typed (the HTTP
    /// layer says it in the organiser's language).
    Invalid(Invalid),
    /// The database could not write: nothing changed.
    Storage(String),
    /// The events' share of the database (`--db-max-mb`) or the disk is
    /// full: nothing changed, and the rest is kept for the games.
    Full,
}

/// Why the event store refused what the organiser typed or uploaded. Its
/// English is [`Display`](std::fmt::Display); src/http/organise.rs says it
/// by catalogue key (locales/*/refusals.ftl) in the organiser's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalid {
    NoTitle,
    EmptyName,
    /// More than [`MAX_PHOTOS_PER_PERSON`].
    TooManyPhotos,
    /// The person has a photo of that label (or none) already.
    LabelTaken {
        name: String,
        label: Option<String>,
    },
    /// A photo could not be made into its web sizes: the decoder's words.
    Photo(String),
    /// A roster's person's photo could not be made into its web sizes:
    /// their name and the decoder's words.
    PersonPhoto {
        name: String,
        why: String,
    },
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoTitle => f.write_str("The event needs a title."),
            Self::EmptyName => f.write_str("The name is empty."),
            Self::TooManyPhotos => write!(
                f,
                "A person may have at most {MAX_PHOTOS_PER_PERSON} photos."
            ),
            Self::LabelTaken { name, label: None } => {
                write!(f, "{name} already has a photo without a label.")
            }
            Self::LabelTaken {
                name,
                label: Some(l),
            } => write!(f, "{name} already has a photo labelled {l}."),
            Self::Photo(why) => write!(f, "The photo {why}."),
            Self::PersonPhoto { name, why } => write!(f, "{name}: The photo {why}."),
        }
    }
}

impl std::fmt::Display for ReunionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotFound => f.write_str("no such event or person"),
            Self::Stale(row) => write!(f, "changed by {} meanwhile", row.updated_by),
            Self::Invalid(why) => write!(f, "{why}"),
            Self::Storage(why) => write!(f, "could not be saved: {why}"),
            Self::Full => f.write_str("no room left for the events in the database"),
        }
    }
}

/// One photo of a person in memory: its label and web variants.
#[derive(Debug, Clone)]
pub struct PhotoEntry {
    pub idx: u32,
    pub label: Option<String>,
    pub sha: String,
    pub thumb: Variant,
    pub photo: Variant,
}

/// One person in memory: the stored row and their photos.
#[derive(Debug, Clone)]
pub struct Entry {
    pub row: PersonRow,
    pub photos: Vec<PhotoEntry>,
}

impl Entry {
    /// Asked in games: included, not deleted, with a photo.
    pub fn playable(&self) -> bool {
        self.row.included && !self.row.deleted && !self.photos.is_empty()
    }
}

/// What a reunion holds now; edits replace it under the lock.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub meta: Meta,
    /// Ordered by id: a person's place here is their index in rooms.
    pub people: Vec<Entry>,
}

/// One reunion: its current state and the class rooms are built on.
#[derive(Debug)]
pub struct Reunion {
    pub id: u32,
    state: RwLock<Snapshot>,
    /// The class as rooms see it, rebuilt after each edit; a room keeps
    /// the one it was created with until the server restarts.
    roster: RwLock<Arc<Roster>>,
    /// Photos changed since the start, newest last (at most
    /// [`RETIRED_PHOTOS`]), still served at their old URLs.
    retired: RwLock<std::collections::VecDeque<Retired>>,
    /// One organiser write at a time per reunion.
    writing: tokio::sync::Mutex<()>,
}

/// A photo as it was before a change: its place, revision and variants
/// (padded as the class served them).
#[derive(Debug)]
struct Retired {
    person: usize,
    photo: usize,
    rev: u32,
    thumb: Variant,
    full: Variant,
}

impl Reunion {
    fn new(snapshot: Snapshot) -> Self {
        let roster = Arc::new(roster_of(&snapshot.people));
        Self {
            id: snapshot.meta.id,
            state: RwLock::new(snapshot),
            roster: RwLock::new(roster),
            retired: RwLock::new(std::collections::VecDeque::new()),
            writing: tokio::sync::Mutex::new(()),
        }
    }

    pub fn snapshot(&self) -> Snapshot {
        self.state.read().clone()
    }

    pub fn meta(&self) -> Meta {
        self.state.read().meta.clone()
    }

    pub fn title(&self) -> String {
        self.state.read().meta.title.clone()
    }

    pub fn roster(&self) -> Arc<Roster> {
        self.roster.read().clone()
    }

    /// A person's photo variants by their id and the photo's index.
    pub fn photo(&self, person: u32, idx: u32) -> Option<PhotoEntry> {
        let state = self.state.read();
        let entry = state.people.iter().find(|e| e.row.id == person)?;
        entry.photos.iter().find(|p| p.idx == idx).cloned()
    }

    /// Photo `photo` of the person at index `person` at `size`, as it was
    /// at revision `rev`: the class's now, else a retired one.
    pub fn served_photo(
        &self,
        person: usize,
        photo: usize,
        rev: u32,
        size: Size,
    ) -> Option<Variant> {
        if let Some(v) = self.roster().photo_at(person, photo, rev, size) {
            return Some(v.clone());
        }
        let retired = self.retired.read();
        let old = retired
            .iter()
            .rev()
            .find(|r| (r.person, r.photo, r.rev) == (person, photo, rev))?;
        Some(match size {
            Size::Thumb => old.thumb.clone(),
            Size::Photo => old.full.clone(),
        })
    }

    fn replace(&self, snapshot: Snapshot) {
        let roster = Arc::new(roster_of(&snapshot.people));
        // Retired before the swap: a URL made from the old class finds its
        // bytes in one or the other at every moment.
        self.retire_changed(&self.roster(), &roster);
        *self.state.write() = snapshot;
        *self.roster.write() = roster;
    }

    /// Keeps each photo of `old` whose revision `new` no longer has.
    fn retire_changed(&self, old: &Roster, new: &Roster) {
        let mut retired = self.retired.write();
        for (person, p) in old.people.iter().enumerate() {
            for photo in 0..p.photos.len() {
                let rev = old.photo_rev(person, photo);
                if rev.is_none() || new.photo_rev(person, photo) == rev {
                    continue;
                }
                let variant = |size| old.photo(person, photo, size).cloned();
                if let (Some(rev), Some(thumb), Some(full)) =
                    (rev, variant(Size::Thumb), variant(Size::Photo))
                {
                    retired.push_back(Retired {
                        person,
                        photo,
                        rev,
                        thumb,
                        full,
                    });
                }
            }
        }
        while retired.len() > RETIRED_PHOTOS {
            retired.pop_front();
        }
    }
}

/// The class rooms play: everyone in id order, with all their photos.
fn roster_of(people: &[Entry]) -> Roster {
    let persons = people
        .iter()
        .map(|e| Person {
            name: e.row.name.clone(),
            known_as: e.row.known_as.clone(),
            gender: e.row.gender.clone(),
            in_memoriam: e.row.in_memoriam,
            photo_id: e.photos.first().map(|p| p.sha.clone()).unwrap_or_default(),
            photos: e
                .photos
                .iter()
                .map(|p| PersonPhoto {
                    label: p.label.clone(),
                    id: p.sha.clone(),
                })
                .collect(),
        })
        .collect();
    let photos = people
        .iter()
        .map(|e| {
            e.photos
                .iter()
                .map(|p| (p.thumb.clone(), p.photo.clone()))
                .collect()
        })
        .collect();
    let excluded = people.iter().map(|e| !e.playable()).collect();
    Roster::assemble(persons, photos, excluded)
}

/// Each photo (`(label, source bytes)`) decoded into its stored row and
/// web variants; the first unreadable one refuses them all.
fn make_photos(
    pipeline: &Pipeline,
    photos: Vec<(Option<String>, Vec<u8>)>,
) -> Result<(Vec<PhotoRow>, Vec<PhotoEntry>), ReunionError> {
    let made = photos
        .into_iter()
        .enumerate()
        .map(|(i, (label, bytes))| {
            let (sha, thumb, photo) = pipeline.process(&bytes)?;
            let label = label.as_deref().and_then(clean_text);
            Ok((
                PhotoRow {
                    person: 0,
                    idx: i as u32,
                    label: label.clone(),
                    sha: sha.clone(),
                    bytes,
                },
                PhotoEntry {
                    idx: i as u32,
                    label,
                    sha,
                    thumb,
                    photo,
                },
            ))
        })
        .collect::<Result<Vec<_>, String>>()
        .map_err(|e| ReunionError::Invalid(Invalid::Photo(e)))?;
    Ok(made.into_iter().unzip())
}

/// A new person's row (version 1, stamped now by `by`); `name` cleaned.
fn new_row(name: String, person: &NewPerson, by: &str) -> PersonRow {
    PersonRow {
        id: 0,
        name,
        known_as: person.known_as.as_deref().and_then(clean_text),
        gender: person.gender.as_deref().and_then(clean_text),
        in_memoriam: person.in_memoriam,
        included: true,
        deleted: false,
        updated_at: now_millis(),
        updated_by: by.to_string(),
        version: 1,
    }
}

/// A new person's photos: `(label, source bytes)` each.
pub type NewPhotos = Vec<(Option<String>, Vec<u8>)>;

/// A person to add.
#[derive(Debug, Clone, Default)]
pub struct NewPerson {
    pub name: String,
    pub known_as: Option<String>,
    pub gender: Option<String>,
    pub in_memoriam: bool,
}

/// Every reunion on this server, by id.
#[derive(Debug)]
pub struct Reunions {
    store: Option<ReunionStore>,
    pipeline: Pipeline,
    map: RwLock<BTreeMap<u32, Arc<Reunion>>>,
}

/// Trimmed, at most [`MAX_TEXT`] characters, `None` when empty.
pub fn clean_text(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.chars().take(MAX_TEXT).collect())
}

fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

impl Reunions {
    /// No reunions and nowhere to keep them (tests of other parts).
    pub fn empty() -> Self {
        Self {
            store: None,
            pipeline: Pipeline::default(),
            map: RwLock::new(BTreeMap::new()),
        }
    }

    /// The stored reunions with their photos' web variants (from the cache
    /// beside the database when it has them). A photo that no longer
    /// decodes is left out, logged, and kept in the database.
    pub fn load(store: ReunionStore, stored: Vec<StoredReunion>, pipeline: Pipeline) -> Self {
        if let Err(e) = pipeline.prepare_cache() {
            tracing::warn!("{e}");
        }
        let mut map = BTreeMap::new();
        for reunion in stored {
            // One photo at a time, its source read only when the cache
            // lacks its variants: memory stays near one photo's size
            // however many the database holds.
            let processed: Vec<_> = reunion
                .photos
                .iter()
                .map(|p| variants_at_start(&store, &pipeline, reunion.meta.id, p))
                .collect();
            let mut people: Vec<Entry> = reunion
                .people
                .into_iter()
                .map(|row| Entry {
                    row,
                    photos: Vec::new(),
                })
                .collect();
            for (row, made) in reunion.photos.iter().zip(processed) {
                let Some(entry) = people.iter_mut().find(|e| e.row.id == row.person) else {
                    continue;
                };
                match made {
                    Ok((thumb, photo)) => entry.photos.push(PhotoEntry {
                        idx: row.idx,
                        label: row.label.clone(),
                        sha: row.sha.clone(),
                        thumb,
                        photo,
                    }),
                    Err(e) => tracing::error!(
                        reunion = reunion.meta.id,
                        person = row.person,
                        "a stored photo cannot be read ({e}); it stays in the database"
                    ),
                }
            }
            let id = reunion.meta.id;
            map.insert(
                id,
                Arc::new(Reunion::new(Snapshot {
                    meta: reunion.meta,
                    people,
                })),
            );
        }
        Self {
            store: Some(store),
            pipeline,
            map: RwLock::new(map),
        }
    }

    pub fn get(&self, id: u32) -> Option<Arc<Reunion>> {
        self.map.read().get(&id).cloned()
    }

    pub fn all(&self) -> Vec<Arc<Reunion>> {
        self.map.read().values().cloned().collect()
    }

    /// The store, for the drafts of scanned pages ([`drafts`]).
    pub fn store_handle(&self) -> Option<ReunionStore> {
        self.store.clone()
    }

    fn store(&self) -> Result<ReunionStore, ReunionError> {
        self.store
            .clone()
            .ok_or_else(|| ReunionError::Storage("this server keeps no events".into()))
    }

    /// Runs `f` on the store off the async threads.
    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(ReunionStore) -> anyhow::Result<T> + Send + 'static,
    ) -> Result<T, ReunionError> {
        let store = self.store()?;
        match tokio::task::spawn_blocking(move || f(store)).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) if store::is_full(&e) => {
                tracing::warn!(
                    "an organiser's change was refused: the events' share of the database is full"
                );
                Err(ReunionError::Full)
            }
            Ok(Err(e)) => {
                tracing::error!(error = %format!("{e:#}"), "an organiser's change could not be saved");
                Err(ReunionError::Storage(format!("{e:#}")))
            }
            Err(e) => Err(ReunionError::Storage(e.to_string())),
        }
    }

    pub async fn create(&self, title: &str) -> Result<Arc<Reunion>, ReunionError> {
        let title = clean_text(title).ok_or(ReunionError::Invalid(Invalid::NoTitle))?;
        let meta = self
            .blocking(move |s| s.create(&title, now_millis()))
            .await?;
        let reunion = Arc::new(Reunion::new(Snapshot {
            meta,
            people: Vec::new(),
        }));
        self.map.write().insert(reunion.id, reunion.clone());
        Ok(reunion)
    }

    pub async fn update_meta(&self, id: u32, patch: MetaPatch) -> Result<Meta, ReunionError> {
        let reunion = self.get(id).ok_or(ReunionError::NotFound)?;
        let _writing = reunion.writing.lock().await;
        let meta = self
            .blocking(move |s| s.update_meta(id, &patch, now_millis()))
            .await?;
        let mut next = reunion.snapshot();
        next.meta = meta.clone();
        reunion.replace(next);
        Ok(meta)
    }

    /// Adds a person with their photos (`(label, source bytes)`, each
    /// decoded and turned into web variants first: an unreadable one
    /// refuses the whole person, nothing stored), signed by `by`. What
    /// uploads and the organiser's "add a person" call.
    pub async fn add_person(
        &self,
        id: u32,
        person: NewPerson,
        photos: Vec<(Option<String>, Vec<u8>)>,
        by: &str,
    ) -> Result<PersonRow, ReunionError> {
        let reunion = self.get(id).ok_or(ReunionError::NotFound)?;
        let name = clean_text(&person.name).ok_or(ReunionError::Invalid(Invalid::EmptyName))?;
        if photos.len() > MAX_PHOTOS_PER_PERSON {
            return Err(ReunionError::Invalid(Invalid::TooManyPhotos));
        }
        let pipeline = self.pipeline.clone();
        // Decoding is slow and may fail: before anything is written.
        let (rows, entries) = tokio::task::spawn_blocking(move || make_photos(&pipeline, photos))
            .await
            .map_err(|e| ReunionError::Storage(e.to_string()))??;
        let row = new_row(name, &person, by);
        let _writing = reunion.writing.lock().await;
        let stored = self
            .blocking(move |s| s.add_person(id, &row, &rows))
            .await?;
        let mut next = reunion.snapshot();
        next.people.push(Entry {
            row: stored.clone(),
            photos: entries,
        });
        reunion.replace(next);
        Ok(stored)
    }

    /// A new reunion with its whole class at once (a roster folder): the
    /// photos decoded first, then everything in one transaction, so an
    /// error leaves no reunion behind.
    pub async fn create_with_people(
        &self,
        title: &str,
        people: Vec<(NewPerson, NewPhotos)>,
        by: &str,
    ) -> Result<Arc<Reunion>, ReunionError> {
        let title = clean_text(title).ok_or(ReunionError::Invalid(Invalid::NoTitle))?;
        let pipeline = self.pipeline.clone();
        let by = by.to_string();
        let made = tokio::task::spawn_blocking(move || {
            let made = crate::roster::par_map(&people, |(person, photos)| {
                Ok((|| {
                    let name = clean_text(&person.name)
                        .ok_or(ReunionError::Invalid(Invalid::EmptyName))?;
                    // Whose photo it is, for a class of two hundred.
                    let (rows, entries) =
                        make_photos(&pipeline, photos.clone()).map_err(|e| match e {
                            ReunionError::Invalid(Invalid::Photo(why)) => {
                                ReunionError::Invalid(Invalid::PersonPhoto {
                                    name: person.name.clone(),
                                    why,
                                })
                            }
                            e => e,
                        })?;
                    Ok((new_row(name, person, &by), rows, entries))
                })())
            });
            made.into_iter()
                .map(|r| {
                    r.unwrap_or_else(|crash| Err(ReunionError::Invalid(Invalid::Photo(crash))))
                })
                .collect::<Result<Vec<_>, ReunionError>>()
        })
        .await
        .map_err(|e| ReunionError::Storage(e.to_string()))??;
        let (stored, entries): (Vec<_>, Vec<_>) = made
            .into_iter()
            .map(|(row, rows, entries)| ((row, rows), entries))
            .unzip();
        let (meta, rows) = self
            .blocking(move |s| s.create_with_people(&title, now_millis(), &stored))
            .await?;
        let people = rows
            .into_iter()
            .zip(entries)
            .map(|(row, photos)| Entry { row, photos })
            .collect();
        let reunion = Arc::new(Reunion::new(Snapshot { meta, people }));
        self.map.write().insert(reunion.id, reunion.clone());
        Ok(reunion)
    }

    /// A one-time co-organiser link's token for reunion `id` (its hash
    /// is stored, never the token).
    pub async fn create_invite(&self, id: u32) -> Result<String, ReunionError> {
        self.get(id).ok_or(ReunionError::NotFound)?;
        let token = hex::encode(rand::random::<[u8; 24]>());
        let hash = crate::store::hash_secret(&token);
        self.blocking(move |s| s.create_invite(id, &hash, now_millis()))
            .await?;
        Ok(token)
    }

    /// The reunion an invite opens, using it up; `None` for a token that
    /// is unknown, used, or older than [`INVITE_DAYS`].
    pub async fn use_invite(&self, token: &str) -> Result<Option<u32>, ReunionError> {
        let hash = crate::store::hash_secret(token.trim());
        let now = now_millis();
        let not_before = now - INVITE_DAYS * 24 * 3600 * 1000;
        let id = self
            .blocking(move |s| s.use_invite(&hash, now, not_before))
            .await?;
        Ok(id.filter(|id| self.get(*id).is_some()))
    }

    /// Changes a person if nobody changed them since `version`; else
    /// [`ReunionError::Stale`] with the current row (who, when).
    pub async fn update_person(
        &self,
        id: u32,
        person: u32,
        version: u32,
        patch: PersonPatch,
        by: &str,
    ) -> Result<PersonRow, ReunionError> {
        self.update_people(id, vec![(person, version, patch)], by)
            .await?
            .pop()
            .ok_or(ReunionError::NotFound)
    }
}

impl Reunions {
    /// Changes several people at once, each on the version given, all or
    /// nothing: when anyone moved on meanwhile, nothing is written and
    /// [`ReunionError::Stale`] says who changed whom. One name signs all.
    pub async fn update_people(
        &self,
        id: u32,
        edits: Vec<(u32, u32, PersonPatch)>,
        by: &str,
    ) -> Result<Vec<PersonRow>, ReunionError> {
        let reunion = self.get(id).ok_or(ReunionError::NotFound)?;
        let _writing = reunion.writing.lock().await;
        // A change that changes nothing (a field left without editing it)
        // gets no new version, so nobody else's open row turns stale.
        let mut answer = Vec::with_capacity(edits.len());
        let mut rows = Vec::with_capacity(edits.len());
        for (person, version, mut patch) in edits {
            if let Some(name) = &patch.name {
                let clean = clean_text(name).ok_or(ReunionError::Invalid(Invalid::EmptyName))?;
                patch.name = Some(clean);
            }
            let current = person_at(&reunion, person, version)?;
            let changed = patch.apply_to(&current.row);
            if changed == current.row {
                answer.push(current.row);
                continue;
            }
            let row = stamped(changed, version, by);
            answer.push(row.clone());
            rows.push((row, version));
        }
        if rows.is_empty() {
            return Ok(answer);
        }
        let written = rows.clone();
        self.blocking(move |s| s.update_people(id, &written))
            .await?
            .map_err(ReunionError::Stale)?;
        let mut next = reunion.snapshot();
        for (row, _) in &rows {
            if let Some(entry) = next.people.iter_mut().find(|e| e.row.id == row.id) {
                entry.row = row.clone();
            }
        }
        reunion.replace(next);
        Ok(answer)
    }
}

/// The source turned `turns` quarter turns clockwise: a PNG stays a PNG
/// (lossless), anything else becomes a JPEG of high quality.
fn rotate_source(source: &[u8], turns: u8) -> Result<Vec<u8>, String> {
    use image::ImageFormat;
    let img = crate::roster::photos::decode(source).map_err(|e| e.to_string())?;
    let img = match turns % 4 {
        1 => img.rotate90(),
        2 => img.rotate180(),
        3 => img.rotate270(),
        _ => img,
    };
    let mut out = std::io::Cursor::new(Vec::new());
    if source.starts_with(b"\x89PNG") {
        img.write_to(&mut out, ImageFormat::Png)
    } else {
        img.to_rgb8()
            .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
                &mut out, 92,
            ))
    }
    .map_err(|e| format!("cannot be written rotated: {e}"))?;
    Ok(out.into_inner())
}

/// The person `person` if still at `version`; else who changed them.
fn person_at(reunion: &Reunion, person: u32, version: u32) -> Result<Entry, ReunionError> {
    let current = reunion
        .snapshot()
        .people
        .into_iter()
        .find(|e| e.row.id == person)
        .ok_or(ReunionError::NotFound)?;
    if current.row.version != version {
        return Err(ReunionError::Stale(current.row));
    }
    Ok(current)
}

/// A stored photo's variants at start: from the photo cache by its sha,
/// else made from its source bytes, read from the database just now.
fn variants_at_start(
    store: &ReunionStore,
    pipeline: &Pipeline,
    reunion: u32,
    p: &store::StoredPhoto,
) -> Result<(Variant, Variant), String> {
    if let Some(made) = pipeline.cached_variants(&p.sha) {
        return Ok(made);
    }
    let source = store
        .photo_source(reunion, p.person, p.idx)
        .map_err(|e| e.to_string())?
        .ok_or("its row is gone")?;
    pipeline
        .process(&source)
        .map(|(_, thumb, photo)| (thumb, photo))
}

/// `row` as changed by `by` now, one version past `version`.
fn stamped(mut row: PersonRow, version: u32, by: &str) -> PersonRow {
    row.version = version + 1;
    row.updated_at = now_millis();
    row.updated_by = by.to_string();
    row
}

/// The person `person` if still at `version` and having photo `idx`.
fn current_at(
    reunion: &Reunion,
    person: u32,
    idx: u32,
    version: u32,
) -> Result<Entry, ReunionError> {
    let current = person_at(reunion, person, version)?;
    if !current.photos.iter().any(|p| p.idx == idx) {
        return Err(ReunionError::NotFound);
    }
    Ok(current)
}

impl Reunions {
    /// Replaces photo `idx` of `person` with `source` (made into web
    /// variants first: an unreadable one changes nothing), the person's
    /// version raised in the same transaction. The class is swapped, so
    /// new rooms show the new photo; a running room keeps its questions,
    /// and its next messages carry the new photo's URL (its revision
    /// changed); the old URL keeps serving the old bytes (`retired`).
    pub async fn replace_photo(
        &self,
        id: u32,
        person: u32,
        idx: u32,
        version: u32,
        source: Vec<u8>,
        by: &str,
    ) -> Result<PersonRow, ReunionError> {
        let reunion = self.get(id).ok_or(ReunionError::NotFound)?;
        // Before the slow decoding: a stale edit is refused at once.
        current_at(&reunion, person, idx, version)?;
        let (sha, thumb, photo, source) = self.process(source).await?;
        let _writing = reunion.writing.lock().await;
        let row = stamped(current_at(&reunion, person, idx, version)?.row, version, by);
        let stored_sha = sha.clone();
        let saved = self
            .blocking(move |s| {
                s.update_person_and_photo(id, &row, version, Some((idx, &stored_sha, &source)))
            })
            .await?
            .map_err(ReunionError::Stale)?;
        let mut next = reunion.snapshot();
        if let Some(entry) = next.people.iter_mut().find(|e| e.row.id == person) {
            entry.row = saved.clone();
            if let Some(p) = entry.photos.iter_mut().find(|p| p.idx == idx) {
                p.sha = sha;
                p.thumb = thumb;
                p.photo = photo;
            }
        }
        reunion.replace(next);
        Ok(saved)
    }

    /// A photo's source decoded into its id and web variants, off the
    /// async threads; an unreadable one is [`ReunionError::Invalid`].
    async fn process(
        &self,
        source: Vec<u8>,
    ) -> Result<(String, Variant, Variant, Vec<u8>), ReunionError> {
        let pipeline = self.pipeline.clone();
        tokio::task::spawn_blocking(move || {
            pipeline
                .process(&source)
                .map(|(sha, thumb, photo)| (sha, thumb, photo, source))
        })
        .await
        .map_err(|e| ReunionError::Storage(e.to_string()))?
        .map_err(|e| ReunionError::Invalid(Invalid::Photo(e)))
    }

    /// Adds a photo labelled `label` to `person` (made into web variants
    /// first: an unreadable one changes nothing). A label they have
    /// already is refused (one photo a label, as in the CSV). Their row
    /// and version stay: no field of theirs changed, so an edit being made
    /// on them is still good. New rooms show it. Its index.
    pub async fn add_photo(
        &self,
        id: u32,
        person: u32,
        label: Option<&str>,
        source: Vec<u8>,
    ) -> Result<u32, ReunionError> {
        let reunion = self.get(id).ok_or(ReunionError::NotFound)?;
        let label = label.and_then(clean_text);
        let (sha, thumb, photo, source) = self.process(source).await?;
        let _writing = reunion.writing.lock().await;
        let current = reunion
            .snapshot()
            .people
            .into_iter()
            .find(|e| e.row.id == person && !e.row.deleted)
            .ok_or(ReunionError::NotFound)?;
        if current.photos.len() >= MAX_PHOTOS_PER_PERSON {
            return Err(ReunionError::Invalid(Invalid::TooManyPhotos));
        }
        if current
            .photos
            .iter()
            .any(|p| label_key(p.label.as_deref()) == label_key(label.as_deref()))
        {
            return Err(ReunionError::Invalid(Invalid::LabelTaken {
                name: current.row.name.clone(),
                label: label.clone(),
            }));
        }
        let stored = PhotoRow {
            person,
            idx: 0,
            label: label.clone(),
            sha: sha.clone(),
            bytes: source,
        };
        let idx = self
            .blocking(move |s| s.add_photo(id, stored, now_millis()))
            .await?;
        let mut next = reunion.snapshot();
        if let Some(entry) = next.people.iter_mut().find(|e| e.row.id == person) {
            entry.photos.push(PhotoEntry {
                idx,
                label,
                sha,
                thumb,
                photo,
            });
        }
        reunion.replace(next);
        Ok(idx)
    }

    /// Turns photo `idx` of `person` by `turns` quarter turns clockwise
    /// (the stored source itself, so every size and later rooms agree).
    pub async fn rotate_photo(
        &self,
        id: u32,
        person: u32,
        idx: u32,
        version: u32,
        turns: u8,
        by: &str,
    ) -> Result<PersonRow, ReunionError> {
        let reunion = self.get(id).ok_or(ReunionError::NotFound)?;
        current_at(&reunion, person, idx, version)?;
        let source = self
            .blocking(move |s| s.photo_source(id, person, idx))
            .await?
            .ok_or(ReunionError::NotFound)?;
        let rotated = tokio::task::spawn_blocking(move || rotate_source(&source, turns))
            .await
            .map_err(|e| ReunionError::Storage(e.to_string()))?
            .map_err(|e| ReunionError::Invalid(Invalid::Photo(e)))?;
        self.replace_photo(id, person, idx, version, rotated, by)
            .await
    }
}

/// A label as labels are compared: trimmed, ignoring case; none is "".
pub fn label_key(label: Option<&str>) -> String {
    label.map(|l| l.trim().to_lowercase()).unwrap_or_default()
}

/// `label` as the class already spells it (`1983`, `25th Reunion`), so
/// a room's label choice finds every photo of it; else as given.
pub fn class_label(people: &[Entry], label: &str) -> String {
    let key = label_key(Some(label));
    people
        .iter()
        .flat_map(|e| &e.photos)
        .filter_map(|p| p.label.as_deref())
        .find(|l| label_key(Some(l)) == key)
        .map_or_else(|| label.trim().to_string(), str::to_string)
}

/// What `yearbook check` would say about each person, in its words, by
/// person id: empty name, duplicate name, no photo, the same image twice.
pub fn problems(people: &[Entry]) -> BTreeMap<u32, Vec<String>> {
    let mut out: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    let mut names: BTreeMap<String, &str> = BTreeMap::new();
    let mut images: BTreeMap<&str, &str> = BTreeMap::new();
    for e in people.iter().filter(|e| !e.row.deleted) {
        let mine = out.entry(e.row.id).or_default();
        let name = e.row.name.trim();
        if name.is_empty() {
            mine.push("the name is empty".into());
        } else if let Some(first) = names.insert(crate::roster::csv::name_key(name), name) {
            names.insert(crate::roster::csv::name_key(name), first);
            mine.push(format!("duplicate name '{name}' (first: {first})"));
        }
        if e.photos.is_empty() {
            mine.push("the photo is empty".into());
        }
        // Every photo, not only the first: `check` refuses an exported
        // folder with any image twice, so the editor must show it first.
        let mut twice = None;
        for p in &e.photos {
            match images.get(p.sha.as_str()) {
                Some(first) => {
                    twice.get_or_insert(*first);
                }
                None => {
                    images.insert(p.sha.as_str(), name);
                }
            }
        }
        if let Some(first) = twice {
            mine.push(format!("the photo is the same image as {first}'s"));
        }
    }
    out.retain(|_, v| !v.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: u32, name: &str, sha: Option<&str>, deleted: bool) -> Entry {
        let none = Variant {
            bytes: bytes::Bytes::new(),
            content_type: "image/jpeg",
        };
        Entry {
            row: PersonRow {
                deleted,
                ..PersonRow::named(id, name)
            },
            photos: sha
                .map(|sha| PhotoEntry {
                    idx: 0,
                    label: None,
                    sha: sha.into(),
                    thumb: none.clone(),
                    photo: none.clone(),
                })
                .into_iter()
                .collect(),
        }
    }

    #[test]
    fn a_changed_photo_keeps_its_old_bytes_at_its_old_revision_for_the_newest_changes() {
        let sha = |n: usize| format!("{n:08x}00000000");
        let ann = |n: usize| {
            let mut e = entry(1, "Ann", Some(&sha(n)), false);
            let v = Variant {
                bytes: bytes::Bytes::from(vec![n as u8]),
                content_type: "image/jpeg",
            };
            e.photos[0].thumb = v.clone();
            e.photos[0].photo = v;
            Snapshot {
                meta: Meta {
                    id: 1,
                    title: "t".into(),
                    guest_code: None,
                    solo_open: false,
                    memoriam_default: true,
                    then_now: true,
                    today_keep_days: 30,
                    created_at: 0,
                    updated_at: 0,
                },
                people: vec![e],
            }
        };
        let reunion = Reunion::new(ann(0));
        let served = |rev: usize| {
            reunion
                .served_photo(0, 0, rev as u32, Size::Thumb)
                .map(|v| v.bytes[0] as usize)
        };
        assert_eq!(served(0), Some(0));
        let last = RETIRED_PHOTOS + 1;
        for n in 1..=last {
            reunion.replace(ann(n));
        }
        assert_eq!(served(last), Some(last), "the photo as it is now");
        assert_eq!(served(1), Some(1), "the oldest change still kept");
        assert_eq!(served(0), None, "pushed out by {RETIRED_PHOTOS} newer ones");
        assert_eq!(served(last + 1), None, "a revision it never had");
        // A name edit changes no photo: nothing more is retired.
        let mut renamed = ann(last);
        renamed.people[0].row.name = "Ann B".into();
        reunion.replace(renamed);
        assert_eq!(served(1), Some(1));
    }

    #[test]
    fn each_row_gets_the_checks_words_and_deleted_rows_none() {
        let people = [
            entry(1, "José Núñez", Some("a"), false),
            entry(2, "JOSÉ  núñez", Some("b"), false),
            entry(3, "Ann", None, false),
            entry(4, "Bea", Some("a"), false),
            entry(5, "Ann", Some("c"), true),
        ];
        let p = problems(&people);
        assert_eq!(p.get(&1), None);
        assert_eq!(
            p[&2],
            vec!["duplicate name 'JOSÉ  núñez' (first: José Núñez)".to_string()]
        );
        assert_eq!(p[&3], vec!["the photo is empty".to_string()]);
        assert_eq!(
            p[&4],
            vec!["the photo is the same image as José Núñez's".to_string()]
        );
        assert_eq!(p.get(&5), None, "a deleted row is nobody's duplicate");
    }

    #[test]
    fn a_second_photo_that_is_another_persons_image_is_a_problem() {
        let mut zoe = entry(1, "Zoë Quimby", Some("z83"), false);
        let mut second = zoe.photos[0].clone();
        second.idx = 1;
        second.sha = "z86".into();
        zoe.photos.push(second);
        let people = [zoe, entry(2, "Zoe Quimby", Some("z86"), false)];
        let p = problems(&people);
        assert_eq!(p.get(&1), None);
        assert_eq!(
            p[&2],
            vec!["the photo is the same image as Zoë Quimby's".to_string()]
        );
    }

    #[test]
    fn a_turned_jpeg_stays_a_jpeg_and_a_png_a_png_with_sides_swapped() {
        let img = image::DynamicImage::ImageRgb8(image::RgbImage::new(40, 20));
        for format in [image::ImageFormat::Jpeg, image::ImageFormat::Png] {
            let mut source = std::io::Cursor::new(Vec::new());
            img.write_to(&mut source, format).unwrap();
            let turned = rotate_source(source.get_ref(), 1).unwrap();
            assert_eq!(image::guess_format(&turned).unwrap(), format);
            let back = image::load_from_memory(&turned).unwrap();
            assert_eq!((back.width(), back.height()), (20, 40), "{format:?}");
            let half = rotate_source(source.get_ref(), 2).unwrap();
            let half = image::load_from_memory(&half).unwrap();
            assert_eq!((half.width(), half.height()), (40, 20), "{format:?}");
        }
        assert!(rotate_source(b"not an image", 1).is_err());
    }

    #[test]
    fn the_class_leaves_out_whoever_may_not_be_asked_but_keeps_their_place() {
        let mut people = vec![
            entry(1, "A", Some("a"), false),
            entry(2, "B", Some("b"), true),
            entry(3, "C", None, false),
            entry(4, "D", Some("d"), false),
        ];
        people[3].row.included = false;
        let roster = roster_of(&people);
        assert_eq!(roster.people.len(), 4, "indices stay");
        assert_eq!(roster.people[1].name, "B");
        assert_eq!(roster.pool.excluded, vec![false, true, true, true]);
    }
}
