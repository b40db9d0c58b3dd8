//! The durable store: SQLite (WAL, `synchronous=FULL`) written by one thread
//! that groups everything that arrived during the previous commit into the
//! next transaction. Rooms are rebuilt from it on start.
//!
//! Each room's events carry a sequence number; after a commit the writer
//! raises the room's [`DurableMark`] ("stored up to N"), and whoever waits
//! for an event (a `vote_ack`, a `welcome`, a reveal) watches that mark.

pub mod backup;
mod columns;
mod schema;

pub use schema::refuse_newer;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use anyhow::Context;
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};
use tokio::sync::watch;

use crate::game::{Event, Millis, PlayerId};

/// A room as stored: what [`crate::room::Room::restore`] needs.
#[derive(Debug)]
pub struct StoredRoom {
    pub code: String,
    /// Whose class the room plays (0: the built-in one).
    pub reunion: u32,
    pub host_key_hash: String,
    pub events: Vec<Event>,
    /// `(player, token hash)` of players not kicked.
    pub tokens: Vec<(PlayerId, String)>,
    pub last_seq: u64,
    pub last_active: Millis,
}

/// How far one room's events are on disk: all the store tells a room
/// about its events.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Durable {
    /// Every event of the room up to this sequence number is stored.
    pub up_to: u64,
    /// Nothing after `up_to` ever will be: the room was deleted or set
    /// aside, and its later appends are dropped unwritten.
    pub given_up: bool,
}

/// A room's [`Durable`] mark: the room makes it and hands it in with each
/// append; the writer raises it after each commit (once per room and
/// commit, however many appends it held), and whoever waits for an event
/// (a `vote_ack`, a `welcome`, a reveal) watches it.
#[derive(Debug, Clone)]
pub struct DurableMark(Arc<watch::Sender<Durable>>);

impl DurableMark {
    /// A room whose events up to `up_to` are stored already.
    pub fn new(up_to: u64) -> Self {
        Self(Arc::new(watch::Sender::new(Durable {
            up_to,
            given_up: false,
        })))
    }

    pub fn get(&self) -> Durable {
        *self.0.borrow()
    }

    /// Sees each change.
    pub fn subscribe(&self) -> watch::Receiver<Durable> {
        self.0.subscribe()
    }

    fn raise(&self, up_to: u64) {
        self.0.send_if_modified(|d| {
            let raise = up_to > d.up_to;
            if raise {
                d.up_to = up_to;
            }
            raise
        });
    }

    fn give_up(&self) {
        self.0
            .send_if_modified(|d| !std::mem::replace(&mut d.given_up, true));
    }

    fn same(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// How soon an append must be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    /// May wait a little for company (`LINGER`): a commit costs about
    /// the same however little it holds (votes).
    MayWait,
    /// Written at the next gap between commits (`COMMIT_GAP`): someone
    /// waits for it (a join's welcome, a round's start, a reveal).
    NextGap,
}

/// What a room sends to be written.
#[derive(Debug)]
pub enum Op {
    CreateRoom {
        code: String,
        host_key_hash: String,
        at: Millis,
        /// Whose class the room plays (0: the built-in one).
        reunion: u32,
    },
    Append {
        room: String,
        /// Sequence number of the first event.
        first_seq: u64,
        at: Millis,
        events: Vec<Event>,
        /// A new player's token hash, with its `Joined` event.
        token: Option<(PlayerId, String)>,
        /// Scores after a round closed: `(player, score)`.
        scores: Vec<(PlayerId, u32)>,
        urgency: Urgency,
        /// Raised once the events are stored; given up if they are dropped.
        durable: DurableMark,
    },
    Archive {
        room: String,
    },
    /// Deletes a room and everything it wrote (a lobby nobody joined).
    /// Anything it still sends afterwards is dropped, not written.
    Delete {
        room: String,
    },
    /// Deletes archived rooms last active before `before` (retention).
    Prune {
        before: Millis,
    },
    /// Answered once everything sent before it is on disk.
    Flush(tokio::sync::oneshot::Sender<()>),
    /// Last words: fold the WAL back into the database file (so a plain
    /// copy of `yearbook.db` is a complete backup) and stop the writer.
    Close(tokio::sync::oneshot::Sender<()>),
}

/// SHA-256 hex of a secret: tokens and host keys are stored only this way.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A stored room that could not be read back: left in the database as it
/// is, out of play, its code kept from new rooms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAside {
    pub code: String,
    pub why: String,
}

/// An opened store and what it held.
#[derive(Debug)]
pub struct Opened {
    pub store: Store,
    /// Live (not archived) rooms, to rebuild.
    pub rooms: Vec<StoredRoom>,
    /// Live rooms with an unreadable event or player: one bad row keeps its
    /// own room out, not the whole server.
    pub set_aside: Vec<SetAside>,
    /// When the previous run last wrote: the start of its downtime.
    pub last_alive: Option<Millis>,
    /// A random key made once per database: signs cookies across restarts.
    pub secret: Vec<u8>,
    /// The reunions' own connection to the same file, and what it held.
    pub reunion_store: crate::reunion::ReunionStore,
    pub reunions: Vec<crate::reunion::StoredReunion>,
}

fn server_secret(conn: &Connection) -> anyhow::Result<Vec<u8>> {
    let existing: Option<Vec<u8>> = conn
        .query_row("SELECT value FROM meta WHERE key = 'secret'", [], |r| {
            r.get(0)
        })
        .optional()?;
    if let Some(secret) = existing {
        return Ok(secret);
    }
    let secret: [u8; 32] = rand::random();
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('secret', ?1)",
        [secret.to_vec()],
    )?;
    Ok(secret.to_vec())
}

/// Handle to the writer thread.
#[derive(Debug, Clone)]
pub struct Store {
    tx: mpsc::Sender<Op>,
    healthy: Arc<watch::Sender<bool>>,
    /// `true` once the writer has stopped for good (closed, or gone).
    gone: Arc<watch::Sender<bool>>,
}

impl Store {
    /// Opens (or creates) the database, migrates it, and returns the live
    /// rooms in it along with the handle.
    pub fn open(path: &Path) -> anyhow::Result<Opened> {
        Self::open_capped(path, None)
    }

    /// As [`Store::open`], with the database kept under `max_bytes`
    /// (`PRAGMA max_page_count`): past it, writes fail as on a full disk
    /// (`--db-max-mb`).
    pub fn open_capped(path: &Path, max_bytes: Option<u64>) -> anyhow::Result<Opened> {
        check_writable(path)?;
        // Before anything opens it for writing: even a read-write open's
        // close can fold a newer binary's WAL into the file.
        schema::refuse_newer(path)?;
        let mut conn = open_connection(path)?;
        schema::migrate(&mut conn)?;
        let (rooms, set_aside) = load_rooms(&conn)?;
        for room in &set_aside {
            tracing::error!(room = %room.code, why = %room.why, "room set aside: it stays in the database as it is, out of play");
        }
        // `alive` is rewritten at most once a second: an event stored after
        // it says the server was up later than that.
        let last_alive = conn
            .query_row(
                "SELECT MAX(at) FROM (SELECT at FROM alive WHERE id = 1 UNION ALL SELECT MAX(at) FROM events)",
                [],
                |r| r.get::<_, Option<i64>>(0),
            )?
            .map(|v| v as Millis);
        let secret = server_secret(&conn)?;
        if let Some(max_bytes) = max_bytes {
            cap_connection(&conn, max_bytes)?;
        }
        let reunion_store =
            crate::reunion::ReunionStore::open_capped(path, max_bytes.map(organiser_share))?;
        let reunions = reunion_store.load_all()?;
        let (tx, rx) = mpsc::channel();
        let healthy = Arc::new(watch::Sender::new(true));
        let gone = Arc::new(watch::Sender::new(false));
        let writer = Writer {
            conn,
            path: path.to_path_buf(),
            identity: file_identity(path),
            healthy: healthy.clone(),
            gone: gone.clone(),
            alive_written: None,
            active_written: std::collections::HashMap::new(),
            deleted: std::collections::HashMap::new(),
            deleted_swept: std::time::Instant::now(),
            set_aside: std::collections::HashSet::new(),
            prune_before: None,
        };
        std::thread::Builder::new()
            .name("store-writer".into())
            .spawn(move || writer.run(rx))
            .context("cannot start the store writer")?;
        Ok(Opened {
            store: Self { tx, healthy, gone },
            rooms,
            set_aside,
            last_alive,
            secret,
            reunion_store,
            reunions,
        })
    }

    /// Queues an operation; the order of calls is the order of writes.
    pub fn send(&self, op: Op) {
        if self.tx.send(op).is_err() {
            self.healthy.send_replace(false);
            self.gone.send_replace(true);
        }
    }

    /// Waits until everything sent so far is on disk (graceful shutdown);
    /// `false` if the writer is gone or the wait exceeds `limit`.
    pub async fn flush(&self, limit: Duration) -> bool {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.send(Op::Flush(tx));
        matches!(tokio::time::timeout(limit, rx).await, Ok(Ok(())))
    }

    /// Flushes, checkpoints the WAL into the main file and stops the writer.
    pub async fn close(&self, limit: Duration) -> bool {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.send(Op::Close(tx));
        matches!(tokio::time::timeout(limit, rx).await, Ok(Ok(())))
    }

    /// Resolves once the writer has stopped for good: what it did not
    /// store by then never will be. (A failing store is not gone: it
    /// retries, and whatever waits for its writes waits with them.)
    pub async fn gone(&self) {
        let mut rx = self.gone.subscribe();
        let _ = rx.wait_for(|gone| *gone).await;
    }

    /// False while writes are failing.
    pub fn is_healthy(&self) -> bool {
        *self.healthy.borrow()
    }

    /// Sees each change of [`Store::is_healthy`].
    pub fn health(&self) -> watch::Receiver<bool> {
        self.healthy.subscribe()
    }
}

/// The database's folder (SQLite makes its `-wal` and `-shm` files there)
/// and the file, if it exists, must be writable: a read-only disk or a
/// folder of another user is said plainly at start, in the file system's
/// words, not as SQLite's "unable to open database file".
#[cfg(unix)]
pub fn check_writable(path: &Path) -> anyhow::Result<()> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let writable = |p: &Path| rustix::fs::access(p, rustix::fs::Access::WRITE_OK);
    if let Err(e) = writable(folder) {
        anyhow::bail!(
            "cannot write the database {}: its folder {}: {}",
            path.display(),
            folder.display(),
            std::io::Error::from(e)
        );
    }
    if path.exists()
        && let Err(e) = writable(path)
    {
        anyhow::bail!(
            "cannot write the database {}: {}",
            path.display(),
            std::io::Error::from(e)
        );
    }
    Ok(())
}

#[cfg(not(unix))]
pub fn check_writable(_path: &Path) -> anyhow::Result<()> {
    Ok(())
}

/// A connection as every part of the server opens the database: WAL,
/// full sync, foreign keys, waiting out the other writers.
/// Keeps what `conn` writes under `max_bytes` (`PRAGMA max_page_count` is
/// per connection): past it, its writes fail with `SQLITE_FULL`.
pub(crate) fn cap_connection(conn: &Connection, max_bytes: u64) -> anyhow::Result<()> {
    let page_size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
    let pages = (max_bytes / page_size.max(1) as u64).clamp(1, i64::MAX as u64);
    conn.pragma_update(None, "max_page_count", pages as i64)?;
    Ok(())
}

/// Most of the database (`--db-max-mb`) the organiser's events may fill:
/// the rest (a quarter, at most [`GAME_RESERVE_MAX`]) is kept for the
/// games' votes and joins, so photos never stop an evening from saving.
pub fn organiser_share(max_bytes: u64) -> u64 {
    max_bytes - (max_bytes / 4).min(GAME_RESERVE_MAX)
}

/// The largest part of `--db-max-mb` kept for games alone.
pub const GAME_RESERVE_MAX: u64 = 64 * 1024 * 1024;

pub(crate) fn open_connection(path: &Path) -> anyhow::Result<Connection> {
    let conn = Connection::open(path)
        .with_context(|| format!("cannot open the database {}", path.display()))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(Duration::from_secs(5))?;
    Ok(conn)
}

/// Device and inode: a database file removed or replaced under us is a
/// storage failure even though SQLite would go on writing to the old inode.
#[cfg(unix)]
fn file_identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_identity(path: &Path) -> Option<(u64, u64)> {
    std::fs::metadata(path).ok().map(|_| (0, 0))
}

fn load_rooms(conn: &Connection) -> anyhow::Result<(Vec<StoredRoom>, Vec<SetAside>)> {
    let mut rooms_stmt = conn.prepare(
        "SELECT code, host_key_hash, last_active, reunion FROM rooms WHERE archived = 0 ORDER BY created_at",
    )?;
    let heads: Vec<(String, String, i64, u32)> = rooms_stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_, _>>()?;
    let mut events_stmt =
        conn.prepare("SELECT seq, body FROM events WHERE room = ?1 ORDER BY seq")?;
    let mut tokens_stmt = conn.prepare(
        "SELECT id, token_hash FROM players WHERE room = ?1 AND kicked = 0 AND token_hash IS NOT NULL",
    )?;
    let mut rooms = Vec::with_capacity(heads.len());
    let mut set_aside = Vec::new();
    for (code, host_key_hash, last_active, reunion) in heads {
        match load_room(&mut events_stmt, &mut tokens_stmt, &code) {
            Ok((events, tokens, last_seq)) => rooms.push(StoredRoom {
                code,
                reunion,
                host_key_hash,
                events,
                tokens,
                last_seq,
                last_active: last_active as Millis,
            }),
            Err(e) => set_aside.push(SetAside {
                code,
                why: format!("{e:#}"),
            }),
        }
    }
    Ok((rooms, set_aside))
}

/// One room's events, players' tokens and last sequence number.
type RoomRows = (Vec<Event>, Vec<(PlayerId, String)>, u64);

fn load_room(
    events_stmt: &mut rusqlite::Statement<'_>,
    tokens_stmt: &mut rusqlite::Statement<'_>,
    code: &str,
) -> anyhow::Result<RoomRows> {
    let mut events = Vec::new();
    let mut last_seq = 0;
    let rows =
        events_stmt.query_map([code], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1))))?;
    for row in rows {
        let (seq, body) = row?;
        let event: Event = body
            .map_err(anyhow::Error::from)
            .and_then(|body| Ok(serde_json::from_str(&body)?))
            .with_context(|| format!("event {seq} is unreadable"))?;
        events.push(event);
        last_seq = seq as u64;
    }
    let tokens = tokens_stmt
        .query_map([code], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()
        .context("a player is unreadable")?;
    Ok((events, tokens, last_seq))
}

struct Writer {
    conn: Connection,
    path: PathBuf,
    identity: Option<(u64, u64)>,
    healthy: Arc<watch::Sender<bool>>,
    gone: Arc<watch::Sender<bool>>,
    /// When the `alive` row and each room's `last_active` were last
    /// written: at most every [`STAMP_EVERY`], not in every commit (each is
    /// a page of its own to rewrite and sync). By the server's clock, so a
    /// test's skip makes the next commit write the time it skipped to.
    alive_written: Option<tokio::time::Instant>,
    active_written: std::collections::HashMap<String, tokio::time::Instant>,
    /// Rooms deleted lately, and when: what they still send is dropped
    /// (and reported not stored), so no event outlives its room. A room
    /// refuses everything once it asks for its deletion, so this is a
    /// guard, kept for [`FORGET_DELETED`] only.
    deleted: std::collections::HashMap<String, std::time::Instant>,
    deleted_swept: std::time::Instant,
    /// Rooms whose writes failed for good: nothing more of them is
    /// written (or reported stored).
    set_aside: std::collections::HashSet<String>,
    /// Retention asked for and not done yet: archived games last active
    /// before this go, [`PRUNE_CHUNK`] at a time.
    prune_before: Option<Millis>,
}

/// How stale the `alive` row (a restart's guess at when the server
/// stopped) and rooms' `last_active` (hours before an idle room is
/// archived) may get.
const STAMP_EVERY: Duration = Duration::from_secs(1);

/// How long the writer remembers a deleted room's code.
const FORGET_DELETED: Duration = Duration::from_secs(5 * 60);

/// What the writer tells after a commit or a failure, in order: a room's
/// mark is raised before the store's health changes, so a failure never
/// overtakes an earlier commit. Told on the writer's thread: raising a few
/// marks (one per room written) costs microseconds, the next commit's
/// sync milliseconds.
#[derive(Default)]
struct CommitReport {
    durable_to: Vec<(DurableMark, u64)>,
    /// Rooms whose appends were dropped: nothing more of them is stored.
    given_up: Vec<DurableMark>,
    flushed: Vec<tokio::sync::oneshot::Sender<()>>,
    healthy: Option<bool>,
    /// Logged when the store turns unhealthy.
    error: Option<String>,
}

impl CommitReport {
    fn health(healthy: bool, error: Option<String>) -> Self {
        Self {
            healthy: Some(healthy),
            error,
            ..Self::default()
        }
    }

    /// Room `durable` is stored up to `last` (one raise per room and commit).
    fn stored(&mut self, durable: DurableMark, last: u64) {
        match self.durable_to.iter_mut().find(|(d, _)| d.same(&durable)) {
            Some((_, max)) => *max = (*max).max(last),
            None => self.durable_to.push((durable, last)),
        }
    }

    fn tell(self, health: &watch::Sender<bool>) {
        for (durable, last) in self.durable_to {
            durable.raise(last);
        }
        for durable in self.given_up {
            durable.give_up();
        }
        if let Some(healthy) = self.healthy
            && health.send_replace(healthy) != healthy
        {
            match self.error {
                Some(e) => tracing::error!(error = %e, "storage failed; retrying"),
                None => tracing::info!("storage works again"),
            }
        }
        for done in self.flushed {
            let _ = done.send(());
        }
    }
}

/// Marks the store gone when the writer ends, however it ends.
struct GoneOnDrop(Arc<watch::Sender<bool>>);

impl Drop for GoneOnDrop {
    fn drop(&mut self) {
        self.0.send_replace(true);
    }
}

/// Most operations in one transaction.
const MAX_BATCH: usize = 4096;
/// The shortest time from one commit's end to the next one's start.
const COMMIT_GAP: Duration = Duration::from_millis(4);
/// A batch this large is worth a commit at once (after the gap).
const FULL_BATCH: usize = 128;
/// The longest a smaller batch waits for more.
const LINGER: Duration = Duration::from_millis(16);

/// Whether `pending`, the oldest of it `waited` old, is committed now:
/// what may wait (votes) waits up to [`LINGER`] for company, the rest goes
/// at once (after the gap).
fn batch_is_due(pending: &[Op], waited: Duration) -> bool {
    let urgent = pending.iter().any(|op| match op {
        Op::Append { urgency, .. } => *urgency == Urgency::NextGap,
        Op::Archive { .. } | Op::Delete { .. } | Op::Prune { .. } => false,
        Op::Flush(_) | Op::Close(_) | Op::CreateRoom { .. } => true,
    });
    urgent || pending.len() >= FULL_BATCH || waited >= LINGER
}

impl Writer {
    fn run(mut self, rx: mpsc::Receiver<Op>) {
        let _gone = GoneOnDrop(self.gone.clone());
        let mut pending: Vec<Op> = Vec::new();
        let mut backoff = Duration::from_millis(50);
        let mut last_commit = std::time::Instant::now();
        // When the oldest operation in `pending` came.
        let mut first_at = std::time::Instant::now();
        loop {
            if pending.is_empty() {
                // Retention, a chunk at a time, while nothing else waits.
                if self.prune_before.is_some() {
                    match rx.try_recv() {
                        Ok(op) => {
                            pending.push(op);
                            first_at = std::time::Instant::now();
                        }
                        Err(mpsc::TryRecvError::Empty) => {
                            self.prune_chunk();
                            continue;
                        }
                        Err(mpsc::TryRecvError::Disconnected) => return,
                    }
                }
            }
            if pending.is_empty() {
                match rx.recv_timeout(Duration::from_secs(1)) {
                    Ok(op) => {
                        pending.push(op);
                        first_at = std::time::Instant::now();
                    }
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        // Also notices a removed database while nothing is written.
                        let report = match self.mark_alive() {
                            Ok(()) => CommitReport::health(true, None),
                            Err(e) => CommitReport::health(false, Some(e.to_string())),
                        };
                        report.tell(&self.healthy);
                        continue;
                    }
                    Err(mpsc::RecvTimeoutError::Disconnected) => return,
                }
            }
            // Under load, commits come at most every COMMIT_GAP: each
            // commit rewrites its pages to the WAL and syncs, so fewer,
            // larger commits cost far less for a few ms more latency. A
            // trickle (votes spread over seconds) waits up to LINGER for
            // company, as a commit costs about the same however little it
            // holds. Sleeping (not waiting on the channel) means senders
            // never wake this thread per message.
            loop {
                let wait =
                    (last_commit + COMMIT_GAP).saturating_duration_since(std::time::Instant::now());
                if !wait.is_zero() {
                    std::thread::sleep(wait);
                }
                while pending.len() < MAX_BATCH {
                    match rx.try_recv() {
                        Ok(op) => pending.push(op),
                        Err(_) => break,
                    }
                }
                let waited = first_at.elapsed();
                if batch_is_due(&pending, waited) {
                    break;
                }
                std::thread::sleep(COMMIT_GAP.min(LINGER - waited));
            }
            let committed = self.commit(&pending);
            last_commit = std::time::Instant::now();
            let closing = match committed {
                Ok(dropped) => {
                    backoff = Duration::from_millis(50);
                    let mut report = CommitReport::health(true, None);
                    let closing = self.committed(pending.drain(..), &dropped, &mut report);
                    report.tell(&self.healthy);
                    closing
                }
                Err(e) if is_permanent(&e) => {
                    // Retrying the batch as it is would fail for ever and
                    // hold every room up: each operation on its own, and
                    // the room whose operation still fails is set aside.
                    tracing::error!(error = %format!("{e:#}"), "a write failed for a reason retrying cannot fix; writing its batch one operation at a time");
                    let (closing, rest) = self.one_by_one(std::mem::take(&mut pending));
                    pending = rest;
                    closing
                }
                Err(e) => {
                    // The events are kept and retried, before anything
                    // newer, so they land in order; whoever waits for them
                    // (an ack, a welcome, a reveal) waits on. Nobody is
                    // told "not stored": the retry would make that a lie
                    // (a refused vote counted after all). The rooms refuse
                    // new votes and joins while the store is unhealthy.
                    CommitReport::health(false, Some(format!("{e:#}"))).tell(&self.healthy);
                    std::thread::sleep(backoff);
                    backoff = (backoff * 2).min(Duration::from_secs(2));
                    None
                }
            };
            if let Some(done) = closing {
                if let Err(e) = self
                    .conn
                    .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
                {
                    tracing::warn!(error = %e, "could not checkpoint the database");
                }
                let _ = done.send(());
                return;
            }
            // Retention between batches, never inside one: live votes do
            // not wait behind a month of deletions.
            if self.prune_before.is_some() && pending.is_empty() {
                self.prune_chunk();
            }
        }
    }

    /// What a successful commit of `ops` tells (into `report`); the
    /// `Close` among them, if any. `dropped`: indices of appends not
    /// written (their room was deleted or set aside).
    fn committed(
        &mut self,
        ops: impl Iterator<Item = Op>,
        dropped: &[usize],
        report: &mut CommitReport,
    ) -> Option<tokio::sync::oneshot::Sender<()>> {
        let mut closing = None;
        for (i, op) in ops.enumerate() {
            match op {
                // Never stored: whoever waits for it hears so.
                Op::Append { durable, .. } if dropped.contains(&i) => {
                    report.given_up.push(durable);
                }
                Op::Flush(done) => report.flushed.push(done),
                Op::Close(done) => closing = Some(done),
                Op::Append {
                    first_seq,
                    events,
                    durable,
                    ..
                } => {
                    report.stored(durable, first_seq + events.len() as u64 - 1);
                }
                Op::Prune { before } => {
                    self.prune_before = Some(self.prune_before.unwrap_or(0).max(before));
                }
                Op::CreateRoom { .. } | Op::Archive { .. } | Op::Delete { .. } => {}
            }
        }
        closing
    }

    /// After a permanent failure: commits `ops` one at a time. An
    /// operation that fails again for good sets its room aside (logged;
    /// nothing of it is reported stored, its later writes are dropped);
    /// one that fails for a passing reason (space) is kept, with all after
    /// it, for the normal retry. Returns the `Close` met and what is kept.
    fn one_by_one(&mut self, ops: Vec<Op>) -> (Option<tokio::sync::oneshot::Sender<()>>, Vec<Op>) {
        let mut kept = Vec::new();
        let mut closing = None;
        for op in ops {
            if !kept.is_empty() {
                kept.push(op);
                continue;
            }
            match self.commit(std::slice::from_ref(&op)) {
                Ok(dropped) => {
                    let mut report = CommitReport::health(true, None);
                    closing =
                        closing.or(self.committed(std::iter::once(op), &dropped, &mut report));
                    report.tell(&self.healthy);
                }
                Err(e) if is_permanent(&e) => {
                    if let Some(room) = op_room(&op) {
                        tracing::error!(room, error = %format!("{e:#}"), "room set aside: its writes keep failing; nothing more of it is stored");
                        self.set_aside.insert(room.to_string());
                    } else {
                        tracing::error!(error = %format!("{e:#}"), "a write failed for good and was dropped");
                    }
                    // Dropped: whoever waits for it hears "not stored".
                    if let Op::Append { durable, .. } = op {
                        durable.give_up();
                    }
                }
                Err(_) => kept.push(op),
            }
        }
        (closing, kept)
    }

    /// Deletes up to [`PRUNE_CHUNK`] archived games past retention in one
    /// commit of its own; the pruning is over when fewer were left. A
    /// failure ends it for today (the next day's prune takes it up).
    fn prune_chunk(&mut self) {
        let Some(before) = self.prune_before else {
            return;
        };
        let pruned = self.conn.transaction().and_then(|tx| {
            let n = delete_rooms(
                &tx,
                "code IN (SELECT code FROM rooms WHERE last_active < ?1 AND archived = 1
                          ORDER BY code LIMIT ?2)",
                params![before as i64, PRUNE_CHUNK as i64],
            )?;
            tx.commit()?;
            Ok(n)
        });
        match pruned {
            Ok(n) => {
                if n > 0 {
                    tracing::info!(rooms = n, "old games pruned");
                }
                if n < PRUNE_CHUNK {
                    self.prune_before = None;
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "pruning old games failed; trying again tomorrow");
                self.prune_before = None;
            }
        }
    }

    fn mark_alive(&mut self) -> anyhow::Result<()> {
        self.check_file()?;
        let now = crate::clock::Clock::new().now();
        self.conn.execute(
            "INSERT INTO alive (id, at) VALUES (1, ?1) ON CONFLICT(id) DO UPDATE SET at = excluded.at",
            [now as i64],
        )?;
        Ok(())
    }

    fn check_file(&self) -> anyhow::Result<()> {
        if file_identity(&self.path) != self.identity {
            anyhow::bail!(
                "the database file {} was removed or replaced",
                self.path.display()
            );
        }
        Ok(())
    }

    /// Commits `ops`; `Ok` carries which of them (indices) were dropped
    /// unwritten: appends of a deleted room.
    fn commit(&mut self, ops: &[Op]) -> anyhow::Result<Vec<usize>> {
        self.check_file()?;
        // At most once a minute: thousands of expired lobbies may sit here.
        if self.deleted_swept.elapsed() >= Duration::from_secs(60) {
            self.deleted_swept = std::time::Instant::now();
            self.deleted.retain(|_, at| at.elapsed() < FORGET_DELETED);
        }
        let tx = self.conn.transaction()?;
        // Each room's last activity once per commit, not once per vote.
        let mut active: Vec<(&str, Millis)> = Vec::new();
        let mut rows = Vec::new();
        let mut dropped = Vec::new();
        // Deletions and creations of this batch count from the commit on:
        // a failed commit is retried from the same state.
        let mut deleted_now: Vec<(&str, bool)> = Vec::new();
        for (i, op) in ops.iter().enumerate() {
            match op {
                Op::Append { room, .. } => {
                    let gone = match deleted_now.iter().rev().find(|(r, _)| *r == room.as_str()) {
                        Some((_, gone)) => *gone,
                        None => self.deleted.contains_key(room),
                    } || self.set_aside.contains(room);
                    if gone {
                        dropped.push(i);
                        continue;
                    }
                }
                Op::CreateRoom { code, .. } => deleted_now.push((code, false)),
                Op::Delete { room } => deleted_now.push((room, true)),
                _ => {}
            }
            apply(&tx, op, &mut rows)?;
            if let Op::Append { room, at, .. } = op {
                match active.iter_mut().find(|(r, _)| *r == room.as_str()) {
                    Some((_, last)) => *last = (*last).max(*at),
                    None => active.push((room, *at)),
                }
            }
        }
        insert_events(&tx, &mut rows)?;
        let stamped = crate::clock::now();
        let due = |written: Option<&tokio::time::Instant>| {
            written.is_none_or(|t| stamped.saturating_duration_since(*t) >= STAMP_EVERY)
        };
        active.retain(|(room, _)| due(self.active_written.get(*room)));
        for (room, at) in &active {
            tx.prepare_cached("UPDATE rooms SET last_active = ?2 WHERE code = ?1")?
                .execute(params![room, *at as i64])?;
        }
        // A flush or the last commit before closing marks the time too.
        let alive = due(self.alive_written.as_ref())
            || ops
                .iter()
                .any(|op| matches!(op, Op::Flush(_) | Op::Close(_)));
        if alive {
            let now = crate::clock::Clock::new().now();
            tx.prepare_cached(
                "INSERT INTO alive (id, at) VALUES (1, ?1) ON CONFLICT(id) DO UPDATE SET at = excluded.at",
            )?
            .execute([now as i64])?;
        }
        tx.commit()?;
        let now = std::time::Instant::now();
        for (room, gone) in deleted_now {
            if gone {
                self.deleted.insert(room.to_string(), now);
            } else {
                self.deleted.remove(room);
            }
        }
        if alive {
            self.alive_written = Some(stamped);
        }
        if self.active_written.len() > 4096 {
            self.active_written
                .retain(|_, t| stamped.saturating_duration_since(*t) < STAMP_EVERY);
        }
        for (room, _) in active {
            self.active_written.insert(room.to_string(), stamped);
        }
        Ok(dropped)
    }
}

/// One row of the event log, waiting for its batch insert.
struct EventRow<'a> {
    room: &'a str,
    seq: i64,
    at: i64,
    body: String,
}

/// Rows per multi-row statement: one statement per this many rows rather
/// than one per row.
const ROWS_PER_STATEMENT: usize = 64;

/// Runs `sql(n)`, a statement over `n` rows of `width` parameters each,
/// for all of `rows`, [`ROWS_PER_STATEMENT`] rows at a time.
fn execute_rows<'r, R>(
    tx: &rusqlite::Transaction<'_>,
    rows: &'r [R],
    sql: impl Fn(usize) -> String,
    params: impl Fn(&'r R, &mut Vec<&'r dyn rusqlite::ToSql>),
) -> anyhow::Result<()> {
    let mut bound = Vec::new();
    let mut run = |chunk: &'r [R]| -> anyhow::Result<()> {
        bound.clear();
        for row in chunk {
            params(row, &mut bound);
        }
        tx.prepare_cached(&sql(chunk.len()))?
            .execute(rusqlite::params_from_iter(bound.iter()))?;
        Ok(())
    };
    let mut chunks = rows.chunks_exact(ROWS_PER_STATEMENT);
    for chunk in &mut chunks {
        run(chunk)?;
    }
    // The rest one by one: one more cached statement, not one per length.
    for row in chunks.remainder() {
        run(std::slice::from_ref(row))?;
    }
    Ok(())
}

/// `n` groups of `width` placeholders: `(?, ?), (?, ?)`.
fn placeholders(n: usize, width: usize) -> String {
    let one = format!("({})", vec!["?"; width].join(", "));
    vec![one; n].join(", ")
}

fn insert_events(
    tx: &rusqlite::Transaction<'_>,
    rows: &mut Vec<EventRow<'_>>,
) -> anyhow::Result<()> {
    execute_rows(
        tx,
        rows,
        |n| {
            format!(
                "INSERT OR REPLACE INTO events (room, seq, at, body) VALUES {}",
                placeholders(n, 4)
            )
        },
        |r, out| out.extend([&r.room as &dyn rusqlite::ToSql, &r.seq, &r.at, &r.body]),
    )?;
    rows.clear();
    Ok(())
}

/// Applies one operation; the events it appends go to `rows` for one batch
/// insert at the end of the commit.
fn apply<'a>(
    tx: &rusqlite::Transaction<'_>,
    op: &'a Op,
    rows: &mut Vec<EventRow<'a>>,
) -> anyhow::Result<()> {
    match op {
        Op::CreateRoom {
            code,
            host_key_hash,
            at,
            reunion,
        } => {
            // Events queued before this must land before the clean-up below.
            insert_events(tx, rows)?;
            // A code can come back after its room was archived: the new room
            // must not replay the old one's log.
            for table in ["events", "players", "rounds"] {
                tx.execute(&format!("DELETE FROM {table} WHERE room = ?1"), [code])?;
            }
            // Nor show its guests' photos of today.
            delete_today_photos(tx, "room = ?1", [code])?;
            tx.execute(
                "INSERT INTO rooms (code, host_key_hash, created_at, last_active, reunion) VALUES (?1, ?2, ?3, ?3, ?4)
                 ON CONFLICT(code) DO UPDATE SET host_key_hash = excluded.host_key_hash,
                   created_at = excluded.created_at, last_active = excluded.created_at, archived = 0,
                   reunion = excluded.reunion",
                params![code, host_key_hash, *at as i64, reunion],
            )?;
        }
        Op::Append {
            room,
            first_seq,
            at,
            events,
            token,
            scores,
            ..
        } => {
            for (i, event) in events.iter().enumerate() {
                rows.push(EventRow {
                    room,
                    seq: (*first_seq + i as u64) as i64,
                    at: *at as i64,
                    body: serde_json::to_string(event)?,
                });
                match event {
                    Event::Joined { player, name, .. } => {
                        let hash = token
                            .as_ref()
                            .filter(|(p, _)| p == player)
                            .map(|(_, h)| h.as_str());
                        tx.prepare_cached(
                            "INSERT OR REPLACE INTO players (room, id, name, token_hash) VALUES (?1, ?2, ?3, ?4)",
                        )?
                        .execute(params![room, player, name, hash])?;
                    }
                    Event::Kicked { player, .. } => {
                        tx.prepare_cached(
                            "UPDATE players SET kicked = 1, token_hash = NULL WHERE room = ?1 AND id = ?2",
                        )?
                        .execute(params![room, player])?;
                    }
                    Event::RoundStarted {
                        number,
                        question,
                        started_at,
                        deadline,
                    } => {
                        tx.prepare_cached(
                            "INSERT OR REPLACE INTO rounds (room, number, target, choices, answer, started_at, deadline)
                             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                        )?
                        .execute(params![
                            room,
                            number,
                            question.target as i64,
                            serde_json::to_string(&question.choices)?,
                            question.answer,
                            *started_at as i64,
                            *deadline as i64
                        ])?;
                    }
                    // A restart's downtime or a pause moved the clock.
                    Event::RoundResumed {
                        started_at,
                        deadline,
                    }
                    | Event::RoundUnpaused {
                        started_at,
                        deadline,
                    } => {
                        tx.prepare_cached(
                            "UPDATE rounds SET started_at = ?2, deadline = ?3
                             WHERE room = ?1 AND number = (SELECT MAX(number) FROM rounds WHERE room = ?1)",
                        )?
                        .execute(params![room, *started_at as i64, *deadline as i64])?;
                    }
                    Event::RoundClosed { round, at } => {
                        tx.prepare_cached(
                            "UPDATE rounds SET closed_at = ?3 WHERE room = ?1 AND number = ?2",
                        )?
                        .execute(params![room, round, *at as i64])?;
                    }
                    _ => {}
                }
            }
            // Many to a statement: the closing commit holds up the reveal.
            execute_rows(
                tx,
                scores,
                |n| {
                    format!(
                        "UPDATE players SET score = v.column3 FROM (VALUES {}) AS v
                         WHERE players.room = v.column1 AND players.id = v.column2",
                        placeholders(n, 3)
                    )
                },
                |(player, score), out| {
                    out.extend([room as &dyn rusqlite::ToSql, player, score]);
                },
            )?;
        }
        Op::Archive { room } => {
            tx.execute("UPDATE rooms SET archived = 1 WHERE code = ?1", [room])?;
        }
        Op::Delete { room } => {
            // Its events may be waiting in `rows`: in before they go.
            insert_events(tx, rows)?;
            delete_rooms(tx, "code = ?1", params![room])?;
        }
        // Done after the commit, in chunks of its own (`prune_chunk`).
        Op::Prune { .. } | Op::Flush(_) | Op::Close(_) => {}
    }
    Ok(())
}

/// Deletes the rooms `WHERE {which}` and every row they own; how many.
fn delete_rooms(
    tx: &rusqlite::Transaction<'_>,
    which: &str,
    params: impl rusqlite::Params + Copy,
) -> rusqlite::Result<usize> {
    let rooms = format!("room IN (SELECT code FROM rooms WHERE {which})");
    for table in ["events", "players", "rounds"] {
        tx.execute(&format!("DELETE FROM {table} WHERE {rooms}"), params)?;
    }
    // Guests' photos of today go with their room.
    delete_today_photos(tx, &rooms, params)?;
    tx.execute(&format!("DELETE FROM rooms WHERE {which}"), params)
}

/// Deletes the guests' photos of today `WHERE {which}`, overwritten with
/// zeros in the file (`secure_delete`), not only unlinked: no later copy
/// or backup of the file holds them. Only here: votes stay fast.
fn delete_today_photos(
    tx: &rusqlite::Transaction<'_>,
    which: &str,
    params: impl rusqlite::Params,
) -> rusqlite::Result<usize> {
    tx.pragma_update(None, "secure_delete", true)?;
    let deleted = tx.execute(&format!("DELETE FROM today_photos WHERE {which}"), params);
    // Off again even when the delete failed.
    tx.pragma_update(None, "secure_delete", false)?;
    deleted
}

/// Deletes every game last active before `before` (at start, before any
/// is loaded).
fn prune(tx: &rusqlite::Transaction<'_>, before: Millis) -> rusqlite::Result<usize> {
    delete_rooms(tx, "last_active < ?1", params![before as i64])
}

/// Archived games deleted per commit by the daily retention.
const PRUNE_CHUNK: usize = 50;

/// Whether a failed write would fail the same way however often it is
/// retried (a constraint, a bad statement), as against a passing cause:
/// a full disk, an I/O error, a read-only or removed file, a lock.
fn is_permanent(e: &anyhow::Error) -> bool {
    use rusqlite::ErrorCode::*;
    if e.downcast_ref::<serde_json::Error>().is_some() {
        return true;
    }
    match e.downcast_ref::<rusqlite::Error>() {
        Some(rusqlite::Error::SqliteFailure(f, _)) => !matches!(
            f.code,
            DiskFull
                | SystemIoFailure
                | ReadOnly
                | CannotOpen
                | DatabaseBusy
                | DatabaseLocked
                | FileLockingProtocolFailed
                | OutOfMemory
                | NotADatabase
                | DatabaseCorrupt
                | OperationInterrupted
                | NoLargeFileSupport
                | PermissionDenied
        ),
        Some(_) => true,
        // Ours (the file was removed or replaced): it can come back.
        None => false,
    }
}

/// The room an operation writes to.
fn op_room(op: &Op) -> Option<&str> {
    match op {
        Op::CreateRoom { code, .. } => Some(code),
        Op::Append { room, .. } | Op::Archive { room } | Op::Delete { room } => Some(room),
        Op::Prune { .. } | Op::Flush(_) | Op::Close(_) => None,
    }
}

impl Store {
    /// Retention at start, before [`Store::open`] loads the rooms: deletes
    /// every game last active before `before`; how many. A database of
    /// another schema version is left alone.
    pub fn prune_file(path: &Path, before: Millis) -> anyhow::Result<usize> {
        if !path.exists() {
            return Ok(0);
        }
        check_writable(path)?;
        let mut conn = open_connection(path)?;
        // Another version's schema is for `open` to migrate or refuse.
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version != schema::VERSION {
            return Ok(0);
        }
        let tx = conn.transaction()?;
        let pruned = prune(&tx, before)?;
        tx.commit()?;
        Ok(pruned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::{Mode, Settings};

    /// A room's first events: created at 1, then `events` from seq 1.
    fn open_room(store: &Store, events: Vec<Event>, durable: &DurableMark) {
        store.send(Op::CreateRoom {
            code: "ABCD".into(),
            host_key_hash: "h".into(),
            at: 1,
            reunion: 0,
        });
        store.send(Op::Append {
            room: "ABCD".into(),
            first_seq: 1,
            at: 2,
            events,
            token: None,
            scores: vec![],
            urgency: Urgency::NextGap,
            durable: durable.clone(),
        });
    }

    /// A later event of the room `open_room` made: a kick at `seq`.
    fn kick_at(seq: u64, at: Millis, durable: &DurableMark) -> Op {
        Op::Append {
            room: "ABCD".into(),
            first_seq: seq,
            at,
            events: vec![Event::Kicked {
                player: PlayerId::new(8),
                banned: true,
            }],
            token: None,
            scores: vec![],
            urgency: Urgency::NextGap,
            durable: durable.clone(),
        }
    }

    fn wait_durable(durable: &DurableMark, seq: u64) {
        for _ in 0..500 {
            if durable.get().up_to >= seq {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("seq {seq} never became durable");
    }

    #[test]
    fn a_crash_right_after_an_event_still_knows_the_server_was_up_then() {
        // `alive` is rewritten at most once a second; a round started just
        // after it must not look as if it started after the restart.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let Opened { store, .. } = Store::open(&path).unwrap();
        let durable = DurableMark::new(0);
        open_room(
            &store,
            vec![Event::Kicked {
                player: PlayerId::new(9),
                banned: true,
            }],
            &durable,
        );
        wait_durable(&durable, 1);
        let later = crate::clock::Clock::new().now() + 60_000;
        store.send(kick_at(2, later, &durable));
        wait_durable(&durable, 2);
        // No `Close`: as after kill -9.
        std::mem::forget(store);
        let opened = Store::open(&path).unwrap();
        assert_eq!(opened.last_alive, Some(later));
    }

    #[test]
    fn events_survive_a_reopen_in_order_with_hashed_tokens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let Opened { store, rooms, .. } = Store::open(&path).unwrap();
        assert!(rooms.is_empty());
        let durable = DurableMark::new(0);
        store.send(Op::CreateRoom {
            code: "ABCD".into(),
            host_key_hash: hash_secret("key"),
            at: 1,
            reunion: 0,
        });
        let settings = Settings {
            rounds: 3,
            seconds: 9,
            mode: Mode::PhotoToName,
            include_memoriam: false,
            profanity_filter: true,
            labels: vec!["1983".into()],
            lang: "de".into(),
        };
        store.send(Op::Append {
            room: "ABCD".into(),
            first_seq: 1,
            at: 2,
            events: vec![
                Event::Configured {
                    settings: settings.clone(),
                },
                Event::Joined {
                    player: PlayerId::new(0),
                    name: "Ann".into(),
                    device: None,
                },
            ],
            token: Some((PlayerId::new(0), hash_secret("tok"))),
            scores: vec![],
            urgency: Urgency::NextGap,
            durable: durable.clone(),
        });
        wait_durable(&durable, 2);
        let question = crate::game::Question {
            target: 5,
            choices: [1, 5, 2, 3],
            answer: 1,
            photos: [0; 4],
            today: None,
            mode: None,
        };
        store.send(Op::Append {
            room: "ABCD".into(),
            first_seq: 3,
            at: 3,
            events: vec![
                Event::RoundStarted {
                    number: 1,
                    question,
                    started_at: 3,
                    deadline: 9_003,
                },
                Event::Voted {
                    player: PlayerId::new(0),
                    round: 1,
                    choice: 1,
                    elapsed_ms: 700,
                },
                Event::RoundClosed { round: 1, at: 800 },
            ],
            token: None,
            scores: vec![(PlayerId::new(0), 965)],
            urgency: Urgency::NextGap,
            durable: durable.clone(),
        });
        wait_durable(&durable, 5);
        {
            let conn = Connection::open(&path).unwrap();
            let round: (i64, i64, Option<i64>) = conn
                .query_row(
                    "SELECT target, answer, closed_at FROM rounds WHERE room = 'ABCD'",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .unwrap();
            assert_eq!(round, (5, 1, Some(800)));
            let score: i64 = conn
                .query_row(
                    "SELECT score FROM players WHERE room = 'ABCD' AND id = 0",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(
                score, 965,
                "scores are written with the round that earned them"
            );
            let vote: (i64, i64) = conn
                .query_row(
                    "SELECT choice, elapsed_ms FROM votes WHERE room = 'ABCD' AND round = 1 AND player = 0",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .unwrap();
            assert_eq!(vote, (1, 700), "a vote is in the table with its event");
        }
        drop(store);
        let opened = Store::open(&path).unwrap();
        assert!(opened.last_alive.is_some());
        let rooms = opened.rooms;
        assert_eq!(rooms.len(), 1);
        let room = &rooms[0];
        assert_eq!(room.code, "ABCD");
        assert_eq!(room.last_seq, 5);
        assert_eq!(room.events[0], Event::Configured { settings });
        assert_eq!(room.tokens, vec![(PlayerId::new(0), hash_secret("tok"))]);
        assert_ne!(room.tokens[0].1, "tok");
    }

    #[test]
    fn a_removed_database_file_is_a_storage_failure() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let store = Store::open(&path).unwrap().store;
        std::fs::remove_file(&path).unwrap();
        let durable = DurableMark::new(0);
        let events = vec![Event::GameOver { at: 2 }];
        open_room(&store, events, &durable);
        for _ in 0..100 {
            if !store.is_healthy() {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(!store.is_healthy());
        std::thread::sleep(Duration::from_millis(200));
        assert_eq!(
            durable.get(),
            Durable::default(),
            "the waiting vote is neither stored nor given up: it stays queued"
        );
    }

    #[test]
    fn a_full_database_keeps_the_events_queued_and_lands_them_once_space_returns() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        {
            // Small pages: the next event needs a new one.
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch("PRAGMA page_size = 512; CREATE TABLE padding (x BLOB);")
                .unwrap();
        }
        let store = Store::open_capped(&path, Some(256 * 1024)).unwrap().store;
        let durable = DurableMark::new(0);
        open_room(
            &store,
            vec![Event::Kicked {
                player: PlayerId::new(1),
                banned: true,
            }],
            &durable,
        );
        wait_durable(&durable, 1);
        // Another program fills the disk: SQLITE_FULL for this store.
        let outside = Connection::open(&path).unwrap();
        outside.busy_timeout(Duration::from_secs(5)).unwrap();
        outside
            .execute("INSERT INTO padding VALUES (zeroblob(300000))", [])
            .unwrap();
        store.send(Op::Append {
            room: "ABCD".into(),
            first_seq: 2,
            at: 3,
            events: (0..20)
                .map(|player| Event::Kicked {
                    player: PlayerId::new(player),
                    banned: true,
                })
                .collect(),
            token: None,
            scores: vec![],
            urgency: Urgency::MayWait,
            durable: durable.clone(),
        });
        for _ in 0..200 {
            if !store.is_healthy() {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(!store.is_healthy(), "a full database is a storage failure");
        let waiting = Durable {
            up_to: 1,
            given_up: false,
        };
        assert_eq!(durable.get(), waiting, "neither stored nor given up");
        outside.execute("DELETE FROM padding", []).unwrap();
        wait_durable(&durable, 21);
        assert!(!durable.get().given_up, "stored, after all");
        for _ in 0..200 {
            if store.is_healthy() {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(store.is_healthy(), "healthy again once a commit lands");
        let count: i64 = outside
            .query_row("SELECT COUNT(*) FROM events WHERE room = 'ABCD'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(count, 21, "each event once, in order");
    }

    #[test]
    fn only_what_may_wait_waits_for_company() {
        let durable = DurableMark::new(0);
        let append = |urgency| Op::Append {
            room: "ABCD".into(),
            first_seq: 1,
            at: 2,
            events: vec![],
            token: None,
            scores: vec![],
            urgency,
            durable: durable.clone(),
        };
        let vote = || append(Urgency::MayWait);
        let short = LINGER / 2;
        assert!(!batch_is_due(&[vote(), vote()], short), "votes linger");
        assert!(batch_is_due(&[vote(), vote()], LINGER), "for a while");
        let many: Vec<Op> = (0..FULL_BATCH).map(|_| vote()).collect();
        assert!(batch_is_due(&many, short), "or until there are many");
        let join = append(Urgency::NextGap);
        assert!(
            batch_is_due(&[vote(), join], short),
            "the rest goes at once"
        );
        let (tx, _rx) = tokio::sync::oneshot::channel();
        assert!(batch_is_due(&[Op::Flush(tx)], short));
        let archive = Op::Archive {
            room: "ABCD".into(),
        };
        assert!(!batch_is_due(&[archive], short));
    }

    fn rooms_in(path: &Path) -> Vec<(String, i64)> {
        let conn = Connection::open(path).unwrap();
        let mut stmt = conn
            .prepare(
                "SELECT code, (SELECT COUNT(*) FROM events WHERE room = code) FROM rooms ORDER BY code",
            )
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    /// A photo of today easy to find in the file: over a few pages.
    fn marked(room: &str) -> Vec<u8> {
        format!("TODAY-PHOTO-OF-{room}-").repeat(600).into_bytes()
    }

    /// Which rooms' marked photos the database file (and its WAL) holds.
    fn marks_in_file(path: &Path, rooms: &[&str]) -> Vec<String> {
        let mut bytes = std::fs::read(path).unwrap();
        bytes.extend(std::fs::read(path.with_extension("db-wal")).unwrap_or_default());
        rooms
            .iter()
            .filter(|room| {
                let mark = format!("TODAY-PHOTO-OF-{room}-");
                bytes.windows(mark.len()).any(|w| w == mark.as_bytes())
            })
            .map(|room| room.to_string())
            .collect()
    }

    #[tokio::test]
    async fn a_deleted_or_pruned_room_takes_its_guests_photos_of_today_out_of_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let store = Store::open(&path).unwrap().store;
        let rooms = ["OLDD", "GONE", "AGIN", "ARCH", "KEEP"];
        for code in rooms {
            let at = if matches!(code, "OLDD" | "ARCH") {
                1
            } else {
                5_000
            };
            store.send(Op::CreateRoom {
                code: code.into(),
                host_key_hash: "h".into(),
                at,
                reunion: 0,
            });
        }
        assert!(store.flush(Duration::from_secs(5)).await);
        let today = crate::thennow::TodayPhotos::open(&path).unwrap();
        for room in rooms {
            today
                .put((room, 0, 0), &marked(room), &marked(room), 1)
                .unwrap();
        }
        store.send(Op::Delete {
            room: "GONE".into(),
        });
        // A code made again (after its room was archived) starts bare.
        store.send(Op::CreateRoom {
            code: "AGIN".into(),
            host_key_hash: "h".into(),
            at: 5_000,
            reunion: 0,
        });
        // Archived and old: pruned while running.
        store.send(Op::Archive {
            room: "ARCH".into(),
        });
        store.send(Op::Prune { before: 1_000 });
        for _ in 0..2 {
            assert!(store.flush(Duration::from_secs(5)).await);
        }
        for room in ["GONE", "AGIN", "ARCH"] {
            assert!(today.of_room(room).unwrap().is_empty(), "{room}");
        }
        drop(today);
        // Closing checkpoints the WAL into the file; then pruned at start.
        assert!(store.close(Duration::from_secs(5)).await);
        assert_eq!(Store::prune_file(&path, 4_000).unwrap(), 1);
        // Their bytes are overwritten in the file, not only unlinked.
        assert_eq!(marks_in_file(&path, &rooms), ["KEEP"]);
    }

    /// The other deletions of photos of today, on their own connection:
    /// the guest's, "End event"'s and retention's.
    #[tokio::test]
    async fn photos_of_today_deleted_by_guest_end_event_or_retention_are_overwritten() {
        let sent = [
            ("MINE", 1, 5_000),
            ("ENDD", 2, 5_000),
            ("OLDD", 3, 1),
            ("KEEP", 3, 5_000),
        ];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let store = Store::open(&path).unwrap().store;
        let today = crate::thennow::TodayPhotos::open(&path).unwrap();
        for (room, event, at) in sent {
            today
                .put((room, 0, event), &marked(room), &marked(room), at)
                .unwrap();
        }
        assert!(today.delete("MINE", 0).unwrap());
        assert_eq!(today.delete_of_reunion(2).unwrap(), 1);
        let day = 24 * 60 * 60 * 1000;
        assert_eq!(today.sweep(day + 2, |_| 1).unwrap(), 1);
        drop(today);
        assert!(store.close(Duration::from_secs(5)).await);
        let rooms = sent.map(|(room, ..)| room);
        assert_eq!(marks_in_file(&path, &rooms), ["KEEP"]);
    }

    #[tokio::test]
    async fn retention_prunes_old_archived_games_and_a_deleted_room_writes_no_more() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let store = Store::open(&path).unwrap().store;
        let durable = DurableMark::new(0);
        let append = |room: &str, at: Millis| Op::Append {
            room: room.into(),
            first_seq: 1,
            at,
            events: vec![Event::GameOver { at }],
            token: None,
            scores: vec![],
            urgency: Urgency::NextGap,
            durable: durable.clone(),
        };
        // OLD: archived, last active at 1. NEW: archived, active at 5000.
        // LIVE: old but not archived (in memory: only a start prunes it).
        for (code, at) in [("OLDD", 1), ("NEWW", 5_000), ("LIVE", 1)] {
            store.send(Op::CreateRoom {
                code: code.into(),
                host_key_hash: "h".into(),
                at,
                reunion: 0,
            });
            store.send(append(code, at));
        }
        store.send(Op::Archive {
            room: "OLDD".into(),
        });
        store.send(Op::Archive {
            room: "NEWW".into(),
        });
        store.send(Op::Prune { before: 1_000 });
        // Pruned after that batch's commit, in commits of its own.
        assert!(store.flush(Duration::from_secs(5)).await);
        assert!(store.flush(Duration::from_secs(5)).await);
        assert_eq!(
            rooms_in(&path),
            vec![("LIVE".into(), 1), ("NEWW".into(), 1)]
        );

        // A deleted lobby leaves nothing; what it still sends is dropped
        // instead of failing the commit on a room that is gone.
        store.send(Op::Delete {
            room: "LIVE".into(),
        });
        // It is reported not stored: its room's mark stays where it was
        // and is given up.
        let late_durable = DurableMark::new(1);
        store.send(Op::Append {
            room: "LIVE".into(),
            first_seq: 2,
            at: 6_000,
            events: vec![Event::GameOver { at: 6_000 }],
            token: None,
            scores: vec![],
            urgency: Urgency::NextGap,
            durable: late_durable.clone(),
        });
        assert!(store.flush(Duration::from_secs(5)).await);
        assert!(store.is_healthy());
        assert_eq!(rooms_in(&path), vec![("NEWW".into(), 1)]);
        let given_up = Durable {
            up_to: 1,
            given_up: true,
        };
        assert_eq!(
            late_durable.get(),
            given_up,
            "a dropped event is never durable, and whoever waits for it hears so"
        );
        assert!(store.close(Duration::from_secs(5)).await);

        // At start every game older than the cut goes, archived or not.
        assert_eq!(Store::prune_file(&path, 4_000).unwrap(), 0);
        assert_eq!(Store::prune_file(&path, 6_000).unwrap(), 1);
        assert!(rooms_in(&path).is_empty());
    }

    #[tokio::test]
    async fn retention_prunes_many_games_in_chunks_between_batches() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let store = Store::open(&path).unwrap().store;
        for i in 0..(2 * PRUNE_CHUNK + 7) {
            let code = format!("R{i:03}");
            store.send(Op::CreateRoom {
                code: code.clone(),
                host_key_hash: "h".into(),
                at: 1,
                reunion: 0,
            });
            store.send(Op::Archive { room: code });
        }
        store.send(Op::Prune { before: 1_000 });
        assert!(store.flush(Duration::from_secs(5)).await);
        for _ in 0..3 {
            assert!(store.flush(Duration::from_secs(5)).await);
        }
        assert!(rooms_in(&path).is_empty());
    }

    #[test]
    fn a_failing_prune_holds_no_vote_up() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let store = Store::open(&path).unwrap().store;
        let durable = DurableMark::new(0);
        open_room(
            &store,
            vec![Event::Kicked {
                player: PlayerId::new(9),
                banned: true,
            }],
            &durable,
        );
        wait_durable(&durable, 1);
        store.send(Op::Archive {
            room: "ABCD".into(),
        });
        Connection::open(&path)
            .unwrap()
            .execute_batch(
                "CREATE TRIGGER keep BEFORE DELETE ON rooms
                 BEGIN SELECT RAISE(ABORT, 'kept'); END;",
            )
            .unwrap();
        // The prune fails; the vote queued right behind it lands anyway.
        store.send(Op::Prune {
            before: u64::MAX / 2,
        });
        store.send(kick_at(2, 3, &durable));
        wait_durable(&durable, 2);
        assert!(store.is_healthy());
    }

    #[test]
    fn a_write_that_always_fails_sets_its_room_aside_and_the_others_go_on() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let store = Store::open(&path).unwrap().store;
        // A statement that fails every time, for one room only.
        Connection::open(&path)
            .unwrap()
            .execute_batch(
                "CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.room = 'BADD'
                 BEGIN SELECT RAISE(ABORT, 'refused'); END;",
            )
            .unwrap();
        let good = DurableMark::new(0);
        let bad = DurableMark::new(0);
        let append = |room: &str, seq: u64, durable: &DurableMark| Op::Append {
            room: room.into(),
            first_seq: seq,
            at: 2,
            events: vec![Event::Kicked {
                player: PlayerId::new(1),
                banned: true,
            }],
            token: None,
            scores: vec![],
            urgency: Urgency::NextGap,
            durable: durable.clone(),
        };
        for code in ["GOOD", "BADD"] {
            store.send(Op::CreateRoom {
                code: code.into(),
                host_key_hash: "h".into(),
                at: 1,
                reunion: 0,
            });
        }
        store.send(append("GOOD", 1, &good));
        store.send(append("BADD", 1, &bad));
        wait_durable(&good, 1);
        // The bad room's event is reported not stored, never durable; the
        // store stays healthy and the good room goes on.
        store.send(append("GOOD", 2, &good));
        store.send(append("BADD", 2, &bad));
        wait_durable(&good, 2);
        assert!(store.is_healthy());
        let given_up = Durable {
            up_to: 0,
            given_up: true,
        };
        assert_eq!(bad.get(), given_up);
        assert!(!good.get().given_up);
    }

    #[test]
    fn a_disk_that_is_full_read_only_or_failing_is_retried_not_given_up() {
        use rusqlite::ffi;
        let failure =
            |code| anyhow::Error::from(rusqlite::Error::SqliteFailure(ffi::Error::new(code), None));
        // What SQLite says on a full disk, on EROFS from write or fsync (a
        // file system gone read-only), on a read-only or moved database.
        for code in [
            ffi::SQLITE_FULL,
            ffi::SQLITE_IOERR_WRITE,
            ffi::SQLITE_IOERR_FSYNC,
            ffi::SQLITE_READONLY,
            ffi::SQLITE_READONLY_DBMOVED,
            ffi::SQLITE_CANTOPEN,
        ] {
            assert!(!is_permanent(&failure(code)), "code {code}");
        }
        // A constraint fails the same way every time.
        assert!(is_permanent(&failure(ffi::SQLITE_CONSTRAINT)));
    }
}
