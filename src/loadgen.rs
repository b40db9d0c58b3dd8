//! `yearbook loadgen`: thousands of phones against a server on this
//! machine, speaking only the protocol (docs/protocol.md): it creates rooms
//! over HTTP, joins phones over WebSockets, plays rounds as the host and the
//! phones, and reports what it measured with one monotonic clock.
//!
//! `--floor` measures the same fan-out against a bare TCP server (a child
//! process of this binary), so the kernel's share can be told apart from the
//! game server's.
//!
//! Traffic goes to loopback addresses only: `--url` must name this machine.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Write as _;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use clap::Args;
use futures_util::{SinkExt, StreamExt};
use parking_lot::Mutex;
use rand::RngExt;
use rand::seq::SliceRandom;
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::{Notify, Semaphore, oneshot, watch};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

mod stamp;
use stamp::{Clock, Stamped};

/// Sockets per source address by default: well under the ~28,000
/// ephemeral ports one source/destination pair has.
const SOCKETS_PER_SOURCE: usize = 10_000;
/// Joins per source address by default: half the server's per-address
/// burst, so honest phones are never paced (at most 254 sources, so past
/// about 15,000 phones some are).
const JOINS_PER_SOURCE: usize = crate::http::pace::JOIN_BURST as usize / 2;
/// `/proc/PID/stat` counts CPU time in USER_HZ, which Linux fixes at 100.
const TICKS_PER_SEC: u64 = 100;

fn ticks_ms(ticks: u64) -> u64 {
    ticks * 1000 / TICKS_PER_SEC
}

/// Ticks from one reading of a counter to the next, when both were read.
fn ticks_between(before: Option<u64>, after: Option<u64>) -> Option<u64> {
    before.zip(after).map(|(a, b)| b.saturating_sub(a))
}
/// The line the floor server writes per round, like a small `round` message.
const FLOOR_LINE_BYTES: usize = 200;

#[derive(Debug, Clone, Args)]
pub struct LoadgenArgs {
    /// The server, with its base path; this machine only (127.0.0.0/8, ::1, localhost).
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub url: String,
    /// Phones per room.
    #[arg(long, default_value_t = 1000)]
    pub phones: usize,
    /// Rounds to play (at most what the room allows).
    #[arg(long, default_value_t = 5)]
    pub rounds: u32,
    /// Round length of created rooms, in seconds; long, so rounds close by votes.
    #[arg(long, default_value_t = 60)]
    pub seconds: u32,
    /// Rooms, each with `--phones` phones, all played at once.
    #[arg(long, default_value_t = 1)]
    pub rooms: usize,
    /// Use this existing room instead of creating one.
    #[arg(long, requires = "host_key")]
    pub code: Option<String>,
    /// The existing room's host key.
    #[arg(long, requires = "code")]
    pub host_key: Option<String>,
    /// Bearer password for creating rooms, for a server run with --host-password.
    #[arg(long)]
    pub host_password: Option<String>,
    /// WebSocket handshakes in flight at once.
    #[arg(long, default_value_t = 256)]
    pub concurrency: usize,
    /// Each phone votes after a random 0..=T ms; 0 votes on receipt.
    #[arg(long, default_value_t = 0)]
    pub vote_delay_ms: u64,
    /// Share of phones (0..1) that stop reading once joined.
    #[arg(long, default_value_t = 0.0)]
    pub slow_share: f64,
    /// Share of phones (0..1) that drop their connection and resume every second.
    #[arg(long, default_value_t = 0.0)]
    pub churn_share: f64,
    /// The server's process id, for its memory and CPU time from /proc.
    #[arg(long)]
    pub server_pid: Option<u32>,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Threads the generator runs on. One by default: on a small machine
    /// the generator then never takes more than one core from the server it
    /// measures, and arrival times come from the kernel (not from when the
    /// generator read them), so its own pace does not count against the
    /// server.
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// Spread client sockets over 127.0.0.1 ..= 127.0.0.N (default: ≤ 30 joins
    /// each, below the server's per-address join burst, up to 254 sources).
    #[arg(long)]
    pub sources: Option<u32>,
    /// Seconds to wait for any one step (a handshake, all acks, all reveals).
    #[arg(long, default_value_t = 30)]
    pub wait_secs: u64,
    /// Measure a bare TCP fan-out server instead (the kernel's floor).
    #[arg(long)]
    pub floor: bool,
    /// CPUs for the floor server (`taskset -c LIST`), e.g. 0.
    #[arg(long, requires = "floor")]
    pub floor_cpus: Option<String>,
    /// With `--floor`: each connection answers every line with a small
    /// write of its own at once, as phones send their vote on receipt (the
    /// floor server leaves those unread).
    #[arg(long, requires = "floor")]
    pub floor_reply: bool,
    /// Internal: be the floor server.
    #[arg(long, hide = true)]
    pub floor_serve: bool,
}

/// Runs the load generator; the exit status is non-zero unless the run was
/// clean (everyone joined, nothing lost, no errors).
pub fn run(args: LoadgenArgs) -> ExitCode {
    // Thousands of sockets: use all the open files the hard limit allows.
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    if args.floor_serve {
        return floor_serve(args.phones);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.threads.max(1))
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let json_out = args.json;
    let result = runtime.block_on(async move {
        if args.floor {
            run_floor(args).await
        } else {
            run_game(args).await
        }
    });
    match result {
        Ok(report) => {
            if json_out {
                println!("{}", report.json);
            } else {
                print!("{}", report.table);
            }
            let _ = std::io::stdout().flush();
            if report.clean {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

struct Report {
    json: Value,
    table: String,
    clean: bool,
}

// ---- target, sockets, HTTP -------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
struct Target {
    addr: SocketAddr,
    /// `Host` header value, as given.
    host: String,
    /// Base path without trailing slash; empty at the root.
    base: String,
}

/// `http://127.0.0.1:8080/base` → a loopback address and a base path.
/// Anything that is not this machine is refused: load goes nowhere else.
fn parse_url(url: &str) -> Result<Target> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| anyhow!("--url must start with http:// (got {url})"))?;
    let (hostport, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
        let (h, p) = v6
            .split_once(']')
            .ok_or_else(|| anyhow!("bad IPv6 address in --url"))?;
        (h, p.strip_prefix(':'))
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (hostport, None),
        }
    };
    let port: u16 = match port {
        Some(p) => p
            .parse()
            .with_context(|| format!("bad port in --url: {p}"))?,
        None => 80,
    };
    let ip: IpAddr = if host.eq_ignore_ascii_case("localhost") {
        Ipv4Addr::LOCALHOST.into()
    } else {
        host.parse()
            .with_context(|| format!("--url must name an IP address or localhost, not {host}"))?
    };
    if !ip.is_loopback() {
        bail!("--url must be on this machine (127.0.0.0/8, ::1 or localhost), not {ip}");
    }
    Ok(Target {
        addr: SocketAddr::new(ip, port),
        host: hostport.to_string(),
        base: path.trim_end_matches('/').to_string(),
    })
}

/// A TCP connection from `src` (a loopback source address), so that many
/// sockets do not exhaust one address's ephemeral ports.
async fn tcp_connect(to: SocketAddr, src: Option<Ipv4Addr>) -> std::io::Result<TcpStream> {
    let socket = match to {
        SocketAddr::V4(_) => TcpSocket::new_v4()?,
        SocketAddr::V6(_) => TcpSocket::new_v6()?,
    };
    if let (Some(src), SocketAddr::V4(_)) = (src, to) {
        // Lets a port whose last connection is still in TIME_WAIT be used
        // again: back-to-back runs would otherwise run out of ports.
        socket.set_reuseaddr(true)?;
        socket.bind(SocketAddr::new(src.into(), 0))?;
    }
    let stream = socket.connect(to).await?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// One HTTP/1.1 POST with `Connection: close`; returns status and body.
async fn http_post(
    target: &Target,
    src: Option<Ipv4Addr>,
    path: &str,
    body: &str,
    bearer: Option<&str>,
) -> Result<(u16, String)> {
    let mut stream = tcp_connect(target.addr, src).await?;
    let mut req = format!(
        "POST {}{path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        target.base,
        target.host,
        body.len()
    );
    if let Some(b) = bearer {
        req.push_str(&format!("Authorization: Bearer {b}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    stream.write_all(req.as_bytes()).await?;
    let mut raw = Vec::new();
    tokio::time::timeout(
        Duration::from_secs(10),
        (&mut stream).take(1 << 20).read_to_end(&mut raw),
    )
    .await
    .map_err(|_| anyhow!("no HTTP answer within 10 s"))??;
    parse_http_response(&raw)
}

fn parse_http_response(raw: &[u8]) -> Result<(u16, String)> {
    let text = std::str::from_utf8(raw).context("HTTP answer is not UTF-8")?;
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| anyhow!("incomplete HTTP answer"))?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| anyhow!("bad HTTP status line"))?;
    let chunked = head.lines().any(|l| {
        let l = l.to_ascii_lowercase();
        l.starts_with("transfer-encoding:") && l.contains("chunked")
    });
    let body = if chunked {
        dechunk(body)?
    } else {
        body.to_string()
    };
    Ok((status, body))
}

fn dechunk(mut s: &str) -> Result<String> {
    let mut out = String::new();
    loop {
        let (size, rest) = s
            .split_once("\r\n")
            .ok_or_else(|| anyhow!("bad chunked body"))?;
        let size = usize::from_str_radix(size.split(';').next().unwrap_or("").trim(), 16)
            .context("bad chunk size")?;
        if size == 0 {
            return Ok(out);
        }
        out.push_str(rest.get(..size).ok_or_else(|| anyhow!("short chunk"))?);
        s = rest
            .get(size..)
            .and_then(|r| r.strip_prefix("\r\n"))
            .ok_or_else(|| anyhow!("bad chunk end"))?;
    }
}

// ---- /proc -------------------------------------------------------------------

/// utime + stime of a process, in ticks (includes threads that have ended).
fn proc_cpu_ticks(pid: &str) -> Option<u64> {
    let stat = std::fs::read(format!("/proc/{pid}/stat")).ok()?;
    stat_ticks(&String::from_utf8_lossy(&stat)).map(|(_, ticks)| ticks)
}

/// The name and utime + stime (ticks) from a `/proc/.../stat` line.
fn stat_ticks(stat: &str) -> Option<(String, u64)> {
    // The name may hold spaces and parentheses; the fields after it cannot.
    let (open, close) = (stat.find('(')?, stat.rfind(')')?);
    let name = stat.get(open + 1..close)?;
    let fields: Vec<&str> = stat.get(close + 1..)?.split_whitespace().collect();
    // Fields 14 (utime) and 15 (stime); `fields` starts at field 3.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((name.to_string(), utime + stime))
}

/// Each thread's name and utime + stime (ticks), by thread id.
fn proc_thread_ticks(pid: &str) -> Option<BTreeMap<u64, (String, u64)>> {
    let mut by_tid = BTreeMap::new();
    for task in std::fs::read_dir(format!("/proc/{pid}/task"))
        .ok()?
        .flatten()
    {
        let Some(tid) = task.file_name().to_str().and_then(|t| t.parse().ok()) else {
            continue;
        };
        let Ok(stat) = std::fs::read(task.path().join("stat")) else {
            continue; // ended meanwhile
        };
        if let Some(named) = stat_ticks(&String::from_utf8_lossy(&stat)) {
            by_tid.insert(tid, named);
        }
    }
    Some(by_tid)
}

/// CPU ticks spent between two [`proc_thread_ticks`], summed by thread
/// name (a pool's threads share one): where the server's CPU went, without
/// a profiler. A thread that ended in between is missing from it.
fn thread_ticks_between(
    before: &BTreeMap<u64, (String, u64)>,
    after: &BTreeMap<u64, (String, u64)>,
) -> BTreeMap<String, u64> {
    let mut by_name = BTreeMap::new();
    for (tid, (name, ticks)) in after {
        let earlier = before.get(tid).map_or(0, |(_, t)| *t);
        *by_name.entry(name.clone()).or_insert(0) += ticks.saturating_sub(earlier);
    }
    by_name.retain(|_, t| *t > 0);
    by_name
}

fn proc_rss_kib(pid: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

// ---- statistics ------------------------------------------------------------

fn ms(ns: u64) -> f64 {
    (ns as f64 / 1e4).round() / 100.0
}

/// Nearest-rank percentile of nanosecond samples, in ms; `None` if empty.
fn pct(sorted: &[u64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(ms(sorted[rank - 1]))
}

#[derive(Debug, Default, Clone)]
struct Dist(Vec<u64>);

impl Dist {
    fn push(&mut self, ns: u64) {
        self.0.push(ns);
    }
    fn extend(&mut self, other: &Dist) {
        self.0.extend_from_slice(&other.0);
    }
    fn summary(&self) -> (Option<f64>, Option<f64>, Option<f64>) {
        let mut v = self.0.clone();
        v.sort_unstable();
        (pct(&v, 0.5), pct(&v, 0.99), v.last().map(|&x| ms(x)))
    }
    fn json(&self) -> Value {
        let (p50, p99, max) = self.summary();
        json!({"p50_ms": p50, "p99_ms": p99, "max_ms": max, "samples": self.0.len()})
    }
    fn line(&self) -> String {
        let (p50, p99, max) = self.summary();
        format!("p50 {}  p99 {}  max {}", show(p50), show(p99), show(max))
    }
}

fn show(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_string(), |x| format!("{x:.1} ms"))
}

fn max_of(v: &[Option<f64>]) -> Option<f64> {
    v.iter().flatten().copied().reduce(f64::max)
}

fn list(v: &[Option<f64>]) -> String {
    v.iter()
        .map(|x| x.map_or_else(|| "-".into(), |x| format!("{x:.1}")))
        .collect::<Vec<_>>()
        .join(" ")
}

// ---- shared run state ------------------------------------------------------

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

fn atomics(n: usize) -> Vec<AtomicU64> {
    (0..n).map(|_| AtomicU64::new(0)).collect()
}

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

/// What clients read from any server message; the rest is skipped unparsed.
#[derive(Debug, Deserialize)]
struct Incoming<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(default)]
    round: Option<u32>,
    #[serde(default, borrow)]
    phase: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    code: Option<Cow<'a, str>>,
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    you: Option<IgnoredAny>,
    #[serde(default)]
    voted: Option<u8>,
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
async fn host_connect(ctx: &Ctx, g: usize, code: &str, key: &str) -> Result<(Ws, Value)> {
    let mut ws = tokio::time::timeout(ctx.wait, ctx.ws_connect(g, code, "role=host"))
        .await
        .map_err(|_| anyhow!("host handshake timed out"))??;
    ws.send(Message::text(
        json!({"type": "hello", "key": key}).to_string(),
    ))
    .await?;
    let deadline = tokio::time::Instant::now() + ctx.wait;
    loop {
        let frame = tokio::time::timeout_at(deadline, ws.next())
            .await
            .map_err(|_| anyhow!("no state for the host"))?;
        match frame {
            Some(Ok(Message::Text(t))) => {
                let v: Value = serde_json::from_str(t.as_str()).context("host got bad JSON")?;
                match v["type"].as_str() {
                    Some("state") => return Ok((ws, v)),
                    Some("error") => bail!("host refused: {}", v),
                    _ => {}
                }
            }
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

async fn run_game(args: LoadgenArgs) -> Result<Report> {
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
        let phase = state["phase"].as_str().unwrap_or("");
        if phase == "question" || phase == "over" {
            bail!(
                "room {} is in phase {phase}; it needs the lobby or a reveal",
                s.code
            );
        }
        let played = state["round"].as_u64().unwrap_or(0) as u32;
        let of = state["of"].as_u64().unwrap_or(u64::from(args.rounds)) as u32;
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

// ---- phones ------------------------------------------------------------------

/// Joins; `None` if this phone could not (the error is counted).
async fn phone_join(ctx: &Ctx, room: &RoomRun, i: usize) -> Option<(Ws, String)> {
    let g = room.g0 + i;
    let permit = ctx.handshakes.acquire().await.ok()?;
    room.connect_at[i].store(ctx.now(), Relaxed);
    let mut ws = match tokio::time::timeout(ctx.wait, ctx.ws_connect(g, &room.code, "")).await {
        Ok(Ok(ws)) => ws,
        Ok(Err(e)) => {
            ctx.error(format!("connect: {e}"));
            return None;
        }
        Err(_) => {
            ctx.error("connect: timed out");
            return None;
        }
    };
    room.ws_at[i].store(ctx.now(), Relaxed);
    drop(permit);
    let mut name = format!("Phone {}", i + 1);
    let mut tries = 0;
    loop {
        let join = json!({"type": "join", "name": name}).to_string();
        if ws.send(Message::text(join)).await.is_err() {
            ctx.error("join: send failed");
            return None;
        }
        match await_welcome(ctx, &mut ws).await {
            Ok(token) => {
                room.welcome_at[i].store(ctx.now(), Relaxed);
                return Some((ws, token));
            }
            // The name filter reads digits as letters ("8008"); a person
            // would type another name, and so does this phone.
            Err(code) if (code == "bad_name" || code == "name_taken") && tries < 5 => {
                tries += 1;
                ctx.note(format!("join: name refused ({code}), another one tried"));
                name = format!("Guest {}", rand::rng().random_range(100_000..1_000_000));
            }
            Err(code) => {
                ctx.error(format!("join: {code}"));
                drop_hard(ws);
                return None;
            }
        }
    }
}

/// Reads until `welcome` (its token) or an `error` (its code).
async fn await_welcome(ctx: &Ctx, ws: &mut Ws) -> Result<String, String> {
    let deadline = tokio::time::Instant::now() + ctx.wait;
    loop {
        let frame = tokio::time::timeout_at(deadline, ws.next())
            .await
            .map_err(|_| "no welcome in time".to_string())?;
        match frame {
            Some(Ok(Message::Text(t))) => {
                ctx.received.fetch_add(1, Relaxed);
                let Ok(m) = serde_json::from_str::<Incoming>(t.as_str()) else {
                    ctx.error("unparsable message");
                    continue;
                };
                match &*m.kind {
                    "welcome" => return Ok(m.token.unwrap_or_default()),
                    "error" => return Err(m.code.as_deref().unwrap_or("?").to_string()),
                    _ => {}
                }
            }
            Some(Ok(_)) => {}
            Some(Err(_)) | None => return Err("connection closed".into()),
        }
    }
}

async fn phone_task(ctx: Arc<Ctx>, room: Arc<RoomRun>, i: usize) {
    let joined = phone_join(&ctx, &room, i).await;
    let kind = room.kinds[i];
    if joined.is_some() {
        room.joined.fetch_add(1, Relaxed);
        if kind != Kind::Slow {
            room.active.fetch_add(1, Relaxed);
        }
    }
    ctx.settled.fetch_add(1, Relaxed);
    ctx.settled_wake.notify_one();
    let Some((ws, token)) = joined else {
        return;
    };
    let mut stage = ctx.stage.clone();
    if kind == Kind::Slow {
        // Holds the socket without reading, like a phone whose app froze.
        let _ = stage.wait_for(|s| *s >= STAGE_STOP).await;
        drop_hard(ws);
        return;
    }
    let rounds = room.rounds;
    let phone = Phone {
        ctx,
        room,
        i,
        churn: kind == Kind::Churn,
        token,
        sent: vec![None; rounds],
        pending: None,
        done: false,
    };
    phone.play(ws, stage).await;
}

struct Phone {
    ctx: Arc<Ctx>,
    room: Arc<RoomRun>,
    i: usize,
    churn: bool,
    token: String,
    /// The choice this phone sent, per round.
    sent: Vec<Option<u8>>,
    /// A vote waiting for its random delay: (round index, when).
    pending: Option<(usize, tokio::time::Instant)>,
    done: bool,
}

enum Action {
    Nothing,
    Vote(usize),
}

enum Event {
    Stop,
    Frame(Option<Result<Message, tokio_tungstenite::tungstenite::Error>>),
    VoteDue,
    Churn,
}

async fn sleep_until_opt(at: Option<tokio::time::Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

impl Phone {
    async fn play(mut self, mut ws: Ws, mut stage: watch::Receiver<u8>) {
        let second = Duration::from_secs(1);
        let mut next_churn = tokio::time::Instant::now() + second;
        // Built once: re-registering with the shared stage channel on every
        // message would make the generator, not the server, the bottleneck.
        let mut stop = std::pin::pin!(async move {
            let _ = stage.wait_for(|s| *s >= STAGE_STOP).await;
        });
        loop {
            let vote_due = self.pending.map(|(_, at)| at);
            let churn_due = (self.churn && !self.done).then_some(next_churn);
            let event = tokio::select! {
                _ = &mut stop => Event::Stop,
                frame = ws.next() => Event::Frame(frame),
                _ = sleep_until_opt(vote_due) => Event::VoteDue,
                _ = sleep_until_opt(churn_due) => Event::Churn,
            };
            match event {
                Event::Stop => break,
                Event::Frame(Some(Ok(Message::Text(t)))) => {
                    self.ctx.received.fetch_add(1, Relaxed);
                    let at = self.ctx.arrival(&ws);
                    if let Action::Vote(r) = self.on_text(t.as_str(), at)
                        && !self.send_vote(&mut ws, r).await
                    {
                        self.gone("phone: vote send failed");
                        return;
                    }
                }
                Event::Frame(Some(Ok(_))) => {}
                Event::Frame(Some(Err(_)) | None) => {
                    if !self.ctx.stopping() {
                        let when = if *self.ctx.stage.borrow() >= STAGE_END {
                            "after end_game"
                        } else {
                            "during the game"
                        };
                        self.gone(&format!("phone: connection lost {when}"));
                    }
                    return;
                }
                Event::VoteDue => {
                    if let Some((r, _)) = self.pending.take()
                        && !self.send_vote(&mut ws, r).await
                    {
                        self.gone("phone: vote send failed");
                        return;
                    }
                }
                Event::Churn => {
                    drop_hard(ws);
                    ws = match self.resume().await {
                        Some(ws) => ws,
                        None => {
                            self.gone("churn: resume failed");
                            return;
                        }
                    };
                    next_churn = tokio::time::Instant::now() + second;
                }
            }
        }
        drop_hard(ws);
    }

    fn gone(&self, why: &str) {
        self.ctx.error(why);
        self.room.lose_phone();
    }

    async fn resume(&self) -> Option<Ws> {
        let ctx = &self.ctx;
        let _permit = ctx.handshakes.acquire().await.ok()?;
        let mut ws = tokio::time::timeout(
            ctx.wait,
            ctx.ws_connect(self.room.g0 + self.i, &self.room.code, ""),
        )
        .await
        .ok()?
        .ok()?;
        let msg = json!({"type": "resume", "token": self.token}).to_string();
        ws.send(Message::text(msg)).await.ok()?;
        Some(ws)
    }

    async fn send_vote(&mut self, ws: &mut Ws, r: usize) -> bool {
        let room = &self.room;
        let choice = *self.sent[r].get_or_insert_with(|| rand::rng().random_range(0..4u8));
        let at = self.ctx.now();
        // The first send is the vote; a resend after a drop keeps its time.
        let _ = room.vote_at[r * room.n + self.i].compare_exchange(0, at, Relaxed, Relaxed);
        let round = room.first_round + r as u32;
        let msg = format!(r#"{{"type":"vote","round":{round},"choice":{choice}}}"#);
        ws.send(Message::text(msg)).await.is_ok()
    }

    /// A vote for round `r`, now or after the random delay.
    fn schedule(&mut self, r: usize) -> Action {
        if self.sent[r].is_some() || self.pending.is_some_and(|(p, _)| p == r) {
            return Action::Nothing;
        }
        if self.ctx.vote_delay_ms == 0 {
            return Action::Vote(r);
        }
        let delay = rand::rng().random_range(0..=self.ctx.vote_delay_ms);
        self.pending = Some((
            r,
            tokio::time::Instant::now() + Duration::from_millis(delay),
        ));
        Action::Nothing
    }

    fn seen_reveal(&mut self, r: usize, you: bool, at: u64) {
        let room = &self.room;
        let i = self.i;
        if you {
            room.set_flag(r, i, F_YOU);
        }
        if room.set_flag(r, i, F_REVEAL) {
            let _ = room.reveal_at[r * room.n + i].compare_exchange(0, at, Relaxed, Relaxed);
            room.poke(room.reveals[r].fetch_add(1, Relaxed) + 1);
        }
        if self.pending.is_some_and(|(p, _)| p == r) {
            self.pending = None;
        }
    }

    fn seen_game_over(&mut self, at: u64) {
        let room = &self.room;
        if room.game_over_at[self.i]
            .compare_exchange(0, at, Relaxed, Relaxed)
            .is_ok()
        {
            room.poke(room.game_overs.fetch_add(1, Relaxed) + 1);
        }
        self.done = true;
    }

    /// A message that reached this phone at `at`.
    fn on_text(&mut self, text: &str, at: u64) -> Action {
        let Ok(m) = serde_json::from_str::<Incoming>(text) else {
            self.ctx.error("unparsable message");
            return Action::Nothing;
        };
        let room = self.room.clone();
        let i = self.i;
        match &*m.kind {
            "round" => {
                let Some(r) = room.round_index(m.round) else {
                    self.ctx.error("phone: round number out of range");
                    return Action::Nothing;
                };
                if room.set_flag(r, i, F_ROUND) {
                    room.round_at[r * room.n + i].store(at, Relaxed);
                    room.round_read_at[r * room.n + i].store(self.ctx.now(), Relaxed);
                }
                self.schedule(r)
            }
            "vote_ack" => {
                if let Some(r) = room.round_index(m.round)
                    && room.set_flag(r, i, F_ACK)
                {
                    room.ack_at[r * room.n + i].store(at, Relaxed);
                    room.poke(room.acks[r].fetch_add(1, Relaxed) + 1);
                }
                Action::Nothing
            }
            "reveal" => {
                match room.round_index(m.round) {
                    Some(r) => self.seen_reveal(r, m.you.is_some(), at),
                    None => self.ctx.error("phone: reveal number out of range"),
                }
                Action::Nothing
            }
            "game_over" => {
                self.seen_game_over(at);
                Action::Nothing
            }
            "state" => self.on_state(&m, at),
            "error" => {
                let code = m.code.as_deref().unwrap_or("?");
                if self.churn && code == "round_closed" {
                    self.ctx.note("churn: vote after the round closed");
                } else {
                    self.ctx.error(format!("phone got error {code}"));
                }
                Action::Nothing
            }
            _ => Action::Nothing,
        }
    }

    /// A `state` after (re)connecting stands in for what was missed.
    fn on_state(&mut self, m: &Incoming, at: u64) -> Action {
        let room = self.room.clone();
        let i = self.i;
        match m.phase.as_deref() {
            Some("question") => {
                let Some(r) = room.round_index(m.round) else {
                    return Action::Nothing;
                };
                room.set_flag(r, i, F_ROUND);
                match (self.sent[r], m.voted) {
                    // Sent before the drop but not acknowledged: the same
                    // vote again gets the same ack.
                    (Some(_), _) if room.flag(r, i) & F_ACK == 0 => Action::Vote(r),
                    (None, None) => self.schedule(r),
                    _ => Action::Nothing,
                }
            }
            Some("reveal") => {
                if let Some(r) = room.round_index(m.round) {
                    room.set_flag(r, i, F_ROUND);
                    self.seen_reveal(r, m.you.is_some(), at);
                }
                Action::Nothing
            }
            Some("over") => {
                self.seen_game_over(at);
                Action::Nothing
            }
            _ => Action::Nothing,
        }
    }
}

// ---- the host ----------------------------------------------------------------

struct Host {
    ctx: Arc<Ctx>,
    room: Arc<RoomRun>,
    ws: Ws,
    /// `reveal`s sent, and the `wrong_phase` answers seen: each reveal we
    /// send may race the room closing by itself, and its refusal may arrive
    /// after the round is over.
    reveals_sent: usize,
    wrong_phase: usize,
    /// The socket ended; nothing more to read.
    gone: bool,
}

impl Host {
    fn on_text(&mut self, text: &str) {
        let Ok(m) = serde_json::from_str::<Incoming>(text) else {
            self.ctx.error("unparsable message");
            return;
        };
        let room = &self.room;
        let now = self.ctx.now();
        match &*m.kind {
            "round" => {
                if let Some(r) = room.round_index(m.round) {
                    let _ = room.host_round_at[r].compare_exchange(0, now, Relaxed, Relaxed);
                }
            }
            "reveal" => {
                if let Some(r) = room.round_index(m.round) {
                    let _ = room.host_reveal_at[r].compare_exchange(0, now, Relaxed, Relaxed);
                    room.host_wake.notify_one();
                }
            }
            "game_over" => {
                room.host_game_over.store(true, Relaxed);
                room.host_wake.notify_one();
            }
            "error" => {
                let code = m.code.as_deref().unwrap_or("?");
                if code == "wrong_phase" && self.wrong_phase < self.reveals_sent {
                    self.wrong_phase += 1;
                } else {
                    self.ctx.error(format!("host got error {code}"));
                }
            }
            _ => {}
        }
    }

    /// One frame from the host socket; `Err` once the socket is gone.
    fn on_frame(
        &mut self,
        frame: Option<Result<Message, tokio_tungstenite::tungstenite::Error>>,
    ) -> Result<(), ()> {
        match frame {
            Some(Ok(Message::Text(t))) => {
                self.ctx.received.fetch_add(1, Relaxed);
                self.on_text(t.as_str());
                Ok(())
            }
            Some(Ok(Message::Close(c))) => {
                let why = c.map_or_else(String::new, |c| format!("{} {}", c.code, c.reason));
                self.ctx
                    .error(format!("host: server closed the socket ({why})"));
                self.gone = true;
                Err(())
            }
            Some(Ok(_)) => Ok(()),
            Some(Err(e)) => {
                self.gone = true;
                if !self.ctx.stopping() {
                    self.ctx.error(format!("host: connection lost ({e})"));
                }
                Err(())
            }
            None => {
                self.gone = true;
                if !self.ctx.stopping() {
                    self.ctx.error("host: connection closed");
                }
                Err(())
            }
        }
    }

    /// Reads the host socket until `done` holds or `deadline`; `Err` if the
    /// socket is gone.
    async fn wait(
        &mut self,
        deadline: tokio::time::Instant,
        done: impl Fn(&RoomRun) -> bool,
    ) -> Result<bool, ()> {
        loop {
            if done(&self.room) {
                return Ok(true);
            }
            tokio::select! {
                _ = self.room.host_wake.notified() => {}
                frame = self.ws.next() => self.on_frame(frame)?,
                _ = tokio::time::sleep_until(deadline) => return Ok(done(&self.room)),
            }
        }
    }

    /// Reads (so nothing backs up) until the run reaches `stage`.
    async fn idle_until(&mut self, stage: u8) -> Result<(), ()> {
        let mut rx = self.ctx.stage.clone();
        loop {
            tokio::select! {
                _ = rx.wait_for(|s| *s >= stage) => return Ok(()),
                frame = self.ws.next() => self.on_frame(frame)?,
            }
        }
    }

    async fn send(&mut self, msg: Value) -> Result<(), ()> {
        if self.ws.send(Message::text(msg.to_string())).await.is_err() {
            self.ctx.error("host: send failed");
            return Err(());
        }
        Ok(())
    }

    async fn play_round(&mut self, r: usize, seconds: u32) -> Result<(), ()> {
        let room = self.room.clone();
        let ctx = self.ctx.clone();
        ctx.clock.resync();
        room.start_at[r].store(ctx.now(), Relaxed);
        self.send(json!({"type": "start_round"})).await?;
        room.rounds_played.fetch_add(1, Relaxed);
        let limit = Duration::from_secs(u64::from(seconds))
            + Duration::from_millis(ctx.vote_delay_ms)
            + ctx.wait;
        let deadline = tokio::time::Instant::now() + limit;
        let acked = self
            .wait(deadline, |room| {
                room.acks[r].load(Relaxed) >= room.active.load(Relaxed)
                    || room.host_reveal_at[r].load(Relaxed) != 0
            })
            .await?;
        if !acked {
            ctx.error("host: not every vote was acknowledged in time");
        }
        if room.host_reveal_at[r].load(Relaxed) == 0 {
            // Slow phones never vote, so the host closes the round.
            self.reveals_sent += 1;
            room.host_sent_reveal[r].store(true, Relaxed);
            self.send(json!({"type": "reveal"})).await?;
        }
        let deadline = tokio::time::Instant::now() + ctx.wait;
        let revealed = self
            .wait(deadline, |room| {
                room.host_reveal_at[r].load(Relaxed) != 0
                    && room.reveals[r].load(Relaxed) >= room.active.load(Relaxed)
            })
            .await?;
        if !revealed {
            ctx.error("host: not every phone got the reveal in time");
        }
        Ok(())
    }
}

async fn host_task(
    ctx: Arc<Ctx>,
    room: Arc<RoomRun>,
    ws: Ws,
    seconds: u32,
    rounds_done: oneshot::Sender<()>,
    ended: oneshot::Sender<()>,
) {
    let mut host = Host {
        ctx: ctx.clone(),
        room: room.clone(),
        ws,
        reveals_sent: 0,
        wrong_phase: 0,
        gone: false,
    };
    let result: Result<(), ()> = async {
        host.idle_until(STAGE_PLAY).await?;
        for r in 0..room.rounds {
            host.play_round(r, seconds).await?;
        }
        Ok(())
    }
    .await;
    let _ = rounds_done.send(());
    if result.is_ok() && host.idle_until(STAGE_END).await.is_ok() {
        room.ended.store(true, Relaxed);
        room.end_at.store(ctx.now(), Relaxed);
        if host.send(json!({"type": "end_game"})).await.is_ok() {
            let deadline = tokio::time::Instant::now() + ctx.wait;
            let over = host
                .wait(deadline, |room| {
                    room.host_game_over.load(Relaxed)
                        && room.game_overs.load(Relaxed) >= room.active.load(Relaxed)
                })
                .await;
            if over == Ok(false) {
                ctx.error("host: game_over did not reach everyone in time");
            }
        }
    }
    let _ = ended.send(());
    if !host.gone {
        let _ = host.idle_until(STAGE_STOP).await;
    }
    drop_hard(host.ws);
}

// ---- the game report ---------------------------------------------------------

/// One room's (or all rooms') samples.
#[derive(Default)]
struct Samples {
    handshake: Dist,
    welcome: Dist,
    fanout: Dist,
    /// The same, read by the generator: its own backlog included.
    fanout_read: Dist,
    ack: Dist,
    reveal: Dist,
    /// `end_game` sent → each phone's `game_over`.
    game_over: Dist,
    /// Per round: the last phone's fan-out; the last ack after the last
    /// vote; start → the host's reveal.
    last_phone: Vec<Option<f64>>,
    last_phone_read: Vec<Option<f64>>,
    last_ack: Vec<Option<f64>>,
    question: Vec<Option<f64>>,
    lost: BTreeMap<&'static str, u64>,
    reveal_without_you: u64,
    every_round: usize,
    every_reveal: usize,
    first_connect: Option<u64>,
    last_welcome: Option<u64>,
}

fn room_samples(room: &RoomRun) -> Samples {
    let mut s = Samples::default();
    let n = room.n;
    let played = room.rounds_played.load(Relaxed).min(room.rounds);
    let joined: Vec<usize> = (0..n)
        .filter(|&i| room.welcome_at[i].load(Relaxed) != 0)
        .collect();
    for &i in &joined {
        let c = room.connect_at[i].load(Relaxed);
        let w = room.ws_at[i].load(Relaxed);
        let j = room.welcome_at[i].load(Relaxed);
        s.handshake.push(w.saturating_sub(c));
        s.welcome.push(j.saturating_sub(w));
        s.first_connect = Some(s.first_connect.map_or(c, |f| f.min(c)));
        s.last_welcome = Some(s.last_welcome.map_or(j, |l| l.max(j)));
    }
    // The same keys in every report, zero or not.
    for k in ["round", "reveal", "vote_ack", "game_over"] {
        s.lost.insert(k, 0);
    }
    for r in 0..played {
        let start = room.start_at[r].load(Relaxed);
        let at = |v: &Vec<AtomicU64>, i: usize| v[r * n + i].load(Relaxed);
        let last_vote = joined
            .iter()
            .map(|&i| at(&room.vote_at, i))
            .max()
            .unwrap_or(0);
        let last_ack = joined
            .iter()
            .map(|&i| at(&room.ack_at, i))
            .max()
            .unwrap_or(0);
        let (mut last, mut last_read) = (None, None);
        for &i in joined.iter().filter(|&&i| room.kinds[i] == Kind::Normal) {
            let got = at(&room.round_at, i);
            if got != 0 {
                let d = got.saturating_sub(start);
                s.fanout.push(d);
                last = Some(last.map_or(d, |l: u64| l.max(d)));
            }
            let read = at(&room.round_read_at, i);
            if read != 0 {
                let d = read.saturating_sub(start);
                s.fanout_read.push(d);
                last_read = Some(last_read.map_or(d, |l: u64| l.max(d)));
            }
            let (v, a) = (at(&room.vote_at, i), at(&room.ack_at, i));
            if v != 0 && a != 0 {
                s.ack.push(a.saturating_sub(v));
            }
            let rv = at(&room.reveal_at, i);
            if rv != 0 && last_vote != 0 {
                s.reveal.push(rv.saturating_sub(last_vote));
            }
        }
        s.last_phone.push(last.map(ms));
        s.last_phone_read.push(last_read.map(ms));
        s.last_ack.push(
            (last_vote != 0 && last_ack != 0).then(|| ms(last_ack.saturating_sub(last_vote))),
        );
        let host_reveal = room.host_reveal_at[r].load(Relaxed);
        s.question
            .push((host_reveal != 0).then(|| ms(host_reveal.saturating_sub(start))));
    }
    let ended = room.ended.load(Relaxed);
    let end_at = room.end_at.load(Relaxed);
    for &i in joined.iter().filter(|&&i| room.kinds[i] == Kind::Normal) {
        let over = room.game_over_at[i].load(Relaxed);
        if end_at != 0 && over != 0 {
            s.game_over.push(over.saturating_sub(end_at));
        }
    }
    for &i in joined.iter().filter(|&&i| room.kinds[i] != Kind::Slow) {
        let mut all_rounds = played == room.rounds;
        let mut all_reveals = played == room.rounds;
        for r in 0..played {
            let f = room.flag(r, i);
            if f & F_ROUND == 0 {
                *s.lost.entry("round").or_default() += 1;
                all_rounds = false;
            }
            if f & F_REVEAL == 0 {
                *s.lost.entry("reveal").or_default() += 1;
                all_reveals = false;
            } else if f & F_YOU == 0 {
                s.reveal_without_you += 1;
            }
            if room.kinds[i] == Kind::Normal && f & F_ACK == 0 {
                *s.lost.entry("vote_ack").or_default() += 1;
            }
        }
        if ended && room.game_over_at[i].load(Relaxed) == 0 {
            *s.lost.entry("game_over").or_default() += 1;
        }
        s.every_round += usize::from(all_rounds);
        s.every_reveal += usize::from(all_reveals);
    }
    if ended && !room.host_game_over.load(Relaxed) {
        *s.lost.entry("host game_over").or_default() += 1;
    }
    s
}

fn game_report(
    ctx: &Ctx,
    args: &LoadgenArgs,
    rooms: &[Arc<RoomRun>],
    server: ServerFigures,
    pid: Option<&str>,
) -> Report {
    let total = args.phones * rooms.len();
    let per_room: Vec<Samples> = rooms.iter().map(|r| room_samples(r)).collect();
    let mut all = Samples::default();
    for s in &per_room {
        all.handshake.extend(&s.handshake);
        all.welcome.extend(&s.welcome);
        all.fanout.extend(&s.fanout);
        all.fanout_read.extend(&s.fanout_read);
        all.ack.extend(&s.ack);
        all.reveal.extend(&s.reveal);
        all.game_over.extend(&s.game_over);
        for (k, v) in &s.lost {
            *all.lost.entry(k).or_default() += v;
        }
        all.reveal_without_you += s.reveal_without_you;
        all.every_round += s.every_round;
        all.every_reveal += s.every_reveal;
        all.first_connect = match (all.first_connect, s.first_connect) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        all.last_welcome = all.last_welcome.max(s.last_welcome);
    }
    if all.reveal_without_you > 0 {
        *ctx.errors
            .lock()
            .entry("reveal without `you`".into())
            .or_default() += all.reveal_without_you;
    }
    let rounds = rooms.iter().map(|r| r.rounds).max().unwrap_or(0);
    let played_short = rooms
        .iter()
        .filter(|r| r.rounds_played.load(Relaxed) < r.rounds)
        .count();
    if played_short > 0 {
        ctx.error("rounds not played");
    }
    let joined: usize = rooms.iter().map(|r| r.joined.load(Relaxed)).sum();
    let active: usize = rooms
        .iter()
        .map(|r| {
            (0..r.n)
                .filter(|&i| r.kinds[i] != Kind::Slow && r.welcome_at[i].load(Relaxed) != 0)
                .count()
        })
        .sum();
    let errors = ctx.errors.lock().clone();
    let notes = ctx.notes.lock().clone();
    let error_count: u64 = errors.values().sum();
    let lost: u64 = all.lost.values().sum();
    let clean = error_count == 0 && lost == 0 && joined == total;
    let join_ms = all
        .first_connect
        .zip(all.last_welcome)
        .map(|(a, b)| ms(b.saturating_sub(a)));
    // Per round across rooms: the worst room.
    let worst = |f: fn(&Samples) -> &Vec<Option<f64>>| -> Vec<Option<f64>> {
        (0..rounds)
            .map(|r| {
                max_of(
                    &per_room
                        .iter()
                        .map(|s| f(s).get(r).copied().flatten())
                        .collect::<Vec<_>>(),
                )
            })
            .collect()
    };
    let last_phone = worst(|s| &s.last_phone);
    let last_phone_read = worst(|s| &s.last_phone_read);
    let last_ack = worst(|s| &s.last_ack);
    let question = worst(|s| &s.question);

    let rss_per_phone = server
        .rss_before
        .zip(server.rss_after)
        .filter(|_| joined > 0)
        .map(|(a, b)| (b as f64 - a as f64) / joined as f64);
    let cpu_ms = server.cpu_ticks.map(ticks_ms);
    let cpu_per_msg = server
        .cpu_ticks
        .filter(|_| server.messages > 0)
        .map(|t| (t as f64 * 1e6 / TICKS_PER_SEC as f64) / server.messages as f64);
    let gen_ms = server.gen_ticks.map(ticks_ms);
    let thread_ms: Option<BTreeMap<&str, u64>> = server.thread_ticks.as_ref().map(|m| {
        m.iter()
            .map(|(name, t)| (name.as_str(), ticks_ms(*t)))
            .collect()
    });

    let room_json: Vec<Value> = rooms
        .iter()
        .zip(&per_room)
        .map(|(r, s)| {
            json!({
                "code": r.code,
                "joined": r.joined.load(Relaxed),
                "rounds_played": r.rounds_played.load(Relaxed),
                "fanout": s.fanout.json(),
                "fanout_last_ms": s.last_phone,
                "vote_ack": s.ack.json(),
                "last_ack_after_last_vote_ms": s.last_ack,
                "question_ms": s.question,
                "reveal": s.reveal.json(),
                "lost": s.lost.values().sum::<u64>(),
            })
        })
        .collect();
    let round_round = |v: Option<f64>| v.map(|x| (x * 10.0).round() / 10.0);
    let mut json = json!({
        "mode": "server",
        "url": args.url,
        "rooms": rooms.len(),
        "phones_per_room": args.phones,
        "phones": total,
        "rounds": rounds,
        "seconds": args.seconds,
        "vote_delay_ms": args.vote_delay_ms,
        "slow_share": args.slow_share,
        "churn_share": args.churn_share,
        "concurrency": args.concurrency,
        "sources": ctx.sources,
        "joined": joined,
        "active": active,
        "phones_got_every_round": all.every_round,
        "phones_got_every_reveal": all.every_reveal,
        "join": {
            "total_ms": join_ms,
            "handshake": all.handshake.json(),
            "welcome": all.welcome.json(),
        },
        "fanout": all.fanout.json(),
        "fanout_last_ms": last_phone,
        "fanout_last_max_ms": max_of(&last_phone),
        "fanout_read": all.fanout_read.json(),
        "fanout_read_last_ms": last_phone_read,
        "vote_ack": all.ack.json(),
        "last_ack_after_last_vote_ms": last_ack,
        "last_ack_after_last_vote_max_ms": max_of(&last_ack),
        "question_ms": question,
        "question_max_ms": max_of(&question),
        "reveal": all.reveal.json(),
        "game_over": all.game_over.json(),
        "server": {
            "pid": pid,
            "rss_before_kib": server.rss_before,
            "rss_after_kib": server.rss_after,
            "rss_end_kib": server.rss_end,
            "rss_per_phone_kib": round_round(rss_per_phone),
            "cpu_ms": cpu_ms,
            "cpu_ms_by_thread": thread_ms,
            "join_cpu_ms": server.join_ticks.map(ticks_ms),
            "cpu_us_per_msg": cpu_per_msg.map(|x| (x * 100.0).round() / 100.0),
        },
        "messages_during_rounds": server.messages,
        "rounds_wall_ms": ms(server.play_ns),
        "generator_cpu_ms": gen_ms,
        "per_room": room_json,
        "errors": error_count,
        "error_kinds": errors,
        "lost": lost,
        "lost_kinds": all.lost,
        "notes": notes,
        "clean": clean,
    });
    // Beyond what one `json!` can nest.
    json["generator_threads"] = json!(args.threads);
    json["arrivals_unstamped"] = json!(ctx.clock.unstamped());

    let mut t = String::new();
    let mut line = |s: String| {
        t.push_str(&s);
        t.push('\n');
    };
    line(format!(
        "yearbook loadgen: {} room(s) x {} phones, {} rounds, vote delay 0..{} ms, slow {:.0}%, churn {:.0}%, {} source address(es)",
        rooms.len(),
        args.phones,
        rounds,
        args.vote_delay_ms,
        args.slow_share * 100.0,
        args.churn_share * 100.0,
        ctx.sources
    ));
    line(format!(
        "  join            {joined}/{total} in {}   handshake {}   join→welcome {}",
        show(join_ms),
        all.handshake.line(),
        all.welcome.line()
    ));
    line(format!("  round fan-out   {}", all.fanout.line()));
    line(format!(
        "    last phone, per round (ms): {}",
        list(&last_phone)
    ));
    line(format!(
        "    read by the generator: {}; last, per round (ms): {}",
        all.fanout_read.line(),
        list(&last_phone_read)
    ));
    line(format!("  vote→vote_ack   {}", all.ack.line()));
    line(format!(
        "    last ack after last vote sent, per round (ms): {}",
        list(&last_ack)
    ));
    line(format!(
        "  start→reveal    per round (ms): {}",
        list(&question)
    ));
    line(format!(
        "  reveal fan-out  {}   (after the last vote sent, with `you`)",
        all.reveal.line()
    ));
    line(format!(
        "  game_over       {}   (after end_game sent)",
        all.game_over.line()
    ));
    if rooms.len() > 1 {
        let worst_p99 = per_room
            .iter()
            .map(|s| s.fanout.summary().1)
            .collect::<Vec<_>>();
        line(format!(
            "  per room: worst fan-out p99 {}, worst reveal p99 {}, worst last-ack {}",
            show(max_of(&worst_p99)),
            show(max_of(
                &per_room
                    .iter()
                    .map(|s| s.reveal.summary().1)
                    .collect::<Vec<_>>()
            )),
            show(max_of(&last_ack)),
        ));
    }
    match (server.rss_before, server.rss_after) {
        (Some(a), Some(b)) => line(format!(
            "  server memory   {a} KiB → {b} KiB joined: {:.1} KiB per phone; {} KiB after game_over",
            rss_per_phone.unwrap_or(0.0),
            server.rss_end.map_or("-".into(), |e| e.to_string())
        )),
        _ => line("  server memory   - (give --server-pid)".into()),
    }
    match cpu_ms {
        Some(c) => line(format!(
            "  server CPU      {c} ms over the rounds, {} messages delivered: {:.2} µs per message",
            server.messages,
            cpu_per_msg.unwrap_or(0.0)
        )),
        None => line(format!(
            "  server CPU      - (give --server-pid); {} messages delivered during the rounds",
            server.messages
        )),
    }
    if let Some(by) = thread_ms.as_ref().filter(|m| !m.is_empty()) {
        let parts: Vec<String> = by.iter().map(|(n, ms)| format!("{n} {ms}")).collect();
        line(format!("    by thread (ms): {}", parts.join(", ")));
    }
    if let Some(j) = server.join_ticks {
        line(format!(
            "  server CPU      {} ms while the phones joined (and 1 s after)",
            ticks_ms(j)
        ));
    }
    line(format!(
        "  generator CPU   {} ms over {:.0} ms of rounds",
        gen_ms.map_or("-".into(), |g| g.to_string()),
        ms(server.play_ns)
    ));
    line(format!(
        "  every round: {}/{active} phones; every reveal: {}/{active}",
        all.every_round, all.every_reveal
    ));
    for (k, v) in &notes {
        line(format!("  note: {k}: {v}"));
    }
    if ctx.clock.unstamped() > 0 {
        line(format!(
            "  note: {} arrivals had no kernel stamp and were timed when read",
            ctx.clock.unstamped()
        ));
    }
    line(format!(
        "  ERRORS: {error_count}   LOST MESSAGES: {lost}   {}",
        if clean {
            "-> clean run"
        } else {
            "-> NOT CLEAN"
        }
    ));
    for (k, v) in &errors {
        line(format!("    error {k}: {v}"));
    }
    for (k, v) in all.lost.iter().filter(|(_, v)| **v > 0) {
        line(format!("    lost {k}: {v}"));
    }
    Report {
        json,
        table: t,
        clean,
    }
}

// ---- the floor ----------------------------------------------------------------

/// The floor server: accepts `n` plain TCP connections, then on each
/// `round` line from its control connection writes one 200-byte line to
/// every connection from one task per core, and answers `done`.
fn floor_serve(n: usize) -> ExitCode {
    let workers = std::thread::available_parallelism().map_or(1, |c| c.get());
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(floor_serve_async(n, workers)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("floor server: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn listener(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = TcpSocket::new_v4()?;
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(4096)
}

/// Writes all of `buf` without the task ever holding more than the socket.
async fn write_now(s: &TcpStream, buf: &[u8]) -> std::io::Result<()> {
    let mut off = 0;
    while off < buf.len() {
        match s.try_write(&buf[off..]) {
            Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
            Ok(k) => off += k,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => s.writable().await?,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

fn floor_line(round: u64) -> Vec<u8> {
    let head = format!(r#"{{"type":"round","round":{round},"pad":""#);
    let mut line = head.into_bytes();
    let tail = b"\"}\n";
    line.resize(FLOOR_LINE_BYTES - tail.len(), b'x');
    line.extend_from_slice(tail);
    line
}

async fn floor_serve_async(n: usize, workers: usize) -> Result<()> {
    let any = SocketAddr::new(Ipv4Addr::LOCALHOST.into(), 0);
    let data = listener(any)?;
    let control = listener(any)?;
    println!(
        "floor listening {} {}",
        data.local_addr()?,
        control.local_addr()?
    );
    std::io::stdout().flush()?;
    let (ctl, _) = control.accept().await?;
    let (ctl_read, mut ctl_write) = ctl.into_split();
    let mut chunks: Vec<Vec<TcpStream>> = (0..workers).map(|_| Vec::new()).collect();
    for k in 0..n {
        let (s, _) = data.accept().await?;
        s.set_nodelay(true)?;
        chunks[k % workers].push(s);
    }
    let (round_tx, _) = tokio::sync::broadcast::channel::<Arc<Vec<u8>>>(4);
    let (done_tx, mut done_rx) = tokio::sync::mpsc::channel::<usize>(workers);
    for chunk in chunks {
        let mut rx = round_tx.subscribe();
        let done = done_tx.clone();
        tokio::spawn(async move {
            while let Ok(line) = rx.recv().await {
                let mut failed = 0;
                for s in &chunk {
                    if write_now(s, &line).await.is_err() {
                        failed += 1;
                    }
                }
                if done.send(failed).await.is_err() {
                    return;
                }
            }
        });
    }
    ctl_write.write_all(b"ready\n").await?;
    let mut lines = BufReader::new(ctl_read).lines();
    while let Some(l) = lines.next_line().await? {
        let mut words = l.split_whitespace();
        match words.next() {
            Some("round") => {
                let r: u64 = words.next().and_then(|w| w.parse().ok()).unwrap_or(0);
                let _ = round_tx.send(Arc::new(floor_line(r)));
                let mut failed = 0;
                for _ in 0..workers {
                    failed += done_rx.recv().await.unwrap_or(0);
                }
                ctl_write
                    .write_all(format!("done {failed}\n").as_bytes())
                    .await?;
            }
            Some("quit") | None => break,
            _ => {}
        }
    }
    Ok(())
}

async fn run_floor(args: LoadgenArgs) -> Result<Report> {
    let n = args.phones * args.rooms.max(1);
    let rounds = args.rounds.max(1) as usize;
    let exe = std::env::current_exe().context("cannot find this program")?;
    let mut cmd = match &args.floor_cpus {
        Some(cpus) => {
            let mut c = tokio::process::Command::new("taskset");
            c.arg("-c").arg(cpus).arg(&exe);
            c
        }
        None => tokio::process::Command::new(&exe),
    };
    cmd.args(["loadgen", "--floor-serve", "--phones", &n.to_string()])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true);
    let mut child = cmd.spawn().context("cannot start the floor server")?;
    let pid = child
        .id()
        .ok_or_else(|| anyhow!("floor server exited at once"))?
        .to_string();
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| anyhow!("no stdout from the floor server"))?;
    let mut first = String::new();
    tokio::time::timeout(
        Duration::from_secs(10),
        BufReader::new(stdout).read_line(&mut first),
    )
    .await
    .map_err(|_| anyhow!("floor server did not start"))??;
    let mut words = first.split_whitespace().skip(2);
    let data: SocketAddr = words
        .next()
        .and_then(|w| w.parse().ok())
        .ok_or_else(|| anyhow!("floor server said {first:?}"))?;
    let control: SocketAddr = words
        .next()
        .and_then(|w| w.parse().ok())
        .ok_or_else(|| anyhow!("floor server said {first:?}"))?;
    let sources = args
        .sources
        .unwrap_or_else(|| n.div_ceil(SOCKETS_PER_SOURCE) as u32)
        .clamp(1, 254);
    let ctl = TcpStream::connect(control).await?;
    let (ctl_read, mut ctl_write) = ctl.into_split();
    let mut ctl_lines = BufReader::new(ctl_read).lines();

    let clock = Arc::new(Clock::new());
    let at = Arc::new(atomics(rounds * n));
    let got: Arc<Vec<AtomicUsize>> = Arc::new((0..rounds).map(|_| AtomicUsize::new(0)).collect());
    let connected = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let wake = Arc::new(Notify::new());
    let sem = Arc::new(Semaphore::new(args.concurrency.max(1)));
    let (stop_tx, stop_rx) = watch::channel(false);
    let rss_before = proc_rss_kib(&pid);
    let t_connect = clock.now();
    let mut handles = Vec::with_capacity(n);
    for i in 0..n {
        let (clock, at, got, connected, failed, wake, sem) = (
            clock.clone(),
            at.clone(),
            got.clone(),
            connected.clone(),
            failed.clone(),
            wake.clone(),
            sem.clone(),
        );
        let mut stop = stop_rx.clone();
        let src = Ipv4Addr::new(127, 0, 0, 1 + (i % sources as usize) as u8);
        let reply = args.floor_reply;
        handles.push(tokio::spawn(async move {
            let stream = {
                let _permit = sem.acquire().await;
                tcp_connect(data, Some(src)).await
            };
            let mut stream = match stream.and_then(Stamped::new) {
                Ok(s) => s,
                Err(_) => {
                    failed.fetch_add(1, Relaxed);
                    wake.notify_one();
                    return;
                }
            };
            connected.fetch_add(1, Relaxed);
            wake.notify_one();
            let mut buf = [0u8; 4096];
            let mut line = 0usize;
            loop {
                tokio::select! {
                    _ = stop.wait_for(|s| *s) => break,
                    read = stream.read(&mut buf) => match read {
                        Ok(0) | Err(_) => break,
                        Ok(k) => {
                            // When the line reached the socket, as for phones.
                            let t = clock.arrival(&stream);
                            for _ in buf[..k].iter().filter(|&&b| b == b'\n') {
                                if line < rounds {
                                    at[line * n + i].store(t, Relaxed);
                                    if got[line].fetch_add(1, Relaxed) + 1 >= n {
                                        wake.notify_one();
                                    }
                                }
                                line += 1;
                            }
                        }
                    },
                }
                // The size of a masked `vote` frame.
                if reply && stream.write_all(&[b'v'; 44]).await.is_err() {
                    break;
                }
            }
            let _ = stream.tcp().set_zero_linger();
        }));
    }
    let wait = Duration::from_secs(args.wait_secs.max(1));
    let settled = tokio::time::timeout(wait * 4, async {
        while connected.load(Relaxed) + failed.load(Relaxed) < n {
            wake.notified().await;
        }
    })
    .await
    .is_ok();
    let t_connected = clock.now();
    let mut errors: BTreeMap<String, u64> = BTreeMap::new();
    let connect_failed = failed.load(Relaxed);
    if connect_failed > 0 || !settled {
        errors.insert("connect failed".into(), connect_failed.max(1) as u64);
    }
    let mut lost = 0u64;
    let mut fanout = Dist::default();
    let mut last = Vec::new();
    let (mut cpu0, mut cpu1, mut rss_after) = (None, None, None);
    let mut msgs = 0u64;
    let mut play_ns = 0;
    if errors.is_empty() {
        let ready = tokio::time::timeout(wait, ctl_lines.next_line()).await;
        if !matches!(ready, Ok(Ok(Some(ref l))) if l == "ready") {
            bail!("floor server did not get ready");
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        rss_after = proc_rss_kib(&pid);
        cpu0 = proc_cpu_ticks(&pid);
        let t0 = clock.now();
        let mut starts = Vec::new();
        for r in 0..rounds {
            clock.resync();
            let start = clock.now();
            starts.push(start);
            ctl_write
                .write_all(format!("round {}\n", r + 1).as_bytes())
                .await?;
            let all = tokio::time::timeout(wait, async {
                while got[r].load(Relaxed) < n {
                    wake.notified().await;
                }
            })
            .await
            .is_ok();
            if !all {
                errors.insert(format!("round {} incomplete", r + 1), 1);
            }
            match tokio::time::timeout(wait, ctl_lines.next_line()).await {
                Ok(Ok(Some(l))) if l == "done 0" => {}
                other => {
                    errors.insert(format!("round {}: server said {other:?}", r + 1), 1);
                }
            }
            // A short gap, as between real rounds.
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        play_ns = clock.now() - t0;
        cpu1 = proc_cpu_ticks(&pid);
        for (r, &start) in starts.iter().enumerate() {
            let mut worst = None;
            for i in 0..n {
                let t = at[r * n + i].load(Relaxed);
                if t == 0 {
                    lost += 1;
                    continue;
                }
                let d = t.saturating_sub(start);
                fanout.push(d);
                worst = Some(worst.map_or(d, |w: u64| w.max(d)));
            }
            last.push(worst.map(ms));
        }
        msgs = (rounds * n) as u64 - lost;
    }
    let _ = ctl_write.write_all(b"quit\n").await;
    let _ = stop_tx.send(true);
    for h in handles {
        let _ = h.await;
    }
    if tokio::time::timeout(Duration::from_secs(5), child.wait())
        .await
        .is_err()
    {
        let _ = child.kill().await;
    }

    let cpu_ticks = ticks_between(cpu0, cpu1);
    let cpu_per_msg = cpu_ticks
        .filter(|_| msgs > 0)
        .map(|t| (t as f64 * 1e6 / TICKS_PER_SEC as f64) / msgs as f64);
    let rss_per = rss_before
        .zip(rss_after)
        .map(|(a, b)| (b as f64 - a as f64) / n as f64);
    let error_count: u64 = errors.values().sum();
    let clean = error_count == 0 && lost == 0;
    let json = json!({
        "mode": "floor",
        "phones": n,
        "rounds": rounds,
        "server_cpus": args.floor_cpus,
        "reply": args.floor_reply,
        "generator_threads": args.threads,
        "sources": sources,
        "connect_ms": ms(t_connected.saturating_sub(t_connect)),
        "fanout": fanout.json(),
        "fanout_last_ms": last,
        "fanout_last_max_ms": max_of(&last),
        "server": {
            "pid": pid,
            "rss_per_conn_kib": rss_per.map(|x| (x * 10.0).round() / 10.0),
            "cpu_ms": cpu_ticks.map(ticks_ms),
            "cpu_us_per_msg": cpu_per_msg.map(|x| (x * 100.0).round() / 100.0),
        },
        "messages_during_rounds": msgs,
        "rounds_wall_ms": ms(play_ns),
        "errors": error_count,
        "error_kinds": errors,
        "lost": lost,
        "clean": clean,
    });
    let mut t = String::new();
    t.push_str(&format!(
        "yearbook loadgen --floor: {n} plain TCP connections, {rounds} rounds of one {FLOOR_LINE_BYTES}-byte line each{}\n",
        if args.floor_reply {
            ", each answered at once with a 44-byte write"
        } else {
            ""
        }
    ));
    t.push_str(&format!("  fan-out         {}\n", fanout.line()));
    t.push_str(&format!(
        "    last connection, per round (ms): {}\n",
        list(&last)
    ));
    t.push_str(&format!(
        "  floor server    CPU {} ms for {msgs} writes: {} µs per message; {} KiB per connection\n",
        cpu_ticks.map_or("-".into(), |c| ticks_ms(c).to_string()),
        cpu_per_msg.map_or("-".into(), |x| format!("{x:.2}")),
        rss_per.map_or("-".into(), |x| format!("{x:.1}"))
    ));
    t.push_str(&format!(
        "  ERRORS: {error_count}   LOST MESSAGES: {lost}   {}\n",
        if clean {
            "-> clean run"
        } else {
            "-> NOT CLEAN"
        }
    ));
    for (k, v) in &errors {
        t.push_str(&format!("    error {k}: {v}\n"));
    }
    Ok(Report {
        json,
        table: t,
        clean,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_ticks_are_read_past_any_name() {
        let stat = "12 (a) b (c) R 1 2 3 4 5 6 7 8 9 10 700 50 11 12 20 0";
        assert_eq!(stat_ticks(stat), Some(("a) b (c".to_string(), 750)));
        assert_eq!(stat_ticks("12 (short) R 1 2"), None);
        assert_eq!(stat_ticks("no name at all"), None);
    }

    #[test]
    fn cpu_between_is_summed_by_name_per_thread() {
        let at = |list: &[(u64, &str, u64)]| {
            list.iter()
                .map(|&(tid, name, t)| (tid, (name.to_string(), t)))
                .collect::<BTreeMap<_, _>>()
        };
        let before = at(&[
            (1, "main", 10),
            (2, "pool", 5),
            (3, "pool", 7),
            (4, "gone", 9),
        ]);
        // 3 ended; 5 started (all of its time counts); 1 did nothing.
        let after = at(&[
            (1, "main", 10),
            (2, "pool", 8),
            (5, "pool", 4),
            (6, "new", 2),
        ]);
        let between = thread_ticks_between(&before, &after);
        let expected: BTreeMap<String, u64> =
            [("pool".to_string(), 7), ("new".to_string(), 2)].into();
        assert_eq!(between, expected);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn cpu_is_told_per_thread_name() {
        let busy = std::thread::Builder::new()
            .name("yb-test-spin".into())
            .spawn(|| {
                let (pid, t) = (std::process::id().to_string(), std::time::Instant::now());
                // Spins until the kernel has counted some of its time.
                while t.elapsed() < Duration::from_secs(5) {
                    let ticks = proc_thread_ticks(&pid).unwrap_or_default();
                    if ticks
                        .values()
                        .any(|(name, t)| name == "yb-test-spin" && *t > 0)
                    {
                        return true;
                    }
                }
                false
            })
            .unwrap();
        assert!(
            busy.join().unwrap(),
            "the spinning thread was never counted"
        );
        assert!(proc_thread_ticks("0").is_none(), "no such process");
    }

    #[test]
    fn urls_must_be_loopback() {
        let t = parse_url("http://127.0.0.1:8080/reunion/1984/").unwrap();
        assert_eq!(t.addr, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(t.base, "/reunion/1984");
        assert_eq!(parse_url("http://localhost:9").unwrap().base, "");
        assert!(
            parse_url("http://[::1]:80")
                .unwrap()
                .addr
                .ip()
                .is_loopback()
        );
        assert!(parse_url("http://127.9.9.9:1").is_ok());
        assert!(parse_url("http://10.0.0.1:8080").is_err());
        assert!(parse_url("http://example.com").is_err());
        assert!(parse_url("https://127.0.0.1").is_err());
    }

    #[test]
    fn http_answers_parse_plain_and_chunked() {
        let plain = b"HTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\n{}";
        assert_eq!(parse_http_response(plain).unwrap(), (201, "{}".into()));
        let chunked =
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
        assert_eq!(parse_http_response(chunked).unwrap(), (200, "abcde".into()));
        assert!(parse_http_response(b"garbage").is_err());
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<u64> = (1..=100).map(|x| x * 1_000_000).collect();
        assert_eq!(pct(&v, 0.5), Some(50.0));
        assert_eq!(pct(&v, 0.99), Some(99.0));
        assert_eq!(pct(&[], 0.5), None);
    }

    #[test]
    fn shares_pick_exact_counts() {
        let k = kinds_for(1000, 0.1, 0.05);
        assert_eq!(k.iter().filter(|&&k| k == Kind::Slow).count(), 100);
        assert_eq!(k.iter().filter(|&&k| k == Kind::Churn).count(), 50);
        assert_eq!(kinds_for(3, 1.0, 1.0).len(), 3);
    }

    #[test]
    fn floor_lines_are_200_bytes() {
        let l = floor_line(12);
        assert_eq!(l.len(), FLOOR_LINE_BYTES);
        assert_eq!(l.iter().filter(|&&b| b == b'\n').count(), 1);
    }
}
