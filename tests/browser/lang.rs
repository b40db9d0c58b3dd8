//! issue 22: phones in English, German and Spanish (their browsers'
//! languages) join and play two rounds; every screen's words are the
//! catalogue's (locales/), numbers and plurals the language's own. The
//! Spanish phone picks German with the switch (by touch), keeps it on the
//! next visit, and goes back by keyboard; the German one plays solo. The
//! host is a WebSocket client.

use super::*;
use common::connect_host;
use fluent_bundle::FluentValue;
use yearbook::i18n::Lang;

const TAB: char = '\u{E004}';
const RETURN: char = '\u{E007}';

/// The catalogue's message `key` in `tag`, with number variables.
pub(crate) fn say(tag: &str, key: &str, args: &[(&str, i64)]) -> String {
    let lang = Lang::parse(tag).expect("a language of ours");
    let args: Vec<(&str, FluentValue)> = args
        .iter()
        .map(|&(k, v)| (k, FluentValue::from(v)))
        .collect();
    lang.with(key, &args)
}

/// `n` as the browser writes it in `tag`: Spanish groups from five digits.
pub(crate) fn grouped(tag: &str, n: u64) -> String {
    let digits = n.to_string();
    let sep = match tag {
        "de" => ".",
        "es" if digits.len() > 4 => ".",
        "es" => "",
        _ => ",",
    };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

async fn page_lang(phone: &Page) -> Value {
    phone.js("return document.documentElement.lang").await
}

/// The join form in `tag`: its words and the page's language.
async fn form_in(phone: &Page, tag: &str) {
    phone
        .wait("the join form", "document.querySelector('#join-form')")
        .await;
    assert_eq!(page_lang(phone).await, json!(tag), "[{}]", phone.label);
    for (css, key) in [
        (".phone-title", "join-title"),
        ("label[for=name]", "join-name-label"),
        ("#name-hint", "join-name-hint"),
        ("#join-btn", "join-button"),
    ] {
        assert_eq!(
            phone.shown(css).await,
            say(tag, key, &[]),
            "[{}] {css}",
            phone.label
        );
    }
    assert_eq!(
        phone.js("return document.title").await,
        json!(yearbook::i18n::Lang::parse(tag).unwrap().with(
            "join-page-title-room",
            &[("code", FluentValue::from(phone_code(phone).await))]
        )),
    );
}

async fn phone_code(phone: &Page) -> String {
    phone
        .js("return document.getElementById('join').dataset.code")
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn phones_play_in_english_german_and_spanish_and_switch_language() {
    browser_test("lang", |b| async move {
        let people = &[
            ("en", Size::Phone),
            ("de", Size::Phone),
            ("es", Size::PhoneLargeFont),
        ];
        let (class, server, pages) = setup(&b, None, people).await;
        let tags = ["en", "de", "es"];
        let accept = ["en-US,en", "de-DE,de;q=0.9,en;q=0.5", "es-ES,es;q=0.9"];
        let names = ["Ann", "Bernd", "Carmen"];
        let room = new_room(&server, 2).await;
        let code = room["code"].as_str().expect("code");
        let join_url = room["join_url"].as_str().expect("join_url");
        let mut host = connect_host(&server, code, room["host_key"].as_str().expect("key")).await;

        for (i, phone) in pages.iter().enumerate() {
            phone.language(accept[i]).await;
            phone.goto(join_url).await;
            form_in(phone, tags[i]).await;
            phone.screenshot(&format!("lang-{}-join", tags[i])).await;
        }

        // The Spanish phone (largest font) chooses German with a tap: the
        // page comes again in German, and so does the next visit.
        let es = &pages[2];
        let corner = es
            .js(
                "var r = document.querySelector('#lang-switch summary').getBoundingClientRect(); \
                 return r.right <= window.innerWidth && r.bottom <= window.innerHeight \
                   && r.width >= 44 && r.height >= 44",
            )
            .await;
        assert_eq!(
            corner,
            json!(true),
            "the switch is a whole touch target on screen"
        );
        es.click("#lang-switch summary").await;
        es.screenshot("lang-es-switch-open").await;
        es.click(".lang-pick[data-lang=de]").await;
        es.wait(
            "German after the switch",
            "document.documentElement.lang === 'de'",
        )
        .await;
        form_in(es, "de").await;
        assert_eq!(
            es.js("return localStorage.getItem('yearbook.lang')").await,
            json!("de")
        );
        es.goto(join_url).await;
        form_in(es, "de").await;
        // Back to Spanish by keyboard: the summary opens the list, Tab
        // reaches each language in order.
        es.js("document.querySelector('#lang-switch summary').focus()")
            .await;
        es.press(RETURN).await;
        for _ in 0..3 {
            es.press(TAB).await;
        }
        assert_eq!(
            es.js("return document.activeElement.getAttribute('data-lang')")
                .await,
            json!("es")
        );
        es.press(RETURN).await;
        es.wait("Spanish again", "document.documentElement.lang === 'es'")
            .await;
        form_in(es, "es").await;

        // Joining: a name that is too long is refused in the phone's words;
        // then each joins.
        let de = &pages[1];
        de.type_into("#name", &"x".repeat(30)).await;
        wait_eq(
            de,
            "the German length warning",
            "return seen('#name-limit')",
            json!(say("de", "join-too-long", &[("over", 6), ("max", 24)])),
        )
        .await;
        de.js("document.getElementById('name').value = ''").await;
        for (i, phone) in pages.iter().enumerate() {
            enter_name(phone, names[i]).await;
            assert_eq!(
                phone.shown("#s-wait h1").await,
                say(tags[i], "join-in", &[])
            );
        }
        // A taken name, refused by the server in German (same code).
        let (mut bot, _) = common::join(&server, code, "Dora").await;
        for (i, phone) in pages.iter().enumerate() {
            wait_eq(
                phone,
                "four players",
                "return seen('#wait-count')",
                json!(say(tags[i], "join-count", &[("count", 4)])),
            )
            .await;
            phone.screenshot(&format!("lang-{}-lobby", tags[i])).await;
        }

        // Round 1: everybody right.
        host.send(json!({"type":"start_round"})).await;
        let mut scores = [0u64; 3];
        for (i, phone) in pages.iter().enumerate() {
            phone_tiles(phone).await;
            let t = tags[i];
            assert_eq!(
                phone.shown("#pq-round").await,
                say(t, "join-round", &[("round", 1), ("of", 2)])
            );
            assert_eq!(phone.shown(".pq-ask").await, say(t, "join-which-one", &[]));
            let asked = phone.shown(".pq-name").await;
            let right = right_choice(phone, &class, Some(&asked)).await;
            tap(phone, right).await;
            let letter = ["A", "B", "C", "D"][right];
            wait_eq(
                phone,
                "locked in",
                "return seen('#locked')",
                json!(
                    Lang::parse(t)
                        .unwrap()
                        .with("join-locked", &[("letter", FluentValue::from(letter))])
                ),
            )
            .await;
            phone.screenshot(&format!("lang-{t}-question")).await;
        }
        bot.recv_type("round").await;
        host.send(json!({"type":"reveal"})).await;
        for (i, phone) in pages.iter().enumerate() {
            let t = tags[i];
            let seen = phone_reveal(phone).await;
            assert_eq!(seen.verdict, say(t, "join-right", &[]), "[{t}]");
            scores[i] = seen.score;
            assert_eq!(
                phone.shown("#rv-score").await,
                grouped(t, seen.score),
                "[{t}] the score as the language writes numbers"
            );
            let points = phone.shown("#rv-points").await;
            assert_eq!(
                points,
                say(t, "join-points", &[("points", seen.score as i64)])
                    .replace(&seen.score.to_string(), &grouped(t, seen.score)),
                "[{t}]"
            );
            assert_eq!(phone.shown("#rv-next").await, say(t, "join-next", &[]));
            let labels = phone
                .js("return Array.from(document.querySelectorAll('.score-box dt')).map(seen)")
                .await;
            assert_eq!(
                labels,
                json!([say(t, "join-score", &[]), say(t, "join-place", &[])])
            );
            phone.screenshot(&format!("lang-{t}-reveal")).await;
        }

        // Round 2: nobody answers; then the end.
        host.send(json!({"type":"start_round"})).await;
        for phone in &pages {
            phone_tiles(phone).await;
        }
        host.send(json!({"type":"reveal"})).await;
        for (i, phone) in pages.iter().enumerate() {
            let t = tags[i];
            let seen = phone_reveal(phone).await;
            assert_eq!(seen.verdict, say(t, "join-no-answer", &[]), "[{t}]");
            assert_eq!(phone.shown("#rv-next").await, say(t, "join-last", &[]));
        }
        host.send(json!({"type":"start_round"})).await;
        for (i, phone) in pages.iter().enumerate() {
            let t = tags[i];
            phone_screen(phone, "s-over").await;
            assert_eq!(phone.shown("#s-over h1").await, say(t, "join-over", &[]));
            assert_eq!(
                phone.shown("#ov-score").await,
                say(t, "common-points", &[("count", scores[i] as i64)])
                    .replace(&scores[i].to_string(), &grouped(t, scores[i])),
            );
            phone.screenshot(&format!("lang-{t}-over")).await;
            // Big numbers and one: the language's grouping and plural.
            let said = phone
                .js("return [YB.t('common-points', {count: 1779}), YB.t('common-points', {count: 1}), \
                             YB.t('common-ordinal', {n: 2}), YB.t('join-seconds-left', {seconds: 1})]")
                .await;
            let want = [
                say(t, "common-points", &[("count", 1779)]).replace("1779", &grouped(t, 1779)),
                say(t, "common-points", &[("count", 1)]),
                say(t, "common-ordinal", &[("n", 2)]),
                say(t, "join-seconds-left", &[("seconds", 1)]),
            ];
            assert_eq!(said, json!(want), "[{t}]");
            phone.assert_clean().await;
        }

        // Solo in German: the question, a wrong answer's sentence, the
        // buttons, the header.
        let de = &pages[1];
        de.goto(&server.url("/solo")).await;
        let (name, right) = solo_question(de, &class).await;
        assert_eq!(page_lang(de).await, json!("de"));
        assert_eq!(
            de.shown(".solo-ask").await,
            say("de", "solo-which-one", &[])
        );
        let wrong = (right + 1) % 4;
        de.click(&format!("#solo-choices > button:nth-child({})", wrong + 1))
            .await;
        let letter = ["A", "B", "C", "D"][right];
        let want = Lang::parse("de").unwrap().with(
            "solo-wrong",
            &[
                ("name", FluentValue::from(name.as_str())),
                ("letter", FluentValue::from(letter)),
            ],
        );
        wait_eq(
            de,
            "the German solo feedback",
            "return seen('#solo-result')",
            json!(want),
        )
        .await;
        assert_eq!(de.shown("#solo-next").await, say("de", "solo-next", &[]));
        de.screenshot("lang-de-solo").await;
        de.assert_clean().await;

        // The browser's own language comes back after a test (the harness
        // does this for every test; checked here where it matters).
        let es = &pages[2];
        es.default_language().await;
        es.goto(&server.url("/join")).await;
        let back = es
            .js("return [navigator.userAgent.indexOf('Chrome') >= 0, navigator.language, document.cookie]")
            .await;
        assert_eq!(back[0], json!(true), "a user agent again: {back}");
        assert!(
            back[1].as_str().is_some_and(|l| l.starts_with("en")),
            "{back}"
        );
    });
}
