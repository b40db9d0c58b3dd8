//! Scanned class pages in an event (issue 23) on the real server: a
//! generated page is read into a draft of boxes and names, a page that is
//! not a class page and a file too large are refused in a sentence, the
//! organiser's fixes survive a kill -9, an empty name blocks "Add to the
//! class" naming the box, and then every box becomes a person with a photo.

use image::{GrayImage, ImageFormat, Luma};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use yearbook::pages::generate;

use super::*;

fn png(img: &GrayImage) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), ImageFormat::Png)
        .unwrap();
    out
}

/// Generated page `n` of the sample book and the names printed on it.
fn sample_page(n: usize) -> (Vec<u8>, Vec<String>) {
    sample_page_printed(n, false)
}

/// As [`sample_page`], its halftone turned over when `other_print`.
fn sample_page_printed(n: usize, other_print: bool) -> (Vec<u8>, Vec<String>) {
    let font = generate::serif_font().expect("a serif font");
    let names = generate::sample_names();
    let portraits = yearbook::roster::load::demo_portraits();
    let mut spec = generate::sample_spec(n, &names, &portraits);
    spec.halftone ^= other_print;
    let count = (spec.columns * spec.rows) as usize;
    let printed = spec.names[..count].to_vec();
    (png(&generate::page(&spec, &font)), printed)
}

/// Reading a page or cutting out a class in a debug build on a busy
/// machine may take longer than the shared client's 10 s.
fn patient() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(120))
        .build()
        .unwrap()
}

/// "Add to the class" (`roster`: its path).
async fn add_to_class(server: &TestServer, roster: &str) -> (u16, Value) {
    let r = patient()
        .post(server.url(roster))
        .json(&json!({}))
        .send()
        .await
        .expect("POST roster");
    status_and_json(r).await
}

async fn send_page(server: &TestServer, id: &str, file: &str, bytes: Vec<u8>) -> (u16, Value) {
    let r = patient()
        .post(server.url(&format!("/api/organise/reunions/{id}/pages?file={file}")))
        .body(bytes)
        .send()
        .await
        .expect("POST page");
    status_and_json(r).await
}

async fn put_page(server: &TestServer, id: &str, page: &Value) -> (u16, Value) {
    let r = server
        .http
        .put(server.url(&format!("/api/organise/reunions/{id}/pages/{}", page["id"])))
        .json(&json!({"label": page["label"], "boxes": page["boxes"]}))
        .send()
        .await
        .expect("PUT page");
    status_and_json(r).await
}

#[tokio::test]
async fn a_scanned_page_is_a_draft_to_fix_that_survives_a_restart_then_people() {
    if !tesseract_or_skip() {
        return;
    }
    let server = TestServer::builder().start();
    let (status, r) = server
        .post_json("/api/organise/reunions", &json!({"title": "Pages High"}))
        .await;
    assert_eq!(status, 201, "{r}");
    let id = r["id"].to_string();

    // Not a class page.
    let (status, r) = send_page(&server, &id, "letter.png", png(&letter())).await;
    assert_eq!(status, 422, "{r}");
    assert_eq!(r["error"], "not_class_page");
    let message = r["message"].as_str().unwrap();
    assert!(
        message.contains("not a class page (2 portrait-like boxes"),
        "the detector's sentence: {message}"
    );
    // Not an image at all.
    let (status, r) = send_page(&server, &id, "notes.png", b"hello".to_vec()).await;
    assert_eq!(status, 422, "{r}");

    let (bytes, printed) = sample_page(0);
    let (status, page) = send_page(&server, &id, "senior-1.png", bytes).await;
    assert_eq!(status, 201, "{page}");
    let boxes = page["boxes"].as_array().unwrap();
    assert_eq!(boxes.len(), printed.len(), "{page}");
    let read: Vec<&str> = boxes.iter().map(|b| b["name"].as_str().unwrap()).collect();
    let exact = read
        .iter()
        .zip(&printed)
        .filter(|(a, b)| **a == b.as_str())
        .count();
    assert!(
        exact + 1 >= printed.len(),
        "read {read:?}, printed {printed:?}"
    );
    // Any name not read is empty and flagged, never guessed.
    for b in boxes {
        assert_eq!(b["name"] == "", !b["flag"].is_null(), "{b}");
    }
    let image = server.fetch_bytes(page["image"].as_str().unwrap()).await;
    let shown = image::load_from_memory(&image).unwrap();
    assert_eq!(
        (shown.width(), shown.height()),
        (
            page["width"].as_u64().unwrap() as u32,
            page["height"].as_u64().unwrap() as u32
        )
    );

    // Each box found carries the part framed by its face (what the CLI
    // cuts), inside the box.
    for b in boxes {
        let f: Vec<u64> = serde_json::from_value(b["framed"].clone()).expect("framed");
        let at = |k: &str| b[k].as_u64().unwrap();
        assert!(
            f[0] >= at("x0") && f[1] >= at("y0") && f[2] <= at("x1") && f[3] <= at("y1"),
            "{b}"
        );
    }
    // The organiser moves box 1, empties name 2 and labels the book.
    let mut edited = page.clone();
    edited["label"] = json!("1986");
    edited["boxes"][0]["x0"] = json!(boxes[0]["x0"].as_u64().unwrap() + 3);
    edited["boxes"][0]["x1"] = json!(boxes[0]["x1"].as_u64().unwrap() + 3);
    edited["boxes"][1]["name"] = json!("");
    let (status, saved) = put_page(&server, &id, &edited).await;
    assert_eq!(status, 200, "{saved}");
    // The moved box is cut as drawn from now on; the others keep their
    // framing, and one the client makes up is not taken.
    assert!(saved["boxes"][0].get("framed").is_none(), "{saved}");
    assert!(saved["boxes"][0].get("cell").is_none(), "{saved}");
    assert_eq!(saved["boxes"][1]["framed"], boxes[1]["framed"]);
    assert_eq!(saved["boxes"][1]["face"], boxes[1]["face"]);
    let mut forged = saved.clone();
    forged["boxes"][0]["framed"] = json!([0, 0, 9, 9]);
    let (status, again) = put_page(&server, &id, &forged).await;
    assert_eq!(status, 200, "{again}");
    assert!(again["boxes"][0].get("framed").is_none(), "{again}");
    for key in ["framed", "cell", "face"] {
        edited["boxes"][0].as_object_mut().unwrap().remove(key);
    }
    // A box off the page is refused in a sentence naming it.
    let mut off = edited.clone();
    off["boxes"][2]["x1"] = json!(1_000_000);
    let (status, r) = put_page(&server, &id, &off).await;
    assert_eq!(status, 422, "{r}");
    assert!(r["message"].as_str().unwrap().starts_with("Box 3 "), "{r}");

    // A kill -9 keeps the draft as the organiser left it.
    let server = server.restart_after_kill9();
    let (status, list) = server
        .get_json(&format!("/api/organise/reunions/{id}/pages"))
        .await;
    assert_eq!(status, 200, "{list}");
    let kept = &list["pages"][0];
    assert_eq!(kept["label"], "1986");
    assert_eq!(kept["boxes"], edited["boxes"]);

    // An empty name blocks, naming the box; nothing is added.
    let roster = format!("/api/organise/reunions/{id}/pages/roster");
    let (status, r) = add_to_class(&server, &roster).await;
    assert_eq!(status, 422, "{r}");
    assert_eq!(r["error"], "names_missing");
    assert!(
        r["message"]
            .as_str()
            .unwrap()
            .contains("page 1 (senior-1.png), portrait 2"),
        "{r}"
    );
    let (_, event) = server
        .get_json(&format!("/api/organise/reunions/{id}"))
        .await;
    assert_eq!(event["people"].as_array().unwrap().len(), 0);

    let mut named = kept.clone();
    named["boxes"][1]["name"] = json!("Zoë Typed-In");
    let (status, _) = put_page(&server, &id, &named).await;
    assert_eq!(status, 200);
    let (status, r) = add_to_class(&server, &roster).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["added"], printed.len());
    let (_, event) = server
        .get_json(&format!("/api/organise/reunions/{id}"))
        .await;
    let people = event["people"].as_array().unwrap();
    assert_eq!(people.len(), printed.len(), "{event}");
    let mut want: Vec<String> = named["boxes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap().to_string())
        .collect();
    let mut got: Vec<String> = people
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect();
    want.sort();
    got.sort();
    assert_eq!(got, want);
    for p in people {
        let photos = p["photos"].as_array().unwrap();
        assert_eq!(photos.len(), 1, "{p}");
        assert_eq!(photos[0]["label"], "1986", "{p}");
    }
    // The pages went into the class: none waits any more.
    let (_, list) = server
        .get_json(&format!("/api/organise/reunions/{id}/pages"))
        .await;
    assert_eq!(list["pages"], json!([]));
}

#[tokio::test]
async fn one_class_in_two_books_needs_a_label_a_page_then_is_one_person_each() {
    if !tesseract_or_skip() {
        return;
    }
    let server = TestServer::builder().in_process().start();
    let (_, r) = server
        .post_json("/api/organise/reunions", &json!({"title": "Two Books"}))
        .await;
    let id = r["id"].to_string();
    // The same class in two books, printed a little otherwise.
    let mut pages = Vec::new();
    for (file, other) in [("junior.png", false), ("senior.png", true)] {
        let (bytes, printed) = sample_page_printed(1, other);
        let (status, page) = send_page(&server, &id, file, bytes).await;
        assert_eq!(status, 201, "{page}");
        let read: Vec<&str> = page["boxes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["name"].as_str().unwrap())
            .collect();
        assert_eq!(read, printed, "{file}");
        pages.push(page);
    }
    let roster = format!("/api/organise/reunions/{id}/pages/roster");
    let (status, r) = add_to_class(&server, &roster).await;
    assert_eq!(status, 422, "{r}");
    assert_eq!(r["error"], "same_name");
    let first = pages[0]["boxes"][0]["name"].as_str().unwrap();
    assert_eq!(
        r["message"],
        format!(
            "{first} is both portrait 1 of page 1 and portrait 1 of page 2: if they are two \
             people, tell them apart in the name; if one person in two books, give each page \
             its book or year."
        )
    );
    for (page, label) in pages.iter_mut().zip(["1983", "1986"]) {
        page["label"] = json!(label);
        let (status, saved) = put_page(&server, &id, page).await;
        assert_eq!(status, 200, "{saved}");
    }
    let (status, r) = add_to_class(&server, &roster).await;
    assert_eq!(status, 200, "{r}");
    let (_, event) = server
        .get_json(&format!("/api/organise/reunions/{id}"))
        .await;
    let people = event["people"].as_array().unwrap();
    assert_eq!(people.len(), 12, "{event}");
    for p in people {
        let mut labels: Vec<&str> = p["photos"]
            .as_array()
            .unwrap()
            .iter()
            .map(|ph| ph["label"].as_str().unwrap())
            .collect();
        labels.sort();
        assert_eq!(labels, ["1983", "1986"], "{p}");
    }
}

/// The detector's reasons in the organiser's language: a sheet that is
/// no class page (same code, the reason in German), and a portrait with
/// no caption, whose flag says why in German.
#[tokio::test]
async fn the_detectors_reasons_follow_the_organisers_language() {
    let server = TestServer::builder().in_process().start();
    let (status, r) = server
        .post_json("/api/organise/reunions", &json!({"title": "Seiten"}))
        .await;
    assert_eq!(status, 201, "{r}");
    let id = r["id"].to_string();
    let send = |file: &'static str, bytes: Vec<u8>| {
        let url = server.url(&format!("/api/organise/reunions/{id}/pages?file={file}"));
        async move {
            let r = patient()
                .post(url)
                .header("Accept-Language", "de-DE,de;q=0.9")
                .body(bytes)
                .send()
                .await
                .expect("POST page");
            status_and_json(r).await
        }
    };
    let (status, r) = send("letter.png", png(&letter())).await;
    assert_eq!(
        (status, r["error"].as_str()),
        (422, Some("not_class_page")),
        "{r}"
    );
    assert_eq!(
        r["message"],
        "Aus dieser Seite wurde nichts ausgeschnitten, denn die Erkennung meldet: keine \
         Klassenseite (2 porträtartige Kästchen, eine Klassenseite hat 4 oder mehr); nichts \
         ausgeschnitten. Sende den Scan einer Klassenseite: ein Raster von Porträts mit einem \
         Namen unter jedem."
    );
    if !tesseract_or_skip() {
        return;
    }
    // Page 0 of the sample book with its first portrait's caption left off.
    let font = generate::serif_font().expect("a serif font");
    let mut names = generate::sample_names();
    names[0].clear();
    let portraits = yearbook::roster::load::demo_portraits();
    let spec = generate::sample_spec(0, &names, &portraits);
    let (status, page) = send("senior-1.png", png(&generate::page(&spec, &font))).await;
    assert_eq!(status, 201, "{page}");
    let first = &page["boxes"][0];
    assert_eq!(first["name"], "", "{page}");
    assert_eq!(
        first["flag"], "keine Bildunterschrift unter dem Porträt",
        "{page}"
    );
}

/// The portrait's face in `photo` (centre x, y and size, in pixels).
fn face_in(finder: &mut yearbook::pages::face::FaceFinder, photo: &GrayImage) -> Option<[f32; 3]> {
    finder.find(photo).map(|f| [f.cx, f.cy, f.size])
}

#[tokio::test]
async fn the_pages_of_one_book_are_framed_together_as_the_cli_frames_them() {
    if !tesseract_or_skip() {
        return;
    }
    // Two pages of one book, one printed as a halftone: framed alone, the
    // halftone page keeps its faces' wandering sizes; framed as a book, it
    // takes the other page's.
    let tmp = tempfile::tempdir().expect("tmp");
    let mut files = Vec::new();
    for n in [0, 1] {
        let path = tmp.path().join(format!("page{n}.png"));
        std::fs::write(&path, sample_page(n).0).expect("write page");
        files.push(path);
    }
    let out = tmp.path().join("roster");
    let cli = std::process::Command::new(env!("CARGO_BIN_EXE_yearbook"))
        .arg("pages")
        .args(&files)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("yearbook pages");
    assert!(
        cli.status.success(),
        "{}",
        String::from_utf8_lossy(&cli.stderr)
    );
    let csv = std::fs::read_to_string(out.join("roster.csv")).expect("roster.csv");
    let cli_photos: Vec<GrayImage> = csv
        .lines()
        .skip(1)
        .map(|line| {
            let file = line.rsplit(',').next().unwrap();
            image::open(out.join(file)).expect("a photo").into_luma8()
        })
        .collect();

    let server = TestServer::builder().start();
    let (_, r) = server
        .post_json("/api/organise/reunions", &json!({"title": "One Book"}))
        .await;
    let id = r["id"].to_string();
    // The browser's boxes in page order, each with a name to find it by.
    let mut names = Vec::new();
    for (n, path) in files.iter().enumerate() {
        let bytes = std::fs::read(path).unwrap();
        let (status, mut page) = send_page(&server, &id, &format!("page{n}.png"), bytes).await;
        assert_eq!(status, 201, "{page}");
        for (k, b) in page["boxes"].as_array_mut().unwrap().iter_mut().enumerate() {
            if b["name"] == "" {
                b["name"] = json!(format!("Unread {n}-{k}"));
            }
            names.push(b["name"].as_str().unwrap().to_string());
        }
        let (status, saved) = put_page(&server, &id, &page).await;
        assert_eq!(status, 200, "{saved}");
    }
    assert_eq!(names.len(), cli_photos.len(), "{csv}");
    let roster = format!("/api/organise/reunions/{id}/pages/roster");
    let (status, r) = add_to_class(&server, &roster).await;
    assert_eq!(status, 200, "{r}");

    // The photos as they went into the event, by name.
    let conn = rusqlite::Connection::open(server.db_path()).unwrap();
    let mut finder = yearbook::pages::face::FaceFinder::new().expect("face finder");
    let (mut worst, mut compared) = (0.0f32, 0);
    for (name, cli_photo) in names.iter().zip(&cli_photos) {
        let bytes: Vec<u8> = conn
            .query_row(
                "SELECT p.bytes FROM reunion_photos p JOIN reunion_people e
                 ON e.reunion = p.reunion AND e.id = p.person WHERE e.name = ?1",
                [name],
                |r| r.get(0),
            )
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let web = image::load_from_memory(&bytes).unwrap().into_luma8();
        // Compared at the CLI's size (the event sizes its photos anyway).
        let (w, h) = cli_photo.dimensions();
        let web = image::imageops::resize(&web, w, h, image::imageops::FilterType::CatmullRom);
        let (a, b) = (face_in(&mut finder, &web), face_in(&mut finder, cli_photo));
        assert_eq!(
            a.is_some(),
            b.is_some(),
            "{name}: a face found in one crop only"
        );
        let (Some(a), Some(b)) = (a, b) else {
            continue;
        };
        compared += 1;
        let off = a
            .iter()
            .zip(&b)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f32::max);
        worst = worst.max(off);
        assert!(
            off <= 2.0,
            "{name}: face {a:?} in the browser's crop, {b:?} in the CLI's"
        );
    }
    assert!(
        compared * 4 >= names.len() * 3,
        "faces found in {compared} crops"
    );
    eprintln!("worst face difference: {worst:.2} px, {compared} faces");
}

/// A page 300 MB long, announced as such: the first line of the answer,
/// and its JSON.
async fn send_announced_too_large(server: &TestServer, id: &str) -> (String, Value) {
    let url = reqwest::Url::parse(&server.url("/")).unwrap();
    let address = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap());
    let mut socket = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST /api/organise/reunions/{id}/pages?file=huge.tiff HTTP/1.1\r\nHost: {address}\r\n\
         Content-Length: 300000000\r\nConnection: close\r\n\r\nII*\0"
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        socket.read_to_end(&mut answer),
    )
    .await;
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer.lines().next().unwrap_or_default().to_string();
    let json = answer
        .split("\r\n\r\n")
        .nth(1)
        .and_then(|b| serde_json::from_str(b).ok())
        .unwrap_or(Value::Null);
    (status, json)
}

fn tiff(img: &GrayImage) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), ImageFormat::Tiff)
        .unwrap();
    out
}

/// A white sheet with two dark squares: not a class page.
fn letter() -> GrayImage {
    let mut sheet = GrayImage::from_pixel(600, 800, Luma([255]));
    for (x0, y0) in [(100, 100), (350, 400)] {
        for y in y0..y0 + 150 {
            for x in x0..x0 + 120 {
                sheet.put_pixel(x, y, Luma([40]));
            }
        }
    }
    sheet
}

#[tokio::test]
async fn a_tiff_and_a_pdf_of_pages_are_read_as_the_cli_reads_them() {
    let server = TestServer::builder().in_process().start();
    let (_, r) = server
        .post_json("/api/organise/reunions", &json!({"title": "Scans"}))
        .await;
    let id = r["id"].to_string();

    // Past 256 MiB, announced: refused before it is read, in a sentence.
    let (status, r) = send_announced_too_large(&server, &id).await;
    assert!(status.contains(" 413 "), "{status}");
    assert_eq!(r["error"], "too_large", "{r}");
    let message = r["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("286.1 MB; the largest page accepted is 256 MB"),
        "{message}"
    );

    // A TIFF, as a scanner saves one.
    let page = image::load_from_memory(&sample_page(0).0)
        .unwrap()
        .into_luma8();
    let (status, r) = send_page(&server, &id, "senior.tiff", tiff(&page)).await;
    assert_eq!(status, 201, "{r}");
    assert_eq!(r["file"], "senior.tiff");
    assert_eq!(r["boxes"].as_array().unwrap().len(), 12, "{r}");
    assert_eq!(r["pages"].as_array().unwrap().len(), 1, "{r}");

    if !pdftoppm_or_skip() {
        return;
    }
    // A PDF of two class pages and a letter: a draft for each class page,
    // named by its page; the letter said to be none.
    let other = image::load_from_memory(&sample_page(1).0)
        .unwrap()
        .into_luma8();
    let pdf = pdf_of(&[page, other, letter()], 300.0);
    let (status, r) = send_page(&server, &id, "class.pdf", pdf).await;
    assert_eq!(status, 201, "{r}");
    let made = r["pages"].as_array().unwrap();
    let files: Vec<&str> = made.iter().map(|p| p["file"].as_str().unwrap()).collect();
    assert_eq!(files, ["class.pdf p. 1", "class.pdf p. 2"], "{r}");
    for p in made {
        assert_eq!(p["boxes"].as_array().unwrap().len(), 12, "{p}");
    }
    assert_eq!(r["refused"][0]["file"], "class.pdf p. 3", "{r}");
    assert_eq!(r["refused"][0]["error"], "not_class_page", "{r}");
    let (_, list) = server
        .get_json(&format!("/api/organise/reunions/{id}/pages"))
        .await;
    assert_eq!(list["pages"].as_array().unwrap().len(), 3, "{list}");
}

#[tokio::test]
async fn a_pdf_is_refused_in_a_sentence_where_poppler_is_missing() {
    let no_tools = tempfile::tempdir().expect("empty PATH");
    let server = TestServer::builder()
        .wrapped_in(vec![
            "env".into(),
            format!("PATH={}", no_tools.path().display()),
        ])
        .start();
    let (_, r) = server
        .post_json("/api/organise/reunions", &json!({"title": "No PDF"}))
        .await;
    let id = r["id"].to_string();
    let pdf = pdf_of(&[letter()], 300.0);
    let (status, r) = send_page(&server, &id, "class.pdf", pdf).await;
    assert_eq!(status, 422, "{r}");
    assert_eq!(r["error"], "pdf", "{r}");
    assert_eq!(
        r["message"],
        "This server cannot read PDF files (poppler's pdftoppm is not installed on it): \
         save each page as PNG, JPEG or TIFF and send those instead."
    );
}
