//! The game run's figures, per room and for all rooms: a table or JSON.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use serde_json::{Value, json};

use super::{Ctx, F_ACK, F_REVEAL, F_ROUND, F_YOU, Kind, RoomRun, ServerFigures};
use crate::Report;
use crate::args::LoadgenArgs;
use crate::procfs::{TICKS_PER_SEC, ticks_ms};
use crate::stats::{Dist, list, max_of, ms, show};

/// One room's (or all rooms') samples.
#[derive(Default)]
struct Samples {
    handshake: Dist,
    welcome: Dist,
    fanout: Dist,
    /// The same, read by the generator: its own backlog included.
    fanout_read: Dist,
    ack: Dist,
    reveal: Dist,
    /// `end_game` sent → each phone's `game_over`.
    game_over: Dist,
    /// Per round: the last phone's fan-out; the last ack after the last
    /// vote; start → the host's reveal.
    last_phone: Vec<Option<f64>>,
    last_phone_read: Vec<Option<f64>>,
    last_ack: Vec<Option<f64>>,
    question: Vec<Option<f64>>,
    lost: BTreeMap<&'static str, u64>,
    reveal_without_you: u64,
    every_round: usize,
    every_reveal: usize,
    first_connect: Option<u64>,
    last_welcome: Option<u64>,
}

fn room_samples(room: &RoomRun) -> Samples {
    let mut s = Samples::default();
    let n = room.n;
    let played = room.rounds_played.load(Relaxed).min(room.rounds);
    let joined: Vec<usize> = (0..n)
        .filter(|&i| room.welcome_at[i].load(Relaxed) != 0)
        .collect();
    for &i in &joined {
        let c = room.connect_at[i].load(Relaxed);
        let w = room.ws_at[i].load(Relaxed);
        let j = room.welcome_at[i].load(Relaxed);
        s.handshake.push(w.saturating_sub(c));
        s.welcome.push(j.saturating_sub(w));
        s.first_connect = Some(s.first_connect.map_or(c, |f| f.min(c)));
        s.last_welcome = Some(s.last_welcome.map_or(j, |l| l.max(j)));
    }
    // The same keys in every report, zero or not.
    for k in ["round", "reveal", "vote_ack", "game_over"] {
        s.lost.insert(k, 0);
    }
    for r in 0..played {
        let start = room.start_at[r].load(Relaxed);
        let at = |v: &Vec<AtomicU64>, i: usize| v[r * n + i].load(Relaxed);
        let last_vote = joined
            .iter()
            .map(|&i| at(&room.vote_at, i))
            .max()
            .unwrap_or(0);
        let last_ack = joined
            .iter()
            .map(|&i| at(&room.ack_at, i))
            .max()
            .unwrap_or(0);
        let (mut last, mut last_read) = (None, None);
        for &i in joined.iter().filter(|&&i| room.kinds[i] == Kind::Normal) {
            let got = at(&room.round_at, i);
            if got != 0 {
                let d = got.saturating_sub(start);
                s.fanout.push(d);
                last = Some(last.map_or(d, |l: u64| l.max(d)));
            }
            let read = at(&room.round_read_at, i);
            if read != 0 {
                let d = read.saturating_sub(start);
                s.fanout_read.push(d);
                last_read = Some(last_read.map_or(d, |l: u64| l.max(d)));
            }
            let (v, a) = (at(&room.vote_at, i), at(&room.ack_at, i));
            if v != 0 && a != 0 {
                s.ack.push(a.saturating_sub(v));
            }
            let rv = at(&room.reveal_at, i);
            if rv != 0 && last_vote != 0 {
                s.reveal.push(rv.saturating_sub(last_vote));
            }
        }
        s.last_phone.push(last.map(ms));
        s.last_phone_read.push(last_read.map(ms));
        s.last_ack.push(
            (last_vote != 0 && last_ack != 0).then(|| ms(last_ack.saturating_sub(last_vote))),
        );
        let host_reveal = room.host_reveal_at[r].load(Relaxed);
        s.question
            .push((host_reveal != 0).then(|| ms(host_reveal.saturating_sub(start))));
    }
    let ended = room.ended.load(Relaxed);
    let end_at = room.end_at.load(Relaxed);
    for &i in joined.iter().filter(|&&i| room.kinds[i] == Kind::Normal) {
        let over = room.game_over_at[i].load(Relaxed);
        if end_at != 0 && over != 0 {
            s.game_over.push(over.saturating_sub(end_at));
        }
    }
    for &i in joined.iter().filter(|&&i| room.kinds[i] != Kind::Slow) {
        let mut all_rounds = played == room.rounds;
        let mut all_reveals = played == room.rounds;
        for r in 0..played {
            let f = room.flag(r, i);
            if f & F_ROUND == 0 {
                *s.lost.entry("round").or_default() += 1;
                all_rounds = false;
            }
            if f & F_REVEAL == 0 {
                *s.lost.entry("reveal").or_default() += 1;
                all_reveals = false;
            } else if f & F_YOU == 0 {
                s.reveal_without_you += 1;
            }
            if room.kinds[i] == Kind::Normal && f & F_ACK == 0 {
                *s.lost.entry("vote_ack").or_default() += 1;
            }
        }
        if ended && room.game_over_at[i].load(Relaxed) == 0 {
            *s.lost.entry("game_over").or_default() += 1;
        }
        s.every_round += usize::from(all_rounds);
        s.every_reveal += usize::from(all_reveals);
    }
    if ended && !room.host_game_over.load(Relaxed) {
        *s.lost.entry("host game_over").or_default() += 1;
    }
    s
}

pub(super) fn game_report(
    ctx: &Ctx,
    args: &LoadgenArgs,
    rooms: &[Arc<RoomRun>],
    server: ServerFigures,
    pid: Option<&str>,
) -> Report {
    let total = args.phones * rooms.len();
    let per_room: Vec<Samples> = rooms.iter().map(|r| room_samples(r)).collect();
    let mut all = Samples::default();
    for s in &per_room {
        all.handshake.extend(&s.handshake);
        all.welcome.extend(&s.welcome);
        all.fanout.extend(&s.fanout);
        all.fanout_read.extend(&s.fanout_read);
        all.ack.extend(&s.ack);
        all.reveal.extend(&s.reveal);
        all.game_over.extend(&s.game_over);
        for (k, v) in &s.lost {
            *all.lost.entry(k).or_default() += v;
        }
        all.reveal_without_you += s.reveal_without_you;
        all.every_round += s.every_round;
        all.every_reveal += s.every_reveal;
        all.first_connect = match (all.first_connect, s.first_connect) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        all.last_welcome = all.last_welcome.max(s.last_welcome);
    }
    if all.reveal_without_you > 0 {
        *ctx.errors
            .lock()
            .entry("reveal without `you`".into())
            .or_default() += all.reveal_without_you;
    }
    let rounds = rooms.iter().map(|r| r.rounds).max().unwrap_or(0);
    let played_short = rooms
        .iter()
        .filter(|r| r.rounds_played.load(Relaxed) < r.rounds)
        .count();
    if played_short > 0 {
        ctx.error("rounds not played");
    }
    let joined: usize = rooms.iter().map(|r| r.joined.load(Relaxed)).sum();
    let active: usize = rooms
        .iter()
        .map(|r| {
            (0..r.n)
                .filter(|&i| r.kinds[i] != Kind::Slow && r.welcome_at[i].load(Relaxed) != 0)
                .count()
        })
        .sum();
    let errors = ctx.errors.lock().clone();
    let notes = ctx.notes.lock().clone();
    let error_count: u64 = errors.values().sum();
    let lost: u64 = all.lost.values().sum();
    let clean = error_count == 0 && lost == 0 && joined == total;
    let join_ms = all
        .first_connect
        .zip(all.last_welcome)
        .map(|(a, b)| ms(b.saturating_sub(a)));
    // Per round across rooms: the worst room.
    let worst = |f: fn(&Samples) -> &Vec<Option<f64>>| -> Vec<Option<f64>> {
        (0..rounds)
            .map(|r| {
                max_of(
                    &per_room
                        .iter()
                        .map(|s| f(s).get(r).copied().flatten())
                        .collect::<Vec<_>>(),
                )
            })
            .collect()
    };
    let last_phone = worst(|s| &s.last_phone);
    let last_phone_read = worst(|s| &s.last_phone_read);
    let last_ack = worst(|s| &s.last_ack);
    let question = worst(|s| &s.question);

    let rss_per_phone = server
        .rss_before
        .zip(server.rss_after)
        .filter(|_| joined > 0)
        .map(|(a, b)| (b as f64 - a as f64) / joined as f64);
    let cpu_ms = server.cpu_ticks.map(ticks_ms);
    let cpu_per_msg = server
        .cpu_ticks
        .filter(|_| server.messages > 0)
        .map(|t| (t as f64 * 1e6 / TICKS_PER_SEC as f64) / server.messages as f64);
    let gen_ms = server.gen_ticks.map(ticks_ms);
    let thread_ms: Option<BTreeMap<&str, u64>> = server.thread_ticks.as_ref().map(|m| {
        m.iter()
            .map(|(name, t)| (name.as_str(), ticks_ms(*t)))
            .collect()
    });

    let room_json: Vec<Value> = rooms
        .iter()
        .zip(&per_room)
        .map(|(r, s)| {
            json!({
                "code": r.code,
                "joined": r.joined.load(Relaxed),
                "rounds_played": r.rounds_played.load(Relaxed),
                "fanout": s.fanout.json(),
                "fanout_last_ms": s.last_phone,
                "vote_ack": s.ack.json(),
                "last_ack_after_last_vote_ms": s.last_ack,
                "question_ms": s.question,
                "reveal": s.reveal.json(),
                "lost": s.lost.values().sum::<u64>(),
            })
        })
        .collect();
    let round_round = |v: Option<f64>| v.map(|x| (x * 10.0).round() / 10.0);
    let mut json = json!({
        "mode": "server",
        "url": args.url,
        "rooms": rooms.len(),
        "phones_per_room": args.phones,
        "phones": total,
        "rounds": rounds,
        "seconds": args.seconds,
        "vote_delay_ms": args.vote_delay_ms,
        "slow_share": args.slow_share,
        "churn_share": args.churn_share,
        "concurrency": args.concurrency,
        "sources": ctx.sources,
        "joined": joined,
        "active": active,
        "phones_got_every_round": all.every_round,
        "phones_got_every_reveal": all.every_reveal,
        "join": {
            "total_ms": join_ms,
            "handshake": all.handshake.json(),
            "welcome": all.welcome.json(),
        },
        "fanout": all.fanout.json(),
        "fanout_last_ms": last_phone,
        "fanout_last_max_ms": max_of(&last_phone),
        "fanout_read": all.fanout_read.json(),
        "fanout_read_last_ms": last_phone_read,
        "vote_ack": all.ack.json(),
        "last_ack_after_last_vote_ms": last_ack,
        "last_ack_after_last_vote_max_ms": max_of(&last_ack),
        "question_ms": question,
        "question_max_ms": max_of(&question),
        "reveal": all.reveal.json(),
        "game_over": all.game_over.json(),
        "server": {
            "pid": pid,
            "rss_before_kib": server.rss_before,
            "rss_after_kib": server.rss_after,
            "rss_end_kib": server.rss_end,
            "rss_per_phone_kib": round_round(rss_per_phone),
            "cpu_ms": cpu_ms,
            "cpu_ms_by_thread": thread_ms,
            "join_cpu_ms": server.join_ticks.map(ticks_ms),
            "cpu_us_per_msg": cpu_per_msg.map(|x| (x * 100.0).round() / 100.0),
        },
        "messages_during_rounds": server.messages,
        "rounds_wall_ms": ms(server.play_ns),
        "generator_cpu_ms": gen_ms,
        "per_room": room_json,
        "errors": error_count,
        "error_kinds": errors,
        "lost": lost,
        "lost_kinds": all.lost,
        "notes": notes,
        "clean": clean,
    });
    // Beyond what one `json!` can nest.
    let photo_lines = args.fetch_photos.then(|| {
        let (photos, lines) = super::photos::report(ctx, rooms, args.ignore_preload);
        json["photos"] = photos;
        json["reveal_ms"] = json!(args.reveal_ms);
        lines
    });
    json["generator_threads"] = json!(args.threads);
    json["arrivals_unstamped"] = json!(ctx.clock.unstamped());

    let mut t = String::new();
    let mut line = |s: String| {
        t.push_str(&s);
        t.push('\n');
    };
    line(format!(
        "yearbook-loadgen: {} room(s) x {} phones, {} rounds, vote delay 0..{} ms, slow {:.0}%, churn {:.0}%, {} source address(es)",
        rooms.len(),
        args.phones,
        rounds,
        args.vote_delay_ms,
        args.slow_share * 100.0,
        args.churn_share * 100.0,
        ctx.sources
    ));
    line(format!(
        "  join            {joined}/{total} in {}   handshake {}   join→welcome {}",
        show(join_ms),
        all.handshake.line(),
        all.welcome.line()
    ));
    line(format!("  round fan-out   {}", all.fanout.line()));
    line(format!(
        "    last phone, per round (ms): {}",
        list(&last_phone)
    ));
    line(format!(
        "    read by the generator: {}; last, per round (ms): {}",
        all.fanout_read.line(),
        list(&last_phone_read)
    ));
    line(format!("  vote→vote_ack   {}", all.ack.line()));
    line(format!(
        "    last ack after last vote sent, per round (ms): {}",
        list(&last_ack)
    ));
    line(format!(
        "  start→reveal    per round (ms): {}",
        list(&question)
    ));
    line(format!(
        "  reveal fan-out  {}   (after the last vote sent, with `you`)",
        all.reveal.line()
    ));
    line(format!(
        "  game_over       {}   (after end_game sent)",
        all.game_over.line()
    ));
    if let Some(lines) = photo_lines {
        line(lines.trim_end().to_string());
    }
    if rooms.len() > 1 {
        let worst_p99 = per_room
            .iter()
            .map(|s| s.fanout.summary().1)
            .collect::<Vec<_>>();
        line(format!(
            "  per room: worst fan-out p99 {}, worst reveal p99 {}, worst last-ack {}",
            show(max_of(&worst_p99)),
            show(max_of(
                &per_room
                    .iter()
                    .map(|s| s.reveal.summary().1)
                    .collect::<Vec<_>>()
            )),
            show(max_of(&last_ack)),
        ));
    }
    match (server.rss_before, server.rss_after) {
        (Some(a), Some(b)) => line(format!(
            "  server memory   {a} KiB → {b} KiB joined: {:.1} KiB per phone; {} KiB after game_over",
            rss_per_phone.unwrap_or(0.0),
            server.rss_end.map_or("-".into(), |e| e.to_string())
        )),
        _ => line("  server memory   - (give --server-pid)".into()),
    }
    match cpu_ms {
        Some(c) => line(format!(
            "  server CPU      {c} ms over the rounds, {} messages delivered: {:.2} µs per message",
            server.messages,
            cpu_per_msg.unwrap_or(0.0)
        )),
        None => line(format!(
            "  server CPU      - (give --server-pid); {} messages delivered during the rounds",
            server.messages
        )),
    }
    if let Some(by) = thread_ms.as_ref().filter(|m| !m.is_empty()) {
        let parts: Vec<String> = by.iter().map(|(n, ms)| format!("{n} {ms}")).collect();
        line(format!("    by thread (ms): {}", parts.join(", ")));
    }
    if let Some(j) = server.join_ticks {
        line(format!(
            "  server CPU      {} ms while the phones joined (and 1 s after)",
            ticks_ms(j)
        ));
    }
    line(format!(
        "  generator CPU   {} ms over {:.0} ms of rounds",
        gen_ms.map_or("-".into(), |g| g.to_string()),
        ms(server.play_ns)
    ));
    line(format!(
        "  every round: {}/{active} phones; every reveal: {}/{active}",
        all.every_round, all.every_reveal
    ));
    for (k, v) in &notes {
        line(format!("  note: {k}: {v}"));
    }
    if ctx.clock.unstamped() > 0 {
        line(format!(
            "  note: {} arrivals had no kernel stamp and were timed when read",
            ctx.clock.unstamped()
        ));
    }
    line(format!(
        "  ERRORS: {error_count}   LOST MESSAGES: {lost}   {}",
        if clean {
            "-> clean run"
        } else {
            "-> NOT CLEAN"
        }
    ));
    for (k, v) in &errors {
        line(format!("    error {k}: {v}"));
    }
    for (k, v) in all.lost.iter().filter(|(_, v)| **v > 0) {
        line(format!("    lost {k}: {v}"));
    }
    Report {
        json,
        table: t,
        clean,
    }
}
