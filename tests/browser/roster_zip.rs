//! The organiser makes an event from a zipped roster folder on the list
//! page, on a phone-wide window: a broken roster lists `check`'s problem
//! under the form and makes nothing; a good one opens the new event with
//! its people.

use super::*;

/// A roster folder of four people (Ann Lee with two yearbooks), zipped
/// inside the folder `class1986/`; `leave_out` is a photo not zipped.
fn roster_zip(leave_out: Option<&str>) -> String {
    use base64::Engine;
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let csv = "name,gender,photo,label\n\
               Ann Lee,f,photos/a83.png,1983\n\
               Ann Lee,f,photos/a86.png,1986\n\
               Bob Ray,m,photos/b.png,1986\n\
               Cy Dee,m,photos/c.png,1986\n\
               Dot Fox,f,photos/d.png,1986\n";
    let mut files = vec![("roster.csv".to_string(), csv.as_bytes().to_vec())];
    for (i, name) in ["a83", "a86", "b", "c", "d"].iter().enumerate() {
        let path = dir.path().join(format!("{name}.png"));
        common::write_png(&path, i);
        files.push((format!("photos/{name}.png"), std::fs::read(&path).unwrap()));
    }
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in files {
        if leave_out == Some(name.as_str()) {
            continue;
        }
        zip.start_file(
            format!("class1986/{name}"),
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        zip.write_all(&bytes).unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Puts the zip (base64, the first argument) in the form's file input as
/// a file manager's pick would, then submits the form.
const PICK_AND_SEND: &str = "\
    var raw = atob(arguments[0]), bytes = new Uint8Array(raw.length); \
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i); \
    var dt = new DataTransfer(); \
    dt.items.add(new File([bytes], 'class1986.zip', { type: 'application/zip' })); \
    document.getElementById('zip-file').files = dt.files; \
    document.querySelector('#zip-form button').click(); \
    return true";

#[test]
fn a_roster_zip_becomes_an_event_or_lists_its_problems() {
    browser_test("roster_zip", |b| async move {
        let page = b.open("organiser", Size::Phone).await;
        let server = TestServer::builder().in_process().start();
        page.goto(&server.url("/organise")).await;
        page.wait("the zip form", "!!document.getElementById('zip-form')")
            .await;

        page.js_with(PICK_AND_SEND, vec![json!(roster_zip(Some("photos/b.png")))])
            .await;
        page.wait(
            "the problem listed",
            "document.querySelectorAll('#zip-problems li').length === 1",
        )
        .await;
        assert_eq!(
            page.text("#zip-problems li").await,
            "roster.csv:4: photo 'photos/b.png' not found"
        );
        assert!(
            page.text("#zip-msg").await.contains("nothing was created"),
            "{}",
            page.text("#zip-msg").await
        );
        page.screenshot("roster-zip-problems").await;
        // The refused request is the only thing Chromium complains of.
        for entry in page.severe_log().await {
            let said = entry["message"].as_str().unwrap_or("");
            assert!(said.contains("422"), "{entry}");
        }
        let (_, list) = server.get_json("/api/organise/reunions").await;
        assert_eq!(list["reunions"], json!([]), "nothing made: {list}");

        page.js_with(PICK_AND_SEND, vec![json!(roster_zip(None))])
            .await;
        page.wait(
            "the new event's page",
            "/\\/organise\\/reunions\\/\\d+$/.test(location.pathname) && \
             document.querySelectorAll('tr[data-person]').length === 4",
        )
        .await;
        assert_eq!(page.text("#r-title").await, "class1986");
        let names = page
            .js(
                "return Array.prototype.map.call(document.querySelectorAll('tr[data-person] input[type=text]'), \
                   function (i) { return i.value; }).filter(function (v) { return / /.test(v); })",
            )
            .await;
        assert_eq!(names, json!(["Ann Lee", "Bob Ray", "Cy Dee", "Dot Fox"]));
        page.screenshot("roster-zip-event").await;
        assert_eq!(
            page.js("return document.documentElement.scrollWidth <= innerWidth")
                .await,
            json!(true)
        );
        page.assert_clean().await;
    });
}

#[test]
fn the_event_page_previews_its_class_in_a_solo_round() {
    browser_test("solo_preview", |b| async move {
        let page = b.open("organiser", Size::Phone).await;
        let server = TestServer::builder()
            .arg("--solo")
            .arg("off")
            .in_process()
            .start();
        let id = new_event(&server, "Class of 1986").await;
        let names = ["Ann Lee", "Bob Ray", "Cy Dee", "Dot Fox"];
        for (i, name) in names.iter().enumerate() {
            add_person(&server, id, pictured(name, i)).await;
        }
        page.goto(&server.url(&format!("/organise/reunions/{id}")))
            .await;
        page.wait("the preview link", "!!document.getElementById('preview')")
            .await;
        page.click("#preview").await;
        page.wait(
            "a question with four photos",
            "document.querySelectorAll('#solo-choices img').length === 4 && \
             Array.prototype.every.call(document.querySelectorAll('#solo-choices img'), \
               function (i) { return i.complete && i.naturalWidth > 0; })",
        )
        .await;
        let asked = page.text("#solo-name").await;
        assert!(names.contains(&asked.as_str()), "{asked}");
        page.screenshot("solo-preview").await;
        page.click("#solo-choices > button:nth-child(1)").await;
        page.wait(
            "the answer",
            "document.getElementById('solo-result').textContent.length > 0",
        )
        .await;
        assert_eq!(page.text("#asked").await, "1");
        page.assert_clean().await;
    });
}
