//! The WebSocket messages of PROTOCOL §4, both directions. Unknown or
//! malformed input is an `Err` for the caller to answer, never a panic.

use serde::{Deserialize, Serialize};

use crate::game::{Mode, Phase, PlayerId, Settings};

/// The refusal of a vote that could not be made durable.
pub const STORAGE_MESSAGE: &str = "Your vote could not be saved; tap again in a moment.";

/// What a client may send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMsg {
    /// The host introduces itself with the room's secret key.
    Hello { key: String },
    /// A phone joins under a nickname; `device` is the phone's own id
    /// (kept in its storage), what a kick keeps out besides the name.
    Join {
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        device: Option<String>,
    },
    /// A phone comes back with the token from its `welcome`.
    Resume { token: String },
    /// A phone's answer; `choice` is wide so that -1 is `bad_choice`, not
    /// `bad_message`.
    Vote { round: u32, choice: i64 },
    /// Host: next question (or the end after the last round).
    StartRound,
    /// Host: close voting now.
    Reveal,
    /// Host: end the game.
    EndGame,
    /// Host: remove a player.
    Kick { player_id: PlayerId },
    /// Host, in the lobby: remove every player not connected now.
    RemoveDisconnected,
    /// Host: stop the open question's clock.
    Pause,
    /// Host: run it again with the time it had left.
    Unpause,
    /// Host: a kicked player's name and device may join again.
    LetBack { player_id: PlayerId },
    /// Host, in the lobby: change the room's settings.
    Configure {
        rounds: Option<u32>,
        seconds: Option<u32>,
        mode: Option<Mode>,
        include_memoriam: Option<bool>,
        profanity_filter: Option<bool>,
        /// The photo labels to ask from; `[]` = each person's newest.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        labels: Option<Vec<String>>,
        /// The projector's language (`de`); an unknown one is refused
        /// with `unknown_lang`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lang: Option<String>,
    },
    /// Heartbeat; answered with `pong`.
    Ping,
    /// Phone: classmates whose name or `known_as` matches (`classmates`).
    FindClassmate { query: String },
    /// Phone: "I'm…" this classmate (an index from `classmates`).
    Claim { person: u64 },
    /// Phone: undo my claim.
    Unclaim,
    /// Host: decide a claim asked of a person somebody else holds.
    DecideClaim { player_id: PlayerId, give: bool },
    /// Host: undo a player's claim.
    UndoClaim { player_id: PlayerId },
}

impl ClientMsg {
    pub fn parse(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|e| {
            // serde's message names the problem without echoing the input.
            format!("Could not understand that message: {e}")
        })
    }

    /// As a client sends it (the load generator, tests).
    pub fn to_json(&self) -> String {
        // Nothing here can fail to encode (no maps).
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Host commands: a phone sending one gets `not_host`.
    pub fn is_host_command(&self) -> bool {
        matches!(
            self,
            ClientMsg::StartRound
                | ClientMsg::Reveal
                | ClientMsg::EndGame
                | ClientMsg::Kick { .. }
                | ClientMsg::RemoveDisconnected
                | ClientMsg::Configure { .. }
                | ClientMsg::Pause
                | ClientMsg::Unpause
                | ClientMsg::LetBack { .. }
                | ClientMsg::DecideClaim { .. }
                | ClientMsg::UndoClaim { .. }
        )
    }

    /// Applies a `configure` message onto the current settings.
    pub fn configured(&self, current: &Settings) -> Option<Settings> {
        let ClientMsg::Configure {
            rounds,
            seconds,
            mode,
            include_memoriam,
            profanity_filter,
            labels,
            lang,
        } = self
        else {
            return None;
        };
        Some(Settings {
            rounds: rounds.unwrap_or(current.rounds),
            seconds: seconds.unwrap_or(current.seconds),
            mode: mode.unwrap_or(current.mode),
            include_memoriam: include_memoriam.unwrap_or(current.include_memoriam),
            profanity_filter: profanity_filter.unwrap_or(current.profanity_filter),
            labels: labels.clone().unwrap_or_else(|| current.labels.clone()),
            lang: lang.clone().unwrap_or_else(|| current.lang.clone()),
        })
    }
}

// ---- server → client ------------------------------------------------------
//
// Every message the server sends is a variant of [`ServerMsg`], built by
// `room/views.rs` (broadcasts) or where it is answered (replies). Field
// names and presence are PROTOCOL §4 and its Extensions: a field that is
// `null` on the wire is an `Option` that is always written; one that is
// sometimes left out is skipped when `None`.

/// A player as the host's lists show them (`lobby` and `state`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlayerView {
    pub id: PlayerId,
    pub name: String,
    pub connected: bool,
    pub score: u32,
    /// Who they say they are, when they said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim: Option<ClaimShown>,
}

/// A claim as shown: the classmate, and whether it is theirs (`held`) or
/// waits for the host because somebody else holds that person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimShown {
    pub person: usize,
    pub name: String,
    pub known_as: Option<String>,
    pub held: bool,
}

/// A classmate a phone's search found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Classmate {
    pub person: usize,
    pub name: String,
    pub known_as: Option<String>,
}

/// A player the host kicked and has not let back (`lobby` and `state`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KickedView {
    pub id: PlayerId,
    pub name: String,
}

/// One leaderboard line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeaderLine {
    pub rank: u32,
    pub name: String,
    pub score: u32,
}

/// What a prompt or a choice shows: a person's name, or a photo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Shown {
    Person {
        name: String,
        known_as: Option<String>,
    },
    Photo {
        /// Projector size.
        photo: String,
        /// Phone size.
        thumb: String,
    },
}

/// `round`: the open question, without its answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Round {
    pub round: u32,
    pub of: u32,
    pub mode: Mode,
    pub prompt: Shown,
    pub choices: Vec<Shown>,
    pub remaining_ms: u64,
    /// The round's time limit.
    pub seconds: u64,
}

/// A phone's own result in a `reveal`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct YouReveal {
    pub choice: Option<u8>,
    pub correct: bool,
    pub points: u32,
    pub score: u32,
    pub rank: u32,
    /// How many other players share `rank` (0 when none).
    pub tied: u32,
    /// Right answers in a row up to this round (display only).
    pub streak: u32,
    /// The question was about this player (their claim): they watched.
    #[serde(default, skip_serializing_if = "is_false")]
    pub its_you: bool,
}

/// `reveal`: the answer, the counts and the top of the leaderboard; each
/// phone's copy also has its `you` (see [`PersonalFrames`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reveal {
    pub round: u32,
    pub answer: u8,
    pub counts: [u32; 4],
    pub leaderboard: Vec<LeaderLine>,
    pub in_memoriam: bool,
    /// The person asked about.
    pub name: String,
    pub known_as: Option<String>,
    pub prompt: Shown,
    pub choices: Vec<Shown>,
    pub mode: Mode,
    /// The votes plus the connected players who did not vote.
    pub players_voting: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub you: Option<YouReveal>,
    /// The person's other photos ("also in 1983"); left out when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<AlsoPhoto>,
}

/// Another photo of the person a reveal names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlsoPhoto {
    pub label: String,
    /// Projector size.
    pub photo: String,
    /// Phone size.
    pub thumb: String,
}

/// A phone's own standing at the end.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct YouFinal {
    pub score: u32,
    pub rank: u32,
    /// How many other players share `rank` (0 when none).
    pub tied: u32,
    /// Right answers in a row at the end (display only).
    pub streak: u32,
}

/// A classmate in the end-of-game `stats`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recognized {
    pub name: String,
    pub known_as: Option<String>,
    pub photo: String,
    pub thumb: String,
    pub correct: u32,
    pub answered: u32,
}

/// The classmates most and least often recognised (`null` when nobody was).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    pub most_recognized: Option<Recognized>,
    pub least_recognized: Option<Recognized>,
}

/// `game_over`: the final leaderboard (a big room's phones get its top and
/// `leaderboard_size`), the stats, and for each phone its `you`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GameOver {
    pub leaderboard: Vec<LeaderLine>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leaderboard_size: Option<usize>,
    pub stats: Stats,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub you: Option<YouFinal>,
}

/// `lobby`: hosts get `players`, `count` and `settings`; phones `count`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lobby {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub players: Option<Vec<PlayerView>>,
    pub count: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<Settings>,
    /// Hosts only: who was kicked and may be let back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kicked: Option<Vec<KickedView>>,
}

/// A phone's `you` in its `state`: its standing (when it is still a
/// player), and in the `reveal` phase its result as in `reveal.you`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StateYou {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub player_id: Option<PlayerId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<u32>,
    /// `reveal` and `over` phases: as in `reveal.you` (none before a
    /// reveal: the pre-reveal messages keep their exact shape).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tied: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub streak: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "null_or")]
    pub choice: Option<Option<u8>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correct: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<u32>,
    /// Who the phone says it is, when it said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim: Option<ClaimShown>,
    /// `question` and `reveal` phases: `true` when it is about this player.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub its_you: Option<bool>,
}

/// `state`: the whole current view, for a client that (re)connects. The
/// fields after `count` are those of the phase's own message (PROTOCOL
/// Extensions, `state`); the host gets `players`, a phone `you`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub phase: Phase,
    pub code: String,
    pub round: u32,
    pub of: u32,
    pub settings: Settings,
    pub count: usize,
    /// Host only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub players: Option<Vec<PlayerView>>,
    /// Host only: who was kicked and may be let back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kicked: Option<Vec<KickedView>>,
    /// Host only, when the class's photos have two labels or more: the
    /// labels `configure` may choose from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<String>>,
    /// `reveal`: as in the reveal, when the person has other photos.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub also: Option<Vec<AlsoPhoto>>,
    /// Phones only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub you: Option<StateYou>,
    /// `question` and `reveal`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<Mode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<Shown>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choices: Option<Vec<Shown>>,
    /// `question`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds: Option<u64>,
    /// `question`: whether the host paused it (`remaining_ms` stands still).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paused: Option<bool>,
    /// `question`, host only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered: Option<usize>,
    /// `question` (host only) and `reveal`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub players_voting: Option<usize>,
    /// `question`, phones only: their choice, or `null`.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "null_or")]
    pub voted: Option<Option<u8>>,
    /// `reveal`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counts: Option<[u32; 4]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_memoriam: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "null_or")]
    pub known_as: Option<Option<String>>,
    /// `reveal` (top 10) and `over` (everyone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leaderboard: Option<Vec<LeaderLine>>,
    /// `over`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stats: Option<Stats>,
}

impl State {
    /// What every `state` has; the rest is added by phase and screen.
    pub fn base(
        phase: Phase,
        code: String,
        round: u32,
        of: u32,
        settings: Settings,
        count: usize,
    ) -> Self {
        Self {
            phase,
            code,
            round,
            of,
            settings,
            count,
            players: None,
            kicked: None,
            labels: None,
            also: None,
            you: None,
            mode: None,
            prompt: None,
            choices: None,
            remaining_ms: None,
            seconds: None,
            paused: None,
            answered: None,
            players_voting: None,
            voted: None,
            answer: None,
            counts: None,
            in_memoriam: None,
            name: None,
            known_as: None,
            leaderboard: None,
            stats: None,
        }
    }
}

/// `progress`, for host screens: how many of the players have voted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub round: u32,
    pub answered: usize,
    pub players: usize,
}

/// `timer`, to hosts and phones when the host pauses or resumes the open
/// question: the time it has left, and whether it stands still.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timer {
    pub round: u32,
    pub remaining_ms: u64,
    pub paused: bool,
}

/// Every message the server sends (PROTOCOL §4 and its Extensions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMsg {
    /// A phone is in: keep the token to resume.
    Welcome {
        player_id: PlayerId,
        token: String,
        name: String,
        score: u32,
        code: String,
    },
    State(Box<State>),
    Lobby(Lobby),
    Round(Round),
    /// The vote is counted (and, with the store, durable).
    VoteAck {
        round: u32,
        choice: u8,
    },
    Progress(Progress),
    Timer(Timer),
    Reveal(Reveal),
    GameOver(GameOver),
    /// Something this client sent was refused.
    Error {
        code: String,
        message: String,
    },
    /// Host screens: the store works again (after `storage_unavailable`).
    Storage {
        ok: bool,
    },
    /// Answer to `ping`.
    Pong,
    /// Phones, before a round starts: photos to fetch now (thumb URLs,
    /// as that round's `round` will name them) so they are on hand when
    /// it does. They never tell the answer (docs/protocol.md, "Preload").
    Preload {
        round: u32,
        photos: Vec<String>,
    },
    /// A phone's search: the classmates found (at most 8).
    Classmates {
        query: String,
        people: Vec<Classmate>,
    },
    /// A phone's claim now (`null`: none), after each change to it.
    Claim {
        claim: Option<ClaimShown>,
    },
    /// The phones of the players the new question is about: they watch.
    ItsYou {
        round: u32,
    },
}

impl ServerMsg {
    pub fn to_json(&self) -> String {
        // Nothing here can fail to encode (no maps with non-string keys).
        serde_json::to_string(self).unwrap_or_else(|_| {
            r#"{"type":"error","code":"internal","message":"internal error"}"#.to_string()
        })
    }

    /// Its `type`.
    pub fn kind(&self) -> ServerMsgType {
        match self {
            ServerMsg::Welcome { .. } => ServerMsgType::Welcome,
            ServerMsg::State(_) => ServerMsgType::State,
            ServerMsg::Lobby(_) => ServerMsgType::Lobby,
            ServerMsg::Round(_) => ServerMsgType::Round,
            ServerMsg::VoteAck { .. } => ServerMsgType::VoteAck,
            ServerMsg::Progress(_) => ServerMsgType::Progress,
            ServerMsg::Timer(_) => ServerMsgType::Timer,
            ServerMsg::Reveal(_) => ServerMsgType::Reveal,
            ServerMsg::GameOver(_) => ServerMsgType::GameOver,
            ServerMsg::Classmates { .. } => ServerMsgType::Classmates,
            ServerMsg::Claim { .. } => ServerMsgType::Claim,
            ServerMsg::ItsYou { .. } => ServerMsgType::ItsYou,
            ServerMsg::Error { .. } => ServerMsgType::Error,
            ServerMsg::Storage { .. } => ServerMsgType::Storage,
            ServerMsg::Pong => ServerMsgType::Pong,
            ServerMsg::Preload { .. } => ServerMsgType::Preload,
        }
    }
}

/// A [`ServerMsg`]'s `type` alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServerMsgType {
    Welcome,
    State,
    Lobby,
    Round,
    VoteAck,
    Progress,
    Timer,
    Reveal,
    GameOver,
    Error,
    Storage,
    Pong,
    Preload,
    Classmates,
    Claim,
    ItsYou,
}

/// A [`ServerMsg`] skimmed: its `type`, `round` and whether it has a
/// `you`, the rest skipped unparsed. For a client reading thousands of
/// phones' messages on one thread (the load generator): decoding a whole
/// `reveal` costs several times as much.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct ServerMsgSkim {
    #[serde(rename = "type")]
    pub kind: ServerMsgType,
    #[serde(default)]
    pub round: Option<u32>,
    #[serde(default)]
    you: Option<serde::de::IgnoredAny>,
}

impl ServerMsgSkim {
    pub fn parse(bytes: &[u8]) -> serde_json::Result<Self> {
        serde_json::from_slice(bytes)
    }

    pub fn has_you(&self) -> bool {
        self.you.is_some()
    }
}

/// For `skip_serializing_if`: a `false` flag is left out.
fn is_false(b: &bool) -> bool {
    !*b
}

/// An `error` frame.
pub fn error_json(code: &str, message: &str) -> String {
    ServerMsg::Error {
        code: code.to_string(),
        message: message.to_string(),
    }
    .to_json()
}

/// A field that is either left out (`None`) or present and maybe `null`
/// (`Some(None)`), like a phone's `voted`.
mod null_or {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer, T: Serialize>(
        v: &Option<Option<T>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        // `None` is skipped by the field's `skip_serializing_if`.
        v.as_ref().and_then(Option::as_ref).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}

// ---- encode once, write to many ---------------------------------------------

/// The `"you"` key a phone's own part is joined under.
const YOU_KEY: &[u8] = b",\"you\":";

/// A `reveal` or `game_over` whose phones each get their own `you`: the
/// shared part is encoded once per broadcast and each `you` once, and
/// [`PersonalFrames::write_for`] joins them per phone. No hashing per
/// phone: the parts are indexed by player id (ids are dense).
#[derive(Debug)]
pub struct PersonalFrames {
    /// The phones' message without `you`, as JSON without its closing `}`.
    head: String,
    /// The host's whole message, also for a phone with no part (one that
    /// joined after the broadcast was built).
    host: String,
    /// Each phone's `you` as JSON, by player id.
    yours: Vec<Option<String>>,
}

impl PersonalFrames {
    /// Everyone gets `shared`; each phone also its `you`.
    pub fn reveal(shared: Reveal, yours: impl IntoIterator<Item = (PlayerId, YouReveal)>) -> Self {
        let whole = ServerMsg::Reveal(Reveal {
            you: None,
            ..shared
        })
        .to_json();
        Self::new(whole.clone(), whole, yours)
    }

    /// Phones get `phones` with their `you`, host screens `host`.
    pub fn game_over(
        phones: GameOver,
        host: GameOver,
        yours: impl IntoIterator<Item = (PlayerId, YouFinal)>,
    ) -> Self {
        let phones = ServerMsg::GameOver(GameOver {
            you: None,
            ..phones
        })
        .to_json();
        Self::new(phones, ServerMsg::GameOver(host).to_json(), yours)
    }

    fn new<Y: Serialize>(
        phones: String,
        host: String,
        yours: impl IntoIterator<Item = (PlayerId, Y)>,
    ) -> Self {
        // A message is one JSON object that has at least its `type`, so
        // `,"you":…}` may take the place of its closing brace.
        let mut head = phones;
        if head.ends_with('}') {
            head.pop();
        }
        let mut by_id: Vec<Option<String>> = Vec::new();
        for (id, you) in yours {
            let i = id.index();
            if by_id.len() <= i {
                by_id.resize(i + 1, None);
            }
            by_id[i] = serde_json::to_string(&you).ok();
        }
        Self {
            head,
            host,
            yours: by_id,
        }
    }

    /// The host screens' message.
    pub fn host_json(&self) -> &str {
        &self.host
    }

    /// Appends `player`'s message to `buf`, after what `header` writes for
    /// its length (a WebSocket frame header); `false`, and nothing written,
    /// for a player with no part of its own (it gets the host's message).
    pub fn write_for(
        &self,
        player: PlayerId,
        buf: &mut Vec<u8>,
        header: impl FnOnce(usize, &mut Vec<u8>),
    ) -> bool {
        let Some(Some(you)) = self.yours.get(player.index()) else {
            return false;
        };
        header(self.head.len() + YOU_KEY.len() + you.len() + 1, buf);
        buf.extend_from_slice(self.head.as_bytes());
        buf.extend_from_slice(YOU_KEY);
        buf.extend_from_slice(you.as_bytes());
        buf.push(b'}');
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_parse_by_type() {
        assert_eq!(
            ClientMsg::parse(r#"{"type":"vote","round":2,"choice":-1}"#),
            Ok(ClientMsg::Vote {
                round: 2,
                choice: -1
            })
        );
        assert_eq!(
            ClientMsg::parse(r#"{"type":"start_round","extra":1}"#),
            Ok(ClientMsg::StartRound)
        );
        assert!(ClientMsg::parse(r#"{"type":"nope"}"#).is_err());
        assert!(ClientMsg::parse(r#"{"type":"vote","round":"x","choice":1}"#).is_err());
        assert!(ClientMsg::parse("not json").is_err());
    }

    use proptest::prelude::*;

    /// Names as people type them, with what JSON must escape.
    fn name() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            Just(r#"O"Brien \ "the" \\ one"#.to_string()),
            Just("Zoë 漢字 👩‍🚀 \u{0}\u{1f}\u{2028}".to_string()),
            any::<String>(),
        ]
    }

    fn shown() -> impl Strategy<Value = Shown> {
        prop_oneof![
            (name(), proptest::option::of(name()))
                .prop_map(|(name, known_as)| Shown::Person { name, known_as }),
            (name(), name()).prop_map(|(photo, thumb)| Shown::Photo { photo, thumb }),
        ]
    }

    fn board() -> impl Strategy<Value = Vec<LeaderLine>> {
        proptest::collection::vec(
            (any::<u32>(), name(), any::<u32>()).prop_map(|(rank, name, score)| LeaderLine {
                rank,
                name,
                score,
            }),
            0..4,
        )
    }

    fn reveal() -> impl Strategy<Value = Reveal> {
        (
            (
                any::<u32>(),
                0..4u8,
                any::<[u32; 4]>(),
                board(),
                any::<bool>(),
            ),
            (name(), proptest::option::of(name()), shown()),
            (proptest::collection::vec(shown(), 4), any::<usize>()),
            proptest::collection::vec((name(), name(), name()), 0..3),
        )
            .prop_map(
                |(
                    (round, answer, counts, leaderboard, in_memoriam),
                    (name, known_as, prompt),
                    (choices, players_voting),
                    also,
                )| Reveal {
                    round,
                    answer,
                    counts,
                    leaderboard,
                    in_memoriam,
                    name,
                    known_as,
                    prompt,
                    choices,
                    mode: Mode::NameToPhoto,
                    players_voting,
                    you: None,
                    also: also
                        .into_iter()
                        .map(|(label, photo, thumb)| AlsoPhoto {
                            label,
                            photo,
                            thumb,
                        })
                        .collect(),
                },
            )
    }

    fn you_reveal() -> impl Strategy<Value = YouReveal> {
        (
            proptest::option::of(0..4u8),
            any::<bool>(),
            any::<u32>(),
            any::<u32>(),
            any::<u32>(),
            any::<(u32, u32)>(),
        )
            .prop_map(
                |(choice, correct, points, score, rank, (tied, streak))| YouReveal {
                    choice,
                    correct,
                    points,
                    score,
                    rank,
                    tied,
                    streak,
                    its_you: correct && points == 0,
                },
            )
    }

    fn recognized() -> impl Strategy<Value = Recognized> {
        (name(), proptest::option::of(name()), name(), any::<u32>()).prop_map(
            |(name, known_as, photo, correct)| Recognized {
                name,
                known_as,
                thumb: photo.clone(),
                photo,
                correct,
                answered: correct,
            },
        )
    }

    fn game_over() -> impl Strategy<Value = GameOver> {
        (
            board(),
            proptest::option::of(any::<usize>()),
            proptest::option::of(recognized()),
            proptest::option::of(recognized()),
        )
            .prop_map(|(leaderboard, leaderboard_size, most, least)| GameOver {
                leaderboard,
                leaderboard_size,
                stats: Stats {
                    most_recognized: most,
                    least_recognized: least,
                },
                you: None,
            })
    }

    /// Ids of the first few players, so that some repeat.
    fn player_id() -> impl Strategy<Value = PlayerId> {
        (0..6u32).prop_map(PlayerId::new)
    }

    /// `player`'s frame from `frames`, decoded (checked to be the same
    /// JSON as its decoded message encoded whole): its WebSocket header is
    /// a fixed marker here, so what follows it is exactly the JSON.
    fn decoded_for(frames: &PersonalFrames, player: PlayerId) -> Option<ServerMsg> {
        let mut buf = Vec::new();
        let mut told = None;
        let written = frames.write_for(player, &mut buf, |len, b| {
            told = Some(len);
            b.extend_from_slice(b"HDR");
        });
        if !written {
            assert!(buf.is_empty(), "wrote for a player with no part");
            return None;
        }
        let json = buf.strip_prefix(b"HDR").expect("the header comes first");
        assert_eq!(told, Some(json.len()), "the header's length");
        let msg: ServerMsg = serde_json::from_slice(json).expect("a joined frame decodes");
        // The same JSON as the whole message encoded at once, key for key.
        let as_sent: serde_json::Value = serde_json::from_slice(json).expect("JSON");
        assert_eq!(as_sent, serde_json::to_value(&msg).expect("encodes"));
        Some(msg)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        // Each phone's joined frame is exactly the message with its `you`.
        #[test]
        fn a_joined_reveal_is_the_message_with_its_you(
            shared in reveal(),
            yours in proptest::collection::vec((player_id(), you_reveal()), 0..4),
        ) {
            let frames = PersonalFrames::reveal(shared.clone(), yours.clone());
            let host = ServerMsg::Reveal(shared.clone());
            prop_assert_eq!(serde_json::from_str::<ServerMsg>(frames.host_json()).ok(), Some(host));
            for player in (0..8).map(PlayerId::new) {
                // The last part given for an id wins, as with a map.
                let you = yours.iter().rev().find(|(id, _)| *id == player).map(|(_, y)| *y);
                let want = you.map(|you| ServerMsg::Reveal(Reveal { you: Some(you), ..shared.clone() }));
                prop_assert_eq!(decoded_for(&frames, player), want);
            }
        }

        #[test]
        fn a_joined_game_over_is_the_phones_message_with_its_you(
            phones in game_over(),
            host in game_over(),
            yours in proptest::collection::vec((player_id(), any::<(u32, u32, u32, u32)>()), 0..4),
        ) {
            let yours: Vec<(PlayerId, YouFinal)> = yours
                .into_iter()
                .map(|(id, (score, rank, tied, streak))| (id, YouFinal { score, rank, tied, streak }))
                .collect();
            let frames = PersonalFrames::game_over(phones.clone(), host.clone(), yours.clone());
            prop_assert_eq!(
                serde_json::from_str::<ServerMsg>(frames.host_json()).ok(),
                Some(ServerMsg::GameOver(host))
            );
            for player in (0..8).map(PlayerId::new) {
                let you = yours.iter().rev().find(|(id, _)| *id == player).map(|(_, y)| *y);
                let want = you.map(|you| ServerMsg::GameOver(GameOver { you: Some(you), ..phones.clone() }));
                prop_assert_eq!(decoded_for(&frames, player), want);
            }
        }
    }

    /// Fields that may be `null` are written as `null`; those that may be
    /// absent are left out; both come back as they were.
    #[test]
    fn null_and_absent_fields_keep_their_shape() {
        let mut state = State::base(Phase::Question, "QXRT".into(), 1, 3, Settings::default(), 2);
        state.you = Some(StateYou::default());
        state.voted = Some(None);
        let phone = ServerMsg::State(Box::new(state));
        let v: serde_json::Value = serde_json::from_str(&phone.to_json()).unwrap();
        assert_eq!(v["voted"], serde_json::Value::Null);
        assert!(v.as_object().unwrap().contains_key("voted"));
        assert!(!v.as_object().unwrap().contains_key("players"));
        assert_eq!(v["you"], serde_json::json!({}));
        assert_eq!(serde_json::from_value::<ServerMsg>(v).unwrap(), phone);

        let over = ServerMsg::GameOver(GameOver {
            leaderboard: Vec::new(),
            leaderboard_size: None,
            stats: Stats::default(),
            you: None,
        });
        assert_eq!(
            over.to_json(),
            r#"{"type":"game_over","leaderboard":[],"stats":{"most_recognized":null,"least_recognized":null}}"#
        );
        assert_eq!(ServerMsg::Pong.to_json(), r#"{"type":"pong"}"#);
        assert_eq!(
            serde_json::from_str::<ServerMsg>(&error_json("kicked", "\"bye\"")).unwrap(),
            ServerMsg::Error {
                code: "kicked".into(),
                message: "\"bye\"".into()
            }
        );
    }

    /// Its `round` and whether it has a `you`, read from the whole message.
    fn round_and_you(m: &ServerMsg) -> (Option<u32>, bool) {
        match m {
            ServerMsg::Welcome { .. }
            | ServerMsg::Lobby(_)
            | ServerMsg::Error { .. }
            | ServerMsg::Storage { .. }
            | ServerMsg::Pong => (None, false),
            ServerMsg::State(s) => (Some(s.round), s.you.is_some()),
            ServerMsg::Round(r) => (Some(r.round), false),
            ServerMsg::VoteAck { round, .. } => (Some(*round), false),
            ServerMsg::Progress(p) => (Some(p.round), false),
            ServerMsg::Timer(t) => (Some(t.round), false),
            ServerMsg::Reveal(r) => (Some(r.round), r.you.is_some()),
            ServerMsg::GameOver(g) => (None, g.you.is_some()),
            ServerMsg::Preload { round, .. } => (Some(*round), false),
            ServerMsg::Classmates { .. } | ServerMsg::Claim { .. } => (None, false),
            ServerMsg::ItsYou { round } => (Some(*round), false),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 50, ..ProptestConfig::default() })]

        // The skim reads what the whole message says, for every type.
        #[test]
        fn a_skim_agrees_with_the_whole_message(
            reveal in reveal(),
            over in game_over(),
            you in proptest::option::of(you_reveal()),
            round in any::<u32>(),
            name in name(),
        ) {
            let mut state = State::base(Phase::Reveal, name.clone(), round, 9, Settings::default(), 3);
            state.you = you.map(|_| StateYou::default());
            let all = [
                ServerMsg::Welcome { player_id: PlayerId::new(1), token: name.clone(), name: name.clone(), score: 2, code: "QXRT".into() },
                ServerMsg::State(Box::new(state)),
                ServerMsg::Lobby(Lobby { players: None, count: 3, settings: None, kicked: None }),
                ServerMsg::Round(Round {
                    round, of: 3, mode: Mode::PhotoToName, prompt: reveal.prompt.clone(),
                    choices: reveal.choices.clone(), remaining_ms: 5, seconds: 6,
                }),
                ServerMsg::VoteAck { round, choice: 2 },
                ServerMsg::Progress(Progress { round, answered: 1, players: 2 }),
                ServerMsg::Timer(Timer { round, remaining_ms: 7, paused: true }),
                ServerMsg::Reveal(Reveal { you, ..reveal }),
                ServerMsg::GameOver(over),
                ServerMsg::Error { code: name.clone(), message: name.clone() },
                ServerMsg::Storage { ok: true },
                ServerMsg::Pong,
                ServerMsg::Preload { round, photos: vec![name.clone()] },
                ServerMsg::Classmates {
                    query: name.clone(),
                    people: vec![Classmate { person: 3, name: name.clone(), known_as: None }],
                },
                ServerMsg::Claim {
                    claim: Some(ClaimShown { person: 3, name, known_as: None, held: false }),
                },
                ServerMsg::Claim { claim: None },
                ServerMsg::ItsYou { round },
            ];
            for m in all {
                let skim = ServerMsgSkim::parse(m.to_json().as_bytes()).unwrap();
                prop_assert_eq!(skim.kind, m.kind());
                prop_assert_eq!((skim.round, skim.has_you()), round_and_you(&m));
            }
        }
    }

    #[test]
    fn client_messages_encode_as_they_are_read() {
        for m in [
            ClientMsg::Join {
                name: r#"O"Brien \ 漢字"#.into(),
                device: None,
            },
            ClientMsg::Join {
                name: "Ann".into(),
                device: Some("d-1".into()),
            },
            ClientMsg::Pause,
            ClientMsg::LetBack {
                player_id: PlayerId::new(3),
            },
            ClientMsg::Vote {
                round: 3,
                choice: 2,
            },
            ClientMsg::StartRound,
            ClientMsg::Configure {
                rounds: Some(3),
                seconds: None,
                mode: Some(Mode::PhotoToName),
                include_memoriam: None,
                profanity_filter: Some(false),
                labels: Some(vec!["1983".into()]),
                lang: Some("es".into()),
            },
            ClientMsg::FindClassmate {
                query: "José".into(),
            },
            ClientMsg::Claim { person: 4 },
            ClientMsg::Unclaim,
            ClientMsg::DecideClaim {
                player_id: PlayerId::new(2),
                give: true,
            },
            ClientMsg::UndoClaim {
                player_id: PlayerId::new(2),
            },
        ] {
            assert_eq!(ClientMsg::parse(&m.to_json()), Ok(m));
        }
    }

    #[test]
    fn configure_keeps_what_it_does_not_name() {
        let msg = ClientMsg::parse(r#"{"type":"configure","seconds":30}"#).unwrap();
        let s = msg.configured(&Settings::default()).unwrap();
        assert_eq!(s.seconds, 30);
        assert_eq!(s.rounds, 10);
    }
}
