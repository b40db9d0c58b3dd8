//! One room: its `Game` behind a lock, the commands on it, and what they
//! cause: broadcasts to its fan-out, events to the store. Who holds which
//! seat (tokens, generations) is in `sessions.rs`.
//!
//! Every operation is lock → game command → publish → unlock; publishing is
//! a synchronous queue push to the room's fan-out shards (`delivery/fanout.rs`), so
//! messages leave in the order the game decided them, and no lock is ever
//! held across an `.await`.

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::Relaxed};

use parking_lot::Mutex;
use rand::SeedableRng;
use rand::rngs::StdRng;
use tokio::sync::Notify;

use super::coalesce::PendingUpdates;
use super::code::{self, RoomCode};
use super::results;
use super::sessions::{PhoneSession, ResumeRefused, Sessions};
use super::views::{self, People};
use crate::clock::Clock;
use crate::delivery::fanout::{self, Durability, Fanout, Fanouts, Generation, OnFail, Phone, To};
use crate::delivery::runtimes::FanoutRuntime;
use crate::delivery::socket::{Close, SharedSocket};
use crate::game::thennow::ThenNowError;
use crate::game::{
    Event, Game, Millis, Phase, PlayerId, PlayerName, RuleError, Settings, VoteOutcome,
};
use crate::protocol::ServerMsg;
use crate::roster::Roster;
use crate::roster::urls::{PhotoScope, PhotoUrls};
use crate::store::{self, Op, Store, StoredRoom, Urgency};
use crate::telemetry::Metrics;

/// An open question continues after a restart with at least this long.
pub const MIN_RESUMED_MS: Millis = 5_000;
const KICKED: Close = Close {
    code: 1008,
    reason: "kicked",
    error: "kicked",
    key: "error-close-kicked",
};
const REPLACED: Close = Close {
    code: 1000,
    reason: "replaced",
    error: "replaced",
    key: "error-close-replaced",
};
const NOT_SAVED: Close = Close {
    code: 1013,
    reason: "storage unavailable",
    error: "storage_unavailable",
    key: "error-close-not-saved",
};

/// Host sockets one room keeps open at once: the projector, a reloaded
/// projector tab whose old socket is not gone yet, the emcee's phone remote
/// and a spare. Enough for a night, too few for a leaked key to fan out.
pub const MAX_HOST_SOCKETS: usize = 4;

/// Why a host screen that gave the right key was not let in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HostRefused {
    #[error("This game has closed; ask the host for the new code.")]
    Closed,
    #[error(
        "This game already has {max} host screens open (projector and remotes): close one and try again.",
        max = MAX_HOST_SOCKETS
    )]
    TooMany,
}

impl HostRefused {
    /// The `error.code` of the protocol.
    pub fn code(self) -> &'static str {
        match self {
            HostRefused::Closed => RuleError::RoomClosed.code(),
            HostRefused::TooMany => "too_many_hosts",
        }
    }

    /// The message in `lang` (the `Display` is its English).
    pub fn message(self, lang: crate::i18n::Lang) -> String {
        match self {
            HostRefused::Closed => crate::i18n::rule_message(RuleError::RoomClosed, lang),
            HostRefused::TooMany => {
                lang.numbers("error-too-many-hosts", &[("max", MAX_HOST_SOCKETS as u64)])
            }
        }
    }
}

/// Whose class a room plays: the reunion (0: the server's built-in class)
/// and its roster as it was when the room was made or the server started.
#[derive(Debug, Clone)]
pub struct Class {
    pub reunion: u32,
    pub roster: Arc<Roster>,
    /// The event's guest code when the room was made (or the server
    /// started): it keeps opening the room after the organiser changes it.
    pub guest_code: Option<String>,
    /// Then & now (issue 21) as the event had it when the room was made
    /// (or the server started): switching it kept a running game as it was.
    pub then_now: bool,
}

/// What rooms share: the class, URLs, the clock, the counters.
#[derive(Debug)]
pub struct RoomDeps {
    /// The built-in class (reunion 0): the demo or `--roster`.
    pub roster: Arc<Roster>,
    /// The organisers' reunions, whose rooms play their classes.
    pub reunions: Arc<crate::reunion::Reunions>,
    /// Mints each room's photo URLs (and solo rounds'): per scope, never
    /// the same for one person in two scopes.
    pub photo_urls: PhotoUrls,
    pub clock: Clock,
    pub metrics: Arc<Metrics>,
    pub max_players: usize,
    pub store: Store,
    /// What the rooms' fan-outs share: the runtime they (and host screens)
    /// run on, the questions waiting (see [`RoomDeps::on_fanout_runtime`]).
    pub fanouts: Fanouts,
    /// Flips to `true` when the server stops: sockets close with "restarting".
    shutdown: tokio::sync::watch::Sender<bool>,
    /// Rooms with a question open now (`--solo idle` reads it, lock-free).
    pub questions_open: AtomicUsize,
    /// Guests' photos of today, read for then & now questions (a
    /// connection of the rooms' own); unset without a database file.
    pub today: std::sync::OnceLock<crate::thennow::TodayPhotos>,
    /// Then & now for the built-in class (`--then-now`, `--today-keep-days`).
    pub then_now_builtin: crate::thennow::EventSettings,
}

impl RoomDeps {
    pub fn new(
        roster: Arc<Roster>,
        base: &str,
        metrics: Arc<Metrics>,
        max_players: usize,
        store: Store,
    ) -> Self {
        // A random secret until `with_photo_secret` gives the stored one.
        let photo_urls = PhotoUrls::new(base, &[], roster.people.len());
        Self {
            roster,
            reunions: Arc::new(crate::reunion::Reunions::empty()),
            photo_urls,
            clock: Clock::new(),
            metrics,
            max_players,
            store,
            fanouts: Fanouts::default(),
            shutdown: tokio::sync::watch::Sender::new(false),
            questions_open: AtomicUsize::new(0),
            today: std::sync::OnceLock::new(),
            then_now_builtin: crate::thennow::EventSettings::default(),
        }
    }

    /// The built-in class's then & now (`--then-now`, `--today-keep-days`).
    pub fn with_then_now_builtin(mut self, settings: crate::thennow::EventSettings) -> Self {
        self.then_now_builtin = settings;
        self
    }

    /// Days event `reunion`'s photos of today are kept (the default for
    /// an event that is gone).
    pub fn today_keep_days(&self, reunion: u32) -> u32 {
        self.then_now_of(reunion)
            .map_or(crate::thennow::TODAY_KEEP_DAYS, |s| s.keep_days)
    }

    /// Event `reunion`'s then & now as it is now; `None`: no such event.
    pub fn then_now_of(&self, reunion: u32) -> Option<crate::thennow::EventSettings> {
        match reunion {
            0 => Some(self.then_now_builtin),
            id => {
                let meta = self.reunions.get(id)?.meta();
                Some(crate::thennow::EventSettings {
                    on: meta.then_now,
                    keep_days: meta.today_keep_days,
                })
            }
        }
    }

    /// Photo URLs from the database's secret, so a room's URLs (and
    /// the phones' caches) survive a restart.
    pub fn with_photo_secret(mut self, base: &str, secret: &[u8]) -> Self {
        self.photo_urls = PhotoUrls::new(base, secret, self.roster.people.len());
        self
    }

    /// Rooms of these reunions play their classes.
    pub fn with_reunions(mut self, reunions: Arc<crate::reunion::Reunions>) -> Self {
        self.reunions = reunions;
        self
    }

    /// Reunion `reunion`'s class as it is now; `None` for no such reunion.
    pub fn class_of(&self, reunion: u32) -> Option<Class> {
        let (roster, guest_code) = match reunion {
            0 => (self.roster.clone(), None),
            id => {
                let r = self.reunions.get(id)?;
                (r.roster(), r.meta().guest_code)
            }
        };
        Some(Class {
            reunion,
            roster,
            guest_code,
            then_now: self.then_now_of(reunion)?.on,
        })
    }

    /// Fan-outs and host screens on `runtime` (`Runtimes::fanout`).
    pub fn on_fanout_runtime(mut self, runtime: Option<FanoutRuntime>) -> Self {
        self.fanouts = Fanouts::on(runtime);
        self
    }

    pub fn begin_shutdown(&self) {
        self.shutdown.send_replace(true);
    }

    pub fn shutdown_signal(&self) -> tokio::sync::watch::Receiver<bool> {
        self.shutdown.subscribe()
    }
}

pub use crate::delivery::fanout::Client;

struct Inner {
    game: Game,
    /// Set (under this lock) when the evictor took the room away: nothing
    /// joins it or changes it after, so nothing is promised that the store
    /// no longer keeps.
    closed: bool,
    /// Tokens, connection generations, seats held per network (`sessions.rs`).
    sessions: Sessions,
    /// Sequence number of the last event handed to the store.
    seq: u64,
    /// A new player's token hash, stored with its `Joined` event.
    new_token: Option<(PlayerId, String)>,
    /// The open round's four `vote_ack` frames, encoded once.
    ack_frames: Option<(u32, [Arc<[u8]>; 4])>,
    /// When the timer task last planned to wake (it re-plans on wake).
    planned_wake: Option<Millis>,
    rng: StdRng,
    /// Lobby and progress updates owed (`coalesce.rs`).
    updates: PendingUpdates,
}

pub struct Room {
    pub code: RoomCode,
    /// The class this room plays, fixed for its life in this process.
    pub class: Class,
    host_key_hash: String,
    /// This room's photo URLs: see `roster/urls.rs`.
    photos: PhotoScope,
    /// Which events are on disk.
    durability: Durability,
    deps: Arc<RoomDeps>,
    inner: Mutex<Inner>,
    fanout: Fanout,
    /// The host screens' sockets, told at once when the store fails or
    /// recovers: their fan-out queue may be waiting on the store itself.
    hosts: Mutex<Vec<(Arc<SharedSocket>, crate::i18n::Lang)>>,
    /// Sockets registered with the fan-out (hosts and phones).
    sockets: AtomicUsize,
    /// Wakes the room's timer task to re-plan (new deadline or pending flush).
    pub wake: Notify,
    pub evicted: AtomicBool,
    last_active: AtomicU64,
}

impl std::fmt::Debug for Room {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Room").field("code", &self.code).finish()
    }
}

impl Room {
    fn build(
        code: RoomCode,
        host_key_hash: String,
        game: Game,
        seq: u64,
        class: Class,
        deps: Arc<RoomDeps>,
    ) -> Self {
        let now = deps.clock.now();
        if game.phase() == Phase::Question {
            deps.questions_open.fetch_add(1, Relaxed);
        }
        let durability = Durability::new(seq, deps.store.clone());
        Self {
            photos: deps.photo_urls.room(&code, &host_key_hash),
            code,
            class,
            host_key_hash,
            fanout: deps.fanouts.start(durability.clone(), deps.metrics.clone()),
            sockets: AtomicUsize::new(0),
            hosts: Mutex::new(Vec::new()),
            durability,
            inner: Mutex::new(Inner {
                game,
                closed: false,
                sessions: Sessions::default(),
                seq,
                new_token: None,
                ack_frames: None,
                planned_wake: None,
                rng: StdRng::from_rng(&mut rand::rng()),
                updates: PendingUpdates::default(),
            }),
            wake: Notify::new(),
            evicted: AtomicBool::new(false),
            last_active: AtomicU64::new(now),
            deps,
        }
    }

    /// A new room; its creation and settings go to the store.
    pub fn create(code: RoomCode, host_key: &str, settings: Settings, deps: Arc<RoomDeps>) -> Self {
        let class = Class {
            reunion: 0,
            roster: deps.roster.clone(),
            guest_code: None,
            then_now: deps.then_now_builtin.on,
        };
        Self::create_in(code, host_key, settings, class, deps)
    }

    /// A new room playing `class` (a reunion's, or the built-in one).
    pub fn create_in(
        code: RoomCode,
        host_key: &str,
        settings: Settings,
        class: Class,
        deps: Arc<RoomDeps>,
    ) -> Self {
        let game = Game::new(
            class.roster.pool.clone(),
            settings.clone(),
            deps.max_players,
        );
        let host_key_hash = store::hash_secret(host_key);
        deps.store.send(Op::CreateRoom {
            code: code.to_string(),
            host_key_hash: host_key_hash.clone(),
            at: deps.clock.now(),
            reunion: class.reunion,
        });
        let room = Self::build(code, host_key_hash, game, 0, class, deps);
        room.with(|_, _| ((), vec![Event::Configured { settings }]));
        room
    }

    /// A room rebuilt from the store after a restart. Everybody starts
    /// disconnected; an open question gets back the time it had left when
    /// the server stopped (`down_since`), at least [`MIN_RESUMED_MS`].
    pub fn restore(
        stored: StoredRoom,
        down_since: Millis,
        class: Class,
        deps: Arc<RoomDeps>,
    ) -> Self {
        let mut game = Game::new(
            class.roster.pool.clone(),
            Settings::default(),
            deps.max_players,
        );
        for event in &stored.events {
            game.apply(event);
        }
        let room = Self::build(
            RoomCode::stored(stored.code),
            stored.host_key_hash,
            game,
            stored.last_seq,
            class,
            deps,
        );
        room.last_active.store(stored.last_active, Relaxed);
        {
            let mut inner = room.inner.lock();
            inner.sessions = Sessions::restored(stored.tokens);
        }
        room.with(|inner, now| {
            // Phones get the whole seat hold to come back after a restart.
            inner.game.everyone_away_since(now);
            // The question drawn before the stop was not kept (nobody saw
            // it start): phones get the photos of a new one.
            room.refresh_faces(inner, false);
            inner.game.draw_next(&mut inner.rng);
            let events = match (inner.game.phase(), inner.game.round()) {
                // A paused question keeps the time it had left as it is.
                (Phase::Question, Some(_)) if inner.game.is_paused() => Vec::new(),
                (Phase::Question, Some(round)) => {
                    // Moved by the downtime (`now - down_since`), added
                    // before it is taken away: a clock that reads less
                    // now than when the server stopped (set back, or a
                    // test's stopped clock) still gives the time left.
                    let started_at = (round.started_at + now).saturating_sub(down_since);
                    let deadline = (round.deadline + now)
                        .saturating_sub(down_since)
                        .max(now + MIN_RESUMED_MS);
                    let event = Event::RoundResumed {
                        started_at,
                        deadline,
                    };
                    inner.game.apply(&event);
                    vec![event]
                }
                _ => Vec::new(),
            };
            ((), events)
        });
        room
    }

    /// The class as this room's views show it.
    fn people(&self) -> People<'_> {
        // The class's photos as they are now (their revisions), falling
        // back to the room's own when the reunion is gone.
        let current = self
            .deps
            .class_of(self.class.reunion)
            .map_or_else(|| self.class.roster.clone(), |c| c.roster);
        People {
            roster: &self.class.roster,
            current,
            reunion: self.class.reunion,
            urls: &self.deps.photo_urls,
            scope: &self.photos,
        }
    }

    /// Whether then & now (claims, photos of today, its round modes) is
    /// on in this room: as its event had it when the room was made.
    pub fn then_now_enabled(&self) -> bool {
        self.class.then_now
    }

    pub fn now(&self) -> Millis {
        self.deps.clock.now()
    }

    pub fn shutdown_signal(&self) -> tokio::sync::watch::Receiver<bool> {
        self.deps.shutdown_signal()
    }

    pub fn clock(&self) -> Clock {
        self.deps.clock
    }

    pub fn metrics(&self) -> &Metrics {
        &self.deps.metrics
    }

    /// Waits while this room's fan-out writes a broadcast to its phones
    /// (a short while at most): see [`Fanout::broadcasts_written`].
    pub async fn broadcasts_written(&self) {
        self.fanout.broadcasts_written().await;
    }

    pub fn last_active(&self) -> Millis {
        self.last_active.load(Relaxed)
    }

    pub fn is_host_key(&self, key: &str) -> bool {
        code::secrets_equal(&store::hash_secret(key), &self.host_key_hash)
    }

    /// The player a resume token speaks for, while they are in the room,
    /// with their name (a phone's HTTP requests carry its token).
    pub fn player_by_token(&self, token: &str) -> Option<(PlayerId, String)> {
        let inner = self.inner.lock();
        let id = inner.sessions.player_for_token(token)?;
        inner.game.player(id).map(|p| (id, p.name.clone()))
    }

    /// The names of the players in the room, by id.
    pub fn player_names(&self) -> std::collections::HashMap<PlayerId, String> {
        let inner = self.inner.lock();
        inner
            .game
            .players()
            .map(|p| (p.id, p.name.clone()))
            .collect()
    }

    /// Whether what this room does can be made durable right now: the
    /// store works and has not given up this room's writes.
    pub fn storage_ok(&self) -> bool {
        self.deps.store.is_healthy() && !self.durability.given_up()
    }

    /// Waits until the store gives up this room's writes (see
    /// [`Room::set_aside`]).
    pub async fn until_set_aside(&self) {
        self.durability.until_given_up().await;
    }

    /// Waits until event `seq` is on disk (the store benchmark times
    /// this); `false` once it never will be: the store gave up this
    /// room's writes or has stopped for good.
    pub async fn wait_durable(&self, seq: u64) -> bool {
        self.durability.wait(seq).await
    }

    pub fn connections(&self) -> usize {
        self.sockets.load(Relaxed)
    }

    /// `(phase, players)` for `GET /api/rooms/{code}`.
    pub fn summary(&self) -> (Phase, usize) {
        let inner = self.inner.lock();
        (inner.game.phase(), inner.game.player_count())
    }

    pub fn settings(&self) -> Settings {
        self.inner.lock().game.settings().clone()
    }

    /// Runs `f` on the locked room, then publishes its events, flushes what
    /// is due and wakes the timer.
    fn with<T>(&self, f: impl FnOnce(&mut Inner, Millis) -> (T, Vec<Event>)) -> T {
        let now = self.now();
        self.last_active.store(now, Relaxed);
        let out = {
            let mut inner = self.inner.lock();
            let was_open = inner.game.phase() == Phase::Question;
            let (out, events) = f(&mut inner, now);
            // A closed room was counted out when it closed.
            let open = inner.game.phase() == Phase::Question;
            if open != was_open && !inner.closed {
                self.count_question(open);
            }
            self.publish(&mut inner, &events, now);
            self.persist(&mut inner, events, now);
            self.flush(&mut inner, now);
            // Wake the timer only when it must fire earlier than planned:
            // not once per vote in a room of thousands.
            let wake = Self::wake_of(&inner);
            let earlier = match (wake, inner.planned_wake) {
                (Some(w), Some(p)) => w < p,
                (Some(_), None) => true,
                (None, _) => false,
            };
            (out, earlier)
        };
        let (out, earlier) = out;
        if earlier {
            self.wake.notify_one();
        }
        out
    }

    // ---- connections -------------------------------------------------

    /// A host screen connects: its snapshot, then every broadcast after it.
    /// The snapshot waits until what it shows is on disk (in the reveal
    /// phase it carries the answer); while the store fails, the screen is
    /// told why at once.
    /// Every open host screen gets every host message and may command, up
    /// to [`MAX_HOST_SOCKETS`] at once.
    /// `Err` (and nothing sent) when the room has closed or is at the cap.
    pub fn host_connect(&self, client: &Client) -> Result<(), HostRefused> {
        {
            let mut hosts = self.hosts.lock();
            if hosts.len() >= MAX_HOST_SOCKETS {
                return Err(HostRefused::TooMany);
            }
            hosts.push((client.socket.clone(), client.lang));
        }
        if !self.storage_ok() {
            Self::tell_storage(&client.socket, client.lang, false);
        }
        self.with(|inner, now| {
            if inner.closed {
                return (Err(HostRefused::Closed), Vec::new());
            }
            let state = views::state(&self.people(), &self.code, &inner.game, None, now);
            self.reply(client, state, inner.seq, OnFail::Close(NOT_SAVED));
            self.add(client, None);
            (Ok(()), Vec::new())
        })
        .inspect_err(|_| self.drop_host(client))
    }

    /// A host screen's socket ended.
    pub fn host_leave(&self, client: &Client) {
        self.drop_host(client);
        self.remove(client);
    }

    fn drop_host(&self, client: &Client) {
        self.hosts
            .lock()
            .retain(|(socket, _)| !Arc::ptr_eq(socket, &client.socket));
    }

    /// The store failed (`false`) or works again: every host screen is
    /// told directly, ahead of what its queue holds.
    pub fn storage_changed(&self, ok: bool) {
        // A room set aside stays refused whatever the store does; its
        // hosts were told when it was set aside.
        if !self.durability.given_up() {
            self.tell_hosts(ok);
        }
    }

    /// The store gave up this room's writes: every host screen is told,
    /// as when the store fails, and from now on its commands are refused.
    pub fn set_aside(&self) {
        self.tell_hosts(false);
    }

    fn tell_hosts(&self, ok: bool) {
        for (socket, lang) in self.hosts.lock().iter() {
            Self::tell_storage(socket, *lang, ok);
        }
    }

    /// `error` `storage_unavailable` when it fails, `storage` `ok` when it
    /// recovers; in the host screen's language.
    fn tell_storage(socket: &SharedSocket, lang: crate::i18n::Lang, ok: bool) {
        socket.send_text(&views::storage_notice(ok, lang).to_json());
    }

    fn add(&self, client: &Client, phone: Option<Phone>) {
        self.sockets.fetch_add(1, Relaxed);
        self.fanout.attach(client, phone);
    }

    fn remove(&self, client: &Client) {
        self.sockets.fetch_sub(1, Relaxed);
        self.fanout.detach(client);
    }

    /// One message for one socket, behind everything queued for it before,
    /// once event `seq` is durable.
    fn reply(&self, client: &Client, msg: ServerMsg, seq: u64, on_fail: OnFail) {
        self.reply_frame(client, fanout::encode(&msg), seq, on_fail);
    }

    /// [`Room::reply`] of an encoded frame, shared with other sockets.
    fn reply_frame(&self, client: &Client, frame: Arc<[u8]>, seq: u64, on_fail: OnFail) {
        self.fanout.send_after(client, seq, frame, on_fail);
    }

    /// A new player; `client` is its socket (none when driven without a
    /// network, as the store benchmark does).
    pub fn join(
        &self,
        name: &PlayerName,
        client: Option<&Client>,
    ) -> Result<PhoneSession, RuleError> {
        self.join_on_device(name, None, client)
    }

    /// [`Room::join`] from the phone `device` (its own id, if it said).
    pub fn join_on_device(
        &self,
        name: &PlayerName,
        device: Option<&str>,
        client: Option<&Client>,
    ) -> Result<PhoneSession, RuleError> {
        let network = client.and_then(|s| s.network);
        self.with(|inner, now| {
            if inner.closed {
                return (Err(RuleError::RoomClosed), Vec::new());
            }
            if let Some(network) = network {
                self.free_a_seat_held_from(inner, network);
            }
            self.join_locked(inner, name, device, client, network, now)
        })
    }

    /// When players who joined from `network` and left without voting
    /// hold too many seats ([`Sessions::seat_to_free`]), the one away
    /// longest lapses now, before its hold is over.
    fn free_a_seat_held_from(&self, inner: &mut Inner, network: IpAddr) {
        if let Some(oldest) = inner.sessions.seat_to_free(network, &inner.game)
            && inner.game.lapse_now(oldest)
        {
            self.mark_lobby(inner);
        }
    }

    fn join_locked(
        &self,
        inner: &mut Inner,
        name: &PlayerName,
        device: Option<&str>,
        client: Option<&Client>,
        network: Option<IpAddr>,
        now: Millis,
    ) -> (Result<PhoneSession, RuleError>, Vec<Event>) {
        match inner.game.join_on_device(name, device, now) {
            Err(e) => (Err(e), Vec::new()),
            Ok(events) => {
                let Some(&Event::Joined { player, .. }) = events.first() else {
                    return (Err(RuleError::UnknownPlayer), events);
                };
                if let Some(network) = network {
                    inner.sessions.network_joined(network, player);
                }
                let (token, hash) = inner.sessions.issue_token(player, &mut inner.rng);
                inner.new_token = Some((player, hash));
                // The Joined event gets the next sequence number; the
                // welcome promises that the token works after a restart.
                let seq = inner.seq + events.len() as u64;
                let session = self.connect(inner, player, &token, client, seq, now);
                (Ok(session), events)
            }
        }
    }

    /// `Err` too when the room has closed ([`Room::is_closed`] tells which).
    pub fn resume(
        &self,
        token: &str,
        client: Option<&Client>,
    ) -> Result<PhoneSession, ResumeRefused> {
        self.with(|inner, now| {
            if inner.closed {
                return (Err(ResumeRefused), Vec::new());
            }
            let Some(player) = inner.sessions.player_for_token(token) else {
                return (Err(ResumeRefused), Vec::new());
            };
            // A seat that lapsed comes back only while the room has room.
            if inner.game.rejoin(player, now).is_err() {
                return (Err(ResumeRefused), Vec::new());
            }
            let seq = inner.seq;
            let session = self.connect(inner, player, token, client, seq, now);
            (Ok(session), Vec::new())
        })
    }

    fn connect(
        &self,
        inner: &mut Inner,
        player: PlayerId,
        token: &str,
        client: Option<&Client>,
        seq: u64,
        now: Millis,
    ) -> PhoneSession {
        let (generation, replaced) = inner.sessions.new_generation(player);
        if replaced {
            self.fanout.close_player(player, Some(generation), REPLACED);
        }
        if inner.game.set_connected(player, true, now) {
            self.mark_lobby(inner);
        }
        if let Some(client) = client {
            let state = views::state(&self.people(), &self.code, &inner.game, Some(player), now);
            let (name, score) = inner
                .game
                .player(player)
                .map_or((String::new(), 0), |p| (p.name.clone(), p.score));
            let welcome = ServerMsg::Welcome {
                player_id: player,
                token: token.to_string(),
                name,
                score,
                code: self.code.to_string(),
            };
            self.reply(client, welcome, seq, OnFail::Close(NOT_SAVED));
            self.reply(client, state, seq, OnFail::Close(NOT_SAVED));
            // The same photos as the others got: a phone back from a drop
            // still has them on hand when the question starts.
            if let Some(preload) = views::preload(&self.people(), &inner.game) {
                self.reply(client, preload, seq, OnFail::Close(NOT_SAVED));
            }
            self.add(client, Some(Phone { player, generation }));
        }
        PhoneSession {
            player,
            generation,
            seq,
        }
    }

    /// A phone's socket ended; only its current socket counts.
    pub fn leave(&self, player: PlayerId, generation: Generation, client: Option<&Client>) {
        if let Some(client) = client {
            self.remove(client);
        }
        self.with(|inner, now| {
            if inner.sessions.end(player, generation)
                && inner.game.set_connected(player, false, now)
            {
                self.mark_lobby(inner);
            }
            ((), Vec::new())
        });
    }

    /// A fresh snapshot (PROTOCOL §4 `state`) as `player` would get it on
    /// connecting; `None` for the host.
    pub fn state_for(&self, player: Option<PlayerId>) -> String {
        let inner = self.inner.lock();
        views::state(&self.people(), &self.code, &inner.game, player, self.now()).to_json()
    }

    // ---- commands ------------------------------------------------------

    /// A vote. Its `vote_ack` is queued for the socket and goes out once
    /// the vote is on disk (for a repeat, once everything stored so far is,
    /// which includes the first); a refusal goes out in the same order.
    /// `Ok` carries the sequence number the ack waits for.
    pub fn vote(
        &self,
        player: PlayerId,
        round: u32,
        choice: i64,
        client: Option<&Client>,
    ) -> Result<u64, RuleError> {
        self.vote_arrived(player, round, choice, client, None)
    }

    /// A vote timed as of `arrived` (on [`Room::now`]'s clock) when it was
    /// read earlier than it is handled: waiting for the room's fan-out
    /// costs the phone no points.
    pub fn vote_arrived(
        &self,
        player: PlayerId,
        round: u32,
        choice: i64,
        client: Option<&Client>,
        arrived: Option<Millis>,
    ) -> Result<u64, RuleError> {
        // A vote's answer when it could not be stored, encoded once per language.
        static STORAGE_UNAVAILABLE: std::sync::LazyLock<Vec<Arc<[u8]>>> =
            std::sync::LazyLock::new(|| {
                crate::i18n::Lang::all()
                    .map(|lang| {
                        fanout::encode(&ServerMsg::Error {
                            code: "storage_unavailable".to_string(),
                            message: lang.get("error-vote-not-saved"),
                        })
                    })
                    .collect()
            });
        self.with(|inner, now| {
            let now = arrived.map_or(now, |a| a.min(now));
            match inner.game.vote(player, round, choice, now) {
                Ok((outcome, events)) => {
                    if outcome == VoteOutcome::Accepted {
                        self.deps.metrics.votes.fetch_add(1, Relaxed);
                        inner.updates.vote_counted();
                    }
                    let seq = inner.seq + events.len().min(1) as u64;
                    if let Some(client) = client {
                        // In range once accepted. Queued before any reveal
                        // that counts the vote, which waits for the same
                        // commit in the same queue.
                        let ack = self.ack_frame(inner, round, choice as u8);
                        let failed = OnFail::Say(STORAGE_UNAVAILABLE[client.lang.index()].clone());
                        self.reply_frame(client, ack, seq, failed);
                    }
                    (Ok(seq), events)
                }
                Err(e) => {
                    if let Some(client) = client {
                        let refusal = fanout::encode(&ServerMsg::Error {
                            code: e.code().to_string(),
                            message: crate::i18n::rule_message(e, client.lang),
                        });
                        let failed = OnFail::Say(refusal.clone());
                        self.reply_frame(client, refusal, 0, failed);
                    }
                    (Err(e), Vec::new())
                }
            }
        })
    }

    /// The encoded `vote_ack` for `choice` in `round`, shared by every
    /// phone that chose it (thousands of acks wait in a fan-out queue).
    fn ack_frame(&self, inner: &mut Inner, round: u32, choice: u8) -> Arc<[u8]> {
        let frames = match &inner.ack_frames {
            Some((r, frames)) if *r == round => frames,
            _ => {
                let frames = [0u8, 1, 2, 3]
                    .map(|choice| fanout::encode(&ServerMsg::VoteAck { round, choice }));
                &inner.ack_frames.insert((round, frames)).1
            }
        };
        frames[usize::from(choice.min(3))].clone()
    }

    pub fn start_round(&self) -> Result<(), RuleError> {
        self.command(|inner, now| {
            // A restart may find the event's then & now switched off since.
            if inner.game.settings().mode.is_then_now() && !self.then_now_enabled() {
                return Err(RuleError::ThenNow(ThenNowError::Off));
            }
            self.refresh_faces(inner, false);
            let Inner { game, rng, .. } = inner;
            game.start_round(now, rng)
        })
    }

    pub fn reveal(&self) -> Result<(), RuleError> {
        self.command(|inner, now| inner.game.reveal(now))
    }

    pub fn end_game(&self) -> Result<(), RuleError> {
        self.command(|inner, now| inner.game.end_game(now))
    }

    pub fn kick(&self, player: PlayerId) -> Result<(), RuleError> {
        self.command(|inner, _| inner.game.kick(player))
    }

    /// The host stops the open question's clock (see [`Game::pause`]).
    pub fn pause(&self) -> Result<(), RuleError> {
        self.command(|inner, now| inner.game.pause(now))
    }

    /// The host runs it again; the timer re-plans on the moved deadline.
    pub fn unpause(&self) -> Result<(), RuleError> {
        self.command(|inner, now| inner.game.unpause(now))
    }

    /// The host lifts a kick's ban (see [`Game::let_back`]).
    pub fn let_back(&self, player: PlayerId) -> Result<(), RuleError> {
        self.command(|inner, _| inner.game.let_back(player))
    }

    /// The host removes every disconnected player (lobby only).
    pub fn remove_disconnected(&self) -> Result<(), RuleError> {
        self.command(|inner, _| inner.game.remove_disconnected())
    }

    /// A phone's search for itself in the class: its answer, at once.
    pub fn classmates(&self, query: &str) -> ServerMsg {
        views::classmates(&self.people(), query)
    }

    /// "I'm…" (see [`Game::claim`]); the phone hears back as `claim`.
    pub fn claim(&self, player: PlayerId, person: usize) -> Result<(), RuleError> {
        self.claim_command(player, |game| game.claim(player, person))
    }

    /// The player, or the host for them, undoes their claim.
    pub fn unclaim(&self, player: PlayerId) -> Result<(), RuleError> {
        self.claim_command(player, |game| game.unclaim(player))
    }

    /// A claim command; one that changes nothing (the same claim again)
    /// still tells the phone where it stands, as a change would.
    fn claim_command(
        &self,
        player: PlayerId,
        f: impl FnOnce(&mut Game) -> Result<Vec<Event>, RuleError>,
    ) -> Result<(), RuleError> {
        self.with(|inner, _| match f(&mut inner.game) {
            _ if inner.closed => (Err(RuleError::RoomClosed), Vec::new()),
            Ok(events) => {
                if events.is_empty() {
                    let claim = inner
                        .game
                        .player(player)
                        .and_then(|p| views::claim_shown(&self.people(), p));
                    let msg = ServerMsg::Claim { claim };
                    self.fanout.to_player(player, inner.seq, &msg);
                }
                (Ok(()), events)
            }
            Err(e) => (Err(e), Vec::new()),
        })
    }

    /// The host decides a claim of a person somebody else holds.
    pub fn decide_claim(&self, player: PlayerId, give: bool) -> Result<(), RuleError> {
        self.command(|inner, _| inner.game.decide_claim(player, give))
    }

    pub fn configure(&self, settings: Settings) -> Result<(), RuleError> {
        self.command(|inner, _| {
            if settings.mode.is_then_now() && !self.then_now_enabled() {
                return Err(RuleError::ThenNow(ThenNowError::Off));
            }
            if settings.mode.uses_faces() {
                self.refresh_faces(inner, true);
            }
            inner.game.configure(settings)
        })
    }

    // ---- then & now ----------------------------------------------------

    /// The people this room's then & now questions may show now: a guest
    /// in the room who holds the claim and whose photo of today is not
    /// hidden, with that photo's random name. Read from the store; none
    /// without one, or while the event's then & now is switched off.
    fn faces(&self, game: &Game) -> Vec<(usize, String)> {
        let Some(today) = self.deps.today.get().filter(|_| self.then_now_enabled()) else {
            return Vec::new();
        };
        let rows = match today.of_room(&self.code) {
            Ok(rows) => rows,
            Err(e) => {
                tracing::warn!(room = %self.code, "photos of today: {e:#}");
                return Vec::new();
            }
        };
        rows.into_iter()
            .filter(|r| !r.hidden)
            .filter_map(|r| {
                let claim = game.player(PlayerId::new(r.player))?.claim?;
                claim.held.then_some((claim.person, r.file))
            })
            .collect()
    }

    /// How many classmates a then & now question may show now (the host
    /// page's count against the 4 needed).
    pub fn then_now_faces(&self) -> usize {
        let inner = self.inner.lock();
        let people: Vec<usize> = self.faces(&inner.game).iter().map(|f| f.0).collect();
        crate::game::thennow::then_now_people(&self.class.roster.pool, &people).len()
    }

    /// Gives the game the faces of now (in a then & now game, or `always`);
    /// whether the question drawn ahead was dropped for showing one gone.
    fn refresh_faces(&self, inner: &mut Inner, always: bool) -> bool {
        if !always && !inner.game.settings().mode.uses_faces() {
            return false;
        }
        let faces = self.faces(&inner.game);
        inner.game.set_faces(faces)
    }

    /// A guest's photo of today was sent, deleted or hidden: a then & now
    /// question drawn ahead that shows one no longer offered is drawn
    /// again (phones get its `preload`), so the next question never shows it.
    pub fn today_changed(&self) {
        self.with(|inner, _| {
            if self.refresh_faces(inner, false) || self.undrawn_then_now(inner) {
                self.redraw(inner);
            }
            ((), Vec::new())
        });
    }

    /// A then & now game between rounds with no question drawn ahead yet
    /// (too few faces until now): worth drawing one.
    fn undrawn_then_now(&self, inner: &Inner) -> bool {
        let game = &inner.game;
        game.settings().mode.is_then_now()
            && matches!(game.phase(), Phase::Lobby | Phase::Reveal)
            && game.upcoming().is_none()
    }

    /// Draws the next question (if one is due) and sends phones its photos.
    fn redraw(&self, inner: &mut Inner) {
        let Inner { game, rng, .. } = inner;
        game.draw_next(rng);
        if let Some(preload) = views::preload(&self.people(), &inner.game) {
            self.broadcast(To::Phones, preload);
        }
    }

    fn command(
        &self,
        f: impl FnOnce(&mut Inner, Millis) -> Result<Vec<Event>, RuleError>,
    ) -> Result<(), RuleError> {
        self.with(|inner, now| match f(inner, now) {
            _ if inner.closed => (Err(RuleError::RoomClosed), Vec::new()),
            Ok(events) => (Ok(()), events),
            Err(e) => (Err(e), Vec::new()),
        })
    }

    /// The timer fired: close an expired question, send what is due.
    pub fn on_timer(&self) {
        self.with(|inner, now| {
            if inner.game.lapse(now) > 0 {
                self.mark_lobby(inner);
            }
            ((), inner.game.tick(now))
        });
    }

    /// When the timer should next fire.
    pub fn next_wake(&self) -> Option<Millis> {
        let mut inner = self.inner.lock();
        let wake = Self::wake_of(&inner);
        inner.planned_wake = wake;
        wake
    }

    fn wake_of(inner: &Inner) -> Option<Millis> {
        [
            inner.game.next_deadline(),
            inner.game.next_lapse(),
            inner.updates.next_due(inner.game.player_count()),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// `results.csv` of the game so far (see `results.rs`).
    pub fn results_csv(&self) -> String {
        results::results_csv(&self.inner.lock().game)
    }

    // ---- publishing ----------------------------------------------------

    fn mark_lobby(&self, inner: &mut Inner) {
        inner.updates.lobby_changed(inner.game.phase());
    }

    fn broadcast(&self, to: To, msg: ServerMsg) {
        self.fanout.broadcast(to, &msg);
    }

    fn publish(&self, inner: &mut Inner, events: &[Event], now: Millis) {
        let mut kicked_done = false;
        // Settings known or changed, or a round closed: the next question
        // is drawn (again), its photos sent ahead, behind any reveal.
        let mut draw = events
            .iter()
            .any(|e| matches!(e, Event::Configured { .. } | Event::RoundClosed { .. }));
        // Then & now: who has a face changes with claims and kicks; a
        // question drawn ahead that shows one gone is drawn again.
        let faces_changed = events.iter().any(|e| {
            matches!(
                e,
                Event::Claimed { .. }
                    | Event::ClaimAsked { .. }
                    | Event::Unclaimed { .. }
                    | Event::Kicked { .. }
                    | Event::RoundClosed { .. }
                    | Event::Configured { .. }
            )
        });
        for (i, event) in events.iter().enumerate() {
            // `persist` numbers these events next, in this order.
            let seq = inner.seq + i as u64 + 1;
            match event {
                Event::Joined { .. } | Event::Configured { .. } => self.mark_lobby(inner),
                Event::Kicked { .. } if kicked_done => {}
                Event::Kicked { .. } => {
                    // All of this batch's kicks at once (the host may remove
                    // thousands): one pass over the tokens, one close item.
                    kicked_done = true;
                    let players: std::collections::HashSet<PlayerId> = events
                        .iter()
                        .filter_map(|e| match e {
                            Event::Kicked { player, .. } => Some(*player),
                            _ => None,
                        })
                        .collect();
                    inner.sessions.forget(&players);
                    self.fanout.close_kicked(players, KICKED);
                    self.mark_lobby(inner);
                }
                Event::RoundStarted { .. } => {
                    inner.updates.round_started(now);
                    let Some(msg) = views::round(&self.people(), &inner.game, now) else {
                        continue;
                    };
                    self.fanout.broadcast_question(&msg);
                    let round = inner.game.round_number();
                    for player in inner.game.asked_about() {
                        self.fanout
                            .to_player(player, seq, &ServerMsg::ItsYou { round });
                    }
                }
                Event::Voted { .. } => inner.updates.vote_counted(),
                Event::RoundResumed { .. } => {}
                Event::RoundPaused { .. } | Event::RoundUnpaused { .. } => {
                    // The question may close with this command (everyone
                    // voted while paused): its reveal says so instead.
                    if let Some(timer) = views::timer(&inner.game, now) {
                        self.broadcast(To::Both, timer);
                    }
                }
                Event::LetBack { .. } => self.mark_lobby(inner),
                Event::RoundClosed { .. } => {
                    inner.updates.round_ended();
                    let Some(reveal) = views::reveal_personal(&self.people(), &inner.game) else {
                        continue;
                    };
                    self.fanout.reveal_after(seq, reveal);
                }
                Event::GameOver { .. } => {
                    inner.updates.round_ended();
                    let over = views::game_over_personal(&self.people(), &inner.game);
                    self.fanout.reveal_after(seq, over);
                }
                Event::Claimed { player, .. }
                | Event::ClaimAsked { player, .. }
                | Event::Unclaimed { player } => {
                    // The host may decide for a phone: it hears it too.
                    let claim = inner
                        .game
                        .player(*player)
                        .and_then(|p| views::claim_shown(&self.people(), p));
                    self.fanout
                        .to_player(*player, seq, &ServerMsg::Claim { claim });
                    self.mark_lobby(inner);
                }
            }
        }
        if faces_changed && inner.game.phase() != Phase::Question {
            draw |= self.refresh_faces(inner, false) || self.undrawn_then_now(inner);
        }
        if draw {
            self.redraw(inner);
        }
    }

    /// Hands the events to the store, in order, with what is derived from them.
    fn persist(&self, inner: &mut Inner, events: Vec<Event>, now: Millis) {
        if events.is_empty() {
            return;
        }
        let scored = events
            .iter()
            .any(|e| matches!(e, Event::RoundClosed { .. }));
        let scores = match (scored, inner.game.round()) {
            // Only a right answer changes a score.
            (true, Some(round)) => round
                .votes
                .iter()
                .filter(|(_, v)| round.points_for(v) > 0)
                .filter_map(|(&p, _)| Some((p, inner.game.player(p)?.score)))
                .collect(),
            _ => Vec::new(),
        };
        // Votes may wait a few ms for company in the store's commit;
        // anything else (a join's welcome, a round's close) may not.
        let urgency = if events.iter().all(|e| matches!(e, Event::Voted { .. })) {
            Urgency::MayWait
        } else {
            Urgency::NextGap
        };
        let first_seq = inner.seq + 1;
        inner.seq += events.len() as u64;
        self.deps.store.send(Op::Append {
            room: self.code.to_string(),
            first_seq,
            at: now,
            events,
            token: inner.new_token.take(),
            scores,
            urgency,
            durable: self.durability.mark(),
        });
    }

    fn count_question(&self, open: bool) {
        if open {
            self.deps.questions_open.fetch_add(1, Relaxed);
        } else {
            self.deps.questions_open.fetch_sub(1, Relaxed);
        }
    }

    /// Whether the evictor took this room away (see [`Room::evict`]).
    pub fn is_closed(&self) -> bool {
        self.inner.lock().closed
    }

    /// The evictor's round for this room, `idle_ms` after `now`'s last
    /// activity: decided and done under the room's lock, so a join racing
    /// it either comes first (and keeps the room) or is refused; it never
    /// gets a `welcome` for a room the store has let go.
    pub fn evict(&self, now: Millis) -> super::Idleness {
        let mut inner = self.inner.lock();
        if inner.closed {
            return super::Idleness::Archive;
        }
        let idle_ms = now.saturating_sub(self.last_active());
        let fate = super::idleness(
            inner.game.phase(),
            inner.game.player_count(),
            self.connections(),
            idle_ms,
        );
        let op = match fate {
            super::Idleness::Keep => return fate,
            // The store keeps its results, memory lets it go.
            super::Idleness::Archive => Op::Archive {
                room: self.code.to_string(),
            },
            super::Idleness::Delete => {
                tracing::info!(room = %self.code, "lobby nobody joined expired");
                Op::Delete {
                    room: self.code.to_string(),
                }
            }
        };
        // Sent under the lock: after every event this room handed over.
        self.deps.store.send(op);
        if inner.game.phase() == Phase::Question {
            self.count_question(false);
        }
        inner.closed = true;
        self.evicted.store(true, Relaxed);
        drop(inner);
        self.wake.notify_one();
        fate
    }

    /// Sends coalesced `lobby` and `progress` messages whose time has come.
    fn flush(&self, inner: &mut Inner, now: Millis) {
        let due = inner.updates.due(inner.game.player_count(), now);
        if due.lobby {
            self.broadcast(
                To::Hosts,
                views::lobby_for_hosts(&self.people(), &inner.game),
            );
            if let Some(phone) = views::lobby_for_phones(&inner.game) {
                self.broadcast(To::Phones, phone);
            }
        }
        if due.progress && inner.game.phase() == Phase::Question {
            self.broadcast(To::Hosts, views::progress(&inner.game));
        }
    }
}
