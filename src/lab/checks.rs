//! Everything specific to one check kind: the YAML struct of each kind (its `///` docs
//! become the schema and the authoring guide), `CheckSpec` that holds one of them, the
//! resolved `Check`/`CheckKind`, and each kind's lints.
//!
//! Kept together, and as they were in `lab.rs`, because they are about to move again: each
//! kind into its own file under `check/`, beside the code that evaluates it.

use std::collections::BTreeMap;
use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::addr::{is_loopback_host, parse_container_port, split_http_url};
use super::text::{Text, Within};
use crate::pattern::Pattern;

/// One check. Exactly one of the kind keys (`container`, `absent`, `image`, `network`,
/// `http`, `file`, `logs`, `exec`, `reach`, `event`, `answer`) is set.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = crate::schema::exactly_one_kind)]
pub(crate) struct CheckSpec {
    /// Containers matching a selector have the given properties.
    pub(crate) container: Option<ContainerCheck>,
    /// No container matches the selector (after `--rm` or `rm --force`).
    pub(crate) absent: Option<AbsentCheck>,
    /// An image exists.
    pub(crate) image: Option<ImageCheck>,
    /// A network exists with the given properties.
    pub(crate) network: Option<NetworkCheck>,
    /// An HTTP GET on a loopback URL answers as expected.
    pub(crate) http: Option<HttpCheck>,
    /// A file inside a container (read through the archive endpoint).
    pub(crate) file: Option<FileCheck>,
    /// A container's output contains patterns.
    pub(crate) logs: Option<LogsCheck>,
    /// A command run inside a container by docklings answers as expected.
    pub(crate) exec: Option<ExecCheck>,
    /// One container reaches another by name.
    pub(crate) reach: Option<ReachCheck>,
    /// The engine recorded an action since the lab started.
    pub(crate) event: Option<EventCheck>,
    /// A question whose answer only the engine knows, checked against its state.
    pub(crate) answer: Option<AnswerCheck>,
    /// What the learner reads when the check fails.
    pub(crate) fail: Option<Text>,
    /// Keep re-reading the engine until the check passes or this much time has passed.
    pub(crate) within: Option<Within>,
}

impl CheckSpec {
    /// The kind keys that are set (a valid check has exactly one).
    pub(crate) fn kinds(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        macro_rules! k {
            ($($f:ident),*) => { $( if self.$f.is_some() { v.push(stringify!($f)); } )* };
        }
        k!(
            container, absent, image, network, http, file, logs, exec, reach, event, answer
        );
        v
    }
}

/// Which containers a check looks at. Every given field must match.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Select {
    /// Created from this image (compared by image ID, so `nginx`, `nginx:latest` and an ID
    /// prefix all match the same containers).
    pub(crate) image: Option<String>,
    /// Container name (without the leading `/`).
    pub(crate) name: Option<String>,
    /// Attached to this network.
    pub(crate) network: Option<String>,
    /// Carries this label, `key` or `key=value`.
    pub(crate) label: Option<String>,
}

/// Container states as the engine reports them in `State.Status`.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ContainerState {
    Created,
    Running,
    Paused,
    Restarting,
    Removing,
    Exited,
    Dead,
}

impl ContainerState {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ContainerState::Created => "created",
            ContainerState::Running => "running",
            ContainerState::Paused => "paused",
            ContainerState::Restarting => "restarting",
            ContainerState::Removing => "removing",
            ContainerState::Exited => "exited",
            ContainerState::Dead => "dead",
        }
    }
}

/// A port the container must publish on the host.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PortSpec {
    /// Container port, `80/tcp` (the protocol defaults to tcp).
    pub(crate) container: String,
    /// Host port it must be bound to.
    pub(crate) host: u16,
}

/// Properties that must differ between the matching containers.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Distinct {
    Hostname,
}

/// `container`: at least `at_least` containers match `select` and have every property given.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContainerCheck {
    /// Which containers count.
    pub(crate) select: Select,
    /// How many matching containers are needed (default 1).
    pub(crate) at_least: Option<u32>,
    /// `State.Status`; `running` is false while paused.
    pub(crate) state: Option<ContainerState>,
    /// Exit code of an exited container.
    pub(crate) exit_code: Option<i64>,
    /// Started with a terminal (`-t`: `Config.Tty`).
    pub(crate) tty: Option<bool>,
    /// Started with stdin kept open (`-i`: `Config.OpenStdin`).
    pub(crate) stdin_open: Option<bool>,
    /// Started with `-d` (`Config.AttachStdout` is false).
    pub(crate) detached: Option<bool>,
    /// Actually bound host ports (`NetworkSettings.Ports`, not just what was asked).
    pub(crate) published: Option<Vec<PortSpec>>,
    /// Networks it must be attached to.
    pub(crate) networks: Option<Vec<String>>,
    /// Started with `--rm`.
    pub(crate) auto_remove: Option<bool>,
    /// Environment entries, `KEY` or `KEY=value`.
    pub(crate) env: Option<Vec<String>>,
    /// This property must differ across the `at_least` containers.
    pub(crate) distinct: Option<Distinct>,
}

/// `absent`: no container matches.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AbsentCheck {
    /// No container, running or stopped, may match this.
    pub(crate) select: Select,
}

/// `image`: an image exists under this reference.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImageCheck {
    /// `name[:tag]`.
    pub(crate) name: String,
}

/// `network`: a network exists with these properties.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NetworkCheck {
    /// Network name.
    pub(crate) name: String,
    /// Driver, e.g. `bridge`.
    pub(crate) driver: Option<String>,
    /// Created by a user (`docker network create`), not one of the engine's defaults.
    pub(crate) user_defined: Option<bool>,
    /// At least this many containers attached.
    pub(crate) min_members: Option<u32>,
}

/// `http`: a GET on a loopback URL.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HttpCheck {
    /// `http://localhost:PORT/...` or `http://127.0.0.1:...`: loopback only.
    pub(crate) url: String,
    /// Expected status (default 200).
    pub(crate) status: Option<u16>,
    /// Patterns the body must satisfy.
    pub(crate) body: Option<Vec<String>>,
    /// The body must equal this file inside the container that serves the URL.
    pub(crate) body_equals_file: Option<FileRef>,
    /// The body must equal this lab file.
    pub(crate) body_equals_lab_file: Option<String>,
}

/// A file inside a selected container.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileRef {
    /// The container that holds the file.
    pub(crate) select: Select,
    /// Absolute path inside the container.
    pub(crate) path: String,
}

/// File types the archive endpoint tells apart.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FileType {
    File,
    Dir,
    Symlink,
}

/// `file`: a path inside a container.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileCheck {
    /// The container to look in (it may be stopped).
    pub(crate) select: Select,
    /// Absolute path inside the container.
    pub(crate) path: String,
    /// Whether it must exist (default true).
    pub(crate) exists: Option<bool>,
    /// What it must be: `file`, `dir` or `symlink`.
    #[serde(rename = "type")]
    pub(crate) file_type: Option<FileType>,
    /// Its content must equal this lab file (compared by sha256).
    pub(crate) equals: Option<String>,
    /// Patterns its content must satisfy.
    pub(crate) contains: Option<Vec<String>>,
}

/// `logs`: a container's output.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LogsCheck {
    /// The containers whose output is read.
    pub(crate) select: Select,
    /// Patterns; `${container.hostname}`, `${container.name}` and `${container.id}` are
    /// replaced by that container's values.
    pub(crate) patterns: Vec<String>,
    /// How many containers' logs must match (default 1).
    pub(crate) at_least: Option<u32>,
}

/// `exec`: docklings runs a command inside a running container.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExecCheck {
    /// The running container to run it in.
    pub(crate) select: Select,
    /// The command and its arguments, as a list that no shell parses: `[cat, /etc/hostname]`.
    pub(crate) command: Vec<String>,
    /// Expected exit code (default 0).
    pub(crate) exit_code: Option<i64>,
    /// Patterns its output must satisfy.
    pub(crate) output: Option<Vec<String>>,
}

/// `reach`: a container reaches another by name over a shared user-defined network.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReachCheck {
    /// The container that connects.
    pub(crate) from: Select,
    /// Name (or network alias) it must reach. Omit to accept any other running container on
    /// a shared user-defined network.
    pub(crate) to: Option<String>,
    /// Only this network counts.
    pub(crate) network: Option<String>,
}

/// `event`: the engine recorded an action.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventCheck {
    /// Engine action: `top`, `exec_start`, `extract-to-dir`, `archive-path`, `attach`,
    /// `create`, `start`, `die`, `destroy`, ...
    pub(crate) action: String,
    /// Only events of containers matching this.
    pub(crate) select: Option<Select>,
    /// For `exec_start`: the command must start with one of these.
    pub(crate) command: Option<Vec<String>>,
    /// How many such events (default 1).
    pub(crate) at_least: Option<u32>,
}

/// What a question asks for, read from a matching container.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AnswerField {
    /// `Config.Hostname` (what `hostname` prints inside).
    Hostname,
    /// The container ID; a unique prefix of 4 or more characters is accepted, as docker does.
    Id,
    /// The container name.
    Name,
    /// The IP address on `network` (or on any network when omitted).
    Ip,
    /// The host port bound to `port` (e.g. `80/tcp`).
    HostPort,
}

/// `answer`: the learner answers a question that only the engine's state can confirm, so
/// a read-only command (`inspect`, `ls`, `logs`) is still something a step can ask for.
/// Given with `docklings grade --answer STEP=VALUE` or in `docklings start`.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerCheck {
    /// The question, as the learner reads it.
    pub(crate) question: Text,
    /// Containers whose value counts as right (any of them).
    pub(crate) select: Select,
    /// What the answer is compared with.
    pub(crate) field: AnswerField,
    /// For `ip`: on this network.
    pub(crate) network: Option<String>,
    /// For `host_port`: this container port.
    pub(crate) port: Option<String>,
}

/// A check with its kind resolved and its patterns compiled.
#[derive(Clone, Debug)]
pub struct Check {
    pub(crate) kind: CheckKind,
    pub(crate) fail: Option<Text>,
    pub(crate) within: Option<Duration>,
}

#[derive(Clone, Debug)]
pub enum CheckKind {
    Container(ContainerCheck),
    Absent(AbsentCheck),
    Image(ImageCheck),
    Network(NetworkCheck),
    Http(HttpCheck, Vec<Pattern>),
    File(FileCheck, Vec<Pattern>),
    Logs(LogsCheck, Vec<Pattern>),
    Exec(ExecCheck, Vec<Pattern>),
    Reach(ReachCheck),
    Event(EventCheck),
    Answer(AnswerCheck),
}

impl CheckKind {
    pub(crate) fn name(&self) -> &'static str {
        match self {
            CheckKind::Container(_) => "container",
            CheckKind::Absent(_) => "absent",
            CheckKind::Image(_) => "image",
            CheckKind::Network(_) => "network",
            CheckKind::Http(..) => "http",
            CheckKind::File(..) => "file",
            CheckKind::Logs(..) => "logs",
            CheckKind::Exec(..) => "exec",
            CheckKind::Reach(_) => "reach",
            CheckKind::Event(_) => "event",
            CheckKind::Answer(_) => "answer",
        }
    }
}

fn compile_patterns(list: &[String], what: &str, errs: &mut Vec<String>) -> Vec<Pattern> {
    if list.is_empty() {
        errs.push(format!("`{what}` is an empty list: it asserts nothing"));
    }
    list.iter()
        .filter_map(|p| match Pattern::parse(p) {
            Ok(p) => Some(p),
            Err(m) => {
                errs.push(format!("`{what}`: {m}"));
                None
            }
        })
        .collect()
}

fn lint_select(s: &Select, what: &str, errs: &mut Vec<String>) {
    if *s == Select::default() {
        errs.push(format!(
            "`{what}` is empty: name an `image`, `name`, `network` or `label`"
        ));
    }
}

pub(super) fn lint_check(
    c: &CheckSpec,
    files: &BTreeMap<String, Vec<u8>>,
) -> Result<CheckKind, Vec<String>> {
    let kinds = c.kinds();
    let mut errs = Vec::new();
    if kinds.len() != 1 {
        return Err(vec![if kinds.is_empty() {
            "a check needs one kind: container, absent, image, network, http, file, logs, exec, reach, event or answer".into()
        } else {
            format!(
                "a check has exactly one kind, this one has {}",
                kinds.join(", ")
            )
        }]);
    }
    let lab_file = |name: &str, errs: &mut Vec<String>| {
        if !files.contains_key(name) {
            errs.push(format!(
                "`{name}` is not one of the lab's `files` ({})",
                files.keys().cloned().collect::<Vec<_>>().join(", ")
            ));
        }
    };
    let kind = if let Some(x) = &c.container {
        lint_select(&x.select, "container.select", &mut errs);
        if x.at_least == Some(0) {
            errs.push("`at_least: 0` always passes; use `absent` instead".into());
        }
        for p in x.published.iter().flatten() {
            if parse_container_port(&p.container).is_none() {
                errs.push(format!(
                    "`{}` is not a container port: write `80` or `80/tcp`",
                    p.container
                ));
            }
        }
        CheckKind::Container(x.clone())
    } else if let Some(x) = &c.absent {
        lint_select(&x.select, "absent.select", &mut errs);
        CheckKind::Absent(x.clone())
    } else if let Some(x) = &c.image {
        CheckKind::Image(x.clone())
    } else if let Some(x) = &c.network {
        CheckKind::Network(x.clone())
    } else if let Some(x) = &c.http {
        match split_http_url(&x.url) {
            None => errs.push(format!(
                "`{}` is not an http:// URL (https and userinfo are not supported)",
                x.url
            )),
            Some((host, ..)) if !is_loopback_host(&host) => errs.push(format!(
                "`{}`: http checks may only reach loopback (localhost, 127.0.0.1, [::1]), not `{host}`",
                x.url
            )),
            _ => {}
        }
        let pats = match &x.body {
            Some(b) => compile_patterns(b, "http.body", &mut errs),
            None => Vec::new(),
        };
        if let Some(f) = &x.body_equals_file {
            lint_select(&f.select, "http.body_equals_file.select", &mut errs);
        }
        if let Some(n) = &x.body_equals_lab_file {
            lab_file(n, &mut errs);
        }
        CheckKind::Http(x.clone(), pats)
    } else if let Some(x) = &c.file {
        lint_select(&x.select, "file.select", &mut errs);
        if !x.path.starts_with('/') {
            errs.push(format!("file path `{}` must be absolute", x.path));
        }
        if let Some(n) = &x.equals {
            lab_file(n, &mut errs);
        }
        let pats = match &x.contains {
            Some(b) => compile_patterns(b, "file.contains", &mut errs),
            None => Vec::new(),
        };
        CheckKind::File(x.clone(), pats)
    } else if let Some(x) = &c.logs {
        lint_select(&x.select, "logs.select", &mut errs);
        let pats = compile_patterns(&x.patterns, "logs.patterns", &mut errs);
        CheckKind::Logs(x.clone(), pats)
    } else if let Some(x) = &c.exec {
        lint_select(&x.select, "exec.select", &mut errs);
        if x.command.is_empty() {
            errs.push("`exec.command` is empty".into());
        }
        let pats = match &x.output {
            Some(b) => compile_patterns(b, "exec.output", &mut errs),
            None => Vec::new(),
        };
        CheckKind::Exec(x.clone(), pats)
    } else if let Some(x) = &c.reach {
        lint_select(&x.from, "reach.from", &mut errs);
        CheckKind::Reach(x.clone())
    } else if let Some(x) = &c.event {
        if x.action.trim().is_empty() {
            errs.push("`event.action` is empty".into());
        }
        if let Some(cmds) = &x.command
            && cmds.is_empty()
        {
            errs.push("`event.command` is an empty list: it asserts nothing".into());
        }
        CheckKind::Event(x.clone())
    } else if let Some(x) = &c.answer {
        lint_select(&x.select, "answer.select", &mut errs);
        if x.field == AnswerField::HostPort
            && x.port.as_deref().and_then(parse_container_port).is_none()
        {
            errs.push("`answer.field: host_port` needs `port`, e.g. `80/tcp`".into());
        }
        CheckKind::Answer(x.clone())
    } else {
        unreachable!("kinds() said exactly one kind is set")
    };
    if errs.is_empty() { Ok(kind) } else { Err(errs) }
}
