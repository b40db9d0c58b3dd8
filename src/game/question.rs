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
    /// People never asked nor shown as distractors: left out by the
    /// organiser, deleted (kept so stored questions still point at the
    /// same people), or without a photo. Shorter than the pool: the rest
    /// are in.
    pub excluded: Vec<bool>,
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
        (include_memoriam || !self.in_memoriam[p])
            && !self.excluded.get(p).copied().unwrap_or(false)
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

fn eligible(pool: &Pool, include_memoriam: bool) -> Vec<usize> {
    (0..pool.len())
        .filter(|&p| pool.eligible(p, include_memoriam))
        .collect()
}

/// Who the next question's person is drawn from, each as likely: the
/// eligible not in `asked`, or all of them once everyone was asked.
fn targets(eligible: &[usize], asked: &[bool]) -> Vec<usize> {
    let fresh: Vec<usize> = eligible
        .iter()
        .copied()
        .filter(|&p| !asked.get(p).copied().unwrap_or(false))
        .collect();
    if fresh.is_empty() {
        eligible.to_vec()
    } else {
        fresh
    }
}

/// The four people whose photos phones fetch before a photo→name question
/// starts: its `target` and three decoys drawn evenly from the people the
/// target itself was drawn from ([`pick_question`] with the same `asked`),
/// shuffled. Every one of the four is then as likely to be the prompt (see
/// docs/protocol.md, "Preload"). `None` when fewer than four people could
/// have been the target: the prompt would stand out.
pub fn prompt_among_decoys<R: Rng + ?Sized>(
    pool: &Pool,
    asked: &[bool],
    include_memoriam: bool,
    target: usize,
    rng: &mut R,
) -> Option<[usize; 4]> {
    let targets = targets(&eligible(pool, include_memoriam), asked);
    if targets.len() < 4 || !targets.contains(&target) {
        return None;
    }
    let mut others: Vec<usize> = targets.into_iter().filter(|&p| p != target).collect();
    others.shuffle(rng);
    let mut lineup = [target; 4];
    lineup[1..].copy_from_slice(&others[..3]);
    lineup.shuffle(rng);
    Some(lineup)
}

/// A name→photo question's four photos in an order of their own, drawn
/// apart from the choices' order: the same set the question shows, so it
/// tells nothing the question does not, and its order not the answer's place.
pub fn shuffled_choices<R: Rng + ?Sized>(question: &Question, rng: &mut R) -> [usize; 4] {
    let mut lineup = question.choices;
    lineup.shuffle(rng);
    lineup
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
    let eligible = eligible(pool, include_memoriam);
    if eligible.len() < 4 {
        return None;
    }
    let targets = targets(&eligible, asked);
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
            excluded: Vec::new(),
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

    /// Over many draws, how often each person was in the preloaded four
    /// and how often of those the prompt: `(in, prompt)` per person.
    fn lineup_odds(p: &Pool, asked: &[bool], draws: usize) -> Vec<(u32, u32)> {
        let mut rng = StdRng::seed_from_u64(11);
        let mut odds = vec![(0, 0); p.len()];
        for _ in 0..draws {
            let q = pick_question(p, asked, true, &mut rng).unwrap();
            let lineup = prompt_among_decoys(p, asked, true, q.target, &mut rng).unwrap();
            let mut distinct = lineup.to_vec();
            distinct.sort();
            distinct.dedup();
            assert_eq!(distinct.len(), 4, "{lineup:?}");
            assert!(lineup.contains(&q.target), "{lineup:?} without {q:?}");
            for person in lineup {
                assert!(
                    !asked.get(person).copied().unwrap_or(false),
                    "{person} was asked"
                );
                odds[person].0 += 1;
                odds[person].1 += u32::from(person == q.target);
            }
        }
        odds
    }

    #[test]
    fn each_of_the_four_preloaded_faces_is_as_likely_the_prompt() {
        // Genders of very different sizes: decoys matched by gender, with a
        // fallback for the small group, would give its members away.
        let mut groups = vec![Some(0); 7];
        groups.extend([Some(1), Some(1), None]);
        let p = pool(&groups, &[]);
        let mut asked = vec![false; p.len()];
        asked[3] = true; // asked before: never in the lineup
        for (person, &(seen, prompt)) in lineup_odds(&p, &asked, 40_000).iter().enumerate() {
            if person == 3 {
                assert_eq!(seen, 0);
                continue;
            }
            let share = f64::from(prompt) / f64::from(seen);
            assert!(
                (share - 0.25).abs() < 0.02,
                "person {person}: {prompt} of {seen}"
            );
        }
    }

    #[test]
    fn the_prompt_is_at_each_place_of_the_lineup_as_often() {
        let p = pool(&[None; 8], &[]);
        let mut rng = StdRng::seed_from_u64(4);
        let mut at = [0u32; 4];
        for _ in 0..4000 {
            let q = pick_question(&p, &[], true, &mut rng).unwrap();
            let lineup = prompt_among_decoys(&p, &[], true, q.target, &mut rng).unwrap();
            at[lineup.iter().position(|&x| x == q.target).unwrap()] += 1;
            let shuffled = shuffled_choices(&q, &mut rng);
            let (mut a, mut b) = (shuffled, q.choices);
            a.sort();
            b.sort();
            assert_eq!(a, b, "the name→photo lineup is the choices");
        }
        assert!(at.iter().all(|&c| c > 850), "{at:?}");
    }

    #[test]
    fn no_lineup_when_fewer_than_four_could_be_the_prompt() {
        let p = pool(&[None; 6], &[]);
        let mut rng = StdRng::seed_from_u64(8);
        // Three left to ask: the prompt is one of them, decoys would be
        // people already asked, known not to be it.
        let asked = [true, true, true, false, false, false];
        let q = pick_question(&p, &asked, true, &mut rng).unwrap();
        assert!(prompt_among_decoys(&p, &asked, true, q.target, &mut rng).is_none());
        // Everyone asked: a new cycle, everyone may be the prompt again.
        let q = pick_question(&p, &[true; 6], true, &mut rng).unwrap();
        assert!(prompt_among_decoys(&p, &[true; 6], true, q.target, &mut rng).is_some());
    }

    #[test]
    fn a_pool_counts_everyone_and_those_who_may_be_asked() {
        let p = pool(&[None, Some(0), Some(1)], &[1]);
        assert_eq!((p.len(), p.is_empty()), (3, false));
        assert_eq!(p.eligible_count(true), 3);
        assert_eq!(p.eligible_count(false), 2, "in memoriam left out");
        assert!(Pool::default().is_empty());
    }

    #[test]
    fn people_left_out_are_never_asked_nor_shown() {
        let mut p = pool(&[Some(0); 8], &[]);
        p.excluded = vec![false, true, false, true];
        assert_eq!(p.eligible_count(true), 6);
        let mut rng = StdRng::seed_from_u64(7);
        for _ in 0..200 {
            let q = pick_question(&p, &[false; 8], true, &mut rng).unwrap();
            assert!(!q.choices.contains(&1) && !q.choices.contains(&3), "{q:?}");
        }
        p.excluded = vec![true; 5];
        assert!(
            pick_question(&p, &[false; 8], true, &mut rng).is_none(),
            "3 left"
        );
    }
}
