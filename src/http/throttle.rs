//! Counters for what an honest client rarely does: guessing room codes,
//! wrong host keys, guessing the event code, creating many rooms. One
//! counter per kind, so misses of one kind never block another (a whole
//! venue may share one address); successful joins are never counted. And
//! whose `X-Forwarded-For` to believe. Every per-address count is kept per
//! [`network_of`] the address.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use axum::http::HeaderMap;
use dashmap::DashMap;
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use tokio::time::Instant;

use crate::clock;

/// The address one client controls: an IPv6 host is given a whole /64, so
/// its other 2^64 addresses count as one; an IPv4 address is itself (and
/// so is one seen as IPv6, `::ffff:a.b.c.d`).
pub fn network_of(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => IpAddr::V6((u128::from(v6) & !u128::from(u64::MAX)).into()),
        v4 => v4,
    }
}

/// How long ago `start` was, by the server's clock (skipped in tests).
fn since(start: Instant) -> Duration {
    clock::now().saturating_duration_since(start)
}

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
        self.counted(ip) >= self.limit
    }

    /// How many events `ip`'s network has had in the current window.
    pub fn counted(&self, ip: IpAddr) -> u32 {
        self.map
            .get(&network_of(ip))
            .filter(|w| since(w.start) < self.window)
            .map_or(0, |w| w.count)
    }

    /// Counts one event for `ip`'s network.
    pub fn count(&self, ip: IpAddr) {
        let mut w = self.map.entry(network_of(ip)).or_insert(Window {
            start: clock::now(),
            count: 0,
        });
        if since(w.start) >= self.window {
            *w = Window {
                start: clock::now(),
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
        self.map.retain(|_, w| since(w.start) < self.window);
    }
}

/// At most `limit` counted events per `window` across all addresses: what
/// rotating addresses cannot multiply (room creation, event-code guesses).
/// Each network's first `spared` events of a window pass even a spent cap:
/// whoever fills it from many addresses cannot lock out the organiser's
/// first rooms or a guest's first tries at the event code.
#[derive(Debug)]
pub struct Cap {
    limit: u32,
    window: Duration,
    spared: u32,
    current: parking_lot::Mutex<Window>,
}

impl Cap {
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            spared: 0,
            current: parking_lot::Mutex::new(Window {
                start: clock::now(),
                count: 0,
            }),
        }
    }

    /// The same cap, passing each network's first `spared` events.
    pub fn sparing(mut self, spared: u32) -> Self {
        self.spared = spared;
        self
    }

    /// Whether the server-wide allowance of the current window is used up.
    pub fn is_over(&self) -> bool {
        let w = self.current.lock();
        since(w.start) < self.window && w.count >= self.limit
    }

    /// Whether the cap refuses a network that has had `counted` events in
    /// this window (its own [`Throttle::counted`]).
    pub fn refuses(&self, counted: u32) -> bool {
        counted >= self.spared && self.is_over()
    }

    /// Counts one event.
    pub fn count(&self) {
        let mut w = self.current.lock();
        if since(w.start) >= self.window {
            *w = Window {
                start: clock::now(),
                count: 0,
            };
        }
        w.count += 1;
    }
}

/// The proxies whose `X-Forwarded-*` headers are believed (`--trust-proxy`,
/// `--trusted-proxy`); empty: none.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// What `--trust-proxy` alone trusts: a proxy on this machine.
    pub fn loopback() -> Self {
        Self(vec![
            IpNet::V4(Ipv4Net::new_assert(Ipv4Addr::new(127, 0, 0, 0), 8)),
            IpNet::V6(Ipv6Net::new_assert(Ipv6Addr::LOCALHOST, 128)),
        ])
    }

    /// `ADDR[,ADDR|CIDR…]`: addresses and networks, comma-separated.
    pub fn parse(list: &str) -> Result<Self, String> {
        list.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<IpNet>()
                    .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("'{s}' is not an address or a network (CIDR)"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address: the peer; or, when the peer is one of our
    /// proxies, the right-most address in `X-Forwarded-For` that is not (what
    /// our own proxies appended; anything left of it a client could write).
    pub fn client_ip(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let mut client = peer.to_canonical();
        if !self.contains(client) {
            return client;
        }
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect();
        for hop in hops.into_iter().rev() {
            // Garbage ends the chain we can vouch for.
            let Ok(ip) = hop.trim().parse::<IpAddr>() else {
                return client;
            };
            client = ip.to_canonical();
            if !self.contains(client) {
                return client;
            }
        }
        client
    }
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

    #[tokio::test(start_paused = true)]
    async fn an_ipv6_clients_whole_64_is_one_address_and_ipv4_addresses_are_not() {
        let t = Throttle::new(2, Duration::from_secs(60));
        t.count("2001:db8:1:2::1".parse().unwrap());
        t.count("2001:db8:1:2:ffff:ffff:ffff:fffe".parse().unwrap());
        assert!(
            t.is_over("2001:db8:1:2:abcd::7".parse().unwrap()),
            "one /64"
        );
        assert!(
            !t.is_over("2001:db8:1:3::1".parse().unwrap()),
            "the next /64"
        );
        t.count("10.0.0.1".parse().unwrap());
        t.count("::ffff:10.0.0.1".parse().unwrap());
        assert!(t.is_over("10.0.0.1".parse().unwrap()), "IPv4 seen as IPv6");
        assert_eq!(t.counted("10.0.0.2".parse().unwrap()), 0, "its own");
        assert_eq!(t.counted("10.0.0.0".parse().unwrap()), 0, "its own");
    }

    #[tokio::test(start_paused = true)]
    async fn the_server_wide_cap_counts_every_address_together() {
        let cap = Cap::new(3, Duration::from_secs(60));
        for _ in 0..3 {
            assert!(!cap.is_over());
            cap.count();
        }
        assert!(cap.is_over());
        assert!(cap.refuses(0), "nobody is spared by default");
        let spared = Cap::new(1, Duration::from_secs(60)).sparing(2);
        spared.count();
        assert!(!spared.refuses(0) && !spared.refuses(1), "first two pass");
        assert!(spared.refuses(2));
        tokio::time::advance(Duration::from_secs(59)).await;
        assert!(cap.is_over(), "still the same minute");
        tokio::time::advance(Duration::from_secs(2)).await;
        assert!(!cap.is_over());
    }

    fn xff(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", value.parse().unwrap());
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
        let h = xff("1.2.3.4, 5.6.7.8");
        let none = TrustedProxies::default();
        let lo = TrustedProxies::loopback();
        assert_eq!(none.client_ip(ip("127.0.0.1"), &h), ip("127.0.0.1"));
        assert_eq!(lo.client_ip(ip("127.0.0.1"), &h), ip("5.6.7.8"));
        assert_eq!(lo.client_ip(ip("::1"), &h), ip("5.6.7.8"));
        assert_eq!(lo.client_ip(ip("::ffff:127.0.0.2"), &h), ip("5.6.7.8"));
        // A peer that is not our proxy writes what it likes: ignored.
        assert_eq!(lo.client_ip(ip("203.0.113.9"), &h), ip("203.0.113.9"));
        assert_eq!(
            lo.client_ip(ip("127.0.0.1"), &HeaderMap::new()),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn the_right_most_address_that_is_not_a_proxy_is_the_client() {
        let ours = TrustedProxies::parse("10.0.0.0/8, 192.0.2.7,::1").unwrap();
        let peer = ip("10.1.1.1");
        // Forged left part, the real client, then our own hops.
        let h = xff("6.6.6.6, 198.51.100.4, 192.0.2.7, 10.2.2.2");
        assert_eq!(ours.client_ip(peer, &h), ip("198.51.100.4"));
        // Several headers are one list, in order.
        let mut h = xff("6.6.6.6");
        h.append("x-forwarded-for", "198.51.100.5, 10.0.0.3".parse().unwrap());
        assert_eq!(ours.client_ip(peer, &h), ip("198.51.100.5"));
        // Only proxies: the furthest one is the best we know.
        assert_eq!(
            ours.client_ip(peer, &xff("10.0.0.9, 10.0.0.8")),
            ip("10.0.0.9")
        );
        // Garbage stops the walk at the last address vouched for.
        assert_eq!(
            ours.client_ip(peer, &xff("1.1.1.1, junk, 10.0.0.8")),
            ip("10.0.0.8")
        );
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.example").is_err());
    }
}
