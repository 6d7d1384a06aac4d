//! Labs that share a machine: what other labs (or anything else) left in a lab's way is
//! named before the lab begins, with why; only what a docklings lab left is offered for
//! removal, after asking; a bystander is reported and never touched.

use crate::harness::{Engine, Test, Tmux, bin, docker, docker_ok, state};

/// A data folder in which the learner started `lab` a minute ago.
fn started(lab: &str) -> tempfile::TempDir {
    let home = tempfile::tempdir().expect("temp home");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let progress = serde_json::json!({
        "version": 1,
        "labs": { lab: { "started_at": now - 60 } }
    });
    std::fs::write(
        home.path().join("progress.json"),
        serde_json::to_string_pretty(&progress).expect("JSON"),
    )
    .expect("write progress");
    home
}

/// `check LAB` in text form with that data folder, as of now: the preflight's line.
fn check_line(home: &tempfile::TempDir, lab: &str, lang: &str) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
        .to_string();
    let out = Test::new()
        .env("DOCKLINGS_HOME", &home.path().to_string_lossy())
        .args(&["--lang", lang, "check", lab, "--since", &now])
        .run()
        .code(1);
    out.stdout
        .lines()
        .find(|l| l.contains("before this lab:") || l.contains("이 실습 전에:"))
        .unwrap_or_default()
        .to_owned()
}

/// The machine: `network-ping` started a minute ago, then its `custom-nginx` left
/// holding 8080, and a bystander of the learner's own on 8081, both made before the lab at
/// hand starts (now).
fn leftover_and_bystander() -> (Engine, tempfile::TempDir) {
    let mut e = Engine::lock();
    let home = started("network-ping");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    e.run(
        "custom-nginx",
        &[
            "run",
            "-d",
            "--name",
            "custom-nginx",
            "-p",
            "8080:80",
            "nginx",
        ],
    );
    e.run(
        "dkt-bystander",
        &[
            "run",
            "-d",
            "--name",
            "dkt-bystander",
            "-p",
            "8081:80",
            "httpd",
        ],
    );
    std::thread::sleep(std::time::Duration::from_millis(1100));
    (e, home)
}

/// The case: `network-ping` left `custom-nginx` (holding 8080 too), and a bystander
/// of the learner's own holds 8081. Each lab that needs those says what and why; only the
/// leftover is said to be another lab's.
#[test]
fn leftovers_and_bystanders_are_named_with_why() {
    let (_e, home) = leftover_and_bystander();

    let line = check_line(&home, "custom-nginx-volume", "en");
    assert!(
        line.contains(
            "container `custom-nginx` (nginx): holds a name this lab's `docker run --name` needs"
        ),
        "{line}"
    );
    assert!(line.contains("holds host port 8080"), "{line}");
    assert!(line.contains("left by lab `network-ping`"), "{line}");
    assert!(!line.contains("dkt-bystander"), "{line}");

    // my-nginx wants 8080 but not the name: the port alone.
    let line = check_line(&home, "my-nginx", "ko");
    assert!(line.contains("호스트 포트 8080번"), "{line}");
    assert!(line.contains("`network-ping` 실습이 남김"), "{line}");

    // The bystander holds week1-practice's port: named, never claimed for a lab.
    let line = check_line(&home, "week1-practice", "en");
    assert!(
        line.contains("container `dkt-bystander` (httpd): holds host port 8081"),
        "{line}"
    );
    assert!(!line.contains("left by"), "{line}");

    // JSON stays a report, nothing else.
    let out = Test::new()
        .env("DOCKLINGS_HOME", &home.path().to_string_lossy())
        .args(&["check", "my-nginx", "--format", "json"])
        .run()
        .code(1);
    out.json();
}

/// A program that is not a container holds the lab's port: said so, nothing offered.
#[test]
fn a_port_held_by_another_program_is_named() {
    let _e = Engine::lock();
    let home = started("my-nginx");
    let l = std::net::TcpListener::bind("0.0.0.0:8080").expect("8080 free for the test");
    let line = check_line(&home, "my-nginx", "en");
    assert!(
        line.contains("another program (not a container) on port 8080"),
        "{line}"
    );
    drop(l);
}

/// `network-ping`'s optional subnet overlaps `network-commands`' 172.19.0.0/24: the
/// network is named with both subnets.
#[test]
fn an_overlapping_subnet_is_named() {
    let mut e = Engine::lock();
    let home = started("network-ping");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    e.track_network("dkt-overlap");
    docker(&[
        "network",
        "create",
        "--subnet",
        "172.19.0.0/16",
        "dkt-overlap",
    ]);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let line = check_line(&home, "network-commands", "en");
    assert!(
        line.contains("network `dkt-overlap`: its subnet 172.19.0.0/16 overlaps 172.19.0.0/24"),
        "{line}"
    );
    // Its name is no lab's: nothing claims it.
    assert!(!line.contains("left by"), "{line}");
}

/// In a real terminal: `start` lists what is in the way, asks before removing, removes only
/// the other lab's leftover, and the bystander stays.
#[test]
fn start_asks_and_removes_only_what_a_lab_left() {
    let (_e, home) = leftover_and_bystander();
    let cmd = format!(
        "env -u CI DOCKLINGS_HOME={} LANG=en_US.UTF-8 {} start custom-nginx-volume; sleep 30",
        home.path().display(),
        bin().display()
    );
    let t = Tmux::start("dkt-preflight", &cmd);
    let s = t.wait_for("Remove the 1 thing(s) other docklings labs left?");
    assert!(s.contains("left by lab `network-ping`"), "{s}");
    assert!(s.contains("Nothing else is touched"), "{s}");
    t.keys("y");
    t.wait_for("removed 1 container(s), 0 network(s)");
    t.wait_for("Press Enter to begin");
    assert!(!docker_ok(&["container", "inspect", "custom-nginx"]));
    assert_eq!(state("dkt-bystander"), "running");
    t.keys("Enter");
    t.wait_for("1/4");
    t.keys("q");

    // week1-practice: the bystander blocks 8081; it is named, and nothing is offered.
    let cmd = format!(
        "env -u CI DOCKLINGS_HOME={} LANG=ko_KR.UTF-8 {} start week1-practice; sleep 30",
        home.path().display(),
        bin().display()
    );
    let t = Tmux::start("dkt-preflight2", &cmd);
    let s = t.wait_for("Enter 를 누르면 시작합니다");
    assert!(s.contains("`dkt-bystander` (httpd)"), "{s}");
    assert!(s.contains("docklings는 건드리지 않습니다"), "{s}");
    assert!(!s.contains("지울까요"), "{s}");
    t.keys("Enter");
    t.keys("q");
    assert_eq!(state("dkt-bystander"), "running");
}
