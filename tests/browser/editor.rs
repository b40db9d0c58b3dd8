//! The roster editor in Chromium: a name edited and a person deleted on
//! the event page, both undone (the button, and Ctrl+Z outside a text
//! field), each undo a saved change that a reload still shows.

use super::*;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};

/// Tab: leaves a field, which saves it.
const TAB: &str = "\u{E004}";
/// WebDriver's Control key (held until [`NULL`]).
const CONTROL: &str = "\u{E009}";
/// Releases held modifier keys.
const NULL: &str = "\u{E000}";

/// Ctrl+Z on whatever has the focus, as a keyboard would.
async fn ctrl_z(page: &Page) {
    let control = '\u{E009}';
    let keys = KeyActions::new("keyboard".to_string())
        .then(KeyAction::Down { value: control })
        .then(KeyAction::Down { value: 'z' })
        .then(KeyAction::Up { value: 'z' })
        .then(KeyAction::Up { value: control });
    page.c.perform_actions(keys).await.expect("Ctrl+Z");
}

/// The people as the server has them: `(name, deleted)` in id order.
async fn people(server: &TestServer, id: &str) -> Vec<(String, bool)> {
    let (status, r) = server
        .get_json(&format!("/api/organise/reunions/{id}"))
        .await;
    assert_eq!(status, 200, "{r}");
    r["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_string(),
                p["deleted"].as_bool().unwrap(),
            )
        })
        .collect()
}

fn msg_is(text: &str) -> String {
    format!(
        "document.getElementById('r-msg').textContent === {}",
        js_str(text)
    )
}

#[test]
fn the_organiser_edits_a_name_deletes_a_person_and_undoes_both() {
    browser_test("editor", |b| async move {
        // Listening on 127.0.0.1 without a password: this computer organises.
        let server = TestServer::builder().in_process().start();
        let id = new_event(&server, "Undo High").await.to_string();
        for (i, name) in ["Ann Archer", "Bea Baker", "Cy Cole"].iter().enumerate() {
            let mut person = pictured(name, i);
            person["gender"] = json!("f");
            add_person(&server, &id, person).await;
        }
        let page = event_page(&b, &server, &id, 3).await;
        assert_eq!(
            page.js("return document.getElementById('undo').disabled")
                .await,
            json!(true),
            "nothing to undo yet"
        );

        // A name typed over (select all, type, leave the field), then a delete.
        page.type_into(
            "#people-rows tr:first-child td:nth-child(2) input",
            &format!("{CONTROL}a{NULL}Annie Zed{TAB}"),
        )
        .await;
        page.wait("saved", &msg_is("Saved.")).await;
        page.click("#people-rows tr:nth-child(2) td:last-child button")
            .await;
        page.wait("deleted", &msg_is("Bea Baker deleted.")).await;
        page.wait(
            "the row struck through",
            "document.querySelector('#people-rows tr:nth-child(2)').className === 'deleted'",
        )
        .await;
        assert_eq!(
            people(&server, &id).await,
            vec![
                ("Annie Zed".to_string(), false),
                ("Bea Baker".to_string(), true),
                ("Cy Cole".to_string(), false),
            ]
        );
        assert_eq!(page.shown("#undo").await, "Undo: deleting Bea Baker");
        page.screenshot("editor-phone").await;

        // Ctrl+Z (the focus on no text field) undoes the delete, saved.
        page.js("document.activeElement && document.activeElement.blur()")
            .await;
        ctrl_z(&page).await;
        page.wait("undone", &msg_is("Undone: deleting Bea Baker."))
            .await;
        assert_eq!(page.shown("#undo").await, "Undo: the name of Ann Archer");
        // The button undoes the rename.
        page.click("#undo").await;
        page.wait("undone", &msg_is("Undone: the name of Ann Archer."))
            .await;
        page.wait(
            "nothing left to undo",
            "document.getElementById('undo').disabled === true",
        )
        .await;

        // A photo turned a quarter, and turned back by Undo.
        page.js("document.querySelector('.table-wrap').scrollLeft = 0")
            .await;
        page.click("#people-rows tr:first-child .rotate").await;
        page.wait("turned", &msg_is("Photo turned.")).await;
        assert_eq!(
            page.shown("#undo").await,
            "Undo: turning Ann Archer\u{2019}s photo"
        );
        page.screenshot("editor-turned-phone").await;
        page.click("#undo").await;
        page.wait(
            "turned back",
            &msg_is("Undone: turning Ann Archer\u{2019}s photo."),
        )
        .await;

        // Someone else changes a person after this page did: Undo leaves
        // their change alone and says who made it.
        page.click("#people-rows tr:nth-child(3) td:last-child button")
            .await;
        page.wait("deleted", &msg_is("Cy Cole deleted.")).await;
        let (_, r) = server
            .get_json(&format!("/api/organise/reunions/{id}"))
            .await;
        let cy = &r["people"][2];
        let r = server
            .http
            .patch(server.url(&format!("/api/organise/reunions/{id}/people/{}", cy["id"])))
            .json(&json!({"version": cy["version"], "known_as": "Cyclone", "by": "Tom"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        page.click("#undo").await;
        page.wait(
            "the undo refused in words",
            "document.getElementById('r-msg').textContent.indexOf('Tom changed Cy Cole after you') === 0",
        )
        .await;

        // Saved: a reload (and the server) shows the class as it was.
        page.reload().await;
        page.wait(
            "the first name back",
            "document.querySelector('#people-rows tr:first-child td:nth-child(2) input').value === 'Ann Archer'",
        )
        .await;
        assert_eq!(
            page.js("return document.querySelectorAll('#people-rows tr.deleted').length")
                .await,
            json!(1)
        );
        assert_eq!(
            people(&server, &id).await,
            vec![
                ("Ann Archer".to_string(), false),
                ("Bea Baker".to_string(), false),
                ("Cy Cole".to_string(), true),
            ]
        );
        let (_, r) = server
            .get_json(&format!("/api/organise/reunions/{id}"))
            .await;
        assert_eq!(
            r["people"][0]["version"], 5,
            "rename, turn and their undos: {r}"
        );
        assert_eq!(r["people"][1]["version"], 3, "delete and its undo: {r}");
        page.assert_clean().await;
    });
}
