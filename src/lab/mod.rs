//! The first stage of the pipeline: a lab file (YAML) in, a validated [`Lab`] out.
//!
//! - `file` holds the serde structs that *are* the format (each check kind's own struct
//!   lives with the kind in `check/`): every field has a doc comment for authors (they
//!   become the schema and the book's authoring guide), and unknown keys are errors so
//!   that a typo never silently turns a check off.
//! - `load` parses with exact `line:col` locations; `lint` and each check kind's lints
//!   then report everything the schema cannot say, all problems at once, each at the line
//!   of the field it is about.
//! - `model` is what later stages read; `footprint` is what a lab touches on the engine.
//! - `catalog` finds lab files (embedded or in a folder) and loads them all.
//!
//! The rest of the crate names these types as `crate::lab::X`, re-exported below, so the
//! files inside can be reorganised without touching their users.

mod addr;
mod catalog;
mod file;
mod footprint;
mod lint;
mod load;
mod model;
mod text;

pub(crate) use addr::{loopback_port, parse_container_port, split_http_url};
pub(crate) use catalog::{Catalog, FileReader, LabSource};
pub(crate) use catalog::{embedded_sources, source_from_file, sources_in_dir};
// Each check kind's YAML struct lives with the kind, in `check/`; these are the ones the
// rest of the crate names through `lab`.
pub(crate) use crate::check::{FileType, Select};
pub(crate) use file::Action;
pub(crate) use file::LabFile;
pub(crate) use footprint::Footprint;
pub(crate) use load::load;
// The "did you mean" of misspelt keys, for any other misspelt name (a lab id on the
// command line). Allowed while unused: its first user lands in a parallel branch.
#[allow(unused_imports)]
pub(crate) use load::closest;
pub(crate) use model::{Check, Lab, LabError, Step};
pub(crate) use text::Within;
pub(crate) use text::{Lang, Text};

/// The only lab format this build understands.
pub(crate) const FORMAT_VERSION: u32 = 1;

/// Largest lab file we read: a lab is a few KiB; anything near this is a mistake or an attack.
pub(crate) const MAX_LAB_BYTES: usize = 512 * 1024;
