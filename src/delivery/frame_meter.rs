//! Counts a client's WebSocket frames as their bytes arrive, before
//! tungstenite sees them. tungstenite answers pings and gathers fragments
//! by itself, so the socket's task never sees those frames; counting them
//! here lets a flood of pings or empty fragments spend the same rate limit
//! as whole messages. Only frame headers are looked at (a few bytes per
//! frame); payloads are skipped unread.

use tokio::time::Instant;

/// Token bucket per socket: 10 frames a second, bursts of 20 (PROTOCOL §5).
const RATE_PER_SEC: f64 = 10.0;
const RATE_BURST: f64 = 20.0;
/// Refused frames or messages in a row before the socket is closed.
pub const RATE_STRIKES: u32 = 20;

const OP_CONTINUATION: u8 = 0x0;
const OP_TEXT: u8 = 0x1;
const OP_BINARY: u8 = 0x2;
const OP_CLOSE: u8 = 0x8;

pub struct FrameMeter {
    /// The header being read: 2 to 14 bytes.
    head: [u8; 14],
    head_len: usize,
    /// Payload bytes of the current frame still to pass by.
    skip: u64,
    tokens: f64,
    refill_at: Instant,
    strikes: u32,
    /// Close frames the client has sent.
    closes: u32,
    flooded: bool,
}

impl FrameMeter {
    pub fn new(now: Instant) -> Self {
        Self {
            head: [0; 14],
            head_len: 0,
            skip: 0,
            tokens: RATE_BURST,
            refill_at: now,
            strikes: 0,
            closes: 0,
            flooded: false,
        }
    }

    /// Spends one token on a frame or message; `false` when over the limit
    /// (a strike; any allowed one clears the strikes).
    pub fn allow(&mut self, now: Instant) -> bool {
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

    pub fn strikes(&self) -> u32 {
        self.strikes
    }

    /// The client kept sending frames over the limit: it is to be closed.
    pub fn flooded(&self) -> bool {
        self.flooded
    }

    /// No frame is half read: the last one's payload has passed too.
    pub fn between_frames(&self) -> bool {
        self.head_len == 0 && self.skip == 0
    }

    /// Close frames the client has sent so far.
    pub fn closes(&self) -> u32 {
        self.closes
    }

    /// Passes bytes read from the client. Every frame but the last of a
    /// message spends a token here (the message's last frame is spent by
    /// the socket's task, which answers `rate_limited`); `false` once the
    /// client has sent [`RATE_STRIKES`] frames over the limit in a row.
    pub fn scan(&mut self, mut bytes: &[u8]) -> bool {
        let mut now = None;
        while !bytes.is_empty() {
            if self.skip > 0 {
                let n = self.skip.min(bytes.len() as u64);
                self.skip -= n;
                bytes = &bytes[n as usize..];
                continue;
            }
            // Two bytes say how long the whole header is.
            let want = header_len(&self.head[..self.head_len]).unwrap_or(2);
            let n = (want - self.head_len).min(bytes.len());
            self.head[self.head_len..self.head_len + n].copy_from_slice(&bytes[..n]);
            self.head_len += n;
            bytes = &bytes[n..];
            if self.head_len < 2 || header_len(&self.head[..self.head_len]) != Some(self.head_len) {
                continue;
            }
            let (fin, opcode, payload) = parse_header(&self.head[..self.head_len]);
            self.head_len = 0;
            self.skip = payload;
            if opcode == OP_CLOSE {
                self.closes = self.closes.saturating_add(1);
            }
            let ends_message = fin && matches!(opcode, OP_CONTINUATION | OP_TEXT | OP_BINARY);
            if !ends_message {
                let now = *now.get_or_insert_with(crate::clock::now);
                if !self.allow(now) && self.strikes >= RATE_STRIKES {
                    self.flooded = true;
                }
            }
        }
        !self.flooded
    }
}

/// A header's whole length once its first two bytes are known.
fn header_len(head: &[u8]) -> Option<usize> {
    let [_, b1, ..] = *head else { return None };
    let extended = match b1 & 0x7F {
        126 => 2,
        127 => 8,
        _ => 0,
    };
    let mask = if b1 & 0x80 != 0 { 4 } else { 0 };
    Some(2 + extended + mask)
}

/// `(fin, opcode, payload length)` of a whole header.
fn parse_header(head: &[u8]) -> (bool, u8, u64) {
    let fin = head[0] & 0x80 != 0;
    let opcode = head[0] & 0x0F;
    let payload = match head[1] & 0x7F {
        126 => u64::from(u16::from_be_bytes([head[2], head[3]])),
        127 => {
            let mut len = [0u8; 8];
            len.copy_from_slice(&head[2..10]);
            u64::from_be_bytes(len)
        }
        short => u64::from(short),
    };
    (fin, opcode, payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A masked client frame.
    fn frame(first: u8, payload: &[u8]) -> Vec<u8> {
        let mut f = vec![first];
        match payload.len() {
            n if n < 126 => f.push(0x80 | n as u8),
            n if n <= 0xFFFF => {
                f.push(0x80 | 126);
                f.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                f.push(0x80 | 127);
                f.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        f.extend_from_slice(&[1, 2, 3, 4]);
        f.extend_from_slice(payload);
        f
    }

    #[tokio::test(start_paused = true)]
    async fn pings_and_fragments_spend_tokens_and_whole_messages_do_not() {
        let mut meter = FrameMeter::new(Instant::now());
        let mut bytes = Vec::new();
        for _ in 0..30 {
            bytes.extend(frame(0x81, b"{\"type\":\"ping\"}"));
        }
        assert!(meter.scan(&bytes), "whole messages are the task's to count");
        assert_eq!(meter.strikes(), 0);
        let pings: Vec<u8> = (0..39).flat_map(|_| frame(0x89, b"hi")).collect();
        assert!(meter.scan(&pings), "20 allowed, 19 strikes");
        assert!(!meter.scan(&frame(0x89, b"")), "the 20th strike floods");
        assert!(meter.flooded());
    }

    #[tokio::test(start_paused = true)]
    async fn headers_split_across_reads_and_long_payloads_are_followed() {
        let mut meter = FrameMeter::new(Instant::now());
        let mut bytes = frame(0x82, &vec![7u8; 70_000]);
        bytes.extend(frame(0x01, &[b'a'; 300]));
        bytes.extend(frame(0x88, &[3, 232]));
        for chunk in bytes.chunks(3) {
            assert!(meter.scan(chunk));
        }
        assert_eq!(meter.closes(), 1, "the close after two long frames is seen");
        assert_eq!(meter.tokens, RATE_BURST - 2.0, "the fragment and the close");
    }

    #[tokio::test(start_paused = true)]
    async fn an_empty_fragment_flood_is_caught_within_a_read() {
        let mut meter = FrameMeter::new(Instant::now());
        let mut bytes = frame(0x01, b"{");
        for _ in 0..1000 {
            bytes.extend(frame(0x00, b""));
        }
        assert!(!meter.scan(&bytes));
    }

    #[tokio::test(start_paused = true)]
    async fn a_steady_pace_is_never_refused() {
        let mut meter = FrameMeter::new(Instant::now());
        for _ in 0..200 {
            tokio::time::advance(std::time::Duration::from_millis(100)).await;
            assert!(meter.scan(&frame(0x89, b"")));
        }
        assert_eq!(meter.strikes(), 0);
    }
}
