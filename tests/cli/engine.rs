//! The engine down, missing or silent: exit 3 within seconds, saying what was tried.

use std::time::{Duration, Instant};

use crate::harness::Test;

#[test]
fn missing_socket_is_exit_3_and_named() {
    let t = Instant::now();
    Test::new()
        .args(&["check", "published-web"])
        .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
        .run()
        .code(3)
        .stderr_has("/nonexistent/docker.sock")
        .stderr_has("DOCKER_HOST")
        .stderr_has("Start Docker");
    assert!(t.elapsed() < Duration::from_secs(5));
}

#[test]
fn refused_tcp_is_exit_3() {
    Test::new()
        .args(&["grade", "--all", "--format", "json"])
        .env("DOCKER_HOST", "tcp://127.0.0.1:1")
        .run()
        .code(3)
        .stderr_has("refused");
}

#[test]
fn a_silent_engine_times_out_within_seconds() {
    // A listener that accepts and never answers, like a stuck daemon.
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    let t = Instant::now();
    Test::new()
        .args(&["check", "hello-diamol"])
        .env("DOCKER_HOST", &format!("tcp://127.0.0.1:{port}"))
        .run()
        .code(3)
        .stderr_has("no answer");
    assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());
    drop(l);
}
