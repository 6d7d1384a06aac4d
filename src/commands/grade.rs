//! `docklings grade LAB… | --all`: score labs non-interactively, for CI, either against the
//! engine as it is or against what a submitted script does (`--submission`).

use std::path::PathBuf;

use crate::app::{App, Failure, Result};
use crate::engine::Engine;
use crate::report::Format;

/// How to grade and where the report goes: the flags of `grade` besides the labs.
pub(crate) struct Options {
    pub(crate) format: Format,
    /// Write the report here instead of stdout.
    pub(crate) output: Option<PathBuf>,
    pub(crate) since: Option<String>,
    /// `--answer` arguments, `STEP=VALUE` or `LAB:STEP=VALUE`.
    pub(crate) answers: Vec<String>,
    /// Pass when the total score reaches this, even if some steps fail.
    pub(crate) min_score: Option<u32>,
    pub(crate) submission: Option<Submission>,
}

/// `--submission PATH --timeout SECS [--trusted]`.
pub(crate) struct Submission {
    /// A script, or a folder of scripts.
    pub(crate) path: PathBuf,
    pub(crate) limits: crate::grade::Limits,
}

/// Grade, and when that ends with exit 2 or 3 in a machine format, write an error report in
/// it where the report would have gone: a CI step that reads the file (Classroom's reporter,
/// a JUnit action) then says why instead of failing on an empty or missing file.
pub(crate) async fn run(app: &App, ids: &[String], all: bool, options: Options) -> Result<()> {
    let format = options.format;
    let output = options.output.clone();
    let mut max_score = 0;
    let result = grade(app, ids, all, options, &mut max_score).await;
    if let Err(f) = &result {
        crate::report::emit_failure(app, f, format, output.as_deref(), max_score);
    }
    result
}

async fn grade(
    app: &App,
    ids: &[String],
    all: bool,
    options: Options,
    max_score: &mut u32,
) -> Result<()> {
    let cat = app.catalog()?;
    let chosen = crate::lookup::labs_named(&cat, ids, all)?;
    *max_score = chosen.iter().flat_map(|l| &l.steps).map(|s| s.points).sum();
    let mut plans = Vec::new();
    for lab in &chosen {
        plans.push((
            *lab,
            app.since(lab, &options.since)?,
            crate::answers::saved_and_given(lab, &options.answers)?,
        ));
    }
    if let Some(sub) = options.submission {
        let plans = plans.into_iter().map(|(l, _, a)| (l, a)).collect();
        return crate::grade::submission(
            app,
            plans,
            &sub.path,
            sub.limits,
            options.format,
            options.output,
            options.min_score,
        )
        .await;
    }
    let engine = Engine::connect().await?;
    let mut reports = Vec::new();
    for (lab, since, answers) in plans {
        reports.push(crate::check::check_lab(&engine, lab, app.lang, since, None, answers).await?);
    }
    let report = crate::report::GradeReport::new(reports).with_min_score(options.min_score);
    crate::report::emit(app, &report, options.format, options.output.as_deref())?;
    if report.passed {
        Ok(())
    } else {
        Err(Failure::ChecksFailed)
    }
}
