//! `--db-max-mb` holds for the organiser's photos too, and leaves the games
//! room to save: photos past the events' share are refused with a
//! sentence while votes and joins still land on disk.

use super::*;

/// Uploads `file` (one chunk, at most 1 MiB) to `reunion`: the finished
/// upload, with what was accepted and refused.
pub async fn upload_whole(server: &TestServer, reunion: u64, file: &str, bytes: Vec<u8>) -> Value {
    let (s, created) = server
        .post_json(
            &format!("/api/organise/reunions/{reunion}/uploads"),
            &json!({"name": file, "size": bytes.len()}),
        )
        .await;
    assert_eq!(s, 201, "{created}");
    let id = created["id"].as_str().unwrap();
    let r = server
        .http
        .patch(server.url(&format!("/api/organise/uploads/{id}")))
        .header("Upload-Offset", "0")
        .body(bytes)
        .send()
        .await
        .unwrap();
    let (s, done) = status_and_json(r).await;
    assert_eq!((s, done["state"].as_str()), (200, Some("done")), "{done}");
    done
}

/// Uploads `Person i.png` (a photo of noise) to `reunion`: whether it
/// became a person.
async fn upload_person(server: &TestServer, reunion: u64, i: u32) -> bool {
    let done = upload_whole(
        server,
        reunion,
        &format!("Person {i}.png"),
        noisy_png(400, i),
    )
    .await;
    !done["accepted"][0]["person"].is_null()
}

#[tokio::test]
async fn photos_stop_at_the_events_share_of_the_cap_and_the_game_keeps_saving() {
    // 3 MiB in all; each photo is a 480 kB BLOB that no compression shrinks.
    let server = TestServer::builder().arg("--db-max-mb").arg("3").start();
    let (s, event) = server
        .post_json("/api/organise/reunions", &json!({"title": "Capped"}))
        .await;
    assert_eq!(s, 201, "{event}");
    let reunion = event["id"].as_u64().unwrap();

    let mut added = 0;
    while added < 10 && upload_person(&server, reunion, added as u32).await {
        added += 1;
    }
    assert!(
        added < 10,
        "{added} photos of 480 kB went into a database capped at 3 MiB"
    );
    // The refused photo waits; adding it now says why it cannot go in.
    let (s, v) = server
        .post_json(
            &format!("/api/organise/reunions/{reunion}/uploads/add"),
            &json!({}),
        )
        .await;
    assert_refused(s, &v, 507, "disk_full");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("keeps the games saving"),
        "{v}"
    );
    assert!(
        (2..=5).contains(&added),
        "{added} photos before the refusal"
    );
    let (_, shown) = server
        .get_json(&format!("/api/organise/reunions/{reunion}"))
        .await;
    assert_eq!(
        shown["people"].as_array().map(Vec::len),
        Some(added),
        "the refused person is not half there: {shown}"
    );

    // The game still saves: a room, players on disk before their
    // `welcome`, a vote acknowledged, and the server says it is healthy.
    let (code, key) = create_room(&server, json!({})).await;
    let mut host = connect_host(&server, &code, &key).await;
    let mut phones = Vec::new();
    for i in 0..4 {
        phones.push(join(&server, &code, &format!("Phone {i}")).await.0);
    }
    host.send(json!({"type": "start_round"})).await;
    let round = phones[0].recv_type("round").await;
    phones[0].vote(round["round"].as_u64().unwrap(), 0).await;
    let health = server.get("/healthz").await;
    assert_eq!(health.status().as_u16(), 200);
}
