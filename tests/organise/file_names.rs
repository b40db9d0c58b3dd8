//! One reading of a photo's file name everywhere: a name of only marks or
//! only a label (`--`, `(1983)`) names nobody, in the name-list preview
//! and in uploads; and "at most 16 photos a person" holds for a roster zip
//! as for "Add a person".

use super::*;

/// A small real PNG, different for each `seed`.
fn png(seed: u32) -> Vec<u8> {
    let img = image::GrayImage::from_fn(40, 50, |x, y| image::Luma([(x * 3 + y + seed) as u8]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

#[tokio::test]
async fn a_file_name_of_only_marks_or_a_label_names_nobody_in_the_preview() {
    let server = TestServer::builder().in_process().start();
    let (status, plan) = server
        .post_json(
            "/api/organise/namelist/preview",
            &json!({"list": "name\nBob Bell\n", "files": ["(1983).png", "-- .png", "Bob Bell.png"]}),
        )
        .await;
    assert_eq!(status, 200, "{plan}");
    let names: Vec<&str> = plan["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Bob Bell"], "{plan}");
    let said = plan.to_string();
    for file in ["(1983).png", "-- .png"] {
        assert!(
            said.contains(&format!("skipped '{file}': the file name gives no name")),
            "{file}: {plan}"
        );
    }
}

#[tokio::test]
async fn an_upload_whose_name_is_only_marks_or_a_label_is_refused_no_name() {
    let server = TestServer::builder().in_process().start();
    let (status, event) = server
        .post_json("/api/organise/reunions", &json!({"title": "Names"}))
        .await;
    assert_eq!(status, 201, "{event}");
    let id = event["id"].as_u64().unwrap();
    let bytes = png(0);
    for file in ["(1983).png", "-- .png", "....jpg"] {
        let done = super::cap::upload_whole(&server, id, file, bytes.clone()).await;
        assert_eq!(done["accepted"], json!([]), "{file}: {done}");
        assert_eq!(done["refused"][0]["code"], "no_name", "{file}: {done}");
    }
    let (_, shown) = server
        .get_json(&format!("/api/organise/reunions/{id}"))
        .await;
    assert_eq!(shown["people"], json!([]), "nobody added: {shown}");
}

#[tokio::test]
async fn a_roster_zip_with_more_than_16_photos_of_one_person_makes_no_event() {
    let server = TestServer::builder().in_process().start();
    let mut csv = String::from("name,photo,label\n");
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for (i, name) in ["Ann", "Bea", "Cy", "Di"].iter().enumerate() {
        csv.push_str(&format!("{name},{name}.png,\n"));
        files.push((format!("{name}.png"), png(100 + i as u32)));
    }
    for i in 0..17 {
        csv.push_str(&format!("Many,m{i}.png,{}\n", 1970 + i));
        files.push((format!("m{i}.png"), png(i)));
    }
    files.push(("roster.csv".into(), csv.into_bytes()));
    let files: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let (status, v) = status_and_json(
        server
            .http
            .post(server.url("/api/organise/reunions/from-roster?title=Many"))
            .body(zip_of(&files))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_refused(status, &v, 422, "roster_problems");
    assert!(
        v["problems"].to_string().contains("at most 16 photos"),
        "{v}"
    );
    let (_, list) = server.get_json("/api/organise/reunions").await;
    assert_eq!(list["reunions"], json!([]), "{list}");
}
