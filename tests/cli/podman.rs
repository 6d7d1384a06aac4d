//! docklings against Podman's Docker-compatible service: the engine scenarios of the five
//! original labs and `selftest --all`, as on Docker.
//!
//! They run only when `DOCKLINGS_PODMAN_SOCKET` names the service's socket (a path, or a
//! `unix://` address), and skip with a note otherwise. Run them on their own —
//! `DOCKLINGS_PODMAN_SOCKET=/run/podman/podman.sock cargo test --test cli podman::` — and
//! under the engine lock: Podman's containers publish the same host ports as the Docker
//! tests' do. Each test removes what it made, on Podman only.

use std::process::{Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::harness::{Test, Tmux, assert_steps, observed, root};

/// Podman's service, as a `DOCKER_HOST` value; `None` (and a note) when not asked for.
fn podman_host() -> Option<String> {
    match std::env::var("DOCKLINGS_PODMAN_SOCKET") {
        Ok(s) if !s.trim().is_empty() => Some(if s.contains("://") {
            s
        } else {
            format!("unix://{s}")
        }),
        _ => {
            eprintln!(
                "skipped: set DOCKLINGS_PODMAN_SOCKET to Podman's socket \
                 (e.g. /run/podman/podman.sock) to run the Podman tests"
            );
            None
        }
    }
}

static PODMAN: Mutex<()> = Mutex::new(());

/// Exclusive use of Podman for one test; removes what it recorded when dropped.
struct Pod {
    host: String,
    since: String,
    containers: Vec<String>,
    networks: Vec<String>,
    home: tempfile::TempDir,
    _lock: MutexGuard<'static, ()>,
}

impl Pod {
    /// `None` when the Podman tests are not asked for.
    fn lock() -> Option<Pod> {
        let host = podman_host()?;
        let lock = PODMAN.lock().unwrap_or_else(|p| p.into_inner());
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock");
        let pod = Pod {
            host,
            since: format!("{}.{:09}", now.as_secs(), now.subsec_nanos()),
            containers: Vec::new(),
            networks: Vec::new(),
            home: tempfile::tempdir().expect("temp home"),
            _lock: lock,
        };
        assert!(
            pod.docker(&["ps", "-aq"]).is_empty(),
            "Podman has containers already; these tests need it clean"
        );
        Some(pod)
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new("docker");
        c.args(args)
            .env("DOCKER_HOST", &self.host)
            .stdin(Stdio::null());
        c
    }

    /// The docker CLI against Podman; panics with its output when it fails.
    #[track_caller]
    fn docker(&self, args: &[&str]) -> String {
        let o = self.command(args).output().expect("run docker");
        assert!(
            o.status.success(),
            "docker {} (Podman): {}",
            args.join(" "),
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).trim().to_owned()
    }

    /// A container the test makes, by the name in `args` (removed at the end).
    #[track_caller]
    fn run(&mut self, name: &str, args: &[&str]) -> String {
        self.containers.push(name.to_owned());
        self.docker(args)
    }

    fn docklings(&self) -> Test {
        Test::new()
            .env("DOCKER_HOST", &self.host)
            .env("DOCKLINGS_HOME", &self.home.path().to_string_lossy())
    }

    /// `check LAB --format json` since the test began.
    #[track_caller]
    fn check(&self, lab: &str, extra: &[&str]) -> serde_json::Value {
        let mut args = vec!["check", lab, "--format", "json", "--since", &self.since];
        args.extend_from_slice(extra);
        let out = self.docklings().args(&args).run();
        assert!(
            out.code == 0 || out.code == 1,
            "check {lab}: {}",
            out.stderr
        );
        out.json()
    }

    /// `State.Status`, or "" once it is gone.
    fn state(&self, name: &str) -> String {
        self.command(&["inspect", "-f", "{{.State.Status}}", name])
            .stderr(Stdio::null())
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default()
    }

    #[track_caller]
    fn wait_state(&self, name: &str, want: &str) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while self.state(name) != want {
            assert!(Instant::now() < deadline, "{name} never {want:?}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// How many events of this action Podman logged since the test began (read through
    /// the socket with `stream=false`: the docker CLI's `--until` gets nothing from it).
    fn events(&self, action: &str) -> usize {
        let since = self.since.split('.').next().unwrap_or("0");
        let socket = self.host.trim_start_matches("unix://");
        let out = Command::new("curl")
            .args([
                "-s",
                "--unix-socket",
                socket,
                &format!("http://podman/v1.41/events?since={since}&stream=false"),
            ])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default();
        out.lines()
            .filter(|l| l.contains(&format!("\"Action\":\"{action}\"")))
            .count()
    }

    /// `docklings ARGS` against Podman for `secs` seconds, then stopped; what it printed.
    fn docklings_for(&self, args: &[&str], secs: u64) -> String {
        let mut child = Command::new(crate::harness::bin())
            .args(args)
            .env("DOCKER_HOST", &self.host)
            .env("DOCKLINGS_HOME", self.home.path())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("run docklings");
        std::thread::sleep(Duration::from_secs(secs));
        let _ = child.kill();
        child
            .wait_with_output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default()
    }
}

impl Drop for Pod {
    fn drop(&mut self) {
        for c in &self.containers {
            let _ = self.command(&["rm", "-f", c]).output();
        }
        for n in &self.networks {
            let _ = self.command(&["network", "rm", n]).output();
        }
    }
}

/// Everything a step's checks said, passed or not.
fn said(report: &serde_json::Value, step: &str) -> String {
    report["steps"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["id"] == step)
        .flat_map(|s| s["checks"].as_array().into_iter().flatten())
        .map(|c| format!("{} | {}", c["message"], c["observed"]))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `curl` until the server answers (a detached container does not serve at once).
#[track_caller]
fn curl(url: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let o = Command::new("curl")
            .args(["-s", "-f", "--max-time", "2", url])
            .output()
            .expect("run curl");
        if o.status.success() {
            return String::from_utf8_lossy(&o.stdout).into_owned();
        }
        assert!(Instant::now() < deadline, "curl {url}: {}", o.status);
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn doctor_names_podman() {
    let Some(p) = Pod::lock() else { return };
    let out = p.docklings().args(&["doctor"]).run();
    assert!(
        out.stdout.contains("Docker engine: Podman "),
        "{}",
        out.stdout
    );
}

#[test]
fn hello_diamol_twice_named_and_twice_removed() {
    let Some(mut p) = Pod::lock() else { return };
    let r = p.check("hello-diamol", &[]);
    assert_steps(&r, &[("run-once", false), ("run-again", false)]);
    let out = p.run(
        "pk-h1",
        &["run", "--name", "pk-h1", "diamol/ch02-hello-diamol"],
    );
    assert!(out.contains("Hello from Chapter 2!"), "{out}");
    let r = p.check("hello-diamol", &[]);
    assert_steps(&r, &[("run-once", true), ("run-again", false)]);
    p.run(
        "pk-h2",
        &["run", "--name", "pk-h2", "diamol/ch02-hello-diamol"],
    );
    let r = p.check("hello-diamol", &[]);
    assert_steps(&r, &[("run-once", true), ("run-again", true)]);
}

/// `--rm` leaves only events: Podman's `remove` and `docker.io/…` images must read as
/// Docker's `destroy` and short names.
#[test]
fn hello_diamol_with_rm_is_proved_by_events() {
    let Some(p) = Pod::lock() else { return };
    for _ in 0..2 {
        let out = p.docker(&["run", "--rm", "diamol/ch02-hello-diamol"]);
        assert!(out.contains("Hello from Chapter 2!"), "{out}");
    }
    let r = p.check("hello-diamol", &[]);
    assert_steps(&r, &[("run-once", true), ("run-again", true)]);
}

/// `run -it` in a real terminal, `hostname` at the prompt, `top` from the host: Podman
/// records no `top`, and the step says so instead of waiting forever.
#[test]
fn interactive_shell_with_top_unrecorded() {
    let Some(mut p) = Pod::lock() else { return };
    p.containers.push("pk-b4".to_owned());
    let t = Tmux::start(
        "pk-shell",
        &format!(
            "DOCKER_HOST={} docker run -it --name pk-b4 diamol/base; sleep 30",
            p.host
        ),
    );
    t.wait_for("/ #");
    t.keys("hostname");
    t.keys("Enter");
    let hostname = p.docker(&["inspect", "-f", "{{.Config.Hostname}}", "pk-b4"]);
    t.wait_for(&format!("{hostname}\n"));
    let answer = format!("explore={hostname}");
    let r = p.check("interactive-shell", &["--answer", &answer]);
    assert_steps(&r, &[("run-interactive", true), ("explore", true)]);
    // The third step is `docker top` and nothing else, which Podman does not record:
    // nothing shows it was done, so it does not pass the moment `explore` did, nor after
    // the act; the step says why.
    p.docker(&["container", "top", "pk-b4"]);
    let r = p.check("interactive-shell", &["--answer", &answer]);
    assert_steps(&r, &[("inspect-from-host", false)]);
    assert!(
        said(&r, "inspect-from-host")
            .contains("docklings cannot confirm this step on Podman: Podman does not record `top`"),
        "{}",
        said(&r, "inspect-from-host")
    );
    t.keys("exit");
    t.keys("Enter");
    p.wait_state("pk-b4", "exited");
}

/// Podman never sets `AttachStdout`: a site run attached must still fail `detached`, told
/// by its `attach` event; run with `-d`, browsed and removed, every step passes.
#[test]
fn published_web_attached_fails_and_detached_passes() {
    let Some(mut p) = Pod::lock() else { return };
    p.containers.push("pk-w0".to_owned());
    let _t = Tmux::start(
        "pk-attached",
        &format!(
            "DOCKER_HOST={} docker run --name pk-w0 -p 8088:80 diamol/ch02-hello-diamol-web; sleep 30",
            p.host
        ),
    );
    p.wait_state("pk-w0", "running");
    let r = p.check("published-web", &[]);
    assert_steps(&r, &[("run-detached", false)]);
    let o = observed(&r, "run-detached");
    assert!(o.contains("`-d`"), "{o}");
    p.docker(&["rm", "-f", "pk-w0"]);
    p.run(
        "pk-w1",
        &[
            "run",
            "-d",
            "--name",
            "pk-w1",
            "-p",
            "8088:80",
            "diamol/ch02-hello-diamol-web",
        ],
    );
    curl("http://localhost:8088");
    let r = p.check("published-web", &[]);
    assert_steps(
        &r,
        &[("run-detached", true), ("browse", true), ("remove", false)],
    );
    p.docker(&["rm", "-f", "pk-w1"]);
    let r = p.check("published-web", &[]);
    assert_steps(
        &r,
        &[("run-detached", true), ("browse", true), ("remove", true)],
    );
}

/// `exec ls` (Podman's exec names no command: it counts, and the step says so), `cp` in
/// (no `extract-to-dir` event: the file itself is the evidence), then the new page.
#[test]
fn cp_index_html_by_exec_and_cp() {
    let Some(mut p) = Pod::lock() else { return };
    p.run(
        "pk-c1",
        &[
            "run",
            "-d",
            "--name",
            "pk-c1",
            "-p",
            "8088:80",
            "diamol/ch02-hello-diamol-web",
        ],
    );
    curl("http://localhost:8088");
    let r = p.check("cp-index-html", &[]);
    assert_steps(&r, &[("web-running", true), ("list-htdocs", false)]);
    p.docker(&["exec", "pk-c1", "ls", "/usr/local/apache2/htdocs"]);
    let r = p.check("cp-index-html", &[]);
    assert_steps(&r, &[("list-htdocs", true), ("copy-index", false)]);
    assert!(
        said(&r, "list-htdocs").contains("Podman records that a command ran, not which one"),
        "{}",
        said(&r, "list-htdocs")
    );
    let page = root().join("labs/cp-index-html/index.html");
    p.docker(&[
        "cp",
        &page.to_string_lossy(),
        "pk-c1:/usr/local/apache2/htdocs/index.html",
    ]);
    let r = p.check("cp-index-html", &[]);
    assert_steps(&r, &[("copy-index", true)]);
    // Podman records no `docker cp`: the copy is undated, and the step says what that means.
    assert!(
        said(&r, "copy-index")
            .contains("when it was copied in is not known (Podman does not record `docker cp`)"),
        "{}",
        said(&r, "copy-index")
    );
    curl("http://localhost:8088");
    let r = p.check("cp-index-html", &[]);
    assert_steps(
        &r,
        &[
            ("web-running", true),
            ("list-htdocs", true),
            ("copy-index", true),
            ("browse-new", true),
        ],
    );
}

/// Podman's exec helper processes (conmon, two per exec) running on this machine.
fn exec_helpers() -> usize {
    Command::new("pgrep")
        .args(["-fc", "conmon.* --exec "])
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(0)
}

/// Two containers on a user-defined network, `ping` by name; and `watch` on it does not
/// feed on its own probes (Podman's exec events carry no mark to know them by).
#[test]
fn network_ping_and_a_quiet_watch() {
    let Some(mut p) = Pod::lock() else { return };
    p.networks.push("custom_network".to_owned());
    p.docker(&["network", "create", "custom_network"]);
    p.run(
        "custom-nginx",
        &[
            "run",
            "-d",
            "--name",
            "custom-nginx",
            "--network",
            "custom_network",
            "nginx",
        ],
    );
    p.run(
        "custom_nginx_sub",
        &[
            "run",
            "-d",
            "--name",
            "custom_nginx_sub",
            "--network",
            "custom_network",
            "nginx",
        ],
    );
    let r = p.check("network-ping", &[]);
    assert_steps(
        &r,
        &[
            ("create-network", true),
            ("run-two", true),
            ("ping-by-name", false),
        ],
    );
    let execs_before = p.events("exec");
    let helpers_before = exec_helpers();
    let out = p.docklings_for(&["watch", "network-ping", "--format", "jsonl"], 6);
    let probes = p.events("exec") - execs_before;
    assert!(
        probes <= 4,
        "watch ran {probes} probes in 6 s with nothing happening:\n{out}"
    );
    // Podman keeps each API exec's helper (a conmon pair) for `exit_command_delay` (five
    // minutes) after the exec ends, by design: the helpers a watch leaves are as few as
    // its probes (the issue saw 28 after 8 s of a watch feeding on its own probes).
    let helpers_after = exec_helpers();
    assert!(
        helpers_after <= helpers_before + 2 * probes,
        "{} exec helpers after watch for {probes} probes (before: {helpers_before})",
        helpers_after
    );
    p.docker(&[
        "exec",
        "custom_nginx_sub",
        "ping",
        "-c",
        "3",
        "custom-nginx",
    ]);
    let ip = p.docker(&[
        "inspect",
        "-f",
        "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
        "custom-nginx",
    ]);
    let r = p.check("network-ping", &["--answer", &format!("ping-by-name={ip}")]);
    assert_steps(&r, &[("ping-by-name", true)]);
    assert!(
        said(&r, "ping-by-name").contains("Podman records that a command ran, not which one"),
        "{}",
        said(&r, "ping-by-name")
    );
}

#[test]
fn selftest_of_every_lab() {
    let Some(p) = Pod::lock() else { return };
    let out = p.docklings().args(&["selftest", "--all"]).run();
    // What Podman 4.3 cannot show: `docker commit` fails in its compatible API
    // ("Decode(): EOF": the docker CLI sends no body); it records no `prune` events, and
    // the prune step's other check is a state a clean engine already has; it records no
    // `top`, interactive-shell's last step and all of it. Nothing shows the learner did
    // those two: docklings says it cannot confirm them there rather than pass them
    // (before, one passed on a clean engine and the other with the step before it).
    let known = [
        ("my-centos", "commit: solution failed"),
        ("week1-practice", "prune still fails after its solution"),
        (
            "interactive-shell",
            "inspect-from-host still fails after its solution",
        ),
    ];
    let mut lab = "";
    let mut unexpected = Vec::new();
    for line in out.stdout.lines() {
        if let Some(l) = line.strip_prefix("selftest ") {
            lab = l.trim();
        } else if let Some(what) = line.trim_start().strip_prefix("✗ ")
            && !known.iter().any(|(l, w)| *l == lab && what.starts_with(w))
        {
            unexpected.push(format!("{lab}: {what}"));
        }
    }
    assert!(
        unexpected.is_empty(),
        "{}\n--- stdout\n{}\n--- stderr\n{}",
        unexpected.join("\n"),
        out.stdout,
        out.stderr
    );
    assert!(
        out.stdout.contains(
            "docklings cannot confirm this step on Podman: Podman does not record `prune`"
        ),
        "{}\n--- stderr\n{}",
        out.stdout,
        out.stderr
    );
    for l in crate::harness::LABS {
        assert!(
            out.stdout.contains(&format!("selftest {l}")),
            "{}",
            out.stdout
        );
    }
    assert!(
        p.docker(&["ps", "-aq"]).is_empty(),
        "selftest left containers"
    );
}
