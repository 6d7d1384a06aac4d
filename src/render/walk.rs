//! From pulldown-cmark's events to [`Placed`] blocks: the containers (quotes, lists,
//! items) become prefixes and blank-line gaps, so that drawing needs no nesting.

use pulldown_cmark::{Alignment as MdAlignment, Event, HeadingLevel, Tag, TagEnd};
use termimad::Alignment;

use super::block::{Block, Marker, Placed, ProseKind, QUOTE_BAR, Span};

/// A block the walker is inside of; the stack holds them outermost first.
#[derive(Debug)]
enum Container {
    Quote {
        emitted: bool,
    },
    List {
        next_number: Option<u64>,
        loose: bool,
        items: usize,
    },
    Item {
        marker: Marker,
        first_of_list: bool,
        emitted: bool,
    },
}

/// A table being read: the rows so far and the cells of the current row.
#[derive(Debug, Default)]
struct TableState {
    aligns: Vec<Alignment>,
    rows: Vec<Vec<Vec<Span>>>,
    row: Vec<Vec<Span>>,
}

/// Turns pulldown-cmark events into [`Placed`] blocks.
pub(super) struct Walker {
    stack: Vec<Container>,
    out: Vec<Placed>,
    /// Inline text of the paragraph, heading or cell being read, split at hard breaks.
    inline: Vec<Vec<Span>>,
    bold: usize,
    italic: usize,
    strike: usize,
    /// Open links and images: destination, and the text read so far.
    links: Vec<(String, String)>,
    heading: Option<u8>,
    code: Option<String>,
    html: Option<String>,
    table: Option<TableState>,
}

impl Walker {
    pub(super) fn new() -> Self {
        Self {
            stack: Vec::new(),
            out: Vec::new(),
            inline: vec![Vec::new()],
            bold: 0,
            italic: 0,
            strike: 0,
            links: Vec::new(),
            heading: None,
            code: None,
            html: None,
            table: None,
        }
    }

    pub(super) fn finish(mut self) -> Vec<Placed> {
        // Unclosed constructs cannot happen with pulldown-cmark, but stay safe.
        if let Some(code) = self.code.take() {
            self.emit(Block::Code(code_lines(&code)));
        }
        self.flush(ProseKind::Paragraph);
        self.out
    }

    pub(super) fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => {
                if let Some(code) = self.code.as_mut() {
                    code.push_str(&text);
                } else if let Some(html) = self.html.as_mut() {
                    html.push_str(&text);
                } else {
                    self.push_text(&text, false);
                }
            }
            Event::Code(text) => self.push_text(&text, true),
            Event::Html(text) => match self.html.as_mut() {
                Some(html) => html.push_str(&text),
                None => self.push_text(&text, false),
            },
            Event::InlineHtml(text) | Event::InlineMath(text) | Event::DisplayMath(text) => {
                self.push_text(&text, false);
            }
            Event::FootnoteReference(label) => self.push_text(&format!("[^{label}]"), false),
            Event::SoftBreak => self.push_text(" ", false),
            Event::HardBreak => {
                if self.table.is_some() {
                    self.push_text(" ", false);
                } else {
                    self.inline.push(Vec::new());
                }
            }
            Event::Rule => {
                self.flush(ProseKind::Paragraph);
                self.emit(Block::Rule);
            }
            Event::TaskListMarker(done) => {
                self.push_raw(if done { "[x] " } else { "[ ] " });
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => self.start_paragraph(),
            Tag::Heading { level, .. } => {
                self.flush(ProseKind::Paragraph);
                self.heading = Some(heading_level(level));
            }
            Tag::BlockQuote(_) => {
                self.flush(ProseKind::Paragraph);
                self.stack.push(Container::Quote { emitted: false });
            }
            Tag::CodeBlock(_) => {
                self.flush(ProseKind::Paragraph);
                self.code = Some(String::new());
            }
            Tag::HtmlBlock => {
                self.flush(ProseKind::Paragraph);
                self.html = Some(String::new());
            }
            Tag::List(first_number) => {
                self.flush(ProseKind::Paragraph);
                self.stack.push(Container::List {
                    next_number: first_number,
                    loose: false,
                    items: 0,
                });
            }
            Tag::Item => self.start_item(),
            Tag::Table(aligns) => {
                self.flush(ProseKind::Paragraph);
                self.table = Some(TableState {
                    aligns: aligns.into_iter().map(alignment).collect(),
                    ..TableState::default()
                });
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(table) = self.table.as_mut() {
                    table.row.clear();
                }
            }
            Tag::TableCell => self.inline = vec![Vec::new()],
            Tag::Emphasis => self.italic += 1,
            Tag::Strong => self.bold += 1,
            Tag::Strikethrough => self.strike += 1,
            Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => {
                self.links.push((dest_url.to_string(), String::new()));
            }
            Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::MetadataBlock(_) => self.flush(ProseKind::Paragraph),
            Tag::Superscript | Tag::Subscript => {}
        }
    }

    fn start_paragraph(&mut self) {
        self.flush(ProseKind::Paragraph);
        // pulldown-cmark only wraps item text in paragraphs in loose lists.
        if matches!(self.stack.last(), Some(Container::Item { .. })) {
            let parent = self.stack.len().saturating_sub(2);
            if let Some(Container::List { loose, .. }) = self.stack.get_mut(parent) {
                *loose = true;
            }
        }
    }

    /// Opens an item of the innermost list, numbered on from the item before it.
    fn start_item(&mut self) {
        self.flush(ProseKind::Paragraph);
        let mut marker = Marker::Bullet;
        let mut first_of_list = true;
        if let Some(Container::List {
            next_number, items, ..
        }) = self.stack.last_mut()
        {
            if let Some(n) = next_number {
                marker = Marker::Number(u32::try_from(*n).unwrap_or(u32::MAX));
                *n = n.saturating_add(1);
            }
            first_of_list = *items == 0;
            *items += 1;
        }
        self.stack.push(Container::Item {
            marker,
            first_of_list,
            emitted: false,
        });
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.flush(ProseKind::Paragraph),
            TagEnd::Heading(level) => {
                self.heading = None;
                self.flush(ProseKind::Heading(heading_level(level)));
            }
            TagEnd::BlockQuote(_) => {
                self.flush(ProseKind::Paragraph);
                self.pop_until(|c| matches!(c, Container::Quote { .. }));
            }
            TagEnd::CodeBlock => {
                let code = self.code.take().unwrap_or_default();
                self.emit(Block::Code(code_lines(&code)));
            }
            TagEnd::HtmlBlock => self.end_html_block(),
            TagEnd::List(_) => {
                self.flush(ProseKind::Paragraph);
                self.pop_until(|c| matches!(c, Container::List { .. }));
            }
            TagEnd::Item => self.end_item(),
            TagEnd::Table => {
                if let Some(table) = self.table.take() {
                    self.emit(Block::Table {
                        aligns: table.aligns,
                        rows: table.rows,
                    });
                }
            }
            TagEnd::TableHead | TagEnd::TableRow => {
                if let Some(table) = self.table.as_mut() {
                    let row = std::mem::take(&mut table.row);
                    table.rows.push(row);
                }
            }
            TagEnd::TableCell => {
                let lines = std::mem::replace(&mut self.inline, vec![Vec::new()]);
                if let Some(table) = self.table.as_mut() {
                    table.row.push(lines.into_iter().flatten().collect());
                }
            }
            TagEnd::Emphasis => self.italic = self.italic.saturating_sub(1),
            TagEnd::Strong => self.bold = self.bold.saturating_sub(1),
            TagEnd::Strikethrough => self.strike = self.strike.saturating_sub(1),
            TagEnd::Link | TagEnd::Image => self.end_link(),
            TagEnd::FootnoteDefinition
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::MetadataBlock(_) => self.flush(ProseKind::Paragraph),
            TagEnd::Superscript | TagEnd::Subscript => {}
        }
    }

    /// HTML is shown as it was written, one prose line per source line.
    fn end_html_block(&mut self) {
        let html = self.html.take().unwrap_or_default();
        let lines = html
            .lines()
            .map(|line| vec![self.span(line, false)])
            .collect();
        self.emit(Block::Prose {
            kind: ProseKind::Paragraph,
            lines,
        });
    }

    fn end_item(&mut self) {
        self.flush(ProseKind::Paragraph);
        // An empty item still shows its marker.
        if matches!(
            self.stack.last(),
            Some(Container::Item { emitted: false, .. })
        ) {
            self.emit(Block::Prose {
                kind: ProseKind::Paragraph,
                lines: vec![Vec::new()],
            });
        }
        self.pop_until(|c| matches!(c, Container::Item { .. }));
    }

    /// Shows a link's destination after its text, since a learner has to open or copy it.
    fn end_link(&mut self) {
        if let Some((url, text)) = self.links.pop() {
            // Autolinks and bare URLs would otherwise show twice.
            let same = text.trim() == url || Some(text.trim()) == url.strip_prefix("mailto:");
            if !url.is_empty() && !same {
                self.push_raw(&format!(" ({url})"));
            }
        }
    }

    /// Pops containers up to and including the innermost one matching `is_it`.
    fn pop_until(&mut self, is_it: impl Fn(&Container) -> bool) {
        while let Some(container) = self.stack.pop() {
            if is_it(&container) {
                break;
            }
        }
    }

    fn span(&self, text: &str, code: bool) -> Span {
        Span {
            text: sanitize(text),
            bold: self.bold > 0,
            italic: self.italic > 0,
            code,
            strike: self.strike > 0,
        }
    }

    fn push_text(&mut self, text: &str, code: bool) {
        for (_, link_text) in &mut self.links {
            link_text.push_str(text);
        }
        let span = self.span(text, code);
        self.push_span(span);
    }

    /// Text we add ourselves (URLs, task boxes): never styled like its surroundings.
    fn push_raw(&mut self, text: &str) {
        self.push_span(Span {
            text: sanitize(text),
            ..Span::default()
        });
    }

    fn push_span(&mut self, span: Span) {
        if let Some(line) = self.inline.last_mut() {
            line.push(span);
        }
    }

    /// Emits the inline text read so far, if any, as a block of the given kind.
    fn flush(&mut self, kind: ProseKind) {
        let kind = match self.heading {
            Some(level) => ProseKind::Heading(level),
            None => kind,
        };
        let mut lines = std::mem::replace(&mut self.inline, vec![Vec::new()]);
        // A hard break at the very end of a paragraph shows nothing.
        while lines.len() > 1 && lines.last().is_some_and(Vec::is_empty) {
            lines.pop();
        }
        if lines.iter().flatten().any(|s| !s.text.is_empty()) {
            self.emit(Block::Prose { kind, lines });
        }
    }

    /// Places a block in the current containers.
    fn emit(&mut self, mut block: Block) {
        let depth = self.stack.len();
        // The first paragraph of an item goes after the item's marker; anything else
        // that opens an item gets the marker on a line of its own first.
        let mut merge = false;
        if let (
            Some(Container::Item {
                marker,
                emitted: false,
                ..
            }),
            Block::Prose { kind, .. },
        ) = (self.stack.last(), &mut block)
            && matches!(kind, ProseKind::Paragraph)
        {
            *kind = ProseKind::Item(*marker);
            merge = true;
        }
        let mut marker_drawn = false;
        if !merge {
            for i in 0..depth {
                if let Container::Item {
                    marker,
                    emitted: false,
                    ..
                } = self.stack[i]
                {
                    let marker_line = Block::Prose {
                        kind: ProseKind::Item(marker),
                        lines: vec![Vec::new()],
                    };
                    self.place(marker_line, i + 1, true, true);
                    marker_drawn = true;
                }
            }
        }
        // Right under a marker of its own, a block needs no blank line to set it apart.
        self.place(block, depth, merge, !marker_drawn);
    }

    /// Records a block inside `stack[..depth]`; `merge` when it carries the marker of the
    /// item at `stack[depth - 1]`.
    fn place(&mut self, block: Block, depth: usize, merge: bool, may_gap: bool) {
        let gap = self
            .gap(depth)
            .filter(|_| may_gap)
            .map(|level| self.prefix(level, false));
        let prefix = self.prefix(depth, merge);
        self.out.push(Placed { block, prefix, gap });
        for container in &mut self.stack[..depth] {
            match container {
                Container::Quote { emitted } | Container::Item { emitted, .. } => *emitted = true,
                Container::List { .. } => {}
            }
        }
    }

    /// Whether a blank line goes before a block placed in `stack[..depth]`, and if so how
    /// many containers' bars it carries. A block that opens its container is separated
    /// as its container is; later blocks by their container's own rule.
    fn gap(&self, depth: usize) -> Option<usize> {
        let mut i = depth;
        while i > 0 {
            i -= 1;
            match &self.stack[i] {
                Container::Quote { emitted: true } => return Some(i + 1),
                Container::Quote { emitted: false } | Container::List { .. } => {}
                Container::Item {
                    emitted,
                    first_of_list,
                    ..
                } => {
                    let loose =
                        i > 0 && matches!(self.stack[i - 1], Container::List { loose: true, .. });
                    if *emitted || !*first_of_list || loose {
                        return loose.then_some(i);
                    }
                    // The first item of a tight list: separated as the list is.
                }
            }
        }
        Some(0)
    }

    /// Quote bars and item indents of `stack[..depth]`, without the last item's indent
    /// when its marker is drawn on this line.
    fn prefix(&self, depth: usize, merge: bool) -> String {
        let mut prefix = String::new();
        for (i, container) in self.stack[..depth].iter().enumerate() {
            match container {
                Container::Quote { .. } => prefix.push_str(QUOTE_BAR),
                Container::Item { marker, .. } if !(merge && i + 1 == depth) => {
                    prefix.push_str(&" ".repeat(marker.width()));
                }
                _ => {}
            }
        }
        prefix
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn alignment(align: MdAlignment) -> Alignment {
    match align {
        MdAlignment::None | MdAlignment::Left => Alignment::Left,
        MdAlignment::Center => Alignment::Center,
        MdAlignment::Right => Alignment::Right,
    }
}

/// Prose must not carry control characters: they would move the cursor (or, for ESC,
/// inject styles from a lab file), and termimad counts them as zero columns.
fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => ' ',
            c if c.is_control() => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// Code lines stay byte-identical except for control characters other than tab, which a
/// terminal would interpret instead of showing.
fn code_lines(code: &str) -> Vec<String> {
    code.lines()
        .map(|line| {
            line.chars()
                .map(|c| {
                    if c.is_control() && c != '\t' {
                        '\u{FFFD}'
                    } else {
                        c
                    }
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::render::tests::assert_fits;
    use crate::render::{RenderOptions, markdown_to_terminal};

    #[test]
    fn links_show_their_url_once() {
        let out = markdown_to_terminal(
            "See [the docs](https://docs.docker.com) and <https://example.com> or [https://a.b](https://a.b).",
            RenderOptions::plain(200),
        );
        assert_eq!(
            out,
            "See the docs (https://docs.docker.com) and https://example.com or https://a.b.\n"
        );
    }

    #[test]
    fn task_lists_show_boxes() {
        let out = markdown_to_terminal("- [ ] todo\n- [x] done\n", RenderOptions::plain(40));
        assert_eq!(out, "• [ ] todo\n• [x] done\n");
    }

    #[test]
    fn html_is_shown_raw() {
        let out = markdown_to_terminal(
            "<details>\n<summary>Hint</summary>\n</details>\n\ntext <b>x</b>",
            RenderOptions::plain(40),
        );
        assert_eq!(
            out,
            "<details>\n<summary>Hint</summary>\n</details>\n\ntext <b>x</b>\n"
        );
    }

    #[test]
    fn markup_characters_in_text_stay_literal() {
        // termimad's own parser would read these as styles and table cells.
        let out = markdown_to_terminal(r"2\*3\*4 | a \| b `*x*`", RenderOptions::plain(40));
        assert_eq!(out, "2*3*4 | a | b `*x*`\n");
    }

    #[test]
    fn lists_nest_and_hang() {
        let md = "1. first item that is long enough to wrap here\n   1. nested\n      - deeper\n2. second\n\n   loose paragraph\n\n---\n\n9. nine\n10. ten, whose text wraps under itself\n";
        let out = markdown_to_terminal(md, RenderOptions::plain(30));
        assert_fits(md, &out, 30);
        insta::assert_snapshot!(out);
    }

    #[test]
    fn quotes_and_code_in_lists() {
        let md = "> quoted text that wraps over more than one line\n>\n> - item\n\n- run:\n\n  ```\n  docker ps\n  ```\n- ```\n  echo first\n  ```\n";
        let out = markdown_to_terminal(md, RenderOptions::plain(30));
        assert_fits(md, &out, 30);
        insta::assert_snapshot!(out);
    }
}
