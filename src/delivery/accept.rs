//! The accept loop: each TCP connection is served by hyper (HTTP/1, so a
//! WebSocket upgrade gets the plain socket back) with its timeouts.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1::Builder;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tower::ServiceExt;

use crate::clock;
use crate::delivery::idle::Idle;
use crate::telemetry::{Metrics, Read, ReadWait};
use crate::timer::HyperTimer;

/// A client must send a whole request head within this time: slow-loris
/// connections are closed instead of holding a socket forever.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// A connection with no byte either way for this long is closed (sockets
/// exchange heartbeats every few seconds, so only dead ones reach it).
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// The HTTP connections still open once accepting stopped (upgraded
/// WebSockets are no longer among them: they close on the rooms' shutdown).
pub struct OpenConnections {
    /// Each connection task holds a receiver: the sender sees when all are gone.
    stop: tokio::sync::watch::Sender<bool>,
}

impl OpenConnections {
    /// Asks each connection to finish its request under way and close.
    pub fn stop(&self) {
        let _ = self.stop.send(true);
    }

    /// Waits until every connection has ended, `max` at most; `false` if
    /// some had not.
    pub async fn finished(self, max: Duration) -> bool {
        tokio::time::timeout(max, self.stop.closed()).await.is_ok()
    }
}

/// Accepts connections and serves each with `router` until `shutdown`
/// resolves; returns those still open.
pub async fn accept_until(
    listener: TcpListener,
    router: Router,
    metrics: Arc<Metrics>,
    shutdown: impl Future<Output = ()>,
) -> OpenConnections {
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                Err(e) => {
                    // Out of file descriptors and the like: wait, do not spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let _ = tcp.set_nodelay(true);
        let service = router
            .clone()
            .map_request(move |mut req: axum::extract::Request| {
                req.extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                req
            });
        let service = TowerToHyperService::new(service.map_request(
            |req: hyper::Request<hyper::body::Incoming>| req.map(axum::body::Body::new),
        ));
        let mut stop = stop_rx.clone();
        let metrics = metrics.clone();
        tokio::spawn(async move {
            // A client that never sends a byte gets no request-head timer
            // from hyper: give it the same time to start.
            let mut first = [0u8; 1];
            let deadline = clock::now() + HEADER_READ_TIMEOUT;
            let waiting = ReadWait::start(&metrics, Read::FirstByte);
            match clock::timeout_at(deadline, tcp.peek(&mut first)).await {
                Ok(Ok(n)) if n > 0 => {}
                _ => return,
            }
            drop(waiting);
            let tcp = Idle::new(tcp, IDLE_TIMEOUT);
            // HTTP/1 only, and hyper's own connection type (not the auto
            // builder's wrapper), so a WebSocket upgrade can take the plain
            // socket back (delivery/upgrade.rs).
            let mut builder = Builder::new();
            builder
                .timer(HyperTimer(metrics.clone()))
                .header_read_timeout(HEADER_READ_TIMEOUT);
            let conn = builder
                .serve_connection(TokioIo::new(tcp), service)
                .with_upgrades();
            let mut conn = std::pin::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => return,
                _ = stop.changed() => conn.as_mut().graceful_shutdown(),
            }
            let _ = conn.await;
        });
    }
    OpenConnections { stop: stop_tx }
}
