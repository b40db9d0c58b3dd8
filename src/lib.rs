//! `yearbook`: the reunion party game server. `main` wires; this library
//! exposes [`app`] and [`serve`], which the tests drive.

pub mod clock;
pub mod config;
pub mod delivery;
pub mod game;
pub mod http;
pub mod i18n;
pub mod pages;
pub mod protocol;
pub mod reunion;
pub mod room;
pub mod roster;
pub mod solo;
pub mod store;
pub mod telemetry;
pub mod thennow;
pub mod timer;
pub mod uploads;
pub mod views;
pub mod ws;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use tokio::net::TcpListener;

use crate::room::{RoomDeps, Rooms};
use crate::roster::Roster;
use std::time::Duration;

use crate::http::event::EventGate;
use crate::http::pace::Pace;
use crate::http::throttle::{Cap, Throttle, TrustedProxies};

const MINUTE: Duration = Duration::from_secs(60);
use crate::solo::Solo;
use crate::store::Store;
use crate::telemetry::Metrics;

/// Largest HTTP body accepted (PROTOCOL §5).
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Misses of one kind (unknown room codes; wrong host keys; wrong host
/// passwords) an address may make per minute, each kind counted apart.
pub const MISSES_PER_MINUTE: u32 = 20;
/// Rooms an address may create per minute.
pub const ROOMS_PER_MINUTE: u32 = 30;
/// Rooms all addresses together may create per minute: a generous burst
/// for a busy evening, not thousands a second from a botnet.
pub const ROOMS_PER_MINUTE_TOTAL: u32 = 120;
/// Rooms each address may create per minute even once all together reached
/// [`ROOMS_PER_MINUTE_TOTAL`]: an organiser's first rooms always pass.
pub const ROOMS_SPARED_BY_TOTAL: u32 = 2;
/// Wrong event codes an address may type per minute (a venue sharing one
/// address has many thumbs).
pub const EVENT_GUESSES_PER_MINUTE: u32 = 20;
/// Wrong event codes all addresses together may try per minute: rotating
/// addresses buys no more guesses than this.
pub const EVENT_GUESSES_PER_MINUTE_TOTAL: u32 = 120;
/// Wrong event codes an address may have made this minute and still have
/// its next try checked once all together reached
/// [`EVENT_GUESSES_PER_MINUTE_TOTAL`]: the right code, even after a typo
/// or two, always gets a guest in.
pub const EVENT_GUESSES_SPARED_BY_TOTAL: u32 = 3;

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
    /// `--event-code`: who may see pages and photos (of the built-in class,
    /// and of an event without a guest code of its own).
    pub event: Option<EventGate>,
    /// Builds an event's door from its guest code (`http/event.rs`).
    pub doors: http::event::Doors,
    pub host_password: Option<String>,
    /// Whether any proxy is trusted (its `X-Forwarded-*` believed).
    pub trust_proxy: bool,
    /// Which peers are proxies whose `X-Forwarded-*` is believed; the
    /// request guard drops those headers from everybody else.
    pub trusted_proxies: TrustedProxies,
    pub roster: Arc<Roster>,
    /// The organisers' reunions (the built-in class is reunion 0, `roster`).
    pub reunions: Arc<reunion::Reunions>,
    pub rooms: Arc<Rooms>,
    pub solo: Arc<Solo>,
    pub metrics: Arc<Metrics>,
    /// Look-ups of unknown room codes, per address.
    pub unknown_codes: Throttle,
    /// Wrong host keys (results, host sockets), per address.
    pub host_keys: Throttle,
    /// Wrong `--host-password`s, per address.
    pub host_passwords: Throttle,
    /// Wrong event codes, per address and in total.
    pub event_guesses: Throttle,
    pub event_guesses_total: Cap,
    /// Rooms created, per address and in total.
    pub creations: Throttle,
    pub creations_total: Cap,
    /// `--keep-days`, for the daily prune.
    pub keep: Option<Duration>,
    /// `join` messages, per address (PROTOCOL §5).
    pub joins: Pace,
    /// Organisers' resumable uploads of scans; `None` (a state built
    /// without a database path): the upload API answers 503.
    pub uploads: Option<Arc<uploads::Uploads>>,
    /// Who may open `/organise` (`--admin-password`, loopback, closed).
    pub organise: http::organise::OrganiseAuth,
    /// Guests' photos of today (then & now); unset without a database
    /// file: their API answers 503.
    pub today: std::sync::OnceLock<thennow::TodayPhotos>,
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
    /// `--admin-password`: opens `/organise`.
    pub admin_password: Option<String>,
    /// Whether `--addr` is loopback only (then, without a password, the
    /// local user organises).
    pub listen_loopback: bool,
    /// Proxies whose `X-Forwarded-*` is believed; empty: none.
    pub trusted_proxies: TrustedProxies,
    pub max_players: usize,
    /// `--keep-days`: how long a game stays in the store after its last
    /// activity; `None`: for ever.
    pub keep: Option<Duration>,
    /// `--solo`.
    pub solo: solo::SoloMode,
    /// `--then-now`, `--today-keep-days`: the built-in class's then & now.
    pub then_now: thennow::EventSettings,
    /// `--no-enhance` not given: reunions' photos get the contrast stretch.
    pub enhance: bool,
    /// Where rooms' fan-outs and host screens run
    /// ([`delivery::runtimes::Runtimes::fanout`]); `None`: the current runtime.
    pub fanout_runtime: Option<delivery::runtimes::FanoutRuntime>,
    /// Where uploads are staged (beside the database); `None`: nowhere.
    pub uploads_dir: Option<std::path::PathBuf>,
}

impl Options {
    /// What `yearbook serve` runs with: `args` as given, the base path
    /// normalised, the public URL decided once the port is bound, the
    /// fan-out runtime from [`delivery::runtimes::Runtimes::fanout`].
    pub fn from_args(
        args: &config::ServeArgs,
        base: String,
        public_url: String,
        secret: Vec<u8>,
        fanout_runtime: Option<delivery::runtimes::FanoutRuntime>,
    ) -> Self {
        Self {
            base,
            public_url_fixed: args.public_url.is_some(),
            public_url,
            event_code: args.event_code.clone(),
            secret,
            host_password: args.host_password.clone(),
            admin_password: args.admin_password.clone(),
            listen_loopback: http::organise::addr_is_loopback(&args.addr),
            trusted_proxies: args.trusted_proxies(),
            keep: args.keep(),
            max_players: args.max_players,
            solo: args.solo,
            then_now: args.then_now(),
            enhance: !args.no_enhance,
            fanout_runtime,
            uploads_dir: Some(uploads::dir_for(&args.db)),
        }
    }
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
    pub fn join_url(&self, headers: &axum::http::HeaderMap, room: &room::Room) -> String {
        self.page_url(headers, room, &format!("/join/{}", room.code))
    }

    /// A page of `room` as a public link (`path` under the base path),
    /// carrying the code of the room's event when there is one, as a QR
    /// code must.
    pub fn page_url(
        &self,
        headers: &axum::http::HeaderMap,
        room: &room::Room,
        path: &str,
    ) -> String {
        let url = format!("{}{path}", self.public_url_for(headers));
        let class = &room.class;
        match http::event::link_query(self, class.reunion, class.guest_code.as_deref()) {
            Some(query) => format!("{url}?{query}"),
            None => url,
        }
    }

    /// The state on a store just opened, its live rooms rebuilt: how `main`
    /// and the tests' in-process server start. Inside a runtime.
    pub fn restored(roster: Arc<Roster>, options: Options, opened: store::Opened) -> Arc<Self> {
        let pipeline = roster::photos::Pipeline {
            enhance: options.enhance,
            cache_dir: Some(roster::photos::cache_dir_for(opened.reunion_store.path())),
            ..Default::default()
        };
        let today = thennow::TodayPhotos::open(opened.reunion_store.path());
        let opened_path = opened.reunion_store.path().to_path_buf();
        let reunions = Arc::new(reunion::Reunions::load(
            opened.reunion_store,
            opened.reunions,
            pipeline,
        ));
        let state = Self::new(roster, options, opened.store, reunions);
        match today {
            Ok(today) => {
                let _ = state.today.set(today);
            }
            Err(e) => tracing::warn!("guests' photos of today cannot be kept: {e:#}"),
        }
        // The rooms read guests' photos of today on a connection of their own.
        match thennow::TodayPhotos::open(opened_path.as_path()) {
            Ok(today) => {
                let _ = state.rooms.deps().today.set(today);
            }
            Err(e) => tracing::warn!("then & now questions cannot read photos of today: {e:#}"),
        }
        let down_since = opened
            .last_alive
            .unwrap_or_else(|| state.rooms.deps().clock.now());
        state.rooms.restore(opened.rooms, down_since);
        state.rooms.set_aside(opened.set_aside);
        state
    }

    pub fn new(
        roster: Arc<Roster>,
        options: Options,
        store: Store,
        reunions: Arc<reunion::Reunions>,
    ) -> Arc<Self> {
        let metrics = Arc::new(Metrics::default());
        let deps = RoomDeps::new(
            roster.clone(),
            &options.base,
            metrics.clone(),
            options.max_players.max(1),
            store,
        )
        .with_reunions(reunions.clone())
        .with_then_now_builtin(options.then_now)
        .with_photo_secret(&options.base, &options.secret)
        .on_fanout_runtime(options.fanout_runtime);
        let public_url = options.public_url.trim_end_matches('/').to_string();
        let secure = public_url.starts_with("https://");
        let event = options
            .event_code
            .as_deref()
            .filter(|c| !c.trim().is_empty())
            .map(|c| EventGate::new(c, &options.secret, &options.base, secure));
        let organise = http::organise::OrganiseAuth::new(
            options.admin_password.clone(),
            options.listen_loopback,
            !options.trusted_proxies.is_empty(),
            &options.secret,
            &options.base,
            secure,
        );
        if let Some(hint) = organise.closed_hint(!options.trusted_proxies.is_empty()) {
            tracing::warn!("{hint}");
        }
        Arc::new(Self {
            organise,
            public_url_fixed: options.public_url_fixed,
            event,
            doors: http::event::Doors::new(&options.secret, &options.base, secure),
            base: options.base,
            public_url,
            host_password: options.host_password.filter(|p| !p.is_empty()),
            trust_proxy: !options.trusted_proxies.is_empty(),
            trusted_proxies: options.trusted_proxies,
            roster,
            reunions,
            rooms: Arc::new(Rooms::new(Arc::new(deps))),
            solo: Arc::new(Solo::new(options.solo)),
            metrics,
            unknown_codes: Throttle::new(MISSES_PER_MINUTE, MINUTE),
            host_keys: Throttle::new(MISSES_PER_MINUTE, MINUTE),
            host_passwords: Throttle::new(MISSES_PER_MINUTE, MINUTE),
            event_guesses: Throttle::new(EVENT_GUESSES_PER_MINUTE, MINUTE),
            event_guesses_total: Cap::new(EVENT_GUESSES_PER_MINUTE_TOTAL, MINUTE)
                .sparing(EVENT_GUESSES_SPARED_BY_TOTAL),
            creations: Throttle::new(ROOMS_PER_MINUTE, MINUTE),
            creations_total: Cap::new(ROOMS_PER_MINUTE_TOTAL, MINUTE)
                .sparing(ROOMS_SPARED_BY_TOTAL),
            keep: options.keep,
            joins: Pace::joins(),
            uploads: options
                .uploads_dir
                .map(|dir| Arc::new(uploads::Uploads::open(dir, clock::Clock::new().now()))),
            today: std::sync::OnceLock::new(),
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
            .fallback(|| async {
                http::AppError::keyed(
                    axum::http::StatusCode::NOT_FOUND,
                    "not_found",
                    "refusal-nothing-here",
                )
            })
    };
    router
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::event::gate,
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        // Inside compression: it rewrites refusals' plain JSON bodies.
        .layer(axum::middleware::from_fn(http::in_their_language))
        .layer(compression())
        // Outermost: forwarded headers are cleaned before anything reads them.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::guard::guard,
        ))
        .with_state(state)
}

/// Gzip for text (pages, CSS, JS, JSON, CSV) when the client asks. The
/// default predicate skips images (photos are JPEG already) and tiny bodies;
/// a WebSocket upgrade (101) has no body to encode.
fn compression()
-> tower_http::compression::CompressionLayer<impl tower_http::compression::Predicate> {
    use tower_http::compression::{CompressionLayer, DefaultPredicate, Predicate};
    let not_upgrade = |status: axum::http::StatusCode,
                       _: axum::http::Version,
                       _: &axum::http::HeaderMap,
                       _: &axum::http::Extensions| {
        status != axum::http::StatusCode::SWITCHING_PROTOCOLS
    };
    CompressionLayer::new().compress_when(DefaultPredicate::new().and(not_upgrade))
}

/// Serves until `shutdown` resolves, then tells every socket to reconnect,
/// waits (briefly) for the connections to finish and for the store to land
/// its last writes.
pub async fn serve(
    listener: TcpListener,
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let rooms = state.rooms.clone();
    let evictor = tokio::spawn(room::run_evictor(rooms.clone()));
    let pruner = state
        .keep
        .map(|keep| tokio::spawn(room::run_pruner(rooms.clone(), keep)));
    let storage_notices = tokio::spawn(room::run_storage_notices(rooms.clone()));
    let kept_today = state.clone();
    let today_sweeper = tokio::spawn(async move {
        if let Some(today) = kept_today.today.get() {
            let deps = kept_today.rooms.deps();
            thennow::run_sweeper(today, &deps.clock, |event| deps.today_keep_days(event)).await;
        }
    });
    let solo = state.solo.clone();
    let sweeper = tokio::spawn(async move { solo.run_sweeper().await });
    let swept = state.clone();
    let throttle_sweeper = tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(60));
        loop {
            every.tick().await;
            for throttle in [
                &swept.unknown_codes,
                &swept.host_keys,
                &swept.host_passwords,
                &swept.event_guesses,
                &swept.creations,
                &swept.organise.passwords,
            ] {
                throttle.sweep();
            }
            swept.joins.sweep();
        }
    });
    let metrics = rooms.deps().metrics.clone();
    let open =
        delivery::accept::accept_until(listener, app(state), metrics.clone(), shutdown).await;
    rooms.deps().begin_shutdown();
    open.stop();
    // WebSockets close themselves with "server restarting" (1012), so
    // phones and the projector reconnect to the next run at once.
    let sockets_closed = async {
        use std::sync::atomic::Ordering::Relaxed;
        while metrics.players_connected.load(Relaxed) + metrics.hosts_connected.load(Relaxed) > 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(3), sockets_closed).await;
    if !open.finished(Duration::from_secs(10)).await {
        tracing::warn!("some connections did not finish in time");
    }
    evictor.abort();
    if let Some(pruner) = pruner {
        pruner.abort();
    }
    storage_notices.abort();
    today_sweeper.abort();
    sweeper.abort();
    throttle_sweeper.abort();
    // Everything acknowledged is already on disk; this lands the rest.
    if !rooms.deps().store.close(Duration::from_secs(10)).await {
        tracing::warn!("the store could not finish its last writes");
    }
    Ok(())
}
