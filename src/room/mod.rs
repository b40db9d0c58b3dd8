//! The rooms of this server: a registry keyed by code, one timer task per
//! room, idle rooms evicted.

mod coalesce;
pub mod code;
#[cfg(test)]
mod paused_tests;
mod results;
#[allow(clippy::module_inception)]
mod room;
mod sessions;
mod views;

use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use dashmap::DashMap;
use dashmap::mapref::entry::Entry;

pub use code::RoomCode;
pub use room::{Class, Client, HostRefused, MAX_HOST_SOCKETS, Room, RoomDeps};
pub use sessions::{LAPSING_SEATS_PER_NETWORK, PhoneSession, ResumeRefused};

use crate::game::{Millis, Phase, Settings};
use crate::store::{Op, SetAside, StoredRoom};

/// Rooms with nobody connected and no activity for this long are archived.
const IDLE_EVICT_MS: u64 = 48 * 60 * 60 * 1000;
/// Lobbies nobody joined, with nobody connected, are deleted (from memory
/// and the store) after this long without activity: a room made for
/// tonight keeps its code all evening, a spammer's rooms do not pile up.
pub const EMPTY_LOBBY_EXPIRE_MS: u64 = 3 * 60 * 60 * 1000;

/// How often the evictor looks at every room.
const EVICT_EVERY: Duration = Duration::from_secs(60);

/// What happens to a room on the evictor's round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idleness {
    Keep,
    /// Out of memory; its results stay in the store.
    Archive,
    /// Out of memory and the store: there was never anything to keep.
    Delete,
}

/// Decides a room's fate from how it stands; `idle_ms` since its last
/// activity.
pub fn idleness(phase: Phase, players: usize, connections: usize, idle_ms: u64) -> Idleness {
    if connections > 0 {
        Idleness::Keep
    } else if phase == Phase::Lobby && players == 0 && idle_ms > EMPTY_LOBBY_EXPIRE_MS {
        Idleness::Delete
    } else if idle_ms > IDLE_EVICT_MS {
        Idleness::Archive
    } else {
        Idleness::Keep
    }
}

#[derive(Debug)]
pub struct Rooms {
    map: DashMap<RoomCode, Arc<Room>>,
    deps: Arc<RoomDeps>,
    /// Stored rooms that could not be read back: out of play, and their
    /// codes never given to a new room (which would wipe their rows).
    set_aside: parking_lot::Mutex<Vec<SetAside>>,
}

impl Rooms {
    pub fn new(deps: Arc<RoomDeps>) -> Self {
        Self {
            map: DashMap::new(),
            deps,
            set_aside: parking_lot::Mutex::new(Vec::new()),
        }
    }

    /// Records the stored rooms the store could not read back.
    pub fn set_aside(&self, rooms: Vec<SetAside>) {
        self.set_aside.lock().extend(rooms);
    }

    /// The codes of the rooms set aside, for `/metrics`.
    pub fn set_aside_codes(&self) -> Vec<String> {
        self.set_aside
            .lock()
            .iter()
            .map(|r| r.code.clone())
            .collect()
    }

    fn is_set_aside(&self, code: &str) -> bool {
        self.set_aside.lock().iter().any(|r| r.code == code)
    }

    pub fn deps(&self) -> &Arc<RoomDeps> {
        &self.deps
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Whether any room has a question open (`--solo idle`): a counter the
    /// rooms keep as rounds open and close, read without locking any room.
    pub fn any_question_open(&self) -> bool {
        self.deps.questions_open.load(Relaxed) > 0
    }

    /// How many live rooms `pred` holds for.
    pub fn count_where(&self, pred: impl Fn(&Room) -> bool) -> usize {
        self.map.iter().filter(|r| pred(r.value())).count()
    }

    /// The guest codes the live rooms of event `reunion` were made with
    /// (`None`: without one); each opens the event's photos while they run.
    pub fn guest_codes_of(&self, reunion: u32) -> Vec<Option<String>> {
        self.map
            .iter()
            .filter(|r| r.class.reunion == reunion)
            .map(|r| r.class.guest_code.clone())
            .collect()
    }

    pub fn get(&self, code: &str) -> Option<Arc<Room>> {
        self.map.get(code).map(|r| r.clone())
    }

    /// A new room under a fresh code, with its timer running; also returns
    /// the host key, which is kept only hashed.
    pub fn create(&self, settings: Settings) -> (Arc<Room>, String) {
        let class = Class {
            reunion: 0,
            roster: self.deps.roster.clone(),
            guest_code: None,
            then_now: self.deps.then_now_builtin.on,
        };
        self.create_for(settings, class)
    }

    /// A new room playing `class` (a reunion's, or the built-in one).
    pub fn create_for(&self, settings: Settings, class: Class) -> (Arc<Room>, String) {
        let mut rng = rand::rng();
        let mut len = 4;
        let mut tries = 0;
        loop {
            let candidate = code::random_code(&mut rng, len);
            if self.is_set_aside(&candidate) {
                tries += 1;
                continue;
            }
            if let Entry::Vacant(slot) = self.map.entry(candidate.clone()) {
                let key = code::secret(&mut rng);
                let room = Arc::new(Room::create_in(
                    candidate,
                    &key,
                    settings,
                    class,
                    self.deps.clone(),
                ));
                slot.insert(room.clone());
                self.deps.metrics.rooms_created.fetch_add(1, Relaxed);
                tokio::spawn(run_timer(room.clone()));
                return (room, key);
            }
            tries += 1;
            if tries % 8 == 0 && len < 6 {
                len += 1;
            }
        }
    }

    /// Rebuilds the stored rooms after a restart and starts their timers.
    pub fn restore(&self, stored: Vec<StoredRoom>, down_since: Millis) {
        for s in stored {
            // A room whose reunion is gone cannot show its class: set
            // aside, its rows kept as they are.
            let Some(class) = self.deps.class_of(s.reunion) else {
                tracing::error!(room = %s.code, reunion = s.reunion, "room set aside: its event is not in the database");
                self.set_aside(vec![SetAside {
                    why: format!("its event {} is not in the database", s.reunion),
                    code: s.code,
                }]);
                continue;
            };
            let room = Arc::new(Room::restore(s, down_since, class, self.deps.clone()));
            self.map.insert(room.code.clone(), room.clone());
            tokio::spawn(run_timer(room));
        }
    }

    /// Archives rooms nobody has used for a long time (results stay in the
    /// store, live state leaves memory) and deletes lobbies nobody joined.
    pub fn evict_idle(&self) {
        self.evict_idle_at(self.deps.clock.now());
    }

    fn evict_idle_at(&self, now: Millis) {
        self.map.retain(|_, room| room.evict(now) == Idleness::Keep);
    }
}

/// Sleeps until the room's next deadline or pending flush; re-plans when
/// woken. Also tells the room's hosts when the store gives up its writes.
async fn run_timer(room: Arc<Room>) {
    let clock = room.clock();
    let mut told_set_aside = false;
    loop {
        if room.evicted.load(Relaxed) {
            return;
        }
        let deadline = room.next_wake().map(|at| clock.instant_at(at));
        let due = async {
            match deadline {
                Some(at) => crate::clock::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = due => room.on_timer(),
            _ = room.wake.notified() => {}
            _ = room.until_set_aside(), if !told_set_aside => {
                told_set_aside = true;
                room.set_aside();
            }
        }
    }
}

/// Tells every room's host screens when the store fails or works again.
pub async fn run_storage_notices(rooms: Arc<Rooms>) {
    let mut health = rooms.deps.store.health();
    let mut told = *health.borrow_and_update();
    while health.changed().await.is_ok() {
        let ok = *health.borrow_and_update();
        if ok != told {
            told = ok;
            for room in rooms.map.iter() {
                room.storage_changed(ok);
            }
        }
    }
}

/// Background sweep of idle rooms, every minute by the server's clock (so
/// a test's skip runs it at the moment it skipped to).
pub async fn run_evictor(rooms: Arc<Rooms>) {
    loop {
        rooms.evict_idle();
        crate::clock::sleep(EVICT_EVERY).await;
    }
}

/// Retention while running: once a day, archived games last active more
/// than `keep` ago leave the store (at start `main` prunes them all).
pub async fn run_pruner(rooms: Arc<Rooms>, keep: Duration) {
    let mut every = tokio::time::interval(Duration::from_secs(24 * 60 * 60));
    every.tick().await;
    loop {
        every.tick().await;
        let now = rooms.deps.clock.now();
        rooms.deps.store.send(Op::Prune {
            before: now.saturating_sub(keep.as_millis() as u64),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::{PlayerName, RuleError};

    fn rooms(dir: &std::path::Path) -> Rooms {
        rooms_of(dir, 100)
    }

    fn rooms_of(dir: &std::path::Path, max_players: usize) -> Rooms {
        let roster = Arc::new(crate::roster::load_demo(&Default::default()).unwrap());
        let store = crate::store::Store::open(&dir.join("t.db")).unwrap().store;
        let metrics = Arc::new(crate::telemetry::Metrics::default());
        Rooms::new(Arc::new(RoomDeps::new(
            roster,
            "",
            metrics,
            max_players,
            store,
        )))
    }

    #[tokio::test]
    async fn a_join_racing_the_expiry_of_its_lobby_is_refused_not_welcomed() {
        let dir = tempfile::tempdir().unwrap();
        let rooms = rooms(dir.path());
        let (room, _key) = rooms.create(Settings::default());
        // A socket looked the room up; then the lobby expired.
        let now = rooms.deps.clock.now();
        rooms.evict_idle_at(now + 4 * HOUR);
        assert!(rooms.get(&room.code).is_none());
        let name = PlayerName::parse("Late").unwrap();
        assert_eq!(room.join(&name, None).err(), Some(RuleError::RoomClosed));
        assert_eq!(room.start_round(), Err(RuleError::RoomClosed));
        assert!(room.is_closed());
        // A host screen that found it just before is turned away too.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let _client = tokio::net::TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (socket, _io) =
            crate::delivery::socket::SharedSocket::new(listener.accept().await.unwrap().0);
        let client = Client::new(socket);
        assert_eq!(room.host_connect(&client), Err(HostRefused::Closed));
        assert_eq!(room.connections(), 0);
    }

    /// The notice that the store fails reaches each host screen in the
    /// language its hello said (issue 22).
    #[tokio::test]
    async fn the_storage_notice_is_in_each_host_screens_language() {
        use tokio::io::AsyncReadExt;
        let dir = tempfile::tempdir().unwrap();
        let rooms = rooms(dir.path());
        let (room, _key) = rooms.create(Settings::default());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut screens = Vec::new();
        for tag in ["de", "es"] {
            let reader = tokio::net::TcpStream::connect(listener.local_addr().unwrap())
                .await
                .unwrap();
            let (socket, io) =
                crate::delivery::socket::SharedSocket::new(listener.accept().await.unwrap().0);
            let mut client = Client::new(socket);
            client.lang = crate::i18n::Lang::parse(tag).unwrap();
            room.host_connect(&client).unwrap();
            screens.push((reader, client, io));
        }
        room.storage_changed(false);
        for (mut reader, client, _io) in screens {
            let want = client.lang.get("error-host-storage");
            assert_ne!(want, crate::i18n::Lang::EN.get("error-host-storage"));
            let mut got = Vec::new();
            let read = tokio::time::timeout(Duration::from_secs(5), async {
                let mut buf = [0u8; 4096];
                while !String::from_utf8_lossy(&got).contains(&want) {
                    match reader.read(&mut buf).await {
                        Ok(n) if n > 0 => got.extend_from_slice(&buf[..n]),
                        _ => break,
                    }
                }
            })
            .await;
            assert!(
                read.is_ok() && String::from_utf8_lossy(&got).contains(&want),
                "{}: {}",
                client.lang.tag(),
                String::from_utf8_lossy(&got)
            );
        }
    }

    #[tokio::test]
    async fn removing_thousands_of_disconnected_players_leaves_none() {
        let dir = tempfile::tempdir().unwrap();
        let rooms = rooms_of(dir.path(), 10_000);
        let (room, _) = rooms.create(Settings::default());
        // Fillers that came and went (issue 16); the one-pass removal's
        // speed is a benchmark matter, its result is checked here.
        for i in 0..6_000 {
            let name = PlayerName::parse(&format!("filler {i}")).unwrap();
            let session = room.join(&name, None).unwrap();
            room.leave(session.player, session.generation, None);
        }
        room.remove_disconnected().unwrap();
        assert_eq!(room.summary().1, 0);
    }

    #[tokio::test]
    async fn rooms_count_their_open_questions_for_solo_idle() {
        let dir = tempfile::tempdir().unwrap();
        let rooms = rooms(dir.path());
        let (a, _) = rooms.create(Settings::default());
        let (b, _) = rooms.create(Settings::default());
        assert!(!rooms.any_question_open());
        a.start_round().unwrap();
        b.start_round().unwrap();
        assert!(rooms.any_question_open());
        a.reveal().unwrap();
        assert!(rooms.any_question_open(), "b is still open");
        b.end_game().unwrap();
        assert!(!rooms.any_question_open());
        // A room let go with its question open no longer counts.
        a.start_round().unwrap();
        assert!(rooms.any_question_open());
        rooms.evict_idle_at(rooms.deps.clock.now() + 49 * HOUR);
        assert!(!rooms.any_question_open());
        assert_eq!(rooms.deps.questions_open.load(Relaxed), 0);
    }

    const HOUR: u64 = 60 * 60 * 1000;

    #[test]
    fn lobbies_nobody_joined_go_after_hours_games_after_two_days() {
        use Idleness::*;
        // A lobby nobody joined: kept for the evening, then deleted.
        assert_eq!(idleness(Phase::Lobby, 0, 0, 2 * HOUR), Keep);
        assert_eq!(idleness(Phase::Lobby, 0, 0, 3 * HOUR + 1), Delete);
        // Somebody joined, or the host screen is open: not deleted.
        assert_eq!(idleness(Phase::Lobby, 1, 0, 3 * HOUR + 1), Keep);
        assert_eq!(idleness(Phase::Lobby, 0, 1, 100 * HOUR), Keep);
        // A game: archived (its results kept) after 48 h.
        assert_eq!(idleness(Phase::Over, 5, 0, 47 * HOUR), Keep);
        assert_eq!(idleness(Phase::Over, 5, 0, 48 * HOUR + 1), Archive);
        assert_eq!(idleness(Phase::Lobby, 2, 0, 48 * HOUR + 1), Archive);
        assert_eq!(idleness(Phase::Question, 5, 3, 100 * HOUR), Keep);
    }
}
