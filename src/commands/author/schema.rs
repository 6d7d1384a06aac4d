//! `docklings schema`: print the JSON Schema of a lab file, which `labs/lab.schema.json`
//! holds and editors read; with `--report`, the schema of the JSON reports of `check` and
//! `grade`, which `docs/report.schema.json` holds for the tools that read them.

use crate::app::{Result, out};

pub(crate) fn run(report: bool) -> Result<()> {
    out(&if report {
        crate::schema::report_schema_text()
    } else {
        crate::schema::lab_schema_text()
    });
    Ok(())
}
