//! The shipped reverse-proxy snippets (`deploy/nginx/yearbook.conf`,
//! `deploy/apache/yearbook.conf`), rendered for test ports and run by real
//! nginx and Apache processes in front of the real server: pages, photos,
//! the API and a whole round over WebSockets, at a sub-path and at the root
//! of a (sub)domain. And the examples of many events on two instances
//! (`deploy/nginx/many-events.conf`, `deploy/haproxy/many-events.cfg`):
//! each event's prefix or host name reaching its own instance, and only it.
//!
//! The proxies come from Debian (`apt-get install nginx apache2 haproxy`, which
//! `.ci/run` does). Where they are missing these tests say so and pass,
//! unless `CI` is set: then a missing proxy is a failure.

mod common;

use std::io::Write;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio_tungstenite::tungstenite;

const BASE: &str = "/reunion/1984";

/// The shipped snippet, as an organiser copies it.
fn shipped(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

// ---------------------------------------------------------------------------
// Finding the proxies

/// The program, looked up in `PATH` and the sbin folders (where Debian puts
/// daemons, often outside a normal user's `PATH`).
fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin", "/usr/local/sbin"].map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// The proxy binary, or `None` after printing why the test is skipped.
/// Under CI a missing proxy fails the test instead.
fn require(program: &str, package: &str) -> Option<PathBuf> {
    if let Some(p) = find_program(program) {
        return Some(p);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "{program} is not installed, and CI is set: .ci/run installs it \
             (apt-get install {package})"
        );
    }
    // Straight to the terminal: the test harness would swallow `eprintln!`
    // of a passing test.
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED: {program} not found (apt-get install {package}); the {program} proxy test passes without running"
    );
    None
}

fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|euid| euid == "0"))
        })
        .unwrap_or(false)
}

// ---------------------------------------------------------------------------
// Rendering the shipped snippets for the test

/// The snippet with each upstream address (`127.0.0.1:8080`) moved to its
/// test port and each server block listening on its own loopback port:
/// every `listen 80;` in turn gets the next port, `listen [::]:80;` lines
/// go. Returns the text and the ports, in the order of the blocks.
fn render_nginx(snippet: &str, upstreams: &[(&str, u16)]) -> (String, Vec<u16>) {
    let mut ports = Vec::new();
    let mut out = String::new();
    for line in snippet.lines() {
        let t = line.trim();
        if t.starts_with("listen [::]:80") {
            continue;
        }
        if t == "listen 80;" {
            let port = free_port();
            ports.push(port);
            out.push_str(&format!("    listen 127.0.0.1:{port};\n"));
            continue;
        }
        out.push_str(&move_upstreams(line, upstreams));
        out.push('\n');
    }
    assert!(!ports.is_empty(), "no `listen 80;` server block");
    (out, ports)
}

/// `line` with each upstream address of a shipped file (`127.0.0.1:8081`)
/// replaced by the test server's.
fn move_upstreams(line: &str, upstreams: &[(&str, u16)]) -> String {
    upstreams.iter().fold(line.to_string(), |l, (from, port)| {
        l.replace(from, &format!("127.0.0.1:{port}"))
    })
}

/// The same for Apache: every `<VirtualHost *:80>` gets its own port.
fn render_apache(snippet: &str, upstream: u16) -> (String, Vec<u16>) {
    let mut ports = Vec::new();
    let mut out = String::new();
    for line in snippet.lines() {
        if line.trim() == "<VirtualHost *:80>" {
            let port = free_port();
            ports.push(port);
            out.push_str(&format!("<VirtualHost 127.0.0.1:{port}>\n"));
            continue;
        }
        out.push_str(&line.replace("127.0.0.1:8080", &format!("127.0.0.1:{upstream}")));
        out.push('\n');
    }
    assert!(
        !ports.is_empty(),
        "deploy/apache/yearbook.conf has no <VirtualHost *:80> block"
    );
    (out, ports)
}

/// A real proxy process with its own config, logs and temp files in a
/// tempdir; stopped (SIGTERM, then SIGKILL) on drop.
struct Proxy {
    name: &'static str,
    child: Child,
    dir: TempDir,
    /// One per server block / VirtualHost of the snippet, in order.
    ports: Vec<u16>,
    error_log: PathBuf,
}

impl Proxy {
    fn origin(&self, block: usize) -> String {
        format!("http://127.0.0.1:{}", self.ports[block])
    }

    fn logs(&self) -> String {
        let mut s = std::fs::read_to_string(&self.error_log).unwrap_or_default();
        for f in ["stderr.log", "access.log"] {
            if let Ok(t) = std::fs::read_to_string(self.dir.path().join(f)) {
                s.push_str(&format!("\n--- {f} ---\n{t}"));
            }
        }
        s
    }

    /// nginx with the shipped snippet `rel` inside a minimal `http {}`,
    /// its upstream addresses moved to the test's servers.
    fn nginx(bin: &Path, rel: &str, upstreams: &[(&str, u16)]) -> Proxy {
        Self::nginx_edited(bin, rel, &shipped(rel), upstreams)
    }

    /// As [`Proxy::nginx`], with `text`: the snippet `rel` as whoever runs
    /// the site edits it, following its comments.
    fn nginx_edited(bin: &Path, rel: &str, text: &str, upstreams: &[(&str, u16)]) -> Proxy {
        Self::start_retrying(|| {
            let dir = tempfile::tempdir().unwrap();
            let d = dir.path().display().to_string();
            let (snippet, ports) = render_nginx(text, upstreams);
            // As root the workers would switch to a user that cannot enter
            // the tempdir (proxy_temp lives there).
            let user = if running_as_root() {
                "user root;\n"
            } else {
                ""
            };
            let conf = format!(
                "{user}worker_processes 1;\n\
                 pid {d}/nginx.pid;\n\
                 error_log {d}/error.log info;\n\
                 events {{ worker_connections 512; }}\n\
                 http {{\n\
                 access_log {d}/access.log;\n\
                 client_body_temp_path {d}/client_body;\n\
                 proxy_temp_path {d}/proxy;\n\
                 fastcgi_temp_path {d}/fastcgi;\n\
                 uwsgi_temp_path {d}/uwsgi;\n\
                 scgi_temp_path {d}/scgi;\n\
                 # ---- {rel}, rendered ----\n\
                 {snippet}\n\
                 }}\n"
            );
            std::fs::write(dir.path().join("nginx.conf"), conf).unwrap();
            let mut cmd = Command::new(bin);
            cmd.arg("-p")
                .arg(dir.path())
                .arg("-c")
                .arg(dir.path().join("nginx.conf"))
                .arg("-e")
                .arg(dir.path().join("error.log"))
                .arg("-g")
                .arg("daemon off;");
            let error_log = dir.path().join("error.log");
            ("nginx", cmd, dir, ports, error_log)
        })
    }

    /// Apache with the shipped snippet and just the modules it needs.
    fn apache(bin: &Path, upstream: u16) -> Proxy {
        Self::start_retrying(|| {
            let dir = tempfile::tempdir().unwrap();
            let d = dir.path().display().to_string();
            let (snippet, ports) = render_apache(&shipped("deploy/apache/yearbook.conf"), upstream);
            let modules = [
                ("mpm_event_module", "mod_mpm_event.so"),
                ("authz_core_module", "mod_authz_core.so"),
                ("alias_module", "mod_alias.so"),
                ("headers_module", "mod_headers.so"),
                ("proxy_module", "mod_proxy.so"),
                ("proxy_http_module", "mod_proxy_http.so"),
                ("proxy_wstunnel_module", "mod_proxy_wstunnel.so"),
            ]
            .map(|(m, f)| format!("LoadModule {m} /usr/lib/apache2/modules/{f}\n"))
            .concat();
            let listen: String = ports
                .iter()
                .map(|p| format!("Listen 127.0.0.1:{p}\n"))
                .collect();
            // Apache refuses to serve as root; its children take this user.
            let user = if running_as_root() {
                "User www-data\nGroup www-data\n"
            } else {
                ""
            };
            let conf = format!(
                "ServerRoot {d}\n\
                 ServerName 127.0.0.1\n\
                 DefaultRuntimeDir {d}\n\
                 PidFile {d}/httpd.pid\n\
                 ErrorLog {d}/error.log\n\
                 LogLevel warn\n\
                 LogFormat \"%h %t \\\"%r\\\" %>s %b\" plain\n\
                 CustomLog {d}/access.log plain\n\
                 {user}\
                 {modules}\
                 {listen}\
                 # ---- deploy/apache/yearbook.conf, rendered ----\n\
                 {snippet}\n"
            );
            std::fs::write(dir.path().join("httpd.conf"), conf).unwrap();
            let mut cmd = Command::new(bin);
            cmd.arg("-d")
                .arg(dir.path())
                .arg("-f")
                .arg(dir.path().join("httpd.conf"))
                .arg("-DFOREGROUND")
                // Debian's apache2 reads these from /etc/apache2/envvars in
                // apache2ctl; our config names every path itself.
                .env("APACHE_RUN_DIR", dir.path())
                .env("APACHE_LOCK_DIR", dir.path())
                .env("APACHE_LOG_DIR", dir.path());
            let error_log = dir.path().join("error.log");
            ("apache2", cmd, dir, ports, error_log)
        })
    }

    /// HAProxy with the shipped config `rel`: each `bind :80` on its own
    /// loopback port, the upstreams moved, its log to stdout, and no
    /// chroot or user switch (the test may not run as root).
    fn haproxy(bin: &Path, rel: &str, upstreams: &[(&str, u16)]) -> Proxy {
        Self::start_retrying(|| {
            let dir = tempfile::tempdir().unwrap();
            let mut ports = Vec::new();
            let mut conf = String::new();
            for line in shipped(rel).lines() {
                let t = line.trim();
                if t.starts_with("chroot ") || t.starts_with("user ") || t.starts_with("group ") {
                    continue;
                }
                let line = if t == "bind :80" {
                    let port = free_port();
                    ports.push(port);
                    format!("    bind 127.0.0.1:{port}")
                } else if t == "log /dev/log local0" {
                    "    log stdout format raw local0".to_string()
                } else {
                    move_upstreams(line, upstreams)
                };
                conf.push_str(&line);
                conf.push('\n');
            }
            assert!(!ports.is_empty(), "{rel}: no `bind :80`");
            std::fs::write(dir.path().join("haproxy.cfg"), conf).unwrap();
            let mut cmd = Command::new(bin);
            // -db: in the foreground, stopped by SIGTERM like the others.
            cmd.arg("-db").arg("-f").arg(dir.path().join("haproxy.cfg"));
            // Its log goes to stdout, so to stderr.log with the rest.
            let error_log = dir.path().join("no-separate-error.log");
            ("haproxy", cmd, dir, ports, error_log)
        })
    }

    /// Starts the proxy and waits until every port answers. A port another
    /// process took between `free_port` and the proxy's bind gets a retry.
    fn start_retrying(
        mut make: impl FnMut() -> (&'static str, Command, TempDir, Vec<u16>, PathBuf),
    ) -> Proxy {
        let mut last = String::new();
        for _attempt in 0..3 {
            let (name, mut cmd, dir, ports, error_log) = make();
            let stderr = std::fs::File::create(dir.path().join("stderr.log")).unwrap();
            cmd.stdin(Stdio::null())
                .stdout(Stdio::from(stderr.try_clone().unwrap()))
                .stderr(Stdio::from(stderr));
            let child = cmd.spawn().unwrap_or_else(|e| panic!("spawn {name}: {e}"));
            let mut proxy = Proxy {
                name,
                child,
                dir,
                ports,
                error_log,
            };
            match proxy.wait_ready(Duration::from_secs(10)) {
                Ok(()) => return proxy,
                Err(why) => {
                    last = format!(
                        "{name} did not start: {why}\n--- config ---\n{}\n--- logs ---\n{}",
                        std::fs::read_to_string(proxy.dir.path().join(match name {
                            "nginx" => "nginx.conf",
                            "haproxy" => "haproxy.cfg",
                            _ => "httpd.conf",
                        }))
                        .unwrap_or_default(),
                        proxy.logs()
                    );
                    if !last.contains("ddress already in use") {
                        break;
                    }
                }
            }
        }
        panic!("{last}");
    }

    fn wait_ready(&mut self, limit: Duration) -> Result<(), String> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Err(format!("exited with {status}"));
            }
            let all_up = self.ports.iter().all(|p| {
                TcpStream::connect_timeout(&([127, 0, 0, 1], *p).into(), Duration::from_millis(200))
                    .is_ok()
            });
            if all_up {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "ports {:?} not answering after {limit:?}",
                    self.ports
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        // SIGTERM lets the master stop its workers; SIGKILL would orphan them.
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = writeln!(std::io::stderr(), "{} had to be killed", self.name);
    }
}

// ---------------------------------------------------------------------------
// What a browser and the phones do, through the proxy

/// Photo `path` (as a message names it, base path included) through the
/// proxy: 200 with the server's caching headers, 304 on revalidation;
/// returns whose photo it is.
async fn photo_via(
    http: &reqwest::Client,
    origin: &str,
    base: &str,
    path: &str,
    ctx: &str,
) -> usize {
    assert!(
        path.starts_with(&format!("{base}/photos/")),
        "{ctx}: photo URL {path:?}"
    );
    let r = fetch(http, format!("{origin}{path}")).await;
    assert_eq!(r.status().as_u16(), 200, "{ctx}: GET {path}");
    let etag = r
        .headers()
        .get("etag")
        .unwrap_or_else(|| panic!("{ctx}: {path} has no ETag through the proxy"))
        .to_str()
        .unwrap()
        .to_string();
    let cache = header(&r, "cache-control");
    assert!(
        cache.contains("immutable"),
        "{ctx}: Cache-Control {cache:?}"
    );
    let ctype = r.headers()["content-type"].to_str().unwrap().to_string();
    assert!(ctype.starts_with("image/"), "{ctx}: Content-Type {ctype:?}");
    let bytes = r.bytes().await.unwrap();
    let again = fetch_with_header(http, format!("{origin}{path}"), "If-None-Match", &etag).await;
    assert_eq!(
        again.status().as_u16(),
        304,
        "{ctx}: a revalidation with its ETag is 304"
    );
    identify(&bytes)
}

/// The landing page, the API, the host and join pages, photos and one round
/// with a host and two phones, all through the proxy at `origin` + `base`.
/// Returns the room's code.
async fn play_through(proxy: &Proxy, block: usize, base: &str) -> String {
    let origin = proxy.origin(block);
    let ctx = format!("{} block {block} ({origin}{base})", proxy.name);
    let http = no_redirect_client();
    let url = |p: &str| format!("{origin}{base}{p}");

    // The landing page and its assets, all under the base path.
    let r = fetch(&http, url("/")).await;
    assert_eq!(r.status().as_u16(), 200, "{ctx}: GET {base}/");
    let html = r.text().await.unwrap();
    let links = local_links(&html);
    assert!(!links.is_empty(), "{ctx}: the landing page links nothing");
    for l in &links {
        assert!(
            l.starts_with(&format!("{base}/")),
            "{ctx}: link {l:?} on the landing page is outside {base}/"
        );
        if l.contains("/static/") {
            let r = fetch(&http, format!("{origin}{l}")).await;
            assert_eq!(r.status().as_u16(), 200, "{ctx}: GET {l}");
        }
    }
    if !base.is_empty() {
        // The bare prefix without its slash reaches the game too.
        let r = fetch(&http, format!("{origin}{base}")).await;
        assert_eq!(r.status().as_u16(), 301, "{ctx}: GET {base}");
        let loc = r.headers()["location"].to_str().unwrap();
        assert!(loc.ends_with(&format!("{base}/")), "{ctx}: Location {loc}");
    }
    let r = fetch(&http, url("/healthz")).await;
    assert_eq!(r.status().as_u16(), 200, "{ctx}: healthz");
    assert_eq!(r.text().await.unwrap().trim(), "ok");

    // nginx refuses bodies over 1 MiB itself unless told otherwise, and an
    // organiser's upload sends pieces that size: they must reach the game,
    // which bounds every body itself. (The game's own early 413 reaches
    // the client as a 502 or a 413 depending on timing: not checked here.)
    if proxy.name == "nginx" {
        let r = http
            .post(url("/api/rooms"))
            .header("Content-Type", "application/json")
            .body(vec![b' '; 1536 * 1024])
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap_or_default();
        assert!(
            !(status == 413 && text.contains("<center>nginx")),
            "{ctx}: nginx refused a 1.5 MiB body itself: {text}"
        );
    }

    // A room: the links name the proxy (X-Forwarded-Host + --trust-proxy).
    let r = http
        .post(url("/api/rooms"))
        .json(&json!({"rounds": 2, "seconds": 30}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201, "{ctx}: POST /api/rooms");
    let room: Value = r.json().await.unwrap();
    let code = room["code"].as_str().unwrap().to_string();
    let key = room["host_key"].as_str().unwrap().to_string();
    assert_eq!(
        room["join_url"],
        url(&format!("/join/{code}")),
        "{ctx}: join_url names the proxy"
    );
    let host_url = room["host_url"].as_str().unwrap();
    assert_eq!(
        host_url,
        url(&format!("/host/{code}#key={key}")),
        "{ctx}: host_url names the proxy"
    );

    // The projector page shows the proxy's join link; the phone page loads.
    let r = fetch(&http, host_url.split('#').next().unwrap()).await;
    assert_eq!(r.status().as_u16(), 200, "{ctx}: host page");
    let host_html = r.text().await.unwrap();
    assert!(
        host_html.contains(room["join_url"].as_str().unwrap()),
        "{ctx}: the host page shows the join URL through the proxy"
    );
    for l in local_links(&host_html) {
        assert!(
            l.starts_with(&format!("{base}/")),
            "{ctx}: host page link {l:?}"
        );
    }
    let r = fetch(&http, url(&format!("/join/{code}"))).await;
    assert_eq!(r.status().as_u16(), 200, "{ctx}: join page");

    // The WebSockets, with the Origin a browser on the proxy's page sends.
    let ws = format!("{}{base}/ws/{code}", origin.replacen("http://", "ws://", 1));
    let connect = |label: &'static str| {
        let ws = ws.clone();
        let origin = origin.clone();
        let ctx = ctx.clone();
        async move {
            TestClient::connect_url(&ws, Some(&origin), label)
                .await
                .unwrap_or_else(|e| panic!("{ctx}: WebSocket {ws} for {label}: {e}"))
        }
    };
    let mut host = connect("host").await;
    host.send(json!({"type":"hello","key":key})).await;
    let st = host.recv_type("state").await;
    assert_eq!(st["phase"], "lobby", "{ctx}: {st}");
    let mut phones = Vec::new();
    for name in ["Nadia", "Oscar"] {
        let mut p = connect(name).await;
        p.send(json!({"type":"join","name":name})).await;
        let w = p.recv_type("welcome").await;
        assert_eq!(w["name"], name, "{ctx}: {w}");
        p.recv_type("state").await;
        phones.push(p);
    }
    host.send(json!({"type":"start_round"})).await;
    let round = host.recv_type("round").await;
    assert_eq!(round["round"], 1, "{ctx}: {round}");
    let mut phone_rounds = Vec::new();
    for p in &mut phones {
        phone_rounds.push(p.recv_type("round").await);
    }

    // The photos, through the proxy; which one is right.
    let target = Roster::index_of(round["prompt"]["name"].as_str().expect("prompt.name"));
    let mut right = None;
    for (i, c) in phone_rounds[0]["choices"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        let who = photo_via(&http, &origin, base, c["thumb"].as_str().unwrap(), &ctx).await;
        if who == target {
            right = Some(i as u64);
        }
    }
    let big = round["choices"][0]["photo"].as_str().unwrap();
    photo_via(&http, &origin, base, big, &ctx).await;
    let right = right.unwrap_or_else(|| panic!("{ctx}: no choice shows {target}: {round}"));
    let wrong = (right + 1) % 4;

    // Votes, acks, and the reveal closing the round early (all voted).
    phones[0].vote(1, right).await;
    phones[1].vote(1, wrong).await;
    let reveal = host.recv_type("reveal").await;
    assert_eq!(reveal["answer"], right, "{ctx}: {reveal}");
    let counts: u64 = reveal["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_u64().unwrap())
        .sum();
    assert_eq!(counts, 2, "{ctx}: {reveal}");
    let r0 = phones[0].recv_type("reveal").await;
    assert_eq!(r0["you"]["correct"], true, "{ctx}: {r0}");
    assert!(r0["you"]["points"].as_u64().unwrap() >= 500, "{ctx}: {r0}");
    let r1 = phones[1].recv_type("reveal").await;
    assert_eq!(r1["you"]["correct"], false, "{ctx}: {r1}");
    assert_eq!(r1["you"]["points"], 0, "{ctx}: {r1}");

    let r = fetch(&http, url(&format!("/api/rooms/{code}"))).await;
    let info: Value = r.json().await.unwrap();
    assert_eq!(info["phase"], "reveal", "{ctx}: {info}");
    assert_eq!(info["players"], 2, "{ctx}: {info}");

    // The next round starts through the same sockets.
    host.send(json!({"type":"start_round"})).await;
    let second = phones[1].recv_type("round").await;
    assert_eq!(second["round"], 2, "{ctx}: {second}");
    code
}

fn server(base: Option<&str>, roster: &Roster) -> TestServer {
    let mut b = TestServer::builder().arg("--trust-proxy");
    if let Some(base) = base {
        b = b.base_path(base);
    }
    server_with(roster, b)
}

/// On a test's failure, shows what the proxy logged.
struct ShowLogs<'a>(&'a Proxy);

impl Drop for ShowLogs<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let _ = writeln!(
                std::io::stderr(),
                "--- {} logs ---\n{}",
                self.0.name,
                self.0.logs()
            );
        }
    }
}

async fn check(proxy: Proxy, block: usize, base: &str) {
    let _logs = ShowLogs(&proxy);
    play_through(&proxy, block, base).await;
}

/// The loopback port a test server listens on (for a proxy's upstream).
fn port_of(server: &TestServer) -> u16 {
    server
        .origin()
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {}", server.origin()))
}

// ---------------------------------------------------------------------------
// The tests: block 0 of each snippet is the sub-path layout, block 1 the
// subdomain layout.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nginx_at_a_sub_path() {
    let Some(bin) = require("nginx", "nginx") else {
        return;
    };
    let roster = standard_roster();
    let server = server(Some(BASE), &roster);
    let proxy = Proxy::nginx(
        &bin,
        "deploy/nginx/yearbook.conf",
        &[("127.0.0.1:8080", port_of(&server))],
    );
    check(proxy, 0, BASE).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nginx_at_the_root_of_a_subdomain() {
    let Some(bin) = require("nginx", "nginx") else {
        return;
    };
    let roster = standard_roster();
    let server = server(None, &roster);
    let proxy = Proxy::nginx(
        &bin,
        "deploy/nginx/yearbook.conf",
        &[("127.0.0.1:8080", port_of(&server))],
    );
    check(proxy, 1, "").await;
}

/// A server under [`BASE`] with an admin password behind the shipped nginx
/// file, and the organiser's cookie, logged in through it.
async fn organiser_through_nginx(bin: &Path) -> (TestServer, Proxy, String) {
    let roster = standard_roster();
    let b = TestServer::builder()
        .arg("--trust-proxy")
        .arg("--admin-password")
        .arg("pw")
        .base_path(BASE);
    let server = server_with(&roster, b);
    let proxy = Proxy::nginx(
        bin,
        "deploy/nginx/yearbook.conf",
        &[("127.0.0.1:8080", port_of(&server))],
    );
    let origin = proxy.origin(0);
    let login = no_redirect_client()
        .post(format!("{origin}{BASE}/organise/login"))
        .header("Origin", origin.clone())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("password=pw")
        .send()
        .await
        .unwrap();
    assert_eq!(login.status().as_u16(), 303, "log in through nginx");
    let cookie = header(&login, "set-cookie");
    let cookie = cookie.split(';').next().unwrap().to_string();
    (server, proxy, cookie)
}

/// Only the roster-zip route takes a body over 30 MB through the shipped
/// nginx file: there the game itself answers (a 31 MiB body that is no
/// zip: 422 `bad_zip`); anywhere else nginx refuses it (its own 413).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nginx_takes_a_big_body_on_the_roster_zip_route_only() {
    let Some(bin) = require("nginx", "nginx") else {
        return;
    };
    let (_server, proxy, cookie) = organiser_through_nginx(&bin).await;
    let _logs = ShowLogs(&proxy);
    let origin = proxy.origin(0);
    let big = vec![b'x'; 31 * 1024 * 1024];
    let post = |path: &str| {
        no_redirect_client()
            .post(format!("{origin}{BASE}{path}"))
            .header("Cookie", cookie.clone())
            .header("Origin", origin.clone())
            .body(big.clone())
            .send()
    };
    let r = post("/api/organise/reunions/from-roster").await.unwrap();
    let (status, body) = status_and_json(r).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (422, Some("bad_zip")),
        "the game read the whole body: {body}"
    );
    let r = post("/api/organise/reunions").await.unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    assert!(
        status == 413 && text.contains("<center>nginx"),
        "nginx itself refuses 31 MiB elsewhere: {status} {text}"
    );
}

/// An organiser's upload through the shipped nginx file: announced, sent
/// in 1 MiB chunks at their offsets, checked and added to the event, under
/// the base path, with the browser's `Origin` as the proxy passes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nginx_passes_an_organisers_upload_in_1_mib_chunks() {
    let Some(bin) = require("nginx", "nginx") else {
        return;
    };
    let (_server, proxy, cookie) = organiser_through_nginx(&bin).await;
    let _logs = ShowLogs(&proxy);
    let origin = proxy.origin(0);
    let url = |p: &str| format!("{origin}{BASE}{p}");
    let http = no_redirect_client();
    let send = |method: &str, path: &str| {
        http.request(
            reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
            url(path),
        )
        .header("Cookie", cookie.clone())
        .header("Origin", origin.clone())
    };
    let r = send("POST", "/api/organise/reunions")
        .json(&json!({"title": "Class of 1986"}))
        .send()
        .await
        .unwrap();
    let (s, event) = status_and_json(r).await;
    assert_eq!(s, 201, "{event}");

    // A scan of noise: three chunks.
    let scan = noisy_png(900, 7);
    let r = send(
        "POST",
        &format!("/api/organise/reunions/{}/uploads", event["id"]),
    )
    .json(&json!({"name": "Ann Lee.png", "size": scan.len()}))
    .send()
    .await
    .unwrap();
    let (s, upload) = status_and_json(r).await;
    assert_eq!(s, 201, "{upload}");
    let chunk_path = format!("/api/organise/uploads/{}", upload["id"].as_str().unwrap());
    let mut at = 0;
    let mut last = Value::Null;
    while at < scan.len() {
        let end = (at + 1024 * 1024).min(scan.len());
        let r = send("PATCH", &chunk_path)
            .header("Upload-Offset", at.to_string())
            .body(scan[at..end].to_vec())
            .send()
            .await
            .unwrap();
        let (s, body) = status_and_json(r).await;
        assert_eq!(s, 200, "a 1 MiB chunk through nginx: {body}");
        at = end;
        last = body;
    }
    assert_eq!(last["state"], "done", "{last}");
    assert!(last["accepted"][0]["person"].is_u64(), "{last}");
    let r = send("PATCH", &chunk_path)
        .header("Upload-Offset", "0")
        .body(vec![0u8; 10])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status().as_u16(),
        200,
        "a finished upload answers as it stands"
    );
    let r = send("GET", &chunk_path).send().await.unwrap();
    assert_eq!(header(&r, "upload-offset"), scan.len().to_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apache_at_a_sub_path() {
    let Some(bin) = require("apache2", "apache2") else {
        return;
    };
    let roster = standard_roster();
    let server = server(Some(BASE), &roster);
    let proxy = Proxy::apache(&bin, port_of(&server));
    check(proxy, 0, BASE).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apache_at_the_root_of_a_subdomain() {
    let Some(bin) = require("apache2", "apache2") else {
        return;
    };
    let roster = standard_roster();
    let server = server(None, &roster);
    let proxy = Proxy::apache(&bin, port_of(&server));
    check(proxy, 1, "").await;
}

// ---------------------------------------------------------------------------
// Many events: two instances behind one nginx (deploy/nginx/many-events.conf).
// Block 0 routes by path prefix, blocks 1 and 2 by host name.

const MANY: &str = "deploy/nginx/many-events.conf";
const LINCOLN: &str = "/e/lincoln86";
const CENTRAL: &str = "/e/central91";

/// An instance as the example starts it: its own database and base path,
/// nginx named with --trusted-proxy.
fn instance(base: Option<&str>, roster: &Roster) -> TestServer {
    let mut b = TestServer::builder()
        .arg("--trusted-proxy")
        .arg("127.0.0.1");
    if let Some(base) = base {
        b = b.base_path(base);
    }
    server_with(roster, b)
}

/// nginx with the example, instance A on `yearbook_a`, B on `yearbook_b`.
fn nginx_for_two(bin: &Path, a: &TestServer, b: &TestServer) -> Proxy {
    Proxy::nginx(
        bin,
        MANY,
        &[
            ("127.0.0.1:8081", port_of(a)),
            ("127.0.0.1:8082", port_of(b)),
        ],
    )
}

/// The room is the instance's own: known when asked directly, not to `other`.
async fn owned_by(code: &str, owner: &TestServer, other: &TestServer, what: &str) {
    let (s, v) = owner.get_json(&format!("/api/rooms/{code}")).await;
    assert_eq!(s, 200, "{what}: room {code} on its instance: {v}");
    let (s, v) = other.get_json(&format!("/api/rooms/{code}")).await;
    assert_eq!(s, 404, "{what}: room {code} on the other instance: {v}");
}

/// `POST /api/rooms` with `body` through the proxy at `origin` + `base`.
async fn new_game(
    http: &reqwest::Client,
    origin: &str,
    base: &str,
    body: Value,
) -> reqwest::Response {
    http.post(format!("{origin}{base}/api/rooms"))
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// The HTTP status a WebSocket upgrade at `url` is refused with.
async fn ws_refused(url: &str, origin: &str) -> u16 {
    match TestClient::connect_url(url, Some(origin), "stranger").await {
        Ok(_) => panic!("{url}: the WebSocket opened"),
        Err(tungstenite::Error::Http(resp)) => resp.status().as_u16(),
        Err(e) => panic!("{url}: {e}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nginx_sends_each_event_prefix_to_its_own_instance() {
    let Some(bin) = require("nginx", "nginx") else {
        return;
    };
    let roster = standard_roster();
    let a = instance(Some(LINCOLN), &roster);
    let b = instance(Some(CENTRAL), &roster);
    let proxy = nginx_for_two(&bin, &a, &b);
    each_prefix_reaches_its_own_instance(&proxy, a, &b, 502).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn haproxy_sends_each_event_prefix_to_its_own_instance() {
    let Some(bin) = require("haproxy", "haproxy") else {
        return;
    };
    let roster = standard_roster();
    let a = instance(Some(LINCOLN), &roster);
    let b = instance(Some(CENTRAL), &roster);
    let proxy = Proxy::haproxy(
        &bin,
        "deploy/haproxy/many-events.cfg",
        &[
            ("127.0.0.1:8081", port_of(&a)),
            ("127.0.0.1:8082", port_of(&b)),
        ],
    );
    each_prefix_reaches_its_own_instance(&proxy, a, &b, 503).await;
}

/// Through `proxy`'s first block: each prefix plays on its own instance,
/// neither's rooms or photos are reachable under the other's prefix or
/// outside both, and with `a` killed `b` serves on while the proxy answers
/// `a_down` (nginx 502, HAProxy 503) for `a`'s event.
async fn each_prefix_reaches_its_own_instance(
    proxy: &Proxy,
    a: TestServer,
    b: &TestServer,
    a_down: u16,
) {
    let _logs = ShowLogs(proxy);
    let origin = proxy.origin(0);
    let http = no_redirect_client();

    // Each prefix: pages, API, photos and a round over WebSockets, on its
    // own instance.
    let code_a = play_through(proxy, 0, LINCOLN).await;
    let code_b = play_through(proxy, 0, CENTRAL).await;
    owned_by(&code_a, &a, b, LINCOLN).await;
    owned_by(&code_b, b, &a, CENTRAL).await;

    // One event's room and photos are not reachable under the other's
    // prefix, nor outside both.
    let r = http
        .post(format!("{origin}{LINCOLN}/api/solo/round"))
        .send()
        .await
        .unwrap();
    let (s, solo) = status_and_json(r).await;
    assert_eq!(s, 200, "{solo}");
    let photo_a = solo["choices"][0].as_str().unwrap().to_string();
    let tag = photo_a
        .strip_prefix(&format!("{LINCOLN}/photos/"))
        .unwrap_or_else(|| panic!("A's photo URL {photo_a}"));
    let r = fetch(&http, format!("{origin}{photo_a}")).await;
    assert_eq!(r.status().as_u16(), 200, "{photo_a} under its own prefix");
    for (code, foreign) in [(&code_a, CENTRAL), (&code_b, LINCOLN)] {
        if code_a == code_b {
            break; // Two random codes alike: nothing to tell apart.
        }
        let r = fetch(&http, format!("{origin}{foreign}/api/rooms/{code}")).await;
        assert_eq!(r.status().as_u16(), 404, "room {code} under {foreign}");
        let r = fetch(&http, format!("{origin}{foreign}/host/{code}")).await;
        assert_eq!(r.status().as_u16(), 404, "host page {code} under {foreign}");
        let ws = format!("{}{foreign}/ws/{code}", origin.replacen("http", "ws", 1));
        assert_eq!(ws_refused(&ws, &origin).await, 404, "{ws}");
    }
    for path in [
        format!("{CENTRAL}/photos/{tag}"),
        format!("/photos/{tag}"),
        format!("/api/rooms/{code_a}"),
        "/".to_string(),
        "/healthz".to_string(),
    ] {
        let r = fetch(&http, format!("{origin}{path}")).await;
        assert_eq!(r.status().as_u16(), 404, "GET {path}");
    }

    // A game on B is under way when A dies.
    let r = new_game(&http, &origin, CENTRAL, json!({"rounds": 2, "seconds": 60})).await;
    let (_, code, key) = room_created(r).await;
    let ws = format!("{}{CENTRAL}/ws/{code}", origin.replacen("http", "ws", 1));
    let mut host = TestClient::connect_url(&ws, Some(&origin), "host")
        .await
        .unwrap();
    host.send(json!({"type":"hello","key":key})).await;
    host.recv_type("state").await;
    let mut phone = TestClient::connect_url(&ws, Some(&origin), "Nadia")
        .await
        .unwrap();
    phone.send(json!({"type":"join","name":"Nadia"})).await;
    phone.recv_type("welcome").await;
    host.send(json!({"type":"start_round"})).await;
    phone.recv_type("round").await;
    drop(a);

    let r = fetch(&http, format!("{origin}{LINCOLN}/healthz")).await;
    assert_eq!(r.status().as_u16(), a_down, "A is gone: the proxy says so");
    let r = fetch(&http, format!("{origin}{CENTRAL}/healthz")).await;
    assert_eq!(r.status().as_u16(), 200, "B serves on");
    phone.vote(1, 0).await;
    let reveal = host.recv_type("reveal").await;
    assert_eq!(reveal["counts"].as_array().unwrap().len(), 4, "{reveal}");
    let r = new_game(&http, &origin, CENTRAL, json!({})).await;
    assert_eq!(r.status().as_u16(), 201, "B still makes rooms");
    let r = fetch(&http, format!("{origin}{CENTRAL}/")).await;
    assert_eq!(r.status().as_u16(), 200, "B's pages");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nginx_sends_each_event_host_name_to_its_own_instance() {
    let Some(bin) = require("nginx", "nginx") else {
        return;
    };
    let roster = standard_roster();
    let a = instance(None, &roster);
    let b = instance(None, &roster);
    let proxy = nginx_for_two(&bin, &a, &b);
    let _logs = ShowLogs(&proxy);
    let code_a = play_through(&proxy, 1, "").await;
    let code_b = play_through(&proxy, 2, "").await;
    owned_by(&code_a, &a, &b, "lincoln86.example.org").await;
    owned_by(&code_b, &b, &a, "central91.example.org").await;
}

/// The example with the commented-out hold on new games for lincoln86
/// switched on, as docs/deploy.md says to while the event moves.
fn holding_new_games() -> String {
    let text = shipped(MANY);
    let hold = "#location = /e/lincoln86/api/rooms {";
    let from = text
        .find(hold)
        .expect("the hold on new games in the example");
    let to = from + text[from..].find("#}").expect("the end of the hold") + 2;
    let uncommented: String = text[from..to]
        .lines()
        .map(|l| l.replacen('#', "", 1))
        .collect::<Vec<_>>()
        .join("\n");
    format!("{}{uncommented}{}", &text[..from], &text[to..])
}

/// docs/deploy.md, "Moving an event": hold new games, back the instance up,
/// start the copy elsewhere, point nginx at it, stop the old one. The game
/// made before the move is there with its host and players.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_moves_to_another_instance_as_the_docs_say() {
    let Some(bin) = require("nginx", "nginx") else {
        return;
    };
    let roster = standard_roster();
    let a = instance(Some(LINCOLN), &roster);
    let b = instance(Some(CENTRAL), &roster);
    let upstreams = |a: &TestServer| {
        [
            ("127.0.0.1:8081", port_of(a)),
            ("127.0.0.1:8082", port_of(&b)),
        ]
    };
    let http = no_redirect_client();
    let ws_of = |origin: &str, code: &str| {
        format!("{}{LINCOLN}/ws/{code}", origin.replacen("http", "ws", 1))
    };

    // A game made before the move, a phone in it.
    let (code, key) = create_room(&a, json!({"rounds": 2})).await;
    let holding = Proxy::nginx_edited(&bin, MANY, &holding_new_games(), &upstreams(&a));
    let logs = ShowLogs(&holding);
    let origin = holding.origin(0);
    let mut phone = TestClient::connect_url(&ws_of(&origin, &code), Some(&origin), "Nadia")
        .await
        .unwrap();
    phone.send(json!({"type":"join","name":"Nadia"})).await;
    let welcome = phone.recv_type("welcome").await;

    // Held: no new game for this event, saying why; the other one goes on.
    let r = new_game(&http, &origin, LINCOLN, json!({})).await;
    let (s, v) = status_and_json(r).await;
    assert_eq!((s, v["error"].as_str()), (503, Some("moving")), "{v}");
    assert!(
        v["message"].as_str().is_some_and(|m| m.contains("moving")),
        "{v}"
    );
    let r = new_game(&http, &origin, CENTRAL, json!({})).await;
    assert_eq!(r.status().as_u16(), 201, "the other event makes games");
    let r = fetch(&http, format!("{origin}{LINCOLN}/api/rooms/{code}")).await;
    assert_eq!(r.status().as_u16(), 200, "the game under way is reachable");
    phone.close().await;

    // The backup, started on the other instance's machine.
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = yearbook_cmd();
    cmd.arg("backup")
        .arg("--db")
        .arg(a.db_path())
        .arg("--out")
        .arg(dir.path().join("t.db"));
    let done = run_with_timeout(cmd, Duration::from_secs(60));
    assert_eq!(done.code(), Some(0), "{}", done.all_output());
    let moved = TestServer::builder()
        .arg("--trusted-proxy")
        .arg("127.0.0.1")
        .base_path(LINCOLN)
        .roster(&roster.csv())
        .start_in(dir);

    // The route switched (the same file, the upstream moved, the hold
    // commented out again), the old instance stopped.
    drop(logs);
    drop(holding);
    let proxy = Proxy::nginx(&bin, MANY, &upstreams(&moved));
    let _logs = ShowLogs(&proxy);
    drop(a);
    let origin = proxy.origin(0);
    let ws = ws_of(&origin, &code);
    let mut host = TestClient::connect_url(&ws, Some(&origin), "host")
        .await
        .unwrap();
    host.send(json!({"type":"hello","key":key})).await;
    let st = host.recv_type("state").await;
    assert_eq!(st["players"][0]["name"], "Nadia", "{st}");
    let mut phone = TestClient::connect_url(&ws, Some(&origin), "Nadia")
        .await
        .unwrap();
    phone
        .send(json!({"type":"resume","token":welcome["token"]}))
        .await;
    let again = phone.recv_type("welcome").await;
    assert_eq!(again["player_id"], welcome["player_id"], "{again}");
    let r = new_game(&http, &origin, LINCOLN, json!({})).await;
    assert_eq!(
        r.status().as_u16(),
        201,
        "new games again, on the new instance"
    );
}

/// The sockets of a live game stay open for an evening: the WebSocket
/// routes of both snippets allow an hour of silence, and nginx does not
/// buffer them.
#[test]
fn shipped_snippets_keep_websockets_open_for_an_hour() {
    // One WebSocket location per layout, and per event in the example of many.
    for (rel, ws_locations) in [("deploy/nginx/yearbook.conf", 2), (MANY, 4)] {
        let nginx = shipped(rel);
        for ws_location in nginx.split("location ").filter(|l| l.contains("Upgrade")) {
            assert!(
                ws_location.contains("proxy_read_timeout 1h;")
                    && ws_location.contains("proxy_buffering off;")
                    && ws_location.contains("proxy_http_version 1.1;")
                    && ws_location.contains("proxy_set_header Connection \"upgrade\";"),
                "{rel}: WebSocket location: {ws_location}"
            );
        }
        assert_eq!(
            nginx.matches("proxy_set_header Upgrade").count(),
            ws_locations,
            "{rel}: WebSocket locations"
        );
    }
    let haproxy = shipped("deploy/haproxy/many-events.cfg");
    assert!(
        haproxy.lines().any(|l| l.trim() == "timeout tunnel 1h"),
        "HAProxy keeps WebSockets open for an hour"
    );
    let apache = shipped("deploy/apache/yearbook.conf");
    let ws_lines: Vec<&str> = apache
        .lines()
        .filter(|l| !l.trim_start().starts_with('#') && l.contains("upgrade=websocket"))
        .collect();
    assert_eq!(ws_lines.len(), 2, "one WebSocket ProxyPass per layout");
    for l in ws_lines {
        assert!(
            l.contains("timeout=3600"),
            "Apache WebSocket ProxyPass: {l}"
        );
    }
}
