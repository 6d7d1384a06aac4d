//! Findings → sentences, in Korean or English. This is the only place where the checks'
//! words live: `en.rs` and `ko.rs` each give every [`Code`] a template (`{name}` stands for
//! the finding's value `name`) and the words for typed values (states, empty lists, file
//! kinds). Both match on `Code` exhaustively, so a code without words does not compile.

mod en;
mod ko;

use crate::lab::{FileType, Lang, Select};
use crate::verdict::{Code, Finding, OtherContainer, StateSeen, Value};

/// What one language provides.
trait Words {
    fn template(&self, code: Code) -> &'static str;
    /// An empty list of names.
    fn nothing(&self) -> &'static str;
    /// Between the last two of alternatives: "or".
    fn or(&self) -> &'static str;
    fn empty_text(&self) -> &'static str;
    fn no_output(&self) -> &'static str;
    fn state_word(&self, state: &str) -> String;
    fn state_seen(&self, s: &StateSeen) -> String;
    fn other(&self, o: &OtherContainer) -> String;
    fn more(&self, n: usize) -> String;
    fn file_kind(&self, k: FileType) -> &'static str;
    fn select(&self, s: &Select) -> String;
    /// A published port: container port, protocol, host port.
    fn port(&self, port: u16, proto: &str, host: u16) -> String;
    fn no_ports(&self) -> &'static str;
    /// What `${container.hostname}` and friends read as in an expectation.
    fn placeholder(&self, var: &str) -> Option<&'static str>;
}

fn words(lang: Lang) -> &'static dyn Words {
    match lang {
        Lang::En => &en::En,
        Lang::Ko => &ko::Ko,
    }
}

/// The one two-language picker, for texts that are not findings (screens, prompts, the
/// book's own words): English first, Korean second, everywhere.
pub(crate) fn pick<T>(lang: Lang, en: T, ko: T) -> T {
    match lang {
        Lang::En => en,
        Lang::Ko => ko,
    }
}

/// A finding as a sentence.
pub(crate) fn render(f: &Finding, lang: Lang) -> String {
    let w = words(lang);
    let template = w.template(f.code);
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let name = &after[..close];
        match f.get(name) {
            Some(v) => out.push_str(&value(v, lang)),
            // A template names a value the finding lacks: show the name rather than
            // nothing, and let the catalog test catch it.
            None => out.push_str(&format!("{{{name}}}")),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// Several findings, one after another.
pub(crate) fn join(fs: &[Finding], sep: &str, lang: Lang) -> String {
    fs.iter()
        .map(|f| render(f, lang))
        .collect::<Vec<_>>()
        .join(sep)
}

fn quoted(items: &[String], w: &dyn Words) -> String {
    if items.is_empty() {
        return w.nothing().to_owned();
    }
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn value(v: &Value, lang: Lang) -> String {
    let w = words(lang);
    match v {
        Value::Text(s) => s.clone(),
        Value::Num(n) => n.to_string(),
        Value::Names(items) => quoted(items, w),
        Value::Alternatives(items) => items
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(&format!(" {} ", w.or())),
        Value::Patterns(items) => items
            .iter()
            .map(|p| format!("`{}`", fill_placeholders(p, w)))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Select(s) => w.select(s),
        Value::StateWord(s) => w.state_word(s),
        Value::State(s) => w.state_seen(s),
        Value::Others(o) => {
            let mut parts: Vec<String> = o.shown.iter().map(|c| w.other(c)).collect();
            if o.more > 0 {
                parts.push(w.more(o.more));
            }
            parts.join(", ")
        }
        Value::FileKind(k) => w.file_kind(*k).to_owned(),
        Value::Excerpt(s) => {
            let one: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
            if one.is_empty() {
                w.empty_text().to_owned()
            } else {
                format!("`{}`", clip(&one, 80))
            }
        }
        Value::Tail(s) => {
            let lines: Vec<&str> = s.lines().filter(|l| !l.trim().is_empty()).collect();
            let tail = lines[lines.len().saturating_sub(3)..].join(" / ");
            if tail.is_empty() {
                w.no_output().to_owned()
            } else {
                let n = tail.chars().count();
                format!(
                    "`{}`",
                    tail.chars().skip(n.saturating_sub(100)).collect::<String>()
                )
            }
        }
        Value::Ports(ports) if ports.is_empty() => w.no_ports().to_owned(),
        Value::Ports(ports) => ports
            .iter()
            .map(|(p, proto, h)| w.port(*p, proto, *h))
            .collect::<Vec<_>>()
            .join(", "),
        Value::LabText(t) => t.get(lang).to_owned(),
        Value::List(fs) => join(fs, ", ", lang),
        Value::Clauses(fs) => join(fs, "; ", lang),
        Value::One(f) => render(f, lang),
        Value::Clock(nanos) => clock(*nanos),
    }
}

/// `${container.hostname}` in an expectation reads as "<its own hostname>".
fn fill_placeholders(p: &str, w: &dyn Words) -> String {
    let mut out = p.to_owned();
    for var in [
        "container.hostname",
        "container.name",
        "container.id",
        "container.short_id",
    ] {
        if let Some(word) = w.placeholder(var) {
            out = out.replace(&format!("${{{var}}}"), word);
        }
    }
    out
}

/// `14:02:11 UTC`: the same in every language.
fn clock(nanos: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(nanos))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!("{:02}:{:02}:{:02} UTC", t.hour(), t.minute(), t.second())
}

/// At most `n` characters, with an ellipsis when cut.
pub(crate) fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders(t: &str) -> Vec<String> {
        let mut v: Vec<String> = t
            .split('{')
            .skip(1)
            .filter_map(|s| s.split_once('}').map(|(n, _)| n.to_owned()))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn every_code_has_the_same_placeholders_in_both_languages() {
        for code in Code::ALL {
            let (e, k) = (en::En.template(*code), ko::Ko.template(*code));
            assert_eq!(placeholders(e), placeholders(k), "{}", code.as_str());
            assert!(!e.trim().is_empty() && !k.trim().is_empty());
        }
    }

    #[test]
    fn codes_are_unique_and_dotted() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "{s} twice");
            assert!(
                s.contains('.')
                    && s.chars()
                        .all(|c| c.is_ascii_lowercase() || "._".contains(c)),
                "{s}"
            );
        }
    }

    #[test]
    fn values_render_per_language() {
        let f = Finding::new(Code::AbsentStillList).with(
            "names",
            Value::List(vec![
                Finding::new(Code::NamedState).with("name", "old").with(
                    "state",
                    StateSeen {
                        state: "exited".into(),
                        exit_code: Some(137),
                        stopped_secs_ago: None,
                    },
                ),
            ]),
        );
        assert_eq!(render(&f, Lang::En), "still there: `old` (exited (137))");
        assert_eq!(
            render(&f, Lang::Ko),
            "아직 남아 있음: `old` (종료됨 (종료 코드 137))"
        );
        let empty = Finding::new(Code::NetworkMissing)
            .with("name", "n")
            .with("custom", Value::Names(vec![]));
        assert!(render(&empty, Lang::En).ends_with("nothing"));
        assert!(render(&empty, Lang::Ko).ends_with("없음"));
    }
}
