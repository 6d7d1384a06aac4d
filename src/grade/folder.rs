//! The submission's private copy of its folder: the script runs there, so it may write
//! beside itself without touching the student's files. Bounded, because a script handed in
//! from a home folder would otherwise copy the whole home.

use std::path::{Path, PathBuf};

use crate::app::{Failure, Result};

/// A folder this big is a home directory, not a submission.
const COPY_MAX_BYTES: u64 = 64 * 1024 * 1024;
const COPY_MAX_ENTRIES: usize = 5_000;

/// Copy the folder that holds `script` to `to`.
pub(super) fn copy_beside(script: &Path, to: &Path) -> Result<()> {
    let from = script
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut budget = (COPY_MAX_BYTES, COPY_MAX_ENTRIES);
    copy_tree(from, to, &mut budget).map_err(|e| {
        Failure::BadInput(format!(
            "cannot copy the submission's folder `{}`: {e}",
            from.display()
        ))
    })
}

/// A script of a class's folder where the scripts lie side by side (`grade --submission
/// FOLDER`, see `class`): copy to `to` the script and the `shared` entries of its folder
/// (the files and folders that are no one's submission), within the same bounds. So each
/// student's script runs with the files the class was given, and never sees, runs or
/// changes a classmate's script.
pub(super) fn stage(script: &Path, shared: &[PathBuf], to: &Path) -> Result<()> {
    let mut budget = (COPY_MAX_BYTES, COPY_MAX_ENTRIES);
    let copy = |budget: &mut (u64, usize)| -> std::io::Result<()> {
        std::fs::create_dir_all(to)?;
        for from in std::iter::once(script).chain(shared.iter().map(PathBuf::as_path)) {
            let name = from.file_name().ok_or_else(|| {
                std::io::Error::other(format!("`{}` has no file name", from.display()))
            })?;
            copy_entry(from, &to.join(name), budget)?;
        }
        Ok(())
    };
    copy(&mut budget).map_err(|e| {
        Failure::BadInput(format!(
            "cannot copy the submission `{}` and the files beside it: {e}",
            script.display()
        ))
    })
}

/// Files, folders and symbolic links (as links: their targets are not the submission's).
/// `budget` is what is left of (bytes, entries).
fn copy_tree(from: &Path, to: &Path, budget: &mut (u64, usize)) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        copy_entry(&entry.path(), &to.join(entry.file_name()), budget)?;
    }
    Ok(())
}

/// One entry of [`copy_tree`]; anything but a file, folder or link (a socket, a fifo) is
/// left out.
fn copy_entry(from: &Path, dest: &Path, budget: &mut (u64, usize)) -> std::io::Result<()> {
    let meta = std::fs::symlink_metadata(from)?;
    budget.1 = budget.1.checked_sub(1).ok_or_else(too_big)?;
    if meta.is_dir() {
        copy_tree(from, dest, budget)?;
    } else if meta.is_symlink() {
        std::os::unix::fs::symlink(std::fs::read_link(from)?, dest)?;
    } else if meta.is_file() {
        budget.0 = budget.0.checked_sub(meta.len()).ok_or_else(too_big)?;
        std::fs::copy(from, dest)?;
    }
    Ok(())
}

fn too_big() -> std::io::Error {
    std::io::Error::other(format!(
        "it holds more than {} files or {} MiB; put the script and its files in a folder of \
         their own",
        COPY_MAX_ENTRIES,
        COPY_MAX_BYTES / 1024 / 1024
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_files_folders_and_links() {
        let src = tempfile::tempdir().expect("source");
        let dst = tempfile::tempdir().expect("destination");
        std::fs::write(src.path().join("run.sh"), "echo hi\n").expect("script");
        std::fs::create_dir(src.path().join("site")).expect("folder");
        std::fs::write(src.path().join("site/index.html"), "<h1>").expect("page");
        std::os::unix::fs::symlink("site/index.html", src.path().join("link")).expect("link");
        let to = dst.path().join("work");
        copy_beside(&src.path().join("run.sh"), &to).expect("copied");
        assert_eq!(
            std::fs::read_to_string(to.join("site/index.html")).expect("page copied"),
            "<h1>"
        );
        assert_eq!(
            std::fs::read_link(to.join("link")).expect("still a link"),
            Path::new("site/index.html")
        );
    }

    #[test]
    fn a_staged_script_gets_the_shared_files_and_no_classmate() {
        let src = tempfile::tempdir().expect("source");
        let dst = tempfile::tempdir().expect("destination");
        for f in ["alice.sh", "bob.sh", "index.html"] {
            std::fs::write(src.path().join(f), f).expect("file");
        }
        std::fs::create_dir(src.path().join("html")).expect("folder");
        std::fs::write(src.path().join("html/a.html"), "a").expect("page");
        let to = dst.path().join("work");
        let shared = [src.path().join("index.html"), src.path().join("html")];
        stage(&src.path().join("alice.sh"), &shared, &to).expect("staged");
        let mut names: Vec<String> = std::fs::read_dir(&to)
            .expect("staged folder")
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect();
        names.sort();
        assert_eq!(names, ["alice.sh", "html", "index.html"]);
        assert!(to.join("html/a.html").is_file());
    }

    #[test]
    fn a_folder_too_big_is_refused() {
        let src = tempfile::tempdir().expect("source");
        let dst = tempfile::tempdir().expect("destination");
        std::fs::write(src.path().join("a"), "x").expect("file");
        let mut budget = (1, 0);
        let err = copy_tree(src.path(), &dst.path().join("w"), &mut budget).expect_err("no room");
        assert!(err.to_string().contains("folder of their own"), "{err}");
    }
}
