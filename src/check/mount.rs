//! `mount`: a container has a bind mount, volume or tmpfs on a path — the host folder
//! matched by its final path component (`html`) or its absolute path, a volume by its name.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::kind::{Kind, Lint, LintCx, lint_select};
use super::select::{no_match, nothing_matches, select_containers};
use super::{Ctx, Probe, StepCx};
use crate::engine::EngineError;
use crate::lab::{Footprint, Select};
use crate::snapshot::{Container, Mount, Snapshot};
use crate::verdict::{Code, Finding, Value, Verdict};

/// `mount`: containers matching `select` have a mount on `destination` as described.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MountCheck {
    /// Which containers count (running or stopped).
    pub(crate) select: Select,
    /// Absolute path inside the container, e.g. `/usr/share/nginx/html`.
    pub(crate) destination: String,
    /// `bind` (a host folder, `-v /path:/dest` or `--mount type=bind`), `volume` (a named
    /// or anonymous volume) or `tmpfs`.
    #[serde(rename = "type")]
    pub(crate) kind: Option<MountKind>,
    /// For a bind mount: the host folder, as an absolute path or just its final component
    /// (`html` matches `/home/me/html`). For a volume: its name.
    pub(crate) source: Option<String>,
    /// Mounted read-only (`:ro`) — or, with `false`, writable.
    pub(crate) read_only: Option<bool>,
}

/// Mount types as the engine reports them.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum MountKind {
    Bind,
    Volume,
    Tmpfs,
}

impl MountKind {
    fn as_str(self) -> &'static str {
        match self {
            MountKind::Bind => "bind",
            MountKind::Volume => "volume",
            MountKind::Tmpfs => "tmpfs",
        }
    }
}

impl Kind for MountCheck {
    const NAME: &'static str = "mount";
    const EXAMPLE: Option<&'static str> = Some(
        r#"- mount:
    select: { name: custom-nginx }
    destination: /usr/share/nginx/html
    type: bind
    source: html
  fail:
    ko: "`custom-nginx` 의 /usr/share/nginx/html 에 호스트의 `html` 폴더가 바인드 마운트되어 있지 않습니다. `-v \"$(pwd)/html:/usr/share/nginx/html\"` 로 다시 실행하세요."
    en: "`custom-nginx` has no bind mount of the host's `html` folder on /usr/share/nginx/html. Run it again with `-v \"$(pwd)/html:/usr/share/nginx/html\"`."
"#,
    );

    fn prepare(&mut self, _: &LintCx) -> Vec<Lint> {
        let mut lints: Vec<Lint> = lint_select(&self.select, "mount.select", "select")
            .into_iter()
            .collect();
        if !self.destination.starts_with('/') {
            lints.push(Lint::at(
                "destination",
                format!(
                    "mount destination `{}` must be an absolute path inside the container",
                    self.destination
                ),
            ));
        }
        if self.source.as_deref().is_some_and(|s| s.trim().is_empty()) {
            lints.push(Lint::at(
                "source",
                "`mount.source` is empty: name the host folder or the volume",
            ));
        }
        lints
    }

    fn footprint(&self, fp: &mut Footprint) {
        fp.add_select(&self.select);
    }

    async fn evaluate<P: Probe>(
        &self,
        _: &Ctx<'_, P>,
        _: &StepCx<'_>,
        snap: &Snapshot,
    ) -> Result<Verdict, EngineError> {
        Ok(judge(self, snap))
    }
}

pub(super) fn judge(m: &MountCheck, snap: &Snapshot) -> Verdict {
    let expected = expected(m);
    let matches = select_containers(&m.select, snap);
    if matches.is_empty() {
        return Verdict::fail(
            no_match(&m.select),
            expected,
            nothing_matches(&m.select, snap),
        );
    }
    let mut observed = Vec::new();
    for c in &matches {
        let Some(mount) = c
            .mounts
            .iter()
            .find(|x| same_path(&x.destination, &m.destination))
        else {
            observed.push(
                Finding::new(Code::ContainerDiffers)
                    .with("name", &c.name)
                    .with("problems", Value::List(vec![missing(m, c)])),
            );
            continue;
        };
        let problems = problems(m, mount);
        if problems.is_empty() {
            return Verdict::pass(
                Finding::new(Code::MountOk),
                expected,
                vec![
                    Finding::new(Code::MountFound)
                        .with("name", &c.name)
                        .with("mount", describe(mount)),
                ],
            );
        }
        observed.push(
            Finding::new(Code::ContainerDiffers)
                .with("name", &c.name)
                .with("problems", Value::List(problems)),
        );
    }
    observed.truncate(3);
    Verdict::fail(Finding::new(Code::MountNotAsAsked), expected, observed)
}

fn expected(m: &MountCheck) -> Vec<Finding> {
    let mut e = vec![Finding::new(Code::ExpectMount).with("destination", &m.destination)];
    if let Some(k) = m.kind {
        e.push(Finding::new(Code::ExpectMountType).with("type", k.as_str()));
    }
    if let Some(s) = &m.source {
        e.push(Finding::new(Code::ExpectMountSource).with("source", s));
    }
    match m.read_only {
        Some(true) => e.push(Finding::new(Code::ExpectReadOnly)),
        Some(false) => e.push(Finding::new(Code::ExpectWritable)),
        None => {}
    }
    e
}

fn missing(m: &MountCheck, c: &Container) -> Finding {
    let mounts: Vec<Finding> = if c.mounts.is_empty() {
        vec![Finding::new(Code::NoMounts)]
    } else {
        c.mounts.iter().map(describe).collect()
    };
    Finding::new(Code::MountMissing)
        .with("destination", &m.destination)
        .with("mounts", Value::List(mounts))
}

fn problems(m: &MountCheck, mount: &Mount) -> Vec<Finding> {
    let mut p = Vec::new();
    let dest = &m.destination;
    if let Some(k) = m.kind
        && mount.kind != k.as_str()
    {
        p.push(
            Finding::new(Code::MountWrongType)
                .with("destination", dest)
                .with("type", &mount.kind)
                .with("want", k.as_str()),
        );
    }
    if let Some(want) = &m.source
        && !source_matches(mount, want)
    {
        p.push(
            Finding::new(Code::MountWrongSource)
                .with("destination", dest)
                .with("source", shown_source(mount))
                .with("want", want),
        );
    }
    match m.read_only {
        Some(true) if !mount.read_only => {
            p.push(Finding::new(Code::MountWritable).with("destination", dest))
        }
        Some(false) if mount.read_only => {
            p.push(Finding::new(Code::MountReadOnly).with("destination", dest))
        }
        _ => {}
    }
    p
}

/// An absolute path compares whole; a bare name compares with the bind's final folder or
/// the volume's name — labs say "a folder named `html`", wherever the learner keeps it.
fn source_matches(mount: &Mount, want: &str) -> bool {
    if want.starts_with('/') {
        return same_path(&mount.source, want);
    }
    let want = want.trim_end_matches('/');
    if mount.kind == "volume" {
        return mount.name == want;
    }
    mount.source.trim_end_matches('/').rsplit('/').next() == Some(want)
}

fn same_path(a: &str, b: &str) -> bool {
    let norm = |p: &str| {
        let t = p.trim_end_matches('/');
        if t.is_empty() {
            "/".to_owned()
        } else {
            t.to_owned()
        }
    };
    norm(a) == norm(b)
}

fn shown_source(mount: &Mount) -> String {
    if mount.kind == "volume" && !mount.name.is_empty() {
        mount.name.clone()
    } else {
        mount.source.clone()
    }
}

fn describe(mount: &Mount) -> Finding {
    Finding::new(Code::MountsAre)
        .with("type", &mount.kind)
        .with("source", shown_source(mount))
        .with("destination", &mount.destination)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::tests::{snap, web};

    fn html() -> MountCheck {
        MountCheck {
            select: Select {
                name: Some("custom-nginx".into()),
                ..Default::default()
            },
            destination: "/usr/share/nginx/html".into(),
            kind: Some(MountKind::Bind),
            source: Some("html".into()),
            read_only: None,
        }
    }

    fn with_mount(kind: &str, source: &str, name: &str, dest: &str) -> Container {
        let mut c = web("custom-nginx", 8080);
        c.mounts = vec![Mount {
            kind: kind.into(),
            source: source.into(),
            name: name.into(),
            destination: dest.into(),
            read_only: false,
        }];
        c
    }

    #[test]
    fn a_bind_mount_of_a_folder_named_html_passes() {
        let c = with_mount("bind", "/home/me/lab/html/", "", "/usr/share/nginx/html");
        let v = judge(&html(), &snap(vec![c]));
        assert!(v.passed, "{:?}", v.codes());
        let o = crate::check::Outcome::new("mount", v, crate::lab::Lang::En, None);
        assert_eq!(
            o.observed,
            "`custom-nginx`: bind `/home/me/lab/html/` → /usr/share/nginx/html"
        );
        let mut abs = html();
        abs.source = Some("/home/me/lab/html".into());
        let c = with_mount("bind", "/home/me/lab/html", "", "/usr/share/nginx/html/");
        assert!(judge(&abs, &snap(vec![c])).passed);
    }

    #[test]
    fn a_named_volume_is_not_a_bind_mount() {
        let c = with_mount(
            "volume",
            "/var/lib/docker/volumes/html/_data",
            "html",
            "/usr/share/nginx/html",
        );
        let v = judge(&html(), &snap(vec![c]));
        assert!(!v.passed);
        assert!(v.codes().contains(&"mount.wrong_type"), "{:?}", v.codes());
        let o = crate::check::Outcome::new("mount", v, crate::lab::Lang::Ko, None);
        assert!(
            o.observed
                .contains("/usr/share/nginx/html 은(는) bind 이(가) 아닌 volume 마운트임"),
            "{}",
            o.observed
        );
        // The same volume passes a check that asks for a volume named `html`.
        let mut vol = html();
        vol.kind = Some(MountKind::Volume);
        let c = with_mount(
            "volume",
            "/var/lib/docker/volumes/html/_data",
            "html",
            "/usr/share/nginx/html",
        );
        assert!(judge(&vol, &snap(vec![c])).passed);
    }

    #[test]
    fn the_wrong_target_and_the_wrong_folder_are_named() {
        let c = with_mount("bind", "/home/me/html", "", "/usr/share/nginx");
        let v = judge(&html(), &snap(vec![c]));
        assert!(v.codes().contains(&"mount.missing"));
        let o = crate::check::Outcome::new("mount", v, crate::lab::Lang::En, None);
        assert_eq!(
            o.observed,
            "`custom-nginx` nothing is mounted on /usr/share/nginx/html \
             (mounts: bind `/home/me/html` → /usr/share/nginx)"
        );
        let c = with_mount("bind", "/home/me/site", "", "/usr/share/nginx/html");
        let v = judge(&html(), &snap(vec![c]));
        assert!(v.codes().contains(&"mount.wrong_source"));
        let c = web("custom-nginx", 8080);
        let v = judge(&html(), &snap(vec![c]));
        assert!(v.codes().contains(&"mount.none"));
    }

    #[test]
    fn read_only_is_checked_both_ways() {
        let mut ro = html();
        ro.read_only = Some(true);
        let c = with_mount("bind", "/x/html", "", "/usr/share/nginx/html");
        let v = judge(&ro, &snap(vec![c.clone()]));
        assert!(v.codes().contains(&"mount.writable"));
        let mut c = c;
        c.mounts[0].read_only = true;
        assert!(judge(&ro, &snap(vec![c])).passed);
    }

    #[test]
    fn lints() {
        let mut m = html();
        m.destination = "html".into();
        m.source = Some(" ".into());
        let files = std::collections::BTreeMap::new();
        let cx = LintCx { files: &files };
        let fields: Vec<_> = m.prepare(&cx).into_iter().map(|l| l.field).collect();
        assert_eq!(fields, [Some("destination"), Some("source")]);
        assert!(html().prepare(&cx).is_empty());
    }
}
