//! The WebSocket messages of PROTOCOL §4, both directions. Unknown or
//! malformed input is an `Err` for the caller to answer, never a panic.

use serde::{Deserialize, Serialize};

use crate::game::{Mode, Settings};

/// The refusal of a vote that could not be made durable.
pub const STORAGE_MESSAGE: &str = "Your vote could not be saved; tap again in a moment.";

/// What a client may send.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMsg {
    /// The host introduces itself with the room's secret key.
    Hello { key: String },
    /// A phone joins under a nickname.
    Join { name: String },
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
    Kick { player_id: u32 },
    /// Host, in the lobby: remove every player not connected now.
    RemoveDisconnected,
    /// Host, in the lobby: change the room's settings.
    Configure {
        rounds: Option<u32>,
        seconds: Option<u32>,
        mode: Option<Mode>,
        include_memoriam: Option<bool>,
        profanity_filter: Option<bool>,
    },
    /// Heartbeat; answered with `pong`.
    Ping,
}

impl ClientMsg {
    pub fn parse(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|e| {
            // serde's message names the problem without echoing the input.
            format!("Could not understand that message: {e}")
        })
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
        })
    }
}

/// A player as the host's lobby lists them.
#[derive(Debug, Clone, Serialize)]
pub struct PlayerView<'a> {
    pub id: u32,
    pub name: &'a str,
    pub connected: bool,
    pub score: u32,
}

/// One leaderboard line.
#[derive(Debug, Clone, Serialize)]
pub struct LeaderLine<'a> {
    pub rank: u32,
    pub name: &'a str,
    pub score: u32,
}

/// A phone's own result in a `reveal`.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct YouReveal {
    pub choice: Option<u8>,
    pub correct: bool,
    pub points: u32,
    pub score: u32,
    pub rank: u32,
}

/// A phone's own standing at the end.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct YouFinal {
    pub score: u32,
    pub rank: u32,
}

/// Messages sent to one client only (broadcasts are built in `room`).
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMsg<'a> {
    /// A phone is in: keep the token to resume.
    Welcome {
        player_id: u32,
        token: &'a str,
        name: &'a str,
        score: u32,
        code: &'a str,
    },
    /// The vote is counted (and, with the store, durable).
    VoteAck { round: u32, choice: u8 },
    /// Something this client sent was refused.
    Error { code: &'a str, message: &'a str },
    /// Answer to `ping`.
    Pong,
}

impl ServerMsg<'_> {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| {
            r#"{"type":"error","code":"internal","message":"internal error"}"#.to_string()
        })
    }
}

/// An `error` frame.
pub fn error_json(code: &str, message: &str) -> String {
    ServerMsg::Error { code, message }.to_json()
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

    #[test]
    fn configure_keeps_what_it_does_not_name() {
        let msg = ClientMsg::parse(r#"{"type":"configure","seconds":30}"#).unwrap();
        let s = msg.configured(&Settings::default()).unwrap();
        assert_eq!(s.seconds, 30);
        assert_eq!(s.rounds, 10);
    }
}
