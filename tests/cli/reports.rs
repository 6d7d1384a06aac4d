//! Every consumer of docklings' reports reads them right. Each consumer is played here the
//! way it reads a report:
//!
//! - the xunit plugin's `junit-10.xsd` (Jenkins validates against it): which elements and
//!   attributes may appear where, which are required, and the `SUREFIRE_TIME` pattern;
//! - dorny/test-reporter: `parseFloat` of every suite's and case's `time`;
//! - mikepenz/action-junit-report: an annotation's file from the case, the failure or the
//!   suite, and its line found as `FILE:LINE` after a space in the failure text;
//! - GitLab: a case's own elements only (a suite's `system-out` is dropped);
//! - GitHub Classroom's autograding-grading-reporter: it prints a failed test's name and
//!   `test_code`, counts passed tests for one total and adds scores for another, and fails
//!   on a file that is not JSON;
//! - a JSON Schema validator, with the committed `docs/report.schema.json`;
//! - and for lab files, the committed `labs/lab.schema.json` against `validate`.

use std::path::Path;

use crate::harness::{Engine, Test, docker, root};

// ---------------------------------------------------------------------------------------
// JSON and its schema

fn committed_report_schema() -> serde_json::Value {
    let text = std::fs::read_to_string(root().join("docs/report.schema.json"))
        .expect("docs/report.schema.json");
    serde_json::from_str(&text).expect("the schema is JSON")
}

/// The report satisfies the committed schema, and says its format and language.
#[track_caller]
fn assert_valid_report(v: &serde_json::Value) {
    let schema = committed_report_schema();
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let errors: Vec<String> = validator
        .iter_errors(v)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}\n{v:#}", errors.join("\n"));
    assert_eq!(v["format_version"], 1, "{v:#}");
    assert!(v["lang"] == "en" || v["lang"] == "ko", "{v:#}");
}

#[test]
fn the_report_schema_is_committed_and_current() {
    let out = Test::new().args(&["schema", "--report"]).run().code(0);
    let committed =
        std::fs::read_to_string(root().join("docs/report.schema.json")).expect("committed");
    assert!(
        out.stdout == committed,
        "docs/report.schema.json is stale: run \
         `./target/debug/docklings schema --report > docs/report.schema.json`"
    );
    // It is a schema a validator accepts, and it is not the lab file's.
    let v: serde_json::Value = serde_json::from_str(&committed).expect("JSON");
    jsonschema::validator_for(&v).expect("a valid schema");
    assert_eq!(v["title"], "docklings report");
}

// ---------------------------------------------------------------------------------------
// The lab file's schema and `validate`

const LAB: &str = r#"format_version: 1
id: agree
chapter: "2.4"
title: { ko: "합의", en: "Agree" }
steps:
  - id: one
    title: One
    body: "Run `docker run x`"
    solution: ["docker run x"]
    checks:
      - http: { url: "http://localhost:8088/" }
"#;

/// Does the committed lab schema accept this lab file?
fn schema_accepts(yaml: &str) -> bool {
    let text = std::fs::read_to_string(root().join("labs/lab.schema.json")).expect("schema");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let lab: serde_json::Value = serde_saphyr::from_str(yaml).expect("YAML");
    jsonschema::validator_for(&schema)
        .expect("a valid schema")
        .is_valid(&lab)
}

/// Does `docklings validate` accept it?
fn validate_accepts(yaml: &str) -> bool {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("lab.yaml");
    std::fs::write(&file, yaml).expect("write");
    let out = Test::new()
        .args(&["validate", &file.display().to_string()])
        .run()
        .no_panic();
    assert!(out.code == 0 || out.code == 2, "{}", out.stderr);
    out.code == 0
}

#[test]
fn the_lab_schema_and_validate_agree() {
    let cases: &[(&str, String, bool)] = &[
        ("the lab as it is", LAB.to_owned(), true),
        (
            "a chapter written as a number",
            LAB.replace("chapter: \"2.4\"", "chapter: 2.4"),
            true,
        ),
        (
            "no steps",
            format!(
                "{}steps: []\n",
                LAB.split("steps:").next().unwrap_or_default()
            ),
            false,
        ),
        (
            "a step with no checks",
            LAB.replace(
                "    checks:\n      - http: { url: \"http://localhost:8088/\" }\n",
                "    checks: []\n",
            ),
            false,
        ),
        (
            "a step with no solution",
            LAB.replace("    solution: [\"docker run x\"]\n", ""),
            false,
        ),
        (
            "a URL without http://",
            LAB.replace("http://localhost:8088/", "localhost:8088/"),
            false,
        ),
    ];
    for (what, yaml, valid) in cases {
        assert_eq!(validate_accepts(yaml), *valid, "validate, {what}:\n{yaml}");
        assert_eq!(schema_accepts(yaml), *valid, "the schema, {what}:\n{yaml}");
    }
}

// ---------------------------------------------------------------------------------------
// JUnit, as its consumers read it

/// The SUREFIRE_TIME type of `junit-10.xsd`.
fn surefire_time(s: &str) -> bool {
    regex::Regex::new(r"^(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?$")
        .expect("regex")
        .is_match(s)
}

/// Element → (required attributes, allowed attributes, allowed child elements), as the
/// xunit plugin's `junit-10.xsd` declares them.
fn xsd_rule(
    name: &str,
) -> Option<(
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
)> {
    const TEXT: &[&str] = &[];
    Some(match name {
        "testsuites" => (
            &[],
            &["name", "time", "tests", "failures", "errors"],
            &["testsuite"],
        ),
        "testsuite" => (
            &["name", "tests", "failures", "errors"],
            &[
                "name",
                "tests",
                "failures",
                "errors",
                "group",
                "time",
                "skipped",
                "timestamp",
                "hostname",
                "id",
                "package",
                "file",
                "log",
                "url",
            ],
            &[
                "testsuite",
                "properties",
                "testcase",
                "system-out",
                "system-err",
            ],
        ),
        "testcase" => (
            &["name"],
            &["name", "time", "classname", "group"],
            &[
                "skipped",
                "error",
                "failure",
                "rerunFailure",
                "rerunError",
                "flakyFailure",
                "flakyError",
                "system-out",
                "system-err",
            ],
        ),
        "failure" | "error" | "skipped" => (&[], &["type", "message"], TEXT),
        "system-out" | "system-err" => (&[], &[], TEXT),
        _ => return None,
    })
}

/// Parse a JUnit report and check it against the shape of `junit-10.xsd`, plus what the
/// test-report actions need: a numeric `time` on every suite and case (dorny's
/// `parseFloat`), and a `message` and `type` on every failure and error.
#[track_caller]
fn assert_junit(xml: &str) -> roxmltree::Document<'_> {
    let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("not XML ({e}):\n{xml}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites", "{xml}");
    for node in root.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        let (required, allowed, children) =
            xsd_rule(name).unwrap_or_else(|| panic!("<{name}> is not in junit-10.xsd:\n{xml}"));
        for a in node.attributes() {
            assert!(
                allowed.contains(&a.name()),
                "<{name} {}> is not allowed by junit-10.xsd:\n{xml}",
                a.name()
            );
        }
        for r in required {
            assert!(node.has_attribute(*r), "<{name}> lacks {r}:\n{xml}");
        }
        for c in node.children().filter(|c| c.is_element()) {
            assert!(
                children.contains(&c.tag_name().name()),
                "<{}> inside <{name}>:\n{xml}",
                c.tag_name().name()
            );
        }
        if let Some(t) = node.attribute("time") {
            assert!(t.parse::<f64>().is_ok(), "time {t:?} is not a number");
            if name != "testcase" {
                assert!(surefire_time(t), "time {t:?} is not a SUREFIRE_TIME");
            }
        }
        match name {
            "testsuite" | "testcase" => {
                assert!(node.has_attribute("time"), "<{name}> has no time:\n{xml}");
            }
            "failure" | "error" => {
                for a in ["message", "type"] {
                    assert!(node.has_attribute(a), "<{name}> lacks {a}:\n{xml}");
                }
            }
            _ => {}
        }
    }
    doc
}

/// Where action-junit-report puts a failed case's annotation (its `resolveFileAndLine`):
/// the file of the case, its failure or its suite (else the class name's last part), and
/// the line given beside it, else the last ` …FILE…:LINE` in the failure text, else 1.
fn annotation(case: roxmltree::Node) -> (String, u64) {
    let suite = case.parent_element().expect("a suite");
    let failure = case
        .children()
        .find(|c| c.has_tag_name("failure") || c.has_tag_name("error"));
    let pick = |a: &str| {
        case.attribute(a)
            .or_else(|| failure.and_then(|f| f.attribute(a)))
            .or_else(|| suite.attribute(a))
    };
    let file = pick("file").map(str::to_owned).unwrap_or_else(|| {
        let class = case.attribute("classname").unwrap_or_default();
        class.rsplit('.').next().unwrap_or_default().to_owned()
    });
    if let Some(line) = pick("line").and_then(|l| l.parse().ok()) {
        return (file, line);
    }
    let text = failure.and_then(|f| f.text()).unwrap_or_default().trim();
    let re = regex::Regex::new(&format!(r" [^ ]*{}.*?:\d+", regex::escape(&file))).expect("re");
    let line = re
        .find_iter(text)
        .last()
        .and_then(|m| m.as_str().rsplit(':').next()?.parse().ok())
        .unwrap_or(1);
    (file, line)
}

/// The line of `- id: STEP` in a lab file.
fn step_line(lab_file: &str, step: &str) -> u64 {
    let text = std::fs::read_to_string(root().join(lab_file)).expect("lab file");
    let want = format!("- id: {step}");
    text.lines()
        .position(|l| l.trim() == want)
        .map(|i| i as u64 + 1)
        .unwrap_or_else(|| panic!("{want} in {lab_file}"))
}

#[test]
fn junit_reads_right_in_every_consumer() {
    let e = Engine::lock();
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("report.xml");
    let out = Test::new()
        .args(&[
            "grade",
            "hello-diamol",
            "published-web",
            "--since",
            &e.since,
            "--format",
            "junit",
            "--output",
            &file.display().to_string(),
        ])
        .run()
        .code(1);
    // With `--output`, the CI log still shows the report.
    assert!(
        out.stdout.contains("published-web") && out.stdout.contains("✗"),
        "{}",
        out.stdout
    );
    let xml = std::fs::read_to_string(&file).expect("report written");
    let doc = assert_junit(&xml);
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert!(cases.len() >= 4, "{xml}");
    for suite in doc.descendants().filter(|n| n.has_tag_name("testsuite")) {
        let lab = suite.attribute("name").unwrap_or_default();
        assert_eq!(
            suite.attribute("file"),
            Some(format!("labs/{lab}/lab.yaml").as_str())
        );
    }
    let code = regex::Regex::new(r"^[a-z_]+\.[a-z_]+$").expect("re");
    for case in cases {
        let Some(failure) = case.children().find(|c| c.has_tag_name("failure")) else {
            continue;
        };
        let lab = case.attribute("classname").unwrap_or_default();
        let step = case.attribute("name").unwrap_or_default();
        let lab_file = format!("labs/{lab}/lab.yaml");
        assert_eq!(
            annotation(case),
            (lab_file.clone(), step_line(&lab_file, step)),
            "{lab}/{step}: the annotation is not at the step\n{xml}"
        );
        // The failing check's code, not one word for every failure.
        let kind = failure.attribute("type").unwrap_or_default();
        assert!(code.is_match(kind), "failure type {kind:?}");
        let text = failure.text().unwrap_or_default();
        assert!(
            text.contains("expected:") && text.contains("observed:"),
            "{text}"
        );
    }

    // In Korean, the labels are Korean.
    let ko = Test::new()
        .args(&[
            "--lang",
            "ko",
            "grade",
            "published-web",
            "--since",
            &e.since,
            "--format",
            "junit",
        ])
        .run()
        .code(1)
        .stdout;
    assert_junit(&ko);
    assert!(ko.contains("기대:") && ko.contains("실제:"), "{ko}");
    assert!(
        !ko.contains("expected:") && !ko.contains("observed:"),
        "{ko}"
    );
}

// ---------------------------------------------------------------------------------------
// GitHub Classroom's reporter

/// What the autograding reporter does with a runner's results: the lines it prints for
/// the tests, its total by counting passed tests (the runner's line and the summary
/// table), its total by adding scores (the notice Classroom records), and whether it
/// fails the run. `None` when it cannot read the file ("Unexpected end of JSON input").
struct Reporter {
    printed: String,
    counted: f64,
    added: f64,
    max: f64,
    fails: bool,
}

fn reporter(text: &str) -> Option<Reporter> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    let tests = v["tests"].as_array()?;
    let mut printed = String::new();
    for t in tests {
        let name = t["name"].as_str().unwrap_or_default();
        match t["status"].as_str() {
            Some("pass") => printed.push_str(&format!("✅ {name}\n")),
            Some("error") => printed.push_str(&format!(
                "Error: {}\n",
                t["message"]
                    .as_str()
                    .filter(|m| !m.is_empty())
                    .unwrap_or(name)
            )),
            _ => printed.push_str(&format!("❌ {name}\n")),
        }
        if let Some(code) = t["test_code"].as_str().filter(|c| !c.is_empty()) {
            printed.push_str(&format!("Test code:\n{code}\n"));
        }
    }
    let max = v["max_score"].as_f64().unwrap_or(0.0);
    let passed = tests.iter().filter(|t| t["status"] == "pass").count() as f64;
    Some(Reporter {
        printed,
        counted: passed / tests.len() as f64 * max,
        added: tests
            .iter()
            .map(|t| t["score"].as_f64().unwrap_or(0.0))
            .sum(),
        max,
        fails: v["status"] == "fail" || v["status"] == "error",
    })
}

/// A folder with one lab whose steps are worth 3, 1 and 2 points; on a clean engine the
/// first passes (its image is there) and the others fail.
fn weighted_labs() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    let lab = dir.path().join("weighted");
    std::fs::create_dir(&lab).expect("mkdir");
    let step = |id: &str, points: u32, check: &str| {
        format!(
            "  - id: {id}\n    title: {id}\n    body: \"Run `docker run --name dkt-{id} diamol/base`\"\n    points: {points}\n    solution: [\"docker run --name dkt-{id} diamol/base\"]\n    checks:\n      - {check}\n"
        )
    };
    let yaml = format!(
        "format_version: 1\nid: weighted\nchapter: 9.9\ntitle: {{ ko: \"가중치\", en: \"Weighted\" }}\nimages: [diamol/base]\nsteps:\n{}{}{}",
        step("have-image", 3, "image: { name: diamol/base }"),
        step(
            "run-it",
            1,
            "container: { select: { name: dkt-run-it }, state: exited }"
        ),
        step(
            "run-more",
            2,
            "container: { select: { name: dkt-run-more }, state: exited }"
        ),
    );
    std::fs::write(lab.join("lab.yaml"), yaml).expect("write");
    dir
}

#[test]
fn classroom_reads_right() {
    let e = Engine::lock();
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("classroom.json");
    let out = Test::new()
        .args(&[
            "grade",
            "published-web",
            "--since",
            &e.since,
            "--format",
            "classroom",
            "--output",
            &file.display().to_string(),
        ])
        .run()
        .code(1);
    assert!(
        out.stdout.contains("published-web"),
        "the log shows nothing: {}",
        out.stdout
    );
    let text = std::fs::read_to_string(&file).expect("written");
    let r = reporter(&text).expect("the reporter reads it");
    assert!(r.fails);
    // The student reads why, not only "❌ published-web / remove".
    let json = Test::new()
        .args(&[
            "check",
            "published-web",
            "--since",
            &e.since,
            "--format",
            "json",
        ])
        .run()
        .code(1)
        .json();
    for step in json["steps"].as_array().expect("steps") {
        for c in step["checks"].as_array().expect("checks") {
            if c["passed"] == false {
                let message = c["message"].as_str().unwrap_or_default();
                assert!(
                    r.printed.contains(message),
                    "{message:?} not shown:\n{}",
                    r.printed
                );
            }
        }
    }

    // Weighted points: one total everywhere, and the JSON report's.
    let labs = weighted_labs();
    let labs_dir = labs.path().display().to_string();
    let grade = |format: &str, extra: &[&str]| {
        let mut args = vec!["--labs", &labs_dir, "grade", "weighted", "--format", format];
        args.extend_from_slice(extra);
        Test::new().args(&args).run()
    };
    let r = reporter(&grade("classroom", &[]).code(1).stdout).expect("readable");
    let v = grade("json", &[]).code(1).json();
    assert_valid_report(&v);
    assert_eq!(
        (v["score"].clone(), v["max_score"].clone()),
        (3.into(), 6.into())
    );
    // The one step passed is worth half the points but is a third of the steps: a
    // reporter that counts tests and one that adds their scores agree only when the
    // tests carry the weights.
    assert_eq!(
        (r.counted, r.added, r.max),
        (3.0, 3.0, 6.0),
        "{}",
        r.printed
    );

    // `--min-score` decides the status as it decides the exit code.
    let r = reporter(&grade("classroom", &["--min-score", "3"]).code(0).stdout).expect("readable");
    assert!(!r.fails, "{}", r.printed);
    let v = grade("json", &["--min-score", "3"]).code(0).json();
    assert_eq!(
        (v["passed"].clone(), v["min_score"].clone()),
        (true.into(), 3.into())
    );
    let r = reporter(&grade("classroom", &["--min-score", "4"]).code(1).stdout).expect("readable");
    assert!(r.fails);
}

// ---------------------------------------------------------------------------------------
// Exit 2 and 3: still a report

#[test]
fn bad_input_and_a_missing_engine_still_write_machine_reports() {
    let dir = tempfile::tempdir().expect("tmp");
    let later = (std::time::SystemTime::now() + std::time::Duration::from_secs(3600))
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
        .to_string();
    // A `--since` in the future is bad input, said plainly (not the engine's HTTP 400).
    let out = Test::new()
        .args(&[
            "check",
            "published-web",
            "--since",
            &later,
            "--format",
            "json",
        ])
        .run()
        .code(2)
        .stderr_has("in the future");
    let v = out.json();
    assert_valid_report(&v);
    assert_eq!(v["error"]["exit_code"], 2);
    assert_eq!(v["error"]["kind"], "bad_input");

    // No engine at that address: exit 3, and each format's file says why.
    let nowhere = format!("unix://{}", dir.path().join("no-engine.sock").display());
    for (format, name) in [
        ("json", "r.json"),
        ("junit", "r.xml"),
        ("classroom", "c.json"),
    ] {
        let file = dir.path().join(name);
        let out = Test::new()
            .env("DOCKER_HOST", &nowhere)
            .args(&[
                "grade",
                "hello-diamol",
                "published-web",
                "--format",
                format,
                "--output",
                &file.display().to_string(),
            ])
            .run()
            .code(3);
        let text = std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("{format}: no report ({e}); stderr: {}", out.stderr));
        assert!(!text.is_empty(), "{format}: an empty report");
        match format {
            "json" => {
                let v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
                assert_valid_report(&v);
                assert_eq!(v["error"]["exit_code"], 3);
                assert_eq!(v["max_score"], 5, "the labs' points");
            }
            "junit" => {
                let doc = assert_junit(&text);
                let error = doc
                    .descendants()
                    .find(|n| n.has_tag_name("error"))
                    .expect("an <error>");
                assert_eq!(error.attribute("type"), Some("engine"));
            }
            _ => {
                let r = reporter(&text).expect("the reporter reads it");
                assert!(r.fails);
                assert!(r.printed.starts_with("Error: "), "{}", r.printed);
                assert_eq!((r.added, r.max), (0.0, 5.0));
            }
        }
    }

    // An unknown lab: exit 2, in JUnit on stdout.
    let out = Test::new()
        .args(&["check", "no-such-lab", "--format", "junit"])
        .run()
        .code(2);
    let doc = assert_junit(&out.stdout);
    assert!(doc.descendants().any(|n| n.has_tag_name("error")));
    // Text has no error report: the error is on stderr, stdout stays empty.
    let out = Test::new().args(&["check", "no-such-lab"]).run().code(2);
    assert!(out.stdout.is_empty(), "{}", out.stdout);

    // A flag clap refuses, and a context that does not exist, come before any command
    // runs: the report asked for is written all the same.
    let out = Test::new()
        .args(&["grade", "published-web", "--format", "json", "--bogus"])
        .run()
        .code(2);
    let v = out.json();
    assert_valid_report(&v);
    assert_eq!(v["error"]["kind"], "bad_input");
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("--bogus")),
        "{v}"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("r.xml");
    Test::new()
        .args(&[
            "--context",
            "no-such-context",
            "grade",
            "published-web",
            "--format",
            "junit",
            "--output",
            &file.display().to_string(),
        ])
        .run()
        .code(2);
    let text = std::fs::read_to_string(&file).expect("a report despite the early error");
    let doc = assert_junit(&text);
    let error = doc
        .descendants()
        .find(|n| n.has_tag_name("error"))
        .expect("an <error>");
    assert_eq!(error.attribute("type"), Some("bad_input"));
}

// ---------------------------------------------------------------------------------------
// Real reports and the schema; a submission in every consumer

#[test]
fn real_reports_satisfy_the_schema() {
    let e = Engine::lock();
    let lab = Test::new()
        .args(&[
            "check",
            "published-web",
            "--since",
            &e.since,
            "--format",
            "json",
        ])
        .run()
        .code(1)
        .json();
    assert_valid_report(&lab);
    assert_eq!(lab["file"], "labs/published-web/lab.yaml");
    let ko = Test::new()
        .args(&[
            "--lang",
            "ko",
            "grade",
            "hello-diamol",
            "published-web",
            "--format",
            "json",
        ])
        .run()
        .code(1)
        .json();
    assert_valid_report(&ko);
    assert_eq!(ko["lang"], "ko");
    for step in ko["labs"][0]["steps"].as_array().expect("steps") {
        assert!(step["duration_ms"].is_u64(), "{step}");
    }
}

fn fixture(name: &str) -> String {
    root()
        .join("fixtures/submissions")
        .join(name)
        .display()
        .to_string()
}

/// `grade published-web --submission SCRIPT --format FORMAT --output FILE` in a private
/// TMPDIR; the report written and the exit code.
fn submit(script: &str, format: &str, dir: &Path) -> (String, i32) {
    let file = dir.join(format!("report.{format}"));
    let out = Test::new()
        .env("TMPDIR", &dir.display().to_string())
        .args(&[
            "grade",
            "published-web",
            "--submission",
            &fixture(script),
            "--format",
            format,
            "--output",
            &file.display().to_string(),
        ])
        .run()
        .no_panic();
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{e}: {}", out.stderr));
    (text, out.code)
}

#[test]
fn a_submission_reads_right_in_every_consumer() {
    let mut e = Engine::lock();
    let dir = tempfile::tempdir().expect("tmp");
    // JUnit: the script's output is inside a test case, where GitLab keeps it; the
    // submission's suite has a time.
    let (xml, code) = submit("good-published-web.sh", "junit", dir.path());
    assert_eq!(code, 1, "{xml}");
    let doc = assert_junit(&xml);
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite") && n.attribute("name") == Some("submission"))
        .expect("the submission's suite");
    assert!(
        suite
            .attribute("time")
            .is_some_and(|t| t.parse::<f64>().is_ok())
    );
    assert!(
        !suite.children().any(|c| c.has_tag_name("system-out")),
        "GitLab drops a suite's system-out:\n{xml}"
    );
    let case_out = suite
        .descendants()
        .filter(|n| n.has_tag_name("system-out"))
        .find(|n| {
            n.parent_element()
                .is_some_and(|p| p.has_tag_name("testcase"))
        })
        .and_then(|n| n.text())
        .unwrap_or_default();
    assert!(case_out.contains("Hello from Chapter 2!"), "{xml}");

    // Classroom: a rejected submission scores nothing, by every total.
    e.sleeper("dkt-victim");
    let (text, code) = submit("removes-others.sh", "classroom", dir.path());
    assert_eq!(code, 1, "{text}");
    assert_eq!(
        docker(&["inspect", "-f", "{{.State.Status}}", "dkt-victim"]),
        "running"
    );
    let r = reporter(&text).expect("the reporter reads it");
    assert!(r.fails);
    assert_eq!((r.counted, r.added), (0.0, 0.0), "{}", r.printed);
    assert!(r.printed.contains("REJECTED"), "{}", r.printed);
}
