//! The organiser's area (`/organise`, `/api/organise/…`): who may set up
//! reunions, and the pages and JSON API that do it. Guests never get in:
//! the [`Organiser`] extractor guards every handler here.
//!
//! Who is the organiser: with `--admin-password`, whoever typed it (then a
//! signed cookie remembers it); without one, on a server listening on
//! loopback only, the local user; on a public server without one, only
//! the local user (the laptop at the venue): everyone else finds the area
//! closed, with how to open it. The local user is this computer's browser,
//! asking for a loopback host name, through no proxy ([`LocalUser`]).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;
use serde_json::json;
use sha2::Sha256;

use super::throttle::Throttle;
use super::{AppError, Ids};
use crate::AppState;
use crate::i18n::Tr;
use crate::room::code::secrets_equal;

/// The organiser's cookie: `all.SIG` (the admin) or `rID.SIG` (a
/// co-organiser of reunion ID).
pub const COOKIE: &str = "yearbook_organiser";
/// How long an organiser stays logged in.
const COOKIE_DAYS: u64 = 30;
/// Wrong admin passwords an address may type per minute.
pub const PASSWORDS_PER_MINUTE: u32 = 10;

/// How the server decides who organises (fixed at start).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `--admin-password`: whoever typed it.
    Password,
    /// No password, listening on loopback only: the local user.
    Loopback,
    /// No password on a public address: only this computer's own browser
    /// (the laptop at the venue); behind a trusted proxy, where every
    /// request comes from the proxy's address: nobody.
    Closed,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Password => "password",
            Mode::Loopback => "loopback",
            Mode::Closed => "closed",
        }
    }
}

/// What an organiser may touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every reunion, and creating new ones.
    All,
    /// One reunion, by an invite link.
    Reunion(u32),
}

/// The organiser area's gate: the mode, the cookie's signature, the
/// pacing of wrong passwords.
#[derive(Debug)]
pub struct OrganiseAuth {
    pub mode: Mode,
    secret: Vec<u8>,
    /// The signed part of the admin's cookie; depends on the password, so
    /// changing it logs every browser out.
    admin_sig: String,
    password: Option<String>,
    /// No password and no proxy: this computer's own browser organises
    /// (on a loopback address, and at the venue on `0.0.0.0`).
    local_organises: bool,
    cookie_attrs: String,
    /// Wrong admin passwords, per address.
    pub passwords: Throttle,
}

/// The hint printed at start and shown by a closed `/organise`.
pub const CLOSED_HINT: &str = "The organiser area (/organise) is closed to other devices: this server listens on a public address without an admin password, so only a browser on the computer it runs on may organise, at http://127.0.0.1:PORT/organise (PORT as in --addr). To organise from another device, start it with --admin-password PASSWORD (or the environment variable YEARBOOK_ADMIN_PASSWORD), then restart it.";
/// What a loopback-only server without a password tells anyone but the
/// local user (another host name, a proxy).
pub const LOCAL_HINT: &str = "Only the organiser may do this: open the organiser area in a browser on the computer this server runs on, at http://localhost:PORT/organise or http://127.0.0.1:PORT/organise (PORT as in --addr).";
/// The same, when a proxy stands in front and no password is set.
pub const PROXY_HINT: &str = "The organiser area (/organise) is closed: behind a proxy every request comes from the proxy's address, so being on this computer proves nothing. Start the server with --admin-password PASSWORD (or the environment variable YEARBOOK_ADMIN_PASSWORD), then restart it.";

impl OrganiseAuth {
    /// `listen_loopback`: whether the server listens on loopback only;
    /// `behind_proxy`: whether any proxy is trusted.
    pub fn new(
        password: Option<String>,
        listen_loopback: bool,
        behind_proxy: bool,
        secret: &[u8],
        base: &str,
        secure: bool,
    ) -> Self {
        let password = password.filter(|p| !p.is_empty());
        let mode = match (&password, listen_loopback && !behind_proxy) {
            (Some(_), _) => Mode::Password,
            (None, true) => Mode::Loopback,
            (None, false) => Mode::Closed,
        };
        let path = if base.is_empty() { "/" } else { base };
        let mut cookie_attrs = format!(
            "Path={path}; HttpOnly; SameSite=Strict; Max-Age={}",
            COOKIE_DAYS * 24 * 3600
        );
        if secure {
            cookie_attrs.push_str("; Secure");
        }
        let admin_sig = sign(
            secret,
            &format!("organiser all {}", password.as_deref().unwrap_or("")),
        );
        Self {
            mode,
            secret: secret.to_vec(),
            admin_sig,
            local_organises: password.is_none() && !behind_proxy,
            password,
            cookie_attrs,
            passwords: Throttle::new(PASSWORDS_PER_MINUTE, std::time::Duration::from_secs(60)),
        }
    }

    /// What the log says at start when the area is closed.
    pub fn closed_hint(&self, behind_proxy: bool) -> Option<&'static str> {
        (self.mode == Mode::Closed).then_some(if behind_proxy {
            PROXY_HINT
        } else {
            CLOSED_HINT
        })
    }

    /// A co-organiser's cookie: one reunion; a new admin password ends it.
    fn reunion_sig(&self, reunion: u32) -> String {
        sign(
            &self.secret,
            &format!(
                "organiser reunion {reunion} {}",
                self.password.as_deref().unwrap_or("")
            ),
        )
    }

    /// The `Set-Cookie` value for `scope`; `https`: the login came over
    /// https (a trusted proxy said so), so the cookie never goes over http.
    pub fn set_cookie(&self, scope: Scope, https: bool) -> HeaderValue {
        let value = match scope {
            Scope::All => format!("all.{}", self.admin_sig),
            Scope::Reunion(id) => format!("r{id}.{}", self.reunion_sig(id)),
        };
        let secure = if https && !self.cookie_attrs.ends_with("; Secure") {
            "; Secure"
        } else {
            ""
        };
        let cookie = format!("{COOKIE}={value}; {}{secure}", self.cookie_attrs);
        HeaderValue::from_str(&cookie).unwrap_or(HeaderValue::from_static(""))
    }

    /// A `Set-Cookie` that forgets the organiser.
    fn clear_cookie(&self) -> HeaderValue {
        let attrs = self
            .cookie_attrs
            .replace(&format!("Max-Age={}", COOKIE_DAYS * 24 * 3600), "Max-Age=0");
        HeaderValue::from_str(&format!("{COOKIE}=; {attrs}"))
            .unwrap_or(HeaderValue::from_static(""))
    }

    /// The scope a valid organiser cookie grants; the admin's cookie only
    /// while a password is set (it signs the password), a co-organiser's
    /// only while the area is not closed.
    pub fn cookie_scope(&self, headers: &HeaderMap) -> Option<Scope> {
        let values = headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|kv| kv.trim().split_once('='))
            .filter(|(k, _)| *k == COOKIE)
            .map(|(_, v)| v.to_string())
            .collect::<Vec<_>>();
        let mut best = None;
        for value in values {
            let Some((who, sig)) = value.split_once('.') else {
                continue;
            };
            if who == "all" {
                if self.mode == Mode::Password && secrets_equal(sig, &self.admin_sig) {
                    return Some(Scope::All);
                }
            } else if let Some(id) = who.strip_prefix('r').and_then(|n| n.parse::<u32>().ok())
                && id != 0
                // A closed area stays closed to invited helpers too: their
                // cookie cannot be revoked, only ended by closing.
                && self.mode != Mode::Closed
                && secrets_equal(sig, &self.reunion_sig(id))
            {
                best = Some(Scope::Reunion(id));
            }
        }
        best
    }

    /// Whether `typed` is the admin password; the same time whatever was
    /// typed (both sides signed first).
    fn password_matches(&self, typed: &str) -> bool {
        self.password.as_deref().is_some_and(|real| {
            secrets_equal(
                &sign(&self.secret, &format!("pw {typed}")),
                &sign(&self.secret, &format!("pw {real}")),
            )
        })
    }
}

/// HMAC-SHA256 of `text` under the server secret, hex.
fn sign(secret: &[u8], text: &str) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret) {
        Ok(mac) => mac,
        // Any key length works for HMAC; an empty key stands in.
        Err(_) => Hmac::<Sha256>::new_from_slice(b"").expect("HMAC takes any key"),
    };
    mac.update(text.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Whether an address names this computer only (`127.0.0.1:8080`,
/// `[::1]:80`, `localhost:8080`): what `--addr` says decides the mode.
pub fn addr_is_loopback(addr: &str) -> bool {
    let host = match addr.trim().strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => addr.rsplit_once(':').map_or(addr, |(h, _)| h),
    };
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Headers a proxy adds. A request carrying one came through a proxy on
/// this computer, so its loopback peer does not make it the local user.
const PROXY_HEADERS: [&str; 4] = ["x-forwarded-for", "forwarded", "x-real-ip", "via"];

/// Put on a request by the guard (before it strips forwarded headers) when
/// it comes from this computer's own browser: a loopback peer, a loopback
/// `Host` (a rebound DNS name is not one) and no proxy's header.
#[derive(Debug, Clone, Copy)]
pub struct LocalUser;

/// Whether a request is the local user's (see [`LocalUser`]).
pub fn is_local_user(peer: Option<IpAddr>, headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    peer.is_some_and(|ip| ip.to_canonical().is_loopback())
        && host.is_some_and(addr_is_loopback)
        && !PROXY_HEADERS.iter().any(|h| headers.contains_key(*h))
}

/// An organiser, proven: a handler taking it is never reached by a guest.
#[derive(Debug, Clone, Copy)]
pub struct Organiser {
    pub scope: Scope,
}

impl Organiser {
    /// The organiser a request proves to be (cookie, or the local user
    /// on a loopback-only server), if any. `local`: the request carries
    /// [`LocalUser`].
    pub fn of(state: &AppState, headers: &HeaderMap, local: bool) -> Option<Self> {
        let auth = &state.organise;
        if let Some(scope) = auth.cookie_scope(headers) {
            return Some(Organiser { scope });
        }
        (auth.local_organises && local).then_some(Organiser { scope: Scope::All })
    }

    /// In words, for "changed by …".
    pub fn describe(&self, state: &AppState) -> &'static str {
        match (self.scope, state.organise.mode) {
            (Scope::Reunion(_), _) => "a co-organiser",
            (Scope::All, Mode::Loopback | Mode::Closed) => "the organiser on this computer",
            (Scope::All, _) => "the organiser",
        }
    }

    /// Whether this organiser may touch reunion `id`.
    pub fn may(&self, id: u32) -> bool {
        match self.scope {
            Scope::All => true,
            Scope::Reunion(own) => own == id,
        }
    }

    /// 404 for a reunion this organiser may not touch: a co-organiser of
    /// one reunion learns nothing of the others, not even that they exist.
    pub fn check(&self, id: u32) -> Result<(), AppError> {
        if self.may(id) {
            Ok(())
        } else {
            Err(AppError::keyed(
                StatusCode::NOT_FOUND,
                "not_found",
                "refusal-no-such-event",
            ))
        }
    }

    /// Refuses unless this organiser may see every reunion.
    pub fn check_all(&self) -> Result<(), AppError> {
        match self.scope {
            Scope::All => Ok(()),
            Scope::Reunion(_) => Err(AppError::keyed(
                StatusCode::FORBIDDEN,
                "organiser_only",
                "refusal-your-invite-link-opens",
            )),
        }
    }
}

/// Whether a path (below the base path) is the organiser's JSON API.
fn is_api(state: &AppState, path: &str) -> bool {
    path.strip_prefix(state.base.as_str())
        .unwrap_or(path)
        .starts_with("/api/")
}

impl FromRequestParts<Arc<AppState>> for Organiser {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let api = is_api(state, parts.uri.path());
        // A foreign Origin never gets here: the guard (the outermost layer,
        // lib.rs) refuses it on every route; tests/organise.rs checks each.
        if let Some(who) = Organiser::of(
            state,
            &parts.headers,
            parts.extensions.get::<LocalUser>().is_some(),
        ) {
            return Ok(who);
        }
        if api {
            return Err(refusal(state).into_response());
        }
        let t = Tr::of(&parts.headers, parts.uri.query());
        Err(match state.organise.mode {
            Mode::Password => gate_page(state, Gate::Login, t),
            Mode::Loopback => gate_page(state, Gate::LocalOnly, t),
            Mode::Closed => gate_page(state, Gate::Closed, t),
        })
    }
}

/// What someone who is not the organiser gets from the organiser's JSON
/// routes: how to get in, as far as this server allows it.
pub fn refusal(state: &AppState) -> AppError {
    match state.organise.mode {
        Mode::Password => AppError::keyed(
            StatusCode::UNAUTHORIZED,
            "organiser_only",
            "refusal-organiser-log-in",
        ),
        Mode::Loopback => AppError::keyed(StatusCode::UNAUTHORIZED, "organiser_only", LOCAL_KEY),
        Mode::Closed => closed(state),
    }
}

fn closed(state: &AppState) -> AppError {
    AppError::keyed(StatusCode::FORBIDDEN, "organiser_closed", closed_key(state))
}

/// [`LOCAL_HINT`] in the catalogues.
const LOCAL_KEY: &str = "refusal-organiser-local";

/// The closed area's explanation ([`CLOSED_HINT`], [`PROXY_HINT`]) in the
/// catalogues.
fn closed_key(state: &AppState) -> &'static str {
    match state.organise.closed_hint(state.trust_proxy) {
        Some(PROXY_HINT) => "refusal-organiser-proxy",
        _ => "refusal-organiser-closed",
    }
}

/// What the organiser's login page says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gate {
    Login,
    LocalOnly,
    Wrong,
    TooMany,
    Closed,
}

#[derive(Template)]
#[template(path = "organise_gate.html")]
struct GatePage {
    base: String,
    title: String,
    t: Tr,
    /// The form is shown (a password is set).
    form: bool,
    /// A sentence above the form, or the closed area's explanation.
    note: String,
    error: bool,
}

fn gate_page(state: &AppState, gate: Gate, t: Tr) -> Response {
    let (status, note, error) = match gate {
        Gate::Login => (StatusCode::UNAUTHORIZED, String::new(), false),
        Gate::LocalOnly => (StatusCode::UNAUTHORIZED, t.get(LOCAL_KEY), false),
        Gate::Wrong => (StatusCode::UNAUTHORIZED, t.get("organise-gate-wrong"), true),
        Gate::TooMany => (
            StatusCode::TOO_MANY_REQUESTS,
            t.get("organise-gate-too-many"),
            true,
        ),
        Gate::Closed => (StatusCode::FORBIDDEN, t.get(closed_key(state)), false),
    };
    let page = GatePage {
        base: state.base.clone(),
        title: t.get("organise-title"),
        t,
        form: state.organise.mode == Mode::Password,
        note,
        error,
    };
    (status, super::pages::render(page)).into_response()
}

#[derive(Debug, Default, Deserialize)]
struct Login {
    #[serde(default)]
    password: String,
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// `POST /organise/login` (a form, or JSON `{password}`): the right
/// password sets the organiser cookie; wrong ones are counted per address.
pub async fn login(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    t: Tr,
    body: Bytes,
) -> Response {
    let json = is_json(&headers);
    let refuse = |gate: Gate, err: AppError| {
        if json {
            err.into_response()
        } else {
            gate_page(&state, gate, t)
        }
    };
    if state.organise.mode == Mode::Closed {
        return refuse(Gate::Closed, closed(&state));
    }
    if state.organise.mode != Mode::Password {
        // Loopback: there is nothing to type.
        return Redirect::to(&format!("{}/organise", state.base)).into_response();
    }
    let ip = super::api::ip_of(&state, peer, &headers);
    if state.organise.passwords.is_over(ip) {
        return refuse(Gate::TooMany, AppError::rate_limited());
    }
    let typed: Login = if json {
        serde_json::from_slice(&body).unwrap_or_default()
    } else {
        serde_urlencoded::from_bytes(&body).unwrap_or_default()
    };
    if !state.organise.password_matches(&typed.password) {
        state.organise.passwords.count(ip);
        return refuse(
            Gate::Wrong,
            AppError::keyed(
                StatusCode::UNAUTHORIZED,
                "wrong_password",
                "refusal-not-organiser-password",
            ),
        );
    }
    let https = state.public_url_for(&headers).starts_with("https://");
    let cookie = state.organise.set_cookie(Scope::All, https);
    let mut resp = if json {
        Json(json!({"organiser": "all"})).into_response()
    } else {
        Redirect::to(&format!("{}/organise", state.base)).into_response()
    };
    resp.headers_mut().insert(header::SET_COOKIE, cookie);
    resp
}

/// `POST /organise/logout`: forgets the cookie, back to the login page.
pub async fn logout(State(state): State<Arc<AppState>>, _who: Organiser) -> Response {
    let mut resp = Redirect::to(&format!("{}/organise", state.base)).into_response();
    resp.headers_mut()
        .insert(header::SET_COOKIE, state.organise.clear_cookie());
    resp
}

/// `GET /api/organise/whoami`: who the browser is to the organiser area.
pub async fn whoami(State(state): State<Arc<AppState>>, who: Organiser) -> Response {
    let scope = match who.scope {
        Scope::All => json!("all"),
        Scope::Reunion(id) => json!({"reunion": id}),
    };
    Json(json!({"organiser": true, "scope": scope, "mode": state.organise.mode.name()}))
        .into_response()
}

/// One line of the organiser's list.
pub struct Listed {
    pub id: u32,
    pub title: String,
    pub people: u64,
    pub rooms: u64,
}

#[derive(Template)]
#[template(path = "organise.html")]
struct OrganisePage {
    base: String,
    title: String,
    t: Tr,
    /// A logout button makes sense (a password is set).
    logout: bool,
    /// The "New event" form (not for a co-organiser of one reunion).
    can_create: bool,
    reunions: Vec<Listed>,
}

/// `GET /organise`: the organiser's reunions and a "New event" form.
pub async fn page(State(state): State<Arc<AppState>>, who: Organiser, t: Tr) -> Response {
    let reunions = state
        .reunions
        .all()
        .iter()
        .filter(|r| who.may(r.id))
        .map(|r| {
            let snap = r.snapshot();
            Listed {
                id: r.id,
                title: snap.meta.title.clone(),
                people: snap.people.iter().filter(|e| !e.row.deleted).count() as u64,
                rooms: rooms_of(&state, r.id) as u64,
            }
        })
        .collect();
    super::pages::render(OrganisePage {
        base: state.base.clone(),
        title: t.get("organise-title"),
        t,
        logout: state.organise.mode == Mode::Password,
        can_create: who.scope == Scope::All,
        reunions,
    })
}

// ---------------------------------------------------------------------------
// The JSON API: reunions and their people.

use crate::reunion::{Invalid, MetaPatch, NewPerson, PersonPatch, Reunion, ReunionError};
use axum::extract::Path;

impl From<ReunionError> for AppError {
    fn from(e: ReunionError) -> Self {
        match e {
            ReunionError::NotFound => AppError::keyed(
                StatusCode::NOT_FOUND,
                "not_found",
                "refusal-no-such-event-person",
            ),
            ReunionError::Stale(row) => AppError::keyed(
                StatusCode::CONFLICT,
                "edited_elsewhere",
                "refusal-edited-elsewhere",
            )
            .with("who", capitalised(&row.updated_by))
            .with("named", if row.name.is_empty() { "no" } else { "yes" })
            .with("name", row.name.as_str())
            .with("time", utc_time(row.updated_at)),
            ReunionError::Invalid(why) => invalid(why),
            ReunionError::Full => AppError::keyed(
                StatusCode::INSUFFICIENT_STORAGE,
                "disk_full",
                "refusal-there-no-more-room",
            ),
            ReunionError::Storage(_) => AppError::keyed(
                StatusCode::SERVICE_UNAVAILABLE,
                "storage_unavailable",
                "refusal-change-could-not-saved",
            ),
        }
    }
}

/// 400 `invalid`: the event store's reason, in the organiser's language
/// (a decoder's own words stay English inside it).
pub(crate) fn invalid(why: Invalid) -> AppError {
    let said = |key| AppError::keyed(StatusCode::BAD_REQUEST, "invalid", key);
    match why {
        Invalid::NoTitle => said("refusal-event-needs-title"),
        Invalid::EmptyName => said("refusal-name-empty"),
        Invalid::TooManyPhotos => {
            said("refusal-too-many-photos").with("max", crate::reunion::MAX_PHOTOS_PER_PERSON)
        }
        Invalid::LabelTaken { name, label } => said("refusal-photo-label-taken")
            .with("name", name)
            .with("labelled", if label.is_some() { "yes" } else { "no" })
            .with("label", label.unwrap_or_default()),
        Invalid::Photo(why) => said("refusal-photo-unreadable").with("why", why),
        Invalid::PersonPhoto { name, why } => said("refusal-person-photo-unreadable")
            .with("name", name)
            .with("why", why),
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => "Someone".into(),
    }
}

/// `HH:MM:SS` of a Unix time in milliseconds.
fn utc_time(ms: i64) -> String {
    let secs = ms.div_euclid(1000).rem_euclid(86_400);
    format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

/// The 409 body also carries the row as it is now, so the page can show it.
pub(crate) fn stale_response(e: ReunionError) -> Response {
    if let ReunionError::Stale(row) = &e {
        let current = json!({
            "id": row.id, "version": row.version, "updated_by": row.updated_by,
            "updated_at": row.updated_at,
        });
        return AppError::from(ReunionError::Stale(row.clone()))
            .with_fields(json!({"current": current}));
    }
    AppError::from(e).into_response()
}

pub(crate) fn reunion_for(
    state: &AppState,
    who: &Organiser,
    id: u32,
) -> Result<Arc<Reunion>, AppError> {
    who.check(id)?;
    state
        .reunions
        .get(id)
        .ok_or_else(|| AppError::keyed(StatusCode::NOT_FOUND, "not_found", "refusal-no-such-event"))
}

/// Live rooms per reunion id.
fn rooms_of(state: &AppState, id: u32) -> usize {
    state.rooms.count_where(|room| room.class.reunion == id)
}

fn summary(state: &AppState, r: &Reunion) -> serde_json::Value {
    let snap = r.snapshot();
    let people = snap.people.iter().filter(|e| !e.row.deleted).count();
    json!({
        "id": r.id,
        "title": snap.meta.title,
        "people": people,
        "rooms": rooms_of(state, r.id),
        "updated_at": snap.meta.updated_at,
    })
}

/// `GET /api/organise/reunions`: the reunions this organiser may touch.
pub async fn list(State(state): State<Arc<AppState>>, who: Organiser) -> Response {
    let list: Vec<_> = state
        .reunions
        .all()
        .iter()
        .filter(|r| who.may(r.id))
        .map(|r| summary(&state, r))
        .collect();
    Json(json!({"reunions": list})).into_response()
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewReunion {
    title: String,
}

/// `POST /api/organise/reunions` `{title}`: 201 with the new reunion.
pub async fn create(
    State(state): State<Arc<AppState>>,
    who: Organiser,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, AppError> {
    who.check_all()?;
    let req: NewReunion = super::api::json_body(body)?;
    let reunion = state.reunions.create(&req.title).await?;
    Ok((StatusCode::CREATED, Json(summary(&state, &reunion))).into_response())
}

/// One person as the organiser's table shows them.
fn person_json(
    state: &AppState,
    id: u32,
    index: usize,
    e: &crate::reunion::Entry,
    problems: &[String],
) -> serde_json::Value {
    let photos: Vec<_> = e
        .photos
        .iter()
        .map(|p| {
            json!({
                "idx": p.idx,
                "label": p.label,
                // The content in the URL: a turned or replaced photo is
                // fetched anew, not taken from the browser's cache.
                "thumb": format!(
                    "{}/api/organise/reunions/{id}/photos/{}/{}?v={}",
                    state.base,
                    e.row.id,
                    p.idx,
                    p.sha.get(..12).unwrap_or(&p.sha)
                ),
            })
        })
        .collect();
    json!({
        "id": e.row.id,
        "index": index,
        "name": e.row.name,
        "known_as": e.row.known_as,
        "gender": e.row.gender,
        "in_memoriam": e.row.in_memoriam,
        "included": e.row.included,
        "deleted": e.row.deleted,
        "version": e.row.version,
        "updated_at": e.row.updated_at,
        "updated_by": e.row.updated_by,
        "photos": photos,
        "problems": problems,
    })
}

fn reunion_json(state: &AppState, r: &Reunion) -> serde_json::Value {
    let snap = r.snapshot();
    let problems = crate::reunion::problems(&snap.people);
    let people: Vec<_> = snap
        .people
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let none = Vec::new();
            person_json(state, r.id, i, e, problems.get(&e.row.id).unwrap_or(&none))
        })
        .collect();
    let playable = snap.people.iter().filter(|e| e.playable()).count();
    json!({
        "reunion": snap.meta,
        "rooms": rooms_of(state, r.id),
        "playable": playable,
        "warnings": r.roster().warnings(),
        "people": people,
    })
}

/// `GET /api/organise/reunions/{id}`: settings, people, problems.
pub async fn show(
    State(state): State<Arc<AppState>>,
    who: Organiser,
    Ids(id): Ids<u32>,
) -> Result<Response, AppError> {
    let r = reunion_for(&state, &who, id)?;
    Ok(Json(reunion_json(&state, &r)).into_response())
}

/// A field that may be set, cleared (`null`), or left out.
fn optional_text(v: &serde_json::Value, key: &str) -> Option<Option<String>> {
    match v.get(key)? {
        serde_json::Value::Null => Some(None),
        serde_json::Value::String(s) => Some(crate::reunion::clean_text(s)),
        _ => None,
    }
}

fn body_object(
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<serde_json::Value, AppError> {
    let v: serde_json::Value = super::api::json_body(body)?;
    Ok(if v.is_null() { json!({}) } else { v })
}

/// `PATCH /api/organise/reunions/{id}`: `{title?, guest_code?,
/// solo_open?, memoriam_default?, then_now?, today_keep_days?}`.
pub async fn update(
    State(state): State<Arc<AppState>>,
    who: Organiser,
    Ids(id): Ids<u32>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, AppError> {
    reunion_for(&state, &who, id)?;
    let v = body_object(body)?;
    let patch = MetaPatch {
        title: v.get("title").and_then(|t| t.as_str()).map(str::to_string),
        guest_code: optional_text(&v, "guest_code"),
        solo_open: v.get("solo_open").and_then(serde_json::Value::as_bool),
        memoriam_default: v
            .get("memoriam_default")
            .and_then(serde_json::Value::as_bool),
        then_now: v.get("then_now").and_then(serde_json::Value::as_bool),
        today_keep_days: keep_days(&v)?,
    };
    if let Some(problem) = v
        .get("guest_code")
        .and_then(|c| c.as_str())
        .filter(|c| !c.trim().is_empty())
        .and_then(super::event::guest_code_problem)
    {
        // `field`: the page says it under the guest code's box.
        return Ok(problem.with_fields(json!({"field": "guest_code"})));
    }
    if let Some(title) = &patch.title
        && crate::reunion::clean_text(title).is_none()
    {
        return Err(AppError::keyed(
            StatusCode::BAD_REQUEST,
            "invalid",
            "refusal-event-needs-title",
        ));
    }
    let meta = state.reunions.update_meta(id, patch).await?;
    Ok(Json(json!({"reunion": meta})).into_response())
}

/// `today_keep_days`, if given: a whole number of days in
/// [`crate::thennow::KEEP_DAYS_RANGE`], else refused in a sentence.
fn keep_days(v: &serde_json::Value) -> Result<Option<u32>, AppError> {
    let Some(given) = v.get("today_keep_days") else {
        return Ok(None);
    };
    let range = crate::thennow::KEEP_DAYS_RANGE;
    given
        .as_u64()
        .and_then(|d| u32::try_from(d).ok())
        .filter(|d| range.contains(d))
        .map(Some)
        .ok_or_else(|| {
            AppError::keyed(StatusCode::BAD_REQUEST, "invalid", "refusal-keep-days")
                .with("min", *range.start())
                .with("max", *range.end())
        })
}

/// Who signs a change: the name the page sends (`by`), else the role.
fn signer(state: &AppState, who: &Organiser, v: &serde_json::Value) -> String {
    signed_by(state, who, v.get("by").and_then(|b| b.as_str()))
}

/// The name a change is signed with: `by` (up to 40 characters), else the role.
pub(crate) fn signed_by(state: &AppState, who: &Organiser, by: Option<&str>) -> String {
    by.and_then(|b| crate::reunion::clean_text(&b.chars().take(40).collect::<String>()))
        .unwrap_or_else(|| who.describe(state).to_string())
}

/// `POST /api/organise/reunions/{id}/people`: `{name, gender?, known_as?,
/// in_memoriam?, photos?: [{label?, data: base64}]}` (small photos; big
/// scans come through the uploads).
pub async fn add_person(
    State(state): State<Arc<AppState>>,
    who: Organiser,
    Ids(id): Ids<u32>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, AppError> {
    use base64::Engine;
    reunion_for(&state, &who, id)?;
    let v = body_object(body)?;
    let mut photos = Vec::new();
    for p in v
        .get("photos")
        .and_then(|p| p.as_array())
        .into_iter()
        .flatten()
    {
        let data = p.get("data").and_then(|d| d.as_str()).unwrap_or("");
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data.trim())
            .map_err(|_| {
                AppError::keyed(
                    StatusCode::BAD_REQUEST,
                    "bad_request",
                    "refusal-photos-data-not-base64",
                )
            })?;
        let label = p.get("label").and_then(|l| l.as_str()).map(str::to_string);
        photos.push((label, bytes));
    }
    let text = |k: &str| v.get(k).and_then(|t| t.as_str()).map(str::to_string);
    let person = NewPerson {
        name: text("name").unwrap_or_default(),
        known_as: text("known_as"),
        gender: text("gender"),
        in_memoriam: v
            .get("in_memoriam")
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false),
    };
    let by = signer(&state, &who, &v);
    let row = state.reunions.add_person(id, person, photos, &by).await?;
    let r = reunion_for(&state, &who, id)?;
    let snap = r.snapshot();
    let index = snap.people.iter().position(|e| e.row.id == row.id);
    let entry = index.and_then(|i| snap.people.get(i));
    let problems = crate::reunion::problems(&snap.people);
    let body = match (index, entry) {
        (Some(i), Some(e)) => person_json(
            &state,
            id,
            i,
            e,
            problems.get(&row.id).map_or(&[][..], Vec::as_slice),
        ),
        _ => json!({"id": row.id}),
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// `PATCH /api/organise/reunions/{id}/people/{pid}`: `{version, name?,
/// known_as?, gender?, in_memoriam?, included?, deleted?, by?}`; 409
/// `edited_elsewhere` when `version` is not the current one.
pub async fn update_person(
    State(state): State<Arc<AppState>>,
    who: Organiser,
    Ids((id, pid)): Ids<(u32, u32)>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let run = async {
        reunion_for(&state, &who, id)?;
        let v = body_object(body)?;
        let version = version_of(&v)?;
        Ok::<_, AppError>((version, person_patch(&v), signer(&state, &who, &v)))
    };
    match run.await {
        Ok((version, patch, by)) => save_person(&state, id, pid, version, patch, &by).await,
        Err(e) => e.into_response(),
    }
}

/// The fields of a person a JSON object changes.
fn person_patch(v: &serde_json::Value) -> PersonPatch {
    let flag = |k: &str| v.get(k).and_then(serde_json::Value::as_bool);
    PersonPatch {
        name: v.get("name").and_then(|t| t.as_str()).map(str::to_string),
        known_as: optional_text(v, "known_as"),
        gender: optional_text(v, "gender"),
        in_memoriam: flag("in_memoriam"),
        included: flag("included"),
        deleted: flag("deleted"),
    }
}

/// `POST /api/organise/reunions/{id}/people/batch`: `{changes: [{id,
/// version, name?, known_as?, gender?, in_memoriam?, included?, deleted?}],
/// by?}`, all or nothing (what undoes a name list's apply in one step);
/// 409 `edited_elsewhere` as PATCH when anyone moved on, nothing written.
pub async fn update_people(
    State(state): State<Arc<AppState>>,
    who: Organiser,
    Ids(id): Ids<u32>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let run = async {
        reunion_for(&state, &who, id)?;
        let v = body_object(body)?;
        let mut edits: Vec<(u32, u32, PersonPatch)> = Vec::new();
        for change in v
            .get("changes")
            .and_then(|c| c.as_array())
            .into_iter()
            .flatten()
        {
            let pid = change
                .get("id")
                .and_then(serde_json::Value::as_u64)
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| {
                    AppError::keyed(
                        StatusCode::BAD_REQUEST,
                        "bad_request",
                        "refusal-each-change-names-person",
                    )
                })?;
            if edits.iter().any(|(p, _, _)| *p == pid) {
                return Err(AppError::keyed(
                    StatusCode::BAD_REQUEST,
                    "bad_request",
                    "refusal-each-person-appear-once",
                ));
            }
            edits.push((pid, version_of(change)?, person_patch(change)));
        }
        Ok::<_, AppError>((edits, signer(&state, &who, &v)))
    };
    match run.await {
        Ok((edits, by)) => match state.reunions.update_people(id, edits, &by).await {
            Ok(rows) => Json(json!({"people": rows})).into_response(),
            Err(e) => stale_response(e),
        },
        Err(e) => e.into_response(),
    }
}

/// Saves a change to a person: `{person}`, or 409 with who changed it.
async fn save_person(
    state: &AppState,
    id: u32,
    pid: u32,
    version: u32,
    patch: PersonPatch,
    by: &str,
) -> Response {
    match state
        .reunions
        .update_person(id, pid, version, patch, by)
        .await
    {
        Ok(row) => Json(json!({"person": row})).into_response(),
        Err(e) => stale_response(e),
    }
}

/// `DELETE /api/organise/reunions/{id}/people/{pid}`: marks the person
/// deleted (kept: rooms may still show them); undone by PATCH
/// `{"deleted": false}`.
pub async fn delete_person(
    State(state): State<Arc<AppState>>,
    who: Organiser,
    Ids((id, pid)): Ids<(u32, u32)>,
) -> Response {
    let r = match reunion_for(&state, &who, id) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let Some(version) = r
        .snapshot()
        .people
        .iter()
        .find(|e| e.row.id == pid)
        .map(|e| e.row.version)
    else {
        return AppError::keyed(StatusCode::NOT_FOUND, "not_found", "refusal-no-such-person")
            .into_response();
    };
    let patch = PersonPatch {
        deleted: Some(true),
        ..Default::default()
    };
    save_person(&state, id, pid, version, patch, who.describe(&state)).await
}

/// The person's version a change was made on, from `{"version": N}`.
fn version_of(v: &serde_json::Value) -> Result<u32, AppError> {
    v.get("version")
        .and_then(serde_json::Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| AppError::said("refusal-say-version"))
}

/// `{person}` after a photo change, or the refusal (409 with who changed
/// the person meanwhile).
fn photo_saved(result: Result<crate::reunion::PersonRow, ReunionError>) -> Response {
    match result {
        Ok(row) => Json(json!({"person": row})).into_response(),
        Err(e) => stale_response(e),
    }
}

/// `POST /api/organise/reunions/{id}/people/{pid}/photos/{idx}/rotate`
/// `{version, turns, by?}`: turns the photo `turns` quarter turns
/// clockwise (negative: anticlockwise); 409 `edited_elsewhere` as PATCH.
pub async fn rotate_photo(
    State(state): State<Arc<AppState>>,
    who: Organiser,
    Ids((id, pid, idx)): Ids<(u32, u32, u32)>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let run = async {
        reunion_for(&state, &who, id)?;
        let v = body_object(body)?;
        let version = version_of(&v)?;
        let turns = v
            .get("turns")
            .and_then(serde_json::Value::as_i64)
            .map(|t| t.rem_euclid(4) as u8)
            .filter(|t| *t != 0)
            .ok_or_else(|| {
                AppError::keyed(
                    StatusCode::BAD_REQUEST,
                    "bad_request",
                    "refusal-say-how-far-turn",
                )
            })?;
        Ok::<_, AppError>((version, turns, signer(&state, &who, &v)))
    };
    match run.await {
        Ok((version, turns, by)) => photo_saved(
            state
                .reunions
                .rotate_photo(id, pid, idx, version, turns, &by)
                .await,
        ),
        Err(e) => e.into_response(),
    }
}

/// How long the whole body of a replaced photo may take (25 MiB at about
/// 1 Mbit/s).
pub const PHOTO_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(240);

/// Whether a request is a photo replacement: its body (up to
/// [`crate::uploads::MAX_FILE_BYTES`]) is read by [`replace_photo`], not
/// held to the 64 KiB of other requests.
pub fn is_photo_put(state: &AppState, method: &Method, path: &str) -> bool {
    let path = path.strip_prefix(state.base.as_str()).unwrap_or(path);
    // Exactly the route's shape: another PUT under it keeps the 64 KiB guard.
    let parts: Vec<&str> = path.split('/').collect();
    method == Method::PUT
        && matches!(
            parts.as_slice(),
            [
                "",
                "api",
                "organise",
                "reunions",
                _,
                "people",
                _,
                "photos",
                _
            ]
        )
}

/// The body, at most [`crate::uploads::MAX_FILE_BYTES`], within
/// [`PHOTO_READ_TIMEOUT`].
async fn read_photo(body: axum::body::Body) -> Result<Vec<u8>, AppError> {
    let limit = crate::uploads::MAX_FILE_BYTES as usize;
    super::read_bounded(body, limit, PHOTO_READ_TIMEOUT)
        .await
        .map_err(|cut| {
            cut.into_error(
                AppError::said("refusal-photo-dropped"),
                AppError::said("refusal-photo-slow").with("seconds", PHOTO_READ_TIMEOUT.as_secs()),
                too_large,
            )
        })
}

/// 413 `too_large` for a file of `bytes`, in the upload's words.
pub(crate) fn too_large(bytes: usize) -> AppError {
    crate::uploads::check::Problem::TooLarge {
        bytes: bytes as u64,
    }
    .refused()
}

#[derive(Debug, Deserialize)]
pub struct ReplaceQuery {
    version: Option<u32>,
    by: Option<String>,
    label: Option<String>,
}

/// `PUT /api/organise/reunions/{id}/people/{pid}/photos/{idx}?version=N`
/// with the image as the body (PNG or JPEG, at most 25 MiB): replaces the
/// photo, keeping its label; refused in the uploads' words otherwise.
/// At the person's next free index it adds the photo instead (`?label=`),
/// so "add a person" takes a phone's photo, not only what fits in JSON.
pub async fn replace_photo(
    State(state): State<Arc<AppState>>,
    who: Organiser,
    Ids((id, pid, idx)): Ids<(u32, u32, u32)>,
    axum::extract::Query(q): axum::extract::Query<ReplaceQuery>,
    body: axum::body::Body,
) -> Response {
    let run = async {
        let r = reunion_for(&state, &who, id)?;
        let count = r
            .snapshot()
            .people
            .iter()
            .find(|e| e.row.id == pid && !e.row.deleted)
            .map(|e| e.photos.len());
        let adding = count == Some(idx as usize);
        let version = match q.version {
            Some(v) => v,
            None if adding => 0,
            None => {
                return Err(AppError::said("refusal-say-version-query"));
            }
        };
        let bytes = read_photo(body).await?;
        if let Err(problem) = crate::uploads::check::check_single_photo(&bytes) {
            return Err(problem.refused());
        }
        let by_value = json!({"by": q.by});
        Ok::<_, AppError>((adding, version, bytes, signer(&state, &who, &by_value)))
    };
    match run.await {
        Ok((true, _, bytes, _)) => {
            match state
                .reunions
                .add_photo(id, pid, q.label.as_deref(), bytes)
                .await
            {
                Ok(idx) => (
                    StatusCode::CREATED,
                    Json(json!({"person": pid, "photo": idx})),
                )
                    .into_response(),
                Err(e) => AppError::from(e).into_response(),
            }
        }
        Ok((false, version, bytes, by)) => photo_saved(
            state
                .reunions
                .replace_photo(id, pid, idx, version, bytes, &by)
                .await,
        ),
        Err(e) => e.into_response(),
    }
}

/// `GET /api/organise/reunions/{id}/photos/{person}/{idx}`: the thumbnail,
/// for organisers only (never cached by anyone else).
pub async fn photo(
    State(state): State<Arc<AppState>>,
    who: Organiser,
    Ids((id, person, idx)): Ids<(u32, u32, u32)>,
) -> Result<Response, AppError> {
    let r = reunion_for(&state, &who, id)?;
    let p = r.photo(person, idx).ok_or_else(|| {
        AppError::keyed(StatusCode::NOT_FOUND, "not_found", "refusal-no-such-photo")
    })?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(p.thumb.content_type),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, max-age=300"),
            ),
        ],
        p.thumb.bytes,
    )
        .into_response())
}

/// `POST /api/organise/reunions/{id}/invites`: a one-time link that makes
/// whoever opens it a co-organiser of this reunion only.
pub async fn create_invite(
    State(state): State<Arc<AppState>>,
    who: Organiser,
    Ids(id): Ids<u32>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    reunion_for(&state, &who, id)?;
    let token = state.reunions.create_invite(id).await?;
    let url = format!("{}/organise/invite/{token}", state.public_url_for(&headers));
    Ok((
        StatusCode::CREATED,
        Json(json!({"url": url, "expires_in_days": crate::reunion::INVITE_DAYS})),
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "organise_invite.html")]
struct InvitePage {
    base: String,
    title: String,
    t: Tr,
    valid: bool,
    action: String,
    days: u64,
}

fn invite_page(state: &AppState, token: &str, valid: bool, t: Tr) -> Response {
    let page = InvitePage {
        base: state.base.clone(),
        title: t.get("organise-invite-title"),
        t,
        valid,
        action: format!("{}/organise/invite/{token}", state.base),
        days: crate::reunion::INVITE_DAYS.unsigned_abs(),
    };
    let status = if valid {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    (status, super::pages::render(page)).into_response()
}

/// `GET /organise/invite/{token}`: a button, not the cookie: link previews
/// in chat apps fetch links, and must not use the invite up.
pub async fn invite(
    State(state): State<Arc<AppState>>,
    t: Tr,
    Path(token): Path<String>,
) -> Response {
    let plausible = token.len() == 48 && token.bytes().all(|b| b.is_ascii_hexdigit());
    invite_page(&state, &token, plausible, t)
}

/// `POST /organise/invite/{token}`: uses the invite (once) and sets the
/// co-organiser's cookie for its reunion. Misses count with wrong
/// passwords.
pub async fn accept_invite(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    let t = Tr::of(&headers, None);
    let ip = super::api::ip_of(&state, peer, &headers);
    if state.organise.passwords.is_over(ip) {
        return gate_page(&state, Gate::TooMany, t);
    }
    match state.reunions.use_invite(&token).await {
        Ok(Some(id)) => {
            let mut resp =
                Redirect::to(&format!("{}/organise/reunions/{id}", state.base)).into_response();
            resp.headers_mut().insert(
                header::SET_COOKIE,
                state.organise.set_cookie(
                    Scope::Reunion(id),
                    state.public_url_for(&headers).starts_with("https://"),
                ),
            );
            resp
        }
        Ok(None) => {
            state.organise.passwords.count(ip);
            invite_page(&state, "", false, t)
        }
        Err(e) => AppError::from(e).into_response(),
    }
}

// ---------------------------------------------------------------------------
// Pages.

#[derive(Template)]
#[template(path = "organise_reunion.html")]
struct ReunionPage {
    base: String,
    title: String,
    t: Tr,
    id: u32,
    data: String,
    invite_days: u64,
    /// Whether `--event-code` guards an event left without a guest code.
    server_code: bool,
}

/// `GET /organise/reunions/{id}`: the people table; `static/organise.js`
/// fills it from the JSON embedded here and saves edits as they are made.
pub async fn reunion_page(
    State(state): State<Arc<AppState>>,
    who: Organiser,
    t: Tr,
    Ids(id): Ids<u32>,
) -> Response {
    let r = match reunion_for(&state, &who, id) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    render_reunion_page(&state, &r, t)
}

fn render_reunion_page(state: &AppState, r: &Reunion, t: Tr) -> Response {
    let data = super::pages::json_for_script(&reunion_json(state, r));
    super::pages::render(ReunionPage {
        base: state.base.clone(),
        title: t.arg("organise-page-title", "title", r.title()),
        t,
        id: r.id,
        data,
        invite_days: crate::reunion::INVITE_DAYS.unsigned_abs(),
        server_code: state.event.is_some(),
    })
}

/// `POST /organise/reunions` (the "New event" form): creates it and opens
/// its page.
pub async fn create_form(
    State(state): State<Arc<AppState>>,
    who: Organiser,
    body: Bytes,
) -> Response {
    if let Err(e) = who.check_all() {
        return e.into_response();
    }
    let form: NewReunion = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    match state.reunions.create(&form.title).await {
        Ok(r) => {
            Redirect::to(&format!("{}/organise/reunions/{}", state.base, r.id)).into_response()
        }
        Err(e) => AppError::from(e).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each typed reason's English from the catalogue is its own.
    #[test]
    fn the_event_stores_reasons_read_the_same_from_the_catalogue() {
        for why in [
            Invalid::NoTitle,
            Invalid::EmptyName,
            Invalid::TooManyPhotos,
            Invalid::LabelTaken {
                name: "Ann Lee".into(),
                label: None,
            },
            Invalid::LabelTaken {
                name: "Ann Lee".into(),
                label: Some("1986".into()),
            },
            Invalid::Photo("is not a JPEG or PNG".into()),
            Invalid::PersonPhoto {
                name: "Ann Lee".into(),
                why: "is not a JPEG or PNG".into(),
            },
        ] {
            let refusal = invalid(why.clone());
            assert_eq!(refusal.message, why.to_string());
            let de = crate::i18n::Lang::parse("de").unwrap();
            assert_ne!(refusal.message_in(de), why.to_string(), "{why:?} in German");
        }
    }

    /// The start-up log says the hints in English: the catalogue's English
    /// is the same sentence, so the page and the log never disagree.
    #[test]
    fn the_hints_english_is_the_catalogues() {
        let en = crate::i18n::Lang::EN;
        assert_eq!(en.get(LOCAL_KEY), LOCAL_HINT);
        assert_eq!(en.get("refusal-organiser-closed"), CLOSED_HINT);
        assert_eq!(en.get("refusal-organiser-proxy"), PROXY_HINT);
    }

    #[test]
    fn listen_addresses_on_this_computer_only_are_loopback() {
        for a in [
            "127.0.0.1:8080",
            "127.0.0.1:0",
            "[::1]:80",
            "localhost:8080",
        ] {
            assert!(addr_is_loopback(a), "{a}");
        }
        for a in [
            "0.0.0.0:8080",
            "[::]:80",
            "192.168.1.5:80",
            "example.org:80",
        ] {
            assert!(!addr_is_loopback(a), "{a}");
        }
    }

    #[test]
    fn the_admin_cookie_signs_the_password_and_a_reunions_cookie_its_id() {
        let a = OrganiseAuth::new(Some("pw".into()), false, false, b"k", "", false);
        let cookie = |auth: &OrganiseAuth, scope| {
            let set = auth.set_cookie(scope, false);
            let pair = set.to_str().unwrap().split(';').next().unwrap().to_string();
            let mut h = HeaderMap::new();
            h.insert(header::COOKIE, pair.parse().unwrap());
            h
        };
        assert_eq!(a.cookie_scope(&cookie(&a, Scope::All)), Some(Scope::All));
        let changed = OrganiseAuth::new(Some("pw2".into()), false, false, b"k", "", false);
        assert_eq!(changed.cookie_scope(&cookie(&a, Scope::All)), None);
        assert_eq!(
            a.cookie_scope(&cookie(&a, Scope::Reunion(7))),
            Some(Scope::Reunion(7))
        );
        let mut forged = cookie(&a, Scope::Reunion(7));
        let text = forged[header::COOKIE]
            .to_str()
            .unwrap()
            .replace("=r7.", "=r8.");
        forged.insert(header::COOKIE, text.parse().unwrap());
        assert_eq!(a.cookie_scope(&forged), None);
        assert!(a.password_matches("pw") && !a.password_matches("pW"));
    }

    #[test]
    fn over_https_the_cookie_is_secure_and_lives_under_the_base_path() {
        let a = OrganiseAuth::new(Some("pw".into()), false, false, b"k", "/r/86", true);
        let set = a.set_cookie(Scope::All, false);
        let set = set.to_str().unwrap();
        for attr in ["HttpOnly", "SameSite=Strict", "Path=/r/86", "Secure"] {
            assert!(set.contains(attr), "{attr} in {set}");
        }
        assert!(a.clear_cookie().to_str().unwrap().contains("Max-Age=0"));
    }
}
