//! `docklings grade LAB --submission PATH`: run a student's script of docker commands
//! through a guard, grade what it left on the engine, and put the engine back.
//!
//! 1. Refuse (exit 2) when the engine already holds what the lab looks at — the same rule
//!    as `selftest`: grading would count someone else's containers as the student's.
//! 2. Record a baseline: every container, network, image (with its tags) and volume.
//! 3. Start the guard: a unix socket in a private temp dir that forwards to the engine's
//!    socket. The script runs with `DOCKER_HOST` pointing at it. Every request is read,
//!    judged, rewritten to `Connection: close` (so the docker CLI opens a connection per
//!    request and none slips by unseen) and forwarded. A request that would change or remove
//!    anything in the baseline is answered with 403 and recorded.
//! 4. Run the script with `sh` (or `bash` if its shebang asks), in a copy of its folder,
//!    with no stdin and no terminal, in a session of its own, for at most `--timeout`.
//! 5. Grade the labs as `grade` does, from the moment the script started; a submission
//!    with a refused request is `rejected` and does not pass.
//! 6. Remove whatever is not in the baseline, restore tags the script moved, remove the
//!    temp dir — on success, failure, timeout and Ctrl-C alike.
//!
//! The guard keeps honest mistakes (`docker rm -f $(docker ps -aq)`, `docker system
//! prune`) away from other work on the engine. It is not a sandbox: a script that ignores
//! `DOCKER_HOST` talks to the engine directly.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{UnixListener, UnixStream};

use crate::app::{App, Failure, Result, out};
use crate::engine::guard::Inventory;
use crate::engine::{Engine, EngineError};
use crate::lab::{Lab, Lang};
use crate::report::Format;
use crate::report::{GradeReport, LabReport};
use crate::style::Style;

/// A request head larger than this is not the docker CLI's.
const HEAD_CAP: usize = 64 * 1024;
/// A client that sends half a head and stalls must not hold the guard.
const HEAD_TIMEOUT: Duration = Duration::from_secs(30);
/// `network connect` bodies are a few hundred bytes; anything near this is not one.
const BODY_CAP: usize = 1024 * 1024;
/// Between SIGTERM and SIGKILL: long enough for `docker` to close its connections.
const TERM_GRACE: Duration = Duration::from_secs(2);
/// Output kept from the script: its tail is what explains a failure.
const OUTPUT_CAP: usize = 64 * 1024;
const TAIL_LINES: usize = 20;
const LINE_CAP: usize = 400;
/// The script's folder is copied; a folder this big is a home directory, not a submission.
const COPY_MAX_BYTES: u64 = 64 * 1024 * 1024;
const COPY_MAX_ENTRIES: usize = 5_000;

/// One request the guard refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Denial {
    pub method: String,
    /// As the client sent it, query included.
    pub path: String,
    pub reason: String,
}

/// What cleanup removed or put back.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Cleaned {
    pub containers: usize,
    pub networks: usize,
    pub images: usize,
    pub volumes: usize,
    /// Tags of older images that the script had moved, pointed back.
    pub tags_restored: usize,
    /// Tags the script added to older images, removed.
    pub tags_removed: usize,
    /// What could not be undone, in words.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

/// The `submission` section of a report.
#[derive(Clone, Debug, Serialize)]
pub struct SubmissionReport {
    pub path: String,
    pub interpreter: String,
    pub exit_code: Option<i32>,
    /// The signal that ended the script, if one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signal: Option<i32>,
    pub timed_out: bool,
    /// `exit code 3`, `timed out after 3s`: what a person reads.
    pub status: String,
    pub duration_ms: u64,
    /// The last lines of stdout and stderr together.
    pub output_tail: Vec<String>,
    pub output_bytes: u64,
    pub denied: Vec<Denial>,
    pub rejected: bool,
    pub cleaned_up: Cleaned,
}

/// Entry point from `grade`: the chosen labs with their answers, the script, the limit.
pub async fn grade(
    app: &App,
    plans: Vec<(&Lab, BTreeMap<String, String>)>,
    script: &Path,
    timeout_secs: u64,
    format: Format,
    output: Option<PathBuf>,
    min_score: Option<u32>,
) -> Result<()> {
    let meta = std::fs::metadata(script).map_err(|e| {
        Failure::BadInput(format!(
            "cannot read submission `{}`: {e}",
            script.display()
        ))
    })?;
    if !meta.is_file() {
        return Err(Failure::BadInput(format!(
            "submission `{}` is not a file: give the script itself",
            script.display()
        )));
    }
    let target = crate::engine::target();
    let Some(upstream) = target.strip_prefix("unix://").map(PathBuf::from) else {
        return Err(Failure::BadInput(format!(
            "grading a submission needs the engine on a unix socket (the guard sits between \
             the script and that socket), but DOCKER_HOST is `{target}`"
        )));
    };
    let engine = Engine::connect().await?;
    for (lab, _) in &plans {
        preflight(&engine, lab).await?;
    }
    let interpreter = interpreter_for(script);
    let tmp = TempRoot::new()?;
    let work = tmp.0.join("work");
    copy_folder(script, &work)?;
    let script_name = script
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    let baseline = Arc::new(engine.inventory().await?);
    let guard = Guard::start(
        engine.clone(),
        Arc::clone(&baseline),
        upstream,
        &tmp.0.join("docker.sock"),
    )?;
    // Events before this moment are not the script's.
    let since = crate::engine::now_nano();
    let limit = Duration::from_secs(timeout_secs);
    let outcome = {
        let work = async {
            let run = run_script(
                &interpreter,
                Path::new(&script_name),
                &work,
                guard.socket(),
                limit,
            )
            .await?;
            // Nothing may reach the engine through the guard while it is graded.
            guard.shutdown();
            let mut reports = Vec::new();
            for (lab, answers) in plans {
                reports.push(
                    crate::check::check_lab(&engine, lab, app.lang, since, None, answers).await?,
                );
            }
            Ok::<_, Failure>((run, reports))
        };
        tokio::select! {
            r = work => r,
            _ = interrupted() => Err(Failure::BadInput("interrupted; cleaned up".into())),
        }
    };
    guard.shutdown();
    let denied = guard.denials();
    let cleaned = cleanup(&engine, &baseline).await;
    drop(tmp);
    let (run, reports) = match outcome {
        Ok(x) => x,
        Err(e) => {
            // The report is not written, so what cleanup could not undo goes here.
            for p in &cleaned.problems {
                eprintln!("error: cleaning up after the submission: {p}");
            }
            return Err(e);
        }
    };
    let sub = SubmissionReport {
        path: script.display().to_string(),
        interpreter,
        exit_code: run.exit_code,
        signal: run.signal,
        timed_out: run.timed_out,
        status: run.status(Lang::En, timeout_secs),
        duration_ms: run.elapsed.as_millis() as u64,
        output_tail: run.tail,
        output_bytes: run.output_bytes,
        rejected: !denied.is_empty(),
        denied,
        cleaned_up: cleaned,
    };
    // `--min-score` counts as it does for `grade`; a rejected submission never passes.
    let passed = match min_score {
        Some(n) => reports.iter().map(|r| r.score).sum::<u32>() >= n,
        None => reports.iter().all(|r| r.passed),
    } && !sub.rejected;
    emit(app, &reports, &sub, format, output, timeout_secs)?;
    if !sub.cleaned_up.problems.is_empty() {
        return Err(Failure::Engine(EngineError::Api {
            what: "clean up after the submission".into(),
            detail: sub.cleaned_up.problems.join("; "),
        }));
    }
    if passed {
        Ok(())
    } else {
        Err(Failure::ChecksFailed)
    }
}

/// Ctrl-C, or SIGTERM from a CI runner cancelling the job.
async fn interrupted() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    let on_term = async {
        match term.as_mut() {
            Some(t) => {
                t.recv().await;
            }
            None => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = on_term => {}
    }
}

/// The same rule as `selftest`: nothing of the lab's may be on the engine, nor its ports
/// taken. (Its images need not be there: a submission may pull or build them.)
async fn preflight(engine: &Engine, lab: &Lab) -> Result<()> {
    let fp = lab.footprint();
    let snap = engine.snapshot(&fp, None).await?;
    let busy = crate::selftest::occupied(&fp, &snap);
    if busy.is_empty() {
        return Ok(());
    }
    Err(Failure::BadInput(format!(
        "grading a submission for `{}` needs a clean engine, but it already holds:\n  - {}\n\
         Remove them yourself (docklings never touches what it did not create), then try again.",
        lab.id,
        busy.join("\n  - ")
    )))
}

// ---------------------------------------------------------------------------------------
// The guard proxy.

/// What the guard needs to judge a request; shared by its connections.
struct Policy {
    engine: Engine,
    baseline: Arc<Inventory>,
    upstream: PathBuf,
    denials: Mutex<Vec<Denial>>,
}

struct Guard {
    socket: PathBuf,
    policy: Arc<Policy>,
    task: tokio::task::JoinHandle<()>,
}

impl Guard {
    fn start(
        engine: Engine,
        baseline: Arc<Inventory>,
        upstream: PathBuf,
        socket: &Path,
    ) -> Result<Guard> {
        let listener = UnixListener::bind(socket).map_err(|e| {
            Failure::BadInput(format!(
                "cannot open the guard's socket `{}`: {e}",
                socket.display()
            ))
        })?;
        let policy = Arc::new(Policy {
            engine,
            baseline,
            upstream,
            denials: Mutex::new(Vec::new()),
        });
        let p = Arc::clone(&policy);
        let task = tokio::spawn(async move {
            // Connections live in the set, so aborting this task ends them all.
            let mut conns = tokio::task::JoinSet::new();
            loop {
                tokio::select! {
                    accepted = listener.accept() => match accepted {
                        Ok((stream, _)) => {
                            conns.spawn(serve(stream, Arc::clone(&p)));
                        }
                        Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
                    },
                    Some(_) = conns.join_next(), if !conns.is_empty() => {}
                }
            }
        });
        Ok(Guard {
            socket: socket.to_owned(),
            policy,
            task,
        })
    }

    fn socket(&self) -> &Path {
        &self.socket
    }

    fn shutdown(&self) {
        self.task.abort();
    }

    fn denials(&self) -> Vec<Denial> {
        self.policy
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
async fn serve(mut client: UnixStream, policy: Arc<Policy>) {
    let mut buf = Vec::with_capacity(4096);
    let end = match tokio::time::timeout(HEAD_TIMEOUT, read_head(&mut client, &mut buf)).await {
        Ok(Ok(Some(end))) => end,
        Ok(Ok(None)) | Ok(Err(_)) | Err(_) => return,
    };
    let head = match Head::parse(&buf[..end]) {
        Ok(h) => h,
        Err(e) => {
            let _ = respond(&mut client, 400, "Bad Request", &format!("docklings: {e}")).await;
            return;
        }
    };
    let mut rest = buf[end..].to_vec();
    let verdict = match classify(&head.method, &head.target) {
        Verdict::Ask(subject @ Subject::Attach { .. }) => {
            match read_body(&mut client, &head, &mut rest).await {
                Ok(body) => judge(&policy, subject, Some(&body)).await,
                Err(e) => Verdict::Deny(e),
            }
        }
        Verdict::Ask(subject) => judge(&policy, subject, None).await,
        v => v,
    };
    if let Verdict::Deny(reason) = verdict {
        if let Ok(mut d) = policy.denials.lock() {
            d.push(Denial {
                method: head.method.clone(),
                path: head.target.clone(),
                reason: reason.clone(),
            });
        }
        let _ = respond(
            &mut client,
            403,
            "Forbidden",
            &format!("docklings: {reason}"),
        )
        .await;
        return;
    }
    let Ok(mut upstream) = UnixStream::connect(&policy.upstream).await else {
        let _ = respond(
            &mut client,
            502,
            "Bad Gateway",
            "docklings: the guard cannot reach the Docker engine",
        )
        .await;
        return;
    };
    if !head.upgrade {
        if upstream.write_all(&head.render()).await.is_ok()
            && upstream.write_all(&rest).await.is_ok()
        {
            let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
        }
        return;
    }
    // An upgraded request's body (exec start's options) must reach the engine before it
    // answers; the bytes after it are the stream, which flows only once the engine switches.
    let body = match read_body(&mut client, &head, &mut rest).await {
        Ok(b) => b,
        Err(e) => {
            let _ = respond(&mut client, 400, "Bad Request", &format!("docklings: {e}")).await;
            return;
        }
    };
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

/// The body of a small request, which the guard must read to judge it.
async fn read_body(
    client: &mut UnixStream,
    head: &Head,
    rest: &mut Vec<u8>,
) -> std::result::Result<Vec<u8>, String> {
    if head.chunked {
        return Err("the guard needs a Content-Length on this request, not a chunked body".into());
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
/// exactly the request the guard judged.
#[derive(Debug, PartialEq, Eq)]
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
        fn get<'h>(
            headers: &'h [(String, String)],
            n: &'h str,
        ) -> impl Iterator<Item = &'h str> + 'h {
            headers
                .iter()
                .filter(move |(k, _)| k.eq_ignore_ascii_case(n))
                .map(|(_, v)| v.as_str())
        }
        let get = |n: &'static str| get(&headers, n);
        let upgrade = get("Upgrade").any(|v| !v.is_empty())
            || get("Connection").any(|v| {
                v.split(',')
                    .any(|t| t.trim().eq_ignore_ascii_case("upgrade"))
            });
        let lengths: HashSet<&str> = get("Content-Length").collect();
        if lengths.len() > 1 {
            return Err("conflicting Content-Length headers".into());
        }
        let content_length = match lengths.iter().next() {
            Some(v) => Some(v.parse().map_err(|_| "malformed Content-Length")?),
            None => None,
        };
        let chunked = get("Transfer-Encoding").any(|v| !v.is_empty());
        if chunked && content_length.is_some() {
            return Err("both Content-Length and Transfer-Encoding".into());
        }
        Ok(Head {
            method: method.to_owned(),
            target: target.to_owned(),
            version: version.to_owned(),
            upgrade,
            content_length,
            chunked,
            headers,
        })
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

/// What the guard decides without asking the engine.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    Allow,
    Deny(String),
    /// Allowed unless the thing it names is in the baseline.
    Ask(Subject),
}

/// The thing a request would change, as the request names it.
#[derive(Debug, PartialEq, Eq)]
enum Subject {
    Container {
        reference: String,
        action: String,
    },
    Network(String),
    Image(String),
    Exec(String),
    Volume(String),
    /// `network connect`/`disconnect`: the container is in the body.
    Attach {
        network: String,
        action: String,
    },
}

const PRUNE: &str = "prune removes whatever is unused on the engine, including what the \
                     submission did not create; remove your own things by name or ID instead";

/// Judge a request by its method and target (`/v1.41/containers/web/kill?signal=KILL`).
fn classify(method: &str, target: &str) -> Verdict {
    let (path, query) = match split_target(target) {
        Ok(x) => x,
        Err(e) => return Verdict::Deny(e),
    };
    let method = method.to_ascii_uppercase();
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let ask = |s: Subject| Verdict::Ask(s);
    let container = |r: &str, a: &str| {
        ask(Subject::Container {
            reference: r.to_owned(),
            action: a.to_owned(),
        })
    };
    if matches!(method.as_str(), "GET" | "HEAD") {
        // The websocket attach is a GET, but it writes to the container's stdin.
        return match segs[..] {
            ["containers", c, "attach", "ws"] => container(c, "attach to"),
            _ => Verdict::Allow,
        };
    }
    if segs.last() == Some(&"prune") {
        return Verdict::Deny(PRUNE.into());
    }
    match (method.as_str(), &segs[..]) {
        (_, ["_ping"]) => Verdict::Allow,
        ("POST", ["containers", "create"]) => Verdict::Allow,
        ("DELETE", ["containers", c]) => container(c, "remove"),
        (_, ["containers", c, rest @ ..]) if !rest.is_empty() => {
            container(c, &format!("`{}`", rest.join("/")))
        }
        ("POST", ["networks", "create"]) => Verdict::Allow,
        ("DELETE", ["networks", n]) => ask(Subject::Network((*n).to_owned())),
        ("POST", ["networks", n, a @ ("connect" | "disconnect")]) => ask(Subject::Attach {
            network: (*n).to_owned(),
            action: (*a).to_owned(),
        }),
        ("POST", ["images", "create" | "load"]) => Verdict::Allow,
        ("DELETE", ["images", rest @ ..]) if !rest.is_empty() => {
            ask(Subject::Image(rest.join("/")))
        }
        // A moved tag is put back by the cleanup, so tagging needs no verdict.
        ("POST", ["images", rest @ .., "tag" | "push"]) if !rest.is_empty() => Verdict::Allow,
        ("POST", ["build"] | ["build", "cancel"]) => Verdict::Allow,
        ("POST", ["commit"]) => match query_param(&query, "container") {
            Some(c) => container(&c, "commit"),
            None => Verdict::Allow,
        },
        ("POST", ["exec", id, "start" | "resize"]) => ask(Subject::Exec((*id).to_owned())),
        ("POST", ["volumes", "create"]) => Verdict::Allow,
        ("DELETE", ["volumes", v]) => ask(Subject::Volume((*v).to_owned())),
        ("POST", ["auth"]) | (_, ["session" | "grpc"]) => Verdict::Allow,
        _ => Verdict::Deny(format!(
            "a submission may not send `{method} {path}`: it may create containers, networks, \
             images and volumes, and change only those it created"
        )),
    }
}

/// `/v1.41/containers/a%20b/json?x=1` → (`/containers/a b/json`, `x=1`). Refuses paths the
/// engine's router might read differently from us (`..`, `//`, `%00`).
fn split_target(target: &str) -> std::result::Result<(String, String), String> {
    let (raw_path, query) = target.split_once('?').unwrap_or((target, ""));
    if !raw_path.starts_with('/') {
        return Err(format!("unusual request target `{target}`"));
    }
    let bytes = percent_decode(raw_path.as_bytes(), false);
    let path = String::from_utf8(bytes).map_err(|_| format!("unusual path `{raw_path}`"))?;
    if path.contains('\0') || path.contains("//") || path.split('/').any(|s| s == "." || s == "..")
    {
        return Err(format!("unusual path `{raw_path}`"));
    }
    let path = strip_version(&path).to_owned();
    Ok((path, query.to_owned()))
}

/// `/v1.41/x` → `/x`: the engine accepts any version prefix.
fn strip_version(path: &str) -> &str {
    if let Some(rest) = path.strip_prefix("/v") {
        let end = rest.find('/').unwrap_or(rest.len());
        let v = &rest[..end];
        if !v.is_empty() && v.chars().all(|c| c.is_ascii_digit() || c == '.') {
            return if end == rest.len() { "/" } else { &rest[end..] };
        }
    }
    path
}

fn percent_decode(s: &[u8], plus_is_space: bool) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'%' if i + 2 < s.len() => match (hex(s[i + 1]), hex(s[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' if plus_is_space => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    out
}

/// The first value of a query parameter, decoded as the engine decodes it.
fn query_param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        let k = String::from_utf8(percent_decode(k.as_bytes(), true)).ok()?;
        (k == name).then(|| String::from_utf8_lossy(&percent_decode(v.as_bytes(), true)).into())
    })
}

/// `nginx` → `nginx:latest`, `docker.io/library/nginx:1` → `nginx:1`: how the engine lists
/// tags. `None` for a digest reference, which is not a tag.
fn familiar_tag(reference: &str) -> Option<String> {
    if reference.contains('@') {
        return None;
    }
    let mut r = reference;
    for p in ["docker.io/", "index.docker.io/"] {
        r = r.strip_prefix(p).unwrap_or(r);
    }
    r = r.strip_prefix("library/").unwrap_or(r);
    let last = r.rsplit('/').next().unwrap_or(r);
    Some(if last.contains(':') {
        r.to_owned()
    } else {
        format!("{r}:latest")
    })
}

fn short(id: &str) -> &str {
    let id = id.strip_prefix("sha256:").unwrap_or(id);
    id.get(..12).unwrap_or(id)
}

const BEFORE: &str = "was on the engine before the submission ran";

/// Ask the engine what a request names and decide.
async fn judge(policy: &Policy, subject: Subject, body: Option<&[u8]>) -> Verdict {
    let base = &policy.baseline;
    let e = &policy.engine;
    let unsure = |what: &str, err: EngineError| {
        Verdict::Deny(format!("the guard could not check {what}: {err}"))
    };
    match subject {
        Subject::Container { reference, action } => match e.container_id(&reference).await {
            Ok(Some(id)) if base.containers.contains(&id) => Verdict::Deny(format!(
                "container `{reference}` ({}) {BEFORE}; a submission may change only \
                 containers it created (it asked to {action} it)",
                short(&id)
            )),
            Ok(_) => Verdict::Allow,
            Err(err) => unsure(&format!("container `{reference}`"), err),
        },
        Subject::Network(reference) => match e.network_id(&reference).await {
            Ok(Some(id)) if base.networks.contains(&id) => Verdict::Deny(format!(
                "network `{reference}` ({}) {BEFORE}; a submission may remove only networks \
                 it created",
                short(&id)
            )),
            Ok(_) => Verdict::Allow,
            Err(err) => unsure(&format!("network `{reference}`"), err),
        },
        Subject::Image(reference) => match e.image_ref(&reference).await {
            Ok(Some(img)) => {
                let Some(base_tags) = base.images.get(&img.id) else {
                    return Verdict::Allow;
                };
                // Removing a tag the submission added, from an image that keeps another
                // tag, only untags: the older image stays.
                let hex = reference.strip_prefix("sha256:").unwrap_or(&reference);
                let by_id = !hex.is_empty()
                    && hex.chars().all(|c| c.is_ascii_hexdigit())
                    && img
                        .id
                        .strip_prefix("sha256:")
                        .unwrap_or(&img.id)
                        .starts_with(hex);
                let own_tag = familiar_tag(&reference)
                    .is_some_and(|t| !base_tags.contains(&t) && img.tags.contains(&t));
                if !by_id && own_tag && img.tags.len() > 1 {
                    Verdict::Allow
                } else {
                    Verdict::Deny(format!(
                        "image `{reference}` ({}) {BEFORE}; a submission may remove only \
                         images and tags it created",
                        short(&img.id)
                    ))
                }
            }
            Ok(None) => Verdict::Allow,
            Err(err) => unsure(&format!("image `{reference}`"), err),
        },
        Subject::Exec(id) => match e.exec_container(&id).await {
            Ok(Some(c)) if base.containers.contains(&c) => Verdict::Deny(format!(
                "exec `{}` runs in container {}, which {BEFORE}",
                short(&id),
                short(&c)
            )),
            Ok(_) => Verdict::Allow,
            Err(err) => unsure(&format!("exec `{id}`"), err),
        },
        Subject::Volume(name) => {
            if base.volumes.contains(&name) {
                Verdict::Deny(format!(
                    "volume `{name}` {BEFORE}; a submission may remove only volumes it created"
                ))
            } else {
                Verdict::Allow
            }
        }
        Subject::Attach { network, action } => {
            let reference = match attach_container(body.unwrap_or_default()) {
                Ok(r) => r,
                Err(err) => return Verdict::Deny(err),
            };
            match e.container_id(&reference).await {
                Ok(Some(id)) if base.containers.contains(&id) => Verdict::Deny(format!(
                    "container `{reference}` ({}) {BEFORE}; a submission may not {action} it \
                     (network `{network}`)",
                    short(&id)
                )),
                Ok(_) => Verdict::Allow,
                Err(err) => unsure(&format!("container `{reference}`"), err),
            }
        }
    }
}

/// The container a `network connect` body names. The engine matches JSON keys without
/// regard to case, so every spelling counts, and two different answers are refused.
fn attach_container(body: &[u8]) -> std::result::Result<String, String> {
    let v: serde_json::Value = serde_json::from_slice(body)
        .map_err(|_| "the guard could not read the request body".to_owned())?;
    let found: HashSet<&str> = v
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| k.eq_ignore_ascii_case("container"))
        .filter_map(|(_, v)| v.as_str())
        .collect();
    match found.len() {
        1 => Ok(found.into_iter().next().unwrap_or_default().to_owned()),
        0 => Err("the request names no container".into()),
        _ => Err("the request names two containers".into()),
    }
}

// ---------------------------------------------------------------------------------------
// Running the script.

struct ScriptRun {
    exit_code: Option<i32>,
    signal: Option<i32>,
    timed_out: bool,
    elapsed: Duration,
    tail: Vec<String>,
    output_bytes: u64,
}

impl ScriptRun {
    fn status(&self, lang: Lang, limit: u64) -> String {
        match (lang, self.timed_out, self.exit_code, self.signal) {
            (Lang::En, true, ..) => format!("timed out after {limit}s"),
            (Lang::Ko, true, ..) => format!("제한 시간 {limit}초를 넘겨 중단됨"),
            (Lang::En, false, Some(c), _) => format!("exit code {c}"),
            (Lang::Ko, false, Some(c), _) => format!("종료 코드 {c}"),
            (Lang::En, false, None, s) => format!("killed by signal {}", s.unwrap_or(0)),
            (Lang::Ko, false, None, s) => format!("시그널 {}로 종료됨", s.unwrap_or(0)),
        }
    }
}

/// `bash` when the shebang names it and it is installed; `sh` otherwise.
fn interpreter_for(script: &Path) -> String {
    let mut first = String::new();
    if let Ok(f) = std::fs::File::open(script) {
        let _ = f.take(256).read_to_string(&mut first);
    }
    let line = first.lines().next().unwrap_or("");
    if line.starts_with("#!") && line.contains("bash") && which("bash").is_some() {
        "bash".into()
    } else {
        "sh".into()
    }
}

fn which(prog: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(prog))
        .find(|p| p.is_file())
}

/// Output the script wrote, stdout and stderr in the order written; only the tail is kept.
#[derive(Default)]
struct Capture {
    buf: Vec<u8>,
    total: u64,
    done: bool,
}

/// Kills the script's whole process group when dropped: on timeout, on Ctrl-C (when the
/// future that ran it is dropped), and after a normal exit for what it left in the
/// background.
struct Group(u32);

impl Group {
    fn signal(&self, sig: &str) {
        // Never our own group: the script's is a session of its own, numbered by its pid.
        if self.0 <= 1 || self.0 == std::process::id() {
            return;
        }
        let _ = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("kill -s {sig} -- -{} 2>/dev/null", self.0))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.signal("KILL");
    }
}

async fn run_script(
    interpreter: &str,
    script: &Path,
    dir: &Path,
    socket: &Path,
    limit: Duration,
) -> Result<ScriptRun> {
    let (reader, writer) = std::io::pipe()
        .map_err(|e| Failure::BadInput(format!("cannot capture the script's output: {e}")))?;
    let writer2 = writer
        .try_clone()
        .map_err(|e| Failure::BadInput(format!("cannot capture the script's output: {e}")))?;
    // `setsid` puts the script in a new session: a process group of its own, and no
    // controlling terminal to read from or be stopped by.
    let setsid = which("setsid");
    let mut cmd = match &setsid {
        Some(s) => {
            let mut c = tokio::process::Command::new(s);
            c.arg(interpreter);
            c
        }
        None => {
            let mut c = tokio::process::Command::new(interpreter);
            c.process_group(0);
            c
        }
    };
    cmd.arg(script)
        .current_dir(dir)
        .env("DOCKER_HOST", format!("unix://{}", socket.display()))
        .env_remove("DOCKER_CONTEXT")
        .env_remove("DOCKER_TLS_VERIFY")
        .env_remove("DOCKER_CERT_PATH")
        .stdin(std::process::Stdio::null())
        .stdout(writer)
        .stderr(writer2)
        .kill_on_drop(true);
    let started = Instant::now();
    let spawned = cmd.spawn();
    // The command holds the pipe's write ends; the reader sees the end only once they close.
    drop(cmd);
    let mut child = spawned.map_err(|e| {
        Failure::BadInput(format!(
            "cannot run `{interpreter}` for the submission: {e}"
        ))
    })?;
    let group = Group(child.id().unwrap_or(0));
    let capture = Arc::new(Mutex::new(Capture::default()));
    let sink = Arc::clone(&capture);
    // The pipe is blocking; a thread drains it so the script never stalls on a full pipe.
    std::thread::spawn(move || {
        let mut reader = reader;
        let mut chunk = [0u8; 8192];
        loop {
            let n = match reader.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            if let Ok(mut c) = sink.lock() {
                c.total += n as u64;
                c.buf.extend_from_slice(&chunk[..n]);
                if c.buf.len() > OUTPUT_CAP {
                    let cut = c.buf.len() - OUTPUT_CAP;
                    c.buf.drain(..cut);
                }
            }
        }
        if let Ok(mut c) = sink.lock() {
            c.done = true;
        }
    });
    let (status, timed_out) = match tokio::time::timeout(limit, child.wait()).await {
        Ok(s) => (s.ok(), false),
        Err(_) => {
            group.signal("TERM");
            let s = match tokio::time::timeout(TERM_GRACE, child.wait()).await {
                Ok(s) => s.ok(),
                Err(_) => {
                    group.signal("KILL");
                    child.wait().await.ok()
                }
            };
            (s, true)
        }
    };
    let elapsed = started.elapsed();
    // Whatever it left running in the background goes too.
    drop(group);
    // Give the reader a moment to see the end; a process that escaped the group could
    // hold the pipe open forever, and it is not worth waiting for.
    for _ in 0..50 {
        if capture.lock().map(|c| c.done).unwrap_or(true) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (tail, output_bytes) = {
        let c = capture
            .lock()
            .map_err(|_| Failure::BadInput("output lost".into()))?;
        (tail_lines(&c.buf, c.total > c.buf.len() as u64), c.total)
    };
    use std::os::unix::process::ExitStatusExt;
    Ok(ScriptRun {
        exit_code: status.and_then(|s| s.code()),
        signal: status.and_then(|s| s.signal()),
        timed_out,
        elapsed,
        tail,
        output_bytes,
    })
}

/// The last lines of captured output, printable and of bounded length. A cut-off first line
/// is dropped: half a line misleads.
fn tail_lines(buf: &[u8], truncated: bool) -> Vec<String> {
    let text = String::from_utf8_lossy(buf);
    let mut lines: Vec<&str> = text.lines().collect();
    if truncated && !lines.is_empty() {
        lines.remove(0);
    }
    let from = lines.len().saturating_sub(TAIL_LINES);
    lines[from..]
        .iter()
        .map(|l| {
            let clean: String = l
                .chars()
                .filter(|c| !c.is_control() || *c == '\t')
                .take(LINE_CAP)
                .collect();
            clean.trim_end().to_owned()
        })
        .collect()
}

/// A private temp dir (0700: the guard's socket opens the engine to whoever can reach it),
/// removed when dropped.
struct TempRoot(PathBuf);

impl TempRoot {
    fn new() -> Result<TempRoot> {
        use std::os::unix::fs::DirBuilderExt;
        let p = std::env::temp_dir().join(format!(
            "docklings-submission-{}-{}",
            std::process::id(),
            crate::engine::now_nano()
        ));
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(&p)
            .map_err(|e| Failure::BadInput(format!("cannot create `{}`: {e}", p.display())))?;
        Ok(TempRoot(p))
    }
}

impl Drop for TempRoot {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Copy the script's folder, so the script may write beside itself without touching the
/// student's files.
fn copy_folder(script: &Path, to: &Path) -> Result<()> {
    let from = script
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut budget = (COPY_MAX_BYTES, COPY_MAX_ENTRIES);
    copy_tree(from, to, &mut budget).map_err(|e| {
        Failure::BadInput(format!(
            "cannot copy the submission's folder `{}`: {e}",
            from.display()
        ))
    })
}

fn copy_tree(from: &Path, to: &Path, budget: &mut (u64, usize)) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let meta = entry.file_type()?;
        budget.1 = budget.1.checked_sub(1).ok_or_else(too_big)?;
        let dest = to.join(entry.file_name());
        if meta.is_dir() {
            copy_tree(&entry.path(), &dest, budget)?;
        } else if meta.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(entry.path())?, &dest)?;
        } else if meta.is_file() {
            let len = entry.metadata()?.len();
            budget.0 = budget.0.checked_sub(len).ok_or_else(too_big)?;
            std::fs::copy(entry.path(), &dest)?;
        }
    }
    Ok(())
}

fn too_big() -> std::io::Error {
    std::io::Error::other(format!(
        "it holds more than {} files or {} MiB; put the script and its files in a folder of \
         their own",
        COPY_MAX_ENTRIES,
        COPY_MAX_BYTES / 1024 / 1024
    ))
}

// ---------------------------------------------------------------------------------------
// Cleanup.

/// Remove every container, network, image and volume that is not in the baseline, and put
/// back tags the script moved away from older images. Goes on past errors: each is a
/// problem reported, and the rest still gets cleaned.
async fn cleanup(engine: &Engine, base: &Inventory) -> Cleaned {
    let mut c = Cleaned::default();
    let problem = |c: &mut Cleaned, e: EngineError| c.problems.push(e.to_string());
    match engine.summaries().await {
        Ok(list) => {
            for s in list
                .into_iter()
                .filter(|s| !base.containers.contains(&s.id))
            {
                match engine.remove_container(&s.id).await {
                    Ok(()) => c.containers += 1,
                    Err(e) => problem(&mut c, e),
                }
            }
        }
        Err(e) => problem(&mut c, e),
    }
    let now = match engine.inventory().await {
        Ok(n) => n,
        Err(e) => {
            problem(&mut c, e);
            return c;
        }
    };
    for id in now.networks.difference(&base.networks) {
        match engine.remove_network(id).await {
            Ok(()) => c.networks += 1,
            Err(e) => problem(&mut c, e),
        }
    }
    for (tag, id) in base.tags() {
        if !now.images.contains_key(&id) {
            continue;
        }
        match engine.image_ref(&tag).await {
            Ok(Some(r)) if r.id == id => {}
            Ok(_) => match engine.tag_image(&id, &tag).await {
                Ok(()) => c.tags_restored += 1,
                Err(e) => problem(&mut c, e),
            },
            Err(e) => problem(&mut c, e),
        }
    }
    // Children before parents: a parent still needed answers 409 and is retried.
    let mut pending: Vec<&String> = now
        .images
        .keys()
        .filter(|id| !base.images.contains_key(*id))
        .collect();
    while !pending.is_empty() {
        let mut again = Vec::new();
        for id in &pending {
            match engine.remove_image_id(id).await {
                Ok(crate::engine::guard::Removal::Conflict) => again.push(*id),
                Ok(_) => c.images += 1,
                Err(e) => problem(&mut c, e),
            }
        }
        if again.len() == pending.len() {
            c.problems.push(format!(
                "{} image(s) could not be removed: {}",
                again.len(),
                again
                    .iter()
                    .map(|i| short(i))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            break;
        }
        pending = again;
    }
    match engine.inventory().await {
        Ok(after) => {
            for (id, tags) in &after.images {
                let Some(base_tags) = base.images.get(id) else {
                    continue;
                };
                // Untagging the last tag would remove the image; one without a tag of its
                // own from before keeps the new tag.
                if base_tags.is_empty() {
                    continue;
                }
                for t in tags.iter().filter(|t| !base_tags.contains(t)) {
                    match engine.untag(t).await {
                        Ok(()) => c.tags_removed += 1,
                        Err(e) => problem(&mut c, e),
                    }
                }
            }
            for v in after.volumes.difference(&base.volumes) {
                match engine.remove_volume(v).await {
                    Ok(()) => c.volumes += 1,
                    Err(e) => problem(&mut c, e),
                }
            }
        }
        Err(e) => problem(&mut c, e),
    }
    c
}

// ---------------------------------------------------------------------------------------
// The report.

fn emit(
    app: &App,
    reports: &[LabReport],
    sub: &SubmissionReport,
    format: Format,
    output: Option<PathBuf>,
    limit: u64,
) -> Result<()> {
    let style = if output.is_some() {
        Style::plain()
    } else {
        app.style
    };
    let text = match format {
        Format::Json => {
            /// `grade`'s JSON with one key more, in the same order.
            #[derive(Serialize)]
            struct WithSubmission<'a> {
                #[serde(flatten)]
                grade: GradeReport,
                submission: &'a SubmissionReport,
            }
            let mut grade = GradeReport::new(reports.to_vec());
            grade.passed &= !sub.rejected;
            let v = WithSubmission {
                grade,
                submission: sub,
            };
            format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default())
        }
        Format::Junit => junit_with_submission(crate::report::junit(reports), sub),
        Format::Classroom => {
            let mut v = crate::report::classroom(reports);
            if sub.rejected {
                v["status"] = "fail".into();
                if let Some(tests) = v["tests"].as_array_mut() {
                    tests.push(serde_json::json!({
                        "name": "submission / guard",
                        "status": "fail",
                        "score": 0,
                        "max_score": 0,
                        "message": sub
                            .denied
                            .iter()
                            .map(|d| format!("refused {} {}: {}", d.method, d.path, d.reason))
                            .collect::<Vec<_>>()
                            .join("\n"),
                        "test_code": format!("docklings grade --submission {}", sub.path),
                        "filename": sub.path,
                        "line_no": 0,
                        "execution_time": format!("{}ms", sub.duration_ms),
                    }));
                }
            }
            format!("{}\n", serde_json::to_string(&v).unwrap_or_default())
        }
        Format::Text => {
            let mut s = String::new();
            for r in reports {
                s.push_str(&crate::report::text(r, &style, app.lang));
            }
            if reports.len() > 1 {
                let g = GradeReport::new(reports.to_vec());
                s.push_str(&format!("total {}/{}\n", g.score, g.max_score));
            }
            s.push_str(&text_section(sub, &style, app.lang, limit));
            s
        }
    };
    match output {
        Some(path) => crate::app::write_atomically(&path, text.as_bytes())
            .map_err(|e| Failure::BadInput(format!("cannot write `{}`: {e}", path.display()))),
        None => {
            out(&text);
            Ok(())
        }
    }
}

/// The submission section of the text report, in the learner's language.
fn text_section(sub: &SubmissionReport, st: &Style, lang: Lang, limit: u64) -> String {
    let ko = lang == Lang::Ko;
    let mut s = String::new();
    let run = ScriptRun {
        exit_code: sub.exit_code,
        signal: sub.signal,
        timed_out: sub.timed_out,
        elapsed: Duration::from_millis(sub.duration_ms),
        tail: Vec::new(),
        output_bytes: 0,
    };
    let secs = sub.duration_ms as f64 / 1000.0;
    let _ = writeln!(
        s,
        "{} {} ({})",
        st.bold(if ko { "제출물" } else { "submission" }),
        sub.path,
        sub.interpreter
    );
    let status = run.status(lang, limit);
    let status = if sub.timed_out {
        st.warn(&status)
    } else {
        status
    };
    let _ = match (ko, sub.timed_out) {
        (_, true) => writeln!(s, "  {status}"),
        (true, false) => writeln!(s, "  {status}, {secs:.1}초 실행"),
        (false, false) => writeln!(s, "  {status} after {secs:.1}s"),
    };
    if !sub.output_tail.is_empty() {
        let _ = writeln!(
            s,
            "  {}",
            st.dim(&if ko {
                format!("출력의 마지막 {}줄:", sub.output_tail.len())
            } else {
                format!("last {} lines of output:", sub.output_tail.len())
            })
        );
        for l in &sub.output_tail {
            let _ = writeln!(s, "    {} {l}", st.dim("│"));
        }
    }
    if sub.denied.is_empty() {
        let _ = writeln!(
            s,
            "  {} {}",
            st.ok("✓"),
            if ko {
                "만들지 않은 것을 바꾸거나 지우려는 요청이 없었습니다"
            } else {
                "no request tried to change or remove what the submission did not create"
            }
        );
    } else {
        let n = sub.denied.len();
        let _ = if ko {
            writeln!(
                s,
                "  {} docklings가 제출물이 만들지 않은 것을 바꾸거나 지우려는 요청 {n}개를 거부했습니다:",
                st.bad("✗")
            )
        } else {
            writeln!(
                s,
                "  {} docklings refused {n} request{} that would change or remove what the submission did not create:",
                st.bad("✗"),
                if n == 1 { "" } else { "s" }
            )
        };
        for d in &sub.denied {
            let _ = writeln!(s, "      {} {}", d.method, d.path);
            let _ = writeln!(s, "        {}", st.dim(&d.reason));
        }
        let _ = writeln!(
            s,
            "  {}",
            st.bad(if ko {
                "거부됨: 제출물이 자기가 만들지 않은 것을 건드리려 했으므로 통과하지 못합니다 (점수는 참고용)."
            } else {
                "REJECTED: the submission tried to touch what it did not create, so it does not pass (the score is for reference)."
            })
        );
    }
    let c = &sub.cleaned_up;
    let _ = if ko {
        writeln!(
            s,
            "  {}",
            st.dim(&format!(
                "정리: 컨테이너 {}, 네트워크 {}, 이미지 {}, 볼륨 {}개를 지우고 태그 {}개를 되돌렸습니다",
                c.containers,
                c.networks,
                c.images,
                c.volumes,
                c.tags_restored + c.tags_removed
            ))
        )
    } else {
        writeln!(
            s,
            "  {}",
            st.dim(&format!(
                "cleaned up: {} container(s), {} network(s), {} image(s), {} volume(s) removed, {} tag(s) put back",
                c.containers,
                c.networks,
                c.images,
                c.volumes,
                c.tags_restored + c.tags_removed
            ))
        )
    };
    for p in &c.problems {
        let _ = writeln!(s, "  {} {p}", st.bad("✗"));
    }
    s
}

/// JUnit: the labs' suites, plus a `submission` suite whose `guard` case fails when the
/// submission was rejected; the totals on `<testsuites>` count it.
fn junit_with_submission(xml: String, sub: &SubmissionReport) -> String {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .chars()
            .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
            .collect::<String>()
    };
    let failed = usize::from(sub.rejected);
    let mut suite = format!(
        "  <testsuite name=\"submission\" tests=\"1\" failures=\"{failed}\" errors=\"0\" skipped=\"0\">\n    <testcase classname=\"submission\" name=\"guard\""
    );
    if sub.rejected {
        let body = sub
            .denied
            .iter()
            .map(|d| format!("{} {}: {}", d.method, d.path, d.reason))
            .collect::<Vec<_>>()
            .join("\n");
        let _ = write!(
            suite,
            ">\n      <failure message=\"the submission tried to change what it did not create\" type=\"rejected\">{}</failure>\n    </testcase>\n",
            esc(&body)
        );
    } else {
        suite.push_str("/>\n");
    }
    let _ = write!(
        suite,
        "    <system-out>{}</system-out>\n  </testsuite>\n",
        esc(&format!("{}\n{}", sub.status, sub.output_tail.join("\n")))
    );
    let Some(at) = xml.rfind("</testsuites>") else {
        return xml;
    };
    let mut out = String::with_capacity(xml.len() + suite.len());
    out.push_str(&xml[..at]);
    out.push_str(&suite);
    out.push_str(&xml[at..]);
    // Bump the totals on the opening `<testsuites>` tag.
    let bump = |s: &str, attr: &str, by: usize| -> String {
        let key = format!("{attr}=\"");
        let Some(open) = s.find("<testsuites") else {
            return s.to_owned();
        };
        let Some(rel) = s[open..].find(&key) else {
            return s.to_owned();
        };
        let from = open + rel + key.len();
        let Some(len) = s[from..].find('"') else {
            return s.to_owned();
        };
        match s[from..from + len].parse::<usize>() {
            Ok(n) => format!("{}{}{}", &s[..from], n + by, &s[from + len..]),
            Err(_) => s.to_owned(),
        }
    };
    let out = bump(&out, "tests", 1);
    bump(&out, "failures", failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deny(v: Verdict) -> bool {
        matches!(v, Verdict::Deny(_))
    }

    #[test]
    fn reads_pass_and_prunes_never_do() {
        assert_eq!(
            classify("GET", "/v1.41/containers/json?all=1"),
            Verdict::Allow
        );
        assert_eq!(classify("HEAD", "/_ping"), Verdict::Allow);
        assert_eq!(classify("GET", "/containers/web/logs"), Verdict::Allow);
        for p in [
            "/v1.41/containers/prune",
            "/networks/prune",
            "/images/prune?filters=%7B%7D",
            "/v1.41/volumes/prune",
            "/build/prune",
        ] {
            assert!(deny(classify("POST", p)), "{p}");
        }
    }

    #[test]
    fn changes_to_named_things_are_asked_about() {
        let c = |r: &str, a: &str| {
            Verdict::Ask(Subject::Container {
                reference: r.into(),
                action: a.into(),
            })
        };
        assert_eq!(
            classify("DELETE", "/v1.41/containers/dkt-victim?force=1"),
            c("dkt-victim", "remove")
        );
        assert_eq!(
            classify("POST", "/v1.41/containers/3f2a/kill?signal=KILL"),
            c("3f2a", "`kill`")
        );
        assert_eq!(
            classify("PUT", "/containers/web/archive?path=/"),
            c("web", "`archive`")
        );
        assert_eq!(
            classify("GET", "/containers/web/attach/ws"),
            c("web", "attach to")
        );
        assert_eq!(
            classify("POST", "/commit?container=a%20b"),
            c("a b", "commit")
        );
        assert_eq!(
            classify("DELETE", "/v1.41/images/diamol/base:latest?force=1"),
            Verdict::Ask(Subject::Image("diamol/base:latest".into()))
        );
        assert_eq!(
            classify("DELETE", "/networks/net1"),
            Verdict::Ask(Subject::Network("net1".into()))
        );
        assert_eq!(
            classify("POST", "/v1.41/networks/net1/connect"),
            Verdict::Ask(Subject::Attach {
                network: "net1".into(),
                action: "connect".into()
            })
        );
        assert_eq!(
            classify("POST", "/exec/abc/start"),
            Verdict::Ask(Subject::Exec("abc".into()))
        );
        assert_eq!(
            classify("DELETE", "/volumes/data"),
            Verdict::Ask(Subject::Volume("data".into()))
        );
    }

    #[test]
    fn creating_is_allowed_and_the_unknown_is_not() {
        for (m, p) in [
            ("POST", "/v1.41/containers/create?name=web"),
            ("POST", "/networks/create"),
            ("POST", "/images/create?fromImage=nginx"),
            ("POST", "/build?t=x"),
            ("POST", "/images/nginx/tag?repo=mine"),
            ("POST", "/volumes/create"),
        ] {
            assert_eq!(classify(m, p), Verdict::Allow, "{m} {p}");
        }
        assert!(deny(classify("POST", "/swarm/leave?force=1")));
        assert!(deny(classify("POST", "/plugins/pull")));
    }

    #[test]
    fn encoded_and_odd_paths_are_read_as_the_engine_reads_them() {
        assert_eq!(
            classify("DELETE", "/v1.41/containers/dkt%2Dvictim"),
            Verdict::Ask(Subject::Container {
                reference: "dkt-victim".into(),
                action: "remove".into()
            })
        );
        assert!(deny(classify("DELETE", "/v1.41/x/../containers/v")));
        assert!(deny(classify("DELETE", "/v1.41//containers/v")));
        assert!(deny(classify("DELETE", "/containers/%2e%2e/v")));
        assert!(deny(classify("DELETE", "/containers/a%00")));
        assert!(deny(classify("DELETE", "http://docker/containers/v")));
        assert_eq!(strip_version("/v1.41/containers/json"), "/containers/json");
        assert_eq!(strip_version("/volumes/v1"), "/volumes/v1");
        assert_eq!(strip_version("/v1.41"), "/");
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode(b"a%20b%zz%", false), b"a b%zz%");
        assert_eq!(percent_decode(b"a+b%2B", true), b"a b+");
        assert_eq!(percent_decode(b"%41", false), b"A");
        assert_eq!(
            query_param("all=1&container=web%31", "container").as_deref(),
            Some("web1")
        );
        assert_eq!(query_param("all=1", "container"), None);
    }

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

    #[test]
    fn connect_bodies_name_one_container() {
        assert_eq!(
            attach_container(br#"{"Container":"web","EndpointConfig":{}}"#).as_deref(),
            Ok("web")
        );
        assert!(attach_container(br#"{"Container":"web","container":"victim"}"#).is_err());
        assert!(attach_container(b"{}").is_err());
        assert!(attach_container(b"not json").is_err());
    }

    #[test]
    fn tags_as_the_engine_lists_them() {
        assert_eq!(familiar_tag("nginx").as_deref(), Some("nginx:latest"));
        assert_eq!(
            familiar_tag("docker.io/library/nginx:1.2").as_deref(),
            Some("nginx:1.2")
        );
        assert_eq!(
            familiar_tag("localhost:5000/a/b").as_deref(),
            Some("localhost:5000/a/b:latest")
        );
        assert_eq!(familiar_tag("nginx@sha256:abc"), None);
    }

    #[test]
    fn the_tail_of_the_output() {
        let lines: String = (1..=30).map(|i| format!("line {i}\n")).collect();
        let t = tail_lines(lines.as_bytes(), false);
        assert_eq!(t.len(), TAIL_LINES);
        assert_eq!(t.last().map(String::as_str), Some("line 30"));
        assert_eq!(tail_lines(b"half\nwhole\n", true), vec!["whole".to_owned()]);
        assert_eq!(
            tail_lines(b"\x1b[31mred\x1b[0m\n", false),
            vec!["[31mred[0m".to_owned()]
        );
    }

    #[test]
    fn junit_counts_the_guard() {
        let xml = "<?xml version=\"1.0\"?>\n<testsuites name=\"docklings\" tests=\"3\" failures=\"1\" errors=\"0\">\n</testsuites>\n".to_owned();
        let sub = SubmissionReport {
            path: "s.sh".into(),
            interpreter: "sh".into(),
            exit_code: Some(0),
            signal: None,
            timed_out: false,
            status: "exit code 0".into(),
            duration_ms: 1,
            output_tail: vec!["<hi>".into()],
            output_bytes: 5,
            denied: vec![Denial {
                method: "DELETE".into(),
                path: "/containers/v".into(),
                reason: "no".into(),
            }],
            rejected: true,
            cleaned_up: Cleaned::default(),
        };
        let out = junit_with_submission(xml, &sub);
        assert!(out.contains("tests=\"4\" failures=\"2\""), "{out}");
        assert!(out.contains("&lt;hi&gt;"), "{out}");
        assert!(out.trim_end().ends_with("</testsuites>"), "{out}");
    }
}
