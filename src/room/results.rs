//! A game's results as `results.csv` (PROTOCOL §5): one row per player,
//! spreadsheet formulas defused.

use crate::game::Game;

/// `rank,name,score,correct,answered`, formula-looking cells defused.
pub(super) fn results_csv(game: &Game) -> String {
    let mut out = String::from("rank,name,score,correct,answered\n");
    for (rank, p) in game.leaderboard() {
        out.push_str(&format!(
            "{rank},{},{},{},{}\n",
            csv_cell(&p.name),
            p.score,
            p.correct,
            p.answered
        ));
    }
    out
}

/// CSV cell with spreadsheet formulas defused (PROTOCOL §5).
fn csv_cell(value: &str) -> String {
    let defused = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn formula_cells_get_a_leading_quote() {
        assert_eq!(csv_cell("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(csv_cell("@x"), "'@x");
        assert_eq!(csv_cell("-1"), "'-1");
        assert_eq!(csv_cell("Ann, Bob"), "\"Ann, Bob\"");
        assert_eq!(csv_cell("plain"), "plain");
    }
}
