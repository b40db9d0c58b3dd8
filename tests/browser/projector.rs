//! The projector as the back of a ballroom sees it, at 1920×1080 and at
//! 1280×720: long and accented names fit their boxes (smaller type, breaks
//! between words only), nothing overlaps or is cut off, room-facing text is
//! big enough to read from the back, latecomers always have a QR code, and
//! the countdown is spoken to screen readers.

use super::*;
use On::{May, Must};

/// Classmates with long names (up to 42 characters, accents), on the demo
/// class's photos (in `CLASS` order).
const LONG_CLASS: [&str; 10] = [
    "Bartholomew Higginbotham-Featherstonehaugh",
    "Maria-Magdalena Papadopoulou-Fitzgerald",
    "Anne-Sophie Østergaard-Lindqvist Núñez",
    "Guadalupe Castellanos-Oyelaran de la Cruz",
    "Konstantin Wolfeschlegelsteinhausen",
    "Christopher Vance",
    "Zoë Ångström-Quimby",
    "José María Alvarado Hernández-Villanueva",
    "Grandma Bea",
    "Siobhán Ní Bhriain-MacGiolla Phádraig",
];

/// The four longest of one gender in `LONG_CLASS`.
const LONGEST_FOUR: [&str; 4] = [
    "Guadalupe Castellanos-Oyelaran de la Cruz",
    "Bartholomew Higginbotham-Featherstonehaugh",
    "Maria-Magdalena Papadopoulou-Fitzgerald",
    "Anne-Sophie Østergaard-Lindqvist Núñez",
];

/// Players with names as long as a name may be (24 columns), accented, and
/// one long single word.
const PLAYERS: [&str; 12] = [
    "Bartholomew Higginbotham",
    "Arnold Schwarzenegger",
    "Zoë Ångström Núñez-Pérez",
    "Wolfeschlegelsteinhausen",
    "Grandma Bea",
    "Siobhán Ní Bhriain",
    "Maximilian Winterbottom",
    "Guadalupe Castellanos",
    "Elisabeth Fitzgerald-Ng",
    "José María Hernández",
    "François d'Aubigné-Lévy",
    "Christopher Abernathy",
];

/// `demo_class()` renamed to `LONG_CLASS` (who is now known as someone
/// else or in memoriam stays so).
fn long_class() -> Class {
    let class = demo_class();
    let csv_path = class.dir.path().join("roster.csv");
    let mut r = csv::Reader::from_path(&csv_path).expect("demo roster");
    let headers = r.headers().unwrap().clone();
    let name = headers.iter().position(|x| x == "name").unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let mut out = csv::Writer::from_path(&csv_path).unwrap();
    out.write_record(&headers).unwrap();
    for rec in &rows {
        let i = CLASS.iter().position(|c| *c == &rec[name]).unwrap();
        let row: Vec<&str> = rec
            .iter()
            .enumerate()
            .map(|(c, v)| if c == name { LONG_CLASS[i] } else { v })
            .collect();
        out.write_record(&row).unwrap();
    }
    out.flush().unwrap();
    class
}

/// The server (in-process) on `class`'s roster.
fn server_for(class: &Class) -> TestServer {
    TestServer::builder()
        .roster(&class.dir.path().join("roster.csv"))
        .in_process()
        .start()
}

/// 130 different names of 24 columns at most, longest first, most with
/// accents or hyphens.
fn many_names() -> Vec<String> {
    let first = [
        "Bartholomew",
        "Zoë",
        "Maria-Magdalena",
        "Siobhán",
        "Konstantin",
        "Guadalupe",
        "José María",
        "François",
        "Jo",
        "Elisabeth",
        "Maximilian",
        "Anne-Sophie",
        "Grandma",
        "Christopher",
        "Ngozi",
    ];
    let last = [
        "Higginbotham",
        "Ångström",
        "Castellanos",
        "Ní Bhriain",
        "Oyelaran",
        "Núñez-Pérez",
        "Winterbottom",
        "Fitzgerald",
        "Ng",
        "Bea",
        "Schwarzenegger",
    ];
    let mut out: Vec<String> = first
        .iter()
        .flat_map(|f| last.iter().map(move |l| format!("{f} {l}")))
        .filter(|n| n.chars().count() <= 24)
        .collect();
    out.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
    assert!(out.len() >= 130, "{} names", out.len());
    out.truncate(130);
    out
}

/// The smallest room-facing text a size may show: about 40 px at 1080 lines
/// (a slide's 24 pt), as much smaller as the screen is; a long name may
/// shrink a tenth below it to stay on its line.
pub(super) fn legible_px(size: Size) -> f64 {
    let (_, h) = size.wh();
    40.0 * f64::from(h) / 1080.0 * 0.9
}

/// A CSS selector a layout check looks at, and whether this phase must show
/// it: a check of what is not on the screen would pass on an empty page.
#[derive(Clone, Copy, Debug)]
pub(super) enum On {
    /// At least one visible match, or the check fails.
    Must(&'static str),
    /// Checked where shown; may have no visible match (say why at the use).
    May(&'static str),
}

impl On {
    fn json(self) -> Value {
        match self {
            On::Must(css) => json!([css, true]),
            On::May(css) => json!([css, false]),
        }
    }
}

/// Everything a person would find wrong with one projector screen: `boxes`
/// must be on the screen and not overlap each other, `names` must not be
/// cut off or broken inside a word, `fonts` (selector, smallest px) must be
/// big enough. Each is `[css, must]`: a `must` selector with no visible
/// match is a problem too. Returns the problems, in words.
const LOOK_JS: &str = r#"
var boxes = arguments[0], names = arguments[1], fonts = arguments[2];
var W = window.innerWidth, H = window.innerHeight, out = [];
function shown(n) {
  if (!n.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return null;
  var r = n.getBoundingClientRect();
  return r.width > 0 && r.height > 0 ? r : null;
}
function label(n) {
  return n.tagName.toLowerCase() + (n.id ? '#' + n.id : '') + '.' + String(n.className).replace(/ /g, '.')
    + ' "' + (n.textContent || '').trim().slice(0, 30) + '"';
}
// The visible matches of `want` ([css, must]); none of a `must` is a problem.
function visible(want, as) {
  var all = document.querySelectorAll(want[0]), seen = [];
  all.forEach(function (n) { var r = shown(n); if (r) seen.push([n, r]); });
  if (!seen.length && want[1])
    out.push(want[0] + ' should be on the screen (' + as + '), but '
      + (all.length ? 'its ' + all.length + ' match(es) are hidden' : 'nothing matches'));
  return seen;
}
var found = [];
boxes.forEach(function (b) { found = found.concat(visible(b, 'a box')); });
found.forEach(function (a) {
  var r = a[1];
  if (r.left < -0.5 || r.top < -0.5 || r.right > W + 0.5 || r.bottom > H + 0.5)
    out.push(label(a[0]) + ' is off the screen: ' + [r.left, r.top, r.right, r.bottom].map(Math.round));
});
for (var i = 0; i < found.length; i++) for (var j = i + 1; j < found.length; j++) {
  var a = found[i], b = found[j];
  if (a[0].contains(b[0]) || b[0].contains(a[0])) continue;
  var w = Math.min(a[1].right, b[1].right) - Math.max(a[1].left, b[1].left);
  var h = Math.min(a[1].bottom, b[1].bottom) - Math.max(a[1].top, b[1].top);
  if (w > 1 && h > 1) out.push(label(a[0]) + ' overlaps ' + label(b[0]) + ' by ' + Math.round(w) + '×' + Math.round(h));
}
names.forEach(function (want) {
  visible(want, 'a name').forEach(function (a) {
    var n = a[0];
    // Across only: accents and descenders may reach past a tight line box
    // without being cut. A box that hides its overflow ends its text with
    // "…" for the least overflow; one that shows it, a pixel is rounding.
    var slack = getComputedStyle(n).overflowX === 'visible' ? 1 : 0;
    if (n.scrollWidth > n.clientWidth + slack)
      out.push(label(n) + ' is cut off: ' + n.scrollWidth + ' px wide in ' + n.clientWidth);
    var walk = document.createTreeWalker(n, NodeFilter.SHOW_TEXT), t;
    while ((t = walk.nextNode())) {
      var re = /[^\s\-\u2010]+/g, m;
      while ((m = re.exec(t.data))) {
        var range = document.createRange();
        range.setStart(t, m.index);
        range.setEnd(t, m.index + m[0].length);
        var lines = {};
        Array.prototype.forEach.call(range.getClientRects(), function (q) { if (q.width > 0) lines[Math.round(q.top)] = 1; });
        if (Object.keys(lines).length > 1) out.push(label(n) + ' breaks the word "' + m[0] + '" over lines');
      }
    }
  });
});
fonts.forEach(function (f) {
  visible([f[0], f[2]], 'text of ' + f[1].toFixed(1) + ' px or more').forEach(function (a) {
    var n = a[0], px = parseFloat(getComputedStyle(n).fontSize);
    if (px < f[1]) out.push(label(n) + ' is set in ' + px.toFixed(1) + ' px, under ' + f[1].toFixed(1));
  });
});
return out;
"#;

/// Fails with every problem `LOOK_JS` finds on the projector's screen, and
/// when the page scrolls or a box cuts its content (`assert_fits`).
pub(super) async fn assert_looks_right(
    host: &Page,
    what: &str,
    boxes: &[On],
    names: &[On],
    fonts: &[(On, f64)],
) {
    assert_fits(host, what).await;
    let list = |l: &[On]| Value::from_iter(l.iter().map(|on| on.json()));
    let fonts = Value::from_iter(fonts.iter().map(|(on, px)| {
        let on = on.json();
        json!([on[0], px, on[1]])
    }));
    let problems = host
        .js_with(LOOK_JS, vec![list(boxes), list(names), fonts])
        .await;
    assert_eq!(problems, json!([]), "[{}] {what}", host.label);
}

/// The latecomers' corner during play: a QR code and the join address,
/// neither covering anything (checked with the other boxes).
async fn assert_latecomers_can_join(host: &Page, size: Size, what: &str) {
    let (_, h) = size.wh();
    let v = host
        .js("var s = document.querySelector('#host > .screen:not([hidden])'); \
             var q = s && s.querySelector('.late .qr svg'); \
             var r = q && q.getBoundingClientRect(); \
             return { qr: r ? [r.width, r.height] : null, url: s ? seen(s.querySelector('.late-url')) : '', \
                      join: document.getElementById('host').dataset.joinUrl };")
        .await;
    let side = f64::from(h) * 0.09;
    assert!(
        v["qr"][0].as_f64().is_some_and(|w| w >= side),
        "[{}] {what}: a QR code of at least {side:.0} px for latecomers: {v}",
        host.label
    );
    let url = v["url"].as_str().unwrap().replace(['\n', ' '], "");
    let join = v["join"].as_str().unwrap();
    assert!(
        join.ends_with(&url) && url.len() >= 8,
        "[{}] {what}: the join address beside it: {v}",
        host.label
    );
}

pub(super) const LATE: &str = "#host > .screen:not([hidden]) .late";

fn lobby_boxes() -> Vec<On> {
    vec![
        Must(".lobby-qr .qr"),
        Must(".join-url"),
        Must(".room-code"),
        Must("#start-btn"),
        Must(".player-count"),
        Must("#players .chip"),
        Must(".controls"),
    ]
}

/// The lobby with 21 long names (all on the screen) and then 130 (a count
/// and the newest that fit), at `size`.
async fn lobby_of_many(b: Browser, size: Size, tag: &str) {
    let class = demo_class();
    let server = server_for(&class);
    let host = b.open("host", size).await;
    let code = host_new_room(&server, &host, 2).await;
    let names = many_names();
    let legible = legible_px(size);
    let fonts = [
        (Must("#players .chip-name"), legible),
        (Must(".player-count"), legible),
    ];

    let _first = crowd_join(&server, &code, &names[..21]).await;
    let refs: Vec<&str> = names[..21].iter().map(String::as_str).collect();
    let shown = host_lobby_is(&host, &refs).await;
    host.screenshot(&format!("projector-{tag}-lobby")).await;
    assert_eq!(shown, 21, "[{tag}] every one of 21 names is on the screen");
    assert_looks_right(
        &host,
        "a lobby of 21",
        &lobby_boxes(),
        &[Must("#players .chip-name")],
        &fonts,
    )
    .await;

    let _rest = crowd_join(&server, &code, &names[21..]).await;
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let shown = host_lobby_is(&host, &refs).await;
    assert!(
        (8..130).contains(&shown),
        "[{tag}] 130 names: the newest {shown} that fit and \"+ N more\""
    );
    assert_eq!(
        host.shown(".player-count").await,
        "130 players joined",
        "[{tag}]"
    );
    assert_looks_right(
        &host,
        "a lobby of 130",
        &lobby_boxes(),
        &[Must("#players .chip-name")],
        &fonts,
    )
    .await;
    host.screenshot(&format!("projector-{tag}-lobby-130")).await;
    host.assert_clean().await;
}

#[test]
fn the_lobby_shows_21_names_and_counts_130_at_1080() {
    browser_test("projector_lobby_1080", |b| async move {
        lobby_of_many(b, Size::Projector, "1080").await;
    });
}

#[test]
fn the_lobby_shows_21_names_and_counts_130_at_720() {
    browser_test("projector_lobby_720", |b| async move {
        lobby_of_many(b, Size::Projector720, "720").await;
    });
}

/// Waits for the question screen of `round` with its photos loaded.
async fn question_up(host: &Page, round: u32) {
    host_phase(host, "question").await;
    host.wait(
        &format!("round {round} on the projector, photos loaded"),
        &format!(
            "seen('#q-round').indexOf('ROUND {round} ') === 0 \
             && Array.from(document.querySelectorAll('#q-body img'))\
             .every(function (i) {{ return i.complete && i.naturalWidth > 0; }})"
        ),
    )
    .await;
}

/// Waits for the reveal of `round`: bars, counts and the leaderboard.
async fn reveal_up(host: &Page, round: u32) {
    host_phase(host, "reveal").await;
    host.wait(
        &format!("the reveal of round {round}"),
        &format!(
            "seen('#r-round').indexOf('ROUND {round} ') === 0 \
             && document.querySelectorAll('#board .board-row').length > 0 \
             && Array.from(document.querySelectorAll('#r-chart .bar-num')).every(seen)"
        ),
    )
    .await;
}

async fn check_question(host: &Page, size: Size, what: &str, photos: bool) {
    let legible = legible_px(size);
    let mut boxes = vec![
        Must("#q-round"),
        Must("#q-name"),
        Must("#timer"),
        Must("#answered"),
        Must(".controls"),
        Must(LATE),
    ];
    let mut fonts = vec![(Must("#answered"), legible)];
    let mut names = vec![Must("#q-name")];
    if photos {
        boxes.push(Must("#q-body .choice"));
    } else {
        boxes.extend([Must("#q-body .pn-photo"), Must("#q-body .name-choice")]);
        fonts.push((Must("#q-body .name-text"), legible));
        names.push(Must("#q-body .name-text"));
    }
    assert_looks_right(host, what, &boxes, &names, &fonts).await;
    assert_latecomers_can_join(host, size, what).await;
}

async fn check_reveal(host: &Page, size: Size, what: &str, photos: bool) {
    let legible = legible_px(size);
    // Photo choices carry their own photos; name choices, the named
    // person's photo beside their bars.
    let in_names = |css| if photos { May(css) } else { Must(css) };
    let boxes = [
        Must("#r-round"),
        Must("#r-name"),
        // Only for someone now known by another name.
        May("#r-known"),
        Must("#r-chart .bar-row"),
        in_names("#r-chart .r-prompt"),
        Must(".board-title"),
        Must("#board .board-row"),
        Must(".controls"),
        Must(LATE),
    ];
    let fonts = [
        (Must("#r-chart .bar-num"), legible),
        (Must("#board .b-name"), legible),
        (Must("#board .b-score"), legible),
    ];
    assert_looks_right(
        host,
        what,
        &boxes,
        &[
            Must("#r-name"),
            in_names("#r-chart .bar-name"),
            Must("#board .b-name"),
        ],
        &fonts,
    )
    .await;
    assert_latecomers_can_join(host, size, what).await;
    // Each bar as long as its share of the votes, in its choice's colour.
    let bars = host
        .js(
            "return Array.from(document.querySelectorAll('#r-chart .bar-row')).map(function (r) { \
               var f = r.querySelector('.bar-fill'), t = r.querySelector('.bar-track'); \
               var votes = Number(seen(r.querySelector('.bar-num')).replace(/ vote.*/, '')); \
               return { votes: votes, long: f.getBoundingClientRect().width / t.clientWidth, \
                        colour: getComputedStyle(f).backgroundColor }; });",
        )
        .await;
    let max = bars
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["votes"].as_u64())
        .max()
        .unwrap_or(0);
    for b in bars.as_array().unwrap() {
        let want = b["votes"].as_u64().unwrap() as f64 / max.max(1) as f64;
        let long = b["long"].as_f64().unwrap();
        assert!(
            (long - want).abs() < 0.02,
            "[{}] {what}: a bar {long:.2} of its track for {want:.2} of the most votes: {bars}",
            host.label
        );
        assert!(
            want == 0.0 || b["colour"] != "rgba(0, 0, 0, 0)",
            "[{}] {what}: a bar with no colour: {bars}",
            host.label
        );
    }
    if photos {
        // The right photo is what everyone looks at: clearly bigger than
        // the 121×151 it was at 1080 lines.
        let (_, h) = size.wh();
        let want = 121.0 * 1.5 * f64::from(h) / 1080.0;
        let w = host
            .js(
                "var p = document.querySelector('#r-chart .bar-row.right .pic'); \
                 return p ? p.getBoundingClientRect().width : 0;",
            )
            .await;
        assert!(
            w.as_f64().unwrap() >= want,
            "[{}] {what}: the right photo is {w} px wide, want {want:.0}",
            host.label
        );
    }
}

async fn check_over(host: &Page, size: Size, what: &str) {
    let legible = legible_px(size);
    let boxes = [
        Must("#over-h"),
        Must("#podium .step-name"),
        Must("#podium .step-score"),
        Must("#podium .block"),
        Must("#stats .stat"),
        Must(".final-wrap .board-title"),
        Must("#final-board li"),
        Must(".controls"),
    ];
    let fonts = [
        (Must("#podium .step-name"), legible),
        (Must("#final-board .b-name"), legible),
        (Must("#final-board .b-score"), legible),
        (Must("#stats .stat-name"), legible * 0.75),
    ];
    assert_looks_right(
        host,
        what,
        &boxes,
        &[
            Must("#podium .step-name"),
            Must("#final-board .b-name"),
            Must("#stats .stat"),
            Must("#stats .stat-name"),
        ],
        &fonts,
    )
    .await;
}

/// A whole game in each mode with long names everywhere, every phase
/// checked and saved at `size`.
async fn long_names_game(b: Browser, size: Size, tag: &str) {
    let class = long_class();
    let server = server_for(&class);
    let host = b.open("host", size).await;
    let players: Vec<String> = PLAYERS.iter().map(|s| s.to_string()).collect();

    // Name → photo, two rounds, to the podium.
    let room = new_room_in_mode(&server, 2, "name_to_photo").await;
    host.goto(room["host_url"].as_str().unwrap()).await;
    let code = host_ready(&host).await;
    let mut phones = crowd_join(&server, &code, &players).await;
    host.wait(
        "twelve players in the lobby",
        "seen('#player-count') === '12'",
    )
    .await;
    assert_looks_right(
        &host,
        "the lobby of 12",
        &lobby_boxes(),
        &[Must("#players .chip-name")],
        &[],
    )
    .await;
    host.screenshot(&format!("projector-{tag}-lobby-12")).await;
    host.click("#start-btn").await;
    question_up(&host, 1).await;
    host.screenshot(&format!("projector-{tag}-question")).await;
    check_question(&host, size, "a name → photo question", true).await;
    crowd_vote(&mut phones, 1, |i| (i % 4) as u64).await;
    reveal_up(&host, 1).await;
    host.screenshot(&format!("projector-{tag}-reveal")).await;
    check_reveal(&host, size, "a name → photo reveal", true).await;
    host.click("#next-btn").await;
    question_up(&host, 2).await;
    crowd_vote(&mut phones, 2, |i| (i / 4 % 4) as u64).await;
    reveal_up(&host, 2).await;
    host.screenshot(&format!("projector-{tag}-leaderboard"))
        .await;
    check_reveal(&host, size, "the second reveal", true).await;
    host.click("#next-btn").await;
    host_phase(&host, "over").await;
    host.wait(
        "the podium's three names",
        "[1, 2, 3].every(function (p) { return seen('#podium .step.p' + p + ' .step-name'); })",
    )
    .await;
    host.screenshot(&format!("projector-{tag}-podium")).await;
    check_over(&host, size, "the podium").await;

    // Photo → name, one round: four long names beside the photo.
    let room = new_room_in_mode(&server, 1, "photo_to_name").await;
    host.goto(room["host_url"].as_str().unwrap()).await;
    let code = host_ready(&host).await;
    let mut phones = crowd_join(&server, &code, &players[..3]).await;
    host.wait(
        "three players in the lobby",
        "seen('#player-count') === '3'",
    )
    .await;
    host.click("#start-btn").await;
    question_up(&host, 1).await;
    host.wait(
        "no one has answered",
        "seen('#answered') === '0 of 3 answered'",
    )
    .await;
    host.screenshot(&format!("projector-{tag}-question-names"))
        .await;
    check_question(&host, size, "a photo → name question", false).await;
    crowd_vote(&mut phones, 1, |i| (i % 4) as u64).await;
    reveal_up(&host, 1).await;
    host.screenshot(&format!("projector-{tag}-reveal-names"))
        .await;
    check_reveal(&host, size, "a photo → name reveal", false).await;
    // The draw above is random; the worst this class can give is the four
    // longest names under a head that says who they are now and in memoriam.
    host.js(&format!(
        "var n = {}; \
         document.querySelectorAll('#r-chart .bar-name').forEach(function (e, i) {{ e.textContent = n[i]; }}); \
         document.getElementById('r-name').textContent = n[0]; \
         var k = document.getElementById('r-known'); k.textContent = 'now ' + n[1]; k.hidden = false; \
         document.getElementById('r-memoriam').hidden = false; \
         window.dispatchEvent(new Event('resize'));",
        json!(LONGEST_FOUR)
    ))
    .await;
    host.screenshot(&format!("projector-{tag}-reveal-longest"))
        .await;
    check_reveal(&host, size, "the longest photo → name reveal", false).await;
    host.assert_clean().await;
}

#[test]
fn long_names_fit_every_phase_at_1080() {
    browser_test("projector_names_1080", |b| async move {
        long_names_game(b, Size::Projector, "1080").await;
    });
}

#[test]
fn long_names_fit_every_phase_at_720() {
    browser_test("projector_names_720", |b| async move {
        long_names_game(b, Size::Projector720, "720").await;
    });
}

/// Also: with one answer of four players, the stats name nobody, and the
/// projector shows no card.
#[test]
fn the_projector_speaks_its_countdown_and_names_no_one_on_one_answer() {
    browser_test("projector_live_countdown", |b| async move {
        let class = demo_class();
        let server = server_for(&class);
        let host = b.open("host", Size::Projector).await;
        // A short round, so the countdown reaches the moments it speaks at.
        let body = json!({"rounds": 1, "seconds": 12, "mode": "name_to_photo"});
        let (status, room) = server.post_json("/api/rooms", &body).await;
        assert_eq!(status, 201, "{room}");
        host.goto(room["host_url"].as_str().unwrap()).await;
        let code = host_ready(&host).await;
        let names: Vec<String> = PLAYERS[..4].iter().map(|s| s.to_string()).collect();
        let mut phones = crowd_join(&server, &code, &names).await;
        host.wait("four players", "seen('#player-count') === '4'")
            .await;
        let live = host
            .js("var l = document.getElementById('timer-live'); \
                 return l && { polite: l.getAttribute('aria-live'), \
                   hidden: !!l.closest('[aria-hidden=\"true\"]') }")
            .await;
        assert_eq!(live, json!({"polite": "polite", "hidden": false}));
        host.js(
            "window.said = []; var l = document.getElementById('timer-live'); \
             new MutationObserver(function () { if (l.textContent) said.push(l.textContent); }) \
             .observe(l, { childList: true, characterData: true, subtree: true });",
        )
        .await;
        host.click("#start-btn").await;
        host_phase(&host, "question").await;
        crowd_vote(&mut phones[..1], 1, |_| 0).await;
        host.wait_for(
            "time's up, said",
            "window.said.indexOf('Time’s up') >= 0",
            std::time::Duration::from_secs(16),
        )
        .await;
        assert_eq!(
            host.js("return window.said").await,
            json!(["10 seconds left", "5 seconds left", "Time’s up"]),
            "a few moments, not every second"
        );
        host_phase(&host, "reveal").await;

        host.click("#next-btn").await;
        host_phase(&host, "over").await;
        host.wait(
            "the final board",
            "document.querySelectorAll('#final-board .b-name').length === 4",
        )
        .await;
        assert_eq!(
            host.js("return document.querySelectorAll('#stats .stat').length")
                .await,
            json!(0),
            "one answer of four: \"1 of 1 got it right\" names nobody"
        );
        host.assert_clean().await;
    });
}
