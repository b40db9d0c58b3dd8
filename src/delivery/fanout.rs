//! A room's fan-out: its sockets split over a few shard tasks (as many as
//! the runtime has threads), each writing every broadcast's one encoded
//! copy to its sockets in a tight loop, as a bare TCP server would. No task
//! per socket wakes for a broadcast. The shards run on the front runtime
//! when there is one (`runtimes.rs`), beside the phones' tasks, not behind
//! them; a reveal steps aside for other rooms' questions.
//!
//! The room queues items under its lock, so every shard sees them in the
//! order the game decided. A socket lives in one shard, so it receives its
//! messages in that order too: a socket added after a message was queued
//! never gets it (its `state` snapshot already covers it), and a message
//! to one socket (a welcome and its `state`, a vote's ack, a refusal) goes
//! behind what was queued before.
//!
//! What shows an event (a welcome, an ack, a reveal) waits in the queue
//! until the room's durable mark ([`Durability`]) reaches it.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};

use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::delivery::busy::{BusyCount, BusyHold, MAIN_QUIET};
use crate::delivery::runtimes::FanoutRuntime;
use crate::delivery::socket::{Close, SharedSocket, text_frame};
use crate::game::PlayerId;
use crate::store::{DurableMark, Store};
use crate::telemetry::{LatencyBatch, Metrics};

/// The same bytes for each receiver, or the shared head of a message plus
/// each phone's own part (`you`), looked up per socket.
#[derive(Debug)]
pub struct Personal {
    /// The phones' message as JSON without its closing `}`.
    head: String,
    /// The whole message as an encoded frame, for the host (and for a phone
    /// with no part).
    host_frame: Vec<u8>,
    /// Each phone's `you`, already as JSON, indexed by player id (ids are
    /// dense): no hashing per phone in a fan-out to thousands.
    yours: Vec<Option<String>>,
}

impl Personal {
    /// Phones get `phone_text` plus `you`, the host `host_text`.
    pub fn new<Y: serde::Serialize>(
        phone_text: String,
        host_text: &str,
        yours: HashMap<PlayerId, Y>,
    ) -> Self {
        let head = phone_text[..phone_text.len().saturating_sub(1)].to_string();
        let len = yours.keys().map(|&id| id as usize + 1).max().unwrap_or(0);
        let mut by_id = vec![None; len];
        for (id, y) in yours {
            by_id[id as usize] = serde_json::to_string(&y).ok();
        }
        let yours = by_id;
        Self {
            head,
            host_frame: text_frame(host_text),
            yours,
        }
    }

    /// One phone's message (with its `you`) as one encoded frame, built in
    /// `buf` (reused from phone to phone: no allocation per phone).
    fn frame_for<'a>(&'a self, player: PlayerId, buf: &'a mut Vec<u8>) -> &'a [u8] {
        let Some(Some(you)) = self.yours.get(player as usize) else {
            return &self.host_frame;
        };
        let len = self.head.len() + 7 + you.len() + 1;
        let (header, n) = crate::delivery::socket::text_header(len);
        buf.clear();
        buf.extend_from_slice(&header[..n]);
        buf.extend_from_slice(self.head.as_bytes());
        buf.extend_from_slice(b",\"you\":");
        buf.extend_from_slice(you.as_bytes());
        buf.push(b'}');
        buf
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

/// What a room hands its shards, in order.
pub enum Item {
    /// A socket starts receiving broadcasts; `me` is the phone's
    /// `(player, generation)`, `None` for a host screen.
    Add {
        link: Arc<SharedSocket>,
        me: Option<(PlayerId, u64)>,
    },
    Remove(Arc<SharedSocket>),
    /// One encoded frame ([`crate::delivery::socket::text_frame`]) for many
    /// sockets.
    Broadcast {
        to: To,
        frame: Arc<[u8]>,
        /// When the room queued it (the fan-out latency is measured from here).
        queued_at: Instant,
        /// A question (`round`): written while the main runtime is quieted.
        question: bool,
        /// Counts it among the questions waiting to go out (`RoomDeps::questions`)
        /// until written; `None` when it waits behind its own room's reveal.
        waiting: Option<BusyHold>,
    },
    /// A `reveal` or `game_over`: goes out once event `seq` (the round's
    /// close) is durable, so a crash can never reopen a question whose
    /// answer was shown. Holds the room's count of reveals under way.
    Personal(Arc<Personal>, Instant, u64, BusyHold),
    /// Closes the sockets of `player`, except its socket of `keep` (a
    /// kicked player keeps none).
    CloseFor {
        player: PlayerId,
        keep: Option<u64>,
        close: Close,
    },
    /// Closes every socket of these (kicked) players: one item, one pass
    /// over the shard's phones, however many the host removed at once.
    CloseKicked {
        players: Arc<std::collections::HashSet<PlayerId>>,
        close: Close,
    },
    /// One socket's encoded frame (a vote's ack, shared by every phone
    /// that made the same choice; a welcome; a refusal), sent once event
    /// `seq` is durable.
    AfterDurable {
        link: Arc<SharedSocket>,
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

static NEXT_CLIENT: AtomicU64 = AtomicU64::new(0);

/// The shards of one room.
pub struct Fanout {
    shards: Vec<mpsc::UnboundedSender<Item>>,
    /// Held while a shard writes a broadcast to the room's phones: in a
    /// vote burst thousands of their votes arrive while the question is
    /// still going out, and reading them would take the CPU from getting it
    /// to everyone (see `Room::fanout_settled`).
    writing: Arc<BusyCount>,
    /// The server's count of questions waiting to go out
    /// (`RoomDeps::questions`), and how many of them are this room's.
    questions: Arc<BusyCount>,
    questions_mine: Arc<AtomicUsize>,
    /// Reveals (and `game_over`s) queued or being written.
    reveals: Arc<BusyCount>,
}

impl Fanout {
    /// Starts the shard tasks; they end when the fan-out is dropped.
    /// On `front` if given, else on the current runtime.
    pub fn start(
        durability: Durability,
        metrics: Arc<Metrics>,
        questions: Arc<BusyCount>,
        front: Option<&FanoutRuntime>,
    ) -> Self {
        let n = match front {
            Some(front) => front.cores(),
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
                    (questions.clone(), questions_mine.clone()),
                    front.is_some(),
                );
                match front {
                    Some(front) => front.spawn(shard),
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
            questions,
            questions_mine,
            reveals: Arc::new(BusyCount::default()),
        }
    }

    /// Counts a reveal as under way until its item is done.
    pub fn reveal_hold(&self) -> BusyHold {
        self.reveals.hold()
    }

    /// Counts a question as waiting until it has gone out, unless it is
    /// queued behind this room's own reveal: other rooms' reveals would
    /// step aside for a question that cannot move.
    pub fn question_hold(&self) -> Option<BusyHold> {
        (!self.reveals.is_held()).then(|| self.questions.hold_counted(&self.questions_mine))
    }

    pub fn writing(&self) -> &BusyCount {
        &self.writing
    }

    /// Picks the shard a new socket will live in.
    pub fn next_client_id() -> u64 {
        NEXT_CLIENT.fetch_add(1, Relaxed)
    }

    /// To the shard of client `client` only.
    pub fn to_client(&self, client: u64, item: Item) {
        let i = (client % self.shards.len() as u64) as usize;
        let _ = self.shards[i].send(item);
    }

    /// To every shard; `make` builds each shard's copy (cheap clones).
    pub fn to_all(&self, make: impl Fn() -> Item) {
        for shard in &self.shards {
            let _ = shard.send(make());
        }
    }
}

struct Recipient {
    link: Arc<SharedSocket>,
    me: Option<(PlayerId, u64)>,
}

async fn run_shard(
    mut rx: mpsc::UnboundedReceiver<Item>,
    durability: Durability,
    metrics: Arc<Metrics>,
    writing: Arc<BusyCount>,
    (questions, questions_mine): (Arc<BusyCount>, Arc<AtomicUsize>),
    quiet: bool,
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
            Item::Add { link, me } => {
                let recipient = Recipient { link, me };
                if me.is_some() {
                    phones.push(recipient);
                } else {
                    hosts.push(recipient);
                }
            }
            Item::Remove(link) => {
                for list in [&mut hosts, &mut phones] {
                    if let Some(i) = list.iter().position(|s| Arc::ptr_eq(&s.link, &link)) {
                        list.swap_remove(i);
                    }
                }
            }
            Item::Broadcast {
                to,
                frame: text,
                queued_at: at,
                question,
                waiting: _waiting,
            } => {
                // Only what goes to the phones holds them up (not `progress`
                // to the host, ten times a second).
                let _writing = (to != To::Hosts).then(|| writing.hold());
                // Written without a pause (no `.await` until it is dropped).
                let _quiet = (question && quiet && phones.len() >= QUIET_MIN_PHONES)
                    .then(|| MAIN_QUIET.hold());
                let mut batch = LatencyBatch::default();
                if to != To::Phones {
                    send_all(&hosts, &text, at, &mut batch);
                }
                if to != To::Hosts {
                    send_all(&phones, &text, at, &mut batch);
                }
                metrics.record(&batch);
            }
            Item::Personal(personal, at, seq, _under_way) => {
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
                    if let Some((id, generation)) = recipient.me
                        && id == player
                        && keep != Some(generation)
                    {
                        recipient.link.request_close(close);
                    }
                }
            }
            Item::CloseKicked { players, close } => {
                for recipient in &phones {
                    if let Some((id, _)) = recipient.me
                        && players.contains(&id)
                    {
                        recipient.link.request_close(close);
                    }
                }
            }
            Item::AfterDurable {
                link,
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
                    link.send_frame(&frame)
                } else {
                    match on_fail {
                        OnFail::Say(instead) => link.send_frame(&instead),
                        OnFail::Close(close) => {
                            link.request_close(close);
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
        recipient.link.nudge(at);
    }
}

/// A question to at least this many of a shard's phones (a room of about
/// twice as many) quiets the main runtime while it is written (see
/// [`MAIN_QUIET`]); smaller rooms' questions take a few milliseconds.
const QUIET_MIN_PHONES: usize = 1000;

/// How many sockets ahead the fan-out starts loading a socket's state.
const AHEAD: usize = 8;

/// Starts loading a socket's state before the fan-out gets to it: each of
/// thousands lives in its own allocation, and waiting for each in turn
/// costs as much as a good part of the write itself.
#[inline]
fn prefetch(recipients: &[Recipient], i: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(recipient) = recipients.get(i + AHEAD) {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        let at: *const i8 = Arc::as_ptr(&recipient.link).cast();
        // SAFETY: a prefetch is a hint: it reads nothing and faults on no
        // address (this one is a live allocation anyway); SSE is part of
        // every x86_64 CPU.
        unsafe {
            _mm_prefetch::<_MM_HINT_T0>(at);
            _mm_prefetch::<_MM_HINT_T0>(at.wrapping_add(64));
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (recipients, i);
}

fn send_all(recipients: &[Recipient], frame: &[u8], at: Instant, batch: &mut LatencyBatch) {
    for (i, recipient) in recipients.iter().enumerate() {
        prefetch(recipients, i);
        if recipient.link.send_frame(frame) {
            batch.observe(at.elapsed());
        }
    }
}

/// Phones written between looks at whether another room's question waits.
const STEP: usize = 32;
/// The longest a reveal steps aside for other rooms' questions.
const STEP_ASIDE_MAX: std::time::Duration = std::time::Duration::from_millis(50);

/// What a reveal steps aside for, and the room's gate it holds while it
/// writes.
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
        if may_step_aside && i % STEP == STEP - 1 && aside.questions.held_by_others(aside.mine) {
            if Instant::now() >= until {
                may_step_aside = false;
            } else {
                drop(writing.take());
                aside.questions.others_passed(aside.mine, until).await;
                writing = Some(aside.writing.hold());
            }
        }
        prefetch(phones, i);
        let sent = match recipient.me {
            Some((id, _)) => recipient.link.send_frame(personal.frame_for(id, &mut buf)),
            None => recipient.link.send_frame(&personal.host_frame),
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
    use crate::protocol::YouFinal;
    use std::time::Duration;

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
            let (link, io) = SharedSocket::new(server);
            recipients.push(Recipient {
                link,
                me: Some((id as PlayerId, 1)),
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
        let yours: HashMap<PlayerId, YouFinal> = (0..n)
            .map(|id| {
                (
                    id as PlayerId,
                    YouFinal {
                        score: id as u32,
                        rank: 1,
                    },
                )
            })
            .collect();
        let message = r#"{"type":"reveal","round":1}"#.to_string();
        let personal = Personal::new(message.clone(), &message, yours);
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
        let room_gate = writing.clone();
        let goes = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(10)).await;
            // Meanwhile the room's own phones are not held up.
            let held_while_aside = room_gate.is_held();
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
        assert!(!goes.await.unwrap(), "the room's gate was held while aside");
        assert!(!writing.is_held(), "the room's gate is released at the end");

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
        let questions = Arc::new(BusyCount::default());
        let fanout = Fanout::start(durability.clone(), Arc::default(), questions, None);
        let (recipients, mut clients, _ios) = phones(1).await;
        let link = recipients[0].link.clone();
        fanout.to_client(
            0,
            Item::Add {
                link: link.clone(),
                me: Some((0, 1)),
            },
        );
        let after = |text: &str, seq, instead: &str| Item::AfterDurable {
            link: link.clone(),
            frame: text_frame(text).into(),
            seq,
            on_fail: OnFail::Say(text_frame(instead).into()),
        };
        let append = |seq| Op::Append {
            room: "ABCD".into(),
            first_seq: seq,
            at: 2,
            events: vec![crate::game::Event::Kicked { player: 9 }],
            token: None,
            scores: vec![],
            urgency: Urgency::NextGap,
            durable: durability.mark(),
        };
        let wait = Duration::from_millis(200);

        fanout.to_client(0, after("ack 1", 1, "lost 1"));
        assert_eq!(
            texts_within(&mut clients[0], wait).await,
            "",
            "not stored yet"
        );
        store.send(Op::CreateRoom {
            code: "ABCD".into(),
            host_key_hash: "h".into(),
            at: 1,
        });
        store.send(append(1));
        assert!(texts_within(&mut clients[0], wait).await.ends_with("ack 1"));

        // The room is deleted: its next event is dropped, never stored.
        fanout.to_client(0, after("ack 2", 2, "lost 2"));
        fanout.to_client(0, after("refused", 0, "refused"));
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
                .filter(|&i| recipients[i].link.take_nudge().is_some())
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
            recipients[0].link.take_nudge().is_none(),
            "a nudge is taken once"
        );
    }

    #[test]
    fn a_phones_frame_is_the_message_with_its_own_part() {
        let yours = HashMap::from([(
            7,
            YouFinal {
                score: 900,
                rank: 2,
            },
        )]);
        let message = r#"{"type":"game_over","leaderboard":[]}"#.to_string();
        let p = Personal::new(message.clone(), &message, yours);
        let host = text_frame(&message);
        let mut buf = Vec::new();
        let frame = p.frame_for(7, &mut buf).to_vec();
        let (_, n) = crate::delivery::socket::text_header(frame.len() - 2);
        let v: serde_json::Value = serde_json::from_slice(&frame[n..]).unwrap();
        assert_eq!(v["you"]["rank"], 2);
        assert_eq!(v["type"], "game_over");
        // Someone with no part (joined after the end) gets the host's copy.
        assert_eq!(p.frame_for(8, &mut buf), &host[..]);
    }
}
