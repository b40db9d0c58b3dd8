//! Invariants under random play: the game core driven by random sequences
//! of joins, drops, votes, reveals, kicks, lapsed seats and clock ticks; and the room's
//! messages checked against the pre-reveal allow-list of keys (tests/common).

mod common;

use std::collections::HashMap;
use std::sync::Arc;

use futures_util::StreamExt;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::Role;
use yearbook::delivery::socket::SharedSocket;
use yearbook::game::{
    Event, Game, Phase, PlayerId, PlayerName, Pool, RuleError, SEAT_HOLD_MS, Settings, VoteOutcome,
    leaderboard,
};
use yearbook::room::code::parse_code;
use yearbook::room::{Client, Room, RoomCode, RoomDeps};
use yearbook::roster;
use yearbook::store::Store;
use yearbook::telemetry::Metrics;

#[derive(Debug, Clone)]
enum Op {
    Join(u8),
    Connect(u8, bool),
    Vote(u8, i8, i8),
    Start,
    Reveal,
    Tick(u16),
    Kick(u8),
    End,
    /// The seat hold passes: players away without a vote lapse.
    Lapse,
    Rejoin(u8),
    RemoveDisconnected,
    Pause,
    Unpause,
    LetBack(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => any::<u8>().prop_map(|n| Op::Join(n % 12)),
        2 => (any::<u8>(), any::<bool>()).prop_map(|(p, c)| Op::Connect(p % 12, c)),
        6 => (any::<u8>(), -1i8..2, -1i8..5).prop_map(|(p, r, c)| Op::Vote(p % 12, r, c)),
        2 => Just(Op::Start),
        1 => Just(Op::Reveal),
        2 => (0u16..12_000).prop_map(Op::Tick),
        1 => any::<u8>().prop_map(|p| Op::Kick(p % 12)),
        1 => Just(Op::End),
        1 => Just(Op::Lapse),
        1 => any::<u8>().prop_map(|p| Op::Rejoin(p % 12)),
        1 => Just(Op::RemoveDisconnected),
        1 => Just(Op::Pause),
        1 => Just(Op::Unpause),
        1 => any::<u8>().prop_map(|p| Op::LetBack(p % 12)),
    ]
}

fn pool() -> Arc<Pool> {
    Arc::new(Pool {
        groups: (0..10).map(|i| Some(i % 2)).collect(),
        in_memoriam: (0..10).map(|i| i == 3).collect(),
        excluded: Vec::new(),
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn scores_add_up_and_the_leaderboard_stays_sorted(ops in prop::collection::vec(op(), 1..120), seed in any::<u64>()) {
        use rand::SeedableRng;
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let settings = Settings { rounds: 5, seconds: 10, ..Settings::default() };
        let mut game = Game::new(pool(), settings, 8);
        let mut now = 1_000u64;
        // Points each player was awarded, round by round, as seen from
        // outside (the oracle for their value is in the test below).
        let mut awarded: HashMap<(u32, PlayerId), u32> = HashMap::new();
        // Names the host kicked and has not let back: the oracle for bans.
        let mut banned: std::collections::HashSet<String> = Default::default();
        let len = ops.len();
        for (i, op) in ops.into_iter().enumerate() {
            let before: HashMap<PlayerId, u32> = game.players().map(|p| (p.id, p.score)).collect();
            let round_before = game.round_number();
            match op {
                Op::Join(n) => {
                    let name = format!("p{n}");
                    let joined = game.join(&PlayerName::parse(&name).unwrap(), now);
                    if banned.contains(&name) {
                        prop_assert_eq!(joined, Err(RuleError::NameBanned), "{} is banned", name);
                    } else {
                        prop_assert_ne!(joined, Err(RuleError::NameBanned), "{} is not banned", name);
                    }
                    let id = game.players().map(|p| p.id).max().unwrap_or(PlayerId::new(0));
                    game.set_connected(id, true, now);
                }
                Op::Connect(p, c) => { game.set_connected(nth_player(p), c, now); }
                Op::Vote(p, r, c) => {
                    let round = (game.round_number() as i64 + i64::from(r)).max(0) as u32;
                    let _ = game.vote(nth_player(p), round, i64::from(c), now);
                }
                Op::Start => { let _ = game.start_round(now, &mut rng); }
                Op::Reveal => { let _ = game.reveal(now); }
                Op::Tick(ms) => { now += u64::from(ms); game.tick(now); }
                Op::Kick(p) => {
                    let name = game.player(nth_player(p)).map(|p| p.name.clone());
                    if game.kick(nth_player(p)).is_ok() {
                        banned.insert(name.expect("a player kicked was in the room"));
                    }
                }
                // Ending early would leave the rest of the sequence acting
                // on a finished game: only the last quarter may end it.
                Op::End if i * 4 < len * 3 => {}
                Op::End => { let _ = game.end_game(now); }
                Op::Lapse => { now += SEAT_HOLD_MS; game.lapse(now); }
                Op::Rejoin(p) => { let _ = game.rejoin(nth_player(p), now); }
                Op::RemoveDisconnected => { let _ = game.remove_disconnected(); }
                Op::Pause => {
                    let open = game.phase() == Phase::Question;
                    match game.pause(now) {
                        Ok(_) => prop_assert!(game.is_paused(), "paused after pause"),
                        Err(e) => prop_assert!(e == RuleError::WrongPhase && (!open || !game.is_paused())),
                    }
                }
                Op::Unpause => {
                    let open = game.phase() == Phase::Question;
                    match game.unpause(now) {
                        Ok(_) => prop_assert!(!game.is_paused(), "running after unpause"),
                        Err(e) => prop_assert!(e == RuleError::WrongPhase && !open),
                    }
                }
                Op::LetBack(p) => {
                    let name = game.banned().find(|b| b.id == nth_player(p)).map(|b| b.name.clone());
                    match (game.let_back(nth_player(p)), name) {
                        (Ok(_), Some(name)) => { banned.remove(&name); }
                        (Ok(_), None) => prop_assert!(false, "let back a player who was not banned"),
                        (Err(e), name) => prop_assert!(e == RuleError::UnknownPlayer && name.is_none()),
                    }
                }
            }
            // Only an open question is paused, and a paused one has no deadline.
            prop_assert!(!game.is_paused() || game.phase() == Phase::Question);
            prop_assert!(!game.is_paused() || game.next_deadline().is_none());
            // A score only moves when a round closes, by at most 1000, once.
            for p in game.players() {
                let old = before.get(&p.id).copied().unwrap_or(0);
                prop_assert!(p.score >= old);
                if p.score > old {
                    let r = game.round().unwrap();
                    prop_assert!(r.closed_at.is_some());
                    prop_assert!(p.score - old <= 1000 && p.score - old >= 500);
                    let key = (r.number, p.id);
                    prop_assert!(!awarded.contains_key(&key), "scored twice in round {}", r.number);
                    awarded.insert(key, p.score - old);
                }
            }
            prop_assert!(game.round_number() >= round_before);
            // The kept count of players still in matches the players.
            prop_assert_eq!(game.player_count(), game.players().count());
            // While a question is open, votes only come from known players, one each.
            if game.phase() == Phase::Question {
                let (answered, expected) = game.voting_status();
                prop_assert!(answered <= expected);
            }
            // The leaderboard is ordered by score, then the smaller answer time.
            let board = game.leaderboard();
            for pair in board.windows(2) {
                let ((ra, a), (rb, b)) = (pair[0], pair[1]);
                prop_assert!(a.score > b.score || (a.score == b.score && a.correct_ms <= b.correct_ms));
                prop_assert!(ra <= rb);
            }
        }
        // Total points are the sum of the per-round awards.
        let total: u32 = game.players().map(|p| p.score).sum();
        let kicked_awards: u32 = awarded
            .iter()
            .filter(|((_, id), _)| game.player(*id).is_none())
            .map(|(_, pts)| pts)
            .sum();
        prop_assert_eq!(total + kicked_awards, awarded.values().sum::<u32>());
        // Ranks from the leaderboard agree with the per-player rank.
        let mut standings: Vec<leaderboard::Standing> = game
            .players()
            .map(|p| leaderboard::Standing { player: p.id, score: p.score, correct_ms: p.correct_ms })
            .collect();
        let ranks = leaderboard::rank(&mut standings);
        for (s, r) in standings.iter().zip(ranks) {
            prop_assert_eq!(game.rank_of(s.player), r);
        }
    }
}

/// What one existing player does in a round.
#[derive(Debug, Clone)]
enum Act {
    /// A vote: the right answer, or the answer `wrong` (1..=3) places
    /// after it. Slots past the players in the room vote as strangers.
    Vote {
        player: u8,
        right: bool,
        wrong: u8,
    },
    /// The same vote again (a retry after a drop), or a different one.
    Again {
        player: u8,
        same: bool,
    },
    Drop(u8),
    Resume(u8),
    Join,
    Kick(u8),
}

/// How a round ends when its votes have not already closed it.
#[derive(Debug, Clone, Copy)]
enum Close {
    Reveal,
    Deadline,
}

#[derive(Debug, Clone)]
struct RoundPlan {
    /// Each act with the time it happens at, in order.
    acts: Vec<(Moment, Act)>,
    close: Close,
}

#[derive(Debug, Clone)]
struct GamePlan {
    players: u8,
    seconds: u32,
    rounds: Vec<RoundPlan>,
    /// The host ends the game during this round (after its acts, before
    /// it closes): rare, and only in the second half of the game.
    end_in: Option<usize>,
}

/// When an act happens: thousandths of the limit since the question opened
/// (1000 is the deadline itself: too late), then a few milliseconds more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Moment {
    permille: u16,
    ms: u16,
}

impl Moment {
    fn after_start(self, limit: u64) -> u64 {
        limit * u64::from(self.permille) / 1000 + u64::from(self.ms)
    }
}

/// A few fixed moments, so that players answer at the same time or a few
/// milliseconds apart (the same points, ranked apart by time), and any other.
fn moment() -> impl Strategy<Value = Moment> {
    let at = |permille: u16, ms: u16| Moment { permille, ms };
    prop_oneof![
        3 => (prop::sample::select(vec![0u16, 250, 500, 750]), prop_oneof![Just(0u16), 1u16..4]).prop_map(move |(p, ms)| at(p, ms)),
        4 => (0u16..1000).prop_map(move |p| at(p, 0)),
        1 => Just(at(1000, 0)),
    ]
}

fn round_plan() -> impl Strategy<Value = RoundPlan> {
    let vote = |player: u8| {
        prop_oneof![
            5 => (moment(), 1u8..4).prop_map(move |(at, wrong)| Some((at, Act::Vote { player, right: true, wrong }))),
            3 => (moment(), 1u8..4).prop_map(move |(at, wrong)| Some((at, Act::Vote { player, right: false, wrong }))),
            2 => Just(None),
        ]
    };
    let extra = prop_oneof![
        3 => (0u8..10, any::<bool>()).prop_map(|(player, same)| Act::Again { player, same }),
        3 => (0u8..10).prop_map(Act::Drop),
        3 => (0u8..10).prop_map(Act::Resume),
        1 => Just(Act::Join),
        1 => (0u8..10).prop_map(Act::Kick),
    ];
    let votes: Vec<_> = (0u8..10).map(vote).collect();
    (
        votes,
        prop::collection::vec((moment(), extra), 0..4),
        prop_oneof![Just(Close::Reveal), Just(Close::Deadline)],
    )
        .prop_map(|(votes, extra, close)| {
            let mut acts: Vec<(Moment, Act)> = votes.into_iter().flatten().chain(extra).collect();
            acts.sort_by_key(|(at, _)| *at);
            RoundPlan { acts, close }
        })
}

fn game_plan() -> impl Strategy<Value = GamePlan> {
    (
        2u8..9,
        2u32..31,
        prop::collection::vec(round_plan(), 1..6),
        0u8..6,
    )
        .prop_map(|(players, seconds, rounds, end)| {
            // One game in six ends early, in its second half.
            let end_in = (end == 0 && rounds.len() > 1).then(|| {
                rounds.len() / 2 + usize::from(players) % (rounds.len() - rounds.len() / 2)
            });
            GamePlan {
                players,
                seconds,
                rounds,
                end_in,
            }
        })
}

/// The contract's points (docs/protocol.md §4), in integers:
/// `round(1000 × (1 − e / limit / 2))` = `1000 − ceil((1000 e − limit) / 2 limit)`
/// (halves round up), with `e` at most the limit.
fn contract_points(elapsed_ms: u64, limit_ms: u64) -> u32 {
    let e = i128::from(elapsed_ms.min(limit_ms));
    let limit = i128::from(limit_ms);
    let ceil = -((limit - 1000 * e).div_euclid(2 * limit));
    (1000 - ceil) as u32
}

/// The test's own account of a player.
#[derive(Debug, Clone, Default)]
struct Account {
    score: u32,
    correct_ms: u64,
    connected: bool,
}

/// What the whole run covered, checked against a floor at the end.
#[derive(Debug, Default)]
struct Coverage {
    cases: usize,
    /// Cases where somebody scored.
    scored: usize,
    /// Cases where a reveal showed two players with the same positive score.
    tied: usize,
    /// Cases where equal scores were ranked apart by answering time.
    tie_broken: usize,
    /// Cases with a wrong answer accepted (and so scored 0).
    wrong: usize,
    /// Cases where the last connected player's vote closed a round.
    closed_early: usize,
    /// Cases where a vote came too late (after a close or at the deadline).
    refused_late: usize,
    /// Cases the host ended before the last round.
    ended: usize,
    accepted: usize,
}

/// Rank by the contract: 1 + players strictly ahead (more points, or as
/// many in less total answering time of right answers).
fn contract_rank(me: &Account, all: &HashMap<PlayerId, Account>) -> u32 {
    1 + all
        .values()
        .filter(|o| o.score > me.score || (o.score == me.score && o.correct_ms < me.correct_ms))
        .count() as u32
}

/// The game's scores, answering times, ranks and leaderboard against the
/// test's own accounts.
fn check_standings(
    game: &Game,
    accounts: &HashMap<PlayerId, Account>,
    cov: &mut CaseCoverage,
) -> Result<(), TestCaseError> {
    let ids: Vec<PlayerId> = game.players().map(|p| p.id).collect();
    let mut expected: Vec<PlayerId> = accounts.keys().copied().collect();
    expected.sort_unstable();
    prop_assert_eq!(&ids, &expected, "players in the room");
    for (id, a) in accounts {
        let p = game.player(*id).unwrap();
        prop_assert_eq!(p.score, a.score, "score of player {}", id);
        prop_assert_eq!(
            p.correct_ms,
            a.correct_ms,
            "answering time of player {}",
            id
        );
        prop_assert_eq!(
            game.rank_of(*id),
            contract_rank(a, accounts),
            "rank of player {}",
            id
        );
    }
    let board = game.leaderboard();
    prop_assert_eq!(board.len(), accounts.len());
    for pair in board.windows(2) {
        prop_assert!(pair[0].0 <= pair[1].0, "leaderboard in rank order");
    }
    for (rank, p) in &board {
        prop_assert_eq!(
            *rank,
            contract_rank(&accounts[&p.id], accounts),
            "leaderboard rank of {}",
            p.id
        );
    }
    for a in accounts.values() {
        for b in accounts.values() {
            if std::ptr::eq(a, b) || a.score != b.score || a.score == 0 {
                continue;
            }
            cov.tied = true;
            cov.tie_broken |= a.correct_ms != b.correct_ms;
        }
    }
    Ok(())
}

#[derive(Debug, Default)]
struct CaseCoverage {
    scored: bool,
    tied: bool,
    tie_broken: bool,
    wrong: bool,
    closed_early: bool,
    refused_late: bool,
    ended: bool,
    accepted: usize,
}

/// The open question as the test sees it.
struct OpenRound {
    number: u32,
    started_at: u64,
    limit: u64,
    answer: u8,
    votes: HashMap<PlayerId, (u8, u64)>,
}

/// The player a plan names by its join order.
fn nth_player(n: u8) -> PlayerId {
    PlayerId::new(u32::from(n))
}

/// A command the plan expects to succeed was refused.
fn refused(what: &'static str) -> impl Fn(RuleError) -> TestCaseError {
    move |e| TestCaseError::fail(format!("{what}: {e}"))
}

/// Plays `plan` against the game core, checking every command's outcome and,
/// after every close and at the end, scores and ranks against the oracle.
fn play(plan: &GamePlan, cov: &mut CaseCoverage) -> Result<(), TestCaseError> {
    use rand::SeedableRng;
    let mut rng =
        rand::rngs::StdRng::seed_from_u64(u64::from(plan.players) * 31 + u64::from(plan.seconds));
    let settings = Settings {
        rounds: plan.rounds.len() as u32,
        seconds: plan.seconds,
        ..Settings::default()
    };
    let limit = u64::from(plan.seconds) * 1000;
    let mut game = Game::new(pool(), settings, 12);
    let mut now = 1_000u64;
    let mut accounts: HashMap<PlayerId, Account> = HashMap::new();
    // Players whose seat lapsed: they may resume it.
    let mut lapsed: HashMap<PlayerId, Account> = HashMap::new();
    let mut joined = 0u32;
    let mut join = |game: &mut Game,
                    accounts: &mut HashMap<PlayerId, Account>,
                    now: u64|
     -> Result<(), TestCaseError> {
        let name = PlayerName::parse(&format!("p{joined}")).unwrap();
        joined += 1;
        if accounts.len() >= 12 {
            prop_assert_eq!(game.join(&name, now), Err(RuleError::RoomFull));
            return Ok(());
        }
        let events = game.join(&name, now).map_err(refused("join"))?;
        let id = match events.as_slice() {
            [Event::Joined { player, .. }] => *player,
            other => return Err(TestCaseError::fail(format!("join gave {other:?}"))),
        };
        game.set_connected(id, true, now);
        accounts.insert(
            id,
            Account {
                connected: true,
                ..Account::default()
            },
        );
        Ok(())
    };
    for _ in 0..plan.players {
        join(&mut game, &mut accounts, now)?;
    }
    // Closes the open round in the test's accounts: right answers earn the
    // contract's points, wrong ones nothing.
    let settle =
        |open: &OpenRound, accounts: &mut HashMap<PlayerId, Account>, cov: &mut CaseCoverage| {
            for (id, (choice, elapsed)) in &open.votes {
                let Some(a) = accounts.get_mut(id) else {
                    continue;
                };
                if *choice == open.answer {
                    a.score += contract_points(*elapsed, open.limit);
                    a.correct_ms += elapsed;
                    cov.scored = true;
                } else {
                    cov.wrong = true;
                }
            }
        };
    let closes = |events: &[Event]| {
        events
            .iter()
            .any(|e| matches!(e, Event::RoundClosed { .. }))
    };
    for (index, round) in plan.rounds.iter().enumerate() {
        let events = game.start_round(now, &mut rng).map_err(refused("start"))?;
        prop_assert!(
            matches!(events.as_slice(), [Event::RoundStarted { .. }]),
            "{:?}",
            events
        );
        let r = game.round().unwrap();
        let mut open = OpenRound {
            number: r.number,
            started_at: now,
            limit,
            answer: r.question.answer,
            votes: HashMap::new(),
        };
        let mut closed = false;
        for (at, act) in &round.acts {
            now = now.max(open.started_at + at.after_start(limit));
            match act {
                Act::Vote {
                    player,
                    right,
                    wrong,
                } => {
                    let id = nth_player(*player);
                    let choice = if *right {
                        open.answer
                    } else {
                        (open.answer + wrong) % 4
                    };
                    let got = game.vote(id, open.number, i64::from(choice), now);
                    let late = closed || now >= open.started_at + limit;
                    if !accounts.contains_key(&id) {
                        prop_assert_eq!(got.map(|_| ()), Err(RuleError::UnknownPlayer));
                    } else if let Some((first, _)) = open.votes.get(&id) {
                        let want = if *first == choice {
                            Ok(VoteOutcome::Repeat)
                        } else {
                            Err(RuleError::AlreadyVoted)
                        };
                        prop_assert_eq!(got.map(|(o, _)| o), want);
                    } else if late {
                        cov.refused_late = true;
                        prop_assert_eq!(got.map(|_| ()), Err(RuleError::RoundClosed));
                    } else {
                        let (outcome, events) = got.map_err(refused("vote"))?;
                        prop_assert_eq!(outcome, VoteOutcome::Accepted);
                        cov.accepted += 1;
                        open.votes.insert(id, (choice, now - open.started_at));
                        // Voting closes early once no connected player is left without a vote.
                        let all_in = accounts
                            .iter()
                            .all(|(id, a)| !a.connected || open.votes.contains_key(id));
                        prop_assert_eq!(closes(&events), all_in, "early close after {}'s vote", id);
                        if all_in {
                            cov.closed_early = true;
                            closed = true;
                            settle(&open, &mut accounts, cov);
                            check_standings(&game, &accounts, cov)?;
                        }
                    }
                }
                Act::Again { player, same } => {
                    let id = nth_player(*player);
                    let Some(&(first, _)) =
                        open.votes.get(&id).filter(|_| accounts.contains_key(&id))
                    else {
                        continue;
                    };
                    let choice = if *same { first } else { (first + 1) % 4 };
                    let got = game
                        .vote(id, open.number, i64::from(choice), now)
                        .map(|(o, e)| (o, e.len()));
                    let want = if *same {
                        Ok((VoteOutcome::Repeat, 0))
                    } else {
                        Err(RuleError::AlreadyVoted)
                    };
                    prop_assert_eq!(got, want);
                }
                Act::Drop(p) | Act::Resume(p) => {
                    let id = nth_player(*p);
                    let connect = matches!(act, Act::Resume(_));
                    if connect
                        && game.rejoin(id, now).is_ok()
                        && let Some(a) = lapsed.remove(&id)
                    {
                        // A seat that lapsed comes back as it was (never played).
                        accounts.insert(id, a);
                    }
                    game.set_connected(id, connect, now);
                    if let Some(a) = accounts.get_mut(&id) {
                        a.connected = connect;
                    }
                    // Leaving or coming back never closes voting by itself.
                    prop_assert_eq!(game.phase() == Phase::Question, !closed);
                }
                Act::Join => {
                    join(&mut game, &mut accounts, now)?;
                    prop_assert_eq!(
                        game.phase() == Phase::Question,
                        !closed,
                        "a join does not close voting"
                    );
                }
                Act::Kick(p) => {
                    let id = nth_player(*p);
                    let got = game.kick(id).map(|_| ());
                    if accounts.remove(&id).is_some() {
                        prop_assert_eq!(got, Ok(()));
                    } else {
                        prop_assert_eq!(got, Err(RuleError::UnknownPlayer));
                    }
                }
            }
            // Seats of players away from the start lapse after the hold
            // time: the test's accounts follow the game's roster.
            let gone: Vec<PlayerId> = accounts
                .keys()
                .copied()
                .filter(|id| game.player(*id).is_none())
                .collect();
            for id in gone {
                lapsed.extend(accounts.remove_entry(&id));
            }
        }
        if plan.end_in == Some(index) {
            cov.ended = true;
            let events = game.end_game(now).map_err(refused("end"))?;
            prop_assert_eq!(closes(&events), !closed, "ending closes an open question");
            if !closed {
                settle(&open, &mut accounts, cov);
            }
            check_standings(&game, &accounts, cov)?;
            prop_assert_eq!(game.phase(), Phase::Over);
            return Ok(());
        }
        if !closed {
            let events = match round.close {
                Close::Reveal => game.reveal(now).map_err(refused("reveal"))?,
                Close::Deadline => {
                    prop_assert!(
                        game.tick(open.started_at + limit - 1).is_empty(),
                        "no close before the deadline"
                    );
                    now = now.max(open.started_at + limit);
                    game.tick(now)
                }
            };
            prop_assert!(closes(&events), "the round closes");
            settle(&open, &mut accounts, cov);
            check_standings(&game, &accounts, cov)?;
        }
        prop_assert_eq!(game.phase(), Phase::Reveal);
        now += 1_500;
    }
    let events = game
        .start_round(now, &mut rng)
        .map_err(refused("last start"))?;
    prop_assert!(
        matches!(events.as_slice(), [Event::GameOver { .. }]),
        "{:?}",
        events
    );
    check_standings(&game, &accounts, cov)
}

/// Real games against the game core, scored by the contract's rules
/// computed here and compared after every close and at the end; the run
/// itself must have scored, tied and broken ties often enough to mean it.
#[test]
fn games_score_and_rank_as_the_contract_says() {
    use proptest::test_runner::{Config, TestRunner};
    use std::cell::RefCell;
    let total = RefCell::new(Coverage::default());
    let mut runner = TestRunner::new(Config {
        cases: 300,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&game_plan(), |plan| {
        let mut cov = CaseCoverage::default();
        play(&plan, &mut cov)?;
        let mut t = total.borrow_mut();
        t.cases += 1;
        t.scored += usize::from(cov.scored);
        t.tied += usize::from(cov.tied);
        t.tie_broken += usize::from(cov.tie_broken);
        t.wrong += usize::from(cov.wrong);
        t.closed_early += usize::from(cov.closed_early);
        t.refused_late += usize::from(cov.refused_late);
        t.ended += usize::from(cov.ended);
        t.accepted += cov.accepted;
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let t = total.into_inner();
    eprintln!("{t:?}");
    assert_eq!(t.cases, 300);
    assert!(
        t.scored * 10 >= t.cases * 8,
        "at least 80 % of games score: {t:?}"
    );
    assert!(
        t.wrong * 2 >= t.cases,
        "at least half the games have a wrong answer: {t:?}"
    );
    assert!(
        t.tied * 10 >= t.cases,
        "at least 10 % of games have a tie on points: {t:?}"
    );
    assert!(
        t.tie_broken * 20 >= t.cases,
        "at least 5 % have a tie broken by time: {t:?}"
    );
    assert!(
        t.closed_early * 4 >= t.cases,
        "≥ 25 % close early on the last vote: {t:?}"
    );
    assert!(
        t.refused_late * 10 >= t.cases * 4,
        "≥ 40 % refuse a late vote: {t:?}"
    );
    assert!(t.ended * 20 >= t.cases, "≥ 5 % end early: {t:?}");
    assert!(
        t.accepted >= t.cases * 4,
        "about four accepted votes a game or more: {t:?}"
    );
}

#[test]
fn the_oracles_points_match_the_contracts_examples() {
    assert_eq!(contract_points(0, 20_000), 1000);
    assert_eq!(contract_points(10_000, 20_000), 750);
    assert_eq!(contract_points(20_000, 20_000), 500);
    assert_eq!(contract_points(25_000, 20_000), 500);
    assert_eq!(contract_points(1_000, 3_000), 833);
    assert_eq!(contract_points(1_000, 6_000), 917);
    // 1000 × (1 − 10/2000/2) = 997.5 rounds up.
    assert_eq!(contract_points(10, 2_000), 998);
}

/// A room code for a room made in the test.
fn code(code: &str) -> RoomCode {
    parse_code(code).unwrap()
}

/// The demo class, loaded once for all cases.
fn demo() -> Arc<roster::Roster> {
    static DEMO: std::sync::OnceLock<Arc<roster::Roster>> = std::sync::OnceLock::new();
    DEMO.get_or_init(|| Arc::new(roster::load_demo(&Default::default()).unwrap()))
        .clone()
}

/// A room socket and its client end: the room writes to `client`, the test
/// reads what a phone would on the client's WebSocket.
async fn socket_pair() -> (Client, WebSocketStream<TcpStream>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (server, _) = listener.accept().await.unwrap();
    let (socket, _read_side) = SharedSocket::new(server);
    let ws = WebSocketStream::from_raw_socket(client, Role::Client, None).await;
    (Client::new(socket), ws)
}

/// Every text message that arrives within a short quiet period.
async fn drain(ws: &mut WebSocketStream<TcpStream>) -> Vec<String> {
    let mut out = Vec::new();
    while let Ok(Some(Ok(msg))) =
        tokio::time::timeout(std::time::Duration::from_millis(100), ws.next()).await
    {
        if let Message::Text(t) = msg {
            out.push(t.as_str().to_string());
        }
    }
    out
}

/// Reads until a message of `kind` arrives (or fails after 10 s).
async fn until_type(ws: &mut WebSocketStream<TcpStream>, kind: &str) -> Value {
    let wait = async {
        while let Some(Ok(msg)) = ws.next().await {
            if let Message::Text(t) = msg {
                let v: Value = serde_json::from_str(t.as_str()).unwrap();
                if v["type"] == kind {
                    return v;
                }
            }
        }
        panic!("socket ended before a {kind}");
    };
    tokio::time::timeout(std::time::Duration::from_secs(10), wait)
        .await
        .unwrap_or_else(|_| panic!("no {kind} within 10 s"))
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Every message a phone or the host can see before a reveal has only
    /// keys the allow-list gives its type (so no field can carry the answer).
    #[test]
    fn no_round_or_state_message_carries_the_answer(votes in prop::collection::vec((0u8..4, -1i8..5), 0..12)) {
        let texts = runtime().block_on(async {
            let roster = demo();
            let dir = tempfile::tempdir().unwrap();
            let store = Store::open(&dir.path().join("p.db")).unwrap().store;
            let deps = Arc::new(RoomDeps::new(roster, "", Arc::new(Metrics::default()), 100, store));
            let room = Room::create(code("ABCD"), "key", Settings { rounds: 3, seconds: 60, ..Settings::default() }, deps);
            let (host, mut host_ws) = socket_pair().await;
            room.host_connect(&host).unwrap();
            let mut phones = Vec::new();
            for i in 0..4 {
                let (client, ws) = socket_pair().await;
                let name = PlayerName::parse(&format!("phone {i}")).unwrap();
                let session = room.join(&name, Some(&client)).unwrap();
                phones.push((session, client, ws));
            }
            let mut texts = Vec::new();
            for round in 1..=2u32 {
                room.start_round().unwrap();
                texts.push(room.state_for(None));
                for (p, c) in &votes {
                    let (session, client, _) = &phones[usize::from(*p)];
                    let _ = room.vote(session.player, round, i64::from(*c), Some(client));
                    texts.push(room.state_for(Some(session.player)));
                }
                // Whatever a phone or the host received up to here.
                let sockets = std::iter::once(&mut host_ws).chain(phones.iter_mut().map(|(_, _, ws)| ws));
                for got in futures_util::future::join_all(sockets.map(drain)).await {
                    texts.extend(got);
                }
                let _ = room.reveal();
            }
            texts
        });
        prop_assert!(texts.iter().any(|t| t.contains(r#""type":"round""#)), "rounds were received");
        for text in texts {
            let v: Value = serde_json::from_str(&text).unwrap();
            // Host and phone messages are mixed here: either screen's list.
            common::assert_pre_reveal_allowed(&v, common::Roles::default(), "a room message");
        }
    }
}

/// In a big room no per-phone message carries the whole room.
#[test]
fn a_big_rooms_phones_get_a_bounded_final_board_and_the_host_gets_everyone() {
    runtime().block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("big.db")).unwrap().store;
        let deps = Arc::new(RoomDeps::new(
            demo(),
            "",
            Arc::new(Metrics::default()),
            1_000,
            store,
        ));
        let settings = Settings {
            rounds: 1,
            seconds: 60,
            ..Settings::default()
        };
        let room = Room::create(code("BGRM"), "key", settings, deps);
        for i in 0..599 {
            let name = PlayerName::parse(&format!("phone {i}")).unwrap();
            room.join(&name, None).unwrap();
        }
        // The 600th phone and the host listen on real sockets.
        let (client, mut phone_ws) = socket_pair().await;
        let name = PlayerName::parse("phone 599").unwrap();
        room.join(&name, Some(&client)).unwrap();
        let (host, mut host_ws) = socket_pair().await;
        room.host_connect(&host).unwrap();
        let host_state: Value = serde_json::from_str(&room.state_for(None)).unwrap();
        assert_eq!(host_state["count"], 600);
        assert_eq!(host_state["players"].as_array().unwrap().len(), 200);
        room.end_game().unwrap();
        let phone = until_type(&mut phone_ws, "game_over").await;
        assert_eq!(phone["leaderboard"].as_array().unwrap().len(), 100);
        assert_eq!(phone["leaderboard_size"], 600);
        assert!(phone["you"]["rank"].as_u64().is_some());
        let host = until_type(&mut host_ws, "game_over").await;
        assert_eq!(host["leaderboard"].as_array().unwrap().len(), 600);
    });
}
