//! Labs as Markdown: what `show` renders and what the book is made of.
//!
//! `docklings book` writes an mdBook source tree: every lab as a chapter in Korean and in
//! English, and an authoring guide whose field reference is walked from the lab file's JSON
//! Schema, so it reads the same doc comments editors show and cannot drift from the loader.
//! The output is a pure function of the labs and this build (sorted, no timestamps), which
//! is what lets `--check` compare it byte for byte in CI.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::lab::{Catalog, Lab, LabSource, Lang, Step};

mod guide;

use guide::Guide;
pub use guide::bundled_examples;

fn chapter_label(lang: Lang) -> &'static str {
    match lang {
        Lang::Ko => "출처",
        Lang::En => "From",
    }
}

/// How a lab's Markdown ends up being read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// `show` and the terminal session: hints listed, or a note on how to see them.
    Terminal { hints: bool },
    /// A book chapter: each hint folded in its own `<details>`, and how to run the lab.
    Book,
}

/// One lab (or one of its steps) as Markdown.
pub fn lab_markdown(lab: &Lab, lang: Lang, only: Option<usize>, hints: bool) -> String {
    render(lab, lang, only, Mode::Terminal { hints })
}

/// A lab as a chapter of the book.
pub fn lab_chapter(lab: &Lab, lang: Lang) -> String {
    render(lab, lang, None, Mode::Book)
}

fn render(lab: &Lab, lang: Lang, only: Option<usize>, mode: Mode) -> String {
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
        if mode == Mode::Book {
            md.push_str(&how_to_run(lab, lang));
        }
        if let Some(needs) = &lab.needs {
            let _ = writeln!(
                md,
                "## {}\n\n{}\n",
                t(lang, "시작하기 전에", "Before you start"),
                needs.body.get(lang).trim_end()
            );
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
        if step.challenge.is_some() {
            let badge = t(
                lang,
                "**도전 과제**: 명령을 직접 찾아 보세요. 힌트는 방향부터 명령까지 한 단계씩 알려 주고, 모범 답안은 통과한 뒤에 보입니다.",
                "**Challenge**: find the command yourself. The hints go from a nudge to the command; the reference solution shows once the step passes.",
            );
            let _ = writeln!(md, "{badge}\n");
        }
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
        let hints = match mode {
            Mode::Book => {
                md.push_str(&folded_hints(step, lang));
                md.push_str(&folded_solution(step, lang));
                continue;
            }
            Mode::Terminal { hints } => hints,
        };
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

/// Pick the text of the language.
fn t<'a>(lang: Lang, ko: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::Ko => ko,
        Lang::En => en,
    }
}

fn lang_code(lang: Lang) -> &'static str {
    t(lang, "ko", "en")
}

/// The quote under a chapter's intro: how to run the lab, and what it needs.
fn how_to_run(lab: &Lab, lang: Lang) -> String {
    let id = &lab.id;
    let mut paras = vec![match lang {
        Lang::Ko => format!(
            "**실행하기:** `docklings start {id}` 를 실행한 뒤 다른 터미널에서 명령을 입력하면 단계가 저절로 확인됩니다. 한 번만 확인하려면 `docklings check {id}`."
        ),
        Lang::En => format!(
            "**Run it:** `docklings start {id}`, then type the commands in another terminal: each step is checked as you go. To check once: `docklings check {id}`."
        ),
    }];
    if !lab.images.is_empty() {
        let imgs = code_list(lab.images.iter());
        paras.push(match lang {
            Lang::Ko => format!("**이미지:** {imgs} (`docklings images {id}` 로 내려받기)"),
            Lang::En => format!("**Images:** {imgs} (`docklings images {id}` pulls them)"),
        });
    }
    if !lab.files.is_empty() {
        let files = code_list(lab.files.keys());
        paras.push(match lang {
            Lang::Ko => format!(
                "**파일:** {files}. docklings가 작업 폴더에 만들고 그 경로를 알려 줍니다."
            ),
            Lang::En => format!(
                "**Files:** {files}. docklings writes the lab's files to a workspace folder and shows you its path."
            ),
        });
    }
    let quoted: Vec<String> = paras.iter().map(|p| format!("> {p}\n")).collect();
    format!("{}\n", quoted.join(">\n"))
}

fn code_list<'a>(items: impl Iterator<Item = &'a String>) -> String {
    items
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Each hint in its own `<details>`, so a reader opens them one at a time, as in
/// `docklings start`. The blank lines let the hint's Markdown render inside the HTML block.
fn folded_hints(step: &Step, lang: Lang) -> String {
    let total = step.hints.len();
    let mut md = String::new();
    for (n, hint) in step.hints.iter().enumerate() {
        let label = match lang {
            Lang::Ko => format!("힌트 {}/{total}", n + 1),
            Lang::En => format!("Hint {} of {total}", n + 1),
        };
        let _ = writeln!(
            md,
            "<details>\n<summary>{label}</summary>\n\n{}\n\n</details>\n",
            hint.get(lang).trim()
        );
    }
    md
}

/// A challenge's reference solution, folded, with why it works: the book has no terminal
/// session to wait for the pass, so the reader opens it when ready.
fn folded_solution(step: &Step, lang: Lang) -> String {
    let Some(c) = &step.challenge else {
        return String::new();
    };
    let mut commands = String::new();
    for a in &step.solution {
        match a {
            crate::lab::Action::Run(cmd) | crate::lab::Action::Tty { command: cmd, .. } => {
                let _ = writeln!(commands, "{cmd}");
            }
            crate::lab::Action::Send { text, .. } => {
                let _ = writeln!(
                    commands,
                    "{text}    # {}",
                    t(lang, "컨테이너 안에서 입력", "typed inside")
                );
            }
            crate::lab::Action::Answer(_) => {}
        }
    }
    format!(
        "<details>\n<summary>{}</summary>\n\n```bash\n{commands}```\n\n{}\n\n[{}]({})\n\n</details>\n\n",
        t(
            lang,
            "모범 답안 (직접 해 본 뒤에 여세요)",
            "Reference solution (open it after you have tried)"
        ),
        c.why.get(lang).trim(),
        t(lang, "Docker 문서", "Docker docs"),
        c.docs
    )
}

// ---------------------------------------------------------------------------------------
// The book as a set of files.

/// First line of the generated `book.toml`: `docklings book` only writes over a folder
/// that carries it, so `--out` pointed at the wrong place cannot delete anyone's files.
pub(crate) const MARKER: &str = "# Generated by `docklings book`";

fn book_toml() -> String {
    format!(
        "{MARKER}: edit the labs, src/book/ or docs/, then run it again.\n\
         [book]\n\
         title = \"docklings\"\n\
         description = \"Docker labs in Korean and English, checked against your real Docker engine\"\n\
         # Most readers are Korean; the English half renders the same either way.\n\
         language = \"ko\"\n\
         src = \"src\"\n\
         \n\
         [output.html]\n\
         no-section-label = true\n\
         additional-css = [\"docklings.css\"]\n"
    )
}

/// Korean wraps at spaces, as Korean typesetting expects, not between any two syllables
/// (which splits 문자열 into 문/자/열 in a narrow table column).
const BOOK_CSS: &str = "/* Generated by `docklings book`. */\n\
.content { word-break: keep-all; overflow-wrap: break-word; }\n";

/// Every file of the book: path relative to the book folder (with `/`) → content.
pub fn generate(cat: &Catalog, sources: &[LabSource]) -> BTreeMap<String, String> {
    let schema = crate::schema::lab_schema();
    let guide = Guide::new(&schema);
    let examples = bundled_examples(cat, sources);
    let mut files = BTreeMap::new();
    files.insert("book.toml".to_owned(), book_toml());
    files.insert("docklings.css".to_owned(), BOOK_CSS.to_owned());
    // `mdbook build book` writes its HTML to book/book by default; it is not source.
    files.insert(".gitignore".to_owned(), "/book\n".to_owned());
    files.insert("src/SUMMARY.md".to_owned(), summary(cat));
    files.insert("src/introduction.md".to_owned(), introduction());
    for lang in [Lang::Ko, Lang::En] {
        let l = lang_code(lang);
        files.insert(format!("src/{l}/index.md"), index_page(cat, lang));
        files.insert(format!("src/{l}/labs/index.md"), labs_page(cat, lang));
        for lab in &cat.labs {
            files.insert(
                format!("src/{l}/labs/{}.md", lab.id),
                lab_chapter(lab, lang),
            );
        }
        files.insert(format!("src/{l}/authoring/index.md"), authoring_page(lang));
        files.insert(
            format!("src/{l}/authoring/format.md"),
            guide.format_page(lang),
        );
        files.insert(
            format!("src/{l}/authoring/checks.md"),
            guide.checks_page(&examples, lang),
        );
        files.insert(format!("src/{l}/authoring/order.md"), order_page(lang));
        files.insert(format!("src/{l}/authoring/grading.md"), grading_page(lang));
    }
    files
}

fn summary(cat: &Catalog) -> String {
    let mut s = String::from("# Summary\n\n[docklings](introduction.md)\n");
    for lang in [Lang::Ko, Lang::En] {
        let l = lang_code(lang);
        let _ = writeln!(s, "\n# {}\n", t(lang, "한국어", "English"));
        let _ = writeln!(
            s,
            "- [{}]({l}/index.md)",
            t(lang, "docklings 소개", "About docklings")
        );
        let _ = writeln!(s, "- [{}]({l}/labs/index.md)", t(lang, "실습", "Labs"));
        for lab in &cat.labs {
            let _ = writeln!(s, "    - [{}]({l}/labs/{}.md)", lab.title.get(lang), lab.id);
        }
        let _ = writeln!(
            s,
            "- [{}]({l}/authoring/index.md)",
            t(lang, "실습 만들기", "Writing a lab")
        );
        for (file, ko, en) in [
            ("format", "실습 파일 형식", "The lab file, field by field"),
            ("checks", "검사", "Checks"),
            ("order", "단계의 순서", "Steps in order"),
            ("grading", "CI에서 채점하기", "Grading in CI"),
        ] {
            let _ = writeln!(s, "    - [{}]({l}/authoring/{file}.md)", t(lang, ko, en));
        }
    }
    s
}

fn introduction() -> String {
    "# docklings\n\n\
     **한국어** · docklings는 도커를 직접 해 보며 배우는 실습 도구입니다. 터미널에 실습 단계를 보여 주고, \
     각 단계를 **실제 도커 엔진의 상태**로 확인합니다. [한국어로 읽기](ko/index.md)\n\n\
     **English** · docklings teaches Docker by doing: it shows a lab's steps in your terminal and \
     checks each one against **your real Docker engine's state**. [Read in English](en/index.md)\n"
        .to_owned()
}

fn index_page(cat: &Catalog, lang: Lang) -> String {
    let mut s = String::new();
    match lang {
        Lang::Ko => s.push_str(
            "# docklings 소개\n\n\
             docklings는 *Docker in a Month of Lunches*(한국어판 《도커 교과서》) 2장과 1주차 도커 강의의 실습을 \
             터미널에 한국어나 영어로 보여 주고, 각 단계를 도커 엔진 API로 **실제 엔진의 상태**와 비교해 확인합니다. \
             \"`diamol/ch02-hello-diamol-web` 컨테이너가 백그라운드로 실행 중이고 80/tcp를 8088번 포트로 공개했으며, \
             http://localhost:8088 이 그 페이지를 보낸다\"처럼요. 단계가 실패하면 무엇을 기대했는지, 무엇을 찾았는지, \
             무엇이 가까웠는지를 알려 줍니다.\n\n\
             ## 실습하는 방법\n\n\
             ```bash\n\
             cargo install --path .            # 저장소에서 한 번만\n\
             docklings start                   # 실습을 골라 시작: 다른 터미널에서 명령을 입력하면 단계가 초록색으로 바뀐다\n\
             docklings show published-web      # 단계를 읽기만 할 때\n\
             docklings check published-web     # 지금 엔진 상태로 한 번 확인\n\
             ```\n\n\
             `--lang ko` 또는 `--lang en` 으로 언어를 고를 수 있습니다(기본값은 `LANG` 에서 정해집니다). \
             도커 엔진이 실행 중이어야 하며, 실습에 쓰는 이미지는 `docklings images` 로 미리 내려받을 수 있습니다.\n\n\
             ## 실습 목록\n\n",
        ),
        Lang::En => s.push_str(
            "# About docklings\n\n\
             docklings shows the labs of *Docker in a Month of Lunches*, chapter 2, and of a week-1 Docker \
             course in your terminal, in Korean or English, and checks each step against **your real \
             Docker engine's state** through the Engine API: \"a container from \
             `diamol/ch02-hello-diamol-web` is running detached with 80/tcp published on 8088, and \
             http://localhost:8088 serves its page\". When a step fails, it says what it expected, what \
             it found, and what is near.\n\n\
             ## Doing a lab\n\n\
             ```bash\n\
             cargo install --path .            # once, from the repository\n\
             docklings start                   # pick a lab; steps turn green as you type in another terminal\n\
             docklings show published-web      # just read the steps\n\
             docklings check published-web     # check the engine once, now\n\
             ```\n\n\
             Choose the language with `--lang ko` or `--lang en` (the default follows `LANG`). The \
             Docker engine must be running; `docklings images` pulls the labs' images ahead of time.\n\n\
             ## The labs\n\n",
        ),
    }
    s.push_str(&labs_table(cat, lang, "labs/"));
    match lang {
        Lang::Ko => s.push_str(
            "\n## 강사를 위한 안내\n\n\
             실습은 YAML 파일 하나입니다. [실습 만들기](authoring/index.md)에서 템플릿으로 시작해 \
             검증하고 실제 엔진에서 증명하는 방법, 모든 필드와 검사 종류를 설명합니다.\n",
        ),
        Lang::En => s.push_str(
            "\n## For instructors\n\n\
             A lab is one YAML file. [Writing a lab](authoring/index.md) shows how to start from a \
             template, validate it and prove it on a real engine, with every field and check kind.\n",
        ),
    }
    s
}

fn labs_table(cat: &Catalog, lang: Lang, prefix: &str) -> String {
    let mut s = match lang {
        Lang::Ko => "| 출처 | 실습 | 단계 |\n|---|---|---|\n".to_owned(),
        Lang::En => "| from | lab | steps |\n|---|---|---|\n".to_owned(),
    };
    for lab in &cat.labs {
        let steps: Vec<&str> = lab.steps.iter().map(|st| st.title.get(lang)).collect();
        let _ = writeln!(
            s,
            "| {} | [{}]({prefix}{}.md) | {} |",
            cell(&lab.chapter),
            cell(lab.title.get(lang)),
            lab.id,
            cell(&steps.join(" · "))
        );
    }
    s
}

fn labs_page(cat: &Catalog, lang: Lang) -> String {
    let mut s = match lang {
        Lang::Ko => "# 실습\n\n\
                     실습마다 한 장입니다. 각 단계의 명령을 다른 터미널에서 직접 입력하세요. \
                     힌트는 접혀 있으니 막혔을 때 하나씩 펼쳐 보세요.\n\n"
            .to_owned(),
        Lang::En => "# Labs\n\n\
                     One chapter per lab. Type each step's commands yourself, in another terminal. \
                     The hints are folded away: open them one at a time when you are stuck.\n\n"
            .to_owned(),
    };
    s.push_str(&labs_table(cat, lang, ""));
    s
}

/// Markdown table cell: no line breaks, and `|` escaped (GFM splits on it even in code).
fn cell(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

fn authoring_page(lang: Lang) -> String {
    let template = crate::scaffold::template("my-lab");
    t(lang, AUTHORING_KO, AUTHORING_EN).replace("{{template}}", &template)
}

// Prose written by hand, kept as Markdown files so they read well in review.
const AUTHORING_KO: &str = include_str!("../../docs/authoring.ko.md");
const AUTHORING_EN: &str = include_str!("../../docs/authoring.en.md");
const GRADING_KO: &str = include_str!("../../docs/grading.ko.md");
const GRADING_EN: &str = include_str!("../../docs/grading.en.md");

fn grading_page(lang: Lang) -> String {
    t(lang, GRADING_KO, GRADING_EN).to_owned()
}

const ORDER_KO: &str = include_str!("../../docs/order.ko.md");
const ORDER_EN: &str = include_str!("../../docs/order.en.md");

fn order_page(lang: Lang) -> String {
    t(lang, ORDER_KO, ORDER_EN).to_owned()
}

// ---------------------------------------------------------------------------------------
// Writing and checking the book folder.

/// How the book folder differs from what `generate` makes (paths relative to it).
#[derive(Debug, Default)]
pub struct Drift {
    pub stale: Vec<String>,
    pub missing: Vec<String>,
    /// Files under `src/` that the book no longer has (a lab removed or renamed).
    pub extra: Vec<String>,
}

impl Drift {
    pub fn is_empty(&self) -> bool {
        self.stale.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

/// Compare the folder with the generated files.
pub fn compare(dir: &Path, files: &BTreeMap<String, String>) -> Drift {
    let mut d = Drift::default();
    for (rel, content) in files {
        match std::fs::read(dir.join(rel)) {
            Ok(bytes) if bytes == content.as_bytes() => {}
            Ok(_) => d.stale.push(rel.clone()),
            Err(_) => d.missing.push(rel.clone()),
        }
    }
    let mut on_disk = Vec::new();
    list_files(&dir.join("src"), "src", &mut on_disk);
    d.extra = on_disk
        .into_iter()
        .filter(|f| !files.contains_key(f))
        .collect();
    d
}

/// Files under `dir`, as `prefix/...` paths with `/`, sorted.
fn list_files(dir: &Path, prefix: &str, out: &mut Vec<String>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.filter_map(|e| e.ok()).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let rel = format!("{prefix}/{name}");
        match e.file_type() {
            Ok(ft) if ft.is_dir() => list_files(&e.path(), &rel, out),
            Ok(_) => out.push(rel),
            Err(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::guide::{ROOT, description, properties};
    use super::*;

    fn embedded() -> (Catalog, Vec<LabSource>) {
        let sources = crate::lab::embedded_sources();
        let cat = Catalog::load(&sources).expect("bundled labs load");
        (cat, sources)
    }

    #[test]
    fn written_examples_are_valid_checks() {
        for (kind, yaml) in crate::check::written_examples() {
            let indented: String = yaml.lines().map(|l| format!("      {l}\n")).collect();
            let text = format!(
                "format_version: 1\nid: demo\nchapter: \"1\"\ntitle: Demo\nsteps:\n  - id: one\n    title: One\n    body: Body\n    solution: [\"true\"]\n    checks:\n{indented}"
            );
            let src = LabSource {
                path: PathBuf::from("t/lab.yaml"),
                text: Ok(text),
                files: crate::lab::FileReader::Disk(PathBuf::from("/nonexistent")),
            };
            let lab = crate::lab::load(&src).unwrap_or_else(|e| panic!("{kind}: {e:?}"));
            assert_eq!(lab.steps[0].checks[0].kind.name(), kind);
        }
    }

    #[test]
    fn every_check_kind_has_an_example() {
        let (cat, sources) = embedded();
        let bundled = bundled_examples(&cat, &sources);
        for kind in crate::schema::check_kinds(&crate::schema::lab_schema()) {
            let written = crate::check::written_examples()
                .iter()
                .any(|(k, _)| *k == kind);
            assert!(
                bundled.contains_key(&kind) || written,
                "no example of `{kind}`"
            );
        }
        // Extracted examples are whole list items that load again as checks.
        let first = &bundled["container"][0].yaml;
        assert!(first.starts_with("- container:\n    select:"), "{first}");
        assert!(first.contains("\n  fail:\n"), "{first}");
    }

    #[test]
    fn every_field_of_the_schema_is_in_the_guide() {
        let schema = crate::schema::lab_schema();
        let guide = Guide::new(&schema);
        let pages = format!(
            "{}{}",
            guide.format_page(Lang::En),
            guide.checks_page(&BTreeMap::new(), Lang::En)
        );
        let mut names: Vec<String> = vec![ROOT.to_owned()];
        names.extend(
            schema["definitions"]
                .as_object()
                .map(|d| d.keys().cloned().collect::<Vec<_>>())
                .unwrap_or_default(),
        );
        for name in names {
            let d = guide.def(&name).expect("definition");
            for (key, p, _) in properties(d) {
                let desc = description(p);
                assert!(
                    pages.contains(&format!("| `{key}` |")),
                    "{name}.{key} is not in the guide"
                );
                assert!(
                    desc.is_empty() || pages.contains(&cell(desc)),
                    "{name}.{key}"
                );
            }
        }
    }

    #[test]
    fn the_book_is_deterministic_and_folds_hints() {
        let (cat, sources) = embedded();
        let a = generate(&cat, &sources);
        let b = generate(&cat, &sources);
        assert_eq!(a, b);
        let ch = &a["src/en/labs/published-web.md"];
        assert!(
            ch.contains("<details>\n<summary>Hint 1 of 3</summary>\n\n"),
            "{ch}"
        );
        assert!(ch.contains("`docklings start published-web`"), "{ch}");
        assert!(a["src/ko/authoring/grading.md"].contains("--submission"));
        assert!(a["src/SUMMARY.md"].contains("(ko/labs/published-web.md)"));
    }

    #[test]
    fn terminal_markdown_is_unchanged_by_the_book_mode() {
        let (cat, _) = embedded();
        let lab = cat.get("published-web").expect("lab");
        let md = lab_markdown(lab, Lang::En, None, false);
        assert!(!md.contains("<details>"));
        assert!(!md.contains("Run it"));
        assert!(md.contains("3 hints: `docklings show published-web --step run-detached --hints`"));
    }
}
