//! Organiser pages refuse to be framed by another site: in loopback mode
//! such a frame would be the live editor, open to clickjacking.

use super::*;

/// The two headers that keep a page out of frames, as answered for `path`.
async fn framing(server: &TestServer, path: &str) -> (u16, String, String) {
    let r = no_redirect_client()
        .get(server.url(path))
        .send()
        .await
        .unwrap();
    (
        r.status().as_u16(),
        header(&r, "x-frame-options"),
        header(&r, "content-security-policy"),
    )
}

#[tokio::test]
async fn every_organiser_page_refuses_to_be_framed() {
    // Loopback without a password (the local user organises), under a base path.
    let server = TestServer::builder()
        .base_path("/r/1986")
        .in_process()
        .start();
    let (status, event) = server
        .post_json("/api/organise/reunions", &json!({"title": "Framed"}))
        .await;
    assert_eq!(status, 201, "{event}");
    let id = event["id"].as_u64().unwrap();
    let (status, invite) = server
        .post_json(&format!("/api/organise/reunions/{id}/invites"), &json!({}))
        .await;
    assert_eq!(status, 201, "{invite}");
    let token = invite["url"].as_str().unwrap().rsplit('/').next().unwrap();
    for path in [
        "/organise".to_string(),
        format!("/organise/reunions/{id}"),
        format!("/organise/reunions/{id}/upload"),
        format!("/organise/invite/{token}"),
        "/organise/reunions/999".to_string(),
    ] {
        let (status, xfo, csp) = framing(&server, &path).await;
        assert!(status < 500, "{path}: {status}");
        assert_eq!(xfo, "DENY", "{path}");
        assert_eq!(csp, "frame-ancestors 'none'", "{path}");
    }
    // The guests' pages are not the organiser's: unchanged.
    let (_, xfo, _) = framing(&server, "/join").await;
    assert_eq!(xfo, "", "/join");

    // The password form too.
    let server = password_server();
    let (status, xfo, csp) = framing(&server, "/organise").await;
    assert_eq!(
        (status, xfo.as_str(), csp.as_str()),
        (401, "DENY", "frame-ancestors 'none'")
    );
}
