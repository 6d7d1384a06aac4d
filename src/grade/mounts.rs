//! Mounts docklings makes for a submission, when it runs as root: a size-bounded tmpfs for
//! the private copy (a disk quota), and *pinned* bind sources.
//!
//! Pinning closes a race the policy alone cannot: the engine resolves a bind mount's
//! source only when the container starts, so a script could have the guard approve
//! `$PWD/site`, then replace `site` with a symbolic link to `/` before `docker start`. So
//! the guard opens the source itself, checks where the open file really is (its
//! `/proc/self/fd` link), bind-mounts *that open file* onto a folder of docklings' own that
//! the sandbox cannot see, and hands the engine that folder instead. Whatever the script
//! renames afterwards, the engine mounts what was checked; edits to the files inside still
//! show, as a bind mount should.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The tmpfs for the copy of the script's folder.
const WORK_SIZE: &str = "256m";

/// What has been mounted, unmounted (innermost first) by [`Mounts::release`] or on drop.
pub(super) struct Mounts {
    /// Where pinned sources go: beside the copy, outside the sandbox's view.
    pins: PathBuf,
    /// The copy with symbolic links resolved: the only place a source may come from.
    work: Mutex<Option<PathBuf>>,
    made: Mutex<Vec<PathBuf>>,
    /// The next pin's name.
    next: AtomicUsize,
}

impl Mounts {
    /// For a submission's temporary folder `root`; `None` unless docklings is root (only
    /// root may mount), in which case bind sources cannot be pinned and are refused.
    pub(super) fn new(root: &Path) -> Option<Mounts> {
        if !super::sandbox::is_root() || !cfg!(target_os = "linux") {
            return None;
        }
        let pins = root.join("pins");
        std::fs::create_dir(&pins).ok()?;
        Some(Mounts {
            pins,
            work: Mutex::new(None),
            made: Mutex::new(Vec::new()),
            next: AtomicUsize::new(0),
        })
    }

    /// Make `work` a tmpfs of its own, so the script cannot fill the disk. Must run before
    /// the copy is made into it.
    pub(super) fn bound_work(&self, work: &Path) -> bool {
        if std::fs::create_dir_all(work).is_err() {
            return false;
        }
        let ok = run_mount(&[
            "-t",
            "tmpfs",
            "-o",
            &format!("size={WORK_SIZE},mode=0700,nosuid,nodev"),
            "tmpfs",
            &work.display().to_string(),
        ]);
        if ok {
            self.record(work);
        }
        ok
    }

    /// The resolved copy, once it is filled (called before the guard starts).
    pub(super) fn set_work(&self, work: &Path) {
        if let Ok(mut w) = self.work.lock() {
            *w = std::fs::canonicalize(work).ok();
        }
    }

    /// Pin `source` (a path the engine would mount): open it, check the open file is
    /// inside the copy, bind-mount it onto a fresh folder of ours, and return that folder.
    pub(super) fn pin(&self, source: &str) -> Result<PathBuf, String> {
        let work = self
            .work
            .lock()
            .ok()
            .and_then(|w| w.clone())
            .ok_or("the submission's folder is not ready")?;
        let outside = || {
            format!(
                "a bind mount may only come from the submission's own folder; `{source}` is \
                 outside it (symbolic links followed)"
            )
        };
        let file = std::fs::File::open(source).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                format!(
                    "bind mount source `{source}` does not exist; create it before the \
                     container (`mkdir -p`)"
                )
            } else {
                outside()
            }
        })?;
        use std::os::unix::io::AsRawFd;
        let fd = file.as_raw_fd();
        let proc_link = format!("/proc/{}/fd/{fd}", std::process::id());
        // Where the open file really is, whatever the path was.
        let real = std::fs::read_link(&proc_link).map_err(|_| outside())?;
        if !real.starts_with(&work) || real.to_string_lossy().ends_with(" (deleted)") {
            return Err(outside());
        }
        let is_dir = file.metadata().map(|m| m.is_dir()).unwrap_or(false);
        let target = self
            .pins
            .join(self.next.fetch_add(1, Ordering::Relaxed).to_string());
        let created = if is_dir {
            std::fs::create_dir(&target)
        } else {
            std::fs::write(&target, b"")
        };
        created.map_err(|e| format!("cannot pin the bind mount: {e}"))?;
        // The kernel follows the /proc link to the open file itself, not to its path.
        if !run_mount(&["--bind", &proc_link, &target.display().to_string()]) {
            return Err("cannot pin the bind mount".into());
        }
        drop(file);
        self.record(&target);
        Ok(target)
    }

    fn record(&self, p: &Path) {
        if let Ok(mut m) = self.made.lock() {
            m.push(p.to_owned());
        }
    }

    /// Unmount everything, newest first. After the containers that use the pins are gone.
    pub(super) fn release(&self) {
        let made = self
            .made
            .lock()
            .map(|mut m| std::mem::take(&mut *m))
            .unwrap_or_default();
        for p in made.iter().rev() {
            unmount(p);
        }
    }
}

impl Drop for Mounts {
    fn drop(&mut self) {
        self.release();
    }
}

fn run_mount(args: &[&str]) -> bool {
    std::process::Command::new("mount")
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Lazily, so a mount still busy (a container being removed) goes when it is free.
pub(super) fn unmount(p: &Path) {
    let _ = std::process::Command::new("umount")
        .arg("-l")
        .arg(p)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
}

/// Every mount point at or under `dir`, deepest first: what a killed run left mounted.
pub(super) fn mounted_under(dir: &Path) -> Vec<PathBuf> {
    let info = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    let mut found: Vec<PathBuf> = info
        .lines()
        .filter_map(|l| l.split(' ').nth(4))
        .map(|p| PathBuf::from(p.replace("\\040", " ")))
        .filter(|p| p.starts_with(dir))
        .collect();
    found.sort_by_key(|p| std::cmp::Reverse(p.components().count()));
    found
}
