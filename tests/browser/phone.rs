//! The phone page for guests with reading glasses: at the largest system
//! font (Chromium's default font size doubled) and on a small phone, every
//! screen of a game fits, long names break between words only, the reveal
//! says what you picked, ties and streaks, and the countdown never jumps up
//! after an outage. The host is a WebSocket client here; the phones are
//! Chromium pages.

use super::*;
use common::{TestClient, connect_host, create_room};

/// Two bots who play along over WebSockets: the first answers right each
/// round (long name, for the podium); the second never answers (a tie on 0
/// with whoever else has no points).
const BOTS: [&str; 2] = ["Bartholomew Higginbotham", "Zoë Quimby-Ashdown"];

/// Lays out what a person would check on a phone screen: whether the page
/// scrolls, which of `arguments[0]` (selectors) are not wholly on the
/// screen, and which words under `arguments[1]` are split over two lines.
const PHONE_LAYOUT_JS: &str = r#"
var W = window.innerWidth, H = window.innerHeight, d = document.documentElement;
function shown(n) {
  if (!n.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return false;
  var r = n.getBoundingClientRect(); return r.width > 0 && r.height > 0;
}
var out = { scroll: d.scrollHeight > H + 1 || d.scrollWidth > W + 1, size: [d.scrollWidth, d.scrollHeight],
            missing: [], off: [], broken: [] };
arguments[0].forEach(function (sel) {
  var nodes = Array.from(document.querySelectorAll(sel)).filter(shown);
  if (!nodes.length) out.missing.push(sel);
  nodes.forEach(function (n) {
    var r = n.getBoundingClientRect();
    if (r.top < -1 || r.left < -1 || r.bottom > H + 1 || r.right > W + 1)
      out.off.push(sel + ' ' + JSON.stringify([r.left, r.top, r.right, r.bottom]) + ' ' + n.innerText.slice(0, 40));
  });
});
arguments[1].forEach(function (sel) {
  Array.from(document.querySelectorAll(sel)).filter(shown).forEach(function (n) {
    var walk = document.createTreeWalker(n, NodeFilter.SHOW_TEXT), t;
    while ((t = walk.nextNode())) {
      var re = /[^\s\-\u2010-\u2014]+/g, m;
      while ((m = re.exec(t.data))) {
        var range = document.createRange();
        range.setStart(t, m.index); range.setEnd(t, m.index + m[0].length);
        var lines = {};
        Array.from(range.getClientRects()).forEach(function (b) { if (b.width > 0) lines[Math.round(b.top)] = 1; });
        if (Object.keys(lines).length > 1) out.broken.push(sel + ': ' + m[0]);
      }
    }
  });
});
return out;
"#;

/// Fails unless the screen needs no scrolling, each of `whole` is wholly on
/// it and no word under `words` is split over two lines.
async fn assert_phone_fits(phone: &Page, what: &str, whole: &[&str], words: &[&str]) {
    assert_settled(phone, what).await;
    let v = phone
        .js_with(PHONE_LAYOUT_JS, vec![json!(whole), json!(words)])
        .await;
    let ok = v["scroll"] == false
        && v["missing"] == json!([])
        && v["off"] == json!([])
        && v["broken"] == json!([]);
    if !ok {
        phone
            .fail::<()>(&format!("{what} does not fit the phone: {v}"))
            .await;
    }
}

/// The share of each tile's photo its A–D badge covers, at most.
async fn badge_cover(phone: &Page) -> f64 {
    let v = phone
        .js(
            "return Array.from(document.querySelectorAll('#pq-choices .tile')).map(function (t) { \
               var b = t.querySelector('.letter').getBoundingClientRect(); \
               var p = t.querySelector('.pic').getBoundingClientRect(); \
               var w = Math.max(0, Math.min(b.right, p.right) - Math.max(b.left, p.left)); \
               var h = Math.max(0, Math.min(b.bottom, p.bottom) - Math.max(b.top, p.top)); \
               return w * h / (p.width * p.height); });",
        )
        .await;
    let shares: Vec<f64> = serde_json::from_value(v).unwrap();
    assert_eq!(shares.len(), 4, "[{}] four tiles", phone.label);
    shares.into_iter().fold(0.0, f64::max)
}

/// What every question screen must show whole: the time, the round, the
/// prompt, the four choices.
const QUESTION_PARTS: [&str; 5] = [
    "#pq-time",
    "#pq-round",
    "#pq-prompt",
    "#pq-choices > button",
    ".pq-prompt .pq-ask",
];
const NAMES: [&str; 4] = [".pq-name", ".name-text", ".rv-name-text", ".b-name"];

/// A question on `phone` in `mode`, photos loaded; checks it fits; returns
/// the right choice as its player works it out.
async fn question_fits(phone: &Page, class: &Class, mode: &str, round: u32, shot: &str) -> usize {
    phone_screen(phone, "s-question").await;
    phone
        .wait(
            &format!("round {round} with its photos loaded"),
            &format!(
                "seen('#pq-round') === 'Round {round} of 2' \
                 && document.querySelectorAll('#pq-choices button').length === 4 \
                 && Array.from(document.querySelectorAll('#s-question img'))\
                 .every(function (i) {{ return i.complete && i.naturalWidth > 0; }})"
            ),
        )
        .await;
    assert_phone_fits(
        phone,
        &format!("the question ({mode})"),
        &QUESTION_PARTS,
        &NAMES,
    )
    .await;
    if !shot.is_empty() {
        phone.screenshot(shot).await;
    }
    let asked = match mode {
        "name_to_photo" => Some(phone.shown(".pq-name").await),
        _ => None,
    };
    right_choice(phone, class, asked.as_deref()).await
}

/// What the reveal on a phone says, as shown (the pick without spaces).
async fn phone_reveal_text(phone: &Page) -> Value {
    phone_screen(phone, "s-reveal").await;
    phone
        .js(
            "return {verdict: seen('#rv-verdict'), pick: seen('#rv-pick').replace(/\\s+/g, ''), \
             known: seen('#rv-known'), streak: seen('#rv-streak'), place: seen('#rv-rank'), \
             score: seen('#rv-score'), next: seen('#rv-next')}",
        )
        .await
}

/// Chromium's font size as the page sees it.
async fn root_font_px(phone: &Page) -> f64 {
    let v = phone
        .js("return parseFloat(getComputedStyle(document.documentElement).fontSize)")
        .await;
    v.as_f64().unwrap()
}

/// Both modes, round by round, on a phone at normal size, one at double
/// font size and a small phone; the two big phones tap, the small one
/// watches. `tag` names the screenshots ("" for name→photo, "-names").
async fn play(b: &Browser, mode: &str, tag: &str) {
    let (class, server, pages) = setup(
        b,
        None,
        &[
            ("normal", Size::Phone),
            ("large", Size::PhoneLargeFont),
            ("small", Size::SmallPhone),
        ],
    )
    .await;
    let sizes = ["normal", "large", "small"];
    assert_eq!(root_font_px(&pages[0]).await, 16.0);
    assert_eq!(
        root_font_px(&pages[1]).await,
        32.0,
        "the largest font is twice the default"
    );
    let (code, key) = create_room(
        &server,
        json!({"rounds": 2, "seconds": SECONDS, "mode": mode}),
    )
    .await;
    let mut host = connect_host(&server, &code, &key).await;
    let join_url = server.url(&format!("/join/{code}"));
    let names = ["Grandma Bea", "Arnold Schwarzenegger", "Kim"];
    for (i, phone) in pages.iter().enumerate() {
        phone.goto(&join_url).await;
        phone
            .wait("the join form", "document.querySelector('#join-form')")
            .await;
        assert_eq!(
            root_font_px(phone).await,
            [16.0, 32.0, 16.0][i],
            "[{}] the font size on the page",
            phone.label
        );
        assert_phone_fits(phone, "the join form", &["#name", "#join-btn"], &[]).await;
        if tag.is_empty() && i < 2 {
            phone.screenshot(&format!("phone-{}-join", sizes[i])).await;
        }
        enter_name(phone, names[i]).await;
    }
    let mut bots: Vec<TestClient> = Vec::new();
    for name in BOTS {
        bots.push(common::join(&server, &code, name).await.0);
    }
    for (i, phone) in pages.iter().enumerate() {
        phone
            .wait(
                "five players",
                "seen('#wait-count') === '5 players in the game'",
            )
            .await;
        assert_phone_fits(
            phone,
            "the lobby",
            &["#wait-name", "#wait-count"],
            &[".you-name"],
        )
        .await;
        if tag.is_empty() && i < 2 {
            phone.screenshot(&format!("phone-{}-lobby", sizes[i])).await;
        }
    }

    // Round 1: one big phone right (`first`), the other wrong; the first
    // bot right. The name→photo game starts with "normal" right, the
    // photo→name one with "large", so each size shows both verdicts.
    let first = if tag.is_empty() { 0 } else { 1 };
    let other = 1 - first;
    host.send(json!({"type":"start_round"})).await;
    let mut right = 0;
    for (i, phone) in pages.iter().enumerate() {
        let shot = format!("phone-{}-question{tag}", sizes[i]);
        right = question_fits(phone, &class, mode, 1, &shot).await;
    }
    if mode == "name_to_photo" {
        for phone in &pages {
            let cover = badge_cover(phone).await;
            assert!(
                cover <= 0.1,
                "[{}] a badge covers {cover:.2} of its photo",
                phone.label
            );
        }
        // At 200 % zoom the badges stay a corner of the photo.
        pages[0].zoom(2.0).await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let cover = badge_cover(&pages[0]).await;
        pages[0].screenshot("phone-zoom200-question").await;
        pages[0].zoom(1.0).await;
        assert!(
            cover <= 0.1,
            "at 200 % zoom a badge covers {cover:.2} of its photo"
        );
    }
    let wrong = (right + 1) % 4;
    let mut picks = [right, right];
    picks[other] = wrong;
    tap(&pages[first], right).await;
    tap(&pages[other], wrong).await;
    bots[0].recv_type("round").await;
    bots[0].vote(1, right as u64).await;
    for i in 0..2 {
        wait_locked(&pages[i], picks[i]).await;
        assert_phone_fits(&pages[i], "locked in", &["#locked", "#saved"], &NAMES).await;
        pages[i]
            .screenshot(&format!("phone-{}-locked{tag}", sizes[i]))
            .await;
    }
    host.send(json!({"type":"reveal"})).await;
    let rev = host.recv_type("reveal").await;
    let (known_as, _) = demo_person(rev["name"].as_str().unwrap());
    let want_known = if known_as.is_empty() {
        String::new()
    } else {
        format!("now {known_as}")
    };
    let bot_score = rev["leaderboard"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == BOTS[0])
        .map(|e| e["score"].as_u64().unwrap())
        .unwrap();
    for (i, phone) in pages.iter().enumerate() {
        let v = phone_reveal_text(phone).await;
        assert_eq!(
            v["known"], want_known,
            "[{}] the reveal's \"now known as\": {v}",
            phone.label
        );
        assert_eq!(
            v["next"], "Next question coming up — watch the screen.",
            "{v}"
        );
        assert_eq!(
            v["streak"], "",
            "[{}] one right is no streak: {v}",
            phone.label
        );
        let pick = v["pick"].as_str().unwrap();
        let score = number(v["score"].as_str().unwrap());
        let (verdict, mark, place) = match i {
            _ if i == first => {
                let rank = if score > bot_score { 1 } else { 2 };
                let tied = usize::from(score == bot_score);
                ("✓ Right!", "✓right", place_text(rank, tied, score))
            }
            _ if i == other => ("✗ Not this time", "✗wrong", place_text(3, 2, 0)),
            _ => ("No answer this time", "", place_text(3, 2, 0)),
        };
        assert_eq!(v["verdict"], verdict, "[{}] {v}", phone.label);
        assert_eq!(v["place"], place, "[{}] the place: {v}", phone.label);
        if i < 2 {
            // What the player tapped, and whether it was right.
            let letter = ["A", "B", "C", "D"][picks[i]];
            assert!(
                pick.starts_with(&format!("Youpicked{letter}")) && pick.ends_with(mark),
                "[{}] the pick: {v}",
                phone.label
            );
        } else {
            assert_eq!(pick, "", "no pick to show: {v}");
        }
        assert_phone_fits(
            phone,
            "the reveal",
            &["#rv-verdict", "#rv-rank", "#rv-next"],
            &NAMES,
        )
        .await;
    }
    pages[first]
        .screenshot(&format!("phone-{}-reveal-right{tag}", sizes[first]))
        .await;
    pages[other]
        .screenshot(&format!("phone-{}-reveal-wrong{tag}", sizes[other]))
        .await;

    // Round 2, the last: both big phones right; `first` has two in a row.
    host.send(json!({"type":"start_round"})).await;
    for phone in &pages {
        right = question_fits(phone, &class, mode, 2, "").await;
    }
    tap(&pages[0], right).await;
    tap(&pages[1], right).await;
    bots[0].recv_type("round").await;
    bots[0].vote(2, right as u64).await;
    wait_locked(&pages[0], right).await;
    wait_locked(&pages[1], right).await;
    host.send(json!({"type":"reveal"})).await;
    for (i, phone) in pages.iter().enumerate() {
        phone
            .wait(
                "round 2's reveal",
                "seen('#rv-next').indexOf('last question') > 0",
            )
            .await;
        let v = phone_reveal_text(phone).await;
        assert_eq!(
            v["next"],
            "That was the last question — the final results are coming up on the screen.",
            "[{}] after the last round no next question is promised",
            phone.label
        );
        let streak = if i == first { "2 in a row 🔥" } else { "" };
        assert_eq!(v["streak"], streak, "[{}] {v}", phone.label);
        assert_phone_fits(
            phone,
            "the last reveal",
            &["#rv-verdict", "#rv-next"],
            &NAMES,
        )
        .await;
    }
    pages[first]
        .screenshot(&format!("phone-{}-reveal-streak{tag}", sizes[first]))
        .await;

    // The end: the top 3 is readable at every size.
    host.send(json!({"type":"start_round"})).await;
    host.recv_type("game_over").await;
    for (i, phone) in pages.iter().enumerate() {
        phone_screen(phone, "s-over").await;
        assert_phone_fits(phone, "the end screen", &["#ov-rank", "#ov-top li"], &NAMES).await;
        let lines = phone
            .js("return Array.from(document.querySelectorAll('#ov-top .b-name')).map(function (n) { \
                   var lh = parseFloat(getComputedStyle(n).lineHeight) || parseFloat(getComputedStyle(n).fontSize) * 1.4; \
                   return Math.round(n.getBoundingClientRect().height / lh); });")
            .await;
        for l in lines.as_array().unwrap() {
            assert!(
                l.as_u64().unwrap() <= 2,
                "[{}] a top-3 name takes {lines} lines",
                phone.label
            );
        }
        if tag.is_empty() && i < 2 {
            phone.screenshot(&format!("phone-{}-over", sizes[i])).await;
        }
        phone.assert_clean().await;
    }
    drop(bots);
}

#[test]
fn every_phone_screen_fits_a_big_font_and_a_small_phone_name_to_photo() {
    browser_test("phone_fit_photos", |b| async move {
        play(&b, "name_to_photo", "").await;
    });
}

#[test]
fn every_phone_screen_fits_a_big_font_and_a_small_phone_photo_to_name() {
    browser_test("phone_fit_names", |b| async move {
        play(&b, "photo_to_name", "-names").await;
    });
}

/// Cuts the phone's network (its sockets close, new ones fail) and waits
/// for its "Reconnecting…", or brings it back and waits until it is
/// connected again.
async fn set_offline(phone: &Page, offline: bool) {
    phone
        .js(&format!(
            "window.__offline = {offline}; \
             if ({offline}) window.__live.forEach(function (s) {{ s.close(); }});"
        ))
        .await;
    let (what, back) = if offline {
        (
            "the Reconnecting banner",
            "seen('#conn') === 'Reconnecting…'",
        )
    } else {
        (
            "the phone back online",
            "document.getElementById('conn').hidden \
             && window.__live.some(function (s) { return s.readyState === 1; })",
        )
    };
    phone
        .wait_for(what, back, std::time::Duration::from_secs(15))
        .await;
}

/// The seconds the phone has shown since the recorder started.
async fn times_shown(phone: &Page) -> Vec<u64> {
    serde_json::from_value(phone.js("return window.__times").await).unwrap()
}

/// Through an outage the phone keeps counting; when it is back, a server
/// that says more time than shown (here its clock stood still) does not
/// make the time jump up, and one that says less is followed. The
/// "Reconnecting…" banner never covers the time. The projector's clock,
/// cut off with it, does the same.
#[test]
fn the_phone_timer_never_jumps_up_after_an_outage() {
    browser_test("phone_outage", |b| async move {
        let phone = b.open("phone", Size::PhoneLargeFont).await;
        let projector = b.open("projector", Size::Projector).await;
        let class = demo_class();
        let server = TestServer::builder()
            .roster(&class.dir.path().join("roster.csv"))
            .test_clock()
            .start();
        let (code, key) = create_room(&server, json!({"rounds": 1, "seconds": 30})).await;
        let mut host = connect_host(&server, &code, &key).await;
        projector
            .goto(&server.url(&format!("/host/{code}#key={key}")))
            .await;
        host_ready(&projector).await;
        phone.goto(&server.url(&format!("/join/{code}"))).await;
        enter_name(&phone, "Grandma Bea").await;
        host.send(json!({"type":"start_round"})).await;
        phone_screen(&phone, "s-question").await;
        phone
            .js("window.__times = []; var t = document.getElementById('pq-time'); \
                 new MutationObserver(function () { window.__times.push(parseInt(t.textContent, 10)); }) \
                 .observe(t, { childList: true, characterData: true, subtree: true });")
            .await;
        projector
            .js("window.__times = []; var t = document.getElementById('timer-num'); \
                 new MutationObserver(function () { window.__times.push(parseInt(t.textContent, 10)); }) \
                 .observe(t, { childList: true, characterData: true, subtree: true });")
            .await;
        phone
            .wait("the phone's count at 27 s", "seen('#pq-time') === '27 s'")
            .await;
        set_offline(&projector, true).await;

        // The outage: the phone keeps counting, the banner leaves the time readable.
        set_offline(&phone, true).await;
        let v = phone
            .js(
                "function r(id) { var b = document.getElementById(id).getBoundingClientRect(); \
                   return [b.left, b.top, b.right, b.bottom]; } \
                 return { banner: r('conn'), time: r('pq-time'), bar: r('p-bar') };",
            )
            .await;
        let rect = |k: &str| -> [f64; 4] { serde_json::from_value(v[k].clone()).unwrap() };
        let overlap =
            |a: [f64; 4], b: [f64; 4]| a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
        assert!(
            !overlap(rect("banner"), rect("time")) && !overlap(rect("banner"), rect("bar")),
            "the banner covers the time: {v}"
        );
        assert_phone_fits(
            &phone,
            "the question while reconnecting",
            &QUESTION_PARTS,
            &NAMES,
        )
        .await;
        phone.screenshot("phone-large-reconnecting").await;
        phone
            .wait("the count going on offline", "seen('#pq-time') === '24 s'")
            .await;

        // Back: the server (its clock stood still) says 30 s are left.
        set_offline(&phone, false).await;
        set_offline(&projector, false).await;
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        for page in [&phone, &projector] {
            let times = times_shown(page).await;
            assert!(
                times.windows(2).all(|w| w[1] <= w[0]) && *times.last().unwrap() <= 24,
                "[{}] the shown seconds went up after the outage: {times:?}",
                page.label
            );
        }

        // The server's time is the truth when it is lower: 20 s later on
        // its clock, the phone learns it on its next connection.
        server.skip(std::time::Duration::from_secs(20));
        set_offline(&phone, true).await;
        set_offline(&phone, false).await;
        phone
            .wait(
                "the phone at the server's 10 s",
                "parseInt(seen('#pq-time'), 10) <= 10",
            )
            .await;
        let times = times_shown(&phone).await;
        assert!(
            times.windows(2).all(|w| w[1] <= w[0]),
            "the shown seconds went up: {times:?}"
        );
        phone.assert_no_page_errors().await;
        projector.assert_no_page_errors().await;
        drop(host);
    });
}

/// Four classmates with long names, every word of them long (photos from
/// the demo class): the names the issue saw broken mid-word.
const LONG_NAMES: [(&str, &str); 4] = [
    (
        "Maria-Magdalena Papadopoulou-Fitzgerald",
        "Maggie Konstantinopoulou",
    ),
    ("Bartholomew Higginbotham-Worthington", ""),
    ("Wilhelmina Schwarzenegger", ""),
    ("Anastasia Konstantinopoulou", ""),
];

fn long_name_roster() -> tempfile::TempDir {
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo");
    let mut r = csv::Reader::from_path(demo.join("roster.csv")).expect("demo roster");
    let photos: Vec<String> = r
        .records()
        .map(|rec| rec.unwrap())
        .filter(|rec| &rec[1] == "F")
        .map(|rec| rec[2].to_string())
        .take(LONG_NAMES.len())
        .collect();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("photos")).unwrap();
    let mut out = csv::Writer::from_path(dir.path().join("roster.csv")).unwrap();
    out.write_record(["name", "gender", "photo", "known_as", "in_memoriam"])
        .unwrap();
    for ((name, known_as), photo) in LONG_NAMES.iter().zip(&photos) {
        std::fs::copy(demo.join(photo), dir.path().join(photo)).unwrap();
        out.write_record([name, "F", photo, known_as, ""]).unwrap();
    }
    out.flush().unwrap();
    dir
}

/// Long names in both modes at double font size and on a small phone:
/// the prompt and the four choices fit, and no word is split.
#[test]
fn long_classmate_names_fit_between_words() {
    browser_test("phone_long_names", |b| async move {
        let pages = b
            .open_all(&[("large", Size::PhoneLargeFont), ("small", Size::SmallPhone)])
            .await;
        let dir = long_name_roster();
        let server = TestServer::builder()
            .roster(&dir.path().join("roster.csv"))
            .in_process()
            .start();
        for (mode, tag) in [("name_to_photo", ""), ("photo_to_name", "-names")] {
            let (code, key) = create_room(
                &server,
                json!({"rounds": 1, "seconds": SECONDS, "mode": mode}),
            )
            .await;
            let mut host = connect_host(&server, &code, &key).await;
            for (i, phone) in pages.iter().enumerate() {
                phone.goto(&server.url(&format!("/join/{code}"))).await;
                // The form offers the name typed for the last game: type anew.
                phone.find("#name").await.clear().await.unwrap();
                enter_name(phone, ["Wilhelmina", "Anastasia"][i]).await;
            }
            // Someone who never answers keeps the round open until the reveal.
            let (_silent, _) = common::join(&server, &code, "Silent").await;
            host.send(json!({"type":"start_round"})).await;
            for phone in &pages {
                phone_screen(phone, "s-question").await;
                phone
                    .wait(
                        "the photos loaded",
                        "Array.from(document.querySelectorAll('#s-question img'))\
                         .every(function (i) { return i.complete && i.naturalWidth > 0; })",
                    )
                    .await;
                assert_phone_fits(phone, "a question with long names", &QUESTION_PARTS, &NAMES)
                    .await;
            }
            pages[0]
                .screenshot(&format!("phone-large-long-names{tag}"))
                .await;
            tap(&pages[0], 0).await;
            tap(&pages[1], 1).await;
            for (i, phone) in pages.iter().enumerate() {
                wait_locked(phone, i).await;
                assert_phone_fits(phone, "locked in", &["#locked", "#saved"], &NAMES).await;
            }
            host.send(json!({"type":"reveal"})).await;
            for phone in &pages {
                phone_screen(phone, "s-reveal").await;
                assert_phone_fits(phone, "a reveal with long names", &["#rv-verdict"], &NAMES)
                    .await;
            }
            pages[0]
                .screenshot(&format!("phone-large-long-names-reveal{tag}"))
                .await;
        }
    });
}
