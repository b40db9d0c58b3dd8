//! `POST /api/organise/reunions/from-roster`: a new event from a zipped
//! roster folder (what `yearbook export` writes, or `yearbook import`'s
//! output), checked as `yearbook check` checks it. The body is read here,
//! after the organiser is known, within its own limit, not by the guard,
//! straight to a file in the uploads' staging folder.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::AppError;
use super::organise::Organiser;
use crate::AppState;
use crate::i18n::{Lang, Tr};
use crate::reunion::NewPerson;
use crate::roster::why::Labelled;

/// Largest zip accepted (a class of 200 with two scans each fits).
pub const MAX_ZIP_BYTES: usize = 200 * 1024 * 1024;
/// Most bytes the zip may unpack to: a small zip of zeros stays small.
pub const MAX_UNZIPPED_BYTES: u64 = 1024 * 1024 * 1024;
/// Most files in the zip.
pub const MAX_ZIP_ENTRIES: usize = 5000;
/// The whole zip must arrive within this (200 MB at 3 Mbit/s).
pub const ZIP_READ_TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// Whether a request is this route's: its body is read by [`create`].
pub fn is_roster_zip(state: &AppState, method: &axum::http::Method, path: &str) -> bool {
    method == axum::http::Method::POST
        && path.strip_prefix(state.base.as_str()).unwrap_or(path)
            == "/api/organise/reunions/from-roster"
}

/// `POST /api/organise/reunions/from-roster[?title=…]`, body the zip:
/// 201 `{reunion, people, photos}`, or 422 `roster_problems` with
/// `problems` (check's lines), nothing created.
pub async fn create(
    State(state): State<Arc<AppState>>,
    who: Organiser,
    t: Tr,
    RawQuery(query): RawQuery,
    body: Body,
) -> Result<Response, AppError> {
    who.check_all()?;
    let title = serde_urlencoded::from_str::<Vec<(String, String)>>(query.as_deref().unwrap_or(""))
        .unwrap_or_default()
        .into_iter()
        .find(|(k, _)| k == "title")
        .map(|(_, v)| v);
    let zip = Spooled::new(&state)?;
    spool_zip(body, &zip.0).await?;
    let folder = Unpacked::new()?;
    let dir = folder.0.clone();
    let zip_path = zip.0.clone();
    let read = tokio::task::spawn_blocking(move || {
        let file = std::fs::File::open(&zip_path)
            .map_err(|e| refused("refusal-zip-read-back").with("detail", e.to_string()))?;
        unzip(std::io::BufReader::new(file), &dir)?;
        let csv = find_roster(&dir)?;
        let title = title
            .filter(|t| !t.trim().is_empty())
            .or_else(|| {
                csv.parent()
                    .filter(|p| *p != dir)
                    .and_then(Path::file_name)
                    .map(|n| n.to_string_lossy().into_owned())
            })
            .unwrap_or_else(|| "Imported class".to_string());
        let people = crate::roster::load::read_people(&csv).map_err(Refused::Problems)?;
        Ok::<_, Refused>((title, people))
    })
    .await
    .map_err(|e| AppError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()));
    drop(folder);
    drop(zip);
    let (title, people) = match read? {
        Ok(read) => read,
        Err(refused) => return Ok(refused.said(t.lang)),
    };
    let photos: usize = people.iter().map(|(_, p)| p.len()).sum();
    let count = people.len();
    let people = people
        .into_iter()
        .map(|(row, bytes)| {
            let labelled = row
                .photos
                .iter()
                .map(|p| p.label.clone())
                .zip(bytes)
                .collect();
            let person = NewPerson {
                name: row.name,
                known_as: row.known_as,
                gender: row.gender,
                in_memoriam: row.in_memoriam,
            };
            (person, labelled)
        })
        .collect();
    let reunion = state
        .reunions
        .create_with_people(&title, people, who.describe(&state))
        .await?;
    let body = json!({
        "reunion": reunion.meta(),
        "people": count,
        "photos": photos,
        "url": format!("{}/organise/reunions/{}", state.base, reunion.id),
    });
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

fn too_large() -> AppError {
    AppError::keyed(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        "refusal-zip-too-large",
    )
    .with("max", MAX_ZIP_BYTES >> 20)
}

/// The body written to `path` as it arrives, within [`MAX_ZIP_BYTES`] and
/// [`ZIP_READ_TIMEOUT`]: a 200 MB zip never sits in memory.
async fn spool_zip(body: Body, path: &Path) -> Result<(), AppError> {
    let mut file = tokio::fs::File::create(path).await.map_err(no_room)?;
    super::spool_bounded(body, MAX_ZIP_BYTES, ZIP_READ_TIMEOUT, &mut file)
        .await
        .map_err(|cut| match cut {
            Err(e) => no_room(e),
            Ok(cut) => cut.into_error(
                AppError::said("refusal-zip-dropped"),
                AppError::said("refusal-zip-slow").with("minutes", ZIP_READ_TIMEOUT.as_secs() / 60),
                |_| too_large(),
            ),
        })?;
    Ok(())
}

/// The disk would not take the zip: the server's trouble, not the zip's.
fn no_room(e: std::io::Error) -> AppError {
    tracing::warn!("a roster zip could not be spooled: {e}");
    AppError::keyed(
        StatusCode::SERVICE_UNAVAILABLE,
        "storage_unavailable",
        "refusal-server-has-no-room",
    )
}

/// The zip as it arrived, on disk in the uploads' staging folder (else
/// the system's temporary one), removed on drop: whatever the outcome.
struct Spooled(PathBuf);

impl Spooled {
    fn new(state: &AppState) -> Result<Self, AppError> {
        let path = match &state.uploads {
            Some(uploads) => uploads.spool_path().map_err(no_room)?,
            None => std::env::temp_dir().join(format!(
                "yearbook-roster-{}.zip",
                hex::encode(rand::random::<[u8; 12]>())
            )),
        };
        Ok(Self(path))
    }
}

impl Drop for Spooled {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A private folder the zip is unpacked into, removed on drop.
struct Unpacked(PathBuf);

impl Unpacked {
    fn new() -> Result<Self, AppError> {
        let dir = std::env::temp_dir().join(format!(
            "yearbook-roster-{}",
            hex::encode(rand::random::<[u8; 12]>())
        ));
        std::fs::create_dir(&dir).map_err(|e| {
            AppError::keyed(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "refusal-zip-no-room",
            )
            .with("detail", e.to_string())
        })?;
        Ok(Self(dir))
    }
}

impl Drop for Unpacked {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Why a zip made no event.
enum Refused {
    /// Not a usable zip: 422 `bad_zip`, its key says why.
    Zip(AppError),
    /// `yearbook check`'s lines about the roster in it.
    Problems(Vec<Labelled>),
}

impl Refused {
    /// The refusal, the roster's lines in `lang`.
    fn said(self, lang: Lang) -> Response {
        match self {
            Self::Zip(e) => e.into_response(),
            Self::Problems(problems) => {
                let lines: Vec<String> = problems.iter().map(|p| p.say(lang)).collect();
                AppError::keyed(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "roster_problems",
                    "refusal-roster-problems",
                )
                .with("count", lines.len())
                .with_fields(json!({ "problems": lines }))
            }
        }
    }
}

impl From<AppError> for Refused {
    fn from(e: AppError) -> Self {
        Self::Zip(e)
    }
}

/// 422 `bad_zip` with the catalogue's `key`.
fn refused(key: &'static str) -> AppError {
    AppError::keyed(StatusCode::UNPROCESSABLE_ENTITY, "bad_zip", key)
}

/// Unpacks `zip` (the spooled file) into `dir`: plain files only, every name inside `dir`,
/// within [`MAX_ZIP_ENTRIES`] and [`MAX_UNZIPPED_BYTES`].
fn unzip(zip: impl std::io::Read + std::io::Seek, dir: &Path) -> Result<(), Refused> {
    let mut archive = zip::ZipArchive::new(zip).map_err(|_| refused("refusal-zip-not-zip"))?;
    if archive.len() > MAX_ZIP_ENTRIES {
        return Err(refused("refusal-zip-too-many-files")
            .with("count", archive.len())
            .with("max", MAX_ZIP_ENTRIES)
            .into());
    }
    let mut left = MAX_UNZIPPED_BYTES;
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .map_err(|e| refused("refusal-zip-damaged").with("detail", e.to_string()))?;
        if entry.is_dir() || entry.is_symlink() {
            continue;
        }
        let Some(rel) = entry.enclosed_name() else {
            let name = entry.name_raw().escape_ascii().to_string();
            return Err(refused("refusal-zip-outside").with("name", name).into());
        };
        let path = dir.join(rel);
        let written = (|| {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            let mut file = std::fs::File::create(&path)?;
            std::io::copy(&mut (&mut entry).take(left + 1), &mut file)
        })()
        .map_err(|e| refused("refusal-zip-unpack").with("detail", e.to_string()))?;
        if written > left {
            return Err(refused("refusal-zip-unpacks-too-big")
                .with("max", MAX_UNZIPPED_BYTES >> 20)
                .into());
        }
        left -= written;
    }
    Ok(())
}

use std::io::Read as _;

/// The one `roster.csv` nearest the zip's top (at its root, or in the one
/// folder zipped).
fn find_roster(dir: &Path) -> Result<PathBuf, Refused> {
    let mut level = vec![dir.to_path_buf()];
    for _ in 0..4 {
        let mut found = Vec::new();
        let mut next = Vec::new();
        for d in &level {
            let Ok(entries) = std::fs::read_dir(d) else {
                continue;
            };
            for e in entries.flatten() {
                let path = e.path();
                let name = e.file_name().to_string_lossy().to_lowercase();
                if path.is_dir() && name != "__macosx" {
                    next.push(path);
                } else if name == "roster.csv" {
                    found.push(path);
                }
            }
        }
        match found.len() {
            0 => level = next,
            1 => return Ok(found.remove(0)),
            _ => {
                return Err(refused("refusal-zip-several-rosters").into());
            }
        }
    }
    Err(refused("refusal-zip-no-roster").into())
}
