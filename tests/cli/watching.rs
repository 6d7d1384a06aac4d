//! `watch` sees everything the learner does while it watches: an act during its first check
//! (before, it opened the engine's event stream only after that check, and missed it), and
//! an act the engine has forgotten since (it keeps only its last 256 events).
//!
//! Unix-only: the crowd of events comes straight through the engine's unix socket.
#![cfg(unix)]

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::Receiver;
use std::time::Duration;

use crate::harness::{Engine, bin, docker};

/// Two labs about one running container `dkt-wt`: `early` has a check that takes 3 s (an
/// exec that sleeps), so an act done meanwhile happens during the first check; `twice`
/// wants two `top`s of it.
const LABS: &[(&str, &str)] = &[
    (
        "early",
        r#"format_version: 1
id: early
chapter: "9.7"
title: { ko: "첫 확인 중의 일", en: "An act during the first check" }
intro: { ko: "시험용 실습입니다.", en: "A lab for tests." }
images: [diamol/base]
steps:
  - id: slow
    title: { ko: "느린 확인", en: "A slow check" }
    body: { ko: "기다리세요.", en: "Wait." }
    solution: ["docker container run -d --name dkt-wt diamol/base sleep 300"]
    checks:
      - exec:
          select: { name: dkt-wt }
          command: [sh, -c, "sleep 3; echo ready"]
          output: [ready]
  - id: top
    after: start
    title: { ko: "프로세스 보기", en: "List its processes" }
    body: { ko: "`docker container top dkt-wt`", en: "`docker container top dkt-wt`" }
    solution: ["docker container top dkt-wt"]
    checks:
      - event: { action: top, select: { name: dkt-wt } }
"#,
    ),
    (
        "twice",
        r#"format_version: 1
id: twice
chapter: "9.6"
title: { ko: "두 번", en: "Twice" }
intro: { ko: "시험용 실습입니다.", en: "A lab for tests." }
images: [diamol/base]
steps:
  - id: top-twice
    title: { ko: "프로세스 두 번 보기", en: "List its processes twice" }
    body: { ko: "`docker container top dkt-wt` 두 번", en: "`docker container top dkt-wt`, twice" }
    solution: ["docker container top dkt-wt", "docker container top dkt-wt"]
    checks:
      - event: { action: top, select: { name: dkt-wt }, at_least: 2 }
"#,
    ),
];

fn labs_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("labs dir");
    for (id, yaml) in LABS {
        std::fs::create_dir(dir.path().join(id)).expect("lab folder");
        std::fs::write(dir.path().join(id).join("lab.yaml"), yaml).expect("lab file");
    }
    dir
}

/// `watch LAB --format jsonl` on these labs; its lines arrive through a thread, so a line
/// that never comes fails the test instead of hanging it. Killed when dropped.
struct Watch {
    child: Child,
    lines: Receiver<String>,
    _home: tempfile::TempDir,
}

impl Watch {
    fn start(labs: &std::path::Path, lab: &str) -> Watch {
        let home = tempfile::tempdir().expect("home");
        let mut child = Command::new(bin())
            .args(["--labs", &labs.to_string_lossy(), "watch", lab])
            .args(["--format", "jsonl"])
            .env("DOCKLINGS_HOME", home.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("watch");
        let out = child.stdout.take().expect("stdout");
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for l in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(l).is_err() {
                    break;
                }
            }
        });
        Watch {
            child,
            lines,
            _home: home,
        }
    }

    /// The next verdict line as (step, passed), if one comes within `secs`.
    fn next(&self, secs: u64) -> Option<(String, bool)> {
        let l = self.lines.recv_timeout(Duration::from_secs(secs)).ok()?;
        let v: serde_json::Value =
            serde_json::from_str(&l).unwrap_or_else(|_| panic!("not JSON: {l}"));
        Some((
            v["step"].as_str().unwrap_or("").to_owned(),
            v["passed"].as_bool().unwrap_or(false),
        ))
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn s(step: &str, passed: bool) -> Option<(String, bool)> {
    Some((step.to_owned(), passed))
}

#[test]
fn an_act_during_the_first_check_is_seen() {
    let mut e = Engine::lock();
    e.sleeper("dkt-wt");
    let labs = labs_dir();
    let w = Watch::start(labs.path(), "early");
    // The first check is busy for 3 s in `slow`'s exec; the act lands in the middle of it.
    std::thread::sleep(Duration::from_millis(1000));
    docker(&["container", "top", "dkt-wt"]);
    assert_eq!(w.next(15), s("slow", true));
    assert_eq!(
        w.next(5),
        s("top", false),
        "the first check read the engine before the act"
    );
    assert_eq!(
        w.next(5),
        s("top", true),
        "the act during the first check was missed"
    );
}

/// More than the engine's 256 events between the learner's two `top`s: the engine has
/// forgotten the first by the second, the watcher has not.
#[test]
fn an_act_the_engine_forgot_still_counts() {
    let mut e = Engine::lock();
    e.sleeper("dkt-wt");
    e.sleeper("dkt-wt-busy");
    let labs = labs_dir();
    let w = Watch::start(labs.path(), "twice");
    assert_eq!(w.next(15), s("top-twice", false));
    docker(&["container", "top", "dkt-wt"]);
    // Let the watcher see it before the crowd comes.
    std::thread::sleep(Duration::from_millis(500));
    for _ in 0..300 {
        engine_get("/containers/dkt-wt-busy/top");
    }
    docker(&["container", "top", "dkt-wt"]);
    assert_eq!(
        w.next(10),
        s("top-twice", true),
        "the first `top` was forgotten"
    );
}

/// One GET on the engine's unix socket: 300 of them in well under a second, where the
/// docker CLI takes seconds. (Each `top` is one engine event.)
fn engine_get(path: &str) {
    let host = std::env::var("DOCKER_HOST").unwrap_or_default();
    let socket = host
        .strip_prefix("unix://")
        .unwrap_or("/var/run/docker.sock");
    let mut conn = std::os::unix::net::UnixStream::connect(socket).expect("engine socket");
    write!(
        conn,
        "GET {path} HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n"
    )
    .expect("request");
    let mut answer = String::new();
    let _ = conn.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{path}: {answer}");
}
