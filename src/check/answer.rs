//! `answer`: the learner answers a question that only the engine's state can confirm
//! ("what hostname did your container print?"), so a read-only command (`inspect`, `ls`,
//! `logs`) is still something a step can ask for.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::kind::{Kind, Lint, LintCx, lint_select};
use super::select::select_containers;
use super::{Ctx, Probe, StepCx};
use crate::engine::EngineError;
use crate::lab::{Footprint, Select, Text};
use crate::snapshot::Snapshot;
use crate::verdict::{Code, Finding, Value, Verdict};

/// What a question asks for, read from a matching container.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum AnswerField {
    /// `Config.Hostname` (what `hostname` prints inside).
    Hostname,
    /// The container ID; a unique prefix of 4 or more characters is accepted, as docker does.
    Id,
    /// The container name.
    Name,
    /// The IP address on `network` (or on any network when omitted).
    Ip,
    /// The host port bound to `port` (e.g. `80/tcp`).
    HostPort,
    /// The gateway of its network (on `network`, or any): the client address a server in
    /// it logs for a request from the host, e.g. `172.17.0.1` on the default bridge.
    Gateway,
}

/// `answer`: the learner answers a question that only the engine's state can confirm, so
/// a read-only command (`inspect`, `ls`, `logs`) is still something a step can ask for.
/// Given with `docklings grade --answer STEP=VALUE` or in `docklings start`.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AnswerCheck {
    /// The question, as the learner reads it.
    pub(crate) question: Text,
    /// Containers whose value counts as right (any of them).
    pub(crate) select: Select,
    /// What the answer is compared with.
    pub(crate) field: AnswerField,
    /// For `ip`: on this network.
    pub(crate) network: Option<String>,
    /// For `host_port`: this container port.
    pub(crate) port: Option<String>,
}

impl Kind for AnswerCheck {
    const NAME: &'static str = "answer";

    fn prepare(&mut self, _: &LintCx) -> Vec<Lint> {
        let mut lints: Vec<Lint> = lint_select(&self.select, "answer.select", "select")
            .into_iter()
            .collect();
        if self.field == AnswerField::HostPort
            && self
                .port
                .as_deref()
                .and_then(crate::lab::parse_container_port)
                .is_none()
        {
            lints.push(Lint::at(
                "field",
                "`answer.field: host_port` needs `port`, e.g. `80/tcp`",
            ));
        }
        lints
    }

    fn footprint(&self, fp: &mut Footprint) {
        fp.add_select(&self.select);
        if let Some(n) = &self.network {
            fp.networks.insert(n.clone());
        }
    }

    async fn evaluate<P: Probe>(
        &self,
        cx: &Ctx<'_, P>,
        step: &StepCx<'_>,
        snap: &Snapshot,
    ) -> Result<Verdict, EngineError> {
        Ok(judge(
            self,
            cx.answers.get(step.id).map(String::as_str),
            snap,
        ))
    }
}

pub(super) fn judge(a: &AnswerCheck, given: Option<&str>, snap: &Snapshot) -> Verdict {
    let question = Value::LabText(a.question.clone());
    let expected = vec![Finding::new(Code::ExpectAnswer).with("question", question.clone())];
    let right = answer_values(a, snap);
    let Some(given) = given.map(str::trim).filter(|g| !g.is_empty()) else {
        return Verdict::fail(
            Finding::new(Code::AnswerMissing).with("question", question),
            expected,
            vec![Finding::new(Code::AnswerNone)],
        );
    };
    if right
        .iter()
        .any(|r| answer_matches(a.field, given, r, &right))
    {
        return Verdict::pass(
            Finding::new(Code::AnswerRight),
            expected,
            vec![Finding::new(Code::AnswerMatches).with("given", given)],
        );
    }
    let observed = if right.is_empty() {
        Finding::new(Code::AnswerNoSource)
            .with("given", given)
            .with("sel", &a.select)
    } else {
        Finding::new(Code::AnswerDiffers).with("given", given)
    };
    Verdict::fail(
        Finding::new(Code::AnswerWrong).with("given", given),
        expected,
        vec![observed],
    )
}

/// The values a question accepts, from the containers it selects.
pub(crate) fn answer_values(a: &AnswerCheck, snap: &Snapshot) -> Vec<String> {
    let mut out = Vec::new();
    for c in select_containers(&a.select, snap) {
        match a.field {
            AnswerField::Hostname => out.push(c.hostname.clone()),
            AnswerField::Id => out.push(c.id.clone()),
            AnswerField::Name => out.push(c.name.clone()),
            AnswerField::Ip => out.extend(
                c.networks
                    .iter()
                    .filter(|n| a.network.as_ref().is_none_or(|w| &n.network == w))
                    .map(|n| n.ip.clone()),
            ),
            AnswerField::Gateway => out.extend(
                c.networks
                    .iter()
                    .filter(|n| a.network.as_ref().is_none_or(|w| &n.network == w))
                    .map(|n| n.gateway.clone()),
            ),
            AnswerField::HostPort => {
                if let Some((port, proto)) =
                    a.port.as_deref().and_then(crate::lab::parse_container_port)
                {
                    out.extend(
                        c.ports
                            .iter()
                            .filter(|b| b.container_port == port && b.protocol == proto)
                            .map(|b| b.host_port.to_string()),
                    );
                }
            }
        }
    }
    out.retain(|v| !v.is_empty());
    out.dedup();
    out
}

/// Answers are compared as a learner would expect: case and surrounding space do not
/// matter, an IP may carry its `/prefix`, and an ID may be a unique prefix (4+ characters).
pub(crate) fn answer_matches(field: AnswerField, given: &str, right: &str, all: &[String]) -> bool {
    let g = given.trim().to_ascii_lowercase();
    let g = g.trim_matches(|c| c == '"' || c == '\'' || c == '`');
    let r = right.to_ascii_lowercase();
    match field {
        AnswerField::Ip | AnswerField::Gateway => g.split('/').next() == Some(r.as_str()),
        AnswerField::Id => {
            g.len() >= 4
                && r.starts_with(g)
                && all
                    .iter()
                    .filter(|x| x.to_ascii_lowercase().starts_with(g))
                    .count()
                    == 1
        }
        _ => g == r,
    }
}
