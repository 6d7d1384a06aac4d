//! The lab-level lints: what a parsed lab file may still get wrong (ids, workspace files,
//! image references, steps that could pass by doing nothing, solutions that cannot run).
//! Each check kind's own lints live with the kind, in `checks`.
//!
//! Every problem is collected, in the order of the file, so an author fixes them all in
//! one round instead of one per `validate`.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde_saphyr::Spanned;

use super::FORMAT_VERSION;
use super::catalog::{LabSource, is_contained};
use super::file::{Action, Challenge, LabFile, StepFile};
use super::model::{Check, Lab, LabError, Pos, Step};
use super::text::Lang;
use crate::check::{CheckSpec, Lint, LintCx};

/// The problems found so far in one lab file.
struct Problems<'a> {
    path: &'a Path,
    /// The file's text, to find the line of a field inside a check.
    text: &'a str,
    errs: Vec<LabError>,
}

impl Problems<'_> {
    fn at(&mut self, pos: Option<Pos>, message: String) {
        self.errs.push(LabError {
            path: self.path.to_path_buf(),
            pos,
            message,
        });
    }
}

/// Turn a parsed file into a `Lab`, or report every problem in it.
pub(super) fn lint(f: LabFile, src: &LabSource) -> Result<Lab, Vec<LabError>> {
    let mut p = Problems {
        path: &src.path,
        text: src.text.as_deref().unwrap_or_default(),
        errs: Vec::new(),
    };
    lint_header(&f, &mut p);
    let files = read_files(&f.files, src, &mut p);
    lint_images(&f.images, &mut p);
    if f.steps.is_empty() {
        p.at(None, "a lab needs at least one step".into());
    }
    let mut seen = HashSet::new();
    let mut ids: Vec<String> = Vec::new();
    let mut steps: Vec<Step> = Vec::new();
    for s in f.steps {
        let follows = resolve_after(s.after.as_ref(), &ids, &mut p);
        ids.push(s.id.value.clone());
        let mut step = lint_step(s, &files, &mut seen, &mut p);
        step.follows = follows;
        steps.push(step);
    }
    let needs = f.needs.map(|n| lint_needs(n, &files, &mut p));
    lint_sessions(&steps, &mut p);
    if !p.errs.is_empty() {
        return Err(p.errs);
    }
    Ok(Lab {
        id: f.id.value,
        chapter: f.chapter,
        title: f.title,
        intro: f.intro,
        images: f.images.into_iter().map(|i| i.value).collect(),
        files,
        steps,
        needs,
        source: src.path.clone(),
    })
}

/// `needs:` has checks (or it needs nothing) and a solution (or selftest cannot make it).
fn lint_needs(
    n: super::file::NeedsFile,
    files: &BTreeMap<String, Vec<u8>>,
    p: &mut Problems,
) -> super::model::Needs {
    if n.checks.is_empty() {
        p.at(
            None,
            "`needs` has no checks: say what must hold before the first step".into(),
        );
    }
    if n.solution.is_empty() {
        p.at(
            None,
            "`needs` has no solution: selftest cannot make what the lab needs".into(),
        );
    }
    let checks = lint_checks(&n.checks, files, p);
    lint_solution(&n.solution, p);
    super::model::Needs {
        body: n.body,
        solution: n.solution.into_iter().map(|a| a.value).collect(),
        checks,
    }
}

fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
}

fn lint_header(f: &LabFile, p: &mut Problems) {
    if f.format_version.value != FORMAT_VERSION {
        p.at(
            Some(Pos::of(&f.format_version)),
            format!(
                "format_version {} is not supported: this docklings reads format_version {FORMAT_VERSION}",
                f.format_version.value
            ),
        );
    }
    if !valid_id(&f.id.value) {
        p.at(
            Some(Pos::of(&f.id)),
            format!(
                "lab id `{}` must be lowercase letters, digits and `-`",
                f.id.value
            ),
        );
    }
}

/// Read the files handed to the learner, refusing any path that leaves the lab's folder:
/// a lab from elsewhere must not be able to hand out `~/.ssh/id_ed25519`.
fn read_files(
    wanted: &BTreeMap<String, Spanned<String>>,
    src: &LabSource,
    p: &mut Problems,
) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for (name, rel) in wanted {
        if !is_contained(name) {
            p.at(
                Some(Pos::of(rel)),
                format!("workspace file name `{name}` must be a relative path without `..`"),
            );
            continue;
        }
        if !is_contained(&rel.value) {
            p.at(
                Some(Pos::of(rel)),
                format!(
                    "`{}` must be a path inside the lab's folder (relative, without `..`)",
                    rel.value
                ),
            );
            continue;
        }
        match src.files.read(&rel.value) {
            Ok(bytes) => {
                files.insert(name.clone(), bytes);
            }
            Err(m) => p.at(Some(Pos::of(rel)), m),
        }
    }
    files
}

fn lint_images(images: &[Spanned<String>], p: &mut Problems) {
    for img in images {
        if img.value.trim().is_empty() || img.value.contains(char::is_whitespace) {
            p.at(
                Some(Pos::of(img)),
                format!("`{}` is not an image reference", img.value),
            );
        }
    }
}

/// One step: its id (unique in the lab), that it has checks and a solution, then each
/// check and the solution's commands. `seen` holds the ids of the steps before it.
fn lint_step(
    s: StepFile,
    files: &BTreeMap<String, Vec<u8>>,
    seen: &mut HashSet<String>,
    p: &mut Problems,
) -> Step {
    if !valid_id(&s.id.value) {
        p.at(
            Some(Pos::of(&s.id)),
            format!(
                "step id `{}` must be lowercase letters, digits and `-`",
                s.id.value
            ),
        );
    }
    if !seen.insert(s.id.value.clone()) {
        p.at(
            Some(Pos::of(&s.id)),
            format!("step id `{}` is used twice in this lab", s.id.value),
        );
    }
    if s.checks.is_empty() {
        p.at(
            Some(Pos::of(&s.id)),
            format!(
                "step `{}` has no checks: it would pass by doing nothing",
                s.id.value
            ),
        );
    }
    if s.solution.is_empty() {
        p.at(
            Some(Pos::of(&s.id)),
            format!(
                "step `{}` has no solution: selftest cannot prove it can be done",
                s.id.value
            ),
        );
    }
    let checks = lint_checks(&s.checks, files, p);
    lint_solution(&s.solution, p);
    if let Some(c) = &s.challenge {
        lint_challenge(c, &s, p);
    }
    if s.sequence && s.checks.len() < 2 {
        p.at(
            Some(Pos::of(&s.id)),
            format!(
                "step `{}` has `sequence: true` with fewer than 2 checks: there is no order to keep",
                s.id.value
            ),
        );
    }
    Step {
        line: Pos::of(&s.id).line,
        id: s.id.value,
        title: s.title,
        body: s.body,
        points: s.points,
        hints: s.hints,
        solution: s.solution.into_iter().map(|a| a.value).collect(),
        checks,
        follows: None,
        challenge: s.challenge.map(|c| c.value),
        sequence: s.sequence,
    }
}

/// A challenge asks the learner to find the command: the body must not give it away, the
/// hints must lead to it, and the docs link must be one a learner can open.
fn lint_challenge(c: &Spanned<Challenge>, s: &StepFile, p: &mut Problems) {
    if !c.value.docs.starts_with("https://") {
        p.at(
            Some(Pos::of(c)),
            format!(
                "`challenge.docs` must be an https URL, not `{}`",
                c.value.docs
            ),
        );
    }
    if s.hints.len() < 2 {
        p.at(
            Some(Pos::of(c)),
            format!(
                "challenge step `{}` needs at least 2 hints, from a nudge to the command",
                s.id.value
            ),
        );
    }
    for a in &s.solution {
        let command = match &a.value {
            Action::Run(c) | Action::Tty { command: c, .. } => c.trim(),
            _ => continue,
        };
        // A plain body reads the same in both languages: one problem, not two.
        let langs: &[Lang] = if s.body.get(Lang::Ko) == s.body.get(Lang::En) {
            &[Lang::En]
        } else {
            &[Lang::Ko, Lang::En]
        };
        for &lang in langs {
            if !command.is_empty() && s.body.get(lang).contains(command) {
                p.at(
                    Some(Pos::of(a)),
                    format!(
                        "challenge step `{}` gives its solution away: the {} body contains `{command}`",
                        s.id.value,
                        match lang {
                            Lang::Ko => "Korean",
                            Lang::En => "English",
                        }
                    ),
                );
            }
        }
    }
}

/// Which step a step follows: `after:` names an earlier step or `start`; by default the
/// previous step (the first step follows the start).
fn resolve_after(
    after: Option<&Spanned<String>>,
    earlier: &[String],
    p: &mut Problems,
) -> Option<usize> {
    let previous = earlier.len().checked_sub(1);
    let Some(a) = after else {
        return previous;
    };
    if a.value == "start" {
        return None;
    }
    match earlier.iter().position(|id| *id == a.value) {
        Some(i) => Some(i),
        None => {
            p.at(
                Some(Pos::of(a)),
                format!(
                    "`after: {}` names no earlier step: a step follows one before it ({}) or `start`",
                    a.value,
                    if earlier.is_empty() {
                        "there is none".to_owned()
                    } else {
                        earlier
                            .iter()
                            .map(|e| format!("`{e}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                ),
            );
            previous
        }
    }
}

/// Resolve each check to its kind; a problem is reported at the field it is about (the
/// check's own line when it is about the check as a whole).
fn lint_checks(
    specs: &[Spanned<CheckSpec>],
    files: &BTreeMap<String, Vec<u8>>,
    p: &mut Problems,
) -> Vec<Check> {
    let cx = LintCx { files };
    let mut checks = Vec::new();
    for (i, c) in specs.iter().enumerate() {
        match c.value.resolve(&cx) {
            Ok(kind) => checks.push(Check {
                kind,
                fail: c.value.fail.clone(),
                within: c.value.within.map(|w| w.0),
            }),
            Err(lints) => {
                let start = Pos::of(c);
                // A check's fields lie between its own line and the next check's.
                let end = specs.get(i + 1).map(|n| Pos::of(n).line);
                for Lint { field, message } in lints {
                    let pos = field
                        .and_then(|f| field_pos(p.text, &start, end, f))
                        .unwrap_or(start.clone());
                    p.at(Some(pos), message);
                }
            }
        }
    }
    checks
}

/// Where `field:` is written inside a check that starts at `start` (and ends before line
/// `end`), in block (`url: ...`) or flow (`{ url: ... }`) style.
fn field_pos(text: &str, start: &Pos, end: Option<u64>, field: &str) -> Option<Pos> {
    let key = format!("{field}:");
    text.lines()
        .enumerate()
        .skip(start.line.saturating_sub(1) as usize)
        .take_while(|(i, _)| end.is_none_or(|e| (*i as u64) + 1 < e))
        .find_map(|(i, line)| {
            let mut from = 0;
            while let Some(at) = line[from..].find(&key).map(|a| a + from) {
                let before = line[..at].chars().next_back();
                if before.is_none_or(|c| c == ' ' || c == '{' || c == ',' || c == '-') {
                    return Some(Pos {
                        line: i as u64 + 1,
                        col: line[..at].chars().count() as u64 + 1,
                    });
                }
                from = at + key.len();
            }
            None
        })
}

fn lint_solution(solution: &[Spanned<Action>], p: &mut Problems) {
    for a in solution {
        if let Action::Run(cmd) | Action::Tty { command: cmd, .. } | Action::Answer(cmd) = &a.value
            && cmd.trim().is_empty()
        {
            p.at(Some(Pos::of(a)), "an empty command".into());
        }
    }
}

/// A `send` must go to a session that an earlier `tty` opened, in this or an earlier step:
/// sessions stay open across steps, as a learner's second terminal does.
fn lint_sessions(steps: &[Step], p: &mut Problems) {
    let mut open = HashSet::new();
    for s in steps {
        for a in &s.solution {
            match a {
                Action::Tty { session, .. } => {
                    open.insert(session.clone());
                }
                Action::Send { session, .. } if !open.contains(session) => p.at(
                    None,
                    format!(
                        "step `{}`: `send` to session `{session}`, which no earlier `tty` action opened",
                        s.id
                    ),
                ),
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::load::load;
    use super::super::load::tests::{MINIMAL, first_err, src};

    /// The line of `text` an error points at.
    fn line_of<'t>(text: &'t str, e: &crate::lab::LabError) -> Option<&'t str> {
        text.lines()
            .nth(e.pos.as_ref().expect("a position").line as usize - 1)
    }

    /// The minimal lab with its one check replaced by `checks` (YAML list items).
    fn with_checks(checks: &str) -> String {
        MINIMAL.replace(
            "      - container:\n          select: { image: x }\n          state: exited\n",
            checks,
        )
    }

    #[test]
    fn semantic_lints_report_every_problem() {
        let text = with_checks(
            "      - http: { url: \"http://example.com/\", body: [] }\n      - logs: { select: {}, patterns: [\"/(/\"] }\n",
        );
        let errs = load(&src(&text)).expect_err("must fail");
        let all: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        let joined = all.join("\n");
        assert!(joined.contains("loopback"), "{joined}");
        assert!(joined.contains("asserts nothing"), "{joined}");
        assert!(joined.contains("logs.select"), "{joined}");
        assert!(joined.contains("regex"), "{joined}");
        assert!(errs.iter().all(|e| e.pos.is_some()));
    }

    #[test]
    fn an_exit_code_belongs_to_a_die() {
        let text =
            with_checks("      - event:\n          action: stop\n          exit_code: 137\n");
        let e = first_err(&text);
        assert!(e.message.contains("needs `action: die`, not `stop`"), "{e}");
        let line = line_of(&text, &e);
        assert_eq!(line.map(str::trim), Some("exit_code: 137"), "{e}");
        let die = with_checks("      - event:\n          action: die\n          exit_code: 0\n");
        assert!(load(&src(&die)).is_ok());
    }

    #[test]
    fn two_kinds_in_one_check() {
        let text = MINIMAL.replace(
            "          state: exited\n",
            "          state: exited\n        absent: { select: { image: x } }\n",
        );
        let e = first_err(&text);
        assert!(e.message.contains("exactly one kind"), "{e}");
    }

    #[test]
    fn a_checks_problem_points_at_its_field() {
        let text = with_checks(
            "      - http:\n          status: 200\n          url: \"http://example.com/\"\n",
        );
        let e = first_err(&text);
        let line = line_of(&text, &e);
        assert_eq!(
            line.map(str::trim),
            Some("url: \"http://example.com/\""),
            "{e}"
        );
        assert_eq!(e.pos.map(|p| p.col), Some(11));
    }
}
