//! Where docklings keeps its own files: `DOCKLINGS_HOME`, else `$XDG_DATA_HOME/docklings`,
//! else `~/.local/share/docklings`. Tests point `DOCKLINGS_HOME` at a temporary folder.

use std::path::PathBuf;

pub(crate) fn data_dir() -> PathBuf {
    if let Some(h) = std::env::var_os("DOCKLINGS_HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(h);
    }
    if let Some(x) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(x).join("docklings");
    }
    match std::env::var_os("HOME").filter(|v| !v.is_empty()) {
        Some(h) => PathBuf::from(h).join(".local/share/docklings"),
        None => std::env::temp_dir().join("docklings"),
    }
}
