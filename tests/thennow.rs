//! Then & now (issue 21) through the real binary and real sockets: guests
//! say who they are ("I'm…"), the host decides a contested claim, and a
//! guest never answers (nor scores on) a question about themselves; claims
//! survive `kill -9`.

mod common;

use common::*;
use serde_json::{Value, json};

/// The living classmates of the standard roster (the last is in memoriam).
const ALIVE: usize = 7;

/// A phone's search: the names it found.
async fn search(phone: &mut TestClient, query: &str) -> Vec<String> {
    phone
        .send(json!({"type":"find_classmate","query":query}))
        .await;
    let found = phone.recv_type("classmates").await;
    assert_eq!(found["query"], query, "{found}");
    found["people"]
        .as_array()
        .expect("people")
        .iter()
        .map(|p| {
            assert_eq!(
                PEOPLE[p["person"].as_u64().expect("person") as usize].name,
                p["name"],
                "the index names that person: {p}"
            );
            p["name"].as_str().expect("name").to_string()
        })
        .collect()
}

/// Claims `person`; returns the `claim` the phone hears back.
async fn claim(phone: &mut TestClient, person: usize) -> Value {
    phone.send(json!({"type":"claim","person":person})).await;
    phone.recv_type("claim").await["claim"].clone()
}

/// The host's view of `name`'s claim, from the next `lobby` that has one
/// matching `held` (lobby updates are coalesced).
async fn host_sees_claim(host: &mut TestClient, name: &str, held: Option<bool>) -> Value {
    for _ in 0..20 {
        let lobby = host.recv_type("lobby").await;
        let p = lobby["players"]
            .as_array()
            .expect("players")
            .iter()
            .find(|p| p["name"] == name)
            .cloned()
            .expect("the player is listed");
        if p["claim"]["held"].as_bool() == held {
            return p;
        }
    }
    panic!("the host never saw {name}'s claim as {held:?}");
}

#[tokio::test]
async fn a_guest_finds_and_claims_themselves_and_the_host_decides_a_contest() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder());
    let (_code, _key, mut host, [(mut a, _), (mut b, _)]) =
        room_with(&server, json!({"include_memoriam": false}), ["Ann", "Bob"]).await;

    // Accents and case do not matter, nor which name: "now known as" finds too.
    assert_eq!(search(&mut a, "ingrid PARK").await, ["Ingrid Kowalski"]);
    assert_eq!(search(&mut a, "marísol").await, ["Marisol Yates"]);
    assert_eq!(search(&mut a, "  ").await, Vec::<String>::new());
    // Classmates in memoriam are nobody a guest can be.
    assert_eq!(search(&mut a, "ulysses").await, Vec::<String>::new());
    let ulysses = Roster::index_of("Ulysses Thorn");
    a.send(json!({"type":"claim","person":ulysses})).await;
    assert_eq!(a.recv_error().await, "unknown_person");

    let ingrid = Roster::index_of("Ingrid Kowalski");
    let mine = claim(&mut a, ingrid).await;
    assert_eq!(mine["name"], "Ingrid Kowalski");
    assert_eq!(mine["known_as"], "Ingrid Park");
    assert_eq!(mine["held"], true);
    host_sees_claim(&mut host, "Ann", Some(true)).await;

    // Bob says he is Ingrid too: it waits for the host.
    let asked = claim(&mut b, ingrid).await;
    assert_eq!(asked["held"], false, "{asked}");
    let bob = host_sees_claim(&mut host, "Bob", Some(false)).await;
    host.send(json!({"type":"decide_claim","player_id":bob["id"],"give":false}))
        .await;
    assert_eq!(b.recv_type("claim").await["claim"], Value::Null);
    // Asked again, the host gives it to Bob: Ann hears that hers is gone.
    claim(&mut b, ingrid).await;
    host_sees_claim(&mut host, "Bob", Some(false)).await;
    host.send(json!({"type":"decide_claim","player_id":bob["id"],"give":true}))
        .await;
    assert_eq!(b.recv_type("claim").await["claim"]["held"], true);
    assert_eq!(a.recv_type("claim").await["claim"], Value::Null);

    // A phone cannot decide for the host; the host can undo any claim.
    a.send(json!({"type":"decide_claim","player_id":bob["id"],"give":false}))
        .await;
    assert_eq!(a.recv_error().await, "not_host");
    host.send(json!({"type":"undo_claim","player_id":bob["id"]}))
        .await;
    assert_eq!(b.recv_type("claim").await["claim"], Value::Null);
    // And the guest can undo their own.
    claim(&mut a, ingrid).await;
    a.send(json!({"type":"unclaim"})).await;
    assert_eq!(a.recv_type("claim").await["claim"], Value::Null);
}

#[tokio::test]
async fn a_guest_never_scores_on_their_own_question_and_claims_survive_kill_9() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder());
    let names = ["P0", "P1", "P2", "P3", "P4", "P5", "P6", "Guesser"];
    let (code, key, mut host, phones) = room_with(
        &server,
        json!({"include_memoriam": false, "rounds": 3, "seconds": 30}),
        names,
    )
    .await;
    let mut phones: Vec<(TestClient, Value)> = phones.into_iter().collect();
    // Every living classmate is claimed (phone i is classmate i; the one
    // in memoriam is the last), so every question is about a guest.
    assert_eq!(Roster::index_of("Ulysses Thorn"), ALIVE);
    for (person, (phone, _)) in phones.iter_mut().take(ALIVE).enumerate() {
        assert_eq!(claim(phone, person).await["held"], true);
    }

    host.send(json!({"type":"start_round"})).await;
    let round = host.recv_type("round").await;
    let r = round["round"].as_u64().expect("round");
    let target = Roster::index_of(round["prompt"]["name"].as_str().expect("a name prompt"));
    let subject = target;
    // Three men are alive: the choices mix labels, so `answer_of` (which
    // checks they do not) is not for this class.
    let mut answer = None;
    for (i, c) in round["choices"]
        .as_array()
        .expect("choices")
        .iter()
        .enumerate()
    {
        if whose_photo(&server, c["thumb"].as_str().expect("thumb")).await == target {
            answer = Some(i as u64);
        }
    }
    let answer = answer.expect("one choice is the person asked");

    // The subject's phone hears "that's you" after the question, and its
    // vote is refused.
    let (me, _) = &mut phones[subject];
    assert_eq!(me.recv_type("round").await["round"], r);
    assert_eq!(me.recv_type("its_you").await["round"], r);
    me.send(json!({"type":"vote","round":r,"choice":answer}))
        .await;
    assert_eq!(me.recv_error().await, "its_you");
    // Everyone else answers right; the round closes without waiting for
    // the subject, who is still connected.
    for (i, (phone, _)) in phones.iter_mut().enumerate() {
        if i != subject {
            phone.recv_type("round").await;
            phone.vote(r, answer).await;
        }
    }
    let reveal = host.recv_type("reveal").await;
    assert_eq!(reveal["counts"][answer as usize], 7, "{reveal}");
    for (i, (phone, _)) in phones.iter_mut().enumerate() {
        let you = phone.recv_type("reveal").await["you"].clone();
        if i == subject {
            assert_eq!(you["its_you"], true, "{you}");
            assert_eq!(
                (you["points"].clone(), you["choice"].clone()),
                (json!(0), Value::Null)
            );
        } else {
            assert!(you.get("its_you").is_none(), "{you}");
            assert!(you["points"].as_u64().expect("points") >= 500, "{you}");
        }
    }
    let csv = get_results_csv(&server, &code, &key)
        .await
        .text()
        .await
        .expect("csv");
    let subject_name = names[subject];
    assert!(
        csv.lines()
            .any(|l| l.contains(&format!(",{subject_name},0,0,0"))),
        "{csv}"
    );
    assert!(
        !csv.contains("Kowalski") && !csv.contains("claim"),
        "results.csv says nothing of claims: {csv}"
    );

    // After kill -9, the claims are still there: the subject's phone
    // comes back with its claim, and the host's list shows them all.
    let tokens: Vec<String> = phones
        .iter()
        .map(|(_, w)| w["token"].as_str().expect("token").to_string())
        .collect();
    drop(phones);
    drop(host);
    let server = server.restart_after_kill9();
    let (back, _) = resume(&server, &code, &tokens[subject], "back").await;
    assert_eq!(
        back.state["you"]["claim"]["person"], target,
        "{}",
        back.state
    );
    assert_eq!(back.state["you"]["its_you"], true, "{}", back.state);
    let host = connect_host(&server, &code, &key).await;
    let claimed = host.state["players"]
        .as_array()
        .expect("players")
        .iter()
        .filter(|p| p["claim"]["held"] == true)
        .count();
    assert_eq!(claimed, ALIVE, "{}", host.state);
}
