//! The optional event code (`--event-code`): pages, photos, the API and the
//! WebSocket need it once per browser. It arrives in the QR link as
//! `?event=…` or typed into a small form, and is then remembered in a signed,
//! HttpOnly cookie, so classmates' photos are never open to a stranger who
//! only found the URL.

use std::borrow::Cow;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use super::AppError;
use crate::AppState;
use crate::i18n::Tr;
use crate::room::code::secrets_equal;

const COOKIE: &str = "yearbook_event";
const PARAM: &str = "event";

/// One door: the codes that open it and the cookie that proves a browser
/// went through. The server's (`--event-code`) guards the built-in class
/// and every page not about one event; an event's guest code its own.
#[derive(Debug, Clone)]
pub struct EventGate {
    /// The code links carry (normalised).
    code: String,
    /// The signatures of every code that opens this door.
    opens: Vec<String>,
    secret: Vec<u8>,
    cookie_name: String,
    cookie_value: String,
    cookie_attrs: String,
}

/// What people type: case, spaces and surrounding blanks do not matter.
fn normalize(code: &str) -> String {
    code.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// What every door of one server shares: the key and the cookies' scope.
#[derive(Debug, Clone)]
pub struct Doors {
    secret: Vec<u8>,
    base: String,
    secure: bool,
}

impl Doors {
    pub fn new(secret: &[u8], base: &str, secure: bool) -> Self {
        Self {
            secret: secret.to_vec(),
            base: base.to_string(),
            secure,
        }
    }

    /// The door of event `id` with guest code `code`.
    ///
    /// Its cookie proves the event, not one code: a phone that got in
    /// stays in when the organiser changes the code mid-evening.
    pub fn event(&self, id: u32, code: &str) -> EventGate {
        // "Event #1" has a capital: no normalised `--event-code` signs alike.
        let proof = sign(&self.secret, &format!("Event #{id}"));
        EventGate::with_cookie(
            code,
            &self.secret,
            &self.base,
            self.secure,
            format!("{COOKIE}_{id}"),
            proof,
        )
    }
}

impl EventGate {
    /// The server's door (`--event-code`).
    pub fn new(code: &str, secret: &[u8], base: &str, secure: bool) -> Self {
        let value = sign(secret, &normalize(code));
        Self::with_cookie(code, secret, base, secure, COOKIE.to_string(), value)
    }

    fn with_cookie(
        code: &str,
        secret: &[u8],
        base: &str,
        secure: bool,
        cookie_name: String,
        cookie_value: String,
    ) -> Self {
        let code = normalize(code);
        let path = if base.is_empty() { "/" } else { base };
        let mut cookie_attrs = format!(
            "Path={path}; HttpOnly; SameSite=Lax; Max-Age={}",
            30 * 24 * 3600
        );
        if secure {
            cookie_attrs.push_str("; Secure");
        }
        Self {
            opens: vec![sign(secret, &code)],
            code,
            secret: secret.to_vec(),
            cookie_name,
            cookie_value,
            cookie_attrs,
        }
    }

    /// `code` opens this door too (links keep carrying the first one).
    fn also_opens_with(&mut self, code: &str) {
        let signed = sign(&self.secret, &normalize(code));
        if !self.opens.contains(&signed) {
            self.opens.push(signed);
        }
    }

    /// The code as it goes into links (`?event=…`), URL-encoded.
    pub fn query(&self) -> String {
        format!("{PARAM}={}", url_encode(&self.code))
    }

    fn set_cookie(&self) -> HeaderValue {
        let cookie = format!(
            "{}={}; {}",
            self.cookie_name, self.cookie_value, self.cookie_attrs
        );
        HeaderValue::from_str(&cookie).unwrap_or(HeaderValue::from_static(""))
    }

    fn has_cookie(&self, headers: &HeaderMap) -> bool {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|kv| kv.trim().split_once('='))
            .any(|(k, v)| k == self.cookie_name && secrets_equal(v, &self.cookie_value))
    }

    /// Compares the signatures, which have one length whatever was typed:
    /// the time taken tells nothing about the code, not even its length.
    fn matches(&self, typed: &str) -> bool {
        let typed = sign(&self.secret, &normalize(typed));
        // Every one compared, so the time says nothing of which matched.
        self.opens
            .iter()
            .fold(false, |hit, code| secrets_equal(&typed, code) | hit)
    }
}

/// HMAC-SHA256 of a normalised code, hex.
fn sign(secret: &[u8], code: &str) -> String {
    match Hmac::<Sha256>::new_from_slice(secret) {
        Ok(mut mac) => {
            mac.update(code.as_bytes());
            hex::encode(mac.finalize().into_bytes())
        }
        // Any key length works for HMAC; this branch cannot run.
        Err(_) => hex::encode(Sha256::digest(code.as_bytes())),
    }
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn url_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = |b: u8| (b as char).to_digit(16);
                match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    (Some(hi), Some(lo)) => {
                        out.push((hi * 16 + lo) as u8);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `key=value&…` → the value of `key`, decoded.
fn param(query: &str, key: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| url_decode(v))
}

/// Routes that never need the code: health checks, the page chrome, and
/// the organiser's area (its own password guards it; the organiser need
/// not also know the guests' code).
fn is_open(path: &str) -> bool {
    path == "/healthz"
        || path.starts_with("/static/")
        || path == "/organise"
        || path.starts_with("/organise/")
        || path.starts_with("/api/organise/")
}

/// Pages are HTML; everything else answers JSON.
fn is_page(path: &str) -> bool {
    !(path.starts_with("/api/")
        || path.starts_with("/photos/")
        || path.starts_with("/ws/")
        || path == "/metrics")
}

/// What the form says above the box.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Note {
    None,
    Wrong,
    TooMany,
}

fn form_page(base: &str, next: &str, note: Note, t: &Tr) -> Response {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let (status, note) = match note {
        Note::None => (StatusCode::UNAUTHORIZED, None),
        Note::Wrong => (StatusCode::UNAUTHORIZED, Some("event-wrong")),
        Note::TooMany => (StatusCode::TOO_MANY_REQUESTS, Some("event-too-many")),
    };
    let note = note.map_or(String::new(), |key| {
        format!("<p class=\"error\" role=\"alert\">{}</p>", esc(&t.get(key)))
    });
    let html = format!(
        r#"<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><link rel="stylesheet" href="{base}/static/{style}"></head>
<body data-base="{base}"><main class="page narrow"><section class="card">
<h1>{title}</h1><p>{lead}</p>{note}
<form method="post" action="{base}/event"><input type="hidden" name="next" value="{next}">
<label for="event-code">{label}</label>
<input id="event-code" name="code" type="text" autocomplete="off" autofocus required>
<button type="submit">{button}</button></form></section></main></body></html>"#,
        lang = t.tag(),
        title = esc(&t.get("event-title")),
        lead = esc(&t.get("event-lead")),
        label = esc(&t.get("event-label")),
        button = esc(&t.get("event-continue")),
        base = esc(base),
        next = esc(next),
        style = esc(&super::asset("style.css")),
    );
    (status, Html(html)).into_response()
}

/// A path under the base path to go back to after the form, never another
/// site. Browsers drop tabs and newlines from a `Location` and read `\` as
/// `/`, so `/\t/evil.example` is `//evil.example`: refused, and so is any of
/// it once more percent-decoded (whoever reads the URL next may decode).
fn safe_next(base: &str, next: &str) -> String {
    let home = format!("{base}/");
    let plain = |s: &str| {
        !s.contains("//")
            && !s
                .chars()
                .any(|c| c == '\\' || c.is_control() || c.is_whitespace())
    };
    let once_more = url_decode(&next.replace('+', "%2B"));
    if next.starts_with(&home) && plain(next) && plain(&once_more) {
        next.to_string()
    } else {
        home
    }
}

/// Which event a request is about, so which door it goes through.
#[derive(Debug, Clone, PartialEq)]
enum Target {
    /// The built-in class and every page not about one event.
    Server,
    /// Event `id`; `room`: about one of its rooms, made with that guest
    /// code (`Some(None)`: made without one).
    Event {
        id: u32,
        room: Option<Option<String>>,
    },
}

/// The event of a room (by its code in the path), a photo (by its tag; a
/// photo of today by its room), a
/// solo page (`?reunion=`), or, for the few JSON calls that name it in
/// their body (`body`), by that.
fn target_of(state: &AppState, path: &str, query: &str, body: Option<&[u8]>) -> Target {
    let event = |id: u32, room: Option<Option<String>>| match id {
        0 => Target::Server,
        id => Target::Event { id, room },
    };
    let room = |raw: &str| {
        crate::room::code::parse_code(raw)
            .and_then(|c| state.rooms.get(&c))
            .map_or(Target::Server, |r| {
                event(r.class.reunion, Some(r.class.guest_code.clone()))
            })
    };
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segments.as_slice() {
        ["join" | "host" | "remote" | "ws", code] => room(code),
        ["api", "rooms", code, ..] => room(code),
        ["photos", file] => state
            .rooms
            .deps()
            .photo_urls
            .resolve(file)
            .map_or(Target::Server, |at| event(at.reunion, None)),
        // A guest's photo of today is behind its room's door.
        ["today", name] => crate::thennow::parse_name(name)
            .and_then(|(file, _)| state.today.get()?.room_of(file).ok().flatten())
            .map_or(Target::Server, |code| room(&code)),
        ["solo"] => param(query, "reunion")
            .and_then(|id| id.parse().ok())
            .map_or(Target::Server, |id| event(id, None)),
        ["api", "solo" | "rooms", ..] => {
            let body: serde_json::Value = body
                .and_then(|b| serde_json::from_slice(b).ok())
                .unwrap_or_default();
            let id = match body.get("round_id").and_then(|r| r.as_str()) {
                Some(round) => state.solo.reunion_of(round).unwrap_or(0),
                None => body
                    .get("reunion")
                    .and_then(serde_json::Value::as_u64)
                    .and_then(|id| u32::try_from(id).ok())
                    .unwrap_or(0),
            };
            event(id, None)
        }
        _ => Target::Server,
    }
}

/// Calls that name their event in a JSON body (a room of an event, a
/// solo round or answer on one): read here, so the right door is asked.
fn event_in_body(path: &str, method: &Method) -> bool {
    method == Method::POST && matches!(path, "/api/rooms" | "/api/solo/round" | "/api/solo/answer")
}

/// The gates a request may go through, any one of them; none: open.
#[derive(Debug, Default)]
struct Door<'s> {
    gates: Vec<Cow<'s, EventGate>>,
    open: bool,
}

impl<'s> Door<'s> {
    /// Adds event `id`'s door for guest code `code`, else the server's.
    fn add(&mut self, state: &'s AppState, id: u32, code: Option<&str>) {
        let code = code.filter(|c| !c.trim().is_empty());
        let Some(code) = code else {
            match &state.event {
                Some(server) if !self.gates.iter().any(|g| g.cookie_name == COOKIE) => {
                    self.gates.push(Cow::Borrowed(server));
                }
                Some(_) => {}
                None => self.open = true,
            }
            return;
        };
        // One event's codes share its door (and its cookie).
        let name = format!("{COOKIE}_{id}");
        match self.gates.iter_mut().find(|g| g.cookie_name == name) {
            Some(gate) => gate.to_mut().also_opens_with(code),
            None => self.gates.push(Cow::Owned(state.doors.event(id, code))),
        }
    }

    fn has_cookie(&self, headers: &HeaderMap) -> bool {
        self.gates.iter().any(|g| g.has_cookie(headers))
    }

    /// The gate `typed` opens (every one asked, so the time says nothing).
    fn matching(&self, typed: &str) -> Option<&EventGate> {
        self.gates
            .iter()
            .map(|g| (g.matches(typed), g))
            .fold(None, |hit, (m, g)| hit.or(m.then_some(&**g)))
    }
}

/// The door a target goes through. An event's: its guest code's, else the
/// server's (`--event-code`, or open). A running room keeps the door it
/// was made with, and the event's door as it is now opens it too; an
/// event's photos open with its door and with any of its live rooms'.
fn door_of<'s>(state: &'s AppState, target: &Target) -> Door<'s> {
    let mut door = Door::default();
    let Target::Event { id, room } = target else {
        door.add(state, 0, None);
        return door;
    };
    let current = state.reunions.get(*id).and_then(|r| r.meta().guest_code);
    door.add(state, *id, current.as_deref());
    if door.open {
        // Open now: what else would open it changes nothing.
        return door;
    }
    match room {
        Some(made_with) => door.add(state, *id, made_with.as_deref()),
        None => {
            for made_with in state.rooms.guest_codes_of(*id) {
                door.add(state, *id, made_with.as_deref());
            }
        }
    }
    door
}

/// The join link's code for a room of event `reunion` made with
/// `made_with`: the event's current code, else the server's.
pub fn link_query(state: &AppState, reunion: u32, made_with: Option<&str>) -> Option<String> {
    let target = match reunion {
        0 => Target::Server,
        id => Target::Event {
            id,
            room: Some(made_with.map(str::to_string)),
        },
    };
    let door = door_of(state, &target);
    (!door.open).then(|| door.gates.first().map(|g| g.query()))?
}

/// The middleware: lets a request through when the browser proved it knows
/// the code of the door it goes through (or is that event's organiser);
/// otherwise a form (pages) or 401 (everything else).
pub async fn gate(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let full = req.uri().path().to_string();
    let Some(path) = full.strip_prefix(state.base.as_str()).map(str::to_string) else {
        return next.run(req).await;
    };
    let path = if path.is_empty() {
        "/".to_string()
    } else {
        path
    };
    if is_open(&path) {
        return next.run(req).await;
    }
    let query = req.uri().query().unwrap_or("").to_string();
    let (req, form) = if event_in_body(&path, req.method()) || path == "/event" {
        let (parts, body) = req.into_parts();
        let bytes = match axum::body::to_bytes(body, crate::MAX_BODY_BYTES).await {
            Ok(b) => b,
            Err(_) => {
                return AppError::keyed(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too_large",
                    "refusal-request-body-larger-than",
                )
                .into_response();
            }
        };
        let req = Request::from_parts(parts, axum::body::Body::from(bytes.clone()));
        (req, Some(bytes))
    } else {
        (req, None)
    };
    let posted_form = path == "/event" && req.method() == Method::POST;
    let form_text = form
        .as_deref()
        .filter(|_| posted_form)
        .map(|b| String::from_utf8_lossy(b).into_owned());
    let back = form_text
        .as_deref()
        .map(|f| safe_next(&state.base, &param(f, "next").unwrap_or_default()));
    let target = match &back {
        // The form's door is the one of the page it goes back to.
        Some(back) => {
            let rest = back.strip_prefix(state.base.as_str()).unwrap_or(back);
            let (p, q) = rest.split_once('?').unwrap_or((rest, ""));
            target_of(&state, p, q, None)
        }
        None => target_of(&state, &path, &query, form.as_deref()),
    };
    let door = door_of(&state, &target);
    if door.open || door.gates.is_empty() {
        return match back {
            Some(back) => Redirect::to(&back).into_response(),
            None => next.run(req).await,
        };
    }
    if door.has_cookie(req.headers()) {
        return next.run(req).await;
    }
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    // The organiser of an event needs none of its guests' code.
    if let Target::Event { id, .. } = target
        && super::organise::Organiser::of(
            &state,
            req.headers(),
            req.extensions()
                .get::<super::organise::LocalUser>()
                .is_some(),
        )
        .is_some_and(|o| o.check(id).is_ok())
    {
        return next.run(req).await;
    }
    let ip = peer.map_or(IpAddr::from([0, 0, 0, 0]), |p| {
        state.trusted_proxies.client_ip(p.ip(), req.headers())
    });
    // The form and refusal in the guest's language (the gate comes before
    // any page of ours).
    let t = Tr::of(req.headers(), None);
    // Past its allowance (or the server's, once it missed a few times
    // itself), an address's guesses are not even checked, the right one
    // neither: else the guessing goes on.
    let guessing_over = state.event_guesses.is_over(ip)
        || state
            .event_guesses_total
            .refuses(state.event_guesses.counted(ip));
    let missed = || {
        state.event_guesses.count(ip);
        state.event_guesses_total.count();
    };
    if let (Some(form), Some(back)) = (form_text, back) {
        let typed = param(&form, "code").unwrap_or_default();
        if guessing_over {
            return form_page(&state.base, &back, Note::TooMany, &t);
        }
        if let Some(gate) = door.matching(&typed) {
            let mut resp = Redirect::to(&back).into_response();
            resp.headers_mut()
                .insert(header::SET_COOKIE, gate.set_cookie());
            return resp;
        }
        missed();
        return form_page(&state.base, &back, Note::Wrong, &t);
    }
    let typed = param(&query, PARAM);
    if typed.is_some() && guessing_over {
        if is_page(&path) && req.method() == Method::GET {
            return form_page(&state.base, &full, Note::TooMany, &t);
        }
        return AppError::rate_limited().into_response();
    }
    let opened = typed.as_deref().and_then(|t| door.matching(t));
    if typed.is_some() && opened.is_none() {
        missed();
    }
    if let Some(gate) = opened {
        let page = is_page(&path) && req.method() == Method::GET;
        let mut resp = if page {
            // Drop the code from the address bar (and from the projector).
            let rest: Vec<&str> = query
                .split('&')
                .filter(|kv| !kv.starts_with("event="))
                .collect();
            let target = if rest.is_empty() {
                full.clone()
            } else {
                format!("{full}?{}", rest.join("&"))
            };
            Redirect::to(&target).into_response()
        } else {
            next.run(req).await
        };
        resp.headers_mut()
            .append(header::SET_COOKIE, gate.set_cookie());
        return resp;
    }
    if is_page(&path) && req.method() == Method::GET {
        return form_page(&state.base, &full, Note::None, &t);
    }
    AppError::new(
        StatusCode::UNAUTHORIZED,
        "event_code_required",
        t.get("event-required"),
    )
    .into_response()
}

/// Why a guest code cannot be used, as a refusal (400 `invalid`, said in
/// the organiser's language); `None`: it can. Codes are typed on phones:
/// letters (accented too), digits, spaces, dashes, dots and apostrophes
/// only, 4 to 40 characters.
pub fn guest_code_problem(code: &str) -> Option<AppError> {
    let code = code.trim();
    let len = code.chars().count();
    let odd: String = code
        .chars()
        .filter(|c| !(c.is_alphanumeric() || matches!(c, ' ' | '-' | '.' | '\'' | '’')))
        .collect();
    let invalid = |key| AppError::keyed(StatusCode::BAD_REQUEST, "invalid", key);
    if !odd.is_empty() {
        return Some(invalid("refusal-guest-code-chars").with("chars", format!("{odd:?}")));
    }
    if len > MAX_GUEST_CODE {
        return Some(
            invalid("refusal-guest-code-long")
                .with("max", MAX_GUEST_CODE)
                .with("len", len),
        );
    }
    if len < MIN_GUEST_CODE {
        return Some(invalid("refusal-guest-code-short").with("min", MIN_GUEST_CODE));
    }
    None
}

/// Guest codes' length bounds, in characters.
pub const MAX_GUEST_CODE: usize = 40;
pub const MIN_GUEST_CODE: usize = 4;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_compare_ignoring_case_and_spaces() {
        let g = EventGate::new("Class of  1986", b"k", "", false);
        assert!(g.matches(" class OF 1986"));
        assert!(!g.matches("class of 1985"));
        assert_eq!(g.query(), "event=class%20of%201986");
        assert_eq!(param(&g.query(), "event").as_deref(), Some("class of 1986"));
    }

    #[test]
    fn an_events_door_opens_with_its_codes_and_its_cookie_is_its_own() {
        let doors = Doors::new(b"k", "", false);
        let mut a = doors.event(1, "Alpha One");
        a.also_opens_with("Old  Code");
        assert!(a.matches("alpha  ONE") && a.matches("old code") && !a.matches("bravo"));
        assert_eq!(
            a.query(),
            "event=alpha%20one",
            "links carry the current code"
        );
        let server = EventGate::new("event #1", b"k", "", false);
        assert_ne!(a.cookie_value, server.cookie_value);
        assert_ne!(a.cookie_value, doors.event(2, "Alpha One").cookie_value);
        assert_eq!(
            a.cookie_value,
            doors.event(1, "changed").cookie_value,
            "the proof is the event's, not one code's"
        );
        assert!(
            a.set_cookie()
                .to_str()
                .unwrap()
                .starts_with("yearbook_event_1=")
        );
    }

    #[test]
    fn guest_codes_are_what_a_phone_types() {
        for ok in [
            "1986",
            "Café d'Été",
            "class of '86",
            "o’neil-1986.",
            "Ünter 86",
        ] {
            assert!(guest_code_problem(ok).is_none(), "{ok}");
        }
        for bad in ["abc", "a/b/c/d", "party 🎉", "tab\there", "x\u{200b}yzw"] {
            assert!(guest_code_problem(bad).is_some(), "{bad}");
        }
        assert!(
            guest_code_problem(&"x".repeat(41))
                .unwrap()
                .message
                .contains("has 41")
        );
    }

    #[test]
    fn the_cookie_depends_on_the_server_secret() {
        let a = EventGate::new("x", b"one", "", false);
        let b = EventGate::new("x", b"two", "", false);
        assert_ne!(a.cookie_value, b.cookie_value);
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            format!("other=1; {COOKIE}={}", a.cookie_value)
                .parse()
                .unwrap(),
        );
        assert!(a.has_cookie(&h));
        assert!(!b.has_cookie(&h));
    }

    #[test]
    fn next_never_leaves_the_site() {
        assert_eq!(safe_next("/r", "/r/join/ABCD"), "/r/join/ABCD");
        assert_eq!(safe_next("/r", "/r/join/ABCD?x=1"), "/r/join/ABCD?x=1");
        assert_eq!(safe_next("", "/solo"), "/solo");
        for evil in [
            "//evil.example/",
            "https://evil.example/",
            "/\t/evil.example/",
            "/%09/evil.example/",
            "/%0a/evil.example/",
            "/%0D/evil.example/",
            "/%2F/evil.example/",
            "/%5C/evil.example/",
            "/\\evil.example/",
            "/ /evil.example/",
            "/\u{2028}/evil.example/",
            "",
        ] {
            assert_eq!(safe_next("", evil), "/", "{evil:?}");
            assert_eq!(safe_next("/r", &format!("/r{evil}")), "/r/", "{evil:?}");
        }
        assert_eq!(
            safe_next("/r", "/rx/elsewhere"),
            "/r/",
            "not under the base path"
        );
        assert_eq!(safe_next("/r", "/r"), "/r/");
    }
}
