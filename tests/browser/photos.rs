//! Several photos a person on the screens: the host picks a yearbook in
//! the lobby's settings, and the reveal shows the person's other photo
//! small under the name ("also in 1986"), the phone names it.

use super::*;

/// `demo_class()` with two yearbooks: each person's demo photo as `1986`
/// and the same photo mirrored (another image) as `1983`, on a repeated row.
fn two_yearbooks() -> Class {
    let class = demo_class();
    let csv_path = class.dir.path().join("roster.csv");
    let mut r = csv::Reader::from_path(&csv_path).unwrap();
    let headers = r.headers().unwrap().clone();
    let col = |h: &str| headers.iter().position(|x| x == h).unwrap();
    let (name, photo) = (col("name"), col("photo"));
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let mut out = csv::Writer::from_path(&csv_path).unwrap();
    let mut header: Vec<&str> = headers.iter().collect();
    header.push("label");
    out.write_record(&header).unwrap();
    for (i, rec) in rows.iter().enumerate() {
        let mut first: Vec<&str> = rec.iter().collect();
        first.push("1986");
        out.write_record(&first).unwrap();
        let mirrored = format!("photos/m{i}.jpg");
        image::open(class.dir.path().join(&rec[photo]))
            .unwrap()
            .fliph()
            .to_rgb8()
            .save(class.dir.path().join(&mirrored))
            .unwrap();
        let mut repeat = vec![""; headers.len()];
        repeat[name] = &rec[name];
        repeat[photo] = &mirrored;
        repeat.push("1983");
        out.write_record(&repeat).unwrap();
    }
    out.flush().unwrap();
    class
}

#[test]
fn the_host_picks_a_yearbook_and_the_reveal_shows_the_other_photo() {
    browser_test("photos", |b| async move {
        let people: &[(&str, Size)] = &[("host", Size::Projector), ("phone", Size::Phone)];
        let browsers = tokio::spawn({
            let b = b.clone();
            async move { b.open_all(people).await }
        });
        let class = two_yearbooks();
        let server = TestServer::builder()
            .roster(&class.dir.path().join("roster.csv"))
            .in_process()
            .start();
        let pages = browsers.await.expect("browsers");
        let [host, phone] = &pages[..] else {
            unreachable!()
        };
        let room = new_room(&server, 1).await;
        host.goto(room["host_url"].as_str().unwrap()).await;
        host_ready(host).await;
        phone.goto(room["join_url"].as_str().unwrap()).await;
        enter_name(phone, "Dora").await;
        host_lobby_is(host, &["Dora"]).await;

        host.click("#settings summary").await;
        let labels = host
            .js("return Array.from(document.querySelectorAll('#set-labels .set-check')).map(seen)")
            .await;
        assert_eq!(
            labels,
            json!(["1983", "1986"]),
            "the class's labels to pick from"
        );
        assert!(
            host.shown("#set-labels legend")
                .await
                .starts_with("Photos from"),
            "a label for the choice"
        );
        host.click("#set-labels input[value='1983']").await;
        settings_line_has(host, "photos from 1983").await;
        assert_fits(host, "the lobby with the labels to pick").await;
        host.screenshot("host-lobby-labels").await;

        host.press(' ').await;
        host_phase(host, "question").await;
        phone_tiles(phone).await;
        tap(phone, 0).await;
        host_phase(host, "reveal").await;
        host.wait(
            "the other photo under the name",
            "seen('#r-also') === 'also in 1986' && Array.from(document.querySelectorAll('#r-also img'))\
             .every(function (i) { return i.complete && i.naturalWidth > 0; })",
        )
        .await;
        assert_fits(host, "the reveal with the other photo").await;
        let named = host.shown("#r-name").await;
        assert_eq!(
            whom_shown(host, &class.faces, "#r-also img").await,
            [named],
            "the other photo is of the person named"
        );
        host.screenshot("host-reveal-also").await;
        phone_screen(phone, "s-reveal").await;
        phone
            .wait("the phone names it", "seen('#rv-also') === 'also in 1986'")
            .await;
        assert_fits(phone, "the phone's reveal with its other photo named").await;
        phone.screenshot("phone-reveal-also").await;
        for p in &pages {
            p.assert_clean().await;
        }
    });
}
