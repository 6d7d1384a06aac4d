//! `exec`: docklings runs a command inside a running container (marked as its own, so the
//! engine's record of it never counts as the learner's) and looks at its exit code and
//! output.

use super::logs::container_vars;
use super::select::{no_match, nothing_matches, running};
use super::{Ctx, Probe};
use crate::engine::EngineError;
use crate::lab::ExecCheck;
use crate::pattern::Pattern;
use crate::snapshot::Snapshot;
use crate::verdict::{Code, Finding, Value, Verdict};

pub(super) async fn evaluate<P: Probe>(
    cx: &Ctx<'_, P>,
    e: &ExecCheck,
    pats: &[Pattern],
    snap: &Snapshot,
) -> Result<Verdict, EngineError> {
    let want = e.exit_code.unwrap_or(0);
    let command = e.command.join(" ");
    let expected = vec![if pats.is_empty() {
        Finding::new(Code::ExpectExec)
            .with("command", command)
            .with("code", want)
    } else {
        Finding::new(Code::ExpectExecPrints)
            .with("command", command)
            .with("code", want)
            .with(
                "shows",
                Value::Names(pats.iter().map(|p| p.source.clone()).collect()),
            )
    }];
    let Some(c) = running(&e.select, snap).into_iter().next() else {
        return Ok(Verdict::fail(
            no_match(&e.select),
            expected,
            nothing_matches(&e.select, snap),
        ));
    };
    let out = cx.probe.exec(&c.id, &e.command).await?;
    let vars = container_vars(c);
    let mut problems = Vec::new();
    if out.exit_code != Some(want) {
        problems.push(match out.exit_code {
            Some(code) => Finding::new(Code::ExecExit).with("code", code),
            None => Finding::new(Code::ExecExitUnknown),
        });
    }
    for p in pats {
        if !p.matches(&out.output, &vars) {
            problems.push(Finding::new(Code::ExecLacks).with("pattern", p.display(&vars)));
        }
    }
    if problems.is_empty() {
        return Ok(Verdict::pass(
            Finding::new(Code::ExecOk),
            expected,
            vec![
                Finding::new(Code::ExecExited)
                    .with("name", &c.name)
                    .with("code", want),
            ],
        ));
    }
    Ok(Verdict::fail(
        Finding::new(Code::ExecNotAsExpected),
        expected,
        vec![
            Finding::new(Code::ExecProblems)
                .with("name", &c.name)
                .with("problems", Value::List(problems))
                .with("output", Value::Excerpt(out.output)),
        ],
    ))
}
