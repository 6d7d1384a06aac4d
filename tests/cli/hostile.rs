//! Hostile submissions (issue 11): each script in `fixtures/submissions/hostile/` attacks
//! the grader, the host or what else is on the engine, and also solves `published-web`
//! honestly. On an engine with bystanders — a running container with a secret in its
//! environment and logs, a stopped one, a user network with members, an idle network, a
//! volume with a file, an image tag — every attack must be refused by the guard (the
//! submission is `rejected`, its honest steps still shown) or contained by the sandbox (the
//! honest part scores 3/3). Either way no bystander changes, no host file appears, and
//! neither the secret nor a bystander's name shows in the report.
//!
//! The honest full solution under the sandbox is
//! `submission::a_full_solution_scores_full_marks_though_it_removes_its_evidence`.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::{
    Engine, LAB_IMAGES, Out, Test, assert_steps, docker, docker_ok, engine_state, root,
};

/// What every bystander's name starts with; the fixtures mask it in their own output, so
/// it shows in a report only when the grader (or a list) leaked it.
const PREFIX: &str = "dkh-bystander";

fn unique() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock");
    format!("{:x}{:x}", std::process::id(), now.subsec_nanos())
}

/// What was on the engine before the submission ran; removed when dropped.
struct Bystanders {
    secret: String,
    running: String,
    stopped: String,
    net: String,
    idle_net: String,
    vol: String,
    img: String,
    /// The name of the files the scripts try to write outside their folder.
    pwned: String,
    /// `tcp://127.0.0.1:PORT` of a relay to the real engine, when the test made one.
    engine_tcp: Option<String>,
    /// [`Bystanders::state`] and [`engine_state`] once all was made: every grade must
    /// leave both as they were.
    before: Vec<String>,
    engine_before: Vec<String>,
}

impl Bystanders {
    #[track_caller]
    fn create() -> Bystanders {
        let r = unique();
        let mut b = Bystanders {
            secret: format!("s3cr3t-{r}"),
            running: format!("{PREFIX}-{r}"),
            stopped: format!("{PREFIX}-stopped-{r}"),
            net: format!("{PREFIX}-net-{r}"),
            idle_net: format!("{PREFIX}-idle-{r}"),
            vol: format!("{PREFIX}-vol-{r}"),
            img: format!("{PREFIX}-img:{r}"),
            pwned: format!("dkh-pwned-{r}"),
            engine_tcp: None,
            before: Vec::new(),
            engine_before: Vec::new(),
        };
        // An image of its own (not a lab image's ID), built from a local image only.
        let ctx = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            ctx.path().join("Dockerfile"),
            format!("FROM diamol/base\nLABEL dkh.bystander=\"{r}\"\n"),
        )
        .expect("write Dockerfile");
        docker(&[
            "build",
            "-q",
            "-t",
            &b.img,
            &ctx.path().display().to_string(),
        ]);
        docker(&["network", "create", &b.net]);
        docker(&["network", "create", &b.idle_net]);
        docker(&["volume", "create", &b.vol]);
        let env = format!("SECRET={}", b.secret);
        docker(&[
            "run",
            "-d",
            "--name",
            &b.running,
            "--network",
            &b.net,
            "-v",
            &format!("{}:/data", b.vol),
            "-e",
            &env,
            &b.img,
            "sh",
            "-c",
            &format!("echo \"$SECRET\"; echo kept-{r} > /data/file; exec sleep 600"),
        ]);
        // On the default bridge too, so `network inspect bridge` would list it.
        docker(&["network", "connect", "bridge", &b.running]);
        docker(&[
            "run",
            "-d",
            "--name",
            &b.stopped,
            "-e",
            &env,
            &b.img,
            "sh",
            "-c",
            "echo \"$SECRET\"; exit 3",
        ]);
        docker(&["wait", &b.stopped]);
        let deadline = Instant::now() + Duration::from_secs(10);
        while b.volume_file() != format!("kept-{r}") {
            assert!(
                Instant::now() < deadline,
                "the bystander never wrote its file"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        b.before = b.state();
        b.engine_before = engine_state();
        b
    }

    fn volume_file(&self) -> String {
        let o = Command::new("docker")
            .args(["exec", &self.running, "cat", "/data/file"])
            .stdin(Stdio::null())
            .output()
            .expect("docker exec");
        String::from_utf8_lossy(&o.stdout).trim().to_owned()
    }

    /// Everything about the bystanders a submission could change (few docker calls: this
    /// runs before and after every grade).
    fn state(&self) -> Vec<String> {
        let mut s = Vec::new();
        s.extend(
            docker(&[
                "container",
                "inspect",
                "-f",
                "{{.Id}} {{.Name}} {{.State.Status}} {{.State.Pid}} {{.State.Paused}} \
                 {{.State.StartedAt}} {{.State.FinishedAt}} {{.State.ExitCode}} \
                 {{.RestartCount}} {{.Image}} {{json .Config.Env}} {{.HostConfig.Memory}} \
                 {{json .Mounts}} {{range $k, $v := .NetworkSettings.Networks}}{{$k}},{{end}}",
                &self.running,
                &self.stopped,
            ])
            .lines()
            .map(str::to_owned),
        );
        s.push(format!("diff: {}", docker(&["diff", &self.running])));
        s.extend(
            docker(&[
                "network",
                "inspect",
                "-f",
                "{{.Id}} {{.Name}} {{range $k, $v := .Containers}}{{$k}},{{end}}",
                &self.net,
                &self.idle_net,
            ])
            .lines()
            .map(str::to_owned),
        );
        s.push(docker(&[
            "volume",
            "inspect",
            "-f",
            "{{.Name}} {{.Mountpoint}} {{json .Labels}}",
            &self.vol,
        ]));
        s.push(format!("volume file: {}", self.volume_file()));
        let mut images = vec!["image", "inspect", "-f", "{{.Id}}", self.img.as_str()];
        images.extend_from_slice(LAB_IMAGES);
        let ids = docker(&images);
        s.extend(
            images[4..]
                .iter()
                .zip(ids.lines())
                .map(|(img, id)| format!("{img}: {id}")),
        );
        s.push(format!(
            "swarm: {}",
            docker(&["info", "-f", "{{.Swarm.LocalNodeState}}"])
        ));
        s
    }

    /// `bystanders.env`, which the fixtures read.
    fn env_file(&self) -> String {
        let mut s = format!(
            "BYSTANDER={}\nBYSTANDER_STOPPED={}\nBYSTANDER_NET={}\nBYSTANDER_IDLE_NET={}\n\
             BYSTANDER_VOL={}\nBYSTANDER_IMG={}\nPWNED={}\n",
            self.running, self.stopped, self.net, self.idle_net, self.vol, self.img, self.pwned
        );
        if let Some(t) = &self.engine_tcp {
            s.push_str(&format!("ENGINE_TCP={t}\n"));
        }
        s
    }

    /// Host paths the scripts try to write.
    fn pwned_paths(&self) -> Vec<PathBuf> {
        let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
        [
            "/tmp", "/root", &home, "/etc", "/var/tmp", "/dev/shm", "/home", "/",
        ]
        .iter()
        .map(|d| Path::new(d).join(&self.pwned))
        .collect()
    }
}

impl Drop for Bystanders {
    fn drop(&mut self) {
        let _ = docker_ok(&["rm", "-f", &self.running, &self.stopped]);
        let _ = docker_ok(&["network", "rm", &self.net, &self.idle_net]);
        let _ = docker_ok(&["volume", "rm", &self.vol]);
        let _ = docker_ok(&["rmi", &self.img]);
        // Only if an attack got through; the test has failed then.
        for p in self.pwned_paths() {
            let _ = std::fs::remove_file(p);
        }
        if docker(&["info", "-f", "{{.Swarm.LocalNodeState}}"]) == "active" {
            let _ = docker_ok(&["swarm", "leave", "--force"]);
        }
    }
}

/// The engine's unix socket, as the docker CLI here reaches it.
fn engine_socket() -> String {
    match std::env::var("DOCKER_HOST") {
        Ok(h) if h.starts_with("unix://") => h.trim_start_matches("unix://").to_owned(),
        _ => "/var/run/docker.sock".to_owned(),
    }
}

/// A TCP listener on the host's loopback that relays to the engine's socket: what a
/// `DOCKER_HOST=tcp://…` engine would be. Killed when dropped.
struct TcpRelay {
    child: Child,
    url: String,
}

const RELAY: &str = r#"
import socket, sys, threading
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(16)
print(srv.getsockname()[1], flush=True)
def pipe(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            b.sendall(d)
    except OSError:
        pass
    finally:
        try:
            b.shutdown(socket.SHUT_WR)
        except OSError:
            pass
while True:
    c, _ = srv.accept()
    u = socket.socket(socket.AF_UNIX)
    u.connect(sys.argv[1])
    threading.Thread(target=pipe, args=(c, u), daemon=True).start()
    threading.Thread(target=pipe, args=(u, c), daemon=True).start()
"#;

impl TcpRelay {
    /// `None` without python3.
    fn start() -> Option<TcpRelay> {
        let mut child = Command::new("python3")
            .args(["-c", RELAY, &engine_socket()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let mut line = String::new();
        let stdout = child.stdout.take()?;
        std::io::BufReader::new(stdout).read_line(&mut line).ok()?;
        let port: u16 = line.trim().parse().ok()?;
        Some(TcpRelay {
            child,
            url: format!("tcp://127.0.0.1:{port}"),
        })
    }
}

impl Drop for TcpRelay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One graded run of a hostile fixture.
struct Graded {
    out: Out,
    json: Value,
    took: Duration,
}

impl Graded {
    fn sub(&self) -> &Value {
        &self.json["submission"]
    }

    fn tail(&self) -> String {
        self.sub()["output_tail"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|l| l.as_str().unwrap_or_default())
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default()
    }

    /// Everything printed, for failure messages.
    fn dump(&self) -> String {
        format!(
            "--- stdout\n{}\n--- stderr\n{}",
            self.out.stdout, self.out.stderr
        )
    }

    fn reasons(&self) -> Vec<String> {
        self.sub()["denied"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|d| {
                format!(
                    "{} {}: {}",
                    d["method"].as_str().unwrap_or_default(),
                    d["path"].as_str().unwrap_or_default(),
                    d["reason"].as_str().unwrap_or_default()
                )
            })
            .collect()
    }

    /// The guard refused the attack: rejected, scores nothing, says why — and still shows
    /// the honest steps it saw.
    #[track_caller]
    fn refused(&self, why: &[&str]) {
        let s = self.sub();
        assert_eq!(s["rejected"], true, "not rejected\n{}", self.dump());
        assert_eq!(self.out.code, 1, "{}", self.dump());
        assert_eq!(self.json["score"], 0, "{}", self.dump());
        assert_eq!(self.json["passed"], false);
        assert_eq!(s["sandbox"], "bubblewrap");
        assert_eq!(s["trusted"], false);
        assert_steps(
            &self.json["labs"][0],
            &[("run-detached", true), ("browse", true), ("remove", true)],
        );
        let reasons = self.reasons();
        assert!(!reasons.is_empty(), "nothing denied\n{}", self.dump());
        for w in why {
            assert!(
                reasons
                    .iter()
                    .any(|r| r.to_lowercase().contains(&w.to_lowercase())),
                "no denial mentions {w:?}: {reasons:#?}"
            );
        }
        self.no_attack_worked();
    }

    /// The sandbox contained the attack: nothing refused (there was nothing to refuse) and
    /// the honest part scores full marks.
    #[track_caller]
    fn contained(&self) {
        let s = self.sub();
        assert_eq!(s["rejected"], false, "rejected: {:#?}", self.reasons());
        assert_eq!(s["sandbox"], "bubblewrap");
        assert_eq!(s["trusted"], false);
        assert_eq!(self.json["score"], 3, "{}", self.dump());
        assert_eq!(self.json["passed"], true, "{}", self.dump());
        assert_eq!(self.out.code, 0, "{}", self.dump());
    }

    #[track_caller]
    fn no_attack_worked(&self) {
        let tail = self.tail();
        assert!(
            tail.contains("attacks that worked: none"),
            "an attack worked (or the script did not finish):\n{tail}"
        );
    }

    #[track_caller]
    fn tail_has(&self, s: &str) {
        let tail = self.tail();
        assert!(tail.contains(s), "tail lacks {s:?}:\n{tail}");
    }
}

/// The hostile fixtures, copied to a folder of the test's with `bystanders.env` beside
/// them (the original folder must not change: the script gets a private copy).
struct Fixtures {
    dir: tempfile::TempDir,
    listing: Vec<(String, u64)>,
}

impl Fixtures {
    fn new(b: &Bystanders) -> Fixtures {
        let dir = tempfile::tempdir().expect("temp dir");
        let from = root().join("fixtures/submissions/hostile");
        for e in std::fs::read_dir(&from).expect("read fixtures") {
            let e = e.expect("entry");
            std::fs::copy(e.path(), dir.path().join(e.file_name())).expect("copy fixture");
        }
        std::fs::write(dir.path().join("bystanders.env"), b.env_file()).expect("write env");
        let listing = listing(dir.path());
        Fixtures { dir, listing }
    }

    fn script(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    #[track_caller]
    fn assert_unchanged(&self) {
        assert_eq!(
            listing(self.dir.path()),
            self.listing,
            "the script's original folder changed"
        );
    }
}

fn listing(dir: &Path) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = std::fs::read_dir(dir)
        .expect("read dir")
        .filter_map(|e| e.ok())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                e.metadata().map(|m| m.len()).unwrap_or(0),
            )
        })
        .collect();
    v.sort();
    v
}

/// `grade published-web --submission FIXTURE --format FORMAT [extra]` with a private
/// TMPDIR, then everything that must hold whatever the script did: TMPDIR empty again, no
/// panic, no secret or bystander name in anything docklings printed, the bystanders and
/// the rest of the engine as they were, the original folder untouched, no host file
/// written.
#[track_caller]
fn run_grade(b: &Bystanders, fixture: &str, format: &str, extra: &[&str]) -> (Out, Duration) {
    let fx = Fixtures::new(b);
    let tmp = tempfile::tempdir().expect("temp dir");
    let script = fx.script(fixture);
    let mut args = vec![
        "grade",
        "published-web",
        "--submission",
        &script,
        "--format",
        format,
    ];
    args.extend_from_slice(extra);
    let t = Instant::now();
    let out = Test::new()
        .env("TMPDIR", &tmp.path().display().to_string())
        .args(&args)
        .run();
    let took = t.elapsed();
    let out = out.no_panic();
    eprintln!("{fixture} ({format}): exit {} in {took:?}", out.code);
    // Shown with `--nocapture`: what the attacks met.
    if let Ok(v) = serde_json::from_str::<Value>(&out.stdout) {
        for line in v["submission"]["output_tail"]
            .as_array()
            .into_iter()
            .flatten()
        {
            eprintln!("  | {}", line.as_str().unwrap_or_default());
        }
    }
    for (what, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        for (leak, needle) in [
            ("secret", b.secret.as_str()),
            ("a bystander's name", PREFIX),
        ] {
            let lines: Vec<&str> = text.lines().filter(|l| l.contains(needle)).collect();
            assert!(
                lines.is_empty(),
                "{fixture}: {leak} is in docklings' {what}:\n{}",
                lines.join("\n")
            );
        }
    }
    assert_eq!(b.state(), b.before, "{fixture}: a bystander changed");
    let written: Vec<PathBuf> = b.pwned_paths().into_iter().filter(|p| p.exists()).collect();
    for p in &written {
        // Gone before the next case looks.
        let _ = std::fs::remove_file(p);
    }
    assert!(
        written.is_empty(),
        "{fixture}: wrote {written:?} on the host"
    );
    fx.assert_unchanged();
    assert_eq!(
        engine_state(),
        b.engine_before,
        "{fixture}: the submission left something behind"
    );
    let left: Vec<PathBuf> = std::fs::read_dir(tmp.path())
        .expect("read temp dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    assert!(left.is_empty(), "{fixture}: left in TMPDIR: {left:?}");
    (out, took)
}

#[track_caller]
fn grade(b: &Bystanders, fixture: &str, extra: &[&str]) -> Graded {
    let (out, took) = run_grade(b, fixture, "json", extra);
    let json = out.json();
    Graded { out, json, took }
}

/// The text report of a refused attack: says so, and names no bystander (checked in
/// [`run_grade`]).
#[track_caller]
fn refused_in_text(b: &Bystanders, fixture: &str) {
    let (out, _) = run_grade(b, fixture, "text", &[]);
    out.code(1).stdout_has("REJECTED");
}

/// Run every case, then fail naming those that failed (each failure's message is printed
/// as it happens): one case that fails must not hide how the others fare.
#[track_caller]
fn each<'a>(cases: &[(&'a str, &[&str])], run: impl Fn(&'a str, &[&str])) {
    let failed: Vec<&str> = cases
        .iter()
        .filter(|(fixture, why)| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(fixture, why))).is_err()
        })
        .map(|(fixture, _)| *fixture)
        .collect();
    assert!(failed.is_empty(), "failed cases: {failed:?}");
}

#[test]
fn the_engines_socket_and_a_tcp_engine_are_out_of_reach() {
    let _e = Engine::lock();
    let mut b = Bystanders::create();
    let g = grade(&b, "socket-direct.sh", &[]);
    g.contained();
    g.no_attack_worked();

    // A real TCP engine: the relay reaches the engine from the host, not from the sandbox.
    let Some(relay) = TcpRelay::start() else {
        eprintln!("no python3: the TCP engine case is skipped");
        return;
    };
    assert!(
        docker_ok(&["-H", &relay.url, "version"]),
        "the test's TCP relay does not reach the engine"
    );
    b.engine_tcp = Some(relay.url.clone());
    let g = grade(&b, "tcp-engine.sh", &[]);
    g.contained();
    g.no_attack_worked();
    drop(relay);
}

#[test]
fn bind_mounts_of_the_host_are_refused() {
    let _e = Engine::lock();
    let b = Bystanders::create();
    each(
        &[
            ("bind-absolute.sh", &["bind mount"]),
            ("bind-relative.sh", &["bind mount"]),
            ("bind-symlink.sh", &["bind mount"]),
            ("bind-mount-flag.sh", &["bind mount"]),
            ("socket-mount.sh", &["socket"]),
            ("bind-absolute.sh (text)", &[]),
        ],
        |fixture, why| match fixture.strip_suffix(" (text)") {
            Some(fixture) => refused_in_text(&b, fixture),
            None => grade(&b, fixture, &[]).refused(why),
        },
    );
}

/// The engine resolves a bind source when the container starts, not when the guard read
/// the create request: a source swapped for a link in between (`bind-swap.sh`), or a link
/// that flips while both resolve it (`bind-race.sh`), must reach nothing. Refused or
/// mounted as the folder it was, either is safe; `run_grade` checks no host file appeared.
#[test]
fn a_bind_source_swapped_for_a_link_reaches_nothing() {
    let _e = Engine::lock();
    let b = Bystanders::create();
    each(
        &[("bind-swap.sh", &[]), ("bind-race.sh", &[])],
        |fixture, _| {
            let g = grade(&b, fixture, &[]);
            g.no_attack_worked();
            assert_steps(
                &g.json["labs"][0],
                &[("run-detached", true), ("browse", true), ("remove", true)],
            );
        },
    );
}

#[test]
fn privileges_host_namespaces_and_devices_are_refused() {
    let _e = Engine::lock();
    let b = Bystanders::create();
    let cases: &[(&str, &[&str])] = &[
        ("privileged.sh", &["--privileged"]),
        ("pid-host.sh", &["--pid host"]),
        ("network-host.sh", &["--network host"]),
        ("cap-add.sh", &["--cap-add"]),
        ("device.sh", &["--device"]),
        (
            "confinement.sh",
            &[
                "--security-opt",
                "--sysctl",
                "--ipc host",
                "--uts host",
                "--userns host",
                "exec --privileged",
            ],
        ),
        ("volume-driver-opts.sh", &["--opt"]),
    ];
    each(cases, |fixture, why| {
        let g = grade(&b, fixture, &[]);
        g.refused(why);
        if fixture == "pid-host.sh" {
            // From the sandbox, nsenter has no host PID 1 to enter.
            g.tail_has("attack failed: nsenter from the script");
        }
    });
}

#[test]
fn what_others_made_cannot_be_read_entered_or_joined() {
    let _e = Engine::lock();
    let b = Bystanders::create();
    let others = &["before the submission ran"][..];
    each(
        &[
            ("bystander-exec.sh", others),
            ("bystander-cp.sh", others),
            ("bystander-logs.sh", others),
            ("bystander-inspect.sh", others),
            ("bystander-export.sh", others),
            ("bystander-attach.sh", others),
            ("bystander-wait.sh", others),
            ("volumes-from.sh", others),
            ("network-container.sh", others),
            ("prefix-guess.sh", others),
            ("bystander-exec.sh (text)", &[]),
        ],
        |fixture, why| match fixture.strip_suffix(" (text)") {
            Some(fixture) => refused_in_text(&b, fixture),
            None => grade(&b, fixture, &[]).refused(why),
        },
    );
}

#[test]
fn what_others_made_cannot_be_changed_pruned_or_retagged() {
    let _e = Engine::lock();
    let b = Bystanders::create();
    let cases: &[(&str, &[&str])] = &[
        ("bystander-changes.sh", &["before the submission ran"]),
        ("prune.sh", &["prune"]),
        ("tag-move.sh", &["exists already"]),
        ("build-tag.sh", &["exists already"]),
        ("commit-tag.sh", &["exists already"]),
        ("load.sh", &["docker load"]),
        ("engine-wide.sh", &["everything", "swarm"]),
    ];
    each(cases, |fixture, why| grade(&b, fixture, &[]).refused(why));
}

#[test]
fn the_engine_api_by_hand_gets_no_further() {
    let _e = Engine::lock();
    let b = Bystanders::create();
    grade(&b, "raw-api.sh", &[]).refused(&[]);
}

#[test]
fn lists_leave_out_what_others_made_and_its_own_things_stay_usable() {
    let _e = Engine::lock();
    let b = Bystanders::create();
    let g = grade(&b, "lists-hide-others.sh", &[]);
    g.contained();
    for what in ["ps -a --no-trunc", "volume ls", "network ls", "images -a"] {
        g.tail_has(&format!("hidden in docker {what}"));
    }
    g.tail_has("hidden in docker network inspect bridge");
    g.tail_has("its own container is listed");
    assert!(!g.tail().contains("LEAK"), "{}", g.tail());

    // Not an attack: the guard must not refuse what a submission does with its own.
    let g = grade(&b, "allowed.sh", &[]);
    g.tail_has("refused: none");
    g.tail_has("the container wrote into its folder");
    g.contained();
}

#[test]
fn killing_the_grader_is_contained() {
    let _e = Engine::lock();
    let b = Bystanders::create();
    let g = grade(&b, "kill-grader.sh", &[]);
    g.contained();
    g.tail_has("killing the grader");
}

/// Processes of `nobody`, the user a root grader's script runs as.
fn nobodys_processes() -> usize {
    let o = Command::new("ps")
        .args(["-u", "65534", "-o", "pid="])
        .output()
        .expect("ps");
    String::from_utf8_lossy(&o.stdout).lines().count()
}

/// Whether any process on the host runs exactly `args`.
fn running(args: &str) -> bool {
    let o = Command::new("ps")
        .args(["-eo", "args"])
        .output()
        .expect("ps");
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .any(|l| l.trim() == args)
}

#[track_caller]
fn gone_soon(what: &str, mut still: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while still() {
        assert!(Instant::now() < deadline, "{what} survived the grading");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_fork_bomb_is_held_by_the_process_and_time_limits() {
    let _e = Engine::lock();
    let b = Bystanders::create();
    let nobody = nobodys_processes();
    let g = grade(&b, "fork-bomb.sh", &["--timeout", "10"]);
    g.contained();
    assert!(g.took < Duration::from_secs(40), "took {:?}", g.took);
    assert_eq!(g.sub()["timed_out"], true, "{}", g.dump());
    gone_soon("the fork bomb", || nobodys_processes() > nobody);
}

#[test]
fn an_output_flood_is_bounded() {
    let _e = Engine::lock();
    let b = Bystanders::create();
    let g = grade(&b, "output-flood.sh", &["--timeout", "60"]);
    g.contained();
    g.tail_has("flood done");
    assert!(
        g.out.stdout.len() < 200_000,
        "the report is {} bytes",
        g.out.stdout.len()
    );
    assert!(
        g.sub()["output_bytes"]
            .as_u64()
            .is_some_and(|n| n >= 250_000_000),
        "{}",
        g.sub()["output_bytes"]
    );
}

#[test]
fn a_script_that_ignores_signals_is_stopped_at_the_timeout() {
    let _e = Engine::lock();
    let b = Bystanders::create();
    let g = grade(&b, "never-exits.sh", &["--timeout", "3"]);
    g.contained();
    assert_eq!(g.sub()["timed_out"], true, "{}", g.dump());
    assert!(g.took < Duration::from_secs(20), "took {:?}", g.took);
    g.tail_has("now never ending");
    gone_soon("`sleep 1013`", || running("sleep 1013"));
}

#[test]
fn writes_outside_its_folder_do_not_reach_the_host() {
    let _e = Engine::lock();
    let b = Bystanders::create();
    // `run_grade` checks the host paths, the original folder and TMPDIR.
    let g = grade(&b, "writes-outside.sh", &[]);
    g.contained();
    g.tail_has("writes done");
}

#[test]
fn trusted_grading_says_so() {
    let _e = Engine::lock();
    let out = Test::new()
        .args(&[
            "grade",
            "published-web",
            "--submission",
            &root()
                .join("fixtures/submissions/full-published-web.sh")
                .display()
                .to_string(),
            "--format",
            "json",
            "--trusted",
        ])
        .run()
        .no_panic()
        .code(0);
    let json = out.json();
    assert_eq!(json["submission"]["sandbox"], "none", "{}", out.stdout);
    assert_eq!(json["submission"]["trusted"], true);
    assert_eq!(json["score"], 3);
}
