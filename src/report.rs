//! Reports: step verdicts gathered into a lab report, printed as text, JSON, JUnit XML or
//! GitHub Classroom's JSON — each shaped for the tool that reads it.
//!
//! The JSON report is a contract: `docklings schema --report` prints its JSON Schema,
//! generated from the structs here (their `///` docs are its descriptions) and committed as
//! `docs/report.schema.json`. Its `format_version` changes when a change could break a
//! reader. `check` prints one lab's report, `grade` a report of several labs (the same
//! shape whatever their number), and either prints an error report (`error`) when it ends
//! with exit 2 or 3, so a reader never finds an empty file.
//!
//! `grade --submission` adds a section to the grade report, not a report of its own:
//! `SubmissionSection`, which every format includes when it is there (`render`).
//!
//! What each consumer needs (each has a test that reads the output the way it does):
//! - JUnit: a `time` on every suite and case (test-report actions show `NaN` without one),
//!   the lab file on its suite (`file`, the one place the xunit `junit-10.xsd` allows it)
//!   and the step's `FILE:LINE` in the failure text, where annotation actions look for a
//!   line; the failing check's code as the failure `type`; the submission's output inside
//!   a test case, since GitLab drops a suite's.
//! - Classroom: the reporter prints a failed test's name and `test_code`, never its
//!   `message`, so the reason goes in `test_code` too; it computes totals once by counting
//!   passed tests and once by adding scores, so every test is worth the same (a step worth
//!   more points is several tests); a rejected submission scores nothing.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};

use schemars::JsonSchema;
use serde::Serialize;

use crate::app::{App, Failure, Result, out};
use crate::check::StepResult;
use crate::engine::cleanup::Removed;
use crate::lab::Lang;
use crate::style::Style;
use crate::words::pick;

/// The JSON report's `format_version`: raised when a change could break a reader (a key
/// removed, renamed or changed in meaning); new keys do not raise it.
pub(crate) const FORMAT_VERSION: u32 = 1;

/// One lab's verdicts: `check`'s JSON report, and each of a grade report's `labs`.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct LabReport {
    /// The lab's id.
    pub lab: String,
    /// The lab's title, in the report's language.
    pub title: String,
    pub chapter: String,
    /// The lab file it was loaded from (`labs/<id>/lab.yaml` for the labs built in).
    pub file: String,
    /// Every step passed.
    pub passed: bool,
    /// The points of the steps that passed.
    pub score: u32,
    /// The points of all its steps.
    pub max_score: u32,
    pub steps: Vec<StepResult>,
    /// Unix seconds from which engine events counted as the learner's.
    pub since: i64,
    /// RFC 3339 time of the check.
    pub checked_at: String,
    /// How long checking took, in milliseconds.
    pub duration_ms: u64,
    /// The engine no longer remembers every event since `since` (it keeps its last 256):
    /// acts whose only trace was an event may be missing, and nothing recorded them.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub events_forgotten: bool,
    /// The line of each step in `file`, by step id, for JUnit annotations.
    #[serde(skip)]
    pub(crate) lines: BTreeMap<String, u64>,
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
            // Forward slashes on every OS: annotation tools match it against repository paths.
            file: lab.source.to_string_lossy().replace('\\', "/"),
            passed: steps.iter().all(|s| s.passed),
            score,
            max_score,
            steps,
            since: since.div_euclid(1_000_000_000),
            checked_at: now_rfc3339(),
            duration_ms: 0,
            events_forgotten: false,
            lines: lab.steps.iter().map(|s| (s.id.clone(), s.line)).collect(),
        }
    }
}

/// Several labs graded together: `grade`'s JSON report.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct GradeReport {
    pub labs: Vec<LabReport>,
    /// The labs' scores added up; 0 when the submission was rejected.
    pub score: u32,
    pub max_score: u32,
    /// The grade passed, as the exit code says: the score reached `min_score` when one was
    /// given, else every step passed; never when the submission was rejected.
    pub passed: bool,
    /// `--min-score`, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) min_score: Option<u32>,
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
            min_score: None,
            submission: None,
        }
    }

    /// Add a submission's section. A rejected submission does not pass and scores 0 (its
    /// labs keep their scores, for reference).
    pub(crate) fn with_submission(mut self, section: SubmissionSection) -> Self {
        if section.rejected {
            self.passed = false;
            self.score = 0;
        }
        self.submission = Some(section);
        self
    }

    /// Grade by `--min-score`: `passed` (and Classroom's status) follows the pass rule.
    pub(crate) fn with_min_score(mut self, min_score: Option<u32>) -> Self {
        self.min_score = min_score;
        self.passed = self.passes(min_score);
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub(crate) struct Denial {
    pub(crate) method: String,
    /// As the client sent it, query included.
    pub(crate) path: String,
    pub(crate) reason: String,
}

/// The `submission` section of a grade report. Its JSON keys are a contract, as the rest.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub(crate) struct SubmissionSection {
    /// The script, as given.
    pub(crate) path: String,
    pub(crate) interpreter: String,
    /// The script's exit code; `null` when a signal or the time limit ended it.
    pub(crate) exit_code: Option<i32>,
    /// The signal that ended the script, if one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) signal: Option<i32>,
    pub(crate) timed_out: bool,
    /// `exit code 3`, `timed out after 3s`: what a person reads (in English here; the text
    /// report words it in the learner's language).
    pub(crate) status: String,
    /// How long the script ran, in milliseconds.
    pub(crate) duration_ms: u64,
    /// The last lines of stdout and stderr together.
    pub(crate) output_tail: Vec<String>,
    pub(crate) output_bytes: u64,
    /// Requests the guard refused: each would have changed what the script did not create.
    pub(crate) denied: Vec<Denial>,
    /// The guard refused something: the submission does not pass and scores 0.
    pub(crate) rejected: bool,
    pub(crate) cleaned_up: Removed,
    /// The time limit (`--timeout`), for wording a timeout.
    #[serde(skip)]
    pub(crate) timeout_secs: u64,
    /// What confined the script: `bubblewrap`, or `none` with `--trusted`.
    pub(crate) sandbox: String,
    /// The sandbox's limits besides `timeout`, in words (`256 processes and 1024 MiB of
    /// memory in all (cgroup)`); empty without a sandbox.
    pub(crate) limits: Vec<String>,
    /// `--trusted`: the script ran as the grader, with only the guard between it and the
    /// engine; it could have gone around the guard.
    pub(crate) trusted: bool,
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

/// What `check` or `grade` writes instead of a report when it ends with exit 2 or 3, so
/// that a tool reading a machine format finds a report saying why, not an empty file.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub(crate) struct ErrorReport {
    /// Always false: nothing was graded.
    pub(crate) passed: bool,
    /// Always 0.
    pub(crate) score: u32,
    /// The points the labs are worth when they were known before the failure, else 0.
    pub(crate) max_score: u32,
    pub(crate) error: ErrorInfo,
}

/// Why no report could be made.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub(crate) struct ErrorInfo {
    /// docklings' exit code: 2 bad input, 3 the engine or the system failed.
    pub(crate) exit_code: u8,
    pub(crate) kind: ErrorKind,
    /// What went wrong, as docklings printed it on stderr.
    pub(crate) message: String,
}

/// The kind of failure, as the exit code tells it and a bit more.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ErrorKind {
    /// Exit 2: an unknown lab, a bad flag or value, a lab file with problems.
    BadInput,
    /// Exit 3: the Docker engine could not be reached, is too old, or failed.
    Engine,
    /// Exit 3: the system failed under docklings (a file it must write).
    System,
}

impl ErrorReport {
    /// The error report of a failure, or `None` when the failure is not an error (exit 1:
    /// the checks ran, and their report is already out).
    pub(crate) fn of(f: &Failure, max_score: u32) -> Option<ErrorReport> {
        let kind = match f {
            Failure::ChecksFailed => return None,
            Failure::BadInput(_) | Failure::Labs(_) => ErrorKind::BadInput,
            Failure::Engine(_) => ErrorKind::Engine,
            Failure::Io(_) => ErrorKind::System,
        };
        Some(ErrorReport {
            passed: false,
            score: 0,
            max_score,
            error: ErrorInfo {
                exit_code: f.exit_code(),
                kind,
                message: f.to_string().trim_end().to_owned(),
            },
        })
    }
}

/// A JSON report as written: the format's version and language, then the report's keys.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(rename = "{T}Document")]
pub(crate) struct Document<T> {
    /// The report format's version: 1.
    #[schemars(range(min = 1, max = 1))]
    format_version: u32,
    /// The language of the texts (`title`, `message`, `expected`, `observed`). Codes and
    /// `findings` are the same in every language.
    lang: Lang,
    #[serde(flatten)]
    report: T,
}

/// Every JSON report docklings writes: the one thing `docs/report.schema.json` describes.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(untagged)]
pub(crate) enum JsonReport {
    /// `check LAB --format json`: one lab.
    Lab(Document<LabReport>),
    /// `grade --format json`: the labs graded (however many), their total, and a
    /// submission's section.
    Grade(Document<GradeReport>),
    /// `grade --submission FOLDER --format json`: every submission's grade report, and
    /// the class's summary.
    Class(Document<crate::class_report::ClassReport>),
    /// Either, when it ended with exit 2 or 3 instead.
    Error(Document<ErrorReport>),
}

impl JsonReport {
    fn lab(r: &LabReport, lang: Lang) -> JsonReport {
        JsonReport::Lab(Document::new(r.clone(), lang))
    }
    fn grade(g: &GradeReport, lang: Lang) -> JsonReport {
        JsonReport::Grade(Document::new(g.clone(), lang))
    }
    fn text(&self) -> String {
        format!(
            "{}\n",
            serde_json::to_string_pretty(self).unwrap_or_default()
        )
    }
}

/// A class's JSON report, with the version and language every JSON report starts with.
pub(crate) fn class_json(c: &crate::class_report::ClassReport, lang: Lang) -> String {
    JsonReport::Class(Document::new(c.clone(), lang)).text()
}

impl<T> Document<T> {
    fn new(report: T, lang: Lang) -> Document<T> {
        Document {
            format_version: FORMAT_VERSION,
            lang,
            report,
        }
    }
}

pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// `expected` and `observed`, labelled in `lang`.
fn labels(lang: Lang) -> (&'static str, &'static str) {
    pick(lang, ("expected", "observed"), ("기대", "실제"))
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
            let (exp, obs) = labels(lang);
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
    let score = pick(lang, "score", "점수");
    let _ = writeln!(out, "  {score} {}/{}: {verdict}", r.score, r.max_score);
    if r.events_forgotten && !r.passed {
        let note = pick(
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

/// Why a step failed, a few lines per failed check: `✗ message`, then what was expected
/// and observed, labelled in `lang`.
fn reasons(s: &StepResult, lang: Lang) -> String {
    let (exp, obs) = labels(lang);
    s.checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| {
            format!(
                "✗ {}\n  {exp}: {}\n  {obs}: {}",
                c.message, c.expected, c.observed
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The points one Classroom test is worth: the greatest common divisor of the steps'
/// points. The reporter totals a run once by counting passed tests and once by adding
/// scores; only tests of equal worth make the two agree, so a step worth `k` of these is
/// `k` tests.
fn classroom_unit(labs: &[LabReport]) -> u32 {
    fn gcd(a: u32, b: u32) -> u32 {
        if b == 0 { a } else { gcd(b, a % b) }
    }
    labs.iter()
        .flat_map(|l| &l.steps)
        .map(|s| s.points)
        .fold(0, gcd)
        .max(1)
}

/// The JSON GitHub Classroom's autograding reporter reads from `<RUNNER>_RESULTS`
/// (base64-encoded): version 1, an overall status (the grade's pass rule, `--min-score`
/// included), the maximum score, and tests that carry the steps' points, so partial
/// credit shows up in Classroom.
pub(crate) fn classroom(g: &GradeReport, lang: Lang) -> serde_json::Value {
    let unit = classroom_unit(&g.labs);
    let rejected = g.submission.as_ref().filter(|s| s.rejected);
    let rejection =
        rejected.map(|sub| rejection(sub, lang, pick(lang, "refused ", "거부한 요청 ")));
    // Steps worth nothing are no test: the reporter would count them (unless no step is
    // worth anything, when there is no total to skew).
    let any_points = g.max_score > 0;
    let mut tests = Vec::new();
    for l in &g.labs {
        for s in l.steps.iter().filter(|s| s.points > 0 || !any_points) {
            let passed = s.passed && rejected.is_none();
            let why = [rejection.clone(), (!s.passed).then(|| reasons(s, lang))]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("\n");
            let check = format!("docklings check {} --step {}", l.lab, s.id);
            let parts = (s.points / unit).max(1);
            for part in 1..=parts {
                let name = if parts > 1 {
                    format!("{} / {} ({part}/{parts})", l.lab, s.id)
                } else {
                    format!("{} / {}", l.lab, s.id)
                };
                let worth = if s.points == 0 { 0 } else { unit };
                tests.push(serde_json::json!({
                    "name": name,
                    "status": if passed { "pass" } else { "fail" },
                    "score": if passed { worth } else { 0 },
                    "max_score": worth,
                    "message": why,
                    // The reporter prints a failed test's name and this, not its message.
                    "test_code": if why.is_empty() { check.clone() } else { format!("{check}\n{why}") },
                    "filename": l.file,
                    "line_no": 0,
                    "execution_time": format!("{:.3}s", s.duration_ms as f64 / 1000.0),
                }));
            }
        }
    }
    if let Some(sub) = rejected {
        let why = rejection.clone().unwrap_or_default();
        tests.push(serde_json::json!({
            "name": "submission / guard",
            "status": "fail",
            "score": 0,
            "max_score": 0,
            "message": why,
            "test_code": format!("docklings grade --submission {}\n{why}", sub.path),
            "filename": sub.path,
            "line_no": 0,
            "execution_time": format!("{:.3}s", sub.duration_ms as f64 / 1000.0),
        }));
    }
    serde_json::json!({
        "version": 1,
        "status": if g.passed { "pass" } else { "fail" },
        "max_score": g.max_score,
        "tests": tests,
    })
}

/// Classroom's report of a run that ended in exit 2 or 3: status `error` (the reporter
/// fails the run and prints the message), with the points there were to get.
fn classroom_error(e: &ErrorReport) -> serde_json::Value {
    serde_json::json!({
        "version": 1,
        "status": "error",
        "max_score": e.max_score,
        "tests": [{
            "name": "docklings",
            "status": "error",
            "score": 0,
            "max_score": e.max_score,
            "message": e.error.message,
            "test_code": "",
            "filename": "",
            "line_no": 0,
            "execution_time": "0s",
        }],
    })
}

pub(crate) fn xml_escape(s: &str) -> String {
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

/// Milliseconds as JUnit's seconds.
pub(crate) fn secs(ms: u64) -> String {
    format!("{:.3}", ms as f64 / 1000.0)
}

/// JUnit XML, and a `submission` suite last when there is one; the totals count it. It
/// stays within the xunit plugin's `junit-10.xsd` (which Jenkins validates against), so
/// the lab file is on the suite and the step's line is in the failure text, as
/// `FILE:LINE`, where annotation actions find it.
fn junit_with(labs: &[LabReport], submission: Option<&SubmissionSection>, lang: Lang) -> String {
    let mut o = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let tests: usize =
        labs.iter().map(|l| l.steps.len()).sum::<usize>() + usize::from(submission.is_some());
    let failures: usize = labs
        .iter()
        .map(|l| l.steps.iter().filter(|s| !s.passed).count())
        .sum::<usize>()
        + usize::from(submission.is_some_and(|s| s.rejected));
    let total_ms =
        labs.iter().map(|l| l.duration_ms).sum::<u64>() + submission.map_or(0, |s| s.duration_ms);
    let _ = writeln!(
        o,
        "<testsuites name=\"docklings\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" time=\"{}\">",
        secs(total_ms)
    );
    for l in labs {
        o.push_str(&junit_lab_suite(l, &l.lab, None, lang));
    }
    if let Some(sub) = submission {
        o.push_str(&submission_junit(sub, lang));
    }
    o.push_str("</testsuites>\n");
    o
}

/// One lab's JUnit suite, named `name` (its cases' classname too). With a submission's
/// section (a class's report, where each suite is one submission × lab): a rejected
/// submission fails every case, as it scores nothing, with the refused requests as the
/// reason, and the script's status and output are the suite's `system-out`.
pub(crate) fn junit_lab_suite(
    l: &LabReport,
    name: &str,
    sub: Option<&SubmissionSection>,
    lang: Lang,
) -> String {
    let mut o = String::new();
    let (exp, obs) = labels(lang);
    let rejection = sub.filter(|s| s.rejected).map(|s| rejection(s, lang, ""));
    let f = l
        .steps
        .iter()
        .filter(|s| !s.passed || rejection.is_some())
        .count();
    let _ = writeln!(
        o,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{f}\" errors=\"0\" skipped=\"0\" time=\"{}\" timestamp=\"{}\" file=\"{}\">",
        xml_escape(name),
        l.steps.len(),
        secs(l.duration_ms),
        // JUnit's schema wants a local date-time without zone or fraction.
        xml_escape(l.checked_at.get(..19).unwrap_or(&l.checked_at)),
        xml_escape(&l.file),
    );
    for s in &l.steps {
        let _ = write!(
            o,
            "    <testcase classname=\"{}\" name=\"{}\" time=\"{}\"",
            xml_escape(name),
            xml_escape(&s.id),
            secs(s.duration_ms)
        );
        if s.passed && rejection.is_none() {
            o.push_str("/>\n");
            continue;
        }
        o.push_str(">\n");
        if s.passed {
            let why = rejection.as_deref().unwrap_or_default();
            let _ = writeln!(
                o,
                "      <failure message=\"{}\" type=\"rejected\">{}</failure>",
                xml_escape(why.lines().next().unwrap_or_default()),
                xml_escape(why)
            );
            o.push_str("    </testcase>\n");
            continue;
        }
        let failed: Vec<_> = s.checks.iter().filter(|c| !c.passed).collect();
        let msg = failed
            .iter()
            .map(|c| c.message.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let mut body = failed
            .iter()
            .map(|c| {
                format!(
                    "[{}] {}\n{exp}: {}\n{obs}: {}",
                    c.kind, c.message, c.expected, c.observed
                )
            })
            .collect::<Vec<_>>()
            .join("\n\n");
        if let Some(line) = l.lines.get(&s.id) {
            // After a space: that is how action-junit-report finds `FILE:LINE` in it.
            let _ = write!(
                body,
                "\n\n{} {}:{line}",
                pick(
                    lang,
                    format!("step `{}` is written at", s.id),
                    format!("단계 `{}` 의 위치:", s.id)
                ),
                l.file
            );
        }
        if let Some(why) = &rejection {
            let _ = write!(body, "\n\n{why}");
        }
        let kind = failed.first().map_or("check", |c| c.code);
        let _ = writeln!(
            o,
            "      <failure message=\"{}\" type=\"{}\">{}</failure>",
            xml_escape(&msg),
            xml_escape(kind),
            xml_escape(&body)
        );
        o.push_str("    </testcase>\n");
    }
    if let Some(sub) = sub {
        let _ = writeln!(
            o,
            "    <system-out>{}</system-out>",
            xml_escape(&format!(
                "{}\n{}",
                sub.status_in(lang),
                sub.output_tail.join("\n")
            ))
        );
    }
    o.push_str("  </testsuite>\n");
    o
}

/// JUnit of a run that ended in exit 2 or 3: one case with an `error`, so a test-report
/// tool shows why instead of failing on an empty file.
fn junit_error(e: &ErrorReport) -> String {
    let kind = serde_json::to_value(e.error.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let stamp = now_rfc3339();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <testsuites name=\"docklings\" tests=\"1\" failures=\"0\" errors=\"1\" time=\"0.000\">\n  \
         <testsuite name=\"docklings\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\" time=\"0.000\" timestamp=\"{}\">\n    \
         <testcase classname=\"docklings\" name=\"docklings\" time=\"0.000\">\n      \
         <error message=\"{}\" type=\"{}\">{}</error>\n    \
         </testcase>\n  \
         </testsuite>\n\
         </testsuites>\n",
        xml_escape(stamp.get(..19).unwrap_or(&stamp)),
        xml_escape(e.error.message.lines().next().unwrap_or_default()),
        xml_escape(&kind),
        xml_escape(&e.error.message),
    )
}

/// The whole of a `grade` report in `format`: each lab, the total when there are several,
/// and the submission section when there is one.
pub(crate) fn render(g: &GradeReport, format: Format, st: &Style, lang: Lang) -> String {
    match format {
        Format::Json => JsonReport::grade(g, lang).text(),
        Format::Junit => junit_with(&g.labs, g.submission.as_ref(), lang),
        Format::Classroom => {
            format!(
                "{}\n",
                serde_json::to_string(&classroom(g, lang)).unwrap_or_default()
            )
        }
        Format::Text => {
            let mut s = String::new();
            for r in &g.labs {
                s.push_str(&text(r, st, lang));
            }
            if g.labs.len() > 1 {
                let _ = writeln!(
                    s,
                    "{} {}/{}",
                    pick(lang, "total", "합계"),
                    g.score,
                    g.max_score
                );
            }
            if let Some(sub) = &g.submission {
                s.push_str(&submission_text(sub, st, lang));
            }
            s
        }
    }
}

/// Set once a report has been printed or written: a failure after that (cleaning up after
/// a submission) must not replace it with an error report.
static EMITTED: AtomicBool = AtomicBool::new(false);

/// Render `g` and print it, or write it to `output` (atomically, and without colour) and
/// print the text report too, so the CI log shows what the file holds.
pub(crate) fn emit(
    app: &App,
    g: &GradeReport,
    format: Format,
    output: Option<&std::path::Path>,
) -> Result<()> {
    emit_with(app, format, output, |f, st| render(g, f, st, app.lang))
}

/// [`emit`] for any report `render` prints in a format and style (a class's report too).
pub(crate) fn emit_with(
    app: &App,
    format: Format,
    output: Option<&std::path::Path>,
    render: impl Fn(Format, &Style) -> String,
) -> Result<()> {
    match output {
        Some(path) => {
            let text = render(format, &Style::plain());
            crate::store::atomic::write(path, text.as_bytes())
                .map_err(|e| Failure::io("write", path, e))?;
            EMITTED.store(true, Ordering::Relaxed);
            out(&render(Format::Text, &app.style));
        }
        None => {
            EMITTED.store(true, Ordering::Relaxed);
            out(&render(format, &app.style));
        }
    }
    Ok(())
}

/// When `check` or `grade` ends with exit 2 or 3 in a machine format, write an error report
/// where the report would have gone, so the tool reading it learns why (it still exits
/// with that code, and says why on stderr too). `max_score`: the labs' points, if known.
pub(crate) fn emit_failure(
    app: &App,
    f: &Failure,
    format: Format,
    output: Option<&std::path::Path>,
    max_score: u32,
) {
    if format == Format::Text || EMITTED.load(Ordering::Relaxed) {
        return;
    }
    let Some(e) = ErrorReport::of(f, max_score) else {
        return;
    };
    let text = render_error(&e, format, app.lang);
    match output {
        // The error is on stderr already; one about this file would only hide it.
        Some(path) => {
            let _ = crate::store::atomic::write(path, text.as_bytes());
        }
        None => out(&text),
    }
}

/// An error report in `format` (text has none: the error is on stderr).
pub(crate) fn render_error(e: &ErrorReport, format: Format, lang: Lang) -> String {
    match format {
        Format::Json => JsonReport::Error(Document::new(e.clone(), lang)).text(),
        Format::Junit => junit_error(e),
        Format::Classroom => format!(
            "{}\n",
            serde_json::to_string(&classroom_error(e)).unwrap_or_default()
        ),
        Format::Text => String::new(),
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
    s.push_str(&refusals_text(sub, st, ko));
    s.push_str(&cleanup_text(&sub.cleaned_up, st, ko));
    s
}

/// What the guard refused, or that it refused nothing.
/// What was enforced, then what the guard refused. "No request tried …" is said only when
/// the script could not have gone around the guard: in the sandbox.
fn refusals_text(sub: &SubmissionSection, st: &Style, ko: bool) -> String {
    let denied = &sub.denied;
    let mut s = String::new();
    let _ = if sub.trusted {
        writeln!(
            s,
            "  {} {}",
            st.warn("!"),
            if ko {
                "샌드박스 없이 실행됨(--trusted): 스크립트가 채점자의 권한으로 돌았고 보호 장치를 \
                 거치지 않고 엔진에 닿을 수 있었습니다"
            } else {
                "ran without a sandbox (--trusted): the script ran as the grader and could have \
                 reached the engine around the guard"
            }
        )
    } else {
        writeln!(
            s,
            "  {}",
            st.dim(&if ko {
                format!(
                    "샌드박스: {} (자기 네트워크, 권한 없는 사용자, 자기 폴더만 쓰기 가능; {}); 보호 장치: 켜짐",
                    sub.sandbox,
                    sub.limits.join(", ")
                )
            } else {
                format!(
                    "sandbox: {} (own network, unprivileged user, writes only to its folder; {}); guard: on",
                    sub.sandbox,
                    sub.limits.join(", ")
                )
            })
        )
    };
    if denied.is_empty() {
        if !sub.trusted {
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
        }
        return s;
    }
    let n = denied.len();
    let _ = if ko {
        writeln!(
            s,
            "  {} docklings가 제출물의 요청 {n}개를 거부했습니다:",
            st.bad("✗")
        )
    } else {
        writeln!(
            s,
            "  {} docklings refused {n} request{} of the submission:",
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
            "거부됨: 제출물이 허용되지 않은 일을 하려 했으므로 통과하지 못하며 0점입니다 (실습별 점수는 참고용)."
        } else {
            "REJECTED: the submission tried what a submission may not do, so it does not pass and scores 0 (the labs' scores are for reference)."
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

/// Why a rejected submission scores nothing, then the refused requests, one a line.
fn rejection(sub: &SubmissionSection, lang: Lang, prefix: &str) -> String {
    format!(
        "{}\n{}",
        pick(
            lang,
            "REJECTED: the submission tried to touch what it did not create, so it scores 0.",
            "거부됨: 제출물이 자기가 만들지 않은 것을 건드리려 했으므로 0점입니다.",
        ),
        refusal_lines(sub, prefix)
    )
}

/// The refused requests, one a line.
fn refusal_lines(sub: &SubmissionSection, prefix: &str) -> String {
    sub.denied
        .iter()
        .map(|d| format!("{prefix}{} {}: {}", d.method, d.path, d.reason))
        .collect::<Vec<_>>()
        .join("\n")
}

/// JUnit: a `submission` suite whose `guard` case fails when the submission was rejected.
/// The script's output is the case's `system-out` (GitLab reads a case's, not a suite's).
fn submission_junit(sub: &SubmissionSection, lang: Lang) -> String {
    let failed = usize::from(sub.rejected);
    let time = secs(sub.duration_ms);
    let mut suite = format!(
        "  <testsuite name=\"submission\" tests=\"1\" failures=\"{failed}\" errors=\"0\" skipped=\"0\" time=\"{time}\" file=\"{}\">\n    <testcase classname=\"submission\" name=\"guard\" time=\"{time}\">\n",
        xml_escape(&sub.path)
    );
    if sub.rejected {
        let _ = writeln!(
            suite,
            "      <failure message=\"{}\" type=\"rejected\">{}</failure>",
            xml_escape(pick(
                lang,
                "the submission tried to change what it did not create",
                "제출물이 자기가 만들지 않은 것을 바꾸려 했습니다",
            )),
            xml_escape(&refusal_lines(sub, ""))
        );
    }
    let _ = write!(
        suite,
        "      <system-out>{}</system-out>\n    </testcase>\n  </testsuite>\n",
        xml_escape(&format!(
            "{}\n{}",
            sub.status_in(lang),
            sub.output_tail.join("\n")
        ))
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
        Format::Json => JsonReport::lab(r, lang).text(),
        _ => render(&GradeReport::new(vec![r.clone()]), format, st, lang),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Outcome;

    fn step(id: &str, passed: bool, points: u32) -> StepResult {
        StepResult {
            at: passed.then_some(1_700_000_000_000_000_000),
            id: id.into(),
            title: format!("Step {id}"),
            passed,
            points,
            duration_ms: 7,
            checks: if passed {
                vec![]
            } else {
                vec![Outcome::with_texts(
                    "http",
                    false,
                    "Nothing answers & \u{1}",
                    "GET → 200",
                    "refused",
                )]
            },
        }
    }

    fn sample() -> LabReport {
        let mut run = step("run-detached", true, 1);
        run.title = "Run it".into();
        let mut browse = step("browse", false, 1);
        browse.title = "Browse <it>".into();
        LabReport {
            lab: "published-web".into(),
            title: "Host a web site".into(),
            chapter: "2.4".into(),
            file: "labs/published-web/lab.yaml".into(),
            passed: false,
            score: 1,
            max_score: 2,
            since: 0,
            checked_at: "2026-01-01T00:00:00Z".into(),
            duration_ms: 42,
            events_forgotten: false,
            steps: vec![run, browse],
            lines: [("run-detached".into(), 8), ("browse".into(), 30)].into(),
        }
    }

    /// A lab whose steps are worth 1, 2 and 3 points; the first and last pass.
    fn weighted() -> LabReport {
        let mut r = sample();
        r.steps = vec![
            step("one", true, 1),
            step("two", false, 2),
            step("three", true, 3),
        ];
        r.score = 4;
        r.max_score = 6;
        r
    }

    #[test]
    fn junit_escapes_and_counts() {
        let x = junit_with(&[sample()], None, Lang::En);
        assert!(x.contains("tests=\"2\" failures=\"1\""));
        assert!(x.contains("Nothing answers &amp; "));
        assert!(!x.contains('\u{1}'));
        insta::assert_snapshot!(x);
    }

    #[test]
    fn junit_has_times_the_lab_file_and_the_failing_code() {
        let x = junit_with(&[sample()], None, Lang::En);
        assert!(
            x.contains("<testcase classname=\"published-web\" name=\"browse\" time=\"0.007\">"),
            "{x}"
        );
        assert!(x.contains("file=\"labs/published-web/lab.yaml\""), "{x}");
        assert!(x.contains("type=\"container.not_as_asked\""), "{x}");
        assert!(!x.contains("type=\"check\""), "{x}");
        // The step's line, after a space, where annotation actions look for `FILE:LINE`.
        assert!(x.contains(" labs/published-web/lab.yaml:30"), "{x}");
    }

    #[test]
    fn korean_reports_use_korean_labels() {
        let x = junit_with(&[sample()], None, Lang::Ko);
        assert!(
            x.contains("기대: GET") && x.contains("실제: refused"),
            "{x}"
        );
        assert!(!x.contains("expected:") && !x.contains("observed:"), "{x}");
        let c = classroom(&GradeReport::new(vec![sample()]), Lang::Ko).to_string();
        assert!(
            c.contains("기대: GET") && c.contains("실제: refused"),
            "{c}"
        );
        assert!(!c.contains("expected") && !c.contains("observed"), "{c}");
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
        let v = classroom(&GradeReport::new(vec![sample()]), Lang::En);
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
        // The reporter prints a failed test's name and test_code: the reason is in both
        // places it could be read.
        let code = tests[1]["test_code"].as_str().unwrap_or_default();
        assert!(code.contains("Nothing answers") && code.contains("observed: refused"));
        assert!(
            tests[1]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("Nothing")
        );
        assert_eq!(tests[0]["execution_time"], "0.007s");
    }

    /// The autograding reporter's three totals: the runner's line and the summary table
    /// count passed tests (`passed / tests × max_score`), the notice adds scores.
    fn reporter_totals(v: &serde_json::Value) -> (f64, f64) {
        let tests = v["tests"].as_array().expect("tests");
        let passed = tests.iter().filter(|t| t["status"] == "pass").count() as f64;
        let max = v["max_score"].as_f64().unwrap_or(0.0);
        let counted = passed / tests.len() as f64 * max;
        let added: f64 = tests
            .iter()
            .map(|t| t["score"].as_f64().unwrap_or(0.0))
            .sum();
        (counted, added)
    }

    #[test]
    fn weighted_points_give_one_total() {
        let g = GradeReport::new(vec![weighted(), sample()]);
        let v = classroom(&g, Lang::En);
        let (counted, added) = reporter_totals(&v);
        assert_eq!(counted, added, "{v}");
        assert_eq!(added, f64::from(g.score));
        assert_eq!(v["max_score"], g.max_score);
        let names: Vec<&str> = v["tests"]
            .as_array()
            .expect("tests")
            .iter()
            .filter_map(|t| t["name"].as_str())
            .collect();
        assert!(names.contains(&"published-web / three (3/3)"), "{names:?}");
        // Equal points need no splitting.
        let mut even = weighted();
        even.steps.iter_mut().for_each(|s| s.points = 2);
        let v = classroom(&GradeReport::new(vec![even]), Lang::En);
        assert_eq!(v["tests"].as_array().map(Vec::len), Some(3));
        assert_eq!(v["tests"][0]["max_score"], 2);
    }

    #[test]
    fn a_step_worth_nothing_is_no_classroom_test() {
        let mut r = weighted();
        r.steps[1].points = 0;
        r.max_score = 4;
        let v = classroom(&GradeReport::new(vec![r]), Lang::En);
        let (counted, added) = reporter_totals(&v);
        assert_eq!(counted, added, "{v}");
    }

    fn rejected_submission() -> SubmissionSection {
        SubmissionSection {
            path: "s.sh".into(),
            interpreter: "sh".into(),
            exit_code: Some(0),
            signal: None,
            timed_out: false,
            status: "exit code 0".into(),
            duration_ms: 1500,
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
            sandbox: "bubblewrap".into(),
            limits: vec!["256 processes".into()],
            trusted: false,
        }
    }

    #[test]
    fn junit_counts_the_guard() {
        let out = junit_with(&[sample()], Some(&rejected_submission()), Lang::En);
        assert!(out.contains("tests=\"3\" failures=\"2\""), "{out}");
        assert!(out.contains("&lt;hi&gt;"), "{out}");
        assert!(out.trim_end().ends_with("</testsuites>"), "{out}");
        // The suite and its case have times; the output is inside the case.
        assert!(
            out.contains("<testsuite name=\"submission\" tests=\"1\" failures=\"1\" errors=\"0\" skipped=\"0\" time=\"1.500\""),
            "{out}"
        );
        let case = out.find("name=\"guard\"").expect("guard case");
        let case_end = out.find("</testcase>\n  </testsuite>\n</testsuites>");
        let system_out = out.find("<system-out>").expect("system-out");
        assert!(case < system_out && Some(system_out) < case_end, "{out}");
    }

    #[test]
    fn a_rejected_submission_scores_nothing() {
        let mut passing = sample();
        passing.passed = true;
        passing.steps.retain(|s| s.passed);
        passing.score = 1;
        passing.max_score = 1;
        let g = GradeReport::new(vec![passing]).with_submission(rejected_submission());
        assert_eq!(g.score, 0);
        let v = classroom(&g, Lang::En);
        assert_eq!(v["status"], "fail");
        let (counted, added) = reporter_totals(&v);
        assert_eq!((counted, added), (0.0, 0.0), "{v}");
        let json = serde_json::to_value(&g).expect("json");
        assert_eq!(json["score"], 0);
        assert_eq!(
            json["labs"][0]["score"], 1,
            "the lab's score stays, for reference"
        );
    }

    #[test]
    fn classroom_status_follows_min_score() {
        let g = GradeReport::new(vec![sample()]).with_min_score(Some(1));
        assert!(g.passed);
        assert_eq!(classroom(&g, Lang::En)["status"], "pass");
        let g = GradeReport::new(vec![sample()]).with_min_score(Some(2));
        assert_eq!(classroom(&g, Lang::En)["status"], "fail");
        let v = serde_json::to_value(GradeReport::new(vec![sample()]).with_min_score(Some(1)))
            .expect("json");
        assert_eq!(
            (v["passed"].clone(), v["min_score"].clone()),
            (true.into(), 1.into())
        );
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
        for k in ["lab", "passed", "score", "max_score", "steps", "file"] {
            assert!(v.get(k).is_some(), "{k}");
        }
        assert!(v.get("lines").is_none());
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

    #[test]
    fn json_reports_say_their_version_and_language_first() {
        let lab = render_lab(&sample(), Format::Json, &Style::plain(), Lang::Ko);
        assert!(
            lab.starts_with("{\n  \"format_version\": 1,\n  \"lang\": \"ko\",\n  \"lab\""),
            "{lab}"
        );
        let g = render(
            &GradeReport::new(vec![sample()]),
            Format::Json,
            &Style::plain(),
            Lang::En,
        );
        let v: serde_json::Value = serde_json::from_str(&g).expect("json");
        assert_eq!(v["format_version"], FORMAT_VERSION);
        assert_eq!(v["lang"], "en");
        assert!(
            v["labs"][0].get("format_version").is_none(),
            "only at the top"
        );
    }

    #[test]
    fn error_reports_in_every_machine_format() {
        let f = Failure::BadInput("no lab `nope`".into());
        let e = ErrorReport::of(&f, 5).expect("an error");
        assert!(ErrorReport::of(&Failure::ChecksFailed, 0).is_none());
        let json: serde_json::Value =
            serde_json::from_str(&render_error(&e, Format::Json, Lang::En)).expect("json");
        assert_eq!(json["error"]["exit_code"], 2);
        assert_eq!(json["error"]["kind"], "bad_input");
        assert_eq!(json["passed"], false);
        let c: serde_json::Value =
            serde_json::from_str(&render_error(&e, Format::Classroom, Lang::En)).expect("json");
        assert_eq!(c["status"], "error");
        assert_eq!(c["max_score"], 5);
        assert_eq!(c["tests"][0]["message"], "no lab `nope`");
        let x = render_error(&e, Format::Junit, Lang::En);
        assert!(
            x.contains("errors=\"1\"")
                && x.contains("<error message=\"no lab `nope`\" type=\"bad_input\">"),
            "{x}"
        );
        assert!(render_error(&e, Format::Text, Lang::En).is_empty());
    }
}
