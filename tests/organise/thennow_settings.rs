//! Then & now per event (issue 21): the organiser switches it off (a room
//! keeps the setting it was made with) and chooses how many days guests'
//! photos of today are kept; the built-in class by `--then-now` and
//! `--today-keep-days`. The phone, the API and the socket all follow.

use super::*;

/// `PATCH /api/organise/reunions/{id}` by the local organiser.
async fn patch_event(server: &TestServer, id: u64, body: Value) -> (u16, Value) {
    let r = server
        .http
        .patch(server.url(&format!("/api/organise/reunions/{id}")))
        .json(&body)
        .send()
        .await
        .unwrap();
    status_and_json(r).await
}

/// A phone's `PUT` of a photo of today; status and answer.
async fn put_today(server: &TestServer, code: &str, token: &str) -> (u16, Value) {
    let r = server
        .http
        .put(server.url(&format!("/api/rooms/{code}/today")))
        .bearer_auth(token)
        .body(noisy_png(64, 3))
        .send()
        .await
        .unwrap();
    status_and_json(r).await
}

/// `GET` of a room's today API (the guest's own, or the host's list).
async fn get_today(server: &TestServer, code: &str, path: &str, bearer: &str) -> (u16, Value) {
    let r = server
        .http
        .get(server.url(&format!("/api/rooms/{code}/{path}")))
        .bearer_auth(bearer)
        .send()
        .await
        .unwrap();
    status_and_json(r).await
}

/// A page's HTML.
async fn page(server: &TestServer, path: &str) -> String {
    let r = server.get(path).await;
    assert_eq!(r.status().as_u16(), 200, "{path}");
    r.text().await.unwrap()
}

/// The phone's "I'm…" search in a room: what came back.
async fn search(phone: &mut TestClient) -> Value {
    phone
        .send(json!({"type": "find_classmate", "query": "arch"}))
        .await;
    phone.recv_significant().await
}

/// Asserts a refusal says then & now is off, in a sentence.
fn assert_off(what: &str, (status, v): (u16, Value), want_status: u16) {
    assert_eq!(
        (status, v["error"].as_str()),
        (want_status, Some("then_now_off")),
        "{what}: {v}"
    );
    let said = v["message"].as_str().unwrap_or_default();
    assert!(said.contains("switched off"), "{what}: {said}");
}

/// What a room in a state of then & now looks like to a guest and a host.
async fn assert_room_has_then_now(
    server: &TestServer,
    (code, key): (&str, &str),
    guest: &str,
    on: bool,
) {
    let (_, info) = server.get_json(&format!("/api/rooms/{code}")).await;
    assert_eq!(info["then_now"]["on"], on, "{info}");
    let join_page = page(server, &format!("/join/{code}")).await;
    let want = if on { "on" } else { "off" };
    assert!(
        join_page.contains(&format!("data-then-now=\"{want}\"")),
        "{join_page}"
    );
    for box_id in ["claim-box", "today-box"] {
        let hidden = format!("id=\"{box_id}\" class=\"claim-box stack\" hidden");
        assert_eq!(join_page.contains(&hidden), !on, "{box_id}: {join_page}");
    }
    let host_page = page(server, &format!("/host/{code}")).await;
    assert!(
        host_page.contains(&format!("data-then-now=\"{want}\"")),
        "{host_page}"
    );
    let (mut phone, welcome) = join(server, code, guest).await;
    let token = welcome["token"].as_str().unwrap();
    let found = search(&mut phone).await;
    let put = put_today(server, code, token).await;
    if on {
        assert_eq!(found["type"], "classmates", "{found}");
        assert_eq!(put.0, 200, "{}", put.1);
        let listed = get_today(server, code, "today-photos", key).await;
        assert_eq!((listed.0, &listed.1["count"]), (200, &json!(1)));
        return;
    }
    assert_eq!(
        (found["type"].as_str(), found["code"].as_str()),
        (Some("error"), Some("then_now_off")),
        "{found}"
    );
    phone.send(json!({"type": "claim", "person": 0})).await;
    assert_eq!(phone.recv_error().await, "then_now_off");
    assert_off("the guest's photo", put, 403);
    assert_off(
        "the guest's own",
        get_today(server, code, "today", token).await,
        403,
    );
    assert_off(
        "the host's list",
        get_today(server, code, "today-photos", key).await,
        403,
    );
    let mut host = connect_host(server, code, key).await;
    host.send(json!({"type": "decide_claim", "player_id": welcome["player_id"], "give": true}))
        .await;
    assert_eq!(host.recv_error().await, "then_now_off");
    // Taking back is always allowed: deleting one's photo answers as ever.
    let r = server
        .http
        .delete(server.url(&format!("/api/rooms/{code}/today")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 204);
}

#[tokio::test]
async fn an_event_switched_off_has_no_then_and_now_in_new_rooms_and_running_ones_keep_it() {
    let server = TestServer::builder().in_process().start();
    let a = reunion_with(&server, "Archer High 1986", &CLASS_A).await;
    let (_, shown) = server
        .get_json(&format!("/api/organise/reunions/{a}"))
        .await;
    assert_eq!(shown["reunion"]["then_now"], true, "on by default: {shown}");
    let running = create_room(&server, json!({"reunion": a})).await;
    let running = (running.0.as_str(), running.1.as_str());

    let (status, v) = patch_event(&server, a, json!({"then_now": false})).await;
    assert_eq!(
        (status, &v["reunion"]["then_now"]),
        (200, &json!(false)),
        "{v}"
    );
    let off = create_room(&server, json!({"reunion": a})).await;
    let off = (off.0.as_str(), off.1.as_str());
    assert_room_has_then_now(&server, off, "Ann", false).await;
    // The game already running when it was switched off goes on as it was.
    assert_room_has_then_now(&server, running, "Ann", true).await;

    let (status, v) = patch_event(&server, a, json!({"then_now": true})).await;
    assert_eq!(
        (status, &v["reunion"]["then_now"]),
        (200, &json!(true)),
        "{v}"
    );
    let (on, on_key) = create_room(&server, json!({"reunion": a})).await;
    assert_room_has_then_now(&server, (&on, &on_key), "Ann", true).await;
    assert_room_has_then_now(&server, off, "Bob", false).await;
}

#[tokio::test]
async fn the_built_in_class_follows_the_then_now_flag() {
    let off = TestServer::builder()
        .arg("--then-now")
        .arg("off")
        .in_process()
        .start();
    let (code, key) = create_room(&off, json!({})).await;
    assert_room_has_then_now(&off, (&code, &key), "Ann", false).await;
    // An event of that server has its own setting: on by default.
    let a = reunion_with(&off, "Archer High 1986", &CLASS_A).await;
    let (code, key) = create_room(&off, json!({"reunion": a})).await;
    assert_room_has_then_now(&off, (&code, &key), "Ann", true).await;

    let on = TestServer::builder().in_process().start();
    let (code, key) = create_room(&on, json!({})).await;
    assert_room_has_then_now(&on, (&code, &key), "Ann", true).await;
}

#[tokio::test]
async fn the_days_to_keep_photos_of_today_are_a_whole_number_from_1_to_365() {
    let server = TestServer::builder().in_process().start();
    let a = reunion_with(&server, "Archer High 1986", &CLASS_A).await;
    let (_, shown) = server
        .get_json(&format!("/api/organise/reunions/{a}"))
        .await;
    assert_eq!(shown["reunion"]["today_keep_days"], 30, "{shown}");
    for bad in [
        json!(0),
        json!(366),
        json!(2.5),
        json!("ten"),
        json!(-3),
        json!(null),
    ] {
        let (status, v) = patch_event(&server, a, json!({"today_keep_days": bad})).await;
        assert_eq!(
            (status, v["error"].as_str()),
            (400, Some("invalid")),
            "{bad}: {v}"
        );
        let said = v["message"].as_str().unwrap();
        assert!(said.contains("1 to 365 days"), "{said}");
    }
    for good in [1, 365, 7] {
        let (status, v) = patch_event(&server, a, json!({"today_keep_days": good})).await;
        assert_eq!(
            (status, &v["reunion"]["today_keep_days"]),
            (200, &json!(good))
        );
    }
    // The consent line on the phone says the event's number.
    let (code, _) = create_room(&server, json!({"reunion": a})).await;
    let html = page(&server, &format!("/join/{code}")).await;
    assert!(
        html.contains("at the latest after <span id=\"today-days\">7</span> days."),
        "{html}"
    );
    let (_, info) = server.get_json(&format!("/api/rooms/{code}")).await;
    assert_eq!(info["then_now"], json!({"on": true, "keep_days": 7}));
}

/// Retention by each event's own number of days (the built-in class's by
/// `--today-keep-days`), on the server's clock moved forward: the rows
/// leave the database file.
#[tokio::test]
async fn each_events_photos_of_today_are_deleted_after_its_own_days() {
    let server = TestServer::builder()
        .arg("--today-keep-days")
        .arg("3")
        .test_clock()
        .start();
    let a = reunion_with(&server, "Archer High 1986", &CLASS_A).await;
    let (status, v) = patch_event(&server, a, json!({"today_keep_days": 1})).await;
    assert_eq!(status, 200, "{v}");
    for body in [json!({}), json!({"reunion": a})] {
        let (code, _) = create_room(&server, body).await;
        let (_phone, welcome) = join(&server, &code, "Ann").await;
        let (status, urls) = put_today(&server, &code, welcome["token"].as_str().unwrap()).await;
        assert_eq!(status, 200, "{urls}");
    }
    let built_in_page = page(&server, "/join").await;
    assert!(
        built_in_page.contains("data-then-now=\"\""),
        "not known before joining"
    );

    let hour = Duration::from_secs(60 * 60);
    let a = u32::try_from(a).unwrap();
    assert_eq!(events_with_photos(&server, &[0, a]).await, [0, a]);
    server.skip(hour * 23);
    assert_eq!(
        events_with_photos(&server, &[0, a]).await,
        [0, a],
        "both kept a day"
    );
    server.skip(hour * 2);
    assert_eq!(events_with_photos(&server, &[0]).await, [0], "A's: 1 day");
    server.skip(hour * 46);
    assert_eq!(events_with_photos(&server, &[0]).await, [0], "ours: 3 days");
    server.skip(hour * 2);
    assert_eq!(events_with_photos(&server, &[]).await, Vec::<u32>::new());
}

/// The events that have photos of today in the database file, asked again
/// for a few seconds until they are `want` (the sweep runs beside the
/// request that moved the clock).
async fn events_with_photos(server: &TestServer, want: &[u32]) -> Vec<u32> {
    let db = rusqlite::Connection::open(server.db_path()).unwrap();
    let mut got = Vec::new();
    // The sweep runs when the skipped clock wakes it; a busy machine (the
    // class pages' tests framing faces beside it) may take seconds.
    for _ in 0..150 {
        got = db
            .prepare("SELECT DISTINCT reunion FROM today_photos ORDER BY reunion")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<Vec<u32>, _>>()
            .unwrap();
        if got == want {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    got
}
