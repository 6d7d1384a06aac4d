//! Markdown → terminal text, for the body of a lab step.
//!
//! pulldown-cmark parses the Markdown and termimad draws the prose: inline styles, list
//! markers with hanging indents, headings, tables. termimad is never handed Markdown
//! source, for three reasons found by trying: it wraps code blocks (which breaks commands
//! that learners copy), it ignores links and task lists, and it re-reads `*` or `|` in
//! plain text as markup. So we walk pulldown-cmark's events into small owned blocks and
//! give termimad already-parsed lines.
//!
//! We also choose where prose lines break (at spaces, measured in display columns so that
//! Hangul counts two): termimad breaks between any two differently styled runs, which
//! splits "(`docker ps`)" after the parenthesis and a Korean particle from the code span
//! it follows. Table columns are sized here too, so that flags like `--detach` stay whole.
//! Code blocks, block quote bars, nesting indents and the blank lines between blocks are
//! drawn here as well.
//!
//! The layout is the same with and without colour; colour only adds styles (and drops
//! the backticks that mark inline code in plain text).
//!
//! The stages live in their own files: `walk` turns pulldown-cmark's events into the owned
//! blocks of `block`, `draw` turns blocks into lines, `wrap` breaks prose into lines and
//! `table` sizes and draws tables.

mod block;
mod draw;
mod table;
mod walk;
mod wrap;

use std::io::IsTerminal;

use pulldown_cmark::{Options, Parser};

use self::draw::draw;
use self::walk::Walker;

/// Narrowest layout we produce. termimad panics below 3 columns and its list and table
/// fitting needs room for markers, so narrower requests are laid out at this width.
const MIN_WIDTH: usize = 20;
/// Widest layout we produce; bounds the allocation for horizontal rules.
const MAX_WIDTH: usize = 1000;

/// How to draw: width in terminal columns and whether to emit ANSI styles.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RenderOptions {
    pub(crate) width: usize,
    pub(crate) color: bool,
}

impl RenderOptions {
    /// No escape sequences at all: for pipes, files, `NO_COLOR` and tests.
    pub(crate) fn plain(width: usize) -> Self {
        Self {
            width,
            color: false,
        }
    }

    /// With ANSI styles.
    pub(crate) fn colored(width: usize) -> Self {
        Self { width, color: true }
    }
}

/// Width of the terminal on stdout, else $COLUMNS if it parses, else 80; clamped to [20, 200].
pub(crate) fn terminal_width() -> usize {
    // crossterm asks /dev/tty, which is the terminal of the session even when stdout is
    // a pipe; only trust it when stdout really is that terminal.
    let tty = if std::io::stdout().is_terminal() {
        termimad::crossterm::terminal::size()
            .ok()
            .map(|(cols, _rows)| usize::from(cols))
    } else {
        None
    };
    choose_width(tty, std::env::var("COLUMNS").ok().as_deref())
}

/// The policy of [`terminal_width`], apart from where the numbers come from.
fn choose_width(tty: Option<usize>, columns: Option<&str>) -> usize {
    tty.filter(|&w| w > 0)
        .or_else(|| columns?.trim().parse::<usize>().ok().filter(|&w| w > 0))
        .unwrap_or(80)
        .clamp(20, 200)
}

/// Render Markdown for the terminal.
///
/// Widths outside [`MIN_WIDTH`]..=[`MAX_WIDTH`] are laid out at the nearest bound. Every
/// line fits the width except the lines of code blocks, which are never wrapped. The result
/// ends with exactly one newline.
pub(crate) fn markdown_to_terminal(md: &str, opts: RenderOptions) -> String {
    let mut walker = Walker::new();
    for event in Parser::new_ext(md, parser_options()) {
        walker.event(event);
    }
    let blocks = walker.finish();
    draw(&blocks, opts)
}

/// The one place where the Markdown dialect is chosen.
fn parser_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

#[cfg(test)]
mod tests {
    use unicode_width::UnicodeWidthStr;

    use super::draw::strip_ansi;
    use super::*;

    const DOCKER_RUN: &str =
        "docker container run --detach --publish 8088:80 diamol/ch02-hello-diamol-web";

    const ENGLISH: &str = r#"## Run a web site in a container

The `diamol/ch02-hello-diamol-web` image runs the **Apache** web server. Start it *detached*,
publishing port 80 of the container on port 8088 of your machine:

```bash
docker container run --detach --publish 8088:80 diamol/ch02-hello-diamol-web
```

Then check that:

1. the container keeps running (`docker container ls`);
2. port 8088 is published:
   - `--publish` takes *host*:*container*;
   - the host port must be free.
3. <http://localhost:8088> answers.

- [x] image pulled
- [ ] page opened

| Flag | Short | Meaning |
|---|:-:|---|
| `--detach` | `-d` | run in the background and print the container id |
| `--publish` | `-p` | publish a container port on the host |

> Tip: the [run reference](https://docs.docker.com/reference/cli/docker/container/run/) lists every flag.
"#;

    const KOREAN: &str = r#"## 컨테이너로 웹 사이트 호스팅하기

`diamol/ch02-hello-diamol-web` 이미지에는 **아파치** 웹 서버와 간단한 HTML 페이지가 들어 있습니다. 컨테이너를 *백그라운드*로 실행하고, 컨테이너의 80번 포트를 호스트의 8088번 포트로 공개하세요:

```bash
docker container run --detach --publish 8088:80 diamol/ch02-hello-diamol-web
```

실행한 다음 확인할 것:

1. 컨테이너가 계속 실행 중인지 (`docker container ls`)
2. 8088번 포트가 공개되었는지
   - `--publish`는 *호스트*:*컨테이너* 순서로 씁니다.
3. 브라우저에서 <http://localhost:8088>이 열리는지

| 플래그 | 줄임 | 뜻 |
|---|:-:|---|
| `--detach` | `-d` | 컨테이너를 백그라운드에서 실행하고 ID를 출력 |
| `--publish` | `-p` | 컨테이너 포트를 호스트에 공개 |

> 참고: 모든 플래그는 [docker run 문서](https://docs.docker.com/reference/cli/docker/container/run/)에 있습니다.
"#;

    fn code_lines_of(md: &str) -> Vec<String> {
        let mut lines = Vec::new();
        let mut in_code = false;
        let mut after_blank = true;
        for raw in md.lines() {
            let line = raw.trim_start_matches([' ', '>']);
            if line.starts_with("```") {
                in_code = !in_code;
            } else if in_code || (after_blank && raw.starts_with("    ")) {
                lines.push(line.trim().to_owned());
            }
            after_blank = raw.trim().is_empty();
        }
        lines
    }

    /// Every line fits `width` except the code lines of `md`, which must come out whole.
    pub(super) fn assert_fits(md: &str, out: &str, width: usize) {
        let code = code_lines_of(md);
        for line in out.lines() {
            let visible = strip_ansi(line);
            let text = visible.trim_start_matches([' ', '│']).trim_end();
            if code.iter().any(|c| !c.is_empty() && text == c) {
                continue;
            }
            assert!(
                visible.width() <= width,
                "line wider than {width} ({}): {visible:?}\n{out}",
                visible.width()
            );
        }
    }

    fn assert_tidy(out: &str) {
        assert!(out.ends_with('\n') && !out.ends_with("\n\n"), "{out:?}");
        for line in out.lines() {
            assert_eq!(line, line.trim_end(), "trailing space in {out}");
        }
    }

    /// Everything at once, nested.
    const KITCHEN_SINK: &str = r#"# Lab 2.4: 웹 사이트

Some **bold `code` inside** and ~~struck~~ *italic* text, a hard  
break here, and a [link](https://example.com "title").

* one
* two
  continued lazily

  second para in two

* three

---

> quote line
>
> > nested quote with a long line that has to wrap around the width, 길게 이어지는 인용문
>
> ```
> docker ps -a
> ```

1. step
   ```sh
   docker run -it diamol/base
   ```
2. next
   - [ ] 할 일: `docker container rm --force $(docker container ls --all --quiet)`를 실행

### Third level heading

| 명령 | 설명 |
|---|---|
| `docker container ls --all` | 모든 컨테이너(멈춘 것도)를 보여 줍니다 |

<!-- a comment -->

    indented code block
"#;

    #[test]
    fn english_80() {
        insta::assert_snapshot!(markdown_to_terminal(ENGLISH, RenderOptions::plain(80)));
    }

    #[test]
    fn english_40() {
        insta::assert_snapshot!(markdown_to_terminal(ENGLISH, RenderOptions::plain(40)));
    }

    #[test]
    fn korean_80() {
        insta::assert_snapshot!(markdown_to_terminal(KOREAN, RenderOptions::plain(80)));
    }

    #[test]
    fn korean_40() {
        insta::assert_snapshot!(markdown_to_terminal(KOREAN, RenderOptions::plain(40)));
    }

    #[test]
    fn lines_fit_the_width() {
        for md in [ENGLISH, KOREAN, KITCHEN_SINK] {
            for width in (20..=100).chain([120, 200]) {
                for color in [false, true] {
                    let out = markdown_to_terminal(md, RenderOptions { width, color });
                    assert_fits(md, &out, width);
                }
            }
        }
    }

    #[test]
    fn code_survives_narrow_width_verbatim() {
        for md in [ENGLISH, KOREAN] {
            for color in [false, true] {
                let out = markdown_to_terminal(md, RenderOptions { width: 40, color });
                let line = out
                    .lines()
                    .find(|l| l.contains("docker container run"))
                    .expect("the command is shown");
                assert!(line.contains(DOCKER_RUN), "{line:?}");
                // Nothing after the command on its line, so a triple-click copies it.
                assert!(
                    strip_ansi(line).trim_end().ends_with(DOCKER_RUN),
                    "{line:?}"
                );
                if !color {
                    assert_eq!(line, format!("  {DOCKER_RUN}"));
                }
            }
        }
    }

    #[test]
    fn plain_has_no_escapes_and_no_trailing_space() {
        for md in [ENGLISH, KOREAN] {
            for width in [20, 40, 80] {
                let out = markdown_to_terminal(md, RenderOptions::plain(width));
                assert!(!out.contains('\u{1b}'), "{out}");
                assert_tidy(&out);
            }
        }
        // Not even when the Markdown itself carries one.
        let out = markdown_to_terminal(
            "a \u{1b}[31mred\n\n```\n\u{1b}[0m\n```",
            RenderOptions::plain(40),
        );
        assert!(!out.contains('\u{1b}'), "{out:?}");
    }

    #[test]
    fn color_emits_styles_with_the_same_layout() {
        let out = markdown_to_terminal(ENGLISH, RenderOptions::colored(80));
        // Bold is an attribute, which crossterm writes even under NO_COLOR.
        assert!(out.contains("\u{1b}[1m"), "{out}");
        assert!(out.ends_with('\n') && !out.ends_with("\n\n"));
        // Colour only adds styles; plain text differs only by the backticks it keeps
        // around inline code, so compare on text without inline code.
        for md in [ENGLISH, KOREAN] {
            let md: String = md
                .lines()
                .map(|l| {
                    if l.starts_with("```") {
                        l.to_owned()
                    } else {
                        l.replace('`', "")
                    }
                })
                .collect::<Vec<_>>()
                .join("\n");
            for width in [20, 33, 40, 80] {
                let plain = markdown_to_terminal(&md, RenderOptions::plain(width));
                let colored = markdown_to_terminal(&md, RenderOptions::colored(width));
                assert_ne!(plain, colored);
                let colored: Vec<String> = strip_ansi(&colored)
                    .lines()
                    .map(|l| l.trim_end().to_owned())
                    .collect();
                assert_eq!(plain.lines().collect::<Vec<_>>(), colored, "at {width}");
            }
        }
    }

    #[test]
    fn kitchen_sink_40() {
        insta::assert_snapshot!(markdown_to_terminal(KITCHEN_SINK, RenderOptions::plain(40)));
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        let deep_list: String = (0..40)
            .map(|i| format!("{}- level {i}\n", "  ".repeat(i)))
            .collect();
        let deep_quote = format!("{} deep\n", ">".repeat(60));
        let long_word = "가".repeat(300);
        let inputs = [
            "",
            "\n\n\n",
            "```",
            "```\n",
            "```sh\ndocker ps",
            "    indented code\n",
            "~~~\n~~~",
            "<div>\n<p>unclosed",
            "<!-- comment -->",
            "#",
            "# ",
            "-",
            "1.",
            "- [ ]",
            "999999999. big number",
            "| a |\n|---|",
            "| a | b |\n|---|---|\n| only one |",
            "|a|\n|-|\n|1|2|3|",
            "***",
            "> ",
            "[link]()",
            "![alt](img.png)",
            "line  \nbreak  \n",
            "a\\\n",
            "`",
            "**unclosed",
            "[^note]\n\n[^note]: text",
            "\u{0}\u{7}\u{1b}\u{7f}\u{9b}",
            "\r\n\r\n- a\r\n- b\r\n",
            "👩‍👩‍👧 🇰🇷 e\u{301}",
            &deep_list,
            &deep_quote,
            &long_word,
        ];
        for md in inputs {
            for width in [0, 1, 3, 20, 21, 40, 80, usize::MAX] {
                for color in [false, true] {
                    let out = markdown_to_terminal(md, RenderOptions { width, color });
                    assert!(
                        out.ends_with('\n') && !out.ends_with("\n\n"),
                        "{md:?} -> {out:?}"
                    );
                    if !color {
                        assert!(!out.contains('\u{1b}'));
                        assert_tidy(&out);
                    }
                    let effective = width.clamp(MIN_WIDTH, MAX_WIDTH);
                    if !md.contains("```") && !md.starts_with("    ") {
                        assert_fits(md, &out, effective);
                    }
                }
            }
        }
    }

    #[test]
    fn empty_input_is_one_newline() {
        assert_eq!(markdown_to_terminal("", RenderOptions::plain(80)), "\n");
    }

    #[test]
    fn width_policy() {
        assert_eq!(choose_width(Some(132), Some("90")), 132);
        assert_eq!(choose_width(Some(0), Some(" 90 ")), 90);
        assert_eq!(choose_width(None, Some("wide")), 80);
        assert_eq!(choose_width(None, None), 80);
        assert_eq!(choose_width(None, Some("5")), 20);
        assert_eq!(choose_width(Some(500), None), 200);
        let w = terminal_width();
        assert!((20..=200).contains(&w));
    }
}
