//! `yearbook-loadgen`: thousands of phones against a server on this
//! machine, speaking only the protocol (docs/protocol.md): it creates rooms
//! over HTTP, joins phones over WebSockets, plays rounds as the host and the
//! phones, and reports what it measured with one monotonic clock.
//!
//! `--floor` measures the same fan-out against a bare TCP server (a child
//! process of this binary), so the kernel's share can be told apart from the
//! game server's.
//!
//! Traffic goes to loopback addresses only: `--url` must name this machine.

mod args;
mod client;
mod floor;
mod game;
mod procfs;
mod stamp;
mod stats;

use std::io::Write as _;
use std::process::ExitCode;
use std::sync::atomic::AtomicU64;

use clap::Parser;
use serde_json::Value;

use args::LoadgenArgs;

/// Runs the load generator; the exit status is non-zero unless the run was
/// clean (everyone joined, nothing lost, no errors).
fn main() -> ExitCode {
    let args = LoadgenArgs::parse();
    // Thousands of sockets: use all the open files the hard limit allows.
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    if args.floor_serve {
        return floor::floor_serve(args.phones);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.threads.max(1))
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let json_out = args.json;
    let result = runtime.block_on(async move {
        if args.floor {
            floor::run_floor(args).await
        } else {
            game::run_game(args).await
        }
    });
    match result {
        Ok(report) => {
            if json_out {
                println!("{}", report.json);
            } else {
                print!("{}", report.table);
            }
            let _ = std::io::stdout().flush();
            if report.clean {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

struct Report {
    json: Value,
    table: String,
    clean: bool,
}

/// `n` times "never" (0): one slot per phone (or per round and phone).
fn atomics(n: usize) -> Vec<AtomicU64> {
    (0..n).map(|_| AtomicU64::new(0)).collect()
}
