//! Waits on [`crate::clock`] in the shapes the connection-level rules need:
//! a pollable, resettable [`Sleep`] (the idle watch), a steady [`Every`]
//! (the keep-alive sweep) and a [`HyperTimer`] (hyper's request-head
//! deadline). In a real server each is a tokio timer; under `--test-clock`
//! each moves only when the test skips the clock.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::time::Instant;

use crate::clock;
use crate::telemetry::{Metrics, Read, ReadWait};

type Wait = Pin<Box<dyn Future<Output = ()> + Send + Sync>>;

/// Resolves once [`clock::now`] reaches its deadline.
pub struct Sleep {
    deadline: Instant,
    wait: Wait,
}

impl Sleep {
    pub fn until(deadline: Instant) -> Self {
        Self {
            deadline,
            wait: Box::pin(clock::sleep_until(deadline)),
        }
    }

    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    pub fn reset(&mut self, deadline: Instant) {
        *self = Self::until(deadline);
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.wait.as_mut().poll(cx)
    }
}

/// Ticks every `period` by [`clock::now`], the first at once, like
/// tokio's `interval` with `MissedTickBehavior::Delay`: a tick more than
/// 5 ms late puts the next a whole period after it. A stopped clock
/// catches up every tick it skipped past instead, so a test's skip of
/// 10 s is ten on-time ticks, as 10 s of steady time would be.
pub struct Every {
    period: Duration,
    /// Kept between ticks (a `select!` polls it many times per tick), so
    /// a busy loop does not register a timer on every turn.
    sleep: Sleep,
}

impl Every {
    pub fn new(period: Duration) -> Self {
        Self {
            period,
            sleep: Sleep::until(clock::now()),
        }
    }

    /// The time the tick was due. Cancel-safe: nothing changes until then.
    pub async fn tick(&mut self) -> Instant {
        (&mut self.sleep).await;
        let due = self.sleep.deadline();
        let now = clock::now();
        let late = now > due + Duration::from_millis(5);
        self.sleep.reset(if late && !clock::is_stopped() {
            now + self.period
        } else {
            due + self.period
        });
        due
    }
}

/// hyper's timer on [`clock::now`], so its request-head deadline is a
/// timing rule the tests can skip through. hyper's HTTP/1 server sleeps
/// only for that deadline, so each sleep counts as a read waiting.
#[derive(Clone, Debug)]
pub struct HyperTimer(pub Arc<Metrics>);

impl hyper::rt::Timer for HyperTimer {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn hyper::rt::Sleep>> {
        self.sleep_until((clock::now() + duration).into_std())
    }

    fn sleep_until(&self, deadline: std::time::Instant) -> Pin<Box<dyn hyper::rt::Sleep>> {
        Box::pin(HeadSleep {
            sleep: Sleep::until(Instant::from_std(deadline)),
            _waiting: ReadWait::start(&self.0, Read::Head),
        })
    }

    fn now(&self) -> std::time::Instant {
        clock::now().into_std()
    }
}

/// A [`Sleep`] counted in `yearbook_http_reads_waiting` until dropped.
struct HeadSleep {
    sleep: Sleep,
    _waiting: ReadWait,
}

impl Future for HeadSleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.sleep).poll(cx)
    }
}

impl hyper::rt::Sleep for HeadSleep {}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn every_ticks_at_once_then_each_period_and_delays_after_a_stall() {
        let start = Instant::now();
        let mut every = Every::new(Duration::from_secs(1));
        every.tick().await;
        assert_eq!(Instant::now(), start);
        every.tick().await;
        assert_eq!(Instant::now(), start + Duration::from_secs(1));
        // A task busy for 2.5 s: one tick at once, the next a period on.
        tokio::time::advance(Duration::from_millis(2500)).await;
        every.tick().await;
        assert_eq!(Instant::now(), start + Duration::from_millis(3500));
        every.tick().await;
        assert_eq!(Instant::now(), start + Duration::from_millis(4500));
    }

    #[tokio::test(start_paused = true)]
    async fn a_sleep_resolves_at_its_deadline_and_after_a_reset() {
        let start = Instant::now();
        let mut sleep = Sleep::until(start + Duration::from_secs(2));
        (&mut sleep).await;
        assert_eq!(Instant::now(), start + Duration::from_secs(2));
        sleep.reset(start + Duration::from_secs(5));
        assert_eq!(sleep.deadline(), start + Duration::from_secs(5));
        sleep.await;
        assert_eq!(Instant::now(), start + Duration::from_secs(5));
    }
}
