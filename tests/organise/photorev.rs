//! A photo turned or replaced while a room of its event runs: the room's
//! next messages carry a new URL (the tag holds the photo's revision), the
//! old URL keeps its old bytes while the server runs, and 404 after.

use base64::Engine;

use super::*;

/// Where the dark half of a `half_dark_png` lies, as served; `None` for
/// a generated portrait (grey all around its edges).
fn half_dark_side(bytes: &[u8]) -> Option<&'static str> {
    let img = image::load_from_memory(bytes).unwrap().to_luma8();
    let (w, h) = img.dimensions();
    let corner = |x: u32, y: u32| img.get_pixel(x, y).0[0];
    let (min, max) = [
        corner(w / 2, h / 20),
        corner(w / 2, h - 1 - h / 20),
        corner(w / 20, h / 2),
        corner(w - 1 - w / 20, h / 2),
    ]
    .iter()
    .fold((255, 0), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    (min < 70 && max > 180).then(|| dark_side(bytes))
}

fn thumbs(choices: &Value) -> Vec<String> {
    choices
        .as_array()
        .unwrap_or_else(|| panic!("choices: {choices}"))
        .iter()
        .map(|c| c["thumb"].as_str().unwrap().to_string())
        .collect()
}

async fn status_of(server: &TestServer, path: &str) -> u16 {
    server
        .http
        .get(server.abs(path))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_photo_turned_while_its_room_runs_gets_a_new_url_and_the_old_keeps_its_bytes() {
    let server = TestServer::start();
    let id = reunion_with(&server, "Turning High", &CLASS_A[..3]).await;
    let png = base64::engine::general_purpose::STANDARD.encode(half_dark_png());
    let (status, sid) = server
        .post_json(
            &format!("/api/organise/reunions/{id}/people"),
            &json!({"name": "Sid Side", "gender": "f", "photos": [{"data": png}]}),
        )
        .await;
    assert_eq!(status, 201, "{sid}");
    let (code, key) =
        create_room(&server, json!({"reunion": id, "rounds": 3, "seconds": 60})).await;
    let mut host = connect_host(&server, &code, &key).await;
    let (mut phone, _) = join(&server, &code, "Early guest").await;
    host.send(json!({"type": "start_round"})).await;
    let round = phone.recv_type("round").await;
    let before = thumbs(&round["choices"]);
    let mut old = None;
    for url in &before {
        if half_dark_side(&server.fetch_bytes(url).await).is_some() {
            old = Some(url.clone());
        }
    }
    let old = old.expect("Sid's photo among the four choices");

    // Turned while round 1 is open.
    let photo = format!("/api/organise/reunions/{id}/people/{}/photos/0", sid["id"]);
    let (status, v) = send_json(
        &server,
        reqwest::Method::POST,
        &format!("{photo}/rotate"),
        &json!({"version": 1, "turns": 1}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    // The URL round 1 carried still means the bytes it meant.
    let old_bytes = server.fetch_bytes(&old).await;
    assert_eq!(half_dark_side(&old_bytes), Some("top"), "{old}");

    // The next messages (`preload`, `round`) carry Sid's turned photo
    // under a new URL; the three others keep theirs.
    phone.vote(1, 0).await;
    phone.recv_type("reveal").await;
    let ahead = phone.recv_type("preload").await;
    let ahead: Vec<String> = serde_json::from_value(ahead["photos"].clone()).unwrap();
    host.send(json!({"type": "start_round"})).await;
    let round = phone.recv_type("round").await;
    let after = thumbs(&round["choices"]);
    let mut sorted = after.clone();
    sorted.sort_unstable();
    let mut ahead_sorted = ahead.clone();
    ahead_sorted.sort_unstable();
    assert_eq!(ahead_sorted, sorted, "the preload is round 2's choices");
    assert!(!after.contains(&old), "round 2 still names the old photo");
    let new: Vec<&String> = after.iter().filter(|u| !before.contains(u)).collect();
    assert_eq!(
        new.len(),
        1,
        "only Sid's URL changed: {before:?} -> {after:?}"
    );
    let new = new[0].clone();
    assert_eq!(
        half_dark_side(&server.fetch_bytes(&new).await),
        Some("right")
    );
    // A phone that joins now gets the new URL in its `state` too.
    let (late, _) = join(&server, &code, "Late guest").await;
    assert!(
        thumbs(&late.state["choices"]).contains(&new),
        "{}",
        late.state
    );
    drop((host, phone, late));

    // After a restart the old bytes are gone: the old URL is 404, the new
    // one still the turned photo.
    let server = server.restart_after_kill9();
    assert_eq!(status_of(&server, &old).await, 404, "{old}");
    assert_eq!(
        half_dark_side(&server.fetch_bytes(&new).await),
        Some("right")
    );
}
