//! Reports: step verdicts gathered into a lab report, printed as text, JSON or JUnit XML.
//!
//! The JSON keys `lab`, `passed`, `score`, `max_score`, `steps[].id/title/passed/points`,
//! `steps[].checks[].kind/passed/message/expected/observed` and, for several labs,
//! `labs`/`score`/`max_score`/`passed` are a contract: tools read them.

use std::fmt::Write as _;

use serde::Serialize;

use crate::check::StepResult;
use crate::style::Style;

#[derive(Clone, Debug, Serialize)]
pub struct LabReport {
    pub lab: String,
    pub title: String,
    pub chapter: String,
    pub passed: bool,
    pub score: u32,
    pub max_score: u32,
    pub steps: Vec<StepResult>,
    /// Unix seconds from which engine events counted as the learner's.
    pub since: i64,
    /// RFC 3339 time of the check.
    pub checked_at: String,
    /// How long checking took.
    pub duration_ms: u64,
}

impl LabReport {
    pub fn new(
        lab: &crate::lab::Lab,
        lang: crate::lab::Lang,
        steps: Vec<StepResult>,
        since: i64,
    ) -> Self {
        let score = steps.iter().filter(|s| s.passed).map(|s| s.points).sum();
        let max_score = steps.iter().map(|s| s.points).sum();
        LabReport {
            lab: lab.id.clone(),
            title: lab.title.get(lang).to_owned(),
            chapter: lab.chapter.clone(),
            passed: steps.iter().all(|s| s.passed),
            score,
            max_score,
            steps,
            since: since.div_euclid(1_000_000_000),
            checked_at: now_rfc3339(),
            duration_ms: 0,
        }
    }
}

/// Several labs graded together.
#[derive(Clone, Debug, Serialize)]
pub struct GradeReport {
    pub labs: Vec<LabReport>,
    pub score: u32,
    pub max_score: u32,
    pub passed: bool,
}

impl GradeReport {
    pub fn new(labs: Vec<LabReport>) -> Self {
        GradeReport {
            score: labs.iter().map(|l| l.score).sum(),
            max_score: labs.iter().map(|l| l.max_score).sum(),
            passed: labs.iter().all(|l| l.passed),
            labs,
        }
    }
}

pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Human-readable report: each step ✓/✗, and for each failed check what was expected, what
/// was found, and the lab's own advice.
pub fn text(r: &LabReport, st: &Style, lang: crate::lab::Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} {}",
        st.bold(&r.lab),
        st.dim("—"),
        st.bold(&r.title)
    );
    let total = r.steps.len();
    for (i, s) in r.steps.iter().enumerate() {
        let mark = if s.passed {
            st.ok("✓")
        } else {
            st.bad("✗")
        };
        let _ = writeln!(
            out,
            "  {mark} {}/{total} {}  {}",
            i + 1,
            st.bold(&s.id),
            s.title
        );
        for c in s.checks.iter().filter(|c| !c.passed) {
            let _ = writeln!(out, "      {} {}", st.bad("✗"), c.message);
            let (exp, obs) = match lang {
                crate::lab::Lang::Ko => ("기대", "실제"),
                crate::lab::Lang::En => ("expected", "observed"),
            };
            let _ = writeln!(out, "        {} {}", st.dim(&format!("{exp}:")), c.expected);
            let _ = writeln!(out, "        {} {}", st.dim(&format!("{obs}:")), c.observed);
        }
    }
    let verdict = match (r.passed, lang) {
        (true, crate::lab::Lang::Ko) => st.ok("모든 단계 통과"),
        (true, crate::lab::Lang::En) => st.ok("all steps pass"),
        (false, crate::lab::Lang::Ko) => st.bad("아직 통과하지 못한 단계가 있습니다"),
        (false, crate::lab::Lang::En) => st.bad("some steps do not pass yet"),
    };
    let score = match lang {
        crate::lab::Lang::Ko => "점수",
        crate::lab::Lang::En => "score",
    };
    let _ = writeln!(out, "  {score} {}/{}: {verdict}", r.score, r.max_score);
    out
}

/// The JSON GitHub Classroom's autograding reporter reads from `<RUNNER>_RESULTS`
/// (base64-encoded): version 1, an overall status, the maximum score, and one test per step
/// with its score, so partial credit shows up in Classroom.
pub fn classroom(labs: &[LabReport]) -> serde_json::Value {
    let tests: Vec<serde_json::Value> = labs
        .iter()
        .flat_map(|l| {
            l.steps.iter().map(move |s| {
                let message = s
                    .checks
                    .iter()
                    .filter(|c| !c.passed)
                    .map(|c| {
                        format!(
                            "{} (expected: {}; observed: {})",
                            c.message, c.expected, c.observed
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
                serde_json::json!({
                    "name": format!("{} / {}", l.lab, s.id),
                    "status": if s.passed { "pass" } else { "fail" },
                    "score": if s.passed { s.points } else { 0 },
                    "max_score": s.points,
                    "message": message,
                    "test_code": format!("docklings check {} --step {}", l.lab, s.id),
                    "filename": "",
                    "line_no": 0,
                    "execution_time": "0s",
                })
            })
        })
        .collect();
    let all_pass = labs.iter().all(|l| l.passed);
    serde_json::json!({
        "version": 1,
        "status": if all_pass { "pass" } else { "fail" },
        "max_score": labs.iter().map(|l| l.max_score).sum::<u32>(),
        "tests": tests,
    })
}

fn xml_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            // XML 1.0 forbids most control characters even when escaped.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => {}
            c => o.push(c),
        }
    }
    o
}

/// JUnit XML: a testsuite per lab, a testcase per step.
pub fn junit(labs: &[LabReport]) -> String {
    let mut o = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let tests: usize = labs.iter().map(|l| l.steps.len()).sum();
    let failures: usize = labs
        .iter()
        .map(|l| l.steps.iter().filter(|s| !s.passed).count())
        .sum();
    let _ = writeln!(
        o,
        "<testsuites name=\"docklings\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">"
    );
    for l in labs {
        let f = l.steps.iter().filter(|s| !s.passed).count();
        let _ = writeln!(
            o,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{f}\" errors=\"0\" skipped=\"0\" time=\"{:.3}\" timestamp=\"{}\">",
            xml_escape(&l.lab),
            l.steps.len(),
            l.duration_ms as f64 / 1000.0,
            // JUnit's schema wants a local date-time without zone or fraction.
            xml_escape(l.checked_at.get(..19).unwrap_or(&l.checked_at))
        );
        for s in &l.steps {
            let _ = write!(
                o,
                "    <testcase classname=\"{}\" name=\"{}\"",
                xml_escape(&l.lab),
                xml_escape(&s.id)
            );
            if s.passed {
                o.push_str("/>\n");
                continue;
            }
            o.push_str(">\n");
            let failed: Vec<_> = s.checks.iter().filter(|c| !c.passed).collect();
            let msg = failed
                .iter()
                .map(|c| c.message.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let body = failed
                .iter()
                .map(|c| {
                    format!(
                        "[{}] {}\nexpected: {}\nobserved: {}",
                        c.kind, c.message, c.expected, c.observed
                    )
                })
                .collect::<Vec<_>>()
                .join("\n\n");
            let _ = writeln!(
                o,
                "      <failure message=\"{}\" type=\"check\">{}</failure>",
                xml_escape(&msg),
                xml_escape(&body)
            );
            o.push_str("    </testcase>\n");
        }
        o.push_str("  </testsuite>\n");
    }
    o.push_str("</testsuites>\n");
    o
}

/// The report formats of `check` and `grade`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Junit,
    /// What GitHub Classroom's autograding reporter reads (base64 it into `<ID>_RESULTS`).
    Classroom,
}

/// The reports of one `check` (`graded: false`, one lab) or `grade` (`graded: true`) in
/// `format`, as the text to print or write.
pub(crate) fn formatted(
    reports: &[LabReport],
    format: Format,
    graded: bool,
    style: &Style,
    lang: crate::lab::Lang,
) -> String {
    match format {
        Format::Json => {
            // `grade` always wraps, so tools see one shape whatever the number of labs.
            let json = match reports {
                [one] if !graded => serde_json::to_string_pretty(one),
                _ => serde_json::to_string_pretty(&GradeReport::new(reports.to_vec())),
            };
            format!("{}\n", json.unwrap_or_default())
        }
        Format::Junit => junit(reports),
        Format::Classroom => format!(
            "{}\n",
            serde_json::to_string(&classroom(reports)).unwrap_or_default()
        ),
        Format::Text => {
            let mut s = String::new();
            for r in reports {
                s.push_str(&text(r, style, lang));
            }
            if reports.len() > 1 {
                let g = GradeReport::new(reports.to_vec());
                s.push_str(&format!("total {}/{}\n", g.score, g.max_score));
            }
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Outcome;

    fn sample() -> LabReport {
        LabReport {
            lab: "published-web".into(),
            title: "Host a web site".into(),
            chapter: "2.4".into(),
            passed: false,
            score: 1,
            max_score: 2,
            since: 0,
            checked_at: "2026-01-01T00:00:00Z".into(),
            duration_ms: 42,
            steps: vec![
                StepResult {
                    id: "run-detached".into(),
                    title: "Run it".into(),
                    passed: true,
                    points: 1,
                    checks: vec![],
                },
                StepResult {
                    id: "browse".into(),
                    title: "Browse <it>".into(),
                    passed: false,
                    points: 1,
                    checks: vec![Outcome::with_texts(
                        "http",
                        false,
                        "Nothing answers & \u{1}",
                        "GET → 200",
                        "refused",
                    )],
                },
            ],
        }
    }

    #[test]
    fn junit_escapes_and_counts() {
        let x = junit(&[sample()]);
        assert!(x.contains("tests=\"2\" failures=\"1\""));
        assert!(x.contains("Nothing answers &amp; "));
        assert!(!x.contains('\u{1}'));
        insta::assert_snapshot!(x);
    }

    #[test]
    fn text_report() {
        let t = text(&sample(), &Style::plain(), crate::lab::Lang::En);
        insta::assert_snapshot!(t);
        let k = text(&sample(), &Style::plain(), crate::lab::Lang::Ko);
        assert!(k.contains("기대:") && k.contains("점수 1/2"));
    }

    #[test]
    fn classroom_scores_each_step() {
        let v = classroom(&[sample()]);
        assert_eq!(v["version"], 1);
        assert_eq!(v["status"], "fail");
        assert_eq!(v["max_score"], 2);
        let tests = v["tests"].as_array().expect("tests");
        assert_eq!(tests.len(), 2);
        assert_eq!(tests[0]["status"], "pass");
        assert_eq!(tests[0]["score"], 1);
        assert_eq!(tests[1]["score"], 0);
        let total: u64 = tests.iter().map(|t| t["score"].as_u64().unwrap_or(0)).sum();
        assert_eq!(total, 1);
    }

    #[test]
    fn json_keys() {
        let v = serde_json::to_value(sample()).expect("serializes");
        for k in ["lab", "passed", "score", "max_score", "steps"] {
            assert!(v.get(k).is_some(), "{k}");
        }
        let c = &v["steps"][1]["checks"][0];
        for k in ["kind", "passed", "message", "expected", "observed"] {
            assert!(c.get(k).is_some(), "{k}");
        }
        assert!(c.get("terminal").is_none());
        let g = serde_json::to_value(GradeReport::new(vec![sample(), sample()])).expect("ok");
        assert_eq!(g["score"], 2);
        assert_eq!(g["max_score"], 4);
        assert_eq!(g["passed"], false);
    }
}
