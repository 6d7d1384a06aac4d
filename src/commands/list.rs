//! `docklings list`: the labs with their chapters, titles and the learner's progress.

use crate::app::{App, Result, out};
use crate::lab::Lab;
use crate::progress::{LabProgress, Progress};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ListFormat {
    Text,
    Json,
}

pub(crate) fn run(app: &App, format: ListFormat) -> Result<()> {
    let cat = app.catalog()?;
    let (progress, warning) = crate::progress::Store::default_location().load();
    let text = match format {
        ListFormat::Json => as_json(app, &cat.labs, &progress),
        ListFormat::Text => {
            if let Some(w) = warning {
                eprintln!("{} {w}", app.style.warn("warning:"));
            }
            as_text(app, &cat.labs, &progress)
        }
    };
    out(&text);
    Ok(())
}

/// How many of the lab's steps the learner has passed.
fn passed_steps(lab: &Lab, progress: Option<&LabProgress>) -> usize {
    lab.steps
        .iter()
        .filter(|st| progress.is_some_and(|p| p.passed(&st.id)))
        .count()
}

fn as_json(app: &App, labs: &[Lab], progress: &Progress) -> String {
    let labs: Vec<_> = labs
        .iter()
        .map(|l| {
            serde_json::json!({
                "id": l.id,
                "chapter": l.chapter,
                "title": l.title.get(app.lang),
                "steps": l.steps.len(),
                "passed": passed_steps(l, progress.labs.get(&l.id)),
                "images": l.images,
            })
        })
        .collect();
    format!(
        "{}\n",
        serde_json::to_string_pretty(&serde_json::json!({ "labs": labs })).unwrap_or_default()
    )
}

/// A line per lab: id, chapter, a mark per step, passed/total, title.
fn as_text(app: &App, labs: &[Lab], progress: &Progress) -> String {
    let w = labs.iter().map(|l| l.id.len()).max().unwrap_or(0);
    let cw = labs.iter().map(|l| l.chapter.len()).max().unwrap_or(0);
    let mut s = String::new();
    for l in labs {
        let lp = progress.labs.get(&l.id);
        let marks: String = l
            .steps
            .iter()
            .map(|st| {
                if lp.is_some_and(|p| p.passed(&st.id)) {
                    app.style.ok("✓")
                } else {
                    app.style.dim("·")
                }
            })
            .collect();
        s.push_str(&format!(
            "{:<w$}  {:<cw$}  {marks:<5} {}/{}  {}\n",
            l.id,
            l.chapter,
            passed_steps(l, lp),
            l.steps.len(),
            l.title.get(app.lang)
        ));
    }
    s
}
