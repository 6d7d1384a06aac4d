//! `docklings book [--out DIR] [--check]`: write the labs as an mdBook (see `book`), or
//! check that the one on disk is up to date.

use std::fmt::Write as _;
use std::path::Path;

use crate::app::{App, Failure, Result, out};
use crate::book::{MARKER, compare, generate};

pub(crate) fn run(app: &App, dir: &Path, check: bool) -> Result<()> {
    let cat = app.catalog()?;
    let sources = match &app.labs_dir {
        Some(d) => crate::lab::sources_in_dir(d).map_err(Failure::BadInput)?,
        None => crate::lab::embedded_sources(),
    };
    let files = generate(&cat, &sources);
    let drift = compare(dir, &files);
    let shown = |rel: &str| dir.join(rel).display().to_string();
    if check {
        if drift.is_empty() {
            out(&format!(
                "{} {} is up to date ({} files)\n",
                app.style.ok("✓"),
                dir.display(),
                files.len()
            ));
            return Ok(());
        }
        let mut s = String::new();
        for (what, list) in [
            ("stale", &drift.stale),
            ("missing", &drift.missing),
            ("extra", &drift.extra),
        ] {
            for rel in list {
                let _ = writeln!(s, "{what:<8}{}", shown(rel));
            }
        }
        out(&s);
        eprintln!(
            "{} {} is out of date: run `docklings book --out {}`",
            app.style.bad("error:"),
            dir.display(),
            dir.display()
        );
        return Err(Failure::ChecksFailed);
    }
    refuse_foreign(dir)?;
    let io = |p: &Path, e: std::io::Error| Failure::io("write", p, e);
    for rel in drift.stale.iter().chain(&drift.missing) {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        std::fs::write(&path, &files[rel]).map_err(|e| io(&path, e))?;
    }
    for rel in &drift.extra {
        let path = dir.join(rel);
        std::fs::remove_file(&path).map_err(|e| io(&path, e))?;
    }
    remove_empty_dirs(&dir.join("src"));
    let changed = drift.stale.len() + drift.missing.len() + drift.extra.len();
    out(&format!(
        "{} {}: {} files, {changed} changed\n",
        app.style.ok("✓"),
        dir.display(),
        files.len()
    ));
    Ok(())
}

/// Only write into an empty or missing folder, or one this command wrote before: writing
/// removes files under `src/` it did not make, which must never hit someone's own files.
fn refuse_foreign(dir: &Path) -> Result<()> {
    let empty = std::fs::read_dir(dir).map_or(true, |mut rd| rd.next().is_none());
    let ours = std::fs::read_to_string(dir.join("book.toml")).is_ok_and(|t| t.starts_with(MARKER));
    if empty || ours {
        Ok(())
    } else {
        Err(Failure::BadInput(format!(
            "`{}` is not a book that docklings wrote (its book.toml does not start with `{MARKER}`): \
             choose a new or empty folder",
            dir.display()
        )))
    }
}

fn remove_empty_dirs(dir: &Path) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.filter_map(|e| e.ok()) {
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            remove_empty_dirs(&e.path());
            // Fails, as it should, while the folder still holds something.
            let _ = std::fs::remove_dir(e.path());
        }
    }
}
