//! Latency samples and how they are summarised and shown.

use serde_json::{Value, json};

pub fn ms(ns: u64) -> f64 {
    (ns as f64 / 1e4).round() / 100.0
}

/// Nearest-rank percentile of nanosecond samples, in ms; `None` if empty.
fn pct(sorted: &[u64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(ms(sorted[rank - 1]))
}

#[derive(Debug, Default, Clone)]
pub struct Dist(Vec<u64>);

impl Dist {
    pub fn push(&mut self, ns: u64) {
        self.0.push(ns);
    }
    pub fn extend(&mut self, other: &Dist) {
        self.0.extend_from_slice(&other.0);
    }
    pub fn summary(&self) -> (Option<f64>, Option<f64>, Option<f64>) {
        let mut v = self.0.clone();
        v.sort_unstable();
        (pct(&v, 0.5), pct(&v, 0.99), v.last().map(|&x| ms(x)))
    }
    pub fn json(&self) -> Value {
        let (p50, p99, max) = self.summary();
        json!({"p50_ms": p50, "p99_ms": p99, "max_ms": max, "samples": self.0.len()})
    }
    /// With the 95th percentile too: `(p50, p95, p99, max)`.
    fn summary_p95(&self) -> [Option<f64>; 4] {
        let mut v = self.0.clone();
        v.sort_unstable();
        [
            pct(&v, 0.5),
            pct(&v, 0.95),
            pct(&v, 0.99),
            v.last().map(|&x| ms(x)),
        ]
    }
    pub fn json_p95(&self) -> Value {
        let [p50, p95, p99, max] = self.summary_p95();
        json!({"p50_ms": p50, "p95_ms": p95, "p99_ms": p99, "max_ms": max, "samples": self.0.len()})
    }
    pub fn line_p95(&self) -> String {
        let [p50, p95, p99, max] = self.summary_p95();
        format!(
            "p50 {}  p95 {}  p99 {}  max {}  ({} samples)",
            show(p50),
            show(p95),
            show(p99),
            show(max),
            self.0.len()
        )
    }
    pub fn line(&self) -> String {
        let (p50, p99, max) = self.summary();
        format!("p50 {}  p99 {}  max {}", show(p50), show(p99), show(max))
    }
}

pub fn show(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_string(), |x| format!("{x:.1} ms"))
}

pub fn max_of(v: &[Option<f64>]) -> Option<f64> {
    v.iter().flatten().copied().reduce(f64::max)
}

pub fn list(v: &[Option<f64>]) -> String {
    v.iter()
        .map(|x| x.map_or_else(|| "-".into(), |x| format!("{x:.1}")))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub fn percentiles_are_nearest_rank() {
        let v: Vec<u64> = (1..=100).map(|x| x * 1_000_000).collect();
        assert_eq!(pct(&v, 0.5), Some(50.0));
        assert_eq!(pct(&v, 0.99), Some(99.0));
        assert_eq!(pct(&[], 0.5), None);
    }
}
