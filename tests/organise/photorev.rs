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

/// The peak resident memory (`VmHWM`) of process `pid`, in bytes.
fn peak_rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no VmHWM in {status}"));
    kb * 1024
}

/// A stored (uncompressed) zip of a four-person roster and `junk` bytes
/// of noise beside it: as big as `junk`, whatever the compressor.
fn big_roster_zip(junk: usize) -> Vec<u8> {
    use std::io::Write;
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("Big Class/roster.csv", stored).unwrap();
    zip.write_all(b"name,gender,photo\nAnn,f,a.png\nBea,f,b.png\nCid,f,c.png\nDot,f,d.png\n")
        .unwrap();
    for (i, name) in ["a", "b", "c", "d"].iter().enumerate() {
        zip.start_file(format!("Big Class/{name}.png"), stored)
            .unwrap();
        let png = base64::engine::general_purpose::STANDARD
            .decode(portrait_b64(i))
            .unwrap();
        zip.write_all(&png).unwrap();
    }
    zip.start_file("Big Class/scans/noise.bin", stored).unwrap();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let noise: Vec<u8> = (0..junk)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    zip.write_all(&noise).unwrap();
    zip.finish().unwrap().into_inner()
}

#[tokio::test]
async fn a_50_mb_roster_zip_is_spooled_to_disk_not_held_in_memory() {
    let mut server = TestServer::start();
    let pid = server.pid();
    let zip = big_roster_zip(50 * 1024 * 1024);
    // Warm up: the route, the decoder, the database, at their own peak.
    let (status, v) = status_and_json(
        server
            .http
            .post(server.url("/api/organise/reunions/from-roster"))
            .body(big_roster_zip(1024))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{v}");
    let before = peak_rss(pid);
    let (status, v) = status_and_json(
        server
            .http
            .post(server.url("/api/organise/reunions/from-roster?title=Big"))
            .body(zip)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, v["people"].as_u64()), (201, Some(4)), "{v}");
    let grew = peak_rss(pid).saturating_sub(before);
    assert!(
        grew < 20 * 1024 * 1024,
        "the server's peak memory grew by {} MiB for a 50 MiB zip",
        grew >> 20
    );
    // Nothing of it is left on disk, in the staging folder or beside it.
    let staging = std::path::PathBuf::from(format!("{}.uploads", server.db_path().display()));
    let left: Vec<_> = std::fs::read_dir(&staging)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    assert_eq!(left, Vec::<std::path::PathBuf>::new());
}
