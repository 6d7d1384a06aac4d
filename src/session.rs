//! The guided session's state: which step is shown, what passed (for good), hints and
//! solutions revealed, answers given. It knows nothing about terminals: keys come in as
//! [`Key`], verdicts as [`StepResult`]s, and [`GuidedSession::draw`] returns the screen as lines,
//! so every screen can be snapshot-tested.

use std::collections::BTreeMap;

use crate::check::StepResult;
use crate::lab::{Action, Lab, Lang};
use crate::progress::LabProgress;
use crate::render::RenderOptions;
use crate::style::Style;
use crate::words::pick;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Key {
    Char(char),
    Left,
    Right,
    Up,
    Down,
    PageUp,
    PageDown,
    Enter,
    Esc,
    Backspace,
}

/// What the session asks its driver to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Effect {
    CheckNow,
    /// Progress changed: write it.
    Save,
    Quit,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    Normal,
    /// Asked "show the solution?".
    ConfirmSolution,
    /// Typing an answer.
    Answer(String),
}

/// Per-step progress the session keeps (and the driver persists).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct StepState {
    pub(crate) passed: bool,
    pub(crate) passed_at: Option<i64>,
    /// When the learner's act that passed it happened (Unix nanoseconds).
    pub(crate) evidence_at: Option<i64>,
    pub(crate) hints_shown: u32,
    pub(crate) solution_shown: bool,
    pub(crate) last: Option<StepResult>,
}

pub(crate) struct GuidedSession<'a> {
    pub(crate) lab: &'a Lab,
    pub(crate) lang: Lang,
    pub(crate) current: usize,
    pub(crate) steps: Vec<StepState>,
    pub(crate) answers: BTreeMap<String, String>,
    pub(crate) mode: Mode,
    pub(crate) scroll: usize,
    /// A one-line notice (a step just passed, a check is running, ...).
    pub(crate) notice: Option<String>,
    pub(crate) checking: bool,
    /// Where the lab's files were written, if it has any.
    pub(crate) workspace: Option<std::path::PathBuf>,
}

impl<'a> GuidedSession<'a> {
    pub(crate) fn new(lab: &'a Lab, lang: Lang) -> Self {
        GuidedSession {
            lab,
            lang,
            current: 0,
            steps: vec![StepState::default(); lab.steps.len()],
            answers: BTreeMap::new(),
            mode: Mode::Normal,
            scroll: 0,
            notice: None,
            checking: false,
            workspace: None,
        }
    }

    /// A session that picks up where the learner left off: steps passed, hints and
    /// solutions seen, answers given, and the step they were on (else the first unpassed).
    pub(crate) fn resume(lab: &'a Lab, lang: Lang, saved: &LabProgress) -> Self {
        let mut session = GuidedSession::new(lab, lang);
        session.answers = saved.answers.clone();
        for (st, step) in session.steps.iter_mut().zip(&lab.steps) {
            if let Some(sp) = saved.steps.get(&step.id) {
                st.passed = sp.passed_at.is_some();
                st.passed_at = sp.passed_at;
                st.evidence_at = sp.evidence_at;
                st.hints_shown = sp.hints_used.min(step.hints.len() as u32);
                st.solution_shown = sp.solved_with_help;
            }
        }
        session.current = saved
            .current_step
            .as_deref()
            .and_then(|id| lab.steps.iter().position(|s| s.id == id))
            .or_else(|| session.steps.iter().position(|s| !s.passed))
            .unwrap_or(0);
        session
    }

    pub(crate) fn complete(&self) -> bool {
        self.steps.iter().all(|s| s.passed)
    }

    /// Show step `i` from its top; out-of-range and the step already shown change nothing.
    fn show_step(&mut self, i: usize) {
        if i < self.steps.len() && i != self.current {
            self.current = i;
            self.scroll = 0;
        }
    }

    /// A key press, read according to the mode (answering, confirming, or browsing).
    pub(crate) fn on_key(&mut self, k: Key) -> Vec<Effect> {
        match std::mem::replace(&mut self.mode, Mode::Normal) {
            Mode::ConfirmSolution => {
                self.notice = None;
                if matches!(k, Key::Char('y') | Key::Char('Y')) {
                    self.steps[self.current].solution_shown = true;
                    self.scroll_to_end();
                    return vec![Effect::Save];
                }
                Vec::new()
            }
            Mode::Answer(buf) => self.on_answer_key(k, buf),
            Mode::Normal => self.on_browse_key(k),
        }
    }

    /// Typing an answer: Enter saves and checks it, Esc drops it.
    fn on_answer_key(&mut self, k: Key, mut buf: String) -> Vec<Effect> {
        match k {
            Key::Enter => {
                let id = self.lab.steps[self.current].id.clone();
                self.answers.insert(id, buf.trim().to_owned());
                self.notice = Some(
                    pick(
                        self.lang,
                        "Answer saved; checking…",
                        "답을 저장했습니다. 확인하는 중…",
                    )
                    .to_owned(),
                );
                return vec![Effect::Save, Effect::CheckNow];
            }
            Key::Esc => return Vec::new(),
            Key::Backspace => {
                buf.pop();
            }
            Key::Char(c) if !c.is_control() && buf.chars().count() < 200 => buf.push(c),
            _ => {}
        }
        self.mode = Mode::Answer(buf);
        Vec::new()
    }

    /// What was just revealed is at the end: show it (draw clamps the scroll).
    fn scroll_to_end(&mut self) {
        self.scroll = usize::MAX / 2;
    }

    /// Browsing the steps: move, scroll, ask for help, answer, check, quit.
    fn on_browse_key(&mut self, k: Key) -> Vec<Effect> {
        match k {
            Key::Char('q') | Key::Esc => vec![Effect::Save, Effect::Quit],
            Key::Char('c') => vec![Effect::CheckNow],
            Key::Char('h') => self.show_next_hint(),
            Key::Char('s') => {
                let st = &self.steps[self.current];
                let open = self.lab.steps[self.current].solution_open(st.passed, st.solution_shown);
                if open {
                    // Already on screen (a passed challenge): no confirmation, no "with help".
                    self.scroll_to_end();
                } else {
                    self.mode = Mode::ConfirmSolution;
                }
                Vec::new()
            }
            Key::Char('a') => {
                if self.lab.steps[self.current].question().is_some() {
                    // A fresh field: the answer given before stays on screen above it, and
                    // typing after it would run the two together ("172.17.0.9172.17.0.2").
                    self.mode = Mode::Answer(String::new());
                } else {
                    self.notice = Some(
                        pick(
                            self.lang,
                            "This step asks no question.",
                            "이 단계에는 질문이 없습니다.",
                        )
                        .to_owned(),
                    );
                }
                Vec::new()
            }
            Key::Char('n') | Key::Right => {
                self.show_step(self.current + 1);
                self.notice = None;
                vec![Effect::Save]
            }
            Key::Char('p') | Key::Left => {
                self.show_step(self.current.saturating_sub(1));
                self.notice = None;
                vec![Effect::Save]
            }
            Key::Down | Key::Char('j') => {
                self.scroll += 1;
                Vec::new()
            }
            Key::Up | Key::Char('k') => {
                self.scroll = self.scroll.saturating_sub(1);
                Vec::new()
            }
            Key::PageDown | Key::Char(' ') => {
                self.scroll += 10;
                Vec::new()
            }
            Key::PageUp => {
                self.scroll = self.scroll.saturating_sub(10);
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// Reveal one more hint of the shown step, or say why there is none.
    fn show_next_hint(&mut self) -> Vec<Effect> {
        let n = self.lab.steps[self.current].hints.len() as u32;
        let st = &mut self.steps[self.current];
        if st.hints_shown < n {
            st.hints_shown += 1;
            self.notice = None;
            self.scroll = usize::MAX / 2;
            return vec![Effect::Save];
        }
        self.notice = Some(if n == 0 {
            pick(
                self.lang,
                "This step has no hints.",
                "이 단계에는 힌트가 없습니다.",
            )
            .to_owned()
        } else {
            pick(
                self.lang,
                "No more hints: `s` shows the solution.",
                "힌트를 모두 보았습니다. `s` 로 풀이를 볼 수 있습니다.",
            )
            .to_owned()
        });
        Vec::new()
    }

    /// The passes seen so far, for judging the next round in order (they stick).
    pub(crate) fn passes(&self) -> crate::check::Passed {
        self.steps
            .iter()
            .zip(&self.lab.steps)
            .filter_map(|(st, step)| Some((step.id.clone(), st.evidence_at?)))
            .collect()
    }

    /// New verdicts arrived. A pass sticks: a later step that removes the container must
    /// not take back the one before. When the shown step passes, move on to the next one
    /// still to do.
    pub(crate) fn on_results(&mut self, results: Vec<StepResult>, now: i64) -> Vec<Effect> {
        self.checking = false;
        let mut newly = Vec::new();
        for r in results {
            if let Some(i) = self.lab.steps.iter().position(|s| s.id == r.id) {
                let st = &mut self.steps[i];
                if r.passed && !st.passed {
                    st.passed = true;
                    st.passed_at = Some(now);
                    st.evidence_at = r.at;
                    newly.push(i);
                }
                st.last = Some(r);
            }
        }
        if newly.is_empty() {
            return Vec::new();
        }
        if newly.contains(&self.current) {
            let title = self.lab.steps[self.current].title.get(self.lang).to_owned();
            if self.lab.steps[self.current].challenge.is_some() {
                // A solved challenge stays on screen: the reference solution and why it
                // works are the reward, read before moving on.
                let done = self.complete();
                self.notice = Some(match (self.lang, done) {
                    (Lang::En, false) => format!(
                        "✓ {title} — solved! The reference solution and why it works are below; → for the next step."
                    ),
                    (Lang::En, true) => format!(
                        "✓ {title} — solved! The reference solution is below. Every step of this lab is done!"
                    ),
                    (Lang::Ko, false) => format!(
                        "✓ {title} — 해결! 아래에 모범 답안과 그 원리가 있습니다. → 로 다음 단계."
                    ),
                    (Lang::Ko, true) => format!(
                        "✓ {title} — 해결! 아래에 모범 답안이 있습니다. 이 실습의 모든 단계를 마쳤습니다!"
                    ),
                });
                self.scroll_to_end();
            } else if self.complete() {
                self.notice = Some(
                    pick(
                        self.lang,
                        &format!("✓ {title} — passed. Every step of this lab is done!"),
                        &format!("✓ {title} — 통과! 이 실습의 모든 단계를 마쳤습니다!"),
                    )
                    .to_owned(),
                );
            } else {
                self.notice = Some(
                    pick(
                        self.lang,
                        &format!("✓ {title} — passed. On to the next step."),
                        &format!("✓ {title} — 통과! 다음 단계로 넘어갑니다."),
                    )
                    .to_owned(),
                );
                let next = (self.current + 1..self.steps.len())
                    .chain(0..self.current)
                    .find(|i| !self.steps[*i].passed);
                if let Some(n) = next {
                    self.show_step(n);
                }
            }
        }
        vec![Effect::Save]
    }

    /// The step's Markdown with what the learner has revealed.
    fn step_markdown(&self) -> String {
        let lang = self.lang;
        let step = &self.lab.steps[self.current];
        let st = &self.steps[self.current];
        let mut md = crate::book::lab_markdown(self.lab, lang, Some(self.current), false);
        // The "N hints: docklings show ..." line is for the non-interactive command.
        if let Some(i) = md.rfind("\n*") {
            md.truncate(i + 1);
        }
        if let Some(ws) = &self.workspace {
            md.push_str(pick(
                lang,
                &format!("\nThis lab's files are in `{}`.\n", ws.display()),
                &format!("\n이 실습의 파일은 `{}` 에 있습니다.\n", ws.display()),
            ));
        }
        if let Some(q) = step.question() {
            let given = self.answers.get(&step.id);
            md.push_str(&format!(
                "\n**{}** {}\n\n{}\n",
                pick(lang, "Question:", "질문:").to_owned(),
                q.get(lang),
                match given {
                    Some(a) => pick(
                        lang,
                        &format!("Your answer: `{a}` (`a` to change)"),
                        &format!("내 답: `{a}` (`a` 로 바꾸기)")
                    )
                    .to_owned(),
                    None => pick(lang, "Press `a` to answer.", "`a` 를 눌러 답하세요.").to_owned(),
                }
            ));
        }
        for (i, h) in step.hints.iter().take(st.hints_shown as usize).enumerate() {
            md.push_str(&format!(
                "\n> **{} {}/{}** {}\n",
                pick(lang, "Hint", "힌트").to_owned(),
                i + 1,
                step.hints.len(),
                h.get(lang).trim()
            ));
        }
        if step.solution_open(st.passed, st.solution_shown) {
            md.push_str(&format!(
                "\n**{}**\n\n```bash\n",
                pick(lang, "Solution", "풀이").to_owned()
            ));
            for a in &step.solution {
                match a {
                    Action::Run(c) | Action::Tty { command: c, .. } | Action::Answer(c) => {
                        md.push_str(c);
                        md.push('\n');
                    }
                    Action::Send { text, .. } => {
                        md.push_str(&format!(
                            "{text}    # {}\n",
                            pick(lang, "typed inside", "컨테이너 안에서 입력").to_owned()
                        ));
                    }
                }
            }
            md.push_str("```\n");
            if let Some(c) = &step.challenge {
                md.push_str(&format!(
                    "\n**{}** {}\n\n{}: {}\n",
                    pick(lang, "Why this works:", "이렇게 하면 되는 이유:"),
                    c.why.get(lang).trim(),
                    pick(lang, "Docker docs", "Docker 문서"),
                    c.docs
                ));
            }
        }
        md
    }

    /// The whole screen as lines, each at most `width` columns except command lines, which
    /// the terminal may wrap but which are never cut (they must stay copyable).
    pub(crate) fn draw(&self, width: usize, height: usize, style: &Style) -> Vec<String> {
        let width = width.max(20);
        let height = height.max(8);
        let mut top = self.header(width, style);
        let mut bottom = vec![style.dim(&"─".repeat(width))];
        bottom.extend(self.status_lines(width, style));
        bottom.push(self.footer(width, style));

        // On a tiny terminal the status gives way (footer last), so the step text still shows.
        while top.len() + bottom.len() + 1 > height && bottom.len() > 1 {
            bottom.remove(
                bottom
                    .len()
                    .saturating_sub(2)
                    .max(usize::from(bottom.len() > 2)),
            );
        }
        while top.len() + bottom.len() + 1 > height && top.len() > 1 {
            top.pop();
        }
        let room = height.saturating_sub(top.len() + bottom.len()).max(1);
        top.extend(self.step_text(width, room, style));
        top.extend(bottom);
        top
    }

    /// The lab's title, a mark per step and the count done, over a rule.
    fn header(&self, width: usize, style: &Style) -> Vec<String> {
        let mut top = Vec::new();
        let marks: String = self
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| match (s.passed, i == self.current) {
                (true, _) => style.ok("✓"),
                (false, true) => style.bold("●"),
                (false, false) => style.dim("○"),
            })
            .collect::<Vec<_>>()
            .join(" ");
        let done = self.steps.iter().filter(|s| s.passed).count();
        let right = format!("{marks}  {done}/{}", self.steps.len());
        let left = format!("docklings · {}", self.lab.title.get(self.lang));
        let gap = width.saturating_sub(visible_width(&left) + visible_width(&right));
        if gap >= 1 {
            top.push(format!("{}{}{right}", style.bold(&left), " ".repeat(gap)));
        } else {
            top.push(clip(&style.bold(&left), width));
            top.push(right);
        }
        top.push(style.dim(&"─".repeat(width)));
        top
    }

    /// Exactly `room` rows of the shown step's text, scrolled, with a "more" line when some
    /// of it is below.
    fn step_text(&self, width: usize, room: usize, style: &Style) -> Vec<String> {
        let opts = if style.color {
            RenderOptions::colored(width)
        } else {
            RenderOptions::plain(width)
        };
        let body = crate::render::markdown_to_terminal(&self.step_markdown(), opts);
        let body: Vec<String> = body.lines().map(str::to_owned).collect();
        // Scroll never past the end; the last screenful stays put.
        let rows = |l: &String| visible_width(l).div_ceil(width).max(1);
        let total: usize = body.iter().map(rows).sum();
        let mut skip = self.scroll.min(total.saturating_sub(room));
        let mut shown = Vec::new();
        let mut used = 0;
        for l in &body {
            let r = rows(l);
            if skip > 0 {
                skip = skip.saturating_sub(r);
                continue;
            }
            if used + r > room {
                break;
            }
            used += r;
            shown.push(l.clone());
        }
        let more = total > room && used < total;
        while used < room {
            shown.push(String::new());
            used += 1;
        }
        if more && let Some(last) = shown.last_mut() {
            *last = clip(
                &style.dim(pick(
                    self.lang,
                    "  ↓ more (↑/↓ to scroll)",
                    "  ↓ 더 있음 (↑/↓ 스크롤)",
                )),
                width,
            );
        }
        shown
    }

    fn status_lines(&self, width: usize, style: &Style) -> Vec<String> {
        let lang = self.lang;
        let st = &self.steps[self.current];
        let mut v = Vec::new();
        if let Some(n) = &self.notice {
            v.push(clip(n, width));
        }
        if self.checking {
            v.push(style.dim(pick(lang, "checking…", "확인하는 중…")));
            return v;
        }
        match &st.last {
            None => v.push(style.dim(pick(
                lang,
                "waiting for the engine…",
                "도커 엔진을 기다리는 중…",
            ))),
            Some(r) if r.passed => {
                v.push(style.ok(pick(lang, "✓ this step passes", "✓ 이 단계는 통과했습니다")))
            }
            Some(r) => {
                if st.passed {
                    v.push(style.ok(pick(
                        lang,
                        "✓ passed earlier (it no longer holds now, which is fine)",
                        "✓ 앞서 통과했습니다 (지금은 상태가 바뀌었지만 괜찮습니다)",
                    )));
                }
                if let Some(c) = r.checks.iter().find(|c| !c.passed) {
                    v.push(clip(&format!("{} {}", style.bad("✗"), c.message), width));
                    let (e, o) = match lang {
                        Lang::Ko => ("기대", "실제"),
                        Lang::En => ("expected", "found"),
                    };
                    // A challenge's expectation spells out the flags the learner is to find:
                    // it shows once the hints have climbed to the command, or the solution is
                    // open.
                    let step = &self.lab.steps[self.current];
                    let hidden = step.challenge.is_some()
                        && !st.solution_shown
                        && (st.hints_shown as usize) < step.hints.len();
                    let expected = if hidden {
                        style.dim(pick(
                            lang,
                            "(a challenge: the hints, `h`, lead to it)",
                            "(도전 과제: 힌트 `h` 가 길을 알려 줍니다)",
                        ))
                    } else {
                        c.expected.clone()
                    };
                    v.push(clip(
                        &format!("  {} {}", style.dim(&format!("{e}:")), expected),
                        width,
                    ));
                    v.push(clip(
                        &format!("  {} {}", style.dim(&format!("{o}:")), c.observed),
                        width,
                    ));
                }
            }
        }
        v
    }

    fn footer(&self, width: usize, style: &Style) -> String {
        let lang = self.lang;
        let text = match &self.mode {
            Mode::ConfirmSolution => pick(
                lang,
                "Show the solution? The step will count as solved with help. (y/n)",
                "풀이를 볼까요? 이 단계는 도움을 받아 푼 것으로 기록됩니다. (y/n)",
            )
            .to_owned(),
            Mode::Answer(buf) => pick(
                lang,
                &format!("Answer: {buf}█   (Enter: submit, Esc: cancel)"),
                &format!("답: {buf}█   (Enter: 제출, Esc: 취소)"),
            )
            .to_owned(),
            Mode::Normal => {
                let q = self.lab.steps[self.current].question().is_some();
                let mut keys = pick(
                    lang,
                    "h hint  c check  ←/→ step  s solution",
                    "h 힌트  c 확인  ←/→ 단계  s 풀이",
                )
                .to_owned();
                if q {
                    keys.push_str(pick(lang, "  a answer", "  a 답하기"));
                }
                keys.push_str(pick(lang, "  q quit", "  q 종료"));
                keys
            }
        };
        clip(&style.dim(&text), width)
    }
}

/// Display width ignoring ANSI escapes (Hangul counts two columns).
pub(crate) fn visible_width(s: &str) -> usize {
    strip_ansi(s)
        .chars()
        .map(|c| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0))
        .sum()
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            if chars.peek() == Some(&'[') {
                chars.next();
                for d in chars.by_ref() {
                    if d.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

/// Cut a line to `width` columns (ANSI-aware), marking the cut with `…`.
pub(crate) fn clip(s: &str, width: usize) -> String {
    if visible_width(s) <= width {
        return s.to_owned();
    }
    let mut out = String::new();
    let mut w = 0;
    let mut chars = s.chars().peekable();
    let mut styled = false;
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            out.push(c);
            styled = true;
            while let Some(&d) = chars.peek() {
                out.push(d);
                chars.next();
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
            continue;
        }
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw + 1 > width {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    if styled {
        out.push_str("\x1b[0m");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Outcome;
    use crate::lab::{FileReader, LabSource};

    fn lab() -> Lab {
        bundled("published-web")
    }

    fn bundled(id: &str) -> Lab {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("labs")
            .join(id);
        let text = std::fs::read_to_string(dir.join("lab.yaml")).expect("lab file");
        crate::lab::load(&LabSource {
            path: format!("labs/{id}/lab.yaml").into(),
            text: Ok(text),
            files: FileReader::Disk(dir),
        })
        .expect("valid lab")
    }

    #[test]
    fn answering_again_starts_from_an_empty_field() {
        let lab = bundled("interactive-shell");
        let mut s = GuidedSession::new(&lab, Lang::En);
        let i = lab
            .steps
            .iter()
            .position(|st| st.question().is_some())
            .expect("a question");
        s.show_step(i);
        for k in [
            Key::Char('a'),
            Key::Char('x'),
            Key::Enter,
            Key::Char('a'),
            Key::Char('y'),
            Key::Enter,
        ] {
            s.on_key(k);
        }
        assert_eq!(
            s.answers.get(&lab.steps[i].id).map(String::as_str),
            Some("y")
        );
    }

    #[test]
    fn resuming_restores_progress_and_lands_on_the_first_step_to_do() {
        let lab = lab();
        let first = lab.steps[0].id.clone();
        let mut saved = LabProgress::default();
        saved.steps.insert(
            first.clone(),
            crate::progress::StepProgress {
                passed_at: Some(7),
                evidence_at: Some(7_000_000_000),
                hints_used: 99,
                solved_with_help: true,
            },
        );
        saved.answers.insert(first.clone(), "42".into());
        let s = GuidedSession::resume(&lab, Lang::En, &saved);
        assert!(s.steps[0].passed);
        assert_eq!(s.steps[0].passed_at, Some(7));
        // More hints than the step has (the lab changed since) shows them all, no more.
        assert_eq!(s.steps[0].hints_shown, lab.steps[0].hints.len() as u32);
        assert!(s.steps[0].solution_shown);
        assert_eq!(s.answers.get(&first).map(String::as_str), Some("42"));
        assert_eq!(s.current, 1);

        // The step the learner was on wins over the first one still to do.
        saved.current_step = Some(first);
        assert_eq!(GuidedSession::resume(&lab, Lang::En, &saved).current, 0);
    }

    fn result(id: &str, passed: bool) -> StepResult {
        StepResult {
            id: id.into(),
            title: String::new(),
            passed,
            points: 1,
            at: passed.then_some(1),
            duration_ms: 0,
            checks: vec![Outcome::with_texts(
                "container",
                passed,
                "A container is there, but not as the step asks.",
                "container with image `diamol/ch02-hello-diamol-web`, running",
                "`web` publishes 80/tcp on 8080, not 8088",
            )],
        }
    }

    #[test]
    fn passing_moves_on_and_sticks() {
        let lab = lab();
        let mut s = GuidedSession::new(&lab, Lang::En);
        s.on_results(
            vec![
                result("run-detached", true),
                result("browse", false),
                result("remove", false),
            ],
            10,
        );
        assert_eq!(s.current, 1);
        assert!(s.steps[0].passed);
        // The remove step takes the container away: run-detached stays passed.
        s.on_results(
            vec![
                result("run-detached", false),
                result("browse", true),
                result("remove", true),
            ],
            20,
        );
        assert!(s.steps[0].passed && s.complete());
        assert_eq!(s.steps[0].passed_at, Some(10));
    }

    /// A one-step challenge lab.
    fn challenge_lab() -> Lab {
        let text = r#"
format_version: 1
id: chal
chapter: "9"
title: { ko: "도전", en: "Challenge" }
steps:
  - id: run
    title: { ko: "실행", en: "Run" }
    body: { ko: "웹 서버를 백그라운드로 실행하세요.", en: "Run the web server in the background." }
    hints:
      - { ko: "백그라운드는 -d", en: "Background is -d" }
      - { ko: "docker run -d nginx", en: "docker run -d nginx" }
    solution: ["docker run -d nginx"]
    challenge:
      why: { ko: "-d 는 분리 실행", en: "-d detaches" }
      docs: https://docs.docker.com/reference/cli/docker/container/run/
    checks:
      - container: { select: { image: nginx }, state: running }
"#;
        crate::lab::load(&LabSource {
            path: "chal/lab.yaml".into(),
            text: Ok(text.into()),
            files: FileReader::Disk(env!("CARGO_MANIFEST_DIR").into()),
        })
        .expect("valid lab")
    }

    #[test]
    fn a_solved_challenge_shows_its_solution_and_why_without_counting_help() {
        let lab = challenge_lab();
        let mut s = GuidedSession::new(&lab, Lang::En);
        assert!(!s.step_markdown().contains("docker run -d nginx"));
        s.on_results(vec![result("run", true)], 5);
        let md = s.step_markdown();
        assert!(md.contains("docker run -d nginx"), "{md}");
        assert!(md.contains("Why this works:** -d detaches"), "{md}");
        assert!(md.contains("https://docs.docker.com/reference/cli/docker/container/run/"));
        assert!(
            s.notice
                .as_deref()
                .unwrap_or("")
                .contains("reference solution")
        );
        // `s` now asks nothing and counts no help.
        s.on_key(Key::Char('s'));
        assert_eq!(s.mode, Mode::Normal);
        assert!(!s.steps[0].solution_shown);
    }

    #[test]
    fn a_challenge_solution_asked_for_early_counts_as_help() {
        let lab = challenge_lab();
        let mut s = GuidedSession::new(&lab, Lang::Ko);
        s.on_key(Key::Char('s'));
        assert_eq!(s.mode, Mode::ConfirmSolution);
        s.on_key(Key::Char('y'));
        assert!(s.steps[0].solution_shown);
        assert!(
            s.step_markdown()
                .contains("이렇게 하면 되는 이유:** -d 는 분리 실행")
        );
    }

    #[test]
    fn hints_then_solution_with_confirmation() {
        let lab = lab();
        let mut s = GuidedSession::new(&lab, Lang::En);
        let n = lab.steps[0].hints.len() as u32;
        for _ in 0..n + 1 {
            s.on_key(Key::Char('h'));
        }
        assert_eq!(s.steps[0].hints_shown, n);
        assert!(s.notice.as_deref().unwrap_or("").contains("No more hints"));
        s.on_key(Key::Char('s'));
        assert_eq!(s.mode, Mode::ConfirmSolution);
        s.on_key(Key::Char('n'));
        assert!(!s.steps[0].solution_shown);
        s.on_key(Key::Char('s'));
        assert_eq!(s.on_key(Key::Char('y')), vec![Effect::Save]);
        assert!(s.steps[0].solution_shown);
        assert_eq!(s.on_key(Key::Char('q')), vec![Effect::Save, Effect::Quit]);
    }

    #[test]
    fn screens_fit_any_size() {
        let lab = lab();
        let mut s = GuidedSession::new(&lab, Lang::Ko);
        s.on_results(vec![result("run-detached", false)], 1);
        for (w, h) in [(20, 8), (40, 12), (80, 24), (120, 40)] {
            let lines = s.draw(w, h, &Style::plain());
            let rows: usize = lines
                .iter()
                .map(|l| visible_width(l).div_ceil(w).max(1))
                .sum();
            assert!(rows <= h, "{w}x{h}: {rows} rows");
        }
    }

    #[test]
    fn screens_look_right() {
        let lab = lab();
        let mut s = GuidedSession::new(&lab, Lang::En);
        s.on_results(
            vec![
                result("run-detached", false),
                result("browse", false),
                result("remove", false),
            ],
            1,
        );
        s.on_key(Key::Char('h'));
        insta::assert_snapshot!(
            "session_en_failing_with_hint",
            s.draw(80, 30, &Style::plain()).join("\n")
        );
        let mut k = GuidedSession::new(&lab, Lang::Ko);
        k.on_results(
            vec![result("run-detached", true), result("browse", false)],
            1,
        );
        k.on_key(Key::Char('s'));
        insta::assert_snapshot!(
            "session_ko_passed_confirm",
            k.draw(80, 30, &Style::plain()).join("\n")
        );
    }

    #[test]
    fn clipping_is_width_and_ansi_aware() {
        assert_eq!(clip("hello world", 5), "hell…");
        assert_eq!(visible_width("\x1b[1m한글\x1b[0m"), 4);
        assert!(visible_width(&clip("한글한글한글", 5)) <= 5);
    }
}
