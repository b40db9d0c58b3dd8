//! Scanned class pages in the organiser's event in Chromium (issue 23),
//! on a phone-wide window under a base path: two generated pages are
//! picked, their boxes drawn over them with the names read; one box is
//! dragged with the mouse, one nudged with the arrow keys, one name typed
//! and one taken from the name list's close match; "Add to the class"
//! makes them people, and a game hosted from the event is played a round
//! on two phones.

use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
use yearbook::pages::generate;

use super::journey::host_from_event;
use super::*;

/// The pages' boxes as the server keeps them: `[[x0, y0, x1, y1, name], …]` a page.
async fn saved(server: &TestServer, id: &str) -> Saved {
    let (status, r) = server
        .get_json(&format!("/api/organise/reunions/{id}/pages"))
        .await;
    assert_eq!(status, 200, "{r}");
    r["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            p["boxes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| {
                    let n = |k: &str| b[k].as_u64().unwrap();
                    (
                        n("x0"),
                        n("y0"),
                        n("x1"),
                        n("y1"),
                        b["name"].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        })
        .collect()
}

type Saved = Vec<Vec<(u64, u64, u64, u64, String)>>;

/// Waits until the server's pages are as `want` says.
async fn until_pages(
    server: &TestServer,
    id: &str,
    what: &str,
    want: impl Fn(&Saved) -> bool,
) -> Saved {
    for _ in 0..100 {
        let pages = saved(server, id).await;
        if want(&pages) {
            return pages;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{what}: not saved: {:?}", saved(server, id).await);
}

/// Waits until the server has `want` for box `n` of the first page.
async fn until_saved(
    server: &TestServer,
    id: &str,
    n: usize,
    what: &str,
    want: impl Fn(&(u64, u64, u64, u64, String)) -> bool,
) -> Saved {
    until_pages(server, id, what, |pages| {
        pages.first().and_then(|p| p.get(n)).is_some_and(&want)
    })
    .await
}

/// Drags the box `css` by (`dx`, `dy`) CSS pixels with the mouse (or its
/// corner handle), as a hand does.
async fn drag(page: &Page, css: &str, dx: f64, dy: f64) {
    page.js_with(
        "document.querySelector(arguments[0]).scrollIntoView({block: 'center'}); return true",
        vec![json!(css)],
    )
    .await;
    let el = page.find(css).await;
    let hand = MouseActions::new("mouse".to_string())
        .then(PointerAction::MoveToElement {
            element: el,
            duration: Some(std::time::Duration::from_millis(50)),
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::MoveBy {
            duration: Some(std::time::Duration::from_millis(150)),
            x: dx / 2.0,
            y: dy / 2.0,
        })
        .then(PointerAction::MoveBy {
            duration: Some(std::time::Duration::from_millis(150)),
            x: dx / 2.0,
            y: dy / 2.0,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    page.c.perform_actions(hand).await.expect("the drag");
    page.c.release_actions().await.expect("the mouse let go");
}

#[test]
fn the_organiser_turns_scanned_pages_into_a_class_and_hosts_it() {
    if !common::tesseract_or_skip() {
        return;
    }
    browser_test("pages_flow", |b| async move {
        let browsers = tokio::spawn({
            let b = b.clone();
            async move {
                b.open_all(&[
                    ("organiser", Size::Phone),
                    ("phone-1", Size::Phone),
                    ("phone-2", Size::Phone),
                    ("laptop", Size::Projector720),
                    ("big-font", Size::PhoneLargeFont),
                ])
                .await
            }
        });
        // Two generated pages (one turned, one halftoned) in a folder, the
        // second as TIFF, as a scanner may save it.
        let dir = tempfile::tempdir().unwrap();
        let font = generate::serif_font().expect("a serif font");
        let names = generate::sample_names();
        let portraits = yearbook::roster::load::demo_portraits();
        let mut files = Vec::new();
        let mut printed = Vec::new();
        for n in 0..2 {
            let spec = generate::sample_spec(n, &names, &portraits);
            let count = (spec.columns * spec.rows) as usize;
            printed.extend(spec.names[..count].iter().cloned());
            let kind = if n == 0 { "png" } else { "tiff" };
            let file = dir.path().join(format!("senior-{}.{kind}", n + 1));
            generate::page(&spec, &font).save(&file).unwrap();
            files.push(file.to_str().unwrap().to_string());
        }
        let server = TestServer::builder().base_path("/yb").in_process().start();
        let pages = browsers.await.expect("browsers");
        let [org, phone1, phone2, laptop, big] = &pages[..] else {
            unreachable!()
        };
        let title = "Pages High, class of 1986";
        let (status, r) = server
            .post_json("/api/organise/reunions", &json!({"title": title}))
            .await;
        assert_eq!(status, 201, "{r}");
        let id = r["id"].to_string();
        org.goto(&server.url(&format!("/organise/reunions/{id}")))
            .await;
        org.wait("the pages section", "!!document.getElementById('cp-pick')")
            .await;
        // The picker offers TIFF and PDF scans too.
        let accept = org
            .js("return document.getElementById('cp-pick').accept")
            .await;
        for kind in [".png", ".jpg", ".tif", ".tiff", ".pdf"] {
            assert!(
                accept.as_str().unwrap_or_default().contains(kind),
                "{accept}"
            );
        }

        // The name list, pasted, has one name spelled a little otherwise.
        let listed = format!("{}e", printed[5]);
        let list: Vec<String> = printed
            .iter()
            .enumerate()
            .map(|(i, n)| if i == 5 { listed.clone() } else { n.clone() })
            .collect();
        org.type_into("#nl-text", &list.join("\n")).await;

        // 1. Both pages picked at once; each is read in turn.
        org.find("#cp-pick")
            .await
            .send_keys(&files.join("\n"))
            .await
            .expect("picking the pages");
        org.wait_for(
            "both pages read, their boxes drawn",
            &format!(
                "document.querySelectorAll('.cp-page').length === 2 && \
                 document.querySelectorAll('.cp-box').length === {} && \
                 Array.from(document.querySelectorAll('.cp-stage img'))\
                   .every(function (i) {{ return i.complete && i.naturalWidth > 0; }})",
                printed.len()
            ),
            std::time::Duration::from_secs(90),
        )
        .await;
        let read: Vec<String> = serde_json::from_value(
            org.js("return Array.from(document.querySelectorAll('.cp-name')).map(function (i) { return i.value; })")
                .await,
        )
        .unwrap();
        assert_eq!(read, printed, "every name read under its box");
        let captions: Vec<String> = serde_json::from_value(
            org.js("return Array.from(document.querySelectorAll('.cp-caption')).map(function (c) { return c.textContent; })")
                .await,
        )
        .unwrap();
        assert_eq!(captions, printed, "the names over the page, under each box");
        assert_eq!(
            org.js("return document.documentElement.scrollWidth <= innerWidth")
                .await,
            json!(true),
            "the pages fit 390 px"
        );
        // The close match from the name list, offered beside the name read.
        org.wait(
            "the list's close match offered",
            "!!document.querySelector('.cp-item[data-n=\"5\"] .cp-use')",
        )
        .await;
        let before = saved(&server, &id).await;
        org.js("document.querySelector('.cp-page').scrollIntoView(); return true")
            .await;
        org.screenshot("pages-flow-1-read").await;

        // 2. Box 1 dragged with the mouse, 20 × 10 px on the screen.
        drag(org, ".cp-page .cp-box[data-n=\"0\"]", 20.0, 10.0).await;
        let (x0, y0, x1, y1, _) = before[0][0].clone();
        let moved = until_saved(&server, &id, 0, "the dragged box", |b| b.0 > x0).await;
        let after = &moved[0][0];
        assert!(after.1 > y0, "moved down too: {after:?}");
        assert_eq!(
            (after.2 - after.0, after.3 - after.1),
            (x1 - x0, y1 - y0),
            "moved, not resized"
        );
        // Box 2 resized by its corner handle.
        drag(
            org,
            ".cp-page .cp-box[data-n=\"1\"] .cp-handle",
            -12.0,
            -12.0,
        )
        .await;
        let b2 = before[0][1].clone();
        until_saved(&server, &id, 1, "the resized box", |b| {
            b.0 == b2.0 && b.1 == b2.1 && b.2 < b2.2 && b.3 < b2.3
        })
        .await;
        // Box 3 chosen with the keyboard and nudged right with an arrow.
        org.js("document.querySelector('.cp-page .cp-box[data-n=\"2\"]').focus(); return true")
            .await;
        org.press('\u{E014}').await;
        let b3 = before[0][2].clone();
        until_saved(&server, &id, 2, "the nudged box", |b| {
            b.0 > b3.0 && b.1 == b3.1 && b.2 - b.0 == b3.2 - b3.0
        })
        .await;
        // Enter on a box goes to its name; a name typed.
        org.press('\u{E007}').await;
        assert_eq!(
            org.js("return document.activeElement.id").await,
            json!(format!("cp-name-{}-2", r_page_id(&server, &id).await))
        );
        let typed = "Zoë Typed-In";
        let input = org.find(".cp-page .cp-item[data-n=\"3\"] .cp-name").await;
        input.clear().await.expect("clearing the name");
        input.send_keys(typed).await.expect("typing the name");
        until_saved(&server, &id, 3, "the typed name", |b| b.4 == typed).await;
        // The list's spelling, taken with one click.
        org.click(".cp-item[data-n=\"5\"] .cp-use").await;
        until_saved(&server, &id, 5, "the list's spelling", |b| b.4 == listed).await;
        org.js("document.querySelector('.cp-box[data-n=\"0\"]').scrollIntoView({block: 'center'}); return true")
            .await;
        org.screenshot("pages-flow-2-fixed").await;

        // On page 2: a box added (it takes the focus) and dropped with
        // the Delete key; box 1 and box 2 joined as one person.
        let second = ".cp-page:nth-child(2)";
        let page2_first = before[0].len();
        let page2 = before[1].clone();
        org.click(&format!("{second} .cp-add")).await;
        until_pages(&server, &id, "the added box", |p| {
            p[1].len() == page2.len() + 1
        })
        .await;
        assert_eq!(
            org.js("return document.activeElement.dataset.n").await,
            json!(page2.len().to_string()),
            "the new box has the focus"
        );
        org.press('\u{E017}').await;
        until_pages(&server, &id, "the dropped box", |p| {
            p[1].len() == page2.len()
        })
        .await;
        org.find(&format!("{second} .cp-item[data-n=\"0\"] .cp-merge"))
            .await
            .select_by_value("1")
            .await
            .expect("choosing box 2");
        let joined = until_pages(&server, &id, "the joined boxes", |p| {
            p[1].len() == page2.len() - 1
        })
        .await;
        let (a, b) = (&page2[0], &page2[1]);
        assert_eq!(
            joined[1][0],
            (
                a.0.min(b.0),
                a.1.min(b.1),
                a.2.max(b.2),
                a.3.max(b.3),
                a.4.clone()
            ),
            "one box over both, with the first one's name"
        );
        assert_eq!(joined[1][1..], page2[2..]);

        // A laptop sees the same pages, wider; a phone at its largest
        // font, with nothing sideways either.
        for (window, what) in [(laptop, "laptop"), (big, "big-font")] {
            window
                .goto(&server.url(&format!("/organise/reunions/{id}")))
                .await;
            window
                .wait(
                    &format!("the pages on the {what} window"),
                    &format!(
                        "document.querySelectorAll('.cp-box').length === {} && \
                         Array.from(document.querySelectorAll('.cp-stage img'))\
                           .every(function (i) {{ return i.complete && i.naturalWidth > 0; }})",
                        printed.len() - 1
                    ),
                )
                .await;
            let wider = window
                .js("return Array.from(document.querySelectorAll('#class-pages, #class-pages *')).filter(function (e) { \
                       return e.getBoundingClientRect().right > innerWidth + 0.5; }).map(function (e) { \
                       return e.tagName + '.' + e.className + '#' + e.id; })")
                .await;
            assert_eq!(wider, json!([]), "the section fits the {what} window");
            window
                .js("document.querySelector('.cp-item').scrollIntoView(); return true")
                .await;
            window.screenshot(&format!("pages-flow-2-{what}")).await;
        }

        // 3. Into the class: every box a person with its photo.
        org.click("#cp-roster").await;
        org.wait_for(
            "the people added",
            &format!(
                "seen('#cp-msg') === {} && \
                 document.querySelectorAll('#people-rows tr').length === {}",
                js_str(&format!(
                    "{} portraits went into the class.",
                    printed.len() - 1
                )),
                printed.len() - 1
            ),
            std::time::Duration::from_secs(60),
        )
        .await;
        let (_, event) = server
            .get_json(&format!("/api/organise/reunions/{id}"))
            .await;
        let mut got: Vec<String> = event["people"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                assert_eq!(p["photos"].as_array().unwrap().len(), 1, "{p}");
                p["name"].as_str().unwrap().to_string()
            })
            .collect();
        let mut want = printed.clone();
        want[3] = typed.to_string();
        want[5] = listed.clone();
        // Page 2's box 2 went into its box 1.
        want.remove(page2_first + 1);
        got.sort();
        want.sort();
        assert_eq!(got, want);
        assert_eq!(
            org.js("return document.querySelectorAll('.cp-page').length")
                .await,
            json!(0),
            "no page waits any more"
        );
        org.js("document.getElementById('people').scrollIntoView(); return true")
            .await;
        org.screenshot("pages-flow-3-class").await;

        // 4. A game hosted from the event, a round played on two phones.
        let (code, _key) = host_from_event(org, title).await;
        let join_url = server.url(&format!("/join/{code}"));
        let players = ["Dana", "Élodie"];
        for (phone, name) in [phone1, phone2].into_iter().zip(players) {
            phone.goto(&join_url).await;
            enter_name(phone, name).await;
        }
        host_lobby_is(org, &players).await;
        org.click("#start-btn").await;
        host_phase(org, "question").await;
        let asked = org.shown("#q-name").await;
        assert!(want.contains(&asked), "the round asks for {asked:?}");
        for (i, phone) in [phone1, phone2].into_iter().enumerate() {
            phone_tiles(phone).await;
            tap(phone, i).await;
        }
        host_phase(org, "reveal").await;
        org.screenshot("pages-flow-4-reveal").await;
        phone1.screenshot("pages-flow-4-phone").await;
        for p in &pages {
            p.assert_clean().await;
        }
    });
}

/// The first page's id, as the server has it.
async fn r_page_id(server: &TestServer, id: &str) -> u64 {
    let (_, r) = server
        .get_json(&format!("/api/organise/reunions/{id}/pages"))
        .await;
    r["pages"][0]["id"].as_u64().unwrap()
}
