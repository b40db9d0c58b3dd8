//! The server's clock: wall-clock milliseconds (so deadlines survive a
//! restart) advanced by tokio's monotonic clock (so tests can pause time).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::time::Instant;

use crate::game::Millis;

#[derive(Debug, Clone, Copy)]
pub struct Clock {
    origin_ms: Millis,
    origin: Instant,
}

impl Clock {
    pub fn new() -> Self {
        let origin_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        Self {
            origin_ms,
            origin: Instant::now(),
        }
    }

    pub fn now(&self) -> Millis {
        self.origin_ms + self.origin.elapsed().as_millis() as u64
    }

    /// The tokio instant at which the clock reads `at`.
    pub fn instant_at(&self, at: Millis) -> Instant {
        self.origin + Duration::from_millis(at.saturating_sub(self.origin_ms))
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::new()
    }
}
