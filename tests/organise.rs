//! The organiser's area (`/organise`, `/api/organise/…`) on the real
//! server: who gets in (password, loopback, closed), pacing, origins, and
//! that a guest never does.

#[path = "organise/addphoto.rs"]
mod addphoto;
#[path = "organise/cap.rs"]
mod cap;
#[path = "organise/class_pages.rs"]
mod class_pages;
mod common;
#[path = "organise/disk.rs"]
mod disk;
#[path = "organise/file_names.rs"]
mod file_names;
#[path = "organise/fixes.rs"]
mod fixes;
#[path = "organise/framing.rs"]
mod framing;
#[path = "organise/lang.rs"]
mod lang;
#[path = "organise/namelist.rs"]
mod namelist;
#[path = "organise/photorev.rs"]
mod photorev;
#[path = "organise/settings.rs"]
mod settings;
#[path = "organise/thennow_settings.rs"]
mod thennow_settings;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::Duration;

use common::*;
use serde_json::{Value, json};

const PW: &str = "correct horse";

fn password_server() -> TestServer {
    TestServer::builder()
        .arg("--admin-password")
        .arg(PW)
        .in_process()
        .start()
}

/// `POST path` as a form, without following redirects.
async fn post_form(server: &TestServer, path: &str, form: &str) -> reqwest::Response {
    no_redirect_client()
        .post(server.url(path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form.to_string())
        .send()
        .await
        .expect("POST")
}

/// The `name=value` part of the organiser's `Set-Cookie`.
fn organiser_cookie(r: &reqwest::Response) -> String {
    let set = header(r, "set-cookie");
    assert!(
        set.starts_with("yearbook_organiser="),
        "no organiser cookie: {set:?}"
    );
    set.split(';').next().unwrap().to_string()
}

/// Logs in with the admin password; the cookie to send.
pub async fn log_in(server: &TestServer) -> String {
    let r = post_form(
        server,
        "/organise/login",
        &format!("password={}", PW.replace(' ', "+")),
    )
    .await;
    assert_eq!(r.status().as_u16(), 303, "login redirects");
    organiser_cookie(&r)
}

/// Asserts an error answer `v`: its status and its `error` code.
#[track_caller]
fn assert_refused(status: u16, v: &Value, want: u16, code: &str) {
    assert_eq!((status, v["error"].as_str()), (want, Some(code)), "{v}");
}

async fn whoami(server: &TestServer, cookie: Option<&str>) -> (u16, Value) {
    let mut req = server.http.get(server.url("/api/organise/whoami"));
    if let Some(c) = cookie {
        req = req.header("Cookie", c);
    }
    status_and_json(req.send().await.unwrap()).await
}

#[tokio::test]
async fn the_password_opens_the_organiser_area_and_a_signed_strict_cookie_keeps_it_open() {
    let server = password_server();
    let (status, v) = whoami(&server, None).await;
    assert_refused(status, &v, 401, "organiser_only");
    let page = server.get("/organise").await;
    assert_eq!(page.status().as_u16(), 401);
    let html = page.text().await.unwrap();
    assert!(html.contains("name=\"password\""), "a login form: {html}");

    let wrong = post_form(&server, "/organise/login", "password=nope").await;
    assert_eq!(wrong.status().as_u16(), 401);
    assert!(header(&wrong, "set-cookie").is_empty());
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("not the organiser password")
    );

    let r = post_form(&server, "/organise/login", "password=correct+horse").await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(header(&r, "location"), "/organise");
    let set = header(&r, "set-cookie");
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set.contains(attr), "{attr} in {set}");
    }
    assert!(!set.contains("Secure"), "plain http: no Secure");
    let cookie = organiser_cookie(&r);
    let (status, v) = whoami(&server, Some(&cookie)).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["scope"], "all");
    assert_eq!(v["mode"], "password");
    let page = fetch_with_cookie(&server.http, server.url("/organise"), &cookie).await;
    assert_eq!(page.status().as_u16(), 200);

    // A forged or altered cookie is nobody.
    let forged = format!(
        "{}0",
        cookie.trim_end_matches(|c: char| c.is_ascii_hexdigit())
    );
    assert_eq!(whoami(&server, Some(&forged)).await.0, 401);

    // JSON works too, for scripts.
    let (status, v) = server
        .post_json("/organise/login", &json!({"password": PW}))
        .await;
    assert_eq!((status, v["organiser"].as_str()), (200, Some("all")), "{v}");
    let (status, v) = server
        .post_json("/organise/login", &json!({"password": "x"}))
        .await;
    assert_refused(status, &v, 401, "wrong_password");
}

#[tokio::test]
async fn the_cookie_lives_under_the_base_path() {
    let server = TestServer::builder()
        .arg("--admin-password")
        .arg(PW)
        .base_path("/r/1986")
        .in_process()
        .start();
    let cookie_r = post_form(&server, "/organise/login", "password=correct+horse").await;
    assert_eq!(header(&cookie_r, "location"), "/r/1986/organise");
    assert!(header(&cookie_r, "set-cookie").contains("Path=/r/1986"));
    let cookie = organiser_cookie(&cookie_r);
    assert_eq!(whoami(&server, Some(&cookie)).await.0, 200);
}

#[tokio::test]
async fn wrong_passwords_are_paced_per_address_and_then_even_the_right_one_waits() {
    let server = password_server();
    for _ in 0..10 {
        let (status, _) = server
            .post_json("/organise/login", &json!({"password": "guess"}))
            .await;
        assert_eq!(status, 401);
    }
    let (status, v) = server
        .post_json("/organise/login", &json!({"password": PW}))
        .await;
    assert_refused(status, &v, 429, "rate_limited");
    let page = post_form(&server, "/organise/login", "password=correct+horse").await;
    assert_eq!(page.status().as_u16(), 429);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("Too many wrong passwords")
    );
}

#[tokio::test]
async fn on_loopback_without_a_password_the_local_user_organises() {
    let server = TestServer::builder().in_process().start();
    let (status, v) = whoami(&server, None).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["mode"], "loopback");
    let page = server.get("/organise").await;
    assert_eq!(page.status().as_u16(), 200);
    assert!(page.text().await.unwrap().contains("Your events"));
}

#[tokio::test]
async fn the_list_page_offers_a_new_event_from_a_roster_zip() {
    let server = TestServer::builder().in_process().start();
    let page = server.get("/organise").await.text().await.unwrap();
    assert!(
        page.contains(r#"id="zip-form""#) && page.contains(r#"id="zip-file""#),
        "{page}"
    );
    let script = local_links(&page)
        .into_iter()
        .find(|l| l.contains("organise-zip"))
        .unwrap_or_else(|| panic!("no zip script in {page}"));
    let js = server.http.get(server.abs(&script)).send().await.unwrap();
    assert_eq!(js.status().as_u16(), 200, "{script}");
    assert!(
        js.text()
            .await
            .unwrap()
            .contains("/api/organise/reunions/from-roster")
    );
}

#[tokio::test]
async fn behind_a_trusted_proxy_being_local_proves_nothing() {
    let server = TestServer::builder()
        .arg("--trust-proxy")
        .in_process()
        .start();
    let (status, v) = whoami(&server, None).await;
    assert_refused(status, &v, 403, "organiser_closed");
    assert!(v["message"].as_str().unwrap().contains("proxy"), "{v}");
}

/// F27: behind a trusted proxy that says the login came over https, the
/// organiser's cookie is `Secure`; an untrusted peer's say-so changes nothing.
#[tokio::test]
async fn a_login_over_https_through_a_trusted_proxy_gets_a_secure_cookie() {
    let login = |server: &TestServer, proto: &str| {
        no_redirect_client()
            .post(server.url("/organise/login"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("X-Forwarded-Proto", proto)
            .body("password=correct+horse")
            .send()
    };
    let behind = TestServer::builder()
        .arg("--trust-proxy")
        .arg("--admin-password")
        .arg("correct horse")
        .in_process()
        .start();
    let r = login(&behind, "https").await.expect("POST");
    assert_eq!(r.status().as_u16(), 303);
    let set = header(&r, "set-cookie");
    assert!(set.contains("; Secure"), "https at the proxy: {set}");
    let r = login(&behind, "http").await.expect("POST");
    assert!(!header(&r, "set-cookie").contains("Secure"), "plain http");

    let direct = TestServer::builder()
        .arg("--admin-password")
        .arg("correct horse")
        .in_process()
        .start();
    let r = login(&direct, "https").await.expect("POST");
    assert_eq!(r.status().as_u16(), 303);
    let set = header(&r, "set-cookie");
    assert!(!set.contains("Secure"), "no proxy trusted: {set}");
}

#[tokio::test]
async fn a_foreign_origin_never_drives_the_organiser() {
    let server = TestServer::start();
    for path in ["/organise/logout", "/organise/login"] {
        let r = no_redirect_client()
            .post(server.url(path))
            .header("Origin", "http://evil.example")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("password=x")
            .send()
            .await
            .unwrap();
        let (status, v) = status_and_json(r).await;
        assert_eq!(
            (status, v["error"].as_str()),
            (403, Some("bad_origin")),
            "{path} {v}"
        );
    }
    // The local user's own browser, driven by another site: refused too.
    let (status, r) = server
        .post_json("/api/organise/reunions", &json!({"title": "Ours"}))
        .await;
    assert_eq!(status, 201, "{r}");
    // Every organiser route that changes something: the guard answers
    // before any handler or extractor runs, whatever the route.
    let id = &r["id"];
    let (post, patch, put, delete) = (
        reqwest::Method::POST,
        reqwest::Method::PATCH,
        reqwest::Method::PUT,
        reqwest::Method::DELETE,
    );
    let routes = [
        (post.clone(), "/organise/reunions".to_string()),
        (post.clone(), "/organise/invite/x".to_string()),
        (post.clone(), "/api/organise/reunions".to_string()),
        (
            post.clone(),
            "/api/organise/reunions/from-roster".to_string(),
        ),
        (patch.clone(), format!("/api/organise/reunions/{id}")),
        (post.clone(), format!("/api/organise/reunions/{id}/invites")),
        (post.clone(), format!("/api/organise/reunions/{id}/people")),
        (
            patch.clone(),
            format!("/api/organise/reunions/{id}/people/1"),
        ),
        (
            delete.clone(),
            format!("/api/organise/reunions/{id}/people/1"),
        ),
        (
            put,
            format!("/api/organise/reunions/{id}/people/1/photos/0"),
        ),
        (
            post.clone(),
            format!("/api/organise/reunions/{id}/people/1/photos/0/rotate"),
        ),
        (
            post.clone(),
            format!("/api/organise/reunions/{id}/people/batch"),
        ),
        (post.clone(), "/api/organise/namelist/preview".to_string()),
        (
            post.clone(),
            format!("/api/organise/reunions/{id}/namelist/preview"),
        ),
        (
            post.clone(),
            format!("/api/organise/reunions/{id}/namelist/apply"),
        ),
        (post.clone(), format!("/api/organise/reunions/{id}/uploads")),
        (
            post.clone(),
            format!("/api/organise/reunions/{id}/uploads/add"),
        ),
        (post, "/api/organise/uploads/1/choice".to_string()),
        (patch, "/api/organise/uploads/1".to_string()),
        (delete, "/api/organise/uploads/1".to_string()),
    ];
    for (method, path) in routes {
        let r = server
            .http
            .request(method.clone(), server.url(&path))
            .header("Origin", "http://evil.example")
            .json(&json!({"title": "Theirs"}))
            .send()
            .await
            .unwrap();
        let (status, v) = status_and_json(r).await;
        assert_eq!(
            (status, v["error"].as_str()),
            (403, Some("bad_origin")),
            "{method} {path} {v}"
        );
    }
    let (_, list) = server.get_json("/api/organise/reunions").await;
    assert_eq!(list["reunions"][0]["title"], "Ours", "{list}");
    let same = no_redirect_client()
        .post(server.url("/organise/logout"))
        .header("Origin", server.origin())
        .send()
        .await
        .unwrap();
    assert_eq!(same.status().as_u16(), 303, "its own pages may post");
}

#[tokio::test]
async fn a_guest_with_the_event_code_never_reaches_the_organiser() {
    let server = TestServer::builder()
        .arg("--admin-password")
        .arg(PW)
        .arg("--event-code")
        .arg("lincoln86")
        .in_process()
        .start();
    // The guest's way in: the QR link sets the event cookie.
    let r = fetch(&no_redirect_client(), server.url("/join?event=lincoln86")).await;
    let event_cookie = header(&r, "set-cookie");
    let event_cookie = event_cookie.split(';').next().unwrap().to_string();
    assert!(
        event_cookie.starts_with("yearbook_event="),
        "{event_cookie}"
    );
    let join = fetch_with_cookie(&server.http, server.url("/join"), &event_cookie).await;
    assert_eq!(join.status().as_u16(), 200);
    let cookies = format!("{event_cookie}; {}", header(&join, "set-cookie"));
    let (status, v) = whoami(&server, Some(&cookies)).await;
    assert_refused(status, &v, 401, "organiser_only");
    let page = fetch_with_cookie(&server.http, server.url("/organise"), &cookies).await;
    assert_eq!(page.status().as_u16(), 401);
    assert!(page.text().await.unwrap().contains("Organiser password"));
    // The organiser needs no event code: the password is the key.
    let cookie = log_in(&server).await;
    assert_eq!(whoami(&server, Some(&cookie)).await.0, 200);
}

/// The binary listening on every address (`0.0.0.0`), killed on drop.
struct PublicServer {
    child: Child,
    origin: String,
    _dir: tempfile::TempDir,
}

impl Drop for PublicServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn public_server() -> PublicServer {
    public_server_in(tempfile::tempdir().unwrap())
}

/// [`public_server`] on `dir/t.db` (made by an earlier server, say).
fn public_server_in(dir: tempfile::TempDir) -> PublicServer {
    let mut child = yearbook_cmd()
        .args(["serve", "--addr", "0.0.0.0:0", "--db"])
        .arg(dir.path().join("t.db"))
        .stdout(Stdio::piped())
        .stderr(Stdio::from(
            std::fs::File::create(dir.path().join("stderr.log")).unwrap(),
        ))
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let port = first
        .trim()
        .rsplit(':')
        .next()
        .and_then(|p| p.parse::<u16>().ok())
        .unwrap_or_else(|| panic!("no port in {first:?}"));
    PublicServer {
        child,
        origin: format!("http://127.0.0.1:{port}"),
        _dir: dir,
    }
}

#[tokio::test]
async fn a_public_server_without_a_password_keeps_the_organiser_area_closed_and_says_how_to_open_it()
 {
    let server = public_server();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    // A phone on the venue's Wi-Fi asks by the laptop's LAN address (only
    // the laptop's own browser at 127.0.0.1 gets in: tests/organise/fixes.rs).
    let port = server.origin.rsplit(':').next().unwrap();
    let lan = format!("192.168.1.20:{port}");
    let page = fetch_with_header(&http, format!("{}/organise", server.origin), "Host", &lan).await;
    assert_eq!(page.status().as_u16(), 403);
    let html = page.text().await.unwrap();
    assert!(html.contains("--admin-password"), "{html}");
    assert!(html.contains("YEARBOOK_ADMIN_PASSWORD"), "{html}");
    let r = fetch_with_header(
        &http,
        format!("{}/api/organise/whoami", server.origin),
        "Host",
        &lan,
    )
    .await;
    let (status, v) = status_and_json(r).await;
    assert_refused(status, &v, 403, "organiser_closed");
    let log = std::fs::read_to_string(server._dir.path().join("stderr.log")).unwrap();
    assert!(
        log.contains("--admin-password"),
        "the log says it too: {log}"
    );
}

async fn send_json(
    server: &TestServer,
    method: reqwest::Method,
    path: &str,
    body: &Value,
) -> (u16, Value) {
    let r = server
        .http
        .request(method, server.url(path))
        .json(body)
        .send()
        .await
        .unwrap();
    status_and_json(r).await
}

/// A new reunion with `people` (`(name, gender, portrait)`; no portrait:
/// no photo); its id.
async fn reunion_with(
    server: &TestServer,
    title: &str,
    people: &[(&str, &str, Option<usize>)],
) -> u64 {
    let (status, r) = server
        .post_json("/api/organise/reunions", &json!({"title": title}))
        .await;
    assert_eq!(status, 201, "{r}");
    let id = r["id"].as_u64().unwrap();
    for (name, gender, photo) in people {
        let photos: Vec<Value> = photo
            .iter()
            .map(|&i| json!({"label": "1986", "data": portrait_b64(i)}))
            .collect();
        let (status, p) = server
            .post_json(
                &format!("/api/organise/reunions/{id}/people"),
                &json!({"name": name, "gender": gender, "photos": photos}),
            )
            .await;
        assert_eq!(status, 201, "{p}");
    }
    id
}

/// Event `id`'s people as the organiser's JSON lists them.
async fn people_of(server: &TestServer, id: u64) -> Vec<Value> {
    let (status, r) = server
        .get_json(&format!("/api/organise/reunions/{id}"))
        .await;
    assert_eq!(status, 200, "{r}");
    r["people"].as_array().unwrap().clone()
}

async fn person_named(server: &TestServer, id: u64, name: &str) -> Value {
    let people = people_of(server, id).await;
    people
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {people:?}"))
        .clone()
}

/// Plays one round of `code` with one phone; the prompt's name and whose
/// photos (portrait numbers) the four choices showed.
async fn play_a_round(
    server: &TestServer,
    code: &str,
    key: &str,
    player: &str,
) -> (String, Vec<usize>) {
    let mut host = connect_host(server, code, key).await;
    let (mut phone, _) = join(server, code, player).await;
    host.send(json!({"type": "start_round"})).await;
    let round = phone.recv_type("round").await;
    let name = round["prompt"]["name"].as_str().unwrap().to_string();
    let mut shown = Vec::new();
    for c in round["choices"].as_array().unwrap() {
        shown.push(whose_photo(server, c["thumb"].as_str().unwrap()).await);
    }
    phone.vote(round["round"].as_u64().unwrap(), 0).await;
    host.recv_type("reveal").await;
    (name, shown)
}

const CLASS_A: [(&str, &str, Option<usize>); 5] = [
    ("Ann Archer", "f", Some(0)),
    ("Bea Archer", "f", Some(1)),
    ("Cid Archer", "f", Some(2)),
    ("Dot Archer", "f", Some(3)),
    ("Eve Archer", "f", None),
];
const CLASS_B: [(&str, &str, Option<usize>); 4] = [
    ("Fay Baker", "f", Some(4)),
    ("Gus Baker", "f", Some(5)),
    ("Hal Baker", "f", Some(6)),
    ("Ida Baker", "f", Some(7)),
];

#[tokio::test]
async fn an_event_is_set_up_hosted_played_and_all_of_it_survives_kill_9() {
    let server = TestServer::start();
    let a = reunion_with(&server, "Archer High 1986", &CLASS_A).await;
    let b = reunion_with(&server, "Baker High 1990", &CLASS_B).await;

    // The table: thumbnails for organisers, the check's words on the row.
    let eve = person_named(&server, a, "Eve Archer").await;
    assert_eq!(eve["problems"], json!(["the photo is empty"]), "{eve}");
    let ann = person_named(&server, a, "Ann Archer").await;
    assert_eq!(ann["problems"], json!([]), "{ann}");
    let thumb = ann["photos"][0]["thumb"].as_str().unwrap();
    assert_eq!(identify(&server.fetch_bytes(thumb).await), 0);

    // Edits are versioned: a stale one is refused, naming who and when.
    let path = |p: &Value| format!("/api/organise/reunions/{a}/people/{}", p["id"]);
    let (status, v) = send_json(
        &server,
        reqwest::Method::PATCH,
        &path(&ann),
        &json!({"version": 1, "known_as": "Annie", "by": "Maria"}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["person"]["version"], 2);
    let (status, v) = send_json(
        &server,
        reqwest::Method::PATCH,
        &path(&ann),
        &json!({"version": 1, "known_as": "Nan", "by": "Tom"}),
    )
    .await;
    assert_refused(status, &v, 409, "edited_elsewhere");
    let message = v["message"].as_str().unwrap();
    assert!(
        message.contains("Maria") && message.contains("Ann Archer"),
        "{message}"
    );
    assert_eq!(
        person_named(&server, a, "Ann Archer").await["known_as"],
        "Annie"
    );

    // Deleting marks; undoing is a PATCH.
    let cid = person_named(&server, a, "Cid Archer").await;
    let r = server
        .http
        .delete(server.url(&path(&cid)))
        .send()
        .await
        .unwrap();
    let (status, v) = status_and_json(r).await;
    assert_eq!(
        (status, &v["person"]["deleted"]),
        (200, &json!(true)),
        "{v}"
    );
    let (status, v) = send_json(
        &server,
        reqwest::Method::PATCH,
        &path(&cid),
        &json!({"version": v["person"]["version"], "deleted": false}),
    )
    .await;
    assert_eq!(
        (status, &v["person"]["deleted"]),
        (200, &json!(false)),
        "{v}"
    );
    let eve_path = path(&eve);
    let r = server
        .http
        .delete(server.url(&eve_path))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);

    // Rooms from each event play that event's class only.
    let (room_a, key_a) = create_room(&server, json!({"reunion": a, "rounds": 2})).await;
    let (room_b, key_b) = create_room(&server, json!({"reunion": b, "rounds": 2})).await;
    let (_, info) = server.get_json(&format!("/api/rooms/{room_a}")).await;
    assert_eq!(
        info["reunion"],
        json!({"id": a, "title": "Archer High 1986"}),
        "{info}"
    );
    let (name, shown) = play_a_round(&server, &room_a, &key_a, "Ann's friend").await;
    assert!(name.ends_with("Archer") && name != "Eve Archer", "{name}");
    assert!(shown.iter().all(|&p| p < 4), "A's faces only: {shown:?}");
    let (name, shown) = play_a_round(&server, &room_b, &key_b, "Fay's friend").await;
    assert!(name.ends_with("Baker"), "{name}");
    assert!(
        shown.iter().all(|&p| (4..8).contains(&p)),
        "B's faces only: {shown:?}"
    );
    let (_, list) = server.get_json("/api/organise/reunions").await;
    assert_eq!(list["reunions"][0]["rooms"], 1, "{list}");

    // A photo URL names its reunion: the same URL never shows B's person,
    // and a tampered one shows nobody.
    let mut host = connect_host(&server, &room_b, &key_b).await;
    host.send(json!({"type": "start_round"})).await;
    let round_b = host.recv_type("round").await;
    let url_b = round_b["choices"][0]["thumb"].as_str().unwrap().to_string();
    assert!((4..8).contains(&whose_photo(&server, &url_b).await));
    let stem = url_b.strip_suffix("-thumb.jpg").unwrap();
    let flipped = if stem.ends_with('0') { '1' } else { '0' };
    let forged = format!("{}{flipped}-thumb.jpg", &stem[..stem.len() - 1]);
    let r = server.http.get(server.abs(&forged)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404, "{forged}");
    drop(host);

    let server = server.restart_after_kill9();
    let ann = person_named(&server, a, "Ann Archer").await;
    assert_eq!(
        (&ann["known_as"], &ann["version"]),
        (&json!("Annie"), &json!(2)),
        "{ann}"
    );
    assert_eq!(ann["updated_by"], "Maria");
    assert_eq!(
        person_named(&server, a, "Cid Archer").await["deleted"],
        false
    );
    assert_eq!(
        person_named(&server, a, "Eve Archer").await["deleted"],
        true
    );
    let (_, info) = server.get_json(&format!("/api/rooms/{room_b}")).await;
    assert_eq!(info["reunion"]["title"], "Baker High 1990", "{info}");
    // The room's photo URLs read the same after the restart.
    assert!((4..8).contains(&whose_photo(&server, &url_b).await));
    let (name, shown) = play_a_round(&server, &room_a, &key_a, "Late guest").await;
    assert!(name.ends_with("Archer"), "{name}");
    assert!(shown.iter().all(|&p| p < 4), "{shown:?}");
}

#[tokio::test]
async fn a_guest_cannot_read_an_events_people_photos_or_host_its_rooms() {
    let server = password_server();
    let cookie = log_in(&server).await;
    let with = |req: reqwest::RequestBuilder| req.header("Cookie", cookie.clone());
    let r = with(server.http.post(server.url("/api/organise/reunions")))
        .json(&json!({"title": "Class of 86"}))
        .send()
        .await
        .unwrap();
    let (status, reunion) = status_and_json(r).await;
    assert_eq!(status, 201, "{reunion}");
    let id = reunion["id"].as_u64().unwrap();
    for i in 0..4 {
        let r = with(
            server
                .http
                .post(server.url(&format!("/api/organise/reunions/{id}/people"))),
        )
        .json(&json!({"name": format!("P{i}"), "photos": [{"data": portrait_b64(i)}]}))
        .send()
        .await
        .unwrap();
        assert_eq!(r.status().as_u16(), 201);
    }
    for path in [
        "/api/organise/reunions".to_string(),
        format!("/api/organise/reunions/{id}"),
        format!("/api/organise/reunions/{id}/photos/1/0"),
    ] {
        let (status, v) = server.get_json(&path).await;
        assert_eq!(
            (status, v["error"].as_str()),
            (401, Some("organiser_only")),
            "{path} {v}"
        );
    }
    let page = server.get(&format!("/organise/reunions/{id}")).await;
    assert_eq!(page.status().as_u16(), 401, "the login page instead");
    let (status, v) = server
        .post_json("/api/rooms", &json!({"reunion": id}))
        .await;
    assert_refused(status, &v, 401, "organiser_only");
    // The organiser gets all of it, and the pages render.
    let r = with(
        server
            .http
            .get(server.url(&format!("/api/organise/reunions/{id}/photos/1/0"))),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(identify(&r.bytes().await.unwrap()), 0);
    for page in ["/organise".to_string(), format!("/organise/reunions/{id}")] {
        let r = with(server.http.get(server.url(&page)))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200, "{page}");
        let html = r.text().await.unwrap();
        assert!(html.contains("Class of 86"), "{page}: {html}");
    }
    let r = with(server.http.post(server.url("/api/rooms")))
        .json(&json!({"reunion": id}))
        .send()
        .await
        .unwrap();
    let (room, code, _) = room_created(r).await;
    assert_eq!(room["reunion"]["title"], "Class of 86", "{room}");
    assert_eq!(room["settings"]["include_memoriam"], true, "{room}");
    // The event's default for classmates in memoriam applies to its rooms.
    let r = with(
        server
            .http
            .patch(server.url(&format!("/api/organise/reunions/{id}"))),
    )
    .json(&json!({"memoriam_default": false}))
    .send()
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let r = with(server.http.post(server.url("/api/rooms")))
        .json(&json!({"reunion": id}))
        .send()
        .await
        .unwrap();
    let (second, _, _) = room_created(r).await;
    assert_eq!(second["settings"]["include_memoriam"], false, "{second}");
    let host = server
        .get(&format!("/host/{code}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        host.contains("<p id=\"event-title\" class=\"event-title\">Class of 86</p>"),
        "the host screen names the event: {host}"
    );
    let (status, _) = with(server.http.post(server.url("/api/rooms")))
        .json(&json!({"reunion": 999}))
        .send()
        .await
        .map(|r| (r.status().as_u16(), ()))
        .unwrap();
    assert_eq!(status, 404, "no such event");
}

/// Five people with a 1983 photo (`portrait(i)`) and a 1986 one
/// (`portrait(i + 8)`), and one with only a 1986 photo.
const TWO_YEARBOOKS: [&str; 6] = [
    "Ann Cole", "Bea Cole", "Cid Cole", "Dot Cole", "Eve Cole", "Fay Cole",
];

#[tokio::test]
async fn a_reunion_room_asks_by_label_and_reveals_the_other_photo_in_its_own_urls() {
    let server = TestServer::start();
    let (status, r) = server
        .post_json("/api/organise/reunions", &json!({"title": "Cole High"}))
        .await;
    assert_eq!(status, 201, "{r}");
    let id = r["id"].as_u64().unwrap();
    for (i, name) in TWO_YEARBOOKS.iter().enumerate() {
        let photos = if i < 5 {
            json!([
                {"label": "1983", "data": portrait_b64(i)},
                {"label": "1986", "data": portrait_b64(i + 8)},
            ])
        } else {
            json!([{"label": "1986", "data": portrait_b64(13)}])
        };
        let (status, p) = server
            .post_json(
                &format!("/api/organise/reunions/{id}/people"),
                &json!({"name": name, "gender": "f", "photos": photos}),
            )
            .await;
        assert_eq!(status, 201, "{p}");
    }

    // Plays `rounds` questions of a 1983 room of the reunion with one
    // phone voting right; every photo URL the room sent.
    async fn play_1983(server: &TestServer, id: u64, rounds: u64) -> Vec<String> {
        let settings = json!({"reunion": id, "rounds": rounds, "seconds": 30,
            "mode": "name_to_photo", "labels": ["1983"]});
        let (code, key) = create_room(server, settings).await;
        let mut host = connect_host(server, &code, &key).await;
        assert_eq!(
            host.state["labels"],
            json!(["1983", "1986"]),
            "{}",
            host.state
        );
        let (mut phone, _) = join(server, &code, "Classmate").await;
        let mut urls = Vec::new();
        let mut asked = Vec::new();
        for _ in 0..rounds {
            host.send(json!({"type": "start_round"})).await;
            let round = phone.recv_type("round").await;
            let name = round["prompt"]["name"].as_str().unwrap();
            let target = TWO_YEARBOOKS.iter().position(|n| *n == name).unwrap();
            assert!(target < 5, "{name} has no 1983 photo");
            assert!(!asked.contains(&target), "{name} asked twice");
            asked.push(target);
            let mut right = None;
            for (i, c) in round["choices"].as_array().unwrap().iter().enumerate() {
                let thumb = c["thumb"].as_str().unwrap();
                let shown = identify_portrait(&server.fetch_bytes(thumb).await);
                assert!(shown < 5, "every choice from 1983: {shown} in {round}");
                if shown == target {
                    right = Some(i as u64);
                }
                urls.push(thumb.to_string());
            }
            let right = right.unwrap_or_else(|| panic!("{name} not among {round}"));
            phone.vote(round["round"].as_u64().unwrap(), right).await;
            let reveal = phone.recv_type("reveal").await;
            let also = reveal["also"].as_array().expect("also");
            assert_eq!(also.len(), 1, "{reveal}");
            assert_eq!(also[0]["label"], "1986", "{reveal}");
            for size in ["thumb", "photo"] {
                let url = also[0][size].as_str().unwrap();
                let shown = identify_portrait(&server.fetch_bytes(url).await);
                assert_eq!(shown, target + 8, "{url}: {name}'s 1986 photo");
                urls.push(url.to_string());
            }
        }
        urls
    }
    let first = play_1983(&server, id, 3).await;
    // Another room of the same reunion shows the same photos at other
    // addresses: a URL means something in its own room only.
    let second = play_1983(&server, id, 3).await;
    assert!(
        first.iter().all(|u| !second.contains(u)),
        "{first:?} {second:?}"
    );
}

#[tokio::test]
async fn an_invite_opens_one_event_once_and_nothing_else() {
    let server = password_server();
    let cookie = log_in(&server).await;
    let post = |path: &str, body: Value| {
        server
            .http
            .post(server.url(path))
            .header("Cookie", cookie.clone())
            .json(&body)
            .send()
    };
    let mut ids = Vec::new();
    for title in ["Mine", "Not yours"] {
        let (status, r) = status_and_json(
            post("/api/organise/reunions", json!({"title": title}))
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 201, "{r}");
        ids.push(r["id"].as_u64().unwrap());
    }
    for i in 0..4 {
        let r = post(
            &format!("/api/organise/reunions/{}/people", ids[0]),
            json!({"name": format!("P{i}"), "photos": [{"data": portrait_b64(i)}]}),
        )
        .await
        .unwrap();
        assert_eq!(r.status().as_u16(), 201);
    }
    let (status, invite) = status_and_json(
        post(
            &format!("/api/organise/reunions/{}/invites", ids[0]),
            json!({}),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{invite}");
    let url = invite["url"].as_str().unwrap();
    let path = url
        .strip_prefix(server.origin())
        .expect("a link to this server");

    // Opening the link (as a chat app's preview does) uses nothing up.
    let page = server.get(path).await;
    assert_eq!(page.status().as_u16(), 200);
    assert!(page.text().await.unwrap().contains("Open the event"));
    let r = no_redirect_client()
        .post(server.abs(path))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        header(&r, "location"),
        format!("/organise/reunions/{}", ids[0])
    );
    let co = organiser_cookie(&r);
    let again = no_redirect_client()
        .post(server.abs(path))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 404, "one time only");
    assert!(header(&again, "set-cookie").is_empty());

    let get = |path: String| {
        server
            .http
            .get(server.url(&path))
            .header("Cookie", co.clone())
            .send()
    };
    let (status, v) = whoami(&server, Some(&co)).await;
    assert_eq!(
        (status, &v["scope"]),
        (200, &json!({"reunion": ids[0]})),
        "{v}"
    );
    assert_eq!(
        get(format!("/api/organise/reunions/{}", ids[0]))
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
    let (status, list) = status_and_json(get("/api/organise/reunions".into()).await.unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(list["reunions"].as_array().unwrap().len(), 1, "{list}");
    for path in [
        format!("/api/organise/reunions/{}", ids[1]),
        format!("/organise/reunions/{}", ids[1]),
    ] {
        assert_eq!(
            get(path.clone()).await.unwrap().status().as_u16(),
            404,
            "{path}"
        );
    }
    let co_post = |path: &str, body: Value| {
        server
            .http
            .post(server.url(path))
            .header("Cookie", co.clone())
            .json(&body)
            .send()
    };
    let (status, v) = status_and_json(
        co_post("/api/organise/reunions", json!({"title": "x"}))
            .await
            .unwrap(),
    )
    .await;
    assert_refused(status, &v, 403, "organiser_only");
    let r = co_post("/api/rooms", json!({"reunion": ids[0]}))
        .await
        .unwrap();
    room_created(r).await;
    let r = co_post("/api/rooms", json!({"reunion": ids[1]}))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404, "another event's rooms");
    let (status, v) = status_and_json(
        co_post(
            &format!("/api/organise/reunions/{}/people", ids[1]),
            json!({"name": "X"}),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 404, "{v}");
}

#[tokio::test]
async fn a_room_whose_event_is_gone_is_set_aside_and_the_others_play_on() {
    let server = TestServer::start();
    let id = reunion_with(&server, "Archer High 1986", &CLASS_A).await;
    let (orphan, _) = create_room(&server, json!({"reunion": id})).await;
    let (kept, key) = create_room(&server, json!({"reunion": id})).await;
    // Phones in both: a lobby nobody joined is not worth keeping.
    let phones = [
        join(&server, &orphan, "Ann").await,
        join(&server, &kept, "Bob").await,
    ];
    drop(phones);
    let server = server.restart_after_kill9_then(|dir| {
        let conn = rusqlite::Connection::open(dir.join("t.db")).unwrap();
        conn.busy_timeout(Duration::from_secs(5)).unwrap();
        let changed = conn
            .execute("UPDATE rooms SET reunion = 4242 WHERE code = ?1", [&orphan])
            .unwrap();
        assert_eq!(changed, 1);
    });
    let (status, _) = server.get_json(&format!("/api/rooms/{orphan}")).await;
    assert_eq!(status, 404);
    let metrics = server.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains(&format!("yearbook_room_set_aside{{code=\"{orphan}\"}} 1")),
        "{metrics}"
    );
    let (name, shown) = play_a_round(&server, &kept, &key, "Guest").await;
    assert!(name.ends_with("Archer"), "{name}");
    assert!(shown.iter().all(|&p| p < 4), "{shown:?}");
}

/// An organiser previews an event's class in solo rounds, even with solo
/// play off; a guest cannot, and the photos are that event's.
#[tokio::test]
async fn an_organiser_previews_an_events_class_in_solo_rounds() {
    let server = TestServer::builder()
        .arg("--admin-password")
        .arg(PW)
        .arg("--solo")
        .arg("off")
        .in_process()
        .start();
    let cookie = log_in(&server).await;
    let with = |req: reqwest::RequestBuilder| req.header("Cookie", cookie.clone());
    let r = with(server.http.post(server.url("/api/organise/reunions")))
        .json(&json!({"title": "Baker High"}))
        .send()
        .await
        .unwrap();
    let id = status_and_json(r).await.1["id"].as_u64().unwrap();
    // Portrait i + 4 is CLASS_B's person i.
    for (name, gender, photo) in CLASS_B {
        let r = with(
            server
                .http
                .post(server.url(&format!("/api/organise/reunions/{id}/people"))),
        )
        .json(&json!({"name": name, "gender": gender,
            "photos": [{"data": portrait_b64(photo.unwrap())}]}))
        .send()
        .await
        .unwrap();
        assert_eq!(r.status().as_u16(), 201);
    }

    // A guest: not the event's rounds (its solo is closed until the
    // organiser opens it), and solo is off for the demo.
    let (status, v) = server
        .post_json("/api/solo/round", &json!({"reunion": id}))
        .await;
    assert_refused(status, &v, 403, "solo_off");
    let (status, v) = server.post_json("/api/solo/round", &json!({})).await;
    assert_refused(status, &v, 403, "solo_off");
    let page = with(server.http.get(server.url(&format!("/solo?reunion={id}"))))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("solo.js"), "the preview page plays: {page}");

    let mut asked = Vec::new();
    let mut urls = Vec::new();
    for _ in 0..4 {
        let r = with(server.http.post(server.url("/api/solo/round")))
            .json(&json!({"reunion": id, "session": "preview"}))
            .send()
            .await
            .unwrap();
        let (status, round) = status_and_json(r).await;
        assert_eq!(status, 200, "{round}");
        let name = round["name"].as_str().unwrap().to_string();
        let target = CLASS_B.iter().position(|p| p.0 == name).unwrap();
        let mut right = None;
        for (i, c) in round["choices"].as_array().unwrap().iter().enumerate() {
            let url = c.as_str().unwrap();
            let shown = whose_photo(&server, url).await;
            assert!((4..8).contains(&shown), "only the event's faces: {shown}");
            if shown == target + 4 {
                right = Some(i);
            }
            urls.push(url.to_string());
        }
        let right = right.unwrap_or_else(|| panic!("{name} not among {round}"));
        let (status, answer) = server
            .post_json(
                "/api/solo/answer",
                &json!({"round_id": round["round_id"], "choice": right}),
            )
            .await;
        assert_eq!(status, 200, "{answer}");
        assert_eq!(
            (answer["correct"].as_bool(), answer["name"].as_str()),
            (Some(true), Some(name.as_str()))
        );
        asked.push(name);
    }
    asked.sort();
    assert_eq!(
        asked,
        ["Fay Baker", "Gus Baker", "Hal Baker", "Ida Baker"],
        "a session asks each once"
    );
    urls.sort();
    urls.dedup();
    assert_eq!(urls.len(), 16, "opaque per round: no URL twice");
}

/// A zip of `(name, bytes)` files.
fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in files {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[tokio::test]
async fn a_roster_zip_that_is_unsafe_missing_or_too_big_makes_no_event() {
    let server = TestServer::builder().in_process().start();
    let post = |body: Vec<u8>| {
        server
            .http
            .post(server.url("/api/organise/reunions/from-roster"))
            .body(body)
            .send()
    };
    let csv = b"name,photo\nAnn,a.png\n";
    for (files, says) in [
        (
            vec![("roster.csv", &csv[..]), ("../a.png", &b"x"[..])],
            "outside its folder ('../a.png')",
        ),
        (vec![("notes.txt", &b"hi"[..])], "no roster.csv"),
        (
            vec![("a/roster.csv", &csv[..]), ("b/roster.csv", &csv[..])],
            "several roster.csv",
        ),
    ] {
        let (status, v) = status_and_json(post(zip_of(&files)).await.unwrap()).await;
        assert_refused(status, &v, 422, "bad_zip");
        assert!(v["message"].as_str().unwrap().contains(says), "{v}");
    }
    // Past 200 MiB: refused as it arrives, not the 64 KiB JSON limit.
    let (status, v) = status_and_json(post(vec![0; 200 * 1024 * 1024 + 1]).await.unwrap()).await;
    assert_refused(status, &v, 413, "too_large");
    assert!(v["message"].as_str().unwrap().contains("200 MB"), "{v}");
    let (_, list) = server.get_json("/api/organise/reunions").await;
    assert_eq!(list["reunions"], json!([]), "{list}");
}

/// A 100×200 PNG: the top half dark, the bottom half bright, so a quarter
/// turn shows even in a thumbnail cropped to fill.
fn half_dark_png() -> Vec<u8> {
    let img = image::GrayImage::from_fn(100, 200, |_, y| {
        image::Luma([if y < 100 { 20 } else { 230 }])
    });
    let mut png = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    png
}

/// Where the dark half of a served image lies: "top", "right", "bottom"
/// or "left" (means of the four edge bands compared).
fn dark_side(bytes: &[u8]) -> &'static str {
    let img = image::load_from_memory(bytes).unwrap().to_luma8();
    let (w, h) = img.dimensions();
    let mean = |xs: std::ops::Range<u32>, ys: std::ops::Range<u32>| {
        let (mut sum, mut n) = (0u64, 0u64);
        for y in ys.clone() {
            for x in xs.clone() {
                sum += u64::from(img.get_pixel(x, y).0[0]);
                n += 1;
            }
        }
        sum / n
    };
    let sides = [
        ("top", mean(0..w, 0..h / 5)),
        ("right", mean(w * 4 / 5..w, 0..h)),
        ("bottom", mean(0..w, h * 4 / 5..h)),
        ("left", mean(0..w / 5, 0..h)),
    ];
    sides.iter().min_by_key(|s| s.1).unwrap().0
}

async fn rotate(server: &TestServer, path: &str, body: Value) -> (u16, Value) {
    send_json(
        server,
        reqwest::Method::POST,
        &format!("{path}/rotate"),
        &body,
    )
    .await
}

#[tokio::test]
async fn a_photo_turns_in_quarter_turns_versioned_and_stays_turned_after_kill_9() {
    use base64::Engine;
    let server = TestServer::start();
    let id = reunion_with(&server, "Turning High", &[]).await;
    let png = base64::engine::general_purpose::STANDARD.encode(half_dark_png());
    let (status, p) = server
        .post_json(
            &format!("/api/organise/reunions/{id}/people"),
            &json!({"name": "Sid Side", "photos": [{"label": "1986", "data": png}]}),
        )
        .await;
    assert_eq!(status, 201, "{p}");
    let photo = format!("/api/organise/reunions/{id}/people/{}/photos/0", p["id"]);
    let thumb = p["photos"][0]["thumb"].as_str().unwrap().to_string();
    assert_eq!(dark_side(&server.fetch_bytes(&thumb).await), "top");

    let (status, v) = rotate(&server, &photo, json!({"version": 1, "turns": 1})).await;
    assert_eq!((status, &v["person"]["version"]), (200, &json!(2)), "{v}");
    assert_eq!(dark_side(&server.fetch_bytes(&thumb).await), "right");
    let sid = person_named(&server, id, "Sid Side").await;
    assert_eq!(sid["photos"][0]["label"], "1986", "the label stays: {sid}");
    assert_ne!(
        sid["photos"][0]["thumb"], thumb,
        "the table's URL follows the content, past the browser's cache"
    );

    // On an older version: refused, naming who turned it.
    let (status, v) = rotate(&server, &photo, json!({"version": 1, "turns": 1})).await;
    assert_refused(status, &v, 409, "edited_elsewhere");
    assert_eq!(dark_side(&server.fetch_bytes(&thumb).await), "right");
    let (status, v) = rotate(&server, &photo, json!({"version": 2, "turns": 0})).await;
    assert_refused(status, &v, 400, "bad_request");
    let (status, _) = rotate(
        &server,
        &format!("/api/organise/reunions/{id}/people/{}/photos/5", p["id"]),
        json!({"version": 2, "turns": 1}),
    )
    .await;
    assert_eq!(status, 404);

    // Two more quarter turns: upside down, and so it stays after kill -9.
    let (status, v) = rotate(
        &server,
        &photo,
        json!({"version": 2, "turns": 1, "by": "Maria"}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(dark_side(&server.fetch_bytes(&thumb).await), "bottom");
    let server = server.restart_after_kill9();
    assert_eq!(dark_side(&server.fetch_bytes(&thumb).await), "bottom");
    let sid = person_named(&server, id, "Sid Side").await;
    assert_eq!(
        (&sid["version"], &sid["updated_by"]),
        (&json!(3), &json!("Maria"))
    );
    // Undoing is a turn back.
    let (status, v) = rotate(&server, &photo, json!({"version": 3, "turns": -1})).await;
    assert_eq!((status, &v["person"]["version"]), (200, &json!(4)), "{v}");
    assert_eq!(dark_side(&server.fetch_bytes(&thumb).await), "right");
}

/// `PUT`s `body` as the photo at `path` on `version`.
async fn put_photo(server: &TestServer, path: &str, version: u64, body: Vec<u8>) -> (u16, Value) {
    let r = server
        .http
        .put(server.url(&format!("{path}?version={version}")))
        .body(body)
        .send()
        .await
        .unwrap();
    status_and_json(r).await
}

#[tokio::test]
async fn a_replaced_photo_keeps_its_place_label_and_rooms_and_bad_ones_change_nothing() {
    let server = TestServer::start();
    let a = reunion_with(&server, "Archer High 1986", &CLASS_A[..4]).await;
    let (room, key) = create_room(&server, json!({"reunion": a, "rounds": 3})).await;
    let (_, before) = play_a_round(&server, &room, &key, "Early guest").await;
    let mut before = before;
    before.sort_unstable();
    assert_eq!(before, vec![0, 1, 2, 3]);

    let ann = person_named(&server, a, "Ann Archer").await;
    let photo = format!("/api/organise/reunions/{a}/people/{}/photos/0", ann["id"]);
    let new_face = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD
            .decode(portrait_b64(9))
            .unwrap()
    };

    // Not a photo, too big, or on an old version: refused, nothing changes.
    let (status, v) = put_photo(&server, &photo, 1, b"%PDF-1.4 scan".to_vec()).await;
    assert_refused(status, &v, 422, "pdf");
    assert!(v["message"].as_str().unwrap().contains("PDF"), "{v}");
    let too_big = vec![0u8; 25 * 1024 * 1024 + 1];
    let (status, v) = put_photo(&server, &photo, 1, too_big).await;
    assert_refused(status, &v, 413, "too_large");
    let (status, v) = put_photo(&server, &photo, 7, new_face.clone()).await;
    assert_refused(status, &v, 409, "edited_elsewhere");
    // Only that route's shape skips the 64 KiB guard: a PUT to the
    // thumbnail's path (no such route) is held to it.
    let thumb_path = format!("/api/organise/reunions/{a}/photos/{}/0", ann["id"]);
    let (status, v) = put_photo(&server, &thumb_path, 1, vec![0u8; 100 * 1024]).await;
    assert_refused(status, &v, 413, "too_large");
    let thumb = ann["photos"][0]["thumb"].as_str().unwrap().to_string();
    assert_eq!(whose_photo(&server, &thumb).await, 0);

    let (status, v) = put_photo(&server, &photo, 1, new_face).await;
    assert_eq!((status, &v["person"]["version"]), (200, &json!(2)), "{v}");
    assert_eq!(identify_portrait(&server.fetch_bytes(&thumb).await), 9);
    let ann = person_named(&server, a, "Ann Archer").await;
    assert_eq!(ann["photos"][0]["label"], "1986", "{ann}");

    // A room asks about the same people as before; its photo URLs name a
    // person's photo, not its content, so the running room and a new one
    // both show the new face now.
    for (code, key) in [
        (room, key),
        create_room(&server, json!({"reunion": a, "rounds": 3})).await,
    ] {
        let mut shown = Vec::new();
        for c in play_photos(&server, &code, &key).await {
            shown.push(identify_portrait(&server.fetch_bytes(&c).await));
        }
        shown.sort_unstable();
        assert_eq!(shown, vec![1, 2, 3, 9], "room {code}");
    }
}

/// The four choices' thumbnails of one round of `code`.
async fn play_photos(server: &TestServer, code: &str, key: &str) -> Vec<String> {
    let mut host = connect_host(server, code, key).await;
    let (mut phone, _) = join(server, code, "Guest").await;
    host.send(json!({"type": "start_round"})).await;
    let round = phone.recv_type("round").await;
    round["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["thumb"].as_str().unwrap().to_string())
        .collect()
}

/// The organiser's "End event": every photo of today sent in the event's
/// rooms is deleted for good (URLs 404, rows gone after a restart); the
/// other event's photos stay.
#[tokio::test]
async fn ending_an_event_deletes_its_guests_photos_of_today() {
    let server = TestServer::start();
    let ended = reunion_with(&server, "Archer High 1986", &CLASS_A).await;
    let other = reunion_with(&server, "Baker High 1990", &CLASS_A).await;
    let mut thumbs = Vec::new();
    for id in [ended, ended, other] {
        let (code, _key) = create_room(&server, json!({"reunion": id})).await;
        let (_phone, welcome) = join(&server, &code, "Ann").await;
        let r = reqwest::Client::new()
            .put(server.url(&format!("/api/rooms/{code}/today")))
            .bearer_auth(welcome["token"].as_str().unwrap())
            .body(noisy_png(64, 1))
            .send()
            .await
            .unwrap();
        let (status, urls) = status_and_json(r).await;
        assert_eq!(status, 200, "{urls}");
        let thumb = urls["thumb"].as_str().unwrap().to_string();
        assert_eq!(
            server
                .http
                .get(server.abs(&thumb))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
        thumbs.push(thumb);
    }

    let (status, v) = server
        .post_json(&format!("/api/organise/reunions/{ended}/end"), &json!({}))
        .await;
    assert_eq!((status, &v["deleted"]), (200, &json!(2)), "{v}");
    let server = server.restart_after_kill9();
    let statuses: Vec<u16> = statuses_of(&server, &thumbs).await;
    assert_eq!(statuses, [404, 404, 200], "{thumbs:?}");
}

async fn statuses_of(server: &TestServer, urls: &[String]) -> Vec<u16> {
    let mut out = Vec::new();
    for url in urls {
        out.push(
            server
                .http
                .get(server.abs(url))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16(),
        );
    }
    out
}
