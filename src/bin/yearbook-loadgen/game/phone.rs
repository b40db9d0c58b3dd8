//! One phone: joins, reads every message, votes, and (if churning) leaves
//! and resumes.

use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use rand::RngExt;
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::Message;
use yearbook::game::Phase;
use yearbook::protocol::{ClientMsg, ServerMsg, ServerMsgSkim, ServerMsgType, State};

use super::photos::{Job, fetcher, job_for};
use super::{Ctx, Kind, RoomRun, Ws, decode, drop_hard};
use super::{F_ACK, F_REVEAL, F_ROUND, F_YOU, STAGE_END, STAGE_STOP};

/// Joins; `None` if this phone could not (the error is counted).
async fn phone_join(ctx: &Ctx, room: &RoomRun, i: usize) -> Option<(Ws, String)> {
    let g = room.g0 + i;
    let permit = ctx.handshakes.acquire().await.ok()?;
    room.connect_at[i].store(ctx.now(), Relaxed);
    let mut ws = match tokio::time::timeout(ctx.wait, ctx.ws_connect(g, &room.code, "")).await {
        Ok(Ok(ws)) => ws,
        Ok(Err(e)) => {
            ctx.error(format!("connect: {e}"));
            return None;
        }
        Err(_) => {
            ctx.error("connect: timed out");
            return None;
        }
    };
    room.ws_at[i].store(ctx.now(), Relaxed);
    drop(permit);
    let mut name = format!("Phone {}", i + 1);
    let mut tries = 0;
    loop {
        let join = ClientMsg::Join {
            name: name.clone(),
            device: None,
        }
        .to_json();
        if ws.send(Message::text(join)).await.is_err() {
            ctx.error("join: send failed");
            return None;
        }
        match await_welcome(ctx, &mut ws).await {
            Ok(token) => {
                room.welcome_at[i].store(ctx.now(), Relaxed);
                return Some((ws, token));
            }
            // The name filter reads digits as letters ("8008"); a person
            // would type another name, and so does this phone.
            Err(code) if (code == "bad_name" || code == "name_taken") && tries < 5 => {
                tries += 1;
                ctx.note(format!("join: name refused ({code}), another one tried"));
                name = format!("Guest {}", rand::rng().random_range(100_000..1_000_000));
            }
            Err(code) => {
                ctx.error(format!("join: {code}"));
                drop_hard(ws);
                return None;
            }
        }
    }
}

/// Reads until `welcome` (its token) or an `error` (its code).
async fn await_welcome(ctx: &Ctx, ws: &mut Ws) -> Result<String, String> {
    let deadline = tokio::time::Instant::now() + ctx.wait;
    loop {
        let frame = tokio::time::timeout_at(deadline, ws.next())
            .await
            .map_err(|_| "no welcome in time".to_string())?;
        match frame {
            Some(Ok(Message::Text(t))) => {
                ctx.received.fetch_add(1, Relaxed);
                match decode(t.as_str()) {
                    Some(ServerMsg::Welcome { token, .. }) => return Ok(token),
                    Some(ServerMsg::Error { code, .. }) => return Err(code),
                    Some(_) => {}
                    None => ctx.error("unparsable message"),
                }
            }
            Some(Ok(_)) => {}
            Some(Err(_)) | None => return Err("connection closed".into()),
        }
    }
}

pub(super) async fn phone_task(ctx: Arc<Ctx>, room: Arc<RoomRun>, i: usize) {
    let joined = phone_join(&ctx, &room, i).await;
    let kind = room.kinds[i];
    if joined.is_some() {
        room.joined.fetch_add(1, Relaxed);
        if kind != Kind::Slow {
            room.active.fetch_add(1, Relaxed);
        }
    }
    ctx.settled.fetch_add(1, Relaxed);
    ctx.settled_wake.notify_one();
    let Some((ws, token)) = joined else {
        return;
    };
    let mut stage = ctx.stage.clone();
    if kind == Kind::Slow {
        // Holds the socket without reading, like a phone whose app froze.
        let _ = stage.wait_for(|s| *s >= STAGE_STOP).await;
        drop_hard(ws);
        return;
    }
    let rounds = room.rounds;
    // With `--fetch-photos`, a fetcher beside the phone, as a page's
    // images load beside its socket.
    let (photos, fetching) = if ctx.fetch_photos {
        let (tx, rx) = mpsc::unbounded_channel();
        let task = tokio::spawn(fetcher(ctx.clone(), room.clone(), i, rx));
        (Some(tx), Some(task))
    } else {
        (None, None)
    };
    let wait = ctx.wait;
    let phone = Phone {
        ctx,
        room,
        i,
        churn: kind == Kind::Churn,
        token,
        sent: vec![None; rounds],
        pending: None,
        done: false,
        photos,
    };
    phone.play(ws, stage).await;
    // The phone is done (its sender dropped): the fetches under way finish.
    if let Some(task) = fetching {
        let _ = tokio::time::timeout(wait, task).await;
    }
}

struct Phone {
    ctx: Arc<Ctx>,
    room: Arc<RoomRun>,
    i: usize,
    churn: bool,
    token: String,
    /// The choice this phone sent, per round.
    sent: Vec<Option<u8>>,
    /// A vote waiting for its random delay: (round index, when).
    pending: Option<(usize, tokio::time::Instant)>,
    done: bool,
    /// Photos to fetch go here (`--fetch-photos`).
    photos: Option<mpsc::UnboundedSender<Job>>,
}

enum Action {
    Nothing,
    Vote(usize),
}

enum Event {
    Stop,
    Frame(Option<Result<Message, tokio_tungstenite::tungstenite::Error>>),
    VoteDue,
    Churn,
}

async fn sleep_until_opt(at: Option<tokio::time::Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

impl Phone {
    async fn play(mut self, mut ws: Ws, mut stage: watch::Receiver<u8>) {
        let second = Duration::from_secs(1);
        let mut next_churn = tokio::time::Instant::now() + second;
        // Built once: re-registering with the shared stage channel on every
        // message would make the generator, not the server, the bottleneck.
        let mut stop = std::pin::pin!(async move {
            let _ = stage.wait_for(|s| *s >= STAGE_STOP).await;
        });
        loop {
            let vote_due = self.pending.map(|(_, at)| at);
            let churn_due = (self.churn && !self.done).then_some(next_churn);
            let event = tokio::select! {
                _ = &mut stop => Event::Stop,
                frame = ws.next() => Event::Frame(frame),
                _ = sleep_until_opt(vote_due) => Event::VoteDue,
                _ = sleep_until_opt(churn_due) => Event::Churn,
            };
            match event {
                Event::Stop => break,
                Event::Frame(Some(Ok(Message::Text(t)))) => {
                    self.ctx.received.fetch_add(1, Relaxed);
                    let at = self.ctx.arrival(&ws);
                    if let Action::Vote(r) = self.on_text(t.as_str(), at)
                        && !self.send_vote(&mut ws, r).await
                    {
                        self.gone("phone: vote send failed");
                        return;
                    }
                }
                Event::Frame(Some(Ok(_))) => {}
                Event::Frame(Some(Err(_)) | None) => {
                    if !self.ctx.stopping() {
                        let when = if *self.ctx.stage.borrow() >= STAGE_END {
                            "after end_game"
                        } else {
                            "during the game"
                        };
                        self.gone(&format!("phone: connection lost {when}"));
                    }
                    return;
                }
                Event::VoteDue => {
                    if let Some((r, _)) = self.pending.take()
                        && !self.send_vote(&mut ws, r).await
                    {
                        self.gone("phone: vote send failed");
                        return;
                    }
                }
                Event::Churn => {
                    drop_hard(ws);
                    ws = match self.resume().await {
                        Some(ws) => ws,
                        None => {
                            self.gone("churn: resume failed");
                            return;
                        }
                    };
                    next_churn = tokio::time::Instant::now() + second;
                }
            }
        }
        drop_hard(ws);
    }

    fn gone(&self, why: &str) {
        self.ctx.error(why);
        self.room.lose_phone();
    }

    async fn resume(&self) -> Option<Ws> {
        let ctx = &self.ctx;
        let _permit = ctx.handshakes.acquire().await.ok()?;
        let mut ws = tokio::time::timeout(
            ctx.wait,
            ctx.ws_connect(self.room.g0 + self.i, &self.room.code, ""),
        )
        .await
        .ok()?
        .ok()?;
        let msg = ClientMsg::Resume {
            token: self.token.clone(),
        }
        .to_json();
        ws.send(Message::text(msg)).await.ok()?;
        Some(ws)
    }

    async fn send_vote(&mut self, ws: &mut Ws, r: usize) -> bool {
        let room = &self.room;
        let choice = *self.sent[r].get_or_insert_with(|| rand::rng().random_range(0..4u8));
        let at = self.ctx.now();
        // The first send is the vote; a resend after a drop keeps its time.
        let _ = room.vote_at[r * room.n + self.i].compare_exchange(0, at, Relaxed, Relaxed);
        let round = room.first_round + r as u32;
        let msg = ClientMsg::Vote {
            round,
            choice: i64::from(choice),
        }
        .to_json();
        ws.send(Message::text(msg)).await.is_ok()
    }

    /// A vote for round `r`, now or after the random delay.
    fn schedule(&mut self, r: usize) -> Action {
        if self.sent[r].is_some() || self.pending.is_some_and(|(p, _)| p == r) {
            return Action::Nothing;
        }
        if self.ctx.vote_delay_ms == 0 {
            return Action::Vote(r);
        }
        let delay = rand::rng().random_range(0..=self.ctx.vote_delay_ms);
        self.pending = Some((
            r,
            tokio::time::Instant::now() + Duration::from_millis(delay),
        ));
        Action::Nothing
    }

    fn seen_reveal(&mut self, r: usize, you: bool, at: u64) {
        let room = &self.room;
        let i = self.i;
        if you {
            room.set_flag(r, i, F_YOU);
        }
        if room.set_flag(r, i, F_REVEAL) {
            let _ = room.reveal_at[r * room.n + i].compare_exchange(0, at, Relaxed, Relaxed);
            room.poke(room.reveals[r].fetch_add(1, Relaxed) + 1);
        }
        if self.pending.is_some_and(|(p, _)| p == r) {
            self.pending = None;
        }
    }

    fn seen_game_over(&mut self, at: u64) {
        let room = &self.room;
        if room.game_over_at[self.i]
            .compare_exchange(0, at, Relaxed, Relaxed)
            .is_ok()
        {
            room.poke(room.game_overs.fetch_add(1, Relaxed) + 1);
        }
        self.done = true;
    }

    /// A message that reached this phone at `at`.
    fn on_text(&mut self, text: &str, at: u64) -> Action {
        // Most messages are only skimmed: decoding each whole would make
        // the generator, not the server, the bottleneck (ServerMsgSkim).
        let Ok(m) = ServerMsgSkim::parse(text.as_bytes()) else {
            self.ctx.error("unparsable message");
            return Action::Nothing;
        };
        let room = self.room.clone();
        let i = self.i;
        if let Some(photos) = &self.photos
            && matches!(m.kind, ServerMsgType::Round | ServerMsgType::Preload)
            && let Some(job) = job_for(text, room.round_index(m.round), at, self.ctx.ignore_preload)
        {
            let _ = photos.send(job);
        }
        match m.kind {
            ServerMsgType::Round => {
                let Some(r) = room.round_index(m.round) else {
                    self.ctx.error("phone: round number out of range");
                    return Action::Nothing;
                };
                if room.set_flag(r, i, F_ROUND) {
                    room.round_at[r * room.n + i].store(at, Relaxed);
                    room.round_read_at[r * room.n + i].store(self.ctx.now(), Relaxed);
                }
                self.schedule(r)
            }
            ServerMsgType::VoteAck => {
                if let Some(r) = room.round_index(m.round)
                    && room.set_flag(r, i, F_ACK)
                {
                    room.ack_at[r * room.n + i].store(at, Relaxed);
                    room.poke(room.acks[r].fetch_add(1, Relaxed) + 1);
                }
                Action::Nothing
            }
            ServerMsgType::Reveal => {
                match room.round_index(m.round) {
                    Some(r) => self.seen_reveal(r, m.has_you(), at),
                    None => self.ctx.error("phone: reveal number out of range"),
                }
                Action::Nothing
            }
            ServerMsgType::GameOver => {
                self.seen_game_over(at);
                Action::Nothing
            }
            ServerMsgType::State => match decode(text) {
                Some(ServerMsg::State(state)) => self.on_state(&state, at),
                _ => {
                    self.ctx.error("unparsable message");
                    Action::Nothing
                }
            },
            ServerMsgType::Error => {
                let code = match decode(text) {
                    Some(ServerMsg::Error { code, .. }) => code,
                    _ => "?".to_string(),
                };
                if self.churn && code == "round_closed" {
                    self.ctx.note("churn: vote after the round closed");
                } else {
                    self.ctx.error(format!("phone got error {code}"));
                }
                Action::Nothing
            }
            _ => Action::Nothing,
        }
    }

    /// A `state` after (re)connecting stands in for what was missed.
    fn on_state(&mut self, m: &State, at: u64) -> Action {
        let room = self.room.clone();
        let i = self.i;
        match m.phase {
            Phase::Question => {
                let Some(r) = room.round_index(Some(m.round)) else {
                    return Action::Nothing;
                };
                room.set_flag(r, i, F_ROUND);
                match (self.sent[r], m.voted.flatten()) {
                    // Sent before the drop but not acknowledged: the same
                    // vote again gets the same ack.
                    (Some(_), _) if room.flag(r, i) & F_ACK == 0 => Action::Vote(r),
                    (None, None) => self.schedule(r),
                    _ => Action::Nothing,
                }
            }
            Phase::Reveal => {
                if let Some(r) = room.round_index(Some(m.round)) {
                    room.set_flag(r, i, F_ROUND);
                    self.seen_reveal(r, m.you.is_some(), at);
                }
                Action::Nothing
            }
            Phase::Over => {
                self.seen_game_over(at);
                Action::Nothing
            }
            Phase::Lobby => Action::Nothing,
        }
    }
}
