//! One task per WebSocket: the first frame decides host or phone; then the
//! task reads the client, relays the room's broadcasts, and keeps the
//! connection alive. A socket that falls behind gets one fresh `state`.

use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, close_code};
use futures_util::FutureExt;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::time::{Instant, interval, timeout};
use tracing::{Instrument, debug, info_span};

use crate::game::{PlayerId, PlayerName, RuleError};
use crate::protocol::{ClientMsg, ServerMsg, error_json};
use crate::room::{Outbound, PhoneSession, Room};

/// Largest message a client may send (PROTOCOL §5).
pub const MAX_MESSAGE_BYTES: usize = 4096;
/// What the WebSocket layer itself reads before giving up: larger than
/// [`MAX_MESSAGE_BYTES`] so an oversized message is read whole and refused
/// with a clean 1009 close rather than a reset connection.
pub const MAX_READ_BYTES: usize = 64 * 1024;
/// The client must say who it is within this time.
const HELLO_TIMEOUT: Duration = Duration::from_secs(15);
/// A write that takes longer than this means the phone is gone.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
const STORAGE_MESSAGE: &str = "Your vote could not be saved; tap again in a moment.";
const PING_EVERY: Duration = Duration::from_secs(10);
/// Silence for this long (no frame, no pong) closes the socket, so a dead
/// phone stops counting as connected within about half a minute.
const DEAD_AFTER: Duration = Duration::from_secs(25);
/// Token bucket per socket: 10 messages a second, bursts of 20.
const RATE_PER_SEC: f64 = 10.0;
const RATE_BURST: f64 = 20.0;
/// Refused messages in a row before the socket is closed.
const RATE_STRIKES: u32 = 20;

struct Conn {
    /// One owner for both directions: no lock between reader and writer.
    socket: WebSocket,
    room: Arc<Room>,
    last_seen: Instant,
    tokens: f64,
    refill_at: Instant,
    strikes: u32,
    shutdown: tokio::sync::watch::Receiver<bool>,
    /// Said hello/joined/resumed: only then is `ping` answered.
    identified: bool,
}

enum Incoming {
    Msg(ClientMsg),
    /// Not a message at all; answered with `bad_message`.
    Bad,
    /// Answered already (error, pong); read on.
    Handled,
    Closed,
}

impl Conn {
    async fn send_text(&mut self, text: impl Into<Utf8Bytes>) -> bool {
        let mut send = std::pin::pin!(self.socket.send(Message::Text(text.into())));
        // Almost every write completes at once: arm the timeout (a timer
        // entry per message, thousands per broadcast) only when it did not.
        let ok = match (&mut send).now_or_never() {
            Some(result) => result.is_ok(),
            None => matches!(timeout(SEND_TIMEOUT, send).await, Ok(Ok(()))),
        };
        if ok {
            self.room.metrics().messages_sent.fetch_add(1, Relaxed);
        }
        ok
    }

    async fn send_error(&mut self, code: &str, message: &str) -> bool {
        self.send_text(error_json(code, message)).await
    }

    /// Sends a close frame, then waits briefly for the client's reply so
    /// the reason reaches it before the connection goes away.
    async fn close(&mut self, code: u16, reason: &'static str) {
        let frame = CloseFrame {
            code,
            reason: Utf8Bytes::from_static(reason),
        };
        let _ = timeout(SEND_TIMEOUT, self.socket.send(Message::Close(Some(frame)))).await;
        let _ = timeout(Duration::from_secs(2), async {
            while let Some(Ok(msg)) = self.socket.recv().await {
                if matches!(msg, Message::Close(_)) {
                    break;
                }
            }
        })
        .await;
    }

    /// Token bucket; `false` when this message is over the limit.
    fn allow(&mut self) -> bool {
        let now = Instant::now();
        let earned = now.duration_since(self.refill_at).as_secs_f64() * RATE_PER_SEC;
        self.tokens = (self.tokens + earned).min(RATE_BURST);
        self.refill_at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            self.strikes = 0;
            true
        } else {
            self.strikes += 1;
            false
        }
    }

    /// Reads one client frame and parses it, answering what needs no room.
    async fn read(&mut self, frame: Option<Result<Message, axum::Error>>) -> Incoming {
        let text = match frame {
            None | Some(Ok(Message::Close(_))) => return Incoming::Closed,
            Some(Err(e)) => {
                if is_too_big(e) {
                    self.close(close_code::SIZE, "message too big").await;
                }
                return Incoming::Closed;
            }
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => {
                self.last_seen = Instant::now();
                return Incoming::Handled;
            }
            Some(Ok(Message::Binary(_))) => None,
            Some(Ok(Message::Text(t))) => Some(t),
        };
        if text.as_ref().is_some_and(|t| t.len() > MAX_MESSAGE_BYTES) {
            self.close(close_code::SIZE, "message too big").await;
            return Incoming::Closed;
        }
        self.last_seen = Instant::now();
        if !self.allow() {
            if self.strikes >= RATE_STRIKES {
                self.close(close_code::POLICY, "too many messages").await;
                return Incoming::Closed;
            }
            let _ = self
                .send_error("rate_limited", "Too many messages; slow down.")
                .await;
            return Incoming::Handled;
        }
        let parsed = match text {
            Some(t) => ClientMsg::parse(t.as_str()),
            None => Err("Send JSON text frames.".to_string()),
        };
        match parsed {
            Ok(ClientMsg::Ping) if self.identified => {
                let _ = self.send_text(ServerMsg::Pong.to_json()).await;
                Incoming::Handled
            }
            Ok(msg) => Incoming::Msg(msg),
            Err(message) => {
                let _ = self.send_error("bad_message", &message).await;
                Incoming::Bad
            }
        }
    }

    /// Writes one broadcast as this client should see it. `false` = stop.
    async fn relay(&mut self, out: Outbound, me: Option<(PlayerId, u64)>) -> bool {
        let metrics_at;
        let text = match out {
            Outbound::Text(text, at) => {
                metrics_at = at;
                text
            }
            Outbound::Reveal(r, at, seq) => {
                metrics_at = at;
                // A failing store is reported elsewhere; show the reveal anyway.
                let _ = self.room.wait_durable(seq).await;
                me.map_or_else(|| r.host_text.clone(), |(id, _)| r.for_player(id))
            }
            Outbound::GameOver(g, at, seq) => {
                metrics_at = at;
                let _ = self.room.wait_durable(seq).await;
                me.map_or_else(|| g.host_text.clone(), |(id, _)| g.for_player(id))
            }
            Outbound::Kicked(player) => {
                if me.is_some_and(|(id, _)| id == player) {
                    let _ = self
                        .send_error("kicked", "The host removed you from this game.")
                        .await;
                    self.close(close_code::POLICY, "kicked").await;
                    return false;
                }
                return true;
            }
            Outbound::Replaced { player, generation } => {
                if me.is_some_and(|(id, g)| id == player && g != generation) {
                    let _ = self
                        .send_error("replaced", "You continued on another connection.")
                        .await;
                    self.close(close_code::NORMAL, "replaced").await;
                    return false;
                }
                return true;
            }
        };
        let ok = self.send_text(text).await;
        self.room.metrics().observe_broadcast(metrics_at.elapsed());
        ok
    }
}

fn is_too_big(e: axum::Error) -> bool {
    use tokio_tungstenite::tungstenite::Error;
    matches!(
        e.into_inner().downcast::<Error>().map(|b| *b),
        Ok(Error::Capacity(_))
    )
}

/// Runs a WebSocket for `room` until either side ends it.
/// `on_bad_key` counts a wrong host key against the client's address and
/// says whether the address is still within its allowance.
pub async fn run(socket: WebSocket, room: Arc<Room>, on_bad_key: Box<dyn Fn() -> bool + Send>) {
    let now = Instant::now();
    let mut conn = Conn {
        socket,
        room: room.clone(),
        last_seen: now,
        tokens: RATE_BURST,
        refill_at: now,
        strikes: 0,
        shutdown: room.shutdown_signal(),
        identified: false,
    };
    let span = info_span!("ws", room = %room.code);
    async move {
        // Until the client says who it is, only hello/join/resume are read;
        // a failed join may be retried with another name.
        loop {
            let frame = match timeout(HELLO_TIMEOUT, conn.socket.recv()).await {
                Ok(frame) => frame,
                Err(_) => {
                    conn.close(close_code::POLICY, "say hello first").await;
                    return;
                }
            };
            let msg = match conn.read(frame).await {
                Incoming::Closed => return,
                Incoming::Handled => continue,
                Incoming::Bad => {
                    conn.close(close_code::POLICY, "say hello first").await;
                    return;
                }
                Incoming::Msg(m) => m,
            };
            match msg {
                ClientMsg::Hello { key } => {
                    if room.is_host_key(&key) {
                        host(conn).await;
                    } else {
                        let _ = if on_bad_key() {
                            conn.send_error("not_host", "That host key is not valid for this room.")
                                .await
                        } else {
                            conn.send_error(
                                "rate_limited",
                                "Too many wrong keys from your network; wait a minute.",
                            )
                            .await
                        };
                        conn.close(close_code::POLICY, "bad host key").await;
                    }
                    return;
                }
                ClientMsg::Join { name } => {
                    let joined = PlayerName::parse(&name)
                        .map_err(RuleError::BadName)
                        .and_then(|name| room.join(&name));
                    match joined {
                        Ok(session) => return phone(conn, session).await,
                        Err(e) => {
                            if !conn.send_error(e.code(), &e.to_string()).await {
                                return;
                            }
                        }
                    }
                }
                ClientMsg::Resume { token } => match room.resume(&token) {
                    Ok(session) => return phone(conn, session).await,
                    Err(_) => {
                        if !conn
                            .send_error(
                                "unknown_token",
                                "This device is not in the game any more; join again.",
                            )
                            .await
                        {
                            return;
                        }
                    }
                },
                _ => {
                    let _ = conn
                        .send_error(
                            "bad_message",
                            "Say who you are first: hello, join or resume.",
                        )
                        .await;
                    conn.close(close_code::POLICY, "say hello first").await;
                    return;
                }
            }
        }
    }
    .instrument(span)
    .await;
}

async fn host(mut conn: Conn) {
    conn.identified = true;
    let metrics = conn.room.metrics();
    metrics.hosts_connected.fetch_add(1, Relaxed);
    let (mut rx, state) = conn.room.host_connect();
    if conn.send_text(state).await {
        host_loop(&mut conn, &mut rx).await;
    }
    conn.room.metrics().hosts_connected.fetch_sub(1, Relaxed);
}

async fn host_loop(conn: &mut Conn, rx: &mut broadcast::Receiver<Outbound>) {
    let mut ping = interval(PING_EVERY);
    loop {
        tokio::select! {
            biased;
            out = rx.recv() => {
                let ok = match out {
                    Ok(out) => conn.relay(out, None).await,
                    Err(RecvError::Lagged(_)) => {
                        let state = conn.room.state_for(None);
                        conn.send_text(state).await
                    }
                    Err(RecvError::Closed) => false,
                };
                if !ok { return; }
            }
            frame = conn.socket.recv() => {
                let msg = match conn.read(frame).await {
                    Incoming::Closed => return,
                    Incoming::Handled | Incoming::Bad => continue,
                    Incoming::Msg(m) => m,
                };
                let room = &conn.room;
                let result = match &msg {
                    ClientMsg::StartRound => room.start_round(),
                    ClientMsg::Reveal => room.reveal(),
                    ClientMsg::EndGame => room.end_game(),
                    ClientMsg::Kick { player_id } => room.kick(*player_id),
                    ClientMsg::Configure { .. } => match msg.configured(&room.settings()) {
                        Some(settings) => room.configure(settings),
                        None => Ok(()),
                    },
                    _ => {
                        let ok = conn.send_error("bad_message", "The host screen cannot do that.").await;
                        if !ok { return; }
                        continue;
                    }
                };
                if let Err(e) = result
                    && !conn.send_error(e.code(), &e.to_string()).await
                {
                    return;
                }
            }
            _ = ping.tick() => {
                if !keep_alive(conn).await { return; }
            }
            _ = conn.shutdown.changed() => {
                conn.close(close_code::RESTART, "server restarting").await;
                return;
            }
        }
    }
}

/// Pings the client; `false` when it has been silent for too long.
async fn keep_alive(conn: &mut Conn) -> bool {
    if conn.last_seen.elapsed() > DEAD_AFTER {
        debug!("client silent, closing");
        return false;
    }
    matches!(
        timeout(
            SEND_TIMEOUT,
            conn.socket.send(Message::Ping(Default::default()))
        )
        .await,
        Ok(Ok(()))
    )
}

async fn phone(mut conn: Conn, session: PhoneSession) {
    let PhoneSession {
        player,
        name,
        score,
        token,
        generation,
        mut rx,
        state,
        seq,
    } = session;
    conn.identified = true;
    let room = conn.room.clone();
    // A welcome promises that the token works after a restart.
    if !room.wait_durable(seq).await {
        let _ = conn
            .send_error(
                "storage_unavailable",
                "The game could not save you; try again.",
            )
            .await;
        room.leave(player, generation);
        conn.close(close_code::AGAIN, "storage unavailable").await;
        return;
    }
    room.metrics().players_connected.fetch_add(1, Relaxed);
    let welcome = ServerMsg::Welcome {
        player_id: player,
        token: &token,
        name: &name,
        score,
        code: &room.code,
    }
    .to_json();
    if conn.send_text(welcome).await && conn.send_text(state).await {
        phone_loop(&mut conn, &mut rx, player, generation).await;
    }
    room.leave(player, generation);
    room.metrics().players_connected.fetch_sub(1, Relaxed);
}

/// A vote, acknowledged only once it is on disk.
async fn vote(conn: &mut Conn, player: PlayerId, round: u32, choice: i64) -> bool {
    if !conn.room.storage_ok() {
        return conn
            .send_error("storage_unavailable", STORAGE_MESSAGE)
            .await;
    }
    match conn.room.vote(player, round, choice) {
        Ok(seq) => {
            if conn.room.wait_durable(seq).await {
                // In range once accepted.
                let choice = choice as u8;
                conn.send_text(ServerMsg::VoteAck { round, choice }.to_json())
                    .await
            } else {
                conn.send_error("storage_unavailable", STORAGE_MESSAGE)
                    .await
            }
        }
        Err(e) => conn.send_error(e.code(), &e.to_string()).await,
    }
}

async fn phone_loop(
    conn: &mut Conn,
    rx: &mut broadcast::Receiver<Outbound>,
    player: PlayerId,
    generation: u64,
) {
    let mut ping = interval(PING_EVERY);
    let me = Some((player, generation));
    loop {
        tokio::select! {
            biased;
            out = rx.recv() => {
                let ok = match out {
                    Ok(out) => conn.relay(out, me).await,
                    Err(RecvError::Lagged(_)) => {
                        // What was skipped may have been this phone's kick or
                        // replacement: check before resyncing.
                        if !conn.room.is_current(player, generation) {
                            let _ = conn
                                .send_error("kicked", "You are no longer in this game on this connection.")
                                .await;
                            conn.close(close_code::POLICY, "no longer in the game").await;
                            return;
                        }
                        let state = conn.room.state_for(Some(player));
                        conn.send_text(state).await
                    }
                    Err(RecvError::Closed) => false,
                };
                if !ok { return; }
            }
            frame = conn.socket.recv() => {
                let msg = match conn.read(frame).await {
                    Incoming::Closed => return,
                    Incoming::Handled | Incoming::Bad => continue,
                    Incoming::Msg(m) => m,
                };
                let ok = match msg {
                    ClientMsg::Vote { round, choice } => vote(conn, player, round, choice).await,
                    m if m.is_host_command() => {
                        conn.send_error("not_host", "Only the host screen can do that.").await
                    }
                    _ => conn.send_error("bad_message", "You are already in the game.").await,
                };
                if !ok { return; }
            }
            _ = ping.tick() => {
                if !keep_alive(conn).await { return; }
            }
            _ = conn.shutdown.changed() => {
                conn.close(close_code::RESTART, "server restarting").await;
                return;
            }
        }
    }
}
