//! The learner's answers to a lab's questions: the ones `start` saved in the progress file,
//! overridden by `--answer STEP=VALUE` (or `LAB:STEP=VALUE` when grading several labs).

use std::collections::BTreeMap;

use crate::app::{Failure, Result};
use crate::lab::Lab;

/// Answers keyed by step id.
pub(crate) type Answers = BTreeMap<String, String>;

/// The answers `start` saved for this lab (none if there is no progress file).
pub(crate) fn saved(lab: &Lab) -> Answers {
    crate::progress::Store::default_location()
        .load()
        .0
        .labs
        .get(&lab.id)
        .map(|l| l.answers.clone())
        .unwrap_or_default()
}

/// The saved answers, overridden by `--answer` arguments.
pub(crate) fn saved_and_given(lab: &Lab, args: &[String]) -> Result<Answers> {
    let mut map = saved(lab);
    apply_args(lab, &mut map, args)?;
    Ok(map)
}

/// Apply `STEP=VALUE` and `LAB:STEP=VALUE` arguments meant for `lab`. A bare step another
/// lab has is skipped (one `grade` answers several labs at once), but naming this lab and a
/// step it lacks is a mistake worth stopping for.
fn apply_args(lab: &Lab, map: &mut Answers, args: &[String]) -> Result<()> {
    for arg in args {
        let (key, value) = arg.split_once('=').ok_or_else(|| {
            Failure::BadInput(format!(
                "`--answer {arg}`: write STEP=VALUE (or LAB:STEP=VALUE)"
            ))
        })?;
        let (for_lab, step) = match key.split_once(':') {
            Some((l, s)) => (Some(l), s),
            None => (None, key),
        };
        if for_lab.is_some_and(|l| l != lab.id) {
            continue;
        }
        match lab.step(step) {
            Some((_, s)) => {
                map.insert(s.id.clone(), value.to_owned());
            }
            None if for_lab.is_some() => {
                return Err(Failure::BadInput(format!(
                    "`--answer {arg}`: {}",
                    crate::lookup::no_such_step(lab, step)
                )));
            }
            None => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::Catalog;

    #[test]
    fn arguments_for_this_lab_override_and_others_are_skipped() {
        let cat = Catalog::load(&crate::lab::embedded_sources()).expect("embedded labs load");
        let lab = &cat.labs[0];
        let step = lab.steps[0].id.clone();
        let mut map = Answers::new();
        map.insert(step.clone(), "old".into());
        let args = [
            format!("{step}=new"),
            "other-lab:whatever=1".to_owned(),
            "no-such-step=2".to_owned(),
        ];
        apply_args(lab, &mut map, &args).expect("valid answers");
        assert_eq!(map.get(&step).map(String::as_str), Some("new"));
        assert_eq!(map.len(), 1);

        let bad = [format!("{}:no-such-step=2", lab.id)];
        assert!(matches!(
            apply_args(lab, &mut map, &bad),
            Err(Failure::BadInput(_))
        ));
        assert!(matches!(
            apply_args(lab, &mut map, &["novalue".to_owned()]),
            Err(Failure::BadInput(_))
        ));
    }
}
