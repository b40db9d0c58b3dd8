//! Then & now per event (issue 21) in Chromium: the organiser switches it
//! off and sets the days photos of today are kept on the event's page; a
//! phone in a room of that event shows no "I'm…" nor photo step, and a
//! phone of an event with it on says the event's days.

use super::*;

/// Tab: leaves a field, which saves it.
const TAB: &str = "\u{E004}";

/// The event page's status line says `want`.
fn says(want: &str) -> String {
    format!("document.getElementById('r-msg').textContent === {want:?}")
}

/// A new event with four classmates with photos; its id.
async fn event(server: &TestServer, title: &str) -> u64 {
    let id = new_event(server, title).await;
    for (i, name) in ["Ann Archer", "Bea Baker", "Cid Cole", "Dot Dean"]
        .iter()
        .enumerate()
    {
        add_person(server, id, pictured(name, i)).await;
    }
    id
}

/// A room of event `id`; its code.
async fn room_of(server: &TestServer, id: u64) -> String {
    let (status, r) = server
        .post_json("/api/rooms", &json!({"reunion": id}))
        .await;
    assert_eq!(status, 201, "{r}");
    r["code"].as_str().expect("code").to_string()
}

/// Whether an element is on screen (not hidden itself or inside a hidden one).
fn shown_js(id: &str) -> String {
    format!("return document.getElementById({id:?}).offsetParent !== null")
}

#[test]
fn an_event_without_then_and_now_shows_no_steps_and_the_form_saves_both_settings() {
    browser_test("thennow_settings", |b| async move {
        // Listening on 127.0.0.1 without a password: this computer organises.
        let server = TestServer::builder().in_process().start();
        let off = event(&server, "Lincoln High").await;
        let on = event(&server, "Roosevelt High").await;
        let page = b.open("organiser", Size::Phone).await;
        page.goto(&server.url(&format!("/organise/reunions/{off}")))
            .await;
        page.click("#settings summary").await;
        assert_eq!(
            page.js("return document.getElementById('set-thennow').checked")
                .await,
            json!(true),
            "on by default"
        );
        assert_eq!(
            page.js("return document.getElementById('set-keep-days').value")
                .await,
            json!("30")
        );
        page.click("#set-thennow").await;
        page.wait("switched off", &says("Saved: the then & now setting."))
            .await;
        page.js("document.getElementById('set-keep-days').value = ''")
            .await;
        page.type_into("#set-keep-days", &format!("400{TAB}")).await;
        page.wait(
            "the refusal in a sentence",
            "document.getElementById('r-msg').textContent.indexOf('1 to 365 days') >= 0",
        )
        .await;
        page.js("document.getElementById('set-keep-days').value = ''")
            .await;
        page.type_into("#set-keep-days", &format!("7{TAB}")).await;
        page.wait(
            "the days saved",
            &says("Saved: the days to keep photos of today."),
        )
        .await;
        let (_, r) = server
            .get_json(&format!("/api/organise/reunions/{off}"))
            .await;
        assert_eq!(r["reunion"]["then_now"], false, "{r}");
        assert_eq!(r["reunion"]["today_keep_days"], 7, "{r}");
        page.reload().await;
        page.click("#settings summary").await;
        assert_eq!(
            page.js("return [document.getElementById('set-thennow').checked, \
                     document.getElementById('set-keep-days').value]")
                .await,
            json!([false, "7"]),
            "as saved after a reload"
        );
        assert_eq!(
            page.js("return document.documentElement.scrollWidth <= innerWidth")
                .await,
            json!(true),
            "no sideways scrolling at 390 px"
        );
        page.js("document.getElementById('set-thennow').scrollIntoView()")
            .await;
        page.screenshot("thennow-settings-form").await;
        // The refused save was logged by the browser; nothing else.
        let logged = page.severe_log().await;
        assert!(
            logged
                .iter()
                .all(|e| e["message"].as_str().unwrap_or("").contains("400")),
            "{logged:?}"
        );

        // A phone in a room of the event switched off: no then & now steps.
        let phone = b.open("phone", Size::Phone).await;
        let code = room_of(&server, off).await;
        phone.goto(&server.url(&format!("/join/{code}"))).await;
        enter_name(&phone, "Kev").await;
        for id in ["claim-box", "today-box", "claim-more", "today-more"] {
            assert_eq!(phone.js(&shown_js(id)).await, json!(false), "{id}");
        }
        phone.screenshot("thennow-off-phone").await;
        phone.assert_clean().await;

        // Through /join without a code, an event with it on: the steps come
        // once the phone is in, with that event's days.
        let r = server
            .http
            .patch(server.url(&format!("/api/organise/reunions/{on}")))
            .json(&json!({"today_keep_days": 12}))
            .send()
            .await
            .expect("PATCH");
        assert_eq!(r.status().as_u16(), 200);
        let code = room_of(&server, on).await;
        let other = b.open("phone2", Size::Phone).await;
        other.goto(&server.url("/join")).await;
        assert_eq!(other.js(&shown_js("today-box")).await, json!(false));
        other.type_into("#name", "Dot").await;
        other.type_into("#room", &format!("{code}\u{E007}")).await;
        other
            .wait(
                "the steps shown once in",
                "document.getElementById('today-box').offsetParent !== null && \
                 document.getElementById('claim-box').offsetParent !== null",
            )
            .await;
        assert_eq!(
            other
                .js("return document.getElementById('today-days').textContent")
                .await,
            json!("12"),
            "the consent line says the event's days"
        );
        other.assert_clean().await;
    });
}
