//! Comparing contents: equal by hash, and where two texts first part.

use sha2::{Digest, Sha256};

use crate::verdict::{Code, Finding};

pub(super) fn same_content(a: &[u8], b: &[u8]) -> bool {
    Sha256::digest(a) == Sha256::digest(b)
}

/// "line 3: expected `<h1>Hi</h1>`, found `<h1>Hello</h1>`" — where two texts first part.
pub(super) fn first_difference(want: &[u8], got: &[u8]) -> Finding {
    let w = String::from_utf8_lossy(want);
    let g = String::from_utf8_lossy(got);
    for (i, (a, b)) in w.lines().zip(g.lines()).enumerate() {
        if a != b {
            return Finding::new(Code::DiffLine)
                .with("line", i + 1)
                .with("want", crate::words::clip(a.trim(), 60))
                .with("got", crate::words::clip(b.trim(), 60));
        }
    }
    Finding::new(Code::DiffLines)
        .with("want", w.lines().count())
        .with("got", g.lines().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_difference_points_at_the_line() {
        let d = first_difference(b"<h1>a</h1>\n<p>x</p>", b"<h1>a</h1>\n<p>y</p>");
        assert_eq!(d.code, Code::DiffLine);
        assert_eq!(d.get("line"), Some(&2usize.into()));
        assert_eq!(first_difference(b"a\nb", b"a").code, Code::DiffLines);
    }
}
