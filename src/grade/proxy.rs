//! The guard: an HTTP relay on a unix socket between the submission's docker CLI and the
//! engine's socket. Every request head is read, ruled on by [`super::policy`], rewritten to
//! `Connection: close` (so the CLI opens a connection per request and none slips by
//! unseen) and forwarded; an upgraded request (attach, exec start) becomes a raw stream
//! once the engine switches protocols. A refused request is answered 403 with the reason
//! and recorded.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{UnixListener, UnixStream};

use super::policy::{Plan, Policy, Ruling, classify};
use crate::app::{Failure, Result};
use crate::engine::routes::{Making, Route, Subject};
use crate::report::Denial;

/// A request head larger than this is not the docker CLI's.
const HEAD_CAP: usize = 64 * 1024;
/// A client that sends half a head and stalls must not hold the guard.
const HEAD_TIMEOUT: Duration = Duration::from_secs(30);
/// Bodies the guard reads (create, connect, exec) are a few kilobytes; anything near this is
/// not one of them.
const BODY_CAP: usize = 1024 * 1024;
/// A list the guard filters: the whole answer is read first.
const RESPONSE_CAP: usize = 64 * 1024 * 1024;

/// How long a request waits for the grader to look at the engine before it goes on.
const CHECKPOINT_TIMEOUT: Duration = Duration::from_secs(10);

/// A request to look at the engine now; the reply says it has been looked at.
pub(super) type Checkpoint = tokio::sync::oneshot::Sender<()>;

/// What every connection of the guard shares.
struct Shared {
    policy: Policy,
    upstream: PathBuf,
    denials: Mutex<Vec<Denial>>,
    /// Asked before every request that changes the engine, so the grader sees the state
    /// each act left before the next act can erase it (a `curl` in an access log, then
    /// `docker rm -f`).
    checkpoints: tokio::sync::mpsc::UnboundedSender<Checkpoint>,
}

pub(super) struct Guard {
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Guard {
    /// Listen on `socket` and relay to the engine's socket `upstream`; before relaying a
    /// request that changes the engine, send a [`Checkpoint`] on `checkpoints` and wait for
    /// its reply (or [`CHECKPOINT_TIMEOUT`]).
    pub(super) fn start(
        policy: Policy,
        upstream: PathBuf,
        socket: &Path,
        checkpoints: tokio::sync::mpsc::UnboundedSender<Checkpoint>,
    ) -> Result<Guard> {
        let listener = UnixListener::bind(socket)
            .map_err(|e| Failure::io("open the guard's socket", socket, e))?;
        let shared = Arc::new(Shared {
            policy,
            upstream,
            denials: Mutex::new(Vec::new()),
            checkpoints,
        });
        let s = Arc::clone(&shared);
        let task = tokio::spawn(async move {
            // Connections live in the set, so aborting this task ends them all.
            let mut conns = tokio::task::JoinSet::new();
            loop {
                tokio::select! {
                    accepted = listener.accept() => match accepted {
                        Ok((stream, _)) => {
                            conns.spawn(serve(stream, Arc::clone(&s)));
                        }
                        Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
                    },
                    Some(_) = conns.join_next(), if !conns.is_empty() => {}
                }
            }
        });
        Ok(Guard { shared, task })
    }

    /// Stop relaying: nothing may reach the engine through the guard once grading starts.
    pub(super) fn shutdown(&self) {
        self.task.abort();
    }

    pub(super) fn denials(&self) -> Vec<Denial> {
        self.shared
            .denials
            .lock()
            .map(|d| d.clone())
            .unwrap_or_default()
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// One client connection: one request (the head is rewritten to `Connection: close`), or
/// one upgraded stream.
async fn serve(mut client: UnixStream, shared: Arc<Shared>) {
    let mut buf = Vec::with_capacity(4096);
    let end = match tokio::time::timeout(HEAD_TIMEOUT, read_head(&mut client, &mut buf)).await {
        Ok(Ok(Some(end))) => end,
        Ok(Ok(None)) | Ok(Err(_)) | Err(_) => return,
    };
    let mut head = match Head::parse(&buf[..end]) {
        Ok(h) => h,
        Err(e) => {
            let _ = respond(&mut client, 400, "Bad Request", &format!("docklings: {e}")).await;
            return;
        }
    };
    let mut rest = buf[end..].to_vec();
    let policy = &shared.policy;
    let mut filter = None;
    let ruling = match classify(&head.method, &head.target) {
        Plan::Rule(r) => r,
        Plan::Ask(subject @ Subject::Attach { .. }) => {
            match read_body(&mut client, &head, &mut rest).await {
                Ok(body) => {
                    let r = policy.judge(&subject, Some(&body)).await;
                    head.set_body(&body, &mut rest);
                    r
                }
                Err(e) => Ruling::Deny(e),
            }
        }
        Plan::Ask(subject) => policy.judge(&subject, None).await,
        Plan::AskRead(subject) => policy.read(&subject).await,
        Plan::AskThenFilter(subject, kind) => {
            filter = Some(kind);
            policy.read(&subject).await
        }
        Plan::Filter(kind) => {
            filter = Some(kind);
            Ruling::Allow
        }
        Plan::Query(route) => {
            let r = policy.query(&route, &head.target).await;
            if r == Ruling::Allow && route == Route::Create(Making::Build) {
                head.target = policy.labelled_build(&head.target);
            }
            r
        }
        Plan::Body(making) => match read_body(&mut client, &head, &mut rest).await {
            Ok(body) => match policy.body(&making, &body).await {
                Ok(new) => {
                    head.set_body(&new, &mut rest);
                    Ruling::Allow
                }
                Err(r) => r,
            },
            Err(e) => Ruling::Deny(e),
        },
    };
    if ruling != Ruling::Allow {
        refuse(&shared, &head, &mut client, ruling).await;
        return;
    }
    if !matches!(head.method.as_str(), "GET" | "HEAD") {
        checkpoint(&shared).await;
    }
    let Ok(upstream) = UnixStream::connect(&shared.upstream).await else {
        let _ = respond(
            &mut client,
            502,
            "Bad Gateway",
            "docklings: the guard cannot reach the Docker engine",
        )
        .await;
        return;
    };
    if let Some(kind) = filter {
        forward_filtered(&head, client, upstream, policy, kind).await;
    } else if head.upgrade {
        forward_upgrade(&head, client, upstream, rest).await;
    } else {
        forward(&head, client, upstream, &rest).await;
    }
}

/// A read whose answer must leave out what the submission did not create: the whole answer
/// is read, filtered and sent on with its length.
async fn forward_filtered(
    head: &Head,
    mut client: UnixStream,
    mut upstream: UnixStream,
    policy: &Policy,
    kind: crate::engine::routes::Kind,
) {
    if upstream.write_all(&head.render()).await.is_err() {
        return;
    }
    let mut raw = Vec::new();
    let mut limited = (&mut upstream).take(RESPONSE_CAP as u64);
    let read = limited.read_to_end(&mut raw);
    if tokio::time::timeout(HEAD_TIMEOUT, read).await.is_err() {
        return;
    }
    let Some(end) = find(&raw, b"\r\n\r\n").map(|i| i + 4) else {
        return;
    };
    let head_text = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head_text.split("\r\n");
    let status = lines.next().unwrap_or("").to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.to_owned(), v.trim().to_owned()))
        .collect();
    let chunked = header(&headers, "Transfer-Encoding").any(|v| v.contains("chunked"));
    let body = if chunked {
        match dechunk(&raw[end..]) {
            Some((b, _)) => b,
            None => return,
        }
    } else {
        raw[end..].to_vec()
    };
    let ok = status.split(' ').nth(1) == Some("200");
    let body = match serde_json::from_slice::<serde_json::Value>(&body) {
        Ok(mut v) if ok && head.method == "GET" => {
            policy.filter(kind, &mut v);
            serde_json::to_vec(&v).unwrap_or_default()
        }
        _ => body,
    };
    let mut out = format!("{status}\r\n");
    for (k, v) in &headers {
        let framing = ["Content-Length", "Transfer-Encoding", "Connection"]
            .iter()
            .any(|h| k.eq_ignore_ascii_case(h));
        if !framing {
            let _ = write!(out, "{k}: {v}\r\n");
        }
    }
    let _ = write!(
        out,
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    if client.write_all(out.as_bytes()).await.is_ok() && head.method != "HEAD" {
        let _ = client.write_all(&body).await;
    }
    let _ = client.shutdown().await;
}

/// A chunked body decoded: the body and how many bytes of `raw` it took; `None` until all
/// of it is there (or when it is malformed).
fn dechunk(raw: &[u8]) -> Option<(Vec<u8>, usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    loop {
        let line_end = find(&raw[at..], b"\r\n")? + at;
        let size_text = std::str::from_utf8(&raw[at..line_end]).ok()?;
        let size_hex = size_text.split(';').next()?.trim();
        let size = usize::from_str_radix(size_hex, 16).ok()?;
        at = line_end + 2;
        if size == 0 {
            // Trailers, if any, end with an empty line.
            let trailer_end = find(&raw[at..], b"\r\n")? + at;
            if trailer_end == at {
                return Some((out, at + 2));
            }
            let end = find(&raw[at..], b"\r\n\r\n")? + at;
            return Some((out, end + 4));
        }
        if raw.len() < at + size + 2 || &raw[at + size..at + size + 2] != b"\r\n" {
            return None;
        }
        out.extend_from_slice(&raw[at..at + size]);
        at += size + 2;
    }
}

/// Let the grader look at the engine before this request changes it. A grader that is gone
/// or slow costs the evidence of that moment, never the request.
async fn checkpoint(shared: &Shared) {
    let (tx, rx) = tokio::sync::oneshot::channel();
    if shared.checkpoints.send(tx).is_ok() {
        let _ = tokio::time::timeout(CHECKPOINT_TIMEOUT, rx).await;
    }
}

/// Record the refusal and answer 403 with the reason, which the docker CLI prints.
/// A refusal about what the submission did not create is recorded without the request's
/// reference, which would name it.
async fn refuse(shared: &Shared, head: &Head, client: &mut UnixStream, ruling: Ruling) {
    let (reason, path) = match ruling {
        Ruling::Others(r) => (r, redacted(&head.target)),
        Ruling::Deny(r) => (r, head.target.clone()),
        Ruling::Allow => return,
    };
    let message = format!("docklings: {reason}");
    if let Ok(mut d) = shared.denials.lock() {
        d.push(Denial {
            method: head.method.clone(),
            path,
            reason,
        });
    }
    let _ = respond(client, 403, "Forbidden", &message).await;
}

/// A plain request: the rewritten head and exactly its body — as framed by its
/// `Content-Length` or chunks, streamed (a build's context can be large) — then the answer.
/// Nothing the client sends after its body reaches the engine: a second request on the
/// same connection would not have been ruled on, and the guard does not rely on the
/// engine to ignore it.
async fn forward(head: &Head, client: UnixStream, mut upstream: UnixStream, rest: &[u8]) {
    if upstream.write_all(&head.render()).await.is_err() {
        return;
    }
    let (client_read, mut client_write) = client.into_split();
    let (mut up_read, mut up_write) = upstream.into_split();
    let body = async {
        let mut from = Prefixed {
            buf: rest.to_vec(),
            at: 0,
            inner: client_read,
        };
        let sent = if head.chunked {
            copy_chunked(&mut from, &mut up_write).await
        } else {
            copy_exact(&mut from, &mut up_write, head.content_length.unwrap_or(0)).await
        };
        if sent.is_err() {
            // A body that stops short or is malformed: the engine must not act on half.
            let _ = up_write.shutdown().await;
        }
        // Read nothing more from the client; the engine's answer still flows back.
        std::future::pending::<()>().await;
    };
    tokio::select! {
        _ = tokio::io::copy(&mut up_read, &mut client_write) => {}
        _ = body => {}
    }
    let _ = client_write.shutdown().await;
}

/// What was read with the head, then the rest of the stream.
struct Prefixed<R> {
    buf: Vec<u8>,
    at: usize,
    inner: R,
}

impl<R: tokio::io::AsyncRead + Unpin> Prefixed<R> {
    async fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.at < self.buf.len() {
            let n = out.len().min(self.buf.len() - self.at);
            out[..n].copy_from_slice(&self.buf[self.at..self.at + n]);
            self.at += n;
            return Ok(n);
        }
        self.inner.read(out).await
    }

    async fn read_exact(&mut self, out: &mut [u8]) -> std::io::Result<()> {
        let mut got = 0;
        while got < out.len() {
            let n = self.read(&mut out[got..]).await?;
            if n == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            got += n;
        }
        Ok(())
    }

    /// One line ending in CRLF, CRLF included; bounded.
    async fn line(&mut self) -> std::io::Result<Vec<u8>> {
        let mut line = Vec::new();
        let mut b = [0u8; 1];
        while !line.ends_with(b"\r\n") {
            if line.len() > 4096 {
                return Err(std::io::ErrorKind::InvalidData.into());
            }
            self.read_exact(&mut b).await?;
            line.push(b[0]);
        }
        Ok(line)
    }
}

/// Copy exactly `n` bytes.
async fn copy_exact<R, W>(from: &mut Prefixed<R>, to: &mut W, mut n: usize) -> std::io::Result<()>
where
    R: tokio::io::AsyncRead + Unpin,
    W: tokio::io::AsyncWrite + Unpin,
{
    let mut chunk = [0u8; 16 * 1024];
    while n > 0 {
        let want = n.min(chunk.len());
        let got = from.read(&mut chunk[..want]).await?;
        if got == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        to.write_all(&chunk[..got]).await?;
        n -= got;
    }
    Ok(())
}

/// Copy one chunked body, framing and all, up to and including its last chunk and
/// trailers.
async fn copy_chunked<R, W>(from: &mut Prefixed<R>, to: &mut W) -> std::io::Result<()>
where
    R: tokio::io::AsyncRead + Unpin,
    W: tokio::io::AsyncWrite + Unpin,
{
    loop {
        let line = from.line().await?;
        let text = std::str::from_utf8(&line).map_err(|_| std::io::ErrorKind::InvalidData)?;
        let size =
            usize::from_str_radix(text.trim_end().split(';').next().unwrap_or("").trim(), 16)
                .map_err(|_| std::io::ErrorKind::InvalidData)?;
        to.write_all(&line).await?;
        if size == 0 {
            // Trailers, then an empty line.
            loop {
                let t = from.line().await?;
                to.write_all(&t).await?;
                if t == b"\r\n" {
                    return Ok(());
                }
            }
        }
        copy_exact(from, to, size + 2).await?;
    }
}

/// An upgraded request's body (exec start's options) must reach the engine before it
/// answers; the bytes after it are the stream, which flows only once the engine switches.
async fn forward_upgrade(
    head: &Head,
    mut client: UnixStream,
    mut upstream: UnixStream,
    mut rest: Vec<u8>,
) {
    let body = match read_body(&mut client, head, &mut rest).await {
        Ok(b) => b,
        Err(e) => {
            let _ = respond(&mut client, 400, "Bad Request", &format!("docklings: {e}")).await;
            return;
        }
    };
    let mut head = head.clone();
    head.set_body(&body, &mut rest);
    let stream = rest.split_off(body.len());
    if upstream.write_all(&head.render()).await.is_ok() && upstream.write_all(&body).await.is_ok() {
        relay_upgrade(client, upstream, stream).await;
    }
}

/// An upgraded request (attach, exec start) becomes a raw stream once the engine answers
/// 101. Any other answer leaves the engine's connection open for another request — one the
/// guard would not see — so the answer goes back and nothing more from the client goes on.
async fn relay_upgrade(mut client: UnixStream, mut upstream: UnixStream, early: Vec<u8>) {
    let mut buf = Vec::with_capacity(1024);
    let switched = match read_head(&mut upstream, &mut buf).await {
        Ok(Some(end)) => std::str::from_utf8(&buf[..end])
            .ok()
            .and_then(|h| h.split(' ').nth(1))
            .is_some_and(|code| code == "101"),
        _ => false,
    };
    if client.write_all(&buf).await.is_err() {
        return;
    }
    if switched {
        if upstream.write_all(&early).await.is_err() {
            return;
        }
        let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
        return;
    }
    let (mut from_engine, _) = upstream.split();
    let (mut from_client, mut to_client) = client.split();
    let mut sink = tokio::io::sink();
    tokio::select! {
        _ = tokio::io::copy(&mut from_engine, &mut to_client) => {}
        _ = tokio::io::copy(&mut from_client, &mut sink) => {}
    }
}

/// `/v1.41/containers/bystander/json?x` → `/v1.41/containers/…`: the kind of thing stays,
/// what names it goes.
fn redacted(target: &str) -> String {
    let path = target.split('?').next().unwrap_or("");
    let mut out = String::new();
    for seg in path.trim_start_matches('/').split('/') {
        out.push('/');
        out.push_str(seg);
        let version =
            seg.starts_with('v') && seg[1..].chars().all(|c| c.is_ascii_digit() || c == '.');
        if !version && !seg.is_empty() {
            out.push_str("/…");
            break;
        }
    }
    out
}

/// Read until the end of a head (`\r\n\r\n`); the index just past it, or `None` if the peer
/// closed first or the head is too big.
async fn read_head(s: &mut UnixStream, buf: &mut Vec<u8>) -> std::io::Result<Option<usize>> {
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(i) = find(buf, b"\r\n\r\n") {
            return Ok(Some(i + 4));
        }
        if buf.len() > HEAD_CAP {
            return Ok(None);
        }
        let n = s.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The body of a small request, which the guard must read to rule on it.
async fn read_body(
    client: &mut UnixStream,
    head: &Head,
    rest: &mut Vec<u8>,
) -> std::result::Result<Vec<u8>, String> {
    if head.chunked {
        return read_chunked(client, rest).await;
    }
    let want = head.content_length.unwrap_or(0);
    if want > BODY_CAP {
        return Err("the request body is too large to check".into());
    }
    let mut chunk = [0u8; 4096];
    let read = async {
        while rest.len() < want {
            match client.read(&mut chunk).await {
                Ok(0) | Err(_) => return false,
                Ok(n) => rest.extend_from_slice(&chunk[..n]),
            }
        }
        true
    };
    match tokio::time::timeout(HEAD_TIMEOUT, read).await {
        Ok(true) => Ok(rest[..want].to_vec()),
        _ => Err("the request body did not arrive".into()),
    }
}

/// A chunked body, decoded; what follows it stays in `rest`.
async fn read_chunked(
    client: &mut UnixStream,
    rest: &mut Vec<u8>,
) -> std::result::Result<Vec<u8>, String> {
    let mut chunk = [0u8; 4096];
    let read = async {
        loop {
            if let Some((body, used)) = dechunk(rest) {
                rest.drain(..used);
                return Some(body);
            }
            if rest.len() > BODY_CAP {
                return None;
            }
            match client.read(&mut chunk).await {
                Ok(0) | Err(_) => return None,
                Ok(n) => rest.extend_from_slice(&chunk[..n]),
            }
        }
    };
    match tokio::time::timeout(HEAD_TIMEOUT, read).await {
        Ok(Some(body)) => Ok(body),
        _ => Err("the request body did not arrive whole, or is too large to check".into()),
    }
}

async fn respond(
    client: &mut UnixStream,
    code: u16,
    text: &str,
    message: &str,
) -> std::io::Result<()> {
    let body = serde_json::json!({ "message": message }).to_string();
    let msg = format!(
        "HTTP/1.1 {code} {text}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    client.write_all(msg.as_bytes()).await?;
    client.shutdown().await
}

/// A parsed request head. Forwarded as rendered from these parts, so the engine reads
/// exactly the request the guard ruled on.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Head {
    method: String,
    target: String,
    version: String,
    headers: Vec<(String, String)>,
    upgrade: bool,
    content_length: Option<usize>,
    chunked: bool,
}

impl Head {
    fn parse(raw: &[u8]) -> std::result::Result<Head, String> {
        let text = std::str::from_utf8(raw).map_err(|_| "the request head is not UTF-8")?;
        let text = text
            .strip_suffix("\r\n\r\n")
            .ok_or("the request head is incomplete")?;
        // A lone CR or LF could end a line for the engine but not for us.
        if text.replace("\r\n", "").contains(['\r', '\n']) {
            return Err("the request head has bare line breaks".into());
        }
        let mut lines = text.split("\r\n");
        let line = lines.next().unwrap_or("");
        let parts: Vec<&str> = line.split(' ').collect();
        let [method, target, version] = parts[..] else {
            return Err(format!("malformed request line `{line}`"));
        };
        if !version.starts_with("HTTP/1.") || method.is_empty() || target.is_empty() {
            return Err(format!("malformed request line `{line}`"));
        }
        let mut headers = Vec::new();
        for l in lines {
            let (name, value) = l.split_once(':').ok_or("malformed header")?;
            if name.is_empty() || name.contains([' ', '\t']) {
                return Err("malformed header".into());
            }
            headers.push((name.to_owned(), value.trim().to_owned()));
        }
        let (content_length, chunked) = body_framing(&headers)?;
        Ok(Head {
            method: method.to_owned(),
            target: target.to_owned(),
            version: version.to_owned(),
            upgrade: is_upgrade(&headers),
            content_length,
            chunked,
            headers,
        })
    }

    /// The body has been read and ruled on: forward `body` with its own length in place of
    /// the framing the client chose, followed by whatever came after it.
    fn set_body(&mut self, body: &[u8], rest: &mut Vec<u8>) {
        if !self.chunked {
            let used = self.content_length.unwrap_or(0).min(rest.len());
            rest.drain(..used);
        }
        self.headers.retain(|(k, _)| {
            !k.eq_ignore_ascii_case("Content-Length")
                && !k.eq_ignore_ascii_case("Transfer-Encoding")
        });
        self.headers
            .push(("Content-Length".into(), body.len().to_string()));
        self.chunked = false;
        self.content_length = Some(body.len());
        let after = std::mem::take(rest);
        rest.extend_from_slice(body);
        rest.extend_from_slice(&after);
    }

    /// The head to forward: as received, but a plain request closes its connection after
    /// the answer, so the client's next request comes on a new connection, through us.
    fn render(&self) -> Vec<u8> {
        let mut s = format!("{} {} {}\r\n", self.method, self.target, self.version);
        for (k, v) in &self.headers {
            let hop = ["Connection", "Keep-Alive", "Proxy-Connection"]
                .iter()
                .any(|h| k.eq_ignore_ascii_case(h));
            if hop && !self.upgrade {
                continue;
            }
            let _ = write!(s, "{k}: {v}\r\n");
        }
        if !self.upgrade {
            s.push_str("Connection: close\r\n");
        }
        s.push_str("\r\n");
        s.into_bytes()
    }
}

/// The values of every header called `name`, whatever its case.
fn header<'h>(headers: &'h [(String, String)], name: &'h str) -> impl Iterator<Item = &'h str> {
    headers
        .iter()
        .filter(move |(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn is_upgrade(headers: &[(String, String)]) -> bool {
    header(headers, "Upgrade").any(|v| !v.is_empty())
        || header(headers, "Connection").any(|v| {
            v.split(',')
                .any(|t| t.trim().eq_ignore_ascii_case("upgrade"))
        })
}

/// `(Content-Length, chunked)`. Heads the engine could frame differently from us (two
/// lengths, or a length and a transfer encoding) are refused.
fn body_framing(
    headers: &[(String, String)],
) -> std::result::Result<(Option<usize>, bool), String> {
    let lengths: HashSet<&str> = header(headers, "Content-Length").collect();
    if lengths.len() > 1 {
        return Err("conflicting Content-Length headers".into());
    }
    let content_length = match lengths.iter().next() {
        Some(v) => Some(v.parse().map_err(|_| "malformed Content-Length")?),
        None => None,
    };
    let chunked = header(headers, "Transfer-Encoding").any(|v| !v.is_empty());
    if chunked && content_length.is_some() {
        return Err("both Content-Length and Transfer-Encoding".into());
    }
    Ok((content_length, chunked))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_are_parsed_and_closed() {
        let raw = b"DELETE /v1.41/containers/web?force=1 HTTP/1.1\r\nHost: api.moby.localhost\r\nConnection: keep-alive\r\nUser-Agent: Docker-Client/28\r\n\r\n";
        let h = Head::parse(raw).expect("parses");
        assert_eq!(h.method, "DELETE");
        assert_eq!(h.target, "/v1.41/containers/web?force=1");
        assert!(!h.upgrade);
        let out = String::from_utf8(h.render()).expect("utf-8");
        assert_eq!(
            out,
            "DELETE /v1.41/containers/web?force=1 HTTP/1.1\r\nHost: api.moby.localhost\r\nUser-Agent: Docker-Client/28\r\nConnection: close\r\n\r\n"
        );
    }

    #[test]
    fn upgrades_stay_as_they_are() {
        let raw = b"POST /v1.41/containers/web/attach?stream=1 HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n";
        let h = Head::parse(raw).expect("parses");
        assert!(h.upgrade);
        assert_eq!(h.render(), raw.to_vec());
    }

    #[test]
    fn chunked_bodies_are_read_whole_or_not_at_all() {
        let raw = b"4\r\n{\"a\"\r\n3;ext=1\r\n:1}\r\n0\r\n\r\nNEXT";
        let (body, used) = dechunk(raw).expect("whole");
        assert_eq!(body, b"{\"a\":1}");
        assert_eq!(&raw[used..], b"NEXT");
        assert!(dechunk(b"4\r\n{\"a\"\r\n").is_none(), "not all there yet");
        assert!(dechunk(b"zz\r\n").is_none());
        assert!(dechunk(b"2\r\nabc\r\n0\r\n\r\n").is_none(), "size lies");
    }

    #[test]
    fn a_body_read_for_ruling_is_forwarded_with_its_own_length() {
        let raw = b"POST /containers/create HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
        let mut h = Head::parse(raw).expect("parses");
        let mut rest = b"after".to_vec();
        h.set_body(b"{}", &mut rest);
        assert_eq!(rest, b"{}after");
        let out = String::from_utf8(h.render()).expect("utf-8");
        assert!(out.contains("Content-Length: 2\r\n"), "{out}");
        assert!(!out.contains("chunked"), "{out}");
    }

    #[test]
    fn refusals_about_others_do_not_name_them() {
        assert_eq!(
            redacted("/v1.41/containers/dkt-victim/json?x=1"),
            "/v1.41/containers/…"
        );
        assert_eq!(redacted("/images/diamol/base/json"), "/images/…");
    }

    #[test]
    fn ambiguous_heads_are_refused() {
        assert!(Head::parse(b"GET / HTTP/1.1\nHost: x\r\n\r\n").is_err());
        assert!(Head::parse(b"GET /  HTTP/1.1\r\n\r\n").is_err());
        assert!(
            Head::parse(b"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")
                .is_err()
        );
        assert!(
            Head::parse(
                b"POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"
            )
            .is_err()
        );
        assert!(Head::parse(b"GET / HTTP/1.1\r\n Folded: x\r\n\r\n").is_err());
    }
}
