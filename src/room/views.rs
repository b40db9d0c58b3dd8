//! What a room's host screen and phones are sent (PROTOCOL §4), built as
//! JSON from the game and the class; pure, no I/O (pages are `crate::views`).

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use crate::delivery::fanout::Personal;
use crate::game::{Game, Millis, Mode, Phase, PlayerId, Question, Recognition, Settings};
use crate::protocol::{LeaderLine, PlayerView, YouFinal, YouReveal, error_json};
use crate::roster::Roster;
use crate::roster::urls::{PhotoScope, PhotoUrls};

/// In rooms larger than this, lobby updates come once a second, the host's
/// player list carries the newest [`LIST_NEWEST`] players, and phones get
/// the top [`PHONE_BOARD`] of the final leaderboard: a whole list per
/// message per phone would be quadratic.
pub(super) const BIG_ROOM: usize = 500;
const LIST_NEWEST: usize = 200;
const PHONE_BOARD: usize = 100;
/// What a host screen shows while the store cannot write.
const HOST_STORAGE_MESSAGE: &str = "The game cannot save to its disk right now. Nothing new is shown until it can: a round that ends waits for its reveal. Free some disk space; the game carries on by itself.";

/// The class as one room shows it: names from the roster, photos under
/// the room's own URLs.
pub(super) struct People<'a> {
    pub roster: &'a Roster,
    pub urls: &'a PhotoUrls,
    pub scope: &'a PhotoScope,
}

impl People<'_> {
    fn person_json(&self, person: usize) -> Value {
        let p = &self.roster.people[person];
        json!({"name": p.name, "known_as": p.known_as})
    }

    fn photo_json(&self, person: usize) -> Value {
        let (photo, thumb) = self.urls.pair(self.scope, person);
        json!({"photo": photo, "thumb": thumb})
    }

    /// The prompt and the four choices: nothing here tells which is right.
    fn question_fields(&self, mode: Mode, q: &Question) -> (Value, Value) {
        match mode {
            Mode::NameToPhoto => (
                self.person_json(q.target),
                q.choices.iter().map(|&c| self.photo_json(c)).collect(),
            ),
            Mode::PhotoToName => (
                self.photo_json(q.target),
                q.choices.iter().map(|&c| self.person_json(c)).collect(),
            ),
        }
    }
}

/// `round`: the open question, without its answer.
pub(super) fn round_json(people: &People, game: &Game, now: Millis) -> Value {
    let Some(round) = game.round() else {
        return json!({"type": "round"});
    };
    let mode = game.settings().mode;
    let (prompt, choices) = people.question_fields(mode, &round.question);
    json!({
        "type": "round",
        "round": round.number,
        "of": game.settings().rounds,
        "mode": mode.as_str(),
        "prompt": prompt,
        "choices": choices,
        "remaining_ms": round.deadline.saturating_sub(now),
        "seconds": round.limit_ms() / 1000,
    })
}

fn leaderboard_json(game: &Game, top: usize) -> Value {
    game.leaderboard()
        .into_iter()
        .take(top)
        .map(|(rank, p)| {
            json!(LeaderLine {
                rank,
                name: &p.name,
                score: p.score
            })
        })
        .collect()
}

fn reveal_message(people: &People, game: &Game) -> Value {
    let Some(round) = game.round() else {
        return json!({"type": "reveal"});
    };
    let q = &round.question;
    let person = &people.roster.people[q.target];
    let (prompt, choices) = people.question_fields(game.settings().mode, q);
    json!({
        "type": "reveal",
        "round": round.number,
        "answer": q.answer,
        "counts": round.counts(),
        "leaderboard": leaderboard_json(game, 10),
        "in_memoriam": person.in_memoriam,
        "name": person.name,
        "known_as": person.known_as,
        "prompt": prompt,
        "choices": choices,
        "mode": game.settings().mode.as_str(),
        "players_voting": round.votes.len()
            + game
                .players()
                .filter(|p| p.connected && !round.votes.contains_key(&p.id))
                .count(),
    })
}

fn yours_reveal(game: &Game) -> HashMap<PlayerId, YouReveal> {
    let Some(round) = game.round() else {
        return HashMap::new();
    };
    game.leaderboard()
        .into_iter()
        .map(|(rank, p)| {
            let vote = round.votes.get(&p.id);
            let you = YouReveal {
                choice: vote.map(|v| v.choice),
                correct: vote.is_some_and(|v| v.choice == round.question.answer),
                points: vote.map_or(0, |v| round.points_for(v)),
                score: p.score,
                rank,
            };
            (p.id, you)
        })
        .collect()
}

/// `reveal`: one shared part, and each phone's own result.
pub(super) fn reveal_personal(people: &People, game: &Game) -> Personal {
    let text = reveal_message(people, game).to_string();
    Personal::new(text.clone(), &text, yours_reveal(game))
}

fn stats_json(people: &People, game: &Game) -> Value {
    let describe = |r: Recognition| {
        let mut v = people.person_json(r.person);
        let (photo, thumb) = people.urls.pair(people.scope, r.person);
        if let Some(o) = v.as_object_mut() {
            o.insert("photo".into(), json!(photo));
            o.insert("thumb".into(), json!(thumb));
            o.insert("correct".into(), json!(r.correct));
            o.insert("answered".into(), json!(r.answered));
        }
        v
    };
    match game.recognition_extremes() {
        Some((most, least)) => json!({
            "most_recognized": describe(most),
            "least_recognized": least.map(describe),
        }),
        None => json!({"most_recognized": null, "least_recognized": null}),
    }
}

/// `game_over`: the host's whole board; a big room's phones get its top
/// and each their own rank.
pub(super) fn game_over_personal(people: &People, game: &Game) -> Personal {
    let stats = stats_json(people, game);
    let count = game.player_count();
    let host = json!({
        "type": "game_over",
        "leaderboard": leaderboard_json(game, usize::MAX),
        "stats": stats,
    });
    let phone = if count > BIG_ROOM {
        json!({
            "type": "game_over",
            "leaderboard": leaderboard_json(game, PHONE_BOARD),
            "leaderboard_size": count,
            "stats": stats,
        })
    } else {
        host.clone()
    };
    let yours = game
        .leaderboard()
        .into_iter()
        .map(|(rank, p)| {
            (
                p.id,
                YouFinal {
                    score: p.score,
                    rank,
                },
            )
        })
        .collect();
    Personal::new(phone.to_string(), &host.to_string(), yours)
}

/// The whole current view (PROTOCOL §4 `state`) of room `code`: `player` is
/// `None` for the host. During a question it carries no answer, like `round`.
pub(super) fn state_json(
    people: &People,
    code: &str,
    game: &Game,
    player: Option<PlayerId>,
    now: Millis,
) -> String {
    let mut m = Map::new();
    m.insert("type".into(), json!("state"));
    m.insert("phase".into(), json!(game.phase().as_str()));
    m.insert("code".into(), json!(code));
    m.insert("round".into(), json!(game.round_number()));
    m.insert("of".into(), json!(game.settings().rounds));
    m.insert("settings".into(), settings_json(game.settings()));
    let mut you = Map::new();
    match player {
        None => {
            m.insert("players".into(), players_json(game));
            m.insert("count".into(), json!(game.player_count()));
        }
        Some(id) => {
            m.insert("count".into(), json!(game.player_count()));
            let rank = game.rank_of(id);
            if let Some(p) = game.player(id) {
                you.insert("player_id".into(), json!(id));
                you.insert("name".into(), json!(p.name));
                you.insert("score".into(), json!(p.score));
                you.insert("rank".into(), json!(rank));
            }
        }
    }
    let merge = |m: &mut Map<String, Value>, v: Value| {
        if let Value::Object(o) = v {
            for (k, v) in o {
                if k != "type" {
                    m.insert(k, v);
                }
            }
        }
    };
    match game.phase() {
        Phase::Lobby => {}
        Phase::Question => {
            merge(&mut m, round_json(people, game, now));
            let (answered, voting) = game.voting_status();
            match player {
                None => {
                    m.insert("answered".into(), json!(answered));
                    m.insert("players_voting".into(), json!(voting));
                }
                Some(id) => {
                    let voted = game
                        .round()
                        .and_then(|r| r.votes.get(&id))
                        .map(|v| v.choice);
                    m.insert("voted".into(), json!(voted));
                }
            }
        }
        Phase::Reveal => {
            merge(&mut m, reveal_message(people, game));
            if let (Some(id), Some(round)) = (player, game.round()) {
                let vote = round.votes.get(&id);
                you.insert("choice".into(), json!(vote.map(|v| v.choice)));
                you.insert(
                    "correct".into(),
                    json!(vote.is_some_and(|v| v.choice == round.question.answer)),
                );
                you.insert(
                    "points".into(),
                    json!(vote.map_or(0, |v| round.points_for(v))),
                );
            }
        }
        Phase::Over => {
            m.insert("leaderboard".into(), leaderboard_json(game, usize::MAX));
            m.insert("stats".into(), stats_json(people, game));
        }
    }
    if player.is_some() {
        m.insert("you".into(), Value::Object(you));
    }
    Value::Object(m).to_string()
}

/// `lobby` for host screens: the player list, count and settings.
pub(super) fn lobby_for_hosts(game: &Game) -> String {
    json!({
        "type": "lobby",
        "players": players_json(game),
        "count": game.player_count(),
        "settings": settings_json(game.settings()),
    })
    .to_string()
}

/// `lobby` for phones: the count, which a big room's phones see only while
/// waiting to start (`None` then).
pub(super) fn lobby_for_phones(game: &Game) -> Option<String> {
    let count = game.player_count();
    (game.phase() == Phase::Lobby || count <= BIG_ROOM)
        .then(|| json!({"type": "lobby", "count": count}).to_string())
}

/// `progress` for host screens: how many of the players have voted.
pub(super) fn progress_json(game: &Game) -> String {
    let (answered, players) = game.voting_status();
    json!({
        "type": "progress",
        "round": game.round_number(),
        "answered": answered,
        "players": players,
    })
    .to_string()
}

/// For host screens: `error` `storage_unavailable` when the store fails,
/// `storage` `ok` when it works again.
pub(super) fn storage_notice(ok: bool) -> String {
    if ok {
        json!({"type": "storage", "ok": true}).to_string()
    } else {
        error_json("storage_unavailable", HOST_STORAGE_MESSAGE)
    }
}

/// The host's player list: everyone, or in a big room the newest joiners.
fn players_json(game: &Game) -> Value {
    let skip = game
        .player_count()
        .saturating_sub(if game.player_count() > BIG_ROOM {
            LIST_NEWEST
        } else {
            usize::MAX
        });
    game.players()
        .skip(skip)
        .map(|p| {
            json!(PlayerView {
                id: p.id,
                name: &p.name,
                connected: p.connected,
                score: p.score,
            })
        })
        .collect()
}

pub fn settings_json(s: &Settings) -> Value {
    json!({
        "rounds": s.rounds,
        "seconds": s.seconds,
        "mode": s.mode.as_str(),
        "include_memoriam": s.include_memoriam,
        "profanity_filter": s.profanity_filter,
    })
}
