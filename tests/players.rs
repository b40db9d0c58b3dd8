//! Abuse that must cost the abuser, not the room (issue 16 §4): throw-away
//! joins that would fill a room, look-alike and invisible nicknames. Every
//! client here comes from one address (127.0.0.1), like guests behind a
//! venue's router, so the honest cases prove the limits leave them room.

mod common;

use std::time::Duration;

use common::*;
use serde_json::{Value, json};

/// Sends `join` as `name` and returns the answer: `welcome` or `error`.
async fn try_join(c: &mut TestClient, name: &str) -> Value {
    c.send(json!({"type":"join","name":name})).await;
    c.recv_significant().await
}

/// Moves the server's clock on by `total`, in steps of at most 4 s after
/// each of which `screen` says `ping`: a WebSocket silent for 25 s is
/// closed, and the screen must stay to see what the time does. Steps under
/// the 5 s after which the server pings: with 10 s steps the host's socket
/// was closed in about 1 run of 8 (to be looked into: the skipped clock
/// and the server's pings).
async fn skip_talking(server: &TestServer, screen: &mut TestClient, total: Duration) {
    let step = Duration::from_secs(4);
    let mut left = total;
    while !left.is_zero() {
        let by = left.min(step);
        server.skip(by);
        left -= by;
        screen.send(json!({"type":"ping"})).await;
        screen.recv_type("pong").await;
    }
}

/// Joins, then drops the socket: a throw-away player. Returns the answer.
async fn throw_away(server: &TestServer, code: &str, name: &str) -> Value {
    let mut c = TestClient::connect(server, code, name).await;
    let v = try_join(&mut c, name).await;
    c.close().await;
    v
}

/// Reads the host's `lobby` messages until one has `count` players.
async fn lobby_with(host: &mut TestClient, count: u64) -> Value {
    loop {
        let v = host.recv_type("lobby").await;
        if v["count"] == count {
            return v;
        }
    }
}

#[tokio::test]
async fn a_hundred_and_fifty_throw_away_joins_do_not_keep_a_guest_out() {
    // The clock stands still: the pace's burst is all there is, exactly.
    let server = TestServer::builder().max_players(100).test_clock().start();
    let (code, _key) = create_room(&server, json!({})).await;
    // Ten lanes of fifteen cycles: as fast as a script, even on a busy machine.
    let lanes = (0..10).map(|lane| {
        let (server, code) = (&server, &code);
        async move {
            let mut answers = Vec::new();
            for i in 0..15 {
                let name = format!("Filler {lane}-{i}");
                answers.push(throw_away(server, code, &name).await);
            }
            answers
        }
    });
    let (mut welcomed, mut paced) = (0, 0);
    for v in futures_util::future::join_all(lanes).await.concat() {
        match (v["type"].as_str(), v["code"].as_str()) {
            (Some("welcome"), _) => welcomed += 1,
            (Some("error"), Some("rate_limited")) => paced += 1,
            _ => panic!("a throw-away join: {v}"),
        }
    }
    assert_eq!(
        (welcomed, paced),
        (60, 90),
        "joins from one address: 60 at once, the rest paced"
    );
    // The guest shares the filler's address: it waits its turn, 1/5 s.
    let mut guest = TestClient::connect(&server, &code, "guest").await;
    let v = try_join(&mut guest, "Real Guest").await;
    assert_eq!(v["code"], "rate_limited", "{v}");
    server.skip(Duration::from_millis(199));
    let v = try_join(&mut guest, "Real Guest").await;
    assert_eq!(v["code"], "rate_limited", "at 199 ms: {v}");
    server.skip(Duration::from_millis(1));
    let v = try_join(&mut guest, "Real Guest").await;
    assert_eq!(v["type"], "welcome", "at 200 ms, after 60 throw-aways: {v}");
}

#[tokio::test]
async fn throw_away_players_from_one_network_hold_at_most_twenty_seats() {
    // Seats are held for the whole test: only the per-network cap frees them.
    let server = TestServer::builder().in_process().max_players(22).start();
    let (code, key) = create_room(&server, json!({})).await;
    let mut host = connect_host(&server, &code, &key).await;
    let (_stays, _) = join(&server, &code, "Stays Connected").await;
    // 40 join-and-leave cycles, within the join pacing's burst of 60.
    for i in 0..40 {
        let v = throw_away(&server, &code, &format!("Filler {i}")).await;
        assert_eq!(v["type"], "welcome", "throw-away {i}: {v}");
    }
    // The oldest fillers went first; the newest 20 still hold their seats.
    let names = loop {
        let lobby = host.recv_type("lobby").await;
        let names: Vec<String> = lobby["players"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["name"].as_str().map(String::from))
            .collect();
        if names.iter().any(|n| n == "Filler 39") {
            assert_eq!(lobby["count"], 21, "{lobby}");
            break names;
        }
    };
    let fillers: Vec<&String> = names.iter().filter(|n| n.starts_with("Filler")).collect();
    let newest: Vec<String> = (20..40).map(|i| format!("Filler {i}")).collect();
    assert_eq!(fillers, newest.iter().collect::<Vec<_>>());
    let (_, v) = server.get_json(&format!("/api/rooms/{code}")).await;
    assert_eq!(v["players"], 21, "20 held seats and the connected one: {v}");
    let mut guest = TestClient::connect(&server, &code, "guest").await;
    let v = try_join(&mut guest, "Real Guest").await;
    assert_eq!(v["type"], "welcome", "{v}");
}

#[tokio::test]
async fn seats_of_players_who_left_without_playing_lapse_and_resume_only_if_free() {
    let server = TestServer::builder().max_players(3).test_clock().start();
    let (code, key) = create_room(&server, json!({})).await;
    let mut host = connect_host(&server, &code, &key).await;
    let mut tokens = Vec::new();
    for name in ["Filler A", "Filler B", "Filler C"] {
        let v = throw_away(&server, &code, name).await;
        assert_eq!(v["type"], "welcome", "{v}");
        tokens.push(v["token"].as_str().unwrap().to_string());
    }
    let mut late = TestClient::connect(&server, &code, "late").await;
    let v = try_join(&mut late, "Too Early").await;
    assert_eq!(v["code"], "room_full", "seats are held for a while: {v}");
    // `lobby` goes out at most every 200 ms: its next one is due then.
    server.skip(Duration::from_millis(200));
    lobby_with(&mut host, 3).await;

    // Held for 2 minutes: full at 1:59.999…
    skip_talking(&server, &mut host, Duration::from_millis(119_799)).await;
    let mut late = TestClient::connect(&server, &code, "late").await;
    let v = try_join(&mut late, "Too Early").await;
    assert_eq!(v["code"], "room_full", "at 1:59.999: {v}");
    // …and at 2:00 the host's list is empty again, by itself.
    server.skip(Duration::from_millis(1));
    let lobby = lobby_with(&mut host, 0).await;
    assert_eq!(lobby["players"], json!([]), "{lobby}");
    let (_guest, _) = join(&server, &code, "Real Guest").await;
    // A lapsed player whose seat is still free comes back as itself.
    let (_a, w) = resume(&server, &code, &tokens[0], "filler a").await;
    assert_eq!(w["name"], "Filler A");
    let (_third, _) = join(&server, &code, "Third Guest").await;
    // The room is full again: the next lapsed player must join again.
    let mut b = TestClient::connect(&server, &code, "filler b").await;
    b.send(json!({"type":"resume","token":tokens[1]})).await;
    assert_eq!(b.recv_error().await, "unknown_token");
    let (_, v) = server.get_json(&format!("/api/rooms/{code}")).await;
    assert_eq!(v["players"], 3, "{v}");
}

#[tokio::test]
async fn two_hundred_phones_from_one_address_join_within_twenty_eight_seconds() {
    let server = TestServer::builder().test_clock().start();
    let (code, _key) = create_room(&server, json!({})).await;
    // Everyone asks at once: 60 get in, the others are paced.
    let asked = futures_util::future::join_all((0..200).map(|i| {
        let (server, code) = (&server, &code);
        async move {
            let name = format!("Guest {i}");
            let mut c = TestClient::connect(server, code, &name).await;
            let v = try_join(&mut c, &name).await;
            (name, c, v)
        }
    }))
    .await;
    let (mut inside, mut waiting) = (Vec::new(), Vec::new());
    for (name, c, v) in asked {
        match (v["type"].as_str(), v["code"].as_str()) {
            (Some("welcome"), _) => inside.push(c),
            (Some("error"), Some("rate_limited")) => waiting.push((name, c)),
            _ => panic!("{name}: {v}"),
        }
    }
    assert_eq!(inside.len(), 60, "60 at once");
    // Then 5 a second, each phone asking again as the page does.
    for second in 1..=28 {
        server.skip(Duration::from_secs(1));
        // Those inside say something: a silent socket is closed at 25 s.
        for c in &mut inside {
            c.send(json!({"type":"ping"})).await;
        }
        let mut still = Vec::new();
        for (name, mut c) in waiting {
            let v = try_join(&mut c, &name).await;
            match (v["type"].as_str(), v["code"].as_str()) {
                (Some("welcome"), _) => inside.push(c),
                (Some("error"), Some("rate_limited")) => still.push((name, c)),
                _ => panic!("{name} at {second} s: {v}"),
            }
        }
        waiting = still;
        assert_eq!(inside.len(), 60 + 5 * second, "joined by {second} s");
    }
    assert!(waiting.is_empty());
    let (_, v) = server.get_json(&format!("/api/rooms/{code}")).await;
    assert_eq!(v["players"], 200, "{v}");
    drop(inside);
}

#[tokio::test]
async fn the_host_removes_every_disconnected_player_at_once_and_phones_cannot() {
    let server = TestServer::builder().in_process().start();
    let (code, key) = create_room(&server, json!({})).await;
    let mut host = connect_host(&server, &code, &key).await;
    let (mut stays, _) = join(&server, &code, "Stays").await;
    let gone = throw_away(&server, &code, "Gone").await;
    let (left, _) = join(&server, &code, "Left").await;
    left.close().await;

    stays.send(json!({"type":"remove_disconnected"})).await;
    assert_eq!(stays.recv_error().await, "not_host");

    host.send(json!({"type":"remove_disconnected"})).await;
    let lobby = lobby_with(&mut host, 1).await;
    assert_eq!(lobby["players"][0]["name"], "Stays", "{lobby}");
    let mut back = TestClient::connect(&server, &code, "gone").await;
    back.send(json!({"type":"resume","token":gone["token"]}))
        .await;
    assert_eq!(back.recv_error().await, "unknown_token");
    // The names are free again.
    join(&server, &code, "Gone").await;

    host.send(json!({"type":"start_round"})).await;
    host.recv_type("round").await;
    host.send(json!({"type":"remove_disconnected"})).await;
    assert_eq!(host.recv_error().await, "wrong_phase", "lobby only");
}

#[tokio::test]
async fn look_alike_invisible_and_zalgo_names_are_refused() {
    let server = TestServer::builder().in_process().start();
    let (code, _key) = create_room(&server, json!({})).await;
    let (_alice, _) = join(&server, &code, "Alice").await;
    let (_jose, w) = join(&server, &code, "José Núñez").await;
    assert_eq!(w["name"], "José Núñez");
    let (_wide, _) = join(&server, &code, &"漢".repeat(12)).await;
    for (name, expected) in [
        ("\u{0410}lice", "name_taken"),
        ("\u{0391}LICE", "name_taken"),
        ("\u{2800}", "bad_name"),
        ("\u{2800}\u{2800}\u{2800}", "bad_name"),
        ("\u{3164}", "bad_name"),
        ("\u{115F}\u{1160}", "bad_name"),
        ("A\u{200D}l", "bad_name"),
        ("Z\u{0351}\u{0346}\u{0300}\u{0315}algo", "bad_name"),
        ("fu\u{0441}k", "bad_name"),
        (&"漢".repeat(13), "bad_name"),
    ] {
        let mut c = TestClient::connect(&server, &code, "joiner").await;
        c.send(json!({"type":"join","name":name})).await;
        assert_eq!(c.recv_error().await, expected, "join as {name:?}");
    }
    let (_, v) = server.get_json(&format!("/api/rooms/{code}")).await;
    assert_eq!(v["players"], 3, "refused joins add no player: {v}");
}
