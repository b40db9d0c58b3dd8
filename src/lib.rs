//! `yearbook`: the reunion party game server. `main` wires; this library
//! exposes [`app`] and [`serve`], which the tests drive.

pub mod clock;
pub mod config;
pub mod game;
pub mod http;
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
    pub host_password: Option<String>,
    pub trust_proxy: bool,
    pub max_players: usize,
}

impl AppState {
    pub fn new(roster: Arc<Roster>, options: Options, store: Store) -> Arc<Self> {
        let metrics = Arc::new(Metrics::default());
        let deps = RoomDeps::new(
            roster.clone(),
            &options.base,
            metrics.clone(),
            options.max_players.max(1),
            store,
        );
        Arc::new(Self {
            base: options.base,
            public_url: options.public_url.trim_end_matches('/').to_string(),
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
