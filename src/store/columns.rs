//! How the game's id types are stored: as the plain integers they are on
//! the wire, so rows stay readable by hand and by older schemas.

use rusqlite::ToSql;
use rusqlite::types::{FromSql, FromSqlResult, ToSqlOutput, ValueRef};

use crate::game::PlayerId;

impl ToSql for PlayerId {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.get()))
    }
}

impl FromSql for PlayerId {
    /// A number outside `u32` is an error, never a wrapped id.
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        u32::column_result(value).map(PlayerId::new)
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::*;

    #[test]
    fn a_player_id_is_stored_as_its_number_and_never_read_wrapped() {
        let db = Connection::open_in_memory().unwrap();
        let stored: i64 = db
            .query_row("SELECT ?1", [PlayerId::new(7)], |r| r.get(0))
            .unwrap();
        assert_eq!(stored, 7);
        let read = |n: i64| db.query_row("SELECT ?1", [n], |r| r.get::<_, PlayerId>(0));
        assert_eq!(read(7).unwrap(), PlayerId::new(7));
        // 2^32 + 1 is no player, not player 1.
        assert!(read((1 << 32) + 1).is_err());
        assert!(read(-1).is_err());
    }
}
