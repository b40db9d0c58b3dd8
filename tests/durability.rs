//! Nothing lost on the night: a reconnect storm, and a store that fails
//! mid-round (no vote is acknowledged that is not stored; the server keeps
//! answering).

mod common;

use std::time::{Duration, Instant};

use common::*;
use futures_util::future::join_all;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_phones_drop_and_resume_at_once_as_themselves() {
    let server = TestServer::builder().in_process().start();
    let (code, key) = create_room(&server, json!({"rounds": 2, "seconds": 60})).await;
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
    // Connected only now: a host screen that reads nothing while 200
    // phones join would fall behind and be closed as a stalled reader.
    let mut host = connect_host(&server, &code, &key).await;
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
    // Not a rule of the contract (resumes are never paced): a generous
    // bound on the machine, so a storm that crawls or hangs fails.
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
async fn a_question_resumed_after_kill_9_gets_at_least_five_seconds() {
    // A stopped clock in both processes: elapsed times are what was
    // skipped, and a restart takes no time on it.
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().test_clock());
    let (code, key) = create_room(&server, json!({"rounds": 1, "seconds": 6})).await;
    let mut host = connect_host(&server, &code, &key).await;
    let mut phones = Vec::new();
    for name in ["Ann", "Bob", "Cy"] {
        phones.push(join(&server, &code, name).await);
    }
    host.send(json!({"type": "start_round"})).await;
    let round = host.recv_type("round").await;
    assert_eq!(round["remaining_ms"], 6000, "{round}");
    for (phone, _) in &mut phones {
        phone.recv_type("round").await;
    }
    let ans = answer_of(&server, &round).await as u64;
    // 1 s left: Ann votes, and the server dies.
    server.skip(Duration::from_secs(5));
    phones[0].0.vote(1, ans).await;
    let tokens: Vec<String> = phones
        .iter()
        .map(|(_, w)| w["token"].as_str().unwrap().to_string())
        .collect();
    drop((host, phones));
    let server = server.restart_after_kill9();

    // Back with 5 s, not the 1 s it had.
    let mut host = connect_host(&server, &code, &key).await;
    assert_eq!(host.state["phase"], "question", "{}", host.state);
    assert_eq!(host.state["remaining_ms"], 5000, "{}", host.state);
    let (mut bob, _) = resume(&server, &code, &tokens[1], "Bob").await;
    let (mut cy, _) = resume(&server, &code, &tokens[2], "Cy").await;
    assert_eq!(bob.state["remaining_ms"], 5000, "{}", bob.state);
    // Open until then (Cy, connected, has not voted: no early close)…
    server.skip(Duration::from_millis(4999));
    bob.vote(1, ans).await;
    let (_, info) = server.get_json(&format!("/api/rooms/{code}")).await;
    assert_eq!(info["phase"], "question", "at 4.999 s: {info}");
    // …and closed at 5 s.
    server.skip(Duration::from_millis(1));
    let rev = host.recv_type("reveal").await;
    let points = |name: &str| score_of(&rev, name);
    // Points keep the original 6 s limit: Ann at 5 s, Bob past it.
    assert_eq!(
        points("Ann"),
        Some(json!(583)),
        "round(1000 × (1 − 5/6/2)): {rev}"
    );
    assert_eq!(
        points("Bob"),
        Some(json!(500)),
        "the least a right answer gets: {rev}"
    );
    assert_eq!(points("Cy"), Some(json!(0)), "{rev}");
    let crev = cy.recv_type("reveal").await;
    assert!(crev["you"]["choice"].is_null(), "{crev}");
}

#[tokio::test]
async fn a_failing_store_acknowledges_nothing_and_the_server_keeps_answering() {
    let server = TestServer::start();
    let (code, _, mut host, [(mut ann, _), (mut bob, _), (mut cy, _)]) = room_with(
        &server,
        json!({"rounds": 2, "seconds": 60}),
        ["Ann", "Bob", "Cy"],
    )
    .await;
    host.send(json!({"type": "start_round"})).await;
    ann.recv_type("round").await;
    bob.recv_type("round").await;
    cy.recv_type("round").await;
    // Ann's vote is stored before the trouble starts.
    ann.vote(1, 0).await;
    // The projector counts it: the vote reached the room, not only the ack.
    loop {
        let p = host.recv_type("progress").await;
        let answered = p["answered"].as_u64();
        assert!(answered <= Some(1), "one vote so far: {p}");
        if answered == Some(1) {
            break;
        }
    }

    // The database file disappears under the running server.
    let db = server.dir().join("t.db");
    std::fs::remove_file(&db).unwrap();
    let _ = std::fs::remove_file(server.dir().join("t.db-wal"));

    // A vote caught in flight is neither acknowledged nor refused: it stays
    // queued for the disk (a refusal the retry later broke would be a lie).
    bob.send(json!({"type": "vote", "round": 1, "choice": 1}))
        .await;
    bob.expect_quiet(Duration::from_millis(1500), &["lobby", "pong"])
        .await;

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
    // `recv_type` fails on a timeout, an error or a close.
    cy.recv_type("pong").await;
    cy.send(json!({"type": "vote", "round": 1, "choice": 2}))
        .await;
    let reply = cy.recv_significant().await;
    assert_eq!(reply["code"], "storage_unavailable", "{reply}");
}

// ---------------------------------------------------------------------------
// A disk that fills mid-round (issue 16 §3): `--db-max-mb 1` caps the
// server's database; another program then grows the file past the cap, as
// another program filling a small disk would.

/// The cap the server runs with, in bytes (`--db-max-mb 1`).
const CAP_BYTES: i64 = 1024 * 1024;

/// A folder whose `t.db` has 512-byte pages, so that every few commits need
/// a new page: a full disk shows within a vote or two.
fn small_paged_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let conn = rusqlite::Connection::open(dir.path().join("t.db")).unwrap();
    conn.execute_batch("PRAGMA page_size = 512; CREATE TABLE padding (x BLOB);")
        .unwrap();
    dir
}

fn outside_connection(db: &std::path::Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.busy_timeout(Duration::from_secs(10)).unwrap();
    conn
}

/// Another program fills the disk: the database grows past the cap.
fn fill_disk(db: &std::path::Path) {
    outside_connection(db)
        .execute(
            "INSERT INTO padding VALUES (zeroblob(?1))",
            [CAP_BYTES + 64 * 1024],
        )
        .unwrap();
}

/// The space comes back (the padding's pages become free pages).
fn free_disk(db: &std::path::Path) {
    outside_connection(db)
        .execute("DELETE FROM padding", [])
        .unwrap();
}

async fn wait_health(server: &TestServer, want: u16) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let status = server.get("/healthz").await.status().as_u16();
        if status == want {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "/healthz still {status}, not {want}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The next message that is not noise, or `None` within `d`.
async fn next_significant(client: &mut TestClient, d: Duration) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + d;
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match client.next_within(left).await {
            None => return None,
            Some(Incoming::Json(v)) if NOISE.contains(&v["type"].as_str().unwrap()) => continue,
            Some(Incoming::Json(v)) => return Some(v),
            Some(Incoming::Closed(c)) => panic!("[{}] closed: {c:?}", client.label),
        }
    }
}

const PHONES: usize = 8;

/// A round whose disk filled while it was open, as it stands past its
/// deadline: closed on the server, revealed to nobody.
struct Outage {
    server: TestServer,
    code: String,
    key: String,
    host: TestClient,
    phones: Vec<TestClient>,
    tokens: Vec<String>,
    /// Each phone's vote that was acknowledged before the disk filled.
    stored: Vec<Option<u64>>,
    /// The phone whose vote was being written when the disk filled: neither
    /// acknowledged nor refused.
    in_flight: usize,
    /// Phones whose votes were refused with `storage_unavailable`.
    refused: Vec<usize>,
}

async fn disk_fills_mid_round() -> Outage {
    let server = TestServer::builder()
        .arg("--db-max-mb")
        .arg("1")
        .test_clock()
        .start_in(small_paged_dir());
    let db = server.db_path();
    store_fails_mid_round(server, move || fill_disk(&db)).await
}

/// Eight phones, a round open, one vote stored; then `fail` breaks the
/// disk under the server, and the round is played into the outage. The
/// server runs on the test clock: its 6 s deadline is skipped, not waited.
async fn store_fails_mid_round(server: TestServer, fail: impl FnOnce()) -> Outage {
    let (code, key) = create_room(&server, json!({"rounds": 2, "seconds": 6})).await;
    let mut host = connect_host(&server, &code, &key).await;
    let mut phones = Vec::new();
    let mut tokens = Vec::new();
    for i in 0..PHONES {
        let (phone, welcome) = join(&server, &code, &format!("P{i}")).await;
        tokens.push(welcome["token"].as_str().unwrap().to_string());
        phones.push(phone);
    }
    host.send(json!({"type": "start_round"})).await;
    let round = host.recv_type("round").await;
    assert_eq!(round["remaining_ms"], 6000, "{round}");
    for phone in &mut phones {
        phone.recv_type("round").await;
    }
    let mut stored = vec![None; PHONES];
    phones[0].vote(1, 0).await;
    stored[0] = Some(0);

    fail();
    // Phones vote one by one until one's write meets the failing disk.
    let mut in_flight = None;
    for (i, phone) in phones.iter_mut().enumerate().skip(1) {
        phone
            .send(json!({"type": "vote", "round": 1, "choice": 1}))
            .await;
        match next_significant(phone, Duration::from_millis(700)).await {
            Some(v) if v["type"] == "vote_ack" => stored[i] = Some(1),
            None => {
                in_flight = Some(i);
                break;
            }
            Some(v) => panic!("[P{i}] neither an ack nor silence: {v}"),
        }
    }
    let in_flight = in_flight.expect("the disk never failed");
    wait_health(&server, 503).await;
    let said = server.get("/healthz").await.text().await.unwrap();
    assert_eq!(said, "storage unavailable", "the contract's words");
    let mut refused = Vec::new();
    for (i, phone) in phones.iter_mut().enumerate().skip(in_flight + 1) {
        phone
            .send(json!({"type": "vote", "round": 1, "choice": 2}))
            .await;
        let reply = phone.recv_significant().await;
        assert_eq!(reply["code"], "storage_unavailable", "[P{i}] {reply}");
        refused.push(i);
    }
    assert!(
        !refused.is_empty(),
        "every phone voted before the disk filled"
    );

    // The host screen says why, and its commands change nothing meanwhile.
    let said = host.recv_type("error").await;
    assert_eq!(said["code"], "storage_unavailable", "{said}");
    host.send(json!({"type": "reveal"})).await;
    let said = host.recv_type("error").await;
    assert_eq!(said["code"], "storage_unavailable", "{said}");

    // The deadline passes: the round is over, and nobody sees its answer.
    server.skip(Duration::from_secs(6));
    let quiet = Duration::from_millis(1000);
    let (mut host, phones) = {
        let host_quiet = host.expect_quiet(quiet, &["progress", "lobby"]);
        let phones_quiet = join_all(
            phones
                .iter_mut()
                .map(|phone| phone.expect_quiet(quiet, &["lobby", "pong"])),
        );
        tokio::join!(host_quiet, phones_quiet);
        (host, phones)
    };
    host.send(json!({"type": "ping"})).await;
    host.recv_type("pong").await;
    Outage {
        server,
        code,
        key,
        host,
        phones,
        tokens,
        stored,
        in_flight,
        refused,
    }
}

/// Every phone gets a reveal that counts exactly `votes` (each phone's
/// choice, or `None`), its own among them; returns the counts.
async fn expect_reveal_counting(phones: &mut [TestClient], votes: &[Option<u64>]) -> [u64; 4] {
    let mut counts = [0u64; 4];
    for choice in votes.iter().flatten() {
        counts[*choice as usize] += 1;
    }
    for (i, phone) in phones.iter_mut().enumerate() {
        let reveal = phone.recv_type("reveal").await;
        assert_eq!(reveal["counts"], json!(counts), "[P{i}] {reveal}");
        let you = &reveal["you"];
        assert_eq!(you["choice"].as_u64(), votes[i], "[P{i}] {reveal}");
        if votes[i].is_none() {
            assert_eq!(you["points"], 0, "[P{i}] {reveal}");
        }
    }
    counts
}

/// `answered` per name from `results.csv`.
async fn answered(server: &TestServer, code: &str, key: &str) -> Vec<(String, u64)> {
    let csv = server
        .http
        .get(server.url(&format!("/api/rooms/{code}/results.csv")))
        .bearer_auth(key)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut rows: Vec<(String, u64)> = csv
        .lines()
        .skip(1)
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            (cells[1].to_string(), cells[4].parse().unwrap())
        })
        .collect();
    rows.sort();
    rows
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_round_whose_close_never_reached_the_disk_reopens_unseen_after_kill_9() {
    let outage = disk_fills_mid_round().await;
    // kill -9; the operator frees some space; the server comes back.
    reopens_unseen_after_kill9(outage, |dir| free_disk(&dir.join("t.db"))).await;
}

/// kill -9, `meanwhile` (the operator's repair), a new server: the round
/// the outage caught reopens with exactly the acknowledged votes, nobody
/// having seen its answer, and plays to a reveal that counts each vote
/// once. Returns the new server and the room's code.
async fn reopens_unseen_after_kill9(
    outage: Outage,
    meanwhile: impl FnOnce(&std::path::Path),
) -> (TestServer, String) {
    let Outage {
        server,
        code,
        key,
        tokens,
        mut stored,
        in_flight,
        refused,
        ..
    } = outage;
    let server = server.restart_after_kill9_then(meanwhile);
    wait_health(&server, 200).await;
    let mut phones = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let (phone, _) = resume(&server, &code, token, &format!("P{i} again")).await;
        let state = &phone.state;
        assert_eq!(
            state["phase"], "question",
            "[P{i}] the round reopens: {state}"
        );
        assert_eq!(state["round"], 1, "[P{i}] {state}");
        // At least 5 s (the contract); more when the last stamp on disk
        // is older than the deadline's last second.
        assert!(state["remaining_ms"].as_u64().unwrap() >= 5000, "{state}");
        assert_eq!(
            state["voted"].as_u64(),
            stored[i],
            "[P{i}] only votes that were acknowledged are kept (in flight: P{in_flight}, refused: {refused:?}): {state}"
        );
        phones.push(phone);
    }
    // Whoever was refused (or never heard) votes again, for another
    // choice: the refused vote never counted, so this one is accepted.
    for (i, phone) in phones.iter_mut().enumerate() {
        if stored[i].is_none() {
            phone.vote(1, 3).await;
            stored[i] = Some(3);
        }
    }
    expect_reveal_counting(&mut phones, &stored).await;
    for (name, n) in answered(&server, &code, &key).await {
        assert_eq!(n, 1, "{name} answered once: {n}");
    }
    (server, code)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_round_closed_on_a_full_disk_is_revealed_once_space_returns() {
    let Outage {
        server,
        code,
        key,
        mut host,
        mut phones,
        stored,
        in_flight,
        ..
    } = disk_fills_mid_round().await;
    // Meanwhile a new phone cannot join, and a host screen that connects
    // is told why (its `state` would show the unsaved close: it waits).
    let mut late = TestClient::connect(&server, &code, "late").await;
    late.send(json!({"type": "join", "name": "Late"})).await;
    assert_eq!(late.recv_error().await, "storage_unavailable");
    assert_eq!(late.expect_close().await, Some(1013));
    let mut second = TestClient::connect(&server, &code, "second host").await;
    second.send(json!({"type": "hello", "key": key})).await;
    let said = second.recv_significant().await;
    assert_eq!(said["code"], "storage_unavailable", "{said}");

    free_disk(&server.db_path());
    // The vote caught by the full disk is stored after all: its ack comes
    // first, then the reveal counts it.
    let ack = phones[in_flight].recv_significant().await;
    assert_eq!(ack["type"], "vote_ack", "{ack}");
    let mut counted = stored.clone();
    counted[in_flight] = Some(1);
    let counts = expect_reveal_counting(&mut phones, &counted).await;
    // The host hears that the store works again (just before or after the
    // reveal: the reveal waits for the disk, not for the news).
    let (mut reveal, mut back) = (None, None);
    while reveal.is_none() || back.is_none() {
        let v = host.recv_significant().await;
        match v["type"].as_str() {
            Some("reveal") => reveal = Some(v),
            Some("storage") => back = Some(v),
            _ => panic!("host: {v}"),
        }
    }
    assert_eq!(back, Some(json!({"type": "storage", "ok": true})));
    assert_eq!(reveal.unwrap()["counts"], json!(counts));
    let state = second.recv_type("state").await;
    assert_eq!(state["phase"], "reveal", "{state}");
    wait_health(&server, 200).await;
    for (name, n) in answered(&server, &code, &key).await {
        let i: usize = name[1..].parse().unwrap();
        assert_eq!(n, u64::from(counted[i].is_some()), "{name}: {n}");
    }
}

// ---------------------------------------------------------------------------
// A disk that turns read-only under the running server, as ext4 does on an
// I/O error with `errors=remount-ro` (Debian's default). A plain `mount -o
// remount,ro` cannot do that: the kernel refuses it (EBUSY) while a file
// on it is open for writing, and the server's database always is. So the
// server's folder is a small ext4 image, loop-mounted in a mount namespace
// of the server's own (gone with the server, however the test ends), and
// the test has the kernel record a file-system error: ext4 turns read-only
// for good, as after a real one, and every write and fsync gets EROFS. The
// way back is the operator's: stop the server, fsck, mount, start again.
// Needs root (loop devices, ext4): skipped otherwise, failing under `CI`.

/// Mounts the ext4 image `$1` on `$2` (after the last run's mount is
/// released and fsck has repaired what the error left), then runs the rest.
const MOUNT_EXT4: &str = r#"set -e
img=$1 dir=$2
shift 2
i=0
while [ -n "$(losetup -j "$img")" ] && [ "$i" -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -z "$(losetup -j "$img")" ]
e2fsck -fy "$img" >/dev/null 2>&1 || [ "$?" -le 2 ]
mount -o loop,errors=remount-ro "$img" "$dir"
exec "$@""#;

/// A small ext4 image for the server's folder.
struct Ext4Disk {
    image: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Ext4Disk {
    /// A fresh image, or `None` (after saying why) where this machine
    /// cannot mount one; under `CI` that fails the test instead.
    fn new() -> Option<Ext4Disk> {
        let dir = tempfile::tempdir().unwrap();
        let image = dir.path().join("disk.img");
        std::fs::File::create(&image)
            .and_then(|f| f.set_len(16 * 1024 * 1024))
            .unwrap();
        let probe = dir.path().join("probe");
        std::fs::create_dir(&probe).unwrap();
        let disk = Ext4Disk { image, _dir: dir };
        let mut mkfs = std::process::Command::new("mkfs.ext4");
        mkfs.args(["-q", "-F"]).arg(&disk.image);
        // Mounted, with the switch the test pulls.
        let mut mount = disk.command(&probe);
        mount.args([
            "sh",
            "-c",
            r#"test -w "/sys/fs/ext4/$(basename "$(findmnt -no SOURCE "$1")")/trigger_fs_error""#,
            "sh",
        ]);
        mount.arg(&probe);
        for mut step in [mkfs, mount] {
            let why = match step.output() {
                Ok(out) if out.status.success() => continue,
                Ok(out) => format!(
                    "{step:?} failed: {}{}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr).trim()
                ),
                Err(e) => format!("{step:?} cannot run: {e}"),
            };
            if std::env::var_os("CI").is_some() {
                panic!("{why}; CI must run the read-only disk tests (as root, with loop devices)");
            }
            // Straight to the terminal: the harness swallows the output
            // of a passing test.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED: no ext4 image can be mounted here (needs root and loop devices): {why}"
            );
            return None;
        }
        Some(disk)
    }

    /// `unshare -m` with [`MOUNT_EXT4`] for a mount on `dir`.
    fn command(&self, dir: &std::path::Path) -> std::process::Command {
        let mut cmd = std::process::Command::new("unshare");
        cmd.args(self.wrapper_for(dir.to_str().unwrap()));
        cmd
    }

    fn wrapper_for(&self, dir: &str) -> Vec<String> {
        let image = self.image.to_str().unwrap().to_string();
        ["-m", "sh", "-c", MOUNT_EXT4, "sh", &image, dir]
            .map(String::from)
            .to_vec()
    }

    /// For [`ServerBuilder::wrapped_in`]: the server runs on the image,
    /// mounted on its folder.
    fn wrapper(&self) -> Vec<String> {
        let mut w = vec!["unshare".to_string()];
        w.extend(self.wrapper_for("{dir}"));
        w
    }

    /// The kernel records a file-system error: ext4 turns read-only.
    fn turn_read_only(&self) {
        let out = std::process::Command::new("losetup")
            .arg("-j")
            .arg(&self.image)
            .output()
            .unwrap();
        let listing = String::from_utf8_lossy(&out.stdout);
        let device = listing
            .split(':')
            .next()
            .and_then(|d| d.strip_prefix("/dev/"))
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| panic!("the image is not mounted: {listing:?}"));
        std::fs::write(format!("/sys/fs/ext4/{device}/trigger_fs_error"), "1").unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disk_gone_read_only_mid_round_loses_no_acknowledged_vote() {
    let Some(disk) = Ext4Disk::new() else {
        return;
    };
    let roster = standard_roster();
    let server = TestServer::builder()
        .roster(&roster.csv())
        .wrapped_in(disk.wrapper())
        .test_clock()
        .start();
    let outage = store_fails_mid_round(server, || disk.turn_read_only()).await;
    // Nobody new gets in while the disk is read-only.
    let mut late = TestClient::connect(&outage.server, &outage.code, "late").await;
    late.send(json!({"type": "join", "name": "Late"})).await;
    assert_eq!(late.recv_error().await, "storage_unavailable");
    assert_eq!(late.expect_close().await, Some(1013));
    // The operator stops the server, repairs and mounts the disk again
    // (the wrapper does), and starts it: the game goes on.
    let (server, code) = reopens_unseen_after_kill9(outage, |_| {}).await;
    let (_late, welcome) = join(&server, &code, "Late").await;
    assert_eq!(welcome["name"], "Late", "{welcome}");
}

/// Mounts a small tmpfs on `$1`, copies `$2` (if given) in, makes it
/// read-only and runs the rest: a database folder already read-only when
/// the server starts. Needs no root: run in `unshare -rm`.
const READ_ONLY_TMPFS: &str = r#"set -e
mount -t tmpfs -o size=4m tmpfs "$1"
if [ -n "$2" ]; then cp "$2" "$1/"; fi
mount -o remount,ro "$1"
shift 2
exec "$@""#;

/// `serve --db DIR/t.db`, DIR a read-only tmpfs holding a copy of `db`
/// (or nothing); `None` (after saying why) where no user and mount
/// namespace can be had, failing under `CI` instead.
fn serve_on_read_only_folder(db: Option<&std::path::Path>) -> Option<Finished> {
    let dir = tempfile::tempdir().unwrap();
    let probe = std::process::Command::new("unshare")
        .args(["-rm", "sh", "-c", READ_ONLY_TMPFS, "sh"])
        .arg(dir.path())
        .args(["", "true"])
        .output();
    match probe {
        Ok(out) if out.status.success() => {}
        other => {
            let why = format!("unshare -rm with a tmpfs mount: {other:?}");
            if std::env::var_os("CI").is_some() {
                panic!("{why}; CI must run the read-only folder test");
            }
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "SKIPPED: {why}");
            return None;
        }
    }
    let roster = standard_roster();
    let mut cmd = clean_cmd("unshare");
    cmd.args(["-rm", "sh", "-c", READ_ONLY_TMPFS, "sh"])
        .arg(dir.path())
        .arg(db.map(|p| p.as_os_str()).unwrap_or_default())
        .args([BIN, "serve", "--addr", "127.0.0.1:0", "--db"])
        .arg(dir.path().join("t.db"))
        .arg("--roster")
        .arg(roster.csv());
    Some(run_with_timeout(cmd, Duration::from_secs(60)))
}

#[test]
fn a_server_whose_database_folder_is_read_only_says_so_and_stops() {
    // A database from an earlier run (WAL, closed cleanly), and none yet.
    let earlier = tempfile::tempdir().unwrap();
    let db = earlier.path().join("t.db");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.execute_batch("CREATE TABLE earlier (x);").unwrap();
    }
    for db in [Some(db.as_path()), None] {
        let Some(run) = serve_on_read_only_folder(db) else {
            return;
        };
        assert_eq!(run.code(), Some(1), "{db:?}: {}", run.all_output());
        assert!(!run.stdout.contains("listening"), "{db:?}: {}", run.stdout);
        let said = run.stderr.lines().find(|l| l.starts_with("error: "));
        assert!(
            said.is_some_and(|l| l.contains("t.db") && l.contains("Read-only file system")),
            "{db:?}: one line names the database and the read-only disk: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
}

// ---------------------------------------------------------------------------
// A database the binary cannot fully read (issue 16 §5).

#[test]
fn a_database_from_a_newer_yearbook_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             CREATE TABLE from_the_future (x);
             INSERT INTO from_the_future VALUES (1);
             PRAGMA user_version = 99;",
        )
        .unwrap();
    }
    let bytes = std::fs::read(&db).unwrap();
    let modified = std::fs::metadata(&db).unwrap().modified().unwrap();
    let mut cmd = yearbook_cmd();
    cmd.args(["serve", "--addr", "127.0.0.1:0", "--db"])
        .arg(&db);
    let run = run_with_timeout(cmd, Duration::from_secs(60));
    assert_eq!(run.code(), Some(1), "{}", run.all_output());
    assert!(
        run.stderr.contains("newer yearbook") && run.stderr.contains("untouched"),
        "says why: {}",
        run.stderr
    );
    assert!(!run.stdout.contains("listening"), "{}", run.stdout);
    assert_eq!(std::fs::read(&db).unwrap(), bytes, "the file's bytes");
    assert_eq!(
        std::fs::metadata(&db).unwrap().modified().unwrap(),
        modified,
        "the file's mtime"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_room_with_an_unreadable_event_is_set_aside_and_the_others_play_on() {
    let server = TestServer::start();
    let (broken, _) = create_room(&server, json!({"rounds": 2, "seconds": 30})).await;
    let (code, key) = create_room(&server, json!({"rounds": 2, "seconds": 30})).await;
    let (_ann, _) = join(&server, &broken, "Ann").await;
    let (_bob, welcome) = join(&server, &code, "Bob").await;
    let token = welcome["token"].as_str().unwrap().to_string();

    // One event of one room is damaged while the server is down.
    let server = server.restart_after_kill9_then(|dir| {
        let conn = outside_connection(&dir.join("t.db"));
        let changed = conn
            .execute(
                "UPDATE events SET body = '{\"e\":\"joined\",' WHERE room = ?1
                 AND seq = (SELECT MAX(seq) FROM events WHERE room = ?1)",
                [&broken],
            )
            .unwrap();
        assert_eq!(changed, 1);
    });

    // The other room plays on.
    let (mut bob, _) = resume(&server, &code, &token, "Bob again").await;
    let mut host = connect_host(&server, &code, &key).await;
    host.send(json!({"type": "start_round"})).await;
    bob.recv_type("round").await;
    // The damaged one is out of play, named in the log and in /metrics.
    let (status, _) = server.get_json(&format!("/api/rooms/{broken}")).await;
    assert_eq!(status, 404);
    let metrics = server.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains("\nyearbook_rooms_set_aside 1\n")
            && metrics.contains(&format!("yearbook_room_set_aside{{code=\"{broken}\"}} 1")),
        "{metrics}"
    );
    let log = server.stderr();
    assert!(
        log.lines()
            .any(|l| l.contains("set aside") && l.contains(&broken) && l.contains("unreadable")),
        "{log}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_room_whose_writes_fail_for_good_answers_its_phones_rather_than_leave_them_waiting() {
    let server = TestServer::start();
    let (code, _, mut host, [(mut ann, _), (mut bob, _)]) =
        room_with(&server, json!({"rounds": 2, "seconds": 60}), ["Ann", "Bob"]).await;
    host.send(json!({"type": "start_round"})).await;
    ann.recv_type("round").await;
    bob.recv_type("round").await;

    // From now on each event of this room fails to be written, the same
    // way every time: the store sets the room aside and drops its writes.
    outside_connection(&server.db_path())
        .execute_batch(&format!(
            "CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.room = '{code}'
             BEGIN SELECT RAISE(ABORT, 'refused'); END;"
        ))
        .unwrap();
    ann.send(json!({"type": "vote", "round": 1, "choice": 0}))
        .await;
    let reply = ann.recv_significant().await;
    assert_eq!(reply["code"], "storage_unavailable", "{reply}");
    // A phone joining now is not welcomed (nor kept waiting) into a game
    // that cannot save it: told so, and closed.
    let mut cy = TestClient::connect(&server, &code, "Cy").await;
    cy.send(json!({"type": "join", "name": "Cy"})).await;
    assert_eq!(cy.recv_error().await, "storage_unavailable");
    assert_eq!(cy.expect_close().await, Some(1013));
    // The host screen is told, as when the store fails, and its commands
    // change nothing: a reveal or a round it showed could not be kept.
    assert_eq!(host.recv_error().await, "storage_unavailable");
    host.send(json!({"type": "reveal"})).await;
    assert_eq!(host.recv_error().await, "storage_unavailable");
    host.send(json!({"type": "start_round"})).await;
    assert_eq!(host.recv_error().await, "storage_unavailable");
}

#[tokio::test]
async fn a_question_paused_at_kill_9_comes_back_paused_with_its_time_left() {
    // A stopped clock in both processes: the new one reads earlier than
    // the old one stopped (its skips are gone), as a clock set back would.
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder().test_clock());
    let (code, key) = create_room(&server, json!({"rounds": 1, "seconds": 20})).await;
    let mut host = connect_host(&server, &code, &key).await;
    let (mut ann, wa) = join(&server, &code, "Ann").await;
    let (_bob, wb) = join(&server, &code, "Bob").await;
    host.send(json!({"type": "start_round"})).await;
    let round = host.recv_type("round").await;
    ann.recv_type("round").await;
    let ans = answer_of(&server, &round).await as u64;
    server.skip(Duration::from_secs(5));
    host.send(json!({"type": "pause"})).await;
    let timer = ann.recv_type("timer").await;
    assert_eq!(
        (&timer["remaining_ms"], &timer["paused"]),
        (&json!(15_000), &json!(true))
    );
    ann.vote(1, ans).await;
    server.skip(Duration::from_secs(10));
    drop((host, ann));
    let server = server.restart_after_kill9();

    let mut host = connect_host(&server, &code, &key).await;
    assert_eq!(host.state["phase"], "question", "{}", host.state);
    assert_eq!(host.state["paused"], true, "{}", host.state);
    assert_eq!(host.state["remaining_ms"], 15_000, "{}", host.state);
    let (mut ann, _) = resume(&server, &code, wa["token"].as_str().unwrap(), "Ann").await;
    let (mut bob, _) = resume(&server, &code, wb["token"].as_str().unwrap(), "Bob").await;
    assert_eq!(ann.state["paused"], true, "{}", ann.state);
    assert_eq!(ann.state["remaining_ms"], 15_000, "{}", ann.state);
    // Still paused well past its time: nothing closes it. (Bob stays, and
    // not voting, keeps the round open after the unpause.)
    for _ in 0..2 {
        server.skip(Duration::from_secs(10));
        // Said within the 25 s a silent socket is given.
        for c in [&mut host, &mut ann, &mut bob] {
            c.send(json!({"type": "ping"})).await;
            c.recv_type("pong").await;
        }
    }
    let (_, info) = server.get_json(&format!("/api/rooms/{code}")).await;
    assert_eq!(info["phase"], "question", "{info}");

    host.send(json!({"type": "unpause"})).await;
    let timer = ann.recv_type("timer").await;
    assert_eq!(
        (&timer["remaining_ms"], &timer["paused"]),
        (&json!(15_000), &json!(false))
    );
    server.skip(Duration::from_millis(14_999));
    let (_, info) = server.get_json(&format!("/api/rooms/{code}")).await;
    assert_eq!(info["phase"], "question", "at 14.999 s: {info}");
    server.skip(Duration::from_millis(1));
    let rev = host.recv_type("reveal").await;
    // Ann's vote as the pause began: 5 s of 20.
    assert_eq!(rev["leaderboard"][0]["name"], "Ann", "{rev}");
    assert_eq!(rev["leaderboard"][0]["score"], 875, "{rev}");
}

#[tokio::test]
async fn a_kicked_name_and_device_stay_out_after_kill_9() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder());
    let (code, key) = create_room(&server, json!({})).await;
    let mut host = connect_host(&server, &code, &key).await;
    let mut ann = TestClient::connect(&server, &code, "Ann").await;
    ann.send(json!({"type":"join","name":"Ann","device":"phone-of-ann"}))
        .await;
    let wa = ann.recv_type("welcome").await;
    host.send(json!({"type":"kick","player_id":wa["player_id"]}))
        .await;
    assert_eq!(ann.recv_error().await, "kicked");
    // The kick is on disk once the host's lobby shows it.
    loop {
        let l = host.recv_type("lobby").await;
        if l["kicked"].as_array().is_some_and(|k| k.len() == 1) {
            break;
        }
    }
    drop((host, ann));
    let server = server.restart_after_kill9();

    let host = connect_host(&server, &code, &key).await;
    assert_eq!(
        host.state["kicked"],
        json!([{"id": wa["player_id"], "name": "Ann"}]),
        "{}",
        host.state
    );
    for (join, code_wanted) in [
        (json!({"type":"join","name":"ann"}), "name_taken"),
        (
            json!({"type":"join","name":"Someone","device":"phone-of-ann"}),
            "kicked",
        ),
    ] {
        let mut c = TestClient::connect(&server, &code, "again").await;
        c.send(join.clone()).await;
        assert_eq!(c.recv_error().await, code_wanted, "{join}");
    }
}

// ---------------------------------------------------------------------------
// `yearbook backup`

fn backup_cmd(db: &std::path::Path, out: &std::path::Path) -> Finished {
    let mut cmd = yearbook_cmd();
    cmd.arg("backup").arg("--db").arg(db).arg("--out").arg(out);
    run_with_timeout(cmd, Duration::from_secs(60))
}

/// The host starts the next round; its `round`, once every phone has it.
async fn start_round<const N: usize>(host: &mut TestClient, phones: [&mut TestClient; N]) -> Value {
    host.send(json!({"type": "start_round"})).await;
    let round = host.recv_type("round").await;
    for p in phones {
        p.recv_type("round").await;
    }
    round
}

/// A live game is copied mid-round: every vote acknowledged before the
/// copy is in it (most of them still in the WAL, which a plain file copy
/// would miss), the server plays on meanwhile, and the copy, served on
/// its own, carries on the same game with the same photo addresses.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_mid_game_serves_the_game_as_it_was() {
    let roster = standard_roster();
    let server = server_with(&roster, TestServer::builder());
    let (code, key, mut host, [(mut ann, wa), (mut bob, wb), (mut cid, wc)]) = room_with(
        &server,
        json!({"rounds": 3, "seconds": 60}),
        ["Ann", "Bob", "Cid"],
    )
    .await;
    let first = start_round(&mut host, [&mut ann, &mut bob, &mut cid]).await;
    let right = answer_of(&server, &first).await as u64;
    ann.vote(1, right).await;
    bob.vote(1, (right + 1) % 4).await;
    cid.vote(1, right).await;
    let reveal = host.recv_type("reveal").await;
    let ann_score = score_of(&reveal, "Ann").expect("Ann on the leaderboard");
    assert!(ann_score.as_u64().unwrap() > 0, "{reveal}");

    let second = start_round(&mut host, [&mut ann, &mut bob, &mut cid]).await;
    let right = answer_of(&server, &second).await as u64;
    ann.vote(2, right).await;
    bob.vote(2, (right + 1) % 4).await;

    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("t.db");
    let db = server.db_path();
    let done = tokio::task::spawn_blocking({
        let (db, copy) = (db.clone(), copy.clone());
        move || backup_cmd(&db, &copy)
    })
    .await
    .unwrap();
    assert_eq!(done.code(), Some(0), "backup: {}", done.all_output());
    assert!(
        done.stdout.contains("ok") && done.stdout.contains("1 games"),
        "{}",
        done.stdout
    );
    assert!(
        std::fs::metadata(db.with_extension("db-wal")).is_ok_and(|m| m.len() > 0),
        "the server's recent writes are in its WAL, not yet in t.db"
    );

    // Never over an existing file: the first copy stays as it was.
    let before = std::fs::read(&copy).unwrap();
    let again = backup_cmd(&db, &copy);
    assert_eq!(again.code(), Some(1), "{}", again.all_output());
    assert!(again.stderr.contains("exists already"), "{}", again.stderr);
    assert_eq!(std::fs::read(&copy).unwrap(), before);

    // The live game went on undisturbed.
    cid.vote(2, right).await;
    let live = host.recv_type("reveal").await;
    assert_eq!(live["counts"].as_array().unwrap().len(), 4, "{live}");

    // The copy, served: the game as it was when copied.
    drop((host, ann, bob, cid));
    let restored = TestServer::builder().roster(&roster.csv()).start_in(dir);
    let host = connect_host(&restored, &code, &key).await;
    let st = &host.state;
    assert_eq!(
        (&st["phase"], &st["round"], &st["answered"]),
        (&json!("question"), &json!(2), &json!(2)),
        "round 2 open with Ann's and Bob's votes: {st}"
    );
    let ann_now = st["players"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Ann")
        .map(|p| p["score"].clone());
    assert_eq!(ann_now, Some(ann_score), "round 1's scores: {st}");
    // The photo addresses are made with the database's key: the ones the
    // phones hold keep working.
    for c in second["choices"].as_array().unwrap() {
        let thumb = c["thumb"].as_str().unwrap();
        assert_eq!(
            whose_photo(&restored, thumb).await,
            whose_photo(&server, thumb).await,
            "{thumb} on the copy"
        );
    }
    let mut host = host;
    let token = |w: &Value| w["token"].as_str().unwrap().to_string();
    let (mut ann, _) = resume(&restored, &code, &token(&wa), "Ann").await;
    assert_eq!(ann.state["voted"], right, "Ann's vote: {}", ann.state);
    let (_bob, _) = resume(&restored, &code, &token(&wb), "Bob").await;
    let (mut cid, _) = resume(&restored, &code, &token(&wc), "Cid").await;
    assert_eq!(cid.state["voted"], Value::Null, "{}", cid.state);
    cid.vote(2, (right + 2) % 4).await;
    let reveal = host.recv_type("reveal").await;
    let mut want = [0u64; 4];
    want[right as usize] += 1;
    want[((right + 1) % 4) as usize] += 1;
    want[((right + 2) % 4) as usize] += 1;
    assert_eq!(reveal["counts"], json!(want), "{reveal}");
    let you = ann.recv_type("reveal").await;
    assert_eq!(you["you"]["correct"], true, "{you}");
}
