//! The one temporary folder docklings makes for itself (a selftest's workspace, a
//! submission's guard socket and private copy): private to this user, named so that
//! concurrent runs never share one, and removed when dropped — on success, failure and
//! Ctrl-C alike, since the owner is dropped as the command unwinds.

use std::path::{Path, PathBuf};

use crate::app::{Failure, Result};

pub(crate) struct TempDir(PathBuf);

impl TempDir {
    /// A new folder `docklings-<purpose>-<pid>-<ns>` under the system's temporary folder,
    /// mode 0700: a submission's guard socket in it opens the engine to whoever can reach
    /// it, and a selftest's files are nobody else's business either.
    pub(crate) fn new(purpose: &str) -> Result<TempDir> {
        let path = std::env::temp_dir().join(format!(
            "docklings-{purpose}-{}-{}",
            std::process::id(),
            crate::engine::now_nano()
        ));
        #[cfg_attr(not(unix), allow(unused_mut))]
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(&path)
            .map_err(|e| Failure::io("create the temporary folder", &path, e))?;
        Ok(TempDir(path))
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_distinct_and_gone_when_dropped() {
        let a = TempDir::new("test").expect("first");
        let b = TempDir::new("test").expect("second");
        assert_ne!(a.path(), b.path());
        std::fs::write(a.path().join("f"), "x").expect("write inside");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(a.path())
                .expect("stat")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o700);
        }
        let path = a.path().to_owned();
        drop(a);
        assert!(!path.exists());
    }
}
