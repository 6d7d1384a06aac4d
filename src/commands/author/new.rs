//! `docklings new LAB`: write a first `lab.yaml` (see `scaffold`) into the labs folder, for
//! an instructor to fill in.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::app::{App, Failure, Result, out};
use crate::lab::{FileReader, LabSource, Lang};
use crate::scaffold::{template, valid_id};

/// Write `<labs>/<id>/lab.yaml` (and `<labs>/lab.schema.json` when it is missing, so the
/// modeline resolves).
pub(crate) fn run(app: &App, id: &str) -> Result<()> {
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
    let io = |p: &Path, e: std::io::Error| Failure::io("write", p, e);
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
