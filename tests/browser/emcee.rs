//! The emcee at the projector: a presentation clicker (its keys as
//! WebDriver sends them) drives a whole game, B blacks the screen out, the
//! controls stay out of the room's sight, and the sounds are observed in
//! the page's real audio graph (`AUDIO_PROBE`), not in what sound.js says
//! it played.

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

/// Watches the Web Audio graph from before the page's own scripts: every
/// context made, every `start()` of an oscillator or a buffer source (its
/// kind, oscillator type, context time asked for and wall-clock time), the
/// gain nodes wired straight to the speakers, and when `#host` changes phase.
const AUDIO_PROBE: &str = r#"
(function () {
  if (window.__audio) return;
  var A = window.__audio = { contexts: [], starts: [], outs: [], phases: [] };
  function watchStarts(Node, kind) {
    if (!Node) return;
    var start = Node.prototype.start;
    Node.prototype.start = function (when) {
      A.starts.push({ kind: kind, type: this.type || '', when: when || 0,
                      now: this.context.currentTime, wall: Date.now() });
      return start.apply(this, arguments);
    };
  }
  watchStarts(window.OscillatorNode, 'oscillator');
  watchStarts(window.AudioBufferSourceNode, 'buffer');
  var connect = AudioNode.prototype.connect;
  AudioNode.prototype.connect = function (to) {
    if (to instanceof AudioDestinationNode) A.outs.push(this);
    return connect.apply(this, arguments);
  };
  ['AudioContext', 'webkitAudioContext'].forEach(function (name) {
    var Native = window[name];
    if (!Native) return;
    var Counted = function (options) {
      var c = options === undefined ? new Native() : new Native(options);
      A.contexts.push(c);
      return c;
    };
    Counted.prototype = Native.prototype;
    window[name] = Counted;
  });
  document.addEventListener('DOMContentLoaded', function () {
    var host = document.getElementById('host');
    if (!host) return;
    A.phases.push({ phase: host.dataset.phase || '', wall: Date.now() });
    new MutationObserver(function () {
      A.phases.push({ phase: host.dataset.phase || '', wall: Date.now() });
    }).observe(host, { attributes: true, attributeFilter: ['data-phase'] });
  });
  A.view = function () {
    return {
      contexts: A.contexts.map(function (c) { return c.state; }),
      starts: A.starts.slice(),
      out_gains: A.outs.map(function (n) { return n.gain ? n.gain.value : null; }),
      phases: A.phases.slice()
    };
  };
})();
"#;

/// What `AUDIO_PROBE` has seen on this page so far.
async fn audio(host: &Page) -> Value {
    host.js("return window.__audio.view()").await
}

/// The `start()` calls seen so far.
async fn starts(host: &Page) -> Vec<Value> {
    audio(host).await["starts"]
        .as_array()
        .cloned()
        .expect("starts")
}

/// Waits until the page has one running audio context whose output reaches
/// the speakers through gains of `gain` only.
async fn sound_on_at(host: &Page, gain: f64, what: &str) {
    host.wait(
        what,
        &format!(
            "(function () {{ var v = window.__audio.view(); \
               return v.contexts.length === 1 && v.contexts[0] === 'running' \
                 && v.out_gains.length > 0 \
                 && v.out_gains.every(function (g) {{ return Math.abs(g - {gain}) < 1e-3; }}); }})()"
        ),
    )
    .await;
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
        host.add_init_script(AUDIO_PROBE).await;
        host.goto(room["host_url"].as_str().unwrap()).await;
        host_ready(host).await;

        // Browsers block sound until a person acts: no audio context before a key.
        let a = audio(host).await;
        assert_eq!(
            a["contexts"],
            json!([]),
            "no AudioContext before a key: {a}"
        );
        assert_eq!(a["starts"], json!([]), "{a}");
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
        sound_on_at(host, 0.7, "one running audio context after the first key").await;
        host.wait(
            "the lobby loop's notes",
            "window.__audio.view().starts.some(function (s) { return s.type === 'sine'; })",
        )
        .await;

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
        // Time's up is two square waves, ticks and the reveal sting triangles.
        host.wait_for(
            "time's up and the reveal sting as round 1 runs out",
            "(function () { var v = window.__audio.view(); \
               var up = v.starts.filter(function (s) { return s.type === 'square'; }); \
               return v.phases.some(function (p) { return p.phase === 'reveal'; }) \
                 && up.length > 0 && v.starts.filter(function (s) { \
                   return s.type !== 'square' && s.when >= up[0].when; }).length >= 5; })()",
            Duration::from_secs(u64::from(ROUND_SECONDS) + 10),
        )
        .await;
        let heard = host
            .js("var v = window.__audio.view(); \
                 var q = v.phases.filter(function (p) { return p.phase === 'question'; })[0]; \
                 var r = v.phases.filter(function (p) { return p.phase === 'reveal'; })[0]; \
                 var up = v.starts.filter(function (s) { return s.type === 'square'; }); \
                 return { timesup_ms: up[0].wall - q.wall, reveal_ms: r.wall - q.wall, squares: up.length, \
                   ticks: v.starts.filter(function (s) { return s.type === 'triangle' \
                     && s.wall < up[0].wall && s.wall >= up[0].wall - 6000; }).length, \
                   sting: v.starts.filter(function (s) { return s.type !== 'square' \
                     && s.when >= up[0].when; }).length };")
            .await;
        let round_ms = f64::from(ROUND_SECONDS) * 1000.0;
        let at = |k: &str| heard[k].as_f64().unwrap_or(f64::NAN);
        assert!(
            (round_ms - 1000.0..round_ms + 2000.0).contains(&at("timesup_ms"))
                && (at("reveal_ms") - at("timesup_ms")).abs() < 2000.0,
            "time's up sounds when the round runs out, by the reveal: {heard}"
        );
        assert_eq!(
            (&heard["squares"], &heard["ticks"], &heard["sting"]),
            (&json!(2), &json!(5), &json!(5)),
            "two voices of time's up, five ticks before it, the sting's five notes: {heard}"
        );
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
        sound_on_at(host, 0.0, "the gain to the speakers at 0 after M").await;
        assert_eq!(host.shown("#mute-ind").await, "🔇 Sound off · M");
        let before = starts(host).await.len();
        phone_question(bo, 2, 2, &asked2, roster).await;
        answer(bo, &class, Some(&asked2), Aim::Wrong(0)).await;
        host.press(RIGHT).await; // → reveals now
        host_reveal(host, 2).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let after = starts(host).await;
        assert_eq!(
            after.len(),
            before,
            "no note starts while muted across a reveal: {:?}",
            &after[before.min(after.len())..]
        );

        // M again and Enter: the final results, with a fanfare.
        host.press('M').await;
        sound_on_at(host, 0.7, "the gain to the speakers back up after M").await;
        host.wait("the mute sign gone", "seen('#mute-ind') === ''")
            .await;
        host.press(ENTER_KEY).await;
        host_phase(host, "over").await;
        for p in [ada, bo] {
            phone_screen(p, "s-over").await;
        }
        // The fanfare's brass (sawtooth) and its applause (a noise buffer).
        host.wait(
            "the fanfare's notes and applause",
            &format!(
                "(function () {{ var s = window.__audio.view().starts.slice({before}); \
                   return s.some(function (x) {{ return x.type === 'sawtooth'; }}) \
                     && s.some(function (x) {{ return x.kind === 'buffer'; }}); }})()"
            ),
        )
        .await;
        bar_shows(host, false, "no toolbar on the podium").await;
        host.screenshot("emcee-podium").await;
        host.press(PAGE_DOWN).await; // nothing after the end
        host_phase(host, "over").await;

        // Muted, then reloaded: still muted, and silent from the first key.
        host.press('m').await;
        host.reload().await;
        host_phase(host, "over").await;
        let a = audio(host).await;
        assert_eq!(
            a["contexts"],
            json!([]),
            "no AudioContext before a key: {a}"
        );
        assert_eq!(host.shown("#mute-ind").await, "🔇 Sound off · M");
        host.press('b').await;
        host.press('b').await;
        sound_on_at(host, 0.0, "a running context, silent, after a key").await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let a = audio(host).await;
        assert_eq!(
            a["starts"],
            json!([]),
            "no note starts after the reload: {a}"
        );
        for p in [host, ada, bo] {
            p.assert_clean().await;
        }
    });
}
