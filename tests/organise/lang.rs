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

/// A new event's id, on a server where this computer organises.
async fn new_event(server: &TestServer) -> u64 {
    let (status, r) = server
        .post_json("/api/organise/reunions", &json!({"title": "Lincoln High"}))
        .await;
    assert_eq!(status, 201, "{r}");
    r["id"].as_u64().unwrap()
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
    let id = new_event(&server).await;
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

/// The name list's problems on the event page and in the list preview:
/// the same lines, each said in the organiser's language.
#[tokio::test]
async fn a_name_lists_problems_follow_the_organisers_language() {
    let server = TestServer::builder().in_process().start();
    let id = new_event(&server).await;
    // Line 5's gender is on no other line; line 8 repeats line 1.
    let list = "Ann,f\nBea,F\nCy,m\nDee,m\nEd,mm\nFay,f\nGus,M\nAnn,f\n";
    let problems = |v: &Value| -> Vec<(u64, String)> {
        v["problems"]
            .as_array()
            .unwrap_or_else(|| panic!("{v}"))
            .iter()
            .map(|p| {
                let line = p["line"].as_u64().unwrap_or(0);
                (line, p["message"].as_str().unwrap_or("").to_string())
            })
            .collect()
    };
    let event = format!("/api/organise/reunions/{id}/namelist/preview");
    let body = json!({ "list": list });
    let (status, en) = asked(
        &server,
        reqwest::Method::POST,
        &event,
        &[],
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, 200, "{en}");
    assert_eq!(
        problems(&en),
        [
            (
                5,
                "the gender 'mm' is on no other line (the others say f or m): if it is a \
                 typo, correct it; as it stands, this person's wrong answers come from everyone"
                    .to_string()
            ),
            (
                8,
                "'Ann' is already on line 1, so this line is left out".to_string()
            ),
        ]
    );
    let de = [("Accept-Language", "de-DE,de;q=0.9")];
    let (status, v) = asked(&server, reqwest::Method::POST, &event, &de, Some(body)).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        problems(&v),
        [
            (
                5,
                "das Geschlecht „mm“ steht in keiner anderen Zeile (die anderen sagen f oder m): \
                 Wenn es ein Tippfehler ist, korrigiere ihn; so wie es ist, kommen die falschen \
                 Antworten zu dieser Person von allen"
                    .to_string()
            ),
            (
                8,
                "„Ann“ steht schon in Zeile 1, daher wird diese Zeile ausgelassen".to_string()
            ),
        ]
    );
    // The import preview: the list's lines and the photos left out.
    let body = json!({ "list": "Ann,f\nAnn,f\n", "files": ["Ann.png", "scan.pdf"] });
    let (status, v) = asked(
        &server,
        reqwest::Method::POST,
        "/api/organise/namelist/preview",
        &[("Cookie", "yb_lang=es")],
        Some(body),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let said: Vec<(&str, &str)> = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["about"].as_str().unwrap(), p["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        said,
        [
            (
                "list",
                "«Ann» ya está en la línea 1, así que esta línea se deja fuera"
            ),
            (
                "photo",
                "se omitió «scan.pdf»: un PDF no es una foto; guarda la página como .png o .jpg \
                 y añade eso"
            ),
        ]
    );
}

/// A roster zip refused in German: a zip without a roster (`bad_zip`)
/// and a roster with a missing photo (`roster_problems`, its lines).
#[tokio::test]
async fn a_roster_zips_refusals_follow_the_organisers_language() {
    let server = TestServer::builder().in_process().start();
    let post = |body: Vec<u8>| async {
        let response = server
            .http
            .post(server.url("/api/organise/reunions/from-roster"))
            .header("Accept-Language", "de")
            .body(body)
            .send()
            .await
            .unwrap();
        status_and_json(response).await
    };
    let (status, v) = post(zip_of(&[("notes.txt", &b"hi"[..])])).await;
    assert_eq!((status, v["error"].as_str()), (422, Some("bad_zip")), "{v}");
    assert_eq!(
        v["message"],
        "Das Zip enthält keine roster.csv: Packe den Ordner, den `yearbook export` oder \
         `yearbook import` geschrieben hat."
    );
    let csv = b"name,photo\nAnn,a.png\n,b.png\n";
    let (status, v) = post(zip_of(&[("roster.csv", &csv[..])])).await;
    assert_eq!(
        (status, v["error"].as_str()),
        (422, Some("roster_problems")),
        "{v}"
    );
    assert_eq!(
        v["problems"],
        json!([
            "roster.csv:2: Foto „a.png“ nicht gefunden",
            "roster.csv:3: der Name zum Foto „b.png“ ist leer: Tippe den Namen der Person ein",
        ]),
        "{v}"
    );
    let (_, list) = server.get_json("/api/organise/reunions").await;
    assert_eq!(list["reunions"], json!([]), "{list}");
}
