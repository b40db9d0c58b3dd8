//! issue 22: the room's language. The projector shows the room's `lang`,
//! chosen when the room is made (default: the creating browser's) and in
//! the lobby's settings; it survives a kill -9.

mod common;

use common::*;
use serde_json::json;

/// `POST /api/rooms` with `body` and these request headers.
async fn post_room(
    server: &TestServer,
    body: serde_json::Value,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let mut req = server.http.post(server.url("/api/rooms")).json(&body);
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    req.send().await.expect("POST /api/rooms")
}

/// The projector page of `code`: its `<html lang="…">` and its text.
async fn host_page(server: &TestServer, code: &str) -> (String, String) {
    let html = server
        .get(&format!("/host/{code}"))
        .await
        .text()
        .await
        .unwrap();
    let lang = html
        .split("<html lang=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or("")
        .to_string();
    (lang, html)
}

#[tokio::test]
async fn a_new_room_speaks_the_creators_language_or_the_one_asked() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().in_process());
    // No lang: the browser's (Accept-Language, then the switch's cookie).
    let (room, _, _) = room_created(
        post_room(
            &server,
            json!({}),
            &[("accept-language", "de-CH, en;q=0.5")],
        )
        .await,
    )
    .await;
    assert_eq!(room["settings"]["lang"], "de", "{room}");
    let (room, _, _) = room_created(
        post_room(
            &server,
            json!({}),
            &[("accept-language", "de"), ("cookie", "yb_lang=es")],
        )
        .await,
    )
    .await;
    assert_eq!(
        room["settings"]["lang"], "es",
        "the chosen language first: {room}"
    );
    let (room, _, _) = room_created(post_room(&server, json!({}), &[]).await).await;
    assert_eq!(room["settings"]["lang"], "en", "{room}");
    // Asked for: its own tag.
    let (room, code, _) = room_created(
        post_room(
            &server,
            json!({"lang": "ES-mx"}),
            &[("accept-language", "de")],
        )
        .await,
    )
    .await;
    assert_eq!(room["settings"]["lang"], "es", "{room}");
    let (lang, _) = host_page(&server, &code).await;
    assert_eq!(lang, "es", "the projector in the room's language");
    // Not offered: refused, in the asker's language.
    let (status, body) = status_and_json(
        post_room(&server, json!({"lang": "xx"}), &[("accept-language", "de")]).await,
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], "unknown_lang", "{body}");
    let message = body["message"].as_str().unwrap_or("");
    assert!(
        message.contains("Deutsch, Español"),
        "names the languages: {message}"
    );
    assert!(message.starts_with("Diese Sprache"), "in German: {message}");
}

#[tokio::test]
async fn the_host_changes_the_rooms_language_in_the_lobby_and_a_restart_keeps_it() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder());
    let (code, key) = create_room(&server, json!({"rounds": 1, "lang": "en"})).await;
    let mut host = connect_host(&server, &code, &key).await;
    assert_eq!(host.state["settings"]["lang"], "en", "{}", host.state);
    let (mut ann, _) = join(&server, &code, "Ann").await;

    // A phone cannot; the host can.
    ann.send(json!({"type": "configure", "lang": "es"})).await;
    assert_eq!(ann.recv_error().await, "not_host");
    host.send(json!({"type": "configure", "lang": "de"})).await;
    let lobby = loop {
        let m = host.recv_type("lobby").await;
        if m["settings"]["lang"] == "de" {
            break m;
        }
    };
    assert_eq!(lobby["settings"]["rounds"], 1, "the rest kept: {lobby}");
    let (lang, page) = host_page(&server, &code).await;
    assert_eq!(lang, "de", "the projector follows the room");
    assert!(
        page.contains("\"host-start\""),
        "the page carries its host messages"
    );
    // The emcee's remote is the emcee's own language, not the room's.
    let remote = server
        .http
        .get(server.url(&format!("/remote/{code}")))
        .header("accept-language", "es-ES,es")
        .send()
        .await
        .expect("GET /remote")
        .text()
        .await
        .unwrap();
    assert!(remote.contains("<html lang=\"es\""), "{remote}");
    assert!(
        remote.contains("\"remote-start\""),
        "its messages: {remote}"
    );

    // Not offered: refused with its code, in the host socket's language.
    let mut de_host = TestClient::connect(&server, &code, "host-de").await;
    de_host
        .send(json!({"type": "hello", "key": key, "lang": "de"}))
        .await;
    de_host.recv_type("state").await;
    de_host
        .send(json!({"type": "configure", "lang": "klingon"}))
        .await;
    let e = de_host.recv_type("error").await;
    assert_eq!(e["code"], "unknown_lang", "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap_or("")
            .contains("English, Deutsch, Español"),
        "{e}"
    );
    // The host's other refusals in its language too (same codes).
    de_host
        .send(json!({"type": "configure", "rounds": 0}))
        .await;
    let e = de_host.recv_type("error").await;
    assert_eq!(e["code"], "bad_request", "{e}");
    assert_eq!(
        e["message"],
        "Die Rundenzahl muss zwischen 1 und 200 liegen."
    );
    de_host
        .send(json!({"type": "kick", "player_id": 999}))
        .await;
    let e = de_host.recv_type("error").await;
    assert_eq!(e["code"], "unknown_player", "{e}");
    assert_eq!(
        e["message"],
        "Diese Person spielt in diesem Raum nicht mit."
    );
    drop(de_host);

    // kill -9: the room comes back in German.
    drop((host, ann));
    let server = server.restart_after_kill9();
    let mut host = connect_host(&server, &code, &key).await;
    assert_eq!(host.state["settings"]["lang"], "de", "{}", host.state);
    let (lang, _) = host_page(&server, &code).await;
    assert_eq!(lang, "de", "after a restart");

    // Only in the lobby, like every setting.
    let (_bob, _) = join(&server, &code, "Bob").await;
    host.send(json!({"type": "start_round"})).await;
    host.recv_type("round").await;
    host.send(json!({"type": "configure", "lang": "es"})).await;
    assert_eq!(host.recv_error().await, "wrong_phase");
}
