//! Invariants under random play: the game core driven by random sequences
//! of joins, drops, votes, reveals, kicks, lapsed seats and clock ticks; and the room's
//! messages checked against the pre-reveal allow-list of keys (tests/common).

mod common;

use std::collections::HashMap;
use std::sync::Arc;

use futures_util::StreamExt;
use proptest::prelude::*;
use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::Role;
use yearbook::game::{Game, Phase, PlayerName, Pool, SEAT_HOLD_MS, Settings, leaderboard};
use yearbook::link::Link;
use yearbook::room::{Room, RoomDeps, Seat};
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
    ]
}

fn pool() -> Arc<Pool> {
    Arc::new(Pool {
        groups: (0..10).map(|i| Some(i % 2)).collect(),
        in_memoriam: (0..10).map(|i| i == 3).collect(),
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
        // Points each player was awarded, round by round, recomputed here.
        let mut awarded: HashMap<(u32, u32), u32> = HashMap::new();
        for op in ops {
            let before: HashMap<u32, u32> = game.players().map(|p| (p.id, p.score)).collect();
            let round_before = game.round_number();
            match op {
                Op::Join(n) => {
                    let _ = game.join(&PlayerName::parse(&format!("p{n}")).unwrap(), now);
                    let id = game.players().map(|p| p.id).max().unwrap_or(0);
                    game.set_connected(id, true, now);
                }
                Op::Connect(p, c) => { game.set_connected(u32::from(p), c, now); }
                Op::Vote(p, r, c) => {
                    let round = (game.round_number() as i64 + i64::from(r)).max(0) as u32;
                    let _ = game.vote(u32::from(p), round, i64::from(c), now);
                }
                Op::Start => { let _ = game.start_round(now, &mut rng); }
                Op::Reveal => { let _ = game.reveal(now); }
                Op::Tick(ms) => { now += u64::from(ms); game.tick(now); }
                Op::Kick(p) => { let _ = game.kick(u32::from(p)); }
                Op::End => { let _ = game.end_game(now); }
                Op::Lapse => { now += SEAT_HOLD_MS; game.lapse(now); }
                Op::Rejoin(p) => { let _ = game.rejoin(u32::from(p), now); }
                Op::RemoveDisconnected => { let _ = game.remove_disconnected(); }
            }
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

/// The demo class, loaded once for all cases.
fn demo() -> Arc<roster::Roster> {
    static DEMO: std::sync::OnceLock<Arc<roster::Roster>> = std::sync::OnceLock::new();
    DEMO.get_or_init(|| Arc::new(roster::load_demo(&Default::default()).unwrap()))
        .clone()
}

/// A room socket and its client end: the room writes to `seat`, the test
/// reads what a phone would on the client's WebSocket.
async fn socket_pair() -> (Seat, WebSocketStream<TcpStream>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (server, _) = listener.accept().await.unwrap();
    let (link, _read_side) = Link::new(server);
    let ws = WebSocketStream::from_raw_socket(client, Role::Client, None).await;
    (Seat::new(link), ws)
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
            let room = Room::create("ABCD".into(), "key", Settings { rounds: 3, seconds: 60, ..Settings::default() }, deps);
            let (host, mut host_ws) = socket_pair().await;
            room.host_connect(&host).unwrap();
            let mut phones = Vec::new();
            for i in 0..4 {
                let (seat, ws) = socket_pair().await;
                let name = PlayerName::parse(&format!("phone {i}")).unwrap();
                let session = room.join(&name, Some(&seat)).unwrap();
                phones.push((session, seat, ws));
            }
            let mut texts = Vec::new();
            for round in 1..=2u32 {
                room.start_round().unwrap();
                texts.push(room.state_for(None));
                for (p, c) in &votes {
                    let (session, seat, _) = &phones[usize::from(*p)];
                    let _ = room.vote(session.player, round, i64::from(*c), Some(seat));
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
        let room = Room::create("BIGR".into(), "key", settings, deps);
        for i in 0..599 {
            let name = PlayerName::parse(&format!("phone {i}")).unwrap();
            room.join(&name, None).unwrap();
        }
        // The 600th phone and the host listen on real sockets.
        let (seat, mut phone_ws) = socket_pair().await;
        let name = PlayerName::parse("phone 599").unwrap();
        room.join(&name, Some(&seat)).unwrap();
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
