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
use crate::i18n::{Lang, Tr};
use crate::reunion::{NewPerson, ReunionError};
use crate::roster::csv::name_key;
use crate::uploads::check::{self, Problem, Reason, ReasonArg};
use crate::uploads::{
    AppendError, Ask, MAX_CHUNK_BYTES, Outcome, Placed, Upload, Uploads, by_person,
};

/// A chunk's body must arrive within this time: 1 MiB at 150 kbit/s.
/// Longer than the 10 s every other body gets, and only for organisers.
pub const CHUNK_READ_TIMEOUT: Duration = Duration::from_secs(60);
/// The header saying where a chunk starts (and, in answers, where the
/// upload stands).
pub const UPLOAD_OFFSET: &str = "upload-offset";

/// `GET /organise/reunions/{id}/upload`: the drop zone's old page; it is
/// on the event's page now, where a bookmark of this one leads.
pub async fn page(
    organiser: Organiser,
    State(state): State<Arc<AppState>>,
    Ids(reunion): Ids<u32>,
) -> Result<Response, AppError> {
    find_reunion(&state, &organiser, reunion)?;
    let to = format!("{}/organise/reunions/{reunion}#uploads", state.base);
    Ok(axum::response::Redirect::to(&to).into_response())
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
        .ok_or_else(|| AppError::keyed(StatusCode::NOT_FOUND, "not_found", "refusal-no-such-event"))
}

fn staging(state: &AppState) -> Result<Arc<Uploads>, AppError> {
    state.uploads.clone().ok_or_else(|| {
        AppError::keyed(
            StatusCode::SERVICE_UNAVAILABLE,
            "storage_unavailable",
            "refusal-server-has-no-folder",
        )
    })
}

fn disk_trouble(e: impl std::fmt::Display) -> AppError {
    tracing::warn!("upload staging failed: {e}");
    AppError::keyed(
        StatusCode::SERVICE_UNAVAILABLE,
        "storage_unavailable",
        "refusal-server-could-not-save",
    )
}

/// 507: what is left of the disk is the games' (the reserve).
fn disk_full() -> AppError {
    AppError::keyed(
        StatusCode::INSUFFICIENT_STORAGE,
        "disk_full",
        "refusal-servers-disk-nearly-full",
    )
}

/// A staging failure: the disk's reserve reached, or another trouble.
fn staging_trouble(e: std::io::Error) -> AppError {
    if e.kind() == std::io::ErrorKind::StorageFull {
        disk_full()
    } else {
        disk_trouble(e)
    }
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

/// An upload as the API shows it, its refusals and questions in `lang`.
fn view(upload: &Upload, offset: u64, lang: Lang) -> Value {
    let (accepted, refused): (&[Placed], &[check::Refusal]) = match &upload.result {
        Some(r) => (&r.accepted, &r.refused),
        None => (&[], &[]),
    };
    let accepted: Vec<Value> = accepted
        .iter()
        .map(|photo| {
            let mut v = json!(photo);
            // `get_mut`: indexing would add `"ask": null` where none is.
            let shown = v.get_mut("ask").and_then(Value::as_object_mut);
            if let (Some(ask), Some(shown)) = (&photo.ask, shown) {
                shown.insert("message".into(), json!(ask.message_in(lang)));
                shown.remove("reason");
            }
            v
        })
        .collect();
    let refused: Vec<Value> = refused
        .iter()
        .map(|r| json!({"file": r.file, "code": r.code, "message": r.message_in(lang)}))
        .collect();
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
fn answer(status: StatusCode, upload: &Upload, offset: u64, lang: Lang) -> Response {
    let mut response = (status, Json(view(upload, offset, lang))).into_response();
    let headers = response.headers_mut();
    headers.insert(UPLOAD_OFFSET, HeaderValue::from(offset));
    headers.insert("upload-length", HeaderValue::from(upload.size));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn number(n: usize) -> ReasonArg {
    ReasonArg::Number(i64::try_from(n).unwrap_or(i64::MAX))
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
        AppError::keyed(
            StatusCode::NOT_FOUND,
            "not_found",
            "refusal-no-such-upload-have",
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
    t: Tr,
    State(state): State<Arc<AppState>>,
    Ids(reunion): Ids<u32>,
    body: Bytes,
) -> Result<Response, AppError> {
    find_reunion(&state, &organiser, reunion)?;
    let uploads = staging(&state)?;
    let announce: Announce = serde_json::from_slice(&body)
        .map_err(|e| AppError::said("refusal-expected-name-size").with("detail", e.to_string()))?;
    let name = check::file_name(&announce.name);
    if let Some(problem) = check::refuse_announced(&name, announce.size) {
        return Err(problem.refused());
    }
    if announce.size == 0 {
        return Err(AppError::keyed(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "refusal-file-empty",
        ));
    }
    let label = check::file_name(&announce.label);
    let upload = blocking(move || uploads.create(reunion, &name, &label, announce.size, now()))
        .await?
        .map_err(staging_trouble)?;
    Ok(answer(StatusCode::CREATED, &upload, 0, t.lang))
}

/// `GET /api/organise/reunions/{id}/uploads`: the reunion's uploads, the
/// unfinished with their offsets (to resume) and the finished with what
/// became of them.
pub async fn list(
    organiser: Organiser,
    t: Tr,
    State(state): State<Arc<AppState>>,
    Ids(reunion): Ids<u32>,
) -> Result<Json<Value>, AppError> {
    find_reunion(&state, &organiser, reunion)?;
    let uploads = staging(&state)?;
    // Photos a restart kept from being added go on now.
    hand_on_or_log(&state, &uploads, reunion, &organiser).await;
    let all = blocking(move || uploads.list(reunion)).await?;
    let views: Vec<Value> = all.iter().map(|(u, o)| view(u, *o, t.lang)).collect();
    Ok(Json(json!({ "uploads": views })))
}

/// `GET` (and `HEAD`) `/api/organise/uploads/{id}`: where it stands.
pub async fn status(
    organiser: Organiser,
    t: Tr,
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let uploads = staging(&state)?;
    let (upload, offset) = find(&uploads, &organiser, id).await?;
    Ok(answer(StatusCode::OK, &upload, offset, t.lang))
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

fn wrong_offset(upload: &Upload, at: u64, lang: Lang) -> Response {
    let mut body = view(upload, at, lang);
    body["error"] = json!("wrong_offset");
    body["message"] = json!(lang.with(
        "refusal-wrong-offset",
        &[("at", fluent_bundle::FluentValue::from(at))]
    ));
    let mut response = (StatusCode::CONFLICT, Json(body)).into_response();
    response
        .headers_mut()
        .insert(UPLOAD_OFFSET, HeaderValue::from(at));
    response
}

fn past_size() -> AppError {
    AppError::keyed(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        "refusal-chunk-too-large",
    )
    .with("max", MAX_CHUNK_BYTES >> 20)
}

/// The chunk, at most `limit` bytes, within [`CHUNK_READ_TIMEOUT`].
async fn read_chunk(body: Body, limit: usize) -> Result<Bytes, AppError> {
    super::read_bounded(body, limit, CHUNK_READ_TIMEOUT)
        .await
        .map(Bytes::from)
        .map_err(|cut| {
            cut.into_error(
                AppError::said("refusal-chunk-dropped"),
                AppError::said("refusal-chunk-slow").with("seconds", CHUNK_READ_TIMEOUT.as_secs()),
                |_| past_size(),
            )
        })
}

/// `PATCH /api/organise/uploads/{id}` with `Upload-Offset: N` and the
/// bytes from N: 200 with the new offset, or 409 `wrong_offset` with the
/// server's. The chunk that completes the file has it checked and handed
/// on: the answer then says what was accepted and what refused.
pub async fn append(
    organiser: Organiser,
    t: Tr,
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AppError> {
    let uploads = staging(&state)?;
    let (upload, at) = find(&uploads, &organiser, id.clone()).await?;
    if upload.result.is_some() {
        return Ok(answer(StatusCode::OK, &upload, upload.size, t.lang));
    }
    let offset = headers
        .get(UPLOAD_OFFSET)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .ok_or_else(|| {
            AppError::keyed(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "refusal-upload-offset-header-must",
            )
        })?;
    if offset != at {
        return Ok(wrong_offset(&upload, at, t.lang));
    }
    let room = upload.size.saturating_sub(at).min(MAX_CHUNK_BYTES as u64) as usize;
    let chunk = read_chunk(body, room).await?;
    let staged = uploads.clone();
    let chunk_id = id.clone();
    let appended = blocking(move || staged.append(&chunk_id, offset, &chunk, now())).await?;
    let end = match appended {
        Ok(end) => end,
        Err(AppendError::WrongOffset(at)) => return Ok(wrong_offset(&upload, at, t.lang)),
        Err(AppendError::PastSize(_)) => return Err(past_size()),
        Err(AppendError::NotFound) => {
            return Err(AppError::keyed(
                StatusCode::NOT_FOUND,
                "not_found",
                "refusal-no-such-upload",
            ));
        }
        Err(AppendError::Finished) => {
            let (upload, offset) = find(&uploads, &organiser, id).await?;
            return Ok(answer(StatusCode::OK, &upload, offset, t.lang));
        }
        Err(AppendError::DiskFull) => return Err(disk_full()),
        Err(AppendError::Io(e)) => return Err(disk_trouble(e)),
    };
    if end < upload.size {
        return Ok(answer(StatusCode::OK, &upload, end, t.lang));
    }
    let staged = uploads.clone();
    let finished_id = id.clone();
    let done = blocking(move || staged.finish_with(&finished_id, now(), decide))
        .await?
        .map_err(disk_trouble)?;
    hand_on_or_log(&state, &uploads, done.reunion, &organiser).await;
    let (done, _) = find(&uploads, &organiser, id).await?;
    Ok(answer(StatusCode::OK, &done, done.size, t.lang))
}

/// `POST /api/organise/reunions/{id}/uploads/add`: adds the photos that
/// wait now, without waiting for unfinished uploads (given up on, or
/// left by a closed browser). The answer is the list, as `GET`.
pub async fn add_waiting(
    organiser: Organiser,
    t: Tr,
    State(state): State<Arc<AppState>>,
    Ids(reunion): Ids<u32>,
) -> Result<Json<Value>, AppError> {
    find_reunion(&state, &organiser, reunion)?;
    let uploads = staging(&state)?;
    hand_on(&state, &uploads, reunion, &organiser, true).await?;
    list(organiser, t, State(state), Ids(reunion)).await
}

/// Files made on the server (the portraits cut from scanned class pages)
/// go the way of files the organiser uploads: each `(file name, label,
/// bytes)` is staged, checked and handed on as one upload. The answer is
/// each upload as the API shows it (in `lang`), in the order given.
pub(crate) async fn import_files(
    state: &Arc<AppState>,
    organiser: &Organiser,
    lang: Lang,
    reunion: u32,
    files: Vec<(String, String, Vec<u8>)>,
) -> Result<Vec<Value>, AppError> {
    find_reunion(state, organiser, reunion)?;
    let uploads = staging(state)?;
    let mut ids = Vec::with_capacity(files.len());
    for (name, label, bytes) in files {
        let staged = uploads.clone();
        let id = blocking(move || -> std::io::Result<String> {
            let upload = staged.create(reunion, &name, &label, bytes.len() as u64, now())?;
            for (n, chunk) in bytes.chunks(MAX_CHUNK_BYTES).enumerate() {
                let at = (n * MAX_CHUNK_BYTES) as u64;
                staged
                    .append(&upload.id, at, chunk, now())
                    .map_err(|e| match e {
                        AppendError::DiskFull => std::io::ErrorKind::StorageFull.into(),
                        e => std::io::Error::other(format!("{e:?}")),
                    })?;
            }
            staged.finish_with(&upload.id, now(), decide)?;
            Ok(upload.id)
        })
        .await?
        .map_err(staging_trouble)?;
        ids.push(id);
    }
    hand_on(state, &uploads, reunion, organiser, true).await?;
    let mut views = Vec::with_capacity(ids.len());
    for id in ids {
        let (upload, offset) = find(&uploads, organiser, id).await?;
        views.push(view(&upload, offset, lang));
    }
    Ok(views)
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

/// `POST /api/organise/uploads/{id}/choice` `{"file", "choice", "label"?,
/// "by"?}`: the organiser's answer to a photo's question (`replace`,
/// `add` with a label of its own, `skip`). The answer is the upload; a
/// question answered already (another tab) is left as it was.
pub async fn choose(
    organiser: Organiser,
    t: Tr,
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let uploads = staging(&state)?;
    let v: Value = serde_json::from_slice(&body).map_err(|e| {
        AppError::said("refusal-expected-file-choice").with("detail", e.to_string())
    })?;
    let file = v["file"].as_str().unwrap_or_default();
    let choice = v["choice"].as_str().unwrap_or_default();
    // One decision at a time, and none while photos are handed on.
    let _one_at_a_time = uploads.handing.lock().await;
    let (upload, _) = find(&uploads, &organiser, id.clone()).await?;
    let open = upload
        .result
        .as_ref()
        .and_then(|r| r.accepted.iter().find(|p| p.file == file))
        .and_then(|p| p.ask.clone().map(|ask| (p.clone(), ask)));
    let Some((photo, ask)) = open else {
        return Ok(answer(StatusCode::OK, &upload, upload.size, t.lang));
    };
    if !ask.choices.iter().any(|c| c == choice) {
        return Err(AppError::said("refusal-choose-one-of").with("choices", ask.choices.join(", ")));
    }
    let reunion = upload.reunion;
    let event = find_reunion(&state, &organiser, reunion)?;
    let entry = event
        .snapshot()
        .people
        .into_iter()
        .find(|e| e.row.id == ask.person && !e.row.deleted);
    let fate = match (choice, entry) {
        ("skip", _) | (_, None) => Err(Problem::Skipped {
            name: photo.name.clone(),
        }
        .refusal(&photo.file)),
        (choice, Some(entry)) => {
            let label = if choice == "add" {
                Some(label_of_another(&event, &entry, v["label"].as_str())?)
            } else {
                None
            };
            let source = source_of(&uploads, &id, &photo).await?;
            match label {
                Some(label) => {
                    state
                        .reunions
                        .add_photo(reunion, ask.person, Some(&label), source)
                        .await?;
                }
                None => {
                    let by = super::organise::signed_by(&state, &organiser, v["by"].as_str());
                    let version = entry.row.version;
                    let (person, idx) = (ask.person, ask.replace);
                    state
                        .reunions
                        .replace_photo(reunion, person, idx, version, source, &by)
                        .await?;
                }
            }
            Ok(ask.person)
        }
    };
    let staged = uploads.clone();
    let (settled_id, file) = (id.clone(), photo.file.clone());
    blocking(move || staged.settle(&settled_id, &file, fate, now()))
        .await?
        .map_err(disk_trouble)?;
    let (done, _) = find(&uploads, &organiser, id).await?;
    Ok(answer(StatusCode::OK, &done, done.size, t.lang))
}

/// The label of a photo added as `entry`'s another: given, at most 40
/// characters, in the class's spelling, and not one of theirs already.
fn label_of_another(
    event: &crate::reunion::Reunion,
    entry: &crate::reunion::Entry,
    given: Option<&str>,
) -> Result<String, AppError> {
    use crate::reunion::label_key;
    let name = &entry.row.name;
    let refuse = |code: &'static str, key: &'static str| {
        AppError::keyed(StatusCode::UNPROCESSABLE_ENTITY, code, key).with("name", name.as_str())
    };
    let Some(given) = given.map(str::trim).filter(|l| !l.is_empty()) else {
        return Err(refuse("label_needed", "refusal-label-needed"));
    };
    let max = crate::roster::csv::MAX_LABEL_CHARS;
    if given.chars().count() > max {
        return Err(refuse("label_too_long", "refusal-label-too-long").with("max", max));
    }
    let label = crate::reunion::class_label(&event.snapshot().people, given);
    if entry
        .photos
        .iter()
        .any(|p| label_key(p.label.as_deref()) == label_key(Some(&label)))
    {
        return Err(refuse("label_taken", "refusal-label-taken").with("label", label.as_str()));
    }
    Ok(label)
}

/// What one upload's photo became when handed on: joined a person,
/// refused, or waiting for the organiser's choice.
enum Fate {
    Joined(u32),
    Refused(check::Refusal),
    Asked(Ask),
}

/// Hands the reunion's waiting photos on to it, one person at a time
/// (all their photos at once, from however many files), once none of
/// its uploads is still arriving (or at once, `now`). A person already in
/// the event gets the photos that add to theirs ([`join`]); a storage
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
    let mut settled: Vec<(String, String, Fate)> = refused
        .into_iter()
        .map(|(id, photo, refusal)| (id, photo.file, Fate::Refused(refusal)))
        .collect();
    let mut trouble = None;
    for mut person in people {
        let class = event.snapshot().people;
        // Labels in the class's own spelling: a room's choice finds them all.
        for (_, photo) in &mut person.photos {
            if !photo.label.is_empty() {
                photo.label = crate::reunion::class_label(&class, &photo.label);
            }
        }
        let there = class
            .iter()
            .find(|e| !e.row.deleted && name_key(&e.row.name) == name_key(&person.name));
        let person_id = there.map(|e| e.row.id);
        let outcome = match person_id {
            Some(id) => join(state, uploads, (reunion, id), person.photos, &mut settled).await,
            None => add_new(state, uploads, reunion, by, person)
                .await
                .map(|fates| settled.extend(fates)),
        };
        if let Err(e) = outcome {
            trouble = Some(e);
            break;
        }
    }
    let staged = uploads.clone();
    blocking(move || {
        for (id, file, fate) in settled {
            let recorded = match fate {
                Fate::Joined(person) => staged.settle(&id, &file, Ok(person), now()),
                Fate::Refused(refusal) => staged.settle(&id, &file, Err(refusal), now()),
                Fate::Asked(ask) => staged.ask(&id, &file, ask, now()),
            };
            if let Err(e) = recorded {
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

/// The source bytes of one waiting photo.
async fn source_of(
    uploads: &Arc<Uploads>,
    id: &str,
    photo: &Placed,
) -> Result<Vec<u8>, ReunionError> {
    let (staged, id, photo) = (uploads.clone(), id.to_string(), photo.clone());
    blocking(move || staged.photo_bytes(&id, &photo))
        .await
        .map_err(|e| ReunionError::Storage(e.message))?
        .map_err(|e| ReunionError::Storage(e.to_string()))
}

/// A person the event does not have yet, with all their photos; an
/// unreadable photo refuses them all.
async fn add_new(
    state: &Arc<AppState>,
    uploads: &Arc<Uploads>,
    reunion: u32,
    by: &Organiser,
    person: crate::uploads::Person,
) -> Result<Vec<(String, String, Fate)>, ReunionError> {
    let mut photos = Vec::with_capacity(person.photos.len());
    for (id, photo) in &person.photos {
        let label = Some(photo.label.clone()).filter(|l| !l.is_empty());
        photos.push((label, source_of(uploads, id, photo).await?));
    }
    let new = NewPerson {
        name: person.name.clone(),
        known_as: None,
        gender: None,
        in_memoriam: false,
    };
    let added = state
        .reunions
        .add_person(reunion, new, photos, by.describe(state))
        .await;
    let fate = |file: &str| match &added {
        Ok(row) => Ok(Fate::Joined(row.id)),
        Err(ReunionError::Invalid(why)) => Ok(Fate::Refused(unreadable(file, why))),
        // Full keeps its own answer (507 `disk_full`), not a storage failure.
        Err(ReunionError::Full) => Err(ReunionError::Full),
        Err(e) => Err(ReunionError::Storage(e.to_string())),
    };
    person
        .photos
        .into_iter()
        .map(|(id, photo)| Ok((id, photo.file.clone(), fate(&photo.file)?)))
        .collect()
}

/// A photo the event store refused: its reason as the organiser's
/// `invalid` refusal says it (a decoder's own words stay English).
fn unreadable(file: &str, why: &crate::reunion::Invalid) -> check::Refusal {
    let said = super::organise::invalid(why.clone());
    let reason = said.keyed.map(|keyed| {
        let args = keyed
            .args
            .into_iter()
            .map(|(name, value)| {
                let value = match value {
                    super::Arg::Number(n) => ReasonArg::Number(n),
                    super::Arg::Text(s) => ReasonArg::Text(s),
                    super::Arg::Tenths(tenths) => ReasonArg::Tenths { tenths },
                };
                (name, value)
            })
            .collect();
        Reason::new(keyed.key, args)
    });
    check::Refusal {
        file: file.to_string(),
        code: "unreadable".into(),
        message: said.message,
        reason,
    }
}

/// Photos for `person`, already in the event, one at a time: the same
/// photo again is skipped; a label they lack (or a first photo) is
/// added; anything that would take a photo's place waits for the
/// organiser's choice ([`plan_for`]). Each fate goes to `fates` as it is
/// known: a storage failure midway keeps what was done already.
async fn join(
    state: &Arc<AppState>,
    uploads: &Arc<Uploads>,
    (reunion, person): (u32, u32),
    photos: Vec<(String, Placed)>,
    fates: &mut Vec<(String, String, Fate)>,
) -> Result<(), ReunionError> {
    for (id, photo) in photos {
        let source = source_of(uploads, &id, &photo).await?;
        let Some(entry) = state
            .reunions
            .get(reunion)
            .and_then(|r| r.snapshot().people.into_iter().find(|e| e.row.id == person))
        else {
            return Err(ReunionError::NotFound);
        };
        let label = Some(photo.label.as_str()).filter(|l| !l.is_empty());
        let sha = crate::roster::photos::photo_id(&source);
        let fate = match plan_for(&entry, label, &sha) {
            Plan::Same => Fate::Refused(
                Problem::AlreadyThere {
                    name: entry.row.name.clone(),
                }
                .refusal(&photo.file),
            ),
            Plan::Ask(ask) => Fate::Asked(ask),
            Plan::Add if entry.photos.len() >= crate::reunion::MAX_PHOTOS_PER_PERSON => {
                let reason = Reason::new(
                    "upload-too-many-photos",
                    vec![
                        ("name", ReasonArg::Text(entry.row.name.clone())),
                        ("count", number(entry.photos.len())),
                    ],
                );
                Fate::Refused(check::Refusal {
                    file: photo.file.clone(),
                    code: "too_many_photos".into(),
                    message: reason.render(Lang::EN),
                    reason: Some(reason),
                })
            }
            Plan::Add => match state
                .reunions
                .add_photo(reunion, person, label, source)
                .await
            {
                Ok(_) => Fate::Joined(person),
                Err(ReunionError::Invalid(why)) => Fate::Refused(unreadable(&photo.file, &why)),
                Err(e) => return Err(e),
            },
        };
        fates.push((id, photo.file, fate));
    }
    Ok(())
}

/// What a photo for someone already in the event should do.
#[derive(Debug, PartialEq, Eq)]
enum Plan {
    /// Its bytes are one of their photos already.
    Same,
    Add,
    Ask(Ask),
}

/// The photo labelled `label` (`None`: unlabelled) with content `sha`,
/// for `entry`: nothing is overwritten without the organiser's word.
fn plan_for(entry: &crate::reunion::Entry, label: Option<&str>, sha: &str) -> Plan {
    use crate::reunion::label_key;
    if entry.photos.iter().any(|p| p.sha == sha) {
        return Plan::Same;
    }
    let name = &entry.row.name;
    let ask = |target: &crate::reunion::PhotoEntry, choices: &[&str], reason: Reason| {
        Plan::Ask(Ask {
            person: entry.row.id,
            replace: target.idx,
            replace_label: target.label.clone(),
            choices: choices.iter().map(|c| c.to_string()).collect(),
            message: reason.render(Lang::EN),
            reason: Some(reason),
        })
    };
    let name_arg = ("name", ReasonArg::Text(name.clone()));
    match label {
        Some(label) => match entry
            .photos
            .iter()
            .find(|p| label_key(p.label.as_deref()) == label_key(Some(label)))
        {
            Some(taken) => ask(
                taken,
                &["replace", "skip"],
                Reason::new(
                    "upload-ask-label",
                    vec![name_arg, ("label", ReasonArg::Text(label.to_string()))],
                ),
            ),
            None => Plan::Add,
        },
        None => match replaced_by_default(&entry.photos) {
            Some(target) => ask(
                target,
                &["replace", "add", "skip"],
                Reason::new("upload-ask-photo", vec![name_arg]),
            ),
            None => Plan::Add,
        },
    }
}

/// The photo an unlabelled one would replace: the person's unlabelled
/// photo, else the newest yearbook's (the one games show by default).
fn replaced_by_default(
    photos: &[crate::reunion::PhotoEntry],
) -> Option<&crate::reunion::PhotoEntry> {
    let year = |p: &&crate::reunion::PhotoEntry| {
        p.label
            .as_deref()
            .map(str::trim)
            .filter(|l| l.len() == 4 && l.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|l| l.parse::<u32>().ok())
    };
    photos
        .iter()
        .find(|p| p.label.is_none())
        .or_else(|| photos.iter().filter(|p| year(p).is_some()).max_by_key(year))
        .or_else(|| photos.first())
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
                ask: None,
            })
            .collect(),
        refused: checked.refused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reunion::{Entry, PersonRow, PhotoEntry};
    use crate::roster::photos::Variant;

    fn ann(photos: &[(u32, Option<&str>, &str)]) -> Entry {
        let none = Variant {
            bytes: bytes::Bytes::new(),
            content_type: "image/jpeg",
        };
        Entry {
            row: PersonRow::named(7, "Ann Lee"),
            photos: photos
                .iter()
                .map(|(idx, label, sha)| PhotoEntry {
                    idx: *idx,
                    label: label.map(str::to_string),
                    sha: sha.to_string(),
                    thumb: none.clone(),
                    photo: none.clone(),
                })
                .collect(),
        }
    }

    fn asked(plan: Plan) -> (u32, Option<String>, Vec<String>) {
        match plan {
            Plan::Ask(a) => (a.replace, a.replace_label, a.choices),
            other => panic!("expected a question, got {other:?}"),
        }
    }

    #[test]
    fn nothing_a_person_has_is_taken_without_asking() {
        let labelled = ann(&[(0, Some("1983"), "a"), (1, Some("1986"), "b")]);
        assert_eq!(plan_for(&labelled, Some("1990"), "c"), Plan::Add);
        assert_eq!(plan_for(&labelled, None, "b"), Plan::Same);
        assert_eq!(plan_for(&labelled, Some("1990"), "a"), Plan::Same);
        assert_eq!(
            asked(plan_for(&labelled, Some(" 1983 "), "c")),
            (
                0,
                Some("1983".into()),
                vec!["replace".into(), "skip".into()]
            )
        );
        // No label: the newest yearbook's photo, the one games show.
        let (replace, label, choices) = asked(plan_for(&labelled, None, "c"));
        assert_eq!((replace, label.as_deref()), (1, Some("1986")));
        assert_eq!(choices, ["replace", "add", "skip"]);
        // Their photo without a label comes first; no year: the first.
        let mixed = ann(&[(0, Some("25th"), "a"), (3, None, "b")]);
        assert_eq!(asked(plan_for(&mixed, None, "c")).0, 3);
        let words = ann(&[(2, Some("senior"), "a"), (4, Some("junior"), "b")]);
        assert_eq!(asked(plan_for(&words, None, "c")).0, 2);
        // Nobody's photo to take: added.
        assert_eq!(plan_for(&ann(&[]), None, "c"), Plan::Add);
        assert_eq!(plan_for(&ann(&[]), Some("1983"), "c"), Plan::Add);
    }
}
