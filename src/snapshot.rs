//! What the engine looked like at one moment, as plain data.
//!
//! The engine module fills these from the Docker API; checks read them. Keeping them free
//! of bollard types is what lets the checker be unit-tested with a fake engine.

use std::collections::BTreeMap;

/// A container as the checks need it (from `inspect`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Container {
    pub(crate) id: String,
    /// Without the leading `/`.
    pub(crate) name: String,
    /// The image reference the learner typed (`Config.Image`).
    pub(crate) image: String,
    /// `sha256:...` of the image it was created from.
    pub(crate) image_id: String,
    /// `State.Status`: created, running, paused, restarting, removing, exited, dead.
    pub(crate) state: String,
    pub(crate) exit_code: Option<i64>,
    /// Unix seconds; 0 if unknown.
    pub(crate) created: i64,
    /// Unix nanoseconds of the learner's last act that made it what it is: its last start,
    /// or its creation when it never started. Later steps count from here.
    pub(crate) began_ns: i64,
    /// Unix seconds the container last stopped; 0 if it never did.
    pub(crate) finished: i64,
    pub(crate) hostname: String,
    pub(crate) tty: bool,
    pub(crate) open_stdin: bool,
    /// Whether the client that ran it attached to its output (`docker run` without `-d`):
    /// Docker's `Config.AttachStdout`, or on Podman (which never sets that) an `attach`
    /// event before its first start. `None`: the engine gave no evidence either way.
    pub(crate) attached: Option<bool>,
    pub(crate) auto_remove: bool,
    pub(crate) publish_all: bool,
    pub(crate) env: Vec<String>,
    pub(crate) labels: BTreeMap<String, String>,
    /// Host bindings that really exist (`NetworkSettings.Ports`).
    pub(crate) ports: Vec<PortBinding>,
    /// What was asked for (`HostConfig.PortBindings`), for "near" messages.
    pub(crate) requested_ports: Vec<PortBinding>,
    pub(crate) networks: Vec<Attachment>,
    /// Bind mounts, volumes and tmpfs mounts (`Mounts`).
    pub(crate) mounts: Vec<Mount>,
    /// The command line (`Path` + `Args`), for messages.
    pub(crate) command: String,
}

impl Container {
    pub(crate) fn short_id(&self) -> &str {
        &self.id[..self.id.len().min(12)]
    }

    pub(crate) fn is_running(&self) -> bool {
        self.state == "running"
    }

    pub(crate) fn on_network(&self, net: &str) -> Option<&Attachment> {
        self.networks
            .iter()
            .find(|a| a.network == net || (!a.network_id.is_empty() && a.network_id == net))
    }
}

/// One mount of a container, as `docker container inspect` lists it under `Mounts`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Mount {
    /// `bind`, `volume` or `tmpfs`.
    pub(crate) kind: String,
    /// The host path of a bind mount; a volume's folder on the engine's host.
    pub(crate) source: String,
    /// A volume's name (empty for a bind mount).
    pub(crate) name: String,
    /// Where it appears inside the container.
    pub(crate) destination: String,
    pub(crate) read_only: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct PortBinding {
    pub(crate) container_port: u16,
    pub(crate) protocol: String,
    pub(crate) host_ip: String,
    pub(crate) host_port: u16,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Attachment {
    pub(crate) network: String,
    pub(crate) network_id: String,
    pub(crate) ip: String,
    /// The network's gateway as the container sees it: where requests from the host come
    /// from, as a server's access log shows them.
    pub(crate) gateway: String,
    /// Names it answers to on this network (aliases, DNS names).
    pub(crate) aliases: Vec<String>,
}

/// Any container on the engine, in brief (from `ps -a`): used to say what is "near".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Summary {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) image: String,
    pub(crate) image_id: String,
    pub(crate) state: String,
    /// Human status, e.g. `Exited (0) 2 minutes ago`.
    pub(crate) status: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Network {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) driver: String,
    /// Not one of `bridge`, `host`, `none` (the engine's own).
    pub(crate) user_defined: bool,
    /// Names of attached containers (only for the networks a lab names, or all of them
    /// when the footprint looks at the whole engine).
    pub(crate) members: Vec<String>,
    /// IPAM configuration: `(subnet, gateway)` pairs, as `docker network create --subnet
    /// --gateway` set them (or the engine chose).
    pub(crate) subnets: Vec<(String, String)>,
    /// Labels, e.g. `docklings-selftest=...`.
    pub(crate) labels: BTreeMap<String, String>,
    /// Unix seconds it was created; 0 if unknown.
    pub(crate) created: i64,
}

/// One engine event.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Event {
    pub(crate) time_nano: i64,
    /// `container`, `network`, `image`, ...
    pub(crate) kind: String,
    /// e.g. `top`, `exec_start: ls /usr/local/apache2/htdocs`, `extract-to-dir`.
    pub(crate) action: String,
    pub(crate) actor_id: String,
    pub(crate) attributes: BTreeMap<String, String>,
}

impl Event {
    /// The action without its `: details` part (`exec_start: ls /` → `exec_start`).
    pub(crate) fn verb(&self) -> &str {
        self.action.split(':').next().unwrap_or("").trim()
    }

    /// For `exec_create`/`exec_start`: the command text after the colon.
    pub(crate) fn detail(&self) -> &str {
        self.action
            .split_once(':')
            .map(|(_, d)| d.trim())
            .unwrap_or("")
    }
}

/// Things on the engine that nothing uses: what `docker system prune` would take.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Unused {
    /// Containers not running (created, exited, dead), as `(id, name, image)`.
    pub(crate) stopped_containers: Vec<(String, String, String)>,
    /// User-defined networks without containers, as `(id, name)`.
    pub(crate) networks: Vec<(String, String)>,
    /// Images without a tag that no container uses, as IDs.
    pub(crate) dangling_images: Vec<String>,
    /// Volumes no container mounts, by name.
    pub(crate) volumes: Vec<String>,
}

/// The whole picture a step's checks read.
#[derive(Clone, Debug, Default)]
pub(crate) struct Snapshot {
    /// Full detail for the containers the lab is about.
    pub(crate) containers: Vec<Container>,
    /// Every container, briefly.
    pub(crate) all: Vec<Summary>,
    pub(crate) networks: Vec<Network>,
    /// Image reference as written in the lab → image ID, if it exists.
    pub(crate) images: BTreeMap<String, Option<String>>,
    /// Container events since the lab's start, oldest first, docklings' own probes removed.
    pub(crate) events: Vec<Event>,
    /// Network, image and volume events since the lab's start, oldest first (`connect`,
    /// `destroy` of a network, `prune` of each kind). Apart from `events` so that a
    /// container check reading `destroy` never sees a network's.
    pub(crate) engine_events: Vec<Event>,
    /// What the engine holds unused, when the footprint asks (`unused` checks).
    pub(crate) unused: Option<Unused>,
    /// Unix seconds the snapshot was taken.
    pub(crate) taken_at: i64,
    /// What the engine's events cannot show, so that a check says so instead of waiting
    /// for an event that never comes.
    pub(crate) gaps: EventGaps,
}

/// Acts an engine does not record as events. Docker records them all (the default);
/// Podman (4.3) has no `top`, `resize`, `archive-path`, `extract-to-dir` or
/// `prune` events and no network `create` or `destroy`; its exec events name no command
/// and its network `connect`/`disconnect` no network.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct EventGaps {
    /// The engine's name, for the words that explain a gap.
    pub(crate) engine: &'static str,
    /// `(type, action)` pairs never recorded.
    pub(crate) actions: &'static [(&'static str, &'static str)],
    /// Exec events carry no command text.
    pub(crate) exec_commands: bool,
    /// Network `connect`/`disconnect` events do not say which network.
    pub(crate) network_names: bool,
    /// `stop` goes unrecorded but `kill` never does: a container's end (`die`) with no
    /// `kill` since its last start is a stop (Podman).
    pub(crate) stop_by_its_end: bool,
}

impl EventGaps {
    pub(crate) fn unrecorded(&self, kind: &str, action: &str) -> bool {
        self.actions.iter().any(|(k, a)| *k == kind && *a == action)
    }
}

impl Snapshot {
    /// The ID of an image reference, whichever way the lab wrote it.
    pub(crate) fn image_id(&self, reference: &str) -> Option<&str> {
        self.images.get(reference).and_then(|o| o.as_deref())
    }

    pub(crate) fn network(&self, name: &str) -> Option<&Network> {
        self.networks.iter().find(|n| n.name == name)
    }
}
