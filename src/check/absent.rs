//! `absent`: no container, running or stopped, matches the selector (after `--rm` or
//! `rm --force`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::container::named_states;
use super::kind::{Kind, Lint, LintCx, lint_select};
use super::select::select_containers;
use super::{Ctx, Probe};
use crate::engine::EngineError;
use crate::lab::{Footprint, Select};
use crate::snapshot::Snapshot;
use crate::verdict::{Code, Finding, Verdict};

/// `absent`: no container matches.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AbsentCheck {
    /// No container, running or stopped, may match this.
    pub(crate) select: Select,
}

impl Kind for AbsentCheck {
    const NAME: &'static str = "absent";

    fn prepare(&mut self, _: &LintCx) -> Vec<Lint> {
        lint_select(&self.select, "absent.select", "select")
            .into_iter()
            .collect()
    }

    fn footprint(&self, fp: &mut Footprint) {
        fp.add_select(&self.select);
    }

    async fn evaluate<P: Probe>(
        &self,
        _: &Ctx<'_, P>,
        _: &str,
        snap: &Snapshot,
    ) -> Result<Verdict, EngineError> {
        Ok(judge(&self.select, snap))
    }
}

pub(super) fn judge(s: &Select, snap: &Snapshot) -> Verdict {
    let expected = vec![Finding::new(Code::NoContainerWith).with("sel", s)];
    let left = select_containers(s, snap);
    if left.is_empty() {
        return Verdict::pass(
            Finding::new(Code::AbsentOk),
            expected,
            vec![Finding::new(Code::AbsentNone)],
        );
    }
    Verdict::fail(
        Finding::new(Code::AbsentStill),
        expected,
        vec![Finding::new(Code::AbsentStillList).with("names", named_states(&left, snap))],
    )
}
