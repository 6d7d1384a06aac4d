//! The learner's side of a lab on disk: the files a lab hands over, written where the
//! chapter's commands expect them, and when the lab was started.

use std::path::PathBuf;

use crate::lab::Lab;

/// Folder holding a lab's files for the learner.
pub(crate) fn dir(lab: &Lab) -> PathBuf {
    crate::store::home::data_dir()
        .join("workspace")
        .join(&lab.id)
}

/// Write the lab's files into its workspace (never overwriting a file the learner already
/// has there: it may hold their edits). `None` when the lab hands over no files.
pub(crate) fn prepare(lab: &Lab) -> Result<Option<PathBuf>, String> {
    if lab.files.is_empty() {
        return Ok(None);
    }
    let dir = dir(lab);
    write_files(lab, &dir, false)?;
    Ok(Some(dir))
}

/// Write the lab's files into `dir`; `overwrite` replaces existing ones.
pub(crate) fn write_files(lab: &Lab, dir: &std::path::Path, overwrite: bool) -> Result<(), String> {
    for (name, bytes) in &lab.files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create `{}`: {e}", parent.display()))?;
        }
        if overwrite || !path.exists() {
            std::fs::write(&path, bytes)
                .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
        }
    }
    Ok(())
}

/// When the learner started this lab (Unix seconds), from the progress file, if recorded.
pub(crate) fn lab_started(id: &str) -> Option<i64> {
    crate::progress::Store::default_location()
        .load()
        .0
        .labs
        .get(id)?
        .started_at
}
