//! docklings: learn Docker by doing.
//!
//! The pipeline is a row of stages, each handing plain data to the next:
//! `lab` (YAML → `Lab`) → `render` (Markdown → terminal) and `engine` (Docker API →
//! `Snapshot`) → `check` (Snapshot → `Outcome`) → `report` (outcomes → text/JSON/JUnit).
//! Only `engine` talks to Docker.

pub mod app;
pub mod book;
pub mod check;
pub mod cli;
pub mod doctor;
pub mod engine;
pub mod grade;
pub mod http;
pub mod images;
pub mod lab;
pub mod pattern;
pub mod progress;
pub mod render;
pub mod report;
pub mod reset;
pub mod scaffold;
pub mod schema;
pub mod selftest;
pub mod session;
pub mod snapshot;
pub mod standin;
pub mod store;
pub mod style;
pub mod tui;
pub mod watch;
