//! Whole games over the real binary: host + phones through rounds, reveal,
//! scoring, game over, results.csv, reconnects and restarts.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::{Value, json};

/// Checks a `round` message (or the question part of a `state`).
fn check_round(v: &Value, round: u64, of: u64, seconds: u64, what: &str) {
    assert_eq!(v["round"], round, "{what}: round number: {v}");
    assert_eq!(v["of"], of, "{what}: `of`: {v}");
    // Either screen: a `round` goes to both; a `state` here may be either's.
    assert_pre_reveal_allowed(v, Roles::default(), what);
    let choices = v["choices"]
        .as_array()
        .unwrap_or_else(|| panic!("{what}: choices: {v}"));
    assert_eq!(choices.len(), 4, "{what}: four choices: {v}");
    match v["mode"].as_str() {
        Some("name_to_photo") => {
            assert!(v["prompt"]["name"].is_string(), "{what}: prompt.name: {v}");
            assert!(
                v["prompt"]["photo"].is_null(),
                "{what}: prompt has no photo: {v}"
            );
            for c in choices {
                assert!(
                    c["photo"].is_string() && c["thumb"].is_string(),
                    "{what}: choice photo/thumb: {c}"
                );
                assert!(
                    c["name"].is_null() && c["known_as"].is_null(),
                    "{what}: a photo choice must not name anyone: {c}"
                );
            }
        }
        Some("photo_to_name") => {
            assert!(
                v["prompt"]["photo"].is_string() && v["prompt"]["thumb"].is_string(),
                "{what}: prompt photo/thumb: {v}"
            );
            assert!(
                v["prompt"]["name"].is_null(),
                "{what}: a photo prompt must not name anyone: {v}"
            );
            for c in choices {
                assert!(c["name"].is_string(), "{what}: choice name: {c}");
            }
        }
        other => panic!("{what}: unexpected mode {other:?}: {v}"),
    }
    let remaining = v["remaining_ms"]
        .as_u64()
        .unwrap_or_else(|| panic!("{what}: remaining_ms: {v}"));
    assert!(
        remaining <= seconds * 1000,
        "{what}: remaining_ms {remaining} > limit {seconds}s"
    );
}

/// The host starts round `round` of `of`: reads it on the host and every
/// phone, checks they agree, returns the host's.
async fn start_round(
    host: &mut TestClient,
    phones: &mut [&mut TestClient],
    round: u64,
    of: u64,
    seconds: u64,
) -> Value {
    host.send(json!({"type":"start_round"})).await;
    let hr = host.recv_type("round").await;
    // Just started: nearly all of its time is left.
    let remaining = hr["remaining_ms"].as_u64().unwrap_or(0);
    assert!(
        remaining + 2000 > seconds * 1000,
        "a fresh {seconds} s round has {remaining} ms left: {hr}"
    );
    check_round(&hr, round, of, seconds, "host round");
    for p in phones.iter_mut() {
        let pr = p.recv_type("round").await;
        check_round(&pr, round, of, seconds, "phone round");
        assert_eq!(
            pr["prompt"], hr["prompt"],
            "phones and host see the same prompt"
        );
        assert_eq!(
            pr["choices"], hr["choices"],
            "phones and host see the same choices"
        );
        assert_eq!(pr["mode"], hr["mode"]);
    }
    hr
}

/// Waits until a `lobby` for the host satisfies `pred` on its `players`.
async fn host_lobby_until(
    host: &mut TestClient,
    what: &str,
    pred: impl Fn(&[Value]) -> bool,
) -> Value {
    let deadline = Instant::now() + RECV_TIMEOUT;
    let mut last = Value::Null;
    while Instant::now() < deadline {
        match host.next_within(Duration::from_millis(200)).await {
            Some(Incoming::Json(v)) if v["type"] == "lobby" => {
                let players = v["players"]
                    .as_array()
                    .unwrap_or_else(|| panic!("host lobby has players: {v}"));
                for p in players {
                    assert!(
                        !p["id"].is_null() && p["name"].is_string() && p["connected"].is_boolean(),
                        "lobby player {p}"
                    );
                }
                if pred(players) {
                    return v;
                }
                last = v;
            }
            Some(Incoming::Json(v)) => assert_ne!(v["type"], "error", "host got an error: {v}"),
            Some(Incoming::Closed(c)) => panic!("host socket closed: {c:?}"),
            None => {}
        }
    }
    panic!("host never got a lobby where {what}; last lobby: {last}");
}

fn player<'a>(players: &'a [Value], name: &str) -> Option<&'a Value> {
    players.iter().find(|p| p["name"] == name)
}

async fn room_phase(server: &TestServer, code: &str) -> String {
    let (st, v) = server.get_json(&format!("/api/rooms/{code}")).await;
    assert_eq!(st, 200, "GET /api/rooms/{code}: {v}");
    assert_eq!(v["code"], code);
    v["phase"]
        .as_str()
        .unwrap_or_else(|| panic!("phase in {v}"))
        .to_string()
}

/// Checks the `reveal` fields common to every receiver; returns counts.
fn check_reveal(
    v: &Value,
    round: u64,
    answer: usize,
    votes: &[Option<usize>],
    target: usize,
    what: &str,
) {
    assert_eq!(v["round"], round, "{what}: reveal round: {v}");
    assert_eq!(v["answer"], answer, "{what}: reveal answer: {v}");
    let mut tally = [0u64; 4];
    for c in votes.iter().flatten() {
        tally[*c] += 1;
    }
    assert_eq!(
        v["counts"],
        json!(tally),
        "{what}: counts match the votes cast: {v}"
    );
    assert_eq!(
        v["in_memoriam"], PEOPLE[target].in_memoriam,
        "{what}: in_memoriam for {}: {v}",
        PEOPLE[target].name
    );
    assert_eq!(
        v["name"], PEOPLE[target].name,
        "{what}: reveal.name is the right person: {v}"
    );
    assert_leaderboard_sorted(&v["leaderboard"]);
}

#[tokio::test]
async fn three_phones_play_three_rounds_to_game_over() {
    // The server's clock stands still: phones vote 1, 2 and 3 s in, as
    // the test skips, so every right answer's points are exact.
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().test_clock());
    let (code, key) = create_room(&server, json!({"rounds":3,"seconds":20})).await;

    let (st, room) = server.get_json(&format!("/api/rooms/{code}")).await;
    assert_eq!(st, 200);
    assert_eq!(room["code"], code.as_str(), "room summary: {room}");
    assert_eq!(room["phase"], "lobby");
    assert_eq!(room["players"], 0);
    let (st, body) = server.get_json("/api/rooms/ZZZZ").await;
    assert_eq!(st, 404, "unknown room code");
    assert!(
        body["error"].is_string() && body["message"].is_string(),
        "404 is a JSON error: {body}"
    );

    let mut host = connect_host(&server, &code, &key).await;
    assert_eq!(host.state["phase"], "lobby");
    assert_pre_reveal_allowed(&host.state, Roles::HOST, "lobby state");
    let settings = json!({"rounds":3,"seconds":20,"mode":"name_to_photo","include_memoriam":true});
    assert_eq!(
        host.state["code"],
        code.as_str(),
        "state.code: {}",
        host.state
    );
    assert_eq!(
        host.state["round"], 0,
        "state.round in the lobby: {}",
        host.state
    );
    assert_eq!(host.state["of"], 3, "state.of: {}", host.state);
    assert_fields(&host.state["settings"], &settings, "host state.settings");
    assert_eq!(
        host.state["players"],
        json!([]),
        "no players yet: {}",
        host.state
    );

    let names = ["Ann", "Bob", "Cy"];
    let mut phones = Vec::new();
    let mut ids = Vec::new();
    for n in names {
        let (c, w) = join(&server, &code, n).await;
        assert_eq!(w["name"], n, "welcome name");
        assert_eq!(w["score"], 0, "welcome score");
        assert!(
            w["token"].as_str().is_some_and(|t| !t.is_empty()),
            "welcome token: {w}"
        );
        assert!(
            w["player_id"].is_u64(),
            "welcome player_id is a number: {w}"
        );
        assert_eq!(w["code"], code.as_str(), "welcome.code: {w}");
        let s = &c.state;
        assert_eq!(s["phase"], "lobby", "phone state after join: {s}");
        assert_fields(&s["settings"], &settings, "phone state.settings");
        assert_eq!(s["count"], ids.len() as u64 + 1, "phone state.count: {s}");
        assert_eq!(s["you"]["player_id"], w["player_id"], "state.you: {s}");
        assert_eq!(s["you"]["name"], n, "state.you: {s}");
        assert_eq!(s["you"]["score"], 0, "state.you: {s}");
        assert!(
            s["players"].is_null(),
            "phones do not get the player list: {s}"
        );
        ids.push(w["player_id"].clone());
        phones.push(c);
    }
    assert!(
        ids[0] != ids[1] && ids[1] != ids[2] && ids[0] != ids[2],
        "distinct player ids: {ids:?}"
    );
    // `lobby` goes out at most every 200 ms: its next one is due then.
    server.skip(Duration::from_millis(200));
    let lobby = host_lobby_until(&mut host, "all three are connected", |ps| {
        ps.len() == 3
            && names
                .iter()
                .all(|n| player(ps, n).is_some_and(|p| p["connected"] == true))
    })
    .await;
    assert_eq!(lobby["count"], 3, "host lobby count: {lobby}");
    for (i, n) in names.iter().enumerate() {
        assert_eq!(
            player(lobby["players"].as_array().unwrap(), n).unwrap()["id"],
            ids[i],
            "lobby ids match welcome ids: {lobby}"
        );
    }
    let (_, room) = server.get_json(&format!("/api/rooms/{code}")).await;
    assert_eq!(room["players"], 3);

    let limit = Duration::from_secs(20);
    let mut scores = [0u64; 3];
    let mut right = [0u64; 3];
    let mut targets = Vec::new();
    for r in 1..=3u64 {
        let (p0, rest) = phones.split_at_mut(1);
        let (p1, p2) = rest.split_at_mut(1);
        let hr = start_round(
            &mut host,
            &mut [&mut p0[0], &mut p1[0], &mut p2[0]],
            r,
            3,
            20,
        )
        .await;
        let ans = answer_of(&server, &hr).await;
        let target = Roster::index_of(hr["prompt"]["name"].as_str().unwrap());
        assert!(
            !targets.contains(&target),
            "a person is asked once per game: {targets:?} + {target}"
        );
        targets.push(target);
        if r == 1 {
            assert_eq!(room_phase(&server, &code).await, "question");
        }
        if r == 2 {
            // The projector reloads mid-question: its state must redraw the
            // question without the answer.
            host.close().await;
            host = connect_host(&server, &code, &key).await;
            let s = &host.state;
            assert_eq!(s["phase"], "question", "host state mid-question: {s}");
            check_round(s, 2, 3, 20, "host state during a question");
            assert_eq!(s["prompt"], hr["prompt"]);
            assert_eq!(s["choices"], hr["choices"]);
        }

        // Phone i is right when i < r: round 1 only Ann, round 3 everyone.
        let votes: Vec<usize> = (0..3)
            .map(|i| if i < r as usize { ans } else { (ans + i) % 4 })
            .collect();
        for i in 0..3 {
            server.skip(Duration::from_secs(1));
            phones[i].vote(r, votes[i] as u64).await;
            if i == 0 {
                // The projector hears about it.
                loop {
                    let p = host.recv_type("progress").await;
                    assert_eq!(p["round"], r, "progress round: {p}");
                    assert_eq!(p["players"], 3, "progress players: {p}");
                    let a = p["answered"].as_u64().unwrap();
                    assert!(a <= 1, "only one vote so far: {p}");
                    if a == 1 {
                        break;
                    }
                }
            }
        }
        // Everyone connected has voted: voting closes now, at 3 s on the
        // server's clock, not at 20 s.
        let hrev = host.recv_type("reveal").await;
        let votes_opt: Vec<Option<usize>> = votes.iter().map(|&v| Some(v)).collect();
        check_reveal(&hrev, r, ans, &votes_opt, target, "host reveal");
        assert_eq!(hrev["players_voting"], 3, "reveal.players_voting: {hrev}");
        assert!(hrev["you"].is_null(), "the host gets no `you`: {hrev}");
        for i in 0..3 {
            let rev = phones[i].recv_type("reveal").await;
            check_reveal(&rev, r, ans, &votes_opt, target, names[i]);
            assert_eq!(rev["counts"], hrev["counts"]);
            assert_eq!(
                rev["leaderboard"], hrev["leaderboard"],
                "one leaderboard for all"
            );
            let you = &rev["you"];
            assert_eq!(you["choice"], votes[i], "{}: you.choice: {rev}", names[i]);
            let is_right = votes[i] == ans;
            assert_eq!(you["correct"], is_right, "{}: you.correct: {rev}", names[i]);
            let pts = you["points"]
                .as_u64()
                .unwrap_or_else(|| panic!("points: {rev}"));
            if is_right {
                // round(1000 × (1 − (i + 1) s / 20 s / 2))
                let elapsed = Duration::from_secs(i as u64 + 1);
                assert_eq!(pts, points_for(elapsed, limit), "{}: {rev}", names[i]);
                assert_eq!(pts, [975, 950, 925][i], "{}: {rev}", names[i]);
                right[i] += 1;
            } else {
                assert_eq!(pts, 0, "{}: a wrong answer scores 0", names[i]);
            }
            scores[i] += pts;
            assert_eq!(
                you["score"], scores[i],
                "{}: score accumulates: {rev}",
                names[i]
            );
            let entry = player(rev["leaderboard"].as_array().unwrap(), names[i])
                .unwrap_or_else(|| panic!("{} on the leaderboard: {rev}", names[i]));
            assert_eq!(
                entry["score"], scores[i],
                "leaderboard score of {}",
                names[i]
            );
            assert_eq!(
                entry["rank"], you["rank"],
                "you.rank matches the leaderboard for {}",
                names[i]
            );
        }
        if r == 1 {
            assert_eq!(room_phase(&server, &code).await, "reveal");
        }
    }
    assert!(
        scores[0] > scores[1] && scores[1] > scores[2],
        "3, 2 and 1 right answers: {scores:?}"
    );

    // After the last reveal, start_round ends the game.
    host.send(json!({"type":"start_round"})).await;
    let go = host.recv_type("game_over").await;
    let lb = go["leaderboard"].as_array().expect("game_over leaderboard");
    assert_eq!(lb.len(), 3, "the full leaderboard: {go}");
    assert_leaderboard_sorted(&go["leaderboard"]);
    for (i, e) in lb.iter().enumerate() {
        assert_eq!(e["name"], names[i], "final order: {go}");
        assert_eq!(e["score"], scores[i], "final score of {}", names[i]);
        assert_eq!(e["rank"], i as u64 + 1);
    }
    let stats = &go["stats"];
    assert!(
        stats.get("most_recognized").is_some() && stats.get("least_recognized").is_some(),
        "stats: {go}"
    );
    // Round 3's person was recognised by all three, round 1's by one.
    assert_eq!(
        stats["most_recognized"]["name"], PEOPLE[targets[2]].name,
        "most recognised: {stats}"
    );
    assert_eq!(
        stats["least_recognized"]["name"], PEOPLE[targets[0]].name,
        "least recognised: {stats}"
    );
    for (i, p) in phones.iter_mut().enumerate() {
        let g = p.recv_type("game_over").await;
        assert_eq!(g["leaderboard"], go["leaderboard"]);
        assert_eq!(
            g["you"]["score"], scores[i],
            "{}: game_over.you: {g}",
            names[i]
        );
        assert_eq!(
            g["you"]["rank"],
            i as u64 + 1,
            "{}: game_over.you: {g}",
            names[i]
        );
    }
    assert_eq!(room_phase(&server, &code).await, "over");

    // results.csv
    let url = server.url(&format!("/api/rooms/{code}/results.csv"));
    let r = server
        .http
        .get(&url)
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let ct = header(&r, "content-type");
    assert!(
        ct.starts_with("text/csv"),
        "results.csv content type: {ct:?}"
    );
    let body = r.text().await.unwrap();
    let lines: Vec<&str> = body.lines().collect();
    let expected: Vec<String> = std::iter::once("rank,name,score,correct,answered".to_string())
        .chain((0..3).map(|i| format!("{},{},{},{},3", i + 1, names[i], scores[i], right[i])))
        .collect();
    assert_eq!(lines, expected, "results.csv:\n{body}");
    let r = fetch(&server.http, &url).await;
    assert_eq!(r.status().as_u16(), 401, "results.csv without a key");
    let r = server
        .http
        .get(&url)
        .bearer_auth("not-the-key")
        .send()
        .await
        .unwrap();
    assert!(
        matches!(r.status().as_u16(), 401 | 403),
        "results.csv with a wrong key: {}",
        r.status()
    );
}

#[tokio::test]
async fn dropped_phone_resumes_as_the_same_player_and_does_not_hold_the_room_up() {
    let roster = standard_roster();
    // The server's clock stands still; `lobby` goes out at most every
    // 200 ms, so the test skips that much before each one it waits for.
    let server = server_with(&roster, TestServer::builder().test_clock());
    let (code, _, mut host, [(mut ann, _), (mut bob, wb), (mut cy, wc)]) = lobby_with(
        &server,
        json!({"rounds":3,"seconds":30}),
        ["Ann", "Bob", "Cy"],
    )
    .await;

    // Round 1: only Cy is right.
    let r1 = start_round(&mut host, &mut [&mut ann, &mut bob, &mut cy], 1, 3, 30).await;
    let ans = answer_of(&server, &r1).await;
    ann.vote(1, ((ans + 1) % 4) as u64).await;
    bob.vote(1, ((ans + 2) % 4) as u64).await;
    cy.vote(1, ans as u64).await;
    host.recv_type("reveal").await;
    ann.recv_type("reveal").await;
    bob.recv_type("reveal").await;
    let rev = cy.recv_type("reveal").await;
    let cy_score = rev["you"]["score"].as_u64().unwrap();
    assert_eq!(cy_score, 1000, "Cy was right, at once: {rev}");

    // Round 2: Cy votes, drops, comes back: same player, same vote.
    let r2 = start_round(&mut host, &mut [&mut ann, &mut bob, &mut cy], 2, 3, 30).await;
    let ans2 = answer_of(&server, &r2).await;
    let cy_choice = (ans2 + 3) % 4;
    cy.vote(2, cy_choice as u64).await;
    cy.close().await;
    server.skip(Duration::from_millis(200));
    host_lobby_until(&mut host, "Cy is disconnected", |ps| {
        player(ps, "Cy").is_some_and(|p| p["connected"] == false)
    })
    .await;
    let token = wc["token"].as_str().unwrap();
    let (mut cy, w) = resume(&server, &code, token, "Cy again").await;
    assert_eq!(w["player_id"], wc["player_id"], "same player after resume");
    assert_eq!(w["name"], "Cy");
    assert_eq!(w["score"], cy_score, "same score after resume");
    let s = &cy.state;
    assert_eq!(
        s["phase"], "question",
        "state after resume mid-question: {s}"
    );
    check_round(s, 2, 3, 30, "phone state during a question");
    assert_eq!(s["prompt"], r2["prompt"]);
    assert_eq!(s["choices"], r2["choices"]);
    assert_eq!(
        s["voted"], cy_choice,
        "the state remembers this round's vote: {s}"
    );
    // The retry of the same vote gets the same ack.
    cy.vote(2, cy_choice as u64).await;
    ann.vote(2, ans2 as u64).await;
    bob.vote(2, ((ans2 + 1) % 4) as u64).await;
    let hrev = host.recv_type("reveal").await;
    assert_eq!(votes_in(&hrev), 3, "{hrev}");
    ann.recv_type("reveal").await;
    let brev = bob.recv_type("reveal").await;
    let bob_score = brev["you"]["score"].as_u64().unwrap();
    let crev = cy.recv_type("reveal").await;
    assert_eq!(crev["you"]["choice"], cy_choice, "{crev}");
    assert_eq!(crev["you"]["correct"], false);
    assert_eq!(crev["you"]["score"], cy_score);

    // Round 3: Bob drops before voting; Ann and Cy close the vote.
    let r3 = start_round(&mut host, &mut [&mut ann, &mut bob, &mut cy], 3, 3, 30).await;
    let ans3 = answer_of(&server, &r3).await;
    bob.close().await;
    server.skip(Duration::from_millis(200));
    host_lobby_until(&mut host, "Bob is disconnected", |ps| {
        player(ps, "Bob").is_some_and(|p| p["connected"] == false)
    })
    .await;
    // Closed by their votes, the clock standing well short of the 30 s:
    // a disconnected player does not hold the room up.
    ann.vote(3, ans3 as u64).await;
    cy.vote(3, ans3 as u64).await;
    let hrev = host.recv_type("reveal").await;
    assert_eq!(hrev["players_voting"], 2, "Bob left before voting: {hrev}");
    assert_eq!(votes_in(&hrev), 2, "{hrev}");
    assert_eq!(hrev["answer"], ans3);
    ann.recv_type("reveal").await;
    cy.recv_type("reveal").await;
    assert_eq!(room_phase(&server, &code).await, "reveal");

    let (bob, w) = resume(&server, &code, wb["token"].as_str().unwrap(), "Bob again").await;
    assert_eq!(w["player_id"], wb["player_id"]);
    assert_eq!(w["score"], bob_score);
    let s = &bob.state;
    assert_eq!(
        s["phase"], "reveal",
        "state after resume at the reveal: {s}"
    );
    assert_eq!(s["round"], 3);
    assert_eq!(
        s["answer"], ans3,
        "the reveal state carries the answer: {s}"
    );
    assert!(s["you"]["choice"].is_null(), "Bob did not vote: {s}");
    assert_eq!(s["you"]["points"], 0);
    assert_eq!(s["you"]["score"], bob_score);
}

/// How many votes a `reveal` counted: its per-choice counts added up.
fn votes_in(reveal: &Value) -> u64 {
    reveal["counts"]
        .as_array()
        .expect("counts")
        .iter()
        .map(|c| c.as_u64().expect("a count"))
        .sum()
}

/// [`room_with`], once the host's lobby lists every phone. On a stopped
/// clock the test skips to the lobby's next update (at most every 200 ms).
async fn lobby_with<const N: usize>(
    server: &TestServer,
    settings: Value,
    names: [&str; N],
) -> (String, String, TestClient, [(TestClient, Value); N]) {
    let (code, key, mut host, phones) = room_with(server, settings, names).await;
    if server.has_test_clock() {
        server.skip(Duration::from_millis(200));
    }
    host_lobby_until(&mut host, &format!("{N} players"), |ps| ps.len() == N).await;
    (code, key, host, phones)
}

/// A room of `rounds` 30 s rounds in its lobby, its host, and Ann and Bob
/// in it (the host has seen both): `(code, key, host, ann, bob, bob's
/// welcome)`.
async fn room_with_ann_and_bob(
    server: &TestServer,
    rounds: u64,
) -> (String, String, TestClient, TestClient, TestClient, Value) {
    let (code, key, host, [(ann, _), (bob, wb)]) = lobby_with(
        server,
        json!({"rounds":rounds,"seconds":30}),
        ["Ann", "Bob"],
    )
    .await;
    (code, key, host, ann, bob, wb)
}

/// A room of `rounds` 30 s rounds in round 1, where Ann voted 0 and Bob
/// left without voting: every connected player has voted, and the round
/// is still open. Returns the code, the host, Ann and Bob's `welcome`.
async fn ann_voted_and_bob_left(
    server: &TestServer,
    rounds: u64,
) -> (String, TestClient, TestClient, Value) {
    let (code, _, mut host, mut ann, mut bob, wb) = room_with_ann_and_bob(server, rounds).await;
    start_round(&mut host, &mut [&mut ann, &mut bob], 1, rounds, 30).await;
    ann.vote(1, 0).await;
    bob.close().await;
    host_lobby_until(&mut host, "Bob is disconnected", |ps| {
        player(ps, "Bob").is_some_and(|p| p["connected"] == false)
    })
    .await;
    (code, host, ann, wb)
}

#[tokio::test]
async fn leaving_or_resuming_never_closes_voting_by_itself() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().in_process());
    let (code, mut host, mut ann, wb) = ann_voted_and_bob_left(&server, 2).await;
    // Every connected player has voted, but a leave does not close voting.
    host.expect_quiet(Duration::from_millis(1200), NOISE).await;
    assert_eq!(room_phase(&server, &code).await, "question");
    let (mut bob, _) = resume(&server, &code, wb["token"].as_str().unwrap(), "Bob again").await;
    assert_eq!(bob.state["phase"], "question");
    assert!(
        bob.state["voted"].is_null(),
        "Bob has not voted: {}",
        bob.state
    );
    host.expect_quiet(Duration::from_millis(800), NOISE).await;
    assert_eq!(room_phase(&server, &code).await, "question");
    bob.vote(1, 1).await;
    let rev = host.recv_type("reveal").await;
    assert_eq!(votes_in(&rev), 2);
    ann.recv_type("reveal").await;
    bob.recv_type("reveal").await;
}

#[tokio::test]
async fn host_reveal_closes_voting_early() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().test_clock());
    let (code, _, mut host, [(mut ann, _), (mut bob, _)]) =
        lobby_with(&server, json!({"rounds":2,"seconds":30}), ["Ann", "Bob"]).await;
    let r = start_round(&mut host, &mut [&mut ann, &mut bob], 1, 2, 30).await;
    let ans = answer_of(&server, &r).await;
    // The server's clock stands still: Ann votes 3 s in, exactly.
    server.skip(Duration::from_secs(3));
    ann.vote(1, ans as u64).await;
    host.send(json!({"type":"reveal"})).await;
    let hrev = host.recv_type("reveal").await;
    let target = Roster::index_of(r["prompt"]["name"].as_str().unwrap());
    check_reveal(&hrev, 1, ans, &[Some(ans), None], target, "host reveal");
    assert_eq!(
        hrev["players_voting"], 2,
        "one vote + one connected non-voter: {hrev}"
    );
    let arev = ann.recv_type("reveal").await;
    assert_eq!(arev["you"]["correct"], true);
    // round(1000 × (1 − 3 s / 30 s / 2))
    assert_eq!(arev["you"]["points"], 950, "a right answer 3 s in: {arev}");
    let brev = bob.recv_type("reveal").await;
    assert!(brev["you"]["choice"].is_null(), "Bob did not vote: {brev}");
    assert_eq!(brev["you"]["correct"], false);
    assert_eq!(brev["you"]["points"], 0);
    assert_eq!(brev["you"]["score"], 0);
    assert_eq!(brev["you"]["rank"], 2, "{brev}");
    assert_eq!(arev["you"]["rank"], 1, "{arev}");
    assert_eq!(room_phase(&server, &code).await, "reveal");
}

#[tokio::test]
async fn the_deadline_closes_voting_and_late_answers_score_less() {
    // The server's clock stands still: a vote's elapsed time is what the
    // test skipped, and the deadline falls when the test skips to it.
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().test_clock());
    let (code, _, mut host, [(mut ann, _), (mut bob, _)]) =
        lobby_with(&server, json!({"rounds":1,"seconds":2}), ["Ann", "Bob"]).await;
    let r = start_round(&mut host, &mut [&mut ann, &mut bob], 1, 1, 2).await;
    assert_eq!(r["remaining_ms"], 2000, "a fresh 2 s round: {r}");
    assert_eq!(r["seconds"], 2, "round.seconds: {r}");
    let ans = answer_of(&server, &r).await;
    server.skip(Duration::from_millis(1000));
    ann.vote(1, ans as u64).await;
    // Just before the deadline voting is open; at it, it closes.
    server.skip(Duration::from_millis(999));
    assert_eq!(room_phase(&server, &code).await, "question", "at 1.999 s");
    server.skip(Duration::from_millis(1));
    let rev = ann.recv_type("reveal").await;
    assert_eq!(room_phase(&server, &code).await, "reveal", "at 2 s");
    // round(1000 × (1 − 1 s / 2 s / 2))
    let pts = rev["you"]["points"].as_u64().unwrap();
    assert_eq!(pts, 750, "a right answer after 1 s of 2 s: {rev}");
    let brev = bob.recv_type("reveal").await;
    assert!(brev["you"]["choice"].is_null());
    assert_eq!(brev["you"]["points"], 0);
    host.recv_type("reveal").await;
    host.send(json!({"type":"start_round"})).await;
    let go = host.recv_type("game_over").await;
    assert_eq!(go["leaderboard"][0]["name"], "Ann", "{go}");
    assert_eq!(go["leaderboard"][0]["score"], pts);
    assert_eq!(go["leaderboard"][1]["score"], 0);
}

#[tokio::test]
async fn photo_to_name_mode_asks_with_a_photo() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().in_process());
    let (_, _, mut host, [(mut ann, _)]) = room_with(
        &server,
        json!({"rounds":1,"seconds":30,"mode":"photo_to_name"}),
        ["Ann"],
    )
    .await;
    let r = start_round(&mut host, &mut [&mut ann], 1, 1, 30).await;
    assert_eq!(r["mode"], "photo_to_name");
    let ans = answer_of(&server, &r).await;
    ann.vote(1, ans as u64).await;
    let rev = ann.recv_type("reveal").await;
    assert_eq!(rev["answer"], ans);
    assert_eq!(rev["you"]["correct"], true);
}

#[tokio::test]
async fn a_killed_server_comes_back_with_rooms_scores_and_acknowledged_votes() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder());
    let (code, key, mut host, [(mut ann, wa), (mut bob, wb)]) =
        lobby_with(&server, json!({"rounds":3,"seconds":60}), ["Ann", "Bob"]).await;
    let r1 = start_round(&mut host, &mut [&mut ann, &mut bob], 1, 3, 60).await;
    let ans = answer_of(&server, &r1).await;
    ann.vote(1, ans as u64).await;
    bob.vote(1, ((ans + 1) % 4) as u64).await;
    let arev = ann.recv_type("reveal").await;
    let ann_score = arev["you"]["score"].as_u64().unwrap();
    assert!(ann_score >= 500);
    let r2 = start_round(&mut host, &mut [&mut ann, &mut bob], 2, 3, 60).await;
    let ann_vote = 2u64;
    ann.vote(2, ann_vote).await;

    drop((host, ann, bob));
    let server = server.restart_after_kill9();
    assert_eq!(
        room_phase(&server, &code).await,
        "question",
        "the room survives kill -9"
    );
    let host = connect_host(&server, &code, &key).await;
    let s = &host.state;
    assert_eq!(s["phase"], "question", "{s}");
    assert_eq!(s["round"], 2);
    assert_eq!(s["prompt"], r2["prompt"], "same question after restart");
    assert_pre_reveal_allowed(s, Roles::HOST, "host state after restart");
    let players = s["players"].as_array().expect("host state lists players");
    assert_eq!(player(players, "Ann").unwrap()["score"], ann_score, "{s}");
    assert_eq!(player(players, "Bob").unwrap()["score"], 0, "{s}");
    let (mut ann, w) = resume(&server, &code, wa["token"].as_str().unwrap(), "Ann").await;
    assert_eq!(w["player_id"], wa["player_id"]);
    assert_eq!(w["score"], ann_score);
    assert_eq!(
        ann.state["voted"], ann_vote,
        "the acknowledged vote survived: {}",
        ann.state
    );
    // Every acknowledged vote is in the `votes` table, the open round's
    // too: a row lands in the same commit as its event.
    {
        let db = rusqlite::Connection::open(server.db_path()).unwrap();
        let mut stmt = db
            .prepare(
                "SELECT round, player, choice FROM votes WHERE room = ?1 ORDER BY round, player",
            )
            .unwrap();
        let rows: Vec<(i64, i64, i64)> = stmt
            .query_map([&code], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let (a, b) = (
            wa["player_id"].as_i64().unwrap(),
            wb["player_id"].as_i64().unwrap(),
        );
        let mut expected = vec![
            (1, a, ans as i64),
            (1, b, ((ans + 1) % 4) as i64),
            (2, a, ann_vote as i64),
        ];
        expected.sort();
        assert_eq!(rows, expected);
    }
    let (mut bob, _) = resume(&server, &code, wb["token"].as_str().unwrap(), "Bob").await;
    assert!(bob.state["voted"].is_null(), "{}", bob.state);
    bob.vote(2, 3).await;
    let rev = ann.recv_type("reveal").await;
    let mut expected = [0u64; 4];
    expected[ann_vote as usize] += 1;
    expected[3] += 1;
    assert_eq!(rev["counts"], json!(expected), "{rev}");
    assert_eq!(rev["you"]["choice"], ann_vote);
}

#[tokio::test]
async fn a_room_can_leave_out_classmates_in_memoriam() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().in_process());
    let (status, room) = server
        .post_json(
            "/api/rooms",
            &json!({"rounds":200,"seconds":30,"include_memoriam":false}),
        )
        .await;
    assert_eq!(status, 201, "{room}");
    let askable = PEOPLE.iter().filter(|p| !p.in_memoriam).count() as u64;
    assert_eq!(
        room["settings"]["rounds"], askable,
        "rounds are capped at the people who can be asked: {room}"
    );
    let code = room["code"].as_str().unwrap();
    let mut host = connect_host(&server, code, room["host_key"].as_str().unwrap()).await;
    let (mut ann, _) = join(&server, code, "Ann").await;
    let mut asked = Vec::new();
    let mut positions = Vec::new();
    for r in 1..=askable {
        let round = start_round(&mut host, &mut [&mut ann], r, askable, 30).await;
        let name = round["prompt"]["name"].as_str().unwrap().to_string();
        let i = Roster::index_of(&name);
        assert!(!PEOPLE[i].in_memoriam, "{name} was left out of this game");
        assert!(!asked.contains(&name), "{name} asked twice");
        asked.push(name);
        ann.vote(r, 0).await;
        let rev = host.recv_type("reveal").await;
        assert_eq!(rev["in_memoriam"], false);
        positions.push(rev["answer"].as_u64().unwrap());
        ann.recv_type("reveal").await;
    }
    positions.sort();
    positions.dedup();
    assert!(
        positions.len() > 1,
        "the right answer's position varies between rounds: always {positions:?}"
    );
    host.send(json!({"type":"start_round"})).await;
    host.recv_type("game_over").await;
}

#[tokio::test]
async fn the_host_configures_the_room_in_the_lobby() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().in_process());
    let (code, key, mut host, [(mut ann, _)]) =
        room_with(&server, json!({"rounds":5,"seconds":20}), ["Ann"]).await;
    ann.send(json!({"type":"configure","rounds":1})).await;
    assert_eq!(ann.recv_error().await, "not_host");
    host.send(json!({"type":"configure","rounds":2,"seconds":7,"mode":"photo_to_name"}))
        .await;
    // A host that reconnects sees the new settings.
    host.close().await;
    let mut host = connect_host(&server, &code, &key).await;
    assert_fields(
        &host.state["settings"],
        &json!({"rounds":2,"seconds":7,"mode":"photo_to_name","include_memoriam":true}),
        "settings after configure",
    );
    let round = start_round(&mut host, &mut [&mut ann], 1, 2, 7).await;
    assert_eq!(round["mode"], "photo_to_name");
    assert_eq!(round["seconds"], 7);
    host.send(json!({"type":"configure","rounds":9})).await;
    assert_eq!(host.recv_error().await, "wrong_phase", "configure mid-game");
}

/// The allow-list itself: whatever a new field is called, and however deep
/// it sits, a pre-reveal message carrying it fails; the real shapes pass.
#[test]
fn the_leak_check_refuses_a_new_key_anywhere_before_the_reveal() {
    let photo = json!({"photo": "/photos/a", "thumb": "/photos/b"});
    let round = json!({
        "type": "round", "round": 1, "of": 3, "mode": "name_to_photo",
        "prompt": {"name": "Ann Lee", "known_as": null},
        "choices": [photo, photo, photo, photo],
        "remaining_ms": 20000, "seconds": 20,
    });
    let mut phone_state = round.clone();
    let extra = json!({
        "type": "state", "phase": "question", "code": "QXRT", "count": 2,
        "settings": {"rounds": 3, "seconds": 20, "mode": "name_to_photo",
                     "include_memoriam": true, "profanity_filter": true},
        "you": {"player_id": 1, "name": "Ann", "score": 0, "rank": 1},
        "voted": null,
    });
    for (k, v) in extra.as_object().unwrap() {
        phone_state[k] = v.clone();
    }
    let host_lobby = json!({
        "type": "lobby", "count": 1,
        "players": [{"id": 1, "name": "Ann", "connected": true, "score": 0}],
        "settings": phone_state["settings"],
    });
    assert_pre_reveal_allowed(&round, Roles::default(), "a real round");
    assert_pre_reveal_allowed(&phone_state, Roles::PHONE, "a real phone state");
    assert_pre_reveal_allowed(&host_lobby, Roles::HOST, "a real host lobby");

    let planted = |mut v: Value, at: &[&str], key: &str| {
        let mut here = &mut v;
        for step in at {
            here = match step.parse::<usize>() {
                Ok(i) => &mut here[i],
                Err(_) => &mut here[*step],
            };
        }
        here[key] = json!(2);
        v
    };
    let leaks = [
        (planted(round.clone(), &[], "solution"), Roles::default()),
        (
            planted(round.clone(), &["choices", "2"], "right"),
            Roles::default(),
        ),
        (
            planted(round.clone(), &["prompt"], "index"),
            Roles::default(),
        ),
        (
            planted(phone_state.clone(), &["you"], "choice"),
            Roles::PHONE,
        ),
        (
            planted(phone_state.clone(), &["settings"], "answer"),
            Roles::PHONE,
        ),
        // A phone's state with the host's fields is still a leak path.
        (
            planted(phone_state.clone(), &[], "players_voting"),
            Roles::PHONE,
        ),
        (
            planted(host_lobby.clone(), &["players", "0"], "pick"),
            Roles::HOST,
        ),
        (json!({"type": "hint", "at": 2}), Roles::default()),
        (
            json!({"type": "round", "seconds": {"answer": 2}}),
            Roles::default(),
        ),
    ];
    for (v, roles) in leaks {
        let caught = std::panic::catch_unwind(|| assert_pre_reveal_allowed(&v, roles, "planted"));
        assert!(caught.is_err(), "the allow-list let this through: {v}");
    }
}

#[tokio::test]
async fn a_late_join_never_closes_voting_and_the_joiner_may_vote() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().in_process());
    let (code, mut host, mut ann, _) = ann_voted_and_bob_left(&server, 1).await;
    // Every connected player has voted when Cy joins: a close checked on
    // join would end the question here, before she could answer.
    let (mut cy, _) = join(&server, &code, "Cy").await;
    assert_eq!(cy.state["phase"], "question", "{}", cy.state);
    check_round(&cy.state, 1, 1, 30, "a late joiner's state");
    assert!(cy.state["voted"].is_null(), "{}", cy.state);
    assert_eq!(room_phase(&server, &code).await, "question");
    // A late joiner is a connected player without a vote: Cy's vote alone
    // does not close the round while Dee, who joined after her, has none.
    let (mut dee, _) = join(&server, &code, "Dee").await;
    // The projector hears of them: Ann's vote, and Cy and Dee who may vote.
    host_until(&mut host, "progress", |p| {
        p["answered"] == 1 && p["players"] == 3
    })
    .await;
    cy.vote(1, 1).await;
    assert_eq!(
        room_phase(&server, &code).await,
        "question",
        "Dee, connected, has not voted"
    );
    dee.vote(1, 2).await;
    let rev = host.recv_type("reveal").await;
    assert_eq!(rev["counts"], json!([1, 1, 1, 0]), "{rev}");
    assert_eq!(rev["players_voting"], 3, "Bob left without a vote: {rev}");
    for (p, choice) in [(&mut ann, 0), (&mut cy, 1), (&mut dee, 2)] {
        let r = p.recv_type("reveal").await;
        assert_eq!(r["you"]["choice"], choice, "[{}] {r}", p.label);
    }
}

#[tokio::test]
async fn the_host_ends_the_game_mid_question_and_the_results_stay() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder());
    let (code, key, mut host, mut ann, mut bob, wb) = room_with_ann_and_bob(&server, 3).await;
    let r1 = start_round(&mut host, &mut [&mut ann, &mut bob], 1, 3, 30).await;
    let ans1 = answer_of(&server, &r1).await as u64;
    ann.vote(1, ans1).await;
    bob.vote(1, (ans1 + 1) % 4).await;
    host.recv_type("reveal").await;
    let r2 = start_round(&mut host, &mut [&mut ann, &mut bob], 2, 3, 30).await;
    let ans2 = answer_of(&server, &r2).await as u64;
    // Ann answers round 2; Bob has not when the host ends the game.
    ann.vote(2, ans2).await;
    host.send(json!({"type":"end_game"})).await;
    let go = host.recv_type("game_over").await;
    let lb = go["leaderboard"].as_array().expect("leaderboard");
    assert_eq!(lb.len(), 2, "everyone on the final board: {go}");
    assert_leaderboard_sorted(&go["leaderboard"]);
    assert_eq!(lb[0]["name"], "Ann", "{go}");
    let ann_score = lb[0]["score"].as_u64().unwrap();
    assert!(
        ann_score >= 1000,
        "two right answers, the open round's included: {go}"
    );
    assert_eq!(lb[1]["score"], 0, "{go}");
    assert!(go["stats"].is_object(), "{go}");
    for (p, score, rank) in [(&mut ann, ann_score, 1), (&mut bob, 0, 2)] {
        let g = p.recv_type("game_over").await;
        assert_eq!(g["leaderboard"], go["leaderboard"], "[{}] {g}", p.label);
        assert_eq!(g["you"]["score"], score, "[{}] {g}", p.label);
        assert_eq!(g["you"]["rank"], rank, "[{}] {g}", p.label);
    }
    assert_eq!(room_phase(&server, &code).await, "over");

    // Voting is over: a new vote is refused, a retried one acknowledged.
    bob.send(json!({"type":"vote","round":2,"choice":ans2}))
        .await;
    assert_eq!(bob.recv_error().await, "round_closed");
    bob.send(json!({"type":"vote","round":3,"choice":0})).await;
    assert_eq!(
        bob.recv_error().await,
        "round_closed",
        "a round never asked"
    );
    ann.vote(2, ans2).await;
    for cmd in ["start_round", "end_game", "reveal"] {
        host.send(json!({"type":cmd})).await;
        assert_eq!(
            host.recv_error().await,
            "wrong_phase",
            "{cmd} after the end"
        );
    }
    // A reconnecting screen sees the end; the results were kept.
    let (bob, _) = resume(&server, &code, wb["token"].as_str().unwrap(), "Bob again").await;
    assert_eq!(bob.state["phase"], "over", "{}", bob.state);
    assert_eq!(bob.state["leaderboard"], go["leaderboard"]);
    let expected =
        format!("rank,name,score,correct,answered\n1,Ann,{ann_score},2,2\n2,Bob,0,0,1\n");
    let csv = get_results_csv(&server, &code, &key).await.text().await;
    assert_eq!(csv.unwrap(), expected, "results.csv after end_game");
    // Kept on disk: the game is still over, with the same results.
    drop((host, ann, bob));
    let server = server.restart_after_kill9();
    assert_eq!(
        room_phase(&server, &code).await,
        "over",
        "the end survives kill -9"
    );
    let csv = get_results_csv(&server, &code, &key).await.text().await;
    assert_eq!(csv.unwrap(), expected, "results.csv after a restart");
}

/// Messages of type `ty` the host receives, each with when it came, up to
/// and including the first for which `last` holds; panics after 10 s
/// (a burst of 31 phones on a busy machine may take a while).
async fn host_until(
    host: &mut TestClient,
    ty: &str,
    last: impl Fn(&Value) -> bool,
) -> Vec<(Instant, Value)> {
    let deadline = Instant::now() + 2 * RECV_TIMEOUT;
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match host.next_within(left).await {
            Some(Incoming::Json(v)) if v["type"] == ty => {
                let done = last(&v);
                seen.push((Instant::now(), v));
                if done {
                    return seen;
                }
            }
            Some(Incoming::Json(v)) => assert_ne!(v["type"], "error", "host got {v}"),
            Some(Incoming::Closed(c)) => panic!("host socket closed: {c:?}"),
            None => panic!(
                "the awaited `{ty}` never came; got {:?}",
                seen.iter().map(|(_, v)| v).collect::<Vec<_>>()
            ),
        }
    }
}

/// The most messages something sending at most one per `every` can send
/// within `span`: one at its start, then one per `every` (less a
/// millisecond: the server's clock counts whole milliseconds).
fn most_within(span: Duration, every: Duration) -> usize {
    (span.as_millis() / (every.as_millis() - 1)) as usize + 1
}

/// Phones in the burst tests: more than ten a second's worth of messages.
const BURST: usize = 31;

/// A room for `rounds` with a host, and `BURST` phones joining at once.
/// Checks the host's `lobby` updates on the way: at most about five a
/// second, the last (everyone, connected) always sent.
async fn burst_of_joins(roster: &Roster) -> (TestServer, String, TestClient, Vec<TestClient>) {
    let server = server_with(roster, TestServer::builder().in_process());
    let (code, key) = create_room(&server, json!({"rounds":1,"seconds":60})).await;
    let mut host = connect_host(&server, &code, &key).await;
    let names: Vec<String> = (0..BURST).map(|i| format!("Phone {i}")).collect();
    let t_joins = Instant::now();
    let (phones, lobbies) = tokio::join!(
        futures_util::future::join_all(names.iter().map(|n| join(&server, &code, n))),
        host_until(&mut host, "lobby", |v| v["count"] == BURST),
    );
    let (t_last, last) = lobbies.last().unwrap();
    let players = last["players"].as_array().expect("players");
    assert_eq!(players.len(), BURST, "the last lobby has everyone: {last}");
    assert!(players.iter().all(|p| p["connected"] == true), "{last}");
    // Those from before the burst (the host's arrival) do not count.
    let sent = lobbies.iter().filter(|(_, v)| v["count"] != 0).count();
    let span = *t_last - t_joins;
    let most = most_within(span, Duration::from_millis(200));
    assert!(
        sent <= most,
        "{BURST} joins in {span:?} brought {sent} lobby updates, at most {most} at five a second"
    );
    let mut phones: Vec<TestClient> = phones.into_iter().map(|(p, _)| p).collect();
    // A phone's own updates (a count only) are coalesced the same way.
    let mut got = 0;
    loop {
        let v = phones[0].recv_type("lobby").await;
        assert!(v["players"].is_null(), "phones get only a count: {v}");
        got += 1;
        if v["count"] == BURST {
            break;
        }
    }
    let most = most_within(t_joins.elapsed(), Duration::from_millis(200));
    assert!(
        got <= most,
        "a phone got {got} lobby updates, at most {most}"
    );
    (server, code, host, phones)
}

#[tokio::test]
async fn a_burst_of_joins_reaches_the_host_as_coalesced_lobby_updates() {
    let roster = standard_roster();
    let (server, code, _host, _phones) = burst_of_joins(&roster).await;
    let (_, v) = server.get_json(&format!("/api/rooms/{code}")).await;
    assert_eq!(v["players"], BURST, "{v}");
}

#[tokio::test]
async fn a_burst_of_votes_reaches_the_host_as_progress_at_most_ten_a_second() {
    let roster = standard_roster();
    let (server, code, mut host, mut phones) = burst_of_joins(&roster).await;
    // One phone does not vote: the round stays open after the burst.
    let voters = BURST - 1;
    host.send(json!({"type":"start_round"})).await;
    host.recv_type("round").await;
    for p in phones.iter_mut() {
        p.recv_type("round").await;
    }
    let t_votes = Instant::now();
    let (_, progress) = tokio::join!(
        futures_util::future::join_all(
            phones[..voters]
                .iter_mut()
                .enumerate()
                .map(|(i, p)| p.vote(1, (i % 4) as u64))
        ),
        host_until(&mut host, "progress", |v| v["answered"] == voters),
    );
    let (t_last, last) = progress.last().unwrap();
    assert_eq!(
        last["players"], BURST,
        "the votes and the connected phone that did not vote: {last}"
    );
    let mut answered = 0;
    for (_, p) in &progress {
        assert_eq!(p["round"], 1, "{p}");
        let a = p["answered"].as_u64().unwrap();
        assert!(a >= answered, "answered never goes down: {progress:?}");
        answered = a;
    }
    let span = *t_last - t_votes;
    let most = most_within(span, Duration::from_millis(100));
    assert!(
        progress.len() <= most,
        "{voters} votes in {span:?} brought {} progress messages, at most {most} at ten a second",
        progress.len()
    );
    assert_eq!(room_phase(&server, &code).await, "question");
}

#[tokio::test]
async fn results_csv_defuses_formulas_and_quotes_names_end_to_end() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().in_process());
    let (code, key) = create_room(
        &server,
        json!({"rounds":1,"seconds":30,"profanity_filter":false}),
    )
    .await;
    let mut host = connect_host(&server, &code, &key).await;
    // As typed, and as kept: white space around a name is trimmed, so a
    // tab or CR never starts a name (inside one it is refused, below).
    let names = [
        ("=1+2", "=1+2"),
        ("+Plus", "+Plus"),
        ("-Minus", "-Minus"),
        ("@At", "@At"),
        ("\t@Tab", "@Tab"),
        ("\r+Return", "+Return"),
        ("Ann \"Q\" Lee", "Ann \"Q\" Lee"),
        ("Lee, Ann", "Lee, Ann"),
        ("=HYPERLINK(\"x\",\"y\")", "=HYPERLINK(\"x\",\"y\")"),
        ("Plain", "Plain"),
    ];
    let mut phones = Vec::new();
    for (typed, kept) in names {
        let (p, w) = join(&server, &code, typed).await;
        assert_eq!(w["name"], kept, "{typed:?} joins as {kept:?}");
        phones.push(p);
    }
    for refused in ["Tab\there", "Car\rriage"] {
        let mut c = TestClient::connect(&server, &code, "refused").await;
        c.send(json!({"type":"join","name":refused})).await;
        assert_eq!(c.recv_error().await, "bad_name", "{refused:?}");
    }
    host.send(json!({"type":"start_round"})).await;
    host.recv_type("round").await;
    for (i, p) in phones.iter_mut().enumerate() {
        p.recv_type("round").await;
        p.vote(1, (i % 4) as u64).await;
    }
    host.recv_type("reveal").await;
    host.send(json!({"type":"start_round"})).await;
    let go = host.recv_type("game_over").await;

    let r = get_results_csv(&server, &code, &key).await;
    assert_eq!(r.status().as_u16(), 200);
    let body = r.text().await.unwrap();
    // RFC 4180 quoting, seen in the raw text...
    for raw in [
        ",Plain,",
        ",\"Ann \"\"Q\"\" Lee\",",
        ",\"Lee, Ann\",",
        ",\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\",",
        ",'=1+2,",
        ",'+Plus,",
        ",'-Minus,",
        ",'@At,",
        ",'@Tab,",
        ",'+Return,",
    ] {
        assert!(body.contains(raw), "results.csv lacks {raw:?}:\n{body}");
    }
    // ...and read back by a CSV reader: a formula-looking name gets a
    // leading `'`, every other cell is the name as it is.
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    assert_eq!(
        reader.headers().unwrap(),
        vec!["rank", "name", "score", "correct", "answered"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), names.len(), "one row a player:\n{body}");
    for (_, kept) in names {
        let cell = if kept.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{kept}")
        } else {
            kept.to_string()
        };
        let row = rows
            .iter()
            .find(|r| r[1] == cell)
            .unwrap_or_else(|| panic!("no row named {cell:?}:\n{body}"));
        let entry = go["leaderboard"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == kept)
            .unwrap_or_else(|| panic!("{kept:?} on the board: {go}"));
        assert_eq!(row[0], entry["rank"].to_string(), "{kept:?}: {go}");
        assert_eq!(row[2], entry["score"].to_string(), "{kept:?}: {go}");
        assert_eq!(&row[4], "1", "{kept:?} answered once");
    }
    for row in &rows {
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a cell a spreadsheet would run: {cell:?}\n{body}"
            );
        }
    }
}

#[tokio::test]
async fn progress_reaches_the_host_at_most_every_100_ms() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().test_clock());
    let (_, _, mut host, [(mut ann, _), (mut bob, _), (mut cy, _)]) = room_with(
        &server,
        json!({"rounds":1,"seconds":20}),
        ["Ann", "Bob", "Cy"],
    )
    .await;
    start_round(&mut host, &mut [&mut ann, &mut bob, &mut cy], 1, 1, 20).await;
    // A vote 100 ms after the round's start is told at once; the next, at
    // the same moment on the server's clock, waits for 100 ms to pass.
    server.skip(Duration::from_millis(100));
    ann.vote(1, 0).await;
    assert_eq!(host.recv_type("progress").await["answered"], 1);
    bob.vote(1, 0).await;
    host.expect_quiet(Duration::from_millis(300), &["lobby", "pong"])
        .await;
    server.skip(Duration::from_millis(99));
    host.expect_quiet(Duration::from_millis(300), &["lobby", "pong"])
        .await;
    server.skip(Duration::from_millis(1));
    let p = host.recv_type("progress").await;
    assert_eq!(
        (p["answered"].as_u64(), p["players"].as_u64()),
        (Some(2), Some(3)),
        "{p}"
    );
}

/// A phone's `[rank, tied, streak]` from its `you`.
fn standing(v: &Value) -> Value {
    json!([v["you"]["rank"], v["you"]["tied"], v["you"]["streak"]])
}

/// The host reveals; each phone's `[rank, tied, streak]` from its `reveal`.
async fn reveal_standings(host: &mut TestClient, phones: [&mut TestClient; 4]) -> Value {
    host.send(json!({"type":"reveal"})).await;
    host.recv_type("reveal").await;
    let mut out = Vec::new();
    for p in phones {
        out.push(standing(&p.recv_type("reveal").await));
    }
    Value::Array(out)
}

/// `you.tied` (others on the same rank) and `you.streak` (right answers in
/// a row) in `reveal`, in a `state` in the reveal and over phases, and in
/// `game_over`; a missed round ends a streak.
#[tokio::test]
async fn phones_are_told_their_ties_and_streaks() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().test_clock());
    let (code, _, mut host, [(mut ann, _), (mut bob, wb), (mut cy, _), (mut di, _)]) = lobby_with(
        &server,
        json!({"rounds":2,"seconds":30}),
        ["Ann", "Bob", "Cy", "Di"],
    )
    .await;

    // Round 1: Ann and Bob right at the same moment (a full tie), Cy wrong,
    // Di silent (Cy and Di tie on 0).
    let phones = &mut [&mut ann, &mut bob, &mut cy, &mut di];
    let r = start_round(&mut host, phones, 1, 2, 30).await;
    let ans = answer_of(&server, &r).await as u64;
    server.skip(Duration::from_secs(3));
    ann.vote(1, ans).await;
    bob.vote(1, ans).await;
    cy.vote(1, (ans + 1) % 4).await;
    assert_eq!(
        reveal_standings(&mut host, [&mut ann, &mut bob, &mut cy, &mut di]).await,
        json!([[1, 1, 1], [1, 1, 1], [3, 1, 0], [3, 1, 0]]),
        "round 1: [rank, tied, streak] of Ann, Bob, Cy, Di"
    );

    // Round 2: Ann right again (two in a row), Bob wrong (his streak ends,
    // his points stay), Cy right but later than Ann: no ties left.
    let phones = &mut [&mut ann, &mut bob, &mut cy, &mut di];
    let r = start_round(&mut host, phones, 2, 2, 30).await;
    let ans = answer_of(&server, &r).await as u64;
    server.skip(Duration::from_secs(3));
    ann.vote(2, ans).await;
    bob.vote(2, (ans + 1) % 4).await;
    server.skip(Duration::from_secs(3));
    cy.vote(2, ans).await;
    assert_eq!(
        reveal_standings(&mut host, [&mut ann, &mut bob, &mut cy, &mut di]).await,
        json!([[1, 0, 2], [2, 0, 0], [3, 0, 1], [4, 0, 0]]),
        "round 2: [rank, tied, streak] of Ann, Bob, Cy, Di"
    );

    // A phone that comes back during the reveal gets the same in its state.
    bob.close().await;
    let token = wb["token"].as_str().unwrap();
    let (bob2, _) = resume(&server, &code, token, "Bob again").await;
    assert_eq!(bob2.state["phase"], "reveal", "{}", bob2.state);
    assert_eq!(standing(&bob2.state), json!([2, 0, 0]), "{}", bob2.state);
    drop(bob2);

    // The end: the same in game_over and in an `over` state.
    host.send(json!({"type":"start_round"})).await;
    host.recv_type("game_over").await;
    let g = ann.recv_type("game_over").await;
    assert_eq!(standing(&g), json!([1, 0, 2]), "Ann's game_over: {g}");
    let g = di.recv_type("game_over").await;
    assert_eq!(standing(&g), json!([4, 0, 0]), "Di's game_over: {g}");
    let (bob3, _) = resume(&server, &code, token, "Bob at the end").await;
    assert_eq!(bob3.state["phase"], "over", "{}", bob3.state);
    assert_eq!(standing(&bob3.state), json!([2, 0, 0]), "{}", bob3.state);
}

/// The next `timer` on `c`, checked: round 1, `remaining_ms`, `paused`.
async fn expect_timer(c: &mut TestClient, remaining_ms: u64, paused: bool) {
    let t = c.recv_type("timer").await;
    assert_pre_reveal_allowed(&t, Roles::default(), "timer");
    assert_eq!(
        (&t["round"], &t["remaining_ms"], &t["paused"]),
        (&json!(1), &json!(remaining_ms), &json!(paused)),
        "{t}"
    );
}

#[tokio::test]
async fn the_host_pauses_a_question_and_its_time_and_points_stand_still() {
    // The server's clock stands still: elapsed time is what the test skips.
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().test_clock());
    let (code, key, mut host, [(mut ann, _), (mut bob, _)]) =
        lobby_with(&server, json!({"rounds":1,"seconds":20}), ["Ann", "Bob"]).await;
    for refused in ["pause", "unpause"] {
        host.send(json!({ "type": refused })).await;
        assert_eq!(
            host.recv_error().await,
            "wrong_phase",
            "{refused} in the lobby"
        );
    }
    let r = start_round(&mut host, &mut [&mut ann, &mut bob], 1, 1, 20).await;
    let ans = answer_of(&server, &r).await as u64;
    ann.send(json!({"type":"pause"})).await;
    assert_eq!(ann.recv_error().await, "not_host");

    server.skip(Duration::from_secs(4));
    host.send(json!({"type":"pause"})).await;
    for c in [&mut host, &mut ann, &mut bob] {
        expect_timer(c, 16_000, true).await;
    }
    // A second pause is no error and says nothing new.
    host.send(json!({"type":"pause"})).await;
    host.send(json!({"type":"ping"})).await;
    loop {
        let v = host.recv().await;
        match v["type"].as_str() {
            Some("pong") => break,
            Some("lobby" | "progress") => {}
            _ => panic!("a second pause says nothing: {v}"),
        }
    }

    // Past the deadline (21 s in): still open, and a vote now counts.
    server.skip(Duration::from_secs(17));
    assert_eq!(room_phase(&server, &code).await, "question");
    // Said within the 25 s a silent socket is given.
    for c in [&mut host, &mut bob] {
        c.send(json!({"type":"ping"})).await;
        c.recv_type("pong").await;
    }
    ann.vote(1, ans).await;
    let screen = connect_host(&server, &code, &key).await;
    assert_eq!(screen.state["paused"], true, "{}", screen.state);
    assert_eq!(screen.state["remaining_ms"], 16_000, "{}", screen.state);

    host.send(json!({"type":"unpause"})).await;
    for c in [&mut host, &mut ann, &mut bob] {
        expect_timer(c, 16_000, false).await;
    }
    // A second unpause is no error; the pong says it was read before Bob's
    // vote, which comes on another socket and could overtake it.
    host.send(json!({"type":"unpause"})).await;
    host.send(json!({"type":"ping"})).await;
    host.recv_type("pong").await;
    server.skip(Duration::from_secs(4));
    bob.vote(1, ans).await;
    let rev = host.recv_type("reveal").await;
    let score = |name: &str| score_of(&rev, name);
    // Ann at 4 s (the pause), Bob at 8 s: paused time does not count.
    assert_eq!(score("Ann"), Some(json!(900)), "{rev}");
    assert_eq!(score("Bob"), Some(json!(800)), "{rev}");
}

#[tokio::test]
async fn the_host_reveals_a_paused_question() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().in_process());
    let (code, _, mut host, [(mut ann, _)]) =
        lobby_with(&server, json!({"rounds":2,"seconds":30}), ["Ann"]).await;
    start_round(&mut host, &mut [&mut ann], 1, 2, 30).await;
    host.send(json!({"type":"pause"})).await;
    host.recv_type("timer").await;
    host.send(json!({"type":"reveal"})).await;
    host.recv_type("reveal").await;
    ann.recv_type("reveal").await;
    assert_eq!(room_phase(&server, &code).await, "reveal");
    host.send(json!({"type":"pause"})).await;
    assert_eq!(
        host.recv_error().await,
        "wrong_phase",
        "pause in the reveal"
    );
}

/// The standard roster with two yearbooks: each person's 1983 photo is
/// `portrait(i)`, their 1986 one `portrait(i + 8)`, as repeated rows.
fn two_yearbooks() -> tempfile::TempDir {
    let mut csv = String::from("name,gender,photo,label,known_as,in_memoriam\r\n");
    for (i, p) in PEOPLE.iter().enumerate() {
        let memoriam = if p.in_memoriam { "yes" } else { "" };
        csv.push_str(&format!(
            "{},{},photos/p{i}.png,1983,{},{memoriam}\r\n",
            p.name, p.gender, p.known_as
        ));
        // The repeat leaves the person's other cells empty.
        csv.push_str(&format!("{},,photos/p{}.png,1986,,\r\n", p.name, i + 8));
    }
    roster_folder(16, &csv)
}

/// A name→photo round on `two_yearbooks`: the portrait each choice shows,
/// the index of the right one, and the person asked about.
async fn yearbook_choices(server: &TestServer, round: &Value) -> (Vec<usize>, usize, usize) {
    let target = Roster::index_of(round["prompt"]["name"].as_str().expect("prompt.name"));
    let mut shown = Vec::new();
    for c in round["choices"].as_array().expect("choices") {
        let bytes = server.fetch_bytes(c["thumb"].as_str().unwrap()).await;
        shown.push(identify_portrait(&bytes));
    }
    let right: Vec<usize> = (0..4).filter(|&i| shown[i] % 8 == target).collect();
    assert_eq!(right.len(), 1, "one choice is {target}: {shown:?}");
    let mut people: Vec<usize> = shown.iter().map(|s| s % 8).collect();
    people.sort();
    people.dedup();
    assert_eq!(people.len(), 4, "four different people: {shown:?}");
    (shown, right[0], target)
}

#[tokio::test]
async fn a_room_asks_from_the_chosen_yearbook_and_the_reveal_shows_the_other() {
    let dir = two_yearbooks();
    let server = TestServer::builder()
        .in_process()
        .roster(&dir.path().join("roster.csv"))
        .start();
    let (status, refused) = server
        .post_json("/api/rooms", &json!({"labels":["1999"]}))
        .await;
    assert_eq!(status, 400, "a label the class lacks: {refused}");

    let (code, key, mut host, [(mut ann, _)]) = room_with(
        &server,
        json!({"rounds":3,"seconds":30,"labels":[" 1983"]}),
        ["Ann"],
    )
    .await;
    assert_eq!(
        host.state["labels"],
        json!(["1983", "1986"]),
        "the host may choose"
    );
    assert_eq!(
        host.state["settings"]["labels"],
        json!(["1983"]),
        "in the class's spelling"
    );
    assert!(
        ann.state.get("labels").is_none(),
        "phones are not told: {}",
        ann.state
    );
    let mut asked = Vec::new();
    for r in 1..=3 {
        let round = start_round(&mut host, &mut [&mut ann], r, 3, 30).await;
        let (shown, right, target) = yearbook_choices(&server, &round).await;
        assert!(
            shown.iter().all(|&s| s < 8),
            "all four from 1983: {shown:?}"
        );
        assert!(!asked.contains(&target), "{target} asked twice");
        asked.push(target);
        ann.vote(r, right as u64).await;
        for screen in [&mut host, &mut ann] {
            let rev = screen.recv_type("reveal").await;
            let also = rev["also"].as_array().expect("also");
            assert_eq!(also.len(), 1, "{rev}");
            assert_eq!(also[0]["label"], "1986");
            let thumb = also[0]["thumb"].as_str().unwrap();
            let photo = also[0]["photo"].as_str().unwrap();
            assert_ne!(thumb, round["choices"][right]["thumb"].as_str().unwrap());
            for url in [thumb, photo] {
                let bytes = server.fetch_bytes(url).await;
                assert_eq!(
                    identify_portrait(&bytes),
                    target + 8,
                    "{url}: the 1986 photo"
                );
            }
        }
    }
    // A host that comes back mid-reveal gets `also` in its state.
    host.close().await;
    let mut host = connect_host(&server, &code, &key).await;
    assert_eq!(host.state["phase"], "reveal");
    assert_eq!(host.state["also"][0]["label"], "1986", "{}", host.state);
    // The end's cards show the game's yearbook too.
    host.send(json!({"type":"start_round"})).await;
    let over = host.recv_type("game_over").await;
    let card = &over["stats"]["most_recognized"];
    let bytes = server
        .fetch_bytes(card["thumb"].as_str().expect("a card"))
        .await;
    assert!(identify_portrait(&bytes) < 8, "a 1983 photo: {card}");

    // By default each person's newest yearbook photo: 1986.
    let (_, _, mut host, [(mut bob, _)]) =
        room_with(&server, json!({"rounds":2,"seconds":30}), ["Bob"]).await;
    assert!(
        host.state["settings"].get("labels").is_none(),
        "{}",
        host.state
    );
    for r in 1..=2 {
        let round = start_round(&mut host, &mut [&mut bob], r, 2, 30).await;
        let (shown, right, target) = yearbook_choices(&server, &round).await;
        assert!(
            shown.iter().all(|&s| s >= 8),
            "all four from 1986: {shown:?}"
        );
        bob.vote(r, right as u64).await;
        let rev = bob.recv_type("reveal").await;
        let bytes = server
            .fetch_bytes(rev["also"][0]["thumb"].as_str().unwrap())
            .await;
        assert_eq!(identify_portrait(&bytes), target, "also: the 1983 photo");
        assert_eq!(rev["also"][0]["label"], "1983");
    }
    // The host switches labels in the lobby of a new room.
    let (_, _, mut host, _) = room_with(&server, json!({"rounds":1}), []).await;
    host.send(json!({"type":"configure","labels":["1986","1983"]}))
        .await;
    let lobby = host.recv_type("lobby").await;
    assert_eq!(lobby["settings"]["labels"], json!(["1986", "1983"]));
    host.send(json!({"type":"configure","labels":["1999"]}))
        .await;
    assert_eq!(host.recv_error().await, "bad_request");
}

#[tokio::test]
async fn a_reunions_room_asks_from_its_chosen_yearbook_and_reveals_the_other() {
    let server = TestServer::builder().in_process().start();
    let (status, r) = server
        .post_json("/api/organise/reunions", &json!({"title": "Two yearbooks"}))
        .await;
    assert_eq!(status, 201, "{r}");
    let id = r["id"].as_u64().unwrap();
    for (i, p) in PEOPLE.iter().enumerate() {
        let photos = json!([
            {"label": "1983", "data": portrait_b64(i)},
            {"label": "1986", "data": portrait_b64(i + 8)},
        ]);
        let (status, v) = server
            .post_json(
                &format!("/api/organise/reunions/{id}/people"),
                &json!({"name": p.name, "gender": p.gender, "photos": photos}),
            )
            .await;
        assert_eq!(status, 201, "{v}");
    }
    let (_, _, mut host, [(mut ann, _)]) = room_with(
        &server,
        json!({"reunion": id, "rounds": 2, "seconds": 30, "labels": ["1983"]}),
        ["Ann"],
    )
    .await;
    assert_eq!(
        host.state["labels"],
        json!(["1983", "1986"]),
        "{}",
        host.state
    );
    for r in 1..=2 {
        let round = start_round(&mut host, &mut [&mut ann], r, 2, 30).await;
        let (shown, right, target) = yearbook_choices(&server, &round).await;
        assert!(
            shown.iter().all(|&s| s < 8),
            "all four from 1983: {shown:?}"
        );
        ann.vote(r, right as u64).await;
        let rev = ann.recv_type("reveal").await;
        assert_eq!(rev["also"][0]["label"], "1986", "{rev}");
        let url = rev["also"][0]["thumb"].as_str().unwrap();
        let bytes = server.fetch_bytes(url).await;
        assert_eq!(identify_portrait(&bytes), target + 8, "{url}");
        host.recv_type("reveal").await;
    }
}

#[tokio::test]
async fn a_rooms_labels_and_its_questions_photos_survive_kill_9() {
    let dir = two_yearbooks();
    let server = TestServer::builder()
        .roster(&dir.path().join("roster.csv"))
        .start();
    let (code, key, mut host, [(mut ann, _)]) = room_with(
        &server,
        json!({"rounds":2,"seconds":60,"labels":["1986"]}),
        ["Ann"],
    )
    .await;
    let round = start_round(&mut host, &mut [&mut ann], 1, 2, 60).await;
    // 1986 is each person's second photo: a question stored without its
    // photos would come back at the first.
    // Acknowledged, so on disk: the only phone's vote closes the round.
    ann.vote(1, 0).await;
    host.recv_type("reveal").await;
    drop((host, ann));
    let server = server.restart_after_kill9();
    let host = connect_host(&server, &code, &key).await;
    assert_eq!(host.state["phase"], "reveal", "{}", host.state);
    assert_eq!(
        host.state["settings"]["labels"],
        json!(["1986"]),
        "{}",
        host.state
    );
    assert_eq!(host.state["choices"], round["choices"], "the same photos");
    let (shown, _, _) = yearbook_choices(&server, &host.state).await;
    assert!(shown.iter().all(|&s| s >= 8), "still 1986: {shown:?}");
}
