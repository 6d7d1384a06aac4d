//! The JSON Schema of a lab file, generated from the structs in `lab` so that editors,
//! `docklings schema`, `labs/lab.schema.json` and the book's authoring guide all read the same
//! doc comments and can never drift from what the loader accepts.
//!
//! Draft-07 rather than schemars' default 2020-12: it is the draft editors' YAML and JSON
//! language servers support best, and the labs point their `$schema` modeline at this file.

use schemars::Schema;
use schemars::generate::SchemaSettings;
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
    v
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
