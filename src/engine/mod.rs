//! The only module that talks to Docker (through bollard). It turns API answers into the
//! plain data of [`crate::snapshot`] and offers the few active probes checks need.
//!
//! Every call has a deadline: an engine that hangs must cost the learner seconds, not
//! minutes, and the caller gets an [`EngineError`] that says what was tried.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bollard::Docker;
use bollard::errors::Error as BollardError;
use bollard::query_parameters as qp;
use futures_util::{StreamExt, TryStreamExt};

mod archive;
pub(crate) mod cleanup;
mod convert;
pub(crate) mod endpoint;
pub(crate) mod inventory;
mod labelled;
mod probe;
pub(crate) use probe::LogLine;
pub(crate) mod routes;

use crate::lab::Footprint;
use crate::snapshot::{Container, Event, Network, Snapshot, Summary, Unused};
pub use convert::EngineKind;
pub(crate) use convert::plain_ref;
use convert::{convert_container, convert_event};

/// Oldest API we support: Docker 20.10.
pub(crate) const MIN_API: (u32, u32) = (1, 41);
/// Output read from a container (logs, exec) is capped: enough to find a banner, never a
/// flood into the learner's terminal or our memory.
pub(crate) const OUTPUT_CAP: usize = 64 * 1024;
/// Marker put in the command line of every exec docklings runs, so the engine's
/// `exec_start` events for them are never mistaken for the learner's.
pub(crate) const PROBE_MARK: &str = "docklings-probe";
/// An events bound as the engine takes it, `seconds.nanoseconds`. An `until` in the future
/// would hold the stream open until then, so callers pass exactly now.
fn stamp(ns: i64) -> String {
    format!(
        "{}.{:09}",
        ns.div_euclid(1_000_000_000),
        ns.rem_euclid(1_000_000_000)
    )
}

/// How many events the Docker engine keeps (moby's `eventsLimit`).
pub(crate) const EVENT_MEMORY: usize = 256;

/// In the set of networks to inspect: every user-defined one (no network can be named so).
const ALL_NETWORKS: &str = "*";

const CONNECT_TIMEOUT: Duration = Duration::from_secs(4);
const CALL_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug)]
pub enum EngineError {
    /// No engine answered at `target`, found as `from` says ("context `colima` from …").
    Unreachable {
        target: String,
        from: String,
        detail: String,
    },
    /// No address to try: the docker CLI's settings name no usable engine.
    Endpoint(endpoint::EndpointError),
    /// It answered but speaks an API older than we support.
    TooOld { version: String, api: String },
    /// A call failed.
    Api { what: String, detail: String },
    /// A call took too long.
    Timeout { what: String },
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            EngineError::Unreachable {
                target,
                from,
                detail,
            } => {
                write!(
                    f,
                    "cannot reach the Docker engine at `{target}` ({from}): {detail}\n\
                     Start Docker and try again:\n  \
                     - Linux: `sudo systemctl start docker` (or `sudo dockerd &`)\n  \
                     - macOS/Windows: open Docker Desktop and wait until it says it is running\n  \
                     - colima: `colima start`; Podman: `podman machine start` and set DOCKER_HOST to its socket"
                )?;
                if detail.contains("ermission denied") {
                    write!(
                        f,
                        "\nPermission denied: add yourself to the `docker` group (`sudo usermod -aG docker $USER`, then log in again)."
                    )?;
                }
                Ok(())
            }
            EngineError::Endpoint(e) => write!(f, "{e}"),
            EngineError::TooOld { version, api } => write!(
                f,
                "the Docker engine is version {version} (API {api}); docklings needs Docker 20.10 (API {}.{}) or newer",
                MIN_API.0, MIN_API.1
            ),
            EngineError::Api { what, detail } => {
                write!(f, "the Docker engine failed to {what}: {detail}")
            }
            EngineError::Timeout { what } => write!(
                f,
                "the Docker engine did not answer in time while trying to {what}; is it overloaded or stuck?"
            ),
        }
    }
}

impl std::error::Error for EngineError {}

/// Where we will connect, as a user would write it (`unix:///var/run/docker.sock`), found
/// as the docker CLI finds it (`endpoint`); the address it could not use when none is usable.
pub(crate) fn target() -> String {
    use endpoint::EndpointError as E;
    match endpoint::resolve() {
        Ok(e) => e.host,
        Err(
            E::NeedsTls { host, .. } | E::Unsupported { host, .. } | E::BadAddress { host, .. },
        ) => host,
        Err(E::UnknownContext { name, .. } | E::BadMeta { name, .. }) => {
            format!("context `{name}`")
        }
        Err(E::BadConfig { path, .. }) => path,
        Err(E::BothFlags) => "--host/--context".to_owned(),
    }
}

/// How long an engine's answer that does not parse is asked for again (see [`readable`]):
/// Podman's `stopped` lasts milliseconds; a busy machine gets some slack.
const UNREADABLE_FOR: Duration = Duration::from_secs(3);

/// Ask again while the answer does not parse, for at most [`UNREADABLE_FOR`]. Podman names a
/// container's state between its end and its clean-up `stopped`, which is not one of
/// Docker's, so bollard cannot read the container, nor any list that holds it, for a
/// moment after a `docker kill`; asked again, Podman says `exited`. An answer that stays
/// unreadable is the error it is.
async fn readable<T, F, Fut>(ask: F) -> Result<T, BollardError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, BollardError>>,
{
    readable_for(UNREADABLE_FOR, ask).await
}

async fn readable_for<T, F, Fut>(limit: Duration, mut ask: F) -> Result<T, BollardError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, BollardError>>,
{
    let deadline = std::time::Instant::now() + limit;
    loop {
        match ask().await {
            Err(BollardError::JsonDataError { .. } | BollardError::JsonSerdeError { .. })
                if std::time::Instant::now() < deadline =>
            {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            answer => return answer,
        }
    }
}

fn api_err(what: impl Into<String>) -> impl FnOnce(BollardError) -> EngineError {
    let what = what.into();
    move |e| EngineError::Api {
        what,
        detail: short_error(&e),
    }
}

/// bollard errors carry the engine's JSON message; keep just the words. Transport errors
/// hide the useful part ("Connection refused") at the bottom of their source chain.
fn short_error(e: &BollardError) -> String {
    match e {
        BollardError::DockerResponseServerError {
            status_code,
            message,
        } => format!("{message} (HTTP {status_code})"),
        other => {
            let mut deepest: &dyn std::error::Error = other;
            while let Some(s) = deepest.source() {
                deepest = s;
            }
            let top = other.to_string();
            let root = deepest.to_string();
            if root == top { top } else { root }
        }
    }
}

fn is_not_found(e: &BollardError) -> bool {
    matches!(
        e,
        BollardError::DockerResponseServerError {
            status_code: 404,
            ..
        }
    )
}

/// Gone or going: 404 (no such container) or 409 (dead, being removed, not running), as
/// when the learner removes a container while docklings reads it.
fn is_gone(e: &BollardError) -> bool {
    matches!(
        e,
        BollardError::DockerResponseServerError {
            status_code: 404 | 409,
            ..
        }
    )
}

async fn timed<T>(
    what: &str,
    limit: Duration,
    fut: impl Future<Output = Result<T, EngineError>>,
) -> Result<T, EngineError> {
    tokio::time::timeout(limit, fut).await.unwrap_or_else(|_| {
        Err(EngineError::Timeout {
            what: what.to_owned(),
        })
    })
}

/// What `docker version` says, briefly.
#[derive(Clone, Debug, Default)]
pub struct VersionInfo {
    /// Docker, or Podman through its Docker-compatible service.
    pub(crate) kind: EngineKind,
    pub(crate) version: String,
    pub(crate) api: String,
    pub(crate) os: String,
    pub(crate) arch: String,
}

/// A connected engine.
#[derive(Clone, Debug)]
pub struct Engine {
    docker: Docker,
    /// Found once at connect; what differs is mapped in this module, never in checks.
    kind: EngineKind,
    /// docklings' own commands running in containers now or a moment ago, shared by the
    /// clones of one connection. Podman's exec events carry no command text to mark them
    /// by, so `watch` tells its own probes from the learner's execs by these.
    probes: std::sync::Arc<std::sync::Mutex<Vec<crate::store::journal::Window>>>,
}

/// One file read from a container through the archive endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileEntry {
    pub(crate) kind: crate::lab::FileType,
    /// Content of a regular file (capped at 4 MiB).
    pub(crate) content: Vec<u8>,
}

/// Result of a command docklings ran inside a container.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExecOutput {
    pub(crate) exit_code: Option<i64>,
    pub(crate) output: String,
}

/// Progress of a pull or build, for progress bars.
#[derive(Clone, Debug)]
pub(crate) enum Progress {
    /// A layer's bytes: (layer id, current, total).
    Layer(String, u64, u64),
    /// A line of status text.
    Status(String),
}

impl Engine {
    /// Connect and agree on an API version; fails within a few seconds when no engine answers.
    /// The engine is the one the docker CLI would use (`endpoint`: flags, DOCKER_HOST,
    /// contexts, the OS default), so docklings checks what the learner's `docker` changes.
    pub(crate) async fn connect() -> Result<Engine, EngineError> {
        let found = endpoint::resolve().map_err(EngineError::Endpoint)?;
        let unreachable = |detail: String| EngineError::Unreachable {
            target: found.host.clone(),
            from: found.source.to_string(),
            detail,
        };
        let secs = CALL_TIMEOUT.as_secs();
        let version = bollard::API_DEFAULT_VERSION;
        let docker = match &found.address {
            // A unix socket that does not exist is the most common case; say it plainly.
            endpoint::Address::Unix(path) if !path.exists() => {
                return Err(unreachable(format!(
                    "the socket `{}` does not exist",
                    path.display()
                )));
            }
            #[cfg(unix)]
            endpoint::Address::Unix(path) => {
                Docker::connect_with_unix(&path.to_string_lossy(), secs, version)
            }
            endpoint::Address::Tcp(addr) => {
                Docker::connect_with_http(&format!("tcp://{addr}"), secs, version)
            }
            #[cfg(windows)]
            endpoint::Address::Pipe(pipe) => Docker::connect_with_named_pipe(pipe, secs, version),
            // A pipe off Windows or a socket on it: resolution already refused both.
            _ => {
                return Err(unreachable(
                    "this system has no transport for that address".to_owned(),
                ));
            }
        }
        .map_err(|e| unreachable(short_error(&e)))?
        .with_timeout(CALL_TIMEOUT);
        let docker = match tokio::time::timeout(CONNECT_TIMEOUT, docker.negotiate_version()).await {
            Ok(Ok(d)) => d,
            Ok(Err(e)) => return Err(unreachable(short_error(&e))),
            Err(_) => {
                return Err(unreachable(format!(
                    "no answer within {}s",
                    CONNECT_TIMEOUT.as_secs()
                )));
            }
        };
        // Negotiation settled on min(ours, the engine's): that is the engine's API version
        // whenever it is older than ours, which is all we need to know to go on.
        let cv = docker.client_version();
        let api = (cv.major_version as u32, cv.minor_version as u32);
        let about = match tokio::time::timeout(CONNECT_TIMEOUT, docker.version()).await {
            Ok(Ok(v)) => Some(v),
            _ => None,
        };
        if api < MIN_API {
            return Err(EngineError::TooOld {
                version: about
                    .and_then(|v| v.version)
                    .unwrap_or_else(|| "unknown".to_owned()),
                api: format!("{}.{}", api.0, api.1),
            });
        }
        let kind = about.as_ref().map(EngineKind::of).unwrap_or_default();
        let docker = match kind {
            EngineKind::Docker => docker,
            EngineKind::Podman => docker.with_request_modifier(podman_request),
        };
        Ok(Engine {
            docker,
            kind,
            probes: Default::default(),
        })
    }

    /// What `docker version` says about the engine (one more round trip; for `doctor`).
    pub(crate) async fn version(&self) -> Result<VersionInfo, EngineError> {
        let v = timed("read the version", CONNECT_TIMEOUT, async {
            self.docker
                .version()
                .await
                .map_err(api_err("read the version"))
        })
        .await?;
        Ok(VersionInfo {
            kind: EngineKind::of(&v),
            version: v.version.unwrap_or_default(),
            api: v.api_version.unwrap_or_default(),
            os: v.os.unwrap_or_default(),
            arch: v.arch.unwrap_or_default(),
        })
    }

    /// Image ID for a reference, `None` if there is no such image.
    pub(crate) async fn image_id(&self, reference: &str) -> Result<Option<String>, EngineError> {
        match self.docker.inspect_image(reference).await {
            Ok(i) => Ok(i.id),
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(api_err(format!("inspect image `{reference}`"))(e)),
        }
    }

    /// Labels of an image, `None` if there is no such image.
    pub(crate) async fn image_labels(
        &self,
        reference: &str,
    ) -> Result<Option<BTreeMap<String, String>>, EngineError> {
        match self.docker.inspect_image(reference).await {
            Ok(i) => Ok(Some(
                i.config
                    .and_then(|c| c.labels)
                    .unwrap_or_default()
                    .into_iter()
                    .collect(),
            )),
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(api_err(format!("inspect image `{reference}`"))(e)),
        }
    }

    /// The engine's container list, read again while Podman names a state bollard cannot
    /// read (see [`readable`]).
    pub(crate) async fn list_containers(
        &self,
        opts: qp::ListContainersOptions,
    ) -> Result<Vec<bollard::models::ContainerSummary>, BollardError> {
        readable(|| self.docker.list_containers(Some(opts.clone()))).await
    }

    /// One container's details, read again while Podman names a state bollard cannot read
    /// (see [`readable`]).
    pub(crate) async fn inspect_container(
        &self,
        reference: &str,
    ) -> Result<bollard::models::ContainerInspectResponse, BollardError> {
        readable(|| self.docker.inspect_container(reference, None)).await
    }

    /// Every container, briefly.
    pub(crate) async fn summaries(&self) -> Result<Vec<Summary>, EngineError> {
        let opts = qp::ListContainersOptions {
            all: true,
            ..Default::default()
        };
        let list = self
            .list_containers(opts)
            .await
            .map_err(api_err("list containers"))?;
        Ok(list
            .into_iter()
            .map(|c| Summary {
                id: c.id.unwrap_or_default(),
                name: c
                    .names
                    .and_then(|n| n.into_iter().next())
                    .map(|n| n.trim_start_matches('/').to_owned())
                    .unwrap_or_default(),
                image: plain_ref(&c.image.unwrap_or_default()).to_owned(),
                image_id: c.image_id.unwrap_or_default(),
                state: c.state.map(|s| s.to_string()).unwrap_or_default(),
                status: c.status.unwrap_or_default(),
            })
            .collect())
    }

    /// Inspect one container; `None` if it is gone (removed between list and inspect).
    pub(crate) async fn container(&self, id: &str) -> Result<Option<Container>, EngineError> {
        match self.inspect_container(id).await {
            Ok(c) => Ok(Some(convert_container(c, self.kind))),
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(api_err(format!("inspect container `{id}`"))(e)),
        }
    }

    /// Every network with its members.
    pub(crate) async fn networks(
        &self,
        detail_for: &HashSet<String>,
    ) -> Result<Vec<Network>, EngineError> {
        let list = self
            .docker
            .list_networks(None::<qp::ListNetworksOptions>)
            .await
            .map_err(api_err("list networks"))?;
        let mut out = Vec::new();
        for n in list {
            let name = n.name.clone().unwrap_or_default();
            let subnets = n
                .ipam
                .as_ref()
                .and_then(|i| i.config.clone())
                .unwrap_or_default()
                .into_iter()
                .map(|c| (c.subnet.unwrap_or_default(), c.gateway.unwrap_or_default()))
                .collect();
            let mut net = Network {
                id: n.id.clone().unwrap_or_default(),
                user_defined: !matches!(name.as_str(), "bridge" | "host" | "none"),
                driver: n.driver.clone().unwrap_or_default(),
                members: Vec::new(),
                subnets,
                labels: n.labels.clone().unwrap_or_default().into_iter().collect(),
                created: n
                    .created
                    .as_deref()
                    .map(|c| convert::parse_time(Some(c)))
                    .unwrap_or(0),
                name,
            };
            // The list endpoint leaves members out; inspect only the networks a lab names
            // (all user-defined ones when `ALL_NETWORKS` is asked for).
            if detail_for.contains(&net.name)
                || (net.user_defined && detail_for.contains(ALL_NETWORKS))
            {
                match self
                    .docker
                    .inspect_network(&net.id, None::<qp::InspectNetworkOptions>)
                    .await
                {
                    Ok(i) => {
                        net.members = i
                            .containers
                            .unwrap_or_default()
                            .into_values()
                            .filter_map(|e| e.name)
                            .collect();
                        net.members.sort();
                    }
                    Err(e) if is_not_found(&e) => continue,
                    Err(e) => return Err(api_err(format!("inspect network `{}`", net.name))(e)),
                }
            }
            out.push(net);
        }
        Ok(out)
    }

    /// What nothing uses: stopped containers, user-defined networks without members
    /// (`networks` must carry all user-defined networks' members), dangling images and
    /// volumes no container mounts — what `docker system prune` would look at.
    async fn unused(&self, all: &[Summary], networks: &[Network]) -> Result<Unused, EngineError> {
        let stopped_containers = all
            .iter()
            .filter(|s| s.state != "running" && s.state != "paused" && s.state != "restarting")
            .map(|s| (s.id.clone(), s.name.clone(), s.image.clone()))
            .collect();
        let networks = networks
            .iter()
            .filter(|n| n.user_defined && n.members.is_empty())
            .map(|n| (n.id.clone(), n.name.clone()))
            .collect();
        let mut filters = HashMap::new();
        filters.insert("dangling".to_owned(), vec!["true".to_owned()]);
        let opts = qp::ListImagesOptions {
            filters: Some(filters),
            ..Default::default()
        };
        let dangling_images = self
            .docker
            .list_images(Some(opts))
            .await
            .map_err(api_err("list images"))?
            .into_iter()
            .map(|i| i.id)
            .collect();
        let volumes = self.volume_names(true).await?;
        Ok(Unused {
            stopped_containers,
            networks,
            dangling_images,
            volumes,
        })
    }

    /// Create a bridge network on a subnet, labelled as docklings' own; its ID.
    pub(crate) async fn create_network(
        &self,
        name: &str,
        subnet: &str,
        label: &str,
    ) -> Result<String, EngineError> {
        let config = bollard::models::NetworkCreateRequest {
            name: name.to_owned(),
            ipam: Some(bollard::models::Ipam {
                config: Some(vec![bollard::models::IpamConfig {
                    subnet: Some(subnet.to_owned()),
                    ..Default::default()
                }]),
                ..Default::default()
            }),
            labels: Some([(label.to_owned(), "1".to_owned())].into_iter().collect()),
            ..Default::default()
        };
        let r = self
            .docker
            .create_network(config)
            .await
            .map_err(api_err(format!("create network `{name}`")))?;
        Ok(r.id)
    }

    /// Does the engine still remember every event since `since_ns`? The Docker engine keeps
    /// its last [`EVENT_MEMORY`] events of all kinds and drops older ones. Asked for the
    /// events since a moment, it returns what it kept from then: fewer than that many means
    /// older ones exist in its memory too, so none since the moment was dropped; exactly
    /// that many means the oldest may have been pushed out.
    /// Podman keeps its events in a log of its own (a file or the journal), not in a
    /// window of the last few: what it has since a moment, it has all of.
    pub(crate) async fn remembers_since(&self, since_ns: i64) -> Result<bool, EngineError> {
        if self.kind == EngineKind::Podman {
            return Ok(true);
        }
        let opts = qp::EventsOptions {
            since: Some(since_ns.max(0).div_euclid(1_000_000_000).to_string()),
            until: Some(stamp(now_nano())),
            filters: None,
        };
        let stream = self.docker.events(Some(opts));
        let n = timed("read events", CALL_TIMEOUT, async {
            let mut stream = std::pin::pin!(stream);
            let mut n = 0usize;
            while let Some(m) = stream.next().await {
                m.map_err(api_err("read events"))?;
                n += 1;
            }
            Ok(n)
        })
        .await?;
        Ok(n < EVENT_MEMORY)
    }

    /// Container, network, image and volume events between `since_ns` (Unix nanoseconds)
    /// and now, oldest first, without the ones docklings' own probes caused.
    pub(crate) async fn events(&self, since_ns: i64) -> Result<Vec<Event>, EngineError> {
        let since = since_ns.max(0).div_euclid(1_000_000_000);
        let now = now_nano();
        let mut filters = HashMap::new();
        filters.insert(
            "type".to_owned(),
            ["container", "network", "image", "volume"]
                .map(str::to_owned)
                .to_vec(),
        );
        let opts = qp::EventsOptions {
            since: Some(stamp(since.max(0) * 1_000_000_000)),
            until: Some(stamp(now)),
            filters: Some(filters),
        };
        let stream = self.docker.events(Some(opts));
        let msgs: Vec<_> = timed("read events", CALL_TIMEOUT, async {
            stream.try_collect().await.map_err(api_err("read events"))
        })
        .await?;
        let own = crate::store::journal::windows();
        let mut out: Vec<Event> = msgs
            .into_iter()
            .map(|m| convert_event(m, self.kind))
            // The API counts whole seconds; the rest of the bound is ours to apply.
            .filter(|e| e.time_nano >= since_ns && !is_own_event(e, &own, self.kind))
            .collect();
        out.sort_by_key(|e| e.time_nano);
        Ok(out)
    }

    /// Follow the engine's container and network events from now on, for watch mode.
    /// Events docklings' own probes cause are dropped here, so they never trigger a re-check
    /// (which would probe again: a loop).
    pub(crate) fn follow_events(
        &self,
    ) -> impl futures_util::Stream<Item = Result<Event, EngineError>> + '_ {
        let mut filters = HashMap::new();
        // Images too: `docker rmi`, `pull` and `commit` change what `image` checks see.
        filters.insert(
            "type".to_owned(),
            vec![
                "container".to_owned(),
                "network".to_owned(),
                "image".to_owned(),
                // `volume prune`: the `unused` check reads volumes.
                "volume".to_owned(),
            ],
        );
        let opts = qp::EventsOptions {
            since: None,
            until: None,
            filters: Some(filters),
        };
        let kind = self.kind;
        self.docker
            .events(Some(opts))
            .map(move |m| {
                m.map(|m| convert_event(m, kind))
                    .map_err(api_err("follow events"))
            })
            .filter(move |e| {
                let keep = match e {
                    Ok(e) => !is_trigger_noise(e) && !self.is_recent_probe(e),
                    Err(_) => true,
                };
                futures_util::future::ready(keep)
            })
    }

    /// The state a lab's checks read: full detail for the containers in its footprint.
    pub(crate) async fn snapshot(
        &self,
        fp: &Footprint,
        events_since: Option<i64>,
    ) -> Result<Snapshot, EngineError> {
        timed("read the engine's state", CALL_TIMEOUT, async {
            let mut nets: HashSet<String> = fp.networks.iter().cloned().collect();
            if fp.unused {
                nets.insert(ALL_NETWORKS.to_owned());
            }
            let image_ids = futures_util::future::try_join_all(
                fp.images
                    .iter()
                    .map(|r| async { Ok::<_, EngineError>((r.clone(), self.image_id(r).await?)) }),
            );
            let events = async {
                match events_since {
                    Some(s) => self.events(s).await,
                    None => Ok(Vec::new()),
                }
            };
            let (all, networks, images, events) =
                futures_util::try_join!(self.summaries(), self.networks(&nets), image_ids, events)?;
            let (events, engine_events): (Vec<Event>, Vec<Event>) =
                events.into_iter().partition(|e| e.kind == "container");
            let unused = if fp.unused {
                Some(self.unused(&all, &networks).await?)
            } else {
                None
            };
            let images: BTreeMap<String, Option<String>> = images.into_iter().collect();
            let wanted_ids: HashSet<&str> = images.values().flatten().map(String::as_str).collect();
            let member_names: HashSet<&str> = networks
                .iter()
                .filter(|n| nets.contains(&n.name))
                .flat_map(|n| n.members.iter().map(String::as_str))
                .collect();
            let relevant: Vec<&Summary> = all
                .iter()
                .filter(|s| {
                    wanted_ids.contains(s.image_id.as_str())
                        || fp.names.contains(&s.name)
                        || member_names.contains(s.name.as_str())
                })
                .collect();
            let containers =
                futures_util::future::try_join_all(relevant.iter().map(|s| self.container(&s.id)))
                    .await?;
            let mut containers: Vec<Container> = containers.into_iter().flatten().collect();
            if self.kind == EngineKind::Podman {
                self.attached_from_events(&mut containers).await;
            }
            Ok(Snapshot {
                containers,
                all,
                networks,
                images,
                events,
                engine_events,
                unused,
                taken_at: unix_now(),
                gaps: self.kind.gaps(),
            })
        })
        .await
    }

    /// Podman never sets `Config.AttachStdout`, but logs an `attach` event when a client
    /// attaches, and `docker run` without `-d` attaches before the container's first start.
    /// That is the evidence both engines give; without the events (a failed read, a
    /// container never started) `attached` stays unknown.
    async fn attached_from_events(&self, containers: &mut [Container]) {
        let Some(since) = containers
            .iter()
            .map(|c| c.created)
            .filter(|t| *t > 0)
            .min()
        else {
            return;
        };
        let mut filters = HashMap::new();
        filters.insert("type".to_owned(), vec!["container".to_owned()]);
        filters.insert(
            "event".to_owned(),
            vec!["attach".to_owned(), "start".to_owned()],
        );
        let opts = qp::EventsOptions {
            since: Some((since - 1).to_string()),
            until: Some(stamp(now_nano())),
            filters: Some(filters),
        };
        let stream = self.docker.events(Some(opts));
        let Ok(msgs) = timed("read events", CALL_TIMEOUT, async {
            stream
                .try_collect::<Vec<_>>()
                .await
                .map_err(api_err("read events"))
        })
        .await
        else {
            return;
        };
        let events: Vec<Event> = msgs
            .into_iter()
            .map(|m| convert_event(m, self.kind))
            .collect();
        for c in containers.iter_mut() {
            c.attached = attached_before_first_start(&c.id, &events);
        }
    }

    /// Build an image from a tar context (legacy builder: works on 20.10 without BuildKit).
    pub(crate) async fn build(
        &self,
        tag: &str,
        context: Vec<u8>,
        mut on_progress: impl FnMut(Progress),
    ) -> Result<(), EngineError> {
        let opts = qp::BuildImageOptions {
            t: Some(tag.to_owned()),
            rm: true,
            forcerm: true,
            dockerfile: "Dockerfile".to_owned(),
            ..Default::default()
        };
        let mut stream = std::pin::pin!(self.docker.build_image(
            opts,
            None,
            Some(bollard::body_full(context.into()))
        ));
        while let Some(item) = stream.next().await {
            let info = item.map_err(api_err(format!("build `{tag}`")))?;
            if let Some(err) = info.error_detail.and_then(|d| d.message) {
                return Err(EngineError::Api {
                    what: format!("build `{tag}`"),
                    detail: err,
                });
            }
            if let Some(s) = info.stream {
                let s = s.trim();
                if !s.is_empty() {
                    on_progress(Progress::Status(s.to_owned()));
                }
            }
        }
        Ok(())
    }

    /// Pull an image, reporting layer progress.
    pub(crate) async fn pull(
        &self,
        reference: &str,
        mut on_progress: impl FnMut(Progress),
    ) -> Result<(), EngineError> {
        let (name, tag) = split_reference(reference);
        let opts = qp::CreateImageOptions {
            from_image: Some(name),
            tag: Some(tag),
            ..Default::default()
        };
        let mut stream = std::pin::pin!(self.docker.create_image(Some(opts), None, None));
        while let Some(item) = stream.next().await {
            let info = item.map_err(api_err(format!("pull `{reference}`")))?;
            if let Some(err) = info.error_detail.and_then(|d| d.message) {
                return Err(EngineError::Api {
                    what: format!("pull `{reference}`"),
                    detail: err,
                });
            }
            match (info.id, info.progress_detail) {
                (Some(id), Some(p)) if p.total.unwrap_or(0) > 0 => on_progress(Progress::Layer(
                    id,
                    p.current.unwrap_or(0).max(0) as u64,
                    p.total.unwrap_or(0).max(0) as u64,
                )),
                _ => {
                    if let Some(s) = info.status {
                        on_progress(Progress::Status(s));
                    }
                }
            }
        }
        Ok(())
    }

    /// Remove an image by ID or tag (not forced: an image in use stays).
    pub(crate) async fn remove_image(&self, reference: &str) -> Result<(), EngineError> {
        match self
            .docker
            .remove_image(reference, None::<qp::RemoveImageOptions>, None)
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if is_not_found(&e) => Ok(()),
            Err(e) => Err(api_err(format!("remove image `{reference}`"))(e)),
        }
    }
}

/// An image or container ID shortened as the docker CLI shows it, for messages.
pub(crate) fn short_id(id: &str) -> &str {
    let id = id.strip_prefix("sha256:").unwrap_or(id);
    id.get(..12).unwrap_or(id)
}

/// `nginx` → (`nginx`, `latest`); `host:5000/a/b:1.2` → (`host:5000/a/b`, `1.2`).
pub(crate) fn split_reference(r: &str) -> (String, String) {
    let last = r.rsplit('/').next().unwrap_or(r);
    match last.rsplit_once(':') {
        Some((_, tag)) => (r[..r.len() - tag.len() - 1].to_owned(), tag.to_owned()),
        None => (r.to_owned(), "latest".to_owned()),
    }
}

/// Events that never change a verdict by themselves: our own probes, exec endings (the
/// exec's start already triggered), and archive reads (ours, or a learner's `cp` out, which
/// no check reads from the event stream alone).
pub(crate) fn is_trigger_noise(e: &Event) -> bool {
    e.action.contains(PROBE_MARK) || matches!(e.verb(), "exec_die" | "archive-path" | "exec_detach")
}

/// An exec event that names no command: Podman's, which cannot carry our mark.
fn is_bare_exec(e: &Event) -> bool {
    matches!(e.verb(), "exec_start" | "exec_die") && e.detail().is_empty()
}

/// Was this event caused by docklings? Execs say so in their command (Docker's), or fall
/// in the time of one of our probes into that container (Podman's, without a command);
/// archive reads fall in the time of one of our reads.
fn is_own_event(e: &Event, own: &[crate::store::journal::Window], engine: EngineKind) -> bool {
    if e.action.contains(PROBE_MARK) {
        return true;
    }
    let by_time = e.verb() == "archive-path" || (engine == EngineKind::Podman && is_bare_exec(e));
    by_time
        && own
            .iter()
            .any(|w| e.actor_id.starts_with(&w.container) && w.covers(e.time_nano))
}

/// How long a finished probe stays in the engine's memory for `watch`: its events reach
/// the stream within milliseconds.
const PROBE_MEMORY_NS: i64 = 10_000_000_000;
/// The end of a probe still running: far in the future, with room for `covers`' slack.
const STILL_RUNNING: i64 = i64::MAX / 2;

impl Engine {
    /// Note a probe starting in a container (Podman only: Docker's events carry our mark);
    /// the returned start time ends it in [`Engine::probe_ended`].
    pub(crate) fn probe_started(&self, container: &str) -> i64 {
        let start = now_nano();
        if self.kind == EngineKind::Podman
            && let Ok(mut p) = self.probes.lock()
        {
            // A probe cut short never ended: forget it after a while all the same.
            p.retain(|w| {
                w.end > start - PROBE_MEMORY_NS
                    && (w.end != STILL_RUNNING || w.start > start - 3 * PROBE_MEMORY_NS)
            });
            p.push(crate::store::journal::Window {
                container: container.to_owned(),
                start,
                end: STILL_RUNNING,
            });
        }
        start
    }

    /// The probe begun at `start` is over: keep its window for `watch`, and journal it so
    /// that other docklings processes (a `check` beside a `watch`) know it too.
    pub(crate) fn probe_ended(&self, container: &str, start: i64) {
        if self.kind != EngineKind::Podman {
            return;
        }
        let end = now_nano();
        if let Ok(mut p) = self.probes.lock()
            && let Some(w) = p
                .iter_mut()
                .find(|w| w.container == container && w.start == start)
        {
            w.end = end;
        }
        crate::store::journal::record(container, start, end);
    }

    /// A Podman exec event during one of this process's probes into that container.
    fn is_recent_probe(&self, e: &Event) -> bool {
        if self.kind != EngineKind::Podman || !is_bare_exec(e) {
            return false;
        }
        self.probes.lock().is_ok_and(|p| {
            p.iter()
                .any(|w| e.actor_id.starts_with(&w.container) && w.covers(e.time_nano))
        })
    }
}

/// Did a client attach to container `id` before its first start? `None` when no start of it
/// is among `events`.
fn attached_before_first_start(id: &str, events: &[Event]) -> Option<bool> {
    let mine = || events.iter().filter(move |e| e.actor_id == id);
    let first_start = mine()
        .filter(|e| e.verb() == "start")
        .map(|e| e.time_nano)
        .min()?;
    Some(mine().any(|e| e.verb() == "attach" && e.time_nano <= first_start))
}

/// Podman answers `/events` bounded by `until=<now>` with nothing (or only its first
/// event), while a read with `stream=false` ends at the present by itself; so on Podman the
/// bound is sent that way. Every other request goes out untouched.
fn podman_request(mut req: bollard::BollardRequest) -> bollard::BollardRequest {
    if let Some(fixed) = podman_events_uri(&req.uri().to_string())
        && let Ok(uri) = fixed.parse()
    {
        *req.uri_mut() = uri;
    }
    req
}

/// `…/events?since=1&until=2&filters=…` → `…/events?since=1&filters=…&stream=false`;
/// `None` for anything else.
fn podman_events_uri(uri: &str) -> Option<String> {
    let (path, query) = uri.split_once('?')?;
    if !path.ends_with("/events") {
        return None;
    }
    let (until, rest): (Vec<&str>, Vec<&str>) =
        query.split('&').partition(|p| p.starts_with("until="));
    if until.is_empty() {
        return None;
    }
    let mut rest: Vec<&str> = rest.into_iter().filter(|p| !p.is_empty()).collect();
    rest.push("stream=false");
    Some(format!("{path}?{}", rest.join("&")))
}

pub(crate) fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

pub(crate) fn now_nano() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_ids() {
        assert_eq!(short_id("sha256:0123456789abcdef"), "0123456789ab");
        assert_eq!(short_id("abc"), "abc");
    }

    #[test]
    fn references() {
        assert_eq!(split_reference("nginx"), ("nginx".into(), "latest".into()));
        assert_eq!(
            split_reference("nginx:1.18"),
            ("nginx".into(), "1.18".into())
        );
        assert_eq!(
            split_reference("localhost:5000/diamol/base"),
            ("localhost:5000/diamol/base".into(), "latest".into())
        );
    }

    #[test]
    fn own_events_are_recognised() {
        let e = Event {
            action: format!("exec_start: sh -c exec \"$@\" {PROBE_MARK} ls"),
            ..Default::default()
        };
        assert!(is_own_event(&e, &[], EngineKind::Docker));
        let learner = Event {
            action: "exec_start: ls /usr/local/apache2/htdocs".into(),
            ..Default::default()
        };
        assert!(!is_own_event(&learner, &[], EngineKind::Docker));
    }

    fn event(action: &str, actor: &str, t: i64) -> Event {
        Event {
            kind: "container".into(),
            action: action.into(),
            actor_id: actor.into(),
            time_nano: t,
            ..Default::default()
        }
    }

    #[test]
    fn podman_execs_are_ours_by_their_time_in_our_probe_windows() {
        let probe = crate::store::journal::Window {
            container: "c1".into(),
            start: 1_000_000_000,
            end: 2_000_000_000,
        };
        let ours = [probe];
        let during = event("exec_start", "c1abc", 1_500_000_000);
        assert!(is_own_event(&during, &ours, EngineKind::Podman));
        assert!(is_own_event(
            &event("exec_die", "c1abc", 1_900_000_000),
            &ours,
            EngineKind::Podman
        ));
        // The learner's: later, or in another container.
        assert!(!is_own_event(
            &event("exec_start", "c1abc", 5_000_000_000),
            &ours,
            EngineKind::Podman
        ));
        assert!(!is_own_event(
            &event("exec_start", "c2", 1_500_000_000),
            &ours,
            EngineKind::Podman
        ));
        // Docker's execs carry their command: time alone never makes one ours.
        assert!(!is_own_event(&during, &ours, EngineKind::Docker));
    }

    #[test]
    fn podman_event_reads_are_bounded_by_stream_false() {
        assert_eq!(
            podman_events_uri("unix://x/v1.41/events?since=1&until=2.000000000&filters=%7B%7D")
                .as_deref(),
            Some("unix://x/v1.41/events?since=1&filters=%7B%7D&stream=false")
        );
        assert_eq!(
            podman_events_uri("unix://x/v1.41/events?until=2").as_deref(),
            Some("unix://x/v1.41/events?stream=false")
        );
        // Following (no `until`) and other paths go out untouched.
        assert_eq!(
            podman_events_uri("unix://x/v1.41/events?filters=%7B%7D"),
            None
        );
        assert_eq!(
            podman_events_uri("unix://x/v1.41/containers/json?until=2"),
            None
        );
    }

    #[test]
    fn attached_means_an_attach_before_the_first_start() {
        let run_attached = [
            event("attach", "a", 1),
            event("start", "a", 2),
            event("start", "d", 3),
            // `docker start -a` later does not make a detached run attached.
            event("attach", "d", 4),
            event("start", "d", 5),
        ];
        assert_eq!(attached_before_first_start("a", &run_attached), Some(true));
        assert_eq!(attached_before_first_start("d", &run_attached), Some(false));
        assert_eq!(
            attached_before_first_start("never-started", &run_attached),
            None
        );
    }

    /// What bollard says of a container list with Podman's `stopped` in it.
    fn unreadable() -> BollardError {
        BollardError::JsonDataError {
            message: "unknown variant `stopped`".into(),
            column: 467,
        }
    }

    #[tokio::test]
    async fn an_answer_that_does_not_parse_is_asked_again_for_a_while() {
        // Podman's passing `stopped`: the third answer reads.
        let mut asked = 0;
        let got = readable_for(Duration::from_secs(2), || {
            asked += 1;
            let n = asked;
            async move { if n < 3 { Err(unreadable()) } else { Ok(n) } }
        })
        .await;
        assert_eq!(got.ok(), Some(3));
        // One that never parses is the error it is, once the time is up.
        let got: Result<(), _> =
            readable_for(Duration::from_millis(120), || async { Err(unreadable()) }).await;
        assert!(matches!(got, Err(BollardError::JsonDataError { .. })));
        // serde's own error for a body that does not parse at all: asked again too.
        let mut serde_asked = 0;
        let got = readable_for(Duration::from_secs(2), || {
            serde_asked += 1;
            let n = serde_asked;
            async move {
                if n < 2 {
                    Err(BollardError::JsonSerdeError {
                        err: serde_json::from_str::<u8>("x").expect_err("not a number"),
                    })
                } else {
                    Ok(n)
                }
            }
        })
        .await;
        assert_eq!(got.ok(), Some(2));
        // Other errors are not asked again.
        let mut other = 0;
        let got: Result<(), _> = readable_for(Duration::from_secs(2), || {
            other += 1;
            async { Err(BollardError::RequestTimeoutError) }
        })
        .await;
        assert!(got.is_err());
        assert_eq!(other, 1);
    }

    #[tokio::test]
    async fn watch_drops_podman_execs_during_its_own_probes() {
        let engine = Engine {
            docker: Docker::connect_with_http("tcp://127.0.0.1:9", 1, bollard::API_DEFAULT_VERSION)
                .expect("a client needs no engine to exist"),
            kind: EngineKind::Podman,
            probes: Default::default(),
        };
        let start = engine.probe_started("c1");
        let t = now_nano();
        assert!(engine.is_recent_probe(&event("exec_start", "c1full", t)));
        // Ended (as `probe_ended` does, without journaling from a unit test).
        engine.probes.lock().expect("not poisoned")[0].end = start + 1_000;
        assert!(engine.is_recent_probe(&event("exec_start", "c1full", t)));
        assert!(!engine.is_recent_probe(&event("exec_start", "c2", t)));
        assert!(!engine.is_recent_probe(&event("exec_start: ls", "c1full", t)));
        assert!(!engine.is_recent_probe(&event("exec_start", "c1full", t + 60_000_000_000)));
    }
}
