//! Issue 20's polish, in Chromium: the event page says successes in a calm
//! colour and errors in red, both legible on the page's background.

use super::*;

/// `[colour, contrast against the first opaque background behind it]` of
/// `#r-msg`, as `rgb(…)` text and a ratio (WCAG 2 relative luminance).
const MSG_LOOK: &str = "\
    function rgb(s) { return (s.match(/[0-9.]+/g) || []).map(Number); } \
    function lum(c) { return [0, 1, 2].map(function (i) { var v = c[i] / 255; \
        return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }) \
      .reduce(function (a, v, i) { return a + v * [0.2126, 0.7152, 0.0722][i]; }, 0); } \
    var m = document.getElementById('r-msg'); var fg = getComputedStyle(m).color; \
    var n = m, bg = null; \
    while (n && n.nodeType === 1) { var c = rgb(getComputedStyle(n).backgroundColor); \
      if (c.length === 3 || (c.length === 4 && c[3] === 1)) { bg = c; break; } n = n.parentNode; } \
    bg = bg || [255, 255, 255]; \
    var a = lum(rgb(fg)), b = lum(bg); \
    return [fg, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];";

#[test]
fn the_event_page_says_successes_calmly_and_errors_in_red() {
    browser_test("polish-msg", |b| async move {
        let server = TestServer::builder().in_process().start();
        let page = b.open("organiser", Size::Phone).await;
        page.goto(&server.url("/organise")).await;
        page.type_into("#event-title", "Lincoln High 1986").await;
        page.click("#new-event button").await;
        page.wait("the event's page", "!!document.getElementById('r-title')")
            .await;
        page.click("#settings summary").await;
        page.type_into("#my-name", "Maria").await;
        page.click("#settings-form button").await;
        page.wait(
            "settings saved",
            "document.getElementById('r-msg').textContent.indexOf('saved') >= 0",
        )
        .await;
        let ok = page.js(MSG_LOOK).await;

        // Not an image: a refusal.
        let files = tempfile::tempdir().unwrap();
        let junk = files.path().join("Eve Evans.png");
        std::fs::write(&junk, vec![7u8; 2048]).unwrap();
        page.type_into("#add-name", "Eve Evans").await;
        page.type_into("#add-photo", junk.to_str().unwrap()).await;
        page.click("#add-person button").await;
        page.wait(
            "the refusal",
            "document.getElementById('r-msg').textContent.indexOf('was not added') >= 0",
        )
        .await;
        let bad = page.js(MSG_LOOK).await;

        let red = "rgb(255, 128, 128)";
        assert_ne!(ok[0], json!(red), "a success is not said in red: {ok}");
        assert_eq!(bad[0], json!(red), "an error is said in red: {bad}");
        for look in [&ok, &bad] {
            assert!(look[1].as_f64().unwrap_or(0.0) >= 4.5, "legible: {look}");
        }
    });
}
