//! Finding what the user named on the command line: a lab by id, a step by id or number,
//! the labs of `LAB… | --all`. Every command that takes a lab or a step goes through here,
//! so "there is no lab" reads the same everywhere and always offers the nearest name.

use crate::app::{Failure, Result};
use crate::lab::{Catalog, Lab};

/// The lab `id`, or the one "no such lab" failure.
pub(crate) fn lab<'c>(cat: &'c Catalog, id: &str) -> Result<&'c Lab> {
    cat.get(id).ok_or_else(|| {
        let ids = cat.ids();
        let near = nearest(id, &ids)
            .map(|i| format!(" Did you mean `{i}`?"))
            .unwrap_or_default();
        Failure::BadInput(format!(
            "there is no lab `{id}`.{near} Labs: {}",
            ids.join(", ")
        ))
    })
}

/// The index of a lab's step named by id or by number (1-based), or the one "no such step"
/// failure.
pub(crate) fn step_index(lab: &Lab, key: &str) -> Result<usize> {
    lab.step(key)
        .map(|(i, _)| i)
        .ok_or_else(|| Failure::BadInput(no_such_step(lab, key)))
}

/// "Lab X has no step Y", with the nearest step id and every way to name one.
pub(crate) fn no_such_step(lab: &Lab, key: &str) -> String {
    let ids: Vec<&str> = lab.steps.iter().map(|s| s.id.as_str()).collect();
    let near = nearest(key, &ids)
        .map(|i| format!(" Did you mean `{i}`?"))
        .unwrap_or_default();
    format!(
        "lab `{}` has no step `{key}`.{near} Its steps are {} (or 1..{}).",
        lab.id,
        ids.join(", "),
        lab.steps.len()
    )
}

/// The labs of a `LAB… [--all]` argument list: all of them with `--all`, else the ones
/// named. Naming none without `--all` is refused rather than read as "all", so a CI script
/// with an empty variable does not silently grade everything.
pub(crate) fn labs_named<'c>(cat: &'c Catalog, ids: &[String], all: bool) -> Result<Vec<&'c Lab>> {
    if all {
        return Ok(cat.labs.iter().collect());
    }
    if ids.is_empty() {
        return Err(Failure::BadInput(format!(
            "name the labs, or use --all. Labs: {}",
            cat.ids().join(", ")
        )));
    }
    ids.iter().map(|id| lab(cat, id)).collect()
}

/// The candidate the user most likely meant: one that contains what they typed (or is
/// contained in it, e.g. `published` for `published-web`), else the closest by edit
/// distance, if it is close enough to be a typo rather than another word.
fn nearest<'a>(typed: &str, candidates: &[&'a str]) -> Option<&'a str> {
    if let Some(c) = candidates
        .iter()
        .find(|c| c.contains(typed) || typed.contains(**c))
    {
        return Some(c);
    }
    let allowed = (typed.chars().count() / 3).max(2);
    candidates
        .iter()
        .map(|c| (edit_distance(typed, c), *c))
        .filter(|(d, _)| *d <= allowed)
        .min()
        .map(|(_, c)| c)
}

/// Levenshtein distance: the fewest one-character insertions, deletions and substitutions
/// that turn `a` into `b`.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    // One row of the classic table at a time: `prev[j]` is the distance from the first i
    // characters of `a` to the first j of `b`.
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = prev[j] + usize::from(ca != *cb);
            cur.push(substitute.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
        assert_eq!(edit_distance("첫실습", "첫실험"), 1);
    }

    #[test]
    fn the_nearest_name_is_a_part_or_a_typo_never_a_stranger() {
        let ids = ["hello-docker", "published-web", "networks"];
        assert_eq!(nearest("published", &ids), Some("published-web"));
        assert_eq!(nearest("helo-docker", &ids), Some("hello-docker"));
        assert_eq!(nearest("netwroks", &ids), Some("networks"));
        assert_eq!(nearest("volumes", &ids), None);
    }

    #[test]
    fn unknown_labs_and_steps_are_bad_input_naming_the_nearest() {
        let cat = Catalog::load(&crate::lab::embedded_sources()).expect("embedded labs load");
        let first = &cat.labs[0];
        let typo = format!("{}x", first.id);
        let Err(Failure::BadInput(m)) = lab(&cat, &typo) else {
            panic!("a typo must be bad input");
        };
        assert!(m.contains(&format!("Did you mean `{}`?", first.id)), "{m}");
        let step = &first.steps[0].id;
        let Err(Failure::BadInput(m)) = step_index(first, &format!("{step}x")) else {
            panic!("a step typo must be bad input");
        };
        assert!(m.contains(&format!("Did you mean `{step}`?")), "{m}");
        assert!(matches!(step_index(first, "1"), Ok(0)));
        assert!(matches!(
            labs_named(&cat, &[], false),
            Err(Failure::BadInput(_))
        ));
        assert_eq!(
            labs_named(&cat, &[], true).map(|v| v.len()).ok(),
            Some(cat.labs.len())
        );
    }
}
