//! `docklings images [LAB…]`: make sure the labs' images exist (pull, or build offline
//! stand-ins), remove the stand-ins, or carry every image to an offline classroom in one
//! archive (`--save`, `--load`). An argument that is no lab id but an image (one docklings
//! has a stand-in for, like `ubuntu`, or any `name:tag` or `path/name`) stands for that
//! image, so that the images of labs still being written, or of a course's notes, can be had
//! too.

use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};

use crate::app::{App, Failure, Result, out};
use crate::engine::Engine;
use crate::lab::Lang;

/// What `images` was asked to do; the flags exclude one another.
pub(crate) enum Action {
    Pull,
    /// `--standin`, from this static busybox.
    BuildStandins(PathBuf),
    /// `--remove-standins`.
    RemoveStandins,
    /// `--save FILE`.
    Save(PathBuf),
    /// `--load FILE`.
    Load(PathBuf),
}

/// The labs and images named, or every lab when nothing is.
pub(crate) async fn run(app: &App, ids: &[String], action: Action) -> Result<()> {
    let cat = app.catalog()?;
    // A lab id wins over an image of the same name. Lab ids have no ':' or '/', so those are
    // images even without a stand-in (`--standin` then says there is none). Anything else goes
    // on to `labs_named`, whose "no such lab" names the nearest lab.
    let is_image = |id: &String| {
        cat.get(id).is_none()
            && (id.contains([':', '/']) || crate::standin::standin_for(id).is_some())
    };
    let (refs, labs): (Vec<String>, Vec<String>) = ids.iter().cloned().partition(is_image);
    let chosen = if labs.is_empty() && !refs.is_empty() {
        Vec::new()
    } else {
        crate::lookup::labs_named(&cat, &labs, labs.is_empty())?
    };
    let mut images = crate::images::wanted(&chosen);
    for r in &refs {
        let r = crate::standin::normalize(r);
        if !images.contains(&r) {
            images.push(r);
        }
    }
    match action {
        Action::Save(file) => save(app, &images, &file).await,
        Action::Load(file) => load(app, &file).await,
        Action::RemoveStandins => {
            let engine = Engine::connect().await?;
            crate::images::remove_standins(app, &engine, &images).await
        }
        Action::Pull => {
            let engine = Engine::connect().await?;
            crate::images::provide(app, &engine, &images, None).await
        }
        Action::BuildStandins(busybox) => {
            let engine = Engine::connect().await?;
            crate::images::provide(app, &engine, &images, Some(&busybox)).await
        }
    }
}

/// `--save FILE`: these images in one archive, for classrooms with poor internet. Missing
/// images are named first; nothing half-written is left.
async fn save(app: &App, images: &[String], file: &Path) -> Result<()> {
    let engine = Engine::connect().await?;
    let mut missing = Vec::new();
    for i in images {
        if engine.image_id(i).await?.is_none() {
            missing.push(i.clone());
        }
    }
    if !missing.is_empty() {
        let missing = missing.join(", ");
        return Err(Failure::BadInput(match app.lang {
            Lang::En => format!(
                "the engine does not have {missing}: run `docklings images` (or `--standin`) first"
            ),
            Lang::Ko => format!(
                "엔진에 {missing} 이미지가 없습니다. 먼저 `docklings images` (또는 `--standin`) 를 실행하세요"
            ),
        }));
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} {bytes} ({bytes_per_sec})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_message(format!(
        "saving {} image(s) to {}",
        images.len(),
        file.display()
    ));
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    let res = engine
        .save_images(images, file, |n| bar.set_position(n))
        .await;
    bar.finish_and_clear();
    let bytes = res?;
    out(&format!(
        "{} {} ({:.1} MiB): {}\n",
        app.style.ok("✓"),
        file.display(),
        bytes as f64 / 1_048_576.0,
        images.join(", ")
    ));
    Ok(())
}

/// `--load FILE`: load an archive made by `--save` (or `docker save`).
async fn load(app: &App, file: &Path) -> Result<()> {
    // A file the user named that cannot be read is their input, not a system failure.
    let size = std::fs::metadata(file)
        .map_err(|e| Failure::BadInput(format!("cannot read `{}`: {e}", file.display())))?
        .len();
    let engine = Engine::connect().await?;
    let read = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let bar = ProgressBar::new(size);
    bar.set_style(
        ProgressStyle::with_template("loading [{bar:30}] {bytes}/{total_bytes}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    // The engine reads the file in its own task; the bar follows the shared byte count.
    let ticker = {
        let bar = bar.clone();
        let read = read.clone();
        tokio::spawn(async move {
            loop {
                bar.set_position(read.load(std::sync::atomic::Ordering::Relaxed));
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        })
    };
    let res = engine.load_images(file, read).await;
    ticker.abort();
    bar.finish_and_clear();
    for m in res? {
        out(&format!("{} {m}\n", app.style.ok("✓")));
    }
    Ok(())
}
