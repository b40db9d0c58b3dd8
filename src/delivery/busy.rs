//! A count of work under way that others wait on or step aside for: a
//! room's fan-out writing to its phones, the server's questions waiting.

use std::sync::Arc;
use std::sync::atomic::{
    AtomicUsize,
    Ordering::{AcqRel, Acquire},
};
use std::time::Duration;

#[derive(Debug, Default)]
pub struct BusyCount {
    holders: AtomicUsize,
    /// Notified when nobody is busy any more.
    idle: tokio::sync::Notify,
    /// Notified whenever a hold ends.
    released: tokio::sync::Notify,
}

/// Counts as busy until dropped.
pub struct BusyHold {
    count: Arc<BusyCount>,
    /// The holder's own count of its holds (see [`BusyCount::others_busy`]).
    mine: Option<Arc<AtomicUsize>>,
}

impl BusyCount {
    pub fn hold(self: &Arc<Self>) -> BusyHold {
        self.enter();
        BusyHold {
            count: self.clone(),
            mine: None,
        }
    }

    /// A hold that `mine` counts too.
    pub fn hold_counted(self: &Arc<Self>, mine: &Arc<AtomicUsize>) -> BusyHold {
        mine.fetch_add(1, AcqRel);
        self.enter();
        BusyHold {
            count: self.clone(),
            mine: Some(mine.clone()),
        }
    }

    /// Whether anyone is busy beyond the `mine` holds counted.
    pub fn others_busy(&self, mine: &AtomicUsize) -> bool {
        self.holders.load(Acquire) > mine.load(Acquire)
    }

    fn enter(&self) {
        self.holders.fetch_add(1, AcqRel);
    }

    fn leave(&self) {
        if self.holders.fetch_sub(1, AcqRel) == 1 {
            self.idle.notify_waiters();
        }
        self.released.notify_waiters();
    }

    /// Returns once only `mine` holds it (see
    /// [`BusyCount::others_busy`]), or at `until`. Waits without running, so
    /// the thread is free for whatever the others wait for.
    pub async fn until_others_done(&self, mine: &AtomicUsize, until: tokio::time::Instant) {
        loop {
            let mut released = std::pin::pin!(self.released.notified());
            released.as_mut().enable();
            if !self.others_busy(mine) {
                return;
            }
            if tokio::time::timeout_at(until, released).await.is_err() {
                return;
            }
        }
    }

    pub fn is_busy(&self) -> bool {
        self.holders.load(Acquire) != 0
    }

    /// Returns once nobody is busy, or after `max`.
    pub async fn until_idle(&self, max: Duration) {
        if !self.is_busy() {
            return;
        }
        let wait = async {
            loop {
                let mut idle = std::pin::pin!(self.idle.notified());
                idle.as_mut().enable();
                if !self.is_busy() {
                    return;
                }
                idle.await;
            }
        };
        let _ = tokio::time::timeout(max, wait).await;
    }
}

impl Drop for BusyHold {
    fn drop(&mut self) {
        // Left before `mine` forgets it, so others never look held by us.
        self.count.leave();
        if let Some(mine) = &self.mine {
            mine.fetch_sub(1, AcqRel);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[tokio::test]
    async fn waiting_for_idle_ends_on_release_or_at_its_limit() {
        let busy = Arc::new(BusyCount::default());
        let t = Instant::now();
        busy.until_idle(Duration::from_secs(5)).await;
        assert!(t.elapsed() < Duration::from_millis(50), "waited while idle");

        let hold = busy.hold();
        let (started_tx, started_rx) = tokio::sync::oneshot::channel();
        let release = std::thread::spawn(move || {
            let _ = started_tx.send(());
            std::thread::sleep(Duration::from_millis(150));
            drop(hold);
        });
        started_rx.await.unwrap();
        let t = Instant::now();
        busy.until_idle(Duration::from_secs(5)).await;
        let waited = t.elapsed();
        assert!(waited >= Duration::from_millis(100), "waited {waited:?}");
        assert!(waited < Duration::from_secs(2), "waited {waited:?}");
        release.join().unwrap();
        assert!(!busy.is_busy());

        let _stuck = busy.hold();
        let t = Instant::now();
        busy.until_idle(Duration::from_millis(80)).await;
        let waited = t.elapsed();
        assert!(waited >= Duration::from_millis(80), "waited {waited:?}");
        assert!(waited < Duration::from_secs(2), "waited {waited:?}");
    }

    #[tokio::test]
    async fn waiting_for_others_ends_when_they_let_go_or_at_the_deadline() {
        let busy = Arc::new(BusyCount::default());
        let (mine, theirs) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let _my_hold = busy.hold_counted(&mine);
        let far = tokio::time::Instant::now() + Duration::from_secs(5);
        // Only my own hold: no wait.
        let t = Instant::now();
        busy.until_others_done(&mine, far).await;
        assert!(t.elapsed() < Duration::from_millis(50));

        // Someone else's hold: the wait ends when it ends.
        let their_hold = busy.hold_counted(&theirs);
        let release = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            drop(their_hold);
        });
        let t = Instant::now();
        busy.until_others_done(&mine, far).await;
        let waited = t.elapsed();
        assert!(waited >= Duration::from_millis(80), "waited {waited:?}");
        assert!(waited < Duration::from_secs(2), "waited {waited:?}");
        release.await.unwrap();

        // A hold that never ends: the wait ends at the deadline.
        let _stuck = busy.hold_counted(&theirs);
        let t = Instant::now();
        busy.until_others_done(
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
        let busy = Arc::new(BusyCount::default());
        let (mine, theirs) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let my_hold = busy.hold_counted(&mine);
        assert!(busy.is_busy());
        assert!(!busy.others_busy(&mine), "only my own hold");
        assert!(busy.others_busy(&theirs));
        let their_hold = busy.hold_counted(&theirs);
        assert!(busy.others_busy(&mine));
        drop(their_hold);
        assert!(!busy.others_busy(&mine));
        drop(my_hold);
        assert!(!busy.others_busy(&mine));
        assert!(!busy.is_busy());
        assert_eq!(mine.load(Acquire), 0);
        assert_eq!(theirs.load(Acquire), 0);
    }
}
