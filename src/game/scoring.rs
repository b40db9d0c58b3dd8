//! Points for a right answer, by speed.

/// `round(1000 × (1 − elapsed / limit / 2))`: 1000 at once, 500 at the buzzer.
/// Elapsed time is clamped to the limit, so a late-but-accepted vote still
/// earns 500.
pub fn points(elapsed_ms: u64, limit_ms: u64) -> u32 {
    if limit_ms == 0 {
        return 500;
    }
    // In integers: 1000 × (2 limit − elapsed) / (2 limit), halves rounded
    // up. Floating point put some exact halves (502.5) just below.
    let limit = u128::from(limit_ms);
    let elapsed = u128::from(elapsed_ms.min(limit_ms));
    ((2000 * (2 * limit - elapsed) + 2 * limit) / (4 * limit)) as u32
}

#[cfg(test)]
mod tests {
    use super::points;

    #[test]
    fn instant_answer_scores_1000() {
        assert_eq!(points(0, 20_000), 1000);
    }

    #[test]
    fn answer_at_half_time_scores_750() {
        assert_eq!(points(10_000, 20_000), 750);
    }

    #[test]
    fn answer_at_the_buzzer_scores_500() {
        assert_eq!(points(20_000, 20_000), 500);
        assert_eq!(points(25_000, 20_000), 500);
    }

    #[test]
    fn halves_round_up_exactly() {
        // 1000 × (1 − 1990/2000/2) = 502.5: in floating point 502.4999…
        assert_eq!(points(1_990, 2_000), 503);
        // 1000 × (1 − 10/2000/2) = 997.5
        assert_eq!(points(10, 2_000), 998);
    }

    #[test]
    fn points_round_to_nearest() {
        // 1000 × (1 − 1/3/2) = 833.33…
        assert_eq!(points(1_000, 3_000), 833);
        // 1000 × (1 − 1/6/2) = 916.66…
        assert_eq!(points(1_000, 6_000), 917);
    }
}
