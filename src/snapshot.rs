//! What the engine looked like at one moment, as plain data.
//!
//! The engine module fills these from the Docker API; checks read them. Keeping them free
//! of bollard types is what lets the checker be unit-tested with a fake engine.

use std::collections::BTreeMap;

/// A container as the checks need it (from `inspect`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Container {
    pub id: String,
    /// Without the leading `/`.
    pub name: String,
    /// The image reference the learner typed (`Config.Image`).
    pub image: String,
    /// `sha256:...` of the image it was created from.
    pub image_id: String,
    /// `State.Status`: created, running, paused, restarting, removing, exited, dead.
    pub state: String,
    pub exit_code: Option<i64>,
    /// Unix seconds; 0 if unknown.
    pub created: i64,
    /// Unix seconds the container last stopped; 0 if it never did.
    pub finished: i64,
    pub hostname: String,
    pub tty: bool,
    pub open_stdin: bool,
    pub attach_stdout: bool,
    pub auto_remove: bool,
    pub publish_all: bool,
    pub env: Vec<String>,
    pub labels: BTreeMap<String, String>,
    /// Host bindings that really exist (`NetworkSettings.Ports`).
    pub ports: Vec<PortBinding>,
    /// What was asked for (`HostConfig.PortBindings`), for "near" messages.
    pub requested_ports: Vec<PortBinding>,
    pub networks: Vec<Attachment>,
    /// Bind mounts, volumes and tmpfs mounts (`Mounts`).
    pub mounts: Vec<Mount>,
    /// The command line (`Path` + `Args`), for messages.
    pub command: String,
}

impl Container {
    pub fn short_id(&self) -> &str {
        &self.id[..self.id.len().min(12)]
    }

    pub fn is_running(&self) -> bool {
        self.state == "running"
    }

    pub fn on_network(&self, net: &str) -> Option<&Attachment> {
        self.networks
            .iter()
            .find(|a| a.network == net || (!a.network_id.is_empty() && a.network_id == net))
    }
}

/// One mount of a container, as `docker container inspect` lists it under `Mounts`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mount {
    /// `bind`, `volume` or `tmpfs`.
    pub kind: String,
    /// The host path of a bind mount; a volume's folder on the engine's host.
    pub source: String,
    /// A volume's name (empty for a bind mount).
    pub name: String,
    /// Where it appears inside the container.
    pub destination: String,
    pub read_only: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PortBinding {
    pub container_port: u16,
    pub protocol: String,
    pub host_ip: String,
    pub host_port: u16,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attachment {
    pub network: String,
    pub network_id: String,
    pub ip: String,
    /// Names it answers to on this network (aliases, DNS names).
    pub aliases: Vec<String>,
}

/// Any container on the engine, in brief (from `ps -a`): used to say what is "near".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub id: String,
    pub name: String,
    pub image: String,
    pub image_id: String,
    pub state: String,
    /// Human status, e.g. `Exited (0) 2 minutes ago`.
    pub status: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Network {
    pub id: String,
    pub name: String,
    pub driver: String,
    /// Not one of `bridge`, `host`, `none` (the engine's own).
    pub user_defined: bool,
    /// Names of attached containers.
    pub members: Vec<String>,
}

/// One engine event.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Event {
    pub time_nano: i64,
    /// `container`, `network`, `image`, ...
    pub kind: String,
    /// e.g. `top`, `exec_start: ls /usr/local/apache2/htdocs`, `extract-to-dir`.
    pub action: String,
    pub actor_id: String,
    pub attributes: BTreeMap<String, String>,
}

impl Event {
    /// The action without its `: details` part (`exec_start: ls /` → `exec_start`).
    pub fn verb(&self) -> &str {
        self.action.split(':').next().unwrap_or("").trim()
    }

    /// For `exec_create`/`exec_start`: the command text after the colon.
    pub fn detail(&self) -> &str {
        self.action
            .split_once(':')
            .map(|(_, d)| d.trim())
            .unwrap_or("")
    }
}

/// The whole picture a step's checks read.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    /// Full detail for the containers the lab is about.
    pub containers: Vec<Container>,
    /// Every container, briefly.
    pub all: Vec<Summary>,
    pub networks: Vec<Network>,
    /// Image reference as written in the lab → image ID, if it exists.
    pub images: BTreeMap<String, Option<String>>,
    /// Container events since the lab's start, oldest first, docklings' own probes removed.
    pub events: Vec<Event>,
    /// Unix seconds the snapshot was taken.
    pub taken_at: i64,
}

impl Snapshot {
    pub fn container_by_id(&self, id: &str) -> Option<&Container> {
        self.containers.iter().find(|c| c.id == id)
    }

    /// The ID of an image reference, whichever way the lab wrote it.
    pub fn image_id(&self, reference: &str) -> Option<&str> {
        self.images.get(reference).and_then(|o| o.as_deref())
    }

    pub fn network(&self, name: &str) -> Option<&Network> {
        self.networks.iter().find(|n| n.name == name)
    }
}
