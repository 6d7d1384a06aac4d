//! `docklings progress reset [LAB]` and `docklings progress show`: the learner's progress
//! file, forgotten or shown as it is.

use crate::app::{App, Failure, Result, out};
use crate::lab::Lang;
use crate::progress::Store;

/// Forget the progress of one lab (which must exist), or of all.
pub(crate) fn reset(app: &App, lab: Option<&str>) -> Result<()> {
    if let Some(id) = lab {
        let cat = app.catalog()?;
        crate::lookup::lab(&cat, id)?;
    }
    Store::default_location().reset(lab).map_err(Failure::Io)?;
    out(&match (app.lang, lab) {
        (Lang::Ko, Some(l)) => format!("`{l}` 의 진행 기록을 지웠습니다.\n"),
        (Lang::Ko, None) => "모든 진행 기록을 지웠습니다.\n".to_owned(),
        (Lang::En, Some(l)) => format!("Progress of `{l}` cleared.\n"),
        (Lang::En, None) => "All progress cleared.\n".to_owned(),
    });
    Ok(())
}

/// Where progress is kept, and what it holds.
pub(crate) fn show(app: &App) -> Result<()> {
    let store = Store::default_location();
    let (progress, warning) = store.load();
    if let Some(w) = warning {
        eprintln!("{} {w}", app.style.warn("warning:"));
    }
    out(&format!(
        "{}\n{}\n",
        store.path().display(),
        serde_json::to_string_pretty(&progress).unwrap_or_default()
    ));
    Ok(())
}
