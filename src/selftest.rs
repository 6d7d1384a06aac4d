//! Proving a lab (`docklings selftest`): it can be completed and cannot pass by doing
//! nothing.
//!
//! 1. Refuse, listing them, if the engine already holds anything the lab looks at (its
//!    images' containers, its container names, its networks) or its ports are taken: a proof
//!    on a dirty engine proves nothing, and we must never touch the learner's work.
//! 2. Check every step on the clean engine: each must fail.
//! 3. For each step, run its reference solution as a learner would — the docker CLI, with
//!    interactive commands in a pseudo-terminal — then that step must pass.
//! 4. Remove exactly what the solutions created (new containers and networks that belong to
//!    the lab, images under the references its checks name), whatever happened, Ctrl-C
//!    included.
//!
//! A lab may teach `docker rmi` (hello-world's last step). The images it looks at were
//! there before, perhaps the learner's own pulls: while proving, each gets an extra "hold"
//! tag, so `rmi` only untags it, and afterwards its own tag is put back and the hold taken
//! off.

use std::collections::{BTreeMap, HashSet};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::app::{App, Failure, Result, out};
use crate::check::{Ctx, StepResult};
use crate::engine::Engine;
use crate::engine::cleanup::Leftovers;
use crate::lab::{Action, Lab, Lang};

/// How long a step may take to pass after its solution ran: servers need a moment to
/// listen, logs a moment to flush. Polled, not slept.
const SETTLE: Duration = Duration::from_secs(10);
const RUN_TIMEOUT: Duration = Duration::from_secs(120);
const EXPECT_TIMEOUT: Duration = Duration::from_secs(20);

/// What was on the engine before we started.
pub(crate) struct Baseline {
    containers: HashSet<String>,
    networks: HashSet<String>,
    /// The lab's image references and the image each named then (`None`: none).
    images: Vec<(String, Option<String>)>,
    /// Hold tags added by [`Baseline::hold_images`], taken off by [`cleanup`].
    holds: Vec<String>,
    /// Everything on the engine before (containers, networks, images, volumes): checks of
    /// the whole engine (`unused`) leave it out, as the solutions must.
    spare: HashSet<String>,
    /// Networks made by [`Baseline::guard_subnets`], removed by [`cleanup`].
    guards: Vec<String>,
}

impl Baseline {
    pub(crate) async fn take(engine: &Engine) -> Result<Baseline> {
        let containers = engine
            .summaries()
            .await?
            .into_iter()
            .map(|s| s.id)
            .collect();
        let networks = engine
            .networks(&HashSet::new())
            .await?
            .into_iter()
            .map(|n| n.id)
            .collect();
        let inv = engine.inventory().await?;
        let spare = inv
            .containers
            .into_iter()
            .chain(inv.networks)
            .chain(inv.images.into_keys())
            .chain(inv.volumes)
            .collect();
        Ok(Baseline {
            containers,
            networks,
            images: Vec::new(),
            holds: Vec::new(),
            spare,
            guards: Vec::new(),
        })
    }

    /// Keep the engine from handing a lab's own subnet to one of its automatic networks.
    /// Docker gives each `network create` without `--subnet` the next free /16 of
    /// 172.17–172.31: on some runs `my-custom-network` would get 172.19.0.0/16, and the next
    /// step's `--subnet 172.19.0.0/24` would fail with "Pool overlaps" — a flaky proof, not
    /// a broken lab. A small network at the far end of that /16 makes Docker skip it.
    pub(crate) async fn guard_subnets(&mut self, engine: &Engine, lab: &Lab) -> Result<()> {
        let taken: Vec<String> = engine
            .networks(&HashSet::new())
            .await?
            .into_iter()
            .flat_map(|n| n.subnets.into_iter().map(|(s, _)| s))
            .collect();
        for (i, (_, subnet)) in crate::preflight::lab_subnets(lab).iter().enumerate() {
            let Some((addr, len)) = crate::check::parse_cidr(subnet) else {
                continue;
            };
            if len < 16 {
                continue;
            }
            let block = std::net::Ipv4Addr::from(addr & 0xFFFF_0000);
            let block = format!("{block}/16");
            let o = std::net::Ipv4Addr::from(addr).octets();
            let guard = format!("{}.{}.255.0/24", o[0], o[1]);
            if crate::check::overlaps(&guard, subnet)
                || taken.iter().any(|t| crate::check::overlaps(t, &block))
            {
                continue;
            }
            let name = format!("docklings-selftest-guard-{}-{i}", std::process::id());
            // Best effort: a guard that cannot be made leaves the proof as it was.
            if let Ok(id) = engine
                .create_network(&name, &guard, "docklings-selftest-guard")
                .await
            {
                self.guards.push(id);
            }
        }
        Ok(())
    }

    /// Record what each of the lab's image references names, and hold each existing image
    /// with a tag of our own, so that a solution's `docker rmi` cannot delete it.
    pub(crate) async fn hold_images(&mut self, engine: &Engine, lab: &Lab) -> Result<()> {
        for reference in lab.footprint().images {
            let id = engine.image_id(&reference).await?;
            if let Some(id) = &id {
                let hold = format!("docklings-hold/{}:selftest", crate::engine::short_id(id));
                if !self.holds.contains(&hold) {
                    engine.tag_image(id, &hold).await?;
                    self.holds.push(hold);
                }
            }
            self.images.push((reference, id));
        }
        Ok(())
    }
}

pub(crate) async fn preflight(app: &App, engine: &Engine, lab: &Lab) -> Result<()> {
    let fp = lab.footprint();
    let snap = engine.snapshot(&fp, None).await?;
    let missing: Vec<&String> = snap
        .images
        .iter()
        .filter(|(r, id)| id.is_none() && !fp.made_images.contains(*r))
        .map(|(r, _)| r)
        .collect();
    if !missing.is_empty() {
        return Err(Failure::BadInput(format!(
            "lab `{}` needs {} on the engine: run `docklings images {}` (or with --standin offline)",
            lab.id,
            missing
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(", "),
            lab.id
        )));
    }
    let busy = occupied(&fp, &snap);
    if busy.is_empty() {
        return Ok(());
    }
    let _ = app;
    Err(Failure::BadInput(format!(
        "selftest of `{}` needs a clean engine, but it already holds:\n  - {}\nRemove them yourself (docklings never touches what it did not create), then try again.",
        lab.id,
        busy.join("\n  - ")
    )))
}

/// What of a lab's is already on the engine (its containers and networks) or taken (its
/// ports): proving or grading over it would prove nothing and could touch someone's work.
pub(crate) fn occupied(
    fp: &crate::lab::Footprint,
    snap: &crate::snapshot::Snapshot,
) -> Vec<String> {
    let mut busy = Vec::new();
    for c in &snap.containers {
        busy.push(format!("container `{}` ({}, {})", c.name, c.image, c.state));
    }
    for n in &fp.networks {
        if snap.network(n).is_some() {
            busy.push(format!("network `{n}`"));
        }
    }
    for p in &fp.ports {
        if std::net::TcpListener::bind(("0.0.0.0", *p)).is_err() {
            busy.push(format!("port {p} (in use)"));
        }
    }
    busy
}

/// Runs the proof; `Ok(false)` when some step did not behave.
pub(crate) async fn prove(
    app: &App,
    engine: &Engine,
    lab: &Lab,
    ws: &Path,
    before: &Baseline,
) -> Result<bool> {
    crate::store::workspace::write_files(lab, ws, true).map_err(Failure::BadInput)?;
    let st = &app.style;
    out(&format!("{} {}\n", st.bold("selftest"), st.bold(&lab.id)));
    let mut sessions = Sessions::default();
    // What the lab needs comes first, as a learner makes it before step 1; the steps must
    // still fail with it in place, or they would pass by doing nothing.
    if let Some(needs) = &lab.needs {
        for action in &needs.solution {
            if let Err(e) = sessions.perform(action, ws).await {
                out(&format!("  {} needs: solution failed: {e}\n", st.bad("✗")));
                sessions.close_all();
                return Ok(false);
            }
        }
        let mut ok = true;
        for r in crate::preflight::needs_now(engine, lab, Lang::En).await? {
            if !r.passed {
                ok = false;
                out(&format!(
                    "  {} needs: still unmet after its solution: {}\n",
                    st.bad("✗"),
                    r.observed
                ));
            }
        }
        if !ok {
            sessions.close_all();
            return Ok(false);
        }
        out(&format!("  {} needs: made by its solution\n", st.ok("✓")));
    }
    // Events from before this moment are not ours to count.
    let since = crate::engine::now_nano();
    let mut ctx = Ctx::new(engine, lab, Lang::En, since);
    ctx.spare = before.spare.clone();
    let mut ok = true;
    let clean = ctx.judge().await?;
    for (step, r) in lab.steps.iter().zip(&clean) {
        if r.passed && is_precondition(lab, step) {
            out(&format!(
                "  {} {}: passes on a clean engine because its image is there already \
                 (a precondition: `docklings images` prepares it)\n",
                st.dim("·"),
                step.id
            ));
        } else if r.passed {
            ok = false;
            out(&format!(
                "  {} {}: passes on a clean engine — it would pass by doing nothing\n",
                st.bad("✗"),
                step.id
            ));
        }
    }
    if ok {
        out(&format!(
            "  {} every step fails on the clean engine\n",
            st.ok("✓")
        ));
    }
    let result = async {
        for step in &lab.steps {
            for (k, action) in step.solution.iter().enumerate() {
                // A `sequence` step's acts are judged as they happen, as a watching learner's
                // would be: by its last act the first one's container may be gone.
                if step.sequence && k > 0 {
                    settle_part(&ctx, step).await?;
                }
                match sessions.perform(action, ws).await {
                    Ok(Some(answer)) => {
                        ctx.answers.insert(step.id.clone(), answer);
                    }
                    Ok(None) => {}
                    Err(e) => {
                        out(&format!(
                            "  {} {}: solution failed: {e}\n",
                            st.bad("✗"),
                            step.id
                        ));
                        return Ok::<bool, Failure>(false);
                    }
                }
            }
            let r = settle(&ctx, &step.id).await?;
            if r.passed {
                out(&format!(
                    "  {} {} passes after its solution\n",
                    st.ok("✓"),
                    step.id
                ));
            } else {
                ok = false;
                out(&format!(
                    "  {} {} still fails after its solution\n",
                    st.bad("✗"),
                    step.id
                ));
                for c in r.checks.iter().filter(|c| !c.passed) {
                    out(&format!(
                        "      [{}] expected: {}\n      observed: {}\n",
                        c.kind, c.expected, c.observed
                    ));
                    // The engine, not the lab, is why: the author needs to know that.
                    if c.code == crate::verdict::Code::EventUnwitnessed.as_str() {
                        out(&format!("      {}\n", c.message));
                    }
                }
            }
        }
        Ok(ok)
    }
    .await;
    sessions.close_all();
    result
}

/// A step that only asks for one of the lab's own images to be present ("pull the image")
/// is met before anything is done: selftest needs those images to run the lab at all, and
/// offline they are stand-ins that no pull could fetch. It is reported, not failed.
fn is_precondition(lab: &Lab, step: &crate::lab::Step) -> bool {
    !step.checks.is_empty()
        && step.checks.iter().all(|c| match &c.kind {
            crate::check::CheckKind::Image(i) => {
                !i.absent
                    && lab
                        .images
                        .iter()
                        .any(|l| crate::standin::normalize(l) == crate::standin::normalize(&i.name))
            }
            _ => false,
        })
}

/// Judge the lab until the step passes or [`SETTLE`] runs out. The same `Ctx` judges
/// every step, so passes stick and later steps count from earlier ones, as for a learner.
async fn settle(ctx: &Ctx<'_, Engine>, step: &str) -> Result<StepResult> {
    let deadline = Instant::now() + SETTLE;
    loop {
        let results = ctx.judge().await?;
        let Some(r) = results.into_iter().find(|r| r.id == step) else {
            return Err(Failure::BadInput(format!("no step `{step}`")));
        };
        if r.passed || Instant::now() >= deadline {
            return Ok(r);
        }
        tokio::time::sleep(crate::check::POLL).await;
    }
}

/// Judge until one more of a `sequence` step's checks passed, or [`SETTLE`] runs out (an
/// act that completes no check, like typing before the output shows, is fine).
async fn settle_part(ctx: &Ctx<'_, Engine>, step: &crate::lab::Step) -> Result<()> {
    let parts = || {
        ctx.parts
            .borrow()
            .keys()
            .filter(|(id, _)| id == &step.id)
            .count()
    };
    let before = parts();
    let deadline = Instant::now() + SETTLE;
    loop {
        ctx.judge().await?;
        if parts() > before || parts() == step.checks.len() || Instant::now() >= deadline {
            return Ok(());
        }
        tokio::time::sleep(crate::check::POLL).await;
    }
}

/// Remove new containers and networks that belong to the lab. Anything else that appeared
/// meanwhile (the learner's own work in another terminal) is left alone.
pub(crate) async fn cleanup(engine: &Engine, lab: &Lab, before: &Baseline) -> Result<usize> {
    let set = lab_leftovers(engine, lab, before).await?;
    let removed = engine.remove_exactly(&set).await;
    match removed.failure("remove what the solutions created") {
        Some(e) => Err(e.into()),
        None => Ok(removed.containers + removed.networks),
    }
}

/// What the solutions created: containers new since `before` that run the lab's images,
/// carry its names or sit on its networks, and its networks that are new.
async fn lab_leftovers(engine: &Engine, lab: &Lab, before: &Baseline) -> Result<Leftovers> {
    let fp = lab.footprint();
    let mut image_ids = HashSet::new();
    for i in &fp.images {
        if let Some(id) = engine.image_id(i).await? {
            image_ids.insert(id);
        }
    }
    let networks = engine
        .networks(&fp.networks.iter().cloned().collect())
        .await?;
    let lab_net_ids: HashSet<&str> = networks
        .iter()
        .filter(|n| fp.networks.contains(&n.name))
        .map(|n| n.id.as_str())
        .collect();
    let mut set = Leftovers::default();
    images_back(engine, before, &mut set).await?;
    for s in engine.summaries().await? {
        if before.containers.contains(&s.id) {
            continue;
        }
        let ours = image_ids.contains(&s.image_id) || fp.names.contains(&s.name) || {
            match engine.container(&s.id).await? {
                Some(c) => c
                    .networks
                    .iter()
                    .any(|a| lab_net_ids.contains(a.network_id.as_str())),
                None => false,
            }
        };
        if ours {
            set.containers.push(s.id);
        }
    }
    set.networks = networks
        .into_iter()
        .filter(|n| !before.networks.contains(&n.id) && fp.networks.contains(&n.name))
        .map(|n| n.id)
        .collect();
    set.networks.extend(before.guards.iter().cloned());
    Ok(set)
}

/// The lab's image references as they were: a reference the solutions removed or moved is
/// pointed back, one they created (`docker commit`) is removed, and the holds come off.
async fn images_back(engine: &Engine, before: &Baseline, set: &mut Leftovers) -> Result<()> {
    let kept: HashSet<&str> = before
        .images
        .iter()
        .filter_map(|(_, id)| id.as_deref())
        .collect();
    for (reference, was) in &before.images {
        let now = engine.image_id(reference).await?;
        match (was, now) {
            (Some(was), now) if now.as_deref() != Some(was.as_str()) => {
                set.retag.push((reference.clone(), was.clone()));
            }
            (None, Some(now)) if !kept.contains(now.as_str()) => set.images.push(now),
            (None, Some(_)) => set.untag.push(reference.clone()),
            _ => {}
        }
    }
    set.untag.extend(before.holds.iter().cloned());
    Ok(())
}

/// The learner's stand-in folder for the solutions' commands.
pub(crate) fn tempdir() -> Result<crate::store::temp::TempDir> {
    crate::store::temp::TempDir::new("selftest")
}

/// Interactive sessions opened by `tty` actions, kept across steps like a learner's open
/// terminal.
#[derive(Default)]
struct Sessions {
    open: BTreeMap<String, Session>,
}

struct Session {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    output: Arc<Mutex<Vec<u8>>>,
    // Kept so the terminal stays open while the session lives.
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Session {
    fn text(&self) -> String {
        let buf = self.output.lock().map(|b| b.clone()).unwrap_or_default();
        String::from_utf8_lossy(&buf).into_owned()
    }

    /// Wait until the output after `from` contains `want`.
    async fn expect(&self, want: &str, from: usize) -> std::result::Result<(), String> {
        let deadline = Instant::now() + EXPECT_TIMEOUT;
        loop {
            let t = self.text();
            if t.get(from..).unwrap_or("").contains(want) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "waited {}s for `{want}`; the terminal shows: {}",
                    EXPECT_TIMEOUT.as_secs(),
                    t.chars()
                        .rev()
                        .take(200)
                        .collect::<String>()
                        .chars()
                        .rev()
                        .collect::<String>()
                        .trim()
                ));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn len(&self) -> usize {
        self.output.lock().map(|b| b.len()).unwrap_or(0)
    }
}

impl Sessions {
    /// Do one action; an `answer` action returns the answer it read.
    async fn perform(
        &mut self,
        action: &Action,
        ws: &Path,
    ) -> std::result::Result<Option<String>, String> {
        match action {
            Action::Run(cmd) => run_command(cmd, ws).await.map(|_| None),
            Action::Answer(cmd) => {
                let out = run_command(cmd, ws).await?;
                // What a learner would copy: the first word of the first line.
                let word = out.split_whitespace().next().unwrap_or("").to_owned();
                if word.is_empty() {
                    return Err(format!("`{cmd}` printed nothing to answer with"));
                }
                Ok(Some(word))
            }
            Action::Tty {
                session,
                command,
                expect,
            } => {
                let s = open_session(command, ws)?;
                if let Some(want) = expect {
                    s.expect(want, 0).await?;
                } else {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                self.open.insert(session.clone(), s);
                Ok(None)
            }
            Action::Send {
                session,
                text,
                expect,
            } => {
                let s = self
                    .open
                    .get_mut(session)
                    .ok_or_else(|| format!("no open session `{session}`"))?;
                let from = s.len();
                s.writer
                    .write_all(format!("{text}\r").as_bytes())
                    .and_then(|_| s.writer.flush())
                    .map_err(|e| format!("typing into `{session}` failed: {e}"))?;
                match expect {
                    Some(want) => s.expect(want, from).await.map(|_| None),
                    None => {
                        tokio::time::sleep(Duration::from_millis(500)).await;
                        Ok(None)
                    }
                }
            }
        }
    }

    fn close_all(&mut self) {
        for (_, mut s) in std::mem::take(&mut self.open) {
            // Leave the shell politely first so the container sees a normal exit.
            let _ = s.writer.write_all(b"exit\r");
            let _ = s.writer.flush();
            let deadline = Instant::now() + Duration::from_secs(2);
            while Instant::now() < deadline {
                if matches!(s.child.try_wait(), Ok(Some(_))) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = s.child.kill();
            let _ = s.child.wait();
        }
    }
}

fn open_session(command: &str, ws: &Path) -> std::result::Result<Session, String> {
    let pty = portable_pty::native_pty_system();
    let pair = pty
        .openpty(portable_pty::PtySize {
            rows: 24,
            cols: 100,
            pixel_width: 0,
            pixel_height: 0,
        })
        .map_err(|e| format!("cannot open a pseudo-terminal: {e}"))?;
    let mut cmd = portable_pty::CommandBuilder::new("sh");
    cmd.args(["-c", command]);
    cmd.cwd(ws);
    let child = pair
        .slave
        .spawn_command(cmd)
        .map_err(|e| format!("cannot start `{command}`: {e}"))?;
    drop(pair.slave);
    let mut reader = pair
        .master
        .try_clone_reader()
        .map_err(|e| format!("cannot read the terminal: {e}"))?;
    let writer = pair
        .master
        .take_writer()
        .map_err(|e| format!("cannot write to the terminal: {e}"))?;
    let output = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&output);
    // The pty reader blocks; a plain thread drains it until the session ends.
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            if let Ok(mut o) = sink.lock()
                && o.len() < 1024 * 1024
            {
                o.extend_from_slice(&buf[..n]);
            }
        }
    });
    Ok(Session {
        child,
        writer,
        output,
        _master: pair.master,
    })
}

/// Run a shell command to completion; its stdout when it exits 0.
async fn run_command(cmd: &str, ws: &Path) -> std::result::Result<String, String> {
    let child = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .current_dir(ws)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot run `{cmd}`: {e}"))?;
    match tokio::time::timeout(RUN_TIMEOUT, child.wait_with_output()).await {
        Err(_) => Err(format!(
            "`{cmd}` did not finish within {}s",
            RUN_TIMEOUT.as_secs()
        )),
        Ok(Err(e)) => Err(format!("`{cmd}`: {e}")),
        Ok(Ok(o)) if o.status.success() => Ok(String::from_utf8_lossy(&o.stdout).into_owned()),
        Ok(Ok(o)) => Err(format!(
            "`{cmd}` exited with {}: {}",
            o.status.code().map_or("a signal".into(), |c| c.to_string()),
            String::from_utf8_lossy(&o.stderr).trim()
        )),
    }
}
