//! The words of a lab file that are not structure: text in one or two languages, and
//! durations. Both have hand-written serde and schema impls so that errors and the
//! schema describe what an author writes, not how the Rust types are shaped.

use std::fmt;
use std::time::Duration;

use schemars::JsonSchema;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

/// Display language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Lang {
    Ko,
    En,
}

impl Lang {
    /// `ko*` in `LC_ALL`, `LC_MESSAGES` or `LANG` (first one set wins) means Korean.
    pub(crate) fn from_env() -> Lang {
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
pub(crate) enum Text {
    Plain(String),
    Localized { ko: String, en: String },
}

impl Text {
    pub(crate) fn get(&self, lang: Lang) -> &str {
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
pub(crate) struct Within(#[serde(serialize_with = "ser_duration")] pub(crate) Duration);

fn ser_duration<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("{}ms", d.as_millis()))
}

/// Parse `500ms`, `5s`, `2m`; the unit is required so that `5` is never read as ms or s.
fn parse_duration(s: &str) -> Option<Duration> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("5s"), Some(Duration::from_secs(5)));
        assert_eq!(parse_duration("2m"), Some(Duration::from_secs(120)));
        assert_eq!(parse_duration("5"), None);
    }
}
