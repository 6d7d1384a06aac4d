//! Where labs come from: the copy compiled into the binary or a folder on disk, each read
//! with the files it hands to the learner, and the `Catalog` of all labs loaded from them.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use super::MAX_LAB_BYTES;
use super::load::load;
use super::model::{Lab, LabError};

/// Where lab files come from: the binary's embedded copy or a folder on disk.
#[derive(Clone, Debug)]
pub(crate) struct LabSource {
    /// Path shown in messages.
    pub(crate) path: PathBuf,
    /// The file's text, or why it could not be read: kept as an error so that `load`
    /// reports it beside the other labs' problems instead of stopping at the first.
    pub(crate) text: Result<String, String>,
    /// Reads a file named relative to the lab file (already checked to stay inside).
    pub(crate) files: FileReader,
}

/// How a source reads the files its lab hands to the learner: from the folder beside the
/// lab file, or from the copy embedded with it.
#[derive(Clone, Debug)]
pub(crate) enum FileReader {
    Disk(PathBuf),
    Embedded(&'static include_dir::Dir<'static>),
}

impl FileReader {
    pub(super) fn read(&self, rel: &str) -> Result<Vec<u8>, String> {
        match self {
            FileReader::Disk(dir) => {
                let p = dir.join(rel);
                std::fs::read(&p).map_err(|e| format!("cannot read `{}`: {e}", p.display()))
            }
            FileReader::Embedded(dir) => dir
                .get_file(dir.path().join(rel))
                .map(|f| f.contents().to_vec())
                .ok_or_else(|| format!("`{rel}` is not in the embedded labs")),
        }
    }
}

/// A relative path that stays inside the lab's folder: no `..`, not absolute, not empty.
pub(super) fn is_contained(rel: &str) -> bool {
    let p = Path::new(rel);
    !rel.is_empty()
        && p.components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

/// The labs compiled into the binary (the repository's `labs/` folder).
static EMBEDDED: include_dir::Dir<'static> = include_dir::include_dir!("$CARGO_MANIFEST_DIR/labs");

/// Find lab files: `DIR/*.yaml` and `DIR/*/lab.yaml`.
pub(crate) fn sources_in_dir(dir: &Path) -> Result<Vec<LabSource>, String> {
    let rd = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read the labs folder `{}`: {e}", dir.display()))?;
    let mut out = Vec::new();
    let mut entries: Vec<_> = rd.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            let f = p.join("lab.yaml");
            if f.is_file() {
                out.push(source_from_file(&f));
            }
        } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(source_from_file(&p));
        }
    }
    Ok(out)
}

/// Read one lab file from disk (size-limited before reading it all).
pub(crate) fn source_from_file(path: &Path) -> LabSource {
    let text = match std::fs::metadata(path) {
        Ok(m) if m.len() > MAX_LAB_BYTES as u64 => Err(format!(
            "the file is {} KiB; a lab file may be at most {} KiB",
            m.len() / 1024,
            MAX_LAB_BYTES / 1024
        )),
        Ok(_) => std::fs::read(path)
            .map_err(|e| format!("cannot read it: {e}"))
            .and_then(|b| String::from_utf8(b).map_err(|_| "it is not UTF-8 text".to_owned())),
        Err(e) => Err(format!("cannot read it: {e}")),
    };
    LabSource {
        path: path.to_path_buf(),
        text,
        files: FileReader::Disk(path.parent().unwrap_or(Path::new(".")).to_path_buf()),
    }
}

/// The embedded labs as sources, in folder order.
pub(crate) fn embedded_sources() -> Vec<LabSource> {
    let mut out = Vec::new();
    for d in EMBEDDED.dirs() {
        if let Some(f) = d.get_file(d.path().join("lab.yaml")) {
            out.push(LabSource {
                path: Path::new("labs").join(f.path()),
                text: f
                    .contents_utf8()
                    .map(str::to_owned)
                    .ok_or_else(|| "it is not UTF-8 text".to_owned()),
                files: FileReader::Embedded(d),
            });
        }
    }
    out
}

/// A set of labs, sorted by chapter then id.
#[derive(Clone, Debug, Default)]
pub(crate) struct Catalog {
    pub(crate) labs: Vec<Lab>,
}

impl Catalog {
    /// Load every source; fails with all problems of all files.
    pub(crate) fn load(sources: &[LabSource]) -> Result<Catalog, Vec<LabError>> {
        let mut labs = Vec::new();
        let mut errs = Vec::new();
        let mut ids = HashSet::new();
        for s in sources {
            match load(s) {
                Ok(l) => {
                    if !ids.insert(l.id.clone()) {
                        errs.push(LabError {
                            path: s.path.clone(),
                            pos: None,
                            message: format!("lab id `{}` is used by another lab file", l.id),
                        });
                    }
                    labs.push(l)
                }
                Err(e) => errs.extend(e),
            }
        }
        if !errs.is_empty() {
            return Err(errs);
        }
        labs.sort_by(|a, b| {
            chapter_key(&a.chapter)
                .cmp(&chapter_key(&b.chapter))
                .then(a.id.cmp(&b.id))
        });
        Ok(Catalog { labs })
    }

    pub(crate) fn get(&self, id: &str) -> Option<&Lab> {
        self.labs.iter().find(|l| l.id == id)
    }

    pub(crate) fn ids(&self) -> Vec<&str> {
        self.labs.iter().map(|l| l.id.as_str()).collect()
    }
}

/// "2.10" sorts after "2.9"; chapters that are not numbers sort after the numbered ones.
fn chapter_key(ch: &str) -> Vec<Chunk> {
    let mut out = Vec::new();
    let mut rest = ch;
    while let Some(c) = rest.chars().next() {
        let digits = c.is_ascii_digit();
        let end = rest
            .find(|x: char| x.is_ascii_digit() != digits)
            .unwrap_or(rest.len());
        let (part, tail) = rest.split_at(end);
        out.push(match part.parse() {
            Ok(n) if digits => Chunk::Num(n),
            _ => Chunk::Text(part.to_owned()),
        });
        rest = tail;
    }
    out
}

/// A run of digits (compared as a number) or of anything else (compared as text); numbers
/// sort before text, so numbered chapters come before named ones.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Chunk {
    Num(u64),
    Text(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contained_paths() {
        assert!(is_contained("files/index.html"));
        assert!(!is_contained("../x"));
        assert!(!is_contained("/etc/passwd"));
        assert!(!is_contained("a/../../b"));
        assert!(!is_contained(""));
    }

    #[test]
    fn chapters_sort_naturally() {
        assert!(chapter_key("2.9") < chapter_key("2.10"));
        assert!(chapter_key("2.10") < chapter_key("week1"));
        assert!(chapter_key("lifecycle 3.2.2") < chapter_key("week1 3.2.3"));
        assert!(chapter_key("week1 3.2.3") < chapter_key("week1 3.2.14"));
        assert!(chapter_key("week1 5.1–5.3") < chapter_key("week1-network"));
    }
}
