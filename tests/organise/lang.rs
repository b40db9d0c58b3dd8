//! issue 22: the organiser's refusals in the organiser's language. The
//! same request from a German, a Spanish and an English browser gets the
//! same status and `code`, with the `message` in each one's language
//! (`Accept-Language`, or the switch's cookie, which wins), and the pages
//! the organiser opens follow it too.

use super::fixes::with_headers as asked;
use super::*;
use yearbook::i18n::Lang;

fn say(tag: &str, key: &str) -> String {
    Lang::parse(tag).unwrap().get(key)
}

/// The same refusal in English, German and Spanish: one status, one code,
/// three messages, each the catalogue's.
async fn in_three_languages(
    server: &TestServer,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
    expect: (u16, &str),
) -> [String; 3] {
    let mut said = Vec::new();
    for accept in ["en", "de-DE,de;q=0.9", "es-MX,es;q=0.8"] {
        let (status, v) = asked(
            server,
            method.clone(),
            path,
            &[("Accept-Language", accept)],
            body.clone(),
        )
        .await;
        assert_eq!(
            (status, v["error"].as_str().unwrap_or("")),
            expect,
            "{accept}: {v}"
        );
        said.push(v["message"].as_str().unwrap_or_default().to_string());
    }
    assert!(said[0] != said[1] && said[1] != said[2], "{said:?}");
    [said[0].clone(), said[1].clone(), said[2].clone()]
}

#[tokio::test]
async fn a_refusal_says_its_message_in_the_organisers_language_with_the_same_code() {
    // Not logged in on a password server: 401 organiser_only.
    let server = TestServer::builder()
        .arg("--admin-password")
        .arg("pw")
        .in_process()
        .start();
    let said = in_three_languages(
        &server,
        reqwest::Method::GET,
        "/api/organise/reunions",
        None,
        (401, "organiser_only"),
    )
    .await;
    assert_eq!(
        said[0],
        "Only the organiser may do this: log in at /organise."
    );
    assert_eq!(said[1], say("de", "refusal-organiser-log-in"));
    assert_eq!(said[2], say("es", "refusal-organiser-log-in"));
    // The switch's cookie beats the browser's language.
    let (_, v) = asked(
        &server,
        reqwest::Method::GET,
        "/api/organise/reunions",
        &[("Accept-Language", "de"), ("Cookie", "yb_lang=es")],
        None,
    )
    .await;
    assert_eq!(v["message"], json!(say("es", "refusal-organiser-log-in")));
    // The login page too, and a wrong password on it.
    let page = server
        .http
        .get(server.url("/organise"))
        .header("Accept-Language", "de")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 401);
    let html = page.text().await.unwrap();
    assert!(html.contains("<html lang=\"de\""), "{html}");
    assert!(html.contains(&say("de", "organise-gate-intro")), "{html}");
    let wrong = server
        .http
        .post(server.url("/organise/login"))
        .header("Accept-Language", "es")
        .header("Origin", server.origin())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("password=nope")
        .send()
        .await
        .unwrap();
    let html = wrong.text().await.unwrap();
    assert!(html.contains(&say("es", "organise-gate-wrong")), "{html}");
}

#[tokio::test]
async fn the_event_api_refuses_in_the_organisers_language() {
    // On loopback without a password this computer organises.
    let server = TestServer::builder().in_process().start();
    let (status, r) = server
        .post_json("/api/organise/reunions", &json!({"title": "Lincoln High"}))
        .await;
    assert_eq!(status, 201, "{r}");
    let id = r["id"].as_u64().unwrap();
    let said = in_three_languages(
        &server,
        reqwest::Method::GET,
        "/api/organise/reunions/999",
        None,
        (404, "not_found"),
    )
    .await;
    assert_eq!(said[0], "No such event.");
    assert_eq!(said[1], "Diese Veranstaltung gibt es nicht.");
    // A guest code a phone cannot type: its variables in each language,
    // and the field it is about.
    let api = format!("/api/organise/reunions/{id}");
    let said = in_three_languages(
        &server,
        reqwest::Method::PATCH,
        &api,
        Some(json!({"guest_code": "class/86"})),
        (400, "invalid"),
    )
    .await;
    assert!(
        said[0].starts_with("The guest code may have letters"),
        "{said:?}"
    );
    assert!(
        said[1].contains("\"/\"") && said[1].starts_with("Der Gästecode"),
        "{said:?}"
    );
    assert!(said[2].starts_with("El código de invitados"), "{said:?}");
    let (_, v) = asked(
        &server,
        reqwest::Method::PATCH,
        &api,
        &[],
        Some(json!({"guest_code": "ab"})),
    )
    .await;
    assert_eq!(v["field"], "guest_code", "{v}");
    // A number in range, in words of each language.
    let said = in_three_languages(
        &server,
        reqwest::Method::PATCH,
        &api,
        Some(json!({"today_keep_days": 0})),
        (400, "invalid"),
    )
    .await;
    assert_eq!(
        said[2],
        "Las fotos de hoy se guardan de 1 a 365 días: escribe un número entero en ese intervalo."
    );
    // The event store's typed reason: an empty name.
    let said = in_three_languages(
        &server,
        reqwest::Method::POST,
        &format!("{api}/people"),
        Some(json!({"name": "   "})),
        (400, "invalid"),
    )
    .await;
    assert_eq!(
        said,
        [
            "The name is empty.",
            "Der Name ist leer.",
            "El nombre está vacío."
        ]
    );
    // A stale version: who changed whom, when, in Spanish.
    let (status, p) = server
        .post_json(&format!("{api}/people"), &json!({"name": "Ann Lee"}))
        .await;
    assert_eq!(status, 201, "{p}");
    let pid = p["id"].as_u64().unwrap();
    let said = in_three_languages(
        &server,
        reqwest::Method::PATCH,
        &format!("{api}/people/{pid}"),
        Some(json!({"version": 99, "gender": "f"})),
        (409, "edited_elsewhere"),
    )
    .await;
    assert!(said[0].contains(" changed Ann Lee at "), "{said:?}");
    assert!(said[2].contains(" cambió a Ann Lee a las "), "{said:?}");
}
