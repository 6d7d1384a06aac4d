//! Which containers a check looks at, and what to say when none match: why (a missing
//! image or network) and what is there instead.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::snapshot::{Container, Snapshot};
use crate::verdict::{Code, Finding, OtherContainer, Others, StateSeen, Value};

/// Which containers a check looks at. Every given field must match.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Select {
    /// Created from this image (compared by image ID, so `nginx`, `nginx:latest` and an ID
    /// prefix all match the same containers).
    pub(crate) image: Option<String>,
    /// Container name (without the leading `/`).
    pub(crate) name: Option<String>,
    /// Attached to this network.
    pub(crate) network: Option<String>,
    /// Carries this label, `key` or `key=value`.
    pub(crate) label: Option<String>,
}

/// Does a container match the selector? Images compare by ID.
pub(crate) fn matches_select(c: &Container, s: &Select, snap: &Snapshot) -> bool {
    if let Some(img) = &s.image {
        match snap.image_id(img) {
            Some(id) if id == c.image_id => {}
            _ => return false,
        }
    }
    if let Some(n) = &s.name
        && &c.name != n
    {
        return false;
    }
    if let Some(n) = &s.network
        && c.on_network(n).is_none()
    {
        return false;
    }
    if let Some(l) = &s.label {
        let ok = match l.split_once('=') {
            Some((k, v)) => c.labels.get(k).is_some_and(|x| x == v),
            None => c.labels.contains_key(l),
        };
        if !ok {
            return false;
        }
    }
    true
}

/// Matching containers, newest first.
pub(crate) fn select_containers<'s>(s: &Select, snap: &'s Snapshot) -> Vec<&'s Container> {
    let mut v: Vec<&Container> = snap
        .containers
        .iter()
        .filter(|c| matches_select(c, s, snap))
        .collect();
    v.sort_by(|a, b| b.created.cmp(&a.created).then(a.name.cmp(&b.name)));
    v
}

/// Matching containers that are running, newest first.
pub(crate) fn running<'s>(s: &Select, snap: &'s Snapshot) -> Vec<&'s Container> {
    select_containers(s, snap)
        .into_iter()
        .filter(|c| c.is_running())
        .collect()
}

/// The summary when nothing matches: "No container matches image `x`."
pub(crate) fn no_match(s: &Select) -> Finding {
    Finding::new(Code::NoContainerMatches).with("sel", s)
}

/// When nothing matches: say why, and what is there instead.
pub(crate) fn nothing_matches(s: &Select, snap: &Snapshot) -> Vec<Finding> {
    let mut why = Vec::new();
    if let Some(img) = &s.image
        && snap.image_id(img).is_none()
    {
        why.push(Finding::new(Code::ImageNotOnEngine).with("image", img));
    }
    if let Some(n) = &s.network
        && snap.network(n).is_none()
    {
        why.push(Finding::new(Code::NoSuchNetwork).with("network", n));
    }
    let none = if why.is_empty() {
        Finding::new(Code::NoContainerWith).with("sel", s)
    } else {
        Finding::new(Code::NoContainerWithBecause)
            .with("sel", s)
            .with("why", Value::Clauses(why))
    };
    const SHOWN: usize = 4;
    let found = if snap.all.is_empty() {
        Finding::new(Code::NoContainersAtAll)
    } else {
        let others = Others {
            shown: snap
                .all
                .iter()
                .take(SHOWN)
                .map(|o| OtherContainer {
                    name: o.name.clone(),
                    image: o.image.clone(),
                    state: o.state.clone(),
                    status: o.status.clone(),
                })
                .collect(),
            more: snap.all.len().saturating_sub(SHOWN),
        };
        Finding::new(Code::FoundOthers).with("others", Value::Others(others))
    };
    vec![none, found]
}

/// A container's state as seen in this snapshot.
pub(crate) fn state_seen(c: &Container, snap: &Snapshot) -> StateSeen {
    let exited = c.state == "exited";
    StateSeen {
        state: c.state.clone(),
        exit_code: if exited {
            Some(c.exit_code.unwrap_or(0))
        } else {
            None
        },
        stopped_secs_ago: (exited && c.finished > 0).then(|| snap.taken_at - c.finished),
    }
}

/// "`web` (running)".
pub(crate) fn named_state(c: &Container, snap: &Snapshot) -> Finding {
    Finding::new(Code::NamedState)
        .with("name", &c.name)
        .with("state", state_seen(c, snap))
}

/// A container that ran and is gone (`--rm`, or removed since), as its events tell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Gone {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) exit_code: Option<i64>,
    /// When it exited (Unix nanoseconds).
    pub(crate) at: i64,
}

/// Containers matching `s` that exited at or after `after` and no longer exist: the
/// evidence that a `--rm` run happened once its container and output are gone.
///
/// With no known start (`after` is 0: no `start`, no `--since`), the engine's whole event
/// history would count, and a run from last week would pass today's step: only what still
/// exists counts then.
pub(crate) fn ran_and_gone(s: &Select, snap: &Snapshot, after: i64) -> Vec<Gone> {
    let mut out: Vec<Gone> = Vec::new();
    if after <= 0 {
        return out;
    }
    for e in &snap.events {
        if e.kind != "container" || e.verb() != "die" || e.time_nano < after {
            continue;
        }
        if snap.containers.iter().any(|c| c.id == e.actor_id)
            || !super::event::event_matches_select(e, s, snap)
        {
            continue;
        }
        let gone = Gone {
            id: e.actor_id.clone(),
            name: super::event::event_name(e),
            exit_code: e.attributes.get("exitCode").and_then(|c| c.parse().ok()),
            at: e.time_nano,
        };
        // A container that ran twice (`start` again) died twice: keep its last exit.
        out.retain(|g| g.id != gone.id);
        out.push(gone);
    }
    out
}
