//! Lab files: the YAML schema, loading with exact error locations, and the lints that go
//! beyond the schema.
//!
//! The structs here *are* the authoring reference: every field has a doc comment, and
//! unknown keys are errors so that a typo never silently turns a check off.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use schemars::JsonSchema;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use crate::pattern::Pattern;

/// The only lab format this build understands.
pub const FORMAT_VERSION: u32 = 1;

/// Largest lab file we read: a lab is a few KiB; anything near this is a mistake or an attack.
pub const MAX_LAB_BYTES: usize = 512 * 1024;

/// Display language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Ko,
    En,
}

impl Lang {
    /// `ko*` in `LC_ALL`, `LC_MESSAGES` or `LANG` (first one set wins) means Korean.
    pub fn from_env() -> Lang {
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Ok(v) = std::env::var(var)
                && !v.is_empty()
            {
                return if v.to_ascii_lowercase().starts_with("ko") {
                    Lang::Ko
                } else {
                    Lang::En
                };
            }
        }
        Lang::En
    }
}

/// Text shown to learners: a plain string (same in every language) or `{ko, en}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Text {
    Plain(String),
    Localized { ko: String, en: String },
}

impl Text {
    pub fn get(&self, lang: Lang) -> &str {
        match (self, lang) {
            (Text::Plain(s), _) => s,
            (Text::Localized { ko, .. }, Lang::Ko) => ko,
            (Text::Localized { en, .. }, Lang::En) => en,
        }
    }
}

// Hand-written so that errors say "expected a string or a map with `ko` and `en`" and an
// unknown language key is reported at its own line, which `#[serde(untagged)]` cannot do.
impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string, or a map with `ko` and `en` strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text::Plain(v.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Text, A::Error> {
                let (mut ko, mut en) = (None, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "ko" => ko = Some(map.next_value::<String>()?),
                        "en" => en = Some(map.next_value::<String>()?),
                        other => {
                            return Err(de::Error::unknown_field(other, &["ko", "en"]));
                        }
                    }
                }
                match (ko, en) {
                    (Some(ko), Some(en)) => Ok(Text::Localized { ko, en }),
                    (None, _) => Err(de::Error::missing_field("ko")),
                    (_, None) => Err(de::Error::missing_field("en")),
                }
            }
        }
        d.deserialize_any(V)
    }
}

// Hand-written like the `Deserialize` impl above: the derive would describe the enum's
// variants, not the two shapes a lab file may use.
impl JsonSchema for Text {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Text".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Text shown to learners: a plain string (the same in every language) or a map with a Korean `ko` and an English `en` string.",
            "oneOf": [
                { "type": "string" },
                {
                    "type": "object",
                    "properties": { "ko": { "type": "string" }, "en": { "type": "string" } },
                    "required": ["ko", "en"],
                    "additionalProperties": false
                }
            ]
        })
    }
}

/// A duration written as `500ms`, `5s` or `2m`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Within(#[serde(serialize_with = "ser_duration")] pub Duration);

fn ser_duration<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("{}ms", d.as_millis()))
}

/// Parse `500ms`, `5s`, `2m`; the unit is required so that `5` is never read as ms or s.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    let (num, mult) = if let Some(n) = s.strip_suffix("ms") {
        (n, 1)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1000)
    } else if let Some(n) = s.strip_suffix('m') {
        (n, 60_000)
    } else {
        return None;
    };
    let n: u64 = num.trim().parse().ok()?;
    Some(Duration::from_millis(n.checked_mul(mult)?))
}

impl<'de> Deserialize<'de> for Within {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match parse_duration(&s) {
            Some(dur) if dur <= Duration::from_secs(600) => Ok(Within(dur)),
            Some(_) => Err(de::Error::custom("`within` may be at most 10m")),
            None => Err(de::Error::custom(format!(
                "`{s}` is not a duration: write it like `500ms`, `5s` or `2m`"
            ))),
        }
    }
}

// A string with a unit, as `Deserialize` reads it; the 10m cap is left to the loader.
impl JsonSchema for Within {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Within".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A duration with its unit: `500ms`, `5s` or `2m` (at most 10m).",
            "type": "string",
            "pattern": "^[0-9]+(ms|s|m)$"
        })
    }
}

/// One lab: a chapter section turned into steps a learner does and docklings checks.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LabFile {
    /// Always `1`: the format this file is written in.
    #[schemars(with = "u32", range(min = 1, max = 1))]
    pub format_version: Spanned<u32>,
    /// Stable id, used on the command line (`docklings start ID`) and in reports:
    /// lowercase letters, digits and `-`.
    #[schemars(with = "String", regex(pattern = r"^[a-z0-9][a-z0-9-]{0,63}$"))]
    pub id: Spanned<String>,
    /// Where the lab comes from in the source chapters, e.g. `"2.4"`.
    pub chapter: String,
    /// The lab's title.
    pub title: Text,
    /// Markdown shown before the first step: what the lab teaches.
    #[serde(default)]
    pub intro: Option<Text>,
    /// Images the lab uses; `docklings images` makes sure they exist.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub images: Vec<Spanned<String>>,
    /// Files handed to the learner: name in the workspace → path relative to the lab file.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, String>")]
    pub files: BTreeMap<String, Spanned<String>>,
    /// The steps, in order.
    pub steps: Vec<StepFile>,
}

/// One step of a lab.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StepFile {
    /// Stable id within the lab (used by `--step` and in reports): lowercase letters,
    /// digits and `-`.
    #[schemars(with = "String", regex(pattern = r"^[a-z0-9][a-z0-9-]{0,63}$"))]
    pub id: Spanned<String>,
    /// Short title.
    pub title: Text,
    /// Markdown: what to do, with the command(s) in a code block, and what to look for.
    pub body: Text,
    /// Points this step is worth when graded (default 1).
    #[serde(default = "one")]
    pub points: u32,
    /// Hints, from a nudge to the answer.
    #[serde(default)]
    pub hints: Vec<Text>,
    /// The reference solution: what a learner types. `selftest` runs it.
    #[serde(default)]
    #[schemars(with = "Vec<Action>")]
    pub solution: Vec<Spanned<Action>>,
    /// What must hold on the engine for the step to pass. All must pass.
    #[serde(default)]
    #[schemars(with = "Vec<CheckSpec>")]
    pub checks: Vec<Spanned<CheckSpec>>,
}

fn one() -> u32 {
    1
}

/// One action of a reference solution.
///
/// A plain string is a shell command run to completion (`sh -c`). A map starts or drives a
/// long-lived interactive session in a pseudo-terminal, like a learner's second terminal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Action {
    /// A command run with `sh -c` that must exit 0.
    Run(String),
    /// A command started in a pseudo-terminal and kept open (`docker run -it ...`).
    Tty {
        session: String,
        command: String,
        expect: Option<String>,
    },
    /// Text typed into an open session, followed by Enter.
    Send {
        session: String,
        text: String,
        expect: Option<String>,
    },
    /// A command whose output (first word of its first line) answers the step's question,
    /// the way a learner reads the answer off `docker container inspect`.
    Answer(String),
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ActionMap {
    /// Shell command, same as the plain-string form.
    run: Option<String>,
    /// Command to start in a pseudo-terminal.
    tty: Option<String>,
    /// Text to type into the session.
    send: Option<String>,
    /// Command whose output answers the step's question.
    answer: Option<String>,
    /// Which session (default `main`).
    session: Option<String>,
    /// Wait until the session's output contains this text (default: a short pause for output).
    expect: Option<String>,
}

impl<'de> Deserialize<'de> for Action {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Action;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a shell command, or a map with one of `run`, `tty`, `send`, `answer`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Action, E> {
                Ok(Action::Run(v.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Action, A::Error> {
                let m = ActionMap::deserialize(de::value::MapAccessDeserializer::new(map))?;
                let session = m.session.unwrap_or_else(|| "main".to_owned());
                match (m.run, m.tty, m.send, m.answer) {
                    (Some(run), None, None, None) => Ok(Action::Run(run)),
                    (None, Some(command), None, None) => Ok(Action::Tty {
                        session,
                        command,
                        expect: m.expect,
                    }),
                    (None, None, Some(text), None) => Ok(Action::Send {
                        session,
                        text,
                        expect: m.expect,
                    }),
                    (None, None, None, Some(cmd)) => Ok(Action::Answer(cmd)),
                    _ => Err(de::Error::custom(
                        "a solution action needs exactly one of `run`, `tty`, `send` or `answer`",
                    )),
                }
            }
        }
        d.deserialize_any(V)
    }
}

// The two shapes `Deserialize` accepts: a string, or an `ActionMap` with exactly one of the
// four verbs. The map's own schema (and its field docs) comes from the derive on `ActionMap`.
impl JsonSchema for Action {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Action".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mut map = ActionMap::json_schema(generator);
        map.insert(
            "oneOf".into(),
            serde_json::json!([
                { "required": ["run"] },
                { "required": ["tty"] },
                { "required": ["send"] },
                { "required": ["answer"] }
            ]),
        );
        map.remove("title");
        schemars::json_schema!({
            "description": "One action of a reference solution: a shell command run with `sh -c` that must exit 0, or a map with exactly one of `run`, `tty` (start a command in a pseudo-terminal session), `send` (type a line into an open session) or `answer` (a command whose output answers the step's question).",
            "oneOf": [
                { "type": "string" },
                map
            ]
        })
    }
}

/// One check. Exactly one of the kind keys (`container`, `absent`, `image`, `network`,
/// `http`, `file`, `logs`, `exec`, `reach`, `event`, `answer`) is set.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = crate::schema::exactly_one_kind)]
pub struct CheckSpec {
    /// Containers matching a selector have the given properties.
    pub container: Option<ContainerCheck>,
    /// No container matches the selector (after `--rm` or `rm --force`).
    pub absent: Option<AbsentCheck>,
    /// An image exists.
    pub image: Option<ImageCheck>,
    /// A network exists with the given properties.
    pub network: Option<NetworkCheck>,
    /// An HTTP GET on a loopback URL answers as expected.
    pub http: Option<HttpCheck>,
    /// A file inside a container (read through the archive endpoint).
    pub file: Option<FileCheck>,
    /// A container's output contains patterns.
    pub logs: Option<LogsCheck>,
    /// A command run inside a container by docklings answers as expected.
    pub exec: Option<ExecCheck>,
    /// One container reaches another by name.
    pub reach: Option<ReachCheck>,
    /// The engine recorded an action since the lab started.
    pub event: Option<EventCheck>,
    /// A question whose answer only the engine knows, checked against its state.
    pub answer: Option<AnswerCheck>,
    /// What the learner reads when the check fails.
    pub fail: Option<Text>,
    /// Keep re-reading the engine until the check passes or this much time has passed.
    pub within: Option<Within>,
}

impl CheckSpec {
    /// The kind keys that are set (a valid check has exactly one).
    pub fn kinds(&self) -> Vec<&'static str> {
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
    pub image: Option<String>,
    /// Container name (without the leading `/`).
    pub name: Option<String>,
    /// Attached to this network.
    pub network: Option<String>,
    /// Carries this label, `key` or `key=value`.
    pub label: Option<String>,
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
    pub fn as_str(self) -> &'static str {
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
    pub container: String,
    /// Host port it must be bound to.
    pub host: u16,
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
    pub select: Select,
    /// How many matching containers are needed (default 1).
    pub at_least: Option<u32>,
    /// `State.Status`; `running` is false while paused.
    pub state: Option<ContainerState>,
    /// Exit code of an exited container.
    pub exit_code: Option<i64>,
    /// Started with a terminal (`-t`: `Config.Tty`).
    pub tty: Option<bool>,
    /// Started with stdin kept open (`-i`: `Config.OpenStdin`).
    pub stdin_open: Option<bool>,
    /// Started with `-d` (`Config.AttachStdout` is false).
    pub detached: Option<bool>,
    /// Actually bound host ports (`NetworkSettings.Ports`, not just what was asked).
    pub published: Option<Vec<PortSpec>>,
    /// Networks it must be attached to.
    pub networks: Option<Vec<String>>,
    /// Started with `--rm`.
    pub auto_remove: Option<bool>,
    /// Environment entries, `KEY` or `KEY=value`.
    pub env: Option<Vec<String>>,
    /// This property must differ across the `at_least` containers.
    pub distinct: Option<Distinct>,
}

/// `absent`: no container matches.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AbsentCheck {
    /// No container, running or stopped, may match this.
    pub select: Select,
}

/// `image`: an image exists under this reference.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImageCheck {
    /// `name[:tag]`.
    pub name: String,
}

/// `network`: a network exists with these properties.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NetworkCheck {
    /// Network name.
    pub name: String,
    /// Driver, e.g. `bridge`.
    pub driver: Option<String>,
    /// Created by a user (`docker network create`), not one of the engine's defaults.
    pub user_defined: Option<bool>,
    /// At least this many containers attached.
    pub min_members: Option<u32>,
}

/// `http`: a GET on a loopback URL.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HttpCheck {
    /// `http://localhost:PORT/...` or `http://127.0.0.1:...`: loopback only.
    pub url: String,
    /// Expected status (default 200).
    pub status: Option<u16>,
    /// Patterns the body must satisfy.
    pub body: Option<Vec<String>>,
    /// The body must equal this file inside the container that serves the URL.
    pub body_equals_file: Option<FileRef>,
    /// The body must equal this lab file.
    pub body_equals_lab_file: Option<String>,
}

/// A file inside a selected container.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileRef {
    /// The container that holds the file.
    pub select: Select,
    /// Absolute path inside the container.
    pub path: String,
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
    pub select: Select,
    /// Absolute path inside the container.
    pub path: String,
    /// Whether it must exist (default true).
    pub exists: Option<bool>,
    /// What it must be: `file`, `dir` or `symlink`.
    #[serde(rename = "type")]
    pub file_type: Option<FileType>,
    /// Its content must equal this lab file (compared by sha256).
    pub equals: Option<String>,
    /// Patterns its content must satisfy.
    pub contains: Option<Vec<String>>,
}

/// `logs`: a container's output.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LogsCheck {
    /// The containers whose output is read.
    pub select: Select,
    /// Patterns; `${container.hostname}`, `${container.name}` and `${container.id}` are
    /// replaced by that container's values.
    pub patterns: Vec<String>,
    /// How many containers' logs must match (default 1).
    pub at_least: Option<u32>,
}

/// `exec`: docklings runs a command inside a running container.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExecCheck {
    /// The running container to run it in.
    pub select: Select,
    /// The command and its arguments, as a list that no shell parses: `[cat, /etc/hostname]`.
    pub command: Vec<String>,
    /// Expected exit code (default 0).
    pub exit_code: Option<i64>,
    /// Patterns its output must satisfy.
    pub output: Option<Vec<String>>,
}

/// `reach`: a container reaches another by name over a shared user-defined network.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReachCheck {
    /// The container that connects.
    pub from: Select,
    /// Name (or network alias) it must reach. Omit to accept any other running container on
    /// a shared user-defined network.
    pub to: Option<String>,
    /// Only this network counts.
    pub network: Option<String>,
}

/// `event`: the engine recorded an action.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventCheck {
    /// Engine action: `top`, `exec_start`, `extract-to-dir`, `archive-path`, `attach`,
    /// `create`, `start`, `die`, `destroy`, ...
    pub action: String,
    /// Only events of containers matching this.
    pub select: Option<Select>,
    /// For `exec_start`: the command must start with one of these.
    pub command: Option<Vec<String>>,
    /// How many such events (default 1).
    pub at_least: Option<u32>,
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
    pub question: Text,
    /// Containers whose value counts as right (any of them).
    pub select: Select,
    /// What the answer is compared with.
    pub field: AnswerField,
    /// For `ip`: on this network.
    pub network: Option<String>,
    /// For `host_port`: this container port.
    pub port: Option<String>,
}

/// Where something was written: used for every error we report about a lab.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Pos {
    pub line: u64,
    pub col: u64,
}

impl Pos {
    fn of<T>(s: &Spanned<T>) -> Pos {
        Pos {
            line: s.referenced.line(),
            col: s.referenced.column(),
        }
    }
}

/// One problem in a lab file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LabError {
    pub path: PathBuf,
    pub pos: Option<Pos>,
    pub message: String,
}

impl fmt::Display for LabError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match &self.pos {
            Some(p) => write!(
                f,
                "{}:{}:{}: {}",
                self.path.display(),
                p.line,
                p.col,
                self.message
            ),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

/// A validated lab, ready for every later stage.
#[derive(Clone, Debug)]
pub struct Lab {
    pub id: String,
    pub chapter: String,
    pub title: Text,
    pub intro: Option<Text>,
    pub images: Vec<String>,
    /// name in workspace → content.
    pub files: BTreeMap<String, Vec<u8>>,
    pub steps: Vec<Step>,
    /// Where it was loaded from (for messages).
    pub source: PathBuf,
}

#[derive(Clone, Debug)]
pub struct Step {
    pub id: String,
    pub title: Text,
    pub body: Text,
    pub points: u32,
    pub hints: Vec<Text>,
    pub solution: Vec<Action>,
    pub checks: Vec<Check>,
}

/// A check with its kind resolved and its patterns compiled.
#[derive(Clone, Debug)]
pub struct Check {
    pub kind: CheckKind,
    pub fail: Option<Text>,
    pub within: Option<Duration>,
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
    pub fn name(&self) -> &'static str {
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

impl Step {
    /// The step's question, if it asks one.
    pub fn question(&self) -> Option<&Text> {
        self.checks.iter().find_map(|c| match &c.kind {
            CheckKind::Answer(a) => Some(&a.question),
            _ => None,
        })
    }
}

impl Lab {
    pub fn step(&self, key: &str) -> Option<(usize, &Step)> {
        if let Ok(n) = key.parse::<usize>() {
            return self.steps.get(n.checked_sub(1)?).map(|s| (n - 1, s));
        }
        self.steps.iter().enumerate().find(|(_, s)| s.id == key)
    }

    /// Images, container names and networks the lab's checks look at: what `selftest`
    /// refuses to run over and what a reset may remove.
    pub fn footprint(&self) -> Footprint {
        self.footprint_of(true)
    }

    /// Only what the checks select, without the lab's `images` list: what `reset` may
    /// remove (a learner's own `nginx` elsewhere is not this lab's).
    pub fn checked_footprint(&self) -> Footprint {
        self.footprint_of(false)
    }

    fn footprint_of(&self, with_images: bool) -> Footprint {
        let mut fp = Footprint {
            images: if with_images {
                self.images.clone()
            } else {
                Vec::new()
            },
            ..Footprint::default()
        };
        let add_select = |s: &Select, fp: &mut Footprint| {
            if let Some(i) = &s.image
                && !fp.images.contains(i)
            {
                fp.images.push(i.clone());
            }
            if let Some(n) = &s.name {
                fp.names.insert(n.clone());
            }
            if let Some(n) = &s.network {
                fp.networks.insert(n.clone());
            }
        };
        for step in &self.steps {
            for c in &step.checks {
                match &c.kind {
                    CheckKind::Container(x) => {
                        add_select(&x.select, &mut fp);
                        for n in x.networks.iter().flatten() {
                            fp.networks.insert(n.clone());
                        }
                    }
                    CheckKind::Absent(x) => add_select(&x.select, &mut fp),
                    CheckKind::Network(x) => {
                        fp.networks.insert(x.name.clone());
                    }
                    CheckKind::Http(x, _) => {
                        if let Some(f) = &x.body_equals_file {
                            add_select(&f.select, &mut fp);
                        }
                        if let Some(p) = loopback_port(&x.url) {
                            fp.ports.insert(p);
                        }
                    }
                    CheckKind::File(x, _) => add_select(&x.select, &mut fp),
                    CheckKind::Logs(x, _) => add_select(&x.select, &mut fp),
                    CheckKind::Exec(x, _) => add_select(&x.select, &mut fp),
                    CheckKind::Reach(x) => {
                        add_select(&x.from, &mut fp);
                        if let Some(t) = &x.to {
                            fp.names.insert(t.clone());
                        }
                        if let Some(n) = &x.network {
                            fp.networks.insert(n.clone());
                        }
                    }
                    CheckKind::Event(x) => {
                        if let Some(s) = &x.select {
                            add_select(s, &mut fp);
                        }
                    }
                    CheckKind::Answer(x) => {
                        add_select(&x.select, &mut fp);
                        if let Some(n) = &x.network {
                            fp.networks.insert(n.clone());
                        }
                    }
                    CheckKind::Image(x) => {
                        if !fp.images.contains(&x.name) {
                            fp.images.push(x.name.clone());
                        }
                    }
                }
            }
        }
        fp
    }
}

/// What a lab is about on the engine.
#[derive(Clone, Debug, Default)]
pub struct Footprint {
    pub images: Vec<String>,
    pub names: std::collections::BTreeSet<String>,
    pub networks: std::collections::BTreeSet<String>,
    pub ports: std::collections::BTreeSet<u16>,
}

/// The host and port of an `http://` URL if its host is loopback; `None` otherwise.
pub fn loopback_port(url: &str) -> Option<u16> {
    let (host, port, _) = split_http_url(url)?;
    is_loopback_host(&host).then_some(port)
}

/// Split `http://host[:port][/path]` into its parts. Only plain HTTP is accepted.
pub fn split_http_url(url: &str) -> Option<(String, u16, String)> {
    let rest = url.strip_prefix("http://")?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], rest[i..].to_owned()),
        None => (rest, "/".to_owned()),
    };
    if authority.contains('@') {
        return None; // userinfo could disguise the real host
    }
    let (host, port) = if let Some(h) = authority.strip_prefix('[') {
        let end = h.find(']')?;
        let port = match &h[end + 1..] {
            "" => 80,
            p => p.strip_prefix(':')?.parse().ok()?,
        };
        (h[..end].to_owned(), port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_owned(), p.parse().ok()?),
            None => (authority.to_owned(), 80),
        }
    };
    if host.is_empty() {
        return None;
    }
    Some((host, port, path))
}

fn is_loopback_host(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    host.parse::<std::net::IpAddr>()
        .map(|ip| ip.is_loopback())
        .unwrap_or(false)
}

/// Where lab files come from: the binary's embedded copy or a folder on disk.
#[derive(Clone, Debug)]
pub struct LabSource {
    /// Path shown in messages.
    pub path: PathBuf,
    pub text: Result<String, String>,
    /// Reads a file named relative to the lab file (already checked to stay inside).
    pub files: FileReader,
}

#[derive(Clone, Debug)]
pub enum FileReader {
    Disk(PathBuf),
    Embedded(&'static include_dir::Dir<'static>),
}

impl FileReader {
    fn read(&self, rel: &str) -> Result<Vec<u8>, String> {
        match self {
            FileReader::Disk(dir) => {
                let p = dir.join(rel);
                std::fs::read(&p).map_err(|e| format!("cannot read `{}`: {e}", p.display()))
            }
            FileReader::Embedded(dir) => dir
                .get_file(dir.path().join(rel))
                .map(|f| f.contents().to_vec())
                .ok_or_else(|| format!("`{rel}` is not in the embedded labs")),
        }
    }
}

/// A relative path that stays inside the lab's folder: no `..`, not absolute, not empty.
fn is_contained(rel: &str) -> bool {
    let p = Path::new(rel);
    !rel.is_empty()
        && p.components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

fn yaml_options() -> serde_saphyr::Options {
    // We print our own `path:line:col` and source line; the crate's snippet would repeat it.
    let mut o = serde_saphyr::Options::default();
    o.with_snippet = false;
    o
}

/// Parse and lint one lab. Returns every problem found, not just the first.
pub fn load(src: &LabSource) -> Result<Lab, Vec<LabError>> {
    let err = |pos: Option<Pos>, message: String| LabError {
        path: src.path.clone(),
        pos,
        message,
    };
    let text = match &src.text {
        Ok(t) => t,
        Err(e) => return Err(vec![err(None, e.clone())]),
    };
    if text.len() > MAX_LAB_BYTES {
        return Err(vec![err(
            None,
            format!(
                "the file is {} KiB; a lab file may be at most {} KiB",
                text.len() / 1024,
                MAX_LAB_BYTES / 1024
            ),
        )]);
    }
    if let Some((i, line)) = text.lines().enumerate().find(|(_, l)| {
        let indent: String = l.chars().take_while(|c| c.is_whitespace()).collect();
        indent.contains('\t')
    }) {
        let col = line.chars().position(|c| c == '\t').unwrap_or(0) + 1;
        return Err(vec![err(
            Some(Pos {
                line: i as u64 + 1,
                col: col as u64,
            }),
            "a tab in indentation: YAML indents with spaces only".into(),
        )]);
    }
    let file: LabFile = match serde_saphyr::from_str_with_options(text, yaml_options()) {
        Ok(f) => f,
        Err(e) => {
            let pos = e.location().map(|l| Pos {
                line: l.line(),
                col: l.column(),
            });
            return Err(vec![err(pos, clean_yaml_message(&e))]);
        }
    };
    lint(file, src)
}

/// The crate's message without its own location suffix, which we print in front instead.
fn clean_yaml_message(e: &serde_saphyr::Error) -> String {
    let msg = e.to_string();
    let first = msg.lines().next().unwrap_or("invalid YAML").trim();
    let re_at = regex::Regex::new(r"\s*(at line \d+,? col(umn)? \d+)\s*$").ok();
    let cleaned = match &re_at {
        Some(re) => re.replace(first, "").into_owned(),
        None => first.to_owned(),
    };
    if let Some(key) = cleaned.strip_prefix("duplicate mapping key: ") {
        let key = key.split(',').next().unwrap_or(key).trim();
        return format!("`{key}` is given twice: each key may appear once in a map");
    }
    if let Some(rest) = cleaned.strip_prefix("unknown field `")
        && let Some((field, expected)) = rest.split_once("`, expected one of ")
    {
        let options: Vec<&str> = expected.split(", ").map(|o| o.trim_matches('`')).collect();
        let hint = options
            .iter()
            .map(|o| (edit_distance(field, o), *o))
            .filter(|(d, _)| *d <= 2)
            .min()
            .map(|(_, o)| format!(": did you mean `{o}`?"))
            .unwrap_or_default();
        return format!(
            "unknown key `{field}`{hint} (allowed here: {})",
            options.join(", ")
        );
    }
    if cleaned.starts_with("invalid u") || cleaned.starts_with("invalid i") {
        return "expected a whole number here".into();
    }
    if cleaned.is_empty() {
        "invalid YAML".into()
    } else {
        cleaned
    }
}

/// Levenshtein distance, for "did you mean" on misspelt keys.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
}

fn lint(f: LabFile, src: &LabSource) -> Result<Lab, Vec<LabError>> {
    let mut errs = Vec::new();
    let mut e = |pos: Option<Pos>, message: String| {
        errs.push(LabError {
            path: src.path.clone(),
            pos,
            message,
        })
    };
    if f.format_version.value != FORMAT_VERSION {
        e(
            Some(Pos::of(&f.format_version)),
            format!(
                "format_version {} is not supported: this docklings reads format_version {FORMAT_VERSION}",
                f.format_version.value
            ),
        );
    }
    if !valid_id(&f.id.value) {
        e(
            Some(Pos::of(&f.id)),
            format!(
                "lab id `{}` must be lowercase letters, digits and `-`",
                f.id.value
            ),
        );
    }
    let mut files = BTreeMap::new();
    for (name, rel) in &f.files {
        if !is_contained(name) {
            e(
                Some(Pos::of(rel)),
                format!("workspace file name `{name}` must be a relative path without `..`"),
            );
            continue;
        }
        if !is_contained(&rel.value) {
            e(
                Some(Pos::of(rel)),
                format!(
                    "`{}` must be a path inside the lab's folder (relative, without `..`)",
                    rel.value
                ),
            );
            continue;
        }
        match src.files.read(&rel.value) {
            Ok(bytes) => {
                files.insert(name.clone(), bytes);
            }
            Err(m) => e(Some(Pos::of(rel)), m),
        }
    }
    for img in &f.images {
        if img.value.trim().is_empty() || img.value.contains(char::is_whitespace) {
            e(
                Some(Pos::of(img)),
                format!("`{}` is not an image reference", img.value),
            );
        }
    }
    if f.steps.is_empty() {
        e(None, "a lab needs at least one step".into());
    }
    let mut seen = HashSet::new();
    let mut steps = Vec::new();
    for s in f.steps {
        if !valid_id(&s.id.value) {
            e(
                Some(Pos::of(&s.id)),
                format!(
                    "step id `{}` must be lowercase letters, digits and `-`",
                    s.id.value
                ),
            );
        }
        if !seen.insert(s.id.value.clone()) {
            e(
                Some(Pos::of(&s.id)),
                format!("step id `{}` is used twice in this lab", s.id.value),
            );
        }
        if s.checks.is_empty() {
            e(
                Some(Pos::of(&s.id)),
                format!(
                    "step `{}` has no checks: it would pass by doing nothing",
                    s.id.value
                ),
            );
        }
        if s.solution.is_empty() {
            e(
                Some(Pos::of(&s.id)),
                format!(
                    "step `{}` has no solution: selftest cannot prove it can be done",
                    s.id.value
                ),
            );
        }
        let mut checks = Vec::new();
        for c in &s.checks {
            match lint_check(&c.value, &files) {
                Ok(k) => checks.push(Check {
                    kind: k,
                    fail: c.value.fail.clone(),
                    within: c.value.within.map(|w| w.0),
                }),
                Err(msgs) => {
                    for m in msgs {
                        e(Some(Pos::of(c)), m);
                    }
                }
            }
        }
        let mut sessions = HashSet::new();
        for a in &s.solution {
            match &a.value {
                Action::Tty { session, .. } => {
                    sessions.insert(session.clone());
                }
                Action::Send { .. } | Action::Run(_) | Action::Answer(_) => {}
            }
            if let Action::Run(cmd) | Action::Tty { command: cmd, .. } | Action::Answer(cmd) =
                &a.value
                && cmd.trim().is_empty()
            {
                e(Some(Pos::of(a)), "an empty command".into());
            }
        }
        steps.push(Step {
            id: s.id.value,
            title: s.title,
            body: s.body,
            points: s.points,
            hints: s.hints,
            solution: s.solution.into_iter().map(|a| a.value).collect(),
            checks,
        });
    }
    // A `send` must go to a session that an earlier `tty` opened (in this or an earlier step).
    let mut open = HashSet::new();
    for s in &steps {
        for a in &s.solution {
            match a {
                Action::Tty { session, .. } => {
                    open.insert(session.clone());
                }
                Action::Send { session, .. } if !open.contains(session) => e(
                    None,
                    format!(
                        "step `{}`: `send` to session `{session}`, which no earlier `tty` action opened",
                        s.id
                    ),
                ),
                _ => {}
            }
        }
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    Ok(Lab {
        id: f.id.value,
        chapter: f.chapter,
        title: f.title,
        intro: f.intro,
        images: f.images.into_iter().map(|i| i.value).collect(),
        files,
        steps,
        source: src.path.clone(),
    })
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

fn lint_check(c: &CheckSpec, files: &BTreeMap<String, Vec<u8>>) -> Result<CheckKind, Vec<String>> {
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

/// `80`, `80/tcp` or `53/udp` → (port, protocol).
pub fn parse_container_port(s: &str) -> Option<(u16, String)> {
    let (p, proto) = match s.split_once('/') {
        Some((p, proto)) => (p, proto.to_ascii_lowercase()),
        None => (s, "tcp".to_owned()),
    };
    if !matches!(proto.as_str(), "tcp" | "udp" | "sctp") {
        return None;
    }
    Some((p.trim().parse().ok()?, proto))
}

/// The labs compiled into the binary (the repository's `labs/` folder).
pub static EMBEDDED: include_dir::Dir<'static> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/labs");

/// Find lab files: `DIR/*.yaml` and `DIR/*/lab.yaml`.
pub fn sources_in_dir(dir: &Path) -> Result<Vec<LabSource>, String> {
    let rd = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read the labs folder `{}`: {e}", dir.display()))?;
    let mut out = Vec::new();
    let mut entries: Vec<_> = rd.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            let f = p.join("lab.yaml");
            if f.is_file() {
                out.push(source_from_file(&f));
            }
        } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(source_from_file(&p));
        }
    }
    Ok(out)
}

/// Read one lab file from disk (size-limited before reading it all).
pub fn source_from_file(path: &Path) -> LabSource {
    let text = match std::fs::metadata(path) {
        Ok(m) if m.len() > MAX_LAB_BYTES as u64 => Err(format!(
            "the file is {} KiB; a lab file may be at most {} KiB",
            m.len() / 1024,
            MAX_LAB_BYTES / 1024
        )),
        Ok(_) => std::fs::read(path)
            .map_err(|e| format!("cannot read it: {e}"))
            .and_then(|b| String::from_utf8(b).map_err(|_| "it is not UTF-8 text".to_owned())),
        Err(e) => Err(format!("cannot read it: {e}")),
    };
    LabSource {
        path: path.to_path_buf(),
        text,
        files: FileReader::Disk(path.parent().unwrap_or(Path::new(".")).to_path_buf()),
    }
}

/// The embedded labs as sources, in folder order.
pub fn embedded_sources() -> Vec<LabSource> {
    let mut out = Vec::new();
    for d in EMBEDDED.dirs() {
        if let Some(f) = d.get_file(d.path().join("lab.yaml")) {
            out.push(LabSource {
                path: Path::new("labs").join(f.path()),
                text: f
                    .contents_utf8()
                    .map(str::to_owned)
                    .ok_or_else(|| "it is not UTF-8 text".to_owned()),
                files: FileReader::Embedded(d),
            });
        }
    }
    out
}

/// A set of labs, sorted by chapter then id.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    pub labs: Vec<Lab>,
}

impl Catalog {
    /// Load every source; fails with all problems of all files.
    pub fn load(sources: &[LabSource]) -> Result<Catalog, Vec<LabError>> {
        let mut labs = Vec::new();
        let mut errs = Vec::new();
        let mut ids = HashSet::new();
        for s in sources {
            match load(s) {
                Ok(l) => {
                    if !ids.insert(l.id.clone()) {
                        errs.push(LabError {
                            path: s.path.clone(),
                            pos: None,
                            message: format!("lab id `{}` is used by another lab file", l.id),
                        });
                    }
                    labs.push(l)
                }
                Err(e) => errs.extend(e),
            }
        }
        if !errs.is_empty() {
            return Err(errs);
        }
        labs.sort_by(|a, b| {
            chapter_key(&a.chapter)
                .cmp(&chapter_key(&b.chapter))
                .then(a.id.cmp(&b.id))
        });
        Ok(Catalog { labs })
    }

    pub fn get(&self, id: &str) -> Option<&Lab> {
        self.labs.iter().find(|l| l.id == id)
    }

    pub fn ids(&self) -> Vec<&str> {
        self.labs.iter().map(|l| l.id.as_str()).collect()
    }
}

/// "2.10" sorts after "2.9"; chapters that are not numbers sort after the numbered ones.
fn chapter_key(ch: &str) -> (u8, Vec<u64>, String) {
    let nums: Option<Vec<u64>> = ch.split('.').map(|p| p.trim().parse().ok()).collect();
    match nums {
        Some(n) => (0, n, String::new()),
        None => (1, Vec::new(), ch.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(text: &str) -> LabSource {
        LabSource {
            path: PathBuf::from("t/lab.yaml"),
            text: Ok(text.to_owned()),
            files: FileReader::Disk(PathBuf::from("/nonexistent")),
        }
    }

    const MINIMAL: &str = r#"format_version: 1
id: demo
chapter: "2.1"
title: { ko: "데모", en: "Demo" }
steps:
  - id: one
    title: One
    body: "Run `docker run x`"
    solution: ["docker run x"]
    checks:
      - container:
          select: { image: x }
          state: exited
"#;

    #[test]
    fn minimal_lab_loads() {
        let lab = load(&src(MINIMAL)).expect("valid");
        assert_eq!(lab.id, "demo");
        assert_eq!(lab.title.get(Lang::Ko), "데모");
        assert_eq!(lab.steps[0].points, 1);
        assert_eq!(lab.steps[0].checks[0].kind.name(), "container");
        assert_eq!(lab.step("1").map(|s| s.0), Some(0));
        assert_eq!(lab.step("one").map(|s| s.0), Some(0));
        assert!(lab.step("2").is_none());
        assert!(lab.step("0").is_none());
    }

    fn first_err(text: &str) -> LabError {
        load(&src(text)).expect_err("must fail").remove(0)
    }

    #[test]
    fn misspelt_key_is_located() {
        let e = first_err(&MINIMAL.replace("state: exited", "stat: exited"));
        assert_eq!(e.pos, Some(Pos { line: 13, col: 11 }), "{e}");
        assert!(e.message.contains("did you mean `state`?"), "{e}");
    }

    #[test]
    fn duplicate_key_is_an_error() {
        let e = first_err(&MINIMAL.replace("chapter: \"2.1\"", "chapter: \"2.1\"\nchapter: x"));
        assert_eq!(e.pos.as_ref().map(|p| p.line), Some(4), "{e}");
    }

    #[test]
    fn tab_indentation_is_located() {
        let e = first_err(&MINIMAL.replace("  - id: one", "\t- id: one"));
        assert_eq!(e.pos, Some(Pos { line: 6, col: 1 }));
    }

    #[test]
    fn semantic_lints_report_every_problem() {
        let text = MINIMAL.replace(
            "      - container:\n          select: { image: x }\n          state: exited\n",
            "      - http: { url: \"http://example.com/\", body: [] }\n      - logs: { select: {}, patterns: [\"/(/\"] }\n",
        );
        let errs = load(&src(&text)).expect_err("must fail");
        let all: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        let joined = all.join("\n");
        assert!(joined.contains("loopback"), "{joined}");
        assert!(joined.contains("asserts nothing"), "{joined}");
        assert!(joined.contains("logs.select"), "{joined}");
        assert!(joined.contains("regex"), "{joined}");
        assert!(errs.iter().all(|e| e.pos.is_some()));
    }

    #[test]
    fn two_kinds_in_one_check() {
        let text = MINIMAL.replace(
            "          state: exited\n",
            "          state: exited\n        absent: { select: { image: x } }\n",
        );
        let e = first_err(&text);
        assert!(e.message.contains("exactly one kind"), "{e}");
    }

    #[test]
    fn urls() {
        assert_eq!(loopback_port("http://localhost:8088"), Some(8088));
        assert_eq!(loopback_port("http://127.0.0.1/"), Some(80));
        assert_eq!(loopback_port("http://[::1]:9/x"), Some(9));
        assert_eq!(loopback_port("http://example.com:8088"), None);
        assert_eq!(loopback_port("http://localhost@evil.com/"), None);
        assert_eq!(loopback_port("https://localhost/"), None);
    }

    #[test]
    fn contained_paths() {
        assert!(is_contained("files/index.html"));
        assert!(!is_contained("../x"));
        assert!(!is_contained("/etc/passwd"));
        assert!(!is_contained("a/../../b"));
        assert!(!is_contained(""));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("5s"), Some(Duration::from_secs(5)));
        assert_eq!(parse_duration("2m"), Some(Duration::from_secs(120)));
        assert_eq!(parse_duration("5"), None);
    }

    #[test]
    fn chapters_sort_naturally() {
        assert!(chapter_key("2.9") < chapter_key("2.10"));
        assert!(chapter_key("2.10") < chapter_key("week1"));
    }

    #[test]
    fn alias_bomb_is_refused_quickly() {
        let bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]\n";
        let errs = load(&src(bomb)).expect_err("must fail");
        assert!(!errs.is_empty());
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(load(&src(&deep)).is_err());
    }
}
