//! issue 22: the organiser's pages in the organiser's own language. A
//! German browser gets the list of events and an event's page in German
//! (the catalogue's words, plurals and numbers), a guest code refused in
//! German under its box, Undo naming the change in German; the pages fit
//! a phone (390 px) and a laptop with German's longer words. The switch
//! turns the page Spanish and the choice holds on the next page.

use super::*;
use fluent_bundle::FluentValue;
use yearbook::i18n::Lang;

/// Tab: leaves a field, which saves it.
const TAB: &str = "\u{E004}";

/// The catalogue's message `key` in `tag`, with its variables.
fn say(tag: &str, key: &str, args: &[(&str, FluentValue)]) -> String {
    Lang::parse(tag)
        .expect("a language of ours")
        .with(key, args)
}

fn n(v: i64) -> FluentValue<'static> {
    FluentValue::from(v)
}

fn s(v: &str) -> FluentValue<'static> {
    FluentValue::from(v.to_string())
}

/// Nothing sticks out of the window sideways: the page does not scroll
/// that way and no heading, label or button is cut at its edge (the
/// people table scrolls inside its own box).
const FITS: &str = "var wide = [].slice.call(document.querySelectorAll(\
    'h1, h2, h3, label, button, summary, a, p, .lang-bar')).filter(function (e) {\
      var r = e.getBoundingClientRect();\
      return r.width > 0 && !e.closest('.table-wrap') && (r.right > innerWidth + 1 || e.scrollWidth > e.clientWidth + 2 && getComputedStyle(e).overflow !== 'visible');\
    }).map(function (e) { return e.tagName + '#' + e.id + '.' + e.className + ': ' + e.textContent.slice(0, 40); });\
    return { scroll: document.documentElement.scrollWidth > innerWidth, wide: wide };";

async fn table_drawn(page: &Page) {
    page.wait(
        "the table",
        "document.querySelectorAll('#people-rows tr').length === 2",
    )
    .await;
}

async fn assert_fits(page: &Page, what: &str) {
    let v = page.js(FITS).await;
    assert_eq!(
        v["scroll"],
        json!(false),
        "{what}: the page scrolls sideways: {v}"
    );
    assert_eq!(v["wide"], json!([]), "{what}: cut off: {v}");
}

#[test]
fn the_organiser_pages_follow_the_organisers_language() {
    browser_test("organise_lang", |b| async move {
        // Listening on 127.0.0.1 without a password: this computer organises.
        let server = TestServer::builder().in_process().start();
        let id = new_event(&server, "Goethe-Gymnasium Abschlussjahrgang 1986").await;
        for name in ["Anna Lehmann", "Maximilian Schweinsteiger-Oberhuber"] {
            add_person(&server, id, json!({"name": name})).await;
        }

        for size in [Size::Phone, Size::Projector720] {
            let page = b.open("organiser", size).await;
            page.language("de-DE,de").await;
            let px = size.wh().0;

            // The list of events.
            page.goto(&server.url("/organise")).await;
            assert_eq!(
                page.js("return document.documentElement.lang").await,
                json!("de")
            );
            assert_eq!(
                page.shown("h1").await,
                say("de", "organise-your-events", &[])
            );
            assert_eq!(
                page.shown("#events .muted").await,
                format!(
                    "{} · {}",
                    say("de", "organise-people", &[("count", n(2))]),
                    say("de", "organise-rooms", &[("count", n(0))])
                )
            );
            assert_eq!(
                page.shown("#new-event button").await,
                "Veranstaltung anlegen"
            );
            assert_fits(&page, &format!("the list at {px} px")).await;
            page.screenshot(&format!("organise-lang-list-de-{px}"))
                .await;

            // An event's page: the server's words and the script's.
            page.goto(&server.url(&format!("/organise/reunions/{id}")))
                .await;
            table_drawn(&page).await;
            assert_eq!(
                page.shown("#host-game").await,
                say("de", "organise-host-game", &[])
            );
            assert_eq!(page.shown("#undo").await, say("de", "organise-undo", &[]));
            assert_eq!(
                page.shown("#r-summary").await,
                say(
                    "de",
                    "organise-summary",
                    &[("people", n(2)), ("playable", n(0)), ("rooms", n(0))]
                )
            );
            assert_eq!(
                page.js("return document.title").await,
                json!(say(
                    "de",
                    "organise-page-title",
                    &[("title", s("Goethe-Gymnasium Abschlussjahrgang 1986"))]
                ))
            );
            assert_eq!(
                page.shown("#people thead th:nth-child(3)").await,
                say("de", "organise-col-known-as", &[])
            );
            assert_fits(&page, &format!("the event at {px} px")).await;
            page.screenshot(&format!("organise-lang-event-de-{px}"))
                .await;
            page.click("#settings summary").await;
            assert_fits(&page, &format!("the settings at {px} px")).await;
            page.screenshot(&format!("organise-lang-settings-de-{px}"))
                .await;
            page.default_language().await;
        }

        let page = b.open("organiser", Size::Phone).await;
        page.language("de-DE,de").await;
        page.goto(&server.url(&format!("/organise/reunions/{id}")))
            .await;
        table_drawn(&page).await;
        // The server's refusal, in German, under the guest code's box.
        page.click("#settings summary").await;
        page.type_into("#set-code", &format!("klasse/86{TAB}"))
            .await;
        let refused = say("de", "refusal-guest-code-chars", &[("chars", s("\"/\""))]);
        page.wait(
            "the German refusal under the box",
            &format!(
                "!document.getElementById('set-code-error').hidden && \
                 document.getElementById('set-code-error').textContent === {}",
                js_str(&refused)
            ),
        )
        .await;
        // A saved change, and Undo naming it in German.
        page.type_into(
            "#people-rows tr:first-child td:nth-child(3) input",
            &format!("Anni{TAB}"),
        )
        .await;
        page.wait(
            "saved",
            &format!(
                "document.getElementById('r-msg').textContent === {}",
                js_str(&say("de", "organise-saved", &[]))
            ),
        )
        .await;
        let undo = say(
            "de",
            "organise-undo-step",
            &[(
                "what",
                s(&say(
                    "de",
                    "organise-step-fields",
                    &[("fields", s("Rufname")), ("name", s("Anna Lehmann"))],
                )),
            )],
        );
        assert_eq!(page.shown("#undo").await, undo);
        page.screenshot("organise-lang-refused-de-390").await;

        // The switch: Spanish, and it holds on the list of events.
        page.click("#lang-switch summary").await;
        page.click("#lang-switch [data-lang=es]").await;
        page.wait(
            "the page in Spanish",
            "document.documentElement.lang === 'es' && document.getElementById('host-game')",
        )
        .await;
        assert_eq!(
            page.shown("#host-game").await,
            say("es", "organise-host-game", &[])
        );
        table_drawn(&page).await;
        assert_fits(&page, "the event in Spanish at 390 px").await;
        page.goto(&server.url("/organise")).await;
        assert_eq!(
            page.shown("h1").await,
            say("es", "organise-your-events", &[])
        );
        page.screenshot("organise-lang-list-es-390").await;
        page.assert_no_page_errors().await;
        page.default_language().await;
    });
}
