//! `grade --submission FOLDER`: a class's scripts graded one after another into one report
//! — good, partial, hostile, failing and endless scripts side by side, in both layouts (a
//! script per student, a folder per student), and the engine as it was afterwards.

use std::path::Path;

use crate::harness::{Engine, Test, docker, engine_state, root};

/// What each fixture does to `published-web` (3 points), as the report must say it.
#[derive(Clone, Copy)]
enum Kind {
    /// Runs, browses, removes: 3/3.
    Full,
    /// Runs and browses, leaves the container: 2/3.
    Partial,
    /// Tries to remove the test's bystander: refused, 0.
    Hostile,
    /// Runs, then exits 3: 1/3.
    Fails,
    /// Lists its folder, runs: 1/3.
    Lists,
    /// Runs, then sleeps past the timeout: 1/3.
    Endless,
    /// A student's folder with two scripts and no submission.sh: not graded.
    Unclear,
}

impl Kind {
    fn fixture(self) -> &'static str {
        match self {
            Kind::Full => "full-published-web.sh",
            Kind::Partial => "good-published-web.sh",
            Kind::Hostile => "class/removes-bystander.sh",
            Kind::Fails => "class/fails-after-run.sh",
            Kind::Lists => "class/lists-its-folder.sh",
            Kind::Endless => "sleeps-forever.sh",
            Kind::Unclear => "good-published-web.sh",
        }
    }

    /// (score, status) in the JSON report.
    fn want(self) -> (u64, &'static str) {
        match self {
            Kind::Full => (3, "passed"),
            Kind::Partial => (2, "failed"),
            Kind::Hostile => (0, "rejected"),
            Kind::Fails | Kind::Lists => (1, "failed"),
            Kind::Endless => (1, "timed_out"),
            Kind::Unclear => (0, "error"),
        }
    }
}

/// The class: (name in the report, kind, in a folder of its own).
const CLASS: &[(&str, Kind, bool)] = &[
    ("s01.sh", Kind::Full, false),
    ("s02.sh", Kind::Partial, false),
    ("s03", Kind::Full, true),
    ("s04.sh", Kind::Full, false),
    ("s05.sh", Kind::Partial, false),
    ("s06", Kind::Partial, true),
    ("s07.sh", Kind::Full, false),
    ("s08.sh", Kind::Hostile, false),
    ("s09.sh", Kind::Fails, false),
    ("s10.sh", Kind::Lists, false),
    ("s11.sh", Kind::Full, false),
    ("s12.sh", Kind::Partial, false),
    ("s13.sh", Kind::Full, false),
    ("s14.sh", Kind::Partial, false),
    ("s15.sh", Kind::Hostile, false),
    ("s16.sh", Kind::Full, false),
    ("s17.sh", Kind::Endless, false),
    ("s18", Kind::Unclear, true),
    ("s19.sh", Kind::Partial, false),
    ("s20.sh", Kind::Full, false),
];

/// Write the class into `dir`, with a file they all share.
fn write_class(dir: &Path) {
    let fixtures = root().join("fixtures/submissions");
    for (name, kind, own) in CLASS {
        let from = fixtures.join(kind.fixture());
        let to = match (own, kind) {
            (false, _) => dir.join(name),
            (true, Kind::Unclear) => {
                std::fs::create_dir_all(dir.join(name)).expect("folder");
                std::fs::copy(&from, dir.join(name).join("b.sh")).expect("second script");
                dir.join(name).join("a.sh")
            }
            // One folder with submission.sh beside another file, one with its only script.
            (true, _) if *name == "s03" => {
                std::fs::create_dir_all(dir.join(name)).expect("folder");
                std::fs::write(dir.join(name).join("notes.md"), "mine\n").expect("notes");
                dir.join(name).join("submission.sh")
            }
            (true, _) => {
                std::fs::create_dir_all(dir.join(name)).expect("folder");
                dir.join(name).join("run.sh")
            }
        };
        std::fs::copy(&from, &to).expect("copy the fixture");
    }
    std::fs::write(dir.join("shared-note.txt"), "given to the whole class\n").expect("shared");
}

#[test]
fn a_class_of_twenty_is_graded_into_one_report() {
    let mut e = Engine::lock();
    e.sleeper("dkt-class-bystander");
    let class = tempfile::tempdir().expect("class folder");
    write_class(class.path());
    let dir = class.path().display().to_string();
    let tmp = tempfile::tempdir().expect("TMPDIR");
    let before = engine_state();

    // JSON to a file, and the text table on stdout at the same time.
    let json_file = tmp.path().join("class.json");
    let private = tempfile::tempdir().expect("docklings' TMPDIR");
    let out = Test::new()
        .env("TMPDIR", &private.path().display().to_string())
        .env("CI", "true")
        .args(&[
            "grade",
            "published-web",
            "--submission",
            &dir,
            "--timeout",
            "5",
            "--format",
            "json",
            "--output",
            &json_file.display().to_string(),
        ])
        .run()
        .no_panic();
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    let left: Vec<_> = std::fs::read_dir(private.path()).expect("TMPDIR").collect();
    assert!(left.is_empty(), "left in TMPDIR: {left:?}");
    assert_eq!(engine_state(), before, "the class left something behind");
    assert_eq!(
        docker(&["inspect", "-f", "{{.State.Status}}", "dkt-class-bystander"]),
        "running",
        "the guard let the bystander be touched"
    );

    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_file).expect("the JSON report"))
            .expect("JSON");
    // The schema `schema --report` prints covers a class's report.
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/report.schema.json")).expect("the schema"),
    )
    .expect("JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert_eq!(json["format_version"], 1);
    assert_eq!(json["lang"], "en");
    assert_eq!(json["passed"], false);
    let subs = json["submissions"].as_array().expect("submissions");
    let got: Vec<(String, u64, String)> = subs
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap_or_default().to_owned(),
                s["score"].as_u64().unwrap_or(99),
                s["status"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let want: Vec<(String, u64, String)> = CLASS
        .iter()
        .map(|(name, kind, _)| {
            let (score, status) = kind.want();
            ((*name).to_owned(), score, status.to_owned())
        })
        .collect();
    assert_eq!(got, want, "{}", out.stdout);
    for s in subs {
        assert_eq!(s["max_score"], 3, "{s}");
        let name = s["name"].as_str().unwrap_or_default();
        if s["status"] == "error" {
            assert!(
                s["error"]
                    .as_str()
                    .is_some_and(|e| e.contains("a.sh, b.sh")),
                "{s}"
            );
            continue;
        }
        // Each keeps the grade report it would have had alone, with its own script's path.
        let report = &s["report"];
        assert_eq!(report["score"], s["score"], "{name}");
        assert_eq!(report["labs"][0]["lab"], "published-web", "{name}");
        let path = report["submission"]["path"].as_str().unwrap_or_default();
        assert!(path.starts_with(&dir), "{name}: {path}");
    }
    let by_name = |n: &str| {
        subs.iter()
            .find(|s| s["name"] == n)
            .unwrap_or_else(|| panic!("{n}"))
    };
    assert_eq!(by_name("s09.sh")["report"]["submission"]["exit_code"], 3);
    assert_eq!(by_name("s17.sh")["report"]["submission"]["timed_out"], true);
    let refused = &by_name("s08.sh")["report"]["submission"]["denied"][0];
    assert_eq!(refused["method"], "DELETE", "{refused}");
    assert!(
        refused["path"]
            .as_str()
            .is_some_and(|p| p.contains("/containers/")),
        "{refused}"
    );
    // Beside its classmates, a script sees only itself and what the class shares.
    let tail = by_name("s10.sh")["report"]["submission"]["output_tail"].to_string();
    assert!(tail.contains("shared-note.txt"), "{tail}");
    assert!(tail.contains("given to the whole class"), "{tail}");
    for classmate in ["s01.sh", "s03", "s09.sh"] {
        assert!(!tail.contains(classmate), "s10.sh saw {classmate}: {tail}");
    }
    let sum = &json["summary"];
    assert_eq!(sum["count"], 20);
    assert_eq!(sum["graded"], 20);
    assert_eq!(sum["passed"], 8, "{sum}");
    assert_eq!(sum["failed"], 8, "{sum}");
    assert_eq!(sum["rejected"], 2, "{sum}");
    assert_eq!(sum["timed_out"], 1, "{sum}");
    assert_eq!(sum["errors"], 1, "{sum}");
    assert_eq!(sum["mean_score"], 1.95, "{sum}");

    // A line per submission on stderr, since it is not a terminal.
    assert!(
        out.stderr.contains("[1/20] s01.sh 3/3 passed"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("[20/20] s20.sh 3/3 passed"));
    // The text table, times aside.
    insta::with_settings!({filters => vec![(r"\d+\.\ds", "[t]")]}, {
        insta::assert_snapshot!("class_text_en", out.stdout);
    });

    // JUnit: a suite per submission × lab, each failure with its reason.
    let out = Test::new()
        .args(&[
            "grade",
            "published-web",
            "--submission",
            &dir,
            "--timeout",
            "5",
            "--format",
            "junit",
        ])
        .run()
        .code(1);
    assert_eq!(engine_state(), before, "the class left something behind");
    let doc = roxmltree::Document::parse(&out.stdout).expect("JUnit XML");
    let suites: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), 20, "{}", out.stdout);
    let suite = |name: &str| {
        suites
            .iter()
            .find(|s| s.attribute("name") == Some(name))
            .unwrap_or_else(|| panic!("no suite {name}:\n{}", out.stdout))
    };
    assert_eq!(
        suite("s01.sh / published-web").attribute("failures"),
        Some("0")
    );
    assert_eq!(
        suite("s02.sh / published-web").attribute("failures"),
        Some("1")
    );
    // A rejected submission scores nothing: every step fails, saying why.
    let hostile = suite("s08.sh / published-web");
    assert_eq!(hostile.attribute("failures"), Some("3"));
    assert!(
        hostile
            .descendants()
            .filter(|n| n.has_tag_name("failure"))
            .all(|f| f.text().is_some_and(|t| t.contains("DELETE /"))),
        "{}",
        out.stdout
    );
    assert_eq!(suite("s18").attribute("errors"), Some("1"));
    for s in &suites {
        assert!(s.attribute("time").is_some(), "a suite without a time");
    }
    let top = doc.root_element();
    assert_eq!(top.attribute("tests"), Some("58"), "19 × 3 steps + 1 error");
    assert_eq!(top.attribute("errors"), Some("1"));
}

#[test]
fn a_folder_is_read_before_the_engine_and_classroom_is_refused() {
    let empty = tempfile::tempdir().expect("empty");
    std::fs::write(empty.path().join("notes.txt"), "no script here\n").expect("notes");
    let dir = empty.path().display().to_string();
    Test::new()
        .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
        .args(&["grade", "published-web", "--submission", &dir])
        .run()
        .code(2)
        .stderr_has("no submission in")
        .stderr_has("NAME.sh");
    Test::new()
        .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
        .args(&[
            "grade",
            "published-web",
            "--submission",
            &dir,
            "--format",
            "classroom",
        ])
        .run()
        .code(2)
        .stderr_has("classroom format grades one submission")
        .stderr_has("ci-templates/github-actions-grade.yml");
}
