//! Per-address token buckets for what honest clients do in bursts: a whole
//! venue behind one address joins a room within a minute, so the burst is
//! generous and the pace steady; what the bucket stops is a script joining
//! and leaving hundreds of times to fill rooms.

use std::net::IpAddr;
use std::time::Duration;

use dashmap::DashMap;
use tokio::time::Instant;

use super::throttle::network_of;

/// Joins (`join` messages) an address may send at once…
pub const JOIN_BURST: f64 = 60.0;
/// …and then per second: 200 phones from one address join within 28 s.
pub const JOINS_PER_SEC: f64 = 5.0;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// A token bucket per address ([`network_of`]): `burst` tokens, refilled
/// at `per_sec`.
#[derive(Debug)]
pub struct Pace {
    burst: f64,
    per_sec: f64,
    map: DashMap<IpAddr, Bucket>,
}

impl Pace {
    pub fn new(burst: f64, per_sec: f64) -> Self {
        Self {
            burst,
            per_sec,
            map: DashMap::new(),
        }
    }

    /// The pace of `join` messages.
    pub fn joins() -> Self {
        Self::new(JOIN_BURST, JOINS_PER_SEC)
    }

    /// Takes one token for `ip`; `false` (and nothing taken) when it has none.
    pub fn try_take(&self, ip: IpAddr) -> bool {
        self.take(ip).is_ok()
    }

    /// Takes one token for `ip`; `Err` (and nothing taken) is how long
    /// until it has one.
    pub fn take(&self, ip: IpAddr) -> Result<(), Duration> {
        let now = crate::clock::now();
        let mut b = self.map.entry(network_of(ip)).or_insert(Bucket {
            tokens: self.burst,
            at: now,
        });
        let earned = now.duration_since(b.at).as_secs_f64() * self.per_sec;
        b.tokens = (b.tokens + earned).min(self.burst);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - b.tokens) / self.per_sec))
        }
    }

    /// Forgets addresses whose bucket has refilled: they are as new.
    pub fn sweep(&self) {
        let now = crate::clock::now();
        self.map.retain(|_, b| {
            b.tokens + now.duration_since(b.at).as_secs_f64() * self.per_sec < self.burst
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn an_address_gets_its_burst_then_the_steady_pace() {
        let pace = Pace::new(3.0, 2.0);
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        let other: IpAddr = "10.0.0.2".parse().unwrap();
        for _ in 0..3 {
            assert!(pace.try_take(ip));
        }
        assert!(!pace.try_take(ip));
        assert!(
            pace.try_take(other),
            "other addresses have their own bucket"
        );
        tokio::time::advance(Duration::from_millis(500)).await;
        assert!(pace.try_take(ip), "one token back after 1/2 s");
        assert!(!pace.try_take(ip));
    }

    #[tokio::test(start_paused = true)]
    async fn addresses_in_one_ipv6_64_share_a_bucket_ipv4_ones_do_not() {
        let pace = Pace::new(2.0, 1.0);
        let ip = |s: &str| -> IpAddr { s.parse().unwrap() };
        assert!(pace.try_take(ip("2001:db8:7:7::1")));
        assert!(pace.try_take(ip("2001:db8:7:7::2")));
        assert!(!pace.try_take(ip("2001:db8:7:7:1:2:3:4")), "one /64");
        assert!(pace.try_take(ip("2001:db8:7:8::1")), "another /64");
        assert!(pace.try_take(ip("192.0.2.1")));
        assert!(pace.try_take(ip("192.0.2.1")));
        assert!(pace.try_take(ip("192.0.2.2")), "another IPv4 address");
        assert!(!pace.try_take(ip("::ffff:192.0.2.1")), "IPv4 seen as IPv6");
    }

    #[tokio::test(start_paused = true)]
    async fn two_hundred_joins_from_one_address_fit_in_a_minute() {
        let pace = Pace::joins();
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        let mut joined = 0;
        for _ in 0..600 {
            if pace.try_take(ip) {
                joined += 1;
            }
            tokio::time::advance(Duration::from_millis(100)).await;
        }
        assert!(joined >= 200, "{joined} in a minute");
    }

    #[tokio::test(start_paused = true)]
    async fn a_sweep_forgets_only_full_buckets() {
        let pace = Pace::new(2.0, 1.0);
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        pace.try_take(ip);
        pace.sweep();
        assert_eq!(pace.map.len(), 1);
        tokio::time::advance(Duration::from_secs(2)).await;
        pace.sweep();
        assert_eq!(pace.map.len(), 0);
    }
}
