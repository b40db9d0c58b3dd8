//! Solo play in the browser: one question at a time, answered once, with the
//! answer kept on the server until then.
//!
//! Solo reveals which photo is whose, so it is paced per address, can be
//! turned off (`--solo off`, or `idle`: closed while a room has a question
//! open), and its photo URLs are per round (`roster/urls.rs`).

use std::collections::VecDeque;
use std::net::IpAddr;
use std::time::Duration;

use dashmap::DashMap;
use parking_lot::Mutex;
use tokio::time::Instant;

use crate::clock;
use crate::game::{Pool, Question, pick_question};
use crate::http::pace::Pace;
use crate::room::code;

/// Unanswered rounds and idle sessions are forgotten after this.
const KEEP: Duration = Duration::from_secs(60 * 60);
/// At most this many rounds are kept; past it the oldest is forgotten.
const MAX_ROUNDS: usize = 100_000;
/// At most this many sessions are kept; past it the least recently seen goes.
const MAX_SESSIONS: usize = 20_000;
const MAX_SESSION_CHARS: usize = 64;
/// Solo rounds an address may start: a steady human pace (a round takes a
/// look at four faces and a tap) with a burst for a quick start.
pub const ROUNDS_PER_SECOND: f64 = 2.0;
pub const ROUND_BURST: f64 = 10.0;

/// `--solo`: whether solo play is open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum SoloMode {
    /// Always open (the default).
    #[default]
    On,
    /// Closed: the page says so and the API answers 403 `solo_off`.
    Off,
    /// Closed while any room has a question open (503 `solo_paused`).
    Idle,
}

#[derive(Debug)]
struct SoloRound {
    /// Whose class: 0 the built-in one, else an organiser's preview.
    reunion: u32,
    question: Question,
    answered: bool,
}

#[derive(Debug)]
struct Session {
    asked: Vec<bool>,
    seen: Instant,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SoloError {
    UnknownRound,
    AlreadyAnswered,
    BadChoice,
}

/// The answer to a solo round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SoloResult {
    pub correct: bool,
    pub answer: u8,
    pub target: usize,
    /// The round's class ([`Solo::new_round_of`]).
    pub reunion: u32,
}

/// How long ago `at` was, by the server's clock (skipped in tests).
fn since(at: Instant) -> Duration {
    clock::now().saturating_duration_since(at)
}

/// Keys in the order they were added, beside a map: expiring the oldest
/// is a pop from the front, never a sweep of the whole map.
#[derive(Debug, Default)]
struct Queue(Mutex<VecDeque<(Instant, String)>>);

#[derive(Debug)]
pub struct Solo {
    pub mode: SoloMode,
    rounds: DashMap<String, SoloRound>,
    round_order: Queue,
    sessions: DashMap<String, Session>,
    session_order: Queue,
    max_rounds: usize,
    pace: Pace,
}

impl Default for Solo {
    fn default() -> Self {
        Self::new(SoloMode::On)
    }
}

impl Solo {
    pub fn new(mode: SoloMode) -> Self {
        Self {
            mode,
            rounds: DashMap::new(),
            round_order: Queue::default(),
            sessions: DashMap::new(),
            session_order: Queue::default(),
            max_rounds: MAX_ROUNDS,
            pace: Pace::new(ROUND_BURST, ROUNDS_PER_SECOND),
        }
    }

    /// Counts a new round against `ip`; `Err` says when to try again.
    pub fn pace(&self, ip: IpAddr) -> Result<(), Duration> {
        self.pace.take(ip)
    }

    /// A new question; with a session, nobody is asked twice until everyone
    /// has been.
    pub fn new_round(&self, pool: &Pool, session: Option<&str>) -> Option<(String, Question)> {
        self.new_round_of(0, pool, session)
    }

    /// Which class round `id` asks from, while it is kept.
    pub fn reunion_of(&self, id: &str) -> Option<u32> {
        self.rounds.get(id).map(|r| r.reunion)
    }

    /// A round on reunion `reunion`'s class (`pool`).
    pub fn new_round_of(
        &self,
        reunion: u32,
        pool: &Pool,
        session: Option<&str>,
    ) -> Option<(String, Question)> {
        let mut rng = rand::rng();
        let session = session.filter(|s| !s.is_empty() && s.chars().count() <= MAX_SESSION_CHARS);
        let question = match session {
            Some(key) => {
                let mut is_new = false;
                let mut entry = self.sessions.entry(key.to_string()).or_insert_with(|| {
                    is_new = true;
                    Session {
                        asked: vec![false; pool.len()],
                        seen: clock::now(),
                    }
                });
                // An event's class grows as its organiser adds people.
                entry.asked.resize(pool.len(), false);
                if entry.asked.iter().all(|&a| a) {
                    entry.asked.iter_mut().for_each(|a| *a = false);
                }
                let q = pick_question(pool, &entry.asked, true, &mut rng);
                if let Some(q) = &q {
                    entry.asked[q.target] = true;
                }
                entry.seen = clock::now();
                // Queued after the map's lock is let go: `expire` takes
                // the queue's lock first, then the map's.
                drop(entry);
                if is_new {
                    self.session_order
                        .0
                        .lock()
                        .push_back((clock::now(), key.to_string()));
                }
                q?
            }
            None => pick_question(pool, &[], true, &mut rng)?,
        };
        let id = code::secret(&mut rng);
        self.rounds.insert(
            id.clone(),
            SoloRound {
                reunion,
                question: question.clone(),
                answered: false,
            },
        );
        self.round_order
            .0
            .lock()
            .push_back((clock::now(), id.clone()));
        self.expire(KEEP);
        Some((id, question))
    }

    pub fn answer(&self, round_id: &str, choice: i64) -> Result<SoloResult, SoloError> {
        let mut round = self
            .rounds
            .get_mut(round_id)
            .ok_or(SoloError::UnknownRound)?;
        if round.answered {
            return Err(SoloError::AlreadyAnswered);
        }
        let choice = u8::try_from(choice)
            .ok()
            .filter(|c| *c < 4)
            .ok_or(SoloError::BadChoice)?;
        round.answered = true;
        let q = &round.question;
        Ok(SoloResult {
            correct: choice == q.answer,
            answer: q.answer,
            target: q.target,
            reunion: round.reunion,
        })
    }

    /// Forgets rounds older than `age` (or past the cap, oldest first) and
    /// sessions not seen for `age`: each step pops the front of a queue.
    fn expire(&self, age: Duration) {
        let mut order = self.round_order.0.lock();
        while let Some((created, id)) = order.front() {
            if since(*created) < age && order.len() <= self.max_rounds {
                break;
            }
            self.rounds.remove(id);
            order.pop_front();
        }
        drop(order);
        let mut order = self.session_order.0.lock();
        // Each session is queued once; one seen since it was queued goes to
        // the back again (so the queue is only roughly in time order, and a
        // session may outlive `age` by as long as those ahead of it).
        while let Some((queued, _)) = order.front() {
            let over = order.len() > MAX_SESSIONS;
            if !over && since(*queued) < age {
                break;
            }
            let Some((_, key)) = order.pop_front() else {
                break;
            };
            let seen = self.sessions.get(&key).map(|s| s.seen);
            match seen {
                Some(seen) if !over && since(seen) < age => order.push_back((seen, key)),
                Some(_) => {
                    self.sessions.remove(&key);
                }
                None => {}
            }
        }
    }

    /// Every minute by the server's clock (so a test's skip runs it).
    pub async fn run_sweeper(&self) {
        loop {
            self.expire(KEEP);
            self.pace.sweep();
            clock::sleep(Duration::from_secs(60)).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool() -> Pool {
        Pool {
            groups: vec![None; 6],
            in_memoriam: vec![false; 6],
            ..Pool::default()
        }
    }

    #[test]
    fn a_session_follows_a_class_that_grew_and_keeps_its_reunion() {
        let solo = Solo::default();
        let grown = |n: usize| Pool {
            groups: vec![None; n],
            in_memoriam: vec![false; n],
            ..Pool::default()
        };
        for _ in 0..4 {
            solo.new_round_of(7, &grown(4), Some("7:s")).unwrap();
        }
        // Person 4 was added meanwhile: asked next, no index past the end.
        let (id, q) = solo.new_round_of(7, &grown(5), Some("7:s")).unwrap();
        assert_eq!(q.target, 4);
        assert_eq!(solo.reunion_of(&id), Some(7));
        assert_eq!(solo.answer(&id, 0).unwrap().reunion, 7);
    }

    #[test]
    fn a_round_is_answered_once() {
        let solo = Solo::default();
        let (id, q) = solo.new_round(&pool(), None).unwrap();
        let r = solo.answer(&id, i64::from(q.answer)).unwrap();
        assert!(r.correct);
        assert_eq!(solo.answer(&id, 0), Err(SoloError::AlreadyAnswered));
        assert_eq!(solo.answer("nope", 0), Err(SoloError::UnknownRound));
    }

    #[test]
    fn past_the_cap_the_oldest_round_goes_first() {
        let solo = Solo {
            max_rounds: 100,
            ..Solo::default()
        };
        let ids: Vec<String> = (0..150)
            .map(|_| solo.new_round(&pool(), None).unwrap().0)
            .collect();
        assert_eq!(solo.rounds.len(), 100);
        assert_eq!(solo.answer(&ids[0], 0), Err(SoloError::UnknownRound));
        assert_eq!(solo.answer(&ids[49], 0), Err(SoloError::UnknownRound));
        assert!(solo.answer(&ids[50], 0).is_ok());
        assert!(solo.answer(&ids[149], 0).is_ok());
    }

    #[tokio::test(start_paused = true)]
    async fn old_rounds_and_sessions_expire_a_queue_front_at_a_time() {
        let solo = Solo::default();
        let (old, _) = solo.new_round(&pool(), Some("old")).unwrap();
        solo.new_round(&pool(), Some("kept")).unwrap();
        tokio::time::advance(KEEP - Duration::from_secs(1)).await;
        // "kept" plays again: it stays; "old" does not.
        solo.new_round(&pool(), Some("kept")).unwrap();
        tokio::time::advance(Duration::from_secs(2)).await;
        let (fresh, _) = solo.new_round(&pool(), None).unwrap();
        assert_eq!(solo.answer(&old, 0), Err(SoloError::UnknownRound));
        assert!(solo.answer(&fresh, 0).is_ok());
        assert!(!solo.sessions.contains_key("old"));
        assert!(solo.sessions.contains_key("kept"));
        assert_eq!(solo.rounds.len(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn rounds_are_paced_per_address_with_a_burst() {
        let solo = Solo::default();
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        let other: IpAddr = "10.0.0.2".parse().unwrap();
        for _ in 0..ROUND_BURST as usize {
            assert!(solo.pace(ip).is_ok());
        }
        let wait = solo.pace(ip).unwrap_err();
        assert!(wait <= Duration::from_secs(1), "{wait:?}");
        assert!(solo.pace(other).is_ok(), "another address has its own");
        let v6: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        for _ in 0..ROUND_BURST as usize {
            assert!(solo.pace(v6).is_ok());
        }
        let same_64: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        assert!(
            solo.pace(same_64).is_err(),
            "one IPv6 client's /64 is one address"
        );
        let mapped: IpAddr = "::ffff:10.0.0.1".parse().unwrap();
        assert!(
            solo.pace(mapped).is_err(),
            "IPv4 seen as IPv6 is the same address"
        );
        tokio::time::advance(Duration::from_secs(1)).await;
        for _ in 0..ROUNDS_PER_SECOND as usize {
            assert!(solo.pace(ip).is_ok());
        }
        assert!(solo.pace(ip).is_err(), "no more than the steady pace");
    }

    #[test]
    fn a_session_sees_everyone_before_anyone_twice() {
        let solo = Solo::default();
        let mut seen = Vec::new();
        for _ in 0..6 {
            let (_, q) = solo.new_round(&pool(), Some("s1")).unwrap();
            assert!(!seen.contains(&q.target));
            seen.push(q.target);
        }
        assert!(solo.new_round(&pool(), Some("s1")).is_some());
    }
}
