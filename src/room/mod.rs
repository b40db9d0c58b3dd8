//! The rooms of this server: a registry keyed by code, one timer task per
//! room, idle rooms evicted.

pub mod code;
pub mod front;
pub mod gate;
pub mod hub;
#[allow(clippy::module_inception)]
mod room;

use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use dashmap::DashMap;
use dashmap::mapref::entry::Entry;

pub use room::{PhoneSession, Room, RoomDeps, Seat, UnknownToken, settings_json};

use crate::game::{Millis, Settings};
use crate::store::StoredRoom;

/// Rooms with nobody connected and no activity for this long are archived.
const IDLE_EVICT_MS: u64 = 48 * 60 * 60 * 1000;

#[derive(Debug)]
pub struct Rooms {
    map: DashMap<String, Arc<Room>>,
    deps: Arc<RoomDeps>,
}

impl Rooms {
    pub fn new(deps: Arc<RoomDeps>) -> Self {
        Self {
            map: DashMap::new(),
            deps,
        }
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

    /// Whether any room has a question open (`--solo idle`). Looks at
    /// every room: solo rounds are paced per address, rooms are few.
    pub fn any_question_open(&self) -> bool {
        self.map
            .iter()
            .any(|room| room.summary().0 == crate::game::Phase::Question)
    }

    pub fn get(&self, code: &str) -> Option<Arc<Room>> {
        self.map.get(code).map(|r| r.clone())
    }

    /// A new room under a fresh code, with its timer running; also returns
    /// the host key, which is kept only hashed.
    pub fn create(&self, settings: Settings) -> (Arc<Room>, String) {
        let mut rng = rand::rng();
        let mut len = 4;
        let mut tries = 0;
        loop {
            let candidate = code::random_code(&mut rng, len);
            if let Entry::Vacant(slot) = self.map.entry(candidate.clone()) {
                let key = code::secret(&mut rng);
                let room = Arc::new(Room::create(candidate, &key, settings, self.deps.clone()));
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
            let room = Arc::new(Room::restore(s, down_since, self.deps.clone()));
            self.map.insert(room.code.clone(), room.clone());
            tokio::spawn(run_timer(room));
        }
    }

    /// Archives rooms nobody has used for a long time: results stay in the
    /// store, live state leaves memory.
    pub fn evict_idle(&self) {
        let now = self.deps.clock.now();
        self.map.retain(|_, room| {
            let idle =
                room.connections() == 0 && now.saturating_sub(room.last_active()) > IDLE_EVICT_MS;
            if idle {
                room.archive();
                room.evicted.store(true, Relaxed);
                room.wake.notify_one();
            }
            !idle
        });
    }
}

/// Sleeps until the room's next deadline or pending flush; re-plans when woken.
async fn run_timer(room: Arc<Room>) {
    let clock = room.clock();
    loop {
        if room.evicted.load(Relaxed) {
            return;
        }
        match room.next_wake() {
            Some(at) => {
                tokio::select! {
                    _ = tokio::time::sleep_until(clock.instant_at(at)) => room.on_timer(),
                    _ = room.wake.notified() => {}
                }
            }
            None => room.wake.notified().await,
        }
    }
}

/// Background sweep of idle rooms.
pub async fn run_evictor(rooms: Arc<Rooms>) {
    let mut every = tokio::time::interval(Duration::from_secs(60));
    loop {
        every.tick().await;
        rooms.evict_idle();
    }
}
