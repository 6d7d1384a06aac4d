//! The command line's shape, as clap types and nothing else: what `run` (in `lib.rs`)
//! parses and hands to `commands/`. The value enums a command reads (`--format` and the
//! like) live with that command and are imported here, so nothing below depends on this file.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::commands::list::ListFormat;
use crate::commands::watch::WatchFormat;
use crate::report::Format;
use crate::style::ColorChoice;

#[derive(Parser, Debug)]
#[command(
    name = "docklings",
    version,
    about = "Learn Docker by doing: chapter labs checked against your real Docker engine",
    after_help = "Exit codes: 0 pass, 1 checks failed, 2 bad input, 3 engine problem."
)]
pub(crate) struct Cli {
    /// Folder of labs to use instead of the ones built in.
    #[arg(long, global = true, env = "DOCKLINGS_LABS", value_name = "DIR")]
    pub(crate) labs: Option<PathBuf>,
    /// Language of lab text and messages (default from LC_ALL/LANG: ko* is Korean).
    #[arg(long, global = true, value_enum)]
    pub(crate) lang: Option<LangArg>,
    /// Colour output.
    #[arg(long, global = true, value_enum, default_value = "auto")]
    pub(crate) color: ColorChoice,
    /// The Docker engine to use, as with `docker -H` (default: as the docker CLI finds it:
    /// DOCKER_HOST, DOCKER_CONTEXT, the current docker context, the system's socket).
    #[arg(long, short = 'H', global = true, value_name = "URL")]
    pub(crate) host: Option<String>,
    /// The docker context to use, as with `docker --context` (`docker context ls`).
    #[arg(long, global = true, value_name = "NAME", conflicts_with = "host")]
    pub(crate) context: Option<String>,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum LangArg {
    Ko,
    En,
}

#[derive(Subcommand, Debug)]
pub(crate) enum ProgressCmd {
    /// Forget progress: of one lab, or of all.
    Reset {
        #[arg(value_name = "LAB")]
        lab: Option<String>,
    },
    /// Where progress is kept, and what it holds.
    Show,
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Do a lab: the steps turn green by themselves as you type docker commands elsewhere.
    Start {
        /// The lab (omit to pick from a list).
        #[arg(value_name = "LAB")]
        lab: Option<String>,
    },
    /// Re-check a lab on every engine change; a line per verdict change (no UI).
    Watch {
        #[arg(value_name = "LAB")]
        lab: String,
        #[arg(long, value_enum, default_value = "text")]
        format: WatchFormat,
        /// Stop once every step has passed.
        #[arg(long)]
        exit_on_complete: bool,
        /// Engine events before this time do not count (default: the lab's start, else now).
        #[arg(long)]
        since: Option<String>,
    },
    /// Remove what a lab is about (its containers and networks), after asking.
    Reset {
        #[arg(value_name = "LAB")]
        lab: String,
        /// Do not ask.
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// What is wrong when nothing works: engine, images, ports, terminal, locale.
    Doctor,
    /// The learner's progress.
    Progress {
        #[command(subcommand)]
        cmd: ProgressCmd,
    },
    /// List the labs with their titles and step counts.
    List {
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
    },
    /// Show a lab's steps, rendered for the terminal.
    Show {
        lab: String,
        /// Only this step (id or number).
        #[arg(long)]
        step: Option<String>,
        /// Print the Markdown itself.
        #[arg(long)]
        plain: bool,
        /// Also show the hints.
        #[arg(long)]
        hints: bool,
    },
    /// Check the engine's state now against a lab's steps.
    Check {
        lab: String,
        /// Only this step (id or number).
        #[arg(long)]
        step: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Engine events before this time (Unix seconds or RFC 3339) are not counted.
        #[arg(long)]
        since: Option<String>,
        /// Answer a step's question: STEP=VALUE (repeatable).
        #[arg(long = "answer", value_name = "STEP=VALUE")]
        answers: Vec<String>,
    },
    /// Grade labs non-interactively, for CI.
    Grade {
        #[arg(value_name = "LAB")]
        ids: Vec<String>,
        /// Grade every lab.
        #[arg(long)]
        all: bool,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Write the report here instead of stdout.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[arg(long)]
        since: Option<String>,
        /// Answer a step's question: STEP=VALUE or LAB:STEP=VALUE (repeatable).
        #[arg(long = "answer", value_name = "STEP=VALUE")]
        answers: Vec<String>,
        /// Exit 0 when the score reaches N points, even if some steps fail (partial credit).
        #[arg(long, value_name = "N")]
        min_score: Option<u32>,
        /// Run this script of docker commands (a student's submission) in a sandbox, behind
        /// a guard that keeps it off what it did not create, grade what it did, then remove
        /// it all. A folder is a class, graded one submission after another into one
        /// report (text, json or junit): each script directly in it (NAME.sh, NAME.bash, or
        /// no extension and executable or starting with `#!`) runs with the folder's other
        /// files but not its classmates' scripts; each folder in it with a script inside
        /// (submission.sh when several) runs with its own folder. Names starting with `.`
        /// are ignored.
        #[arg(long, value_name = "PATH", conflicts_with = "since")]
        submission: Option<PathBuf>,
        /// With --submission: stop the script after this many seconds.
        #[arg(long, value_name = "SECS", default_value_t = 120, requires = "submission",
              value_parser = clap::value_parser!(u64).range(1..))]
        timeout: u64,
        /// With --submission: run the script without a sandbox, as your own user, where no
        /// sandbox is available. Only for scripts you trust; the report says so.
        #[arg(long, requires = "submission")]
        trusted: bool,
    },
    /// Lint lab files: every problem, as path:line:col: message.
    Validate {
        /// Lab files or folders (default: the labs in use).
        paths: Vec<PathBuf>,
    },
    /// Prove labs: every step fails on a clean engine and passes after its solution.
    Selftest {
        #[arg(value_name = "LAB")]
        ids: Vec<String>,
        #[arg(long)]
        all: bool,
    },
    /// Make sure the labs' images exist: pull them, or build offline stand-ins.
    Images {
        #[arg(value_name = "LAB")]
        ids: Vec<String>,
        /// Build stand-ins from a static busybox instead of pulling.
        #[arg(long)]
        standin: bool,
        /// The static busybox to build stand-ins from.
        #[arg(long, value_name = "PATH", default_value = crate::standin::DEFAULT_BUSYBOX)]
        busybox: PathBuf,
        /// Remove the stand-ins docklings built (never a real image).
        #[arg(long, conflicts_with = "standin")]
        remove_standins: bool,
        /// Write every image the labs use into one archive (for offline classrooms).
        #[arg(long, value_name = "FILE", conflicts_with_all = ["standin", "remove_standins", "load"])]
        save: Option<PathBuf>,
        /// Load an archive made with --save.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["standin", "remove_standins"])]
        load: Option<PathBuf>,
        /// Show what `docker system prune -a --volumes` would remove now, marking the labs'
        /// images (which `docklings images` restores) and what is not theirs. Removes nothing.
        #[arg(long, conflicts_with_all = ["standin", "remove_standins", "save", "load"])]
        prune_preview: bool,
    },
    /// Write the labs as an mdBook (Korean and English), with the authoring guide.
    Book {
        /// The book's folder.
        #[arg(long, value_name = "DIR", default_value = "book")]
        out: PathBuf,
        /// Write nothing; exit 1 listing the files that are stale, missing or extra.
        #[arg(long)]
        check: bool,
    },
    /// Print the JSON Schema of a lab file (what `labs/lab.schema.json` holds).
    Schema {
        /// The schema of the JSON reports of `check` and `grade` instead (what
        /// `docs/report.schema.json` holds).
        #[arg(long)]
        report: bool,
    },
    /// Start a new lab: writes LAB/lab.yaml in the labs folder (--labs, else ./labs).
    New {
        #[arg(value_name = "LAB")]
        lab: String,
    },
    /// Print a shell's completion script (where to put it: the README's Install section).
    Completions {
        #[arg(value_name = "SHELL", value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `docklings man > docklings.1`; `docklings man start`
    /// prints the page of `start` (`docklings-start.1`).
    Man {
        /// The command whose page to print (`progress reset` for a nested one).
        #[arg(value_name = "COMMAND")]
        command: Vec<String>,
        /// Write every page (docklings.1 and one per command) into this folder instead.
        #[arg(long, value_name = "DIR", conflicts_with = "command")]
        out: Option<PathBuf>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
