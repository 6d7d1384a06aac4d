//! `docklings reset LAB`: remove what the lab is about — containers from its images, with
//! its names or on its networks, and its networks — after listing them and asking. Nothing
//! else on the engine is touched.

use crate::app::{App, Failure, Result, out};
use crate::engine::Engine;
use crate::engine::cleanup::Leftovers;
use crate::lab::{Lab, Lang};

fn t(lang: Lang, en: &str, ko: &str) -> String {
    match lang {
        Lang::En => en.to_owned(),
        Lang::Ko => ko.to_owned(),
    }
}

/// A lab's resources on the engine right now.
pub struct Found {
    /// (id, name, image, state)
    pub containers: Vec<(String, String, String, String)>,
    /// (id, name)
    pub networks: Vec<(String, String)>,
}

pub async fn find(engine: &Engine, lab: &Lab) -> Result<Found> {
    let fp = lab.checked_footprint();
    let snap = engine.snapshot(&fp, None).await?;
    let containers = snap
        .containers
        .iter()
        .map(|c| {
            (
                c.id.clone(),
                c.name.clone(),
                c.image.clone(),
                c.state.clone(),
            )
        })
        .collect();
    let networks = snap
        .networks
        .iter()
        .filter(|n| fp.networks.contains(&n.name) && n.user_defined)
        .map(|n| (n.id.clone(), n.name.clone()))
        .collect();
    Ok(Found {
        containers,
        networks,
    })
}

pub async fn run(app: &App, lab: &Lab, yes: bool) -> Result<()> {
    let lang = app.lang;
    let engine = Engine::connect().await?;
    let found = find(&engine, lab).await?;
    if found.containers.is_empty() && found.networks.is_empty() {
        out(&t(
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
    out(&t(
        lang,
        &format!("`docklings reset {}` removes:\n{list}", lab.id),
        &format!("`docklings reset {}` 는 다음을 삭제합니다:\n{list}", lab.id),
    ));
    if !yes {
        if !crate::app::interactive() {
            return Err(Failure::BadInput(t(
                lang,
                "not removing anything without a terminal to ask; add `--yes` to confirm",
                "물어볼 터미널이 없어 아무것도 삭제하지 않았습니다. 확인하려면 `--yes` 를 붙이세요",
            )));
        }
        let ok = dialoguer::Confirm::with_theme(&dialoguer::theme::SimpleTheme)
            .with_prompt(t(lang, "Remove them?", "삭제할까요?"))
            .default(false)
            .interact_opt()
            .map_err(|e| Failure::BadInput(e.to_string()))?;
        if ok != Some(true) {
            out(&t(
                lang,
                "Nothing removed.\n",
                "아무것도 삭제하지 않았습니다.\n",
            ));
            return Ok(());
        }
    }
    let set = Leftovers {
        containers: found.containers.iter().map(|c| c.0.clone()).collect(),
        networks: found.networks.iter().map(|n| n.0.clone()).collect(),
        ..Leftovers::default()
    };
    let removed = engine.remove_exactly(&set).await;
    out(&t(
        lang,
        &format!(
            "Removed {} container(s) and {} network(s).\n",
            removed.containers, removed.networks
        ),
        &format!(
            "컨테이너 {}개와 네트워크 {}개를 삭제했습니다.\n",
            removed.containers, removed.networks
        ),
    ));
    match removed.failure("remove the lab's containers and networks") {
        Some(e) => Err(e.into()),
        None => Ok(()),
    }
}
