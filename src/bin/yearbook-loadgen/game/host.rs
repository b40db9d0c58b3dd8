//! The host: starts each round, reveals once the votes are in, ends the game.

use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::sync::oneshot;
use tokio_tungstenite::tungstenite::Message;
use yearbook::protocol::{ClientMsg, ServerMsg, ServerMsgSkim, ServerMsgType};

use super::{Ctx, RoomRun, Ws, decode, drop_hard};
use super::{STAGE_END, STAGE_PLAY, STAGE_STOP};

struct Host {
    ctx: Arc<Ctx>,
    room: Arc<RoomRun>,
    ws: Ws,
    /// `reveal`s sent, and the `wrong_phase` answers seen: each reveal we
    /// send may race the room closing by itself, and its refusal may arrive
    /// after the round is over.
    reveals_sent: usize,
    wrong_phase: usize,
    /// The socket ended; nothing more to read.
    gone: bool,
}

impl Host {
    fn on_text(&mut self, text: &str) {
        let Ok(m) = ServerMsgSkim::parse(text.as_bytes()) else {
            self.ctx.error("unparsable message");
            return;
        };
        let room = &self.room;
        let now = self.ctx.now();
        match m.kind {
            ServerMsgType::Round => {
                if let Some(r) = room.round_index(m.round) {
                    let _ = room.host_round_at[r].compare_exchange(0, now, Relaxed, Relaxed);
                }
            }
            ServerMsgType::Reveal => {
                if let Some(r) = room.round_index(m.round) {
                    let _ = room.host_reveal_at[r].compare_exchange(0, now, Relaxed, Relaxed);
                    room.host_wake.notify_one();
                }
            }
            ServerMsgType::GameOver => {
                room.host_game_over.store(true, Relaxed);
                room.host_wake.notify_one();
            }
            ServerMsgType::Error => {
                let code = match decode(text) {
                    Some(ServerMsg::Error { code, .. }) => code,
                    _ => "?".to_string(),
                };
                if code == "wrong_phase" && self.wrong_phase < self.reveals_sent {
                    self.wrong_phase += 1;
                } else {
                    self.ctx.error(format!("host got error {code}"));
                }
            }
            _ => {}
        }
    }

    /// One frame from the host socket; `Err` once the socket is gone.
    fn on_frame(
        &mut self,
        frame: Option<Result<Message, tokio_tungstenite::tungstenite::Error>>,
    ) -> Result<(), ()> {
        match frame {
            Some(Ok(Message::Text(t))) => {
                self.ctx.received.fetch_add(1, Relaxed);
                self.on_text(t.as_str());
                Ok(())
            }
            Some(Ok(Message::Close(c))) => {
                let why = c.map_or_else(String::new, |c| format!("{} {}", c.code, c.reason));
                self.ctx
                    .error(format!("host: server closed the socket ({why})"));
                self.gone = true;
                Err(())
            }
            Some(Ok(_)) => Ok(()),
            Some(Err(e)) => {
                self.gone = true;
                if !self.ctx.stopping() {
                    self.ctx.error(format!("host: connection lost ({e})"));
                }
                Err(())
            }
            None => {
                self.gone = true;
                if !self.ctx.stopping() {
                    self.ctx.error("host: connection closed");
                }
                Err(())
            }
        }
    }

    /// Reads the host socket until `done` holds or `deadline`; `Err` if the
    /// socket is gone.
    async fn wait(
        &mut self,
        deadline: tokio::time::Instant,
        done: impl Fn(&RoomRun) -> bool,
    ) -> Result<bool, ()> {
        loop {
            if done(&self.room) {
                return Ok(true);
            }
            tokio::select! {
                _ = self.room.host_wake.notified() => {}
                frame = self.ws.next() => self.on_frame(frame)?,
                _ = tokio::time::sleep_until(deadline) => return Ok(done(&self.room)),
            }
        }
    }

    /// Reads (so nothing backs up) until the run reaches `stage`.
    async fn idle_until(&mut self, stage: u8) -> Result<(), ()> {
        let mut rx = self.ctx.stage.clone();
        loop {
            tokio::select! {
                _ = rx.wait_for(|s| *s >= stage) => return Ok(()),
                frame = self.ws.next() => self.on_frame(frame)?,
            }
        }
    }

    async fn send(&mut self, msg: ClientMsg) -> Result<(), ()> {
        if self.ws.send(Message::text(msg.to_json())).await.is_err() {
            self.ctx.error("host: send failed");
            return Err(());
        }
        Ok(())
    }

    async fn play_round(&mut self, r: usize, seconds: u32) -> Result<(), ()> {
        let room = self.room.clone();
        let ctx = self.ctx.clone();
        if r > 0 && !ctx.reveal_pause.is_zero() {
            // The previous reveal stays up a while, reading what comes.
            let until = tokio::time::Instant::now() + ctx.reveal_pause;
            self.wait(until, |_| false).await?;
        }
        ctx.clock.resync();
        room.start_at[r].store(ctx.now(), Relaxed);
        self.send(ClientMsg::StartRound).await?;
        room.rounds_played.fetch_add(1, Relaxed);
        let limit = Duration::from_secs(u64::from(seconds))
            + Duration::from_millis(ctx.vote_delay_ms)
            + ctx.wait;
        let deadline = tokio::time::Instant::now() + limit;
        let acked = self
            .wait(deadline, |room| {
                room.acks[r].load(Relaxed) >= room.active.load(Relaxed)
                    || room.host_reveal_at[r].load(Relaxed) != 0
            })
            .await?;
        if !acked {
            ctx.error("host: not every vote was acknowledged in time");
        }
        if room.host_reveal_at[r].load(Relaxed) == 0 {
            // Slow phones never vote, so the host closes the round.
            self.reveals_sent += 1;
            room.host_sent_reveal[r].store(true, Relaxed);
            self.send(ClientMsg::Reveal).await?;
        }
        let deadline = tokio::time::Instant::now() + ctx.wait;
        let revealed = self
            .wait(deadline, |room| {
                room.host_reveal_at[r].load(Relaxed) != 0
                    && room.reveals[r].load(Relaxed) >= room.active.load(Relaxed)
            })
            .await?;
        if !revealed {
            ctx.error("host: not every phone got the reveal in time");
        }
        Ok(())
    }
}

pub(super) async fn host_task(
    ctx: Arc<Ctx>,
    room: Arc<RoomRun>,
    ws: Ws,
    seconds: u32,
    rounds_done: oneshot::Sender<()>,
    ended: oneshot::Sender<()>,
) {
    let mut host = Host {
        ctx: ctx.clone(),
        room: room.clone(),
        ws,
        reveals_sent: 0,
        wrong_phase: 0,
        gone: false,
    };
    let result: Result<(), ()> = async {
        host.idle_until(STAGE_PLAY).await?;
        for r in 0..room.rounds {
            host.play_round(r, seconds).await?;
        }
        Ok(())
    }
    .await;
    let _ = rounds_done.send(());
    if result.is_ok() && host.idle_until(STAGE_END).await.is_ok() {
        room.ended.store(true, Relaxed);
        room.end_at.store(ctx.now(), Relaxed);
        if host.send(ClientMsg::EndGame).await.is_ok() {
            let deadline = tokio::time::Instant::now() + ctx.wait;
            let over = host
                .wait(deadline, |room| {
                    room.host_game_over.load(Relaxed)
                        && room.game_overs.load(Relaxed) >= room.active.load(Relaxed)
                })
                .await;
            if over == Ok(false) {
                ctx.error("host: game_over did not reach everyone in time");
            }
        }
    }
    let _ = ended.send(());
    if !host.gone {
        let _ = host.idle_until(STAGE_STOP).await;
    }
    drop_hard(host.ws);
}
