//! The serde structs that *are* the lab file format, apart from the check kinds (in
//! `checks`): what `docklings schema` turns into `labs/lab.schema.json` and the book into
//! its authoring guide, so every field's `///` doc is written for lab authors.
//!
//! Unknown keys are errors so that a typo never silently turns something off.

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use super::text::Text;
use crate::check::CheckSpec;

/// One lab: a chapter section turned into steps a learner does and docklings checks.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct LabFile {
    /// Always `1`: the format this file is written in.
    #[schemars(with = "u32", range(min = 1, max = 1))]
    pub(crate) format_version: Spanned<u32>,
    /// Stable id, used on the command line (`docklings start ID`) and in reports:
    /// lowercase letters, digits and `-`.
    #[schemars(with = "String", regex(pattern = r"^[a-z0-9][a-z0-9-]{0,63}$"))]
    pub(crate) id: Spanned<String>,
    /// Where the lab comes from in the source chapters, e.g. `"2.4"`. A bare number
    /// (`chapter: 2.4`) is read as it is written.
    #[schemars(schema_with = "chapter_schema")]
    pub(crate) chapter: String,
    /// The lab's title.
    pub(crate) title: Text,
    /// Markdown shown before the first step: what the lab teaches.
    #[serde(default)]
    pub(crate) intro: Option<Text>,
    /// Images the lab uses; `docklings images` makes sure they exist.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub(crate) images: Vec<Spanned<String>>,
    /// Files handed to the learner: name in the workspace → path relative to the lab file.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, String>")]
    pub(crate) files: BTreeMap<String, Spanned<String>>,
    /// A state the lab needs before its first step, made by another lab or by hand
    /// (`network-commands` needs a running `my-nginx`): shown as "Before you start", checked
    /// by `start` and `check`, never graded. `selftest` runs its solution first.
    #[serde(default)]
    pub(crate) needs: Option<NeedsFile>,
    /// The steps, in order.
    #[schemars(length(min = 1))]
    pub(crate) steps: Vec<StepFile>,
}

/// `chapter` is text, but YAML reads `2.4` as a number and the loader takes its digits as
/// written, so the schema accepts both, as `validate` does.
fn chapter_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "anyOf": [{ "type": "string" }, { "type": "number" }] })
}

/// What a lab needs before its first step.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NeedsFile {
    /// Markdown: what must be there, why, and how to make it (the command).
    pub(crate) body: Text,
    /// How to make it, as a learner would: `selftest` runs it before the steps.
    #[schemars(with = "Vec<Action>", length(min = 1))]
    pub(crate) solution: Vec<Spanned<Action>>,
    /// What must hold for the lab to begin.
    #[schemars(with = "Vec<CheckSpec>", length(min = 1))]
    pub(crate) checks: Vec<Spanned<CheckSpec>>,
}

/// One step of a lab.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = step_requires)]
pub(crate) struct StepFile {
    /// Stable id within the lab (used by `--step` and in reports): lowercase letters,
    /// digits and `-`.
    #[schemars(with = "String", regex(pattern = r"^[a-z0-9][a-z0-9-]{0,63}$"))]
    pub(crate) id: Spanned<String>,
    /// Short title.
    pub(crate) title: Text,
    /// Markdown: what to do, with the command(s) in a code block, and what to look for.
    pub(crate) body: Text,
    /// Which earlier step this one follows: a step passes only on the learner's acts after
    /// that step passed (after the latest step before it that passed, if it was skipped),
    /// and not while none of them has. Default: the previous step. `start` makes the step
    /// independent of the others: it counts from the lab's start, as the first step does.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) after: Option<Spanned<String>>,
    /// Points this step is worth when graded (default 1).
    #[serde(default = "one")]
    pub(crate) points: u32,
    /// Hints, from a nudge to the answer.
    #[serde(default)]
    pub(crate) hints: Vec<Text>,
    /// The reference solution: what a learner types. `selftest` runs it.
    #[serde(default)]
    #[schemars(with = "Vec<Action>", length(min = 1))]
    pub(crate) solution: Vec<Spanned<Action>>,
    /// What must hold on the engine for the step to pass. All must pass.
    #[serde(default)]
    #[schemars(with = "Vec<CheckSpec>", length(min = 1))]
    pub(crate) checks: Vec<Spanned<CheckSpec>>,
    /// Makes the step a challenge ("solve it yourself"): the body states the goal only, with
    /// no command in it; the hints climb from a nudge to the command; the reference
    /// solution is shown with `why` and a link to `docs` once the step passes, or earlier on
    /// request after a confirmation (then the step counts as solved with help). Points are
    /// graded as for any step.
    #[serde(default)]
    #[schemars(with = "Option<Challenge>")]
    pub(crate) challenge: Option<Spanned<Challenge>>,
    /// The checks are acts in this order (a shell opened, a command typed in it, the shell
    /// left): each counts only from the moment the check before it passed, and a check that
    /// passed stays passed while docklings watches — so a step can certify a container
    /// that no longer exists by the time its last act happens.
    #[serde(default)]
    pub(crate) sequence: bool,
}

/// What a challenge step shows with its reference solution.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Challenge {
    /// Why the reference solution works: each flag and argument, in a few sentences.
    pub(crate) why: Text,
    /// The Docker documentation page of the command, e.g.
    /// `https://docs.docker.com/reference/cli/docker/container/run/`.
    #[schemars(regex(pattern = r"^https://"))]
    pub(crate) docs: String,
}

fn one() -> u32 {
    1
}

/// A step's `checks` and `solution` read as empty when left out, so that `validate` can say
/// why a step needs them (it would pass by doing nothing; selftest could not prove it);
/// the schema says it at once: both are required, with no default.
fn step_requires(schema: &mut schemars::Schema) {
    const NEEDED: [&str; 2] = ["checks", "solution"];
    if let Some(props) = schema
        .get_mut("properties")
        .and_then(serde_json::Value::as_object_mut)
    {
        for key in NEEDED {
            if let Some(p) = props
                .get_mut(key)
                .and_then(serde_json::Value::as_object_mut)
            {
                p.remove("default");
            }
        }
    }
    let required = schema
        .ensure_object()
        .entry("required")
        .or_insert_with(|| serde_json::Value::Array(Vec::new()));
    if let serde_json::Value::Array(list) = required {
        for key in NEEDED {
            if !list.iter().any(|k| k == key) {
                list.push(key.into());
            }
        }
    }
}

/// One action of a reference solution.
///
/// A plain string is a shell command run to completion (`sh -c`). A map starts or drives a
/// long-lived interactive session in a pseudo-terminal, like a learner's second terminal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) enum Action {
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
