//! Logging setup and the counters behind `/metrics` (Prometheus text).

use std::fmt::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};
use std::time::Duration;

pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
}

/// Upper bounds of the broadcast-latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// Broadcast latencies gathered locally during one fan-out.
#[derive(Debug, Default)]
pub struct LatencyBatch {
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum_us: u64,
}

impl LatencyBatch {
    pub fn observe(&mut self, latency: Duration) {
        let secs = latency.as_secs_f64();
        if let Some(i) = BUCKETS.iter().position(|&b| secs <= b) {
            self.buckets[i] += 1;
        }
        self.count += 1;
        self.sum_us += latency.as_micros() as u64;
    }
}

/// Rooms the store could not read back at start (kept out of play; the
/// log says why): their number, and one labelled line each.
pub fn set_aside_lines(codes: &[String]) -> String {
    let name = "yearbook_rooms_set_aside";
    let mut out = format!(
        "# HELP {name} Stored rooms not restored because a row is unreadable (see the log).\n# TYPE {name} gauge\n{name} {}\n",
        codes.len()
    );
    let name = "yearbook_room_set_aside";
    let _ = writeln!(
        out,
        "# HELP {name} A stored room not restored, by code.\n# TYPE {name} gauge"
    );
    for code in codes {
        // A code read from a damaged file: nothing that could break the line.
        let code: String = code
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '?' })
            .collect();
        let _ = writeln!(out, "{name}{{code=\"{code}\"}} 1");
    }
    out
}

#[derive(Debug, Default)]
pub struct Metrics {
    pub players_connected: AtomicI64,
    pub hosts_connected: AtomicI64,
    pub votes: AtomicU64,
    pub messages_sent: AtomicU64,
    pub rooms_created: AtomicU64,
    /// Connections whose first byte, request head or body is still
    /// arriving under its deadline, by [`Read`] (see [`ReadWait`]).
    reads_waiting: [AtomicI64; 3],
    latency_buckets: [AtomicU64; BUCKETS.len()],
    latency_count: AtomicU64,
    latency_sum_us: AtomicU64,
}

/// What a connection is waiting for under a deadline.
#[derive(Debug, Clone, Copy)]
pub enum Read {
    FirstByte = 0,
    Head = 1,
    Body = 2,
}

impl Read {
    fn label(self) -> &'static str {
        match self {
            Read::FirstByte => "first_byte",
            Read::Head => "head",
            Read::Body => "body",
        }
    }
}

/// Counts one read in `yearbook_http_reads_waiting` while it lives.
/// Made after the read's deadline is fixed, so a test that sees the
/// gauge rise knows its clock skips count against that deadline.
#[derive(Debug)]
pub struct ReadWait(Arc<Metrics>, Read);

impl ReadWait {
    pub fn start(metrics: &Arc<Metrics>, read: Read) -> Self {
        metrics.reads_waiting[read as usize].fetch_add(1, Relaxed);
        Self(metrics.clone(), read)
    }
}

impl Drop for ReadWait {
    fn drop(&mut self) {
        self.0.reads_waiting[self.1 as usize].fetch_sub(1, Relaxed);
    }
}

impl Metrics {
    /// Adds a fan-out's observations in one go: a shared counter per
    /// socket would bounce between cores thousands of times a broadcast.
    pub fn record(&self, batch: &LatencyBatch) {
        if batch.count == 0 {
            return;
        }
        for (bucket, &n) in self.latency_buckets.iter().zip(&batch.buckets) {
            if n > 0 {
                bucket.fetch_add(n, Relaxed);
            }
        }
        self.latency_count.fetch_add(batch.count, Relaxed);
        self.latency_sum_us.fetch_add(batch.sum_us, Relaxed);
        self.messages_sent.fetch_add(batch.count, Relaxed);
    }

    pub fn render(&self, rooms: usize) -> String {
        let mut out = String::new();
        let mut gauge = |name: &str, help: &str, kind: &str, value: String| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
            );
        };
        gauge(
            "yearbook_rooms",
            "Rooms in memory.",
            "gauge",
            rooms.to_string(),
        );
        gauge(
            "yearbook_players_connected",
            "Phones connected now.",
            "gauge",
            self.players_connected.load(Relaxed).to_string(),
        );
        gauge(
            "yearbook_hosts_connected",
            "Host screens connected now.",
            "gauge",
            self.hosts_connected.load(Relaxed).to_string(),
        );
        gauge(
            "yearbook_votes_total",
            "Votes accepted.",
            "counter",
            self.votes.load(Relaxed).to_string(),
        );
        gauge(
            "yearbook_rooms_created_total",
            "Rooms created.",
            "counter",
            self.rooms_created.load(Relaxed).to_string(),
        );
        gauge(
            "yearbook_messages_sent_total",
            "WebSocket messages written.",
            "counter",
            self.messages_sent.load(Relaxed).to_string(),
        );
        let name = "yearbook_http_reads_waiting";
        let _ = writeln!(
            out,
            "# HELP {name} Connections awaiting a first byte, request head or body under its deadline.\n# TYPE {name} gauge"
        );
        for read in [Read::FirstByte, Read::Head, Read::Body] {
            let n = self.reads_waiting[read as usize].load(Relaxed);
            let _ = writeln!(out, "{name}{{read=\"{}\"}} {n}", read.label());
        }
        let name = "yearbook_broadcast_latency_seconds";
        let _ = writeln!(
            out,
            "# HELP {name} From publishing a broadcast to writing it to a socket.\n# TYPE {name} histogram"
        );
        let mut cumulative = 0;
        for (bound, bucket) in BUCKETS.iter().zip(&self.latency_buckets) {
            cumulative += bucket.load(Relaxed);
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {cumulative}");
        }
        let count = self.latency_count.load(Relaxed);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {count}");
        let sum = self.latency_sum_us.load(Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "{name}_sum {sum}\n{name}_count {count}");
        out
    }
}
