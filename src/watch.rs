//! Watching: re-check a lab whenever the engine says something happened, so a learner sees
//! a step turn green moments after their docker command returns.
//!
//! The engine's event stream is the clock: no busy polling. Bursts of events (one `docker
//! run` emits create, attach, start, …) are coalesced for a few milliseconds before one
//! re-check. Things that emit no event (an HTTP server becoming ready) get a slow safety
//! re-check with backoff, and only while a step that needs one is still failing, so an idle
//! session costs nothing.
//!
//! The stream is opened when the watcher is made, before the first check (a task follows
//! it from then on), and the first wait looks back once for anything that happened before
//! it was open. Everything the watcher sees is kept ([`Seen`]): the engine remembers only
//! its last 256 events, and on a busy engine docklings' own probes and other people's work
//! push the learner's out, so the watcher's snapshots ([`Watched`]) add what it saw.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;

use crate::check::{Ctx, Probe, StepResult};
use crate::engine::{Engine, EngineError, ExecOutput, FileEntry, LogLine, is_trigger_noise};
use crate::lab::{Footprint, Lab};
use crate::snapshot::{Event, Snapshot};

/// How long to wait for more events of the same burst before re-checking.
pub(crate) const DEBOUNCE: Duration = Duration::from_millis(25);
/// The longest a burst is coalesced, however busy the engine or a followed container is.
const BURST_MAX: Duration = Duration::from_millis(250);
const SAFETY_FIRST: Duration = Duration::from_millis(500);
const SAFETY_MAX: Duration = Duration::from_secs(30);
/// Between a lost event stream and the next attempt to open it.
const RECONNECT: Duration = Duration::from_secs(1);
/// The most events a watcher keeps. A lab session makes a few hundred; this bounds the
/// memory of a watcher left on a busy engine for days (a few MB), dropping the oldest.
const SEEN_MAX: usize = 20_000;

/// Can this verdict change without an engine event? A server starting to answer, or a
/// shell printing what the learner types in an attached terminal, emit none. Checks say
/// when waiting cannot help (`terminal`: nothing publishes the port, nothing runs), and
/// then no timer runs at all, so an idle watcher sleeps.
pub(crate) fn needs_safety_recheck(result: &StepResult) -> bool {
    result
        .checks
        .iter()
        .any(|c| !c.passed && !c.terminal && c.recheck)
}

/// The containers whose output the watcher should follow after these results: those a
/// failing check said could change its verdict by printing (an access log line, a shell's
/// echo).
pub(crate) fn output_to_follow<'r>(
    results: impl IntoIterator<Item = &'r StepResult>,
) -> BTreeSet<String> {
    results
        .into_iter()
        .flat_map(|r| r.checks.iter())
        .filter(|c| !c.passed)
        .flat_map(|c| c.follow.iter().cloned())
        .collect()
}

/// What woke the watcher.
#[derive(Debug)]
pub(crate) enum Wake {
    /// The engine reported something (already debounced).
    Engine,
    /// A followed container printed something (already debounced).
    Output,
    /// The safety timer ran out.
    Timer,
    /// The event stream failed; watching continues after a reconnect.
    Lost(EngineError),
}

/// The engine's event stream with debouncing and a backoff safety timer.
pub(crate) struct Trigger<'e> {
    engine: &'e Engine,
    /// One message per event the follower saw (already kept in `seen`), or the error
    /// that cost it the stream.
    wakes: tokio::sync::mpsc::UnboundedReceiver<Result<(), EngineError>>,
    follower: tokio::task::JoinHandle<()>,
    seen: Arc<Mutex<Seen>>,
    /// When the stream may have missed events from (its opening, a reconnect): the next
    /// wait first asks the engine for what happened since then.
    look_back: Option<i64>,
    safety: Duration,
    /// The output of the containers in `following`, merged; empty when none.
    output: futures_util::stream::SelectAll<OutputStream>,
    following: BTreeSet<String>,
}

type OutputStream = std::pin::Pin<Box<dyn futures_util::Stream<Item = Vec<u8>> + Send>>;

impl<'e> Trigger<'e> {
    /// Start following now: call this *before* the first check so nothing slips between.
    /// The stream is opened by a task of its own at once, not on the first wait (a stream
    /// is only requested when polled, and the first wait comes after the first check).
    pub(crate) fn new(engine: &'e Engine) -> Self {
        let opened = crate::engine::now_nano();
        let seen = Arc::new(Mutex::new(Seen::default()));
        let (tx, wakes) = tokio::sync::mpsc::unbounded_channel();
        let follower = tokio::spawn(follow(engine.clone(), Arc::clone(&seen), tx));
        Trigger {
            engine,
            wakes,
            follower,
            seen,
            look_back: Some(opened),
            safety: SAFETY_FIRST,
            output: futures_util::stream::SelectAll::new(),
            following: BTreeSet::new(),
        }
    }

    /// The engine as checks should read it while this trigger watches: its snapshots' events
    /// include every event the trigger has seen (see [`Watched`]).
    pub(crate) fn probe(&self) -> Watched<'e> {
        Watched {
            engine: self.engine,
            seen: Arc::clone(&self.seen),
        }
    }

    /// Follow the output of exactly these containers from now on. A learner's `curl`
    /// emits no engine event, only a line in the server's log: following it makes the
    /// verdict as prompt as an event would, where a timer would wait out its backoff.
    /// Unchanged sets keep their streams; a stream that ended (the container stopped) is
    /// opened again only when the set changes.
    pub(crate) fn follow_output(&mut self, ids: BTreeSet<String>) {
        // A stream ends when its container stops (a restart ends it too): open them again
        // then, even if the set is the same.
        if ids == self.following && self.output.len() == self.following.len() {
            return;
        }
        self.output = ids
            .iter()
            .map(|id| Box::pin(self.engine.follow_output(id)) as OutputStream)
            .collect();
        self.following = ids;
    }

    /// Wait for the next reason to re-check. `safety` says whether a timer is wanted at all.
    pub(crate) async fn next(&mut self, safety: bool) -> Wake {
        // Taken only once answered: a wait cancelled meanwhile looks back next time.
        if let Some(from) = self.look_back {
            let missed = self.missed_since(from).await;
            self.look_back = None;
            if missed {
                self.safety = SAFETY_FIRST;
                return Wake::Engine;
            }
        }
        let timer = async {
            if safety {
                tokio::time::sleep(self.safety).await
            } else {
                std::future::pending::<()>().await
            }
        };
        tokio::select! {
            wake = self.wakes.recv() => match wake {
                Some(Ok(())) => {
                    // Coalesce the rest of the burst, for at most BURST_MAX.
                    let end = tokio::time::Instant::now() + BURST_MAX;
                    while tokio::time::Instant::now() < end
                        && let Ok(Some(Ok(()))) = tokio::time::timeout(DEBOUNCE, self.wakes.recv()).await {}
                    self.safety = SAFETY_FIRST;
                    Wake::Engine
                }
                Some(Err(e)) => {
                    // The follower opens the stream again after RECONNECT; what happens
                    // meanwhile is looked back for at the next wait.
                    self.look_back = Some(crate::engine::now_nano());
                    tokio::time::sleep(RECONNECT).await;
                    Wake::Lost(e)
                }
                None => {
                    self.look_back = Some(crate::engine::now_nano());
                    tokio::time::sleep(RECONNECT).await;
                    Wake::Lost(EngineError::Api { what: "follow events".into(), detail: "the event follower stopped".into() })
                }
            },
            Some(_) = self.output.next(), if !self.output.is_empty() => {
                // A container that prints without pause (`yes`, a load test) must not hold
                // the watcher in here: at most BURST_MAX.
                let end = tokio::time::Instant::now() + BURST_MAX;
                while tokio::time::Instant::now() < end
                    && let Ok(Some(_)) = tokio::time::timeout(DEBOUNCE, self.output.next()).await {}
                self.safety = SAFETY_FIRST;
                Wake::Output
            }
            _ = timer => {
                self.safety = (self.safety * 2).min(SAFETY_MAX);
                Wake::Timer
            }
        }
    }

    /// Did something happen since `from` that neither the stream nor a snapshot has shown
    /// the watcher? Only what the stream could have missed before it was open: the engine's
    /// own memory of those moments. Kept, so the check this causes sees it too. An engine
    /// that cannot say costs only the look back.
    async fn missed_since(&mut self, from: i64) -> bool {
        let Ok(events) = self.engine.events(from).await else {
            return false;
        };
        let Ok(mut seen) = self.seen.lock() else {
            return false;
        };
        let mut missed = false;
        for e in events {
            missed |= !is_trigger_noise(&e) && !seen.contains(&e);
            seen.keep(e);
        }
        missed
    }
}

impl Drop for Trigger<'_> {
    fn drop(&mut self) {
        self.follower.abort();
    }
}

/// The follower: the engine's event stream, opened at once, each event kept in `seen`
/// and announced; a lost stream is announced and opened again after [`RECONNECT`]. Ends
/// when the trigger is dropped (it is aborted, and nobody listens any more).
async fn follow(
    engine: Engine,
    seen: Arc<Mutex<Seen>>,
    tx: tokio::sync::mpsc::UnboundedSender<Result<(), EngineError>>,
) {
    loop {
        let lost = {
            let mut stream = std::pin::pin!(engine.follow_events());
            loop {
                match stream.next().await {
                    Some(Ok(e)) => {
                        if let Ok(mut s) = seen.lock() {
                            s.keep(e);
                        }
                        if tx.send(Ok(())).is_err() {
                            return;
                        }
                    }
                    Some(Err(e)) => break e,
                    None => {
                        break EngineError::Api {
                            what: "follow events".into(),
                            detail: "the event stream ended".into(),
                        };
                    }
                }
            }
        };
        if tx.send(Err(lost)).is_err() {
            return;
        }
        tokio::time::sleep(RECONNECT).await;
    }
}

/// Every event a watcher has seen, from its stream and from its snapshots, at most
/// [`SEEN_MAX`], each once.
#[derive(Debug, Default)]
pub(crate) struct Seen {
    events: BTreeMap<EventKey, Event>,
}

/// What makes an event itself: the engine stamps each with its nanosecond, and no two of
/// the same kind, action and object share one.
type EventKey = (i64, String, String, String);

fn key(e: &Event) -> EventKey {
    (
        e.time_nano,
        e.kind.clone(),
        e.action.clone(),
        e.actor_id.clone(),
    )
}

impl Seen {
    fn contains(&self, e: &Event) -> bool {
        self.events.contains_key(&key(e))
    }

    fn keep(&mut self, e: Event) {
        self.events.insert(key(&e), e);
        while self.events.len() > SEEN_MAX {
            self.events.pop_first();
        }
    }

    /// Keep the snapshot's events (read since `since`), and give it every event seen since
    /// then: what the engine still remembers and what it has forgotten, oldest first.
    fn merge_into(&mut self, snap: &mut Snapshot, since: i64) {
        for e in snap.events.drain(..).chain(snap.engine_events.drain(..)) {
            self.keep(e);
        }
        let (containers, others): (Vec<Event>, Vec<Event>) = self
            .events
            .range((since, String::new(), String::new(), String::new())..)
            .map(|(_, e)| e.clone())
            .partition(|e| e.kind == "container");
        snap.events = containers;
        snap.engine_events = others;
    }
}

/// The engine as a watcher's checks read it: the same engine, but each snapshot's events
/// are joined with what the watcher has seen since the lab's start, so a learner's act the
/// engine has since forgotten (its last 256 events only) still counts.
pub(crate) struct Watched<'e> {
    engine: &'e Engine,
    seen: Arc<Mutex<Seen>>,
}

impl Probe for Watched<'_> {
    async fn snapshot(&self, fp: &Footprint, since: Option<i64>) -> Result<Snapshot, EngineError> {
        let mut snap = self.engine.snapshot(fp, since).await?;
        if let Some(since) = since
            && let Ok(mut seen) = self.seen.lock()
        {
            seen.merge_into(&mut snap, since);
        }
        Ok(snap)
    }
    async fn log_lines(&self, id: &str, since: i64) -> Result<Vec<LogLine>, EngineError> {
        self.engine.log_lines(id, since).await
    }
    async fn read_file(&self, id: &str, path: &str) -> Result<Option<FileEntry>, EngineError> {
        self.engine.read_file(id, path).await
    }
    async fn exec(&self, id: &str, cmd: &[String]) -> Result<ExecOutput, EngineError> {
        self.engine.exec(id, cmd).await
    }
}

/// Check every step of the lab against one snapshot.
pub(crate) async fn check_all<P: Probe>(
    ctx: &Ctx<'_, P>,
    lab: &Lab,
) -> std::result::Result<Vec<StepResult>, EngineError> {
    debug_assert!(std::ptr::eq(ctx.lab, lab));
    ctx.judge().await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(t: i64, kind: &str, action: &str, actor: &str) -> Event {
        Event {
            time_nano: t,
            kind: kind.into(),
            action: action.into(),
            actor_id: actor.into(),
            attributes: BTreeMap::new(),
        }
    }

    fn snap(events: Vec<Event>) -> Snapshot {
        let (events, engine_events) = events.into_iter().partition(|e| e.kind == "container");
        Snapshot {
            events,
            engine_events,
            ..Snapshot::default()
        }
    }

    fn actions(events: &[Event]) -> Vec<&str> {
        events.iter().map(|e| e.action.as_str()).collect()
    }

    #[test]
    fn what_the_engine_forgot_still_counts_once() {
        let mut seen = Seen::default();
        seen.keep(ev(10, "container", "create", "a"));
        seen.keep(ev(20, "container", "top", "a"));
        // The engine still remembers `top` (seen by the stream too), and has a new event.
        let mut s = snap(vec![
            ev(20, "container", "top", "a"),
            ev(25, "network", "connect", "n"),
            ev(30, "container", "destroy", "a"),
        ]);
        seen.merge_into(&mut s, 15);
        assert_eq!(actions(&s.events), ["top", "destroy"]);
        assert_eq!(actions(&s.engine_events), ["connect"]);
        // Later the engine has forgotten all of it: the watcher has not.
        let mut later = snap(vec![ev(40, "container", "start", "b")]);
        seen.merge_into(&mut later, 0);
        assert_eq!(
            actions(&later.events),
            ["create", "top", "destroy", "start"]
        );
        assert_eq!(actions(&later.engine_events), ["connect"]);
    }

    #[test]
    fn the_record_is_bounded_and_drops_the_oldest() {
        let mut seen = Seen::default();
        for t in 0..(SEEN_MAX as i64 + 5) {
            seen.keep(ev(t, "container", "top", "a"));
        }
        assert_eq!(seen.events.len(), SEEN_MAX);
        assert!(!seen.contains(&ev(4, "container", "top", "a")));
        assert!(seen.contains(&ev(5, "container", "top", "a")));
    }

    #[test]
    fn probes_and_exec_endings_do_not_wake() {
        let probe = format!("exec_start: sh -c {} true", crate::engine::PROBE_MARK);
        assert!(is_trigger_noise(&ev(1, "container", &probe, "a")));
        assert!(is_trigger_noise(&ev(1, "container", "exec_die", "a")));
        let learners = ev(1, "container", "exec_start: ls /", "a");
        assert!(!is_trigger_noise(&learners));
        assert!(!is_trigger_noise(&ev(1, "container", "top", "a")));
    }
}
