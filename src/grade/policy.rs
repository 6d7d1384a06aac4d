//! What the submission guard lets through, in the manner of docker-socket-proxy and OPA's
//! Docker authorization plugin, but with one rule instead of a configuration: the
//! submission may make things and do anything to what it made; what was on the engine
//! before it ran ("others'") it may not change, remove, enter, read the details of, or even
//! see in a list; and nothing it makes may reach the host.
//!
//! A request is first read for what it does ([`crate::engine::routes`]); creating requests
//! have their bodies read here ([`Policy::body`]) — case-insensitively and refusing
//! duplicate keys, as the engine's JSON decoder matches keys without regard to case — and
//! get the submission's label added, so a later run can find what a killed one left.
//! Whether a name or ID prefix names something of others' only the engine can say, so
//! [`Policy`] asks it; when it cannot answer, the request is refused.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use crate::engine::inventory::Inventory;
use crate::engine::routes::{
    Kind, Making, Route, Subject, connect_container, familiar_tag, query_of, query_param,
    query_params, route,
};
use crate::engine::{Engine, EngineError};

/// The label every container, network and volume the submission creates carries.
pub(crate) const LABEL: &str = "docklings.submission";

/// The guard's decision on one request. (Not "verdict": that is a check's result.)
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Ruling {
    Allow,
    /// Refused, with the reason the docker CLI shows the student.
    Deny(String),
    /// Refused because it concerns what the submission did not create; the reason names
    /// none of it, and the report leaves the request's reference out.
    Others(String),
}

/// What the guard does with a request, before asking the engine anything.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Plan {
    /// Decided already.
    Rule(Ruling),
    /// Ask the engine about a thing the request changes or enters.
    Ask(Subject),
    /// Ask the engine about a thing whose details the request reads.
    AskRead(Subject),
    /// Read the body, then rule on it and add the label ([`Policy::body`]).
    Body(Making),
    /// Forward, and leave what the submission did not create out of the answer.
    Filter(Kind),
    /// Ask about the thing, then forward and filter the answer (a network's members).
    AskThenFilter(Subject, Kind),
    /// Creates from the query alone (build, tag, commit, import, save).
    Query(Route),
}

const PRUNE: &str = "prune removes whatever is unused on the engine, including what the \
                     submission did not create; remove your own things by name or ID instead";

/// Rule on a request by its method and target alone, or say what to ask.
pub(super) fn classify(method: &str, target: &str) -> Plan {
    match route(method, target) {
        Route::Read | Route::Session => Plan::Rule(Ruling::Allow),
        Route::List(kind) => Plan::Filter(kind),
        Route::Inspect(subject @ Subject::Network(_)) => {
            Plan::AskThenFilter(subject, Kind::Networks)
        }
        Route::Inspect(subject) => Plan::AskRead(subject),
        Route::Acts(subject) => Plan::Ask(subject),
        r @ (Route::Save(_) | Route::Tag { .. }) => Plan::Query(r),
        Route::Everything(what) => Plan::Rule(Ruling::Deny(format!(
            "`{what}` shows everything on the engine, including what the submission did not \
             create; look at your own things by name instead"
        ))),
        Route::Prune => Plan::Rule(Ruling::Deny(PRUNE.into())),
        Route::Create(Making::Pull | Making::Cancel) => Plan::Rule(Ruling::Allow),
        Route::Create(Making::Load) => Plan::Rule(Ruling::Deny(
            "`docker load` can replace tags that were on the engine before the submission ran; \
             build or pull instead"
                .into(),
        )),
        Route::Create(m @ (Making::Build | Making::Import | Making::Commit(_))) => {
            Plan::Query(Route::Create(m))
        }
        Route::Create(making) => Plan::Body(making),
        Route::Push(_) => Plan::Rule(Ruling::Deny(
            "a submission may not push images off the engine".into(),
        )),
        // The path may name something of others'; the reason does not repeat it.
        Route::Unusual(_) => Plan::Rule(Ruling::Others(
            "an unusual request path (`..`, `//`, an encoded NUL): the engine might read it \
             differently from the guard"
                .into(),
        )),
        Route::Other { method, path } => Plan::Rule(Ruling::Deny(format!(
            "a submission may not send `{method} {path}`: it may create containers, networks, \
             images and volumes, and change only those it created (no plugins, swarm or \
             engine settings)"
        ))),
    }
}

/// What the guard needs to rule: the engine, what was on it before, where the submission's
/// files are, and which images the labs use (those may be read).
pub(super) struct Policy {
    pub(super) engine: Engine,
    pub(super) baseline: Arc<Inventory>,
    /// The private copy of the script's folder, with symbolic links resolved: the only
    /// place on the host a bind mount may come from.
    pub(super) work: PathBuf,
    /// The labs' images, as the engine lists tags: a submission may inspect those.
    pub(super) lab_images: HashSet<String>,
    /// IDs of `bridge`, `host` and `none`: there before, and everyone's.
    pub(super) predefined: HashSet<String>,
    /// This run's value of [`LABEL`].
    pub(super) run: String,
    /// Where bind sources are pinned; without it (not root) bind mounts are refused, since
    /// an unpinned source can be swapped for a link between the ruling and the start.
    pub(super) mounts: Option<Arc<super::mounts::Mounts>>,
    /// `--trusted`: the script could go around the guard anyway, so an unpinned bind
    /// source (not root) is let through on the path check alone.
    pub(super) trusted: bool,
}

/// Why a thing of others' cannot be touched, naming only its kind.
fn others(kind: &str, action: &str) -> Ruling {
    Ruling::Others(format!(
        "that {kind} was on the engine before the submission ran; a submission may {action} \
         only what it created"
    ))
}

impl Policy {
    /// Ask the engine what `subject` names and rule. `body` is the request's body, read
    /// only for `network connect`/`disconnect`, which name their container there.
    pub(super) async fn judge(&self, subject: &Subject, body: Option<&[u8]>) -> Ruling {
        let base = &self.baseline;
        match subject {
            Subject::Container { reference, action } => {
                self.container(reference, "container", action).await
            }
            Subject::Network(reference) => match self.engine.network_id(reference).await {
                Ok(Some(id)) if self.predefined.contains(&id) => Ruling::Allow,
                Ok(Some(id)) if base.networks.contains(&id) => others("network", "use or remove"),
                Ok(_) => Ruling::Allow,
                Err(err) => unsure("a network", err),
            },
            Subject::Image(reference) => self.image(reference).await,
            Subject::Exec(id) => match self.engine.exec_container(id).await {
                Ok(Some(c)) if base.containers.contains(&c) => {
                    others("exec's container", "run commands in")
                }
                Ok(_) => Ruling::Allow,
                Err(err) => unsure("an exec", err),
            },
            Subject::Volume(name) if base.volumes.contains(name) => {
                others("volume", "use or remove")
            }
            Subject::Volume(_) => Ruling::Allow,
            Subject::Attach { network, action } => {
                let reference = match connect_container(body.unwrap_or_default()) {
                    Ok(r) => r,
                    Err(err) => return Ruling::Deny(err),
                };
                match self.container(&reference, "container", action).await {
                    Ruling::Allow => self.network(network).await,
                    r => r,
                }
            }
        }
    }

    /// Refused when `reference` names a container of others'.
    async fn container(&self, reference: &str, kind: &str, action: &str) -> Ruling {
        match self.engine.container_id(reference).await {
            Ok(Some(id)) if self.baseline.containers.contains(&id) => others(kind, action),
            Ok(_) => Ruling::Allow,
            Err(err) => unsure("a container", err),
        }
    }

    /// A network the submission's containers may join: its own, or a predefined one.
    async fn network(&self, reference: &str) -> Ruling {
        match self.engine.network_id(reference).await {
            Ok(Some(id))
                if !self.predefined.contains(&id) && self.baseline.networks.contains(&id) =>
            {
                others("network", "join")
            }
            Ok(_) => Ruling::Allow,
            Err(err) => unsure("a network", err),
        }
    }

    /// An image of others' may not be read, removed or saved — unless a lab uses it. But
    /// removing a tag the submission added, from an image that keeps another tag, only
    /// untags, and the older image stays.
    async fn image(&self, reference: &str) -> Ruling {
        let img = match self.engine.image_ref(reference).await {
            Ok(Some(img)) => img,
            Ok(None) => return Ruling::Allow,
            Err(err) => return unsure("an image", err),
        };
        let Some(base_tags) = self.baseline.images.get(&img.id) else {
            return Ruling::Allow;
        };
        let hex = reference.strip_prefix("sha256:").unwrap_or(reference);
        let by_id = !hex.is_empty()
            && hex.chars().all(|c| c.is_ascii_hexdigit())
            && img
                .id
                .strip_prefix("sha256:")
                .unwrap_or(&img.id)
                .starts_with(hex);
        let own_tag = familiar_tag(reference)
            .is_some_and(|t| !base_tags.contains(&t) && img.tags.contains(&t));
        if !by_id && own_tag && img.tags.len() > 1 {
            Ruling::Allow
        } else {
            others("image", "remove or read")
        }
    }

    /// Reading one thing's details: as changing it, but the labs' images may be read.
    pub(super) async fn read(&self, subject: &Subject) -> Ruling {
        match subject {
            Subject::Image(reference) => self.may_read_image(reference).await,
            other => self.judge(other, None).await,
        }
    }

    /// Reading an image: the labs' own images may be looked at, whoever made them.
    pub(super) async fn may_read_image(&self, reference: &str) -> Ruling {
        if familiar_tag(reference).is_some_and(|t| self.lab_images.contains(&t)) {
            return Ruling::Allow;
        }
        match self.engine.image_ref(reference).await {
            Ok(Some(img))
                if self.baseline.images.contains_key(&img.id)
                    && !img.tags.iter().any(|t| self.lab_images.contains(t)) =>
            {
                others("image", "read")
            }
            Ok(_) => Ruling::Allow,
            Err(err) => unsure("an image", err),
        }
    }

    /// A tag the submission wants to make: never one that exists already.
    async fn new_tag(&self, repo: &str, tag: Option<&str>) -> Ruling {
        if repo.is_empty() {
            return Ruling::Allow;
        }
        let full = match tag.filter(|t| !t.is_empty()) {
            Some(t) => format!("{repo}:{t}"),
            None => repo.to_owned(),
        };
        match self.engine.image_ref(&full).await {
            // Named neither in the reason nor in the report: whether a tag exists is others'
            // business.
            Ok(Some(_)) => Ruling::Others(
                "that tag exists already; a submission may tag images only under new names".into(),
            ),
            Ok(None) => Ruling::Allow,
            Err(err) => unsure("an image tag", err),
        }
    }

    /// Rule on a request that the query describes: build, tag, commit, import, save.
    pub(super) async fn query(&self, route: &Route, target: &str) -> Ruling {
        let q = query_of(target);
        match route {
            Route::Create(Making::Build) => {
                if query_param(q, "networkmode").is_some_and(|m| m == "host") {
                    return Ruling::Deny(
                        "`--network host` gives the build the host's network".into(),
                    );
                }
                if query_param(q, "cgroupparent").is_some_and(|c| !c.is_empty()) {
                    return Ruling::Deny("a build may not choose its cgroup parent".into());
                }
                for t in query_params(q, "t") {
                    let r = self.new_tag(&t, None).await;
                    if r != Ruling::Allow {
                        return r;
                    }
                }
                Ruling::Allow
            }
            Route::Create(Making::Import) => {
                let repo = query_param(q, "repo").unwrap_or_default();
                self.new_tag(&repo, query_param(q, "tag").as_deref()).await
            }
            Route::Create(Making::Commit(c)) => {
                match self.container(c, "container", "commit").await {
                    Ruling::Allow => {
                        let repo = query_param(q, "repo").unwrap_or_default();
                        self.new_tag(&repo, query_param(q, "tag").as_deref()).await
                    }
                    r => r,
                }
            }
            Route::Tag { .. } => {
                let repo = query_param(q, "repo").unwrap_or_default();
                let tag = query_param(q, "tag").unwrap_or_else(|| "latest".into());
                self.new_tag(&repo, Some(&tag)).await
            }
            Route::Save(names) => {
                for n in names {
                    let r = self.may_read_image(n).await;
                    if r != Ruling::Allow {
                        return r;
                    }
                }
                Ruling::Allow
            }
            _ => Ruling::Deny("the guard cannot rule on this request".into()),
        }
    }

    /// A build's target with this run's label added, so a later run finds the image if
    /// this one is killed.
    pub(super) fn labelled_build(&self, target: &str) -> String {
        with_label(target, &self.run)
    }

    /// Rule on a creating request's JSON body, and return the body to forward (with the
    /// submission's label where the thing takes labels).
    pub(super) async fn body(&self, making: &Making, raw: &[u8]) -> Result<Vec<u8>, Ruling> {
        let mut v: Value = if raw.iter().all(u8::is_ascii_whitespace) {
            Value::Object(Default::default())
        } else {
            serde_json::from_slice(raw)
                .map_err(|_| Ruling::Deny("the guard could not read the request body".into()))?
        };
        if !v.is_object() {
            return Err(Ruling::Deny("the request body is not a JSON object".into()));
        }
        let ok = |r: Ruling| if r == Ruling::Allow { Ok(()) } else { Err(r) };
        match making {
            Making::Container => {
                self.container_body(&v).await?;
                self.pin_binds(&mut v)?;
                self.label(&mut v, "Labels")?;
                cap_resources(&mut v)?;
            }
            Making::Exec(c) => {
                ok(self.container(c, "container", "run commands in").await)?;
                if truthy(field(&v, "Privileged")?) {
                    return Err(Ruling::Deny(
                        "`exec --privileged` gives the command every capability of the host".into(),
                    ));
                }
            }
            Making::Update(c) => {
                ok(self.container(c, "container", "update").await)?;
                for key in ["Devices", "DeviceRequests", "DeviceCgroupRules"] {
                    if non_empty(field(&v, key)?) {
                        return Err(Ruling::Deny(format!(
                            "a submission may not give a container host devices (`{key}`)"
                        )));
                    }
                }
            }
            Making::Network => {
                let driver = field(&v, "Driver")?.and_then(Value::as_str).unwrap_or("");
                if !matches!(driver, "" | "bridge") {
                    return Err(Ruling::Deny(format!(
                        "a submission may create only bridge networks, not `{driver}`"
                    )));
                }
                if non_empty(field(&v, "Options")?)
                    || non_empty(field(&v, "ConfigFrom")?)
                    || truthy(field(&v, "Ingress")?)
                {
                    return Err(Ruling::Deny(
                        "a submission may not set a network's driver options".into(),
                    ));
                }
                self.label(&mut v, "Labels")?;
            }
            Making::Volume => {
                let driver = field(&v, "Driver")?.and_then(Value::as_str).unwrap_or("");
                if !matches!(driver, "" | "local") || non_empty(field(&v, "DriverOpts")?) {
                    return Err(Ruling::Deny(
                        "a volume with a driver or driver options (`--opt`) can mount any \
                         folder of the host; create plain volumes"
                            .into(),
                    ));
                }
                self.label(&mut v, "Labels")?;
            }
            _ => return Err(Ruling::Deny("the guard cannot rule on this request".into())),
        }
        serde_json::to_vec(&v).map_err(|e| Ruling::Deny(e.to_string()))
    }

    /// Everything in a container's configuration that could reach the host or others'.
    async fn container_body(&self, v: &Value) -> Result<(), Ruling> {
        let deny = |s: &str| Err(Ruling::Deny(s.to_owned()));
        let host = field(v, "HostConfig")?.cloned().unwrap_or(Value::Null);
        let host = &host;
        if truthy(field(host, "Privileged")?) {
            return deny(
                "`--privileged` gives the container the host's devices and every capability",
            );
        }
        for (key, what) in [
            (
                "CapAdd",
                "`--cap-add` gives the container capabilities over the host",
            ),
            (
                "Devices",
                "`--device` gives the container a device of the host",
            ),
            (
                "DeviceRequests",
                "`--gpus` gives the container devices of the host",
            ),
            (
                "DeviceCgroupRules",
                "`--device-cgroup-rule` opens host devices",
            ),
            ("Sysctls", "`--sysctl` changes kernel settings"),
        ] {
            if non_empty(field(host, key)?) {
                return deny(what);
            }
        }
        if let Some(opts) = field(host, "SecurityOpt")?.and_then(Value::as_array)
            && opts.iter().any(|o| {
                !o.as_str()
                    .is_some_and(|s| s.starts_with("no-new-privileges"))
            })
        {
            return deny("`--security-opt` may turn off the container's confinement");
        }
        for key in ["MaskedPaths", "ReadonlyPaths"] {
            if field(host, key)?.is_some_and(Value::is_array) {
                return deny("`systempaths=unconfined` opens the host's kernel files");
            }
        }
        for (key, allowed) in [
            ("CgroupParent", &[""][..]),
            ("Runtime", &["", "runc", "io.containerd.runc.v2"][..]),
            ("VolumeDriver", &["", "local"][..]),
        ] {
            let value = field(host, key)?.and_then(Value::as_str).unwrap_or("");
            if !allowed.contains(&value) {
                return Err(Ruling::Deny(format!(
                    "a submission may not set `{key}` (`{value}`)"
                )));
            }
        }
        for (key, flag) in [
            ("PidMode", "--pid"),
            ("IpcMode", "--ipc"),
            ("UTSMode", "--uts"),
            ("UsernsMode", "--userns"),
            ("CgroupnsMode", "--cgroupns"),
            ("NetworkMode", "--network"),
        ] {
            let mode = field(host, key)?.and_then(Value::as_str).unwrap_or("");
            if mode == "host" {
                return Err(Ruling::Deny(format!(
                    "`{flag} host` shares the host's namespace with the container"
                )));
            }
            if let Some(c) = mode.strip_prefix("container:") {
                self.allow(
                    self.container(c, "container", "share the namespaces of")
                        .await,
                )?;
            } else if key == "NetworkMode" && !matches!(mode, "" | "default" | "bridge" | "none") {
                self.allow(self.network(mode).await)?;
            }
        }
        for bind in strings(field(host, "Binds")?) {
            // `NAME:/path` is a named volume, `/host/path:/path` a bind mount.
            let source = bind.split(':').next().unwrap_or("");
            let kind = if source.starts_with('/') {
                "bind"
            } else {
                "volume"
            };
            self.mount_source(source, kind)?;
        }
        if let Some(mounts) = field(host, "Mounts")?.and_then(Value::as_array) {
            for m in mounts {
                let kind = field(m, "Type")?.and_then(Value::as_str).unwrap_or("");
                let source = field(m, "Source")?.and_then(Value::as_str).unwrap_or("");
                match kind {
                    "bind" | "volume" => self.mount_source(source, kind)?,
                    "tmpfs" => {}
                    other => {
                        return Err(Ruling::Deny(format!(
                            "a submission may not make `{other}` mounts"
                        )));
                    }
                }
                if let Some(vo) = field(m, "VolumeOptions")?
                    && non_empty(field(vo, "DriverConfig")?)
                {
                    return deny(
                        "a volume with a driver or driver options can mount any folder of the \
                         host",
                    );
                }
            }
        }
        for from in strings(field(host, "VolumesFrom")?) {
            let c = from.split(':').next().unwrap_or("");
            self.allow(self.container(c, "container", "share the volumes of").await)?;
        }
        for link in strings(field(host, "Links")?) {
            let c = link.split(':').next().unwrap_or("");
            self.allow(
                self.container(c.trim_start_matches('/'), "container", "link to")
                    .await,
            )?;
        }
        if let Some(nets) = field(v, "NetworkingConfig")?
            .map(|n| field(n, "EndpointsConfig"))
            .transpose()?
            .flatten()
            .and_then(Value::as_object)
        {
            for name in nets.keys() {
                self.allow(self.network(name).await)?;
            }
        }
        Ok(())
    }

    /// Replace every bind mount's source with its pinned copy ([`super::mounts`]).
    fn pin_binds(&self, v: &mut Value) -> Result<(), Ruling> {
        let Some(host) = object_ci(v, "HostConfig") else {
            return Ok(());
        };
        let pin = |source: &str| -> Result<String, Ruling> {
            match &self.mounts {
                Some(mounts) => mounts
                    .pin(source)
                    .map(|p| p.display().to_string())
                    .map_err(Ruling::Deny),
                None if self.trusted => Ok(source.to_owned()),
                None => Err(Ruling::Deny(
                    "bind mounts need docklings to run as root when grading (to pin their \
                     source), or `--trusted`"
                        .into(),
                )),
            }
        };
        if let Some(Value::Array(binds)) = object_ci(host, "Binds") {
            for b in binds.iter_mut() {
                let Some(text) = b.as_str() else { continue };
                let (source, rest) = text.split_once(':').unwrap_or((text, ""));
                if source.starts_with('/') {
                    let pinned = pin(source)?;
                    *b = Value::String(if rest.is_empty() {
                        pinned
                    } else {
                        format!("{pinned}:{rest}")
                    });
                }
            }
        }
        if let Some(Value::Array(list)) = object_ci(host, "Mounts") {
            for m in list.iter_mut() {
                let bind = field(m, "Type")?.and_then(Value::as_str) == Some("bind");
                if !bind {
                    continue;
                }
                if let Some(src) = object_ci(m, "Source") {
                    let pinned = pin(src.as_str().unwrap_or(""))?;
                    *src = Value::String(pinned);
                }
            }
        }
        Ok(())
    }

    fn allow(&self, r: Ruling) -> Result<(), Ruling> {
        if r == Ruling::Allow { Ok(()) } else { Err(r) }
    }

    /// A bind mount's source must be inside the submission's copy once symbolic links are
    /// resolved; a named volume must not be others'.
    fn mount_source(&self, source: &str, kind: &str) -> Result<(), Ruling> {
        if kind == "volume" || !source.starts_with('/') {
            if kind == "bind" {
                return Err(Ruling::Deny(format!(
                    "bind mount source `{source}` is not an absolute path"
                )));
            }
            return if self.baseline.volumes.contains(source) {
                Err(others("volume", "mount"))
            } else {
                Ok(())
            };
        }
        if inside(Path::new(source), &self.work) {
            return Ok(());
        }
        let why = if source.ends_with("docker.sock") || source.ends_with("podman.sock") {
            "mounting the engine's socket gives the container the whole engine".to_owned()
        } else {
            format!(
                "a bind mount may only come from the submission's own folder; `{source}` is \
                 outside it (symbolic links followed)"
            )
        };
        Err(Ruling::Deny(why))
    }

    /// Put this run's label in `v[key]`.
    fn label(&self, v: &mut Value, key: &str) -> Result<(), Ruling> {
        let obj = v.as_object_mut().ok_or(Ruling::Deny("bad body".into()))?;
        let existing = obj
            .keys()
            .find(|k| k.eq_ignore_ascii_case(key))
            .cloned()
            .unwrap_or_else(|| key.to_owned());
        let labels = obj
            .entry(existing)
            .or_insert_with(|| Value::Object(Default::default()));
        if labels.is_null() {
            *labels = Value::Object(Default::default());
        }
        let labels = labels
            .as_object_mut()
            .ok_or(Ruling::Deny("labels must be an object".into()))?;
        labels.insert(LABEL.into(), Value::String(self.run.clone()));
        Ok(())
    }

    /// Leave what the submission did not create out of a list (or, for `Networks`, one
    /// network's members). The labs' images stay visible.
    pub(super) fn filter(&self, kind: Kind, v: &mut Value) {
        let base = &self.baseline;
        let id_of = |x: &Value| {
            field(x, "Id")
                .ok()
                .flatten()
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned()
        };
        let strip_members = |n: &mut Value| {
            if let Some(m) = n
                .as_object_mut()
                .and_then(|o| o.get_mut("Containers"))
                .and_then(Value::as_object_mut)
            {
                m.retain(|id, _| !base.containers.contains(id));
            }
        };
        match (kind, v) {
            (Kind::Containers, Value::Array(list)) => {
                list.retain(|c| !base.containers.contains(&id_of(c)));
            }
            (Kind::Images, Value::Array(list)) => list.retain(|i| {
                let tags = strings(field(i, "RepoTags").ok().flatten());
                !base.images.contains_key(&id_of(i))
                    || tags.iter().any(|t| self.lab_images.contains(t))
            }),
            (Kind::Networks, Value::Array(list)) => {
                list.retain(|n| {
                    let id = id_of(n);
                    self.predefined.contains(&id) || !base.networks.contains(&id)
                });
                list.iter_mut().for_each(strip_members);
            }
            (Kind::Networks, n @ Value::Object(_)) => strip_members(n),
            (Kind::Volumes, Value::Object(o)) => {
                if let Some(Value::Array(list)) = o.get_mut("Volumes") {
                    list.retain(|x| {
                        let name = x.get("Name").and_then(Value::as_str).unwrap_or("");
                        !base.volumes.contains(name)
                    });
                }
            }
            // An answer of an unexpected shape is left out whole.
            (_, other) => *other = Value::Null,
        }
    }
}

/// `path` is `root` or inside it, with symbolic links resolved. A path that does not exist
/// yet (the engine makes a bind source it cannot find) counts by its nearest existing
/// ancestor, and may not climb with `..`.
fn inside(path: &Path, root: &Path) -> bool {
    let mut existing = path.to_path_buf();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_owned());
                existing = parent.to_path_buf();
            }
            _ => return false,
        }
    }
    if path
        .components()
        .any(|c| matches!(c, Component::ParentDir | Component::CurDir))
        && !rest.is_empty()
    {
        return false;
    }
    match std::fs::canonicalize(&existing) {
        Ok(real) => real.starts_with(root),
        Err(_) => false,
    }
}

/// The value of `key` in `v`, matching keys without regard to case as the engine does; two
/// keys that differ only in case are refused (the engine would take one, we another).
fn field<'v>(v: &'v Value, key: &str) -> Result<Option<&'v Value>, Ruling> {
    let Some(obj) = v.as_object() else {
        return Ok(None);
    };
    let mut found = obj.iter().filter(|(k, _)| k.eq_ignore_ascii_case(key));
    let first = found.next().map(|(_, v)| v);
    if found.next().is_some() {
        return Err(Ruling::Deny(format!(
            "the request body names `{key}` twice, in different cases"
        )));
    }
    Ok(first)
}

/// `target` with `LABEL=run` added to its `labels=` query value (the image's labels, as
/// JSON), the rest of the query as it was.
fn with_label(target: &str, run: &str) -> String {
    let (path, q) = target.split_once('?').unwrap_or((target, ""));
    let mut labels: serde_json::Map<String, Value> = query_param(q, "labels")
        .and_then(|l| serde_json::from_str(&l).ok())
        .unwrap_or_default();
    labels.insert(LABEL.into(), Value::String(run.to_owned()));
    let mut out = format!(
        "{path}?labels={}",
        percent_encode(&Value::Object(labels).to_string())
    );
    for kv in q
        .split('&')
        .filter(|kv| !kv.is_empty() && kv.split('=').next() != Some("labels"))
    {
        out.push('&');
        out.push_str(kv);
    }
    out
}

/// Everything but unreserved characters as `%XX`, as a query value.
fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `v[key]` for changing, matching the key without regard to case (duplicates were refused
/// by [`field`] before).
fn object_ci<'v>(v: &'v mut Value, key: &str) -> Option<&'v mut Value> {
    v.as_object_mut()?
        .iter_mut()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

/// The most a submission's container may use: it runs on the grader's machine.
const CONTAINER_MEMORY: u64 = 1 << 30;
const CONTAINER_PIDS: i64 = 512;

/// Bound the container's memory and processes, keeping smaller limits the submission set.
fn cap_resources(v: &mut Value) -> Result<(), Ruling> {
    let obj = v.as_object_mut().ok_or(Ruling::Deny("bad body".into()))?;
    let key = obj
        .keys()
        .find(|k| k.eq_ignore_ascii_case("HostConfig"))
        .cloned()
        .unwrap_or_else(|| "HostConfig".into());
    let host = obj
        .entry(key)
        .or_insert_with(|| Value::Object(Default::default()));
    if host.is_null() {
        *host = Value::Object(Default::default());
    }
    let memory = field(host, "Memory")?.and_then(Value::as_u64).unwrap_or(0);
    let pids = field(host, "PidsLimit")?
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let host = host
        .as_object_mut()
        .ok_or(Ruling::Deny("HostConfig must be an object".into()))?;
    let set = |host: &mut serde_json::Map<String, Value>, key: &str, value: Value| {
        let k = host
            .keys()
            .find(|k| k.eq_ignore_ascii_case(key))
            .cloned()
            .unwrap_or_else(|| key.to_owned());
        host.insert(k, value);
    };
    if memory == 0 || memory > CONTAINER_MEMORY {
        set(host, "Memory", Value::from(CONTAINER_MEMORY));
        // Swap counts with memory: without this the container could swap on past it.
        set(host, "MemorySwap", Value::from(CONTAINER_MEMORY));
    }
    if pids <= 0 || pids > CONTAINER_PIDS {
        set(host, "PidsLimit", Value::from(CONTAINER_PIDS));
    }
    Ok(())
}

fn truthy(v: Option<&Value>) -> bool {
    v.and_then(Value::as_bool).unwrap_or(false)
}

/// Set to something: a non-empty array, object or string, or `true`.
fn non_empty(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Bool(b)) => *b,
        Some(_) => true,
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// When the engine cannot say, the guard refuses: letting through what it cannot check
/// would make it no guard.
fn unsure(what: &str, err: EngineError) -> Ruling {
    Ruling::Deny(format!("the guard could not check {what}: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deny(p: Plan) -> bool {
        matches!(p, Plan::Rule(Ruling::Deny(_) | Ruling::Others(_)))
    }

    #[test]
    fn reads_pass_lists_are_filtered_and_prunes_never_pass() {
        assert_eq!(
            classify("GET", "/v1.41/containers/json?all=1"),
            Plan::Filter(Kind::Containers)
        );
        assert_eq!(classify("HEAD", "/_ping"), Plan::Rule(Ruling::Allow));
        assert!(matches!(
            classify("GET", "/containers/web/logs"),
            Plan::AskRead(Subject::Container { .. })
        ));
        assert!(matches!(
            classify("GET", "/networks/bridge"),
            Plan::AskThenFilter(Subject::Network(_), Kind::Networks)
        ));
        assert!(deny(classify("GET", "/v1.41/events")));
        assert!(deny(classify("GET", "/system/df")));
        for p in [
            "/v1.41/containers/prune",
            "/networks/prune",
            "/images/prune?filters=%7B%7D",
            "/v1.41/volumes/prune",
            "/build/prune",
        ] {
            assert!(deny(classify("POST", p)), "{p}");
        }
    }

    #[test]
    fn changes_to_named_things_are_asked_about() {
        let c = |r: &str, a: &str| {
            Plan::Ask(Subject::Container {
                reference: r.into(),
                action: a.into(),
            })
        };
        assert_eq!(
            classify("DELETE", "/v1.41/containers/dkt-victim?force=1"),
            c("dkt-victim", "remove")
        );
        assert_eq!(
            classify("POST", "/v1.41/containers/3f2a/kill?signal=KILL"),
            c("3f2a", "`kill`")
        );
        assert_eq!(
            classify("PUT", "/containers/web/archive?path=/"),
            c("web", "`archive`")
        );
        assert_eq!(
            classify("GET", "/containers/web/attach/ws"),
            c("web", "attach to")
        );
        assert_eq!(
            classify("DELETE", "/v1.41/images/diamol/base:latest?force=1"),
            Plan::Ask(Subject::Image("diamol/base:latest".into()))
        );
        assert_eq!(
            classify("POST", "/exec/abc/start"),
            Plan::Ask(Subject::Exec("abc".into()))
        );
        assert_eq!(
            classify("POST", "/v1.41/containers/web/exec"),
            Plan::Body(Making::Exec("web".into()))
        );
    }

    #[test]
    fn creating_is_ruled_on_by_body_or_query_and_the_unknown_is_not_allowed() {
        assert_eq!(
            classify("POST", "/v1.41/containers/create?name=web"),
            Plan::Body(Making::Container)
        );
        assert_eq!(
            classify("POST", "/networks/create"),
            Plan::Body(Making::Network)
        );
        assert_eq!(
            classify("POST", "/volumes/create"),
            Plan::Body(Making::Volume)
        );
        assert_eq!(
            classify("POST", "/images/create?fromImage=nginx"),
            Plan::Rule(Ruling::Allow)
        );
        assert!(matches!(classify("POST", "/build?t=x"), Plan::Query(_)));
        assert!(matches!(
            classify("POST", "/images/nginx/tag?repo=mine"),
            Plan::Query(_)
        ));
        assert!(deny(classify("POST", "/images/load")));
        assert!(deny(classify("POST", "/images/x/push")));
        assert!(deny(classify("POST", "/swarm/leave?force=1")));
        assert!(deny(classify("POST", "/plugins/pull")));
    }

    #[test]
    fn encoded_and_odd_paths_are_read_as_the_engine_reads_them() {
        assert_eq!(
            classify("DELETE", "/v1.41/containers/dkt%2Dvictim"),
            Plan::Ask(Subject::Container {
                reference: "dkt-victim".into(),
                action: "remove".into()
            })
        );
        assert!(deny(classify("DELETE", "/v1.41/x/../containers/v")));
        assert!(deny(classify("DELETE", "/v1.41//containers/v")));
        assert!(deny(classify("DELETE", "/containers/%2e%2e/v")));
        assert!(deny(classify("DELETE", "/containers/a%00")));
        assert!(deny(classify("DELETE", "http://docker/containers/v")));
        // The path may name something of others': the reason does not repeat it.
        match classify("GET", "/v1.41//containers/dkh-bystander/json") {
            Plan::Rule(Ruling::Others(why)) => assert!(!why.contains("dkh"), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn builds_carry_the_run_label_beside_their_own() {
        let t = with_label(
            "/v1.41/build?t=x%3A1&labels=%7B%22a%22%3A%22b%22%7D&q=1",
            "42:7",
        );
        assert!(t.starts_with("/v1.41/build?labels="), "{t}");
        let q = query_of(&t);
        let labels: Value =
            serde_json::from_str(&query_param(q, "labels").expect("labels")).expect("json");
        assert_eq!(labels[LABEL], "42:7");
        assert_eq!(labels["a"], "b");
        assert_eq!(query_param(q, "t").as_deref(), Some("x:1"));
        assert_eq!(query_param(q, "q").as_deref(), Some("1"));
        assert_eq!(percent_encode("a b/{}"), "a%20b%2F%7B%7D");
    }

    #[test]
    fn keys_match_without_case_and_twice_is_refused() {
        let v: Value = serde_json::from_str(r#"{"hostconfig":{"PRIVILEGED":true}}"#).expect("json");
        let host = field(&v, "HostConfig").expect("one").expect("there");
        assert!(truthy(field(host, "Privileged").expect("one")));
        let v: Value =
            serde_json::from_str(r#"{"Privileged":false,"privileged":true}"#).expect("json");
        assert!(field(&v, "Privileged").is_err());
    }

    #[test]
    fn bind_sources_stay_inside_the_copy_with_links_resolved() {
        let root = tempfile::tempdir().expect("dir");
        let work = root.path().join("work");
        std::fs::create_dir_all(work.join("site")).expect("site");
        std::os::unix::fs::symlink("/", work.join("root")).expect("link");
        let work = std::fs::canonicalize(&work).expect("real");
        assert!(inside(&work.join("site"), &work));
        assert!(inside(&work.join("new/dir"), &work));
        assert!(!inside(&work.join("root"), &work));
        assert!(!inside(&work.join("root/etc"), &work));
        assert!(!inside(&work.join("../work-not"), &work));
        assert!(!inside(&work.join("new/../../x"), &work));
        assert!(!inside(Path::new("/"), &work));
        assert!(!inside(Path::new("/var/run/docker.sock"), &work));
    }
}
