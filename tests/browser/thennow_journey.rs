//! Issue 21's "Done when" in a real Chromium against the real `yearbook`
//! binary on a SQLite file: in an organiser's event, four phones say who
//! they are with "I'm…" and send an aged yearbook portrait through the
//! page's file input (a fifth guest over a WebSocket, so a face can be
//! hidden and four stay); the host plays then → now rounds, hides a
//! photo between rounds (it is in no later question), `kill -9` and a
//! restart on the same database (claims, photos and scores kept, the game
//! goes on), then a now → then round in a second room; the guest asked
//! about sees "That's you!" and scores nothing; "End event" makes every
//! photo of today 404 and leaves none of their bytes in the file.

use super::*;
use common::{connect_host, get_results_csv, identify_portrait, join, score_of};
use std::collections::BTreeMap;
use std::path::Path;

/// The event's classmates; guest `i` is the first name of `CLASSMATES[i]`
/// and claims them. The last one joins over a WebSocket.
const CLASSMATES: [&str; 5] = [
    "Ann Archer",
    "Bea Baker",
    "Cid Cole",
    "Dot Dean",
    "Eve Evans",
];
const PHONES: usize = 4;

fn guest(i: usize) -> &'static str {
    CLASSMATES[i].split(' ').next().unwrap_or("Guest")
}

/// Portrait `i` "aged": larger, lighter, less contrast, softer, as the
/// JPEG a phone's gallery would hold.
fn aged_portrait(i: usize) -> Vec<u8> {
    let aged = image::DynamicImage::ImageLuma8(common::portrait(i))
        .resize_exact(320, 400, image::imageops::FilterType::Triangle)
        .adjust_contrast(-25.0)
        .brighten(20)
        .blur(1.0);
    let mut jpeg = Vec::new();
    aged.to_rgb8()
        .write_to(
            &mut std::io::Cursor::new(&mut jpeg),
            image::ImageFormat::Jpeg,
        )
        .expect("a JPEG");
    jpeg
}

/// The random id in a photo of today's URL (`/today/{id}-thumb.jpg`).
fn today_id(url: &str) -> &str {
    let file = url.rsplit('/').next().unwrap_or(url);
    file.split('-').next().unwrap_or(file)
}

/// The host's list of photos of today: guest name → (player id, thumb,
/// photo), hidden ones included.
async fn today_list(server: &TestServer, code: &str, key: &str) -> (u64, Value) {
    let r = server
        .http
        .get(server.url(&format!("/api/rooms/{code}/today-photos")))
        .bearer_auth(key)
        .send()
        .await
        .expect("GET today-photos");
    let (status, v) = common::status_and_json(r).await;
    assert_eq!(status, 200, "{v}");
    (v["count"].as_u64().expect("count"), v)
}

fn entry<'a>(list: &'a Value, guest: &str) -> &'a Value {
    list["photos"]
        .as_array()
        .expect("photos")
        .iter()
        .find(|p| p["name"] == guest)
        .unwrap_or_else(|| panic!("{guest}'s photo in {list}"))
}

/// On a phone: join as `guest`, find `person` with "I'm…", claim them,
/// pick `picture` in the file input, see its preview and send it.
async fn join_claim_and_send(
    phone: &Page,
    join_url: &str,
    guest: &str,
    person: &str,
    picture: &Path,
    shoot: bool,
) {
    phone.goto(join_url).await;
    phone
        .wait("the join form", "document.querySelector('#join-form')")
        .await;
    let kept = phone
        .js("return document.getElementById('name').value")
        .await;
    if kept == guest {
        // Back for another room: the phone remembers the name.
        phone.type_into("#name", ENTER).await;
        phone_screen(phone, "s-wait").await;
    } else {
        enter_name(phone, guest).await;
    }
    phone.click("#claim-more > summary").await;
    let surname = person.split(' ').nth(1).unwrap_or(person);
    phone.type_into("#claim-q", &surname.to_lowercase()).await;
    phone
        .wait(
            "the search's answer",
            &format!(
                "document.querySelectorAll('.claim-pick').length === 1 && \
                 seen('.claim-pick').indexOf({}) >= 0",
                js_str(person)
            ),
        )
        .await;
    if shoot {
        phone.screenshot("thennow-journey-claim-search").await;
    }
    phone.click(".claim-pick").await;
    wait_eq(
        phone,
        "the phone's claim",
        "return seen('#claim-now')",
        json!(format!("You are {person}.")),
    )
    .await;
    phone.click("#today-more > summary").await;
    phone
        .find("#today-gallery")
        .await
        .send_keys(picture.to_str().expect("a UTF-8 path"))
        .await
        .expect("picking the photo");
    phone
        .wait(
            "the preview",
            "seen('#today-use') === 'Use this photo' && \
             document.getElementById('today-preview').src.indexOf('blob:') === 0 && \
             document.getElementById('today-preview').naturalWidth > 0",
        )
        .await;
    if shoot {
        phone.screenshot("thennow-journey-photo-preview").await;
    }
    phone.click("#today-use").await;
    wait_eq(
        phone,
        "the photo sent",
        "return seen('#today-msg')",
        json!("Your photo is in. Thank you!"),
    )
    .await;
}

/// The projector's reveal: the yearbook photo and today's, both loaded,
/// side by side, not overlapping.
async fn check_pair(projector: &Page, shot: &str) {
    host_phase(projector, "reveal").await;
    projector
        .wait(
            "the then & now pair, both photos loaded",
            "document.querySelectorAll('#r-chart .tn-side img').length === 2 \
             && Array.from(document.querySelectorAll('#r-chart .tn-side img'))\
             .every(function (i) { return i.complete && i.naturalWidth > 0; })",
        )
        .await;
    let pair = projector
        .js(
            "return Array.from(document.querySelectorAll('#r-chart .tn-side img')).map(function (i) { \
               var r = i.getBoundingClientRect(); \
               return { src: i.getAttribute('src'), left: r.left, right: r.right, top: r.top, \
                        bottom: r.bottom, w: r.width }; });",
        )
        .await;
    let sides = pair.as_array().expect("two sides");
    let srcs: Vec<&str> = sides.iter().filter_map(|s| s["src"].as_str()).collect();
    assert!(
        srcs.iter().filter(|s| s.contains("/photos/")).count() == 1
            && srcs.iter().filter(|s| s.contains("/today/")).count() == 1,
        "a yearbook photo and a photo of today: {pair}"
    );
    let f = |i: usize, k: &str| sides[i][k].as_f64().unwrap_or(f64::NAN);
    assert!(
        f(0, "right") <= f(1, "left") + 1.0
            && f(0, "top") < f(1, "bottom")
            && f(1, "top") < f(0, "bottom")
            && f(0, "w") > 100.0
            && f(1, "w") > 100.0,
        "side by side, large, not overlapping: {pair}"
    );
    projector.screenshot(shot).await;
}

/// One game's guests: the phones and the WebSocket guest (if any), by
/// the index of the classmate they claimed.
struct Guests<'a> {
    phones: &'a [Page],
    ws: Option<&'a mut common::TestClient>,
}

/// Plays one round: works out who is asked and the right choice from the
/// host's `round` (the portraits say who they are), checks the guest
/// asked sees "That's you!" and cannot answer while everyone else answers
/// right, reveals, checks the pair on the projector and that the guest
/// asked scored nothing. Returns the round and the person asked.
#[allow(clippy::too_many_arguments)]
async fn play_round(
    server: &TestServer,
    host: &mut common::TestClient,
    projector: &Page,
    guests: &mut Guests<'_>,
    list: &Value,
    mode: &str,
    scores: &mut BTreeMap<String, u64>,
    shot: &str,
) -> (Value, usize) {
    host.send(json!({"type":"start_round"})).await;
    let round = host.recv_type("round").await;
    assert_eq!(round["mode"], mode, "{round}");
    let r = round["round"].as_u64().expect("round");
    let choices = round["choices"].as_array().expect("choices").clone();
    assert_eq!(choices.len(), 4, "{round}");
    let thumb = |v: &Value| v["thumb"].as_str().expect("thumb").to_string();
    let claimant_of = |today: &str| {
        (0..CLASSMATES.len())
            .find(|&i| {
                list["photos"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|p| p["name"] == guest(i) && today_id(&thumb(p)) == today_id(today))
            })
            .unwrap_or_else(|| panic!("whose photo of today is {today}? {list}"))
    };
    let (asked, right) = if mode == "then_to_now" {
        let asked = identify_portrait(&server.fetch_bytes(&thumb(&round["prompt"])).await);
        let mine = thumb(entry(list, guest(asked)));
        let right = choices
            .iter()
            .position(|c| today_id(&thumb(c)) == today_id(&mine))
            .unwrap_or_else(|| panic!("{} among the choices: {round}", guest(asked)));
        (asked, right)
    } else {
        let asked = claimant_of(&thumb(&round["prompt"]));
        let mut right = None;
        for (i, c) in choices.iter().enumerate() {
            if identify_portrait(&server.fetch_bytes(&thumb(c)).await) == asked {
                right = Some(i);
            }
        }
        (
            asked,
            right.expect("the right yearbook photo among the choices"),
        )
    };
    // The guest asked first: once everyone else answered, the round closes.
    if let Some(ws) = guests.ws.as_deref_mut() {
        assert_eq!(ws.recv_type("round").await["round"], r);
        if asked == PHONES {
            ws.send(json!({"type":"vote","round":r,"choice":right}))
                .await;
            assert_eq!(ws.recv_error().await, "its_you", "no vote on yourself");
        }
    }
    let mut order: Vec<usize> = (0..guests.phones.len()).collect();
    order.sort_by_key(|&i| i != asked);
    for i in order {
        let phone = &guests.phones[i];
        phone_screen(phone, "s-question").await;
        if i == asked {
            assert_its_you(phone).await;
            phone
                .screenshot(&format!("thennow-journey-its-you-{mode}"))
                .await;
        } else {
            phone
                .wait(
                    "four tiles to tap",
                    "document.querySelectorAll('#pq-choices button:not([disabled])').length === 4",
                )
                .await;
            tap(phone, right).await;
            // The last answer closes the round at once (the guest asked
            // has nothing to answer): locked in, or already the reveal.
            phone
                .wait(
                    "the answer saved",
                    &format!(
                        "(seen('#locked') === 'Locked in: {}' && seen('#saved') === '✓ saved') \
                         || document.getElementById('join').dataset.screen === 's-reveal'",
                        ["A", "B", "C", "D"][right]
                    ),
                )
                .await;
        }
    }
    if let Some(ws) = guests.ws.as_deref_mut()
        && asked != PHONES
    {
        ws.vote(r, right as u64).await;
    }
    // Everyone who may answer did: the reveal comes without the host.
    let reveal = host.recv_type("reveal").await;
    assert_eq!(reveal["answer"], right, "{reveal}");
    assert_eq!(reveal["name"], CLASSMATES[asked], "{reveal}");
    check_pair(projector, shot).await;
    for (i, phone) in guests.phones.iter().enumerate() {
        phone_screen(phone, "s-reveal").await;
        if i == asked {
            wait_eq(
                phone,
                "the reveal",
                "return seen('#rv-verdict')",
                json!("That’s you!"),
            )
            .await;
        }
    }
    // Everyone else answered right and scored; the guest asked did not.
    let players = guests.phones.len() + usize::from(guests.ws.is_some());
    for i in 0..players {
        let name = guest(i);
        let now = score_of(&reveal, name)
            .and_then(|s| s.as_u64())
            .unwrap_or(0);
        let before = scores.get(name).copied().unwrap_or(0);
        if i == asked {
            assert_eq!(now, before, "{name} scored on their own face: {reveal}");
        } else {
            assert!(now > before, "{name} answered right: {reveal}");
        }
        scores.insert(name.to_string(), now);
    }
    (round, asked)
}

/// `server`'s results: guest name → score.
async fn results(server: &TestServer, code: &str, key: &str) -> BTreeMap<String, u64> {
    let csv = get_results_csv(server, code, key).await;
    assert_eq!(csv.status().as_u16(), 200);
    let csv = csv.text().await.expect("results.csv");
    let mut lines = csv.lines();
    let head: Vec<&str> = lines.next().expect("a header").split(',').collect();
    let col = |h: &str| head.iter().position(|x| *x == h).expect(h);
    lines
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            let score = cells[col("score")].parse().expect("a score");
            (cells[col("name")].to_string(), score)
        })
        .collect()
}

/// How many of `markers` are anywhere in the database file or its WAL.
fn on_disk(db: &Path, markers: &[Vec<u8>]) -> usize {
    let mut bytes = std::fs::read(db).expect("the database file");
    bytes.extend(std::fs::read(db.with_extension("db-wal")).unwrap_or_default());
    markers
        .iter()
        .filter(|m| bytes.windows(m.len()).any(|w| w == m.as_slice()))
        .count()
}

/// A 64-byte stretch from the middle of a served JPEG: what the database
/// holds of it, to look for in the file.
fn marker(jpeg: &[u8]) -> Vec<u8> {
    let mid = jpeg.len() / 2;
    jpeg[mid..mid + 64].to_vec()
}

/// A room of `event` with `rounds` rounds, its projector open on
/// `projector`: (code, host key, the host page's path).
async fn event_room(
    server: &TestServer,
    projector: &Page,
    event: u64,
    rounds: u32,
) -> (String, String, String) {
    let (status, room) = server
        .post_json(
            "/api/rooms",
            &json!({"reunion": event, "rounds": rounds, "seconds": SECONDS}),
        )
        .await;
    assert_eq!(status, 201, "{room}");
    let code = room["code"].as_str().expect("code").to_string();
    let key = room["host_key"].as_str().expect("key").to_string();
    let url = room["host_url"].as_str().expect("host_url");
    let host_path = url[url.find("/host/").expect("a host path")..].to_string();
    projector.goto(&server.url(&host_path)).await;
    host_ready(projector).await;
    (code, key, host_path)
}

/// Every photo of today in `list` as served: its URLs into `urls` and a
/// stretch of its bytes into `markers`.
async fn served(
    server: &TestServer,
    list: &Value,
    urls: &mut Vec<String>,
    markers: &mut Vec<Vec<u8>>,
) {
    for p in list["photos"].as_array().expect("photos") {
        for size in ["thumb", "photo"] {
            let url = p[size].as_str().expect("url").to_string();
            markers.push(marker(&server.fetch_bytes(&url).await));
            urls.push(url);
        }
    }
}

#[test]
fn then_and_now_from_claims_to_end_event_survives_kill_9() {
    browser_test("thennow_journey", |b| async move {
        let people: &[(&str, Size)] = &[
            ("projector", Size::Projector720),
            ("phone-ann", Size::Phone),
            ("phone-bea", Size::Phone),
            ("phone-cid", Size::Phone),
            ("phone-dot", Size::Phone),
        ];
        let browsers = tokio::spawn({
            let b = b.clone();
            async move { b.open_all(people).await }
        });
        // The real binary on a SQLite file, so that it can be killed.
        let server = TestServer::builder().start();
        let (status, r) = server
            .post_json(
                "/api/organise/reunions",
                &json!({"title": "Lincoln High 1986"}),
            )
            .await;
        assert_eq!(status, 201, "{r}");
        let event = r["id"].as_u64().expect("id");
        for (i, name) in CLASSMATES.iter().enumerate() {
            let (status, p) = server
                .post_json(
                    &format!("/api/organise/reunions/{event}/people"),
                    &json!({"name": name, "photos": [{"data": common::portrait_b64(i)}]}),
                )
                .await;
            assert_eq!(status, 201, "{p}");
        }
        let pictures = tempfile::tempdir().unwrap();
        let picture = |i: usize| {
            let path = pictures.path().join(format!("IMG_{i}.jpg"));
            std::fs::write(&path, aged_portrait(i)).expect("the picture");
            path
        };
        let pages = browsers.await.expect("browsers");
        let (projector, phones) = pages.split_first().expect("pages");

        // Room A: then → now, three rounds.
        let (code, key, host_path) = event_room(&server, projector, event, 3).await;
        let mut host = connect_host(&server, &code, &key).await;
        let join_url = server.url(&format!("/join/{code}"));
        for (i, phone) in phones.iter().enumerate() {
            join_claim_and_send(
                phone,
                &join_url,
                guest(i),
                CLASSMATES[i],
                &picture(i),
                i == 0,
            )
            .await;
        }
        let (mut eve, welcome) = join(&server, &code, guest(PHONES)).await;
        let eve_token = welcome["token"].as_str().expect("token").to_string();
        eve.send(json!({"type":"find_classmate","query":"evans"}))
            .await;
        let found = eve.recv_type("classmates").await;
        eve.send(json!({"type":"claim","person":found["people"][0]["person"]}))
            .await;
        assert_eq!(eve.recv_type("claim").await["claim"]["held"], true);
        let sent = server
            .http
            .put(server.url(&format!("/api/rooms/{code}/today")))
            .bearer_auth(&eve_token)
            .body(aged_portrait(PHONES))
            .send()
            .await
            .expect("PUT today");
        assert_eq!(sent.status().as_u16(), 200);
        projector
            .wait(
                "five then & now photos counted",
                "document.getElementById('tn-count').textContent === '5'",
            )
            .await;
        let (count, list_a) = today_list(&server, &code, &key).await;
        assert_eq!(count, 5, "{list_a}");
        // Every photo of today as served, and a stretch of its bytes.
        let (mut urls, mut markers) = (Vec::new(), Vec::new());
        served(&server, &list_a, &mut urls, &mut markers).await;

        host.send(json!({"type":"configure","mode":"then_to_now"}))
            .await;
        projector
            .wait(
                "the mode chosen",
                "document.getElementById('set-mode').value === 'then_to_now'",
            )
            .await;
        let mut scores = BTreeMap::new();
        let mut guests = Guests {
            phones,
            ws: Some(&mut eve),
        };
        let (_, first) = play_round(
            &server,
            &mut host,
            projector,
            &mut guests,
            &list_a,
            "then_to_now",
            &mut scores,
            "thennow-journey-reveal-then-to-now",
        )
        .await;

        // Between rounds the host hides a photo of someone not asked yet.
        let hidden = (0..PHONES).find(|&i| i != first).expect("a phone");
        let hidden_entry = entry(&list_a, guest(hidden)).clone();
        let r = server
            .http
            .post(server.url(&format!(
                "/api/rooms/{code}/today-photos/{}/hide",
                hidden_entry["player_id"]
            )))
            .bearer_auth(&key)
            .send()
            .await
            .expect("hide");
        assert_eq!(r.status().as_u16(), 204);
        let (round2, second) = play_round(
            &server,
            &mut host,
            projector,
            &mut guests,
            &list_a,
            "then_to_now",
            &mut scores,
            "thennow-journey-reveal-after-hide",
        )
        .await;
        assert_ne!(second, hidden, "the hidden face is not asked");
        let hidden_id = today_id(hidden_entry["thumb"].as_str().unwrap());
        for c in round2["choices"].as_array().unwrap() {
            assert_ne!(
                today_id(c["thumb"].as_str().unwrap()),
                hidden_id,
                "the hidden photo is not a choice: {round2}"
            );
        }
        assert_eq!(
            server
                .http
                .get(server.abs(hidden_entry["thumb"].as_str().unwrap()))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16(),
            404
        );
        let before_kill = results(&server, &code, &key).await;
        assert_eq!(&before_kill, &scores, "the results say the scores");

        // kill -9 mid-game. The phones' resume tokens live in localStorage,
        // which belongs to the origin: the new process listens on another
        // port, so they are carried over, as if it were the same address.
        let mut kept = Vec::new();
        for phone in phones {
            kept.push(
                phone
                    .js("return JSON.stringify(Object.assign({}, localStorage))")
                    .await,
            );
            phone.goto("about:blank").await;
        }
        projector.goto("about:blank").await;
        drop(eve);
        drop(host);
        let server = server.restart_after_kill9();
        assert_eq!(
            results(&server, &code, &key).await,
            before_kill,
            "scores kept"
        );
        let (count, list_after) = today_list(&server, &code, &key).await;
        assert_eq!(count, 4, "the photos kept, the hidden one still hidden");
        let urls_of = |list: &Value| {
            let mut v: Vec<(String, String, String)> = list["photos"]
                .as_array()
                .expect("photos")
                .iter()
                .map(|p| {
                    (
                        p["name"].to_string(),
                        p["thumb"].to_string(),
                        p["photo"].to_string(),
                    )
                })
                .collect();
            v.sort();
            v
        };
        assert_eq!(
            urls_of(&list_after),
            urls_of(&list_a),
            "the same photos, same URLs"
        );
        assert_eq!(entry(&list_after, guest(hidden))["hidden"], true);
        let mut host = connect_host(&server, &code, &key).await;
        assert_eq!(host.state["phase"], "reveal", "{}", host.state);
        projector.goto(&server.url(&host_path)).await;
        host_phase(projector, "reveal").await;
        let join_url = server.url(&format!("/join/{code}"));
        for (phone, storage) in phones.iter().zip(&kept) {
            phone.goto(&server.url("/healthz")).await;
            phone
                .js_with(
                    "var o = JSON.parse(arguments[0]); \
                     Object.keys(o).forEach(function (k) { localStorage.setItem(k, o[k]); });",
                    vec![storage.clone()],
                )
                .await;
            phone.goto(&join_url).await;
            phone_screen(phone, "s-reveal").await;
        }
        let mut eve = common::TestClient::connect(&server, &code, "Eve").await;
        eve.send(json!({"type":"resume","token":eve_token})).await;
        eve.recv_type("state").await;
        let mut guests = Guests {
            phones,
            ws: Some(&mut eve),
        };
        // The game goes on: the claims still say who is asked.
        let (round3, _) = play_round(
            &server,
            &mut host,
            projector,
            &mut guests,
            &list_a,
            "then_to_now",
            &mut scores,
            "thennow-journey-reveal-after-restart",
        )
        .await;
        assert_eq!(round3["round"], 3, "{round3}");

        // Room B of the same event: now → then, the phones again.
        let (code_b, key_b, _) = event_room(&server, projector, event, 1).await;
        let mut host_b = connect_host(&server, &code_b, &key_b).await;
        let join_b = server.url(&format!("/join/{code_b}"));
        for (i, phone) in phones.iter().enumerate() {
            join_claim_and_send(phone, &join_b, guest(i), CLASSMATES[i], &picture(i), false).await;
        }
        let (count, list_b) = today_list(&server, &code_b, &key_b).await;
        assert_eq!(count, 4, "{list_b}");
        served(&server, &list_b, &mut urls, &mut markers).await;
        host_b
            .send(json!({"type":"configure","mode":"now_to_then"}))
            .await;
        projector
            .wait(
                "the mode chosen",
                "document.getElementById('set-mode').value === 'now_to_then'",
            )
            .await;
        let mut guests = Guests { phones, ws: None };
        play_round(
            &server,
            &mut host_b,
            projector,
            &mut guests,
            &list_b,
            "now_to_then",
            &mut BTreeMap::new(),
            "thennow-journey-reveal-now-to-then",
        )
        .await;
        for page in &pages {
            page.assert_no_page_errors().await;
        }

        // "End event": every photo of today of both rooms is gone.
        let db = server.db_path();
        assert_eq!(
            on_disk(&db, &markers),
            markers.len(),
            "the photos are in the file before"
        );
        let (status, v) = server
            .post_json(&format!("/api/organise/reunions/{event}/end"), &json!({}))
            .await;
        assert_eq!((status, &v["deleted"]), (200, &json!(9)), "{v}");
        for url in &urls {
            let got = server.http.get(server.abs(url)).send().await.unwrap();
            assert_eq!(got.status().as_u16(), 404, "{url}");
        }
        for page in &pages {
            page.goto("about:blank").await;
        }
        drop((host, host_b, eve));
        // Stopped (kill -9), then the WAL folded into the file, as the
        // server's own graceful stop does: the bytes are nowhere in either.
        let dir = server.shut_down();
        let db = dir.path().join("t.db");
        let conn = rusqlite::Connection::open(&db).expect("the database");
        let rows: i64 = conn
            .query_row("SELECT count(*) FROM today_photos", [], |r| r.get(0))
            .expect("count");
        assert_eq!(rows, 0, "no photo of today kept");
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .expect("a checkpoint");
        drop(conn);
        assert_eq!(
            on_disk(&db, &markers),
            0,
            "photos of today left in the file"
        );
    });
}
