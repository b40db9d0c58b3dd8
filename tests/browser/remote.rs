//! The emcee's phone remote (issue 19): the projector offers its QR code on
//! request, and the remote on the emcee's phone alone runs a whole game
//! while the projector follows every phase and stays connected.

use super::*;

/// WebDriver's Escape key.
const ESCAPE: char = '\u{E00C}';

/// Waits until the remote, connected, shows `phase` with `line` as its status.
async fn remote_shows(remote: &Page, phase: &str, line: &str) {
    remote
        .wait(
            &format!("the remote's {phase} screen, {line:?}"),
            &format!(
                "document.getElementById('remote').dataset.phase === {p} \
                 && seen('#rm-phase') === {l} && document.getElementById('conn').hidden",
                p = js_str(phase),
                l = js_str(line)
            ),
        )
        .await;
}

/// The labels of the remote's buttons on the screen, after checking each
/// is whole inside the window, a big target in big type, and that none
/// covers another.
async fn remote_buttons(remote: &Page, what: &str) -> Vec<String> {
    assert_settled(remote, what).await;
    let v = remote
        .js("var out = [], boxes = []; \
             document.querySelectorAll('.rm-btn').forEach(function (b) { \
               if (!b.offsetParent) return; \
               var r = b.getBoundingClientRect(); boxes.push(r); \
               out.push({ text: seen(b), inside: r.left >= 0 && r.top >= 0 \
                   && r.right <= innerWidth && r.bottom <= innerHeight, \
                 height: r.height, font: parseFloat(getComputedStyle(b).fontSize) }); }); \
             var overlap = boxes.some(function (a, i) { return boxes.some(function (b, j) { \
               return i < j && a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom; }); }); \
             return { buttons: out, overlap: overlap, \
               wide: document.documentElement.scrollWidth > innerWidth };")
        .await;
    assert_eq!(
        v["overlap"],
        json!(false),
        "[remote] {what}: buttons overlap: {v}"
    );
    assert_eq!(
        v["wide"],
        json!(false),
        "[remote] {what}: scrolls sideways: {v}"
    );
    let buttons = v["buttons"].as_array().unwrap();
    for b in buttons {
        assert_eq!(
            b["inside"],
            json!(true),
            "[remote] {what}: a button off the screen: {b}"
        );
        assert!(
            b["height"].as_f64().unwrap() >= 56.0 && b["font"].as_f64().unwrap() >= 20.0,
            "[remote] {what}: a button too small for a thumb or to read: {b}"
        );
    }
    buttons
        .iter()
        .map(|b| b["text"].as_str().unwrap().to_string())
        .collect()
}

/// The names in the remote's player list.
async fn remote_players(remote: &Page, names: &[&str]) {
    let want = serde_json::to_string(names).unwrap();
    remote
        .wait(
            &format!("the remote's players {want}"),
            &format!(
                "JSON.stringify(Array.from(document.querySelectorAll('#rm-players .rm-name')).map(seen)) === {}",
                js_str(&want)
            ),
        )
        .await;
}

/// Whether the projector page's socket is up (no "Reconnecting…").
async fn projector_connected(projector: &Page, when: &str) {
    assert_eq!(
        projector
            .js("return document.getElementById('conn').hidden")
            .await,
        json!(true),
        "the projector stays connected {when}"
    );
}

/// The "Phone remote" QR code on the projector: waits for it and returns its `<svg>`.
async fn remote_qr(projector: &Page) -> String {
    projector.click("#remote-btn").await;
    let svg = projector
        .wait(
            "the remote's QR code",
            "(function () { var s = document.querySelector('#remote-qr-code svg'); \
               return s && s.getBoundingClientRect().width >= 250 && s.outerHTML; })()",
        )
        .await;
    svg.as_str().unwrap().to_string()
}

async fn remote_qr_hidden(projector: &Page, key: &str, how: &str) {
    projector
        .wait(
            &format!("the remote's QR code hidden by {how}"),
            "document.getElementById('remote-qr').hidden \
             && !document.querySelector('#remote-qr-code svg')",
        )
        .await;
    assert_eq!(
        projector
            .js_with(
                "return document.documentElement.outerHTML.indexOf(arguments[0]) >= 0",
                vec![json!(key)]
            )
            .await,
        json!(false),
        "the host key is not left in the projector's page"
    );
    no_request_names(projector, key).await;
}

/// Fails when any URL the page fetched carries `key` (server logs keep URLs).
async fn no_request_names(page: &Page, key: &str) {
    let urls = page
        .js_with(
            "var key = arguments[0]; \
             return performance.getEntriesByType('resource').map(function (e) { return e.name; })\
               .filter(function (u) { return u.indexOf(key) >= 0; })",
            vec![json!(key)],
        )
        .await;
    assert_eq!(
        urls,
        json!([]),
        "[{}] URLs with the host key in them",
        page.label
    );
}

#[test]
fn the_emcees_phone_remote_runs_a_whole_game() {
    browser_test("remote", |b| async move {
        let people = &[
            ("projector", Size::Projector),
            ("remote", Size::Phone),
            ("phone-1", Size::Phone),
            ("phone-2", Size::Phone),
        ];
        let (class, server, pages) = setup(&b, None, people).await;
        let roster = &class.names;
        let (projector, remote) = (&pages[0], &pages[1]);
        let phones = [&pages[2], &pages[3]];
        let names = ["Ada Lovelace", "Bert"];
        let room = new_room(&server, 2).await;
        let code = room["code"].as_str().unwrap();
        let key = room["host_key"].as_str().unwrap();
        projector.goto(room["host_url"].as_str().unwrap()).await;
        host_ready(projector).await;

        // The QR code only on request: Esc hides it, and so does a click.
        remote_qr_hidden(projector, key, "default").await;
        let remote_url = format!("{}#key={key}", server.url(&format!("/remote/{code}")));
        let svg = remote_qr(projector).await;
        assert!(
            common::qr::qr_encodes(&svg, &remote_url),
            "the QR code opens {remote_url}"
        );
        // The test server listens on 127.0.0.1 only: the code says a phone
        // cannot open it yet, and it all fits the screen.
        assert!(
            projector
                .shown(".remote-qr-reach")
                .await
                .starts_with("Phones cannot reach this address"),
            "the remote's QR code warns of a loopback address"
        );
        assert_eq!(
            projector
                .js("var r = document.querySelector('.remote-qr-card').getBoundingClientRect(); \
                     return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth")
                .await,
            json!(true),
            "the remote's QR card is whole on the projector"
        );
        projector.screenshot("remote-qr-on-projector").await;
        projector.press(ESCAPE).await;
        remote_qr_hidden(projector, key, "Esc").await;
        remote_qr(projector).await;
        projector.click("#remote-qr").await;
        remote_qr_hidden(projector, key, "a click").await;
        // A clicker key only hides it: the game stays in the lobby.
        remote_qr(projector).await;
        projector.press('\u{E00F}').await; // PageDown
        remote_qr_hidden(projector, key, "a clicker key").await;
        assert_eq!(
            projector
                .js("return document.getElementById('host').dataset.phase")
                .await,
            json!("lobby"),
            "the key that hid the code did nothing else"
        );

        // Without the key, or with a wrong one, the remote offers nothing.
        let page = server.url(&format!("/remote/{code}"));
        for (url, says) in [
            (page.clone(), "needs the host key"),
            (format!("{page}#key=0123"), "does not match"),
        ] {
            remote.goto(&url).await;
            remote
                .wait(
                    &format!("the remote says {says:?}"),
                    &format!("seen('#rm-note').indexOf({}) >= 0", js_str(says)),
                )
                .await;
            assert_eq!(remote_buttons(remote, "no key").await, Vec::<String>::new());
            assert_eq!(
                remote.js("return seen('#rm-players')").await,
                json!(""),
                "no player list without the key"
            );
        }
        remote.screenshot("remote-no-key").await;

        // With it (from the QR code's link), the remote connects; the key
        // leaves the address bar and a reload finds it again.
        remote.goto(&remote_url).await;
        remote.reload().await;
        remote_shows(remote, "lobby", "Lobby").await;
        assert_eq!(remote.js("return location.hash").await, json!(""));
        assert_eq!(remote.shown("#rm-code").await, code);
        projector_connected(projector, "when the remote opens").await;

        let join_url = server.url(&format!("/join/{code}"));
        for (phone, name) in phones.iter().zip(names) {
            phone.goto(&join_url).await;
            enter_name(phone, name).await;
        }
        // Newest first.
        remote_players(remote, &[names[1], names[0]]).await;
        assert_eq!(remote.shown("#rm-detail").await, "2 players joined");
        host_lobby_is(projector, &names).await;
        assert_eq!(remote_buttons(remote, "the lobby").await, ["Start"]);
        assert_fits(remote, "the remote's lobby").await;
        remote.screenshot("remote-lobby").await;

        // Round 1: the remote starts it and reveals it. A QR code left up
        // on the projector goes as the game moves on.
        remote_qr(projector).await;
        remote.click("#rm-start").await;
        let asked = host_question(projector, 1, 2, roster).await;
        remote_qr_hidden(projector, key, "the game moving on").await;
        remote_shows(remote, "question", "Question · round 1 of 2").await;
        assert_eq!(
            remote_buttons(remote, "a question").await,
            ["Reveal", "Pause", "End game"]
        );
        for p in phones {
            phone_question(p, 1, 2, &asked, roster).await;
        }
        let right = answer(phones[0], &class, Some(&asked), Aim::Right).await;
        wait_locked(phones[0], right).await;
        remote
            .wait(
                "the remote's answered count",
                "seen('#rm-detail').indexOf('1 of 2 answered') === 0",
            )
            .await;
        remote.screenshot("remote-question").await;
        // At double font size every button is still whole on the screen.
        remote
            .js("document.documentElement.style.fontSize = '32px'; return true")
            .await;
        remote_buttons(remote, "a question at double font size").await;
        remote.screenshot("remote-question-large-font").await;
        remote
            .js("document.documentElement.style.fontSize = ''; return true")
            .await;
        // Pause and resume from the remote: the remote says so.
        remote.click("#rm-pause").await;
        remote_shows(remote, "question", "Question · round 1 of 2 · paused").await;
        assert_eq!(
            remote_buttons(remote, "a paused question").await,
            ["Reveal", "Resume", "End game"]
        );
        remote.screenshot("remote-paused").await;
        remote.click("#rm-pause").await;
        remote_shows(remote, "question", "Question · round 1 of 2").await;
        remote.click("#rm-reveal").await;
        host_reveal(projector, 1).await;
        remote_shows(remote, "reveal", "Answer shown · round 1 of 2").await;
        assert_eq!(
            remote_buttons(remote, "a reveal").await,
            ["Next", "End game"]
        );
        remote.screenshot("remote-reveal").await;

        // The remote removes Bert: one tap arms, the second removes.
        let bert = "#rm-players li:nth-child(1) .rm-kick";
        remote.click(bert).await;
        remote
            .wait(
                "\"Sure?\" on Bert's button",
                &format!("seen({}) === 'Sure?'", js_str(bert)),
            )
            .await;
        remote.click(bert).await;
        remote_players(remote, &names[..1]).await;
        phone_screen(phones[1], "s-gone").await;
        phones[1].screenshot("remote-kicked-phone").await;

        // Round 2 with Next; Ada's vote closes it.
        remote.click("#rm-next").await;
        let asked2 = host_question(projector, 2, 2, roster).await;
        remote_shows(remote, "question", "Question · round 2 of 2").await;
        phone_question(phones[0], 2, 2, &asked2, roster).await;
        answer(phones[0], &class, Some(&asked2), Aim::Right).await;
        host_reveal(projector, 2).await;
        remote_shows(remote, "reveal", "Answer shown · round 2 of 2").await;
        assert_eq!(
            remote_buttons(remote, "the last reveal").await,
            ["Final results", "End game"]
        );

        // End game asks first; "Keep playing" changes nothing.
        remote.click("#rm-end").await;
        remote
            .wait("the remote's confirmation", "seen('#rm-confirm-q') !== ''")
            .await;
        remote.screenshot("remote-end-confirm").await;
        remote.click("#rm-confirm-no").await;
        remote
            .wait("the confirmation gone", "seen('#rm-confirm') === ''")
            .await;
        remote_shows(remote, "reveal", "Answer shown · round 2 of 2").await;
        projector_connected(projector, "through the game").await;

        // The final results, from the remote.
        remote.click("#rm-next").await;
        host_phase(projector, "over").await;
        remote_shows(remote, "over", "Final results").await;
        assert_eq!(
            remote_buttons(remote, "the end").await,
            Vec::<String>::new()
        );
        phone_screen(phones[0], "s-over").await;
        remote.screenshot("remote-over").await;
        projector.screenshot("remote-projector-over").await;
        projector_connected(projector, "at the end").await;
        no_request_names(remote, key).await;
        for page in [projector, remote, phones[0]] {
            page.assert_clean().await;
        }
    });
}

#[test]
fn the_remote_ends_a_game_mid_question_once_confirmed() {
    browser_test("remote_end", |b| async move {
        let people = &[("projector", Size::Projector), ("remote", Size::Phone)];
        let (class, server, pages) = setup(&b, None, people).await;
        let (projector, remote) = (&pages[0], &pages[1]);
        let room = new_room(&server, 3).await;
        let code = room["code"].as_str().unwrap();
        let key = room["host_key"].as_str().unwrap();
        projector.goto(room["host_url"].as_str().unwrap()).await;
        host_ready(projector).await;
        let (_ann, _) = common::join(&server, code, "Ann").await;
        remote
            .goto(&format!(
                "{}#key={key}",
                server.url(&format!("/remote/{code}"))
            ))
            .await;
        remote_players(remote, &["Ann"]).await;
        remote.click("#rm-start").await;
        host_question(projector, 1, 3, &class.names).await;
        remote_shows(remote, "question", "Question · round 1 of 3").await;
        remote.click("#rm-end").await;
        remote
            .wait("the remote's confirmation", "seen('#rm-confirm-q') !== ''")
            .await;
        assert_eq!(
            remote.shown("#rm-confirm-yes").await,
            "Yes, end the game",
            "the confirmation says what it does"
        );
        remote.click("#rm-confirm-yes").await;
        host_phase(projector, "over").await;
        remote_shows(remote, "over", "Final results").await;
        projector_connected(projector, "after the remote ended the game").await;
        for page in [projector, remote] {
            page.assert_clean().await;
        }
    });
}
