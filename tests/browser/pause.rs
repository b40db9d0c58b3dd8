//! The emcee pauses a question: the projector says "Paused" big, the
//! phones say "Paused" over their timer and their seconds stand still;
//! resuming goes on from the same second.

use super::*;

/// Logs every number the phone's timer shows, with whether "Paused" was up.
const LOG_TIMER: &str = "window.__times = []; \
    new MutationObserver(function () { \
      window.__times.push([seen('#pq-time'), seen('#pq-paused') === 'Paused']); \
    }).observe(document.getElementById('pq-time'), { childList: true, characterData: true, subtree: true }); \
    return true";

/// The whole seconds a timer text shows ("27 s" → 27).
fn secs(v: &Value) -> u64 {
    number(v.as_str().unwrap_or_default())
}

/// `css` is on screen, inside the window, in a font of at least `px`.
async fn assert_big_on_screen(page: &Page, css: &str, px: f64) {
    let v = page
        .js_with(
            "var e = document.querySelector(arguments[0]), r = e.getBoundingClientRect(); \
             return [r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight \
               && r.width > 0, parseFloat(getComputedStyle(e).fontSize)]",
            vec![json!(css)],
        )
        .await;
    assert_eq!(v[0], true, "[{}] {css} inside the window", page.label);
    let size = v[1].as_f64().unwrap_or(0.0);
    assert!(
        size >= px,
        "[{}] {css} at {size} px, under {px}",
        page.label
    );
}

/// A projector and a phone, a one-round room with Dora in its lobby:
/// `(server, pages, room)`.
async fn dora_in_the_lobby(b: &Browser) -> (Class, TestServer, Vec<Page>, Value) {
    let people = &[("host", Size::Projector), ("phone", Size::Phone)];
    let (class, server, pages) = setup(b, None, people).await;
    let room = new_room(&server, 1).await;
    pages[0].goto(room["host_url"].as_str().unwrap()).await;
    host_ready(&pages[0]).await;
    pages[1].goto(room["join_url"].as_str().unwrap()).await;
    enter_name(&pages[1], "Dora").await;
    host_lobby_is(&pages[0], &["Dora"]).await;
    (class, server, pages, room)
}

#[test]
fn the_emcee_pauses_and_the_phones_seconds_stand_still_until_resumed() {
    browser_test("pause", |b| async move {
        let (_class, _server, pages, _room) = dora_in_the_lobby(&b).await;
        let [host, phone] = &pages[..] else {
            unreachable!()
        };
        host.press(' ').await;
        host_phase(host, "question").await;
        phone_screen(phone, "s-question").await;
        emcee::wake_controls(host).await;
        assert_eq!(host.shown("#pause-btn").await, "Pause");
        // Some seconds gone, so a countdown that went on would show it.
        phone
            .wait(
                "the phone's timer under 29 s",
                &format!("parseInt(seen('#pq-time'), 10) < {}", SECONDS - 1),
            )
            .await;
        phone.js(LOG_TIMER).await;

        host.click("#pause-btn").await;
        host.wait("the projector's Paused", "seen('#q-paused') === 'Paused'")
            .await;
        assert_eq!(host.shown("#pause-btn").await, "Resume");
        phone
            .wait("the phone's Paused", "seen('#pq-paused') === 'Paused'")
            .await;
        let frozen = secs(&phone.js("return seen('#pq-time')").await);
        let frozen_host = host.shown("#timer-num").await;
        assert_big_on_screen(host, "#q-paused", 80.0).await;
        assert_big_on_screen(phone, "#pq-paused", 16.0).await;
        host.screenshot("host-question-paused").await;
        phone.screenshot("phone-question-paused").await;
        tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
        assert_eq!(
            secs(&phone.js("return seen('#pq-time')").await),
            frozen,
            "the phone's seconds stand still while paused"
        );
        assert_eq!(
            host.shown("#timer-num").await,
            frozen_host,
            "and the projector's"
        );

        host.click("#pause-btn").await;
        host.wait("the projector's Paused gone", "seen('#q-paused') === ''")
            .await;
        assert_eq!(host.shown("#pause-btn").await, "Pause");
        phone
            .wait(
                "the phone's seconds running again",
                &format!("seen('#pq-paused') === '' && parseInt(seen('#pq-time'), 10) < {frozen}"),
            )
            .await;
        let log: Vec<(Value, bool)> =
            serde_json::from_value(phone.js("return window.__times").await).unwrap();
        let last_paused = log.iter().rposition(|(_, p)| *p);
        let paused: Vec<u64> = log
            .iter()
            .filter(|(_, p)| *p)
            .map(|(t, _)| secs(t))
            .collect();
        assert!(
            !paused.is_empty() && paused.iter().all(|&s| s == frozen),
            "while paused only {frozen} s: {log:?}"
        );
        let resumed: Vec<u64> = log[last_paused.map_or(0, |i| i + 1)..]
            .iter()
            .map(|(t, _)| secs(t))
            .collect();
        assert_eq!(
            resumed.first(),
            Some(&frozen),
            "the resumed countdown starts from {frozen} s: {log:?}"
        );
        assert!(
            resumed.windows(2).all(|w| w[1] <= w[0]) && resumed.last() < Some(&frozen),
            "and goes down from there, never up: {log:?}"
        );
        host.assert_clean().await;
        phone.assert_clean().await;
    });
}

/// Joins as `name` from the phone's join page and waits for the answer.
async fn join_as(phone: &Page, join_url: &str, name: &str) {
    phone.goto(join_url).await;
    phone
        .wait("the join form", "document.querySelector('#join-form')")
        .await;
    phone
        .js_with(
            "document.querySelector('#name').value = ''; return true",
            vec![],
        )
        .await;
    phone.type_into("#name", &format!("{name}{ENTER}")).await;
}

#[test]
fn a_kicked_phone_is_told_plainly_and_stays_out_until_let_back_in() {
    browser_test("kick_ban", |b| async move {
        let (_class, _server, pages, room) = dora_in_the_lobby(&b).await;
        let [host, phone] = &pages[..] else {
            unreachable!()
        };
        let join_url = room["join_url"].as_str().unwrap();
        assert_eq!(
            host.js("return seen('#kicked')").await,
            json!(""),
            "nobody kicked yet"
        );

        host.js("window.confirm = function () { return true; }; return true")
            .await;
        host.js("document.querySelector('#players .kick').click(); return true")
            .await;
        phone_screen(phone, "s-gone").await;
        let told = phone.shown("#gone-msg").await;
        assert!(told.contains("host removed you"), "{told:?}");
        assert_eq!(
            phone.js("return seen('#gone-btn')").await,
            json!(""),
            "no way straight back in"
        );
        phone.screenshot("phone-kicked").await;

        // Straight back with the same phone, even under another name: no.
        join_as(phone, join_url, "Not Dora").await;
        phone_screen(phone, "s-gone").await;
        host.wait(
            "the kicked player with a way back in",
            "seen('#kicked-list .kicked-name') === 'Dora' && seen('#kicked-list .let-back') === 'Let back in'",
        )
        .await;
        // Another phone (no device id of Dora's) asking for her name is
        // sent back to the form with the reason, free to pick another.
        phone
            .js("Object.keys(localStorage).filter(function (k) { \
                   return k.indexOf('yearbook.device.') === 0; }) \
                 .forEach(function (k) { localStorage.removeItem(k); }); return true")
            .await;
        join_as(phone, join_url, "dora").await;
        phone_screen(phone, "s-form").await;
        phone
            .wait(
                "the reason on the form",
                "seen('#form-msg').indexOf('removed a player of that name') >= 0",
            )
            .await;
        assert_big_on_screen(host, "#kicked-list .let-back", 12.0).await;
        host.screenshot("host-lobby-kicked").await;
        host.click("#kicked-list .let-back").await;
        host.wait("the kicked list gone", "seen('#kicked') === ''")
            .await;
        join_as(phone, join_url, "Dora").await;
        phone_screen(phone, "s-wait").await;
        host_lobby_is(host, &["Dora"]).await;
        host.assert_clean().await;
        phone.assert_clean().await;
    });
}
