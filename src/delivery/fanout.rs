//! A room's fan-out: its sockets split over a few shard tasks (as many as
//! the runtime has threads), each writing every broadcast's one encoded
//! copy to its sockets in a tight loop, as a bare TCP server would. No task
//! per socket wakes for a broadcast. The shards run on the fan-out runtime
//! when there is one (`runtimes.rs`), beside the phones' tasks, not behind
//! them; a reveal steps aside for other rooms' questions.
//!
//! A room calls [`Fanout`]'s methods (`attach`, `broadcast`,
//! `reveal_after`, `send_after`, …) under its lock; each queues an item to
//! the shards, so every shard sees them in the order the game decided. A
//! socket lives in one shard, so it receives its
//! messages in that order too: a socket added after a message was queued
//! never gets it (its `state` snapshot already covers it), and a message
//! to one socket (a welcome and its `state`, a vote's ack, a refusal) goes
//! behind what was queued before.
//!
//! What shows an event (a welcome, an ack, a reveal) waits in the queue
//! until the room's durable mark ([`Durability`]) reaches it; while the
//! store fails, such an item holds up everything behind it in its shard.

use std::collections::HashSet;
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};

use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::delivery::busy::{BusyCount, BusyHold};
use crate::delivery::runtimes::FanoutRuntime;
use crate::delivery::socket::{Close, SharedSocket, text_frame};
use crate::game::PlayerId;
use crate::protocol::{PersonalFrames, ServerMsg};
use crate::store::{DurableMark, Store};
use crate::telemetry::{LatencyBatch, Metrics};

/// A `reveal` or `game_over` as it is written: the host's frame, and each
/// phone's own frame joined per phone by [`PersonalFrames::write_for`].
#[derive(Debug)]
struct Personal {
    frames: PersonalFrames,
    /// The host's message as an encoded frame (also for a phone with no
    /// part of its own).
    host_frame: Vec<u8>,
}

impl From<PersonalFrames> for Personal {
    fn from(frames: PersonalFrames) -> Self {
        Self {
            host_frame: text_frame(frames.host_json()),
            frames,
        }
    }
}

impl Personal {
    /// One phone's message (with its `you`) as one encoded frame, built in
    /// `buf` (reused from phone to phone: no allocation per phone).
    fn frame_for<'a>(&'a self, player: PlayerId, buf: &'a mut Vec<u8>) -> &'a [u8] {
        buf.clear();
        let header = |len, buf: &mut Vec<u8>| {
            let (header, n) = crate::delivery::socket::text_header(len);
            buf.extend_from_slice(&header[..n]);
        };
        if self.frames.write_for(player, buf, header) {
            buf
        } else {
            &self.host_frame
        }
    }
}

/// Who a broadcast is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum To {
    Hosts,
    Phones,
    Both,
}

/// What a message waiting for its event turns into when the event is not
/// stored (dropped, or the store stopped).
#[derive(Debug)]
pub enum OnFail {
    /// This encoded frame instead (`error` `storage_unavailable`).
    Say(Arc<[u8]>),
    Close(Close),
}

/// Which of a player's connections a socket is: a phone that resumes
/// gets a new generation, so its old socket can be told apart and closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Generation(pub u64);

/// A phone's socket as its shard knows it: whose, and which connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Phone {
    pub player: PlayerId,
    pub generation: Generation,
}

/// A client's id; picks the fan-out shard its socket lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientId(u64);

/// `msg` as one WebSocket text frame, encoded once however many sockets
/// it is written to (or queued for with [`Fanout::send_after`]).
pub fn encode(msg: &ServerMsg) -> Arc<[u8]> {
    text_frame(&msg.to_json()).into()
}

/// What a room hands its shards, in order.
enum Item {
    /// A socket starts receiving broadcasts; `phone` is `None` for a host
    /// screen.
    Add {
        socket: Arc<SharedSocket>,
        phone: Option<Phone>,
    },
    Remove(Arc<SharedSocket>),
    /// One encoded frame ([`crate::delivery::socket::text_frame`]) for many
    /// sockets.
    Broadcast {
        to: To,
        frame: Arc<[u8]>,
        /// When the room queued it (the fan-out latency is measured from here).
        queued_at: Instant,
        /// Counts it among the questions waiting to go out ([`Fanouts`])
        /// until written; `None` for every broadcast but a question, and
        /// for a question queued behind its own room's reveal.
        waiting: Option<BusyHold>,
    },
    /// A `reveal` or `game_over`: goes out once event `seq` (the round's
    /// close) is durable, so a crash can never reopen a question whose
    /// answer was shown. Holds the room's count of reveals under way.
    Personal {
        personal: Arc<Personal>,
        /// When the room queued it (as for a broadcast).
        queued_at: Instant,
        /// The event (the round's close) that must be durable first.
        seq: u64,
        /// Counts it among the room's reveals under way until written.
        under_way: BusyHold,
    },
    /// Closes the sockets of `player`, except its socket of `keep` (a
    /// kicked player keeps none).
    CloseFor {
        player: PlayerId,
        keep: Option<Generation>,
        close: Close,
    },
    /// Closes every socket of these (kicked) players: one item, one pass
    /// over the shard's phones, however many the host removed at once.
    CloseKicked {
        players: Arc<HashSet<PlayerId>>,
        close: Close,
    },
    /// One player's frame on each of its sockets (a claim decided by the
    /// host, "that's you"), sent once event `seq` is durable.
    ForPlayer {
        player: PlayerId,
        frame: Arc<[u8]>,
        seq: u64,
    },
    /// One socket's encoded frame (a vote's ack, shared by every phone
    /// that made the same choice; a welcome; a refusal), sent once event
    /// `seq` is durable.
    AfterDurable {
        socket: Arc<SharedSocket>,
        frame: Arc<[u8]>,
        seq: u64,
        on_fail: OnFail,
    },
}

/// Waits for a room's events to reach the disk: its durable mark, raised
/// by the store after each commit.
#[derive(Debug, Clone)]
pub struct Durability {
    mark: DurableMark,
    store: Store,
}

impl Durability {
    /// A room whose events up to `seq` are stored already.
    pub fn new(seq: u64, store: Store) -> Self {
        Self {
            mark: DurableMark::new(seq),
            store,
        }
    }

    /// The mark the room hands the store with each append.
    pub fn mark(&self) -> DurableMark {
        self.mark.clone()
    }

    pub fn is_durable(&self, seq: u64) -> bool {
        self.mark.get().up_to >= seq
    }

    /// Whether the store gave up this room's writes (deleted or set
    /// aside): nothing it does from now on can be kept.
    pub fn given_up(&self) -> bool {
        self.mark.get().given_up
    }

    /// Waits until the store gives up this room's writes (forever if it
    /// never does).
    pub async fn until_given_up(&self) {
        let mut rx = self.mark.subscribe();
        if rx.wait_for(|d| d.given_up).await.is_err() {
            std::future::pending::<()>().await;
        }
    }

    /// Waits until event `seq` is on disk; `false` once it never will be:
    /// the store dropped it (its room was deleted or set aside) or stopped
    /// for good (shutdown). A failing store retries until the events land,
    /// and this waits with them, however long: what depends on an event
    /// never goes out before it is stored.
    pub async fn wait(&self, seq: u64) -> bool {
        let mut rx = self.mark.subscribe();
        tokio::select! {
            biased;
            mark = rx.wait_for(|d| d.up_to >= seq || d.given_up) => {
                mark.is_ok_and(|d| d.up_to >= seq)
            }
            // What was stored before the end still counts.
            _ = self.store.gone() => self.is_durable(seq),
        }
    }
}

/// The longest a phone's message waits for its room's broadcast to be
/// written: a fan-out to 10,000 phones takes well under this; a stuck one
/// holds nobody up long.
const WRITING_WAIT_MAX: std::time::Duration = std::time::Duration::from_millis(150);

/// The next client's id, which picks the shard its socket lives in.
static NEXT_CLIENT: AtomicU64 = AtomicU64::new(0);

/// What every room's fan-out shares: the runtime its shards run on, and
/// the server's count of questions waiting to go out (a reveal steps aside
/// for other rooms' questions).
#[derive(Debug, Default)]
pub struct Fanouts {
    runtime: Option<FanoutRuntime>,
    questions_waiting: Arc<BusyCount>,
}

impl Fanouts {
    /// Shards on `runtime` if given (`Runtimes::fanout`), else on the
    /// runtime that creates each room.
    pub fn on(runtime: Option<FanoutRuntime>) -> Self {
        Self {
            runtime,
            questions_waiting: Arc::default(),
        }
    }

    /// Where host screens run too (`None`: on the main runtime).
    pub fn runtime(&self) -> Option<&FanoutRuntime> {
        self.runtime.as_ref()
    }

    /// A room's fan-out; its shard tasks end when it is dropped.
    pub fn start(&self, durability: Durability, metrics: Arc<Metrics>) -> Fanout {
        Fanout::start(
            durability,
            metrics,
            self.questions_waiting.clone(),
            self.runtime.as_ref(),
        )
    }
}

/// The shards of one room.
pub struct Fanout {
    shards: Vec<mpsc::UnboundedSender<Item>>,
    /// Held while a shard writes a broadcast to the room's phones: in a
    /// vote burst thousands of their votes arrive while the question is
    /// still going out, and reading them would take the CPU from getting it
    /// to everyone (see [`Fanout::broadcasts_written`]).
    writing: Arc<BusyCount>,
    /// The server's count of questions waiting to go out
    /// ([`Fanouts`]), and how many of them are this room's.
    questions_waiting: Arc<BusyCount>,
    questions_mine: Arc<AtomicUsize>,
    /// Reveals (and `game_over`s) queued or being written.
    reveals: Arc<BusyCount>,
}

impl Fanout {
    /// Starts the shard tasks; they end when the fan-out is dropped.
    /// On `runtime` if given, else on the current runtime.
    fn start(
        durability: Durability,
        metrics: Arc<Metrics>,
        questions_waiting: Arc<BusyCount>,
        runtime: Option<&FanoutRuntime>,
    ) -> Self {
        let n = match runtime {
            Some(runtime) => runtime.cores(),
            None => tokio::runtime::Handle::try_current()
                .map(|h| h.metrics().num_workers())
                .unwrap_or(1),
        }
        .max(1);
        let writing = Arc::new(BusyCount::default());
        let questions_mine = Arc::new(AtomicUsize::new(0));
        let shards = (0..n)
            .map(|_| {
                let (tx, rx) = mpsc::unbounded_channel();
                let shard = run_shard(
                    rx,
                    durability.clone(),
                    metrics.clone(),
                    writing.clone(),
                    (questions_waiting.clone(), questions_mine.clone()),
                );
                match runtime {
                    Some(runtime) => runtime.spawn(shard),
                    None => {
                        tokio::spawn(shard);
                    }
                }
                tx
            })
            .collect();
        Self {
            shards,
            writing,
            questions_waiting,
            questions_mine,
            reveals: Arc::new(BusyCount::default()),
        }
    }

    /// Starts sending the room's broadcasts to `client`: those queued
    /// after this, never one queued before (its snapshot covers those).
    /// `phone` is `None` for a host screen.
    pub fn attach(&self, client: &Client, phone: Option<Phone>) {
        let socket = client.socket.clone();
        self.to_client(client, Item::Add { socket, phone });
    }

    /// Stops sending broadcasts to `client`.
    pub fn detach(&self, client: &Client) {
        self.to_client(client, Item::Remove(client.socket.clone()));
    }

    /// One message to the room's host screens, phones, or both, encoded once.
    pub fn broadcast(&self, to: To, msg: &ServerMsg) {
        self.broadcast_frame(to, msg, None);
    }

    /// A question (`round`) to everyone: other rooms' reveals step aside
    /// until it has gone out, unless it is queued behind this room's own
    /// reveal (they would step aside for a question that cannot move).
    pub fn broadcast_question(&self, msg: &ServerMsg) {
        let waiting = (!self.reveals.is_busy()).then_some(&self.questions_mine);
        self.broadcast_frame(To::Both, msg, waiting);
    }

    /// `waiting`: this room's count of its questions waiting, when the
    /// broadcast is to count among the server's.
    fn broadcast_frame(&self, to: To, msg: &ServerMsg, waiting: Option<&Arc<AtomicUsize>>) {
        let frame = encode(msg);
        let queued_at = Instant::now();
        self.to_all(|| Item::Broadcast {
            to,
            frame: frame.clone(),
            queued_at,
            waiting: waiting.map(|mine| self.questions_waiting.hold_counted(mine)),
        });
    }

    /// A `reveal` or `game_over`, each phone with its own part, sent once
    /// event `seq` (the round's close, the game's end) is durable.
    pub fn reveal_after(&self, seq: u64, frames: PersonalFrames) {
        let personal = Arc::new(Personal::from(frames));
        let queued_at = Instant::now();
        self.to_all(|| Item::Personal {
            personal: personal.clone(),
            queued_at,
            seq,
            under_way: self.reveals.hold(),
        });
    }

    /// Closes the sockets of `player` but its socket of generation `keep`.
    pub fn close_player(&self, player: PlayerId, keep: Option<Generation>, close: Close) {
        self.to_all(|| Item::CloseFor {
            player,
            keep,
            close,
        });
    }

    /// Closes every socket of these (kicked) players: one pass over each
    /// shard's phones, however many the host removed at once.
    pub fn close_kicked(&self, players: HashSet<PlayerId>, close: Close) {
        let players = Arc::new(players);
        self.to_all(|| Item::CloseKicked {
            players: players.clone(),
            close,
        });
    }

    /// One message for every socket of `player`, in order with the room's
    /// broadcasts, once event `seq` is durable (dropped if it never is).
    pub fn to_player(&self, player: PlayerId, seq: u64, msg: &ServerMsg) {
        let frame = encode(msg);
        self.to_all(|| Item::ForPlayer {
            player,
            frame: frame.clone(),
            seq,
        });
    }

    /// One encoded frame for `client`, behind everything queued for it
    /// before, once event `seq` is durable; `on_fail` if it never will be.
    pub(crate) fn send_after(&self, client: &Client, seq: u64, frame: Arc<[u8]>, on_fail: OnFail) {
        let socket = client.socket.clone();
        self.to_client(
            client,
            Item::AfterDurable {
                socket,
                frame,
                seq,
                on_fail,
            },
        );
    }

    /// Returns once no shard is writing a broadcast to the room's phones
    /// ([`WRITING_WAIT_MAX`] at most): a phone's message read meanwhile
    /// waits here, so it does not take the CPU from the broadcast.
    pub async fn broadcasts_written(&self) {
        self.writing.until_idle(WRITING_WAIT_MAX).await;
    }

    /// To `client`'s shard only.
    fn to_client(&self, client: &Client, item: Item) {
        let i = (client.id.0 % self.shards.len() as u64) as usize;
        let _ = self.shards[i].send(item);
    }

    /// To every shard; `make` builds each shard's copy (cheap clones).
    fn to_all(&self, make: impl Fn() -> Item) {
        for shard in &self.shards {
            let _ = shard.send(make());
        }
    }
}

/// A socket as its room knows it: the socket, the fan-out shard it lives
/// in and the client's network (`http::throttle::network_of`), when known.
#[derive(Clone)]
pub struct Client {
    pub socket: Arc<SharedSocket>,
    pub id: ClientId,
    pub network: Option<IpAddr>,
    /// The language of the `error` messages the room sends this socket
    /// itself (a vote's refusal): its hello/join/resume's `lang`.
    pub lang: crate::i18n::Lang,
}

impl Client {
    pub fn new(socket: Arc<SharedSocket>) -> Self {
        Self {
            socket,
            id: ClientId(NEXT_CLIENT.fetch_add(1, Relaxed)),
            network: None,
            lang: crate::i18n::Lang::EN,
        }
    }

    /// The same client, known to be on `network`.
    pub fn on_network(mut self, network: IpAddr) -> Self {
        self.network = Some(network);
        self
    }
}

struct Recipient {
    socket: Arc<SharedSocket>,
    phone: Option<Phone>,
}

async fn run_shard(
    mut rx: mpsc::UnboundedReceiver<Item>,
    durability: Durability,
    metrics: Arc<Metrics>,
    writing: Arc<BusyCount>,
    (questions, questions_mine): (Arc<BusyCount>, Arc<AtomicUsize>),
) {
    let mut hosts: Vec<Recipient> = Vec::new();
    let mut phones: Vec<Recipient> = Vec::new();
    let mut sweep =
        crate::timer::Every::new(crate::delivery::socket::PING_EVERY / SWEEP_SLICES as u32);
    let mut slice = 0;
    loop {
        let item = tokio::select! {
            biased;
            item = rx.recv() => match item {
                Some(item) => item,
                None => break,
            },
            at = sweep.tick() => {
                nudge(&hosts, &phones, slice, at);
                slice = (slice + 1) % SWEEP_SLICES;
                continue;
            }
        };
        match item {
            Item::Add { socket, phone } => {
                let recipient = Recipient { socket, phone };
                if phone.is_some() {
                    phones.push(recipient);
                } else {
                    hosts.push(recipient);
                }
            }
            Item::Remove(socket) => {
                for list in [&mut hosts, &mut phones] {
                    if let Some(i) = list.iter().position(|s| Arc::ptr_eq(&s.socket, &socket)) {
                        list.swap_remove(i);
                    }
                }
            }
            Item::Broadcast {
                to,
                frame: text,
                queued_at: at,
                waiting: _waiting,
            } => {
                // Only what goes to the phones holds them up (not `progress`
                // to the host, ten times a second).
                let _writing = (to != To::Hosts).then(|| writing.hold());
                let mut batch = LatencyBatch::default();
                if to != To::Phones {
                    send_all(&hosts, &text, at, &mut batch);
                }
                if to != To::Hosts {
                    send_all(&phones, &text, at, &mut batch);
                }
                metrics.record(&batch);
            }
            Item::Personal {
                personal,
                queued_at: at,
                seq,
                under_way: _under_way,
            } => {
                // Never before the round's close is on disk: a restart
                // would reopen the question whose answer this shows.
                let stored = durability.is_durable(seq)
                    || wait_nudging(&durability, seq, &mut sweep, (&hosts, &phones), &mut slice)
                        .await;
                if !stored {
                    // Never stored (the store stopped, or dropped the
                    // room's writes): not shown.
                    continue;
                }
                let aside = StepAsideFor {
                    questions: &questions,
                    mine: &questions_mine,
                    writing: &writing,
                };
                send_personal(&hosts, &phones, &personal, at, &metrics, aside).await;
            }
            Item::CloseFor {
                player,
                keep,
                close,
            } => {
                for recipient in &phones {
                    if let Some(phone) = recipient.phone
                        && phone.player == player
                        && keep != Some(phone.generation)
                    {
                        recipient.socket.request_close(close);
                    }
                }
            }
            Item::CloseKicked { players, close } => {
                for recipient in &phones {
                    if let Some(phone) = recipient.phone
                        && players.contains(&phone.player)
                    {
                        recipient.socket.request_close(close);
                    }
                }
            }
            Item::ForPlayer { player, frame, seq } => {
                let theirs = |r: &&Recipient| r.phone.is_some_and(|p| p.player == player);
                if !phones.iter().any(|r| theirs(&r)) {
                    continue;
                }
                let stored = durability.is_durable(seq)
                    || wait_nudging(&durability, seq, &mut sweep, (&hosts, &phones), &mut slice)
                        .await;
                if !stored {
                    continue;
                }
                for recipient in phones.iter().filter(theirs) {
                    if recipient.socket.send_frame(&frame) {
                        metrics.messages_sent.fetch_add(1, Relaxed);
                    }
                }
            }
            Item::AfterDurable {
                socket,
                frame,
                seq,
                on_fail,
            } => {
                // Thousands of acks behind one commit: the first waits,
                // the rest find their event stored.
                let stored = durability.is_durable(seq)
                    || wait_nudging(&durability, seq, &mut sweep, (&hosts, &phones), &mut slice)
                        .await;
                let sent = if stored {
                    socket.send_frame(&frame)
                } else {
                    match on_fail {
                        OnFail::Say(instead) => socket.send_frame(&instead),
                        OnFail::Close(close) => {
                            socket.request_close(close);
                            false
                        }
                    }
                };
                if sent {
                    metrics.messages_sent.fetch_add(1, Relaxed);
                }
            }
        }
    }
}

/// Waits for event `seq` to be durable (see [`Durability::wait`]), which
/// takes minutes while the store fails; the shard's sockets go on being
/// nudged meanwhile, so their keep-alive goes on too.
async fn wait_nudging(
    durability: &Durability,
    seq: u64,
    sweep: &mut crate::timer::Every,
    (hosts, phones): (&[Recipient], &[Recipient]),
    slice: &mut usize,
) -> bool {
    let mut stored = std::pin::pin!(durability.wait(seq));
    loop {
        tokio::select! {
            biased;
            stored = &mut stored => return stored,
            at = sweep.tick() => {
                nudge(hosts, phones, *slice, at);
                *slice = (*slice + 1) % SWEEP_SLICES;
            }
        }
    }
}

/// The keep-alive nudges go to one slice of the sockets at a time, so the
/// pings they lead to are spread out rather than all at once.
const SWEEP_SLICES: usize = 10;

/// Nudges the sockets of `slice` to check on their clients: each socket
/// every `PING_EVERY`, each to look as of `at`, the sweep's tick.
fn nudge(hosts: &[Recipient], phones: &[Recipient], slice: usize, at: Instant) {
    for recipient in hosts.iter().chain(phones).skip(slice).step_by(SWEEP_SLICES) {
        recipient.socket.nudge(at);
    }
}

fn send_all(recipients: &[Recipient], frame: &[u8], at: Instant, batch: &mut LatencyBatch) {
    for recipient in recipients {
        if recipient.socket.send_frame(frame) {
            batch.observe(at.elapsed());
        }
    }
}

/// Phones written between looks at whether another room's question waits.
const STEP: usize = 32;
/// The longest a reveal steps aside for other rooms' questions.
const STEP_ASIDE_MAX: std::time::Duration = std::time::Duration::from_millis(50);

/// What a reveal steps aside for, and the room's count of broadcasts
/// being written, which it holds while it writes.
struct StepAsideFor<'a> {
    /// The server's count of questions waiting, and this room's share.
    questions: &'a BusyCount,
    mine: &'a AtomicUsize,
    writing: &'a Arc<BusyCount>,
}

/// A reveal (or `game_over`) to every socket. It steps aside (briefly at
/// most) while another room's question waits to go out: a reveal has
/// 200 ms to reach every phone, a question 100. It waits rather than
/// yields, so its thread can take up the question's shard, and lets its
/// own room's phones be read meanwhile.
async fn send_personal(
    hosts: &[Recipient],
    phones: &[Recipient],
    personal: &Personal,
    at: Instant,
    metrics: &Metrics,
    aside: StepAsideFor<'_>,
) {
    let mut writing = Some(aside.writing.hold());
    let mut batch = LatencyBatch::default();
    send_all(hosts, &personal.host_frame, at, &mut batch);
    let mut buf = Vec::new();
    let until = Instant::now() + STEP_ASIDE_MAX;
    let mut may_step_aside = true;
    for (i, recipient) in phones.iter().enumerate() {
        if may_step_aside && i % STEP == STEP - 1 && aside.questions.others_busy(aside.mine) {
            if Instant::now() >= until {
                may_step_aside = false;
            } else {
                drop(writing.take());
                aside.questions.until_others_done(aside.mine, until).await;
                writing = Some(aside.writing.hold());
            }
        }
        let sent = match recipient.phone {
            Some(phone) => recipient
                .socket
                .send_frame(personal.frame_for(phone.player, &mut buf)),
            None => recipient.socket.send_frame(&personal.host_frame),
        };
        if sent {
            batch.observe(at.elapsed());
        }
    }
    metrics.record(&batch);
    drop(writing);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{GameOver, ServerMsg, YouFinal};
    use std::time::Duration;

    fn empty_board() -> GameOver {
        GameOver {
            leaderboard: Vec::new(),
            leaderboard_size: None,
            stats: Default::default(),
            you: None,
        }
    }

    /// `n` phones on real loopback sockets: their recipients and their clients.
    async fn phones(
        n: usize,
    ) -> (
        Vec<Recipient>,
        Vec<tokio::net::TcpStream>,
        Vec<crate::delivery::socket::SocketIo>,
    ) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (mut recipients, mut clients, mut ios) = (Vec::new(), Vec::new(), Vec::new());
        for id in 0..n {
            let client = tokio::net::TcpStream::connect(addr).await.unwrap();
            let (server, _) = listener.accept().await.unwrap();
            let (socket, io) = SharedSocket::new(server);
            recipients.push(Recipient {
                socket,
                phone: Some(Phone {
                    player: PlayerId::new(id as u32),
                    generation: Generation(1),
                }),
            });
            clients.push(client);
            ios.push(io);
        }
        (recipients, clients, ios)
    }

    // Tokio's clock is paused: it moves only when every task waits, to the
    // next timer, so the waits below are exact, however busy the machine.
    #[tokio::test(start_paused = true)]
    async fn a_reveal_steps_aside_for_other_rooms_questions_briefly_and_reaches_everyone() {
        use tokio::io::AsyncReadExt;
        let n = 3 * STEP + 5;
        let (recipients, mut clients, _ios) = phones(n).await;
        let yours = (0..n).map(|id| {
            (
                PlayerId::new(id as u32),
                YouFinal {
                    score: id as u32,
                    rank: 1,
                    tied: 0,
                    streak: 0,
                },
            )
        });
        let personal = Personal::from(PersonalFrames::game_over(
            empty_board(),
            empty_board(),
            yours,
        ));
        let metrics = Metrics::default();

        let questions = Arc::new(BusyCount::default());
        let writing = Arc::new(BusyCount::default());
        let (mine, theirs) = (AtomicUsize::new(0), Arc::new(AtomicUsize::new(0)));
        let reveal = || {
            send_personal(
                &[],
                &recipients,
                &personal,
                Instant::now(),
                &metrics,
                StepAsideFor {
                    questions: &questions,
                    mine: &mine,
                    writing: &writing,
                },
            )
        };

        // No other room's question waiting: no pause.
        let t = Instant::now();
        reveal().await;
        assert_eq!(
            t.elapsed(),
            Duration::ZERO,
            "waited with nothing to wait for"
        );

        // Another room's question goes out 20 ms in: the reveal goes on then.
        let question = questions.hold_counted(&theirs);
        let room_writing = writing.clone();
        let goes = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(10)).await;
            // Meanwhile the room's own phones are not held up.
            let held_while_aside = room_writing.is_busy();
            tokio::time::sleep(Duration::from_millis(10)).await;
            drop(question);
            held_while_aside
        });
        let t = Instant::now();
        reveal().await;
        assert_eq!(
            t.elapsed(),
            Duration::from_millis(20),
            "the reveal goes on when the question has gone, not before or after"
        );
        assert!(
            !goes.await.unwrap(),
            "the room's writing count was held while aside"
        );
        assert!(
            !writing.is_busy(),
            "the room's writing count is released at the end"
        );

        // One that never goes: the reveal steps aside 50 ms in all.
        let _stuck = questions.hold_counted(&theirs);
        let t = Instant::now();
        reveal().await;
        assert_eq!(
            t.elapsed(),
            Duration::from_millis(50),
            "stepped aside 50 ms in all"
        );

        // Every phone got all three reveals, each with its own part.
        for (id, client) in clients.iter_mut().enumerate() {
            let mut got = Vec::new();
            let mut buf = [0u8; 4096];
            while got.windows(6).filter(|w| w == b"\"you\":").count() < 3 {
                // Written before the reveal returned: in the kernel already,
                // so the paused clock's auto-advance (after the IO driver
                // is polled) only fires this when a reveal never came.
                let read = tokio::time::timeout(Duration::from_secs(5), client.read(&mut buf));
                let text = String::from_utf8_lossy(&got).into_owned();
                let k = read
                    .await
                    .unwrap_or_else(|_| panic!("phone {id}: a reveal never came: {text}"))
                    .unwrap();
                assert!(k > 0, "phone {id}: socket closed");
                got.extend_from_slice(&buf[..k]);
            }
            let text = String::from_utf8_lossy(&got);
            assert!(
                text.contains(&format!("\"score\":{id},")),
                "phone {id}: {text}"
            );
        }
    }

    /// Reads what `client` was sent (unmasked text frames) for `d`.
    async fn texts_within(client: &mut tokio::net::TcpStream, d: Duration) -> String {
        use tokio::io::AsyncReadExt;
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        let until = Instant::now() + d;
        while let Ok(Ok(k)) = tokio::time::timeout_at(until, client.read(&mut buf)).await {
            if k == 0 {
                break;
            }
            got.extend_from_slice(&buf[..k]);
        }
        String::from_utf8_lossy(&got).into_owned()
    }

    #[tokio::test]
    async fn a_message_waits_for_its_event_and_says_so_if_it_is_never_stored() {
        use crate::store::{Op, Urgency};
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.db")).unwrap().store;
        let durability = Durability::new(0, store.clone());
        let fanout = Fanouts::default().start(durability.clone(), Arc::default());
        let (recipients, mut clients, _ios) = phones(1).await;
        let client = Client::new(recipients[0].socket.clone());
        fanout.attach(
            &client,
            Some(Phone {
                player: PlayerId::new(0),
                generation: Generation(1),
            }),
        );
        let after = |text: &str, seq, instead: &str| {
            let on_fail = OnFail::Say(text_frame(instead).into());
            fanout.send_after(&client, seq, text_frame(text).into(), on_fail);
        };
        let append = |seq| Op::Append {
            room: "ABCD".into(),
            first_seq: seq,
            at: 2,
            events: vec![crate::game::Event::Kicked {
                player: PlayerId::new(9),
                banned: true,
            }],
            token: None,
            scores: vec![],
            urgency: Urgency::NextGap,
            durable: durability.mark(),
        };
        let wait = Duration::from_millis(200);

        after("ack 1", 1, "lost 1");
        assert_eq!(
            texts_within(&mut clients[0], wait).await,
            "",
            "not stored yet"
        );
        store.send(Op::CreateRoom {
            code: "ABCD".into(),
            host_key_hash: "h".into(),
            at: 1,
            reunion: 0,
        });
        store.send(append(1));
        assert!(texts_within(&mut clients[0], wait).await.ends_with("ack 1"));

        // The room is deleted: its next event is dropped, never stored.
        after("ack 2", 2, "lost 2");
        after("refused", 0, "refused");
        store.send(Op::Delete {
            room: "ABCD".into(),
        });
        store.send(append(2));
        let got = texts_within(&mut clients[0], wait).await;
        assert!(!got.contains("ack 2"), "{got}");
        assert!(
            got.contains("lost 2") && got.ends_with("refused"),
            "in order: {got}"
        );
    }

    #[tokio::test]
    async fn each_socket_is_nudged_once_per_sweep_in_slices() {
        let (recipients, _clients, _ios) = phones(2 * SWEEP_SLICES + 3).await;
        let (hosts, phones) = recipients.split_at(1);
        let mut counts = vec![0; recipients.len()];
        for slice in 0..SWEEP_SLICES {
            nudge(hosts, phones, slice, Instant::now());
            let now: Vec<usize> = (0..recipients.len())
                .filter(|&i| recipients[i].socket.take_nudge().is_some())
                .collect();
            assert!((2..=3).contains(&now.len()), "slice {slice} nudged {now:?}");
            for i in now {
                counts[i] += 1;
            }
        }
        assert!(
            counts.iter().all(|&c| c == 1),
            "nudges per socket: {counts:?}"
        );
        assert!(
            recipients[0].socket.take_nudge().is_none(),
            "a nudge is taken once"
        );
    }

    #[test]
    fn a_phones_frame_is_the_message_with_its_own_part() {
        let yours = [(
            PlayerId::new(7),
            YouFinal {
                score: 900,
                rank: 2,
                tied: 0,
                streak: 0,
            },
        )];
        let p = Personal::from(PersonalFrames::game_over(
            empty_board(),
            empty_board(),
            yours,
        ));
        let host = text_frame(&ServerMsg::GameOver(empty_board()).to_json());
        let mut buf = Vec::new();
        let frame = p.frame_for(PlayerId::new(7), &mut buf).to_vec();
        let (_, n) = crate::delivery::socket::text_header(frame.len() - 2);
        let v: serde_json::Value = serde_json::from_slice(&frame[n..]).unwrap();
        assert_eq!(v["you"]["rank"], 2);
        assert_eq!(v["type"], "game_over");
        // Someone with no part (joined after the end) gets the host's copy.
        assert_eq!(p.frame_for(PlayerId::new(8), &mut buf), &host[..]);
    }
}
