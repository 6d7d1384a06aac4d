//! Engine API answers (bollard's models) turned into the plain data of
//! [`crate::snapshot`], which is all the rest of docklings sees of them.

use bollard::models::{ContainerInspectResponse, PortMap};

use crate::snapshot::{Attachment, Container, Event, PortBinding};

fn bindings(map: Option<PortMap>) -> Vec<PortBinding> {
    let mut out = Vec::new();
    for (key, binds) in map.unwrap_or_default() {
        let (port, proto) = key.split_once('/').unwrap_or((key.as_str(), "tcp"));
        let Ok(container_port) = port.parse::<u16>() else {
            continue;
        };
        for b in binds.into_iter().flatten() {
            out.push(PortBinding {
                container_port,
                protocol: proto.to_owned(),
                host_ip: b.host_ip.unwrap_or_default(),
                host_port: b
                    .host_port
                    .as_deref()
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(0),
            });
        }
    }
    out.sort_by(|a, b| {
        (a.container_port, a.host_port, &a.host_ip).cmp(&(
            b.container_port,
            b.host_port,
            &b.host_ip,
        ))
    });
    out
}

pub(super) fn convert_event(m: bollard::models::EventMessage, engine: EngineKind) -> Event {
    let actor = m.actor.unwrap_or_default();
    let kind = m.typ.map(|t| t.to_string()).unwrap_or_default();
    let mut action = m.action.unwrap_or_default();
    if engine == EngineKind::Podman {
        action = docker_action(&kind, &action);
    }
    let mut attributes: std::collections::BTreeMap<String, String> =
        actor.attributes.unwrap_or_default().into_iter().collect();
    let mut actor_id = actor.id.unwrap_or_default();
    // Podman's `connect`/`disconnect` are about the container (its ID and name) and do not
    // say which network; Docker's are about the network and name the container in
    // `container`. Keep Docker's shape: the container there, no network name.
    if engine == EngineKind::Podman && kind == "network" {
        attributes
            .retain(|k, _| !matches!(k.as_str(), "name" | "image" | "containerExitCode" | "podId"));
        attributes.insert("container".to_owned(), std::mem::take(&mut actor_id));
    }
    // The image a container event names, and an image event's own name, as Docker writes
    // them (`diamol/base:latest`, not `docker.io/diamol/base:latest`).
    for key in ["image", "name"] {
        if (key == "image" || kind == "image")
            && let Some(v) = attributes.get_mut(key)
        {
            *v = plain_ref(v).to_owned();
        }
    }
    Event {
        time_nano: m
            .time_nano
            .unwrap_or_else(|| m.time.unwrap_or(0) * 1_000_000_000),
        kind,
        action,
        actor_id,
        attributes,
    }
}

pub(super) fn convert_container(c: ContainerInspectResponse, engine: EngineKind) -> Container {
    let config = c.config.unwrap_or_default();
    let host = c.host_config.unwrap_or_default();
    let state = c.state.unwrap_or_default();
    let net = c.network_settings.unwrap_or_default();
    let mut networks: Vec<Attachment> = net
        .networks
        .unwrap_or_default()
        .into_iter()
        .map(|(name, ep)| {
            let mut aliases: Vec<String> = ep
                .aliases
                .unwrap_or_default()
                .into_iter()
                .chain(ep.dns_names.unwrap_or_default())
                .collect();
            aliases.sort();
            aliases.dedup();
            Attachment {
                network: name,
                network_id: ep.network_id.unwrap_or_default(),
                ip: ep.ip_address.unwrap_or_default(),
                gateway: ep.gateway.unwrap_or_default(),
                aliases,
            }
        })
        .collect();
    networks.sort_by(|a, b| a.network.cmp(&b.network));
    let finished = parse_time(state.finished_at.as_deref());
    let began_ns =
        parse_time_ns(state.started_at.as_deref()).max(parse_time_ns(c.created.as_deref()));
    Container {
        id: c.id.unwrap_or_default(),
        name: c
            .name
            .unwrap_or_default()
            .trim_start_matches('/')
            .to_owned(),
        image: plain_ref(&config.image.unwrap_or_default()).to_owned(),
        image_id: c.image.unwrap_or_default(),
        state: state.status.map(|s| s.to_string()).unwrap_or_default(),
        exit_code: state.exit_code,
        created: c
            .created
            .map(|d| d.to_string())
            .as_deref()
            .map(|s| parse_time(Some(s)))
            .unwrap_or(0),
        began_ns,
        finished,
        hostname: config.hostname.unwrap_or_default(),
        tty: config.tty.unwrap_or(false),
        open_stdin: config.open_stdin.unwrap_or(false),
        // Podman never sets `AttachStdout`; the engine module fills it from its `attach`
        // events instead (see `Engine::snapshot`).
        attached: match engine {
            EngineKind::Docker => Some(config.attach_stdout.unwrap_or(false)),
            EngineKind::Podman => None,
        },
        auto_remove: host.auto_remove.unwrap_or(false),
        publish_all: host.publish_all_ports.unwrap_or(false),
        env: config.env.unwrap_or_default(),
        labels: config.labels.unwrap_or_default().into_iter().collect(),
        ports: bindings(net.ports),
        requested_ports: bindings(host.port_bindings),
        networks,
        mounts: c
            .mounts
            .unwrap_or_default()
            .into_iter()
            .map(|m| crate::snapshot::Mount {
                kind: m.typ.unwrap_or_default(),
                source: m.source.unwrap_or_default(),
                name: m.name.unwrap_or_default(),
                destination: m.destination.unwrap_or_default(),
                read_only: !m.rw.unwrap_or(true),
            })
            .collect(),
        command: std::iter::once(c.path.unwrap_or_default())
            .chain(c.args.unwrap_or_default())
            .collect::<Vec<_>>()
            .join(" ")
            .trim()
            .to_owned(),
    }
}

/// Which engine answers the Docker API. docklings speaks to both alike; what Podman answers
/// differently (its event names, fully qualified image references) is put into Docker's
/// words here, so that checks never need to know which engine they read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EngineKind {
    #[default]
    Docker,
    Podman,
}

impl EngineKind {
    /// The engine's name as its users call it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            EngineKind::Docker => "Docker",
            EngineKind::Podman => "Podman",
        }
    }

    /// What its events cannot show.
    pub(crate) fn gaps(self) -> crate::snapshot::EventGaps {
        match self {
            EngineKind::Docker => crate::snapshot::EventGaps::default(),
            EngineKind::Podman => crate::snapshot::EventGaps {
                engine: "Podman",
                actions: &[
                    ("container", "top"),
                    // Only now and then; see `stop_by_its_end`.
                    ("container", "resize"),
                    ("container", "archive-path"),
                    ("container", "extract-to-dir"),
                    ("container", "prune"),
                    ("network", "create"),
                    ("network", "destroy"),
                    ("network", "prune"),
                    ("image", "prune"),
                    ("volume", "prune"),
                ],
                exec_commands: true,
                network_names: true,
                stop_by_its_end: true,
            },
        }
    }

    /// From `GET /version`: Podman's Docker-compatible service lists a component named
    /// "Podman Engine" (and some builds say so in the platform's name too).
    pub(super) fn of(v: &bollard::models::SystemVersion) -> EngineKind {
        let says_podman = |s: &str| s.to_ascii_lowercase().contains("podman");
        let in_components = v.components.iter().flatten().any(|c| says_podman(&c.name));
        let in_platform = v.platform.as_ref().is_some_and(|p| says_podman(&p.name));
        if in_components || in_platform {
            EngineKind::Podman
        } else {
            EngineKind::Docker
        }
    }
}

/// An image reference as Docker shows what the learner typed: without the default
/// registry and library (`docker.io/library/nginx:1.18` → `nginx:1.18`,
/// `docker.io/diamol/base:latest` → `diamol/base:latest`) or Podman's prefix for images
/// built locally (`localhost/my-centos:0.1` → `my-centos:0.1`). A registry with a port
/// (`localhost:5000/x`) is a real registry and stays.
pub(crate) fn plain_ref(r: &str) -> &str {
    for prefix in [
        "docker.io/library/",
        "index.docker.io/library/",
        "registry-1.docker.io/library/",
        "docker.io/",
        "index.docker.io/",
        "registry-1.docker.io/",
        "localhost/",
    ] {
        if let Some(rest) = r.strip_prefix(prefix)
            && !rest.is_empty()
        {
            return rest;
        }
    }
    r
}

/// A Podman event's action in Docker's words: `remove` is Docker's `destroy` (containers,
/// networks, volumes) or `delete` (images), `exec` and `exec_died` are `exec_start` and
/// `exec_die`. Podman's `exec` carries no command text, so the action stays bare
/// (`exec_start`), which checks read as "a command, not known which".
fn docker_action(kind: &str, action: &str) -> String {
    match (kind, action) {
        ("image", "remove") => "delete".to_owned(),
        (_, "remove") => "destroy".to_owned(),
        ("container", "exec") => "exec_start".to_owned(),
        ("container", "exec_died") => "exec_die".to_owned(),
        _ => action.to_owned(),
    }
}

/// An RFC 3339 time as Unix nanoseconds; 0 when absent (the engine writes
/// `0001-01-01T00:00:00Z` for "never").
fn parse_time_ns(s: Option<&str>) -> i64 {
    s.and_then(|s| {
        time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()
    })
    .map(|t| t.unix_timestamp_nanos() as i64)
    .filter(|t| *t > 0)
    .unwrap_or(0)
}

pub(super) fn parse_time(s: Option<&str>) -> i64 {
    s.and_then(|s| {
        time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()
    })
    .map(|t| t.unix_timestamp())
    .filter(|t| *t > 0)
    .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bollard::models::{EventActor, EventMessage, EventMessageTypeEnum};

    fn message(
        typ: EventMessageTypeEnum,
        action: &str,
        id: &str,
        attrs: &[(&str, &str)],
    ) -> EventMessage {
        EventMessage {
            typ: Some(typ),
            action: Some(action.to_owned()),
            actor: Some(EventActor {
                id: Some(id.to_owned()),
                attributes: Some(
                    attrs
                        .iter()
                        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                        .collect(),
                ),
            }),
            time_nano: Some(7),
            ..Default::default()
        }
    }

    #[test]
    fn image_references_lose_the_default_registry_and_podmans_local_prefix() {
        assert_eq!(plain_ref("docker.io/library/nginx:1.18"), "nginx:1.18");
        assert_eq!(
            plain_ref("docker.io/diamol/base:latest"),
            "diamol/base:latest"
        );
        assert_eq!(plain_ref("localhost/my-centos:0.1"), "my-centos:0.1");
        assert_eq!(plain_ref("index.docker.io/library/ubuntu"), "ubuntu");
        // Real registries stay, and so does what Docker writes already.
        assert_eq!(
            plain_ref("localhost:5000/diamol/base"),
            "localhost:5000/diamol/base"
        );
        assert_eq!(plain_ref("ghcr.io/a/b:1"), "ghcr.io/a/b:1");
        assert_eq!(plain_ref("nginx"), "nginx");
        assert_eq!(plain_ref("sha256:abc"), "sha256:abc");
    }

    #[test]
    fn podman_container_events_read_as_dockers() {
        let cases = [
            ("remove", "destroy"),
            ("exec", "exec_start"),
            ("exec_died", "exec_die"),
            ("die", "die"),
            ("attach", "attach"),
        ];
        for (podman, docker) in cases {
            let m = message(
                EventMessageTypeEnum::CONTAINER,
                podman,
                "c1",
                &[("image", "docker.io/diamol/base:latest"), ("name", "web")],
            );
            let e = convert_event(m, EngineKind::Podman);
            assert_eq!(e.action, docker, "{podman}");
            assert_eq!(e.verb(), docker);
            assert_eq!(e.detail(), "", "Podman's exec names no command");
            assert_eq!(e.attributes["image"], "diamol/base:latest");
            assert_eq!(
                e.attributes["name"], "web",
                "a container's name is not an image"
            );
            assert_eq!(e.actor_id, "c1");
        }
    }

    #[test]
    fn podman_image_network_and_volume_removals_read_as_dockers() {
        let image = message(
            EventMessageTypeEnum::IMAGE,
            "remove",
            "sha256:1",
            &[("name", "docker.io/library/hello-world:latest")],
        );
        let e = convert_event(image, EngineKind::Podman);
        assert_eq!(
            (e.action.as_str(), e.attributes["name"].as_str()),
            ("delete", "hello-world:latest")
        );
        let volume = message(
            EventMessageTypeEnum::VOLUME,
            "remove",
            "v",
            &[("name", "data")],
        );
        assert_eq!(convert_event(volume, EngineKind::Podman).action, "destroy");
        // Podman's connect is about the container and names no network: Docker's shape,
        // with the container in `container` and no (wrong) network name.
        let connect = message(
            EventMessageTypeEnum::NETWORK,
            "connect",
            "ctr1",
            &[("name", "my-nginx"), ("image", ""), ("podId", "")],
        );
        let e = convert_event(connect, EngineKind::Podman);
        assert_eq!(e.action, "connect");
        assert_eq!(
            e.attributes.get("container").map(String::as_str),
            Some("ctr1")
        );
        assert!(!e.attributes.contains_key("name"));
    }

    #[test]
    fn docker_events_keep_their_actions() {
        let m = message(
            EventMessageTypeEnum::CONTAINER,
            "exec_start: ls /",
            "c1",
            &[("image", "diamol/base")],
        );
        let e = convert_event(m, EngineKind::Docker);
        assert_eq!((e.verb(), e.detail()), ("exec_start", "ls /"));
        let net = message(
            EventMessageTypeEnum::NETWORK,
            "connect",
            "n1",
            &[("name", "custom"), ("container", "c1")],
        );
        let e = convert_event(net, EngineKind::Docker);
        assert_eq!(
            (e.actor_id.as_str(), e.attributes["name"].as_str()),
            ("n1", "custom")
        );
        // `remove` is not a Docker container action; only Podman's is translated.
        let m = message(EventMessageTypeEnum::CONTAINER, "remove", "c1", &[]);
        assert_eq!(convert_event(m, EngineKind::Docker).action, "remove");
    }

    #[test]
    fn the_engine_is_told_by_its_version_answer() {
        use bollard::models::{SystemVersion, SystemVersionComponents, SystemVersionPlatform};
        let component = |name: &str| SystemVersionComponents {
            name: name.to_owned(),
            version: "4.3.1".to_owned(),
            details: None,
        };
        let podman = SystemVersion {
            components: Some(vec![component("Podman Engine"), component("Conmon")]),
            platform: Some(SystemVersionPlatform {
                name: "linux/amd64/debian-12".to_owned(),
            }),
            ..Default::default()
        };
        assert_eq!(EngineKind::of(&podman), EngineKind::Podman);
        let by_platform = SystemVersion {
            platform: Some(SystemVersionPlatform {
                name: "Podman Engine".to_owned(),
            }),
            ..Default::default()
        };
        assert_eq!(EngineKind::of(&by_platform), EngineKind::Podman);
        let docker = SystemVersion {
            components: Some(vec![component("Engine"), component("containerd")]),
            platform: Some(SystemVersionPlatform {
                name: "Docker Engine - Community".to_owned(),
            }),
            ..Default::default()
        };
        assert_eq!(EngineKind::of(&docker), EngineKind::Docker);
        assert_eq!(
            EngineKind::of(&SystemVersion::default()),
            EngineKind::Docker
        );
    }

    #[test]
    fn podman_containers_leave_attachment_to_the_events() {
        let c = ContainerInspectResponse {
            config: Some(bollard::models::ContainerConfig {
                image: Some("docker.io/library/nginx:latest".to_owned()),
                attach_stdout: Some(false),
                ..Default::default()
            }),
            ..Default::default()
        };
        let p = convert_container(c.clone(), EngineKind::Podman);
        assert_eq!((p.image.as_str(), p.attached), ("nginx:latest", None));
        assert_eq!(
            convert_container(c, EngineKind::Docker).attached,
            Some(false)
        );
    }
}
