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
    fn the_same_answering_time_with_fewer_points_is_not_a_tie() {
        // One right answer in 3 s against two in 1 s and 2 s.
        let mut v = vec![s(1, 925, 3_000), s(2, 1850, 3_000)];
        let r = rank(&mut v);
        assert_eq!(v[0].player.get(), 2);
        assert_eq!(r, vec![1, 2]);
    }
}
