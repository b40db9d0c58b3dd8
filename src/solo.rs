//! Solo play in the browser: one question at a time, answered once, with the
//! answer kept on the server until then.

use std::time::Duration;

use dashmap::DashMap;
use tokio::time::Instant;

use crate::game::{Pool, Question, pick_question};
use crate::room::code;

/// Unanswered rounds and idle sessions are forgotten after this.
const KEEP: Duration = Duration::from_secs(60 * 60);
/// Above this many open rounds, older ones are swept on insert.
const MAX_ROUNDS: usize = 100_000;
const MAX_SESSION_CHARS: usize = 64;

#[derive(Debug)]
struct SoloRound {
    question: Question,
    answered: bool,
    created: Instant,
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
}

#[derive(Debug, Default)]
pub struct Solo {
    rounds: DashMap<String, SoloRound>,
    sessions: DashMap<String, Session>,
}

impl Solo {
    /// A new question; with a session, nobody is asked twice until everyone
    /// has been.
    pub fn new_round(&self, pool: &Pool, session: Option<&str>) -> Option<(String, Question)> {
        let mut rng = rand::rng();
        let session = session.filter(|s| !s.is_empty() && s.chars().count() <= MAX_SESSION_CHARS);
        let question = match session {
            Some(key) => {
                let mut entry = self
                    .sessions
                    .entry(key.to_string())
                    .or_insert_with(|| Session {
                        asked: vec![false; pool.len()],
                        seen: Instant::now(),
                    });
                if entry.asked.iter().all(|&a| a) {
                    entry.asked.iter_mut().for_each(|a| *a = false);
                }
                let q = pick_question(pool, &entry.asked, true, &mut rng)?;
                entry.asked[q.target] = true;
                entry.seen = Instant::now();
                q
            }
            None => pick_question(pool, &[], true, &mut rng)?,
        };
        if self.rounds.len() >= MAX_ROUNDS {
            self.sweep(Duration::from_secs(60));
        }
        let id = code::secret(&mut rng);
        self.rounds.insert(
            id.clone(),
            SoloRound {
                question: question.clone(),
                answered: false,
                created: Instant::now(),
            },
        );
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
        })
    }

    /// Forgets rounds and sessions older than `age`.
    pub fn sweep(&self, age: Duration) {
        self.rounds.retain(|_, r| r.created.elapsed() < age);
        self.sessions.retain(|_, s| s.seen.elapsed() < age);
    }

    pub async fn run_sweeper(&self) {
        let mut every = tokio::time::interval(Duration::from_secs(60));
        loop {
            every.tick().await;
            self.sweep(KEEP);
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
        }
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
