//! Checks: functions of an engine snapshot (plus a few read-only probes) that say whether a
//! step is done. Each check kind lives in a file of its own and returns a [`Verdict`] —
//! findings as data; the learner's words are added last, in [`Outcome::new`].
//!
//! Nothing here changes the learner's containers, networks or files. The probes that touch
//! a container at all (reading a file through the archive endpoint, an exec for `reach` and
//! `exec`) are marked so the engine's record of them is never counted as the learner's.

mod absent;
mod answer;
mod container;
mod diff;
mod event;
mod exec;
mod file;
mod http;
mod image;
mod kind;
mod logs;
mod mount;
mod network;
mod reach;
mod registry;
mod request;
mod select;
#[cfg(test)]
pub(crate) mod tests;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::engine::{EngineError, ExecOutput, FileEntry, LogLine};
use crate::lab::{Check, Footprint, Lab, Lang, Step, Text};
use crate::snapshot::Snapshot;
use crate::verdict::{Finding, Verdict};

pub(crate) use file::FileType;
pub(crate) use kind::{Lint, LintCx};
#[cfg(test)]
pub(crate) use registry::NAMES;
pub(crate) use registry::{CheckKind, CheckSpec, written_examples};
pub(crate) use select::Select;

/// How often a check with `within` re-reads the engine.
pub(crate) const POLL: Duration = Duration::from_millis(250);

/// Read access to the engine: implemented by [`crate::engine::Engine`], and by fakes in tests.
#[allow(async_fn_in_trait)]
pub(crate) trait Probe {
    async fn snapshot(&self, fp: &Footprint, since: Option<i64>) -> Result<Snapshot, EngineError>;
    async fn logs(&self, id: &str) -> Result<String, EngineError>;
    /// Output lines since a time (Unix nanoseconds), each with when it was written.
    async fn log_lines(&self, id: &str, since: i64) -> Result<Vec<LogLine>, EngineError>;
    async fn read_file(&self, id: &str, path: &str) -> Result<Option<FileEntry>, EngineError>;
    async fn exec(&self, id: &str, cmd: &[String]) -> Result<ExecOutput, EngineError>;
}

impl Probe for crate::engine::Engine {
    async fn snapshot(&self, fp: &Footprint, since: Option<i64>) -> Result<Snapshot, EngineError> {
        crate::engine::Engine::snapshot(self, fp, since).await
    }
    async fn logs(&self, id: &str) -> Result<String, EngineError> {
        crate::engine::Engine::logs(self, id).await
    }
    async fn log_lines(&self, id: &str, since: i64) -> Result<Vec<LogLine>, EngineError> {
        crate::engine::Engine::log_lines(self, id, since).await
    }
    async fn read_file(&self, id: &str, path: &str) -> Result<Option<FileEntry>, EngineError> {
        crate::engine::Engine::read_file(self, id, path).await
    }
    async fn exec(&self, id: &str, cmd: &[String]) -> Result<ExecOutput, EngineError> {
        crate::engine::Engine::exec(self, id, cmd).await
    }
}

/// The verdict of one check, in the learner's words and as data.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub(crate) struct Outcome {
    pub(crate) kind: &'static str,
    pub(crate) passed: bool,
    /// The stable code of the summary finding: the same in every language.
    pub(crate) code: &'static str,
    /// One sentence for the learner (the lab's own `fail` text when it has one).
    pub(crate) message: String,
    pub(crate) expected: String,
    pub(crate) observed: String,
    /// The findings behind the three texts above, as codes and values.
    pub(crate) findings: Findings,
    /// Retrying cannot help (the container exited): `within` gives up at once.
    #[serde(skip)]
    pub(crate) terminal: bool,
    /// The verdict can change without an engine event (a server starting to answer, a
    /// shell printing what is typed), so a watcher re-checks it on a timer.
    #[serde(skip)]
    pub(crate) recheck: bool,
}

/// What a check found, as data (the `findings` of the JSON report).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub(crate) struct Findings {
    pub(crate) summary: Finding,
    pub(crate) expected: Vec<Finding>,
    pub(crate) observed: Vec<Finding>,
}

impl Outcome {
    /// Put a verdict into words. `fail` is the lab author's text for a failed check.
    pub(crate) fn new(kind: &'static str, v: Verdict, lang: Lang, fail: Option<&Text>) -> Outcome {
        let message = match fail {
            Some(t) if !v.passed => t.get(lang).to_owned(),
            _ => crate::words::render(&v.summary, lang),
        };
        Outcome {
            kind,
            passed: v.passed,
            code: v.summary.code.as_str(),
            message,
            expected: crate::words::join(&v.expected, ", ", lang),
            observed: crate::words::join(&v.observed, "; ", lang),
            findings: Findings {
                summary: v.summary,
                expected: v.expected,
                observed: v.observed,
            },
            terminal: v.terminal,
            recheck: false,
        }
    }
}

#[cfg(test)]
impl Outcome {
    /// An outcome with the given texts, for tests of what shows outcomes.
    pub(crate) fn with_texts(
        kind: &'static str,
        passed: bool,
        message: &str,
        expected: &str,
        observed: &str,
    ) -> Outcome {
        use crate::verdict::Code;
        Outcome {
            kind,
            passed,
            code: if passed {
                "container.ok"
            } else {
                "container.not_as_asked"
            },
            message: message.into(),
            expected: expected.into(),
            observed: observed.into(),
            findings: Findings {
                summary: Finding::new(if passed {
                    Code::ContainerOk
                } else {
                    Code::ContainerNotAsAsked
                }),
                expected: Vec::new(),
                observed: Vec::new(),
            },
            terminal: false,
            recheck: false,
        }
    }
}

/// The verdict of one step.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub(crate) struct StepResult {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) passed: bool,
    pub(crate) points: u32,
    pub(crate) checks: Vec<Outcome>,
}

/// What checks need besides the snapshot: where to probe, the lab, and the learner's
/// answers.
pub(crate) struct Ctx<'a, P: Probe> {
    pub(crate) probe: &'a P,
    pub(crate) lab: &'a Lab,
    pub(crate) lang: Lang,
    pub(crate) footprint: Footprint,
    /// Unix nanoseconds: engine events before this are not the learner's work for this lab.
    pub(crate) since: i64,
    /// The learner's answers to step questions, by step id.
    pub(crate) answers: BTreeMap<String, String>,
    /// Honour `within` deadlines. Watch mode turns this off: it re-checks on every engine
    /// event anyway, and must never sit in a retry loop while keys wait.
    pub(crate) retry: bool,
}

impl<'a, P: Probe> Ctx<'a, P> {
    pub(crate) fn new(probe: &'a P, lab: &'a Lab, lang: Lang, since: i64) -> Self {
        Ctx {
            probe,
            lab,
            lang,
            footprint: lab.footprint(),
            since,
            answers: BTreeMap::new(),
            retry: true,
        }
    }

    fn needs_events(&self, step: &Step) -> bool {
        step.checks.iter().any(|c| c.kind.needs_events())
    }

    pub(crate) async fn snapshot_for(&self, step: &Step) -> Result<Snapshot, EngineError> {
        let since = self.needs_events(step).then_some(self.since);
        self.probe.snapshot(&self.footprint, since).await
    }

    /// Check several steps against one snapshot (one consistent picture, one set of engine
    /// calls); their checks all run concurrently. `check`, `grade` and watching use this.
    pub(crate) async fn check_steps(
        &self,
        steps: &[&Step],
    ) -> Result<Vec<StepResult>, EngineError> {
        let since = steps
            .iter()
            .any(|s| self.needs_events(s))
            .then_some(self.since);
        let snap = self.probe.snapshot(&self.footprint, since).await?;
        futures_util::future::try_join_all(steps.iter().map(|s| self.check_step_with(s, &snap)))
            .await
    }

    /// Check one step: one snapshot shared by its checks, which run concurrently.
    pub(crate) async fn check_step(&self, step: &Step) -> Result<StepResult, EngineError> {
        let snap = self.snapshot_for(step).await?;
        self.check_step_with(step, &snap).await
    }

    pub(crate) async fn check_step_with(
        &self,
        step: &Step,
        snap: &Snapshot,
    ) -> Result<StepResult, EngineError> {
        let outcomes = futures_util::future::try_join_all(
            step.checks.iter().map(|c| self.run_check(step, c, snap)),
        )
        .await?;
        Ok(StepResult {
            id: step.id.clone(),
            title: step.title.get(self.lang).to_owned(),
            passed: outcomes.iter().all(|o| o.passed),
            points: step.points,
            checks: outcomes,
        })
    }

    /// One check, re-read until it passes when it has a deadline.
    async fn run_check(
        &self,
        step: &Step,
        check: &Check,
        first: &Snapshot,
    ) -> Result<Outcome, EngineError> {
        let mut v = self.evaluate(&step.id, check, first).await?;
        if let Some(limit) = check.within.filter(|_| self.retry) {
            let deadline = Instant::now() + limit;
            while !v.passed && !v.terminal && Instant::now() + POLL <= deadline {
                tokio::time::sleep(POLL).await;
                let snap = self.snapshot_for(step).await?;
                v = self.evaluate(&step.id, check, &snap).await?;
            }
        }
        let mut o = Outcome::new(check.kind.name(), v, self.lang, check.fail.as_ref());
        o.recheck = check.kind.recheck_without_event();
        Ok(o)
    }

    /// One check against one snapshot, as data.
    pub(crate) async fn evaluate(
        &self,
        step_id: &str,
        check: &Check,
        snap: &Snapshot,
    ) -> Result<Verdict, EngineError> {
        check.kind.evaluate(self, step_id, snap).await
    }
}

/// Check every step of a lab (or one), each step on its own snapshot.
pub(crate) async fn check_lab(
    engine: &crate::engine::Engine,
    lab: &Lab,
    lang: Lang,
    since: i64,
    only: Option<usize>,
    answers: BTreeMap<String, String>,
) -> crate::app::Result<crate::report::LabReport> {
    let started = Instant::now();
    let mut ctx = Ctx::new(engine, lab, lang, since);
    ctx.answers = answers;
    let steps: Vec<&Step> = match only {
        Some(i) => vec![&lab.steps[i]],
        None => lab.steps.iter().collect(),
    };
    let results = ctx.check_steps(&steps).await?;
    let mut report = crate::report::LabReport::new(lab, lang, results, since);
    report.duration_ms = started.elapsed().as_millis() as u64;
    Ok(report)
}
