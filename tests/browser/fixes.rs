//! What the review of issue 20 found, in Chromium: a name that HTML would
//! read as the start of a script does not stop the event page.

use super::*;

#[test]
fn a_person_named_like_a_script_tag_leaves_the_editor_working() {
    browser_test("fixes", |b| async move {
        let server = TestServer::builder().in_process().start();
        let id = new_event(&server, "Tags & <b>High</b>").await;
        // After `<!--<script>` a browser no longer ends the script element
        // at its `</script>`, unless `<` is written as `\u003c`.
        for name in ["<!--<script>", "Plain Name"] {
            add_person(&server, id, json!({"name": name})).await;
        }
        let page = b.open("organiser", Size::Phone).await;
        page.goto(&server.url(&format!("/organise/reunions/{id}")))
            .await;
        page.wait(
            "both rows drawn",
            "document.querySelectorAll('#people-rows tr').length >= 2 \
             && document.getElementById('r-summary').textContent !== ''",
        )
        .await;
        let names = page
            .js(
                "return Array.from(document.querySelectorAll('#people-rows input')) \
                 .map(function (i) { return i.value; }).join('|')",
            )
            .await;
        let names = names.as_str().unwrap_or("").to_string();
        assert!(names.contains("<!--<script>"), "{names}");
        assert!(names.contains("Plain Name"), "{names}");
    });
}
