//! Then & now questions: a yearbook face and four of today's pictures (or
//! today's picture and four yearbook faces). Pure: who has a today's photo
//! comes in as a list, the RNG is passed in.

use rand::seq::SliceRandom;
use rand::{Rng, RngExt};

use super::question::{MIN_GROUP_OTHERS, Pool, Question};

/// A then & now game needs this many people with a claim and a today's
/// photo: one question shows four different faces.
pub const MIN_THEN_NOW_PEOPLE: usize = 4;

/// Why a then & now question cannot be drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ThenNowError {
    /// Fewer than [`MIN_THEN_NOW_PEOPLE`] classmates can be asked; `have`
    /// is how many can, for the host's sentence.
    #[error(
        "Then & now needs at least four classmates who said who they are and added today's photo; {have} so far."
    )]
    TooFewPeople { have: usize },
    /// Everyone with a today's photo was already asked in this game.
    #[error("Everyone with a today's photo has already been asked in this game.")]
    Exhausted,
    /// The organiser switched then & now off for this room's event.
    #[error("Then & now is switched off for this event: choose another mode.")]
    Off,
}

impl ThenNowError {
    /// The refusal's machine code (docs/protocol.md, refusals).
    pub fn code(&self) -> &'static str {
        match self {
            ThenNowError::TooFewPeople { .. } => "too_few_today_photos",
            ThenNowError::Exhausted => "then_now_exhausted",
            ThenNowError::Off => "then_now_off",
        }
    }

    /// Every refusal (any count), for the catalogue tests.
    pub const ALL: [ThenNowError; 3] = [
        ThenNowError::TooFewPeople { have: 0 },
        ThenNowError::Exhausted,
        ThenNowError::Off,
    ];

    /// The message key in the locales' `errors.ftl`; the English there is
    /// this `Display`, which HTTP clients read.
    pub fn key(&self) -> &'static str {
        match self {
            ThenNowError::TooFewPeople { .. } => "error-then-now-too-few",
            ThenNowError::Exhausted => "error-then-now-exhausted",
            ThenNowError::Off => "error-then-now-off-mode",
        }
    }

    /// The numbers the message says, by their catalogue variable names.
    pub fn args(&self) -> Vec<(&'static str, u64)> {
        match self {
            ThenNowError::TooFewPeople { have } => vec![("have", *have as u64)],
            ThenNowError::Exhausted | ThenNowError::Off => Vec::new(),
        }
    }
}

/// The people a then & now question may show: claimed by a guest, with a
/// today's photo the host has not hidden (`faces`, person ids), alive and
/// not left out of the pool. Sorted, each once.
pub fn then_now_people(pool: &Pool, faces: &[usize]) -> Vec<usize> {
    let mut people: Vec<usize> = faces
        .iter()
        .copied()
        .filter(|&p| pool.claimable(p))
        .collect();
    people.sort_unstable();
    people.dedup();
    people
}

/// Whether a game with then & now rounds may start: `Ok` with how many
/// people can be asked, or the refusal the host sees.
pub fn then_now_ready(pool: &Pool, faces: &[usize]) -> Result<usize, ThenNowError> {
    let have = then_now_people(pool, faces).len();
    if have < MIN_THEN_NOW_PEOPLE {
        return Err(ThenNowError::TooFewPeople { have });
    }
    Ok(have)
}

/// Draws a then & now question: a target among `faces` nobody asked in this
/// game yet (`asked_faces[p]`), so no face is the question twice, and three
/// distractors from the other people with a today's photo, of the target's
/// gender when at least [`MIN_GROUP_OTHERS`] of them share it. Every choice
/// shows photo 0 (the today's photo has one picture; the yearbook side uses
/// the person's default photo, chosen by the caller).
pub fn pick_then_now<R: Rng + ?Sized>(
    pool: &Pool,
    faces: &[usize],
    asked_faces: &[bool],
    rng: &mut R,
) -> Result<Question, ThenNowError> {
    let people = then_now_people(pool, faces);
    if people.len() < MIN_THEN_NOW_PEOPLE {
        return Err(ThenNowError::TooFewPeople { have: people.len() });
    }
    let fresh: Vec<usize> = people
        .iter()
        .copied()
        .filter(|&p| !asked_faces.get(p).copied().unwrap_or(false))
        .collect();
    if fresh.is_empty() {
        return Err(ThenNowError::Exhausted);
    }
    let target = fresh[rng.random_range(0..fresh.len())];
    let others: Vec<usize> = people.iter().copied().filter(|&p| p != target).collect();
    let group = pool.groups.get(target).copied().flatten();
    let same: Vec<usize> = others
        .iter()
        .copied()
        .filter(|&p| group.is_some() && pool.groups.get(p).copied().flatten() == group)
        .collect();
    let mut candidates = if same.len() >= MIN_GROUP_OTHERS {
        same
    } else {
        others
    };
    candidates.shuffle(rng);
    let answer = rng.random_range(0..4u8);
    let mut distractors = candidates.into_iter();
    let mut choices = [target; 4];
    for (i, slot) in choices.iter_mut().enumerate() {
        if i != answer as usize {
            *slot = distractors
                .next()
                .ok_or(ThenNowError::TooFewPeople { have: people.len() })?;
        }
    }
    Ok(Question {
        target,
        choices,
        answer,
        photos: [0; 4],
        today: None,
        mode: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn pool(groups: &[Option<u32>], memoriam: &[usize], excluded: &[usize]) -> Pool {
        Pool {
            groups: groups.to_vec(),
            in_memoriam: (0..groups.len()).map(|i| memoriam.contains(&i)).collect(),
            excluded: (0..groups.len()).map(|i| excluded.contains(&i)).collect(),
            ..Pool::default()
        }
    }

    #[test]
    fn fewer_than_four_faces_are_refused_with_the_count() {
        let p = pool(&[None; 6], &[4], &[5]);
        // Person 4 is in memoriam and 5 left out: only three count.
        let faces = [0, 1, 2, 4, 5, 2];
        let err = then_now_ready(&p, &faces).unwrap_err();
        assert_eq!(err, ThenNowError::TooFewPeople { have: 3 });
        assert_eq!(err.code(), "too_few_today_photos");
        assert!(err.to_string().contains("3 so far"), "{err}");
        let mut rng = StdRng::seed_from_u64(1);
        assert_eq!(
            pick_then_now(&p, &faces, &[], &mut rng),
            Err(ThenNowError::TooFewPeople { have: 3 })
        );
        assert_eq!(then_now_ready(&p, &[0, 1, 2, 3]), Ok(4));
    }

    #[test]
    fn only_people_with_a_face_are_shown_and_never_memoriam() {
        let p = pool(&[None; 10], &[3], &[]);
        let faces = [1, 3, 4, 6, 8, 9];
        let mut rng = StdRng::seed_from_u64(2);
        for _ in 0..300 {
            let q = pick_then_now(&p, &faces, &[], &mut rng).unwrap();
            assert_eq!(q.choices[q.answer as usize], q.target);
            for c in q.choices {
                assert!(faces.contains(&c) && c != 3, "{q:?}");
            }
        }
    }

    #[test]
    fn distractors_share_the_gender_when_three_others_do() {
        let groups = [Some(0), Some(0), Some(0), Some(0), Some(1), Some(1), None];
        let p = pool(&groups, &[], &[]);
        let faces: Vec<usize> = (0..7).collect();
        let mut rng = StdRng::seed_from_u64(3);
        let mut saw_mixed = false;
        for _ in 0..300 {
            let q = pick_then_now(&p, &faces, &[], &mut rng).unwrap();
            if groups[q.target] == Some(0) {
                assert!(q.choices.iter().all(|&c| groups[c] == Some(0)), "{q:?}");
            } else {
                // Group 1 has one other member: fall back to everyone.
                saw_mixed |= q.choices.iter().any(|&c| groups[c] != groups[q.target]);
            }
        }
        assert!(saw_mixed);
    }

    #[test]
    fn a_game_never_asks_the_same_face_twice() {
        let p = pool(&[None; 5], &[], &[]);
        let faces: Vec<usize> = (0..5).collect();
        let mut rng = StdRng::seed_from_u64(4);
        let mut asked = vec![false; 5];
        for _ in 0..5 {
            let q = pick_then_now(&p, &faces, &asked, &mut rng).unwrap();
            assert!(!asked[q.target], "{q:?} asked twice");
            asked[q.target] = true;
        }
        assert_eq!(
            pick_then_now(&p, &faces, &asked, &mut rng),
            Err(ThenNowError::Exhausted)
        );
    }

    proptest! {
        #[test]
        fn choices_are_four_distinct_faces(
            groups in proptest::collection::vec(proptest::option::of(0u32..3), 4..20),
            seed in any::<u64>(),
            face_mask in any::<u32>(),
        ) {
            let p = pool(&groups, &[], &[]);
            let faces: Vec<usize> = (0..groups.len()).filter(|i| face_mask >> i & 1 == 1).collect();
            let mut rng = StdRng::seed_from_u64(seed);
            match pick_then_now(&p, &faces, &[], &mut rng) {
                Ok(q) => {
                    let mut seen = q.choices.to_vec();
                    seen.sort_unstable();
                    seen.dedup();
                    prop_assert_eq!(seen.len(), 4);
                    prop_assert_eq!(q.choices[q.answer as usize], q.target);
                    prop_assert!(q.choices.iter().all(|c| faces.contains(c)));
                }
                Err(e) => prop_assert_eq!(e, ThenNowError::TooFewPeople { have: faces.len() }),
            }
        }
    }
}
