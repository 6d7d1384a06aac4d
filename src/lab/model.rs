//! The validated lab that every later stage reads, and the error type that locates a
//! problem in the file it came from. Nothing here parses: `load` builds these only after
//! every lint passed, so a `Lab` in hand is always one that can be run.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::Serialize;
use serde_saphyr::Spanned;

use super::checks::{Check, CheckKind};
use super::file::Action;
use super::text::Text;

/// Where something was written: used for every error we report about a lab.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Pos {
    pub line: u64,
    pub col: u64,
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
pub struct LabError {
    pub path: PathBuf,
    pub pos: Option<Pos>,
    pub message: String,
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
pub struct Lab {
    pub id: String,
    pub chapter: String,
    pub title: Text,
    pub intro: Option<Text>,
    pub images: Vec<String>,
    /// name in workspace → content.
    pub files: BTreeMap<String, Vec<u8>>,
    pub steps: Vec<Step>,
    /// Where it was loaded from (for messages).
    pub source: PathBuf,
}

/// One validated step: the file's `StepFile` with its checks resolved.
#[derive(Clone, Debug)]
pub struct Step {
    pub id: String,
    pub title: Text,
    pub body: Text,
    pub points: u32,
    pub hints: Vec<Text>,
    pub solution: Vec<Action>,
    pub checks: Vec<Check>,
}

impl Step {
    /// The step's question, if it asks one.
    pub fn question(&self) -> Option<&Text> {
        self.checks.iter().find_map(|c| match &c.kind {
            CheckKind::Answer(a) => Some(&a.question),
            _ => None,
        })
    }
}

impl Lab {
    /// A step by its number as the learner sees it (from 1) or by its id.
    pub fn step(&self, key: &str) -> Option<(usize, &Step)> {
        if let Ok(n) = key.parse::<usize>() {
            return self.steps.get(n.checked_sub(1)?).map(|s| (n - 1, s));
        }
        self.steps.iter().enumerate().find(|(_, s)| s.id == key)
    }
}
