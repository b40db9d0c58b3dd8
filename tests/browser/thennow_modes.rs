//! Then & now round modes (issue 21) in Chromium: four guests (WebSocket
//! clients) say who they are and send a photo of today (their yearbook
//! portrait "aged": grey, softer); the host plays a then → now round; a
//! phone at the largest font taps one of four photos of today, and the
//! projector's reveal shows the yearbook photo and today's side by side,
//! large, at 1920×1080 and at 1280×720.

use super::projector::{LATE, On, assert_looks_right, legible_px};
use super::*;
use On::{May, Must};
use common::{connect_host, join};

/// `name`'s yearbook portrait from the class folder, aged: grey, lighter,
/// less contrast, as a JPEG a phone would send.
fn aged_portrait(class: &Class, name: &str) -> Vec<u8> {
    let mut r = csv::Reader::from_path(class.dir.path().join("roster.csv")).expect("roster");
    let photo = r
        .records()
        .map(|rec| rec.expect("a row"))
        .find(|rec| &rec[0] == name)
        .map(|rec| rec[2].to_string())
        .expect("the classmate's photo");
    let img = image::open(class.dir.path().join(photo)).expect("the yearbook photo");
    let aged = img
        .grayscale()
        .adjust_contrast(-25.0)
        .brighten(20)
        .blur(0.8);
    let mut jpeg = Vec::new();
    aged.to_rgb8()
        .write_to(
            &mut std::io::Cursor::new(&mut jpeg),
            image::ImageFormat::Jpeg,
        )
        .expect("a JPEG");
    jpeg
}

/// The projector's then & now reveal: everything on the screen, nothing
/// overlapping, the pair large, the yearbook photo left and today's right.
async fn check_pair(host: &Page, size: Size, what: &str) {
    host.wait(
        "the then & now pair, both photos loaded",
        "document.querySelectorAll('#r-chart .tn-side img').length === 2 \
         && Array.from(document.querySelectorAll('#r-chart .tn-side img'))\
         .every(function (i) { return i.complete && i.naturalWidth > 0; })",
    )
    .await;
    let legible = legible_px(size);
    let boxes = [
        Must("#r-round"),
        Must("#r-name"),
        May("#r-known"),
        Must("#r-chart .tn-side.then .pic"),
        Must("#r-chart .tn-side.now .pic"),
        Must("#r-chart .tn-cap"),
        Must("#r-chart .tn-votes"),
        Must(".board-title"),
        Must("#board .board-row"),
        Must(".controls"),
        Must(LATE),
    ];
    let fonts = [
        (Must("#r-chart .tn-cap"), legible),
        (Must("#r-chart .tn-votes"), legible),
        (Must("#board .b-name"), legible),
    ];
    assert_looks_right(
        host,
        what,
        &boxes,
        &[Must("#r-name"), Must("#board .b-name")],
        &fonts,
    )
    .await;
    let pair = host
        .js(
            "return Array.from(document.querySelectorAll('#r-chart .tn-side')).map(function (f) { \
               var r = f.querySelector('.pic').getBoundingClientRect(); \
               return { src: f.querySelector('img').getAttribute('src'), w: r.width, h: r.height, \
                        left: r.left, cap: seen(f.querySelector('.tn-cap')) }; });",
        )
        .await;
    let (w, h) = size.wh();
    let sides = pair.as_array().expect("two sides");
    assert_eq!(sides.len(), 2, "[{}] {what}: {pair}", host.label);
    assert!(
        sides[0]["src"].as_str().unwrap().contains("/photos/")
            && sides[1]["src"].as_str().unwrap().contains("/today/"),
        "[{}] {what}: the yearbook photo, then today's: {pair}",
        host.label
    );
    assert_eq!(
        (sides[0]["cap"].as_str(), sides[1]["cap"].as_str()),
        (Some("THEN"), Some("TODAY")),
        "[{}] {what}",
        host.label
    );
    assert!(
        sides[0]["left"].as_f64() < sides[1]["left"].as_f64(),
        "[{}] {what}: side by side: {pair}",
        host.label
    );
    for s in sides {
        // Large: each photo at least 40% of the screen's height.
        assert!(
            s["h"].as_f64().unwrap() >= 0.4 * f64::from(h)
                && s["w"].as_f64().unwrap() <= 0.5 * f64::from(w),
            "[{}] {what}: a photo of {}×{} on a {w}×{h} screen",
            host.label,
            s["w"],
            s["h"]
        );
    }
}

#[test]
fn a_then_to_now_round_shows_both_faces_side_by_side() {
    browser_test("thennow_modes", |b| async move {
        let people = &[
            ("host1080", Size::Projector),
            ("host720", Size::Projector720),
            ("phone", Size::PhoneLargeFont),
        ];
        let (class, server, pages) = setup(&b, None, people).await;
        let [big, small, phone] = &pages[..] else {
            unreachable!()
        };
        let room = new_room(&server, 5).await;
        let code = room["code"].as_str().expect("code");
        let key = room["host_key"].as_str().expect("key");
        let mut host = connect_host(&server, code, key).await;
        for projector in [big, small] {
            projector
                .goto(room["host_url"].as_str().expect("host_url"))
                .await;
            host_ready(projector).await;
        }
        phone
            .goto(room["join_url"].as_str().expect("join_url"))
            .await;
        enter_name(phone, "Guesser").await;
        phone_screen(phone, "s-wait").await;

        // Four guests say who they are and send a photo of today.
        let alive: Vec<&String> = class
            .names
            .iter()
            .filter(|n| !demo_person(n).1)
            .take(4)
            .collect();
        let mut guests = Vec::new();
        for (i, name) in alive.iter().enumerate() {
            let (mut g, welcome) = join(&server, code, &format!("Guest {i}")).await;
            g.send(json!({"type":"find_classmate","query":name})).await;
            let found = g.recv_type("classmates").await;
            let person = found["people"][0]["person"].clone();
            g.send(json!({"type":"claim","person":person})).await;
            assert_eq!(g.recv_type("claim").await["claim"]["held"], true);
            let sent = reqwest::Client::new()
                .put(server.url(&format!("/api/rooms/{code}/today")))
                .bearer_auth(welcome["token"].as_str().expect("token"))
                .body(aged_portrait(&class, name))
                .send()
                .await
                .expect("PUT today");
            assert_eq!(sent.status().as_u16(), 200);
            guests.push(g);
        }
        // The host's settings say how many have joined in so far.
        big.wait(
            "four then & now photos counted",
            "document.getElementById('tn-count').textContent === '4'",
        )
        .await;
        host.send(json!({"type":"configure","mode":"then_to_now"}))
            .await;
        big.wait(
            "the mode chosen",
            "document.getElementById('set-mode').value === 'then_to_now'",
        )
        .await;
        big.click("#settings > summary").await;
        big.screenshot("thennow-modes-lobby-1080").await;

        host.send(json!({"type":"start_round"})).await;
        let round = host.recv_type("round").await;
        assert_eq!(round["mode"], "then_to_now");
        // The phone: four photos of today to tap, at the largest font.
        phone_tiles(phone).await;
        assert_eq!(
            phone.shown(".pq-name").await,
            "Who is this today?",
            "the phone's question"
        );
        let srcs = phone
            .js("return Array.from(document.querySelectorAll('#pq-choices img')).map(function (i) { return i.getAttribute('src'); })")
            .await;
        assert!(
            srcs.as_array()
                .unwrap()
                .iter()
                .all(|s| s.as_str().unwrap().contains("/today/")),
            "{srcs}"
        );
        assert_tiles_on_screen(phone).await;
        phone.screenshot("thennow-modes-phone-question").await;
        for projector in [big, small] {
            host_phase(projector, "question").await;
            projector
                .wait(
                    "five photos on the projector",
                    "Array.from(document.querySelectorAll('#q-body img'))\
                     .filter(function (i) { return i.complete && i.naturalWidth > 0; }).length === 5",
                )
                .await;
            assert_fits(projector, "the then → now question").await;
        }
        big.screenshot("thennow-modes-question-1080").await;
        tap(phone, 2).await;
        wait_locked(phone, 2).await;

        host.send(json!({"type":"reveal"})).await;
        let reveal = host.recv_type("reveal").await;
        for (projector, size, tag) in [
            (big, Size::Projector, "1080"),
            (small, Size::Projector720, "720"),
        ] {
            host_phase(projector, "reveal").await;
            check_pair(projector, size, &format!("the then & now reveal at {tag}")).await;
            assert_eq!(projector.shown("#r-name").await, reveal["name"]);
            projector
                .screenshot(&format!("thennow-modes-reveal-{tag}"))
                .await;
        }
        phone_screen(phone, "s-reveal").await;
        let verdict = phone.shown("#rv-verdict").await;
        let right = reveal["answer"] == 2;
        assert_eq!(verdict.starts_with('✓'), right, "{verdict}");
        phone.screenshot("thennow-modes-phone-reveal").await;
        for page in [big, small, phone] {
            page.assert_clean().await;
        }
    });
}
