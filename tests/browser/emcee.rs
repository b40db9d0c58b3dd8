//! The emcee at the projector: a presentation clicker (its keys as
//! WebDriver sends them) drives a whole game, B blacks the screen out, the
//! controls stay out of the room's sight, and the sounds are observed in
//! the page's audio graph through `YB.sound.state()`.

use super::*;
use fantoccini::actions::{InputSource, KeyAction, KeyActions, MouseActions, PointerAction};
use std::time::Duration;

/// Clicker keys as WebDriver sends them.
const PAGE_DOWN: char = '\u{E00F}';
const PAGE_UP: char = '\u{E00E}';
const RIGHT: char = '\u{E014}';
const LEFT: char = '\u{E012}';
const ENTER_KEY: char = '\u{E007}';
const SHIFT: char = '\u{E008}';
const TAB: char = '\u{E004}';

/// Short rounds, so that round 1 runs out on its own (ticks, time's up).
const ROUND_SECONDS: u32 = 12;

async fn sound(host: &Page) -> Value {
    host.js("return YB.sound.state()").await
}

async fn played(host: &Page) -> Vec<String> {
    serde_json::from_value(sound(host).await["played"].clone()).expect("played names")
}

/// The emcee's toolbar opacity once its fade has ended.
async fn bar_shows(host: &Page, on: bool, what: &str) {
    let want = if on { "1" } else { "0" };
    host.wait(
        what,
        &format!(
            "getComputedStyle(document.getElementById('emcee-bar')).opacity === '{want}' \
             && document.getAnimations().every(function (a) {{ return a.playState !== 'running' \
                 || !document.getElementById('emcee-bar').contains(a.effect.target); }})"
        ),
    )
    .await;
}

/// Moves the mouse (to `x`,`y`) as an emcee reaching for the touchpad would.
async fn move_mouse(host: &Page, x: i64, y: i64) {
    let mouse = MouseActions::new("mouse".to_string()).then(PointerAction::MoveTo {
        duration: Some(Duration::from_millis(150)),
        x: x as f64,
        y: y as f64,
    });
    host.c.perform_actions(mouse).await.expect("mouse move");
}

/// The emcee reaches for the touchpad: the toolbar shows (other tests use
/// its buttons this way).
pub(super) async fn wake_controls(host: &Page) {
    move_mouse(host, 400, 300).await;
    move_mouse(host, 420, 320).await;
    bar_shows(host, true, "the toolbar after the mouse moves").await;
}

async fn shift_e(host: &Page) {
    let keys = KeyActions::new("keyboard".to_string())
        .then(KeyAction::Down { value: SHIFT })
        .then(KeyAction::Down { value: 'E' })
        .then(KeyAction::Up { value: 'E' })
        .then(KeyAction::Up { value: SHIFT });
    host.c.perform_actions(keys).await.expect("Shift+E");
}

/// The black screen covers the whole viewport (and is what is on top).
async fn assert_blank(host: &Page, on: bool) {
    let want = if on { "true" } else { "false" };
    host.wait(
        &format!("the black screen {}", if on { "up" } else { "gone" }),
        &format!(
            "(function () {{ var b = document.getElementById('blank'), r = b.getBoundingClientRect(); \
               var covers = !b.hidden && r.left <= 0 && r.top <= 0 && r.right >= innerWidth \
                 && r.bottom >= innerHeight && getComputedStyle(b).backgroundColor === 'rgb(0, 0, 0)' \
                 && document.elementFromPoint(innerWidth / 2, innerHeight / 2) === b \
                 && document.elementFromPoint(5, innerHeight - 5) === b; \
               return covers === {want}; }})()"
        ),
    )
    .await;
}

#[test]
fn a_clicker_drives_a_whole_game_with_sound_and_a_black_screen() {
    browser_test("emcee_clicker", |b| async move {
        let people = &[
            ("host", Size::Projector),
            ("ada", Size::Phone),
            ("bo", Size::Phone),
        ];
        let (class, server, pages) = setup(&b, None, people).await;
        let roster = &class.names;
        let [host, ada, bo] = &pages[..] else {
            unreachable!()
        };
        let body = json!({"rounds": 2, "seconds": ROUND_SECONDS, "mode": "name_to_photo"});
        let (status, room) = server.post_json("/api/rooms", &body).await;
        assert_eq!(status, 201, "{room}");
        host.goto(room["host_url"].as_str().unwrap()).await;
        host_ready(host).await;

        // Browsers block sound until a person acts: no audio context before a key.
        let s = sound(host).await;
        assert_eq!(
            s["context"],
            Value::Null,
            "no AudioContext before a key: {s}"
        );
        assert_eq!(s["played"], json!([]), "{s}");
        for (p, name) in [(ada, "Ada"), (bo, "Bo")] {
            p.goto(room["join_url"].as_str().unwrap()).await;
            enter_name(p, name).await;
        }
        host_lobby_is(host, &["Ada", "Bo"]).await;

        // Keys typed into a settings field are the field's, not the emcee's.
        host.js("document.getElementById('settings').open = true; document.getElementById('set-rounds').focus();")
            .await;
        for k in ['b', 'm', PAGE_DOWN, ENTER_KEY] {
            host.press(k).await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            host.js(
                "return [document.getElementById('blank').hidden, YB.sound.state().muted, \
                     document.getElementById('host').dataset.phase]"
            )
            .await,
            json!([true, false, "lobby"]),
            "B, M, Page Down and Enter in a settings field do nothing else"
        );
        host.js("document.activeElement.blur(); document.getElementById('settings').open = false;")
            .await;

        // Tab reaches a player's remove button (shown while focused), then the toolbar.
        let mut kick = Value::Null;
        for _ in 0..8 {
            host.press(TAB).await;
            kick = host
                .js(
                    "var a = document.activeElement; return a.classList.contains('kick') \
                     && [a.getAttribute('aria-label'), getComputedStyle(a).opacity];",
                )
                .await;
            if kick != json!(false) {
                break;
            }
        }
        assert!(
            kick == json!(["Remove Bo", "1"]) || kick == json!(["Remove Ada", "1"]),
            "Tab reaches a visible remove button: {kick}"
        );
        for _ in 0..12 {
            host.press(TAB).await;
            if host
                .js("return !!document.activeElement.closest('#emcee-bar')")
                .await
                == json!(true)
            {
                break;
            }
        }
        bar_shows(host, true, "the toolbar shows while Tab is in it").await;
        host.screenshot("emcee-lobby-tab").await;
        host.wait(
            "the audio context running after the first key",
            "YB.sound.state().context === 'running'",
        )
        .await;
        assert!(played(host).await.contains(&"lobby".to_string()));

        // Page Down starts the game (even from a focused control); the toolbar
        // is out of sight during the question.
        host.press(PAGE_DOWN).await;
        let asked = host_question(host, 1, 2, roster).await;
        for p in [ada, bo] {
            phone_question(p, 1, 2, &asked, roster).await;
        }
        bar_shows(host, false, "no toolbar during the question").await;
        host.screenshot("emcee-question-clean").await;
        wake_controls(host).await;
        assert_eq!(host.shown("#reveal-btn").await, "Reveal now");
        assert_eq!(host.shown("#end-btn").await, "End game");
        host.screenshot("emcee-question-toolbar").await;
        bar_shows(host, false, "the toolbar hides again a few seconds later").await;
        // A clicker key sends them away at once (Page Up: back, nothing to undo).
        wake_controls(host).await;
        host.press(PAGE_UP).await;
        host.wait_for(
            "no toolbar right after a clicker key",
            "getComputedStyle(document.getElementById('emcee-bar')).opacity === '0'",
            Duration::from_millis(1500),
        )
        .await;
        host_phase(host, "question").await;
        // ? shows the controls with the keys until Escape.
        host.press('?').await;
        bar_shows(host, true, "the toolbar with the key help after ?").await;
        assert!(host.shown("#keys-help").await.contains("Page Down"));
        host.screenshot("emcee-keys-help").await;
        host.press('\u{E00C}').await; // Escape
        bar_shows(host, false, "no toolbar after Escape").await;
        assert_eq!(host.text("#keys-help").await, "");

        // Ada is right (her phone buzzes), Bo does not answer: the round runs out.
        for p in [ada, bo] {
            p.js("window.__buzz = []; navigator.vibrate = function (p) { window.__buzz.push(p); return true; };")
                .await;
        }
        let right = answer(ada, &class, Some(&asked), Aim::Right).await;
        wait_locked(ada, right).await;
        // (A tap buzzes briefly; only what the result does counts from here.)
        ada.js("window.__buzz = []").await;
        host.wait_for(
            "ticks, time's up and the reveal sting as round 1 runs out",
            "(function () { var p = YB.sound.state().played.join(' '); \
               return / tick tick tick tick tock timesup reveal$/.test(p); })()",
            Duration::from_secs(u64::from(ROUND_SECONDS) + 10),
        )
        .await;
        host_reveal(host, 1).await;
        phone_screen(ada, "s-reveal").await;
        phone_screen(bo, "s-reveal").await;
        assert_eq!(ada.js("return window.__buzz").await, json!([120]));
        assert_eq!(bo.js("return window.__buzz").await, json!([]));

        // B blacks the screen out; a next key only brings it back; so do "." and Page Up.
        host.press('b').await;
        assert_blank(host, true).await;
        host.screenshot("emcee-blank").await;
        host.press(' ').await;
        assert_blank(host, false).await;
        host.press('.').await;
        assert_blank(host, true).await;
        host.press(PAGE_UP).await;
        assert_blank(host, false).await;
        host.press(LEFT).await; // back with nothing to undo: nothing happens
        tokio::time::sleep(Duration::from_millis(300)).await;
        host_reveal(host, 1).await;

        // Enter: round 2. Shift+E asks before ending the game; cancelled, it goes on.
        host.press(ENTER_KEY).await;
        let asked2 = host_question(host, 2, 2, roster).await;
        shift_e(host).await;
        let ask = host
            .c
            .get_alert_text()
            .await
            .expect("a confirm after Shift+E");
        assert!(ask.contains("End the game"), "{ask}");
        host.c.dismiss_alert().await.expect("cancel");
        // The dialog swallowed the key-ups: let go of Shift (the session is reused).
        host.c.release_actions().await.expect("release keys");
        host_phase(host, "question").await;

        // P pauses the round and P again resumes it.
        host.press('p').await;
        host.wait(
            "the projector's Paused after P",
            "seen('#q-paused') === 'Paused'",
        )
        .await;
        host.press('P').await;
        host.wait(
            "the round running again after P",
            "seen('#q-paused') === ''",
        )
        .await;

        // M: sound off, remembered; nothing plays while muted.
        host.press('m').await;
        let s = sound(host).await;
        assert_eq!(s["muted"], json!(true), "{s}");
        assert_eq!(s["master_gain"].as_f64(), Some(0.0), "{s}");
        assert_eq!(host.shown("#mute-ind").await, "🔇 Sound off · M");
        let before = played(host).await;
        phone_question(bo, 2, 2, &asked2, roster).await;
        answer(bo, &class, Some(&asked2), Aim::Wrong(0)).await;
        host.press(RIGHT).await; // → reveals now
        host_reveal(host, 2).await;
        assert_eq!(played(host).await, before, "nothing plays while muted");

        // M again and Enter: the final results, with a fanfare.
        host.press('M').await;
        let gain = sound(host).await["master_gain"].as_f64().unwrap_or(0.0);
        assert!((gain - 0.7).abs() < 1e-3, "master gain back up: {gain}");
        host.wait("the mute sign gone", "seen('#mute-ind') === ''")
            .await;
        host.press(ENTER_KEY).await;
        host_phase(host, "over").await;
        for p in [ada, bo] {
            phone_screen(p, "s-over").await;
        }
        assert_eq!(
            played(host).await.last().map(String::as_str),
            Some("fanfare")
        );
        bar_shows(host, false, "no toolbar on the podium").await;
        host.screenshot("emcee-podium").await;
        host.press(PAGE_DOWN).await; // nothing after the end
        host_phase(host, "over").await;

        // Muted, then reloaded: still muted, and silent from the first key.
        host.press('m').await;
        host.reload().await;
        host_phase(host, "over").await;
        let s = sound(host).await;
        assert_eq!(
            (&s["context"], &s["muted"]),
            (&Value::Null, &json!(true)),
            "{s}"
        );
        assert_eq!(host.shown("#mute-ind").await, "🔇 Sound off · M");
        host.press('b').await;
        host.press('b').await;
        host.wait(
            "a running, silent context after a key",
            "YB.sound.state().context === 'running' && YB.sound.state().master_gain === 0",
        )
        .await;
        for p in [host, ada, bo] {
            p.assert_clean().await;
        }
    });
}
