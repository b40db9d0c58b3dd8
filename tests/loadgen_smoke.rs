//! CI-sized load run: the real server and `yearbook-loadgen` as separate
//! processes, 300 phones, 2 rounds. Checks that the run is clean (everyone
//! joined, every round and reveal arrived, no errors), never timings.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

mod common;

const BIN: &str = env!("CARGO_BIN_EXE_yearbook");
const LOADGEN: &str = env!("CARGO_BIN_EXE_yearbook-loadgen");
const PHONES: u64 = 300;
const ROUNDS: u64 = 2;

/// Kills the server however the test ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn yearbook() -> Command {
    clean_env(BIN)
}

fn loadgen() -> Command {
    clean_env(LOADGEN)
}

/// `bin` run from the crate's folder without the caller's `YEARBOOK_*`.
fn clean_env(bin: &str) -> Command {
    let mut cmd = Command::new(bin);
    for (k, _) in std::env::vars() {
        if k.starts_with("YEARBOOK_") {
            cmd.env_remove(k);
        }
    }
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// Starts `serve` on port 0 and returns it with its URL.
fn start_server(db: &std::path::Path) -> (Server, String) {
    let mut child = yearbook()
        .args(["serve", "--addr", "127.0.0.1:0", "--db"])
        .arg(db)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the server");
    let stdout = child.stdout.take().expect("server stdout");
    let server = Server(child);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        if let Some(Ok(first)) = lines.next() {
            let _ = tx.send(first);
        }
        // Keep draining so the server never blocks on a full pipe.
        for _ in lines {}
    });
    // A debug build on a busy 2-core machine can take a while to start.
    let first = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("server printed its address");
    let url = first
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {first}"))
        .trim()
        .to_string();
    (server, url)
}

#[test]
fn three_hundred_phones_two_rounds_nothing_lost() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (server, url) = start_server(&dir.path().join("x.db"));
    let pid = server.0.id().to_string();

    let mut loadgen = loadgen()
        .args(["--url", &url, "--phones", "300", "--rounds", "2"])
        .args(["--server-pid", &pid, "--wait-secs", "20", "--json"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start loadgen");
    let mut out = loadgen.stdout.take().expect("loadgen stdout");
    let mut err = loadgen.stderr.take().expect("loadgen stderr");
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = loadgen.try_wait().expect("wait for loadgen") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = loadgen.kill();
            let _ = loadgen.wait();
            panic!("loadgen did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    let report: Value = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("loadgen JSON ({e}):\n{stdout}\n{stderr}"));
    let context = format!("{report:#}\n{stderr}");

    assert_eq!(report["errors"], 0, "errors: {context}");
    assert_eq!(report["lost"], 0, "lost messages: {context}");
    assert_eq!(report["joined"], PHONES, "joined: {context}");
    assert_eq!(report["rounds"], ROUNDS, "rounds: {context}");
    assert_eq!(report["phones_got_every_round"], PHONES, "{context}");
    assert_eq!(report["phones_got_every_reveal"], PHONES, "{context}");
    assert_eq!(
        report["fanout"]["samples"],
        PHONES * ROUNDS,
        "every phone timed every round: {context}"
    );
    assert_eq!(report["clean"], true, "{context}");
    assert!(
        status.success(),
        "a clean run exits 0: {status:?}\n{context}"
    );
    // The server figures come from /proc when it is there (Linux).
    if std::path::Path::new("/proc/self/stat").exists() {
        assert!(report["server"]["cpu_ms"].is_u64(), "{context}");
        assert!(report["server"]["rss_after_kib"].is_u64(), "{context}");
    }
    drop(server);
}

/// `--floor` starts its bare TCP server as a child of the same binary.
#[test]
fn the_floor_runs_its_own_server() {
    let mut floor = loadgen();
    floor.args(["--floor", "--phones", "20", "--rounds", "1", "--json"]);
    // A hung run fails the test instead of holding CI up.
    let out = common::run_with_timeout(floor, Duration::from_secs(120));
    let (stdout, stderr) = (&out.stdout, &out.stderr);
    assert!(out.status.is_some(), "still running after 120 s:\n{stderr}");
    let report: Value = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("floor JSON ({e}):\n{stdout}\n{stderr}"));
    assert_eq!(report["mode"], "floor", "{report:#}\n{stderr}");
    assert_eq!(report["fanout"]["samples"], 20, "{report:#}\n{stderr}");
    assert_eq!(report["clean"], true, "{report:#}\n{stderr}");
    assert_eq!(out.code(), Some(0), "{:?}\n{stderr}", out.status);
}

/// The server no longer carries the load generator; its old command says
/// where it went instead of sending load anywhere.
#[test]
fn the_server_points_to_the_loadgen_binary() {
    let out = yearbook()
        .args(["loadgen", "--url", "http://127.0.0.1:1", "--phones", "3"])
        .stdin(Stdio::null())
        .output()
        .expect("run the server's old loadgen command");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("its own binary: yearbook-loadgen"),
        "{stderr}"
    );
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// `--fetch-photos`: every phone has every round's photos on hand, once
/// with the photos sent ahead and once ignoring them (the "before").
#[test]
fn phones_fetch_photos_as_the_page_does() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (server, url) = start_server(&dir.path().join("x.db"));
    for ignore in [false, true] {
        let mut run = loadgen();
        run.args(["--url", &url, "--phones", "20", "--rounds", "3"])
            .args([
                "--fetch-photos",
                "--reveal-ms",
                "300",
                "--wait-secs",
                "20",
                "--json",
            ]);
        if ignore {
            run.arg("--ignore-preload");
        }
        let out = common::run_with_timeout(run, Duration::from_secs(120));
        let (stdout, stderr) = (&out.stdout, &out.stderr);
        let report: Value = serde_json::from_str(stdout.trim())
            .unwrap_or_else(|e| panic!("loadgen JSON ({e}):\n{stdout}\n{stderr}"));
        let context = format!("{report:#}\n{stderr}");
        assert_eq!(report["clean"], true, "{context}");
        let photos = &report["photos"];
        assert_eq!(photos["preload"], !ignore, "{context}");
        assert_eq!(photos["missing"], 0, "{context}");
        let rounds = photos["per_round"].as_array().expect("per_round");
        assert_eq!(rounds.len(), 3, "{context}");
        for r in rounds {
            assert_eq!(r["samples"], 20, "every phone, every round: {context}");
            assert!(r["p95_ms"].is_number(), "{context}");
        }
        // Each phone fetched at least its first round's four photos.
        assert!(photos["fetched"].as_u64() >= Some(80), "{context}");
        assert_eq!(out.code(), Some(0), "{context}");
    }
    drop(server);
}
