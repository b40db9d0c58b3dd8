//! HTTP: the router, one error type, photos and static files. Pages and the
//! JSON API live in their own modules.

pub mod api;
pub mod class_pages;
pub mod event;
pub mod guard;
pub mod namelist;
pub mod organise;
pub mod pace;
pub mod pages;
pub mod roster_zip;
pub mod throttle;
pub mod today;
pub mod uploads;

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use axum::Json;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use include_dir::{Dir, include_dir};
use serde_json::json;

use crate::AppState;

static STATIC: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/static");

/// Every HTTP error: JSON `{error, message}`; internals never leak.
/// One made with [`AppError::keyed`] says its `message` in the client's
/// language ([`in_their_language`]); its `code` is the same in all.
#[derive(Debug)]
pub struct AppError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub keyed: Option<Keyed>,
}

/// A refusal's catalogue key and variables (locales/*/refusals.ftl), kept
/// on its response until [`in_their_language`] renders it.
#[derive(Debug, Clone)]
pub struct Keyed {
    pub key: &'static str,
    pub args: Vec<(&'static str, Arg)>,
}

/// A refusal's variable: text, a number (which picks the plural), or a
/// number with one decimal given in tenths (`25,0` in German).
#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    Number(i64),
    Tenths(i64),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Text(s.to_string())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(s)
    }
}

macro_rules! number_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Self {
                Arg::Number(i64::try_from(n).unwrap_or(i64::MAX))
            }
        }
    )*};
}
number_arg!(i64, u64, u32, usize, i32);

impl Keyed {
    /// The message in `lang`.
    pub fn render(&self, lang: crate::i18n::Lang) -> String {
        let args: Vec<(&str, fluent_bundle::FluentValue<'_>)> = self
            .args
            .iter()
            .map(|(name, v)| {
                let value = match v {
                    Arg::Text(s) => fluent_bundle::FluentValue::from(s.as_str()),
                    Arg::Number(n) => fluent_bundle::FluentValue::from(*n),
                    Arg::Tenths(n) => crate::i18n::tenths(*n),
                };
                (*name, value)
            })
            .collect();
        lang.with(self.key, &args)
    }
}

impl AppError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            keyed: None,
        }
    }

    /// A refusal said by catalogue key `key` (English in `message`).
    pub fn keyed(status: StatusCode, code: &'static str, key: &'static str) -> Self {
        let keyed = Keyed { key, args: vec![] };
        Self {
            status,
            code,
            message: keyed.render(crate::i18n::Lang::EN),
            keyed: Some(keyed),
        }
    }

    /// A 400 `bad_request` said by catalogue key `key`.
    pub fn said(key: &'static str) -> Self {
        Self::keyed(StatusCode::BAD_REQUEST, "bad_request", key)
    }

    /// A keyed refusal's variable.
    pub fn with(mut self, name: &'static str, value: impl Into<Arg>) -> Self {
        if let Some(keyed) = &mut self.keyed {
            keyed.args.push((name, value.into()));
            self.message = keyed.render(crate::i18n::Lang::EN);
        }
        self
    }

    /// The message in `lang` (its English one when it has no key).
    pub fn message_in(&self, lang: crate::i18n::Lang) -> String {
        match &self.keyed {
            Some(keyed) => keyed.render(lang),
            None => self.message.clone(),
        }
    }

    /// A response with this refusal's `{error, message}` and more fields
    /// (`extra` is a JSON object), still said in the client's language.
    pub fn with_fields(self, extra: serde_json::Value) -> Response {
        let mut body = json!({"error": self.code, "message": self.message});
        if let (Some(obj), serde_json::Value::Object(more)) = (body.as_object_mut(), extra) {
            obj.extend(more);
        }
        let mut response = (self.status, Json(body)).into_response();
        if let Some(keyed) = self.keyed {
            response.extensions_mut().insert(keyed);
        }
        response
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn rate_limited() -> Self {
        Self::keyed(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "refusal-too-many-attempts",
        )
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.with_fields(json!({}))
    }
}

/// Longest JSON refusal body [`in_their_language`] rewrites.
const REFUSAL_BODY_MAX: usize = 256 * 1024;

/// Says each keyed refusal's `message` in the request's language (`?lang`,
/// the switch's cookie, `Accept-Language`: [`crate::i18n::Tr`]); the rest
/// of the body, and every other response, passes as it is.
pub async fn in_their_language(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let lang = crate::i18n::Tr::of(req.headers(), req.uri().query()).lang;
    let mut response = next.run(req).await;
    let Some(keyed) = response.extensions_mut().remove::<Keyed>() else {
        return response;
    };
    // A cache must not hand one language's refusal to another.
    response.headers_mut().append(
        header::VARY,
        HeaderValue::from_static("Accept-Language, Cookie"),
    );
    if lang == crate::i18n::Lang::EN {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let body = match axum::body::to_bytes(body, REFUSAL_BODY_MAX).await {
        Ok(bytes) => match serde_json::from_slice::<serde_json::Value>(&bytes) {
            Ok(mut v) => {
                if let Some(obj) = v.as_object_mut() {
                    obj.insert("message".into(), json!(keyed.render(lang)));
                }
                v.to_string()
            }
            Err(_) => String::from_utf8_lossy(&bytes).into_owned(),
        },
        Err(_) => json!({"error": "internal", "message": keyed.render(lang)}).to_string(),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(body))
}

/// [`Path`] of numbers (ids, a photo's index): a part that is not one, or
/// is too big, is the JSON 404 like any unknown id, not axum's plain-text
/// 400.
pub struct Ids<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for Ids<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned + Send,
{
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, AppError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(v)| Ids(v))
            .map_err(|_| {
                AppError::keyed(StatusCode::NOT_FOUND, "not_found", "refusal-nothing-here")
            })
    }
}

impl IntoResponse for crate::delivery::upgrade::HandshakeRefused {
    fn into_response(self) -> Response {
        let mut response =
            AppError::keyed(self.status, "bad_request", self.why.key()).into_response();
        response.headers_mut().extend(self.headers);
        response
    }
}

/// Why [`read_bounded`] stopped reading a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyCut {
    /// The connection dropped mid-body.
    Dropped,
    /// The body went past the limit; the bytes it would have had by then.
    TooLarge(usize),
    /// It did not arrive within the time given.
    TimedOut,
}

impl BodyCut {
    /// The refusal for this cut, in the caller's words: `dropped` (as a
    /// 400 `bad_request`), `timed_out` (as a 408 `request_timeout`) and the
    /// 413 `too_large` builds from the bytes seen.
    pub fn into_error(
        self,
        dropped: AppError,
        timed_out: AppError,
        too_large: impl FnOnce(usize) -> AppError,
    ) -> AppError {
        match self {
            Self::Dropped => AppError {
                status: StatusCode::BAD_REQUEST,
                code: "bad_request",
                ..dropped
            },
            Self::TooLarge(bytes) => too_large(bytes),
            Self::TimedOut => AppError {
                status: StatusCode::REQUEST_TIMEOUT,
                code: "request_timeout",
                ..timed_out
            },
        }
    }
}

/// A body its handler reads itself (the guard skips it): at most `limit`
/// bytes, whole within `within` of the server's clock. Each caller says
/// what a cut means in its own words.
pub async fn read_bounded(
    body: axum::body::Body,
    limit: usize,
    within: std::time::Duration,
) -> Result<Vec<u8>, BodyCut> {
    let mut out = Vec::new();
    // Writing to a Vec never fails.
    spool_bounded(body, limit, within, &mut out)
        .await
        .map_err(|e| e.unwrap_or(BodyCut::Dropped))?;
    Ok(out)
}

/// [`read_bounded`] into `out` piece by piece as the body arrives (a file:
/// a big body never sits in memory); `Err(Err(_))` when `out` cannot be
/// written. Returns the body's length.
pub async fn spool_bounded<W: tokio::io::AsyncWrite + Unpin>(
    body: axum::body::Body,
    limit: usize,
    within: std::time::Duration,
    out: &mut W,
) -> Result<usize, Result<BodyCut, std::io::Error>> {
    use futures_util::StreamExt;
    use tokio::io::AsyncWriteExt;
    let read = async {
        let mut stream = body.into_data_stream();
        let mut len = 0;
        while let Some(piece) = stream.next().await {
            let piece = piece.map_err(|_| Ok(BodyCut::Dropped))?;
            if len + piece.len() > limit {
                return Err(Ok(BodyCut::TooLarge(len + piece.len())));
            }
            out.write_all(&piece).await.map_err(Err)?;
            len += piece.len();
        }
        out.flush().await.map_err(Err)?;
        Ok(len)
    };
    let deadline = crate::clock::now() + within;
    crate::clock::timeout_at(deadline, read)
        .await
        .unwrap_or(Err(Ok(BodyCut::TimedOut)))
}

/// All routes, relative to the base path.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(pages::landing))
        .route("/join", get(pages::join))
        .route("/join/{code}", get(pages::join_code))
        .route("/host/{code}", get(pages::host))
        .route("/remote/{code}", get(pages::remote))
        .route("/solo", get(pages::solo))
        .route("/organise", get(organise::page))
        .route("/organise/login", post(organise::login))
        .route("/organise/logout", post(organise::logout))
        .route("/organise/reunions", post(organise::create_form))
        .route("/organise/reunions/{id}", get(organise::reunion_page))
        .route(
            "/organise/invite/{token}",
            get(organise::invite).post(organise::accept_invite),
        )
        .route(
            "/api/organise/reunions/{id}/invites",
            post(organise::create_invite),
        )
        .route("/api/organise/whoami", get(organise::whoami))
        .route(
            "/api/organise/reunions",
            get(organise::list).post(organise::create),
        )
        .route(
            "/api/organise/reunions/from-roster",
            post(roster_zip::create),
        )
        .route(
            "/api/organise/reunions/{id}",
            get(organise::show).patch(organise::update),
        )
        .route(
            "/api/organise/reunions/{id}/people",
            post(organise::add_person),
        )
        .route(
            "/api/organise/reunions/{id}/people/{pid}",
            axum::routing::patch(organise::update_person).delete(organise::delete_person),
        )
        .route(
            "/api/organise/reunions/{id}/photos/{person}/{idx}",
            get(organise::photo),
        )
        .route(
            "/api/organise/reunions/{id}/people/{pid}/photos/{idx}",
            axum::routing::put(organise::replace_photo),
        )
        .route(
            "/api/organise/reunions/{id}/people/{pid}/photos/{idx}/rotate",
            post(organise::rotate_photo),
        )
        .route(
            "/api/organise/reunions/{id}/people/batch",
            post(organise::update_people),
        )
        .route("/api/organise/namelist/preview", post(namelist::preview))
        .route(
            "/api/organise/reunions/{id}/namelist/preview",
            post(namelist::event_preview),
        )
        .route(
            "/api/organise/reunions/{id}/namelist/apply",
            post(namelist::event_apply),
        )
        .route(
            "/api/organise/reunions/{id}/pages",
            get(class_pages::list).post(class_pages::upload),
        )
        .route(
            "/api/organise/reunions/{id}/pages/roster",
            post(class_pages::to_roster),
        )
        .route(
            "/api/organise/reunions/{id}/pages/{page}",
            axum::routing::put(class_pages::save).delete(class_pages::remove),
        )
        .route(
            "/api/organise/reunions/{id}/pages/{page}/image",
            get(class_pages::image),
        )
        .route("/organise/reunions/{id}/upload", get(uploads::page))
        .route(
            "/api/organise/reunions/{id}/uploads",
            get(uploads::list).post(uploads::create),
        )
        .route(
            "/api/organise/reunions/{id}/uploads/add",
            post(uploads::add_waiting),
        )
        .route("/api/organise/uploads/{id}/choice", post(uploads::choose))
        .route(
            "/api/organise/uploads/{id}",
            get(uploads::status)
                .patch(uploads::append)
                .delete(uploads::cancel),
        )
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route("/api/rooms", post(api::create_room))
        .route("/api/rooms/{code}", get(api::room_info))
        .route("/api/rooms/{code}/results.csv", get(api::results_csv))
        .route("/api/rooms/{code}/remote-qr", get(api::remote_qr))
        .route("/api/solo/round", post(api::solo_round))
        .route("/api/solo/answer", post(api::solo_answer))
        .route("/photos/{file}", get(photo))
        .route(
            "/api/rooms/{code}/today",
            get(today::get_own)
                .put(today::put)
                .delete(today::delete_own),
        )
        .route("/api/rooms/{code}/today-photos", get(today::host_list))
        .route(
            "/api/rooms/{code}/today-photos/{player}/hide",
            post(today::hide),
        )
        .route("/today/{file}", get(today::serve))
        .route("/api/organise/reunions/{id}/end", post(today::end_event))
        .route("/static/{*path}", get(static_file))
        .route("/ws/{code}", any(api::websocket))
        .fallback(|| async {
            AppError::keyed(StatusCode::NOT_FOUND, "not_found", "refusal-nothing-here")
        })
        .layer(axum::middleware::from_fn(no_framing))
}

/// Organiser pages (`/organise…`) are never shown in another site's frame:
/// in loopback mode such a frame would be the live editor (clickjacking).
async fn no_framing(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    // Under `nest` the path here is already relative to the base path.
    let organiser = req.uri().path().starts_with("/organise");
    let mut response = next.run(req).await;
    if organiser {
        let headers = response.headers_mut();
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("frame-ancestors 'none'"),
        );
    }
    response
}

/// `ok`, or 503 while the store cannot write.
async fn healthz(State(state): State<Arc<AppState>>) -> Response {
    if state.rooms.deps().store.is_healthy() {
        "ok".into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "storage unavailable").into_response()
    }
}

async fn metrics(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(state.rooms.len())
            + &crate::telemetry::set_aside_lines(&state.rooms.set_aside_codes()),
    )
}

fn etag_matches(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
}

/// A photo variant by its opaque, per-scope file name (`roster/urls.rs`);
/// the name carries the photo's revision, so its bytes never change: cached
/// for a year. The ETag is the file name (nothing
/// more than the URL says) and every photo of one size has one length.
async fn photo(
    State(state): State<Arc<AppState>>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    // The tag names the reunion: a URL minted in one reunion's room is
    // read against that reunion's class only, at the photo's revision.
    let found = state
        .rooms
        .deps()
        .photo_urls
        .resolve(&file)
        .and_then(|at| match at.reunion {
            0 => state
                .roster
                .photo_at(at.person, at.photo, at.rev, at.size)
                .cloned(),
            id => state
                .reunions
                .get(id)?
                .served_photo(at.person, at.photo, at.rev, at.size),
        });
    let Some(variant) = found else {
        return AppError::keyed(StatusCode::NOT_FOUND, "not_found", "refusal-no-such-photo")
            .into_response();
    };
    let etag = format!("\"{}\"", file.trim_end_matches(".jpg"));
    let cache = HeaderValue::from_static("public, max-age=31536000, immutable");
    let etag_value = HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"x\""));
    if etag_matches(&headers, &etag) {
        return (
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, etag_value), (header::CACHE_CONTROL, cache)],
        )
            .into_response();
    }
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(variant.content_type),
            ),
            (header::ETAG, etag_value),
            (header::CACHE_CONTROL, cache),
        ],
        variant.bytes.clone(),
    )
        .into_response()
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("json" | "webmanifest") => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

/// Each static file's version: 16 hex digits of the SHA-256 of its bytes,
/// computed once, so a changed file gets a new URL.
static VERSIONS: LazyLock<HashMap<&'static str, String>> = LazyLock::new(|| {
    use sha2::{Digest, Sha256};
    STATIC
        .files()
        .filter_map(|f| {
            let name = f.path().to_str()?;
            let digest = Sha256::digest(f.contents());
            Some((name, hex::encode(&digest[..8])))
        })
        .collect()
});

/// A static file's versioned path (`style.css?v=HASH`), as pages link it
/// after `{base}/static/`; such a URL may be cached for a year.
pub fn asset(path: &str) -> String {
    match VERSIONS.get(path) {
        Some(v) => format!("{path}?v={v}"),
        None => path.to_string(),
    }
}

/// Files compiled into the binary: no file system path is ever opened, so
/// there is nothing to traverse. Asked by the current version (`?v=`), a
/// file is immutable; otherwise it may change, so it is cached briefly.
async fn static_file(
    Path(path): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let (Some(file), Some(version)) = (STATIC.get_file(&path), VERSIONS.get(path.as_str())) else {
        return AppError::keyed(StatusCode::NOT_FOUND, "not_found", "refusal-no-such-file")
            .into_response();
    };
    if path.contains("..") || path.contains('\\') {
        return AppError::keyed(StatusCode::NOT_FOUND, "not_found", "refusal-no-such-file")
            .into_response();
    }
    let cache = if query.as_deref() == Some(&format!("v={version}")) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=300"
    };
    // Weak: the same tag names the plain and the gzip-encoded bytes.
    let etag = format!("W/\"{version}\"");
    if etag_matches(&headers, &etag) {
        return (
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, etag), (header::CACHE_CONTROL, cache.into())],
        )
            .into_response();
    }
    (
        [
            (header::CONTENT_TYPE, content_type(&path).to_string()),
            (header::CACHE_CONTROL, cache.into()),
            (header::ETAG, etag),
        ],
        file.contents(),
    )
        .into_response()
}
