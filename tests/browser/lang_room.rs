//! issue 22, "Done when": the projector in the room's language (German,
//! chosen by the emcee in the lobby's settings) and phones in English,
//! German and Spanish play two rounds to the podium. At each phase every
//! screen's words are its own catalogue's (read through yearbook::i18n),
//! and the projector fits 1920×1080 and 1280×720 with the longer German
//! words. Screenshots: target/screenshots/lang-room-*.png.

use super::lang::{grouped, say};
use super::*;
use fluent_bundle::FluentValue;
use yearbook::i18n::Lang;

const PAGE_DOWN: char = '\u{E00F}';

/// The catalogue's message `key` in German with text variables.
fn say_de(key: &str, args: &[(&str, &str)]) -> String {
    let args: Vec<(&str, FluentValue)> = args
        .iter()
        .map(|&(k, v)| (k, FluentValue::from(v)))
        .collect();
    Lang::parse("de").expect("German").with(key, &args)
}

/// The "heute …" line under a name on the German projector: shown exactly
/// when the person goes by another name now.
async fn known_as_in_german(host: &Page, css: &str, name: &str) {
    let (known_as, _) = demo_person(name);
    let want = if known_as.is_empty() {
        String::new()
    } else {
        say_de("host-now", &[("name", &known_as)])
    };
    wait_eq(
        host,
        &format!("{css} under {name:?}"),
        &format!("return seen({})", js_str(css)),
        json!(want),
    )
    .await;
}

/// The German projector's question of `round`, its four photos loaded;
/// returns the name asked for.
async fn question_on(host: &Page, round: i64, roster: &[String]) -> String {
    host_phase(host, "question").await;
    host.wait(
        &format!("round {round} with four photos loaded"),
        "document.querySelectorAll('#q-body img').length === 4 \
         && Array.from(document.querySelectorAll('#q-body img'))\
         .every(function (i) { return i.complete && i.naturalWidth > 0; })",
    )
    .await;
    says(
        host,
        "#q-round",
        &say("de", "host-round", &[("round", round), ("of", 2)]),
    )
    .await;
    let name = host.shown("#q-name").await;
    assert!(
        roster.contains(&name),
        "a classmate of the roster: {name:?}"
    );
    known_as_in_german(host, "#q-known", &name).await;
    name
}

/// The German projector's reveal: (the right choice, the four vote labels,
/// the leaderboard's scores as shown).
async fn reveal_on(host: &Page, round: i64) -> (usize, Vec<String>, Vec<String>) {
    host_phase(host, "reveal").await;
    says(
        host,
        "#r-round",
        &say("de", "host-round", &[("round", round), ("of", 2)]),
    )
    .await;
    host.wait(
        "the reveal with its leaderboard",
        "document.querySelectorAll('#board .board-row').length === 3 \
         && document.querySelectorAll('#r-chart .bar-row').length === 4",
    )
    .await;
    let v = host
        .js("return { name: seen('#r-name'), memoriam: seen('#r-memoriam'), \
               right: Array.from(document.querySelectorAll('#r-chart .bar-row')).map(function (r) { \
                 return !!r.querySelector('.tick'); }), \
               votes: Array.from(document.querySelectorAll('#r-chart .bar-num')).map(seen), \
               scores: Array.from(document.querySelectorAll('#board .b-score')).map(function (n) { return n.textContent; }) };")
        .await;
    let name = v["name"].as_str().expect("name").to_string();
    known_as_in_german(host, "#r-known", &name).await;
    let memoriam = if demo_person(&name).1 {
        say("de", "host-in-memoriam", &[])
    } else {
        String::new()
    };
    assert_eq!(v["memoriam"], json!(memoriam), "{v}");
    let right: Vec<usize> = (0..4).filter(|&i| v["right"][i] == true).collect();
    assert_eq!(right.len(), 1, "one ✓: {v}");
    let strings =
        |k: &str| -> Vec<String> { serde_json::from_value(v[k].clone()).expect("strings") };
    (right[0], strings("votes"), strings("scores"))
}

/// Waits until `css` is on the screen with the text `want` (its
/// `textContent`: CSS capitals and the emcee bar's fading aside).
async fn says(page: &Page, css: &str, want: &str) {
    wait_eq(
        page,
        &format!("{css} says {want:?}"),
        &format!(
            "var n = document.querySelector({c}); \
             return n && (seen(n) !== '' || n.closest('.emcee-bar')) ? n.textContent.trim() : null;",
            c = js_str(css)
        ),
        json!(want),
    )
    .await;
}

/// Every projector screen, checked to fit and saved as `lang-room-{phase}-{label}`.
async fn projectors_fit(hosts: &[&Page], phase: &str) {
    for host in hosts {
        assert_fits(host, &format!("the German {phase}")).await;
        host.screenshot(&format!("lang-room-{phase}-{}", host.label))
            .await;
    }
}

#[test]
fn a_german_projector_and_phones_in_three_languages_play_to_the_podium() {
    browser_test("lang_room", |b| async move {
        let people = &[
            ("projector", Size::Projector),
            ("projector720", Size::Projector720),
            ("en", Size::Phone),
            ("de", Size::Phone),
            ("es", Size::Phone),
        ];
        let (class, server, pages) = setup(&b, None, people).await;
        let (host, host720) = (&pages[0], &pages[1]);
        let hosts = [host, host720];
        let phones = &pages[2..];
        let tags = ["en", "de", "es"];
        let accept = ["en-US,en", "de-DE,de;q=0.9,en;q=0.5", "es-ES,es;q=0.9"];
        let names = ["Ann", "Bernd", "Carmen"];

        // An English browser makes the room: its projector starts in English.
        let room = new_room(&server, 2).await;
        assert_eq!(room["settings"]["lang"], "en", "{room}");
        let host_url = room["host_url"].as_str().expect("host_url");
        host.goto(host_url).await;
        host_ready(host).await;
        assert_eq!(
            host.js("return document.documentElement.lang").await,
            json!("en")
        );
        says(host, "#start-btn", &say("en", "host-start", &[])).await;

        // The emcee picks Deutsch in the settings: the page comes again in German.
        host.click("#settings summary").await;
        host.click("#set-lang option[value=de]").await;
        host.wait(
            "the projector in German",
            "document.documentElement.lang === 'de' && document.getElementById('set-lang')",
        )
        .await;
        let code = host_ready(host).await;
        assert_eq!(
            host.js("return document.getElementById('set-lang').value")
                .await,
            json!("de")
        );
        host720.goto(host_url).await;
        host_ready(host720).await;
        for h in hosts {
            assert_eq!(
                h.js("return document.documentElement.lang").await,
                json!("de")
            );
            says(h, "#lobby-h", &say("de", "host-scan", &[])).await;
            says(h, "#start-btn", &say("de", "host-start", &[])).await;
            says(h, ".settings-word", &say("de", "host-settings", &[])).await;
            says(
                h,
                "#settings-line",
                &format!(
                    "{} · {} · {}",
                    say("de", "host-line-rounds", &[("count", 2)]),
                    say("de", "host-line-seconds", &[("count", SECONDS as i64)]),
                    say("de", "host-line-name-to-photo", &[]),
                ),
            )
            .await;
            says(h, "#fs-btn", &say("de", "host-fullscreen", &[])).await;
            says(h, "#remote-btn", &say("de", "host-remote", &[])).await;
        }

        // Phones in their browsers' languages join.
        let join_url = server.url(&format!("/join/{code}"));
        for (i, phone) in phones.iter().enumerate() {
            phone.language(accept[i]).await;
            phone.goto(&join_url).await;
            phone
                .wait("the join form", "document.querySelector('#join-form')")
                .await;
            assert_eq!(
                phone.js("return document.documentElement.lang").await,
                json!(tags[i])
            );
            enter_name(phone, names[i]).await;
        }
        for h in hosts {
            host_lobby_is(h, &names).await;
            says(
                h,
                "#player-line",
                &say("de", "host-players-joined", &[("count", 3)]),
            )
            .await;
        }
        for (i, phone) in phones.iter().enumerate() {
            says(phone, "#s-wait h1", &say(tags[i], "join-in", &[])).await;
            says(
                phone,
                "#wait-count",
                &say(tags[i], "join-count", &[("count", 3)]),
            )
            .await;
            phone
                .screenshot(&format!("lang-room-lobby-{}", tags[i]))
                .await;
        }
        projectors_fit(&hosts, "lobby").await;
        // The settings and the key help, open, in German on the smaller
        // projector: everything on the screen.
        host720.click("#settings summary").await;
        says(
            host720,
            "label[for=set-lang]",
            &say("de", "host-language", &[]),
        )
        .await;
        host720.screenshot("lang-room-settings-projector720").await;
        assert_fits(host720, "the German settings").await;
        host720.click("#settings summary").await;
        host720.press('?').await;
        says(host720, ".keys-title", &say("de", "host-keys-title", &[])).await;
        assert_fits(host720, "the German key help").await;
        host720.screenshot("lang-room-keys-projector720").await;
        host720.press('?').await;
        host720
            .wait(
                "the key help closed",
                "document.getElementById('keys-help').hidden",
            )
            .await;

        let mut scores = [0u64; 3];
        for round in 1..=2i64 {
            // The question: the projector's words in German, each phone's in its own.
            if round == 1 {
                host.click("#start-btn").await;
            } else {
                host.press(PAGE_DOWN).await;
            }
            let asked = question_on(host, round, &class.names).await;
            question_on(host720, round, &class.names).await;
            for h in hosts {
                says(
                    h,
                    "#answered",
                    &say("de", "host-answered", &[("answered", 0), ("players", 3)]),
                )
                .await;
                says(h, "#reveal-btn", &say("de", "host-reveal-now", &[])).await;
                says(h, "#pause-btn", &say("de", "host-pause", &[])).await;
            }
            for (i, phone) in phones.iter().enumerate() {
                phone_tiles(phone).await;
                says(
                    phone,
                    "#pq-round",
                    &say(tags[i], "join-round", &[("round", round), ("of", 2)]),
                )
                .await;
                says(phone, ".pq-ask", &say(tags[i], "join-which-one", &[])).await;
                phone
                    .screenshot(&format!("lang-room-question{round}-{}", tags[i]))
                    .await;
            }
            projectors_fit(&hosts, &format!("question{round}")).await;

            // Everybody right: the last vote closes the round.
            for phone in phones {
                let right = right_choice(phone, &class, Some(&asked)).await;
                tap(phone, right).await;
            }
            let (answer, votes, board) = reveal_on(host, round).await;
            let want: Vec<String> = (0..4)
                .map(|i| {
                    let n = if i == answer { 3 } else { 0 };
                    say(
                        "de",
                        "host-votes-share",
                        &[("count", n), ("pct", n * 100 / 3)],
                    )
                })
                .collect();
            assert_eq!(votes, want, "the German vote split");
            reveal_on(host720, round).await;
            for h in hosts {
                says(h, ".board-title", &say("de", "host-leaderboard", &[])).await;
                let next = if round == 2 {
                    "host-final"
                } else {
                    "host-next"
                };
                says(h, "#next-btn", &say("de", next, &[])).await;
            }
            for (i, phone) in phones.iter().enumerate() {
                let t = tags[i];
                let reveal = phone_reveal(phone).await;
                assert_eq!(reveal.verdict, say(t, "join-right", &[]), "[{t}]");
                scores[i] = reveal.score;
                let next = if round == 2 { "join-last" } else { "join-next" };
                says(phone, "#rv-next", &say(t, next, &[])).await;
                phone
                    .screenshot(&format!("lang-room-reveal{round}-{t}"))
                    .await;
            }
            // The leaderboard: the scores as German writes numbers.
            let mut want = scores.to_vec();
            want.sort_unstable_by(|a, b| b.cmp(a));
            let want: Vec<String> = want.iter().map(|s| grouped("de", *s)).collect();
            assert_eq!(board, want, "scores as German writes them");
            projectors_fit(&hosts, &format!("reveal{round}")).await;
        }

        // The podium.
        host.press(PAGE_DOWN).await;
        for h in hosts {
            host_phase(h, "over").await;
            says(h, "#over-h", &say("de", "host-final", &[])).await;
            says(
                h,
                ".final-wrap .board-title",
                &say("de", "host-everyone", &[]),
            )
            .await;
            says(
                h,
                ".step.p1 .block-rank",
                &say("de", "common-ordinal", &[("n", 1)]),
            )
            .await;
            says(h, ".stat .stat-title", &say("de", "host-most", &[])).await;
            says(h, "#new-game", &say("de", "host-new-game", &[])).await;
        }
        let top = *scores.iter().max().expect("three scores");
        let step = host
            .js("return document.querySelector('.step.p1 .step-score').textContent")
            .await;
        assert_eq!(
            step,
            json!(format!(
                "{} {}",
                grouped("de", top),
                say("de", "host-points-word", &[("count", top as i64)])
            )),
            "the winner's points in German"
        );
        for (i, phone) in phones.iter().enumerate() {
            let t = tags[i];
            phone_screen(phone, "s-over").await;
            says(phone, "#s-over h1", &say(t, "join-over", &[])).await;
            phone.screenshot(&format!("lang-room-podium-{t}")).await;
            phone.assert_clean().await;
        }
        projectors_fit(&hosts, "podium").await;
        for h in hosts {
            h.assert_clean().await;
        }
    });
}
