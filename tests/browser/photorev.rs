//! A phone whose question photos never come (a URL the server no longer
//! serves, a network that drops them) is not stuck: once the page gives up
//! on a photo, its tile can be tapped and the vote goes through.

use std::time::Duration;

use super::common::connect_host;
use super::*;

/// Sends every photo the page asks for to a name the server never handed
/// out (404), whether set as an attribute (first try) or a property (retries).
const BREAK_PHOTOS_JS: &str = r#"
(function () {
  var gone = function (v) { return String(v).replace('/photos/', '/photos/gone-'); };
  var d = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, 'src');
  Object.defineProperty(HTMLImageElement.prototype, 'src', {
    configurable: true, enumerable: d.enumerable,
    get: function () { return d.get.call(this); },
    set: function (v) { d.set.call(this, gone(v)); }
  });
  var set = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (k, v) {
    return set.call(this, k, this.tagName === 'IMG' && k === 'src' ? gone(v) : v);
  };
})();
"#;

async fn photos_that_never_come(b: Browser) {
    let (_class, server, pages) = setup(&b, None, &[("Pat", Size::Phone)]).await;
    let phone = &pages[0];
    phone.add_init_script(BREAK_PHOTOS_JS).await;
    let room = new_room_in_mode(&server, 1, "name_to_photo").await;
    let code = room["code"].as_str().unwrap();
    let mut host = connect_host(&server, code, room["host_key"].as_str().unwrap()).await;
    phone.goto(room["join_url"].as_str().unwrap()).await;
    enter_name(phone, "Pat").await;
    host.send(json!({"type": "start_round"})).await;
    phone_screen(phone, "s-question").await;
    // The page retries each photo for about four seconds, then gives up.
    phone
        .wait_for(
            "four tiles given up on and tappable",
            "document.querySelectorAll('#pq-choices img.broken').length === 4 \
             && document.querySelectorAll('#pq-choices button:not([disabled])').length === 4",
            Duration::from_secs(30),
        )
        .await;
    phone.screenshot("photorev-phone-photos-missing").await;
    phone.click("#pq-choices button.c2").await;
    phone
        .wait(
            "the vote locked in and saved",
            "document.getElementById('locked').textContent === 'Locked in: C' \
             && !document.getElementById('saved').hidden",
        )
        .await;
    // The photos failing is the point; nothing else may have.
    let errors: Vec<Value> = phone
        .page_errors()
        .await
        .into_iter()
        .filter(|e| {
            !e.as_str()
                .is_some_and(|e| e.starts_with("resource failed: <IMG>"))
        })
        .collect();
    assert_eq!(errors, Vec::<Value>::new());
}

#[test]
fn a_tile_whose_photo_never_comes_can_still_be_tapped() {
    browser_test(
        "a_tile_whose_photo_never_comes_can_still_be_tapped",
        photos_that_never_come,
    );
}
