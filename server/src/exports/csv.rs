//! The CSV sink: UTF-8 with a byte-order mark (so Excel reads Chinese text), RFC 4180 quoting,
//! CRLF line ends, and text cells that a spreadsheet would run as a formula escaped with `'`.

use std::fmt::Write as _;

use super::{Cell, local_time};

/// The byte-order mark that opens the file.
pub const BOM: &str = "\u{feff}";

/// Whether a text would be read as a formula (or a DDE payload) by a spreadsheet (OWASP's list):
/// it begins with `=`, `+`, `-`, `@`, a tab or a carriage return.
pub fn is_risky(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Appends one field, quoted when it holds a comma, a quote or a line break.
fn push_field(out: &mut String, field: &str) {
    if field.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

/// Appends one cell as a field.
fn push_cell(out: &mut String, cell: &Cell) {
    match cell {
        Cell::Text(t) if is_risky(t) => push_field(out, &format!("'{t}")),
        Cell::Text(t) => push_field(out, t),
        Cell::Int(n) => {
            let _ = write!(out, "{n}");
        }
        Cell::Number(x) => {
            let _ = write!(out, "{x}");
        }
        Cell::Time(t) => out.push_str(&local_time(*t)),
        Cell::Empty => {}
    }
}

/// The header line, after the byte-order mark.
pub fn header(names: &[&str]) -> String {
    let mut out = String::from(BOM);
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_field(&mut out, name);
    }
    out.push_str("\r\n");
    out
}

/// Appends rows, each ending in CRLF.
pub fn rows(out: &mut String, rows: &[Vec<Cell>]) {
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_cell(out, cell);
        }
        out.push_str("\r\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_escaped() {
        let mut out = String::new();
        rows(
            &mut out,
            &[vec![
                Cell::Text("a,b".into()),
                Cell::Text("say \"hi\"".into()),
                Cell::Text("=1+1".into()),
                Cell::Text("-5".into()),
                Cell::Int(-5),
                Cell::Empty,
                Cell::Text("line\nbreak".into()),
            ]],
        );
        assert_eq!(out, "\"a,b\",\"say \"\"hi\"\"\",'=1+1,'-5,-5,,\"line\nbreak\"\r\n");
        assert!(header(&["编号"]).starts_with('\u{feff}'));
        for risky in ["=A1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(is_risky(risky), "{risky:?}");
        }
        assert!(!is_risky("好邻"));
    }
}
