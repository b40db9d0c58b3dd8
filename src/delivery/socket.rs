//! A WebSocket's TCP socket, shared by two kinds of writer: the socket's own
//! task (which reads the client and speaks the protocol through tungstenite)
//! and the room's fan-out tasks, which write ready-made frames straight to
//! the socket, thousands in a row, without waking the socket's task.
//!
//! Every write goes through one lock and one queue, so frames never
//! interleave and stay in the order they were written. Nearly every write
//! goes to the kernel at once; what the socket cannot take waits in the
//! queue and the socket's task drains it when the socket has room.

use std::io::{self, IoSlice};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use parking_lot::Mutex;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::Notify;

use crate::delivery::frame_meter::FrameMeter;

/// How often a socket's task is asked to check on its client (by the
/// room's fan-out, [`SharedSocket::nudge`]); a client silent for half of it is pinged.
pub const PING_EVERY: std::time::Duration = std::time::Duration::from_secs(10);
/// Bytes a socket may have waiting beyond what the kernel holds for it; a
/// phone that far behind has stopped reading.
pub const MAX_QUEUED: usize = 4 * 1024 * 1024;
/// The same for a socket that has not said who it is yet: it is owed
/// little (errors, pongs), so a client that asks without reading is cut
/// off early, and pongs to it are dropped while anything waits.
pub const STRANGER_QUEUED: usize = 16 * 1024;
/// Bytes all sockets together may have waiting. Past it, a socket with
/// more than [`SHED_ABOVE`] waiting is closed at its next write: the
/// worst offenders go, phones a little behind stay.
pub const TOTAL_QUEUED: usize = 256 * 1024 * 1024;
pub const SHED_ABOVE: usize = 64 * 1024;

/// What waits in all sockets' queues, against a limit.
pub struct Budget {
    queued: AtomicUsize,
    limit: usize,
}

impl Budget {
    pub const fn new(limit: usize) -> Self {
        Self {
            queued: AtomicUsize::new(0),
            limit,
        }
    }

    #[cfg(test)]
    fn queued(&self) -> usize {
        self.queued.load(Ordering::Relaxed)
    }

    /// Adds `n` bytes; whether the total is now over the limit.
    fn grow(&self, n: usize) -> bool {
        self.queued.fetch_add(n, Ordering::Relaxed) + n > self.limit
    }

    fn shrink(&self, n: usize) {
        self.queued.fetch_sub(n, Ordering::Relaxed);
    }
}

/// The server's one budget (docs/protocol.md, "WebSocket limits, extra").
pub static OUTPUT_BUDGET: Budget = Budget::new(TOTAL_QUEUED);

/// Who writes: the fan-out stops once the socket is closing, and a socket
/// not yet identified gets the small budget.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Writer {
    Fanout,
    Owner,
    Stranger,
}

/// A server pong frame (FIN + opcode 0xA); tungstenite hands each frame
/// over in one write.
fn is_pong(parts: &[&[u8]]) -> bool {
    parts.first().and_then(|p| p.first()) == Some(&0x8A)
}

/// A WebSocket frame header for an unmasked (server) text frame of `len`.
pub fn text_header(len: usize) -> ([u8; 10], usize) {
    let mut h = [0u8; 10];
    h[0] = 0x81; // FIN + text
    let n = if len < 126 {
        h[1] = len as u8;
        2
    } else if len <= usize::from(u16::MAX) {
        h[1] = 126;
        h[2..4].copy_from_slice(&(len as u16).to_be_bytes());
        4
    } else {
        h[1] = 127;
        h[2..10].copy_from_slice(&(len as u64).to_be_bytes());
        10
    };
    (h, n)
}

/// A whole unmasked text frame: header and payload in one buffer, so a
/// broadcast is encoded once and each socket gets one plain write.
pub fn text_frame(text: &str) -> Vec<u8> {
    let (header, n) = text_header(text.len());
    let mut frame = Vec::with_capacity(n + text.len());
    frame.extend_from_slice(&header[..n]);
    frame.extend_from_slice(text.as_bytes());
    frame
}

#[derive(Default)]
struct Out {
    /// Bytes the kernel has not taken yet, from `sent` on.
    pending: Vec<u8>,
    sent: usize,
    /// When the socket last took queued bytes (or the queue started): the
    /// drain's patience counts from here, however often it is restarted.
    progress_at: Option<tokio::time::Instant>,
    /// The fan-out stops writing: the socket's task is closing it.
    no_broadcasts: bool,
    /// The room asks the socket's task to close with this code and reason,
    /// after an error message.
    close: Option<Close>,
    failed: bool,
    /// Bytes the kernel has taken for this socket, ever.
    written: u64,
}

impl Out {
    fn queued(&self) -> usize {
        self.pending.len() - self.sent
    }

    /// Lets go of bytes already sent once they are half the buffer, so a
    /// socket that always has a little backlog does not keep all it ever
    /// sent.
    fn compact(&mut self) {
        if self.sent > 0 && self.sent >= self.pending.len() / 2 {
            let sent = self.sent;
            self.pending.drain(..sent);
            self.sent = 0;
        }
    }
}

/// Why the room wants a socket closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Close {
    pub code: u16,
    pub reason: &'static str,
    pub error: &'static str,
    /// The `error`'s message: its catalogue key (locales/*/errors.ftl),
    /// said in the socket's language.
    pub key: &'static str,
}

pub struct SharedSocket {
    tcp: OwnedWriteHalf,
    /// The socket's descriptor, kept here so the fan-out's write touches
    /// only this struct (not tokio's registration) for each of thousands
    /// of sockets in a row.
    #[cfg(unix)]
    fd: std::os::fd::RawFd,
    out: Mutex<Out>,
    /// Wakes the socket's task: bytes wait for the socket, or the room
    /// wants the socket closed, or a write failed, or it is nudged.
    wake: Notify,
    budget: &'static Budget,
    /// The socket's task should check that its client is still there, as
    /// of this time (the sweep's tick, however late the task gets to it).
    nudged: Mutex<Option<tokio::time::Instant>>,
}

impl SharedSocket {
    /// The shared writing side, and the reading side for tungstenite.
    pub fn new(tcp: TcpStream) -> (Arc<Self>, SocketIo) {
        Self::with_budget(tcp, &OUTPUT_BUDGET)
    }

    fn with_budget(tcp: TcpStream, budget: &'static Budget) -> (Arc<Self>, SocketIo) {
        #[cfg(unix)]
        let fd = std::os::fd::AsRawFd::as_raw_fd(&tcp);
        let (read, write) = tcp.into_split();
        let socket = Arc::new(Self {
            #[cfg(unix)]
            fd,
            tcp: write,
            out: Mutex::new(Out::default()),
            wake: Notify::new(),
            budget,
            nudged: Mutex::new(None),
        });
        let io = SocketIo {
            read,
            socket: socket.clone(),
            meter: FrameMeter::new(crate::clock::now()),
            identified: false,
            lingering: false,
        };
        (socket, io)
    }

    /// A whole text message from the fan-out; `false` when this socket no
    /// longer takes broadcasts.
    pub fn send_text(&self, text: &str) -> bool {
        self.send_frame(&text_frame(text))
    }

    /// A frame made by [`text_frame`], shared by many sockets.
    pub fn send_frame(&self, frame: &[u8]) -> bool {
        self.write(&[frame], Writer::Fanout)
    }

    /// A frame of the socket's own task, outside tungstenite (a close
    /// after the client broke the protocol).
    pub fn send_own(&self, frame: &[u8]) -> bool {
        self.write(&[frame], Writer::Owner)
    }

    /// Writes whole frames (`parts` concatenated) after everything written
    /// before.
    fn write(&self, parts: &[&[u8]], writer: Writer) -> bool {
        let mut out = self.out.lock();
        if out.failed || (writer == Writer::Fanout && out.no_broadcasts) {
            return false;
        }
        if writer == Writer::Stranger && out.sent < out.pending.len() && is_pong(parts) {
            // Not reading what it was sent, yet pinging: the pong would
            // only wait behind the rest.
            return true;
        }
        let total: usize = parts.iter().map(|p| p.len()).sum();
        let mut written = 0;
        if out.pending.is_empty() {
            // One buffer is one plain send(2); more are one writev(2).
            let tried = match parts {
                [one] => self.try_send(one),
                _ => {
                    let slices: Vec<IoSlice<'_>> = parts.iter().map(|p| IoSlice::new(p)).collect();
                    self.tcp.try_write_vectored(&slices)
                }
            };
            match tried {
                Ok(n) if n == total => {
                    out.written += n as u64;
                    return true;
                }
                Ok(n) => {
                    out.written += n as u64;
                    written = n;
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
                    ) => {}
                Err(_) => {
                    self.fail(&mut out);
                    drop(out);
                    self.wake.notify_one();
                    return false;
                }
            }
        }
        let queued_before = out.queued();
        let was_empty = out.pending.is_empty();
        if was_empty {
            out.progress_at = Some(crate::clock::now());
        }
        out.compact();
        let mut skip = written;
        for part in parts {
            if skip >= part.len() {
                skip -= part.len();
                continue;
            }
            out.pending.extend_from_slice(&part[skip..]);
            skip = 0;
        }
        let queued = out.queued();
        let over_total = self.budget.grow(queued - queued_before);
        let limit = match writer {
            Writer::Stranger => STRANGER_QUEUED,
            _ => MAX_QUEUED,
        };
        if queued > limit || (over_total && queued > SHED_ABOVE) {
            self.fail(&mut out);
        }
        let failed = out.failed;
        drop(out);
        if was_empty || failed {
            self.wake.notify_one();
        }
        !failed
    }

    /// A non-blocking send straight to the descriptor. A `WouldBlock` here
    /// leaves tokio's readiness as it was; the drain's own `try_write`
    /// then sees the full socket and waits for it properly.
    #[cfg(unix)]
    fn try_send(&self, buf: &[u8]) -> io::Result<usize> {
        // SAFETY: `fd` belongs to `self.tcp`, which this socket owns, so it is
        // open for as long as `self` lives; `buf` is a valid slice.
        let n = unsafe {
            libc::send(
                self.fd,
                buf.as_ptr().cast(),
                buf.len(),
                libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL,
            )
        };
        if n < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(n as usize)
        }
    }

    #[cfg(not(unix))]
    fn try_send(&self, buf: &[u8]) -> io::Result<usize> {
        self.tcp.try_write(buf)
    }

    /// The socket is done for: what waits is let go at once.
    fn fail(&self, out: &mut Out) {
        out.failed = true;
        self.budget.shrink(out.queued());
        out.pending = Vec::new();
        out.sent = 0;
    }

    /// Asks the socket's task to close the socket (once) and stops the
    /// fan-out writing to it.
    pub fn request_close(&self, close: Close) {
        let mut out = self.out.lock();
        if out.close.is_none() {
            out.close = Some(close);
            out.no_broadcasts = true;
            drop(out);
            self.wake.notify_one();
        }
    }

    /// The socket's task is closing: no more broadcasts after this.
    pub fn stop_broadcasts(&self) {
        self.out.lock().no_broadcasts = true;
    }

    pub fn take_close_request(&self) -> Option<Close> {
        self.out.lock().close.take()
    }

    /// Asks the socket's task to check on its client (keep-alive) as of
    /// `at`, the look's time: a task that gets to it late still judges
    /// the client's silence at the look (so a stopped test clock's skips
    /// cannot outrun it).
    pub fn nudge(&self, at: tokio::time::Instant) {
        *self.nudged.lock() = Some(at);
        self.wake.notify_one();
    }

    /// The time of the look asked for since the task last looked, if any.
    pub fn take_nudge(&self) -> Option<tokio::time::Instant> {
        self.nudged.lock().take()
    }

    /// Resolves when there is something for the socket's task to do.
    pub async fn woken(&self) {
        self.wake.notified().await;
    }

    pub fn failed(&self) -> bool {
        self.out.lock().failed
    }

    /// Bytes wait for the socket.
    pub fn has_pending(&self) -> bool {
        let out = self.out.lock();
        out.sent < out.pending.len()
    }

    /// Writes out what waits; the socket must take some of it at least
    /// every `patience`. An error means the socket is done for.
    pub async fn drain(&self, patience: Duration) -> io::Result<()> {
        let mut deadline;
        loop {
            {
                let mut out = self.out.lock();
                if out.failed {
                    return Err(io::ErrorKind::BrokenPipe.into());
                }
                while out.sent < out.pending.len() {
                    let from = out.sent;
                    match self.tcp.try_write(&out.pending[from..]) {
                        Ok(0) => {
                            self.fail(&mut out);
                            return Err(io::ErrorKind::WriteZero.into());
                        }
                        Ok(n) => {
                            out.sent += n;
                            out.written += n as u64;
                            self.budget.shrink(n);
                            out.progress_at = Some(crate::clock::now());
                        }
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                        Err(e) => {
                            self.fail(&mut out);
                            return Err(e);
                        }
                    }
                }
                if out.sent == out.pending.len() {
                    out.pending = Vec::new();
                    out.sent = 0;
                    return Ok(());
                }
                out.compact();
                deadline = out.progress_at.unwrap_or_else(crate::clock::now) + patience;
            }
            match crate::clock::timeout_at(deadline, self.tcp.writable()).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    self.fail(&mut self.out.lock());
                    return Err(e);
                }
                Err(_) => {
                    self.fail(&mut self.out.lock());
                    return Err(io::ErrorKind::TimedOut.into());
                }
            }
        }
    }

    /// Ends the connection now, whoever else still holds this socket.
    pub fn shutdown(&self) {
        self.fail(&mut self.out.lock());
        let tcp: &TcpStream = self.tcp.as_ref();
        let _ = socket2::SockRef::from(tcp).shutdown(std::net::Shutdown::Both);
    }

    /// Ends the connection with a reset: the client stopped taking bytes,
    /// so neither what the kernel holds for it nor a FIN behind that would
    /// ever reach it; this frees both at once, and no further frame can
    /// follow a half-sent one.
    ///
    /// The reset goes out now, not when the last holder drops the socket (a
    /// fan-out shard may hold it while waiting on the disk): connecting a
    /// TCP socket to `AF_UNSPEC` disconnects it at once, with a reset,
    /// and lets go of what it held. Later writes fail (`EPIPE`), cleanly.
    pub fn abort(&self) {
        let tcp: &TcpStream = self.tcp.as_ref();
        let _ = socket2::SockRef::from(tcp).set_linger(Some(Duration::ZERO));
        self.shutdown();
        // SAFETY: a zeroed `sockaddr` with only its family set, its true
        // size passed; the fd is this socket's own, open while `self` lives.
        unsafe {
            let mut unspec: libc::sockaddr = std::mem::zeroed();
            unspec.sa_family = libc::AF_UNSPEC as libc::sa_family_t;
            libc::connect(
                std::os::fd::AsRawFd::as_raw_fd(tcp),
                &unspec,
                std::mem::size_of::<libc::sockaddr>() as libc::socklen_t,
            );
        }
    }

    /// Bytes the client's side has acknowledged so far and bytes the
    /// kernel still holds for it (`SIOCOUTQ`): the client takes bytes when
    /// the first grows. `None` where the kernel cannot say.
    #[cfg(target_os = "linux")]
    pub fn delivery(&self) -> Option<(u64, u64)> {
        // Under the lock, so no write falls between the two readings.
        let out = self.out.lock();
        let mut unacked: libc::c_int = 0;
        // SAFETY: `fd` is open for as long as `self` lives (see
        // `try_send`); TIOCOUTQ (= SIOCOUTQ) writes one c_int.
        let r = unsafe { libc::ioctl(self.fd, libc::TIOCOUTQ, &mut unacked) };
        if r < 0 || unacked < 0 {
            return None;
        }
        let unacked = unacked as u64;
        Some((out.written.saturating_sub(unacked), unacked))
    }

    #[cfg(not(target_os = "linux"))]
    pub fn delivery(&self) -> Option<(u64, u64)> {
        None
    }
}

/// A shared socket as tungstenite's transport: reads from the TCP
/// stream, writes through the shared queue (a write is always taken
/// whole, so tungstenite only ever hands over whole frames).
pub struct SocketIo {
    read: OwnedReadHalf,
    socket: Arc<SharedSocket>,
    /// Every frame the client sends passes through here first.
    pub meter: FrameMeter,
    /// The client said who it is: out of the stranger's budget.
    identified: bool,
    /// The connection is being failed: what the client still sends is
    /// read and dropped, flood or not (see `ws.rs`).
    lingering: bool,
}

/// What a read fails with once the client has sent too many frames.
pub const FLOODED: &str = "too many frames";

impl SocketIo {
    pub fn set_identified(&mut self) {
        self.identified = true;
    }

    /// From now on reads are only dropped: no flood error ends them, for a
    /// socket closed with unread bytes would reset the connection.
    pub fn set_lingering(&mut self) {
        self.lingering = true;
    }
}

impl AsyncRead for SocketIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        std::task::ready!(Pin::new(&mut self.read).poll_read(cx, buf))?;
        if self.meter.scan(&buf.filled()[before..]) || self.lingering {
            Poll::Ready(Ok(()))
        } else {
            Poll::Ready(Err(io::Error::other(FLOODED)))
        }
    }
}

impl AsyncWrite for SocketIo {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let writer = if self.identified {
            Writer::Owner
        } else {
            Writer::Stranger
        };
        if self.socket.write(&[buf], writer) {
            Poll::Ready(Ok(buf.len()))
        } else {
            Poll::Ready(Err(io::ErrorKind::BrokenPipe.into()))
        }
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;
    use tokio::net::TcpListener;

    async fn pair() -> (Arc<SharedSocket>, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let client = TcpStream::connect(addr).await.unwrap();
        let (server, _) = listener.accept().await.unwrap();
        (SharedSocket::new(server).0, client)
    }

    #[test]
    fn headers_use_the_shortest_length_form() {
        assert_eq!(text_header(5).0[..2], [0x81, 5]);
        let (h, n) = text_header(300);
        assert_eq!((n, &h[..4]), (4, &[0x81, 126, 1, 44][..]));
        let (h, n) = text_header(70_000);
        assert_eq!(n, 10);
        assert_eq!(h[1], 127);
        assert_eq!(u64::from_be_bytes(h[2..10].try_into().unwrap()), 70_000);
    }

    #[tokio::test]
    async fn frames_stay_whole_and_in_order_when_the_reader_is_slow() {
        let (socket, mut client) = pair().await;
        // Far more than the kernel buffers: the rest waits in the queue.
        let text = "x".repeat(60_000);
        let frames = 100;
        for _ in 0..frames {
            assert!(socket.send_text(&text));
        }
        assert!(
            !socket.out.lock().pending.is_empty(),
            "some bytes had to wait"
        );
        let drainer = {
            let socket = socket.clone();
            tokio::spawn(async move { socket.drain(Duration::from_secs(5)).await })
        };
        let mut got = vec![0u8; frames * (text.len() + 4)];
        client.read_exact(&mut got).await.unwrap();
        drainer.await.unwrap().unwrap();
        for frame in got.chunks(text.len() + 4) {
            assert_eq!(&frame[..4], &[0x81, 126, 0xEA, 0x60]);
            assert!(frame[4..].iter().all(|&b| b == b'x'));
        }
    }

    #[test]
    fn sent_bytes_are_let_go_once_they_are_half_the_buffer() {
        let mut out = Out {
            pending: (0..100u8).collect(),
            sent: 10,
            ..Out::default()
        };
        out.compact();
        assert_eq!(
            (out.pending.len(), out.sent),
            (100, 10),
            "a small sent part stays"
        );
        out.sent = 60;
        out.compact();
        assert_eq!((out.pending.len(), out.sent), (40, 0));
        assert_eq!(out.pending[0], 60, "what is left is what was not sent");
    }

    #[tokio::test]
    async fn a_reader_that_never_reads_is_given_up() {
        let (socket, _client) = pair().await;
        let text = "y".repeat(64 * 1024);
        // The kernel's buffers take what they take; then the socket's own
        // queue holds up to MAX_QUEUED and not a message more.
        fill(&socket);
        let mut most = queued(&socket);
        while socket.send_text(&text) {
            most = queued(&socket);
            assert!(most <= MAX_QUEUED, "{most} bytes queued");
        }
        assert!(
            most + text.len() + 10 > MAX_QUEUED,
            "given up with only {most} bytes queued"
        );
        assert!(socket.failed());
        assert!(!socket.send_text("more"));
    }

    #[tokio::test]
    async fn patience_counts_from_the_last_progress_however_often_draining_restarts() {
        let (socket, _client) = pair().await;
        let text = "w".repeat(60_000);
        while !socket.has_pending() {
            assert!(socket.send_text(&text));
        }
        let started = std::time::Instant::now();
        let patience = Duration::from_millis(300);
        // The socket's task restarts its drain whenever something else
        // happens (here every 100 ms); the reader never reads.
        let outcome = loop {
            match tokio::time::timeout(Duration::from_millis(100), socket.drain(patience)).await {
                Ok(result) => break result,
                Err(_) => assert!(started.elapsed() < Duration::from_secs(3), "never given up"),
            }
        };
        assert_eq!(outcome.unwrap_err().kind(), io::ErrorKind::TimedOut);
        assert!(started.elapsed() >= patience);
        assert!(socket.failed());
    }

    #[tokio::test]
    async fn an_aborted_link_resets_the_connection_at_once_while_still_held() {
        use tokio::io::AsyncReadExt;
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (socket, _io) = SharedSocket::new(listener.accept().await.unwrap().0);
        fill(&socket);
        // The socket stays held (as by a fan-out shard stuck on the disk).
        socket.abort();
        assert!(!socket.send_text("after"), "a write after the abort fails");
        let mut buf = vec![0; 64 * 1024];
        let end = tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                match client.read(&mut buf).await {
                    Ok(0) => break Ok(()),
                    Ok(_) => {}
                    Err(e) => break Err(e.kind()),
                }
            }
        })
        .await
        .expect("the connection ends at once");
        assert_eq!(end, Err(io::ErrorKind::ConnectionReset));
    }

    /// Fills the kernel's buffers for a client that does not read, so
    /// that whatever is written next waits in the socket's queue.
    fn fill(socket: &SharedSocket) {
        let text = "f".repeat(16 * 1024);
        while !socket.has_pending() {
            assert!(socket.send_text(&text));
        }
    }

    fn queued(socket: &SharedSocket) -> usize {
        socket.out.lock().queued()
    }

    #[tokio::test]
    async fn a_stranger_that_does_not_read_gets_no_pongs_and_little_room() {
        use tokio::io::AsyncWriteExt;
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let _client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (socket, mut io) = SharedSocket::new(listener.accept().await.unwrap().0);
        fill(&socket);
        let before = queued(&socket);
        let pong = [0x8A, 2, b'h', b'i'];
        io.write_all(&pong).await.unwrap();
        assert_eq!(queued(&socket), before, "a pong to a stranger is dropped");
        // Anything else it is owed gets a small allowance, then it is cut.
        let error = [&[0x81, 126, 0x10, 0][..], &[b'e'; 4096]].concat();
        let mut written = 0;
        while io.write_all(&error).await.is_ok() {
            written += error.len();
            assert!(written <= STRANGER_QUEUED + error.len(), "never cut");
        }
        assert!(socket.failed());
        assert_eq!(queued(&socket), 0, "what waited is let go");

        // Once identified, the same client gets its pongs.
        let _client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (socket, mut io) = SharedSocket::new(listener.accept().await.unwrap().0);
        io.set_identified();
        fill(&socket);
        let before = queued(&socket);
        io.write_all(&pong).await.unwrap();
        assert_eq!(queued(&socket), before + pong.len());
    }

    #[tokio::test]
    async fn past_the_total_budget_the_socket_furthest_behind_is_closed() {
        let budget: &'static Budget = Box::leak(Box::new(Budget::new(1024 * 1024)));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut sockets = Vec::new();
        let mut clients = Vec::new();
        for _ in 0..2 {
            clients.push(
                TcpStream::connect(listener.local_addr().unwrap())
                    .await
                    .unwrap(),
            );
            let tcp = listener.accept().await.unwrap().0;
            sockets.push(SharedSocket::with_budget(tcp, budget).0);
        }
        let (worst, behind) = (&sockets[0], &sockets[1]);
        fill(worst);
        fill(behind);
        let small = "s".repeat(1000);
        for _ in 0..20 {
            assert!(behind.send_text(&small));
        }
        let big = "b".repeat(32 * 1024);
        let mut writes = 0;
        while worst.send_text(&big) {
            writes += 1;
            assert!(writes < 100, "the total budget was never enforced");
        }
        assert!(worst.failed());
        assert!(
            budget.queued() < SHED_ABOVE,
            "the worst queue was let go: {}",
            budget.queued()
        );
        assert!(behind.send_text(&small), "a socket a little behind stays");
        assert_eq!(budget.queued(), queued(behind));
    }

    #[tokio::test]
    async fn delivery_says_whether_the_client_takes_bytes() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        // A small receive buffer: the client's kernel soon takes no more.
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(4096).unwrap();
        let mut client = socket
            .connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let shared = SharedSocket::new(listener.accept().await.unwrap().0).0;
        fill(&shared);
        let mut acked = shared.delivery().expect("Linux says").0;
        for _ in 0..50 {
            tokio::time::sleep(Duration::from_millis(300)).await;
            let now = shared.delivery().unwrap().0;
            if now == acked {
                break;
            }
            acked = now;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        let (still, unacked) = shared.delivery().unwrap();
        assert_eq!(still, acked, "no progress while the client does not read");
        assert!(
            unacked > 0,
            "the kernel holds bytes the client has not taken"
        );
        let mut buf = vec![0u8; 1 << 20];
        let mut read = 0;
        while read < 4 << 20 {
            match tokio::time::timeout(Duration::from_millis(200), client.read(&mut buf)).await {
                Ok(Ok(n)) if n > 0 => read += n,
                _ => break,
            }
        }
        let drainer = shared.drain(Duration::from_secs(1));
        let _ = tokio::time::timeout(Duration::from_millis(200), drainer).await;
        assert!(
            shared.delivery().unwrap().0 > acked,
            "the client took bytes"
        );
    }

    #[tokio::test]
    async fn a_close_request_stops_broadcasts_but_not_the_owner() {
        let (socket, _client) = pair().await;
        socket.request_close(Close {
            code: 1008,
            reason: "kicked",
            error: "kicked",
            key: "error-close-kicked",
        });
        assert!(!socket.send_text("broadcast"));
        assert!(socket.write(&[b"owner"], Writer::Owner));
        assert_eq!(socket.take_close_request().map(|c| c.code), Some(1008));
    }
}
