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

use std::io::IsTerminal;

use pulldown_cmark::{Alignment as MdAlignment, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use termimad::crossterm::style::{Attribute, Color};
use termimad::minimad::{Composite, CompositeStyle, Compound, Line, TableRow, TableRule, Text};
use termimad::{Alignment, CompositeKind, CompoundStyle, FmtComposite, FmtLine, FmtText, MadSkin};
use unicode_width::UnicodeWidthStr;

/// Narrowest layout we produce. termimad panics below 3 columns and its list and table
/// fitting needs room for markers, so narrower requests are laid out at this width.
pub(crate) const MIN_WIDTH: usize = 20;
/// Widest layout we produce; bounds the allocation for horizontal rules.
pub(crate) const MAX_WIDTH: usize = 1000;
/// Columns always left for text after quote bars and list indents. It leaves room for the
/// widest ordered-list marker ("4294967295. ") plus a few characters of text.
const MIN_INNER_WIDTH: usize = 16;

const QUOTE_BAR: &str = "│ ";
const CODE_INDENT: &str = "  ";

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

// ---------------------------------------------------------------------------------------
// From events to blocks
// ---------------------------------------------------------------------------------------

/// A run of inline text with one set of styles.
#[derive(Clone, Debug, Default)]
struct Span {
    text: String,
    bold: bool,
    italic: bool,
    code: bool,
    strike: bool,
}

/// What opens a list item.
#[derive(Clone, Copy, Debug)]
enum Marker {
    Bullet,
    Number(u32),
}

impl Marker {
    /// Columns termimad gives the marker, which is also the item's hanging indent.
    fn width(self) -> usize {
        match self {
            Marker::Bullet => 2,
            Marker::Number(n) => n.to_string().len() + 2,
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum ProseKind {
    Paragraph,
    Heading(u8),
    /// The first paragraph of a list item, drawn after its marker.
    Item(Marker),
}

#[derive(Debug)]
enum Block {
    /// Inline text, split into lines at hard breaks.
    Prose {
        kind: ProseKind,
        lines: Vec<Vec<Span>>,
    },
    /// Lines of a code block, verbatim.
    Code(Vec<String>),
    /// The first row is the header.
    Table {
        aligns: Vec<Alignment>,
        rows: Vec<Vec<Vec<Span>>>,
    },
    Rule,
}

/// A block with what surrounds it.
#[derive(Debug)]
struct Placed {
    block: Block,
    /// Quote bars and indents before every line, unstyled.
    prefix: String,
    /// `Some(prefix)` when a blank line (carrying this prefix) separates the block from
    /// what came before.
    gap: Option<String>,
}

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

#[derive(Debug, Default)]
struct TableState {
    aligns: Vec<Alignment>,
    rows: Vec<Vec<Vec<Span>>>,
    row: Vec<Vec<Span>>,
}

/// Turns pulldown-cmark events into [`Placed`] blocks.
struct Walker {
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
    fn new() -> Self {
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

    fn finish(mut self) -> Vec<Placed> {
        // Unclosed constructs cannot happen with pulldown-cmark, but stay safe.
        if let Some(code) = self.code.take() {
            self.emit(Block::Code(code_lines(&code)));
        }
        self.flush(ProseKind::Paragraph);
        self.out
    }

    fn event(&mut self, event: Event<'_>) {
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
            Tag::Paragraph => {
                self.flush(ProseKind::Paragraph);
                // pulldown-cmark only wraps item text in paragraphs in loose lists.
                if matches!(self.stack.last(), Some(Container::Item { .. })) {
                    let parent = self.stack.len().saturating_sub(2);
                    if let Some(Container::List { loose, .. }) = self.stack.get_mut(parent) {
                        *loose = true;
                    }
                }
            }
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
            Tag::Item => {
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
            TagEnd::HtmlBlock => {
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
            TagEnd::List(_) => {
                self.flush(ProseKind::Paragraph);
                self.pop_until(|c| matches!(c, Container::List { .. }));
            }
            TagEnd::Item => {
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
            TagEnd::Link | TagEnd::Image => {
                if let Some((url, text)) = self.links.pop() {
                    // Autolinks and bare URLs would otherwise show twice.
                    let same =
                        text.trim() == url || Some(text.trim()) == url.strip_prefix("mailto:");
                    if !url.is_empty() && !same {
                        self.push_raw(&format!(" ({url})"));
                    }
                }
            }
            TagEnd::FootnoteDefinition
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::MetadataBlock(_) => self.flush(ProseKind::Paragraph),
            TagEnd::Superscript | TagEnd::Subscript => {}
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

// ---------------------------------------------------------------------------------------
// From blocks to lines
// ---------------------------------------------------------------------------------------

/// Styles of our own drawing (termimad's skin styles the rest); unstyled without colour.
struct Paint {
    color: bool,
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

fn draw(blocks: &[Placed], opts: RenderOptions) -> String {
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

fn draw_prose(
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

/// Breaks inline text into lines of at most `width` columns (Hangul counts two).
///
/// Lines break at spaces, never between two runs that touch (a code span and the Korean
/// particle after it, a link and its punctuation). A word wider than a whole line breaks
/// at the spaces inside its code spans, and failing that between characters.
fn wrap(spans: &[Span], width: usize) -> Vec<Vec<Span>> {
    let mut wrapper = Wrapper {
        width: width.max(2),
        lines: Vec::new(),
        line: Vec::new(),
        spaces: Vec::new(),
    };
    let mut word: Vec<Span> = Vec::new();
    for span in spans {
        for c in span.text.chars() {
            let piece = Span {
                text: c.to_string(),
                ..span.clone()
            };
            if c.is_whitespace() && !span.code {
                wrapper.word(std::mem::take(&mut word));
                wrapper.space(piece);
            } else {
                append(&mut word, piece);
            }
        }
    }
    wrapper.word(word);
    wrapper.finish()
}

struct Wrapper {
    width: usize,
    lines: Vec<Vec<Span>>,
    line: Vec<Span>,
    /// Spaces after the last word, written only if another word follows on this line.
    spaces: Vec<Span>,
}

impl Wrapper {
    fn space(&mut self, space: Span) {
        if !self.line.is_empty() {
            append(&mut self.spaces, space);
        }
    }

    fn word(&mut self, word: Vec<Span>) {
        if word.is_empty() {
            return;
        }
        let word_width = spans_width(&word);
        if word_width > self.width {
            self.long_word(word);
            return;
        }
        if !self.line.is_empty() {
            let joined = spans_width(&self.line) + spans_width(&self.spaces) + word_width;
            if joined <= self.width {
                for span in std::mem::take(&mut self.spaces).into_iter().chain(word) {
                    append(&mut self.line, span);
                }
                return;
            }
            self.new_line();
        }
        self.spaces.clear();
        self.line = word;
    }

    /// A word that no line can hold.
    fn long_word(&mut self, word: Vec<Span>) {
        // A long inline command flows on from where the text stands, broken at its spaces.
        let parts = split_code_spaces(&word);
        if parts.len() > 1 {
            for (part, space) in parts {
                self.word(part);
                if let Some(space) = space {
                    self.space(space);
                }
            }
            return;
        }
        // Anything else (a URL) starts a line of its own and fills it.
        if !self.line.is_empty() {
            self.new_line();
        }
        self.spaces.clear();
        for span in word {
            for c in span.text.chars() {
                let piece = Span {
                    text: c.to_string(),
                    ..span.clone()
                };
                let mut longer = self.line.clone();
                append(&mut longer, piece.clone());
                if spans_width(&longer) > self.width && !self.line.is_empty() {
                    self.new_line();
                    self.line = vec![piece];
                } else {
                    self.line = longer;
                }
            }
        }
    }

    fn new_line(&mut self) {
        self.lines.push(std::mem::take(&mut self.line));
        self.spaces.clear();
    }

    fn finish(mut self) -> Vec<Vec<Span>> {
        if !self.line.is_empty() || self.lines.is_empty() {
            self.new_line();
        }
        self.lines
    }
}

/// Display width of the widest word, as [`wrap`] sees words.
fn longest_word(spans: &[Span]) -> usize {
    let mut longest = 0;
    let mut word = String::new();
    for span in spans {
        for c in span.text.chars() {
            if c.is_whitespace() && !span.code {
                longest = longest.max(word.width());
                word.clear();
            } else {
                word.push(c);
            }
        }
    }
    longest.max(word.width())
}

/// Splits a word at the spaces inside its code spans: the parts, each with the space
/// that followed it.
fn split_code_spaces(word: &[Span]) -> Vec<(Vec<Span>, Option<Span>)> {
    let mut parts = Vec::new();
    let mut part = Vec::new();
    for span in word {
        for c in span.text.chars() {
            let piece = Span {
                text: c.to_string(),
                ..span.clone()
            };
            if c.is_whitespace() {
                parts.push((std::mem::take(&mut part), Some(piece)));
            } else {
                append(&mut part, piece);
            }
        }
    }
    parts.push((part, None));
    parts
}

/// Appends `span`, merged into the last span when the styles are the same.
fn append(spans: &mut Vec<Span>, span: Span) {
    if let Some(last) = spans.last_mut()
        && (last.bold, last.italic, last.code, last.strike)
            == (span.bold, span.italic, span.code, span.strike)
    {
        last.text.push_str(&span.text);
        return;
    }
    spans.push(span);
}

fn spans_width(spans: &[Span]) -> usize {
    spans
        .iter()
        .map(|s| s.text.as_str())
        .collect::<String>()
        .width()
}

fn draw_table(
    aligns: &[Alignment],
    rows: &[Vec<Vec<Span>>],
    width: usize,
    skin: &MadSkin,
    paint: &Paint,
) -> Vec<String> {
    let columns = rows
        .iter()
        .map(Vec::len)
        .chain([aligns.len()])
        .max()
        .unwrap_or(0);
    if columns == 0 {
        return Vec::new();
    }
    // termimad needs 4 columns per table column and silently drops the columns that do
    // not fit; show each row as a list of "header: value" instead.
    if columns * 4 + 1 > width {
        return draw_table_as_list(rows, width, skin, paint);
    }
    // Borders take one column each, plus one.
    let available = width - 1 - columns;
    let (widths, pad) = column_widths(rows, columns, available);
    let rule = || {
        Line::TableRule(TableRule {
            cells: aligns.to_vec(),
        })
    };
    // Cells are broken into lines here, at their column's width, so that termimad finds
    // every cell fitting and only draws the table. Its own fitting narrows the columns
    // with the longest text first and breaks words such as `--detach` in the middle.
    let mut cell_lines: Vec<Vec<Vec<Span>>> = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        let wrapped: Vec<Vec<Vec<Span>>> = (0..columns)
            .map(|c| {
                let mut spans = row.get(c).cloned().unwrap_or_default();
                if r == 0 {
                    // The header row stands out by weight with colour, by the rule under
                    // it without.
                    for span in &mut spans {
                        span.bold = true;
                    }
                }
                wrap(&spans, widths[c])
            })
            .collect();
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        for i in 0..height {
            cell_lines.push(
                wrapped
                    .iter()
                    .map(|cell| cell.get(i).cloned().unwrap_or_default())
                    .collect(),
            );
        }
        if r == 0 {
            cell_lines.push(Vec::new());
        }
    }
    let space = Compound::raw_str(" ");
    let mut lines = vec![rule()];
    for row in &cell_lines {
        if row.is_empty() {
            lines.push(rule());
            continue;
        }
        let cells = row
            .iter()
            .map(|spans| {
                let mut compounds = compounds(spans);
                if pad {
                    compounds.insert(0, space.clone());
                    compounds.push(space.clone());
                }
                Composite {
                    style: CompositeStyle::Paragraph,
                    compounds,
                }
            })
            .collect();
        lines.push(Line::TableRow(TableRow { cells }));
    }
    lines.push(rule());
    termimad_lines(skin, lines, width)
}

/// Inner widths of the columns of a table, summing to at most `available`, and whether
/// there is room for a space on either side of every cell.
///
/// Like a browser's automatic table layout: every column gets its longest word if it can,
/// and the rest of the room goes to the columns in proportion to how much they still want.
fn column_widths(rows: &[Vec<Vec<Span>>], columns: usize, available: usize) -> (Vec<usize>, bool) {
    // termimad never draws a column narrower than 3.
    const NARROWEST: usize = 3;
    let mut want = vec![NARROWEST; columns];
    let mut need = vec![NARROWEST; columns];
    for row in rows {
        for (c, cell) in row.iter().enumerate().take(columns) {
            let lines = wrap(cell, usize::MAX);
            want[c] = want[c].max(lines.iter().map(|l| spans_width(l)).max().unwrap_or(0));
            need[c] = need[c].max(longest_word(cell));
        }
    }
    let total_want: usize = want.iter().sum();
    if total_want + 2 * columns <= available {
        return (want, true);
    }
    if total_want <= available {
        return (want, false);
    }
    let total_need: usize = need.iter().sum();
    let mut widths = if total_need <= available {
        let room = available - total_need;
        let extra: Vec<usize> = want.iter().zip(&need).map(|(w, n)| w - n).collect();
        let total_extra: usize = extra.iter().sum::<usize>().max(1);
        need.iter()
            .zip(&extra)
            .map(|(n, e)| n + e * room / total_extra)
            .collect()
    } else {
        // Even the longest words do not fit: share the room in proportion to them.
        need.iter()
            .map(|n| (n * available / total_need.max(1)).max(NARROWEST))
            .collect::<Vec<_>>()
    };
    // Rounding may leave a little room over (give it out) or, with the floor of 3, too
    // little (take it from the widest).
    let mut total: usize = widths.iter().sum();
    while total < available {
        let Some(c) = (0..columns)
            .filter(|&c| widths[c] < want[c])
            .max_by_key(|&c| want[c] - widths[c])
        else {
            break;
        };
        widths[c] += 1;
        total += 1;
    }
    while total > available {
        let Some(c) = (0..columns)
            .filter(|&c| widths[c] > NARROWEST)
            .max_by_key(|&c| widths[c])
        else {
            break;
        };
        widths[c] -= 1;
        total -= 1;
    }
    (widths, false)
}

fn draw_table_as_list(
    rows: &[Vec<Vec<Span>>],
    width: usize,
    skin: &MadSkin,
    paint: &Paint,
) -> Vec<String> {
    let Some((header, body)) = rows.split_first() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for row in body {
        let lines: Vec<Vec<Span>> = row
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                let mut name: Vec<Span> = header.get(c).cloned().unwrap_or_default();
                for span in &mut name {
                    span.bold = true;
                }
                name.push(Span {
                    text: ": ".to_owned(),
                    ..Span::default()
                });
                name.extend(cell.iter().cloned());
                name
            })
            .collect();
        out.extend(draw_prose(
            ProseKind::Item(Marker::Bullet),
            &lines,
            width,
            skin,
            paint,
        ));
    }
    out
}

fn compounds(spans: &[Span]) -> Vec<Compound<'_>> {
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

fn termimad_lines(skin: &MadSkin, lines: Vec<Line<'_>>, width: usize) -> Vec<String> {
    let text = FmtText::from_text(skin, Text { lines }, Some(width));
    text.to_string().lines().map(str::to_owned).collect()
}

/// Display columns of `s`, not counting ANSI escape sequences.
fn visible_width(s: &str) -> usize {
    strip_ansi(s).width()
}

/// `s` without CSI escape sequences (`ESC [ ... final byte`), which is all we emit.
fn strip_ansi(s: &str) -> String {
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
    fn assert_fits(md: &str, out: &str, width: usize) {
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
    fn code_block_keeps_spacing_and_tabs() {
        let md = "```\nls   -l\n\n\techo \"a  *b*\" | cat\n```\n";
        let out = markdown_to_terminal(md, RenderOptions::plain(20));
        assert_eq!(out, "  ls   -l\n\n  \techo \"a  *b*\" | cat\n");
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
    fn kitchen_sink_40() {
        insta::assert_snapshot!(markdown_to_terminal(KITCHEN_SINK, RenderOptions::plain(40)));
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

    #[test]
    fn wide_table_falls_back_to_a_list() {
        let md =
            "| a | b | c | d | e | f |\n|---|---|---|---|---|---|\n| 1 | 2 | 3 | 4 | 5 | 6 |\n";
        let out = markdown_to_terminal(md, RenderOptions::plain(20));
        assert_fits(md, &out, 20);
        for cell in ["a: 1", "f: 6"] {
            assert!(out.contains(cell), "{out}");
        }
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
