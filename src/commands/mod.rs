//! One file per subcommand: each takes the invocation's `App` and its arguments as plain
//! values, checks them, does its work through the modules below, and prints. Commands never
//! import each other; what two of them share lives in a lower module (`lookup`, `answers`,
//! `report`, `images`, …).

pub(crate) mod author;
pub(crate) mod check;
pub(crate) mod completions;
pub(crate) mod doctor;
pub(crate) mod grade;
pub(crate) mod images;
pub(crate) mod list;
pub(crate) mod man;
pub(crate) mod progress;
pub(crate) mod reset;
pub(crate) mod show;
pub(crate) mod start;
pub(crate) mod watch;
