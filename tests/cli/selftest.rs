//! `selftest` proves every bundled lab on the real engine, and refuses a dirty one.

use crate::harness::{Engine, LABS, Test, docker};

#[test]
fn every_lab_proves_itself_and_leaves_nothing_behind() {
    let _e = Engine::lock();
    let before = docker(&["ps", "-aq"]);
    let nets_before = docker(&["network", "ls", "-q"]);
    // Every image under every name, sorted: a lab's `rmi` must be put back, its `commit`
    // removed, and no hold tag left.
    let images = || {
        let mut v: Vec<String> =
            docker(&["images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}"])
                .lines()
                .map(str::to_owned)
                .collect();
        v.sort();
        v
    };
    let images_before = images();
    let out = Test::new().args(&["selftest", "--all"]).run();
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    for lab in LABS {
        assert!(
            out.stdout.contains(&format!("selftest {lab}")),
            "{}",
            out.stdout
        );
    }
    assert!(out.stdout.contains("every step fails on the clean engine"));
    assert!(!out.stdout.contains('✗'), "{}", out.stdout);
    assert_eq!(
        docker(&["ps", "-aq"]),
        before,
        "selftest left containers behind"
    );
    assert_eq!(
        docker(&["network", "ls", "-q"]),
        nets_before,
        "selftest left networks"
    );
    assert_eq!(images(), images_before, "selftest changed the images");
}

#[test]
fn a_dirty_engine_is_refused_and_left_alone() {
    let mut e = Engine::lock();
    e.run(
        "dkt-s1",
        &[
            "run",
            "-d",
            "--name",
            "dkt-s1",
            "diamol/ch02-hello-diamol-web",
        ],
    );
    let out = Test::new().args(&["selftest", "published-web"]).run();
    assert_eq!(out.code, 2, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("container `dkt-s1`"), "{}", out.stderr);
    // Still there, untouched.
    assert_eq!(
        docker(&["inspect", "-f", "{{.State.Status}}", "dkt-s1"]),
        "running"
    );
}

#[test]
fn a_taken_port_is_named() {
    let _e = Engine::lock();
    let l = std::net::TcpListener::bind("0.0.0.0:8088").expect("port 8088 free for the test");
    let out = Test::new().args(&["selftest", "published-web"]).run();
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("port 8088"), "{}", out.stderr);
    drop(l);
}
