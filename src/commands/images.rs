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
use crate::words::pick;

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
    /// `--prune-preview`.
    PrunePreview,
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
        Action::PrunePreview => {
            let all: Vec<&crate::lab::Lab> = cat.labs.iter().collect();
            prune_preview(app, &crate::images::wanted(&all)).await
        }
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

/// `--prune-preview`: what a full prune would take, the labs' images told apart from the
/// learner's own — the one kind of loss `docklings images` cannot undo.
async fn prune_preview(app: &App, lab_images: &[String]) -> Result<()> {
    let engine = Engine::connect().await?;
    let view = engine.prune_view().await?;
    let st = &app.style;
    let lang = app.lang;
    let mut s = String::new();
    s.push_str(&format!(
        "{}\n",
        st.bold(pick(
            lang,
            "What `docker system prune -a --volumes` would remove now:",
            "지금 `docker system prune -a --volumes` 를 실행하면 지워지는 것:"
        ))
    ));
    let none = pick(lang, "none", "없음");
    let list = |v: Vec<String>| {
        if v.is_empty() {
            none.to_owned()
        } else {
            v.join(", ")
        }
    };
    s.push_str(&format!(
        "  {} ({}): {}\n",
        pick(lang, "stopped containers", "정지된 컨테이너"),
        view.containers.len(),
        list(
            view.containers
                .iter()
                .map(|(n, i)| format!("{n} ({i})"))
                .collect()
        )
    ));
    s.push_str(&format!(
        "  {} ({}): {}\n",
        pick(
            lang,
            "networks no running container uses",
            "실행 중인 컨테이너가 쓰지 않는 네트워크"
        ),
        view.networks.len(),
        list(view.networks.clone())
    ));
    let total: i64 = view.images.iter().map(|i| i.size).sum();
    s.push_str(&format!(
        "  {} ({}, {:.1} MiB):\n",
        pick(
            lang,
            "images no running container uses",
            "실행 중인 컨테이너가 쓰지 않는 이미지"
        ),
        view.images.len(),
        total as f64 / 1_048_576.0
    ));
    let mut theirs = 0;
    for i in &view.images {
        let name = if i.tags.is_empty() {
            format!("<none> {}", crate::engine::short_id(&i.id))
        } else {
            i.tags.join(", ")
        };
        let lab = i
            .tags
            .iter()
            .any(|t| lab_images.contains(&crate::standin::normalize(t)));
        let note = match (lab, i.standin) {
            (true, _) | (false, true) => st.dim(pick(
                lang,
                "a lab's image: `docklings images` restores it",
                "실습 이미지: `docklings images` 로 되돌릴 수 있음",
            )),
            _ => {
                theirs += 1;
                st.warn(pick(
                    lang,
                    "NOT a lab's image: gone unless you can pull or build it again",
                    "실습 이미지가 아님: 다시 받거나 빌드할 수 없다면 사라짐",
                ))
            }
        };
        s.push_str(&format!("    {name:<36} {note}\n"));
    }
    s.push_str(&format!(
        "  {} ({}): {}\n",
        pick(
            lang,
            "volumes no running container uses",
            "실행 중인 컨테이너가 쓰지 않는 볼륨"
        ),
        view.volumes.len(),
        list(view.volumes.clone())
    ));
    if !view.volumes.is_empty() {
        s.push_str(&format!(
            "    {}\n",
            st.warn(pick(
                lang,
                "a volume may hold your own data (a database's files): `--volumes` deletes it for good",
                "볼륨에는 직접 만든 데이터(데이터베이스 파일 등)가 있을 수 있습니다. `--volumes` 는 이를 영구히 지웁니다",
            ))
        ));
    }
    if theirs > 0 {
        s.push_str(&format!(
            "{} {}\n",
            st.warn("!"),
            pick(
                lang,
                format!("{theirs} image(s) above are not the labs': think twice before `-a`."),
                format!("위 이미지 중 {theirs}개는 실습 이미지가 아닙니다. `-a` 를 붙이기 전에 다시 생각하세요."),
            )
        ));
    }
    s.push_str(&format!(
        "{}\n  docker container prune   {}\n  docker image prune       {}\n  docker network prune     {}\n",
        pick(lang, "Scoped, safer:", "범위를 좁힌, 더 안전한 명령:"),
        pick(lang, "stopped containers only", "정지된 컨테이너만"),
        pick(lang, "dangling (untagged) images only", "태그 없는(dangling) 이미지만"),
        pick(lang, "unused networks only", "쓰이지 않는 네트워크만"),
    ));
    out(&s);
    Ok(())
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
