//! Abuse that must cost the abuser, not the room (issue 16 §4): slow
//! bodies, room-creation spam and retention, one throttle per kind of
//! miss, event-code guessing, forged X-Forwarded-For, cross-site POSTs and
//! open redirects. Each through the real binary and real HTTP clients.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const EVENT_CODE: &str = "blue heron";

fn client() -> reqwest::Client {
    // No idle connections: on a skipped clock the server closes one past
    // its 10 s head deadline, and a reused one would be reset.
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// `POST {path} {}` with an optional `Origin`: status and JSON.
async fn post_from(server: &TestServer, path: &str, origin: Option<&str>) -> (u16, Value) {
    let mut req = client().post(server.url(path)).json(&json!({}));
    if let Some(origin) = origin {
        req = req.header("Origin", origin);
    }
    status_and_json(req.send().await.unwrap()).await
}

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------
// 1. Slow request bodies

#[tokio::test]
async fn a_body_trickling_in_is_cut_with_408_after_ten_seconds() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().test_clock());
    let addr = server.origin().trim_start_matches("http://").to_string();
    let mut tcp = TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /api/rooms HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{{"
    );
    // The head at 0 s, then a byte a second of the server's clock, never
    // finishing: each byte is progress, so only a bound on the whole body
    // ends it.
    tcp.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 4096];
    // The server has read the head and fixed the body's deadline: only
    // then do skips count against it.
    server.until_reads_waiting([0, 0, 1]).await;
    for _ in 0..9 {
        server.skip(Duration::from_secs(1));
        tcp.write_all(b" ").await.unwrap();
    }
    server.skip(Duration::from_millis(999));
    let early = tokio::time::timeout(Duration::from_millis(300), tcp.read(&mut answer)).await;
    assert!(early.is_err(), "answered within 9.999 s: {early:?}");
    server.skip(Duration::from_millis(1));
    let mut answer = Vec::new();
    let read = tokio::time::timeout(RECV_TIMEOUT, tcp.read_to_end(&mut answer)).await;
    let answer = String::from_utf8_lossy(&answer).into_owned();
    assert!(read.is_ok(), "still open at 10 s: {answer:?}");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer:?}");
    assert!(
        answer.contains(r#""error":"request_timeout""#),
        "a JSON error: {answer:?}"
    );
}

// ---------------------------------------------------------------------------
// 2. Room creation spam; retention

#[tokio::test]
async fn room_creation_has_a_server_wide_cap_beyond_each_addresses_own() {
    let roster = standard_roster();
    let server = server_with(
        &roster,
        TestServer::builder().in_process().arg("--trust-proxy"),
    );
    let http = client();
    // 130 rooms from 13 addresses, 10 each: within every address's own
    // allowance (30 a minute), but over the server's burst of 120.
    let mut statuses = Vec::new();
    for i in 0..130 {
        let r = http
            .post(server.url("/api/rooms"))
            .header("X-Forwarded-For", format!("198.51.100.{}", i / 10 + 1))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        let (s, v) = status_and_json(r).await;
        if s == 429 {
            assert_eq!(v["error"], "rate_limited", "{v}");
        }
        statuses.push(s);
    }
    // The 13th address's first 2 rooms pass the spent total (an
    // organiser's first rooms always do); its 3rd and later do not.
    let created = statuses.iter().filter(|&&s| s == 201).count();
    assert_eq!(created, 122, "the server-wide burst: {statuses:?}");
    assert!(statuses[..122].iter().all(|&s| s == 201), "{statuses:?}");
    assert!(statuses[122..].iter().all(|&s| s == 429), "{statuses:?}");
}

#[tokio::test]
async fn an_organiser_creates_a_room_after_others_spent_the_server_wide_cap() {
    let roster = standard_roster();
    let server = server_with(
        &roster,
        TestServer::builder().in_process().arg("--trust-proxy"),
    );
    let http = client();
    let create = |from: String| {
        http.post(server.url("/api/rooms"))
            .header("X-Forwarded-For", from)
            .json(&json!({}))
            .send()
    };
    // Four addresses at their own 30 a minute use up the 120 of everyone.
    for i in 0..120 {
        let r = create(format!("198.51.100.{}", i / 30 + 1)).await.unwrap();
        assert_eq!(r.status().as_u16(), 201, "room {i}");
    }
    let r = create("198.51.100.9".into()).await.unwrap();
    assert_eq!(r.status().as_u16(), 201, "the organiser's first room");
    let r = create("198.51.100.9".into()).await.unwrap();
    assert_eq!(r.status().as_u16(), 201, "and second");
    let (s, v) = status_and_json(create("198.51.100.9".into()).await.unwrap()).await;
    assert_eq!((s, v["error"].as_str()), (429, Some("rate_limited")), "{v}");
    let r = create("198.51.100.1".into()).await.unwrap();
    assert_eq!(r.status().as_u16(), 429, "the filler gets no more");
}

/// Sets a room's last activity `days` ago, as if nothing had happened since.
fn age_room(db: &std::path::Path, code: &str, days: u64) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let at = now - (days * 24 * 3600 * 1000) as i64;
    let changed = conn
        .execute(
            "UPDATE rooms SET last_active = ?2, created_at = ?2 WHERE code = ?1",
            rusqlite::params![code, at],
        )
        .unwrap();
    assert_eq!(changed, 1, "room {code} is in the database");
}

fn rows_of(db: &std::path::Path, code: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    [
        "rooms WHERE code",
        "events WHERE room",
        "players WHERE room",
    ]
    .iter()
    .map(|t| {
        conn.query_row(&format!("SELECT COUNT(*) FROM {t} = ?1"), [code], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap()
    })
    .sum()
}

#[tokio::test]
async fn games_older_than_keep_days_are_pruned_when_the_server_starts() {
    let roster = standard_roster();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let serve = || {
        let mut cmd = yearbook_cmd();
        cmd.args(["serve", "--addr", "127.0.0.1:0", "--keep-days", "30"])
            .arg("--db")
            .arg(&db)
            .arg("--roster")
            .arg(roster.csv());
        run_until_listening(cmd, dir.path())
    };
    let (mut first, url) = serve();
    let http = client();
    let mut codes = Vec::new();
    for _ in 0..2 {
        let r = http
            .post(format!("{url}/api/rooms"))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        let (s, v) = status_and_json(r).await;
        assert_eq!(s, 201, "{v}");
        let code = v["code"].as_str().unwrap().to_string();
        let ws = format!("{}/ws/{code}", url.replacen("http://", "ws://", 1));
        let mut phone = TestClient::connect_url(&ws, None, "Ann").await.unwrap();
        phone.send(json!({"type":"join","name":"Ann"})).await;
        // A welcome goes out once the join is on disk.
        phone.recv_type("welcome").await;
        codes.push(code);
    }
    let _ = first.kill();
    let _ = first.wait();
    let (old, recent) = (&codes[0], &codes[1]);
    age_room(&db, old, 31);
    age_room(&db, recent, 29);
    let (mut second, url) = serve();
    assert_eq!(rows_of(&db, old), 0, "the 31-day-old game is gone");
    assert!(rows_of(&db, recent) >= 3, "the 29-day-old game is kept");
    let status = |code: &String| {
        let get = http.get(format!("{url}/api/rooms/{code}")).send();
        async move { get.await.unwrap().status().as_u16() }
    };
    assert_eq!(status(recent).await, 200);
    assert_eq!(status(old).await, 404);
    let _ = second.kill();
    let _ = second.wait();

    let mut bad = yearbook_cmd();
    bad.args(["serve", "--addr", "127.0.0.1:0", "--keep-days", "soon"])
        .arg("--db")
        .arg(dir.path().join("other.db"));
    let bad = run_with_timeout(bad, Duration::from_secs(10));
    assert_eq!(bad.code(), Some(2), "{}", bad.all_output());
}

/// Spawns `cmd` and waits for its `listening on` line: the child and the URL.
fn run_until_listening(
    mut cmd: std::process::Command,
    dir: &std::path::Path,
) -> (std::process::Child, String) {
    use std::io::BufRead;
    let log = std::fs::File::create(dir.join("stderr-manual.log")).unwrap();
    let mut child = cmd
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(log)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = std::io::BufReader::new(stdout).lines();
        if let Some(Ok(first)) = lines.next() {
            let _ = tx.send(first);
        }
        for _ in lines {}
    });
    let first = rx.recv_timeout(START_TIMEOUT).unwrap_or_else(|_| {
        let _ = child.kill();
        panic!(
            "no listening line: {}",
            std::fs::read_to_string(dir.join("stderr-manual.log")).unwrap_or_default()
        )
    });
    let url = first.trim_start_matches("listening on ").trim().to_string();
    (child, url)
}

// ---------------------------------------------------------------------------
// 3. One bucket per kind of miss

#[tokio::test]
async fn misses_of_one_kind_do_not_block_another() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().in_process());
    let http = client();
    let (code, key) = create_room(&server, json!({})).await;
    // A guest guessing codes from the venue's one address...
    let mut last = 0;
    for _ in 0..25 {
        last = fetch(&http, server.url("/api/rooms/ZZZZ"))
            .await
            .status()
            .as_u16();
    }
    assert_eq!(last, 429, "unknown codes are throttled");
    // ...does not make a wrong host key look throttled...
    let csv = |k: String| {
        http.get(server.url(&format!("/api/rooms/{code}/results.csv")))
            .bearer_auth(k)
            .send()
    };
    let r = csv("0".repeat(32)).await.unwrap();
    assert_eq!(r.status().as_u16(), 403, "host keys have their own bucket");
    for _ in 0..25 {
        last = csv("0".repeat(32)).await.unwrap().status().as_u16();
    }
    assert_eq!(last, 429, "wrong host keys are throttled");
    // ...and neither blocks the organiser creating a room or reading results.
    let (s, v) = server.post_json("/api/rooms", &json!({})).await;
    assert_eq!(s, 201, "room creation has its own bucket: {v}");
    let r = csv(key).await.unwrap();
    assert_eq!(r.status().as_u16(), 200, "the right key is still accepted");
}

// ---------------------------------------------------------------------------
// 4. Event code guessing

async fn post_event(
    http: &reqwest::Client,
    server: &TestServer,
    code: &str,
    next: &str,
    from: Option<&str>,
) -> reqwest::Response {
    let mut req = http
        .post(server.url("/event"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!("code={code}&next={next}"));
    if let Some(ip) = from {
        req = req.header("X-Forwarded-For", ip);
    }
    req.send().await.unwrap()
}

/// A server with `--event-code`, believing `X-Forwarded-For` from loopback.
fn event_code_server_behind_proxy(roster: &Roster) -> TestServer {
    server_with(
        roster,
        TestServer::builder()
            .in_process()
            .arg("--event-code")
            .arg(EVENT_CODE)
            .arg("--trust-proxy"),
    )
}

#[tokio::test]
async fn event_code_guesses_are_throttled_per_address_and_in_total() {
    let roster = standard_roster();
    let server = event_code_server_behind_proxy(&roster);
    let http = client();
    let mut statuses = Vec::new();
    for i in 0..25 {
        let r = post_event(
            &http,
            &server,
            &format!("guess+{i}"),
            "%2F",
            Some("203.0.113.1"),
        )
        .await;
        statuses.push(r.status().as_u16());
    }
    assert!(statuses[..20].iter().all(|&s| s == 401), "{statuses:?}");
    assert!(statuses[20..].iter().all(|&s| s == 429), "{statuses:?}");
    // Over its allowance, even the right code waits: otherwise the guessing
    // goes on.
    let r = post_event(&http, &server, "blue+heron", "%2F", Some("203.0.113.1")).await;
    assert_eq!(r.status().as_u16(), 429);
    // The link's `?event=` is a guess too; the API answers JSON.
    let r = fetch_with_header(
        &http,
        server.url("/api/rooms/ABCD?event=nope"),
        "X-Forwarded-For",
        "203.0.113.1",
    )
    .await;
    let (s, v) = status_and_json(r).await;
    assert_eq!((s, v["error"].as_str()), (429, Some("rate_limited")), "{v}");
    // Another address still gets its own tries...
    let r = post_event(&http, &server, "blue+heron", "%2F", Some("203.0.113.2")).await;
    assert_eq!(r.status().as_u16(), 303, "another address types it right");
    // ...and guesses from many addresses reach the server-wide cap (120 a
    // minute): past it, rotating addresses buys 3 guesses per address.
    let mut refused = 0;
    for i in 0..60 {
        let ip = format!("198.18.0.{}", i + 1);
        for _ in 0..5 {
            let r = post_event(&http, &server, "nope", "%2F", Some(&ip)).await;
            refused += usize::from(r.status().as_u16() == 429);
        }
    }
    // 20 failed already from 203.0.113.1 (the refused ones do not count);
    // the next 100 are checked (20 addresses' 5); then the last 40
    // addresses each get 3 checked and 2 refused.
    assert_eq!(refused, 40 * 2, "the server-wide cap");
}

#[tokio::test]
async fn a_spent_server_wide_guess_cap_still_lets_a_guest_in_with_the_right_code() {
    let roster = standard_roster();
    let server = event_code_server_behind_proxy(&roster);
    let http = client();
    // 30 addresses, 4 wrong codes each: the server-wide 120 a minute.
    for i in 0..120 {
        let ip = format!("198.18.1.{}", i / 4 + 1);
        let r = post_event(&http, &server, "nope", "%2F", Some(&ip)).await;
        assert_eq!(r.status().as_u16(), 401, "guess {i}");
    }
    let r = post_event(&http, &server, "blue+heron", "%2F", Some("203.0.113.7")).await;
    assert_eq!(r.status().as_u16(), 303, "a guest with the right code");
    // After two typos, still in.
    for _ in 0..2 {
        let r = post_event(&http, &server, "blue+hero", "%2F", Some("203.0.113.8")).await;
        assert_eq!(r.status().as_u16(), 401);
    }
    let r = post_event(&http, &server, "blue+heron", "%2F", Some("203.0.113.8")).await;
    assert_eq!(r.status().as_u16(), 303, "after two typos");
    // The guessers, who missed 4 times each, are not even checked.
    let r = post_event(&http, &server, "blue+heron", "%2F", Some("198.18.1.1")).await;
    assert_eq!(r.status().as_u16(), 429, "a guesser past the cap");
}

// ---------------------------------------------------------------------------
// 5. X-Forwarded-* only from the proxies the operator names

#[tokio::test]
async fn forwarded_headers_from_a_peer_that_is_not_a_named_proxy_are_ignored() {
    let roster = standard_roster();
    // This test's client (127.0.0.1) is not the named proxy.
    let server = server_with(
        &roster,
        TestServer::builder()
            .in_process()
            .arg("--trust-proxy")
            .arg("--trusted-proxy")
            .arg("192.0.2.0/24,2001:db8::1"),
    );
    let http = client();
    let mut last = 0;
    for i in 0..25 {
        last = fetch_with_header(
            &http,
            server.url("/api/rooms/ZZZZ"),
            "X-Forwarded-For",
            &format!("10.9.0.{}", i + 1),
        )
        .await
        .status()
        .as_u16();
    }
    assert_eq!(last, 429, "rotating X-Forwarded-For no longer dodges");
    let r = http
        .post(server.url("/api/rooms"))
        .header("X-Forwarded-Host", "proxy.example")
        .header("X-Forwarded-Proto", "https")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let (s, room) = status_and_json(r).await;
    assert_eq!(s, 201, "{room}");
    let code = room["code"].as_str().unwrap();
    assert_eq!(
        room["join_url"],
        format!("{}/join/{code}", server.base_url())
    );
}

#[tokio::test]
async fn an_ipv6_clients_whole_64_is_one_address_for_the_limits() {
    let roster = standard_roster();
    let server = server_with(
        &roster,
        TestServer::builder().in_process().arg("--trust-proxy"),
    );
    let http = client();
    let guess = |from: String| {
        http.get(server.url("/api/rooms/ZZZZ"))
            .header("X-Forwarded-For", from)
            .send()
    };
    // 20 misses, each from another address of one /64: its allowance.
    for i in 0..20 {
        let r = guess(format!("2001:db8:5:6::{:x}", i + 1)).await.unwrap();
        assert_eq!(r.status().as_u16(), 404, "guess {i}");
    }
    let r = guess("2001:db8:5:6:ffff::1".into()).await.unwrap();
    assert_eq!(r.status().as_u16(), 429, "the same /64");
    let r = guess("2001:db8:5:7::1".into()).await.unwrap();
    assert_eq!(r.status().as_u16(), 404, "the next /64 is another client");
}

#[tokio::test]
async fn behind_a_loopback_proxy_the_right_most_untrusted_address_counts() {
    let roster = standard_roster();
    let server = server_with(
        &roster,
        TestServer::builder().in_process().arg("--trust-proxy"),
    );
    let http = client();
    // A chain: the guest (left, as the guest's own proxy said), our proxy
    // on loopback appended the address it saw, then another loopback hop.
    // Each guest address has its own allowance: the loopback hops are
    // skipped, not taken as the client.
    for i in 0..25 {
        let r = fetch_with_header(
            &http,
            server.url("/api/rooms/ZZZZ"),
            "X-Forwarded-For",
            &format!("10.8.0.{}, 127.0.0.1", i + 1),
        )
        .await;
        assert_eq!(r.status().as_u16(), 404, "guess {i}");
    }
}

// ---------------------------------------------------------------------------
// 6. Cross-site POSTs

#[tokio::test]
async fn posts_from_another_site_are_refused_like_websocket_upgrades() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().in_process());
    for path in ["/api/rooms", "/api/solo/round", "/api/solo/answer"] {
        let (s, v) = post_from(&server, path, Some("https://evil.example")).await;
        assert_eq!(
            (s, v["error"].as_str()),
            (403, Some("bad_origin")),
            "{path}: {v}"
        );
    }
    let same = post_from(&server, "/api/rooms", Some(server.origin())).await;
    assert_eq!(same.0, 201, "same site");
    let unnamed = post_from(&server, "/api/rooms", None).await;
    assert_eq!(unnamed.0, 201, "no Origin: not a browser");

    let gated = server_with(
        &roster,
        TestServer::builder()
            .in_process()
            .arg("--event-code")
            .arg(EVENT_CODE),
    );
    let r = client()
        .post(gated.url("/event"))
        .header("Origin", "https://evil.example")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("code=blue+heron&next=%2F")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403, "the event form from another site");
    assert!(r.headers().get("set-cookie").is_none());
}

#[tokio::test]
async fn with_a_public_url_only_its_origin_is_same_site() {
    let roster = standard_roster();
    let server = server_with(
        &roster,
        TestServer::builder()
            .in_process()
            .arg("--public-url")
            .arg("https://reunion.example/"),
    );
    // A rebound DNS name makes Host whatever the attacker's page says.
    let (s, v) = post_from(&server, "/api/rooms", Some(server.origin())).await;
    assert_eq!(
        (s, v["error"].as_str()),
        (403, Some("bad_origin")),
        "Host is not the public URL"
    );
    // http:// is another origin than https://.
    let (s, _) = post_from(&server, "/api/rooms", Some("http://reunion.example")).await;
    assert_eq!(s, 403);
    let (s, room) = post_from(&server, "/api/rooms", Some("https://reunion.example")).await;
    assert_eq!(s, 201, "{room}");
    let code = room["code"].as_str().unwrap();
    match TestClient::connect_url(&server.ws_url(code), Some(server.origin()), "rebound").await {
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
            assert_eq!(resp.status().as_u16(), 403)
        }
        Err(e) => panic!("expected 403, got {e}"),
        Ok(_) => panic!("an upgrade from the Host's origin must be refused"),
    }
    assert!(
        TestClient::connect_url(&server.ws_url(code), Some("https://reunion.example"), "ok")
            .await
            .is_ok(),
        "the public URL's origin upgrades"
    );
}

// ---------------------------------------------------------------------------
// 7. Open redirect

#[tokio::test]
async fn the_event_form_never_redirects_off_site() {
    let roster = standard_roster();
    let server = server_with(
        &roster,
        TestServer::builder()
            .in_process()
            .base_path("/r")
            .arg("--event-code")
            .arg(EVENT_CODE),
    );
    let http = client();
    for evil in [
        "/%09/evil.example/",
        "%2F%09%2Fevil.example%2F",
        "%2Fr%2F%2509%2Fevil.example",
        "%2Fr%2F%0A%2Fevil.example",
        "/r/%2F/evil.example",
        "/r/%5C/evil.example",
        "/r%2F%2F%2Fevil.example",
        "/rx/elsewhere",
        "%2Fr%2F%20%2Fevil.example",
    ] {
        let r = post_event(&http, &server, "blue+heron", evil, None).await;
        assert_eq!(r.status().as_u16(), 303, "{evil}");
        assert_eq!(location(&r), "/r/", "next={evil} goes to the base path");
    }
    let r = post_event(
        &http,
        &server,
        "blue+heron",
        "%2Fr%2Fjoin%2FABCD%3Fx%3D1",
        None,
    )
    .await;
    assert_eq!(location(&r), "/r/join/ABCD?x=1", "a same-site path is kept");

    // At the root, as observed: a tab makes `//evil.example/` in browsers.
    let root = server_with(
        &roster,
        TestServer::builder()
            .in_process()
            .arg("--event-code")
            .arg(EVENT_CODE),
    );
    for evil in [
        "/%09/evil.example/",
        "%2F%2509%2Fevil.example%2F",
        "/%0d/evil",
    ] {
        let r = post_event(&http, &root, "blue+heron", evil, None).await;
        assert_eq!(r.status().as_u16(), 303, "{evil}");
        assert_eq!(location(&r), "/", "next={evil} goes to the base path");
    }
}

// ---------------------------------------------------------------------------
// The minute of each throttle, on a stopped clock the test skips.

#[tokio::test]
async fn each_throttles_minute_ends_exactly_sixty_seconds_after_it_began() {
    let roster = standard_roster();
    let server = server_with(
        &roster,
        TestServer::builder()
            .host_password("pw")
            .arg("--trust-proxy")
            .test_clock(),
    );
    let http = client();
    // Each kind from an address of its own (through the trusted proxy), so
    // no throttle hides another's.
    let wrong_code = || {
        let req = http
            .get(server.url("/api/rooms/ZZZZ"))
            .header("X-Forwarded-For", "203.0.113.1");
        async move { status_and_json(req.send().await.unwrap()).await.0 }
    };
    let create = |password: &'static str, from: &'static str| {
        let req = http
            .post(server.url("/api/rooms"))
            .header("X-Forwarded-For", from)
            .bearer_auth(password)
            .json(&json!({}));
        async move { status_and_json(req.send().await.unwrap()).await.0 }
    };
    let room = || create("pw", "203.0.113.2");
    let wrong_password = || create("nope", "203.0.113.3");
    // 30 rooms at 0 s, 20 wrong codes at 10 s, 20 wrong passwords at 20 s;
    // the next of each is refused.
    for i in 0..30 {
        assert_eq!(room().await, 201, "room {i}");
    }
    assert_eq!(room().await, 429, "room 31");
    server.skip(Duration::from_secs(10));
    for i in 0..20 {
        assert_eq!(wrong_code().await, 404, "wrong code {i}");
    }
    assert_eq!(wrong_code().await, 429, "wrong code 21");
    server.skip(Duration::from_secs(10));
    for i in 0..20 {
        assert_eq!(wrong_password().await, 401, "wrong password {i}");
    }
    assert_eq!(wrong_password().await, 429, "wrong password 21");
    assert_eq!(
        create("pw", "203.0.113.3").await,
        429,
        "nor a room from there with the right one"
    );
    // Each minute ends 60 s after its first event, not a millisecond before.
    server.skip(Duration::from_millis(39_999));
    assert_eq!(room().await, 429, "rooms at 59.999 s");
    server.skip(Duration::from_millis(1));
    assert_eq!(room().await, 201, "rooms at 60 s");
    server.skip(Duration::from_millis(9_999));
    assert_eq!(wrong_code().await, 429, "codes at 59.999 s");
    server.skip(Duration::from_millis(1));
    assert_eq!(wrong_code().await, 404, "codes at 60 s");
    server.skip(Duration::from_millis(9_999));
    assert_eq!(wrong_password().await, 429, "passwords at 59.999 s");
    server.skip(Duration::from_millis(1));
    assert_eq!(wrong_password().await, 401, "passwords at 60 s");
}

/// `GET /api/rooms/{code}`'s status, once it is `want` (what a skip made
/// due runs on the server's own tasks, a moment after the skip).
async fn room_status_becomes(server: &TestServer, code: &str, want: u16) -> u16 {
    let until = Instant::now() + Duration::from_secs(5);
    loop {
        let status = server.get(&format!("/api/rooms/{code}")).await.status();
        if status.as_u16() == want || Instant::now() > until {
            return status.as_u16();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn empty_lobbies_go_after_three_hours_and_games_leave_memory_after_48() {
    const HOUR: Duration = Duration::from_secs(60 * 60);
    const MINUTE: Duration = Duration::from_secs(60);
    let ms = Duration::from_millis;
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().test_clock());
    let status = |code: String| {
        let server = &server;
        async move {
            let path = format!("/api/rooms/{code}");
            server.get(&path).await.status().as_u16()
        }
    };
    // A game: a round shown, its one player gone without voting.
    let (game, key) = create_room(&server, json!({})).await;
    let mut host = connect_host(&server, &game, &key).await;
    let (mut ann, _) = join(&server, &game, "Ann").await;
    host.send(json!({"type": "start_round"})).await;
    ann.recv_type("round").await;
    host.send(json!({"type": "reveal"})).await;
    host.recv_type("reveal").await;
    ann.close().await;
    // Two empty lobbies, made a millisecond apart: the server looks at
    // the rooms every minute, so one look at 3 h + 1 ms tells them apart.
    let (lobby_1, _) = create_room(&server, json!({})).await;
    server.skip(ms(1));
    let (lobby_2, _) = create_room(&server, json!({})).await;
    // At 2 min (+ 1 ms) Ann's seat lapses: the game's last activity. The
    // room's summary shows it; not the host screen, which the same skip
    // may close first for answering no pings.
    let (_, info) = server.get_json(&format!("/api/rooms/{game}")).await;
    assert_eq!(info["players"], 1, "Ann's seat is held: {info}");
    server.skip(2 * MINUTE);
    let until = Instant::now() + Duration::from_secs(5);
    loop {
        let (_, info) = server.get_json(&format!("/api/rooms/{game}")).await;
        if info["players"] == 0 {
            break;
        }
        assert!(Instant::now() < until, "Ann's seat never lapsed: {info}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    host.close().await;

    // At 3 h + 1 ms.
    server.skip(3 * HOUR - 2 * MINUTE);
    assert_eq!(room_status_becomes(&server, &lobby_1, 404).await, 404);
    assert_eq!(status(lobby_2.clone()).await, 200, "an empty lobby at 3 h");
    assert_eq!(status(game.clone()).await, 200, "a game at 3 h");
    server.skip(MINUTE);
    assert_eq!(room_status_becomes(&server, &lobby_2, 404).await, 404);

    // Exactly 48 h after the game's last activity: kept; at the next look,
    // a minute later, let go. A third empty lobby, 45 h old by then, goes
    // at that same look: its 404 shows the look ran before the game is
    // asked about (else the ask could win the race and prove nothing).
    let (lobby_3, _) = create_room(&server, json!({})).await;
    server.skip(45 * HOUR + MINUTE);
    assert_eq!(room_status_becomes(&server, &lobby_3, 404).await, 404);
    assert_eq!(status(game.clone()).await, 200, "a game idle for 48 h");
    server.skip(MINUTE);
    assert_eq!(room_status_becomes(&server, &game, 404).await, 404);

    // The lobbies left the database too; the game's results stay.
    let db = rusqlite::Connection::open(server.db_path()).unwrap();
    let until = Instant::now() + Duration::from_secs(5);
    let kept = loop {
        let kept: Vec<String> = db
            .prepare("SELECT code FROM rooms")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        if kept.len() == 1 || Instant::now() > until {
            break kept;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(kept, [game]);
}
