//! `docklings grade LAB --submission PATH`: run a student's script of docker commands
//! through a guard, grade what it left on the engine, and put the engine back.
//!
//! 1. Refuse (exit 2) when the engine already holds what the lab looks at — the same rule
//!    as `selftest`: grading would count someone else's containers as the student's.
//! 2. Record a baseline: every container, network, image (with its tags) and volume.
//! 3. Start the guard (`proxy`): a unix socket in a private temp dir that forwards to the
//!    engine's socket, ruling on every request by `policy`. A request that would change or
//!    remove anything in the baseline is answered with 403 and recorded.
//! 4. Run the script (`script`) in a private copy of its folder (`folder`), for at
//!    most `--timeout`.
//! 5. Watch the script's run as `watch` watches a learner (on every engine event, and at
//!    the guard's checkpoint before every request that changes the engine), so passes
//!    stick even where the script then removes their evidence; grade once more at the
//!    end. A submission with a refused request is `rejected` and does not pass.
//! 6. Remove whatever is not in the baseline and restore tags the script moved
//!    (`cleanup`), remove the temp dir — on success, failure, timeout and Ctrl-C alike.
//!
//! The report is `grade`'s, with a submission section added ([`crate::report`]).
//!
//! The guard keeps honest mistakes (`docker rm -f $(docker ps -aq)`, `docker system
//! prune`) away from other work on the engine. It is not a sandbox: a script that ignores
//! `DOCKER_HOST` talks to the engine directly.
//!
//! All of this is unix-only (a unix socket for the guard, the script in a process group of
//! its own, unix signals): elsewhere `--submission` is refused with exit 2.

#[cfg(unix)]
mod cgroup;
#[cfg(unix)]
mod class;
#[cfg(unix)]
mod cleanup;
#[cfg(unix)]
mod folder;
#[cfg(unix)]
pub(crate) mod inside;
#[cfg(unix)]
pub(crate) mod leftovers;
#[cfg(unix)]
mod mounts;
#[cfg(unix)]
mod policy;
#[cfg(unix)]
mod proxy;
#[cfg(unix)]
mod sandbox;
#[cfg(unix)]
mod script;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::app::{App, Failure, Result};
use crate::lab::Lab;
use crate::report::Format;
#[cfg(unix)]
use {
    crate::check::Ctx,
    crate::engine::Engine,
    crate::engine::cleanup::Removed,
    crate::lab::Lang,
    crate::report::{Denial, GradeReport, LabReport, SubmissionSection},
    crate::store::temp::TempDir,
    crate::watch::{Trigger, Watched, needs_safety_recheck, output_to_follow},
    policy::Policy,
    proxy::Guard,
    script::ScriptRun,
    std::sync::Arc,
    std::time::Duration,
};

/// How every submission of one `grade --submission` run is graded: the flags besides the
/// path.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// `--timeout`: the script is stopped after this long.
    pub(crate) timeout_secs: u64,
    /// `--trusted`: run the script without a sandbox (the guard still rules).
    pub(crate) trusted: bool,
}

/// One graded submission: its section of the report and its labs' reports.
#[cfg(unix)]
pub(crate) struct Graded {
    pub(crate) section: SubmissionSection,
    pub(crate) labs: Vec<LabReport>,
}

/// Entry point from `grade`: the chosen labs with their answers, the script (or a folder of
/// scripts, see [`class`]), the limits.
#[cfg(unix)]
pub(crate) async fn submission(
    app: &App,
    plans: Vec<(&Lab, BTreeMap<String, String>)>,
    path: &Path,
    limits: Limits,
    format: Format,
    output: Option<PathBuf>,
    min_score: Option<u32>,
) -> Result<()> {
    // Bad input before the engine is even asked: the guard needs the engine's unix socket.
    engine_socket()?;
    if path.is_dir() {
        return class::grade_folder(app, plans, path, limits, format, output, min_score).await;
    }
    check_script(path)?;
    let engine = Engine::connect().await?;
    let ready = ready(app, &engine, &plans, limits).await?;
    let graded = grade_one(app, &engine, &plans, path, limits, &ready).await?;
    let problem = graded
        .section
        .cleaned_up
        .failure("clean up after the submission");
    let report = GradeReport::new(graded.labs)
        .with_submission(graded.section)
        .with_min_score(min_score);
    crate::report::emit(app, &report, format, output.as_deref())?;
    if let Some(e) = problem {
        return Err(Failure::Engine(e));
    }
    if report.passes(min_score) {
        Ok(())
    } else {
        Err(Failure::ChecksFailed)
    }
}

/// What every submission of a run needs before its script: the engine's socket, an engine
/// clean of what a killed run left and of what the labs look at, and a sandbox proved to
/// start. Made once per run; a class makes it once for all its students.
#[cfg(unix)]
pub(crate) struct Ready {
    upstream: PathBuf,
    sandbox: Option<sandbox::Sandbox>,
    trusted: bool,
}

/// Get [`Ready`]: remove a killed run's leftovers, check the engine is clean for the labs,
/// find the sandbox (none with `--trusted`).
#[cfg(unix)]
pub(crate) async fn ready(
    app: &App,
    engine: &Engine,
    plans: &[(&Lab, BTreeMap<String, String>)],
    limits: Limits,
) -> Result<Ready> {
    let upstream = engine_socket()?;
    // What a killed run left would look like a dirty engine; it was never anyone's work.
    let old = leftovers::remove_dead(engine).await;
    if old.containers + old.networks + old.volumes + old.images > 0 {
        eprintln!(
            "removed what an interrupted submission run left: {} container(s), {} network(s), \
             {} volume(s), {} image(s)",
            old.containers, old.networks, old.volumes, old.images
        );
    }
    for (lab, _) in plans {
        preflight(engine, lab).await?;
    }
    // Before anything is made: without a sandbox there is nothing to grade safely.
    let sandbox = match limits.trusted {
        true => None,
        false => Some(sandbox::find(app.lang).await?),
    };
    Ok(Ready {
        upstream,
        sandbox,
        trusted: limits.trusted,
    })
}

/// Run one script behind the guard, grade it, and put the engine back: everything but
/// writing the report. The engine must be clean for the labs (see [`ready`], and the class's
/// check before each student). Cleanup problems are in the section's
/// `cleaned_up.problems`; when grading itself fails they are printed here, since no report
/// will carry them.
#[cfg(unix)]
pub(crate) async fn grade_one(
    app: &App,
    engine: &Engine,
    plans: &[(&Lab, BTreeMap<String, String>)],
    script: &Path,
    limits: Limits,
    ready: &Ready,
) -> Result<Graded> {
    let upstream = ready.upstream.clone();
    let sandbox = ready.sandbox.as_ref();
    let tmp = TempDir::new("submission")?;
    let layout = sandbox::Layout::new(tmp.path());
    let interpreter = script::interpreter_for(script);
    let name = PathBuf::from(script.file_name().unwrap_or_default());
    // As root: the copy on a tmpfs of bounded size, and bind sources pinned (`mounts`).
    let mounts = mounts::Mounts::new(tmp.path()).map(Arc::new);
    let bounded_disk = mounts.as_ref().is_some_and(|m| m.bound_work(&layout.work));
    folder::copy_beside(script, &layout.work)?;
    if let Some(m) = &mounts {
        m.set_work(&layout.work);
    }
    let baseline = Arc::new(engine.inventory().await?);
    let policy = Policy {
        engine: engine.clone(),
        baseline: Arc::clone(&baseline),
        work: std::fs::canonicalize(&layout.work)
            .map_err(|e| Failure::io("resolve", &layout.work, e))?,
        lab_images: plans
            .iter()
            .flat_map(|(lab, _)| lab.footprint().images)
            .filter_map(|i| crate::engine::routes::familiar_tag(&i))
            .collect(),
        predefined: predefined_networks(engine).await?,
        run: leftovers::run_label(),
        mounts: mounts.clone(),
        trusted: ready.trusted,
    };
    let (checkpoints, looks) = tokio::sync::mpsc::unbounded_channel();
    let guard = Guard::start(policy, upstream, &layout.socket, checkpoints)?;
    let ports: Vec<u16> = plans
        .iter()
        .flat_map(|(lab, _)| lab.footprint().ports)
        .collect::<std::collections::BTreeSet<u16>>()
        .into_iter()
        .collect();
    let _bridge = sandbox::Bridge::start(
        &layout.bridge,
        engine.clone(),
        Arc::clone(&baseline),
        ports.clone(),
    )?;
    // Held until the script is done: the control group goes when it is dropped.
    let mut prepared = None;
    let (command, status) = match sandbox {
        Some(sb) => {
            let p = sb.prepare(&layout)?;
            let cmd = sb.script_command(&layout, &p, &interpreter, &name, &ports);
            prepared = Some(p);
            (cmd, Some(layout.status.clone()))
        }
        None => (
            script::trusted(&interpreter, &name, &layout.work, &layout.socket),
            None,
        ),
    };
    let job = Job {
        interpreter,
        limits: prepared
            .as_ref()
            .map(|p| {
                let mut l = p.limits.clone();
                l.push(if bounded_disk {
                    "its folder 256 MiB in all".into()
                } else {
                    "its folder unbounded (not root: no tmpfs)".into()
                });
                l
            })
            .unwrap_or_default(),
        limit: Duration::from_secs(limits.timeout_secs),
        sandbox: if sandbox.is_some() {
            sandbox::Kind::Bubblewrap
        } else {
            sandbox::Kind::None
        },
    };
    let outcome = tokio::select! {
        r = run_and_grade(app, engine, &guard, (command, status.as_deref(), job.limit), plans.to_vec(), looks) => r,
        _ = interrupted() => Err(Failure::BadInput("interrupted; cleaned up".into())),
    };
    guard.shutdown();
    let denied = guard.denials();
    let cleaned = cleanup::clean_up(engine, &baseline).await;
    // The containers that used the pins are gone; then the copy's own tmpfs.
    if let Some(m) = &mounts {
        m.release();
    }
    drop(tmp);
    let (run, labs) = match outcome {
        Ok(x) => x,
        Err(e) => {
            // The report is not written, so what cleanup could not undo goes here.
            for p in &cleaned.problems {
                eprintln!("error: cleaning up after the submission: {p}");
            }
            return Err(e);
        }
    };
    let section = job.section(script, run, denied, cleaned);
    Ok(Graded { section, labs })
}

/// Elsewhere (Windows): refused before anything runs, saying why and what works instead.
#[cfg(not(unix))]
pub(crate) async fn submission(
    app: &App,
    _plans: Vec<(&Lab, BTreeMap<String, String>)>,
    _path: &Path,
    _limits: Limits,
    _format: Format,
    _output: Option<PathBuf>,
    _min_score: Option<u32>,
) -> Result<()> {
    Err(Failure::BadInput(unsupported(app.lang).into()))
}

/// Why `--submission` cannot run on this OS. Compiled for tests on unix too, so both
/// languages are checked where the tests run.
#[cfg(any(test, not(unix)))]
fn unsupported(lang: crate::lab::Lang) -> &'static str {
    crate::words::pick(
        lang,
        "grading submissions needs Linux or macOS: the guard between the script and the \
         engine is a unix socket, and the script runs in a process group of its own. Grade \
         without `--submission` here, or grade submissions on Linux, macOS or WSL.",
        "제출물 채점에는 Linux나 macOS가 필요합니다: 스크립트와 엔진 사이의 보호 장치가 \
         유닉스 소켓이고, 스크립트는 자기만의 프로세스 그룹에서 실행됩니다. 여기서는 \
         `--submission` 없이 채점하거나, 제출물은 Linux·macOS·WSL에서 채점하세요.",
    )
}

/// How the script ran, for its report section.
#[cfg(unix)]
struct Job {
    interpreter: String,
    /// The sandbox's limits besides time, in words.
    limits: Vec<String>,
    limit: Duration,
    sandbox: sandbox::Kind,
}

#[cfg(unix)]
impl Job {
    fn section(
        &self,
        script: &Path,
        run: ScriptRun,
        denied: Vec<Denial>,
        cleaned_up: Removed,
    ) -> SubmissionSection {
        let mut section = SubmissionSection {
            path: script.display().to_string(),
            interpreter: self.interpreter.clone(),
            exit_code: run.exit_code,
            signal: run.signal,
            timed_out: run.timed_out,
            status: String::new(),
            duration_ms: run.elapsed.as_millis() as u64,
            output_tail: run.tail,
            output_bytes: run.output_bytes,
            rejected: !denied.is_empty(),
            denied,
            cleaned_up,
            timeout_secs: self.limit.as_secs(),
            sandbox: self.sandbox.name().into(),
            limits: self.limits.clone(),
            trusted: self.sandbox == sandbox::Kind::None,
        };
        // Tools read the JSON status, so it stays in one language.
        section.status = section.status_in(Lang::En);
        section
    }
}

/// The submission must be a readable file: the script itself, not its folder.
#[cfg(unix)]
fn check_script(script: &Path) -> Result<()> {
    let meta = std::fs::metadata(script).map_err(|e| {
        Failure::BadInput(format!(
            "cannot read submission `{}`: {e}",
            script.display()
        ))
    })?;
    if meta.is_file() {
        Ok(())
    } else {
        Err(Failure::BadInput(format!(
            "submission `{}` is not a file: give the script itself",
            script.display()
        )))
    }
}

/// The engine's unix socket, which the guard forwards to.
#[cfg(unix)]
fn engine_socket() -> Result<PathBuf> {
    let target = crate::engine::target();
    match target.strip_prefix("unix://") {
        Some(path) => Ok(PathBuf::from(path)),
        None => Err(Failure::BadInput(format!(
            "grading a submission needs the engine on a unix socket (the guard sits between \
             the script and that socket), but DOCKER_HOST is `{target}`"
        ))),
    }
}

/// Run the script behind the guard while watching it as `watch` watches a learner, close
/// the guard, and grade every lab from the moment the script started.
///
/// Some evidence vanishes with what it is in: the access log that proves a `curl` is gone
/// once the script removes the server. So passes stick, as in `start` and `watch`, and the
/// labs are judged on every engine event and before every request that changes the engine
/// (the guard's checkpoints), then once more after the script, with `within` deadlines.
#[cfg(unix)]
async fn run_and_grade(
    app: &App,
    engine: &Engine,
    guard: &Guard,
    (command, status, limit): (tokio::process::Command, Option<&Path>, Duration),
    plans: Vec<(&Lab, BTreeMap<String, String>)>,
    mut looks: tokio::sync::mpsc::UnboundedReceiver<proxy::Checkpoint>,
) -> Result<(ScriptRun, Vec<LabReport>)> {
    // Events before this moment are not the script's.
    let since = crate::engine::now_nano();
    // Followed before the script starts, so none of its events slip by; and what the
    // trigger saw joins every look, so a busy engine's short memory of events (its last
    // 256) loses none of the script's, not even by the final judgement.
    let mut trigger = Trigger::new(engine);
    let watched = trigger.probe();
    let mut ctxs: Vec<Ctx<'_, Watched<'_>>> = plans
        .into_iter()
        .map(|(lab, answers)| {
            let mut ctx = Ctx::new(&watched, lab, app.lang, since);
            ctx.answers = answers;
            ctx.retry = false;
            ctx
        })
        .collect();
    let run = {
        let script = script::run(command, status, limit);
        tokio::select! {
            r = script => r?,
            never = watch_script(&ctxs, &mut trigger, &mut looks) => match never {},
        }
    };
    // Nothing may reach the engine through the guard while it is graded.
    guard.shutdown();
    let mut reports = Vec::new();
    for ctx in &mut ctxs {
        let started = std::time::Instant::now();
        ctx.retry = true;
        let results = ctx.judge().await?;
        let mut report = LabReport::new(ctx.lab, app.lang, results, since);
        report.duration_ms = started.elapsed().as_millis() as u64;
        reports.push(report);
    }
    Ok((run, reports))
}

/// Judge every lab on each engine event and each checkpoint of the guard, until dropped.
/// An engine error here costs only that look: the final judgement reports it.
#[cfg(unix)]
async fn watch_script(
    ctxs: &[Ctx<'_, Watched<'_>>],
    trigger: &mut Trigger<'_>,
    looks: &mut tokio::sync::mpsc::UnboundedReceiver<proxy::Checkpoint>,
) -> std::convert::Infallible {
    let mut waiting: Vec<proxy::Checkpoint> = Vec::new();
    loop {
        let mut safety = false;
        let mut follow = std::collections::BTreeSet::new();
        for ctx in ctxs {
            if let Ok(results) = ctx.judge().await {
                safety |= results.iter().any(needs_safety_recheck);
                follow.extend(output_to_follow(&results));
            }
        }
        trigger.follow_output(follow);
        // Every checkpoint that arrived before this look began has been looked at.
        for done in waiting.drain(..) {
            let _ = done.send(());
        }
        tokio::select! {
            _ = trigger.next(safety) => {}
            Some(look) = looks.recv() => waiting.push(look),
        }
        while let Ok(look) = looks.try_recv() {
            waiting.push(look);
        }
    }
}

/// Ctrl-C, or SIGTERM from a CI runner cancelling the job.
#[cfg(unix)]
async fn interrupted() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    let on_term = async {
        match term.as_mut() {
            Some(t) => {
                t.recv().await;
            }
            None => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = on_term => {}
    }
}

/// The IDs of `bridge`, `host` and `none`, which belong to everyone.
#[cfg(unix)]
async fn predefined_networks(engine: &Engine) -> Result<std::collections::HashSet<String>> {
    let mut ids = std::collections::HashSet::new();
    for name in ["bridge", "host", "none"] {
        if let Some(id) = engine.network_id(name).await? {
            ids.insert(id);
        }
    }
    Ok(ids)
}

/// The same rule as `selftest`: nothing of the lab's may be on the engine, nor its ports
/// taken. (Its images need not be there: a submission may pull or build them.)
#[cfg(unix)]
async fn preflight(engine: &Engine, lab: &Lab) -> Result<()> {
    let fp = lab.footprint();
    let snap = engine.snapshot(&fp, None).await?;
    let busy = crate::selftest::occupied(&fp, &snap);
    if busy.is_empty() {
        return Ok(());
    }
    Err(Failure::BadInput(format!(
        "grading a submission for `{}` needs a clean engine, but it already holds:\n  - {}\n\
         Remove them yourself (docklings never touches what it did not create), then try again.",
        lab.id,
        busy.join("\n  - ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::Lang;

    #[test]
    fn elsewhere_submissions_are_refused_in_both_languages() {
        assert!(unsupported(Lang::En).starts_with("grading submissions needs Linux or macOS: "));
        assert!(unsupported(Lang::Ko).starts_with("제출물 채점에는 Linux나 macOS가 필요합니다: "));
        for lang in [Lang::En, Lang::Ko] {
            assert!(unsupported(lang).contains("`--submission`"), "{lang:?}");
        }
    }
}
