//! The server's library on a runtime thread of the test process, wired as
//! `main` wires it (roster, store, restored rooms, `yearbook::serve`) on
//! port 0: no process to spawn. Dropping it shuts the server down.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use tokio::net::TcpListener;
use yearbook::config::{Cli, Command, ServeArgs, normalize_base_path};
use yearbook::delivery::runtimes::{FanoutRuntime, Runtimes};
use yearbook::roster::photos::Pipeline;
use yearbook::store::Store;
use yearbook::{AppState, Options};

/// A server running inside this process until dropped.
pub struct InProcessServer {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl InProcessServer {
    /// Runs `yearbook serve --addr 127.0.0.1:0 --db DB ARGS`; returns the
    /// server and the URL it listens on (base path included), once it does.
    pub fn start(db: &Path, args: &[String], within: Duration) -> (InProcessServer, String) {
        let args = serve_args(db, args);
        assert!(
            !args.test_clock,
            "--test-clock stops the clock of the whole test process: use the spawned server"
        );
        // Both ends of every socket are in this process now.
        let _ = rlimit::increase_nofile_limit(u64::MAX);
        let (ready, started) = std::sync::mpsc::channel::<Result<String, String>>();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("in-process-server-main".into())
            .spawn(move || {
                // The server's own runtimes, as `main` builds them.
                let runtimes = match Runtimes::new() {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready.send(Err(format!("cannot build the runtime: {e}")));
                        return;
                    }
                };
                let fanout = runtimes.fanout();
                runtimes.block_on(async move {
                    let (listener, state, url) = match open(&args, fanout).await {
                        Ok(opened) => opened,
                        Err(e) => {
                            let _ = ready.send(Err(e));
                            return;
                        }
                    };
                    let _ = ready.send(Ok(url));
                    let shutdown = async {
                        let _ = stopped.await;
                    };
                    if let Err(e) = yearbook::serve(listener, state, shutdown).await {
                        panic!("yearbook::serve failed: {e}");
                    }
                });
                // Ends what `serve` leaves behind (room timers, idle room
                // tasks) and both runtimes: no task outlives the server.
                drop(runtimes);
            })
            .expect("spawn the server's thread");
        let url = match started.recv_timeout(within) {
            Ok(Ok(url)) => url,
            Ok(Err(why)) => panic!("the in-process server did not start: {why}"),
            Err(e) => panic!("the in-process server did not start within {within:?}: {e}"),
        };
        let server = InProcessServer {
            stop: Some(stop),
            thread: Some(thread),
        };
        (server, url)
    }
}

impl Drop for InProcessServer {
    /// Signals the graceful shutdown `main` does on SIGTERM and waits for
    /// it: sockets told to reconnect (1012), the store's last writes landed.
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
            && !std::thread::panicking()
        {
            panic!("the in-process server's thread panicked");
        }
    }
}

/// The command line `yearbook serve` would see (flags checked by the same
/// parser; `YEARBOOK_*` variables of the test's environment apply too).
fn serve_args(db: &Path, args: &[String]) -> ServeArgs {
    let db = db.to_str().expect("a UTF-8 temp path");
    let line = ["yearbook", "serve", "--addr", "127.0.0.1:0", "--db", db]
        .into_iter()
        .map(String::from)
        .chain(args.iter().cloned());
    match Cli::try_parse_from(line) {
        Ok(Cli {
            command: Some(Command::Serve(args)),
        }) => args,
        Ok(_) => unreachable!("`serve` parses as the serve command"),
        Err(e) => panic!("yearbook serve {args:?}: {e}"),
    }
}

/// One photo cache for every in-process server of every test run (`main`
/// keeps it beside the database): the variants are cached by content, so
/// the test roster's portraits are resized once, not once per test.
fn shared_photo_cache() -> std::path::PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("in-process-photo-cache")
}

/// What `main` does before it serves: the roster, the store, the port,
/// the state with the stored rooms rebuilt.
async fn open(
    args: &ServeArgs,
    fanout: Option<FanoutRuntime>,
) -> Result<(TcpListener, Arc<AppState>, String), String> {
    let base = normalize_base_path(&args.base_path)?;
    let pipeline = Pipeline {
        enhance: !args.no_enhance,
        cache_dir: Some(shared_photo_cache()),
        ..Pipeline::default()
    };
    let roster = match &args.roster {
        Some(csv) => yearbook::roster::load_path(csv, &pipeline),
        None => yearbook::roster::load_demo(&pipeline),
    }
    .map_err(|problems| problems.join("\n"))?;
    let max_bytes = args.db_max_mb.map(|mb| mb.saturating_mul(1024 * 1024));
    let opened = Store::open_capped(&args.db, max_bytes).map_err(|e| format!("{e:#}"))?;
    let listener = TcpListener::bind(&args.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.addr))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let listening = format!("http://{local}{base}");
    let public_url = match &args.public_url {
        Some(url) => url.trim_end_matches('/').to_string(),
        None => listening.clone(),
    };
    let secret = opened.secret.clone();
    let options = Options::from_args(args, base, public_url, secret, fanout);
    let state = AppState::restored(Arc::new(roster), options, opened);
    Ok((listener, state, listening))
}
