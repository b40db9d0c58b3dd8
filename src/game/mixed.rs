//! "Surprise me": a mixed game asks each round in a mode drawn for it.
//! Pure: what can be asked comes in as flags, the RNG is passed in.

use rand::{Rng, RngExt};

use super::round::Mode;

/// The mode of a mixed game's next round, each possible one as likely:
/// name→photo and photo→name while a yearbook face is left to ask
/// (`classic`), then→now and now→then while then & now can ask a fresh
/// face (`then_now`: at least four faces of today, one not asked yet).
/// `None` when nothing is left to ask.
pub fn draw_mode<R: Rng + ?Sized>(classic: bool, then_now: bool, rng: &mut R) -> Option<Mode> {
    let mut modes = Vec::with_capacity(4);
    if classic {
        modes.extend([Mode::NameToPhoto, Mode::PhotoToName]);
    }
    if then_now {
        modes.extend([Mode::ThenToNow, Mode::NowToThen]);
    }
    if modes.is_empty() {
        return None;
    }
    Some(modes[rng.random_range(0..modes.len())])
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn drawn(classic: bool, then_now: bool) -> Vec<Mode> {
        let mut rng = StdRng::seed_from_u64(7);
        (0..400)
            .filter_map(|_| draw_mode(classic, then_now, &mut rng))
            .collect()
    }

    #[test]
    fn without_then_now_only_the_yearbook_modes_are_drawn() {
        let modes = drawn(true, false);
        assert_eq!(modes.len(), 400);
        assert!(modes.contains(&Mode::NameToPhoto));
        assert!(modes.contains(&Mode::PhotoToName));
        assert!(modes.iter().all(|m| !m.is_then_now()));
    }

    #[test]
    fn with_then_now_all_four_modes_are_drawn() {
        let modes = drawn(true, true);
        for m in [
            Mode::NameToPhoto,
            Mode::PhotoToName,
            Mode::ThenToNow,
            Mode::NowToThen,
        ] {
            let n = modes.iter().filter(|&&x| x == m).count();
            // Each a quarter of 400; far from 0 and from all.
            assert!((50..150).contains(&n), "{m:?} drawn {n} times");
        }
        assert!(!modes.contains(&Mode::Mixed));
    }

    #[test]
    fn only_then_now_left_draws_then_now_and_nothing_left_draws_none() {
        assert!(drawn(false, true).iter().all(|m| m.is_then_now()));
        assert!(drawn(false, false).is_empty());
    }
}
