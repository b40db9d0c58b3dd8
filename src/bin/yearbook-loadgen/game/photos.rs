//! `--fetch-photos`: each phone fetches photos as the phone page does. On
//! `preload` and on `round` it GETs the phone-size URLs it does not have
//! yet, over one keep-alive HTTP/1.1 connection of its own, one after
//! another; for each round it records when all of that round's photos
//! were on hand. The report gives, per round, the time from the `round`
//! reaching the phone to that moment (0 when they were there before).

use std::collections::HashMap;
use std::net::Ipv4Addr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use yearbook::protocol::{ServerMsg, Shown};

use super::{Ctx, Kind, RoomRun};
use crate::client::{Target, tcp_connect};
use crate::stats::Dist;

/// What the run fetched, all phones together.
#[derive(Debug, Default)]
pub(super) struct PhotoCounters {
    pub fetched: AtomicU64,
    pub bytes: AtomicU64,
}

/// Something for a phone's fetcher.
pub(super) enum Job {
    /// Photos sent ahead: fetch them now.
    Ahead(Vec<String>),
    /// Round `r` (our index) reached the phone at `at`: its photos.
    Round {
        r: usize,
        at: u64,
        urls: Vec<String>,
    },
}

/// The job a message gives, if any: `preload` (unless told to ignore it,
/// as pages before it did) and `round`, whose photos are the prompt's and
/// the choices' at phone size.
pub(super) fn job_for(text: &str, r: Option<usize>, at: u64, ignore_preload: bool) -> Option<Job> {
    match serde_json::from_str::<ServerMsg>(text).ok()? {
        ServerMsg::Preload { photos, .. } if !ignore_preload => Some(Job::Ahead(photos)),
        ServerMsg::Round(round) => {
            let urls = std::iter::once(&round.prompt)
                .chain(&round.choices)
                .filter_map(|s| match s {
                    Shown::Photo { thumb, .. } => Some(thumb.clone()),
                    Shown::Person { .. } => None,
                })
                .collect();
            Some(Job::Round { r: r?, at, urls })
        }
        _ => None,
    }
}

/// One phone's fetcher: takes jobs in order until the phone lets go.
pub(super) async fn fetcher(
    ctx: Arc<Ctx>,
    room: Arc<RoomRun>,
    i: usize,
    mut jobs: mpsc::UnboundedReceiver<Job>,
) {
    let mut http = Http1::new(ctx.target.clone(), ctx.source(room.g0 + i));
    // URL → when it was on hand.
    let mut have: HashMap<String, u64> = HashMap::new();
    while let Some(job) = jobs.recv().await {
        let (urls, round) = match job {
            Job::Ahead(urls) => (urls, None),
            Job::Round { r, at, urls } => (urls, Some((r, at))),
        };
        let mut on_hand = 0;
        let mut complete = true;
        for url in urls {
            let at = match have.get(&url) {
                Some(&at) => at,
                None => match tokio::time::timeout(ctx.wait, http.get(&url)).await {
                    Ok(Ok(bytes)) => {
                        ctx.photos.fetched.fetch_add(1, Relaxed);
                        ctx.photos.bytes.fetch_add(bytes as u64, Relaxed);
                        let now = ctx.now();
                        have.insert(url, now);
                        now
                    }
                    Ok(Err(e)) => {
                        ctx.error(format!("photo: {e:#}"));
                        complete = false;
                        continue;
                    }
                    Err(_) => {
                        ctx.error("photo: no answer in time");
                        http.conn = None;
                        complete = false;
                        continue;
                    }
                },
            };
            on_hand = on_hand.max(at);
        }
        if let Some((r, at)) = round.filter(|_| complete) {
            room.photos_at[r * room.n + i].store(on_hand.max(at), Relaxed);
        }
    }
}

/// A keep-alive HTTP/1.1 client for GETs, as a browser keeps one.
struct Http1 {
    target: Target,
    src: Option<Ipv4Addr>,
    conn: Option<BufReader<TcpStream>>,
}

impl Http1 {
    fn new(target: Target, src: Option<Ipv4Addr>) -> Self {
        Self {
            target,
            src,
            conn: None,
        }
    }

    /// GETs `path` (base path included, as messages give it); the body's
    /// length. A kept connection the server has closed meanwhile is
    /// opened again once.
    async fn get(&mut self, path: &str) -> Result<usize> {
        let reused = self.conn.is_some();
        match self.try_get(path).await {
            Err(_) if reused => {
                self.conn = None;
                self.try_get(path).await
            }
            other => other,
        }
    }

    async fn try_get(&mut self, path: &str) -> Result<usize> {
        let conn = match &mut self.conn {
            Some(c) => c,
            None => {
                let tcp = tcp_connect(self.target.addr, self.src).await?;
                self.conn.insert(BufReader::new(tcp))
            }
        };
        let req = format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nAccept: image/*\r\n\r\n",
            self.target.host
        );
        conn.get_mut().write_all(req.as_bytes()).await?;
        let (status, length, close) = read_head(conn).await?;
        let mut body = conn.take(length as u64);
        let got = tokio::io::copy(&mut body, &mut tokio::io::sink()).await? as usize;
        if got != length {
            self.conn = None;
            bail!("GET {path}: the body ended after {got} of {length} bytes");
        }
        if close {
            self.conn = None;
        }
        if status != 200 {
            bail!("GET {path}: {status}");
        }
        Ok(length)
    }
}

/// An answer's status, `Content-Length` and whether the server closes.
async fn read_head(conn: &mut BufReader<TcpStream>) -> Result<(u16, usize, bool)> {
    let mut line = String::new();
    let mut status = None;
    let (mut length, mut close) = (None, false);
    for _ in 0..100 {
        line.clear();
        if conn.read_line(&mut line).await? == 0 {
            bail!("the connection closed");
        }
        let l = line.trim_end();
        if l.is_empty() {
            let status = status.ok_or_else(|| anyhow!("no status line"))?;
            let length = length.ok_or_else(|| anyhow!("no Content-Length"))?;
            return Ok((status, length, close));
        }
        if status.is_none() {
            status = Some(
                l.split_whitespace()
                    .nth(1)
                    .and_then(|s| s.parse().ok())
                    .with_context(|| format!("bad status line: {l}"))?,
            );
        } else if let Some((name, value)) = l.split_once(':') {
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                length = Some(value.parse().context("bad Content-Length")?);
            } else if name.eq_ignore_ascii_case("connection") {
                close = value.eq_ignore_ascii_case("close");
            }
        }
    }
    bail!("an answer head of over 100 lines")
}

/// Per round: `round` → all its photos on hand, for each phone that got
/// the `round` (one that never had them on hand is counted missing).
pub(super) fn on_hand(room: &RoomRun) -> (Vec<Dist>, u64) {
    let played = room.rounds_played.load(Relaxed).min(room.rounds);
    let mut missing = 0;
    let rounds = (0..played)
        .map(|r| {
            let mut d = Dist::default();
            for i in (0..room.n).filter(|&i| room.kinds[i] == Kind::Normal) {
                let at = |v: &Vec<AtomicU64>| v[r * room.n + i].load(Relaxed);
                match (at(&room.round_at), at(&room.photos_at)) {
                    (0, _) => {}
                    (_, 0) => missing += 1,
                    (got, hand) => d.push(hand.saturating_sub(got)),
                }
            }
            d
        })
        .collect();
    (rounds, missing)
}

/// The report's `photos` part, and its lines for the table.
pub(super) fn report(ctx: &Ctx, rooms: &[Arc<RoomRun>], ignore_preload: bool) -> (Value, String) {
    let mut per_round: Vec<Dist> = Vec::new();
    let mut missing = 0;
    for room in rooms {
        let (rounds, m) = on_hand(room);
        missing += m;
        for (r, d) in rounds.iter().enumerate() {
            if per_round.len() <= r {
                per_round.push(Dist::default());
            }
            per_round[r].extend(d);
        }
    }
    let mut all = Dist::default();
    for d in &per_round {
        all.extend(d);
    }
    let fetched = ctx.photos.fetched.load(Relaxed);
    let bytes = ctx.photos.bytes.load(Relaxed);
    let json = json!({
        "preload": !ignore_preload,
        "on_hand_after_round": all.json_p95(),
        "per_round": per_round.iter().map(Dist::json_p95).collect::<Vec<_>>(),
        "missing": missing,
        "fetched": fetched,
        "bytes": bytes,
    });
    let mut t = format!(
        "  photos on hand  {}   (after `round`; {} preload; {fetched} fetched, {:.1} MB)\n",
        all.line_p95(),
        if ignore_preload { "ignoring" } else { "with" },
        bytes as f64 / 1e6
    );
    for (r, d) in per_round.iter().enumerate() {
        t.push_str(&format!("    round {}: {}\n", r + 1, d.line_p95()));
    }
    if missing > 0 {
        t.push_str(&format!("    never on hand: {missing}\n"));
    }
    (json, t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_and_preloads_name_their_photos() {
        let round = r#"{"type":"round","round":2,"of":3,"mode":"name_to_photo",
            "prompt":{"name":"A","known_as":null},
            "choices":[{"photo":"/p/1","thumb":"/t/1"},{"photo":"/p/2","thumb":"/t/2"},
                       {"photo":"/p/3","thumb":"/t/3"},{"photo":"/p/4","thumb":"/t/4"}],
            "remaining_ms":5,"seconds":9}"#;
        match job_for(round, Some(1), 7, false) {
            Some(Job::Round { r: 1, at: 7, urls }) => {
                assert_eq!(urls, ["/t/1", "/t/2", "/t/3", "/t/4"]);
            }
            _ => panic!("a round's job"),
        }
        let preload = r#"{"type":"preload","round":2,"photos":["/t/9"]}"#;
        assert!(matches!(job_for(preload, None, 0, false), Some(Job::Ahead(u)) if u == ["/t/9"]));
        assert!(job_for(preload, None, 0, true).is_none(), "ignored");
        assert!(job_for(r#"{"type":"pong"}"#, None, 0, false).is_none());
    }
}
