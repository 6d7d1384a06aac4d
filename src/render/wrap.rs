//! Line breaking of inline text by display width. termimad would break between any two
//! differently styled runs; here lines break only at spaces (see [`wrap`]).

use unicode_width::UnicodeWidthStr;

use super::block::Span;

/// Breaks inline text into lines of at most `width` columns (Hangul counts two).
///
/// Lines break at spaces, never between two runs that touch (a code span and the Korean
/// particle after it, a link and its punctuation). A word wider than a whole line breaks
/// at the spaces inside its code spans, and failing that between characters.
pub(super) fn wrap(spans: &[Span], width: usize) -> Vec<Vec<Span>> {
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

/// The lines filled so far, a word at a time.
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
pub(super) fn longest_word(spans: &[Span]) -> usize {
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

/// Display columns of a line of spans.
pub(super) fn spans_width(spans: &[Span]) -> usize {
    spans
        .iter()
        .map(|s| s.text.as_str())
        .collect::<String>()
        .width()
}
