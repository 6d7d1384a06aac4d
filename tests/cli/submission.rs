//! `grade --submission`: a student's script runs behind the guard, is graded, and every
//! trace of it is removed — while what was there before stays untouched.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::harness::{Engine, Out, Test, assert_steps, docker, engine_state, root};

fn fixture(name: &str) -> String {
    root()
        .join("fixtures/submissions")
        .join(name)
        .display()
        .to_string()
}

/// A private TMPDIR for docklings, so the test can see that the guard's socket and the
/// copy of the script's folder are gone afterwards.
struct Tmp(tempfile::TempDir);

impl Tmp {
    fn new() -> Tmp {
        Tmp(tempfile::tempdir().expect("temp dir"))
    }

    fn path(&self) -> String {
        self.0.path().display().to_string()
    }

    #[track_caller]
    fn assert_empty(&self) {
        let left: Vec<PathBuf> = std::fs::read_dir(self.0.path())
            .expect("read temp dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        assert!(left.is_empty(), "left in TMPDIR: {left:?}");
    }
}

/// `grade LAB --submission SCRIPT --format json` with a private TMPDIR; the time it took.
#[track_caller]
fn grade(lab: &str, script: &str, extra: &[&str]) -> (Out, serde_json::Value, Duration) {
    let tmp = Tmp::new();
    let mut args = vec!["grade", lab, "--submission", script, "--format", "json"];
    args.extend_from_slice(extra);
    let t = Instant::now();
    let out = Test::new().env("TMPDIR", &tmp.path()).args(&args).run();
    let took = t.elapsed();
    tmp.assert_empty();
    let out = out.no_panic();
    let json = out.json();
    (out, json, took)
}

fn sub(json: &serde_json::Value) -> &serde_json::Value {
    &json["submission"]
}

#[test]
fn a_good_submission_scores_its_points_and_leaves_nothing_behind() {
    let _e = Engine::lock();
    let before = engine_state();
    let (out, json, took) = grade("published-web", &fixture("good-published-web.sh"), &[]);
    // It solves two steps of three: the last (`remove`) fails, so the exit code is 1.
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    let lab = &json["labs"][0];
    assert_steps(
        lab,
        &[("run-detached", true), ("browse", true), ("remove", false)],
    );
    assert_eq!(json["score"], 2, "{}", out.stdout);
    assert_eq!(json["max_score"], 3);
    assert_eq!(json["passed"], false);
    let s = sub(&json);
    assert_eq!(s["exit_code"], 0, "{}", out.stdout);
    assert_eq!(s["timed_out"], false);
    assert_eq!(s["rejected"], false);
    assert_eq!(s["denied"].as_array().map(Vec::len), Some(0));
    assert_eq!(s["cleaned_up"]["containers"], 1);
    assert!(
        s["output_tail"]
            .to_string()
            .contains("Hello from Chapter 2!"),
        "{}",
        s["output_tail"]
    );
    assert_eq!(
        engine_state(),
        before,
        "the submission left something behind"
    );
    eprintln!("grading published-web with a submission took {took:?} (wall time)");
}

#[test]
fn a_full_solution_scores_full_marks_though_it_removes_its_evidence() {
    let _e = Engine::lock();
    let before = engine_state();
    let (out, json, _) = grade("published-web", &fixture("full-published-web.sh"), &[]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_steps(
        &json["labs"][0],
        &[("run-detached", true), ("browse", true), ("remove", true)],
    );
    assert_eq!(json["score"], 3, "{}", out.stdout);
    assert_eq!(sub(&json)["cleaned_up"]["containers"], 0);
    assert_eq!(engine_state(), before);
}

#[test]
fn a_script_that_never_ends_is_stopped_at_the_timeout() {
    let _e = Engine::lock();
    let before = engine_state();
    let (out, json, took) = grade(
        "published-web",
        &fixture("sleeps-forever.sh"),
        &["--timeout", "3"],
    );
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    assert!(took < Duration::from_secs(10), "took {took:?}");
    let s = sub(&json);
    assert_eq!(s["timed_out"], true, "{}", out.stdout);
    assert_eq!(s["status"], "timed out after 3s");
    assert_eq!(s["exit_code"], serde_json::Value::Null);
    assert!(s["output_tail"].to_string().contains("now sleeping"));
    // What it did before it was stopped still counts.
    assert_steps(&json["labs"][0], &[("run-detached", true)]);
    let ps = std::process::Command::new("ps")
        .args(["-eo", "args"])
        .output()
        .expect("ps");
    assert!(
        !String::from_utf8_lossy(&ps.stdout)
            .lines()
            .any(|l| l.trim() == "sleep 100000"),
        "the script's `sleep` survived"
    );
    assert_eq!(
        engine_state(),
        before,
        "the submission left something behind"
    );
    eprintln!("grading published-web with a submission that timed out took {took:?}");
}

#[test]
fn a_script_that_fails_halfway_is_graded_on_what_it_did() {
    let _e = Engine::lock();
    let before = engine_state();
    let (out, json, _) = grade("hello-diamol", &fixture("fails-halfway.sh"), &[]);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    assert_steps(
        &json["labs"][0],
        &[("run-once", true), ("run-again", false)],
    );
    assert_eq!(json["score"], 1);
    let s = sub(&json);
    assert_eq!(s["exit_code"], 3, "{}", out.stdout);
    assert_eq!(s["status"], "exit code 3");
    assert_eq!(
        s["output_tail"].as_array().and_then(|a| a.last()),
        Some(&serde_json::json!("giving up"))
    );
    assert_eq!(
        engine_state(),
        before,
        "the submission left something behind"
    );

    // The text report says the same in Korean.
    let out = Test::new()
        .args(&[
            "--lang",
            "ko",
            "grade",
            "hello-diamol",
            "--submission",
            &fixture("fails-halfway.sh"),
        ])
        .run()
        .code(1)
        .stdout_has("제출물")
        .stdout_has("종료 코드 3")
        .stdout_has("giving up");
    assert!(out.stdout.contains("점수 1/2"), "{}", out.stdout);
    assert_eq!(
        engine_state(),
        before,
        "the submission left something behind"
    );
}

#[test]
fn touching_what_it_did_not_create_is_refused_and_rejected() {
    let mut e = Engine::lock();
    e.sleeper("dkt-victim");
    let before = engine_state();
    let (out, json, _) = grade("published-web", &fixture("removes-others.sh"), &[]);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(
        docker(&["inspect", "-f", "{{.State.Status}}", "dkt-victim"]),
        "running",
        "the guard let the victim be touched"
    );
    let s = sub(&json);
    assert_eq!(s["rejected"], true, "{}", out.stdout);
    assert_eq!(json["passed"], false);
    // Graded all the same: its own container counts.
    assert_steps(&json["labs"][0], &[("run-detached", true)]);
    let denied: Vec<(String, String)> = s["denied"]
        .as_array()
        .expect("denied")
        .iter()
        .map(|d| {
            (
                d["method"].as_str().unwrap_or("").to_owned(),
                d["path"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(denied.len(), 2, "{denied:?}");
    assert_eq!(denied[0].0, "DELETE");
    // What it was about is not named: the report never names others' things.
    assert_eq!(denied[0].1, "/v1.41/containers/…", "{denied:?}");
    assert_eq!(denied[1].0, "POST");
    assert!(denied[1].1.contains("/containers/prune"), "{denied:?}");
    assert!(
        s["denied"][0]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("before the submission ran")),
        "{}",
        s["denied"]
    );
    // The docker CLI showed the student why.
    assert!(
        s["output_tail"]
            .to_string()
            .contains("docklings: that container was on the engine before the submission ran"),
        "{}",
        s["output_tail"]
    );
    assert_eq!(s["sandbox"], "bubblewrap");
    assert_eq!(s["trusted"], false);
    assert_eq!(
        engine_state(),
        before,
        "the submission left something behind"
    );

    // The text report says it plainly.
    Test::new()
        .args(&[
            "grade",
            "published-web",
            "--submission",
            &fixture("removes-others.sh"),
        ])
        .run()
        .code(1)
        .stdout_has("REJECTED")
        .stdout_has("DELETE /v1.41/containers/…")
        .stdout_has("sandbox: bubblewrap");
    assert_eq!(
        docker(&["inspect", "-f", "{{.State.Status}}", "dkt-victim"]),
        "running"
    );
    assert_eq!(
        engine_state(),
        before,
        "the submission left something behind"
    );
}

#[test]
fn images_networks_volumes_and_tags_are_undone_and_tags_never_move() {
    let mut e = Engine::lock();
    // A tag that was there before, which the script tries to move to its own image.
    docker(&["tag", "diamol/base", "dkt-sub-victim:latest"]);
    e.track_image("dkt-sub-victim:latest");
    let base_id = docker(&["image", "inspect", "-f", "{{.Id}}", "diamol/base"]);
    let before = engine_state();
    let (out, json, _) = grade("hello-diamol", &fixture("builds-an-image.sh"), &[]);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    let s = sub(&json);
    assert_eq!(s["exit_code"], 0, "{}", out.stdout);
    assert_eq!(s["interpreter"], "bash");
    assert_eq!(s["rejected"], true, "moving a tag is refused");
    assert!(
        s["denied"][0]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("that tag exists already")),
        "{}",
        s["denied"]
    );
    // Whether a tag exists is others' business: the report does not name it.
    assert!(
        !s["denied"].to_string().contains("dkt-sub-victim"),
        "{}",
        s["denied"]
    );
    assert!(
        s["output_tail"]
            .to_string()
            .contains("built by a submission"),
        "{}",
        s["output_tail"]
    );
    let c = &s["cleaned_up"];
    assert_eq!(c["containers"], 1, "{c}");
    assert_eq!(c["networks"], 1, "{c}");
    assert_eq!(c["volumes"], 1, "{c}");
    assert!(c["images"].as_u64().is_some_and(|n| n >= 1), "{c}");
    assert_eq!(c["tags_restored"], 0, "{c}");
    assert_eq!(c["tags_removed"], 1, "{c}");
    assert_eq!(
        docker(&["image", "inspect", "-f", "{{.Id}}", "dkt-sub-victim:latest"]),
        base_id,
        "the tag moved"
    );
    assert_eq!(
        engine_state(),
        before,
        "the submission left something behind"
    );
}

#[test]
fn a_dirty_engine_is_refused_before_the_script_runs() {
    let mut e = Engine::lock();
    e.run(
        "dkt-sub-dirty",
        &[
            "run",
            "-d",
            "--name",
            "dkt-sub-dirty",
            "diamol/ch02-hello-diamol-web",
        ],
    );
    let before = engine_state();
    let out = Test::new()
        .args(&[
            "grade",
            "published-web",
            "--submission",
            &fixture("good-published-web.sh"),
        ])
        .run()
        .code(2)
        .stderr_has("container `dkt-sub-dirty`");
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert_eq!(engine_state(), before, "the engine was touched");
}

#[test]
fn bad_input_is_refused_without_the_engine() {
    Test::new()
        .env("DOCKER_HOST", "tcp://127.0.0.1:1")
        .args(&[
            "grade",
            "published-web",
            "--submission",
            &fixture("good-published-web.sh"),
        ])
        .run()
        .code(2)
        .stderr_has("unix socket");
    Test::new()
        .args(&["grade", "published-web", "--timeout", "5"])
        .run()
        .code(2)
        .stderr_has("--submission");
    Test::new()
        .args(&[
            "grade",
            "published-web",
            "--submission",
            &fixture("no-such-script.sh"),
        ])
        .run()
        .code(2)
        .stderr_has("cannot read submission");
}

/// Whether the engine has a thing of this kind and name (`container`, `network`, `volume`,
/// `image`).
fn exists(kind: &str, name: &str) -> bool {
    crate::harness::docker_ok(&[kind, "inspect", name])
}

#[test]
fn what_a_killed_run_left_is_removed_by_the_next() {
    let mut e = Engine::lock();
    // Should the test fail midway, what the script made and the bystander go anyway.
    e.track_container("dkt-killed-c");
    e.track_network("dkt-killed-net");
    e.track_volume("dkt-killed-vol");
    e.track_volume("dkt-killed-bystander");
    e.track_image("dkt-killed-img:1");
    let before = engine_state();
    let tmp = Tmp::new();
    let script = root().join("fixtures/submissions/killed/makes-and-waits.sh");
    let mut grader = std::process::Command::new(crate::harness::bin())
        .args(["grade", "hello-diamol", "--submission"])
        .arg(&script)
        .args(["--timeout", "120", "--format", "json"])
        .env("TMPDIR", tmp.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start grading");
    let made = || exists("container", "dkt-killed-c");
    let t = Instant::now();
    while !made() && t.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(made(), "the script never got to make its container");
    // As `kill -9` or a power cut would: no cleanup runs.
    grader.kill().expect("kill docklings");
    let _ = grader.wait();
    std::thread::sleep(Duration::from_millis(500));
    for (kind, name) in [
        ("container", "dkt-killed-c"),
        ("network", "dkt-killed-net"),
        ("volume", "dkt-killed-vol"),
        ("image", "dkt-killed-img:1"),
    ] {
        assert!(exists(kind, name), "{kind} {name} was not left behind");
    }
    // A bystander that carries no label of a dead run stays.
    docker(&["volume", "create", "dkt-killed-bystander"]);
    let out = Test::new()
        .env("TMPDIR", &tmp.path())
        .args(&["reset", "hello-diamol", "--yes"])
        .run()
        .code(0)
        // The image, and its build layer when the build did not reuse an older one.
        .stdout_has(
            "Removed what an interrupted submission run left: 1 container(s), 1 network(s), \
             1 volume(s), ",
        );
    for (kind, name) in [
        ("container", "dkt-killed-c"),
        ("network", "dkt-killed-net"),
        ("volume", "dkt-killed-vol"),
        ("image", "dkt-killed-img:1"),
    ] {
        assert!(
            !exists(kind, name),
            "{kind} {name} is still there\n{}",
            out.stdout
        );
    }
    assert!(exists("volume", "dkt-killed-bystander"));
    docker(&["volume", "rm", "dkt-killed-bystander"]);
    // The killed run's folder (guard socket, copy) went too.
    tmp.assert_empty();
    // The classic builder's intermediate layers too: no label, but untagged parents of
    // the labelled image made since the run began.
    assert_eq!(engine_state(), before, "something was left behind");
}

#[test]
fn a_request_smuggled_after_another_never_reaches_the_engine() {
    let mut e = Engine::lock();
    e.sleeper("dkt-smuggle-victim");
    let (out, json, _) = grade("hello-diamol", &fixture("smuggles.sh"), &[]);
    let s = sub(&json);
    let tail = s["output_tail"].to_string();
    // Each connection got one answer, to its first request: the ping, and a create
    // without an image (`{}`); the requests after them went nowhere.
    assert!(tail.contains("HTTP/1.1 200 OK"), "{tail}\n{}", out.stderr);
    assert!(tail.contains("HTTP/1.1 400 Bad Request"), "{tail}");
    assert!(!tail.contains("201 Created"), "{tail}");
    assert_eq!(s["cleaned_up"]["containers"], 0, "{}", s["cleaned_up"]);
    assert_eq!(
        docker(&["inspect", "-f", "{{.State.Status}}", "dkt-smuggle-victim"]),
        "running"
    );
}
