//! `yearbook backup`: one consistent copy of a database, taken with
//! SQLite's online backup while the server may be writing to it.
//!
//! The copy is made in a hidden file beside the destination and only then
//! given its name, so a backup cut short (a full disk, `kill -9`) never
//! leaves a half file that looks like a backup.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

/// How long the copy waits for a moment when it may read (a writer in the
/// middle of a WAL reset, rarely more than milliseconds).
const BUSY_LIMIT: Duration = Duration::from_secs(30);

/// What was copied, for the one line the command prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    pub bytes: u64,
    /// Games (rooms) in the copy, archived ones included.
    pub games: u64,
    /// Organisers' events in the copy (`None`: this database has none yet).
    pub reunions: Option<u64>,
}

impl std::fmt::Display for Copied {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mib = self.bytes as f64 / (1024.0 * 1024.0);
        write!(f, "{mib:.1} MiB, {} games", self.games)?;
        if let Some(n) = self.reunions {
            write!(f, ", {n} events")?;
        }
        Ok(())
    }
}

/// Copies the database at `db` into the new file `out`, which must not
/// exist. Safe while a server writes to `db`: the copy is the database as
/// of one moment, with every acknowledged vote up to that moment in it.
pub fn backup(db: &Path, out: &Path) -> anyhow::Result<Copied> {
    if !db.is_file() {
        bail!("no database at {}", db.display());
    }
    if out.exists() {
        bail!(
            "{} exists already: a backup never replaces a file; choose another name",
            out.display()
        );
    }
    let src = open_query_only(db)?;

    let partial = partial_path(out)?;
    let result = copy_into(&src, &partial).and_then(|copied| {
        publish(&partial, out)?;
        Ok(copied)
    });
    // Gone either way: published under its name, or not worth keeping.
    let _ = std::fs::remove_file(&partial);
    result
}

/// A connection to the yearbook database `db` that never writes, safe
/// beside a running server (WAL); refuses a file that is not one.
pub fn open_query_only(db: &Path) -> anyhow::Result<Connection> {
    if !db.is_file() {
        bail!("no database at {}", db.display());
    }
    // Read-write but query-only, not read-only: a read-only connection to a
    // stopped server's database leaves `-wal` and `-shm` files behind, owned
    // by whoever ran the backup (root), which the service's own user then
    // cannot open. As the last connection, this one removes them on close.
    let src = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("cannot open the database {}", db.display()))?;
    src.busy_timeout(Duration::from_secs(5))?;
    src.pragma_update(None, "query_only", true)?;
    let is_yearbook: bool = src
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'rooms')",
            [],
            |r| r.get(0),
        )
        .with_context(|| format!("{} is not a yearbook database", db.display()))?;
    if !is_yearbook {
        bail!("{} is not a yearbook database", db.display());
    }
    Ok(src)
}

/// `.NAME.partial-PID` beside `out`: same file system, so it can become
/// `out` without copying.
fn partial_path(out: &Path) -> anyhow::Result<PathBuf> {
    let name = out
        .file_name()
        .with_context(|| format!("{} names no file", out.display()))?;
    let mut hidden = std::ffi::OsString::from(".");
    hidden.push(name);
    hidden.push(format!(".partial-{}", std::process::id()));
    Ok(out.with_file_name(hidden))
}

/// The whole database into a new file at `to`, checked, synced, closed.
fn copy_into(src: &Connection, to: &Path) -> anyhow::Result<Copied> {
    let create = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    // A leftover of a run killed with the same pid (rare) is no backup.
    let _ = std::fs::remove_file(to);
    let mut dst = Connection::open_with_flags(to, create)
        .with_context(|| format!("cannot write {}", to.display()))?;
    {
        let copy = Backup::new(src, &mut dst)?;
        let started = Instant::now();
        // All pages in one step: one read transaction, so one consistent
        // moment. In WAL mode this never holds the server's writer up,
        // whereas step-by-step copies restart whenever the server commits.
        loop {
            match copy.step(-1).context("the copy failed")? {
                StepResult::Done => break,
                StepResult::More => {}
                StepResult::Busy | StepResult::Locked if started.elapsed() < BUSY_LIMIT => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                _ => bail!("the database stayed locked for {BUSY_LIMIT:?}"),
            }
        }
    }
    let check: String = dst.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    if check != "ok" {
        bail!("the copy does not read back whole: {check}");
    }
    let games: i64 = dst.query_row("SELECT count(*) FROM rooms", [], |r| r.get(0))?;
    let reunions: Option<i64> = dst
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'reunions')",
            [],
            |r| r.get::<_, bool>(0),
        )
        .ok()
        .filter(|has| *has)
        .map(|_| dst.query_row("SELECT count(*) FROM reunions", [], |r| r.get(0)))
        .transpose()?;
    dst.close()
        .map_err(|(_, e)| e)
        .with_context(|| format!("cannot finish {}", to.display()))?;
    let file = std::fs::File::open(to)?;
    file.sync_all()
        .with_context(|| format!("cannot write {}", to.display()))?;
    Ok(Copied {
        bytes: file.metadata()?.len(),
        games: games.max(0) as u64,
        reunions: reunions.map(|n| n.max(0) as u64),
    })
}

/// Gives the finished copy its name, never over an existing file (one may
/// have appeared while copying).
fn publish(partial: &Path, out: &Path) -> anyhow::Result<()> {
    match std::fs::hard_link(partial, out) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => bail!(
            "{} appeared while copying: a backup never replaces a file; choose another name",
            out.display()
        ),
        // File systems without hard links (FAT, some network shares).
        Err(_) if !out.exists() => {
            std::fs::rename(partial, out).with_context(|| format!("cannot write {}", out.display()))
        }
        Err(e) => Err(e).with_context(|| format!("cannot write {}", out.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn database(dir: &Path) -> PathBuf {
        let path = dir.join("y.db");
        let opened = crate::store::Store::open(&path).unwrap();
        drop(opened);
        path
    }

    #[test]
    fn an_existing_file_is_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let db = database(dir.path());
        let out = dir.path().join("copy.db");
        std::fs::write(&out, b"the previous backup").unwrap();
        let err = backup(&db, &out).unwrap_err().to_string();
        assert!(err.contains("exists already"), "{err}");
        assert_eq!(std::fs::read(&out).unwrap(), b"the previous backup");
    }

    #[test]
    fn a_copy_is_published_whole_and_leaves_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let db = database(dir.path());
        let out = dir.path().join("copy.db");
        let copied = backup(&db, &out).unwrap();
        assert_eq!(copied.games, 0);
        assert_eq!(copied.bytes, std::fs::metadata(&out).unwrap().len());
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".copy.db"))
            .collect();
        names.sort();
        assert!(names.is_empty(), "partial files left: {names:?}");
    }

    /// `sudo yearbook backup` of a stopped service's database must not
    /// leave files there that only root may open.
    #[test]
    fn a_stopped_servers_database_is_left_without_new_files() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("y.db");
        let conn = Connection::open(&db).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.execute_batch("CREATE TABLE rooms (code TEXT)")
            .unwrap();
        drop(conn);
        let listing = || {
            let mut names: Vec<String> = std::fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        };
        assert_eq!(listing(), ["y.db"]);
        backup(&db, &dir.path().join("copy.db")).unwrap();
        assert_eq!(listing(), ["copy.db", "y.db"]);
    }

    #[test]
    fn missing_or_foreign_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("copy.db");
        let err = backup(&dir.path().join("nope.db"), &out)
            .unwrap_err()
            .to_string();
        assert!(err.contains("no database at"), "{err}");
        let text = dir.path().join("notes.txt");
        std::fs::write(&text, "not a database at all, just some words").unwrap();
        let err = format!("{:#}", backup(&text, &out).unwrap_err());
        assert!(err.contains("is not a yearbook database"), "{err}");
        assert!(!out.exists());
    }
}
