//! `network`: a network exists with the given driver, origin, address range and members —
//! or, with `absent: true`, no network of that name exists.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::kind::{Kind, Lint, LintCx};
use super::{Ctx, Probe, StepCx};
use crate::engine::EngineError;
use crate::lab::Footprint;
use crate::snapshot::Snapshot;
use crate::verdict::{Code, Finding, Value, Verdict};

/// `network`: a network exists with these properties.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NetworkCheck {
    /// Network name.
    pub(crate) name: String,
    /// Driver, e.g. `bridge`.
    pub(crate) driver: Option<String>,
    /// Created by a user (`docker network create`), not one of the engine's defaults.
    pub(crate) user_defined: Option<bool>,
    /// At least this many containers attached.
    pub(crate) min_members: Option<u32>,
    /// Its subnet in CIDR form, as `--subnet` set it (`172.19.0.0/24`).
    pub(crate) subnet: Option<String>,
    /// Its gateway address, as `--gateway` set it (`172.19.0.1`).
    pub(crate) gateway: Option<String>,
    /// These containers (by name) are attached to it.
    pub(crate) members: Option<Vec<String>>,
    /// These containers (by name) are not attached to it (after `network disconnect`).
    pub(crate) not_members: Option<Vec<String>>,
    /// No network of this name exists (after `network rm`); no other field may be set.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) absent: bool,
}

impl Kind for NetworkCheck {
    const NAME: &'static str = "network";

    fn prepare(&mut self, _: &LintCx) -> Vec<Lint> {
        let mut lints = Vec::new();
        if self.name.trim().is_empty() {
            lints.push(Lint::at("name", "`network.name` is empty"));
        }
        let others = self.driver.is_some()
            || self.user_defined.is_some()
            || self.min_members.is_some()
            || self.subnet.is_some()
            || self.gateway.is_some()
            || self.members.is_some()
            || self.not_members.is_some();
        if self.absent && others {
            lints.push(Lint::at(
                "absent",
                "`absent: true` says the network is gone: it cannot also ask for its properties",
            ));
        }
        if let Some(s) = &self.subnet
            && parse_cidr(s).is_none()
        {
            lints.push(Lint::at(
                "subnet",
                format!("`{s}` is not an IPv4 subnet in CIDR form (`172.19.0.0/24`)"),
            ));
        }
        if let Some(g) = &self.gateway
            && g.parse::<std::net::Ipv4Addr>().is_err()
        {
            lints.push(Lint::at("gateway", format!("`{g}` is not an IPv4 address")));
        }
        for (field, list) in [
            ("members", &self.members),
            ("not_members", &self.not_members),
        ] {
            if list.as_ref().is_some_and(Vec::is_empty) {
                lints.push(Lint::at(
                    field,
                    format!("`network.{field}` is empty: it asserts nothing"),
                ));
            }
        }
        lints
    }

    fn footprint(&self, fp: &mut Footprint) {
        fp.networks.insert(self.name.clone());
        for n in self.members.iter().chain(&self.not_members).flatten() {
            fp.names.insert(n.clone());
        }
    }

    async fn evaluate<P: Probe>(
        &self,
        _: &Ctx<'_, P>,
        step: &StepCx<'_>,
        snap: &Snapshot,
    ) -> Result<Verdict, EngineError> {
        Ok(judge(self, step, snap))
    }
}

/// `172.19.0.0/24` → (network address, prefix length).
pub(crate) fn parse_cidr(s: &str) -> Option<(u32, u8)> {
    let (addr, len) = s.split_once('/')?;
    let addr: std::net::Ipv4Addr = addr.parse().ok()?;
    let len: u8 = len.parse().ok().filter(|l| *l <= 32)?;
    Some((u32::from(addr), len))
}

/// Do two IPv4 subnets share an address? (`172.19.0.0/16` and `172.19.10.0/24` do.)
pub(crate) fn overlaps(a: &str, b: &str) -> bool {
    let (Some((x, lx)), Some((y, ly))) = (parse_cidr(a), parse_cidr(b)) else {
        return false;
    };
    let len = lx.min(ly);
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    x & mask == y & mask
}

fn judge_absent(n: &NetworkCheck, snap: &Snapshot) -> Verdict {
    let expected = vec![Finding::new(Code::ExpectNoNetwork).with("name", &n.name)];
    match snap.network(&n.name) {
        None => Verdict::pass(
            Finding::new(Code::NetworkGone),
            expected,
            vec![Finding::new(Code::ExpectNoNetwork).with("name", &n.name)],
        ),
        Some(net) => Verdict::fail(
            Finding::new(Code::NetworkStillThere).with("name", &n.name),
            expected,
            vec![
                Finding::new(Code::NetworkIs)
                    .with("name", &net.name)
                    .with("driver", &net.driver)
                    .with("members", Value::Names(net.members.clone())),
            ],
        ),
    }
}

/// When the network was made, if that was since the step began counting: an act of the
/// learner's with the engine's own date on it, where an engine records no `create` event
/// (Podman). The engine dates networks to the second; one made in the second the step
/// began counts, at the step's start.
fn made_at(net: &crate::snapshot::Network, step: &StepCx<'_>) -> Option<i64> {
    const NANOS: i64 = 1_000_000_000;
    (net.created > 0 && net.created >= step.after.div_euclid(NANOS))
        .then(|| (net.created * NANOS).max(step.after))
}

pub(super) fn judge(n: &NetworkCheck, step: &StepCx<'_>, snap: &Snapshot) -> Verdict {
    if n.absent {
        return judge_absent(n, snap);
    }
    let mut expected = vec![Finding::new(Code::ExpectNetwork).with("name", &n.name)];
    if let Some(d) = &n.driver {
        expected.push(Finding::new(Code::ExpectDriver).with("driver", d));
    }
    if n.user_defined == Some(true) {
        expected.push(Finding::new(Code::ExpectUserDefined));
    }
    if let Some(m) = n.min_members {
        expected.push(Finding::new(Code::ExpectMinMembers).with("n", m));
    }
    if let Some(s) = &n.subnet {
        expected.push(Finding::new(Code::ExpectSubnet).with("subnet", s));
    }
    if let Some(g) = &n.gateway {
        expected.push(Finding::new(Code::ExpectGateway).with("gateway", g));
    }
    if let Some(m) = &n.members {
        expected.push(Finding::new(Code::ExpectMembers).with("names", Value::Names(m.clone())));
    }
    if let Some(m) = &n.not_members {
        expected.push(Finding::new(Code::ExpectNotMembers).with("names", Value::Names(m.clone())));
    }
    let Some(net) = snap.network(&n.name) else {
        let custom: Vec<String> = snap
            .networks
            .iter()
            .filter(|x| x.user_defined)
            .map(|x| x.name.clone())
            .collect();
        return Verdict::fail(
            Finding::new(Code::NetworkMissingSummary).with("name", &n.name),
            expected,
            vec![
                Finding::new(Code::NetworkMissing)
                    .with("name", &n.name)
                    .with("custom", Value::Names(custom)),
            ],
        );
    };
    let members = Value::Names(net.members.clone());
    let mut problems = Vec::new();
    if let Some(d) = &n.driver
        && &net.driver != d
    {
        problems.push(
            Finding::new(Code::NetworkDriverIs)
                .with("want", d)
                .with("driver", &net.driver),
        );
    }
    if let Some(u) = n.user_defined
        && net.user_defined != u
    {
        problems.push(Finding::new(if u {
            Code::NetworkIsBuiltin
        } else {
            Code::NetworkIsUserDefined
        }));
    }
    if let Some(m) = n.min_members
        && (net.members.len() as u32) < m
    {
        problems.push(
            Finding::new(Code::NetworkMembers)
                .with("count", net.members.len())
                .with("members", members.clone()),
        );
    }
    if let Some(want) = &n.subnet
        && !net.subnets.iter().any(|(s, _)| s == want)
    {
        let subnets: Vec<String> = net.subnets.iter().map(|(s, _)| s.clone()).collect();
        problems.push(
            Finding::new(Code::NetworkSubnetIs)
                .with("want", want)
                .with("subnets", Value::Names(subnets)),
        );
    }
    if let Some(want) = &n.gateway
        && !net.subnets.iter().any(|(_, g)| g == want)
    {
        let gateways: Vec<String> = net
            .subnets
            .iter()
            .map(|(_, g)| g.clone())
            .filter(|g| !g.is_empty())
            .collect();
        problems.push(
            Finding::new(Code::NetworkGatewayIs)
                .with("want", want)
                .with("gateways", Value::Names(gateways)),
        );
    }
    if let Some(want) = &n.members {
        let lacking: Vec<String> = want
            .iter()
            .filter(|m| !net.members.contains(m))
            .cloned()
            .collect();
        if !lacking.is_empty() {
            problems.push(
                Finding::new(Code::NetworkLacks)
                    .with("names", Value::Names(lacking))
                    .with("members", members.clone()),
            );
        }
    }
    if let Some(not) = &n.not_members {
        let still: Vec<String> = not
            .iter()
            .filter(|m| net.members.contains(m))
            .cloned()
            .collect();
        if !still.is_empty() {
            problems.push(Finding::new(Code::NetworkHas).with("names", Value::Names(still)));
        }
    }
    if problems.is_empty() {
        Verdict::pass(
            Finding::new(Code::NetworkOk),
            expected,
            vec![
                Finding::new(Code::NetworkIs)
                    .with("name", &net.name)
                    .with("driver", &net.driver)
                    .with("members", members),
            ],
        )
        .at(made_at(net, step))
    } else {
        Verdict::fail(Finding::new(Code::NetworkNotAsAsked), expected, problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subnets_overlap_when_their_common_prefix_agrees() {
        assert!(overlaps("172.19.0.0/16", "172.19.10.0/24"));
        assert!(overlaps("172.19.10.0/24", "172.19.0.0/16"));
        assert!(!overlaps("172.19.0.0/24", "172.19.10.0/24"));
        assert!(overlaps("172.19.0.0/24", "172.19.0.128/25"));
        assert!(!overlaps("nonsense", "172.19.0.0/24"));
        assert_eq!(parse_cidr("172.19.0.0/24"), Some((0xAC13_0000, 24)));
        assert_eq!(parse_cidr("172.19.0.0/33"), None);
    }
}
