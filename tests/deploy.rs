//! What hosting the game needs from the server (no proxies here; see
//! tests/proxy.rs): the event code, the public URL, the LAN address when
//! listening on all interfaces, the base path fencing everything in,
//! X-Forwarded-* believed only with --trust-proxy, and the shipped systemd
//! env file actually configuring a server.

mod common;

use std::io::{BufRead, BufReader};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::mpsc;

use common::*;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::{HeaderName, HeaderValue};
use tokio_tungstenite::tungstenite::{self, Message};

const CODE: &str = "Class of  1984";
/// How the code travels in links: normalised and URL-encoded.
const CODE_QUERY: &str = "event=class%20of%201984";

/// `yearbook_event=…` from a response's Set-Cookie, with its attributes.
fn event_cookie(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("yearbook_event="))
        .map(str::to_string)
}

/// The `name=value` part of a Set-Cookie, as a browser sends it back.
fn cookie_pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().trim().to_string()
}

/// Opens a WebSocket with extra request headers; the HTTP status when the
/// upgrade is refused.
async fn ws_connect(
    url: &str,
    headers: &[(&str, &str)],
) -> Result<
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
    u16,
> {
    let mut req = url.into_client_request().unwrap();
    for (k, v) in headers {
        req.headers_mut().insert(
            HeaderName::from_bytes(k.as_bytes()).unwrap(),
            HeaderValue::from_str(v).unwrap(),
        );
    }
    match tokio::time::timeout(RECV_TIMEOUT, tokio_tungstenite::connect_async(req))
        .await
        .expect("WebSocket connect timed out")
    {
        Ok((ws, _)) => Ok(ws),
        Err(tungstenite::Error::Http(resp)) => Err(resp.status().as_u16()),
        Err(e) => panic!("WebSocket {url}: {e}"),
    }
}

/// `hello` as the host on an open socket; the `state` that answers it.
async fn hello(
    ws: &mut tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    key: &str,
) -> Value {
    ws.send(Message::text(json!({"type":"hello","key":key}).to_string()))
        .await
        .unwrap();
    let deadline = tokio::time::Instant::now() + RECV_TIMEOUT;
    loop {
        let msg = tokio::time::timeout_at(deadline, ws.next())
            .await
            .expect("no state within 5 s")
            .expect("socket ended")
            .expect("socket error");
        if let Message::Text(t) = msg {
            let v: Value = serde_json::from_str(t.as_str()).unwrap();
            if v["type"] == "state" {
                return v;
            }
            assert_ne!(v["type"], "error", "hello answered {v}");
        }
    }
}

/// The host page's QR `<svg>`.
fn qr_svg_of(host_html: &str) -> &str {
    let from = host_html
        .find("class=\"qr\"")
        .expect("host page has a .qr element");
    let rest = &host_html[from..];
    let start = rest.find("<svg").expect("the .qr element holds an <svg>");
    let end = rest[start..].find("</svg>").expect("</svg>") + start + 6;
    &rest[start..end]
}

// ---------------------------------------------------------------------------
// A server with any address and environment (TestServer insists on
// 127.0.0.1 and flags only).

struct Running {
    child: Child,
    listening: String,
    port: u16,
    stderr: PathBuf,
    _dir: TempDir,
}

impl Running {
    fn start(args: &[&str], env: &[(String, String)]) -> Running {
        let dir = tempfile::tempdir().unwrap();
        let stderr = dir.path().join("stderr.log");
        let mut cmd = yearbook_cmd();
        cmd.arg("serve")
            .args(args)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(std::fs::File::create(&stderr).unwrap()));
        if !args.contains(&"--db") && !env.iter().any(|(k, _)| k == "YEARBOOK_DB") {
            cmd.arg("--db").arg(dir.path().join("t.db"));
        }
        let mut child = cmd.spawn().unwrap();
        let out = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(out).lines();
            if let Some(Ok(l)) = lines.next() {
                let _ = tx.send(l);
            }
            for _ in lines {}
        });
        let Ok(first) = rx.recv_timeout(START_TIMEOUT) else {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "yearbook serve {args:?} printed no first line:\n{}",
                std::fs::read_to_string(&stderr).unwrap_or_default()
            );
        };
        let listening = first
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("first line {first:?}"))
            .to_string();
        let port = listening
            .trim_start_matches("http://")
            .split('/')
            .next()
            .unwrap()
            .rsplit(':')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        Running {
            child,
            listening,
            port,
            stderr,
            _dir: dir,
        }
    }

    /// Always through loopback, whatever the server listens on.
    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------
// The event code

#[tokio::test]
async fn without_the_event_code_only_health_and_page_chrome_are_open() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().arg("--event-code").arg(CODE));
    let http = no_redirect_client();

    let r = fetch(&http, server.url("/healthz")).await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.text().await.unwrap().trim(), "ok");
    let r = fetch(&http, server.url("/static/style.css")).await;
    assert_eq!(r.status().as_u16(), 200, "the form's stylesheet is open");

    // The API, photos and metrics: 401 JSON.
    let (s, v) = status_and_json(
        http.post(server.url("/api/rooms"))
            .json(&json!({}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, v["error"].as_str()), (401, Some("event_code_required")));
    assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()));
    for path in ["/api/rooms/ABCD", "/metrics", "/api/solo/round"] {
        let r = if path == "/api/solo/round" {
            http.post(server.url(path)).send().await.unwrap()
        } else {
            fetch(&http, server.url(path)).await
        };
        let (s, v) = status_and_json(r).await;
        assert_eq!(s, 401, "{path}: {v}");
        assert_eq!(v["error"], "event_code_required", "{path}: {v}");
    }

    // Pages: 401 with the form, which posts back to /event and returns here.
    for path in ["/", "/join/ABCD", "/solo"] {
        let r = fetch(&http, server.url(path)).await;
        assert_eq!(r.status().as_u16(), 401, "GET {path}");
        assert!(header(&r, "content-type").starts_with("text/html"));
        let html = r.text().await.unwrap();
        assert!(
            html.contains(r#"<form method="post" action="/event">"#),
            "{path}: {html}"
        );
        assert!(html.contains(r#"name="code""#), "{path}: {html}");
        assert!(
            html.contains(&format!(r#"name="next" value="{path}""#)),
            "{path}: the form returns to {path}: {html}"
        );
        assert!(
            !html.contains("not the code"),
            "no complaint before a try: {html}"
        );
    }

    // A wrong code is no better; neither is a made-up cookie.
    let r = fetch(&http, server.url("/?event=class+of+1985")).await;
    assert_eq!(r.status().as_u16(), 401);
    assert!(event_cookie(&r).is_none());
    let r = fetch_with_cookie(&http, server.url("/"), "yearbook_event=00ff00ff").await;
    assert_eq!(r.status().as_u16(), 401, "a forged cookie");

    // The WebSocket refuses the upgrade.
    let (code, _key) = {
        let r = http
            .post(server.url(&format!("/api/rooms?{CODE_QUERY}")))
            .send()
            .await
            .unwrap();
        let (s, v) = status_and_json(r).await;
        assert_eq!(s, 201, "?event= works for API clients: {v}");
        (
            v["code"].as_str().unwrap().to_string(),
            v["host_key"].as_str().unwrap().to_string(),
        )
    };
    let status = ws_connect(&server.ws_url(&code), &[]).await.err();
    assert_eq!(status, Some(401), "the WebSocket without the code");
}

#[tokio::test]
async fn the_event_link_sets_a_cookie_that_opens_api_photos_and_socket() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().arg("--event-code").arg(CODE));
    let http = no_redirect_client();

    // The QR link: the code in the query, any case and spacing.
    let r = fetch(&http, server.url("/join/ABCD?x=1&event=CLASS+OF+1984")).await;
    assert_eq!(
        r.status().as_u16(),
        303,
        "a page with the code redirects to itself"
    );
    assert_eq!(
        header(&r, "location"),
        "/join/ABCD?x=1",
        "the code leaves the address bar, the rest stays"
    );
    let set = event_cookie(&r).expect("Set-Cookie yearbook_event");
    for attr in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(set.contains(attr), "{attr} in {set}");
    }
    assert!(
        !set.contains("Secure"),
        "plain http public URL: no Secure: {set}"
    );
    let cookie = cookie_pair(&set);

    // With the cookie: the API…
    let r = http
        .post(server.url("/api/rooms"))
        .header("Cookie", &cookie)
        .json(&json!({"rounds": 1}))
        .send()
        .await
        .unwrap();
    let (room, code, key) = room_created(r).await;
    assert_eq!(
        room["join_url"],
        format!("{}/join/{code}?{CODE_QUERY}", server.base_url()),
        "the join link carries the code"
    );
    assert!(
        !room["host_url"].as_str().unwrap().contains("event="),
        "the host URL does not need it: {room}"
    );

    // …the pages, with the code in the QR code…
    let r = fetch_with_cookie(&http, server.url(&format!("/host/{code}")), &cookie).await;
    assert_eq!(r.status().as_u16(), 200);
    let html = r.text().await.unwrap();
    let join_url = room["join_url"].as_str().unwrap();
    assert!(
        qr::qr_encodes(qr_svg_of(&html), join_url),
        "the host page's QR code encodes {join_url}"
    );

    // …photos…
    let r = http
        .post(server.url("/api/solo/round"))
        .header("Cookie", &cookie)
        .send()
        .await
        .unwrap();
    let (s, solo) = status_and_json(r).await;
    assert_eq!(s, 200, "{solo}");
    let photo = solo["choices"][0].as_str().unwrap();
    let r = fetch(&http, server.abs(photo)).await;
    assert_eq!(r.status().as_u16(), 401, "a photo without the code");
    let r = fetch_with_cookie(&http, server.abs(photo), &cookie).await;
    assert_eq!(r.status().as_u16(), 200, "a photo with the cookie");
    identify(&r.bytes().await.unwrap());
    let r = fetch(&http, format!("{}?{CODE_QUERY}", server.abs(photo))).await;
    assert_eq!(
        r.status().as_u16(),
        200,
        "non-page requests with ?event= are served"
    );

    // …and the WebSocket, by cookie (a browser) or by query (other clients).
    let mut ws = ws_connect(&server.ws_url(&code), &[("Cookie", &cookie)])
        .await
        .expect("WebSocket with the cookie");
    let st = hello(&mut ws, &key).await;
    assert_eq!(st["phase"], "lobby", "{st}");
    let mut ws2 = ws_connect(&format!("{}?{CODE_QUERY}", server.ws_url(&code)), &[])
        .await
        .expect("WebSocket with ?event=");
    hello(&mut ws2, &key).await;

    let r = fetch_with_cookie(&http, server.url("/metrics"), &cookie).await;
    assert_eq!(r.status().as_u16(), 200);
}

#[tokio::test]
async fn the_event_form_checks_the_code_and_goes_back_only_to_this_site() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().arg("--event-code").arg(CODE));
    let http = no_redirect_client();
    let post = |code: &str, next: &str| {
        http.post(server.url("/event"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(format!("code={code}&next={next}"))
            .send()
    };

    let r = post("class+of+1985", "%2Fsolo").await.unwrap();
    assert_eq!(r.status().as_u16(), 401, "a wrong code");
    assert!(event_cookie(&r).is_none());
    let html = r.text().await.unwrap();
    assert!(
        html.contains("not the code"),
        "the form again, saying so: {html}"
    );
    assert!(
        html.contains(r#"name="next" value="/solo""#),
        "still going back to /solo: {html}"
    );

    let r = post("%20CLASS%20OF%201984%20", "%2Fsolo").await.unwrap();
    assert_eq!(r.status().as_u16(), 303, "the right code, typed loosely");
    assert_eq!(header(&r, "location"), "/solo");
    let cookie = cookie_pair(&event_cookie(&r).expect("Set-Cookie"));
    let r = fetch_with_cookie(&http, server.url("/solo"), &cookie).await;
    assert_eq!(r.status().as_u16(), 200, "the page it went back to");

    for evil in [
        "%2F%2Fevil.example%2F",
        "https%3A%2F%2Fevil.example%2F",
        "%5C%5Cevil",
    ] {
        let r = post("class+of+1984", evil).await.unwrap();
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(header(&r, "location"), "/", "next={evil} stays on the site");
    }
}

#[tokio::test]
async fn the_event_cookie_belongs_to_the_base_path_and_survives_a_restart() {
    let roster = standard_roster();
    let server = server_with(
        &roster,
        TestServer::builder()
            .base_path("/reunion/1984")
            .arg("--event-code")
            .arg(CODE),
    );
    let http = no_redirect_client();
    let r = fetch(&http, server.url("/")).await;
    assert_eq!(r.status().as_u16(), 401);
    let html = r.text().await.unwrap();
    assert!(
        html.contains(r#"action="/reunion/1984/event""#),
        "the form posts under the base path: {html}"
    );
    for l in local_links(&html) {
        assert!(l.starts_with("/reunion/1984/"), "form page link {l}");
    }

    let r = fetch(&http, server.url(&format!("/?{CODE_QUERY}"))).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(header(&r, "location"), "/reunion/1984/");
    let set = event_cookie(&r).unwrap();
    assert!(set.contains("Path=/reunion/1984"), "{set}");
    let cookie = cookie_pair(&set);

    // The key that signs the cookie lives in the database.
    let server = server.restart_after_kill9();
    let r = fetch_with_cookie(&http, server.url("/"), &cookie).await;
    assert_eq!(
        r.status().as_u16(),
        200,
        "the cookie still works after a restart"
    );
}

#[tokio::test]
async fn an_https_public_url_makes_the_event_cookie_secure() {
    let roster = standard_roster();
    let server = server_with(
        &roster,
        TestServer::builder()
            .arg("--event-code")
            .arg(CODE)
            .arg("--public-url")
            .arg("https://example.org"),
    );
    let r = fetch(
        &no_redirect_client(),
        server.url(&format!("/?{CODE_QUERY}")),
    )
    .await;
    let set = event_cookie(&r).expect("Set-Cookie");
    assert!(set.contains("Secure"), "{set}");
}

// ---------------------------------------------------------------------------
// Public URL, LAN address, trusted proxies

#[tokio::test]
async fn the_public_url_is_used_verbatim_in_links_and_the_qr_code() {
    let roster = standard_roster();
    let server = server_with(
        &roster,
        TestServer::builder()
            .base_path("/reunion")
            .arg("--public-url")
            .arg("https://example.org/reunion/")
            // A fixed public URL wins over what a proxy says.
            .arg("--trust-proxy"),
    );
    let r = no_redirect_client()
        .post(server.url("/api/rooms"))
        .header("X-Forwarded-Host", "elsewhere.example")
        .header("X-Forwarded-Proto", "http")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let (room, code, key) = room_created(r).await;
    assert_eq!(
        room["join_url"],
        format!("https://example.org/reunion/join/{code}")
    );
    assert_eq!(
        room["host_url"],
        format!("https://example.org/reunion/host/{code}#key={key}")
    );

    let r = fetch(&no_redirect_client(), server.url(&format!("/host/{code}"))).await;
    assert_eq!(r.status().as_u16(), 200);
    let html = r.text().await.unwrap();
    let join = format!("https://example.org/reunion/join/{code}");
    assert!(
        html.contains(&format!(">{join}<")),
        "the host page shows the join link {join}"
    );
    assert!(
        qr::qr_encodes(qr_svg_of(&html), &join),
        "the QR code encodes {join}"
    );
    assert!(
        !qr::qr_encodes(
            qr_svg_of(&html),
            &format!("{}/join/{code}", server.base_url())
        ),
        "the QR check tells URLs apart"
    );
}

/// Non-loopback IPv4 addresses of this machine (what the server may pick).
fn lan_addresses() -> Vec<IpAddr> {
    if_addrs::get_if_addrs()
        .map(|v| {
            v.into_iter()
                .map(|i| i.ip())
                .filter(|ip| ip.is_ipv4() && !ip.is_loopback())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn on_all_interfaces_links_name_the_lan_address() {
    // The event code keeps the machine's other interfaces closed meanwhile.
    let roster = standard_roster();
    let csv = roster.csv().display().to_string();
    let s = Running::start(
        &[
            "--addr",
            "0.0.0.0:0",
            "--event-code",
            CODE,
            "--roster",
            &csv,
        ],
        &[],
    );
    assert!(
        s.listening.starts_with("http://0.0.0.0:"),
        "{}",
        s.listening
    );
    assert!(
        !s.stderr().contains("without --event-code"),
        "no warning with a code: {}",
        s.stderr()
    );
    let r = no_redirect_client()
        .post(s.url(&format!("/api/rooms?{CODE_QUERY}")))
        .send()
        .await
        .unwrap();
    let (room, _, _) = room_created(r).await;
    let join = room["join_url"].as_str().unwrap();
    let authority = join
        .strip_prefix("http://")
        .unwrap()
        .split('/')
        .next()
        .unwrap();
    let (host, port) = authority.rsplit_once(':').unwrap();
    assert_eq!(port, s.port.to_string(), "{join}");
    assert_ne!(host, "0.0.0.0", "{join}");
    let lan = lan_addresses();
    if lan.is_empty() {
        // CI must run the check this test is for, not pass without it.
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but this machine has no non-loopback IPv4 address: \
             the LAN address in join links cannot be checked"
        );
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            b"note: this machine has no non-loopback IPv4 address; LAN address check skipped\n",
        );
        // Without one the server falls back to loopback; the QR check below still runs.
        assert_eq!(host, "127.0.0.1", "{join}");
    } else {
        assert_ne!(host, "127.0.0.1", "{join}");
        let ip: IpAddr = host.parse().unwrap();
        assert!(lan.contains(&ip), "{ip} is one of this machine's {lan:?}");
    }

    let code = room["code"].as_str().unwrap();
    let r = fetch(
        &no_redirect_client(),
        s.url(&format!("/host/{code}?{CODE_QUERY}")),
    )
    .await;
    let cookie = cookie_pair(&event_cookie(&r).unwrap());
    let r = fetch_with_cookie(
        &no_redirect_client(),
        s.url(&format!("/host/{code}")),
        &cookie,
    )
    .await;
    let html = r.text().await.unwrap();
    assert!(
        qr::qr_encodes(qr_svg_of(&html), join),
        "the projector's QR code names the LAN address: {join}"
    );
}

#[test]
fn on_a_public_address_without_an_event_code_the_server_warns() {
    let roster = standard_roster();
    let csv = roster.csv().display().to_string();
    let s = Running::start(&["--addr", "0.0.0.0:0", "--roster", &csv], &[]);
    let err = s.stderr();
    assert!(
        err.contains("without --event-code"),
        "a warning before the first line: {err}"
    );
    drop(s);
    let quiet = Running::start(&["--addr", "127.0.0.1:0", "--roster", &csv], &[]);
    assert!(
        !quiet.stderr().contains("without --event-code"),
        "no warning on loopback"
    );
}

#[tokio::test]
async fn forwarded_headers_count_only_with_trust_proxy() {
    let roster = standard_roster();
    let plain = server_with(&roster, TestServer::builder());
    let trusting = server_with(&roster, TestServer::builder().arg("--trust-proxy"));
    let http = no_redirect_client();
    let create = |server: &TestServer| {
        http.post(server.url("/api/rooms"))
            .header("X-Forwarded-Host", "proxy.example")
            .header("X-Forwarded-Proto", "https")
            .json(&json!({}))
            .send()
    };

    let (room, code, _) = room_created(create(&plain).await.unwrap()).await;
    assert_eq!(
        room["join_url"],
        format!("{}/join/{code}", plain.base_url()),
        "X-Forwarded-* ignored without --trust-proxy"
    );
    let r = fetch_with_header(
        &http,
        plain.url(&format!("/host/{code}")),
        "X-Forwarded-Host",
        "proxy.example",
    )
    .await;
    let html = r.text().await.unwrap();
    assert!(!html.contains("proxy.example"), "host page: {html}");

    let (room, code, _) = room_created(create(&trusting).await.unwrap()).await;
    assert_eq!(
        room["join_url"],
        format!("https://proxy.example/join/{code}"),
        "believed with --trust-proxy"
    );

    // The client address for throttling: X-Forwarded-For is believed only
    // when trusted, so without it every guess comes from one address.
    let mut plain_limited_at = None;
    for i in 0..30 {
        let xff = format!("10.1.{}.{}", i / 200, i % 200 + 1);
        let r =
            fetch_with_header(&http, plain.url("/api/rooms/ZZZZ"), "X-Forwarded-For", &xff).await;
        if r.status().as_u16() == 429 && plain_limited_at.is_none() {
            plain_limited_at = Some(i);
        }
        let r = fetch_with_header(
            &http,
            trusting.url("/api/rooms/ZZZZ"),
            "X-Forwarded-For",
            &xff,
        )
        .await;
        assert_eq!(
            r.status().as_u16(),
            404,
            "each forwarded address has its own allowance (guess {i})"
        );
    }
    assert_eq!(
        plain_limited_at,
        Some(yearbook::MISSES_PER_MINUTE as usize),
        "without --trust-proxy X-Forwarded-For is ignored: one allowance for all"
    );
}

// ---------------------------------------------------------------------------
// The base path fences everything in

#[tokio::test]
async fn nothing_is_served_outside_the_base_path() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().base_path("/reunion/1984"));
    let http = no_redirect_client();
    let origin = server.origin();
    for path in [
        "/",
        "/healthz",
        "/join",
        "/solo",
        "/metrics",
        "/static/style.css",
        "/reunion",
        "/reunion/",
        "/reunion/19845/healthz",
        "/reunion/1984x/",
        "/reunion/1984healthz",
        "/api/rooms/ABCD",
    ] {
        let r = fetch(&http, format!("{origin}{path}")).await;
        assert_eq!(r.status().as_u16(), 404, "GET {path}");
    }
    let r = http
        .post(format!("{origin}/api/rooms"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404, "POST /api/rooms outside the base");

    for path in [
        "",
        "/",
        "/healthz",
        "/join",
        "/solo",
        "/static/style.css",
        "/metrics",
    ] {
        let r = fetch(&http, server.url(path)).await;
        assert_eq!(r.status().as_u16(), 200, "GET /reunion/1984{path}");
        if path.is_empty() || path == "/" || path == "/join" || path == "/solo" {
            let html = r.text().await.unwrap();
            for l in local_links(&html) {
                assert!(
                    l.starts_with("/reunion/1984/"),
                    "/reunion/1984{path} links {l}"
                );
            }
        }
    }

    // A room: its pages, socket and photo URLs live under the base too.
    let (code, key) = create_room(&server, json!({"rounds": 1})).await;
    let ws_outside = format!("{}/ws/{code}", origin.replacen("http://", "ws://", 1));
    assert_eq!(ws_connect(&ws_outside, &[]).await.err(), Some(404));
    let r = fetch(&http, format!("{origin}/host/{code}")).await;
    assert_eq!(r.status().as_u16(), 404);
    let r = fetch(&http, server.url(&format!("/host/{code}"))).await;
    for l in local_links(&r.text().await.unwrap()) {
        assert!(l.starts_with("/reunion/1984/"), "host page links {l}");
    }
    let mut host = connect_host(&server, &code, &key).await;
    let (mut phone, _) = join(&server, &code, "Nadia").await;
    host.send(json!({"type":"start_round"})).await;
    let round = phone.recv_type("round").await;
    for c in round["choices"].as_array().unwrap() {
        let thumb = c["thumb"].as_str().unwrap();
        assert!(thumb.starts_with("/reunion/1984/photos/"), "{round}");
        let r = fetch(&http, format!("{origin}{thumb}")).await;
        assert_eq!(r.status().as_u16(), 200, "{thumb}");
        let bare = thumb.strip_prefix("/reunion/1984").unwrap();
        let r = fetch(&http, format!("{origin}{bare}")).await;
        assert_eq!(r.status().as_u16(), 404, "{bare} outside the base");
    }
}

// ---------------------------------------------------------------------------
// The shipped systemd files

fn crate_file(rel: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// `KEY=value` lines of an EnvironmentFile (systemd's rules for what we
/// use: `#` comments, surrounding blanks trimmed, no quotes).
fn env_file_vars(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (k, v) = l
                .split_once('=')
                .unwrap_or_else(|| panic!("not KEY=value: {l}"));
            assert!(
                !v.starts_with('"') && !v.starts_with('\''),
                "keep values unquoted: {l}"
            );
            (k.trim().to_string(), v.trim().to_string())
        })
        .collect()
}

#[test]
fn the_env_file_documents_every_setting_and_matches_the_unit() {
    let env = crate_file("deploy/systemd/yearbook.env");
    let config = crate_file("src/config.rs");
    let settings: Vec<&str> = config
        .split("env = \"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    assert!(settings.len() >= 9, "YEARBOOK_* settings in src/config.rs");
    for name in settings {
        assert!(
            env.lines().any(|l| {
                let l = l.trim_start_matches('#');
                l.starts_with(&format!("{name}="))
            }),
            "deploy/systemd/yearbook.env shows {name}"
        );
    }

    let unit = crate_file("deploy/systemd/yearbook.service");
    for line in [
        "DynamicUser=yes",
        "StateDirectory=yearbook",
        "WorkingDirectory=/var/lib/yearbook",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "NoNewPrivileges=yes",
        "Restart=on-failure",
        "EnvironmentFile=/etc/yearbook/yearbook.env",
        "LimitNOFILE=65536",
        "ExecStart=/usr/local/bin/yearbook serve",
    ] {
        assert!(
            unit.lines().any(|l| l.trim() == line),
            "yearbook.service has {line}"
        );
    }
    let vars = env_file_vars(&env);
    let get = |k: &str| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(get("YEARBOOK_ADDR"), Some("127.0.0.1:8080"));
    assert!(
        get("YEARBOOK_DB").is_some_and(|db| db.starts_with("/var/lib/yearbook/")),
        "the database in the unit's StateDirectory"
    );
}

#[tokio::test]
async fn the_env_file_configures_a_working_server() {
    let env = env_file_vars(&crate_file("deploy/systemd/yearbook.env"));
    assert!(
        !env.iter().any(|(k, _)| k == "YEARBOOK_ROSTER"),
        "the shipped env file serves the demo until the organiser sets a roster"
    );
    let roster = standard_roster();
    let dir = tempfile::tempdir().unwrap();
    let vars: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| match k.as_str() {
            "YEARBOOK_ADDR" => (k.clone(), "127.0.0.1:0".to_string()),
            "YEARBOOK_DB" => (k.clone(), dir.path().join("y.db").display().to_string()),
            _ => (k.clone(), v.clone()),
        })
        // The small test class instead of the bundled demo (quicker).
        .chain([(
            "YEARBOOK_ROSTER".to_string(),
            roster.csv().display().to_string(),
        )])
        .collect();
    let get = |k: &str| {
        vars.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("{k} set in the env file"))
    };
    let base = get("YEARBOOK_BASE_PATH");
    let public = get("YEARBOOK_PUBLIC_URL");
    let event = get("YEARBOOK_EVENT_CODE");
    let s = Running::start(&[], &vars);
    assert!(
        s.listening.ends_with(&base),
        "{} serves {base}",
        s.listening
    );
    assert!(
        dir.path().join("y.db").exists(),
        "the database where YEARBOOK_DB says"
    );

    let r = fetch(&no_redirect_client(), s.url(&format!("{base}/healthz"))).await;
    assert_eq!(r.status().as_u16(), 200);
    let r = no_redirect_client()
        .post(s.url(&format!("{base}/api/rooms")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401, "the env file sets an event code");
    let query: String = url_query_encode(&event);
    let r = no_redirect_client()
        .post(s.url(&format!("{base}/api/rooms?event={query}")))
        .send()
        .await
        .unwrap();
    let (room, _, _) = room_created(r).await;
    let join = room["join_url"].as_str().unwrap();
    assert!(
        join.starts_with(&format!("{}/join/", public.trim_end_matches('/'))),
        "{join} under YEARBOOK_PUBLIC_URL {public}"
    );
    assert!(join.contains("?event="), "{join}");
}

fn url_query_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// docs/deploy.md §10 makes one unit per instance from the shipped one
/// with a `sed` line: run it as written and check each instance gets its
/// own settings file and state folder, and nothing of the shipped
/// instance's is left.
#[test]
fn the_documented_sed_line_makes_a_unit_per_instance() {
    let docs = crate_file("docs/deploy.md");
    let line = docs
        .lines()
        .find(|l| l.starts_with("sed ") && l.ends_with("> yearbook-lincoln86.service"))
        .expect("the sed line in docs/deploy.md §10");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("yearbook.service"),
        crate_file("deploy/systemd/yearbook.service"),
    )
    .unwrap();
    let f = run_with_timeout(
        {
            let mut cmd = clean_cmd("sh");
            cmd.arg("-c").arg(line).current_dir(dir.path());
            cmd
        },
        std::time::Duration::from_secs(10),
    );
    assert_eq!(f.code(), Some(0), "{line}: {}", f.all_output());
    let unit = std::fs::read_to_string(dir.path().join("yearbook-lincoln86.service")).unwrap();
    for want in [
        "EnvironmentFile=/etc/yearbook/lincoln86.env",
        "StateDirectory=yearbook-lincoln86",
        "WorkingDirectory=/var/lib/yearbook-lincoln86",
        "ExecStart=/usr/local/bin/yearbook serve",
        "DynamicUser=yes",
    ] {
        assert!(unit.lines().any(|l| l.trim() == want), "{want} in:\n{unit}");
    }
    for stale in ["/etc/yearbook/yearbook.env", "StateDirectory=yearbook\n"] {
        assert!(!unit.contains(stale), "{stale:?} left in:\n{unit}");
    }
    assert!(
        !unit
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .any(|l| l.contains("/var/lib/yearbook") && !l.contains("/var/lib/yearbook-lincoln86")),
        "{unit}"
    );
}
