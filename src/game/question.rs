//! Picking a question: the person to name, three fair distractors, shuffled
//! positions. Pure: the RNG is passed in.

use rand::seq::SliceRandom;
use rand::{Rng, RngExt};
use serde::{Deserialize, Serialize};

/// Distractors come from the target's gender group only when at least this
/// many *other* eligible people share the label.
pub const MIN_GROUP_OTHERS: usize = 3;

/// What the rules need to know about each classmate (index = person id).
#[derive(Debug, Clone, Default)]
pub struct Pool {
    /// Normalised gender label as a small group number; `None` = no grouping.
    pub groups: Vec<Option<u32>>,
    pub in_memoriam: Vec<bool>,
}

impl Pool {
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Whether person `p` may appear in a game with this memoriam setting.
    pub fn eligible(&self, p: usize, include_memoriam: bool) -> bool {
        include_memoriam || !self.in_memoriam[p]
    }

    pub fn eligible_count(&self, include_memoriam: bool) -> usize {
        (0..self.len())
            .filter(|&p| self.eligible(p, include_memoriam))
            .count()
    }
}

/// One question: `choices[answer] == target`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub target: usize,
    pub choices: [usize; 4],
    pub answer: u8,
}

/// Picks a target not in `asked` (or, once everyone eligible was asked, any
/// eligible person) and three distinct distractors. `None` when fewer than
/// four people are eligible.
pub fn pick_question<R: Rng + ?Sized>(
    pool: &Pool,
    asked: &[bool],
    include_memoriam: bool,
    rng: &mut R,
) -> Option<Question> {
    let eligible: Vec<usize> = (0..pool.len())
        .filter(|&p| pool.eligible(p, include_memoriam))
        .collect();
    if eligible.len() < 4 {
        return None;
    }
    let fresh: Vec<usize> = eligible
        .iter()
        .copied()
        .filter(|&p| !asked.get(p).copied().unwrap_or(false))
        .collect();
    let targets = if fresh.is_empty() { &eligible } else { &fresh };
    let target = targets[rng.random_range(0..targets.len())];

    let others: Vec<usize> = eligible.iter().copied().filter(|&p| p != target).collect();
    let same_group: Vec<usize> = match pool.groups[target] {
        Some(g) => others
            .iter()
            .copied()
            .filter(|&p| pool.groups[p] == Some(g))
            .collect(),
        None => Vec::new(),
    };
    let mut candidates = if same_group.len() >= MIN_GROUP_OTHERS {
        same_group
    } else {
        others
    };
    candidates.shuffle(rng);
    let answer = rng.random_range(0..4u8);
    let mut distractors = candidates.into_iter().take(3);
    let mut choices = [target; 4];
    for (i, slot) in choices.iter_mut().enumerate() {
        if i != answer as usize {
            *slot = distractors.next()?;
        }
    }
    Some(Question {
        target,
        choices,
        answer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn pool(groups: &[Option<u32>], memoriam: &[usize]) -> Pool {
        Pool {
            groups: groups.to_vec(),
            in_memoriam: (0..groups.len()).map(|i| memoriam.contains(&i)).collect(),
        }
    }

    #[test]
    fn distractors_share_the_target_group_when_three_others_do() {
        let p = pool(
            &[
                Some(0),
                Some(0),
                Some(0),
                Some(0),
                Some(1),
                Some(1),
                Some(1),
                Some(1),
                None,
            ],
            &[],
        );
        let mut rng = StdRng::seed_from_u64(7);
        for _ in 0..500 {
            let q = pick_question(&p, &[], true, &mut rng).unwrap();
            assert_eq!(q.choices[q.answer as usize], q.target);
            let mut seen = q.choices.to_vec();
            seen.sort();
            seen.dedup();
            assert_eq!(seen.len(), 4, "choices are distinct: {q:?}");
            if let Some(g) = p.groups[q.target] {
                assert!(q.choices.iter().all(|&c| p.groups[c] == Some(g)), "{q:?}");
            }
        }
    }

    #[test]
    fn small_group_falls_back_to_everyone() {
        // Group 1 has only two others besides the target: mixed distractors.
        let p = pool(
            &[
                Some(1),
                Some(1),
                Some(1),
                Some(0),
                Some(0),
                Some(0),
                Some(0),
            ],
            &[],
        );
        let mut rng = StdRng::seed_from_u64(1);
        let mut saw_mixed = false;
        for _ in 0..200 {
            let asked: Vec<bool> = (0..7).map(|i| i != 0).collect();
            let q = pick_question(&p, &asked, true, &mut rng).unwrap();
            assert_eq!(q.target, 0);
            saw_mixed |= q.choices.iter().any(|&c| p.groups[c] == Some(0));
        }
        assert!(saw_mixed);
    }

    #[test]
    fn nobody_is_asked_twice_until_everyone_was_asked() {
        let p = pool(&[Some(0); 10], &[]);
        let mut rng = StdRng::seed_from_u64(3);
        let mut asked = vec![false; 10];
        for _ in 0..10 {
            let q = pick_question(&p, &asked, true, &mut rng).unwrap();
            assert!(!asked[q.target]);
            asked[q.target] = true;
        }
        assert!(asked.iter().all(|&a| a));
        // Everyone asked: the picker still answers (the caller starts a new cycle).
        assert!(pick_question(&p, &asked, true, &mut rng).is_some());
    }

    #[test]
    fn memoriam_people_are_left_out_entirely_when_the_room_says_so() {
        let p = pool(&[Some(0); 6], &[2]);
        let mut rng = StdRng::seed_from_u64(9);
        for _ in 0..300 {
            let q = pick_question(&p, &[], false, &mut rng).unwrap();
            assert!(!q.choices.contains(&2), "{q:?}");
        }
        let mut included = false;
        for _ in 0..300 {
            let q = pick_question(&p, &[], true, &mut rng).unwrap();
            included |= q.choices.contains(&2);
        }
        assert!(included);
    }

    #[test]
    fn fewer_than_four_eligible_gives_no_question() {
        let p = pool(&[None, None, None, None], &[0]);
        let mut rng = StdRng::seed_from_u64(0);
        assert!(pick_question(&p, &[], false, &mut rng).is_none());
        assert!(pick_question(&p, &[], true, &mut rng).is_some());
    }

    /// A class like the demo: two big groups, a small one, some blanks.
    fn class() -> Pool {
        let mut groups = Vec::new();
        groups.extend(std::iter::repeat_n(Some(0), 23));
        groups.extend(std::iter::repeat_n(Some(1), 23));
        groups.extend(std::iter::repeat_n(Some(2), 2));
        groups.extend(std::iter::repeat_n(None, 2));
        pool(&groups, &[])
    }

    #[test]
    fn thousands_of_questions_keep_groups_no_repeats_and_even_distractors() {
        let p = class();
        let mut rng = StdRng::seed_from_u64(2024);
        let mut as_distractor = vec![0u32; p.len()];
        let mut asked = vec![false; p.len()];
        for i in 0..5_000 {
            if asked.iter().all(|&a| a) {
                asked.iter_mut().for_each(|a| *a = false);
            }
            let q = pick_question(&p, &asked, true, &mut rng).unwrap();
            assert!(
                !asked[q.target],
                "question {i} repeats {} within a cycle",
                q.target
            );
            asked[q.target] = true;
            let group = p.groups[q.target];
            let others_in_group = (0..p.len())
                .filter(|&o| o != q.target && group.is_some() && p.groups[o] == group)
                .count();
            for (slot, &c) in q.choices.iter().enumerate() {
                if slot == q.answer as usize {
                    continue;
                }
                as_distractor[c] += 1;
                if others_in_group >= MIN_GROUP_OTHERS {
                    assert_eq!(p.groups[c], group, "question {i}: {q:?}");
                }
            }
        }
        // Within each big group every member is a distractor about as often.
        for g in [0, 1] {
            let counts: Vec<u32> = (0..p.len())
                .filter(|&i| p.groups[i] == Some(g))
                .map(|i| as_distractor[i])
                .collect();
            let (min, max) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
            assert!(
                f64::from(*max) / f64::from(*min) < 1.4,
                "group {g}: {counts:?}"
            );
        }
    }

    #[test]
    fn answer_position_is_spread_over_all_four_slots() {
        let p = pool(&[None; 8], &[]);
        let mut rng = StdRng::seed_from_u64(5);
        let mut counts = [0u32; 4];
        for _ in 0..4000 {
            counts[pick_question(&p, &[], true, &mut rng).unwrap().answer as usize] += 1;
        }
        assert!(counts.iter().all(|&c| c > 850), "{counts:?}");
    }

    #[test]
    fn a_pool_counts_everyone_and_those_who_may_be_asked() {
        let p = pool(&[None, Some(0), Some(1)], &[1]);
        assert_eq!((p.len(), p.is_empty()), (3, false));
        assert_eq!(p.eligible_count(true), 3);
        assert_eq!(p.eligible_count(false), 2, "in memoriam left out");
        assert!(Pool::default().is_empty());
    }
}
