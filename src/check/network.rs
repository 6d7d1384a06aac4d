//! `network`: a network exists with the given driver, origin and members.

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
}

impl Kind for NetworkCheck {
    const NAME: &'static str = "network";

    fn prepare(&mut self, _: &LintCx) -> Vec<Lint> {
        if self.name.trim().is_empty() {
            return vec![Lint::at("name", "`network.name` is empty")];
        }
        Vec::new()
    }

    fn footprint(&self, fp: &mut Footprint) {
        fp.networks.insert(self.name.clone());
    }

    async fn evaluate<P: Probe>(
        &self,
        _: &Ctx<'_, P>,
        _: &StepCx<'_>,
        snap: &Snapshot,
    ) -> Result<Verdict, EngineError> {
        Ok(judge(self, snap))
    }
}

pub(super) fn judge(n: &NetworkCheck, snap: &Snapshot) -> Verdict {
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
    } else {
        Verdict::fail(Finding::new(Code::NetworkNotAsAsked), expected, problems)
    }
}
