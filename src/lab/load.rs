//! Reading one lab file: size and indentation checks, YAML parsing with the parser's
//! messages reworded for authors, then `lint` for what the schema alone cannot say.
//! Every error carries the `line:col` it is about.

use super::MAX_LAB_BYTES;
use super::catalog::LabSource;
use super::file::LabFile;
use super::lint::lint;
use super::model::{Lab, LabError, Pos};

fn yaml_options() -> serde_saphyr::Options {
    // We print our own `path:line:col` and source line; the crate's snippet would repeat it.
    let mut o = serde_saphyr::Options::default();
    o.with_snippet = false;
    o
}

/// Parse and lint one lab. Returns every problem found, not just the first.
pub(crate) fn load(src: &LabSource) -> Result<Lab, Vec<LabError>> {
    let err = |pos: Option<Pos>, message: String| LabError {
        path: src.path.clone(),
        pos,
        message,
    };
    let text = match &src.text {
        Ok(t) => t,
        Err(e) => return Err(vec![err(None, e.clone())]),
    };
    if text.len() > MAX_LAB_BYTES {
        return Err(vec![err(
            None,
            format!(
                "the file is {} KiB; a lab file may be at most {} KiB",
                text.len() / 1024,
                MAX_LAB_BYTES / 1024
            ),
        )]);
    }
    if let Some(pos) = tab_in_indentation(text) {
        return Err(vec![err(
            Some(pos),
            "a tab in indentation: YAML indents with spaces only".into(),
        )]);
    }
    let file: LabFile = match serde_saphyr::from_str_with_options(text, yaml_options()) {
        Ok(f) => f,
        Err(e) => {
            let pos = e.location().map(|l| Pos {
                line: l.line(),
                col: l.column(),
            });
            return Err(vec![err(pos, clean_yaml_message(&e))]);
        }
    };
    lint(file, src)
}

/// The first tab in the leading whitespace of a line. Checked before parsing because the
/// parser's own complaint about it is vague and points elsewhere.
fn tab_in_indentation(text: &str) -> Option<Pos> {
    let (i, line) = text.lines().enumerate().find(|(_, l)| {
        let indent: String = l.chars().take_while(|c| c.is_whitespace()).collect();
        indent.contains('\t')
    })?;
    let col = line.chars().position(|c| c == '\t').unwrap_or(0) + 1;
    Some(Pos {
        line: i as u64 + 1,
        col: col as u64,
    })
}

/// The crate's message without its own location suffix, which we print in front instead.
fn clean_yaml_message(e: &serde_saphyr::Error) -> String {
    let msg = e.to_string();
    let first = msg.lines().next().unwrap_or("invalid YAML").trim();
    let re_at = regex::Regex::new(r"\s*(at line \d+,? col(umn)? \d+)\s*$").ok();
    let cleaned = match &re_at {
        Some(re) => re.replace(first, "").into_owned(),
        None => first.to_owned(),
    };
    if let Some(key) = cleaned.strip_prefix("duplicate mapping key: ") {
        let key = key.split(',').next().unwrap_or(key).trim();
        return format!("`{key}` is given twice: each key may appear once in a map");
    }
    if let Some(rest) = cleaned.strip_prefix("unknown field `")
        && let Some((field, expected)) = rest.split_once("`, expected one of ")
    {
        let options: Vec<&str> = expected.split(", ").map(|o| o.trim_matches('`')).collect();
        let hint = closest(field, options.iter().copied())
            .map(|o| format!(": did you mean `{o}`?"))
            .unwrap_or_default();
        return format!(
            "unknown key `{field}`{hint} (allowed here: {})",
            options.join(", ")
        );
    }
    if cleaned.starts_with("invalid u") || cleaned.starts_with("invalid i") {
        return "expected a whole number here".into();
    }
    if cleaned.is_empty() {
        "invalid YAML".into()
    } else {
        cleaned
    }
}

/// The candidate a misspelt `word` most likely meant, for a "did you mean": the nearest
/// one within two edits (ties go to the alphabetically first), or `None` when nothing is
/// that close, since a far-fetched suggestion misleads more than none.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, c)| c)
}

/// Levenshtein distance: how many characters to insert, delete or replace to turn `a`
/// into `b`.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
pub(super) mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::lab::{FileReader, Lang};

    /// A lab source with `text` and no readable files.
    pub(crate) fn src(text: &str) -> LabSource {
        LabSource {
            path: PathBuf::from("t/lab.yaml"),
            text: Ok(text.to_owned()),
            files: FileReader::Disk(PathBuf::from("/nonexistent")),
        }
    }

    /// The smallest valid lab; tests break it in one place.
    pub(crate) const MINIMAL: &str = r#"format_version: 1
id: demo
chapter: "2.1"
title: { ko: "데모", en: "Demo" }
steps:
  - id: one
    title: One
    body: "Run `docker run x`"
    solution: ["docker run x"]
    checks:
      - container:
          select: { image: x }
          state: exited
"#;

    pub(crate) fn first_err(text: &str) -> LabError {
        load(&src(text)).expect_err("must fail").remove(0)
    }

    #[test]
    fn minimal_lab_loads() {
        let lab = load(&src(MINIMAL)).expect("valid");
        assert_eq!(lab.id, "demo");
        assert_eq!(lab.title.get(Lang::Ko), "데모");
        assert_eq!(lab.steps[0].points, 1);
        assert_eq!(lab.steps[0].checks[0].kind.name(), "container");
        assert_eq!(lab.step("1").map(|s| s.0), Some(0));
        assert_eq!(lab.step("one").map(|s| s.0), Some(0));
        assert!(lab.step("2").is_none());
        assert!(lab.step("0").is_none());
    }

    #[test]
    fn misspelt_key_is_located() {
        let e = first_err(&MINIMAL.replace("state: exited", "stat: exited"));
        assert_eq!(e.pos, Some(Pos { line: 13, col: 11 }), "{e}");
        assert!(e.message.contains("did you mean `state`?"), "{e}");
    }

    #[test]
    fn duplicate_key_is_an_error() {
        let e = first_err(&MINIMAL.replace("chapter: \"2.1\"", "chapter: \"2.1\"\nchapter: x"));
        assert_eq!(e.pos.as_ref().map(|p| p.line), Some(4), "{e}");
    }

    #[test]
    fn tab_indentation_is_located() {
        let e = first_err(&MINIMAL.replace("  - id: one", "\t- id: one"));
        assert_eq!(e.pos, Some(Pos { line: 6, col: 1 }));
    }

    #[test]
    fn alias_bomb_is_refused_quickly() {
        let bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]\n";
        let errs = load(&src(bomb)).expect_err("must fail");
        assert!(!errs.is_empty());
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(load(&src(&deep)).is_err());
    }

    #[test]
    fn closest_suggests_only_near_words() {
        assert_eq!(edit_distance("stat", "state"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("hello-wrold", "hello-world"), 2);
        assert_eq!(closest("stat", ["select", "state", "tty"]), Some("state"));
        // Ties go to the alphabetically first candidate, so the hint never depends on order.
        assert_eq!(closest("ab", ["ac", "aa"]), Some("aa"));
        assert_eq!(closest("network", ["image", "name"]), None);
    }
}
