//! Then & now round modes (issue 21, "the room's side") through the real
//! binary, real sockets and a real database: guests claim classmates and
//! send photos of today, the host plays `then_to_now` and `now_to_then`
//! rounds; too few photos are refused, a photo hidden mid-game is never in
//! a later question, and a game survives `kill -9`.

mod common;

use std::collections::HashMap;

use common::*;
use serde_json::{Value, json};

/// A JPEG "photo of today": a flat colour per guest, so each is its own file.
fn today_jpeg(shade: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(320, 400, |x, y| {
        image::Rgb([shade, (x % 200) as u8, (y % 200) as u8])
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85)
        .encode_image(&img)
        .expect("a JPEG in memory");
    jpeg
}

/// The guest's photo of today, sent as their phone would: its URLs.
async fn send_today(server: &TestServer, code: &str, token: &str, shade: u8) -> Value {
    let r = reqwest::Client::new()
        .put(server.url(&format!("/api/rooms/{code}/today")))
        .bearer_auth(token)
        .body(today_jpeg(shade))
        .send()
        .await
        .expect("PUT today");
    let (status, v) = status_and_json(r).await;
    assert_eq!(status, 200, "{v}");
    v
}

async fn hide(server: &TestServer, code: &str, key: &str, player: &Value) {
    let r = reqwest::Client::new()
        .post(server.url(&format!("/api/rooms/{code}/today-photos/{player}/hide")))
        .bearer_auth(key)
        .send()
        .await
        .expect("hide");
    assert_eq!(r.status().as_u16(), 204);
}

/// The host's `configure`: the error code it got, or `None` when the next
/// `lobby` shows the new mode.
async fn configure(host: &mut TestClient, settings: Value) -> Result<Value, (String, String)> {
    let mut msg = settings.clone();
    msg["type"] = json!("configure");
    host.send(msg).await;
    loop {
        // `recv`: lobby updates count here.
        let v = host.recv().await;
        match v["type"].as_str() {
            Some("error") => {
                return Err((
                    v["code"].as_str().unwrap_or("").to_string(),
                    v["message"].as_str().unwrap_or("").to_string(),
                ));
            }
            Some("lobby") if v["settings"]["mode"] == settings["mode"] => {
                return Ok(v["settings"].clone());
            }
            _ => {}
        }
    }
}

/// A room of `names` on the living classmates, a minute a question.
async fn lobby<const N: usize>(
    server: &TestServer,
    names: [&str; N],
) -> (String, String, TestClient, Vec<(TestClient, Value)>) {
    let settings = json!({"include_memoriam": false, "seconds": 60});
    let (code, key, host, phones) = room_with(server, settings, names).await;
    (code, key, host, phones.into_iter().collect())
}

/// Guests who said who they are and sent a photo of today.
#[derive(Default)]
struct Faces {
    /// Thumb URL of each photo of today → the classmate in it.
    person_of_thumb: HashMap<String, usize>,
    /// Projector URL → the classmate.
    person_of_photo: HashMap<String, usize>,
}

impl Faces {
    fn person(&self, shown: &Value) -> Option<usize> {
        let thumb = shown["thumb"].as_str()?;
        let photo = shown["photo"].as_str()?;
        let p = self.person_of_thumb.get(thumb).copied();
        assert_eq!(p, self.person_of_photo.get(photo).copied(), "{shown}");
        p
    }
}

/// Phone `i` (of `phones`) claims classmate `i` and, if `with_photo`,
/// sends a photo of today.
async fn claim_and_send(
    server: &TestServer,
    code: &str,
    phones: &mut [(TestClient, Value)],
    with_photo: &[usize],
    faces: &mut Faces,
) {
    for &i in with_photo {
        let (phone, welcome) = &mut phones[i];
        phone.send(json!({"type":"claim","person":i})).await;
        let claim = phone.recv_type("claim").await;
        assert_eq!(claim["claim"]["held"], true, "{claim}");
        let token = welcome["token"].as_str().expect("token");
        let urls = send_today(server, code, token, 30 * i as u8 + 10).await;
        faces
            .person_of_thumb
            .insert(urls["thumb"].as_str().unwrap().to_string(), i);
        faces
            .person_of_photo
            .insert(urls["photo"].as_str().unwrap().to_string(), i);
    }
}

/// The phone's next `round`, and the last `preload` it got before it.
async fn round_after_preload(phone: &mut TestClient) -> (Value, Value) {
    let mut preload = Value::Null;
    loop {
        let v = phone.recv().await;
        match v["type"].as_str() {
            Some("preload") => preload = v,
            Some("round") => return (v, preload),
            _ => {}
        }
    }
}

/// The photos of a `preload`, sorted (its order is its own).
fn sorted_photos(preload: &Value) -> Vec<String> {
    let mut v: Vec<String> = preload["photos"]
        .as_array()
        .expect("photos")
        .iter()
        .map(|u| u.as_str().expect("url").to_string())
        .collect();
    v.sort();
    v
}

/// The choices' phone-size URLs, sorted.
fn sorted_thumbs(round: &Value) -> Vec<String> {
    let mut v: Vec<String> = round["choices"]
        .as_array()
        .expect("choices")
        .iter()
        .map(|c| c["thumb"].as_str().expect("thumb").to_string())
        .collect();
    v.sort();
    v
}

fn is_today(url: &Value) -> bool {
    url.as_str().is_some_and(|u| u.contains("/today/"))
}

fn is_yearbook(url: &Value) -> bool {
    url.as_str().is_some_and(|u| u.contains("/photos/"))
}

#[tokio::test]
async fn then_to_now_rounds_with_a_photo_hidden_mid_game_and_kill_9() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder());
    let names = ["G0", "G1", "G2", "G3", "G4", "Guesser"];
    let (code, key, mut host, mut phones) = lobby(&server, names).await;
    let mut faces = Faces::default();

    // A room cannot be made in a then & now mode: nobody has a photo yet.
    let (status, v) = server
        .post_json("/api/rooms", &json!({"mode":"then_to_now"}))
        .await;
    assert_eq!(
        (status, v["error"].as_str()),
        (400, Some("too_few_today_photos")),
        "{v}"
    );

    // Three faces are too few: the host is told how many so far.
    claim_and_send(&server, &code, &mut phones, &[0, 1, 2], &mut faces).await;
    // G3 says who they are without a photo: not a face.
    phones[3].0.send(json!({"type":"claim","person":3})).await;
    phones[3].0.recv_type("claim").await;
    let (err, message) = configure(&mut host, json!({"mode":"then_to_now"}))
        .await
        .unwrap_err();
    assert_eq!(err, "too_few_today_photos");
    assert!(message.contains("3 so far"), "{message}");
    let listed = host_photos(&server, &code, &key).await;
    assert_eq!(
        (listed["count"].clone(), listed["faces"].clone()),
        (json!(3), json!(3))
    );
    // A photo without a claim counts as a photo, not as a face.
    let (mut extra, w) = join(&server, &code, "NoClaim").await;
    send_today(&server, &code, w["token"].as_str().unwrap(), 200).await;
    let listed = host_photos(&server, &code, &key).await;
    assert_eq!(
        (listed["count"].clone(), listed["faces"].clone()),
        (json!(4), json!(3))
    );
    extra.send(json!({"type":"ping"})).await;

    // Five faces (G3 sends a photo, G4 claims and sends).
    claim_and_send(&server, &code, &mut phones, &[3, 4], &mut faces).await;
    let settings = configure(&mut host, json!({"mode":"then_to_now","rounds":10}))
        .await
        .expect("five faces are enough");
    // Capped at the class's 7 living classmates, not yet at the faces.
    assert_eq!(
        settings["rounds"], 7,
        "capped at the faces only when the game starts"
    );

    host.send(json!({"type":"start_round"})).await;
    let round = host.recv_type("round").await;
    // Phones had the four photos of today ahead, as a set.
    let (phone_round, preload) = round_after_preload(&mut phones[5].0).await;
    assert_eq!(phone_round["choices"], round["choices"]);
    assert!(
        preload["photos"].as_array().unwrap().iter().all(is_today),
        "{preload}"
    );
    assert_eq!(
        sorted_photos(&preload),
        sorted_thumbs(&round),
        "the question's choices"
    );
    assert_eq!(round["mode"], "then_to_now");
    assert_eq!(round["of"], 5, "as many rounds as faces: {round}");
    assert!(is_yearbook(&round["prompt"]["photo"]), "{round}");
    let target = whose_photo(&server, round["prompt"]["thumb"].as_str().unwrap()).await;
    let choices = round["choices"].as_array().expect("choices");
    let shown: Vec<usize> = choices
        .iter()
        .map(|c| {
            faces
                .person(c)
                .expect("each choice is a guest's photo of today")
        })
        .collect();
    let answer = shown
        .iter()
        .position(|&p| p == target)
        .expect("the person asked is among the faces") as u64;
    let r = round["round"].as_u64().unwrap();

    // The person asked watches; the guesser scores.
    let (me, _) = &mut phones[target];
    assert_eq!(me.recv_type("its_you").await["round"], r);
    me.send(json!({"type":"vote","round":r,"choice":answer}))
        .await;
    assert_eq!(me.recv_error().await, "its_you");
    phones[5].0.vote(r, answer).await;
    host.send(json!({"type":"reveal"})).await;
    let reveal = host.recv_type("reveal").await;
    assert_eq!(reveal["answer"], answer);
    assert_eq!(reveal["name"], PEOPLE[target].name);
    assert_eq!(reveal["mode"], "then_to_now");
    assert!(is_yearbook(&reveal["prompt"]["photo"]));
    assert_eq!(
        faces.person(&reveal["choices"][answer as usize]),
        Some(target)
    );
    let you = phones[5].0.recv_type("reveal").await["you"].clone();
    assert!(you["points"].as_u64().unwrap() >= 500, "{you}");

    // The host hides a face the next question shows (drawn already, sent
    // ahead): phones get a new preload without it, and no later question
    // ever shows it.
    let ahead = phones[5].0.recv_type("preload").await;
    let hidden_thumb = sorted_photos(&ahead)
        .into_iter()
        .find(|u| faces.person_of_thumb[u] != target)
        .expect("three of the four are not the person just asked");
    let hidden = faces.person_of_thumb[&hidden_thumb];
    hide(&server, &code, &key, &phones[hidden].1["player_id"]).await;
    let again = phones[5].0.recv_type("preload").await;
    assert!(
        again["photos"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u.as_str() != Some(hidden_thumb.as_str()) && is_today(u)),
        "{again}"
    );
    assert_eq!(status_of(&server, &hidden_thumb).await, 404);

    host.send(json!({"type":"start_round"})).await;
    let round2 = host.recv_type("round").await;
    let in_round2: Vec<usize> = round2["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| faces.person(c).expect("a photo of today"))
        .collect();
    assert!(!in_round2.contains(&hidden), "{round2}");
    let target2 = whose_photo(&server, round2["prompt"]["thumb"].as_str().unwrap()).await;
    assert_ne!(target2, target, "never the same face twice");

    // kill -9 in the middle of round 2: the same question comes back,
    // photos of today still served.
    let tokens: Vec<String> = phones
        .iter()
        .map(|(_, w)| w["token"].as_str().unwrap().to_string())
        .collect();
    drop(phones);
    drop(host);
    let server = server.restart_after_kill9();
    let mut host = connect_host(&server, &code, &key).await;
    assert_eq!(host.state["phase"], "question");
    assert_eq!(host.state["mode"], "then_to_now");
    assert_eq!(host.state["prompt"], round2["prompt"]);
    assert_eq!(host.state["choices"], round2["choices"]);
    for c in round2["choices"].as_array().unwrap() {
        assert_eq!(status_of(&server, c["thumb"].as_str().unwrap()).await, 200);
    }
    let (mut guesser, _) = resume(&server, &code, &tokens[5], "guesser").await;
    assert_eq!(guesser.state["choices"], round2["choices"]);
    host.send(json!({"type":"reveal"})).await;
    host.recv_type("reveal").await;

    // Rounds go on until no fresh face is left: the hidden one never
    // comes back, and the game ends early (four faces, two asked).
    let mut asked = vec![target, target2];
    loop {
        host.send(json!({"type":"start_round"})).await;
        let v = loop {
            let v = host.recv_significant().await;
            if matches!(v["type"].as_str(), Some("round" | "game_over")) {
                break v;
            }
        };
        if v["type"] == "game_over" {
            break;
        }
        for c in v["choices"].as_array().unwrap() {
            assert_ne!(faces.person(c), Some(hidden), "{v}");
        }
        let t = whose_photo(&server, v["prompt"]["thumb"].as_str().unwrap()).await;
        assert!(!asked.contains(&t), "{t} asked twice");
        asked.push(t);
        host.send(json!({"type":"reveal"})).await;
        host.recv_type("reveal").await;
    }
    assert!(!asked.contains(&hidden));
    assert_eq!(asked.len(), 4, "every face but the hidden one: {asked:?}");
    let _ = guesser.recv_type("game_over").await;
}

#[tokio::test]
async fn a_now_to_then_round_and_a_start_refused_after_a_hide() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder());
    let names = ["G0", "G1", "G2", "G3", "Guesser"];
    let (code, key, mut host, mut phones) = lobby(&server, names).await;
    let mut faces = Faces::default();
    claim_and_send(&server, &code, &mut phones, &[0, 1, 2, 3], &mut faces).await;
    configure(&mut host, json!({"mode":"now_to_then"}))
        .await
        .expect("four faces");

    // One face hidden before the start: three left, the start is refused.
    hide(&server, &code, &key, &phones[2].1["player_id"]).await;
    host.send(json!({"type":"start_round"})).await;
    let e = host.recv_type("error").await;
    assert_eq!(e["code"], "too_few_today_photos", "{e}");
    assert!(e["message"].as_str().unwrap().contains("3 so far"), "{e}");
    // G2 sends another photo: four again.
    let token = phones[2].1["token"].as_str().unwrap().to_string();
    let urls = send_today(&server, &code, &token, 99).await;
    faces
        .person_of_thumb
        .insert(urls["thumb"].as_str().unwrap().to_string(), 2);
    faces
        .person_of_photo
        .insert(urls["photo"].as_str().unwrap().to_string(), 2);

    host.send(json!({"type":"start_round"})).await;
    let round = host.recv_type("round").await;
    // Phones had the four yearbook photos ahead (not today's prompt).
    let (_, preload) = round_after_preload(&mut phones[4].0).await;
    assert_eq!(sorted_photos(&preload), sorted_thumbs(&round), "{preload}");
    assert_eq!(round["mode"], "now_to_then");
    assert_eq!(round["of"], 4);
    let target = faces
        .person(&round["prompt"])
        .expect("the prompt is a guest's photo of today");
    let mut answer = None;
    for (i, c) in round["choices"].as_array().unwrap().iter().enumerate() {
        assert!(is_yearbook(&c["thumb"]), "{round}");
        if whose_photo(&server, c["thumb"].as_str().unwrap()).await == target {
            answer = Some(i as u64);
        }
    }
    let answer = answer.expect("the person's yearbook photo is a choice");
    let r = round["round"].as_u64().unwrap();
    assert_eq!(phones[target].0.recv_type("its_you").await["round"], r);
    phones[4].0.vote(r, answer).await;
    for (i, (phone, _)) in phones.iter_mut().enumerate() {
        if i != target && i != 4 {
            phone.recv_type("round").await;
            phone.vote(r, (answer + 1) % 4).await;
        }
    }
    // Everyone who may answer did: the reveal comes by itself.
    let reveal = host.recv_type("reveal").await;
    assert_eq!(reveal["answer"], answer);
    assert_eq!(reveal["mode"], "now_to_then");
    assert_eq!(faces.person(&reveal["prompt"]), Some(target));
    assert_eq!(reveal["name"], PEOPLE[target].name);
    let mine = phones[target].0.recv_type("reveal").await["you"].clone();
    assert_eq!(mine["its_you"], true, "{mine}");
    assert_eq!(mine["points"], 0);
}

#[tokio::test]
async fn with_then_now_switched_off_the_modes_are_refused() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().arg("--then-now").arg("off"));
    let (code, _key, mut host, _phones) = lobby(&server, ["G0"]).await;
    for mode in ["then_to_now", "now_to_then"] {
        let (err, message) = configure(&mut host, json!({ "mode": mode }))
            .await
            .unwrap_err();
        assert_eq!(err, "then_now_off", "{mode}: {message}");
        assert!(message.contains("switched off"), "{message}");
    }
    // The host page offers neither (it does when then & now is on).
    let page = server.get(&format!("/host/{code}")).await;
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains("name_to_photo") && !html.contains("then_to_now"));
    let on = server_with(&roster, TestServer::builder());
    let (code, _key) = create_room(&on, json!({})).await;
    let html = on
        .get(&format!("/host/{code}"))
        .await
        .text()
        .await
        .expect("html");
    assert!(html.contains("then_to_now") && html.contains("now_to_then"));
}
