//! Versioned schema: `PRAGMA user_version` says which migrations ran.

use std::path::Path;

use anyhow::Context;
use rusqlite::{Connection, OpenFlags};

/// Each entry moves the schema one version up; never edit a shipped one.
const MIGRATIONS: &[&str] = &[
    // 1: rooms, the append-only event log, and what is derived from it.
    "CREATE TABLE rooms (
        code TEXT PRIMARY KEY,
        host_key_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_active INTEGER NOT NULL,
        archived INTEGER NOT NULL DEFAULT 0
     );
     CREATE TABLE events (
        room TEXT NOT NULL REFERENCES rooms(code),
        seq INTEGER NOT NULL,
        at INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (room, seq)
     ) WITHOUT ROWID;
     CREATE TABLE players (
        room TEXT NOT NULL REFERENCES rooms(code),
        id INTEGER NOT NULL,
        name TEXT NOT NULL,
        token_hash TEXT,
        kicked INTEGER NOT NULL DEFAULT 0,
        score INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (room, id)
     ) WITHOUT ROWID;
     CREATE TABLE votes (
        room TEXT NOT NULL REFERENCES rooms(code),
        round INTEGER NOT NULL,
        player INTEGER NOT NULL,
        choice INTEGER NOT NULL,
        elapsed_ms INTEGER NOT NULL,
        PRIMARY KEY (room, round, player)
     ) WITHOUT ROWID;
     CREATE TABLE alive (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        at INTEGER NOT NULL
     );",
    // 2: server-wide values that must survive restarts (the cookie key).
    "CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value BLOB NOT NULL
     );",
    // 3: each round's question and times, for results and archives.
    "CREATE TABLE rounds (
        room TEXT NOT NULL REFERENCES rooms(code),
        number INTEGER NOT NULL,
        target INTEGER NOT NULL,
        choices TEXT NOT NULL,
        answer INTEGER NOT NULL,
        started_at INTEGER NOT NULL,
        deadline INTEGER NOT NULL,
        closed_at INTEGER,
        PRIMARY KEY (room, number)
     ) WITHOUT ROWID;",
    // 4: the votes as a view of the event log, where every accepted vote
    // already is: no second row written per vote in a burst.
    "DROP TABLE votes;
     CREATE VIEW votes (room, round, player, choice, elapsed_ms) AS
        SELECT room, body ->> '$.round', body ->> '$.player',
               body ->> '$.choice', body ->> '$.elapsed_ms'
        FROM events WHERE body ->> '$.e' = 'voted';",
    // 5: an older binary run on this database again still writes `votes`
    // and deletes from it: those writes now do nothing rather than fail.
    "CREATE TRIGGER votes_insert INSTEAD OF INSERT ON votes BEGIN SELECT 1; END;
     CREATE TRIGGER votes_update INSTEAD OF UPDATE ON votes BEGIN SELECT 1; END;
     CREATE TRIGGER votes_delete INSTEAD OF DELETE ON votes BEGIN SELECT 1; END;",
    // 6: reunions (the organiser's events), their people and photos, and
    // which reunion's class each room plays (0: the built-in class).
    // People are never deleted, only marked: a room's stored questions
    // name them by position. Photos live here, so one `.backup` holds all.
    "CREATE TABLE reunions (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        guest_code TEXT,
        solo_open INTEGER NOT NULL DEFAULT 1,
        memoriam_default INTEGER NOT NULL DEFAULT 1,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
     );
     CREATE TABLE reunion_people (
        reunion INTEGER NOT NULL REFERENCES reunions(id),
        id INTEGER NOT NULL,
        name TEXT NOT NULL,
        known_as TEXT,
        gender TEXT,
        in_memoriam INTEGER NOT NULL DEFAULT 0,
        included INTEGER NOT NULL DEFAULT 1,
        deleted INTEGER NOT NULL DEFAULT 0,
        updated_at INTEGER NOT NULL,
        updated_by TEXT NOT NULL DEFAULT '',
        version INTEGER NOT NULL DEFAULT 1,
        PRIMARY KEY (reunion, id)
     ) WITHOUT ROWID;
     CREATE TABLE reunion_photos (
        reunion INTEGER NOT NULL,
        person INTEGER NOT NULL,
        idx INTEGER NOT NULL,
        label TEXT,
        sha TEXT NOT NULL,
        bytes BLOB NOT NULL,
        PRIMARY KEY (reunion, person, idx),
        FOREIGN KEY (reunion, person) REFERENCES reunion_people(reunion, id)
     );
     CREATE TABLE reunion_invites (
        token_hash TEXT PRIMARY KEY,
        reunion INTEGER NOT NULL REFERENCES reunions(id),
        created_at INTEGER NOT NULL,
        used_at INTEGER
     );
     ALTER TABLE rooms ADD COLUMN reunion INTEGER NOT NULL DEFAULT 0;",
    // 7: then & now: each guest's photo of today, per room (issue 21).
    "CREATE TABLE today_photos (
        room TEXT NOT NULL,
        player INTEGER NOT NULL,
        reunion INTEGER NOT NULL,
        file TEXT NOT NULL UNIQUE,
        thumb BLOB NOT NULL,
        photo BLOB NOT NULL,
        hidden INTEGER NOT NULL DEFAULT 0,
        at INTEGER NOT NULL,
        PRIMARY KEY (room, player)
     );",
    // 8: then & now per event: on or off, and how many days its guests'
    // photos of today are kept at most (issue 21).
    "ALTER TABLE reunions ADD COLUMN then_now INTEGER NOT NULL DEFAULT 1;
     ALTER TABLE reunions ADD COLUMN today_keep_days INTEGER NOT NULL DEFAULT 30;",
    // 9: scanned class pages waiting for the organiser's word: the
    // straightened page (PNG) and its boxes and names as JSON (issue 23).
    "CREATE TABLE reunion_pages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        reunion INTEGER NOT NULL REFERENCES reunions(id),
        file TEXT NOT NULL,
        label TEXT NOT NULL DEFAULT '',
        image BLOB NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        skew REAL NOT NULL,
        boxes TEXT NOT NULL,
        at INTEGER NOT NULL
     );",
];

/// The newest schema this binary knows.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

fn version_of(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// A newer binary's schema means tables and meanings this one does not
/// know: writing to it could break it for the binary that made it.
fn newer_error(path: &Path, version: i64) -> anyhow::Error {
    anyhow::anyhow!(
        "{}: this database was written by a newer yearbook (schema version {version}; this one knows up to {VERSION}). \
         It was left untouched: run the newer yearbook on it, or give this one another --db.",
        path.display()
    )
}

/// Refuses a database from a newer binary before anything writes to it:
/// read-only, so not even a checkpoint on close touches the file.
pub fn refuse_newer(path: &Path) -> anyhow::Result<()> {
    if !path.exists() {
        return Ok(());
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("cannot open the database {}", path.display()))?;
    let version = version_of(&conn)
        .with_context(|| format!("cannot read the database {}", path.display()))?;
    if version > VERSION {
        return Err(newer_error(path, version));
    }
    Ok(())
}

pub fn migrate(conn: &mut Connection) -> anyhow::Result<()> {
    let version = version_of(conn)?;
    if version > VERSION {
        let path = conn.path().unwrap_or_default().to_string();
        return Err(newer_error(Path::new(&path), version));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_from_before_the_votes_view_keeps_its_votes() {
        let mut conn = Connection::open_in_memory().unwrap();
        // As an older server left it: schema 3, a vote in both places.
        for sql in &MIGRATIONS[..3] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 3).unwrap();
        conn.execute_batch(
            r#"INSERT INTO rooms (code, host_key_hash, created_at, last_active) VALUES ('ABCD', 'h', 1, 1);
               INSERT INTO events (room, seq, at, body) VALUES
                 ('ABCD', 1, 1, '{"e":"joined","player":0,"name":"Ann"}'),
                 ('ABCD', 2, 2, '{"e":"voted","player":0,"round":1,"choice":2,"elapsed_ms":700}');
               INSERT INTO votes (room, round, player, choice, elapsed_ms) VALUES ('ABCD', 1, 0, 2, 700);"#,
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let votes: Vec<(String, i64, i64, i64, i64)> = conn
            .prepare("SELECT room, round, player, choice, elapsed_ms FROM votes")
            .unwrap()
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(votes, vec![("ABCD".to_string(), 1, 0, 2, 700)]);
        // What an older binary still does to `votes` does nothing, and fails
        // nothing.
        conn.execute_batch(
            "INSERT OR REPLACE INTO votes (room, round, player, choice, elapsed_ms) VALUES ('ABCD', 2, 0, 1, 5);
             DELETE FROM votes WHERE room = 'ABCD';",
        )
        .unwrap();
        let count: i64 = conn
            .query_row("SELECT COUNT(*) FROM votes", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, 1);
    }
}
