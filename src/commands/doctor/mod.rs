//! `docklings doctor`: what a beginner needs when nothing works.
//!
//! It looks at everything a lab depends on — the engine, the lab images, the host ports the
//! labs publish, the terminal and the locale — and says for each what it found and, when
//! something is wrong, the command that fixes it on this kind of machine.
//!
//! Looking and judging are separate stages: [`gather`] fills a [`Facts`] value from the
//! machine (it never fails: every problem is itself a fact), and [`judge`] turns facts into
//! [`Findings`] without touching anything, so every judgement is unit-tested with made-up
//! facts and [`render`] is snapshot-tested in both languages.

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::net::{IpAddr, Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};

use crate::app::{App, Failure, Result, out};
use crate::engine::{Engine, EngineError, MIN_API, VersionInfo};
use crate::lab::{Lab, Lang};
use crate::standin::LABEL_STANDIN;
use crate::style::{ColorChoice, Style};

/// How a finding came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ok {
    Pass,
    Warn,
    Fail,
}

/// One line of the report: what was looked at, what was found, and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub ok: Ok,
    pub what: String,
    pub detail: String,
    /// What to do about it; may span several lines.
    pub fix: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Findings {
    pub lines: Vec<Line>,
}

impl Findings {
    pub fn failed(&self) -> bool {
        self.lines.iter().any(|l| l.ok == Ok::Fail)
    }
}

// ---------------------------------------------------------------------------------------
// Facts: what the machine is like, as plain data.

/// Everything `doctor` found out, before judging any of it.
#[derive(Clone, Debug)]
pub struct Facts {
    pub host: Host,
    pub engine: EngineState,
    pub images: Vec<ImageFact>,
    pub ports: Vec<PortFact>,
    pub terminal: Terminal,
    pub locale: Locale,
}

/// The kind of machine: the fixes differ (systemctl, Docker Desktop, colima, Podman, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Platform {
    Linux,
    /// Linux inside Windows' WSL, where Docker usually comes from Docker Desktop on Windows.
    Wsl,
    MacOs,
    Windows,
    Other,
}

/// Container engines and helpers found on this machine, to offer only the fixes that apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tool {
    /// The Docker daemon (Docker Engine on Linux).
    Dockerd,
    DockerDesktop,
    Colima,
    Podman,
    Systemctl,
}

/// Where docklings looks for the engine, and what else the machine offers.
#[derive(Clone, Debug)]
pub struct Host {
    pub platform: Platform,
    /// `engine::target()`: DOCKER_HOST, or the default socket.
    pub target: String,
    pub docker_host_set: bool,
    pub tools: BTreeSet<Tool>,
    /// Engine sockets that exist other than the target: (whose, path). The docker CLI may
    /// find these through `docker context`; docklings (like most API clients) only through
    /// DOCKER_HOST, so this is the usual reason "docker works but docklings does not".
    pub sockets: Vec<(String, String)>,
}

#[derive(Clone, Debug)]
pub enum EngineState {
    /// Connected; the version, or why it could not be read.
    Up(std::result::Result<VersionInfo, String>),
    /// Nothing usable answered at the target.
    Unreachable(String),
    /// It answered with an API older than docklings supports.
    TooOld { version: String, api: String },
}

impl EngineState {
    fn is_up(&self) -> bool {
        matches!(self, EngineState::Up(_))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageFact {
    /// Normalised reference (`nginx:latest`).
    pub reference: String,
    pub state: ImageState,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageState {
    Present {
        id: String,
        standin: bool,
    },
    Missing,
    /// The engine failed to answer about it.
    Error(String),
    /// The engine is down, so nobody asked.
    NotChecked,
}

/// A container that publishes (or holds) host ports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holder {
    pub name: String,
    pub image: String,
    pub state: String,
    pub ports: Vec<u16>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortFact {
    pub port: u16,
    /// Containers publishing it, or why the engine could not be asked.
    pub holders: std::result::Result<Vec<Holder>, String>,
    /// What binding it ourselves said (not tried when a container already holds it).
    pub bind: Bind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Bind {
    Free,
    InUse,
    /// Ports below 1024 need root on Linux; the engine binds them as root anyway.
    Denied,
    Other(String),
    NotTried,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Terminal {
    pub stdin_tty: bool,
    pub stdout_tty: bool,
    pub width: usize,
    pub color: bool,
    /// NO_COLOR is set (and not empty).
    pub no_color: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Locale {
    /// The locale variables that are set and not empty, in precedence order.
    pub vars: Vec<(String, String)>,
    /// What `Lang::from_env` picks from them.
    pub picked: Lang,
}

// ---------------------------------------------------------------------------------------
// Gathering.

/// Gather everything and judge it (never fails: each problem becomes a line).
pub async fn diagnose(labs: &[&Lab], lang: Lang) -> Findings {
    judge(&gather(labs).await, lang)
}

/// `docklings doctor`: print, return Err(Failure::ChecksFailed) (exit 1) when any line is Fail.
pub async fn run(app: &App, labs: &[&Lab]) -> Result<()> {
    let mut facts = gather(labs).await;
    // `--color` decides the colour of this very output; the automatic guess in `gather`
    // would misreport `--color always` or `never`.
    facts.terminal.color = app.style.color;
    let findings = judge(&facts, app.lang);
    out(&render(&findings, &app.style));
    if findings.failed() {
        Err(Failure::ChecksFailed)
    } else {
        Ok(())
    }
}

/// Look at this machine. Probing a port binds it on all interfaces for an instant, the way
/// `docker run --publish` would.
pub async fn gather(labs: &[&Lab]) -> Facts {
    gather_with(labs, |p| probe_port(IpAddr::V4(Ipv4Addr::UNSPECIFIED), p)).await
}

/// [`gather`] with the port probe given, so tests need not bind a lab's port on every
/// interface while other tests publish it.
async fn gather_with(labs: &[&Lab], bind: impl Fn(u16) -> Bind) -> Facts {
    let host = host_facts();
    let wanted = crate::images::wanted(labs);
    let ports: BTreeSet<u16> = labs.iter().flat_map(|l| l.footprint().ports).collect();

    let (engine_state, engine) = match Engine::connect().await {
        Ok(e) => (
            EngineState::Up(e.version().await.map_err(|e| e.to_string())),
            Some(e),
        ),
        Err(EngineError::Unreachable { detail, .. }) => (EngineState::Unreachable(detail), None),
        Err(EngineError::TooOld { version, api }) => (EngineState::TooOld { version, api }, None),
        Err(other) => (EngineState::Unreachable(other.to_string()), None),
    };

    let (images, holders) = match &engine {
        Some(e) => {
            let images = futures_util::future::join_all(wanted.iter().map(|r| image_fact(e, r)));
            futures_util::join!(images, port_holders(e))
        }
        None => (
            wanted
                .iter()
                .map(|r| ImageFact {
                    reference: r.clone(),
                    state: ImageState::NotChecked,
                })
                .collect(),
            Err("the engine is not reachable".to_owned()),
        ),
    };

    let ports = ports
        .into_iter()
        .map(|port| {
            let holders = holders.as_ref().map_err(Clone::clone).map(|hs| {
                hs.iter()
                    .filter(|h| h.ports.contains(&port))
                    .cloned()
                    .collect::<Vec<_>>()
            });
            // A container that holds the port explains everything; binding would only race
            // with it. Otherwise binding is the one way to see another program holding it.
            let bind = match &holders {
                Ok(hs) if !hs.is_empty() => Bind::NotTried,
                _ => bind(port),
            };
            PortFact {
                port,
                holders,
                bind,
            }
        })
        .collect();

    let stdout_tty = std::io::stdout().is_terminal();
    Facts {
        host,
        engine: engine_state,
        images,
        ports,
        terminal: Terminal {
            stdin_tty: std::io::stdin().is_terminal(),
            stdout_tty,
            width: crate::render::terminal_width(),
            color: Style::resolve(ColorChoice::Auto).color,
            no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        },
        locale: Locale {
            vars: ["LC_ALL", "LC_CTYPE", "LC_MESSAGES", "LANG"]
                .iter()
                .filter_map(|k| {
                    std::env::var(k)
                        .ok()
                        .filter(|v| !v.is_empty())
                        .map(|v| ((*k).to_owned(), v))
                })
                .collect(),
            picked: Lang::from_env(),
        },
    }
}

async fn image_fact(engine: &Engine, reference: &str) -> ImageFact {
    let state = match engine.image_labels(reference).await {
        Ok(None) => ImageState::Missing,
        Err(e) => ImageState::Error(e.to_string()),
        Ok(Some(labels)) => match engine.image_id(reference).await {
            Ok(Some(id)) => ImageState::Present {
                id: short_id(&id),
                standin: labels.contains_key(LABEL_STANDIN),
            },
            // Removed between the two questions.
            Ok(None) => ImageState::Missing,
            Err(e) => ImageState::Error(e.to_string()),
        },
    };
    ImageFact {
        reference: reference.to_owned(),
        state,
    }
}

/// `sha256:1f4ecee66935…` → `1f4ecee66935`, as `docker image ls` shows it.
fn short_id(id: &str) -> String {
    id.trim_start_matches("sha256:").chars().take(12).collect()
}

/// Every live container with the TCP host ports it publishes.
async fn port_holders(engine: &Engine) -> std::result::Result<Vec<Holder>, String> {
    let all = engine.summaries().await.map_err(|e| e.to_string())?;
    // Only a container that is up holds its ports; a stopped one does not block a new run.
    let live = all
        .iter()
        .filter(|s| matches!(s.state.as_str(), "running" | "paused" | "restarting"));
    let inspected = futures_util::future::try_join_all(live.map(|s| engine.container(&s.id)))
        .await
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for c in inspected.into_iter().flatten() {
        // `ports` is what the engine bound; `requested_ports` covers the moments it has not
        // (yet) reported them, e.g. while restarting.
        let mut ports: Vec<u16> = c
            .ports
            .iter()
            .chain(&c.requested_ports)
            .filter(|b| b.host_port != 0 && (b.protocol.is_empty() || b.protocol == "tcp"))
            .map(|b| b.host_port)
            .collect();
        ports.sort_unstable();
        ports.dedup();
        if !ports.is_empty() {
            out.push(Holder {
                name: c.name,
                image: c.image,
                state: c.state,
                ports,
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Bind the port and let it go at once: the same test the engine's port proxy will face.
fn probe_port(ip: IpAddr, port: u16) -> Bind {
    match TcpListener::bind((ip, port)) {
        Ok(listener) => {
            drop(listener);
            Bind::Free
        }
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => Bind::InUse,
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => Bind::Denied,
        Err(e) => Bind::Other(e.to_string()),
    }
}

fn host_facts() -> Host {
    let platform = match std::env::consts::OS {
        "linux" => {
            let release = std::fs::read_to_string("/proc/sys/kernel/osrelease")
                .unwrap_or_default()
                .to_ascii_lowercase();
            if release.contains("microsoft") || release.contains("wsl") {
                Platform::Wsl
            } else {
                Platform::Linux
            }
        }
        "macos" => Platform::MacOs,
        "windows" => Platform::Windows,
        _ => Platform::Other,
    };
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let runtime = std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from);

    let mut tools = BTreeSet::new();
    // /usr/sbin is often missing from a user's PATH, and that is where Debian puts dockerd.
    let daemon_files = [
        "/usr/sbin/dockerd",
        "/usr/bin/dockerd",
        "/lib/systemd/system/docker.service",
        "/usr/lib/systemd/system/docker.service",
    ];
    if on_path("dockerd") || daemon_files.iter().any(|p| Path::new(p).exists()) {
        tools.insert(Tool::Dockerd);
    }
    let desktop_files = [
        "/Applications/Docker.app",
        "/opt/docker-desktop",
        r"C:\Program Files\Docker\Docker\Docker Desktop.exe",
    ];
    // In WSL the Docker Desktop integration puts this link in place.
    let wsl_desktop = "/mnt/wsl/docker-desktop";
    if desktop_files
        .iter()
        .chain([&wsl_desktop])
        .any(|p| Path::new(p).exists())
    {
        tools.insert(Tool::DockerDesktop);
    }
    for (name, tool) in [
        ("colima", Tool::Colima),
        ("podman", Tool::Podman),
        ("systemctl", Tool::Systemctl),
    ] {
        if on_path(name) {
            tools.insert(tool);
        }
    }

    let target = crate::engine::target();
    let target_path = target.strip_prefix("unix://").map(PathBuf::from);
    let same_file = |p: &Path| {
        target_path.as_deref().is_some_and(|t| {
            t == p || matches!((t.canonicalize(), p.canonicalize()), (Ok(a), Ok(b)) if a == b)
        })
    };
    let mut candidates: Vec<(&str, PathBuf)> = vec![
        ("Docker", PathBuf::from("/var/run/docker.sock")),
        ("Docker", PathBuf::from("/run/docker.sock")),
        ("Podman", PathBuf::from("/run/podman/podman.sock")),
    ];
    if let Some(r) = &runtime {
        candidates.push(("Docker (rootless)", r.join("docker.sock")));
        candidates.push(("Podman", r.join("podman/podman.sock")));
    }
    if let Some(h) = &home {
        candidates.push(("Docker Desktop", h.join(".docker/run/docker.sock")));
        candidates.push(("Docker Desktop", h.join(".docker/desktop/docker.sock")));
        candidates.push(("colima", h.join(".colima/default/docker.sock")));
        candidates.push(("colima", h.join(".colima/docker.sock")));
        candidates.push(("OrbStack", h.join(".orbstack/run/docker.sock")));
        candidates.push((
            "Podman",
            h.join(".local/share/containers/podman/machine/podman.sock"),
        ));
        candidates.push((
            "Podman",
            h.join(".local/share/containers/podman/machine/qemu/podman.sock"),
        ));
    }
    let mut sockets: Vec<(String, String)> = Vec::new();
    for (who, path) in candidates {
        if !path.exists() || same_file(&path) {
            continue;
        }
        // /run/docker.sock and /var/run/docker.sock are usually one file.
        let canonical = path.canonicalize().unwrap_or_else(|_| path.clone());
        if sockets
            .iter()
            .any(|(_, p)| Path::new(p).canonicalize().ok().as_ref() == Some(&canonical))
        {
            continue;
        }
        sockets.push((who.to_owned(), path.display().to_string()));
    }

    Host {
        platform,
        docker_host_set: std::env::var_os("DOCKER_HOST").is_some(),
        target,
        tools,
        sockets,
    }
}

fn on_path(name: &str) -> bool {
    let exe = if cfg!(windows) {
        format!("{name}.exe")
    } else {
        name.to_owned()
    };
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(&exe).is_file()))
}

// ---------------------------------------------------------------------------------------
// Judging: facts in, findings out. No I/O below this point.

/// The same fact in the learner's language.
fn t(lang: Lang, ko: String, en: String) -> String {
    match lang {
        Lang::Ko => ko,
        Lang::En => en,
    }
}

/// Turn facts into findings, in the order a learner should fix them.
pub fn judge(f: &Facts, lang: Lang) -> Findings {
    let mut lines = vec![judge_engine(&f.host, &f.engine, lang)];
    if f.engine.is_up() {
        lines.extend(f.images.iter().map(|i| judge_image(i, lang)));
    } else if !f.images.is_empty() {
        // One line, not one failure per image: they all have the same cause, above.
        let list = f
            .images
            .iter()
            .map(|i| i.reference.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        lines.push(Line {
            ok: Ok::Warn,
            what: t(lang, "실습 이미지".into(), "lab images".into()),
            detail: t(
                lang,
                format!("확인하지 못함({list}): 쓸 수 있는 엔진이 없습니다"),
                format!("not checked ({list}): no usable engine"),
            ),
            fix: Some(t(
                lang,
                "위의 엔진 문제를 먼저 해결하세요.".into(),
                "Fix the engine first (above).".into(),
            )),
        });
    }
    lines.extend(
        f.ports
            .iter()
            .map(|p| judge_port(p, f.host.platform, f.engine.is_up(), lang)),
    );
    lines.push(judge_terminal(&f.terminal, lang));
    lines.push(judge_locale(&f.locale, f.host.platform, lang));
    Findings { lines }
}

fn judge_engine(h: &Host, e: &EngineState, lang: Lang) -> Line {
    let what = t(lang, "Docker 엔진".into(), "Docker engine".into());
    match e {
        EngineState::Up(Ok(v)) => Line {
            ok: Ok::Pass,
            what,
            detail: t(
                lang,
                format!("{}, {}", h.target, version_text(v)),
                format!("{} at {}", version_text(v), h.target),
            ),
            fix: None,
        },
        EngineState::Up(Err(err)) => Line {
            ok: Ok::Warn,
            what,
            detail: t(
                lang,
                format!("{} 에 연결했지만 버전을 읽지 못했습니다: {err}", h.target),
                format!("reachable at {}, but it did not tell its version: {err}", h.target),
            ),
            fix: None,
        },
        EngineState::TooOld { version, api } => Line {
            ok: Ok::Fail,
            what,
            detail: t(
                lang,
                format!(
                    "Docker {version} (API {api}) 는 너무 오래됐습니다. Docker 20.10 (API {}.{}) 이상이 필요합니다",
                    MIN_API.0, MIN_API.1
                ),
                format!(
                    "Docker {version} (API {api}) is too old: docklings needs Docker 20.10 (API {}.{}) or newer",
                    MIN_API.0, MIN_API.1
                ),
            ),
            fix: Some(t(
                lang,
                "Docker 를 업데이트하세요: https://docs.docker.com/engine/install/ (Docker Desktop 은 메뉴의 Check for updates)".into(),
                "Update Docker: https://docs.docker.com/engine/install/ (Docker Desktop: Check for updates in its menu)".into(),
            )),
        },
        EngineState::Unreachable(detail) => {
            let from = match (h.docker_host_set, lang) {
                (true, Lang::Ko) => "DOCKER_HOST 에 설정된 주소",
                (true, Lang::En) => "from DOCKER_HOST",
                (false, Lang::Ko) => "기본값, DOCKER_HOST 는 설정되지 않음",
                (false, Lang::En) => "the default; DOCKER_HOST is not set",
            };
            Line {
                ok: Ok::Fail,
                what,
                detail: t(
                    lang,
                    format!(
                        "`{}` 에 연결할 수 없습니다({from}): {}",
                        h.target,
                        korean_reason(detail)
                    ),
                    format!("cannot reach `{}` ({from}): {detail}", h.target),
                ),
                fix: Some(start_fix(h, detail, lang)),
            }
        }
    }
}

/// "Docker 20.10.24 (API 1.41, linux/amd64)".
fn version_text(v: &VersionInfo) -> String {
    let mut inner = vec![format!("API {}", v.api)];
    if !v.os.is_empty() {
        inner.push(format!("{}/{}", v.os, v.arch));
    }
    format!("Docker {} ({})", v.version, inner.join(", "))
}

/// The engine module's reasons are English; translate the common ones.
fn korean_reason(detail: &str) -> String {
    if let Some(path) = detail
        .strip_prefix("the socket `")
        .and_then(|r| r.strip_suffix("` does not exist"))
    {
        return format!("소켓 `{path}` 이 없습니다");
    }
    if let Some(secs) = detail
        .strip_prefix("no answer within ")
        .and_then(|r| r.strip_suffix('s'))
    {
        return format!("{secs}초 안에 응답이 없습니다");
    }
    detail.to_owned()
}

/// How to get an engine answering on this machine, most likely fix first.
fn start_fix(h: &Host, detail: &str, lang: Lang) -> String {
    let mut lines: Vec<String> = Vec::new();
    if detail.contains("ermission denied") {
        // The engine runs; only the socket's permissions stand in the way.
        lines.push(t(
            lang,
            "권한이 없습니다: `sudo usermod -aG docker $USER` 로 `docker` 그룹에 들어간 뒤 로그아웃했다가 다시 로그인하세요(또는 `newgrp docker`).".into(),
            "Permission denied: join the `docker` group with `sudo usermod -aG docker $USER`, then log out and back in (or run `newgrp docker`).".into(),
        ));
        return lines.join("\n");
    }
    if h.docker_host_set {
        lines.push(t(
            lang,
            format!("DOCKER_HOST 가 `{}` 로 설정되어 있습니다. 엔진이 다른 곳에 있다면 `unset DOCKER_HOST` 하거나 올바른 소켓으로 바꾸세요.", h.target),
            format!("DOCKER_HOST is set to `{}`. If your engine is elsewhere, `unset DOCKER_HOST` or point it at the right socket.", h.target),
        ));
    }
    for (who, path) in &h.sockets {
        lines.push(t(
            lang,
            format!("{who} 의 소켓이 `{path}` 에 있습니다: `export DOCKER_HOST=unix://{path}` (docker CLI 는 `docker context` 로 찾지만 docklings 는 DOCKER_HOST 만 봅니다)"),
            format!("A {who} socket exists at `{path}`: `export DOCKER_HOST=unix://{path}` (the docker CLI finds it through `docker context`; docklings only through DOCKER_HOST)"),
        ));
    }

    let options = start_options(h.platform, h.tools.contains(&Tool::Systemctl), lang);
    let found: Vec<&String> = options
        .iter()
        .filter(|(tool, _)| h.tools.contains(tool))
        .map(|(_, s)| s)
        .collect();
    let shown: Vec<&String> = if found.is_empty() {
        lines.push(t(
            lang,
            "Docker 가 설치되어 있지 않은 것 같습니다: https://docs.docker.com/get-docker/ — 설치했다면 다음 중 하나로 시작하세요:".into(),
            "Docker does not seem to be installed: https://docs.docker.com/get-docker/ — if it is, start it with one of:".into(),
        ));
        options.iter().map(|(_, s)| s).collect()
    } else {
        lines.push(t(
            lang,
            "엔진을 시작한 뒤 `docklings doctor` 를 다시 실행하세요:".into(),
            "Start the engine, then run `docklings doctor` again:".into(),
        ));
        found
    };
    lines.extend(shown.into_iter().map(|s| format!("  - {s}")));
    lines.join("\n")
}

/// Ways to start an engine on a platform, each with the tool it needs.
fn start_options(p: Platform, systemd: bool, lang: Lang) -> Vec<(Tool, String)> {
    let desktop = || {
        (
            Tool::DockerDesktop,
            t(
                lang,
                "Docker Desktop: 앱을 열고 실행 중이라고 나올 때까지 기다리세요".into(),
                "Docker Desktop: open it and wait until it says it is running".into(),
            ),
        )
    };
    let colima = || (Tool::Colima, "colima: `colima start`".to_owned());
    let engine = |cmd: &str| (Tool::Dockerd, format!("Docker Engine: `{cmd}`"));
    match p {
        Platform::Linux | Platform::Other => vec![
            // Containers and some WSL-like setups run without systemd.
            engine(if systemd {
                "sudo systemctl start docker"
            } else {
                "sudo service docker start"
            }),
            desktop(),
            (
                Tool::Podman,
                "Podman: `systemctl --user start podman.socket`, `export DOCKER_HOST=unix://$XDG_RUNTIME_DIR/podman/podman.sock`".into(),
            ),
            colima(),
        ],
        Platform::Wsl => vec![
            (
                Tool::DockerDesktop,
                t(
                    lang,
                    "Docker Desktop (Windows): 앱을 열고 Settings → Resources → WSL integration 에서 이 배포판을 켜세요".into(),
                    "Docker Desktop (Windows): open it and turn on this distribution in Settings → Resources → WSL integration".into(),
                ),
            ),
            engine("sudo service docker start"),
            (
                Tool::Podman,
                "Podman: `systemctl --user start podman.socket`, `export DOCKER_HOST=unix://$XDG_RUNTIME_DIR/podman/podman.sock`".into(),
            ),
        ],
        Platform::MacOs => vec![
            (
                Tool::DockerDesktop,
                t(
                    lang,
                    "Docker Desktop: `open -a Docker` 후 실행 중이라고 나올 때까지 기다리세요".into(),
                    "Docker Desktop: `open -a Docker` and wait until it says it is running".into(),
                ),
            ),
            colima(),
            (
                Tool::Podman,
                "Podman: `podman machine start`, `export DOCKER_HOST=unix://$(podman machine inspect --format '{{.ConnectionInfo.PodmanSocket.Path}}')`".into(),
            ),
        ],
        Platform::Windows => vec![
            desktop(),
            (Tool::Podman, "Podman: `podman machine start`".into()),
        ],
    }
}

fn judge_image(i: &ImageFact, lang: Lang) -> Line {
    let what = t(
        lang,
        format!("이미지 {}", i.reference),
        format!("image {}", i.reference),
    );
    match &i.state {
        ImageState::Present { id, standin } => Line {
            ok: Ok::Pass,
            what,
            detail: match (standin, lang) {
                (false, _) => id.clone(),
                (true, Lang::Ko) => format!("{id} (docklings 대체 이미지)"),
                (true, Lang::En) => format!("{id} (docklings stand-in)"),
            },
            fix: None,
        },
        ImageState::Missing => Line {
            ok: Ok::Fail,
            what,
            detail: t(lang, "없음".into(), "missing".into()),
            fix: Some(t(
                lang,
                "`docklings images` 로 받으세요(오프라인이면 `docklings images --standin` 으로 대체 이미지를 만드세요).".into(),
                "`docklings images` pulls it (offline: `docklings images --standin` builds a stand-in).".into(),
            )),
        },
        ImageState::Error(e) => Line {
            ok: Ok::Warn,
            what,
            detail: t(
                lang,
                format!("확인하지 못함: {e}"),
                format!("could not check: {e}"),
            ),
            fix: None,
        },
        ImageState::NotChecked => Line {
            ok: Ok::Warn,
            what,
            detail: t(
                lang,
                "확인하지 못함: 엔진에 연결할 수 없습니다".into(),
                "not checked: the engine is not reachable".into(),
            ),
            fix: None,
        },
    }
}

fn judge_port(p: &PortFact, platform: Platform, engine_up: bool, lang: Lang) -> Line {
    let port = p.port;
    // The port is in every detail, so several ports read as one list under "ports".
    let what = t(lang, "포트".into(), "ports".into());
    if let Ok(hs) = &p.holders
        && !hs.is_empty()
    {
        // Likely the learner's own lab container: worth knowing, not an error.
        let who = |h: &Holder| format!("`{}` ({}, {})", h.name, h.image, h.state);
        let names = hs
            .iter()
            .map(|h| h.name.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let list = hs.iter().map(who).collect::<Vec<_>>().join(", ");
        return Line {
            ok: Ok::Warn,
            what,
            detail: t(
                lang,
                format!("{port}번 포트를 공개 중인 컨테이너: {list}"),
                format!(
                    "{port} is published by container{} {list}",
                    if hs.len() == 1 { "" } else { "s" }
                ),
            ),
            fix: Some(t(
                lang,
                format!(
                    "내 실습 컨테이너라면 그대로 써도 됩니다. 다 썼다면: `docker container rm --force {names}`"
                ),
                format!(
                    "If it is your lab container, keep using it; if you are done with it: `docker container rm --force {names}`"
                ),
            )),
        };
    }
    let unasked = match (&p.holders, engine_up) {
        (Ok(_), _) => None,
        (Err(_), false) => Some(t(
            lang,
            "엔진에 연결할 수 없어 컨테이너인지는 확인하지 못했습니다".into(),
            "the engine could not be asked whether a container publishes it".into(),
        )),
        (Err(e), true) => Some(t(
            lang,
            format!("컨테이너 목록을 읽지 못했습니다: {e}"),
            format!("could not list containers: {e}"),
        )),
    };
    let with_note = |s: String| match &unasked {
        Some(n) => format!("{s} ({n})"),
        None => s,
    };
    match &p.bind {
        // Free is free: who might have published it does not matter, so no note.
        Bind::Free | Bind::NotTried => Line {
            ok: Ok::Pass,
            what,
            detail: t(
                lang,
                format!("{port}번 포트 비어 있음"),
                format!("{port} is free"),
            ),
            fix: None,
        },
        Bind::InUse => {
            let find = match platform {
                Platform::Linux | Platform::Wsl => format!("`sudo ss -ltnp 'sport = :{port}'`"),
                Platform::MacOs => format!("`lsof -iTCP:{port} -sTCP:LISTEN`"),
                Platform::Windows => format!("`netstat -ano | findstr :{port}`"),
                Platform::Other => format!(
                    "`sudo ss -ltnp 'sport = :{port}'` (Linux) / `lsof -iTCP:{port} -sTCP:LISTEN` (macOS)"
                ),
            };
            Line {
                ok: Ok::Fail,
                what,
                detail: with_note(t(
                    lang,
                    format!("{port}번 포트를 다른 프로그램이 쓰고 있습니다"),
                    format!("port {port} is in use by another program"),
                )),
                fix: Some(t(
                    lang,
                    format!(
                        "{find} 로 찾아서 그 프로그램을 끄세요. 실습은 이 포트를 쓰는 컨테이너를 띄웁니다."
                    ),
                    format!(
                        "Find it with {find} and stop it: the labs publish a container on this port."
                    ),
                )),
            }
        }
        Bind::Denied => Line {
            ok: Ok::Warn,
            what,
            detail: with_note(t(
                lang,
                "확인하지 못함: 1024 미만 포트는 root 만 열 수 있습니다(엔진은 root 로 엽니다)"
                    .into(),
                "not tested: only root may bind ports below 1024 (the engine binds them as root)"
                    .into(),
            )),
            fix: None,
        },
        Bind::Other(e) => Line {
            ok: Ok::Warn,
            what,
            detail: with_note(t(
                lang,
                format!("{port}번 포트 확인하지 못함: {e}"),
                format!("{port} not tested: {e}"),
            )),
            fix: None,
        },
    }
}

fn judge_terminal(term: &Terminal, lang: Lang) -> Line {
    let is = |b: bool| match (b, lang) {
        (true, Lang::Ko) => "터미널",
        (false, Lang::Ko) => "터미널 아님",
        (true, Lang::En) => "a terminal",
        (false, Lang::En) => "not a terminal",
    };
    let tty = match (term.stdin_tty, term.stdout_tty, lang) {
        (true, true, Lang::Ko) => "stdin, stdout 모두 터미널".to_owned(),
        (true, true, Lang::En) => "stdin and stdout are terminals".to_owned(),
        (false, false, Lang::Ko) => "stdin, stdout 모두 터미널 아님".to_owned(),
        (false, false, Lang::En) => "neither stdin nor stdout is a terminal".to_owned(),
        (i, o, Lang::Ko) => format!("stdin {}, stdout {}", is(i), is(o)),
        (i, o, Lang::En) => format!("stdin is {}, stdout is {}", is(i), is(o)),
    };
    let color = match (term.color, lang) {
        (true, Lang::Ko) => "색 켬".to_owned(),
        (true, Lang::En) => "colour on".to_owned(),
        (false, _) => {
            let why = if term.no_color {
                t(lang, "NO_COLOR 설정됨".into(), "NO_COLOR is set".into())
            } else if !term.stdout_tty {
                t(
                    lang,
                    "stdout 이 터미널이 아님".into(),
                    "stdout is not a terminal".into(),
                )
            } else {
                "--color never".to_owned()
            };
            t(lang, format!("색 끔({why})"), format!("colour off ({why})"))
        }
    };
    let width = t(
        lang,
        format!("너비 {}칸", term.width),
        format!("{} columns", term.width),
    );
    let all_tty = term.stdin_tty && term.stdout_tty;
    Line {
        ok: if all_tty { Ok::Pass } else { Ok::Warn },
        what: t(lang, "터미널".into(), "terminal".into()),
        detail: format!("{tty}, {width}, {color}"),
        fix: (!all_tty).then(|| {
            t(
                lang,
                "`docklings start` 는 터미널이 필요합니다: 파이프나 CI 가 아닌 터미널 창에서 실행하세요. `check`, `watch`, `grade` 는 터미널 없이도 됩니다.".into(),
                "`docklings start` needs a terminal: run it in a terminal window, not through a pipe or CI. `check`, `watch` and `grade` work without one.".into(),
            )
        }),
    }
}

fn judge_locale(l: &Locale, platform: Platform, lang: Lang) -> Line {
    let get = |k: &str| {
        l.vars
            .iter()
            .find(|(name, _)| name == k)
            .map(|(_, v)| v.as_str())
    };
    // The character set comes from LC_ALL, else LC_CTYPE, else LANG (POSIX precedence).
    let ctype = ["LC_ALL", "LC_CTYPE", "LANG"]
        .into_iter()
        .find_map(|k| get(k).map(|v| (k, v)));
    let utf8 = ctype.is_some_and(|(_, v)| {
        let v = v.to_ascii_lowercase();
        v.contains("utf-8") || v.contains("utf8")
    });
    let vars = if l.vars.is_empty() {
        t(
            lang,
            "LC_ALL, LC_CTYPE, LANG 모두 설정 안 됨".into(),
            "LC_ALL, LC_CTYPE and LANG are not set".into(),
        )
    } else {
        l.vars
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let picked = match (l.picked, lang) {
        (Lang::Ko, Lang::Ko) => "한국어",
        (Lang::En, Lang::Ko) => "영어",
        (Lang::Ko, Lang::En) => "Korean",
        (Lang::En, Lang::En) => "English",
    };
    let what = t(lang, "로케일".into(), "locale".into());
    // The Windows console takes Unicode through its own API, whatever the variables say.
    if platform == Platform::Windows || utf8 {
        let charset = if utf8 { "UTF-8" } else { "Windows console" };
        return Line {
            ok: Ok::Pass,
            what,
            detail: format!("{vars} → {picked}, {charset}"),
            fix: None,
        };
    }
    let var = ctype.map_or("LANG", |(k, _)| k);
    Line {
        ok: Ok::Warn,
        what,
        detail: t(
            lang,
            format!("{vars} → {picked}, UTF-8 아님: 한글이 깨져 보일 수 있습니다"),
            format!("{vars} → {picked}, not UTF-8: Hangul may not display"),
        ),
        fix: Some(t(
            lang,
            format!(
                "`export {var}=ko_KR.UTF-8` (영어는 `C.UTF-8`) 을 ~/.bashrc 나 ~/.zshrc 에 넣으세요. `locale -a` 로 이 컴퓨터에 있는 로케일을 볼 수 있습니다."
            ),
            format!(
                "`export {var}=C.UTF-8` (Korean: `ko_KR.UTF-8`), e.g. in ~/.bashrc or ~/.zshrc; `locale -a` lists the locales this machine has."
            ),
        )),
    }
}

// ---------------------------------------------------------------------------------------
// Rendering.

/// Render findings as text: each line ✓/!/✗, the fix indented under it, and a summary.
pub fn render(f: &Findings, style: &Style) -> String {
    let mut s = String::new();
    for l in &f.lines {
        let mark = match l.ok {
            Ok::Pass => style.ok("✓"),
            Ok::Warn => style.warn("!"),
            Ok::Fail => style.bad("✗"),
        };
        s.push_str(&format!("{mark} {}: {}\n", style.bold(&l.what), l.detail));
        for fix in l.fix.iter().flat_map(|x| x.lines()) {
            s.push_str(&format!("    {fix}\n"));
        }
    }
    // Counts rather than a sentence: `render` is told no language, and marks read in both.
    let count = |ok: Ok| f.lines.iter().filter(|l| l.ok == ok).count();
    let summary = format!(
        "{} {}  {} {}  {} {}",
        style.ok("✓"),
        count(Ok::Pass),
        style.warn("!"),
        count(Ok::Warn),
        style.bad("✗"),
        count(Ok::Fail)
    );
    s.push('\n');
    s.push_str(&summary);
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A healthy Linux machine with the stand-ins built and port 8088 free.
    fn healthy() -> Facts {
        let image = |r: &str, id: &str| ImageFact {
            reference: r.to_owned(),
            state: ImageState::Present {
                id: id.to_owned(),
                standin: true,
            },
        };
        Facts {
            host: Host {
                platform: Platform::Linux,
                target: "unix:///var/run/docker.sock".to_owned(),
                docker_host_set: false,
                tools: [Tool::Dockerd, Tool::Systemctl].into_iter().collect(),
                sockets: Vec::new(),
            },
            engine: EngineState::Up(Ok(VersionInfo {
                version: "20.10.24".to_owned(),
                api: "1.41".to_owned(),
                os: "linux".to_owned(),
                arch: "amd64".to_owned(),
            })),
            images: vec![
                image("diamol/ch02-hello-diamol:latest", "1f4ecee66935"),
                image("diamol/base:latest", "77ab0021254d"),
                image("diamol/ch02-hello-diamol-web:latest", "494095eabf87"),
                image("nginx:latest", "29522761d0f5"),
            ],
            ports: vec![PortFact {
                port: 8088,
                holders: Ok(Vec::new()),
                bind: Bind::Free,
            }],
            terminal: Terminal {
                stdin_tty: true,
                stdout_tty: true,
                width: 100,
                color: true,
                no_color: false,
            },
            locale: Locale {
                vars: vec![("LANG".to_owned(), "ko_KR.UTF-8".to_owned())],
                picked: Lang::Ko,
            },
        }
    }

    /// Both languages, no colour, in one snapshot so they can be read side by side.
    fn both(f: &Facts) -> String {
        format!(
            "── en ──\n{}\n── ko ──\n{}",
            render(&judge(f, Lang::En), &Style::plain()),
            render(&judge(f, Lang::Ko), &Style::plain())
        )
    }

    fn oks(f: &Facts) -> Vec<Ok> {
        judge(f, Lang::En).lines.iter().map(|l| l.ok).collect()
    }

    #[test]
    fn healthy_machine_passes_everything() {
        let f = healthy();
        assert!(oks(&f).iter().all(|o| *o == Ok::Pass));
        // Same facts, same verdicts, whatever the language.
        let ko: Vec<Ok> = judge(&f, Lang::Ko).lines.iter().map(|l| l.ok).collect();
        assert_eq!(ko, oks(&f));
        insta::assert_snapshot!(both(&f));
    }

    #[test]
    fn engine_down_is_one_failure_not_a_cascade() {
        let mut f = healthy();
        f.engine =
            EngineState::Unreachable("the socket `/var/run/docker.sock` does not exist".to_owned());
        for i in &mut f.images {
            i.state = ImageState::NotChecked;
        }
        f.ports[0].holders = Err("the engine is not reachable".to_owned());
        let findings = judge(&f, Lang::En);
        assert_eq!(
            findings.lines.iter().filter(|l| l.ok == Ok::Fail).count(),
            1,
            "only the engine line fails: {findings:#?}"
        );
        assert!(findings.failed());
        let fix = findings.lines[0].fix.as_deref().expect("a fix");
        assert!(fix.contains("sudo systemctl start docker"), "{fix}");
        // Only the tools this machine has are offered.
        assert!(!fix.contains("colima"), "{fix}");
        insta::assert_snapshot!(both(&f));
    }

    #[test]
    fn engine_down_fixes_follow_the_platform_and_what_is_installed() {
        let mut f = healthy();
        f.engine = EngineState::Unreachable("no answer within 4s".to_owned());
        let fix = |f: &Facts| judge(f, Lang::En).lines[0].fix.clone().expect("a fix");

        f.host.platform = Platform::MacOs;
        f.host.tools = [Tool::Colima, Tool::Podman].into_iter().collect();
        f.host.sockets = vec![(
            "colima".to_owned(),
            "/Users/me/.colima/default/docker.sock".to_owned(),
        )];
        let mac = fix(&f);
        assert!(mac.contains("colima start"), "{mac}");
        assert!(mac.contains("podman machine start"), "{mac}");
        assert!(
            mac.contains("export DOCKER_HOST=unix:///Users/me/.colima/default/docker.sock"),
            "{mac}"
        );
        assert!(!mac.contains("open -a Docker"), "{mac}");

        // Nothing installed: say so, and offer every way this platform has.
        f.host.tools.clear();
        f.host.sockets.clear();
        let bare = fix(&f);
        assert!(
            bare.contains("https://docs.docker.com/get-docker/"),
            "{bare}"
        );
        assert!(
            bare.contains("open -a Docker") && bare.contains("colima start"),
            "{bare}"
        );

        f.host.platform = Platform::Linux;
        f.host.tools = [Tool::Podman].into_iter().collect();
        let podman = fix(&f);
        assert!(
            podman.contains("systemctl --user start podman.socket"),
            "{podman}"
        );
        assert!(podman.contains("podman/podman.sock"), "{podman}");

        f.engine = EngineState::Unreachable(
            "error trying to connect: Permission denied (os error 13)".to_owned(),
        );
        let denied = fix(&f);
        assert!(denied.contains("usermod -aG docker"), "{denied}");

        f.host.docker_host_set = true;
        f.host.target = "tcp://10.0.0.9:2375".to_owned();
        f.engine = EngineState::Unreachable("Connection refused (os error 111)".to_owned());
        let line = &judge(&f, Lang::En).lines[0];
        assert!(line.detail.contains("from DOCKER_HOST"), "{}", line.detail);
        assert!(fix(&f).contains("unset DOCKER_HOST"));
    }

    #[test]
    fn engine_too_old_fails() {
        let mut f = healthy();
        f.engine = EngineState::TooOld {
            version: "19.03.15".to_owned(),
            api: "1.40".to_owned(),
        };
        let line = &judge(&f, Lang::En).lines[0];
        assert_eq!(line.ok, Ok::Fail);
        assert!(line.detail.contains("19.03.15") && line.detail.contains("1.41"));
    }

    #[test]
    fn port_published_by_a_container_is_a_warning() {
        let mut f = healthy();
        f.ports[0] = PortFact {
            port: 8088,
            holders: Ok(vec![Holder {
                name: "web".to_owned(),
                image: "diamol/ch02-hello-diamol-web".to_owned(),
                state: "running".to_owned(),
                ports: vec![8088],
            }]),
            bind: Bind::NotTried,
        };
        let findings = judge(&f, Lang::En);
        let line = &findings.lines[5];
        assert_eq!(line.ok, Ok::Warn);
        assert_eq!(
            line.detail,
            "8088 is published by container `web` (diamol/ch02-hello-diamol-web, running)"
        );
        assert!(!findings.failed());
        insta::assert_snapshot!(both(&f));
    }

    #[test]
    fn port_taken_by_another_program_fails() {
        let mut f = healthy();
        f.ports[0].bind = Bind::InUse;
        let findings = judge(&f, Lang::En);
        assert_eq!(findings.lines[5].ok, Ok::Fail);
        assert!(findings.failed());
        insta::assert_snapshot!(both(&f));

        f.host.platform = Platform::MacOs;
        let mac = judge(&f, Lang::En).lines[5].fix.clone().expect("a fix");
        assert!(mac.contains("lsof -iTCP:8088 -sTCP:LISTEN"), "{mac}");
    }

    #[test]
    fn missing_image_fails_with_both_ways_to_get_it() {
        let mut f = healthy();
        f.images[2].state = ImageState::Missing;
        f.images[3].state = ImageState::Present {
            id: "605c77e624dd".to_owned(),
            standin: false,
        };
        let findings = judge(&f, Lang::En);
        assert_eq!(findings.lines[3].ok, Ok::Fail);
        let fix = findings.lines[3].fix.as_deref().expect("a fix");
        assert!(fix.contains("`docklings images`") && fix.contains("--standin"));
        insta::assert_snapshot!(both(&f));
    }

    #[test]
    fn non_utf8_locale_and_no_terminal_warn() {
        let mut f = healthy();
        f.locale = Locale {
            vars: vec![
                ("LC_ALL".to_owned(), "C".to_owned()),
                ("LANG".to_owned(), "ko_KR.UTF-8".to_owned()),
            ],
            picked: Lang::En,
        };
        f.terminal = Terminal {
            stdin_tty: false,
            stdout_tty: false,
            width: 80,
            color: false,
            no_color: true,
        };
        let findings = judge(&f, Lang::En);
        let locale = findings.lines.last().expect("a locale line");
        assert_eq!(locale.ok, Ok::Warn);
        // LC_ALL overrides LANG, so LC_ALL is what must change.
        assert!(
            locale
                .fix
                .as_deref()
                .is_some_and(|x| x.contains("export LC_ALL=")),
            "{locale:?}"
        );
        assert_eq!(findings.lines[findings.lines.len() - 2].ok, Ok::Warn);
        assert!(!findings.failed());
        insta::assert_snapshot!(both(&f));

        // Nothing set at all is the C locale: not UTF-8 either.
        f.locale.vars.clear();
        assert_eq!(oks(&f).last(), Some(&Ok::Warn));
        // The Windows console is Unicode whatever the variables say.
        f.host.platform = Platform::Windows;
        assert_eq!(oks(&f).last(), Some(&Ok::Pass));
    }

    #[test]
    fn ids_are_shortened_like_docker_image_ls() {
        assert_eq!(
            short_id("sha256:1f4ecee66935c4f1b3b0d0c2e1b9a6f1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7"),
            "1f4ecee66935"
        );
    }

    #[test]
    fn probing_sees_a_listener() {
        // An ephemeral port, never a lab's: other tests publish 8088 on this engine.
        let held = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
        let port = held.local_addr().expect("addr").port();
        assert_eq!(
            probe_port(IpAddr::V4(Ipv4Addr::UNSPECIFIED), port),
            Bind::InUse
        );
        drop(held);
        assert_eq!(
            probe_port(IpAddr::V4(Ipv4Addr::LOCALHOST), port),
            Bind::Free
        );
    }

    /// The real thing against this machine's engine, which has the four stand-ins.
    #[tokio::test]
    async fn diagnoses_this_machine() {
        let cat = crate::lab::Catalog::load(&crate::lab::embedded_sources()).expect("labs load");
        let labs: Vec<&Lab> = cat.labs.iter().collect();
        // Probe on loopback only and for an instant: other tests publish 8088 concurrently.
        let facts = gather_with(&labs, |p| probe_port(IpAddr::V4(Ipv4Addr::LOCALHOST), p)).await;
        assert!(
            matches!(&facts.engine, EngineState::Up(Ok(v)) if !v.version.is_empty()),
            "{:?}",
            facts.engine
        );
        let refs: Vec<&str> = facts.images.iter().map(|i| i.reference.as_str()).collect();
        for want in [
            "diamol/ch02-hello-diamol:latest",
            "diamol/base:latest",
            "diamol/ch02-hello-diamol-web:latest",
            "nginx:latest",
        ] {
            assert!(refs.contains(&want), "{want} not in {refs:?}");
        }
        for i in &facts.images {
            assert!(
                matches!(i.state, ImageState::Present { .. }),
                "{}: {:?}",
                i.reference,
                i.state
            );
        }
        assert!(
            facts.ports.iter().any(|p| p.port == 8088),
            "{:?}",
            facts.ports
        );
        for lang in [Lang::En, Lang::Ko] {
            let findings = judge(&facts, lang);
            assert_eq!(findings.lines[0].ok, Ok::Pass);
            println!("{}", render(&findings, &Style::plain()));
        }
    }
}
