//! Finding the engine as the docker CLI does: a docker context alone (no DOCKER_HOST) is
//! enough, a docker CLI pointed elsewhere is warned about, and bad flags are named.
//!
//! Each test makes its own `DOCKER_CONFIG` in a temporary folder, with contexts written as
//! `docker context create` writes them, and reaches the real engine through a link to its
//! socket: another path to the same engine, as colima or Docker Desktop give. Unix only:
//! the links are to a unix socket.
#![cfg(unix)]

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::harness::{Engine, Test};

/// The real engine's socket: the tests' DOCKER_HOST if it is one, else the system's.
fn real_socket() -> PathBuf {
    std::env::var("DOCKER_HOST")
        .ok()
        .and_then(|h| h.strip_prefix("unix://").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("/var/run/docker.sock"))
}

/// A temporary docker config folder (`DOCKER_CONFIG`) and a place for sockets.
struct Config {
    dir: tempfile::TempDir,
}

impl Config {
    fn new() -> Config {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("docker")).expect("mkdir");
        Config { dir }
    }

    fn docker_config(&self) -> PathBuf {
        self.dir.path().join("docker")
    }

    fn config_json(&self) -> PathBuf {
        self.docker_config().join("config.json")
    }

    /// A link to the real engine's socket: the same engine under another path.
    fn link_to_engine(&self, name: &str) -> PathBuf {
        let link = self.dir.path().join(name);
        std::os::unix::fs::symlink(real_socket(), &link).expect("symlink");
        link
    }

    fn current(&self, name: &str) {
        let json = serde_json::json!({"auths": {}, "currentContext": name});
        std::fs::write(self.config_json(), json.to_string()).expect("write config.json");
    }

    /// `docker context create NAME --docker host=unix://SOCKET`, as files.
    fn context(&self, name: &str, socket: &Path) {
        let id: String = Sha256::digest(name.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let dir = self.docker_config().join("contexts/meta").join(id);
        std::fs::create_dir_all(&dir).expect("mkdir");
        let meta = serde_json::json!({
            "Name": name,
            "Metadata": {"Description": "docklings test"},
            "Endpoints": {"docker": {
                "Host": format!("unix://{}", socket.display()),
                "SkipTLSVerify": false
            }}
        });
        std::fs::write(dir.join("meta.json"), meta.to_string()).expect("write meta.json");
    }

    /// docklings with only this config to go by: no DOCKER_HOST, no DOCKER_CONTEXT (the
    /// docker CLI, like docklings, treats an empty variable as unset).
    fn test(&self) -> Test {
        Test::new()
            .env("DOCKER_CONFIG", &self.docker_config().display().to_string())
            .env("DOCKER_HOST", "")
            .env("DOCKER_CONTEXT", "")
    }
}

#[test]
fn a_current_context_alone_finds_the_engine() {
    let c = Config::new();
    let link = c.link_to_engine("engine.sock");
    c.context("docklings-test", &link);
    c.current("docklings-test");
    let _e = Engine::lock();

    let out = c.test().args(&["doctor"]).run().no_panic();
    let engine_line = out
        .stdout
        .lines()
        .find(|l| l.contains("Docker engine:"))
        .unwrap_or_default()
        .to_owned();
    assert!(engine_line.starts_with('✓'), "{}", out.stdout);
    let how = format!(
        "at unix://{} (context `docklings-test` from {})",
        link.display(),
        c.config_json().display()
    );
    assert!(engine_line.ends_with(&how), "{engine_line}\nwanted: {how}");
    // The engine docker uses is docklings' own: nothing to warn about.
    assert!(!out.stdout.contains("docker CLI:"), "{}", out.stdout);

    let out = c
        .test()
        .args(&["check", "hello-diamol", "--format", "json"])
        .run()
        .no_panic();
    assert!(
        out.code == 0 || out.code == 1,
        "check reached no engine: {}\n{}",
        out.code,
        out.stderr
    );
    assert_eq!(out.json()["lab"], "hello-diamol", "{}", out.stdout);

    // The context is what docklings went by: pointed at nothing, nothing is reached, and
    // the error says which context and which file chose it.
    c.context("docklings-test", &c.dir.path().join("missing.sock"));
    c.test()
        .args(&["check", "hello-diamol"])
        .run()
        .code(3)
        .stderr_has("missing.sock")
        .stderr_has("context `docklings-test` from ")
        .stderr_has("config.json");
    // DOCKER_CONTEXT comes before the current context.
    c.context("other", &link);
    c.test()
        .env("DOCKER_CONTEXT", "other")
        .args(&["check", "hello-diamol", "--format", "json"])
        .run()
        .no_panic()
        .stdout_has("\"lab\"");
}

#[test]
fn a_docker_cli_on_another_engine_is_warned_about() {
    let c = Config::new();
    let elsewhere = c.dir.path().join("colima.sock");
    c.context("colima", &elsewhere);
    c.current("colima");
    let _e = Engine::lock();

    // DOCKER_HOST exported in docklings' terminal; a new terminal's docker uses colima.
    let host = format!("unix://{}", real_socket().display());
    let out = c
        .test()
        .env("DOCKER_HOST", &host)
        .args(&["doctor"])
        .run()
        .no_panic();
    let warning = out
        .stdout
        .lines()
        .find(|l| l.starts_with("! docker CLI:"))
        .unwrap_or_else(|| panic!("no warning:\n{}", out.stdout))
        .to_owned();
    assert!(
        warning.contains(&format!(
            "`docker` in a new terminal uses `unix://{}` (context `colima` from {})",
            elsewhere.display(),
            c.config_json().display()
        )),
        "{warning}"
    );
    assert!(out.stdout.contains("`unset DOCKER_HOST`"), "{}", out.stdout);
    assert!(out.stdout.contains("✓ Docker engine:"), "{}", out.stdout);

    // In Korean too.
    c.test()
        .env("DOCKER_HOST", &host)
        .args(&["--lang", "ko", "doctor"])
        .run()
        .stdout_has("새 터미널의 `docker` 는");

    // The context reaching the same engine by another path is no mismatch.
    c.context("colima", &c.link_to_engine("same-engine.sock"));
    let out = c.test().env("DOCKER_HOST", &host).args(&["doctor"]).run();
    assert!(!out.stdout.contains("docker CLI:"), "{}", out.stdout);

    // `--host` told docklings one thing; docker in this terminal goes by the context.
    c.context("colima", &elsewhere);
    let link = c.link_to_engine("flag.sock");
    let flag = format!("unix://{}", link.display());
    c.test()
        .args(&["doctor", "--host", &flag])
        .run()
        .stdout_has("`docker` in this terminal uses")
        .stdout_has("leave `--host` out");
}

#[test]
fn an_unknown_context_flag_is_bad_input() {
    let c = Config::new();
    c.test()
        .args(&["check", "hello-diamol", "--context", "nope"])
        .run()
        .code(2)
        .stderr_has("`nope`")
        .stderr_has("--context")
        .stderr_has("docker context ls");
    // Named by the environment or the config instead, it is the machine's set-up: exit 3.
    c.test()
        .env("DOCKER_CONTEXT", "nope")
        .args(&["check", "hello-diamol"])
        .run()
        .code(3)
        .stderr_has("`nope` (from DOCKER_CONTEXT)");
    // Both flags at once are refused, as docker refuses them.
    c.test()
        .args(&["check", "hello-diamol", "--context", "x", "-H", "unix:///x"])
        .run()
        .code(2);
    // A damaged config.json is named, not guessed around.
    std::fs::write(c.config_json(), "{ not json").expect("write");
    c.test()
        .args(&["check", "hello-diamol"])
        .run()
        .code(3)
        .stderr_has("config.json")
        .stderr_has("not JSON");
}

#[test]
fn a_host_flag_without_an_engine_is_exit_3() {
    let c = Config::new();
    c.test()
        .args(&["--host", "unix:///nonexistent", "check", "hello-diamol"])
        .run()
        .code(3)
        .stderr_has("/nonexistent")
        .stderr_has("from --host");
    // A malformed address on the command line is the user's mistake.
    c.test()
        .args(&["check", "hello-diamol", "-H", "tcp://localhost:notaport"])
        .run()
        .code(2)
        .stderr_has("not a port number");
}
