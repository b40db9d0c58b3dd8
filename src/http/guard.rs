//! What every request passes first: `X-Forwarded-*` dropped unless a
//! trusted proxy sent them, other sites' browsers kept from posting, and
//! the whole body read within a bound time (a body trickling in a byte at
//! a time would otherwise hold its connection for ever).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;

use super::AppError;
use crate::telemetry::{Read, ReadWait};
use crate::{AppState, MAX_BODY_BYTES};

/// The whole body of a request must arrive within this time after its
/// head: 64 KiB (the most accepted) take under 6 s even at 100 kbit/s.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(10);

const FORWARDED: [&str; 3] = ["x-forwarded-for", "x-forwarded-host", "x-forwarded-proto"];

pub async fn guard(State(state): State<Arc<AppState>>, mut req: Request, next: Next) -> Response {
    let lang = crate::i18n::Tr::of(req.headers(), req.uri().query()).lang;
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    // Decided before the proxy headers below are stripped: their presence
    // says a proxy on this computer passed the request on.
    if super::organise::is_local_user(peer, req.headers()) {
        req.extensions_mut().insert(super::organise::LocalUser);
    }
    // From here on a forwarded header is one a trusted proxy wrote.
    if !peer.is_some_and(|ip| state.trusted_proxies.contains(ip)) {
        for name in FORWARDED {
            req.headers_mut().remove(name);
        }
    }
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && !origin_allowed(&state, req.headers()) {
        return refuse(
            AppError::keyed(
                StatusCode::FORBIDDEN,
                "bad_origin",
                "refusal-requests-from-another-site",
            ),
            lang,
        );
    }
    // An upload's chunk (up to 1 MiB) is read by its handler, after the
    // organiser is known, within limits of its own (http/uploads.rs).
    // So is a roster zip (http/roster_zip.rs), a scanned class page
    // (http/class_pages.rs), and a replaced photo (up to
    // 25 MiB, http/organise.rs), and a guest's photo of today (15 MiB,
    // http/today.rs).
    let own_limits = super::uploads::is_chunk(&state, req.method(), req.uri().path())
        || super::roster_zip::is_roster_zip(&state, req.method(), req.uri().path())
        || super::organise::is_photo_put(&state, req.method(), req.uri().path())
        || super::class_pages::is_page_upload(&state, req.method(), req.uri().path())
        || super::today::is_today_put(&state, req.method(), req.uri().path());
    if has_body(req.headers()) && !own_limits {
        let (parts, body) = req.into_parts();
        let deadline = crate::clock::now() + BODY_READ_TIMEOUT;
        let waiting = ReadWait::start(&state.metrics, Read::Body);
        let read = crate::clock::timeout_at(deadline, read_body(body)).await;
        drop(waiting);
        match read {
            Ok(Ok(bytes)) => req = Request::from_parts(parts, Body::from(bytes)),
            Ok(Err(e)) => return refuse(e, lang),
            Err(_) => {
                let slow = AppError::keyed(
                    StatusCode::REQUEST_TIMEOUT,
                    "request_timeout",
                    "refusal-request-body-slow",
                )
                .with("seconds", BODY_READ_TIMEOUT.as_secs());
                let mut resp = refuse(slow, lang);
                // The rest of the body is never read: the connection ends.
                resp.headers_mut()
                    .insert(header::CONNECTION, HeaderValue::from_static("close"));
                return resp;
            }
        }
    }
    let mut response = next.run(req).await;
    // A chunk refused before its body was read (a guest, a wrong offset)
    // leaves that body on the connection: close it, or the client's next
    // request would be read after it.
    if own_limits && !response.status().is_success() {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// The guard runs outside the language layer (`in_their_language`), so
/// it says its refusals in the request's language itself.
fn refuse(error: AppError, lang: crate::i18n::Lang) -> Response {
    let message = error.message_in(lang);
    let mut response = AppError {
        message,
        keyed: None,
        ..error
    }
    .into_response();
    response.headers_mut().append(
        header::VARY,
        HeaderValue::from_static("Accept-Language, Cookie"),
    );
    response
}

fn has_body(headers: &HeaderMap) -> bool {
    headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .is_some_and(|v| v.as_bytes() != b"0")
}

/// The body, at most [`MAX_BODY_BYTES`].
async fn read_body(body: Body) -> Result<Bytes, AppError> {
    let mut stream = body.into_data_stream();
    let mut out = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| {
            AppError::keyed(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "refusal-request-body-could-not",
            )
        })?;
        if out.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(AppError::keyed(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                "refusal-request-body-larger-than",
            ));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out.into())
}

/// `scheme://host[:port]`, lower case, without a default port: how
/// browsers write `Origin`.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let authority = rest.split(['/', '?', '#']).next()?.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => ":443",
        "http" => ":80",
        _ => "",
    };
    let authority = authority
        .strip_suffix(default_port)
        .filter(|_| !default_port.is_empty())
        .unwrap_or(&authority);
    Some(format!("{scheme}://{authority}"))
}

/// Same-site check for browsers (POSTs and WebSocket upgrades): another
/// site's page must not drive a visitor's browser. With `--public-url` only
/// that URL's origin is this site (a rebound DNS name makes `Host` say
/// anything); else `Host`, a trusted proxy's `X-Forwarded-Host`, or the
/// listening address. Requests without `Origin` (not browsers) pass.
pub fn origin_allowed(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    if state.public_url_fixed {
        return origin_of(origin).is_some_and(|o| Some(o) == origin_of(&state.public_url));
    }
    let origin_host = origin
        .split_once("://")
        .map_or(origin, |(_, rest)| rest)
        .trim_end_matches('/');
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let forwarded = state
        .trust_proxy
        .then(|| {
            headers
                .get("x-forwarded-host")
                .and_then(|v| v.to_str().ok())
        })
        .flatten();
    let public_host = state
        .public_url
        .split_once("://")
        .map(|(_, rest)| rest.split('/').next().unwrap_or(""));
    [host, forwarded, public_host]
        .into_iter()
        .flatten()
        .any(|h| h.eq_ignore_ascii_case(origin_host))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_compare_as_browsers_write_them() {
        let o = |s: &str| origin_of(s);
        assert_eq!(
            o("https://Reunion.Example/r/"),
            o("https://reunion.example")
        );
        assert_eq!(
            o("https://reunion.example:443"),
            o("https://reunion.example")
        );
        assert_eq!(o("http://x.example:80/a"), o("http://x.example"));
        assert_ne!(o("http://reunion.example"), o("https://reunion.example"));
        assert_ne!(
            o("https://reunion.example:8443"),
            o("https://reunion.example")
        );
        assert_eq!(o("null"), None);
    }
}
