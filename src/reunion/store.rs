//! Reunions on disk: their own SQLite connection to the game's database
//! file (WAL, so both connections work at once). Organiser writes are rare
//! and may carry megabytes of photos: they never queue behind the rooms'
//! batched writer (`src/store`), nor the votes behind them. Every call
//! blocks: the registry runs them on `spawn_blocking`.

use anyhow::Context;
use parking_lot::Mutex;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A reunion's settings, as stored.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Meta {
    pub id: u32,
    pub title: String,
    /// The guests' event code; `None`: none.
    pub guest_code: Option<String>,
    pub solo_open: bool,
    /// Whether new rooms include classmates in memoriam unless told.
    pub memoriam_default: bool,
    /// Then & now (issue 21) in this event's new rooms.
    pub then_now: bool,
    /// Days a guest's photo of today is kept at most
    /// ([`crate::thennow::KEEP_DAYS_RANGE`]).
    pub today_keep_days: u32,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One person's row. `id` orders the people: a person's place in that
/// order is their index in rooms, so rows are never removed.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PersonRow {
    pub id: u32,
    pub name: String,
    pub known_as: Option<String>,
    pub gender: Option<String>,
    pub in_memoriam: bool,
    pub included: bool,
    pub deleted: bool,
    pub updated_at: i64,
    /// Who made the last change, in words ("the organiser", a name).
    pub updated_by: String,
    /// Raised by every change: an edit made on an older version was made
    /// without seeing the newer one.
    pub version: u32,
}

/// One stored photo of a person: the source as uploaded.
#[derive(Debug, Clone)]
pub struct PhotoRow {
    pub person: u32,
    pub idx: u32,
    pub label: Option<String>,
    pub sha: String,
    pub bytes: Vec<u8>,
}

/// A photo's row as read at start: without its source bytes, which are
/// read one at a time, only for a photo the cache has no variants of.
#[derive(Debug, Clone)]
pub struct StoredPhoto {
    pub person: u32,
    pub idx: u32,
    pub label: Option<String>,
    pub sha: String,
}

/// A reunion as read at start.
#[derive(Debug)]
pub struct StoredReunion {
    pub meta: Meta,
    pub people: Vec<PersonRow>,
    pub photos: Vec<StoredPhoto>,
}

#[cfg(test)]
impl PersonRow {
    /// A fresh, included person at version 1 (unit tests).
    pub fn named(id: u32, name: &str) -> Self {
        Self {
            id,
            name: name.into(),
            known_as: None,
            gender: None,
            in_memoriam: false,
            included: true,
            deleted: false,
            updated_at: 0,
            updated_by: String::new(),
            version: 1,
        }
    }
}

/// Changes to a reunion's settings; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct MetaPatch {
    pub title: Option<String>,
    /// `Some(None)` removes the code.
    pub guest_code: Option<Option<String>>,
    pub solo_open: Option<bool>,
    pub memoriam_default: Option<bool>,
    pub then_now: Option<bool>,
    pub today_keep_days: Option<u32>,
}

/// Changes to a person; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct PersonPatch {
    pub name: Option<String>,
    pub known_as: Option<Option<String>>,
    pub gender: Option<Option<String>>,
    pub in_memoriam: Option<bool>,
    pub included: Option<bool>,
    pub deleted: Option<bool>,
}

impl PersonPatch {
    /// `row` with the patch applied (the version and stamp not yet moved).
    pub fn apply_to(&self, row: &PersonRow) -> PersonRow {
        let mut next = row.clone();
        if let Some(v) = &self.name {
            next.name = v.clone();
        }
        if let Some(v) = &self.known_as {
            next.known_as = v.clone();
        }
        if let Some(v) = &self.gender {
            next.gender = v.clone();
        }
        if let Some(v) = self.in_memoriam {
            next.in_memoriam = v;
        }
        if let Some(v) = self.included {
            next.included = v;
        }
        if let Some(v) = self.deleted {
            next.deleted = v;
        }
        next
    }
}

/// Whether a write failed because the database reached its cap (or the
/// disk is full): `SQLITE_FULL`.
pub fn is_full(e: &anyhow::Error) -> bool {
    matches!(
        e.downcast_ref::<rusqlite::Error>(),
        Some(rusqlite::Error::SqliteFailure(f, _)) if f.code == rusqlite::ErrorCode::DiskFull
    )
}

const META_SELECT: &str =
    "SELECT id, title, guest_code, solo_open, memoriam_default, created_at, updated_at,
        then_now, today_keep_days
     FROM reunions";
const PERSON_SELECT: &str =
    "SELECT id, name, known_as, gender, in_memoriam, included, deleted, updated_at,
        updated_by, version
     FROM reunion_people";

/// The reunions' connection; cheap to clone.
#[derive(Debug, Clone)]
pub struct ReunionStore {
    conn: Arc<Mutex<Connection>>,
    path: PathBuf,
}

impl ReunionStore {
    /// Opens the database the game store has already migrated.
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        Self::open_capped(path, None)
    }

    /// As [`ReunionStore::open`]; with `max_bytes`, writes that would grow
    /// the database past that fail ([`is_full`]).
    pub fn open_capped(path: &Path, max_bytes: Option<u64>) -> anyhow::Result<Self> {
        let conn = crate::store::open_connection(path)?;
        if let Some(max_bytes) = max_bytes {
            crate::store::cap_connection(&conn, max_bytes)?;
        }
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
            path: path.to_path_buf(),
        })
    }

    /// The connection, for the tables of other modules (`drafts`).
    pub(crate) fn lock(&self) -> parking_lot::MutexGuard<'_, Connection> {
        self.conn.lock()
    }

    /// The database file (the photo cache lives beside it).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every reunion with its people and photos.
    pub fn load_all(&self) -> anyhow::Result<Vec<StoredReunion>> {
        let conn = self.conn.lock();
        metas(&conn)?
            .into_iter()
            .map(|meta| load_reunion(&conn, meta))
            .collect()
    }

    pub fn create(&self, title: &str, now: i64) -> anyhow::Result<Meta> {
        let conn = self.conn.lock();
        // Solo starts closed: event ids are counted, so an open one is a
        // class anyone could play by trying `?reunion=1`, `2`, ….
        conn.execute(
            "INSERT INTO reunions (title, solo_open, created_at, updated_at) VALUES (?1, 0, ?2, ?2)",
            params![title, now],
        )?;
        let id = conn.last_insert_rowid();
        conn.query_row(&format!("{META_SELECT} WHERE id = ?1"), [id], meta_of)
            .map_err(Into::into)
    }

    pub fn update_meta(&self, id: u32, patch: &MetaPatch, now: i64) -> anyhow::Result<Meta> {
        let conn = self.conn.lock();
        let guest_code_set = patch.guest_code.is_some();
        let guest_code = patch.guest_code.clone().flatten();
        conn.execute(
            "UPDATE reunions SET
                title = COALESCE(?2, title),
                guest_code = CASE WHEN ?3 THEN ?4 ELSE guest_code END,
                solo_open = COALESCE(?5, solo_open),
                memoriam_default = COALESCE(?6, memoriam_default),
                updated_at = ?7,
                then_now = COALESCE(?8, then_now),
                today_keep_days = COALESCE(?9, today_keep_days)
             WHERE id = ?1",
            params![
                id,
                patch.title,
                guest_code_set,
                guest_code,
                patch.solo_open,
                patch.memoriam_default,
                now,
                patch.then_now,
                patch.today_keep_days
            ],
        )?;
        conn.query_row(&format!("{META_SELECT} WHERE id = ?1"), [id], meta_of)
            .map_err(Into::into)
    }

    /// Adds a person and their photos in one transaction: a crash leaves
    /// either all of it or none.
    pub fn add_person(
        &self,
        reunion: u32,
        row: &PersonRow,
        photos: &[PhotoRow],
    ) -> anyhow::Result<PersonRow> {
        let mut conn = self.conn.lock();
        // Immediate: a read upgraded to a write mid-transaction fails at once
        // (SQLITE_BUSY) when the rooms' writer committed meanwhile.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let next: u32 = tx.query_row(
            "SELECT COALESCE(MAX(id), 0) + 1 FROM reunion_people WHERE reunion = ?1",
            [reunion],
            |r| r.get(0),
        )?;
        let stored = PersonRow {
            id: next,
            ..row.clone()
        };
        insert_person(&tx, reunion, &stored, photos)?;
        tx.execute(
            "UPDATE reunions SET updated_at = ?2 WHERE id = ?1",
            params![reunion, stored.updated_at],
        )?;
        tx.commit()?;
        Ok(stored)
    }

    /// A new reunion and its people (ids from 1 in order) with their
    /// photos, in one transaction: all of it or, on any error, none.
    pub fn create_with_people(
        &self,
        title: &str,
        now: i64,
        people: &[(PersonRow, Vec<PhotoRow>)],
    ) -> anyhow::Result<(Meta, Vec<PersonRow>)> {
        let mut conn = self.conn.lock();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO reunions (title, solo_open, created_at, updated_at) VALUES (?1, 0, ?2, ?2)",
            params![title, now],
        )?;
        let id = u32::try_from(tx.last_insert_rowid())?;
        let mut rows = Vec::with_capacity(people.len());
        for (i, (row, photos)) in people.iter().enumerate() {
            let stored = PersonRow {
                id: u32::try_from(i + 1)?,
                ..row.clone()
            };
            insert_person(&tx, id, &stored, photos)?;
            rows.push(stored);
        }
        let meta = tx.query_row(&format!("{META_SELECT} WHERE id = ?1"), [id], meta_of)?;
        tx.commit()?;
        Ok((meta, rows))
    }

    /// Keeps a co-organiser invite (its hash only).
    pub fn create_invite(&self, reunion: u32, token_hash: &str, now: i64) -> anyhow::Result<()> {
        self.conn.lock().execute(
            "INSERT INTO reunion_invites (token_hash, reunion, created_at) VALUES (?1, ?2, ?3)",
            params![token_hash, reunion, now],
        )?;
        Ok(())
    }

    /// Uses an invite once: its reunion, if it was unused and made after
    /// `not_before`; `None` otherwise (and for ever after).
    pub fn use_invite(
        &self,
        token_hash: &str,
        now: i64,
        not_before: i64,
    ) -> anyhow::Result<Option<u32>> {
        let conn = self.conn.lock();
        conn.query_row(
            "UPDATE reunion_invites SET used_at = ?2
             WHERE token_hash = ?1 AND used_at IS NULL AND created_at >= ?3
             RETURNING reunion",
            params![token_hash, now, not_before],
            |r| r.get(0),
        )
        .optional()
        .map_err(Into::into)
    }

    /// The source bytes of one photo, as uploaded (or last rotated).
    pub fn photo_source(
        &self,
        reunion: u32,
        person: u32,
        idx: u32,
    ) -> anyhow::Result<Option<Vec<u8>>> {
        photo_bytes_if_any(&self.conn.lock(), reunion, person, idx)
    }

    /// Writes each `row` over the stored one if that is still at its
    /// `expected` version, all in one transaction: when any person moved
    /// on, nothing is written and that person's stored row comes back
    /// (someone else's change).
    pub fn update_people(
        &self,
        reunion: u32,
        rows: &[(PersonRow, u32)],
    ) -> anyhow::Result<Result<(), PersonRow>> {
        let mut conn = self.conn.lock();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for (row, expected) in rows {
            if let Err(current) = update_row(&tx, reunion, row, *expected)? {
                // Dropping the transaction rolls back the rows before it.
                return Ok(Err(current));
            }
        }
        if let Some((row, _)) = rows.first() {
            tx.execute(
                "UPDATE reunions SET updated_at = ?2 WHERE id = ?1",
                params![reunion, row.updated_at],
            )?;
        }
        tx.commit()?;
        Ok(Ok(()))
    }

    /// One person's row as [`ReunionStore::update_people`] writes it, and,
    /// in the same transaction, the photo (`idx`, sha, new source bytes)
    /// replaced: a crash keeps either the old version and photo or the new
    /// ones.
    pub fn update_person_and_photo(
        &self,
        reunion: u32,
        row: &PersonRow,
        expected: u32,
        photo: Option<(u32, &str, &[u8])>,
    ) -> anyhow::Result<Result<PersonRow, PersonRow>> {
        let mut conn = self.conn.lock();
        // Immediate: a read upgraded to a write mid-transaction fails at once
        // (SQLITE_BUSY) when the rooms' writer committed meanwhile.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        if let Err(current) = update_row(&tx, reunion, row, expected)? {
            return Ok(Err(current));
        }
        if let Some((idx, sha, bytes)) = photo {
            let replaced = tx.execute(
                "UPDATE reunion_photos SET sha = ?4, bytes = ?5
                 WHERE reunion = ?1 AND person = ?2 AND idx = ?3",
                params![reunion, row.id, idx, sha, bytes],
            )?;
            anyhow::ensure!(replaced == 1, "no photo {idx} of person {}", row.id);
        }
        tx.execute(
            "UPDATE reunions SET updated_at = ?2 WHERE id = ?1",
            params![reunion, row.updated_at],
        )?;
        tx.commit()?;
        Ok(Ok(row.clone()))
    }

    /// Adds `photo` to `person`, its `idx` set one past their last; the
    /// person's row is left alone (no field changed, so an edit someone is
    /// making on it stays valid). Its index.
    pub fn add_photo(&self, reunion: u32, mut photo: PhotoRow, now: i64) -> anyhow::Result<u32> {
        let mut conn = self.conn.lock();
        // Immediate: a read upgraded to a write mid-transaction fails at once
        // (SQLITE_BUSY) when the rooms' writer committed meanwhile.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        photo.idx = tx.query_row(
            "SELECT COALESCE(MAX(idx) + 1, 0) FROM reunion_photos WHERE reunion = ?1 AND person = ?2",
            params![reunion, photo.person],
            |r| r.get(0),
        )?;
        insert_photo(&tx, reunion, photo.person, &photo)?;
        tx.execute(
            "UPDATE reunions SET updated_at = ?2 WHERE id = ?1",
            params![reunion, now],
        )?;
        tx.commit()?;
        Ok(photo.idx)
    }
}

/// Writes `row` if the stored one is still at `expected`; else hands back
/// the stored row.
fn update_row(
    tx: &rusqlite::Transaction<'_>,
    reunion: u32,
    row: &PersonRow,
    expected: u32,
) -> anyhow::Result<Result<(), PersonRow>> {
    let changed = tx.execute(
        "UPDATE reunion_people SET name = ?3, known_as = ?4, gender = ?5, in_memoriam = ?6,
            included = ?7, deleted = ?8, updated_at = ?9, updated_by = ?10, version = ?11
         WHERE reunion = ?1 AND id = ?2 AND version = ?12",
        params![
            reunion,
            row.id,
            row.name,
            row.known_as,
            row.gender,
            row.in_memoriam,
            row.included,
            row.deleted,
            row.updated_at,
            row.updated_by,
            row.version,
            expected
        ],
    )?;
    if changed == 0 {
        let current = tx
            .query_row(
                &format!("{PERSON_SELECT} WHERE reunion = ?1 AND id = ?2"),
                params![reunion, row.id],
                person_of,
            )
            .optional()?
            .context("no such person")?;
        return Ok(Err(current));
    }
    Ok(Ok(()))
}

/// Inserts `person` (its id chosen) and their photos into `reunion`.
fn insert_person(
    tx: &rusqlite::Transaction<'_>,
    reunion: u32,
    stored: &PersonRow,
    photos: &[PhotoRow],
) -> anyhow::Result<()> {
    tx.execute(
        "INSERT INTO reunion_people (reunion, id, name, known_as, gender, in_memoriam,
                included, deleted, updated_at, updated_by, version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            reunion,
            stored.id,
            stored.name,
            stored.known_as,
            stored.gender,
            stored.in_memoriam,
            stored.included,
            stored.deleted,
            stored.updated_at,
            stored.updated_by,
            stored.version
        ],
    )?;
    for photo in photos {
        insert_photo(tx, reunion, stored.id, photo)?;
    }
    Ok(())
}

/// Inserts one photo of `person` at its `idx`.
fn insert_photo(
    tx: &rusqlite::Transaction<'_>,
    reunion: u32,
    person: u32,
    photo: &PhotoRow,
) -> anyhow::Result<()> {
    tx.execute(
        "INSERT INTO reunion_photos (reunion, person, idx, label, sha, bytes)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            reunion,
            person,
            photo.idx,
            photo.label,
            photo.sha,
            photo.bytes
        ],
    )?;
    Ok(())
}

/// Every reunion's settings, by id.
pub fn metas(conn: &Connection) -> anyhow::Result<Vec<Meta>> {
    let mut metas = conn.prepare(&format!("{META_SELECT} ORDER BY id"))?;
    let metas = metas.query_map([], meta_of)?.collect::<Result<_, _>>()?;
    Ok(metas)
}

/// One reunion's people (by id) and photos (by person, then index).
/// The source bytes of one photo, if it is stored.
fn photo_bytes_if_any(
    conn: &Connection,
    reunion: u32,
    person: u32,
    idx: u32,
) -> anyhow::Result<Option<Vec<u8>>> {
    conn.query_row(
        "SELECT bytes FROM reunion_photos WHERE reunion = ?1 AND person = ?2 AND idx = ?3",
        params![reunion, person, idx],
        |r| r.get(0),
    )
    .optional()
    .map_err(Into::into)
}

/// The source bytes of a photo [`load_reunion`] listed.
pub fn photo_bytes(
    conn: &Connection,
    reunion: u32,
    person: u32,
    idx: u32,
) -> anyhow::Result<Vec<u8>> {
    photo_bytes_if_any(conn, reunion, person, idx)?
        .ok_or_else(|| anyhow::anyhow!("photo {idx} of person {person} is gone"))
}

pub fn load_reunion(conn: &Connection, meta: Meta) -> anyhow::Result<StoredReunion> {
    let mut people =
        conn.prepare_cached(&format!("{PERSON_SELECT} WHERE reunion = ?1 ORDER BY id"))?;
    let mut photos = conn.prepare_cached(
        "SELECT person, idx, label, sha FROM reunion_photos
         WHERE reunion = ?1 ORDER BY person, idx",
    )?;
    let people = people
        .query_map([meta.id], person_of)?
        .collect::<Result<_, _>>()?;
    let photos = photos
        .query_map([meta.id], |r| {
            Ok(StoredPhoto {
                person: r.get(0)?,
                idx: r.get(1)?,
                label: r.get(2)?,
                sha: r.get(3)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(StoredReunion {
        meta,
        people,
        photos,
    })
}

fn meta_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<Meta> {
    Ok(Meta {
        id: r.get(0)?,
        title: r.get(1)?,
        guest_code: r.get(2)?,
        solo_open: r.get(3)?,
        memoriam_default: r.get(4)?,
        created_at: r.get(5)?,
        updated_at: r.get(6)?,
        then_now: r.get(7)?,
        today_keep_days: r.get(8)?,
    })
}

fn person_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<PersonRow> {
    Ok(PersonRow {
        id: r.get(0)?,
        name: r.get(1)?,
        known_as: r.get(2)?,
        gender: r.get(3)?,
        in_memoriam: r.get(4)?,
        included: r.get(5)?,
        deleted: r.get(6)?,
        updated_at: r.get(7)?,
        updated_by: r.get(8)?,
        version: r.get(9)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_people_are_written_all_or_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("yearbook.db");
        // The game store creates and migrates the tables.
        let _game = crate::store::Store::open(&path).expect("game store");
        let store = ReunionStore::open(&path).expect("reunion store");
        let meta = store.create("All or nothing", 0).expect("reunion");
        let ann = store.add_person(meta.id, &PersonRow::named(0, "Ann"), &[]);
        let bob = store.add_person(meta.id, &PersonRow::named(0, "Bob"), &[]);
        let (ann, bob) = (ann.expect("Ann"), bob.expect("Bob"));
        let female = |row: &PersonRow| PersonRow {
            gender: Some("f".into()),
            version: 2,
            ..row.clone()
        };
        let genders = |store: &ReunionStore| -> Vec<(Option<String>, u32)> {
            let all = store.load_all().expect("load");
            all[0]
                .people
                .iter()
                .map(|p| (p.gender.clone(), p.version))
                .collect()
        };

        // Bob moved on: Ann's change, already made in the transaction, goes too.
        let stale = store.update_people(meta.id, &[(female(&ann), 1), (female(&bob), 7)]);
        assert_eq!(
            stale.expect("no storage error").map_err(|r| r.name),
            Err("Bob".into())
        );
        assert_eq!(genders(&store), [(None, 1), (None, 1)]);

        let both = store.update_people(meta.id, &[(female(&ann), 1), (female(&bob), 1)]);
        assert_eq!(both.expect("no storage error"), Ok(()));
        let f = || Some("f".to_string());
        assert_eq!(genders(&store), [(f(), 2), (f(), 2)]);
    }
}
