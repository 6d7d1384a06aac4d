//! Output patterns, as goss writes them: `"text"` some line contains it, `"!text"` no line
//! does, `"/re/"` a regex matches somewhere (`"!/re/"` nowhere).
//!
//! Patterns may name values taken from the engine snapshot, `${container.hostname}` and
//! friends, so a lab can say "the output shows *this* container's own hostname".

use std::collections::BTreeMap;

use regex::Regex;
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub(crate) struct Pattern {
    pub(crate) source: String,
    negate: bool,
    is_regex: bool,
    body: String,
}

/// Values that `${...}` placeholders are replaced with.
pub(crate) type Vars = BTreeMap<String, String>;

const PLACEHOLDER: &str = r"\$\{([a-z_]+(?:\.[a-z_]+)*)\}";

impl Pattern {
    pub(crate) fn parse(s: &str) -> Result<Pattern, String> {
        let (negate, rest) = match s.strip_prefix('!') {
            Some(r) => (true, r),
            None => (false, s),
        };
        let is_regex = rest.len() >= 2 && rest.starts_with('/') && rest.ends_with('/');
        let body = if is_regex {
            rest[1..rest.len() - 1].to_owned()
        } else {
            rest.to_owned()
        };
        if body.is_empty() {
            return Err(format!("pattern `{s}` is empty"));
        }
        if is_regex {
            // Placeholders are filled in at check time; validate with a stand-in value.
            let probe = placeholder_re().replace_all(&body, "x");
            Regex::new(&probe).map_err(|e| {
                // The regex crate's message spans lines with a caret; keep its last line.
                let text = e.to_string();
                let why = text
                    .lines()
                    .rev()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or("")
                    .trim()
                    .trim_start_matches("error: ")
                    .to_owned();
                format!("pattern `{s}` is not a valid regex: {why}")
            })?;
        }
        Ok(Pattern {
            source: s.to_owned(),
            negate,
            is_regex,
            body,
        })
    }

    /// Names of the placeholders this pattern uses.
    pub(crate) fn placeholders(&self) -> Vec<String> {
        placeholder_re()
            .captures_iter(&self.body)
            .map(|c| c[1].to_owned())
            .collect()
    }

    /// The pattern with placeholders filled in, for messages.
    pub(crate) fn display(&self, vars: &Vars) -> String {
        let body = self.fill(vars, false);
        let s = if self.is_regex {
            format!("/{body}/")
        } else {
            body
        };
        if self.negate { format!("!{s}") } else { s }
    }

    fn fill(&self, vars: &Vars, escape: bool) -> String {
        placeholder_re()
            .replace_all(&self.body, |c: &regex::Captures| match vars.get(&c[1]) {
                Some(v) if escape => regex::escape(v),
                Some(v) => v.clone(),
                None => c[0].to_owned(),
            })
            .into_owned()
    }

    /// Does `text` satisfy the pattern?
    pub(crate) fn matches(&self, text: &str, vars: &Vars) -> bool {
        let found = if self.is_regex {
            match Regex::new(&self.fill(vars, true)) {
                Ok(re) => re.is_match(text),
                Err(_) => false,
            }
        } else {
            let needle = self.fill(vars, false);
            text.lines().any(|l| l.contains(&needle))
        };
        found != self.negate
    }
}

fn placeholder_re() -> &'static Regex {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| Regex::new(PLACEHOLDER).expect("static regex"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Vars {
        [("container.hostname".to_owned(), "91cc19465791".to_owned())]
            .into_iter()
            .collect()
    }

    #[test]
    fn contains_and_negation() {
        let p = Pattern::parse("Hello from Chapter 2!").expect("ok");
        assert!(p.matches("---\nHello from Chapter 2!\n", &Vars::new()));
        assert!(!p.matches("Hello", &Vars::new()));
        let n = Pattern::parse("!error").expect("ok");
        assert!(n.matches("all good", &Vars::new()));
        assert!(!n.matches("an error", &Vars::new()));
    }

    #[test]
    fn regex_and_placeholders() {
        let p = Pattern::parse("/^${container.hostname}$/").expect("ok");
        assert!(Regex::new("(?m)x").is_ok());
        assert!(!p.matches("My name is:\n91cc19465791\n", &vars()));
        let p = Pattern::parse("/(?m)^${container.hostname}\\s*$/").expect("ok");
        assert!(p.matches("My name is:\n91cc19465791\n", &vars()));
        let p = Pattern::parse("${container.hostname}").expect("ok");
        assert!(p.matches("/ # hostname\r\n91cc19465791\r\n", &vars()));
        assert!(!p.matches("476c9a32660a", &vars()));
        assert_eq!(p.placeholders(), vec!["container.hostname"]);
        assert_eq!(p.display(&vars()), "91cc19465791");
    }

    #[test]
    fn bad_patterns() {
        assert!(Pattern::parse("/(/").is_err());
        assert!(Pattern::parse("").is_err());
        assert!(Pattern::parse("!").is_err());
    }
}
