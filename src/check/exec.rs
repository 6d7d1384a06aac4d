//! `exec`: docklings runs a command inside a running container (marked as its own, so the
//! engine's record of it never counts as the learner's) and looks at its exit code and
//! output.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::kind::{Kind, Lint, LintCx, compile_patterns, lint_select};
use super::logs::container_vars;
use super::select::{no_match, nothing_matches, running};
use super::{Ctx, Probe, StepCx};
use crate::engine::EngineError;
use crate::lab::{Footprint, Select};
use crate::pattern::Pattern;
use crate::snapshot::Snapshot;
use crate::verdict::{Code, Finding, Value, Verdict};

/// `exec`: docklings runs a command inside a running container.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExecCheck {
    /// The running container to run it in.
    pub(crate) select: Select,
    /// The command and its arguments, as a list that no shell parses: `[cat, /etc/hostname]`.
    pub(crate) command: Vec<String>,
    /// Expected exit code (default 0).
    pub(crate) exit_code: Option<i64>,
    /// Patterns its output must satisfy.
    pub(crate) output: Option<Vec<String>>,
    /// `output`, compiled by `prepare`.
    #[serde(skip)]
    #[schemars(skip)]
    pub(crate) compiled: Vec<Pattern>,
}

impl Kind for ExecCheck {
    const NAME: &'static str = "exec";
    const EXAMPLE: Option<&'static str> = Some(
        r#"- exec:
    select: { image: diamol/ch02-hello-diamol-web }
    command: [cat, /usr/local/apache2/htdocs/index.html]
    output: ["Hello from the docklings lab!", "!Not Found"]
  fail:
    ko: "웹 컨테이너의 `index.html` 에 새 제목이 없습니다. `docker container cp` 로 파일을 다시 복사하세요."
    en: "The web container's `index.html` lacks the new heading. Copy the file in again with `docker container cp`."
"#,
    );

    fn prepare(&mut self, _: &LintCx) -> Vec<Lint> {
        let mut lints: Vec<Lint> = lint_select(&self.select, "exec.select", "select")
            .into_iter()
            .collect();
        if self.command.is_empty() {
            lints.push(Lint::at("command", "`exec.command` is empty"));
        }
        if let Some(o) = &self.output {
            self.compiled = compile_patterns(o, "exec.output", "output", &mut lints);
        }
        lints
    }

    fn footprint(&self, fp: &mut Footprint) {
        fp.add_select(&self.select);
    }

    async fn evaluate<P: Probe>(
        &self,
        cx: &Ctx<'_, P>,
        _: &StepCx<'_>,
        snap: &Snapshot,
    ) -> Result<Verdict, EngineError> {
        evaluate(cx, self, &self.compiled, snap).await
    }
}

async fn evaluate<P: Probe>(
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
