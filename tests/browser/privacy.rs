//! Then & now privacy on the organiser's page: "End event" asks first,
//! then deletes the event's photos of today and says how many.

use super::*;

#[test]
fn end_event_asks_then_deletes_the_event_s_photos_of_today() {
    browser_test("privacy", |b| async move {
        // Listening on 127.0.0.1 without a password: this computer organises.
        let server = TestServer::builder().in_process().start();
        let id = new_event(&server, "Lincoln High 1986").await;
        for (i, name) in ["Ann Archer", "Bea Baker", "Cy Cole", "Di Dunn"]
            .iter()
            .enumerate()
        {
            add_person(&server, id, pictured(name, i)).await;
        }
        let (code, _key) = common::create_room(&server, json!({"reunion": id})).await;
        let (_phone, welcome) = common::join(&server, &code, "Ann").await;
        let r = reqwest::Client::new()
            .put(server.url(&format!("/api/rooms/{code}/today")))
            .bearer_auth(welcome["token"].as_str().unwrap())
            .body(common::noisy_png(64, 1))
            .send()
            .await
            .unwrap();
        let (status, urls) = common::status_and_json(r).await;
        assert_eq!(status, 200, "{urls}");
        let thumb = server.abs(urls["thumb"].as_str().unwrap());
        let status_now = || async { server.http.get(&thumb).send().await.unwrap().status() };
        assert_eq!(status_now().await, 200);

        let page = b.open("organiser", Size::Phone).await;
        page.goto(&server.url(&format!("/organise/reunions/{id}")))
            .await;
        // "No" at the confirm keeps the photo.
        page.js("window.confirm = function () { return false; }; return true")
            .await;
        page.click("#end-event").await;
        assert_eq!(status_now().await, 200, "kept after No");
        page.js("window.confirm = function () { return true; }; return true")
            .await;
        page.click("#end-event").await;
        page.wait(
            "the page says it",
            "document.getElementById('end-said').textContent === \
             'Event ended: 1 photo of today deleted for good.'",
        )
        .await;
        assert_eq!(status_now().await, 404);
    });
}
