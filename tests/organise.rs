//! The organiser's area (`/organise`, `/api/organise/…`) on the real
//! server: who gets in (password, loopback, closed), pacing, origins, and
//! that a guest never does.

mod common;

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
    assert_eq!(
        (status, v["error"].as_str()),
        (401, Some("organiser_only")),
        "{v}"
    );
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
    assert_eq!(
        (status, v["error"].as_str()),
        (401, Some("wrong_password")),
        "{v}"
    );
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
    assert_eq!(
        (status, v["error"].as_str()),
        (429, Some("rate_limited")),
        "{v}"
    );
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
async fn behind_a_trusted_proxy_being_local_proves_nothing() {
    let server = TestServer::builder()
        .arg("--trust-proxy")
        .in_process()
        .start();
    let (status, v) = whoami(&server, None).await;
    assert_eq!(
        (status, v["error"].as_str()),
        (403, Some("organiser_closed")),
        "{v}"
    );
    assert!(v["message"].as_str().unwrap().contains("proxy"), "{v}");
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
    assert_eq!(
        (status, v["error"].as_str()),
        (401, Some("organiser_only")),
        "{v}"
    );
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
    let dir = tempfile::tempdir().unwrap();
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
    // Even from this very computer: the address says public.
    let page = fetch(&http, format!("{}/organise", server.origin)).await;
    assert_eq!(page.status().as_u16(), 403);
    let html = page.text().await.unwrap();
    assert!(html.contains("--admin-password"), "{html}");
    assert!(html.contains("YEARBOOK_ADMIN_PASSWORD"), "{html}");
    let r = fetch(&http, format!("{}/api/organise/whoami", server.origin)).await;
    let (status, v) = status_and_json(r).await;
    assert_eq!(
        (status, v["error"].as_str()),
        (403, Some("organiser_closed")),
        "{v}"
    );
    let log = std::fs::read_to_string(server._dir.path().join("stderr.log")).unwrap();
    assert!(
        log.contains("--admin-password"),
        "the log says it too: {log}"
    );
}
