//! `reach`: a running container reaches another by name over a shared user-defined
//! network — probed from inside when the container has a tool for it, else judged from the
//! engine's network state.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::kind::{Kind, Lint, LintCx, lint_select};
use super::select::{no_match, nothing_matches, running};
use super::{Ctx, Probe, StepCx};
use crate::engine::{EngineError, ExecOutput};
use crate::lab::{Footprint, Select};
use crate::snapshot::{Container, Snapshot};
use crate::verdict::{Code, Finding, Value, Verdict};

/// `reach`: a container reaches another by name over a shared user-defined network.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReachCheck {
    /// The container that connects.
    pub(crate) from: Select,
    /// Name (or network alias) it must reach. Omit to accept any other running container on
    /// a shared user-defined network.
    pub(crate) to: Option<String>,
    /// Only this network counts.
    pub(crate) network: Option<String>,
}

/// Runs inside the source container: ping if it can, else name resolution. Exit 0 reached,
/// 1 not, 3 no tool to tell.
const REACH_SCRIPT: &str = r#"t="$1"
if command -v ping >/dev/null 2>&1 && ping -c 1 -W 2 "$t" >/dev/null 2>&1; then echo "ping $t answered"; exit 0; fi
if command -v getent >/dev/null 2>&1; then if getent hosts "$t"; then exit 0; else echo "$t does not resolve"; exit 1; fi; fi
if command -v nslookup >/dev/null 2>&1; then if nslookup "$t" >/dev/null 2>&1; then echo "$t resolves"; exit 0; else echo "$t does not resolve"; exit 1; fi; fi
if command -v ping >/dev/null 2>&1; then echo "ping $t failed"; exit 1; fi
exit 3"#;

impl Kind for ReachCheck {
    const NAME: &'static str = "reach";

    fn prepare(&mut self, _: &LintCx) -> Vec<Lint> {
        lint_select(&self.from, "reach.from", "from")
            .into_iter()
            .collect()
    }

    fn footprint(&self, fp: &mut Footprint) {
        fp.add_select(&self.from);
        if let Some(t) = &self.to {
            fp.names.insert(t.clone());
        }
        if let Some(n) = &self.network {
            fp.networks.insert(n.clone());
        }
    }

    async fn evaluate<P: Probe>(
        &self,
        cx: &Ctx<'_, P>,
        _: &StepCx<'_>,
        snap: &Snapshot,
    ) -> Result<Verdict, EngineError> {
        evaluate(cx, self, snap).await
    }
}

async fn evaluate<P: Probe>(
    cx: &Ctx<'_, P>,
    r: &ReachCheck,
    snap: &Snapshot,
) -> Result<Verdict, EngineError> {
    let expected = vec![expected(r)];
    let sources = running(&r.from, snap);
    if sources.is_empty() {
        return Ok(Verdict::fail(
            no_match(&r.from),
            expected,
            nothing_matches(&r.from, snap),
        ));
    }
    let mut notes = Vec::new();
    for a in &sources {
        let Some((net, b)) = peer(a, r, snap) else {
            notes.push(why_no_peer(a, r, snap));
            continue;
        };
        let to = r.to.clone().unwrap_or_else(|| b.name.clone());
        let args = ["sh", "-c", REACH_SCRIPT, "reach", &to].map(str::to_owned);
        let how = match cx.probe.exec(&a.id, &args).await {
            Ok(ExecOutput {
                exit_code: Some(0),
                output,
            }) => Finding::new(Code::ReachProbeFrom)
                .with("from", &a.name)
                .with("said", said(output.trim())),
            Ok(ExecOutput {
                exit_code: Some(1),
                output,
            }) => {
                notes.push(
                    Finding::new(Code::ReachCannot)
                        .with("from", &a.name)
                        .with("to", &to)
                        .with("said", said(output.trim())),
                );
                continue;
            }
            // No shell or no tool inside: the engine's own network state is the evidence.
            _ => Finding::new(Code::ReachByEngineState),
        };
        return Ok(Verdict::pass(
            Finding::new(Code::ReachOk)
                .with("from", &a.name)
                .with("to", &to),
            expected,
            vec![
                Finding::new(Code::ReachShare)
                    .with("a", &a.name)
                    .with("b", &b.name)
                    .with("network", net)
                    .with("how", how),
            ],
        ));
    }
    let summary = match &r.to {
        Some(t) => Finding::new(Code::ReachNotYetTo).with("to", t),
        None => Finding::new(Code::ReachNotYetAny),
    };
    Ok(Verdict::fail(summary, expected, notes))
}

fn expected(r: &ReachCheck) -> Finding {
    let f = match (&r.to, &r.network) {
        (Some(_), None) => Finding::new(Code::ExpectReachTo),
        (Some(_), Some(_)) => Finding::new(Code::ExpectReachToOver),
        (None, None) => Finding::new(Code::ExpectReachAny),
        (None, Some(_)) => Finding::new(Code::ExpectReachAnyOver),
    }
    .with("sel", &r.from);
    let f = match &r.to {
        Some(t) => f.with("to", t),
        None => f,
    };
    match &r.network {
        Some(n) => f.with("network", n),
        None => f,
    }
}

/// Another running container that `a` shares a user-defined network with (the only kind
/// that resolves names), and which answers to the name asked for.
fn peer<'s>(a: &Container, r: &ReachCheck, snap: &'s Snapshot) -> Option<(&'s str, &'s Container)> {
    a.networks
        .iter()
        .filter(|att| r.network.as_ref().is_none_or(|n| &att.network == n))
        .filter(|att| snap.network(&att.network).is_some_and(|n| n.user_defined))
        .find_map(|att| {
            let net = snap.network(&att.network)?;
            snap.containers
                .iter()
                .filter(|b| b.id != a.id && b.is_running())
                .find(|b| {
                    b.on_network(&att.network).is_some_and(|bn| {
                        r.to.as_ref()
                            .is_none_or(|t| &b.name == t || bn.aliases.iter().any(|x| x == t))
                    })
                })
                .map(|b| (net.name.as_str(), b))
        })
}

fn why_no_peer(a: &Container, r: &ReachCheck, snap: &Snapshot) -> Finding {
    let nets: Vec<String> = a.networks.iter().map(|n| n.network.clone()).collect();
    let only_defaults = nets
        .iter()
        .all(|n| snap.network(n).is_none_or(|x| !x.user_defined));
    let f = if nets.is_empty() {
        Finding::new(Code::ReachOnNoNetwork)
    } else if only_defaults {
        Finding::new(Code::ReachOnDefaults).with("networks", Value::Names(nets))
    } else if let Some(t) = &r.to {
        Finding::new(Code::ReachNoPeer)
            .with("networks", Value::Names(nets))
            .with("to", t)
    } else {
        Finding::new(Code::ReachNoPeerAny).with("networks", Value::Names(nets))
    };
    f.with("name", &a.name)
}

/// What [`REACH_SCRIPT`] printed, as a finding (other output, such as `getent`'s, as it is).
fn said(out: &str) -> Finding {
    let target = |code: Code, t: &str| Finding::new(code).with("target", t);
    if let Some(t) = out
        .strip_prefix("ping ")
        .and_then(|s| s.strip_suffix(" answered"))
    {
        target(Code::ReachPingOk, t)
    } else if let Some(t) = out
        .strip_prefix("ping ")
        .and_then(|s| s.strip_suffix(" failed"))
    {
        target(Code::ReachPingFailed, t)
    } else if let Some(t) = out.strip_suffix(" does not resolve") {
        target(Code::ReachUnresolved, t)
    } else if let Some(t) = out.strip_suffix(" resolves") {
        target(Code::ReachResolves, t)
    } else {
        Finding::new(Code::ReachRaw).with("text", out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::Lang;
    use crate::snapshot::{Attachment, Network};
    use crate::words::render;

    fn on(name: &str, net: &str) -> Container {
        Container {
            id: format!("{name}-id"),
            name: name.into(),
            state: "running".into(),
            networks: vec![Attachment {
                network: net.into(),
                network_id: net.into(),
                ip: "10.0.0.2".into(),
                gateway: "10.0.0.1".into(),
                aliases: vec![],
            }],
            ..Default::default()
        }
    }

    fn net(name: &str, user_defined: bool) -> Network {
        Network {
            name: name.into(),
            user_defined,
            ..Default::default()
        }
    }

    #[test]
    fn the_default_bridge_does_not_resolve_names() {
        let s = Snapshot {
            containers: vec![on("a", "bridge"), on("b", "bridge")],
            networks: vec![net("bridge", false)],
            ..Default::default()
        };
        let r = ReachCheck {
            from: Select {
                name: Some("a".into()),
                ..Default::default()
            },
            to: Some("b".into()),
            network: None,
        };
        assert!(peer(&s.containers[0], &r, &s).is_none());
        let why = why_no_peer(&s.containers[0], &r, &s);
        assert_eq!(why.code, Code::ReachOnDefaults);
        let s = Snapshot {
            containers: vec![on("a", "custom"), on("b", "custom")],
            networks: vec![net("custom", true)],
            ..Default::default()
        };
        let (n, b) = peer(&s.containers[0], &r, &s).expect("a peer on `custom`");
        assert_eq!((n, b.name.as_str()), ("custom", "b"));
    }

    #[test]
    fn the_probe_output_is_read_as_data() {
        assert_eq!(
            said("custom-nginx does not resolve").code,
            Code::ReachUnresolved
        );
        assert_eq!(
            render(&said("custom-nginx does not resolve"), Lang::Ko),
            "`custom-nginx` 이름을 찾을 수 없음"
        );
        assert_eq!(
            render(&said("ping custom-nginx answered"), Lang::Ko),
            "`custom-nginx` 에 ping 응답 있음"
        );
        assert_eq!(
            render(&said("ping custom-nginx answered"), Lang::En),
            "ping custom-nginx answered"
        );
        assert_eq!(said("10.0.0.3 b").code, Code::ReachRaw);
    }
}
