//! Checks: functions of an engine snapshot (plus a few read-only probes) that say whether a
//! step is done, what was expected, what was found, and what is near it.
//!
//! Nothing here changes the learner's containers, networks or files. The probes that touch
//! a container at all (reading a file through the archive endpoint, an exec for `reach` and
//! `exec`) are marked so the engine's record of them is never counted as the learner's.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::engine::{EngineError, ExecOutput, FileEntry};
use crate::lab::{
    Check, CheckKind, ContainerCheck, ContainerState, Distinct, FileType, Footprint, Lab, Lang,
    Select, Step, Text,
};
use crate::pattern::{Pattern, Vars};
use crate::snapshot::{Container, Snapshot};

/// How often a check with `within` re-reads the engine.
pub const POLL: Duration = Duration::from_millis(250);

/// Read access to the engine: implemented by [`crate::engine::Engine`], and by fakes in tests.
#[allow(async_fn_in_trait)]
pub trait Probe {
    async fn snapshot(&self, fp: &Footprint, since: Option<i64>) -> Result<Snapshot, EngineError>;
    async fn logs(&self, id: &str) -> Result<String, EngineError>;
    async fn read_file(&self, id: &str, path: &str) -> Result<Option<FileEntry>, EngineError>;
    async fn exec(&self, id: &str, cmd: &[String]) -> Result<ExecOutput, EngineError>;
}

impl Probe for crate::engine::Engine {
    async fn snapshot(&self, fp: &Footprint, since: Option<i64>) -> Result<Snapshot, EngineError> {
        crate::engine::Engine::snapshot(self, fp, since).await
    }
    async fn logs(&self, id: &str) -> Result<String, EngineError> {
        crate::engine::Engine::logs(self, id).await
    }
    async fn read_file(&self, id: &str, path: &str) -> Result<Option<FileEntry>, EngineError> {
        crate::engine::Engine::read_file(self, id, path).await
    }
    async fn exec(&self, id: &str, cmd: &[String]) -> Result<ExecOutput, EngineError> {
        crate::engine::Engine::exec(self, id, cmd).await
    }
}

/// The verdict of one check.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Outcome {
    pub kind: &'static str,
    pub passed: bool,
    /// One sentence for the learner.
    pub message: String,
    pub expected: String,
    pub observed: String,
    /// Retrying cannot help (the container exited): `within` gives up at once.
    #[serde(skip)]
    pub terminal: bool,
}

/// The verdict of one step.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct StepResult {
    pub id: String,
    pub title: String,
    pub passed: bool,
    pub points: u32,
    pub checks: Vec<Outcome>,
}

/// What checks need besides the snapshot.
pub struct Ctx<'a, P: Probe> {
    pub probe: &'a P,
    pub lab: &'a Lab,
    pub lang: Lang,
    pub footprint: Footprint,
    /// Unix nanoseconds: engine events before this are not the learner's work for this lab.
    pub since: i64,
    /// The learner's answers to step questions, by step id.
    pub answers: BTreeMap<String, String>,
    /// Honour `within` deadlines. Watch mode turns this off: it re-checks on every engine
    /// event anyway, and must never sit in a retry loop while keys wait.
    pub retry: bool,
}

fn tr(lang: Lang, en: &str, ko: &str) -> String {
    match lang {
        Lang::En => en.to_owned(),
        Lang::Ko => ko.to_owned(),
    }
}

/// `format!` in the learner's language: an English and a Korean format string, of which
/// only the one shown is built. Arguments are captured from the surroundings by name.
macro_rules! say {
    ($lang:expr, $en:literal, $ko:literal $(,)?) => {
        match $lang {
            Lang::En => format!($en),
            Lang::Ko => format!($ko),
        }
    };
}

impl<'a, P: Probe> Ctx<'a, P> {
    pub fn new(probe: &'a P, lab: &'a Lab, lang: Lang, since: i64) -> Self {
        Ctx {
            probe,
            lab,
            lang,
            footprint: lab.footprint(),
            since,
            answers: BTreeMap::new(),
            retry: true,
        }
    }

    fn needs_events(&self, step: &Step) -> bool {
        step.checks
            .iter()
            .any(|c| matches!(c.kind, CheckKind::Event(_)))
    }

    pub async fn snapshot_for(&self, step: &Step) -> Result<Snapshot, EngineError> {
        let since = self.needs_events(step).then_some(self.since);
        self.probe.snapshot(&self.footprint, since).await
    }

    /// Check several steps against one snapshot (one consistent picture, one set of engine
    /// calls); their checks all run concurrently. `check`, `grade` and watching use this.
    pub async fn check_steps(&self, steps: &[&Step]) -> Result<Vec<StepResult>, EngineError> {
        let since = steps
            .iter()
            .any(|s| self.needs_events(s))
            .then_some(self.since);
        let snap = self.probe.snapshot(&self.footprint, since).await?;
        futures_util::future::try_join_all(steps.iter().map(|s| self.check_step_with(s, &snap)))
            .await
    }

    /// Check one step: one snapshot shared by its checks, which run concurrently.
    pub async fn check_step(&self, step: &Step) -> Result<StepResult, EngineError> {
        let snap = self.snapshot_for(step).await?;
        self.check_step_with(step, &snap).await
    }

    pub async fn check_step_with(
        &self,
        step: &Step,
        snap: &Snapshot,
    ) -> Result<StepResult, EngineError> {
        let outcomes = futures_util::future::try_join_all(
            step.checks.iter().map(|c| self.run_check(step, c, snap)),
        )
        .await?;
        Ok(StepResult {
            id: step.id.clone(),
            title: step.title.get(self.lang).to_owned(),
            passed: outcomes.iter().all(|o| o.passed),
            points: step.points,
            checks: outcomes,
        })
    }

    /// One check, re-read until it passes when it has a deadline.
    async fn run_check(
        &self,
        step: &Step,
        check: &Check,
        first: &Snapshot,
    ) -> Result<Outcome, EngineError> {
        let mut out = self.evaluate(&step.id, check, first).await?;
        if let Some(limit) = check.within.filter(|_| self.retry) {
            let deadline = Instant::now() + limit;
            while !out.passed && !out.terminal && Instant::now() + POLL <= deadline {
                tokio::time::sleep(POLL).await;
                let snap = self.snapshot_for(step).await?;
                out = self.evaluate(&step.id, check, &snap).await?;
            }
        }
        if !out.passed
            && let Some(fail) = &check.fail
        {
            out.message = fail.get(self.lang).to_owned();
        }
        Ok(out)
    }

    /// One check against one snapshot.
    pub async fn evaluate(
        &self,
        step_id: &str,
        check: &Check,
        snap: &Snapshot,
    ) -> Result<Outcome, EngineError> {
        let kind = check.kind.name();
        let mut o = match &check.kind {
            CheckKind::Container(c) => container_check(c, snap, self.lang),
            CheckKind::Absent(a) => absent_check(&a.select, snap, self.lang),
            CheckKind::Image(i) => image_check(&i.name, snap, self.lang),
            CheckKind::Network(n) => network_check(n, snap, self.lang),
            CheckKind::Http(h, pats) => self.http_check(h, pats, snap).await?,
            CheckKind::File(f, pats) => self.file_check(f, pats, snap).await?,
            CheckKind::Logs(l, pats) => self.logs_check(l, pats, snap).await?,
            CheckKind::Exec(e, pats) => self.exec_check(e, pats, snap).await?,
            CheckKind::Reach(r) => self.reach_check(r, snap).await?,
            CheckKind::Event(e) => event_check(e, snap, self.lang),
            CheckKind::Answer(a) => answer_check(
                a,
                self.answers.get(step_id).map(String::as_str),
                snap,
                self.lang,
            ),
        };
        o.kind = kind;
        Ok(o)
    }

    async fn http_check(
        &self,
        h: &crate::lab::HttpCheck,
        pats: &[Pattern],
        snap: &Snapshot,
    ) -> Result<Outcome, EngineError> {
        let lang = self.lang;
        let want_status = h.status.unwrap_or(200);
        let mut expected = vec![format!("GET {} → {want_status}", h.url)];
        let resp = match crate::http::get(&h.url, Duration::from_secs(3)).await {
            Ok(r) => r,
            Err(e) => {
                let mut o = fail(
                    tr(
                        lang,
                        &format!("Nothing answers at {}.", h.url),
                        &format!("{} 에서 응답이 없습니다.", h.url),
                    ),
                    expected.join("; "),
                    format!("{}{}", e.text(lang), near_port_owner(&h.url, snap, lang)),
                );
                // Waiting helps a server that is starting, not one that does not exist.
                o.terminal = !port_is_published(&h.url, snap);
                return Ok(o);
            }
        };
        let mut problems = Vec::new();
        let status = resp.status;
        if status != want_status {
            problems.push(say!(lang, "status {status}", "상태 코드 {status}"));
        }
        let body = String::from_utf8_lossy(&resp.body).into_owned();
        for p in pats {
            let src = &p.source;
            expected.push(say!(
                lang,
                "body matches `{src}`",
                "본문이 `{src}` 와(과) 일치"
            ));
            if !p.matches(&body, &Vars::new()) {
                let start = excerpt(&body, lang);
                problems.push(say!(
                    lang,
                    "body does not match `{src}` (body starts: {start})",
                    "본문이 `{src}` 와(과) 일치하지 않음 (본문 앞부분: {start})"
                ));
            }
        }
        if let Some(name) = &h.body_equals_lab_file {
            expected.push(say!(
                lang,
                "body equals the lab's `{name}`",
                "본문이 실습의 `{name}` 과(와) 같음"
            ));
            if let Some(want) = self.lab.files.get(name)
                && !same_content(want, &resp.body)
            {
                let diff = first_difference(want, &resp.body, lang);
                problems.push(say!(
                    lang,
                    "body differs from the lab's `{name}` ({diff})",
                    "본문이 실습의 `{name}` 과(와) 다름 ({diff})"
                ));
            }
        }
        if let Some(fref) = &h.body_equals_file {
            let path = &fref.path;
            expected.push(say!(
                lang,
                "body equals {path} in the serving container",
                "본문이 응답하는 컨테이너의 {path} 와(과) 같음"
            ));
            let serving = self.serving_container(&h.url, &fref.select, snap);
            match serving {
                None => {
                    let sel = describe_select(&fref.select, lang);
                    let url = &h.url;
                    problems.push(say!(
                        lang,
                        "no running container matching {sel} serves {url}",
                        "{url} 에 응답하는, {sel} 인 실행 중 컨테이너 없음"
                    ));
                }
                Some(c) => {
                    let name = &c.name;
                    match self.probe.read_file(&c.id, path).await? {
                        None => problems.push(say!(
                            lang,
                            "`{name}` has no {path}",
                            "`{name}` 에 {path} 없음"
                        )),
                        Some(f) if !same_content(&f.content, &resp.body) => {
                            let diff = first_difference(&f.content, &resp.body, lang);
                            problems.push(say!(
                                lang,
                                "body differs from {path} in `{name}` ({diff})",
                                "본문이 `{name}` 의 {path} 와(과) 다름 ({diff})"
                            ));
                        }
                        Some(_) => {}
                    }
                }
            }
        }
        let expected = expected.join("; ");
        if problems.is_empty() {
            Ok(pass(
                tr(
                    lang,
                    &format!("{} answers {}.", h.url, resp.status),
                    &format!("{} 이(가) {} 으로 응답합니다.", h.url, resp.status),
                ),
                expected,
                {
                    let bytes = resp.body.len();
                    say!(
                        lang,
                        "status {status}, {bytes} bytes",
                        "상태 코드 {status}, {bytes}바이트"
                    )
                },
            ))
        } else {
            let mut o = fail(
                tr(
                    lang,
                    &format!("{} does not answer as expected.", h.url),
                    &format!("{} 의 응답이 기대와 다릅니다.", h.url),
                ),
                expected,
                problems.join("; "),
            );
            // A server that answers the right status with the wrong page will keep doing
            // so until the learner acts; only a status can still change by waiting.
            o.terminal = resp.status == want_status;
            Ok(o)
        }
    }

    /// The container behind a loopback URL: a running match publishing that host port, else
    /// any running match.
    fn serving_container<'s>(
        &self,
        url: &str,
        select: &Select,
        snap: &'s Snapshot,
    ) -> Option<&'s Container> {
        let port = crate::lab::loopback_port(url);
        let running: Vec<&Container> = select_containers(select, snap)
            .into_iter()
            .filter(|c| c.is_running())
            .collect();
        running
            .iter()
            .find(|c| port.is_some_and(|p| c.ports.iter().any(|b| b.host_port == p)))
            .or_else(|| running.first())
            .copied()
    }

    async fn file_check(
        &self,
        f: &crate::lab::FileCheck,
        pats: &[Pattern],
        snap: &Snapshot,
    ) -> Result<Outcome, EngineError> {
        let lang = self.lang;
        let must_exist = f.exists.unwrap_or(true);
        let path = &f.path;
        let mut expected = vec![if must_exist {
            say!(lang, "{path} exists", "{path} 있음")
        } else {
            say!(lang, "{path} does not exist", "{path} 없음")
        }];
        if let Some(t) = f.file_type {
            let kind = type_name(t, lang);
            expected.push(say!(lang, "is a {kind}", "{kind}임"));
        }
        if let Some(n) = &f.equals {
            expected.push(say!(
                lang,
                "equals the lab's `{n}`",
                "실습의 `{n}` 과(와) 같음"
            ));
        }
        for p in pats {
            let src = &p.source;
            expected.push(say!(lang, "contains `{src}`", "`{src}` 포함"));
        }
        let expected = expected.join(", ");
        let matches = select_containers(&f.select, snap);
        if matches.is_empty() {
            return Ok(fail(
                no_container_message(&f.select, lang),
                expected,
                nothing_matches(&f.select, snap, lang),
            ));
        }
        let mut observations = Vec::new();
        for c in &matches {
            let entry = self.probe.read_file(&c.id, path).await?;
            let mut problems = Vec::new();
            match (&entry, must_exist) {
                (None, true) => problems.push(say!(lang, "no {path}", "{path} 없음")),
                (Some(_), false) => problems.push(say!(lang, "{path} exists", "{path} 있음")),
                _ => {}
            }
            if let Some(e) = &entry {
                if let Some(t) = f.file_type
                    && e.kind != t
                {
                    let kind = type_name(e.kind, lang);
                    problems.push(say!(lang, "it is a {kind}", "{kind}임"));
                }
                if let Some(n) = &f.equals
                    && let Some(want) = self.lab.files.get(n)
                    && !same_content(want, &e.content)
                {
                    let diff = first_difference(want, &e.content, lang);
                    problems.push(say!(
                        lang,
                        "its content differs from the lab's `{n}` ({diff})",
                        "내용이 실습의 `{n}` 과(와) 다름 ({diff})"
                    ));
                }
                let text = String::from_utf8_lossy(&e.content);
                for p in pats {
                    if !p.matches(&text, &container_vars(c)) {
                        let src = &p.source;
                        problems.push(say!(
                            lang,
                            "does not contain `{src}`",
                            "`{src}` 이(가) 들어 있지 않음"
                        ));
                    }
                }
            }
            if problems.is_empty() {
                return Ok(pass(
                    tr(
                        lang,
                        &format!("{} in `{}` is as expected.", f.path, c.name),
                        &format!("`{}` 의 {} 이(가) 기대한 대로입니다.", c.name, f.path),
                    ),
                    expected,
                    format!("`{}`: {}", c.name, f.path),
                ));
            }
            observations.push(format!("`{}`: {}", c.name, problems.join(", ")));
        }
        Ok(fail(
            tr(
                lang,
                &format!("{} is not as expected.", f.path),
                &format!("{} 이(가) 기대와 다릅니다.", f.path),
            ),
            expected,
            observations.join("; "),
        ))
    }

    async fn logs_check(
        &self,
        l: &crate::lab::LogsCheck,
        pats: &[Pattern],
        snap: &Snapshot,
    ) -> Result<Outcome, EngineError> {
        let lang = self.lang;
        let need = l.at_least.unwrap_or(1) as usize;
        let expected = {
            let many = if need > 1 {
                say!(
                    lang,
                    "at least {need} containers: ",
                    "컨테이너 {need}개 이상: "
                )
            } else {
                String::new()
            };
            let sel = describe_select(&l.select, lang);
            // Placeholders read as what they stand for, not as template syntax.
            let (host, name, id) = match lang {
                Lang::En => ("<its own hostname>", "<its own name>", "<its own ID>"),
                Lang::Ko => ("<자신의 호스트명>", "<자신의 이름>", "<자신의 ID>"),
            };
            let mut v = Vars::new();
            v.insert("container.hostname".into(), host.into());
            v.insert("container.name".into(), name.into());
            v.insert("container.id".into(), id.into());
            v.insert("container.short_id".into(), id.into());
            let shows = pats
                .iter()
                .map(|p| format!("`{}`", p.display(&v)))
                .collect::<Vec<_>>()
                .join(", ");
            say!(
                lang,
                "{many}output of the container matching {sel} shows {shows}",
                "{many}{sel} 인 컨테이너의 출력에 {shows} 이(가) 보임"
            )
        };
        let matches = select_containers(&l.select, snap);
        if matches.is_empty() {
            let mut o = fail(
                no_container_message(&l.select, lang),
                expected,
                nothing_matches(&l.select, snap, lang),
            );
            o.terminal = true;
            return Ok(o);
        }
        let logs =
            futures_util::future::try_join_all(matches.iter().map(|c| self.probe.logs(&c.id)))
                .await?;
        let mut good = Vec::new();
        let mut bad = Vec::new();
        for (c, text) in matches.iter().zip(logs) {
            let text = text.replace("\r\n", "\n").replace('\r', "\n");
            let vars = container_vars(c);
            let missing: Vec<String> = pats
                .iter()
                .filter(|p| !p.matches(&text, &vars))
                .map(|p| format!("`{}`", p.display(&vars)))
                .collect();
            if missing.is_empty() {
                good.push(c.name.clone());
            } else {
                let name = &c.name;
                let missing = missing.join(", ");
                let tail = tail_excerpt(&text, lang);
                bad.push(say!(
                    lang,
                    "`{name}` shows no {missing} (output ends: {tail})",
                    "`{name}` 의 출력에 {missing} 없음 (출력 끝부분: {tail})"
                ));
            }
        }
        if good.len() >= need {
            Ok(pass(
                tr(
                    lang,
                    "The output shows what it should.",
                    "출력에 기대한 내용이 있습니다.",
                ),
                expected,
                {
                    let list = quote_list(&good, lang);
                    say!(lang, "found in {list}", "출력에서 확인한 컨테이너: {list}")
                },
            ))
        } else {
            let mut observed = Vec::new();
            if !good.is_empty() {
                let count = good.len();
                let list = quote_list(&good, lang);
                observed.push(say!(
                    lang,
                    "only {count} of {need} needed: {list}",
                    "필요한 {need}개 중 {count}개뿐: {list}"
                ));
            }
            observed.extend(bad.into_iter().take(3));
            let mut o = fail(
                tr(
                    lang,
                    "The output does not show what it should yet.",
                    "출력에 기대한 내용이 아직 없습니다.",
                ),
                expected,
                observed.join("; "),
            );
            // Only a running container can still print something.
            o.terminal = !matches.iter().any(|c| c.is_running());
            Ok(o)
        }
    }

    async fn exec_check(
        &self,
        e: &crate::lab::ExecCheck,
        pats: &[Pattern],
        snap: &Snapshot,
    ) -> Result<Outcome, EngineError> {
        let lang = self.lang;
        let want = e.exit_code.unwrap_or(0);
        let expected = {
            let cmd = e.command.join(" ");
            let prints = if pats.is_empty() {
                String::new()
            } else {
                let shows = pats
                    .iter()
                    .map(|p| format!("`{}`", p.source))
                    .collect::<Vec<_>>()
                    .join(", ");
                say!(lang, " and prints {shows}", ", 출력에 {shows} 포함")
            };
            say!(
                lang,
                "`{cmd}` exits {want}{prints}",
                "`{cmd}` 의 종료 코드 {want}{prints}"
            )
        };
        let running: Vec<&Container> = select_containers(&e.select, snap)
            .into_iter()
            .filter(|c| c.is_running())
            .collect();
        let Some(c) = running.first() else {
            return Ok(fail(
                no_container_message(&e.select, lang),
                expected,
                nothing_matches(&e.select, snap, lang),
            ));
        };
        let out = self.probe.exec(&c.id, &e.command).await?;
        let vars = container_vars(c);
        let mut problems = Vec::new();
        if out.exit_code != Some(want) {
            let code = out
                .exit_code
                .map_or_else(|| tr(lang, "unknown", "알 수 없음"), |c| c.to_string());
            problems.push(say!(lang, "exit code {code}", "종료 코드 {code}"));
        }
        for p in pats {
            if !p.matches(&out.output, &vars) {
                let shown = p.display(&vars);
                problems.push(say!(
                    lang,
                    "output lacks `{shown}`",
                    "출력에 `{shown}` 없음"
                ));
            }
        }
        let name = &c.name;
        if problems.is_empty() {
            Ok(pass(
                tr(
                    lang,
                    "The command answers as expected.",
                    "명령이 기대한 대로 응답합니다.",
                ),
                expected,
                say!(lang, "`{name}`: exit {want}", "`{name}`: 종료 코드 {want}"),
            ))
        } else {
            Ok(fail(
                tr(
                    lang,
                    "The command does not answer as expected.",
                    "명령의 응답이 기대와 다릅니다.",
                ),
                expected,
                {
                    let problems = problems.join(", ");
                    let output = excerpt(&out.output, lang);
                    say!(
                        lang,
                        "`{name}`: {problems} (output: {output})",
                        "`{name}`: {problems} (출력: {output})"
                    )
                },
            ))
        }
    }

    async fn reach_check(
        &self,
        r: &crate::lab::ReachCheck,
        snap: &Snapshot,
    ) -> Result<Outcome, EngineError> {
        let lang = self.lang;
        let target = r.to.as_deref().unwrap_or("another container");
        // In Korean, "to" as a particle: after the name in backticks, or after the words.
        let to_target_ko =
            r.to.as_deref()
                .map_or_else(|| "다른 컨테이너에".to_owned(), |t| format!("`{t}` 에"));
        let expected = {
            let sel = describe_select(&r.from, lang);
            let over = r
                .network
                .as_ref()
                .map(|n| say!(lang, " over `{n}`", " `{n}` 네트워크를 통해"))
                .unwrap_or_default();
            say!(
                lang,
                "a running container matching {sel} reaches `{target}` by name{over}",
                "{sel} 인 실행 중 컨테이너가{over} 이름으로 {to_target_ko} 닿음"
            )
        };
        let sources: Vec<&Container> = select_containers(&r.from, snap)
            .into_iter()
            .filter(|c| c.is_running())
            .collect();
        if sources.is_empty() {
            return Ok(fail(
                no_container_message(&r.from, lang),
                expected,
                nothing_matches(&r.from, snap, lang),
            ));
        }
        let mut notes = Vec::new();
        for a in &sources {
            // Name resolution between containers exists only on user-defined networks.
            let shared: Vec<(&str, &Container)> = a
                .networks
                .iter()
                .filter(|att| r.network.as_ref().is_none_or(|n| &att.network == n))
                .filter(|att| snap.network(&att.network).is_some_and(|n| n.user_defined))
                .flat_map(|att| {
                    snap.containers
                        .iter()
                        .filter(move |b| b.id != a.id && b.is_running())
                        .filter(move |b| {
                            b.on_network(&att.network).is_some_and(|bn| {
                                r.to.as_ref().is_none_or(|t| {
                                    &b.name == t || bn.aliases.iter().any(|x| x == t)
                                })
                            })
                        })
                        .map(move |b| (att.network.as_str(), b))
                })
                .collect();
            let Some((net, b)) = shared.first() else {
                let nets: Vec<String> = a.networks.iter().map(|n| n.network.clone()).collect();
                let only_defaults = nets
                    .iter()
                    .all(|n| snap.network(n).is_none_or(|x| !x.user_defined));
                let name = &a.name;
                notes.push(match lang {
                    Lang::En => format!(
                        "`{name}` is on {}{}",
                        quote_list(&nets, lang),
                        if only_defaults {
                            " (the default bridge has no name resolution: use a user-defined network)"
                                .to_owned()
                        } else {
                            format!(", where no running container answers to `{target}`")
                        }
                    ),
                    Lang::Ko => format!(
                        "`{name}` 은(는) {}{}",
                        if nets.is_empty() {
                            "어느 네트워크에도 연결되어 있지 않음".to_owned()
                        } else {
                            format!("{} 네트워크에 연결됨", quote_list(&nets, lang))
                        },
                        if only_defaults {
                            " (기본 bridge 네트워크에서는 이름으로 찾을 수 없으니 \
                             사용자 정의 네트워크를 쓰세요)"
                                .to_owned()
                        } else if let Some(t) = &r.to {
                            format!(", 그곳에 이름이 `{t}` 인 실행 중 컨테이너 없음")
                        } else {
                            ", 그곳에 실행 중인 다른 컨테이너 없음".to_owned()
                        }
                    ),
                });
                continue;
            };
            let name = r.to.clone().unwrap_or_else(|| b.name.clone());
            let probe = self
                .probe
                .exec(
                    &a.id,
                    &[
                        "sh".to_owned(),
                        "-c".to_owned(),
                        REACH_SCRIPT.to_owned(),
                        "reach".to_owned(),
                        name.clone(),
                    ],
                )
                .await;
            let how = match probe {
                Ok(ExecOutput {
                    exit_code: Some(0),
                    output,
                }) => {
                    let (from, said) = (&a.name, reach_said(output.trim(), lang));
                    say!(
                        lang,
                        "probe from `{from}`: {said}",
                        "`{from}` 에서 확인: {said}"
                    )
                }
                Ok(ExecOutput {
                    exit_code: Some(1),
                    output,
                }) => {
                    let (from, said) = (&a.name, reach_said(output.trim(), lang));
                    notes.push(say!(
                        lang,
                        "`{from}` could not reach `{name}`: {said}",
                        "`{from}` 에서 `{name}` 에 닿지 못함: {said}"
                    ));
                    continue;
                }
                // No shell or no tool inside: the engine's own network state is the evidence.
                _ => tr(
                    lang,
                    "per the engine's network state",
                    "도커 엔진의 네트워크 상태로 확인",
                ),
            };
            return Ok(pass(
                tr(
                    lang,
                    &format!("`{}` reaches `{name}` by name.", a.name),
                    &format!("`{}` 에서 이름으로 `{name}` 에 닿습니다.", a.name),
                ),
                expected,
                {
                    let (a, b) = (&a.name, &b.name);
                    say!(
                        lang,
                        "`{a}` and `{b}` share `{net}`; {how}",
                        "`{a}` 와(과) `{b}` 이(가) `{net}` 네트워크를 함께 씀; {how}"
                    )
                },
            ));
        }
        Ok(fail(
            tr(
                lang,
                &format!("No container reaches `{target}` by name yet."),
                &format!("아직 이름으로 {to_target_ko} 닿는 컨테이너가 없습니다."),
            ),
            expected,
            notes.join("; "),
        ))
    }
}

/// Runs inside the source container: ping if it can, else name resolution. Exit 0 reached,
/// 1 not, 3 no tool to tell.
const REACH_SCRIPT: &str = r#"t="$1"
if command -v ping >/dev/null 2>&1 && ping -c 1 -W 2 "$t" >/dev/null 2>&1; then echo "ping $t answered"; exit 0; fi
if command -v getent >/dev/null 2>&1; then if getent hosts "$t"; then exit 0; else echo "$t does not resolve"; exit 1; fi; fi
if command -v nslookup >/dev/null 2>&1; then if nslookup "$t" >/dev/null 2>&1; then echo "$t resolves"; exit 0; else echo "$t does not resolve"; exit 1; fi; fi
if command -v ping >/dev/null 2>&1; then echo "ping $t failed"; exit 1; fi
exit 3"#;

/// What [`REACH_SCRIPT`] printed, in the learner's language (other output, such as
/// `getent`'s, as it is).
fn reach_said(said: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return said.to_owned();
    }
    if let Some(t) = said
        .strip_prefix("ping ")
        .and_then(|s| s.strip_suffix(" answered"))
    {
        format!("`{t}` 에 ping 응답 있음")
    } else if let Some(t) = said
        .strip_prefix("ping ")
        .and_then(|s| s.strip_suffix(" failed"))
    {
        format!("`{t}` 에 ping 실패")
    } else if let Some(t) = said.strip_suffix(" does not resolve") {
        format!("`{t}` 이름을 찾을 수 없음")
    } else if let Some(t) = said.strip_suffix(" resolves") {
        format!("`{t}` 이름을 찾음")
    } else {
        said.to_owned()
    }
}

fn pass(message: String, expected: String, observed: String) -> Outcome {
    Outcome {
        kind: "",
        passed: true,
        message,
        expected,
        observed,
        terminal: false,
    }
}

fn fail(message: String, expected: String, observed: String) -> Outcome {
    Outcome {
        kind: "",
        passed: false,
        message,
        expected,
        observed,
        terminal: false,
    }
}

fn type_name(t: FileType, lang: Lang) -> &'static str {
    match (t, lang) {
        (FileType::File, Lang::En) => "file",
        (FileType::Dir, Lang::En) => "directory",
        (FileType::Symlink, Lang::En) => "symlink",
        (FileType::File, Lang::Ko) => "일반 파일",
        (FileType::Dir, Lang::Ko) => "디렉터리",
        (FileType::Symlink, Lang::Ko) => "심볼릭 링크",
    }
}

fn container_vars(c: &Container) -> Vars {
    let mut v = BTreeMap::new();
    v.insert("container.hostname".to_owned(), c.hostname.clone());
    v.insert("container.name".to_owned(), c.name.clone());
    v.insert("container.id".to_owned(), c.id.clone());
    v.insert("container.short_id".to_owned(), c.short_id().to_owned());
    v
}

fn same_content(a: &[u8], b: &[u8]) -> bool {
    Sha256::digest(a) == Sha256::digest(b)
}

/// "line 3: expected `<h1>Hi</h1>`, found `<h1>Hello</h1>`" — where two texts first part.
fn first_difference(want: &[u8], got: &[u8], lang: Lang) -> String {
    let w = String::from_utf8_lossy(want);
    let g = String::from_utf8_lossy(got);
    for (i, (a, b)) in w.lines().zip(g.lines()).enumerate() {
        if a != b {
            let (line, a, b) = (i + 1, clip(a.trim(), 60), clip(b.trim(), 60));
            return say!(
                lang,
                "line {line}: expected `{a}`, found `{b}`",
                "{line}번째 줄: 기대 `{a}`, 실제 `{b}`"
            );
        }
    }
    let (want, got) = (w.lines().count(), g.lines().count());
    say!(
        lang,
        "{want} lines expected, {got} found",
        "줄 수: 기대 {want}줄, 실제 {got}줄"
    )
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

fn excerpt(s: &str, lang: Lang) -> String {
    let one: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.is_empty() {
        tr(lang, "(empty)", "(비어 있음)")
    } else {
        format!("`{}`", clip(&one, 80))
    }
}

fn tail_excerpt(s: &str, lang: Lang) -> String {
    let lines: Vec<&str> = s.lines().filter(|l| !l.trim().is_empty()).collect();
    let tail = lines[lines.len().saturating_sub(3)..].join(" / ");
    if tail.is_empty() {
        tr(lang, "(no output)", "(출력 없음)")
    } else {
        let n = tail.chars().count();
        let start = n.saturating_sub(100);
        format!("`{}`", tail.chars().skip(start).collect::<String>())
    }
}

fn quote_list(items: &[String], lang: Lang) -> String {
    if items.is_empty() {
        return tr(lang, "nothing", "없음");
    }
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn describe_select(s: &Select, lang: Lang) -> String {
    let mut parts = Vec::new();
    if let Some(i) = &s.image {
        parts.push(say!(lang, "image `{i}`", "이미지 `{i}`"));
    }
    if let Some(n) = &s.name {
        parts.push(say!(lang, "name `{n}`", "이름 `{n}`"));
    }
    if let Some(n) = &s.network {
        parts.push(say!(lang, "network `{n}`", "네트워크 `{n}`"));
    }
    if let Some(l) = &s.label {
        parts.push(say!(lang, "label `{l}`", "레이블 `{l}`"));
    }
    parts.join(", ")
}

fn no_container_message(s: &Select, lang: Lang) -> String {
    let sel = describe_select(s, lang);
    say!(
        lang,
        "No container matches {sel}.",
        "{sel} 에 맞는 컨테이너가 없습니다."
    )
}

/// Does a container match the selector? Images compare by ID.
pub fn matches_select(c: &Container, s: &Select, snap: &Snapshot) -> bool {
    if let Some(img) = &s.image {
        match snap.image_id(img) {
            Some(id) if id == c.image_id => {}
            _ => return false,
        }
    }
    if let Some(n) = &s.name
        && &c.name != n
    {
        return false;
    }
    if let Some(n) = &s.network
        && c.on_network(n).is_none()
    {
        return false;
    }
    if let Some(l) = &s.label {
        let ok = match l.split_once('=') {
            Some((k, v)) => c.labels.get(k).is_some_and(|x| x == v),
            None => c.labels.contains_key(l),
        };
        if !ok {
            return false;
        }
    }
    true
}

/// Matching containers, newest first.
pub fn select_containers<'s>(s: &Select, snap: &'s Snapshot) -> Vec<&'s Container> {
    let mut v: Vec<&Container> = snap
        .containers
        .iter()
        .filter(|c| matches_select(c, s, snap))
        .collect();
    v.sort_by(|a, b| b.created.cmp(&a.created).then(a.name.cmp(&b.name)));
    v
}

/// When nothing matches: say why, and what is there instead.
fn nothing_matches(s: &Select, snap: &Snapshot, lang: Lang) -> String {
    let mut why = Vec::new();
    if let Some(img) = &s.image
        && snap.image_id(img).is_none()
    {
        why.push(say!(
            lang,
            "the image `{img}` is not on this engine (`docklings images` gets it)",
            "이미지 `{img}` 이(가) 이 도커 엔진에 없음 (`docklings images` 로 내려받기)"
        ));
    }
    if let Some(n) = &s.network
        && snap.network(n).is_none()
    {
        why.push(say!(
            lang,
            "there is no network `{n}`",
            "네트워크 `{n}` 이(가) 없음"
        ));
    }
    let mut others: Vec<String> = snap
        .all
        .iter()
        .take(4)
        .map(|o| {
            let (name, image) = (&o.name, &o.image);
            match lang {
                Lang::En => format!("`{name}` ({image}, {})", o.status.to_lowercase()),
                Lang::Ko => format!("`{name}` ({image}, {})", summary_state_ko(o)),
            }
        })
        .collect();
    if snap.all.len() > 4 {
        let more = snap.all.len() - 4;
        others.push(say!(lang, "{more} more", "그 밖에 {more}개"));
    }
    let found = if others.is_empty() {
        tr(lang, "no containers at all", "컨테이너가 하나도 없음")
    } else {
        let others = others.join(", ");
        say!(lang, "found {others}", "있는 컨테이너: {others}")
    };
    let sel = describe_select(s, lang);
    let mut out = say!(lang, "no container with {sel}", "{sel} 인 컨테이너 없음");
    if !why.is_empty() {
        out.push_str(&format!(" ({})", why.join("; ")));
    }
    format!("{out}; {found}")
}

/// A container state in Korean, as `docker container ls` would say it in English.
fn state_word_ko(state: &str) -> String {
    match state {
        "created" => "생성됨".into(),
        "running" => "실행 중".into(),
        "paused" => "일시 정지됨".into(),
        "restarting" => "재시작 중".into(),
        "removing" => "삭제 중".into(),
        "exited" => "종료됨".into(),
        "dead" => "dead 상태".into(),
        other => other.to_owned(),
    }
}

fn state_word(state: &str, lang: Lang) -> String {
    match lang {
        Lang::En => state.to_owned(),
        Lang::Ko => state_word_ko(state),
    }
}

/// `docker ps -a`'s status in Korean: the state, and the exit code of an exited container
/// (the engine writes it as `Exited (0) 2 minutes ago`).
fn summary_state_ko(o: &crate::snapshot::Summary) -> String {
    let code = o
        .status
        .split_once('(')
        .and_then(|(_, rest)| rest.split_once(')'))
        .and_then(|(code, _)| code.trim().parse::<i64>().ok());
    match (o.state.as_str(), code) {
        ("exited", Some(code)) => format!("종료됨, 종료 코드 {code}"),
        (state, _) => state_word_ko(state),
    }
}

fn state_text(c: &Container, snap: &Snapshot, lang: Lang) -> String {
    match c.state.as_str() {
        "exited" => {
            let ago = if c.finished > 0 {
                format!(", {}", ago(snap.taken_at - c.finished, lang))
            } else {
                String::new()
            };
            let code = c.exit_code.unwrap_or(0);
            say!(
                lang,
                "exited ({code}{ago})",
                "종료됨 (종료 코드 {code}{ago})"
            )
        }
        s => state_word(s, lang),
    }
}

fn ago(secs: i64, lang: Lang) -> String {
    match (secs.max(0), lang) {
        (s, Lang::En) if s < 60 => format!("{s}s ago"),
        (s, Lang::En) if s < 3600 => format!("{} min ago", s / 60),
        (s, Lang::En) if s < 86_400 => format!("{} h ago", s / 3600),
        (s, Lang::En) => format!("{} days ago", s / 86_400),
        (s, Lang::Ko) if s < 60 => format!("{s}초 전"),
        (s, Lang::Ko) if s < 3600 => format!("{}분 전", s / 60),
        (s, Lang::Ko) if s < 86_400 => format!("{}시간 전", s / 3600),
        (s, Lang::Ko) => format!("{}일 전", s / 86_400),
    }
}

fn ports_text(c: &Container, lang: Lang) -> String {
    if c.ports.is_empty() {
        return tr(lang, "no published ports", "공개된 포트 없음");
    }
    let mut seen = BTreeSet::new();
    c.ports
        .iter()
        .filter(|p| seen.insert((p.container_port, p.protocol.clone(), p.host_port)))
        .map(|p| {
            let (port, proto, host) = (p.container_port, &p.protocol, p.host_port);
            say!(
                lang,
                "{port}/{proto} on {host}",
                "{port}/{proto} → 호스트 포트 {host}"
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Everything about a container that differs from what the check asks.
fn mismatches(c: &Container, spec: &ContainerCheck, snap: &Snapshot, lang: Lang) -> Vec<String> {
    let mut m = Vec::new();
    if let Some(want) = spec.state
        && c.state != want.as_str()
    {
        let (now, want) = (state_text(c, snap, lang), state_word(want.as_str(), lang));
        m.push(say!(
            lang,
            "is {now}, not {want}",
            "{want} 상태가 아님: {now}"
        ));
    }
    if let Some(want) = spec.exit_code
        && (c.state != "exited" || c.exit_code != Some(want))
    {
        if c.state == "exited" {
            let code = c.exit_code.unwrap_or(-1);
            m.push(say!(
                lang,
                "exited with code {code}, not {want}",
                "종료 코드 {code} (기대: {want})"
            ));
        } else {
            let now = state_word(&c.state, lang);
            m.push(say!(
                lang,
                "has not exited (it is {now})",
                "아직 종료되지 않음 (지금 {now})"
            ));
        }
    }
    if let Some(want) = spec.tty
        && c.tty != want
    {
        m.push(match (want, lang) {
            (true, Lang::En) => "has no terminal (start it with `-t`/`--tty`)".into(),
            (false, Lang::En) => "has a terminal (`-t`)".into(),
            (true, Lang::Ko) => {
                "터미널(-t)이 연결되어 있지 않음 (`-t`/`--tty` 를 붙여 실행하세요)".into()
            }
            (false, Lang::Ko) => "터미널(`-t`)이 연결되어 있음".into(),
        });
    }
    if let Some(want) = spec.stdin_open
        && c.open_stdin != want
    {
        m.push(match (want, lang) {
            (true, Lang::En) => "has no open stdin (start it with `-i`/`--interactive`)".into(),
            (false, Lang::En) => "keeps stdin open (`-i`)".into(),
            (true, Lang::Ko) => {
                "표준 입력(-i)이 열려 있지 않음 (`-i`/`--interactive` 를 붙여 실행하세요)".into()
            }
            (false, Lang::Ko) => "표준 입력(`-i`)이 열려 있음".into(),
        });
    }
    if let Some(want) = spec.detached {
        let detached = !c.attach_stdout;
        if detached != want {
            m.push(match (want, lang) {
                (true, Lang::En) => {
                    "was started attached, not detached (add `-d`/`--detach`)".into()
                }
                (false, Lang::En) => "was started detached (`-d`)".into(),
                (true, Lang::Ko) => "백그라운드(-d)가 아니라 포그라운드로 실행됨 \
                                     (`-d`/`--detach` 를 붙이세요)"
                    .into(),
                (false, Lang::Ko) => "백그라운드(`-d`)로 실행됨".into(),
            });
        }
    }
    if let Some(want) = spec.auto_remove
        && c.auto_remove != want
    {
        m.push(match (want, lang) {
            (true, Lang::En) => "was started without `--rm`".into(),
            (false, Lang::En) => "was started with `--rm`".into(),
            (true, Lang::Ko) => "`--rm` 없이 실행됨".into(),
            (false, Lang::Ko) => "`--rm` 을 붙여 실행됨".into(),
        });
    }
    for p in spec.published.iter().flatten() {
        let Some((port, proto)) = crate::lab::parse_container_port(&p.container) else {
            continue;
        };
        let ok = c
            .ports
            .iter()
            .any(|b| b.container_port == port && b.protocol == proto && b.host_port == p.host);
        if ok {
            continue;
        }
        let host = p.host;
        let same_container_port: Vec<u16> = c
            .ports
            .iter()
            .filter(|b| b.container_port == port && b.protocol == proto)
            .map(|b| b.host_port)
            .collect();
        let same_host_port: Vec<u16> = c
            .ports
            .iter()
            .filter(|b| b.host_port == p.host)
            .map(|b| b.container_port)
            .collect();
        let requested = c
            .requested_ports
            .iter()
            .any(|b| b.container_port == port && b.host_port == p.host);
        let mut msg = if let Some(h) = same_container_port.first() {
            let random = if c.publish_all {
                tr(
                    lang,
                    " (`-P` picks a random port; use `-p HOST:CONTAINER`)",
                    " (`-P` 는 호스트 포트를 임의로 고릅니다. \
                     `-p 호스트포트:컨테이너포트` 를 쓰세요)",
                )
            } else {
                String::new()
            };
            say!(
                lang,
                "publishes {port}/{proto} on {h}, not {host}{random}",
                "{port}/{proto} 를 호스트 포트 {host} 이(가) 아닌 {h} 에 공개함{random}"
            )
        } else if let Some(cp) = same_host_port.first() {
            say!(
                lang,
                "publishes host port {host} to container port {cp}, not {port}/{proto}",
                "호스트 포트 {host} 을(를) {port}/{proto} 가 아닌 컨테이너 포트 {cp} 에 공개함"
            )
        } else {
            let ports = ports_text(c, lang);
            say!(
                lang,
                "does not publish {port}/{proto} on {host} ({ports})",
                "{port}/{proto} 를 호스트 포트 {host} 에 공개하지 않음 ({ports})"
            )
        };
        if requested && !c.is_running() {
            let now = state_text(c, snap, lang);
            msg = say!(
                lang,
                "asked for {port}/{proto} on {host} but is {now}, so nothing is bound",
                "{port}/{proto} 를 호스트 포트 {host} 에 공개하도록 실행했지만 \
                 {now} 상태라 연결된 포트가 없음"
            );
        }
        m.push(msg);
    }
    for n in spec.networks.iter().flatten() {
        if c.on_network(n).is_none() {
            let on: Vec<String> = c.networks.iter().map(|a| a.network.clone()).collect();
            let list = quote_list(&on, lang);
            m.push(match lang {
                Lang::En => format!("is on {list}, not `{n}`"),
                Lang::Ko if on.is_empty() => {
                    format!("어느 네트워크에도 연결되어 있지 않음 (`{n}` 에 연결해야 함)")
                }
                Lang::Ko => format!("`{n}` 이(가) 아닌 {list} 네트워크에 연결됨"),
            });
        }
    }
    for e in spec.env.iter().flatten() {
        let ok = if e.contains('=') {
            c.env.iter().any(|x| x == e)
        } else {
            c.env
                .iter()
                .any(|x| x.split('=').next() == Some(e.as_str()))
        };
        if !ok {
            m.push(say!(
                lang,
                "has no environment entry `{e}`",
                "환경 변수 `{e}` 이(가) 없음"
            ));
        }
    }
    m
}

fn container_expected(spec: &ContainerCheck, lang: Lang) -> String {
    let sel = describe_select(&spec.select, lang);
    let mut parts = vec![say!(lang, "container with {sel}", "{sel} 인 컨테이너")];
    if let Some(n) = spec.at_least.filter(|n| *n > 1) {
        parts[0] = say!(lang, "{n} containers with {sel}", "{sel} 인 컨테이너 {n}개");
    }
    if let Some(s) = spec.state {
        parts.push(state_word(s.as_str(), lang));
    }
    if let Some(e) = spec.exit_code {
        parts.push(say!(lang, "exit code {e}", "종료 코드 {e}"));
    }
    if spec.tty == Some(true) && spec.stdin_open == Some(true) {
        parts.push(tr(
            lang,
            "interactive with a terminal (-it)",
            "표준 입력과 터미널을 연결한 대화형 (-it)",
        ));
    } else {
        if let Some(t) = spec.tty {
            parts.push(match lang {
                Lang::En => format!("tty {t}"),
                Lang::Ko if t => "터미널(-t) 연결".into(),
                Lang::Ko => "터미널(-t) 없음".into(),
            });
        }
        if let Some(i) = spec.stdin_open {
            parts.push(match lang {
                Lang::En => format!("stdin open {i}"),
                Lang::Ko if i => "표준 입력(-i) 열림".into(),
                Lang::Ko => "표준 입력(-i) 닫힘".into(),
            });
        }
    }
    if let Some(d) = spec.detached {
        parts.push(match (d, lang) {
            (true, Lang::En) => "detached (-d)".into(),
            (false, Lang::En) => "attached".into(),
            (true, Lang::Ko) => "백그라운드(-d)".into(),
            (false, Lang::Ko) => "포그라운드(-d 없이)".into(),
        });
    }
    for p in spec.published.iter().flatten() {
        let (port, host) = (&p.container, p.host);
        parts.push(say!(
            lang,
            "{port} published on {host}",
            "호스트 포트 {host} 에 {port} 공개"
        ));
    }
    for n in spec.networks.iter().flatten() {
        parts.push(say!(lang, "on network `{n}`", "네트워크 `{n}` 에 연결"));
    }
    if spec.auto_remove == Some(true) {
        parts.push("--rm".into());
    }
    for e in spec.env.iter().flatten() {
        parts.push(say!(lang, "env `{e}`", "환경 변수 `{e}`"));
    }
    if spec.distinct == Some(Distinct::Hostname) {
        parts.push(tr(
            lang,
            "each with its own hostname",
            "호스트명이 서로 다름",
        ));
    }
    parts.join(", ")
}

pub fn container_check(spec: &ContainerCheck, snap: &Snapshot, lang: Lang) -> Outcome {
    let expected = container_expected(spec, lang);
    let need = spec.at_least.unwrap_or(1).max(1) as usize;
    let matches = select_containers(&spec.select, snap);
    if matches.is_empty() {
        return fail(
            no_container_message(&spec.select, lang),
            expected,
            nothing_matches(&spec.select, snap, lang),
        );
    }
    let judged: Vec<(&Container, Vec<String>)> = matches
        .iter()
        .map(|c| (*c, mismatches(c, spec, snap, lang)))
        .collect();
    let good: Vec<&Container> = judged
        .iter()
        .filter(|(_, m)| m.is_empty())
        .map(|(c, _)| *c)
        .collect();
    let count = match spec.distinct {
        Some(Distinct::Hostname) => good
            .iter()
            .map(|c| c.hostname.as_str())
            .collect::<BTreeSet<_>>()
            .len(),
        None => good.len(),
    };
    if count >= need {
        let names: Vec<String> = good
            .iter()
            .take(need.max(3))
            .map(|c| {
                if spec.distinct.is_some() {
                    let (name, host) = (&c.name, &c.hostname);
                    say!(lang, "{name} (hostname {host})", "{name} (호스트명 {host})")
                } else {
                    c.name.clone()
                }
            })
            .collect();
        let list = quote_list(&names, lang);
        return pass(
            tr(
                lang,
                "The container is as expected.",
                "컨테이너가 기대한 대로입니다.",
            ),
            expected,
            say!(lang, "found {list}", "찾은 컨테이너: {list}"),
        );
    }
    // Nearest first: fewest differences, then newest.
    let mut near: Vec<&(&Container, Vec<String>)> =
        judged.iter().filter(|(_, m)| !m.is_empty()).collect();
    near.sort_by_key(|(_, m)| m.len());
    let mut observed = Vec::new();
    if !good.is_empty() {
        let hostnames = if spec.distinct.is_some() && count < good.len() {
            tr(
                lang,
                " with different hostnames",
                " (호스트명이 서로 다른 것만 셈)",
            )
        } else {
            String::new()
        };
        let list = quote_list(
            &good.iter().map(|c| c.name.clone()).collect::<Vec<_>>(),
            lang,
        );
        observed.push(say!(
            lang,
            "only {count} of {need} needed{hostnames}: {list}",
            "필요한 {need}개 중 {count}개뿐{hostnames}: {list}"
        ));
    }
    for (c, m) in near.iter().take(3) {
        let (name, m) = (&c.name, m.join(", "));
        observed.push(say!(lang, "`{name}` {m}", "`{name}`: {m}"));
    }
    // An exited container will not become running by waiting.
    let terminal = spec.state == Some(ContainerState::Running)
        && good.is_empty()
        && judged
            .iter()
            .all(|(c, _)| matches!(c.state.as_str(), "exited" | "dead"));
    let mut o = fail(
        if good.is_empty() {
            tr(
                lang,
                "A container is there, but not as the step asks.",
                "컨테이너는 있지만 이 단계가 요구하는 모습이 아닙니다.",
            )
        } else {
            tr(
                lang,
                "Not enough containers are as the step asks.",
                "이 단계가 요구하는 컨테이너 수가 부족합니다.",
            )
        },
        expected,
        observed.join("; "),
    );
    o.terminal = terminal;
    o
}

pub fn absent_check(s: &Select, snap: &Snapshot, lang: Lang) -> Outcome {
    let sel = describe_select(s, lang);
    let expected = say!(lang, "no container with {sel}", "{sel} 인 컨테이너 없음");
    let left = select_containers(s, snap);
    if left.is_empty() {
        pass(
            tr(
                lang,
                "No such container is left.",
                "해당 컨테이너가 남아 있지 않습니다.",
            ),
            expected,
            tr(lang, "none", "없음"),
        )
    } else {
        let names = left
            .iter()
            .map(|c| format!("`{}` ({})", c.name, state_text(c, snap, lang)))
            .collect::<Vec<_>>()
            .join(", ");
        fail(
            tr(
                lang,
                "A container that should be gone is still there.",
                "삭제되어야 할 컨테이너가 아직 남아 있습니다.",
            ),
            expected,
            say!(lang, "still there: {names}", "아직 남아 있음: {names}"),
        )
    }
}

pub fn image_check(name: &str, snap: &Snapshot, lang: Lang) -> Outcome {
    let expected = say!(lang, "image `{name}` exists", "이미지 `{name}` 있음");
    match snap.image_id(name) {
        Some(id) => {
            let id = &id[..id.len().min(19)];
            pass(
                tr(lang, "The image exists.", "이미지가 있습니다."),
                expected,
                say!(lang, "`{name}` is {id}", "`{name}` 이미지 ID {id}"),
            )
        }
        None => fail(
            tr(
                lang,
                &format!("There is no image `{name}`."),
                &format!("`{name}` 이미지가 없습니다."),
            ),
            expected,
            say!(lang, "no image `{name}`", "이미지 `{name}` 없음"),
        ),
    }
}

pub fn network_check(n: &crate::lab::NetworkCheck, snap: &Snapshot, lang: Lang) -> Outcome {
    let name = &n.name;
    let mut exp = vec![say!(lang, "network `{name}`", "네트워크 `{name}`")];
    if let Some(d) = &n.driver {
        exp.push(say!(lang, "driver {d}", "드라이버 {d}"));
    }
    if n.user_defined == Some(true) {
        exp.push(tr(lang, "user-defined", "사용자 정의 네트워크"));
    }
    if let Some(m) = n.min_members {
        exp.push(say!(
            lang,
            "at least {m} containers attached",
            "컨테이너 {m}개 이상 연결"
        ));
    }
    let expected = exp.join(", ");
    let Some(net) = snap.network(&n.name) else {
        let custom: Vec<String> = snap
            .networks
            .iter()
            .filter(|x| x.user_defined)
            .map(|x| x.name.clone())
            .collect();
        let custom = quote_list(&custom, lang);
        return fail(
            tr(
                lang,
                &format!("There is no network `{}`.", n.name),
                &format!("`{}` 네트워크가 없습니다.", n.name),
            ),
            expected,
            say!(
                lang,
                "no network `{name}`; user-defined networks: {custom}",
                "네트워크 `{name}` 없음; 사용자 정의 네트워크: {custom}"
            ),
        );
    };
    let mut problems = Vec::new();
    if let Some(d) = &n.driver
        && &net.driver != d
    {
        let driver = &net.driver;
        problems.push(say!(
            lang,
            "driver is {driver}",
            "드라이버가 {d} 이(가) 아니라 {driver}"
        ));
    }
    if let Some(u) = n.user_defined
        && net.user_defined != u
    {
        problems.push(match (u, lang) {
            (true, Lang::En) => "it is one of the engine's own networks".into(),
            (false, Lang::En) => "it is user-defined".into(),
            (true, Lang::Ko) => "사용자 정의 네트워크가 아니라 도커 엔진의 기본 네트워크임".into(),
            (false, Lang::Ko) => "사용자 정의 네트워크임".into(),
        });
    }
    let members = quote_list(&net.members, lang);
    if let Some(m) = n.min_members
        && (net.members.len() as u32) < m
    {
        let count = net.members.len();
        problems.push(say!(
            lang,
            "{count} attached ({members})",
            "연결된 컨테이너 {count}개 ({members})"
        ));
    }
    if problems.is_empty() {
        let (name, driver) = (&net.name, &net.driver);
        pass(
            tr(
                lang,
                "The network is as expected.",
                "네트워크가 기대한 대로입니다.",
            ),
            expected,
            say!(
                lang,
                "`{name}` ({driver}, members {members})",
                "`{name}` ({driver}, 연결된 컨테이너 {members})"
            ),
        )
    } else {
        fail(
            tr(
                lang,
                "The network is not as the step asks.",
                "네트워크가 이 단계가 요구하는 모습이 아닙니다.",
            ),
            expected,
            problems.join("; "),
        )
    }
}

fn normalize_ref(r: &str) -> String {
    let (name, tag) = crate::engine::split_reference(r);
    format!("{name}:{tag}")
}

fn normalize_cmd(s: &str) -> String {
    s.split_whitespace()
        .map(|w| w.trim_end_matches('/'))
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn event_check(e: &crate::lab::EventCheck, snap: &Snapshot, lang: Lang) -> Outcome {
    let need = e.at_least.unwrap_or(1).max(1) as usize;
    let action = &e.action;
    let cmds = e.command.as_ref().map(|cmds| {
        cmds.iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(tr(lang, " or ", " 또는 ").as_str())
    });
    let expected = match lang {
        Lang::En => {
            let mut expected = format!("`{action}` recorded");
            if let Some(s) = &e.select {
                expected.push_str(&format!(
                    " for a container with {}",
                    describe_select(s, lang)
                ));
            }
            if let Some(cmds) = &cmds {
                expected.push_str(&format!(" running {cmds}"));
            }
            expected
        }
        Lang::Ko => {
            let mut expected = String::new();
            if let Some(s) = &e.select {
                expected.push_str(&format!("{} 인 컨테이너에서 ", describe_select(s, lang)));
            }
            if let Some(cmds) = &cmds {
                expected.push_str(&format!("{cmds} 을(를) 실행한 "));
            }
            expected.push_str(&format!("`{action}` 이벤트가 기록됨"));
            expected
        }
    };
    let of_verb: Vec<&crate::snapshot::Event> = snap
        .events
        .iter()
        .filter(|ev| ev.verb() == e.action)
        .collect();
    let hits: Vec<&&crate::snapshot::Event> = of_verb
        .iter()
        .filter(|ev| match &e.select {
            None => true,
            Some(s) => event_matches_select(ev, s, snap),
        })
        .filter(|ev| match &e.command {
            None => true,
            Some(cmds) => {
                let got = normalize_cmd(ev.detail());
                cmds.iter().any(|c| {
                    let want = normalize_cmd(c);
                    got == want || got.starts_with(&format!("{want} "))
                })
            }
        })
        .collect();
    let name_of = |ev: &crate::snapshot::Event| {
        ev.attributes
            .get("name")
            .cloned()
            .unwrap_or_else(|| ev.actor_id.chars().take(12).collect())
    };
    let event_on = |ev: &crate::snapshot::Event| {
        let (action, name) = (&ev.action, name_of(ev));
        say!(
            lang,
            "`{action}` on `{name}`",
            "`{name}` 의 `{action}` 이벤트"
        )
    };
    if hits.len() >= need {
        let last = hits[hits.len() - 1];
        return pass(
            tr(
                lang,
                "The engine saw you do it.",
                "도커 엔진이 그 작업을 기록했습니다.",
            ),
            expected,
            event_on(last),
        );
    }
    let seen: Vec<String> = of_verb
        .iter()
        .rev()
        .take(3)
        .map(|ev| event_on(ev))
        .collect();
    fail(
        tr(
            lang,
            "The engine has not seen this yet.",
            "도커 엔진에 아직 그 작업의 기록이 없습니다.",
        ),
        expected,
        if seen.is_empty() {
            say!(
                lang,
                "no `{action}` event since the lab started",
                "실습을 시작한 뒤로 `{action}` 이벤트 없음"
            )
        } else {
            let seen = seen.join(", ");
            say!(lang, "seen only {seen}", "기록된 것은 {seen} 뿐임")
        },
    )
}

fn event_matches_select(ev: &crate::snapshot::Event, s: &Select, snap: &Snapshot) -> bool {
    // A container still there is matched like any other; one already removed only by what
    // the event itself recorded (its name and image as typed).
    if let Some(c) = snap.containers.iter().find(|c| c.id == ev.actor_id) {
        return matches_select(c, s, snap);
    }
    if let Some(n) = &s.name
        && ev.attributes.get("name") != Some(n)
    {
        return false;
    }
    if let Some(img) = &s.image {
        let got = ev.attributes.get("image").map(|i| normalize_ref(i));
        let by_id = ev
            .attributes
            .get("image")
            .is_some_and(|i| snap.image_id(img).is_some_and(|id| id.contains(i.as_str())));
        if got.as_deref() != Some(normalize_ref(img).as_str()) && !by_id {
            return false;
        }
    }
    s.network.is_none() && s.label.is_none()
}

/// Does a running container publish the URL's port?
fn port_is_published(url: &str, snap: &Snapshot) -> bool {
    crate::lab::loopback_port(url).is_some_and(|port| {
        snap.containers
            .iter()
            .any(|c| c.is_running() && c.ports.iter().any(|p| p.host_port == port))
    })
}

/// The values a question accepts, from the containers it selects.
pub fn answer_values(a: &crate::lab::AnswerCheck, snap: &Snapshot) -> Vec<String> {
    use crate::lab::AnswerField;
    let mut out = Vec::new();
    for c in select_containers(&a.select, snap) {
        match a.field {
            AnswerField::Hostname => out.push(c.hostname.clone()),
            AnswerField::Id => out.push(c.id.clone()),
            AnswerField::Name => out.push(c.name.clone()),
            AnswerField::Ip => out.extend(
                c.networks
                    .iter()
                    .filter(|n| a.network.as_ref().is_none_or(|w| &n.network == w))
                    .map(|n| n.ip.clone()),
            ),
            AnswerField::HostPort => {
                if let Some((port, proto)) =
                    a.port.as_deref().and_then(crate::lab::parse_container_port)
                {
                    out.extend(
                        c.ports
                            .iter()
                            .filter(|b| b.container_port == port && b.protocol == proto)
                            .map(|b| b.host_port.to_string()),
                    );
                }
            }
        }
    }
    out.retain(|v| !v.is_empty());
    out.dedup();
    out
}

/// Answers are compared as a learner would expect: case and surrounding space do not
/// matter, an IP may carry its `/prefix`, and an ID may be a unique prefix (4+ characters).
pub fn answer_matches(
    field: crate::lab::AnswerField,
    given: &str,
    right: &str,
    all: &[String],
) -> bool {
    use crate::lab::AnswerField;
    let g = given.trim().to_ascii_lowercase();
    let g = g.trim_matches(|c| c == '"' || c == '\'' || c == '`');
    let r = right.to_ascii_lowercase();
    match field {
        AnswerField::Ip => g.split('/').next() == Some(r.as_str()),
        AnswerField::Id => {
            g.len() >= 4
                && r.starts_with(g)
                && all
                    .iter()
                    .filter(|x| x.to_ascii_lowercase().starts_with(g))
                    .count()
                    == 1
        }
        _ => g == r,
    }
}

pub fn answer_check(
    a: &crate::lab::AnswerCheck,
    given: Option<&str>,
    snap: &Snapshot,
    lang: Lang,
) -> Outcome {
    let question = a.question.get(lang).to_owned();
    let expected = say!(
        lang,
        "an answer to: {question}",
        "질문에 대한 답: {question}"
    );
    let right = answer_values(a, snap);
    let Some(given) = given.filter(|g| !g.trim().is_empty()) else {
        return fail(
            tr(
                lang,
                &format!("Not answered yet: {question}"),
                &format!("아직 답하지 않았습니다: {question}"),
            ),
            expected,
            tr(
                lang,
                "no answer (press `a` in `docklings start`, or `--answer STEP=VALUE`)",
                "답 없음 (`docklings start` 에서 `a` 를 누르거나 `--answer STEP=VALUE` 를 쓰세요)",
            ),
        );
    };
    if right
        .iter()
        .any(|r| answer_matches(a.field, given, r, &right))
    {
        let given = given.trim();
        return pass(
            tr(lang, "Right answer.", "정답입니다."),
            expected,
            say!(
                lang,
                "`{given}` matches the engine",
                "`{given}`: 도커 엔진의 값과 같음"
            ),
        );
    }
    fail(
        tr(
            lang,
            &format!("`{}` is not what the engine says.", given.trim()),
            &format!(
                "`{}` 은(는) 도커 엔진이 알려 주는 값과 다릅니다.",
                given.trim()
            ),
        ),
        expected,
        {
            let given = given.trim();
            if right.is_empty() {
                let sel = describe_select(&a.select, lang);
                say!(
                    lang,
                    "`{given}`; and no container matching {sel} is there to ask",
                    "`{given}`; 값을 확인할 {sel} 인 컨테이너도 없음"
                )
            } else {
                say!(
                    lang,
                    "`{given}` does not match",
                    "`{given}`: 도커 엔진의 값과 다름"
                )
            }
        },
    )
}

/// Who holds a loopback port, for "nothing answers" messages.
fn near_port_owner(url: &str, snap: &Snapshot, lang: Lang) -> String {
    let Some(port) = crate::lab::loopback_port(url) else {
        return String::new();
    };
    let holders: Vec<String> = snap
        .containers
        .iter()
        .filter(|c| {
            c.ports.iter().any(|p| p.host_port == port)
                || c.requested_ports.iter().any(|p| p.host_port == port)
        })
        .map(|c| format!("`{}` ({})", c.name, state_text(c, snap, lang)))
        .collect();
    if holders.is_empty() {
        say!(
            lang,
            "; no container publishes port {port}",
            "; {port}번 포트를 공개한 컨테이너 없음"
        )
    } else {
        let holders = holders.join(", ");
        say!(
            lang,
            "; port {port} belongs to {holders}",
            "; {port}번 포트를 쓰는 컨테이너: {holders}"
        )
    }
}

/// Localized title for text output.
pub fn text_of(t: &Text, lang: Lang) -> String {
    t.get(lang).to_owned()
}

/// Check every step of a lab (or one), each step on its own snapshot.
pub async fn check_lab(
    engine: &crate::engine::Engine,
    lab: &Lab,
    lang: Lang,
    since: i64,
    only: Option<usize>,
    answers: std::collections::BTreeMap<String, String>,
) -> crate::app::Result<crate::report::LabReport> {
    let started = std::time::Instant::now();
    let mut ctx = Ctx::new(engine, lab, lang, since);
    ctx.answers = answers;
    let steps: Vec<&crate::lab::Step> = match only {
        Some(i) => vec![&lab.steps[i]],
        None => lab.steps.iter().collect(),
    };
    let results = ctx.check_steps(&steps).await?;
    let mut report = crate::report::LabReport::new(lab, lang, results, since);
    report.duration_ms = started.elapsed().as_millis() as u64;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::{PortSpec, Select};
    use crate::snapshot::{Attachment, Network, PortBinding, Summary};

    const WEB: &str = "sha256:web";

    fn snap(containers: Vec<Container>) -> Snapshot {
        let mut images = BTreeMap::new();
        images.insert(
            "diamol/ch02-hello-diamol-web".to_owned(),
            Some(WEB.to_owned()),
        );
        Snapshot {
            all: containers
                .iter()
                .map(|c| Summary {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    image: c.image.clone(),
                    image_id: c.image_id.clone(),
                    state: c.state.clone(),
                    status: c.state.clone(),
                })
                .collect(),
            containers,
            images,
            taken_at: 1000,
            ..Default::default()
        }
    }

    fn web(name: &str, host_port: u16) -> Container {
        Container {
            id: format!("{name}-id"),
            name: name.into(),
            image: "diamol/ch02-hello-diamol-web".into(),
            image_id: WEB.into(),
            state: "running".into(),
            ports: vec![PortBinding {
                container_port: 80,
                protocol: "tcp".into(),
                host_ip: "0.0.0.0".into(),
                host_port,
            }],
            ..Default::default()
        }
    }

    /// "Two runs with different hostnames", and two web containers sharing one hostname.
    fn two_with_one_hostname() -> (ContainerCheck, Container, Container) {
        let spec = ContainerCheck {
            select: Select {
                image: Some("diamol/ch02-hello-diamol-web".into()),
                ..Default::default()
            },
            at_least: Some(2),
            distinct: Some(Distinct::Hostname),
            ..Default::default()
        };
        let mut a = web("a", 1);
        a.hostname = "h1".into();
        let mut b = web("b", 2);
        b.hostname = "h1".into();
        (spec, a, b)
    }

    /// Started without `-d`, asked for 8088, and exited two minutes before the snapshot.
    fn exited_attached_web() -> Container {
        let mut c = web("web", 8088);
        c.attach_stdout = true;
        c.state = "exited".into();
        c.exit_code = Some(0);
        c.finished = 880;
        c.ports.clear();
        c.requested_ports = vec![PortBinding {
            container_port: 80,
            protocol: "tcp".into(),
            host_ip: String::new(),
            host_port: 8088,
        }];
        c
    }

    fn detached_on_8088() -> ContainerCheck {
        ContainerCheck {
            select: Select {
                image: Some("diamol/ch02-hello-diamol-web".into()),
                ..Default::default()
            },
            state: Some(ContainerState::Running),
            detached: Some(true),
            published: Some(vec![PortSpec {
                container: "80/tcp".into(),
                host: 8088,
            }]),
            ..Default::default()
        }
    }

    #[test]
    fn right_port_passes() {
        let o = container_check(&detached_on_8088(), &snap(vec![web("web", 8088)]), Lang::En);
        assert!(o.passed, "{o:?}");
        assert!(o.observed.contains("`web`"));
    }

    #[test]
    fn wrong_host_port_names_the_difference() {
        let o = container_check(&detached_on_8088(), &snap(vec![web("web", 8080)]), Lang::En);
        assert!(!o.passed);
        assert!(
            o.observed
                .contains("`web` publishes 80/tcp on 8080, not 8088"),
            "{}",
            o.observed
        );
    }

    #[test]
    fn random_port_with_capital_p_is_explained() {
        let mut c = web("web", 49153);
        c.publish_all = true;
        let o = container_check(&detached_on_8088(), &snap(vec![c]), Lang::En);
        assert!(o.observed.contains("-P"), "{}", o.observed);
    }

    #[test]
    fn wrong_container_port() {
        let mut c = web("web", 8088);
        c.ports[0].container_port = 8080;
        let o = container_check(&detached_on_8088(), &snap(vec![c]), Lang::En);
        assert!(
            o.observed.contains("host port 8088 to container port 8080"),
            "{}",
            o.observed
        );
    }

    #[test]
    fn attached_run_and_exited_state_are_reported_and_terminal() {
        let c = exited_attached_web();
        let o = container_check(&detached_on_8088(), &snap(vec![c]), Lang::En);
        assert!(!o.passed);
        assert!(o.terminal);
        assert!(
            o.observed.contains("exited (0, 2 min ago)"),
            "{}",
            o.observed
        );
        assert!(o.observed.contains("add `-d`"), "{}", o.observed);
        assert!(o.observed.contains("nothing is bound"), "{}", o.observed);
    }

    #[test]
    fn nothing_there_lists_what_is() {
        let mut other = web("db", 5432);
        other.image_id = "sha256:other".into();
        other.image = "postgres".into();
        let o = container_check(&detached_on_8088(), &snap(vec![other]), Lang::Ko);
        assert!(!o.passed);
        assert!(o.message.contains("컨테이너가 없습니다"), "{}", o.message);
        assert!(o.observed.contains("`db` (postgres"), "{}", o.observed);
    }

    #[test]
    fn distinct_hostnames_are_counted() {
        let (mut spec, a, mut b) = two_with_one_hostname();
        let o = container_check(&spec, &snap(vec![a.clone(), b.clone()]), Lang::En);
        assert!(!o.passed, "same hostname twice is one");
        b.hostname = "h2".into();
        assert!(container_check(&spec, &snap(vec![a, b]), Lang::En).passed);
        spec.at_least = Some(3);
        assert!(!container_check(&spec, &snap(vec![web("x", 1)]), Lang::En).passed);
    }

    #[test]
    fn absent_after_rm() {
        let s = Select {
            image: Some("diamol/ch02-hello-diamol-web".into()),
            ..Default::default()
        };
        assert!(absent_check(&s, &snap(vec![]), Lang::En).passed);
        let o = absent_check(&s, &snap(vec![web("web", 8088)]), Lang::En);
        assert!(!o.passed && o.observed.contains("`web` (running)"));
    }

    #[test]
    fn networks_default_bridge_is_not_user_defined() {
        let mut s = snap(vec![]);
        s.networks = vec![Network {
            id: "n1".into(),
            name: "bridge".into(),
            driver: "bridge".into(),
            user_defined: false,
            members: vec![],
        }];
        let spec = crate::lab::NetworkCheck {
            name: "custom_network".into(),
            user_defined: Some(true),
            ..Default::default()
        };
        let o = network_check(&spec, &s, Lang::En);
        assert!(!o.passed && o.observed.contains("no network `custom_network`"));
        s.networks.push(Network {
            id: "n2".into(),
            name: "custom_network".into(),
            driver: "bridge".into(),
            user_defined: true,
            members: vec!["a".into(), "b".into()],
        });
        assert!(network_check(&spec, &s, Lang::En).passed);
    }

    #[test]
    fn events_match_command_prefixes_and_removed_containers() {
        let mut s = snap(vec![]);
        let ev = |action: &str, image: &str| crate::snapshot::Event {
            time_nano: 1,
            kind: "container".into(),
            action: action.into(),
            actor_id: "gone".into(),
            attributes: [
                ("image".to_owned(), image.to_owned()),
                ("name".to_owned(), "web".to_owned()),
            ]
            .into_iter()
            .collect(),
        };
        s.events = vec![
            ev(
                "exec_start: ls /usr/local/apache2/htdocs/",
                "diamol/ch02-hello-diamol-web",
            ),
            ev("top", "diamol/base"),
        ];
        let spec = crate::lab::EventCheck {
            action: "exec_start".into(),
            select: Some(Select {
                image: Some("diamol/ch02-hello-diamol-web".into()),
                ..Default::default()
            }),
            command: Some(vec!["ls /usr/local/apache2/htdocs".into()]),
            at_least: None,
        };
        assert!(event_check(&spec, &s, Lang::En).passed);
        let spec2 = crate::lab::EventCheck {
            command: Some(vec!["cat".into()]),
            ..spec
        };
        let o = event_check(&spec2, &s, Lang::En);
        assert!(
            !o.passed && o.observed.contains("seen only"),
            "{}",
            o.observed
        );
    }

    #[test]
    fn reach_needs_a_user_defined_network() {
        let mk = |name: &str, net: &str| Container {
            id: format!("{name}-id"),
            name: name.into(),
            image_id: "sha256:nginx".into(),
            state: "running".into(),
            networks: vec![Attachment {
                network: net.into(),
                network_id: net.into(),
                ip: "10.0.0.2".into(),
                aliases: vec![],
            }],
            ..Default::default()
        };
        let s = Snapshot {
            containers: vec![mk("a", "bridge"), mk("b", "bridge")],
            networks: vec![Network {
                name: "bridge".into(),
                user_defined: false,
                ..Default::default()
            }],
            ..Default::default()
        };
        // The pure part of reach: on the default bridge there is no shared user network.
        let a = &s.containers[0];
        let shared = a
            .networks
            .iter()
            .any(|att| s.network(&att.network).is_some_and(|n| n.user_defined));
        assert!(!shared);
    }

    #[test]
    fn first_difference_points_at_the_line() {
        let d = first_difference(b"<h1>a</h1>\n<p>x</p>", b"<h1>a</h1>\n<p>y</p>", Lang::En);
        assert!(d.starts_with("line 2"), "{d}");
    }

    /// English words of the generated texts that must not show through in Korean ones.
    const ENGLISH: &[&str] = &[
        "publishes",
        "container with",
        "containers with",
        "exited",
        "found",
        "expected",
        "running",
        "attached",
        "detached",
        "recorded",
        "answer",
        "nothing",
        "more",
        "driver",
        "user-defined",
        "still there",
        "start it",
        "exists",
        "hostname",
        "seen",
        "event",
        " not ",
        " on ",
        " ago",
    ];

    fn has_hangul(s: &str) -> bool {
        s.chars().any(|c| ('\u{ac00}'..='\u{d7a3}').contains(&c))
    }

    /// The same check in both languages: the same verdict, and Korean texts with no English.
    fn both(f: impl Fn(Lang) -> Outcome) -> (Outcome, Outcome) {
        let (en, ko) = (f(Lang::En), f(Lang::Ko));
        assert_eq!(
            (en.kind, en.passed, en.terminal),
            (ko.kind, ko.passed, ko.terminal),
            "{en:?}\n{ko:?}"
        );
        for text in [&ko.expected, &ko.observed] {
            assert!(has_hangul(text), "not Korean: {text}");
            // Flags, names and values are quoted in backticks, and stay as they are.
            let words: String = text.split('`').step_by(2).collect::<Vec<_>>().join(" ");
            for word in ENGLISH {
                assert!(!words.contains(word), "`{word}` in Korean text: {text}");
            }
        }
        (en, ko)
    }

    #[test]
    fn korean_wrong_host_port() {
        let s = snap(vec![web("web", 8080)]);
        let (en, ko) = both(|l| container_check(&detached_on_8088(), &s, l));
        assert_eq!(
            en.expected,
            "container with image `diamol/ch02-hello-diamol-web`, running, detached (-d), \
             80/tcp published on 8088"
        );
        assert_eq!(
            ko.expected,
            "이미지 `diamol/ch02-hello-diamol-web` 인 컨테이너, 실행 중, 백그라운드(-d), \
             호스트 포트 8088 에 80/tcp 공개"
        );
        assert_eq!(
            ko.observed,
            "`web`: 80/tcp 를 호스트 포트 8088 이(가) 아닌 8080 에 공개함"
        );
    }

    #[test]
    fn korean_random_port_and_wrong_container_port() {
        let mut c = web("web", 49153);
        c.publish_all = true;
        let s = snap(vec![c]);
        let (_, ko) = both(|l| container_check(&detached_on_8088(), &s, l));
        assert!(
            ko.observed
                .contains("`-P` 는 호스트 포트를 임의로 고릅니다")
                && ko.observed.contains("`-p 호스트포트:컨테이너포트`"),
            "{}",
            ko.observed
        );
        let mut c = web("web", 8088);
        c.ports[0].container_port = 8080;
        let s = snap(vec![c]);
        let (_, ko) = both(|l| container_check(&detached_on_8088(), &s, l));
        assert!(
            ko.observed
                .contains("호스트 포트 8088 을(를) 80/tcp 가 아닌 컨테이너 포트 8080 에 공개함"),
            "{}",
            ko.observed
        );
    }

    #[test]
    fn korean_exited_and_attached() {
        let c = exited_attached_web();
        let s = snap(vec![c]);
        let (en, ko) = both(|l| container_check(&detached_on_8088(), &s, l));
        assert!(en.terminal && ko.terminal);
        for want in [
            "실행 중 상태가 아님: 종료됨 (종료 코드 0, 2분 전)",
            "백그라운드(-d)가 아니라 포그라운드로 실행됨 (`-d`/`--detach` 를 붙이세요)",
            "80/tcp 를 호스트 포트 8088 에 공개하도록 실행했지만",
            "연결된 포트가 없음",
        ] {
            assert!(ko.observed.contains(want), "{want}: {}", ko.observed);
        }
    }

    #[test]
    fn korean_terminal_and_stdin() {
        let spec = ContainerCheck {
            select: Select {
                image: Some("diamol/ch02-hello-diamol-web".into()),
                ..Default::default()
            },
            state: Some(ContainerState::Running),
            tty: Some(true),
            stdin_open: Some(true),
            auto_remove: Some(true),
            env: Some(vec!["A=1".into()]),
            networks: Some(vec!["custom_network".into()]),
            ..Default::default()
        };
        let s = snap(vec![web("web", 8088)]);
        let (_, ko) = both(|l| container_check(&spec, &s, l));
        assert!(
            ko.expected
                .contains("표준 입력과 터미널을 연결한 대화형 (-it)"),
            "{}",
            ko.expected
        );
        for want in [
            "터미널(-t)이 연결되어 있지 않음 (`-t`/`--tty` 를 붙여 실행하세요)",
            "표준 입력(-i)이 열려 있지 않음 (`-i`/`--interactive` 를 붙여 실행하세요)",
            "`--rm` 없이 실행됨",
            "환경 변수 `A=1` 이(가) 없음",
            "어느 네트워크에도 연결되어 있지 않음 (`custom_network` 에 연결해야 함)",
        ] {
            assert!(ko.observed.contains(want), "{want}: {}", ko.observed);
        }
    }

    #[test]
    fn korean_nothing_there() {
        let mut other = web("db", 5432);
        other.image_id = "sha256:other".into();
        other.image = "postgres".into();
        let s = snap(vec![other]);
        let (_, ko) = both(|l| container_check(&detached_on_8088(), &s, l));
        assert_eq!(
            ko.observed,
            "이미지 `diamol/ch02-hello-diamol-web` 인 컨테이너 없음; \
             있는 컨테이너: `db` (postgres, 실행 중)"
        );
        let (en, ko) = both(|l| container_check(&detached_on_8088(), &snap(vec![]), l));
        assert!(en.observed.ends_with("; no containers at all"));
        assert!(
            ko.observed.ends_with("; 컨테이너가 하나도 없음"),
            "{}",
            ko.observed
        );
        let mut s = snap(vec![]);
        s.images.clear();
        let (_, ko) = both(|l| container_check(&detached_on_8088(), &s, l));
        assert!(
            ko.observed.contains(
                "이미지 `diamol/ch02-hello-diamol-web` 이(가) 이 도커 엔진에 없음 \
                 (`docklings images` 로 내려받기)"
            ),
            "{}",
            ko.observed
        );
    }

    #[test]
    fn korean_distinct_hostnames() {
        let (spec, a, mut b) = two_with_one_hostname();
        let s = snap(vec![a.clone(), b.clone()]);
        let (en, ko) = both(|l| container_check(&spec, &s, l));
        assert!(en.observed.starts_with("only 1 of 2"), "{}", en.observed);
        assert_eq!(
            ko.expected,
            "이미지 `diamol/ch02-hello-diamol-web` 인 컨테이너 2개, 호스트명이 서로 다름"
        );
        assert!(
            ko.observed
                .starts_with("필요한 2개 중 1개뿐 (호스트명이 서로 다른 것만 셈): "),
            "{}",
            ko.observed
        );
        b.hostname = "h2".into();
        let s = snap(vec![a, b]);
        let (_, ko) = both(|l| container_check(&spec, &s, l));
        assert!(ko.passed);
        assert!(
            ko.observed.starts_with("찾은 컨테이너: ") && ko.observed.contains("(호스트명 h2)"),
            "{}",
            ko.observed
        );
    }

    #[test]
    fn korean_absent() {
        let s = Select {
            image: Some("diamol/ch02-hello-diamol-web".into()),
            ..Default::default()
        };
        let (_, ko) = both(|l| absent_check(&s, &snap(vec![]), l));
        assert_eq!(
            (ko.expected.as_str(), ko.observed.as_str()),
            (
                "이미지 `diamol/ch02-hello-diamol-web` 인 컨테이너 없음",
                "없음"
            )
        );
        let mut gone = web("old", 8088);
        gone.state = "exited".into();
        gone.exit_code = Some(137);
        let w = snap(vec![web("web", 8088), gone]);
        let (en, ko) = both(|l| absent_check(&s, &w, l));
        assert!(en.observed.starts_with("still there: "));
        assert_eq!(
            ko.observed,
            "아직 남아 있음: `old` (종료됨 (종료 코드 137)), `web` (실행 중)"
        );
    }

    #[test]
    fn korean_networks_and_images() {
        let mut s = snap(vec![]);
        s.networks = vec![Network {
            id: "n1".into(),
            name: "bridge".into(),
            driver: "bridge".into(),
            user_defined: false,
            members: vec![],
        }];
        let spec = crate::lab::NetworkCheck {
            name: "custom_network".into(),
            driver: Some("bridge".into()),
            user_defined: Some(true),
            min_members: Some(2),
        };
        let (_, ko) = both(|l| network_check(&spec, &s, l));
        assert_eq!(
            ko.expected,
            "네트워크 `custom_network`, 드라이버 bridge, 사용자 정의 네트워크, \
             컨테이너 2개 이상 연결"
        );
        assert_eq!(
            ko.observed,
            "네트워크 `custom_network` 없음; 사용자 정의 네트워크: 없음"
        );
        s.networks.push(Network {
            id: "n2".into(),
            name: "custom_network".into(),
            driver: "overlay".into(),
            user_defined: false,
            members: vec!["a".into()],
        });
        let (_, ko) = both(|l| network_check(&spec, &s, l));
        assert_eq!(
            ko.observed,
            "드라이버가 bridge 이(가) 아니라 overlay; \
             사용자 정의 네트워크가 아니라 도커 엔진의 기본 네트워크임; \
             연결된 컨테이너 1개 (`a`)"
        );
        s.networks[1] = Network {
            driver: "bridge".into(),
            user_defined: true,
            members: vec!["a".into(), "b".into()],
            ..s.networks[1].clone()
        };
        let (_, ko) = both(|l| network_check(&spec, &s, l));
        assert!(ko.passed);
        assert_eq!(
            ko.observed,
            "`custom_network` (bridge, 연결된 컨테이너 `a`, `b`)"
        );
        let (_, ko) = both(|l| image_check("diamol/ch02-hello-diamol-web", &s, l));
        assert_eq!(ko.expected, "이미지 `diamol/ch02-hello-diamol-web` 있음");
        let (_, ko) = both(|l| image_check("nginx", &s, l));
        assert_eq!(ko.observed, "이미지 `nginx` 없음");
    }

    #[test]
    fn korean_events() {
        let mut s = snap(vec![]);
        s.events = vec![crate::snapshot::Event {
            time_nano: 1,
            kind: "container".into(),
            action: "exec_start: ls /usr/local/apache2/htdocs/".into(),
            actor_id: "gone".into(),
            attributes: [
                (
                    "image".to_owned(),
                    "diamol/ch02-hello-diamol-web".to_owned(),
                ),
                ("name".to_owned(), "web".to_owned()),
            ]
            .into_iter()
            .collect(),
        }];
        let spec = crate::lab::EventCheck {
            action: "exec_start".into(),
            select: Some(Select {
                image: Some("diamol/ch02-hello-diamol-web".into()),
                ..Default::default()
            }),
            command: Some(vec![
                "ls /usr/local/apache2/htdocs".into(),
                "ls -l /usr/local/apache2/htdocs".into(),
            ]),
            at_least: None,
        };
        let (_, ko) = both(|l| event_check(&spec, &s, l));
        assert!(ko.passed);
        assert_eq!(
            ko.expected,
            "이미지 `diamol/ch02-hello-diamol-web` 인 컨테이너에서 \
             `ls /usr/local/apache2/htdocs` 또는 `ls -l /usr/local/apache2/htdocs` 을(를) \
             실행한 `exec_start` 이벤트가 기록됨"
        );
        assert_eq!(
            ko.observed,
            "`web` 의 `exec_start: ls /usr/local/apache2/htdocs/` 이벤트"
        );
        let cat = crate::lab::EventCheck {
            command: Some(vec!["cat".into()]),
            ..spec.clone()
        };
        let (_, ko) = both(|l| event_check(&cat, &s, l));
        assert!(ko.observed.starts_with("기록된 것은 "), "{}", ko.observed);
        let top = crate::lab::EventCheck {
            action: "top".into(),
            select: None,
            command: None,
            at_least: None,
        };
        let (_, ko) = both(|l| event_check(&top, &s, l));
        assert_eq!(
            (ko.expected.as_str(), ko.observed.as_str()),
            (
                "`top` 이벤트가 기록됨",
                "실습을 시작한 뒤로 `top` 이벤트 없음"
            )
        );
    }

    #[test]
    fn korean_answers() {
        let mut c = web("web", 8088);
        c.hostname = "f1e2d3c4b5a6".into();
        let s = snap(vec![c]);
        let a = crate::lab::AnswerCheck {
            question: Text::Localized {
                ko: "호스트명은?".into(),
                en: "Hostname?".into(),
            },
            select: Select {
                image: Some("diamol/ch02-hello-diamol-web".into()),
                ..Default::default()
            },
            field: crate::lab::AnswerField::Hostname,
            network: None,
            port: None,
        };
        let (_, ko) = both(|l| answer_check(&a, None, &s, l));
        assert_eq!(ko.expected, "질문에 대한 답: 호스트명은?");
        assert!(ko.observed.starts_with("답 없음 ("), "{}", ko.observed);
        let (_, ko) = both(|l| answer_check(&a, Some("10.9.9.9"), &s, l));
        assert_eq!(ko.observed, "`10.9.9.9`: 도커 엔진의 값과 다름");
        let (_, ko) = both(|l| answer_check(&a, Some(" f1e2d3c4b5a6 "), &s, l));
        assert!(ko.passed);
        assert_eq!(ko.observed, "`f1e2d3c4b5a6`: 도커 엔진의 값과 같음");
        let (_, ko) = both(|l| answer_check(&a, Some("x"), &snap(vec![]), l));
        assert_eq!(
            ko.observed,
            "`x`; 값을 확인할 이미지 `diamol/ch02-hello-diamol-web` 인 컨테이너도 없음"
        );
    }

    #[test]
    fn korean_helpers() {
        let d = first_difference(b"a\n<p>x</p>", b"a\n<p>y</p>", Lang::Ko);
        assert_eq!(d, "2번째 줄: 기대 `<p>x</p>`, 실제 `<p>y</p>`");
        assert_eq!(
            first_difference(b"a\nb", b"a", Lang::Ko),
            "줄 수: 기대 2줄, 실제 1줄"
        );
        assert_eq!(
            first_difference(b"a\nb", b"a", Lang::En),
            "2 lines expected, 1 found"
        );
        let s = snap(vec![web("web", 8088)]);
        assert_eq!(
            near_port_owner("http://localhost:8088", &s, Lang::Ko),
            "; 8088번 포트를 쓰는 컨테이너: `web` (실행 중)"
        );
        assert_eq!(
            near_port_owner("http://localhost:8089", &s, Lang::Ko),
            "; 8089번 포트를 공개한 컨테이너 없음"
        );
        assert_eq!(
            near_port_owner("http://localhost:8089", &s, Lang::En),
            "; no container publishes port 8089"
        );
        assert_eq!(
            ports_text(&s.containers[0], Lang::Ko),
            "80/tcp → 호스트 포트 8088"
        );
        assert_eq!(ago(90_000, Lang::Ko), "1일 전");
        assert_eq!(ago(90_000, Lang::En), "1 days ago");
        assert_eq!(
            reach_said("custom-nginx does not resolve", Lang::Ko),
            "`custom-nginx` 이름을 찾을 수 없음"
        );
        assert_eq!(
            reach_said("ping custom-nginx answered", Lang::Ko),
            "`custom-nginx` 에 ping 응답 있음"
        );
        assert_eq!(
            reach_said("ping custom-nginx answered", Lang::En),
            "ping custom-nginx answered"
        );
    }
}
