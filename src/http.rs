//! A minimal HTTP/1.0 GET for loopback URLs, enough for checks: status and body.
//!
//! Checks only ever talk to loopback, one request at a time, so a dependency on a full
//! HTTP client would buy nothing. HTTP/1.0 with `Connection: close` means no keep-alive
//! and, from a compliant server, no chunked encoding; we still decode chunks if a server
//! sends them anyway.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const MAX_BODY: usize = 4 * 1024 * 1024;

#[derive(Clone, Debug)]
pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
}

/// GET a loopback URL within `limit`. Errors are short sentences for the learner.
pub async fn get(url: &str, limit: Duration) -> Result<Response, String> {
    let (host, port, path) =
        crate::lab::split_http_url(url).ok_or_else(|| format!("`{url}` is not an http:// URL"))?;
    if crate::lab::loopback_port(url).is_none() {
        return Err(format!("`{host}` is not a loopback address"));
    }
    let addrs: Vec<String> = if host.eq_ignore_ascii_case("localhost") {
        vec![format!("127.0.0.1:{port}"), format!("[::1]:{port}")]
    } else if host.contains(':') {
        vec![format!("[{host}]:{port}")]
    } else {
        vec![format!("{host}:{port}")]
    };
    let work = async {
        let mut last = String::new();
        for a in &addrs {
            match TcpStream::connect(a).await {
                Ok(mut s) => {
                    let req = format!(
                        "GET {path} HTTP/1.0\r\nHost: {host}:{port}\r\nUser-Agent: docklings\r\nAccept: */*\r\nConnection: close\r\n\r\n"
                    );
                    s.write_all(req.as_bytes())
                        .await
                        .map_err(|e| format!("sending the request failed: {e}"))?;
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 16 * 1024];
                    loop {
                        let n = s
                            .read(&mut chunk)
                            .await
                            .map_err(|e| format!("reading the answer failed: {e}"))?;
                        if n == 0 || buf.len() > MAX_BODY {
                            break;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                    }
                    return parse(&buf);
                }
                Err(e) => last = format!("connection to {a} failed: {e}"),
            }
        }
        Err(last)
    };
    tokio::time::timeout(limit, work)
        .await
        .unwrap_or_else(|_| Err(format!("no answer within {}s", limit.as_secs())))
}

fn parse(raw: &[u8]) -> Result<Response, String> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| {
            if raw.is_empty() {
                "the connection closed without an answer".to_owned()
            } else {
                "the answer is not HTTP".to_owned()
            }
        })?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let mut lines = head.lines();
    let status_line = lines.next().unwrap_or("");
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("the answer is not HTTP: `{status_line}`"))?;
    let chunked = lines.any(|l| {
        let l = l.to_ascii_lowercase();
        l.starts_with("transfer-encoding:") && l.contains("chunked")
    });
    let body = &raw[split + 4..];
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_vec()
    };
    Ok(Response { status, body })
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = b.windows(2).position(|w| w == b"\r\n") {
        let size_text = String::from_utf8_lossy(&b[..eol]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .unwrap_or(0);
        b = &b[eol + 2..];
        if size == 0 || size > b.len() {
            break;
        }
        out.extend_from_slice(&b[..size]);
        b = &b[(size + 2).min(b.len())..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_and_chunked() {
        let r =
            parse(b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<h1>hi</h1>").expect("ok");
        assert_eq!((r.status, r.body.as_slice()), (200, &b"<h1>hi</h1>"[..]));
        let r = parse(b"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
            .expect("ok");
        assert_eq!((r.status, r.body.as_slice()), (404, &b"abcde"[..]));
        assert!(parse(b"").is_err());
        assert!(parse(b"garbage\r\n\r\n").is_err());
    }

    #[tokio::test]
    async fn refuses_non_loopback_and_reports_refusal() {
        assert!(
            get("http://example.com/", Duration::from_secs(1))
                .await
                .is_err()
        );
        // Port 1 on loopback is closed on any sane machine.
        let e = get("http://127.0.0.1:1/", Duration::from_secs(2))
            .await
            .expect_err("closed");
        assert!(e.contains("failed"), "{e}");
    }
}
