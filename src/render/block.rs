//! The owned blocks that `walk` builds from pulldown-cmark's events and `draw` lays out:
//! nothing here borrows from the Markdown source or knows about termimad's types except
//! a table's column alignments.

use termimad::Alignment;

/// What opens a quoted line, kept unstyled in [`Placed::prefix`] and dimmed when drawn.
pub(super) const QUOTE_BAR: &str = "│ ";

/// A run of inline text with one set of styles.
#[derive(Clone, Debug, Default)]
pub(super) struct Span {
    pub(super) text: String,
    pub(super) bold: bool,
    pub(super) italic: bool,
    pub(super) code: bool,
    pub(super) strike: bool,
}

/// What opens a list item.
#[derive(Clone, Copy, Debug)]
pub(super) enum Marker {
    Bullet,
    Number(u32),
}

impl Marker {
    /// Columns termimad gives the marker, which is also the item's hanging indent.
    pub(super) fn width(self) -> usize {
        match self {
            Marker::Bullet => 2,
            Marker::Number(n) => n.to_string().len() + 2,
        }
    }
}

/// How a run of prose is drawn.
#[derive(Clone, Copy, Debug)]
pub(super) enum ProseKind {
    Paragraph,
    Heading(u8),
    /// The first paragraph of a list item, drawn after its marker.
    Item(Marker),
}

/// One thing drawn on lines of its own.
#[derive(Debug)]
pub(super) enum Block {
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
pub(super) struct Placed {
    pub(super) block: Block,
    /// Quote bars and indents before every line, unstyled.
    pub(super) prefix: String,
    /// `Some(prefix)` when a blank line (carrying this prefix) separates the block from
    /// what came before.
    pub(super) gap: Option<String>,
}
