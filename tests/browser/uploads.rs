//! The organiser drops scans on the event's page, above its people, on a
//! phone-wide window (as a laptop's narrowest): each file gets a bar that
//! fills, the overall bar reaches 100 %, a chunk lost to a dropped
//! connection is sent again, an iPhone photo is refused on its row in a
//! sentence, and the people appear in the event, one with two yearbooks.
//! Later drops add to people already there: a new label is added, the
//! same file is skipped, and a replacement asks first.

use super::*;
use crate::common::noisy_png;

/// Cuts the connection under the second chunk sent (the fetch fails as on
/// a dropped Wi-Fi), and notes every "Connection lost" a row shows.
const CUT_ONE_CHUNK: &str = "\
    var real = window.fetch, patches = 0; window.__cut = 0; window.__lost = []; \
    window.fetch = function (url, opts) { \
      if (opts && opts.method === 'PATCH' && ++patches === 2) { \
        window.__cut++; return Promise.reject(new TypeError('Failed to fetch')); } \
      return real.apply(this, arguments); }; \
    new MutationObserver(function () { \
      document.querySelectorAll('.upload-status').forEach(function (n) { \
        if (/^Connection lost/.test(n.textContent)) window.__lost.push(n.textContent); }); \
    }).observe(document.querySelector('.uploads-list'), \
      { childList: true, characterData: true, subtree: true }); \
    return true";

/// Makes the files in the page (canvas PNGs; one of noise, so it takes
/// several 1 MiB chunks; an iPhone HEIC's first bytes) and drops them on
/// the drop zone as a file manager would.
const DROP_SCANS: &str = "\
    function png(w, h, noise, shade) { \
      var c = document.createElement('canvas'); c.width = w; c.height = h; \
      var g = c.getContext('2d'), img = g.createImageData(w, h), s = shade; \
      for (var i = 0; i < img.data.length; i += 4) { \
        s = (Math.imul(s, 1103515245) + 12345) >>> 0; \
        var v = noise ? s >>> 24 : (shade + i / 4 % w) & 255; \
        img.data[i] = v; img.data[i + 1] = noise ? (s >>> 16) & 255 : v; \
        img.data[i + 2] = noise ? (s >>> 8) & 255 : v; img.data[i + 3] = 255; \
      } \
      g.putImageData(img, 0, 0); \
      return new Promise(function (ok) { c.toBlob(ok, 'image/png'); }); \
    } \
    var done = arguments[arguments.length - 1]; \
    var heic = new Uint8Array(256); \
    heic.set([0, 0, 0, 24, 102, 116, 121, 112, 104, 101, 105, 99]); \
    Promise.all([png(120, 150, false, 10), png(120, 150, false, 90), \
                 png(900, 900, true, 7), png(120, 150, false, 200)]).then(function (blobs) { \
      var files = [new File([blobs[0]], 'Ann Lee (1983).png', { type: 'image/png' }), \
                   new File([blobs[1]], 'Ann Lee (1986).png', { type: 'image/png' }), \
                   new File([blobs[2]], 'Bob Ray.png', { type: 'image/png' }), \
                   new File([blobs[3]], 'José Núñez.png', { type: 'image/png' }), \
                   new File([heic], 'IMG_0042.jpg', { type: 'image/jpeg' })]; \
      var dt = new DataTransfer(); \
      files.forEach(function (f) { dt.items.add(f); }); \
      document.querySelector('.drop-zone').dispatchEvent( \
        new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true })); \
      done(blobs[2].size); \
    });";

/// Nothing sideways on a phone.
async fn nothing_sideways(page: &Page) {
    assert_eq!(
        page.js("return document.documentElement.scrollWidth <= innerWidth")
            .await,
        json!(true)
    );
}

/// A phone-wide organiser on a new event's page, with its drop zone: the
/// page, the server and the event's id.
async fn upload_page(b: &Browser) -> (Page, TestServer, u64) {
    let page = b.open("organiser", Size::Phone).await;
    let server = TestServer::builder().in_process().start();
    let id = new_event(&server, "Class of 1986").await;
    page.goto(&server.url(&format!("/organise/reunions/{id}")))
        .await;
    page.wait("the drop zone", "!!document.querySelector('.drop-zone')")
        .await;
    (page, server, id)
}

#[test]
fn dropped_scans_fill_their_bars_and_the_people_appear_in_the_event() {
    browser_test("uploads", |b| async move {
        let (page, server, id) = upload_page(&b).await;
        page.js(CUT_ONE_CHUNK).await;
        let noise_bytes = page
            .c
            .execute_async(DROP_SCANS, vec![])
            .await
            .expect("dropping the scans");
        assert!(
            noise_bytes.as_u64().unwrap_or(0) > 1024 * 1024,
            "the noise scan takes several chunks: {noise_bytes}"
        );
        page.wait(
            "every row finished",
            "document.querySelectorAll('.upload-row').length === 5 && \
             document.querySelectorAll('.upload-row.done, .upload-row.refused').length === 5",
        )
        .await;
        page.wait(
            "the overall bar at 100 %",
            "document.querySelector('.uploads-overall-bar').value === 100 && \
             /^100 %/.test(seen('.uploads-overall-text'))",
        )
        .await;
        let rows = page
            .js(
                "return Array.prototype.map.call(document.querySelectorAll('.upload-row'), \
                   function (r) { return [seen(r.querySelector('.upload-name')), \
                     r.querySelector('progress').value, seen(r.querySelector('.upload-status'))]; })",
            )
            .await;
        let rows = rows.as_array().unwrap();
        for row in rows {
            assert_eq!(row[1], 100, "every bar full: {row}");
        }
        let heic = rows.iter().find(|r| r[0] == "IMG_0042.jpg").unwrap();
        assert!(
            heic[2]
                .as_str()
                .unwrap()
                .starts_with("This is an iPhone HEIC photo"),
            "{heic}"
        );
        page.wait(
            "the people added",
            "/photos added to the event/.test(seen('.uploads-overall-text'))",
        )
        .await;
        let bob = rows.iter().find(|r| r[0] == "Bob Ray.png").unwrap();
        assert!(bob[2].as_str().unwrap().starts_with('✓'), "{bob}");
        page.screenshot("uploads-done").await;
        // The cut chunk was retried from the server's offset, and said so.
        assert_eq!(page.js("return window.__cut").await, json!(1));
        let lost = page.js("return window.__lost[0] || ''").await;
        assert!(
            lost.as_str()
                .unwrap()
                .starts_with("Connection lost — trying again in 1 s"),
            "{lost}"
        );
        nothing_sideways(&page).await;

        let (_, shown) = server
            .get_json(&format!("/api/organise/reunions/{id}"))
            .await;
        let mut people: Vec<(String, usize)> = shown["people"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let photos = p["photos"].as_array().map_or(0, Vec::len);
                (p["name"].as_str().unwrap().to_string(), photos)
            })
            .collect();
        people.sort();
        assert_eq!(
            people,
            [
                ("Ann Lee".to_string(), 2),
                ("Bob Ray".to_string(), 1),
                ("José Núñez".to_string(), 1)
            ],
            "{shown}"
        );
        page.assert_clean().await;
    });
}

#[test]
fn a_picked_folder_with_year_folders_gives_one_person_two_labelled_photos() {
    browser_test("uploads-folder", |b| async move {
        let (page, server, id) = upload_page(&b).await;
        // A folder as a scanner leaves it: one folder per yearbook.
        let dir = tempfile::tempdir().unwrap();
        let scans = dir.path().join("scans");
        for (year, seed) in [("1983", 1), ("1986", 2)] {
            std::fs::create_dir_all(scans.join(year)).unwrap();
            std::fs::write(scans.join(year).join("Cy Dunn.png"), noisy_png(60, seed)).unwrap();
        }
        std::fs::write(scans.join(".DS_Store"), b"finder").unwrap();
        page.wait("the folder button", "!!seen('.uploads-folder-label')")
            .await;
        // WebDriver gives a folder to a folder input as a person picks it.
        page.js("document.querySelector('.uploads-pick-folder').hidden = false; return true")
            .await;
        let input = page.find(".uploads-pick-folder").await;
        input
            .send_keys(scans.to_str().unwrap())
            .await
            .expect("picking the folder");
        page.wait(
            "both files added",
            "document.querySelectorAll('.upload-row.done').length === 2 && \
             /photos added to the event/.test(seen('.uploads-overall-text'))",
        )
        .await;
        let (_, shown) = server
            .get_json(&format!("/api/organise/reunions/{id}"))
            .await;
        let people = shown["people"].as_array().unwrap();
        assert_eq!(people.len(), 1, "{shown}");
        assert_eq!(people[0]["name"], "Cy Dunn");
        let mut labels: Vec<&str> = people[0]["photos"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["label"].as_str().unwrap_or(""))
            .collect();
        labels.sort();
        assert_eq!(labels, ["1983", "1986"], "{shown}");
        page.assert_clean().await;
    });
}

/// Drops one canvas PNG named `arguments[0]`, drawn from the seed
/// `arguments[1]`: the same seed gives the same bytes (kept in the page).
const DROP_ONE: &str = "\
    var name = arguments[0], seed = arguments[1]; \
    window.__png = window.__png || {}; \
    function png() { \
      var c = document.createElement('canvas'); c.width = 90; c.height = 110; \
      var g = c.getContext('2d'), img = g.createImageData(90, 110), s = seed; \
      for (var i = 0; i < img.data.length; i += 4) { \
        s = (Math.imul(s, 1103515245) + 12345) >>> 0; \
        img.data[i] = s >>> 24; img.data[i + 1] = (s >>> 16) & 255; \
        img.data[i + 2] = (s >>> 8) & 255; img.data[i + 3] = 255; \
      } \
      g.putImageData(img, 0, 0); \
      return new Promise(function (ok) { c.toBlob(ok, 'image/png'); }); \
    } \
    var made = window.__png[seed] ? Promise.resolve(window.__png[seed]) : png(); \
    var done = arguments[arguments.length - 1]; \
    made.then(function (blob) { \
      window.__png[seed] = blob; \
      var dt = new DataTransfer(); \
      dt.items.add(new File([blob], name, { type: 'image/png' })); \
      document.querySelector('.drop-zone').dispatchEvent( \
        new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true })); \
      done(true); \
    });";

/// The status of upload row `n` (from 1) once its file is all in.
async fn row_landed(page: &Page, n: usize) -> String {
    let expr = format!(
        "(function () {{ var r = document.querySelectorAll('.upload-row')[{i}]; \
           return r && /(done|refused|skipped|asking)$/.test(r.className) && \
             seen(r.querySelector('.upload-status')); }})()",
        i = n - 1
    );
    let status = page.wait(&format!("upload row {n} in"), &expr).await;
    status.as_str().unwrap_or_default().to_string()
}

async fn drop_one(page: &Page, name: &str, seed: u32) {
    page.c
        .execute_async(DROP_ONE, vec![json!(name), json!(seed)])
        .await
        .expect("dropping a scan");
}

/// The labels the people table shows under Ann's photo, once `want`.
async fn table_labels(page: &Page, want: &str) {
    page.wait(
        &format!("the table showing {want}"),
        &format!(
            "document.querySelectorAll('#people-rows tr').length === 1 && \
             seen('#people-rows .photo-labels') === {}",
            js_str(want)
        ),
    )
    .await;
}

async fn ann_thumbs(server: &TestServer, id: u64) -> Vec<String> {
    let (_, shown) = server
        .get_json(&format!("/api/organise/reunions/{id}"))
        .await;
    shown["people"][0]["photos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| format!("{} {}", p["label"], p["thumb"]))
        .collect()
}

#[test]
fn later_drops_add_a_label_skip_the_same_file_and_ask_before_replacing() {
    browser_test("uploads-add", |b| async move {
        let (page, server, id) = upload_page(&b).await;
        drop_one(&page, "Ann Lee (1983).png", 1).await;
        assert!(row_landed(&page, 1).await.starts_with('✓'));
        page.wait(
            "Ann in the table",
            "document.querySelectorAll('#people-rows tr').length === 1",
        )
        .await;

        // Another yearbook, while the organiser types in the table: added
        // to Ann, and the table shows it once the field is left, not
        // under the typing.
        let known_as = "input[aria-label='Known as of Ann Lee']";
        page.click(known_as).await;
        page.type_into(known_as, "Annie").await;
        drop_one(&page, "Ann Lee (1986).png", 2).await;
        let status = row_landed(&page, 2).await;
        assert!(status.starts_with("✓ Added: Ann Lee (1986)"), "{status}");
        // Time for a redraw that would have wiped the field.
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        let typing = page
            .js("var i = document.activeElement; return [i.getAttribute('aria-label'), i.value]")
            .await;
        assert_eq!(typing, json!(["Known as of Ann Lee", "Annie"]));
        page.press('\u{E004}').await;
        table_labels(&page, "1983, 1986").await;
        let (_, shown) = server
            .get_json(&format!("/api/organise/reunions/{id}"))
            .await;
        assert_eq!(shown["people"][0]["known_as"], "Annie", "{shown}");

        // The same file again: skipped, said so.
        drop_one(&page, "Ann Lee (1986).png", 2).await;
        assert_eq!(
            row_landed(&page, 3).await,
            "This photo of Ann Lee is already in this event: skipped."
        );

        // Another 1983 scan: asked first, Skip the default; replaced when said.
        let before = ann_thumbs(&server, id).await;
        drop_one(&page, "Ann Lee (1983).png", 3).await;
        assert_eq!(row_landed(&page, 4).await, "Waiting for your choice:");
        let offered = page
            .js("var r = document.querySelectorAll('.upload-row')[3]; \
                 return [seen(r.querySelector('.upload-ask-text'))].concat( \
                   Array.prototype.map.call(r.querySelectorAll('.upload-ask button'), \
                     function (b) { return seen(b) + (/primary/.test(b.className) ? '*' : ''); }))")
            .await;
        assert_eq!(
            offered,
            json!([
                "Ann Lee already has a 1983 photo. What should this file do?",
                "Replace the 1983 photo",
                "Skip*"
            ])
        );
        assert_eq!(
            ann_thumbs(&server, id).await,
            before,
            "nothing replaced yet"
        );
        page.js("document.querySelectorAll('.upload-row')[3].scrollIntoView(); return true")
            .await;
        page.screenshot("uploads-ask").await;
        page.click(".upload-row:nth-child(4) [data-choice=replace]")
            .await;
        let replaced = page
            .wait(
                "the replacement done",
                "/^✓ Replaced: Ann Lee/.test(seen(document.querySelectorAll('.upload-row')[3] \
                   .querySelector('.upload-status'))) && \
                 !document.querySelector('.upload-ask')",
            )
            .await;
        assert_eq!(replaced, json!(true));
        let after = ann_thumbs(&server, id).await;
        assert_ne!(after[0], before[0], "the 1983 photo replaced");
        assert_eq!(after[1], before[1], "the 1986 photo kept");

        // Unlabelled: Replace / Add as another photo (with a label) / Skip.
        drop_one(&page, "Ann Lee.png", 4).await;
        row_landed(&page, 5).await;
        let choices = page
            .js(
                "return Array.prototype.map.call(document.querySelectorAll( \
                   '.upload-row:nth-child(5) .upload-ask button'), function (b) { return seen(b); })",
            )
            .await;
        assert_eq!(
            choices,
            json!(["Replace the 1986 photo", "Add as another photo", "Skip"]),
            "the photo games show by default is the one replaced"
        );
        page.assert_clean().await;
        page.click(".upload-row:nth-child(5) [data-choice=add]")
            .await;
        page.wait(
            "a label asked for",
            "/^Give this photo a label/.test(seen('.upload-row:nth-child(5) .upload-ask-error'))",
        )
        .await;
        // The refusal (422) is the only thing Chromium logged meanwhile.
        for entry in page.severe_log().await {
            let said = entry["message"].as_str().unwrap_or_default();
            assert!(said.contains("/choice") && said.contains("422"), "{entry}");
        }
        page.type_into(".upload-row:nth-child(5) .upload-ask-label", "25th reunion")
            .await;
        page.click(".upload-row:nth-child(5) [data-choice=add]")
            .await;
        table_labels(&page, "1983, 1986, 25th reunion").await;
        nothing_sideways(&page).await;
        page.assert_clean().await;
    });
}

#[test]
fn the_old_upload_page_leads_to_the_event_page() {
    browser_test("uploads-old-url", |b| async move {
        let page = b.open("organiser", Size::Phone).await;
        let server = TestServer::builder().in_process().start();
        let id = new_event(&server, "Class of 1986").await;
        page.goto(&server.url(&format!("/organise/reunions/{id}/upload")))
            .await;
        page.wait(
            "the event page with its drop zone",
            "!!document.getElementById('people') && !!document.querySelector('#uploads .drop-zone')",
        )
        .await;
        let at = page.js("return location.pathname + location.hash").await;
        assert_eq!(at, json!(format!("/organise/reunions/{id}#uploads")));
        page.assert_clean().await;
    });
}
