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
    // A room's settings refused at creation: the asker's language too.
    for (body, lang, code, words) in [
        (
            json!({"rounds": 0}),
            "de",
            "bad_request",
            "Die Rundenzahl muss zwischen 1 und 200",
        ),
        (json!({"seconds": 1}), "es", "bad_request", "300"),
        (
            json!({"mode": "then_to_now"}),
            "es",
            "too_few_today_photos",
            "Antes y ahora",
        ),
    ] {
        let (status, refused) =
            status_and_json(post_room(&server, body.clone(), &[("accept-language", lang)]).await)
                .await;
        assert_eq!(status, 400, "{body}: {refused}");
        assert_eq!(refused["error"], code, "{body}: {refused}");
        let message = refused["message"].as_str().unwrap_or("");
        let english = status_and_json(post_room(&server, body.clone(), &[]).await)
            .await
            .1["message"]
            .as_str()
            .unwrap_or("")
            .to_string();
        assert!(message.contains(words), "{body} in {lang}: {message}");
        assert_ne!(message, english, "{body} not in English: {message}");
    }
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

/// A phone that joined in `lang`: the client and its `welcome`.
async fn join_in(
    server: &TestServer,
    code: &str,
    name: &str,
    lang: &str,
) -> (TestClient, serde_json::Value) {
    let mut c = TestClient::connect(server, code, name).await;
    c.send(json!({"type": "join", "name": name, "lang": lang}))
        .await;
    let welcome = c.recv_type("welcome").await;
    (c, welcome)
}

/// A host screen that said `lang` in its hello.
async fn host_in(server: &TestServer, code: &str, key: &str, lang: &str) -> TestClient {
    let mut c = TestClient::connect(server, code, &format!("host-{lang}")).await;
    c.send(json!({"type": "hello", "key": key, "lang": lang}))
        .await;
    c.recv_type("state").await;
    c
}

/// The `error` a client gets: (code, message).
async fn said(c: &mut TestClient) -> (String, String) {
    let e = c.recv_type("error").await;
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
    (text(&e["code"]), text(&e["message"]))
}

/// The host's settings and then & now refusals, and the `error` before a
/// kick, a replacement or a fifth host screen closes a socket: in each
/// client's language, with the same codes (issue 22).
#[tokio::test]
async fn settings_then_now_and_closing_refusals_follow_the_clients_language() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().in_process());
    let (code, key) = create_room(&server, json!({"lang": "en"})).await;
    let mut hosts = Vec::new();
    let mut heard: Vec<Vec<(String, String)>> = Vec::new();
    for lang in ["en", "de", "es"] {
        let mut host = host_in(&server, &code, &key, lang).await;
        let mut these = Vec::new();
        for mut configure in [
            json!({"rounds": 0}),
            json!({"seconds": 301}),
            json!({"labels": ["no such label"]}),
            json!({"mode": "then_to_now"}),
        ] {
            configure["type"] = json!("configure");
            host.send(configure).await;
            these.push(said(&mut host).await);
        }
        let (mut kicked, w) = join_in(&server, &code, &format!("Kick {lang}"), lang).await;
        host.send(json!({"type": "kick", "player_id": w["player_id"]}))
            .await;
        these.push(said(&mut kicked).await);
        let (mut old, w) = join_in(&server, &code, &format!("Old {lang}"), lang).await;
        let mut new = TestClient::connect(&server, &code, "new").await;
        new.send(json!({"type": "resume", "token": w["token"], "lang": lang}))
            .await;
        new.recv_type("welcome").await;
        these.push(said(&mut old).await);
        heard.push(these);
        hosts.push(host);
    }
    // Four host screens are open (three and this one): a fifth is refused.
    hosts.push(host_in(&server, &code, &key, "en").await);
    for (lang, these) in ["en", "de", "es"].into_iter().zip(heard.iter_mut()) {
        let mut fifth = TestClient::connect(&server, &code, "fifth").await;
        fifth
            .send(json!({"type": "hello", "key": key, "lang": lang}))
            .await;
        these.push(said(&mut fifth).await);
        fifth.expect_close().await;
    }

    let off = server_with(
        &roster,
        TestServer::builder()
            .in_process()
            .arg("--then-now")
            .arg("off"),
    );
    let (off_code, off_key) = create_room(&off, json!({})).await;
    for (lang, these) in ["en", "de", "es"].into_iter().zip(heard.iter_mut()) {
        let mut host = host_in(&off, &off_code, &off_key, lang).await;
        host.send(json!({"type": "configure", "mode": "now_to_then"}))
            .await;
        these.push(said(&mut host).await);
    }

    let codes = [
        "bad_request",
        "bad_request",
        "bad_request",
        "too_few_today_photos",
        "kicked",
        "replaced",
        "too_many_hosts",
        "then_now_off",
    ];
    let english = [
        "Rounds must be between 1 and 200.",
        "Seconds must be between 2 and 300.",
        "No photo of this class has that label.",
        "Then & now needs at least four classmates who said who they are and added today's photo; 0 so far.",
        "The host removed you from this game.",
        "You continued on another connection.",
        "This game already has 4 host screens open (projector and remotes): close one and try again.",
        "Then & now is switched off for this event: choose another mode.",
    ];
    let german = [
        "Die Rundenzahl muss zwischen 1 und 200 liegen.",
        "Die Sekunden müssen zwischen 2 und 300 liegen.",
        "Kein Foto dieser Klasse hat diese Beschriftung.",
        "Damals & heute braucht mindestens vier aus der Klasse, die gesagt haben, wer sie sind, und ein Foto von heute geschickt haben; bisher noch niemand.",
        "Die Spielleitung hat dich aus diesem Spiel entfernt.",
        "Du spielst auf einer anderen Verbindung weiter.",
        "Dieses Spiel hat schon 4 Bildschirme der Spielleitung offen (Beamer und Fernbedienungen): Schließ einen und versuch es noch einmal.",
        "Damals & heute ist für diese Veranstaltung ausgeschaltet: Wähl eine andere Spielart.",
    ];
    let spanish = [
        "Las rondas deben estar entre 1 y 200.",
        "Los segundos deben estar entre 2 y 300.",
        "Ninguna foto de esta clase tiene esa etiqueta.",
        "Antes y ahora necesita al menos cuatro compañeros que hayan dicho quiénes son y añadido su foto de hoy; todavía no hay ninguno.",
        "Quien presenta te ha sacado de esta partida.",
        "Sigues en otra conexión.",
        "Este juego ya tiene 4 pantallas de presentador abiertas (proyector y mandos): cierra una y vuelve a intentarlo.",
        "Antes y ahora está desactivado en este evento: elige otro modo.",
    ];
    for (these, messages) in heard.iter().zip([english, german, spanish]) {
        let expected: Vec<(String, String)> = codes
            .iter()
            .zip(messages)
            .map(|(c, m)| (c.to_string(), m.to_string()))
            .collect();
        assert_eq!(these, &expected);
    }
}
