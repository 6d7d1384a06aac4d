//! Watching: re-check a lab whenever the engine says something happened, so a learner sees
//! a step turn green moments after their docker command returns.
//!
//! The engine's event stream is the clock: no busy polling. Bursts of events (one `docker
//! run` emits create, attach, start, …) are coalesced for a few milliseconds before one
//! re-check. Things that emit no event (an HTTP server becoming ready) get a slow safety
//! re-check with backoff, and only while a step that needs one is still failing, so an idle
//! session costs nothing.

use std::collections::BTreeSet;
use std::time::Duration;

use futures_util::StreamExt;

use crate::check::{Ctx, StepResult};
use crate::engine::{Engine, EngineError};
use crate::lab::Lab;

/// How long to wait for more events of the same burst before re-checking.
pub(crate) const DEBOUNCE: Duration = Duration::from_millis(25);
/// The longest a burst is coalesced, however busy the engine or a followed container is.
const BURST_MAX: Duration = Duration::from_millis(250);
const SAFETY_FIRST: Duration = Duration::from_millis(500);
const SAFETY_MAX: Duration = Duration::from_secs(30);

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
    stream: std::pin::Pin<
        Box<
            dyn futures_util::Stream<
                    Item = std::result::Result<crate::snapshot::Event, EngineError>,
                > + 'e,
        >,
    >,
    safety: Duration,
    /// The output of the containers in `following`, merged; empty when none.
    output: futures_util::stream::SelectAll<OutputStream>,
    following: BTreeSet<String>,
}

type OutputStream = std::pin::Pin<Box<dyn futures_util::Stream<Item = Vec<u8>> + Send>>;

impl<'e> Trigger<'e> {
    /// Start following now: call this *before* the first check so nothing slips between.
    pub(crate) fn new(engine: &'e Engine) -> Self {
        Trigger {
            engine,
            stream: Box::pin(engine.follow_events()),
            safety: SAFETY_FIRST,
            output: futures_util::stream::SelectAll::new(),
            following: BTreeSet::new(),
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
        let timer = async {
            if safety {
                tokio::time::sleep(self.safety).await
            } else {
                std::future::pending::<()>().await
            }
        };
        tokio::select! {
            ev = self.stream.next() => match ev {
                Some(Ok(_)) => {
                    // Coalesce the rest of the burst, for at most BURST_MAX.
                    let end = tokio::time::Instant::now() + BURST_MAX;
                    while tokio::time::Instant::now() < end
                        && let Ok(Some(Ok(_))) = tokio::time::timeout(DEBOUNCE, self.stream.next()).await {}
                    self.safety = SAFETY_FIRST;
                    Wake::Engine
                }
                Some(Err(e)) => {
                    self.reconnect().await;
                    Wake::Lost(e)
                }
                None => {
                    self.reconnect().await;
                    Wake::Lost(EngineError::Api { what: "follow events".into(), detail: "the event stream ended".into() })
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

    async fn reconnect(&mut self) {
        tokio::time::sleep(Duration::from_secs(1)).await;
        self.stream = Box::pin(self.engine.follow_events());
    }
}

/// Check every step of the lab against one snapshot.
pub(crate) async fn check_all(
    ctx: &Ctx<'_, Engine>,
    lab: &Lab,
) -> std::result::Result<Vec<StepResult>, EngineError> {
    debug_assert!(std::ptr::eq(ctx.lab, lab));
    ctx.judge().await
}
