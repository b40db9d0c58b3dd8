//! Then & now (issue 21) on a phone in Chromium: after joining, the guest
//! finds themselves in the class list ("I'm…", accents and case ignored),
//! says so, can take it back, and when a question is about them the phone
//! says "That's you!" and offers nothing to tap. The host is a WebSocket
//! client here.

use super::*;
use common::connect_host;

/// A generated "today" face (an oval on a background), 400×300 pixels
/// marked by EXIF as turned: the server must stand it upright.
fn today_jpeg() -> Vec<u8> {
    let img = image::RgbImage::from_fn(400, 300, |x, y| {
        let (dx, dy) = (x as f64 - 200.0, y as f64 - 150.0);
        if (dx / 110.0).powi(2) + (dy / 90.0).powi(2) < 1.0 {
            image::Rgb([224, 180, 150])
        } else {
            image::Rgb([60, 90, 140])
        }
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .encode_image(&img)
        .unwrap();
    let mut app1 = b"Exif\0\0II\x2a\0\x08\0\0\0\x01\0".to_vec();
    app1.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0]);
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// The classmate the phone says it is (`data/demo`: an apostrophe).
const ME: &str = "Kevin O'Neil";

#[test]
fn a_guest_says_who_they_are_and_watches_the_question_about_themselves() {
    browser_test("thennow", |b| async move {
        let people = &[("phone", Size::Phone), ("host", Size::Projector720)];
        let (_class, server, pages) = setup(&b, None, people).await;
        let [phone, projector] = &pages[..] else {
            unreachable!()
        };
        // Every classmate once, so one of the rounds asks about ME.
        let room = new_room(&server, CLASS.len() as u32).await;
        let code = room["code"].as_str().expect("code");
        let mut host = connect_host(&server, code, room["host_key"].as_str().expect("key")).await;
        projector
            .goto(room["host_url"].as_str().expect("host_url"))
            .await;
        host_ready(projector).await;
        phone
            .goto(room["join_url"].as_str().expect("join_url"))
            .await;
        enter_name(phone, "Kev").await;

        // Skippable: the waiting screen works without it; typed in any case
        // and without the apostrophe, the name is found.
        // Folded until asked for, so the waiting screen fits a big font.
        phone.click("#claim-more > summary").await;
        phone.type_into("#claim-q", "KEVIN ON").await;
        phone
            .wait(
                "the search's answer",
                &format!(
                    "Array.from(document.querySelectorAll('.claim-pick')).some(function (b) {{ \
                       return seen(b).indexOf({}) >= 0; }})",
                    js_str(ME)
                ),
            )
            .await;
        phone.screenshot("thennow-phone-claim-search").await;
        phone.click(".claim-pick").await;
        wait_eq(
            phone,
            "the phone's claim",
            "return seen('#claim-now')",
            json!(format!("You are {ME}.")),
        )
        .await;
        assert_eq!(phone.shown("#claim-undo").await, "That’s not me");
        phone.screenshot("thennow-phone-claimed").await;
        // Taken back and said again: the host's list follows.
        phone.click("#claim-undo").await;
        wait_eq(phone, "no claim", "return seen('#claim-now')", json!("")).await;
        phone.type_into("#claim-q", "o'neil").await;
        phone
            .wait("the search again", "document.querySelector('.claim-pick')")
            .await;
        phone.click(".claim-pick").await;
        wait_eq(
            phone,
            "the phone's claim again",
            "return seen('#claim-now')",
            json!(format!("You are {ME}.")),
        )
        .await;
        let mut listed = false;
        for _ in 0..20 {
            let lobby = host.recv_type("lobby").await;
            if lobby["players"][0]["claim"]["name"] == ME {
                listed = true;
                break;
            }
        }
        assert!(listed, "the host's list shows the claim");
        projector
            .wait(
                "the projector's who is who",
                &format!(
                    "seen('#claims-list') === {}",
                    js_str(&format!("Kev is {ME}\nUndo"))
                ),
            )
            .await;

        // Today's photo: picked from the gallery (a generated face, turned
        // by its EXIF), previewed, then sent.
        let dir = tempfile::tempdir().unwrap();
        let today = dir.path().join("today.jpg");
        std::fs::write(&today, today_jpeg()).unwrap();
        phone.click("#today-more > summary").await;
        assert!(
            phone
                .shown("#today-consent")
                .await
                .contains("deleted when the organiser ends the event, at the latest after 30 days"),
            "the consent line"
        );
        phone
            .find("#today-gallery")
            .await
            .send_keys(today.to_str().unwrap())
            .await
            .expect("picking the photo");
        phone
            .wait("the preview", "seen('#today-use') === 'Use this photo' && document.getElementById('today-preview').src.indexOf('blob:') === 0")
            .await;
        assert_eq!(phone.shown("#today-camera-btn").await, "Retake");
        phone.screenshot("thennow-phone-photo-preview").await;
        phone.click("#today-use").await;
        wait_eq(
            phone,
            "the photo sent",
            "return seen('#today-msg')",
            json!("Your photo is in. Thank you!"),
        )
        .await;
        let src = phone
            .js("return document.getElementById('today-preview').getAttribute('src')")
            .await;
        let src = src.as_str().expect("the preview's src").to_string();
        assert!(
            src.contains("/today/") && src.ends_with("-thumb.jpg"),
            "{src}"
        );
        let shown = server.fetch_bytes(&src).await;
        let img = image::load_from_memory(&shown).unwrap();
        assert_eq!((img.width(), img.height()), (192, 240), "upright, 4:5");
        phone.screenshot("thennow-phone-photo-sent").await;
        // An iPhone HEIC is refused in a sentence; the photo sent stays.
        let heic = dir.path().join("IMG_0001.HEIC");
        let mut bytes = vec![0, 0, 0, 24];
        bytes.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
        bytes.resize(4096, 0);
        std::fs::write(&heic, bytes).unwrap();
        phone
            .find("#today-gallery")
            .await
            .send_keys(heic.to_str().unwrap())
            .await
            .expect("picking");
        phone
            .wait("the preview", "seen('#today-use') === 'Use this photo'")
            .await;
        phone.click("#today-use").await;
        phone
            .wait(
                "the HEIC refusal",
                "seen('#today-msg').indexOf('HEIC') >= 0",
            )
            .await;
        // The projector's lobby counts it, and hides it with one click.
        projector
            .wait(
                "the photo counted",
                "seen('#today-count') === '1' && !!document.querySelector('.today-hide')",
            )
            .await;
        projector.screenshot("thennow-host-lobby-photos").await;
        projector.click(".today-hide").await;
        projector
            .wait(
                "the photo hidden",
                "seen('#today-count') === '0' && !document.querySelector('.today-hide')",
            )
            .await;
        let hidden = reqwest::get(server.abs(&src)).await.unwrap().status();
        assert_eq!(hidden.as_u16(), 404, "gone from the game at once");
        // The guest sees why after a reload, and deletes it for good.
        phone.reload().await;
        phone_screen(phone, "s-wait").await;
        phone
            .wait(
                "the host's word",
                "seen('#today-msg') === 'The host took your photo out of the game.'",
            )
            .await;
        phone.click("#today-delete").await;
        wait_eq(
            phone,
            "deleted",
            "return seen('#today-msg')",
            json!("Your photo is deleted."),
        )
        .await;

        // Round after round until the question is about ME.
        let mut about_me = false;
        for _ in 0..CLASS.len() {
            host.send(json!({"type":"start_round"})).await;
            let round = host.recv_type("round").await;
            let r = round["round"].as_u64().expect("round");
            phone_screen(phone, "s-question").await;
            if round["prompt"]["name"] == ME {
                assert_its_you(phone).await;
                phone.screenshot("thennow-phone-its-you").await;
                host.send(json!({"type":"reveal"})).await;
                host.recv_type("reveal").await;
                phone_screen(phone, "s-reveal").await;
                wait_eq(
                    phone,
                    "the reveal",
                    "return seen('#rv-verdict')",
                    json!("That’s you!"),
                )
                .await;
                about_me = true;
                break;
            }
            host.send(json!({"type":"reveal"})).await;
            let reveal = host.recv_type("reveal").await;
            assert_eq!(reveal["round"], r);
            phone_screen(phone, "s-reveal").await;
        }
        assert!(about_me, "one of the rounds asked about {ME}");
        // Not `assert_clean`: the HEIC's 415 is logged by Chromium, as meant.
        phone.assert_no_page_errors().await;
    });
}
