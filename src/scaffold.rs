//! `docklings new LAB`: a first `lab.yaml` for an instructor to fill in.
//!
//! The template is a complete, valid lab (one step, one check, one solution) so that
//! `docklings validate` passes at once and `selftest` can prove it before any TODO is
//! replaced: an instructor then changes something that works rather than debugging a blank.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::app::{App, Failure, Result, out};
use crate::lab::{FileReader, LabSource, Lang};

/// The lab file `new` writes for `id`.
pub fn template(id: &str) -> String {
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
fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && !id.starts_with('-')
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Write `<labs>/<id>/lab.yaml` (and `<labs>/lab.schema.json` when it is missing, so the
/// modeline resolves).
pub fn run(app: &App, id: &str) -> Result<()> {
    if !valid_id(id) {
        return Err(Failure::BadInput(format!(
            "`{id}` cannot be a lab id: use lowercase letters, digits and `-`, e.g. `my-lab`"
        )));
    }
    let labs = app
        .labs_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from("labs"));
    let dir = labs.join(id);
    if dir.exists() {
        return Err(Failure::BadInput(format!(
            "`{}` already exists: choose another id, or remove it first",
            dir.display()
        )));
    }
    let text = template(id);
    let file = dir.join("lab.yaml");
    // Whatever the id, never write a lab the loader would refuse.
    let probe = LabSource {
        path: file.clone(),
        text: Ok(text.clone()),
        files: FileReader::Disk(dir.clone()),
    };
    if let Err(errs) = crate::lab::load(&probe) {
        return Err(Failure::Labs(errs));
    }
    let io = |p: &Path, e: std::io::Error| {
        Failure::BadInput(format!("cannot write `{}`: {e}", p.display()))
    };
    std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
    // create_new: a lab.yaml that appeared since the check above is not overwritten.
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&file)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| io(&file, e))?;
    let schema = labs.join("lab.schema.json");
    let wrote_schema = !schema.exists();
    if wrote_schema {
        std::fs::write(&schema, crate::schema::lab_schema_text()).map_err(|e| io(&schema, e))?;
    }
    let mut msg = match app.lang {
        Lang::Ko => format!(
            "{} {} 을 만들었습니다.\n",
            app.style.ok("✓"),
            file.display()
        ),
        Lang::En => format!("{} created {}\n", app.style.ok("✓"), file.display()),
    };
    if wrote_schema {
        msg.push_str(&match app.lang {
            Lang::Ko => format!(
                "  편집기가 읽을 스키마도 만들었습니다: {}\n",
                schema.display()
            ),
            Lang::En => format!("  and the schema editors read: {}\n", schema.display()),
        });
    }
    msg.push_str(&match app.lang {
        Lang::Ko => format!(
            "TODO 를 채운 뒤:\n  docklings validate {}\n  docklings --labs {} selftest {id}\n",
            dir.display(),
            labs.display()
        ),
        Lang::En => format!(
            "Fill in the TODOs, then:\n  docklings validate {}\n  docklings --labs {} selftest {id}\n",
            dir.display(),
            labs.display()
        ),
    });
    out(&msg);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
