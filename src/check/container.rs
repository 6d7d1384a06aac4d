//! `container`: at least `at_least` containers match `select` and have every property the
//! step asks for. A failure names each difference of the nearest containers.

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::kind::{Kind, Lint, LintCx, lint_select};
use super::select::{
    Gone, named_state, no_match, nothing_matches, ran_and_gone, select_containers, state_seen,
};
use super::{Ctx, Probe, StepCx};
use crate::engine::EngineError;
use crate::lab::{Footprint, Select};
use crate::snapshot::{Container, Snapshot};
use crate::verdict::{Code, Finding, Value, Verdict};

/// Container states as the engine reports them in `State.Status`.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ContainerState {
    Created,
    Running,
    Paused,
    Restarting,
    Removing,
    Exited,
    Dead,
}

impl ContainerState {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ContainerState::Created => "created",
            ContainerState::Running => "running",
            ContainerState::Paused => "paused",
            ContainerState::Restarting => "restarting",
            ContainerState::Removing => "removing",
            ContainerState::Exited => "exited",
            ContainerState::Dead => "dead",
        }
    }
}

/// A port the container must publish on the host.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PortSpec {
    /// Container port, `80/tcp` (the protocol defaults to tcp).
    pub(crate) container: String,
    /// Host port it must be bound to.
    pub(crate) host: u16,
}

/// Properties that must differ between the matching containers.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Distinct {
    Hostname,
}

/// `container`: at least `at_least` containers match `select` and have every property given.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ContainerCheck {
    /// Which containers count.
    pub(crate) select: Select,
    /// How many matching containers are needed (default 1).
    pub(crate) at_least: Option<u32>,
    /// `State.Status`; `running` is false while paused.
    pub(crate) state: Option<ContainerState>,
    /// Exit code of an exited container.
    pub(crate) exit_code: Option<i64>,
    /// Started with a terminal (`-t`: `Config.Tty`).
    pub(crate) tty: Option<bool>,
    /// Started with stdin kept open (`-i`: `Config.OpenStdin`).
    pub(crate) stdin_open: Option<bool>,
    /// Started with `-d`: no client attached to its output (Docker's `Config.AttachStdout`
    /// is false; on Podman, no `attach` event before its first start).
    pub(crate) detached: Option<bool>,
    /// Actually bound host ports (`NetworkSettings.Ports`, not just what was asked).
    pub(crate) published: Option<Vec<PortSpec>>,
    /// Networks it must be attached to.
    pub(crate) networks: Option<Vec<String>>,
    /// Started with `--rm`.
    pub(crate) auto_remove: Option<bool>,
    /// Environment entries, `KEY` or `KEY=value`.
    pub(crate) env: Option<Vec<String>>,
    /// This property must differ across the `at_least` containers.
    pub(crate) distinct: Option<Distinct>,
}

impl Kind for ContainerCheck {
    const NAME: &'static str = "container";

    fn prepare(&mut self, _: &LintCx) -> Vec<Lint> {
        let mut lints: Vec<Lint> = lint_select(&self.select, "container.select", "select")
            .into_iter()
            .collect();
        if self.at_least == Some(0) {
            lints.push(Lint::at(
                "at_least",
                "`at_least: 0` always passes; use `absent` instead",
            ));
        }
        for p in self.published.iter().flatten() {
            if crate::lab::parse_container_port(&p.container).is_none() {
                lints.push(Lint::at(
                    "published",
                    format!(
                        "`{}` is not a container port: write `80` or `80/tcp`",
                        p.container
                    ),
                ));
            }
        }
        lints
    }

    fn footprint(&self, fp: &mut Footprint) {
        fp.add_select(&self.select);
        for n in self.networks.iter().flatten() {
            fp.networks.insert(n.clone());
        }
        for p in self.published.iter().flatten() {
            fp.ports.insert(p.host);
        }
    }

    async fn evaluate<P: Probe>(
        &self,
        cx: &Ctx<'_, P>,
        _: &StepCx<'_>,
        snap: &Snapshot,
    ) -> Result<Verdict, EngineError> {
        Ok(judge(self, cx.since, snap))
    }
}

/// A state check: containers as the step asks. It counts containers the learner ran or
/// started after the lab's start (`since`), and — when the step asks only what the
/// engine's events can tell — containers that ran and are gone (`--rm`). Its evidence is
/// when the last container it needed began.
pub(super) fn judge(spec: &ContainerCheck, since: i64, snap: &Snapshot) -> Verdict {
    let expected = expected(spec);
    let need = spec.at_least.unwrap_or(1).max(1) as usize;
    let (stale, matches): (Vec<&Container>, Vec<&Container>) =
        select_containers(&spec.select, snap)
            .into_iter()
            .partition(|c| since > 0 && c.began_ns > 0 && c.began_ns < since);
    let gone: Vec<Gone> = if events_can_tell(spec) {
        ran_and_gone(&spec.select, snap, since)
            .into_iter()
            .filter(|g| spec.exit_code.is_none_or(|c| g.exit_code == Some(c)))
            .collect()
    } else {
        Vec::new()
    };
    if matches.is_empty() && gone.is_empty() {
        let observed = if stale.is_empty() {
            nothing_matches(&spec.select, snap)
        } else {
            stale
                .iter()
                .take(3)
                .map(|c| {
                    Finding::new(Code::ContainerStale)
                        .with("name", &c.name)
                        .with("time", Value::Clock(c.began_ns))
                })
                .collect()
        };
        return Verdict::fail(no_match(&spec.select), expected, observed);
    }
    let judged: Vec<(&Container, Vec<Finding>)> = matches
        .iter()
        .map(|c| (*c, mismatches(c, spec, snap)))
        .collect();
    let good: Vec<&Container> = judged
        .iter()
        .filter(|(_, m)| m.is_empty())
        .map(|(c, _)| *c)
        .collect();
    // A removed container's hostname is gone with it; by default it was its own ID, so
    // each one counts as distinct.
    let count = gone.len()
        + match spec.distinct {
            Some(Distinct::Hostname) => good
                .iter()
                .map(|c| c.hostname.as_str())
                .collect::<BTreeSet<_>>()
                .len(),
            None => good.len(),
        };
    if count >= need {
        let mut times: Vec<i64> = good
            .iter()
            .map(|c| c.began_ns)
            .chain(gone.iter().map(|g| g.at))
            .collect();
        times.sort_unstable();
        let mut observed = Vec::new();
        if !good.is_empty() {
            observed.push(found(&good, need, spec.distinct.is_some()));
        }
        observed.extend(gone.iter().take(need.max(3)).map(|g| {
            Finding::new(Code::RanAndGone)
                .with("name", &g.name)
                .with("code", g.exit_code.unwrap_or(0))
                .with("time", Value::Clock(g.at))
        }));
        // `detached` was asked but could not be judged (see `mismatches`): say so.
        if spec.detached.is_some() && good.iter().any(|c| c.attached.is_none()) {
            observed.push(Finding::new(Code::DetachedUnknown).with("engine", snap.gaps.engine));
        }
        // The step was done when the last container it needed began.
        let at = times.get(need - 1).copied().filter(|at| *at > 0);
        return Verdict::pass(Finding::new(Code::ContainerOk), expected, observed).at(at);
    }
    let mut observed = Vec::new();
    if !good.is_empty() {
        let code = if spec.distinct.is_some() && count < good.len() {
            Code::OnlySomeDistinct
        } else {
            Code::OnlySome
        };
        observed.push(
            Finding::new(code)
                .with("count", count)
                .with("need", need)
                .with("list", names(&good)),
        );
    }
    // Nearest first: fewest differences, then newest.
    let mut near: Vec<&(&Container, Vec<Finding>)> =
        judged.iter().filter(|(_, m)| !m.is_empty()).collect();
    near.sort_by_key(|(_, m)| m.len());
    for (c, m) in near.iter().take(3) {
        observed.push(
            Finding::new(Code::ContainerDiffers)
                .with("name", &c.name)
                .with("problems", Value::List(m.clone())),
        );
    }
    // An exited container will not become running by waiting.
    let terminal = spec.state == Some(ContainerState::Running)
        && good.is_empty()
        && judged
            .iter()
            .all(|(c, _)| matches!(c.state.as_str(), "exited" | "dead"));
    let summary = if good.is_empty() {
        Code::ContainerNotAsAsked
    } else {
        Code::ContainerNotEnough
    };
    Verdict::fail(Finding::new(summary), expected, observed).terminal(terminal)
}

fn names(cs: &[&Container]) -> Value {
    Value::Names(cs.iter().map(|c| c.name.clone()).collect())
}

/// "found `web`", with hostnames when they are what counts.
fn found(good: &[&Container], need: usize, with_hostnames: bool) -> Finding {
    let shown: Vec<&Container> = good.iter().take(need.max(3)).copied().collect();
    if with_hostnames {
        let list = shown
            .iter()
            .map(|c| {
                Finding::new(Code::NamedWithHostname)
                    .with("name", &c.name)
                    .with("hostname", &c.hostname)
            })
            .collect();
        Finding::new(Code::ContainerFoundHosts).with("list", Value::List(list))
    } else {
        Finding::new(Code::ContainerFound).with("list", names(&shown))
    }
}

/// What the check asks, one finding per property.
fn expected(spec: &ContainerCheck) -> Vec<Finding> {
    let mut parts = vec![match spec.at_least.filter(|n| *n > 1) {
        Some(n) => Finding::new(Code::ExpectContainers)
            .with("n", n)
            .with("sel", &spec.select),
        None => Finding::new(Code::ExpectContainer).with("sel", &spec.select),
    }];
    if let Some(s) = spec.state {
        parts.push(
            Finding::new(Code::ExpectState).with("state", Value::StateWord(s.as_str().into())),
        );
    }
    if let Some(e) = spec.exit_code {
        parts.push(Finding::new(Code::ExpectExit).with("code", e));
    }
    if spec.tty == Some(true) && spec.stdin_open == Some(true) {
        parts.push(Finding::new(Code::ExpectInteractive));
    } else {
        if let Some(t) = spec.tty {
            parts.push(Finding::new(if t {
                Code::ExpectTtyOn
            } else {
                Code::ExpectTtyOff
            }));
        }
        if let Some(i) = spec.stdin_open {
            parts.push(Finding::new(if i {
                Code::ExpectStdinOn
            } else {
                Code::ExpectStdinOff
            }));
        }
    }
    if let Some(d) = spec.detached {
        parts.push(Finding::new(if d {
            Code::ExpectDetached
        } else {
            Code::ExpectAttached
        }));
    }
    for p in spec.published.iter().flatten() {
        parts.push(
            Finding::new(Code::ExpectPublished)
                .with("port", &p.container)
                .with("host", p.host),
        );
    }
    for n in spec.networks.iter().flatten() {
        parts.push(Finding::new(Code::ExpectOnNetwork).with("network", n));
    }
    if spec.auto_remove == Some(true) {
        parts.push(Finding::new(Code::ExpectAutoRemove));
    }
    for e in spec.env.iter().flatten() {
        parts.push(Finding::new(Code::ExpectEnv).with("entry", e));
    }
    if spec.distinct == Some(Distinct::Hostname) {
        parts.push(Finding::new(Code::ExpectDistinctHostnames));
    }
    parts
}

/// Everything about a container that differs from what the check asks.
fn mismatches(c: &Container, spec: &ContainerCheck, snap: &Snapshot) -> Vec<Finding> {
    let mut m = Vec::new();
    if let Some(want) = spec.state
        && c.state != want.as_str()
    {
        m.push(
            Finding::new(Code::IsNotState)
                .with("now", state_seen(c, snap))
                .with("want", Value::StateWord(want.as_str().into())),
        );
    }
    if let Some(want) = spec.exit_code
        && (c.state != "exited" || c.exit_code != Some(want))
    {
        m.push(if c.state == "exited" {
            Finding::new(Code::ExitCodeDiffers)
                .with("code", c.exit_code.unwrap_or(-1))
                .with("want", want)
        } else {
            Finding::new(Code::NotExited).with("now", Value::StateWord(c.state.clone()))
        });
    }
    let flag = |want: Option<bool>, has: bool, missing: Code, present: Code| {
        want.filter(|w| *w != has)
            .map(|w| Finding::new(if w { missing } else { present }))
    };
    m.extend(flag(spec.tty, c.tty, Code::NoTty, Code::HasTty));
    m.extend(flag(
        spec.stdin_open,
        c.open_stdin,
        Code::NoStdin,
        Code::HasStdin,
    ));
    // With no evidence of how it was run (`attached: None`: a Podman container whose
    // events the engine no longer has), the property is not judged rather than guessed:
    // a wrong failure would stop a learner who did it right.
    if let Some(attached) = c.attached {
        m.extend(flag(
            spec.detached,
            !attached,
            Code::NotDetached,
            Code::IsDetached,
        ));
    }
    m.extend(flag(
        spec.auto_remove,
        c.auto_remove,
        Code::NoAutoRemove,
        Code::HasAutoRemove,
    ));
    for p in spec.published.iter().flatten() {
        m.extend(port_mismatch(c, p, snap));
    }
    for n in spec.networks.iter().flatten() {
        if c.on_network(n).is_none() {
            let on: Vec<String> = c.networks.iter().map(|a| a.network.clone()).collect();
            m.push(if on.is_empty() {
                Finding::new(Code::OnNoNetwork).with("network", n)
            } else {
                Finding::new(Code::NotOnNetwork)
                    .with("on", Value::Names(on))
                    .with("network", n)
            });
        }
    }
    for e in spec.env.iter().flatten() {
        let ok = if e.contains('=') {
            c.env.iter().any(|x| x == e)
        } else {
            c.env
                .iter()
                .any(|x| x.split('=').next() == Some(e.as_str()))
        };
        if !ok {
            m.push(Finding::new(Code::NoEnv).with("entry", e));
        }
    }
    m
}

/// Why a port the step asks for is not published: the nearest explanation first.
fn port_mismatch(c: &Container, p: &PortSpec, snap: &Snapshot) -> Option<Finding> {
    let (port, proto) = crate::lab::parse_container_port(&p.container)?;
    let host = p.host;
    if c.ports
        .iter()
        .any(|b| b.container_port == port && b.protocol == proto && b.host_port == host)
    {
        return None;
    }
    let with_port = |code: Code| {
        Finding::new(code)
            .with("port", port)
            .with("proto", proto.as_str())
            .with("host", host)
    };
    let requested = c
        .requested_ports
        .iter()
        .any(|b| b.container_port == port && b.host_port == host);
    if requested && !c.is_running() {
        return Some(with_port(Code::PortNotBound).with("now", state_seen(c, snap)));
    }
    let same_container_port = c
        .ports
        .iter()
        .find(|b| b.container_port == port && b.protocol == proto);
    let same_host_port = c.ports.iter().find(|b| b.host_port == host);
    Some(if let Some(b) = same_container_port {
        let code = if c.publish_all {
            Code::PortElsewhereRandom
        } else {
            Code::PortElsewhere
        };
        with_port(code).with("bound", b.host_port)
    } else if let Some(b) = same_host_port {
        with_port(Code::PortOtherTarget).with("target", b.container_port)
    } else {
        with_port(Code::PortMissing).with("ports", ports(c))
    })
}

/// Does the step ask only what a removed container's events still tell (its image or
/// name, that it exited, its exit code)? Then a `--rm` run counts.
fn events_can_tell(spec: &ContainerCheck) -> bool {
    matches!(spec.state, None | Some(ContainerState::Exited))
        && spec.tty.is_none()
        && spec.stdin_open.is_none()
        && spec.detached.is_none()
        && spec.published.is_none()
        && spec.networks.is_none()
        && spec.auto_remove.is_none()
        && spec.env.is_none()
        && spec.select.network.is_none()
        && spec.select.label.is_none()
}

/// A container's published ports, each once.
pub(super) fn ports(c: &Container) -> Value {
    let mut seen = BTreeSet::new();
    Value::Ports(
        c.ports
            .iter()
            .filter(|p| seen.insert((p.container_port, p.protocol.clone(), p.host_port)))
            .map(|p| (p.container_port, p.protocol.clone(), p.host_port))
            .collect(),
    )
}

/// "still there: `web` (running)" and the like.
pub(super) fn named_states(cs: &[&Container], snap: &Snapshot) -> Value {
    Value::List(cs.iter().map(|c| named_state(c, snap)).collect())
}
