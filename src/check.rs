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
                    format!("{e}{}", near_port_owner(&h.url, snap)),
                );
                // Waiting helps a server that is starting, not one that does not exist.
                o.terminal = !port_is_published(&h.url, snap);
                return Ok(o);
            }
        };
        let mut problems = Vec::new();
        if resp.status != want_status {
            problems.push(format!("status {}", resp.status));
        }
        let body = String::from_utf8_lossy(&resp.body).into_owned();
        for p in pats {
            expected.push(format!("body matches `{}`", p.source));
            if !p.matches(&body, &Vars::new()) {
                problems.push(format!(
                    "body does not match `{}` (body starts: {})",
                    p.source,
                    excerpt(&body)
                ));
            }
        }
        if let Some(name) = &h.body_equals_lab_file {
            expected.push(format!("body equals the lab's `{name}`"));
            if let Some(want) = self.lab.files.get(name)
                && !same_content(want, &resp.body)
            {
                problems.push(format!(
                    "body differs from the lab's `{name}` ({})",
                    first_difference(want, &resp.body)
                ));
            }
        }
        if let Some(fref) = &h.body_equals_file {
            expected.push(format!(
                "body equals {} in the serving container",
                fref.path
            ));
            let serving = self.serving_container(&h.url, &fref.select, snap);
            match serving {
                None => problems.push(format!(
                    "no running container matching {} serves {}",
                    describe_select(&fref.select),
                    h.url
                )),
                Some(c) => match self.probe.read_file(&c.id, &fref.path).await? {
                    None => problems.push(format!("`{}` has no {}", c.name, fref.path)),
                    Some(f) if !same_content(&f.content, &resp.body) => problems.push(format!(
                        "body differs from {} in `{}` ({})",
                        fref.path,
                        c.name,
                        first_difference(&f.content, &resp.body)
                    )),
                    Some(_) => {}
                },
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
                format!("status {}, {} bytes", resp.status, resp.body.len()),
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
        let mut expected = vec![if must_exist {
            format!("{} exists", f.path)
        } else {
            format!("{} does not exist", f.path)
        }];
        if let Some(t) = f.file_type {
            expected.push(format!("is a {}", type_name(t)));
        }
        if let Some(n) = &f.equals {
            expected.push(format!("equals the lab's `{n}`"));
        }
        for p in pats {
            expected.push(format!("contains `{}`", p.source));
        }
        let expected = expected.join(", ");
        let matches = select_containers(&f.select, snap);
        if matches.is_empty() {
            return Ok(fail(
                no_container_message(&f.select, lang),
                expected,
                nothing_matches(&f.select, snap),
            ));
        }
        let mut observations = Vec::new();
        for c in &matches {
            let entry = self.probe.read_file(&c.id, &f.path).await?;
            let mut problems = Vec::new();
            match (&entry, must_exist) {
                (None, true) => problems.push(format!("no {}", f.path)),
                (Some(_), false) => problems.push(format!("{} exists", f.path)),
                _ => {}
            }
            if let Some(e) = &entry {
                if let Some(t) = f.file_type
                    && e.kind != t
                {
                    problems.push(format!("it is a {}", type_name(e.kind)));
                }
                if let Some(n) = &f.equals
                    && let Some(want) = self.lab.files.get(n)
                    && !same_content(want, &e.content)
                {
                    problems.push(format!(
                        "its content differs from the lab's `{n}` ({})",
                        first_difference(want, &e.content)
                    ));
                }
                let text = String::from_utf8_lossy(&e.content);
                for p in pats {
                    if !p.matches(&text, &container_vars(c)) {
                        problems.push(format!("does not contain `{}`", p.source));
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
        let expected = format!(
            "{}output of {} matching {} shows {}",
            if need > 1 {
                format!("at least {need} containers: ")
            } else {
                String::new()
            },
            "the container",
            describe_select(&l.select),
            pats.iter()
                .map(|p| format!("`{}`", p.source))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let matches = select_containers(&l.select, snap);
        if matches.is_empty() {
            let mut o = fail(
                no_container_message(&l.select, lang),
                expected,
                nothing_matches(&l.select, snap),
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
                bad.push(format!(
                    "`{}` shows no {} (output ends: {})",
                    c.name,
                    missing.join(", "),
                    tail_excerpt(&text)
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
                format!("found in {}", quote_list(&good)),
            ))
        } else {
            let mut observed = Vec::new();
            if !good.is_empty() {
                observed.push(format!(
                    "only {} of {need} needed: {}",
                    good.len(),
                    quote_list(&good)
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
        let expected = format!(
            "`{}` exits {want}{}",
            e.command.join(" "),
            if pats.is_empty() {
                String::new()
            } else {
                format!(
                    " and prints {}",
                    pats.iter()
                        .map(|p| format!("`{}`", p.source))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        );
        let running: Vec<&Container> = select_containers(&e.select, snap)
            .into_iter()
            .filter(|c| c.is_running())
            .collect();
        let Some(c) = running.first() else {
            return Ok(fail(
                no_container_message(&e.select, lang),
                expected,
                nothing_matches(&e.select, snap),
            ));
        };
        let out = self.probe.exec(&c.id, &e.command).await?;
        let vars = container_vars(c);
        let mut problems = Vec::new();
        if out.exit_code != Some(want) {
            problems.push(format!(
                "exit code {}",
                out.exit_code.map_or("unknown".into(), |c| c.to_string())
            ));
        }
        for p in pats {
            if !p.matches(&out.output, &vars) {
                problems.push(format!("output lacks `{}`", p.display(&vars)));
            }
        }
        if problems.is_empty() {
            Ok(pass(
                tr(
                    lang,
                    "The command answers as expected.",
                    "명령이 기대한 대로 응답합니다.",
                ),
                expected,
                format!("`{}`: exit {want}", c.name),
            ))
        } else {
            Ok(fail(
                tr(
                    lang,
                    "The command does not answer as expected.",
                    "명령의 응답이 기대와 다릅니다.",
                ),
                expected,
                format!(
                    "`{}`: {} (output: {})",
                    c.name,
                    problems.join(", "),
                    excerpt(&out.output)
                ),
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
        let expected = format!(
            "a running container matching {} reaches `{target}` by name{}",
            describe_select(&r.from),
            r.network
                .as_ref()
                .map(|n| format!(" over `{n}`"))
                .unwrap_or_default()
        );
        let sources: Vec<&Container> = select_containers(&r.from, snap)
            .into_iter()
            .filter(|c| c.is_running())
            .collect();
        if sources.is_empty() {
            return Ok(fail(
                no_container_message(&r.from, lang),
                expected,
                nothing_matches(&r.from, snap),
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
                notes.push(format!(
                    "`{}` is on {}{}",
                    a.name,
                    quote_list(&nets),
                    if nets
                        .iter()
                        .all(|n| snap.network(n).is_none_or(|x| !x.user_defined))
                    {
                        " (the default bridge has no name resolution: use a user-defined network)"
                            .to_owned()
                    } else {
                        format!(", where no running container answers to `{target}`")
                    }
                ));
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
                }) => format!("probe from `{}`: {}", a.name, output.trim()),
                Ok(ExecOutput {
                    exit_code: Some(1),
                    output,
                }) => {
                    notes.push(format!(
                        "`{}` could not reach `{name}`: {}",
                        a.name,
                        output.trim()
                    ));
                    continue;
                }
                // No shell or no tool inside: the engine's own network state is the evidence.
                _ => "per the engine's network state".to_owned(),
            };
            return Ok(pass(
                tr(
                    lang,
                    &format!("`{}` reaches `{name}` by name.", a.name),
                    &format!("`{}` 에서 이름으로 `{name}` 에 닿습니다.", a.name),
                ),
                expected,
                format!("`{}` and `{}` share `{net}`; {how}", a.name, b.name),
            ));
        }
        Ok(fail(
            tr(
                lang,
                &format!("No container reaches `{target}` by name yet."),
                &format!("아직 이름으로 `{target}` 에 닿는 컨테이너가 없습니다."),
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

fn type_name(t: FileType) -> &'static str {
    match t {
        FileType::File => "file",
        FileType::Dir => "directory",
        FileType::Symlink => "symlink",
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

/// "line 3: `<h1>Hi</h1>` vs `<h1>Hello</h1>`" — where two texts first part.
fn first_difference(want: &[u8], got: &[u8]) -> String {
    let w = String::from_utf8_lossy(want);
    let g = String::from_utf8_lossy(got);
    for (i, (a, b)) in w.lines().zip(g.lines()).enumerate() {
        if a != b {
            return format!(
                "line {}: expected `{}`, found `{}`",
                i + 1,
                clip(a.trim(), 60),
                clip(b.trim(), 60)
            );
        }
    }
    format!(
        "{} lines expected, {} found",
        w.lines().count(),
        g.lines().count()
    )
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

fn excerpt(s: &str) -> String {
    let one: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.is_empty() {
        "(empty)".into()
    } else {
        format!("`{}`", clip(&one, 80))
    }
}

fn tail_excerpt(s: &str) -> String {
    let lines: Vec<&str> = s.lines().filter(|l| !l.trim().is_empty()).collect();
    let tail = lines[lines.len().saturating_sub(3)..].join(" / ");
    if tail.is_empty() {
        "(no output)".into()
    } else {
        let n = tail.chars().count();
        let start = n.saturating_sub(100);
        format!("`{}`", tail.chars().skip(start).collect::<String>())
    }
}

fn quote_list(items: &[String]) -> String {
    if items.is_empty() {
        return "nothing".into();
    }
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn describe_select(s: &Select) -> String {
    let mut parts = Vec::new();
    if let Some(i) = &s.image {
        parts.push(format!("image `{i}`"));
    }
    if let Some(n) = &s.name {
        parts.push(format!("name `{n}`"));
    }
    if let Some(n) = &s.network {
        parts.push(format!("network `{n}`"));
    }
    if let Some(l) = &s.label {
        parts.push(format!("label `{l}`"));
    }
    parts.join(", ")
}

fn no_container_message(s: &Select, lang: Lang) -> String {
    tr(
        lang,
        &format!("No container matches {}.", describe_select(s)),
        &format!("{} 에 맞는 컨테이너가 없습니다.", describe_select(s)),
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
fn nothing_matches(s: &Select, snap: &Snapshot) -> String {
    let mut why = Vec::new();
    if let Some(img) = &s.image
        && snap.image_id(img).is_none()
    {
        why.push(format!(
            "the image `{img}` is not on this engine (`docklings images` gets it)"
        ));
    }
    if let Some(n) = &s.network
        && snap.network(n).is_none()
    {
        why.push(format!("there is no network `{n}`"));
    }
    let mut others: Vec<String> = snap
        .all
        .iter()
        .take(4)
        .map(|o| format!("`{}` ({}, {})", o.name, o.image, o.status.to_lowercase()))
        .collect();
    if snap.all.len() > 4 {
        others.push(format!("{} more", snap.all.len() - 4));
    }
    let found = if others.is_empty() {
        "no containers at all".to_owned()
    } else {
        format!("found {}", others.join(", "))
    };
    let mut out = format!("no container with {}", describe_select(s));
    if !why.is_empty() {
        out.push_str(&format!(" ({})", why.join("; ")));
    }
    format!("{out}; {found}")
}

fn state_text(c: &Container, snap: &Snapshot) -> String {
    match c.state.as_str() {
        "exited" => {
            let ago = if c.finished > 0 {
                format!(", {}", ago(snap.taken_at - c.finished))
            } else {
                String::new()
            };
            format!("exited ({}{ago})", c.exit_code.unwrap_or(0))
        }
        s => s.to_owned(),
    }
}

fn ago(secs: i64) -> String {
    match secs.max(0) {
        s if s < 60 => format!("{s}s ago"),
        s if s < 3600 => format!("{} min ago", s / 60),
        s if s < 86_400 => format!("{} h ago", s / 3600),
        s => format!("{} days ago", s / 86_400),
    }
}

fn ports_text(c: &Container) -> String {
    if c.ports.is_empty() {
        return "no published ports".into();
    }
    let mut seen = BTreeSet::new();
    c.ports
        .iter()
        .filter(|p| seen.insert((p.container_port, p.protocol.clone(), p.host_port)))
        .map(|p| format!("{}/{} on {}", p.container_port, p.protocol, p.host_port))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Everything about a container that differs from what the check asks.
fn mismatches(c: &Container, spec: &ContainerCheck, snap: &Snapshot) -> Vec<String> {
    let mut m = Vec::new();
    if let Some(want) = spec.state
        && c.state != want.as_str()
    {
        m.push(format!("is {}, not {}", state_text(c, snap), want.as_str()));
    }
    if let Some(want) = spec.exit_code
        && (c.state != "exited" || c.exit_code != Some(want))
    {
        if c.state == "exited" {
            m.push(format!(
                "exited with code {}, not {want}",
                c.exit_code.unwrap_or(-1)
            ));
        } else {
            m.push(format!("has not exited (it is {})", c.state));
        }
    }
    if let Some(want) = spec.tty
        && c.tty != want
    {
        m.push(if want {
            "has no terminal (start it with `-t`/`--tty`)".into()
        } else {
            "has a terminal (`-t`)".into()
        });
    }
    if let Some(want) = spec.stdin_open
        && c.open_stdin != want
    {
        m.push(if want {
            "has no open stdin (start it with `-i`/`--interactive`)".into()
        } else {
            "keeps stdin open (`-i`)".into()
        });
    }
    if let Some(want) = spec.detached {
        let detached = !c.attach_stdout;
        if detached != want {
            m.push(if want {
                "was started attached, not detached (add `-d`/`--detach`)".into()
            } else {
                "was started detached (`-d`)".into()
            });
        }
    }
    if let Some(want) = spec.auto_remove
        && c.auto_remove != want
    {
        m.push(if want {
            "was started without `--rm`".into()
        } else {
            "was started with `--rm`".into()
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
            format!(
                "publishes {port}/{proto} on {h}, not {}{}",
                p.host,
                if c.publish_all {
                    " (`-P` picks a random port; use `-p HOST:CONTAINER`)"
                } else {
                    ""
                }
            )
        } else if let Some(cp) = same_host_port.first() {
            format!(
                "publishes host port {} to container port {cp}, not {port}/{proto}",
                p.host
            )
        } else {
            format!(
                "does not publish {port}/{proto} on {} ({})",
                p.host,
                ports_text(c)
            )
        };
        if requested && !c.is_running() {
            msg = format!(
                "asked for {port}/{proto} on {} but is {}, so nothing is bound",
                p.host,
                state_text(c, snap)
            );
        }
        m.push(msg);
    }
    for n in spec.networks.iter().flatten() {
        if c.on_network(n).is_none() {
            let on: Vec<String> = c.networks.iter().map(|a| a.network.clone()).collect();
            m.push(format!("is on {}, not `{n}`", quote_list(&on)));
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
            m.push(format!("has no environment entry `{e}`"));
        }
    }
    m
}

fn container_expected(spec: &ContainerCheck) -> String {
    let mut parts = vec![format!("container with {}", describe_select(&spec.select))];
    if let Some(n) = spec.at_least.filter(|n| *n > 1) {
        parts[0] = format!("{n} containers with {}", describe_select(&spec.select));
    }
    if let Some(s) = spec.state {
        parts.push(s.as_str().to_owned());
    }
    if let Some(e) = spec.exit_code {
        parts.push(format!("exit code {e}"));
    }
    if spec.tty == Some(true) && spec.stdin_open == Some(true) {
        parts.push("interactive with a terminal (-it)".into());
    } else {
        if let Some(t) = spec.tty {
            parts.push(format!("tty {t}"));
        }
        if let Some(i) = spec.stdin_open {
            parts.push(format!("stdin open {i}"));
        }
    }
    if let Some(d) = spec.detached {
        parts.push(if d { "detached (-d)" } else { "attached" }.into());
    }
    for p in spec.published.iter().flatten() {
        parts.push(format!("{} published on {}", p.container, p.host));
    }
    for n in spec.networks.iter().flatten() {
        parts.push(format!("on network `{n}`"));
    }
    if spec.auto_remove == Some(true) {
        parts.push("--rm".into());
    }
    for e in spec.env.iter().flatten() {
        parts.push(format!("env `{e}`"));
    }
    if spec.distinct == Some(Distinct::Hostname) {
        parts.push("each with its own hostname".into());
    }
    parts.join(", ")
}

pub fn container_check(spec: &ContainerCheck, snap: &Snapshot, lang: Lang) -> Outcome {
    let expected = container_expected(spec);
    let need = spec.at_least.unwrap_or(1).max(1) as usize;
    let matches = select_containers(&spec.select, snap);
    if matches.is_empty() {
        return fail(
            no_container_message(&spec.select, lang),
            expected,
            nothing_matches(&spec.select, snap),
        );
    }
    let judged: Vec<(&Container, Vec<String>)> = matches
        .iter()
        .map(|c| (*c, mismatches(c, spec, snap)))
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
                    format!("{} (hostname {})", c.name, c.hostname)
                } else {
                    c.name.clone()
                }
            })
            .collect();
        return pass(
            tr(
                lang,
                "The container is as expected.",
                "컨테이너가 기대한 대로입니다.",
            ),
            expected,
            format!("found {}", quote_list(&names)),
        );
    }
    // Nearest first: fewest differences, then newest.
    let mut near: Vec<&(&Container, Vec<String>)> =
        judged.iter().filter(|(_, m)| !m.is_empty()).collect();
    near.sort_by_key(|(_, m)| m.len());
    let mut observed = Vec::new();
    if !good.is_empty() {
        observed.push(format!(
            "only {count} of {need} needed{}: {}",
            if spec.distinct.is_some() && count < good.len() {
                " with different hostnames"
            } else {
                ""
            },
            quote_list(&good.iter().map(|c| c.name.clone()).collect::<Vec<_>>())
        ));
    }
    for (c, m) in near.iter().take(3) {
        observed.push(format!("`{}` {}", c.name, m.join(", ")));
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
    let expected = format!("no container with {}", describe_select(s));
    let left = select_containers(s, snap);
    if left.is_empty() {
        pass(
            tr(
                lang,
                "No such container is left.",
                "해당 컨테이너가 남아 있지 않습니다.",
            ),
            expected,
            "none".into(),
        )
    } else {
        let names: Vec<String> = left
            .iter()
            .map(|c| format!("`{}` ({})", c.name, state_text(c, snap)))
            .collect();
        fail(
            tr(
                lang,
                "A container that should be gone is still there.",
                "삭제되어야 할 컨테이너가 아직 남아 있습니다.",
            ),
            expected,
            format!("still there: {}", names.join(", ")),
        )
    }
}

pub fn image_check(name: &str, snap: &Snapshot, lang: Lang) -> Outcome {
    let expected = format!("image `{name}` exists");
    match snap.image_id(name) {
        Some(id) => pass(
            tr(lang, "The image exists.", "이미지가 있습니다."),
            expected,
            format!("`{name}` is {}", &id[..id.len().min(19)]),
        ),
        None => fail(
            tr(
                lang,
                &format!("There is no image `{name}`."),
                &format!("`{name}` 이미지가 없습니다."),
            ),
            expected,
            format!("no image `{name}`"),
        ),
    }
}

pub fn network_check(n: &crate::lab::NetworkCheck, snap: &Snapshot, lang: Lang) -> Outcome {
    let mut exp = vec![format!("network `{}`", n.name)];
    if let Some(d) = &n.driver {
        exp.push(format!("driver {d}"));
    }
    if n.user_defined == Some(true) {
        exp.push("user-defined".into());
    }
    if let Some(m) = n.min_members {
        exp.push(format!("at least {m} containers attached"));
    }
    let expected = exp.join(", ");
    let Some(net) = snap.network(&n.name) else {
        let custom: Vec<String> = snap
            .networks
            .iter()
            .filter(|x| x.user_defined)
            .map(|x| x.name.clone())
            .collect();
        return fail(
            tr(
                lang,
                &format!("There is no network `{}`.", n.name),
                &format!("`{}` 네트워크가 없습니다.", n.name),
            ),
            expected,
            format!(
                "no network `{}`; user-defined networks: {}",
                n.name,
                quote_list(&custom)
            ),
        );
    };
    let mut problems = Vec::new();
    if let Some(d) = &n.driver
        && &net.driver != d
    {
        problems.push(format!("driver is {}", net.driver));
    }
    if let Some(u) = n.user_defined
        && net.user_defined != u
    {
        problems.push(if u {
            "it is one of the engine's own networks".into()
        } else {
            "it is user-defined".into()
        });
    }
    if let Some(m) = n.min_members
        && (net.members.len() as u32) < m
    {
        problems.push(format!(
            "{} attached ({})",
            net.members.len(),
            quote_list(&net.members)
        ));
    }
    if problems.is_empty() {
        pass(
            tr(
                lang,
                "The network is as expected.",
                "네트워크가 기대한 대로입니다.",
            ),
            expected,
            format!(
                "`{}` ({}, members {})",
                net.name,
                net.driver,
                quote_list(&net.members)
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
    let mut expected = format!("`{}` recorded", e.action);
    if let Some(s) = &e.select {
        expected.push_str(&format!(" for a container with {}", describe_select(s)));
    }
    if let Some(cmds) = &e.command {
        expected.push_str(&format!(
            " running {}",
            cmds.iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        ));
    }
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
    if hits.len() >= need {
        let last = hits[hits.len() - 1];
        return pass(
            tr(
                lang,
                "The engine saw you do it.",
                "도커 엔진이 그 작업을 기록했습니다.",
            ),
            expected,
            format!("`{}` on `{}`", last.action, name_of(last)),
        );
    }
    let seen: Vec<String> = of_verb
        .iter()
        .rev()
        .take(3)
        .map(|ev| format!("`{}` on `{}`", ev.action, name_of(ev)))
        .collect();
    fail(
        tr(
            lang,
            "The engine has not seen this yet.",
            "도커 엔진에 아직 그 작업의 기록이 없습니다.",
        ),
        expected,
        if seen.is_empty() {
            format!("no `{}` event since the lab started", e.action)
        } else {
            format!("seen only {}", seen.join(", "))
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
    let expected = format!("an answer to: {question}");
    let right = answer_values(a, snap);
    let Some(given) = given.filter(|g| !g.trim().is_empty()) else {
        return fail(
            tr(
                lang,
                &format!("Not answered yet: {question}"),
                &format!("아직 답하지 않았습니다: {question}"),
            ),
            expected,
            "no answer (press `a` in `docklings start`, or `--answer STEP=VALUE`)".into(),
        );
    };
    if right
        .iter()
        .any(|r| answer_matches(a.field, given, r, &right))
    {
        return pass(
            tr(lang, "Right answer.", "정답입니다."),
            expected,
            format!("`{}` matches the engine", given.trim()),
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
        if right.is_empty() {
            format!(
                "`{}`; and no container matching {} is there to ask",
                given.trim(),
                describe_select(&a.select)
            )
        } else {
            format!("`{}` does not match", given.trim())
        },
    )
}

/// Who holds a loopback port, for "nothing answers" messages.
fn near_port_owner(url: &str, snap: &Snapshot) -> String {
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
        .map(|c| format!("`{}` ({})", c.name, state_text(c, snap)))
        .collect();
    if holders.is_empty() {
        format!("; no container publishes port {port}")
    } else {
        format!("; port {port} belongs to {}", holders.join(", "))
    }
}

/// Localized title for text output.
pub fn text_of(t: &Text, lang: Lang) -> String {
    t.get(lang).to_owned()
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
        let mut spec = ContainerCheck {
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
        let d = first_difference(b"<h1>a</h1>\n<p>x</p>", b"<h1>a</h1>\n<p>y</p>");
        assert!(d.starts_with("line 2"), "{d}");
    }
}
