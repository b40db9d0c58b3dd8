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
    assert_refused(status, &v, 413, "too_large");
}

/// `POST` the event's name list `what` (`preview` or `apply`) with `body`.
async fn event_list(server: &TestServer, id: u64, what: &str, body: &Value) -> (u16, Value) {
    server
        .post_json(
            &format!("/api/organise/reunions/{id}/namelist/{what}"),
            body,
        )
        .await
}

/// `{list_base64}` of `bytes`, with more fields from `more`.
fn file_body(bytes: &[u8], more: Value) -> Value {
    let mut body = more;
    body["list_base64"] = json!(base64::engine::general_purpose::STANDARD.encode(bytes));
    body
}

/// person id → version, as the page sends what it showed.
fn seen(preview: &Value) -> Value {
    let mut seen = serde_json::Map::new();
    for m in preview["matched"].as_array().unwrap() {
        seen.insert(m["person"].to_string(), m["version"].clone());
    }
    Value::Object(seen)
}

#[tokio::test]
async fn an_events_name_list_as_excel_saves_it_is_compared_accepted_and_applied_for_good() {
    let server = TestServer::start();
    let id = reunion_with(
        &server,
        "Class of 86",
        &[
            ("José Núñez", "", Some(0)),
            ("Kevin O'Neil", "m", Some(1)),
            ("Ann Lee", "f", Some(2)),
            ("Bob Ray", "m", Some(3)),
        ],
    )
    .await;
    let bob_before = person_named(&server, id, "Bob Ray").await;
    // Windows-1252, semicolons, CRLF and a UTF-8 BOM would not mix in one
    // file; each variant is sent as the file's bytes.
    let cp1252 = b"Name;Gender;Known as;In memoriam\r\nJose Nunez;m;Pepe;x\r\nKevin O'Neill;m;Kev;\r\nAnn Lee;;;\r\n;f;;\r\nAnn Lee;f;;\r\nZo\xeb Quimby;f;;\r\n";
    let (status, c) = event_list(&server, id, "preview", &file_body(cp1252, json!({}))).await;
    assert_eq!(status, 200, "{c}");
    let matched: Vec<(&Value, &Value)> = c["matched"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (&m["name"], &m["how"]))
        .collect();
    assert_eq!(
        matched,
        [
            (&json!("José Núñez"), &json!("folded")),
            (&json!("Ann Lee"), &json!("same"))
        ],
        "{c}"
    );
    let jose = &c["matched"][0]["changes"];
    assert_eq!(jose["gender"], json!({"from": null, "to": "m"}), "{c}");
    assert_eq!(jose["known_as"]["to"], "Pepe");
    assert_eq!(jose["in_memoriam"], json!({"from": false, "to": true}));
    assert_eq!(
        c["matched"][1]["changes"],
        json!({}),
        "a blank cell changes nothing"
    );
    // Side by side: the typo both ways, Zoë with nobody close.
    let kevin_line = &c["unmatched_list"][0];
    assert_eq!(kevin_line["name"], "Kevin O'Neill", "{c}");
    assert_eq!(kevin_line["suggestions"][0]["name"], "Kevin O'Neil");
    let kevin = kevin_line["suggestions"][0]["person"].clone();
    assert_eq!(c["unmatched_list"][1]["name"], "Zoë Quimby");
    assert_eq!(c["unmatched_list"][1]["suggestions"], json!([]));
    let people: Vec<&Value> = c["unmatched_people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["name"])
        .collect();
    assert_eq!(people, [&json!("Kevin O'Neil"), &json!("Bob Ray")], "{c}");
    assert_eq!(c["unmatched_people"][0]["suggestions"][0]["list_line"], 3);
    // Bad lines: their number and a sentence.
    let problems: Vec<(u64, &str)> = c["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["line"].as_u64().unwrap(), p["message"].as_str().unwrap()))
        .collect();
    assert_eq!(problems.len(), 2, "{c}");
    assert_eq!(problems[0].0, 5);
    assert!(problems[0].1.contains("no name"), "{problems:?}");
    assert_eq!(problems[1].0, 6);
    assert!(problems[1].1.contains("already on line 4"), "{problems:?}");

    // One click accepts the typo; the preview then counts Kevin in.
    let accepted = json!({"accepted": [{"list_line": 3, "person": kevin}]});
    let (status, c) =
        event_list(&server, id, "preview", &file_body(cp1252, accepted.clone())).await;
    assert_eq!(status, 200, "{c}");
    assert_eq!(c["matched"][1]["name"], "Kevin O'Neil", "{c}");
    assert_eq!(c["matched"][1]["how"], "accepted");
    assert_eq!(
        c["matched"][1]["changes"],
        json!({"known_as": {"from": null, "to": "Kev"}})
    );

    let mut body = file_body(cp1252, accepted);
    body["seen"] = seen(&c);
    body["by"] = json!("Maria");
    let (status, applied) = event_list(&server, id, "apply", &body).await;
    assert_eq!(status, 200, "{applied}");
    assert_eq!(applied["changed"].as_array().unwrap().len(), 2, "{applied}");
    assert_eq!(
        applied["changed"][0]["before"],
        json!({"gender": null, "known_as": null, "in_memoriam": false}),
        "{applied}"
    );
    assert_eq!(applied["unchanged"], 1);
    assert_eq!(
        applied["no_row"],
        json!([{"id": bob_before["id"], "name": "Bob Ray"}])
    );

    // Stored for good: after kill -9 the rows say so; nobody renamed or deleted.
    let server = server.restart_after_kill9();
    let jose = person_named(&server, id, "José Núñez").await;
    assert_eq!(
        (&jose["gender"], &jose["known_as"], &jose["in_memoriam"]),
        (&json!("m"), &json!("Pepe"), &json!(true)),
        "{jose}"
    );
    assert_eq!(jose["updated_by"], "Maria");
    let kevin_row = person_named(&server, id, "Kevin O'Neil").await;
    assert_eq!(kevin_row["known_as"], "Kev");
    let bob = person_named(&server, id, "Bob Ray").await;
    assert_eq!(bob["version"], bob_before["version"], "no row: untouched");
    assert_eq!(bob["deleted"], false);

    // The editor's undo: the `before` values back in one all-or-nothing step.
    let changes: Vec<Value> = applied["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let mut ch = p["before"].clone();
            ch["id"] = p["id"].clone();
            ch["version"] = p["version"].clone();
            ch
        })
        .collect();
    let (status, v) = server
        .post_json(
            &format!("/api/organise/reunions/{id}/people/batch"),
            &json!({"changes": changes}),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    let jose = person_named(&server, id, "José Núñez").await;
    assert_eq!(
        (&jose["gender"], &jose["known_as"], &jose["in_memoriam"]),
        (&json!(null), &json!(null), &json!(false)),
        "{jose}"
    );
    assert_eq!(
        person_named(&server, id, "Kevin O'Neil").await["known_as"],
        json!(null)
    );
}

#[tokio::test]
async fn bom_crlf_semicolons_arrive_as_the_cli_reads_them() {
    let server = TestServer::start();
    let id = reunion_with(&server, "BOM High", &[("Zoë Quimby", "", None)]).await;
    let bom = "\u{feff}name;gender;known_as\r\nZoë Quimby;f;Zo, Z\r\n";
    let (status, c) = event_list(
        &server,
        id,
        "preview",
        &file_body(bom.as_bytes(), json!({})),
    )
    .await;
    assert_eq!(status, 200, "{c}");
    assert_eq!(c["problems"], json!([]), "{c}");
    assert_eq!(c["matched"][0]["name"], "Zoë Quimby");
    assert_eq!(
        c["matched"][0]["changes"],
        json!({"gender": {"from": null, "to": "f"}, "known_as": {"from": null, "to": "Zo, Z"}})
    );
    // Pasted text takes the same road.
    let (status, pasted) = event_list(&server, id, "preview", &json!({"list": bom})).await;
    assert_eq!((status, &pasted), (200, &c));
}

#[tokio::test]
async fn a_change_made_meanwhile_stops_the_whole_apply_and_says_who() {
    let server = TestServer::start();
    let id = reunion_with(
        &server,
        "Busy High",
        &[("Ann Lee", "", None), ("Bob Ray", "", None)],
    )
    .await;
    let list = json!({"list": "Ann Lee,f\nBob Ray,m\n"});
    let (_, c) = event_list(&server, id, "preview", &list).await;
    let bob = person_named(&server, id, "Bob Ray").await;
    let (status, v) = send_json(
        &server,
        reqwest::Method::PATCH,
        &format!("/api/organise/reunions/{id}/people/{}", bob["id"]),
        &json!({"version": bob["version"], "known_as": "Bobby", "by": "Sam"}),
    )
    .await;
    assert_eq!(status, 200, "{v}");

    let mut body = list.clone();
    body["seen"] = seen(&c);
    let (status, v) = event_list(&server, id, "apply", &body).await;
    assert_refused(status, &v, 409, "edited_elsewhere");
    let message = v["message"].as_str().unwrap();
    assert!(message.contains("Sam changed Bob Ray"), "{message}");
    let ann = person_named(&server, id, "Ann Lee").await;
    assert_eq!(
        ann["gender"],
        json!(null),
        "all or nothing: Ann is untouched"
    );

    // Without what the page showed, nothing is applied either.
    let (status, v) = event_list(&server, id, "apply", &list).await;
    assert_refused(status, &v, 409, "edited_elsewhere");

    // A batch naming one person twice, or an old version, is refused whole.
    let batch = format!("/api/organise/reunions/{id}/people/batch");
    let (status, v) = server
        .post_json(
            &batch,
            &json!({"changes": [{"id": ann["id"], "version": 1, "gender": "f"}, {"id": ann["id"], "version": 1}]}),
        )
        .await;
    assert_refused(status, &v, 400, "bad_request");
    let (status, v) = server
        .post_json(
            &batch,
            &json!({"changes": [{"id": ann["id"], "version": 1, "gender": "f"}, {"id": bob["id"], "version": 1, "gender": "m"}]}),
        )
        .await;
    assert_refused(status, &v, 409, "edited_elsewhere");
    assert_eq!(
        person_named(&server, id, "Ann Lee").await["gender"],
        json!(null)
    );

    // Compared again, it applies.
    let (_, c) = event_list(&server, id, "preview", &list).await;
    let mut body = list.clone();
    body["seen"] = seen(&c);
    let (status, v) = event_list(&server, id, "apply", &body).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        person_named(&server, id, "Bob Ray").await["known_as"],
        "Bobby"
    );
}

#[tokio::test]
async fn an_events_name_list_is_the_organisers_only() {
    let server = password_server();
    let cookie = log_in(&server).await;
    // `POST path` with `body`, with the cookie and `Origin` when given.
    let post = |path: String, cookie: Option<&str>, origin: Option<&str>, body: &Value| {
        let mut req = server.http.post(server.url(&path)).json(body);
        if let Some(c) = cookie {
            req = req.header("Cookie", c.to_string());
        }
        if let Some(o) = origin {
            req = req.header("Origin", o.to_string());
        }
        async move { status_and_json(req.send().await.unwrap()).await }
    };
    let (status, r) = post(
        "/api/organise/reunions".into(),
        Some(&cookie),
        None,
        &json!({"title": "Locked High"}),
    )
    .await;
    assert_eq!(status, 201, "{r}");
    let id = r["id"].as_u64().unwrap();
    let body = json!({"list": "Ann Lee,f\n", "seen": {}});
    for path in ["namelist/preview", "namelist/apply", "people/batch"] {
        let url = format!("/api/organise/reunions/{id}/{path}");
        let (status, v) = post(url.clone(), None, None, &body).await;
        assert_eq!(
            (status, v["error"].as_str()),
            (401, Some("organiser_only")),
            "{path}"
        );
        let (status, v) = post(url, Some(&cookie), Some("http://evil.example"), &body).await;
        assert_eq!(
            (status, v["error"].as_str()),
            (403, Some("bad_origin")),
            "{path}"
        );
    }
    let preview = format!("/api/organise/reunions/{id}/namelist/preview");
    let bad = json!({"list_base64": "not base64!"});
    let (status, v) = post(preview, Some(&cookie), None, &bad).await;
    assert_refused(status, &v, 400, "bad_request");
    let missing = "/api/organise/reunions/999/namelist/preview".to_string();
    let (status, _) = post(missing, Some(&cookie), None, &body).await;
    assert_eq!(status, 404);
}
