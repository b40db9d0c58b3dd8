//! Benchmark of the durable store through the room API (no network):
//! durable votes per second into one room, and the time to rebuild many
//! rooms on start.
//!
//! `cargo run --release --example store_bench -- [PHONES] [ROOMS] [PLAYERS_PER_ROOM]`

use std::sync::Arc;
use std::time::{Duration, Instant};

use yearbook::game::{PlayerId, PlayerName, Settings};
use yearbook::room::{RoomDeps, Rooms};
use yearbook::roster;
use yearbook::store::Store;
use yearbook::telemetry::Metrics;

fn arg(n: usize, default: usize) -> usize {
    std::env::args()
        .nth(n)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}

fn deps(roster: &Arc<roster::Roster>, store: Store, max_players: usize) -> Arc<RoomDeps> {
    Arc::new(RoomDeps::new(
        roster.clone(),
        "",
        Arc::new(Metrics::default()),
        max_players,
        store,
    ))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let phones = arg(1, 20_000);
    let room_count = arg(2, 100);
    let per_room = arg(3, 200);
    let roster = Arc::new(
        roster::load_demo(&Default::default()).map_err(|e| anyhow::anyhow!(e.join("\n")))?,
    );
    let dir = tempfile::tempdir()?;

    // 1. Durable votes into one room.
    let path = dir.path().join("votes.db");
    let opened = Store::open(&path)?;
    let rooms = Rooms::new(deps(&roster, opened.store.clone(), phones));
    let settings = Settings {
        rounds: 3,
        seconds: 300,
        // Generated names are not what the filter is for.
        profanity_filter: false,
        ..Settings::default()
    };
    let (room, _key) = rooms.create(settings);
    let mut sessions = Vec::with_capacity(phones);
    for i in 0..phones {
        let name = PlayerName::parse(&format!("phone {i}")).map_err(anyhow::Error::msg)?;
        sessions.push(room.join(&name, None).map_err(anyhow::Error::msg)?);
    }
    let ids: Vec<PlayerId> = sessions.iter().map(|s| s.player).collect();
    opened.store.flush(Duration::from_secs(30)).await;
    println!("store bench: {phones} phones in one room (WAL, synchronous=FULL, group commit)");
    for round in 1..=3u32 {
        room.start_round().map_err(anyhow::Error::msg)?;
        let started = Instant::now();
        let workers = 64;
        let mut tasks = Vec::new();
        for w in 0..workers {
            let room = room.clone();
            let mine: Vec<PlayerId> = ids.iter().copied().skip(w).step_by(workers).collect();
            tasks.push(tokio::spawn(async move {
                let mut last = 0;
                for id in mine {
                    let seq = room
                        .vote(id, round, i64::from(id.get() % 4), None)
                        .map_err(|e| format!("vote refused: {e}"))?;
                    last = last.max(seq);
                }
                let ok = room.wait_durable(last).await;
                Ok::<bool, String>(ok)
            }));
        }
        let mut all_durable = true;
        for t in tasks {
            all_durable &= t.await?.map_err(anyhow::Error::msg)?;
        }
        let total = started.elapsed();
        println!(
            "  round {round}: {phones} votes, all durable after {:.0} ms: {:.0} durable votes/s{}",
            total.as_secs_f64() * 1e3,
            phones as f64 / total.as_secs_f64(),
            if all_durable {
                ""
            } else {
                " (SOME NOT DURABLE)"
            }
        );
    }
    drop(sessions);

    // 2. Rebuild many rooms on start.
    let path = dir.path().join("rebuild.db");
    let opened = Store::open(&path)?;
    let rooms = Rooms::new(deps(&roster, opened.store.clone(), per_room));
    let settings = Settings {
        rounds: 10,
        seconds: 300,
        // Generated names are not what the filter is for.
        profanity_filter: false,
        ..Settings::default()
    };
    for _ in 0..room_count {
        let (room, _) = rooms.create(settings.clone());
        let mut ids = Vec::new();
        let mut sessions = Vec::new();
        for i in 0..per_room {
            let name = PlayerName::parse(&format!("p{i}")).map_err(anyhow::Error::msg)?;
            let s = room.join(&name, None).map_err(anyhow::Error::msg)?;
            ids.push(s.player);
            sessions.push(s);
        }
        for round in 1..=10u32 {
            room.start_round().map_err(anyhow::Error::msg)?;
            for &id in &ids {
                let _ = room.vote(id, round, i64::from((id.get() + round) % 4), None);
            }
            if round < 10 {
                let _ = room.reveal();
            }
        }
    }
    opened.store.flush(Duration::from_secs(60)).await;
    drop(rooms);
    drop(opened);
    let started = Instant::now();
    let reopened = Store::open(&path)?;
    let loaded = started.elapsed();
    let events: usize = reopened.rooms.iter().map(|r| r.events.len()).sum();
    let count = reopened.rooms.len();
    let rooms = Rooms::new(deps(&roster, reopened.store.clone(), per_room));
    rooms.restore(reopened.rooms, reopened.last_alive.unwrap_or(0));
    let total = started.elapsed();
    println!(
        "rebuild: {count} rooms x {per_room} players ({events} events): read {:.0} ms, rebuilt {:.0} ms",
        loaded.as_secs_f64() * 1e3,
        total.as_secs_f64() * 1e3
    );
    Ok(())
}
