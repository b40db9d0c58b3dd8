//! The game run: rooms created over HTTP, a host and its phones per room
//! over WebSockets, each recording when it saw what.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use futures_util::{SinkExt, StreamExt};
use parking_lot::Mutex;
use rand::RngExt;
use rand::seq::SliceRandom;
use serde_json::{Value, json};
use tokio::sync::{Notify, Semaphore, oneshot, watch};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use yearbook::game::Phase;
use yearbook::protocol::{ClientMsg, ServerMsg, State};

use crate::args::LoadgenArgs;
use crate::client::{SOCKETS_PER_SOURCE, Target, http_post, parse_url, tcp_connect};
use crate::procfs::{
    proc_cpu_ticks, proc_rss_kib, proc_thread_ticks, thread_ticks_between, ticks_between,
};
use crate::stamp::{Clock, Stamped};
use crate::{Report, atomics};
use host::host_task;
use phone::phone_task;
use report::game_report;

mod host;
mod phone;
mod photos;
mod report;

/// Joins per source address by default: half the server's per-address
/// burst, so honest phones are never paced (at most 254 sources, so past
/// about 15,000 phones some are).
const JOINS_PER_SOURCE: usize = yearbook::http::pace::JOIN_BURST as usize / 2;

/// Stages the whole run moves through; tasks wait on it.
const STAGE_JOIN: u8 = 0;
const STAGE_PLAY: u8 = 1;
const STAGE_END: u8 = 2;
const STAGE_STOP: u8 = 3;

/// What every task shares: the target, the clock, the counters.
struct Ctx {
    target: Target,
    /// The one clock: every time below is nanoseconds on it (0 = never).
    clock: Clock,
    handshakes: Semaphore,
    stage: watch::Receiver<u8>,
    /// Text frames received by all clients.
    received: AtomicU64,
    errors: Mutex<BTreeMap<String, u64>>,
    /// Things worth knowing that are not errors (a churner's vote that came
    /// after the round closed while it was away).
    notes: Mutex<BTreeMap<String, u64>>,
    sources: u32,
    wait: Duration,
    vote_delay_ms: u64,
    ws_config: WebSocketConfig,
    /// Phones that finished joining, either way.
    settled: AtomicUsize,
    settled_wake: Notify,
    /// `--fetch-photos`, and whether `preload` is read.
    fetch_photos: bool,
    ignore_preload: bool,
    photos: photos::PhotoCounters,
    /// How long the host leaves each reveal up (`--reveal-ms`).
    reveal_pause: Duration,
}

impl Ctx {
    fn now(&self) -> u64 {
        self.clock.now()
    }

    /// When the message just read from `ws` reached the phone's socket.
    fn arrival(&self, ws: &Ws) -> u64 {
        self.clock.arrival(ws.get_ref())
    }

    fn error(&self, kind: impl Into<String>) {
        *self.errors.lock().entry(kind.into()).or_default() += 1;
    }

    fn note(&self, kind: impl Into<String>) {
        *self.notes.lock().entry(kind.into()).or_default() += 1;
    }

    /// Source address for the `g`-th client socket of the run.
    fn source(&self, g: usize) -> Option<Ipv4Addr> {
        match self.target.addr {
            SocketAddr::V4(_) => Some(Ipv4Addr::new(
                127,
                0,
                0,
                1 + (g % self.sources.max(1) as usize) as u8,
            )),
            SocketAddr::V6(_) => None,
        }
    }

    /// `query`: what follows `?` in the URL, if anything (a host's `role=host`).
    async fn ws_connect(&self, g: usize, code: &str, query: &str) -> Result<Ws> {
        let stream = Stamped::new(tcp_connect(self.target.addr, self.source(g)).await?)?;
        let mut url = format!("ws://{}{}/ws/{code}", self.target.host, self.target.base);
        if !query.is_empty() {
            url = format!("{url}?{query}");
        }
        let (ws, _) =
            tokio_tungstenite::client_async_with_config(url, stream, Some(self.ws_config)).await?;
        Ok(ws)
    }

    fn stopping(&self) -> bool {
        *self.stage.borrow() >= STAGE_STOP
    }
}

type Ws = WebSocketStream<Stamped>;

/// An abrupt close (RST): no TIME_WAIT left behind on either side, so
/// repeated runs and churning phones do not use up ports.
fn drop_hard(ws: Ws) {
    let _ = ws.get_ref().tcp().set_zero_linger();
    drop(ws);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Reads everything, votes.
    Normal,
    /// Stops reading after joining.
    Slow,
    /// Drops its connection and resumes every second.
    Churn,
}

/// Per (round, phone) flags.
const F_ROUND: u8 = 1;
const F_ACK: u8 = 2;
const F_REVEAL: u8 = 4;
const F_YOU: u8 = 8;

/// One room's record: what each phone saw and when.
struct RoomRun {
    code: String,
    n: usize,
    rounds: usize,
    /// Round number of our first round (a used room may have played some).
    first_round: u32,
    /// Index of this room's first phone in the whole run (source addresses).
    g0: usize,
    kinds: Vec<Kind>,
    connect_at: Vec<AtomicU64>,
    ws_at: Vec<AtomicU64>,
    welcome_at: Vec<AtomicU64>,
    game_over_at: Vec<AtomicU64>,
    /// Indexed `round * n + phone`. Arrival times (the kernel's stamp).
    round_at: Vec<AtomicU64>,
    /// When the generator read each `round`: arrival plus its own backlog.
    round_read_at: Vec<AtomicU64>,
    vote_at: Vec<AtomicU64>,
    ack_at: Vec<AtomicU64>,
    reveal_at: Vec<AtomicU64>,
    /// With `--fetch-photos`: when all the round's photos were on hand
    /// (never before its `round` arrived).
    photos_at: Vec<AtomicU64>,
    flags: Vec<AtomicU8>,
    acks: Vec<AtomicUsize>,
    reveals: Vec<AtomicUsize>,
    game_overs: AtomicUsize,
    /// Joined phones that must see everything (not slow), still connected.
    active: AtomicUsize,
    joined: AtomicUsize,
    /// The host's record.
    start_at: Vec<AtomicU64>,
    host_round_at: Vec<AtomicU64>,
    host_reveal_at: Vec<AtomicU64>,
    host_sent_reveal: Vec<AtomicBool>,
    host_game_over: AtomicBool,
    rounds_played: AtomicUsize,
    ended: AtomicBool,
    /// When the host sent `end_game`.
    end_at: AtomicU64,
    host_wake: Notify,
}

impl RoomRun {
    fn new(
        code: String,
        n: usize,
        rounds: usize,
        first_round: u32,
        g0: usize,
        kinds: Vec<Kind>,
    ) -> Self {
        let rn = rounds * n;
        Self {
            code,
            n,
            rounds,
            first_round,
            g0,
            kinds,
            connect_at: atomics(n),
            ws_at: atomics(n),
            welcome_at: atomics(n),
            game_over_at: atomics(n),
            round_at: atomics(rn),
            round_read_at: atomics(rn),
            vote_at: atomics(rn),
            ack_at: atomics(rn),
            reveal_at: atomics(rn),
            photos_at: atomics(rn),
            flags: (0..rn).map(|_| AtomicU8::new(0)).collect(),
            acks: (0..rounds).map(|_| AtomicUsize::new(0)).collect(),
            reveals: (0..rounds).map(|_| AtomicUsize::new(0)).collect(),
            game_overs: AtomicUsize::new(0),
            active: AtomicUsize::new(0),
            joined: AtomicUsize::new(0),
            start_at: atomics(rounds),
            host_round_at: atomics(rounds),
            host_reveal_at: atomics(rounds),
            host_sent_reveal: (0..rounds).map(|_| AtomicBool::new(false)).collect(),
            host_game_over: AtomicBool::new(false),
            rounds_played: AtomicUsize::new(0),
            ended: AtomicBool::new(false),
            end_at: AtomicU64::new(0),
            host_wake: Notify::new(),
        }
    }

    /// Our 0-based index for a round number the server sent.
    fn round_index(&self, round: Option<u32>) -> Option<usize> {
        let r = round?.checked_sub(self.first_round)? as usize;
        (r < self.rounds).then_some(r)
    }

    /// Sets `flag` for (round, phone); `true` the first time.
    fn set_flag(&self, r: usize, i: usize, flag: u8) -> bool {
        self.flags[r * self.n + i].fetch_or(flag, Relaxed) & flag == 0
    }

    fn flag(&self, r: usize, i: usize) -> u8 {
        self.flags[r * self.n + i].load(Relaxed)
    }

    /// Wakes the host when a count it waits for may be complete.
    fn poke(&self, count: usize) {
        if count >= self.active.load(Relaxed) {
            self.host_wake.notify_one();
        }
    }

    /// A phone that should have seen everything is gone.
    fn lose_phone(&self) {
        self.active.fetch_sub(1, Relaxed);
        self.host_wake.notify_one();
    }
}

/// A server message read whole, for the few that are read for more than
/// their type and round (`welcome`, `state`, `error`).
fn decode(text: &str) -> Option<ServerMsg> {
    serde_json::from_str(text).ok()
}

// ---- the game run ------------------------------------------------------------

struct Setup {
    code: String,
    key: String,
    /// Rounds we will play in this room.
    rounds: usize,
    first_round: u32,
}

async fn create_room(
    target: &Target,
    args: &LoadgenArgs,
    k: usize,
    offset: usize,
) -> Result<(String, String)> {
    let body = json!({"rounds": args.rounds, "seconds": args.seconds}).to_string();
    let mut last = String::new();
    // Each room is created from its own loopback address, as separate hosts
    // would: the server allows an address ten new rooms a minute.
    for attempt in 0..5 {
        let src = match target.addr {
            SocketAddr::V4(_) => Some(Ipv4Addr::new(
                127,
                0,
                1,
                1 + ((offset + k * 5 + attempt) % 250) as u8,
            )),
            SocketAddr::V6(_) => None,
        };
        let (status, text) = http_post(
            target,
            src,
            "/api/rooms",
            &body,
            args.host_password.as_deref(),
        )
        .await?;
        if status == 201 {
            let v: Value = serde_json::from_str(&text).context("room answer is not JSON")?;
            let code = v["code"]
                .as_str()
                .ok_or_else(|| anyhow!("no code in {text}"))?;
            let key = v["host_key"]
                .as_str()
                .ok_or_else(|| anyhow!("no host_key in {text}"))?;
            return Ok((code.to_string(), key.to_string()));
        }
        last = format!("{status} {text}");
        if status != 429 {
            break;
        }
    }
    bail!("POST /api/rooms failed: {last}")
}

/// Connects the host and says hello; returns the socket and the `state`.
async fn host_connect(ctx: &Ctx, g: usize, code: &str, key: &str) -> Result<(Ws, State)> {
    let mut ws = tokio::time::timeout(ctx.wait, ctx.ws_connect(g, code, "role=host"))
        .await
        .map_err(|_| anyhow!("host handshake timed out"))??;
    let hello = ClientMsg::Hello {
        key: key.to_string(),
    };
    ws.send(Message::text(hello.to_json())).await?;
    let deadline = tokio::time::Instant::now() + ctx.wait;
    loop {
        let frame = tokio::time::timeout_at(deadline, ws.next())
            .await
            .map_err(|_| anyhow!("no state for the host"))?;
        match frame {
            Some(Ok(Message::Text(t))) => match decode(t.as_str()) {
                Some(ServerMsg::State(state)) => return Ok((ws, *state)),
                Some(ServerMsg::Error { code, message }) => {
                    bail!("host refused: {code}: {message}")
                }
                Some(_) => {}
                None => bail!("host got a message it cannot read: {}", t.as_str()),
            },
            Some(Ok(_)) => {}
            Some(Err(e)) => bail!("host socket: {e}"),
            None => bail!("host socket closed"),
        }
    }
}

fn kinds_for(n: usize, slow: f64, churn: f64) -> Vec<Kind> {
    let slow_n = ((n as f64) * slow.clamp(0.0, 1.0)).round() as usize;
    let churn_n = (((n as f64) * churn.clamp(0.0, 1.0)).round() as usize).min(n - slow_n.min(n));
    let mut kinds = vec![Kind::Normal; n];
    for k in kinds.iter_mut().take(slow_n) {
        *k = Kind::Slow;
    }
    for k in kinds.iter_mut().skip(slow_n).take(churn_n) {
        *k = Kind::Churn;
    }
    kinds.shuffle(&mut rand::rng());
    kinds
}

pub async fn run_game(args: LoadgenArgs) -> Result<Report> {
    let target = parse_url(&args.url)?;
    if args.phones == 0 || args.rooms == 0 {
        bail!("--phones and --rooms must be at least 1");
    }
    if args.code.is_some() && args.rooms != 1 {
        bail!("--code drives one room; leave out --rooms");
    }
    let total = args.phones * args.rooms;
    let sources = args
        .sources
        .unwrap_or_else(|| {
            let sockets = (total + args.rooms).div_ceil(SOCKETS_PER_SOURCE);
            sockets.max(total.div_ceil(JOINS_PER_SOURCE)) as u32
        })
        .clamp(1, 254);
    let (stage_tx, stage) = watch::channel(STAGE_JOIN);
    let ctx = Arc::new(Ctx {
        target: target.clone(),
        clock: Clock::new(),
        handshakes: Semaphore::new(args.concurrency.max(1)),
        stage,
        received: AtomicU64::new(0),
        errors: Mutex::new(BTreeMap::new()),
        notes: Mutex::new(BTreeMap::new()),
        sources,
        wait: Duration::from_secs(args.wait_secs.max(1)),
        vote_delay_ms: args.vote_delay_ms,
        ws_config: WebSocketConfig::default()
            .read_buffer_size(4096)
            .write_buffer_size(0),
        settled: AtomicUsize::new(0),
        settled_wake: Notify::new(),
        fetch_photos: args.fetch_photos,
        ignore_preload: args.ignore_preload,
        photos: photos::PhotoCounters::default(),
        reveal_pause: Duration::from_millis(args.reveal_ms),
    });
    let pid = args.server_pid.map(|p| p.to_string());
    let say = |s: String| {
        if !args.json {
            eprintln!("{s}");
        }
    };

    // Rooms and their hosts.
    let mut setups = Vec::new();
    let offset = rand::rng().random_range(0..250usize);
    for k in 0..args.rooms {
        let (code, key) = match (&args.code, &args.host_key) {
            (Some(c), Some(h)) => (c.trim().to_ascii_uppercase(), h.clone()),
            _ => create_room(&target, &args, k, offset).await?,
        };
        setups.push(Setup {
            code,
            key,
            rounds: 0,
            first_round: 1,
        });
    }
    let mut hosts = Vec::new();
    for (k, s) in setups.iter_mut().enumerate() {
        let (ws, state) = host_connect(&ctx, total + k, &s.code, &s.key).await?;
        if matches!(state.phase, Phase::Question | Phase::Over) {
            bail!(
                "room {} is in phase {}; it needs the lobby or a reveal",
                s.code,
                state.phase.as_str()
            );
        }
        let (played, of) = (state.round, state.of);
        s.first_round = played + 1;
        s.rounds = args.rounds.min(of.saturating_sub(played)) as usize;
        if s.rounds == 0 {
            bail!("room {} has no rounds left to play", s.code);
        }
        hosts.push(ws);
    }
    say(format!(
        "rooms: {} ({} rounds each); joining {total} phones from {sources} source address(es)",
        setups
            .iter()
            .map(|s| s.code.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        setups[0].rounds
    ));

    let rooms: Vec<Arc<RoomRun>> = setups
        .iter()
        .enumerate()
        .map(|(k, s)| {
            Arc::new(RoomRun::new(
                s.code.clone(),
                args.phones,
                s.rounds,
                s.first_round,
                k * args.phones,
                kinds_for(args.phones, args.slow_share, args.churn_share),
            ))
        })
        .collect();

    // Hosts read from the start, so the lobby updates never back up.
    let mut host_handles = Vec::new();
    let mut rounds_done = Vec::new();
    let mut ended = Vec::new();
    for (room, ws) in rooms.iter().zip(hosts) {
        let (done_tx, done_rx) = oneshot::channel();
        let (end_tx, end_rx) = oneshot::channel();
        rounds_done.push(done_rx);
        ended.push(end_rx);
        host_handles.push(tokio::spawn(host_task(
            ctx.clone(),
            room.clone(),
            ws,
            args.seconds,
            done_tx,
            end_tx,
        )));
    }

    let rss_before = pid.as_deref().and_then(proc_rss_kib);
    let cpu_join0 = pid.as_deref().and_then(proc_cpu_ticks);
    let mut phone_handles = Vec::with_capacity(total);
    for room in &rooms {
        for i in 0..room.n {
            phone_handles.push(tokio::spawn(phone_task(ctx.clone(), room.clone(), i)));
        }
    }
    // Every phone either joins or fails within its own time limits.
    let join_limit = ctx.wait * 4 + Duration::from_millis(total as u64 * 2);
    let joined_in_time = tokio::time::timeout(join_limit, async {
        while ctx.settled.load(Relaxed) < total {
            ctx.settled_wake.notified().await;
        }
    })
    .await
    .is_ok();
    if !joined_in_time {
        ctx.error("joining did not finish in time");
    }
    let joined: usize = rooms.iter().map(|r| r.joined.load(Relaxed)).sum();
    say(format!("joined {joined}/{total}; playing"));
    // Let the coalesced lobby updates and the store settle before measuring.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let rss_after = pid.as_deref().and_then(proc_rss_kib);
    let cpu_join1 = pid.as_deref().and_then(proc_cpu_ticks);

    let cpu0 = pid.as_deref().and_then(proc_cpu_ticks);
    let threads0 = pid.as_deref().and_then(proc_thread_ticks);
    let gen0 = proc_cpu_ticks("self");
    let msgs0 = ctx.received.load(Relaxed);
    let t_play = ctx.now();
    let _ = stage_tx.send(STAGE_PLAY);
    for rx in rounds_done {
        let _ = rx.await;
    }
    let t_played = ctx.now();
    let cpu1 = pid.as_deref().and_then(proc_cpu_ticks);
    let threads1 = pid.as_deref().and_then(proc_thread_ticks);
    let gen1 = proc_cpu_ticks("self");
    let msgs1 = ctx.received.load(Relaxed);
    let _ = stage_tx.send(STAGE_END);
    for rx in ended {
        let _ = rx.await;
    }
    let rss_end = pid.as_deref().and_then(proc_rss_kib);
    let _ = stage_tx.send(STAGE_STOP);
    for h in host_handles {
        let _ = h.await;
    }
    for h in phone_handles {
        let _ = h.await;
    }

    let server = ServerFigures {
        rss_before,
        rss_after,
        rss_end,
        join_ticks: ticks_between(cpu_join0, cpu_join1),
        cpu_ticks: ticks_between(cpu0, cpu1),
        thread_ticks: threads0
            .zip(threads1)
            .map(|(a, b)| thread_ticks_between(&a, &b)),
        gen_ticks: ticks_between(gen0, gen1),
        messages: msgs1 - msgs0,
        play_ns: t_played.saturating_sub(t_play),
    };
    Ok(game_report(&ctx, &args, &rooms, server, pid.as_deref()))
}

struct ServerFigures {
    rss_before: Option<u64>,
    rss_after: Option<u64>,
    /// After the game is over (the last message is the largest).
    rss_end: Option<u64>,
    /// Server CPU from the first connect until a second after the last join.
    join_ticks: Option<u64>,
    cpu_ticks: Option<u64>,
    /// The same, per thread name (threads that ended meanwhile are not in it).
    thread_ticks: Option<BTreeMap<String, u64>>,
    gen_ticks: Option<u64>,
    messages: u64,
    play_ns: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_pick_exact_counts() {
        let k = kinds_for(1000, 0.1, 0.05);
        assert_eq!(k.iter().filter(|&&k| k == Kind::Slow).count(), 100);
        assert_eq!(k.iter().filter(|&&k| k == Kind::Churn).count(), 50);
        assert_eq!(kinds_for(3, 1.0, 1.0).len(), 3);
    }
}
