//! RFC 6455 to the letter, and the socket-level limits, seen by a client
//! that writes exact frames over a raw TCP connection (a WebSocket library
//! would refuse to send most of these frames).

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";
const MASK: [u8; 4] = [0x37, 0xFA, 0x21, 0x3D];

/// The request head of an upgrade to `/ws/{code}`, with `headers` as given
/// (each a full `Name: value` line).
fn upgrade_request(server: &TestServer, code: &str, headers: &[&str]) -> String {
    let url = server.ws_url(code);
    let rest = url.trim_start_matches("ws://");
    let (host, path) = rest.split_at(rest.find('/').unwrap());
    let mut req = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n");
    for h in headers {
        req.push_str(h);
        req.push_str("\r\n");
    }
    req.push_str("\r\n");
    req
}

fn addr(server: &TestServer) -> String {
    server.origin().trim_start_matches("http://").to_string()
}

/// Sends a request head and reads the response head (byte by byte, so no
/// frame after it is taken): `(status, head)`.
async fn handshake(s: &mut TcpStream, request: &str) -> (u16, String) {
    s.write_all(request.as_bytes()).await.unwrap();
    let mut head = Vec::new();
    let read = tokio::time::timeout(RECV_TIMEOUT, async {
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            if s.read(&mut byte).await.unwrap() == 0 {
                break;
            }
            head.push(byte[0]);
        }
    })
    .await;
    assert!(read.is_ok(), "no response head");
    let head = String::from_utf8_lossy(&head).to_string();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP response: {head:?}"));
    (status, head)
}

const GOOD_HEADERS: [&str; 4] = [
    "Upgrade: websocket",
    "Connection: Upgrade",
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Version: 13",
];

/// A raw connection upgraded to a WebSocket on `/ws/{code}`.
async fn raw(server: &TestServer, code: &str) -> TcpStream {
    let mut s = TcpStream::connect(addr(server)).await.unwrap();
    upgrade(server, code, &mut s).await;
    s
}

/// [`raw`], once the server's task for it runs (it answered a ping): with
/// a stopped clock, the socket's deadlines count from the clock's reading
/// then, so the test must not skip before.
async fn raw_ready(server: &TestServer, code: &str) -> TcpStream {
    let mut s = raw(server, code).await;
    s.write_all(&frame(0x89, b"ready")).await.unwrap();
    let pong = tokio::time::timeout(RECV_TIMEOUT, async {
        while !matches!(read_frame(&mut s).await, Ok((0x8A, _))) {}
    })
    .await;
    assert!(pong.is_ok(), "no pong to a ping before hello");
    s
}

async fn upgrade(server: &TestServer, code: &str, s: &mut TcpStream) {
    let (status, head) = handshake(s, &upgrade_request(server, code, &GOOD_HEADERS)).await;
    assert_eq!(status, 101, "{head}");
    assert!(head.contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), "{head}");
    let _ = KEY;
}

/// A masked client frame: `first` is the FIN/RSV/opcode byte.
fn frame(first: u8, payload: &[u8]) -> Vec<u8> {
    let mut f = frame_head(first, payload.len(), true);
    f.extend(payload.iter().enumerate().map(|(i, b)| b ^ MASK[i % 4]));
    f
}

fn frame_head(first: u8, len: usize, masked: bool) -> Vec<u8> {
    let mask_bit = if masked { 0x80 } else { 0 };
    let mut f = vec![first];
    if len < 126 {
        f.push(mask_bit | len as u8);
    } else if len <= 0xFFFF {
        f.push(mask_bit | 126);
        f.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        f.push(mask_bit | 127);
        f.extend_from_slice(&(len as u64).to_be_bytes());
    }
    if masked {
        f.extend_from_slice(&MASK);
    }
    f
}

fn text(v: serde_json::Value) -> Vec<u8> {
    frame(0x81, v.to_string().as_bytes())
}

fn close(code: u16, reason: &str) -> Vec<u8> {
    let mut payload = code.to_be_bytes().to_vec();
    payload.extend_from_slice(reason.as_bytes());
    frame(0x88, &payload)
}

/// The next server frame: `(first byte, payload)`; `Err` when the
/// connection ended or broke.
async fn read_frame(s: &mut TcpStream) -> std::io::Result<(u8, Vec<u8>)> {
    let mut h = [0u8; 2];
    s.read_exact(&mut h).await?;
    assert_eq!(h[1] & 0x80, 0, "server frames are not masked");
    let len = match h[1] & 0x7F {
        126 => {
            let mut l = [0u8; 2];
            s.read_exact(&mut l).await?;
            u16::from_be_bytes(l) as usize
        }
        127 => {
            let mut l = [0u8; 8];
            s.read_exact(&mut l).await?;
            u64::from_be_bytes(l) as usize
        }
        n => n as usize,
    };
    let mut payload = vec![0u8; len];
    s.read_exact(&mut payload).await?;
    Ok((h[0], payload))
}

/// Reads until a text frame that contains `needle`.
async fn read_text_with(s: &mut TcpStream, needle: &str) -> String {
    tokio::time::timeout(RECV_TIMEOUT, async {
        loop {
            let (first, payload) = read_frame(s).await.expect("connection ended");
            let t = String::from_utf8_lossy(&payload).to_string();
            if first == 0x81 && t.contains(needle) {
                return t;
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no text frame with {needle}"))
}

/// Reads until the server's Close frame; its payload's code (`None` for an
/// empty Close). Panics when the connection ends without one.
async fn close_code(s: &mut TcpStream, what: &str) -> Option<u16> {
    let got = tokio::time::timeout(RECV_TIMEOUT, async {
        loop {
            match read_frame(s).await {
                Ok((0x88, payload)) => {
                    return Ok(
                        (payload.len() >= 2).then(|| u16::from_be_bytes([payload[0], payload[1]]))
                    );
                }
                Ok(_) => {}
                Err(e) => return Err(e),
            }
        }
    })
    .await;
    match got {
        Ok(Ok(code)) => code,
        Ok(Err(e)) => panic!("{what}: the connection ended without a Close frame ({e})"),
        Err(_) => panic!("{what}: no Close frame within {RECV_TIMEOUT:?}"),
    }
}

/// After the close handshake the server ends the connection: a clean end
/// of stream, no further frame, no reset.
async fn assert_ends(s: &mut TcpStream, what: &str) {
    let mut buf = [0u8; 64];
    match tokio::time::timeout(RECV_TIMEOUT, s.read(&mut buf)).await {
        Ok(Ok(0)) => {}
        Ok(Ok(n)) => panic!("{what}: {n} more bytes after the Close: {:?}", &buf[..n]),
        Ok(Err(e)) => panic!("{what}: the connection broke instead of ending: {e}"),
        Err(_) => panic!("{what}: the server kept the connection open after the Close"),
    }
}

/// A phone joined over a raw connection, with its `welcome` and `state` read.
async fn raw_phone(server: &TestServer, code: &str, name: &str) -> TcpStream {
    let s = TcpStream::connect(addr(server)).await.unwrap();
    join_on(server, code, name, s).await
}

/// A connection whose kernel buffers are `size` bytes (receive or send),
/// so that the kernel soon takes no more.
async fn small_buffered(server: &TestServer, receive: bool, size: u32) -> TcpStream {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    if receive {
        socket.set_recv_buffer_size(size).unwrap();
    } else {
        socket.set_send_buffer_size(size).unwrap();
    }
    socket.connect(addr(server).parse().unwrap()).await.unwrap()
}

/// Upgrades `s` and joins `name` on it.
async fn join_on(server: &TestServer, code: &str, name: &str, mut s: TcpStream) -> TcpStream {
    upgrade(server, code, &mut s).await;
    s.write_all(&text(json!({"type":"join","name":name})))
        .await
        .unwrap();
    read_text_with(&mut s, "\"welcome\"").await;
    read_text_with(&mut s, "\"state\"").await;
    s
}

async fn raw_host(server: &TestServer, code: &str, key: &str) -> TcpStream {
    let mut s = raw(server, code).await;
    s.write_all(&text(json!({"type":"hello","key":key})))
        .await
        .unwrap();
    read_text_with(&mut s, "\"state\"").await;
    s
}

async fn game() -> (Roster, TestServer, String, String) {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().in_process());
    let (code, key) = create_room(&server, json!({})).await;
    (roster, server, code, key)
}

#[tokio::test]
async fn a_clients_close_gets_a_close_back_with_its_code() {
    let (_r, server, code, key) = game().await;
    for close_with in [
        1000, 1001, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999,
    ] {
        let mut phone = raw_phone(&server, &code, &format!("P{close_with}")).await;
        phone.write_all(&close(close_with, "bye")).await.unwrap();
        let what = format!("a phone closing with {close_with}");
        assert_eq!(
            close_code(&mut phone, &what).await,
            Some(close_with),
            "{what}"
        );
        assert_ends(&mut phone, &what).await;
    }
    // A host screen, a socket that has not said hello yet, an empty Close.
    let mut host = raw_host(&server, &code, &key).await;
    host.write_all(&close(1001, "")).await.unwrap();
    assert_eq!(close_code(&mut host, "host").await, Some(1001));
    assert_ends(&mut host, "host").await;
    let mut stranger = raw(&server, &code).await;
    stranger.write_all(&frame(0x88, b"")).await.unwrap();
    assert_eq!(close_code(&mut stranger, "empty close").await, None);
    assert_ends(&mut stranger, "empty close").await;
}

#[tokio::test]
async fn a_close_with_a_code_no_one_may_send_gets_1002() {
    let (_r, server, code, _key) = game().await;
    for bad in [0u16, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000] {
        let mut phone = raw_phone(&server, &code, &format!("P{bad}")).await;
        phone.write_all(&close(bad, "")).await.unwrap();
        let what = format!("a close with {bad}");
        assert_eq!(close_code(&mut phone, &what).await, Some(1002), "{what}");
        assert_ends(&mut phone, &what).await;
    }
    // A one-byte close payload, and a reason that is not UTF-8.
    let mut s = raw_phone(&server, &code, "Short").await;
    s.write_all(&frame(0x88, &[3])).await.unwrap();
    assert_eq!(close_code(&mut s, "one-byte close").await, Some(1002));
    let mut s = raw_phone(&server, &code, "Latin").await;
    s.write_all(&frame(0x88, &[3, 232, 0xFF, 0xFE]))
        .await
        .unwrap();
    assert_eq!(close_code(&mut s, "non-UTF-8 reason").await, Some(1007));
}

#[tokio::test]
async fn protocol_errors_close_with_1002() {
    let (_r, server, code, _key) = game().await;
    let ping = br#"{"type":"ping"}"#;
    let unmasked = {
        let mut f = frame_head(0x81, ping.len(), false);
        f.extend_from_slice(ping);
        f
    };
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("RSV1 set", frame(0xC1, ping)),
        ("RSV2 set", frame(0xA1, ping)),
        ("RSV3 set", frame(0x91, ping)),
        ("reserved data opcode 3", frame(0x83, ping)),
        ("reserved control opcode 0xB", frame(0x8B, b"")),
        ("fragmented ping", frame(0x09, b"hi")),
        ("126-byte ping", frame(0x89, &[b'p'; 126])),
        ("unmasked frame", unmasked),
        ("continuation with nothing to continue", frame(0x80, b"x")),
        (
            "a new message inside a fragmented one",
            [frame(0x01, b"{"), frame(0x81, ping)].concat(),
        ),
    ];
    for (i, (what, bytes)) in cases.into_iter().enumerate() {
        let mut phone = raw_phone(&server, &code, &format!("Pat{i}")).await;
        phone.write_all(&bytes).await.unwrap();
        assert_eq!(close_code(&mut phone, what).await, Some(1002), "{what}");
        // The server may end it at once (RFC 6455 §7.1.7), but cleanly.
        phone.write_all(&close(1002, "")).await.unwrap();
        assert_ends(&mut phone, what).await;
    }
    // Before hello too.
    let mut stranger = raw(&server, &code).await;
    stranger.write_all(&frame(0xC1, ping)).await.unwrap();
    assert_eq!(close_code(&mut stranger, "stranger").await, Some(1002));
}

#[tokio::test]
async fn text_that_is_not_utf8_closes_with_1007() {
    let (_r, server, code, _key) = game().await;
    let whole = frame(0x81, &[b'{', 0xC3, 0x28, b'}']);
    let fragmented = [frame(0x01, b"{\"type\":"), frame(0x80, &[0xF0, 0x28, 0x8C])].concat();
    for (what, bytes) in [("whole", whole), ("fragmented", fragmented)] {
        let mut phone = raw_phone(&server, &code, what).await;
        phone.write_all(&bytes).await.unwrap();
        assert_eq!(close_code(&mut phone, what).await, Some(1007), "{what}");
    }
}

#[tokio::test]
async fn binary_messages_get_bad_message_and_over_4k_close_with_1009() {
    let (_r, server, code, _key) = game().await;
    let mut phone = raw_phone(&server, &code, "Bin").await;
    phone.write_all(&frame(0x82, &[1, 2, 3])).await.unwrap();
    let error = read_text_with(&mut phone, "\"error\"").await;
    assert!(error.contains("bad_message"), "{error}");
    phone
        .write_all(&text(json!({"type":"ping"})))
        .await
        .unwrap();
    read_text_with(&mut phone, "\"pong\"").await;

    phone.write_all(&frame(0x82, &[0u8; 5000])).await.unwrap();
    assert_eq!(close_code(&mut phone, "5,000 bytes").await, Some(1009));
    // So is one sent in fragments.
    let mut phone = raw_phone(&server, &code, "Frag").await;
    let parts = [frame(0x02, &[0u8; 3000]), frame(0x80, &[0u8; 3000])].concat();
    phone.write_all(&parts).await.unwrap();
    assert_eq!(
        close_code(&mut phone, "fragmented 6,000 bytes").await,
        Some(1009)
    );
}

#[tokio::test]
async fn a_frame_over_64k_gets_a_1009_the_client_can_read() {
    let (_r, server, code, _key) = game().await;
    // A client that writes its whole (far too big) message, then its
    // Close, and only then reads: the server refuses the frame long
    // before the client is done sending it (small buffers on the way).
    let small = small_buffered(&server, false, 16 * 1024).await;
    let mut phone = join_on(&server, &code, "Big", small).await;
    let payload = vec![b'x'; 600 * 1024];
    let big = [frame(0x81, &payload), close(1000, "")].concat();
    let sent = tokio::time::timeout(RECV_TIMEOUT, phone.write_all(&big)).await;
    assert!(
        matches!(sent, Ok(Ok(()))),
        "the server stopped reading mid-frame: {sent:?}"
    );
    assert_eq!(close_code(&mut phone, "a 600 KiB frame").await, Some(1009));
    assert_ends(&mut phone, "a 600 KiB frame").await;
}

#[tokio::test]
async fn handshakes_that_are_not_rfc_6455_get_the_status_it_asks_for() {
    let (_r, server, code, _key) = game().await;
    let mut cases: Vec<(&str, Vec<&str>, u16, Option<&str>)> = Vec::new();
    let without = |name: &str| -> Vec<&'static str> {
        GOOD_HEADERS
            .iter()
            .copied()
            .filter(|h| !h.starts_with(name))
            .collect()
    };
    let with = |name: &str, line: &'static str| -> Vec<&'static str> {
        let mut h = without(name);
        h.push(line);
        h
    };
    cases.push((
        "version 8",
        with("Sec-WebSocket-Version", "Sec-WebSocket-Version: 8"),
        426,
        Some("sec-websocket-version: 13"),
    ));
    cases.push((
        "no Upgrade header",
        without("Upgrade"),
        426,
        Some("upgrade: websocket"),
    ));
    for key in [
        "Sec-WebSocket-Key: abc",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25j",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZSE=",
        "Sec-WebSocket-Key: ********************====",
    ] {
        cases.push((key, with("Sec-WebSocket-Key", key), 400, None));
    }
    for (what, headers, status, header) in cases {
        let mut s = TcpStream::connect(addr(&server)).await.unwrap();
        let (got, head) = handshake(&mut s, &upgrade_request(&server, &code, &headers)).await;
        assert_eq!(got, status, "{what}: {head}");
        if let Some(header) = header {
            assert!(
                head.to_ascii_lowercase().contains(header),
                "{what}: no `{header}` in {head}"
            );
        }
    }
}

/// Reads whatever comes until the connection ends; how long that took, or
/// `None` if it is still open at `limit`. A Close frame's code is noted.
async fn time_to_end(s: &mut TcpStream, limit: Duration) -> (Option<Duration>, Option<u16>) {
    let started = Instant::now();
    let mut code = None;
    let ended = tokio::time::timeout(limit, async {
        loop {
            match read_frame(s).await {
                Ok((0x88, p)) if p.len() >= 2 => code = Some(u16::from_be_bytes([p[0], p[1]])),
                Ok(_) => {}
                Err(_) => break,
            }
        }
    })
    .await;
    (ended.ok().map(|_| started.elapsed()), code)
}

#[tokio::test]
async fn a_ping_flood_before_hello_is_cut_off_at_once() {
    let (_r, server, code, _key) = game().await;
    let mut s = raw(&server, &code).await;
    let pings: Vec<u8> = (0..200).flat_map(|_| frame(0x89, &[b'p'; 125])).collect();
    let _ = s.write_all(&pings).await;
    let (took, close) = time_to_end(&mut s, Duration::from_secs(3)).await;
    assert!(took.is_some(), "200 pings at once did not end the socket");
    assert_eq!(close, Some(1008), "the flood is told why");
}

#[tokio::test]
async fn pings_and_fragments_count_against_the_rate_limit() {
    let (_r, server, code, _key) = game().await;
    // Empty continuation frames after a started message, from a phone.
    let mut phone = raw_phone(&server, &code, "Flo").await;
    let mut flood = frame(0x01, b"{");
    for _ in 0..5000 {
        flood.extend(frame(0x00, b""));
    }
    let _ = phone.write_all(&flood).await;
    let (took, close) = time_to_end(&mut phone, Duration::from_secs(3)).await;
    assert!(
        took.is_some(),
        "an empty-fragment flood did not end the socket"
    );
    assert_eq!(close, Some(1008));
}

#[tokio::test]
async fn pings_at_ten_a_second_stay_within_the_limit_for_ever() {
    let (_r, server, code, _key) = clocked_game().await;
    let mut steady = raw_phone(&server, &code, "Pam").await;
    // 300 pings, one every 100 ms of the server's clock (each answered
    // before the next): each earns back the token it spends, so the burst
    // of 20 is never drawn down (at 9 a second it would be gone by the
    // 200th, and the message after them refused).
    for i in 0..300 {
        steady.write_all(&frame(0x89, b"p")).await.unwrap();
        let pong = tokio::time::timeout(RECV_TIMEOUT, async {
            loop {
                match read_frame(&mut steady).await {
                    Ok((0x8A, _)) => return,
                    Ok(_) => {}
                    Err(e) => panic!("ping {i}: the connection ended ({e})"),
                }
            }
        })
        .await;
        assert!(pong.is_ok(), "ping {i} at {} ms got no pong", i * 100);
        server.skip(ms(100));
    }
    // And a message right after them is still within the limit.
    steady
        .write_all(&text(json!({"type":"ping"})))
        .await
        .unwrap();
    read_text_with(&mut steady, "\"pong\"").await;
}

#[tokio::test]
async fn the_hello_deadline_holds_whatever_the_socket_sends() {
    // The server's clock stands still and is skipped, not waited for.
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().test_clock());
    let (code, _key) = create_room(&server, json!({})).await;
    let mut s = raw_ready(&server, &code).await;
    // A ping every second, and never a hello.
    for _ in 0..14 {
        s.write_all(&frame(0x89, b"hi")).await.unwrap();
        server.skip(Duration::from_secs(1));
    }
    s.write_all(&frame(0x89, b"hi")).await.unwrap();
    open_then_1008(&server, &mut s, ms(999), "pinging, no hello, at 15 s").await;
}

/// Skips `below`, checks `s` is still open, then skips the last 1 ms and
/// checks it is closed with 1008: `what` names that moment.
async fn open_then_1008(server: &TestServer, s: &mut TcpStream, below: Duration, what: &str) {
    server.skip(below);
    assert_open_for(s, ms(300), &format!("{what}, 1 ms before")).await;
    server.skip(ms(1));
    assert_eq!(close_code(s, what).await, Some(1008), "{what}");
}

/// Reads for `d` of real time: no Close frame and no end of the connection.
async fn assert_open_for(s: &mut TcpStream, d: Duration, what: &str) {
    let _ = tokio::time::timeout(d, async {
        loop {
            match read_frame(s).await {
                Ok((0x88, p)) => panic!("{what}: a Close frame {p:?}"),
                Ok(_) => {}
                Err(e) => panic!("{what}: the connection ended ({e})"),
            }
        }
    })
    .await;
}

/// A stopped server clock and a room created at 0 s on it; a phone that
/// is the only socket of its room is the first of its fan-out shard, so
/// the server looks at it (keep-alive) at 10, 20, 30… s.
async fn clocked_game() -> (Roster, TestServer, String, String) {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().test_clock());
    let (code, key) = create_room(&server, json!({})).await;
    (roster, server, code, key)
}

/// The server's `yearbook_{what}_connected` metric.
async fn connected(server: &TestServer, what: &str) -> String {
    let metrics = server.get("/metrics").await.text().await.unwrap();
    let prefix = format!("yearbook_{what}_connected ");
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(prefix.as_str()))
        .map(|n| n.trim().to_string())
        .unwrap_or_else(|| panic!("no {prefix} in /metrics"))
}

/// Waits (real time, briefly) until the metric reads `want`.
async fn until_connected(server: &TestServer, what: &str, want: &str, when: &str) {
    let started = Instant::now();
    while connected(server, what).await != want {
        assert!(
            started.elapsed() < RECV_TIMEOUT,
            "{when}: {what} connected is not {want}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Waits (real time) until the kernel's receive queue of `s` has stopped
/// growing for 200 ms, then for the server's kernel to hear of it (its
/// zero-window probe, a few hundred ms on): what the client has
/// acknowledged then stays put while the test skips the clock.
async fn kernel_settled(s: &TcpStream) {
    let mut buf = vec![0u8; 1 << 16];
    let started = Instant::now();
    let (mut last, mut since) = (0, Instant::now());
    while since.elapsed() < ms(200) {
        let n = s.peek(&mut buf).await.unwrap();
        if n != last {
            (last, since) = (n, Instant::now());
        }
        assert!(started.elapsed() < RECV_TIMEOUT, "the kernel never settled");
        tokio::time::sleep(ms(10)).await;
    }
    tokio::time::sleep(ms(500)).await;
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[tokio::test]
async fn a_phone_that_takes_no_bytes_is_closed_10_s_after_a_look_sees_it() {
    let (_r, server, code, key) = clocked_game().await;
    let mut host = raw_host(&server, &code, &key).await;
    // A small receive window, so the phone's kernel soon takes no more.
    let mut slow = small_buffered(&server, true, 2048).await;
    upgrade(&server, &code, &mut slow).await;
    slow.write_all(&text(json!({"type":"join","name":"Sly"})))
        .await
        .unwrap();
    // (The host's lobby update waits for the clock: coalesced.)
    until_connected(&server, "players", "1", "Sly joined").await;
    // Rounds give the phone more than its window, at 0 s, while it reads
    // nothing.
    for _ in 0..8 {
        host.write_all(&text(json!({"type":"start_round"})))
            .await
            .unwrap();
        read_text_with(&mut host, "\"round\"").await;
        host.write_all(&text(json!({"type":"reveal"})))
            .await
            .unwrap();
        read_text_with(&mut host, "\"reveal\"").await;
    }
    // The host leaves, so the phone is the first socket of its shard.
    host.write_all(&close(1000, "")).await.unwrap();
    drop(host);
    until_connected(&server, "hosts", "0", "the host left").await;
    kernel_settled(&slow).await;
    // It keeps sending (unsolicited pongs, which get no answer), so it is
    // never silent; the look at 10 s sees it take nothing, the one at
    // 20 s closes it.
    for _ in 0..19 {
        slow.write_all(&frame(0x8A, b"alive")).await.unwrap();
        server.skip(Duration::from_secs(1));
    }
    slow.write_all(&frame(0x8A, b"alive")).await.unwrap();
    server.skip(ms(999));
    tokio::time::sleep(ms(300)).await;
    assert_eq!(
        connected(&server, "players").await,
        "1",
        "at 19.999 s: 9.999 s after the look that saw it stalled"
    );
    server.skip(ms(1));
    until_connected(&server, "players", "0", "at 20 s, 10 s after that look").await;
    // Never half a frame followed by more frames: reading what was sent
    // gives whole frames, then the connection's end.
    let mut frames = 0;
    loop {
        match tokio::time::timeout(RECV_TIMEOUT, read_frame(&mut slow)).await {
            Ok(Ok((0x81 | 0x8A, _))) => frames += 1,
            Ok(Ok(other)) => panic!("unexpected frame {other:?}"),
            Ok(Err(_)) => break,
            Err(_) => panic!("the connection is still open"),
        }
    }
    assert!(frames > 0);
}

/// `{"type":"ping"}` answered: the server heard from the phone now.
async fn heard_from(s: &mut TcpStream) {
    s.write_all(&text(json!({"type":"ping"}))).await.unwrap();
    read_text_with(s, "\"pong\"").await;
}

/// Reads until the server's ping; panics on a Close or the end.
async fn pinged(s: &mut TcpStream, what: &str) {
    let got = tokio::time::timeout(RECV_TIMEOUT, async {
        loop {
            match read_frame(s).await {
                Ok((0x89, _)) => return,
                Ok((0x88, p)) => panic!("{what}: a Close frame {p:?} instead of a ping"),
                Ok(_) => {}
                Err(e) => panic!("{what}: the connection ended ({e}) instead of a ping"),
            }
        }
    })
    .await;
    assert!(got.is_ok(), "{what}: no ping");
}

/// Reads for `d` of real time: no ping, no Close, no end.
async fn assert_not_pinged_for(s: &mut TcpStream, d: Duration, what: &str) {
    let _ = tokio::time::timeout(d, async {
        loop {
            match read_frame(s).await {
                Ok((0x89, _)) => panic!("{what}: pinged"),
                Ok((0x88, p)) => panic!("{what}: a Close frame {p:?}"),
                Ok(_) => {}
                Err(e) => panic!("{what}: the connection ended ({e})"),
            }
        }
    })
    .await;
}

#[tokio::test]
async fn a_phone_that_answers_nothing_is_pinged_then_closed_once_silent_25_s() {
    let (_r, server, code, _key) = clocked_game().await;
    // Joined at 0 s; it never answers a ping.
    let mut phone = raw_phone(&server, &code, "Mute").await;
    // Heard from at 5.001 s: at the look at 10 s it has been silent for
    // 4.999 s, under the 5 s that earn a ping.
    server.skip(ms(5001));
    heard_from(&mut phone).await;
    server.skip(ms(4999));
    assert_not_pinged_for(&mut phone, ms(300), "silent 4.999 s at the 10 s look").await;
    server.skip(Duration::from_secs(10));
    pinged(&mut phone, "silent 14.999 s at the 20 s look").await;
    server.skip(Duration::from_secs(10));
    pinged(
        &mut phone,
        "silent 24.999 s at the 30 s look: pinged, not closed",
    )
    .await;
    // Heard from at 35 s: silent exactly 5 s at the look at 40 s.
    server.skip(Duration::from_secs(5));
    heard_from(&mut phone).await;
    server.skip(Duration::from_secs(5));
    pinged(&mut phone, "silent 5 s at the 40 s look").await;
    server.skip(Duration::from_secs(10));
    pinged(&mut phone, "silent 15 s at the 50 s look").await;
    assert_eq!(connected(&server, "players").await, "1");
    // Silent 25 s at the look at 60 s: the connection ends, without a
    // Close frame (a phone that answers nothing would not read it).
    server.skip(Duration::from_secs(10));
    let end = tokio::time::timeout(RECV_TIMEOUT, async {
        loop {
            match read_frame(&mut phone).await {
                Ok((0x88, p)) => panic!("a Close frame {p:?}: the contract says none"),
                Ok(_) => {}
                Err(e) => return e,
            }
        }
    })
    .await
    .expect("silent 25 s at the 60 s look, and still open");
    assert_eq!(
        end.kind(),
        std::io::ErrorKind::UnexpectedEof,
        "a clean end of the connection: {end}"
    );
    until_connected(&server, "players", "0", "after the silent close").await;
}

/// The next text frame's text.
async fn next_text(s: &mut TcpStream) -> String {
    tokio::time::timeout(RECV_TIMEOUT, async {
        loop {
            match read_frame(s).await {
                Ok((0x81, p)) => return String::from_utf8_lossy(&p).into_owned(),
                Ok(_) => {}
                Err(e) => panic!("the connection ended ({e})"),
            }
        }
    })
    .await
    .expect("a text frame")
}

/// A throw-away phone's `join` from the test's address: whether it got in.
async fn throw_away_join(server: &TestServer, code: &str, joined: &mut usize) -> bool {
    let mut s = raw(server, code).await;
    *joined += 1;
    let name = format!("Pacer{joined}");
    s.write_all(&text(json!({"type":"join","name":name})))
        .await
        .unwrap();
    !next_text(&mut s).await.contains("rate_limited")
}

/// Spends the test address's join pace, so that its next `join` is paced.
async fn spend_join_pace(server: &TestServer, code: &str, joined: &mut usize) {
    while throw_away_join(server, code, joined).await {}
    // Paced now, but a token may be about to come back (5 a second of real
    // time, while the pace follows it): join until one gets in, leaving
    // none. A pace on the stopped clock gives none back: no wait then.
    let started = Instant::now();
    while started.elapsed() < ms(400) && !throw_away_join(server, code, joined).await {}
}

/// A `join` on `s` that the pace refuses (the socket stays open).
async fn paced_join(server: &TestServer, code: &str, s: &mut TcpStream, joined: &mut usize) {
    spend_join_pace(server, code, joined).await;
    s.write_all(&text(json!({"type":"join","name":"Sam"})))
        .await
        .unwrap();
    let answer = next_text(s).await;
    assert!(answer.contains("rate_limited"), "not paced: {answer}");
}

#[tokio::test]
async fn a_paced_join_extends_the_hello_deadline_15_s_but_never_past_60_s() {
    let (_r, server, code, _key) = clocked_game().await;
    let mut joined = 0;
    // Both connect at 0 s and say nothing until a paced `join` at 14 s.
    let mut once = raw_ready(&server, &code).await;
    let mut again = raw_ready(&server, &code).await;
    server.skip(Duration::from_secs(14));
    paced_join(&server, &code, &mut once, &mut joined).await;
    paced_join(&server, &code, &mut again, &mut joined).await;
    // One is paced again at 28, 42 and 56 s; the other never again.
    server.skip(Duration::from_secs(14));
    paced_join(&server, &code, &mut again, &mut joined).await;
    open_then_1008(&server, &mut once, ms(999), "paced at 14 s, at 29 s").await;
    server.skip(ms(13_000));
    paced_join(&server, &code, &mut again, &mut joined).await;
    server.skip(Duration::from_secs(14));
    paced_join(&server, &code, &mut again, &mut joined).await;
    open_then_1008(&server, &mut again, ms(3999), "paced at 56 s, at 60 s").await;
}

/// The harness's in-process server shuts down as `main` does on SIGTERM
/// when the test drops it: its sockets are told to reconnect (1012), its
/// port closes, and what the room stored is on disk.
#[tokio::test]
async fn dropping_an_in_process_server_closes_its_sockets_with_1012_and_its_port() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().in_process());
    let (code, key) = create_room(&server, json!({})).await;
    let (mut ann, _) = join(&server, &code, "Ann").await;
    let _host = connect_host(&server, &code, &key).await;
    let origin = addr(&server);
    let stopping = tokio::task::spawn_blocking(move || server.shut_down());
    assert_eq!(ann.expect_close().await, Some(1012), "server restarting");
    let dir = stopping.await.expect("the server shuts down");
    assert!(
        TcpStream::connect(&origin).await.is_err(),
        "nothing listens on {origin} once the server is dropped"
    );
    let db = rusqlite::Connection::open(dir.path().join("t.db")).unwrap();
    let joined: String = db
        .query_row("SELECT name FROM players WHERE room = ?1", [&code], |row| {
            row.get(0)
        })
        .expect("Ann's join is on disk");
    assert_eq!(joined, "Ann");
}

/// Waits for a host `lobby` listing exactly `names`.
async fn lobby_of(screen: &mut TestClient, names: &[&str]) {
    loop {
        let lobby = screen.recv_type("lobby").await;
        let listed: Vec<&str> = lobby["players"]
            .as_array()
            .expect("host lobby.players")
            .iter()
            .filter_map(|p| p["name"].as_str())
            .collect();
        if listed == names {
            return;
        }
    }
}

/// The projector, the emcee's phone remote and a reloaded projector tab are
/// all host screens of one room: each gets every host message and any of
/// them commands; opening one more never disconnects the others, and a
/// fifth at once gets `too_many_hosts` and a 1008 close.
#[tokio::test]
async fn up_to_four_host_screens_share_a_room_and_a_fifth_is_refused() {
    let (_roster, server, code, key) = game().await;
    let mut projector = connect_host(&server, &code, &key).await;
    let mut remote = connect_host(&server, &code, &key).await;
    assert_eq!(
        remote.state["phase"], "lobby",
        "the remote's state on hello"
    );
    let (mut ann, _) = join(&server, &code, "Ann").await;
    let (_bob, bob) = join(&server, &code, "Bob").await;
    for screen in [&mut projector, &mut remote] {
        lobby_of(screen, &["Ann", "Bob"]).await;
    }
    // The remote kicks; both screens see the lobby without Bob.
    remote
        .send(json!({"type":"kick","player_id":bob["player_id"]}))
        .await;
    for screen in [&mut projector, &mut remote] {
        lobby_of(screen, &["Ann"]).await;
    }
    // The remote starts, the projector follows; the round ends on the one
    // vote, and both screens see its reveal.
    remote.send(json!({"type":"start_round"})).await;
    for screen in [&mut projector, &mut remote] {
        assert_eq!(screen.recv_type("round").await["round"], 1);
    }
    ann.recv_type("round").await;
    ann.vote(1, 0).await;
    for screen in [&mut projector, &mut remote] {
        assert_eq!(screen.recv_type("reveal").await["round"], 1);
    }
    // The projector starts round 2, the remote reveals it.
    projector.send(json!({"type":"start_round"})).await;
    for screen in [&mut projector, &mut remote] {
        assert_eq!(screen.recv_type("round").await["round"], 2);
    }
    remote.send(json!({"type":"reveal"})).await;
    for screen in [&mut projector, &mut remote] {
        assert_eq!(screen.recv_type("reveal").await["round"], 2);
    }
    // A reloaded projector tab and a spare: four host screens.
    let mut reloaded = connect_host(&server, &code, &key).await;
    assert_eq!(reloaded.state["phase"], "reveal", "a late screen's state");
    let spare = connect_host(&server, &code, &key).await;
    let mut fifth = TestClient::connect(&server, &code, "fifth host").await;
    fifth.send(json!({"type":"hello","key":key})).await;
    assert_eq!(fifth.recv_error().await, "too_many_hosts");
    assert_eq!(fifth.expect_close().await, Some(1008), "fifth host screen");
    // Nobody was pushed out: each of the four still commands and hears.
    reloaded.send(json!({"type":"end_game"})).await;
    for screen in [&mut projector, &mut remote, &mut reloaded] {
        screen.recv_type("game_over").await;
    }
    // One closes; its place is free again.
    spare.close().await;
    let mut again = TestClient::connect(&server, &code, "again").await;
    for attempt in 0.. {
        again.send(json!({"type":"hello","key":key})).await;
        match again.recv_significant().await {
            v if v["type"] == "state" => break,
            v if v["code"] == "too_many_hosts" && attempt < 20 => {
                // The server may not have seen the close yet.
                again = TestClient::connect(&server, &code, "again").await;
                tokio::time::sleep(ms(50)).await;
            }
            v => panic!("a host screen after one closed: {v}"),
        }
    }
    projector.send(json!({"type":"ping"})).await;
    projector.recv_type("pong").await;
}
