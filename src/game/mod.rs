//! The game's rules, pure: no I/O, no async, no clock. Time and randomness
//! come in as arguments; state changes come out as events.

pub mod claims;
pub mod leaderboard;
pub mod mixed;
pub mod name;
pub mod question;
pub mod round;
pub mod scoring;
pub mod thennow;

pub use name::{NameRefusal, PlayerName};
pub use question::{Ask, Pool, Question, pick_question, pick_question_for};
pub use round::{
    Event, Game, Millis, Mode, Phase, Player, PlayerId, Recognition, Round, RuleError,
    SEAT_HOLD_MS, Settings, SettingsRefusal, Upcoming, Vote, VoteOutcome,
};
