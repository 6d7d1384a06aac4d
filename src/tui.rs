//! `docklings start`: the guided session in a real terminal. This module is the driver: it
//! owns the terminal (raw mode, alternate screen, restored on every exit), turns key presses
//! and engine events into calls on [`Session`], and persists progress. All drawing decisions
//! live in `session.rs`.

use std::io::Write;

use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::{cursor, execute, queue, terminal};

use crate::app::{App, Failure, Result};
use crate::check::Ctx;
use crate::engine::Engine;
use crate::lab::{Catalog, Lab, Lang};
use crate::progress::Store;
use crate::session::{Effect, Key, Session};
use crate::watch::{Trigger, check_all, needs_safety_recheck};

fn t(lang: Lang, en: &str, ko: &str) -> String {
    match lang {
        Lang::En => en.to_owned(),
        Lang::Ko => ko.to_owned(),
    }
}

/// Why `start` cannot run here, and what works instead.
pub fn no_terminal(lang: Lang) -> Failure {
    Failure::BadInput(t(
        lang,
        "`docklings start` is interactive and needs a terminal (stdin and stderr are not one, or CI is set).\n\
         Without one, use:\n  docklings show LAB      the steps\n  docklings check LAB     check them once\n  \
         docklings watch LAB     re-check on every engine change, a line per verdict\n  docklings grade --all   score for CI",
        "`docklings start` 는 대화형이라 터미널이 필요합니다 (표준 입력이나 표준 오류가 터미널이 아니거나 CI 환경입니다).\n\
         터미널 없이 쓸 수 있는 명령:\n  docklings show LAB      단계 보기\n  docklings check LAB     한 번 확인하기\n  \
         docklings watch LAB     엔진이 바뀔 때마다 다시 확인 (판정마다 한 줄)\n  docklings grade --all   CI 채점",
    ))
}

/// Pick a lab from a list showing progress.
fn pick_lab<'c>(app: &App, cat: &'c Catalog, store: &Store) -> Result<&'c Lab> {
    let (progress, _) = store.load();
    let items: Vec<String> = cat
        .labs
        .iter()
        .map(|l| {
            let done = progress
                .labs
                .get(&l.id)
                .map_or(0, |p| l.steps.iter().filter(|s| p.passed(&s.id)).count());
            format!(
                "{:<18} {}/{}  {}",
                l.id,
                done,
                l.steps.len(),
                l.title.get(app.lang)
            )
        })
        .collect();
    let theme = dialoguer::theme::SimpleTheme;
    let choice = dialoguer::Select::with_theme(&theme)
        .with_prompt(t(app.lang, "Which lab?", "어떤 실습을 할까요?"))
        .items(&items)
        .default(0)
        .interact_opt()
        .map_err(|e| Failure::BadInput(e.to_string()))?;
    match choice {
        Some(i) => Ok(&cat.labs[i]),
        None => Err(Failure::BadInput(t(
            app.lang,
            "no lab chosen",
            "실습을 고르지 않았습니다",
        ))),
    }
}

/// Before the first step: make sure the lab's images are there, offering to get them. A
/// failed pull (offline) brings the choice back rather than ending the session.
async fn ensure_images(app: &App, engine: &Engine, lab: &Lab) -> Result<()> {
    loop {
        let mut missing = Vec::new();
        for i in &lab.footprint().images {
            if engine.image_id(i).await?.is_none() {
                missing.push(i.clone());
            }
        }
        if missing.is_empty() {
            return Ok(());
        }
        let options = [
            t(
                app.lang,
                "Pull them now (needs internet)",
                "지금 내려받기 (인터넷 필요)",
            ),
            t(
                app.lang,
                "Build offline stand-ins from busybox",
                "busybox 로 오프라인 대체 이미지 만들기",
            ),
            t(app.lang, "Continue without them", "없이 계속하기"),
        ];
        let choice = dialoguer::Select::with_theme(&dialoguer::theme::SimpleTheme)
            .with_prompt(t(
                app.lang,
                &format!(
                    "This lab uses {}, which the engine does not have",
                    missing.join(", ")
                ),
                &format!(
                    "이 실습에 필요한 {} 이미지가 엔진에 없습니다",
                    missing.join(", ")
                ),
            ))
            .items(&options)
            .default(0)
            .interact_opt()
            .map_err(|e| Failure::BadInput(e.to_string()))?;
        let busybox = std::path::Path::new(crate::standin::DEFAULT_BUSYBOX);
        let res = match choice {
            Some(0) => crate::images::run(app, &[lab], false, busybox, false).await,
            Some(1) => crate::images::run(app, &[lab], true, busybox, false).await,
            Some(_) => return Ok(()),
            None => return Err(Failure::BadInput(t(app.lang, "cancelled", "취소했습니다"))),
        };
        match res {
            Ok(()) => {}
            Err(Failure::Engine(e)) => return Err(Failure::Engine(e)),
            Err(e) => eprintln!("{} {e}", app.style.warn("!")),
        }
    }
}

/// Puts the terminal back however we leave (return, error or panic).
struct TerminalGuard;

impl TerminalGuard {
    fn enter() -> std::io::Result<TerminalGuard> {
        terminal::enable_raw_mode()?;
        execute!(
            std::io::stdout(),
            terminal::EnterAlternateScreen,
            cursor::Hide
        )?;
        Ok(TerminalGuard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = execute!(
            std::io::stdout(),
            cursor::Show,
            terminal::LeaveAlternateScreen
        );
        let _ = terminal::disable_raw_mode();
    }
}

enum Input {
    Key(Key),
    Quit,
    Resize,
}

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

fn draw(session: &Session, app: &App) -> std::io::Result<()> {
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

fn save(store: &Store, session: &Session) -> Result<()> {
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
                }
                sp.hints_used = sp.hints_used.max(st.hints_shown);
                sp.solved_with_help |= st.solution_shown;
            }
        })
        .map(|_| ())
        .map_err(Failure::BadInput)
}

pub async fn run(app: &App, lab_id: Option<String>) -> Result<()> {
    if !crate::app::interactive() {
        return Err(no_terminal(app.lang));
    }
    let cat = app.catalog()?;
    let store = Store::default_location();
    let lab = match lab_id {
        Some(id) => cat.get(&id).ok_or_else(|| {
            Failure::BadInput(format!(
                "there is no lab `{id}`. Labs: {}",
                cat.ids().join(", ")
            ))
        })?,
        None => pick_lab(app, &cat, &store)?,
    };
    let engine = Engine::connect().await?;
    ensure_images(app, &engine, lab).await?;

    // Load progress (a damaged file is set aside with a warning, never a crash) and note
    // when the lab started: engine events before that are not this lab's work.
    let (progress, warning) = store
        .update(|p| {
            let lp = p.labs.entry(lab.id.clone()).or_default();
            if lp.started_at.is_none() {
                lp.started_at = Some(crate::engine::unix_now());
            }
        })
        .map_err(Failure::BadInput)?;
    if let Some(w) = &warning {
        eprintln!("{} {w}", app.style.warn("warning:"));
        std::thread::sleep(std::time::Duration::from_secs(2));
    }
    let lp = progress.labs.get(&lab.id).cloned().unwrap_or_default();
    let mut session = Session::new(lab, app.lang);
    session.answers = lp.answers.clone();
    session.workspace = crate::store::workspace::prepare(lab).map_err(Failure::BadInput)?;
    for (st, step) in session.steps.iter_mut().zip(&lab.steps) {
        if let Some(sp) = lp.steps.get(&step.id) {
            st.passed = sp.passed_at.is_some();
            st.passed_at = sp.passed_at;
            st.hints_shown = sp.hints_used.min(step.hints.len() as u32);
            st.solution_shown = sp.solved_with_help;
        }
    }
    session.current = lp
        .current_step
        .as_deref()
        .and_then(|id| lab.steps.iter().position(|s| s.id == id))
        .or_else(|| session.steps.iter().position(|s| !s.passed))
        .unwrap_or(0);
    let since = lp.started_at.unwrap_or_else(crate::engine::unix_now) * 1_000_000_000;
    let mut ctx = Ctx::new(&engine, lab, app.lang, since);
    ctx.retry = false;

    let (tx, mut rx) = tokio::sync::mpsc::channel::<Input>(64);
    // crossterm's reader blocks; it gets a thread of its own for the life of the process.
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

    let mut trigger = Trigger::new(&engine);
    let guard = TerminalGuard::enter()
        .map_err(|e| Failure::BadInput(format!("cannot use the terminal: {e}")))?;
    let mut check_now = true;
    let result: Result<()> = async {
        loop {
            if check_now {
                session.checking = true;
                let _ = draw(&session, app);
                ctx.answers = session.answers.clone();
                let results = check_all(&ctx, lab).await?;
                let effects = session.on_results(results, crate::engine::unix_now());
                if effects.contains(&Effect::Save) {
                    save(&store, &session)?;
                }
                check_now = false;
            }
            let _ = draw(&session, app);
            let safety = session
                .steps
                .iter()
                .any(|st| st.last.as_ref().is_some_and(needs_safety_recheck));
            tokio::select! {
                input = rx.recv() => match input {
                    Some(Input::Key(k)) => {
                        for e in session.on_key(k) {
                            match e {
                                Effect::Save => save(&store, &session)?,
                                Effect::CheckNow => check_now = true,
                                Effect::Quit => return Ok(()),
                            }
                        }
                    }
                    Some(Input::Resize) => {}
                    Some(Input::Quit) | None => {
                        save(&store, &session)?;
                        return Ok(());
                    }
                },
                _ = trigger.next(safety) => check_now = true,
            }
        }
    }
    .await;
    drop(guard);
    let done = session.steps.iter().filter(|s| s.passed).count();
    eprintln!(
        "{}",
        t(
            app.lang,
            &format!(
                "{}: {done}/{} steps done. `docklings start {}` resumes.",
                lab.id,
                lab.steps.len(),
                lab.id
            ),
            &format!(
                "{}: {}단계 중 {done}단계 완료. `docklings start {}` 로 이어서 할 수 있습니다.",
                lab.id,
                lab.steps.len(),
                lab.id
            ),
        )
    );
    result
}
