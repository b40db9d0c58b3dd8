//! What a room's host screen and phones are sent (PROTOCOL §4): typed
//! [`ServerMsg`]s built from the game and the class; pure, no I/O.

use std::sync::Arc;

use crate::game::Round as GameRound;
use crate::game::leaderboard;
use crate::game::{Ask, Game, Millis, Mode, Phase, Player, PlayerId, Question, Recognition};
use crate::protocol::{
    self as msg, AlsoPhoto, GameOver, KickedView, LeaderLine, Lobby, PersonalFrames,
};
use crate::protocol::{ClaimShown, Classmate, PlayerView, Timer};
use crate::protocol::{Progress, Recognized, Reveal, ServerMsg, Shown, State, StateYou, Stats};
use crate::protocol::{YouFinal, YouReveal};
use crate::roster::Roster;
use crate::roster::urls::{PhotoScope, PhotoUrls, Size};

/// In rooms larger than this, lobby updates come once a second, the host's
/// player list carries the newest [`LIST_NEWEST`] players, and phones get
/// the top [`PHONE_BOARD`] of the final leaderboard: a whole list per
/// message per phone would be quadratic.
pub(super) const BIG_ROOM: usize = 500;
const LIST_NEWEST: usize = 200;
const PHONE_BOARD: usize = 100;

/// The class as one room shows it: names from the roster, photos under
/// the room's own URLs.
pub(super) struct People<'a> {
    pub roster: &'a Roster,
    /// The class as it is now: a photo turned or replaced since the room
    /// began is sent at its new revision, so under a new URL.
    pub current: Arc<Roster>,
    /// Whose class (0: the built-in one), named in every photo URL.
    pub reunion: u32,
    pub urls: &'a PhotoUrls,
    pub scope: &'a PhotoScope,
}

impl People<'_> {
    /// Photo `which` of `person` with its current revision.
    fn revised(&self, person: usize, which: u16) -> (u16, u32) {
        let at = usize::from(which);
        let rev = self
            .current
            .photo_rev(person, at)
            .or_else(|| self.roster.photo_rev(person, at))
            .unwrap_or(0);
        (which, rev)
    }

    fn pair(&self, person: usize, which: u16) -> (String, String) {
        self.urls.photo_pair(
            self.scope,
            self.reunion,
            person,
            self.revised(person, which),
        )
    }

    fn person(&self, person: usize) -> Shown {
        let p = &self.roster.people[person];
        Shown::Person {
            name: p.name.clone(),
            known_as: p.known_as.clone(),
        }
    }

    fn photo(&self, person: usize, which: u16) -> Shown {
        let (photo, thumb) = self.pair(person, which);
        Shown::Photo { photo, thumb }
    }

    /// Choice `i`'s photo of today (then & now), by the random name the
    /// question keeps; its yearbook photo for a question without one.
    fn today(&self, q: &Question, i: usize) -> Shown {
        match q.today.as_ref().and_then(|t| t.get(i)) {
            Some(file) => {
                let (photo, thumb) = crate::thennow::urls(self.urls.base(), file);
                Shown::Photo { photo, thumb }
            }
            None => self.photo(q.choices[i], q.photos[i]),
        }
    }

    /// The prompt and the four choices: nothing here tells which is right.
    fn question_fields(&self, mode: Mode, q: &Question) -> (Shown, Vec<Shown>) {
        match mode {
            Mode::ThenToNow => (
                self.photo(q.target, q.target_photo()),
                (0..4).map(|i| self.today(q, i)).collect(),
            ),
            Mode::NowToThen => (
                self.today(q, usize::from(q.answer)),
                q.choices
                    .iter()
                    .zip(q.photos)
                    .map(|(&c, which)| self.photo(c, which))
                    .collect(),
            ),
            // A mixed game's questions carry their drawn mode: never this.
            Mode::NameToPhoto | Mode::Mixed => (
                self.person(q.target),
                q.choices
                    .iter()
                    .zip(q.photos)
                    .map(|(&c, which)| self.photo(c, which))
                    .collect(),
            ),
            Mode::PhotoToName => (
                self.photo(q.target, q.target_photo()),
                q.choices.iter().map(|&c| self.person(c)).collect(),
            ),
        }
    }

    /// The target's photos other than the one the question showed.
    fn also(&self, q: &Question) -> Vec<AlsoPhoto> {
        let Some(p) = self.roster.people.get(q.target) else {
            return Vec::new();
        };
        let shown = usize::from(q.target_photo());
        p.photos
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != shown)
            .filter_map(|(i, ph)| {
                let (photo, thumb) = self.pair(q.target, i as u16);
                Some(AlsoPhoto {
                    label: ph.label.clone()?,
                    photo,
                    thumb,
                })
            })
            .collect()
    }

    /// `ask`: the room's, so the card shows a photo from the game's yearbook.
    fn recognized(&self, r: Recognition, ask: &Ask) -> Recognized {
        let p = &self.roster.people[r.person];
        let pool = &self.roster.pool;
        let which = pool
            .allowed_photos(r.person, ask)
            .first()
            .copied()
            .unwrap_or_else(|| pool.default_photo(r.person));
        let (photo, thumb) = self.pair(r.person, which);
        Recognized {
            name: p.name.clone(),
            known_as: p.known_as.clone(),
            photo,
            thumb,
            correct: r.correct,
            answered: r.answered,
        }
    }
}

/// `round`: the open question, without its answer (`None` between rounds).
pub(super) fn round(people: &People, game: &Game, now: Millis) -> Option<ServerMsg> {
    round_payload(people, game, now).map(ServerMsg::Round)
}

fn round_payload(people: &People, game: &Game, now: Millis) -> Option<msg::Round> {
    let round = game.round()?;
    let mode = game.mode_of(&round.question);
    let (prompt, choices) = people.question_fields(mode, &round.question);
    Some(msg::Round {
        round: round.number,
        of: game.settings().rounds,
        mode,
        prompt,
        choices,
        remaining_ms: round.remaining_ms(now),
        seconds: round.limit_ms() / 1000,
    })
}

fn leaderboard(game: &Game, top: usize) -> Vec<LeaderLine> {
    game.leaderboard()
        .into_iter()
        .take(top)
        .map(|(rank, p)| LeaderLine {
            rank,
            name: p.name.clone(),
            score: p.score,
        })
        .collect()
}

/// The shared part of `reveal` (`None` between rounds).
fn reveal_shared(people: &People, game: &Game) -> Option<Reveal> {
    let round = game.round()?;
    let q = &round.question;
    let person = &people.roster.people[q.target];
    let mode = game.mode_of(q);
    let (prompt, choices) = people.question_fields(mode, q);
    Some(Reveal {
        round: round.number,
        answer: q.answer,
        counts: round.counts(),
        leaderboard: leaderboard(game, 10),
        in_memoriam: person.in_memoriam,
        name: person.name.clone(),
        known_as: person.known_as.clone(),
        prompt,
        choices,
        mode,
        players_voting: round.votes.len()
            + game
                .players()
                .filter(|p| p.connected && !round.votes.contains_key(&p.id) && !game.is_about(p.id))
                .count(),
        you: None,
        also: people.also(q),
    })
}

/// Every player ranked, with how many others share each one's rank.
fn standings(game: &Game) -> Vec<(u32, u32, &Player)> {
    let board = game.leaderboard();
    let ranks: Vec<u32> = board.iter().map(|(rank, _)| *rank).collect();
    board
        .into_iter()
        .zip(leaderboard::ties(&ranks))
        .map(|((rank, p), tied)| (rank, tied, p))
        .collect()
}

fn yours_reveal(game: &Game) -> Vec<(PlayerId, YouReveal)> {
    let Some(round) = game.round() else {
        return Vec::new();
    };
    standings(game)
        .into_iter()
        .map(|(rank, tied, p)| {
            let (choice, correct, points) = result_of(round, p.id);
            let you = YouReveal {
                choice,
                correct,
                points,
                score: p.score,
                rank,
                tied,
                streak: p.streak,
                its_you: game.is_about(p.id),
            };
            (p.id, you)
        })
        .collect()
}

/// A player's vote in `round` (if any), whether it was right, its points.
fn result_of(round: &GameRound, player: PlayerId) -> (Option<u8>, bool, u32) {
    let vote = round.votes.get(&player);
    (
        vote.map(|v| v.choice),
        vote.is_some_and(|v| v.choice == round.question.answer),
        vote.map_or(0, |v| round.points_for(v)),
    )
}

/// `reveal`: one shared part, and each phone's own result (`None` between
/// rounds).
pub(super) fn reveal_personal(people: &People, game: &Game) -> Option<PersonalFrames> {
    let shared = reveal_shared(people, game)?;
    Some(PersonalFrames::reveal(shared, yours_reveal(game)))
}

fn stats(people: &People, game: &Game) -> Stats {
    let ask = game.settings().ask(&people.roster.pool);
    match game.recognition_extremes() {
        Some((most, least)) => Stats {
            most_recognized: Some(people.recognized(most, &ask)),
            least_recognized: least.map(|r| people.recognized(r, &ask)),
        },
        None => Stats::default(),
    }
}

/// `game_over`: the host's whole board; a big room's phones get its top
/// and each their own rank.
pub(super) fn game_over_personal(people: &People, game: &Game) -> PersonalFrames {
    let stats = stats(people, game);
    let count = game.player_count();
    let host = GameOver {
        leaderboard: leaderboard(game, usize::MAX),
        leaderboard_size: None,
        stats: stats.clone(),
        you: None,
    };
    let phones = if count > BIG_ROOM {
        GameOver {
            leaderboard: leaderboard(game, PHONE_BOARD),
            leaderboard_size: Some(count),
            stats,
            you: None,
        }
    } else {
        host.clone()
    };
    let yours = standings(game).into_iter().map(|(rank, tied, p)| {
        (
            p.id,
            YouFinal {
                score: p.score,
                rank,
                tied,
                streak: p.streak,
            },
        )
    });
    PersonalFrames::game_over(phones, host, yours)
}

/// The whole current view (PROTOCOL §4 `state`) of room `code`: `player` is
/// `None` for the host. During a question it carries no answer, like `round`.
pub(super) fn state(
    people: &People,
    code: &str,
    game: &Game,
    player: Option<PlayerId>,
    now: Millis,
) -> ServerMsg {
    let mut s = State::base(
        game.phase(),
        code.to_string(),
        game.round_number(),
        game.settings().rounds,
        game.settings().clone(),
        game.player_count(),
    );
    let mut you = StateYou::default();
    match player {
        None => {
            s.players = Some(players(people, game));
            s.kicked = Some(kicked(game));
            let labels = &people.roster.pool.labels;
            s.labels = (labels.len() > 1).then(|| labels.clone());
        }
        Some(id) => {
            if let Some(p) = game.player(id) {
                you.player_id = Some(id);
                you.name = Some(p.name.clone());
                you.score = Some(p.score);
                you.rank = Some(game.rank_of(id));
                if matches!(game.phase(), Phase::Reveal | Phase::Over) {
                    you.tied = Some(game.tied_with(id));
                    you.streak = Some(p.streak);
                }
                you.claim = claim_shown(people, p);
                if matches!(game.phase(), Phase::Question | Phase::Reveal) {
                    you.its_you = Some(game.is_about(id));
                }
            }
        }
    }
    match game.phase() {
        Phase::Lobby => {}
        Phase::Question => {
            if let Some(r) = round_payload(people, game, now) {
                s.round = r.round;
                s.of = r.of;
                s.mode = Some(r.mode);
                s.prompt = Some(r.prompt);
                s.choices = Some(r.choices);
                s.remaining_ms = Some(r.remaining_ms);
                s.seconds = Some(r.seconds);
                s.paused = Some(game.is_paused());
            }
            let (answered, voting) = game.voting_status();
            match player {
                None => {
                    s.answered = Some(answered);
                    s.players_voting = Some(voting);
                }
                Some(id) => {
                    let voted = game
                        .round()
                        .and_then(|r| r.votes.get(&id))
                        .map(|v| v.choice);
                    s.voted = Some(voted);
                }
            }
        }
        Phase::Reveal => {
            if let Some(r) = reveal_shared(people, game) {
                s.round = r.round;
                s.answer = Some(r.answer);
                s.counts = Some(r.counts);
                s.leaderboard = Some(r.leaderboard);
                s.in_memoriam = Some(r.in_memoriam);
                s.name = Some(r.name);
                s.known_as = Some(r.known_as);
                s.prompt = Some(r.prompt);
                s.choices = Some(r.choices);
                s.mode = Some(r.mode);
                s.players_voting = Some(r.players_voting);
                s.also = (!r.also.is_empty()).then_some(r.also);
            }
            if let (Some(id), Some(round)) = (player, game.round()) {
                let (choice, correct, points) = result_of(round, id);
                you.choice = Some(choice);
                you.correct = Some(correct);
                you.points = Some(points);
            }
        }
        Phase::Over => {
            s.leaderboard = Some(leaderboard(game, usize::MAX));
            s.stats = Some(stats(people, game));
        }
    }
    if player.is_some() {
        s.you = Some(you);
    }
    ServerMsg::State(Box::new(s))
}

/// `preload` for phones: the next round's photos at phone size (the very
/// URLs its `round` will carry, so the browser's cache answers), while
/// one is drawn and its photos can be shown without telling anything.
pub(super) fn preload(people: &People, game: &Game) -> Option<ServerMsg> {
    let next = game.upcoming()?;
    let photos = next.photos?;
    let q = &next.question;
    Some(ServerMsg::Preload {
        round: next.number,
        photos: photos
            .iter()
            .map(|&(p, photo)| {
                // Then → now: the choices are photos of today.
                if game.mode_of(q) == Mode::ThenToNow
                    && let Some(i) = q.choices.iter().position(|&c| c == p)
                    && let Shown::Photo { thumb, .. } = people.today(q, i)
                {
                    return thumb;
                }
                people.urls.url_of(
                    people.scope,
                    people.reunion,
                    p,
                    people.revised(p, photo),
                    Size::Thumb,
                )
            })
            .collect(),
    })
}

/// `lobby` for host screens: the player list, count and settings.
pub(super) fn lobby_for_hosts(people: &People, game: &Game) -> ServerMsg {
    ServerMsg::Lobby(Lobby {
        players: Some(players(people, game)),
        count: game.player_count(),
        settings: Some(game.settings().clone()),
        kicked: Some(kicked(game)),
    })
}

/// `lobby` for phones: the count, which a big room's phones see only while
/// waiting to start (`None` then).
pub(super) fn lobby_for_phones(game: &Game) -> Option<ServerMsg> {
    let count = game.player_count();
    (game.phase() == Phase::Lobby || count <= BIG_ROOM).then_some(ServerMsg::Lobby(Lobby {
        players: None,
        count,
        settings: None,
        kicked: None,
    }))
}

/// `progress` for host screens: how many of the players have voted.
pub(super) fn progress(game: &Game) -> ServerMsg {
    let (answered, players) = game.voting_status();
    ServerMsg::Progress(Progress {
        round: game.round_number(),
        answered,
        players,
    })
}

/// `timer`, for hosts and phones: the open question's time left and
/// whether it is paused (`None` between rounds).
pub(super) fn timer(game: &Game, now: Millis) -> Option<ServerMsg> {
    let round = game.round().filter(|_| game.phase() == Phase::Question)?;
    Some(ServerMsg::Timer(Timer {
        round: round.number,
        remaining_ms: round.remaining_ms(now),
        paused: game.is_paused(),
    }))
}

/// For host screens: `error` `storage_unavailable` when the store fails,
/// `storage` `ok` when it works again.
pub(super) fn storage_notice(ok: bool, lang: crate::i18n::Lang) -> ServerMsg {
    if ok {
        ServerMsg::Storage { ok: true }
    } else {
        ServerMsg::Error {
            code: "storage_unavailable".into(),
            message: lang.get("error-host-storage"),
        }
    }
}

/// The host's player list: everyone, or in a big room the newest joiners.
fn players(people: &People, game: &Game) -> Vec<PlayerView> {
    let skip = game
        .player_count()
        .saturating_sub(if game.player_count() > BIG_ROOM {
            LIST_NEWEST
        } else {
            usize::MAX
        });
    game.players()
        .skip(skip)
        .map(|p| PlayerView {
            id: p.id,
            name: p.name.clone(),
            connected: p.connected,
            score: p.score,
            claim: claim_shown(people, p),
        })
        .collect()
}

/// Who `p` says they are, as shown to them and to the host.
pub(super) fn claim_shown(people: &People, p: &Player) -> Option<ClaimShown> {
    let c = p.claim?;
    let person = people.roster.people.get(c.person)?;
    Some(ClaimShown {
        person: c.person,
        name: person.name.clone(),
        known_as: person.known_as.clone(),
        held: c.held,
    })
}

/// A phone's search for itself in the class ("I'm…"): those it may claim.
pub(super) fn classmates(people: &People, query: &str) -> ServerMsg {
    let class = &people.roster.people;
    let pool = &people.roster.pool;
    let found = crate::game::claims::search(
        query,
        class
            .iter()
            .enumerate()
            .filter(|(i, _)| pool.claimable(*i))
            .map(|(i, p)| (i, p.name.as_str(), p.known_as.as_deref())),
    );
    ServerMsg::Classmates {
        query: query.to_string(),
        people: found
            .into_iter()
            .map(|i| Classmate {
                person: i,
                name: class[i].name.clone(),
                known_as: class[i].known_as.clone(),
            })
            .collect(),
    }
}

/// The players the host kicked and may let back.
fn kicked(game: &Game) -> Vec<KickedView> {
    game.banned()
        .map(|p| KickedView {
            id: p.id,
            name: p.name.clone(),
        })
        .collect()
}
