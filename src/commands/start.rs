//! `docklings start [LAB]`: choose a lab (from a list when none is named), make sure its
//! images are there, and run the guided session in the terminal (`tui`), resuming saved
//! progress.

use crate::app::{App, Failure, Result};
use crate::engine::Engine;
use crate::lab::{Catalog, Lab, Lang};
use crate::progress::Store;
use crate::session::GuidedSession;
use crate::words::pick;

pub(crate) async fn run(app: &App, id: Option<&str>) -> Result<()> {
    if !crate::app::interactive() {
        return Err(no_terminal(app.lang));
    }
    let cat = app.catalog()?;
    let store = Store::default_location();
    let lab = match id {
        Some(id) => crate::lookup::lab(&cat, id)?,
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
        .map_err(Failure::Io)?;
    if let Some(w) = &warning {
        eprintln!("{} {w}", app.style.warn("warning:"));
        // Long enough to read before the session takes over the screen.
        std::thread::sleep(std::time::Duration::from_secs(2));
    }
    let saved = progress.labs.get(&lab.id).cloned().unwrap_or_default();
    let mut session = GuidedSession::resume(lab, app.lang, &saved);
    session.workspace = crate::store::workspace::prepare(lab).map_err(Failure::Io)?;
    let since = saved.started_at.unwrap_or_else(crate::engine::unix_now) * 1_000_000_000;
    clear_the_way(app, &engine, &cat, lab, since).await?;

    let had = present_images(&engine, &cat).await;
    let result = crate::tui::drive(app, &engine, &mut session, &store, since).await;
    offer_restore(app, &engine, &cat, &had).await;
    let done = session.steps.iter().filter(|s| s.passed).count();
    eprintln!(
        "{}",
        pick(
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
            )
        )
        .to_owned()
    );
    result
}

/// Before the session takes over the screen: say what the lab needs and what other labs
/// (or anything else) left in its way, and offer to remove what docklings labs left.
async fn clear_the_way(
    app: &App,
    engine: &Engine,
    cat: &Catalog,
    lab: &Lab,
    since: i64,
) -> Result<()> {
    let p = crate::preflight::look(engine, cat, lab, app.lang, since).await?;
    if p.clear() {
        return Ok(());
    }
    eprint!(
        "{}",
        crate::preflight::render(&p, lab, app.lang, &app.style)
    );
    let set = p.removable();
    let n = set.containers.len() + set.networks.len();
    if n > 0 {
        let yes = dialoguer::Confirm::with_theme(&dialoguer::theme::SimpleTheme)
            .with_prompt(pick(
                app.lang,
                format!(
                    "Remove the {n} thing(s) other docklings labs left? Nothing else is touched."
                ),
                format!(
                    "다른 docklings 실습이 남긴 {n}개를 지울까요? 다른 것은 건드리지 않습니다."
                ),
            ))
            .default(false)
            .interact_opt()
            .map_err(|e| Failure::Io(format!("cannot ask on the terminal: {e}")))?;
        if yes == Some(true) {
            let removed = engine.remove_exactly(&set).await;
            if let Some(e) = removed.failure("remove other labs' leftovers") {
                eprintln!("{} {e}", app.style.warn("warning:"));
            } else {
                eprintln!(
                    "{} {}",
                    app.style.ok("✓"),
                    pick(
                        app.lang,
                        format!(
                            "removed {} container(s), {} network(s)",
                            removed.containers, removed.networks
                        ),
                        format!(
                            "컨테이너 {}개, 네트워크 {}개를 지웠습니다",
                            removed.containers, removed.networks
                        ),
                    )
                );
            }
        }
    }
    // The session clears the screen: let the learner read this first.
    eprint!(
        "{}",
        pick(
            app.lang,
            "Press Enter to begin… ",
            "Enter 를 누르면 시작합니다… "
        )
    );
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| Failure::Io(format!("cannot read the terminal: {e}")))?;
    Ok(())
}

/// The labs' images the engine has now.
async fn present_images(engine: &Engine, cat: &Catalog) -> Vec<String> {
    let all: Vec<&Lab> = cat.labs.iter().collect();
    let mut v = Vec::new();
    for i in crate::images::wanted(&all) {
        if matches!(engine.image_id(&i).await, Ok(Some(_))) {
            v.push(i);
        }
    }
    v
}

/// After a session: a prune (week1-practice's last problem) may have taken the labs'
/// images with it. Say which of those there before are gone, and offer to get them back.
async fn offer_restore(app: &App, engine: &Engine, cat: &Catalog, had: &[String]) {
    let now = present_images(engine, cat).await;
    let missing: Vec<String> = had.iter().filter(|i| !now.contains(i)).cloned().collect();
    if missing.is_empty() {
        return;
    }
    eprintln!(
        "{} {}",
        app.style.warn("!"),
        pick(
            app.lang,
            format!(
                "{} of the labs' images are gone (a prune takes them): {}",
                missing.len(),
                missing.join(", ")
            ),
            format!(
                "실습 이미지 {}개가 없습니다 (prune 이 지웠을 수 있습니다): {}",
                missing.len(),
                missing.join(", ")
            ),
        )
    );
    let yes = dialoguer::Confirm::with_theme(&dialoguer::theme::SimpleTheme)
        .with_prompt(pick(
            app.lang,
            "Get them back now (`docklings images`)?",
            "지금 되돌릴까요 (`docklings images`)?",
        ))
        .default(true)
        .interact_opt();
    if !matches!(yes, Ok(Some(true))) {
        return;
    }
    if let Err(e) = crate::images::provide(app, engine, &missing, None).await {
        eprintln!(
            "{} {e}\n{}",
            app.style.warn("warning:"),
            pick(
                app.lang,
                "Offline? `docklings images --standin` builds stand-ins instead.",
                "오프라인인가요? `docklings images --standin` 으로 대역 이미지를 만들 수 있습니다.",
            )
        );
    }
}

/// Why `start` cannot run here, and what works instead.
fn no_terminal(lang: Lang) -> Failure {
    Failure::BadInput(pick(lang, "`docklings start` is interactive and needs a terminal (stdin and stderr are not one, or CI is set).\n\
         Without one, use:\n  docklings show LAB      the steps\n  docklings check LAB     check them once\n  \
         docklings watch LAB     re-check on every engine change, a line per verdict\n  docklings grade --all   score for CI", "`docklings start` 는 대화형이라 터미널이 필요합니다 (표준 입력이나 표준 오류가 터미널이 아니거나 CI 환경입니다).\n\
         터미널 없이 쓸 수 있는 명령:\n  docklings show LAB      단계 보기\n  docklings check LAB     한 번 확인하기\n  \
         docklings watch LAB     엔진이 바뀔 때마다 다시 확인 (판정마다 한 줄)\n  docklings grade --all   CI 채점").to_owned())
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
        .with_prompt(pick(app.lang, "Which lab?", "어떤 실습을 할까요?").to_owned())
        .items(&items)
        .default(0)
        .interact_opt()
        .map_err(|e| Failure::Io(format!("cannot ask on the terminal: {e}")))?;
    match choice {
        Some(i) => Ok(&cat.labs[i]),
        None => Err(Failure::BadInput(
            pick(app.lang, "no lab chosen", "실습을 고르지 않았습니다").to_owned(),
        )),
    }
}

/// Before the first step: make sure the lab's images are there, offering to get them. A
/// failed pull (offline) brings the choice back rather than ending the session.
async fn ensure_images(app: &App, engine: &Engine, lab: &Lab) -> Result<()> {
    loop {
        let mut missing = Vec::new();
        for i in &lab.footprint().needed_images() {
            if engine.image_id(i).await?.is_none() {
                missing.push(i.clone());
            }
        }
        if missing.is_empty() {
            return Ok(());
        }
        let options = [
            pick(
                app.lang,
                "Pull them now (needs internet)",
                "지금 내려받기 (인터넷 필요)",
            )
            .to_owned(),
            pick(
                app.lang,
                "Build offline stand-ins from busybox",
                "busybox 로 오프라인 대체 이미지 만들기",
            )
            .to_owned(),
            pick(app.lang, "Continue without them", "없이 계속하기").to_owned(),
        ];
        let choice = dialoguer::Select::with_theme(&dialoguer::theme::SimpleTheme)
            .with_prompt(
                pick(
                    app.lang,
                    &format!(
                        "This lab uses {}, which the engine does not have",
                        missing.join(", ")
                    ),
                    &format!(
                        "이 실습에 필요한 {} 이미지가 엔진에 없습니다",
                        missing.join(", ")
                    ),
                )
                .to_owned(),
            )
            .items(&options)
            .default(0)
            .interact_opt()
            .map_err(|e| Failure::Io(format!("cannot ask on the terminal: {e}")))?;
        let busybox = std::path::Path::new(crate::standin::DEFAULT_BUSYBOX);
        let images = crate::images::wanted(&[lab]);
        let res = match choice {
            Some(0) => crate::images::provide(app, engine, &images, None).await,
            Some(1) => crate::images::provide(app, engine, &images, Some(busybox)).await,
            Some(_) => return Ok(()),
            None => {
                return Err(Failure::BadInput(
                    pick(app.lang, "cancelled", "취소했습니다").to_owned(),
                ));
            }
        };
        match res {
            Ok(()) => {}
            Err(Failure::Engine(e)) => return Err(Failure::Engine(e)),
            Err(e) => eprintln!("{} {e}", app.style.warn("!")),
        }
    }
}
