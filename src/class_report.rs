//! A class's report: `grade LAB --submission FOLDER` grades every script in a folder and
//! prints one report of them all — a table as text, JSON with each submission's grade
//! report inside, or JUnit with a suite per submission × lab.
//!
//! Each submission keeps the grade report it would have had alone (`report`), so a reader
//! of one student's grade and a reader of the class's see the same data. A submission that
//! could not be graded (no script in its folder, a script docklings could not copy or run)
//! is that student's `error`, and the rest are graded; the run stops only when the engine
//! or the system fails, or on Ctrl-C, and then the report says so (`stopped`) and lists
//! who was not graded.
//!
//! There is no Classroom format: GitHub Classroom grades one repository, one student, per
//! run (see [`classroom_refusal`]).

use std::fmt::Write as _;

use schemars::JsonSchema;
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use crate::lab::Lang;
use crate::report::{Format, GradeReport, junit_lab_suite, secs, xml_escape};
use crate::style::Style;
use crate::words::pick;

/// `grade --submission FOLDER`'s report.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub(crate) struct ClassReport {
    /// The folder of submissions, as given.
    pub(crate) folder: String,
    /// The labs every submission was graded on, by id.
    pub(crate) labs: Vec<String>,
    /// The submissions graded, in the order of their names.
    pub(crate) submissions: Vec<ClassSubmission>,
    pub(crate) summary: ClassSummary,
    /// Every submission passed, as the exit code says (0); never when the run stopped early.
    pub(crate) passed: bool,
    /// `--min-score`, when given: each submission passes when its score reaches it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) min_score: Option<u32>,
    /// Why the run stopped before every submission was graded (the engine failed, or
    /// Ctrl-C); absent when every one was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) stopped: Option<String>,
    /// The submissions not graded because the run stopped.
    pub(crate) not_graded: Vec<String>,
}

/// One student's submission in a class's report.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub(crate) struct ClassSubmission {
    /// The script's file name (`alice.sh`), or the student's folder's name (`alice`).
    pub(crate) name: String,
    /// The script graded, or the student's folder when no script was found in it.
    pub(crate) path: String,
    pub(crate) status: ClassStatus,
    /// As in `report`; 0 when rejected or not graded.
    pub(crate) score: u32,
    pub(crate) max_score: u32,
    /// By the grade's pass rule (`--min-score` included); never when rejected.
    pub(crate) passed: bool,
    /// The guard refused one of its requests: it scores 0.
    pub(crate) rejected: bool,
    /// How long grading it took, start to cleanup, in milliseconds.
    pub(crate) duration_ms: u64,
    /// Its grade report, as `grade --submission SCRIPT --format json` writes it (without
    /// `format_version` and `lang`, which the class's report carries); absent on error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) report: Option<GradeReport>,
    /// Why it could not be graded (status `error`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<String>,
}

/// How one submission ended, for the table: the first that applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ClassStatus {
    /// It could not be graded (see `error`).
    Error,
    /// The guard refused one of its requests.
    Rejected,
    /// It passed by the grade's rule (even when the time limit then stopped it).
    Passed,
    /// The time limit stopped it, and it did not pass.
    TimedOut,
    /// It ran to its end and did not pass.
    Failed,
}

/// The class at a glance.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub(crate) struct ClassSummary {
    /// Submissions found in the folder (graded or not).
    pub(crate) count: usize,
    /// Submissions in `submissions`.
    pub(crate) graded: usize,
    pub(crate) passed: usize,
    pub(crate) failed: usize,
    pub(crate) rejected: usize,
    pub(crate) timed_out: usize,
    pub(crate) errors: usize,
    /// The mean score of the submissions in `submissions` (one not graded counts 0).
    pub(crate) mean_score: f64,
    /// What one submission can score.
    pub(crate) max_score: u32,
}

impl ClassSubmission {
    /// A graded submission, under `name`.
    pub(crate) fn graded(name: String, report: GradeReport, duration_ms: u64) -> Self {
        let sub = report.submission.as_ref();
        let rejected = sub.is_some_and(|s| s.rejected);
        let status = if rejected {
            ClassStatus::Rejected
        } else if report.passed {
            ClassStatus::Passed
        } else if sub.is_some_and(|s| s.timed_out) {
            ClassStatus::TimedOut
        } else {
            ClassStatus::Failed
        };
        ClassSubmission {
            path: sub.map(|s| s.path.clone()).unwrap_or_default(),
            name,
            status,
            score: report.score,
            max_score: report.max_score,
            passed: report.passed,
            rejected,
            duration_ms,
            report: Some(report),
            error: None,
        }
    }

    /// A submission that could not be graded, and why.
    pub(crate) fn error(name: String, path: String, max_score: u32, why: String) -> Self {
        ClassSubmission {
            name,
            path,
            status: ClassStatus::Error,
            score: 0,
            max_score,
            passed: false,
            rejected: false,
            duration_ms: 0,
            report: None,
            error: Some(why),
        }
    }
}

impl ClassReport {
    pub(crate) fn new(
        folder: String,
        labs: Vec<String>,
        submissions: Vec<ClassSubmission>,
        not_graded: Vec<String>,
        max_score: u32,
    ) -> Self {
        let n = |s: ClassStatus| submissions.iter().filter(|x| x.status == s).count();
        let graded = submissions.len();
        let mean_score = match graded {
            0 => 0.0,
            g => submissions.iter().map(|s| f64::from(s.score)).sum::<f64>() / g as f64,
        };
        let summary = ClassSummary {
            count: graded + not_graded.len(),
            graded,
            passed: n(ClassStatus::Passed),
            failed: n(ClassStatus::Failed),
            rejected: n(ClassStatus::Rejected),
            timed_out: n(ClassStatus::TimedOut),
            errors: n(ClassStatus::Error),
            // Two decimals are what a teacher reads; more would only be noise in the JSON.
            mean_score: (mean_score * 100.0).round() / 100.0,
            max_score,
        };
        ClassReport {
            folder,
            labs,
            passed: not_graded.is_empty() && submissions.iter().all(|s| s.passed),
            submissions,
            summary,
            min_score: None,
            stopped: None,
            not_graded,
        }
    }

    /// The run stopped early, for this reason: the class does not pass.
    pub(crate) fn stopped(mut self, why: String) -> Self {
        self.stopped = Some(why);
        self.passed = false;
        self
    }
}

/// The class's report in `format`. Classroom is refused before grading
/// ([`classroom_refusal`]); should it get here, JSON is what it gets.
pub(crate) fn render(c: &ClassReport, format: Format, st: &Style, lang: Lang) -> String {
    match format {
        Format::Text => text(c, st, lang),
        Format::Junit => junit(c, lang),
        Format::Json | Format::Classroom => crate::report::class_json(c, lang),
    }
}

/// Why `--format classroom` grades one submission, not a folder: GitHub Classroom's
/// reporter turns one report into one student's grade, in that student's repository, so a
/// class's report has nowhere to go; one CI job per student is the Classroom way.
pub(crate) fn classroom_refusal(lang: Lang) -> &'static str {
    pick(
        lang,
        "the classroom format grades one submission: GitHub Classroom grades each student's \
         repository in a run of its own. For a folder of submissions use --format text, json \
         or junit; for a class in GitHub Classroom, one CI job per student \
         (ci-templates/github-actions-grade.yml).",
        "classroom 형식은 제출물 하나를 채점합니다: GitHub Classroom은 학생마다 자기 저장소에서 \
         따로 채점합니다. 제출물 폴더에는 --format text, json, junit을 쓰고, GitHub Classroom의 \
         수업이라면 학생마다 CI 작업 하나로 채점하세요 (ci-templates/github-actions-grade.yml).",
    )
}

/// A status in the table's words.
pub(crate) fn status_word(s: ClassStatus, lang: Lang) -> &'static str {
    match s {
        ClassStatus::Passed => pick(lang, "passed", "통과"),
        ClassStatus::Failed => pick(lang, "failed", "실패"),
        ClassStatus::Rejected => pick(lang, "rejected", "거부됨"),
        ClassStatus::TimedOut => pick(lang, "timed out", "시간 초과"),
        ClassStatus::Error => pick(lang, "error", "오류"),
    }
}

/// `s` padded with spaces to `width` terminal columns (Korean names are two a letter).
fn pad(s: &str, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(s.width())))
}

/// The table: one row per submission (name, score, status, time), then the totals, then
/// why any could not be graded and why the run stopped.
fn text(c: &ClassReport, st: &Style, lang: Lang) -> String {
    let mut o = String::new();
    let n = c.summary.count;
    let _ = writeln!(
        o,
        "{} {} {}",
        st.bold(&c.labs.join(", ")),
        st.dim("—"),
        pick(
            lang,
            format!("{n} submission{}", if n == 1 { "" } else { "s" }),
            format!("제출물 {n}개"),
        )
    );
    let head = (
        pick(lang, "student", "학생"),
        pick(lang, "score", "점수"),
        pick(lang, "status", "상태"),
        pick(lang, "time", "시간"),
    );
    let scores: Vec<String> = c
        .submissions
        .iter()
        .map(|s| format!("{}/{}", s.score, s.max_score))
        .collect();
    let wn = c
        .submissions
        .iter()
        .map(|s| s.name.width())
        .chain([head.0.width()])
        .max()
        .unwrap_or(0);
    let ws = scores
        .iter()
        .map(|s| s.width())
        .chain([head.1.width()])
        .max()
        .unwrap_or(0);
    let wt = c
        .submissions
        .iter()
        .map(|s| status_word(s.status, lang).width())
        .chain([head.2.width()])
        .max()
        .unwrap_or(0);
    let _ = writeln!(
        o,
        "  {}",
        st.dim(&format!(
            "{}  {}  {}  {}",
            pad(head.0, wn),
            pad(head.1, ws),
            pad(head.2, wt),
            head.3
        ))
    );
    for (s, score) in c.submissions.iter().zip(&scores) {
        let word = pad(status_word(s.status, lang), wt);
        let word = match s.status {
            ClassStatus::Passed => st.ok(&word),
            ClassStatus::Failed | ClassStatus::TimedOut => st.warn(&word),
            ClassStatus::Rejected | ClassStatus::Error => st.bad(&word),
        };
        let _ = writeln!(
            o,
            "  {}  {}  {word}  {:.1}s",
            pad(&s.name, wn),
            pad(score, ws),
            s.duration_ms as f64 / 1000.0
        );
    }
    let m = &c.summary;
    let _ = writeln!(
        o,
        "{}",
        pick(
            lang,
            format!(
                "passed {}/{} · failed {} · rejected {} · timed out {} · error {} · mean score {}/{}",
                m.passed,
                m.count,
                m.failed,
                m.rejected,
                m.timed_out,
                m.errors,
                m.mean_score,
                m.max_score
            ),
            format!(
                "통과 {}/{} · 실패 {} · 거부됨 {} · 시간 초과 {} · 오류 {} · 평균 점수 {}/{}",
                m.passed,
                m.count,
                m.failed,
                m.rejected,
                m.timed_out,
                m.errors,
                m.mean_score,
                m.max_score
            ),
        )
    );
    for s in &c.submissions {
        if let Some(why) = &s.error {
            let _ = writeln!(o, "  {} {}: {why}", st.bad("✗"), s.name);
        }
    }
    if let Some(why) = &c.stopped {
        let _ = writeln!(
            o,
            "{} {}",
            st.bad(pick(lang, "stopped early:", "중간에 멈춤:")),
            why
        );
        if !c.not_graded.is_empty() {
            let _ = writeln!(
                o,
                "  {} {}",
                pick(lang, "not graded:", "채점하지 않음:"),
                c.not_graded.join(", ")
            );
        }
    }
    o
}

/// JUnit: a suite per submission × lab, named `alice.sh / published-web` (test-report
/// tools group by suite, so each student's steps stay together), and a suite with one
/// `error` case for a submission that could not be graded.
fn junit(c: &ClassReport, lang: Lang) -> String {
    let mut suites = String::new();
    let (mut tests, mut failures, mut errors, mut ms) = (0usize, 0usize, 0usize, 0u64);
    for s in &c.submissions {
        ms += s.duration_ms;
        match (&s.report, &s.error) {
            (Some(g), _) => {
                for l in &g.labs {
                    let name = format!("{} / {}", s.name, l.lab);
                    suites.push_str(&junit_lab_suite(l, &name, g.submission.as_ref(), lang));
                    tests += l.steps.len();
                    failures += l.steps.iter().filter(|st| !st.passed || s.rejected).count();
                }
            }
            (None, why) => {
                let why = why.as_deref().unwrap_or_default();
                tests += 1;
                errors += 1;
                let _ = write!(
                    suites,
                    "  <testsuite name=\"{0}\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\" time=\"0.000\">\n    \
                     <testcase classname=\"{0}\" name=\"submission\" time=\"0.000\">\n      \
                     <error message=\"{1}\" type=\"submission\">{1}</error>\n    \
                     </testcase>\n  </testsuite>\n",
                    xml_escape(&s.name),
                    xml_escape(why),
                );
            }
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <testsuites name=\"docklings\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" time=\"{}\">\n\
         {suites}</testsuites>\n",
        secs(ms)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errored(name: &str) -> ClassSubmission {
        ClassSubmission::error(name.into(), format!("class/{name}"), 3, "no script".into())
    }

    #[test]
    fn the_summary_counts_and_averages() {
        let mut a = errored("a");
        a.status = ClassStatus::Passed;
        a.score = 3;
        a.passed = true;
        let c = ClassReport::new(
            "class".into(),
            vec!["published-web".into()],
            vec![a, errored("b")],
            vec!["c".into()],
            3,
        );
        assert_eq!(c.summary.count, 3);
        assert_eq!(c.summary.graded, 2);
        assert_eq!(c.summary.passed, 1);
        assert_eq!(c.summary.errors, 1);
        assert!((c.summary.mean_score - 1.5).abs() < 1e-9);
        assert!(!c.passed, "one not graded: the class does not pass");
    }

    #[test]
    fn text_in_both_languages_aligns_wide_names() {
        let c = ClassReport::new(
            "class".into(),
            vec!["published-web".into()],
            vec![errored("김민수"), errored("bob.sh")],
            vec![],
            3,
        );
        let en = text(&c, &Style::plain(), Lang::En);
        assert!(en.contains("student  score  status  time"), "{en}");
        assert!(en.contains("  김민수   0/3    error   0.0s"), "{en}");
        assert!(en.contains("passed 0/2 · failed 0 · rejected 0"), "{en}");
        let ko = text(&c, &Style::plain(), Lang::Ko);
        assert!(ko.contains("제출물 2개"), "{ko}");
        assert!(ko.contains("오류"), "{ko}");
        assert!(ko.contains("통과 0/2"), "{ko}");
    }

    #[test]
    fn an_error_is_one_junit_suite_with_an_error() {
        let c = ClassReport::new(
            "class".into(),
            vec!["published-web".into()],
            vec![errored("bob")],
            vec![],
            3,
        );
        let x = junit(&c, Lang::En);
        assert!(x.contains("tests=\"1\" failures=\"0\" errors=\"1\""), "{x}");
        assert!(x.contains("<testsuite name=\"bob\""), "{x}");
        assert!(x.contains("<error message=\"no script\""), "{x}");
    }

    #[test]
    fn classroom_is_refused_in_both_languages() {
        for lang in [Lang::En, Lang::Ko] {
            assert!(
                classroom_refusal(lang).contains("ci-templates/github-actions-grade.yml"),
                "{lang:?}"
            );
        }
    }
}
