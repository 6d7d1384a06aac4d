//! What a packager or a Rust user installs besides the binary: shell completions and the
//! manual page, both generated from the command line's definition.

use std::process::{Command, Stdio};

use crate::harness::Test;

/// Every command `docklings --help` lists (but `help`), read from the help itself so a new
/// command cannot be left out here.
fn commands() -> Vec<String> {
    let help = Test::new().args(&["--help"]).run().code(0).stdout;
    let listed: Vec<String> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        // Continuation lines of a long description are indented further.
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .filter(|c| c != "help")
        .collect();
    for known in ["start", "check", "grade", "selftest", "completions", "man"] {
        assert!(
            listed.iter().any(|c| c == known),
            "{known} not in {listed:?}"
        );
    }
    listed
}

/// Bash reads the script as a user's shell does: sourced, then asked to complete
/// `docklings <TAB>` and `docklings watch --fo<TAB>`.
#[test]
fn bash_completes_commands_and_their_flags() {
    let script = Test::new()
        .args(&["completions", "bash"])
        .run()
        .code(0)
        .stdout;
    let commands = commands();
    for c in &commands {
        assert!(script.contains(c.as_str()), "{c} missing from:\n{script}");
    }
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("docklings.bash");
    std::fs::write(&file, &script).expect("write the script");
    let complete = |words: &str, cword: usize, cur: &str, prev: &str| {
        let program = format!(
            "source {}; COMP_WORDS=({words}); COMP_CWORD={cword}; \
             _docklings docklings '{cur}' '{prev}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            file.display()
        );
        let out = Command::new("bash")
            .args(["--norc", "--noprofile", "-c", &program])
            .stdin(Stdio::null())
            .output()
            .expect("run bash");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let first = complete("docklings ''", 1, "", "docklings");
    for c in &commands {
        assert!(first.iter().any(|w| w == c), "{c} not offered: {first:?}");
    }
    assert_eq!(
        complete("docklings watch --fo", 2, "--fo", "watch"),
        ["--format"]
    );
}

#[test]
fn every_shell_clap_knows_gets_a_script() {
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let out = Test::new().args(&["completions", shell]).run().code(0);
        assert!(out.stdout.contains("selftest"), "{shell}:\n{}", out.stdout);
    }
}

#[test]
fn an_unknown_shell_is_bad_input() {
    Test::new()
        .args(&["completions", "tcsh"])
        .run()
        .code(2)
        .stderr_has("invalid value 'tcsh'")
        .stderr_has("bash");
}

/// roff with a title line, a page that names one page per command, and those pages.
#[test]
fn the_man_page_is_roff_with_a_page_per_command() {
    let page = Test::new().args(&["man"]).run().code(0).stdout;
    assert!(page.contains("\n.TH docklings 1 "), "{page}");
    assert!(page.contains("\n.SH SYNOPSIS"), "{page}");
    assert!(page.contains("docklings\\-start(1)"), "{page}");
    assert!(
        !page.contains("docklings\\-help(1)"),
        "help is not a page:\n{page}"
    );
    let start = Test::new().args(&["man", "start"]).run().code(0).stdout;
    assert!(start.contains("\n.TH docklings-start 1 "), "{start}");
    let nested = Test::new()
        .args(&["man", "progress", "reset"])
        .run()
        .code(0)
        .stdout;
    assert!(
        nested.contains("\n.TH docklings-progress-reset 1 "),
        "{nested}"
    );
    Test::new()
        .args(&["man", "nope"])
        .run()
        .code(2)
        .stderr_has("no command `nope`");
    // Where groff is installed, it renders the page without a warning.
    if let Ok(out) = groff(&page) {
        assert!(out.status.success() && out.stderr.is_empty(), "{out:?}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("SUBCOMMANDS"));
    }
}

/// `--out DIR`: every page, each named as the main page names it.
#[test]
fn man_out_writes_every_page() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("man1");
    Test::new()
        .args(&["man", "--out", &out.to_string_lossy()])
        .run()
        .code(0);
    for page in [
        "docklings.1",
        "docklings-start.1",
        "docklings-progress-reset.1",
    ] {
        let text =
            std::fs::read_to_string(out.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"));
        assert!(text.contains("\n.TH docklings"), "{page}: {text}");
    }
    for c in commands() {
        assert!(
            out.join(format!("docklings-{c}.1")).is_file(),
            "no page for {c}"
        );
    }
    assert!(!out.join("docklings-help.1").exists());
}

fn groff(page: &str) -> std::io::Result<std::process::Output> {
    use std::io::Write;
    let mut child = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-P-cbou"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(page.as_bytes())?;
    child.wait_with_output()
}
