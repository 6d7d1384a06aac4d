//! `logs`: a container's output shows patterns, with `${container.hostname}`-style values
//! taken from the same snapshot.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::kind::{Kind, Lint, LintCx, compile_patterns, lint_select};
use super::select::{no_match, nothing_matches, select_containers};
use super::{Ctx, Probe};
use crate::engine::EngineError;
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

    fn recheck_without_event(&self) -> bool {
        true
    }

    async fn evaluate<P: Probe>(
        &self,
        cx: &Ctx<'_, P>,
        _: &str,
        snap: &Snapshot,
    ) -> Result<Verdict, EngineError> {
        evaluate(cx, self, &self.compiled, snap).await
    }
}

async fn evaluate<P: Probe>(
    cx: &Ctx<'_, P>,
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
    if matches.is_empty() {
        return Ok(Verdict::fail(
            no_match(&l.select),
            expected,
            nothing_matches(&l.select, snap),
        )
        .terminal(true));
    }
    let logs =
        futures_util::future::try_join_all(matches.iter().map(|c| cx.probe.logs(&c.id))).await?;
    let mut good = Vec::new();
    let mut bad = Vec::new();
    for (c, text) in matches.iter().zip(logs) {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let vars = container_vars(c);
        let missing: Vec<String> = pats
            .iter()
            .filter(|p| !p.matches(&text, &vars))
            .map(|p| p.display(&vars))
            .collect();
        if missing.is_empty() {
            good.push(c.name.clone());
        } else {
            bad.push(
                Finding::new(Code::LogsMissingIn)
                    .with("name", &c.name)
                    .with("missing", Value::Names(missing))
                    .with("tail", Value::Tail(text)),
            );
        }
    }
    if good.len() >= need {
        return Ok(Verdict::pass(
            Finding::new(Code::LogsOk),
            expected,
            vec![Finding::new(Code::LogsFoundIn).with("list", Value::Names(good))],
        ));
    }
    let mut observed = Vec::new();
    if !good.is_empty() {
        observed.push(
            Finding::new(Code::LogsOnlySome)
                .with("count", good.len())
                .with("need", need)
                .with("list", Value::Names(good)),
        );
    }
    observed.extend(bad.into_iter().take(3));
    // Only a running container can still print something.
    let terminal = !matches.iter().any(|c| c.is_running());
    Ok(Verdict::fail(Finding::new(Code::LogsNotYet), expected, observed).terminal(terminal))
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
