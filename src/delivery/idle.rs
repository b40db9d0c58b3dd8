//! A connection wrapper that gives up on peers that go silent: no byte read
//! or written for `limit` ends the connection. Keeps idle keep-alive and
//! never-speaking connections from holding sockets forever; WebSockets stay
//! busy with heartbeats well within the limit.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Instant;

use crate::clock;
use crate::timer::Sleep;

pub struct Idle<T> {
    inner: T,
    limit: Duration,
    last_activity: Instant,
    /// Fires at the earliest possible expiry; re-armed lazily when activity
    /// happened meanwhile, so busy connections pay one clock read per I/O.
    timer: Sleep,
}

impl<T> Idle<T> {
    pub fn new(inner: T, limit: Duration) -> Self {
        let now = clock::now();
        Self {
            inner,
            limit,
            last_activity: now,
            timer: Sleep::until(now + limit),
        }
    }

    /// The connection without the watch (a WebSocket keeps its own heartbeat).
    pub fn into_inner(self) -> T {
        self.inner
    }

    fn touch(&mut self) {
        self.last_activity = clock::now();
    }

    /// A write that went out is activity; one the peer's full buffers
    /// hold back waits on the watch too (a client that stops reading an
    /// answer sends nothing either, and the server may not be reading).
    fn on_write(
        &mut self,
        result: Poll<io::Result<usize>>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<usize>> {
        match result {
            Poll::Ready(Ok(n)) => {
                if n > 0 {
                    self.touch();
                }
                Poll::Ready(Ok(n))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => self.poll_expired(cx).map(Err),
        }
    }

    /// `Ready(err)` once the peer has really been silent for the limit.
    fn poll_expired(&mut self, cx: &mut Context<'_>) -> Poll<io::Error> {
        loop {
            if Pin::new(&mut self.timer).poll(cx).is_pending() {
                return Poll::Pending;
            }
            let deadline = self.last_activity + self.limit;
            if clock::now() >= deadline {
                return Poll::Ready(io::Error::new(io::ErrorKind::TimedOut, "connection idle"));
            }
            self.timer.reset(deadline);
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Idle<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.inner).poll_read(cx, buf) {
            Poll::Ready(result) => {
                if buf.filled().len() > before {
                    self.touch();
                }
                Poll::Ready(result)
            }
            Poll::Pending => self.poll_expired(cx).map(Err),
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Idle<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.on_write(result, cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.on_write(result, cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt, duplex};

    #[tokio::test(start_paused = true)]
    async fn a_silent_peer_is_cut_off_and_a_talking_one_is_not() {
        let (a, mut b) = duplex(64);
        let mut idle = Idle::new(a, Duration::from_secs(10));
        let mut buf = [0u8; 8];
        tokio::spawn(async move {
            for _ in 0..3 {
                tokio::time::sleep(Duration::from_secs(6)).await;
                let _ = b.write_all(b"x").await;
            }
            tokio::time::sleep(Duration::from_secs(60)).await;
            drop(b);
        });
        for _ in 0..3 {
            assert_eq!(
                idle.read(&mut buf).await.unwrap(),
                1,
                "talking within the limit"
            );
        }
        let err = idle.read(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
    }

    #[tokio::test(start_paused = true)]
    async fn a_peer_that_stops_reading_is_cut_off_while_the_write_waits() {
        let (a, _b) = duplex(64);
        let mut idle = Idle::new(a, Duration::from_secs(90));
        let started = Instant::now();
        // The peer reads nothing: the write waits once its buffer is full.
        let write = idle.write_all(&[0u8; 1024]);
        let err = tokio::time::timeout(Duration::from_secs(100), write)
            .await
            .expect("cut off within 100 s")
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        assert_eq!(started.elapsed(), Duration::from_secs(90));
    }
}
