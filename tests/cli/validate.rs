//! `validate` and every kind of broken lab file: exit 2, the exact `file:line:col`, never a
//! panic, a hang or runaway memory.

use crate::harness::{Test, root};

/// Each broken fixture says on its first line where its error is: `# expect: LINE:COL text`.
#[test]
fn every_broken_fixture_reports_its_location() {
    let dir = root().join("fixtures/broken");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("fixtures") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read");
        let expect = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect: "))
            .unwrap_or_else(|| panic!("{} has no `# expect:` line", path.display()));
        let (loc, words) = expect.split_once(' ').unwrap_or((expect, ""));
        let rel = path.strip_prefix(root()).expect("inside repo");
        let out = Test::new()
            .args(&["validate", rel.to_str().expect("utf-8")])
            .run()
            .code(2)
            .no_panic();
        let want = format!("{}:{loc}: ", path.display());
        let want_rel = format!("{}:{loc}: ", rel.display());
        assert!(
            out.stderr.contains(&want) || out.stderr.contains(&want_rel),
            "{}: want `{loc}`\n{}",
            rel.display(),
            out.stderr
        );
        assert!(
            out.stderr.contains(words),
            "{}: want {words:?}\n{}",
            rel.display(),
            out.stderr
        );
        n += 1;
    }
    assert!(n >= 10, "only {n} broken fixtures");
}

#[test]
fn all_problems_of_all_files_are_reported() {
    let out = Test::new()
        .args(&[
            "validate",
            "fixtures/broken/no-checks.yaml",
            "fixtures/broken/non-loopback.yaml",
        ])
        .env("PWD", root().to_str().expect("utf-8"))
        .run_in_root()
        .code(2);
    assert!(out.stderr.contains("no-checks.yaml:7:9"), "{}", out.stderr);
    assert!(
        out.stderr.contains("non-loopback.yaml:12:17"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("2 problems"), "{}", out.stderr);
}

#[test]
fn caret_sits_under_the_column_even_after_hangul() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("lab.yaml");
    std::fs::write(
        &p,
        "format_version: 1\nid: x\nchapter: \"1\"\ntitle: { ko: \"한글 제목\", en: t, fr: x }\nsteps: []\n",
    )
    .expect("write");
    let out = Test::new()
        .args(&["validate", p.to_str().expect("utf-8")])
        .run()
        .code(2);
    assert!(
        out.stderr.contains(":4:30: unknown key `fr`"),
        "{}",
        out.stderr
    );
    // Column 30 counts characters; on screen the 4 Hangul take 2 columns each: 33 wide.
    let caret_line = out
        .stderr
        .lines()
        .find(|l| l.trim() == "^")
        .expect("caret line");
    assert_eq!(caret_line.find('^'), Some(2 + 33), "{}", out.stderr);
}

#[test]
fn huge_file_is_refused_without_reading_it_all() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("huge.yaml");
    std::fs::write(&p, "a: b\n".repeat(300_000)).expect("write");
    Test::new()
        .args(&["validate", p.to_str().expect("utf-8")])
        .run()
        .code(2)
        .stderr_has("at most 512 KiB");
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("deep.yaml");
    std::fs::write(
        &p,
        format!("title: {}{}\n", "[".repeat(50_000), "]".repeat(50_000)),
    )
    .expect("write");
    Test::new()
        .args(&["validate", p.to_str().expect("utf-8")])
        .run()
        .code(2)
        .no_panic();
}

#[test]
fn the_bundled_labs_are_valid() {
    Test::new()
        .args(&["validate"])
        .run()
        .code(0)
        .stdout_has("15 labs");
    Test::new()
        .args(&["validate", "labs"])
        .run_in_root()
        .code(0)
        .stdout_has("15 labs");
}

#[test]
fn a_labs_folder_of_ones_own() {
    Test::new()
        .args(&["--labs", "fixtures/labs", "list"])
        .run_in_root()
        .code(0)
        .stdout_has("mini");
    Test::new()
        .args(&["list"])
        .env("DOCKLINGS_LABS", "fixtures/labs")
        .run_in_root()
        .code(0)
        .stdout_has("mini");
}

#[test]
fn unknown_lab_step_and_flag_are_bad_input() {
    Test::new()
        .args(&["show", "no-such-lab"])
        .run()
        .code(2)
        .stderr_has("there is no lab `no-such-lab`")
        .stderr_has("published-web");
    Test::new()
        .args(&["show", "published", "--plain"])
        .run()
        .code(2)
        .stderr_has("Did you mean `published-web`?");
    Test::new()
        .args(&["show", "published-web", "--step", "9"])
        .run()
        .code(2)
        .stderr_has("has no step `9`");
    Test::new()
        .args(&["check", "published-web", "--since", "yesterday"])
        .run()
        .code(2)
        .stderr_has("--since");
    Test::new().args(&["frobnicate"]).run().code(2);
    Test::new()
        .args(&["--help"])
        .run()
        .code(0)
        .stdout_has("Exit codes");
    Test::new()
        .args(&["--labs", "/nonexistent", "list"])
        .run()
        .code(2)
        .stderr_has("/nonexistent");
}
