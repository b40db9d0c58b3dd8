//! Photos already there when the question lands: on a slow network the
//! phone fetches the next question's photos from its `preload` (in the
//! lobby, during a reveal), so its tiles show at once; a tile whose photo
//! is not there yet cannot be tapped until it is shown.

use std::time::Duration;

use super::common::{TestClient, connect_host, join};
use super::*;

/// Set on the phone page once it is in the lobby: for every choice it
/// draws, when (`performance.now()`, ms) its button was added, when the
/// photo it shows (photo→name: the prompt's) had loaded, and when it could
/// first be tapped.
const RECORD_TILES_JS: &str = r#"
window.__tiles = [];
var box = document.getElementById('pq-choices');
new MutationObserver(function (muts) {
  muts.forEach(function (m) {
    Array.prototype.forEach.call(m.addedNodes, function (b) {
      if (b.tagName !== 'BUTTON') return;
      var img = b.querySelector('img') || document.querySelector('#pq-prompt img');
      if (!img) return;
      var now = performance.now();
      var loaded = img.complete && img.naturalWidth > 0;
      var rec = { src: img.src, added: now, loaded: loaded ? now : null,
                  tappable: b.disabled ? null : now, disabled_at_first: b.disabled };
      img.addEventListener('load', function () { if (rec.loaded === null) rec.loaded = performance.now(); });
      new MutationObserver(function () {
        if (!b.disabled && rec.tappable === null) rec.tappable = performance.now();
      }).observe(b, { attributes: true, attributeFilter: ['disabled'] });
      window.__tiles.push(rec);
    });
  });
}).observe(box, { childList: true });
return true;
"#;

/// Whether every one of `urls` (paths, as in a `preload`) was fetched: a
/// JavaScript expression.
fn fetched_js(urls: &[String]) -> String {
    format!(
        "(function (want) {{ var got = performance.getEntriesByType('resource')\
         .filter(function (e) {{ return e.responseEnd > 0; }}).map(function (e) {{ return e.name; }}); \
         return want.every(function (u) {{ \
           return got.some(function (n) {{ return n.slice(-u.length) === u; }}); }}); }})({})",
        json!(urls)
    )
}

/// The photos of the next `preload` the bot phone gets.
async fn next_preload(bot: &mut TestClient, round: u64) -> Vec<String> {
    let p = bot.recv_type("preload").await;
    assert_eq!(p["round"], round, "{p}");
    p["photos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap().to_string())
        .collect()
}

/// Waits until the phone shows round `round` with four tiles, all tappable;
/// returns the records of its four tiles.
async fn question_with_tiles(phone: &Page, round: u32, of: u32) -> Vec<Value> {
    phone_screen(phone, "s-question").await;
    phone
        .wait_for(
            &format!("round {round} with four tappable tiles"),
            &format!(
                "seen('#pq-round') === 'Round {round} of {of}' \
                 && document.querySelectorAll('#pq-choices button:not([disabled])').length === 4"
            ),
            Duration::from_secs(30),
        )
        .await;
    let tiles = phone.js("return window.__tiles.slice(-4)").await;
    tiles.as_array().unwrap().clone()
}

/// Waits until the phone fetched the photos sent ahead for `round` (of 2),
/// then starts it; the records of its four tiles.
async fn preloaded_round(
    phone: &Page,
    bot: &mut TestClient,
    host: &mut TestClient,
    round: u32,
) -> Vec<Value> {
    let ahead = next_preload(bot, u64::from(round)).await;
    let what = format!("round {round}'s photos fetched ahead");
    let limit = Duration::from_secs(30);
    phone.wait_for(&what, &fetched_js(&ahead), limit).await;
    host.send(json!({"type": "start_round"})).await;
    question_with_tiles(phone, round, 2).await
}

fn ms(rec: &Value, key: &str) -> f64 {
    rec[key]
        .as_f64()
        .unwrap_or_else(|| panic!("no `{key}` in {rec}"))
}

/// Every tile of a question whose photos were fetched ahead: the photo is
/// there the moment the tile is, and fetched before the question came.
/// (A photo from the network takes over a second here; the margins are
/// for a busy machine.)
async fn assert_on_hand(phone: &Page, tiles: &[Value], what: &str) {
    for t in tiles {
        let late = ms(t, "loaded") - ms(t, "added");
        assert!(
            late < 500.0,
            "{what}: the photo came {late} ms after its tile: {t}"
        );
        let wait = ms(t, "tappable") - ms(t, "added");
        assert!(
            wait < 700.0,
            "{what}: tappable {wait} ms after it was drawn: {t}"
        );
        let fetched = phone
            .js_with(
                "var e = performance.getEntriesByName(arguments[0]); \
                 return e.length ? e[0].responseEnd : null",
                vec![t["src"].clone()],
            )
            .await;
        let fetched = fetched
            .as_f64()
            .unwrap_or_else(|| panic!("{what}: never fetched: {t}"));
        assert!(
            fetched <= ms(t, "added"),
            "{what}: fetched at {fetched}, after: {t}"
        );
    }
}

#[test]
fn photos_are_on_the_phone_before_the_question_on_a_slow_network() {
    browser_test(
        "photos_are_on_the_phone_before_the_question_on_a_slow_network",
        |b| slow_network_game(b, "name_to_photo"),
    );
}

#[test]
fn the_prompt_photo_is_on_the_phone_before_the_question_on_a_slow_network() {
    browser_test(
        "the_prompt_photo_is_on_the_phone_before_the_question_on_a_slow_network",
        |b| slow_network_game(b, "photo_to_name"),
    );
}

/// On a phone with a slow network, in `mode`: a room's two rounds whose
/// photos were fetched ahead (in the lobby, during the reveal); then a new
/// room (its photos have URLs of their own: nothing is cached) whose round
/// starts the moment the phone joined, before its photos can arrive.
async fn slow_network_game(b: Browser, mode: &'static str) {
    let (_class, server, pages) = setup(&b, None, &[("Pat", Size::Phone)]).await;
    let phone = &pages[0];
    let room = new_room_in_mode(&server, 2, mode).await;
    let code = room["code"].as_str().unwrap();
    let mut host = connect_host(&server, code, room["host_key"].as_str().unwrap()).await;
    // A phone over the protocol, to see what phones are sent.
    let (mut bot, _) = join(&server, code, "Bot").await;
    phone.goto(room["join_url"].as_str().unwrap()).await;
    enter_name(phone, "Pat").await;
    phone.js(RECORD_TILES_JS).await;
    // Worse than "Slow 3G": a second per request, 20 KB/s.
    phone.throttle(1000, 20_000).await;

    // Round 1: its photos came with the lobby.
    let tiles = preloaded_round(phone, &mut bot, &mut host, 1).await;
    assert_on_hand(phone, &tiles, "round 1").await;
    phone
        .screenshot(&format!("preload-phone-question-{mode}"))
        .await;
    // Round 2's arrive during round 1's reveal, slow as the network is.
    host.send(json!({"type": "reveal"})).await;
    let tiles = preloaded_round(phone, &mut bot, &mut host, 2).await;
    assert_on_hand(phone, &tiles, "round 2").await;
    assert_never_tappable_first(phone).await;

    // A new room, started at once: the photos are still on their way, and
    // nothing can be tapped before the photo it shows.
    let room = new_room_in_mode(&server, 1, mode).await;
    let code = room["code"].as_str().unwrap();
    let mut host = connect_host(&server, code, room["host_key"].as_str().unwrap()).await;
    phone.goto(room["join_url"].as_str().unwrap()).await;
    // The form offers the name used last; Pat types it anew.
    phone
        .wait(
            "the join form",
            "document.querySelector('#join-form input')",
        )
        .await;
    phone
        .js("document.querySelector('#join-form input').value = ''; return true")
        .await;
    enter_name(phone, "Pat").await;
    phone.js(RECORD_TILES_JS).await;
    host.send(json!({"type": "start_round"})).await;
    // Tapped the moment the round is on the screen (one script: the round
    // shown, the taps and what they did).
    let tapped = phone
        .wait_for(
            "the round on the screen, tapped at once",
            "document.getElementById('pq-round').textContent === 'Round 1 of 1' \
             && seen('#s-question') !== '' && (function () { \
               var bs = Array.from(document.querySelectorAll('#pq-choices button')); \
               var waiting = bs.filter(function (b) { return b.disabled; }); \
               waiting.forEach(function (b) { b.click(); }); \
               return { waiting: waiting.length, \
                        picked: document.querySelectorAll('#pq-choices .picked').length, \
                        locked: document.getElementById('locked').textContent }; })()",
            Duration::from_secs(30),
        )
        .await;
    let waiting = if mode == "photo_to_name" { 4 } else { 1 };
    assert!(
        tapped["waiting"].as_u64() >= Some(waiting),
        "photos still loading: {tapped}"
    );
    assert_eq!(
        tapped["picked"], 0,
        "a tap on a blank tile counts: {tapped}"
    );
    assert_eq!(tapped["locked"], "", "{tapped}");
    let tiles = question_with_tiles(phone, 1, 1).await;
    assert!(
        tiles.iter().all(|t| t["disabled_at_first"] == true),
        "{tiles:?}"
    );
    assert_never_tappable_first(phone).await;
    phone.assert_clean().await;
}

/// On this page, no choice was ever tappable before its photo had loaded.
async fn assert_never_tappable_first(phone: &Page) {
    let all = phone.js("return window.__tiles").await;
    for t in all.as_array().unwrap() {
        assert!(ms(t, "tappable") >= ms(t, "loaded"), "tappable first: {t}");
    }
}
