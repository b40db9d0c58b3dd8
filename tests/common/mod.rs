//! Shared test harness: the server on port 0 (the real `yearbook` binary,
//! or its library inside the test process), a WebSocket client that speaks
//! the protocol, and generated rosters whose photos the tests can recognise
//! again after the server resized them.
#![allow(dead_code)]

mod in_process;
pub mod qr;
pub use in_process::InProcessServer;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use yearbook::protocol::ServerMsg;

/// How long a server may take to print its `listening on` line.
pub const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How long `recv` waits for one message.
pub const RECV_TIMEOUT: Duration = Duration::from_secs(5);

pub const BIN: &str = env!("CARGO_BIN_EXE_yearbook");

/// A `Command` for the binary with a clean environment (no `YEARBOOK_*`),
/// run from the crate root like `cargo run` would.
pub fn yearbook_cmd() -> Command {
    clean_cmd(BIN)
}

/// `program` with the environment and folder [`yearbook_cmd`] gives.
pub fn clean_cmd(program: &str) -> Command {
    let mut cmd = Command::new(program);
    for (k, _) in std::env::vars() {
        if k.starts_with("YEARBOOK_") {
            cmd.env_remove(k);
        }
    }
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// Output of a finished command, or the fact that it did not finish.
pub struct Finished {
    pub status: Option<ExitStatus>,
    pub stdout: String,
    pub stderr: String,
}

impl Finished {
    pub fn code(&self) -> Option<i32> {
        self.status.and_then(|s| s.code())
    }
    pub fn all_output(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

/// Runs `cmd` to completion, killing it after `limit` (then `status` is None).
pub fn run_with_timeout(mut cmd: Command, limit: Duration) -> Finished {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn yearbook");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(st) = child.try_wait().expect("try_wait") {
            break Some(st);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Finished {
        status,
        stdout: t_out.join().unwrap(),
        stderr: t_err.join().unwrap(),
    }
}

// ---------------------------------------------------------------------------
// TestServer

/// Extra `serve` arguments; `start()` launches the server.
#[derive(Default)]
pub struct ServerBuilder {
    args: Vec<String>,
    base_path: String,
    wrapper: Vec<String>,
    in_process: bool,
}

impl ServerBuilder {
    pub fn arg(mut self, a: impl Into<String>) -> Self {
        self.args.push(a.into());
        self
    }
    pub fn roster(self, csv: &Path) -> Self {
        self.arg("--roster").arg(csv.to_str().unwrap())
    }
    pub fn max_players(self, n: u32) -> Self {
        self.arg("--max-players").arg(n.to_string())
    }
    pub fn host_password(self, s: &str) -> Self {
        self.arg("--host-password").arg(s)
    }
    /// `--test-clock`: the test moves the server's clock with
    /// [`TestServer::skip`] instead of waiting.
    pub fn test_clock(self) -> Self {
        self.arg("--test-clock")
    }
    pub fn base_path(mut self, p: &str) -> Self {
        self.base_path = p.trim_end_matches('/').to_string();
        self.arg("--base-path").arg(p)
    }
    /// Runs the binary through `prefix` (a program and its arguments, the
    /// server's command line appended), on every start and restart; `{dir}`
    /// in it stands for the server's folder (e.g. a wrapper that mounts a
    /// file system there first and then `exec`s the rest).
    pub fn wrapped_in(mut self, prefix: Vec<String>) -> Self {
        self.wrapper = prefix;
        self
    }
    /// Runs the server's library inside the test process instead of
    /// spawning the binary: faster to start, the same routes and sockets,
    /// but no `--test-clock` (its clock is process-wide), no kill -9, no
    /// restart, no stderr, no wrapper (docs/testing.md, "Two servers").
    pub fn in_process(mut self) -> Self {
        self.in_process = true;
        self
    }
    pub fn start(self) -> TestServer {
        let dir = tempfile::tempdir().expect("tempdir");
        self.start_in(dir)
    }
    /// Starts in `dir`, prepared beforehand (e.g. a `t.db` made by the test).
    pub fn start_in(self, dir: TempDir) -> TestServer {
        // `YEARBOOK_TEST_SERVER=spawned` runs every test on the binary, to
        // compare the two or to rule the in-process wiring out.
        let spawn_all = std::env::var("YEARBOOK_TEST_SERVER").is_ok_and(|v| v == "spawned");
        if self.in_process && !spawn_all {
            TestServer::in_process(dir, self)
        } else {
            TestServer::spawn(dir, self, 0)
        }
    }
}

/// Where the server under test runs.
enum Process {
    /// The real binary; with `--test-clock`, its stdin and its `skipped`
    /// answers.
    Spawned {
        child: Child,
        clock: Option<std::sync::Mutex<(std::process::ChildStdin, mpsc::Receiver<String>)>>,
    },
    /// The library on a thread of this process.
    InProcess(InProcessServer),
}

/// A server on an ephemeral port: the real binary (killed on drop), or
/// its library in this process (shut down gracefully on drop).
pub struct TestServer {
    process: Process,
    origin: String,
    listening_line: String,
    dir: Option<TempDir>,
    /// How it was started: the same again on a restart.
    launch: ServerBuilder,
    starts: u32,
    pub http: reqwest::Client,
}

impl TestServer {
    pub fn builder() -> ServerBuilder {
        ServerBuilder::default()
    }

    /// The server's SQLite file, to check what it stored.
    #[allow(dead_code)]
    pub fn db_path(&self) -> std::path::PathBuf {
        self.dir
            .as_ref()
            .expect("server directory")
            .path()
            .join("t.db")
    }

    /// A server with no extra arguments (the bundled demo roster).
    pub fn start() -> TestServer {
        Self::builder().start()
    }

    fn spawn(dir: TempDir, launch: ServerBuilder, starts: u32) -> TestServer {
        let db = dir.path().join("t.db");
        let stderr_path = dir.path().join(format!("stderr-{starts}.log"));
        let stderr_file = std::fs::File::create(&stderr_path).unwrap();
        let args = &launch.args;
        let mut cmd = match launch.wrapper.split_first() {
            None => yearbook_cmd(),
            Some((program, rest)) => {
                let here = dir.path().to_str().expect("a UTF-8 temp path");
                let mut cmd = clean_cmd(program);
                cmd.args(rest.iter().map(|a| a.replace("{dir}", here)))
                    .arg(BIN);
                cmd
            }
        };
        cmd.arg("serve")
            .arg("--addr")
            .arg("127.0.0.1:0")
            .arg("--db")
            .arg(&db)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::from(stderr_file));
        let test_clock = args.iter().any(|a| a == "--test-clock");
        cmd.stdin(if test_clock {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        let mut child = cmd.spawn().expect("spawn yearbook serve");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel::<String>();
        let (skipped_tx, skipped_rx) = mpsc::channel::<String>();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            if let Some(Ok(first)) = lines.next() {
                let _ = tx.send(first);
            }
            // Keep draining so the server never blocks on a full pipe.
            for line in lines.map_while(Result::ok) {
                if line.starts_with("skipped ") {
                    let _ = skipped_tx.send(line);
                }
            }
        });
        let clock = child
            .stdin
            .take()
            .map(|stdin| std::sync::Mutex::new((stdin, skipped_rx)));
        let first = match rx.recv_timeout(START_TIMEOUT) {
            Ok(line) => line,
            Err(e) => {
                let status = child.try_wait().ok().flatten();
                let _ = child.kill();
                let _ = child.wait();
                let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
                panic!(
                    "yearbook serve {args:?} did not print `listening on …` within {START_TIMEOUT:?} \
                     ({e}; exit status {status:?}).\n--- stderr ---\n{stderr}"
                );
            }
        };
        // A skip past the server's 10 s request-head deadline closes idle
        // keep-alive connections: with a test clock, none is kept.
        let pool = if test_clock { 0 } else { usize::MAX };
        let process = Process::Spawned { child, clock };
        TestServer::listening(process, first, dir, launch, starts, pool)
    }

    /// The library inside this process, on the same arguments.
    fn in_process(dir: TempDir, launch: ServerBuilder) -> TestServer {
        assert!(
            launch.wrapper.is_empty(),
            "a wrapper needs the spawned binary"
        );
        let (server, url) =
            InProcessServer::start(&dir.path().join("t.db"), &launch.args, START_TIMEOUT);
        let first = format!("listening on {url}");
        TestServer::listening(
            Process::InProcess(server),
            first,
            dir,
            launch,
            0,
            usize::MAX,
        )
    }

    /// A started server, known by the `listening on URL` line it printed.
    fn listening(
        process: Process,
        first: String,
        dir: TempDir,
        launch: ServerBuilder,
        starts: u32,
        pool: usize,
    ) -> TestServer {
        let url = first
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("first stdout line is not `listening on URL`: {first:?}"))
            .trim()
            .to_string();
        let rest = url
            .strip_prefix("http://")
            .unwrap_or_else(|| panic!("listening URL is not http://: {url:?}"));
        let host_port = rest.split('/').next().unwrap();
        assert!(
            host_port.starts_with("127.0.0.1:") && !host_port.ends_with(":0"),
            "listening line should name the bound port on 127.0.0.1: {first:?}"
        );
        TestServer {
            process,
            origin: format!("http://{host_port}"),
            listening_line: first,
            dir: Some(dir),
            launch,
            starts,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .pool_max_idle_per_host(pool)
                .build()
                .unwrap(),
        }
    }

    /// The spawned server's process id (its memory can be read in /proc).
    pub fn pid(&mut self) -> u32 {
        self.child("pid").id()
    }

    /// The spawned binary; panics, saying `what` needs it, when in-process.
    fn child(&mut self, what: &str) -> &mut Child {
        match &mut self.process {
            Process::Spawned { child, .. } => child,
            Process::InProcess(_) => panic!("{what} needs the spawned binary, not in_process()"),
        }
    }

    /// Moves the server's clock forward by `d` (needs `test_clock()`), and
    /// returns once the server has applied it; what falls due then happens
    /// at once.
    #[allow(dead_code)]
    pub fn skip(&self, d: Duration) {
        use std::io::Write;
        let Process::Spawned {
            clock: Some(clock), ..
        } = &self.process
        else {
            panic!("skip needs ServerBuilder::test_clock() (and so the spawned binary)");
        };
        let mut clock = clock.lock().unwrap();
        let (stdin, skipped) = &mut *clock;
        writeln!(stdin, "skip {}", d.as_millis()).expect("write to the server's stdin");
        stdin.flush().expect("flush the server's stdin");
        skipped
            .recv_timeout(Duration::from_secs(10))
            .expect("the server answers `skipped MS` to `skip MS`");
    }

    /// Whether the server runs on a stopped clock (`test_clock()`).
    pub fn has_test_clock(&self) -> bool {
        matches!(self.process, Process::Spawned { clock: Some(_), .. })
    }

    /// `yearbook_http_reads_waiting` from /metrics as (first byte, head,
    /// body), asked on a connection that closes after its answer, so it
    /// counts none of its own.
    #[allow(dead_code)]
    pub async fn reads_waiting(&self) -> [i64; 3] {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let addr = self.origin.trim_start_matches("http://");
        let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
        tcp.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut text = String::new();
        tcp.read_to_string(&mut text).await.unwrap();
        ["first_byte", "head", "body"].map(|read| {
            let line = format!("yearbook_http_reads_waiting{{read=\"{read}\"}} ");
            text.lines()
                .find_map(|l| l.strip_prefix(line.as_str()))
                .and_then(|n| n.trim().parse().ok())
                .unwrap_or_else(|| panic!("no {line:?} in /metrics: {text}"))
        })
    }

    /// Polls until exactly `want` reads (first byte, head, body) wait on
    /// the server: each has fixed its deadline on the server's clock, so
    /// a skip made after this counts against it.
    #[allow(dead_code)]
    pub async fn until_reads_waiting(&self, want: [i64; 3]) {
        let give_up = Instant::now() + Duration::from_secs(10);
        loop {
            let now = self.reads_waiting().await;
            if now == want {
                return;
            }
            assert!(
                Instant::now() < give_up,
                "reads waiting {now:?}, never {want:?}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// The first line the server printed.
    pub fn listening_line(&self) -> &str {
        &self.listening_line
    }
    /// `http://127.0.0.1:PORT`
    pub fn origin(&self) -> &str {
        &self.origin
    }
    /// `http://127.0.0.1:PORT/PREFIX` without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("{}{}", self.origin, self.launch.base_path)
    }
    /// A route under the base path: `url("/healthz")`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url(), path)
    }
    /// A path as it appears in messages (already carrying the base path).
    pub fn abs(&self, path_from_message: &str) -> String {
        assert!(
            path_from_message.starts_with('/'),
            "expected an absolute path, got {path_from_message:?}"
        );
        format!("{}{}", self.origin, path_from_message)
    }
    pub fn ws_url(&self, code: &str) -> String {
        format!(
            "{}/ws/{}",
            self.base_url().replacen("http://", "ws://", 1),
            code
        )
    }
    pub fn stderr(&self) -> String {
        assert!(
            matches!(self.process, Process::Spawned { .. }),
            "stderr needs the spawned binary, not in_process()"
        );
        std::fs::read_to_string(self.dir().join(format!("stderr-{}.log", self.starts)))
            .unwrap_or_default()
    }
    pub fn dir(&self) -> &Path {
        self.dir.as_ref().unwrap().path()
    }

    /// `kill -9`, then a new process on the same `--db` (and a new port).
    pub fn restart_after_kill9(self) -> TestServer {
        self.restart_after_kill9_then(|_| {})
    }

    /// `kill -9`, then `meanwhile(dir)` (the operator at work), then a new
    /// process on the same `--db`.
    pub fn restart_after_kill9_then(mut self, meanwhile: impl FnOnce(&Path)) -> TestServer {
        let child = self.child("kill -9");
        let _ = child.kill();
        let _ = child.wait();
        meanwhile(self.dir());
        let dir = self.dir.take().expect("tempdir");
        let launch = std::mem::take(&mut self.launch);
        let starts = self.starts + 1;
        drop(self);
        TestServer::spawn(dir, launch, starts)
    }

    /// Stops the server (the binary killed, the in-process one shut down
    /// gracefully) and hands back its folder, database included.
    pub fn shut_down(mut self) -> TempDir {
        let dir = self.dir.take().expect("server directory");
        drop(self);
        dir
    }

    // -- HTTP helpers --

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.expect("GET")
    }
    /// GET a route; status and body parsed as JSON (Null when not JSON).
    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        status_and_json(self.get(path).await).await
    }
    pub async fn post_json(&self, path: &str, body: &Value) -> (u16, Value) {
        let r = self
            .http
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("POST");
        status_and_json(r).await
    }
    /// GET a path as found in a message (photo URLs); body bytes, asserting 200.
    pub async fn fetch_bytes(&self, path_from_message: &str) -> Vec<u8> {
        let r = self
            .http
            .get(self.abs(path_from_message))
            .send()
            .await
            .expect("GET photo");
        assert_eq!(
            r.status().as_u16(),
            200,
            "GET {path_from_message} should be 200"
        );
        r.bytes().await.unwrap().to_vec()
    }
}

impl Drop for TestServer {
    /// Kills the binary; an in-process server shuts down as it drops.
    fn drop(&mut self) {
        if let Process::Spawned { child, .. } = &mut self.process {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A port nothing listens on just now, for a process that takes no port 0.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A client that shows redirects instead of following them.
pub fn no_redirect_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// `GET url` with `client`; panics when no answer comes.
pub async fn fetch(client: &reqwest::Client, url: impl reqwest::IntoUrl) -> reqwest::Response {
    client.get(url).send().await.expect("GET")
}

/// `GET url` sending `cookie` (`name=value`), as a browser that has it.
pub async fn fetch_with_cookie(
    client: &reqwest::Client,
    url: impl reqwest::IntoUrl,
    cookie: &str,
) -> reqwest::Response {
    fetch_with_header(client, url, "Cookie", cookie).await
}

/// `GET url` with one more request header.
pub async fn fetch_with_header(
    client: &reqwest::Client,
    url: impl reqwest::IntoUrl,
    name: &str,
    value: &str,
) -> reqwest::Response {
    client
        .get(url)
        .header(name, value)
        .send()
        .await
        .expect("GET")
}

/// A response header as text; empty when there is none.
pub fn header(r: &reqwest::Response, name: &str) -> String {
    r.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// A response's status and its body as JSON (Null when not JSON).
pub async fn status_and_json(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// The answer to a `POST /api/rooms`, asserting 201: the room's JSON, its
/// code and its host key.
pub async fn room_created(r: reqwest::Response) -> (Value, String, String) {
    let (status, room) = status_and_json(r).await;
    assert_eq!(status, 201, "POST /api/rooms → {status} {room}");
    let code = room["code"].as_str().expect("code").to_string();
    let key = room["host_key"].as_str().expect("host_key").to_string();
    (room, code, key)
}

/// Every local `href`/`src`/`action` of a page (the paths from `/`).
pub fn local_links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\"", "action=\""] {
        for part in html.split(attr).skip(1) {
            let v = part.split('"').next().unwrap_or("");
            if v.starts_with('/') {
                out.push(v.to_string());
            }
        }
    }
    out
}

/// `POST /api/rooms` with `body`, asserting 201; returns `(code, host_key)`.
pub async fn create_room(server: &TestServer, body: Value) -> (String, String) {
    let r = server
        .http
        .post(server.url("/api/rooms"))
        .json(&body)
        .send()
        .await
        .expect("POST /api/rooms");
    let (_, code, key) = room_created(r).await;
    (code, key)
}

/// `GET /api/rooms/{code}/results.csv` with `key` as the bearer.
pub async fn get_results_csv(server: &TestServer, code: &str, key: &str) -> reqwest::Response {
    server
        .http
        .get(server.url(&format!("/api/rooms/{code}/results.csv")))
        .bearer_auth(key)
        .send()
        .await
        .expect("GET results.csv")
}

// ---------------------------------------------------------------------------
// TestClient

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// What came off the socket.
#[derive(Debug)]
pub enum Incoming {
    Json(Value),
    /// Close frame (code, reason) or None when the stream just ended.
    Closed(Option<(u16, String)>),
}

/// Messages the tests usually do not wait for.
pub const NOISE: &[&str] = &["lobby", "progress", "pong", "preload"];

/// One WebSocket connection speaking the protocol.
pub struct TestClient {
    ws: Ws,
    pub label: String,
    /// The last `state` received through the connect helpers.
    pub state: Value,
    /// Which screen this socket said it is; every message it receives is
    /// checked against that screen's pre-reveal allow-list.
    pub roles: Roles,
}

impl TestClient {
    /// Opens `/ws/{code}`; panics when the upgrade fails.
    pub async fn connect(server: &TestServer, code: &str, label: &str) -> TestClient {
        Self::connect_url(&server.ws_url(code), None, label)
            .await
            .unwrap_or_else(|e| panic!("[{label}] WebSocket connect to {code} failed: {e}"))
    }

    /// Opens a URL, optionally with an `Origin` header.
    pub async fn connect_url(
        url: &str,
        origin: Option<&str>,
        label: &str,
    ) -> Result<TestClient, tungstenite::Error> {
        let mut req = url.into_client_request()?;
        if let Some(o) = origin {
            req.headers_mut()
                .insert("Origin", HeaderValue::from_str(o).unwrap());
        }
        let (ws, _resp) = tokio::time::timeout(RECV_TIMEOUT, tokio_tungstenite::connect_async(req))
            .await
            .unwrap_or_else(|_| panic!("[{label}] WebSocket connect to {url} timed out"))?;
        Ok(TestClient {
            ws,
            label: label.to_string(),
            state: Value::Null,
            roles: Roles::default(),
        })
    }

    pub async fn send(&mut self, v: Value) {
        self.send_text(v.to_string()).await;
    }

    pub async fn send_text(&mut self, s: impl Into<String>) {
        let s: String = s.into();
        self.note_role(&s);
        self.ws
            .send(Message::text(s))
            .await
            .unwrap_or_else(|e| panic!("[{}] send failed: {e}", self.label));
    }

    /// Sends without panicking (the server may already have closed).
    pub async fn try_send(&mut self, v: Value) -> bool {
        self.note_role(&v.to_string());
        self.ws.send(Message::text(v.to_string())).await.is_ok()
    }

    /// Remembers which screen this socket says it is (`hello`: host;
    /// `join`/`resume`: phone), for the allow-list.
    fn note_role(&mut self, sent: &str) {
        let Ok(v) = serde_json::from_str::<Value>(sent) else {
            return;
        };
        match v["type"].as_str() {
            Some("hello") => self.roles.host = true,
            Some("join" | "resume") => self.roles.phone = true,
            _ => {}
        }
    }

    /// Next JSON message or close, or None when nothing arrives within `d`.
    /// Every message is checked against the pre-reveal allow-list.
    pub async fn next_within(&mut self, d: Duration) -> Option<Incoming> {
        let deadline = tokio::time::Instant::now() + d;
        loop {
            let next = match tokio::time::timeout_at(deadline, self.ws.next()).await {
                Err(_) => return None,
                Ok(n) => n,
            };
            match next {
                None => return Some(Incoming::Closed(None)),
                Some(Err(_)) => return Some(Incoming::Closed(None)),
                Some(Ok(Message::Text(t))) => {
                    let v: Value = serde_json::from_str(t.as_str()).unwrap_or_else(|e| {
                        panic!("[{}] server sent non-JSON text {t:?}: {e}", self.label)
                    });
                    assert!(
                        v.is_object() && v["type"].is_string(),
                        "[{}] server message without a string `type`: {v}",
                        self.label
                    );
                    assert_pre_reveal_allowed(&v, self.roles, &self.label);
                    assert_exactly_typed(t.as_str(), &v, &self.label);
                    return Some(Incoming::Json(v));
                }
                Some(Ok(Message::Close(f))) => {
                    return Some(Incoming::Closed(
                        f.map(|f| (u16::from(f.code), f.reason.to_string())),
                    ));
                }
                Some(Ok(Message::Binary(b))) => {
                    panic!(
                        "[{}] unexpected binary frame ({} bytes)",
                        self.label,
                        b.len()
                    )
                }
                Some(Ok(_)) => continue, // ping / pong frames
            }
        }
    }

    /// Whether a ping frame arrives within `d` (messages meanwhile are
    /// skipped; the client answers the ping itself).
    pub async fn ping_within(&mut self, d: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + d;
        loop {
            match tokio::time::timeout_at(deadline, self.ws.next()).await {
                Err(_) => return false,
                Ok(Some(Ok(Message::Ping(_)))) => return true,
                Ok(Some(Ok(Message::Close(_)) | Err(_)) | None) => {
                    panic!("[{}] closed while waiting for a ping", self.label)
                }
                Ok(Some(Ok(_))) => continue,
            }
        }
    }

    /// Next JSON message within 5 s; panics on timeout or close.
    pub async fn recv(&mut self) -> Value {
        match self.next_within(RECV_TIMEOUT).await {
            Some(Incoming::Json(v)) => v,
            Some(Incoming::Closed(c)) => {
                panic!(
                    "[{}] socket closed while waiting for a message: {c:?}",
                    self.label
                )
            }
            None => panic!("[{}] no message within {RECV_TIMEOUT:?}", self.label),
        }
    }

    /// Next message whose type is not in `NOISE`.
    pub async fn recv_significant(&mut self) -> Value {
        loop {
            let v = self.recv().await;
            if !NOISE.contains(&v["type"].as_str().unwrap()) {
                return v;
            }
        }
    }

    /// Skips messages until one of type `ty` (5 s overall); panics on an
    /// `error` frame unless `ty` is "error".
    pub async fn recv_type(&mut self, ty: &str) -> Value {
        let deadline = tokio::time::Instant::now() + RECV_TIMEOUT;
        let mut skipped = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next_within(left).await {
                Some(Incoming::Json(v)) => {
                    let t = v["type"].as_str().unwrap().to_string();
                    if t == ty {
                        return v;
                    }
                    if t == "error" {
                        panic!(
                            "[{}] got an error while waiting for `{ty}`: {v}",
                            self.label
                        );
                    }
                    skipped.push(t);
                }
                Some(Incoming::Closed(c)) => panic!(
                    "[{}] socket closed ({c:?}) while waiting for `{ty}`; skipped {skipped:?}",
                    self.label
                ),
                None => panic!(
                    "[{}] no `{ty}` within {RECV_TIMEOUT:?}; skipped {skipped:?}",
                    self.label
                ),
            }
        }
    }

    /// Waits for an `error` frame and returns its `code`, after checking its shape.
    pub async fn recv_error(&mut self) -> String {
        let e = self.recv_type("error").await;
        assert!(
            e["message"].as_str().is_some_and(|m| !m.is_empty()),
            "[{}] error without a message: {e}",
            self.label
        );
        e["code"].as_str().expect("error.code").to_string()
    }

    /// Reads until the server closes the socket; returns the close code
    /// (None if the stream ended without a close frame).
    pub async fn expect_close(&mut self) -> Option<u16> {
        let deadline = tokio::time::Instant::now() + RECV_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next_within(left).await {
                Some(Incoming::Json(_)) => continue,
                Some(Incoming::Closed(c)) => return c.map(|c| c.0),
                None => panic!("[{}] socket still open after {RECV_TIMEOUT:?}", self.label),
            }
        }
    }

    /// Asserts that for `d` nothing arrives but messages of the `allowed` types.
    pub async fn expect_quiet(&mut self, d: Duration, allowed: &[&str]) {
        let deadline = tokio::time::Instant::now() + d;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                return;
            }
            match self.next_within(left).await {
                None => return,
                Some(Incoming::Json(v)) => {
                    let t = v["type"].as_str().unwrap();
                    assert!(
                        allowed.contains(&t),
                        "[{}] expected no `{t}` now, got {v}",
                        self.label
                    );
                }
                Some(Incoming::Closed(c)) => {
                    panic!("[{}] socket closed unexpectedly: {c:?}", self.label)
                }
            }
        }
    }

    /// Closes the socket from the client side (a phone dropping).
    pub async fn close(mut self) {
        let _ = self.ws.close(None).await;
        // Drain until the server answers the close, briefly.
        let _ = tokio::time::timeout(Duration::from_secs(1), async {
            while let Some(Ok(_)) = self.ws.next().await {}
        })
        .await;
    }

    /// Sends a vote and waits for its `vote_ack`, failing if a `reveal`
    /// (or anything but noise) arrives first.
    pub async fn vote(&mut self, round: u64, choice: u64) -> Value {
        self.send(json!({"type":"vote","round":round,"choice":choice}))
            .await;
        let v = self.recv_significant().await;
        assert_eq!(
            v["type"], "vote_ack",
            "[{}] the vote_ack must come first after a vote, got {v}",
            self.label
        );
        assert_eq!(v["round"], round, "[{}] vote_ack round: {v}", self.label);
        assert_eq!(v["choice"], choice, "[{}] vote_ack choice: {v}", self.label);
        v
    }
}

/// Connects as the host: `hello` with `key`, returns the client once `state` came.
pub async fn connect_host(server: &TestServer, code: &str, key: &str) -> TestClient {
    let mut c = TestClient::connect(server, code, "host").await;
    c.send(json!({"type":"hello","key":key})).await;
    let st = c.recv_type("state").await;
    assert!(st["phase"].is_string(), "host state without phase: {st}");
    c.state = st;
    c
}

/// Joins as a phone; returns the client (with `state` set) and the `welcome`.
/// A paced join (`rate_limited`: many joins from this one address) is asked
/// again after a moment, as the phone page does.
pub async fn join(server: &TestServer, code: &str, name: &str) -> (TestClient, Value) {
    let mut c = TestClient::connect(server, code, name).await;
    let welcome = loop {
        c.send(json!({"type":"join","name":name})).await;
        let v = c.recv_significant().await;
        match (v["type"].as_str(), v["code"].as_str()) {
            (Some("welcome"), _) => break v,
            (Some("error"), Some("rate_limited")) => {
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            _ => panic!("[{name}] join answered {v}"),
        }
    };
    let st = c.recv_type("state").await;
    c.state = st;
    (c, welcome)
}

/// Resumes a phone with its token; returns the client (with `state`) and `welcome`.
pub async fn resume(
    server: &TestServer,
    code: &str,
    token: &str,
    label: &str,
) -> (TestClient, Value) {
    let mut c = TestClient::connect(server, code, label).await;
    c.send(json!({"type":"resume","token":token})).await;
    let welcome = c.recv_type("welcome").await;
    let st = c.recv_type("state").await;
    c.state = st;
    (c, welcome)
}

/// A room made with `settings`, its host's screen connected and a phone
/// joined under each of `names`: `(code, host key, host, [(phone, welcome)])`.
pub async fn room_with<const N: usize>(
    server: &TestServer,
    settings: Value,
    names: [&str; N],
) -> (String, String, TestClient, [(TestClient, Value); N]) {
    let (code, key) = create_room(server, settings).await;
    let host = connect_host(server, &code, &key).await;
    let mut phones = Vec::with_capacity(N);
    for name in names {
        phones.push(join(server, &code, name).await);
    }
    let Ok(phones) = phones.try_into() else {
        unreachable!("one phone per name")
    };
    (code, key, host, phones)
}

/// `name`'s score on the leaderboard of a `reveal` or `game_over`.
#[allow(dead_code)]
pub fn score_of(msg: &Value, name: &str) -> Option<Value> {
    msg["leaderboard"]
        .as_array()?
        .iter()
        .find(|p| p["name"] == name)
        .map(|p| p["score"].clone())
}

/// Asserts that `actual` has every field of `expected` with the same value
/// (extra fields are allowed: the contract may be extended).
pub fn assert_fields(actual: &Value, expected: &Value, what: &str) {
    let exp = expected.as_object().expect("expected is an object");
    assert!(actual.is_object(), "{what}: not an object: {actual}");
    for (k, v) in exp {
        assert_eq!(&actual[k], v, "{what}.{k}: {actual}");
    }
}

/// Panics if `key` appears as an object key anywhere in `v`.
pub fn assert_no_key(v: &Value, key: &str, what: &str) {
    fn walk(v: &Value, key: &str, path: &mut Vec<String>) -> Option<String> {
        match v {
            Value::Object(m) => {
                for (k, c) in m {
                    path.push(k.clone());
                    if k == key {
                        return Some(path.join("."));
                    }
                    if let Some(p) = walk(c, key, path) {
                        return Some(p);
                    }
                    path.pop();
                }
                None
            }
            Value::Array(a) => {
                for (i, c) in a.iter().enumerate() {
                    path.push(i.to_string());
                    if let Some(p) = walk(c, key, path) {
                        return Some(p);
                    }
                    path.pop();
                }
                None
            }
            _ => None,
        }
    }
    if let Some(p) = walk(v, key, &mut Vec::new()) {
        panic!("{what} must not carry `{key}` (found at {p}): {v}");
    }
}

// ---------------------------------------------------------------------------
// What a screen may see before the reveal: an allow-list of keys

/// Which screen a connection is, as far as the test client knows: set by
/// the `hello` (host) or `join`/`resume` (phone) it sent.
#[derive(Debug, Clone, Copy, Default)]
pub struct Roles {
    pub host: bool,
    pub phone: bool,
}

impl Roles {
    pub const HOST: Roles = Roles {
        host: true,
        phone: false,
    };
    pub const PHONE: Roles = Roles {
        host: false,
        phone: true,
    };
}

/// The shape a value may have: every object key must be listed, so a new
/// field anywhere (a `solution`, a `choices[].right`) fails the check.
#[derive(Debug)]
pub enum Shape {
    /// A string, number, bool or null: nothing nested.
    Scalar,
    Object(&'static [(&'static str, Shape)]),
    ArrayOf(&'static Shape),
    /// Passes if one of these passes (a prompt is a person or a photo).
    OneOf(&'static [Shape]),
}

const S: Shape = Shape::Scalar;
const LABELS: Shape = Shape::ArrayOf(&S);
const SETTINGS: Shape = Shape::Object(&[
    ("rounds", S),
    ("seconds", S),
    ("mode", S),
    ("include_memoriam", S),
    ("profanity_filter", S),
    ("labels", LABELS),
    ("lang", S),
]);
const PERSON: Shape = Shape::Object(&[("name", S), ("known_as", S)]);
const PHOTO: Shape = Shape::Object(&[("photo", S), ("thumb", S)]);
const PERSON_OR_PHOTO: Shape = Shape::OneOf(&[PERSON, PHOTO]);
/// A claim ("I'm…"): the classmate a player says they are.
const CLAIM: Shape = Shape::Object(&[("person", S), ("name", S), ("known_as", S), ("held", S)]);
const CLAIM_OR_NONE: Shape = Shape::OneOf(&[CLAIM, S]);
/// A phone's search for itself in the class.
const CLASSMATES: Shape = Shape::ArrayOf(&Shape::Object(&[
    ("person", S),
    ("name", S),
    ("known_as", S),
]));
/// The host's player list (`lobby` and `state`).
const PLAYERS: Shape = Shape::ArrayOf(&Shape::Object(&[
    ("id", S),
    ("name", S),
    ("connected", S),
    ("score", S),
    ("claim", CLAIM),
]));
/// Players the host kicked and may let back (host `lobby` and `state`).
const KICKED: Shape = Shape::ArrayOf(&Shape::Object(&[("id", S), ("name", S)]));
/// A phone's own standing before the reveal (no `choice`/`correct`/`points`).
/// `its_you`: the question is about this phone's own claim (it cannot vote).
const YOU: Shape = Shape::Object(&[
    ("player_id", S),
    ("name", S),
    ("score", S),
    ("rank", S),
    ("claim", CLAIM),
    ("its_you", S),
]);

/// The fields of an open question (`round`, and `state` in `question`).
const QUESTION_KEYS: &[&str] = &[
    "round",
    "of",
    "mode",
    "prompt",
    "choices",
    "remaining_ms",
    "seconds",
];

/// The shape of a key a pre-reveal message may carry (which type may
/// carry which key is listed below; `progress.players` is a count).
fn shape_of(ty: &str, key: &str) -> &'static Shape {
    match key {
        _ if ty == "progress" => &S,
        "settings" => &SETTINGS,
        "players" => &PLAYERS,
        "kicked" => &KICKED,
        "prompt" => &PERSON_OR_PHOTO,
        "choices" => &Shape::ArrayOf(&PERSON_OR_PHOTO),
        "you" => &YOU,
        "photos" => &Shape::ArrayOf(&S),
        "labels" => &LABELS,
        "claim" => &CLAIM_OR_NONE,
        "people" => &CLASSMATES,
        _ => &S,
    }
}

/// The keys (besides `type`) that a message a screen sees before the
/// reveal may carry; `Ok(None)` for messages sent only from the reveal on
/// (`reveal`, `game_over`, `state` in `reveal`/`over`), which carry the
/// answer by design; `Err` for a message type nobody listed.
fn allowed_keys(v: &Value, host: bool) -> Result<Option<Vec<&'static str>>, String> {
    let ty = v["type"].as_str().unwrap_or("");
    let keys: Vec<&'static str> = match (ty, host) {
        ("reveal" | "game_over", _) => return Ok(None),
        ("welcome", false) => vec!["player_id", "token", "name", "score", "code"],
        ("state", _) => {
            let mut k = vec!["phase", "code", "round", "of", "settings", "count"];
            if host {
                k.extend_from_slice(&["players", "kicked", "labels"]);
            } else {
                k.push("you");
            }
            match v["phase"].as_str() {
                Some("lobby") => {}
                Some("question") => {
                    k.extend_from_slice(QUESTION_KEYS);
                    k.push("paused");
                    if host {
                        k.extend_from_slice(&["answered", "players_voting"]);
                    } else {
                        k.push("voted");
                    }
                }
                Some("reveal" | "over") => return Ok(None),
                _ => return Err("a `state` with an unknown phase".into()),
            }
            k
        }
        ("lobby", true) => vec!["players", "count", "settings", "kicked"],
        ("lobby", false) => vec!["count"],
        ("round", _) => QUESTION_KEYS.to_vec(),
        ("vote_ack", false) => vec!["round", "choice"],
        ("progress", true) => vec!["round", "answered", "players"],
        ("timer", _) => vec!["round", "remaining_ms", "paused"],
        ("error", _) => vec!["code", "message"],
        ("pong", _) => vec![],
        ("storage", _) => vec!["ok"],
        ("preload", false) => vec!["round", "photos"],
        ("classmates", false) => vec!["query", "people"],
        ("claim", false) => vec!["claim"],
        ("its_you", false) => vec!["round"],
        _ => {
            return Err(format!(
                "`{ty}` is not a message a {} may get before the reveal \
                 (add it to the allow-list in tests/common/mod.rs)",
                if host { "host" } else { "phone" }
            ));
        }
    };
    Ok(Some(keys))
}

/// Why `v` does not fit `shape` (with the path to the first stray key).
fn misfit(v: &Value, shape: &Shape, path: &str) -> Option<String> {
    match shape {
        Shape::Scalar => (v.is_object() || v.is_array())
            .then(|| format!("{path} must be a plain value, not {v}")),
        Shape::Object(fields) => {
            let Some(m) = v.as_object() else {
                return Some(format!("{path} must be an object: {v}"));
            };
            m.iter().find_map(|(k, c)| {
                let here = format!("{path}.{k}");
                match fields.iter().find(|(name, _)| name == k) {
                    None => Some(format!("{here} is not in the allow-list")),
                    Some((_, s)) => misfit(c, s, &here),
                }
            })
        }
        Shape::ArrayOf(item) => {
            let Some(a) = v.as_array() else {
                return Some(format!("{path} must be an array: {v}"));
            };
            a.iter()
                .enumerate()
                .find_map(|(i, c)| misfit(c, item, &format!("{path}[{i}]")))
        }
        Shape::OneOf(options) => {
            let why: Vec<String> = options.iter().map_while(|s| misfit(v, s, path)).collect();
            (why.len() == options.len()).then(|| why.join(" / "))
        }
    }
}

/// Why a message does not fit what this screen may see before the reveal.
fn pre_reveal_misfit(v: &Value, host: bool) -> Option<String> {
    let keys = match allowed_keys(v, host) {
        Ok(Some(keys)) => keys,
        Ok(None) => return None,
        Err(why) => return Some(why),
    };
    let m = v.as_object()?;
    let ty = v["type"].as_str().unwrap_or("");
    m.iter().filter(|(k, _)| *k != "type").find_map(|(k, c)| {
        if !keys.contains(&k.as_str()) {
            return Some(format!("`{k}` is not in the allow-list"));
        }
        misfit(c, shape_of(ty, k), k)
    })
}

/// Panics unless `text` decodes as the library's `ServerMsg` and encodes
/// back to the same JSON: every message a test sees is exactly one the
/// enum describes (a field it lacks would be dropped, and differ here).
pub fn assert_exactly_typed(text: &str, received: &Value, what: &str) {
    let msg: ServerMsg = serde_json::from_str(text)
        .unwrap_or_else(|e| panic!("{what}: not a `ServerMsg` ({e}): {text}"));
    let again = serde_json::to_value(&msg).expect("a ServerMsg encodes");
    assert_eq!(
        &again, received,
        "{what}: `ServerMsg` does not describe this message exactly: {text}"
    );
}

/// Panics unless every key of `v`, at every depth, is one the allow-list
/// gives its message type for this screen (host or phone; either, when the
/// client has not said which). This is the answer-leak check: a key the
/// list does not know could carry the answer, whatever its name.
pub fn assert_pre_reveal_allowed(v: &Value, roles: Roles, what: &str) {
    let candidates: Vec<bool> = match (roles.host, roles.phone) {
        (true, false) => vec![true],
        (false, true) => vec![false],
        _ => vec![true, false],
    };
    let why: Vec<String> = candidates
        .iter()
        .map_while(|&host| {
            let screen = if host { "host" } else { "phone" };
            pre_reveal_misfit(v, host).map(|why| format!("as a {screen}'s: {why}"))
        })
        .collect();
    if why.len() == candidates.len() {
        panic!(
            "{what}: a message before the reveal with a key nobody allowed ({}): {v}",
            why.join("; ")
        );
    }
}

// ---------------------------------------------------------------------------
// Rosters

/// Photo `i` encodes `i` in four horizontal bands between a dark and a
/// bright reference band, so it can be recognised after resizing, JPEG and
/// any contrast stretch (those keep dark darker than bright).
const BANDS: u32 = 6;
const DARK: u8 = 40;
const BRIGHT: u8 = 210;

/// An 80×100 (4:5) grayscale portrait that encodes `i` (< 16).
pub fn portrait(i: usize) -> image::GrayImage {
    assert!(i < 16, "only 16 distinguishable portraits");
    let (w, h) = (80u32, 100u32);
    image::GrayImage::from_fn(w, h, |x, y| {
        let edge = x < 3 || y < 3 || x >= w - 3 || y >= h - 3;
        let band_top = h * 2 / 10;
        let band_h = h / 10;
        let in_bands = (band_top..band_top + BANDS * band_h).contains(&y) && (16..64).contains(&x);
        let v = if in_bands {
            match (y - band_top) / band_h {
                0 => DARK,
                b if b == BANDS - 1 => BRIGHT,
                b => {
                    if (i >> (b - 1)) & 1 == 1 {
                        BRIGHT
                    } else {
                        DARK
                    }
                }
            }
        } else if edge {
            200
        } else {
            128
        };
        image::Luma([v])
    })
}

/// A generated portrait as PNG bytes, base64 (the organiser API's photos).
pub fn portrait_b64(i: usize) -> String {
    use base64::Engine;
    let mut png = Vec::new();
    portrait(i)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    base64::engine::general_purpose::STANDARD.encode(png)
}

pub fn write_png(path: &Path, i: usize) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    portrait(i)
        .save_with_format(path, image::ImageFormat::Png)
        .unwrap();
}

pub fn write_jpg(path: &Path, i: usize) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    image::DynamicImage::ImageLuma8(portrait(i))
        .to_rgb8()
        .save_with_format(path, image::ImageFormat::Jpeg)
        .unwrap();
}

/// A tempdir with `photos/p0.png … p{n-1}.png` (photo `i` is `portrait(i)`)
/// and `roster.csv` holding `csv` verbatim.
pub fn roster_folder(n_photos: usize, csv: &str) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..n_photos {
        write_png(&dir.path().join(format!("photos/p{i}.png")), i);
    }
    std::fs::write(dir.path().join("roster.csv"), csv).unwrap();
    dir
}

pub struct Person {
    pub name: &'static str,
    pub gender: &'static str,
    pub known_as: &'static str,
    pub in_memoriam: bool,
}

/// Eight made-up classmates, four per gender label; one goes by another name
/// now, one has died. No name contains a hex-only word.
pub const PEOPLE: [Person; 8] = [
    Person {
        name: "Quentin Wolfe",
        gender: "m",
        known_as: "",
        in_memoriam: false,
    },
    Person {
        name: "Marisol Yates",
        gender: "f",
        known_as: "",
        in_memoriam: false,
    },
    Person {
        name: "Ingrid Kowalski",
        gender: "f",
        known_as: "Ingrid Park",
        in_memoriam: false,
    },
    Person {
        name: "Horatio Lumley",
        gender: "m",
        known_as: "",
        in_memoriam: false,
    },
    Person {
        name: "Priya Natarajan",
        gender: "f",
        known_as: "",
        in_memoriam: false,
    },
    Person {
        name: "Vaughn Jimenez",
        gender: "m",
        known_as: "",
        in_memoriam: false,
    },
    Person {
        name: "Zelda Whitmore",
        gender: "f",
        known_as: "",
        in_memoriam: false,
    },
    Person {
        name: "Ulysses Thorn",
        gender: "m",
        known_as: "",
        in_memoriam: true,
    },
];

/// The standard test roster: `PEOPLE`, photo `i` is `photos/p{i}.png`.
pub struct Roster {
    pub dir: TempDir,
}

impl Roster {
    pub fn csv(&self) -> PathBuf {
        self.dir.path().join("roster.csv")
    }
    pub fn names(&self) -> Vec<&'static str> {
        PEOPLE.iter().map(|p| p.name).collect()
    }
    pub fn index_of(name: &str) -> usize {
        PEOPLE
            .iter()
            .position(|p| p.name == name)
            .unwrap_or_else(|| panic!("{name:?} is not in the test roster"))
    }
}

pub fn standard_roster() -> Roster {
    let mut csv = String::from("name,gender,photo,known_as,in_memoriam\n");
    for (i, p) in PEOPLE.iter().enumerate() {
        csv.push_str(&format!(
            "{},{},photos/p{i}.png,{},{}\n",
            p.name,
            p.gender,
            p.known_as,
            if p.in_memoriam { "yes" } else { "" }
        ));
    }
    Roster {
        dir: roster_folder(PEOPLE.len(), &csv),
    }
}

/// A server on the standard roster with extra builder settings.
pub fn server_with(roster: &Roster, b: ServerBuilder) -> TestServer {
    b.roster(&roster.csv()).start()
}

/// A PNG of noise (no compression shrinks it, so it takes `side`² × 3
/// bytes and several 1 MiB upload chunks), different for each `seed`.
pub fn noisy_png(side: u32, seed: u32) -> Vec<u8> {
    let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    let img = image::RgbImage::from_fn(side, side, |_, _| {
        state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let [a, b, c, _] = state.to_be_bytes();
        image::Rgb([a, b, c])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("a PNG in memory");
    out.into_inner()
}

/// Which generated photo (index into `PEOPLE`) these image bytes show,
/// read from the bands `portrait` drew.
pub fn identify(bytes: &[u8]) -> usize {
    let i = identify_portrait(bytes);
    assert!(
        i < PEOPLE.len(),
        "photo encodes {i}, not a test roster person"
    );
    i
}

/// Which `portrait(i)` (0..16) these image bytes show.
pub fn identify_portrait(bytes: &[u8]) -> usize {
    let img = image::load_from_memory(bytes)
        .unwrap_or_else(|e| panic!("photo is not a decodable PNG/JPEG: {e}"))
        .to_luma8();
    let (w, h) = img.dimensions();
    assert!(w >= 20 && h >= 25, "photo too small: {w}×{h}");
    let band_mean = |b: u32| {
        // The middle half of band `b`, the middle of its width.
        let top = h as f64 * (0.2 + 0.1 * b as f64);
        let (y0, y1) = (
            (top + h as f64 * 0.025) as u32,
            (top + h as f64 * 0.075) as u32,
        );
        let (x0, x1) = (w * 35 / 100, w * 65 / 100);
        let mut sum = 0u64;
        let mut n = 0u64;
        for y in y0..=y1 {
            for x in x0..x1 {
                sum += img.get_pixel(x, y).0[0] as u64;
                n += 1;
            }
        }
        sum as f64 / n as f64
    };
    let dark = band_mean(0);
    let bright = band_mean(BANDS - 1);
    assert!(
        bright - dark > 60.0,
        "photo shows no generated portrait (reference bands {dark:.0} / {bright:.0})"
    );
    let mid = (dark + bright) / 2.0;
    let mut i = 0;
    for b in 1..BANDS - 1 {
        let m = band_mean(b);
        assert!(
            (m - mid).abs() > (bright - dark) / 4.0,
            "band {b} of the photo is ambiguous: {m:.0} between {dark:.0} and {bright:.0}"
        );
        if m > mid {
            i |= 1 << (b - 1);
        }
    }
    i
}

/// Fetches a photo path from a message and tells whose it is.
pub async fn whose_photo(server: &TestServer, path: &str) -> usize {
    identify(&server.fetch_bytes(path).await)
}

/// For a `round` (or question `state`) message on the standard roster:
/// the index of the right choice, checking along the way that the four
/// choices are four different people of one gender label.
pub async fn answer_of(server: &TestServer, round: &Value) -> usize {
    let choices = round["choices"].as_array().expect("choices");
    assert_eq!(choices.len(), 4, "four choices: {round}");
    let mode = round["mode"].as_str().unwrap_or("name_to_photo");
    let (target, people): (usize, Vec<usize>) = if mode == "photo_to_name" {
        let target = whose_photo(
            server,
            round["prompt"]["thumb"].as_str().expect("prompt.thumb"),
        )
        .await;
        let people = choices
            .iter()
            .map(|c| Roster::index_of(c["name"].as_str().expect("choice.name")))
            .collect();
        (target, people)
    } else {
        let target = Roster::index_of(round["prompt"]["name"].as_str().expect("prompt.name"));
        let mut people = Vec::new();
        for c in choices {
            people.push(whose_photo(server, c["thumb"].as_str().expect("choice.thumb")).await);
        }
        (target, people)
    };
    let mut uniq = people.clone();
    uniq.sort();
    uniq.dedup();
    assert_eq!(
        uniq.len(),
        4,
        "four different people among the choices: {people:?}"
    );
    let g = PEOPLE[target].gender;
    assert!(
        people.iter().all(|&p| PEOPLE[p].gender == g),
        "with 4 people per gender label, all choices share the target's label {g}: {:?}",
        people.iter().map(|&p| PEOPLE[p].name).collect::<Vec<_>>()
    );
    let hits: Vec<usize> = (0..4).filter(|&i| people[i] == target).collect();
    assert_eq!(
        hits.len(),
        1,
        "exactly one choice is {}: {people:?}",
        PEOPLE[target].name
    );
    hits[0]
}

/// Checks a leaderboard array: ranks from 1, scores not increasing, ranks
/// not decreasing and strictly larger after a strictly smaller score.
pub fn assert_leaderboard_sorted(lb: &Value) {
    let lb = lb.as_array().expect("leaderboard array");
    let mut prev: Option<(u64, u64)> = None;
    for e in lb {
        let rank = e["rank"].as_u64().unwrap_or_else(|| panic!("rank in {e}"));
        let score = e["score"]
            .as_u64()
            .unwrap_or_else(|| panic!("score in {e}"));
        assert!(e["name"].is_string(), "name in {e}");
        match prev {
            None => assert_eq!(rank, 1, "leaderboard starts at rank 1: {lb:?}"),
            Some((pr, ps)) => {
                assert!(score <= ps, "leaderboard sorted by score: {lb:?}");
                assert!(rank >= pr, "ranks do not decrease: {lb:?}");
                if score < ps {
                    assert!(rank > pr, "a lower score ranks lower: {lb:?}");
                }
            }
        }
        prev = Some((rank, score));
    }
}

/// Points for a right answer as the contract computes them.
pub fn points_for(elapsed: Duration, limit: Duration) -> u64 {
    (1000.0 * (1.0 - elapsed.as_secs_f64() / limit.as_secs_f64() / 2.0)).round() as u64
}

/// Then & now: the host's list of the room's photos of today.
pub async fn host_photos(server: &TestServer, code: &str, key: &str) -> Value {
    let r = reqwest::Client::new()
        .get(server.url(&format!("/api/rooms/{code}/today-photos")))
        .bearer_auth(key)
        .send()
        .await
        .expect("today-photos");
    let (status, v) = status_and_json(r).await;
    assert_eq!(status, 200, "{v}");
    v
}

/// The status of a GET of a URL a message carried.
pub async fn status_of(server: &TestServer, path_from_message: &str) -> u16 {
    reqwest::get(server.abs(path_from_message))
        .await
        .expect("GET")
        .status()
        .as_u16()
}

/// Whether `tesseract` runs here, for the tests that read yearbook pages:
/// under CI (`CI` set; .ci/run installs it) a missing tesseract is a
/// failure; elsewhere the test says it skipped.
#[allow(dead_code)]
pub fn tesseract_or_skip() -> bool {
    if yearbook::pages::tesseract_available() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "tesseract is missing under CI; .ci/run installs tesseract-ocr tesseract-ocr-eng"
    );
    eprintln!(
        "SKIPPED: tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-eng)"
    );
    false
}

/// Whether poppler's `pdftoppm` runs here, as [`tesseract_or_skip`]:
/// under CI (.ci/run installs poppler-utils) its absence is a failure.
#[allow(dead_code)]
pub fn pdftoppm_or_skip() -> bool {
    if std::process::Command::new("pdftoppm")
        .arg("-v")
        .output()
        .is_ok()
    {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "pdftoppm is missing under CI; .ci/run installs poppler-utils"
    );
    eprintln!("SKIPPED: pdftoppm is not installed (apt-get install poppler-utils)");
    false
}

/// A PDF of grey images, each filling its own page, `dpi` dots an inch.
#[allow(dead_code)]
pub fn pdf_of(pages: &[image::GrayImage], dpi: f32) -> Vec<u8> {
    // Objects: 1 the catalog, 2 the page tree, then per page its page,
    // image and content (3 + 3k, 4 + 3k, 5 + 3k).
    let kids: Vec<String> = (0..pages.len())
        .map(|k| format!("{} 0 R", 3 + 3 * k))
        .collect();
    let mut objects: Vec<Vec<u8>> = vec![
        b"<</Type/Catalog/Pages 2 0 R>>".to_vec(),
        format!(
            "<</Type/Pages/Kids[{}]/Count {}>>",
            kids.join(" "),
            pages.len()
        )
        .into_bytes(),
    ];
    for (k, img) in pages.iter().enumerate() {
        let (w, h) = img.dimensions();
        let (pw, ph) = (w as f32 * 72.0 / dpi, h as f32 * 72.0 / dpi);
        let (image, contents) = (4 + 3 * k, 5 + 3 * k);
        let content = format!("q {pw:.2} 0 0 {ph:.2} 0 0 cm /Im0 Do Q");
        objects.push(format!("<</Type/Page/Parent 2 0 R/MediaBox[0 0 {pw:.2} {ph:.2}]/Resources<</XObject<</Im0 {image} 0 R>>>>/Contents {contents} 0 R>>").into_bytes());
        objects.push(
            [
                format!("<</Type/XObject/Subtype/Image/Width {w}/Height {h}/ColorSpace/DeviceGray/BitsPerComponent 8/Length {}>>\nstream\n", img.as_raw().len()).into_bytes(),
                img.as_raw().clone(),
                b"\nendstream".to_vec(),
            ]
            .concat(),
        );
        objects.push(
            format!(
                "<</Length {}>>\nstream\n{content}\nendstream",
                content.len()
            )
            .into_bytes(),
        );
    }
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend(format!("{} 0 obj\n", i + 1).into_bytes());
        pdf.extend(body);
        pdf.extend(b"\nendobj\n");
    }
    let xref = pdf.len();
    pdf.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).into_bytes());
    for o in offsets {
        pdf.extend(format!("{o:010} 00000 n \n").into_bytes());
    }
    pdf.extend(
        format!(
            "trailer\n<</Size {}/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .into_bytes(),
    );
    pdf
}
