//! `host_file`: the file on the learner's own machine behind a path in a container, reached
//! through the container's bind mount — there, and (with `modified: true`) edited after the
//! step this one follows. `http`'s `body_equals_host_file` reads the same file.
//!
//! The point of a bind mount is that the host folder *is* the container's folder: a step
//! about it should look at the host side, where the learner edits, not only inside the
//! container. docklings runs beside the engine, so the mount's source path is a path it can
//! read; when it cannot (a remote engine), the check says so rather than guess.

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::kind::{Kind, Lint, LintCx, lint_select};
use super::select::{no_match, nothing_matches, select_containers};
use super::{Ctx, Probe, StepCx};
use crate::engine::EngineError;
use crate::lab::{Footprint, Select};
use crate::snapshot::{Container, Snapshot};
use crate::verdict::{Code, Finding, Value, Verdict};

/// `host_file`: the host file behind a container path, through its bind mount.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct HostFileCheck {
    /// The container whose bind mount leads to the file.
    pub(crate) select: Select,
    /// Absolute path inside the container, under a bind mount
    /// (`/usr/share/nginx/html/index.html`).
    pub(crate) path: String,
    /// The host file was changed (its modification time) after the step this one follows:
    /// the learner edited it on the host.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) modified: bool,
}

impl Kind for HostFileCheck {
    const NAME: &'static str = "host_file";

    fn prepare(&mut self, _: &LintCx) -> Vec<Lint> {
        let mut lints: Vec<Lint> = lint_select(&self.select, "host_file.select", "select")
            .into_iter()
            .collect();
        if !self.path.starts_with('/') {
            lints.push(Lint::at(
                "path",
                format!(
                    "`{}` must be an absolute path inside the container",
                    self.path
                ),
            ));
        }
        lints
    }

    fn footprint(&self, fp: &mut Footprint) {
        fp.add_select(&self.select);
    }

    /// An edit on the host makes no engine event: a watcher must look again by itself.
    fn recheck_without_event(&self) -> bool {
        true
    }

    async fn evaluate<P: Probe>(
        &self,
        _: &Ctx<'_, P>,
        step: &StepCx<'_>,
        snap: &Snapshot,
    ) -> Result<Verdict, EngineError> {
        Ok(judge(self, step, snap))
    }
}

fn judge(h: &HostFileCheck, step: &StepCx<'_>, snap: &Snapshot) -> Verdict {
    let mut expected = vec![Finding::new(Code::ExpectHostFile).with("path", &h.path)];
    if h.modified {
        expected.push(Finding::new(Code::ExpectHostFileModified));
    }
    let host = match behind(&h.select, &h.path, snap) {
        Ok(p) => p,
        Err(observed) => {
            return Verdict::fail(
                Finding::new(Code::HostFileNotFound).with("path", &h.path),
                expected,
                observed,
            );
        }
    };
    let shown = host.display().to_string();
    let meta = match std::fs::metadata(&host) {
        Ok(m) if m.is_file() => m,
        Ok(_) | Err(_) => {
            return Verdict::fail(
                Finding::new(Code::HostFileNotFound).with("path", &h.path),
                expected,
                vec![Finding::new(Code::HostFileUnreadable).with("host", &shown)],
            );
        }
    };
    let at = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0);
    let seen = Finding::new(Code::HostFileAt)
        .with("host", &shown)
        .with("time", Value::Clock(at));
    if !h.modified {
        return Verdict::pass(Finding::new(Code::HostFileOk), expected, vec![seen]);
    }
    if at > step.after {
        return Verdict::pass(Finding::new(Code::HostFileEdited), expected, vec![seen]).at(at);
    }
    Verdict::fail(
        Finding::new(Code::HostFileNotEdited).with("host", &shown),
        expected,
        vec![step.too_early(seen, at)],
    )
}

/// The host path behind `path` in the container `select` picks (the newest that has a
/// bind mount over it), or why there is none, as findings.
pub(super) fn behind(
    select: &Select,
    path: &str,
    snap: &Snapshot,
) -> Result<PathBuf, Vec<Finding>> {
    let matches = select_containers(select, snap);
    if matches.is_empty() {
        let mut why = vec![no_match(select)];
        why.extend(nothing_matches(select, snap));
        return Err(why);
    }
    let mut why = Vec::new();
    for c in matches {
        match through_mount(c, path) {
            Ok(p) => return Ok(p),
            Err(f) => why.push(f),
        }
    }
    why.truncate(3);
    Err(why)
}

/// Where a container path leads on the host, through the deepest mount above it.
fn through_mount(c: &Container, path: &str) -> Result<PathBuf, Finding> {
    let under = |dest: &str| -> Option<String> {
        let dest = dest.trim_end_matches('/');
        let rest = path.strip_prefix(dest)?;
        (rest.is_empty() || rest.starts_with('/')).then(|| rest.trim_start_matches('/').to_owned())
    };
    let best = c
        .mounts
        .iter()
        .filter_map(|m| under(&m.destination).map(|rest| (m, rest)))
        .max_by_key(|(m, _)| m.destination.len());
    let Some((m, rest)) = best else {
        return Err(Finding::new(Code::HostFileNoMount)
            .with("name", &c.name)
            .with("path", path));
    };
    if m.kind != "bind" {
        let what = if m.name.is_empty() {
            &m.source
        } else {
            &m.name
        };
        return Err(Finding::new(Code::HostFileNotBind)
            .with("name", &c.name)
            .with("destination", &m.destination)
            .with("type", &m.kind)
            .with("source", what));
    }
    let mut p = PathBuf::from(&m.source);
    if !rest.is_empty() {
        p.push(Path::new(&rest));
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::tests::{snap, web};
    use crate::lab::Lang;
    use crate::snapshot::Mount;
    use crate::words::render;

    fn mounted(kind: &str, source: &str, name: &str) -> Container {
        let mut c = web("custom-nginx", 8080);
        c.mounts = vec![Mount {
            kind: kind.into(),
            source: source.into(),
            name: name.into(),
            destination: "/usr/share/nginx/html".into(),
            read_only: false,
        }];
        c
    }

    fn sel() -> Select {
        Select {
            name: Some("custom-nginx".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_path_under_a_bind_mount_leads_to_the_host_folder() {
        let s = snap(vec![mounted("bind", "/home/me/html", "")]);
        assert_eq!(
            behind(&sel(), "/usr/share/nginx/html/index.html", &s),
            Ok(PathBuf::from("/home/me/html/index.html"))
        );
        // A sibling path with the same prefix is not under the mount.
        let e = behind(&sel(), "/usr/share/nginx/html2/index.html", &s).expect_err("no host file");
        assert!(render(&e[0], Lang::En).contains("no mount over"), "{e:?}");
    }

    #[test]
    fn a_named_volume_is_not_a_host_folder() {
        let s = snap(vec![mounted(
            "volume",
            "/var/lib/docker/volumes/html/_data",
            "html",
        )]);
        let e = behind(&sel(), "/usr/share/nginx/html/index.html", &s).expect_err("no host file");
        assert_eq!(
            render(&e[0], Lang::En),
            "`custom-nginx` has a volume `html` on /usr/share/nginx/html, not a host folder (bind mount)"
        );
        assert!(render(&e[0], Lang::Ko).contains("바인드 마운트)가 아니라 volume 마운트 `html`"));
    }

    #[test]
    fn an_edit_counts_only_after_the_step_it_follows() {
        let dir = crate::store::temp::TempDir::new("hostfile").expect("temp dir");
        std::fs::write(dir.path().join("index.html"), "<h1>hi</h1>").expect("write");
        let s = snap(vec![mounted("bind", &dir.path().display().to_string(), "")]);
        let check = HostFileCheck {
            select: sel(),
            path: "/usr/share/nginx/html/index.html".into(),
            modified: true,
        };
        let before = StepCx {
            id: "edit",
            after: 0,
            after_step: Some("browse"),
            part: false,
        };
        let v = judge(&check, &before, &s);
        assert!(v.passed);
        assert!(v.at.is_some_and(|t| t > 0));
        let later = StepCx {
            after: crate::engine::now_nano() + 1_000_000_000,
            ..before
        };
        let v = judge(&check, &later, &s);
        assert!(!v.passed);
    }
}
