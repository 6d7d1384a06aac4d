//! `logs`: a container's output shows patterns, with `${container.hostname}`-style values
//! taken from the same snapshot.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::kind::{Kind, Lint, LintCx, compile_patterns, lint_select};
use super::select::{no_match, nothing_matches, ran_and_gone, select_containers};
use super::{Ctx, Probe, StepCx};
use crate::engine::{EngineError, LogLine};
use crate::lab::{Footprint, Select};
use crate::pattern::{Pattern, Vars};
use crate::snapshot::{Container, Snapshot};
use crate::verdict::{Code, Finding, Value, Verdict};

/// `logs`: a container's output.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct LogsCheck {
    /// The containers whose output is read.
    pub(crate) select: Select,
    /// Patterns; `${container.hostname}`, `${container.name}` and `${container.id}` are
    /// replaced by that container's values.
    pub(crate) patterns: Vec<String>,
    /// How many containers' logs must match (default 1).
    pub(crate) at_least: Option<u32>,
    /// `patterns`, compiled by `prepare`.
    #[serde(skip)]
    #[schemars(skip)]
    pub(crate) compiled: Vec<Pattern>,
}

impl Kind for LogsCheck {
    const NAME: &'static str = "logs";

    fn prepare(&mut self, _: &LintCx) -> Vec<Lint> {
        let mut lints: Vec<Lint> = lint_select(&self.select, "logs.select", "select")
            .into_iter()
            .collect();
        self.compiled = compile_patterns(&self.patterns, "logs.patterns", "patterns", &mut lints);
        lints
    }

    fn footprint(&self, fp: &mut Footprint) {
        fp.add_select(&self.select);
    }

    // What a container prints is no engine event: a failing verdict names the running
    // containers whose output a watcher follows (`Verdict::following`), so no timer.

    async fn evaluate<P: Probe>(
        &self,
        cx: &Ctx<'_, P>,
        step: &StepCx<'_>,
        snap: &Snapshot,
    ) -> Result<Verdict, EngineError> {
        evaluate(cx, step, self, &self.compiled, snap).await
    }
}

async fn evaluate<P: Probe>(
    cx: &Ctx<'_, P>,
    step: &StepCx<'_>,
    l: &LogsCheck,
    pats: &[Pattern],
    snap: &Snapshot,
) -> Result<Verdict, EngineError> {
    let need = l.at_least.unwrap_or(1) as usize;
    // Placeholders stay as written; `words` reads them as "<its own hostname>".
    let shows = Value::Patterns(pats.iter().map(|p| p.display(&Vars::new())).collect());
    let expected = vec![if need > 1 {
        Finding::new(Code::ExpectLogsMany)
            .with("need", need)
            .with("sel", &l.select)
            .with("shows", shows)
    } else {
        Finding::new(Code::ExpectLogs)
            .with("sel", &l.select)
            .with("shows", shows)
    }];
    let matches = select_containers(&l.select, snap);
    // Containers run with `--rm` (or removed since) took their output with them; that
    // they ran, and exited 0, after the step this one follows is still on record.
    let gone = ran_and_gone(&l.select, snap, step.after);
    if matches.is_empty() && gone.is_empty() {
        return Ok(Verdict::fail(
            no_match(&l.select),
            expected,
            nothing_matches(&l.select, snap),
        )
        .terminal(true));
    }
    let logs = futures_util::future::try_join_all(
        matches
            .iter()
            .map(|c| cx.probe.log_lines(&c.id, step.after)),
    )
    .await?;
    let mut good: Vec<(String, i64)> = Vec::new();
    let mut bad = Vec::new();
    for (c, lines) in matches.iter().zip(logs) {
        let vars = container_vars(c);
        match first_match(&lines, pats, &vars) {
            Some(at) => good.push((c.name.clone(), at)),
            None => {
                let text = joined(&lines);
                let missing: Vec<String> = pats
                    .iter()
                    .filter(|p| !p.matches(&text, &vars))
                    .map(|p| p.display(&vars))
                    .collect();
                bad.push(
                    Finding::new(Code::LogsMissingIn)
                        .with("name", &c.name)
                        .with("missing", Value::Names(missing))
                        .with("tail", Value::Tail(text)),
                );
            }
        }
    }
    let mut found: Vec<Finding> = good
        .iter()
        .map(|(n, _)| Finding::new(Code::Named).with("name", n.as_str()))
        .collect();
    for g in gone.iter().filter(|g| g.exit_code == Some(0)) {
        good.push((g.name.clone(), g.at));
        found.push(
            Finding::new(Code::LogsGone)
                .with("name", &g.name)
                .with("time", Value::Clock(g.at)),
        );
    }
    if good.len() >= need {
        let mut times: Vec<i64> = good.iter().map(|(_, t)| *t).collect();
        times.sort_unstable();
        // The step is done when the `need`-th container showed it.
        let at = times[need.max(1) - 1];
        return Ok(Verdict::pass(
            Finding::new(Code::LogsOk),
            expected,
            vec![Finding::new(Code::LogsFoundIn).with("list", Value::List(found))],
        )
        .at(at));
    }
    let mut observed = Vec::new();
    if !good.is_empty() {
        observed.push(
            Finding::new(Code::LogsOnlySome)
                .with("count", good.len())
                .with("need", need)
                .with("list", Value::List(found)),
        );
    }
    observed.extend(bad.into_iter().take(3));
    // Only a running container can still print something.
    let terminal = !matches.iter().any(|c| c.is_running());
    let running = matches
        .iter()
        .filter(|c| c.is_running())
        .map(|c| c.id.clone());
    Ok(
        Verdict::fail(Finding::new(Code::LogsNotYet), expected, observed)
            .terminal(terminal)
            .following(running),
    )
}

/// The output as one text, line ends made plain.
fn joined(lines: &[LogLine]) -> String {
    lines
        .iter()
        .map(|l| l.text.trim_end_matches('\r'))
        .collect::<Vec<_>>()
        .join("\n")
}

/// When the output first showed every pattern: the time of the line that completed it.
fn first_match(lines: &[LogLine], pats: &[Pattern], vars: &Vars) -> Option<i64> {
    let full = joined(lines);
    if !pats.iter().all(|p| p.matches(&full, vars)) {
        return None;
    }
    // Negative patterns hold for the whole output; the positive ones are found in order.
    let mut text = String::new();
    for l in lines {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(l.text.trim_end_matches('\r'));
        if pats.iter().all(|p| p.matches(&text, vars)) {
            return Some(l.at);
        }
    }
    lines.last().map(|l| l.at)
}

/// The values a pattern may refer to, from one container.
pub(super) fn container_vars(c: &Container) -> Vars {
    let mut v = Vars::new();
    v.insert("container.hostname".to_owned(), c.hostname.clone());
    v.insert("container.name".to_owned(), c.name.clone());
    v.insert("container.id".to_owned(), c.id.clone());
    v.insert("container.short_id".to_owned(), c.short_id().to_owned());
    v
}
