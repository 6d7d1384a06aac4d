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

pub(super) fn convert_event(m: bollard::models::EventMessage) -> Event {
    let actor = m.actor.unwrap_or_default();
    Event {
        time_nano: m
            .time_nano
            .unwrap_or_else(|| m.time.unwrap_or(0) * 1_000_000_000),
        kind: m.typ.map(|t| t.to_string()).unwrap_or_default(),
        action: m.action.unwrap_or_default(),
        actor_id: actor.id.unwrap_or_default(),
        attributes: actor.attributes.unwrap_or_default().into_iter().collect(),
    }
}

pub(super) fn convert_container(c: ContainerInspectResponse) -> Container {
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
        image: config.image.unwrap_or_default(),
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
        attach_stdout: config.attach_stdout.unwrap_or(false),
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
