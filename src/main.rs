//! The `yearbook` binary: parse the command line, then hand over to the library.

use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use tokio::net::TcpListener;

use yearbook::config::{Cli, Command, ServeArgs, normalize_base_path};
use yearbook::delivery::runtimes::{FanoutRuntime, Runtimes};
use yearbook::roster::import::ImportArgs;
use yearbook::roster::photos::{self, Pipeline};
use yearbook::roster::{self, Roster};
use yearbook::store::{Opened, Store};
use yearbook::{AppState, Options, telemetry};

fn main() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init_tracing();
    match cli.command {
        Some(Command::Check { roster }) => check(&roster),
        Some(Command::Import {
            photo_dir,
            out,
            list,
            accept_suggestions,
        }) => import(ImportArgs {
            photo_dir,
            out,
            list,
            accept_suggestions,
        }),
        Some(Command::Pages { pages, out }) => {
            match yearbook::pages::run(&pages, &out, &mut std::io::stdout()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
        Some(Command::Serve(args)) => serve(args),
        Some(Command::Backup { db, out }) => backup(&db, &out),
        Some(Command::Export { event, db, out }) => export(&db, &event, &out),
        Some(Command::Loadgen { .. }) => {
            eprintln!(
                "the load generator is now its own binary: yearbook-loadgen (cargo run --release --bin yearbook-loadgen -- …)"
            );
            ExitCode::from(2)
        }
        None => serve(ServeArgs::from_env()),
    }
}

fn load(path: Option<&std::path::Path>, pipeline: &Pipeline) -> Result<Roster, Vec<String>> {
    match path {
        Some(p) => roster::load_path(p, pipeline),
        None => roster::load_demo(pipeline),
    }
}

fn import(args: ImportArgs) -> ExitCode {
    let mut out = std::io::stdout();
    match roster::import::run(&args, &mut out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn backup(db: &std::path::Path, out: &std::path::Path) -> ExitCode {
    match yearbook::store::backup::backup(db, out) {
        Ok(copied) => {
            println!("{} -> {}: ok, {copied}", db.display(), out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn export(db: &std::path::Path, event: &str, out: &std::path::Path) -> ExitCode {
    match yearbook::reunion::export::export(db, event, out) {
        Ok(done) => {
            println!("{} -> {}: ok, {done}", db.display(), out.display());
            println!(
                "check it with: yearbook check {}",
                out.join("roster.csv").display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn check(path: &std::path::Path) -> ExitCode {
    match roster::load::check_path(path) {
        Ok(r) => {
            for w in r.warnings() {
                println!("{w}");
            }
            println!("{}: ok, {}", path.display(), r.summary());
            ExitCode::SUCCESS
        }
        Err(problems) => {
            for p in &problems {
                println!("{p}");
            }
            ExitCode::FAILURE
        }
    }
}

fn serve(args: ServeArgs) -> ExitCode {
    if args.test_clock {
        yearbook::clock::stop_and_skip_from_stdin();
    }
    // Thousands of phones: soft open-file limit up to the hard one.
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let base = match normalize_base_path(&args.base_path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    // A read-only folder, or a newer binary's database, is refused before
    // any work (the photo cache lives beside it) and before anything
    // could write to it.
    if let Err(e) = yearbook::store::check_writable(&args.db)
        .and_then(|()| yearbook::store::refuse_newer(&args.db))
    {
        eprintln!("error: {e:#}");
        return ExitCode::FAILURE;
    }
    let pipeline = Pipeline {
        enhance: !args.no_enhance,
        cache_dir: Some(photos::cache_dir_for(&args.db)),
        ..Pipeline::default()
    };
    let started = std::time::Instant::now();
    let roster = match load(args.roster.as_deref(), &pipeline) {
        Ok(r) => Arc::new(r),
        Err(problems) => {
            for p in &problems {
                eprintln!("{p}");
            }
            return ExitCode::FAILURE;
        }
    };
    for w in roster.warnings() {
        tracing::warn!("{w}");
    }
    tracing::info!(roster = %roster.summary(), ms = started.elapsed().as_millis() as u64, "roster loaded");
    if let Some(keep) = args.keep() {
        let now = yearbook::clock::Clock::new().now();
        match Store::prune_file(&args.db, now.saturating_sub(keep.as_millis() as u64)) {
            Ok(0) => {}
            Ok(pruned) => tracing::info!(rooms = pruned, days = args.keep_days, "old games pruned"),
            Err(e) => {
                eprintln!("error: {e:#}");
                return ExitCode::FAILURE;
            }
        }
    }
    let max_bytes = args.db_max_mb.map(|mb| mb.saturating_mul(1024 * 1024));
    let opened = match Store::open_capped(&args.db, max_bytes) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    let runtimes = match Runtimes::new() {
        Ok(runtimes) => runtimes,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let fanout_runtime = runtimes.fanout();
    runtimes.block_on(run(args, base, roster, opened, fanout_runtime))
}

async fn run(
    args: ServeArgs,
    base: String,
    roster: Arc<Roster>,
    opened: Opened,
    fanout_runtime: Option<FanoutRuntime>,
) -> ExitCode {
    let listener = match bind(&args.addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: cannot listen on {}: {e}", args.addr);
            return ExitCode::FAILURE;
        }
    };
    let local = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let listening = format!("http://{local}{base}");
    let public_url = match &args.public_url {
        Some(url) => url.trim_end_matches('/').to_string(),
        None if local.ip().is_unspecified() => {
            // The venue-laptop case: phones need the LAN address.
            let ip = lan_address().unwrap_or(std::net::IpAddr::from([127, 0, 0, 1]));
            format!(
                "http://{}{base}",
                std::net::SocketAddr::new(ip, local.port())
            )
        }
        None => listening.clone(),
    };
    if args.event_code.is_none() && !local.ip().is_loopback() {
        tracing::warn!(
            "listening on {local} without --event-code: anyone who finds the URL can see the photos"
        );
    }
    let restored = opened.rooms.len();
    let secret = opened.secret.clone();
    let options = Options::from_args(&args, base, public_url, secret, fanout_runtime);
    let state = AppState::restored(roster, options, opened);
    // The one line on stdout the contract asks for: scripts read the port here.
    println!("listening on {listening}");
    tracing::info!(db = %args.db.display(), restored, "store open");
    match yearbook::serve(listener, state, shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Binds with a long accept queue: a venue's phones arrive all at once,
/// and the default backlog (128) drops connections that then retry a second
/// later.
async fn bind(addr: &str) -> std::io::Result<TcpListener> {
    let mut last = None;
    for addr in tokio::net::lookup_host(addr).await? {
        let socket = if addr.is_ipv4() {
            tokio::net::TcpSocket::new_v4()?
        } else {
            tokio::net::TcpSocket::new_v6()?
        };
        socket.set_reuseaddr(true)?;
        match socket.bind(addr).and_then(|()| socket.listen(4096)) {
            Ok(listener) => return Ok(listener),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no address to listen on")))
}

/// This machine's address on the local network: private IPv4 first.
fn lan_address() -> Option<std::net::IpAddr> {
    let addrs: Vec<std::net::IpAddr> = if_addrs::get_if_addrs()
        .ok()?
        .into_iter()
        .map(|i| i.ip())
        .filter(|ip| !ip.is_loopback() && ip.is_ipv4())
        .collect();
    let private = |ip: &std::net::IpAddr| match ip {
        std::net::IpAddr::V4(v4) => v4.is_private(),
        std::net::IpAddr::V6(_) => false,
    };
    addrs
        .iter()
        .find(|ip| private(ip))
        .or_else(|| addrs.first())
        .copied()
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
