//! `file`: a path inside a container, read through the engine's archive endpoint (which
//! works on stopped containers and images without a shell).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::diff::{first_difference, same_content};
use super::kind::{Kind, Lint, LintCx, compile_patterns, lint_select};
use super::select::{no_match, nothing_matches, select_containers};
use super::{Ctx, Probe, StepCx};
use crate::engine::{EngineError, FileEntry};
use crate::lab::{Footprint, Select};
use crate::pattern::Pattern;
use crate::snapshot::{Container, Snapshot};
use crate::verdict::{Code, Finding, Value, Verdict};

/// File types the archive endpoint tells apart.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum FileType {
    File,
    Dir,
    Symlink,
}

/// `file`: a path inside a container.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileCheck {
    /// The container to look in (it may be stopped).
    pub(crate) select: Select,
    /// Absolute path inside the container.
    pub(crate) path: String,
    /// Whether it must exist (default true).
    pub(crate) exists: Option<bool>,
    /// What it must be: `file`, `dir` or `symlink`.
    #[serde(rename = "type")]
    pub(crate) file_type: Option<FileType>,
    /// Its content must equal this lab file (compared by sha256).
    pub(crate) equals: Option<String>,
    /// Patterns its content must satisfy.
    pub(crate) contains: Option<Vec<String>>,
    /// `contains`, compiled by `prepare`.
    #[serde(skip)]
    #[schemars(skip)]
    pub(crate) compiled: Vec<Pattern>,
}

impl Kind for FileCheck {
    const NAME: &'static str = "file";
    const EXAMPLE: Option<&'static str> = Some(
        r#"- file:
    select: { image: diamol/ch02-hello-diamol-web }
    path: /usr/local/apache2/htdocs/images
    type: dir
  fail:
    ko: "웹 컨테이너에 `htdocs/images` 폴더가 없습니다. `docker container exec` 로 `mkdir` 하세요."
    en: "The web container has no `htdocs/images` folder. Make it with `mkdir` through `docker container exec`."
"#,
    );

    fn prepare(&mut self, cx: &LintCx) -> Vec<Lint> {
        let mut lints: Vec<Lint> = lint_select(&self.select, "file.select", "select")
            .into_iter()
            .collect();
        if !self.path.starts_with('/') {
            lints.push(Lint::at(
                "path",
                format!("file path `{}` must be absolute", self.path),
            ));
        }
        if let Some(n) = &self.equals {
            lints.extend(cx.lab_file(n, "equals"));
        }
        if let Some(c) = &self.contains {
            self.compiled = compile_patterns(c, "file.contains", "contains", &mut lints);
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
    f: &FileCheck,
    pats: &[Pattern],
    snap: &Snapshot,
) -> Result<Verdict, EngineError> {
    let expected = expected(f, pats);
    let matches = select_containers(&f.select, snap);
    if matches.is_empty() {
        return Ok(Verdict::fail(
            no_match(&f.select),
            expected,
            nothing_matches(&f.select, snap),
        ));
    }
    let mut observations = Vec::new();
    for c in &matches {
        let entry = cx.probe.read_file(&c.id, &f.path).await?;
        let problems = problems(cx, f, pats, c, entry.as_ref());
        if problems.is_empty() {
            let v = Verdict::pass(
                Finding::new(Code::FileOk)
                    .with("path", &f.path)
                    .with("name", &c.name),
                expected,
                vec![
                    Finding::new(Code::FileAt)
                        .with("name", &c.name)
                        .with("path", &f.path),
                ],
            );
            let at = copied_in(c, snap, cx.since);
            let mut v = v.at(at);
            // An engine that records no copies (Podman) cannot date it: say so, as later
            // steps then count from this one's start, not from the copy.
            if at.is_none() && snap.gaps.unrecorded("container", "extract-to-dir") {
                v.observed
                    .push(Finding::new(Code::CopyUndated).with("engine", snap.gaps.engine));
            }
            return Ok(v);
        }
        observations.push(
            Finding::new(Code::FileProblems)
                .with("name", &c.name)
                .with("problems", Value::List(problems)),
        );
    }
    Ok(Verdict::fail(
        Finding::new(Code::FileNotAsExpected).with("path", &f.path),
        expected,
        observations,
    ))
}

/// When the learner last copied something into the container (`docker cp` makes the
/// engine log `extract-to-dir`): the moment the file became what it is, as far as the
/// engine can tell, and what later steps count from (browsing before the copy saw the old
/// page). A file changed another way (a shell inside) leaves no such record: the step then
/// adds no time of its own.
fn copied_in(c: &Container, snap: &Snapshot, since: i64) -> Option<i64> {
    snap.events
        .iter()
        .filter(|e| e.kind == "container" && e.actor_id == c.id && e.verb() == "extract-to-dir")
        .map(|e| e.time_nano)
        .filter(|t| *t >= since)
        .max()
}

fn expected(f: &FileCheck, pats: &[Pattern]) -> Vec<Finding> {
    let path = &f.path;
    let mut e = vec![if f.exists.unwrap_or(true) {
        Finding::new(Code::ExpectFileExists).with("path", path)
    } else {
        Finding::new(Code::ExpectFileAbsent).with("path", path)
    }];
    if let Some(t) = f.file_type {
        e.push(Finding::new(Code::ExpectFileKind).with("kind", t));
    }
    if let Some(n) = &f.equals {
        e.push(Finding::new(Code::ExpectFileEqualsLab).with("name", n));
    }
    for p in pats {
        e.push(Finding::new(Code::ExpectFileContains).with("pattern", &p.source));
    }
    e
}

/// What is wrong with the file in one container.
fn problems<P: Probe>(
    cx: &Ctx<'_, P>,
    f: &FileCheck,
    pats: &[Pattern],
    c: &Container,
    entry: Option<&FileEntry>,
) -> Vec<Finding> {
    let path = &f.path;
    let mut problems = Vec::new();
    match (entry, f.exists.unwrap_or(true)) {
        (None, true) => problems.push(Finding::new(Code::FileMissing).with("path", path)),
        (Some(_), false) => problems.push(Finding::new(Code::FilePresent).with("path", path)),
        _ => {}
    }
    let Some(e) = entry else {
        return problems;
    };
    if let Some(t) = f.file_type
        && e.kind != t
    {
        problems.push(Finding::new(Code::FileKindIs).with("kind", e.kind));
    }
    if let Some(n) = &f.equals
        && let Some(want) = cx.lab.files.get(n)
        && !same_content(want, &e.content)
    {
        problems.push(
            Finding::new(Code::FileDiffersLab)
                .with("name", n)
                .with("diff", first_difference(want, &e.content)),
        );
    }
    let text = String::from_utf8_lossy(&e.content);
    let vars = super::logs::container_vars(c);
    for p in pats {
        if !p.matches(&text, &vars) {
            problems.push(Finding::new(Code::FileLacks).with("pattern", &p.source));
        }
    }
    problems
}
