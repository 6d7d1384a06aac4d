//! The guided session in a real terminal (`docklings start`). This module is the driver: it
//! owns the terminal (raw mode, alternate screen, restored on every exit), turns key presses
//! and engine events into calls on [`GuidedSession`], and persists progress. All drawing
//! decisions live in `session.rs`; choosing the lab and getting ready is the command's.

use std::io::Write;

use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::{cursor, execute, queue, terminal};

use crate::app::{App, Failure, Result};
use crate::check::Ctx;
use crate::engine::Engine;
use crate::progress::Store;
use crate::session::{Effect, GuidedSession, Key};
use crate::watch::{Trigger, check_all, needs_safety_recheck, output_to_follow};

/// Raw mode and the alternate screen for as long as it lives; dropping it puts the terminal
/// back however we leave (return, error or panic). Not called a guard: that word belongs to
/// the engine guard that keeps a submission off what it did not create.
struct TerminalRestore;

impl TerminalRestore {
    fn enter() -> std::io::Result<TerminalRestore> {
        terminal::enable_raw_mode()?;
        execute!(
            std::io::stdout(),
            terminal::EnterAlternateScreen,
            cursor::Hide
        )?;
        Ok(TerminalRestore)
    }
}

impl Drop for TerminalRestore {
    fn drop(&mut self) {
        let _ = execute!(
            std::io::stdout(),
            cursor::Show,
            terminal::LeaveAlternateScreen
        );
        let _ = terminal::disable_raw_mode();
    }
}

/// What the terminal sent that the session cares about.
enum Input {
    Key(Key),
    Quit,
    Resize,
}

/// A key press as the session's [`Key`]; Ctrl-C and Ctrl-D quit (raw mode turns them into
/// plain keys), releases and unknown keys are dropped.
fn map_key(k: KeyEvent) -> Option<Input> {
    if k.kind == KeyEventKind::Release {
        return None;
    }
    if k.modifiers.contains(KeyModifiers::CONTROL)
        && matches!(k.code, KeyCode::Char('c') | KeyCode::Char('d'))
    {
        return Some(Input::Quit);
    }
    let key = match k.code {
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Left => Key::Left,
        KeyCode::Right => Key::Right,
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        KeyCode::Enter => Key::Enter,
        KeyCode::Esc => Key::Esc,
        KeyCode::Backspace => Key::Backspace,
        _ => return None,
    };
    Some(Input::Key(key))
}

/// Draw the whole screen at once, so a slow terminal never shows half a frame.
fn draw(session: &GuidedSession, app: &App) -> std::io::Result<()> {
    let (w, h) = terminal::size().unwrap_or((80, 24));
    let lines = session.draw(w as usize, h as usize, &app.style);
    let mut out = std::io::stdout().lock();
    queue!(
        out,
        terminal::BeginSynchronizedUpdate,
        cursor::MoveTo(0, 0),
        terminal::Clear(terminal::ClearType::All)
    )?;
    out.write_all(lines.join("\r\n").as_bytes())?;
    queue!(out, terminal::EndSynchronizedUpdate)?;
    out.flush()
}

/// Record the session in the progress file: a passed step stays passed, and help seen is
/// never forgotten.
fn save_progress(store: &Store, session: &GuidedSession) -> Result<()> {
    let lab = session.lab;
    store
        .update(|p| {
            let lp = p.labs.entry(lab.id.clone()).or_default();
            lp.current_step = Some(lab.steps[session.current].id.clone());
            lp.answers = session.answers.clone();
            for (st, step) in session.steps.iter().zip(&lab.steps) {
                let sp = lp.steps.entry(step.id.clone()).or_default();
                if st.passed && sp.passed_at.is_none() {
                    sp.passed_at = st.passed_at;
                    sp.evidence_at = st.evidence_at;
                }
                sp.hints_used = sp.hints_used.max(st.hints_shown);
                sp.solved_with_help |= st.solution_shown;
            }
        })
        .map(|_| ())
        .map_err(Failure::Io)
}

/// Run the session until the learner quits, re-checking on every engine change and saving
/// progress as it changes. The terminal is restored before this returns, however it ends.
/// `since` (Unix nanoseconds): engine events before it are not this lab's work.
pub(crate) async fn drive(
    app: &App,
    engine: &Engine,
    session: &mut GuidedSession<'_>,
    store: &Store,
    since: i64,
) -> Result<()> {
    let lab = session.lab;
    // The trigger first, so its event stream is open before the first check; its probe
    // gives checks what it has seen, which a busy engine may have forgotten.
    let mut trigger = Trigger::new(engine);
    let watched = trigger.probe();
    let mut ctx = Ctx::new(&watched, lab, app.lang, since);
    ctx.retry = false;
    // Passes saved earlier stick, and later steps count from them.
    *ctx.passed.borrow_mut() = session.passes();
    let mut input = read_terminal_input();
    let restore = TerminalRestore::enter()
        .map_err(|e| Failure::Io(format!("cannot use the terminal: {e}")))?;
    let mut check_now = true;
    let result: Result<()> = async {
        loop {
            if check_now {
                session.checking = true;
                let _ = draw(session, app);
                ctx.answers = session.answers.clone();
                let results = check_all(&ctx, lab).await?;
                let effects = session.on_results(results, crate::engine::unix_now());
                if effects.contains(&Effect::Save) {
                    save_progress(store, session)?;
                }
                check_now = false;
            }
            let _ = draw(session, app);
            let safety = session
                .steps
                .iter()
                .any(|st| st.last.as_ref().is_some_and(needs_safety_recheck));
            trigger.follow_output(output_to_follow(
                session.steps.iter().filter_map(|st| st.last.as_ref()),
            ));
            tokio::select! {
                got = input.recv() => match got {
                    Some(Input::Key(k)) => {
                        for e in session.on_key(k) {
                            match e {
                                Effect::Save => save_progress(store, session)?,
                                Effect::CheckNow => check_now = true,
                                Effect::Quit => return Ok(()),
                            }
                        }
                    }
                    Some(Input::Resize) => {}
                    Some(Input::Quit) | None => {
                        save_progress(store, session)?;
                        return Ok(());
                    }
                },
                _ = trigger.next(safety) => check_now = true,
            }
        }
    }
    .await;
    drop(restore);
    result
}

/// Key presses and resizes, read on a thread of their own: crossterm's reader blocks, so it
/// gets that thread for the life of the process.
fn read_terminal_input() -> tokio::sync::mpsc::Receiver<Input> {
    let (tx, rx) = tokio::sync::mpsc::channel::<Input>(64);
    std::thread::spawn(move || {
        while let Ok(ev) = crossterm::event::read() {
            let input = match ev {
                TermEvent::Key(k) => map_key(k),
                TermEvent::Resize(..) => Some(Input::Resize),
                _ => None,
            };
            if let Some(i) = input
                && tx.blocking_send(i).is_err()
            {
                break;
            }
        }
    });
    rx
}
