//! Then & now (issue 21) on a phone in Chromium: after joining, the guest
//! finds themselves in the class list ("I'm…", accents and case ignored),
//! says so, can take it back, and when a question is about them the phone
//! says "That's you!" and offers nothing to tap. The host is a WebSocket
//! client here.

use super::*;
use common::connect_host;

/// The classmate the phone says it is (`data/demo`: an apostrophe).
const ME: &str = "Kevin O'Neil";

#[test]
fn a_guest_says_who_they_are_and_watches_the_question_about_themselves() {
    browser_test("thennow", |b| async move {
        let people = &[("phone", Size::Phone)];
        let (_class, server, pages) = setup(&b, None, people).await;
        let phone = &pages[0];
        // Every classmate once, so one of the rounds asks about ME.
        let room = new_room(&server, CLASS.len() as u32).await;
        let code = room["code"].as_str().expect("code");
        let mut host = connect_host(&server, code, room["host_key"].as_str().expect("key")).await;
        phone
            .goto(room["join_url"].as_str().expect("join_url"))
            .await;
        enter_name(phone, "Kev").await;

        // Skippable: the waiting screen works without it; typed in any case
        // and without the apostrophe, the name is found.
        phone.type_into("#claim-q", "KEVIN ON").await;
        phone
            .wait(
                "the search's answer",
                &format!(
                    "Array.from(document.querySelectorAll('.claim-pick')).some(function (b) {{ \
                       return seen(b).indexOf({}) >= 0; }})",
                    js_str(ME)
                ),
            )
            .await;
        phone.screenshot("thennow-phone-claim-search").await;
        phone.click(".claim-pick").await;
        wait_eq(
            phone,
            "the phone's claim",
            "return seen('#claim-now')",
            json!(format!("You are {ME}.")),
        )
        .await;
        assert_eq!(phone.shown("#claim-undo").await, "That’s not me");
        phone.screenshot("thennow-phone-claimed").await;
        // Taken back and said again: the host's list follows.
        phone.click("#claim-undo").await;
        wait_eq(phone, "no claim", "return seen('#claim-now')", json!("")).await;
        phone.type_into("#claim-q", "o'neil").await;
        phone
            .wait("the search again", "document.querySelector('.claim-pick')")
            .await;
        phone.click(".claim-pick").await;
        wait_eq(
            phone,
            "the phone's claim again",
            "return seen('#claim-now')",
            json!(format!("You are {ME}.")),
        )
        .await;
        let mut listed = false;
        for _ in 0..20 {
            let lobby = host.recv_type("lobby").await;
            if lobby["players"][0]["claim"]["name"] == ME {
                listed = true;
                break;
            }
        }
        assert!(listed, "the host's list shows the claim");

        // Round after round until the question is about ME.
        let mut about_me = false;
        for _ in 0..CLASS.len() {
            host.send(json!({"type":"start_round"})).await;
            let round = host.recv_type("round").await;
            let r = round["round"].as_u64().expect("round");
            phone_screen(phone, "s-question").await;
            if round["prompt"]["name"] == ME {
                wait_eq(
                    phone,
                    "That's you!",
                    "return seen('#locked')",
                    json!("That’s you! Watch the others guess."),
                )
                .await;
                let taps = phone
                    .js("return Array.from(document.querySelectorAll('#pq-choices button')).filter(function (b) { return !b.disabled; }).length")
                    .await;
                assert_eq!(taps, 0, "nothing to tap on a question about yourself");
                phone.screenshot("thennow-phone-its-you").await;
                host.send(json!({"type":"reveal"})).await;
                host.recv_type("reveal").await;
                phone_screen(phone, "s-reveal").await;
                wait_eq(
                    phone,
                    "the reveal",
                    "return seen('#rv-verdict')",
                    json!("That’s you!"),
                )
                .await;
                about_me = true;
                break;
            }
            host.send(json!({"type":"reveal"})).await;
            let reveal = host.recv_type("reveal").await;
            assert_eq!(reveal["round"], r);
            phone_screen(phone, "s-reveal").await;
        }
        assert!(about_me, "one of the rounds asked about {ME}");
        phone.assert_clean().await;
    });
}
