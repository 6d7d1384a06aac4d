//! `unused`: nothing of the listed kinds lies unused on the engine — the state that
//! `docker system prune` (or the scoped `container`/`network`/`image`/`volume prune`)
//! leaves behind. Paired with `event` checks on the `prune` actions, a step certifies that
//! the learner pruned, whichever of the commands they chose.
//!
//! It reads the whole engine, not the lab's footprint: that is what a prune acts on.
//! `selftest` spares what was there before it began (`Ctx::spare`), because a proof must
//! never prune a learner's things — its solution prunes only what it labelled.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::kind::{Kind, Lint, LintCx};
use super::{Ctx, Probe, StepCx};
use crate::engine::EngineError;
use crate::lab::Footprint;
use crate::snapshot::Snapshot;
use crate::verdict::{Code, Finding, Value, Verdict};

/// `unused`: none of these kinds of unused things remain.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct UnusedCheck {
    /// What must not remain: `stopped_containers`, `networks` (user-defined, with no
    /// container attached), `dangling_images` (untagged, unused), `volumes` (mounted by no
    /// container).
    pub(crate) none: Vec<UnusedKind>,
}

/// The kinds of unused things a prune removes.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum UnusedKind {
    StoppedContainers,
    Networks,
    DanglingImages,
    Volumes,
}

impl UnusedKind {
    fn code(self) -> Code {
        match self {
            UnusedKind::StoppedContainers => Code::UnusedStoppedContainers,
            UnusedKind::Networks => Code::UnusedNetworks,
            UnusedKind::DanglingImages => Code::UnusedDanglingImages,
            UnusedKind::Volumes => Code::UnusedVolumes,
        }
    }
}

impl Kind for UnusedCheck {
    const NAME: &'static str = "unused";
    const EXAMPLE: Option<&'static str> = Some(
        r#"- unused:
    none: [stopped_containers, networks, dangling_images]
  fail:
    ko: "정지된 컨테이너나 쓰이지 않는 네트워크, 태그 없는 이미지가 남아 있습니다."
    en: "Stopped containers, unused networks or untagged images remain."
"#,
    );

    fn prepare(&mut self, _: &LintCx) -> Vec<Lint> {
        if self.none.is_empty() {
            return vec![Lint::at(
                "none",
                "`unused.none` is empty: it asserts nothing",
            )];
        }
        Vec::new()
    }

    fn footprint(&self, fp: &mut Footprint) {
        fp.unused = true;
    }

    async fn evaluate<P: Probe>(
        &self,
        cx: &Ctx<'_, P>,
        _: &StepCx<'_>,
        snap: &Snapshot,
    ) -> Result<Verdict, EngineError> {
        Ok(judge(self, snap, &cx.spare))
    }
}

fn judge(u: &UnusedCheck, snap: &Snapshot, spare: &std::collections::HashSet<String>) -> Verdict {
    let expected: Vec<Finding> = u
        .none
        .iter()
        .map(|k| Finding::new(Code::ExpectNoUnused).with("what", Finding::new(k.code())))
        .collect();
    let Some(found) = &snap.unused else {
        // The footprint asks for it: a snapshot without it is a bug, not a learner's fault.
        return Verdict::fail(Finding::new(Code::UnusedUnknown), expected, Vec::new());
    };
    let keep = |id: &str| !spare.contains(id);
    let mut observed = Vec::new();
    for k in &u.none {
        let left: Vec<String> = match k {
            UnusedKind::StoppedContainers => found
                .stopped_containers
                .iter()
                .filter(|(id, ..)| keep(id))
                .map(|(_, name, image)| format!("{name} ({image})"))
                .collect(),
            UnusedKind::Networks => found
                .networks
                .iter()
                .filter(|(id, _)| keep(id))
                .map(|(_, name)| name.clone())
                .collect(),
            UnusedKind::DanglingImages => found
                .dangling_images
                .iter()
                .filter(|id| keep(id))
                .map(|id| crate::engine::short_id(id).to_owned())
                .collect(),
            UnusedKind::Volumes => found.volumes.iter().filter(|v| keep(v)).cloned().collect(),
        };
        if !left.is_empty() {
            observed.push(
                Finding::new(Code::UnusedLeft)
                    .with("what", Finding::new(k.code()))
                    .with("count", left.len())
                    .with("names", Value::Names(left)),
            );
        }
    }
    if observed.is_empty() {
        Verdict::pass(
            Finding::new(Code::UnusedNone),
            expected,
            vec![Finding::new(Code::UnusedNone)],
        )
    } else {
        Verdict::fail(Finding::new(Code::UnusedRemain), expected, observed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::Lang;
    use crate::snapshot::Unused;
    use crate::words::render;

    #[test]
    fn what_remains_is_named_and_spared_things_do_not_count() {
        let s = Snapshot {
            unused: Some(Unused {
                stopped_containers: vec![("c1".into(), "old-web".into(), "nginx".into())],
                networks: vec![("n1".into(), "mine".into())],
                dangling_images: Vec::new(),
                volumes: vec!["data".into()],
            }),
            ..Default::default()
        };
        let check = UnusedCheck {
            none: vec![
                UnusedKind::StoppedContainers,
                UnusedKind::Networks,
                UnusedKind::DanglingImages,
            ],
        };
        let v = judge(&check, &s, &Default::default());
        assert!(!v.passed);
        let said: Vec<String> = v.observed.iter().map(|f| render(f, Lang::En)).collect();
        assert_eq!(
            said,
            [
                "1 stopped container(s) left: `old-web (nginx)`",
                "1 unused network(s) left: `mine`"
            ]
        );
        assert!(render(&v.observed[0], Lang::Ko).contains("정지된 컨테이너"));
        // The volume is not asked about; what selftest spares does not count.
        let spare = ["c1".to_owned(), "n1".to_owned()].into_iter().collect();
        assert!(judge(&check, &s, &spare).passed);
    }
}
