//! One integration-test binary that drives the real `docklings` binary.
//!
//! Modules by feature. Tests that need the Docker engine use the real one, hold a global
//! lock (the labs use fixed ports and images, so two at once would see each other's
//! containers), and remove exactly what they created.

mod chapter_first_steps;
mod chapter_handling;
mod chapter_servers;
mod class;
mod contexts;
mod engine;
mod harness;
mod hostile;
mod images;
mod install;
mod instructor;
mod labs;
mod lookup;
mod podman;
mod preflight;
mod reports;
mod scenarios;
mod selftest;
mod show;
mod student;
mod submission;
mod validate;
mod watching;
mod week1_network;
mod week1_nginx;
mod week1_practice;
