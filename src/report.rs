//! Reports: step verdicts gathered into a lab report, printed as text, JSON or JUnit XML.
//!
//! The JSON keys `lab`, `passed`, `score`, `max_score`, `steps[].id/title/passed/points`,
//! `steps[].checks[].kind/passed/message/expected/observed` and, for several labs,
//! `labs`/`score`/`max_score`/`passed` are a contract: tools read them.
//!
//! `grade --submission` adds a section to the grade report, not a report of its own:
//! `SubmissionSection`, which every format includes when it is there (`render`).

use std::fmt::Write as _;

use serde::Serialize;

use crate::app::{App, Failure, Result, out};
use crate::check::StepResult;
use crate::engine::cleanup::Removed;
use crate::lab::Lang;
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
    /// The engine no longer remembers every event since `since` (it keeps its last 256):
    /// acts whose only trace was an event may be missing, and nothing recorded them.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub events_forgotten: bool,
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
            events_forgotten: false,
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
    /// With `grade --submission`: how the script ran, what the guard refused, what was
    /// cleaned up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) submission: Option<SubmissionSection>,
}

impl GradeReport {
    pub fn new(labs: Vec<LabReport>) -> Self {
        GradeReport {
            score: labs.iter().map(|l| l.score).sum(),
            max_score: labs.iter().map(|l| l.max_score).sum(),
            passed: labs.iter().all(|l| l.passed),
            labs,
            submission: None,
        }
    }

    /// Add a submission's section; a rejected submission does not pass.
    pub(crate) fn with_submission(mut self, section: SubmissionSection) -> Self {
        self.passed &= !section.rejected;
        self.submission = Some(section);
        self
    }

    /// The one pass rule of `grade`: with `--min-score N` the total score must reach N,
    /// without it every step must pass; a rejected submission never passes.
    pub(crate) fn passes(&self, min_score: Option<u32>) -> bool {
        let rejected = self.submission.as_ref().is_some_and(|s| s.rejected);
        let enough = match min_score {
            Some(n) => self.score >= n,
            None => self.labs.iter().all(|l| l.passed),
        };
        enough && !rejected
    }
}

/// One request the submission guard refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Denial {
    pub(crate) method: String,
    /// As the client sent it, query included.
    pub(crate) path: String,
    pub(crate) reason: String,
}

/// The `submission` section of a grade report. Its JSON keys are a contract, as the rest.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct SubmissionSection {
    pub(crate) path: String,
    pub(crate) interpreter: String,
    pub(crate) exit_code: Option<i32>,
    /// The signal that ended the script, if one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) signal: Option<i32>,
    pub(crate) timed_out: bool,
    /// `exit code 3`, `timed out after 3s`: what a person reads (in English here; the text
    /// report words it in the learner's language).
    pub(crate) status: String,
    pub(crate) duration_ms: u64,
    /// The last lines of stdout and stderr together.
    pub(crate) output_tail: Vec<String>,
    pub(crate) output_bytes: u64,
    pub(crate) denied: Vec<Denial>,
    pub(crate) rejected: bool,
    pub(crate) cleaned_up: Removed,
    /// The time limit (`--timeout`), for wording a timeout.
    #[serde(skip)]
    pub(crate) timeout_secs: u64,
}

impl SubmissionSection {
    /// How the script ended, in `lang`.
    pub(crate) fn status_in(&self, lang: Lang) -> String {
        let limit = self.timeout_secs;
        match (lang, self.timed_out, self.exit_code, self.signal) {
            (Lang::En, true, ..) => format!("timed out after {limit}s"),
            (Lang::Ko, true, ..) => format!("제한 시간 {limit}초를 넘겨 중단됨"),
            (Lang::En, false, Some(c), _) => format!("exit code {c}"),
            (Lang::Ko, false, Some(c), _) => format!("종료 코드 {c}"),
            (Lang::En, false, None, s) => format!("killed by signal {}", s.unwrap_or(0)),
            (Lang::Ko, false, None, s) => format!("시그널 {}로 종료됨", s.unwrap_or(0)),
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
    if r.events_forgotten && !r.passed {
        let note = crate::words::pick(
            lang,
            "note: the Docker engine keeps only its last 256 events, and older ones since this \
             lab started are gone; a step whose act left no other trace may show as not done. \
             Keep `docklings start` open while you work: what it sees is kept.",
            "참고: 도커 엔진은 마지막 256개의 이벤트만 기억하며, 이 실습을 시작한 뒤의 오래된 \
             이벤트는 이미 사라졌습니다. 다른 흔적을 남기지 않은 행동의 단계는 하지 않은 것으로 \
             보일 수 있습니다. 실습하는 동안 `docklings start` 를 열어 두세요. 그것이 본 것은 남습니다.",
        );
        let _ = writeln!(out, "  {}", st.dim(note));
    }
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

/// JUnit XML, and a `submission` suite last when there is one; the totals count it.
fn junit_with(labs: &[LabReport], submission: Option<&SubmissionSection>) -> String {
    let mut o = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let tests: usize =
        labs.iter().map(|l| l.steps.len()).sum::<usize>() + usize::from(submission.is_some());
    let failures: usize = labs
        .iter()
        .map(|l| l.steps.iter().filter(|s| !s.passed).count())
        .sum::<usize>()
        + usize::from(submission.is_some_and(|s| s.rejected));
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
    if let Some(sub) = submission {
        o.push_str(&submission_junit(sub));
    }
    o.push_str("</testsuites>\n");
    o
}

/// The whole of a `grade` report in `format`: each lab, the total when there are several,
/// and the submission section when there is one.
pub(crate) fn render(g: &GradeReport, format: Format, st: &Style, lang: Lang) -> String {
    match format {
        Format::Json => format!("{}\n", serde_json::to_string_pretty(g).unwrap_or_default()),
        Format::Junit => junit_with(&g.labs, g.submission.as_ref()),
        Format::Classroom => {
            let mut v = classroom(&g.labs);
            if let Some(sub) = &g.submission {
                add_guard_test(&mut v, sub);
            }
            format!("{}\n", serde_json::to_string(&v).unwrap_or_default())
        }
        Format::Text => {
            let mut s = String::new();
            for r in &g.labs {
                s.push_str(&text(r, st, lang));
            }
            if g.labs.len() > 1 {
                let _ = writeln!(s, "total {}/{}", g.score, g.max_score);
            }
            if let Some(sub) = &g.submission {
                s.push_str(&submission_text(sub, st, lang));
            }
            s
        }
    }
}

/// Render `g` and print it, or write it to `output` (atomically, and without colour).
pub(crate) fn emit(
    app: &App,
    g: &GradeReport,
    format: Format,
    output: Option<&std::path::Path>,
) -> Result<()> {
    let style = if output.is_some() {
        Style::plain()
    } else {
        app.style
    };
    let text = render(g, format, &style, app.lang);
    match output {
        Some(path) => crate::store::atomic::write(path, text.as_bytes())
            .map_err(|e| Failure::io("write", path, e)),
        None => {
            out(&text);
            Ok(())
        }
    }
}

/// The submission section of the text report, in the learner's language.
fn submission_text(sub: &SubmissionSection, st: &Style, lang: Lang) -> String {
    let ko = lang == Lang::Ko;
    let mut s = String::new();
    let secs = sub.duration_ms as f64 / 1000.0;
    let _ = writeln!(
        s,
        "{} {} ({})",
        st.bold(if ko { "제출물" } else { "submission" }),
        sub.path,
        sub.interpreter
    );
    let status = sub.status_in(lang);
    let _ = match (ko, sub.timed_out) {
        (_, true) => writeln!(s, "  {}", st.warn(&status)),
        (true, false) => writeln!(s, "  {status}, {secs:.1}초 실행"),
        (false, false) => writeln!(s, "  {status} after {secs:.1}s"),
    };
    if !sub.output_tail.is_empty() {
        let n = sub.output_tail.len();
        let _ = writeln!(
            s,
            "  {}",
            st.dim(&if ko {
                format!("출력의 마지막 {n}줄:")
            } else {
                format!("last {n} lines of output:")
            })
        );
        for l in &sub.output_tail {
            let _ = writeln!(s, "    {} {l}", st.dim("│"));
        }
    }
    s.push_str(&refusals_text(&sub.denied, st, ko));
    s.push_str(&cleanup_text(&sub.cleaned_up, st, ko));
    s
}

/// What the guard refused, or that it refused nothing.
fn refusals_text(denied: &[Denial], st: &Style, ko: bool) -> String {
    let mut s = String::new();
    if denied.is_empty() {
        let _ = writeln!(
            s,
            "  {} {}",
            st.ok("✓"),
            if ko {
                "만들지 않은 것을 바꾸거나 지우려는 요청이 없었습니다"
            } else {
                "no request tried to change or remove what the submission did not create"
            }
        );
        return s;
    }
    let n = denied.len();
    let _ = if ko {
        writeln!(
            s,
            "  {} docklings가 제출물이 만들지 않은 것을 바꾸거나 지우려는 요청 {n}개를 거부했습니다:",
            st.bad("✗")
        )
    } else {
        writeln!(
            s,
            "  {} docklings refused {n} request{} that would change or remove what the submission did not create:",
            st.bad("✗"),
            if n == 1 { "" } else { "s" }
        )
    };
    for d in denied {
        let _ = writeln!(s, "      {} {}", d.method, d.path);
        let _ = writeln!(s, "        {}", st.dim(&d.reason));
    }
    let _ = writeln!(
        s,
        "  {}",
        st.bad(if ko {
            "거부됨: 제출물이 자기가 만들지 않은 것을 건드리려 했으므로 통과하지 못합니다 (점수는 참고용)."
        } else {
            "REJECTED: the submission tried to touch what it did not create, so it does not pass (the score is for reference)."
        })
    );
    s
}

/// What cleanup removed and put back, and what it could not.
fn cleanup_text(c: &Removed, st: &Style, ko: bool) -> String {
    let tags = c.tags_restored + c.tags_removed;
    let line = if ko {
        format!(
            "정리: 컨테이너 {}, 네트워크 {}, 이미지 {}, 볼륨 {}개를 지우고 태그 {tags}개를 되돌렸습니다",
            c.containers, c.networks, c.images, c.volumes
        )
    } else {
        format!(
            "cleaned up: {} container(s), {} network(s), {} image(s), {} volume(s) removed, {tags} tag(s) put back",
            c.containers, c.networks, c.images, c.volumes
        )
    };
    let mut s = format!("  {}\n", st.dim(&line));
    for p in &c.problems {
        let _ = writeln!(s, "  {} {p}", st.bad("✗"));
    }
    s
}

/// The refused requests, one a line.
fn refusal_lines(sub: &SubmissionSection, prefix: &str) -> String {
    sub.denied
        .iter()
        .map(|d| format!("{prefix}{} {}: {}", d.method, d.path, d.reason))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Classroom: a rejected submission fails the run, with a `guard` test saying why.
fn add_guard_test(v: &mut serde_json::Value, sub: &SubmissionSection) {
    if !sub.rejected {
        return;
    }
    v["status"] = "fail".into();
    if let Some(tests) = v["tests"].as_array_mut() {
        tests.push(serde_json::json!({
            "name": "submission / guard",
            "status": "fail",
            "score": 0,
            "max_score": 0,
            "message": refusal_lines(sub, "refused "),
            "test_code": format!("docklings grade --submission {}", sub.path),
            "filename": sub.path,
            "line_no": 0,
            "execution_time": format!("{}ms", sub.duration_ms),
        }));
    }
}

/// JUnit: a `submission` suite whose `guard` case fails when the submission was rejected.
fn submission_junit(sub: &SubmissionSection) -> String {
    let failed = usize::from(sub.rejected);
    let mut suite = format!(
        "  <testsuite name=\"submission\" tests=\"1\" failures=\"{failed}\" errors=\"0\" skipped=\"0\">\n    <testcase classname=\"submission\" name=\"guard\""
    );
    if sub.rejected {
        let _ = write!(
            suite,
            ">\n      <failure message=\"the submission tried to change what it did not create\" type=\"rejected\">{}</failure>\n    </testcase>\n",
            xml_escape(&refusal_lines(sub, ""))
        );
    } else {
        suite.push_str("/>\n");
    }
    let _ = write!(
        suite,
        "    <system-out>{}</system-out>\n  </testsuite>\n",
        xml_escape(&format!("{}\n{}", sub.status, sub.output_tail.join("\n")))
    );
    suite
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

/// One lab's report as `check` prints it: the lab object itself in JSON (`grade` always
/// wraps labs, so tools see one shape whatever their number), the rest as `grade` would.
pub(crate) fn render_lab(r: &LabReport, format: Format, st: &Style, lang: Lang) -> String {
    match format {
        Format::Json => format!("{}\n", serde_json::to_string_pretty(r).unwrap_or_default()),
        _ => render(&GradeReport::new(vec![r.clone()]), format, st, lang),
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
            events_forgotten: false,
            steps: vec![
                StepResult {
                    at: Some(1_700_000_000_000_000_000),
                    id: "run-detached".into(),
                    title: "Run it".into(),
                    passed: true,
                    points: 1,
                    checks: vec![],
                },
                StepResult {
                    at: None,
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
        let x = junit_with(&[sample()], None);
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

    fn rejected_submission() -> SubmissionSection {
        SubmissionSection {
            path: "s.sh".into(),
            interpreter: "sh".into(),
            exit_code: Some(0),
            signal: None,
            timed_out: false,
            status: "exit code 0".into(),
            duration_ms: 1,
            output_tail: vec!["<hi>".into()],
            output_bytes: 5,
            denied: vec![Denial {
                method: "DELETE".into(),
                path: "/containers/v".into(),
                reason: "no".into(),
            }],
            rejected: true,
            cleaned_up: Removed::default(),
            timeout_secs: 3,
        }
    }

    #[test]
    fn junit_counts_the_guard() {
        let out = junit_with(&[sample()], Some(&rejected_submission()));
        assert!(out.contains("tests=\"3\" failures=\"2\""), "{out}");
        assert!(out.contains("&lt;hi&gt;"), "{out}");
        assert!(out.trim_end().ends_with("</testsuites>"), "{out}");
    }

    #[test]
    fn a_submission_is_a_section_of_the_grade_report() {
        let plain = GradeReport::new(vec![sample()]);
        let json = serde_json::to_value(&plain).expect("serializes");
        assert!(json.get("submission").is_none());
        let g = GradeReport::new(vec![sample()]).with_submission(rejected_submission());
        assert!(!g.passed);
        let text = serde_json::to_string(&g).expect("serializes");
        // `submission` comes last, after the keys of a plain grade report.
        assert!(
            text.find("\"passed\"") < text.find("\"submission\""),
            "{text}"
        );
        let v: serde_json::Value = serde_json::from_str(&text).expect("json");
        assert_eq!(v["submission"]["denied"][0]["method"], "DELETE");
        assert!(v["submission"].get("timeout_secs").is_none());
        let t = render(&g, Format::Text, &Style::plain(), Lang::En);
        assert!(
            t.contains("REJECTED") && t.contains("DELETE /containers/v"),
            "{t}"
        );
        let c = render(&g, Format::Classroom, &Style::plain(), Lang::En);
        assert!(c.contains("submission / guard"), "{c}");
    }

    #[test]
    fn the_pass_rule() {
        let mut passing = sample();
        passing.passed = true;
        passing.steps.retain(|s| s.passed);
        let g = GradeReport::new(vec![passing.clone()]);
        assert!(g.passes(None));
        assert!(!GradeReport::new(vec![sample()]).passes(None));
        assert!(GradeReport::new(vec![sample()]).passes(Some(1)));
        assert!(!GradeReport::new(vec![sample()]).passes(Some(2)));
        let rejected = GradeReport::new(vec![passing]).with_submission(rejected_submission());
        assert!(!rejected.passes(None));
        assert!(!rejected.passes(Some(0)));
    }

    #[test]
    fn script_status_in_both_languages() {
        let mut s = rejected_submission();
        s.exit_code = None;
        s.timed_out = true;
        assert_eq!(s.status_in(Lang::En), "timed out after 3s");
        assert_eq!(s.status_in(Lang::Ko), "제한 시간 3초를 넘겨 중단됨");
        s.timed_out = false;
        s.signal = Some(9);
        assert_eq!(s.status_in(Lang::En), "killed by signal 9");
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
