//! The XML form of Open311 documents: `<?xml …?>`, the root, one element per item and one child
//! per field, text escaped; `null` is an empty element.

use super::{Record, Value};

/// Escapes text for an element's content.
pub fn escape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry are dropped (our texts refuse them anyway).
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn fields(out: &mut String, record: &Record) {
    for (name, value) in record {
        out.push('<');
        out.push_str(name);
        out.push('>');
        match value {
            Value::Text(s) => out.push_str(&escape(s)),
            Value::Number(n) => out.push_str(&n.to_string()),
            Value::Int(n) => out.push_str(&n.to_string()),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Null => {}
            Value::List(item, records) => {
                for r in records {
                    element(out, item, r);
                }
            }
        }
        out.push_str("</");
        out.push_str(name);
        out.push('>');
    }
}

fn element(out: &mut String, name: &str, record: &Record) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    fields(out, record);
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// The document: `root` holding one `item` element per record, or (no item name) the first
/// record's fields directly.
pub fn document(root: &str, item: &str, items: &[Record]) -> String {
    let mut out = String::from(r#"<?xml version="1.0" encoding="utf-8"?>"#);
    if item.is_empty() {
        element(&mut out, root, items.first().unwrap_or(&Vec::new()));
        return out;
    }
    out.push('<');
    out.push_str(root);
    out.push('>');
    for r in items {
        element(&mut out, item, r);
    }
    out.push_str("</");
    out.push_str(root);
    out.push('>');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_null_is_empty() {
        let doc = document(
            "errors",
            "error",
            &[vec![("code", Value::Int(400)), ("description", Value::Text("a<b&\"c\"".into())), ("x", Value::Null)]],
        );
        assert_eq!(
            doc,
            r#"<?xml version="1.0" encoding="utf-8"?><errors><error><code>400</code><description>a&lt;b&amp;&quot;c&quot;</description><x></x></error></errors>"#
        );
    }
}
