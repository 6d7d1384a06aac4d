//! `docklings schema`: print the JSON Schema of a lab file, which `labs/lab.schema.json`
//! holds and editors read.

use crate::app::{Result, out};

pub(crate) fn run() -> Result<()> {
    out(&crate::schema::lab_schema_text());
    Ok(())
}
