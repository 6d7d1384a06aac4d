//! `docklings reset LAB`: list what the lab is about on the engine, ask, and remove it.

use crate::app::{App, Failure, Result, out};
use crate::engine::Engine;
use crate::lab::Lang;
use crate::words::pick;

pub(crate) async fn run(app: &App, id: &str, yes: bool) -> Result<()> {
    let lang = app.lang;
    let cat = app.catalog()?;
    let lab = crate::lookup::lab(&cat, id)?;
    let engine = Engine::connect().await?;
    // What an interrupted `grade --submission` left is docklings' own, labelled, and never
    // anyone's work: it goes without asking, whichever lab is reset.
    #[cfg(unix)]
    {
        let old = crate::grade::leftovers::remove_dead(&engine).await;
        let n = old.containers + old.networks + old.volumes + old.images;
        if n > 0 {
            out(pick(
                lang,
                &format!(
                    "Removed what an interrupted submission run left: {} container(s), {} \
                     network(s), {} volume(s), {} image(s).\n",
                    old.containers, old.networks, old.volumes, old.images
                ),
                &format!(
                    "중단된 제출물 채점이 남긴 것을 지웠습니다: 컨테이너 {}개, 네트워크 {}개, \
                     볼륨 {}개, 이미지 {}개.\n",
                    old.containers, old.networks, old.volumes, old.images
                ),
            ));
        }
    }
    let found = crate::reset::find(&engine, lab).await?;
    if found.containers.is_empty() && found.networks.is_empty() {
        out(pick(
            lang,
            &format!("Nothing of `{}` is on the engine.\n", lab.id),
            &format!(
                "엔진에 `{}` 실습의 컨테이너나 네트워크가 없습니다.\n",
                lab.id
            ),
        ));
        return Ok(());
    }
    let mut list = String::new();
    for (id, name, image, state) in &found.containers {
        list.push_str(&format!(
            "  container {name} ({}, {image}, {state})\n",
            &id[..id.len().min(12)]
        ));
    }
    for (_, name) in &found.networks {
        list.push_str(&format!("  network   {name}\n"));
    }
    out(pick(
        lang,
        &format!("`docklings reset {}` removes:\n{list}", lab.id),
        &format!("`docklings reset {}` 는 다음을 삭제합니다:\n{list}", lab.id),
    ));
    if !yes && !confirmed(lang)? {
        out(pick(
            lang,
            "Nothing removed.\n",
            "아무것도 삭제하지 않았습니다.\n",
        ));
        return Ok(());
    }
    let removed = crate::reset::remove(&engine, &found).await?;
    let (containers, networks) = (removed.containers, removed.networks);
    out(pick(
        lang,
        &format!("Removed {containers} container(s) and {networks} network(s).\n"),
        &format!("컨테이너 {containers}개와 네트워크 {networks}개를 삭제했습니다.\n"),
    ));
    Ok(())
}

/// Ask before removing; with no terminal to ask on, refuse rather than assume.
fn confirmed(lang: Lang) -> Result<bool> {
    if !crate::app::interactive() {
        return Err(Failure::BadInput(
            pick(
                lang,
                "not removing anything without a terminal to ask; add `--yes` to confirm",
                "물어볼 터미널이 없어 아무것도 삭제하지 않았습니다. 확인하려면 `--yes` 를 붙이세요",
            )
            .to_owned(),
        ));
    }
    let answer = dialoguer::Confirm::with_theme(&dialoguer::theme::SimpleTheme)
        .with_prompt(pick(lang, "Remove them?", "삭제할까요?").to_owned())
        .default(false)
        .interact_opt()
        .map_err(|e| Failure::Io(format!("cannot ask on the terminal: {e}")))?;
    Ok(answer == Some(true))
}
