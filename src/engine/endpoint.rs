//! Which engine to talk to, found exactly the way the docker CLI finds it, so the engine
//! docklings checks is the one the learner's `docker` commands change.
//!
//! The docker CLI's order: `--host`/`-H`, `--context`, `DOCKER_HOST`, `DOCKER_CONTEXT`, then
//! `currentContext` in `$DOCKER_CONFIG/config.json` (default `~/.docker`). A named context's
//! address is `Endpoints.docker.Host` in `contexts/meta/<sha256 of its name>/meta.json`; the
//! context `default` is `--host`, else `DOCKER_HOST`, else the OS's own address. colima,
//! Rancher Desktop, OrbStack, Podman machine and Docker Desktop without its
//! `/var/run/docker.sock` all set a context and no `DOCKER_HOST`, which is why this matters.
//!
//! Pure logic over files and an [`Env`] value (no process environment read below
//! [`Env::from_process`]), so every rule is tested with temporary config folders.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// What the command line said: docker's own `--host` and `--context` flags.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Flags {
    pub(crate) host: Option<String>,
    pub(crate) context: Option<String>,
}

/// Whose defaults apply: the OS default address differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Os {
    /// Linux and other unix systems.
    Unix,
    Mac,
    Windows,
}

/// Everything resolution reads from the process, as a value tests can make up.
#[derive(Clone, Debug)]
pub(crate) struct Env {
    pub(crate) docker_host: Option<String>,
    pub(crate) docker_context: Option<String>,
    /// `DOCKER_TLS_VERIFY` or `DOCKER_TLS` is set: the docker CLI would speak TLS to a tcp
    /// address of the default context.
    pub(crate) tls: bool,
    /// `$DOCKER_CONFIG`, else `~/.docker`; `None` without a home folder.
    pub(crate) config_dir: Option<PathBuf>,
    /// To show paths as `~/.docker/config.json`, the way learners see them in guides.
    pub(crate) home: Option<PathBuf>,
    pub(crate) os: Os,
    /// The system socket of unix systems (`/var/run/docker.sock`); a field so tests can
    /// make it missing, as on a Mac with only Docker Desktop's own socket.
    pub(crate) system_socket: PathBuf,
}

/// Set and not empty: the docker CLI treats an empty variable as unset.
fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl Env {
    pub(crate) fn from_process() -> Env {
        // The docker CLI's home folder: USERPROFILE on Windows, HOME elsewhere.
        let home_var = if cfg!(windows) { "USERPROFILE" } else { "HOME" };
        let home = std::env::var_os(home_var)
            .filter(|h| !h.is_empty())
            .map(PathBuf::from);
        let config_dir = std::env::var_os("DOCKER_CONFIG")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .or_else(|| home.as_ref().map(|h| h.join(".docker")));
        Env {
            docker_host: var("DOCKER_HOST"),
            docker_context: var("DOCKER_CONTEXT"),
            tls: var("DOCKER_TLS_VERIFY").is_some() || var("DOCKER_TLS").is_some(),
            config_dir,
            home,
            os: if cfg!(windows) {
                Os::Windows
            } else if cfg!(target_os = "macos") {
                Os::Mac
            } else {
                Os::Unix
            },
            system_socket: PathBuf::from(SYSTEM_SOCKET),
        }
    }

    /// What a fresh terminal has: no `DOCKER_HOST`, `DOCKER_CONTEXT` or TLS variables (they
    /// are usually exported in one shell), the same config folder.
    fn fresh_terminal(&self) -> Env {
        Env {
            docker_host: None,
            docker_context: None,
            tls: false,
            ..self.clone()
        }
    }

    /// `path` as a learner would type it: `~/.docker/config.json` under the home folder.
    fn show(&self, path: &Path) -> String {
        match self.home.as_deref().map(|h| path.strip_prefix(h)) {
            Some(Ok(rest)) if self.os != Os::Windows => format!("~/{}", rest.display()),
            _ => path.display().to_string(),
        }
    }
}

const SYSTEM_SOCKET: &str = "/var/run/docker.sock";
/// Docker Desktop's own socket on macOS, there even when it may not install the system one.
const DESKTOP_SOCKET: &str = ".docker/run/docker.sock";
const DEFAULT_PIPE: &str = "//./pipe/docker_engine";
const DEFAULT_CONTEXT: &str = "default";

/// How a context was chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ContextBy {
    /// `--context`.
    Flag,
    /// `DOCKER_CONTEXT`.
    Env,
    /// `currentContext` in this config file (as shown to the learner, `~/.docker/config.json`).
    Config(String),
}

/// How the engine's address was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// `--host`/`-H`.
    HostFlag,
    /// `DOCKER_HOST` (alone, or as what the context `default` means).
    DockerHost,
    /// A named context's `meta.json`.
    Context { name: String, by: ContextBy },
    /// The OS's own address: nothing was chosen (`by: None`) or the context `default` was.
    /// `desktop`: on macOS, Docker Desktop's own socket, as the system one does not exist.
    Default {
        by: Option<ContextBy>,
        desktop: bool,
    },
}

impl fmt::Display for ContextBy {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            ContextBy::Flag => f.write_str("--context"),
            ContextBy::Env => f.write_str("DOCKER_CONTEXT"),
            ContextBy::Config(path) => f.write_str(path),
        }
    }
}

/// "context `colima` from ~/.docker/config.json": how it was found, in English (the
/// engine's own messages are English; `doctor` words it in both languages).
impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Source::HostFlag => f.write_str("from --host"),
            Source::DockerHost => f.write_str("from DOCKER_HOST"),
            Source::Context { name, by } => write!(f, "context `{name}` from {by}"),
            Source::Default { by, desktop } => {
                match by {
                    Some(by) => write!(f, "context `default` from {by}")?,
                    None => f.write_str(
                        "the default: no --host, --context, DOCKER_HOST, DOCKER_CONTEXT or current context set",
                    )?,
                }
                if *desktop {
                    write!(
                        f,
                        "; Docker Desktop's socket, as {SYSTEM_SOCKET} does not exist"
                    )?;
                }
                Ok(())
            }
        }
    }
}

/// Where to connect, in the form each transport takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Address {
    Unix(PathBuf),
    /// `host:port`, plain HTTP.
    Tcp(String),
    /// `//./pipe/NAME`.
    Pipe(String),
}

/// The engine docklings will use, and how it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Endpoint {
    /// As a user would write it: `unix:///var/run/docker.sock`, `tcp://host:2375`, …
    pub(crate) host: String,
    pub(crate) address: Address,
    pub(crate) source: Source,
}

/// What docklings cannot connect through, though the docker CLI may.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Unsupported {
    Ssh,
    /// `fd://`: a socket handed over by systemd to the daemon, not a client address.
    Fd,
    /// A named pipe off Windows.
    PipeOffWindows,
    /// A unix socket on Windows.
    UnixOnWindows,
    /// A base path after a tcp address.
    TcpPath,
}

/// Why no engine address could be found. Each says what was read and what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum EndpointError {
    /// `--host` and `--context` together (the docker CLI refuses them too).
    BothFlags,
    /// No such context in the config folder.
    UnknownContext {
        name: String,
        by: ContextBy,
        /// The config folder looked in, as shown.
        dir: String,
    },
    /// `config.json` cannot be read or is not JSON.
    BadConfig { path: String, detail: String },
    /// A context's `meta.json` cannot be read, is not JSON or has no engine address.
    BadMeta {
        name: String,
        path: String,
        detail: String,
    },
    /// The address is tcp with TLS (a context's certificates or `SkipTLSVerify`, or
    /// `DOCKER_TLS_VERIFY`), which docklings does not speak.
    NeedsTls { host: String, source: Source },
    /// docklings has no transport for this address.
    Unsupported {
        host: String,
        source: Source,
        what: Unsupported,
    },
    /// Not an engine address at all.
    BadAddress {
        host: String,
        source: Source,
        detail: String,
    },
}

impl EndpointError {
    /// The user's own command line is wrong (exit 2); everything else is the machine's set-up
    /// (exit 3), like an engine that is not running.
    pub(crate) fn is_bad_input(&self) -> bool {
        match self {
            EndpointError::BothFlags => true,
            EndpointError::UnknownContext { by, .. } => *by == ContextBy::Flag,
            EndpointError::BadAddress { source, .. } => *source == Source::HostFlag,
            _ => false,
        }
    }

    /// What is wrong, in one sentence.
    pub(crate) fn problem(&self) -> String {
        match self {
            EndpointError::BothFlags => {
                "either specify --host or --context, not both (as with docker)".to_owned()
            }
            EndpointError::UnknownContext { name, by, dir } => format!(
                "the docker context `{name}` (from {by}) does not exist: there is no such context in `{dir}`"
            ),
            EndpointError::BadConfig { path, detail } => {
                format!("cannot read the docker CLI's configuration `{path}`: {detail}")
            }
            EndpointError::BadMeta { name, path, detail } => {
                format!("the docker context `{name}` is damaged: `{path}`: {detail}")
            }
            EndpointError::NeedsTls { host, source } => format!(
                "the engine at `{host}` ({source}) is reached over TLS, which docklings does not support"
            ),
            EndpointError::Unsupported { host, source, what } => {
                let why = match what {
                    Unsupported::Ssh => "docklings does not connect over ssh",
                    Unsupported::Fd => {
                        "fd:// is a daemon's listening socket, not an address to connect to"
                    }
                    Unsupported::PipeOffWindows => "named pipes exist only on Windows",
                    Unsupported::UnixOnWindows => {
                        "docklings on Windows connects through named pipes or tcp"
                    }
                    Unsupported::TcpPath => "docklings does not support a path after a tcp address",
                };
                format!("docklings cannot connect to `{host}` ({source}): {why}")
            }
            EndpointError::BadAddress {
                host,
                source,
                detail,
            } => format!("`{host}` ({source}) is not an engine address: {detail}"),
        }
    }

    /// What to do about it.
    pub(crate) fn hint(&self) -> String {
        match self {
            EndpointError::BothFlags => "Give one of them.".to_owned(),
            EndpointError::UnknownContext { by, .. } => {
                let back = match by {
                    ContextBy::Flag => "give one of those to --context",
                    ContextBy::Env => "`unset DOCKER_CONTEXT` to use the current one",
                    ContextBy::Config(_) => "`docker context use default` goes back to the default engine",
                };
                format!("`docker context ls` lists the contexts there; {back}.")
            }
            EndpointError::BadConfig { .. } => "Fix the file or move it aside (the docker CLI then warns and uses the default engine; docklings will not guess which engine you meant).".to_owned(),
            EndpointError::BadMeta { name, .. } => format!(
                "`docker context inspect {name}` shows it; remove it with `docker context rm {name}` and create it again, or `docker context use default`."
            ),
            EndpointError::NeedsTls { .. } | EndpointError::Unsupported { .. } => "Use an engine on a local socket (Docker Desktop, colima, OrbStack, Rancher Desktop, Podman all have one), or forward the remote one to a local socket: `ssh -nNT -L /tmp/docker.sock:/var/run/docker.sock USER@HOST`, then `--host unix:///tmp/docker.sock`.".to_owned(),
            EndpointError::BadAddress { .. } => "Write unix:///path/to/docker.sock, tcp://HOST:PORT or (on Windows) npipe:////./pipe/NAME.".to_owned(),
        }
    }
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}\n{}", self.problem(), self.hint())
    }
}

impl std::error::Error for EndpointError {}

// ---------------------------------------------------------------------------------------
// The process's choice.

static FLAGS: OnceLock<Flags> = OnceLock::new();

/// Take the command line's `--host`/`--context` for every later [`resolve`]. Fails only on
/// what is the user's own mistake there (an unknown `--context`, a malformed `--host`), so
/// a command that never needs the engine is not stopped by the docker CLI's set-up.
pub(crate) fn choose(flags: Flags) -> Result<(), EndpointError> {
    let given = flags.host.is_some() || flags.context.is_some();
    let _ = FLAGS.set(flags);
    if given {
        match resolve() {
            Err(e) if e.is_bad_input() => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

/// The command line's flags, as [`choose`] took them.
pub(crate) fn flags() -> Flags {
    FLAGS.get().cloned().unwrap_or_default()
}

/// The engine this process uses.
pub(crate) fn resolve() -> Result<Endpoint, EndpointError> {
    resolve_with(&flags(), &Env::from_process())
}

// ---------------------------------------------------------------------------------------
// The rules.

/// The docker CLI's choice for these flags and this environment.
pub(crate) fn resolve_with(flags: &Flags, env: &Env) -> Result<Endpoint, EndpointError> {
    let host_flag = flags.host.as_deref().filter(|h| !h.trim().is_empty());
    let context_flag = flags.context.as_deref().filter(|c| !c.trim().is_empty());
    let (name, by) = match (host_flag, context_flag) {
        (Some(_), Some(_)) => return Err(EndpointError::BothFlags),
        (Some(h), None) => return default_context(Some((h, Source::HostFlag)), None, env),
        (None, Some(c)) => (c.to_owned(), ContextBy::Flag),
        // DOCKER_HOST comes before DOCKER_CONTEXT and the current context: it *is* the
        // context `default` with this address.
        (None, None) => match (&env.docker_host, &env.docker_context) {
            (Some(h), _) => return default_context(Some((h, Source::DockerHost)), None, env),
            (None, Some(c)) => (c.clone(), ContextBy::Env),
            (None, None) => match current_context(env)? {
                Some((name, shown)) => (name, ContextBy::Config(shown)),
                None => return default_context(None, None, env),
            },
        },
    };
    if name == DEFAULT_CONTEXT {
        // `--context default` still honours DOCKER_HOST, as the docker CLI does.
        let host = env.docker_host.as_deref().map(|h| (h, Source::DockerHost));
        return default_context(host, Some(by), env);
    }
    named_context(&name, by, env)
}

/// The context `default`: the address given, else the OS's.
fn default_context(
    given: Option<(&str, Source)>,
    by: Option<ContextBy>,
    env: &Env,
) -> Result<Endpoint, EndpointError> {
    if let Some((host, source)) = given {
        return endpoint(host, source, env.tls, env);
    }
    let source = |desktop| Source::Default {
        by: by.clone(),
        desktop,
    };
    if env.tls {
        // With TLS asked for and no address, the docker CLI goes to localhost:2376.
        return endpoint("tcp://localhost:2376", source(false), true, env);
    }
    match env.os {
        Os::Windows => endpoint(
            &format!("npipe://{DEFAULT_PIPE}"),
            source(false),
            false,
            env,
        ),
        Os::Unix => endpoint(&unix_url(&env.system_socket), source(false), false, env),
        Os::Mac => {
            // Docker Desktop may run without installing the system socket (it needs an
            // administrator's consent); its own socket is always under the home folder.
            let desktop = env.home.as_ref().map(|h| h.join(DESKTOP_SOCKET));
            match desktop {
                Some(d) if !env.system_socket.exists() && d.exists() => {
                    endpoint(&unix_url(&d), source(true), false, env)
                }
                _ => endpoint(&unix_url(&env.system_socket), source(false), false, env),
            }
        }
    }
}

fn unix_url(path: &Path) -> String {
    format!("unix://{}", path.display())
}

/// `currentContext` in config.json, with the file's path as shown; `None` when there is no
/// file or it names no context.
fn current_context(env: &Env) -> Result<Option<(String, String)>, EndpointError> {
    let Some(dir) = &env.config_dir else {
        return Ok(None);
    };
    let path = dir.join("config.json");
    let shown = env.show(&path);
    let bad = |detail: String| EndpointError::BadConfig {
        path: shown.clone(),
        detail,
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(bad(e.to_string())),
    };
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| bad(format!("not JSON: {e}")))?;
    match json.get("currentContext") {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(serde_json::Value::String(s)) => Ok(Some((s.clone(), shown))),
        Some(other) => Err(bad(format!(
            "`currentContext` is {other}, not a context name"
        ))),
    }
}

/// The folder name the docker CLI keeps a context under: the SHA-256 of its name, in hex.
fn context_id(name: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(name.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn named_context(name: &str, by: ContextBy, env: &Env) -> Result<Endpoint, EndpointError> {
    let dir = env
        .config_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from(".docker"));
    let id = context_id(name);
    let meta = dir
        .join("contexts")
        .join("meta")
        .join(&id)
        .join("meta.json");
    let shown = env.show(&meta);
    let bad = |detail: String| EndpointError::BadMeta {
        name: name.to_owned(),
        path: shown.clone(),
        detail,
    };
    let text = match std::fs::read_to_string(&meta) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(EndpointError::UnknownContext {
                name: name.to_owned(),
                by,
                dir: env.show(&dir.join("contexts")),
            });
        }
        Err(e) => return Err(bad(e.to_string())),
    };
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| bad(format!("not JSON: {e}")))?;
    let docker = json
        .get("Endpoints")
        .and_then(|e| e.get("docker"))
        .ok_or_else(|| bad("it has no `Endpoints.docker`".to_owned()))?;
    let host = docker
        .get("Host")
        .and_then(serde_json::Value::as_str)
        .filter(|h| !h.trim().is_empty())
        .ok_or_else(|| bad("`Endpoints.docker.Host` is missing or empty".to_owned()))?;
    // The docker CLI speaks TLS to a context that has certificates or skips verifying them.
    let skip_verify = docker
        .get("SkipTLSVerify")
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false);
    let tls_dir = dir.join("contexts").join("tls").join(&id).join("docker");
    let has_certs = std::fs::read_dir(&tls_dir).is_ok_and(|mut d| d.next().is_some());
    let source = Source::Context {
        name: name.to_owned(),
        by,
    };
    endpoint(host, source, skip_verify || has_certs, env)
}

/// Parse an address as the docker CLI does (a bare `host:port` is tcp; empty parts take the
/// defaults) and check docklings can connect through it.
fn endpoint(raw: &str, source: Source, tls: bool, env: &Env) -> Result<Endpoint, EndpointError> {
    let raw = raw.trim();
    let (scheme, rest) = raw.split_once("://").unwrap_or(("tcp", raw));
    let unsupported = |what| EndpointError::Unsupported {
        host: raw.to_owned(),
        source: source.clone(),
        what,
    };
    let address = match scheme.to_ascii_lowercase().as_str() {
        "unix" if env.os == Os::Windows => return Err(unsupported(Unsupported::UnixOnWindows)),
        "unix" => Address::Unix(PathBuf::from(if rest.is_empty() {
            SYSTEM_SOCKET
        } else {
            rest
        })),
        "npipe" if env.os != Os::Windows => {
            return Err(unsupported(Unsupported::PipeOffWindows));
        }
        "npipe" => Address::Pipe(if rest.is_empty() {
            DEFAULT_PIPE.to_owned()
        } else {
            rest.to_owned()
        }),
        "tcp" | "http" => Address::Tcp(tcp_address(rest, tls).map_err(|detail| match detail {
            None => unsupported(Unsupported::TcpPath),
            Some(detail) => EndpointError::BadAddress {
                host: raw.to_owned(),
                source: source.clone(),
                detail,
            },
        })?),
        "https" => {
            return Err(EndpointError::NeedsTls {
                host: raw.to_owned(),
                source,
            });
        }
        "ssh" => return Err(unsupported(Unsupported::Ssh)),
        "fd" => return Err(unsupported(Unsupported::Fd)),
        other => {
            return Err(EndpointError::BadAddress {
                host: raw.to_owned(),
                source,
                detail: format!("unknown scheme `{other}://`"),
            });
        }
    };
    if matches!(address, Address::Tcp(_)) && tls {
        return Err(EndpointError::NeedsTls {
            host: raw.to_owned(),
            source,
        });
    }
    let host = match &address {
        Address::Unix(p) => unix_url(p),
        Address::Tcp(a) => format!("tcp://{a}"),
        Address::Pipe(p) => format!("npipe://{p}"),
    };
    Ok(Endpoint {
        host,
        address,
        source,
    })
}

/// `host:port` from what follows `tcp://`: no host is localhost, no port 2375 (2376 with
/// TLS). `Err(None)` for a path after the address, `Err(Some(why))` for nonsense.
fn tcp_address(rest: &str, tls: bool) -> Result<String, Option<String>> {
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.contains('/') {
        return Err(None);
    }
    if rest.contains(['?', '#', '@', ' ']) {
        return Err(Some(format!("`{rest}` is not HOST:PORT")));
    }
    let default_port = if tls { 2376 } else { 2375 };
    // `[::1]:2375`, `[::1]`, `host:2375`, `host`, `:2375`.
    let (host, port) = if let Some(v6) = rest.strip_prefix('[') {
        let (h, after) = v6
            .split_once(']')
            .ok_or_else(|| Some(format!("`{rest}` has no closing `]`")))?;
        (format!("[{h}]"), after.strip_prefix(':').unwrap_or(after))
    } else {
        match rest.rsplit_once(':') {
            Some((h, p)) if !h.contains(':') => (h.to_owned(), p),
            Some(_) => return Err(Some("write an IPv6 address in brackets: [::1]:2375".into())),
            None => (rest.to_owned(), ""),
        }
    };
    let host = if host.is_empty() {
        "localhost".to_owned()
    } else {
        host
    };
    let port = if port.is_empty() {
        default_port
    } else {
        port.parse::<u16>()
            .ok()
            .filter(|p| *p != 0)
            .ok_or_else(|| Some(format!("`{port}` is not a port number")))?
    };
    Ok(format!("{host}:{port}"))
}

// ---------------------------------------------------------------------------------------
// Where else the learner's `docker` may go.

/// Where the learner's own `docker` runs, when it may reach another engine than docklings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Place {
    /// `docker` in this shell, without docklings' `--host`/`--context`.
    ThisShell,
    /// `docker` in a new terminal: config.json's current context, without the variables.
    NewTerminal,
}

/// An engine the learner's `docker` would use instead, or why docker's own set-up could not
/// be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Elsewhere {
    pub(crate) place: Place,
    pub(crate) found: Result<Endpoint, EndpointError>,
}

/// Where the learner's `docker` goes when that is not `ours`: in this shell when docklings
/// was given flags, in a new terminal when a variable chose docklings' engine. The second
/// is how `start` is used (docklings in one terminal, docker in another), so an engine
/// chosen by an `export` in one of them is a trap worth a warning.
pub(crate) fn elsewhere(ours: &Endpoint, flags: &Flags, env: &Env) -> Vec<Elsewhere> {
    let mut found: Vec<Elsewhere> = Vec::new();
    let mut consider = |place, other: Result<Endpoint, EndpointError>| {
        let differs = match &other {
            Ok(e) => !same_engine(&e.address, &ours.address),
            Err(_) => true,
        };
        let seen = found.iter().any(|f| match (&f.found, &other) {
            (Ok(a), Ok(b)) => same_engine(&a.address, &b.address),
            (a, b) => a == b,
        });
        if differs && !seen {
            found.push(Elsewhere {
                place,
                found: other,
            });
        }
    };
    if *flags != Flags::default() {
        consider(Place::ThisShell, resolve_with(&Flags::default(), env));
    }
    if env.docker_host.is_some() || env.docker_context.is_some() || *flags != Flags::default() {
        consider(
            Place::NewTerminal,
            resolve_with(&Flags::default(), &env.fresh_terminal()),
        );
    }
    found
}

/// One engine under two addresses: the same socket file (through links), or the same
/// `host:port` or pipe.
pub(crate) fn same_engine(a: &Address, b: &Address) -> bool {
    match (a, b) {
        (Address::Unix(x), Address::Unix(y)) => {
            x == y || matches!((x.canonicalize(), y.canonicalize()), (Ok(p), Ok(q)) if p == q)
        }
        (Address::Tcp(x), Address::Tcp(y)) | (Address::Pipe(x), Address::Pipe(y)) => {
            x.eq_ignore_ascii_case(y)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A config folder in a temporary home, with contexts as the docker CLI writes them.
    struct Setup {
        home: tempfile::TempDir,
    }

    impl Setup {
        fn new() -> Setup {
            Setup {
                home: tempfile::tempdir().expect("temp home"),
            }
        }

        fn dir(&self) -> PathBuf {
            self.home.path().join(".docker")
        }

        fn env(&self) -> Env {
            Env {
                docker_host: None,
                docker_context: None,
                tls: false,
                config_dir: Some(self.dir()),
                home: Some(self.home.path().to_owned()),
                os: Os::Unix,
                system_socket: PathBuf::from(SYSTEM_SOCKET),
            }
        }

        fn config(&self, text: &str) {
            std::fs::create_dir_all(self.dir()).expect("mkdir");
            std::fs::write(self.dir().join("config.json"), text).expect("write config");
        }

        fn meta_path(&self, name: &str) -> PathBuf {
            self.dir()
                .join("contexts/meta")
                .join(context_id(name))
                .join("meta.json")
        }

        fn meta_raw(&self, name: &str, text: &str) {
            let p = self.meta_path(name);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, text).expect("write meta");
        }

        /// A context as `docker context create NAME --docker host=HOST` writes it.
        fn context(&self, name: &str, host: &str) {
            self.meta_raw(
                name,
                &serde_json::json!({
                    "Name": name,
                    "Metadata": {"Description": ""},
                    "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": false}}
                })
                .to_string(),
            );
        }
    }

    fn no_flags() -> Flags {
        Flags::default()
    }

    fn host(flags: &Flags, env: &Env) -> String {
        match resolve_with(flags, env) {
            Ok(e) => e.host,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn context_ids_are_the_docker_clis() {
        // `docker context create colima` keeps it under this folder.
        assert_eq!(
            context_id("colima"),
            "f24fd3749c1368328e2b149bec149cb6795619f244c5b584e844961215dadd16"
        );
    }

    #[test]
    fn nothing_set_is_the_os_default() {
        let s = Setup::new();
        let e = resolve_with(&no_flags(), &s.env()).expect("resolves");
        assert_eq!(e.host, "unix:///var/run/docker.sock");
        assert_eq!(
            e.source,
            Source::Default {
                by: None,
                desktop: false
            }
        );
        let mut win = s.env();
        win.os = Os::Windows;
        let e = resolve_with(&no_flags(), &win).expect("resolves");
        assert_eq!(e.host, "npipe:////./pipe/docker_engine");
        assert_eq!(e.address, Address::Pipe("//./pipe/docker_engine".into()));
        // No home, no config folder: still the default.
        let mut bare = s.env();
        bare.config_dir = None;
        bare.home = None;
        assert_eq!(host(&no_flags(), &bare), "unix:///var/run/docker.sock");
    }

    #[test]
    fn macos_falls_back_to_docker_desktops_socket() {
        let s = Setup::new();
        let mut mac = s.env();
        mac.os = Os::Mac;
        mac.system_socket = s.home.path().join("no-system.sock");
        // Neither exists: the system socket, so the error names the usual place.
        assert_eq!(
            host(&no_flags(), &mac),
            format!("unix://{}", mac.system_socket.display())
        );
        let desktop = s.home.path().join(DESKTOP_SOCKET);
        std::fs::create_dir_all(desktop.parent().expect("parent")).expect("mkdir");
        std::fs::write(&desktop, "").expect("socket stand-in");
        let e = resolve_with(&no_flags(), &mac).expect("resolves");
        assert_eq!(e.address, Address::Unix(desktop.clone()));
        assert!(
            e.source.to_string().contains("Docker Desktop"),
            "{}",
            e.source
        );
        // The system socket wins when it exists.
        std::fs::write(&mac.system_socket, "").expect("socket stand-in");
        assert_eq!(
            resolve_with(&no_flags(), &mac).expect("resolves").address,
            Address::Unix(mac.system_socket.clone())
        );
        // Linux has no such fallback.
        std::fs::remove_file(&mac.system_socket).expect("rm");
        mac.os = Os::Unix;
        assert_eq!(
            resolve_with(&no_flags(), &mac).expect("resolves").address,
            Address::Unix(mac.system_socket.clone())
        );
    }

    #[test]
    fn current_context_from_config_json() {
        let s = Setup::new();
        s.context("colima", "unix:///Users/me/.colima/default/docker.sock");
        s.config(r#"{"auths": {}, "currentContext": "colima"}"#);
        let e = resolve_with(&no_flags(), &s.env()).expect("resolves");
        assert_eq!(e.host, "unix:///Users/me/.colima/default/docker.sock");
        assert_eq!(
            e.source,
            Source::Context {
                name: "colima".into(),
                by: ContextBy::Config("~/.docker/config.json".into())
            }
        );
        assert_eq!(
            e.source.to_string(),
            "context `colima` from ~/.docker/config.json"
        );
        // No currentContext, or an empty one: the default.
        s.config(r#"{"auths": {}}"#);
        assert_eq!(host(&no_flags(), &s.env()), "unix:///var/run/docker.sock");
        s.config(r#"{"currentContext": ""}"#);
        assert_eq!(host(&no_flags(), &s.env()), "unix:///var/run/docker.sock");
        // `default` named in the config: the OS default, saying so.
        s.config(r#"{"currentContext": "default"}"#);
        let e = resolve_with(&no_flags(), &s.env()).expect("resolves");
        assert_eq!(e.host, "unix:///var/run/docker.sock");
        assert_eq!(
            e.source.to_string(),
            "context `default` from ~/.docker/config.json"
        );
    }

    #[test]
    fn the_docker_clis_order() {
        let s = Setup::new();
        s.context("colima", "unix:///c.sock");
        s.context("orb", "unix:///o.sock");
        s.context("remote", "tcp://10.0.0.9");
        s.config(r#"{"currentContext": "colima"}"#);
        let mut env = s.env();
        let flags = |host: Option<&str>, context: Option<&str>| Flags {
            host: host.map(str::to_owned),
            context: context.map(str::to_owned),
        };

        // config < DOCKER_CONTEXT < DOCKER_HOST < --context / --host.
        assert_eq!(host(&no_flags(), &env), "unix:///c.sock");
        env.docker_context = Some("orb".into());
        let e = resolve_with(&no_flags(), &env).expect("resolves");
        assert_eq!(e.host, "unix:///o.sock");
        assert_eq!(e.source.to_string(), "context `orb` from DOCKER_CONTEXT");
        env.docker_host = Some("unix:///h.sock".into());
        let e = resolve_with(&no_flags(), &env).expect("resolves");
        assert_eq!(
            (e.host.as_str(), e.source),
            ("unix:///h.sock", Source::DockerHost)
        );
        let e = resolve_with(&flags(None, Some("remote")), &env).expect("resolves");
        assert_eq!(e.host, "tcp://10.0.0.9:2375");
        assert_eq!(e.source.to_string(), "context `remote` from --context");
        let e = resolve_with(&flags(Some("unix:///f.sock"), None), &env).expect("resolves");
        assert_eq!(
            (e.host.as_str(), e.source),
            ("unix:///f.sock", Source::HostFlag)
        );
        // Both flags: refused, as the docker CLI does, and the user's mistake.
        let both = resolve_with(&flags(Some("unix:///f.sock"), Some("orb")), &env);
        assert!(matches!(&both, Err(e) if e.is_bad_input()), "{both:?}");

        // `--context default` is the default context: DOCKER_HOST still applies to it.
        assert_eq!(host(&flags(None, Some("default")), &env), "unix:///h.sock");
        env.docker_host = None;
        let e = resolve_with(&flags(None, Some("default")), &env).expect("resolves");
        assert_eq!(e.host, "unix:///var/run/docker.sock");
        assert_eq!(e.source.to_string(), "context `default` from --context");

        // Empty variables are unset (the docker CLI's rule too).
        env.docker_context = None;
        assert_eq!(host(&no_flags(), &env), "unix:///c.sock");
    }

    #[test]
    fn unknown_contexts_are_named_with_who_chose_them() {
        let s = Setup::new();
        let flag = Flags {
            host: None,
            context: Some("nope".into()),
        };
        let e = resolve_with(&flag, &s.env()).expect_err("no such context");
        assert!(e.is_bad_input(), "--context is the user's own input: {e:?}");
        let text = e.to_string();
        assert!(
            text.contains("`nope`") && text.contains("--context"),
            "{text}"
        );
        assert!(text.contains("~/.docker/contexts"), "{text}");
        assert!(text.contains("docker context ls"), "{text}");

        let mut env = s.env();
        env.docker_context = Some("nope".into());
        let e = resolve_with(&no_flags(), &env).expect_err("no such context");
        assert!(
            !e.is_bad_input(),
            "the environment is the machine's set-up: {e:?}"
        );
        assert!(e.to_string().contains("DOCKER_CONTEXT"), "{e}");

        s.config(r#"{"currentContext": "gone"}"#);
        let e = resolve_with(&no_flags(), &s.env()).expect_err("no such context");
        assert!(!e.is_bad_input());
        assert!(
            e.to_string()
                .contains("`gone` (from ~/.docker/config.json)"),
            "{e}"
        );
        assert!(e.to_string().contains("docker context use default"), "{e}");
    }

    #[test]
    fn damaged_files_are_errors_naming_the_file() {
        let s = Setup::new();
        s.config("{ not json");
        let e = resolve_with(&no_flags(), &s.env()).expect_err("bad JSON");
        assert!(
            matches!(&e, EndpointError::BadConfig { path, detail }
                if path == "~/.docker/config.json" && detail.contains("line 1")),
            "{e:?}"
        );
        assert!(!e.is_bad_input());
        s.config(r#"{"currentContext": 7}"#);
        let e = resolve_with(&no_flags(), &s.env()).expect_err("not a name");
        assert!(e.to_string().contains("not a context name"), "{e}");
        // DOCKER_HOST never reads the config, like the docker CLI choosing it first.
        let mut env = s.env();
        env.docker_host = Some("unix:///h.sock".into());
        assert_eq!(host(&no_flags(), &env), "unix:///h.sock");

        s.config(r#"{"currentContext": "broken"}"#);
        s.meta_raw("broken", "{");
        let e = resolve_with(&no_flags(), &s.env()).expect_err("bad meta");
        assert!(
            matches!(&e, EndpointError::BadMeta { name, path, .. }
                if name == "broken" && path.ends_with("/meta.json") && path.starts_with("~/.docker/contexts/meta/")),
            "{e:?}"
        );
        s.meta_raw("broken", r#"{"Name": "broken", "Endpoints": {}}"#);
        let e = resolve_with(&no_flags(), &s.env()).expect_err("no endpoint");
        assert!(e.to_string().contains("Endpoints.docker"), "{e}");
        s.meta_raw(
            "broken",
            r#"{"Name": "broken", "Endpoints": {"docker": {"Host": ""}}}"#,
        );
        let e = resolve_with(&no_flags(), &s.env()).expect_err("empty host");
        assert!(e.to_string().contains("missing or empty"), "{e}");
        // A context folder without its meta.json is no context.
        std::fs::remove_file(s.meta_path("broken")).expect("rm");
        let e = resolve_with(&no_flags(), &s.env()).expect_err("missing meta");
        assert!(
            matches!(&e, EndpointError::UnknownContext { name, .. } if name == "broken"),
            "{e:?}"
        );
    }

    #[test]
    fn tls_contexts_and_variables_are_refused_clearly() {
        let s = Setup::new();
        s.meta_raw(
            "skip",
            r#"{"Name":"skip","Endpoints":{"docker":{"Host":"tcp://10.0.0.9:2376","SkipTLSVerify":true}}}"#,
        );
        s.context("certs", "tcp://10.0.0.9:2376");
        let tls = s
            .dir()
            .join("contexts/tls")
            .join(context_id("certs"))
            .join("docker");
        std::fs::create_dir_all(&tls).expect("mkdir");
        std::fs::write(tls.join("ca.pem"), "x").expect("write");
        // A unix socket has nothing to do with TLS, certificates or not.
        s.context("local", "unix:///l.sock");
        let tls_local = s
            .dir()
            .join("contexts/tls")
            .join(context_id("local"))
            .join("docker");
        std::fs::create_dir_all(&tls_local).expect("mkdir");
        std::fs::write(tls_local.join("ca.pem"), "x").expect("write");
        for name in ["skip", "certs"] {
            let flags = Flags {
                host: None,
                context: Some(name.into()),
            };
            let e = resolve_with(&flags, &s.env()).expect_err("needs TLS");
            assert!(
                matches!(&e, EndpointError::NeedsTls { .. }),
                "{name}: {e:?}"
            );
            assert!(
                e.to_string()
                    .contains("TLS, which docklings does not support")
            );
            assert!(!e.is_bad_input());
        }
        let local = Flags {
            host: None,
            context: Some("local".into()),
        };
        assert_eq!(host(&local, &s.env()), "unix:///l.sock");

        let mut env = s.env();
        env.tls = true;
        env.docker_host = Some("tcp://10.0.0.9".into());
        assert!(matches!(
            resolve_with(&no_flags(), &env),
            Err(EndpointError::NeedsTls { .. })
        ));
        env.docker_host = Some("unix:///h.sock".into());
        assert_eq!(host(&no_flags(), &env), "unix:///h.sock");
        env.docker_host = None;
        assert!(matches!(
            resolve_with(&no_flags(), &env),
            Err(EndpointError::NeedsTls { host, .. }) if host == "tcp://localhost:2376"
        ));
    }

    #[test]
    fn addresses_parse_as_the_docker_cli_parses_them() {
        let s = Setup::new();
        let env = s.env();
        let at = |h: &str| {
            let flags = Flags {
                host: Some(h.into()),
                context: None,
            };
            resolve_with(&flags, &env)
        };
        let ok = |h: &str| at(h).map(|e| e.host).unwrap_or_else(|e| panic!("{h}: {e}"));
        assert_eq!(ok("unix:///tmp/d.sock"), "unix:///tmp/d.sock");
        assert_eq!(ok("unix://"), "unix:///var/run/docker.sock");
        assert_eq!(ok("tcp://127.0.0.1:2375"), "tcp://127.0.0.1:2375");
        assert_eq!(ok("tcp://docker.example"), "tcp://docker.example:2375");
        assert_eq!(ok("tcp://:2380"), "tcp://localhost:2380");
        assert_eq!(ok("tcp://[::1]:2375/"), "tcp://[::1]:2375");
        assert_eq!(ok("10.0.0.9:2375"), "tcp://10.0.0.9:2375");
        assert_eq!(ok("  http://h:1  "), "tcp://h:1");
        assert_eq!(
            at("tcp://h:1").expect("ok").address,
            Address::Tcp("h:1".into())
        );

        for bad in ["foo://x", "tcp://h:port", "tcp://h:0", "tcp://::1:2375"] {
            let e = at(bad).expect_err(bad);
            assert!(
                matches!(e, EndpointError::BadAddress { .. }) && e.is_bad_input(),
                "{bad}: {e:?}"
            );
        }
        for (addr, what) in [
            ("ssh://me@host", Unsupported::Ssh),
            ("fd://", Unsupported::Fd),
            (
                "npipe:////./pipe/docker_engine",
                Unsupported::PipeOffWindows,
            ),
            ("tcp://h:2375/base", Unsupported::TcpPath),
        ] {
            let e = at(addr).expect_err(addr);
            assert!(
                matches!(&e, EndpointError::Unsupported { what: w, .. } if *w == what),
                "{addr}: {e:?}"
            );
            assert!(!e.is_bad_input());
        }
        assert!(matches!(
            at("https://h:2376"),
            Err(EndpointError::NeedsTls { .. })
        ));
        // The same DOCKER_HOST nonsense is the machine's set-up, not the command line.
        let mut env = s.env();
        env.docker_host = Some("foo://x".into());
        let e = resolve_with(&no_flags(), &env).expect_err("bad");
        assert!(
            !e.is_bad_input() && e.to_string().contains("from DOCKER_HOST"),
            "{e}"
        );

        // On Windows: pipes, not unix sockets.
        let mut win = s.env();
        win.os = Os::Windows;
        win.docker_host = Some("npipe:////./pipe/dockerDesktopLinuxEngine".into());
        assert_eq!(
            resolve_with(&no_flags(), &win).expect("pipe").address,
            Address::Pipe("//./pipe/dockerDesktopLinuxEngine".into())
        );
        win.docker_host = Some("unix:///var/run/docker.sock".into());
        assert!(matches!(
            resolve_with(&no_flags(), &win),
            Err(EndpointError::Unsupported {
                what: Unsupported::UnixOnWindows,
                ..
            })
        ));
    }

    #[test]
    fn windows_paths_are_shown_as_they_are() {
        let s = Setup::new();
        let mut win = s.env();
        win.os = Os::Windows;
        s.config(r#"{"currentContext": "gone"}"#);
        let e = resolve_with(&no_flags(), &win).expect_err("gone");
        assert!(!e.to_string().contains('~'), "{e}");
    }

    #[test]
    fn elsewhere_finds_a_docker_cli_on_another_engine() {
        let s = Setup::new();
        s.context("colima", "unix:///c.sock");
        s.config(r#"{"currentContext": "colima"}"#);
        let mut env = s.env();

        // Found through the config: docker goes where docklings goes.
        let ours = resolve_with(&no_flags(), &env).expect("resolves");
        assert!(elsewhere(&ours, &no_flags(), &env).is_empty());

        // DOCKER_HOST exported in docklings' terminal: a new terminal's docker uses colima.
        env.docker_host = Some("unix:///var/run/docker.sock".into());
        let ours = resolve_with(&no_flags(), &env).expect("resolves");
        let other = elsewhere(&ours, &no_flags(), &env);
        assert_eq!(other.len(), 1, "{other:?}");
        assert_eq!(other[0].place, Place::NewTerminal);
        assert_eq!(
            other[0].found.as_ref().map(|e| e.host.as_str()),
            Ok("unix:///c.sock")
        );

        // A flag: docker in this shell goes by DOCKER_HOST; a new terminal by the context.
        let flags = Flags {
            host: Some("unix:///f.sock".into()),
            context: None,
        };
        let ours = resolve_with(&flags, &env).expect("resolves");
        let places: Vec<Place> = elsewhere(&ours, &flags, &env)
            .iter()
            .map(|e| e.place)
            .collect();
        assert_eq!(places, vec![Place::ThisShell, Place::NewTerminal]);

        // The same engine through another path is the same engine.
        let dir = tempfile::tempdir().expect("tmp");
        let real = dir.path().join("real.sock");
        std::fs::write(&real, "").expect("write");
        #[cfg(unix)]
        {
            let link = dir.path().join("link.sock");
            std::os::unix::fs::symlink(&real, &link).expect("symlink");
            s.context("colima", &format!("unix://{}", link.display()));
            env.docker_host = Some(format!("unix://{}", real.display()));
            let ours = resolve_with(&no_flags(), &env).expect("resolves");
            assert!(elsewhere(&ours, &no_flags(), &env).is_empty());
        }

        // docker's config is broken but DOCKER_HOST spared docklings: still worth saying.
        s.config("{");
        let ours = resolve_with(&no_flags(), &env).expect("resolves");
        let other = elsewhere(&ours, &no_flags(), &env);
        assert!(
            matches!(
                other.as_slice(),
                [Elsewhere {
                    place: Place::NewTerminal,
                    found: Err(EndpointError::BadConfig { .. })
                }]
            ),
            "{other:?}"
        );
    }
}
