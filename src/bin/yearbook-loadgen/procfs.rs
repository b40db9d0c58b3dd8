//! The server's (and our own) memory and CPU time, read from `/proc`.

use std::collections::BTreeMap;

/// `/proc/PID/stat` counts CPU time in USER_HZ, which Linux fixes at 100.
pub const TICKS_PER_SEC: u64 = 100;

pub fn ticks_ms(ticks: u64) -> u64 {
    ticks * 1000 / TICKS_PER_SEC
}

/// Ticks from one reading of a counter to the next, when both were read.
pub fn ticks_between(before: Option<u64>, after: Option<u64>) -> Option<u64> {
    before.zip(after).map(|(a, b)| b.saturating_sub(a))
}

/// utime + stime of a process, in ticks (includes threads that have ended).
pub fn proc_cpu_ticks(pid: &str) -> Option<u64> {
    let stat = std::fs::read(format!("/proc/{pid}/stat")).ok()?;
    stat_ticks(&String::from_utf8_lossy(&stat)).map(|(_, ticks)| ticks)
}

/// The name and utime + stime (ticks) from a `/proc/.../stat` line.
fn stat_ticks(stat: &str) -> Option<(String, u64)> {
    // The name may hold spaces and parentheses; the fields after it cannot.
    let (open, close) = (stat.find('(')?, stat.rfind(')')?);
    let name = stat.get(open + 1..close)?;
    let fields: Vec<&str> = stat.get(close + 1..)?.split_whitespace().collect();
    // Fields 14 (utime) and 15 (stime); `fields` starts at field 3.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((name.to_string(), utime + stime))
}

/// Each thread's name and utime + stime (ticks), by thread id.
pub fn proc_thread_ticks(pid: &str) -> Option<BTreeMap<u64, (String, u64)>> {
    let mut by_tid = BTreeMap::new();
    for task in std::fs::read_dir(format!("/proc/{pid}/task"))
        .ok()?
        .flatten()
    {
        let Some(tid) = task.file_name().to_str().and_then(|t| t.parse().ok()) else {
            continue;
        };
        let Ok(stat) = std::fs::read(task.path().join("stat")) else {
            continue; // ended meanwhile
        };
        if let Some(named) = stat_ticks(&String::from_utf8_lossy(&stat)) {
            by_tid.insert(tid, named);
        }
    }
    Some(by_tid)
}

/// CPU ticks spent between two [`proc_thread_ticks`], summed by thread
/// name (a pool's threads share one): where the server's CPU went, without
/// a profiler. A thread that ended in between is missing from it.
pub fn thread_ticks_between(
    before: &BTreeMap<u64, (String, u64)>,
    after: &BTreeMap<u64, (String, u64)>,
) -> BTreeMap<String, u64> {
    let mut by_name = BTreeMap::new();
    for (tid, (name, ticks)) in after {
        let earlier = before.get(tid).map_or(0, |(_, t)| *t);
        *by_name.entry(name.clone()).or_insert(0) += ticks.saturating_sub(earlier);
    }
    by_name.retain(|_, t| *t > 0);
    by_name
}

pub fn proc_rss_kib(pid: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_ticks_are_read_past_any_name() {
        let stat = "12 (a) b (c) R 1 2 3 4 5 6 7 8 9 10 700 50 11 12 20 0";
        assert_eq!(stat_ticks(stat), Some(("a) b (c".to_string(), 750)));
        assert_eq!(stat_ticks("12 (short) R 1 2"), None);
        assert_eq!(stat_ticks("no name at all"), None);
    }

    #[test]
    fn cpu_between_is_summed_by_name_per_thread() {
        let at = |list: &[(u64, &str, u64)]| {
            list.iter()
                .map(|&(tid, name, t)| (tid, (name.to_string(), t)))
                .collect::<BTreeMap<_, _>>()
        };
        let before = at(&[
            (1, "main", 10),
            (2, "pool", 5),
            (3, "pool", 7),
            (4, "gone", 9),
        ]);
        // 3 ended; 5 started (all of its time counts); 1 did nothing.
        let after = at(&[
            (1, "main", 10),
            (2, "pool", 8),
            (5, "pool", 4),
            (6, "new", 2),
        ]);
        let between = thread_ticks_between(&before, &after);
        let expected: BTreeMap<String, u64> =
            [("pool".to_string(), 7), ("new".to_string(), 2)].into();
        assert_eq!(between, expected);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn cpu_is_told_per_thread_name() {
        let busy = std::thread::Builder::new()
            .name("yb-test-spin".into())
            .spawn(|| {
                let (pid, t) = (std::process::id().to_string(), std::time::Instant::now());
                // Spins until the kernel has counted some of its time.
                while t.elapsed() < std::time::Duration::from_secs(5) {
                    let ticks = proc_thread_ticks(&pid).unwrap_or_default();
                    if ticks
                        .values()
                        .any(|(name, t)| name == "yb-test-spin" && *t > 0)
                    {
                        return true;
                    }
                }
                false
            })
            .unwrap();
        assert!(
            busy.join().unwrap(),
            "the spinning thread was never counted"
        );
        assert!(proc_thread_ticks("0").is_none(), "no such process");
    }
}
