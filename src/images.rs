//! The labs' images: which ones they use, and making sure they exist — pulled with progress
//! bars, or, with no registry, built as offline stand-ins from a static busybox. Used by
//! `docklings images` and by `start` when a lab's images are missing.

use std::collections::BTreeMap;
use std::path::Path;

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

use crate::app::{App, Failure, Result, out};
use crate::engine::{Engine, Progress};
use crate::lab::Lab;
use crate::standin::{self, LABEL_HASH, LABEL_STANDIN};
use crate::words::pick;

/// Every image the chosen labs use, normalised and without repeats, in lab order.
pub(crate) fn wanted(labs: &[&Lab]) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for l in labs {
        for i in &l.footprint().needed_images() {
            let n = standin::normalize(i);
            if !v.contains(&n) {
                v.push(n);
            }
        }
    }
    v
}

/// Make sure these images exist: the ones the engine lacks are pulled, or with `standin`
/// built from that static busybox. With `standin`, stand-ins already there are rebuilt when
/// their content changed, and real images are left alone.
pub(crate) async fn provide(
    app: &App,
    engine: &Engine,
    images: &[String],
    standin: Option<&Path>,
) -> Result<()> {
    let use_standin = standin.is_some();
    let mut missing = Vec::new();
    for img in images {
        match engine.image_labels(img).await? {
            Some(labels) if !use_standin || labels.contains_key(LABEL_STANDIN) => {
                // A stand-in is rebuilt below when its content changed; others are fine.
                if !use_standin {
                    out(&format!("{} {img}\n", app.style.ok("✓")));
                    continue;
                }
                missing.push(img.clone());
            }
            Some(_) => out(&format!(
                "{} {img} {}\n",
                app.style.ok("✓"),
                app.style.dim(pick(
                    app.lang,
                    "(a real image: left alone)",
                    "(진짜 이미지가 있어 그대로 둡니다)"
                ))
            )),
            None => missing.push(img.clone()),
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    match standin {
        Some(busybox) => build_standins(app, engine, &missing, busybox).await,
        None => pull_all(app, engine, &missing).await,
    }
}

async fn build_standins(app: &App, engine: &Engine, refs: &[String], busybox: &Path) -> Result<()> {
    let wanted: Vec<&str> = refs.iter().map(String::as_str).collect();
    let contexts =
        standin::contexts(busybox, &wanted).map_err(|e| Failure::BadInput(e.to_string()))?;
    for r in refs {
        if !contexts.iter().any(|c| &c.tag == r) {
            out(&format!(
                "{} {r}: {}\n",
                app.style.bad("✗"),
                pick(app.lang, "docklings has no stand-in for it; pull it on a machine with a registry", "docklings 에 대체 이미지가 없습니다. 레지스트리에 접근할 수 있는 곳에서 pull 하세요").to_owned()
            ));
        }
    }
    for ctx in contexts {
        let old = engine.image_labels(&ctx.tag).await?;
        if let Some(labels) = &old
            && labels.get(LABEL_HASH) == Some(&ctx.content_hash)
        {
            out(&format!(
                "{} {} {}\n",
                app.style.ok("✓"),
                ctx.tag,
                app.style.dim(pick(
                    app.lang,
                    "(stand-in, up to date)",
                    "(대체 이미지, 최신)"
                ))
            ));
            continue;
        }
        let old_id = if old.is_some() {
            engine.image_id(&ctx.tag).await?
        } else {
            None
        };
        let bar = ProgressBar::new_spinner();
        bar.set_message(format!("building stand-in {}", ctx.tag));
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        let res = engine
            .build(&ctx.tag, ctx.context, |p| {
                if let Progress::Status(s) = p {
                    bar.set_message(format!("{}: {}", ctx.tag, s.lines().last().unwrap_or("")));
                }
            })
            .await;
        bar.finish_and_clear();
        res?;
        // The tag moved to the new build; the old stand-in is now dangling, so drop it.
        if let Some(id) = old_id {
            let _ = engine.remove_image(&id).await;
        }
        out(&format!(
            "{} {} {}\n",
            app.style.ok("✓"),
            ctx.tag,
            app.style.dim(pick(
                app.lang,
                "(stand-in built)",
                "(대체 이미지를 만들었습니다)"
            ))
        ));
    }
    Ok(())
}

async fn pull_all(app: &App, engine: &Engine, refs: &[String]) -> Result<()> {
    let multi = MultiProgress::new();
    let style = ProgressStyle::with_template("{prefix:>12} [{bar:30}] {bytes}/{total_bytes}")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    let mut failed = Vec::new();
    for r in refs {
        let header = multi.add(ProgressBar::new_spinner());
        header.set_message(format!("pulling {r}"));
        let mut bars: BTreeMap<String, ProgressBar> = BTreeMap::new();
        let res = engine
            .pull(r, |p| match p {
                Progress::Layer(id, cur, total) => {
                    let bar = bars.entry(id.clone()).or_insert_with(|| {
                        let b = multi.add(ProgressBar::new(total));
                        b.set_style(style.clone());
                        b.set_prefix(id.chars().take(12).collect::<String>());
                        b
                    });
                    bar.set_length(total);
                    bar.set_position(cur);
                }
                Progress::Status(s) => header.set_message(format!("{r}: {s}")),
            })
            .await;
        for b in bars.values() {
            b.finish_and_clear();
        }
        header.finish_and_clear();
        match res {
            Ok(()) => out(&format!("{} {r}\n", app.style.ok("✓"))),
            Err(e) => {
                out(&format!("{} {r}: {e}\n", app.style.bad("✗")));
                failed.push(r.clone());
            }
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Failure::BadInput(pick(app.lang, &format!(
                "could not pull {}. Offline? `docklings images --standin` builds stand-ins from a static busybox.",
                failed.join(", ")
            ), &format!(
                "{} 을(를) 받지 못했습니다. 오프라인이라면 `docklings images --standin` 으로 대체 이미지를 만들 수 있습니다.",
                failed.join(", ")
            )).to_owned()))
    }
}

pub(crate) async fn remove_standins(app: &App, engine: &Engine, refs: &[String]) -> Result<()> {
    for r in refs {
        match engine.image_labels(r).await? {
            Some(l) if l.contains_key(LABEL_STANDIN) => {
                engine.remove_image(r).await?;
                out(&format!(
                    "{} {r} {}\n",
                    app.style.ok("✓"),
                    pick(app.lang, "removed", "삭제함").to_owned()
                ));
            }
            Some(_) => out(&format!(
                "  {r} {}\n",
                app.style.dim(pick(
                    app.lang,
                    "(a real image: left alone)",
                    "(진짜 이미지: 그대로 둠)"
                ))
            )),
            None => {}
        }
    }
    Ok(())
}
