//! An event's settings applied on the real server: its guest code opens its
//! rooms, photos and solo (the server's `--event-code` the built-in
//! class's), and its "solo open" decides whether guests may play solo.

use super::*;

const SERVER_CODE: &str = "server words";

/// `method path` with the organiser's `cookie` and a JSON body.
async fn as_organiser(
    server: &TestServer,
    cookie: &str,
    method: reqwest::Method,
    path: &str,
    body: &Value,
) -> (u16, Value) {
    let r = server
        .http
        .request(method, server.url(path))
        .header("Cookie", cookie)
        .json(body)
        .send()
        .await
        .unwrap();
    status_and_json(r).await
}

/// A new event with `people`, made by the organiser; its id.
async fn event_with(
    server: &TestServer,
    cookie: &str,
    title: &str,
    people: &[(&str, &str, Option<usize>)],
) -> u64 {
    let post = reqwest::Method::POST;
    let (status, r) = as_organiser(
        server,
        cookie,
        post.clone(),
        "/api/organise/reunions",
        &json!({"title": title}),
    )
    .await;
    assert_eq!(status, 201, "{r}");
    let id = r["id"].as_u64().unwrap();
    for (name, gender, photo) in people {
        let photos: Vec<Value> = photo
            .iter()
            .map(|&i| json!({"data": portrait_b64(i)}))
            .collect();
        let (status, p) = as_organiser(
            server,
            cookie,
            post.clone(),
            &format!("/api/organise/reunions/{id}/people"),
            &json!({"name": name, "gender": gender, "photos": photos}),
        )
        .await;
        assert_eq!(status, 201, "{p}");
    }
    id
}

async fn set(server: &TestServer, cookie: &str, id: u64, patch: Value) -> (u16, Value) {
    as_organiser(
        server,
        cookie,
        reqwest::Method::PATCH,
        &format!("/api/organise/reunions/{id}"),
        &patch,
    )
    .await
}

/// A room of event `id` (0: the built-in class), made by the organiser
/// (who needs no guest code); its code and host key.
async fn room_of(server: &TestServer, cookie: &str, id: u64) -> (String, String) {
    let path = if id == 0 {
        format!("/api/rooms?event={}", SERVER_CODE.replace(' ', "+"))
    } else {
        "/api/rooms".to_string()
    };
    let r = server
        .http
        .post(server.url(&path))
        .header("Cookie", cookie)
        .json(&json!({"reunion": id}))
        .send()
        .await
        .unwrap();
    let (_, code, key) = room_created(r).await;
    (code, key)
}

/// `POST /event` (the code form) without following the redirect.
async fn type_code(server: &TestServer, code: &str, next: &str) -> reqwest::Response {
    post_form(
        server,
        "/event",
        &format!(
            "code={}&next={}",
            code.replace(' ', "+"),
            next.replace('/', "%2F")
        ),
    )
    .await
}

/// The `name=value` of a `Set-Cookie` named `name`.
fn cookie_named(r: &reqwest::Response, name: &str) -> String {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")))
        .and_then(|c| c.split(';').next())
        .unwrap_or_else(|| panic!("no {name} cookie set"))
        .to_string()
}

fn settings_server(extra: &[&str]) -> TestServer {
    let mut b = TestServer::builder().arg("--admin-password").arg(PW);
    for a in extra {
        b = b.arg(*a);
    }
    b.in_process().start()
}

/// Whether a phone gets into room `code` over a WebSocket at `url`.
async fn phone_joins(url: &str, name: &str) -> bool {
    let mut c = match TestClient::connect_url(url, None, name).await {
        Ok(c) => c,
        Err(e) => {
            // Shown with a failure: a refusal and a slow machine look alike.
            eprintln!("{name} at {url}: no connection: {e:?}");
            return false;
        }
    };
    c.send(json!({"type": "join", "name": name})).await;
    let answer = c.recv_significant().await;
    eprintln!("{name} at {url}: {answer}");
    answer["type"] == "welcome"
}

/// A guest's `POST /api/solo/round` with `body`.
async fn guest_round(server: &TestServer, body: Value) -> (u16, Value) {
    server.post_json("/api/solo/round", &body).await
}

#[tokio::test]
async fn each_events_rooms_open_with_its_own_code_and_the_built_in_class_with_the_servers() {
    let server = settings_server(&["--event-code", SERVER_CODE]);
    let org = log_in(&server).await;
    let a = event_with(&server, &org, "Archer High", &CLASS_A).await;
    let b = event_with(&server, &org, "Baker High", &CLASS_B).await;
    let (status, v) = set(&server, &org, a, json!({"guest_code": "Alpha One"})).await;
    assert_eq!(
        (status, &v["reunion"]["guest_code"]),
        (200, &json!("Alpha One"))
    );
    set(&server, &org, b, json!({"guest_code": "bravo two"})).await;
    let (room_a, key_a) = room_of(&server, &org, a).await;
    let (room_b, _) = room_of(&server, &org, b).await;
    let (room_0, _) = room_of(&server, &org, 0).await;
    let http = no_redirect_client();

    // Event A's room: A's code only (case and spaces as typed do not matter).
    let join_a = format!("/join/{room_a}");
    for wrong in ["bravo+two", "server+words", "alpha"] {
        let r = fetch(&http, server.url(&format!("{join_a}?event={wrong}"))).await;
        assert_eq!(r.status().as_u16(), 401, "{wrong} does not open A's room");
    }
    let r = type_code(&server, "bravo two", &join_a).await;
    assert_eq!(r.status().as_u16(), 401);
    let html = r.text().await.unwrap();
    assert!(html.contains("That is not the code"), "says so: {html}");
    let r = type_code(&server, "  alpha   ONE", &join_a).await;
    assert_eq!(r.status().as_u16(), 303, "A's code opens A's room");
    assert_eq!(header(&r, "location"), join_a);
    let guest_a = cookie_named(&r, &format!("yearbook_event_{a}"));
    let r = fetch_with_cookie(&http, server.url(&join_a), &guest_a).await;
    assert_eq!(r.status().as_u16(), 200);
    let (status, v) = status_and_json(
        fetch_with_cookie(&http, server.url(&format!("/api/rooms/{room_a}")), &guest_a).await,
    )
    .await;
    assert_eq!((status, &v["reunion"]["id"]), (200, &json!(a)), "{v}");
    // …but not B's room, nor the built-in class's, nor the server's pages.
    for path in [
        format!("/join/{room_b}"),
        format!("/join/{room_0}"),
        "/".to_string(),
    ] {
        let r = fetch_with_cookie(&http, server.url(&path), &guest_a).await;
        assert_eq!(r.status().as_u16(), 401, "A's code does not open {path}");
    }
    let room_b_info = server.url(&format!("/api/rooms/{room_b}"));
    let answer = status_and_json(fetch_with_cookie(&http, room_b_info, &guest_a).await).await;
    assert_refused(answer.0, &answer.1, 401, "event_code_required");

    // The join link on A's host screen carries A's code.
    let host = fetch_with_cookie(&http, server.url(&format!("/host/{room_a}")), &org).await;
    assert_eq!(host.status().as_u16(), 200, "the organiser needs no code");
    let html = host.text().await.unwrap();
    assert!(
        html.contains("event=alpha%20one"),
        "A's code in the QR link"
    );

    // The phone's WebSocket: A's code (or its cookie), not another one.
    let ws_a = server.ws_url(&room_a);
    assert!(!phone_joins(&format!("{ws_a}?event=bravo+two"), "Zed").await);
    assert!(!phone_joins(&format!("{ws_a}?event=server+words"), "Zed").await);
    assert!(phone_joins(&format!("{ws_a}?event=alpha+one"), "Ann").await);

    // A's photos need A's code; the server's code shows none of them.
    let mut phone = TestClient::connect_url(&format!("{ws_a}?event=alpha+one"), None, "Bea")
        .await
        .unwrap();
    phone.send(json!({"type": "join", "name": "Bea"})).await;
    phone.recv_type("welcome").await;
    let mut host = connect_host(&server, &format!("{room_a}?event=alpha+one"), &key_a).await;
    host.send(json!({"type": "start_round"})).await;
    let round = phone.recv_type("round").await;
    let photo = server.abs(round["choices"][0]["thumb"].as_str().unwrap());
    assert_eq!(fetch(&http, &photo).await.status().as_u16(), 401);
    let server_cookie = {
        let r = type_code(&server, SERVER_CODE, "/").await;
        assert_eq!(r.status().as_u16(), 303);
        cookie_named(&r, "yearbook_event")
    };
    let r = fetch_with_cookie(&http, &photo, &server_cookie).await;
    assert_eq!(r.status().as_u16(), 401, "the server's code is not A's");
    let r = fetch_with_cookie(&http, &photo, &guest_a).await;
    assert_eq!(r.status().as_u16(), 200, "A's cookie shows A's photo");

    // The built-in class: the server's code, as before; not A's.
    let r = fetch(
        &http,
        server.url(&format!("/join/{room_0}?event=alpha+one")),
    )
    .await;
    assert_eq!(r.status().as_u16(), 401);
    let r = fetch_with_cookie(
        &http,
        server.url(&format!("/join/{room_0}")),
        &server_cookie,
    )
    .await;
    assert_eq!(r.status().as_u16(), 200);
    let r = fetch_with_cookie(
        &http,
        server.url(&format!("/join/{room_b}")),
        &server_cookie,
    )
    .await;
    assert_eq!(r.status().as_u16(), 401, "B has its own code");
}

#[tokio::test]
async fn an_event_without_a_code_is_guarded_by_the_servers_and_a_changed_code_keeps_rooms_playing()
{
    let server = settings_server(&["--event-code", SERVER_CODE]);
    let org = log_in(&server).await;
    let a = event_with(&server, &org, "Archer High", &CLASS_A).await;
    let (room, key) = room_of(&server, &org, a).await;
    let http = no_redirect_client();
    let join_page = format!("/join/{room}");
    let r = fetch(&http, server.url(&join_page)).await;
    assert_eq!(r.status().as_u16(), 401, "no code of its own: the server's");
    let r = fetch(
        &http,
        server.url(&format!("{join_page}?event=server+words")),
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let server_cookie = cookie_named(&r, "yearbook_event");
    // A phone in that room, and a photo it was shown.
    let older_ws = format!("{}?event=server+words", server.ws_url(&room));
    let mut phone = TestClient::connect_url(&older_ws, None, "Ann")
        .await
        .unwrap();
    phone.send(json!({"type": "join", "name": "Ann"})).await;
    phone.recv_type("welcome").await;
    let mut host = connect_host(&server, &format!("{room}?event=server+words"), &key).await;
    host.send(json!({"type": "start_round"})).await;
    let round = phone.recv_type("round").await;
    let photo = server.abs(round["choices"][0]["thumb"].as_str().unwrap());

    set(&server, &org, a, json!({"guest_code": "alpha one"})).await;
    let r = fetch_with_cookie(&http, &photo, &server_cookie).await;
    assert_eq!(r.status().as_u16(), 200, "its phones still see its photos");
    assert_eq!(fetch(&http, &photo).await.status().as_u16(), 401);
    // The room made before the event had a code keeps its door (the
    // server's code), and the event's new code opens it too.
    for code in ["server+words", "alpha+one"] {
        let r = fetch(&http, server.url(&format!("{join_page}?event={code}"))).await;
        assert_eq!(r.status().as_u16(), 303, "{code} opens the older room");
    }
    let (running, _) = room_of(&server, &org, a).await;
    let r = type_code(&server, "alpha one", &format!("/join/{running}")).await;
    assert_eq!(r.status().as_u16(), 303);
    let guest = cookie_named(&r, &format!("yearbook_event_{a}"));
    let ws = server.ws_url(&running);
    assert!(phone_joins(&format!("{ws}?event=alpha+one"), "Ann").await);

    // The organiser changes the code while that room runs.
    let (status, v) = set(&server, &org, a, json!({"guest_code": "alpha two"})).await;
    assert_eq!(status, 200, "{v}");
    let (newer, _) = room_of(&server, &org, a).await;
    // The running room: the QR code it showed still opens it, the new code
    // too, and a phone already in comes back in.
    assert!(phone_joins(&format!("{ws}?event=alpha+one"), "Bea").await);
    assert!(phone_joins(&format!("{ws}?event=alpha+two"), "Cid").await);
    let r = fetch_with_cookie(&http, server.url(&format!("/join/{running}")), &guest).await;
    assert_eq!(r.status().as_u16(), 200, "who got in stays in");
    // A room made after the change: the new code only.
    let newer_ws = server.ws_url(&newer);
    assert!(!phone_joins(&format!("{newer_ws}?event=alpha+one"), "Dot").await);
    assert!(phone_joins(&format!("{newer_ws}?event=alpha+two"), "Dot").await);

    // Removing the code: the server's code guards the event again.
    let (status, v) = set(&server, &org, a, json!({"guest_code": null})).await;
    assert_eq!((status, &v["reunion"]["guest_code"]), (200, &Value::Null));
    assert!(phone_joins(&format!("{newer_ws}?event=server+words"), "Eve").await);
}

#[tokio::test]
async fn guest_codes_a_phone_cannot_type_or_too_long_are_refused_in_a_sentence() {
    let server = settings_server(&[]);
    let org = log_in(&server).await;
    let a = event_with(&server, &org, "Archer High", &[]).await;
    for (code, says) in [
        ("x".repeat(41), "at most 40"),
        ("party 🎉".to_string(), "letters, digits"),
        ("tab\there".to_string(), "letters, digits"),
        ("ab".to_string(), "at least 4"),
    ] {
        let (status, v) = set(&server, &org, a, json!({"guest_code": code})).await;
        assert_refused(status, &v, 400, "invalid");
        let message = v["message"].as_str().unwrap();
        assert!(message.contains(says), "{code:?}: {message}");
    }
    let (status, v) = set(&server, &org, a, json!({"guest_code": "Café d'Été 1986"})).await;
    assert_eq!(
        (status, &v["reunion"]["guest_code"]),
        (200, &json!("Café d'Été 1986")),
        "{v}"
    );
    let (status, v) = set(&server, &org, a, json!({"guest_code": "  "})).await;
    assert_eq!(
        (status, &v["reunion"]["guest_code"]),
        (200, &Value::Null),
        "blank: none"
    );
}

#[tokio::test]
async fn solo_on_an_event_is_for_guests_only_when_the_event_opens_it() {
    let server = settings_server(&["--solo", "off"]);
    let org = log_in(&server).await;
    let a = event_with(&server, &org, "Archer High", &CLASS_A).await;
    let b = event_with(&server, &org, "Baker High", &CLASS_B).await;
    let (_, shown) = as_organiser(
        &server,
        &org,
        reqwest::Method::GET,
        &format!("/api/organise/reunions/{a}"),
        &json!({}),
    )
    .await;
    assert_eq!(shown["reunion"]["solo_open"], false, "new events: closed");

    // Closed: a guest is told so, in the API and on the page.
    let closed = guest_round(&server, json!({"reunion": a})).await;
    let (status, v) = closed;
    assert_refused(status, &v, 403, "solo_off");
    assert!(v["message"].as_str().unwrap().contains("this event"), "{v}");
    let page = server.get(&format!("/solo?reunion={a}")).await;
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Solo play is closed for this event"),
        "{html}"
    );
    assert!(!html.contains("solo.js"), "no game script: {html}");
    // The organiser's preview plays all the same.
    let (status, round) = as_organiser(
        &server,
        &org,
        reqwest::Method::POST,
        "/api/solo/round",
        &json!({"reunion": a}),
    )
    .await;
    assert_eq!(status, 200, "{round}");
    let page = fetch_with_cookie(
        &server.http,
        server.url(&format!("/solo?reunion={a}")),
        &org,
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(page.contains("solo.js"), "the preview plays: {page}");

    // Open: guests play A's class (and only A's); B and the built-in class
    // stay closed.
    let (status, v) = set(&server, &org, a, json!({"solo_open": true})).await;
    assert_eq!(
        (status, &v["reunion"]["solo_open"]),
        (200, &json!(true)),
        "{v}"
    );
    let (status, round) = server
        .post_json("/api/solo/round", &json!({"reunion": a}))
        .await;
    assert_eq!(status, 200, "{round}");
    let name = round["name"].as_str().unwrap();
    assert!(CLASS_A.iter().any(|p| p.0 == name), "{name}");
    let (status, answer) = server
        .post_json(
            "/api/solo/answer",
            &json!({"round_id": round["round_id"], "choice": 0}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let html = server
        .get(&format!("/solo?reunion={a}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("solo.js"), "{html}");
    for body in [json!({"reunion": b}), json!({})] {
        let (status, v) = guest_round(&server, body).await;
        assert_refused(status, &v, 403, "solo_off");
    }

    // With a guest code, solo on A needs it too.
    set(&server, &org, a, json!({"guest_code": "alpha one"})).await;
    let (status, v) = guest_round(&server, json!({"reunion": a})).await;
    assert_refused(status, &v, 401, "event_code_required");
    let (status, v) = server
        .post_json("/api/solo/round?event=alpha+one", &json!({"reunion": a}))
        .await;
    assert_eq!(status, 200, "{v}");
}

#[tokio::test]
async fn after_kill_9_an_events_room_still_opens_with_its_code_only() {
    let server = TestServer::builder()
        .arg("--admin-password")
        .arg(PW)
        .start();
    let org = log_in(&server).await;
    let a = event_with(&server, &org, "Archer High", &CLASS_A).await;
    set(&server, &org, a, json!({"guest_code": "alpha one"})).await;
    let (room, _) = room_of(&server, &org, a).await;
    let server = server.restart_after_kill9();
    let ws = server.ws_url(&room);
    assert!(!phone_joins(&ws, "Zed").await, "no code, no entry");
    assert!(!phone_joins(&format!("{ws}?event=alpha+two"), "Zed").await);
    assert!(phone_joins(&format!("{ws}?event=alpha+one"), "Ann").await);
    let (status, v) = set(&server, &org, a, json!({"solo_open": true})).await;
    assert_eq!(status, 200, "the organiser's cookie survives too: {v}");
}

/// Then & now (issue 21): a guest's photo of today sent in an event's room
/// is behind that event's door, like the room and its yearbook photos.
#[tokio::test]
async fn a_guests_photo_of_today_opens_with_its_events_code_only() {
    let server = settings_server(&["--event-code", SERVER_CODE]);
    let org = log_in(&server).await;
    let a = event_with(&server, &org, "Archer High", &CLASS_A).await;
    set(&server, &org, a, json!({"guest_code": "Alpha One"})).await;
    let (room_a, _) = room_of(&server, &org, a).await;
    let ws = format!("{}?event=alpha+one", server.ws_url(&room_a));
    let mut phone = TestClient::connect_url(&ws, None, "Ann").await.unwrap();
    phone.send(json!({"type": "join", "name": "Ann"})).await;
    let welcome = phone.recv_type("welcome").await;
    let token = welcome["token"].as_str().unwrap();
    let r = server
        .http
        .put(server.url(&format!("/api/rooms/{room_a}/today?event=alpha+one")))
        .bearer_auth(token)
        .body({
            use base64::Engine;
            base64::engine::general_purpose::STANDARD
                .decode(portrait_b64(3))
                .unwrap()
        })
        .send()
        .await
        .unwrap();
    let (status, urls) = status_and_json(r).await;
    assert_eq!(status, 200, "{urls}");
    let thumb = server.abs(urls["thumb"].as_str().unwrap());
    let http = no_redirect_client();
    let guest_a = cookie_named(
        &type_code(&server, "alpha one", &format!("/join/{room_a}")).await,
        &format!("yearbook_event_{a}"),
    );
    assert_eq!(fetch(&http, thumb.as_str()).await.status().as_u16(), 401);
    let r = fetch(&http, format!("{thumb}?event=server+words")).await;
    assert_eq!(r.status().as_u16(), 401, "the server's code is not A's");
    let r = fetch_with_cookie(&http, thumb.as_str(), &guest_a).await;
    assert_eq!(r.status().as_u16(), 200, "A's guests see it");
}
