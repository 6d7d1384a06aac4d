//! What every command shares: the invocation's options (`App`), the one error type with its
//! exit codes, and printing to stdout. Nothing here imports a command, so commands and the
//! modules under them can depend on it without a loop.
//!
//! Exit codes everywhere: 0 pass/success, 1 some check failed, 2 bad input, 3 the engine or
//! the system failed (engine unreachable/too old/failing, or a file docklings must write).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::engine::EngineError;
use crate::lab::{Catalog, Lab, LabError, Lang};
use crate::style::{ColorChoice, Style};

/// Everything that can end a command early. Each variant has one exit code (`exit_code`),
/// and the README's exit-code table is this list.
#[derive(Debug)]
pub enum Failure {
    /// Exit 1: the checks ran and some failed (already reported).
    ChecksFailed,
    /// Exit 2: the user asked for something that cannot be done (unknown lab, bad flag...).
    BadInput(String),
    /// Exit 2, with every lab problem.
    Labs(Vec<LabError>),
    /// Exit 3: the engine could not be reached, is too old, or failed.
    Engine(EngineError),
    /// Exit 3: the system failed under docklings (a full disk, a folder it may not write).
    /// Not "bad input": the user's request was fine.
    Io(String),
}

impl Failure {
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::ChecksFailed => 1,
            Failure::BadInput(_) | Failure::Labs(_) => 2,
            Failure::Engine(_) | Failure::Io(_) => 3,
        }
    }

    /// An I/O failure on `path`, worded with what docklings was doing.
    pub fn io(doing: &str, path: &std::path::Path, e: std::io::Error) -> Failure {
        Failure::Io(format!("cannot {doing} `{}`: {e}", path.display()))
    }
}

impl From<EngineError> for Failure {
    fn from(e: EngineError) -> Self {
        Failure::Engine(e)
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Failure::ChecksFailed => f.write_str("some checks failed"),
            Failure::BadInput(m) | Failure::Io(m) => f.write_str(m),
            Failure::Labs(errs) => {
                for e in errs {
                    writeln!(f, "{e}")?;
                }
                Ok(())
            }
            Failure::Engine(e) => write!(f, "{e}"),
        }
    }
}

pub type Result<T> = std::result::Result<T, Failure>;

/// Shared state of one invocation.
pub struct App {
    pub lang: Lang,
    /// Colours for stdout.
    pub style: Style,
    /// What `--color` asked for, so stderr can be resolved on its own terminal.
    pub color: ColorChoice,
    pub labs_dir: Option<PathBuf>,
}

impl App {
    /// For an error before the arguments could be read: the language from `--lang` if it
    /// is there, else the environment's; no colour.
    pub fn fallback() -> App {
        let args: Vec<String> = std::env::args().collect();
        let ko = args.windows(2).any(|w| w[0] == "--lang" && w[1] == "ko")
            || args.iter().any(|a| a == "--lang=ko");
        let en = args.windows(2).any(|w| w[0] == "--lang" && w[1] == "en")
            || args.iter().any(|a| a == "--lang=en");
        App {
            lang: match (ko, en) {
                (true, _) => Lang::Ko,
                (_, true) => Lang::En,
                _ => Lang::from_env(),
            },
            style: Style::plain(),
            color: ColorChoice::Never,
            labs_dir: None,
        }
    }
}

/// Print to stdout; a closed pipe (`docklings list | head -1`) ends quietly.
pub fn out(s: &str) {
    let mut o = std::io::stdout().lock();
    if o.write_all(s.as_bytes()).and_then(|_| o.flush()).is_err() {
        std::process::exit(0);
    }
}

/// Print a failure on stderr, honouring `--color` (resolved for stderr, which may be a
/// terminal when stdout is not), and give its exit code.
pub fn report_failure(app: &App, f: Failure) -> ExitCode {
    let st = Style::resolve_for_stderr(app.color);
    let prefix = st.bad("error:");
    let code = f.exit_code();
    match f {
        Failure::ChecksFailed => {}
        Failure::Labs(errs) => {
            for e in &errs {
                eprintln!("{}", format_lab_error(e));
            }
            eprintln!(
                "{prefix} {} problem{} in lab files",
                errs.len(),
                if errs.len() == 1 { "" } else { "s" }
            );
        }
        other => eprintln!("{prefix} {other}"),
    }
    ExitCode::from(code)
}

/// `path:line:col: message`, then the source line with a caret, like a compiler.
pub fn format_lab_error(e: &LabError) -> String {
    let mut s = e.to_string();
    if let Some(pos) = &e.pos
        && let Ok(text) = std::fs::read_to_string(&e.path)
        && let Some(line) = text.lines().nth(pos.line.saturating_sub(1) as usize)
        && line.len() < 300
    {
        // Pad by display width, not chars: Hangul takes two columns. Tabs show as one space.
        let shown = line.replace('\t', " ");
        let width: usize = shown
            .chars()
            .take(pos.col.saturating_sub(1) as usize)
            .map(|c| unicode_width::UnicodeWidthChar::width(c).unwrap_or(1))
            .sum();
        s.push_str(&format!("\n  {shown}\n  {}^", " ".repeat(width)));
    }
    s
}

/// Unix seconds (fractions allowed) or RFC 3339, as Unix nanoseconds; not in the future
/// (the engine refuses such a `since` with a bare HTTP 400, and nothing could count yet).
pub fn parse_since(s: &str) -> Result<i64> {
    let at = parse_time(s)?;
    let now = time::OffsetDateTime::now_utc().unix_timestamp_nanos();
    if i128::from(at) > now {
        let shown = time::OffsetDateTime::from_unix_timestamp_nanos(now)
            .ok()
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
            .unwrap_or_default();
        return Err(Failure::BadInput(format!(
            "`--since {s}` is in the future (it is now {shown}): only what happens after it would \
             count, and nothing has yet. Give a time before now, or leave `--since` out to count \
             from the lab's start"
        )));
    }
    Ok(at)
}

/// `--since`'s two forms, as Unix nanoseconds.
fn parse_time(s: &str) -> Result<i64> {
    let t = s.trim();
    if let Some((secs, frac)) = t.split_once('.').or(Some((t, "")))
        && let Ok(secs) = secs.parse::<i64>()
        && frac.chars().all(|c| c.is_ascii_digit())
        && frac.len() <= 9
    {
        let frac_ns = if frac.is_empty() {
            0
        } else {
            format!("{frac:0<9}").parse::<i64>().unwrap_or(0)
        };
        return Ok(secs.saturating_mul(1_000_000_000).saturating_add(frac_ns));
    }
    time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
        // Past 2262 nanoseconds overflow i64; such a time is simply later than any.
        .map(|t| i64::try_from(t.unix_timestamp_nanos()).unwrap_or(i64::MAX))
        .map_err(|_| {
            Failure::BadInput(format!(
                "`--since {s}`: write Unix seconds (1767225600) or RFC 3339 (2026-01-01T00:00:00Z)"
            ))
        })
}

impl App {
    pub fn catalog(&self) -> Result<Catalog> {
        let sources = match &self.labs_dir {
            Some(d) => crate::lab::sources_in_dir(d).map_err(Failure::BadInput)?,
            None => crate::lab::embedded_sources(),
        };
        if sources.is_empty() {
            return Err(Failure::BadInput(match &self.labs_dir {
                Some(d) => format!(
                    "no labs in `{}` (looked for *.yaml and */lab.yaml)",
                    d.display()
                ),
                None => "this build has no labs embedded".into(),
            }));
        }
        Catalog::load(&sources).map_err(Failure::Labs)
    }

    pub fn since(&self, lab: &Lab, arg: &Option<String>) -> Result<i64> {
        match arg {
            Some(s) => parse_since(s),
            None => Ok(crate::store::workspace::lab_started(&lab.id).unwrap_or(0) * 1_000_000_000),
        }
    }
}

/// Is this an interactive session? (Used by commands that would prompt.)
pub fn interactive() -> bool {
    std::io::stdin().is_terminal()
        && std::io::stderr().is_terminal()
        && std::env::var_os("CI").is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_forms() {
        let n = |s: &str| parse_since(s).ok();
        assert_eq!(n("10"), Some(10_000_000_000));
        assert_eq!(n("10.5"), Some(10_500_000_000));
        assert_eq!(n("1970-01-01T00:00:10Z"), Some(10_000_000_000));
        assert_eq!(n("yesterday"), None);
        assert_eq!(n("1.2.3"), None);
    }

    #[test]
    fn since_in_the_future_is_bad_input() {
        let later = time::OffsetDateTime::now_utc().unix_timestamp() + 3600;
        let e = parse_since(&later.to_string()).expect_err("refused");
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("in the future"), "{e}");
        assert!(parse_since("2999-01-01T00:00:00Z").is_err());
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        assert!(parse_since(&(now - 5).to_string()).is_ok());
    }
}
