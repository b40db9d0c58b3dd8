//! The WebSocket handshake (RFC 6455 §4.2), done here rather than by axum's
//! `WebSocketUpgrade` because the room's fan-out writes frames straight to
//! the TCP socket (see `socket.rs`): after the handshake the connection is
//! taken back from hyper as the plain socket it was accepted as, and
//! tungstenite speaks the protocol on top of the shared socket.

use std::future::Future;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::runtime::Handle;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};

use crate::delivery::idle::Idle;
use crate::delivery::socket::{SharedSocket, SocketIo};

/// The connection type `accept_until` hands hyper; the upgrade gets it back.
pub type ServedIo = TokioIo<Idle<TcpStream>>;

pub type Socket = WebSocketStream<SocketIo>;

pub struct WsUpgrade {
    key: HeaderValue,
    on_upgrade: hyper::upgrade::OnUpgrade,
}

fn has_token(headers: &HeaderMap, name: header::HeaderName, token: &str) -> bool {
    headers.get_all(name).iter().any(|v| {
        v.to_str()
            .is_ok_and(|s| s.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
    })
}

/// A `Sec-WebSocket-Key` is 16 bytes in base64 (RFC 6455 §4.1): 22
/// characters, the last carrying 2 bits (so one of `AQgw`), and `==`.
fn is_key(key: &[u8]) -> bool {
    let base64 = |c: &u8| c.is_ascii_alphanumeric() || *c == b'+' || *c == b'/';
    key.len() == 24
        && key[..21].iter().all(base64)
        && b"AQgw".contains(&key[21])
        && &key[22..] == b"=="
}

/// Why a handshake is refused: each has its catalogue message
/// (`refusal-handshake-…`, locales/*/refusals.ftl), said in the request's
/// language by the HTTP layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandshakeProblem {
    NotGet,
    NotAnUpgrade,
    Version,
    BadKey,
    NoKey,
    CannotUpgrade,
}

impl HandshakeProblem {
    /// Every reason, so a test can check each one's key in every catalogue.
    pub const ALL: [HandshakeProblem; 6] = [
        HandshakeProblem::NotGet,
        HandshakeProblem::NotAnUpgrade,
        HandshakeProblem::Version,
        HandshakeProblem::BadKey,
        HandshakeProblem::NoKey,
        HandshakeProblem::CannotUpgrade,
    ];

    /// Its message in the catalogues.
    pub fn key(self) -> &'static str {
        match self {
            HandshakeProblem::NotGet => "refusal-handshake-get",
            HandshakeProblem::NotAnUpgrade => "refusal-handshake-not-upgrade",
            HandshakeProblem::Version => "refusal-handshake-version",
            HandshakeProblem::BadKey => "refusal-handshake-bad-key",
            HandshakeProblem::NoKey => "refusal-handshake-no-key",
            HandshakeProblem::CannotUpgrade => "refusal-handshake-cannot-upgrade",
        }
    }
}

/// A handshake refused (`bad_request`, PROTOCOL §3): its status, why, and
/// the headers saying what to ask for instead. The HTTP layer gives it the
/// usual error body in the client's language (`http/mod.rs`).
#[derive(Debug)]
pub struct HandshakeRefused {
    pub status: StatusCode,
    pub why: HandshakeProblem,
    pub headers: HeaderMap,
}

impl HandshakeRefused {
    fn new(status: StatusCode, why: HandshakeProblem) -> Self {
        Self {
            status,
            why,
            headers: HeaderMap::new(),
        }
    }
}

/// A refusal that tells the client what to ask for instead (RFC 6455
/// §4.2.2, RFC 9110 §15.5.22): 426 with `header: value`.
fn upgrade_required(
    header: header::HeaderName,
    value: &'static str,
    why: HandshakeProblem,
) -> HandshakeRefused {
    let mut refused = HandshakeRefused::new(StatusCode::UPGRADE_REQUIRED, why);
    refused
        .headers
        .insert(header, HeaderValue::from_static(value));
    refused
}

impl<S: Send + Sync> FromRequestParts<S> for WsUpgrade {
    type Rejection = HandshakeRefused;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, HandshakeRefused> {
        let bad = |why| HandshakeRefused::new(StatusCode::BAD_REQUEST, why);
        if parts.method != Method::GET {
            return Err(HandshakeRefused::new(
                StatusCode::METHOD_NOT_ALLOWED,
                HandshakeProblem::NotGet,
            ));
        }
        if !has_token(&parts.headers, header::CONNECTION, "upgrade")
            || !has_token(&parts.headers, header::UPGRADE, "websocket")
        {
            let mut refused =
                upgrade_required(header::UPGRADE, "websocket", HandshakeProblem::NotAnUpgrade);
            refused
                .headers
                .insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
            return Err(refused);
        }
        if parts
            .headers
            .get(header::SEC_WEBSOCKET_VERSION)
            .is_none_or(|v| v.as_bytes() != b"13")
        {
            return Err(upgrade_required(
                header::SEC_WEBSOCKET_VERSION,
                "13",
                HandshakeProblem::Version,
            ));
        }
        let key = match parts.headers.get(header::SEC_WEBSOCKET_KEY) {
            Some(key) if is_key(key.as_bytes()) => key.clone(),
            Some(_) => return Err(bad(HandshakeProblem::BadKey)),
            None => return Err(bad(HandshakeProblem::NoKey)),
        };
        let on_upgrade = parts
            .extensions
            .remove::<hyper::upgrade::OnUpgrade>()
            .ok_or_else(|| bad(HandshakeProblem::CannotUpgrade))?;
        Ok(Self { key, on_upgrade })
    }
}

impl WsUpgrade {
    /// Answers 101 and runs `f` on the socket once hyper lets go of it, on
    /// the runtime of `on` if given (the socket moves there).
    pub fn on_upgrade<F, Fut>(self, max_read: usize, on: Option<Handle>, f: F) -> Response
    where
        F: FnOnce(Arc<SharedSocket>, Socket) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let accept = derive_accept_key(self.key.as_bytes());
        let on_upgrade = self.on_upgrade;
        tokio::spawn(async move {
            let Ok(upgraded) = on_upgrade.await else {
                return;
            };
            let parts = match upgraded.downcast::<ServedIo>() {
                Ok(parts) => parts,
                Err(_) => {
                    tracing::error!("WebSocket on a connection not accepted by accept_until()");
                    return;
                }
            };
            let tcp = parts.io.into_inner().into_inner();
            let read = parts.read_buf.to_vec();
            match on {
                None => serve(tcp, read, max_read, f).await,
                Some(runtime) => match move_to(tcp, &runtime) {
                    Ok(tcp) => {
                        runtime.spawn(serve(tcp, read, max_read, f));
                    }
                    Err(e) => tracing::warn!("cannot move a WebSocket to its runtime: {e}"),
                },
            }
        });
        let mut response = StatusCode::SWITCHING_PROTOCOLS.into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
        headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
        if let Ok(accept) = HeaderValue::from_str(&accept) {
            headers.insert(header::SEC_WEBSOCKET_ACCEPT, accept);
        }
        response
    }
}

/// Speaks WebSocket on `tcp` (after the handshake's `read` bytes) to `f`.
async fn serve<F, Fut>(tcp: TcpStream, read: Vec<u8>, max_read: usize, f: F)
where
    F: FnOnce(Arc<SharedSocket>, Socket) -> Fut,
    Fut: Future<Output = ()>,
{
    let (shared, mut io) = SharedSocket::new(tcp);
    // Frames the client sent with its handshake count like any others.
    io.meter.scan(&read);
    let mut config = WebSocketConfig::default();
    // Clients send small messages (a vote is ~50 bytes); each read clears
    // this much of the buffer first, and every phone keeps one.
    config.read_buffer_size = 1024;
    config.write_buffer_size = 0;
    config.max_write_buffer_size = usize::MAX;
    config.max_message_size = Some(max_read);
    config.max_frame_size = Some(max_read);
    let socket = WebSocketStream::from_partially_read(io, read, Role::Server, Some(config)).await;
    f(shared.clone(), socket).await;
    shared.shutdown();
}

/// Registers `tcp` with `runtime`'s reactor instead of the current one.
fn move_to(tcp: TcpStream, runtime: &Handle) -> std::io::Result<TcpStream> {
    let tcp = tcp.into_std()?;
    let _entered = runtime.enter();
    TcpStream::from_std(tcp)
}

#[cfg(test)]
mod tests {
    use super::is_key;

    #[test]
    fn keys_are_16_bytes_of_base64() {
        assert!(is_key(b"dGhlIHNhbXBsZSBub25jZQ=="), "RFC 6455's example");
        assert!(is_key(b"AAAAAAAAAAAAAAAAAAAAAA=="));
        for bad in [
            &b"dGhlIHNhbXBsZSBub25jZQ="[..],
            b"dGhlIHNhbXBsZSBub25jZR==",
            b"dGhlIHNhbXBsZSBub25j",
            b"AAAAAAAAAAAAAAAAAAAAAAA=",
            b"dGhlIHNhbXBsZSBub25j*Q==",
            b"",
        ] {
            assert!(!is_key(bad), "{:?}", String::from_utf8_lossy(bad));
        }
    }
}
