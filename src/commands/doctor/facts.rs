//! What `doctor` looks at, as plain data, and gathering it from this machine: the engine,
//! the lab images, the host ports the labs publish, the terminal and the locale. Gathering
//! never fails: every problem is itself a fact, judged in `judge.rs`.

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::net::{IpAddr, Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};

use crate::engine::endpoint::{self, Elsewhere, EndpointError, Source};
use crate::engine::{Engine, EngineError, VersionInfo};
use crate::lab::{Lab, Lang};
use crate::standin::LABEL_STANDIN;
use crate::style::{ColorChoice, Style};

/// Everything `doctor` found out, before judging any of it.
#[derive(Clone, Debug)]
pub(crate) struct Facts {
    pub(crate) host: Host,
    pub(crate) engine: EngineState,
    pub(crate) images: Vec<ImageFact>,
    pub(crate) ports: Vec<PortFact>,
    pub(crate) terminal: Terminal,
    pub(crate) locale: Locale,
}

/// The kind of machine: the fixes differ (systemctl, Docker Desktop, colima, Podman, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Platform {
    Linux,
    /// Linux inside Windows' WSL, where Docker usually comes from Docker Desktop on Windows.
    Wsl,
    MacOs,
    Windows,
    Other,
}

/// Container engines and helpers found on this machine, to offer only the fixes that apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Tool {
    /// The Docker daemon (Docker Engine on Linux).
    Dockerd,
    DockerDesktop,
    Colima,
    Podman,
    Systemctl,
}

/// Where docklings looks for the engine, and what else the machine offers.
#[derive(Clone, Debug)]
pub(crate) struct Host {
    pub(crate) platform: Platform,
    /// `engine::target()`: the engine's address, found as the docker CLI finds it.
    pub(crate) target: String,
    /// How it was found (`None`: it could not be, and `EngineState::NoEndpoint` says why).
    pub(crate) source: Option<Source>,
    pub(crate) tools: BTreeSet<Tool>,
    /// Engine sockets that exist other than the target: (whose, path). An engine that runs
    /// but that neither a context nor DOCKER_HOST names is one more reason "nothing works".
    pub(crate) sockets: Vec<(String, String)>,
    /// Where the learner's own `docker` goes instead of docklings' engine, if anywhere.
    pub(crate) elsewhere: Vec<Elsewhere>,
}

#[derive(Clone, Debug)]
pub(crate) enum EngineState {
    /// Connected; the version, or why it could not be read.
    Up(std::result::Result<VersionInfo, String>),
    /// Nothing usable answered at the target.
    Unreachable(String),
    /// No address to try: the docker CLI's settings name no engine docklings can use.
    NoEndpoint(EndpointError),
    /// It answered with an API older than docklings supports.
    TooOld { version: String, api: String },
}

impl EngineState {
    pub(crate) fn is_up(&self) -> bool {
        matches!(self, EngineState::Up(_))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ImageFact {
    /// Normalised reference (`nginx:latest`).
    pub(crate) reference: String,
    pub(crate) state: ImageState,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ImageState {
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
pub(crate) struct Holder {
    pub(crate) name: String,
    pub(crate) image: String,
    pub(crate) state: String,
    pub(crate) ports: Vec<u16>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PortFact {
    pub(crate) port: u16,
    /// Containers publishing it, or why the engine could not be asked.
    pub(crate) holders: std::result::Result<Vec<Holder>, String>,
    /// What binding it ourselves said (not tried when a container already holds it).
    pub(crate) bind: Bind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Bind {
    Free,
    InUse,
    /// Ports below 1024 need root on Linux; the engine binds them as root anyway.
    Denied,
    Other(String),
    NotTried,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Terminal {
    pub(crate) stdin_tty: bool,
    pub(crate) stdout_tty: bool,
    pub(crate) width: usize,
    pub(crate) color: bool,
    /// NO_COLOR is set (and not empty).
    pub(crate) no_color: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Locale {
    /// The locale variables that are set and not empty, in precedence order.
    pub(crate) vars: Vec<(String, String)>,
    /// What `Lang::from_env` picks from them.
    pub(crate) picked: Lang,
}

// ---------------------------------------------------------------------------------------
// Gathering.

/// Look at this machine. Probing a port binds it on all interfaces for an instant, the way
/// `docker run --publish` would.
pub(crate) async fn gather(labs: &[&Lab]) -> Facts {
    gather_with(labs, |p| probe_port(IpAddr::V4(Ipv4Addr::UNSPECIFIED), p)).await
}

/// [`gather`] with the port probe given, so tests need not bind a lab's port on every
/// interface while other tests publish it.
pub(crate) async fn gather_with(labs: &[&Lab], bind: impl Fn(u16) -> Bind) -> Facts {
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
        Err(EngineError::Endpoint(e)) => (EngineState::NoEndpoint(e), None),
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

    let ports = port_facts(ports, &holders, bind);
    Facts {
        host,
        engine: engine_state,
        images,
        ports,
        terminal: terminal_facts(),
        locale: locale_facts(),
    }
}

/// Who holds each lab port: the containers publishing it, else what binding it says.
fn port_facts(
    ports: BTreeSet<u16>,
    holders: &std::result::Result<Vec<Holder>, String>,
    bind: impl Fn(u16) -> Bind,
) -> Vec<PortFact> {
    ports
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
        .collect()
}

fn terminal_facts() -> Terminal {
    Terminal {
        stdin_tty: std::io::stdin().is_terminal(),
        stdout_tty: std::io::stdout().is_terminal(),
        width: crate::render::terminal_width(),
        color: Style::resolve(ColorChoice::Auto).color,
        no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
    }
}

fn locale_facts() -> Locale {
    Locale {
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
pub(crate) fn short_id(id: &str) -> String {
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
pub(crate) fn probe_port(ip: IpAddr, port: u16) -> Bind {
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
    let env = endpoint::Env::from_process();
    let flags = endpoint::flags();
    let found = endpoint::resolve_with(&flags, &env);
    let elsewhere = match &found {
        Ok(ours) => endpoint::elsewhere(ours, &flags, &env),
        Err(_) => Vec::new(),
    };
    let target = match &found {
        Ok(e) => e.host.clone(),
        Err(_) => crate::engine::target(),
    };
    Host {
        platform: platform(),
        source: found.ok().map(|e| e.source),
        tools: tools(),
        sockets: other_sockets(&target),
        target,
        elsewhere,
    }
}

fn platform() -> Platform {
    match std::env::consts::OS {
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
    }
}

/// The engines and helpers installed here, found by their files or on PATH.
fn tools() -> BTreeSet<Tool> {
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
    tools
}

/// Engine sockets in the usual places other than `target`, each file once: (whose, path).
fn other_sockets(target: &str) -> Vec<(String, String)> {
    let target_path = target.strip_prefix("unix://").map(PathBuf::from);
    let same_file = |p: &Path| {
        target_path.as_deref().is_some_and(|t| {
            t == p || matches!((t.canonicalize(), p.canonicalize()), (Ok(a), Ok(b)) if a == b)
        })
    };
    let mut sockets: Vec<(String, String)> = Vec::new();
    for (who, path) in usual_sockets() {
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
    sockets
}

/// Where Docker, Podman, colima and friends put their sockets: (whose, path).
fn usual_sockets() -> Vec<(&'static str, PathBuf)> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let runtime = std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from);
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
    candidates
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
