//! `docklings watch LAB`: re-check a lab on every engine change and print a line each time a
//! step's verdict changes — the guided session's loop without its screen, for scripts and
//! for a second terminal.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::app::{App, Result, out, parse_since};
use crate::check::{Ctx, StepResult};
use crate::engine::Engine;
use crate::lab::Lab;
use crate::watch::{Trigger, Wake, check_all, needs_safety_recheck, output_to_follow};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum WatchFormat {
    Text,
    /// One JSON object per line.
    Jsonl,
}

/// One line of `watch --format jsonl`.
#[derive(Serialize)]
struct JsonLine<'a> {
    time: String,
    lab: &'a str,
    step: &'a str,
    passed: bool,
}

/// A line per verdict change, until Ctrl-C or, with `exit_on_complete`, until every step
/// has passed at least once.
pub(crate) async fn run(
    app: &App,
    id: &str,
    format: WatchFormat,
    exit_on_complete: bool,
    since: Option<&str>,
) -> Result<()> {
    let cat = app.catalog()?;
    let lab = crate::lookup::lab(&cat, id)?;
    let since = match since {
        Some(s) => Some(parse_since(s)?),
        None => crate::store::workspace::lab_started(&lab.id).map(|s| s * 1_000_000_000),
    };
    let engine = Engine::connect().await?;
    let mut trigger = Trigger::new(&engine);
    // Unlike `check`, watching with no start recorded means "from now", taken once the
    // event stream is followed: old events would otherwise replay as fresh verdicts.
    let since = since.unwrap_or_else(crate::engine::now_nano);
    // Checks read the engine through the trigger, which adds the events it saw.
    let watched = trigger.probe();
    let mut ctx = Ctx::new(&watched, lab, app.lang, since);
    ctx.retry = false;
    ctx.answers = crate::answers::saved(lab);
    // Passes stick across commands: what `start` or an earlier `watch` saw still counts.
    *ctx.passed.borrow_mut() = crate::check::recorded_passes(lab, since);
    let store = crate::progress::Store::default_location();
    let mut last: BTreeMap<String, bool> = BTreeMap::new();
    let mut ever_passed: BTreeSet<String> = BTreeSet::new();
    loop {
        let results = check_all(&ctx, lab).await?;
        // Record new passes so a later `check` or `grade` counts acts whose traces are
        // gone by then (an access log, a `--rm` shell's output). A progress file that
        // cannot be written costs only that, so it is a warning, not the end of watching.
        let fresh: Vec<(String, i64)> = results
            .iter()
            .filter(|r| r.passed && !ever_passed.contains(&r.id))
            .filter_map(|r| Some((r.id.clone(), r.at?)))
            .collect();
        if let Err(e) = store.record_passes(&lab.id, &fresh) {
            eprintln!("{} {e}", app.style.warn("warning:"));
        }
        for r in &results {
            if last.insert(r.id.clone(), r.passed) != Some(r.passed) {
                out(&format!("{}\n", verdict_line(app, lab, r, format)));
            }
            if r.passed {
                ever_passed.insert(r.id.clone());
            }
        }
        if exit_on_complete && lab.steps.iter().all(|s| ever_passed.contains(&s.id)) {
            return Ok(());
        }
        let safety = results.iter().any(needs_safety_recheck);
        trigger.follow_output(output_to_follow(&results));
        tokio::select! {
            wake = trigger.next(safety) => {
                if let Wake::Lost(e) = wake {
                    eprintln!("{} {e}; reconnecting", app.style.warn("warning:"));
                }
            }
            _ = tokio::signal::ctrl_c() => return Ok(()),
        }
    }
}

/// The line printed when a step's verdict changes.
fn verdict_line(app: &App, lab: &Lab, step: &StepResult, format: WatchFormat) -> String {
    match format {
        WatchFormat::Jsonl => serde_json::to_string(&JsonLine {
            time: crate::report::now_rfc3339(),
            lab: &lab.id,
            step: &step.id,
            passed: step.passed,
        })
        .unwrap_or_default(),
        WatchFormat::Text => {
            let mark = if step.passed {
                app.style.ok("✓")
            } else {
                app.style.bad("✗")
            };
            let now = time::OffsetDateTime::now_utc();
            format!(
                "{:02}:{:02}:{:02} {mark} {} {}",
                now.hour(),
                now.minute(),
                now.second(),
                app.style.bold(&step.id),
                step.title
            )
        }
    }
}
