//! `image`: an image exists under a reference (`name[:tag]`), or, with `absent`, no longer
//! does (`docker rmi`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::kind::{Kind, Lint, LintCx};
use super::{Ctx, Probe, StepCx};
use crate::engine::EngineError;
use crate::lab::Footprint;
use crate::snapshot::Snapshot;
use crate::verdict::{Code, Finding, Verdict};

/// `image`: an image exists under this reference (or, with `absent: true`, does not).
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ImageCheck {
    /// `name[:tag]`.
    pub(crate) name: String,
    /// Pass when no image has this reference any more (after `docker rmi`). A state: put
    /// the step after one that needed the image, so that "never pulled" cannot pass it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) absent: bool,
}

impl Kind for ImageCheck {
    const NAME: &'static str = "image";
    const EXAMPLE: Option<&'static str> = Some(
        r#"- image:
    name: diamol/ch02-hello-diamol-web
  fail:
    ko: "`diamol/ch02-hello-diamol-web` 이미지가 없습니다. `docker image pull diamol/ch02-hello-diamol-web` 을 실행하세요."
    en: "There is no `diamol/ch02-hello-diamol-web` image. Run `docker image pull diamol/ch02-hello-diamol-web`."
"#,
    );

    fn prepare(&mut self, _: &LintCx) -> Vec<Lint> {
        if self.name.trim().is_empty() || self.name.contains(char::is_whitespace) {
            return vec![Lint::at(
                "name",
                format!("`{}` is not an image reference", self.name),
            )];
        }
        Vec::new()
    }

    fn footprint(&self, fp: &mut Footprint) {
        fp.add_checked_image(&self.name);
    }

    async fn evaluate<P: Probe>(
        &self,
        _: &Ctx<'_, P>,
        _: &StepCx<'_>,
        snap: &Snapshot,
    ) -> Result<Verdict, EngineError> {
        Ok(if self.absent {
            judge_absent(&self.name, snap)
        } else {
            judge(&self.name, snap)
        })
    }
}

pub(super) fn judge_absent(name: &str, snap: &Snapshot) -> Verdict {
    let expected = vec![Finding::new(Code::ImageAbsent).with("name", name)];
    match snap.image_id(name) {
        Some(id) => Verdict::fail(
            Finding::new(Code::ImageStillThere)
                .with("name", name)
                .with("id", &id[..id.len().min(19)]),
            expected,
            vec![
                Finding::new(Code::ImageIs)
                    .with("name", name)
                    .with("id", &id[..id.len().min(19)]),
            ],
        ),
        None => Verdict::pass(
            Finding::new(Code::ImageGone),
            expected,
            vec![Finding::new(Code::ImageMissing).with("name", name)],
        ),
    }
}

pub(super) fn judge(name: &str, snap: &Snapshot) -> Verdict {
    let expected = vec![Finding::new(Code::ImageExists).with("name", name)];
    match snap.image_id(name) {
        Some(id) => Verdict::pass(
            Finding::new(Code::ImageOk),
            expected,
            vec![
                Finding::new(Code::ImageIs)
                    .with("name", name)
                    .with("id", &id[..id.len().min(19)]),
            ],
        ),
        None => Verdict::fail(
            Finding::new(Code::ImageMissingSummary).with("name", name),
            expected,
            vec![Finding::new(Code::ImageMissing).with("name", name)],
        ),
    }
}
