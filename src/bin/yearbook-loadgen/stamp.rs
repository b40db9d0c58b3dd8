//! When bytes reached a simulated phone: the kernel's receive time for each
//! read, not the moment the generator got round to reading it.
//!
//! One generator plays thousands of phones on one or two cores, so it reads
//! their sockets one after another, and a phone near the end of that queue
//! would be charged the time the generator spent on the others. A real phone
//! has its own CPU. The kernel stamps every segment as it lands in the
//! phone's socket (`SO_TIMESTAMPNS`); `recvmsg` hands that stamp back with
//! the bytes, and that is the delivery time the server is responsible for.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, AsyncWrite, Interest, ReadBuf};
use tokio::net::TcpStream;

/// A TCP stream that remembers the kernel's receive time of what it read
/// last.
pub struct Stamped {
    tcp: TcpStream,
    /// `CLOCK_REALTIME` nanoseconds of the newest segment in the last read;
    /// 0 before any (or when the kernel gave none).
    last_rx: u64,
}

impl Stamped {
    pub fn new(tcp: TcpStream) -> io::Result<Self> {
        enable_rx_stamps(&tcp)?;
        Ok(Self { tcp, last_rx: 0 })
    }

    pub fn tcp(&self) -> &TcpStream {
        &self.tcp
    }

    /// The kernel's receive time of the newest bytes read so far.
    pub fn last_rx(&self) -> u64 {
        self.last_rx
    }
}

#[cfg(target_os = "linux")]
fn enable_rx_stamps(tcp: &TcpStream) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let on: libc::c_int = 1;
    // SAFETY: a valid socket, an int option of the right size.
    let rc = unsafe {
        libc::setsockopt(
            tcp.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_TIMESTAMPNS,
            (&on as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn enable_rx_stamps(_: &TcpStream) -> io::Result<()> {
    Ok(())
}

/// One `recvmsg` into `buf`: the byte count and the kernel's stamp, if any.
#[cfg(target_os = "linux")]
fn recv_stamped(
    tcp: &TcpStream,
    buf: &mut [std::mem::MaybeUninit<u8>],
) -> io::Result<(usize, u64)> {
    use std::os::fd::AsRawFd;
    // Room for one `timespec` control message, aligned for `cmsghdr`.
    let mut control = [0u64; 8];
    let mut iov = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: buf.len(),
    };
    // SAFETY: zeroed msghdr is valid; every pointer set below outlives the call.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = std::mem::size_of_val(&control) as _;
    // SAFETY: `msg` points at live buffers of the sizes given.
    let n = unsafe { libc::recvmsg(tcp.as_raw_fd(), &mut msg, libc::MSG_DONTWAIT) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    let mut stamp = 0;
    // SAFETY: walking the control messages the kernel wrote into `control`.
    unsafe {
        let mut c = libc::CMSG_FIRSTHDR(&msg);
        while !c.is_null() {
            if (*c).cmsg_level == libc::SOL_SOCKET && (*c).cmsg_type == libc::SCM_TIMESTAMPNS {
                let ts: libc::timespec = std::ptr::read_unaligned(libc::CMSG_DATA(c).cast());
                stamp = (ts.tv_sec as u64)
                    .saturating_mul(1_000_000_000)
                    .saturating_add(ts.tv_nsec as u64);
            }
            c = libc::CMSG_NXTHDR(&msg, c);
        }
    }
    Ok((n as usize, stamp))
}

#[cfg(not(target_os = "linux"))]
fn recv_stamped(
    tcp: &TcpStream,
    buf: &mut [std::mem::MaybeUninit<u8>],
) -> io::Result<(usize, u64)> {
    // No stamps here: a plain read into the buffer, zeroed first so it is
    // initialised before it is seen as bytes.
    for b in buf.iter_mut() {
        b.write(0);
    }
    // SAFETY: every element was just initialised.
    let buf = unsafe { &mut *(buf as *mut [std::mem::MaybeUninit<u8>] as *mut [u8]) };
    Ok((tcp.try_read(buf)?, 0))
}

/// Now on `CLOCK_REALTIME`, the kernel stamps' clock, in nanoseconds.
pub fn realtime_ns() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

/// The run's one clock: monotonic nanoseconds since it started (0 means
/// never), onto which the kernel's realtime stamps are mapped.
pub struct Clock {
    epoch: std::time::Instant,
    /// `CLOCK_REALTIME` minus our clock, in ns; taken again at each round's
    /// start, so a wall-clock step can skew at most one round.
    offset: AtomicI64,
    /// Arrivals the kernel did not stamp, timed when read instead.
    unstamped: AtomicU64,
}

impl Clock {
    pub fn new() -> Self {
        let clock = Self {
            epoch: std::time::Instant::now(),
            offset: AtomicI64::new(0),
            unstamped: AtomicU64::new(0),
        };
        clock.resync();
        clock
    }

    pub fn unstamped(&self) -> u64 {
        self.unstamped.load(Relaxed)
    }

    pub fn now(&self) -> u64 {
        (self.epoch.elapsed().as_nanos() as u64).max(1)
    }

    /// Reads both clocks back to back (ours on either side of the realtime
    /// read, taking the midpoint).
    pub fn resync(&self) {
        let before = self.now();
        let real = realtime_ns();
        let after = self.now();
        let mid = before + (after - before) / 2;
        self.offset.store(real as i64 - mid as i64, Relaxed);
    }

    /// When the bytes last read from `stream` reached its socket, on our
    /// clock; never later than now, the moment the generator read them.
    pub fn arrival(&self, stream: &Stamped) -> u64 {
        let read = self.now();
        let stamp = stream.last_rx();
        if stamp == 0 {
            self.unstamped.fetch_add(1, Relaxed);
            return read;
        }
        let ours = stamp as i64 - self.offset.load(Relaxed);
        (ours.max(1) as u64).min(read)
    }
}

impl AsyncRead for Stamped {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            ready!(this.tcp.poll_read_ready(cx))?;
            // SAFETY: recvmsg writes at most `len` bytes and we mark as
            // filled only what it reports.
            let unfilled = unsafe { buf.unfilled_mut() };
            match this
                .tcp
                .try_io(Interest::READABLE, || recv_stamped(&this.tcp, unfilled))
            {
                Ok((n, stamp)) => {
                    // SAFETY: the kernel wrote these `n` bytes.
                    unsafe { buf.assume_init(n) };
                    buf.advance(n);
                    // A read without a stamp must not keep an older one: the
                    // message it completes would be dated too early.
                    if n > 0 {
                        this.last_rx = stamp;
                    }
                    return Poll::Ready(Ok(()));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }
}

impl AsyncWrite for Stamped {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().tcp).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().tcp).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.tcp.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn a_read_carries_the_time_the_bytes_arrived_not_when_they_were_read() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let client = TcpStream::connect(addr).await.unwrap();
        let (mut server, _) = listener.accept().await.unwrap();
        let mut phone = Stamped::new(client).unwrap();
        let mut buf = [0u8; 16];
        // The kernel turns stamping on for the whole system a moment after
        // the first socket asks (deferred work): until a read comes back
        // stamped, bytes may arrive unstamped.
        for _ in 0..100 {
            server.write_all(b".").await.unwrap();
            phone.read_exact(&mut buf[..1]).await.unwrap();
            if phone.last_rx() != 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        let before = realtime_ns();
        server.write_all(b"round").await.unwrap();
        // The bytes sit in the socket while the reader is busy elsewhere.
        tokio::time::sleep(std::time::Duration::from_millis(60)).await;
        let n = phone.read(&mut buf).await.unwrap();
        let read_at = realtime_ns();
        assert_eq!(&buf[..n], b"round");
        let rx = phone.last_rx();
        assert!(
            rx >= before.saturating_sub(1_000_000),
            "stamp {rx} before the send at {before}"
        );
        assert!(
            read_at - rx >= 50_000_000,
            "stamp {} ms before the read",
            (read_at - rx) / 1_000_000
        );
        // Writing goes straight through.
        phone.write_all(b"vote").await.unwrap();
        let n = server.read(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"vote");
    }
}
