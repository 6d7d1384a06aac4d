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
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
}

/// The query parameter that marks docklings' own requests. Every access-log format writes
/// the request target, so a server's log tells the learner's visits from docklings'
/// checks; static servers ignore the query, so the page is the same.
pub(crate) const PROBE_MARK: &str = "docklings-probe=1";

/// The request target with the probe mark added.
fn marked(path: &str) -> String {
    if path.contains('?') {
        format!("{path}&{PROBE_MARK}")
    } else {
        format!("{path}?{PROBE_MARK}")
    }
}

/// Why a GET got no answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum HttpError {
    NotHttpUrl(String),
    NotLoopback(String),
    /// Connecting failed (`refused` when nothing listens).
    Connect {
        addr: String,
        refused: bool,
        detail: String,
    },
    Io(String),
    Closed,
    NotHttp(String),
    Timeout(u64),
}

impl HttpError {
    /// Why there was no answer, as a finding (worded in `words/`).
    pub(crate) fn finding(&self) -> crate::verdict::Finding {
        use crate::verdict::{Code, Finding};
        match self {
            HttpError::NotHttpUrl(u) => Finding::new(Code::HttpNotUrl).with("url", u),
            HttpError::NotLoopback(h) => Finding::new(Code::HttpNotLoopback).with("host", h),
            HttpError::Connect {
                addr,
                refused: true,
                ..
            } => Finding::new(Code::HttpRefused).with("addr", addr),
            HttpError::Connect { addr, detail, .. } => Finding::new(Code::HttpConnect)
                .with("addr", addr)
                .with("detail", detail),
            HttpError::Io(d) => Finding::new(Code::HttpIo).with("detail", d),
            HttpError::Closed => Finding::new(Code::HttpClosed),
            HttpError::NotHttp(l) => Finding::new(Code::HttpNotHttp).with("line", l),
            HttpError::Timeout(s) => Finding::new(Code::HttpTimeout).with("secs", *s),
        }
    }
}

/// GET a loopback URL within `limit`.
pub(crate) async fn get(url: &str, limit: Duration) -> Result<Response, HttpError> {
    let (host, port, path) =
        crate::lab::split_http_url(url).ok_or_else(|| HttpError::NotHttpUrl(url.to_owned()))?;
    if crate::lab::loopback_port(url).is_none() {
        return Err(HttpError::NotLoopback(host));
    }
    let addrs: Vec<String> = if host.eq_ignore_ascii_case("localhost") {
        vec![format!("127.0.0.1:{port}"), format!("[::1]:{port}")]
    } else if host.contains(':') {
        vec![format!("[{host}]:{port}")]
    } else {
        vec![format!("{host}:{port}")]
    };
    let work = async {
        let mut last = HttpError::Closed;
        for a in &addrs {
            match TcpStream::connect(a).await {
                Ok(mut s) => {
                    let target = marked(&path);
                    let req = format!(
                        "GET {target} HTTP/1.0\r\nHost: {host}:{port}\r\nUser-Agent: docklings-probe\r\nAccept: */*\r\nConnection: close\r\n\r\n"
                    );
                    s.write_all(req.as_bytes())
                        .await
                        .map_err(|e| HttpError::Io(e.to_string()))?;
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 16 * 1024];
                    loop {
                        let n = s
                            .read(&mut chunk)
                            .await
                            .map_err(|e| HttpError::Io(e.to_string()))?;
                        if n == 0 || buf.len() > MAX_BODY {
                            break;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                    }
                    return parse(&buf);
                }
                Err(e) => {
                    last = HttpError::Connect {
                        addr: a.clone(),
                        refused: e.kind() == std::io::ErrorKind::ConnectionRefused,
                        detail: e.to_string(),
                    }
                }
            }
        }
        Err(last)
    };
    tokio::time::timeout(limit, work)
        .await
        .unwrap_or(Err(HttpError::Timeout(limit.as_secs())))
}

fn parse(raw: &[u8]) -> Result<Response, HttpError> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| {
            if raw.is_empty() {
                HttpError::Closed
            } else {
                HttpError::NotHttp(String::from_utf8_lossy(&raw[..raw.len().min(40)]).into_owned())
            }
        })?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let mut lines = head.lines();
    let status_line = lines.next().unwrap_or("");
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| HttpError::NotHttp(status_line.to_owned()))?;
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
    fn probes_are_marked() {
        assert_eq!(marked("/"), "/?docklings-probe=1");
        assert_eq!(marked("/a?b=1"), "/a?b=1&docklings-probe=1");
    }

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
        assert!(
            matches!(e, HttpError::Connect { refused: true, .. }),
            "{e:?}"
        );
        let f = e.finding();
        assert_eq!(f.code, crate::verdict::Code::HttpRefused);
        assert!(crate::words::render(&f, crate::lab::Lang::Ko).contains("거부"));
        assert!(crate::words::render(&f, crate::lab::Lang::En).contains("refused"));
    }
}
