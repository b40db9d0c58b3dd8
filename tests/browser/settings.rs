//! An event's settings on its page in Chromium, on a phone-sized window:
//! each saved as it changes, a guest code a phone cannot type refused in a
//! sentence under its box.

use super::*;

/// Tab: leaves a field, which saves it.
const TAB: &str = "\u{E004}";

/// The page's status line says `want`.
fn says(want: &str) -> String {
    format!("document.getElementById('r-msg').textContent === {want:?}")
}

#[test]
fn the_event_settings_save_as_changed_and_a_bad_guest_code_says_why() {
    browser_test("settings", |b| async move {
        // Listening on 127.0.0.1 without a password: this computer organises.
        let server = TestServer::builder().in_process().start();
        let id = new_event(&server, "Lincoln High").await;
        let api = format!("/api/organise/reunions/{id}");
        let page = b.open("organiser", Size::Phone).await;
        page.goto(&server.url(&format!("/organise/reunions/{id}")))
            .await;
        page.click("#settings summary").await;
        assert_eq!(
            page.js("return document.getElementById('set-solo').checked")
                .await,
            json!(false),
            "solo starts closed"
        );

        // A code with a character a phone keyboard lacks: the sentence
        // under the box, nothing saved.
        page.type_into("#set-code", &format!("class/86{TAB}")).await;
        page.wait(
            "the refusal under the box",
            "!document.getElementById('set-code-error').hidden && \
             document.getElementById('set-code-error').textContent.indexOf('letters, digits') >= 0",
        )
        .await;
        assert_eq!(
            page.js("return document.getElementById('set-code').getAttribute('aria-invalid')")
                .await,
            json!("true")
        );
        let (_, r) = server.get_json(&api).await;
        assert_eq!(r["reunion"]["guest_code"], Value::Null, "{r}");
        let refused = page.severe_log().await;
        assert!(
            refused
                .iter()
                .all(|e| e["message"].as_str().unwrap_or("").contains("400")),
            "only the refused save was logged: {refused:?}"
        );

        // Fixed: saved as it is left, and the sentence goes away.
        page.js("document.getElementById('set-code').value = ''")
            .await;
        page.type_into("#set-code", &format!("Class of 86{TAB}"))
            .await;
        page.wait("the code saved", &says("Saved: the guest code."))
            .await;
        assert_eq!(
            page.js("return document.getElementById('set-code-error').hidden")
                .await,
            json!(true)
        );
        page.click("#set-solo").await;
        page.wait("solo saved", &says("Saved: the solo setting."))
            .await;
        let (_, r) = server.get_json(&api).await;
        assert_eq!(r["reunion"]["guest_code"], "Class of 86", "{r}");
        assert_eq!(r["reunion"]["solo_open"], true, "{r}");

        // As saved after a reload; the page fits the phone.
        page.reload().await;
        page.click("#settings summary").await;
        assert_eq!(
            page.js("return document.getElementById('set-code').value")
                .await,
            json!("Class of 86")
        );
        assert_eq!(
            page.js("return document.getElementById('set-solo').checked")
                .await,
            json!(true)
        );
        assert_eq!(
            page.js("return document.documentElement.scrollWidth <= innerWidth")
                .await,
            json!(true),
            "no sideways scrolling at 390 px"
        );
        page.screenshot("event-settings-phone").await;
        page.assert_clean().await;
    });
}
