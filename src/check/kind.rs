//! What every check kind provides, as one trait: how it is declared in a lab file (its
//! serde struct, whose `///` docs become the schema and the book's authoring guide), its
//! lints, what it looks at on the engine (its footprint), when it must be re-checked, and
//! its evaluation into a [`Verdict`]. `registry.rs` lists the kinds, one line each.

use std::collections::BTreeMap;

use super::{Ctx, Probe, StepCx};
use crate::engine::EngineError;
use crate::lab::{Footprint, Select};
use crate::pattern::Pattern;
use crate::snapshot::Snapshot;
use crate::verdict::{Code, Finding, Value, Verdict};

/// One check kind.
#[allow(async_fn_in_trait)]
pub(crate) trait Kind {
    /// Its key in a lab file (`container:`), and its name in reports.
    const NAME: &'static str;

    /// A check of this kind as a lab file writes it, for the authoring guide when no
    /// bundled lab uses the kind (or to show another use of it).
    const EXAMPLE: Option<&'static str> = None;

    /// Lints beyond the schema, after loading; a kind with patterns compiles them here.
    fn prepare(&mut self, cx: &LintCx) -> Vec<Lint>;

    /// The images, names, networks and ports it looks at (what `selftest` refuses to run
    /// over and what `reset` may remove).
    fn footprint(&self, fp: &mut Footprint);

    /// Its verdict can change with no engine event and no output to follow (a server
    /// starting to answer), so a watcher re-checks it on a timer. Kinds that wait for a
    /// container to print something say so with `Verdict::following` instead, which costs
    /// nothing while nothing is printed.
    fn recheck_without_event(&self) -> bool {
        false
    }

    async fn evaluate<P: Probe>(
        &self,
        cx: &Ctx<'_, P>,
        step: &StepCx<'_>,
        snap: &Snapshot,
    ) -> Result<Verdict, EngineError>;
}

impl StepCx<'_> {
    /// "that act was before the step it follows passed": why an act does not count.
    pub(crate) fn too_early(&self, act: Finding, time: i64) -> Finding {
        if self.part {
            return Finding::new(Code::ActBeforePart)
                .with("act", act)
                .with("time", Value::Clock(time))
                .with("after", Value::Clock(self.after));
        }
        match self.after_step {
            Some(step) => Finding::new(Code::ActBefore)
                .with("act", act)
                .with("time", Value::Clock(time))
                .with("step", step)
                .with("after", Value::Clock(self.after)),
            None => Finding::new(Code::ActBeforeStart)
                .with("act", act)
                .with("time", Value::Clock(time)),
        }
    }
}

/// What lints may consult besides the check itself.
pub(crate) struct LintCx<'a> {
    /// The lab's workspace files, by name.
    pub(crate) files: &'a BTreeMap<String, Vec<u8>>,
}

/// One problem in a check, at a field of it when there is one (so `validate` points at
/// the line of that field, not at the start of the check).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Lint {
    pub(crate) field: Option<&'static str>,
    pub(crate) message: String,
}

impl Lint {
    pub(crate) fn at(field: &'static str, message: impl Into<String>) -> Lint {
        Lint {
            field: Some(field),
            message: message.into(),
        }
    }

    pub(crate) fn whole(message: impl Into<String>) -> Lint {
        Lint {
            field: None,
            message: message.into(),
        }
    }
}

impl LintCx<'_> {
    /// A lab file a check compares with must be one of the lab's `files`.
    pub(crate) fn lab_file(&self, name: &str, field: &'static str) -> Option<Lint> {
        (!self.files.contains_key(name)).then(|| {
            Lint::at(
                field,
                format!(
                    "`{name}` is not one of the lab's `files` ({})",
                    self.files.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            )
        })
    }
}

/// An empty selector would match every container on the engine.
pub(crate) fn lint_select(s: &Select, what: &str, field: &'static str) -> Option<Lint> {
    (*s == Select::default()).then(|| {
        Lint::at(
            field,
            format!("`{what}` is empty: name an `image`, `name`, `network` or `label`"),
        )
    })
}

/// The values a pattern may name, filled in from the container it is matched against
/// (see `logs::container_vars`).
pub(crate) const PLACEHOLDERS: &[&str] = &[
    "container.hostname",
    "container.name",
    "container.id",
    "container.short_id",
];

/// Compile patterns; an empty list asserts nothing and a misspelt placeholder would never
/// match, so both are refused.
pub(crate) fn compile_patterns(
    list: &[String],
    what: &str,
    field: &'static str,
    lints: &mut Vec<Lint>,
) -> Vec<Pattern> {
    if list.is_empty() {
        lints.push(Lint::at(
            field,
            format!("`{what}` is an empty list: it asserts nothing"),
        ));
    }
    list.iter()
        .filter_map(|p| match Pattern::parse(p) {
            Ok(p) => {
                for name in p.placeholders() {
                    if !PLACEHOLDERS.contains(&name.as_str()) {
                        lints.push(Lint::at(
                            field,
                            format!(
                                "`{what}`: `${{{name}}}` is not a value docklings knows; use one of {}",
                                PLACEHOLDERS
                                    .iter()
                                    .map(|p| format!("`${{{p}}}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        ));
                    }
                }
                Some(p)
            }
            Err(m) => {
                lints.push(Lint::at(field, format!("`{what}`: {m}")));
                None
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_placeholders_are_refused() {
        let mut lints = Vec::new();
        let pats = compile_patterns(
            &[
                "${container.hostname}".into(),
                "${container.hostnme}".into(),
            ],
            "logs.patterns",
            "patterns",
            &mut lints,
        );
        assert_eq!(pats.len(), 2);
        assert_eq!(lints.len(), 1);
        assert!(
            lints[0].message.contains("`${container.hostnme}`"),
            "{lints:?}"
        );
    }
}
