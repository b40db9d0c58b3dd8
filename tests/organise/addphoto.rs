//! Uploads for people already in the event, on the real server: a new
//! label adds a photo, the same file again is skipped, and a photo that
//! would take another's place waits for the organiser's choice (replace,
//! add as another, skip), which survives a kill -9.

use super::*;

/// Announces `name` (found in the folder `label`) and sends it in one
/// chunk: the finished upload.
async fn drop_file(
    server: &TestServer,
    reunion: u64,
    name: &str,
    label: &str,
    bytes: &[u8],
) -> Value {
    let (s, created) = server
        .post_json(
            &format!("/api/organise/reunions/{reunion}/uploads"),
            &json!({"name": name, "size": bytes.len(), "label": label}),
        )
        .await;
    assert_eq!(s, 201, "{created}");
    let id = created["id"].as_str().unwrap();
    let r = server
        .http
        .patch(server.url(&format!("/api/organise/uploads/{id}")))
        .header("Upload-Offset", "0")
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap();
    let (s, done) = status_and_json(r).await;
    assert_eq!(s, 200, "{done}");
    assert_eq!(done["state"], "done", "{done}");
    done
}

/// The person's photos: (label, thumb URL, whose `?v=` names the content).
async fn photos_of(server: &TestServer, reunion: u64, name: &str) -> Vec<(String, String)> {
    person_named(server, reunion, name).await["photos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let label = p["label"].as_str().unwrap_or("").to_string();
            (label, p["thumb"].as_str().unwrap().to_string())
        })
        .collect()
}

fn labels(photos: &[(String, String)]) -> Vec<&str> {
    photos.iter().map(|(l, _)| l.as_str()).collect()
}

async fn choose(server: &TestServer, upload: &Value, body: Value) -> (u16, Value) {
    let id = upload["id"].as_str().unwrap();
    server
        .post_json(&format!("/api/organise/uploads/{id}/choice"), &body)
        .await
}

#[tokio::test]
async fn a_new_label_adds_a_photo_the_same_file_is_skipped_and_a_taken_label_asks() {
    let server = TestServer::builder().in_process().start();
    let id = reunion_with(&server, "Class of 1986", &[]).await;
    let first = drop_file(&server, id, "José Núñez (1983).png", "", &noisy_png(40, 1)).await;
    let jose = first["accepted"][0]["person"].as_u64().expect("added");

    // A later drop with another label joins the same person.
    let second = drop_file(&server, id, "José Núñez (1986).png", "", &noisy_png(40, 2)).await;
    assert_eq!(second["accepted"][0]["person"], jose, "{second}");
    assert_eq!(second["refused"], json!([]), "{second}");
    let before = photos_of(&server, id, "José Núñez").await;
    assert_eq!(labels(&before), ["1983", "1986"]);

    // The same scan again, from a year folder: skipped, said so.
    let again = drop_file(
        &server,
        id,
        "1983/José Núñez.png",
        "1983",
        &noisy_png(40, 1),
    )
    .await;
    assert_eq!(again["accepted"], json!([]), "{again}");
    assert_eq!(again["refused"][0]["code"], "already_there", "{again}");
    let message = again["refused"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("already in this event") && message.contains("skipped"),
        "{message}"
    );

    // Another 1983 scan: nothing replaced until the organiser says so.
    let other = drop_file(&server, id, "José Núñez (1983).png", "", &noisy_png(40, 3)).await;
    let ask = &other["accepted"][0]["ask"];
    assert_eq!(ask["person"], jose, "{other}");
    assert_eq!(ask["choices"], json!(["replace", "skip"]), "{other}");
    assert_eq!(ask["replace_label"], "1983", "{other}");
    assert_eq!(other["accepted"][0]["person"], Value::Null);
    assert_eq!(photos_of(&server, id, "José Núñez").await, before);
    let (s, decided) = choose(
        &server,
        &other,
        json!({"file": "José Núñez (1983).png", "choice": "replace"}),
    )
    .await;
    assert_eq!(s, 200, "{decided}");
    assert_eq!(decided["accepted"][0]["person"], jose, "{decided}");
    assert!(decided["accepted"][0].get("ask").is_none(), "{decided}");
    let after = photos_of(&server, id, "José Núñez").await;
    assert_eq!(labels(&after), ["1983", "1986"]);
    assert_ne!(after[0].1, before[0].1, "the 1983 photo replaced");
    assert_eq!(after[1], before[1], "the 1986 photo kept");
    // Decided once: a second answer (another tab) changes nothing.
    let (s, twice) = choose(
        &server,
        &other,
        json!({"file": "José Núñez (1983).png", "choice": "skip"}),
    )
    .await;
    assert_eq!(s, 200, "{twice}");
    assert_eq!(twice["accepted"][0]["person"], jose, "{twice}");
    assert_eq!(photos_of(&server, id, "José Núñez").await, after);
}

#[tokio::test]
async fn an_unlabelled_photo_of_someone_with_one_offers_replace_add_or_skip() {
    let server = TestServer::builder().in_process().start();
    let id = reunion_with(&server, "Class of 1986", &[("Bob Ray", "m", Some(1))]).await;
    let bob = person_named(&server, id, "Bob Ray").await["id"].clone();
    let before = photos_of(&server, id, "Bob Ray").await;
    assert_eq!(labels(&before), ["1986"]);

    let skipped = drop_file(&server, id, "Bob Ray.png", "", &noisy_png(40, 4)).await;
    let ask = &skipped["accepted"][0]["ask"];
    assert_eq!(
        ask["choices"],
        json!(["replace", "add", "skip"]),
        "{skipped}"
    );
    assert_eq!(ask["person"], bob);
    let (s, done) = choose(
        &server,
        &skipped,
        json!({"file": "Bob Ray.png", "choice": "skip"}),
    )
    .await;
    assert_eq!(s, 200, "{done}");
    assert_eq!(done["accepted"], json!([]), "{done}");
    assert_eq!(done["refused"][0]["code"], "skipped", "{done}");
    assert_eq!(photos_of(&server, id, "Bob Ray").await, before);

    // Added as another photo it needs a label of its own, as in the CSV.
    let added = drop_file(&server, id, "Bob Ray.png", "", &noisy_png(40, 5)).await;
    for (label, code) in [
        (json!(null), "label_needed"),
        (json!(" 1986 "), "label_taken"),
    ] {
        let body = json!({"file": "Bob Ray.png", "choice": "add", "label": label});
        let (s, refused) = choose(&server, &added, body).await;
        assert_eq!(
            (s, refused["error"].as_str()),
            (422, Some(code)),
            "{refused}"
        );
    }
    let (s, done) = choose(
        &server,
        &added,
        json!({"file": "Bob Ray.png", "choice": "add", "label": "25th reunion"}),
    )
    .await;
    assert_eq!(s, 200, "{done}");
    assert_eq!(done["accepted"][0]["person"], bob, "{done}");
    assert_eq!(
        labels(&photos_of(&server, id, "Bob Ray").await),
        ["1986", "25th reunion"]
    );

    // A label the class spells otherwise is stored in the class's spelling.
    let cased = drop_file(
        &server,
        id,
        "25TH REUNION/Bob Ray.png",
        "25TH REUNION",
        &noisy_png(40, 6),
    )
    .await;
    assert_eq!(
        cased["accepted"][0]["ask"]["replace_label"], "25th reunion",
        "{cased}"
    );
    let (s, _) = choose(
        &server,
        &cased,
        json!({"file": "Bob Ray.png", "choice": "replace"}),
    )
    .await;
    assert_eq!(s, 200);
    let now = photos_of(&server, id, "Bob Ray").await;
    assert_eq!(labels(&now), ["1986", "25th reunion"]);
    assert_eq!(now[0], before[0]);
}

#[tokio::test]
async fn an_open_question_survives_kill_9_and_is_answered_after() {
    let server = TestServer::builder().start();
    let id = reunion_with(&server, "Class of 1986", &[("Cy Dunn", "f", Some(2))]).await;
    let before = photos_of(&server, id, "Cy Dunn").await;
    let asked = drop_file(&server, id, "Cy Dunn (1986).png", "", &noisy_png(40, 7)).await;
    assert_eq!(
        asked["accepted"][0]["ask"]["choices"],
        json!(["replace", "skip"])
    );
    let server = server.restart_after_kill9();
    let (s, list) = server
        .get_json(&format!("/api/organise/reunions/{id}/uploads"))
        .await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(
        list["uploads"][0]["accepted"][0]["ask"]["choices"],
        json!(["replace", "skip"]),
        "{list}"
    );
    let (s, done) = choose(
        &server,
        &asked,
        json!({"file": "Cy Dunn (1986).png", "choice": "replace"}),
    )
    .await;
    assert_eq!(s, 200, "{done}");
    let after = photos_of(&server, id, "Cy Dunn").await;
    assert_eq!(labels(&after), ["1986"]);
    assert_ne!(after, before);
}

#[tokio::test]
async fn a_scan_for_someone_there_resumes_after_a_dropped_chunk_and_joins_them() {
    let server = TestServer::builder().in_process().start();
    let id = reunion_with(&server, "Class of 1986", &[("Di Eck", "f", Some(3))]).await;
    let di = person_named(&server, id, "Di Eck").await["id"].clone();
    let bytes = noisy_png(700, 8);
    let mib = 1024 * 1024;
    assert!(bytes.len() > mib);
    let (s, created) = server
        .post_json(
            &format!("/api/organise/reunions/{id}/uploads"),
            &json!({"name": "1983/Di Eck.png", "size": bytes.len(), "label": "1983"}),
        )
        .await;
    assert_eq!(s, 201, "{created}");
    let path = format!("/api/organise/uploads/{}", created["id"].as_str().unwrap());
    let send = |offset: usize, chunk: Vec<u8>| {
        server
            .http
            .patch(server.url(&path))
            .header("Upload-Offset", offset.to_string())
            .body(chunk)
            .send()
    };
    let r = send(0, bytes[..mib].to_vec()).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // The answer was lost: the browser sends the first chunk again.
    let (s, again) = status_and_json(send(0, bytes[..mib].to_vec()).await.unwrap()).await;
    assert_eq!(
        (s, again["offset"].as_u64()),
        (409, Some(mib as u64)),
        "{again}"
    );
    let (s, done) = status_and_json(send(mib, bytes[mib..].to_vec()).await.unwrap()).await;
    assert_eq!(s, 200, "{done}");
    assert_eq!(done["accepted"][0]["person"], di, "{done}");
    assert_eq!(
        labels(&photos_of(&server, id, "Di Eck").await),
        ["1986", "1983"]
    );
}

#[tokio::test]
async fn a_seventeenth_photo_is_refused_with_what_to_do() {
    let server = TestServer::builder().in_process().start();
    let id = reunion_with(&server, "Class of 1986", &[("Eve Fox", "f", Some(4))]).await;
    for n in 1..16u32 {
        let name = format!("Eve Fox (19{n:02}).png");
        let done = drop_file(&server, id, &name, "", &noisy_png(20, 100 + n)).await;
        assert!(done["accepted"][0]["person"].is_u64(), "{done}");
    }
    assert_eq!(photos_of(&server, id, "Eve Fox").await.len(), 16);
    let done = drop_file(&server, id, "Eve Fox (1999).png", "", &noisy_png(20, 99)).await;
    assert_eq!(done["refused"][0]["code"], "too_many_photos", "{done}");
    assert_eq!(
        done["refused"][0]["message"],
        "Eve Fox has 16 photos already, the most a person may have: replace one of them \
         in the table instead."
    );
    // In the organiser's language, the same code.
    let upload = done["id"].as_str().unwrap();
    let (_, de) = server
        .get_json(&format!("/api/organise/uploads/{upload}?lang=de"))
        .await;
    assert_eq!(de["refused"][0]["code"], "too_many_photos", "{de}");
    assert_eq!(
        de["refused"][0]["message"],
        "Eve Fox hat schon 16 Fotos, mehr darf eine Person nicht haben: ersetze \
         stattdessen eines davon in der Tabelle."
    );
    assert_eq!(photos_of(&server, id, "Eve Fox").await.len(), 16);
}

#[tokio::test]
async fn a_photo_put_at_the_next_free_place_adds_a_phone_sized_photo() {
    let server = TestServer::builder().in_process().start();
    let id = reunion_with(&server, "Class of 1986", &[("Gus Hay", "m", None)]).await;
    let pid = person_named(&server, id, "Gus Hay").await["id"]
        .as_u64()
        .unwrap();
    let put = |idx: u32, query: &str, body: Vec<u8>| {
        server
            .http
            .put(server.url(&format!(
                "/api/organise/reunions/{id}/people/{pid}/photos/{idx}{query}"
            )))
            .body(body)
            .send()
    };
    // Far over the 64 KiB a JSON body may have.
    let big = noisy_png(1000, 5);
    assert!(big.len() > 1024 * 1024, "{} bytes", big.len());
    // A gap is no place: only the next free one adds.
    let (s, r) = status_and_json(put(1, "", big.clone()).await.unwrap()).await;
    assert_eq!(s, 400, "{r}");
    let (s, r) = status_and_json(put(0, "?label=1986", big.clone()).await.unwrap()).await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(labels(&photos_of(&server, id, "Gus Hay").await), ["1986"]);
    // Not an image: refused in the uploads' words, nothing added.
    let (s, r) = status_and_json(put(1, "", b"not a photo".to_vec()).await.unwrap()).await;
    assert_eq!(s, 422, "{r}");
    assert_eq!(photos_of(&server, id, "Gus Hay").await.len(), 1);
}
