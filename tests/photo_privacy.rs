//! Solo must not be an answer key for rooms: a photo's URL, ETag and
//! length say nothing that links it to the same photo seen in solo or in
//! another room. And solo is paced, and can be turned off.

mod common;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::Duration;

use common::*;
use serde_json::{Value, json};

/// What a phone learns of one photo without decoding it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    url: String,
    etag: String,
    length: usize,
    /// Whose photo it is (read from the pixels: the test knows, a bot
    /// should have had to).
    person: usize,
}

async fn look(server: &TestServer, url: &str) -> Seen {
    let r = fetch(&server.http, server.abs(url)).await;
    assert_eq!(r.status().as_u16(), 200, "GET {url}");
    let header = |name: &str| {
        r.headers()
            .get(name)
            .unwrap_or_else(|| panic!("{url}: {name}"))
            .to_str()
            .unwrap()
            .to_string()
    };
    let etag = header("etag");
    let length: usize = header("content-length").parse().unwrap();
    let bytes = r.bytes().await.unwrap();
    assert_eq!(bytes.len(), length, "{url}: body as long as it says");
    Seen {
        url: url.to_string(),
        etag,
        length,
        person: identify(&bytes),
    }
}

/// Every photo URL (both sizes) in a `round` or `state` message.
fn photo_urls(msg: &Value) -> Vec<String> {
    let mut urls = Vec::new();
    let mut add = |v: &Value| {
        for size in ["photo", "thumb"] {
            if let Some(u) = v[size].as_str() {
                urls.push(u.to_string());
            }
        }
    };
    add(&msg["prompt"]);
    for c in msg["choices"].as_array().into_iter().flatten() {
        add(c);
    }
    urls
}

/// Plays solo until every classmate's photo was seen; everything seen.
async fn play_solo(server: &TestServer) -> Vec<Seen> {
    let mut seen = Vec::new();
    for _ in 0..8 {
        let (st, r) = server
            .post_json("/api/solo/round", &json!({"session": "bot"}))
            .await;
        assert_eq!(st, 200, "{r}");
        for list in ["choices", "thumbs"] {
            for u in r[list].as_array().unwrap() {
                seen.push(look(server, u.as_str().unwrap()).await);
            }
        }
    }
    let people: BTreeSet<usize> = seen.iter().map(|s| s.person).collect();
    assert_eq!(people.len(), PEOPLE.len(), "solo showed everyone");
    seen
}

/// A room played round after round until each classmate's photo was on
/// screen: `(code, host key, host client, photos seen)`.
async fn play_room(server: &TestServer) -> (String, String, TestClient, Vec<Seen>) {
    let (code, key) = create_room(server, json!({"rounds": 12, "seconds": 60})).await;
    let mut host = connect_host(server, &code, &key).await;
    let (_phone, _) = join(server, &code, "Ann").await;
    let mut seen = Vec::new();
    for _ in 0..12 {
        host.send(json!({"type": "start_round"})).await;
        let round = host.recv_type("round").await;
        for u in photo_urls(&round) {
            seen.push(look(server, &u).await);
        }
        let people: BTreeSet<usize> = seen.iter().map(|s| s.person).collect();
        if people.len() == PEOPLE.len() {
            return (code, key, host, seen);
        }
        host.send(json!({"type": "reveal"})).await;
        host.recv_type("reveal").await;
    }
    panic!("twelve rounds did not show everyone");
}

/// `person → URLs` (stable within one scope: one photo and one thumb each).
fn by_person(seen: &[Seen]) -> HashMap<usize, BTreeSet<String>> {
    let mut map: HashMap<usize, BTreeSet<String>> = HashMap::new();
    for s in seen {
        map.entry(s.person).or_default().insert(s.url.clone());
    }
    map
}

/// The file name under `/photos/` without `.jpg` and the size suffix: the
/// part that names the person.
fn id_of(url: &str) -> String {
    let file = url.rsplit('/').next().unwrap();
    file.trim_end_matches(".jpg")
        .trim_end_matches("-thumb")
        .trim_end_matches("-photo")
        .to_string()
}

#[tokio::test]
async fn photos_in_a_room_link_to_nothing_seen_in_solo_or_another_room() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder());
    let solo = play_solo(&server).await;
    let (code_a, key_a, host_a, room_a) = play_room(&server).await;
    let (_, _, _host_b, room_b) = play_room(&server).await;

    let elsewhere = |what: &str, of: fn(&Seen) -> String| {
        let mut all: HashMap<String, &str> = HashMap::new();
        for s in &solo {
            all.insert(of(s), "solo");
        }
        for s in &room_b {
            all.insert(of(s), "the other room");
        }
        for s in &room_a {
            if let Some(place) = all.get(&of(s)) {
                panic!(
                    "the {what} of {}'s photo in a room ({}) was seen in {place}",
                    PEOPLE[s.person].name, s.url
                );
            }
        }
    };
    elsewhere("URL", |s| s.url.clone());
    elsewhere("id", |s| id_of(&s.url));
    elsewhere("ETag", |s| s.etag.clone());
    // Solo rounds do not link to each other either: each has its own URLs.
    let solo_ids: HashSet<String> = solo.iter().map(|s| id_of(&s.url)).collect();
    assert_eq!(
        solo_ids.len(),
        solo.len() / 2,
        "one id per photo shown in solo"
    );

    // Lengths: every photo of a size is as long as every other, everywhere.
    for size in ["-thumb.jpg", "-photo.jpg"] {
        let lengths: BTreeSet<usize> = solo
            .iter()
            .chain(&room_a)
            .chain(&room_b)
            .filter(|s| s.url.ends_with(size))
            .map(|s| s.length)
            .collect();
        assert_eq!(
            lengths.len(),
            1,
            "{size}: the length tells people apart: {lengths:?}"
        );
    }

    // Within a room a person keeps one URL per size: phones cache it.
    let urls_a = by_person(&room_a);
    for (person, urls) in &urls_a {
        assert_eq!(urls.len(), 2, "{}: {urls:?}", PEOPLE[*person].name);
    }
    let etags_a: HashMap<String, String> = room_a
        .iter()
        .map(|s| (s.url.clone(), s.etag.clone()))
        .collect();
    drop(host_a);

    // After a restart on the same database the room's URLs are the same
    // (the phones' caches still hold), and its old URLs still answer.
    let server = server.restart_after_kill9();
    let host = connect_host(&server, &code_a, &key_a).await;
    let state = &host.state;
    let shown = photo_urls(state);
    assert!(!shown.is_empty(), "the open question's photos: {state}");
    for url in &shown {
        let again = look(&server, url).await;
        assert!(
            urls_a[&again.person].contains(url),
            "{url} is {}'s URL in this room from before the restart: {:?}",
            PEOPLE[again.person].name,
            urls_a[&again.person]
        );
    }
    for (url, etag) in &etags_a {
        let r = fetch_with_header(&server.http, server.abs(url), "if-none-match", etag).await;
        assert_eq!(r.status().as_u16(), 304, "{url} with its old ETag");
    }
}

#[tokio::test]
async fn made_up_photo_names_are_not_found() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().in_process());
    let (_, r) = server.post_json("/api/solo/round", &json!({})).await;
    let url = r["thumbs"][0].as_str().unwrap().to_string();
    assert_eq!(fetch(&server.http, server.abs(&url)).await.status(), 200);
    // Another size, another scope, a changed tag: all unknown.
    let (scope, rest) = url.rsplit_once('/').unwrap().1.split_once('-').unwrap();
    let other_scope = format!("/photos/r{}-{rest}", &scope[1..]);
    let flipped = url.replacen("-thumb.jpg", "-photo.jpg", 1);
    let mut bad_tag = url.clone();
    let at = url.len() - "0-thumb.jpg".len();
    let c = if &url[at..=at] == "0" { "1" } else { "0" };
    bad_tag.replace_range(at..=at, c);
    for path in [other_scope, bad_tag, "/photos/..%2Froster.csv".into()] {
        let r = fetch(&server.http, server.abs(&path)).await;
        assert_eq!(r.status().as_u16(), 404, "{path}");
    }
    let r = fetch(&server.http, server.abs(&flipped)).await;
    assert_eq!(r.status().as_u16(), 200, "the same round's photo size");
}

#[tokio::test]
async fn solo_rounds_are_paced_per_address() {
    // The clock stands still: the burst is all there is until it is skipped.
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().test_clock());
    // A burst is fine: someone tapping quickly through a few.
    for i in 0..10 {
        let (st, r) = server.post_json("/api/solo/round", &json!({})).await;
        assert_eq!(st, 200, "round {i}: {r}");
    }
    let r = server
        .http
        .post(server.url("/api/solo/round"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 429, "a bot's pace");
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(retry, 1, "the next round in 1/2 s, rounded up");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "rate_limited", "{body}");
    assert!(body["message"].is_string(), "{body}");
    // A human pace goes on: two rounds a second, one every 1/2 s.
    let solo_round = || async {
        let (st, r) = server.post_json("/api/solo/round", &json!({})).await;
        (st, r["error"].clone())
    };
    server.skip(Duration::from_millis(499));
    assert_eq!(solo_round().await.0, 429, "at 499 ms");
    server.skip(Duration::from_millis(1));
    assert_eq!(solo_round().await.0, 200, "at 500 ms");
    assert_eq!(solo_round().await, (429, json!("rate_limited")));
    server.skip(Duration::from_secs(1));
    for _ in 0..2 {
        assert_eq!(solo_round().await.0, 200, "a second later");
    }
    assert_eq!(solo_round().await.0, 429, "no more than two a second");
    // Rooms are not affected.
    create_room(&server, json!({})).await;
}

#[tokio::test]
async fn solo_off_closes_the_api_and_says_so_on_the_page() {
    let roster = standard_roster();
    let server = server_with(
        &roster,
        TestServer::builder().in_process().arg("--solo").arg("off"),
    );
    let (st, r) = server.post_json("/api/solo/round", &json!({})).await;
    assert_eq!(st, 403, "{r}");
    assert_eq!(r["error"], "solo_off", "{r}");
    let (st, r) = server
        .post_json("/api/solo/answer", &json!({"round_id": "x", "choice": 0}))
        .await;
    assert_eq!((st, r["error"].as_str()), (403, Some("solo_off")), "{r}");
    let page = server.get("/solo").await.text().await.unwrap();
    assert!(page.contains("Solo play is off"), "{page}");
    assert!(!page.contains("solo.js"), "no solo script when off");
    // issue 22: in the guest's language, by Accept-Language or the
    // switch's cookie; the code stays.
    let http = reqwest::Client::new();
    let r: Value = http
        .post(server.url("/api/solo/round"))
        .header("accept-language", "de-DE,de;q=0.9")
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["error"], "solo_off", "{r}");
    assert_eq!(
        r["message"], "Allein spielen ist auf diesem Server ausgeschaltet.",
        "{r}"
    );
    let page = http
        .get(server.url("/solo"))
        .header("accept-language", "de")
        .header("cookie", "yb_lang=es")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<html lang=\"es\""), "{page}");
    assert!(
        page.contains("El juego en solitario está desactivado en este servidor."),
        "{page}"
    );
    let landing = server.get("/").await.text().await.unwrap();
    assert!(
        !landing.contains("/solo\""),
        "no solo link on the landing page"
    );
    // Rooms play as ever.
    create_room(&server, json!({})).await;
}

#[tokio::test]
async fn solo_idle_is_closed_while_a_room_has_a_question_open() {
    let roster = standard_roster();
    let server = server_with(
        &roster,
        TestServer::builder().in_process().arg("--solo").arg("idle"),
    );
    let (st, open) = server.post_json("/api/solo/round", &json!({})).await;
    assert_eq!(st, 200, "no room playing: {open}");
    let (code, key) = create_room(&server, json!({"seconds": 60})).await;
    let mut host = connect_host(&server, &code, &key).await;
    let (_phone, _) = join(&server, &code, "Ann").await;
    let (st, r) = server.post_json("/api/solo/round", &json!({})).await;
    assert_eq!(st, 200, "a room in its lobby: {r}");

    host.send(json!({"type": "start_round"})).await;
    host.recv_type("round").await;
    let (st, r) = server.post_json("/api/solo/round", &json!({})).await;
    assert_eq!((st, r["error"].as_str()), (503, Some("solo_paused")), "{r}");
    let (st, r) = server
        .post_json(
            "/api/solo/answer",
            &json!({"round_id": open["round_id"], "choice": 0}),
        )
        .await;
    assert_eq!((st, r["error"].as_str()), (503, Some("solo_paused")), "{r}");
    assert!(r["message"].as_str().unwrap().contains("paused"), "{r}");

    host.send(json!({"type": "reveal"})).await;
    host.recv_type("reveal").await;
    let (st, r) = server.post_json("/api/solo/round", &json!({})).await;
    assert_eq!(st, 200, "the question closed: {r}");
}

#[tokio::test]
async fn an_unanswered_solo_round_is_kept_for_an_hour() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().test_clock());
    let new_round = || async {
        let (st, r) = server.post_json("/api/solo/round", &json!({})).await;
        assert_eq!(st, 200, "{r}");
        r["round_id"].as_str().unwrap().to_string()
    };
    // An answer out of range is refused only for a round that exists
    // (400), and leaves it unanswered; one forgotten is 404.
    let lookup = |id: String| {
        let server = &server;
        async move {
            let body = json!({"round_id": id, "choice": 9});
            server.post_json("/api/solo/answer", &body).await.0
        }
    };
    let old = new_round().await;
    // Rounds are let go as new ones are made (and every minute).
    server.skip(Duration::from_millis(3_599_999));
    new_round().await;
    assert_eq!(lookup(old.clone()).await, 400, "kept at 59:59.999");
    server.skip(Duration::from_millis(1));
    let fresh = new_round().await;
    assert_eq!(lookup(old).await, 404, "gone at 1 h");
    assert_eq!(lookup(fresh).await, 400);
}
