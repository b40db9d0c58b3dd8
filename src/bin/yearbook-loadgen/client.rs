//! The target server and the loopback sockets and HTTP/1 requests that reach it.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub addr: SocketAddr,
    /// `Host` header value, as given.
    pub host: String,
    /// Base path without trailing slash; empty at the root.
    pub base: String,
}

/// `http://127.0.0.1:8080/base` → a loopback address and a base path.
/// Anything that is not this machine is refused: load goes nowhere else.
pub fn parse_url(url: &str) -> Result<Target> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| anyhow!("--url must start with http:// (got {url})"))?;
    let (hostport, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
        let (h, p) = v6
            .split_once(']')
            .ok_or_else(|| anyhow!("bad IPv6 address in --url"))?;
        (h, p.strip_prefix(':'))
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (hostport, None),
        }
    };
    let port: u16 = match port {
        Some(p) => p
            .parse()
            .with_context(|| format!("bad port in --url: {p}"))?,
        None => 80,
    };
    let ip: IpAddr = if host.eq_ignore_ascii_case("localhost") {
        Ipv4Addr::LOCALHOST.into()
    } else {
        host.parse()
            .with_context(|| format!("--url must name an IP address or localhost, not {host}"))?
    };
    if !ip.is_loopback() {
        bail!("--url must be on this machine (127.0.0.0/8, ::1 or localhost), not {ip}");
    }
    Ok(Target {
        addr: SocketAddr::new(ip, port),
        host: hostport.to_string(),
        base: path.trim_end_matches('/').to_string(),
    })
}

/// Sockets per source address by default: well under the ~28,000
/// ephemeral ports one source/destination pair has.
pub const SOCKETS_PER_SOURCE: usize = 10_000;

/// A TCP connection from `src` (a loopback source address), so that many
/// sockets do not exhaust one address's ephemeral ports.
pub async fn tcp_connect(to: SocketAddr, src: Option<Ipv4Addr>) -> std::io::Result<TcpStream> {
    let socket = match to {
        SocketAddr::V4(_) => TcpSocket::new_v4()?,
        SocketAddr::V6(_) => TcpSocket::new_v6()?,
    };
    if let (Some(src), SocketAddr::V4(_)) = (src, to) {
        // Lets a port whose last connection is still in TIME_WAIT be used
        // again: back-to-back runs would otherwise run out of ports.
        socket.set_reuseaddr(true)?;
        socket.bind(SocketAddr::new(src.into(), 0))?;
    }
    let stream = socket.connect(to).await?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// One HTTP/1.1 POST with `Connection: close`; returns status and body.
pub async fn http_post(
    target: &Target,
    src: Option<Ipv4Addr>,
    path: &str,
    body: &str,
    bearer: Option<&str>,
) -> Result<(u16, String)> {
    let mut stream = tcp_connect(target.addr, src).await?;
    let mut req = format!(
        "POST {}{path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        target.base,
        target.host,
        body.len()
    );
    if let Some(b) = bearer {
        req.push_str(&format!("Authorization: Bearer {b}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    stream.write_all(req.as_bytes()).await?;
    let mut raw = Vec::new();
    tokio::time::timeout(
        Duration::from_secs(10),
        (&mut stream).take(1 << 20).read_to_end(&mut raw),
    )
    .await
    .map_err(|_| anyhow!("no HTTP answer within 10 s"))??;
    parse_http_response(&raw)
}

fn parse_http_response(raw: &[u8]) -> Result<(u16, String)> {
    let text = std::str::from_utf8(raw).context("HTTP answer is not UTF-8")?;
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| anyhow!("incomplete HTTP answer"))?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| anyhow!("bad HTTP status line"))?;
    let chunked = head.lines().any(|l| {
        let l = l.to_ascii_lowercase();
        l.starts_with("transfer-encoding:") && l.contains("chunked")
    });
    let body = if chunked {
        dechunk(body)?
    } else {
        body.to_string()
    };
    Ok((status, body))
}

fn dechunk(mut s: &str) -> Result<String> {
    let mut out = String::new();
    loop {
        let (size, rest) = s
            .split_once("\r\n")
            .ok_or_else(|| anyhow!("bad chunked body"))?;
        let size = usize::from_str_radix(size.split(';').next().unwrap_or("").trim(), 16)
            .context("bad chunk size")?;
        if size == 0 {
            return Ok(out);
        }
        out.push_str(rest.get(..size).ok_or_else(|| anyhow!("short chunk"))?);
        s = rest
            .get(size..)
            .and_then(|r| r.strip_prefix("\r\n"))
            .ok_or_else(|| anyhow!("bad chunk end"))?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_must_be_loopback() {
        let t = parse_url("http://127.0.0.1:8080/reunion/1984/").unwrap();
        assert_eq!(t.addr, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(t.base, "/reunion/1984");
        assert_eq!(parse_url("http://localhost:9").unwrap().base, "");
        assert!(
            parse_url("http://[::1]:80")
                .unwrap()
                .addr
                .ip()
                .is_loopback()
        );
        assert!(parse_url("http://127.9.9.9:1").is_ok());
        assert!(parse_url("http://10.0.0.1:8080").is_err());
        assert!(parse_url("http://example.com").is_err());
        assert!(parse_url("https://127.0.0.1").is_err());
    }

    #[test]
    fn http_answers_parse_plain_and_chunked() {
        let plain = b"HTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\n{}";
        assert_eq!(parse_http_response(plain).unwrap(), (201, "{}".into()));
        let chunked =
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
        assert_eq!(parse_http_response(chunked).unwrap(), (200, "abcde".into()));
        assert!(parse_http_response(b"garbage").is_err());
    }
}
