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
use std::task::{Context, Poll};
use std::time::Duration;

use parking_lot::Mutex;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::Notify;

/// Bytes a socket may have waiting beyond what the kernel holds for it; a
/// phone that far behind has stopped reading.
pub const MAX_QUEUED: usize = 4 * 1024 * 1024;

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
}

impl Out {
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
    pub message: &'static str,
}

pub struct Link {
    /// Its room's fan-out has sent everything owed before broadcasts (a
    /// phone's welcome and `state`): from then on a reply may be written
    /// from anywhere, not only in the fan-out's order.
    seated: std::sync::atomic::AtomicBool,
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
    /// The socket's task should check that its client is still there.
    nudged: std::sync::atomic::AtomicBool,
}

impl Link {
    /// The shared writing side, and the reading side for tungstenite.
    pub fn new(tcp: TcpStream) -> (Arc<Self>, LinkIo) {
        #[cfg(unix)]
        let fd = std::os::fd::AsRawFd::as_raw_fd(&tcp);
        let (read, write) = tcp.into_split();
        let link = Arc::new(Self {
            #[cfg(unix)]
            fd,
            seated: std::sync::atomic::AtomicBool::new(false),
            tcp: write,
            out: Mutex::new(Out::default()),
            wake: Notify::new(),
            nudged: std::sync::atomic::AtomicBool::new(false),
        });
        let io = LinkIo {
            read,
            link: link.clone(),
        };
        (link, io)
    }

    /// A whole text message from the fan-out; `false` when this socket no
    /// longer takes broadcasts.
    pub fn send_text(&self, text: &str) -> bool {
        self.send_frame(&text_frame(text))
    }

    pub fn set_seated(&self) {
        self.seated
            .store(true, std::sync::atomic::Ordering::Release);
    }

    pub fn is_seated(&self) -> bool {
        self.seated.load(std::sync::atomic::Ordering::Acquire)
    }

    /// A frame made by [`text_frame`], shared by many sockets.
    pub fn send_frame(&self, frame: &[u8]) -> bool {
        self.write(&[frame], true)
    }

    /// Writes whole frames (`parts` concatenated) after everything written
    /// before. `broadcast` writes stop once the socket's task is closing.
    fn write(&self, parts: &[&[u8]], broadcast: bool) -> bool {
        let mut out = self.out.lock();
        if out.failed || (broadcast && out.no_broadcasts) {
            return false;
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
                Ok(n) if n == total => return true,
                Ok(n) => written = n,
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
                    ) => {}
                Err(_) => {
                    out.failed = true;
                    drop(out);
                    self.wake.notify_one();
                    return false;
                }
            }
        }
        let was_empty = out.pending.is_empty();
        if was_empty {
            out.progress_at = Some(tokio::time::Instant::now());
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
        if out.pending.len() - out.sent > MAX_QUEUED {
            out.failed = true;
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
        // SAFETY: `fd` belongs to `self.tcp`, which this link owns, so it is
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

    /// Asks the socket's task to check on its client (keep-alive).
    pub fn nudge(&self) {
        self.nudged
            .store(true, std::sync::atomic::Ordering::Release);
        self.wake.notify_one();
    }

    /// Whether the socket's task was nudged since it last looked.
    pub fn take_nudge(&self) -> bool {
        self.nudged.swap(false, std::sync::atomic::Ordering::AcqRel)
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
                            out.failed = true;
                            return Err(io::ErrorKind::WriteZero.into());
                        }
                        Ok(n) => {
                            out.sent += n;
                            out.progress_at = Some(tokio::time::Instant::now());
                        }
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                        Err(e) => {
                            out.failed = true;
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
                deadline = out.progress_at.unwrap_or_else(tokio::time::Instant::now) + patience;
            }
            match tokio::time::timeout_at(deadline, self.tcp.writable()).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    self.out.lock().failed = true;
                    return Err(e);
                }
                Err(_) => {
                    self.out.lock().failed = true;
                    return Err(io::ErrorKind::TimedOut.into());
                }
            }
        }
    }

    /// Ends the connection now, whoever else still holds this link.
    pub fn shutdown(&self) {
        {
            let mut out = self.out.lock();
            out.failed = true;
            out.pending = Vec::new();
        }
        let tcp: &TcpStream = self.tcp.as_ref();
        let _ = socket2::SockRef::from(tcp).shutdown(std::net::Shutdown::Both);
    }
}

/// The link as tungstenite's transport: reads from the socket, writes
/// through the shared queue (a write is always taken whole, so tungstenite
/// only ever hands over whole frames).
pub struct LinkIo {
    read: OwnedReadHalf,
    link: Arc<Link>,
}

impl AsyncRead for LinkIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.read).poll_read(cx, buf)
    }
}

impl AsyncWrite for LinkIo {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.link.write(&[buf], false) {
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

    async fn pair() -> (Arc<Link>, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let client = TcpStream::connect(addr).await.unwrap();
        let (server, _) = listener.accept().await.unwrap();
        (Link::new(server).0, client)
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
        let (link, mut client) = pair().await;
        // Far more than the kernel buffers: the rest waits in the queue.
        let text = "x".repeat(60_000);
        let frames = 100;
        for _ in 0..frames {
            assert!(link.send_text(&text));
        }
        assert!(
            !link.out.lock().pending.is_empty(),
            "some bytes had to wait"
        );
        let drainer = {
            let link = link.clone();
            tokio::spawn(async move { link.drain(Duration::from_secs(5)).await })
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
        let (link, _client) = pair().await;
        let text = "y".repeat(64 * 1024);
        let mut accepted = 0;
        while link.send_text(&text) {
            accepted += 1;
            assert!(accepted < 10_000, "the queue must be bounded");
        }
        assert!(link.failed());
        assert!(!link.send_text("more"));
    }

    #[tokio::test]
    async fn patience_counts_from_the_last_progress_however_often_draining_restarts() {
        let (link, _client) = pair().await;
        let text = "w".repeat(60_000);
        while !link.has_pending() {
            assert!(link.send_text(&text));
        }
        let started = std::time::Instant::now();
        let patience = Duration::from_millis(300);
        // The socket's task restarts its drain whenever something else
        // happens (here every 100 ms); the reader never reads.
        let outcome = loop {
            match tokio::time::timeout(Duration::from_millis(100), link.drain(patience)).await {
                Ok(result) => break result,
                Err(_) => assert!(started.elapsed() < Duration::from_secs(3), "never given up"),
            }
        };
        assert_eq!(outcome.unwrap_err().kind(), io::ErrorKind::TimedOut);
        assert!(started.elapsed() >= patience);
        assert!(link.failed());
    }

    #[tokio::test]
    async fn a_close_request_stops_broadcasts_but_not_the_owner() {
        let (link, _client) = pair().await;
        link.request_close(Close {
            code: 1008,
            reason: "kicked",
            error: "kicked",
            message: "bye",
        });
        assert!(!link.send_text("broadcast"));
        assert!(link.write(&[b"owner"], false));
        assert_eq!(link.take_close_request().map(|c| c.code), Some(1008));
    }
}
