//! The room's game: phases lobby → question → reveal → … → over.
//!
//! Commands validate and return the [`Event`]s they caused; every state change
//! goes through [`Game::apply`], so replaying stored events rebuilds the game
//! exactly (questions are in the events, so replay needs no RNG).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

use rand::Rng;
use serde::{Deserialize, Serialize};

use super::claims::{Claim, ClaimIndex};
use super::leaderboard::{self, Standing};
use super::mixed::draw_mode;
use super::name::{NameKey, NameRefusal, PlayerName, TakenNames};
use super::question::{Ask, Pool, Question, pick_question_for, preload_lineup, shuffled_photos};
use super::scoring;
use super::thennow::{
    MIN_THEN_NOW_PEOPLE, ThenNowError, pick_then_now, then_now_people, then_now_ready,
};

/// A player's number in their room: minted in join order from 0, so it also
/// indexes per-player vectors; on the wire and in the store a plain integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PlayerId(u32);

impl PlayerId {
    pub const fn new(number: u32) -> Self {
        Self(number)
    }

    pub const fn get(self) -> u32 {
        self.0
    }

    /// Position in vectors that hold one entry per player ever joined.
    pub const fn index(self) -> usize {
        self.0 as usize
    }
}

impl std::fmt::Display for PlayerId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Milliseconds on the room's clock (wall-clock based, so it survives restarts).
pub type Millis = u64;

/// How long a player who left without playing keeps its seat: a phone whose
/// Wi-Fi drops is back well within it; a throw-away join stops counting
/// toward `--max-players` after it (see [`Game::lapse`]).
pub const SEAT_HOLD_MS: Millis = 120_000;

/// Answers a person asked needs before "most/least recognised" may name them
/// (fewer in a room with fewer players): one right answer of one says nothing.
pub const MIN_RECOGNITION_ANSWERS: u32 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    NameToPhoto,
    PhotoToName,
    /// Then & now: the yearbook photo, four photos of today to choose from.
    ThenToNow,
    /// Then & now: a photo of today, four yearbook photos to choose from.
    NowToThen,
    /// "Surprise me": each round's mode is drawn ([`super::mixed::draw_mode`])
    /// from the others; a round's question says which it got.
    Mixed,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::NameToPhoto => "name_to_photo",
            Mode::PhotoToName => "photo_to_name",
            Mode::ThenToNow => "then_to_now",
            Mode::NowToThen => "now_to_then",
            Mode::Mixed => "mixed",
        }
    }

    /// Whether questions show guests' photos of today (then & now).
    pub fn is_then_now(self) -> bool {
        matches!(self, Mode::ThenToNow | Mode::NowToThen)
    }

    /// Whether a game in this mode may ask then & now questions, so it
    /// needs the room's faces of today.
    pub fn uses_faces(self) -> bool {
        self.is_then_now() || self == Mode::Mixed
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub rounds: u32,
    pub seconds: u32,
    pub mode: Mode,
    pub include_memoriam: bool,
    /// Refuse rude nicknames (on unless the room turns it off).
    #[serde(default = "default_true")]
    pub profanity_filter: bool,
    /// The photo labels asked from (`["1983"]`); empty = each person's
    /// newest yearbook photo.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<String>,
    /// The projector's language (a tag of `crate::i18n::LANGUAGES`);
    /// rooms saved before it existed show English.
    #[serde(default = "default_lang")]
    pub lang: String,
}

fn default_true() -> bool {
    true
}

fn default_lang() -> String {
    crate::i18n::Lang::EN.tag().to_string()
}

fn is_false(b: &bool) -> bool {
    !b
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            rounds: 10,
            seconds: 20,
            mode: Mode::NameToPhoto,
            include_memoriam: true,
            profanity_filter: true,
            labels: Vec::new(),
            lang: default_lang(),
        }
    }
}

pub const ROUNDS_RANGE: std::ops::RangeInclusive<u32> = 1..=200;
pub const SECONDS_RANGE: std::ops::RangeInclusive<u32> = 2..=300;
/// Classmates who may be asked that one question needs: its four choices.
pub const MIN_ASKABLE: usize = 4;

/// Why settings were refused. The English (`Display`) is what HTTP
/// clients read; [`SettingsRefusal::key`] is the catalogue message a
/// WebSocket client reads in its language, with [`SettingsRefusal::args`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SettingsRefusal {
    #[error("rounds must be between 1 and 200")]
    Rounds,
    #[error("seconds must be between 2 and 300")]
    Seconds,
    #[error("no photo of this class has that label")]
    UnknownLabel,
    #[error("at least 4 classmates are needed for a question")]
    TooFew,
}

impl SettingsRefusal {
    /// Every refusal, for the catalogue tests: a new variant goes here too.
    pub const ALL: [SettingsRefusal; 4] = [
        SettingsRefusal::Rounds,
        SettingsRefusal::Seconds,
        SettingsRefusal::UnknownLabel,
        SettingsRefusal::TooFew,
    ];

    /// The message key in the locales' `errors.ftl`.
    pub fn key(self) -> &'static str {
        match self {
            SettingsRefusal::Rounds => "error-settings-rounds",
            SettingsRefusal::Seconds => "error-settings-seconds",
            SettingsRefusal::UnknownLabel => "error-settings-label",
            SettingsRefusal::TooFew => "error-settings-too-few",
        }
    }

    /// The numbers the message says, by their catalogue variable names:
    /// the limits themselves, so a changed limit reads right everywhere.
    pub fn args(self) -> Vec<(&'static str, u64)> {
        let range = |r: &std::ops::RangeInclusive<u32>| {
            vec![("min", u64::from(*r.start())), ("max", u64::from(*r.end()))]
        };
        match self {
            SettingsRefusal::Rounds => range(&ROUNDS_RANGE),
            SettingsRefusal::Seconds => range(&SECONDS_RANGE),
            SettingsRefusal::UnknownLabel => Vec::new(),
            SettingsRefusal::TooFew => vec![("count", MIN_ASKABLE as u64)],
        }
    }
}

impl Settings {
    /// Checks ranges and that the pool can fill a question; caps `rounds` at
    /// the number of people who can be asked.
    pub fn validated(mut self, pool: &Pool) -> Result<Self, RuleError> {
        if !ROUNDS_RANGE.contains(&self.rounds) {
            return Err(RuleError::BadSettings(SettingsRefusal::Rounds));
        }
        if !SECONDS_RANGE.contains(&self.seconds) {
            return Err(RuleError::BadSettings(SettingsRefusal::Seconds));
        }
        // One of the offered languages, by its own tag ("de-AT" is "de").
        let lang = crate::i18n::Lang::parse(&self.lang).ok_or(RuleError::UnknownLang)?;
        self.lang = lang.tag().to_string();
        let mut labels = Vec::with_capacity(self.labels.len());
        for name in &self.labels {
            let index = pool
                .label_index(name)
                .ok_or(RuleError::BadSettings(SettingsRefusal::UnknownLabel))?;
            // The class's own spelling, each once.
            let spelled = pool.labels[index as usize].clone();
            if !labels.contains(&spelled) {
                labels.push(spelled);
            }
        }
        self.labels = labels;
        let eligible = pool.eligible_count_for(&self.ask(pool));
        if eligible < MIN_ASKABLE {
            return Err(RuleError::BadSettings(SettingsRefusal::TooFew));
        }
        self.rounds = self.rounds.min(eligible as u32);
        Ok(self)
    }

    /// Who and which photos these settings ask from, in `pool`'s terms;
    /// a label the class lacks is left out.
    pub fn ask(&self, pool: &Pool) -> Ask {
        Ask {
            include_memoriam: self.include_memoriam,
            labels: self
                .labels
                .iter()
                .filter_map(|l| pool.label_index(l))
                .collect(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Lobby,
    Question,
    Reveal,
    Over,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Lobby => "lobby",
            Phase::Question => "question",
            Phase::Reveal => "reveal",
            Phase::Over => "over",
        }
    }
}

/// Everything that changes a game, in the order it happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "e", rename_all = "snake_case")]
pub enum Event {
    Configured {
        settings: Settings,
    },
    Joined {
        player: PlayerId,
        name: String,
        /// The phone's own id (PROTOCOL Extensions, `join.device`): what a
        /// ban keeps out besides the name. Absent in older logs.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        device: Option<String>,
    },
    Kicked {
        player: PlayerId,
        /// The host's kick: the name and device stay out until `LetBack`.
        /// Removing disconnected players bans nobody (nor did older logs).
        #[serde(default, skip_serializing_if = "is_false")]
        banned: bool,
    },
    /// The host lets a kicked player's name and device join again.
    LetBack {
        player: PlayerId,
    },
    RoundStarted {
        number: u32,
        question: Question,
        started_at: Millis,
        deadline: Millis,
    },
    Voted {
        player: PlayerId,
        round: u32,
        choice: u8,
        elapsed_ms: u64,
    },
    RoundClosed {
        round: u32,
        at: Millis,
    },
    /// After a restart, the open question's clock moves by the downtime.
    RoundResumed {
        started_at: Millis,
        deadline: Millis,
    },
    /// The host paused the open question at `at`: its clock stands still.
    RoundPaused {
        at: Millis,
    },
    /// The host resumed it: its clock moved on by the time it stood still.
    RoundUnpaused {
        started_at: Millis,
        deadline: Millis,
    },
    GameOver {
        at: Millis,
    },
    /// "I'm…": the player is this classmate (`person`, an index into the
    /// class), replacing any claim they had.
    Claimed {
        player: PlayerId,
        person: usize,
    },
    /// The player says they are `person`, whom somebody else holds: the
    /// host decides ([`Game::decide_claim`]).
    ClaimAsked {
        player: PlayerId,
        person: usize,
    },
    /// The player's claim (held or asked) is undone.
    Unclaimed {
        player: PlayerId,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("That name is already taken in this room.")]
    NameTaken,
    #[error("{0}")]
    BadName(NameRefusal),
    #[error("The room is full.")]
    RoomFull,
    #[error("Voting for that round is closed.")]
    RoundClosed,
    #[error("You already voted in this round.")]
    AlreadyVoted,
    #[error("Choose one of the four answers (0 to 3).")]
    BadChoice,
    #[error("That is not possible at this point of the game.")]
    WrongPhase,
    #[error("No such player in this room.")]
    UnknownPlayer,
    #[error("{0}")]
    BadSettings(SettingsRefusal),
    #[error("This game has closed; ask the host for the new code.")]
    RoomClosed,
    #[error(
        "The host has taken you out of this game. If that was a mistake, ask the host to let you back in."
    )]
    Kicked,
    /// A new phone asked for a name the host kicked: refused like a taken
    /// name, so somebody else of that name can pick another.
    #[error("The host removed a player of that name from this game. Please choose another name.")]
    NameBanned,
    /// A vote on a question about the voter's own claimed classmate.
    #[error("That's you! Sit this one out and watch the others guess.")]
    ItsYou,
    #[error("You can say who you are once this question is over.")]
    ClaimWhileAsking,
    #[error("Nobody in this class can be chosen with that number.")]
    UnknownPerson,
    #[error("That player has no claim waiting for you to decide.")]
    NoClaimToDecide,
    /// A then & now game cannot be played (too few photos of today).
    #[error("{0}")]
    ThenNow(ThenNowError),
    /// A room language that is not one of `crate::i18n::LANGUAGES`.
    #[error("That language is not offered.")]
    UnknownLang,
}

impl RuleError {
    /// The `error.code` of the protocol.
    pub fn code(self) -> &'static str {
        match self {
            RuleError::NameTaken => "name_taken",
            RuleError::BadName(_) => "bad_name",
            RuleError::RoomFull => "room_full",
            RuleError::RoundClosed => "round_closed",
            RuleError::AlreadyVoted => "already_voted",
            RuleError::BadChoice => "bad_choice",
            RuleError::WrongPhase => "wrong_phase",
            RuleError::UnknownPlayer => "unknown_player",
            RuleError::BadSettings(_) => "bad_request",
            RuleError::RoomClosed => "room_closed",
            RuleError::Kicked => "kicked",
            RuleError::NameBanned => "name_taken",
            RuleError::ItsYou => "its_you",
            RuleError::ClaimWhileAsking => "wrong_phase",
            RuleError::UnknownPerson => "unknown_person",
            RuleError::NoClaimToDecide => "no_claim",
            RuleError::ThenNow(e) => e.code(),
            RuleError::UnknownLang => "unknown_lang",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Player {
    pub id: PlayerId,
    pub name: String,
    key: NameKey,
    pub score: u32,
    pub correct: u32,
    pub answered: u32,
    /// Total answering time of right answers: the tie-breaker.
    pub correct_ms: u64,
    /// Right answers in a row up to the last closed round (display only:
    /// scoring does not use it).
    pub streak: u32,
    pub connected: bool,
    pub kicked: bool,
    /// Kicked by the host and not let back: its name and device stay out.
    pub banned: bool,
    /// The phone's own id it joined from, if it said.
    device: Option<String>,
    /// When it last disconnected (`None` while connected, and before its
    /// first connection).
    away_since: Option<Millis>,
    /// Left without playing and stayed away for [`SEAT_HOLD_MS`]: out of
    /// the room (no seat, no name) until it resumes.
    lapsed: bool,
    /// Which classmate they say they are, if they said ("I'm…").
    pub claim: Option<Claim>,
}

impl Player {
    /// Neither kicked nor lapsed.
    fn is_in(&self) -> bool {
        !self.kicked && !self.lapsed
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vote {
    pub choice: u8,
    pub elapsed_ms: u64,
}

#[derive(Debug, Clone)]
pub struct Round {
    pub number: u32,
    pub question: Question,
    pub started_at: Millis,
    pub deadline: Millis,
    /// The round's time limit as started: scoring keeps it even when a
    /// restart gives an open question extra time.
    pub limit: u64,
    pub votes: BTreeMap<PlayerId, Vote>,
    pub closed_at: Option<Millis>,
    /// When the host paused it (`None` while its clock runs): time stands
    /// still from then, for the deadline and for votes' speed.
    pub paused_at: Option<Millis>,
}

impl Round {
    /// Time left at `now`: while paused, what was left at the pause.
    pub fn remaining_ms(&self, now: Millis) -> u64 {
        self.deadline.saturating_sub(self.clock_at(now))
    }

    /// The round's own clock at `now`: it stands still at a pause (even
    /// when a restart's clock reads earlier).
    fn clock_at(&self, now: Millis) -> Millis {
        self.paused_at.unwrap_or(now)
    }

    pub fn limit_ms(&self) -> u64 {
        self.limit
    }

    /// Points this vote earns (0 when wrong).
    pub fn points_for(&self, vote: &Vote) -> u32 {
        if vote.choice == self.question.answer {
            scoring::points(vote.elapsed_ms, self.limit_ms())
        } else {
            0
        }
    }

    /// Votes per choice.
    pub fn counts(&self) -> [u32; 4] {
        let mut counts = [0; 4];
        for v in self.votes.values() {
            counts[v.choice as usize] += 1;
        }
        counts
    }
}

/// The next question, drawn before it starts (see [`Game::draw_next`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upcoming {
    /// The round it will be.
    pub number: u32,
    pub question: Question,
    /// The people whose photos phones may fetch before it starts, in an
    /// order that says nothing; `None` when they cannot be told without
    /// showing the prompt (a photo→name question with fewer than four
    /// people left to ask). Drawn once with its question, never again:
    /// several draws for one question would single the prompt out. Each
    /// is `(person, photo of that person)`.
    pub photos: Option<[(usize, u16); 4]>,
}

/// How one asked person fared: for the end-of-game stats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recognition {
    pub person: usize,
    pub correct: u32,
    pub answered: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoteOutcome {
    /// A new vote; the events are already applied.
    Accepted,
    /// The same vote again (a retry): acknowledge it again, change nothing.
    Repeat,
}

#[derive(Debug, Clone)]
pub struct Game {
    pool: Arc<Pool>,
    max_players: usize,
    settings: Settings,
    phase: Phase,
    players: Vec<Player>,
    round: Option<Round>,
    asked: Vec<bool>,
    history: Vec<Recognition>,
    /// Players connected now (not kicked): kept as a count so that closing
    /// checks stay O(1) per vote with thousands of phones.
    connected: usize,
    /// Of those, how many voted in the open round.
    connected_voted: usize,
    /// Players kicked so far: the count of those still in is O(1).
    kicked: usize,
    /// Players whose seat lapsed (and who were not kicked since).
    lapsed: usize,
    /// Disconnections in time order, `(away_since, player)`: the candidates
    /// to lapse. An entry is stale once its player came back or left again.
    away: VecDeque<(Millis, PlayerId)>,
    /// The names of the players in the room (not kicked, seat not lapsed).
    taken: TakenNames,
    /// The next question, drawn ahead; not an event: a restart draws
    /// another (nobody saw this one start).
    next: Option<Upcoming>,
    /// The names and devices of players the host kicked and did not let
    /// back: a join with either is refused (`kicked`).
    banned_names: TakenNames,
    banned_devices: HashMap<String, u32>,
    /// Players by the classmate they claim (held or asked).
    claims: ClaimIndex,
    /// Then & now: the people a question may show today, each with the
    /// random name of their photo of today (`(person, file)`); given by
    /// the room ([`Game::set_faces`]), not an event: questions carry the
    /// photos they showed.
    faces: Vec<(usize, String)>,
}

impl Game {
    pub fn new(pool: Arc<Pool>, settings: Settings, max_players: usize) -> Self {
        let asked = vec![false; pool.len()];
        Self {
            pool,
            max_players,
            settings,
            phase: Phase::Lobby,
            players: Vec::new(),
            round: None,
            asked,
            history: Vec::new(),
            connected: 0,
            connected_voted: 0,
            kicked: 0,
            lapsed: 0,
            away: VecDeque::new(),
            taken: TakenNames::default(),
            next: None,
            banned_names: TakenNames::default(),
            banned_devices: HashMap::new(),
            claims: ClaimIndex::default(),
            faces: Vec::new(),
        }
    }

    /// Then & now: who has a photo of today the game may show now (a held
    /// claim, a photo not hidden, a guest in the room). A question drawn
    /// ahead that shows a face no longer here (hidden, deleted, replaced,
    /// its guest gone) is dropped, to be drawn again: whether it was.
    pub fn set_faces(&mut self, mut faces: Vec<(usize, String)>) -> bool {
        faces.sort_unstable();
        faces.dedup_by_key(|f| f.0);
        self.faces = faces;
        let stale = self
            .next
            .as_ref()
            .is_some_and(|n| !self.still_shown(&n.question));
        if stale {
            self.next = None;
        }
        stale
    }

    /// The people with a face now, for [`then_now_people`].
    fn face_people(&self) -> Vec<usize> {
        self.faces.iter().map(|&(p, _)| p).collect()
    }

    fn face_of(&self, person: usize) -> Option<&str> {
        self.faces
            .binary_search_by_key(&person, |f| f.0)
            .ok()
            .map(|i| self.faces[i].1.as_str())
    }

    /// Whether every photo of today `question` shows is still offered, as
    /// the same file (questions of other modes show none).
    fn still_shown(&self, question: &Question) -> bool {
        let Some(today) = &question.today else {
            return true;
        };
        let people = then_now_people(&self.pool, &self.face_people());
        question
            .choices
            .iter()
            .zip(today)
            .all(|(&p, file)| people.contains(&p) && self.face_of(p) == Some(file.as_str()))
    }

    /// A then & now question: [`pick_then_now`] among the faces, each
    /// choice with its photo of today and the yearbook photo the room asks
    /// from (its labels), else the person's newest.
    fn pick_then_now_question<R: Rng + ?Sized>(
        &self,
        rng: &mut R,
    ) -> Result<Question, ThenNowError> {
        let mut q = pick_then_now(&self.pool, &self.face_people(), &self.asked, rng)?;
        let ask = self.settings.ask(&self.pool);
        let mut today: [String; 4] = Default::default();
        for (i, &p) in q.choices.iter().enumerate() {
            today[i] = self
                .face_of(p)
                .ok_or(ThenNowError::TooFewPeople { have: 0 })?
                .to_string();
            q.photos[i] = self
                .pool
                .allowed_photos(p, &ask)
                .first()
                .copied()
                .unwrap_or_else(|| self.pool.default_photo(p));
        }
        q.today = Some(today);
        Ok(q)
    }

    /// A mixed game's question: its mode drawn among those that can ask
    /// somebody not asked yet in this game (then & now only with at least
    /// four faces of today), kept in the question.
    fn pick_mixed_question<R: Rng + ?Sized>(&self, rng: &mut R) -> Option<Question> {
        let ask = self.settings.ask(&self.pool);
        let fresh = |p: &usize| !self.asked.get(*p).copied().unwrap_or(false);
        let classic = (0..self.pool.len()).any(|p| fresh(&p) && self.pool.eligible_for(p, &ask));
        let people = then_now_people(&self.pool, &self.face_people());
        let then_now = people.len() >= MIN_THEN_NOW_PEOPLE && people.iter().any(fresh);
        let mode = draw_mode(classic, then_now, rng)?;
        let mut q = if mode.is_then_now() {
            self.pick_then_now_question(rng).ok()?
        } else {
            pick_question_for(&self.pool, &self.asked, &ask, rng)?
        };
        q.mode = Some(mode);
        Some(q)
    }

    /// The mode `question` asks in: the one drawn for it in a mixed game,
    /// else the game's.
    pub fn mode_of(&self, question: &Question) -> Mode {
        question.mode.unwrap_or(self.settings.mode)
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// The current or last round.
    pub fn round(&self) -> Option<&Round> {
        self.round.as_ref()
    }

    pub fn round_number(&self) -> u32 {
        self.round.as_ref().map_or(0, |r| r.number)
    }

    /// A player in the room: not kicked, seat not lapsed.
    pub fn player(&self, id: PlayerId) -> Option<&Player> {
        self.players.get(id.index()).filter(|p| p.is_in())
    }

    /// Players in the room (not kicked, seat not lapsed), in join order.
    pub fn players(&self) -> impl Iterator<Item = &Player> {
        self.players.iter().filter(|p| p.is_in())
    }

    /// The players that count toward `--max-players`.
    pub fn player_count(&self) -> usize {
        self.players.len() - self.kicked - self.lapsed
    }

    /// How many answers a person asked needs before the stats may name them:
    /// [`MIN_RECOGNITION_ANSWERS`], or every player in a smaller room (a room
    /// of two needs both), never fewer than one.
    pub fn recognition_min_answers(&self) -> u32 {
        let players = u32::try_from(self.player_count()).unwrap_or(u32::MAX);
        MIN_RECOGNITION_ANSWERS.min(players).max(1)
    }

    pub fn history(&self) -> &[Recognition] {
        &self.history
    }

    /// When the game next needs a `tick`: the open question's deadline,
    /// none while it is paused.
    pub fn next_deadline(&self) -> Option<Millis> {
        match (&self.phase, &self.round) {
            (Phase::Question, Some(r)) if r.paused_at.is_none() => Some(r.deadline),
            _ => None,
        }
    }

    /// Whether the open question is paused.
    pub fn is_paused(&self) -> bool {
        self.phase == Phase::Question && self.round.as_ref().is_some_and(|r| r.paused_at.is_some())
    }

    /// Players the host kicked and has not let back, in join order.
    pub fn banned(&self) -> impl Iterator<Item = &Player> {
        self.players.iter().filter(|p| p.banned)
    }

    /// `(answered, expected)` for the open question: expected counts every
    /// vote so far plus each connected player still to vote.
    pub fn voting_status(&self) -> (usize, usize) {
        match (&self.phase, &self.round) {
            (Phase::Question, Some(round)) => {
                let answered = round.votes.len();
                // The question's own people watch: they never vote.
                let watching = self.connected_subjects(round.question.target);
                let expected = self.connected - self.connected_voted;
                (answered, answered + expected.saturating_sub(watching))
            }
            _ => (0, 0),
        }
    }

    /// Connected players in the room who claim `person` (held or asked).
    fn connected_subjects(&self, person: usize) -> usize {
        self.claims
            .claimants(person)
            .iter()
            .filter_map(|&id| self.player(id))
            .filter(|p| p.connected)
            .count()
    }

    /// Whether the open (or last) question is about `id` by their claim:
    /// they watch it, they do not answer it.
    pub fn is_about(&self, id: PlayerId) -> bool {
        let claimed = self.player(id).and_then(|p| p.claim);
        match (claimed, &self.round) {
            (Some(c), Some(round)) => c.person == round.question.target,
            _ => false,
        }
    }

    /// The players in the room the open question is about (claimants of
    /// its person, held or asked).
    pub fn asked_about(&self) -> Vec<PlayerId> {
        match (&self.phase, &self.round) {
            (Phase::Question, Some(round)) => self
                .claims
                .claimants(round.question.target)
                .iter()
                .copied()
                .filter(|&id| self.player(id).is_some())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Who holds `person` now, among the players in the room.
    pub fn holder_of(&self, person: usize) -> Option<PlayerId> {
        self.claims.claimants(person).iter().copied().find(|&id| {
            self.player(id)
                .and_then(|p| p.claim)
                .is_some_and(|c| c.held)
        })
    }

    fn voted_in_open_round(&self, id: PlayerId) -> bool {
        self.phase == Phase::Question
            && self
                .round
                .as_ref()
                .is_some_and(|r| r.votes.contains_key(&id))
    }

    /// Marks a player (dis)connected at `now`; transport state, not an
    /// event: after a restart everybody starts disconnected (see
    /// [`Game::everyone_away_since`]). Returns whether it changed. A player
    /// whose seat lapsed comes back through [`Game::rejoin`] first.
    pub fn set_connected(&mut self, id: PlayerId, connected: bool, now: Millis) -> bool {
        let changed = self.mark_connected(id, connected);
        if changed
            && !connected
            && let Some(p) = self.players.get_mut(id.index())
        {
            p.away_since = Some(now);
            self.away.push_back((now, id));
        }
        changed
    }

    fn mark_connected(&mut self, id: PlayerId, connected: bool) -> bool {
        let voted = self.voted_in_open_round(id);
        match self.players.get_mut(id.index()) {
            Some(p) if p.is_in() && p.connected != connected => {
                if connected {
                    p.away_since = None;
                }
                p.connected = connected;
                if connected {
                    self.connected += 1;
                    self.connected_voted += usize::from(voted);
                } else {
                    self.connected -= 1;
                    self.connected_voted -= usize::from(voted);
                }
                true
            }
            _ => false,
        }
    }

    /// Competition rank of one player, without sorting everyone.
    pub fn rank_of(&self, id: PlayerId) -> u32 {
        let Some(me) = self.player(id) else {
            return 0;
        };
        let ahead = self
            .players()
            .filter(|p| p.score > me.score || (p.score == me.score && p.correct_ms < me.correct_ms))
            .count();
        ahead as u32 + 1
    }

    /// How many other players share this player's rank (0 for none).
    pub fn tied_with(&self, id: PlayerId) -> u32 {
        let Some(me) = self.player(id) else {
            return 0;
        };
        let same = self
            .players()
            .filter(|p| p.score == me.score && p.correct_ms == me.correct_ms)
            .count();
        same.saturating_sub(1) as u32
    }

    /// Applies one event. Events come from the commands below or from the
    /// store; both were validated, so this cannot fail.
    pub fn apply(&mut self, event: &Event) {
        match event {
            Event::Configured { settings } => {
                self.settings = settings.clone();
                // Drawn under the old settings (memoriam, mode, rounds).
                self.next = None;
            }
            Event::Joined {
                player,
                name,
                device,
            } => {
                debug_assert_eq!(player.index(), self.players.len());
                let key = NameKey::of(name);
                self.taken.add(&key);
                self.players.push(Player {
                    id: *player,
                    name: name.clone(),
                    key,
                    score: 0,
                    correct: 0,
                    answered: 0,
                    correct_ms: 0,
                    streak: 0,
                    connected: false,
                    kicked: false,
                    banned: false,
                    device: device.clone(),
                    away_since: None,
                    lapsed: false,
                    claim: None,
                });
            }
            Event::Kicked { player, banned } => {
                self.mark_connected(*player, false);
                if let Some(p) = self.players.get_mut(player.index())
                    && !p.kicked
                {
                    if p.lapsed {
                        p.lapsed = false;
                        self.lapsed -= 1;
                    } else {
                        self.taken.remove(&p.key);
                    }
                    p.kicked = true;
                    self.kicked += 1;
                    if *banned {
                        p.banned = true;
                        self.banned_names.add(&p.key);
                        if let Some(device) = &p.device {
                            *self.banned_devices.entry(device.clone()).or_default() += 1;
                        }
                    }
                }
            }
            Event::LetBack { player } => {
                if let Some(p) = self.players.get_mut(player.index())
                    && p.banned
                {
                    p.banned = false;
                    self.banned_names.remove(&p.key);
                    if let Some(device) = &p.device
                        && let Some(n) = self.banned_devices.get_mut(device)
                    {
                        *n -= 1;
                        if *n == 0 {
                            self.banned_devices.remove(device);
                        }
                    }
                }
            }
            Event::RoundStarted {
                number,
                question,
                started_at,
                deadline,
            } => {
                let ask = self.settings.ask(&self.pool);
                // Then & now (and a mix with it) never asks one person
                // twice in a game: no starting over once everybody was asked.
                if !self.settings.mode.uses_faces()
                    && self
                        .asked
                        .iter()
                        .enumerate()
                        .all(|(p, &a)| a || !self.pool.eligible_for(p, &ask))
                {
                    self.asked.iter_mut().for_each(|a| *a = false);
                }
                if let Some(a) = self.asked.get_mut(question.target) {
                    *a = true;
                }
                self.round = Some(Round {
                    number: *number,
                    question: question.clone(),
                    started_at: *started_at,
                    deadline: *deadline,
                    limit: deadline.saturating_sub(*started_at),
                    votes: BTreeMap::new(),
                    closed_at: None,
                    paused_at: None,
                });
                self.phase = Phase::Question;
                self.connected_voted = 0;
                self.next = None;
            }
            Event::Voted {
                player,
                choice,
                elapsed_ms,
                ..
            } => {
                let connected = self
                    .players
                    .get(player.index())
                    .is_some_and(|p| p.connected);
                if let Some(r) = self.round.as_mut() {
                    let vote = Vote {
                        choice: *choice,
                        elapsed_ms: *elapsed_ms,
                    };
                    if r.votes.insert(*player, vote).is_none() && connected {
                        self.connected_voted += 1;
                    }
                }
            }
            Event::RoundClosed { at, .. } => {
                let Some(round) = self.round.as_mut() else {
                    return;
                };
                round.closed_at = Some(*at);
                round.paused_at = None;
                let mut correct = 0;
                for (&id, vote) in &round.votes {
                    let points = round.points_for(vote);
                    let Some(p) = self.players.get_mut(id.index()) else {
                        continue;
                    };
                    p.answered += 1;
                    if vote.choice == round.question.answer {
                        correct += 1;
                        p.correct += 1;
                        p.score += points;
                        p.correct_ms += vote.elapsed_ms;
                    }
                }
                // A round without a right answer from a player (wrong, or
                // none at all) ends their streak.
                for p in &mut self.players {
                    // Watching a question about yourself breaks no streak.
                    if p.claim.is_some_and(|c| c.person == round.question.target) {
                        continue;
                    }
                    let right = round
                        .votes
                        .get(&p.id)
                        .is_some_and(|v| v.choice == round.question.answer);
                    p.streak = if right { p.streak + 1 } else { 0 };
                }
                self.history.push(Recognition {
                    person: round.question.target,
                    correct,
                    answered: round.votes.len() as u32,
                });
                self.phase = Phase::Reveal;
            }
            Event::RoundResumed {
                started_at,
                deadline,
            } => {
                if let Some(r) = self.round.as_mut() {
                    r.started_at = *started_at;
                    r.deadline = *deadline;
                }
            }
            Event::RoundPaused { at } => {
                if let Some(r) = self.round.as_mut() {
                    r.paused_at = Some(*at);
                }
            }
            Event::RoundUnpaused {
                started_at,
                deadline,
            } => {
                if let Some(r) = self.round.as_mut() {
                    r.started_at = *started_at;
                    r.deadline = *deadline;
                    r.paused_at = None;
                }
            }
            Event::GameOver { .. } => {
                self.phase = Phase::Over;
                self.next = None;
            }
            Event::Claimed { player, person } => self.set_claim(*player, *person, true),
            Event::ClaimAsked { player, person } => self.set_claim(*player, *person, false),
            Event::Unclaimed { player } => {
                if let Some(p) = self.players.get_mut(player.index())
                    && let Some(old) = p.claim.take()
                {
                    self.claims.remove(old.person, *player);
                }
            }
        }
    }

    fn set_claim(&mut self, player: PlayerId, person: usize, held: bool) {
        let Some(p) = self.players.get_mut(player.index()) else {
            return;
        };
        if let Some(old) = p.claim.replace(Claim { person, held }) {
            self.claims.remove(old.person, player);
        }
        self.claims.add(person, player);
    }

    fn commit(&mut self, events: Vec<Event>) -> Vec<Event> {
        for e in &events {
            self.apply(e);
        }
        events
    }

    pub fn configure(&mut self, settings: Settings) -> Result<Vec<Event>, RuleError> {
        if self.phase != Phase::Lobby {
            return Err(RuleError::WrongPhase);
        }
        let settings = settings.validated(&self.pool)?;
        if settings.mode.is_then_now() {
            then_now_ready(&self.pool, &self.face_people()).map_err(RuleError::ThenNow)?;
        }
        Ok(self.commit(vec![Event::Configured { settings }]))
    }

    /// A new player. Seats that lapsed by `now` are free for it.
    pub fn join(&mut self, name: &PlayerName, now: Millis) -> Result<Vec<Event>, RuleError> {
        self.join_on_device(name, None, now)
    }

    /// A new player from the phone `device` (its own id, if it said): a
    /// name or device the host kicked stays out until let back.
    pub fn join_on_device(
        &mut self,
        name: &PlayerName,
        device: Option<&str>,
        now: Millis,
    ) -> Result<Vec<Event>, RuleError> {
        self.lapse(now);
        if device.is_some_and(|d| self.banned_devices.contains_key(d)) {
            return Err(RuleError::Kicked);
        }
        if self.banned_names.contains(name.key()) {
            return Err(RuleError::NameBanned);
        }
        if self.settings.profanity_filter && name.is_rude() {
            return Err(RuleError::BadName(NameRefusal::ChooseAnother));
        }
        if self.taken.contains(name.key()) {
            return Err(RuleError::NameTaken);
        }
        if self.player_count() >= self.max_players {
            return Err(RuleError::RoomFull);
        }
        let player = PlayerId::new(self.players.len() as u32);
        Ok(self.commit(vec![Event::Joined {
            player,
            name: name.as_str().to_string(),
            device: device.map(str::to_string),
        }]))
    }

    /// The host removes a player: its name and device stay out of the
    /// game until [`Game::let_back`].
    pub fn kick(&mut self, player: PlayerId) -> Result<Vec<Event>, RuleError> {
        if self.player(player).is_none() {
            return Err(RuleError::UnknownPlayer);
        }
        Ok(self.commit(vec![Event::Kicked {
            player,
            banned: true,
        }]))
    }

    /// The host lets a kicked player's name and device join again (as a
    /// new player: the old seat stays gone).
    pub fn let_back(&mut self, player: PlayerId) -> Result<Vec<Event>, RuleError> {
        if !self.players.get(player.index()).is_some_and(|p| p.banned) {
            return Err(RuleError::UnknownPlayer);
        }
        Ok(self.commit(vec![Event::LetBack { player }]))
    }

    /// "I'm…": `player` says they are `person`. Theirs at once when nobody
    /// in the room holds that person; else asked, for the host to decide.
    /// Not during a question: who watches it is fixed as it starts.
    pub fn claim(&mut self, player: PlayerId, person: usize) -> Result<Vec<Event>, RuleError> {
        let Some(me) = self.player(player) else {
            return Err(RuleError::UnknownPlayer);
        };
        if self.phase == Phase::Question {
            return Err(RuleError::ClaimWhileAsking);
        }
        if !self.pool.claimable(person) {
            return Err(RuleError::UnknownPerson);
        }
        let event = match self.holder_of(person) {
            Some(holder) if holder == player => return Ok(Vec::new()),
            Some(_)
                if me.claim
                    == Some(Claim {
                        person,
                        held: false,
                    }) =>
            {
                return Ok(Vec::new());
            }
            Some(_) => Event::ClaimAsked { player, person },
            None => Event::Claimed { player, person },
        };
        Ok(self.commit(vec![event]))
    }

    /// The player (or the host for them) undoes their claim; none is no
    /// error. Not during a question.
    pub fn unclaim(&mut self, player: PlayerId) -> Result<Vec<Event>, RuleError> {
        let Some(me) = self.player(player) else {
            return Err(RuleError::UnknownPlayer);
        };
        if self.phase == Phase::Question {
            return Err(RuleError::ClaimWhileAsking);
        }
        if me.claim.is_none() {
            return Ok(Vec::new());
        }
        Ok(self.commit(vec![Event::Unclaimed { player }]))
    }

    /// The host decides a claim asked of a person somebody else holds:
    /// `give` hands the person over (the holder's claim is undone), else
    /// the request is turned down. Not during a question.
    pub fn decide_claim(&mut self, player: PlayerId, give: bool) -> Result<Vec<Event>, RuleError> {
        let asked = self
            .player(player)
            .and_then(|p| p.claim)
            .filter(|c| !c.held)
            .ok_or(RuleError::NoClaimToDecide)?;
        if self.phase == Phase::Question {
            return Err(RuleError::ClaimWhileAsking);
        }
        if !give {
            return Ok(self.commit(vec![Event::Unclaimed { player }]));
        }
        let mut events = Vec::new();
        if let Some(holder) = self.holder_of(asked.person) {
            events.push(Event::Unclaimed { player: holder });
        }
        events.push(Event::Claimed {
            player,
            person: asked.person,
        });
        Ok(self.commit(events))
    }

    /// The host, in the lobby, removes every player not connected now
    /// (those whose seat lapsed too): one `Kicked` each.
    pub fn remove_disconnected(&mut self) -> Result<Vec<Event>, RuleError> {
        if self.phase != Phase::Lobby {
            return Err(RuleError::WrongPhase);
        }
        let gone: Vec<Event> = self
            .players
            .iter()
            .filter(|p| !p.kicked && !p.connected)
            .map(|p| Event::Kicked {
                player: p.id,
                banned: false,
            })
            .collect();
        Ok(self.commit(gone))
    }

    /// Frees the seats of players who left without ever playing (no vote)
    /// and have been away for the seat-hold time by `now`: they no longer
    /// count toward `--max-players`, their names are free, and the room's
    /// lists leave them out. Returns how many lapsed now.
    pub fn lapse(&mut self, now: Millis) -> usize {
        let mut lapsed = 0;
        while let Some(&(since, id)) = self.away.front() {
            if since.saturating_add(SEAT_HOLD_MS) > now {
                break;
            }
            self.away.pop_front();
            // A stale entry: the player came back, or left again since.
            if self.lapsing_since(id) == Some(since) && self.lapse_now(id) {
                lapsed += 1;
            }
        }
        lapsed
    }

    /// Whether `id` may yet lapse: in the room and never voted.
    pub fn may_lapse(&self, id: PlayerId) -> bool {
        self.player(id).is_some_and(|p| p.answered == 0) && !self.voted_in_open_round(id)
    }

    /// Since when `id` holds a seat it may lose: it left without ever
    /// playing, and its seat has not lapsed yet.
    pub fn lapsing_since(&self, id: PlayerId) -> Option<Millis> {
        let p = self.player(id).filter(|p| !p.connected)?;
        p.away_since.filter(|_| self.may_lapse(id))
    }

    /// Lets the seat of `id` lapse now, before its hold is over, if it is
    /// lapsing (see [`Game::lapsing_since`]); whether it did.
    pub fn lapse_now(&mut self, id: PlayerId) -> bool {
        if self.lapsing_since(id).is_none() {
            return false;
        }
        let p = &mut self.players[id.index()];
        p.lapsed = true;
        self.taken.remove(&p.key);
        self.lapsed += 1;
        true
    }

    /// When the next seat may lapse (the timer calls [`Game::lapse`] then).
    pub fn next_lapse(&self) -> Option<Millis> {
        self.away
            .front()
            .map(|&(since, _)| since.saturating_add(SEAT_HOLD_MS))
    }

    /// After a restart nobody is connected: everyone's seat-hold time
    /// starts now, as if they had all just dropped.
    pub fn everyone_away_since(&mut self, now: Millis) {
        for p in self
            .players
            .iter_mut()
            .filter(|p| p.is_in() && !p.connected)
        {
            p.away_since = Some(now);
            self.away.push_back((now, p.id));
        }
    }

    /// A player coming back (a `resume`). One whose seat lapsed gets it back
    /// while the room has a free seat and nobody took its name meanwhile;
    /// else it must join again.
    pub fn rejoin(&mut self, id: PlayerId, now: Millis) -> Result<(), RuleError> {
        self.lapse(now);
        let Some(p) = self.players.get(id.index()).filter(|p| !p.kicked) else {
            return Err(RuleError::UnknownPlayer);
        };
        if !p.lapsed {
            return Ok(());
        }
        if self.taken.contains(&p.key) {
            return Err(RuleError::NameTaken);
        }
        if self.player_count() >= self.max_players {
            return Err(RuleError::RoomFull);
        }
        let p = &mut self.players[id.index()];
        p.lapsed = false;
        self.taken.add(&p.key);
        self.lapsed -= 1;
        Ok(())
    }

    /// Draws the next question now, in the lobby or a reveal while a round
    /// is left, so that its photos can reach the phones before it starts
    /// ([`Upcoming::photos`]); [`Game::start_round`] then asks it. Keeps
    /// one already drawn (a phone that reconnects must get the same
    /// photos). `None` when no round is next.
    pub fn draw_next<R: Rng + ?Sized>(&mut self, rng: &mut R) -> Option<&Upcoming> {
        let number = self.round_number() + 1;
        let between = matches!(self.phase, Phase::Lobby | Phase::Reveal);
        if !between || number > self.settings.rounds {
            self.next = None;
            return None;
        }
        if self.next.as_ref().is_some_and(|n| n.number == number) {
            return self.next.as_ref();
        }
        let ask = self.settings.ask(&self.pool);
        let question = match self.settings.mode {
            Mode::Mixed => self.pick_mixed_question(rng)?,
            m if m.is_then_now() => self.pick_then_now_question(rng).ok()?,
            _ => pick_question_for(&self.pool, &self.asked, &ask, rng)?,
        };
        let photos = match self.mode_of(&question) {
            Mode::PhotoToName => preload_lineup(&self.pool, &self.asked, &ask, &question, rng),
            // The choices as a set, in an order of its own: what the
            // question's `round` shows anyway (docs/protocol.md, Preload).
            _ => Some(shuffled_photos(&question, rng)),
        };
        Some(&*self.next.insert(Upcoming {
            number,
            question,
            photos,
        }))
    }

    /// The question drawn for the next round, while it has not started.
    pub fn upcoming(&self) -> Option<&Upcoming> {
        let number = self.round_number() + 1;
        let between = matches!(self.phase, Phase::Lobby | Phase::Reveal);
        self.next.as_ref().filter(|n| between && n.number == number)
    }

    /// From the lobby or a reveal: the next question (the one drawn ahead,
    /// if any), or the end after the last round.
    pub fn start_round<R: Rng + ?Sized>(
        &mut self,
        now: Millis,
        rng: &mut R,
    ) -> Result<Vec<Event>, RuleError> {
        if !matches!(self.phase, Phase::Lobby | Phase::Reveal) {
            return Err(RuleError::WrongPhase);
        }
        let number = self.round_number() + 1;
        if number > self.settings.rounds {
            return Ok(self.commit(vec![Event::GameOver { at: now }]));
        }
        if self.settings.mode.is_then_now() {
            return self.start_then_now(number, now, rng);
        }
        if self.settings.mode == Mode::Mixed {
            return self.start_mixed(number, now, rng);
        }
        let question = match self.next.take() {
            Some(next) if next.number == number => next.question,
            _ => pick_question_for(&self.pool, &self.asked, &self.settings.ask(&self.pool), rng)
                .ok_or(RuleError::BadSettings(SettingsRefusal::TooFew))?,
        };
        let deadline = now + u64::from(self.settings.seconds) * 1000;
        Ok(self.commit(vec![Event::RoundStarted {
            number,
            question,
            started_at: now,
            deadline,
        }]))
    }

    /// [`Game::start_round`] of a then & now game. The first round needs
    /// [`super::thennow::MIN_THEN_NOW_PEOPLE`] faces (refused otherwise)
    /// and caps the rounds at how many there are; a later round that finds
    /// no fresh face (all asked, or hidden since) ends the game instead.
    fn start_then_now<R: Rng + ?Sized>(
        &mut self,
        number: u32,
        now: Millis,
        rng: &mut R,
    ) -> Result<Vec<Event>, RuleError> {
        let mut events = Vec::new();
        if number == 1 {
            let have =
                then_now_ready(&self.pool, &self.face_people()).map_err(RuleError::ThenNow)?;
            let rounds = self
                .settings
                .rounds
                .min(u32::try_from(have).unwrap_or(u32::MAX));
            if rounds < self.settings.rounds {
                let settings = Settings {
                    rounds,
                    ..self.settings.clone()
                };
                events.push(Event::Configured { settings });
            }
        }
        let question = match self.drawn_still_shown(number) {
            Some(q) => q,
            None => match self.pick_then_now_question(rng) {
                Ok(q) => q,
                Err(e) if number == 1 => return Err(RuleError::ThenNow(e)),
                Err(_) => return Ok(self.commit(vec![Event::GameOver { at: now }])),
            },
        };
        events.push(self.round_started(number, question, now));
        Ok(self.commit(events))
    }

    /// The question drawn ahead for round `number`, unless a face of today
    /// it shows has gone since (then it is drawn again).
    fn drawn_still_shown(&mut self, number: u32) -> Option<Question> {
        self.next
            .take()
            .filter(|n| n.number == number && self.still_shown(&n.question))
            .map(|n| n.question)
    }

    fn round_started(&self, number: u32, question: Question, now: Millis) -> Event {
        Event::RoundStarted {
            number,
            question,
            started_at: now,
            deadline: now + u64::from(self.settings.seconds) * 1000,
        }
    }

    /// [`Game::start_round`] of a mixed game: the question drawn ahead
    /// unless a face it shows has gone since, else one drawn now; the end
    /// once nobody is left to ask.
    fn start_mixed<R: Rng + ?Sized>(
        &mut self,
        number: u32,
        now: Millis,
        rng: &mut R,
    ) -> Result<Vec<Event>, RuleError> {
        let question = match self.drawn_still_shown(number) {
            Some(q) => q,
            None => match self.pick_mixed_question(rng) {
                Some(q) => q,
                None => return Ok(self.commit(vec![Event::GameOver { at: now }])),
            },
        };
        let started = self.round_started(number, question, now);
        Ok(self.commit(vec![started]))
    }

    /// A phone's vote. Closes the round when no connected player is left
    /// without a vote, unless it is paused. A vote while paused counts
    /// (a guest who tapped as the emcee paused is not lost), timed at the
    /// pause: paused time earns no points and costs none.
    pub fn vote(
        &mut self,
        player: PlayerId,
        round: u32,
        choice: i64,
        now: Millis,
    ) -> Result<(VoteOutcome, Vec<Event>), RuleError> {
        if self.player(player).is_none() {
            return Err(RuleError::UnknownPlayer);
        }
        let Some(current) = self.round.as_ref() else {
            return Err(RuleError::RoundClosed);
        };
        if current.number == round && self.is_about(player) {
            return Err(RuleError::ItsYou);
        }
        // A vote already counted is answered the same way even after the
        // round closed: a phone retrying after a drop gets its ack.
        if current.number == round
            && let Some(previous) = current.votes.get(&player)
        {
            return if i64::from(previous.choice) == choice {
                Ok((VoteOutcome::Repeat, Vec::new()))
            } else {
                Err(RuleError::AlreadyVoted)
            };
        }
        let now = current.clock_at(now);
        if current.number != round || self.phase != Phase::Question || now >= current.deadline {
            return Err(RuleError::RoundClosed);
        }
        let choice = u8::try_from(choice)
            .ok()
            .filter(|c| *c < 4)
            .ok_or(RuleError::BadChoice)?;
        let elapsed_ms = now.saturating_sub(current.started_at);
        let mut events = self.commit(vec![Event::Voted {
            player,
            round,
            choice,
            elapsed_ms,
        }]);
        if !self.is_paused() {
            events.extend(self.close_if_all_voted(now));
        }
        Ok((VoteOutcome::Accepted, events))
    }

    /// Closes the open round when it has votes and no connected player is
    /// left without one.
    fn close_if_all_voted(&mut self, now: Millis) -> Vec<Event> {
        let (answered, expected) = self.voting_status();
        if answered > 0 && answered >= expected {
            let round = self.round_number();
            self.commit(vec![Event::RoundClosed { round, at: now }])
        } else {
            Vec::new()
        }
    }

    /// The host pauses the open question: its time stops running until
    /// [`Game::unpause`]. Pausing a paused question changes nothing; once
    /// its time is up (the timer is about to close it) it is `WrongPhase`.
    pub fn pause(&mut self, now: Millis) -> Result<Vec<Event>, RuleError> {
        let round = match (self.phase, &self.round) {
            (Phase::Question, Some(round)) => round,
            _ => return Err(RuleError::WrongPhase),
        };
        if round.paused_at.is_some() {
            return Ok(Vec::new());
        }
        if now >= round.deadline {
            return Err(RuleError::WrongPhase);
        }
        Ok(self.commit(vec![Event::RoundPaused { at: now }]))
    }

    /// The host resumes a paused question with the time it had left; one
    /// that everybody answered while paused closes now. Resuming a running
    /// question changes nothing.
    pub fn unpause(&mut self, now: Millis) -> Result<Vec<Event>, RuleError> {
        let round = match (self.phase, &self.round) {
            (Phase::Question, Some(round)) => round,
            _ => return Err(RuleError::WrongPhase),
        };
        let Some(paused_at) = round.paused_at else {
            return Ok(Vec::new());
        };
        // From what had run and what was left at the pause, not from how
        // long it stood: a restart's clock may read earlier than the pause.
        let ran = paused_at.saturating_sub(round.started_at);
        let left = round.deadline.saturating_sub(paused_at);
        let mut events = self.commit(vec![Event::RoundUnpaused {
            started_at: now.saturating_sub(ran),
            deadline: now + left,
        }]);
        // With nobody connected (a host resuming right after a restart,
        // before the phones are back) the stored votes are not "everyone".
        if self.connected > 0 {
            events.extend(self.close_if_all_voted(now));
        }
        Ok(events)
    }

    /// The host closes voting now.
    pub fn reveal(&mut self, now: Millis) -> Result<Vec<Event>, RuleError> {
        if self.phase != Phase::Question {
            return Err(RuleError::WrongPhase);
        }
        let round = self.round_number();
        Ok(self.commit(vec![Event::RoundClosed { round, at: now }]))
    }

    /// Ends the game from any phase; an open question is closed (and scored)
    /// first.
    pub fn end_game(&mut self, now: Millis) -> Result<Vec<Event>, RuleError> {
        let mut events = match self.phase {
            Phase::Over => return Err(RuleError::WrongPhase),
            Phase::Question => self.reveal(now)?,
            _ => Vec::new(),
        };
        events.extend(self.commit(vec![Event::GameOver { at: now }]));
        Ok(events)
    }

    /// Closes the question once its deadline has passed.
    pub fn tick(&mut self, now: Millis) -> Vec<Event> {
        match self.next_deadline() {
            Some(deadline) if now >= deadline => self.reveal(now).unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// Every player still in the room, ranked.
    pub fn leaderboard(&self) -> Vec<(u32, &Player)> {
        let mut standings: Vec<Standing> = self
            .players()
            .map(|p| Standing {
                player: p.id,
                score: p.score,
                correct_ms: p.correct_ms,
            })
            .collect();
        let ranks = leaderboard::rank(&mut standings);
        standings
            .iter()
            .zip(ranks)
            .map(|(s, rank)| (rank, &self.players[s.player.index()]))
            .collect()
    }

    /// The most and the least recognised people asked in this game, by
    /// share of right answers (more answers break ties). Only people asked
    /// with at least [`Game::recognition_min_answers`] answers count, so "1 of
    /// 1" never names anyone in a room of many. The least is `None` when only
    /// one person counts: nobody is both.
    pub fn recognition_extremes(&self) -> Option<(Recognition, Option<Recognition>)> {
        let min = self.recognition_min_answers();
        let answered: Vec<&Recognition> =
            self.history.iter().filter(|r| r.answered >= min).collect();
        let share = |r: &Recognition| f64::from(r.correct) / f64::from(r.answered);
        let most = answered.iter().copied().max_by(|a, b| {
            share(a)
                .total_cmp(&share(b))
                .then(a.answered.cmp(&b.answered))
        })?;
        let least = answered.iter().copied().min_by(|a, b| {
            share(a)
                .total_cmp(&share(b))
                .then(b.answered.cmp(&a.answered))
        })?;
        let least = (least.person != most.person).then_some(*least);
        Some((*most, least))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::question::pick_question;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    /// A class of `people` with no groups, `in_memoriam(p)` for each.
    pub(super) fn class(people: usize, in_memoriam: impl Fn(usize) -> bool) -> Arc<Pool> {
        Arc::new(Pool {
            groups: vec![None; people],
            in_memoriam: (0..people).map(in_memoriam).collect(),
            ..Pool::default()
        })
    }

    /// Joins `players` guests ("Player 0", …) at time 0, all connected;
    /// they get ids 0, 1, … in that order.
    pub(super) fn seat(g: &mut Game, players: usize) {
        for i in 0..players {
            let name = PlayerName::parse(&format!("Player {i}")).unwrap();
            g.join(&name, 0).unwrap();
            g.set_connected(PlayerId::new(i as u32), true, 0);
        }
    }

    fn game(players: usize, seconds: u32) -> (Game, StdRng) {
        let settings = Settings {
            rounds: 3,
            seconds,
            ..Settings::default()
        };
        let mut g = Game::new(class(8, |_| false), settings, 100);
        seat(&mut g, players);
        (g, StdRng::seed_from_u64(42))
    }

    /// Players by join order: ids are handed out from 0.
    const FIRST: PlayerId = PlayerId::new(0);
    const SECOND: PlayerId = PlayerId::new(1);
    const THIRD: PlayerId = PlayerId::new(2);

    fn answer(g: &Game) -> i64 {
        i64::from(g.round().unwrap().question.answer)
    }

    fn wrong(g: &Game) -> i64 {
        (answer(g) + 1) % 4
    }

    #[test]
    fn a_round_goes_lobby_question_reveal() {
        let (mut g, mut rng) = game(2, 20);
        assert_eq!(g.phase(), Phase::Lobby);
        g.start_round(1_000, &mut rng).unwrap();
        assert_eq!(g.phase(), Phase::Question);
        assert_eq!(g.next_deadline(), Some(21_000));
        g.reveal(2_000).unwrap();
        assert_eq!(g.phase(), Phase::Reveal);
    }

    #[test]
    fn right_answers_score_by_speed_and_wrong_ones_score_nothing() {
        let (mut g, mut rng) = game(2, 20);
        g.start_round(0, &mut rng).unwrap();
        let (a, w) = (answer(&g), wrong(&g));
        g.vote(FIRST, 1, a, 10_000).unwrap();
        g.vote(SECOND, 1, w, 1_000).unwrap();
        assert_eq!(g.phase(), Phase::Reveal, "all connected voted: closes");
        assert_eq!(g.player(FIRST).unwrap().score, 750);
        assert_eq!(g.player(SECOND).unwrap().score, 0);
        assert_eq!(g.player(SECOND).unwrap().answered, 1);
    }

    #[test]
    fn the_same_vote_again_is_a_repeat_and_a_different_one_is_refused() {
        let (mut g, mut rng) = game(2, 20);
        g.start_round(0, &mut rng).unwrap();
        let (outcome, _) = g.vote(FIRST, 1, 2, 100).unwrap();
        assert_eq!(outcome, VoteOutcome::Accepted);
        assert_eq!(g.vote(FIRST, 1, 2, 200).unwrap().0, VoteOutcome::Repeat);
        assert_eq!(g.vote(FIRST, 1, 3, 300), Err(RuleError::AlreadyVoted));
    }

    #[test]
    fn the_same_vote_after_the_round_closed_is_still_a_repeat() {
        let (mut g, mut rng) = game(1, 20);
        g.start_round(0, &mut rng).unwrap();
        g.vote(FIRST, 1, 2, 100).unwrap();
        assert_eq!(g.phase(), Phase::Reveal, "the last vote closed the round");
        assert_eq!(g.vote(FIRST, 1, 2, 200).unwrap().0, VoteOutcome::Repeat);
        assert_eq!(g.vote(FIRST, 1, 1, 200), Err(RuleError::AlreadyVoted));
    }

    #[test]
    fn a_paused_question_keeps_its_time_and_paused_time_earns_no_points() {
        let (mut g, mut rng) = game(2, 20);
        g.start_round(0, &mut rng).unwrap();
        let a = answer(&g);
        assert_eq!(g.pause(5_000).unwrap().len(), 1);
        assert!(g.is_paused());
        assert!(g.pause(6_000).unwrap().is_empty(), "a second pause: no-op");
        assert_eq!(g.next_deadline(), None, "no deadline while paused");
        assert!(g.tick(100_000).is_empty(), "the clock does not close it");
        assert_eq!(g.round().unwrap().remaining_ms(100_000), 15_000);
        // A vote while paused counts, timed at the pause.
        g.vote(FIRST, 1, a, 90_000).unwrap();
        assert_eq!(g.phase(), Phase::Question);
        g.unpause(105_000).unwrap();
        assert!(
            g.unpause(105_500).unwrap().is_empty(),
            "a second unpause: no-op"
        );
        assert_eq!(g.next_deadline(), Some(120_000), "15 s left after 105 s");
        assert_eq!(g.round().unwrap().remaining_ms(110_000), 10_000);
        // 5 s before the pause and 5 s after: 10 s of 20.
        g.vote(SECOND, 1, a, 110_000).unwrap();
        assert_eq!(g.phase(), Phase::Reveal);
        assert_eq!(g.player(FIRST).unwrap().score, 875);
        assert_eq!(g.player(SECOND).unwrap().score, 750);
    }

    #[test]
    fn a_question_everybody_answered_while_paused_closes_on_unpause() {
        let (mut g, mut rng) = game(1, 20);
        g.start_round(0, &mut rng).unwrap();
        g.pause(1_000).unwrap();
        g.vote(FIRST, 1, 0, 2_000).unwrap();
        assert_eq!(g.phase(), Phase::Question, "held while paused");
        let events = g.unpause(3_000).unwrap();
        assert!(matches!(events.last(), Some(Event::RoundClosed { .. })));
        assert_eq!(g.phase(), Phase::Reveal);
        assert!(!g.is_paused());
    }

    #[test]
    fn unpause_with_nobody_connected_waits_for_the_phones() {
        let (mut g, mut rng) = game(2, 20);
        g.start_round(0, &mut rng).unwrap();
        g.pause(1_000).unwrap();
        g.vote(FIRST, 1, 0, 2_000).unwrap();
        // As after a restart: everybody starts disconnected.
        g.set_connected(FIRST, false, 3_000);
        g.set_connected(SECOND, false, 3_000);
        let events = g.unpause(4_000).unwrap();
        assert!(
            !events
                .iter()
                .any(|e| matches!(e, Event::RoundClosed { .. })),
            "{events:?}"
        );
        assert_eq!(g.phase(), Phase::Question);
        assert_eq!(g.next_deadline(), Some(23_000));
    }

    #[test]
    fn pause_is_for_an_open_question_and_reveal_still_works_while_paused() {
        let (mut g, mut rng) = game(2, 20);
        assert_eq!(g.pause(0), Err(RuleError::WrongPhase));
        assert_eq!(g.unpause(0), Err(RuleError::WrongPhase));
        g.start_round(0, &mut rng).unwrap();
        assert_eq!(g.pause(20_000), Err(RuleError::WrongPhase), "time is up");
        g.pause(1_000).unwrap();
        g.reveal(2_000).unwrap();
        assert_eq!(g.phase(), Phase::Reveal);
        assert!(!g.is_paused());
        assert_eq!(g.pause(3_000), Err(RuleError::WrongPhase));
    }

    #[test]
    fn a_pause_replays_from_the_events() {
        let (mut g, mut rng) = game(2, 20);
        let mut events = g.start_round(0, &mut rng).unwrap();
        events.extend(g.pause(4_000).unwrap());
        let (mut replayed, _) = game(2, 20);
        for e in &events {
            replayed.apply(e);
        }
        assert!(replayed.is_paused());
        assert_eq!(replayed.round().unwrap().remaining_ms(50_000), 16_000);
    }

    #[test]
    fn a_restart_that_extends_the_time_does_not_change_the_points() {
        let (mut g, mut rng) = game(2, 20);
        g.start_round(0, &mut rng).unwrap();
        let a = answer(&g);
        g.vote(FIRST, 1, a, 10_000).unwrap();
        g.apply(&Event::RoundResumed {
            started_at: 60_000,
            deadline: 90_000,
        });
        g.reveal(61_000).unwrap();
        assert_eq!(
            g.player(FIRST).unwrap().score,
            750,
            "scored against the 20 s limit"
        );
    }

    #[test]
    fn out_of_range_choices_are_refused() {
        let (mut g, mut rng) = game(2, 20);
        g.start_round(0, &mut rng).unwrap();
        assert_eq!(g.vote(FIRST, 1, 4, 10), Err(RuleError::BadChoice));
        assert_eq!(g.vote(FIRST, 1, -1, 10), Err(RuleError::BadChoice));
    }

    #[test]
    fn late_vote_after_deadline_is_refused() {
        let (mut g, mut rng) = game(2, 5);
        g.start_round(0, &mut rng).unwrap();
        assert_eq!(g.vote(FIRST, 1, 0, 5_000), Err(RuleError::RoundClosed));
        assert!(!g.tick(5_000).is_empty());
        assert_eq!(g.phase(), Phase::Reveal);
        assert_eq!(g.vote(FIRST, 1, 0, 5_001), Err(RuleError::RoundClosed));
    }

    #[test]
    fn vote_for_another_round_is_refused() {
        let (mut g, mut rng) = game(2, 20);
        g.start_round(0, &mut rng).unwrap();
        assert_eq!(g.vote(FIRST, 2, 0, 10), Err(RuleError::RoundClosed));
    }

    #[test]
    fn tick_before_the_deadline_changes_nothing() {
        let (mut g, mut rng) = game(2, 20);
        g.start_round(0, &mut rng).unwrap();
        assert!(g.tick(19_999).is_empty());
        assert_eq!(g.phase(), Phase::Question);
    }

    #[test]
    fn a_disconnected_player_does_not_hold_the_room_up() {
        let (mut g, mut rng) = game(3, 20);
        g.start_round(0, &mut rng).unwrap();
        g.set_connected(THIRD, false, 0);
        assert_eq!(g.phase(), Phase::Question, "leaving never closes voting");
        g.vote(FIRST, 1, 0, 10).unwrap();
        g.vote(SECOND, 1, 1, 20).unwrap();
        assert_eq!(g.phase(), Phase::Reveal);
    }

    #[test]
    fn a_voter_who_drops_and_returns_is_counted_once() {
        let (mut g, mut rng) = game(3, 20);
        g.start_round(0, &mut rng).unwrap();
        g.vote(FIRST, 1, 0, 10).unwrap();
        g.set_connected(FIRST, false, 0);
        assert_eq!(g.voting_status(), (1, 3));
        g.set_connected(FIRST, true, 0);
        assert_eq!(g.voting_status(), (1, 3));
        g.kick(THIRD).unwrap();
        assert_eq!(g.voting_status(), (1, 2));
        g.vote(SECOND, 1, 1, 20).unwrap();
        assert_eq!(g.phase(), Phase::Reveal);
    }

    /// Three players' first round: FIRST and SECOND answer right after
    /// `first_ms` and `second_ms`, THIRD wrong at once; the round closes.
    fn two_right_one_wrong(first_ms: Millis, second_ms: Millis) -> Game {
        let (mut g, mut rng) = game(3, 20);
        g.start_round(0, &mut rng).unwrap();
        let a = answer(&g);
        g.vote(FIRST, 1, a, first_ms).unwrap();
        g.vote(SECOND, 1, a, second_ms).unwrap();
        g.vote(THIRD, 1, wrong(&g), 0).unwrap();
        g
    }

    #[test]
    fn rank_of_counts_who_is_strictly_ahead() {
        let g = two_right_one_wrong(1_000, 1_000);
        assert_eq!(
            (g.rank_of(FIRST), g.rank_of(SECOND), g.rank_of(THIRD)),
            (1, 1, 3)
        );
    }

    #[test]
    fn a_streak_counts_right_answers_in_a_row_and_a_miss_ends_it() {
        let (mut g, mut rng) = game(3, 20);
        let streaks = |g: &Game| [FIRST, SECOND, THIRD].map(|p| g.player(p).unwrap().streak);
        for round in 1..=3 {
            g.start_round(round * 100_000, &mut rng).unwrap();
            let (a, w) = (answer(&g), wrong(&g));
            let now = round * 100_000 + 1_000;
            g.vote(FIRST, round as u32, a, now).unwrap();
            // SECOND misses round 2; THIRD never answers.
            let second = if round == 2 { w } else { a };
            g.vote(SECOND, round as u32, second, now).unwrap();
            g.reveal(now).unwrap();
            let want = match round {
                1 => [1, 1, 0],
                2 => [2, 0, 0],
                _ => [3, 1, 0],
            };
            assert_eq!(streaks(&g), want, "after round {round}");
        }
    }

    #[test]
    fn tied_with_counts_the_others_on_the_same_score_and_time() {
        let (mut g, mut rng) = game(3, 20);
        assert_eq!([FIRST, SECOND, THIRD].map(|p| g.tied_with(p)), [2, 2, 2]);
        g.start_round(0, &mut rng).unwrap();
        let a = answer(&g);
        g.vote(FIRST, 1, a, 1_000).unwrap();
        g.reveal(2_000).unwrap();
        assert_eq!([FIRST, SECOND, THIRD].map(|p| g.tied_with(p)), [0, 1, 1]);
        assert_eq!(g.tied_with(PlayerId::new(99)), 0, "nobody");
    }

    #[test]
    fn voting_stays_open_while_a_connected_player_has_not_voted() {
        let (mut g, mut rng) = game(3, 20);
        g.start_round(0, &mut rng).unwrap();
        g.vote(FIRST, 1, 0, 10).unwrap();
        g.vote(SECOND, 1, 1, 20).unwrap();
        assert_eq!(g.phase(), Phase::Question);
        assert_eq!(g.voting_status(), (2, 3));
    }

    #[test]
    fn host_reveal_only_during_a_question() {
        let (mut g, mut rng) = game(1, 20);
        assert_eq!(g.reveal(0), Err(RuleError::WrongPhase));
        g.start_round(0, &mut rng).unwrap();
        assert_eq!(
            g.start_round(1, &mut rng),
            Err(RuleError::WrongPhase),
            "no next round while a question is open"
        );
        g.reveal(1).unwrap();
        assert_eq!(g.reveal(2), Err(RuleError::WrongPhase));
    }

    #[test]
    fn start_after_the_last_round_ends_the_game() {
        let (mut g, mut rng) = game(1, 20);
        for i in 0..3 {
            g.start_round(i * 100, &mut rng).unwrap();
            g.reveal(i * 100 + 50).unwrap();
        }
        let events = g.start_round(1_000, &mut rng).unwrap();
        assert_eq!(events, vec![Event::GameOver { at: 1_000 }]);
        assert_eq!(g.phase(), Phase::Over);
        assert_eq!(g.start_round(2_000, &mut rng), Err(RuleError::WrongPhase));
    }

    #[test]
    fn end_game_mid_question_scores_the_open_round_first() {
        let (mut g, mut rng) = game(2, 20);
        g.start_round(0, &mut rng).unwrap();
        let a = answer(&g);
        g.vote(FIRST, 1, a, 0).unwrap();
        let events = g.end_game(500).unwrap();
        assert!(matches!(events[0], Event::RoundClosed { .. }));
        assert!(matches!(events[1], Event::GameOver { .. }));
        assert_eq!(g.player(FIRST).unwrap().score, 1000);
    }

    #[test]
    fn names_are_unique_ignoring_case_and_free_again_once_a_kicked_one_is_let_back() {
        let (mut g, _) = game(0, 20);
        let ann = PlayerName::parse("Ann").unwrap();
        g.join(&ann, 0).unwrap();
        assert_eq!(
            g.join(&PlayerName::parse("ANN").unwrap(), 0),
            Err(RuleError::NameTaken)
        );
        g.kick(FIRST).unwrap();
        assert!(g.player(FIRST).is_none());
        assert_eq!(g.join(&ann, 0), Err(RuleError::NameBanned));
        g.let_back(FIRST).unwrap();
        g.join(&ann, 0).unwrap();
        assert_eq!(g.player_count(), 1);
    }

    #[test]
    fn a_kicked_device_stays_out_under_any_name_until_let_back() {
        let (mut g, _) = game(0, 20);
        let name = |n: &str| PlayerName::parse(n).unwrap();
        g.join_on_device(&name("Ann"), Some("phone-1"), 0).unwrap();
        g.kick(FIRST).unwrap();
        assert_eq!(g.banned().map(|p| p.id).collect::<Vec<_>>(), vec![FIRST]);
        assert_eq!(
            g.join_on_device(&name("Not Ann"), Some("phone-1"), 0),
            Err(RuleError::Kicked)
        );
        assert_eq!(
            g.join_on_device(&name("aNN"), Some("phone-2"), 0),
            Err(RuleError::NameBanned),
            "the name stays out from another phone too"
        );
        g.join_on_device(&name("Bob"), Some("phone-2"), 0).unwrap();
        assert_eq!(g.let_back(SECOND), Err(RuleError::UnknownPlayer));
        g.let_back(FIRST).unwrap();
        assert_eq!(g.banned().count(), 0);
        assert_eq!(g.let_back(FIRST), Err(RuleError::UnknownPlayer), "once");
        g.join_on_device(&name("Ann"), Some("phone-1"), 0).unwrap();
        assert_eq!(g.player_count(), 2);
    }

    #[test]
    fn removing_the_disconnected_bans_nobody() {
        let (mut g, _) = game(0, 20);
        let ann = PlayerName::parse("Ann").unwrap();
        g.join_on_device(&ann, Some("phone-1"), 0).unwrap();
        g.remove_disconnected().unwrap();
        assert_eq!(g.banned().count(), 0);
        g.join_on_device(&ann, Some("phone-1"), 0).unwrap();
    }

    #[test]
    fn a_full_room_refuses_the_next_join() {
        let pool = Arc::new(Pool {
            groups: vec![None; 4],
            in_memoriam: vec![false; 4],
            ..Pool::default()
        });
        let mut g = Game::new(pool, Settings::default(), 2);
        g.join(&PlayerName::parse("a").unwrap(), 0).unwrap();
        g.join(&PlayerName::parse("b").unwrap(), 0).unwrap();
        assert_eq!(
            g.join(&PlayerName::parse("c").unwrap(), 0),
            Err(RuleError::RoomFull)
        );
    }

    fn small_room(max_players: usize) -> Game {
        Game::new(class(8, |_| false), Settings::default(), max_players)
    }

    /// Joins `name` at `now` and connects it; returns its id.
    fn arrive(g: &mut Game, name: &str, now: Millis) -> PlayerId {
        let events = g.join(&PlayerName::parse(name).unwrap(), now).unwrap();
        let Some(Event::Joined { player, .. }) = events.first() else {
            panic!("no Joined event: {events:?}");
        };
        g.set_connected(*player, true, now);
        *player
    }

    #[test]
    fn a_player_who_left_the_lobby_stops_counting_after_the_seat_hold() {
        let mut g = small_room(2);
        let filler = arrive(&mut g, "Filler", 0);
        arrive(&mut g, "Ann", 0);
        g.set_connected(filler, false, 1_000);
        let guest = PlayerName::parse("Guest").unwrap();
        assert_eq!(
            g.join(&guest, 1_000 + SEAT_HOLD_MS - 1),
            Err(RuleError::RoomFull),
            "within the seat hold the seat is kept"
        );
        assert!(g.join(&guest, 1_000 + SEAT_HOLD_MS).is_ok());
        assert_eq!(g.player_count(), 2);
        assert!(
            g.player(filler).is_none(),
            "the lapsed player is out of the lists"
        );
        assert_eq!(g.players().count(), 2);
    }

    #[test]
    fn a_lapsing_seat_can_be_freed_before_its_hold_is_over() {
        let mut g = small_room(2);
        let filler = PlayerName::parse("Filler").unwrap();
        let stays = PlayerName::parse("Stays").unwrap();
        g.join(&filler, 0).unwrap();
        g.join(&stays, 0).unwrap();
        g.set_connected(FIRST, true, 0);
        g.set_connected(SECOND, true, 0);
        assert!(!g.lapse_now(FIRST), "a connected player keeps its seat");
        g.set_connected(FIRST, false, 1_000);
        assert_eq!(g.lapsing_since(FIRST), Some(1_000));
        assert_eq!(g.lapsing_since(SECOND), None);
        assert!(g.lapse_now(FIRST));
        assert_eq!(g.player_count(), 1, "its seat is free at once");
        assert!(!g.lapse_now(FIRST), "once");
        // Its stale entry in the hold queue lapses nobody later.
        assert_eq!(g.lapse(1_000 + SEAT_HOLD_MS), 0);
        assert_eq!(g.player_count(), 1);
        assert!(
            g.rejoin(FIRST, 2_000).is_ok(),
            "it may come back while free"
        );
    }

    #[test]
    fn a_phone_that_drops_and_comes_back_within_the_seat_hold_keeps_its_seat() {
        let mut g = small_room(2);
        let ann = arrive(&mut g, "Ann", 0);
        g.set_connected(ann, false, 1_000);
        g.set_connected(ann, true, 60_000);
        // Its old disconnection is stale: no lapse at 1 s + the hold.
        assert_eq!(g.lapse(1_000 + SEAT_HOLD_MS), 0);
        g.set_connected(ann, false, 70_000);
        assert_eq!(g.lapse(70_000 + SEAT_HOLD_MS - 1), 0);
        assert_eq!(g.lapse(70_000 + SEAT_HOLD_MS), 1);
    }

    #[test]
    fn a_lapsed_player_who_resumes_gets_its_seat_back_while_one_is_free() {
        let mut g = small_room(2);
        let ann = arrive(&mut g, "Ann", 0);
        g.set_connected(ann, false, 0);
        assert_eq!(g.lapse(SEAT_HOLD_MS), 1);
        assert_eq!(g.player_count(), 0);
        g.rejoin(ann, SEAT_HOLD_MS + 5).unwrap();
        assert!(g.set_connected(ann, true, SEAT_HOLD_MS + 5));
        assert_eq!(g.player(ann).map(|p| p.name.as_str()), Some("Ann"));
        assert_eq!(g.player_count(), 1);
    }

    #[test]
    fn a_lapsed_player_whose_seat_or_name_was_taken_must_join_again() {
        let mut g = small_room(1);
        let ann = arrive(&mut g, "Ann", 0);
        g.set_connected(ann, false, 0);
        arrive(&mut g, "Bob", SEAT_HOLD_MS);
        assert_eq!(g.rejoin(ann, SEAT_HOLD_MS + 1), Err(RuleError::RoomFull));

        let mut g = small_room(5);
        let ann = arrive(&mut g, "Ann", 0);
        g.set_connected(ann, false, 0);
        arrive(&mut g, "ANN", SEAT_HOLD_MS);
        assert_eq!(g.rejoin(ann, SEAT_HOLD_MS + 1), Err(RuleError::NameTaken));
        assert!(g.player(ann).is_none());
    }

    #[test]
    fn a_name_is_free_again_after_a_kick_or_a_lapse_and_taken_again_by_a_rejoin() {
        let taken = |g: &mut Game, name: &str| {
            g.join(&PlayerName::parse(name).unwrap(), SEAT_HOLD_MS)
                .err()
                == Some(RuleError::NameTaken)
        };
        let mut g = small_room(10);
        let ann = arrive(&mut g, "Ann", 0);
        let bob = arrive(&mut g, "Bob", 0);
        assert!(taken(&mut g, "ANN") && taken(&mut g, "bob"));
        let kick = g.kick(bob).unwrap();
        assert!(!kick.is_empty());
        assert_eq!(
            g.join(&PlayerName::parse("Bob").unwrap(), SEAT_HOLD_MS),
            Err(RuleError::NameBanned),
            "a kicked player's name stays out"
        );
        g.set_connected(ann, false, 0);
        assert_eq!(g.lapse(SEAT_HOLD_MS), 1);
        assert!(!taken(&mut g, "Аnn"), "a lapsed seat's name is free");
        let mut g = small_room(10);
        let ann = arrive(&mut g, "Ann", 0);
        g.set_connected(ann, false, 0);
        g.lapse(SEAT_HOLD_MS);
        g.rejoin(ann, SEAT_HOLD_MS).unwrap();
        assert!(
            taken(&mut g, "ann"),
            "a rejoined player holds its name again"
        );
    }

    #[test]
    fn a_player_who_voted_keeps_its_seat_however_long_it_is_away() {
        let (mut g, mut rng) = game(2, 20);
        g.start_round(0, &mut rng).unwrap();
        g.vote(FIRST, 1, 0, 10).unwrap();
        g.set_connected(FIRST, false, 20);
        g.set_connected(SECOND, false, 20);
        assert_eq!(
            g.lapse(20 + SEAT_HOLD_MS),
            1,
            "only the one who never voted"
        );
        assert!(g.player(FIRST).is_some());
        assert!(g.player(SECOND).is_none());
    }

    #[test]
    fn after_a_restart_everyone_gets_the_whole_seat_hold_to_come_back() {
        let mut g = small_room(5);
        g.apply(&Event::Joined {
            player: FIRST,
            name: "Ann".into(),
            device: None,
        });
        assert_eq!(
            g.lapse(10 * SEAT_HOLD_MS),
            0,
            "never connected: no clock yet"
        );
        g.everyone_away_since(10 * SEAT_HOLD_MS);
        assert_eq!(g.lapse(11 * SEAT_HOLD_MS - 1), 0);
        assert_eq!(g.lapse(11 * SEAT_HOLD_MS), 1);
    }

    #[test]
    fn the_host_removes_every_disconnected_player_at_once_in_the_lobby_only() {
        let mut g = small_room(10);
        let gone = arrive(&mut g, "Gone", 0);
        let here = arrive(&mut g, "Here", 0);
        let lapsed = arrive(&mut g, "Lapsed", 0);
        g.set_connected(lapsed, false, 0);
        g.lapse(SEAT_HOLD_MS);
        g.set_connected(gone, false, SEAT_HOLD_MS);
        let events = g.remove_disconnected().unwrap();
        assert_eq!(
            events,
            vec![
                Event::Kicked {
                    player: gone,
                    banned: false
                },
                Event::Kicked {
                    player: lapsed,
                    banned: false
                }
            ]
        );
        assert_eq!(g.players().map(|p| p.id).collect::<Vec<_>>(), vec![here]);
        assert_eq!(g.player_count(), 1);
        assert_eq!(
            g.rejoin(lapsed, SEAT_HOLD_MS),
            Err(RuleError::UnknownPlayer)
        );
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        g.start_round(SEAT_HOLD_MS, &mut rng).unwrap();
        assert_eq!(g.remove_disconnected(), Err(RuleError::WrongPhase));
    }

    #[test]
    fn replaying_the_events_rebuilds_the_same_game() {
        let (mut g, mut rng) = game(3, 20);
        let mut log = Vec::new();
        log.extend(g.start_round(0, &mut rng).unwrap());
        let a = answer(&g);
        log.extend(g.vote(FIRST, 1, a, 3_000).unwrap().1);
        log.extend(g.vote(SECOND, 1, a, 1_000).unwrap().1);
        log.extend(g.reveal(9_000).unwrap());
        let pool = Arc::new(Pool {
            groups: vec![None; 8],
            in_memoriam: vec![false; 8],
            ..Pool::default()
        });
        let mut replayed = Game::new(pool, g.settings().clone(), 100);
        for i in 0..3 {
            replayed.apply(&Event::Joined {
                player: PlayerId::new(i),
                name: format!("Player {i}"),
                device: None,
            });
        }
        for e in &log {
            replayed.apply(e);
        }
        let scores = |g: &Game| g.players().map(|p| p.score).collect::<Vec<_>>();
        assert_eq!(scores(&replayed), scores(&g));
        assert_eq!(replayed.phase(), Phase::Reveal);
        // Player 1 was faster with the same right answer: ranks first.
        assert_eq!(g.leaderboard()[0].1.id, SECOND);
    }

    #[test]
    fn the_question_drawn_ahead_is_the_one_asked() {
        let (mut g, mut rng) = game(1, 20);
        let drawn = g.draw_next(&mut rng).unwrap().clone();
        assert_eq!(drawn.number, 1);
        // Drawing again (a phone reconnecting) keeps it, photos and all.
        assert_eq!(g.draw_next(&mut rng), Some(&drawn));
        assert_eq!(g.upcoming(), Some(&drawn));
        g.start_round(0, &mut rng).unwrap();
        assert_eq!(g.round().unwrap().question, drawn.question);
        assert_eq!(g.upcoming(), None, "nothing drawn during a question");
        assert_eq!(g.draw_next(&mut rng), None);
        g.reveal(1_000).unwrap();
        let second = g.draw_next(&mut rng).unwrap().clone();
        assert_eq!(second.number, 2);
        assert_ne!(second.question.target, drawn.question.target);
        g.start_round(2_000, &mut rng).unwrap();
        assert_eq!(g.round().unwrap().question, second.question);
    }

    #[test]
    fn settings_draw_again_and_the_last_round_has_nothing_next() {
        let (mut g, mut rng) = game(1, 20);
        g.draw_next(&mut rng).unwrap();
        let settings = Settings {
            rounds: 1,
            mode: Mode::PhotoToName,
            ..g.settings().clone()
        };
        g.configure(settings).unwrap();
        assert_eq!(g.upcoming(), None, "drawn under the old settings");
        let next = g.draw_next(&mut rng).unwrap().clone();
        let photos = next.photos.unwrap();
        assert!(photos.contains(&(next.question.target, 0)), "{next:?}");
        g.start_round(0, &mut rng).unwrap();
        g.reveal(1_000).unwrap();
        assert_eq!(g.draw_next(&mut rng), None, "that was the last round");
        g.end_game(2_000).unwrap();
        assert_eq!(g.draw_next(&mut rng), None);
    }

    #[test]
    fn name_to_photo_preloads_the_choices_in_another_order() {
        let (mut g, mut rng) = game(1, 20);
        let mut differs = false;
        for _ in 0..20 {
            g.configure(g.settings().clone()).unwrap();
            let next = g.draw_next(&mut rng).unwrap();
            let mut photos = next.photos.unwrap().map(|(p, _)| p);
            differs |= photos != next.question.choices;
            let mut choices = next.question.choices;
            photos.sort();
            choices.sort();
            assert_eq!(photos, choices);
        }
        assert!(differs, "an order of its own");
    }

    #[test]
    fn extremes_pick_the_best_and_worst_recognised() {
        let (mut g, mut rng) = game(2, 20);
        g.start_round(0, &mut rng).unwrap();
        let first = g.round().unwrap().question.target;
        let a = answer(&g);
        g.vote(FIRST, 1, a, 10).unwrap();
        g.vote(SECOND, 1, a, 10).unwrap();
        g.start_round(100, &mut rng).unwrap();
        let second = g.round().unwrap().question.target;
        let w = wrong(&g);
        g.vote(FIRST, 2, w, 110).unwrap();
        g.vote(SECOND, 2, w, 110).unwrap();
        let (most, least) = g.recognition_extremes().unwrap();
        assert_eq!((most.person, most.correct), (first, 2));
        let least = least.unwrap();
        assert_eq!((least.person, least.correct), (second, 0));
    }

    #[test]
    fn one_person_asked_is_not_both_most_and_least_recognised() {
        let (mut g, mut rng) = game(1, 20);
        g.start_round(0, &mut rng).unwrap();
        g.vote(FIRST, 1, 0, 10).unwrap();
        let (_, least) = g.recognition_extremes().unwrap();
        assert_eq!(least, None);
    }

    #[test]
    fn every_refusal_has_the_contracts_error_code() {
        for (error, code) in [
            (RuleError::NameTaken, "name_taken"),
            (RuleError::BadName(NameRefusal::Empty), "bad_name"),
            (RuleError::RoomFull, "room_full"),
            (RuleError::RoundClosed, "round_closed"),
            (RuleError::AlreadyVoted, "already_voted"),
            (RuleError::BadChoice, "bad_choice"),
            (RuleError::WrongPhase, "wrong_phase"),
            (RuleError::UnknownPlayer, "unknown_player"),
            (
                RuleError::BadSettings(SettingsRefusal::Rounds),
                "bad_request",
            ),
            (RuleError::UnknownLang, "unknown_lang"),
            (RuleError::RoomClosed, "room_closed"),
            (RuleError::Kicked, "kicked"),
            (RuleError::NameBanned, "name_taken"),
        ] {
            assert_eq!(error.code(), code, "{error:?}");
        }
    }

    #[test]
    fn phases_and_modes_are_named_on_the_wire_as_they_are_stored() {
        for (phase, name) in [
            (Phase::Lobby, "lobby"),
            (Phase::Question, "question"),
            (Phase::Reveal, "reveal"),
            (Phase::Over, "over"),
        ] {
            assert_eq!(phase.as_str(), name);
            assert_eq!(serde_json::to_value(phase).unwrap(), name);
        }
        for (mode, name) in [
            (Mode::NameToPhoto, "name_to_photo"),
            (Mode::PhotoToName, "photo_to_name"),
            (Mode::ThenToNow, "then_to_now"),
            (Mode::NowToThen, "now_to_then"),
        ] {
            assert_eq!(mode.as_str(), name);
            assert_eq!(serde_json::to_value(mode).unwrap(), name);
        }
    }

    #[test]
    fn settings_stored_before_the_profanity_filter_existed_keep_it_on() {
        let stored = r#"{"rounds":5,"seconds":20,"mode":"name_to_photo","include_memoriam":true}"#;
        let settings: Settings = serde_json::from_str(stored).unwrap();
        assert!(settings.profanity_filter);
    }

    /// A lobby over `people` classmates, of whom the first `memoriam` are
    /// in memoriam.
    fn lobby(people: usize, memoriam: usize) -> Game {
        Game::new(class(people, |p| p < memoriam), Settings::default(), 100)
    }

    #[test]
    fn configure_refuses_rounds_and_seconds_out_of_range() {
        let mut g = lobby(8, 0);
        let with = |rounds, seconds| Settings {
            rounds,
            seconds,
            ..Settings::default()
        };
        for (rounds, seconds) in [(0, 20), (201, 20), (5, 1), (5, 301)] {
            assert!(
                matches!(
                    g.configure(with(rounds, seconds)),
                    Err(RuleError::BadSettings(_))
                ),
                "{rounds} rounds of {seconds} s"
            );
            assert_eq!(g.settings(), &Settings::default(), "unchanged");
        }
        for (rounds, seconds) in [(1, 2), (5, 300)] {
            assert_eq!(
                g.configure(with(rounds, seconds)),
                Ok(vec![Event::Configured {
                    settings: with(rounds, seconds)
                }])
            );
            assert_eq!(g.settings(), &with(rounds, seconds));
        }
    }

    #[test]
    fn configure_caps_rounds_at_the_people_who_can_be_asked() {
        let mut g = lobby(8, 2);
        let settings = |rounds, include_memoriam| Settings {
            rounds,
            include_memoriam,
            ..Settings::default()
        };
        g.configure(settings(200, true)).unwrap();
        assert_eq!(g.settings().rounds, 8);
        g.configure(settings(200, false)).unwrap();
        assert_eq!(g.settings().rounds, 6, "those in memoriam left out");
        g.configure(settings(3, false)).unwrap();
        assert_eq!(g.settings().rounds, 3);
    }

    #[test]
    fn a_question_needs_four_classmates_who_may_be_asked() {
        let four = || Settings {
            include_memoriam: false,
            ..Settings::default()
        };
        assert!(lobby(4, 0).configure(four()).is_ok());
        assert!(matches!(
            lobby(4, 1).configure(four()),
            Err(RuleError::BadSettings(_))
        ));
        assert!(matches!(
            lobby(3, 0).configure(Settings::default()),
            Err(RuleError::BadSettings(_))
        ));
    }

    #[test]
    fn the_rooms_language_is_one_offered_by_its_own_tag() {
        let mut g = lobby(8, 0);
        let in_lang = |lang: &str| Settings {
            lang: lang.to_string(),
            ..Settings::default()
        };
        g.configure(in_lang("de-AT")).unwrap();
        assert_eq!(g.settings().lang, "de");
        assert_eq!(g.configure(in_lang("xx")), Err(RuleError::UnknownLang));
        assert_eq!(g.configure(in_lang("")), Err(RuleError::UnknownLang));
        assert_eq!(g.settings().lang, "de", "a refusal changes nothing");
        // Rooms saved before the language existed read English.
        let old: Settings = serde_json::from_str(
            r#"{"rounds":3,"seconds":9,"mode":"name_to_photo","include_memoriam":true}"#,
        )
        .unwrap();
        assert_eq!(old.lang, "en");
    }

    #[test]
    fn settings_change_only_in_the_lobby() {
        let (mut g, mut rng) = game(1, 20);
        g.start_round(0, &mut rng).unwrap();
        assert_eq!(g.configure(Settings::default()), Err(RuleError::WrongPhase));
        assert_eq!(g.settings().rounds, 3);
    }

    #[test]
    fn events_stored_before_bans_and_devices_read_as_no_ban_and_no_device() {
        let kicked: Event = serde_json::from_str(r#"{"e":"kicked","player":2}"#).unwrap();
        assert_eq!(
            kicked,
            Event::Kicked {
                player: THIRD,
                banned: false
            }
        );
        let joined: Event =
            serde_json::from_str(r#"{"e":"joined","player":2,"name":"Ann"}"#).unwrap();
        assert!(matches!(joined, Event::Joined { device: None, .. }));
        // And a log written now reads back the same.
        let banned = Event::Kicked {
            player: THIRD,
            banned: true,
        };
        let json = serde_json::to_string(&banned).unwrap();
        assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), banned);
    }

    #[test]
    fn a_player_id_is_a_plain_number_in_events() {
        let kicked = Event::Kicked {
            player: THIRD,
            banned: true,
        };
        let json = serde_json::to_string(&kicked).unwrap();
        assert!(json.contains(r#""player":2"#), "{json}");
        assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), kicked);
        assert_eq!(THIRD.to_string(), "2");
    }

    #[test]
    fn votes_are_counted_per_choice() {
        let (mut g, mut rng) = game(4, 20);
        g.start_round(0, &mut rng).unwrap();
        for (player, choice) in [(FIRST, 2), (SECOND, 0), (THIRD, 2)] {
            g.vote(player, 1, choice, 10).unwrap();
        }
        assert_eq!(g.round().unwrap().counts(), [1, 0, 2, 0]);
    }

    #[test]
    fn each_closed_round_records_how_many_recognised_the_person() {
        let (mut g, mut rng) = game(3, 20);
        g.start_round(0, &mut rng).unwrap();
        let target = g.round().unwrap().question.target;
        let (a, w) = (answer(&g), wrong(&g));
        g.vote(FIRST, 1, a, 10).unwrap();
        g.vote(SECOND, 1, w, 10).unwrap();
        g.vote(THIRD, 1, a, 10).unwrap();
        assert_eq!(
            g.history(),
            [Recognition {
                person: target,
                correct: 2,
                answered: 3
            }]
        );
        let p = g.player(SECOND).unwrap();
        assert_eq!((p.correct, p.answered, p.score), (0, 1, 0));
        let p = g.player(THIRD).unwrap();
        assert_eq!((p.correct, p.answered), (1, 1));
    }

    #[test]
    fn a_seat_lapses_two_minutes_after_leaving_and_the_timer_is_told_when() {
        let mut g = small_room(5);
        let ann = arrive(&mut g, "Ann", 0);
        assert_eq!(g.next_lapse(), None, "nobody away");
        g.set_connected(ann, false, 1_000);
        assert_eq!(g.next_lapse(), Some(121_000));
        assert_eq!(g.lapse(120_999), 0);
        assert_eq!(g.lapse(121_000), 1);
        assert_eq!(g.next_lapse(), None);
    }

    #[test]
    fn of_two_equal_scores_the_faster_ranks_ahead() {
        let g = two_right_one_wrong(2_000, 2_001);
        assert_eq!(
            g.player(FIRST).unwrap().score,
            g.player(SECOND).unwrap().score
        );
        assert_eq!(
            (g.rank_of(FIRST), g.rank_of(SECOND), g.rank_of(THIRD)),
            (1, 2, 3)
        );
        let board: Vec<(u32, PlayerId)> = g.leaderboard().iter().map(|(r, p)| (*r, p.id)).collect();
        assert_eq!(board, [(1, FIRST), (2, SECOND), (3, THIRD)]);
    }

    #[test]
    fn the_answering_time_adds_up_right_answers_only() {
        let (mut g, mut rng) = game(2, 20);
        for (round, start) in [(1, 0), (2, 100_000)] {
            g.start_round(start, &mut rng).unwrap();
            let (a, w) = (answer(&g), wrong(&g));
            g.vote(FIRST, round, a, start + 1_500).unwrap();
            g.vote(SECOND, round, if round == 1 { a } else { w }, start + 700)
                .unwrap();
        }
        let p = g.player(FIRST).unwrap();
        assert_eq!((p.correct, p.correct_ms), (2, 3_000));
        let p = g.player(SECOND).unwrap();
        assert_eq!(
            (p.correct, p.correct_ms),
            (1, 700),
            "the wrong answer's time is not added"
        );
    }

    #[test]
    fn nobody_is_asked_twice_until_everyone_who_may_be_was_asked() {
        // Six classmates, one in memoriam and left out: five per cycle.
        let settings = Settings {
            rounds: 10,
            include_memoriam: false,
            ..Settings::default()
        };
        let mut g = Game::new(class(6, |p| p == 3), settings, 10);
        let mut rng = StdRng::seed_from_u64(7);
        let mut targets = Vec::new();
        for i in 0..10 {
            g.start_round(i * 1_000, &mut rng).unwrap();
            targets.push(g.round().unwrap().question.target);
            g.reveal(i * 1_000 + 500).unwrap();
        }
        for cycle in targets.chunks(5) {
            let mut asked = cycle.to_vec();
            asked.sort_unstable();
            assert_eq!(asked, [0, 1, 2, 4, 5], "{targets:?}");
        }
    }

    #[test]
    fn votes_replayed_before_anyone_reconnects_still_wait_for_the_others() {
        let mut g = small_room(5);
        let mut rng = StdRng::seed_from_u64(3);
        for player in 0..2 {
            g.apply(&Event::Joined {
                player: PlayerId::new(player),
                name: format!("Player {player}"),
                device: None,
            });
        }
        // As after a restart: the round and a vote come from the store
        // while nobody is connected yet.
        let question = pick_question(&g.pool, &g.asked, true, &mut rng).unwrap();
        g.apply(&Event::RoundStarted {
            number: 1,
            question,
            started_at: 0,
            deadline: 20_000,
        });
        g.apply(&Event::Voted {
            player: FIRST,
            round: 1,
            choice: 0,
            elapsed_ms: 100,
        });
        g.set_connected(FIRST, true, 1_000);
        g.set_connected(SECOND, true, 1_000);
        assert_eq!(g.voting_status(), (1, 2), "player 1 has yet to vote");
    }

    #[test]
    fn a_game_ends_once() {
        let (mut g, _) = game(2, 20);
        assert_eq!(g.end_game(10), Ok(vec![Event::GameOver { at: 10 }]));
        assert_eq!(g.end_game(20), Err(RuleError::WrongPhase));
        assert_eq!(g.phase(), Phase::Over);
    }

    #[test]
    fn recognition_goes_by_share_of_right_answers_and_skips_unanswered_people() {
        let (mut g, mut rng) = game(3, 20);
        // Round 1: three answers, all right; round 2: three answers, one
        // right; round 3: nobody answers, so its person is in neither extreme.
        let mut asked = Vec::new();
        for (round, rights) in [(1u32, 3), (2, 1), (3, 0)] {
            let at = u64::from(round) * 1_000;
            g.start_round(at, &mut rng).unwrap();
            asked.push(g.round().unwrap().question.target);
            let (a, w) = (answer(&g), wrong(&g));
            if round < 3 {
                for (i, player) in [FIRST, SECOND, THIRD].into_iter().enumerate() {
                    let choice = if i < rights { a } else { w };
                    g.vote(player, round, choice, at + 10).unwrap();
                }
            }
            // Everyone voting closes the round by itself.
            if g.phase() == Phase::Question {
                g.reveal(at + 100).unwrap();
            }
        }
        let (most, least) = g.recognition_extremes().unwrap();
        assert_eq!((most.person, most.correct, most.answered), (asked[0], 3, 3));
        assert_eq!(least.map(|r| (r.person, r.correct)), Some((asked[1], 1)));
    }

    #[test]
    fn recognition_names_nobody_answered_by_fewer_than_three() {
        let (mut g, mut rng) = game(4, 20);
        assert_eq!(g.recognition_min_answers(), MIN_RECOGNITION_ANSWERS);
        // Round 1: one of four answers, right: "1 of 1" names nobody.
        g.start_round(0, &mut rng).unwrap();
        g.vote(FIRST, 1, answer(&g), 10).unwrap();
        g.reveal(100).unwrap();
        assert_eq!(g.recognition_extremes(), None);
        // Round 2: two answer, both wrong: still too few.
        g.start_round(1_000, &mut rng).unwrap();
        let w = wrong(&g);
        g.vote(FIRST, 2, w, 1_010).unwrap();
        g.vote(SECOND, 2, w, 1_010).unwrap();
        g.reveal(1_100).unwrap();
        assert_eq!(g.recognition_extremes(), None);
        // Round 3: three answer, one right: the only one who counts, so most
        // and not least, though round 1's person had a better share.
        g.start_round(2_000, &mut rng).unwrap();
        let third = g.round().unwrap().question.target;
        let (a, w) = (answer(&g), wrong(&g));
        for (player, choice) in [(FIRST, a), (SECOND, w), (THIRD, w)] {
            g.vote(player, 3, choice, 2_010).unwrap();
        }
        g.reveal(2_100).unwrap();
        let (most, least) = g.recognition_extremes().unwrap();
        assert_eq!((most.person, most.correct, most.answered), (third, 1, 3));
        assert_eq!(least, None);
    }

    #[test]
    fn a_room_smaller_than_three_needs_every_player_to_answer() {
        let (g, _) = game(2, 20);
        assert_eq!(g.recognition_min_answers(), 2);
        let (g, _) = game(1, 20);
        assert_eq!(g.recognition_min_answers(), 1);
        let (g, _) = game(0, 20);
        assert_eq!(g.recognition_min_answers(), 1, "never zero");
        let (mut g, mut rng) = game(2, 20);
        g.start_round(0, &mut rng).unwrap();
        g.vote(FIRST, 1, answer(&g), 10).unwrap();
        g.reveal(100).unwrap();
        assert_eq!(g.recognition_extremes(), None, "one of two answered");
        g.start_round(1_000, &mut rng).unwrap();
        let target = g.round().unwrap().question.target;
        g.vote(FIRST, 2, answer(&g), 1_010).unwrap();
        g.vote(SECOND, 2, wrong(&g), 1_010).unwrap();
        let (most, least) = g.recognition_extremes().unwrap();
        assert_eq!((most.person, most.correct, most.answered), (target, 1, 2));
        assert_eq!(least, None);
    }
}

/// Then & now games: the modes' rules on [`Game`] (faces given by the room).
#[cfg(test)]
mod then_now_tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    /// A class of 8 (person 7 in memoriam), `players` guests joined.
    pub(super) fn lobby(players: usize) -> (Game, StdRng) {
        let mut g = Game::new(super::tests::class(8, |p| p == 7), Settings::default(), 100);
        super::tests::seat(&mut g, players);
        (g, StdRng::seed_from_u64(7))
    }

    pub(super) fn faces(people: &[usize]) -> Vec<(usize, String)> {
        people.iter().map(|&p| (p, format!("{p:032x}"))).collect()
    }

    fn then_to_now(rounds: u32) -> Settings {
        Settings {
            rounds,
            mode: Mode::ThenToNow,
            ..Settings::default()
        }
    }

    #[test]
    fn three_faces_are_refused_with_the_count_and_memoriam_never_counts() {
        let (mut g, mut rng) = lobby(2);
        g.set_faces(faces(&[0, 1, 2, 7]));
        let e = g.configure(then_to_now(5)).unwrap_err();
        assert_eq!(e.code(), "too_few_today_photos");
        assert!(e.to_string().contains("3 so far"), "{e}");
        assert_eq!(g.settings().mode, Mode::NameToPhoto, "settings unchanged");
        // A room made in a then & now mode cannot start with too few either.
        let (mut g2, _) = lobby(2);
        g2.apply(&Event::Configured {
            settings: then_to_now(5),
        });
        g2.set_faces(faces(&[0, 1]));
        let e = g2.start_round(0, &mut rng).unwrap_err();
        assert_eq!(
            e,
            RuleError::ThenNow(ThenNowError::TooFewPeople { have: 2 })
        );
        assert_eq!(g2.phase(), Phase::Lobby);
    }

    #[test]
    fn a_game_caps_its_rounds_and_never_shows_a_face_twice() {
        let (mut g, mut rng) = lobby(3);
        g.set_faces(faces(&[0, 1, 2, 3, 4]));
        g.configure(then_to_now(10)).unwrap();
        g.draw_next(&mut rng);
        let events = g.start_round(0, &mut rng).unwrap();
        assert!(
            matches!(&events[0], Event::Configured { settings } if settings.rounds == 5),
            "{events:?}"
        );
        let mut asked = Vec::new();
        for n in 1..=5u64 {
            if n > 1 {
                g.draw_next(&mut rng);
                g.start_round(n * 1000, &mut rng).unwrap();
            }
            let q = &g.round().unwrap().question;
            let today = q
                .today
                .as_ref()
                .expect("a then & now question has today's photos");
            for (c, file) in q.choices.iter().zip(today) {
                assert_eq!(*file, format!("{c:032x}"), "each choice with its own face");
            }
            assert!(!asked.contains(&q.target), "{} asked twice", q.target);
            asked.push(q.target);
            g.reveal(n * 1000 + 500).unwrap();
        }
        // Round 5 of 5 done: the next start ends the game.
        g.start_round(9_000, &mut rng).unwrap();
        assert_eq!(g.phase(), Phase::Over);
    }

    #[test]
    fn a_face_hidden_after_the_draw_is_not_in_the_next_question() {
        let (mut g, mut rng) = lobby(1);
        let all = [0, 1, 2, 3, 4, 5];
        g.set_faces(faces(&all));
        g.configure(then_to_now(6)).unwrap();
        let next = g.draw_next(&mut rng).unwrap().question.clone();
        let hidden = next.choices[1];
        let left: Vec<usize> = all.iter().copied().filter(|&p| p != hidden).collect();
        assert!(g.set_faces(faces(&left)), "the drawn question showed it");
        assert!(g.upcoming().is_none());
        let redrawn = g.draw_next(&mut rng).unwrap().question.clone();
        assert!(!redrawn.choices.contains(&hidden), "{redrawn:?}");
        // Hidden after the draw, without the room saying so in between:
        // the start draws again all the same.
        let shown = redrawn.choices[2];
        g.faces.retain(|f| f.0 != shown);
        g.start_round(0, &mut rng).unwrap();
        let q = &g.round().unwrap().question;
        assert!(
            !q.choices.contains(&hidden) && !q.choices.contains(&shown),
            "{q:?}"
        );
        // A face that stays keeps a question drawn ahead as it was.
        g.reveal(100).unwrap();
        let kept = g.draw_next(&mut rng).unwrap().question.clone();
        assert!(!g.set_faces(g.faces.clone()));
        g.start_round(1_000, &mut rng).unwrap();
        assert_eq!(g.round().unwrap().question, kept);
    }

    #[test]
    fn a_later_round_without_four_faces_ends_the_game() {
        let (mut g, mut rng) = lobby(1);
        g.set_faces(faces(&[0, 1, 2, 3, 4]));
        g.configure(then_to_now(5)).unwrap();
        g.start_round(0, &mut rng).unwrap();
        g.reveal(100).unwrap();
        g.set_faces(faces(&[0, 1, 2]));
        let events = g.start_round(1_000, &mut rng).unwrap();
        assert!(matches!(events[..], [Event::GameOver { .. }]), "{events:?}");
    }

    #[test]
    fn now_to_then_shows_the_yearbook_side_and_replays_from_its_events() {
        let (mut g, mut rng) = lobby(1);
        g.set_faces(faces(&[1, 2, 3, 4]));
        g.configure(Settings {
            rounds: 4,
            mode: Mode::NowToThen,
            ..Settings::default()
        })
        .unwrap();
        let mut log = Vec::new();
        for n in 0..2u64 {
            g.draw_next(&mut rng);
            log.extend(g.start_round(n * 1000, &mut rng).unwrap());
            log.extend(g.reveal(n * 1000 + 500).unwrap());
        }
        // A restart rebuilds the rounds from the log, today's photos too.
        let (mut again, _) = lobby(1);
        again.apply(&Event::Configured {
            settings: g.settings().clone(),
        });
        for e in &log {
            again.apply(e);
        }
        assert_eq!(again.round().unwrap().question, g.round().unwrap().question);
        assert_eq!(again.asked, g.asked);
    }
}

/// Mixed ("surprise me") games: each round's mode drawn, nobody asked twice.
#[cfg(test)]
mod mixed_tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    /// A class of 8 (person 7 in memoriam) with one guest, in a mixed game
    /// of `rounds` whose faces of today are `faces`.
    fn mixed(rounds: u32, faces: &[usize]) -> (Game, StdRng) {
        let (mut g, _) = super::then_now_tests::lobby(1);
        g.set_faces(super::then_now_tests::faces(faces));
        g.configure(Settings {
            rounds,
            mode: Mode::Mixed,
            ..Settings::default()
        })
        .unwrap();
        (g, StdRng::seed_from_u64(11))
    }

    /// Plays every round (drawn ahead, as the room does); the events.
    fn play(g: &mut Game, rng: &mut StdRng) -> Vec<Event> {
        let mut log = Vec::new();
        for n in 0..20u64 {
            g.draw_next(rng);
            log.extend(g.start_round(n * 1000, rng).unwrap());
            if g.phase() == Phase::Over {
                break;
            }
            log.extend(g.reveal(n * 1000 + 500).unwrap());
        }
        log
    }

    fn questions(log: &[Event]) -> Vec<&Question> {
        log.iter()
            .filter_map(|e| match e {
                Event::RoundStarted { question, .. } => Some(question),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn three_faces_never_draw_then_now() {
        for seed in 0..20 {
            let (mut g, _) = mixed(8, &[0, 1, 2]);
            let mut rng = StdRng::seed_from_u64(seed);
            let log = play(&mut g, &mut rng);
            let qs = questions(&log);
            assert_eq!(qs.len(), 8, "settings.rounds capped at 8 eligible");
            for q in qs {
                let mode = q.mode.expect("a mixed game's question says its mode");
                assert!(!mode.is_then_now(), "{mode:?} with 3 faces");
                assert!(q.today.is_none());
            }
            assert_eq!(g.settings().mode, Mode::Mixed);
        }
    }

    #[test]
    fn four_faces_mix_both_kinds_and_nobody_is_asked_twice() {
        let mut kinds = [false; 2];
        for seed in 0..20 {
            let (mut g, _) = mixed(8, &[0, 1, 2, 3, 4]);
            let mut rng = StdRng::seed_from_u64(seed);
            let qs: Vec<Question> = questions(&play(&mut g, &mut rng))
                .into_iter()
                .cloned()
                .collect();
            assert_eq!(qs.len(), 8);
            let mut targets: Vec<usize> = qs.iter().map(|q| q.target).collect();
            targets.sort_unstable();
            targets.dedup();
            assert_eq!(targets.len(), 8, "somebody asked twice: {qs:?}");
            for q in &qs {
                let then_now = q.mode.is_some_and(Mode::is_then_now);
                kinds[usize::from(then_now)] = true;
                // A then & now round shows today's photos, a yearbook one none.
                assert_eq!(q.today.is_some(), then_now, "{q:?}");
            }
        }
        assert_eq!(kinds, [true, true], "both kinds of round were drawn");
    }

    #[test]
    fn a_restart_replays_the_drawn_modes() {
        let (mut g, mut rng) = mixed(6, &[0, 1, 2, 3]);
        let settings = g.settings().clone();
        let log = play(&mut g, &mut rng);
        // Through the store's encoding, as a restart reads it.
        let stored: Vec<Event> = log
            .iter()
            .map(|e| serde_json::from_str(&serde_json::to_string(e).unwrap()).unwrap())
            .collect();
        let (mut again, _) = mixed(6, &[]);
        again.apply(&Event::Configured { settings });
        let mut modes = Vec::new();
        for e in &stored {
            again.apply(e);
            if let Event::RoundStarted { .. } = e {
                modes.push(again.mode_of(&again.round().unwrap().question));
            }
        }
        let original: Vec<Mode> = questions(&log).iter().map(|q| g.mode_of(q)).collect();
        assert_eq!(modes, original);
        assert!(modes.iter().all(|&m| m != Mode::Mixed));
        assert_eq!(again.asked, g.asked);
        assert_eq!(again.phase(), g.phase());
    }

    #[test]
    fn a_face_asked_in_a_yearbook_round_is_not_asked_again_in_then_now() {
        // Four faces, one already asked by a yearbook round: then & now has
        // three fresh faces left and may ask only those.
        let (mut g, mut rng) = mixed(8, &[0, 1, 2, 3]);
        g.asked[2] = true;
        for _ in 0..50 {
            let q = g.pick_mixed_question(&mut rng).unwrap();
            assert_ne!(q.target, 2, "{q:?}");
        }
        // All four asked: only yearbook rounds are left.
        for p in 0..4 {
            g.asked[p] = true;
        }
        for _ in 0..50 {
            let q = g.pick_mixed_question(&mut rng).unwrap();
            assert!(!q.mode.unwrap().is_then_now() && q.target >= 4, "{q:?}");
        }
    }
}
