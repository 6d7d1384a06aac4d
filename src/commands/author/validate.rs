//! `docklings validate [PATH…]`: lint lab files, reporting every problem as
//! `path:line:col: message` (through `Failure::Labs`), or how many labs are valid.

use std::path::PathBuf;

use crate::app::{App, Failure, Result, out};
use crate::lab::{Catalog, LabSource};

pub(crate) fn run(app: &App, paths: &[PathBuf]) -> Result<()> {
    let sources = if paths.is_empty() {
        match &app.labs_dir {
            Some(d) => crate::lab::sources_in_dir(d).map_err(Failure::BadInput)?,
            None => crate::lab::embedded_sources(),
        }
    } else {
        sources_at(paths)?
    };
    if sources.is_empty() {
        return Err(Failure::BadInput("no lab files found".into()));
    }
    let cat = Catalog::load(&sources).map_err(Failure::Labs)?;
    let n = cat.labs.len();
    let steps: usize = cat.labs.iter().map(|l| l.steps.len()).sum();
    out(&format!(
        "{} {n} lab{} ({steps} step{}) valid\n",
        app.style.ok("✓"),
        if n == 1 { "" } else { "s" },
        if steps == 1 { "" } else { "s" }
    ));
    Ok(())
}

/// The lab files named: folders are searched, files taken as they are.
fn sources_at(paths: &[PathBuf]) -> Result<Vec<LabSource>> {
    let mut v = Vec::new();
    for p in paths {
        if p.is_dir() {
            v.extend(crate::lab::sources_in_dir(p).map_err(Failure::BadInput)?);
        } else if p.exists() {
            v.push(crate::lab::source_from_file(p));
        } else {
            return Err(Failure::BadInput(format!(
                "`{}` does not exist",
                p.display()
            )));
        }
    }
    Ok(v)
}
