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
mod host_file;
mod http;
mod image;
mod kind;
mod logs;
mod mount;
mod network;
mod order;
mod reach;
mod registry;
mod request;
mod select;
#[cfg(test)]
pub(crate) mod tests;
mod unused;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::engine::{EngineError, ExecOutput, FileEntry, LogLine};
use crate::lab::{Check, Footprint, Lab, Lang, Step, Text};
use crate::snapshot::Snapshot;
use crate::verdict::{Finding, Verdict};

pub(crate) use file::FileType;
pub(crate) use kind::{Lint, LintCx};
pub(crate) use network::{overlaps, parse_cidr};
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
    /// Output lines since a time (Unix nanoseconds), each with when it was written.
    async fn log_lines(&self, id: &str, since: i64) -> Result<Vec<LogLine>, EngineError>;
    async fn read_file(&self, id: &str, path: &str) -> Result<Option<FileEntry>, EngineError>;
    async fn exec(&self, id: &str, cmd: &[String]) -> Result<ExecOutput, EngineError>;
}

impl Probe for crate::engine::Engine {
    async fn snapshot(&self, fp: &Footprint, since: Option<i64>) -> Result<Snapshot, EngineError> {
        crate::engine::Engine::snapshot(self, fp, since).await
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

/// The verdict of one check, in the learner's words and as data. Its doc comments are the
/// JSON report's schema (`docklings schema --report`).
#[derive(Clone, Debug, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub(crate) struct Outcome {
    /// The check's kind (`container`, `http`, ...), or `order` for a step that waits on
    /// another.
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
    /// Containers whose output a watcher follows while this check fails (see
    /// [`Verdict::follow`]).
    #[serde(skip)]
    pub(crate) follow: Vec<String>,
}

/// What a check found, as data (the `findings` of the JSON report).
#[derive(Clone, Debug, Serialize, PartialEq, Eq, schemars::JsonSchema)]
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
            follow: if v.passed { Vec::new() } else { v.follow },
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
            follow: Vec::new(),
        }
    }
}

/// The verdict of one step.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub(crate) struct StepResult {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) passed: bool,
    pub(crate) points: u32,
    /// When the learner's act that passed it happened (Unix nanoseconds; RFC 3339 in the
    /// JSON report): the moment later steps count from.
    #[serde(
        rename = "evidence_at",
        serialize_with = "serialize_time",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<String>")]
    pub(crate) at: Option<i64>,
    /// How long judging this step took, its checks' probes and `within` retries included
    /// (the snapshot they share is the lab's `duration_ms`); 0 for a step that waits on
    /// another or was already passed.
    pub(crate) duration_ms: u64,
    pub(crate) checks: Vec<Outcome>,
}

fn serialize_time<S: serde::Serializer>(at: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
    let text = at
        .and_then(|n| time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(n)).ok())
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        });
    match text {
        Some(t) => s.serialize_str(&t),
        None => s.serialize_none(),
    }
}

/// Steps already known to have passed, by id, with the time of the act that passed them
/// (Unix nanoseconds). Passes stick: a later change on the engine (the container of step 1
/// removed in step 3) never takes a step back.
pub(crate) type Passed = BTreeMap<String, i64>;

/// What checks need besides the snapshot: where to probe, the lab, the learner's answers,
/// and the passes seen so far.
pub(crate) struct Ctx<'a, P: Probe> {
    pub(crate) probe: &'a P,
    pub(crate) lab: &'a Lab,
    pub(crate) lang: Lang,
    pub(crate) footprint: Footprint,
    /// Unix nanoseconds: the lab's start. Nothing before it is the learner's work for
    /// this lab.
    pub(crate) since: i64,
    /// The learner's answers to step questions, by step id.
    pub(crate) answers: BTreeMap<String, String>,
    /// Honour `within` deadlines. Watch mode turns this off: it re-checks on every engine
    /// event anyway, and must never sit in a retry loop while keys wait.
    pub(crate) retry: bool,
    /// Passes so far. A `Ctx` that judges again and again (start, watch, selftest) keeps
    /// what it saw; `check` and `grade` begin with the passes recorded in progress.
    pub(crate) passed: std::cell::RefCell<Passed>,
    /// IDs (volumes: names) that checks of the whole engine leave out: what was there
    /// before `selftest` began, which its solutions must not touch.
    pub(crate) spare: std::collections::HashSet<String>,
    /// Checks of `sequence` steps that passed, by (step id, check index), with their
    /// outcome and time: they stay passed while this `Ctx` judges on.
    pub(crate) parts: std::cell::RefCell<BTreeMap<(String, usize), (Outcome, i64)>>,
}

/// What one step's checks count from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct StepCx<'s> {
    pub(crate) id: &'s str,
    /// Unix nanoseconds: the learner's acts before this do not count for this step.
    pub(crate) after: i64,
    /// The step whose pass set `after`; `None` when it is the lab's start.
    pub(crate) after_step: Option<&'s str>,
    /// `after` is when the previous check of this `sequence` step passed.
    pub(crate) part: bool,
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
            passed: std::cell::RefCell::new(Passed::new()),
            spare: std::collections::HashSet::new(),
            parts: std::cell::RefCell::new(BTreeMap::new()),
        }
    }

    /// Judge the whole lab, in order, against one snapshot of the engine (events since the
    /// lab's start included): see `order.rs`.
    pub(crate) async fn judge(&self) -> Result<Vec<StepResult>, EngineError> {
        let snap = self.snapshot().await?;
        self.judge_with(&snap).await
    }

    pub(crate) async fn snapshot(&self) -> Result<Snapshot, EngineError> {
        self.probe.snapshot(&self.footprint, Some(self.since)).await
    }

    /// One step's checks, concurrently, counting from `step.after`.
    async fn check_step_at(
        &self,
        step: &Step,
        at: StepCx<'_>,
        snap: &Snapshot,
    ) -> Result<StepResult, EngineError> {
        let started = Instant::now();
        let mut outcomes = if step.sequence {
            self.run_sequence(step, at, snap).await?
        } else {
            futures_util::future::try_join_all(
                step.checks.iter().map(|c| self.run_check(c, at, snap)),
            )
            .await?
        };
        event::unwitnessed(&mut outcomes, at, self.lang);
        let passed = outcomes.iter().all(|(o, _)| o.passed);
        // The step is done when its last act happened; a step of states only (a page is
        // served) adds no time of its own.
        let evidence = outcomes
            .iter()
            .filter_map(|(_, t)| *t)
            .max()
            .unwrap_or(at.after);
        Ok(StepResult {
            id: step.id.clone(),
            title: step.title.get(self.lang).to_owned(),
            passed,
            points: step.points,
            at: passed.then_some(evidence),
            duration_ms: started.elapsed().as_millis() as u64,
            checks: outcomes.into_iter().map(|(o, _)| o).collect(),
        })
    }

    /// Checks outside the steps (a lab's `needs`), once, against a snapshot of what they
    /// look at: states, so no step to count from.
    pub(crate) async fn judge_checks(&self, checks: &[Check]) -> Result<Vec<Outcome>, EngineError> {
        let mut fp = Footprint::default();
        for c in checks {
            c.kind.footprint(&mut fp);
        }
        let snap = self.probe.snapshot(&fp, None).await?;
        let at = StepCx {
            id: "needs",
            after: self.since,
            after_step: None,
            part: false,
        };
        let mut out = Vec::with_capacity(checks.len());
        for c in checks {
            out.push(self.run_check(c, at, &snap).await?.0);
        }
        Ok(out)
    }

    /// The checks of a `sequence` step, in order: each counts from the time the one before
    /// it passed; a check that passed is kept (its container may be gone by now, removed by
    /// the very act the next check looks for). A check whose predecessor has not passed
    /// yet cannot pass either: what it saw happened out of order.
    async fn run_sequence(
        &self,
        step: &Step,
        at: StepCx<'_>,
        snap: &Snapshot,
    ) -> Result<Vec<(Outcome, Option<i64>)>, EngineError> {
        let mut out = Vec::with_capacity(step.checks.len());
        let mut after = Some(at.after);
        for (k, check) in step.checks.iter().enumerate() {
            let key = (step.id.clone(), k);
            if let Some((o, t)) = self.parts.borrow().get(&key).cloned() {
                after = Some(t);
                out.push((o, Some(t)));
                continue;
            }
            let cx = StepCx {
                after: after.unwrap_or(at.after),
                part: k > 0,
                ..at
            };
            let (mut o, t) = self.run_check(check, cx, snap).await?;
            match after {
                Some(_) if o.passed => {
                    // A state has no time of its own: it holds from this judgement on.
                    let t = t
                        .unwrap_or_else(|| snap.taken_at * 1_000_000_000)
                        .max(cx.after);
                    self.parts.borrow_mut().insert(key, (o.clone(), t));
                    after = Some(t);
                    out.push((o, Some(t)));
                }
                Some(_) => {
                    after = None;
                    out.push((o, None));
                }
                None => {
                    if o.passed {
                        o.passed = false;
                        o.observed = format!(
                            "{} — {}",
                            o.observed,
                            crate::words::render(
                                &crate::verdict::Finding::new(crate::verdict::Code::SequenceEarly),
                                self.lang
                            )
                        );
                    }
                    out.push((o, None));
                }
            }
        }
        Ok(out)
    }

    /// One check, re-read until it passes when it has a deadline; with the time of the
    /// act it rests on, when the kind can tell.
    async fn run_check(
        &self,
        check: &Check,
        step: StepCx<'_>,
        first: &Snapshot,
    ) -> Result<(Outcome, Option<i64>), EngineError> {
        let mut v = check.kind.evaluate(self, &step, first).await?;
        if let Some(limit) = check.within.filter(|_| self.retry) {
            let deadline = Instant::now() + limit;
            while !v.passed && !v.terminal && Instant::now() + POLL <= deadline {
                tokio::time::sleep(POLL).await;
                let snap = self.snapshot().await?;
                v = check.kind.evaluate(self, &step, &snap).await?;
            }
        }
        let at = v.at.filter(|_| v.passed);
        let mut o = Outcome::new(check.kind.name(), v, self.lang, check.fail.as_ref());
        o.recheck = check.kind.recheck_without_event();
        Ok((o, at))
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
    *ctx.passed.borrow_mut() = recorded_passes(lab, since);
    let mut results = ctx.judge().await?;
    if let Some(i) = only {
        results = results.into_iter().skip(i).take(1).collect();
    }
    let mut report = crate::report::LabReport::new(lab, lang, results, since);
    // Only a failing report can have lost something, and only then is it worth the call.
    // With no known start (no `start`, no `--since`) the report covers "what the engine
    // remembers" by definition, so nothing is missing from it.
    if !report.passed && since > 0 {
        // Advisory: an engine that cannot say leaves the report as it is.
        report.events_forgotten = !engine.remembers_since(since).await.unwrap_or(true);
    }
    report.duration_ms = started.elapsed().as_millis() as u64;
    Ok(report)
}

/// The passes `start` and `watch` recorded for this lab, at or after `since`.
pub(crate) fn recorded_passes(lab: &Lab, since: i64) -> Passed {
    let (progress, _) = crate::progress::Store::default_location().load();
    progress
        .labs
        .get(&lab.id)
        .map(|p| {
            p.steps
                .iter()
                .filter_map(|(id, s)| Some((id.clone(), s.evidence_at?)))
                .filter(|(_, at)| *at >= since)
                .collect()
        })
        .unwrap_or_default()
}
