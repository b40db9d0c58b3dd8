//! End-to-end tests in a real Chromium driven through chromedriver: a
//! projector page and phone pages play whole games by clicking and typing,
//! as people would: a player knows the right photo by the face on the
//! screen, and the tests read only what is shown. Every flow ends with no
//! script error on any page, and each screen is saved under
//! `target/screenshots/`. Without Chromium and chromedriver the tests say
//! so and pass, unless `CI` is set.

mod common;
#[path = "browser/editor.rs"]
mod editor;
#[path = "browser/emcee.rs"]
mod emcee;
#[path = "browser/faces.rs"]
mod faces;
#[path = "browser/fixes.rs"]
mod fixes;
#[path = "browser/fixes2.rs"]
mod fixes2;
#[path = "browser/harness.rs"]
mod harness;
#[path = "browser/journey.rs"]
mod journey;
#[path = "browser/lang.rs"]
mod lang;
#[path = "browser/lang_room.rs"]
mod lang_room;
#[path = "browser/namelist.rs"]
mod namelist;
#[path = "browser/organise.rs"]
mod organise;
#[path = "browser/organise_lang.rs"]
mod organise_lang;
#[path = "browser/pages_flow.rs"]
mod pages_flow;
#[path = "browser/pause.rs"]
mod pause;
#[path = "browser/phone.rs"]
mod phone;
#[path = "browser/photorev.rs"]
mod photorev;
#[path = "browser/photos.rs"]
mod photos;
#[path = "browser/polish.rs"]
mod polish;
#[path = "browser/preload.rs"]
mod preload;
#[path = "browser/privacy.rs"]
mod privacy;
#[path = "browser/projector.rs"]
mod projector;
#[path = "browser/remote.rs"]
mod remote;
#[path = "browser/roster_zip.rs"]
mod roster_zip;
#[path = "browser/settings.rs"]
mod settings;
#[path = "browser/thennow.rs"]
mod thennow;
#[path = "browser/thennow_journey.rs"]
mod thennow_journey;
#[path = "browser/thennow_modes.rs"]
mod thennow_modes;
#[path = "browser/thennow_settings.rs"]
mod thennow_settings;
#[path = "browser/uploads.rs"]
mod uploads;

use common::TestServer;
use faces::Faces;
use harness::{Browser, Page, Size, browser_test, js_str};
use serde_json::{Value, json};

/// WebDriver's Enter key.
const ENTER: &str = "\u{E007}";

/// Ten people of the bundled demo class (real-looking photos for the
/// screenshots; loading all 48 takes seconds in a debug build): five per
/// gender, two who go by another name now, one in memoriam, accents.
const CLASS: [&str; 10] = [
    "Jennifer Park",
    "Christine Abernathy",
    "Heather Ashdown",
    "Zoë Quimby",
    "Renee Castellano",
    "Christopher Vance",
    "Troy Haverford",
    "José Alvarado",
    "Kevin O'Neil",
    "Greg Bannister",
];

/// Seconds per round: long enough that no step of a test races the clock
/// on a busy machine; every round here closes by votes or by R.
const SECONDS: u32 = 30;

/// A roster folder with `CLASS` copied from `data/demo/`, and their
/// faces as the yearbook shows them.
struct Class {
    dir: tempfile::TempDir,
    names: Vec<String>,
    faces: Faces,
}

fn demo_class() -> Class {
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo");
    let mut r = csv::Reader::from_path(demo.join("roster.csv")).expect("demo roster");
    let headers = r.headers().unwrap().clone();
    let col = |h: &str| headers.iter().position(|x| x == h).unwrap();
    let (name, photo) = (col("name"), col("photo"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("photos")).unwrap();
    let mut out = csv::Writer::from_path(dir.path().join("roster.csv")).unwrap();
    out.write_record(&headers).unwrap();
    let mut names = Vec::new();
    let mut photos = Vec::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        if CLASS.contains(&&rec[name]) {
            std::fs::copy(demo.join(&rec[photo]), dir.path().join(&rec[photo])).unwrap();
            out.write_record(&rec).unwrap();
            names.push(rec[name].to_string());
            photos.push((rec[name].to_string(), demo.join(&rec[photo])));
        }
    }
    out.flush().unwrap();
    assert_eq!(
        names.len(),
        CLASS.len(),
        "the demo class has changed: {names:?}"
    );
    Class {
        dir,
        names,
        faces: Faces::new(photos),
    }
}

/// Who a demo classmate is now (`known_as`, maybe empty) and whether they
/// are remembered in memoriam.
fn demo_person(name: &str) -> (String, bool) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/demo/roster.csv");
    let mut r = csv::Reader::from_path(path).expect("demo roster");
    let headers = r.headers().unwrap().clone();
    let col = |h: &str| headers.iter().position(|x| x == h).unwrap();
    for rec in r.records() {
        let rec = rec.unwrap();
        if &rec[col("name")] == name {
            let memoriam = matches!(rec[col("in_memoriam")].trim(), "true" | "yes" | "1");
            return (rec[col("known_as")].to_string(), memoriam);
        }
    }
    panic!("{name:?} is not in the demo class");
}

/// The "now …" line under a name: shown exactly when the person goes by
/// another name now.
async fn assert_known_as(page: &Page, css: &str, name: &str) {
    let (known_as, _) = demo_person(name);
    let shown = page
        .js_with("return seen(arguments[0])", vec![json!(css)])
        .await;
    let want = if known_as.is_empty() {
        String::new()
    } else {
        format!("now {known_as}")
    };
    assert_eq!(shown, want, "[{}] {css} under {name:?}", page.label);
}

/// The server (in-process) on `demo_class()` (with an optional base path), started
/// while Chromium starts a browser for each of `people`.
async fn setup(
    b: &Browser,
    base_path: Option<&str>,
    people: &'static [(&'static str, Size)],
) -> (Class, TestServer, Vec<Page>) {
    let browsers = tokio::spawn({
        let b = b.clone();
        async move { b.open_all(people).await }
    });
    let class = demo_class();
    let mut builder = TestServer::builder().roster(&class.dir.path().join("roster.csv"));
    if let Some(p) = base_path {
        builder = builder.base_path(p);
    }
    let server = builder.in_process().start();
    (class, server, browsers.await.expect("browsers"))
}

fn ordinal(n: u64) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// "No points yet", "Tied 2nd with 1 other", "3rd": the place a phone shows.
fn place_text(rank: u64, tied: usize, score: u64) -> String {
    match (score, tied) {
        (0, _) => "No points yet".to_string(),
        (_, 0) => ordinal(rank),
        (_, 1) => format!("Tied {} with 1 other", ordinal(rank)),
        (_, n) => format!("Tied {} with {n} others", ordinal(rank)),
    }
}

/// What a phone's end screen says of its place: like [`place_text`], as a sentence.
fn final_place_text(rank: u64, tied: usize, of: usize, score: u64) -> String {
    match (score, tied) {
        (0, _) => "No points this time".to_string(),
        (_, 0) => format!("You finished {} of {of}", ordinal(rank)),
        (_, 1) => format!("You finished tied {} of {of}, with 1 other", ordinal(rank)),
        (_, n) => format!(
            "You finished tied {} of {of}, with {n} others",
            ordinal(rank)
        ),
    }
}

/// "1,234" → 1234.
fn number(s: &str) -> u64 {
    let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {s:?}"))
}

async fn new_room(server: &TestServer, rounds: u32) -> Value {
    new_room_in_mode(server, rounds, "name_to_photo").await
}

async fn new_room_in_mode(server: &TestServer, rounds: u32, mode: &str) -> Value {
    let body = json!({"rounds": rounds, "seconds": SECONDS, "mode": mode});
    let (status, v) = server.post_json("/api/rooms", &body).await;
    assert_eq!(status, 201, "POST /api/rooms {body} → {v}");
    v
}

/// A new event titled `title`, made over the organiser's API (the test
/// server organises from loopback); its id.
async fn new_event(server: &TestServer, title: &str) -> u64 {
    let (status, r) = server
        .post_json("/api/organise/reunions", &json!({"title": title}))
        .await;
    assert_eq!(status, 201, "{r}");
    r["id"].as_u64().expect("the event's id")
}

/// Adds a person to event `id` over the organiser's API: `body` as
/// `POST /api/organise/reunions/{id}/people` takes it; the person made.
async fn add_person(server: &TestServer, id: impl std::fmt::Display, body: Value) -> Value {
    let (status, v) = server
        .post_json(&format!("/api/organise/reunions/{id}/people"), &body)
        .await;
    assert_eq!(status, 201, "{body} → {v}");
    v
}

/// A person for [`add_person`]: `name` with test portrait `i` as photo.
fn pictured(name: &str, i: usize) -> Value {
    json!({"name": name, "photos": [{"data": common::portrait_b64(i)}]})
}

/// The organiser's page of event `id` on a phone, once its table shows
/// `rows` people with thumbnails.
async fn event_page(b: &Browser, server: &TestServer, id: &str, rows: usize) -> Page {
    let page = b.open("organiser", Size::Phone).await;
    page.goto(&server.url(&format!("/organise/reunions/{id}")))
        .await;
    page.wait(
        &format!("{rows} rows"),
        &format!("document.querySelectorAll('#people-rows img.thumb').length === {rows}"),
    )
    .await;
    page
}

// ---------------------------------------------------------------------------
// The projector page

/// Waits for the projector's lobby, connected; returns the room code.
async fn host_ready(host: &Page) -> String {
    host.wait(
        "the projector's lobby, connected",
        "document.getElementById('host').dataset.phase === 'lobby' \
         && !document.getElementById('start-btn').disabled",
    )
    .await;
    assert_eq!(
        host.js("return location.hash").await,
        "",
        "the host key must leave the projected address bar"
    );
    host.shown(".room-code").await
}

/// A new room of `rounds` rounds, its lobby open on the projector; returns its code.
async fn host_new_room(server: &TestServer, host: &Page, rounds: u32) -> String {
    let room = new_room(server, rounds).await;
    host.goto(room["host_url"].as_str().unwrap()).await;
    host_ready(host).await;
    room["code"].as_str().unwrap().to_string()
}

async fn host_phase(host: &Page, phase: &str) {
    host.wait(
        &format!("the projector's {phase} screen"),
        &format!(
            "document.getElementById('host').dataset.phase === {p} && seen(document.getElementById({p})) !== ''",
            p = js_str(phase)
        ),
    )
    .await;
}

/// Waits until the lobby has exactly `names`, all connected: every name on
/// screen is one of them, once, and the names that do not fit are counted in
/// a last "+ N more" chip, so that shown + N = all of them. Returns how many
/// names are on the screen.
async fn host_lobby_is(host: &Page, names: &[&str]) -> usize {
    let mut want: Vec<&str> = names.to_vec();
    want.sort();
    let want = serde_json::to_string(&want).unwrap();
    let shown = host
        .wait(
            &format!("the lobby to have exactly {want}, all connected"),
            &format!(
                "(function () {{ \
                   var want = JSON.parse({want}), twice = {{}}; \
                   var shown = Array.from(document.querySelectorAll('#players .chip-name')).map(seen); \
                   var more = document.querySelectorAll('#players .chip.more'); \
                   var hidden = more.length ? Number(seen(more[0]).replace(/[^0-9]/g, '')) : 0; \
                   var ok = more.length <= 1 && (!more.length || (hidden > 0 \
                       && more[0] === document.getElementById('players').lastElementChild)) \
                     && shown.length + hidden === want.length \
                     && shown.every(function (n) {{ var fresh = !twice[n]; twice[n] = 1; \
                          return fresh && want.indexOf(n) >= 0; }}) \
                     && !document.querySelector('#players .chip.away') \
                     && seen('#player-count') === '{}'; \
                   return ok && shown.length; }})()",
                names.len(),
                want = js_str(&want)
            ),
        )
        .await;
    shown.as_u64().unwrap() as usize
}

/// Fails when the HTML under `css` names anyone in the roster (alt, title,
/// aria-label, data attributes: the answer must not leak), and checks that
/// every image there has an alt text.
async fn assert_names_nobody(page: &Page, css: &str, roster: &[String]) {
    let v = page
        .js_with(
            "var n = document.querySelector(arguments[0]); \
             return {html: n.outerHTML, alts: Array.from(n.querySelectorAll('img'))\
             .map(function (i) { return i.getAttribute('alt'); })};",
            vec![json!(css)],
        )
        .await;
    let html = v["html"].as_str().unwrap().to_lowercase();
    for name in roster {
        assert!(
            !html.contains(&name.to_lowercase()),
            "[{}] {css} gives the answer away, it contains {name:?}: {}",
            page.label,
            v["html"]
        );
    }
    for alt in v["alts"].as_array().unwrap() {
        assert!(
            alt.as_str().is_some_and(|a| !a.trim().is_empty()),
            "[{}] an image in {css} has no alt text: {}",
            page.label,
            v["alts"]
        );
    }
}

/// Waits for the question screen of `round`, with its four photos loaded;
/// checks the tiles name nobody; returns the name asked for.
async fn host_question(host: &Page, round: u32, of: u32, roster: &[String]) -> String {
    host_phase(host, "question").await;
    host.wait(
        &format!("round {round} on the projector with four photos loaded"),
        &format!(
            // The round line is set in capitals.
            "seen('#q-round') === 'ROUND {round} OF {of}' \
             && document.querySelectorAll('#q-body img').length === 4 \
             && Array.from(document.querySelectorAll('#q-body img'))\
             .every(function (i) {{ return i.complete && i.naturalWidth > 0; }})"
        ),
    )
    .await;
    let name = host.shown("#q-name").await;
    assert!(
        roster.contains(&name),
        "the projector asks for a classmate of the roster, got {name:?}"
    );
    assert_known_as(host, "#q-known", &name).await;
    assert_names_nobody(host, "#q-body", roster).await;
    assert_fits(host, "the question").await;
    name
}

/// What the projector shows after a reveal; `answer` is the choice with
/// the ✓ next to it.
#[derive(Debug)]
struct HostReveal {
    name: String,
    answer: usize,
    votes: Vec<String>,
    board: Vec<(u64, String, u64)>,
}

async fn host_reveal(host: &Page, round: u32) -> HostReveal {
    host_phase(host, "reveal").await;
    host.wait(
        &format!("the reveal of round {round} with its leaderboard"),
        &format!(
            "seen('#r-round').indexOf('ROUND {round} ') === 0 \
             && document.querySelectorAll('#board .board-row').length > 0 \
             && Array.from(document.querySelectorAll('#board .board-row .b-score, #r-chart .bar-num'))\
             .every(seen)"
        ),
    )
    .await;
    let v = host
        .js(
            "function t(r, c) { return seen(r.querySelector(c)); } \
             return { name: seen('#r-name'), \
               rows: Array.from(document.querySelectorAll('#r-chart .bar-row')).map(function (r) { \
                 return { right: t(r, '.tick') === '✓', votes: t(r, '.bar-num') }; }), \
               board: Array.from(document.querySelectorAll('#board .board-row')).map(function (r) { \
                 return [t(r, '.b-rank'), t(r, '.b-name'), t(r, '.b-score')]; }) };",
        )
        .await;
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 4, "four bars at the reveal: {v}");
    let right: Vec<usize> = (0..4).filter(|&i| rows[i]["right"] == true).collect();
    assert_eq!(right.len(), 1, "exactly one choice has a ✓: {v}");
    let name = v["name"].as_str().unwrap();
    assert_known_as(host, "#r-known", name).await;
    let memoriam = host.js("return seen('#r-memoriam')").await;
    assert_eq!(
        memoriam == "In memoriam",
        demo_person(name).1,
        "\"In memoriam\" for {name:?}: {memoriam}"
    );
    HostReveal {
        name: v["name"].as_str().unwrap().to_string(),
        answer: right[0],
        votes: rows
            .iter()
            .map(|r| r["votes"].as_str().unwrap().to_string())
            .collect(),
        board: v["board"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    number(r[0].as_str().unwrap()),
                    r[1].as_str().unwrap().to_string(),
                    number(r[2].as_str().unwrap()),
                )
            })
            .collect(),
    }
}

/// The movement arrows next to each leaderboard row: against the previous
/// reveal's board "▲ n" / "▼ n" places, "NEW" for someone who was not on
/// it, nothing for the same place; no arrows at all after the first
/// reveal. They come in after the board has moved: waits for them.
async fn assert_moves(host: &Page, prev: Option<&HostReveal>, r: &HostReveal) {
    let want: Vec<String> = r
        .board
        .iter()
        .map(|(rank, name, _)| match prev {
            None => String::new(),
            Some(p) => match p.board.iter().find(|(_, n, _)| n == name) {
                None => "NEW".to_string(),
                Some((was, _, _)) if was > rank => format!("▲ {}", was - rank),
                Some((was, _, _)) if was < rank => format!("▼ {}", rank - was),
                Some(_) => String::new(),
            },
        })
        .collect();
    wait_eq(
        host,
        &format!(
            "movement since the last reveal: {:?} → {:?}",
            prev.map(|p| &p.board),
            r.board
        ),
        "return Array.from(document.querySelectorAll('#board .board-row'))\
         .map(function (r) { return seen(r.querySelector('.b-move')); });",
        json!(want),
    )
    .await;
}

/// Polls `script` until it returns `want`; fails with the last answer
/// after `harness::WAIT`.
async fn wait_eq(page: &Page, what: &str, script: &str, want: Value) {
    let deadline = std::time::Instant::now() + harness::WAIT;
    loop {
        let got = page.js(script).await;
        if got == want {
            return;
        }
        if std::time::Instant::now() > deadline {
            assert_eq!(got, want, "[{}] {what}", page.label);
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Fails unless the page's animations end within 3 s.
async fn assert_settled(page: &Page, what: &str) {
    assert!(
        page.settle().await,
        "[{}] {what}: animations still running after 3 s",
        page.label
    );
}

/// JavaScript that lists in `out` every shown box that hides its overflow
/// and cuts its content off, passing over those `skip` (a statement on
/// `el`) returns from.
fn cut_boxes_js(skip: &str) -> String {
    format!(
        "var out = []; \
         document.querySelectorAll('body *').forEach(function (el) {{ \
           if (!el.offsetParent) return; \
           var cs = getComputedStyle(el); \
           if (!/hidden|clip/.test(cs.overflowX + cs.overflowY)) return; \
           {skip} \
           if (el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1) \
             out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + '.' + el.className \
               + ' ' + el.scrollWidth + 'x' + el.scrollHeight + ' in ' + el.clientWidth + 'x' + el.clientHeight); \
         }});"
    )
}

/// Fails when the page scrolls or a box that hides its overflow cuts
/// something off: a projector or phone screen shows it all. A box that cuts
/// on purpose says so with the class `clipped` (and fades its edge); a
/// screen reader's `sr-only` text is cut to nothing on purpose.
async fn assert_fits(page: &Page, what: &str) {
    assert_settled(page, what).await;
    let clipped = page
        .js(&format!(
            "{} return out;",
            cut_boxes_js(
                "if (el.classList.contains('clipped') || el.classList.contains('sr-only')) return;"
            )
        ))
        .await;
    assert_eq!(
        clipped,
        json!([]),
        "[{}] {what}: boxes cut off their content",
        page.label
    );
    let v = page
        .js("var d = document.documentElement; \
             return [d.scrollWidth, d.scrollHeight, window.innerWidth, window.innerHeight];")
        .await;
    let n = |i: usize| v[i].as_u64().unwrap();
    assert!(
        n(0) <= n(2) && n(1) <= n(3),
        "[{}] {what} does not fit the screen: content {}×{} in a {}×{} window",
        page.label,
        n(0),
        n(1),
        n(2),
        n(3)
    );
}

// ---------------------------------------------------------------------------
// The phone page

async fn phone_screen(phone: &Page, screen: &str) {
    phone
        .wait(
            &format!("the phone's {screen} screen"),
            &format!(
                "document.getElementById('join').dataset.screen === {s} \
                 && seen(document.getElementById({s})) !== ''",
                s = js_str(screen)
            ),
        )
        .await;
}

/// On the join form: the name into the first text box, then Enter.
async fn enter_name(phone: &Page, name: &str) {
    phone
        .wait("the join form", "document.querySelector('#join-form')")
        .await;
    phone
        .type_into(
            "input[type=text], input:not([type])",
            &format!("{name}{ENTER}"),
        )
        .await;
    phone_screen(phone, "s-wait").await;
    assert_eq!(
        phone.shown("#wait-name").await,
        name,
        "[{}] the waiting screen shows the player's name",
        phone.label
    );
}

/// The phone of the guest a then & now question is about: it says so,
/// and offers nothing to tap.
async fn assert_its_you(phone: &Page) {
    wait_eq(
        phone,
        "That's you!",
        "return seen('#locked')",
        json!("That’s you! Watch the others guess."),
    )
    .await;
    let taps = phone
        .js("return Array.from(document.querySelectorAll('#pq-choices button')).filter(function (b) { return !b.disabled; }).length")
        .await;
    assert_eq!(taps, 0, "nothing to tap on a question about yourself");
}

/// Waits for `round` on a phone with its four tiles loaded; checks the name
/// asked for, that the tiles name nobody and that each is a big, whole
/// target on the screen.
async fn phone_question(phone: &Page, round: u32, of: u32, asked: &str, roster: &[String]) {
    phone_screen(phone, "s-question").await;
    phone
        .wait(
            &format!("round {round} on the phone with four tiles loaded"),
            &format!(
                "seen('#pq-round') === 'Round {round} of {of}' \
                 && document.querySelectorAll('#pq-choices button img').length === 4 \
                 && Array.from(document.querySelectorAll('#pq-choices button img'))\
                 .every(function (i) {{ return i.complete && i.naturalWidth > 0; }})"
            ),
        )
        .await;
    assert_eq!(
        phone.shown(".pq-name").await,
        asked,
        "[{}] name",
        phone.label
    );
    assert_known_as(phone, "#pq-prompt .q-known", asked).await;
    assert_names_nobody(phone, "#pq-choices", roster).await;
    assert_tiles_on_screen(phone).await;
}

/// Waits for a question on a phone with its four photos loaded.
async fn phone_tiles(phone: &Page) {
    phone_screen(phone, "s-question").await;
    phone
        .wait(
            "the phone's four photos",
            "Array.from(document.querySelectorAll('#pq-choices img'))\
             .filter(function (i) { return i.complete && i.naturalWidth > 0; }).length === 4",
        )
        .await;
}

/// Each choice is an enabled touch target of at least 44×44 px, wholly on
/// the 390×844 screen, nothing locked in yet, and the page does not scroll.
async fn assert_tiles_on_screen(phone: &Page) {
    let v = phone
        .js(
            "return Array.from(document.querySelectorAll('#pq-choices button')).map(function (b) { \
               var r = b.getBoundingClientRect(); \
               return {w: r.width, h: r.height, top: r.top, bottom: r.bottom, left: r.left, \
                       right: r.right, disabled: b.disabled}; });",
        )
        .await;
    for (i, t) in v.as_array().unwrap().iter().enumerate() {
        let f = |k: &str| t[k].as_f64().unwrap();
        assert!(
            f("w") >= 44.0 && f("h") >= 44.0,
            "[{}] tile {i} is smaller than a 44 px touch target: {t}",
            phone.label
        );
        assert!(
            f("top") >= 0.0 && f("left") >= 0.0 && f("bottom") <= 844.0 && f("right") <= 390.0,
            "[{}] tile {i} is not wholly on a 390×844 screen: {t}",
            phone.label
        );
        assert_eq!(
            t["disabled"], false,
            "[{}] tile {i} can be tapped",
            phone.label
        );
    }
    assert_eq!(
        phone.text("#locked").await,
        "",
        "[{}] nothing locked in yet",
        phone.label
    );
    assert_fits(phone, "the question").await;
}

/// A photo-to-name question on the projector: one photo (whose alt names
/// nobody) and four names; returns the names in order.
async fn host_question_names(host: &Page, round: u32, of: u32, roster: &[String]) -> Vec<String> {
    host_phase(host, "question").await;
    host.wait(
        &format!("photo-to-name round {round} on the projector"),
        &format!(
            "seen('#q-round') === 'ROUND {round} OF {of}' \
             && document.querySelectorAll('#q-body .name-choice').length === 4 \
             && Array.from(document.querySelectorAll('#q-body .pn-photo img'))\
             .every(function (i) {{ return i.complete && i.naturalWidth > 0; }})"
        ),
    )
    .await;
    let names: Vec<String> = serde_json::from_value(
        host.js("return Array.from(document.querySelectorAll('#q-body .name-text')).map(seen);")
            .await,
    )
    .unwrap();
    for n in &names {
        assert!(roster.contains(n), "the choices are classmates: {names:?}");
    }
    assert_names_nobody(host, "#q-body .pn-photo", roster).await;
    assert_fits(host, "the photo-to-name question").await;
    names
}

/// The same question on a phone: the same four names as buttons.
async fn phone_question_names(
    phone: &Page,
    round: u32,
    of: u32,
    names: &[String],
    roster: &[String],
) {
    phone_screen(phone, "s-question").await;
    phone
        .wait(
            &format!("photo-to-name round {round} on the phone"),
            &format!(
                "seen('#pq-round') === 'Round {round} of {of}' \
                 && document.querySelectorAll('#pq-choices button.name-btn').length === 4 \
                 && Array.from(document.querySelectorAll('#pq-prompt img'))\
                 .every(function (i) {{ return i.complete && i.naturalWidth > 0; }})"
            ),
        )
        .await;
    let shown = phone
        .js("return Array.from(document.querySelectorAll('#pq-choices .name-text')).map(seen);")
        .await;
    assert_eq!(shown, json!(names), "[{}] the four names", phone.label);
    assert_names_nobody(phone, "#pq-prompt", roster).await;
    assert_tiles_on_screen(phone).await;
}

/// Who the photos under `css` show, in page order, told from a screenshot
/// of them as the person at `page` sees them.
async fn whom_shown(page: &Page, faces: &Faces, css: &str) -> Vec<String> {
    let rects = page
        .js_with(
            "return Array.from(document.querySelectorAll(arguments[0])).map(function (n) { \
               var r = n.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; });",
            vec![json!(css)],
        )
        .await;
    let view = page.view().await;
    let rects: Vec<[f64; 4]> = serde_json::from_value(rects).unwrap();
    assert!(!rects.is_empty(), "[{}] no photo {css:?}", page.label);
    rects
        .iter()
        .map(|&[x, y, w, h]| {
            assert!(
                x >= 0.0
                    && y >= 0.0
                    && x + w <= view.width() as f64
                    && y + h <= view.height() as f64,
                "[{}] a photo {css:?} is not wholly on the screen: {x},{y} {w}×{h}",
                page.label
            );
            let shot = view.crop_imm(x.ceil() as u32, y.ceil() as u32, w as u32, h as u32);
            faces.who(&shot).to_string()
        })
        .collect()
}

/// Which of the four choices on a phone is right, worked out as its player
/// would: `asked` (the name on the projector) among the four photos, or,
/// in photo-to-name mode (`asked` None), whoever the photo shows among the
/// four names.
async fn right_choice(phone: &Page, class: &Class, asked: Option<&str>) -> usize {
    let (person, choices) = match asked {
        Some(name) => (
            name.to_string(),
            whom_shown(phone, &class.faces, "#pq-choices button img").await,
        ),
        None => {
            let shows = whom_shown(phone, &class.faces, "#pq-prompt img").await;
            let names = phone
                .js("return Array.from(document.querySelectorAll('#pq-choices button .name-text')).map(seen);")
                .await;
            (shows[0].clone(), serde_json::from_value(names).unwrap())
        }
    };
    let mut distinct = choices.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        4,
        "[{}] four people: {choices:?}",
        phone.label
    );
    let hits: Vec<usize> = (0..4).filter(|&i| choices[i] == person).collect();
    assert_eq!(
        hits.len(),
        1,
        "[{}] {person:?} is one of the choices {choices:?}",
        phone.label
    );
    hits[0]
}

/// What a player means to do with a question: tap the right choice, the
/// `n`th of the three wrong ones (from 0, in page order), or nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Aim {
    Right,
    Wrong(usize),
    Skip,
}

impl Aim {
    /// The choice this aim taps when `right` is the right one.
    fn choice(self, right: usize) -> Option<usize> {
        match self {
            Aim::Right => Some(right),
            Aim::Wrong(n) => {
                let wrong = (0..4).filter(|&i| i != right).nth(n);
                assert!(
                    wrong.is_some(),
                    "there are three wrong choices, not {}",
                    n + 1
                );
                wrong
            }
            Aim::Skip => None,
        }
    }
}

/// How many taps each choice gets from `aims` when `right` is right.
fn counts(aims: &[Aim], right: usize) -> [u64; 4] {
    let mut c = [0; 4];
    for a in aims {
        if let Some(i) = a.choice(right) {
            c[i] += 1;
        }
    }
    c
}

/// Taps the `i`th choice on the phone (a real click on the button).
async fn tap(phone: &Page, i: usize) {
    phone
        .click(&format!("#pq-choices > button:nth-child({})", i + 1))
        .await;
}

/// Works out the right choice on the phone and taps as `aim` says;
/// returns the right choice.
async fn answer(phone: &Page, class: &Class, asked: Option<&str>, aim: Aim) -> usize {
    let right = right_choice(phone, class, asked).await;
    if let Some(i) = aim.choice(right) {
        tap(phone, i).await;
    }
    right
}

/// "Locked in: B" at once, then "✓ saved" once the server acknowledged it.
async fn wait_locked(phone: &Page, i: usize) {
    let letter = ["A", "B", "C", "D"][i];
    phone
        .wait(
            &format!("\"Locked in: {letter}\", saved"),
            &format!(
                "seen('#locked') === 'Locked in: {letter}' && seen('#saved') === '✓ saved' \
                 && document.querySelector('#pq-choices > button:nth-child({n})').classList.contains('picked') \
                 && Array.from(document.querySelectorAll('#pq-choices button'))\
                 .every(function (b) {{ return b.disabled; }})",
                n = i + 1
            ),
        )
        .await;
}

/// What a phone shows after a reveal.
#[derive(Debug)]
struct PhoneReveal {
    verdict: String,
    points: String,
    score: u64,
    rank: String,
}

async fn phone_reveal(phone: &Page) -> PhoneReveal {
    phone_screen(phone, "s-reveal").await;
    PhoneReveal {
        verdict: phone.shown("#rv-verdict").await,
        points: phone.text("#rv-points").await,
        score: number(&phone.shown("#rv-score").await),
        rank: phone.shown("#rv-rank").await,
    }
}

/// Checks that the projector's ✓ is on `right` (the choice the players
/// worked out) and each phone's verdict, points and total against what its
/// player meant (`aims[i]`); returns their scores. `before[i]` is phone
/// `i`'s score before the round.
async fn check_reveal(
    phones: &[&Page],
    names: &[&str],
    aims: &[Aim],
    right: usize,
    before: &[u64],
    r: &HostReveal,
) -> Vec<u64> {
    assert_eq!(
        r.answer, right,
        "the projector's ✓ is on the choice that shows {:?}: {r:?}",
        r.name
    );
    let mut scores = Vec::new();
    for (i, phone) in phones.iter().enumerate() {
        let pr = phone_reveal(phone).await;
        let memoriam = phone.js("return seen('#rv-memoriam')").await;
        assert_eq!(
            memoriam == "In memoriam",
            demo_person(&r.name).1,
            "[{}] \"In memoriam\" for {:?}: {memoriam}",
            phone.label,
            r.name
        );
        if aims[i] == Aim::Right {
            assert_eq!(pr.verdict, "✓ Right!", "[{}] {pr:?}", phone.label);
            let pts = pr
                .points
                .strip_prefix('+')
                .and_then(|p| p.strip_suffix(" points"))
                .map(number)
                .unwrap_or_else(|| panic!("[{}] \"+N points\" shown: {pr:?}", phone.label));
            assert!(
                (500..=1000).contains(&pts),
                "[{}] a right answer scores 500–1000: {pr:?}",
                phone.label
            );
            assert_eq!(pr.score, before[i] + pts, "[{}] total: {pr:?}", phone.label);
        } else {
            let want = if aims[i] == Aim::Skip {
                "No answer this time"
            } else {
                "✗ Not this time"
            };
            assert_eq!(pr.verdict, want, "[{}] {pr:?}", phone.label);
            assert_eq!(pr.points, "", "[{}] no points: {pr:?}", phone.label);
            assert_eq!(pr.score, before[i], "[{}] total: {pr:?}", phone.label);
        }
        let row = r
            .board
            .iter()
            .find(|(_, n, _)| n == names[i])
            .unwrap_or_else(|| panic!("{} is on the leaderboard: {:?}", names[i], r.board));
        assert_eq!(row.2, pr.score, "projector and phone agree on {}", names[i]);
        let tied = r.board.iter().filter(|b| b.0 == row.0).count() - 1;
        assert_eq!(
            pr.rank,
            place_text(row.0, tied, pr.score),
            "place of {}: {:?}",
            names[i],
            r.board
        );
        scores.push(pr.score);
    }
    let mut on_board: Vec<&str> = r.board.iter().map(|(_, n, _)| n.as_str()).collect();
    on_board.sort();
    let mut want = names.to_vec();
    want.sort();
    assert_eq!(on_board, want, "the leaderboard lists each player once");
    scores
}

/// "1 vote · 33%"-style labels for the given per-photo counts out of `total`.
fn vote_labels(counts: [u64; 4], total: u64) -> Vec<String> {
    counts
        .iter()
        .map(|&n| {
            let word = if n == 1 { "vote" } else { "votes" };
            let pct = (n as f64 * 100.0 / total as f64).round();
            format!("{n} {word} · {pct}%")
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Flows

#[test]
fn a_projector_and_three_phones_play_two_rounds_by_clicking() {
    browser_test("two_rounds", |b| async move {
        let people = &[
            ("host", Size::Projector),
            ("phone-1", Size::Phone),
            ("phone-2", Size::Phone),
            ("phone-3", Size::Phone),
        ];
        let (class, server, pages) = setup(&b, None, people).await;
        let roster = &class.names;
        let host = &pages[0];
        let phones: Vec<&Page> = pages[1..].iter().collect();
        let names = ["Ada Lovelace", "Bert", "Carmen Ortiz"];

        // The emcee creates the game with the landing page's form.
        host.goto(&server.url("/")).await;
        host.wait("the landing page", "document.getElementById('host-form')")
            .await;
        host.screenshot("landing-projector").await;
        host.find("#rounds").await.clear().await.unwrap();
        host.type_into("#rounds", "2").await;
        host.find("#seconds").await.clear().await.unwrap();
        host.type_into("#seconds", &SECONDS.to_string()).await;
        host.click("#host-submit").await;
        host.wait(
            "the projector page",
            "location.pathname.indexOf('/host/') === 0",
        )
        .await;
        let code = host_ready(host).await;
        let join_url = server.url(&format!("/join/{code}"));
        assert_eq!(host.shown(".join-url").await, join_url);
        let settings = host.shown("#settings-line").await;
        assert!(
            settings.contains("2 rounds") && settings.contains(&format!("{SECONDS} seconds")),
            "the form's settings reached the room: {settings:?}"
        );
        let qr = host
            .js("var q = document.querySelector('.qr svg, .qr img'); \
                 var r = q.getBoundingClientRect(); return Math.min(r.width, r.height);")
            .await;
        assert!(
            qr.as_f64().unwrap() >= 300.0,
            "the QR code is big enough to scan across a room: {qr} px"
        );
        assert_fits(host, "the lobby").await;

        // Phones open the join link, type a name, press Enter.
        phones[0].goto(&join_url).await;
        phones[0]
            .wait("the join form", "document.querySelector('#join-form')")
            .await;
        phones[0].screenshot("phone-join").await;
        for (i, (phone, name)) in phones.iter().zip(names).enumerate() {
            if i > 0 {
                phone.goto(&join_url).await;
            }
            enter_name(phone, name).await;
        }
        assert_eq!(
            host_lobby_is(host, &names).await,
            3,
            "three names fit: no \"+ N more\""
        );
        phones[0]
            .wait(
                "the player count on the phone",
                "seen('#wait-count') === '3 players in the game'",
            )
            .await;
        host.screenshot("host-lobby").await;
        phones[0].screenshot("phone-waiting").await;

        // Round 1: the emcee clicks Start; each player finds the name on
        // the projector among the photos on the phone. Two tap it, one
        // taps someone else.
        host.click("#start-btn").await;
        let asked = host_question(host, 1, 2, roster).await;
        for p in &phones {
            phone_question(p, 1, 2, &asked, roster).await;
        }
        assert_eq!(host.shown("#answered").await, "0 of 3 answered");
        host.screenshot("host-question").await;
        phones[0].screenshot("phone-question").await;
        let aims = [Aim::Right, Aim::Right, Aim::Wrong(0)];
        let mut right = 0;
        for (i, phone) in phones[..2].iter().enumerate() {
            right = answer(phone, &class, Some(&asked), aims[i]).await;
            wait_locked(phone, aims[i].choice(right).unwrap()).await;
            host.wait(
                "the projector's answered count",
                &format!("seen('#answered') === '{} of 3 answered'", i + 1),
            )
            .await;
        }
        phones[0].screenshot("phone-locked").await;
        // The last vote closes the round.
        assert_eq!(
            answer(phones[2], &class, Some(&asked), aims[2]).await,
            right
        );

        let r1 = host_reveal(host, 1).await;
        assert_eq!(r1.name, asked, "the reveal names the person asked for");
        assert_moves(host, None, &r1).await;
        assert_eq!(r1.votes, vote_labels(counts(&aims, right), 3), "{r1:?}");
        let scores = check_reveal(&phones, &names, &aims, right, &[0, 0, 0], &r1).await;
        assert_fits(host, "the reveal").await;
        host.screenshot("host-reveal").await;
        phones[0].screenshot("phone-reveal-right").await;
        phones[2].screenshot("phone-reveal-wrong").await;

        // Round 2 starts with Space on the projector; one player is right,
        // one wrong, one does not answer and the emcee reveals.
        emcee::wake_controls(host).await;
        assert_eq!(host.shown("#next-btn").await, "Next");
        host.press(' ').await;
        let asked2 = host_question(host, 2, 2, roster).await;
        assert_ne!(asked2, asked, "nobody is asked for twice");
        for p in &phones {
            phone_question(p, 2, 2, &asked2, roster).await;
        }
        let aims2 = [Aim::Right, Aim::Wrong(1), Aim::Skip];
        let right2 = answer(phones[0], &class, Some(&asked2), aims2[0]).await;
        assert_eq!(
            answer(phones[1], &class, Some(&asked2), aims2[1]).await,
            right2
        );
        host.wait(
            "the projector's answered count",
            "seen('#answered') === '2 of 3 answered'",
        )
        .await;
        emcee::wake_controls(host).await;
        host.click("#reveal-btn").await;
        let r2 = host_reveal(host, 2).await;
        assert_eq!(r2.votes, vote_labels(counts(&aims2, right2), 2), "{r2:?}");
        assert_moves(host, Some(&r1), &r2).await;
        let scores = check_reveal(&phones, &names, &aims2, right2, &scores, &r2).await;
        emcee::wake_controls(host).await;
        assert_eq!(
            host.shown("#next-btn").await,
            "Final results",
            "after the last reveal the next button ends the game"
        );
        host.screenshot("host-leaderboard").await;

        // The next button ends the game: podium on the projector, rank on phones.
        host.click("#next-btn").await;
        host_phase(host, "over").await;
        // The podium rises: read it once all three names are up.
        let fin = host
            .wait(
                "the podium and the final board",
                "(function () { \
                   function rows(sel) { return Array.from(document.querySelectorAll(sel)).map(function (r) { \
                     return [seen(r.querySelector('.b-rank')), seen(r.querySelector('.b-name')), \
                             seen(r.querySelector('.b-score'))]; }); } \
                   var podium = [1, 2, 3].map(function (p) { \
                     return seen(document.querySelector('#podium .step.p' + p + ' .step-name')); }); \
                   return podium.every(Boolean) && { board: rows('#final-board li'), podium: podium }; })()",
            )
            .await;
        let board = fin["board"].as_array().unwrap();
        assert_eq!(board.len(), 3, "everyone on the final board: {fin}");
        // Two right answers, then one, then none.
        let order: Vec<&Value> = board.iter().map(|r| &r[1]).collect();
        assert_eq!(order, names, "the final order: {fin}");
        for (place, row) in board.iter().enumerate() {
            assert_eq!(
                fin["podium"][place],
                row[1],
                "podium step {} shows the final board's #{}: {fin}",
                place + 1,
                place + 1
            );
        }
        for (i, name) in names.iter().enumerate() {
            let row = board
                .iter()
                .find(|r| r[1] == *name)
                .unwrap_or_else(|| panic!("{name} on the final board: {fin}"));
            assert_eq!(number(row[2].as_str().unwrap()), scores[i], "{fin}");
            let rank = number(row[0].as_str().unwrap());
            let tied = board.iter().filter(|r| r[0] == row[0]).count() - 1;
            phone_screen(phones[i], "s-over").await;
            assert_eq!(
                phones[i].shown("#ov-rank").await,
                final_place_text(rank, tied, 3, scores[i]),
                "[{}] final rank",
                phones[i].label
            );
            assert_eq!(
                number(&phones[i].shown("#ov-score").await),
                scores[i],
                "[{}] final score",
                phones[i].label
            );
        }
        assert_fits(host, "the podium").await;
        assert_stats_distinct(host, roster).await;
        host.screenshot("host-podium").await;
        phones[0].screenshot("phone-final").await;

        // The emcee downloads the results: the file has the game as played.
        let results = download_results(host, &code).await;
        let want: Vec<Vec<String>> = names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let played = [aims[i], aims2[i]];
                let right = played.iter().filter(|&&a| a == Aim::Right).count();
                let answered = played.iter().filter(|&&a| a != Aim::Skip).count();
                vec![
                    (i + 1).to_string(),
                    name.to_string(),
                    scores[i].to_string(),
                    right.to_string(),
                    answered.to_string(),
                ]
            })
            .collect();
        assert_eq!(results, want, "results.csv");

        host.assert_clean().await;
        for p in &phones {
            p.assert_clean().await;
        }
    });
}

/// Clicks "Download results" on the projector and reads the file Chromium
/// saves: its rows under the header `rank,name,score,correct,answered`.
async fn download_results(host: &Page, code: &str) -> Vec<Vec<String>> {
    let dir = tempfile::tempdir().unwrap();
    host.download_to(dir.path()).await;
    emcee::wake_controls(host).await;
    assert_eq!(host.shown("#download").await, "Download results");
    host.click("#download").await;
    let file = dir.path().join(format!("yearbook-{code}-results.csv"));
    let deadline = std::time::Instant::now() + harness::WAIT;
    while !file.is_file() {
        if std::time::Instant::now() > deadline {
            let got: Vec<_> = std::fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .collect();
            host.fail::<()>(&format!(
                "no {} downloaded; the folder has {got:?}",
                file.display()
            ))
            .await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let mut r = csv::Reader::from_path(&file).expect("results.csv");
    assert_eq!(
        r.headers().unwrap(),
        vec!["rank", "name", "score", "correct", "answered"],
        "results.csv header"
    );
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// The values in the lobby's settings panel, in the order of the panel.
async fn settings_fields(host: &Page) -> Value {
    host.js(
        "function v(id) { return document.getElementById(id); } \
         return [Number(v('set-rounds').value), Number(v('set-seconds').value), v('set-mode').value, \
                 v('set-memoriam').checked, v('set-filter').checked];",
    )
    .await
}

/// Types `value` into a number field of the settings panel, replacing what
/// is there, then presses Enter.
async fn set_number(host: &Page, id: &str, value: &str) {
    host.js_with(
        "document.getElementById(arguments[0]).value = ''",
        vec![json!(id)],
    )
    .await;
    host.type_into(&format!("#{id}"), &format!("{value}{ENTER}"))
        .await;
}

async fn settings_line_has(host: &Page, want: &str) {
    host.wait(
        &format!("the settings summary to say {want:?}"),
        &format!("seen('#settings-line').indexOf({}) >= 0", js_str(want)),
    )
    .await;
}

#[test]
fn the_lobby_settings_change_the_game_and_space_still_starts_it() {
    browser_test("settings", |b| async move {
        let people = &[("host", Size::Projector), ("phone", Size::Phone)];
        let (class, server, pages) = setup(&b, None, people).await;
        let roster = &class.names;
        let [host, phone] = &pages[..] else {
            unreachable!()
        };
        let room = new_room(&server, 2).await;
        host.goto(room["host_url"].as_str().unwrap()).await;
        host_ready(host).await;
        phone.goto(room["join_url"].as_str().unwrap()).await;
        enter_name(phone, "Dora").await;
        host_lobby_is(host, &["Dora"]).await;

        // Folded at first, its summary says what the game will be.
        assert_eq!(
            host.js("return document.getElementById('settings').open")
                .await,
            false,
            "the settings start folded"
        );
        let line = host.shown("#settings-line").await;
        assert!(
            line.contains("2 rounds")
                && line.contains(&format!("{SECONDS} seconds"))
                && line.contains("see a name, pick the photo"),
            "{line:?}"
        );
        host.click("#settings summary").await;
        assert_eq!(
            settings_fields(host).await,
            json!([2, SECONDS, "name_to_photo", true, true]),
            "the panel shows the room's settings"
        );
        assert_fits(host, "the lobby with the settings open").await;

        // A number: a Space typed into the field is the field's, not "start".
        set_number(host, "set-rounds", "3 ").await;
        settings_line_has(host, "3 rounds").await;
        assert_eq!(
            host.js("return document.getElementById('host').dataset.phase")
                .await,
            "lobby"
        );

        // Out of range: the server says no, the panel says so politely and
        // shows the setting as it still is.
        set_number(host, "set-rounds", "500").await;
        host.wait(
            "the server's refusal in the panel",
            "seen('#settings-msg').indexOf('Rounds must be between 1 and 200.') === 0 \
             && document.getElementById('set-rounds').value === '3'",
        )
        .await;
        host.screenshot("host-settings-error").await;
        // More rounds than classmates: the server caps them, the panel explains.
        set_number(host, "set-rounds", "150").await;
        settings_line_has(host, &format!("{} rounds", roster.len())).await;
        host.wait(
            "why there are fewer rounds",
            "/at most/.test(seen('#settings-msg'))",
        )
        .await;
        set_number(host, "set-rounds", "3").await;
        settings_line_has(host, "3 rounds").await;

        // Seconds commit when the field is left; then mode and in-memoriam.
        host.js("document.getElementById('set-seconds').value = ''")
            .await;
        host.type_into("#set-seconds", "25\u{E004}").await; // Tab
        settings_line_has(host, "25 seconds each").await;
        host.click("#set-mode option[value='photo_to_name']").await;
        settings_line_has(host, "see a photo, pick the name").await;
        host.click("#set-memoriam").await;
        settings_line_has(host, "no in memoriam").await;
        host.click("#set-filter").await;
        host.wait(
            "the profanity filter off",
            "!document.getElementById('set-filter').checked",
        )
        .await;
        host.screenshot("host-settings").await;

        // Escape folds the panel and leaves the focus on its summary.
        host.find("#set-rounds").await.click().await.unwrap();
        host.press('\u{E00C}').await;
        host.wait(
            "the panel folded, its summary focused",
            "!document.getElementById('settings').open \
             && document.activeElement === document.querySelector('#settings summary')",
        )
        .await;

        // A reload shows what the server has, not what the page remembered.
        host.reload().await;
        host_ready(host).await;
        host.click("#settings summary").await;
        host.wait(
            "the server's settings after a reload",
            "document.getElementById('set-mode').value === 'photo_to_name'",
        )
        .await;
        assert_eq!(
            settings_fields(host).await,
            json!([3, 25, "photo_to_name", false, false])
        );

        // After a mouse click on a checkbox, Space starts the game (and
        // leaves the checkbox alone).
        host.click("#set-filter").await;
        host.press(' ').await;
        let names = host_question_names(host, 1, 3, roster).await;
        phone_question_names(phone, 1, 3, &names, roster).await;
        assert_eq!(
            host.js("return document.getElementById('set-filter').checked")
                .await,
            true,
            "Space started the game instead of toggling the checkbox"
        );
        host.press('r').await;
        let r = host_reveal(host, 1).await;
        assert!(
            !demo_person(&r.name).1,
            "in-memoriam classmates are left out: {}",
            r.name
        );
        host.assert_clean().await;
        phone.assert_clean().await;
    });
}

/// Like `assert_fits` for a page zoomed in: the page may scroll down, but
/// never sideways, and no box cuts off its content.
async fn assert_reflows(page: &Page, what: &str) {
    assert_settled(page, what).await;
    let v = page
        .js(&format!(
            "{} \
             var over = [], bar = document.querySelector('.controls'); \
             var screen = document.querySelector('.screen:not([hidden])'); \
             if (bar && screen) {{ var top = bar.getBoundingClientRect().top; \
               screen.querySelectorAll('*').forEach(function (el) {{ \
                 var r = el.getBoundingClientRect(); \
                 if (el.offsetParent && r.height > 0 && r.bottom > top + 1) \
                   over.push(el.tagName.toLowerCase() + '.' + el.className); }}); }} \
             return {{cut: out, over: over.slice(0, 5), wide: document.documentElement.scrollWidth, \
                     w: window.innerWidth}};",
            cut_boxes_js("")
        ))
        .await;
    assert_eq!(
        v["cut"],
        json!([]),
        "[{}] {what}: boxes cut off their content",
        page.label
    );
    assert_eq!(
        v["over"],
        json!([]),
        "[{}] {what}: content runs under the host controls",
        page.label
    );
    assert!(
        v["wide"].as_u64() <= v["w"].as_u64(),
        "[{}] {what} scrolls sideways: {v}",
        page.label
    );
}

#[test]
fn the_pages_read_at_200_percent_zoom() {
    browser_test("zoom", |b| async move {
        let people = &[("host", Size::Projector), ("phone", Size::Phone)];
        let (_class, server, pages) = setup(&b, None, people).await;
        let [host, phone] = &pages[..] else {
            unreachable!()
        };
        host.zoom(2.0).await;
        phone.zoom(2.0).await;
        let room = new_room(&server, 1).await;
        host.goto(room["host_url"].as_str().unwrap()).await;
        host_ready(host).await;
        phone.goto(room["join_url"].as_str().unwrap()).await;
        phone
            .wait("the join form", "document.querySelector('#join-form')")
            .await;
        assert_reflows(phone, "the join form").await;
        phone.screenshot("zoom-phone-join").await;
        let name = "Bartholomew Winterbottom";
        enter_name(phone, name).await;
        host_lobby_is(host, &[name]).await;
        host.click("#settings summary").await;
        assert_reflows(host, "the lobby").await;
        host.screenshot("zoom-host-lobby").await;

        host.click("#start-btn").await;
        host_phase(host, "question").await;
        let loaded = |sel: &str| {
            format!(
                "document.querySelectorAll('{sel} img').length > 0 && \
                 Array.from(document.querySelectorAll('{sel} img'))\
                 .every(function (i) {{ return i.complete && i.naturalWidth > 0; }})"
            )
        };
        host.wait("the photos on the projector", &loaded("#q-body"))
            .await;
        phone_screen(phone, "s-question").await;
        phone
            .wait("the tiles on the phone", &loaded("#pq-choices"))
            .await;
        assert_reflows(host, "the question").await;
        assert_reflows(phone, "the question").await;
        host.screenshot("zoom-host-question").await;
        phone.screenshot("zoom-phone-question").await;

        tap(phone, 0).await;
        host_phase(host, "reveal").await;
        phone_screen(phone, "s-reveal").await;
        assert_reflows(host, "the reveal").await;
        assert_reflows(phone, "the reveal").await;
        host.screenshot("zoom-host-reveal").await;
        phone.screenshot("zoom-phone-reveal").await;
        for p in [host, phone] {
            p.js("window.scrollTo(0, document.documentElement.scrollHeight)")
                .await;
        }
        host.screenshot("zoom-host-reveal-end").await;
        phone.screenshot("zoom-phone-reveal-end").await;

        host.click("#next-btn").await;
        host_phase(host, "over").await;
        phone_screen(phone, "s-over").await;
        assert_reflows(host, "the podium").await;
        assert_reflows(phone, "the final rank").await;
        host.screenshot("zoom-host-podium").await;
        phone.screenshot("zoom-phone-final").await;
        for p in [host, phone] {
            p.js("window.scrollTo(0, document.documentElement.scrollHeight)")
                .await;
        }
        host.screenshot("zoom-host-podium-end").await;
        phone.screenshot("zoom-phone-final-end").await;
        host.assert_clean().await;
        phone.assert_clean().await;
        host.zoom(1.0).await;
        phone.zoom(1.0).await;
    });
}

#[test]
fn a_phone_that_reloads_mid_game_is_the_same_player() {
    browser_test("reload", |b| async move {
        let people = &[
            ("host", Size::Projector),
            ("ada", Size::Phone),
            ("bert", Size::Phone),
        ];
        let (class, server, pages) = setup(&b, None, people).await;
        let roster = &class.names;
        let [host, ada, bert] = &pages[..] else {
            unreachable!()
        };
        let room = new_room(&server, 2).await;
        let names = ["Ada", "Bert"];
        host.goto(room["host_url"].as_str().unwrap()).await;
        host_ready(host).await;
        let join_url = room["join_url"].as_str().unwrap();
        for (p, n) in [(ada, names[0]), (bert, names[1])] {
            p.goto(join_url).await;
            enter_name(p, n).await;
        }
        host_lobby_is(host, &names).await;

        // A reload in the lobby: straight back in, same name, no form.
        ada.reload().await;
        let screen = ada
            .js("return document.getElementById('join').dataset.screen")
            .await;
        assert_ne!(
            screen, "s-form",
            "a reloaded phone must not ask for a name again"
        );
        phone_screen(ada, "s-wait").await;
        assert_eq!(ada.shown("#wait-name").await, "Ada");
        ada.wait(
            "the player count after the reload",
            "seen('#wait-count') === '2 players in the game'",
        )
        .await;
        host_lobby_is(host, &names).await;

        // A reload after voting: the vote is still there, nobody new counts.
        host.click("#start-btn").await;
        let asked = host_question(host, 1, 2, roster).await;
        phone_question(ada, 1, 2, &asked, roster).await;
        phone_question(bert, 1, 2, &asked, roster).await;
        let aims = [Aim::Right, Aim::Wrong(0)];
        let right = answer(ada, &class, Some(&asked), aims[0]).await;
        wait_locked(ada, right).await;
        ada.reload().await;
        phone_screen(ada, "s-question").await;
        wait_locked(ada, right).await;
        host.wait(
            "the projector to count two players",
            "seen('#answered') === '1 of 2 answered'",
        )
        .await;
        answer(bert, &class, Some(&asked), aims[1]).await;
        let r1 = host_reveal(host, 1).await;
        let phones = [ada, bert];
        let scores = check_reveal(&phones, &names, &aims, right, &[0, 0], &r1).await;

        // A reload at the reveal: the same verdict, score and rank.
        let before = phone_reveal(ada).await;
        ada.reload().await;
        let after = phone_reveal(ada).await;
        assert_eq!(
            (&before.verdict, &before.points, before.score, &before.rank),
            (&after.verdict, &after.points, after.score, &after.rank),
            "the reveal after a reload"
        );

        // The game goes on with the same two players.
        host.press(' ').await;
        let asked2 = host_question(host, 2, 2, roster).await;
        phone_question(ada, 2, 2, &asked2, roster).await;
        phone_question(bert, 2, 2, &asked2, roster).await;
        let aims2 = [Aim::Wrong(1), Aim::Right];
        let right2 = answer(ada, &class, Some(&asked2), aims2[0]).await;
        answer(bert, &class, Some(&asked2), aims2[1]).await;
        let r2 = host_reveal(host, 2).await;
        check_reveal(&phones, &names, &aims2, right2, &scores, &r2).await;
        assert_eq!(r2.votes, vote_labels(counts(&aims2, right2), 2), "{r2:?}");

        for p in [&host, &ada, &bert] {
            p.assert_clean().await;
        }
    });
}

#[test]
fn names_with_html_in_them_are_shown_as_text() {
    browser_test("html_names", |b| async move {
        let people = &[
            ("host", Size::Projector),
            ("phone-img", Size::Phone),
            ("phone-svg", Size::Phone),
            ("phone-b", Size::Phone),
        ];
        let (class, server, pages) = setup(&b, None, people).await;
        let roster = &class.names;
        let host = &pages[0];
        let phones: Vec<&Page> = pages[1..].iter().collect();
        let room = new_room(&server, 1).await;
        // Names are at most 24 characters, so each payload is a short one.
        let names = [
            "<img src=x onerror=f()>",
            "<svg onload=alert(1)>",
            "<b>x</b><i>y</i>&amp;",
        ];
        host.goto(room["host_url"].as_str().unwrap()).await;
        host_ready(host).await;
        for (p, n) in phones.iter().zip(names) {
            p.goto(room["join_url"].as_str().unwrap()).await;
            enter_name(p, n).await;
            assert_eq!(
                p.js("return document.getElementById('wait-name').childElementCount")
                    .await,
                0,
                "[{}] the name is a text node",
                p.label
            );
        }
        host_lobby_is(host, &names).await;
        let no_markup = |css: &str| {
            format!(
                "return document.querySelectorAll('{css} img, {css} svg, {css} b, {css} i').length"
            )
        };
        assert_eq!(host.js(&no_markup("#players")).await, 0, "lobby");
        host.screenshot("host-lobby-html-names").await;

        host.click("#start-btn").await;
        let asked = host_question(host, 1, 1, roster).await;
        let aims = [Aim::Right, Aim::Wrong(0), Aim::Wrong(1)];
        let mut right = 0;
        for (p, aim) in phones.iter().zip(aims) {
            phone_question(p, 1, 1, &asked, roster).await;
            right = answer(p, &class, Some(&asked), aim).await;
        }
        let r = host_reveal(host, 1).await;
        check_reveal(&phones, &names, &aims, right, &[0, 0, 0], &r).await;
        assert_eq!(host.js(&no_markup("#board")).await, 0, "leaderboard");

        host.click("#next-btn").await;
        host_phase(host, "over").await;
        let mut want: Vec<&str> = names.iter().chain(names.iter()).copied().collect();
        want.sort();
        wait_eq(
            host,
            "podium (once risen) and final board show the names",
            "return Array.from(document.querySelectorAll('#podium .step-name, #final-board .b-name'))\
             .map(seen).sort();",
            json!(want),
        )
        .await;
        assert_eq!(host.js(&no_markup("#podium")).await, 0, "podium");
        assert_eq!(host.js(&no_markup("#final-board")).await, 0, "final board");
        for p in &phones {
            phone_screen(p, "s-over").await;
            let mut want = names.to_vec();
            want.sort();
            wait_eq(
                p,
                "the top three",
                "return Array.from(document.querySelectorAll('#ov-top .b-name')).map(seen).sort();",
                json!(want),
            )
            .await;
            assert_eq!(p.js(&no_markup("#s-over")).await, 0, "[{}]", p.label);
        }
        for p in std::iter::once(host).chain(phones.iter().copied()) {
            p.assert_clean().await;
        }
    });
}

#[test]
fn the_host_keys_start_reveal_and_go_on_in_photo_to_name_mode() {
    browser_test("host_keys", |b| async move {
        let people = &[("host", Size::Projector), ("phone", Size::Phone)];
        let (class, server, pages) = setup(&b, None, people).await;
        let roster = &class.names;
        let [host, phone] = &pages[..] else {
            unreachable!()
        };
        let room = new_room_in_mode(&server, 2, "photo_to_name").await;
        host.goto(room["host_url"].as_str().unwrap()).await;
        host_ready(host).await;
        phone.goto(room["join_url"].as_str().unwrap()).await;
        enter_name(phone, "Dora").await;
        host_lobby_is(host, &["Dora"]).await;

        // Space starts the game, R reveals at once.
        host.press(' ').await;
        let names = host_question_names(host, 1, 2, roster).await;
        phone_question_names(phone, 1, 2, &names, roster).await;
        host.screenshot("host-question-names").await;
        phone.screenshot("phone-question-names").await;
        let right = right_choice(phone, &class, None).await;
        host.press('r').await;
        let r1 = host_reveal(host, 1).await;
        assert_eq!(r1.votes, vec!["0 votes"; 4], "{r1:?}");
        assert_eq!(r1.name, names[right], "the reveal names the right choice");
        check_reveal(&[phone], &["Dora"], &[Aim::Skip], right, &[0], &r1).await;
        host.screenshot("host-reveal-names").await;
        phone.screenshot("phone-reveal-none").await;
        host.press('r').await; // nothing to reveal now: ignored

        // F asks for full screen, F again leaves it.
        host.press('f').await;
        host.wait(
            "full screen after F",
            "document.fullscreenElement === document.documentElement",
        )
        .await;
        host.press('f').await;
        host.wait(
            "no full screen after F again",
            "!document.fullscreenElement",
        )
        .await;

        // Space while the Next button has the focus goes on by exactly one round.
        host.js("document.getElementById('next-btn').focus()").await;
        host.press(' ').await;
        let names2 = host_question_names(host, 2, 2, roster).await;
        phone_question_names(phone, 2, 2, &names2, roster).await;
        assert_eq!(
            host.text("#toast").await,
            "",
            "one Space sends one command (no `wrong_phase` complaint)"
        );
        // Dora knows the face on the phone and taps the name.
        let right2 = answer(phone, &class, None, Aim::Right).await;
        let r2 = host_reveal(host, 2).await;
        check_reveal(&[phone], &["Dora"], &[Aim::Right], right2, &[0], &r2).await;
        host.press('r').await; // ignored again
        // Space after the last reveal shows the final results.
        host.press(' ').await;
        host_phase(host, "over").await;
        phone_screen(phone, "s-over").await;
        assert_eq!(phone.shown("#ov-rank").await, "You finished 1st of 1");
        host.assert_clean().await;
        phone.assert_clean().await;
    });
}

#[test]
fn the_error_checks_catch_script_errors() {
    browser_test("error_checks", |b| async move {
        let page = b.open("errors", Size::Phone).await;
        // A page that throws at once and twice more a moment later.
        page.goto(
            "data:text/html,<script>\
             setTimeout(function () { Promise.reject(new Error('later')); }, 0);\
             setTimeout(function () { null.x; }, 0);\
             throw new Error('early');</script>",
        )
        .await;
        let errors = page
            .wait(
                "three errors collected",
                "window.__errors.length >= 3 && window.__errors",
            )
            .await
            .to_string();
        for want in ["early", "unhandled rejection: Error: later", "TypeError"] {
            assert!(errors.contains(want), "{want:?} collected: {errors}");
        }
        let log = serde_json::to_string(&page.severe_log().await).unwrap();
        assert!(
            log.contains("Uncaught Error: early"),
            "Chromium's log has the uncaught error: {log}"
        );
    });
}

/// The stat cards at the end name different classmates (after one question
/// the most and the least recognised are the same person: one card).
async fn assert_stats_distinct(host: &Page, roster: &[String]) {
    let names: Vec<String> = serde_json::from_value(
        host.js("return Array.from(document.querySelectorAll('#stats .stat-name')).map(seen);")
            .await,
    )
    .unwrap();
    assert!(!names.is_empty(), "the end shows who was recognised");
    let mut uniq = names.clone();
    uniq.sort();
    uniq.dedup();
    assert_eq!(uniq.len(), names.len(), "stat cards: {names:?}");
    assert!(names.iter().all(|n| roster.contains(n)), "{names:?}");
}

/// Every URL the page has used or links to, resolved, must be under `base`.
async fn assert_under_prefix(page: &Page, base: &str, photos: bool) {
    let v = page
        .js_with(
            "var base = arguments[0], ws = 'ws' + base.slice(4), bad = [], photos = 0; \
             function check(what, u) { if (/^(https?|wss?):/.test(u) && u.indexOf(/^ws/.test(u) ? ws : base) !== 0) bad.push(what + ' ' + u); } \
             check('location', location.href); \
             var res = performance.getEntriesByType('resource'); \
             res.forEach(function (e) { check('request', e.name); if (e.name.indexOf('/photos/') > 0) photos++; }); \
             window.__sockets.forEach(function (u) { check('websocket', u); }); \
             document.querySelectorAll('[src], [href], [action]').forEach(function (el) { \
               ['src', 'href', 'action'].forEach(function (a) { \
                 var raw = el.getAttribute(a); \
                 if (raw !== null) check('<' + el.tagName.toLowerCase() + ' ' + a + '>', new URL(raw, location.href).href); \
               }); }); \
             return {bad: bad, requests: res.length, photos: photos, sockets: window.__sockets.length};",
            vec![json!(format!("{base}/"))],
        )
        .await;
    assert_eq!(
        v["bad"],
        json!([]),
        "[{}] URLs outside {base}/: {v}",
        page.label
    );
    assert!(
        v["requests"].as_u64().unwrap() >= 2,
        "[{}] the page loaded its CSS and scripts: {v}",
        page.label
    );
    assert!(
        !photos || v["photos"].as_u64().unwrap() >= 1,
        "[{}] the check covered photos: {v}",
        page.label
    );
}

#[test]
fn a_game_under_a_base_path_stays_under_it() {
    browser_test("base_path", |b| async move {
        let people = &[
            ("host", Size::Projector),
            ("phone-code", Size::Phone),
            ("phone-link", Size::Phone),
        ];
        let (class, server, pages) = setup(&b, Some("/reunion/1984"), people).await;
        let roster = &class.names;
        let [host, by_code, by_link] = &pages[..] else {
            unreachable!()
        };
        let base = server.base_url();
        assert!(base.ends_with("/reunion/1984"), "{base}");
        let room = new_room(&server, 1).await;
        let host_url = room["host_url"].as_str().unwrap();
        assert!(host_url.starts_with(&format!("{base}/host/")), "{room}");
        host.goto(host_url).await;
        let code = host_ready(host).await;
        assert_eq!(
            host.shown(".join-url").await,
            format!("{base}/join/{code}"),
            "the projector shows the join URL with the prefix"
        );

        // One phone types the code on the start page, one follows the link.
        by_code.goto(&server.url("/")).await;
        by_code
            .wait("the start page", "document.getElementById('join-form')")
            .await;
        assert_under_prefix(by_code, &base, false).await;
        by_code
            .type_into(
                "input[type=text], input:not([type])",
                &format!("{code}{ENTER}"),
            )
            .await;
        by_code
            .wait(
                "the join page under the prefix",
                &format!(
                    "location.pathname === {}",
                    js_str(&format!("/reunion/1984/join/{code}"))
                ),
            )
            .await;
        enter_name(by_code, "Eve").await;
        by_link.goto(room["join_url"].as_str().unwrap()).await;
        enter_name(by_link, "Fred").await;
        host_lobby_is(host, &["Eve", "Fred"]).await;

        host.click("#start-btn").await;
        let asked = host_question(host, 1, 1, roster).await;
        let aims = [Aim::Wrong(2), Aim::Right];
        let mut right = 0;
        for (p, aim) in [by_code, by_link].into_iter().zip(aims) {
            phone_question(p, 1, 1, &asked, roster).await;
            right = answer(p, &class, Some(&asked), aim).await;
        }
        let r = host_reveal(host, 1).await;
        let phones = [by_code, by_link];
        check_reveal(&phones, &["Eve", "Fred"], &aims, right, &[0, 0], &r).await;
        for p in [&host, &by_code, &by_link] {
            assert_under_prefix(p, &base, true).await;
            assert!(
                p.js("return window.__sockets.length").await.as_u64() >= Some(1),
                "[{}] the page opened its WebSocket",
                p.label
            );
            p.assert_clean().await;
        }

        // Solo under the prefix too.
        by_code.goto(&server.url("/solo")).await;
        let (name, right) = solo_question(by_code, &class).await;
        let wrong = Aim::Wrong(0).choice(right).unwrap();
        by_code
            .click(&format!("#solo-choices > button:nth-child({})", wrong + 1))
            .await;
        solo_feedback(by_code, &name, right, wrong).await;
        assert_under_prefix(by_code, &base, true).await;
        by_code.assert_clean().await;
    });
}

/// Waits for a solo question with four loaded photos, settled; returns
/// the name asked and which photo is that person's (as its player sees).
async fn solo_question(page: &Page, class: &Class) -> (String, usize) {
    let name = page
        .wait(
            "a solo question with four photos",
            "document.querySelectorAll('#solo-choices button img').length === 4 \
             && Array.from(document.querySelectorAll('#solo-choices button img'))\
             .every(function (i) { return i.complete && i.naturalWidth > 0; }) \
             && Array.from(document.querySelectorAll('#solo-choices button'))\
             .every(function (b) { return !b.disabled; }) \
             && seen('#solo-result') === '' && seen('#solo-name')",
        )
        .await;
    let name = name.as_str().unwrap().to_string();
    assert!(
        class.names.contains(&name),
        "solo asks for a classmate: {name:?}"
    );
    assert_names_nobody(page, "#solo-choices", &class.names).await;
    assert!(
        page.settle().await,
        "[{}] the solo question settles",
        page.label
    );
    let people = whom_shown(page, &class.faces, "#solo-choices button img").await;
    let hits: Vec<usize> = (0..4).filter(|&i| people[i] == name).collect();
    assert_eq!(hits.len(), 1, "{name:?} among the photos {people:?}");
    (name, hits[0])
}

/// After tapping `picked` of a question about `name` whose right photo is
/// `right`: the feedback the player reads says so.
async fn solo_feedback(page: &Page, name: &str, right: usize, picked: usize) {
    page.wait(
        "solo feedback",
        "seen('#solo-result') !== '' && seen('#solo-next') === 'Next'",
    )
    .await;
    let said = page.shown("#solo-result").await;
    if picked == right {
        assert!(said.starts_with("✓ Right!"), "[{}] {said:?}", page.label);
    } else {
        let letter = ["A", "B", "C", "D"][right];
        assert_eq!(
            said,
            format!("✗ Not quite — {name} is photo {letter}."),
            "[{}] the feedback says which photo was right",
            page.label
        );
    }
}

#[test]
fn solo_answers_by_clicking_and_moves_on() {
    browser_test("solo", |b| async move {
        let (class, server, pages) = setup(&b, None, &[("solo", Size::Phone)]).await;
        let phone = &pages[0];
        phone.goto(&server.url("/")).await;
        phone
            .wait(
                "the landing page",
                "document.querySelector('a[href$=\"/solo\"]')",
            )
            .await;
        assert_eq!(
            phone
                .js("return document.documentElement.scrollWidth <= window.innerWidth")
                .await,
            true,
            "the start page does not scroll sideways on a phone"
        );
        phone.screenshot("landing-phone").await;
        phone.click("a[href$='/solo']").await;

        // Right first: the player finds the face and taps it.
        let (first, right) = solo_question(phone, &class).await;
        assert_eq!(phone.shown("#asked").await, "0");
        phone.screenshot("solo-question").await;
        phone
            .click(&format!("#solo-choices > button:nth-child({})", right + 1))
            .await;
        solo_feedback(phone, &first, right, right).await;
        assert_eq!(phone.shown("#asked").await, "1");
        assert_eq!(phone.shown("#score").await, "1");
        assert_eq!(phone.shown("#streak").await, "1");
        phone.screenshot("solo-feedback").await;

        // Then wrong, by key: 1–4 are photos A–D.
        phone.click("#solo-next").await;
        let (second, right2) = solo_question(phone, &class).await;
        assert_ne!(second, first, "Next asks about someone else");
        let wrong = (right2 + 1) % 4;
        phone.press(char::from(b'1' + wrong as u8)).await;
        solo_feedback(phone, &second, right2, wrong).await;
        assert_eq!(phone.shown("#asked").await, "2");
        assert_eq!(phone.shown("#score").await, "1");
        assert_eq!(phone.shown("#streak").await, "0");
        phone.assert_clean().await;
    });
}

/// Sixty names of up to 24 characters (the longest a name may be).
fn crowd_names() -> Vec<String> {
    let first = [
        "Margaret",
        "Christopher",
        "Bartholomew",
        "Anne",
        "Guadalupe",
        "Jo",
        "Maximilian",
        "Elisabeth",
        "Sam",
        "Konstantin",
    ];
    let last = [
        "Fitzgerald-Hale",
        "Winterbottom",
        "Lee",
        "Oyelaran-Smith",
        "Castellanos",
        "Ng",
    ];
    let mut out = Vec::new();
    for l in last {
        for f in first {
            let mut n = format!("{f} {l}");
            n.truncate(24);
            out.push(n.trim_end().to_string());
        }
    }
    out
}

/// `names` join over WebSocket at once (no browser needed for them).
async fn crowd_join(server: &TestServer, code: &str, names: &[String]) -> Vec<common::TestClient> {
    futures_util::future::join_all(names.iter().map(|n| common::join(server, code, n)))
        .await
        .into_iter()
        .map(|(client, _welcome)| client)
        .collect()
}

/// Every phone waits for `round` and votes in it: phone `i` for `pick(i)`.
async fn crowd_vote(phones: &mut [common::TestClient], round: u64, pick: impl Fn(usize) -> u64) {
    let pick = &pick;
    futures_util::future::join_all(phones.iter_mut().enumerate().map(|(i, p)| async move {
        p.recv_type("round").await;
        p.vote(round, pick(i)).await;
    }))
    .await;
}

#[test]
fn a_full_room_fits_the_projector() {
    browser_test("full_room", |b| async move {
        let (class, server, pages) = setup(&b, None, &[("host", Size::Projector)]).await;
        let roster = &class.names;
        let host = &pages[0];
        let code = host_new_room(&server, host, 2).await;

        // Sixty phones join over WebSocket (no browser needed for them).
        let names = crowd_names();
        let mut phones = crowd_join(&server, &code, &names).await;
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let shown = host_lobby_is(host, &refs).await;
        assert!(
            (20..60).contains(&shown),
            "sixty names do not all fit: the newest {shown} are shown, the rest are \"+ N more\""
        );
        assert_fits(host, "a lobby of 60").await;
        host.screenshot("host-lobby-60").await;
        // The settings panel takes room from the names: fewer fit, none is cut.
        host.click("#settings summary").await;
        host.wait(
            "fewer names once the settings are open",
            &format!("document.querySelectorAll('#players .chip-name').length < {shown}"),
        )
        .await;
        let fewer = host_lobby_is(host, &refs).await;
        assert!(
            fewer < shown,
            "{fewer} names with the settings open, {shown} without"
        );
        assert_fits(host, "a lobby of 60 with the settings open").await;
        host.screenshot("host-lobby-60-settings").await;

        host.click("#start-btn").await;
        host_question(host, 1, 2, roster).await;
        crowd_vote(&mut phones, 1, |i| (i % 4) as u64).await;
        let r = host_reveal(host, 1).await;
        assert_eq!(r.board.len(), 10, "the leaderboard shows the top ten");
        assert_eq!(r.votes, vote_labels([15; 4], 60), "{r:?}");
        assert_moves(host, None, &r).await;
        assert_fits(host, "the reveal with 60 players").await;
        host.screenshot("host-reveal-60").await;

        // Round 2 in other groups of four: some right twice, some right
        // only now (they climb onto the board), the rest fall.
        host.click("#next-btn").await;
        host_question(host, 2, 2, roster).await;
        crowd_vote(&mut phones, 2, |i| (i / 4 % 4) as u64).await;
        let r2 = host_reveal(host, 2).await;
        assert_eq!(r2.votes, vote_labels([16, 16, 16, 12], 60), "{r2:?}");
        assert_moves(host, Some(&r), &r2).await;
        assert_fits(host, "the second reveal with 60 players").await;
        host.screenshot("host-leaderboard-60").await;

        host.click("#next-btn").await;
        host_phase(host, "over").await;
        // Everyone fits the screen: the top of the list in columns, then "and N more".
        let fin = host
            .js("var fb = document.getElementById('final-board'); \
                 return { ranks: Array.from(fb.querySelectorAll('li .b-rank'))\
                            .map(function (n) { return Number(seen(n)); }), \
                          names: Array.from(fb.querySelectorAll('li .b-name'))\
                            .map(seen), \
                          more: Array.from(fb.querySelectorAll('li.final-more'))\
                            .map(seen), \
                          last: fb.lastElementChild.className, \
                          scrolls: fb.scrollHeight > fb.clientHeight + 1 \
                            || fb.scrollWidth > fb.clientWidth + 1 };")
            .await;
        let ranks: Vec<u64> = serde_json::from_value(fin["ranks"].clone()).unwrap();
        let listed: Vec<String> = serde_json::from_value(fin["names"].clone()).unwrap();
        let more: Vec<String> = serde_json::from_value(fin["more"].clone()).unwrap();
        assert!(
            ranks.windows(2).all(|w| w[0] <= w[1]),
            "in rank order: {fin}"
        );
        assert!(listed.iter().all(|n| names.contains(n)), "{fin}");
        let distinct: std::collections::HashSet<&String> = listed.iter().collect();
        assert_eq!(distinct.len(), listed.len(), "nobody twice: {fin}");
        let rest = match more.as_slice() {
            [] => 0,
            [m] => {
                assert_eq!(
                    fin["last"], "final-more",
                    "\"and N more\" comes last: {fin}"
                );
                number(m)
            }
            _ => panic!("one \"and N more\" line: {fin}"),
        };
        assert_eq!(
            listed.len() as u64 + rest,
            60,
            "everyone is counted on the final board: {fin}"
        );
        // Legible from the back (about 40 px) beats listing many: the top of
        // a room of 60 long names, the rest counted (each phone has its rank).
        assert!(
            listed.len() >= 7,
            "a useful part of the room is listed: {fin}"
        );
        assert_eq!(
            fin["scrolls"], false,
            "the final board never scrolls: {fin}"
        );
        assert_fits(host, "the podium with 60 players").await;
        assert_stats_distinct(host, roster).await;
        host.screenshot("host-podium-60").await;
        host.assert_clean().await;
    });
}

#[test]
fn the_host_removes_every_disconnected_player_with_one_button() {
    browser_test("remove_disconnected", |b| async move {
        let (_class, server, pages) = setup(&b, None, &[("host", Size::Projector)]).await;
        let host = &pages[0];
        let code = host_new_room(&server, host, 2).await;
        let hidden = "seen('#remove-away-btn') === ''";
        assert_eq!(
            host.js(&format!("return {hidden}")).await,
            json!(true),
            "no button while nobody is away"
        );
        let (_stays, _) = common::join(&server, &code, "Stays").await;
        let (gone, _) = common::join(&server, &code, "Gone").await;
        gone.close().await;
        host.wait(
            "the button once a player is away",
            "seen('#remove-away-btn') === 'Remove disconnected players'",
        )
        .await;
        host.screenshot("host-lobby-away").await;
        host.js("window.confirm = function () { return true; }; return true")
            .await;
        host.click("#remove-away-btn").await;
        host_lobby_is(host, &["Stays"]).await;
        host.wait("the button gone again", hidden).await;
        host.assert_clean().await;
    });
}

/// WebDriver's Backspace key.
const BACKSPACE: &str = "\u{E003}";

#[test]
fn the_join_form_says_the_name_limit_and_clears_a_stale_error() {
    browser_test("name_limit", |b| async move {
        let (_class, server, pages) = setup(&b, None, &[("phone", Size::Phone)]).await;
        let phone = &pages[0];
        let room = new_room(&server, 1).await;
        let code = room["code"].as_str().unwrap().to_string();
        let (_first, _) = common::join(&server, &code, "Maria Papadopoulou").await;
        phone.goto(room["join_url"].as_str().unwrap()).await;
        phone
            .wait("the join form", "document.querySelector('#join-form')")
            .await;
        let value = "return document.getElementById('name').value";

        // Thirty characters: nothing is cut, and the page says by how much
        // the name is over the limit while it is typed.
        let long = &"Maria-Magdalena Papadopoulou-Fitzgerald"[..30];
        phone.type_into("#name", long).await;
        assert_eq!(phone.js(value).await, long, "nothing typed is cut");
        assert_eq!(phone.shown("#name-count").await, "30 / 24");
        let limit = phone.shown("#name-limit").await;
        assert!(
            limit.contains("Too long by 6 letters") && limit.contains("24"),
            "the limit in words: {limit:?}"
        );
        phone.screenshot("phone-name-too-long").await;

        // Joining with it is refused at the field; editing the name clears
        // the error at once.
        phone.type_into("#name", ENTER).await;
        let err = phone.shown("#form-msg").await;
        assert!(err.contains("24 letters at most"), "{err:?}");
        phone.type_into("#name", BACKSPACE).await;
        phone
            .wait("the error cleared by editing", "seen('#form-msg') === ''")
            .await;
        assert_eq!(phone.shown("#name-count").await, "29 / 24");

        // At the limit, a plain sentence says so.
        phone.type_into("#name", &BACKSPACE.repeat(5)).await;
        assert_eq!(phone.shown("#name-count").await, "24 / 24");
        assert_eq!(
            phone.shown("#name-limit").await,
            "That’s the limit: 24 letters."
        );

        // Counted as the server counts: accents take no column, wide
        // characters two.
        phone.type_into("#name", &BACKSPACE.repeat(30)).await;
        phone.type_into("#name", "Zoë 漢字").await;
        assert_eq!(phone.shown("#name-count").await, "8 / 24");
        assert_eq!(
            phone.text("#name-limit").await,
            "",
            "no warning under the limit"
        );

        // The server's refusal (a name in use) is cleared by editing too.
        phone.type_into("#name", &BACKSPACE.repeat(30)).await;
        phone
            .type_into("#name", &format!("Maria Papadopoulou{ENTER}"))
            .await;
        phone
            .wait(
                "the taken name refused on the form",
                "document.getElementById('join').dataset.screen === 's-form' \
                 && /taken/.test(seen('#form-msg'))",
            )
            .await;
        phone.screenshot("phone-name-taken").await;
        phone.type_into("#name", BACKSPACE).await;
        phone
            .wait(
                "the taken error cleared by editing",
                "seen('#form-msg') === ''",
            )
            .await;
        phone.type_into("#name", &BACKSPACE.repeat(30)).await;
        enter_name(phone, "Maria K").await;
        phone.assert_clean().await;
    });
}

/// How many names the final board lists.
async fn final_names_listed(host: &Page) -> u64 {
    host.wait(
        "the final board laid out",
        "document.querySelectorAll('#final-board li .b-name').length",
    )
    .await
    .as_u64()
    .unwrap()
}

#[test]
fn reduced_motion_lists_as_many_names_on_the_final_board() {
    browser_test("final_reduced_motion", |b| async move {
        let (_class, server, pages) = setup(&b, None, &[("host", Size::Projector)]).await;
        let host = &pages[0];
        let code = host_new_room(&server, host, 1).await;
        let names = crowd_names();
        let mut phones = crowd_join(&server, &code, &names).await;
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        host_lobby_is(host, &refs).await;
        host.click("#start-btn").await;
        crowd_vote(&mut phones, 1, |i| (i % 4) as u64).await;
        host_phase(host, "reveal").await;
        host.click("#next-btn").await;
        host_phase(host, "over").await;
        let moving = final_names_listed(host).await;

        // The same board for a projector laptop set to reduce motion: the
        // board is measured at the size it is drawn at, so as many fit.
        host.emulate_media(&[("prefers-reduced-motion", "reduce")])
            .await;
        assert_eq!(
            host.js("return matchMedia('(prefers-reduced-motion: reduce)').matches")
                .await,
            json!(true)
        );
        host.reload().await;
        host_phase(host, "over").await;
        let still = final_names_listed(host).await;
        assert!(moving >= 7, "{moving} names listed without reduced motion");
        assert_eq!(
            still, moving,
            "names on the final board with reduced motion, and without"
        );
        assert_fits(host, "the podium with 60 players, reduced motion").await;
        host.screenshot("host-podium-60-reduced-motion").await;
        host.assert_clean().await;
    });
}

/// The `h1`s a person (or a screen reader) meets on the page: hidden screens' headings do not
/// count, visually hidden ones do.
async fn headings(page: &Page) -> Value {
    page.js("return Array.from(document.querySelectorAll('h1'))\
         .filter(function (h) { return h.getClientRects().length > 0; })\
         .map(function (h) { return h.textContent.trim(); })")
        .await
}

/// Each A–D badge under `css`: its shape (the clip of the coloured `::before`), and whether the
/// badge still fits the 1.7em box the round badge had (so it covers no more of a photo).
async fn badge_shapes(page: &Page, css: &str) -> Vec<String> {
    let got = page
        .js(&format!(
            "return Array.from(document.querySelectorAll({sel}))\
             .map(function (b) {{\
               var s = getComputedStyle(b, '::before'), r = b.getBoundingClientRect();\
               var em = parseFloat(getComputedStyle(b).fontSize);\
               return {{ shape: s.content !== 'none' && s.backgroundColor !== 'rgba(0, 0, 0, 0)' ? s.clipPath : 'none',\
                         letter: b.textContent, small: r.width <= 1.75 * em && r.height <= 1.75 * em }};\
             }})",
            sel = js_str(css)
        ))
        .await;
    let badges = got.as_array().cloned().unwrap_or_default();
    assert_eq!(badges.len(), 4, "{css}: four badges, got {got}");
    let mut shapes = Vec::new();
    for (i, b) in badges.iter().enumerate() {
        assert_eq!(
            b["letter"],
            ["A", "B", "C", "D"][i],
            "{css}: the letter stays: {got}"
        );
        assert_eq!(b["small"], true, "{css}: badge grew: {got}");
        let shape = b["shape"].as_str().unwrap_or("none").to_string();
        assert_ne!(shape, "none", "{css}: choice {i} has no shape: {got}");
        assert!(!shapes.contains(&shape), "{css}: shapes repeat: {got}");
        shapes.push(shape);
    }
    shapes
}

#[test]
fn choices_have_shapes_and_phones_have_headings_and_a_spoken_countdown() {
    browser_test("a11y", |b| async move {
        let people = &[("host", Size::Projector), ("phone", Size::Phone)];
        let (_class, server, pages) = setup(&b, None, people).await;
        let [host, phone] = &pages[..] else {
            unreachable!()
        };
        // A short round, so the countdown reaches the moments it speaks at.
        let body = json!({"rounds": 1, "seconds": 12, "mode": "name_to_photo"});
        let (status, room) = server.post_json("/api/rooms", &body).await;
        assert_eq!(status, 201, "{room}");
        host.goto(room["host_url"].as_str().unwrap()).await;
        host_ready(host).await;
        phone.goto(room["join_url"].as_str().unwrap()).await;
        phone
            .wait("the join form", "document.querySelector('#join-form')")
            .await;
        assert_eq!(headings(phone).await, json!(["Join the game"]));
        enter_name(phone, "Zoë Quimby").await;
        phone_screen(phone, "s-wait").await;
        assert_eq!(headings(phone).await.as_array().map(Vec::len), Some(1));
        // Everything the countdown's live region says, in order.
        phone
            .js(
                "window.said = []; var l = document.getElementById('pq-live');\
                 new MutationObserver(function () { if (l.textContent) said.push(l.textContent); })\
                 .observe(l, { childList: true, characterData: true, subtree: true });",
            )
            .await;

        host.click("#start-btn").await;
        host_phase(host, "question").await;
        phone_screen(phone, "s-question").await;
        let h = headings(phone).await;
        assert_eq!(h.as_array().map(Vec::len), Some(1), "one h1: {h}");
        let on_phone = badge_shapes(phone, "#pq-choices .letter").await;
        let on_host = badge_shapes(host, "#q-body .letter").await;
        assert_eq!(on_phone, on_host, "the same shape per letter on both");
        let live = phone
            .js("var l = document.getElementById('pq-live');\
                 return l && { polite: l.getAttribute('aria-live'),\
                   hidden: !!l.closest('[aria-hidden=\"true\"]') }")
            .await;
        assert_eq!(live, json!({"polite": "polite", "hidden": false}));
        phone.screenshot("a11y-phone-question").await;
        host.screenshot("a11y-host-question").await;

        phone
            .wait_for(
                "the 5 s announcement",
                "window.said.indexOf('5 seconds left') >= 0",
                std::time::Duration::from_secs(12),
            )
            .await;
        let said = phone.js("return window.said").await;
        assert_eq!(
            said,
            json!(["10 seconds left", "5 seconds left"]),
            "a few moments, not every second"
        );

        host_phase(host, "reveal").await;
        phone_screen(phone, "s-reveal").await;
        assert_eq!(headings(phone).await.as_array().map(Vec::len), Some(1));
        host.click("#next-btn").await;
        phone_screen(phone, "s-over").await;
        assert_eq!(headings(phone).await, json!(["That’s the game!"]));
        host.assert_clean().await;
        phone.assert_clean().await;
    });
}

#[test]
fn a_wrong_room_code_is_refused_in_place_on_the_landing_page() {
    browser_test("wrong_code", |b| async move {
        let (_class, server, pages) = setup(&b, None, &[("phone", Size::Phone)]).await;
        let phone = &pages[0];
        let room = new_room(&server, 1).await;
        let code = room["code"].as_str().unwrap().to_string();
        // A code no room has: the same letters but the last one changed.
        let last = if code.ends_with('Z') { 'Y' } else { 'Z' };
        let wrong = format!("{}{last}", &code[..code.len() - 1]);
        phone.goto(&server.url("/")).await;
        phone
            .wait("the landing page", "document.getElementById('join-form')")
            .await;
        let landing = "return location.pathname";
        let start = phone.js(landing).await;
        let value = "return document.getElementById('join-code').value";

        // The wrong code: the page stays, keeps it and says so next to it.
        phone
            .type_into("#join-code", &format!("{wrong}{ENTER}"))
            .await;
        phone
            .wait("the wrong code refused", "seen('#join-msg') !== ''")
            .await;
        let msg = phone.shown("#join-msg").await;
        assert!(msg.contains(&wrong) && msg.contains("No game"), "{msg:?}");
        assert_eq!(
            phone
                .js("return document.getElementById('join-msg').getAttribute('role')")
                .await,
            "alert",
            "screen readers hear it"
        );
        assert_eq!(phone.js(landing).await, start, "still on the landing page");
        assert_eq!(
            phone.js(value).await,
            wrong.as_str(),
            "what was typed stays"
        );
        phone.screenshot("landing-wrong-code").await;
        // Chromium logs the lookup's 404 as an error: that one is expected,
        // nothing else is.
        let severe = phone.severe_log().await;
        let lookup = format!("/api/rooms/{wrong} ");
        assert!(
            severe
                .iter()
                .all(|e| e["message"].as_str().is_some_and(|m| m.contains(&lookup))),
            "only the lookup's 404 is logged: {severe:?}"
        );

        // Editing the code clears the sentence; the right code joins.
        phone.type_into("#join-code", BACKSPACE).await;
        phone
            .wait("the error cleared by editing", "seen('#join-msg') === ''")
            .await;
        phone
            .type_into("#join-code", &format!("{}{ENTER}", &code[code.len() - 1..]))
            .await;
        phone
            .wait(
                "the join page",
                &format!("location.pathname === {}", js_str(&format!("/join/{code}"))),
            )
            .await;
        enter_name(phone, "Eve").await;
        phone.assert_clean().await;

        // The server gone: the page says so in place and keeps the code.
        phone.goto(&server.url("/")).await;
        phone
            .wait("the landing page", "document.getElementById('join-form')")
            .await;
        let _dir = server.shut_down();
        phone
            .type_into("#join-code", &format!("{code}{ENTER}"))
            .await;
        phone
            .wait(
                "the network failure said in place",
                "/Could not reach/.test(seen('#join-msg'))",
            )
            .await;
        assert_eq!(phone.js(landing).await, start, "still on the landing page");
        assert_eq!(phone.js(value).await, code.as_str(), "what was typed stays");
        phone.assert_no_page_errors().await;
    });
}
