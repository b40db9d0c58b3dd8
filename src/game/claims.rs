//! "I'm…": which classmate a player says they are (issue 21). Pure: the
//! rules of claiming and the search over the class the phone asks with.

use std::collections::HashMap;

use super::round::PlayerId;
use crate::roster::matching::fold;

/// A player's claim on a classmate (an index into the class).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claim {
    pub person: usize,
    /// `true` once it is theirs; `false` while it waits for the host,
    /// because somebody else holds that person.
    pub held: bool,
}

/// Who claims whom, by person: a question's person finds the players
/// it is about without a pass over every player.
#[derive(Debug, Clone, Default)]
pub struct ClaimIndex {
    by_person: HashMap<usize, Vec<PlayerId>>,
}

impl ClaimIndex {
    pub fn add(&mut self, person: usize, player: PlayerId) {
        let claimants = self.by_person.entry(person).or_default();
        if !claimants.contains(&player) {
            claimants.push(player);
        }
    }

    pub fn remove(&mut self, person: usize, player: PlayerId) {
        if let Some(claimants) = self.by_person.get_mut(&person) {
            claimants.retain(|p| *p != player);
            if claimants.is_empty() {
                self.by_person.remove(&person);
            }
        }
    }

    /// Every player claiming `person`, held or asked, in claim order.
    pub fn claimants(&self, person: usize) -> &[PlayerId] {
        self.by_person.get(&person).map_or(&[], Vec::as_slice)
    }
}

/// At most this many people answer one search.
pub const MAX_MATCHES: usize = 8;

/// The people a phone's search finds, in class order: every word typed is
/// the start of a word of the name or of `known_as`, ignoring case,
/// accents and punctuation (`jose nu` finds `José Núñez-Díaz`). `people`
/// is `(index, name, known_as)` of those who may be claimed; an empty
/// search finds nobody.
pub fn search<'a>(
    query: &str,
    people: impl IntoIterator<Item = (usize, &'a str, Option<&'a str>)>,
) -> Vec<usize> {
    let query = fold(query);
    let words: Vec<&str> = query.split(' ').filter(|w| !w.is_empty()).collect();
    if words.is_empty() {
        return Vec::new();
    }
    let found = |text: &str| {
        let folded = fold(text);
        let theirs: Vec<&str> = folded.split(' ').collect();
        words
            .iter()
            .all(|w| theirs.iter().any(|t| t.starts_with(w)))
    };
    people
        .into_iter()
        .filter(|(_, name, known_as)| found(name) || known_as.is_some_and(found))
        .map(|(i, _, _)| i)
        .take(MAX_MATCHES)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class() -> Vec<(usize, &'static str, Option<&'static str>)> {
        vec![
            (0, "José Núñez-Díaz", None),
            (1, "Katherine O'Brien", Some("Kate Miller")),
            (2, "Kevin Schmidt", None),
            (3, "Zoë Müller", None),
        ]
    }

    #[test]
    fn a_search_ignores_accents_case_and_punctuation() {
        assert_eq!(search("jose nu", class()), vec![0]);
        assert_eq!(search("NUNEZ", class()), vec![0]);
        assert_eq!(search("obrien", class()), vec![1]);
        assert_eq!(search("zoe mul", class()), vec![3]);
        assert_eq!(search("müll", class()), vec![3]);
    }

    #[test]
    fn a_search_finds_people_by_what_they_are_known_as() {
        assert_eq!(search("kate mil", class()), vec![1]);
        assert_eq!(search("k", class()), vec![1, 2]);
    }

    #[test]
    fn an_empty_search_finds_nobody_and_a_long_one_stops_at_the_limit() {
        assert!(search("  ", class()).is_empty());
        assert!(search("-", class()).is_empty());
        let many: Vec<(usize, &str, Option<&str>)> =
            (0..20).map(|i| (i, "Anna Smith", None)).collect();
        assert_eq!(search("anna", many).len(), MAX_MATCHES);
    }

    use crate::game::{Event, Game, Phase, PlayerName, Pool, RuleError, Settings};
    use proptest::prelude::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;
    use std::sync::Arc;

    const A: PlayerId = PlayerId::new(0);
    const B: PlayerId = PlayerId::new(1);
    const C: PlayerId = PlayerId::new(2);

    /// Eight classmates, the last in memoriam; `players` joined, connected.
    fn game(players: usize) -> (Game, StdRng) {
        let mut in_memoriam = vec![false; 8];
        in_memoriam[7] = true;
        let pool = Pool {
            groups: vec![None; 8],
            in_memoriam,
            ..Pool::default()
        };
        let settings = Settings {
            rounds: 50,
            seconds: 20,
            include_memoriam: false,
            ..Settings::default()
        };
        let mut g = Game::new(Arc::new(pool), settings, 100);
        for i in 0..players {
            let name = PlayerName::parse(&format!("Player {i}")).unwrap();
            g.join(&name, 0).unwrap();
            g.set_connected(PlayerId::new(i as u32), true, 0);
        }
        (g, StdRng::seed_from_u64(7))
    }

    fn claim_of(g: &Game, id: PlayerId) -> Option<Claim> {
        g.player(id).and_then(|p| p.claim)
    }

    #[test]
    fn a_free_person_is_claimed_at_once_and_a_held_one_is_asked_of_the_host() {
        let (mut g, _) = game(3);
        let events = g.claim(A, 2).unwrap();
        assert_eq!(
            events,
            vec![Event::Claimed {
                player: A,
                person: 2
            }]
        );
        assert_eq!(
            claim_of(&g, A),
            Some(Claim {
                person: 2,
                held: true
            })
        );
        assert!(g.claim(A, 2).unwrap().is_empty(), "the same claim again");
        let events = g.claim(B, 2).unwrap();
        assert_eq!(
            events,
            vec![Event::ClaimAsked {
                player: B,
                person: 2
            }]
        );
        assert_eq!(
            claim_of(&g, B),
            Some(Claim {
                person: 2,
                held: false
            })
        );
        assert_eq!(g.holder_of(2), Some(A), "asking takes nothing from A");
        // The host hands it over: A's claim goes, B's is held.
        let events = g.decide_claim(B, true).unwrap();
        assert_eq!(
            events,
            vec![
                Event::Unclaimed { player: A },
                Event::Claimed {
                    player: B,
                    person: 2
                }
            ]
        );
        assert_eq!(claim_of(&g, A), None);
        assert_eq!(g.holder_of(2), Some(B));
        // A asks it back; the host turns that down.
        g.claim(A, 2).unwrap();
        assert_eq!(
            g.decide_claim(A, false).unwrap(),
            vec![Event::Unclaimed { player: A }]
        );
        assert_eq!((claim_of(&g, A), g.holder_of(2)), (None, Some(B)));
        assert_eq!(g.decide_claim(A, true), Err(RuleError::NoClaimToDecide));
        assert_eq!(
            g.decide_claim(B, true),
            Err(RuleError::NoClaimToDecide),
            "B's is held"
        );
    }

    #[test]
    fn a_claim_is_undone_by_its_player_or_moved_to_another_person() {
        let (mut g, _) = game(2);
        g.claim(A, 1).unwrap();
        g.claim(A, 3).unwrap();
        assert_eq!(
            claim_of(&g, A),
            Some(Claim {
                person: 3,
                held: true
            })
        );
        assert_eq!(g.holder_of(1), None, "the old person is free again");
        assert_eq!(g.unclaim(A).unwrap(), vec![Event::Unclaimed { player: A }]);
        assert!(
            g.unclaim(A).unwrap().is_empty(),
            "nothing to undo is no error"
        );
        assert_eq!(
            g.claim(B, 3).unwrap(),
            vec![Event::Claimed {
                player: B,
                person: 3
            }]
        );
    }

    #[test]
    fn nobody_claims_a_classmate_in_memoriam_or_out_of_the_class() {
        let (mut g, _) = game(1);
        assert_eq!(g.claim(A, 7), Err(RuleError::UnknownPerson));
        assert_eq!(g.claim(A, 8), Err(RuleError::UnknownPerson));
        assert_eq!(g.claim(A, usize::MAX), Err(RuleError::UnknownPerson));
    }

    #[test]
    fn a_kicked_holder_no_longer_keeps_a_person_from_others() {
        let (mut g, _) = game(2);
        g.claim(A, 4).unwrap();
        g.kick(A).unwrap();
        assert_eq!(
            g.claim(B, 4).unwrap(),
            vec![Event::Claimed {
                player: B,
                person: 4
            }]
        );
    }

    #[test]
    fn claims_wait_while_a_question_is_open() {
        let (mut g, mut rng) = game(2);
        g.claim(B, 0).unwrap();
        g.start_round(0, &mut rng).unwrap();
        assert_eq!(g.claim(A, 1), Err(RuleError::ClaimWhileAsking));
        assert_eq!(g.unclaim(B), Err(RuleError::ClaimWhileAsking));
        g.reveal(10).unwrap();
        assert!(g.claim(A, 1).is_ok(), "after the reveal");
    }

    /// Plays the round about `subject`'s claimed person: with `a` the
    /// subject, `b` a guesser.
    fn round_about_a_claimant() -> (Game, u32, u8) {
        let (mut g, mut rng) = game(2);
        g.start_round(0, &mut rng).unwrap();
        let target = g.round().unwrap().question.target;
        g.reveal(1).unwrap();
        // The next round asks someone else; claim the person it asks.
        g.start_round(100, &mut rng).unwrap();
        let next = g.round().unwrap().question.target;
        assert_ne!(next, target);
        let number = g.round_number();
        let answer = g.round().unwrap().question.answer;
        g.reveal(101).unwrap();
        // Replay those two rounds with the claim made first.
        let (mut g, mut rng) = game(2);
        g.start_round(0, &mut rng).unwrap();
        g.reveal(1).unwrap();
        g.claim(A, next).unwrap();
        g.start_round(100, &mut rng).unwrap();
        assert_eq!(g.round().unwrap().question.target, next, "same draw");
        (g, number, answer)
    }

    #[test]
    fn a_guest_never_answers_a_question_about_themselves() {
        let (mut g, round, answer) = round_about_a_claimant();
        assert!(g.is_about(A) && !g.is_about(B));
        assert_eq!(g.asked_about(), vec![A]);
        let streak = g.player(A).unwrap().streak;
        assert_eq!(
            g.vote(A, round, i64::from(answer), 110),
            Err(RuleError::ItsYou)
        );
        assert_eq!(g.voting_status(), (0, 1), "only B is expected to vote");
        let (_, events) = g.vote(B, round, i64::from(answer), 120).unwrap();
        assert!(
            events
                .iter()
                .any(|e| matches!(e, Event::RoundClosed { .. })),
            "B's vote was the last one expected: {events:?}"
        );
        assert_eq!(g.phase(), Phase::Reveal);
        let a = g.player(A).unwrap();
        assert_eq!((a.score, a.answered, a.streak), (0, 0, streak));
        assert!(g.player(B).unwrap().score > 0);
    }

    #[test]
    fn claims_come_back_from_the_stored_events() {
        let (mut g, _) = game(3);
        let mut log = Vec::new();
        log.extend(g.claim(A, 2).unwrap());
        log.extend(g.claim(B, 2).unwrap());
        log.extend(g.claim(C, 5).unwrap());
        log.extend(g.decide_claim(B, true).unwrap());
        let (mut again, _) = game(3);
        for e in &log {
            again.apply(e);
        }
        for id in [A, B, C] {
            assert_eq!(claim_of(&again, id), claim_of(&g, id));
        }
        assert_eq!(again.holder_of(2), Some(B));
    }

    #[derive(Debug, Clone)]
    enum Op {
        Claim(u8, u8),
        Unclaim(u8),
        Decide(u8, bool),
        Start,
        Vote(u8, u8),
        Reveal,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0u8..4, 0u8..9).prop_map(|(p, c)| Op::Claim(p, c)),
            (0u8..4).prop_map(Op::Unclaim),
            (0u8..4, any::<bool>()).prop_map(|(p, g)| Op::Decide(p, g)),
            Just(Op::Start),
            (0u8..4, 0u8..4).prop_map(|(p, c)| Op::Vote(p, c)),
            Just(Op::Reveal),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        /// Whatever the claims, votes and reveals: a player whose claim is
        /// the question's person never has a vote counted in that round and
        /// never gains a point from it.
        #[test]
        fn a_claimant_never_scores_on_their_own_question(ops in proptest::collection::vec(op(), 0..80)) {
            let (mut g, mut rng) = game(4);
            let mut now = 0;
            for op in ops {
                now += 10;
                let before: Vec<u32> = (0..4).map(|i| g.player(PlayerId::new(i)).map_or(0, |p| p.score)).collect();
                let subjects: Vec<PlayerId> = g.asked_about();
                let _ = match op {
                    Op::Claim(p, c) => g.claim(PlayerId::new(p.into()), c.into()),
                    Op::Unclaim(p) => g.unclaim(PlayerId::new(p.into())),
                    Op::Decide(p, give) => g.decide_claim(PlayerId::new(p.into()), give),
                    Op::Start => g.start_round(now, &mut rng),
                    Op::Vote(p, c) => {
                        let round = g.round_number();
                        g.vote(PlayerId::new(p.into()), round, c.into(), now).map(|(_, e)| e)
                    }
                    Op::Reveal => g.reveal(now),
                };
                if let Some(round) = g.round() {
                    for s in &subjects {
                        prop_assert!(!round.votes.contains_key(s), "{s} voted on their own question");
                    }
                }
                for s in subjects {
                    let after = g.player(s).map_or(0, |p| p.score);
                    prop_assert_eq!(after, before[s.index()], "{} scored on their own question", s);
                }
            }
        }
    }

    #[test]
    fn the_index_lists_claimants_in_claim_order_once_each() {
        let mut index = ClaimIndex::default();
        index.add(5, PlayerId::new(2));
        index.add(5, PlayerId::new(0));
        index.add(5, PlayerId::new(2));
        assert_eq!(index.claimants(5), [PlayerId::new(2), PlayerId::new(0)]);
        index.remove(5, PlayerId::new(2));
        assert_eq!(index.claimants(5), [PlayerId::new(0)]);
        index.remove(5, PlayerId::new(0));
        assert!(index.claimants(5).is_empty());
    }
}
