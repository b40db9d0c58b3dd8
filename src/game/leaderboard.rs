//! Ranking: score first, then the smaller total answering time of right
//! answers; equal on both means the same rank.

use std::cmp::Ordering;

use super::PlayerId;

/// What ranking needs of a player.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub player: PlayerId,
    pub score: u32,
    pub correct_ms: u64,
}

fn order(a: &Standing, b: &Standing) -> Ordering {
    b.score
        .cmp(&a.score)
        .then(a.correct_ms.cmp(&b.correct_ms))
        .then(a.player.cmp(&b.player))
}

/// Sorts in place and returns the competition rank (1, 2, 2, 4…) of each
/// entry, in the sorted order.
pub fn rank(standings: &mut [Standing]) -> Vec<u32> {
    standings.sort_by(order);
    let mut ranks = Vec::with_capacity(standings.len());
    for i in 0..standings.len() {
        let tied_with_previous = i > 0
            && standings[i].score == standings[i - 1].score
            && standings[i].correct_ms == standings[i - 1].correct_ms;
        ranks.push(if tied_with_previous {
            ranks[i - 1]
        } else {
            i as u32 + 1
        });
    }
    ranks
}

/// For each rank of [`rank`]'s answer, how many other entries share it
/// (0 when none): "tied 5th with 15 others".
pub fn ties(ranks: &[u32]) -> Vec<u32> {
    // Ranks come sorted, so entries sharing one are next to each other.
    let mut out = Vec::with_capacity(ranks.len());
    let mut start = 0;
    while start < ranks.len() {
        let end = start
            + ranks[start..]
                .iter()
                .take_while(|&&r| r == ranks[start])
                .count();
        out.extend(std::iter::repeat_n((end - start - 1) as u32, end - start));
        start = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(player: u32, score: u32, correct_ms: u64) -> Standing {
        Standing {
            player: PlayerId::new(player),
            score,
            correct_ms,
        }
    }

    #[test]
    fn higher_score_ranks_first() {
        let mut v = vec![s(1, 500, 0), s(2, 900, 9_000)];
        let r = rank(&mut v);
        assert_eq!(v[0].player.get(), 2);
        assert_eq!(r, vec![1, 2]);
    }

    #[test]
    fn equal_scores_rank_by_smaller_total_answer_time() {
        let mut v = vec![s(1, 1500, 8_000), s(2, 1500, 3_000), s(3, 100, 0)];
        let r = rank(&mut v);
        assert_eq!(
            v.iter().map(|x| x.player.get()).collect::<Vec<_>>(),
            vec![2, 1, 3]
        );
        assert_eq!(r, vec![1, 2, 3]);
    }

    #[test]
    fn full_ties_share_a_rank_and_skip_the_next() {
        let mut v = vec![s(3, 0, 0), s(1, 700, 100), s(2, 700, 100)];
        let r = rank(&mut v);
        assert_eq!(r, vec![1, 1, 3]);
    }

    #[test]
    fn ties_count_the_others_on_the_same_rank() {
        assert_eq!(ties(&[]), Vec::<u32>::new());
        assert_eq!(ties(&[1, 2, 3]), vec![0, 0, 0]);
        assert_eq!(ties(&[1, 1, 3, 4, 4, 4]), vec![1, 1, 0, 2, 2, 2]);
        let mut v: Vec<Standing> = (0..16).map(|i| s(i, 0, 0)).collect();
        v.extend([s(20, 900, 1), s(21, 800, 1), s(22, 700, 1), s(23, 600, 1)]);
        let r = rank(&mut v);
        assert_eq!(r[4], 5, "16 players on 0 points are 5th");
        assert_eq!(ties(&r)[4..], [15; 16], "each with 15 others");
    }

    #[test]
    fn the_same_answering_time_with_fewer_points_is_not_a_tie() {
        // One right answer in 3 s against two in 1 s and 2 s.
        let mut v = vec![s(1, 925, 3_000), s(2, 1850, 3_000)];
        let r = rank(&mut v);
        assert_eq!(v[0].player.get(), 2);
        assert_eq!(r, vec![1, 2]);
    }
}
