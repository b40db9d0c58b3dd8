//! Then & now (issue 21) through the real binary and real sockets: guests
//! say who they are ("I'm…"), the host decides a contested claim, and a
//! guest never answers (nor scores on) a question about themselves; claims
//! survive `kill -9`.

mod common;

use common::*;
use serde_json::{Value, json};

/// The living classmates of the standard roster (the last is in memoriam).
const ALIVE: usize = 7;

/// A phone's search: the names it found.
async fn search(phone: &mut TestClient, query: &str) -> Vec<String> {
    phone
        .send(json!({"type":"find_classmate","query":query}))
        .await;
    let found = phone.recv_type("classmates").await;
    assert_eq!(found["query"], query, "{found}");
    found["people"]
        .as_array()
        .expect("people")
        .iter()
        .map(|p| {
            assert_eq!(
                PEOPLE[p["person"].as_u64().expect("person") as usize].name,
                p["name"],
                "the index names that person: {p}"
            );
            p["name"].as_str().expect("name").to_string()
        })
        .collect()
}

/// Claims `person`; returns the `claim` the phone hears back.
async fn claim(phone: &mut TestClient, person: usize) -> Value {
    phone.send(json!({"type":"claim","person":person})).await;
    phone.recv_type("claim").await["claim"].clone()
}

/// The host's view of `name`'s claim, from the next `lobby` that has one
/// matching `held` (lobby updates are coalesced).
async fn host_sees_claim(host: &mut TestClient, name: &str, held: Option<bool>) -> Value {
    for _ in 0..20 {
        let lobby = host.recv_type("lobby").await;
        let p = lobby["players"]
            .as_array()
            .expect("players")
            .iter()
            .find(|p| p["name"] == name)
            .cloned()
            .expect("the player is listed");
        if p["claim"]["held"].as_bool() == held {
            return p;
        }
    }
    panic!("the host never saw {name}'s claim as {held:?}");
}

#[tokio::test]
async fn a_guest_finds_and_claims_themselves_and_the_host_decides_a_contest() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder());
    let (_code, _key, mut host, [(mut a, _), (mut b, _)]) =
        room_with(&server, json!({"include_memoriam": false}), ["Ann", "Bob"]).await;

    // Accents and case do not matter, nor which name: "now known as" finds too.
    assert_eq!(search(&mut a, "ingrid PARK").await, ["Ingrid Kowalski"]);
    assert_eq!(search(&mut a, "marísol").await, ["Marisol Yates"]);
    assert_eq!(search(&mut a, "  ").await, Vec::<String>::new());
    // Classmates in memoriam are nobody a guest can be.
    assert_eq!(search(&mut a, "ulysses").await, Vec::<String>::new());
    let ulysses = Roster::index_of("Ulysses Thorn");
    a.send(json!({"type":"claim","person":ulysses})).await;
    assert_eq!(a.recv_error().await, "unknown_person");

    let ingrid = Roster::index_of("Ingrid Kowalski");
    let mine = claim(&mut a, ingrid).await;
    assert_eq!(mine["name"], "Ingrid Kowalski");
    assert_eq!(mine["known_as"], "Ingrid Park");
    assert_eq!(mine["held"], true);
    host_sees_claim(&mut host, "Ann", Some(true)).await;

    // Bob says he is Ingrid too: it waits for the host.
    let asked = claim(&mut b, ingrid).await;
    assert_eq!(asked["held"], false, "{asked}");
    let bob = host_sees_claim(&mut host, "Bob", Some(false)).await;
    host.send(json!({"type":"decide_claim","player_id":bob["id"],"give":false}))
        .await;
    assert_eq!(b.recv_type("claim").await["claim"], Value::Null);
    // Asked again, the host gives it to Bob: Ann hears that hers is gone.
    claim(&mut b, ingrid).await;
    host_sees_claim(&mut host, "Bob", Some(false)).await;
    host.send(json!({"type":"decide_claim","player_id":bob["id"],"give":true}))
        .await;
    assert_eq!(b.recv_type("claim").await["claim"]["held"], true);
    assert_eq!(a.recv_type("claim").await["claim"], Value::Null);

    // A phone cannot decide for the host; the host can undo any claim.
    a.send(json!({"type":"decide_claim","player_id":bob["id"],"give":false}))
        .await;
    assert_eq!(a.recv_error().await, "not_host");
    host.send(json!({"type":"undo_claim","player_id":bob["id"]}))
        .await;
    assert_eq!(b.recv_type("claim").await["claim"], Value::Null);
    // And the guest can undo their own.
    claim(&mut a, ingrid).await;
    a.send(json!({"type":"unclaim"})).await;
    assert_eq!(a.recv_type("claim").await["claim"], Value::Null);
}

#[tokio::test]
async fn a_guest_never_scores_on_their_own_question_and_claims_survive_kill_9() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder());
    let names = ["P0", "P1", "P2", "P3", "P4", "P5", "P6", "Guesser"];
    let (code, key, mut host, phones) = room_with(
        &server,
        json!({"include_memoriam": false, "rounds": 3, "seconds": 30}),
        names,
    )
    .await;
    let mut phones: Vec<(TestClient, Value)> = phones.into_iter().collect();
    // Every living classmate is claimed (phone i is classmate i; the one
    // in memoriam is the last), so every question is about a guest.
    assert_eq!(Roster::index_of("Ulysses Thorn"), ALIVE);
    for (person, (phone, _)) in phones.iter_mut().take(ALIVE).enumerate() {
        assert_eq!(claim(phone, person).await["held"], true);
    }

    host.send(json!({"type":"start_round"})).await;
    let round = host.recv_type("round").await;
    let r = round["round"].as_u64().expect("round");
    let target = Roster::index_of(round["prompt"]["name"].as_str().expect("a name prompt"));
    let subject = target;
    // Three men are alive: the choices mix labels, so `answer_of` (which
    // checks they do not) is not for this class.
    let mut answer = None;
    for (i, c) in round["choices"]
        .as_array()
        .expect("choices")
        .iter()
        .enumerate()
    {
        if whose_photo(&server, c["thumb"].as_str().expect("thumb")).await == target {
            answer = Some(i as u64);
        }
    }
    let answer = answer.expect("one choice is the person asked");

    // The subject's phone hears "that's you" after the question, and its
    // vote is refused.
    let (me, _) = &mut phones[subject];
    assert_eq!(me.recv_type("round").await["round"], r);
    assert_eq!(me.recv_type("its_you").await["round"], r);
    me.send(json!({"type":"vote","round":r,"choice":answer}))
        .await;
    assert_eq!(me.recv_error().await, "its_you");
    // Everyone else answers right; the round closes without waiting for
    // the subject, who is still connected.
    for (i, (phone, _)) in phones.iter_mut().enumerate() {
        if i != subject {
            phone.recv_type("round").await;
            phone.vote(r, answer).await;
        }
    }
    let reveal = host.recv_type("reveal").await;
    assert_eq!(reveal["counts"][answer as usize], 7, "{reveal}");
    for (i, (phone, _)) in phones.iter_mut().enumerate() {
        let you = phone.recv_type("reveal").await["you"].clone();
        if i == subject {
            assert_eq!(you["its_you"], true, "{you}");
            assert_eq!(
                (you["points"].clone(), you["choice"].clone()),
                (json!(0), Value::Null)
            );
        } else {
            assert!(you.get("its_you").is_none(), "{you}");
            assert!(you["points"].as_u64().expect("points") >= 500, "{you}");
        }
    }
    let csv = get_results_csv(&server, &code, &key)
        .await
        .text()
        .await
        .expect("csv");
    let subject_name = names[subject];
    assert!(
        csv.lines()
            .any(|l| l.contains(&format!(",{subject_name},0,0,0"))),
        "{csv}"
    );
    assert!(
        !csv.contains("Kowalski") && !csv.contains("claim"),
        "results.csv says nothing of claims: {csv}"
    );

    // After kill -9, the claims are still there: the subject's phone
    // comes back with its claim, and the host's list shows them all.
    let tokens: Vec<String> = phones
        .iter()
        .map(|(_, w)| w["token"].as_str().expect("token").to_string())
        .collect();
    drop(phones);
    drop(host);
    let server = server.restart_after_kill9();
    let (back, _) = resume(&server, &code, &tokens[subject], "back").await;
    assert_eq!(
        back.state["you"]["claim"]["person"], target,
        "{}",
        back.state
    );
    assert_eq!(back.state["you"]["its_you"], true, "{}", back.state);
    let host = connect_host(&server, &code, &key).await;
    let claimed = host.state["players"]
        .as_array()
        .expect("players")
        .iter()
        .filter(|p| p["claim"]["held"] == true)
        .count();
    assert_eq!(claimed, ALIVE, "{}", host.state);
}

// ---------------------------------------------------------------------------
// Today's photo

/// A JPEG of `w`×`h` pixels, dark left half and bright right half, with
/// an EXIF block saying `orientation` and carrying a location.
fn turned_jpeg(w: u32, h: u32, orientation: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, _| {
        if x < w / 2 {
            image::Rgb([20, 20, 20])
        } else {
            image::Rgb([230, 230, 230])
        }
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .encode_image(&img)
        .unwrap();
    let mut app1 = b"Exif\0\0II\x2a\0\x08\0\0\0\x01\0".to_vec();
    app1.extend_from_slice(&[
        0x12,
        0x01,
        3,
        0,
        1,
        0,
        0,
        0,
        orientation,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
    ]);
    app1.extend_from_slice(b"GPS 48.8584 N 2.2945 E");
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// A request for a room's `today` API with a phone's token (or none).
async fn today(
    server: &TestServer,
    method: reqwest::Method,
    code: &str,
    token: Option<&str>,
    body: Vec<u8>,
) -> (u16, Value) {
    let mut req = reqwest::Client::new()
        .request(method, server.url(&format!("/api/rooms/{code}/today")))
        .body(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    status_and_json(req.send().await.expect("today")).await
}

/// The base path the server runs under ("" at the root).
fn server_base(server: &TestServer) -> String {
    let url = server.base_url();
    let after_host = url.trim_start_matches("http://");
    after_host
        .find('/')
        .map_or(String::new(), |i| after_host[i..].to_string())
}

#[tokio::test]
async fn a_guest_adds_today_s_photo_and_the_host_can_hide_it() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder());
    let (code, key, _host, [(_a, wa), (_b, wb)]) =
        room_with(&server, json!({}), ["Ann", "Bob"]).await;
    let (ta, tb) = (
        wa["token"].as_str().unwrap().to_string(),
        wb["token"].as_str().unwrap().to_string(),
    );
    use reqwest::Method;

    // Only a guest's phone may send one.
    let photo = turned_jpeg(400, 300, 6);
    let (s, v) = today(&server, Method::PUT, &code, None, photo.clone()).await;
    assert_eq!((s, v["error"].as_str()), (401, Some("unauthorized")), "{v}");
    let (s, v) = today(&server, Method::PUT, &code, Some("nobody"), photo.clone()).await;
    assert_eq!(
        (s, v["error"].as_str()),
        (403, Some("unknown_token")),
        "{v}"
    );
    // Not a photo, an iPhone's HEIC, too big: refused in a sentence.
    let (s, v) = today(
        &server,
        Method::PUT,
        &code,
        Some(&ta),
        b"just text".to_vec(),
    )
    .await;
    assert_eq!((s, v["error"].as_str()), (415, Some("not_image")), "{v}");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .starts_with("That file is not a photo.")
    );
    let mut heic = vec![0, 0, 0, 24];
    heic.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
    heic.resize(4096, 0);
    let (s, v) = today(&server, Method::PUT, &code, Some(&ta), heic).await;
    assert_eq!((s, v["error"].as_str()), (415, Some("heic")), "{v}");
    assert!(v["message"].as_str().unwrap().contains("HEIC"), "{v}");
    // issue 22: a Spanish phone reads it in Spanish (its cookie), the
    // same code; an unknown phone's refusal too.
    let mut heic_es = vec![0, 0, 0, 24];
    heic_es.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
    heic_es.resize(4096, 0);
    for (token, body, want) in [
        (
            ta.as_str(),
            heic_es,
            (415, "heic", "Esta foto está en el formato HEIC"),
        ),
        (
            "nobody",
            photo.clone(),
            (403, "unknown_token", "Este móvil no está"),
        ),
    ] {
        let r = reqwest::Client::new()
            .put(server.url(&format!("/api/rooms/{code}/today")))
            .header("cookie", "yb_lang=es")
            .bearer_auth(token)
            .body(body)
            .send()
            .await
            .expect("today");
        let (s, v) = status_and_json(r).await;
        assert_eq!((s, v["error"].as_str()), (want.0, Some(want.1)), "{v}");
        assert!(v["message"].as_str().unwrap().starts_with(want.2), "{v}");
    }
    let (s, v) = today(&server, Method::PUT, &code, Some(&ta), vec![0xFF; 16 << 20]).await;
    assert_eq!((s, v["error"].as_str()), (413, Some("too_large")), "{v}");
    assert_eq!(host_photos(&server, &code, &key).await["count"], 0);

    // A portrait turned by its EXIF comes back upright, 4:5, without EXIF.
    let (s, mine) = today(&server, Method::PUT, &code, Some(&ta), photo).await;
    assert_eq!(s, 200, "{mine}");
    for url in [&mine["thumb"], &mine["photo"]] {
        let bytes = server.fetch_bytes(url.as_str().unwrap()).await;
        assert!(
            !bytes.windows(4).any(|w| w == b"Exif") && !bytes.windows(3).any(|w| w == b"GPS"),
            "no metadata left in {url}"
        );
        let img = image::load_from_memory(&bytes).unwrap().to_luma8();
        let (w, h) = img.dimensions();
        assert_eq!(w * 5, h * 4, "{url}: {w}×{h}");
        let (top, bottom) = (
            img.get_pixel(w / 2, h / 8).0[0],
            img.get_pixel(w / 2, h * 7 / 8).0[0],
        );
        assert!(
            top < 100 && bottom > 150,
            "{url} upright: top {top}, bottom {bottom}"
        );
    }
    // A 12 MB phone photo is taken and made small.
    let big = noisy_png(2000, 7);
    assert!(big.len() > 11 << 20, "{} bytes", big.len());
    let (s, bobs) = today(&server, Method::PUT, &code, Some(&tb), big).await;
    assert_eq!(s, 200, "{bobs}");
    let thumb = server.fetch_bytes(bobs["thumb"].as_str().unwrap()).await;
    assert!(thumb.len() < 30 * 1024, "{} bytes", thumb.len());

    let listed = host_photos(&server, &code, &key).await;
    assert_eq!(listed["count"], 2, "{listed}");
    let (s, own) = today(&server, Method::GET, &code, Some(&ta), Vec::new()).await;
    assert_eq!(
        (s, &own["thumb"], &own["hidden"]),
        (200, &mine["thumb"], &json!(false))
    );

    // The host hides Bob's with one request: its URLs are gone at once.
    let bob_id = wb["player_id"].as_u64().unwrap();
    let r = reqwest::Client::new()
        .post(server.url(&format!("/api/rooms/{code}/today-photos/{bob_id}/hide")))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 204);
    assert_eq!(
        status_of(&server, bobs["thumb"].as_str().unwrap()).await,
        404
    );
    let listed = host_photos(&server, &code, &key).await;
    assert_eq!(listed["count"], 1, "{listed}");
    // Not in results.csv.
    let csv = get_results_csv(&server, &code, &key)
        .await
        .text()
        .await
        .unwrap();
    assert!(!csv.contains("today"), "{csv}");

    // After kill -9, Ann's photo is still there; then she deletes it.
    let server = server.restart_after_kill9();
    let bytes = server.fetch_bytes(mine["thumb"].as_str().unwrap()).await;
    assert!(!bytes.is_empty());
    let (s, _) = today(&server, Method::DELETE, &code, Some(&ta), Vec::new()).await;
    assert_eq!(s, 204);
    assert_eq!(
        status_of(&server, mine["thumb"].as_str().unwrap()).await,
        404
    );
    assert_eq!(
        status_of(&server, mine["photo"].as_str().unwrap()).await,
        404
    );
    let (s, none) = today(&server, Method::GET, &code, Some(&ta), Vec::new()).await;
    assert_eq!((s, none), (200, Value::Null), "no photo any more");
}

#[tokio::test]
async fn an_upload_cut_off_by_the_wifi_stores_nothing() {
    use tokio::io::AsyncWriteExt;
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder());
    let (code, key, _host, [(_a, wa)]) = room_with(&server, json!({}), ["Ann"]).await;
    let token = wa["token"].as_str().unwrap();
    let photo = turned_jpeg(400, 300, 1);
    let addr = server.base_url().trim_start_matches("http://").to_string();
    let addr = addr.split('/').next().unwrap().to_string();
    let mut tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "PUT {}/api/rooms/{code}/today HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: image/jpeg\r\nContent-Length: {}\r\n\r\n",
        server_base(&server),
        photo.len()
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    tcp.write_all(&photo[..photo.len() / 2]).await.unwrap();
    tcp.flush().await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    drop(tcp);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(host_photos(&server, &code, &key).await["count"], 0);
    let (s, none) = today(
        &server,
        reqwest::Method::GET,
        &code,
        Some(token),
        Vec::new(),
    )
    .await;
    assert_eq!((s, none), (200, Value::Null), "nothing half-stored");
    // Sent again whole, it is kept.
    let (s, v) = today(&server, reqwest::Method::PUT, &code, Some(token), photo).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(host_photos(&server, &code, &key).await["count"], 1);
}

// ---------------------------------------------------------------------------
// Privacy: kicked guests, retention (the join page says how long)

/// A guest's photo of today sent and taken: its `{photo, thumb}`.
async fn send_upright_photo(server: &TestServer, code: &str, token: &str) -> Value {
    let jpeg = turned_jpeg(400, 300, 1);
    let (s, urls) = today(server, reqwest::Method::PUT, code, Some(token), jpeg).await;
    assert_eq!(s, 200, "{urls}");
    urls
}

#[tokio::test]
async fn a_kicked_guest_s_photo_of_today_stops_being_served_at_once() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder());
    let (code, _key, mut host, [(mut ann, wa), (_b, _wb)]) =
        room_with(&server, json!({}), ["Ann", "Bob"]).await;
    let ta = wa["token"].as_str().unwrap().to_string();
    let mine = send_upright_photo(&server, &code, &ta).await;
    let thumb = mine["thumb"].as_str().unwrap();
    assert_eq!(status_of(&server, thumb).await, 200);

    host.send(json!({"type":"kick","player_id":wa["player_id"]}))
        .await;
    assert_eq!(ann.recv_error().await, "kicked");
    for url in [thumb, mine["photo"].as_str().unwrap()] {
        assert_eq!(status_of(&server, url).await, 404, "{url} after the kick");
    }
}

#[tokio::test]
async fn photos_of_today_are_deleted_after_30_days_and_stay_deleted() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().test_clock());
    let (code, _key, _host, [(_a, wa)]) = room_with(&server, json!({}), ["Ann"]).await;
    let ta = wa["token"].as_str().unwrap().to_string();
    let mine = send_upright_photo(&server, &code, &ta).await;
    let thumb = mine["thumb"].as_str().unwrap().to_string();
    let day = std::time::Duration::from_secs(24 * 60 * 60);
    // The phone's consent line says how long.
    let page = reqwest::get(server.url(&format!("/join/{code}")))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(
            "deleted when the organiser ends the event, at the latest after \
             <span id=\"today-days\">30</span> days."
        ),
        "{page}"
    );

    server.skip(day * 29);
    assert_eq!(status_of(&server, &thumb).await, 200, "kept for 29 days");
    server.skip(day * 2);
    // The hourly sweep runs at the moment skipped to; give it a moment.
    let mut status = 0;
    for _ in 0..50 {
        status = status_of(&server, &thumb).await;
        if status == 404 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(status, 404, "deleted after 30 days");

    let server = server.restart_after_kill9();
    assert_eq!(status_of(&server, &thumb).await, 404, "still gone");
    let (s, none) = today(&server, reqwest::Method::GET, &code, Some(&ta), Vec::new()).await;
    assert_eq!((s, none), (200, Value::Null), "no photo any more");
}

/// A kicked guest's photo stays out once the room leaves memory (48 h
/// without anyone connected): a closed room's photos are served to nobody
/// (nor guarded by its event's door any more).
#[tokio::test]
async fn a_closed_room_s_photos_of_today_are_not_served_even_a_kicked_guest_s() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().test_clock());
    let (code, _key, mut host, [(mut ann, wa), (bob, wb)]) =
        room_with(&server, json!({}), ["Ann", "Bob"]).await;
    let anns = send_upright_photo(&server, &code, wa["token"].as_str().unwrap()).await;
    let bobs = send_upright_photo(&server, &code, wb["token"].as_str().unwrap()).await;
    host.send(json!({"type":"kick","player_id":wa["player_id"]}))
        .await;
    assert_eq!(ann.recv_error().await, "kicked");
    let (anns, bobs) = (
        anns["thumb"].as_str().unwrap(),
        bobs["thumb"].as_str().unwrap(),
    );
    assert_eq!(status_of(&server, anns).await, 404, "out with the kick");
    assert_eq!(status_of(&server, bobs).await, 200);

    drop((host, ann, bob));
    // A socket closing after the skip counts as activity: skip again then
    // (twice 49 h stays far within the 30 days photos are kept).
    let mut room = 200;
    for _ in 0..2 {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        server.skip(std::time::Duration::from_secs(49 * 60 * 60));
        for _ in 0..30 {
            let info = format!("{}/api/rooms/{code}", server_base(&server));
            room = status_of(&server, &info).await;
            if room == 404 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        if room == 404 {
            break;
        }
    }
    assert_eq!(room, 404, "the room left memory");
    for url in [anns, bobs] {
        assert_eq!(status_of(&server, url).await, 404, "{url} of a closed room");
    }
}
