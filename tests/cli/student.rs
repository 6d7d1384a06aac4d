//! What a student lives in: `start` in a real terminal (driven through tmux), `watch`,
//! progress that survives damage, `reset` that touches only the lab's things, `doctor`.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{Engine, Test, Tmux, bin, docker, docker_ok};

#[test]
fn start_without_a_terminal_points_elsewhere() {
    Test::new()
        .args(&["start", "published-web"])
        .run()
        .code(2)
        .stderr_has("needs a terminal")
        .stderr_has("docklings watch LAB")
        .stderr_has("docklings grade");
}

/// `watch LAB --format jsonl --exit-on-complete` in a data folder of its own; its lines
/// arrive through a thread so that a missing line fails the test instead of hanging it.
fn spawn_watch(
    lab: &str,
    home: &std::path::Path,
) -> (
    std::process::Child,
    std::sync::mpsc::Receiver<std::io::Result<String>>,
) {
    let mut child = Command::new(bin())
        .args(["watch", lab, "--format", "jsonl", "--exit-on-complete"])
        .env("DOCKLINGS_HOME", home)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .stdin(Stdio::null())
        .spawn()
        .expect("watch");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for l in BufReader::new(stdout).lines() {
            if tx.send(l).is_err() {
                break;
            }
        }
    });
    (child, rx)
}

#[track_caller]
fn next_line(rx: &std::sync::mpsc::Receiver<std::io::Result<String>>) -> serde_json::Value {
    let l = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("a line within 20 s")
        .expect("utf-8");
    serde_json::from_str(&l).unwrap_or_else(|_| panic!("not JSON: {l}"))
}

#[track_caller]
fn step_of(v: &serde_json::Value) -> (&str, bool) {
    (
        v["step"].as_str().unwrap_or(""),
        v["passed"].as_bool().unwrap_or(false),
    )
}

#[track_caller]
fn wait_exit(child: &mut std::process::Child) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            assert!(status.success());
            return;
        }
        assert!(Instant::now() < deadline, "watch did not end");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Issue 8's story through `watch --format jsonl`: the wrong port, removed, then the right
/// one. No step goes true before its act; none goes back to false.
#[test]
fn watch_passes_each_step_on_its_own_act_and_never_takes_one_back() {
    let mut e = Engine::lock();
    let home = tempfile::tempdir().expect("tmp");
    let (mut child, rx) = spawn_watch("published-web", home.path());
    for _ in 0..3 {
        assert!(!step_of(&next_line(&rx)).1);
    }
    let quiet = |what: &str| {
        if let Ok(l) = rx.recv_timeout(Duration::from_millis(1500)) {
            panic!("after {what}, watch printed {l:?}");
        }
    };
    e.run(
        "dkt-ww1",
        &[
            "run",
            "-d",
            "-p",
            "8080:80",
            "--name",
            "dkt-ww1",
            "diamol/ch02-hello-diamol-web",
        ],
    );
    quiet("the wrong port");
    docker(&["rm", "-f", "dkt-ww1"]);
    quiet("removing the wrong container");
    e.run(
        "dkt-ww2",
        &[
            "run",
            "-d",
            "-p",
            "8088:80",
            "--name",
            "dkt-ww2",
            "diamol/ch02-hello-diamol-web",
        ],
    );
    assert_eq!(step_of(&next_line(&rx)), ("run-detached", true));
    quiet("the right run (the page is served, but nobody looked)");
    let _ = crate::harness::curl("http://localhost:8088");
    assert_eq!(step_of(&next_line(&rx)), ("browse", true));
    docker(&["rm", "-f", "dkt-ww2"]);
    assert_eq!(step_of(&next_line(&rx)), ("remove", true));
    wait_exit(&mut child);
}

#[test]
fn watch_reports_each_verdict_change_and_ends_when_complete() {
    let mut e = Engine::lock();
    let home = tempfile::tempdir().expect("tmp");
    let (mut child, rx) = spawn_watch("hello-diamol", home.path());
    let next = || next_line(&rx);
    // The initial verdicts: nothing done yet.
    for _ in 0..2 {
        let v = next();
        assert_eq!(v["passed"], false, "{v}");
        assert_eq!(v["lab"], "hello-diamol");
        assert!(v["time"].as_str().is_some_and(|t| t.contains('T')));
    }
    e.run(
        "dkt-wh1",
        &["run", "--name", "dkt-wh1", "diamol/ch02-hello-diamol"],
    );
    let v = next();
    assert_eq!(
        (v["step"].as_str(), v["passed"].as_bool()),
        (Some("run-once"), Some(true)),
        "{v}"
    );
    e.run(
        "dkt-wh2",
        &["run", "--name", "dkt-wh2", "diamol/ch02-hello-diamol"],
    );
    let v = next();
    assert_eq!(
        (v["step"].as_str(), v["passed"].as_bool()),
        (Some("run-again"), Some(true)),
        "{v}"
    );
    // --exit-on-complete: it ends by itself, successfully.
    wait_exit(&mut child);
}

#[test]
fn damaged_progress_is_set_aside_with_a_warning_and_reset_works() {
    let home = tempfile::tempdir().expect("tmp");
    let p = home.path().join("progress.json");
    std::fs::write(&p, b"{\"labs\": {\"published-web\": {\"steps\": ").expect("write");
    let h = home.path().to_str().expect("utf-8");
    let out = Test::new()
        .args(&["list"])
        .env("DOCKLINGS_HOME", h)
        .run()
        .code(0);
    assert!(out.stderr.contains("warning"), "{}", out.stderr);
    let aside: Vec<_> = std::fs::read_dir(home.path())
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("progress.json.corrupt-")
        })
        .collect();
    assert_eq!(
        aside.len(),
        1,
        "the damaged file is kept aside, not deleted"
    );
    // A good file, then a reset of one lab.
    std::fs::write(
        &p,
        r#"{"version":1,"labs":{"published-web":{"steps":{"run-detached":{"passed_at":1}}},"hello-diamol":{"steps":{"run-once":{"passed_at":1}}}}}"#,
    )
    .expect("write");
    let out = Test::new()
        .args(&["list"])
        .env("DOCKLINGS_HOME", h)
        .run()
        .code(0);
    assert!(out.stdout.contains("1/3"), "{}", out.stdout);
    Test::new()
        .args(&["progress", "reset", "published-web"])
        .env("DOCKLINGS_HOME", h)
        .run()
        .code(0);
    let out = Test::new()
        .args(&["list", "--format", "json"])
        .env("DOCKLINGS_HOME", h)
        .run()
        .code(0);
    let v = out.json();
    let passed = |id: &str| {
        v["labs"]
            .as_array()
            .and_then(|l| l.iter().find(|x| x["id"] == id))
            .map(|x| x["passed"].clone())
    };
    assert_eq!(passed("published-web"), Some(serde_json::json!(0)));
    assert_eq!(passed("hello-diamol"), Some(serde_json::json!(1)));
    Test::new()
        .args(&["progress", "reset", "nope"])
        .env("DOCKLINGS_HOME", h)
        .run()
        .code(2);
}

#[test]
fn reset_removes_only_the_labs_things() {
    let mut e = Engine::lock();
    // Unrelated work of the learner's: an nginx container and a network of their own.
    e.track_network("dkt-mine");
    docker(&["network", "create", "dkt-mine"]);
    e.run(
        "dkt-mine-web",
        &[
            "run",
            "-d",
            "--name",
            "dkt-mine-web",
            "--network",
            "dkt-mine",
            "nginx",
        ],
    );
    // The lab's.
    e.track_network("custom_network");
    docker(&["network", "create", "custom_network"]);
    e.run(
        "dkt-r1",
        &[
            "run",
            "-d",
            "--name",
            "dkt-r1",
            "--network",
            "custom_network",
            "nginx",
        ],
    );
    e.run(
        "dkt-r2",
        &[
            "run",
            "-d",
            "--name",
            "dkt-r2",
            "--network",
            "custom_network",
            "nginx",
        ],
    );

    // No terminal and no --yes: refuse, remove nothing.
    let out = Test::new().args(&["reset", "network-ping"]).run().code(2);
    assert!(
        out.stdout.contains("dkt-r1") && out.stdout.contains("custom_network"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("dkt-mine"), "{}", out.stdout);
    assert!(docker_ok(&["inspect", "dkt-r1"]));

    Test::new()
        .args(&["reset", "network-ping", "--yes"])
        .run()
        .code(0);
    assert!(!docker_ok(&["inspect", "dkt-r1"]));
    assert!(!docker_ok(&["inspect", "dkt-r2"]));
    assert!(!docker_ok(&["network", "inspect", "custom_network"]));
    assert!(
        docker_ok(&["inspect", "dkt-mine-web"]),
        "unrelated container removed"
    );
    assert!(
        docker_ok(&["network", "inspect", "dkt-mine"]),
        "unrelated network removed"
    );
    Test::new()
        .args(&["reset", "network-ping", "--yes"])
        .run()
        .code(0)
        .stdout_has("Nothing of `network-ping`");
}

#[test]
fn doctor_names_a_stopped_engine_and_a_taken_port() {
    let out = Test::new()
        .args(&["doctor"])
        .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
        .run()
        .code(1);
    assert!(out.stdout.contains("✗ Docker engine"), "{}", out.stdout);
    assert!(
        out.stdout.contains("/nonexistent/docker.sock"),
        "{}",
        out.stdout
    );
    let _e = Engine::lock();
    let l = std::net::TcpListener::bind("0.0.0.0:8088").expect("8088 free for the test");
    let out = Test::new().args(&["doctor"]).run().code(1);
    assert!(out.stdout.contains("8088"), "{}", out.stdout);
    assert!(out.stdout.contains("in use"), "{}", out.stdout);
    drop(l);
}

/// A real terminal: tmux runs `docklings start`, we type docker commands "in another
/// terminal" and read the screen.
mod tmux {
    use super::*;

    #[test]
    fn steps_turn_green_by_themselves_and_progress_resumes() {
        let mut e = Engine::lock();
        let home = tempfile::tempdir().expect("tmp");
        let cmd = format!(
            "env -u CI DOCKLINGS_HOME={} LANG=ko_KR.UTF-8 {} start published-web; sleep 30",
            home.path().display(),
            bin().display()
        );
        let t = Tmux::start("dkt-start", &cmd);
        t.wait_for("1/3단계");
        t.wait_for("실제:");
        // The most common first mistake: the wrong host port, named on screen.
        e.run(
            "dkt-t1",
            &[
                "run",
                "-d",
                "-p",
                "8080:80",
                "--name",
                "dkt-t1",
                "diamol/ch02-hello-diamol-web",
            ],
        );
        t.wait_for("80/tcp 를 호스트 포트 8088 이(가) 아닌 8080 에 공개함");
        // Removing the wrong one, then running the right one: exactly one step passed.
        // Neither the removal (it came before the right run) nor docklings' own probe of
        // the page (the learner has not looked) counts.
        docker(&["rm", "-f", "dkt-t1"]);
        e.run(
            "dkt-t2",
            &[
                "run",
                "-d",
                "-p",
                "8088:80",
                "--name",
                "dkt-t2",
                "diamol/ch02-hello-diamol-web",
            ],
        );
        let s = t.wait_for("✓ ● ○  1/3");
        assert!(s.contains("2/3단계"), "{s}");
        // Give the probe and the safety re-checks time to (wrongly) pass something.
        std::thread::sleep(Duration::from_millis(1500));
        let s = t.screen();
        assert!(s.contains("✓ ● ○  1/3"), "{s}");
        assert!(!s.contains("모든 단계를 마쳤습니다"), "{s}");
        // The learner looks: two.
        crate::harness::curl("http://localhost:8088");
        let s = t.wait_for("✓ ✓ ●  2/3");
        assert!(s.contains("3/3단계"), "{s}");
        assert!(!s.contains("모든 단계를 마쳤습니다"), "{s}");
        // A hint, then quit.
        t.keys("h");
        t.wait_for("힌트 1/");
        t.keys("q");
        t.wait_for("3단계 중 2단계 완료");
        drop(t);
        let progress: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(home.path().join("progress.json")).expect("progress saved"),
        )
        .expect("JSON");
        let lab = &progress["labs"]["published-web"];
        assert_eq!(lab["current_step"], "remove");
        assert!(lab["steps"]["run-detached"]["passed_at"].is_i64());
        assert_eq!(lab["steps"]["remove"]["hints_used"], 1);
        // Coming back resumes on the step where we were, with what had passed.
        let t = Tmux::start("dkt-start2", &cmd);
        let s = t.wait_for("3/3단계");
        assert!(s.contains("✓ ✓ ●  2/3"), "{s}");
        // The last act, and only then: every step done.
        docker(&["rm", "-f", "dkt-t2"]);
        t.wait_for("✓ ✓ ✓  3/3");
        t.wait_for("모든 단계를 마쳤습니다");
        t.keys("q");
    }
}
