//! The first `lab.yaml` an instructor fills in: written by `docklings new`, and shown in the
//! book's authoring guide.
//!
//! The template is a complete, valid lab (one step, one check, one solution) so that
//! `docklings validate` passes at once and `selftest` can prove it before any TODO is
//! replaced: an instructor then changes something that works rather than debugging a blank.

/// The lab file `new` writes for `id`.
pub(crate) fn template(id: &str) -> String {
    // Named after the lab, so the check never confuses it with another lab's container.
    let name = format!("{id}-demo");
    format!(
        r#"# yaml-language-server: $schema=../lab.schema.json
# A new lab. Replace every TODO, then run `docklings validate` on this folder and
# `docklings --labs <labs folder> selftest {id}`. Every field is described in the book's
# authoring guide and in lab.schema.json, which your editor reads through the line above.
format_version: 1
id: {id}
chapter: "TODO"
title: {{ ko: "TODO: 실습 제목", en: "TODO: lab title" }}
intro:
  ko: |
    TODO: 이 실습에서 배우는 것을 Markdown으로 쓴다.
  en: |
    TODO: what this lab teaches, in Markdown.
images: [diamol/base]
steps:
  - id: run-container
    title: {{ ko: "TODO: 단계 제목", en: "TODO: step title" }}
    body:
      ko: |
        TODO: 할 일과 확인할 것을 설명하고, 명령은 코드 블록에 쓴다.

        ```bash
        docker container run --name {name} diamol/base hostname
        ```
      en: |
        TODO: say what to do and what to look for, with the command in a code block.

        ```bash
        docker container run --name {name} diamol/base hostname
        ```
    hints:
      - ko: "TODO: 가벼운 귀띔에서 정답까지, 힌트를 하나씩 늘린다."
        en: "TODO: hints go from a nudge to the answer, one at a time."
    solution:
      - docker container run --name {name} diamol/base hostname
    checks:
      - container:
          select: {{ name: {name} }}
          state: exited
          exit_code: 0
        fail:
          ko: "TODO: 검사가 실패하면 학습자가 읽는 말. 예: `{name}` 컨테이너가 아직 실행을 마치지 않았습니다."
          en: "TODO: what the learner reads when the check fails, e.g. no `{name}` container has finished its run yet."
"#
    )
}

/// The loader's id rule, checked first so that a bad id gets a message about the id rather
/// than about the YAML it would make. The template is loaded by the real loader before it is
/// written all the same, so this can only be stricter, never wrongly lenient.
pub(crate) fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && !id.starts_with('-')
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::lab::{FileReader, LabSource};

    #[test]
    fn the_template_is_a_valid_lab() {
        for id in ["my-lab", "a", "x1-2"] {
            let src = LabSource {
                path: PathBuf::from("t/lab.yaml"),
                text: Ok(template(id)),
                files: FileReader::Disk(PathBuf::from("/nonexistent")),
            };
            let lab = crate::lab::load(&src).unwrap_or_else(|e| panic!("{id}: {e:?}"));
            assert_eq!(lab.id, id);
            assert_eq!(lab.steps.len(), 1);
        }
    }

    #[test]
    fn ids() {
        assert!(valid_id("my-lab"));
        assert!(!valid_id("Bad_Id"));
        assert!(!valid_id("-x"));
        assert!(!valid_id(""));
        assert!(!valid_id(&"a".repeat(65)));
    }
}
