//! `images`: stand-ins stay as they are when unchanged; archives for offline classrooms.

use crate::harness::{Engine, Test, docker, docker_ok};

#[test]
fn standins_are_rebuilt_only_when_changed() {
    let _e = Engine::lock();
    let out = Test::new().args(&["images", "--standin"]).run().code(0);
    assert!(out.stdout.contains("up to date"), "{}", out.stdout);
    assert!(!out.stdout.contains("built"), "{}", out.stdout);
}

#[test]
fn save_then_load_brings_an_image_back_unchanged() {
    let _e = Engine::lock();
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("labs.tar");
    let f = file.to_str().expect("utf-8");
    Test::new()
        .args(&["images", "interactive-shell", "--save", f])
        .run()
        .code(0)
        .stdout_has("diamol/base:latest");
    assert!(std::fs::metadata(&file).expect("archive").len() > 100_000);
    let id = docker(&["image", "inspect", "-f", "{{.Id}}", "diamol/base"]);
    docker(&["image", "rm", "diamol/base"]);
    assert!(!docker_ok(&["image", "inspect", "diamol/base"]));
    Test::new()
        .args(&["images", "--load", f])
        .run()
        .code(0)
        .stdout_has("Loaded image: diamol/base:latest");
    assert_eq!(
        docker(&["image", "inspect", "-f", "{{.Id}}", "diamol/base"]),
        id
    );
    Test::new()
        .args(&["images", "--load", "/nonexistent.tar"])
        .run()
        .code(2)
        .stderr_has("/nonexistent.tar");
}
