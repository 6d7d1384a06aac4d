//! From blocks to lines: prose through termimad, code blocks verbatim, quote bars and
//! indents in front, blank lines between blocks, and our own styles ([`Paint`]).

use termimad::crossterm::style::{Attribute, Color};
use termimad::minimad::Compound;
use termimad::{Alignment, CompositeKind, CompoundStyle, FmtComposite, FmtLine, FmtText, MadSkin};
use unicode_width::UnicodeWidthStr;

use super::block::{Block, Marker, Placed, ProseKind, QUOTE_BAR, Span};
use super::table::draw_table;
use super::wrap::wrap;
use super::{MAX_WIDTH, MIN_WIDTH, RenderOptions};

/// Columns always left for text after quote bars and list indents. It leaves room for the
/// widest ordered-list marker ("4294967295. ") plus a few characters of text.
const MIN_INNER_WIDTH: usize = 16;

const CODE_INDENT: &str = "  ";

/// Styles of our own drawing (termimad's skin styles the rest); unstyled without colour.
pub(super) struct Paint {
    pub(super) color: bool,
}

impl Paint {
    fn with(&self, style: CompoundStyle, text: &str) -> String {
        if self.color && !text.is_empty() {
            style.apply_to(text).to_string()
        } else {
            text.to_owned()
        }
    }

    fn dim(&self, text: &str) -> String {
        self.with(CompoundStyle::with_fg(Color::DarkGrey), text)
    }

    fn code(&self, text: &str) -> String {
        self.with(CompoundStyle::with_fg(Color::Yellow), text)
    }

    fn heading(&self, text: &str) -> String {
        self.with(heading_style(), text)
    }

    /// Quote bars dimmed, indents as they are.
    fn prefix(&self, prefix: &str) -> String {
        if !self.color {
            return prefix.to_owned();
        }
        let bar = QUOTE_BAR.trim_end();
        prefix
            .split_inclusive(bar)
            .map(|part| match part.strip_suffix(bar) {
                Some(before) => format!("{before}{}", self.dim(bar)),
                None => part.to_owned(),
            })
            .collect()
    }
}

fn heading_style() -> CompoundStyle {
    CompoundStyle::new(Some(Color::Cyan), None, Attribute::Bold.into())
}

fn skin(color: bool) -> MadSkin {
    if !color {
        return MadSkin::no_style();
    }
    // Theme colours from the 16-colour palette read on dark and light terminals alike,
    // unlike termimad's default greys; no backgrounds, which leave ragged blocks.
    let mut skin = MadSkin {
        inline_code: CompoundStyle::with_fg(Color::Yellow),
        bullet: termimad::StyledChar::from_fg_char(Color::DarkGrey, '•'),
        table: CompoundStyle::with_fg(Color::DarkGrey).into(),
        ..MadSkin::default()
    };
    for header in &mut skin.headers {
        // termimad centres the first level; steps read better left-aligned.
        header.align = Alignment::Left;
        header.compound_style = heading_style();
    }
    skin
}

/// Lays out blocks at `opts.width`: the text to print, ending with one newline.
pub(super) fn draw(blocks: &[Placed], opts: RenderOptions) -> String {
    let width = opts.width.clamp(MIN_WIDTH, MAX_WIDTH);
    let skin = skin(opts.color);
    let paint = Paint { color: opts.color };
    let mut lines: Vec<String> = Vec::new();
    for placed in blocks {
        let prefix = cap_prefix(&placed.prefix, width);
        let inner = width - prefix.width();
        if let Some(gap) = &placed.gap
            && !lines.is_empty()
        {
            lines.push(paint.prefix(cap_prefix(gap, width).trim_end()));
        }
        let styled_prefix = paint.prefix(prefix);
        for line in draw_block(&placed.block, inner, &skin, &paint) {
            if line.is_empty() {
                lines.push(paint.prefix(prefix.trim_end()));
            } else {
                lines.push(format!("{styled_prefix}{line}"));
            }
        }
    }
    let mut out = String::new();
    for line in &lines {
        // Code lines may end in blanks and termimad draws a bare marker as "• ": nobody
        // wants to see or copy trailing blanks.
        let line = if opts.color {
            line.trim_end_matches(' ')
        } else {
            line.trim_end()
        };
        out.push_str(line);
        out.push('\n');
    }
    let kept = out.trim_end_matches('\n').len();
    out.truncate(kept);
    out.push('\n');
    out
}

/// Deep nesting must still leave room for text: drop indentation from the left.
fn cap_prefix(prefix: &str, width: usize) -> &str {
    let max = width.saturating_sub(MIN_INNER_WIDTH);
    let mut start = 0;
    while prefix[start..].width() > max {
        match prefix[start..].chars().next() {
            Some(c) => start += c.len_utf8(),
            None => break,
        }
    }
    &prefix[start..]
}

fn draw_block(block: &Block, width: usize, skin: &MadSkin, paint: &Paint) -> Vec<String> {
    match block {
        Block::Prose { kind, lines } => draw_prose(*kind, lines, width, skin, paint),
        Block::Code(lines) => lines
            .iter()
            .map(|line| {
                if line.is_empty() {
                    String::new()
                } else {
                    format!("{CODE_INDENT}{}", paint.code(line))
                }
            })
            .collect(),
        Block::Table { aligns, rows } => draw_table(aligns, rows, width, skin, paint),
        Block::Rule => vec![paint.dim(&"─".repeat(width))],
    }
}

pub(super) fn draw_prose(
    kind: ProseKind,
    lines: &[Vec<Span>],
    width: usize,
    skin: &MadSkin,
    paint: &Paint,
) -> Vec<String> {
    // termimad breaks lines between any two differently styled runs, so "(`docker ps`)"
    // could end a line with "(" and `--publish`는 could lose its particle to the next
    // line. We choose the breaks ourselves (at spaces only) and let termimad draw the
    // lines: styles, list markers and the hanging indent under them.
    let (first_kind, next_kind, text_width) = match kind {
        ProseKind::Paragraph => (CompositeKind::Paragraph, CompositeKind::Paragraph, width),
        ProseKind::Heading(level) => (
            CompositeKind::Header(level),
            CompositeKind::Header(level),
            width,
        ),
        ProseKind::Item(Marker::Bullet) => (
            CompositeKind::ListItem(0),
            CompositeKind::ListItemFollowUp(0),
            width - Marker::Bullet.width(),
        ),
        ProseKind::Item(marker @ Marker::Number(index)) => (
            CompositeKind::OrderedListItem { level: 0, index },
            CompositeKind::OrderedListItemFollowUp { level: 0, index },
            width - marker.width(),
        ),
    };
    let wrapped: Vec<Vec<Span>> = lines
        .iter()
        .flat_map(|spans| wrap(&decorate(spans, paint.color), text_width))
        .collect();
    let fmt_lines = wrapped
        .iter()
        .enumerate()
        .map(|(i, spans)| {
            let mut composite = FmtComposite::new();
            composite.kind = if i == 0 { first_kind } else { next_kind };
            for compound in compounds(spans) {
                composite.add_compound(compound);
            }
            composite.recompute_width(skin);
            FmtLine::Normal(composite)
        })
        .collect();
    let text = FmtText {
        skin,
        lines: fmt_lines,
        width: Some(width),
    };
    let mut out: Vec<String> = text.to_string().lines().map(str::to_owned).collect();
    if let ProseKind::Heading(level @ 1..=2) = kind {
        // Underlined like a setext heading, so that a heading still stands out as one
        // without colour.
        let len = out.iter().map(|l| visible_width(l)).max().unwrap_or(0);
        if len > 0 {
            let rule = if level == 1 { "=" } else { "-" };
            out.push(paint.heading(&rule.repeat(len)));
        }
    }
    out
}

/// Without colour, inline code keeps its backticks: nothing else would set it apart.
fn decorate(spans: &[Span], color: bool) -> Vec<Span> {
    spans
        .iter()
        .map(|span| {
            let mut span = span.clone();
            if span.code && !color {
                span.text = format!("`{}`", span.text);
            }
            span
        })
        .collect()
}

/// Spans as termimad's compounds, without the empty ones.
pub(super) fn compounds(spans: &[Span]) -> Vec<Compound<'_>> {
    spans
        .iter()
        .filter(|span| !span.text.is_empty())
        .map(|span| Compound {
            src: &span.text,
            bold: span.bold,
            italic: span.italic,
            code: span.code,
            strikeout: span.strike,
        })
        .collect()
}

/// Display columns of `s`, not counting ANSI escape sequences.
fn visible_width(s: &str) -> usize {
    strip_ansi(s).width()
}

/// `s` without CSI escape sequences (`ESC [ ... final byte`), which is all we emit.
pub(super) fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::render::{RenderOptions, markdown_to_terminal};

    #[test]
    fn code_block_keeps_spacing_and_tabs() {
        let md = "```\nls   -l\n\n\techo \"a  *b*\" | cat\n```\n";
        let out = markdown_to_terminal(md, RenderOptions::plain(20));
        assert_eq!(out, "  ls   -l\n\n  \techo \"a  *b*\" | cat\n");
    }
}
