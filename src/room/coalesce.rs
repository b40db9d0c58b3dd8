//! Lobby and progress updates coalesced: many joins or votes make one
//! message per interval; the room's timer sends what is still waiting.

use super::views::BIG_ROOM;
use crate::game::{Millis, Phase};

/// Lobby updates are coalesced to at most one per this many ms.
const LOBBY_EVERY_MS: Millis = 200;
/// In rooms larger than [`BIG_ROOM`], once a second.
const BIG_LOBBY_EVERY_MS: Millis = 1000;
/// `progress` goes to the host at most ten times a second.
const PROGRESS_EVERY_MS: Millis = 100;

/// Which updates a room owes its screens, and when it last sent each.
#[derive(Debug, Default)]
pub(super) struct PendingUpdates {
    lobby_dirty: bool,
    lobby_sent_at: Millis,
    progress_dirty: bool,
    progress_sent_at: Millis,
}

/// What [`PendingUpdates::due`] says to send now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Due {
    pub lobby: bool,
    pub progress: bool,
}

impl PendingUpdates {
    /// Who is in the room (or the settings) changed; during a question
    /// that changes who is voting too.
    pub fn lobby_changed(&mut self, phase: Phase) {
        self.lobby_dirty = true;
        if phase == Phase::Question {
            self.progress_dirty = true;
        }
    }

    /// A vote was counted.
    pub fn vote_counted(&mut self) {
        self.progress_dirty = true;
    }

    /// A question went out: its first `progress` comes an interval later.
    pub fn round_started(&mut self, now: Millis) {
        self.progress_dirty = false;
        self.progress_sent_at = now;
    }

    /// The question closed (reveal or game over): no `progress` is owed.
    pub fn round_ended(&mut self) {
        self.progress_dirty = false;
    }

    /// What is due at `now` in a room of `players`, marked as sent.
    pub fn due(&mut self, players: usize, now: Millis) -> Due {
        let lobby = self.lobby_dirty && now >= self.lobby_sent_at + lobby_every(players);
        if lobby {
            self.lobby_dirty = false;
            self.lobby_sent_at = now;
        }
        let progress = self.progress_dirty && now >= self.progress_sent_at + PROGRESS_EVERY_MS;
        if progress {
            self.progress_dirty = false;
            self.progress_sent_at = now;
        }
        Due { lobby, progress }
    }

    /// When the next owed update falls due, if any is owed.
    pub fn next_due(&self, players: usize) -> Option<Millis> {
        let lobby = self
            .lobby_dirty
            .then_some(self.lobby_sent_at + lobby_every(players));
        let progress = self
            .progress_dirty
            .then_some(self.progress_sent_at + PROGRESS_EVERY_MS);
        lobby.into_iter().chain(progress).min()
    }
}

fn lobby_every(players: usize) -> Millis {
    if players > BIG_ROOM {
        BIG_LOBBY_EVERY_MS
    } else {
        LOBBY_EVERY_MS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_joins_make_one_lobby_update_per_interval() {
        let mut updates = PendingUpdates::default();
        updates.lobby_changed(Phase::Lobby);
        assert_eq!(updates.next_due(10), Some(200));
        assert!(!updates.due(10, 199).lobby);
        assert!(updates.due(10, 200).lobby);
        // Sent: nothing owed until the next change, then an interval on.
        assert_eq!(updates.next_due(10), None);
        updates.lobby_changed(Phase::Lobby);
        updates.lobby_changed(Phase::Lobby);
        assert_eq!(updates.next_due(10), Some(400));
        // A big room waits a second.
        assert_eq!(updates.next_due(BIG_ROOM + 1), Some(1200));
    }

    #[test]
    fn progress_waits_an_interval_after_the_question_and_none_after_it() {
        let mut updates = PendingUpdates::default();
        updates.round_started(1_000);
        updates.vote_counted();
        assert_eq!(updates.next_due(10), Some(1_100));
        assert_eq!(
            updates.due(10, 1_050),
            Due {
                lobby: false,
                progress: false
            }
        );
        assert!(updates.due(10, 1_100).progress);
        // A leave during a question owes both.
        updates.lobby_changed(Phase::Question);
        assert_eq!(updates.next_due(10), Some(200));
        updates.round_ended();
        assert!(!updates.due(10, 5_000).progress);
    }
}
