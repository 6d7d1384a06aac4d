//! The authoring guide's reference pages, walked from the lab file's JSON Schema: every
//! field with its type and doc comment, and every check kind with an example taken from a
//! bundled lab (or written for the guide when no lab uses the kind).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::Value;

use super::{cell, t};
use crate::lab::{Catalog, LabSource, Lang};
use crate::schema::{definition, ref_name};

/// The root schema's name, as the derive names `LabFile`.
pub(super) const ROOT: &str = "LabFile";

/// Which page of the guide a definition is described on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum GuidePage {
    Format,
    Checks,
}

pub(super) struct Guide<'a> {
    schema: &'a Value,
    /// Check kind key → its definition (`container` → `ContainerCheck`).
    kinds: BTreeMap<String, String>,
    /// Definitions with a section on the format page, in order.
    format_defs: Vec<String>,
    /// Definitions with a section on the checks page, in order.
    check_defs: Vec<String>,
}

impl<'a> Guide<'a> {
    pub(super) fn new(schema: &'a Value) -> Guide<'a> {
        let mut g = Guide {
            schema,
            kinds: BTreeMap::new(),
            format_defs: Vec::new(),
            check_defs: Vec::new(),
        };
        for kind in crate::schema::check_kinds(schema) {
            if let Some(name) = g
                .def("CheckSpec")
                .and_then(|c| c.pointer(&format!("/properties/{kind}")))
                .and_then(|p| refs_in(p).into_iter().next())
            {
                g.kinds.insert(kind, name);
            }
        }
        let kind_defs: BTreeSet<String> = g.kinds.values().cloned().collect();
        // The format page: everything reachable from the root short of the check kinds.
        let format = g.reachable(&[ROOT.to_owned()], &kind_defs);
        let on_format: BTreeSet<String> = format.iter().cloned().collect();
        // The checks page: what the kinds reach that the format page does not describe.
        let kinds_in_order: Vec<String> = g.kinds.values().cloned().collect();
        let checks: Vec<String> = g
            .reachable(&kinds_in_order, &on_format)
            .into_iter()
            .filter(|d| !on_format.contains(d))
            .collect();
        // Objects (the structure) before the value types they use; then, on the checks
        // page, types shared by several kinds (`Select`) before the kinds, the rest after.
        let (mut objects, others): (Vec<String>, Vec<String>) =
            format.into_iter().partition(|d| g.is_object(d));
        objects.extend(others);
        g.format_defs = objects.into_iter().filter(|d| g.has_section(d)).collect();
        let shared = |d: &String| {
            !kind_defs.contains(d)
                && kinds_in_order
                    .iter()
                    .filter(|k| g.reachable(&[(*k).clone()], &BTreeSet::new()).contains(d))
                    .count()
                    > 1
        };
        let mut ordered: Vec<String> = checks.iter().filter(|d| shared(d)).cloned().collect();
        ordered.extend(kinds_in_order.iter().cloned());
        ordered.extend(
            checks
                .iter()
                .filter(|d| !shared(d) && !kind_defs.contains(*d))
                .cloned(),
        );
        g.check_defs = ordered.into_iter().filter(|d| g.has_section(d)).collect();
        g
    }

    pub(super) fn def(&self, name: &str) -> Option<&'a Value> {
        if name == ROOT {
            Some(self.schema)
        } else {
            definition(self.schema, name)
        }
    }

    fn is_object(&self, name: &str) -> bool {
        self.def(name)
            .is_some_and(|d| d.get("properties").is_some())
    }

    /// A plain enum is listed where it is used; everything else gets a section.
    fn has_section(&self, name: &str) -> bool {
        self.def(name).is_some_and(|d| d.get("enum").is_none())
    }

    /// Definitions reachable from `start`, breadth first in display order, not entering
    /// `stop` (nor listing it).
    fn reachable(&self, start: &[String], stop: &BTreeSet<String>) -> Vec<String> {
        let mut seen: Vec<String> = Vec::new();
        let mut queue: std::collections::VecDeque<String> = start.iter().cloned().collect();
        while let Some(name) = queue.pop_front() {
            if seen.contains(&name) || stop.contains(&name) {
                continue;
            }
            if let Some(d) = self.def(name.as_str()) {
                queue.extend(refs_in(d));
            }
            seen.push(name);
        }
        seen
    }

    fn page_of(&self, name: &str) -> GuidePage {
        if self.check_defs.iter().any(|d| d == name) {
            GuidePage::Checks
        } else {
            GuidePage::Format
        }
    }

    /// Section title: the kind key for a check kind, else the schema's name for it.
    fn label(&self, name: &str, lang: Lang) -> String {
        if name == ROOT {
            return t(lang, "실습 파일 (최상위)", "The lab file (top level)").to_owned();
        }
        match self.kinds.iter().find(|(_, d)| *d == name) {
            Some((kind, _)) => format!("`{kind}`"),
            None => name.to_owned(),
        }
    }

    fn anchor(&self, name: &str) -> String {
        match self.kinds.iter().find(|(_, d)| *d == name) {
            Some((kind, _)) => kind.clone(),
            None => name.to_ascii_lowercase(),
        }
    }

    fn link(&self, name: &str, from: GuidePage, lang: Lang) -> String {
        let Some(d) = self.def(name) else {
            return format!("`{name}`");
        };
        if let Some(values) = d.get("enum").and_then(Value::as_array) {
            return one_of(values, lang);
        }
        let href = match (from, self.page_of(name)) {
            (a, b) if a == b => String::new(),
            (_, GuidePage::Format) => "format.md".to_owned(),
            (_, GuidePage::Checks) => "checks.md".to_owned(),
        };
        format!("[{}]({href}#{})", self.label(name, lang), self.anchor(name))
    }

    /// What a value may be, in words, with links to the definitions it uses.
    fn type_of(&self, v: &Value, from: GuidePage, lang: Lang) -> String {
        if let Some(name) = ref_name(v) {
            return self.link(name, from, lang);
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some(alts) = v.get(key).and_then(Value::as_array) {
                let parts: Vec<String> = alts.iter().map(|a| self.type_of(a, from, lang)).collect();
                return parts.join(t(lang, " 또는 ", " or "));
            }
        }
        if let Some(values) = v.get("enum").and_then(Value::as_array) {
            return one_of(values, lang);
        }
        let base = match v.get("type").and_then(Value::as_str) {
            Some("array") => {
                let item = v
                    .get("items")
                    .map(|i| self.type_of(i, from, lang))
                    .unwrap_or_default();
                match lang {
                    Lang::Ko => format!("{item} 목록"),
                    Lang::En => format!("list of {item}"),
                }
            }
            Some("object") => match v.get("additionalProperties") {
                Some(x @ Value::Object(_)) => {
                    let item = self.type_of(x, from, lang);
                    match lang {
                        Lang::Ko => format!("이름 → {item} 맵"),
                        Lang::En => format!("map of name → {item}"),
                    }
                }
                _ => t(lang, "맵", "map").to_owned(),
            },
            Some("string") => t(lang, "문자열", "string").to_owned(),
            Some("integer") => t(lang, "정수", "integer").to_owned(),
            Some("number") => t(lang, "숫자", "number").to_owned(),
            Some("boolean") => "`true`/`false`".to_owned(),
            Some(other) => other.to_owned(),
            None => String::new(),
        };
        let mut out = base;
        if let Some(p) = v.get("pattern").and_then(Value::as_str) {
            out = match lang {
                Lang::Ko => format!("`{p}` 형식의 {out}"),
                Lang::En => format!("{out} matching `{p}`"),
            };
        }
        if let (Some(min), Some(max)) = (v.get("minimum"), v.get("maximum"))
            && min == max
        {
            out = match lang {
                Lang::Ko => format!("{out}, 항상 `{min}`"),
                Lang::En => format!("{out}, always `{min}`"),
            };
        }
        out
    }

    /// The key table of an object definition: required keys first, in the order the
    /// source declares them (the schema keeps that order in `required`), then the rest.
    fn table(&self, d: &Value, from: GuidePage, lang: Lang) -> String {
        let mut s = match lang {
            Lang::Ko => "| 키 | 형식 | 필수 | 설명 |\n|---|---|---|---|\n".to_owned(),
            Lang::En => "| key | type | required | description |\n|---|---|---|---|\n".to_owned(),
        };
        for (key, p, required) in properties(d) {
            let _ = writeln!(
                s,
                "| `{key}` | {} | {} | {} |",
                cell(&self.type_of(p, from, lang)),
                if required { "✓" } else { "" },
                cell(description(p))
            );
        }
        s
    }

    /// A definition's section: its description, then its keys or the shapes it may take.
    fn section(&self, name: &str, from: GuidePage, lang: Lang) -> String {
        let Some(d) = self.def(name) else {
            return String::new();
        };
        let mut s = format!(
            "## {} {{#{}}}\n\n",
            self.label(name, lang),
            self.anchor(name)
        );
        let desc = description(d);
        if !desc.is_empty() {
            let _ = writeln!(s, "{desc}\n");
        }
        if d.get("properties").is_some() {
            s.push_str(&self.table(d, from, lang));
            s.push('\n');
            if let Some(one) = exactly_one(d) {
                let _ = writeln!(
                    s,
                    "{} {}.\n",
                    t(lang, "다음 중 정확히 하나를 씁니다:", "Exactly one of"),
                    self.keys_linked(&one, from, lang)
                );
            }
        } else if let Some(alts) = d.get("oneOf").and_then(Value::as_array) {
            s.push_str(t(lang, "다음 중 하나입니다.\n\n", "One of:\n\n"));
            for alt in alts {
                s.push_str(&self.alternative(alt, from, lang));
            }
            s.push('\n');
        } else {
            let _ = writeln!(
                s,
                "{}: {}\n",
                t(lang, "형식", "Type"),
                self.type_of(d, from, lang)
            );
        }
        s
    }

    fn keys_linked(&self, keys: &[String], from: GuidePage, lang: Lang) -> String {
        keys.iter()
            .map(|k| match self.kinds.get(k) {
                Some(d) => self.link(d, from, lang),
                None => format!("`{k}`"),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// One shape of a `oneOf`: a constant with its meaning, a string, or a map with keys.
    fn alternative(&self, alt: &Value, from: GuidePage, lang: Lang) -> String {
        if let Some(c) = alt.get("const") {
            return format!("- `{}`: {}\n", plain(c), description(alt));
        }
        if alt.get("properties").is_none() {
            return format!("- {}\n", self.type_of(alt, from, lang));
        }
        let keys: Vec<String> = properties(alt)
            .iter()
            .map(|(k, _, req)| {
                if *req {
                    format!("`{k}`{}", t(lang, "(필수)", " (required)"))
                } else {
                    format!("`{k}`")
                }
            })
            .collect();
        let mut s = match lang {
            Lang::Ko => format!("- 키가 {} 인 맵", keys.join(", ")),
            Lang::En => format!("- a map with keys {}", keys.join(", ")),
        };
        if let Some(one) = exactly_one(alt) {
            // Plain: an action's `answer` is not the check kind of the same name.
            let keys: Vec<String> = one.iter().map(|k| format!("`{k}`")).collect();
            let _ = write!(
                s,
                "{} {}",
                t(lang, ". 다음 중 정확히 하나:", "; exactly one of"),
                keys.join(", ")
            );
        }
        s.push('\n');
        if properties(alt)
            .iter()
            .any(|(_, p, _)| !description(p).is_empty())
        {
            s.push('\n');
            for line in self.table(alt, from, lang).lines() {
                let _ = writeln!(s, "  {line}");
            }
        }
        s
    }

    pub(super) fn format_page(&self, lang: Lang) -> String {
        let mut s = match lang {
            Lang::Ko => "# 실습 파일 형식\n\n\
                         이 참조는 실습 파일의 JSON 스키마(`docklings schema`, 커밋된 사본은 `labs/lab.schema.json`)를 \
                         읽어 만들고, 스키마는 `src/lab.rs` 의 문서 주석에서 만들어집니다. 그래서 여기서 읽는 내용이 \
                         편집기가 보여 주는 내용이고 docklings가 받아들이는 형식입니다. 필드 설명은 그 주석의 원문(영어) \
                         그대로입니다. 어디서든 모르는 키는 오류입니다. 오타가 검사를 조용히 꺼 버리지 않도록요.\n\n"
                .to_owned(),
            Lang::En => "# The lab file, field by field\n\n\
                         This reference is read from the lab file's JSON Schema (`docklings schema`, committed as \
                         `labs/lab.schema.json`), which is generated from the doc comments in `src/lab.rs`: what you \
                         read here is what your editor shows and what docklings accepts. Unknown keys are errors \
                         everywhere, so that a typo never silently turns a check off.\n\n"
                .to_owned(),
        };
        for name in &self.format_defs {
            s.push_str(&self.section(name, GuidePage::Format, lang));
        }
        s.truncate(s.trim_end().len());
        s.push('\n');
        s
    }

    pub(super) fn checks_page(
        &self,
        examples: &BTreeMap<String, Vec<Example>>,
        lang: Lang,
    ) -> String {
        let mut s = match lang {
            Lang::Ko => "# 검사\n\n\
                         단계는 모든 검사가 통과하면 통과합니다. 검사는 아래의 **종류** 키 가운데 정확히 하나와, \
                         선택 항목인 `fail`(실패했을 때 학습자가 읽는 말: 무엇을 하면 되는지 쓰세요), `within`(웹 서버가 \
                         뜨는 것처럼 시간이 걸리는 상태라면 `5s` 처럼 그 시간 동안 엔진을 다시 읽음)으로 이루어집니다. \
                         검사는 CLI 출력을 긁지 않고 엔진 API로 읽으며, 학습자의 컨테이너나 네트워크, 파일을 바꾸지 않습니다. \
                         전체 구조는 [실습 파일 형식](format.md#checkspec)에 있습니다.\n\n\
                         ## 패턴 {#patterns}\n\n\
                         `body`, `contains`, `output`, `patterns` 는 goss와 같은 패턴 목록을 받습니다.\n\n\
                         | 패턴 | 통과 조건 |\n|---|---|\n\
                         | `text` | 어떤 줄이 `text` 를 포함한다 |\n\
                         | `!text` | 어떤 줄도 `text` 를 포함하지 않는다 |\n\
                         | `/re/` | 정규 표현식 `re` 가 어딘가와 맞는다 |\n\
                         | `!/re/` | 정규 표현식 `re` 가 어디와도 맞지 않는다 |\n\n\
                         빈 목록은 아무것도 확인하지 않으므로 오류입니다. `${container.hostname}`, `${container.name}`, \
                         `${container.id}` 는 검사하는 그 컨테이너의 값으로 바뀝니다.\n\n"
                .to_owned(),
            Lang::En => "# Checks\n\n\
                         A step passes when all its checks pass. A check is a map with exactly one **kind** key, \
                         below, and optionally `fail` (what the learner reads when it fails: say what to do) and \
                         `within` (for state that takes a moment, like a web server starting: re-read the engine \
                         for up to, say, `5s`). Checks read the engine through its API, never by scraping CLI \
                         output, and never change the learner's containers, networks or files. The whole \
                         structure is in [the lab file](format.md#checkspec).\n\n\
                         ## Patterns {#patterns}\n\n\
                         `body`, `contains`, `output` and `patterns` take lists of patterns, written as goss \
                         writes them:\n\n\
                         | pattern | passes when |\n|---|---|\n\
                         | `text` | some line contains `text` |\n\
                         | `!text` | no line contains `text` |\n\
                         | `/re/` | the regular expression `re` matches somewhere |\n\
                         | `!/re/` | the regular expression `re` matches nowhere |\n\n\
                         An empty list is an error: it asserts nothing. `${container.hostname}`, \
                         `${container.name}` and `${container.id}` stand for the values of the container being \
                         checked.\n\n"
                .to_owned(),
        };
        for name in &self.check_defs {
            s.push_str(&self.section(name, GuidePage::Checks, lang));
            if let Some((kind, _)) = self.kinds.iter().find(|(_, d)| *d == name) {
                s.push_str(&examples_of(kind, examples, lang));
            }
        }
        s.truncate(s.trim_end().len());
        s.push('\n');
        s
    }
}

/// `$ref` names inside a definition, in display order, each once.
fn refs_in(v: &Value) -> Vec<String> {
    fn walk(v: &Value, out: &mut Vec<String>) {
        if let Some(name) = ref_name(v) {
            if !out.iter().any(|o| o == name) {
                out.push(name.to_owned());
            }
            return;
        }
        if v.get("properties").is_some() {
            for (_, p, _) in properties(v) {
                walk(p, out);
            }
        }
        for key in ["items", "additionalProperties"] {
            if let Some(x) = v.get(key) {
                walk(x, out);
            }
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            for x in v.get(key).and_then(Value::as_array).into_iter().flatten() {
                walk(x, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(v, &mut out);
    out
}

/// An object's keys: required ones in declaration order, then the others by name.
pub(super) fn properties(d: &Value) -> Vec<(String, &Value, bool)> {
    let Some(props) = d.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    let required: Vec<&str> = d
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut out: Vec<(String, &Value, bool)> = required
        .iter()
        .filter_map(|k| props.get(*k).map(|p| ((*k).to_owned(), p, true)))
        .collect();
    for (k, p) in props {
        if !required.contains(&k.as_str()) {
            out.push((k.clone(), p, false));
        }
    }
    out
}

/// Keys of which exactly one must be given (a `oneOf` of single `required` keys).
fn exactly_one(d: &Value) -> Option<Vec<String>> {
    let alts = d.get("oneOf")?.as_array()?;
    alts.iter()
        .map(|a| match a.get("required")?.as_array()?.as_slice() {
            [Value::String(k)] if a.as_object()?.len() == 1 => Some(k.clone()),
            _ => None,
        })
        .collect()
}

pub(super) fn description(v: &Value) -> &str {
    v.get("description").and_then(Value::as_str).unwrap_or("")
}

fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn one_of(values: &[Value], lang: Lang) -> String {
    let list = values
        .iter()
        .map(|v| format!("`{}`", plain(v)))
        .collect::<Vec<_>>()
        .join(", ");
    match lang {
        Lang::Ko => format!("{list} 중 하나"),
        Lang::En => format!("one of {list}"),
    }
}

// ---------------------------------------------------------------------------------------
// Examples of each check kind.

/// A check as an author wrote it.
#[derive(Clone, Debug)]
pub struct Example {
    /// The lab and step it comes from; `None` for the examples written for the guide.
    pub from: Option<(String, String)>,
    /// The YAML of the check, as a list item.
    pub yaml: String,
}

/// Every check of the labs in use, by kind, as written in their files (so the guide shows
/// real, working YAML with its comments and layout rather than a re-serialisation).
pub fn bundled_examples(cat: &Catalog, sources: &[LabSource]) -> BTreeMap<String, Vec<Example>> {
    let mut out: BTreeMap<String, Vec<Example>> = BTreeMap::new();
    for lab in &cat.labs {
        let Some(text) = sources
            .iter()
            .find(|s| s.path == lab.source)
            .and_then(|s| s.text.as_ref().ok())
        else {
            continue;
        };
        let Ok(file) = serde_saphyr::from_str::<crate::lab::LabFile>(text) else {
            continue;
        };
        let lines: Vec<&str> = text.lines().collect();
        for step in &file.steps {
            for c in &step.checks {
                let kinds = c.value.kinds();
                let (Some(kind), Some(yaml)) = (
                    kinds.first(),
                    snippet(&lines, c.referenced.line(), c.referenced.column()),
                ) else {
                    continue;
                };
                out.entry((*kind).to_owned()).or_default().push(Example {
                    from: Some((lab.id.clone(), step.id.value.clone())),
                    yaml,
                });
            }
        }
    }
    out
}

/// The lines of a block-mapping list item that starts at `line`:`col` (1-based), as a list
/// item of its own: the item's lines run until one is indented less than the item's keys.
fn snippet(lines: &[&str], line: u64, col: u64) -> Option<String> {
    let (first, indent) = (
        (line as usize).checked_sub(1)?,
        (col as usize).checked_sub(1)?,
    );
    let head = lines.get(first)?;
    if !head.is_char_boundary(indent) || !head[..indent].trim_end().ends_with('-') {
        return None;
    }
    let mut out = format!("- {}\n", &head[indent..]);
    let mut body = Vec::new();
    for l in &lines[first + 1..] {
        let lead = l.len() - l.trim_start().len();
        if !l.trim().is_empty() && lead < indent {
            break;
        }
        body.push(*l);
    }
    while body.last().is_some_and(|l| l.trim().is_empty()) {
        body.pop();
    }
    for l in body {
        if l.trim().is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "  {}", &l[indent..]);
        }
    }
    Some(out)
}

fn examples_of(kind: &str, bundled: &BTreeMap<String, Vec<Example>>, lang: Lang) -> String {
    let mut s = String::new();
    let found = bundled.get(kind).map(Vec::as_slice).unwrap_or_default();
    if let Some(first) = found.first() {
        if let Some((lab, step)) = &first.from {
            let _ = writeln!(
                s,
                "{} [{lab}](../labs/{lab}.md), `{step}`:\n\n```yaml\n{}```\n",
                t(lang, "**예시**: 실습", "**Example** from"),
                first.yaml
            );
        }
        let mut uses: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for e in found {
            if let Some((lab, step)) = &e.from {
                uses.entry(lab.as_str()).or_default().push(step.as_str());
            }
        }
        let list: Vec<String> = uses
            .iter()
            .map(|(lab, steps)| {
                let steps: Vec<String> = steps.iter().map(|s| format!("`{s}`")).collect();
                format!("[{lab}](../labs/{lab}.md) ({})", steps.join(", "))
            })
            .collect();
        let _ = writeln!(
            s,
            "{} {}\n",
            t(lang, "쓰인 곳:", "Used in:"),
            list.join(", ")
        );
    }
    for (k, yaml) in crate::check::written_examples() {
        if k == kind {
            let label = match (found.is_empty(), lang) {
                (true, Lang::Ko) => {
                    "**예시** (이 안내서를 위해 쓴 것으로, 함께 제공되는 실습에는 없습니다):"
                }
                (true, Lang::En) => {
                    "**Example** (written for this guide; no bundled lab uses this kind):"
                }
                (false, Lang::Ko) => "**다른 예시** (이 안내서를 위해 쓴 것):",
                (false, Lang::En) => "**Another example** (written for this guide):",
            };
            let _ = writeln!(s, "{label}\n\n```yaml\n{yaml}```\n");
        }
    }
    s
}
