//! `POST /api/organise/namelist/preview` on the real server: a name list as
//! Excel saves it, matched to photo file names, with suggestions to accept.

use base64::Engine;

use super::*;

const PREVIEW: &str = "/api/organise/namelist/preview";

/// `POST` the preview with `body`, as a logged-in organiser when `cookie`.
async fn preview(server: &TestServer, cookie: Option<&str>, body: &Value) -> (u16, Value) {
    let mut req = server.http.post(server.url(PREVIEW)).json(body);
    if let Some(c) = cookie {
        req = req.header("Cookie", c);
    }
    status_and_json(req.send().await.unwrap()).await
}

#[tokio::test]
async fn a_list_as_excel_saves_it_is_matched_to_photo_names_with_suggestions() {
    let server = password_server();
    let cookie = log_in(&server).await;
    // Windows-1252, semicolons, CRLF, a header in words: sent as the file's bytes.
    let file =
        b"Name;Gender;Known as;In memoriam\r\nJos\xe9 N\xfa\xf1ez;m;;x\r\nKevin O'Neill;m;Kev;\r\n";
    let files = json!([
        "C:\\scans\\José Núñez.png",
        "../x/Kevin O'Neil.png",
        "IMG_0001.HEIC"
    ]);
    let body = json!({
        "list_base64": base64::engine::general_purpose::STANDARD.encode(file),
        "files": files,
    });
    let (status, plan) = preview(&server, Some(&cookie), &body).await;
    assert_eq!(status, 200, "{plan}");
    assert_eq!(plan["people"][0]["name"], "José Núñez", "{plan}");
    assert_eq!(plan["people"][0]["photos"][0]["file"], "José Núñez.png");
    assert_eq!(plan["people"][0]["in_memoriam"], true);
    assert_eq!(
        plan["people"][1]["name"], "Kevin O'Neil",
        "a typo is not taken"
    );
    let suggestion = &plan["unmatched_list"][0]["suggestions"][0];
    assert_eq!(
        (&suggestion["list_line"], &suggestion["file"]),
        (&json!(3), &json!("Kevin O'Neil.png")),
        "{plan}"
    );
    assert!(suggestion["score"].as_f64().unwrap() > 0.9, "{plan}");
    assert_eq!(plan["problems"][0]["about"], "photo");
    assert!(
        plan["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("HEIC"),
        "{plan}"
    );

    // One click: the suggestion goes back accepted.
    let body = json!({
        "list": "Name;Gender;Known as\r\nKevin O'Neill;m;Kev\r\n",
        "files": files,
        "accepted": [{"list_line": 2, "file": "Kevin O'Neil.png"}],
    });
    let (status, plan) = preview(&server, Some(&cookie), &body).await;
    assert_eq!(status, 200, "{plan}");
    assert_eq!(plan["people"][1]["name"], "Kevin O'Neill", "{plan}");
    assert_eq!(plan["people"][1]["known_as"], "Kev");
    assert_eq!(plan["matched"][0]["how"], "accepted");
    assert_eq!(plan["suggestions"], json!([]));
}

#[tokio::test]
async fn the_preview_is_the_organisers_only_and_refuses_what_it_cannot_read() {
    let server = password_server();
    let body = json!({"list": "Ann Lee,f\n", "files": ["Ann Lee.png"]});
    let (status, v) = preview(&server, None, &body).await;
    assert_eq!((status, v["error"].as_str()), (401, Some("organiser_only")));

    let cookie = log_in(&server).await;
    let foreign = server
        .http
        .post(server.url(PREVIEW))
        .header("Cookie", &cookie)
        .header("Origin", "http://evil.example")
        .json(&body)
        .send()
        .await
        .unwrap();
    let (status, v) = status_and_json(foreign).await;
    assert_eq!((status, v["error"].as_str()), (403, Some("bad_origin")));

    for (bad, why) in [
        (json!({"files": ["Ann Lee.png"]}), "no list"),
        (json!({"list": "x", "list_base64": "eA=="}), "both"),
        (json!({"list_base64": "not base64!"}), "not base64"),
    ] {
        let (status, v) = preview(&server, Some(&cookie), &bad).await;
        assert_eq!(
            (status, v["error"].as_str()),
            (400, Some("bad_request")),
            "{why}: {v}"
        );
    }
    let huge = json!({"list": "Ann Lee,f\n".repeat(8000), "files": []});
    let (status, v) = preview(&server, Some(&cookie), &huge).await;
    assert_eq!(
        (status, v["error"].as_str()),
        (413, Some("too_large")),
        "{v}"
    );
}
