//! `yearbook`: the reunion party game server. `main` wires; this library
//! exposes [`app`] and [`serve`], which the tests drive.

pub mod clock;
pub mod config;
pub mod game;
pub mod http;
pub mod loadgen;
pub mod protocol;
pub mod room;
pub mod roster;
pub mod solo;
pub mod store;
pub mod telemetry;
pub mod views;
pub mod ws;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::serve::ListenerExt;
use tokio::net::TcpListener;

use crate::room::{RoomDeps, Rooms};
use crate::roster::Roster;
use std::time::Duration;

use crate::http::event::EventGate;
use crate::http::throttle::Throttle;
use crate::solo::Solo;
use crate::store::Store;
use crate::telemetry::Metrics;

/// Largest HTTP body accepted (PROTOCOL §5).
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Unknown codes or wrong host keys an address may try per minute.
pub const MISSES_PER_MINUTE: u32 = 20;
/// Rooms an address may create per minute.
pub const ROOMS_PER_MINUTE: u32 = 10;

/// Everything the handlers share.
#[derive(Debug)]
pub struct AppState {
    /// Base path without trailing slash; empty at the root.
    pub base: String,
    /// Where people reach us, base path included, no trailing slash.
    pub public_url: String,
    /// Whether `public_url` was given (else it is derived per request
    /// behind a trusted proxy).
    pub public_url_fixed: bool,
    /// `--event-code`: who may see pages and photos.
    pub event: Option<EventGate>,
    pub host_password: Option<String>,
    pub trust_proxy: bool,
    pub roster: Arc<Roster>,
    pub rooms: Arc<Rooms>,
    pub solo: Arc<Solo>,
    pub metrics: Arc<Metrics>,
    /// Unknown room codes and wrong host keys, per address.
    pub misses: Throttle,
    /// Rooms created, per address.
    pub creations: Throttle,
}

/// What [`AppState::new`] needs beyond the roster.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub base: String,
    pub public_url: String,
    pub public_url_fixed: bool,
    pub event_code: Option<String>,
    /// Signs the event cookie; survives restarts with the database.
    pub secret: Vec<u8>,
    pub host_password: Option<String>,
    pub trust_proxy: bool,
    pub max_players: usize,
}

impl AppState {
    /// The URL people reach this server at, for links and the QR code:
    /// `--public-url`, else behind a trusted proxy what the proxy says,
    /// else the listening address.
    pub fn public_url_for(&self, headers: &axum::http::HeaderMap) -> String {
        if self.public_url_fixed || !self.trust_proxy {
            return self.public_url.clone();
        }
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty() && !v.contains(['/', ' ', '"', '<', '>']))
        };
        let host = header("x-forwarded-host").or_else(|| header("host"));
        let proto = header("x-forwarded-proto")
            .filter(|p| p == "http" || p == "https")
            .unwrap_or_else(|| "http".into());
        match host {
            Some(host) => format!("{proto}://{host}{}", self.base),
            None => self.public_url.clone(),
        }
    }

    /// The join link for a room (what the QR code encodes).
    pub fn join_url(&self, headers: &axum::http::HeaderMap, code: &str) -> String {
        let url = format!("{}/join/{code}", self.public_url_for(headers));
        match &self.event {
            Some(gate) => format!("{url}?{}", gate.query()),
            None => url,
        }
    }

    pub fn new(roster: Arc<Roster>, options: Options, store: Store) -> Arc<Self> {
        let metrics = Arc::new(Metrics::default());
        let deps = RoomDeps::new(
            roster.clone(),
            &options.base,
            metrics.clone(),
            options.max_players.max(1),
            store,
        );
        let public_url = options.public_url.trim_end_matches('/').to_string();
        let secure = public_url.starts_with("https://");
        let event = options
            .event_code
            .as_deref()
            .filter(|c| !c.trim().is_empty())
            .map(|c| EventGate::new(c, &options.secret, &options.base, secure));
        Arc::new(Self {
            public_url_fixed: options.public_url_fixed,
            event,
            base: options.base,
            public_url,
            host_password: options.host_password.filter(|p| !p.is_empty()),
            trust_proxy: options.trust_proxy,
            roster,
            rooms: Arc::new(Rooms::new(Arc::new(deps))),
            solo: Arc::new(Solo::default()),
            metrics,
            misses: Throttle::new(MISSES_PER_MINUTE, Duration::from_secs(60)),
            creations: Throttle::new(ROOMS_PER_MINUTE, Duration::from_secs(60)),
        })
    }
}

/// The whole HTTP app, mounted under the base path.
pub fn app(state: Arc<AppState>) -> Router {
    let routes = http::routes();
    let router = if state.base.is_empty() {
        routes
    } else {
        // `/base/` as well as `/base` reaches the landing page.
        Router::new()
            .route(&format!("{}/", state.base), get(http::pages::landing))
            .nest(&state.base, routes)
            .fallback(|| async { http::AppError::not_found("Nothing here.") })
    };
    router
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::event::gate,
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// Serves until `shutdown` resolves, then tells every socket to reconnect
/// and waits for the connections to finish.
pub async fn serve(
    listener: TcpListener,
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let rooms = state.rooms.clone();
    let evictor = tokio::spawn(room::run_evictor(rooms.clone()));
    let swept = state.clone();
    let throttle_sweeper = tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(60));
        loop {
            every.tick().await;
            swept.misses.sweep();
            swept.creations.sweep();
        }
    });
    let solo = state.solo.clone();
    let sweeper = tokio::spawn(async move { solo.run_sweeper().await });
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let deps = rooms.deps().clone();
    let result = axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown.await;
        deps.begin_shutdown();
    })
    .await;
    evictor.abort();
    sweeper.abort();
    throttle_sweeper.abort();
    // Everything acknowledged is already on disk; this lands the rest.
    if !rooms
        .deps()
        .store
        .flush(std::time::Duration::from_secs(10))
        .await
    {
        tracing::warn!("the store could not finish its last writes");
    }
    result
}
