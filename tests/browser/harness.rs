//! Browser harness for `tests/browser.rs`: finds Chromium and chromedriver,
//! runs one chromedriver for the whole test binary with one WebDriver session
//! per person (kept from test to test), and gives each page polling, keys,
//! screenshots and script-error checks. Browser tests run one at a time
//! (2-core machines).

use std::future::Future;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, Once, OnceLock};
use std::time::{Duration, Instant};

use crate::common::free_port;
use fantoccini::actions::{InputSource, KeyAction, KeyActions, MouseActions, PointerAction};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

/// How many times faster than real CSS animations and transitions run
/// (CDP `Animation.setPlaybackRate`; it holds across navigations). Scripts'
/// own timers are not sped up.
const ANIMATION_SPEED: f64 = 10.0;

/// How long `wait` polls for a condition.
pub const WAIT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(50);

/// Installed before any page script on every document (also after reloads):
/// collects script errors, unhandled rejections, failed resource loads and
/// `alert()` calls, and records every WebSocket URL the page opens.
const INIT_SCRIPT: &str = r#"
(function () {
  if (window.__errors) return;
  var errors = window.__errors = [];
  window.__sockets = [];
  window.addEventListener('error', function (e) {
    if (e instanceof ErrorEvent) {
      errors.push('error: ' + e.message + ' at ' + e.filename + ':' + e.lineno);
    } else {
      var t = e.target || {};
      errors.push('resource failed: <' + (t.tagName || '?') + '> ' + (t.currentSrc || t.src || t.href || ''));
    }
  }, true);
  window.addEventListener('unhandledrejection', function (e) {
    var r = e.reason;
    errors.push('unhandled rejection: ' + (r && r.stack ? r.stack : String(r)));
  });
  window.alert = function (m) { errors.push('alert(' + m + ') was called'); };
  var NativeWS = window.WebSocket;
  // A test cuts the network by closing `__live` and setting `__offline`:
  // sockets opened meanwhile go to a closed port and fail.
  window.__live = [];
  var WS = function (url, protocols) {
    window.__sockets.push(String(url));
    if (window.__offline) url = 'ws://127.0.0.1:9/';
    var ws = protocols === undefined ? new NativeWS(url) : new NativeWS(url, protocols);
    window.__live.push(ws);
    return ws;
  };
  WS.prototype = NativeWS.prototype;
  WS.CONNECTING = 0; WS.OPEN = 1; WS.CLOSING = 2; WS.CLOSED = 3;
  window.WebSocket = WS;
})();
"#;

/// Whether visible images have loaded and animations and transitions have
/// finished (a screenshot mid-animation shows nothing useful). Endless ones
/// and the countdown's 0.1 s steps, restarted ten times a second, do not count.
const SETTLED_JS: &str = r#"
var imgs = Array.prototype.every.call(document.images, function (i) {
  return i.offsetParent === null || (i.complete && i.naturalWidth > 0);
});
var anims = !document.getAnimations || document.getAnimations().every(function (a) {
  var t = a.effect && a.effect.getComputedTiming ? a.effect.getComputedTiming() : {};
  return a.playState !== 'running' || t.iterations === Infinity || t.endTime <= 150;
});
return imgs && anims && document.fonts.status === 'loaded';
"#;

/// Put before every script a page runs for a test: `seen(el or css)` is
/// the text a person sees in it (`innerText`: what is rendered, as it is
/// rendered), or "" when it is not on the screen at all (no element, not
/// rendered, `visibility: hidden`, fully transparent, or of no size).
const SEEN_JS: &str = "function seen(n) { \
  if (typeof n === 'string') n = document.querySelector(n); \
  if (!n || !n.isConnected || !n.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return ''; \
  var r = n.getBoundingClientRect(); \
  return r.width > 0 && r.height > 0 ? n.innerText : ''; }\n";

/// A JavaScript string literal for `s`.
pub fn js_str(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// Where screenshots go: `target/screenshots/`.
pub fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target dir")
        .join("screenshots");
    std::fs::create_dir_all(&dir).expect("create target/screenshots");
    dir
}

// ---------------------------------------------------------------------------
// Tools and the one chromedriver

struct Tools {
    chromium: PathBuf,
    chromedriver: PathBuf,
}

fn which(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    names
        .iter()
        .flat_map(|n| dirs.iter().map(move |d| d.join(n)))
        .find(|p| p.is_file())
}

fn tools() -> Option<Tools> {
    Some(Tools {
        chromium: which(&["chromium", "chromium-browser", "google-chrome"])?,
        chromedriver: which(&["chromedriver"])?,
    })
}

struct Driver {
    child: Child,
    port: u16,
}

/// A Chromium session, kept for the next test once a test is done with it.
struct Session {
    client: Client,
    size: Size,
    session_url: String,
    profile: PathBuf,
    /// Scripts a test added with `Page::add_init_script`, removed when the
    /// session goes back to the pool.
    scripts: Arc<Mutex<Vec<String>>>,
}

/// What the test binary keeps between browser tests: one chromedriver and
/// the sessions it started (one per person of the biggest test). Its lock
/// also runs browser tests one at a time.
struct Shared {
    driver: Option<Driver>,
    idle: Vec<Session>,
}

static SHARED: Mutex<Shared> = Mutex::new(Shared {
    driver: None,
    idle: Vec::new(),
});

/// WebDriver clients live on the runtime that made them: one for all tests.
static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();

unsafe extern "C" {
    fn atexit(cb: extern "C" fn()) -> std::ffi::c_int;
}

/// Statics are never dropped: when the test binary exits, close the
/// sessions (which quits their Chromiums), remove their profiles and stop
/// chromedriver.
extern "C" fn clean_up_at_exit() {
    let mut shared = match SHARED.try_lock() {
        Ok(g) => g,
        Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner(),
        Err(std::sync::TryLockError::WouldBlock) => return,
    };
    let shared = &mut *shared;
    let Some(driver) = shared.driver.as_mut() else {
        return;
    };
    for s in &shared.idle {
        let path = s.session_url.split_once("/session/").map(|(_, id)| id);
        if let Some(id) = path {
            let _ = raw_http(driver.port, "DELETE", &format!("/session/{id}"));
        }
        let _ = std::fs::remove_dir_all(&s.profile);
    }
    let _ = driver.child.kill();
    let _ = driver.child.wait();
}

fn start_driver(chromedriver: &Path) -> Driver {
    let log = screenshot_dir().parent().unwrap().join("chromedriver.log");
    for _ in 0..3 {
        let port = free_port();
        let mut child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {}: {e}", chromedriver.display()));
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if child.try_wait().ok().flatten().is_some() {
                break; // port taken in the meantime: try another
            }
            if raw_http(port, "GET", "/status").is_some_and(|b| b.contains("\"ready\":true")) {
                return Driver { child, port };
            }
            std::thread::sleep(POLL);
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    panic!("chromedriver did not become ready (log: {})", log.display());
}

/// A bodiless request to chromedriver over a plain socket (usable where no
/// runtime is: before the first test, at exit); the answer, if any.
fn raw_http(port: u16, method: &str, path: &str) -> Option<String> {
    use std::io::Read;
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    s.write_all(req.as_bytes()).ok()?;
    // Read up to the end of the body that Content-Length announces (the
    // server need not close the connection).
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = s.read(&mut chunk).ok()?;
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf).into_owned();
        if n == 0 {
            return Some(text);
        }
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let len = head.lines().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("content-length")
                    .then(|| v.trim().parse::<usize>().ok())
                    .flatten()
            });
            if len.is_some_and(|len| body.len() >= len) {
                return Some(text);
            }
        }
    }
}

/// Runs one browser test: skips (or fails under `CI`) without Chromium,
/// waits for the other browser tests, and afterwards resets the sessions it
/// used for the next test, even when `body` panics.
pub fn browser_test<F, Fut>(name: &str, body: F)
where
    F: FnOnce(Browser) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(tools) = tools() else {
        if std::env::var_os("CI").is_some() {
            panic!("{name}: chromium/chromedriver not found, and CI is set");
        }
        // Straight to stderr: the test harness captures `eprintln!`.
        let _ = writeln!(
            std::io::stderr(),
            "{name}: skipped: chromium/chromedriver not found"
        );
        return;
    };
    let mut shared = SHARED.lock().unwrap_or_else(|p| p.into_inner());
    if shared
        .driver
        .as_mut()
        .is_some_and(|d| d.child.try_wait().ok().flatten().is_some())
    {
        // chromedriver died, and its sessions with it: start afresh.
        shared.driver = None;
        for s in shared.idle.drain(..) {
            let _ = std::fs::remove_dir_all(&s.profile);
            std::mem::forget(s.client); // nothing left to close
        }
    }
    if shared.driver.is_none() {
        static AT_EXIT: Once = Once::new();
        // SAFETY: registers a plain `extern "C" fn` with the C library.
        AT_EXIT.call_once(|| unsafe {
            atexit(clean_up_at_exit);
        });
        shared.driver = Some(start_driver(&tools.chromedriver));
    }
    let port = shared.driver.as_ref().unwrap().port;
    let browser = Browser {
        driver: format!("http://127.0.0.1:{port}"),
        chromium: tools.chromium,
        idle: Arc::new(Mutex::new(std::mem::take(&mut shared.idle))),
        used: Arc::new(Mutex::new(Vec::new())),
    };
    let rt = RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    });
    let started = Instant::now();
    let result = rt.block_on(async {
        let result = tokio::spawn(body(browser.clone())).await;
        shared.idle = browser.take_back().await;
        result
    });
    drop(shared);
    let _ = writeln!(
        std::io::stderr(),
        "{name}: browser test took {:.1} s",
        started.elapsed().as_secs_f64()
    );
    if let Err(e) = result {
        match e.try_into_panic() {
            Ok(p) => std::panic::resume_unwind(p),
            Err(e) => panic!("{name}: {e}"),
        }
    }
}

// ---------------------------------------------------------------------------
// Sessions

/// Window sizes of the people in a game.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    /// 1920×1080, the projector.
    Projector,
    /// 1280×720, an older or cheaper projector.
    Projector720,
    /// 390×844, a phone.
    Phone,
    /// 390×844 with the largest system font: Chromium's default font size
    /// doubled (16 → 32 px), as a phone's accessibility setting does.
    PhoneLargeFont,
    /// 360×640, a small phone.
    SmallPhone,
}

impl Size {
    pub fn wh(self) -> (u32, u32) {
        match self {
            Size::Projector => (1920, 1080),
            Size::Projector720 => (1280, 720),
            Size::Phone | Size::PhoneLargeFont => (390, 844),
            Size::SmallPhone => (360, 640),
        }
    }

    /// Chromium's default font sizes (standard, fixed) for this person's
    /// browser, when not Chromium's own 16 and 13 px.
    fn font_sizes(self) -> Option<(u32, u32)> {
        match self {
            Size::PhoneLargeFont => Some((32, 26)),
            _ => None,
        }
    }
}

/// Hands out browser sessions for one test.
#[derive(Clone)]
pub struct Browser {
    driver: String,
    chromium: PathBuf,
    idle: Arc<Mutex<Vec<Session>>>,
    used: Arc<Mutex<Vec<Session>>>,
}

impl Browser {
    /// A browser for one person: one left by an earlier test (on a blank
    /// page, storage cleared) or a fresh Chromium with its own profile.
    /// Its animations run `ANIMATION_SPEED` times faster.
    pub async fn open(&self, label: &str, size: Size) -> Page {
        let kept = {
            let mut idle = self.idle.lock().unwrap();
            idle.iter()
                .position(|s| s.size == size)
                .map(|i| idle.remove(i))
        };
        let session = match kept {
            Some(s) => s,
            None => self.start(label, size).await,
        };
        let page = Page {
            label: label.to_string(),
            c: session.client.clone(),
            session_url: session.session_url.clone(),
            http: reqwest::Client::new(),
            font_sizes: size.font_sizes(),
            scripts: session.scripts.clone(),
        };
        self.used.lock().unwrap().push(session);
        page.apply_font_sizes().await;
        // The same animations and code paths, less waiting for them.
        page.cdp(
            "Animation.setPlaybackRate",
            json!({ "playbackRate": ANIMATION_SPEED }),
        )
        .await;
        page
    }

    async fn start(&self, label: &str, size: Size) -> Session {
        let profile = tempfile::Builder::new()
            .prefix("yearbook-chromium-")
            .tempdir()
            .expect("profile dir")
            .keep();
        let (w, h) = size.wh();
        let caps = json!({
            "browserName": "chrome",
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {
                "binary": self.chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                    "--hide-scrollbars", "--force-device-scale-factor=1",
                    format!("--window-size={w},{h}"),
                    format!("--user-data-dir={}", profile.display()),
                ],
            },
        });
        let caps = caps.as_object().unwrap().clone();
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&self.driver)
            .await
            .unwrap_or_else(|e| panic!("[{label}] could not start a Chromium session: {e}"));
        let id = client.session_id().await.unwrap().expect("session id");
        let session = Session {
            client,
            size,
            session_url: format!("{}/session/{id}", self.driver),
            profile,
            scripts: Arc::default(),
        };
        let page = Page {
            label: label.to_string(),
            c: session.client.clone(),
            session_url: session.session_url.clone(),
            http: reqwest::Client::new(),
            font_sizes: size.font_sizes(),
            scripts: session.scripts.clone(),
        };
        page.cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": INIT_SCRIPT }),
        )
        .await;
        // The window size includes the browser's own bars: grow the window
        // until the page's viewport is exactly w×h.
        for _ in 0..3 {
            let vp = page
                .js("return [window.innerWidth, window.innerHeight]")
                .await;
            if vp == json!([w, h]) {
                return session;
            }
            let (ow, oh) = page.c.get_window_size().await.unwrap();
            let grow = |outer: u64, inner: &Value, want: u32| {
                (outer as i64 + want as i64 - inner.as_i64().unwrap()) as u32
            };
            page.c
                .set_window_size(grow(ow, &vp[0], w), grow(oh, &vp[1], h))
                .await
                .unwrap();
        }
        let vp = page
            .js("return [window.innerWidth, window.innerHeight]")
            .await;
        panic!("[{label}] could not get a {w}×{h} viewport, got {vp}");
    }

    /// Several people's browsers, started side by side.
    pub async fn open_all(&self, people: &[(&str, Size)]) -> Vec<Page> {
        futures_util::future::join_all(people.iter().map(|&(label, size)| self.open(label, size)))
            .await
    }

    /// After a test: every session it used, reset for the next one (blank
    /// page, storage and log cleared, viewport as it was); a session that
    /// cannot be reset is closed instead.
    async fn take_back(&self) -> Vec<Session> {
        let used = std::mem::take(&mut *self.used.lock().unwrap());
        let reset = futures_util::future::join_all(used.into_iter().map(|s| async move {
            if reset(&s).await {
                return Some(s);
            }
            let _ = s.client.close().await;
            let _ = std::fs::remove_dir_all(&s.profile);
            None
        }))
        .await;
        let mut idle = std::mem::take(&mut *self.idle.lock().unwrap());
        idle.extend(reset.into_iter().flatten());
        idle
    }
}

async fn reset(s: &Session) -> bool {
    let c = &s.client;
    let _ = c.dismiss_alert().await; // a test that failed with a dialog open
    let clear = "try { localStorage.clear(); sessionStorage.clear(); } catch (e) {} \
                 if (document.fullscreenElement) document.exitFullscreen();";
    if c.execute(clear, vec![]).await.is_err() || c.goto("about:blank").await.is_err() {
        return false;
    }
    let _ = reqwest::Client::new()
        .post(format!("{}/se/log", s.session_url))
        .json(&json!({ "type": "browser" }))
        .send()
        .await;
    // Scripts a test added to every page end with the test.
    let added = std::mem::take(&mut *s.scripts.lock().unwrap());
    for identifier in added {
        let _ = reqwest::Client::new()
            .post(format!("{}/goog/cdp/execute", s.session_url))
            .json(&json!({ "cmd": "Page.removeScriptToEvaluateOnNewDocument",
                           "params": { "identifier": identifier } }))
            .send()
            .await;
    }
    // A browser language a test set (`Page::language`), and the language
    // switch's cookie, end with the test.
    reset_language(&s.session_url).await;
    // Media features a test emulated (reduced motion…) end with the test,
    // and so does a slow network.
    let _ = reqwest::Client::new()
        .post(format!("{}/goog/cdp/execute", s.session_url))
        .json(&json!({ "cmd": "Emulation.setEmulatedMedia", "params": { "features": [] } }))
        .send()
        .await;
    let fast =
        json!({ "offline": false, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1 });
    let _ = reqwest::Client::new()
        .post(format!("{}/goog/cdp/execute", s.session_url))
        .json(&json!({ "cmd": "Network.emulateNetworkConditions", "params": fast }))
        .send()
        .await;
    let (w, h) = s.size.wh();
    let vp = c
        .execute("return [window.innerWidth, window.innerHeight]", vec![])
        .await;
    vp.is_ok_and(|v| v == json!([w, h]))
}

/// The browser's own languages again, and no language switch cookie
/// (cookies ignore ports: the next test's server would read it).
async fn reset_language(session_url: &str) {
    let cdp = |cmd: &'static str, params: Value| {
        reqwest::Client::new()
            .post(format!("{session_url}/goog/cdp/execute"))
            .json(&json!({ "cmd": cmd, "params": params }))
            .send()
    };
    // An empty user agent ends the override (checked by tests/browser/lang.rs).
    let _ = cdp(
        "Network.setUserAgentOverride",
        json!({ "userAgent": "", "acceptLanguage": "" }),
    )
    .await;
    let _ = cdp("Emulation.setLocaleOverride", json!({})).await;
    for url in ["http://127.0.0.1/", "http://localhost/"] {
        let _ = cdp(
            "Network.deleteCookies",
            json!({ "name": "yb_lang", "url": url }),
        )
        .await;
    }
}

/// One person's browser.
#[derive(Clone)]
pub struct Page {
    pub label: String,
    pub c: Client,
    session_url: String,
    http: reqwest::Client,
    /// Chromium's default font sizes for this person (`Size::font_sizes`).
    font_sizes: Option<(u32, u32)>,
    /// The session's `Session::scripts`.
    scripts: Arc<Mutex<Vec<String>>>,
}

impl Page {
    /// The system font setting a phone passes on to its browser
    /// (webkit.webprefs.default_font_size). CDP sets it on the current
    /// renderer only: a navigation to another site starts a new one, so
    /// `goto` sets it again.
    async fn apply_font_sizes(&self) {
        if let Some((standard, fixed)) = self.font_sizes {
            self.cdp(
                "Page.setFontSizes",
                json!({ "fontSizes": { "standard": standard, "fixed": fixed } }),
            )
            .await;
        }
    }

    async fn cdp(&self, cmd: &str, params: Value) -> Value {
        let r = self
            .http
            .post(format!("{}/goog/cdp/execute", self.session_url))
            .json(&json!({ "cmd": cmd, "params": params }))
            .send()
            .await
            .unwrap_or_else(|e| panic!("[{}] CDP {cmd}: {e}", self.label));
        let status = r.status();
        let v: Value = r.json().await.unwrap_or(Value::Null);
        assert!(
            status.is_success(),
            "[{}] CDP {cmd}: {status} {v}",
            self.label
        );
        v
    }

    /// Runs `source` in every page this person opens from now on, before
    /// the page's own scripts (until the end of the test).
    /// The browser's languages, as a phone set to them sends and shows
    /// them: `Accept-Language`, `navigator.languages` and Intl's locale
    /// (`"de-DE,de"`). Undone after the test.
    pub async fn language(&self, accept: &str) {
        let ua = self.js("return navigator.userAgent").await;
        self.cdp(
            "Network.setUserAgentOverride",
            json!({ "userAgent": ua, "acceptLanguage": accept }),
        )
        .await;
        let locale = accept.split(',').next().unwrap_or(accept);
        self.cdp("Emulation.setLocaleOverride", json!({ "locale": locale }))
            .await;
    }

    /// What a test's [`Page::language`] is undone with.
    pub async fn default_language(&self) {
        reset_language(&self.session_url).await;
    }

    pub async fn add_init_script(&self, source: &str) {
        let r = self
            .cdp(
                "Page.addScriptToEvaluateOnNewDocument",
                json!({ "source": source }),
            )
            .await;
        let identifier = r["value"]["identifier"]
            .as_str()
            .unwrap_or_else(|| panic!("[{}] no script identifier: {r}", self.label));
        self.scripts.lock().unwrap().push(identifier.to_string());
    }

    /// Zooms like the browser's own zoom (Ctrl +): the page is laid out in a
    /// viewport `factor` times smaller, drawn `factor` times bigger. 1.0 undoes it.
    pub async fn zoom(&self, factor: f64) {
        if factor == 1.0 {
            self.cdp("Emulation.clearDeviceMetricsOverride", json!({}))
                .await;
            return;
        }
        let vp = self
            .js("return [window.innerWidth, window.innerHeight]")
            .await;
        let side = |i: usize| (vp[i].as_f64().unwrap() / factor).round() as u64;
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": side(0), "height": side(1), "deviceScaleFactor": factor, "mobile": false }),
        )
        .await;
    }

    /// Emulates CSS media features, e.g. `[("prefers-reduced-motion", "reduce")]`;
    /// an empty list undoes it (so does the reset after each test).
    pub async fn emulate_media(&self, features: &[(&str, &str)]) {
        let features: Vec<Value> = features
            .iter()
            .map(|(name, value)| json!({ "name": name, "value": value }))
            .collect();
        self.cdp(
            "Emulation.setEmulatedMedia",
            json!({ "features": features }),
        )
        .await;
    }

    /// A slow network from now on (CDP `Network.emulateNetworkConditions`):
    /// each request waits `latency_ms`, bodies arrive at `bytes_per_s`.
    /// Cached answers are not slowed. The reset after each test undoes it.
    pub async fn throttle(&self, latency_ms: u64, bytes_per_s: u64) {
        self.cdp("Network.enable", json!({})).await;
        self.cdp(
            "Network.emulateNetworkConditions",
            json!({
                "offline": false,
                "latency": latency_ms,
                "downloadThroughput": bytes_per_s,
                "uploadThroughput": bytes_per_s,
            }),
        )
        .await;
    }

    /// Navigates, after checking the page being left had no script error.
    pub async fn goto(&self, url: &str) {
        self.assert_no_page_errors().await;
        self.c
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("[{}] goto {url}: {e}", self.label));
        self.apply_font_sizes().await;
    }

    /// Reloads, after checking the page had no script error.
    pub async fn reload(&self) {
        self.assert_no_page_errors().await;
        self.c
            .refresh()
            .await
            .unwrap_or_else(|e| panic!("[{}] reload: {e}", self.label));
    }

    /// Runs a script body (use `return`); `arguments[i]` are `args`;
    /// `seen(…)` reads what is on the screen.
    pub async fn js_with(&self, script: &str, args: Vec<Value>) -> Value {
        self.c
            .execute(&format!("{SEEN_JS}{script}"), args)
            .await
            .unwrap_or_else(|e| panic!("[{}] script failed: {e}\n{script}", self.label))
    }

    pub async fn js(&self, script: &str) -> Value {
        self.js_with(script, vec![]).await
    }

    /// The first match's text as WebDriver reads it: rendered text only
    /// (nothing hidden, "" when the element is hidden).
    pub async fn text(&self, css: &str) -> String {
        let el = self.find(css).await;
        self.text_of(&el, css).await
    }

    /// The first match's text, failing unless it is on the screen
    /// (WebDriver's "displayed": rendered, not `visibility: hidden`, not
    /// transparent, of some size).
    pub async fn shown(&self, css: &str) -> String {
        let el = self.find(css).await;
        if !el.is_displayed().await.unwrap_or(false) {
            self.fail::<()>(&format!("{css:?} is not shown")).await;
        }
        self.text_of(&el, css).await
    }

    async fn text_of(&self, el: &fantoccini::elements::Element, css: &str) -> String {
        match el.text().await {
            Ok(t) => t,
            Err(e) => {
                self.fail(&format!("reading the text of {css:?}: {e}"))
                    .await
            }
        }
    }

    /// The viewport as the screen shows it.
    pub async fn view(&self) -> image::DynamicImage {
        let png = match self.c.screenshot().await {
            Ok(png) => png,
            Err(e) => self.fail(&format!("screenshot: {e}")).await,
        };
        image::load_from_memory(&png).expect("a screenshot is a PNG")
    }

    /// Lets downloads from this page land in `dir`, without asking.
    pub async fn download_to(&self, dir: &Path) {
        self.cdp(
            "Browser.setDownloadBehavior",
            json!({ "behavior": "allow", "downloadPath": dir }),
        )
        .await;
    }

    /// Polls the JavaScript expression `expr` until it is truthy; returns its
    /// value. On timeout saves a screenshot and panics with what the page shows.
    pub async fn wait(&self, what: &str, expr: &str) -> Value {
        self.wait_for(what, expr, WAIT).await
    }

    pub async fn wait_for(&self, what: &str, expr: &str, limit: Duration) -> Value {
        let script = format!(
            "try {{ var v = ({expr}); return {{ ok: !!v, v: v === undefined ? null : v }}; }} \
             catch (e) {{ return {{ ok: false, err: String(e) }}; }}"
        );
        let deadline = Instant::now() + limit;
        loop {
            let r = self.js(&script).await;
            if r["ok"] == json!(true) {
                return r["v"].clone();
            }
            if Instant::now() > deadline {
                self.fail::<()>(&format!(
                    "timed out after {limit:?} waiting for {what} (`{expr}` → {r})"
                ))
                .await;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Saves `FAILED-<label>.png`, then panics with the page's state.
    pub async fn fail<T>(&self, msg: &str) -> T {
        let name = format!("FAILED-{}", self.label);
        if let Ok(png) = self.c.screenshot().await {
            let _ = std::fs::write(screenshot_dir().join(format!("{name}.png")), png);
        }
        let info = self
            .c
            .execute(
                "return {url: location.href, errors: window.__errors, \
                 text: document.body ? document.body.innerText.slice(0, 600) : ''}",
                vec![],
            )
            .await
            .unwrap_or(Value::Null);
        panic!(
            "[{}] {msg}\n  url: {}\n  script errors: {}\n  visible text: {:?}\n  screenshot: target/screenshots/{name}.png",
            self.label, info["url"], info["errors"], info["text"]
        );
    }

    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        match self.c.find(Locator::Css(css)).await {
            Ok(e) => e,
            Err(e) => self.fail(&format!("no element {css:?}: {e}")).await,
        }
    }

    /// A real WebDriver click (fails when something covers the element).
    /// The mouse moves onto the element first, as a hand does: the
    /// projector's controls show only once the mouse moves.
    pub async fn click(&self, css: &str) {
        let el = self.find(css).await;
        let reach = MouseActions::new("mouse".to_string()).then(PointerAction::MoveToElement {
            element: el.clone(),
            duration: Some(Duration::from_millis(50)),
            x: 0.0,
            y: 0.0,
        });
        // Out of view (a scrolled page) the move fails; the click scrolls there itself.
        let _ = self.c.perform_actions(reach).await;
        if let Err(e) = el.click().await {
            self.fail::<()>(&format!("click on {css:?} failed: {e}"))
                .await;
        }
    }

    /// Types into the element (WebDriver key codes like `\u{E007}` = Enter work).
    pub async fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css).await;
        if let Err(e) = el.send_keys(text).await {
            self.fail::<()>(&format!("typing into {css:?} failed: {e}"))
                .await;
        }
    }

    /// Presses and releases one key on whatever has the focus, as a keyboard would.
    pub async fn press(&self, key: char) {
        let keys = KeyActions::new("keyboard".to_string())
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        if let Err(e) = self.c.perform_actions(keys).await {
            self.fail::<()>(&format!("key {key:?} failed: {e}")).await;
        }
    }

    /// Waits (up to 3 s) until images have loaded and animations finished,
    /// and stayed so for 200 ms (pages start some animations from a timer
    /// just after drawing); false if they did not.
    pub async fn settle(&self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(3);
        let mut quiet_since: Option<Instant> = None;
        loop {
            if self.js(SETTLED_JS).await == json!(true) {
                let since = *quiet_since.get_or_insert_with(Instant::now);
                if since.elapsed() >= Duration::from_millis(200) {
                    return true;
                }
            } else {
                quiet_since = None;
            }
            if Instant::now() > deadline {
                return false;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Saves `target/screenshots/<name>.png` once images and animations
    /// settled (or after 3 s: the picture is evidence, not an assertion).
    pub async fn screenshot(&self, name: &str) {
        if !self.settle().await {
            let _ = writeln!(
                std::io::stderr(),
                "[{}] {name}.png: taken before the page settled",
                self.label
            );
        }
        let png = self
            .c
            .screenshot()
            .await
            .unwrap_or_else(|e| panic!("[{}] screenshot: {e}", self.label));
        std::fs::write(screenshot_dir().join(format!("{name}.png")), png).unwrap();
    }

    /// What the init script collected on the current document: script
    /// errors, unhandled rejections, failed resources, `alert()` calls.
    pub async fn page_errors(&self) -> Vec<Value> {
        let v = self
            .c
            .execute("return window.__errors || []", vec![])
            .await
            .unwrap_or_else(|e| panic!("[{}] reading window.__errors: {e}", self.label));
        v.as_array().cloned().unwrap_or_default()
    }

    /// Chromium's own console log entries at SEVERE since the last call
    /// (uncaught errors even before any hook, failed requests, console.error).
    pub async fn severe_log(&self) -> Vec<Value> {
        let r = self
            .http
            .post(format!("{}/se/log", self.session_url))
            .json(&json!({ "type": "browser" }))
            .send()
            .await
            .unwrap_or_else(|e| panic!("[{}] reading the browser log: {e}", self.label));
        let v: Value = r.json().await.unwrap_or(Value::Null);
        let entries = v["value"]
            .as_array()
            .unwrap_or_else(|| panic!("[{}] browser log answer: {v}", self.label));
        entries
            .iter()
            .filter(|e| e["level"] == "SEVERE")
            .cloned()
            .collect()
    }

    /// Fails when the current document collected any error.
    pub async fn assert_no_page_errors(&self) {
        let errors = self.page_errors().await;
        if !errors.is_empty() {
            self.fail::<()>(&format!("the page reported errors: {errors:?}"))
                .await;
        }
    }

    /// Fails when Chromium logged anything at SEVERE since the last check.
    pub async fn assert_no_severe_log(&self) {
        let severe = self.severe_log().await;
        if !severe.is_empty() {
            self.fail::<()>(&format!("Chromium logged errors: {severe:?}"))
                .await;
        }
    }

    /// Both checks: the hook's and Chromium's log.
    pub async fn assert_clean(&self) {
        self.assert_no_page_errors().await;
        self.assert_no_severe_log().await;
    }
}
