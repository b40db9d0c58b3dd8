//! The JSON API (PROTOCOL §3) and the WebSocket upgrade.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Extension, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;

use super::AppError;
use super::guard::origin_allowed;
use super::organise::LocalUser;
use super::throttle::network_of;
use crate::AppState;
use crate::delivery::upgrade::WsUpgrade;
use crate::game::{Mode, RuleError, Settings};
use crate::i18n::Tr;
use crate::room::{Room, code};
use crate::solo::{SoloError, SoloMode};
use crate::ws;

/// Parses an optional JSON body: empty means all defaults.
pub(crate) fn json_body<T: DeserializeOwned + Default>(
    body: Result<Bytes, BytesRejection>,
) -> Result<T, AppError> {
    let body = body.map_err(|e| {
        let status = e.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::keyed(status, "too_large", "refusal-request-body-larger-than")
        } else {
            AppError::keyed(status, "bad_request", "refusal-request-body-could-not")
        }
    })?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    let value: Value = serde_json::from_slice(&body)
        .map_err(|e| AppError::said("refusal-invalid-json").with("detail", e.to_string()))?;
    if !value.is_object() {
        return Err(AppError::keyed(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "refusal-body-must-json-object",
        ));
    }
    serde_json::from_value(value)
        .map_err(|e| AppError::said("refusal-invalid-request").with("detail", e.to_string()))
}

pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// Looks a room up for a client. A code that exists is always found (a
/// whole venue may share one address); unknown codes count against the
/// address, and past its allowance they get 429 instead of 404.
pub fn find_room(state: &AppState, raw: &str, ip: IpAddr) -> Result<Arc<Room>, AppError> {
    if let Some(room) = code::parse_code(raw).and_then(|c| state.rooms.get(&c)) {
        return Ok(room);
    }
    if !state.unknown_codes.try_count(ip) {
        return Err(AppError::rate_limited());
    }
    Err(
        AppError::keyed(StatusCode::NOT_FOUND, "not_found", "refusal-no-room")
            .with("code", raw.trim()),
    )
}

/// The client address for throttling.
pub fn ip_of(state: &AppState, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
    state.trusted_proxies.client_ip(peer.ip(), headers)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CreateRoom {
    rounds: Option<u32>,
    seconds: Option<u32>,
    mode: Option<Mode>,
    include_memoriam: Option<bool>,
    profanity_filter: Option<bool>,
    labels: Option<Vec<String>>,
    /// The projector's language; absent: the request's (cookie, then
    /// `Accept-Language`).
    lang: Option<String>,
    /// Whose class (an organiser's reunion); 0 or absent: the built-in one.
    reunion: Option<u32>,
}

pub async fn create_room(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    local: Option<Extension<LocalUser>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let ip = ip_of(&state, peer, &headers);
    let req: CreateRoom = json_body(body)?;
    let reunion = req.reunion.unwrap_or(0);
    // A reunion's rooms are its organisers' to make: that proof stands in
    // for the host password.
    let organiser = if reunion == 0 {
        None
    } else {
        let who = super::organise::Organiser::of(&state, &headers, local.is_some())
            .ok_or_else(|| super::organise::refusal(&state))?;
        who.check(reunion)?;
        Some(who)
    };
    if organiser.is_none() && state.host_passwords.is_over(ip) {
        return Err(AppError::rate_limited());
    }
    if let (None, Some(password)) = (&organiser, &state.host_password) {
        let given = bearer(&headers).unwrap_or("");
        if !code::secrets_equal(given, password) {
            state.host_passwords.count(ip);
            return Err(AppError::keyed(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "refusal-creating-room-needs-host",
            ));
        }
    }
    let class = state.rooms.deps().class_of(reunion).ok_or_else(|| {
        AppError::keyed(StatusCode::NOT_FOUND, "not_found", "refusal-no-such-event")
    })?;
    let defaults = Settings::default();
    let memoriam_default = match reunion {
        0 => defaults.include_memoriam,
        id => state
            .reunions
            .get(id)
            .map_or(defaults.include_memoriam, |r| r.meta().memoriam_default),
    };
    let settings = Settings {
        rounds: req.rounds.unwrap_or(defaults.rounds),
        seconds: req.seconds.unwrap_or(defaults.seconds),
        mode: req.mode.unwrap_or(defaults.mode),
        include_memoriam: req.include_memoriam.unwrap_or(memoriam_default),
        profanity_filter: req.profanity_filter.unwrap_or(defaults.profanity_filter),
        labels: req.labels.unwrap_or_default(),
        lang: req
            .lang
            .unwrap_or_else(|| Tr::of(&headers, None).tag().to_string()),
    }
    .validated(&class.roster.pool)
    .map_err(|e| {
        AppError::new(
            StatusCode::BAD_REQUEST,
            e.code(),
            crate::i18n::rule_message(e, Tr::of(&headers, None).lang),
        )
    })?;
    // A new room has nobody in it yet, so no photo of today: then & now
    // is chosen in the lobby once four guests have added theirs.
    if settings.mode.is_then_now() {
        let e = RuleError::ThenNow(crate::game::thennow::ThenNowError::TooFewPeople { have: 0 });
        return Err(AppError::new(
            StatusCode::BAD_REQUEST,
            e.code(),
            crate::i18n::rule_message(e, Tr::of(&headers, None).lang),
        ));
    }
    // Each address has its own allowance, and all together one more, so
    // that many addresses cannot fill the server with rooms; each
    // address's first rooms pass the total (the organiser's evening).
    if state.creations.is_over(ip) || state.creations_total.refuses(state.creations.counted(ip)) {
        return Err(AppError::rate_limited());
    }
    state.creations.count(ip);
    state.creations_total.count();
    let (room, host_key) = state.rooms.create_for(settings.clone(), class);
    // The code goes on the projector at once: a kill -9 just after must
    // not lose the room. A failing disk does not hold the host up for
    // long; the room then waits like any write (docs/deploy.md, Disk space).
    state
        .rooms
        .deps()
        .store
        .flush(std::time::Duration::from_secs(5))
        .await;
    let public = state.public_url_for(&headers);
    let body = json!({
        "code": room.code,
        "reunion": reunion_of(&state, &room),
        "host_key": host_key,
        "host_url": format!("{public}/host/{}#key={host_key}", room.code),
        "join_url": state.join_url(&headers, &room),
        "settings": &settings,
    });
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

pub async fn room_info(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Json<Value>, AppError> {
    let room = find_room(&state, &code, ip_of(&state, peer, &headers))?;
    let (phase, players) = room.summary();
    Ok(Json(json!({
        "code": room.code,
        "phase": phase.as_str(),
        "players": players,
        "reunion": reunion_of(&state, &room),
        "then_now": then_now_of(&state, &room),
    })))
}

/// `{on, keep_days}`: whether the room has then & now (as made), and how
/// many days its event keeps a photo of today.
fn then_now_of(state: &AppState, room: &Room) -> Value {
    json!({
        "on": room.then_now_enabled(),
        "keep_days": state.rooms.deps().today_keep_days(room.class.reunion),
    })
}

/// `{id, title}` of the reunion whose class a room plays; the built-in
/// class is id 0 with no title.
fn reunion_of(state: &AppState, room: &Room) -> Value {
    let id = room.class.reunion;
    let title = state.reunions.get(id).map(|r| r.title());
    json!({"id": id, "title": title})
}

pub async fn results_csv(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (room, _) = host_room(&state, peer, &code, &headers, "results")?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"yearbook-{}.csv\"", room.code),
            ),
        ],
        room.results_csv(),
    )
        .into_response())
}

/// The QR code (SVG) of the emcee's phone remote,
/// `<public url>/remote/{code}#key=KEY`. The key comes in a header, never
/// in the URL, so no access log or proxy ever sees it; the answer carries
/// it, so it is never stored.
pub async fn remote_qr(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (room, key) = host_room(&state, peer, &code, &headers, "remote-qr")?;
    let page = state.page_url(&headers, &room, &format!("/remote/{}", room.code));
    // The key matched the room's, so it is one we minted: URL-safe as is.
    let url = format!("{page}#key={key}");
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        crate::views::qr_svg(&url),
    )
        .into_response())
}

/// The room `code` names and its host key, for a host-only request: the
/// room (404, then 429 for guessing) before the key (401/403, then 429).
pub(crate) fn host_room<'h>(
    state: &AppState,
    peer: SocketAddr,
    code: &str,
    headers: &'h HeaderMap,
    what: &'static str,
) -> Result<(Arc<Room>, &'h str), AppError> {
    let ip = ip_of(state, peer, headers);
    let room = find_room(state, code, ip)?;
    let key = host_key_of(state, &room, headers, ip, what)?;
    Ok((room, key))
}

/// The room's host key as the request gives it (`Authorization: Bearer
/// KEY`): 401 without one, 403 for a wrong one (counted against the
/// address with the host sockets' wrong keys, then 429). `what` names
/// what needs it: a variant of `refusal-host-key-needed` (`results`).
fn host_key_of<'h>(
    state: &AppState,
    room: &Room,
    headers: &'h HeaderMap,
    ip: IpAddr,
    what: &'static str,
) -> Result<&'h str, AppError> {
    match bearer(headers) {
        None => Err(AppError::keyed(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "refusal-host-key-needed",
        )
        .with("what", what)),
        Some(key) if !room.is_host_key(key) => {
            if !state.host_keys.try_count(ip) {
                return Err(AppError::rate_limited());
            }
            Err(AppError::keyed(
                StatusCode::FORBIDDEN,
                "forbidden",
                "refusal-host-key-not-valid",
            ))
        }
        Some(key) => Ok(key),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SoloRoundRequest {
    session: Option<String>,
    /// An event's class, for its organiser's preview; 0 or absent: the
    /// built-in one.
    reunion: Option<u32>,
}

/// Whether solo play is open now (`--solo`): `Err` is the answer to give.
fn solo_open(state: &AppState, t: &Tr) -> Result<(), AppError> {
    match state.solo.mode {
        SoloMode::On => Ok(()),
        SoloMode::Off => Err(AppError::new(
            StatusCode::FORBIDDEN,
            "solo_off",
            t.get("solo-off"),
        )),
        SoloMode::Idle if state.rooms.any_question_open() => Err(AppError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "solo_paused",
            t.get("solo-paused"),
        )),
        SoloMode::Idle => Ok(()),
    }
}

/// Whether guests may play solo on event `id` now: the event says so, and
/// `--solo idle` pauses it like the built-in class's.
fn event_solo_open(state: &AppState, id: u32, t: &Tr) -> Result<(), AppError> {
    let open = state
        .reunions
        .get(id)
        .ok_or_else(|| AppError::not_found(t.get("solo-no-event")))?
        .meta()
        .solo_open;
    if !open {
        return Err(AppError::new(
            StatusCode::FORBIDDEN,
            "solo_off",
            t.get("solo-closed"),
        ));
    }
    match state.solo.mode {
        SoloMode::Idle => solo_open(state, t),
        SoloMode::On | SoloMode::Off => Ok(()),
    }
}

pub async fn solo_round(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    local: Option<Extension<LocalUser>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    // The page's language: its fetch sends the same cookie and Accept-Language.
    let t = Tr::of(&headers, None);
    let req: SoloRoundRequest = json_body(body)?;
    let reunion = req.reunion.unwrap_or(0);
    if reunion == 0 {
        solo_open(&state, &t)?;
    } else {
        // The event's organisers preview whatever it or `--solo` says;
        // guests play when the event opened solo (the gate asked for its
        // code already).
        let organiser = super::organise::Organiser::of(&state, &headers, local.is_some())
            .is_some_and(|who| who.check(reunion).is_ok());
        if !organiser {
            event_solo_open(&state, reunion, &t)?;
        }
    }
    if let Err(wait) = state.solo.pace(ip_of(&state, peer, &headers)) {
        let seconds = wait.as_secs() + 1;
        let error = AppError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            t.num("solo-too-many", "seconds", seconds),
        );
        return Ok((
            [(header::RETRY_AFTER, seconds.to_string())],
            error.into_response(),
        )
            .into_response());
    }
    let class = state
        .rooms
        .deps()
        .class_of(reunion)
        .ok_or_else(|| AppError::not_found(t.get("solo-no-event")))?;
    let roster = &class.roster;
    // One event's session never counts another class's people.
    let session = req.session.map(|s| match reunion {
        0 => s,
        id => format!("{id}:{s}"),
    });
    let (round_id, q) = state
        .solo
        .new_round_of(reunion, &roster.pool, session.as_deref())
        .ok_or_else(|| {
            AppError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "no_question",
                t.get("solo-no-question"),
            )
        })?;
    let person = &roster.people[q.target];
    // A scope of its own per round: these URLs say nothing about a room's.
    let urls = &state.rooms.deps().photo_urls;
    let scope = urls.solo();
    let (choices, thumbs): (Vec<String>, Vec<String>) = q
        .choices
        .iter()
        .zip(q.photos)
        .map(|(&c, photo)| {
            let rev = roster.photo_rev(c, usize::from(photo)).unwrap_or(0);
            urls.photo_pair(&scope, reunion, c, (photo, rev))
        })
        .unzip();
    Ok(Json(json!({
        "round_id": round_id,
        "name": person.name,
        "known_as": person.known_as,
        "choices": choices,
        "thumbs": thumbs,
    }))
    .into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct SoloAnswerRequest {
    round_id: String,
    choice: i64,
}

pub async fn solo_answer(
    State(state): State<Arc<AppState>>,
    t: Tr,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, AppError> {
    let req: Option<SoloAnswerRequest> = json_body::<Option<SoloAnswerRequest>>(body)?;
    let req = req.ok_or_else(|| {
        AppError::keyed(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "refusal-send-round-id-choice",
        )
    })?;
    // A preview's round (its id was given to an organiser only) is
    // answered whatever `--solo` says.
    if state.solo.reunion_of(&req.round_id).unwrap_or(0) == 0 {
        solo_open(&state, &t)?;
    }
    match state.solo.answer(&req.round_id, req.choice) {
        Ok(r) => {
            let name = state
                .rooms
                .deps()
                .class_of(r.reunion)
                .and_then(|c| c.roster.people.get(r.target).map(|p| p.name.clone()));
            Ok(Json(json!({
                "correct": r.correct,
                "answer": r.answer,
                "name": name,
            })))
        }
        Err(SoloError::UnknownRound) => Err(AppError::keyed(
            StatusCode::NOT_FOUND,
            "not_found",
            "refusal-no-such-solo-round",
        )),
        Err(SoloError::AlreadyAnswered) => Err(AppError::keyed(
            StatusCode::CONFLICT,
            "already_answered",
            "refusal-round-was-already-answered",
        )),
        Err(SoloError::BadChoice) => Err(AppError::keyed(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "refusal-choose-0-3",
        )),
    }
}

#[derive(serde::Deserialize)]
pub struct WsQuery {
    /// `host`: a host screen's connection (docs/protocol.md, "WebSocket
    /// URL, extra").
    role: Option<String>,
}

pub async fn websocket(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(code): Path<String>,
    query: Result<Query<WsQuery>, QueryRejection>,
    headers: HeaderMap,
    upgrade: WsUpgrade,
) -> Result<Response, AppError> {
    let ip = ip_of(&state, peer, &headers);
    if !origin_allowed(&state, &headers) {
        return Err(AppError::keyed(
            StatusCode::FORBIDDEN,
            "bad_origin",
            "refusal-websocket-connections-from-another",
        ));
    }
    let Ok(Query(query)) = query else {
        return Err(AppError::keyed(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "refusal-query-string-could-not",
        ));
    };
    let host_only = match query.role.as_deref() {
        None => false,
        Some("host") => true,
        Some(_) => {
            return Err(AppError::keyed(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "refusal-role-only-host-host",
            ));
        }
    };
    let room = find_room(&state, &code, ip)?;
    // A host screen's socket runs beside the fan-outs, ahead of the phones.
    let (on, unidentified) = match (host_only, state.rooms.deps().fanouts.runtime()) {
        (true, Some(fanout)) => fanout.admit().unzip(),
        _ => (None, None),
    };
    let may_join = {
        let state = state.clone();
        Box::new(move || state.joins.try_take(ip))
    };
    let on_bad_key = Box::new(move || state.host_keys.try_count(ip));
    Ok(
        upgrade.on_upgrade(ws::MAX_READ_BYTES, on, move |shared, socket| {
            ws::run(
                shared,
                socket,
                room,
                (host_only, unidentified),
                on_bad_key,
                may_join,
                network_of(ip),
            )
        }),
    )
}
