//! Versioned schema: `PRAGMA user_version` says which migrations ran.

use rusqlite::Connection;

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
];

pub fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}
