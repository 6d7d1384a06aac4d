//! `absent`: no container, running or stopped, matches the selector (after `--rm` or
//! `rm --force`).

use super::container::named_states;
use super::select::select_containers;
use crate::lab::Select;
use crate::snapshot::Snapshot;
use crate::verdict::{Code, Finding, Verdict};

pub(super) fn evaluate(s: &Select, snap: &Snapshot) -> Verdict {
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
