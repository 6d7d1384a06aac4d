//! The commands for those who write labs rather than do them: `new`, `validate`,
//! `selftest`, `schema` and `book`.

pub(crate) mod book;
pub(crate) mod new;
pub(crate) mod schema;
pub(crate) mod selftest;
pub(crate) mod validate;
