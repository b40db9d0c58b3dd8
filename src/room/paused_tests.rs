//! Rooms driven in process on tokio's paused clock (which the server's
//! clock follows): the real timer, fan-out, store and socket tasks, and
//! each test reads what a client's loopback socket receives.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::Role;

use super::{Client, PhoneSession, ResumeRefused, Room, RoomDeps, Rooms};
use crate::delivery::socket::{SharedSocket, SocketIo};
use crate::game::{Phase, PlayerId, PlayerName, RuleError, SEAT_HOLD_MS, Settings};
use crate::protocol::{ServerMsg, ServerMsgType};

/// Real time a test waits for what must come.
const PATIENCE: Duration = Duration::from_secs(10);
/// Real time a test watches for what must not come.
const WATCH: Duration = Duration::from_millis(300);

/// The payload of the next message, which must be a `ServerMsg::$kind`
/// (past any coalesced `lobby` and `progress` updates).
macro_rules! expect {
    ($reader:expr, $kind:ident) => {
        match $reader.expect(ServerMsgType::$kind).await {
            ServerMsg::$kind(payload) => payload,
            other => unreachable!("{other:?}"),
        }
    };
}

/// Runs `fut` with the paused clock held still, for up to `real` of real
/// time (`None` if it had not finished by then). The store commits on a
/// thread of its own: without this the paused clock would jump to the
/// next timer (a question's deadline) while the test waits for a commit.
async fn clock_held<F: Future>(real: Duration, fut: F) -> Option<F::Output> {
    let (done, wait) = std::sync::mpsc::channel::<()>();
    // While a blocking task runs, a paused clock does not move by itself.
    let mut hold = tokio::task::spawn_blocking(move || {
        let _ = wait.recv_timeout(real);
    });
    tokio::select! {
        biased;
        out = fut => {
            drop(done);
            let _ = hold.await;
            Some(out)
        }
        _ = &mut hold => None,
    }
}

/// Moves the paused clock (and so the server's) on by exactly `d`.
async fn advance(d: Duration) {
    tokio::time::advance(d).await;
}

fn name(name: &str) -> PlayerName {
    PlayerName::parse(name).unwrap()
}

/// A server's rooms on a temporary database, and a loopback listener.
struct Bench {
    rooms: Rooms,
    listener: TcpListener,
    dir: tempfile::TempDir,
}

impl Bench {
    async fn new(max_players: usize) -> Self {
        let dir = tempfile::tempdir().unwrap();
        // Built once for all the tests: the demo class takes seconds.
        static ROSTER: std::sync::OnceLock<Arc<crate::roster::Roster>> = std::sync::OnceLock::new();
        let roster = ROSTER
            .get_or_init(|| Arc::new(crate::roster::load_demo(&Default::default()).unwrap()))
            .clone();
        let store = crate::store::Store::open(&dir.path().join("t.db"))
            .unwrap()
            .store;
        let metrics = Arc::new(crate::telemetry::Metrics::default());
        // No fan-out runtime: the shards run on this runtime, whose paused
        // clock the test moves.
        let deps = RoomDeps::new(roster, "", metrics, max_players, store);
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        Self {
            rooms: Rooms::new(Arc::new(deps)),
            listener,
            dir,
        }
    }

    /// A room with its timer running.
    fn room(&self) -> Arc<Room> {
        self.rooms.create(Settings::default()).0
    }

    /// A loopback connection: the server's end and the client's reader.
    async fn connection(&self) -> (TcpStream, Reader) {
        let addr = self.listener.local_addr().unwrap();
        clock_held(PATIENCE, async {
            let client = TcpStream::connect(addr).await.unwrap();
            let (server, _) = self.listener.accept().await.unwrap();
            (server, client)
        })
        .await
        .map(|(server, client)| (server, Reader::new(client)))
        .expect("no loopback connection")
    }

    /// A socket the room writes to as the test calls it (`host_connect`,
    /// `join`), with no socket task of its own.
    async fn client(&self) -> (Client, Reader) {
        let (server, mut reader) = self.connection().await;
        let (socket, io) = SharedSocket::new(server);
        reader.server_io = Some(io);
        (Client::new(socket), reader)
    }

    /// A host screen of `room`, past its first `state`.
    async fn screen(&self, room: &Room) -> Reader {
        let (host, mut screen) = self.client().await;
        room.host_connect(&host).unwrap();
        screen.expect(ServerMsgType::State).await;
        screen
    }

    /// A phone that joined `room` as `who` (`Room::join`), past its
    /// `welcome` and `state`.
    async fn joined(&self, room: &Room, who: &str) -> (Client, PhoneSession, Reader) {
        let (client, mut phone) = self.client().await;
        let session = room.join(&name(who), Some(&client)).unwrap();
        phone.expect(ServerMsgType::Welcome).await;
        phone.expect(ServerMsgType::State).await;
        (client, session, phone)
    }

    /// A phone served by the real socket task (`ws::run`), which says
    /// `first` (a `join` or `resume`).
    async fn phone(&self, room: &Arc<Room>, first: &str) -> Reader {
        let (server, mut reader) = self.connection().await;
        let (shared, io) = SharedSocket::new(server);
        let socket = WebSocketStream::from_raw_socket(io, Role::Server, None).await;
        let room = room.clone();
        tokio::spawn(async move {
            let network = "127.0.0.1".parse().unwrap();
            let allowed = || Box::new(|| true);
            crate::ws::run(
                shared.clone(),
                socket,
                room,
                (false, None),
                allowed(),
                allowed(),
                network,
            )
            .await;
            shared.shutdown();
        });
        reader.send(first).await;
        reader
    }
}

/// A frame from the server.
#[derive(Debug)]
enum Frame {
    Text(Box<ServerMsg>),
    Close(u16),
    /// Ping, pong: keep-alive.
    Control,
    /// The connection ended (or failed) on the server's side.
    Ended,
}

/// The client's side of a loopback socket, decoding the server's frames.
struct Reader {
    tcp: TcpStream,
    read: Vec<u8>,
    /// The server's reading side, kept open while the test runs.
    server_io: Option<SocketIo>,
}

impl Reader {
    fn new(tcp: TcpStream) -> Self {
        Self {
            tcp,
            read: Vec::new(),
            server_io: None,
        }
    }

    /// Sends `text` as a client does: one masked text frame (mask 0).
    async fn send(&mut self, text: &str) {
        let mut frame = vec![0x81];
        match text.len() {
            n if n < 126 => frame.push(0x80 | n as u8),
            n => {
                frame.push(0x80 | 126);
                frame.extend_from_slice(&(n as u16).to_be_bytes());
            }
        }
        frame.extend_from_slice(&[0; 4]);
        frame.extend_from_slice(text.as_bytes());
        self.tcp.write_all(&frame).await.unwrap();
    }

    /// A whole frame from what has been read, if there is one.
    fn take_frame(&mut self) -> Option<Frame> {
        let b = &self.read;
        if b.len() < 2 {
            return None;
        }
        let (len, at) = match b[1] & 0x7f {
            126 if b.len() >= 4 => (usize::from(u16::from_be_bytes([b[2], b[3]])), 4),
            127 if b.len() >= 10 => (
                u64::from_be_bytes(b[2..10].try_into().unwrap()) as usize,
                10,
            ),
            126 | 127 => return None,
            n => (usize::from(n), 2),
        };
        if b.len() < at + len {
            return None;
        }
        let opcode = b[0] & 0x0f;
        let payload: Vec<u8> = self.read.drain(..at + len).skip(at).collect();
        Some(match opcode {
            1 => Frame::Text(Box::new(serde_json::from_slice(&payload).unwrap())),
            8 => Frame::Close(u16::from_be_bytes([payload[0], payload[1]])),
            _ => Frame::Control,
        })
    }

    /// The next text or close frame, or the end, within `real` of real
    /// time; `None` when nothing came.
    async fn frame_within(&mut self, real: Duration) -> Option<Frame> {
        let until = std::time::Instant::now() + real;
        loop {
            match self.take_frame() {
                Some(Frame::Control) => continue,
                Some(frame) => return Some(frame),
                None => {}
            }
            let left = until.saturating_duration_since(std::time::Instant::now());
            let mut chunk = [0u8; 4096];
            match clock_held(left, self.tcp.read(&mut chunk)).await? {
                Ok(0) | Err(_) => return Some(Frame::Ended),
                Ok(n) => self.read.extend_from_slice(&chunk[..n]),
            }
        }
    }

    /// The next message of type `kind`, past any coalesced `lobby` and
    /// `progress` updates and photos to fetch ahead (`preload`); anything
    /// else first fails the test.
    async fn expect(&mut self, kind: ServerMsgType) -> ServerMsg {
        loop {
            match self.frame_within(PATIENCE).await {
                Some(Frame::Text(msg)) if msg.kind() == kind => return *msg,
                Some(Frame::Text(msg))
                    if matches!(
                        *msg,
                        ServerMsg::Lobby(_) | ServerMsg::Progress(_) | ServerMsg::Preload { .. }
                    ) => {}
                other => panic!("waited for {kind:?}, got {other:?}"),
            }
        }
    }

    /// The next `welcome`: the player's id, token and score.
    async fn welcome(&mut self) -> (PlayerId, String, u32) {
        match self.expect(ServerMsgType::Welcome).await {
            ServerMsg::Welcome {
                player_id,
                token,
                score,
                ..
            } => (player_id, token, score),
            other => unreachable!("{other:?}"),
        }
    }

    /// Nothing of type `kind` (nor a close) arrives within `real`.
    async fn none_of(&mut self, kind: ServerMsgType, real: Duration) {
        let until = std::time::Instant::now() + real;
        loop {
            let left = until.saturating_duration_since(std::time::Instant::now());
            match self.frame_within(left).await {
                None => return,
                Some(Frame::Text(msg)) if msg.kind() != kind => {}
                other => panic!("{kind:?} too early: {other:?}"),
            }
        }
    }

    /// The `error` code the socket was told, and the close code it
    /// ended with.
    async fn closed(&mut self) -> (String, u16) {
        let ServerMsg::Error { code: error, .. } = self.expect(ServerMsgType::Error).await else {
            unreachable!("expect gives an error")
        };
        match self.frame_within(PATIENCE).await {
            Some(Frame::Close(code)) => (error, code),
            other => panic!("after {error}, no close: {other:?}"),
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_question_closes_at_its_deadline_not_a_millisecond_before() {
    let bench = Bench::new(10).await;
    let room = bench.room();
    let mut screen = bench.screen(&room).await;
    let (_client, _, mut ann) = bench.joined(&room, "Ann").await;

    room.start_round().unwrap();
    let round = expect!(ann, Round);
    screen.expect(ServerMsgType::Round).await;
    let limit = Duration::from_millis(round.remaining_ms);
    assert_eq!(limit, Duration::from_secs(20), "{round:?}");

    advance(limit - Duration::from_millis(1)).await;
    ann.none_of(ServerMsgType::Reveal, WATCH).await;
    screen.none_of(ServerMsgType::Reveal, Duration::ZERO).await;
    assert_eq!(room.summary().0, Phase::Question);

    advance(Duration::from_millis(1)).await;
    let reveal = expect!(ann, Reveal);
    assert_eq!(reveal.round, 1);
    let you = reveal.you.expect("a phone's reveal has its `you`");
    assert_eq!(you.choice, None, "Ann did not vote");
    screen.expect(ServerMsgType::Reveal).await;
}

#[tokio::test(start_paused = true)]
async fn a_paused_question_outlives_its_deadline_and_closes_on_its_time_left_after_unpause() {
    let bench = Bench::new(10).await;
    let room = bench.room();
    let mut screen = bench.screen(&room).await;
    let (_client, _, mut ann) = bench.joined(&room, "Ann").await;
    room.start_round().unwrap();
    expect!(ann, Round);
    screen.expect(ServerMsgType::Round).await;

    advance(Duration::from_secs(5)).await;
    room.pause().unwrap();
    for reader in [&mut ann, &mut screen] {
        let timer = expect!(reader, Timer);
        assert_eq!(
            (timer.round, timer.remaining_ms, timer.paused),
            (1, 15_000, true)
        );
    }
    room.pause().unwrap();
    // Far past the deadline: nothing closes it.
    advance(Duration::from_secs(60)).await;
    ann.none_of(ServerMsgType::Reveal, WATCH).await;
    assert_eq!(room.summary().0, Phase::Question);

    room.unpause().unwrap();
    for reader in [&mut ann, &mut screen] {
        let timer = expect!(reader, Timer);
        assert_eq!(
            (timer.round, timer.remaining_ms, timer.paused),
            (1, 15_000, false)
        );
    }
    // The timer re-planned on the moved deadline: 15 s from now.
    advance(Duration::from_millis(14_999)).await;
    ann.none_of(ServerMsgType::Reveal, WATCH).await;
    advance(Duration::from_millis(1)).await;
    assert_eq!(expect!(ann, Reveal).round, 1);
    screen.expect(ServerMsgType::Reveal).await;
    assert_eq!(room.pause(), Err(RuleError::WrongPhase));
}

#[tokio::test(start_paused = true)]
async fn a_seat_lapses_two_minutes_after_its_player_left_and_frees_a_place() {
    let bench = Bench::new(1).await;
    let room = bench.room();
    let mut screen = bench.screen(&room).await;
    let (client, session, _ann) = bench.joined(&room, "Ann").await;
    // Her socket ends (as its task tells the room) before she ever voted.
    room.leave(session.player, session.generation, Some(&client));
    let left = Duration::from_secs(1);
    advance(left).await;
    let lobby = expect!(screen, Lobby);
    assert_eq!(lobby.count, 1, "her seat is held: {lobby:?}");
    let players = lobby.players.expect("a host's lobby lists the players");
    assert!(!players[0].connected);
    assert_eq!(
        room.join(&name("Bob"), None).err(),
        Some(RuleError::RoomFull)
    );

    let hold = Duration::from_millis(SEAT_HOLD_MS);
    advance(hold - left - Duration::from_millis(1)).await;
    screen.none_of(ServerMsgType::Lobby, WATCH).await;
    assert_eq!(
        room.join(&name("Bob"), None).err(),
        Some(RuleError::RoomFull)
    );

    advance(Duration::from_millis(1)).await;
    let lobby = expect!(screen, Lobby);
    assert_eq!(lobby.count, 0, "her seat lapsed: {lobby:?}");
    let (_client, session, _bob) = bench.joined(&room, "Bob").await;
    assert_eq!(room.summary().1, 1);
    assert_ne!(session.player, PlayerId::new(0), "a new player, not Ann");
}

#[tokio::test(start_paused = true)]
async fn a_resumed_player_keeps_its_score_and_its_old_socket_is_replaced() {
    let bench = Bench::new(10).await;
    let room = bench.room();
    let (mut phones, mut tokens) = (Vec::new(), Vec::new());
    for who in ["Ann", "Bob", "Cat", "Dan"] {
        let mut phone = bench
            .phone(&room, &format!(r#"{{"type":"join","name":"{who}"}}"#))
            .await;
        let (_, token, _) = phone.welcome().await;
        tokens.push(token);
        phone.expect(ServerMsgType::State).await;
        phones.push(phone);
    }
    room.start_round().unwrap();
    // Each picks another of the four choices: one of them is right.
    for (choice, phone) in phones.iter_mut().enumerate() {
        phone.expect(ServerMsgType::Round).await;
        let vote = format!(r#"{{"type":"vote","round":1,"choice":{choice}}}"#);
        phone.send(&vote).await;
        phone.expect(ServerMsgType::VoteAck).await;
    }
    let mut right = None;
    for (i, phone) in phones.iter_mut().enumerate() {
        let you = expect!(phone, Reveal).you.expect("a phone's `you`");
        if you.correct {
            right = Some((i, you.score));
        }
    }
    let (i, score) = right.expect("one of the four choices is right");
    assert!(score > 0);

    let resume = format!(r#"{{"type":"resume","token":"{}"}}"#, tokens[i]);
    let mut again = bench.phone(&room, &resume).await;
    let (_, _, resumed_score) = again.welcome().await;
    assert_eq!(resumed_score, score);
    assert_eq!(expect!(again, State).phase, Phase::Reveal);
    let (error, code) = phones[i].closed().await;
    assert_eq!((error.as_str(), code), ("replaced", 1000));
    // The new socket and the others play on.
    room.start_round().unwrap();
    assert_eq!(expect!(again, Round).round, 2);
    for (j, phone) in phones.iter_mut().enumerate().filter(|&(j, _)| j != i) {
        assert_eq!(expect!(phone, Round).round, 2, "phone {j}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_kicked_players_socket_is_closed_with_1008_and_its_token_stops_working() {
    let bench = Bench::new(10).await;
    let room = bench.room();
    let mut ann = bench.phone(&room, r#"{"type":"join","name":"Ann"}"#).await;
    let (player, token, _) = ann.welcome().await;
    ann.expect(ServerMsgType::State).await;
    let mut bob = bench.phone(&room, r#"{"type":"join","name":"Bob"}"#).await;
    bob.welcome().await;
    bob.expect(ServerMsgType::State).await;

    room.kick(player).unwrap();
    let (error, code) = ann.closed().await;
    assert_eq!((error.as_str(), code), ("kicked", 1008));
    advance(Duration::from_secs(1)).await;
    bob.none_of(ServerMsgType::Error, WATCH).await;
    assert_eq!(room.summary().1, 1, "Bob plays on alone");
    assert_eq!(room.resume(&token, None).err(), Some(ResumeRefused));
}

#[tokio::test(start_paused = true)]
async fn a_kicked_name_or_device_is_refused_until_the_host_lets_it_back() {
    let bench = Bench::new(10).await;
    let room = bench.room();
    let mut ann = bench
        .phone(&room, r#"{"type":"join","name":"Ann","device":"dev-ann"}"#)
        .await;
    let (player, _, _) = ann.welcome().await;
    ann.expect(ServerMsgType::State).await;
    room.kick(player).unwrap();
    ann.closed().await;

    for (join, want) in [
        (r#"{"type":"join","name":"aNN"}"#, "name_taken"),
        (
            r#"{"type":"join","name":"Annie","device":"dev-ann"}"#,
            "kicked",
        ),
    ] {
        let mut again = bench.phone(&room, join).await;
        match again.expect(ServerMsgType::Error).await {
            ServerMsg::Error { code, message } => {
                assert_eq!(code, want, "{join}");
                assert!(message.contains("host"), "{message}");
            }
            other => unreachable!("{other:?}"),
        }
    }
    room.let_back(player).unwrap();
    let mut back = bench
        .phone(&room, r#"{"type":"join","name":"Ann","device":"dev-ann"}"#)
        .await;
    let (id, _, _) = back.welcome().await;
    assert_ne!(id, player, "a fresh seat");
}

#[tokio::test(start_paused = true)]
async fn joins_within_an_interval_make_one_lobby_update_at_its_end() {
    let bench = Bench::new(100).await;
    let room = bench.room();
    let mut screen = bench.screen(&room).await;
    advance(Duration::from_secs(1)).await;

    let names = ["Ann", "Bob", "Cat", "Dan", "Eve"];
    for who in names {
        room.join(&name(who), None).unwrap();
    }
    // The first join at once, the four after it together 200 ms later.
    let first = expect!(screen, Lobby);
    assert_eq!(first.count, 1, "{first:?}");
    advance(Duration::from_millis(199)).await;
    screen.none_of(ServerMsgType::Lobby, WATCH).await;
    advance(Duration::from_millis(1)).await;
    let all = expect!(screen, Lobby);
    assert_eq!(all.count, names.len(), "{all:?}");
    advance(Duration::from_secs(1)).await;
    screen.none_of(ServerMsgType::Lobby, WATCH).await;
}

#[tokio::test(start_paused = true)]
async fn a_reveal_waits_until_the_close_is_on_disk() {
    let bench = Bench::new(10).await;
    let room = bench.room();
    let mut screen = bench.screen(&room).await;
    let (_client, _, mut ann) = bench.joined(&room, "Ann").await;
    room.start_round().unwrap();
    ann.expect(ServerMsgType::Round).await;

    // Another program holds the database's write lock: commits wait.
    let outside = rusqlite::Connection::open(bench.dir.path().join("t.db")).unwrap();
    outside.busy_timeout(Duration::from_secs(5)).unwrap();
    outside.execute_batch("BEGIN IMMEDIATE").unwrap();
    room.reveal().unwrap();
    assert_eq!(room.summary().0, Phase::Reveal);
    ann.none_of(ServerMsgType::Reveal, 3 * WATCH).await;
    screen.none_of(ServerMsgType::Reveal, Duration::ZERO).await;

    outside.execute_batch("ROLLBACK").unwrap();
    assert_eq!(expect!(ann, Reveal).round, 1);
    screen.expect(ServerMsgType::Reveal).await;
}
