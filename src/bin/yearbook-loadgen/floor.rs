//! `--floor`: the same fan-out against a bare TCP server (a child process
//! of this binary), so the kernel's share can be told apart from the game
//! server's.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::{Notify, Semaphore, watch};

use crate::args::LoadgenArgs;
use crate::client::{SOCKETS_PER_SOURCE, tcp_connect};
use crate::procfs::{TICKS_PER_SEC, proc_cpu_ticks, proc_rss_kib, ticks_between, ticks_ms};
use crate::stamp::{Clock, Stamped};
use crate::stats::{Dist, list, max_of, ms};
use crate::{Report, atomics};

/// The line the floor server writes per round, like a small `round` message.
const FLOOR_LINE_BYTES: usize = 200;

/// The floor server: accepts `n` plain TCP connections, then on each
/// `round` line from its control connection writes one 200-byte line to
/// every connection from one task per core, and answers `done`.
pub fn floor_serve(n: usize) -> ExitCode {
    let workers = std::thread::available_parallelism().map_or(1, |c| c.get());
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(floor_serve_async(n, workers)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("floor server: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn listener(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = TcpSocket::new_v4()?;
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(4096)
}

/// Writes all of `buf` without the task ever holding more than the socket.
async fn write_now(s: &TcpStream, buf: &[u8]) -> std::io::Result<()> {
    let mut off = 0;
    while off < buf.len() {
        match s.try_write(&buf[off..]) {
            Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
            Ok(k) => off += k,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => s.writable().await?,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

fn floor_line(round: u64) -> Vec<u8> {
    let head = format!(r#"{{"type":"round","round":{round},"pad":""#);
    let mut line = head.into_bytes();
    let tail = b"\"}\n";
    line.resize(FLOOR_LINE_BYTES - tail.len(), b'x');
    line.extend_from_slice(tail);
    line
}

async fn floor_serve_async(n: usize, workers: usize) -> Result<()> {
    let any = SocketAddr::new(Ipv4Addr::LOCALHOST.into(), 0);
    let data = listener(any)?;
    let control = listener(any)?;
    println!(
        "floor listening {} {}",
        data.local_addr()?,
        control.local_addr()?
    );
    std::io::stdout().flush()?;
    let (ctl, _) = control.accept().await?;
    let (ctl_read, mut ctl_write) = ctl.into_split();
    let mut chunks: Vec<Vec<TcpStream>> = (0..workers).map(|_| Vec::new()).collect();
    for k in 0..n {
        let (s, _) = data.accept().await?;
        s.set_nodelay(true)?;
        chunks[k % workers].push(s);
    }
    let (round_tx, _) = tokio::sync::broadcast::channel::<Arc<Vec<u8>>>(4);
    let (done_tx, mut done_rx) = tokio::sync::mpsc::channel::<usize>(workers);
    for chunk in chunks {
        let mut rx = round_tx.subscribe();
        let done = done_tx.clone();
        tokio::spawn(async move {
            while let Ok(line) = rx.recv().await {
                let mut failed = 0;
                for s in &chunk {
                    if write_now(s, &line).await.is_err() {
                        failed += 1;
                    }
                }
                if done.send(failed).await.is_err() {
                    return;
                }
            }
        });
    }
    ctl_write.write_all(b"ready\n").await?;
    let mut lines = BufReader::new(ctl_read).lines();
    while let Some(l) = lines.next_line().await? {
        let mut words = l.split_whitespace();
        match words.next() {
            Some("round") => {
                let r: u64 = words.next().and_then(|w| w.parse().ok()).unwrap_or(0);
                let _ = round_tx.send(Arc::new(floor_line(r)));
                let mut failed = 0;
                for _ in 0..workers {
                    failed += done_rx.recv().await.unwrap_or(0);
                }
                ctl_write
                    .write_all(format!("done {failed}\n").as_bytes())
                    .await?;
            }
            Some("quit") | None => break,
            _ => {}
        }
    }
    Ok(())
}

pub async fn run_floor(args: LoadgenArgs) -> Result<Report> {
    let n = args.phones * args.rooms.max(1);
    let rounds = args.rounds.max(1) as usize;
    let exe = std::env::current_exe().context("cannot find this program")?;
    let mut cmd = match &args.floor_cpus {
        Some(cpus) => {
            let mut c = tokio::process::Command::new("taskset");
            c.arg("-c").arg(cpus).arg(&exe);
            c
        }
        None => tokio::process::Command::new(&exe),
    };
    cmd.args(["--floor-serve", "--phones", &n.to_string()])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true);
    let mut child = cmd.spawn().context("cannot start the floor server")?;
    let pid = child
        .id()
        .ok_or_else(|| anyhow!("floor server exited at once"))?
        .to_string();
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| anyhow!("no stdout from the floor server"))?;
    let mut first = String::new();
    tokio::time::timeout(
        Duration::from_secs(10),
        BufReader::new(stdout).read_line(&mut first),
    )
    .await
    .map_err(|_| anyhow!("floor server did not start"))??;
    let mut words = first.split_whitespace().skip(2);
    let data: SocketAddr = words
        .next()
        .and_then(|w| w.parse().ok())
        .ok_or_else(|| anyhow!("floor server said {first:?}"))?;
    let control: SocketAddr = words
        .next()
        .and_then(|w| w.parse().ok())
        .ok_or_else(|| anyhow!("floor server said {first:?}"))?;
    let sources = args
        .sources
        .unwrap_or_else(|| n.div_ceil(SOCKETS_PER_SOURCE) as u32)
        .clamp(1, 254);
    let ctl = TcpStream::connect(control).await?;
    let (ctl_read, mut ctl_write) = ctl.into_split();
    let mut ctl_lines = BufReader::new(ctl_read).lines();

    let clock = Arc::new(Clock::new());
    let at = Arc::new(atomics(rounds * n));
    let got: Arc<Vec<AtomicUsize>> = Arc::new((0..rounds).map(|_| AtomicUsize::new(0)).collect());
    let connected = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let wake = Arc::new(Notify::new());
    let sem = Arc::new(Semaphore::new(args.concurrency.max(1)));
    let (stop_tx, stop_rx) = watch::channel(false);
    let rss_before = proc_rss_kib(&pid);
    let t_connect = clock.now();
    let mut handles = Vec::with_capacity(n);
    for i in 0..n {
        let (clock, at, got, connected, failed, wake, sem) = (
            clock.clone(),
            at.clone(),
            got.clone(),
            connected.clone(),
            failed.clone(),
            wake.clone(),
            sem.clone(),
        );
        let mut stop = stop_rx.clone();
        let src = Ipv4Addr::new(127, 0, 0, 1 + (i % sources as usize) as u8);
        let reply = args.floor_reply;
        handles.push(tokio::spawn(async move {
            let stream = {
                let _permit = sem.acquire().await;
                tcp_connect(data, Some(src)).await
            };
            let mut stream = match stream.and_then(Stamped::new) {
                Ok(s) => s,
                Err(_) => {
                    failed.fetch_add(1, Relaxed);
                    wake.notify_one();
                    return;
                }
            };
            connected.fetch_add(1, Relaxed);
            wake.notify_one();
            let mut buf = [0u8; 4096];
            let mut line = 0usize;
            loop {
                tokio::select! {
                    _ = stop.wait_for(|s| *s) => break,
                    read = stream.read(&mut buf) => match read {
                        Ok(0) | Err(_) => break,
                        Ok(k) => {
                            // When the line reached the socket, as for phones.
                            let t = clock.arrival(&stream);
                            for _ in buf[..k].iter().filter(|&&b| b == b'\n') {
                                if line < rounds {
                                    at[line * n + i].store(t, Relaxed);
                                    if got[line].fetch_add(1, Relaxed) + 1 >= n {
                                        wake.notify_one();
                                    }
                                }
                                line += 1;
                            }
                        }
                    },
                }
                // The size of a masked `vote` frame.
                if reply && stream.write_all(&[b'v'; 44]).await.is_err() {
                    break;
                }
            }
            let _ = stream.tcp().set_zero_linger();
        }));
    }
    let wait = Duration::from_secs(args.wait_secs.max(1));
    let settled = tokio::time::timeout(wait * 4, async {
        while connected.load(Relaxed) + failed.load(Relaxed) < n {
            wake.notified().await;
        }
    })
    .await
    .is_ok();
    let t_connected = clock.now();
    let mut errors: BTreeMap<String, u64> = BTreeMap::new();
    let connect_failed = failed.load(Relaxed);
    if connect_failed > 0 || !settled {
        errors.insert("connect failed".into(), connect_failed.max(1) as u64);
    }
    let mut lost = 0u64;
    let mut fanout = Dist::default();
    let mut last = Vec::new();
    let (mut cpu0, mut cpu1, mut rss_after) = (None, None, None);
    let mut msgs = 0u64;
    let mut play_ns = 0;
    if errors.is_empty() {
        let ready = tokio::time::timeout(wait, ctl_lines.next_line()).await;
        if !matches!(ready, Ok(Ok(Some(ref l))) if l == "ready") {
            bail!("floor server did not get ready");
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        rss_after = proc_rss_kib(&pid);
        cpu0 = proc_cpu_ticks(&pid);
        let t0 = clock.now();
        let mut starts = Vec::new();
        for r in 0..rounds {
            clock.resync();
            let start = clock.now();
            starts.push(start);
            ctl_write
                .write_all(format!("round {}\n", r + 1).as_bytes())
                .await?;
            let all = tokio::time::timeout(wait, async {
                while got[r].load(Relaxed) < n {
                    wake.notified().await;
                }
            })
            .await
            .is_ok();
            if !all {
                errors.insert(format!("round {} incomplete", r + 1), 1);
            }
            match tokio::time::timeout(wait, ctl_lines.next_line()).await {
                Ok(Ok(Some(l))) if l == "done 0" => {}
                other => {
                    errors.insert(format!("round {}: server said {other:?}", r + 1), 1);
                }
            }
            // A short gap, as between real rounds.
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        play_ns = clock.now() - t0;
        cpu1 = proc_cpu_ticks(&pid);
        for (r, &start) in starts.iter().enumerate() {
            let mut worst = None;
            for i in 0..n {
                let t = at[r * n + i].load(Relaxed);
                if t == 0 {
                    lost += 1;
                    continue;
                }
                let d = t.saturating_sub(start);
                fanout.push(d);
                worst = Some(worst.map_or(d, |w: u64| w.max(d)));
            }
            last.push(worst.map(ms));
        }
        msgs = (rounds * n) as u64 - lost;
    }
    let _ = ctl_write.write_all(b"quit\n").await;
    let _ = stop_tx.send(true);
    for h in handles {
        let _ = h.await;
    }
    if tokio::time::timeout(Duration::from_secs(5), child.wait())
        .await
        .is_err()
    {
        let _ = child.kill().await;
    }

    let cpu_ticks = ticks_between(cpu0, cpu1);
    let cpu_per_msg = cpu_ticks
        .filter(|_| msgs > 0)
        .map(|t| (t as f64 * 1e6 / TICKS_PER_SEC as f64) / msgs as f64);
    let rss_per = rss_before
        .zip(rss_after)
        .map(|(a, b)| (b as f64 - a as f64) / n as f64);
    let error_count: u64 = errors.values().sum();
    let clean = error_count == 0 && lost == 0;
    let json = json!({
        "mode": "floor",
        "phones": n,
        "rounds": rounds,
        "server_cpus": args.floor_cpus,
        "reply": args.floor_reply,
        "generator_threads": args.threads,
        "sources": sources,
        "connect_ms": ms(t_connected.saturating_sub(t_connect)),
        "fanout": fanout.json(),
        "fanout_last_ms": last,
        "fanout_last_max_ms": max_of(&last),
        "server": {
            "pid": pid,
            "rss_per_conn_kib": rss_per.map(|x| (x * 10.0).round() / 10.0),
            "cpu_ms": cpu_ticks.map(ticks_ms),
            "cpu_us_per_msg": cpu_per_msg.map(|x| (x * 100.0).round() / 100.0),
        },
        "messages_during_rounds": msgs,
        "rounds_wall_ms": ms(play_ns),
        "errors": error_count,
        "error_kinds": errors,
        "lost": lost,
        "clean": clean,
    });
    let mut t = String::new();
    t.push_str(&format!(
        "yearbook-loadgen --floor: {n} plain TCP connections, {rounds} rounds of one {FLOOR_LINE_BYTES}-byte line each{}\n",
        if args.floor_reply {
            ", each answered at once with a 44-byte write"
        } else {
            ""
        }
    ));
    t.push_str(&format!("  fan-out         {}\n", fanout.line()));
    t.push_str(&format!(
        "    last connection, per round (ms): {}\n",
        list(&last)
    ));
    t.push_str(&format!(
        "  floor server    CPU {} ms for {msgs} writes: {} µs per message; {} KiB per connection\n",
        cpu_ticks.map_or("-".into(), |c| ticks_ms(c).to_string()),
        cpu_per_msg.map_or("-".into(), |x| format!("{x:.2}")),
        rss_per.map_or("-".into(), |x| format!("{x:.1}"))
    ));
    t.push_str(&format!(
        "  ERRORS: {error_count}   LOST MESSAGES: {lost}   {}\n",
        if clean {
            "-> clean run"
        } else {
            "-> NOT CLEAN"
        }
    ));
    for (k, v) in &errors {
        t.push_str(&format!("    error {k}: {v}\n"));
    }
    Ok(Report {
        json,
        table: t,
        clean,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_lines_are_200_bytes() {
        let l = floor_line(12);
        assert_eq!(l.len(), FLOOR_LINE_BYTES);
        assert_eq!(l.iter().filter(|&&b| b == b'\n').count(), 1);
    }
}
