//! Naming a lab or a step that does not exist: every command says it the same way, offers
//! the nearest name, and stops before touching the engine (exit 2).

use crate::harness::Test;

#[test]
fn every_command_that_takes_a_lab_names_the_nearest_one() {
    let typo = "publishd-web";
    for args in [
        vec!["show", typo],
        vec!["check", typo],
        vec!["watch", typo],
        vec!["reset", typo, "--yes"],
        vec!["grade", typo],
        vec!["selftest", typo],
        vec!["images", typo],
        vec!["progress", "reset", typo],
    ] {
        let out = Test::new().args(&args).run();
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr
                .contains("there is no lab `publishd-web`. Did you mean `published-web`? Labs: "),
            "{args:?}: {}",
            out.stderr
        );
    }
}

#[test]
fn a_misspelt_step_is_named_too_in_step_and_answer_arguments() {
    let out = Test::new()
        .args(&["show", "published-web", "--step", "run-detach"])
        .run();
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "lab `published-web` has no step `run-detach`. Did you mean `run-detached`? \
             Its steps are run-detached, browse, remove (or 1..3)."
        ),
        "{}",
        out.stderr
    );
    let out = Test::new()
        .args(&[
            "check",
            "published-web",
            "--answer",
            "published-web:brwse=1",
        ])
        .run();
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("`--answer published-web:brwse=1`: lab `published-web` has no step `brwse`. Did you mean `browse`?"),
        "{}",
        out.stderr
    );
}
