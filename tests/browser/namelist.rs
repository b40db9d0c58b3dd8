//! The name list on the event page in Chromium: a `;` list pasted,
//! compared with the people here, a close match accepted with one click
//! (taken back, accepted again), applied, the table showing it, and the
//! editor's Undo taking the whole apply back in one step.

use super::*;

/// The people as the server has them: `(name, gender, known as)` in id order.
async fn people(server: &TestServer, id: &str) -> Vec<(String, Value, Value)> {
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
                p["gender"].clone(),
                p["known_as"].clone(),
            )
        })
        .collect()
}

/// `#id`'s text starts with `text`.
fn starts(id: &str, text: &str) -> String {
    format!(
        "document.getElementById('{id}').textContent.indexOf({}) === 0",
        js_str(text)
    )
}

/// The value of the table's input in row `row`, column `col` (1-based).
fn cell_is(row: usize, col: usize, value: &str) -> String {
    format!(
        "document.querySelector('#people-rows tr:nth-child({row}) td:nth-child({col}) input').value === {}",
        js_str(value)
    )
}

#[test]
fn the_organiser_pastes_a_list_accepts_a_match_in_one_click_and_applies_it() {
    browser_test("namelist", |b| async move {
        let server = TestServer::builder().in_process().start();
        let id = new_event(&server, "List High").await.to_string();
        for (i, name) in ["José Núñez", "Kevin O'Neil", "Bob Ray"].iter().enumerate() {
            add_person(&server, &id, pictured(name, i)).await;
        }
        let page = event_page(&b, &server, &id, 3).await;

        // Pasted as European Excel copies it: semicolons, a header in words.
        page.type_into(
            "#nl-text",
            "Name;Gender;Known as\nJose Nunez;m;Pepe\nKevin O'Neill;m;Kev\n;f;\n",
        )
        .await;
        page.click("#nl-compare").await;
        page.wait(
            "compared",
            "document.querySelectorAll('#nl-matched li[data-person]').length === 1",
        )
        .await;
        assert_eq!(
            page.shown("#nl-problems").await,
            "Line 4: this line has no name, so it is left out."
        );
        assert!(
            page.shown("#nl-unmatched-people").await.contains("Bob Ray"),
            "the people with no row, side by side"
        );
        assert_eq!(page.shown("#nl-apply").await, "Apply: change 1 person");
        assert_eq!(
            page.js("return document.documentElement.scrollWidth <= innerWidth")
                .await,
            json!(true),
            "the section fits 390 px"
        );
        page.screenshot("namelist-compared-phone").await;

        // One click: Kevin O'Neill on the list is Kevin O'Neil here.
        page.click("#nl-unmatched-list .nl-accept").await;
        page.wait(
            "accepted",
            "document.querySelectorAll('#nl-matched li[data-person]').length === 2",
        )
        .await;
        // Taken back before applying, then accepted again.
        page.click("#nl-matched .nl-unaccept").await;
        page.wait(
            "taken back",
            "document.querySelectorAll('#nl-matched li[data-person]').length === 1",
        )
        .await;
        page.click("#nl-unmatched-people .nl-accept").await;
        page.wait(
            "accepted again",
            "document.querySelectorAll('#nl-matched .nl-unaccept').length === 1",
        )
        .await;
        assert_eq!(page.shown("#nl-apply").await, "Apply: change 2 people");

        page.click("#nl-apply").await;
        page.wait(
            "applied",
            &starts(
                "nl-msg",
                "Applied: 2 people changed. No row on the list for: Bob Ray",
            ),
        )
        .await;
        page.wait("the table shows it", &cell_is(1, 4, "m")).await;
        page.wait("known as too", &cell_is(2, 3, "Kev")).await;
        let m = || json!("m");
        assert_eq!(
            people(&server, &id).await,
            vec![
                ("José Núñez".to_string(), m(), json!("Pepe")),
                ("Kevin O'Neil".to_string(), m(), json!("Kev")),
                ("Bob Ray".to_string(), Value::Null, Value::Null),
            ]
        );
        page.wait(
            "nothing more to apply",
            "document.getElementById('nl-apply').disabled === true",
        )
        .await;
        page.screenshot("namelist-applied-phone").await;

        // The editor's Undo takes the whole list back in one step.
        assert_eq!(page.shown("#undo").await, "Undo: the name list (2 people)");
        page.click("#undo").await;
        page.wait(
            "undone",
            &starts("r-msg", "Undone: the name list (2 people)."),
        )
        .await;
        page.wait("the table back", &cell_is(1, 4, "")).await;
        assert_eq!(
            people(&server, &id).await,
            vec![
                ("José Núñez".to_string(), Value::Null, Value::Null),
                ("Kevin O'Neil".to_string(), Value::Null, Value::Null),
                ("Bob Ray".to_string(), Value::Null, Value::Null),
            ]
        );

        // A file as Windows Excel saves it (Windows-1252, `;`, CRLF): its
        // bytes go to the server, which reads the accents.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("klasse.csv");
        std::fs::write(&file, b"Name;Gender\r\nJos\xe9 N\xfa\xf1ez;m\r\n").unwrap();
        page.find("#nl-file")
            .await
            .send_keys(file.to_str().unwrap())
            .await
            .expect("picking the file");
        page.wait(
            "the file compared",
            "document.querySelector('#nl-matched li[data-person]') && \
             document.querySelector('#nl-matched li[data-person]').textContent.indexOf('Line 2: José Núñez — gender') === 0",
        )
        .await;
        assert!(
            page.shown("#nl-source").await.contains("klasse.csv"),
            "it says which file it reads"
        );
        page.assert_clean().await;
    });
}
