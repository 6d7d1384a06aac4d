//! `grade LAB --submission FOLDER`: a class's submissions, graded one after another on the
//! one engine, into one report ([`crate::class_report`]).
//!
//! Which entries of FOLDER are submissions (names starting with `.` are ignored):
//! - a **script**: a regular file (not a link) named `*.sh` or `*.bash`, or with no
//!   extension at all and executable or starting with `#!`. A script directly in FOLDER is
//!   one student's (`alice.sh`); it runs in a private copy holding it and FOLDER's
//!   *shared* entries, never a classmate's script ([`super::folder::stage`]).
//! - a **student's folder**: a folder directly in FOLDER with a script in it (`alice/`).
//!   Its script is `submission.sh` when there is one, else its only script; several and no
//!   `submission.sh` is that student's error. It runs in a private copy of its own folder.
//! - anything else (files that are not scripts, folders without one) is *shared*: copied
//!   beside each script that lies directly in FOLDER.
//!
//! Submissions are graded in the order of their names, each as `grade --submission SCRIPT`
//! grades one ([`super::grade_one`]: preflight, sandbox and guard, cleanup), so each meets
//! the engine as clean as the first did. A submission's own failure (its script cannot be
//! copied or run) is its `error` in the report and the run goes on; the engine or the
//! system failing, something left on the engine that cleanup could not remove, or Ctrl-C
//! stops the run after the current submission is cleaned up, and the report of those
//! graded is still written.

use std::collections::BTreeMap;
use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Limits;
use crate::app::{App, Failure, Result};
use crate::class_report::{ClassReport, ClassSubmission, classroom_refusal, status_word};
use crate::engine::Engine;
use crate::lab::{Lab, Lang};
use crate::report::{Format, GradeReport};
use crate::store::temp::TempDir;
use crate::words::pick;

/// The script a student's folder is graded by when it holds several.
const SUBMISSION_SCRIPT: &str = "submission.sh";

/// One student's entry of the folder.
#[derive(Debug, PartialEq, Eq)]
struct Entry {
    /// `alice.sh` for a script, `alice` for a student's folder.
    name: String,
    found: Found,
}

#[derive(Debug, PartialEq, Eq)]
enum Found {
    /// A script directly in the folder: graded in a copy with the shared entries.
    Beside(PathBuf),
    /// The script of a student's folder: graded in a copy of that folder.
    Own(PathBuf),
    /// A student's folder whose script cannot be told: the student's error.
    Unclear { folder: PathBuf, why: String },
}

/// The folder read: the students' entries by name, and what they share.
#[derive(Debug)]
struct Class {
    entries: Vec<Entry>,
    shared: Vec<PathBuf>,
}

/// Entry point from [`super::submission`] when the path is a folder.
pub(super) async fn grade_folder(
    app: &App,
    plans: Vec<(&Lab, BTreeMap<String, String>)>,
    dir: &Path,
    limits: Limits,
    format: Format,
    output: Option<PathBuf>,
    min_score: Option<u32>,
) -> Result<()> {
    let lang = app.lang;
    if format == Format::Classroom {
        return Err(Failure::BadInput(classroom_refusal(lang).into()));
    }
    let class = read(dir, lang)?;
    // What would make every submission fail alike is the run's failure, found before the
    // first script runs, not twenty students' errors.
    let engine = Engine::connect().await?;
    let ready = super::ready(app, &engine, &plans, limits).await?;
    let stop = Arc::new(AtomicBool::new(false));
    let listener = {
        let stop = Arc::clone(&stop);
        tokio::spawn(async move {
            super::interrupted().await;
            stop.store(true, Ordering::SeqCst);
        })
    };
    let max_score: u32 = plans
        .iter()
        .flat_map(|(l, _)| &l.steps)
        .map(|s| s.points)
        .sum();
    let progress = Progress::new(class.entries.len(), lang);
    let mut done = Vec::new();
    let mut ended: Option<Failure> = None;
    let interrupted = || {
        Failure::BadInput(
            pick(
                lang,
                "interrupted; the submission being graded was cleaned up",
                "중단됨; 채점 중이던 제출물은 정리했습니다",
            )
            .into(),
        )
    };
    for (i, entry) in class.entries.iter().enumerate() {
        if stop.load(Ordering::SeqCst) {
            ended = Some(interrupted());
            break;
        }
        progress.start(i, &entry.name);
        let started = Instant::now();
        let (script, shared) = match &entry.found {
            Found::Unclear { folder, why } => {
                let sub = ClassSubmission::error(
                    entry.name.clone(),
                    folder.display().to_string(),
                    max_score,
                    why.clone(),
                );
                progress.done(i, &sub);
                done.push(sub);
                continue;
            }
            Found::Beside(script) => (script, Some(class.shared.as_slice())),
            Found::Own(script) => (script, None),
        };
        // The engine must be as clean as it was for the first: if not, someone else is
        // using it, and that is the run's failure, not this student's.
        if let Err(e) = preflight(&engine, &plans).await {
            ended = Some(e);
            break;
        }
        let graded = grade(app, &engine, &plans, script, shared, limits, &ready).await;
        let ms = started.elapsed().as_millis() as u64;
        let sub = match graded {
            Ok(report) => {
                let report = report.with_min_score(min_score);
                // Left on the engine, it would count as the next student's work or stop
                // every preflight after it: the run ends here, this report in it.
                let problem = report
                    .submission
                    .as_ref()
                    .and_then(|s| s.cleaned_up.failure("clean up after the submission"));
                let sub = ClassSubmission::graded(entry.name.clone(), report, ms);
                if let Some(e) = problem {
                    progress.done(i, &sub);
                    done.push(sub);
                    ended = Some(Failure::Engine(e));
                    break;
                }
                sub
            }
            Err(_) if stop.load(Ordering::SeqCst) => {
                ended = Some(interrupted());
                break;
            }
            Err(e @ (Failure::Engine(_) | Failure::Io(_))) => {
                ended = Some(e);
                break;
            }
            Err(e) => ClassSubmission::error(
                entry.name.clone(),
                script.display().to_string(),
                max_score,
                e.to_string().trim_end().to_owned(),
            ),
        };
        progress.done(i, &sub);
        done.push(sub);
    }
    progress.finish();
    listener.abort();
    let not_graded: Vec<String> = class.entries[done.len()..]
        .iter()
        .map(|e| e.name.clone())
        .collect();
    let mut report = ClassReport::new(
        dir.display().to_string(),
        plans.iter().map(|(l, _)| l.id.clone()).collect(),
        done,
        not_graded,
        max_score,
    );
    report.min_score = min_score;
    if let Some(e) = &ended {
        report = report.stopped(e.to_string().trim_end().to_owned());
    }
    crate::report::emit_with(app, format, output.as_deref(), |f, st| {
        crate::class_report::render(&report, f, st, lang)
    })?;
    match ended {
        Some(e) => Err(e),
        None if report.passed => Ok(()),
        None => Err(Failure::ChecksFailed),
    }
}

/// Grade one script as `grade --submission SCRIPT` would; `shared`: it lies beside its
/// classmates' scripts, and runs with these of their folder's entries.
async fn grade(
    app: &App,
    engine: &Engine,
    plans: &[(&Lab, BTreeMap<String, String>)],
    script: &Path,
    shared: Option<&[PathBuf]>,
    limits: Limits,
    ready: &super::Ready,
) -> Result<GradeReport> {
    super::check_script(script)?;
    let graded = match shared {
        // grade_one copies the folder the script is in: here, a private one holding the
        // script and the shared entries.
        Some(shared) => {
            let stage = TempDir::new("class")?;
            let name = script.file_name().unwrap_or_default();
            super::folder::stage(script, shared, stage.path())?;
            super::grade_one(app, engine, plans, &stage.path().join(name), limits, ready).await?
        }
        None => super::grade_one(app, engine, plans, script, limits, ready).await?,
    };
    let mut section = graded.section;
    // The student's script, not its private copy.
    section.path = script.display().to_string();
    Ok(GradeReport::new(graded.labs).with_submission(section))
}

/// `selftest`'s rule for every lab, as [`super::ready`] applies it.
async fn preflight(engine: &Engine, plans: &[(&Lab, BTreeMap<String, String>)]) -> Result<()> {
    for (lab, _) in plans {
        super::preflight(engine, lab).await?;
    }
    Ok(())
}

/// The rule, for the error of a folder with no submission in it.
fn rule(lang: Lang) -> &'static str {
    pick(
        lang,
        "a submission is a script directly in the folder (NAME.sh, NAME.bash, or a file \
         without an extension that is executable or starts with `#!`), or a folder in it with \
         a script inside (submission.sh when it holds several); names starting with `.` are \
         ignored",
        "제출물은 폴더 바로 안의 스크립트(NAME.sh, NAME.bash, 또는 확장자 없이 실행 권한이 \
         있거나 `#!` 로 시작하는 파일)이거나, 그 안에 스크립트가 든 하위 폴더(스크립트가 \
         여럿이면 submission.sh)입니다. `.` 으로 시작하는 이름은 무시합니다",
    )
}

/// Read the folder by the rule in the module's doc.
fn read(dir: &Path, lang: Lang) -> Result<Class> {
    let cannot = |e: std::io::Error| {
        Failure::BadInput(format!("cannot read the folder `{}`: {e}", dir.display()))
    };
    let mut entries = Vec::new();
    let mut shared = Vec::new();
    for item in sorted(dir).map_err(cannot)? {
        let name = item
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let meta = std::fs::symlink_metadata(&item).map_err(cannot)?;
        if is_script(&item, &meta) {
            entries.push(Entry {
                name,
                found: Found::Beside(item),
            });
        } else if meta.is_dir() {
            match student_script(&item) {
                Ok(None) => shared.push(item),
                Ok(Some(found)) => entries.push(Entry { name, found }),
                Err(e) => entries.push(Entry {
                    name,
                    found: Found::Unclear {
                        why: format!("cannot read the folder: {e}"),
                        folder: item,
                    },
                }),
            }
        } else {
            shared.push(item);
        }
    }
    if entries.is_empty() {
        return Err(Failure::BadInput(pick(
            lang,
            format!("no submission in `{}`: {}", dir.display(), rule(lang)),
            format!("`{}` 에 제출물이 없습니다: {}", dir.display(), rule(lang)),
        )));
    }
    Ok(Class { entries, shared })
}

/// A student's folder's script, `None` when it holds none (then it is shared).
fn student_script(folder: &Path) -> std::io::Result<Option<Found>> {
    let mut scripts = Vec::new();
    for item in sorted(folder)? {
        if is_script(&item, &std::fs::symlink_metadata(&item)?) {
            scripts.push(item);
        }
    }
    let chosen = scripts
        .iter()
        .find(|p| p.file_name().is_some_and(|n| n == SUBMISSION_SCRIPT));
    Ok(match (chosen, scripts.as_slice()) {
        (_, []) => None,
        (Some(p), _) | (None, [p]) => Some(Found::Own(p.clone())),
        (None, several) => Some(Found::Unclear {
            folder: folder.to_path_buf(),
            why: format!(
                "it holds {} scripts ({}) and no {SUBMISSION_SCRIPT}: name the one to grade \
                 {SUBMISSION_SCRIPT}",
                several.len(),
                several
                    .iter()
                    .map(|p| p.file_name().unwrap_or_default().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }),
    })
}

/// The entries of `dir` not starting with `.`, sorted by name.
fn sorted(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut items = Vec::new();
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        if !e.file_name().to_string_lossy().starts_with('.') {
            items.push(e.path());
        }
    }
    items.sort();
    Ok(items)
}

/// The rule for a script: a regular file named `*.sh` or `*.bash`, or without an extension
/// and executable or starting with `#!`. (`notes.txt`, `index.html`, `Dockerfile.dev` are
/// not; `Dockerfile` is not either, being neither executable nor a `#!` file.)
fn is_script(path: &Path, meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    if !meta.is_file() {
        return false;
    }
    match path.extension().and_then(|e| e.to_str()) {
        Some("sh" | "bash") => true,
        Some(_) => false,
        None => meta.permissions().mode() & 0o111 != 0 || starts_with_shebang(path),
    }
}

fn starts_with_shebang(path: &Path) -> bool {
    use std::io::Read as _;
    let mut head = [0u8; 2];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| &head == b"#!")
}

/// What the grader sees while a class is graded: a bar on a terminal (`N/M` and the
/// student being graded); elsewhere, and in CI, a line per submission when it is done, as
/// a log reads best.
struct Progress {
    bar: Option<ProgressBar>,
    total: usize,
    lang: Lang,
}

impl Progress {
    fn new(total: usize, lang: Lang) -> Progress {
        let bar =
            (std::io::stderr().is_terminal() && std::env::var_os("CI").is_none()).then(|| {
                let bar =
                    ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
                bar.set_style(
                    ProgressStyle::with_template("[{bar:30}] {pos}/{len} {elapsed} {msg}")
                        .unwrap_or_else(|_| ProgressStyle::default_bar())
                        .progress_chars("=> "),
                );
                bar
            });
        Progress { bar, total, lang }
    }

    fn start(&self, i: usize, name: &str) {
        if let Some(bar) = &self.bar {
            bar.set_position(i as u64);
            bar.set_message(format!("{} {name}", pick(self.lang, "grading", "채점 중")));
        }
    }

    fn done(&self, i: usize, s: &ClassSubmission) {
        let line = format!(
            "[{}/{}] {} {}/{} {}",
            i + 1,
            self.total,
            s.name,
            s.score,
            s.max_score,
            status_word(s.status, self.lang)
        );
        match &self.bar {
            Some(bar) => {
                bar.println(line);
                bar.set_position(i as u64 + 1);
            }
            None => eprintln!("{line}"),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    fn write(dir: &Path, name: &str, text: &str, mode: u32) {
        let p = dir.join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("folder");
        }
        std::fs::write(&p, text).expect("file");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).expect("mode");
    }

    fn names(c: &Class) -> Vec<&str> {
        c.entries.iter().map(|e| e.name.as_str()).collect()
    }

    #[test]
    fn the_rule_for_scripts_and_student_folders() {
        let d = tempfile::tempdir().expect("dir");
        let p = d.path();
        write(p, "zoe.sh", "docker ps\n", 0o644);
        write(p, "alice.bash", "docker ps\n", 0o644);
        write(p, "bob", "#!/bin/sh\ndocker ps\n", 0o644);
        write(p, "carol", "docker ps\n", 0o755);
        write(p, "notes.txt", "not a script\n", 0o755);
        write(p, "Dockerfile", "FROM diamol/base\n", 0o644);
        write(p, ".hidden.sh", "docker ps\n", 0o644);
        write(p, "dave/run.sh", "docker ps\n", 0o644);
        write(p, "erin/a.sh", "docker ps\n", 0o644);
        write(p, "erin/submission.sh", "docker ps\n", 0o644);
        write(p, "frank/a.sh", "docker ps\n", 0o644);
        write(p, "frank/b.sh", "docker ps\n", 0o644);
        write(p, "html/index.html", "<h1>\n", 0o644);
        std::os::unix::fs::symlink("zoe.sh", p.join("link.sh")).expect("link");
        let c = read(p, Lang::En).expect("read");
        assert_eq!(
            names(&c),
            [
                "alice.bash",
                "bob",
                "carol",
                "dave",
                "erin",
                "frank",
                "zoe.sh"
            ]
        );
        assert_eq!(c.entries[3].found, Found::Own(p.join("dave/run.sh")));
        assert_eq!(c.entries[4].found, Found::Own(p.join("erin/submission.sh")));
        match &c.entries[5].found {
            Found::Unclear { why, .. } => assert!(why.contains("a.sh, b.sh"), "{why}"),
            other => panic!("frank: {other:?}"),
        }
        assert_eq!(c.entries[0].found, Found::Beside(p.join("alice.bash")));
        let shared: Vec<_> = c.shared.iter().filter_map(|s| s.file_name()).collect();
        assert_eq!(shared, ["Dockerfile", "html", "link.sh", "notes.txt"]);
    }

    #[test]
    fn a_folder_without_submissions_is_bad_input_naming_the_rule() {
        let d = tempfile::tempdir().expect("dir");
        write(d.path(), "notes.txt", "hi\n", 0o644);
        for lang in [Lang::En, Lang::Ko] {
            match read(d.path(), lang) {
                Err(Failure::BadInput(m)) => assert!(m.contains("NAME.sh"), "{m}"),
                other => panic!("{other:?}"),
            }
        }
    }
}
