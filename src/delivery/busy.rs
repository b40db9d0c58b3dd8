//! A count of who is busy with something many people wait for, that
//! others can wait on or step aside for.
//!
//! - Each room's fan-out holds its room's gate while it writes a broadcast
//!   to the room's phones, and the room's phones' messages wait at it (a
//!   short while at most): in a vote burst thousands of votes arrive while
//!   the question is still going out, and reading them would take the CPU
//!   from getting it to everyone.
//! - The server's gate counts the questions (`round`) waiting to go out in
//!   all rooms; a reveal being written steps aside while another room's
//!   question waits (`fanout.rs`): a question has 100 ms to reach every phone,
//!   a reveal 200.

use std::sync::Arc;
use std::sync::atomic::{
    AtomicU64, AtomicUsize,
    Ordering::{AcqRel, Acquire, Relaxed, SeqCst},
};
use std::time::Duration;

#[derive(Debug, Default)]
pub struct BusyCount {
    holders: AtomicUsize,
    /// Notified when nobody holds the gate any more.
    open: tokio::sync::Notify,
    /// Notified whenever a hold ends.
    left: tokio::sync::Notify,
}

/// Holds a gate until dropped.
pub struct BusyHold {
    gate: Arc<BusyCount>,
    /// The holder's own count of its holds (see [`BusyCount::held_by_others`]).
    mine: Option<Arc<AtomicUsize>>,
}

impl BusyCount {
    pub fn hold(self: &Arc<Self>) -> BusyHold {
        self.enter();
        BusyHold {
            gate: self.clone(),
            mine: None,
        }
    }

    /// A hold that `mine` counts too.
    pub fn hold_counted(self: &Arc<Self>, mine: &Arc<AtomicUsize>) -> BusyHold {
        mine.fetch_add(1, AcqRel);
        self.enter();
        BusyHold {
            gate: self.clone(),
            mine: Some(mine.clone()),
        }
    }

    /// Whether someone holds the gate beyond the `mine` holds counted.
    pub fn held_by_others(&self, mine: &AtomicUsize) -> bool {
        self.holders.load(Acquire) > mine.load(Acquire)
    }

    fn enter(&self) {
        self.holders.fetch_add(1, AcqRel);
    }

    fn leave(&self) {
        if self.holders.fetch_sub(1, AcqRel) == 1 {
            self.open.notify_waiters();
        }
        self.left.notify_waiters();
    }

    /// Returns once only `mine` holds the gate (see
    /// [`BusyCount::held_by_others`]), or at `until`. Waits without running, so
    /// the thread is free for whatever the others wait for.
    pub async fn others_passed(&self, mine: &AtomicUsize, until: tokio::time::Instant) {
        loop {
            let mut left = std::pin::pin!(self.left.notified());
            left.as_mut().enable();
            if !self.held_by_others(mine) {
                return;
            }
            if tokio::time::timeout_at(until, left).await.is_err() {
                return;
            }
        }
    }

    pub fn is_held(&self) -> bool {
        self.holders.load(Acquire) != 0
    }

    /// Returns once nobody holds the gate, or after `max`.
    pub async fn passed(&self, max: Duration) {
        if !self.is_held() {
            return;
        }
        let wait = async {
            loop {
                let mut open = std::pin::pin!(self.open.notified());
                open.as_mut().enable();
                if !self.is_held() {
                    return;
                }
                open.await;
            }
        };
        let _ = tokio::time::timeout(max, wait).await;
    }
}

impl Drop for BusyHold {
    fn drop(&mut self) {
        // Left before `mine` forgets it, so others never look held by us.
        self.gate.leave();
        if let Some(mine) = &self.mine {
            mine.fetch_sub(1, AcqRel);
        }
    }
}

/// Quiets the main runtime (the phones') while a shard on the front
/// runtime writes a question to thousands of phones: a main-runtime
/// thread that runs out of work waits here (a short while at most) before
/// it looks at its sockets again. Meanwhile the votes that pour in stay
/// in the kernel, and afterwards they are read thousands at a time rather
/// than one wake-up each, and the question has the cores to itself.
///
/// Once the question is out, the votes keep pouring in for a few hundred
/// milliseconds: for `pace_for` after the quiet, a thread that runs out of
/// work pauses ([`Quiet::pace`]) before it looks again, so it finds tens
/// of votes waiting rather than a few (why, measured: `docs/benchmarks.md`,
/// "The phones' threads pause"). Meanwhile a
/// task woken from outside the runtime (by the store's thread, a timer)
/// may wait up to one pause for a thread, in every room.
pub struct Quiet {
    holders: AtomicUsize,
    lock: std::sync::Mutex<()>,
    open: std::sync::Condvar,
    /// How long threads are paced after the last hold ends.
    pace_for: Duration,
    /// Paced until this (µs after `epoch`); 0: never held.
    paced_until: AtomicU64,
    epoch: std::sync::OnceLock<std::time::Instant>,
}

/// The main runtime's quiet (its threads call [`Quiet::wait`] and
/// [`Quiet::pace`] before parking: see `main.rs`).
pub static MAIN_QUIET: Quiet = Quiet::new(Duration::from_millis(300));
/// The longest a main-runtime thread waits for the quiet to end, each time.
pub const QUIET_MAX: Duration = Duration::from_millis(150);
/// A main-runtime thread's pause before it parks while paced.
pub const PACE_STEP: Duration = Duration::from_millis(1);

/// Holds a [`Quiet`] until dropped.
pub struct QuietHold(&'static Quiet);

impl Quiet {
    pub const fn new(pace_for: Duration) -> Self {
        Self {
            holders: AtomicUsize::new(0),
            lock: std::sync::Mutex::new(()),
            open: std::sync::Condvar::new(),
            pace_for,
            paced_until: AtomicU64::new(0),
            epoch: std::sync::OnceLock::new(),
        }
    }

    fn micros_now(&self) -> u64 {
        let epoch = self.epoch.get_or_init(std::time::Instant::now);
        u64::try_from(epoch.elapsed().as_micros()).unwrap_or(u64::MAX)
    }

    /// Sleeps for `step` if the quiet ended less than `pace_for` ago.
    pub fn pace(&self, step: Duration) {
        let until = self.paced_until.load(Relaxed);
        if until != 0 && self.micros_now() < until {
            std::thread::sleep(step);
        }
    }

    pub fn hold(&'static self) -> QuietHold {
        self.holders.fetch_add(1, SeqCst);
        QuietHold(self)
    }

    /// Blocks the calling thread while the quiet is held, `max` at most.
    pub fn wait(&self, max: Duration) {
        if self.holders.load(SeqCst) == 0 {
            return;
        }
        let until = std::time::Instant::now() + max;
        let mut lock = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        while self.holders.load(SeqCst) != 0 {
            let left = until.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                break;
            }
            lock = match self.open.wait_timeout(lock, left) {
                Ok((lock, _)) => lock,
                Err(e) => e.into_inner().0,
            };
        }
    }
}

impl Drop for QuietHold {
    fn drop(&mut self) {
        if self.0.holders.fetch_sub(1, SeqCst) == 1 {
            let pace_for = u64::try_from(self.0.pace_for.as_micros()).unwrap_or(u64::MAX);
            let until = self.0.micros_now().saturating_add(pace_for);
            self.0.paced_until.store(until, Relaxed);
            // Under the lock, so a waiter between its look and its wait
            // cannot miss this.
            let _lock = self.0.lock.lock().unwrap_or_else(|e| e.into_inner());
            self.0.open.notify_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[tokio::test]
    async fn a_held_gate_holds_up_to_its_limit_and_opens_on_release() {
        let gate = Arc::new(BusyCount::default());
        let t = Instant::now();
        gate.passed(Duration::from_secs(5)).await;
        assert!(t.elapsed() < Duration::from_millis(50), "open gate waited");

        let hold = gate.hold();
        let (started_tx, started_rx) = tokio::sync::oneshot::channel();
        let release = std::thread::spawn(move || {
            let _ = started_tx.send(());
            std::thread::sleep(Duration::from_millis(150));
            drop(hold);
        });
        started_rx.await.unwrap();
        let t = Instant::now();
        gate.passed(Duration::from_secs(5)).await;
        let waited = t.elapsed();
        assert!(waited >= Duration::from_millis(100), "waited {waited:?}");
        assert!(waited < Duration::from_secs(2), "waited {waited:?}");
        release.join().unwrap();
        assert!(!gate.is_held());

        let _stuck = gate.hold();
        let t = Instant::now();
        gate.passed(Duration::from_millis(80)).await;
        let waited = t.elapsed();
        assert!(waited >= Duration::from_millis(80), "waited {waited:?}");
        assert!(waited < Duration::from_secs(2), "waited {waited:?}");
    }

    #[tokio::test]
    async fn waiting_for_others_ends_when_they_let_go_or_at_the_deadline() {
        let gate = Arc::new(BusyCount::default());
        let (mine, theirs) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let _my_hold = gate.hold_counted(&mine);
        let far = tokio::time::Instant::now() + Duration::from_secs(5);
        // Only my own hold: no wait.
        let t = Instant::now();
        gate.others_passed(&mine, far).await;
        assert!(t.elapsed() < Duration::from_millis(50));

        // Someone else's hold: the wait ends when it ends.
        let their_hold = gate.hold_counted(&theirs);
        let release = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            drop(their_hold);
        });
        let t = Instant::now();
        gate.others_passed(&mine, far).await;
        let waited = t.elapsed();
        assert!(waited >= Duration::from_millis(80), "waited {waited:?}");
        assert!(waited < Duration::from_secs(2), "waited {waited:?}");
        release.await.unwrap();

        // A hold that never ends: the wait ends at the deadline.
        let _stuck = gate.hold_counted(&theirs);
        let t = Instant::now();
        gate.others_passed(
            &mine,
            tokio::time::Instant::now() + Duration::from_millis(80),
        )
        .await;
        let waited = t.elapsed();
        assert!(waited >= Duration::from_millis(70), "waited {waited:?}");
        assert!(waited < Duration::from_secs(2), "waited {waited:?}");
    }

    #[test]
    fn a_holder_tells_its_own_holds_from_others() {
        let gate = Arc::new(BusyCount::default());
        let (mine, theirs) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let my_hold = gate.hold_counted(&mine);
        assert!(gate.is_held());
        assert!(!gate.held_by_others(&mine), "only my own hold");
        assert!(gate.held_by_others(&theirs));
        let their_hold = gate.hold_counted(&theirs);
        assert!(gate.held_by_others(&mine));
        drop(their_hold);
        assert!(!gate.held_by_others(&mine));
        drop(my_hold);
        assert!(!gate.held_by_others(&mine));
        assert!(!gate.is_held());
        assert_eq!(mine.load(Acquire), 0);
        assert_eq!(theirs.load(Acquire), 0);
    }

    #[test]
    fn a_quiet_holds_waiters_until_released_or_their_time_is_up() {
        static QUIET: Quiet = Quiet::new(Duration::ZERO);
        // Not held: no wait at all.
        let t = std::time::Instant::now();
        QUIET.wait(Duration::from_secs(5));
        assert!(t.elapsed() < Duration::from_millis(50));

        // Held: the waiter goes on when the hold ends.
        let hold = QUIET.hold();
        let waiter = std::thread::spawn(|| {
            let t = std::time::Instant::now();
            QUIET.wait(Duration::from_secs(5));
            t.elapsed()
        });
        std::thread::sleep(Duration::from_millis(30));
        drop(hold);
        let waited = waiter.join().unwrap();
        assert!(
            waited >= Duration::from_millis(20) && waited < Duration::from_secs(2),
            "waited {waited:?}"
        );

        // Held for good: the waiter goes on at its limit.
        let _stuck = QUIET.hold();
        let t = std::time::Instant::now();
        QUIET.wait(Duration::from_millis(40));
        let waited = t.elapsed();
        assert!(
            waited >= Duration::from_millis(40) && waited < Duration::from_secs(2),
            "waited {waited:?}"
        );
    }

    #[test]
    fn threads_pause_for_a_while_after_a_quiet() {
        static QUIET: Quiet = Quiet::new(Duration::from_millis(300));
        let paused = |step| {
            let t = std::time::Instant::now();
            QUIET.pace(step);
            t.elapsed()
        };
        let step = Duration::from_millis(20);
        assert!(paused(step) < step, "never quiet yet: no pause");
        drop(QUIET.hold());
        assert!(paused(step) >= step, "right after a quiet: a pause");
        std::thread::sleep(Duration::from_millis(300));
        assert!(paused(step) < step, "long after: no pause");
    }
}
