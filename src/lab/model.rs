//! The validated lab that every later stage reads, and the error type that locates a
//! problem in the file it came from. Nothing here parses: `load` builds these only after
//! every lint passed, so a `Lab` in hand is always one that can be run.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;
use serde_saphyr::Spanned;

use super::file::{Action, Challenge};
use super::text::Text;
use crate::check::CheckKind;

/// Where something was written: used for every error we report about a lab.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Pos {
    pub(crate) line: u64,
    pub(crate) col: u64,
}

impl Pos {
    pub(super) fn of<T>(s: &Spanned<T>) -> Pos {
        Pos {
            line: s.referenced.line(),
            col: s.referenced.column(),
        }
    }
}

/// One problem in a lab file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct LabError {
    pub(crate) path: PathBuf,
    pub(crate) pos: Option<Pos>,
    pub(crate) message: String,
}

impl fmt::Display for LabError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match &self.pos {
            Some(p) => write!(
                f,
                "{}:{}:{}: {}",
                self.path.display(),
                p.line,
                p.col,
                self.message
            ),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

/// A validated lab, ready for every later stage.
#[derive(Clone, Debug)]
pub(crate) struct Lab {
    pub(crate) id: String,
    pub(crate) chapter: String,
    pub(crate) title: Text,
    pub(crate) intro: Option<Text>,
    pub(crate) images: Vec<String>,
    /// name in workspace → content.
    pub(crate) files: BTreeMap<String, Vec<u8>>,
    pub(crate) steps: Vec<Step>,
    /// What must be there before the first step (`needs:`).
    pub(crate) needs: Option<Needs>,
    /// Where it was loaded from (for messages).
    pub(crate) source: PathBuf,
}

/// One validated step: the file's `StepFile` with its checks resolved.
#[derive(Clone, Debug)]
pub(crate) struct Step {
    pub(crate) id: String,
    pub(crate) title: Text,
    pub(crate) body: Text,
    pub(crate) points: u32,
    pub(crate) hints: Vec<Text>,
    pub(crate) solution: Vec<Action>,
    pub(crate) checks: Vec<Check>,
    /// The index of the step this one follows (`after:`); `None`: the lab's start.
    pub(crate) follows: Option<usize>,
    /// A challenge step: its solution is shown, with why it works, once it passes.
    pub(crate) challenge: Option<Challenge>,
    /// Its checks are acts in order (`sequence: true`).
    pub(crate) sequence: bool,
    /// The line of the lab file where the step is written (its `id:`), so reports can point
    /// at it (JUnit annotations).
    pub(crate) line: u64,
}

/// A lab's prior state: what must hold before its first step, and how to make it.
#[derive(Clone, Debug)]
pub(crate) struct Needs {
    pub(crate) body: Text,
    pub(crate) solution: Vec<Action>,
    pub(crate) checks: Vec<Check>,
}

impl Step {
    /// Is the reference solution the learner's to see now? For a challenge step, once it
    /// passed; for any step, once they asked for it.
    pub(crate) fn solution_open(&self, passed: bool, asked: bool) -> bool {
        asked || (passed && self.challenge.is_some())
    }

    /// The step's question, if it asks one.
    pub(crate) fn question(&self) -> Option<&Text> {
        self.checks.iter().find_map(|c| match &c.kind {
            CheckKind::Answer(a) => Some(&a.question),
            _ => None,
        })
    }
}

impl Lab {
    /// A step by its number as the learner sees it (from 1) or by its id.
    pub(crate) fn step(&self, key: &str) -> Option<(usize, &Step)> {
        if let Ok(n) = key.parse::<usize>() {
            return self.steps.get(n.checked_sub(1)?).map(|s| (n - 1, s));
        }
        self.steps.iter().enumerate().find(|(_, s)| s.id == key)
    }
}

/// A check with its kind resolved and its patterns compiled.
#[derive(Clone, Debug)]
pub(crate) struct Check {
    pub(crate) kind: CheckKind,
    pub(crate) fail: Option<Text>,
    pub(crate) within: Option<Duration>,
}
