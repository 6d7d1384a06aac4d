//! Before a lab begins: what it needs (`needs:`, another lab's container) and what stands
//! in its way on a machine that other labs — or the learner's own work — share.
//!
//! The course reuses names, ports and subnets on purpose (`my-nginx` and `custom-nginx`
//! both want 8080; a network left with an automatic `172.19.0.0/16` — Docker hands out
//! 172.18, 172.19, … in turn — overlaps `network-commands`' `172.19.0.0/24`). A leftover makes
//! the lab's first command fail with an engine error that names the symptom, not the cause.
//! So `start` (and a line in `check`) says exactly what blocks the lab and why, and offers
//! to remove only what a docklings lab left — an object whose name or port belongs to a lab
//! the learner started before the object was made. Anything else is reported and left
//! alone: it may be the learner's own work.
//!
//! Only what existed before this lab started can block it: a container the learner made
//! for this very lab (its `run` step) is their progress, not a leftover.

use std::collections::BTreeSet;

use crate::check::{CheckKind, Ctx, Outcome};
use crate::engine::cleanup::Leftovers;
use crate::engine::{Engine, EngineError};
use crate::lab::{Catalog, Lab, Lang};
use crate::words::pick;

/// What one thing on the engine (or the machine) blocks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Blocker {
    pub(crate) object: Object,
    pub(crate) reason: Reason,
    /// The docklings lab that left it, when it can be told.
    pub(crate) left_by: Option<String>,
}

/// The thing in the way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Object {
    Container {
        id: String,
        name: String,
        image: String,
    },
    Network {
        id: String,
        name: String,
    },
    /// A port held by something that is not a container (another program).
    Program {
        port: u16,
    },
}

/// Why it is in the way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Reason {
    /// The lab's `docker run --name` would fail: `Conflict. The container name ... is already in use`.
    Name,
    /// The lab publishes this host port: `port is already allocated`.
    Port(u16),
    /// The lab's `network create` would fail: `network with name ... already exists`.
    NetworkName,
    /// The lab's `network create --subnet` would fail: `Pool overlaps with other one on this
    /// address space`.
    Subnet { ours: String, theirs: String },
}

/// What the preflight found.
#[derive(Debug, Default)]
pub(crate) struct Preflight {
    /// The outcomes of the lab's `needs` checks (empty: it needs nothing).
    pub(crate) needs: Vec<Outcome>,
    pub(crate) blockers: Vec<Blocker>,
}

impl Preflight {
    pub(crate) fn clear(&self) -> bool {
        self.blockers.is_empty() && self.needs.iter().all(|o| o.passed)
    }

    /// What of it a docklings lab left: the only things docklings offers to remove.
    pub(crate) fn removable(&self) -> Leftovers {
        let mut set = Leftovers::default();
        for b in self.blockers.iter().filter(|b| b.left_by.is_some()) {
            match &b.object {
                Object::Container { id, .. } if !set.containers.contains(id) => {
                    set.containers.push(id.clone())
                }
                Object::Network { id, .. } if !set.networks.contains(id) => {
                    set.networks.push(id.clone())
                }
                _ => {}
            }
        }
        set
    }
}

/// The outcomes of a lab's `needs` checks now.
pub(crate) async fn needs_now(
    engine: &Engine,
    lab: &Lab,
    lang: Lang,
) -> Result<Vec<Outcome>, EngineError> {
    let Some(needs) = &lab.needs else {
        return Ok(Vec::new());
    };
    let ctx = Ctx::new(engine, lab, lang, 0);
    ctx.judge_checks(&needs.checks).await
}

/// Look before the lab begins. `since` (Unix nanoseconds) is the lab's start: what was made
/// after it is the learner's progress in this lab.
pub(crate) async fn look(
    engine: &Engine,
    cat: &Catalog,
    lab: &Lab,
    lang: Lang,
    since: i64,
) -> Result<Preflight, EngineError> {
    let needs = needs_now(engine, lab, lang).await?;
    let since_s = since.div_euclid(1_000_000_000);
    let mut wanted = lab.checked_footprint();
    // What the lab needs is meant to be there.
    let mut needed = crate::lab::Footprint::default();
    for c in lab.needs.iter().flat_map(|n| &n.checks) {
        c.kind.footprint(&mut needed);
    }
    wanted.names.retain(|n| !needed.names.contains(n));
    wanted.networks.retain(|n| !needed.networks.contains(n));

    let summaries = engine.summaries().await?;
    let mut containers = Vec::new();
    for s in &summaries {
        // Only those that could block: by name, or running (a port is held while it runs).
        if (wanted.names.contains(&s.name) || s.state == "running")
            && let Some(c) = engine.container(&s.id).await?
        {
            containers.push(c);
        }
    }
    let networks = engine.networks(&Default::default()).await?;
    let started = started_labs();
    let owner = |names: &dyn Fn(&Lab, &crate::lab::Footprint) -> bool, created: i64| {
        cat.labs
            .iter()
            .filter(|l| l.id != lab.id)
            .filter(|l| started.iter().any(|(id, at)| id == &l.id && *at <= created))
            .find(|l| names(l, &l.checked_footprint()))
            .map(|l| l.id.clone())
    };

    let mut blockers = Vec::new();
    for c in containers.iter().filter(|c| c.created < since_s) {
        let object = Object::Container {
            id: c.id.clone(),
            name: c.name.clone(),
            image: c.image.clone(),
        };
        if wanted.names.contains(&c.name) {
            blockers.push(Blocker {
                object: object.clone(),
                reason: Reason::Name,
                left_by: owner(
                    &|l, fp| fp.names.contains(&c.name) || mentions(l, &c.name),
                    c.created,
                ),
            });
        }
        let held: BTreeSet<u16> = c
            .ports
            .iter()
            .map(|p| p.host_port)
            .filter(|p| wanted.ports.contains(p))
            .collect();
        for port in held {
            if needed.names.contains(&c.name) {
                continue;
            }
            blockers.push(Blocker {
                object: object.clone(),
                reason: Reason::Port(port),
                left_by: owner(
                    &|l, fp| {
                        fp.names.contains(&c.name)
                            || mentions(l, &c.name)
                            || fp.ports.contains(&port)
                    },
                    c.created,
                ),
            });
        }
    }
    // A port no container holds may still be taken by another program.
    for port in &wanted.ports {
        let by_container = containers
            .iter()
            .any(|c| c.ports.iter().any(|p| p.host_port == *port));
        if !by_container && std::net::TcpListener::bind(("0.0.0.0", *port)).is_err() {
            blockers.push(Blocker {
                object: Object::Program { port: *port },
                reason: Reason::Port(*port),
                left_by: None,
            });
        }
    }
    let subnets = lab_subnets(lab);
    for n in networks
        .iter()
        .filter(|n| n.user_defined && n.created < since_s)
    {
        let object = Object::Network {
            id: n.id.clone(),
            name: n.name.clone(),
        };
        let left_by = owner(
            &|l, fp| fp.networks.contains(&n.name) || mentions(l, &n.name),
            n.created,
        );
        if wanted.networks.contains(&n.name) {
            blockers.push(Blocker {
                object: object.clone(),
                reason: Reason::NetworkName,
                left_by: left_by.clone(),
            });
            continue;
        }
        for (_, ours) in &subnets {
            for (theirs, _) in &n.subnets {
                if crate::check::overlaps(ours, theirs) {
                    blockers.push(Blocker {
                        object: object.clone(),
                        reason: Reason::Subnet {
                            ours: ours.clone(),
                            theirs: theirs.clone(),
                        },
                        left_by: left_by.clone(),
                    });
                }
            }
        }
    }
    Ok(Preflight { needs, blockers })
}

/// Does the lab's reference solution name this (a `--name custom-nginx` that its checks
/// select by network instead, a network its solution creates)? Names are matched as whole
/// words of the commands.
fn mentions(lab: &Lab, name: &str) -> bool {
    use crate::lab::Action;
    lab.steps
        .iter()
        .flat_map(|s| &s.solution)
        .chain(lab.needs.iter().flat_map(|n| &n.solution))
        .any(|a| {
            let text = match a {
                Action::Run(t) | Action::Answer(t) => t,
                Action::Tty { command, .. } => command,
                Action::Send { .. } => return false,
            };
            text.split(|c: char| c.is_whitespace() || c == '=' || c == ';')
                .any(|w| w == name)
        })
}

/// The subnets the lab's networks are asked to have: `(network, subnet)`.
pub(crate) fn lab_subnets(lab: &Lab) -> Vec<(String, String)> {
    lab.steps
        .iter()
        .flat_map(|s| &s.checks)
        .filter_map(|c| match &c.kind {
            CheckKind::Network(n) if !n.absent => {
                n.subnet.as_ref().map(|s| (n.name.clone(), s.clone()))
            }
            _ => None,
        })
        .collect()
}

/// Labs the learner started, with when (Unix seconds).
fn started_labs() -> Vec<(String, i64)> {
    let (progress, _) = crate::progress::Store::default_location().load();
    progress
        .labs
        .iter()
        .filter_map(|(id, p)| Some((id.clone(), p.started_at?)))
        .collect()
}

/// The preflight as lines for the terminal: what the lab needs, then what blocks it.
pub(crate) fn render(p: &Preflight, lab: &Lab, lang: Lang, style: &crate::style::Style) -> String {
    let mut out = String::new();
    if let Some(needs) = &lab.needs {
        let met = p.needs.iter().all(|o| o.passed);
        let head = pick(lang, "Before you start", "시작하기 전에");
        if met {
            out.push_str(&format!("{} {head}: ", style.ok("✓")));
            out.push_str(pick(
                lang,
                "what this lab needs is there.\n",
                "이 실습에 필요한 것이 준비되어 있습니다.\n",
            ));
        } else {
            out.push_str(&format!("{} {head}:\n", style.warn("!")));
            for o in p.needs.iter().filter(|o| !o.passed) {
                out.push_str(&format!("  - {}\n", o.message));
            }
            out.push_str(&indent(needs.body.get(lang)));
        }
    }
    if p.blockers.is_empty() {
        return out;
    }
    out.push_str(&format!(
        "{} {}\n",
        style.warn("!"),
        pick(
            lang,
            "Left on this machine, in this lab's way:",
            "이 컴퓨터에 남아 있어 이 실습을 막는 것:"
        )
    ));
    for b in &p.blockers {
        out.push_str(&format!("  - {}\n", describe(b, lang)));
    }
    let (ours, others) = p
        .blockers
        .iter()
        .partition::<Vec<_>, _>(|b| b.left_by.is_some());
    if !ours.is_empty() {
        out.push_str(&format!(
            "  {}\n",
            style.dim(pick(
                lang,
                "docklings can remove what other docklings labs left (it asks first).",
                "다른 docklings 실습이 남긴 것은 docklings가 지울 수 있습니다 (먼저 묻습니다)."
            ))
        ));
    }
    if !others.is_empty() {
        out.push_str(&format!(
            "  {}\n",
            style.dim(pick(
                lang,
                "The rest was not made by a docklings lab: docklings never touches it. Remove or stop it yourself if you no longer need it.",
                "나머지는 docklings 실습이 만든 것이 아니므로 docklings는 건드리지 않습니다. 더 필요 없다면 직접 지우거나 멈추세요."
            ))
        ));
    }
    out
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("    {l}\n"))
        .collect::<String>()
}

/// One blocker as a sentence: what, why, and who left it.
pub(crate) fn describe(b: &Blocker, lang: Lang) -> String {
    let what = match &b.object {
        Object::Container { name, image, .. } => pick(
            lang,
            format!("container `{name}` ({image})"),
            format!("컨테이너 `{name}` ({image})"),
        ),
        Object::Network { name, .. } => pick(
            lang,
            format!("network `{name}`"),
            format!("네트워크 `{name}`"),
        ),
        Object::Program { port } => pick(
            lang,
            format!("another program (not a container) on port {port}"),
            format!("{port}번 포트를 쓰는 다른 프로그램 (컨테이너 아님)"),
        ),
    };
    let why = match &b.reason {
        Reason::Name => pick(
            lang,
            "holds a name this lab's `docker run --name` needs (\"is already in use\")".to_owned(),
            "이 실습의 `docker run --name` 에 필요한 이름을 쓰고 있음 (\"is already in use\")"
                .to_owned(),
        ),
        Reason::Port(p) => pick(
            lang,
            format!(
                "holds host port {p}, which this lab publishes (\"port is already allocated\")"
            ),
            format!(
                "이 실습이 공개할 호스트 포트 {p}번을 쓰고 있음 (\"port is already allocated\")"
            ),
        ),
        Reason::NetworkName => pick(
            lang,
            "has the name of a network this lab creates (\"already exists\")".to_owned(),
            "이 실습이 만들 네트워크와 이름이 같음 (\"already exists\")".to_owned(),
        ),
        Reason::Subnet { ours, theirs } => pick(
            lang,
            format!(
                "its subnet {theirs} overlaps {ours}, which this lab creates (\"Pool overlaps\")"
            ),
            format!("서브넷 {theirs} 이(가) 이 실습이 만들 {ours} 와(과) 겹침 (\"Pool overlaps\")"),
        ),
    };
    let by = match &b.left_by {
        Some(l) => pick(
            lang,
            format!("; left by lab `{l}`"),
            format!("; `{l}` 실습이 남김"),
        ),
        None => String::new(),
    };
    format!("{what}: {why}{by}")
}

/// A one-line summary for `check`: empty when nothing blocks and nothing is missing.
pub(crate) fn line(p: &Preflight, lang: Lang) -> Option<String> {
    if p.clear() {
        return None;
    }
    let mut parts = Vec::new();
    for o in p.needs.iter().filter(|o| !o.passed) {
        parts.push(format!("{}: {}", pick(lang, "needs", "필요"), o.message));
    }
    for b in &p.blockers {
        parts.push(describe(b, lang));
    }
    Some(format!(
        "{} {}",
        pick(lang, "before this lab:", "이 실습 전에:"),
        parts.join(" · ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_a_lab_left_is_offered_for_removal() {
        let p = Preflight {
            needs: Vec::new(),
            blockers: vec![
                Blocker {
                    object: Object::Container {
                        id: "c1".into(),
                        name: "custom-nginx".into(),
                        image: "nginx".into(),
                    },
                    reason: Reason::Name,
                    left_by: Some("network-ping".into()),
                },
                Blocker {
                    object: Object::Container {
                        id: "c2".into(),
                        name: "mine".into(),
                        image: "nginx".into(),
                    },
                    reason: Reason::Port(8080),
                    left_by: None,
                },
                Blocker {
                    object: Object::Program { port: 8080 },
                    reason: Reason::Port(8080),
                    left_by: None,
                },
            ],
        };
        let set = p.removable();
        assert_eq!(set.containers, ["c1"]);
        assert!(set.networks.is_empty());
        assert_eq!(
            describe(&p.blockers[0], Lang::En),
            "container `custom-nginx` (nginx): holds a name this lab's `docker run --name` needs (\"is already in use\"); left by lab `network-ping`"
        );
        assert!(describe(&p.blockers[1], Lang::Ko).contains("8080번"));
        assert!(!p.clear());
    }
}
