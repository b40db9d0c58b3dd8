//! Nothing lost on the night: a reconnect storm, and a store that fails
//! mid-round (no vote is acknowledged that is not stored; the server keeps
//! answering).

mod common;

use std::time::{Duration, Instant};

use common::*;
use futures_util::future::join_all;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_phones_drop_and_resume_at_once_as_themselves() {
    let server = TestServer::start();
    let (code, key) = create_room(&server, json!({"rounds": 2, "seconds": 60})).await;
    let mut host = connect_host(&server, &code, &key).await;
    let joined = join_all((0..200).map(|i| {
        let (server, code) = (&server, &code);
        async move { join(server, code, &format!("phone {i}")).await }
    }))
    .await;
    let mut ids = Vec::new();
    let mut tokens = Vec::new();
    let mut clients = Vec::new();
    for (client, welcome) in joined {
        ids.push(welcome["player_id"].as_u64().unwrap());
        tokens.push(welcome["token"].as_str().unwrap().to_string());
        clients.push(client);
    }
    host.send(json!({"type": "start_round"})).await;
    host.recv_type("round").await;

    // Everybody drops at once…
    join_all(clients.into_iter().map(TestClient::close)).await;
    // …and comes back at once.
    let started = Instant::now();
    let back = join_all(tokens.iter().enumerate().map(|(i, token)| {
        let (server, code) = (&server, &code);
        async move { resume(server, code, token, &format!("back {i}")).await }
    }))
    .await;
    let took = started.elapsed();
    assert!(took < Duration::from_secs(10), "200 resumes took {took:?}");
    for (i, (client, welcome)) in back.iter().enumerate() {
        assert_eq!(welcome["player_id"].as_u64(), Some(ids[i]), "same player");
        assert_eq!(welcome["name"], format!("phone {i}"));
        assert_eq!(
            client.state["phase"], "question",
            "resumed into the open question"
        );
    }
    let (_, info) = server.get_json(&format!("/api/rooms/{code}")).await;
    assert_eq!(info["players"], 200, "no duplicates: {info}");
}

#[tokio::test]
async fn a_failing_store_acknowledges_nothing_and_the_server_keeps_answering() {
    let server = TestServer::start();
    let (code, key) = create_room(&server, json!({"rounds": 2, "seconds": 60})).await;
    let mut host = connect_host(&server, &code, &key).await;
    let (mut ann, _) = join(&server, &code, "Ann").await;
    let (mut bob, _) = join(&server, &code, "Bob").await;
    let (mut cy, _) = join(&server, &code, "Cy").await;
    host.send(json!({"type": "start_round"})).await;
    ann.recv_type("round").await;
    bob.recv_type("round").await;
    cy.recv_type("round").await;
    // Ann's vote is stored before the trouble starts.
    let ack = ann.vote(1, 0).await;
    assert_eq!(ack["type"], "vote_ack");

    // The database file disappears under the running server.
    let db = server.dir().join("t.db");
    std::fs::remove_file(&db).unwrap();
    let _ = std::fs::remove_file(server.dir().join("t.db-wal"));

    // A vote caught in flight is refused, not acknowledged.
    bob.send(json!({"type": "vote", "round": 1, "choice": 1}))
        .await;
    let reply = bob.recv_significant().await;
    assert_eq!(
        reply["type"], "error",
        "no ack for an unstored vote: {reply}"
    );
    assert_eq!(reply["code"], "storage_unavailable");

    // Health says so within a couple of seconds; the rest still answers.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let status = server.get("/healthz").await.status().as_u16();
        if status == 503 {
            break;
        }
        assert!(Instant::now() < deadline, "/healthz still {status}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (status, info) = server.get_json(&format!("/api/rooms/{code}")).await;
    assert_eq!(status, 200, "{info}");
    cy.send(json!({"type": "ping"})).await;
    assert_eq!(cy.recv_type("pong").await["type"], "pong");
    cy.send(json!({"type": "vote", "round": 1, "choice": 2}))
        .await;
    let reply = cy.recv_significant().await;
    assert_eq!(reply["code"], "storage_unavailable", "{reply}");
}
