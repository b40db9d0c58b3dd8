//! The organiser's resumable uploads over HTTP (a small tus; PROTOCOL
//! "Uploads"): announce a file, send its chunks at stated offsets, ask
//! where it stands. Every handler takes an [`Organiser`]; the files and
//! their checks live in `crate::uploads`.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::organise::Organiser;
use super::{AppError, Ids};
use crate::AppState;
use crate::reunion::{NewPerson, ReunionError};
use crate::roster::csv::name_key;
use crate::uploads::check::{self, Problem};
use crate::uploads::{AppendError, MAX_CHUNK_BYTES, Outcome, Placed, Upload, Uploads, by_person};

/// A chunk's body must arrive within this time: 1 MiB at 150 kbit/s.
/// Longer than the 10 s every other body gets, and only for organisers.
pub const CHUNK_READ_TIMEOUT: Duration = Duration::from_secs(60);
/// The header saying where a chunk starts (and, in answers, where the
/// upload stands).
pub const UPLOAD_OFFSET: &str = "upload-offset";

#[derive(askama::Template)]
#[template(path = "organise_upload.html")]
struct UploadPage {
    base: String,
    title: String,
    reunion: u32,
    /// The event's title, linking back to its page.
    event: String,
    back: String,
}

/// `GET /organise/reunions/{id}/upload`: the drop zone for one reunion.
pub async fn page(
    organiser: Organiser,
    State(state): State<Arc<AppState>>,
    Ids(reunion): Ids<u32>,
) -> Result<Response, AppError> {
    let event = find_reunion(&state, &organiser, reunion)?;
    Ok(super::pages::render(UploadPage {
        base: state.base.clone(),
        title: format!("Add photos — {}", event.title()),
        reunion,
        event: event.title(),
        back: format!("{}/organise/reunions/{reunion}", state.base),
    }))
}

/// Whether a request is an upload's chunk: its body is read by [`append`]
/// after the organiser is known, within its own limits, not by the guard.
pub fn is_chunk(state: &AppState, method: &axum::http::Method, path: &str) -> bool {
    method == axum::http::Method::PATCH
        && path
            .strip_prefix(state.base.as_str())
            .unwrap_or(path)
            .starts_with("/api/organise/uploads/")
}

/// The reunion `id`, once this organiser may touch it; the built-in
/// class (0) is read-only and no reunion here.
fn find_reunion(
    state: &AppState,
    organiser: &Organiser,
    id: u32,
) -> Result<Arc<crate::reunion::Reunion>, AppError> {
    organiser.check(id)?;
    state
        .reunions
        .get(id)
        .ok_or_else(|| AppError::not_found("No such event."))
}

fn staging(state: &AppState) -> Result<Arc<Uploads>, AppError> {
    state.uploads.clone().ok_or_else(|| {
        AppError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "storage_unavailable",
            "This server has no folder to keep uploads in.",
        )
    })
}

fn disk_trouble(e: impl std::fmt::Display) -> AppError {
    tracing::warn!("upload staging failed: {e}");
    AppError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "storage_unavailable",
        "The server could not save this part of the file (its disk may be full). \
         Nothing already saved is lost: try again in a moment.",
    )
}

/// 507: what is left of the disk is the games' (the reserve).
fn disk_full() -> AppError {
    AppError::new(
        StatusCode::INSUFFICIENT_STORAGE,
        "disk_full",
        "The server's disk is nearly full, and what is left keeps the games safe: \
         free some space on the server (or ask whoever runs it), then drop the \
         file again.",
    )
}

/// Runs blocking file work off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f).await.map_err(disk_trouble)
}

fn now() -> crate::game::Millis {
    crate::clock::Clock::new().now()
}

/// An upload as the API shows it.
fn view(upload: &Upload, offset: u64) -> Value {
    let (accepted, refused): (&[Placed], &[check::Refusal]) = match &upload.result {
        Some(r) => (&r.accepted, &r.refused),
        None => (&[], &[]),
    };
    json!({
        "id": upload.id,
        "reunion": upload.reunion,
        "name": upload.name,
        "label": upload.label,
        "size": upload.size,
        "offset": offset,
        "state": if upload.result.is_some() { "done" } else { "uploading" },
        "accepted": accepted,
        "refused": refused,
    })
}

/// The JSON view with the offset also in `Upload-Offset`.
fn answer(status: StatusCode, upload: &Upload, offset: u64) -> Response {
    let mut response = (status, Json(view(upload, offset))).into_response();
    let headers = response.headers_mut();
    headers.insert(UPLOAD_OFFSET, HeaderValue::from(offset));
    headers.insert("upload-length", HeaderValue::from(upload.size));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn refused(status: StatusCode, problem: &Problem) -> AppError {
    AppError::new(status, problem.code(), problem.message())
}

#[derive(Debug, Deserialize)]
struct Announce {
    name: String,
    size: u64,
    /// The folder the file was in, as the browser saw it (`1983`).
    #[serde(default)]
    label: String,
    /// The browser's idea of the type; the bytes decide, this is ignored.
    #[serde(default, rename = "type")]
    _kind: Option<String>,
}

/// The upload `id` in a path, once this organiser may touch it.
async fn find(
    uploads: &Arc<Uploads>,
    organiser: &Organiser,
    id: String,
) -> Result<(Upload, u64), AppError> {
    let staged = uploads.clone();
    let found = blocking(move || staged.get(&id)).await?;
    let missing = || {
        AppError::not_found(
            "No such upload: it may have been finished or abandoned more than a day ago.",
        )
    };
    let (upload, offset) = found.ok_or_else(missing)?;
    organiser.check(upload.reunion).map_err(|_| missing())?;
    Ok((upload, offset))
}

/// `POST /api/organise/reunions/{id}/uploads` `{name, size, label?, type?}`:
/// 201 `{id, offset: 0, …}`; a file too large, or named `.heic` or `.pdf`,
/// is refused before a byte is sent.
pub async fn create(
    organiser: Organiser,
    State(state): State<Arc<AppState>>,
    Ids(reunion): Ids<u32>,
    body: Bytes,
) -> Result<Response, AppError> {
    find_reunion(&state, &organiser, reunion)?;
    let uploads = staging(&state)?;
    let announce: Announce = serde_json::from_slice(&body)
        .map_err(|e| AppError::bad_request(format!("Expected {{\"name\", \"size\"}}: {e}")))?;
    let name = check::file_name(&announce.name);
    if let Some(problem) = check::refuse_announced(&name, announce.size) {
        let status = match problem {
            Problem::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        return Err(refused(status, &problem));
    }
    if announce.size == 0 {
        return Err(AppError::bad_request("This file is empty."));
    }
    let label = check::file_name(&announce.label);
    let upload = blocking(move || uploads.create(reunion, &name, &label, announce.size, now()))
        .await?
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::StorageFull {
                disk_full()
            } else {
                disk_trouble(e)
            }
        })?;
    Ok(answer(StatusCode::CREATED, &upload, 0))
}

/// `GET /api/organise/reunions/{id}/uploads`: the reunion's uploads, the
/// unfinished with their offsets (to resume) and the finished with what
/// became of them.
pub async fn list(
    organiser: Organiser,
    State(state): State<Arc<AppState>>,
    Ids(reunion): Ids<u32>,
) -> Result<Json<Value>, AppError> {
    find_reunion(&state, &organiser, reunion)?;
    let uploads = staging(&state)?;
    // Photos a restart kept from being added go on now.
    hand_on_or_log(&state, &uploads, reunion, &organiser).await;
    let all = blocking(move || uploads.list(reunion)).await?;
    let views: Vec<Value> = all.iter().map(|(u, o)| view(u, *o)).collect();
    Ok(Json(json!({ "uploads": views })))
}

/// `GET` (and `HEAD`) `/api/organise/uploads/{id}`: where it stands.
pub async fn status(
    organiser: Organiser,
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let uploads = staging(&state)?;
    let (upload, offset) = find(&uploads, &organiser, id).await?;
    Ok(answer(StatusCode::OK, &upload, offset))
}

/// `DELETE /api/organise/uploads/{id}`: the organiser gave up on a file.
pub async fn cancel(
    organiser: Organiser,
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    let uploads = staging(&state)?;
    let (upload, _) = find(&uploads, &organiser, id.clone()).await?;
    let staged = uploads.clone();
    blocking(move || staged.remove(&id)).await?;
    // The files that waited for this one go on now.
    hand_on_or_log(&state, &uploads, upload.reunion, &organiser).await;
    Ok(StatusCode::NO_CONTENT)
}

fn wrong_offset(upload: &Upload, at: u64) -> Response {
    let mut body = view(upload, at);
    body["error"] = json!("wrong_offset");
    body["message"] = json!(format!(
        "The server has the first {at} bytes of this file: send from there."
    ));
    let mut response = (StatusCode::CONFLICT, Json(body)).into_response();
    response
        .headers_mut()
        .insert(UPLOAD_OFFSET, HeaderValue::from(at));
    response
}

fn past_size() -> AppError {
    AppError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!(
            "A chunk carries at most {} MiB and never more than the file's announced size.",
            MAX_CHUNK_BYTES >> 20
        ),
    )
}

/// The chunk, at most `limit` bytes, within [`CHUNK_READ_TIMEOUT`].
async fn read_chunk(body: Body, limit: usize) -> Result<Bytes, AppError> {
    super::read_bounded(body, limit, CHUNK_READ_TIMEOUT)
        .await
        .map(Bytes::from)
        .map_err(|cut| match cut {
            super::BodyCut::Dropped => {
                AppError::bad_request("The connection dropped mid-chunk; resume from the offset.")
            }
            super::BodyCut::TooLarge(_) => past_size(),
            super::BodyCut::TimedOut => AppError::new(
                StatusCode::REQUEST_TIMEOUT,
                "request_timeout",
                format!(
                    "A chunk must arrive within {} s.",
                    CHUNK_READ_TIMEOUT.as_secs()
                ),
            ),
        })
}

/// `PATCH /api/organise/uploads/{id}` with `Upload-Offset: N` and the
/// bytes from N: 200 with the new offset, or 409 `wrong_offset` with the
/// server's. The chunk that completes the file has it checked and handed
/// on: the answer then says what was accepted and what refused.
pub async fn append(
    organiser: Organiser,
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AppError> {
    let uploads = staging(&state)?;
    let (upload, at) = find(&uploads, &organiser, id.clone()).await?;
    if upload.result.is_some() {
        return Ok(answer(StatusCode::OK, &upload, upload.size));
    }
    let offset = headers
        .get(UPLOAD_OFFSET)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .ok_or_else(|| AppError::bad_request("The Upload-Offset header must give a number."))?;
    if offset != at {
        return Ok(wrong_offset(&upload, at));
    }
    let room = upload.size.saturating_sub(at).min(MAX_CHUNK_BYTES as u64) as usize;
    let chunk = read_chunk(body, room).await?;
    let staged = uploads.clone();
    let chunk_id = id.clone();
    let appended = blocking(move || staged.append(&chunk_id, offset, &chunk, now())).await?;
    let end = match appended {
        Ok(end) => end,
        Err(AppendError::WrongOffset(at)) => return Ok(wrong_offset(&upload, at)),
        Err(AppendError::PastSize(_)) => return Err(past_size()),
        Err(AppendError::NotFound) => {
            return Err(AppError::not_found("No such upload."));
        }
        Err(AppendError::Finished) => {
            let (upload, offset) = find(&uploads, &organiser, id).await?;
            return Ok(answer(StatusCode::OK, &upload, offset));
        }
        Err(AppendError::DiskFull) => return Err(disk_full()),
        Err(AppendError::Io(e)) => return Err(disk_trouble(e)),
    };
    if end < upload.size {
        return Ok(answer(StatusCode::OK, &upload, end));
    }
    let staged = uploads.clone();
    let finished_id = id.clone();
    let done = blocking(move || staged.finish_with(&finished_id, now(), decide))
        .await?
        .map_err(disk_trouble)?;
    hand_on_or_log(&state, &uploads, done.reunion, &organiser).await;
    let (done, _) = find(&uploads, &organiser, id).await?;
    Ok(answer(StatusCode::OK, &done, done.size))
}

/// `POST /api/organise/reunions/{id}/uploads/add`: adds the photos that
/// wait now, without waiting for unfinished uploads (given up on, or
/// left by a closed browser). The answer is the list, as `GET`.
pub async fn add_waiting(
    organiser: Organiser,
    State(state): State<Arc<AppState>>,
    Ids(reunion): Ids<u32>,
) -> Result<Json<Value>, AppError> {
    find_reunion(&state, &organiser, reunion)?;
    let uploads = staging(&state)?;
    hand_on(&state, &uploads, reunion, &organiser, true).await?;
    list(organiser, State(state), Ids(reunion)).await
}

/// [`hand_on`] where the upload itself went well: a failure to add the
/// photos leaves them waiting (the list shows them so), for the next try.
async fn hand_on_or_log(
    state: &Arc<AppState>,
    uploads: &Arc<Uploads>,
    reunion: u32,
    by: &Organiser,
) {
    if let Err(e) = hand_on(state, uploads, reunion, by, false).await {
        tracing::warn!(reunion, "uploaded photos wait: {}", e.message);
    }
}

/// Hands the reunion's waiting photos on to it, one person at a time
/// (all their photos at once, from however many files), once none of
/// its uploads is still arriving (or at once, `now`). A person whose name
/// is already in the event is refused, not added twice; a storage
/// failure leaves the rest waiting for the next try. The people added
/// are signed by `by`, the organiser whose request handed them on.
async fn hand_on(
    state: &Arc<AppState>,
    uploads: &Arc<Uploads>,
    reunion: u32,
    by: &Organiser,
    now_anyway: bool,
) -> Result<(), AppError> {
    let _one_at_a_time = uploads.handing.lock().await;
    let staged = uploads.clone();
    let (arriving, waiting) =
        blocking(move || (staged.arriving(reunion), staged.waiting(reunion))).await?;
    if (arriving && !now_anyway) || waiting.is_empty() {
        return Ok(());
    }
    let Some(event) = state.reunions.get(reunion) else {
        return Ok(());
    };
    let (people, refused) = by_person(waiting);
    let mut settled: Vec<(String, String, Result<u32, check::Refusal>)> = refused
        .into_iter()
        .map(|(id, photo, refusal)| (id, photo.file, Err(refusal)))
        .collect();
    let there: std::collections::HashSet<String> = event
        .snapshot()
        .people
        .iter()
        .filter(|e| !e.row.deleted)
        .map(|e| name_key(&e.row.name))
        .collect();
    let mut trouble = None;
    for person in people {
        if there.contains(&name_key(&person.name)) {
            let problem = Problem::AlreadyThere {
                name: person.name.clone(),
            };
            for (id, photo) in person.photos {
                settled.push((id, photo.file.clone(), Err(problem.refusal(&photo.file))));
            }
            continue;
        }
        let staged = uploads.clone();
        let wanted = person.photos.clone();
        let loaded = blocking(move || {
            wanted
                .iter()
                .map(|(id, photo)| {
                    let label = Some(photo.label.clone()).filter(|l| !l.is_empty());
                    staged.photo_bytes(id, photo).map(|bytes| (label, bytes))
                })
                .collect::<std::io::Result<Vec<_>>>()
        })
        .await?;
        let added = match loaded {
            Ok(photos) => {
                let new = NewPerson {
                    name: person.name.clone(),
                    known_as: None,
                    gender: None,
                    in_memoriam: false,
                };
                let signed = by.describe(state);
                state
                    .reunions
                    .add_person(reunion, new, photos, signed)
                    .await
            }
            Err(e) => Err(ReunionError::Storage(e.to_string())),
        };
        let outcome = match added {
            Ok(row) => Ok(row.id),
            Err(ReunionError::Invalid(why)) => Err(check::Refusal {
                file: String::new(),
                code: "unreadable".into(),
                message: why,
            }),
            Err(e) => {
                trouble = Some(e);
                break;
            }
        };
        for (id, photo) in person.photos {
            let outcome = outcome.clone().map_err(|mut r| {
                r.file.clone_from(&photo.file);
                r
            });
            settled.push((id, photo.file, outcome));
        }
    }
    let staged = uploads.clone();
    blocking(move || {
        for (id, file, outcome) in settled {
            if let Err(e) = staged.settle(&id, &file, outcome, now()) {
                tracing::warn!("an upload's outcome could not be recorded: {e}");
            }
        }
    })
    .await?;
    match trouble {
        None => Ok(()),
        Some(e) => Err(AppError::from(e)),
    }
}

/// What a whole file gives: its photos checked and handed on, or refused.
fn decide(upload: &Upload, bytes: Vec<u8>) -> Outcome {
    let checked = check::check_upload(&upload.name, &upload.label, &bytes);
    Outcome {
        accepted: checked
            .accepted
            .into_iter()
            .map(|a| Placed {
                file: a.file,
                entry: a.entry,
                name: a.name,
                label: a.label,
                person: None,
            })
            .collect(),
        refused: checked.refused,
    }
}
