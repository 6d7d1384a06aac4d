//! Labs as Markdown: what `show` renders and what the book is made of.

use std::fmt::Write as _;

use crate::lab::{Lab, Lang};

fn chapter_label(lang: Lang) -> &'static str {
    match lang {
        Lang::Ko => "출처",
        Lang::En => "From",
    }
}

/// One lab (or one of its steps) as Markdown.
pub fn lab_markdown(lab: &Lab, lang: Lang, only: Option<usize>, hints: bool) -> String {
    let mut md = String::new();
    let total = lab.steps.len();
    if only.is_none() {
        let _ = writeln!(md, "# {}\n", lab.title.get(lang));
        let _ = writeln!(
            md,
            "*{}: {}* · `{}`\n",
            chapter_label(lang),
            lab.chapter,
            lab.id
        );
        if let Some(intro) = &lab.intro {
            let _ = writeln!(md, "{}\n", intro.get(lang).trim_end());
        }
    }
    for (i, step) in lab.steps.iter().enumerate() {
        if only.is_some_and(|o| o != i) {
            continue;
        }
        let label = match lang {
            Lang::Ko => format!("{}/{total}단계", i + 1),
            Lang::En => format!("Step {}/{total}", i + 1),
        };
        let _ = writeln!(md, "## {label}: {}\n", step.title.get(lang));
        let _ = writeln!(md, "{}\n", step.body.get(lang).trim_end());
        if let Some(q) = step.question() {
            let (label, how) = match lang {
                Lang::Ko => (
                    "질문",
                    format!(
                        "`docklings start` 에서 `a` 를 누르거나, `--answer {}=답` 으로 답하세요.",
                        step.id
                    ),
                ),
                Lang::En => (
                    "Question",
                    format!(
                        "Answer with `a` in `docklings start`, or `--answer {}=VALUE`.",
                        step.id
                    ),
                ),
            };
            let _ = writeln!(md, "**{label}:** {}\n\n*{how}*\n", q.get(lang).trim());
        }
        if step.hints.is_empty() {
            continue;
        }
        if hints {
            let h = match lang {
                Lang::Ko => "힌트",
                Lang::En => "Hints",
            };
            let _ = writeln!(md, "**{h}**\n");
            for (n, hint) in step.hints.iter().enumerate() {
                let _ = writeln!(md, "{}. {}", n + 1, hint.get(lang).trim());
            }
            md.push('\n');
        } else {
            let note = match lang {
                Lang::Ko => format!(
                    "*힌트 {}개: `docklings show {} --step {} --hints`*",
                    step.hints.len(),
                    lab.id,
                    step.id
                ),
                Lang::En => format!(
                    "*{} hint{}: `docklings show {} --step {} --hints`*",
                    step.hints.len(),
                    if step.hints.len() == 1 { "" } else { "s" },
                    lab.id,
                    step.id
                ),
            };
            let _ = writeln!(md, "{note}\n");
        }
    }
    md
}
