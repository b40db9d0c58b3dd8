//! Which socket speaks for which player in a room: resume tokens (kept by
//! hash), connection generations, and the seats held per network.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

use rand::Rng;

use super::code;
use crate::delivery::fanout::Generation;
use crate::game::{Game, Millis, PlayerId};
use crate::store;

/// Seats that players who joined from one network and left without ever
/// voting may hold at once (within their seat hold): a join from that
/// network beyond it frees the one away longest. Throw-away joins then keep
/// no more than this many seats, whatever their pace; a venue's 200 phones
/// rarely have 20 dropped at once, and a phone whose seat went early gets
/// it back on `resume` while the room has one free.
pub const LAPSING_SEATS_PER_NETWORK: usize = 20;

/// A phone that got in: its welcome and `state` are queued for its socket
/// (sent once the join is durable), broadcasts follow them.
#[derive(Debug, Clone, Copy)]
pub struct PhoneSession {
    pub player: PlayerId,
    pub generation: Generation,
    /// The event that must be durable before the welcome.
    pub seq: u64,
}

/// Why a `resume` was refused: the token is unknown (or its player was
/// kicked), its lapsed seat cannot come back, or the room has closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResumeRefused;

/// A room's sessions, kept under the room's lock; plain data, no I/O.
#[derive(Debug)]
pub(super) struct Sessions {
    /// Resume tokens by their hash: the raw token is only ever on the phone.
    tokens: HashMap<String, PlayerId>,
    /// Current connection generation per player: only its socket counts.
    generations: HashMap<PlayerId, Generation>,
    /// Players who joined from each network and may yet lapse (never
    /// voted), oldest first: see [`LAPSING_SEATS_PER_NETWORK`]. Memory
    /// only: after a restart every seat's hold starts again anyway.
    joined_from: HashMap<IpAddr, Vec<PlayerId>>,
    next_generation: u64,
}

impl Default for Sessions {
    fn default() -> Self {
        Self {
            tokens: HashMap::new(),
            generations: HashMap::new(),
            joined_from: HashMap::new(),
            next_generation: 1,
        }
    }
}

impl Sessions {
    /// The sessions of a room read back from the store: its players'
    /// `(player, token hash)`; nobody is connected.
    pub fn restored(tokens: Vec<(PlayerId, String)>) -> Self {
        Self {
            tokens: tokens.into_iter().map(|(p, h)| (h, p)).collect(),
            ..Self::default()
        }
    }

    /// A new resume token for `player`: the raw token (for the phone) and
    /// its hash (for the store).
    pub fn issue_token<R: Rng + ?Sized>(
        &mut self,
        player: PlayerId,
        rng: &mut R,
    ) -> (String, String) {
        let token = code::secret(rng);
        let hash = store::hash_secret(&token);
        self.tokens.insert(hash.clone(), player);
        (token, hash)
    }

    pub fn player_for_token(&self, token: &str) -> Option<PlayerId> {
        self.tokens.get(&store::hash_secret(token)).copied()
    }

    /// `player`'s next connection generation, and whether it replaces a
    /// socket still counted as the player's.
    pub fn new_generation(&mut self, player: PlayerId) -> (Generation, bool) {
        let generation = Generation(self.next_generation);
        self.next_generation += 1;
        let replaced = self.generations.insert(player, generation).is_some();
        (generation, replaced)
    }

    pub fn is_current(&self, player: PlayerId, generation: Generation) -> bool {
        self.generations.get(&player) == Some(&generation)
    }

    /// A socket of `player` ended: whether it was the current one (and
    /// the player is now disconnected).
    pub fn end(&mut self, player: PlayerId, generation: Generation) -> bool {
        let current = self.is_current(player, generation);
        if current {
            self.generations.remove(&player);
        }
        current
    }

    /// Kicked players: their tokens stop working, their sockets count no more.
    pub fn forget(&mut self, players: &HashSet<PlayerId>) {
        self.tokens.retain(|_, p| !players.contains(p));
        for player in players {
            self.generations.remove(player);
        }
    }

    /// `player` joined from `network`.
    pub fn network_joined(&mut self, network: IpAddr, player: PlayerId) {
        self.joined_from.entry(network).or_default().push(player);
    }

    /// The seat to free before a join from `network`: when players who
    /// joined from it and left without voting hold
    /// [`LAPSING_SEATS_PER_NETWORK`] seats, the one away longest. Forgets
    /// those who can no longer lapse.
    pub fn seat_to_free(&mut self, network: IpAddr, game: &Game) -> Option<PlayerId> {
        let joined = self.joined_from.get_mut(&network)?;
        joined.retain(|&id| game.may_lapse(id));
        let lapsing: Vec<(Millis, PlayerId)> = joined
            .iter()
            .filter_map(|&id| game.lapsing_since(id).map(|since| (since, id)))
            .collect();
        if joined.is_empty() {
            self.joined_from.remove(&network);
        }
        if lapsing.len() < LAPSING_SEATS_PER_NETWORK {
            return None;
        }
        lapsing.iter().min().map(|&(_, oldest)| oldest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::{PlayerName, Pool, Settings};
    use std::sync::Arc;

    fn game() -> Game {
        let pool = Arc::new(Pool {
            groups: vec![None; 8],
            in_memoriam: vec![false; 8],
            excluded: Vec::new(),
        });
        Game::new(pool, Settings::default(), 1_000)
    }

    #[test]
    fn a_token_finds_its_player_by_hash_until_the_player_is_forgotten() {
        let mut sessions = Sessions::default();
        let mut rng = rand::rng();
        let ann = PlayerId::new(7);
        let (token, hash) = sessions.issue_token(ann, &mut rng);
        assert_ne!(token, hash, "only the hash is kept");
        assert_eq!(hash, store::hash_secret(&token));
        assert_eq!(sessions.player_for_token(&token), Some(ann));
        assert_eq!(sessions.player_for_token(&hash), None);
        let restored = Sessions::restored(vec![(ann, hash)]);
        assert_eq!(restored.player_for_token(&token), Some(ann));
        sessions.forget(&HashSet::from([ann]));
        assert_eq!(sessions.player_for_token(&token), None);
    }

    #[test]
    fn only_the_newest_socket_of_a_player_counts() {
        let mut sessions = Sessions::default();
        let (ann, bob) = (PlayerId::new(3), PlayerId::new(4));
        let (first, replaced) = sessions.new_generation(ann);
        assert!(!replaced);
        let (second, replaced) = sessions.new_generation(ann);
        assert!(replaced, "the first socket is replaced");
        assert!(second > first);
        assert!(!sessions.is_current(ann, first));
        // The old socket ending leaves the player connected.
        assert!(!sessions.end(ann, first));
        assert!(sessions.end(ann, second));
        assert!(!sessions.is_current(ann, second));
        // Generations are never reused, even by another player.
        let (other, replaced) = sessions.new_generation(bob);
        assert!(!replaced);
        assert!(other > second);
        sessions.forget(&HashSet::from([bob]));
        assert!(!sessions.is_current(bob, other));
    }

    #[test]
    fn the_seat_away_longest_is_freed_once_a_network_holds_too_many() {
        let network: IpAddr = "192.0.2.1".parse().unwrap();
        let mut g = game();
        let mut sessions = Sessions::default();
        // Joined from one network and left, each a second after the last.
        for i in 0..LAPSING_SEATS_PER_NETWORK as u64 {
            let name = PlayerName::parse(&format!("Guest {i}")).unwrap();
            g.join(&name, i * 1000).unwrap();
            // Ids are handed out in join order.
            let id = PlayerId::new(i as u32);
            g.set_connected(id, true, i * 1000);
            sessions.network_joined(network, id);
            if i < LAPSING_SEATS_PER_NETWORK as u64 - 1 {
                g.set_connected(id, false, 10_000 + i * 1000);
            }
        }
        // One is still connected: one seat short of the limit.
        assert_eq!(sessions.seat_to_free(network, &g), None);
        let last = PlayerId::new(LAPSING_SEATS_PER_NETWORK as u32 - 1);
        g.set_connected(last, false, 50_000);
        assert_eq!(sessions.seat_to_free(network, &g), Some(PlayerId::new(0)));
        // Another network is not held to this one's count.
        let other: IpAddr = "198.51.100.1".parse().unwrap();
        assert_eq!(sessions.seat_to_free(other, &g), None);
        // Its seat lapsed: forgotten, the network is under the limit again.
        assert!(g.lapse_now(PlayerId::new(0)));
        assert_eq!(sessions.seat_to_free(network, &g), None);
    }
}
