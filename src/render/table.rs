//! Tables: column widths chosen here so that words stay whole, cells wrapped to them, and
//! termimad left only to draw borders; too narrow a terminal gets a list instead.

use termimad::minimad::{Composite, CompositeStyle, Compound, Line, TableRow, TableRule, Text};
use termimad::{Alignment, FmtText, MadSkin};

use super::block::{Marker, ProseKind, Span};
use super::draw::{Paint, compounds, draw_prose};
use super::wrap::{longest_word, spans_width, wrap};

pub(super) fn draw_table(
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
    let text_lines = text_lines(rows, columns, &widths);
    let mut lines = vec![rule()];
    for row in &text_lines {
        if row.is_empty() {
            lines.push(rule());
        } else {
            lines.push(text_line(row, pad));
        }
    }
    lines.push(rule());
    let text = FmtText::from_text(skin, Text { lines }, Some(width));
    text.to_string().lines().map(str::to_owned).collect()
}

/// The lines of text of a table, each with one line of every cell; an empty line stands
/// for the rule under the header.
///
/// Cells are broken into lines here, at their column's width, so that termimad finds
/// every cell fitting and only draws the table. Its own fitting narrows the columns with
/// the longest text first and breaks words such as `--detach` in the middle.
fn text_lines(rows: &[Vec<Vec<Span>>], columns: usize, widths: &[usize]) -> Vec<Vec<Vec<Span>>> {
    let mut lines: Vec<Vec<Vec<Span>>> = Vec::new();
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
            lines.push(
                wrapped
                    .iter()
                    .map(|cell| cell.get(i).cloned().unwrap_or_default())
                    .collect(),
            );
        }
        if r == 0 {
            lines.push(Vec::new());
        }
    }
    lines
}

/// One line of text of a table for termimad, with a space either side of each cell when
/// `pad`.
fn text_line(cells: &[Vec<Span>], pad: bool) -> Line<'_> {
    let space = Compound::raw_str(" ");
    let cells = cells
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
    Line::TableRow(TableRow { cells })
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

/// Each row but the header as a bullet item with a "header: value" line per cell.
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

#[cfg(test)]
mod tests {
    use crate::render::tests::assert_fits;
    use crate::render::{RenderOptions, markdown_to_terminal};

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
}
