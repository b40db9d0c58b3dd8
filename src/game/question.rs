//! Picking a question: the person to name, three fair distractors, shuffled
//! positions, and which of each person's photos the four faces are. Pure:
//! the RNG is passed in.

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
    /// The class's photo labels (`1983`, `1986`, `25th reunion`), each
    /// once, in ascending order; empty when no photo has a label.
    pub labels: Vec<String>,
    /// Per person, each photo's label as an index into `labels` (photo 0
    /// first). A person missing here has one unlabelled photo.
    pub photos: Vec<Vec<Option<u32>>>,
    /// People never asked nor shown as distractors: left out by the
    /// organiser, deleted (kept so stored questions still point at the
    /// same people), or without a photo. Shorter than the pool: the rest
    /// are in.
    pub excluded: Vec<bool>,
}

/// Which people and photos a room asks from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ask {
    pub include_memoriam: bool,
    /// Indices into [`Pool::labels`]; empty = each person's newest
    /// yearbook photo ([`Pool::default_photo`]).
    pub labels: Vec<u32>,
}

impl Ask {
    /// Everyone (or everyone alive), each at their default photo.
    pub fn everyone(include_memoriam: bool) -> Self {
        Self {
            include_memoriam,
            labels: Vec::new(),
        }
    }
}

/// A person's one photo when the pool has no photo list for them.
const ONE_UNLABELLED: &[Option<u32>] = &[None];

impl Pool {
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Each photo's label of person `p`.
    pub fn photos_of(&self, p: usize) -> &[Option<u32>] {
        match self.photos.get(p) {
            Some(photos) if !photos.is_empty() => photos,
            _ => ONE_UNLABELLED,
        }
    }

    /// The label index of `name` (labels compare with runs of spaces
    /// folded, ignoring case).
    pub fn label_index(&self, name: &str) -> Option<u32> {
        let key = |l: &str| {
            l.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        };
        let want = key(name);
        self.labels
            .iter()
            .position(|l| key(l) == want)
            .map(|i| i as u32)
    }

    /// Person `p`'s newest yearbook photo: the one whose label is the
    /// greatest year (four digits), else their first photo.
    pub fn default_photo(&self, p: usize) -> u16 {
        let is_year = |l: &String| l.len() == 4 && l.bytes().all(|b| b.is_ascii_digit());
        self.photos_of(p)
            .iter()
            .enumerate()
            .filter_map(|(i, l)| {
                let label = self.labels.get((*l)? as usize)?;
                is_year(label).then_some((label, i))
            })
            .max()
            .map_or(0, |(_, i)| i as u16)
    }

    /// The photos of `p` a room with `ask` may show (none: `p` is not asked).
    pub fn allowed_photos(&self, p: usize, ask: &Ask) -> Vec<u16> {
        if !self.eligible(p, ask.include_memoriam) {
            return Vec::new();
        }
        if ask.labels.is_empty() {
            return vec![self.default_photo(p)];
        }
        self.photos_of(p)
            .iter()
            .enumerate()
            .filter(|(_, l)| l.is_some_and(|l| ask.labels.contains(&l)))
            .map(|(i, _)| i as u16)
            .collect()
    }

    /// Whether a guest may say they are person `p`: somebody in the class,
    /// alive, whom games may ask.
    pub fn claimable(&self, p: usize) -> bool {
        p < self.len()
            && self.in_memoriam.get(p) == Some(&false)
            && !self.excluded.get(p).copied().unwrap_or(false)
    }

    /// Whether person `p` may appear in a game with this memoriam setting.
    pub fn eligible(&self, p: usize, include_memoriam: bool) -> bool {
        (include_memoriam || !self.in_memoriam[p])
            && !self.excluded.get(p).copied().unwrap_or(false)
    }

    /// Whether person `p` may appear in a game that asks `ask`.
    pub fn eligible_for(&self, p: usize, ask: &Ask) -> bool {
        !self.allowed_photos(p, ask).is_empty()
    }

    pub fn eligible_count(&self, include_memoriam: bool) -> usize {
        self.eligible_count_for(&Ask::everyone(include_memoriam))
    }

    pub fn eligible_count_for(&self, ask: &Ask) -> usize {
        (0..self.len())
            .filter(|&p| self.eligible_for(p, ask))
            .count()
    }

    /// Person `p`'s photo labelled `label`, if they have one.
    fn photo_labelled(&self, p: usize, label: Option<u32>) -> Option<u16> {
        label?;
        self.photos_of(p)
            .iter()
            .position(|l| *l == label)
            .map(|i| i as u16)
    }

    /// The label of photo `photo` of `p`.
    pub fn label_of(&self, p: usize, photo: u16) -> Option<u32> {
        self.photos_of(p).get(photo as usize).copied().flatten()
    }
}

/// One question: `choices[answer] == target`; `photos[i]` is which photo
/// of `choices[i]` it shows (0 = the first or only one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub target: usize,
    pub choices: [usize; 4],
    pub answer: u8,
    /// Absent in questions stored before people had several photos.
    #[serde(default, skip_serializing_if = "all_first")]
    pub photos: [u16; 4],
    /// Then & now questions only: the random name of each choice's photo
    /// of today (`today[answer]` is the person asked about's), kept with
    /// the question so a restart shows the very same pictures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub today: Option<[String; 4]>,
    /// A mixed game's drawn mode for this question (absent otherwise: the
    /// game's own mode), kept in the event so a restart replays it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<super::round::Mode>,
}

fn all_first(photos: &[u16; 4]) -> bool {
    photos.iter().all(|&p| p == 0)
}

impl Question {
    /// The photo of the person asked about.
    pub fn target_photo(&self) -> u16 {
        self.photos[self.answer as usize]
    }
}

fn eligible(pool: &Pool, ask: &Ask) -> Vec<usize> {
    (0..pool.len())
        .filter(|&p| pool.eligible_for(p, ask))
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

/// One of the photos `ask` allows of `p`, each as likely.
fn any_allowed<R: Rng + ?Sized>(pool: &Pool, p: usize, ask: &Ask, rng: &mut R) -> u16 {
    let allowed = pool.allowed_photos(p, ask);
    match allowed.as_slice() {
        [] => 0,
        [only] => *only,
        _ => allowed[rng.random_range(0..allowed.len())],
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
    let question = Question {
        target,
        choices: [target; 4],
        answer: 0,
        photos: [0; 4],
        today: None,
        mode: None,
    };
    let lineup = preload_lineup(
        pool,
        asked,
        &Ask::everyone(include_memoriam),
        &question,
        rng,
    )?;
    Some(lineup.map(|(p, _)| p))
}

/// [`prompt_among_decoys`] with the photos: the prompt at the photo the
/// question shows, each decoy at a photo drawn as the prompt's was, so no
/// photo's label singles the prompt out.
pub fn preload_lineup<R: Rng + ?Sized>(
    pool: &Pool,
    asked: &[bool],
    ask: &Ask,
    question: &Question,
    rng: &mut R,
) -> Option<[(usize, u16); 4]> {
    let target = question.target;
    let targets = targets(&eligible(pool, ask), asked);
    if targets.len() < 4 || !targets.contains(&target) {
        return None;
    }
    let mut others: Vec<usize> = targets.into_iter().filter(|&p| p != target).collect();
    others.shuffle(rng);
    let mut lineup = [(target, question.target_photo()); 4];
    for (slot, &p) in lineup[1..].iter_mut().zip(&others[..3]) {
        *slot = (p, any_allowed(pool, p, ask, rng));
    }
    lineup.shuffle(rng);
    Some(lineup)
}

/// A name→photo question's four photos in an order of their own, drawn
/// apart from the choices' order: the same set the question shows, so it
/// tells nothing the question does not, and its order not the answer's place.
pub fn shuffled_choices<R: Rng + ?Sized>(question: &Question, rng: &mut R) -> [usize; 4] {
    shuffled_photos(question, rng).map(|(p, _)| p)
}

/// [`shuffled_choices`] with each choice's photo.
pub fn shuffled_photos<R: Rng + ?Sized>(question: &Question, rng: &mut R) -> [(usize, u16); 4] {
    let mut lineup = [(0, 0); 4];
    for (i, slot) in lineup.iter_mut().enumerate() {
        *slot = (question.choices[i], question.photos[i]);
    }
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
    pick_question_for(pool, asked, &Ask::everyone(include_memoriam), rng)
}

/// [`pick_question`] for a room that asks `ask`: the target at one of its
/// allowed photos, and distractors who have a photo with the same label
/// (shown at that photo) when three do, so the four faces come from one
/// yearbook. Gender comes first: same label and gender, then same gender,
/// then same label, then anyone eligible.
pub fn pick_question_for<R: Rng + ?Sized>(
    pool: &Pool,
    asked: &[bool],
    ask: &Ask,
    rng: &mut R,
) -> Option<Question> {
    let eligible = eligible(pool, ask);
    if eligible.len() < 4 {
        return None;
    }
    let targets = targets(&eligible, asked);
    let target = targets[rng.random_range(0..targets.len())];
    let target_photo = any_allowed(pool, target, ask, rng);
    let label = pool.label_of(target, target_photo);

    let others: Vec<usize> = eligible.iter().copied().filter(|&p| p != target).collect();
    // The label's photo is shown even when it is not the person's default:
    // one yearbook for all four faces is what keeps them fair.
    let labelled = |p: &usize| pool.photo_labelled(*p, label).is_some();
    let gendered = |p: &usize| pool.groups[target].is_some_and(|g| pool.groups[*p] == Some(g));
    let tiers: [Vec<usize>; 3] = [
        others
            .iter()
            .copied()
            .filter(|p| labelled(p) && gendered(p))
            .collect(),
        others.iter().copied().filter(gendered).collect(),
        others.iter().copied().filter(labelled).collect(),
    ];
    let mut candidates = tiers
        .into_iter()
        .find(|t| t.len() >= MIN_GROUP_OTHERS)
        .unwrap_or(others);
    candidates.shuffle(rng);
    let answer = rng.random_range(0..4u8);
    let mut distractors = candidates.into_iter().take(3);
    let mut choices = [target; 4];
    let mut photos = [target_photo; 4];
    for (i, (slot, photo)) in choices.iter_mut().zip(photos.iter_mut()).enumerate() {
        if i != answer as usize {
            let p = distractors.next()?;
            *slot = p;
            *photo = pool
                .photo_labelled(p, label)
                .unwrap_or_else(|| any_allowed(pool, p, ask, rng));
        }
    }
    Some(Question {
        target,
        choices,
        answer,
        photos,
        today: None,
        mode: None,
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
            ..Pool::default()
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

#[cfg(test)]
mod label_tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    /// Twelve people, half F and half M; labels 0 = "1983", 1 = "1986",
    /// 2 = "25th reunion". People 0..8 have 1983 and 1986, 8..10 only
    /// 1986, 10 only 1983 and 11 only a reunion photo.
    fn class() -> Pool {
        let photos = (0..12)
            .map(|p| match p {
                0..8 => vec![Some(0), Some(1)],
                8 | 9 => vec![Some(1)],
                10 => vec![Some(0)],
                _ => vec![Some(2)],
            })
            .collect();
        Pool {
            groups: (0..12).map(|p| Some(p % 2)).collect(),
            in_memoriam: vec![false; 12],
            labels: vec!["1983".into(), "1986".into(), "25th reunion".into()],
            photos,
            ..Pool::default()
        }
    }

    #[test]
    fn the_default_photo_is_the_newest_year_else_the_first() {
        let p = class();
        assert_eq!(p.default_photo(0), 1, "1986 over 1983");
        assert_eq!(p.default_photo(10), 0);
        assert_eq!(p.default_photo(11), 0, "a reunion photo alone");
        assert_eq!(p.label_index(" 25TH  reunion"), Some(2));
        assert_eq!(p.label_index("1999"), None);
        let unlabelled = Pool {
            groups: vec![None; 2],
            in_memoriam: vec![false; 2],
            ..Pool::default()
        };
        assert_eq!(unlabelled.default_photo(1), 0);
        assert_eq!(unlabelled.photos_of(1), [None]);
    }

    #[test]
    fn a_chosen_label_shows_that_labels_photo_of_all_four() {
        let p = class();
        let ask = Ask {
            include_memoriam: true,
            labels: vec![0],
        };
        assert_eq!(p.eligible_count_for(&ask), 9, "the eight and person 10");
        let mut rng = StdRng::seed_from_u64(1);
        for _ in 0..500 {
            let q = pick_question_for(&p, &[], &ask, &mut rng).unwrap();
            for (c, photo) in q.choices.iter().zip(q.photos) {
                assert_eq!(p.label_of(*c, photo), Some(0), "{q:?}");
            }
            let mut distinct = q.choices.to_vec();
            distinct.sort();
            distinct.dedup();
            assert_eq!(distinct.len(), 4);
        }
    }

    #[test]
    fn by_default_all_four_share_the_targets_label_and_gender_when_they_can() {
        let p = class();
        let ask = Ask::everyone(true);
        let mut rng = StdRng::seed_from_u64(2);
        let mut targets_shown = std::collections::HashSet::new();
        for _ in 0..2_000 {
            let q = pick_question_for(&p, &[], &ask, &mut rng).unwrap();
            let target_photo = q.target_photo();
            assert_eq!(target_photo, p.default_photo(q.target), "{q:?}");
            targets_shown.insert(q.target);
            let label = p.label_of(q.target, target_photo);
            let group = p.groups[q.target];
            // Four or more of the target's gender with its label: all match.
            let peers = (0..12)
                .filter(|&o| o != q.target && p.groups[o] == group)
                .filter(|&o| p.photos_of(o).contains(&label))
                .count();
            for (c, photo) in q.choices.iter().zip(q.photos) {
                assert_eq!(p.groups[*c], group, "{q:?}");
                if peers >= MIN_GROUP_OTHERS {
                    assert_eq!(p.label_of(*c, photo), label, "{q:?}");
                }
            }
        }
        assert_eq!(targets_shown.len(), 12, "everyone is asked");
    }

    #[test]
    fn each_person_is_asked_once_a_cycle_whatever_the_labels() {
        let p = class();
        let ask = Ask {
            include_memoriam: true,
            labels: vec![0, 1],
        };
        let mut rng = StdRng::seed_from_u64(3);
        let mut asked = vec![false; 12];
        let mut shown = std::collections::HashSet::new();
        for _ in 0..11 {
            let q = pick_question_for(&p, &asked, &ask, &mut rng).unwrap();
            assert!(!asked[q.target], "{q:?}");
            asked[q.target] = true;
            shown.insert((q.target, q.target_photo()));
        }
        assert!(!asked[11], "person 11 has neither label");
        assert!(shown.iter().any(|&(t, ph)| p.label_of(t, ph) == Some(0)));
        assert!(shown.iter().any(|&(t, ph)| p.label_of(t, ph) == Some(1)));
    }

    #[test]
    fn preloaded_decoys_come_at_an_allowed_photo() {
        let p = class();
        let ask = Ask {
            include_memoriam: true,
            labels: vec![1],
        };
        let mut rng = StdRng::seed_from_u64(4);
        for _ in 0..300 {
            let q = pick_question_for(&p, &[], &ask, &mut rng).unwrap();
            let lineup = preload_lineup(&p, &[], &ask, &q, &mut rng).unwrap();
            assert!(lineup.contains(&(q.target, q.target_photo())));
            for (person, photo) in lineup {
                assert_eq!(p.label_of(person, photo), Some(1), "{lineup:?}");
            }
        }
    }
}
