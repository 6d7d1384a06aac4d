//! The JSON Schema of a lab file, generated from the structs in `lab` so that editors,
//! `docklings schema`, `labs/lab.schema.json` and the book's authoring guide all read the same
//! doc comments and can never drift from what the loader accepts; and the JSON Schema of the
//! reports `check` and `grade` write (`docklings schema --report`, committed as
//! `docs/report.schema.json`), generated from the structs in `report` the same way.
//!
//! Draft-07 rather than schemars' default 2020-12: it is the draft editors' YAML and JSON
//! language servers support best, and the labs point their `$schema` modeline at this file.

use std::borrow::Cow;

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::Value;

use crate::lab::LabFile;

/// Keys of a check that are not its kind.
const CHECK_COMMON: &[&str] = &["fail", "within"];

/// schemars transform for `CheckSpec`: exactly one kind key must be set, as the loader
/// demands, so an editor flags a check with none or two before `docklings validate` does.
pub(crate) fn exactly_one_kind(schema: &mut Schema) {
    let kinds: Vec<Value> = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| {
            p.keys()
                .filter(|k| !CHECK_COMMON.contains(&k.as_str()))
                .map(|k| serde_json::json!({ "required": [k] }))
                .collect()
        })
        .unwrap_or_default();
    schema.insert("oneOf".into(), Value::Array(kinds));
}

/// The kind keys of a check (`container`, `absent`, ...), in the schema's (sorted) order.
pub(crate) fn check_kinds(schema: &Value) -> Vec<String> {
    definition(schema, "CheckSpec")
        .and_then(|c| c.get("properties"))
        .and_then(Value::as_object)
        .map(|p| {
            p.keys()
                .filter(|k| !CHECK_COMMON.contains(&k.as_str()))
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

/// The lab file's schema as a JSON value.
pub(crate) fn lab_schema() -> Value {
    let generator = SchemaSettings::draft07().into_generator();
    let mut root = generator.into_root_schema_for::<LabFile>();
    root.insert("title".into(), "docklings lab file".into());
    let mut v = root.to_value();
    drop_null(&mut v);
    unwrap_descriptions(&mut v);
    kind_lints(&mut v);
    v
}

/// Where `http` checks' URL sits in the lab schema.
const HTTP_URL: &str = "/definitions/HttpCheck/properties/url";

/// What a check kind's lint refuses that its field's type lets through, where a pattern
/// can say it, so an editor flags it before `validate`: an `http` check's URL is
/// `http://HOST[:PORT][/PATH]` without userinfo (the lint's `split_http_url`; that HOST is
/// loopback only `validate` says). The kinds' structs live in `check/`, one file each; their
/// one schema rule the type cannot carry is added here.
fn kind_lints(v: &mut Value) {
    if let Some(Value::Object(url)) = v.pointer_mut(HTTP_URL) {
        url.insert("pattern".into(), r"^http://[^/@\s]+(/|$)".into());
    }
}

/// The schema of every JSON report `check` and `grade` write (a lab's, several labs', or
/// an error report), as a JSON value. Generated for what serializing writes: a key that
/// is always written is required, an `Option` written as `null` may be `null`.
pub(crate) fn report_schema() -> Value {
    let generator = SchemaSettings::draft07().for_serialize().into_generator();
    let mut root = generator.into_root_schema_for::<crate::report::JsonReport>();
    root.insert("title".into(), "docklings report".into());
    root.insert(
        "description".into(),
        "What `docklings check --format json` and `docklings grade --format json` write. \
         `format_version` changes only when a change could break a reader."
            .into(),
    );
    let mut v = root.to_value();
    unwrap_descriptions(&mut v);
    v
}

/// What `docklings schema --report` prints and `docs/report.schema.json` holds.
pub(crate) fn report_schema_text() -> String {
    let mut s = serde_json::to_string_pretty(&report_schema()).unwrap_or_default();
    s.push('\n');
    s
}

/// A finding is written as its code and, when it has any, its values by name; the values'
/// shapes belong to each code (see `words/` for what each means).
impl JsonSchema for crate::verdict::Finding {
    fn schema_name() -> Cow<'static, str> {
        "Finding".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({
            "description": "One statement about the engine, as data: a stable code (`kind.what`) and named values, the same in every language.",
            "type": "object",
            "properties": {
                "code": { "type": "string", "pattern": "^[a-z_]+\\.[a-z_]+$" },
                "values": { "type": "object" }
            },
            "required": ["code"],
            "additionalProperties": false
        })
    }
}

/// The report's language, as `--lang` spells it.
impl JsonSchema for crate::lab::Lang {
    fn schema_name() -> Cow<'static, str> {
        "Lang".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({ "type": "string", "enum": ["ko", "en"] })
    }
}

/// schemars lets every `Option` be `null` too; an optional key is simply written or left
/// out, and `key: null` (legal YAML that no lab needs) would only clutter editors'
/// completions and the guide's types.
fn drop_null(v: &mut Value) {
    let is_null = |x: &Value| x.get("type").and_then(Value::as_str) == Some("null");
    if let Value::Object(m) = v {
        if m.get("default") == Some(&Value::Null) {
            m.remove("default");
        }
        if let Some(Value::Array(types)) = m.get_mut("type") {
            types.retain(|t| t != "null");
            if types.len() == 1 {
                let t = types.remove(0);
                m.insert("type".into(), t);
            }
        }
        if let Some(Value::Array(any)) = m.get("anyOf")
            && any.len() == 2
            && any.iter().any(is_null)
        {
            let rest: Vec<Value> = any.iter().filter(|x| !is_null(x)).cloned().collect();
            m.remove("anyOf");
            // The same shape schemars gives a required `$ref` with a description beside it.
            m.insert("allOf".into(), Value::Array(rest));
        }
    }
    match v {
        Value::Object(m) => m.values_mut().for_each(drop_null),
        Value::Array(a) => a.iter_mut().for_each(drop_null),
        _ => {}
    }
}

/// Doc comments are wrapped at 100 columns; editors show `description` as Markdown, where
/// those line breaks are noise. Paragraph breaks stay.
fn unwrap_descriptions(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                match x {
                    Value::String(s) if k == "description" => {
                        *s = s
                            .split("\n\n")
                            .map(|p| p.split('\n').map(str::trim).collect::<Vec<_>>().join(" "))
                            .collect::<Vec<_>>()
                            .join("\n\n");
                    }
                    _ => unwrap_descriptions(x),
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(unwrap_descriptions),
        _ => {}
    }
}

/// What `docklings schema` prints and `labs/lab.schema.json` holds: pretty, ending in a
/// newline, keys sorted (serde_json's map is ordered), so the output is byte-stable.
pub(crate) fn lab_schema_text() -> String {
    let mut s = serde_json::to_string_pretty(&lab_schema()).unwrap_or_default();
    s.push('\n');
    s
}

/// A named definition of the schema (`definitions` in draft-07, `$defs` in later drafts).
pub(crate) fn definition<'a>(schema: &'a Value, name: &str) -> Option<&'a Value> {
    schema
        .get("definitions")
        .or_else(|| schema.get("$defs"))
        .and_then(|d| d.get(name))
}

/// The definition a `$ref` points at, by its last path segment.
pub(crate) fn ref_name(v: &Value) -> Option<&str> {
    v.get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.rsplit('/').next())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_check_kind_is_a_key_of_the_check() {
        let s = lab_schema();
        let kinds = check_kinds(&s);
        assert_eq!(kinds.len(), crate::check::NAMES.len(), "{kinds:?}");
        assert!(kinds.contains(&"container".to_owned()));
        assert!(!kinds.contains(&"fail".to_owned()));
    }

    #[test]
    fn the_url_pattern_lands_on_the_http_check() {
        let s = lab_schema();
        let url = s
            .pointer(HTTP_URL)
            .expect("an http check's url in the schema");
        assert_eq!(url["pattern"], r"^http://[^/@\s]+(/|$)");
        let re = regex::Regex::new(url["pattern"].as_str().unwrap_or_default()).expect("regex");
        for (u, valid) in [
            ("http://localhost:8088/", true),
            ("http://127.0.0.1:8080", true),
            ("http://[::1]:80/x", true),
            ("localhost:8080/", false),
            ("https://localhost/", false),
            ("http://user@localhost/", false),
        ] {
            assert_eq!(re.is_match(u), valid, "{u}");
            assert_eq!(crate::lab::split_http_url(u).is_some(), valid, "{u}");
        }
    }

    #[test]
    fn the_report_schema_describes_every_report() {
        let s = report_schema();
        let any = s["anyOf"].as_array().expect("one schema per report");
        assert_eq!(any.len(), 4);
        for name in [
            "LabReportDocument",
            "GradeReportDocument",
            "ClassReportDocument",
            "ErrorReportDocument",
            "LabReport",
            "StepResult",
            "Outcome",
            "SubmissionSection",
        ] {
            assert!(definition(&s, name).is_some(), "{name}");
        }
    }

    #[test]
    fn unknown_keys_are_refused_everywhere() {
        let s = lab_schema();
        assert_eq!(s["additionalProperties"], false);
        for name in [
            "StepFile",
            "CheckSpec",
            "ContainerCheck",
            "Select",
            "PortSpec",
        ] {
            let d = definition(&s, name).unwrap_or_else(|| panic!("{name}"));
            assert_eq!(d["additionalProperties"], false, "{name}");
        }
    }
}
