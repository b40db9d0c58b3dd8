//! Organiser pages under a slow network: quick changes to one row are
//! saved one after the other, each on the version the previous one gave.

use super::*;

#[test]
fn two_quick_changes_to_one_row_are_both_saved_on_a_slow_network() {
    browser_test("fixes2_quick_changes", |b| async move {
        // Listening on 127.0.0.1 without a password: this computer organises.
        let server = TestServer::builder().in_process().start();
        let id = new_event(&server, "Quick").await;
        let v = add_person(&server, id, pictured("Kim Kay", 0)).await;
        assert_eq!(
            (v["in_memoriam"].as_bool(), v["included"].as_bool()),
            (Some(false), Some(true)),
            "{v}"
        );

        let page = b.open("organiser", Size::Phone).await;
        page.goto(&server.url(&format!("/organise/reunions/{id}")))
            .await;
        page.wait(
            "the row",
            "document.querySelectorAll('#people-rows tr input[type=checkbox]').length === 2",
        )
        .await;
        // Venue Wi-Fi: every request takes 400 ms each way.
        page.throttle(400, 1_000_000).await;
        // In memoriam, then Included, before the first answer is back.
        page.js(
            "var boxes = document.querySelectorAll('#people-rows tr input[type=checkbox]'); \
             boxes[0].click(); boxes[1].click(); return true",
        )
        .await;
        let mut person = Value::Null;
        for _ in 0..60 {
            let (_, r) = server
                .get_json(&format!("/api/organise/reunions/{id}"))
                .await;
            person = r["people"][0].clone();
            if person["version"] == 3 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let said = page.text("#r-msg").await;
        assert_eq!(
            (
                person["in_memoriam"].as_bool(),
                person["included"].as_bool(),
                person["version"].as_u64()
            ),
            (Some(true), Some(false), Some(3)),
            "both changes saved, one after the other: {person}; the page said {said:?}"
        );
        page.wait(
            "the second answer, remembered for Undo",
            "document.getElementById('r-msg').textContent === 'Saved.' && \
             document.getElementById('undo').textContent === 'Undo: the included of Kim Kay'",
        )
        .await;
        // Undo takes the last change back, on the version it made.
        page.click("#undo").await;
        page.wait(
            "undone",
            "document.getElementById('r-msg').textContent.indexOf('Undone') === 0",
        )
        .await;
        let (_, r) = server
            .get_json(&format!("/api/organise/reunions/{id}"))
            .await;
        assert_eq!(
            (
                r["people"][0]["in_memoriam"].as_bool(),
                r["people"][0]["included"].as_bool()
            ),
            (Some(true), Some(true)),
            "{r}"
        );
        page.assert_clean().await;
    });
}
