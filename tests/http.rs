//! HTTP routes: solo API, pages, health and metrics, photos, base path.

mod common;

use std::collections::HashMap;

use common::*;
use serde_json::{Value, json};

async fn post(server: &TestServer, path: &str, body: Value) -> (u16, Value) {
    server.post_json(path, &body).await
}

/// Which choice of a solo round is the named person (via the photos).
async fn solo_answer(
    server: &TestServer,
    round: &Value,
    seen: &mut HashMap<usize, String>,
) -> usize {
    let name = round["name"].as_str().expect("solo name");
    let target = Roster::index_of(name);
    let choices = round["choices"].as_array().expect("solo choices");
    assert_eq!(choices.len(), 4, "{round}");
    let mut people = Vec::new();
    for c in choices {
        let url = c.as_str().expect("choice is a URL string");
        assert!(url.starts_with("/photos/"), "solo photo URL {url}");
        let who = whose_photo(server, url).await;
        if let Some(prev) = seen.insert(who, url.to_string()) {
            // Each solo round has URLs of its own (docs/protocol.md).
            assert_ne!(
                prev, url,
                "{}'s photo URL links two rounds",
                PEOPLE[who].name
            );
        }
        people.push(who);
    }
    let hits: Vec<usize> = (0..4).filter(|&i| people[i] == target).collect();
    assert_eq!(
        hits.len(),
        1,
        "exactly one photo of {name} among {people:?}"
    );
    hits[0]
}

#[tokio::test]
async fn solo_rounds_are_answered_once() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().in_process());
    let mut seen = HashMap::new();

    let (st, r) = post(&server, "/api/solo/round", json!({})).await;
    assert!(matches!(st, 200 | 201), "solo round: {st} {r}");
    let id = r["round_id"].as_str().expect("round_id").to_string();
    assert_no_key(&r, "answer", "a solo round");
    let ans = solo_answer(&server, &r, &mut seen).await;
    let (st, a) = post(
        &server,
        "/api/solo/answer",
        json!({"round_id":id,"choice":ans}),
    )
    .await;
    assert_eq!(st, 200, "{a}");
    assert_eq!(a["correct"], true, "{a}");
    assert_eq!(a["answer"], ans, "{a}");
    let (st, a) = post(
        &server,
        "/api/solo/answer",
        json!({"round_id":id,"choice":ans}),
    )
    .await;
    assert_eq!(st, 409, "a round is answered once: {a}");
    assert!(a["error"].is_string(), "{a}");

    let (_, r) = post(&server, "/api/solo/round", json!({})).await;
    let id2 = r["round_id"].as_str().unwrap().to_string();
    assert_ne!(id2, id, "each round has its own id");
    let ans = solo_answer(&server, &r, &mut seen).await;
    let wrong = (ans + 1) % 4;
    let (st, a) = post(
        &server,
        "/api/solo/answer",
        json!({"round_id":id2,"choice":wrong}),
    )
    .await;
    assert_eq!(st, 200, "{a}");
    assert_eq!(a["correct"], false, "{a}");
    assert_eq!(a["answer"], ans, "{a}");
    assert_eq!(a["name"], r["name"], "the answer names the person: {a}");

    let (st, a) = post(
        &server,
        "/api/solo/answer",
        json!({"round_id":"no-such-round","choice":0}),
    )
    .await;
    assert_eq!(st, 404, "unknown round: {a}");
    assert!(a["error"].is_string() && a["message"].is_string(), "{a}");

    let (_, r) = post(&server, "/api/solo/round", json!({})).await;
    let (st, a) = post(
        &server,
        "/api/solo/answer",
        json!({"round_id":r["round_id"],"choice":7}),
    )
    .await;
    assert!(
        (400..500).contains(&st) && st != 404,
        "choice 7 is a client error: {st} {a}"
    );
}

#[tokio::test]
async fn a_solo_session_asks_everyone_before_repeating() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().in_process());
    let mut names = Vec::new();
    for _ in 0..7 {
        let (st, r) = post(&server, "/api/solo/round", json!({"session":"abc"})).await;
        assert!(matches!(st, 200 | 201), "{st} {r}");
        names.push(r["name"].as_str().unwrap().to_string());
    }
    let mut uniq = names.clone();
    uniq.sort();
    uniq.dedup();
    assert_eq!(
        uniq.len(),
        names.len(),
        "no repeats within a session: {names:?}"
    );
}

#[tokio::test]
async fn pages_health_and_metrics() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().in_process());
    let (st, room) = post(&server, "/api/rooms", json!({})).await;
    assert_eq!(st, 201, "{room}");
    let code = room["code"].as_str().unwrap();
    let key = room["host_key"].as_str().unwrap();
    assert!(
        (4..=6).contains(&code.len())
            && code
                .chars()
                .all(|c| c.is_ascii_uppercase() && c != 'I' && c != 'O'),
        "room code {code:?}: 4–6 letters A–Z without I and O"
    );
    let host_url = room["host_url"].as_str().expect("host_url");
    assert!(host_url.contains(&format!("/host/{code}")), "{host_url}");
    assert!(
        host_url.contains(&format!("#key={key}")),
        "the host key travels in the fragment: {host_url}"
    );
    assert!(
        !host_url.contains('?'),
        "no query string in the host URL: {host_url}"
    );
    let join_url = room["join_url"].as_str().expect("join_url");
    assert!(join_url.contains(code), "{join_url}");
    assert!(
        !join_url.contains(key),
        "the join URL must not carry the host key"
    );

    for path in [
        "/".to_string(),
        "/join".into(),
        format!("/join/{code}"),
        format!("/host/{code}"),
        "/solo".into(),
    ] {
        let r = server.get(&path).await;
        assert_eq!(r.status().as_u16(), 200, "GET {path}");
        let ct = header(&r, "content-type");
        assert!(
            ct.starts_with("text/html"),
            "GET {path} content type {ct:?}"
        );
        let body = r.text().await.unwrap();
        assert!(
            body.to_lowercase().contains("<html"),
            "GET {path} is an HTML page"
        );
        assert!(
            !body.contains(key),
            "GET {path} must not embed the host key"
        );
    }

    let r = server.get("/healthz").await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.text().await.unwrap().trim(), "ok");

    let r = server.get("/metrics").await;
    assert_eq!(r.status().as_u16(), 200);
    let text = r.text().await.unwrap();
    assert!(
        text.lines().any(|l| l.starts_with("yearbook_rooms")),
        "metrics have a yearbook_rooms… series:\n{text}"
    );
    let r = server.get("/no/such/page").await;
    assert_eq!(r.status().as_u16(), 404);
}

/// The host page on a loopback-only join URL says phones cannot reach it
/// (and what to do); with a LAN `--public-url` it says nothing of the kind.
#[tokio::test]
async fn the_host_page_warns_when_phones_cannot_reach_the_join_url() {
    let roster = standard_roster();
    // The warning's element: its words are also among the page's messages
    // for the scripts (the phone remote's code says them too).
    const WARNING: &str = "id=\"loopback-warning\"";
    const WORDS: &str = "Phones cannot reach this address: it is this computer only.";
    for (public_url, warned) in [(None, true), (Some("http://192.168.1.20:8080"), false)] {
        let mut b = TestServer::builder().in_process();
        if let Some(url) = public_url {
            b = b.arg("--public-url").arg(url);
        }
        let server = server_with(&roster, b);
        let (code, _key) = create_room(&server, json!({})).await;
        let body = server
            .get(&format!("/host/{code}"))
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(
            body.contains(WARNING),
            warned,
            "public URL {public_url:?}: warning shown must be {warned}:\n{body}"
        );
        if warned {
            let shown = body.split(WARNING).nth(1).unwrap_or("");
            assert!(
                shown.split("</p>").next().unwrap_or("").contains(WORDS),
                "the warning in words:\n{body}"
            );
            assert!(
                body.contains("--addr 0.0.0.0:8080"),
                "the warning says what to do:\n{body}"
            );
        }
    }
}

#[tokio::test]
async fn photos_are_opaque_and_cached_forever() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().in_process());
    let (code, key) = create_room(&server, json!({"rounds":1})).await;
    let mut host = connect_host(&server, &code, &key).await;
    let (mut ann, _) = join(&server, &code, "Ann").await;
    host.send(json!({"type":"start_round"})).await;
    let round = ann.recv_type("round").await;
    let mut urls = Vec::new();
    for c in round["choices"].as_array().unwrap() {
        urls.push(c["photo"].as_str().unwrap().to_string());
        urls.push(c["thumb"].as_str().unwrap().to_string());
    }
    let name_parts: Vec<String> = PEOPLE
        .iter()
        .flat_map(|p| p.name.split(' ').chain(p.known_as.split(' ')))
        .filter(|w| w.len() >= 3)
        .map(|w| w.to_lowercase())
        .collect();
    for url in &urls {
        assert!(url.starts_with("/photos/"), "photo URL {url}");
        let lower = url.to_lowercase();
        for part in &name_parts {
            assert!(
                !lower.contains(part.as_str()),
                "photo URL {url} gives away {part:?}"
            );
        }
        let r = fetch(&server.http, server.abs(url)).await;
        assert_eq!(r.status().as_u16(), 200, "GET {url}");
        let h = r.headers();
        let etag = h
            .get("etag")
            .unwrap_or_else(|| panic!("{url}: ETag"))
            .to_str()
            .unwrap()
            .to_string();
        let cc = h
            .get("cache-control")
            .unwrap_or_else(|| panic!("{url}: Cache-Control"))
            .to_str()
            .unwrap();
        assert!(cc.contains("immutable"), "{url}: Cache-Control {cc:?}");
        let ct = h
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        assert!(ct.starts_with("image/"), "{url}: content type {ct:?}");
        let bytes = r.bytes().await.unwrap();
        identify(&bytes);
        let r = fetch_with_header(&server.http, server.abs(url), "if-none-match", &etag).await;
        assert_eq!(
            r.status().as_u16(),
            304,
            "{url}: If-None-Match with its ETag"
        );
    }
    // The name's person is among the choices, and photo and thumb agree.
    let ans = answer_of(&server, &round).await;
    let c = &round["choices"][ans];
    assert_eq!(
        whose_photo(&server, c["photo"].as_str().unwrap()).await,
        Roster::index_of(round["prompt"]["name"].as_str().unwrap()),
        "the projector-size photo shows the same person as the thumb"
    );
    let r = server.get("/photos/0000000000000000-thumb.jpg").await;
    assert_eq!(r.status().as_u16(), 404, "unknown photo id");
    let r = server.get("/photos/..%2Froster.csv").await;
    assert!(
        (400..500).contains(&r.status().as_u16()),
        "no path tricks: {}",
        r.status()
    );
}

#[tokio::test]
async fn a_base_path_prefixes_every_route() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().base_path("/reunion/1984"));
    let line = server.listening_line().trim_end_matches('/').to_string();
    assert!(
        line.ends_with("/reunion/1984"),
        "listening line names the prefix: {line:?}"
    );

    let r = server.get("/healthz").await; // under the prefix
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.text().await.unwrap().trim(), "ok");
    let r = server.get("/").await;
    assert_eq!(r.status().as_u16(), 200, "GET /reunion/1984/");
    assert!(r.text().await.unwrap().to_lowercase().contains("<html"));
    let r = fetch(&server.http, format!("{}/healthz", server.origin())).await;
    assert_eq!(r.status().as_u16(), 404, "/healthz outside the prefix");

    let (code, key) = create_room(&server, json!({"rounds":1})).await;
    let mut host = connect_host(&server, &code, &key).await;
    let (mut ann, _) = join(&server, &code, "Ann").await;
    host.send(json!({"type":"start_round"})).await;
    let round = ann.recv_type("round").await;
    let thumb = round["choices"][0]["thumb"].as_str().unwrap();
    assert!(
        thumb.starts_with("/reunion/1984/photos/"),
        "photo URLs carry the prefix: {thumb}"
    );
    let bytes = server.fetch_bytes(thumb).await;
    identify(&bytes);
    answer_of(&server, &round).await;

    let (st, solo) = server.post_json("/api/solo/round", &json!({})).await;
    assert!(matches!(st, 200 | 201), "{st} {solo}");
    let c0 = solo["choices"][0].as_str().unwrap();
    assert!(
        c0.starts_with("/reunion/1984/photos/"),
        "solo photo URLs carry the prefix: {c0}"
    );
    server.fetch_bytes(c0).await;
}

#[tokio::test]
async fn the_bundled_demo_class_is_served_without_options() {
    let server = TestServer::builder().in_process().start();
    let (st, r) = server.post_json("/api/solo/round", &json!({})).await;
    assert!(matches!(st, 200 | 201), "{st} {r}");
    assert!(r["name"].as_str().is_some_and(|n| !n.is_empty()), "{r}");
    let choices = r["choices"].as_array().expect("choices");
    assert_eq!(choices.len(), 4);
    for c in choices {
        let bytes = server.fetch_bytes(c.as_str().unwrap()).await;
        image::load_from_memory(&bytes).expect("a demo photo decodes");
    }
    let (code, _) = create_room(&server, json!({})).await;
    let (st, v) = server.get_json(&format!("/api/rooms/{code}")).await;
    assert_eq!(st, 200);
    assert_eq!(v["phase"], "lobby");
}

#[tokio::test]
async fn an_event_code_guards_everything_but_health() {
    let roster = standard_roster();
    let server = server_with(
        &roster,
        TestServer::builder()
            .in_process()
            .arg("--event-code")
            .arg("Class of 84"),
    );
    let q = "event=class%20%20OF%2084"; // case and runs of spaces do not matter
    let r = server.get("/healthz").await;
    assert_eq!(r.status().as_u16(), 200, "/healthz stays open");

    for path in ["/", "/solo", "/join"] {
        assert_eq!(server.get(path).await.status().as_u16(), 401, "GET {path}");
    }
    // issue 22: the gate's form in the guest's language.
    let form = server
        .http
        .get(server.url("/join"))
        .header("accept-language", "de-DE,de")
        .send()
        .await
        .unwrap();
    assert_eq!(form.status().as_u16(), 401);
    let html = form.text().await.unwrap();
    assert!(html.contains("<html lang=\"de\""), "{html}");
    assert!(html.contains("<h1>Veranstaltungscode</h1>"), "{html}");
    let (st, v) = server.get_json("/metrics").await;
    assert_eq!(st, 401, "/metrics: {v}");
    let (st, v) = server.post_json("/api/rooms", &json!({})).await;
    assert_eq!(st, 401, "{v}");
    assert_eq!(v["error"], "event_code_required", "{v}");
    let (st, v) = server
        .post_json("/api/rooms?event=wrong%20words", &json!({}))
        .await;
    assert_eq!(st, 401, "a wrong code: {v}");

    let (st, room) = server
        .post_json(&format!("/api/rooms?{q}"), &json!({"rounds":1}))
        .await;
    assert_eq!(st, 201, "with ?event=: {room}");
    let code = room["code"].as_str().unwrap();
    let key = room["host_key"].as_str().unwrap();
    assert!(
        room["join_url"].as_str().unwrap().contains("event="),
        "the join URL carries the code: {room}"
    );

    let ws = server.ws_url(code);
    match TestClient::connect_url(&ws, None, "no code").await {
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
            assert_eq!(resp.status().as_u16(), 401, "/ws without the code")
        }
        Err(e) => panic!("expected 401, got {e}"),
        Ok(_) => panic!("/ws without the event code must be refused"),
    }
    let mut host = TestClient::connect_url(&format!("{ws}?{q}"), None, "host")
        .await
        .expect("/ws with ?event=");
    host.send(json!({"type":"hello","key":key})).await;
    host.recv_type("state").await;
    let mut ann = TestClient::connect_url(&format!("{ws}?{q}"), None, "Ann")
        .await
        .expect("/ws with ?event=");
    ann.send(json!({"type":"join","name":"Ann"})).await;
    ann.recv_type("welcome").await;
    host.send(json!({"type":"start_round"})).await;
    let round = ann.recv_type("round").await;
    let thumb = round["choices"][0]["thumb"].as_str().unwrap();
    let r = fetch(&server.http, server.abs(thumb)).await;
    assert_eq!(r.status().as_u16(), 401, "a photo without the code");
    let r = fetch(&server.http, format!("{}?{q}", server.abs(thumb))).await;
    assert_eq!(r.status().as_u16(), 200, "a photo with ?event=");

    // A browser opening a link with ?event= gets a cookie and a clean URL.
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = fetch(&browser, server.url(&format!("/join/{code}?{q}"))).await;
    assert!(
        r.status().is_redirection(),
        "?event= on a page redirects: {}",
        r.status()
    );
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.ends_with(&format!("/join/{code}")),
        "redirect to the URL without the code: {location}"
    );
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|c| c.to_str().unwrap().to_string())
        .find(|c| c.starts_with("yearbook_event="))
        .expect("a yearbook_event cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    let pair = cookie.split(';').next().unwrap().to_string();
    let r = fetch_with_header(
        &browser,
        server.url(&format!("/join/{code}")),
        "cookie",
        &pair,
    )
    .await;
    assert_eq!(r.status().as_u16(), 200, "the page with the cookie");
    let r = fetch_with_header(&browser, server.abs(thumb), "cookie", &pair).await;
    assert_eq!(r.status().as_u16(), 200, "a photo with the cookie");
    let r = fetch_with_header(&browser, server.url("/"), "cookie", "yearbook_event=forged").await;
    assert_eq!(r.status().as_u16(), 401, "a forged cookie");
}

/// A gzip body decoded.
fn gunzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("a gzip body");
    out
}

/// GET `url` plain and again with `Accept-Encoding: gzip`: the second is
/// gzip-encoded, smaller, and decodes to the first's bytes. Returns the
/// plain answer's headers and body.
async fn gzipped_when_asked(
    server: &TestServer,
    url: &str,
) -> (reqwest::header::HeaderMap, Vec<u8>) {
    let plain = fetch(&server.http, url).await;
    assert_eq!(plain.status().as_u16(), 200, "GET {url}");
    assert_eq!(header(&plain, "content-encoding"), "", "{url}: not asked");
    let zipped = fetch_with_header(&server.http, url, "accept-encoding", "gzip").await;
    assert_eq!(zipped.status().as_u16(), 200, "GET {url} gzip");
    assert_eq!(header(&zipped, "content-encoding"), "gzip", "{url}: asked");
    let zipped = zipped.bytes().await.unwrap();
    let headers = plain.headers().clone();
    let plain = plain.bytes().await.unwrap().to_vec();
    assert_eq!(gunzip(&zipped), plain, "{url}: decodes to the same");
    assert!(zipped.len() < plain.len(), "{url}: smaller");
    (headers, plain)
}

fn header_of(h: &reqwest::header::HeaderMap, name: &str) -> String {
    h.get(name)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// The phone page's CSS and JS: versioned, gzip-encoded when asked,
/// cached for a year as immutable, with an ETag that answers 304.
async fn assets_are_versioned_and_gzipped(server: &TestServer, page: &str, base: &str) {
    let (_, html) = gzipped_when_asked(server, &server.url(page)).await;
    let html = String::from_utf8(html).unwrap();
    let assets: Vec<String> = local_links(&html)
        .into_iter()
        .filter(|l| l.starts_with(&format!("{base}/static/")))
        .collect();
    assert!(assets.len() >= 3, "{page}: CSS and JS links {assets:?}");
    for url in &assets {
        assert!(url.contains("?v="), "{page}: {url} is not versioned");
        let abs = format!("{}{url}", server.origin());
        let (h, _) = gzipped_when_asked(server, &abs).await;
        let cc = header_of(&h, "cache-control");
        assert_eq!(cc, "public, max-age=31536000, immutable", "{url}");
        let etag = header_of(&h, "etag");
        assert!(!etag.is_empty(), "{url}: ETag");
        let again = fetch_with_header(&server.http, &abs, "if-none-match", &etag).await;
        assert_eq!(again.status().as_u16(), 304, "{url}: If-None-Match");
        let head = server.http.head(&abs).header("accept-encoding", "gzip");
        let head = head.send().await.expect("HEAD");
        assert_eq!(head.status().as_u16(), 200, "HEAD {url}");
        assert!(
            head.bytes().await.unwrap().is_empty(),
            "HEAD {url}: no body"
        );
        // Without the version the file may change: short caching as before.
        let bare = format!("{}{}", server.origin(), url.split('?').next().unwrap());
        let r = fetch(&server.http, &bare).await;
        assert_eq!(r.status().as_u16(), 200, "{bare}");
        assert_eq!(header(&r, "cache-control"), "public, max-age=300", "{bare}");
    }
}

#[tokio::test]
async fn text_is_gzipped_when_asked_and_assets_are_versioned() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().in_process());
    let (code, key) = create_room(&server, json!({"rounds":1})).await;
    assets_are_versioned_and_gzipped(&server, &format!("/join/{code}"), "").await;
    assets_are_versioned_and_gzipped(&server, "/", "").await;

    // Photos are JPEG already: never compressed again.
    let mut host = connect_host(&server, &code, &key).await;
    let (mut ann, _) = join(&server, &code, "Ann").await;
    host.send(json!({"type":"start_round"})).await;
    let round = ann.recv_type("round").await;
    let photo = server.abs(round["choices"][0]["photo"].as_str().unwrap());
    let r = fetch_with_header(&server.http, &photo, "accept-encoding", "gzip").await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(header(&r, "content-encoding"), "", "a photo is not gzipped");
    identify(&r.bytes().await.unwrap());
}

#[tokio::test]
async fn versioned_assets_work_under_a_base_path() {
    let roster = standard_roster();
    let b = TestServer::builder()
        .in_process()
        .base_path("/reunion/1984");
    let server = server_with(&roster, b);
    let (code, _) = create_room(&server, json!({"rounds":1})).await;
    assets_are_versioned_and_gzipped(&server, &format!("/join/{code}"), "/reunion/1984").await;
}

/// The emcee's phone remote: `/remote/{code}` is a page (404 page for an
/// unknown room, no key in it), and the host screen's QR code of it comes
/// only to the host key, sent in a header: it encodes
/// `<public url>/remote/{code}#key=KEY`, a missing key gets 401, a wrong
/// one 403, neither a QR code; the key is never in a URL or the log.
#[tokio::test]
async fn the_remote_qr_code_needs_the_host_key_in_a_header() {
    let roster = standard_roster();
    let public = "http://192.168.1.20:8080/reunion";
    let server = server_with(
        &roster,
        TestServer::builder()
            .base_path("/reunion")
            .arg("--public-url")
            .arg(public),
    );
    let (code, key) = create_room(&server, json!({})).await;
    let page = server.get(&format!("/remote/{code}")).await;
    assert_eq!(page.status().as_u16(), 200, "GET /remote/{code}");
    let html = page.text().await.unwrap();
    assert!(html.contains(&code), "the remote names its room");
    assert!(!html.contains(&key), "the remote page never holds the key");
    let missing = server.get("/remote/ZZZZ").await;
    assert_eq!(missing.status().as_u16(), 404, "an unknown room");
    assert!(missing.text().await.unwrap().contains("No such game"));
    // issue 22: the 404 page in the visitor's language.
    let missing = server
        .http
        .get(server.url("/join/ZZZZ"))
        .header("accept-language", "es-MX,es;q=0.9")
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status().as_u16(), 404);
    let vary: Vec<&str> = missing
        .headers()
        .get_all("vary")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    assert!(
        vary.iter().any(|v| v.contains("Accept-Language")),
        "a shared cache keeps each language apart: {vary:?}"
    );
    let html = missing.text().await.unwrap();
    assert!(html.contains("<html lang=\"es\""), "{html}");
    assert!(
        html.contains("No hay ningún juego con el código ZZZZ."),
        "{html}"
    );

    let qr_url = server.url(&format!("/api/rooms/{code}/remote-qr"));
    assert!(!qr_url.contains(&key), "the key is not in the URL");
    let r = fetch(&server.http, &qr_url).await;
    assert_eq!(r.status().as_u16(), 401, "no key");
    assert!(!r.text().await.unwrap().contains("<svg"), "no QR code");
    let wrong = "0".repeat(key.len());
    let r = fetch_with_header(
        &server.http,
        &qr_url,
        "Authorization",
        &format!("Bearer {wrong}"),
    )
    .await;
    assert_eq!(r.status().as_u16(), 403, "a wrong key");
    assert!(!r.text().await.unwrap().contains("<svg"), "no QR code");

    let r = fetch_with_header(
        &server.http,
        &qr_url,
        "Authorization",
        &format!("Bearer {key}"),
    )
    .await;
    assert_eq!(r.status().as_u16(), 200, "the host key");
    assert!(header(&r, "content-type").starts_with("image/svg+xml"));
    assert!(
        header(&r, "cache-control").contains("no-store"),
        "a QR code carrying the key is never stored"
    );
    let svg = r.text().await.unwrap();
    let want = format!("{public}/remote/{code}#key={key}");
    assert!(qr::qr_encodes(&svg, &want), "the QR code encodes {want}");
    assert!(!server.stderr().contains(&key), "the key is not logged");
}
