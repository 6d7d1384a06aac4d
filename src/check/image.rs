//! `image`: an image exists under a reference (`name[:tag]`).

use crate::snapshot::Snapshot;
use crate::verdict::{Code, Finding, Verdict};

pub(super) fn evaluate(name: &str, snap: &Snapshot) -> Verdict {
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
