//! Scanned class pages waiting for the organiser's word (issue 23): each
//! page's straightened image and the boxes found on it, with the names
//! read under them, kept in the reunion store (`reunion_pages`) so that a
//! restart loses none of the organiser's fixes.

use anyhow::Context;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::ReunionStore;

/// Most boxes one page may hold (a class page has a few dozen).
pub const MAX_BOXES: usize = 400;
/// Most pages waiting in one event.
pub const MAX_PAGES: usize = 60;

/// One portrait's box on a page, in the straightened page's pixels (end
/// exclusive), with its name: `name` as the organiser has it now, `read`
/// as the caption was read, `flag` why nothing was read (then the name
/// starts empty: nothing is guessed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftBox {
    pub x0: u32,
    pub y0: u32,
    pub x1: u32,
    pub y1: u32,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub read: String,
    #[serde(default)]
    pub flag: Option<String>,
    /// The part of the page framed by the face (issue 23) while the box is
    /// where it was found: that part is what goes to the roster. Kept by the
    /// server (a box moved or resized loses it and is cut as drawn).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub framed: Option<[u32; 4]>,
    /// The box's photo before framing (the box less its blurred edge) and
    /// the face found in it (centre x, y and size, in that photo's
    /// pixels): "Add to the class" frames a book's boxes together from
    /// these, as `yearbook pages` does. Kept by the server, as `framed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cell: Option<[u32; 4]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub face: Option<[f32; 3]>,
}

/// A page as the organiser's page shows it (its image is fetched apart).
#[derive(Debug, Clone, Serialize)]
pub struct DraftPage {
    pub id: i64,
    pub reunion: u32,
    pub file: String,
    /// The book's label for its photos (`1986`), or empty.
    pub label: String,
    pub width: u32,
    pub height: u32,
    pub skew: f32,
    pub boxes: Vec<DraftBox>,
    pub at: i64,
}

/// A page to keep: what [`insert`] needs.
pub struct NewPage<'a> {
    pub reunion: u32,
    pub file: &'a str,
    pub png: &'a [u8],
    pub width: u32,
    pub height: u32,
    pub skew: f32,
    pub boxes: &'a [DraftBox],
    pub at: i64,
}

fn boxes_of(json: &str) -> Vec<DraftBox> {
    // Written by this module only; a row that does not read is shown empty.
    serde_json::from_str(json).unwrap_or_default()
}

pub fn insert(store: &ReunionStore, page: &NewPage<'_>) -> anyhow::Result<i64> {
    let conn = store.lock();
    conn.execute(
        "INSERT INTO reunion_pages (reunion, file, image, width, height, skew, boxes, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            page.reunion,
            page.file,
            page.png,
            page.width,
            page.height,
            f64::from(page.skew),
            serde_json::to_string(page.boxes)?,
            page.at
        ],
    )
    .context("keeping a scanned page")?;
    Ok(conn.last_insert_rowid())
}

/// The event's pages, oldest first.
pub fn list(store: &ReunionStore, reunion: u32) -> anyhow::Result<Vec<DraftPage>> {
    let conn = store.lock();
    let mut stmt = conn.prepare(
        "SELECT id, file, label, width, height, skew, boxes, at FROM reunion_pages
         WHERE reunion = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map(params![reunion], |r| {
        Ok(DraftPage {
            id: r.get(0)?,
            reunion,
            file: r.get(1)?,
            label: r.get(2)?,
            width: r.get(3)?,
            height: r.get(4)?,
            skew: r.get::<_, f64>(5)? as f32,
            boxes: boxes_of(&r.get::<_, String>(6)?),
            at: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The page's straightened image (PNG).
pub fn image(store: &ReunionStore, reunion: u32, id: i64) -> anyhow::Result<Option<Vec<u8>>> {
    let conn = store.lock();
    Ok(conn
        .query_row(
            "SELECT image FROM reunion_pages WHERE reunion = ?1 AND id = ?2",
            params![reunion, id],
            |r| r.get(0),
        )
        .optional()?)
}

/// Saves the organiser's boxes and label; `false` when there is no such page.
pub fn update(
    store: &ReunionStore,
    reunion: u32,
    id: i64,
    label: &str,
    boxes: &[DraftBox],
) -> anyhow::Result<bool> {
    let conn = store.lock();
    let changed = conn.execute(
        "UPDATE reunion_pages SET label = ?3, boxes = ?4 WHERE reunion = ?1 AND id = ?2",
        params![reunion, id, label, serde_json::to_string(boxes)?],
    )?;
    Ok(changed == 1)
}

/// Drops pages; `false` when there was none of these.
pub fn delete(store: &ReunionStore, reunion: u32, ids: &[i64]) -> anyhow::Result<bool> {
    let mut conn = store.lock();
    let tx = conn.transaction()?;
    let mut gone = 0;
    for id in ids {
        gone += tx.execute(
            "DELETE FROM reunion_pages WHERE reunion = ?1 AND id = ?2",
            params![reunion, id],
        )?;
    }
    tx.commit()?;
    Ok(gone > 0)
}
