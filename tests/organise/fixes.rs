//! What the review of issue 20 found, on the real server: who counts as
//! the local user (a loopback `Host`, no proxy), the venue's laptop, and
//! small API edges (versions, no-op changes, path parameters).

use super::*;

/// `method path` on `server` with extra headers; status and JSON.
pub(crate) async fn with_headers(
    server: &TestServer,
    method: reqwest::Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = server.http.request(method, server.url(path));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    if let Some(body) = body {
        req = req.json(&body);
    }
    status_and_json(req.send().await.unwrap()).await
}

/// The `host:port` part of the server's origin.
fn port_of(origin: &str) -> &str {
    origin.rsplit(':').next().unwrap()
}

#[tokio::test]
async fn on_loopback_a_rebound_host_name_is_a_guest_not_the_organiser() {
    let server = TestServer::builder().in_process().start();
    let port = port_of(server.origin()).to_string();
    let evil = format!("rebind.evil.example:{port}");
    let evil_origin = format!("http://{evil}");
    // What a page on evil.example sends once its DNS name points at
    // 127.0.0.1: its own name as Host and as Origin.
    let (status, v) = with_headers(
        &server,
        reqwest::Method::POST,
        "/api/organise/reunions",
        &[("Host", &evil), ("Origin", &evil_origin)],
        Some(json!({"title": "made by rebinding"})),
    )
    .await;
    assert_refused(status, &v, 401, "organiser_only");
    assert!(
        !v["message"].as_str().unwrap().contains("log in"),
        "no login on this server: {v}"
    );
    let (status, v) = with_headers(
        &server,
        reqwest::Method::GET,
        "/api/organise/reunions",
        &[("Host", &evil)],
        None,
    )
    .await;
    assert_eq!(status, 401, "{v}");
    let page = server
        .http
        .get(server.url("/organise"))
        .header("Host", &evil)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 401);
    let html = page.text().await.unwrap();
    assert!(!html.contains("Your events"), "{html}");
    assert!(html.contains("127.0.0.1"), "says where it opens: {html}");
    // Every loopback name of this computer is the local user.
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("127.0.0.2:{port}"),
        format!("[::1]:{port}"),
    ] {
        let (status, v) = with_headers(
            &server,
            reqwest::Method::GET,
            "/api/organise/whoami",
            &[("Host", &host)],
            None,
        )
        .await;
        assert_eq!(status, 200, "{host}: {v}");
    }
    let (_, list) = server.get_json("/api/organise/reunions").await;
    assert_eq!(list["reunions"], json!([]), "nothing was made: {list}");
}

#[tokio::test]
async fn on_loopback_a_request_through_a_proxy_is_a_guest_not_the_organiser() {
    // A proxy on this computer that the server was not told to trust.
    let server = TestServer::builder().in_process().start();
    for (name, value) in [
        ("X-Forwarded-For", "203.0.113.9"),
        ("Forwarded", "for=203.0.113.9"),
        ("X-Real-IP", "203.0.113.9"),
        ("Via", "1.1 nginx"),
    ] {
        let (status, v) = with_headers(
            &server,
            reqwest::Method::GET,
            "/api/organise/reunions",
            &[(name, value)],
            None,
        )
        .await;
        assert_eq!(
            (status, v["error"].as_str()),
            (401, Some("organiser_only")),
            "{name}: {v}"
        );
        let (status, v) = with_headers(
            &server,
            reqwest::Method::POST,
            "/api/organise/reunions",
            &[(name, value)],
            Some(json!({"title": "from the internet"})),
        )
        .await;
        assert_eq!(status, 401, "{name}: {v}");
    }
    assert_eq!(whoami(&server, None).await.0, 200, "without them: local");
}

#[tokio::test]
async fn at_the_venue_the_laptops_own_browser_organises_and_hosts_and_nobody_else() {
    // `--addr 0.0.0.0` without a password: phones join over Wi-Fi.
    let server = public_server();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let url = |path: &str| format!("{}{path}", server.origin);
    let send = |method: reqwest::Method, path: &str, headers: &[(&str, String)], body: Value| {
        let mut req = http.request(method, url(path)).json(&body);
        for (k, v) in headers {
            req = req.header(*k, v);
        }
        async move { status_and_json(req.send().await.unwrap()).await }
    };
    let post = reqwest::Method::POST;
    // The laptop's own browser at 127.0.0.1.
    let (status, r) = send(
        post.clone(),
        "/api/organise/reunions",
        &[],
        json!({"title": "Venue High"}),
    )
    .await;
    assert_eq!(status, 201, "{r}");
    let id = r["id"].as_u64().unwrap();
    for (i, name) in ["Ann Venue", "Bea Venue", "Cid Venue", "Dot Venue"]
        .iter()
        .enumerate()
    {
        let body = json!({"name": name, "gender": "f",
            "photos": [{"label": "1986", "data": portrait_b64(i)}]});
        let (status, p) = send(
            post.clone(),
            &format!("/api/organise/reunions/{id}/people"),
            &[],
            body,
        )
        .await;
        assert_eq!(status, 201, "{p}");
    }
    let page = fetch(&http, url(&format!("/organise/reunions/{id}"))).await;
    assert_eq!(page.status().as_u16(), 200);
    let (status, room) = send(post.clone(), "/api/rooms", &[], json!({"reunion": id})).await;
    assert_eq!(status, 201, "the laptop hosts the event's game: {room}");

    // Anyone else: a phone on the Wi-Fi (the LAN address as Host), or a
    // proxy's request.
    let port = port_of(&server.origin).to_string();
    for headers in [
        vec![("Host", format!("192.168.1.20:{port}"))],
        vec![("X-Forwarded-For", "192.168.1.33".to_string())],
    ] {
        let (status, v) = send(
            reqwest::Method::GET,
            "/api/organise/whoami",
            &headers,
            json!(null),
        )
        .await;
        assert_eq!(
            (status, v["error"].as_str()),
            (403, Some("organiser_closed")),
            "{headers:?} {v}"
        );
        let (status, v) = send(post.clone(), "/api/rooms", &headers, json!({"reunion": id})).await;
        assert_eq!(
            (status, v["error"].as_str()),
            (403, Some("organiser_closed")),
            "{headers:?} {v}"
        );
        let message = v["message"].as_str().unwrap();
        assert!(message.contains("--admin-password"), "{message}");
        assert!(
            !message.contains("log in at"),
            "there is no login: {message}"
        );
        let mut req = http.get(url("/organise"));
        for (k, v) in &headers {
            req = req.header(*k, v);
        }
        let page = req.send().await.unwrap();
        assert_eq!(page.status().as_u16(), 403, "{headers:?}");
        let html = page.text().await.unwrap();
        assert!(html.contains("--admin-password"), "{html}");
    }
}

#[tokio::test]
async fn a_version_past_u32_is_refused_not_taken_as_the_current_one() {
    let server = TestServer::builder().in_process().start();
    let id = reunion_with(&server, "Versions High", &[("Ann Archer", "f", None)]).await;
    let ann = person_named(&server, id, "Ann Archer").await;
    let version = ann["version"].as_u64().unwrap();
    let path = format!("/api/organise/reunions/{id}/people/{}", ann["id"]);
    // 2^32 + the current version: cut to 32 bits it would be current.
    let (status, v) = send_json(
        &server,
        reqwest::Method::PATCH,
        &path,
        &json!({"version": (1u64 << 32) + version, "name": "Ann Changed"}),
    )
    .await;
    assert_refused(status, &v, 400, "bad_request");
    let ann = person_named(&server, id, "Ann Archer").await;
    assert_eq!(
        ann["version"].as_u64(),
        Some(version),
        "nothing saved: {ann}"
    );
}

#[tokio::test]
async fn a_change_that_changes_nothing_writes_nothing() {
    let server = TestServer::builder().in_process().start();
    let id = reunion_with(&server, "Quiet High", &[("Ann Archer", "f", None)]).await;
    let ann = person_named(&server, id, "Ann Archer").await;
    let path = format!("/api/organise/reunions/{id}/people/{}", ann["id"]);
    for body in [
        json!({"version": ann["version"]}),
        json!({"version": ann["version"], "name": "Ann Archer", "gender": "f",
            "included": ann["included"], "by": "Tom"}),
    ] {
        let (status, v) = send_json(&server, reqwest::Method::PATCH, &path, &body).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["person"]["version"], ann["version"], "{body}: {v}");
        assert_eq!(v["person"]["updated_by"], ann["updated_by"], "{body}: {v}");
    }
    let now = person_named(&server, id, "Ann Archer").await;
    assert_eq!(
        (&now["version"], &now["updated_at"]),
        (&ann["version"], &ann["updated_at"]),
        "{now}"
    );
}

#[tokio::test]
async fn path_parameters_that_are_not_numbers_answer_the_json_404() {
    let server = TestServer::builder().in_process().start();
    let id = reunion_with(&server, "Paths High", &[("Ann Archer", "f", None)]).await;
    for (method, path) in [
        (
            reqwest::Method::GET,
            "/api/organise/reunions/99999999999".to_string(),
        ),
        (
            reqwest::Method::GET,
            "/api/organise/reunions/abc".to_string(),
        ),
        (
            reqwest::Method::PATCH,
            format!("/api/organise/reunions/{id}/people/x"),
        ),
        (
            reqwest::Method::POST,
            format!("/api/organise/reunions/{id}/people/1/photos/-1/rotate"),
        ),
        (
            reqwest::Method::GET,
            "/api/organise/reunions/x/uploads".to_string(),
        ),
    ] {
        let r = server
            .http
            .request(method.clone(), server.url(&path))
            .json(&json!({"version": 1}))
            .send()
            .await
            .unwrap();
        assert!(
            header(&r, "content-type").starts_with("application/json"),
            "{method} {path}"
        );
        let (status, v) = status_and_json(r).await;
        assert_eq!(
            (status, v["error"].as_str()),
            (404, Some("not_found")),
            "{method} {path}: {v}"
        );
        assert!(v["message"].is_string(), "{v}");
    }
}

/// The people's photo counts of event `id`, by name.
async fn photo_counts(server: &TestServer, id: u64) -> Vec<(String, usize)> {
    people_of(server, id)
        .await
        .iter()
        .map(|p| {
            let n = p["photos"].as_array().map_or(0, Vec::len);
            (p["name"].as_str().unwrap().to_string(), n)
        })
        .collect()
}

#[tokio::test]
async fn a_restart_reads_a_stored_photo_only_when_its_cached_variants_are_missing() {
    let server = TestServer::start();
    let id = reunion_with(
        &server,
        "Restart High",
        &[("Ann Archer", "f", Some(0)), ("Bea Archer", "f", Some(1))],
    )
    .await;
    let before = photo_counts(&server, id).await;
    assert_eq!(before, [("Ann Archer".into(), 1), ("Bea Archer".into(), 1)]);
    let ann = person_named(&server, id, "Ann Archer").await;
    let thumb = server
        .fetch_bytes(ann["photos"][0]["thumb"].as_str().unwrap())
        .await;
    // The sources in the database made unreadable: a start that still
    // decoded every stored photo would lose both; one that asks the photo
    // cache first (it has their variants) never reads them.
    let db = server.db_path();
    let server = server.restart_after_kill9_then(|_| {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let changed = conn
            .execute("UPDATE reunion_photos SET bytes = x'00'", [])
            .unwrap();
        assert_eq!(changed, 2);
    });
    assert_eq!(photo_counts(&server, id).await, before);
    let ann = person_named(&server, id, "Ann Archer").await;
    let again = server
        .fetch_bytes(ann["photos"][0]["thumb"].as_str().unwrap())
        .await;
    assert_eq!(again, thumb, "the cached thumbnail");

    // A cache that lost Bea's variants: her source is read (and here it
    // is unreadable, so she has no photo); Ann's still come from the cache.
    let cache = yearbook::roster::photos::cache_dir_for(&db);
    let bea_sha: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT p.sha FROM reunion_photos p JOIN reunion_people e
             ON e.reunion = p.reunion AND e.id = p.person WHERE e.name = 'Bea Archer'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let server = server.restart_after_kill9_then(|_| {
        let mut removed = 0;
        for entry in std::fs::read_dir(&cache).unwrap().flatten() {
            if entry.file_name().to_string_lossy().starts_with(&bea_sha) {
                std::fs::remove_file(entry.path()).unwrap();
                removed += 1;
            }
        }
        assert_eq!(removed, 2, "Bea's thumb and photo");
    });
    assert_eq!(
        photo_counts(&server, id).await,
        [("Ann Archer".into(), 1), ("Bea Archer".into(), 0)]
    );
}

#[tokio::test]
async fn a_co_organisers_cookie_opens_nothing_on_a_closed_server() {
    // Invited on the laptop (loopback, no password)…
    let server = TestServer::start();
    let id = reunion_with(&server, "Invited High", &[]).await;
    let (status, invite) = server
        .post_json(&format!("/api/organise/reunions/{id}/invites"), &json!({}))
        .await;
    assert_eq!(status, 201, "{invite}");
    let url = invite["url"].as_str().unwrap().to_string();
    let r = no_redirect_client().post(&url).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let co = organiser_cookie(&r);
    // …the same database later served on 0.0.0.0 without a password: a
    // phone holding that cookie is nobody.
    let server = public_server_in(server.shut_down());
    let port = port_of(&server.origin).to_string();
    let http = reqwest::Client::new();
    let r = http
        .get(format!("{}/api/organise/reunions/{id}", server.origin))
        .header("Cookie", &co)
        .header("Host", format!("192.168.1.20:{port}"))
        .send()
        .await
        .unwrap();
    let (status, v) = status_and_json(r).await;
    assert_refused(status, &v, 403, "organiser_closed");
}
