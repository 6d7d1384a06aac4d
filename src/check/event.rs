//! `event`: the engine recorded an action (`top`, `exec_start` with a command prefix,
//! `destroy`, a network's `connect`, a `prune`, …) since the lab started. docklings' own
//! probes never count.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::kind::{Kind, Lint, LintCx};
use super::select::matches_select;
use super::{Ctx, Outcome, Probe, StepCx};
use crate::engine::EngineError;
use crate::lab::{Footprint, Lang, Select};
use crate::snapshot::{Event, Snapshot};
use crate::verdict::{Code, Finding, Value, Verdict};

/// `event`: the engine recorded an action.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct EventCheck {
    /// Engine action: `top`, `exec_start`, `extract-to-dir`, `archive-path`, `attach`,
    /// `create`, `start`, `stop`, `restart`, `die`, `destroy`, `prune`; for networks
    /// `create`, `connect`, `disconnect`, `destroy`, `prune`; for images `delete`,
    /// `untag`, `prune`.
    pub(crate) action: String,
    /// What the event is about (default `container`).
    #[serde(rename = "type")]
    pub(crate) of: Option<EventType>,
    /// Only events of containers matching this (for a network's `connect`/`disconnect`:
    /// the container connected or disconnected).
    pub(crate) select: Option<Select>,
    /// For `type: network`: only events of the network of this name.
    pub(crate) network: Option<String>,
    /// For `exec_start`: the command must start with one of these.
    pub(crate) command: Option<Vec<String>>,
    /// How many such events (default 1).
    pub(crate) at_least: Option<u32>,
    /// For `die`: the code the container ended with (the event's `exitCode`) — 0 after
    /// `exit` typed in its shell, 137 when it was killed (`docker kill`, `rm -f`, or `stop`
    /// of a shell that ignores SIGTERM) — so a step can tell the learner's `exit` from an
    /// end forced from outside.
    pub(crate) exit_code: Option<i64>,
}

/// The kinds of object whose events a lab can ask about.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum EventType {
    #[default]
    Container,
    Network,
    Image,
    Volume,
}

impl EventType {
    /// Its name in a sentence, in either language.
    fn words(self) -> crate::lab::Text {
        let (en, ko) = match self {
            EventType::Container => ("container", "컨테이너"),
            EventType::Network => ("network", "네트워크"),
            EventType::Image => ("image", "이미지"),
            EventType::Volume => ("volume", "볼륨"),
        };
        crate::lab::Text::Localized {
            ko: ko.to_owned(),
            en: en.to_owned(),
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            EventType::Container => "container",
            EventType::Network => "network",
            EventType::Image => "image",
            EventType::Volume => "volume",
        }
    }
}

impl Kind for EventCheck {
    const NAME: &'static str = "event";

    fn prepare(&mut self, _: &LintCx) -> Vec<Lint> {
        let mut lints = Vec::new();
        if self.action.trim().is_empty() {
            lints.push(Lint::at("action", "`event.action` is empty"));
        }
        let of = self.of.unwrap_or_default();
        if self.network.is_some() && of != EventType::Network {
            lints.push(Lint::at(
                "network",
                "`event.network` names a network: it needs `type: network`",
            ));
        }
        if self.select.is_some() && !matches!(of, EventType::Container | EventType::Network) {
            lints.push(Lint::at(
                "select",
                format!(
                    "`event.select` picks containers; `{}` events are not about one",
                    of.as_str()
                ),
            ));
        }
        if self.command.as_ref().is_some_and(Vec::is_empty) {
            lints.push(Lint::at(
                "command",
                "`event.command` is an empty list: it asserts nothing",
            ));
        }
        // Only a container's end carries its exit code: on any other event the check
        // could never pass.
        if self.exit_code.is_some() && (of != EventType::Container || self.action != "die") {
            lints.push(Lint::at(
                "exit_code",
                format!(
                    "`event.exit_code` is the code a container ended with: it needs `action: die`, not `{}`",
                    self.action
                ),
            ));
        }
        lints
    }

    fn footprint(&self, fp: &mut Footprint) {
        if let Some(s) = &self.select {
            fp.add_select(s);
        }
        if let Some(n) = &self.network {
            fp.networks.insert(n.clone());
        }
    }

    async fn evaluate<P: Probe>(
        &self,
        _: &Ctx<'_, P>,
        step: &StepCx<'_>,
        snap: &Snapshot,
    ) -> Result<Verdict, EngineError> {
        Ok(judge(self, step, snap))
    }
}

/// A step whose every act this engine leaves unrecorded (`top` or a prune on Podman) and
/// whose other checks carry no time of their own certifies nothing when:
/// - it has no other checks (interactive-shell's `docker top`): nothing at all shows the
///   act, and the step would pass the moment the one before it did; or
/// - it counts from the lab's start (week1-practice's prune, beside "nothing unused is
///   left"): the engine may have looked like that before the learner did anything.
///
/// Its first unrecorded check fails then, saying the engine cannot show the act. A step
/// after another with states to check (networks gone after `network rm`) is left to those
/// states: the step it follows is there to make them untrue until the act (the networks
/// existed when `disconnect` passed).
pub(super) fn unwitnessed(outcomes: &mut [(Outcome, Option<i64>)], at: StepCx<'_>, lang: Lang) {
    let unrecorded = |o: &Outcome| o.findings.summary.code == Code::EventUnrecorded;
    let all_passed = outcomes.iter().all(|(o, _)| o.passed);
    let no_time = outcomes.iter().all(|(_, t)| t.is_none());
    let events = |o: &Outcome| o.kind == EventCheck::NAME;
    let gap_only = outcomes
        .iter()
        .filter(|(o, _)| events(o))
        .all(|(o, _)| unrecorded(o));
    let states = outcomes.iter().any(|(o, _)| !events(o));
    if !all_passed || !no_time || !gap_only || (states && at.after_step.is_some()) {
        return;
    }
    // One failed check says it; the step's other unrecorded acts would only repeat it.
    if let Some((o, _)) = outcomes.iter_mut().find(|(o, _)| unrecorded(o)) {
        let gap = o.findings.summary.clone();
        let none = Finding {
            code: Code::EventNoneSince,
            values: gap
                .values
                .iter()
                .filter(|(n, _)| *n == "action")
                .cloned()
                .collect(),
        };
        let unseen = Finding {
            code: Code::EventUnwitnessed,
            ..gap
        };
        // No wait makes the engine record it.
        let v = Verdict::fail(unseen, o.findings.expected.clone(), vec![none]).terminal(true);
        *o = Outcome::new(EventCheck::NAME, v, lang, None);
    }
}

pub(super) fn judge(e: &EventCheck, step: &StepCx<'_>, snap: &Snapshot) -> Verdict {
    let expected = expected(e);
    let of = e.of.unwrap_or_default();
    let gaps = &snap.gaps;
    // Podman's stop, told by the container's end without a kill.
    if of == EventType::Container && e.action == "stop" && gaps.stop_by_its_end {
        let end = EventCheck {
            action: "die".into(),
            ..e.clone()
        };
        let mut v = judge_recorded(&end, step, snap, expected, |d| !killed(d, snap));
        v.observed
            .push(Finding::new(Code::StopByItsEnd).with("engine", gaps.engine));
        return v;
    }
    // An act this engine never records (`top` on Podman) cannot be waited for: say so,
    // and let the step's other checks carry it.
    if gaps.unrecorded(of.as_str(), &e.action) {
        let gap = Finding::new(Code::EventUnrecorded)
            .with("engine", gaps.engine)
            .with("action", &e.action);
        return Verdict::pass(gap.clone(), expected, vec![gap]);
    }
    judge_recorded(e, step, snap, expected, |_| true)
}

/// Was this container's end (`die`) caused by a `docker kill`: a `kill` event of it since
/// its last start? (`docker stop` past its grace period kills too, but records no `kill`.)
fn killed(end: &Event, snap: &Snapshot) -> bool {
    let of_it = |verb: &'static str| {
        snap.events.iter().filter(move |x| {
            x.actor_id == end.actor_id && x.verb() == verb && x.time_nano <= end.time_nano
        })
    };
    let began = of_it("start")
        .map(|x| x.time_nano)
        .max()
        .unwrap_or(i64::MIN);
    of_it("kill").any(|k| k.time_nano >= began)
}

/// The events of the check's action that match it (and `also`), judged against the step.
fn judge_recorded(
    e: &EventCheck,
    step: &StepCx<'_>,
    snap: &Snapshot,
    expected: Vec<Finding>,
    also: impl Fn(&Event) -> bool,
) -> Verdict {
    let need = e.at_least.unwrap_or(1).max(1) as usize;
    let of = e.of.unwrap_or_default();
    let gaps = &snap.gaps;
    // Exec events without their command (Podman's): any exec of the learner's counts.
    let blind_exec = |ev: &Event| gaps.exec_commands && ev.detail().is_empty();
    let source = match of {
        EventType::Container => &snap.events,
        _ => &snap.engine_events,
    };
    let of_verb: Vec<&Event> = source
        .iter()
        .filter(|ev| ev.kind == of.as_str() && ev.verb() == e.action)
        .collect();
    let hits: Vec<&&Event> = of_verb
        .iter()
        .filter(|ev| {
            // Without the network's name in the event (Podman), the container's act counts.
            e.network.as_ref().is_none_or(|n| {
                ev.attributes.get("name") == Some(n)
                    || (gaps.network_names && !ev.attributes.contains_key("name"))
            })
        })
        .filter(|ev| {
            e.select.as_ref().is_none_or(|s| match of {
                EventType::Network => network_event_matches(ev, s, snap),
                _ => event_matches_select(ev, s, snap),
            })
        })
        .filter(|ev| {
            e.command
                .as_ref()
                .is_none_or(|cmds| blind_exec(ev) || runs_one_of(ev.detail(), cmds))
        })
        .filter(|ev| {
            e.exit_code.is_none_or(|want| {
                ev.attributes.get("exitCode").and_then(|c| c.parse().ok()) == Some(want)
            })
        })
        .filter(|ev| also(ev))
        .collect();
    // Only acts after the step this one follows count.
    let (early, hits): (Vec<&&Event>, Vec<&&Event>) =
        hits.into_iter().partition(|ev| ev.time_nano < step.after);
    if let Some(last) = hits.last().filter(|_| hits.len() >= need) {
        let mut observed = vec![event_on(last)];
        if e.command.is_some() && blind_exec(last) {
            observed.push(Finding::new(Code::EventCommandUnseen).with("engine", gaps.engine));
        }
        return Verdict::pass(Finding::new(Code::EventOk), expected, observed).at(last.time_nano);
    }
    if let Some(last) = early.last() {
        return Verdict::fail(
            Finding::new(Code::EventNotYet),
            expected,
            vec![step.too_early(event_on(last), last.time_nano)],
        );
    }
    let seen: Vec<Finding> = of_verb
        .iter()
        .rev()
        .take(3)
        .map(|ev| event_on(ev))
        .collect();
    let observed = if seen.is_empty() {
        Finding::new(Code::EventNoneSince).with("action", &e.action)
    } else {
        Finding::new(Code::EventSeenOnly).with("seen", Value::List(seen))
    };
    Verdict::fail(Finding::new(Code::EventNotYet), expected, vec![observed])
}

fn expected(e: &EventCheck) -> Vec<Finding> {
    let mut v = vec![expected_event(e)];
    if let Some(code) = e.exit_code {
        v.push(Finding::new(Code::ExpectExit).with("code", code));
    }
    v
}

fn expected_event(e: &EventCheck) -> Finding {
    let of = e.of.unwrap_or_default();
    if of != EventType::Container {
        let f = match &e.network {
            Some(n) => Finding::new(Code::ExpectNetworkEvent).with("network", n),
            None => Finding::new(Code::ExpectTypedEvent).with("type", Value::LabText(of.words())),
        }
        .with("action", &e.action);
        return match &e.select {
            Some(s) => Finding::new(Code::ExpectEventAbout)
                .with("event", f)
                .with("sel", s),
            None => f,
        };
    }
    let cmds = e.command.as_ref().map(|c| Value::Alternatives(c.clone()));
    let f = match (&e.select, &cmds) {
        (None, None) => Finding::new(Code::ExpectEvent),
        (Some(_), None) => Finding::new(Code::ExpectEventFor),
        (None, Some(_)) => Finding::new(Code::ExpectEventRunning),
        (Some(_), Some(_)) => Finding::new(Code::ExpectEventForRunning),
    }
    .with("action", &e.action);
    let f = match &e.select {
        Some(s) => f.with("sel", s),
        None => f,
    };
    match cmds {
        Some(c) => f.with("commands", c),
        None => f,
    }
}

/// "`exec_start: ls /` on `web`".
fn event_on(ev: &Event) -> Finding {
    Finding::new(Code::EventOn)
        .with("action", &ev.action)
        .with("name", event_name(ev))
}

/// What an event is about: the container's (or network's, image's) name, or its short ID;
/// for a network's `connect`/`disconnect`, "network ← container".
pub(super) fn event_name(ev: &Event) -> String {
    let short = |id: &str| id.chars().take(12).collect::<String>();
    let name = ev
        .attributes
        .get("name")
        .cloned()
        .unwrap_or_else(|| short(&ev.actor_id));
    match ev
        .attributes
        .get("container")
        .filter(|_| ev.kind == "network")
    {
        Some(c) => format!("{name} ← {}", short(c)),
        None => name,
    }
}

/// A network event's container (`connect`/`disconnect` name it by ID) against a selector.
fn network_event_matches(ev: &Event, s: &Select, snap: &Snapshot) -> bool {
    let Some(id) = ev.attributes.get("container") else {
        return false;
    };
    if let Some(c) = snap.containers.iter().find(|c| &c.id == id) {
        return matches_select(c, s, snap);
    }
    // A container removed since: only its name can still be matched, from the brief list.
    snap.all
        .iter()
        .find(|c| &c.id == id)
        .is_some_and(|c| s.name.as_ref().is_none_or(|n| n == &c.name) && s.image.is_none())
}

/// Does the event's command start with one of these (ignoring repeated spaces and a
/// trailing `/` on a path)?
fn runs_one_of(detail: &str, cmds: &[String]) -> bool {
    let got = normalize_cmd(detail);
    cmds.iter().any(|c| {
        let want = normalize_cmd(c);
        got == want || got.starts_with(&format!("{want} "))
    })
}

fn normalize_ref(r: &str) -> String {
    let (name, tag) = crate::engine::split_reference(crate::engine::plain_ref(r));
    format!("{name}:{tag}")
}

fn normalize_cmd(s: &str) -> String {
    s.split_whitespace()
        .map(|w| w.trim_end_matches('/'))
        .collect::<Vec<_>>()
        .join(" ")
}

pub(super) fn event_matches_select(ev: &Event, s: &Select, snap: &Snapshot) -> bool {
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
