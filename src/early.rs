//! Errors before a command runs — a flag clap rejects, a `--context` that does not exist —
//! still leave a machine-readable report where `check`/`grade --format json|junit|classroom
//! [--output FILE]` would have put one: a CI step that reads the file then says why,
//! instead of failing on a missing file. The arguments are read by hand here, since clap
//! could not read them.

use std::path::PathBuf;

use clap::ValueEnum;

use crate::report::Format;

/// The machine format and output file the arguments ask for, when the command is one that
/// writes reports (`check` or `grade`) and the format is not text.
pub(crate) fn machine_report(args: &[String]) -> Option<(Format, Option<PathBuf>)> {
    // The first word that is neither a flag nor a global flag's value.
    let mut command = None;
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        if matches!(
            a.as_str(),
            "--context" | "--host" | "-H" | "--lang" | "--color" | "--labs"
        ) {
            it.next();
        } else if !a.starts_with('-') {
            command = Some(a.as_str());
            break;
        }
    }
    if !matches!(command, Some("check" | "grade")) {
        return None;
    }
    let value = |name: &str| -> Option<String> {
        let eq = format!("{name}=");
        let mut it = args.iter();
        let mut found = None;
        while let Some(a) = it.next() {
            if a == name {
                found = it.next().cloned();
            } else if let Some(v) = a.strip_prefix(&eq) {
                found = Some(v.to_owned());
            }
        }
        found
    };
    let format = Format::from_str(&value("--format")?, true).ok()?;
    if format == Format::Text {
        return None;
    }
    Some((format, value("--output").map(PathBuf::from)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn the_report_asked_for_is_found_without_clap() {
        assert_eq!(
            machine_report(&args(
                "docklings grade x --format junit --output r.xml --bogus"
            )),
            Some((Format::Junit, Some(PathBuf::from("r.xml"))))
        );
        assert_eq!(
            machine_report(&args("docklings --context nope check x --format=json")),
            Some((Format::Json, None))
        );
        assert_eq!(
            machine_report(&args("docklings grade x --format text")),
            None
        );
        assert_eq!(machine_report(&args("docklings grade x")), None);
        assert_eq!(
            machine_report(&args("docklings show x --format json")),
            None
        );
        assert_eq!(
            machine_report(&args("docklings grade x --format xml")),
            None
        );
    }
}
