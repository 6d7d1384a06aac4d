//! For instructors: `schema` (the lab file's JSON Schema, committed as
//! `labs/lab.schema.json`), `book` (the mdBook, committed as `book/`) and `new` (a lab to
//! fill in). The committed copies are compared with what the binary makes, so a lab or
//! schema change that is not regenerated fails here rather than going stale.

use std::path::Path;

use crate::harness::{Test, root};

fn committed_schema() -> serde_json::Value {
    let text = std::fs::read_to_string(root().join("labs/lab.schema.json")).expect("schema");
    serde_json::from_str(&text).expect("schema is JSON")
}

fn yaml_to_json(text: &str) -> serde_json::Value {
    serde_saphyr::from_str(text).expect("YAML")
}

/// The schema's complaints about a lab file, one line each (empty: valid).
fn schema_errors(lab_yaml: &str) -> Vec<String> {
    let schema = committed_schema();
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    validator
        .iter_errors(&yaml_to_json(lab_yaml))
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn schema_prints_the_committed_file() {
    let out = Test::new().args(&["schema"]).run().code(0);
    let committed = std::fs::read_to_string(root().join("labs/lab.schema.json")).expect("read");
    assert!(
        out.stdout == committed,
        "labs/lab.schema.json is stale: run `cargo run -q -- schema > labs/lab.schema.json`"
    );
}

#[test]
fn every_bundled_lab_satisfies_the_schema() {
    let mut n = 0;
    for entry in std::fs::read_dir(root().join("labs")).expect("labs") {
        let file = entry.expect("entry").path().join("lab.yaml");
        if !file.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("read");
        assert!(
            text.starts_with("# yaml-language-server: $schema=../lab.schema.json\n"),
            "{}: no schema modeline",
            file.display()
        );
        let errs = schema_errors(&text);
        assert!(errs.is_empty(), "{}:\n{}", file.display(), errs.join("\n"));
        n += 1;
    }
    assert!(n >= 5, "only {n} labs");
}

#[test]
fn the_schema_refuses_what_the_loader_refuses() {
    let lab = std::fs::read_to_string(root().join("labs/published-web/lab.yaml")).expect("read");
    let broken = [
        // A misspelt key in a container check.
        ("state: running", "stat: running"),
        // Two kinds in one check.
        (
            "        fail:\n",
            "        image: { name: x }\n        fail:\n",
        ),
        // A duration without its unit.
        ("within: 5s", "within: 5"),
        // A solution map with no verb.
        (
            "      - docker container run --detach --publish 8088:80 diamol/ch02-hello-diamol-web\n    checks:",
            "      - { session: main }\n    checks:",
        ),
        // A text with a third language.
        (
            "title: { ko: \"컨테이너를 사용해 웹 사이트 호스팅하기\", en: \"Host a web site in a container\" }",
            "title: { ko: a, en: b, fr: c }",
        ),
        // An id the loader refuses.
        ("id: published-web", "id: Published_Web"),
    ];
    for (from, to) in broken {
        assert!(lab.contains(from), "the lab no longer has {from:?}");
        let text = lab.replacen(from, to, 1);
        // The schema says no exactly where the loader does.
        let tmp = tempfile::tempdir().expect("tmp");
        let file = tmp.path().join("lab.yaml");
        std::fs::write(&file, &text).expect("write");
        Test::new()
            .args(&["validate", file.to_str().expect("utf-8")])
            .run()
            .code(2)
            .no_panic();
        assert!(
            !schema_errors(&text).is_empty(),
            "the schema accepts {to:?}"
        );
    }
}

#[test]
fn the_book_in_the_repository_is_up_to_date() {
    Test::new()
        .args(&["book", "--check"])
        .run_in_root()
        .code(0)
        .stdout_has("is up to date");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

#[test]
fn book_check_lists_what_drifted_and_book_repairs_it() {
    let tmp = tempfile::tempdir().expect("tmp");
    let book = tmp.path().join("book");
    copy_dir(&root().join("book"), &book);
    let _ = std::fs::remove_dir_all(book.join("book")); // a local `mdbook build`
    let dir = book.to_str().expect("utf-8");
    let edited = book.join("src/en/labs/published-web.md");
    let text = std::fs::read_to_string(&edited).expect("read");
    std::fs::write(&edited, text.replace("Run it", "Run")).expect("write");
    std::fs::remove_file(book.join("src/ko/authoring/checks.md")).expect("rm");
    std::fs::write(book.join("src/en/labs/old-lab.md"), "# gone\n").expect("write");

    let out = Test::new()
        .args(&["book", "--check", "--out", dir])
        .run()
        .code(1)
        .no_panic();
    let line = |what: &str, rel: &str| format!("{what:<8}{}", book.join(rel).display());
    for (what, rel) in [
        ("stale", "src/en/labs/published-web.md"),
        ("missing", "src/ko/authoring/checks.md"),
        ("extra", "src/en/labs/old-lab.md"),
    ] {
        assert!(
            out.stdout.contains(&line(what, rel)),
            "{what} {rel}:\n{}",
            out.stdout
        );
    }
    assert_eq!(out.stdout.lines().count(), 3, "{}", out.stdout);
    assert!(out.stderr.contains("out of date"), "{}", out.stderr);

    Test::new().args(&["book", "--out", dir]).run().code(0);
    assert!(!book.join("src/en/labs/old-lab.md").exists());
    Test::new()
        .args(&["book", "--check", "--out", dir])
        .run()
        .code(0);
}

#[test]
fn book_never_writes_over_a_folder_it_did_not_make() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::write(tmp.path().join("notes.txt"), "mine").expect("write");
    Test::new()
        .args(&["book", "--out", tmp.path().to_str().expect("utf-8")])
        .run()
        .code(2)
        .stderr_has("not a book that docklings wrote");
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("notes.txt")).expect("still there"),
        "mine"
    );
}

#[test]
fn new_writes_a_lab_that_validates_at_once() {
    let tmp = tempfile::tempdir().expect("tmp");
    let labs = tmp.path().join("labs");
    let labs_s = labs.to_str().expect("utf-8");
    Test::new()
        .args(&["--labs", labs_s, "new", "my-lab"])
        .run()
        .code(0)
        .stdout_has("my-lab/lab.yaml");
    let lab = labs.join("my-lab/lab.yaml");
    Test::new()
        .args(&["validate", lab.to_str().expect("utf-8")])
        .run()
        .code(0)
        .stdout_has("1 lab (1 step) valid");
    Test::new()
        .args(&["--labs", labs_s, "show", "my-lab"])
        .run()
        .code(0);
    // The modeline resolves: the schema was written beside it, and the lab satisfies it.
    let text = std::fs::read_to_string(&lab).expect("read");
    assert!(text.starts_with("# yaml-language-server: $schema=../lab.schema.json\n"));
    let beside = std::fs::read_to_string(labs.join("lab.schema.json")).expect("schema beside");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&beside).ok(),
        Some(committed_schema())
    );
    let errs = schema_errors(&text);
    assert!(errs.is_empty(), "{}", errs.join("\n"));
    assert!(text.contains("ko:") && text.contains("en:") && text.contains("TODO"));
}

#[test]
fn new_refuses_an_existing_lab_and_a_bad_id() {
    let tmp = tempfile::tempdir().expect("tmp");
    let labs = tmp.path().to_str().expect("utf-8");
    Test::new()
        .args(&["--labs", labs, "new", "my-lab"])
        .run()
        .code(0);
    let before = std::fs::read_to_string(tmp.path().join("my-lab/lab.yaml")).expect("read");
    Test::new()
        .args(&["--labs", labs, "new", "my-lab"])
        .run()
        .code(2)
        .stderr_has("already exists");
    let after = std::fs::read_to_string(tmp.path().join("my-lab/lab.yaml")).expect("read");
    assert_eq!(before, after);
    for bad in ["Bad_Id", "-x", "a/b", "../up"] {
        Test::new()
            .args(&["--labs", labs, "new", "--", bad])
            .run()
            .code(2)
            .no_panic()
            .stderr_has("cannot be a lab id");
    }
    assert!(!tmp.path().join("Bad_Id").exists());
}
