//! The server's clock: wall-clock milliseconds (so deadlines survive a
//! restart) advanced by tokio's monotonic clock (so tests can pause time).
//!
//! Every timing rule reads [`now`] and waits with [`sleep_until`], so a
//! test can stop the server's clock and move it on by exact amounts
//! ([`skip`], driven by the hidden `serve --test-clock`) instead of waiting.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::Notify;
use tokio::time::Instant;

use crate::game::Millis;

/// Where the clock stopped (`--test-clock`), and the wall-clock
/// milliseconds then; unset in a real server.
static STOPPED_AT: OnceLock<(Instant, Millis)> = OnceLock::new();
/// Milliseconds skipped since it stopped.
static SKIPPED_MS: AtomicU64 = AtomicU64::new(0);
static SKIPPED: Notify = Notify::const_new();

/// Monotonic now: tokio's clock (pausable in unit tests), or under
/// `--test-clock` the moment it stopped plus what was skipped.
pub fn now() -> Instant {
    match STOPPED_AT.get() {
        None => Instant::now(),
        Some((at, _)) => *at + Duration::from_millis(SKIPPED_MS.load(Ordering::Acquire)),
    }
}

/// Whether `--test-clock` stopped the clock.
pub fn is_stopped() -> bool {
    STOPPED_AT.get().is_some()
}

/// Stops [`now`] where it is; from then on only [`skip`] moves it.
fn stop() {
    let _ = STOPPED_AT.set((Instant::now(), wall_ms()));
}

/// Moves a stopped clock on by `by`, waking the waits now due; returns the
/// total skipped.
fn skip(by: Duration) -> Duration {
    let ms = u64::try_from(by.as_millis()).unwrap_or(u64::MAX);
    let total = SKIPPED_MS
        .fetch_add(ms, Ordering::AcqRel)
        .saturating_add(ms);
    SKIPPED.notify_waiters();
    Duration::from_millis(total)
}

/// Waits until [`now`] reaches `deadline`.
pub async fn sleep_until(deadline: Instant) {
    if STOPPED_AT.get().is_none() {
        return tokio::time::sleep_until(deadline).await;
    }
    loop {
        // Registered before reading the clock, so no skip is missed.
        let skipped = SKIPPED.notified();
        tokio::pin!(skipped);
        skipped.as_mut().enable();
        if now() >= deadline {
            return;
        }
        skipped.await;
    }
}

/// Waits `d` by [`now`].
pub async fn sleep(d: Duration) {
    sleep_until(now() + d).await;
}

/// `d` passed by [`now`] before the future finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed;

/// `fut`'s output, or [`Elapsed`] once `d` has passed by [`now`].
pub async fn timeout<F: std::future::Future>(d: Duration, fut: F) -> Result<F::Output, Elapsed> {
    timeout_at(now() + d, fut).await
}

/// `fut`'s output, or [`Elapsed`] once [`now`] reaches `deadline`.
pub async fn timeout_at<F: std::future::Future>(
    deadline: Instant,
    fut: F,
) -> Result<F::Output, Elapsed> {
    // The future first, as `tokio::time::timeout` does: ready work is
    // never thrown away for a deadline that passed meanwhile.
    tokio::select! {
        biased;
        out = fut => Ok(out),
        () = sleep_until(deadline) => Err(Elapsed),
    }
}

/// `serve --test-clock`: stops the clock, then reads `skip MS` lines from
/// stdin and answers each with `skipped TOTAL_MS` on stdout once applied.
///
/// Call it before the server starts waiting for anything: waits begun
/// earlier are plain timers.
pub fn stop_and_skip_from_stdin() {
    stop();
    eprintln!("--test-clock: the clock stands still; it moves only by `skip MS` on stdin");
    std::thread::spawn(|| {
        use std::io::{BufRead, Write};
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { return };
            let Some(ms) = line
                .strip_prefix("skip ")
                .and_then(|s| s.trim().parse().ok())
            else {
                eprintln!("test clock: expected `skip MS`, got {line:?}");
                continue;
            };
            let total = skip(Duration::from_millis(ms));
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "skipped {}", total.as_millis());
            let _ = out.flush();
        }
    });
}

#[derive(Debug, Clone, Copy)]
pub struct Clock {
    origin_ms: Millis,
    origin: Instant,
}

/// Milliseconds since the Unix epoch by the system's clock.
fn wall_ms() -> Millis {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

impl Clock {
    pub fn new() -> Self {
        // A stopped clock reads the same in every `Clock` of the process
        // (the rooms', the store's alive stamp): only skips move it.
        if let Some(&(origin, origin_ms)) = STOPPED_AT.get() {
            return Self { origin_ms, origin };
        }
        Self {
            origin_ms: wall_ms(),
            origin: now(),
        }
    }

    pub fn now(&self) -> Millis {
        self.origin_ms + now().saturating_duration_since(self.origin).as_millis() as u64
    }

    /// The instant (by [`now`], so wait with [`sleep_until`]) at which the
    /// clock reads `at`.
    pub fn instant_at(&self, at: Millis) -> Instant {
        self.origin + Duration::from_millis(at.saturating_sub(self.origin_ms))
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::new()
    }
}
