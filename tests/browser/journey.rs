//! The "Done when", as one organiser's evening in a real Chromium
//! against the real `yearbook` binary on a SQLite file: an event made on
//! /organise, a folder of 40 washed-out scans uploaded, a name list as
//! European Excel saves it, every problem the editor shows fixed, a solo
//! preview, a game hosted from the event and played on two phones to the
//! podium, `kill -9` and a restart that keeps it all, a second event that
//! never shows the first one's people, and `export` → `check` →
//! `serve --roster` playing the same class.

use super::*;
use crate::common::{connect_host, create_room, get_results_csv, join};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Tab: leaves a field, which saves it.
const TAB: &str = "\u{E004}";
/// WebDriver's Control key (held until [`NULL`]).
const CONTROL: &str = "\u{E009}";
/// Releases held modifier keys.
const NULL: &str = "\u{E000}";

/// The first event's classmates as their scans name them, with the gender
/// the name list gives: `(name, gender, photos)`, where photos says how
/// the scans are laid out in the folder.
#[derive(Clone, Copy, PartialEq)]
enum Scans {
    /// `1986/Name.png`
    Senior,
    /// `1983/Name.png` and `1986/Name.png`
    BothFolders,
    /// `Name (1983).png` and `Name (1986).png`
    BothInName,
    /// `Name.png`, no label
    Plain,
}

const CLASS_A: [(&str, &str, Scans); 30] = [
    ("José Núñez", "m", Scans::BothFolders),
    ("Zoë Quimby", "f", Scans::BothFolders),
    ("Kevin O'Neil", "m", Scans::BothFolders),
    ("Chloé Marchand", "f", Scans::BothFolders),
    ("Dmitri Sokolov", "m", Scans::BothFolders),
    ("Yasmin D'Souza", "f", Scans::BothFolders),
    ("Renée Castellano", "f", Scans::Senior),
    ("François Dubois", "m", Scans::Senior),
    ("Siobhán O'Connor", "f", Scans::Senior),
    ("Björn Ångström", "m", Scans::Senior),
    ("Ignacio Peña", "m", Scans::Senior),
    ("Agnès Leroux", "f", Scans::Senior),
    ("Maëlle Kerbrat", "f", Scans::Senior),
    ("Tomás Ó Briain", "m", Scans::Senior),
    ("Ingrid Halvorsen", "f", Scans::Senior),
    ("Lukas Brenner", "m", Scans::Senior),
    ("Mirela Drăgan", "f", Scans::Senior),
    ("Oisín Byrne", "m", Scans::Senior),
    ("Paulina Wróbel", "f", Scans::Senior),
    ("Rafael Ortega", "m", Scans::Senior),
    ("Søren Lund", "m", Scans::Senior),
    ("Théa Girard", "f", Scans::Senior),
    ("Ursula Fenn", "f", Scans::Senior),
    ("Héloïse Martin", "f", Scans::BothInName),
    ("Gregory Bannister", "m", Scans::BothInName),
    ("Nadia El-Amin", "f", Scans::BothInName),
    ("Cecilia Ravn", "f", Scans::Plain),
    ("Emil Strand", "m", Scans::Plain),
    ("Hana Nováková", "f", Scans::Plain),
    ("Michael Brown", "m", Scans::Plain),
];

/// Zoë's 1986 scan saved a second time without the accent: the editor
/// finds the same image twice.
const COPY: &str = "Zoe Quimby";
/// The scanner wrote this one surname first and without accents; the name
/// list has it right: not taken unasked, a suggestion to accept.
const SCAN_SPELLING: (&str, &str) = ("Nunez Jose", "José Núñez");
/// The list gives German Excel's "w" (weiblich) for her: a gender of one.
const GENDER_W: &str = "Ingrid Halvorsen";
/// The list leaves his gender empty.
const NO_GENDER: &str = "Emil Strand";
/// A late classmate added by hand, who shares a name with one already there.
const NAMESAKE: &str = "Michael Brown";
const NAMESAKE_FIXED: &str = "Michael T. Brown";
/// The pixel code of the namesake's photo.
const NAMESAKE_CODE: u8 = 90;

/// The second event's classmates (their photos are codes 100…).
const CLASS_B: [&str; 5] = [
    "Aurélie Fontaine",
    "Bram de Vries",
    "Clodagh Nic Aodha",
    "Dario Rossi",
    "Elif Yılmaz",
];
const B_FIRST_CODE: u8 = 100;

// ---------------------------------------------------------------------------
// Scans that say who they are

/// The scan's size: 4:5, as the server crops, so the bands keep their place.
const SCAN: (u32, u32) = (160, 200);
/// A washed-out print: all of it between these greys.
const FADED_DARK: u8 = 150;
const FADED_BRIGHT: u8 = 215;
/// Bands: a dark reference, seven bits of the code, a bright reference.
const BANDS: u32 = 9;

/// The band `b`'s rows as fractions of the height.
fn band_rows(b: u32) -> (f64, f64) {
    let top = 0.15 + 0.08 * b as f64;
    (top, top + 0.08)
}

/// A washed-out grey scan (PNG) whose bands encode `code` (< 128).
fn faded_scan(code: u8) -> Vec<u8> {
    let (w, h) = SCAN;
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let fy = (y as f64 + 0.5) / h as f64;
        let fx = (x as f64 + 0.5) / w as f64;
        let band = (0..BANDS).find(|&b| {
            let (top, bottom) = band_rows(b);
            (top..bottom).contains(&fy)
        });
        let v = match band {
            Some(b) if (0.2..0.8).contains(&fx) => {
                let bright = match b {
                    0 => false,
                    b if b == BANDS - 1 => true,
                    b => (code >> (b - 1)) & 1 == 1,
                };
                if bright { FADED_BRIGHT } else { FADED_DARK }
            }
            _ => 182,
        };
        image::Rgb([v, v, v])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

/// The mean grey of the middle of band `b` in `img`.
fn band_mean(img: &image::GrayImage, b: u32) -> f64 {
    let (w, h) = img.dimensions();
    let (top, bottom) = band_rows(b);
    let pad = (bottom - top) / 4.0;
    let (y0, y1) = (
        ((top + pad) * h as f64) as u32,
        ((bottom - pad) * h as f64) as u32,
    );
    let (mut sum, mut n) = (0u64, 0u64);
    for y in y0..y1 {
        for x in w * 35 / 100..w * 65 / 100 {
            sum += u64::from(img.get_pixel(x, y).0[0]);
            n += 1;
        }
    }
    sum as f64 / n as f64
}

/// The code a photo (any size, any encoding, levelled or not) shows, and
/// its contrast (bright reference minus dark).
fn read_scan(bytes: &[u8]) -> (u8, f64) {
    let img = image::load_from_memory(bytes)
        .unwrap_or_else(|e| panic!("not a PNG/JPEG: {e}"))
        .to_luma8();
    let dark = band_mean(&img, 0);
    let bright = band_mean(&img, BANDS - 1);
    assert!(
        bright - dark > 30.0,
        "no generated scan in this photo (bands {dark:.0} / {bright:.0})"
    );
    let mid = (dark + bright) / 2.0;
    let mut code = 0u8;
    for b in 1..BANDS - 1 {
        let m = band_mean(&img, b);
        assert!(
            (m - mid).abs() > (bright - dark) / 4.0,
            "band {b} is ambiguous: {m:.0} between {dark:.0} and {bright:.0}"
        );
        if m > mid {
            code |= 1 << (b - 1);
        }
    }
    (code, bright - dark)
}

/// The folder of scans as a scanner and an organiser leave it: 40 files
/// for 31 names. Returns the folder and, by name, the codes of the photos.
fn scans_folder(root: &Path) -> (std::path::PathBuf, BTreeMap<String, Vec<u8>>) {
    let dir = root.join("Lincoln 1986 scans");
    let mut codes: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut files = 0;
    let mut put = |rel: String, code: u8| {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, faded_scan(code)).unwrap();
        files += 1;
    };
    for (i, (name, _, scans)) in CLASS_A.iter().enumerate() {
        let (senior, junior) = (i as u8, 32 + i as u8);
        let mine = codes.entry(name.to_string()).or_default();
        let name = if *name == SCAN_SPELLING.1 {
            SCAN_SPELLING.0
        } else {
            name
        };
        match scans {
            Scans::Senior => put(format!("1986/{name}.png"), senior),
            Scans::BothFolders => {
                put(format!("1986/{name}.png"), senior);
                put(format!("1983/{name}.png"), junior);
                mine.push(junior);
            }
            Scans::BothInName => {
                put(format!("{name} (1986).png"), senior);
                put(format!("{name} (1983).png"), junior);
                mine.push(junior);
            }
            Scans::Plain => put(format!("{name}.png"), senior),
        }
        mine.push(senior);
    }
    // Zoë (person 1) once more, byte for byte, under a plainer name.
    put(format!("{COPY}.png"), 1);
    codes.insert(COPY.to_string(), vec![1]);
    assert_eq!(files, 40, "the issue's 40 scans");
    (dir, codes)
}

/// The name list as European Excel saves "CSV (semicolon)": a UTF-8 BOM,
/// `;` between cells, CRLF. Everyone but the copy, spelled right; Ingrid
/// as "w", Emil with no gender, Renée's married name, Oisín in memoriam.
fn name_list() -> Vec<u8> {
    let mut s = String::from("\u{feff}Name;Gender;Known as;In memoriam\r\n");
    for (name, gender, _) in CLASS_A {
        let gender = match name {
            GENDER_W => "w",
            NO_GENDER => "",
            _ => gender,
        };
        let known_as = if name == "Renée Castellano" {
            "Renée Park"
        } else {
            ""
        };
        let memoriam = if name == "Oisín Byrne" { "yes" } else { "" };
        s.push_str(&format!("{name};{gender};{known_as};{memoriam}\r\n"));
    }
    s.into_bytes()
}

// ---------------------------------------------------------------------------
// What the server and the pages show

/// The event as the organiser API has it.
async fn event_json(server: &TestServer, id: u64) -> Value {
    let (status, v) = server
        .get_json(&format!("/api/organise/reunions/{id}"))
        .await;
    assert_eq!(status, 200, "{v}");
    v
}

/// The event's people who are not deleted.
fn alive(event: &Value) -> Vec<&Value> {
    event["people"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["deleted"] == false)
        .collect()
}

fn person<'a>(event: &'a Value, name: &str) -> &'a Value {
    alive(event)
        .into_iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{name:?} is not in the event: {event}"))
}

/// The codes of the images under `css` on `page`, fetched from the URLs
/// the page loaded them from (the same bytes the browser drew).
async fn codes_shown(server: &TestServer, page: &Page, css: &str) -> Vec<u8> {
    let srcs = page
        .js_with(
            "return Array.from(document.querySelectorAll(arguments[0]))\
             .map(function (i) { return i.currentSrc || i.src; })",
            vec![json!(css)],
        )
        .await;
    let mut codes = Vec::new();
    for src in srcs.as_array().unwrap() {
        let src = src.as_str().unwrap();
        let r = server.http.get(src).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200, "[{}] GET {src}", page.label);
        codes.push(read_scan(&r.bytes().await.unwrap()).0);
    }
    assert!(!codes.is_empty(), "[{}] no image {css:?}", page.label);
    codes
}

/// The names in the editor's rows that are not deleted, as typed in them.
async fn editor_names(page: &Page) -> Vec<String> {
    let v = page
        .js(
            "return Array.from(document.querySelectorAll('#people-rows tr:not(.deleted)'))\
             .map(function (r) { return r.querySelector('td:nth-child(2) input').value; })",
        )
        .await;
    serde_json::from_value(v).unwrap()
}

/// The editor row of `name` (a CSS selector for it), waiting for it.
async fn row_of(page: &Page, name: &str) -> String {
    let id = page
        .wait(
            &format!("{name:?}'s row"),
            &format!(
                "(function () {{ var r = Array.from(document.querySelectorAll('#people-rows tr:not(.deleted)'))\
                 .find(function (r) {{ return r.querySelector('td:nth-child(2) input').value === {}; }}); \
                 return r ? r.getAttribute('data-person') : false; }})()",
                js_str(name)
            ),
        )
        .await;
    format!("#people-rows tr[data-person='{}']", id.as_str().unwrap())
}

fn msg_is(text: &str) -> String {
    format!(
        "document.getElementById('r-msg').textContent === {}",
        js_str(text)
    )
}

/// Types `value` over a text field of `name`'s row (column `col`), leaves
/// it, and waits for "Saved.".
async fn edit_field(page: &Page, name: &str, col: usize, value: &str) {
    let row = row_of(page, name).await;
    retype(page, &row, col, value).await;
}

/// Types `value` over the text field in column `col` of the row `row`
/// (a CSS selector), leaves it, and waits for "Saved.".
async fn retype(page: &Page, row: &str, col: usize, value: &str) {
    mark_rows(page).await;
    page.type_into(
        &format!("{row} td:nth-child({col}) input"),
        &format!("{CONTROL}a{NULL}{value}{TAB}"),
    )
    .await;
    page.wait(
        &format!("{row} td:nth-child({col}) saved"),
        &msg_is("Saved."),
    )
    .await;
    redrawn(page).await;
}

/// Before a change: clears the message (so a wait sees the change's own)
/// and marks the table's rows, which the table's redraw after a saved
/// change replaces.
async fn mark_rows(page: &Page) {
    page.js("document.getElementById('r-msg').textContent = ''; \
             document.querySelectorAll('#people-rows tr').forEach(function (r) { r.__old = true; })")
        .await;
}

/// Waits for the table's redraw after a change (none of the marked rows left).
async fn redrawn(page: &Page) {
    page.wait(
        "the table redrawn",
        "document.querySelectorAll('#people-rows tr').length > 0 && \
         !Array.from(document.querySelectorAll('#people-rows tr')).some(function (r) { return r.__old; })",
    )
    .await;
}

/// The problems the editor shows, by row name.
async fn problems_shown(page: &Page) -> Vec<(String, String)> {
    let v = page
        .js("return Array.from(document.querySelectorAll('#people-rows tr')).filter(function (r) { \
               return r.querySelector('.problem'); }).map(function (r) { \
               return [r.querySelector('td:nth-child(2) input').value, seen(r.querySelector('.problem'))]; })")
        .await;
    serde_json::from_value(v).unwrap()
}

/// Picks `folder` in the event page's folder input, as a person picks a
/// folder (WebDriver hands it on with CDP `DOM.setFileInputFiles`), and
/// waits for every file's bar to finish and the people to be added.
async fn upload_folder(page: &Page, folder: &Path, files: usize) {
    page.wait("the folder button", "!!seen('.uploads-folder-label')")
        .await;
    page.js("document.querySelector('.uploads-pick-folder').hidden = false; return true")
        .await;
    page.find(".uploads-pick-folder")
        .await
        .send_keys(folder.to_str().unwrap())
        .await
        .expect("picking the folder");
    page.wait_for(
        &format!("{files} files uploaded and their people added"),
        &format!(
            "document.querySelectorAll('.upload-row').length === {files} && \
             document.querySelectorAll('.upload-row.done').length === {files} && \
             Array.from(document.querySelectorAll('.upload-row progress'))\
               .every(function (p) {{ return p.value === 100; }}) && \
             document.querySelector('.uploads-overall-bar').value === 100 && \
             /photos added to the event/.test(seen('.uploads-overall-text'))"
        ),
        std::time::Duration::from_secs(60),
    )
    .await;
}

/// Creates an event with the form on /organise; returns its id.
pub(super) async fn new_event(server: &TestServer, page: &Page, title: &str) -> u64 {
    page.goto(&server.url("/organise")).await;
    page.type_into("#event-title", title).await;
    page.click("#new-event button").await;
    page.wait(
        "the event's page",
        &format!(
            "document.getElementById('r-title') && \
             document.getElementById('r-title').textContent === {}",
            js_str(title)
        ),
    )
    .await;
    let id = page
        .js("return document.getElementById('reunion').dataset.id")
        .await;
    id.as_str().unwrap().parse().unwrap()
}

/// Clicks "Host a game" on the event page; waits for the projector's
/// lobby naming the event; returns the room's code and host key.
pub(super) async fn host_from_event(page: &Page, title: &str) -> (String, String) {
    page.click("#host-game").await;
    page.wait(
        "the projector page of the new room",
        "location.pathname.indexOf('/host/') >= 0 && !!document.getElementById('event-title')",
    )
    .await;
    let code = host_ready(page).await;
    assert_eq!(page.shown("#event-title").await, title);
    let key = page
        .js_with(
            "return localStorage.getItem('yearbook.hostkey.' + arguments[0])",
            vec![json!(code)],
        )
        .await;
    (code, key.as_str().expect("the host key kept").to_string())
}

/// Waits for the projector's question with its four photos loaded;
/// returns the name asked for and the photos' codes.
async fn host_tiles(server: &TestServer, host: &Page) -> (String, Vec<u8>) {
    host_phase(host, "question").await;
    host.wait(
        "four photos on the projector",
        "document.querySelectorAll('#q-body img').length === 4 && \
         Array.from(document.querySelectorAll('#q-body img'))\
           .every(function (i) { return i.complete && i.naturalWidth > 0; })",
    )
    .await;
    (
        host.shown("#q-name").await,
        codes_shown(server, host, "#q-body img").await,
    )
}

/// Plays `rounds` solo questions on the preview page; returns the names
/// asked for and the codes of every photo shown.
async fn solo_rounds(server: &TestServer, page: &Page, rounds: u32) -> (Vec<String>, Vec<u8>) {
    let (mut names, mut codes) = (Vec::new(), Vec::new());
    for n in 1..=rounds {
        page.wait(
            "a solo question with four photos",
            "document.querySelectorAll('#solo-choices img').length === 4 && \
             Array.from(document.querySelectorAll('#solo-choices img'))\
               .every(function (i) { return i.complete && i.naturalWidth > 0; }) && \
             !document.querySelector('#solo-choices button:disabled')",
        )
        .await;
        names.push(page.text("#solo-name").await);
        codes.extend(codes_shown(server, page, "#solo-choices img").await);
        page.click("#solo-choices > button:nth-child(1)").await;
        page.wait(
            "the answer",
            &format!(
                "seen('#solo-result').length > 0 && seen('#asked') === '{n}' && !!seen('#solo-next')"
            ),
        )
        .await;
        if n < rounds {
            page.click("#solo-next").await;
        }
    }
    (names, codes)
}

fn set<T: Ord + Clone>(v: &[T]) -> BTreeSet<T> {
    v.iter().cloned().collect()
}

// ---------------------------------------------------------------------------
// The evening

#[test]
fn an_organisers_evening_from_scans_to_podium_survives_kill_9_and_round_trips() {
    browser_test("journey", |b| async move {
        let people: &[(&str, Size)] = &[
            ("organiser", Size::Projector720),
            ("phone-1", Size::Phone),
            ("phone-2", Size::Phone),
        ];
        let browsers = tokio::spawn({
            let b = b.clone();
            async move { b.open_all(people).await }
        });
        let work = tempfile::tempdir().unwrap();
        let (scans, mut codes) = scans_folder(work.path());
        // The real binary on a SQLite file, so that it can be killed.
        let server = TestServer::builder().start();
        let pages = browsers.await.expect("browsers");
        let [org, phone1, phone2] = &pages[..] else {
            unreachable!()
        };
        let title = "Lincoln High, class of 1986";

        // 1. An event, made with the form on /organise.
        let a = new_event(&server, org, title).await;
        org.screenshot("journey-1-event").await;

        // 2. The folder of scans, picked in the event page's drop zone.
        upload_folder(org, &scans, 40).await;
        org.screenshot("journey-2-uploaded").await;
        let event = event_json(&server, a).await;
        let mut got: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for p in alive(&event) {
            let mut labels: Vec<String> = p["photos"]
                .as_array()
                .unwrap()
                .iter()
                .map(|ph| ph["label"].as_str().unwrap_or("").to_string())
                .collect();
            labels.sort();
            got.insert(p["name"].as_str().unwrap().to_string(), labels);
        }
        let want: BTreeMap<String, Vec<String>> = CLASS_A
            .iter()
            .map(|(name, _, scans)| {
                let labels: &[&str] = match scans {
                    Scans::Senior => &["1986"],
                    Scans::BothFolders | Scans::BothInName => &["1983", "1986"],
                    Scans::Plain => &[""],
                };
                let name = if *name == SCAN_SPELLING.1 {
                    SCAN_SPELLING.0
                } else {
                    name
                };
                (
                    name.to_string(),
                    labels.iter().map(|l| l.to_string()).collect(),
                )
            })
            .chain([(COPY.to_string(), vec![String::new()])])
            .collect();
        assert_eq!(got, want, "31 people, their yearbooks as labels");
        // Each person's photos are theirs, levelled from the faded print.
        for p in alive(&event) {
            let name = p["name"].as_str().unwrap();
            let mut shown = Vec::new();
            for ph in p["photos"].as_array().unwrap() {
                let bytes = server.fetch_bytes(ph["thumb"].as_str().unwrap()).await;
                let (code, contrast) = read_scan(&bytes);
                assert!(
                    contrast > 150.0,
                    "{name}'s faded scan ({FADED_DARK}–{FADED_BRIGHT}) is levelled: contrast {contrast:.0}"
                );
                shown.push(code);
            }
            shown.sort();
            let true_name = if name == SCAN_SPELLING.0 {
                SCAN_SPELLING.1
            } else {
                name
            };
            let mut want = codes[true_name].clone();
            want.sort();
            assert_eq!(shown, want, "{name}'s photos");
        }

        // 3. The name list.
        give_name_list(&server, org, a, work.path()).await;

        // 4. Every problem the editor shows, fixed in the editor.
        org.goto(&server.url(&format!("/organise/reunions/{a}")))
            .await;
        org.wait(
            "31 rows",
            "document.querySelectorAll('#people-rows tr:not(.deleted)').length === 31",
        )
        .await;
        // A late classmate, added by hand with a small photo: a namesake.
        let late = work.path().join(format!("{NAMESAKE}.png"));
        std::fs::write(&late, faded_scan(NAMESAKE_CODE)).unwrap();
        org.type_into("#add-name", NAMESAKE).await;
        org.type_into("#add-gender", "m").await;
        org.type_into("#add-photo", late.to_str().unwrap()).await;
        org.click("#add-person button").await;
        org.wait("added", &msg_is(&format!("{NAMESAKE} added.")))
            .await;
        org.wait(
            "32 rows",
            "document.querySelectorAll('#people-rows tr:not(.deleted)').length === 32",
        )
        .await;
        let mut shown = problems_shown(org).await;
        shown.sort();
        // The copy's problem is on whichever of the two came second.
        let zoe = CLASS_A[1].0;
        let twice = if shown.iter().any(|(n, _)| n == COPY) {
            (
                COPY.to_string(),
                format!("the photo is the same image as {zoe}'s"),
            )
        } else {
            (
                zoe.to_string(),
                format!("the photo is the same image as {COPY}'s"),
            )
        };
        let mut want = vec![
            (
                NAMESAKE.to_string(),
                format!("duplicate name '{NAMESAKE}' (first: {NAMESAKE})"),
            ),
            twice,
        ];
        want.sort();
        assert_eq!(shown, want, "the check's words on the rows");
        let summary = org.shown("#r-summary").await;
        assert!(
            summary.contains("gender 'w' has only 1 person"),
            "the lone gender is reported: {summary}"
        );
        org.js("document.querySelector('#people-rows .problem').scrollIntoView({block: 'center'})")
            .await;
        org.screenshot("journey-4-problems").await;
        // The namesake gets his middle initial (the last row with the name).
        let dup = org
            .js_with(
                "var want = arguments[0]; \
                 var rows = Array.from(document.querySelectorAll('#people-rows tr:not(.deleted)'))\
                 .filter(function (r) { return r.querySelector('td:nth-child(2) input').value === want; }); \
                 return rows[rows.length - 1].getAttribute('data-person')",
                vec![json!(NAMESAKE)],
            )
            .await;
        let dup_row = format!("#people-rows tr[data-person='{}']", dup.as_str().unwrap());
        retype(org, &dup_row, 2, NAMESAKE_FIXED).await;
        // The copy of Zoë's scan goes.
        let copy_row = row_of(org, COPY).await;
        mark_rows(org).await;
        org.click(&format!("{copy_row} td:last-child button")).await;
        org.wait("deleted", &msg_is(&format!("{COPY} deleted.")))
            .await;
        redrawn(org).await;
        // The list's spelling of José, who kept the scan's on the match.
        edit_field(org, SCAN_SPELLING.0, 2, SCAN_SPELLING.1).await;
        // Ingrid's "w" becomes "f"; Emil gets his.
        edit_field(org, GENDER_W, 4, "f").await;
        edit_field(org, NO_GENDER, 4, "m").await;
        org.wait(
            "no problem on any row, no warning",
            "document.querySelectorAll('#people-rows .problem').length === 0 && \
             seen('#r-summary').indexOf('warning') < 0",
        )
        .await;
        let event = event_json(&server, a).await;
        assert_eq!(event["warnings"], json!([]), "{event}");
        for p in alive(&event) {
            assert_eq!(p["problems"], json!([]), "{p}");
            assert!(
                p["gender"].as_str().is_some_and(|g| g == "f" || g == "m"),
                "everyone has a gender now: {p}"
            );
        }
        codes.remove(COPY);
        codes.insert(NAMESAKE_FIXED.to_string(), vec![NAMESAKE_CODE]);
        let names_a: BTreeSet<String> = codes.keys().cloned().collect();
        let codes_a: BTreeSet<u8> = codes.values().flatten().copied().collect();
        assert_eq!(set(&editor_names(org).await), names_a);
        org.screenshot("journey-4-fixed").await;

        // 5. A solo round on the class, from the editor.
        org.click("#preview").await;
        let (asked, seen) = solo_rounds(&server, org, 2).await;
        for name in &asked {
            assert!(names_a.contains(name), "solo asks for the class: {name}");
        }
        assert!(set(&seen).is_subset(&codes_a), "{seen:?}");
        org.screenshot("journey-5-solo").await;

        // 6. A game hosted from the event, played on two phones.
        org.goto(&server.url(&format!("/organise/reunions/{a}")))
            .await;
        org.wait("the event page", "!!document.getElementById('host-game')")
            .await;
        let (code, key) = host_from_event(org, title).await;
        org.click("#settings summary").await;
        set_number(org, "set-rounds", "2").await;
        settings_line_has(org, "2 rounds").await;
        let join_url = server.url(&format!("/join/{code}"));
        let players = ["Dana", "Élodie"];
        for (phone, name) in [phone1, phone2].into_iter().zip(players) {
            phone.goto(&join_url).await;
            enter_name(phone, name).await;
        }
        host_lobby_is(org, &players).await;
        org.screenshot("journey-6-lobby").await;
        org.click("#start-btn").await;
        for round in 1..=2 {
            let (name, shown) = host_tiles(&server, org).await;
            assert!(names_a.contains(&name), "round {round} asks for {name:?}");
            assert!(set(&shown).is_subset(&codes_a), "{shown:?}");
            for (i, phone) in [phone1, phone2].into_iter().enumerate() {
                phone_tiles(phone).await;
                tap(phone, i).await;
            }
            host_phase(org, "reveal").await;
            if round == 1 {
                org.screenshot("journey-6-reveal").await;
            }
            emcee::wake_controls(org).await;
            org.click("#next-btn").await;
        }
        host_phase(org, "over").await;
        let board = org
            .wait(
                "the podium and the final board",
                "(function () { \
                   var rows = Array.from(document.querySelectorAll('#final-board li')).map(function (r) { \
                     return [seen(r.querySelector('.b-name')), seen(r.querySelector('.b-score'))]; }); \
                   var podium = [1, 2].map(function (p) { \
                     return seen(document.querySelector('#podium .step.p' + p + ' .step-name')); }); \
                   return podium.every(Boolean) && rows.length === 2 && rows; })()",
            )
            .await;
        let board: Vec<(String, u64)> = board
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r[0].as_str().unwrap().to_string(),
                    number(r[1].as_str().unwrap()),
                )
            })
            .collect();
        for phone in [phone1, phone2] {
            phone_screen(phone, "s-over").await;
        }
        org.screenshot("journey-6-podium").await;
        phone1.screenshot("journey-6-phone-final").await;
        for p in &pages {
            p.assert_clean().await;
        }
        // Nothing left open on the old server when it dies.
        for p in &pages {
            p.goto("about:blank").await;
        }

        // 7. kill -9, and a new process on the same database.
        let server = server.restart_after_kill9();
        let event = event_json(&server, a).await;
        assert_eq!(event["reunion"]["title"], title);
        assert_eq!(event["rooms"], 1, "the room is still the event's");
        let names_after: BTreeSet<String> = alive(&event)
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(names_after, names_a, "the edits kept");
        assert_eq!(person(&event, GENDER_W)["gender"], "f");
        assert_eq!(person(&event, NO_GENDER)["gender"], "m");
        assert_eq!(person(&event, NAMESAKE_FIXED)["gender"], "m");
        assert_eq!(person(&event, "Renée Castellano")["known_as"], "Renée Park");
        assert_eq!(person(&event, "Oisín Byrne")["in_memoriam"], true);
        let csv = get_results_csv(&server, &code, &key).await;
        assert_eq!(csv.status().as_u16(), 200);
        let csv = csv.text().await.unwrap();
        let mut lines = csv.lines();
        let head: Vec<&str> = lines.next().unwrap().split(',').collect();
        let col = |h: &str| head.iter().position(|x| *x == h).unwrap();
        let results: Vec<(String, u64)> = lines
            .map(|l| {
                let cells: Vec<&str> = l.split(',').collect();
                (
                    cells[col("name")].to_string(),
                    cells[col("score")].parse().unwrap(),
                )
            })
            .collect();
        let (mut results, mut board) = (results, board);
        results.sort();
        board.sort();
        assert_eq!(results, board, "the finished game's results: {csv}");
        org.goto(&server.url(&format!("/organise/reunions/{a}")))
            .await;
        org.wait(
            "the event as it was left",
            "document.querySelectorAll('#people-rows tr:not(.deleted)').length === 31 && \
             document.querySelectorAll('#people-rows .problem').length === 0",
        )
        .await;
        assert_eq!(set(&editor_names(org).await), names_a);
        assert!(
            org.shown("#r-summary").await.contains("1 room"),
            "{}",
            org.shown("#r-summary").await
        );
        org.screenshot("journey-7-restarted").await;

        // 8. A second event on the same server, with other people.
        let title_b = "Hillcrest High, class of 1990";
        let bid = new_event(&server, org, title_b).await;
        let scans_b = work.path().join("Hillcrest scans");
        for (i, name) in CLASS_B.iter().enumerate() {
            std::fs::create_dir_all(scans_b.join("1990")).unwrap();
            std::fs::write(
                scans_b.join(format!("1990/{name}.png")),
                faded_scan(B_FIRST_CODE + i as u8),
            )
            .unwrap();
        }
        let names_b: BTreeSet<String> = CLASS_B.iter().map(|n| n.to_string()).collect();
        let codes_b: BTreeSet<u8> = (0..CLASS_B.len() as u8).map(|i| B_FIRST_CODE + i).collect();
        upload_folder(org, &scans_b, CLASS_B.len()).await;
        org.goto(&server.url(&format!("/organise/reunions/{bid}")))
            .await;
        org.wait(
            "five rows with thumbnails",
            "document.querySelectorAll('#people-rows img.thumb').length === 5 && \
             Array.from(document.querySelectorAll('#people-rows img.thumb'))\
               .every(function (i) { return i.complete && i.naturalWidth > 0; })",
        )
        .await;
        assert_eq!(set(&editor_names(org).await), names_b);
        assert_eq!(
            set(&codes_shown(&server, org, "#people-rows img").await),
            codes_b,
            "the editor shows B's photos only"
        );
        let page_text = org.js("return document.body.innerText").await;
        for name in &names_a {
            assert!(
                !page_text.as_str().unwrap().contains(name.as_str()),
                "B's editor names {name}"
            );
        }
        org.screenshot("journey-8-second-event").await;
        org.click("#preview").await;
        let (asked, seen) = solo_rounds(&server, org, 3).await;
        assert!(set(&asked).is_subset(&names_b), "{asked:?}");
        assert!(set(&seen).is_subset(&codes_b), "{seen:?}");
        org.goto(&server.url(&format!("/organise/reunions/{bid}")))
            .await;
        org.wait("the event page", "!!document.getElementById('host-game')")
            .await;
        host_from_event(org, title_b).await;
        let code_b = org.shown(".room-code").await;
        phone1.goto(&server.url(&format!("/join/{code_b}"))).await;
        enter_name(phone1, "Dana").await;
        host_lobby_is(org, &["Dana"]).await;
        org.click("#start-btn").await;
        let (name, shown) = host_tiles(&server, org).await;
        assert!(names_b.contains(&name), "B's room asks for {name:?}");
        assert!(set(&shown).is_subset(&codes_b), "{shown:?}");
        phone_tiles(phone1).await;
        assert!(
            set(&codes_shown(&server, phone1, "#pq-choices img").await).is_subset(&codes_b),
            "the phone shows B's photos only"
        );
        org.screenshot("journey-8-second-room").await;
        for p in &pages {
            p.assert_clean().await;
            p.goto("about:blank").await;
        }

        // 9. export → check → serve --roster: the same class plays.
        let out = work.path().join("lincoln1986");
        let mut cmd = common::yearbook_cmd();
        cmd.arg("export")
            .arg(a.to_string())
            .arg("--db")
            .arg(server.db_path())
            .arg("--out")
            .arg(&out);
        let f = common::run_with_timeout(cmd, std::time::Duration::from_secs(60));
        assert_eq!(f.code(), Some(0), "export: {}", f.all_output());
        let roster = out.join("roster.csv");
        let mut cmd = common::yearbook_cmd();
        cmd.arg("check").arg(&out);
        let f = common::run_with_timeout(cmd, std::time::Duration::from_secs(60));
        assert_eq!(f.code(), Some(0), "check: {}", f.all_output());
        let photo_count = codes.values().map(Vec::len).sum::<usize>();
        assert!(
            f.stdout.contains(&format!("ok, {} people", names_a.len())),
            "{}",
            f.stdout
        );
        let mut r = ::csv::Reader::from_path(&roster).unwrap();
        let rows: Vec<::csv::StringRecord> = r.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), photo_count, "one row a photo");
        let exported: BTreeSet<String> = rows.iter().map(|r| r[0].to_string()).collect();
        assert_eq!(exported, names_a);
        drop(server);
        let served = TestServer::builder()
            .arg("--roster")
            .arg(out.to_str().unwrap())
            .start();
        let (code, key) = create_room(&served, json!({"rounds": 1})).await;
        let mut host = connect_host(&served, &code, &key).await;
        let (mut p1, _) = join(&served, &code, "Dana").await;
        let (mut p2, _) = join(&served, &code, "Élodie").await;
        host.send(json!({"type": "start_round"})).await;
        let round = p1.recv_type("round").await;
        let asked = round["prompt"]["name"].as_str().unwrap();
        assert!(names_a.contains(asked), "{asked}");
        for c in round["choices"].as_array().unwrap() {
            let bytes = served.fetch_bytes(c["thumb"].as_str().unwrap()).await;
            assert!(codes_a.contains(&read_scan(&bytes).0), "{round}");
        }
        let n = round["round"].as_u64().unwrap();
        p1.vote(n, 0).await;
        p2.recv_type("round").await;
        p2.vote(n, 1).await;
        host.recv_type("reveal").await;
    });
}

/// Step 3 on the event page's "Name list" section: the list's file
/// picked (its bytes decoded by the server), compared, the one close
/// match accepted with one click, applied.
async fn give_name_list(server: &TestServer, org: &Page, id: u64, dir: &Path) {
    let file = dir.join("Klassenliste.csv");
    std::fs::write(&file, name_list()).unwrap();
    let event = event_json(server, id).await;
    let scanned = person(&event, SCAN_SPELLING.0)["id"].clone();
    org.goto(&server.url(&format!("/organise/reunions/{id}")))
        .await;
    org.wait(
        "the name list section",
        "!!document.getElementById('nl-file')",
    )
    .await;
    org.find("#nl-file")
        .await
        .send_keys(file.to_str().unwrap())
        .await
        .expect("picking the list's file");
    let matched = CLASS_A.len() - 1;
    org.wait(
        "the list compared",
        &format!("document.querySelectorAll('#nl-matched li[data-person]').length === {matched}"),
    )
    .await;
    assert_eq!(
        org.js("return Array.from(document.querySelectorAll('#nl-unmatched-list li')).length")
            .await,
        json!(1),
        "only {} is on the list and not matched: {}",
        SCAN_SPELLING.1,
        org.shown("#nl-result").await
    );
    assert!(
        org.shown("#nl-unmatched-list")
            .await
            .contains(SCAN_SPELLING.1),
        "{}",
        org.shown("#nl-unmatched-list").await
    );
    org.js("document.getElementById('namelist').scrollIntoView()")
        .await;
    org.screenshot("journey-3-namelist-compared").await;
    // One click: the list's José Núñez is the scan's Nunez Jose.
    org.click(&format!(
        "#nl-unmatched-list .nl-accept[data-person='{scanned}']"
    ))
    .await;
    org.wait(
        "the match accepted",
        &format!(
            "document.querySelectorAll('#nl-matched li[data-person]').length === {}",
            matched + 1
        ),
    )
    .await;
    org.click("#nl-apply").await;
    org.wait(
        "applied",
        &format!(
            "document.getElementById('nl-msg').textContent.indexOf('Applied:') === 0 && \
             document.getElementById('nl-msg').textContent.indexOf('No row on the list for: {COPY}') >= 0"
        ),
    )
    .await;
    org.screenshot("journey-3-namelist-applied").await;
}
