//! Labs as Markdown: what `show` renders and what the book is made of.
//!
//! `docklings book` writes an mdBook source tree: every lab as a chapter in Korean and in
//! English, and an authoring guide whose field reference is walked from the lab file's JSON
//! Schema, so it reads the same doc comments editors show and cannot drift from the loader.
//! The output is a pure function of the labs and this build (sorted, no timestamps), which
//! is what lets `--check` compare it byte for byte in CI.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

use crate::lab::{Catalog, Lab, LabSource, Lang, Step};
use crate::schema::{definition, ref_name};

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
        let hints = match mode {
            Mode::Book => {
                md.push_str(&folded_hints(step, lang));
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

// ---------------------------------------------------------------------------------------
// The book as a set of files.

/// First line of the generated `book.toml`: `docklings book` only writes over a folder
/// that carries it, so `--out` pointed at the wrong place cannot delete anyone's files.
pub(crate) const MARKER: &str = "# Generated by `docklings book`";

fn book_toml() -> String {
    format!(
        "{MARKER}: edit the labs or src/book.rs, then run it again.\n\
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
    match lang {
        Lang::Ko => format!(
            "# 실습 만들기\n\n\
             실습은 YAML 파일 하나(`labs/<id>/lab.yaml`)와, 학습자에게 건넬 파일이 있다면 그 옆의 파일들로 이루어집니다. \
             저장소의 `labs/` 폴더에 있는 실습은 실행 파일에 포함되고, 다른 폴더의 실습은 `--labs DIR`(또는 \
             `DOCKLINGS_LABS`)로 씁니다.\n\n\
             ## 1. 템플릿으로 시작하기\n\n\
             ```bash\n\
             docklings new my-lab                 # ./labs/my-lab/lab.yaml\n\
             docklings --labs courses new my-lab  # courses/my-lab/lab.yaml\n\
             ```\n\n\
             `new` 는 단계 하나, 검사 하나, 모범 답안 하나를 갖춘 완전한 실습을 씁니다. 그대로도 \
             `docklings validate` 를 통과하니, `TODO` 를 하나씩 바꿔 나가면 됩니다. 실습 폴더에 \
             `lab.schema.json` 이 없으면 함께 씁니다. 이미 있는 폴더나 잘못된 id(소문자, 숫자, `-` 만 가능)는 거절합니다.\n\n\
             ```yaml\n{template}```\n\n\
             ## 2. 편집기의 도움 받기\n\n\
             첫 줄 `# yaml-language-server: $schema=../lab.schema.json` 을 읽는 편집기(VS Code의 YAML 확장 등)는 \
             키를 자동 완성하고, 필드 설명을 보여 주고, 모르는 키나 잘못된 값에 밑줄을 긋습니다. 스키마는 \
             `docklings schema` 가 출력하며, `labs/lab.schema.json` 은 그 출력을 커밋해 둔 것입니다(달라지면 테스트가 \
             실패하니 `docklings schema > labs/lab.schema.json` 으로 다시 만드세요).\n\n\
             ## 3. 검증하기\n\n\
             ```bash\n\
             docklings validate labs/my-lab\n\
             ```\n\n\
             모든 문제를 `파일:줄:열: 메시지` 로 보여 줍니다. 검증기는 스키마보다 더 많은 것을 봅니다. \
             빈 패턴 목록, 루프백이 아닌 URL, 없는 실습 파일, 열리지 않은 세션으로의 `send` 같은 것들입니다.\n\n\
             ## 4. 실제 엔진에서 증명하기\n\n\
             ```bash\n\
             docklings --labs labs selftest my-lab\n\
             ```\n\n\
             `selftest` 는 깨끗하지 않은 엔진에서는 실행을 거절하고, 깨끗한 엔진에서 모든 단계가 실패함을 보인 뒤, \
             각 단계의 모범 답안(`solution`)을 실행해 그 단계가 통과하는지 확인하고, 자신이 만든 것만 정확히 지웁니다.\n\n\
             ## 5. 책 다시 만들기\n\n\
             이 책은 실습과 스키마에서 만들어집니다. 실습을 바꾼 뒤 `docklings book` 으로 `book/` 을 다시 쓰세요. \
             `docklings book --check` 는 책이 오래되었으면 달라진 파일을 나열하고 1로 끝나며, 테스트가 이것을 확인합니다.\n\n\
             더 보기: [실습 파일 형식](format.md) · [검사](checks.md) · [단계의 순서](order.md) · [CI에서 채점하기](grading.md)\n"
        ),
        Lang::En => format!(
            "# Writing a lab\n\n\
             A lab is one YAML file, `labs/<id>/lab.yaml`, plus any files it hands the learner, beside it. \
             The labs in the repository's `labs/` folder are built into the binary; `--labs DIR` (or \
             `DOCKLINGS_LABS`) uses another folder of labs.\n\n\
             ## 1. Start from a template\n\n\
             ```bash\n\
             docklings new my-lab                 # ./labs/my-lab/lab.yaml\n\
             docklings --labs courses new my-lab  # courses/my-lab/lab.yaml\n\
             ```\n\n\
             `new` writes a complete lab: one step, one check, one reference solution. It passes \
             `docklings validate` as it is, so you replace its `TODO`s one at a time. It also writes \
             `lab.schema.json` into the labs folder when there is none. It refuses a folder that exists \
             and an invalid id (lowercase letters, digits and `-` only).\n\n\
             ```yaml\n{template}```\n\n\
             ## 2. Let your editor help\n\n\
             Editors that read the first line, `# yaml-language-server: $schema=../lab.schema.json` (VS Code's \
             YAML extension, for one), complete keys, show each field's description, and underline unknown \
             keys and wrong values. `docklings schema` prints the schema; `labs/lab.schema.json` is its \
             committed copy (a test fails when it is stale: regenerate it with \
             `docklings schema > labs/lab.schema.json`).\n\n\
             ## 3. Validate\n\n\
             ```bash\n\
             docklings validate labs/my-lab\n\
             ```\n\n\
             Every problem, as `file:line:col: message`. The validator checks more than the schema can: \
             empty pattern lists, URLs that are not loopback, lab files that do not exist, a `send` to a \
             session no `tty` opened.\n\n\
             ## 4. Prove it on a real engine\n\n\
             ```bash\n\
             docklings --labs labs selftest my-lab\n\
             ```\n\n\
             `selftest` refuses a dirty engine, shows that every step fails on a clean one, runs each step's \
             reference `solution` and shows that the step then passes, and removes exactly what it created.\n\n\
             ## 5. Regenerate the book\n\n\
             This book is made from the labs and the schema. After changing a lab, run `docklings book` to \
             rewrite `book/`. `docklings book --check` lists what is stale and exits 1; the tests run it.\n\n\
             Next: [The lab file, field by field](format.md) · [Checks](checks.md) · [Steps in order](order.md) · [Grading in CI](grading.md)\n"
        ),
    }
}

// Prose written by hand, kept as Markdown files so they read well in review.
const GRADING_KO: &str = include_str!("../docs/grading.ko.md");
const GRADING_EN: &str = include_str!("../docs/grading.en.md");

fn grading_page(lang: Lang) -> String {
    t(lang, GRADING_KO, GRADING_EN).to_owned()
}

const ORDER_KO: &str = include_str!("../docs/order.ko.md");
const ORDER_EN: &str = include_str!("../docs/order.en.md");

fn order_page(lang: Lang) -> String {
    t(lang, ORDER_KO, ORDER_EN).to_owned()
}

// ---------------------------------------------------------------------------------------
// The authoring guide, walked from the schema.

/// The root schema's name, as the derive names `LabFile`.
const ROOT: &str = "LabFile";

/// Which page of the guide a definition is described on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum GuidePage {
    Format,
    Checks,
}

struct Guide<'a> {
    schema: &'a Value,
    /// Check kind key → its definition (`container` → `ContainerCheck`).
    kinds: BTreeMap<String, String>,
    /// Definitions with a section on the format page, in order.
    format_defs: Vec<String>,
    /// Definitions with a section on the checks page, in order.
    check_defs: Vec<String>,
}

impl<'a> Guide<'a> {
    fn new(schema: &'a Value) -> Guide<'a> {
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

    fn def(&self, name: &str) -> Option<&'a Value> {
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

    fn format_page(&self, lang: Lang) -> String {
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

    fn checks_page(&self, examples: &BTreeMap<String, Vec<Example>>, lang: Lang) -> String {
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
fn properties(d: &Value) -> Vec<(String, &Value, bool)> {
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

fn description(v: &Value) -> &str {
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
