//! All ANSI styling lives here, so that every screen can also be produced without it
//! (for snapshots, pipes and `NO_COLOR`).

use std::io::IsTerminal;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub color: bool,
}

impl Style {
    pub fn plain() -> Style {
        Style { color: false }
    }

    /// `always`/`never` win; `auto` means colour when stdout is a terminal and `NO_COLOR`
    /// is unset (https://no-color.org).
    pub fn resolve(choice: ColorChoice) -> Style {
        Self::resolve_on(choice, std::io::stdout().is_terminal())
    }

    /// As `resolve`, for text written to stderr (errors, prompts).
    pub fn resolve_for_stderr(choice: ColorChoice) -> Style {
        Self::resolve_on(choice, std::io::stderr().is_terminal())
    }

    fn resolve_on(choice: ColorChoice, terminal: bool) -> Style {
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && terminal
            }
        };
        Style { color }
    }

    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }

    pub fn ok(&self, s: &str) -> String {
        self.paint("32", s)
    }
    pub fn bad(&self, s: &str) -> String {
        self.paint("31", s)
    }
    pub fn warn(&self, s: &str) -> String {
        self.paint("33", s)
    }
    pub fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    pub fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
}
