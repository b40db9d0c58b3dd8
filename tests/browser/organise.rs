//! The organiser's pages in Chromium, on a phone-sized window: a new event
//! from the form, its people table edited in place (saved as typed), and
//! "Host a game" opening the projector page that names the event.

use super::*;

/// Tab: leaves a field, which saves it.
const TAB: &str = "\u{E004}";

#[test]
fn the_organiser_makes_an_event_edits_it_in_place_and_hosts_it() {
    browser_test("organise", |b| async move {
        // Listening on 127.0.0.1 without a password: this computer organises.
        let server = TestServer::builder().in_process().start();
        let page = b.open("organiser", Size::Phone).await;
        page.goto(&server.url("/organise")).await;
        page.type_into("#event-title", "Lincoln High 1986").await;
        page.click("#new-event button").await;
        page.wait(
            "the event's page",
            "document.getElementById('r-title') && \
             document.getElementById('r-title').textContent === 'Lincoln High 1986'",
        )
        .await;
        let id = page
            .js("return document.getElementById('reunion').dataset.id")
            .await;
        let id = id.as_str().unwrap().to_string();
        for (i, name) in ["Ann Archer", "Bea Baker", "Cy Cole", "Di Dunn"]
            .iter()
            .enumerate()
        {
            let mut person = pictured(name, i);
            person["gender"] = json!("f");
            add_person(&server, &id, person).await;
        }
        page.reload().await;
        page.wait(
            "four rows with thumbnails",
            "document.querySelectorAll('#people-rows img.thumb').length === 4",
        )
        .await;
        // Settings: who I am, and in-memoriam classmates out by default.
        page.click("#settings summary").await;
        page.type_into("#my-name", "Maria").await;
        page.click("#set-memoriam").await;
        page.click("#settings-form button").await;
        page.wait(
            "settings saved",
            "document.getElementById('r-msg').textContent === 'Settings saved.'",
        )
        .await;
        let (_, r) = server
            .get_json(&format!("/api/organise/reunions/{id}"))
            .await;
        assert_eq!(r["reunion"]["memoriam_default"], false, "{r}");
        page.type_into(
            "#people-rows tr:first-child td:nth-child(3) input",
            &format!("Annie{TAB}"),
        )
        .await;
        page.wait(
            "saved",
            "document.getElementById('r-msg').textContent === 'Saved.'",
        )
        .await;
        let (_, r) = server
            .get_json(&format!("/api/organise/reunions/{id}"))
            .await;
        assert_eq!(r["people"][0]["known_as"], "Annie", "{r}");
        assert_eq!(r["people"][0]["version"], 2, "{r}");
        assert_eq!(r["people"][0]["updated_by"], "Maria", "{r}");
        // The table fits a phone: it scrolls inside its box, not the page.
        assert_eq!(
            page.js("return document.documentElement.scrollWidth <= innerWidth")
                .await,
            json!(true),
            "no sideways scrolling of the page at 390 px"
        );
        page.screenshot("organise-event-phone").await;

        // Not an image: refused in the uploads' words, and nobody is left
        // added without a photo.
        let files = tempfile::tempdir().unwrap();
        let junk = files.path().join("Eve Evans.png");
        std::fs::write(&junk, vec![7u8; 200 * 1024]).unwrap();
        page.type_into("#add-name", "Eve Evans").await;
        page.type_into("#add-photo", junk.to_str().unwrap()).await;
        page.click("#add-person button").await;
        page.wait(
            "the refusal",
            "document.getElementById('r-msg').textContent.indexOf('was not added') >= 0",
        )
        .await;
        let living = |r: &Value| {
            r["people"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|p| p["deleted"] != true)
                .count()
        };
        let (_, r) = server
            .get_json(&format!("/api/organise/reunions/{id}"))
            .await;
        assert_eq!(living(&r), 4, "{r}");
        // The refusal is the only thing Chromium logged (reading drains it).
        let logged = page.severe_log().await;
        assert!(
            logged.len() == 1 && logged[0]["message"].as_str().unwrap_or("").contains("422"),
            "{logged:?}"
        );

        // A phone's photo (far over the 64 KiB of a JSON body) is taken.
        let photo = files.path().join("Eve.png");
        let bytes = common::noisy_png(1000, 7);
        assert!(bytes.len() > 1024 * 1024, "{} bytes", bytes.len());
        std::fs::write(&photo, bytes).unwrap();
        page.js("document.getElementById('add-name').value = ''")
            .await;
        page.type_into("#add-name", "Eve Evans").await;
        page.type_into("#add-photo", photo.to_str().unwrap()).await;
        page.click("#add-person button").await;
        page.wait(
            "the person added",
            "document.getElementById('r-msg').textContent === 'Eve Evans added.'",
        )
        .await;
        let (_, r) = server
            .get_json(&format!("/api/organise/reunions/{id}"))
            .await;
        assert_eq!(living(&r), 5, "{r}");
        let eve = r["people"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "Eve Evans" && p["deleted"] != true)
            .unwrap();
        assert_eq!(eve["photos"].as_array().map(Vec::len), Some(1), "{eve}");

        page.click("#host-game").await;
        page.wait(
            "the projector page of the new room",
            "location.pathname.indexOf('/host/') >= 0 && document.getElementById('event-title')",
        )
        .await;
        assert_eq!(page.shown("#event-title").await, "Lincoln High 1986");
        page.assert_clean().await;
    });
}

#[test]
fn the_organiser_logs_in_with_the_password_form() {
    browser_test("organise_login", |b| async move {
        let server = TestServer::builder()
            .arg("--admin-password")
            .arg("correct horse")
            .in_process()
            .start();
        let page = b.open("organiser", Size::Phone).await;
        page.goto(&server.url("/organise")).await;
        page.type_into("#password", &format!("wrong{ENTER}")).await;
        page.wait(
            "the form saying so",
            "document.body.innerText.indexOf('not the organiser password') >= 0",
        )
        .await;
        page.type_into("#password", &format!("correct horse{ENTER}"))
            .await;
        page.wait(
            "the organiser's start page",
            "document.querySelector('h1') && document.querySelector('h1').textContent === 'Your events'",
        )
        .await;
        // The cookie is HttpOnly: no script on the page can read it.
        assert_eq!(page.js("return document.cookie").await, json!(""));
        // The login page itself answers 401 (Chromium logs that): no script
        // error is what counts.
        page.assert_no_page_errors().await;
    });
}
