//! The one way docklings replaces a file: write a temporary sibling, fsync it, rename it
//! over the target, fsync the folder. `rename` is atomic, so a reader (or the survivor of a
//! crash) sees the old file or the new one, never half of either; the first fsync keeps a
//! power cut from leaving an empty file under the new name, the folder fsync makes the
//! rename itself durable.
//!
//! Temporary siblings are named `<name>.tmp-<pid>-<n>`, so a writer that owns a folder (the
//! progress store) can recognise and sweep the ones a killed process left behind.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Distinguishes temporary files of one process: two threads may write at once.
static NEXT: AtomicU64 = AtomicU64::new(0);

/// Replace `path` with `bytes`, keeping the permissions of the file it replaces.
pub(crate) fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let (staged, mut file) = Staged::beside(path)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    staged.commit()
}

/// A temporary sibling of a target file, for writers that stream (an image archive). It is
/// removed when dropped unless [`Staged::commit`] renamed it over the target.
pub(crate) struct Staged {
    tmp: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl Staged {
    /// Create the temporary sibling and open it for writing.
    pub(crate) fn beside(target: &Path) -> io::Result<(Staged, File)> {
        let mut name = target
            .file_name()
            .map_or_else(|| "out".into(), |n| n.to_os_string());
        name.push(format!(
            ".tmp-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let tmp = target.with_file_name(name);
        let file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)?;
        let staged = Staged {
            tmp,
            target: target.to_owned(),
            committed: false,
        };
        // Keep whatever permissions the owner gave the file being replaced.
        if let Ok(meta) = std::fs::metadata(target) {
            let _ = file.set_permissions(meta.permissions());
        }
        Ok((staged, file))
    }

    /// Rename the temporary file (written, synced and closed by the caller) over the target,
    /// then make the rename durable.
    pub(crate) fn commit(mut self) -> io::Result<()> {
        std::fs::rename(&self.tmp, &self.target)?;
        self.committed = true;
        let dir = match self.target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        sync_dir(&dir).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!(
                    "it was written, but its folder `{}` cannot be synced, so the change may \
                     not survive a power cut: {e}",
                    dir.display()
                ),
            )
        })
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

// Windows cannot open a folder as a file; its renames are durable through NTFS's journal.
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .expect("read dir")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn replaces_the_file_and_leaves_no_temporary_behind() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("report.json");
        write(&path, b"old").expect("first write");
        write(&path, b"new").expect("second write");
        assert_eq!(std::fs::read(&path).expect("read"), b"new");
        assert_eq!(names(dir.path()), vec!["report.json".to_owned()]);
    }

    #[cfg(unix)]
    #[test]
    fn keeps_the_permissions_of_the_file_it_replaces() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("progress.json");
        write(&path, b"1").expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        write(&path, b"2").expect("rewrite");
        let mode = std::fs::metadata(&path).expect("stat").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn an_abandoned_stream_removes_its_temporary() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("images.tar");
        let (staged, mut file) = Staged::beside(&path).expect("stage");
        file.write_all(b"half").expect("write");
        drop(file);
        drop(staged);
        assert!(names(dir.path()).is_empty(), "{:?}", names(dir.path()));
    }

    #[test]
    fn a_missing_folder_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().expect("temp dir");
        let err = write(&dir.path().join("no/such/file"), b"x").expect_err("no folder");
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
    }
}
