//! The command line of `yearbook-loadgen`.

use clap::Parser;

#[derive(Debug, Clone, Parser)]
#[command(
    name = "yearbook-loadgen",
    version,
    about = "Load-test a yearbook server on this machine with thousands of phones."
)]
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
    /// Fetch photos as a phone does: on `preload` and on `round`, GET the
    /// phone-size photos not on hand yet (one keep-alive HTTP/1.1
    /// connection per phone); reports, per round, the time from `round`
    /// to all its photos on hand.
    #[arg(long)]
    pub fetch_photos: bool,
    /// With --fetch-photos: leave `preload` unread and fetch on `round`
    /// only, as the phone page did before it (the benchmark's "before").
    #[arg(long, requires = "fetch_photos")]
    pub ignore_preload: bool,
    /// Milliseconds the host leaves each reveal up before the next round
    /// (an emcee reading the scores): the time photos sent ahead have.
    #[arg(long, default_value_t = 0)]
    pub reveal_ms: u64,
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
