//! `list`, `check` and `grade` on a clean engine: reports, formats and exit codes.

use crate::harness::{Engine, LABS, Test, verdicts};

#[test]
fn list_shows_the_labs_in_chapter_order() {
    let out = Test::new()
        .args(&["list", "--format", "json"])
        .run()
        .code(0);
    let ids: Vec<String> = out.json()["labs"]
        .as_array()
        .expect("labs")
        .iter()
        .map(|l| l["id"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(
        ids,
        [
            // Docker in a Month of Lunches, chapter 2 (numbered chapters first)
            "hello-diamol",
            "interactive-shell",
            "published-web",
            "cp-index-html",
            // the container-lifecycle chapters
            "hello-world",
            "ubuntu-bash",
            "my-centos",
            "container-test1",
            "nginx-server",
            "test-mysql",
            // the week-1 course
            "custom-nginx-volume",
            "my-nginx",
            "network-commands",
            "week1-practice",
            "network-ping"
        ]
    );
}

/// Steps met before anything is done: "pull the image" when the image is there (the tests
/// need every lab image present; `selftest` reports such a step as a precondition).
const PRECONDITIONS: &[(&str, &str)] = &[("nginx-server", "pull")];

#[test]
fn nothing_done_means_every_step_fails_with_reasons() {
    let e = Engine::lock();
    for lab in LABS {
        let r = e.check(lab);
        assert!(
            verdicts(&r)
                .iter()
                .all(|(id, p)| !p || PRECONDITIONS.contains(&(*lab, id.as_str()))),
            "{lab}: {r}"
        );
        for step in r["steps"].as_array().expect("steps") {
            for c in step["checks"].as_array().expect("checks") {
                for k in ["kind", "passed", "message", "expected", "observed"] {
                    assert!(c.get(k).is_some(), "{lab}: check lacks {k}");
                }
                assert!(!c["observed"].as_str().unwrap_or("").is_empty());
            }
        }
    }
}

#[test]
fn grade_formats_and_exit_codes() {
    let e = Engine::lock();
    let out = Test::new()
        .args(&["grade", "--all", "--format", "json", "--since", &e.since])
        .run()
        .code(1);
    let v = out.json();
    assert_eq!(v["passed"], false);
    assert_eq!(v["score"], PRECONDITIONS.len());
    assert_eq!(v["labs"].as_array().map(Vec::len), Some(LABS.len()));
    assert_eq!(
        v["max_score"],
        v["labs"]
            .as_array()
            .map(|l| l
                .iter()
                .map(|x| x["max_score"].as_u64().unwrap_or(0))
                .sum::<u64>())
            .unwrap_or(0)
    );

    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("report.xml");
    Test::new()
        .args(&[
            "grade",
            "hello-diamol",
            "published-web",
            "--format",
            "junit",
            "--output",
            file.to_str().expect("utf-8"),
        ])
        .run()
        .code(1);
    let xml = std::fs::read_to_string(&file).expect("report written");
    assert!(xml.starts_with("<?xml"));
    assert_eq!(xml.matches("<testsuite ").count(), 2);
    assert!(xml.contains("<testcase classname=\"published-web\" name=\"run-detached\" time=\""));
    assert!(xml.contains("<failure "));

    let text = Test::new()
        .args(&["--lang", "ko", "grade", "hello-diamol"])
        .run()
        .code(1)
        .stdout;
    // Other containers on a developer's engine show up as "what is near": redact them.
    let filters = vec![
        (r"\b[0-9a-f]{12}\b", "[id]"),
        (
            r"(no containers at all|found [^;\n]*|컨테이너가 하나도 없음|있는 컨테이너: [^;\n]*)",
            "[other containers]",
        ),
    ];
    insta::with_settings!({filters => filters}, {
        insta::assert_snapshot!("grade_hello_ko_clean", text);
    });
    Test::new()
        .args(&["grade"])
        .run()
        .code(2)
        .stderr_has("--all");

    // GitHub Classroom's reporter format, with a score per step.
    let out = Test::new()
        .args(&[
            "grade",
            "hello-diamol",
            "published-web",
            "--format",
            "classroom",
        ])
        .run()
        .code(1);
    let v = out.json();
    assert_eq!(v["version"], 1);
    assert_eq!(v["status"], "fail");
    assert_eq!(v["max_score"], 5);
    assert_eq!(v["tests"].as_array().map(Vec::len), Some(5));
    // Partial credit: --min-score sets the bar for the exit code.
    Test::new()
        .args(&["grade", "hello-diamol", "--min-score", "0"])
        .run()
        .code(0);
    Test::new()
        .args(&["grade", "hello-diamol", "--min-score", "1"])
        .run()
        .code(1);
}
