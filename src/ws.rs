//! One task per WebSocket: the first frame decides host or phone; then the
//! task reads the client, answers it, and keeps the connection alive. The
//! room's broadcasts reach the same socket from its fan-out (`delivery/fanout.rs`)
//! through the shared socket; this task drains what the socket could not take
//! at once and closes it when the room asks (kicked, replaced) or when it
//! stops taking bytes.

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::io::AsyncReadExt;
use tokio::time::{Instant, timeout};
use tokio_tungstenite::tungstenite::error::ProtocolError;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{self, Message, Utf8Bytes};
use tracing::debug;

use crate::clock::timeout_at;
use crate::delivery::fanout::Phone;
use crate::delivery::frame_meter::RATE_STRIKES;
use crate::delivery::runtimes::Unidentified;
use crate::delivery::socket::{PING_EVERY, SharedSocket};
use crate::delivery::upgrade::Socket;
use crate::game::{PlayerId, PlayerName, RuleError};
use crate::i18n::{self, Lang};
use crate::protocol::{ClientMsg, ServerMsg, error_json};
use crate::room::{Client, HostRefused, PhoneSession, Room};

/// Close codes (RFC 6455 §7.4.1).
mod close_code {
    pub const PROTOCOL: u16 = 1002;
    pub const NOT_UTF8: u16 = 1007;
    pub const POLICY: u16 = 1008;
    pub const SIZE: u16 = 1009;
    pub const RESTART: u16 = 1012;
    pub const TRY_AGAIN: u16 = 1013;
}

/// What [`ClientMsg::parse`] puts before serde's detail.
const BAD_MESSAGE_PREFIX: &str = "Could not understand that message: ";

/// The `lang` a hello/join/resume may carry (docs/protocol.md), when it
/// names a language of ours.
fn said_lang(text: &str) -> Option<Lang> {
    #[derive(serde::Deserialize)]
    struct Said {
        lang: Option<String>,
    }
    serde_json::from_str::<Said>(text)
        .ok()?
        .lang
        .as_deref()
        .and_then(Lang::parse)
}

/// Largest message a client may send (PROTOCOL §5).
pub const MAX_MESSAGE_BYTES: usize = 4096;
/// What the WebSocket layer itself reads before giving up: larger than
/// [`MAX_MESSAGE_BYTES`] so an oversized message is read whole and refused
/// with a clean 1009 close rather than a reset connection.
pub const MAX_READ_BYTES: usize = 64 * 1024;
/// The client must say who it is within this time of connecting,
/// whatever else it sends meanwhile…
const HELLO_TIMEOUT: Duration = Duration::from_secs(15);
/// …or, after a paced `join`, within this long of the latest one, but
/// never later than [`HELLO_AT_MOST`] after connecting: 200 phones behind
/// one router need about 28 s, and a socket cannot stay unidentified for
/// ever by being paced.
const HELLO_AT_MOST: Duration = Duration::from_secs(60);
/// After a close frame, how long the client's close (or the end of the
/// connection) is waited for.
const CLOSE_WAIT: Duration = Duration::from_secs(2);
/// After failing a connection, at most this much of what the client still
/// sends is read and dropped while waiting for its close.
const DISCARD_AT_MOST: usize = 1024 * 1024;
/// A socket that takes no bytes for this long means the phone is gone.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// Real time a stall must also last: longer than a delayed ACK (40 ms).
const MIN_REAL_STALL: Duration = Duration::from_millis(200);
/// Silence for this long (no frame, no pong) closes the socket, so a dead
/// phone stops counting as connected within about half a minute.
const DEAD_AFTER: Duration = Duration::from_secs(25);

struct Conn {
    /// The protocol side (reading, control frames, this socket's own
    /// messages); broadcasts reach the same socket through `client.socket`.
    socket: Socket,
    client: Client,
    room: Arc<Room>,
    last_seen: Instant,
    /// Bytes the client had acknowledged, and since when, while the
    /// kernel holds more for it (see `keep_alive`).
    stalled_at: Option<(u64, Instant, std::time::Instant)>,
    shutdown: tokio::sync::watch::Receiver<bool>,
    /// Said hello/joined/resumed: only then is `ping` answered.
    identified: bool,
    /// The language of this client's error messages: the `lang` of its
    /// hello/join/resume (docs/protocol.md), English without one.
    lang: Lang,
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
    fn shared(&self) -> &SharedSocket {
        &self.client.socket
    }

    /// Said hello/joined/resumed: out of the stranger's limits.
    fn mark_identified(&mut self) {
        self.identified = true;
        self.socket.get_mut().set_identified();
    }

    /// Writes never wait: the shared socket takes the frame whole or fails.
    async fn send_text(&mut self, text: impl Into<Utf8Bytes>) -> bool {
        let ok = self.socket.send(Message::Text(text.into())).await.is_ok();
        if ok {
            self.room.metrics().messages_sent.fetch_add(1, Relaxed);
        }
        ok
    }

    async fn send_error(&mut self, code: &str, message: &str) -> bool {
        self.send_text(error_json(code, message)).await
    }

    /// An error whose message is the catalogue's `key` in the client's language.
    async fn send_said(&mut self, code: &str, key: &str) -> bool {
        let message = self.lang.get(key);
        self.send_error(code, &message).await
    }

    /// A refused rule, said in the client's language.
    async fn send_rule(&mut self, e: RuleError) -> bool {
        let message = i18n::rule_message(e, self.lang);
        self.send_error(e.code(), &message).await
    }

    /// [`Conn::refuse`] for a rule.
    async fn refuse_rule(&mut self, e: RuleError, reason: &'static str) {
        let message = i18n::rule_message(e, self.lang);
        self.refuse(e.code(), &message, reason).await;
    }

    /// Tells the client why (an `error`), then closes with 1008.
    async fn refuse(&mut self, code: &str, message: &str, reason: &'static str) {
        let _ = self.send_error(code, message).await;
        self.close(close_code::POLICY, reason).await;
    }

    /// Sends a close frame, then waits briefly for the client's reply so
    /// the reason reaches it before the connection goes away.
    async fn close(&mut self, code: u16, reason: &'static str) {
        self.shared().stop_broadcasts();
        let frame = CloseFrame {
            code: CloseCode::from(code),
            reason: Utf8Bytes::from_static(reason),
        };
        let _ = self.socket.send(Message::Close(Some(frame))).await;
        let _ = self.shared().drain(CLOSE_WAIT).await;
        let _ = timeout(CLOSE_WAIT, async {
            while let Some(Ok(msg)) = self.socket.next().await {
                if matches!(msg, Message::Close(_)) {
                    break;
                }
            }
        })
        .await;
    }

    /// The shared socket woke this task: the room wants the socket closed (`None`:
    /// stop), or bytes wait for the socket (`Some(true)`: drain them, as a
    /// branch of the task's loop so it stays responsive meanwhile).
    async fn on_shared_socket(&mut self) -> Option<bool> {
        if let Some(close) = self.shared().take_close_request() {
            // In the socket's language, like every error it is sent.
            let message = self.lang.get(close.key);
            let _ = self.send_error(close.error, &message).await;
            self.close(close.code, close.reason).await;
            return None;
        }
        if self.shared().failed() {
            return None;
        }
        Some(self.shared().has_pending())
    }

    /// The client sent a Close: tungstenite has queued the answering
    /// Close (its code echoed, or 1002 for a code no one may send), and
    /// it goes out before the connection ends (RFC 6455 §5.5.1).
    async fn answer_close(&mut self) {
        self.shared().stop_broadcasts();
        let _ = self.socket.flush().await;
        let _ = self.shared().drain(CLOSE_WAIT).await;
    }

    /// Fails the connection (RFC 6455 §7.1.7) once tungstenite can read it
    /// no further: a Close is written past tungstenite, then what the
    /// client still sends (the rest of a huge frame) is read and dropped
    /// until its Close is in, within bounds, so that the client reads our
    /// Close rather than a reset.
    async fn fail(&mut self, code: u16, reason: &'static str) {
        self.shared().stop_broadcasts();
        debug_assert!(
            reason.len() <= 123,
            "a control frame's payload is 125 bytes at most"
        );
        let mut frame = Vec::with_capacity(4 + reason.len());
        frame.extend_from_slice(&[0x88, (2 + reason.len()) as u8]);
        frame.extend_from_slice(&code.to_be_bytes());
        frame.extend_from_slice(reason.as_bytes());
        if !self.shared().send_own(&frame) || self.shared().drain(CLOSE_WAIT).await.is_err() {
            return;
        }
        let io = self.socket.get_mut();
        io.set_lingering();
        let _ = timeout(CLOSE_WAIT, async {
            // On the heap: an array here would sit in every socket's task.
            let mut scratch = vec![0u8; 4096];
            let mut dropped = 0;
            while !(io.meter.closes() > 0 && io.meter.between_frames()) && dropped < DISCARD_AT_MOST
            {
                match io.read(&mut scratch).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => dropped += n,
                }
            }
        })
        .await;
    }

    /// A read failed: answers what the client did wrong with its close
    /// code (RFC 6455 §7.4.1).
    async fn on_read_error(&mut self, error: tungstenite::Error) {
        let (code, reason) = match error {
            tungstenite::Error::Capacity(_) => (close_code::SIZE, "message too big"),
            tungstenite::Error::Utf8(_) => (close_code::NOT_UTF8, "text is not UTF-8"),
            tungstenite::Error::Protocol(ProtocolError::ResetWithoutClosingHandshake) => return,
            tungstenite::Error::Protocol(_) => (close_code::PROTOCOL, "protocol error"),
            tungstenite::Error::Io(_) if self.socket.get_ref().meter.flooded() => {
                (close_code::POLICY, "too many messages")
            }
            _ => return,
        };
        self.fail(code, reason).await;
    }

    /// Reads one client frame and parses it, answering what needs no room.
    async fn read(&mut self, frame: Option<Result<Message, tungstenite::Error>>) -> Incoming {
        let text = match frame {
            None => return Incoming::Closed,
            Some(Ok(Message::Close(_))) => {
                self.answer_close().await;
                return Incoming::Closed;
            }
            Some(Err(e)) => {
                self.on_read_error(e).await;
                return Incoming::Closed;
            }
            // Counted against the rate limit as they arrived (`delivery/frame_meter.rs`).
            Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => {
                self.last_seen = crate::clock::now();
                return Incoming::Handled;
            }
            Some(Ok(Message::Binary(b))) => Err(b.len()),
            Some(Ok(Message::Text(t))) => Ok(t),
        };
        let len = match &text {
            Ok(t) => t.len(),
            Err(binary_len) => *binary_len,
        };
        if len > MAX_MESSAGE_BYTES {
            self.close(close_code::SIZE, "message too big").await;
            return Incoming::Closed;
        }
        let now = crate::clock::now();
        self.last_seen = now;
        let meter = &mut self.socket.get_mut().meter;
        if !meter.allow(now) {
            if meter.strikes() >= RATE_STRIKES {
                self.close(close_code::POLICY, "too many messages").await;
                return Incoming::Closed;
            }
            let _ = self.send_said("rate_limited", "error-rate-limited").await;
            return Incoming::Handled;
        }
        if !self.identified
            && let Ok(t) = &text
            && let Some(lang) = said_lang(t.as_str())
        {
            self.lang = lang;
            // The room's own replies to this socket (a vote's refusal) too.
            self.client.lang = lang;
        }
        let parsed = match text {
            Ok(t) => ClientMsg::parse(t.as_str()).map_err(|e| {
                // serde's detail stays as it is: it names a field, not a sentence.
                let detail = e.strip_prefix(BAD_MESSAGE_PREFIX).unwrap_or(&e);
                self.lang.with(
                    "error-bad-message",
                    &[("detail", detail.to_string().into())],
                )
            }),
            Err(_) => Err(self.lang.get("error-send-json")),
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
}

/// Runs a WebSocket for `room` until either side ends it. `host_only`: it
/// asked for `role=host`, holding `unidentified` until its `hello`.
/// `on_bad_key` counts a wrong host key against the client's address and
/// says whether the address is still within its allowance; `may_join`
/// takes one of the address's paced joins (PROTOCOL §5); `network` is the
/// client's ([`crate::http::throttle::network_of`]).
pub async fn run(
    shared: Arc<SharedSocket>,
    socket: Socket,
    room: Arc<Room>,
    (host_only, mut unidentified): (bool, Option<Unidentified>),
    on_bad_key: Box<dyn Fn() -> bool + Send>,
    may_join: Box<dyn Fn() -> bool + Send>,
    network: IpAddr,
) {
    let now = crate::clock::now();
    let mut conn = Conn {
        socket,
        client: Client::new(shared).on_network(network),
        room: room.clone(),
        last_seen: now,
        stalled_at: None,
        shutdown: room.shutdown_signal(),
        identified: false,
        lang: Lang::EN,
    };
    // Until the client says who it is, only hello/join/resume are read;
    // a failed join may be retried with another name, within the deadline.
    let mut hello_by = now + HELLO_TIMEOUT;
    loop {
        let frame = match timeout_at(hello_by, conn.socket.next()).await {
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
            ClientMsg::Join { .. } | ClientMsg::Resume { .. } if host_only => {
                let message = conn.lang.get("error-host-only");
                conn.refuse("bad_message", &message, "host screens only")
                    .await;
                return;
            }
            ClientMsg::Hello { key } => {
                if room.is_host_key(&key) {
                    drop(unidentified.take());
                    host(conn).await;
                } else {
                    let (code, key) = if on_bad_key() {
                        ("not_host", "error-not-host-key")
                    } else {
                        ("rate_limited", "error-too-many-keys")
                    };
                    let message = conn.lang.get(key);
                    conn.refuse(code, &message, "bad host key").await;
                }
                return;
            }
            ClientMsg::Join { .. } if !room.storage_ok() => {
                // Refused before anything changes: a player the store
                // saves later would be one who was told no.
                let _ = conn
                    .send_said("storage_unavailable", "error-join-not-saved")
                    .await;
                conn.close(close_code::TRY_AGAIN, "storage unavailable")
                    .await;
                return;
            }
            // Paced per address; the socket stays open for the retry, and
            // its deadline moves on, within bounds: it did say who it is,
            // and was told to wait (200 phones behind one router take ~28 s).
            ClientMsg::Join { .. } if !may_join() => {
                hello_by = hello_deadline_after_pacing(now, crate::clock::now());
                if !conn.send_said("rate_limited", "error-join-paced").await {
                    return;
                }
            }
            ClientMsg::Join { name, device } => {
                let device = device.as_deref().filter(|d| is_device_id(d));
                let joined = PlayerName::parse(&name)
                    .map_err(RuleError::BadName)
                    .and_then(|name| room.join_on_device(&name, device, Some(&conn.client)));
                match joined {
                    Ok(session) => return phone(conn, session).await,
                    Err(e @ RuleError::RoomClosed) => {
                        conn.refuse_rule(e, "room closed").await;
                        return;
                    }
                    Err(e) => {
                        if !conn.send_rule(e).await {
                            return;
                        }
                    }
                }
            }
            ClientMsg::Resume { token } => match room.resume(&token, Some(&conn.client)) {
                Ok(session) => return phone(conn, session).await,
                Err(_) if room.is_closed() => {
                    conn.refuse_rule(RuleError::RoomClosed, "room closed").await;
                    return;
                }
                Err(_) => {
                    if !conn.send_said("unknown_token", "error-unknown-token").await {
                        return;
                    }
                }
            },
            _ => {
                let message = conn.lang.get("error-say-hello");
                conn.refuse("bad_message", &message, "say hello first")
                    .await;
                return;
            }
        }
    }
}

/// Whether a `join`'s `device` looks like the id a phone makes (1 to 64
/// ASCII letters, digits, `-` or `_`); any other is ignored, not kept.
fn is_device_id(device: &str) -> bool {
    (1..=MAX_DEVICE_ID).contains(&device.len())
        && device
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The longest `join.device` kept (a UUID is 36).
const MAX_DEVICE_ID: usize = 64;

/// The hello deadline after a paced `join` at `now` on a socket that
/// connected at `connected`: 15 s on, but never past 60 s after connecting.
fn hello_deadline_after_pacing(connected: Instant, now: Instant) -> Instant {
    (now + HELLO_TIMEOUT).min(connected + HELLO_AT_MOST)
}

/// Takes a registered socket out of its room however its task ends (even
/// by a panic), so the fan-out never keeps a dead socket or its room.
struct Registered {
    room: Arc<Room>,
    client: Client,
    /// `None` for a host screen.
    phone: Option<Phone>,
}

impl Registered {
    fn new(conn: &Conn, phone: Option<Phone>) -> Self {
        let metrics = conn.room.metrics();
        match phone {
            Some(_) => metrics.players_connected.fetch_add(1, Relaxed),
            None => metrics.hosts_connected.fetch_add(1, Relaxed),
        };
        Self {
            room: conn.room.clone(),
            client: conn.client.clone(),
            phone,
        }
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        let metrics = self.room.metrics();
        match self.phone {
            Some(Phone { player, generation }) => {
                self.room.leave(player, generation, Some(&self.client));
                metrics.players_connected.fetch_sub(1, Relaxed);
            }
            None => {
                self.room.host_leave(&self.client);
                metrics.hosts_connected.fetch_sub(1, Relaxed);
            }
        }
    }
}

async fn host(mut conn: Conn) {
    conn.mark_identified();
    if let Err(e) = conn.room.host_connect(&conn.client) {
        let reason = match e {
            HostRefused::Closed => "room closed",
            HostRefused::TooMany => "too many host screens",
        };
        let message = e.message(conn.lang);
        conn.refuse(e.code(), &message, reason).await;
        return;
    }
    let _registered = Registered::new(&conn, None);
    socket_loop(&mut conn, None).await;
}

/// A host screen's command; `false` = stop.
async fn on_host_message(conn: &mut Conn, msg: ClientMsg) -> bool {
    let room = &conn.room;
    if msg.is_host_command() && !room.storage_ok() {
        // What a command changes could not be kept: a question shown now
        // would be a different one after a restart.
        return conn
            .send_said("storage_unavailable", "error-host-not-saved")
            .await;
    }
    if matches!(msg, ClientMsg::DecideClaim { .. }) && !room.then_now_enabled() {
        // Nothing to decide; undoing a claim stays allowed (taking back).
        return conn
            .send_said(crate::thennow::OFF_CODE, "error-then-now-off")
            .await;
    }
    let result = match &msg {
        ClientMsg::StartRound => room.start_round(),
        ClientMsg::Reveal => room.reveal(),
        ClientMsg::EndGame => room.end_game(),
        ClientMsg::Kick { player_id } => room.kick(*player_id),
        ClientMsg::RemoveDisconnected => room.remove_disconnected(),
        ClientMsg::Pause => room.pause(),
        ClientMsg::Unpause => room.unpause(),
        ClientMsg::LetBack { player_id } => room.let_back(*player_id),
        ClientMsg::DecideClaim { player_id, give } => room.decide_claim(*player_id, *give),
        ClientMsg::UndoClaim { player_id } => room.unclaim(*player_id),
        ClientMsg::Configure { .. } => match msg.configured(&room.settings()) {
            Some(settings) => room.configure(settings),
            None => Ok(()),
        },
        _ => {
            return conn.send_said("bad_message", "error-host-cannot").await;
        }
    };
    match result {
        Ok(()) => true,
        Err(e @ RuleError::RoomClosed) => {
            conn.refuse_rule(e, "room closed").await;
            false
        }
        Err(e) => conn.send_rule(e).await,
    }
}

/// A phone's search for itself in the class reads this much of what it typed.
const MAX_SEARCH_CHARS: usize = 100;

/// A phone's message; `false` = stop.
async fn on_phone_message(
    conn: &mut Conn,
    player: PlayerId,
    msg: ClientMsg,
    arrived: crate::game::Millis,
) -> bool {
    match msg {
        ClientMsg::Vote { round, choice } => {
            if conn.room.storage_ok() {
                // Acknowledged (or refused) by the room once on disk.
                let _ = conn.room.vote_arrived(
                    player,
                    round,
                    choice,
                    Some(&conn.client),
                    Some(arrived),
                );
                true
            } else {
                conn.send_said("storage_unavailable", "error-vote-not-saved")
                    .await
            }
        }
        // Off for this event: no "I'm…"; taking a claim back stays allowed.
        ClientMsg::FindClassmate { .. } | ClientMsg::Claim { .. }
            if !conn.room.then_now_enabled() =>
        {
            conn.send_said(crate::thennow::OFF_CODE, "error-then-now-off")
                .await
        }
        ClientMsg::FindClassmate { query } => {
            // Names are short: a longer search finds nobody more.
            let query: String = query.chars().take(MAX_SEARCH_CHARS).collect();
            let found = conn.room.classmates(&query);
            conn.send_text(found.to_json()).await
        }
        ClientMsg::Claim { .. } | ClientMsg::Unclaim if !conn.room.storage_ok() => {
            conn.send_said("storage_unavailable", "error-vote-not-saved")
                .await
        }
        ClientMsg::Claim { person } => {
            let person = usize::try_from(person).unwrap_or(usize::MAX);
            match conn.room.claim(player, person) {
                Ok(()) => true,
                Err(e) => conn.send_rule(e).await,
            }
        }
        ClientMsg::Unclaim => match conn.room.unclaim(player) {
            Ok(()) => true,
            Err(e) => conn.send_rule(e).await,
        },
        m if m.is_host_command() => conn.send_said("not_host", "error-only-host").await,
        _ => conn.send_said("bad_message", "error-already-in").await,
    }
}

/// Serves an identified socket until it ends: `phone` is its player, `None`
/// for the host screen.
async fn socket_loop(conn: &mut Conn, phone: Option<PlayerId>) {
    // Built once, not per message: each of these registers with a shared
    // notifier, and thousands of sockets re-registering per vote contend.
    let shared = conn.client.socket.clone();
    let mut woken = std::pin::pin!(shared.woken());
    let mut shutdown_rx = conn.shutdown.clone();
    let mut shutdown = std::pin::pin!(async move {
        let _ = shutdown_rx.changed().await;
    });
    let mut draining = false;
    loop {
        tokio::select! {
            biased;
            _ = &mut woken => {
                woken.set(shared.woken());
                match conn.on_shared_socket().await {
                    Some(pending) => draining = pending,
                    None => return,
                }
                // No timer per socket: thousands of them, looked at on every
                // message, cost more than the fan-out's nudge every 10 s.
                if let Some(look) = conn.shared().take_nudge()
                    && !keep_alive(conn, look).await
                {
                    return;
                }
            }
            drained = shared.drain(SEND_TIMEOUT), if draining => {
                if drained.is_err() {
                    shared.abort();
                    return;
                }
                draining = false;
            }
            frame = conn.socket.next() => {
                let msg = match conn.read(frame).await {
                    Incoming::Closed => return,
                    Incoming::Handled | Incoming::Bad => continue,
                    Incoming::Msg(m) => m,
                };
                let ok = match phone {
                    Some(player) => {
                        // Read now, handled once the room's broadcast is out.
                        let arrived = conn.room.now();
                        conn.room.broadcasts_written().await;
                        on_phone_message(conn, player, msg, arrived).await
                    }
                    None => on_host_message(conn, msg).await,
                };
                if !ok { return; }
            }
            _ = &mut shutdown => {
                conn.close(close_code::RESTART, "server restarting").await;
                return;
            }
        }
    }
}

/// Pings the client; `false` when it has been silent for too long, or
/// has taken no bytes for `SEND_TIMEOUT` while the kernel held bytes for
/// it (looked at on each nudge): its side is not reading, whatever it
/// sends, and however little of the server's queue is left to wait.
/// `now` is the look's time (the sweep's tick).
async fn keep_alive(conn: &mut Conn, now: Instant) -> bool {
    let silent = now.saturating_duration_since(conn.last_seen);
    if silent >= DEAD_AFTER {
        debug!(room = %conn.room.code, "client silent, closing");
        return false;
    }
    if let Some((acked, unacked)) = conn.shared().delivery() {
        match conn.stalled_at {
            _ if unacked == 0 => conn.stalled_at = None,
            Some((mark, since, seen)) if mark == acked => {
                // Also some real time: under a skipped test clock two looks
                // may be milliseconds apart, before a delayed ACK came in.
                if now.saturating_duration_since(since) >= SEND_TIMEOUT
                    && seen.elapsed() >= MIN_REAL_STALL
                {
                    debug!(room = %conn.room.code, "client takes no bytes, closing");
                    conn.shared().abort();
                    return false;
                }
            }
            _ => conn.stalled_at = Some((acked, now, std::time::Instant::now())),
        }
    }
    // A client heard from lately is alive and has had replies: no ping
    // (thousands of phones voting would otherwise get one each per tick).
    if silent < PING_EVERY / 2 {
        return true;
    }
    conn.socket
        .send(Message::Ping(Default::default()))
        .await
        .is_ok()
}

async fn phone(mut conn: Conn, session: PhoneSession) {
    let PhoneSession {
        player, generation, ..
    } = session;
    conn.mark_identified();
    let _registered = Registered::new(&conn, Some(Phone { player, generation }));
    socket_loop(&mut conn, Some(player)).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paced_joins_extend_the_hello_deadline_up_to_a_minute_after_connecting() {
        let connected = Instant::now();
        let at = |s: u64| connected + Duration::from_secs(s);
        // A phone paced behind a busy router: 15 s after its latest try.
        assert_eq!(hello_deadline_after_pacing(connected, at(0)), at(15));
        assert_eq!(hello_deadline_after_pacing(connected, at(28)), at(43));
        // Paced again and again, it still has to be in by 60 s.
        assert_eq!(hello_deadline_after_pacing(connected, at(50)), at(60));
        let mut deadline = at(15);
        for s in (0..600).step_by(5) {
            if at(s) >= deadline {
                break;
            }
            deadline = hello_deadline_after_pacing(connected, at(s));
        }
        assert_eq!(deadline, at(60), "a paced join never buys more");
    }
}
