//! The learner's progress: which steps of which labs they passed, the hints they used and
//! their answers. One pretty-printed JSON file, `progress.json` in docklings' data folder
//! (see `crate::store::home`), that learners may read.
//!
//! ## Durability design
//!
//! Several docklings processes may run at once (a `check` in one terminal, a `show` in
//! another), and any of them may die at any moment (Ctrl-C, a closed terminal, a power cut).
//! The file must never be left half-written, and no update may be lost:
//!
//! - **Atomic replace.** A writer never changes `progress.json` in place. It writes the whole
//!   new document to a temporary sibling (`progress.json.tmp-<pid>-<n>`), fsyncs it, renames it
//!   over the original and fsyncs the folder. `rename` is atomic, so a reader, or the
//!   survivor of a crash, sees the old file or the new one, never a mix. The first fsync
//!   makes the data durable before the rename can be (otherwise a power cut may leave an
//!   empty file under the new name); the folder fsync makes the rename itself durable.
//! - **One writer at a time.** [`Store::update`] holds an exclusive lock on a sibling
//!   `progress.json.lock` ([`File::lock`]: `flock` on Unix) for the whole read-modify-write
//!   cycle and reads the file again under it, so concurrent updates queue up instead of the
//!   later one writing back stale data over the earlier one's change. The lock sits on its
//!   own file because the data file is replaced on every write (a lock on it would be on an
//!   inode that is about to go away); for the same reason the lock file is never deleted.
//!   The operating system drops the lock when its holder dies, so a killed process never
//!   leaves the store locked.
//! - **Readers don't lock.** Because of the atomic replace, [`Store::load`] reads without the
//!   lock. It takes the lock only to move a damaged file aside, so it cannot move aside a good
//!   file that a writer put there after its read.
//! - **Never destroy the learner's data.** A file that cannot be read or parsed is renamed to
//!   `progress.json.corrupt-<unix-seconds>` (with `-N` added rather than overwriting an
//!   earlier one) and progress starts empty, with a warning naming where it went. If it
//!   cannot be moved aside, `update` refuses to write rather than overwrite it.
//! - **Forward compatibility.** Missing fields take their defaults, and unknown fields are
//!   accepted. When `update` rewrites the file it carries the unknown fields over, so an
//!   older docklings does not erase what a newer one recorded.
//! - **Leftovers.** A writer killed between creating its temporary file and the rename leaves
//!   that file behind. It is never read (only the exact path is), and `update` removes such
//!   files once they are more than a minute old.
//!
//! Not covered: if `progress.json` is a symbolic link, `update` replaces the link with a
//! regular file.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The format version this docklings writes.
pub const VERSION: u32 = 1;

/// Temporary files older than this belong to a writer that died.
const STALE_TEMP: Duration = Duration::from_secs(60);

/// What the learner has done, per lab.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Progress {
    pub version: u32,
    pub labs: BTreeMap<String, LabProgress>,
}

// By hand rather than derived: a fresh store, and a file written without `version`, are
// version 1, not 0.
impl Default for Progress {
    fn default() -> Self {
        Progress {
            version: VERSION,
            labs: BTreeMap::new(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LabProgress {
    /// Unix seconds, set when the learner first starts the lab.
    pub started_at: Option<i64>,
    /// Step id the learner was on.
    pub current_step: Option<String>,
    pub steps: BTreeMap<String, StepProgress>,
    /// Step id → the learner's answer to the step's question.
    pub answers: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StepProgress {
    /// Unix seconds when the step's checks first passed.
    pub passed_at: Option<i64>,
    /// Unix nanoseconds of the learner's act that passed it: later steps count from
    /// here, and `check`/`grade` keep the pass (it sticks).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence_at: Option<i64>,
    pub hints_used: u32,
    pub solved_with_help: bool,
}

impl LabProgress {
    pub fn passed(&self, step: &str) -> bool {
        self.steps.get(step).is_some_and(|s| s.passed_at.is_some())
    }

    #[cfg(test)]
    pub fn passed_count(&self) -> usize {
        self.steps
            .values()
            .filter(|s| s.passed_at.is_some())
            .count()
    }
}

/// The progress file, and the lock and temporary files beside it.
#[derive(Clone, Debug)]
pub struct Store {
    path: PathBuf,
}

/// What reading the file found.
enum Loaded {
    /// The progress, and the document as read (to carry its unknown fields over).
    Found(Progress, Value),
    Missing,
    /// It was damaged and has been moved aside; the warning says where.
    SetAside(String),
    /// It is damaged and could not be moved aside, so it must not be overwritten; the
    /// sentence says why, without a full stop.
    Stuck(String),
}

impl Store {
    /// `progress.json` in docklings' data folder.
    pub fn default_location() -> Store {
        Store::at(crate::store::home::data_dir().join("progress.json"))
    }

    pub fn at(path: impl Into<PathBuf>) -> Store {
        Store { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Read it. Missing file: empty progress. Unreadable/corrupt JSON: the file is renamed
    /// aside to `progress.json.corrupt-<unix-seconds>` and empty progress is returned with a
    /// warning sentence naming where the old file went. Never panics, never deletes the
    /// learner's data.
    pub fn load(&self) -> (Progress, Option<String>) {
        match read(&self.path) {
            Ok(Some((progress, _))) => return (progress, None),
            Ok(None) => return (Progress::default(), None),
            Err(_) => {}
        }
        // Damaged. Move it aside under the lock, after reading it again: a writer may have
        // replaced it with a good file since our read.
        let outcome = match self.lock() {
            Ok(_lock) => self.load_locked(),
            Err(e) => match read(&self.path) {
                Ok(Some((progress, value))) => Loaded::Found(progress, value),
                Ok(None) => Loaded::Missing,
                Err(reason) => Loaded::Stuck(format!(
                    "`{}` could not be read ({reason}) and not be moved aside ({e})",
                    self.path.display()
                )),
            },
        };
        match outcome {
            Loaded::Found(progress, _) => (progress, None),
            Loaded::Missing => (Progress::default(), None),
            Loaded::SetAside(warning) => (Progress::default(), Some(warning)),
            Loaded::Stuck(what) => (
                Progress::default(),
                Some(format!(
                    "{what}; it was left as it is and progress starts empty."
                )),
            ),
        }
    }

    /// Read-modify-write under an exclusive lock (a sibling `progress.json.lock` file held
    /// with `File::lock` for the whole cycle), writing atomically: temp file in the same
    /// folder, write, fsync the file, rename over the original, fsync the folder. Returns the
    /// new progress and any warning from loading.
    ///
    /// `f` runs while the lock is held: it should not block, and must not use the store
    /// itself (a second lock from the same process waits for the first: a deadlock).
    pub fn update(
        &self,
        f: impl FnOnce(&mut Progress),
    ) -> Result<(Progress, Option<String>), String> {
        let dir = self.dir();
        fs::create_dir_all(&dir).map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
        let _lock = self.lock()?;
        let (mut progress, old, warning) = match self.load_locked() {
            Loaded::Found(progress, value) => (progress, Some(value), None),
            Loaded::Missing => (Progress::default(), None, None),
            Loaded::SetAside(warning) => (Progress::default(), None, Some(warning)),
            Loaded::Stuck(what) => return Err(format!("{what}, so it was not overwritten.")),
        };
        f(&mut progress);
        let mut value = serde_json::to_value(&progress)
            .map_err(|e| format!("cannot write `{}`: {e}", self.path.display()))?;
        if let Some(old) = &old {
            carry_unknown(old, &mut value);
        }
        let mut bytes = serde_json::to_vec_pretty(&value)
            .map_err(|e| format!("cannot write `{}`: {e}", self.path.display()))?;
        bytes.push(b'\n');
        self.remove_stale_temps();
        self.write_atomically(&bytes)?;
        Ok((progress, warning))
    }

    /// Record steps seen passing (step id, Unix nanoseconds of the act that passed it),
    /// keeping the first pass of each: what `watch` saw counts for a later `check`.
    pub fn record_passes(&self, lab: &str, passes: &[(String, i64)]) -> Result<(), String> {
        if passes.is_empty() {
            return Ok(());
        }
        let now = unix_now();
        self.update(|p| {
            let lp = p.labs.entry(lab.to_owned()).or_default();
            for (step, at) in passes {
                let sp = lp.steps.entry(step.clone()).or_default();
                if sp.passed_at.is_none() {
                    sp.passed_at = Some(now);
                    sp.evidence_at = Some(*at);
                }
            }
        })
        .map(|_| ())
    }

    /// Remove one lab's progress (or all when `None`), through [`Store::update`].
    pub fn reset(&self, lab: Option<&str>) -> Result<(), String> {
        self.update(|p| match lab {
            Some(id) => {
                p.labs.remove(id);
            }
            None => p.labs.clear(),
        })
        .map(|_| ())
    }

    fn dir(&self) -> PathBuf {
        match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    /// Take the exclusive lock; it is released when the returned file is dropped (or the
    /// process dies).
    fn lock(&self) -> Result<File, String> {
        let path = sibling(&self.path, ".lock");
        // Never truncated or deleted: other processes may hold or wait for a lock on it.
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| format!("cannot open the lock file `{}`: {e}", path.display()))?;
        file.lock()
            .map_err(|e| format!("cannot lock `{}`: {e}", path.display()))?;
        Ok(file)
    }

    /// Read the file; move it aside if it is damaged. Only with the lock held.
    fn load_locked(&self) -> Loaded {
        let reason = match read(&self.path) {
            Ok(Some((progress, value))) => return Loaded::Found(progress, value),
            Ok(None) => return Loaded::Missing,
            Err(reason) => reason,
        };
        match self.set_aside() {
            Ok(aside) => Loaded::SetAside(format!(
                "`{}` could not be read ({reason}); it was moved to `{}` and progress starts \
                 empty.",
                self.path.display(),
                aside.display()
            )),
            Err(e) => Loaded::Stuck(format!(
                "`{}` could not be read ({reason}) and not be moved aside ({e})",
                self.path.display()
            )),
        }
    }

    /// Rename the file to `<name>.corrupt-<unix-seconds>`, or `…-<seconds>-N` when that name
    /// is taken: an earlier damaged copy is the learner's data too. Only with the lock held,
    /// which makes the check-then-rename safe between docklings processes.
    fn set_aside(&self) -> io::Result<PathBuf> {
        let secs = unix_now();
        for n in 0..1000u32 {
            let suffix = match n {
                0 => format!(".corrupt-{secs}"),
                _ => format!(".corrupt-{secs}-{n}"),
            };
            let aside = sibling(&self.path, &suffix);
            // `symlink_metadata`: a dangling link counts as taken too.
            if fs::symlink_metadata(&aside).is_ok() {
                continue;
            }
            fs::rename(&self.path, &aside)?;
            // Best effort: if the rename is lost in a power cut, the damaged file is simply
            // found again next time.
            let _ = sync_dir(&self.dir());
            return Ok(aside);
        }
        Err(io::Error::other("too many earlier damaged copies"))
    }

    /// Remove temporary files left by writers that died before their rename.
    fn remove_stale_temps(&self) {
        let Some(name) = self.path.file_name() else {
            return;
        };
        let mut prefix = name.to_os_string();
        prefix.push(".tmp-");
        let prefix = prefix.as_encoded_bytes();
        let Ok(entries) = fs::read_dir(self.dir()) else {
            return;
        };
        let now = SystemTime::now();
        for entry in entries.flatten() {
            if !entry.file_name().as_encoded_bytes().starts_with(prefix) {
                continue;
            }
            let stale = entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| now.duration_since(t).is_ok_and(|age| age > STALE_TEMP));
            if stale {
                let _ = fs::remove_file(entry.path());
            }
        }
    }

    /// Through the one atomic write (`store::atomic`): temp file, fsync, rename, fsync the
    /// folder; its temporary siblings are the `.tmp-` files `remove_stale_temps` sweeps.
    fn write_atomically(&self, bytes: &[u8]) -> Result<(), String> {
        crate::store::atomic::write(&self.path, bytes)
            .map_err(|e| format!("cannot write `{}`: {e}", self.path.display()))
    }
}

/// `Ok(None)` when the file does not exist; `Err(reason)` when it cannot be read or is not
/// progress data.
fn read(path: &Path) -> Result<Option<(Progress, Value)>, String> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        // A file where a folder of the path should be: there is no progress file either.
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            return Ok(None);
        }
        Err(e) => return Err(e.to_string()),
    };
    let value: Value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
    let progress = Progress::deserialize(&value).map_err(|e| e.to_string())?;
    Ok(Some((progress, value)))
}

/// Copy into `new` the fields of `old` that this version does not know, at each level that is
/// a struct (the document, a lab, a step). `new` was serialized from the structs, so it has
/// every known field: any key of `old` it lacks is unknown. Map levels (`labs`, `steps`,
/// `answers`) are left alone, so removed entries stay removed.
fn carry_unknown(old: &Value, new: &mut Value) {
    fn fields(old: &Value, new: &mut Value) {
        if let (Some(old), Some(new)) = (old.as_object(), new.as_object_mut()) {
            for (key, value) in old {
                if !new.contains_key(key) {
                    new.insert(key.clone(), value.clone());
                }
            }
        }
    }
    fn entries(old: &Value, new: &mut Value, key: &str, each: fn(&Value, &mut Value)) {
        let (Some(old), Some(new)) = (
            old.get(key).and_then(Value::as_object),
            new.get_mut(key).and_then(Value::as_object_mut),
        ) else {
            return;
        };
        for (id, new_entry) in new.iter_mut() {
            if let Some(old_entry) = old.get(id) {
                each(old_entry, new_entry);
            }
        }
    }
    fields(old, new);
    entries(old, new, "labs", |old_lab, new_lab| {
        fields(old_lab, new_lab);
        entries(old_lab, new_lab, "steps", fields);
    });
}

/// `path` with `suffix` appended to its file name.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path
        .file_name()
        .map_or_else(|| OsString::from("progress.json"), OsString::from);
    name.push(suffix);
    path.with_file_name(name)
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

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::io::{BufRead, BufReader, Read};
    use std::process::{Child, Command, Stdio};
    use std::sync::mpsc;
    use std::time::Instant;

    fn store_in(dir: &tempfile::TempDir) -> Store {
        Store::at(dir.path().join("progress.json"))
    }

    fn tempdir() -> tempfile::TempDir {
        tempfile::tempdir().expect("temporary folder")
    }

    /// Files in `dir` whose names start with `prefix`, sorted.
    fn files_starting(dir: &Path, prefix: &str) -> Vec<PathBuf> {
        let mut found: Vec<PathBuf> = fs::read_dir(dir)
            .expect("read folder")
            .map(|e| e.expect("entry").path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(prefix))
            })
            .collect();
        found.sort();
        found
    }

    fn sample() -> Progress {
        let mut p = Progress::default();
        let lab = p.labs.entry("published-web".into()).or_default();
        lab.started_at = Some(1_700_000_000);
        lab.current_step = Some("browse".into());
        lab.steps.insert(
            "run".into(),
            StepProgress {
                passed_at: Some(1_700_000_100),
                evidence_at: Some(1_700_000_099_500_000_000),
                hints_used: 2,
                solved_with_help: true,
            },
        );
        lab.steps.insert(
            "browse".into(),
            StepProgress {
                hints_used: 1,
                ..Default::default()
            },
        );
        lab.answers
            .insert("browse".into(), "8088 → 80 \"quoted\"".into());
        p.labs.entry("hello-diamol".into()).or_default();
        p
    }

    #[test]
    fn round_trip() {
        let dir = tempdir();
        let store = store_in(&dir);
        let (written, warning) = store.update(|p| *p = sample()).expect("update a new file");
        assert_eq!(warning, None);
        assert_eq!(written, sample());
        assert_eq!(store.load(), (sample(), None));

        let lab = &written.labs["published-web"];
        assert!(lab.passed("run"));
        assert!(!lab.passed("browse"));
        assert!(!lab.passed("no-such-step"));
        assert_eq!(lab.passed_count(), 1);

        // Pretty, newline-terminated JSON that a learner can read.
        let text = fs::read_to_string(store.path()).expect("read");
        assert!(text.starts_with("{\n  \""), "{text}");
        assert!(text.ends_with("}\n"));
        assert!(text.contains("\"version\": 1"));
        // Only the data file and its lock are left: no temporary files.
        let names: Vec<_> = files_starting(dir.path(), "")
            .into_iter()
            .map(|p| p.file_name().expect("name").to_owned())
            .collect();
        assert_eq!(names, ["progress.json", "progress.json.lock"]);
    }

    #[test]
    fn missing_file_is_empty_and_creates_nothing() {
        let dir = tempdir();
        let store = Store::at(dir.path().join("sub/folder/progress.json"));
        assert_eq!(store.load(), (Progress::default(), None));
        assert_eq!(Progress::default().version, 1);
        assert!(
            !dir.path().join("sub").exists(),
            "load must not create anything"
        );
        // `update` creates the folders.
        store
            .update(|p| {
                p.labs.entry("x".into()).or_default().started_at = Some(5);
            })
            .expect("update");
        assert_eq!(store.load().0.labs["x"].started_at, Some(5));
    }

    #[test]
    fn default_location_is_in_the_data_folder() {
        let store = Store::default_location();
        assert_eq!(
            store.path(),
            crate::store::home::data_dir()
                .join("progress.json")
                .as_path()
        );
    }

    #[test]
    fn damaged_files_are_set_aside_and_kept() {
        let valid = serde_json::to_vec_pretty(&sample()).expect("json");
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("garbage", b"this is not json at all".to_vec()),
            ("truncated", valid[..valid.len() / 2].to_vec()),
            ("binary", (0..=255u8).cycle().take(1000).collect()),
            ("empty", Vec::new()),
            ("wrong shape", br#"{"version": 1, "labs": 5}"#.to_vec()),
            ("null", b"null".to_vec()),
            (
                "negative count",
                br#"{"labs": {"a": {"steps": {"s": {"hints_used": -1}}}}}"#.to_vec(),
            ),
        ];
        for (what, bytes) in cases {
            for via_update in [false, true] {
                let dir = tempdir();
                let store = store_in(&dir);
                fs::write(store.path(), &bytes).expect("write");
                let warning = if via_update {
                    let (p, warning) = store
                        .update(|p| {
                            p.labs.entry("after".into()).or_default();
                        })
                        .expect("update over a damaged file");
                    assert_eq!(p.labs.keys().collect::<Vec<_>>(), ["after"], "{what}");
                    warning
                } else {
                    let (p, warning) = store.load();
                    assert_eq!(p, Progress::default(), "{what}");
                    assert!(!store.path().exists(), "{what}: moved, not copied");
                    warning
                };
                let warning = warning.unwrap_or_else(|| panic!("{what}: no warning"));
                let aside = files_starting(dir.path(), "progress.json.corrupt-");
                assert_eq!(aside.len(), 1, "{what}: {aside:?}");
                assert!(
                    warning.contains(&aside[0].display().to_string()),
                    "{what}: the warning names the copy: {warning}"
                );
                assert_eq!(fs::read(&aside[0]).expect("read aside"), bytes, "{what}");

                // From now on all is well.
                let (p, warning) = store
                    .update(|p| {
                        p.labs.entry("next".into()).or_default();
                    })
                    .expect("update after setting aside");
                assert_eq!(warning, None, "{what}");
                assert!(p.labs.contains_key("next"));
                assert_eq!(store.load(), (p, None), "{what}");
            }
        }
    }

    #[test]
    fn earlier_damaged_copies_are_never_overwritten() {
        let dir = tempdir();
        let store = store_in(&dir);
        let versions: [&[u8]; 3] = [b"first {", b"second [", b"third \0"];
        for bytes in versions {
            fs::write(store.path(), bytes).expect("write");
            assert!(store.load().1.is_some());
        }
        // Usually all three within one second: `.corrupt-S`, `.corrupt-S-1`, `.corrupt-S-2`.
        let aside = files_starting(dir.path(), "progress.json.corrupt-");
        let mut kept: Vec<Vec<u8>> = aside.iter().map(|p| fs::read(p).expect("read")).collect();
        kept.sort();
        let mut expected: Vec<Vec<u8>> = versions.iter().map(|b| b.to_vec()).collect();
        expected.sort();
        assert_eq!(kept, expected);
    }

    #[test]
    fn unknown_fields_are_tolerated_and_kept_missing_ones_default() {
        let dir = tempdir();
        let store = store_in(&dir);
        let future = r#"{
          "theme": "dark",
          "labs": {
            "published-web": {
              "started_at": 1700000000,
              "badges": ["fast"],
              "steps": { "run": { "passed_at": 1700000100, "xp": 5 }, "gone": {} }
            },
            "hello-diamol": { "notes": "kept until the lab is reset" }
          }
        }"#;
        fs::write(store.path(), future).expect("write");
        let (p, warning) = store.load();
        assert_eq!(warning, None);
        assert_eq!(p.version, 1, "missing version defaults to 1");
        let lab = &p.labs["published-web"];
        assert_eq!(lab.started_at, Some(1_700_000_000));
        assert_eq!(lab.current_step, None);
        assert_eq!(lab.steps["run"].hints_used, 0);
        assert!(lab.passed("run"));

        store
            .update(|p| {
                let lab = p.labs.get_mut("published-web").expect("lab");
                lab.steps.remove("gone");
                lab.steps.get_mut("run").expect("step").hints_used = 3;
                lab.current_step = Some("browse".into());
            })
            .expect("update");
        let v: Value =
            serde_json::from_slice(&fs::read(store.path()).expect("read")).expect("json");
        assert_eq!(v["theme"], "dark");
        assert_eq!(v["labs"]["published-web"]["badges"][0], "fast");
        assert_eq!(v["labs"]["published-web"]["steps"]["run"]["xp"], 5);
        assert_eq!(v["labs"]["published-web"]["steps"]["run"]["hints_used"], 3);
        assert_eq!(v["labs"]["published-web"]["current_step"], "browse");
        assert!(v["labs"]["published-web"]["steps"].get("gone").is_none());
        assert_eq!(
            v["labs"]["hello-diamol"]["notes"],
            "kept until the lab is reset"
        );

        store.reset(Some("hello-diamol")).expect("reset one");
        let v: Value =
            serde_json::from_slice(&fs::read(store.path()).expect("read")).expect("json");
        assert!(v["labs"].get("hello-diamol").is_none());
        assert!(v["labs"].get("published-web").is_some());
        store.reset(None).expect("reset all");
        let (p, warning) = store.load();
        assert_eq!(warning, None);
        assert!(p.labs.is_empty());
    }

    #[test]
    fn reset_on_a_missing_file_and_unknown_lab() {
        let dir = tempdir();
        let store = store_in(&dir);
        store.reset(Some("nope")).expect("reset");
        store.update(|p| *p = sample()).expect("update");
        store.reset(Some("nope")).expect("reset");
        assert_eq!(store.load().0, sample());
        store.reset(Some("published-web")).expect("reset");
        assert_eq!(
            store.load().0.labs.keys().collect::<Vec<_>>(),
            ["hello-diamol"]
        );
    }

    #[test]
    fn errors_are_sentences_naming_the_path() {
        let dir = tempdir();
        let blocker = dir.path().join("a-file");
        fs::write(&blocker, "x").expect("write");
        let store = Store::at(blocker.join("progress.json"));
        let err = store
            .update(|_| {})
            .expect_err("a file where the folder should be");
        assert!(err.starts_with("cannot create `"), "{err}");
        assert!(err.contains(&blocker.display().to_string()), "{err}");
        // And `load` neither fails nor panics.
        assert_eq!(store.load(), (Progress::default(), None));
    }

    #[test]
    fn stale_temporary_files_are_ignored_then_removed() {
        let dir = tempdir();
        let store = store_in(&dir);
        let old = dir.path().join("progress.json.tmp-999999");
        let fresh = dir.path().join("progress.json.tmp-888888");
        for tmp in [&old, &fresh] {
            fs::write(tmp, "{ half a fil").expect("write");
        }
        File::options()
            .write(true)
            .open(&old)
            .expect("open")
            .set_modified(SystemTime::now() - Duration::from_secs(120))
            .expect("set mtime");
        // Never mistaken for the real file.
        assert_eq!(store.load(), (Progress::default(), None));
        store.update(|p| *p = sample()).expect("update");
        assert!(!old.exists(), "a leftover older than a minute is removed");
        assert!(fresh.exists(), "a recent one may belong to a live writer");
        assert_eq!(store.load(), (sample(), None));
    }

    /// What the stress tests' writers do in one update: count under their own step and under
    /// a shared one.
    fn bump(p: &mut Progress, name: &str) {
        let lab = p.labs.entry("stress".into()).or_default();
        lab.steps.entry(name.into()).or_default().hints_used += 1;
        lab.steps.entry("shared".into()).or_default().hints_used += 1;
    }

    fn count(p: &Progress, name: &str) -> u32 {
        p.labs
            .get("stress")
            .and_then(|l| l.steps.get(name))
            .map_or(0, |s| s.hints_used)
    }

    #[test]
    fn threads_lose_nothing_and_readers_never_see_half_a_file() {
        let dir = tempdir();
        let store = store_in(&dir);
        let done = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|s| {
            let reader = s.spawn(|| {
                let mut reads = 0;
                while !done.load(std::sync::atomic::Ordering::Relaxed) {
                    let (_, warning) = store.load();
                    assert_eq!(warning, None);
                    reads += 1;
                }
                reads
            });
            let writers: Vec<_> = (0..4)
                .map(|t| {
                    let store = store.clone();
                    s.spawn(move || {
                        for _ in 0..50 {
                            store.update(|p| bump(p, &format!("t{t}"))).expect("update");
                        }
                    })
                })
                .collect();
            let writers: Vec<_> = writers.into_iter().map(|w| w.join()).collect();
            // Stop the reader before judging the writers: a failed writer must fail the
            // test, not leave the reader spinning forever.
            done.store(true, std::sync::atomic::Ordering::Relaxed);
            let reads = reader.join().expect("reader");
            assert!(writers.iter().all(Result::is_ok), "a writer failed");
            assert!(reads > 0);
        });
        let (p, warning) = store.load();
        assert_eq!(warning, None);
        for t in 0..4 {
            assert_eq!(count(&p, &format!("t{t}")), 50);
        }
        assert_eq!(count(&p, "shared"), 200);
    }

    // ## Child processes
    //
    // Threads share one process; the real risk is separate docklings processes. The stress
    // tests below run this test binary again, selecting only `child_helper`, which then acts
    // as a writer as the variable `DOCKLINGS_PROGRESS_CHILD=<path>:<name>:<n>` says.

    const CHILD_ENV: &str = "DOCKLINGS_PROGRESS_CHILD";
    /// Marks the child's own lines among the test harness's output.
    const MARK: &str = "docklings-child:";

    /// Not a test: the body of the stress tests' child processes. Without the variable (as in
    /// `cargo test -- --ignored`) it returns at once.
    #[test]
    #[ignore = "run by the stress tests in a child process"]
    fn child_helper() {
        let Ok(spec) = std::env::var(CHILD_ENV) else {
            return;
        };
        // From the right: the path may contain `:`.
        let mut parts = spec.rsplitn(3, ':');
        let n: u64 = parts.next().and_then(|n| n.parse().ok()).expect("count");
        let name = parts.next().expect("name").to_owned();
        let store = Store::at(parts.next().expect("path"));
        // Printed only once the process is up, so the parent can time its kill into the loop.
        // Should the parent die, the next `println!` fails on the closed pipe and panics,
        // which ends this process too: no orphan keeps writing.
        println!("{MARK}ready");
        let start = Instant::now();
        for i in 1..=n {
            store.update(|p| bump(p, &name)).expect("update");
            // After `update` returned: the parent checks that acknowledged updates survive.
            println!("{MARK}done {i}");
        }
        println!("{MARK}took {} ms", start.elapsed().as_millis());
    }

    /// A child process, killed if the test panics before it is waited for.
    struct ChildGuard(Child);

    impl Drop for ChildGuard {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    fn spawn_child(path: &Path, name: &str, n: u64) -> ChildGuard {
        let module = module_path!();
        // Test names leave out the crate: `progress::tests::child_helper`.
        let module = module.split_once("::").map_or(module, |(_, rest)| rest);
        let exe = std::env::current_exe().expect("the test binary");
        let child = Command::new(exe)
            .args(["--ignored", "--exact", &format!("{module}::child_helper")])
            .args(["--nocapture", "--test-threads=1", "-q"])
            .env(CHILD_ENV, format!("{}:{name}:{n}", path.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn the test binary");
        ChildGuard(child)
    }

    /// The child's marked lines, sent as they come, until it exits.
    fn child_lines(child: &mut ChildGuard) -> mpsc::Receiver<String> {
        let stdout = child.0.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                // With `--nocapture` the harness may print on the same line before ours.
                if let Some(at) = line.find(MARK)
                    && tx.send(line[at + MARK.len()..].to_owned()).is_err()
                {
                    break;
                }
            }
        });
        rx
    }

    #[test]
    fn processes_updating_at_once_lose_nothing() {
        const CHILDREN: u32 = 4;
        const UPDATES: u32 = 100;
        let dir = tempdir();
        let store = store_in(&dir);
        let started = Instant::now();
        let children: Vec<_> = (0..CHILDREN)
            .map(|c| spawn_child(store.path(), &format!("c{c}"), UPDATES.into()))
            .collect();
        let mut took = Vec::new();
        for mut child in children {
            // Their output is small: reading one child to the end never stalls the others.
            let (mut stdout, mut stderr) = (String::new(), String::new());
            let out = child.0.stdout.take().expect("stdout");
            let err = child.0.stderr.take().expect("stderr");
            BufReader::new(out)
                .read_to_string(&mut stdout)
                .expect("stdout");
            BufReader::new(err)
                .read_to_string(&mut stderr)
                .expect("stderr");
            let status = child.0.wait().expect("wait");
            assert!(
                status.success() && stdout.contains(&format!("{MARK}done {UPDATES}\n")),
                "child failed: {status}\n{stdout}\n{stderr}"
            );
            took.extend(
                stdout
                    .lines()
                    .filter_map(|l| l.split_once(MARK)?.1.strip_prefix("took "))
                    .map(str::to_owned),
            );
        }
        let (p, warning) = store.load();
        assert_eq!(warning, None);
        for c in 0..CHILDREN {
            assert_eq!(count(&p, &format!("c{c}")), UPDATES, "child c{c}");
        }
        assert_eq!(count(&p, "shared"), CHILDREN * UPDATES);
        eprintln!(
            "{CHILDREN} processes × {UPDATES} updates in {:?} (children: {took:?})",
            started.elapsed()
        );
    }

    /// xorshift64: deterministic pseudo-random kill times without a dependency.
    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.0 = x;
            x
        }
    }

    #[test]
    fn kill_9_never_corrupts_or_loses_acknowledged_updates() {
        const ROUNDS: u32 = 20;
        let dir = tempdir();
        let store = store_in(&dir);
        // A file of some size, so that writes take a while and kills land inside them too.
        store
            .update(|p| {
                let lab = p.labs.entry("bulk".into()).or_default();
                for i in 0..300 {
                    lab.answers.insert(
                        format!("step-{i:03}"),
                        "docker run -d -p 8088:80 ".repeat(4),
                    );
                }
            })
            .expect("seed the file");
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        let mut shared = 0;
        let mut landed = 0;
        let mut unreported = 0;
        let started = Instant::now();
        for round in 0..ROUNDS {
            let name = format!("k{round}");
            let mut child = spawn_child(store.path(), &name, 1_000_000);
            let lines = child_lines(&mut child);
            let ready = lines.recv_timeout(Duration::from_secs(20));
            assert_eq!(
                ready.as_deref(),
                Ok("ready"),
                "round {round}: the child did not start"
            );
            std::thread::sleep(Duration::from_millis(5 + rng.next() % 56));
            child.0.kill().expect("SIGKILL");
            let status = child.0.wait().expect("wait");
            assert!(
                !status.success(),
                "round {round}: the child finished before the kill"
            );
            // The pipe holds every line the child wrote before it died.
            let acknowledged = lines
                .iter()
                .filter_map(|l| l.strip_prefix("done ")?.parse::<u32>().ok())
                .max()
                .unwrap_or(0);

            let (p, warning) = store.load();
            assert_eq!(warning, None, "round {round}: the file is damaged");
            assert_eq!(p.labs["bulk"].answers.len(), 300, "round {round}");
            let mine = count(&p, &name);
            // Every update the child saw return is there; at most one more landed between
            // its rename and its report.
            assert!(
                (acknowledged..=acknowledged + 1).contains(&mine),
                "round {round}: acknowledged {acknowledged}, file has {mine}"
            );
            let now = count(&p, "shared");
            assert!(now >= shared, "round {round}: the counter went back");
            assert_eq!(now, shared + mine, "round {round}: an update was lost");
            shared = now;
            landed += u32::from(mine > 0);
            unreported += u32::from(mine > acknowledged);
        }
        assert!(
            landed >= ROUNDS / 2,
            "most kills should land inside the update loop"
        );
        // The lock was not left held by a dead process, and the file is fine for writing.
        let (p, warning) = store
            .update(|p| bump(p, "after"))
            .expect("update after the kills");
        assert_eq!(warning, None);
        assert_eq!(count(&p, "shared"), shared + 1);
        eprintln!(
            "{ROUNDS} kills ({landed} after some updates, {unreported} between a rename and its \
             report), {shared} updates survived, {} leftover temp files, in {:?}",
            files_starting(dir.path(), "progress.json.tmp-").len(),
            started.elapsed()
        );
    }
}
