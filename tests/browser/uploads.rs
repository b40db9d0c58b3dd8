//! The organiser drops scans on the event's upload page, on a phone-wide
//! window (as a laptop's narrowest): each file gets a bar that fills, the
//! overall bar reaches 100 %, a chunk lost to a dropped connection is sent
//! again, an iPhone photo is refused on its row in a sentence, and the
//! people appear in the event, one with two yearbooks.

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

/// A phone-wide organiser on a new event's upload page: the page, the
/// server and the event's id.
async fn upload_page(b: &Browser) -> (Page, TestServer, u64) {
    let page = b.open("organiser", Size::Phone).await;
    let server = TestServer::builder().in_process().start();
    let (s, event) = server
        .post_json("/api/organise/reunions", &json!({"title": "Class of 1986"}))
        .await;
    assert_eq!(s, 201, "{event}");
    let id = event["id"].as_u64().unwrap();
    page.goto(&server.url(&format!("/organise/reunions/{id}/upload")))
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
        // Nothing sideways on a phone.
        assert_eq!(
            page.js("return document.documentElement.scrollWidth <= innerWidth")
                .await,
            json!(true)
        );

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
