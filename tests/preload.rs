//! Photos sent ahead (`preload`): phones get the next question's photos in
//! the lobby and during the previous reveal, the same URLs the question
//! will carry, and nothing in them tells the answer or the prompt.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::*;
use serde_json::{Value, json};

/// A `preload`'s photos, checked for shape: four distinct thumb URLs.
fn photos(preload: &Value, round: u64) -> Vec<String> {
    assert_eq!(preload["round"], round, "{preload}");
    let list: Vec<String> = preload["photos"]
        .as_array()
        .unwrap_or_else(|| panic!("photos: {preload}"))
        .iter()
        .map(|u| u.as_str().unwrap().to_string())
        .collect();
    assert_eq!(list.len(), 4, "{preload}");
    assert_eq!(set(&list).len(), 4, "four different photos: {preload}");
    assert!(list.iter().all(|u| u.ends_with("-thumb.jpg")), "{preload}");
    list
}

fn set(urls: &[String]) -> BTreeSet<String> {
    urls.iter().cloned().collect()
}

/// The phone-size photos a `round` shows: its choices' or its prompt's.
fn choice_thumbs(round: &Value) -> Vec<String> {
    round["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["thumb"].as_str().unwrap().to_string())
        .collect()
}

/// Reads the host's messages up to the next of type `ty`; a `preload`
/// on the way fails: the projector is public, and it needs none.
async fn host_until(host: &mut TestClient, ty: &str) -> Value {
    loop {
        let v = host.recv().await;
        assert_ne!(v["type"], "preload", "the host got {v}");
        if v["type"] == ty {
            return v;
        }
    }
}

/// The phone's next `reveal`, then nothing more for a moment but noise
/// that is not a `preload`.
async fn reveal_then_no_preload(phone: &mut TestClient) {
    phone.recv_type("reveal").await;
    phone
        .expect_quiet(Duration::from_millis(700), &["lobby", "pong"])
        .await;
}

#[tokio::test]
async fn name_to_photo_sends_the_choices_ahead_in_the_lobby_and_each_reveal_but_the_last() {
    let server = server_with(&standard_roster(), TestServer::builder().in_process());
    let (code, key) = create_room(&server, json!({"rounds": 3, "seconds": 60})).await;
    let mut host = connect_host(&server, &code, &key).await;
    let (mut ann, _) = join(&server, &code, "Ann").await;
    // Right after the lobby's `state`: round 1's photos.
    let mut ahead = photos(&ann.recv_type("preload").await, 1);
    for round in 1..=3u64 {
        host.send(json!({"type": "start_round"})).await;
        let shown = host_until(&mut host, "round").await;
        let asked = ann.recv_type("round").await;
        assert_eq!(asked, shown, "one `round` for all");
        let thumbs = choice_thumbs(&asked);
        assert_eq!(set(&ahead), set(&thumbs), "round {round}: the choices");
        ann.vote(round, 0).await;
        if round < 3 {
            ann.recv_type("reveal").await;
            let preload = ann.recv_type("preload").await;
            ahead = photos(&preload, round + 1);
            host_until(&mut host, "reveal").await;
        } else {
            reveal_then_no_preload(&mut ann).await;
        }
    }
    host.send(json!({"type": "start_round"})).await;
    host_until(&mut host, "game_over").await;
}

#[tokio::test]
async fn photo_to_name_hides_the_prompt_among_people_not_asked_yet() {
    // Eight classmates, eight rounds: from round 6 on fewer than four are
    // left to ask, so the prompt could not hide, and nothing is sent.
    let server = server_with(&standard_roster(), TestServer::builder().in_process());
    let settings = json!({"rounds": 8, "seconds": 60, "mode": "photo_to_name"});
    let (code, key) = create_room(&server, settings).await;
    let mut host = connect_host(&server, &code, &key).await;
    let (mut ann, _) = join(&server, &code, "Ann").await;
    let mut ahead = Some(photos(&ann.recv_type("preload").await, 1));
    let mut prompts: Vec<String> = Vec::new();
    for round in 1..=8u64 {
        host.send(json!({"type": "start_round"})).await;
        let asked = ann.recv_type("round").await;
        let prompt = asked["prompt"]["thumb"].as_str().unwrap().to_string();
        match ahead.take() {
            Some(ahead) => {
                assert!(
                    ahead.contains(&prompt),
                    "round {round}: {prompt} in {ahead:?}"
                );
                for face in &ahead {
                    assert!(
                        !prompts.contains(face),
                        "round {round}: {face} was a prompt before, so not this one"
                    );
                }
            }
            None => assert!(round > 5, "round {round} had its photos sent ahead"),
        }
        prompts.push(prompt);
        ann.vote(round, 0).await;
        // Before round r + 1, 8 - r people are left to ask.
        if round < 5 {
            ann.recv_type("reveal").await;
            ahead = Some(photos(&ann.recv_type("preload").await, round + 1));
        } else {
            reveal_then_no_preload(&mut ann).await;
        }
    }
}

#[tokio::test]
async fn a_phone_back_from_a_drop_gets_the_very_same_photos() {
    // The same four in the same order however often a phone comes back:
    // four drawn afresh each time would leave the prompt as the one face
    // in common.
    let server = server_with(&standard_roster(), TestServer::builder().in_process());
    let settings = json!({"rounds": 3, "seconds": 60, "mode": "photo_to_name"});
    let (code, key) = create_room(&server, settings).await;
    let mut host = connect_host(&server, &code, &key).await;
    let (mut ann, welcome) = join(&server, &code, "Ann").await;
    let token = welcome["token"].as_str().unwrap().to_string();
    let first = ann.recv_type("preload").await;
    for _ in 0..3 {
        ann.close().await;
        let (again, _) = resume(&server, &code, &token, "Ann").await;
        ann = again;
        assert_eq!(ann.recv_type("preload").await, first, "in the lobby");
    }
    // The host changes the settings: drawn again, and everyone told.
    let (mut bob, _) = join(&server, &code, "Bob").await;
    assert_eq!(bob.recv_type("preload").await, first);
    host.send(json!({"type": "configure", "mode": "name_to_photo"}))
        .await;
    let redrawn = ann.recv_type("preload").await;
    photos(&redrawn, 1);
    assert_eq!(bob.recv_type("preload").await, redrawn);

    // During a reveal, the next round's photos, again the same.
    host.send(json!({"type": "start_round"})).await;
    ann.recv_type("round").await;
    host.send(json!({"type": "reveal"})).await;
    ann.recv_type("reveal").await;
    let next = ann.recv_type("preload").await;
    photos(&next, 2);
    ann.close().await;
    let (mut ann, _) = resume(&server, &code, &token, "Ann").await;
    assert_eq!(ann.state["phase"], "reveal");
    assert_eq!(ann.recv_type("preload").await, next);
    // During the question itself there is nothing ahead to send.
    host.send(json!({"type": "start_round"})).await;
    let round = ann.recv_type("round").await;
    assert_eq!(set(&photos(&next, 2)), set(&choice_thumbs(&round)));
    ann.close().await;
    let (mut ann, _) = resume(&server, &code, &token, "Ann").await;
    assert_eq!(ann.state["phase"], "question");
    ann.expect_quiet(Duration::from_millis(500), &["lobby", "pong"])
        .await;
}

#[tokio::test]
async fn photos_sent_ahead_are_served_like_every_other_photo() {
    // Decoys included: the same length, immutable caching and ETag form,
    // so fetching them (or a 404) tells nothing.
    let server = server_with(&standard_roster(), TestServer::builder().in_process());
    let settings = json!({"rounds": 2, "seconds": 60, "mode": "photo_to_name"});
    let (code, key) = create_room(&server, settings).await;
    let mut host = connect_host(&server, &code, &key).await;
    let (mut ann, _) = join(&server, &code, "Ann").await;
    let ahead = photos(&ann.recv_type("preload").await, 1);
    host.send(json!({"type": "start_round"})).await;
    let round = ann.recv_type("round").await;
    let prompt = round["prompt"]["thumb"].as_str().unwrap();
    let mut seen = BTreeSet::new();
    for url in &ahead {
        let r = fetch(&server.http, server.abs(url)).await;
        assert_eq!(r.status().as_u16(), 200, "{url}");
        let cache = header(&r, "cache-control");
        assert!(cache.contains("immutable"), "{url}: {cache}");
        let etag = header(&r, "etag");
        let name = url.rsplit('/').next().unwrap().trim_end_matches(".jpg");
        assert!(
            etag.contains(name),
            "{url}: the ETag is the file name: {etag}"
        );
        seen.insert(header(&r, "content-length"));
    }
    assert_eq!(seen.len(), 1, "one length for all four: {seen:?}");
    assert!(ahead.iter().any(|u| u == prompt));
}

#[tokio::test]
async fn after_a_restart_the_photos_sent_are_those_of_the_question_asked() {
    // The question drawn ahead is not stored: a restart draws another,
    // and the phones coming back get its photos, not the lost one's.
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder());
    let (code, key) = create_room(&server, json!({"rounds": 3, "seconds": 60})).await;
    let mut host = connect_host(&server, &code, &key).await;
    let (mut ann, welcome) = join(&server, &code, "Ann").await;
    let token = welcome["token"].as_str().unwrap().to_string();
    host.send(json!({"type": "start_round"})).await;
    ann.recv_type("round").await;
    host.send(json!({"type": "reveal"})).await;
    ann.recv_type("reveal").await;
    photos(&ann.recv_type("preload").await, 2);
    drop((host, ann));

    let server = server.restart_after_kill9();
    let mut host = connect_host(&server, &code, &key).await;
    let (mut ann, _) = resume(&server, &code, &token, "Ann").await;
    assert_eq!(ann.state["phase"], "reveal");
    let ahead = photos(&ann.recv_type("preload").await, 2);
    host.send(json!({"type": "start_round"})).await;
    let round = ann.recv_type("round").await;
    assert_eq!(set(&ahead), set(&choice_thumbs(&round)));
}
