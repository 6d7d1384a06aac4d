//! A small builder around the binary, in the style of `just`'s tests:
//! `Test::new().args(&["check", "x"]).run().code(1).stdout_has("...")`.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_docklings"))
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The longest any single docklings command may take in a test (selftest of every lab is
/// the slowest, at well under a minute).
const RUN_LIMIT: std::time::Duration = std::time::Duration::from_secs(240);

pub struct Test {
    cmd: Command,
    /// A fresh data folder per run; kept alive (and removed) with the test.
    _home: tempfile::TempDir,
}

impl Test {
    pub fn new() -> Test {
        let home = tempfile::tempdir().expect("temp home");
        let mut cmd = Command::new(bin());
        cmd.env("DOCKLINGS_HOME", home.path())
            .env_remove("DOCKLINGS_LABS")
            .env("LANG", "en_US.UTF-8")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("COLUMNS", "80")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null());
        Test { cmd, _home: home }
    }

    pub fn args(mut self, args: &[&str]) -> Test {
        self.cmd.args(args);
        self
    }

    pub fn env(mut self, k: &str, v: &str) -> Test {
        self.cmd.env(k, v);
        self
    }

    /// Run with the repository as the working directory (for relative fixture paths).
    pub fn run_in_root(mut self) -> Out {
        self.cmd.current_dir(root());
        self.run()
    }

    /// Run to the end, or kill it after [`RUN_LIMIT`]: a hung command fails its test with
    /// what it printed, instead of holding the whole suite (and CI) until its deadline.
    pub fn run(mut self) -> Out {
        use std::io::Read;
        let mut child = self
            .cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run docklings");
        let mut out = child.stdout.take().expect("stdout");
        let mut err = child.stderr.take().expect("stderr");
        let out_t = std::thread::spawn(move || {
            let mut b = Vec::new();
            let _ = out.read_to_end(&mut b);
            b
        });
        let err_t = std::thread::spawn(move || {
            let mut b = Vec::new();
            let _ = err.read_to_end(&mut b);
            b
        });
        let deadline = std::time::Instant::now() + RUN_LIMIT;
        let status = loop {
            if let Some(st) = child.try_wait().expect("wait for docklings") {
                break Some(st);
            }
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        let stdout = out_t.join().unwrap_or_default();
        let mut stderr = err_t.join().unwrap_or_default();
        let code = match status {
            Some(st) => st.code().unwrap_or(-1),
            None => {
                stderr.extend_from_slice(
                    format!("\n[harness] killed after {RUN_LIMIT:?}\n").as_bytes(),
                );
                -1
            }
        };
        Out {
            code,
            stdout: String::from_utf8_lossy(&stdout).into_owned(),
            stderr: String::from_utf8_lossy(&stderr).into_owned(),
        }
    }
}

pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    #[track_caller]
    pub fn code(self, want: i32) -> Out {
        assert_eq!(
            self.code, want,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn stdout_has(self, s: &str) -> Out {
        assert!(
            self.stdout.contains(s),
            "stdout lacks {s:?}:\n{}",
            self.stdout
        );
        self
    }

    #[track_caller]
    pub fn stderr_has(self, s: &str) -> Out {
        assert!(
            self.stderr.contains(s),
            "stderr lacks {s:?}:\n{}",
            self.stderr
        );
        self
    }

    #[track_caller]
    pub fn no_panic(self) -> Out {
        assert!(
            !self.stderr.contains("panicked") && !self.stderr.contains("RUST_BACKTRACE"),
            "panic:\n{}",
            self.stderr
        );
        self
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", self.stdout))
    }
}

/// Run the docker CLI; panics with its output when it fails.
#[track_caller]
pub fn docker(args: &[&str]) -> String {
    let o = Command::new("docker")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run docker");
    assert!(
        o.status.success(),
        "docker {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).trim().to_owned()
}

/// A container's `State.Status`, or "" once it is gone.
pub fn state(name: &str) -> String {
    Command::new("docker")
        .args(["inspect", "-f", "{{.State.Status}}", name])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

/// Wait (bounded) until a container is in `want` ("" for removed).
#[track_caller]
pub fn wait_state(name: &str, want: &str) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let now = state(name);
        if now == want {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{name} is {now:?}, never {want:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// `docker <args>` that must fail; returns what it printed on stderr.
#[track_caller]
pub fn docker_fails(args: &[&str]) -> String {
    let o = Command::new("docker")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run docker");
    assert!(
        !o.status.success(),
        "docker {} should have failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&o.stdout)
    );
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Whether the engine the tests use (`DOCKER_HOST`, as `docker` finds it) is Podman's
/// Docker-compatible service: `.ci/run` runs the engine scenarios on both. A few facts
/// differ there by the engine's design (it records no `top` or `docker cp`, keeps no
/// `-P`); the tests that meet them say what is expected on each.
pub fn on_podman() -> bool {
    static PODMAN: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *PODMAN.get_or_init(|| {
        docker(&[
            "version",
            "-f",
            "{{range .Server.Components}}{{.Name}};{{end}}",
        ])
        .contains("Podman")
    })
}

/// Run the docker CLI, returning whether it succeeded.
pub fn docker_ok(args: &[&str]) -> bool {
    Command::new("docker")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Request a page as a learner does, with `curl`, waiting up to 5 s for the server to
/// answer (a container run with `-d` is not serving the moment `run` returns). Returns
/// the body.
#[track_caller]
pub fn curl(url: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let o = Command::new("curl")
            .args(["-s", "-f", "--max-time", "2", url])
            .stdin(Stdio::null())
            .output()
            .expect("run curl");
        if o.status.success() {
            return String::from_utf8_lossy(&o.stdout).into_owned();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "curl {url}: {}",
            o.status
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

static ENGINE: Mutex<()> = Mutex::new(());

/// Exclusive use of the engine for one test. Everything it records through `container` and
/// `network` is removed when it is dropped, even when the test fails.
pub struct Engine {
    /// `--since` for checks: engine events before this test are not its own.
    pub since: String,
    containers: Vec<String>,
    networks: Vec<String>,
    /// Volumes and image tags a test made (or a program it drives may leave), removed
    /// at the end, after the containers that could use them.
    volumes: Vec<String>,
    images: Vec<String>,
    /// One learner's docklings folder for the whole test: passes that `check` records
    /// stick for the next `check`, as they do for a learner.
    home: tempfile::TempDir,
    _lock: MutexGuard<'static, ()>,
}

/// The bundled labs.
pub const LABS: &[&str] = &[
    "hello-diamol",
    "interactive-shell",
    "published-web",
    "network-ping",
    "cp-index-html",
    "hello-world",
    "ubuntu-bash",
    "my-centos",
    "container-test1",
    "test-mysql",
    "nginx-server",
    "my-nginx",
    "custom-nginx-volume",
    "network-commands",
    "week1-practice",
];

pub const LAB_IMAGES: &[&str] = &[
    "diamol/ch02-hello-diamol",
    "diamol/ch02-hello-diamol-web",
    "diamol/base",
    "nginx",
    "hello-world",
    "ubuntu",
    "ubuntu:14.04",
    "centos:7",
    "mysql",
    "nginx:1.18",
    "httpd",
];

impl Engine {
    #[track_caller]
    pub fn lock() -> Engine {
        let lock = ENGINE.lock().unwrap_or_else(|p| p.into_inner());
        // The labs' images must be there (`.ci/run` builds the stand-ins), and nothing of
        // theirs may be running: we must not grade or remove someone else's work.
        for img in LAB_IMAGES {
            assert!(
                docker_ok(&["image", "inspect", img]),
                "image {img} is missing: run `docklings images --standin` first"
            );
            let ids = docker(&["ps", "-aq", "--filter", &format!("ancestor={img}")]);
            assert!(
                ids.is_empty(),
                "the engine already has containers from {img}; these tests need them gone"
            );
        }
        assert!(
            !docker_ok(&["network", "inspect", "custom_network"]),
            "network custom_network exists; these tests need it gone"
        );
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock");
        Engine {
            since: format!("{}.{:09}", now.as_secs(), now.subsec_nanos()),
            containers: Vec::new(),
            networks: Vec::new(),
            volumes: Vec::new(),
            images: Vec::new(),
            home: tempfile::tempdir().expect("temp home"),
            _lock: lock,
        }
    }

    /// `docker <args>` that creates a container; remembers it by the name given in `args`
    /// (every test container is named, so cleanup never guesses).
    #[track_caller]
    pub fn run(&mut self, name: &str, args: &[&str]) -> String {
        self.containers.push(name.to_owned());
        docker(args)
    }

    /// A running container of the test's that does nothing: a bystander, a victim, an
    /// exec target. Removed at the end like every other.
    #[track_caller]
    pub fn sleeper(&mut self, name: &str) -> String {
        self.run(
            name,
            &["run", "-d", "--name", name, "diamol/base", "sleep", "600"],
        )
    }

    pub fn track_container(&mut self, name: &str) {
        self.containers.push(name.to_owned());
    }

    pub fn track_network(&mut self, name: &str) {
        self.networks.push(name.to_owned());
    }

    pub fn track_volume(&mut self, name: &str) {
        self.volumes.push(name.to_owned());
    }

    pub fn track_image(&mut self, tag: &str) {
        self.images.push(tag.to_owned());
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        for c in &self.containers {
            let _ = docker_ok(&["rm", "-f", c]);
        }
        for n in &self.networks {
            let _ = docker_ok(&["network", "rm", n]);
        }
        for v in &self.volumes {
            let _ = docker_ok(&["volume", "rm", v]);
        }
        for i in &self.images {
            let _ = docker_ok(&["rmi", i]);
        }
    }
}

/// Step verdicts of a JSON report: id → passed.
pub fn verdicts(report: &serde_json::Value) -> Vec<(String, bool)> {
    report["steps"]
        .as_array()
        .map(|steps| {
            steps
                .iter()
                .map(|s| {
                    (
                        s["id"].as_str().unwrap_or("").to_owned(),
                        s["passed"].as_bool().unwrap_or(false),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Everything a step's failed checks observed, joined, for `contains` assertions.
pub fn observed(report: &serde_json::Value, step: &str) -> String {
    report["steps"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["id"] == step)
        .flat_map(|s| s["checks"].as_array().into_iter().flatten())
        .filter(|c| c["passed"] == false)
        .map(|c| format!("{} | {}", c["message"], c["observed"]))
        .collect::<Vec<_>>()
        .join("\n")
}

impl Engine {
    /// `docklings check LAB --format json`, counting only this test's engine events.
    #[track_caller]
    pub fn check(&self, lab: &str) -> serde_json::Value {
        self.check_with(lab, &[])
    }

    /// `check` with more arguments (`--answer STEP=VALUE`).
    #[track_caller]
    pub fn check_with(&self, lab: &str, extra: &[&str]) -> serde_json::Value {
        let mut args = vec!["check", lab, "--format", "json", "--since", &self.since];
        args.extend_from_slice(extra);
        let out = Test::new()
            .env("DOCKLINGS_HOME", &self.home.path().to_string_lossy())
            .args(&args)
            .run();
        assert!(
            out.code == 0 || out.code == 1,
            "check {lab}: {}",
            out.stderr
        );
        let v = out.json();
        // Exit code and verdict must agree.
        assert_eq!(out.code == 0, v["passed"] == true, "{}", out.stdout);
        v
    }
}

impl Engine {
    /// `check` as a learner runs it with nothing recorded: a fresh data folder and no
    /// `--since`, so every event the engine still remembers is in view.
    #[track_caller]
    pub fn check_fresh(&self, lab: &str, extra: &[&str]) -> serde_json::Value {
        let mut args = vec!["check", lab, "--format", "json"];
        args.extend_from_slice(extra);
        let out = Test::new().args(&args).run_in_root();
        assert!(
            out.code == 0 || out.code == 1,
            "check {lab}: {}",
            out.stderr
        );
        out.json()
    }
}

/// Assert that a step's failed checks observed (or said) `text`.
#[track_caller]
pub fn assert_observed(report: &serde_json::Value, step: &str, text: &str) {
    let o = observed(report, step);
    assert!(o.contains(text), "step {step}: want {text:?} in\n{o}");
}

/// Assert which steps pass.
#[track_caller]
pub fn assert_steps(report: &serde_json::Value, want: &[(&str, bool)]) {
    let got = verdicts(report);
    for (id, pass) in want {
        let g = got.iter().find(|(i, _)| i == id).map(|(_, p)| *p);
        assert_eq!(
            g,
            Some(*pass),
            "step {id}: want passed={pass}\n{}",
            serde_json::to_string_pretty(report).unwrap_or_default()
        );
    }
}

/// A tmux session running one command in a real terminal, killed when dropped.
pub struct Tmux(String);

impl Tmux {
    pub fn start(name: &str, cmd: &str) -> Tmux {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", name])
            .status();
        let ok = Command::new("tmux")
            .args([
                "new-session",
                "-d",
                "-s",
                name,
                "-x",
                "100",
                "-y",
                "34",
                cmd,
            ])
            .status()
            .expect("tmux (installed by .ci/run)");
        assert!(ok.success());
        Tmux(name.to_owned())
    }

    pub fn screen(&self) -> String {
        let o = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.0])
            .output()
            .expect("capture");
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    #[track_caller]
    pub fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let s = self.screen();
            if s.contains(text) {
                return s;
            }
            assert!(Instant::now() < deadline, "never showed {text:?}:\n{s}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn keys(&self, k: &str) {
        let _ = Command::new("tmux")
            .args(["send-keys", "-t", &self.0, k])
            .status();
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.0])
            .status();
    }
}

/// Everything a submission could leave behind, sorted (the engine lists images of the same
/// age in no fixed order).
pub fn engine_state() -> Vec<String> {
    let mut lines = Vec::new();
    for args in [
        &["ps", "-aq", "--no-trunc"][..],
        &["network", "ls", "-q", "--no-trunc"],
        &["images", "-q", "--no-trunc"],
        &["images", "-aq", "--no-trunc"],
        &["images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}"],
        &["volume", "ls", "-q"],
    ] {
        let out = docker(args);
        let mut part: Vec<String> = out
            .lines()
            .map(|l| format!("{}: {l}", args.join(" ")))
            .collect();
        part.sort();
        lines.extend(part);
    }
    lines
}
