//! `docklings selftest LAB… | --all`: prove each lab on the real engine (see `selftest`),
//! cleaning up after each whatever happens.

use crate::app::{App, Failure, Result, out};
use crate::engine::Engine;
use crate::selftest::{Baseline, cleanup, preflight, prove, tempdir};

pub(crate) async fn run(app: &App, ids: &[String], all: bool) -> Result<()> {
    let cat = app.catalog()?;
    let labs = crate::lookup::labs_named(&cat, ids, all)?;
    let engine = Engine::connect().await?;
    let mut all_ok = true;
    for lab in &labs {
        preflight(app, &engine, lab).await?;
        let mut before = Baseline::take(&engine).await?;
        before.hold_images(&engine, lab).await?;
        before.guard_subnets(&engine, lab).await?;
        let ws = tempdir()?;
        let outcome = {
            let proof = prove(app, &engine, lab, ws.path(), &before);
            tokio::select! {
                r = proof => r,
                _ = tokio::signal::ctrl_c() => Err(Failure::BadInput("interrupted; cleaning up".into())),
            }
        };
        let cleaned = cleanup(&engine, lab, &before).await;
        drop(ws);
        match (&outcome, &cleaned) {
            (_, Err(e)) => out(&format!(
                "{} {}: cleanup failed: {e}\n",
                app.style.bad("✗"),
                lab.id
            )),
            (_, Ok(n)) if *n > 0 => out(&format!(
                "  {}\n",
                app.style
                    .dim(&format!("cleaned up {n} container(s)/network(s)"))
            )),
            _ => {}
        }
        match outcome {
            Ok(true) => {}
            Ok(false) => all_ok = false,
            Err(e) => return Err(e),
        }
        cleaned?;
    }
    if all_ok {
        Ok(())
    } else {
        Err(Failure::ChecksFailed)
    }
}
