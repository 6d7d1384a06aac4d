//! `docklings check LAB`: check the engine's state now against a lab's steps, once.

use crate::app::{App, Failure, Result, out};
use crate::engine::Engine;
use crate::report::Format;

/// Check, and when that ends with exit 2 or 3 in a machine format, print an error report
/// in it instead of nothing, for the tool that reads stdout.
pub(crate) async fn run(
    app: &App,
    id: &str,
    step: Option<&str>,
    format: Format,
    since: Option<String>,
    answers: &[String],
) -> Result<()> {
    let mut max_score = 0;
    let result = check(app, id, step, format, since, answers, &mut max_score).await;
    if let Err(f) = &result {
        crate::report::emit_failure(app, f, format, None, max_score);
    }
    result
}

async fn check(
    app: &App,
    id: &str,
    step: Option<&str>,
    format: Format,
    since: Option<String>,
    answers: &[String],
    max_score: &mut u32,
) -> Result<()> {
    let cat = app.catalog()?;
    let lab = crate::lookup::lab(&cat, id)?;
    let only = step
        .map(|s| crate::lookup::step_index(lab, s))
        .transpose()?;
    *max_score = match only {
        Some(i) => lab.steps[i].points,
        None => lab.steps.iter().map(|s| s.points).sum(),
    };
    let since = app.since(lab, &since)?;
    let answers = crate::answers::saved_and_given(lab, answers)?;
    let engine = Engine::connect().await?;
    let report = crate::check::check_lab(&engine, lab, app.lang, since, only, answers).await?;
    // What stands in the lab's way, as one line above a text report (machine formats
    // stay as they are). Without a known start nothing counts as "before the lab".
    if format == Format::Text {
        let p = crate::preflight::look(&engine, &cat, lab, app.lang, since).await?;
        if let Some(l) = crate::preflight::line(&p, app.lang) {
            out(&format!("{} {l}\n", app.style.warn("!")));
        }
    }
    // A learner who checks after each command builds the same record `start` and `watch`
    // keep: a pass stays, and the next `check` still counts it once its container is gone.
    // (`grade` records nothing: grading must not change what it grades.)
    let passes: Vec<(String, i64)> = report
        .steps
        .iter()
        .filter(|s| s.passed)
        .filter_map(|s| Some((s.id.clone(), s.at?)))
        .collect();
    if let Err(e) = crate::progress::Store::default_location().record_passes(&lab.id, &passes) {
        eprintln!("{} {e}", app.style.warn("warning:"));
    }
    out(&crate::report::render_lab(
        &report, format, &app.style, app.lang,
    ));
    if report.passed {
        Ok(())
    } else {
        Err(Failure::ChecksFailed)
    }
}
