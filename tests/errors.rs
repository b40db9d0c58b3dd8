//! Every error the contract names, over WebSocket and HTTP; after each one
//! the server and the other clients carry on.

mod common;

use std::time::Duration;

use common::*;
use serde_json::{Value, json};

/// A server on the standard roster and a room with a connected host.
async fn room(b: ServerBuilder, body: Value) -> (Roster, TestServer, String, String, TestClient) {
    let roster = standard_roster();
    let server = server_with(&roster, b);
    let (code, key, host, []) = room_with(&server, body, []).await;
    (roster, server, code, key, host)
}

async fn pong(c: &mut TestClient) {
    c.send(json!({"type":"ping"})).await;
    c.recv_type("pong").await;
}

#[tokio::test]
async fn malformed_and_unknown_messages_get_bad_message_and_the_socket_stays_open() {
    let (_r, server, code, _key, mut host) =
        room(TestServer::builder().in_process(), json!({})).await;
    let (mut ann, _) = join(&server, &code, "Ann").await;
    ann.send_text("{not json").await;
    assert_eq!(ann.recv_error().await, "bad_message");
    ann.send(json!({"type":"fly_to_the_moon"})).await;
    assert_eq!(ann.recv_error().await, "bad_message");
    ann.send(json!({"no_type":1})).await;
    assert_eq!(ann.recv_error().await, "bad_message");
    ann.send_text("[1,2,3]").await;
    assert_eq!(ann.recv_error().await, "bad_message");
    // Still the same, working socket.
    pong(&mut ann).await;
    host.send_text("}}").await;
    assert_eq!(host.recv_error().await, "bad_message");
    pong(&mut host).await;
    // And the game still works for this phone.
    host.send(json!({"type":"start_round"})).await;
    ann.recv_type("round").await;
    ann.vote(1, 0).await;
}

#[tokio::test]
async fn a_first_frame_that_does_not_identify_closes_with_1008() {
    let (_r, server, code, _key, mut host) =
        room(TestServer::builder().in_process(), json!({})).await;
    for (i, first) in [
        json!({"type":"vote","round":1,"choice":0}).to_string(),
        json!({"type":"start_round"}).to_string(),
        "not json at all".to_string(),
    ]
    .into_iter()
    .enumerate()
    {
        let mut c = TestClient::connect(&server, &code, &format!("anon{i}")).await;
        c.send_text(first.clone()).await;
        assert_eq!(
            c.expect_close().await,
            Some(1008),
            "first frame {first:?} must close with 1008"
        );
    }
    // Nothing of that reached the room.
    pong(&mut host).await;
    let (_ann, _) = join(&server, &code, "Ann").await;
}

#[tokio::test]
async fn host_commands_from_a_phone_and_wrong_host_keys_get_not_host() {
    let (_r, server, code, key, mut host) =
        room(TestServer::builder().in_process(), json!({"rounds":2})).await;
    let (mut ann, _) = join(&server, &code, "Ann").await;
    for cmd in ["start_round", "reveal", "end_game"] {
        ann.send(json!({"type":cmd})).await;
        assert_eq!(ann.recv_error().await, "not_host", "a phone sending {cmd}");
    }
    ann.send(json!({"type":"kick","player_id":1})).await;
    assert_eq!(ann.recv_error().await, "not_host", "a phone sending kick");
    // The room is still in the lobby.
    let (_, v) = server.get_json(&format!("/api/rooms/{code}")).await;
    assert_eq!(v["phase"], "lobby");

    let mut impostor = TestClient::connect(&server, &code, "impostor").await;
    impostor
        .send(json!({"type":"hello","key":format!("{key}x")}))
        .await;
    assert_eq!(
        impostor.recv_error().await,
        "not_host",
        "hello with a wrong key"
    );
    let mut impostor = TestClient::connect(&server, &code, "impostor2").await;
    impostor.send(json!({"type":"hello","key":""})).await;
    assert_eq!(
        impostor.recv_error().await,
        "not_host",
        "hello with an empty key"
    );

    // A host command in the wrong phase.
    host.send(json!({"type":"reveal"})).await;
    assert_eq!(
        host.recv_error().await,
        "wrong_phase",
        "reveal in the lobby"
    );
    host.send(json!({"type":"start_round"})).await;
    host.recv_type("round").await;
    host.send(json!({"type":"start_round"})).await;
    assert_eq!(
        host.recv_error().await,
        "wrong_phase",
        "start_round during a question"
    );
}

#[tokio::test]
async fn names_are_checked_and_unique_ignoring_case() {
    let (_r, server, code, _key, _host) = room(TestServer::builder().in_process(), json!({})).await;
    let (_alice, w) = join(&server, &code, "Alice").await;
    assert_eq!(w["name"], "Alice");
    let (_bob, w) = join(&server, &code, "  Bob  ").await;
    assert_eq!(w["name"], "Bob", "names are trimmed");
    let long = "Annabelle Montgomery-Lee";
    assert_eq!(long.chars().count(), 24);
    let (_long, w) = join(&server, &code, long).await;
    assert_eq!(w["name"], long, "24 characters are fine");
    let (_uni, w) = join(&server, &code, "Zoë Ångström").await;
    assert_eq!(w["name"], "Zoë Ångström");

    for (name, code_expected) in [
        ("alice", "name_taken"),
        ("ALICE", "name_taken"),
        (" aLiCe ", "name_taken"),
        ("bob", "name_taken"),
        ("", "bad_name"),
        ("    ", "bad_name"),
        ("Annabelle Montgomery-Leah", "bad_name"),
        (&"é".repeat(25), "bad_name"),
        ("Al\u{7}ice", "bad_name"),
        ("Line\nBreak", "bad_name"),
        ("Tab\tbed", "bad_name"),
    ] {
        let mut c = TestClient::connect(&server, &code, "joiner").await;
        c.send(json!({"type":"join","name":name})).await;
        assert_eq!(c.recv_error().await, code_expected, "join as {name:?}");
    }
    let (_, v) = server.get_json(&format!("/api/rooms/{code}")).await;
    assert_eq!(v["players"], 4, "refused joins add no player: {v}");
}

#[tokio::test]
async fn an_unknown_token_is_refused() {
    let (_r, server, code, _key, _host) = room(TestServer::builder().in_process(), json!({})).await;
    let mut c = TestClient::connect(&server, &code, "stranger").await;
    c.send(json!({"type":"resume","token":"no-such-token"}))
        .await;
    assert_eq!(c.recv_error().await, "unknown_token");
    // A token from another room is unknown here too.
    let (other, _) = create_room(&server, json!({})).await;
    let (_ann, w) = join(&server, &other, "Ann").await;
    let mut c = TestClient::connect(&server, &code, "stranger2").await;
    c.send(json!({"type":"resume","token":w["token"]})).await;
    assert_eq!(
        c.recv_error().await,
        "unknown_token",
        "a token of room {other} in room {code}"
    );
}

#[tokio::test]
async fn votes_are_checked_one_per_player_and_round() {
    let (_r, server, code, _key, mut host) = room(
        TestServer::builder().in_process(),
        json!({"rounds":2,"seconds":30}),
    )
    .await;
    let (mut ann, _) = join(&server, &code, "Ann").await;
    let (mut bob, _) = join(&server, &code, "Bob").await;
    let (mut cy, _) = join(&server, &code, "Cy").await;

    host.send(json!({"type":"start_round"})).await;
    for p in [&mut ann, &mut bob, &mut cy] {
        p.recv_type("round").await;
    }
    for bad in [json!(4), json!(-1), json!(100)] {
        ann.send(json!({"type":"vote","round":1,"choice":bad}))
            .await;
        assert_eq!(ann.recv_error().await, "bad_choice", "choice {bad}");
    }
    ann.vote(1, 2).await;
    ann.send(json!({"type":"vote","round":1,"choice":1})).await;
    assert_eq!(ann.recv_error().await, "already_voted");
    // A retry of the first vote gets the same ack.
    ann.vote(1, 2).await;
    bob.vote(1, 3).await;
    // Only the first vote counts; the host closes the round.
    host.send(json!({"type":"reveal"})).await;
    let rev = host.recv_type("reveal").await;
    assert_eq!(
        rev["counts"],
        json!([0, 0, 1, 1]),
        "first votes only: {rev}"
    );
    let arev = ann.recv_type("reveal").await;
    assert_eq!(arev["you"]["choice"], 2);
    cy.recv_type("reveal").await;
    cy.send(json!({"type":"vote","round":1,"choice":0})).await;
    assert_eq!(
        cy.recv_error().await,
        "round_closed",
        "a vote after the reveal"
    );
    // The refused vote changed nothing: a late joiner sees the same reveal.
    let (dee, _) = join(&server, &code, "Dee").await;
    assert_eq!(dee.state["phase"], "reveal", "{}", dee.state);
    assert_eq!(dee.state["counts"], json!([0, 0, 1, 1]), "{}", dee.state);
}

#[tokio::test]
async fn flooding_gets_rate_limited_without_hurting_other_sockets() {
    let (_r, server, code, _key, mut host) =
        room(TestServer::builder().in_process(), json!({})).await;
    let (mut ann, _) = join(&server, &code, "Ann").await;
    let (mut bob, _) = join(&server, &code, "Bob").await;
    // 20 in the burst, then 20 over the limit in a row close the socket;
    // 100 leave room for a token or two earned while they are sent.
    for _ in 0..100 {
        if !ann.try_send(json!({"type":"ping"})).await {
            break;
        }
    }
    let mut limited = 0;
    let mut pongs = 0;
    let close = loop {
        match ann.next_within(Duration::from_secs(5)).await {
            Some(Incoming::Json(v)) if v["type"] == "error" => {
                assert_eq!(v["code"], "rate_limited", "{v}");
                limited += 1;
            }
            Some(Incoming::Json(v)) if v["type"] == "pong" => pongs += 1,
            Some(Incoming::Json(_)) => {}
            Some(Incoming::Closed(c)) => break c,
            None => panic!(
                "a persistent flood must close the socket ({pongs} pongs, {limited} refusals)"
            ),
        }
    };
    assert_eq!(
        close,
        Some((1008, "too many messages".to_string())),
        "a persistent flood closes with 1008 ({pongs} pongs, {limited} refusals)"
    );
    // The join spent one of the burst's 20 tokens.
    assert!(
        pongs >= 19,
        "the rest of the burst is answered: {pongs} pongs"
    );
    // The 20th refusal in a row closes instead of answering.
    assert!(limited >= 19, "19 refusals before the close, got {limited}");
    // Others carry on.
    pong(&mut bob).await;
    pong(&mut host).await;
    host.send(json!({"type":"start_round"})).await;
    bob.recv_type("round").await;
    bob.vote(1, 1).await;
}

#[tokio::test]
async fn a_full_room_refuses_the_next_join_but_not_a_resume() {
    let (_r, server, code, _key, _host) =
        room(TestServer::builder().in_process().max_players(2), json!({})).await;
    let (ann, wa) = join(&server, &code, "Ann").await;
    let (_bob, _) = join(&server, &code, "Bob").await;
    let mut c = TestClient::connect(&server, &code, "Cy").await;
    c.send(json!({"type":"join","name":"Cy"})).await;
    assert_eq!(c.recv_error().await, "room_full");
    ann.close().await;
    let (_ann, w) = resume(&server, &code, wa["token"].as_str().unwrap(), "Ann again").await;
    assert_eq!(
        w["player_id"], wa["player_id"],
        "a resume is not a new player"
    );
    let mut c = TestClient::connect(&server, &code, "Dee").await;
    c.send(json!({"type":"join","name":"Dee"})).await;
    assert_eq!(
        c.recv_error().await,
        "room_full",
        "still full after the resume"
    );
    let (_, v) = server.get_json(&format!("/api/rooms/{code}")).await;
    assert_eq!(v["players"], 2);
}

#[tokio::test]
async fn a_kicked_phone_is_gone_and_its_name_and_device_stay_out_until_let_back() {
    let (_r, server, code, _key, mut host) =
        room(TestServer::builder().in_process(), json!({})).await;
    let mut ann = TestClient::connect(&server, &code, "Ann").await;
    ann.send(json!({"type":"join","name":"Ann","device":"phone-of-ann"}))
        .await;
    let wa = ann.recv_type("welcome").await;
    let (mut bob, _) = join(&server, &code, "Bob").await;
    loop {
        let l = host.recv_type("lobby").await;
        if l["players"].as_array().unwrap().len() == 2 {
            break;
        }
    }
    host.send(json!({"type":"kick","player_id":wa["player_id"]}))
        .await;
    assert_eq!(ann.recv_error().await, "kicked");
    ann.expect_close().await;
    // The host's next lobby leaves Ann out.
    let l = host.recv_type("lobby").await;
    let names: Vec<&str> = l["players"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Bob"], "lobby after the kick: {l}");
    assert_eq!(
        l["kicked"],
        json!([{"id": wa["player_id"], "name": "Ann"}]),
        "the host may let her back: {l}"
    );
    // Bob's count drops back to one (earlier lobbies may still be queued).
    loop {
        let bl = bob.recv_type("lobby").await;
        assert!(bl["players"].is_null(), "phones get only a count: {bl}");
        if bl["count"] == 1 {
            break;
        }
    }
    // Her token is dead.
    let mut c = TestClient::connect(&server, &code, "Ann's token").await;
    c.send(json!({"type":"resume","token":wa["token"]})).await;
    assert_eq!(c.recv_error().await, "unknown_token");
    // Her name (in any case) and her phone (under any name) stay out; a
    // new phone asking for her name is told to pick another, as for a
    // taken name (somebody else may have it), her phone that it was kicked…
    for (join, code) in [
        (json!({"type":"join","name":"ANN"}), "name_taken"),
        (
            json!({"type":"join","name":"Anne","device":"phone-of-ann"}),
            "kicked",
        ),
    ] {
        c.send(join.clone()).await;
        let e = c.recv_type("error").await;
        assert_eq!(e["code"], code, "{join}: {e}");
        assert!(e["message"].as_str().unwrap().contains("host"), "{e}");
    }
    // …until the host lets her back: then she joins as a new player.
    host.send(json!({"type":"let_back","player_id":wa["player_id"]}))
        .await;
    loop {
        let l = host.recv_type("lobby").await;
        if l["kicked"] == json!([]) {
            break;
        }
    }
    host.send(json!({"type":"let_back","player_id":wa["player_id"]}))
        .await;
    assert_eq!(host.recv_error().await, "unknown_player", "let back twice");
    bob.send(json!({"type":"let_back","player_id":wa["player_id"]}))
        .await;
    assert_eq!(bob.recv_error().await, "not_host");
    let (_ann2, w) = join(&server, &code, "Ann").await;
    assert_ne!(
        w["player_id"], wa["player_id"],
        "player ids are never reused"
    );
    assert_eq!(w["score"], 0);
}

#[tokio::test]
async fn resuming_elsewhere_replaces_the_old_socket() {
    let (_r, server, code, _key, _host) = room(TestServer::builder().in_process(), json!({})).await;
    let (mut old, w) = join(&server, &code, "Ann").await;
    let (mut new, w2) = resume(&server, &code, w["token"].as_str().unwrap(), "Ann new").await;
    assert_eq!(w2["player_id"], w["player_id"]);
    assert_eq!(old.recv_error().await, "replaced");
    old.expect_close().await;
    pong(&mut new).await;
}

#[tokio::test]
async fn oversized_frames_close_with_1009() {
    let (_r, server, code, _key, mut host) =
        room(TestServer::builder().in_process(), json!({})).await;
    let (mut ann, _) = join(&server, &code, "Ann").await;
    let big = json!({"type":"ping","pad":"x".repeat(5000)});
    let _ = ann.try_send(big).await;
    assert_eq!(ann.expect_close().await, Some(1009));
    pong(&mut host).await;
}

#[tokio::test]
async fn cross_site_websocket_upgrades_are_refused() {
    let (_r, server, code, _key, _host) = room(TestServer::builder().in_process(), json!({})).await;
    match TestClient::connect_url(&server.ws_url(&code), Some("https://evil.example"), "evil").await
    {
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
            assert_eq!(resp.status().as_u16(), 403, "cross-site upgrade")
        }
        Err(e) => panic!("expected 403, got {e}"),
        Ok(_) => panic!("a cross-site upgrade must be refused with 403"),
    }
    let mut same = TestClient::connect_url(&server.ws_url(&code), Some(server.origin()), "same")
        .await
        .expect("a same-origin upgrade is allowed");
    same.send(json!({"type":"join","name":"Ann"})).await;
    same.recv_type("welcome").await;
}

#[tokio::test]
async fn a_host_only_connection_runs_the_game_and_refuses_phones() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder());
    let (code, key) = create_room(&server, json!({"rounds": 2})).await;
    let host_url = format!("{}?role=host", server.ws_url(&code));

    let (mut phone, _) = join(&server, &code, "Ann").await;
    let mut host = TestClient::connect_url(&host_url, None, "host")
        .await
        .unwrap();
    host.send(json!({"type":"hello","key":key})).await;
    host.recv_type("state").await;
    host.send(json!({"type":"start_round"})).await;
    let round = host.recv_type("round").await;
    assert_eq!(round["round"], 1);
    phone.recv_type("round").await;
    phone.vote(1, 0).await;
    host.recv_type("reveal").await;
    phone.recv_type("reveal").await;

    // A phone on a host-only connection is told so and closed.
    let mut stray = TestClient::connect_url(&host_url, None, "stray")
        .await
        .unwrap();
    stray.send(json!({"type":"join","name":"Bob"})).await;
    assert_eq!(stray.recv_error().await, "bad_message");
    assert_eq!(stray.expect_close().await, Some(1008));
    let (st, v) = server.get_json(&format!("/api/rooms/{code}")).await;
    assert_eq!(st, 200);
    assert_eq!(v["players"], 1, "Bob did not join: {v}");

    // Any other role is a clear 400.
    match TestClient::connect_url(
        &format!("{}?role=projector", server.ws_url(&code)),
        None,
        "bad",
    )
    .await
    {
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
            assert_eq!(resp.status().as_u16(), 400, "unknown role")
        }
        Err(e) => panic!("expected 400, got {e}"),
        Ok(_) => panic!("an unknown role must be refused"),
    }
    // So is a role given twice, with the same JSON error.
    let twice = format!("{}?role=host&role=host", server.ws_url(&code));
    match TestClient::connect_url(&twice, None, "twice").await {
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
            assert_eq!(resp.status().as_u16(), 400, "role twice");
            let body: serde_json::Value =
                serde_json::from_slice(resp.body().as_deref().unwrap_or_default()).unwrap();
            assert_eq!(body["error"], "bad_request", "{body}");
        }
        Err(e) => panic!("expected 400, got {e}"),
        Ok(_) => panic!("a role given twice must be refused"),
    }
}

#[tokio::test]
async fn unknown_rooms_are_404_over_http_and_websocket() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder());
    let (st, v) = server.get_json("/api/rooms/ZZZZ").await;
    assert_eq!(st, 404);
    assert!(v["error"].is_string() && v["message"].is_string(), "{v}");
    let (st, v) = upgrade_status(&server, "ZZZZ").await;
    assert_eq!(st, 404, "upgrade for an unknown room: {v}");
}

/// The status (101 when it opens) and JSON body a WebSocket upgrade to
/// room `code` gets.
async fn upgrade_status(server: &TestServer, code: &str) -> (u16, Value) {
    match TestClient::connect_url(&server.ws_url(code), None, "guess").await {
        Ok(_) => (101, Value::Null),
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => (
            resp.status().as_u16(),
            serde_json::from_slice(resp.body().as_deref().unwrap_or_default())
                .unwrap_or(Value::Null),
        ),
        Err(e) => panic!("upgrade to {code}: {e}"),
    }
}

#[tokio::test]
async fn guessing_room_codes_gets_throttled() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder());
    let (code, _key) = create_room(&server, json!({})).await;
    let mut throttled = None;
    // Guesses over HTTP and on /ws alike: one allowance for both.
    for i in 0..40 {
        let guess: String = ["ZZZA", "ZZZB", "ZZZC", "ZZZD"][i % 4].to_string();
        let (st, v) = if i % 3 == 0 {
            upgrade_status(&server, &guess).await
        } else {
            server.get_json(&format!("/api/rooms/{guess}")).await
        };
        if st == 429 {
            assert_eq!(v["error"], "rate_limited", "{v}");
            throttled = Some(i);
            break;
        }
        assert_eq!(st, 404);
    }
    let n = throttled.expect("40 misses within a minute must get 429");
    // The contract's ~20: exactly the code's allowance, then 429.
    assert_eq!(
        n,
        yearbook::MISSES_PER_MINUTE as usize,
        "throttled after {n} misses"
    );
    let (st, v) = upgrade_status(&server, "ZZZA").await;
    assert_eq!(
        (st, v["error"].as_str()),
        (429, Some("rate_limited")),
        "{v}"
    );
    // Said in the guesser's language (the handshake's and HTTP's alike).
    let (st, _, v) = refused_handshake(&server, "ZZZA", &[("Accept-Language", "es")]).await;
    assert_eq!(
        (st, v["error"].as_str()),
        (429, Some("rate_limited")),
        "{v}"
    );
    assert_eq!(
        v["message"],
        "Demasiados intentos desde tu red; espera un minuto."
    );
    let r = fetch_with_header(
        &server.http,
        server.url("/api/rooms/ZZZA"),
        "Accept-Language",
        "de",
    )
    .await;
    let (st, v) = status_and_json(r).await;
    assert_eq!(st, 429);
    assert_eq!(v["error"], "rate_limited", "{v}");
    assert_eq!(
        v["message"],
        "Zu viele Versuche aus deinem Netzwerk; warte eine Minute."
    );
    // A successful join is never throttled.
    let (_ann, w) = join(&server, &code, "Ann").await;
    assert_eq!(w["name"], "Ann");
}

#[tokio::test]
async fn room_creation_checks_password_and_body() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().host_password("s3cret"));
    let url = server.url("/api/rooms");
    let r = server
        .http
        .post(&url)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401, "no bearer");
    let v: Value = r.json().await.unwrap();
    assert!(v["error"].is_string() && v["message"].is_string(), "{v}");
    let r = server
        .http
        .post(&url)
        .bearer_auth("wrong")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401, "wrong bearer");
    let r = server
        .http
        .post(&url)
        .bearer_auth("s3cret")
        .json(&json!({"rounds":2}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201, "right bearer");
    let v: Value = r.json().await.unwrap();
    assert!(v["code"].is_string() && v["host_key"].is_string(), "{v}");

    for body in [
        json!({"rounds":0}),
        json!({"rounds":201}),
        json!({"rounds":-3}),
        json!({"rounds":"ten"}),
        json!({"seconds":1}),
        json!({"seconds":301}),
        json!({"mode":"guess_the_teacher"}),
        json!({"include_memoriam":"maybe"}),
    ] {
        let r = server
            .http
            .post(&url)
            .bearer_auth("s3cret")
            .json(&body)
            .send()
            .await
            .unwrap();
        let st = r.status().as_u16();
        let v: Value = r.json().await.unwrap_or(Value::Null);
        assert_eq!(st, 400, "body {body} → {st} {v}");
        assert_eq!(v["error"], "bad_request", "body {body}: {v}");
        assert!(
            v["message"].as_str().is_some_and(|m| !m.is_empty()),
            "body {body}: {v}"
        );
    }
    let r = server
        .http
        .post(&url)
        .bearer_auth("s3cret")
        .header("content-type", "application/json")
        .body("{\"rounds\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400, "malformed JSON");
    let big = format!("{{\"rounds\":3,\"pad\":\"{}\"}}", "x".repeat(70 * 1024));
    let r = server
        .http
        .post(&url)
        .bearer_auth("s3cret")
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 413, "a body over 64 KiB");

    // The body is a JSON object; an array is not a room description.
    let r = server
        .http
        .post(&url)
        .bearer_auth("s3cret")
        .json(&json!([1, 2]))
        .send()
        .await
        .unwrap();
    let st = r.status().as_u16();
    let v: Value = r.json().await.unwrap_or(Value::Null);
    assert_eq!(st, 400, "an array body → {st} {v}");
    assert_eq!(v["error"], "bad_request", "{v}");
}

/// Reads for `d` of real time: the server neither sends anything nor
/// ends the connection.
async fn assert_open_for(s: &mut tokio::net::TcpStream, d: Duration, what: &str) {
    use tokio::io::AsyncReadExt;
    let mut buf = [0u8; 256];
    if let Ok(read) = tokio::time::timeout(d, s.read(&mut buf)).await {
        panic!("{what}: the connection is not just waiting: {read:?}");
    }
}

/// Reads until the server ends the connection (within 5 s).
async fn assert_closed(s: &mut tokio::net::TcpStream, what: &str) {
    use tokio::io::AsyncReadExt;
    let mut buf = [0u8; 256];
    let closed = tokio::time::timeout(RECV_TIMEOUT, async {
        loop {
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "{what}: still open");
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[tokio::test]
async fn silent_phones_and_hosts_are_pinged_and_stay_in_the_game() {
    let (_r, server, code, _key, mut host) =
        room(TestServer::builder().test_clock(), json!({})).await;
    let (mut ann, _) = join(&server, &code, "Ann").await;
    // Looked at every 10 s, pinged once silent for 5: not at 4.999 s…
    server.skip(ms(4999));
    let (host_pinged, ann_pinged) =
        tokio::join!(host.ping_within(ms(300)), ann.ping_within(ms(300)));
    assert!(
        !host_pinged && !ann_pinged,
        "pinged after 4.999 s of silence"
    );
    // …and by 15 s (the first look at 5 s or more of silence).
    server.skip(ms(10_000));
    let (host_pinged, ann_pinged) = tokio::join!(
        host.ping_within(RECV_TIMEOUT),
        ann.ping_within(RECV_TIMEOUT)
    );
    assert!(host_pinged, "the host screen was not pinged by 14.999 s");
    assert!(ann_pinged, "the phone was not pinged by 14.999 s");
    // They answered (pongs), so they stay.
    pong(&mut ann).await;
    pong(&mut host).await;
}

#[tokio::test]
async fn slow_and_silent_connections_are_closed_and_the_room_plays_on() {
    use tokio::io::AsyncWriteExt;
    let (_r, server, code, _key, mut host) =
        room(TestServer::builder().test_clock(), json!({})).await;
    let addr = server.origin().trim_start_matches("http://").to_string();
    // Nothing else waits (the room's requests are done), so the counts
    // below are these two connections'.
    server.until_reads_waiting([0, 0, 0]).await;
    // Connected at 0 s: one sends nothing, one half a request head.
    let mut silent = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .await
        .unwrap();
    // Both have fixed their deadlines: the silent one's for a first
    // byte, the slow one's for the rest of its head.
    server.until_reads_waiting([1, 1, 0]).await;
    server.skip(ms(9999));
    assert_open_for(&mut silent, ms(300), "no first byte after 9.999 s").await;
    assert_open_for(&mut slow, ms(1), "half a head after 9.999 s").await;
    server.skip(ms(1));
    assert_closed(&mut silent, "no first byte after 10 s").await;
    assert_closed(&mut slow, "half a head after 10 s").await;
    // Honest clients were never affected.
    pong(&mut host).await;
    let (_ann, w) = join(&server, &code, "Ann").await;
    assert_eq!(w["name"], "Ann");
}

#[tokio::test]
async fn kicking_nobody_gets_unknown_player_and_forged_tokens_unknown_token() {
    let (_r, server, code, _key, mut host) =
        room(TestServer::builder().in_process(), json!({})).await;
    let (mut ann, wa) = join(&server, &code, "Ann").await;
    let (_bob, wb) = join(&server, &code, "Bob").await;
    let next_id = wa["player_id"]
        .as_u64()
        .max(wb["player_id"].as_u64())
        .unwrap()
        + 1;
    for nobody in [next_id, u64::from(u32::MAX)] {
        host.send(json!({"type":"kick","player_id":nobody})).await;
        assert_eq!(host.recv_error().await, "unknown_player", "kick {nobody}");
    }
    host.send(json!({"type":"kick","player_id":wa["player_id"]}))
        .await;
    assert_eq!(ann.recv_error().await, "kicked");
    assert_eq!(ann.expect_close().await, Some(1008));
    host.send(json!({"type":"kick","player_id":wa["player_id"]}))
        .await;
    assert_eq!(
        host.recv_error().await,
        "unknown_player",
        "a player kicked already"
    );
    // An id that is no player id at all is a malformed message.
    for bad in [json!({"player_id":"1"}), json!({"player_id":-1}), json!({})] {
        let mut msg = bad.clone();
        msg["type"] = json!("kick");
        host.send(msg).await;
        assert_eq!(host.recv_error().await, "bad_message", "kick {bad}");
    }
    // Tokens nobody was given: Bob's with one character changed, the
    // kicked Ann's, an empty one.
    let real = wb["token"].as_str().unwrap();
    let last = real.chars().last().unwrap();
    let forged = format!(
        "{}{}",
        &real[..real.len() - last.len_utf8()],
        if last == 'a' { 'b' } else { 'a' }
    );
    for token in [forged.as_str(), wa["token"].as_str().unwrap(), ""] {
        let mut c = TestClient::connect(&server, &code, "forger").await;
        c.send(json!({"type":"resume","token":token})).await;
        assert_eq!(c.recv_error().await, "unknown_token", "resume {token:?}");
    }
    // Nobody got in, and Bob is still there.
    let (_, v) = server.get_json(&format!("/api/rooms/{code}")).await;
    assert_eq!(v["players"], 1, "{v}");
    let (_bob, w) = resume(&server, &code, real, "Bob again").await;
    assert_eq!(w["player_id"], wb["player_id"]);
}

#[tokio::test]
async fn wrong_host_keys_are_throttled_after_exactly_20_on_sockets_and_http() {
    let (_r, server, code, key, _host) = room(TestServer::builder().in_process(), json!({})).await;
    let wrong = "0".repeat(32);
    let hello = |label: &'static str, key: String| {
        let server = &server;
        let code = &code;
        async move {
            let mut c = TestClient::connect(server, code, label).await;
            c.send(json!({"type":"hello","key":key})).await;
            c
        }
    };
    // The contract's 20 a minute, half on host sockets, half on
    // results.csv: one allowance for both.
    for i in 0..20 {
        if i % 2 == 0 {
            let mut c = hello("wrong key", wrong.clone()).await;
            assert_eq!(c.recv_error().await, "not_host", "wrong key {i}");
            assert_eq!(c.expect_close().await, Some(1008), "wrong key {i}");
        } else {
            let r = get_results_csv(&server, &code, &wrong).await;
            assert_eq!(r.status().as_u16(), 403, "wrong key {i}");
        }
    }
    let mut c = hello("21st wrong key", wrong.clone()).await;
    assert_eq!(c.recv_error().await, "rate_limited", "the 21st wrong key");
    assert_eq!(c.expect_close().await, Some(1008));
    let r = get_results_csv(&server, &code, &wrong).await;
    assert_eq!(r.status().as_u16(), 429);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"], "rate_limited", "{v}");
    // The right key is no miss: the host gets in, and its results.
    let mut c = hello("host", key.clone()).await;
    assert_eq!(c.recv_type("state").await["phase"], "lobby");
    let r = get_results_csv(&server, &code, &key).await;
    assert_eq!(r.status().as_u16(), 200);
}

#[tokio::test]
async fn room_creation_is_limited_per_address_and_wrong_passwords_apart() {
    let roster = standard_roster();
    let server = server_with(
        &roster,
        TestServer::builder()
            .host_password("s3cret")
            .arg("--trust-proxy"),
    );
    let create = |from: &'static str, password: &'static str| {
        let req = server
            .http
            .post(server.url("/api/rooms"))
            .header("X-Forwarded-For", from)
            .bearer_auth(password)
            .json(&json!({}));
        async move {
            let r = req.send().await.unwrap();
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    // An organiser: 30 rooms a minute, then 429.
    for i in 0..30 {
        let (s, v) = create("198.51.100.1", "s3cret").await;
        assert_eq!(s, 201, "room {i}: {v}");
    }
    let (s, v) = create("198.51.100.1", "s3cret").await;
    assert_eq!((s, v["error"].as_str()), (429, Some("rate_limited")), "{v}");
    // A guesser: 20 wrong passwords, then 429 for anything from there, the
    // right password too (else the 21st guess would still be checked).
    for i in 0..20 {
        let (s, v) = create("198.51.100.2", "guess").await;
        assert_eq!(s, 401, "wrong password {i}: {v}");
    }
    for password in ["guess", "s3cret"] {
        let (s, v) = create("198.51.100.2", password).await;
        assert_eq!(
            (s, v["error"].as_str()),
            (429, Some("rate_limited")),
            "{password} after 20 wrong: {v}"
        );
    }
    // Neither holds up anyone else.
    let (s, v) = create("198.51.100.3", "s3cret").await;
    assert_eq!(s, 201, "{v}");
}

/// `n` pipelined requests for the host page's script, the last asking
/// the server to close after it; the client reads none of the answers.
async fn asks_much_reads_nothing(server: &TestServer, n: usize) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt;
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let addr = server
        .origin()
        .trim_start_matches("http://")
        .parse()
        .unwrap();
    let mut s = socket.connect(addr).await.unwrap();
    let get = "GET /static/host.js HTTP/1.1\r\nHost: x\r\n\r\n";
    let mut requests = get.repeat(n - 1);
    requests.push_str("GET /static/host.js HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    s.write_all(requests.as_bytes()).await.unwrap();
    s
}

/// Bytes the kernel holds for `s` that it has not read.
fn unread(s: &tokio::net::TcpStream) -> libc::c_int {
    use std::os::fd::AsRawFd;
    let mut n: libc::c_int = 0;
    // SAFETY: FIONREAD writes one c_int to `n`; `s` keeps the fd open.
    let rc = unsafe { libc::ioctl(s.as_raw_fd(), libc::FIONREAD, &mut n) };
    assert_eq!(rc, 0, "FIONREAD: {}", std::io::Error::last_os_error());
    n
}

/// Waits until every socket has unread bytes and none has grown for
/// 200 ms (real time): the server's answers are stuck in full buffers.
async fn until_unread_is_still(sockets: &[&tokio::net::TcpStream]) {
    let give_up = std::time::Instant::now() + RECV_TIMEOUT;
    let mut last = Vec::new();
    let mut still_since = std::time::Instant::now();
    loop {
        let now: Vec<_> = sockets.iter().map(|s| unread(s)).collect();
        if now != last {
            last = now;
            still_since = std::time::Instant::now();
        } else if still_since.elapsed() >= ms(200) && last.iter().all(|&n| n > 0) {
            return;
        }
        assert!(
            std::time::Instant::now() < give_up,
            "unread bytes still growing: {last:?}"
        );
        tokio::time::sleep(ms(10)).await;
    }
}

/// How many whole `200` answers `s` gives before it ends.
async fn answers(s: &mut tokio::net::TcpStream) -> usize {
    use tokio::io::AsyncReadExt;
    let mut all = Vec::new();
    tokio::time::timeout(RECV_TIMEOUT * 4, s.read_to_end(&mut all))
        .await
        .expect("the answers end")
        .unwrap_or_default();
    // Every answer is as long as the first (same script, same headers).
    let head = b"HTTP/1.1 200 OK";
    let second = all
        .windows(head.len())
        .skip(1)
        .position(|w| w == head)
        .map(|i| i + 1);
    match second {
        Some(one) => all.len() / one,
        None => usize::from(all.starts_with(head)),
    }
}

#[tokio::test]
async fn a_connection_with_no_traffic_either_way_for_90_s_is_closed() {
    let server = server_with(&standard_roster(), TestServer::builder().test_clock());
    let script = server.get("/static/host.js").await.bytes().await.unwrap();
    // Far more than the kernels' buffers hold (a few MiB), so the server
    // is left with answers it cannot write, at 0 s.
    let n = 12 * 1024 * 1024 / script.len() + 1;
    let mut first = asks_much_reads_nothing(&server, n).await;
    let mut second = asks_much_reads_nothing(&server, n).await;
    // Both kernels' buffers full: the answers waiting for each client
    // have stopped growing, so no write of the server's gets through.
    until_unread_is_still(&[&first, &second]).await;
    server.skip(ms(89_999));
    tokio::time::sleep(ms(300)).await;
    // The first, read at 89.999 s: still open, it gets every answer.
    assert_eq!(answers(&mut first).await, n, "read after 89.999 s");
    server.skip(ms(1));
    tokio::time::sleep(ms(300)).await;
    // The second, read after 90 s: closed, its answers cut off.
    let got = answers(&mut second).await;
    assert!(got < n, "read after 90 s: all {got} answers, still open");
}

/// issue 22: a phone that says `lang` reads the same `code` with the
/// message in its language; one that does not reads English as before.
#[tokio::test]
async fn error_messages_follow_the_language_the_client_said() {
    let (_r, server, code, _key, mut host) =
        room(TestServer::builder().in_process(), json!({})).await;
    let (_ann, _) = join(&server, &code, "Ann").await;
    let mut said = Vec::new();
    for lang in [None, Some("de"), Some("es-MX"), Some("xx")] {
        let mut c = TestClient::connect(&server, &code, "joiner").await;
        let mut join = json!({"type":"join","name":"ann"});
        if let Some(lang) = lang {
            join["lang"] = json!(lang);
        }
        c.send(join).await;
        let e = c.recv_type("error").await;
        assert_eq!(e["code"], "name_taken", "{lang:?}: {e}");
        // The same socket keeps its language for what follows.
        c.send(json!({"type":"join","name":""})).await;
        let e2 = c.recv_type("error").await;
        assert_eq!(e2["code"], "bad_name", "{lang:?}: {e2}");
        said.push((e["message"].clone(), e2["message"].clone()));
    }
    assert_eq!(said[0].0, "That name is already taken in this room.");
    assert_eq!(said[0].1, "Please type a name.");
    assert_eq!(said[1].0, "Dieser Name ist in diesem Raum schon vergeben.");
    assert_eq!(said[1].1, "Bitte gib einen Namen ein.");
    assert_eq!(said[2].0, "Ese nombre ya está cogido en esta sala.");
    assert_eq!(said[3], said[0], "a language we lack reads English");

    // The room's own answer to a vote (sent once the vote is handled, from
    // the room, not the socket's task) in the phone's language too.
    let mut bea = TestClient::connect(&server, &code, "Bea").await;
    bea.send(json!({"type":"join","name":"Bea","lang":"de"}))
        .await;
    bea.recv_type("welcome").await;
    host.send(json!({"type":"start_round"})).await;
    bea.recv_type("round").await;
    host.send(json!({"type":"reveal"})).await;
    bea.recv_type("reveal").await;
    bea.send(json!({"type":"vote","round":1,"choice":0})).await;
    let e = bea.recv_type("error").await;
    assert_eq!(e["code"], "round_closed", "{e}");
    assert_eq!(
        e["message"], "Für diese Runde kann nicht mehr abgestimmt werden.",
        "{e}"
    );

    // A resume with a token the room does not know, in German.
    let mut c = TestClient::connect(&server, &code, "stranger").await;
    c.send(json!({"type":"resume","token":"no-such-token","lang":"de"}))
        .await;
    let e = c.recv_type("error").await;
    assert_eq!(e["code"], "unknown_token");
    assert_eq!(
        e["message"],
        "Dieses Gerät ist nicht mehr im Spiel; tritt noch einmal bei."
    );

    // The last word before the room closes a socket: a Spanish phone
    // replaced by its own resume, a German one kicked.
    let mut cy = TestClient::connect(&server, &code, "Cy").await;
    cy.send(json!({"type":"join","name":"Cy","lang":"es"}))
        .await;
    let wc = cy.recv_type("welcome").await;
    let mut cy2 = TestClient::connect(&server, &code, "Cy again").await;
    cy2.send(json!({"type":"resume","token":wc["token"],"lang":"es"}))
        .await;
    let e = cy.recv_type("error").await;
    assert_eq!(e["code"], "replaced", "{e}");
    assert_eq!(e["message"], "Sigues en otra conexión.", "{e}");
    host.send(json!({"type":"kick","player_id":wc["player_id"]}))
        .await;
    let e = cy2.recv_type("error").await;
    assert_eq!(e["code"], "kicked", "{e}");
    assert_eq!(
        e["message"], "Quien presenta te ha sacado de esta partida.",
        "{e}"
    );
}

/// A WebSocket client's handshake with `header: value` in place of its
/// own, refused: `(status, the header it names lower-cased, body)`.
async fn refused_handshake(
    server: &TestServer,
    code: &str,
    changed: &[(&'static str, &'static str)],
) -> (u16, String, Value) {
    use tokio_tungstenite::tungstenite::{self, client::IntoClientRequest, http::HeaderValue};
    let mut req = server.ws_url(code).into_client_request().unwrap();
    for (name, value) in changed {
        req.headers_mut()
            .insert(*name, HeaderValue::from_static(value));
    }
    let refused = tokio::time::timeout(RECV_TIMEOUT, tokio_tungstenite::connect_async(req))
        .await
        .expect("handshake timed out");
    let Err(tungstenite::Error::Http(response)) = refused else {
        panic!("{changed:?}: not refused with an HTTP response");
    };
    let headers = format!("{:?}", response.headers()).to_ascii_lowercase();
    let body = response.body().clone().unwrap_or_default();
    let body = serde_json::from_slice(&body)
        .unwrap_or_else(|e| panic!("{changed:?}: body is not JSON ({e})"));
    (response.status().as_u16(), headers, body)
}

#[tokio::test]
async fn handshake_refusals_follow_the_browsers_language_with_the_same_code() {
    let (_r, server, code, _key, _host) = room(TestServer::builder(), json!({})).await;
    // What the client changes, the status, a header it must get, the message.
    type Case = (
        &'static [(&'static str, &'static str)],
        u16,
        Option<&'static str>,
        &'static str,
    );
    let cases: [Case; 6] = [
        (
            &[("Sec-WebSocket-Version", "8")],
            426,
            Some("\"sec-websocket-version\": \"13\""),
            "Only WebSocket version 13 is spoken here.",
        ),
        (
            &[("Sec-WebSocket-Version", "8"), ("Accept-Language", "de")],
            426,
            Some("\"sec-websocket-version\": \"13\""),
            "Hier wird nur WebSocket-Version 13 gesprochen.",
        ),
        (
            &[
                ("Sec-WebSocket-Key", "abc"),
                ("Accept-Language", "es-MX,de"),
            ],
            400,
            None,
            "La clave WebSocket no son 16 bytes en base64.",
        ),
        (
            &[("Sec-WebSocket-Key", "abc"), ("Accept-Language", "de-AT")],
            400,
            None,
            "Der WebSocket-Schlüssel ist nicht 16 Byte in Base64.",
        ),
        // The switch's cookie beats the browser's language, as on pages.
        (
            &[
                ("Connection", "keep-alive"),
                ("Accept-Language", "de"),
                ("Cookie", "yb_lang=es"),
            ],
            426,
            Some("\"upgrade\": \"websocket\""),
            "Esta dirección es para conexiones WebSocket.",
        ),
        (
            &[("Connection", "keep-alive"), ("Accept-Language", "de")],
            426,
            Some("\"upgrade\": \"websocket\""),
            "Diese Adresse ist für WebSocket-Verbindungen da.",
        ),
    ];
    for (changed, status, header, message) in cases {
        let (got, headers, body) = refused_handshake(&server, &code, changed).await;
        assert_eq!(got, status, "{changed:?}: {body}");
        assert_eq!(body["error"], "bad_request", "{changed:?}: {body}");
        assert_eq!(body["message"], message, "{changed:?}");
        if let Some(header) = header {
            assert!(headers.contains(header), "{changed:?}: {headers}");
        }
    }
}
