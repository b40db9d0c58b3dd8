//! Per-address counters for what an honest client rarely does: guessing
//! room codes, wrong host keys, creating many rooms. Successful joins are
//! never counted (a whole venue may share one address).

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use axum::http::HeaderMap;
use dashmap::DashMap;
use tokio::time::Instant;

#[derive(Debug)]
struct Window {
    start: Instant,
    count: u32,
}

/// At most `limit` counted events per address per `window`.
#[derive(Debug)]
pub struct Throttle {
    limit: u32,
    window: Duration,
    map: DashMap<IpAddr, Window>,
}

impl Throttle {
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            map: DashMap::new(),
        }
    }

    /// Whether `ip` has used up its allowance in the current window.
    pub fn is_over(&self, ip: IpAddr) -> bool {
        self.map
            .get(&ip)
            .is_some_and(|w| w.start.elapsed() < self.window && w.count >= self.limit)
    }

    /// Counts one event for `ip`.
    pub fn count(&self, ip: IpAddr) {
        let mut w = self.map.entry(ip).or_insert(Window {
            start: Instant::now(),
            count: 0,
        });
        if w.start.elapsed() >= self.window {
            *w = Window {
                start: Instant::now(),
                count: 0,
            };
        }
        w.count += 1;
    }

    /// Counts one event unless `ip` is already over; `false` means refuse.
    pub fn try_count(&self, ip: IpAddr) -> bool {
        if self.is_over(ip) {
            return false;
        }
        self.count(ip);
        true
    }

    /// Forgets windows that have ended.
    pub fn sweep(&self) {
        self.map.retain(|_, w| w.start.elapsed() < self.window);
    }
}

/// The client's address: the peer, or behind a trusted proxy the address
/// the proxy appended last to `X-Forwarded-For`.
pub fn client_ip(peer: SocketAddr, headers: &HeaderMap, trust_proxy: bool) -> IpAddr {
    if trust_proxy
        && let Some(ip) = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|s| s.trim().parse::<IpAddr>().ok())
            .next_back()
    {
        return ip;
    }
    peer.ip()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn an_address_over_its_allowance_is_refused_until_the_window_ends() {
        let t = Throttle::new(3, Duration::from_secs(60));
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        let other: IpAddr = "10.0.0.2".parse().unwrap();
        for _ in 0..3 {
            assert!(t.try_count(ip));
        }
        assert!(!t.try_count(ip));
        assert!(t.try_count(other), "other addresses are not affected");
        tokio::time::advance(Duration::from_secs(61)).await;
        assert!(t.try_count(ip));
    }

    #[test]
    fn forwarded_for_is_believed_only_behind_a_trusted_proxy() {
        let peer: SocketAddr = "127.0.0.1:9".parse().unwrap();
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", "1.2.3.4, 5.6.7.8".parse().unwrap());
        assert_eq!(client_ip(peer, &h, false), peer.ip());
        assert_eq!(
            client_ip(peer, &h, true),
            "5.6.7.8".parse::<IpAddr>().unwrap()
        );
    }
}
