//! Then & now (issue 21): a guest's photo of today, sent from their phone
//! (its resume token says who), and the host's list with one-tap hiding.
//! See docs/protocol.md, "Then & now: today's photo".

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::body::Body;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::AppError;
use super::api::{bearer, find_room, host_room, ip_of};
use crate::AppState;
use crate::game::PlayerId;
use crate::i18n::Tr;
use crate::room::Room;
use crate::thennow::{self, MAX_TODAY_BYTES, TodayPhotos};

/// Time for a phone's photo to arrive: 15 MB at about 1 Mbit/s.
const TODAY_READ_TIMEOUT: Duration = Duration::from_secs(180);

/// Whether a request is a guest's photo: its body (up to
/// [`MAX_TODAY_BYTES`]) is read by [`put`], not held to 64 KiB.
pub fn is_today_put(state: &AppState, method: &Method, path: &str) -> bool {
    let path = path.strip_prefix(state.base.as_str()).unwrap_or(path);
    method == Method::PUT && path.starts_with("/api/rooms/") && path.ends_with("/today")
}

fn store(state: &AppState) -> Result<&TodayPhotos, AppError> {
    state.today.get().ok_or_else(|| {
        AppError::keyed(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "today-unavailable",
        )
    })
}

fn failed(e: anyhow::Error) -> AppError {
    tracing::warn!("a photo of today: {e:#}");
    AppError::keyed(
        StatusCode::SERVICE_UNAVAILABLE,
        "storage_unavailable",
        "today-save-failed",
    )
}

/// The guest a phone's token (`Authorization: Bearer TOKEN`) speaks for.
fn guest(room: &Room, headers: &HeaderMap) -> Result<PlayerId, AppError> {
    let token = bearer(headers).ok_or_else(|| {
        AppError::keyed(StatusCode::UNAUTHORIZED, "unauthorized", "today-join-first")
    })?;
    room.player_by_token(token)
        .map(|(id, _)| id)
        .ok_or_else(|| {
            AppError::keyed(
                StatusCode::FORBIDDEN,
                "unknown_token",
                "today-unknown-token",
            )
        })
}

fn room_and_guest(
    state: &AppState,
    peer: SocketAddr,
    code: &str,
    headers: &HeaderMap,
) -> Result<(Arc<Room>, PlayerId), AppError> {
    let room = find_room(state, code, ip_of(state, peer, headers))?;
    let player = guest(&room, headers)?;
    Ok((room, player))
}

/// Refuses what adds or shows photos of today in a room where then & now
/// is off (403 `then_now_off`); deleting and hiding always work.
fn then_now_on(room: &Room) -> Result<(), AppError> {
    if room.then_now_enabled() {
        return Ok(());
    }
    Err(AppError::keyed(
        StatusCode::FORBIDDEN,
        thennow::OFF_CODE,
        "error-then-now-off",
    ))
}

/// A guest's refusal in the guest's language (the page's requests carry
/// its cookie and Accept-Language); the host's and organiser's stay English.
fn in_guest_words(t: Tr) -> impl Fn(AppError) -> AppError {
    move |mut e| {
        let key = match e.code {
            "unavailable" => "today-unavailable",
            "storage_unavailable" => "today-save-failed",
            "unauthorized" => "today-join-first",
            "unknown_token" => "today-unknown-token",
            thennow::OFF_CODE => "error-then-now-off",
            _ => return e,
        };
        e.message = t.get(key);
        e
    }
}

fn urls_json(state: &AppState, file: &str) -> Value {
    let (photo, thumb) = thennow::urls(&state.base, file);
    json!({"photo": photo, "thumb": thumb})
}

/// `PUT /api/rooms/{code}/today`: the guest's photo (the body: a JPEG or
/// PNG, at most 15 MB), replacing theirs. 200 `{photo, thumb}`.
pub async fn put(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AppError> {
    let t = Tr::of(&headers, None);
    put_photo(state, peer, code, headers, body, t)
        .await
        .map_err(in_guest_words(t))
}

async fn put_photo(
    state: Arc<AppState>,
    peer: SocketAddr,
    code: String,
    headers: HeaderMap,
    body: Body,
    t: Tr,
) -> Result<Response, AppError> {
    let (room, player) = room_and_guest(&state, peer, &code, &headers)?;
    then_now_on(&room)?;
    let today = store(&state)?;
    let bytes = super::read_bounded(body, MAX_TODAY_BYTES, TODAY_READ_TIMEOUT)
        .await
        .map_err(|cut| {
            cut.into_error(
                AppError::bad_request(t.get("today-cut")),
                AppError::bad_request(t.get("today-slow")),
                |_| {
                    AppError::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "too_large",
                        t.num("today-over", "max", (MAX_TODAY_BYTES >> 20) as u64),
                    )
                },
            )
        })?;
    // Decoding a phone's photo takes a while: off the async threads.
    let prepared = tokio::task::spawn_blocking(move || thennow::prepare(&bytes, t.lang))
        .await
        .map_err(|e| failed(e.into()))?;
    let (thumb, photo) = prepared.map_err(|r| {
        let status = if r.code == "too_large" {
            StatusCode::PAYLOAD_TOO_LARGE
        } else {
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        };
        AppError::new(status, r.code, r.message)
    })?;
    let now = room.now() as i64;
    let file = today
        .put(
            (&room.code, player.get(), room.class.reunion),
            &thumb,
            &photo,
            now,
        )
        .map_err(failed)?;
    // A replaced photo's old name is gone: not in the next question.
    room.today_changed();
    Ok(Json(urls_json(&state, &file)).into_response())
}

/// `GET /api/rooms/{code}/today`: the guest's own photo, `{photo, thumb,
/// hidden}` (the URLs answer 404 while hidden), or `null` (a phone asks
/// after every join: no photo yet is no error).
pub async fn get_own(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let own = || {
        let (room, player) = room_and_guest(&state, peer, &code, &headers)?;
        then_now_on(&room)?;
        let Some(row) = store(&state)?
            .of_player(&room.code, player.get())
            .map_err(failed)?
        else {
            return Ok(Json(Value::Null).into_response());
        };
        let mut v = urls_json(&state, &row.file);
        v["hidden"] = json!(row.hidden);
        Ok(Json(v).into_response())
    };
    own().map_err(in_guest_words(Tr::of(&headers, None)))
}

/// `DELETE /api/rooms/{code}/today`: the guest deletes theirs (204, also
/// when there was none).
pub async fn delete_own(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let delete = || {
        let (room, player) = room_and_guest(&state, peer, &code, &headers)?;
        store(&state)?
            .delete(&room.code, player.get())
            .map_err(failed)?;
        room.today_changed();
        Ok(StatusCode::NO_CONTENT.into_response())
    };
    delete().map_err(in_guest_words(Tr::of(&headers, None)))
}

/// `GET /api/rooms/{code}/today-photos` (host key): `{count, photos:
/// [{player_id, name, photo, thumb, hidden}]}`; `count` leaves hidden ones
/// out.
pub async fn host_list(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (room, _) = host_room(&state, peer, &code, &headers, "today-photos")?;
    then_now_on(&room)?;
    let names = room.player_names();
    let rows = store(&state)?.of_room(&room.code).map_err(failed)?;
    // A kicked or lapsed guest's photo is not in the game.
    let photos: Vec<Value> = rows
        .iter()
        .filter_map(|r| {
            let name = names.get(&PlayerId::new(r.player))?;
            let mut v = urls_json(&state, &r.file);
            v["player_id"] = json!(r.player);
            v["name"] = json!(name);
            v["hidden"] = json!(r.hidden);
            Some(v)
        })
        .collect();
    let count = photos.iter().filter(|p| p["hidden"] == false).count();
    // Of those, how many a then & now question may show (with a claim).
    let faces = room.then_now_faces();
    Ok(Json(json!({"count": count, "faces": faces, "photos": photos})).into_response())
}

/// `POST /api/rooms/{code}/today-photos/{player}/hide` (host key): hides
/// that guest's photo at once (its URLs answer 404). 204; 404 for none.
pub async fn hide(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path((code, player)): Path<(String, u32)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (room, _) = host_room(&state, peer, &code, &headers, "hide-photo")?;
    if !store(&state)?.hide(&room.code, player).map_err(failed)? {
        return Err(AppError::keyed(
            StatusCode::NOT_FOUND,
            "not_found",
            "refusal-guest-no-photo-today",
        ));
    }
    // Gone from the game at once: never in the next question.
    room.today_changed();
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /api/organise/reunions/{id}/end` (organiser): "End event" deletes
/// every photo of today sent in the event's rooms, for good. 200
/// `{"deleted": N}`.
pub async fn end_event(
    State(state): State<Arc<AppState>>,
    who: crate::http::organise::Organiser,
    super::Ids(id): super::Ids<u32>,
) -> Result<Response, AppError> {
    crate::http::organise::reunion_for(&state, &who, id)?;
    let deleted = store(&state)?.delete_of_reunion(id).map_err(failed)?;
    Ok(Json(json!({"deleted": deleted})).into_response())
}

/// `GET /today/{file}`: a photo of today, by its random name; 404 once
/// hidden or deleted, its guest kicked, or its room closed. Never cached by proxies: it may be taken back.
pub async fn serve(State(state): State<Arc<AppState>>, Path(name): Path<String>) -> Response {
    let found = thennow::parse_name(&name).and_then(|(file, size)| {
        let today = state.today.get()?;
        // Only while its room is live: a closed room's game is over (and
        // its event's door no longer guards it); a guest the host kicked
        // is out of the game, and so is their photo.
        let (code, player) = today.owner_of(file).ok().flatten()?;
        let room = state.rooms.get(&code)?;
        if !room.player_names().contains_key(&PlayerId::new(player)) {
            return None;
        }
        today.bytes(file, size).ok().flatten()
    });
    match found {
        Some(bytes) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg")),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("private, no-store"),
                ),
            ],
            bytes,
        )
            .into_response(),
        None => AppError::keyed(StatusCode::NOT_FOUND, "not_found", "refusal-no-such-photo")
            .into_response(),
    }
}
