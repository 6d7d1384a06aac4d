//! docklings' own small records in its data folder: its archive reads, and a cache of
//! files read from containers.
//!
//! ## Archive reads
//!
//! Reading a file through the archive endpoint makes the engine log an `archive-path`
//! event, exactly as a learner's `docker cp` out of a container does. The event carries no
//! path, so the only way to keep our reads from counting as the learner's is to remember
//! when we made them. Each line is `container start_ns end_ns`; the file is kept small and
//! a missing or damaged one only means fewer exclusions, never an error.

use std::io::Write;

const FILE: &str = "probes.log";
const KEEP_LINES: usize = 2000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Window {
    pub(crate) container: String,
    pub(crate) start: i64,
    pub(crate) end: i64,
}

impl Window {
    /// Events are stamped a little after the request starts and before it ends; allow for
    /// clock granularity on both sides.
    pub(crate) fn covers(&self, t: i64) -> bool {
        const SLACK: i64 = 50_000_000;
        t >= self.start - SLACK && t <= self.end + SLACK
    }
}

pub(crate) fn record(container: &str, start: i64, end: i64) {
    let dir = crate::store::home::data_dir();
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let path = dir.join(FILE);
    // Trim now and then so the file never grows without bound.
    if std::fs::metadata(&path).is_ok_and(|m| m.len() > 256 * 1024)
        && let Ok(text) = std::fs::read_to_string(&path)
    {
        let lines: Vec<&str> = text.lines().collect();
        let keep = lines[lines.len().saturating_sub(KEEP_LINES / 2)..].join("\n");
        // Replaced whole, so a concurrent reader sees the old log or the trimmed one.
        let _ = super::atomic::write(&path, (keep + "\n").as_bytes());
    }
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
    {
        // One write call per line: appends of this size do not interleave.
        let _ = f.write_all(format!("{container} {start} {end}\n").as_bytes());
    }
}

pub(crate) fn windows() -> Vec<Window> {
    let Ok(text) = std::fs::read_to_string(crate::store::home::data_dir().join(FILE)) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|l| {
            let mut it = l.split_whitespace();
            Some(Window {
                container: it.next()?.to_owned(),
                start: it.next()?.parse().ok()?,
                end: it.next()?.parse().ok()?,
            })
        })
        .collect()
}

// ## File cache
//
// Content read from a container, keyed by container, path and the file's stat (size, mode,
// modification time). A stale or damaged entry is simply read again.

fn cache_path(container: &str, path: &str) -> std::path::PathBuf {
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(format!("{container}\0{path}").as_bytes());
    let name: String = h.iter().take(16).map(|b| format!("{b:02x}")).collect();
    crate::store::home::data_dir().join("cache").join(name)
}

/// Files larger than this are not worth keeping.
const CACHE_MAX_FILE: usize = 1024 * 1024;
/// Entries kept before the cache is emptied and starts over.
const CACHE_MAX_ENTRIES: usize = 256;

pub(crate) fn cached_file(container: &str, path: &str, key: &str) -> Option<Vec<u8>> {
    let bytes = std::fs::read(cache_path(container, path)).ok()?;
    let nl = bytes.iter().position(|b| *b == b'\n')?;
    (&bytes[..nl] == key.as_bytes()).then(|| bytes[nl + 1..].to_vec())
}

pub(crate) fn cache_file(container: &str, path: &str, key: &str, content: &[u8]) {
    if content.len() > CACHE_MAX_FILE || key.contains('\n') {
        return;
    }
    let file = cache_path(container, path);
    let Some(dir) = file.parent() else { return };
    if std::fs::read_dir(dir).is_ok_and(|d| d.count() > CACHE_MAX_ENTRIES) {
        let _ = std::fs::remove_dir_all(dir);
    }
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let mut data = Vec::with_capacity(key.len() + 1 + content.len());
    data.extend_from_slice(key.as_bytes());
    data.push(b'\n');
    data.extend_from_slice(content);
    // A reader never sees half an entry; a failed write only means a read next time.
    let _ = super::atomic::write(&file, &data);
}
