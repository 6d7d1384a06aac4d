//! Steps certify what the learner did, in order. A lab is a sequence of acts, and the
//! engine's state alone cannot say whether they happened, or in which order: a container
//! removed before the right one ran looks like a removal, and docklings' own probe of a
//! page looks like a visit. So each step is judged against the step it follows:
//!
//! - A step follows the previous one, or the one its `after:` names (`start`: the lab's
//!   start). Its acts must come **after the latest step of that chain that passed**: a
//!   skipped step does not block the ones after it (skipping `ls` still lets the copy
//!   count), but while no step of the chain has passed the step waits for them.
//! - Kinds whose evidence is an act (a removal, an event, a request in an access log, a
//!   line of output) count only acts at or after that moment; kinds that read a state
//!   (a container is running, a page is served) report when the state began, when they
//!   can tell, and that moment is what later steps count from.
//! - **Passes stick.** A step that passed stays passed (its container may be removed
//!   later, on purpose); `start`, `watch` and `selftest` keep the passes they see, `check`
//!   and `grade` read the ones recorded in progress.

use super::{Ctx, Outcome, Probe, StepCx, StepResult};
use crate::engine::EngineError;
use crate::lab::Step;
use crate::snapshot::Snapshot;
use crate::verdict::{Code, Finding, Value, Verdict};

/// What a step counts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Anchor {
    /// Acts from this moment count; `step` is the step that passed then (`None`: start).
    At { after: i64, step: Option<usize> },
    /// No step of its chain has passed yet: it waits for `waiting`.
    Blocked { waiting: usize },
}

/// Where step `i` counts from, given the evidence of the steps before it.
fn anchor(steps: &[Step], i: usize, evidence: &[Option<i64>], since: i64) -> Anchor {
    let Some(first) = steps[i].follows else {
        return Anchor::At {
            after: since,
            step: None,
        };
    };
    let mut j = Some(first);
    while let Some(k) = j {
        if let Some(at) = evidence[k] {
            return Anchor::At {
                after: at,
                step: Some(k),
            };
        }
        j = steps[k].follows;
    }
    Anchor::Blocked { waiting: first }
}

impl<P: Probe> Ctx<'_, P> {
    /// Every step of the lab in order, against one snapshot. Passes found are added to
    /// `self.passed`, so they stick for the next judgement with this `Ctx`.
    pub(crate) async fn judge_with(&self, snap: &Snapshot) -> Result<Vec<StepResult>, EngineError> {
        let steps = &self.lab.steps;
        let mut evidence: Vec<Option<i64>> = vec![None; steps.len()];
        let mut results = Vec::with_capacity(steps.len());
        for (i, step) in steps.iter().enumerate() {
            let kept = self.passed.borrow().get(&step.id).copied();
            let mut r = match anchor(steps, i, &evidence, self.since) {
                Anchor::At { after, step: from } => {
                    let at = StepCx {
                        id: &step.id,
                        after,
                        after_step: from.map(|k| steps[k].id.as_str()),
                        part: false,
                    };
                    self.check_step_at(step, at, snap).await?
                }
                Anchor::Blocked { waiting } => self.blocked(step, &steps[waiting]),
            };
            // A pass sticks with its time: a later act that passes it again (the same
            // container name used again by a later step) must not move what the steps
            // after it count from.
            if let Some(at) = kept {
                if r.passed {
                    r.at = Some(at);
                } else {
                    r = self.kept(step, at);
                }
            }
            if r.passed {
                evidence[i] = r.at;
                if let Some(at) = r.at {
                    self.passed
                        .borrow_mut()
                        .entry(step.id.clone())
                        .or_insert(at);
                }
            }
            results.push(r);
        }
        Ok(results)
    }

    /// A step whose chain has not begun: it says which step to do first.
    fn blocked(&self, step: &Step, waiting: &Step) -> StepResult {
        let v = Verdict::fail(
            Finding::new(Code::OrderBlocked).with("step", &waiting.id),
            vec![Finding::new(Code::ExpectAfter).with("step", &waiting.id)],
            vec![
                Finding::new(Code::OrderWaiting)
                    .with("step", &waiting.id)
                    .with("title", Value::LabText(waiting.title.clone())),
            ],
        );
        self.order_result(step, v, None)
    }

    /// A step that passed earlier and stays passed.
    fn kept(&self, step: &Step, at: i64) -> StepResult {
        let v = Verdict::pass(
            Finding::new(Code::OrderKept).with("time", Value::Clock(at)),
            vec![Finding::new(Code::ExpectKept)],
            vec![Finding::new(Code::OrderKeptAt).with("time", Value::Clock(at))],
        );
        self.order_result(step, v, Some(at))
    }

    fn order_result(&self, step: &Step, v: Verdict, at: Option<i64>) -> StepResult {
        StepResult {
            id: step.id.clone(),
            title: step.title.get(self.lang).to_owned(),
            passed: v.passed,
            points: step.points,
            at,
            duration_ms: 0,
            checks: vec![Outcome::new("order", v, self.lang, None)],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steps(follows: &[Option<usize>]) -> Vec<Step> {
        follows
            .iter()
            .enumerate()
            .map(|(i, f)| Step {
                id: format!("s{i}"),
                title: crate::lab::Text::Plain(String::new()),
                body: crate::lab::Text::Plain(String::new()),
                points: 1,
                hints: Vec::new(),
                solution: Vec::new(),
                checks: Vec::new(),
                follows: *f,
                challenge: None,
                sequence: false,
                line: 0,
            })
            .collect()
    }

    #[test]
    fn a_step_counts_from_the_latest_passed_step_of_its_chain() {
        let s = steps(&[None, Some(0), Some(1), Some(2)]);
        // Nothing passed: the first step counts from the start, the others wait.
        let none = [None, None, None, None];
        assert_eq!(
            anchor(&s, 0, &none, 5),
            Anchor::At {
                after: 5,
                step: None
            }
        );
        assert_eq!(anchor(&s, 2, &none, 5), Anchor::Blocked { waiting: 1 });
        // Step 1 skipped: step 2 counts from step 0.
        let skipped = [Some(10), None, None, None];
        assert_eq!(
            anchor(&s, 2, &skipped, 5),
            Anchor::At {
                after: 10,
                step: Some(0)
            }
        );
        let done = [Some(10), Some(20), Some(30), None];
        assert_eq!(
            anchor(&s, 3, &done, 5),
            Anchor::At {
                after: 30,
                step: Some(2)
            }
        );
    }

    #[test]
    fn independent_steps_count_from_the_start() {
        let s = steps(&[None, Some(0), None, Some(2)]);
        let none = [None, None, None, None];
        assert_eq!(
            anchor(&s, 2, &none, 5),
            Anchor::At {
                after: 5,
                step: None
            }
        );
        assert_eq!(anchor(&s, 3, &none, 5), Anchor::Blocked { waiting: 2 });
        assert_eq!(anchor(&s, 1, &none, 5), Anchor::Blocked { waiting: 0 });
    }
}
