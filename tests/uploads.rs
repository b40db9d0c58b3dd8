//! The organiser's resumable uploads (`/api/organise/…/uploads`) on the
//! real server: chunks at offsets, a cut connection and a kill -9 resumed,
//! the limits, each refusal's sentence, a zip, and a guest kept out.

mod common;

use std::io::{Cursor, Write};
use std::time::Duration;

use common::*;
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;

const MIB: usize = 1024 * 1024;

/// A small scan: a grey gradient, distinct per `seed`.
fn scan(seed: u8) -> Vec<u8> {
    let img = image::GrayImage::from_fn(60, 75, |x, y| {
        image::Luma([(x as u8)
            .wrapping_mul(3)
            .wrapping_add(y as u8)
            .wrapping_add(seed)])
    });
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageLuma8(img)
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

/// A 1×1 PNG whose header says 50000×50000: a decompression bomb's face.
fn huge_header_png() -> Vec<u8> {
    let mut bytes = scan(0);
    bytes[16..20].copy_from_slice(&50000u32.to_be_bytes());
    bytes[20..24].copy_from_slice(&50000u32.to_be_bytes());
    let mut crc = flate2::Crc::new();
    crc.update(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.sum().to_be_bytes());
    bytes
}

/// What an iPhone's HEIC starts with.
fn heic() -> Vec<u8> {
    let mut bytes = vec![0, 0, 0, 24];
    bytes.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
    bytes.extend_from_slice(&[0u8; 200]);
    bytes
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A new event (reunion) on `server`: its id.
async fn new_reunion(server: &TestServer) -> u32 {
    let (s, body) = server
        .post_json(
            "/api/organise/reunions",
            &json!({"title": "Lincoln High 1986"}),
        )
        .await;
    assert_eq!(s, 201, "{body}");
    body["id"].as_u64().unwrap() as u32
}

/// The event's people: (name, photo labels), deleted ones left out.
async fn people(server: &TestServer, reunion: u32) -> Vec<(String, Vec<String>)> {
    let (s, body) = server
        .get_json(&format!("/api/organise/reunions/{reunion}"))
        .await;
    assert_eq!(s, 200, "{body}");
    body["people"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["deleted"] != true)
        .map(|p| {
            let labels = p["photos"]
                .as_array()
                .unwrap()
                .iter()
                .map(|ph| ph["label"].as_str().unwrap_or("").to_string())
                .collect();
            (p["name"].as_str().unwrap().to_string(), labels)
        })
        .collect()
}

async fn announce_in(
    server: &TestServer,
    reunion: u32,
    name: &str,
    label: &str,
    size: usize,
) -> (u16, Value) {
    server
        .post_json(
            &format!("/api/organise/reunions/{reunion}/uploads"),
            &json!({"name": name, "size": size, "type": "image/png", "label": label}),
        )
        .await
}

async fn announce(server: &TestServer, name: &str, size: usize) -> (u16, Value) {
    let reunion = match server.get_json("/api/organise/reunions").await {
        (200, list) if !list["reunions"].as_array().is_none_or(Vec::is_empty) => {
            list["reunions"][0]["id"].as_u64().unwrap() as u32
        }
        _ => new_reunion(server).await,
    };
    announce_in(server, reunion, name, "", size).await
}

/// One chunk at `offset`: status, body, and the `Upload-Offset` answered.
async fn chunk(server: &TestServer, id: &str, offset: usize, bytes: &[u8]) -> (u16, Value, String) {
    let r = server
        .http
        .patch(server.url(&format!("/api/organise/uploads/{id}")))
        .header("Upload-Offset", offset.to_string())
        .header("Content-Type", "application/offset+octet-stream")
        .body(bytes.to_vec())
        .send()
        .await
        .expect("PATCH");
    let offset = header(&r, "upload-offset");
    let (status, body) = status_and_json(r).await;
    (status, body, offset)
}

/// The rest of a file from `from`, in 1 MiB chunks; the last answer.
async fn send_from(server: &TestServer, id: &str, bytes: &[u8], from: usize) -> Value {
    let mut at = from;
    loop {
        let end = (at + MIB).min(bytes.len());
        let (status, body, offset) = chunk(server, id, at, &bytes[at..end]).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(offset, end.to_string());
        at = end;
        if at == bytes.len() {
            return body;
        }
        assert_eq!(body["state"], "uploading");
    }
}

/// A whole file, announced and sent: the finished upload.
async fn upload(server: &TestServer, name: &str, bytes: &[u8]) -> Value {
    let (status, created) = announce(server, name, bytes.len()).await;
    finish(server, status, created, bytes).await
}

async fn upload_in(server: &TestServer, reunion: u32, name: &str, bytes: &[u8]) -> Value {
    let (status, created) = announce_in(server, reunion, name, "", bytes.len()).await;
    finish(server, status, created, bytes).await
}

async fn finish(server: &TestServer, status: u16, created: Value, bytes: &[u8]) -> Value {
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    let done = send_from(server, &id, bytes, 0).await;
    assert_eq!(done["state"], "done", "{done}");
    done
}

async fn status(server: &TestServer, id: &str) -> (u16, Value) {
    server
        .get_json(&format!("/api/organise/uploads/{id}"))
        .await
}

fn refusal(done: &Value) -> (String, String) {
    let r = &done["refused"][0];
    (
        r["code"].as_str().unwrap_or("").to_string(),
        r["message"].as_str().unwrap_or("").to_string(),
    )
}

#[tokio::test]
async fn a_file_arrives_in_chunks_and_a_path_in_its_name_is_dropped() {
    let server = TestServer::builder().in_process().start();
    let bytes = noisy_png(1000, 1);
    assert!(bytes.len() > 2 * MIB, "three chunks: {}", bytes.len());
    let (status, created) = announce(
        &server,
        "C:\\Users\\ann\\scans\\Zoë O'Neil.png",
        bytes.len(),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["name"], "Zoë O'Neil.png");
    assert_eq!(created["offset"], 0);
    let id = created["id"].as_str().unwrap();

    let (s, first, _) = chunk(&server, id, 0, &bytes[..MIB]).await;
    assert_eq!((s, &first["offset"]), (200, &json!(MIB)));
    // HEAD says where it stands, as a browser asks before resuming.
    let head = server
        .http
        .head(server.url(&format!("/api/organise/uploads/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status().as_u16(), 200);
    assert_eq!(header(&head, "upload-offset"), MIB.to_string());
    assert_eq!(header(&head, "upload-length"), bytes.len().to_string());

    let done = send_from(&server, id, &bytes, MIB).await;
    assert_eq!(done["state"], "done");
    assert_eq!(done["refused"], json!([]));
    assert_eq!(done["accepted"][0]["name"], "Zoë O'Neil");
    // Nothing on disk carries the path the browser sent.
    let staged = yearbook::uploads::dir_for(&server.db_path());
    for entry in std::fs::read_dir(&staged).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        assert!(name.starts_with(id), "{name}");
    }
}

#[tokio::test]
async fn a_chunk_at_the_wrong_offset_or_too_big_is_refused_and_nothing_is_lost() {
    let server = TestServer::builder().in_process().start();
    let bytes = noisy_png(800, 2);
    let (_, created) = announce(&server, "Bob Ray.png", bytes.len()).await;
    let id = created["id"].as_str().unwrap();
    chunk(&server, id, 0, &bytes[..1000]).await;

    let (s, body, offset) = chunk(&server, id, 0, &bytes[..1000]).await;
    assert_eq!(
        (s, body["error"].as_str()),
        (409, Some("wrong_offset")),
        "{body}"
    );
    assert_eq!(
        (body["offset"].clone(), offset),
        (json!(1000), "1000".to_string())
    );
    let (s, body, _) = chunk(&server, id, 5000, &bytes[5000..6000]).await;
    assert_eq!((s, body["offset"].clone()), (409, json!(1000)));
    // Said in the organiser's language, its number in that language's way.
    let english = body["message"].as_str().unwrap_or_default().to_string();
    assert_eq!(
        english,
        "The server has the first 1,000 bytes of this file: send from there."
    );
    let r = server
        .http
        .patch(server.url(&format!("/api/organise/uploads/{id}?lang=de")))
        .header("Upload-Offset", "5000")
        .body(bytes[5000..6000].to_vec())
        .send()
        .await
        .unwrap();
    let (s, body) = status_and_json(r).await;
    assert_eq!(
        (s, &body["error"], &body["offset"]),
        (409, &json!("wrong_offset"), &json!(1000))
    );
    assert_eq!(
        body["message"],
        "Der Server hat die ersten 1.000 Bytes dieser Datei: schick ab dort weiter."
    );

    let (s, body, _) = chunk(&server, id, 1000, &bytes[1000..1000 + MIB + 1]).await;
    assert_eq!(
        (s, body["error"].as_str()),
        (413, Some("too_large")),
        "{body}"
    );
    let (s, body) = status(&server, id).await;
    assert_eq!((s, body["offset"].clone()), (200, json!(1000)));

    // Past the announced size: refused, never stored.
    let (_, small) = announce(&server, "Cy.png", 10).await;
    let small_id = small["id"].as_str().unwrap();
    let (s, body, _) = chunk(&server, small_id, 0, &[0u8; 11]).await;
    assert_eq!((s, body["error"].as_str()), (413, Some("too_large")));
    assert_eq!(status(&server, small_id).await.1["offset"], 0);

    let done = send_from(&server, id, &bytes, 1000).await;
    assert_eq!(done["accepted"][0]["name"], "Bob Ray", "{done}");
    assert_eq!(
        status(&server, "0123456789abcdef0123456789abcdef").await.0,
        404
    );
    assert_eq!(status(&server, "..%2F..%2Fetc").await.0, 404);
}

/// Sends a chunk's head and half its body, then drops the connection.
async fn cut_off_chunk(server: &TestServer, id: &str, offset: usize, bytes: &[u8]) {
    let addr = server.origin().trim_start_matches("http://").to_string();
    let mut tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "PATCH /api/organise/uploads/{id} HTTP/1.1\r\nHost: {addr}\r\nUpload-Offset: {offset}\r\n\
         Content-Length: {}\r\n\r\n",
        bytes.len()
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    tcp.write_all(&bytes[..bytes.len() / 2]).await.unwrap();
    tcp.flush().await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    drop(tcp);
}

#[tokio::test]
async fn an_upload_cut_off_mid_chunk_resumes_from_the_last_whole_chunk() {
    let server = TestServer::builder().in_process().start();
    let bytes = noisy_png(1000, 3);
    let (_, created) = announce(&server, "Dee Fox.png", bytes.len()).await;
    let id = created["id"].as_str().unwrap();
    chunk(&server, id, 0, &bytes[..MIB]).await;
    cut_off_chunk(&server, id, MIB, &bytes[MIB..2 * MIB]).await;
    // The server keeps only acknowledged chunks: the browser asks, resumes.
    let (_, now) = status(&server, id).await;
    assert_eq!(now["offset"], MIB, "{now}");
    let done = send_from(&server, id, &bytes, MIB).await;
    assert_eq!(done["accepted"][0]["name"], "Dee Fox", "{done}");
}

#[tokio::test]
async fn an_upload_resumes_after_the_server_is_killed_and_a_closed_browser_finds_it() {
    let server = TestServer::builder().start();
    let bytes = noisy_png(1000, 4);
    let (_, created) = announce(&server, "Eve Gale.png", bytes.len()).await;
    let id = created["id"].as_str().unwrap().to_string();
    chunk(&server, &id, 0, &bytes[..MIB]).await;
    let server = server.restart_after_kill9();
    // The browser was closed too: it finds its unfinished uploads.
    let reunion = created["reunion"].as_u64().unwrap();
    let (s, list) = server
        .get_json(&format!("/api/organise/reunions/{reunion}/uploads"))
        .await;
    assert_eq!(s, 200, "{list}");
    let found = &list["uploads"][0];
    assert_eq!(
        (
            &found["id"],
            &found["name"],
            &found["offset"],
            &found["state"]
        ),
        (
            &json!(id),
            &json!("Eve Gale.png"),
            &json!(MIB),
            &json!("uploading")
        )
    );
    let done = send_from(&server, &id, &bytes, MIB).await;
    assert_eq!(done["accepted"][0]["name"], "Eve Gale", "{done}");
    let (_, list) = server
        .get_json(&format!("/api/organise/reunions/{reunion}/uploads"))
        .await;
    assert_eq!(list["uploads"][0]["state"], "done");
    assert_eq!(
        people(&server, reunion as u32).await,
        [("Eve Gale".to_string(), vec![String::new()])]
    );
}

#[tokio::test]
async fn files_over_25_mb_heic_and_pdf_are_refused_when_announced() {
    let server = TestServer::builder().in_process().start();
    let (s, body) = announce(&server, "scan.png", 25 * MIB + 1).await;
    assert_eq!(
        (s, body["error"].as_str()),
        (413, Some("too_large")),
        "{body}"
    );
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("the largest accepted is 25 MB"),
        "{body}"
    );
    let (s, body) = announce(&server, "scan.png", 25 * MIB).await;
    assert_eq!(s, 201, "exactly 25 MB is accepted: {body}");
    let (s, body) = announce(&server, "IMG_0042.HEIC", 1000).await;
    assert_eq!((s, body["error"].as_str()), (422, Some("heic")), "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("Most Compatible")
    );
    let (s, body) = announce(&server, "yearbook.pdf", 1000).await;
    assert_eq!((s, body["error"].as_str()), (422, Some("pdf")));
}

#[tokio::test]
async fn heic_pdf_huge_and_strange_files_are_refused_with_a_sentence() {
    let server = TestServer::builder().in_process().start();
    let done = upload(&server, "IMG_0042.jpg", &heic()).await;
    let (code, message) = refusal(&done);
    assert_eq!(code, "heic");
    assert!(
        message.starts_with("This is an iPhone HEIC photo")
            && message.contains("Share → Options → Most Compatible"),
        "{message}"
    );
    let done = upload(&server, "page 12.png", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj").await;
    let (code, message) = refusal(&done);
    assert_eq!(code, "pdf");
    assert!(
        message.contains("export each page as PNG or JPEG"),
        "{message}"
    );
    let done = upload(&server, "Giant.png", &huge_header_png()).await;
    let (code, message) = refusal(&done);
    assert_eq!(code, "too_many_pixels");
    assert!(message.contains("50000×50000"), "{message}");
    let done = upload(&server, "notes.jpg", b"Dear classmates, ...").await;
    assert_eq!(refusal(&done).0, "not_image");
    assert_eq!(done["accepted"], json!([]));
}

#[tokio::test]
async fn a_zip_gives_its_scans_and_refuses_its_pdf() {
    let server = TestServer::builder().in_process().start();
    let zip = zip_of(&[
        ("class of 1986/Ann Lee.png", &scan(1)),
        ("class of 1986/José Núñez.png", &scan(2)),
        ("class of 1986/reunion flyer.pdf", b"%PDF-1.4 flyer"),
        ("__MACOSX/class of 1986/._Ann Lee.png", b"resource fork"),
    ]);
    let done = upload(&server, "class.zip", &zip).await;
    let names: Vec<&str> = done["accepted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Ann Lee", "José Núñez"], "{done}");
    assert_eq!(done["refused"].as_array().unwrap().len(), 1, "{done}");
    let (code, _) = refusal(&done);
    assert_eq!(code, "pdf");
    assert_eq!(
        done["refused"][0]["file"],
        "class.zip: class of 1986/reunion flyer.pdf"
    );
    let reunion = done["reunion"].as_u64().unwrap() as u32;
    assert_eq!(
        people(&server, reunion).await,
        [
            ("Ann Lee".to_string(), vec![String::new()]),
            ("José Núñez".to_string(), vec![String::new()])
        ]
    );
    assert!(done["accepted"][0]["person"].is_u64(), "{done}");
}

#[tokio::test]
async fn a_dropped_folder_with_two_yearbooks_gives_one_person_two_photos() {
    let server = TestServer::builder().in_process().start();
    let reunion = new_reunion(&server).await;
    // As the page does: every file of the drop announced, then sent.
    let files = [
        ("scans/1983/Ann Lee.png", "1983", scan(1)),
        ("scans/1986/Ann Lee.png", "1986", scan(2)),
        ("scans/1986/Bob Ray.png", "1986", scan(3)),
    ];
    let mut ids = Vec::new();
    for (name, label, bytes) in &files {
        let (s, body) = announce_in(&server, reunion, name, label, bytes.len()).await;
        assert_eq!(s, 201, "{body}");
        ids.push(body["id"].as_str().unwrap().to_string());
    }
    for (i, (id, (_, _, bytes))) in ids.iter().zip(&files).enumerate() {
        let done = send_from(&server, id, bytes, 0).await;
        assert_eq!(done["state"], "done", "{done}");
        if i < files.len() - 1 {
            // Others of the drop still arriving: nobody is added yet.
            assert_eq!(people(&server, reunion).await, []);
            assert_eq!(done["accepted"][0]["person"], Value::Null);
        }
    }
    assert_eq!(
        people(&server, reunion).await,
        [
            (
                "Ann Lee".to_string(),
                vec!["1983".to_string(), "1986".to_string()]
            ),
            ("Bob Ray".to_string(), vec!["1986".to_string()])
        ]
    );
    // Dropped again: the same scan is skipped, said so; another asks
    // first (tests/organise/addphoto.rs). Nobody is added twice.
    let done = upload_in(&server, reunion, "Bob Ray.png", &scan(3)).await;
    let (code, message) = refusal(&done);
    assert_eq!(code, "already_there");
    assert_eq!(
        message,
        "This photo of Bob Ray is already in this event: skipped."
    );
    let done = upload_in(&server, reunion, "Bob Ray.png", &scan(4)).await;
    assert_eq!(
        done["accepted"][0]["ask"]["message"],
        "Bob Ray already has a photo."
    );
    assert_eq!(people(&server, reunion).await.len(), 2);
}

/// An upload's refusals and questions in the organiser's language (`?lang`,
/// as the switch's cookie or `Accept-Language` would say it), each with
/// the code it has in English.
#[tokio::test]
async fn refusals_and_questions_follow_the_organisers_language() {
    let server = TestServer::builder().in_process().start();
    let reunion = new_reunion(&server).await;
    let in_lang = |id: &str, lang: &str| format!("/api/organise/uploads/{id}?lang={lang}");
    let done = upload_in(&server, reunion, "IMG_0042.jpg", &heic()).await;
    let id = done["id"].as_str().unwrap();
    let (_, de) = server.get_json(&in_lang(id, "de")).await;
    let (code, message) = refusal(&de);
    assert_eq!(code, "heic");
    assert!(message.starts_with("Das ist ein iPhone-Foto"), "{message}");
    let (_, es) = server.get_json(&in_lang(id, "es")).await;
    let (code, message) = refusal(&es);
    assert_eq!(code, "heic");
    assert!(message.starts_with("Esta es una foto HEIC"), "{message}");

    // Refused when announced: the whole request, its numbers in the words.
    let (s, body) = server
        .post_json(
            &format!("/api/organise/reunions/{reunion}/uploads?lang=de"),
            &json!({"name": "scan.png", "size": 25 * MIB + 1, "type": "image/png"}),
        )
        .await;
    assert_eq!((s, body["error"].as_str()), (413, Some("too_large")));
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("Diese Datei hat 25,0 MB; höchstens 25 MB"),
        "{body}"
    );

    // Someone already in the event: skipped, or a question first.
    upload_in(&server, reunion, "Bob Ray.png", &scan(3)).await;
    let again = upload_in(&server, reunion, "Bob Ray.png", &scan(3)).await;
    let (_, es) = server
        .get_json(&in_lang(again["id"].as_str().unwrap(), "es"))
        .await;
    assert_eq!(
        refusal(&es),
        (
            "already_there".to_string(),
            "Esta foto de Bob Ray ya está en este evento: se omite.".to_string()
        )
    );
    let other = upload_in(&server, reunion, "Bob Ray.png", &scan(4)).await;
    let (_, de) = server
        .get_json(&in_lang(other["id"].as_str().unwrap(), "de"))
        .await;
    assert_eq!(
        de["accepted"][0]["ask"]["message"],
        "Bob Ray hat schon ein Foto."
    );
    assert_eq!(
        de["accepted"][0]["ask"]["choices"],
        other["accepted"][0]["ask"]["choices"]
    );
    assert_eq!(de["accepted"][0]["ask"].get("reason"), None);
}

#[tokio::test]
async fn photos_left_waiting_by_an_unfinished_file_go_on_when_it_is_given_up() {
    let server = TestServer::builder().in_process().start();
    let reunion = new_reunion(&server).await;
    let (_, never) = announce_in(&server, reunion, "Cy Dunn.png", "", 5000).await;
    let done = upload_in(&server, reunion, "Di Eck.png", &scan(5)).await;
    assert_eq!(done["accepted"][0]["person"], Value::Null, "{done}");
    assert_eq!(people(&server, reunion).await, []);
    let r = server
        .http
        .delete(server.url(&format!(
            "/api/organise/uploads/{}",
            never["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 204);
    assert_eq!(
        people(&server, reunion).await,
        [("Di Eck".to_string(), vec![String::new()])]
    );

    // Or at once, when asked, however many files are still arriving.
    announce_in(&server, reunion, "Fay Gill.png", "", 5000).await;
    upload_in(&server, reunion, "Hal Ivy.png", &scan(6)).await;
    assert_eq!(people(&server, reunion).await.len(), 1);
    let (s, list) = server
        .post_json(
            &format!("/api/organise/reunions/{reunion}/uploads/add"),
            &json!({}),
        )
        .await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(people(&server, reunion).await.len(), 2);
}

#[tokio::test]
async fn a_guest_never_reaches_the_uploads() {
    let server = password_server();
    // The organiser logs in and starts an upload ...
    let admin = log_in(&server).await;
    let reunion = reunion_as(&server, &admin, "Class of 1986").await;
    let uploads = format!("/api/organise/reunions/{reunion}/uploads");
    let (s, upload) = announce_as(&server, &admin, reunion).await;
    assert_eq!(s, 201, "{upload}");
    let id = upload["id"].as_str().unwrap();

    // ... which a guest can neither see, list, feed nor start.
    let (s, body) = server
        .post_json(&uploads, &json!({"name": "x.png", "size": 10}))
        .await;
    assert_eq!(
        (s, body["error"].as_str()),
        (401, Some("organiser_only")),
        "{body}"
    );
    assert_eq!(server.get_json(&uploads).await.0, 401);
    assert_eq!(status(&server, id).await.0, 401);
    let choice = format!("/api/organise/uploads/{id}/choice");
    let (s, _) = server
        .post_json(&choice, &json!({"file": "x.png", "choice": "skip"}))
        .await;
    assert_eq!(s, 401);
    let (s, _, _) = chunk(&server, id, 0, b"0123456789").await;
    assert_eq!(s, 401);
    // A chunk's body is not read before the organiser is known: a guest's
    // body over the 64 KiB others may send gets the same 401, not a 413,
    // and the connection it was left on is closed.
    let big = server
        .http
        .patch(server.url(&format!("/api/organise/uploads/{id}")))
        .header("Upload-Offset", "0")
        .body(vec![0u8; 300 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(big.status().as_u16(), 401);
    assert_eq!(header(&big, "connection"), "close");
    let r = server
        .http
        .delete(server.url(&format!("/api/organise/uploads/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let (s, body) = status_as(&server, &admin, id).await;
    assert_eq!((s, body["offset"].clone()), (200, json!(0)), "untouched");
}

/// A server whose organiser logs in with the password `pw`.
fn password_server() -> TestServer {
    TestServer::builder()
        .arg("--admin-password")
        .arg("pw")
        .in_process()
        .start()
}

/// Logs in with the admin password `pw`: the cookie to send.
async fn log_in(server: &TestServer) -> String {
    let login = no_redirect_client()
        .post(server.url("/organise/login"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("password=pw")
        .send()
        .await
        .unwrap();
    cookie_of(&login)
}

/// The `name=value` of a response's `Set-Cookie`.
fn cookie_of(r: &reqwest::Response) -> String {
    let set = header(r, "set-cookie");
    set.split(';').next().unwrap().to_string()
}

/// Where upload `id` stands, asked with `cookie`.
async fn status_as(server: &TestServer, cookie: &str, id: &str) -> (u16, Value) {
    let path = format!("/api/organise/uploads/{id}");
    as_cookie(server, cookie, "GET", &path, Value::Null).await
}

/// A new event made with `cookie`: its id.
async fn reunion_as(server: &TestServer, cookie: &str, title: &str) -> u64 {
    let body = json!({"title": title});
    let (s, r) = as_cookie(server, cookie, "POST", "/api/organise/reunions", body).await;
    assert_eq!(s, 201, "{r}");
    r["id"].as_u64().unwrap()
}

/// Announces a 10-byte `Ann.png` to `reunion` with `cookie`.
async fn announce_as(server: &TestServer, cookie: &str, reunion: u64) -> (u16, Value) {
    let path = format!("/api/organise/reunions/{reunion}/uploads");
    let body = json!({"name": "Ann.png", "size": 10});
    as_cookie(server, cookie, "POST", &path, body).await
}

/// `method path` with `cookie` and a JSON body (none when null).
async fn as_cookie(
    server: &TestServer,
    cookie: &str,
    method: &str,
    path: &str,
    body: Value,
) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut req = server
        .http
        .request(method, server.url(path))
        .header("Cookie", cookie);
    if !body.is_null() {
        req = req.json(&body);
    }
    status_and_json(req.send().await.unwrap()).await
}

#[tokio::test]
async fn a_co_organiser_never_reaches_another_events_uploads() {
    let server = password_server();
    let admin = log_in(&server).await;
    let ids = [
        reunion_as(&server, &admin, "Mine").await,
        reunion_as(&server, &admin, "Not yours").await,
    ];
    let (s, theirs) = announce_as(&server, &admin, ids[1]).await;
    assert_eq!(s, 201, "{theirs}");
    let theirs = theirs["id"].as_str().unwrap();
    let (s, invite) = as_cookie(
        &server,
        &admin,
        "POST",
        &format!("/api/organise/reunions/{}/invites", ids[0]),
        json!({}),
    )
    .await;
    assert_eq!(s, 201, "{invite}");
    let path = invite["url"]
        .as_str()
        .unwrap()
        .strip_prefix(server.origin())
        .unwrap();
    let opened = no_redirect_client()
        .post(server.abs(path))
        .send()
        .await
        .unwrap();
    let co = cookie_of(&opened);
    assert_eq!(
        announce_as(&server, &co, ids[0]).await.0,
        201,
        "their own event"
    );
    for (method, path) in [
        ("POST", format!("/api/organise/reunions/{}/uploads", ids[1])),
        ("GET", format!("/api/organise/reunions/{}/uploads", ids[1])),
        (
            "POST",
            format!("/api/organise/reunions/{}/uploads/add", ids[1]),
        ),
        ("GET", format!("/organise/reunions/{}/upload", ids[1])),
        ("GET", format!("/api/organise/uploads/{theirs}")),
        ("DELETE", format!("/api/organise/uploads/{theirs}")),
        ("POST", format!("/api/organise/uploads/{theirs}/choice")),
    ] {
        let body = if method == "POST" {
            json!({"name": "x.png", "size": 10})
        } else {
            Value::Null
        };
        let (s, _) = as_cookie(&server, &co, method, &path, body).await;
        assert_eq!(s, 404, "{method} {path}");
    }
    let r = server
        .http
        .patch(server.url(&format!("/api/organise/uploads/{theirs}")))
        .header("Cookie", co.clone())
        .header("Upload-Offset", "0")
        .body(vec![0u8; 10])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let (_, still) = status_as(&server, &admin, theirs).await;
    assert_eq!(still["offset"], 0, "{still}");
}

#[tokio::test]
async fn a_chunk_from_another_site_is_refused() {
    let server = TestServer::builder().in_process().start();
    let (_, created) = announce(&server, "Ann.png", 10).await;
    let id = created["id"].as_str().unwrap();
    let from_another_site = |lang: &'static str| {
        server
            .http
            .patch(server.url(&format!("/api/organise/uploads/{id}")))
            .header("Origin", "https://evil.example")
            .header("Accept-Language", lang)
            .header("Upload-Offset", "0")
            .body(vec![0u8; 10])
            .send()
    };
    let (s, body) = status_and_json(from_another_site("en").await.unwrap()).await;
    assert_eq!((s, body["error"].as_str()), (403, Some("bad_origin")));
    assert_eq!(status(&server, id).await.1["offset"], 0);
    // The outermost guard says it in the sender's language too.
    let (s, body) = status_and_json(from_another_site("de-DE,de;q=0.9").await.unwrap()).await;
    assert_eq!((s, body["error"].as_str()), (403, Some("bad_origin")));
    assert_eq!(
        body["message"],
        "Anfragen von einer anderen Website sind nicht erlaubt."
    );
}

#[tokio::test]
async fn chunks_of_a_mebibyte_pass_under_a_base_path() {
    let server = TestServer::builder()
        .base_path("/reunion/1986")
        .in_process()
        .start();
    let bytes = noisy_png(700, 5);
    assert!(bytes.len() > MIB);
    let done = upload(&server, "Gil Hart.png", &bytes).await;
    assert_eq!(done["accepted"][0]["name"], "Gil Hart", "{done}");
    let page = server
        .get(&format!("/organise/reunions/{}/upload", done["reunion"]))
        .await;
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("/reunion/1986/static/organise-upload.js"),
        "{html}"
    );
}

#[tokio::test]
async fn a_file_whose_last_chunk_landed_just_before_a_crash_finishes_on_an_empty_chunk() {
    let server = TestServer::builder().start();
    let bytes = scan(9);
    let (_, created) = announce(&server, "Ivy Jones.png", bytes.len()).await;
    let id = created["id"].as_str().unwrap().to_string();
    chunk(&server, &id, 0, &bytes[..100]).await;
    // The last chunk reached the disk, then kill -9 before it was checked.
    let staged = yearbook::uploads::dir_for(&server.db_path());
    let rest = bytes[100..].to_vec();
    let part = staged.join(format!("{id}.part"));
    let server = server.restart_after_kill9_then(move |_| {
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&part)
            .unwrap();
        f.write_all(&rest).unwrap();
    });
    let (_, now) = status(&server, &id).await;
    assert_eq!(
        (&now["offset"], &now["state"]),
        (&json!(bytes.len()), &json!("uploading")),
        "{now}"
    );
    let (s, done, _) = chunk(&server, &id, bytes.len(), b"").await;
    assert_eq!(s, 200, "{done}");
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["accepted"][0]["name"], "Ivy Jones");
    assert!(done["accepted"][0]["person"].is_u64(), "{done}");
}

#[tokio::test]
async fn an_uploaded_person_is_signed_by_the_organiser_who_uploaded_them() {
    let server = TestServer::builder().in_process().start();
    let reunion = new_reunion(&server).await;
    upload_in(&server, reunion, "Kim Kay.png", &scan(3)).await;
    let (_, body) = server
        .get_json(&format!("/api/organise/reunions/{reunion}"))
        .await;
    let kim = &body["people"][0];
    assert_eq!(kim["name"], "Kim Kay", "{body}");
    // This server has no password: the organiser is whoever sits at it.
    assert_eq!(kim["updated_by"], "the organiser on this computer", "{kim}");
}
