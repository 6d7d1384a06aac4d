//! `absent`: no container, running or stopped, matches the selector (after `--rm` or
//! `rm --force`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::container::named_states;
use super::event::{event_matches_select, event_name};
use super::kind::{Kind, Lint, LintCx, lint_select};
use super::select::select_containers;
use super::{Ctx, Probe, StepCx};
use crate::engine::EngineError;
use crate::lab::{Footprint, Select};
use crate::snapshot::{Event, Snapshot};
use crate::verdict::{Code, Finding, Value, Verdict};

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
        step: &StepCx<'_>,
        snap: &Snapshot,
    ) -> Result<Verdict, EngineError> {
        Ok(judge(&self.select, step, snap))
    }
}

/// None is left, and the learner removed one after the step this one follows: an empty
/// engine alone proves nothing (the container may never have run, or been removed before
/// the right one ran).
pub(super) fn judge(s: &Select, step: &StepCx<'_>, snap: &Snapshot) -> Verdict {
    let expected = vec![
        Finding::new(Code::NoContainerWith).with("sel", s),
        Finding::new(Code::ExpectRemoved),
    ];
    let left = select_containers(s, snap);
    if left.is_empty() {
        let removals: Vec<&Event> = snap
            .events
            .iter()
            .filter(|e| e.kind == "container" && e.verb() == "destroy")
            .filter(|e| event_matches_select(e, s, snap))
            .collect();
        let removed = |e: &Event| Finding::new(Code::AbsentRemoved).with("name", event_name(e));
        if let Some(e) = removals.iter().rev().find(|e| e.time_nano >= step.after) {
            return Verdict::pass(
                Finding::new(Code::AbsentOk),
                expected,
                vec![removed(e).with("time", Value::Clock(e.time_nano))],
            )
            .at(e.time_nano);
        }
        let observed = match removals.last() {
            Some(e) => step.too_early(
                Finding::new(Code::AbsentRemovalOf).with("name", event_name(e)),
                e.time_nano,
            ),
            None => Finding::new(Code::AbsentNoRemoval).with("sel", s),
        };
        return Verdict::fail(
            Finding::new(Code::AbsentNotRemoved),
            expected,
            vec![observed],
        );
    }
    Verdict::fail(
        Finding::new(Code::AbsentStill),
        expected,
        vec![Finding::new(Code::AbsentStillList).with("names", named_states(&left, snap))],
    )
}
