//! docklings: learn Docker by doing.
//!
//! The pipeline is a row of stages, each handing plain data to the next:
//! `lab` (YAML → `Lab`) → `render` (Markdown → terminal) and `engine` (Docker API →
//! `Snapshot`) → `check` (Snapshot → `Outcome`) → `report` (outcomes → text/JSON/JUnit).
//! Only `engine` talks to Docker.
//!
//! [`run`] is the top: it parses the command line (`cli`), builds the invocation's `App`
//! and hands each subcommand to its file in `commands/`. It is the only code that reads
//! `cli`'s types, so `cli` sits above everything and nothing imports it back.

// Modules are private: the library's one user is `main.rs`, through `run`, so the compiler
// finds dead code; there is no `allow(dead_code)`: code only tests use is `#[cfg(test)]`.
// Except off unix: submission grading is unix-only, so the guard's helpers in `engine` and
// `report` go unused there; the unix build, where everything is used, keeps the check.
#![cfg_attr(not(unix), allow(dead_code))]
mod answers;
mod app;
mod book;
mod check;
mod class_report;
mod cli;
mod commands;
mod early;
mod engine;
mod grade;
mod http;
mod images;
mod lab;
mod lookup;
mod pattern;
mod preflight;
mod progress;
mod render;
mod report;
mod reset;
mod scaffold;
mod schema;
mod selftest;
mod session;
mod snapshot;
mod standin;
mod store;
mod style;
mod tui;
mod verdict;
mod watch;
mod words;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use crate::app::{App, Result, report_failure};
use crate::cli::{Cli, Command, LangArg, ProgressCmd};
use crate::lab::Lang;
use crate::style::Style;

/// Run docklings with the process's arguments; every outcome becomes an exit code
/// (0 pass, 1 checks failed, 2 bad input, 3 engine or system failure: see `Failure`).
pub fn run() -> ExitCode {
    // The submission sandbox's first program: internal, so not in clap's help.
    #[cfg(unix)]
    {
        let args: Vec<String> = std::env::args().skip(1).collect();
        if args.first().map(String::as_str) == Some(grade::inside::ENTRY) {
            return grade::inside::main(&args[1..]);
        }
    }
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            if !e.use_stderr() {
                return ExitCode::SUCCESS;
            }
            let text = e.to_string();
            let first = text.lines().next().unwrap_or_default();
            let f = app::Failure::BadInput(first.trim_start_matches("error: ").to_owned());
            early_report(&App::fallback(), &f);
            return ExitCode::from(2);
        }
    };
    let app = App {
        lang: match cli.lang {
            Some(LangArg::Ko) => Lang::Ko,
            Some(LangArg::En) => Lang::En,
            None => Lang::from_env(),
        },
        style: Style::resolve(cli.color),
        color: cli.color,
        labs_dir: cli.labs.clone(),
    };
    // The engine is found as the docker CLI finds it, flags first. A `--context` that does
    // not exist is the user's own mistake, caught before any work, as `docker` catches it.
    let flags = engine::endpoint::Flags {
        host: cli.host.clone(),
        context: cli.context.clone(),
    };
    if let Err(e) = engine::endpoint::choose(flags) {
        let f = app::Failure::BadInput(e.to_string());
        early_report(&app, &f);
        return report_failure(&app, f);
    }
    // One thread is plenty: the work is waiting on the engine, and it keeps memory small.
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::from(3);
        }
    };
    match rt.block_on(dispatch(&app, cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => report_failure(&app, f),
    }
}

/// An error before the command ran, as the machine report `check`/`grade` was asked for.
fn early_report(app: &App, f: &app::Failure) {
    let args: Vec<String> = std::env::args().collect();
    if let Some((format, output)) = early::machine_report(&args) {
        report::emit_failure(app, f, format, output.as_deref(), 0);
    }
}

/// Hand a subcommand's arguments, as plain values, to its file in `commands/`.
async fn dispatch(app: &App, cmd: Command) -> Result<()> {
    use crate::commands::{author, *};
    match cmd {
        Command::Start { lab } => start::run(app, lab.as_deref()).await,
        Command::Watch {
            lab,
            format,
            exit_on_complete,
            since,
        } => watch::run(app, &lab, format, exit_on_complete, since.as_deref()).await,
        Command::Reset { lab, yes } => reset::run(app, &lab, yes).await,
        Command::Doctor => doctor::run(app).await,
        Command::Progress { cmd } => match cmd {
            ProgressCmd::Reset { lab } => progress::reset(app, lab.as_deref()),
            ProgressCmd::Show => progress::show(app),
        },
        Command::List { format } => list::run(app, format),
        Command::Show {
            lab,
            step,
            plain,
            hints,
        } => show::run(app, &lab, step.as_deref(), plain, hints),
        Command::Check {
            lab,
            step,
            format,
            since,
            answers,
        } => check::run(app, &lab, step.as_deref(), format, since, &answers).await,
        Command::Grade {
            ids,
            all,
            format,
            output,
            since,
            answers,
            min_score,
            submission,
            timeout,
            trusted,
        } => {
            let options = grade::Options {
                format,
                output,
                since,
                answers,
                min_score,
                submission: submission.map(|path| grade::Submission {
                    path,
                    limits: crate::grade::Limits {
                        timeout_secs: timeout,
                        trusted,
                    },
                }),
            };
            grade::run(app, &ids, all, options).await
        }
        Command::Validate { paths } => author::validate::run(app, &paths),
        Command::Selftest { ids, all } => author::selftest::run(app, &ids, all).await,
        Command::Images {
            ids,
            standin,
            busybox,
            remove_standins,
            save,
            load,
            prune_preview,
        } => {
            let action = match (save, load) {
                _ if prune_preview => images::Action::PrunePreview,
                (Some(file), _) => images::Action::Save(file),
                (_, Some(file)) => images::Action::Load(file),
                _ if remove_standins => images::Action::RemoveStandins,
                _ if standin => images::Action::BuildStandins(busybox),
                _ => images::Action::Pull,
            };
            images::run(app, &ids, action).await
        }
        Command::Book { out, check } => author::book::run(app, &out, check),
        Command::Schema { report } => author::schema::run(report),
        Command::New { lab } => author::new::run(app, &lab),
        Command::Completions { shell } => completions::run(Cli::command(), shell),
        Command::Man { command, out } => match out {
            Some(dir) => man::write_all(Cli::command(), &dir),
            None => man::run(app, Cli::command(), &command),
        },
    }
}
