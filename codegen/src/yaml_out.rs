//! Writes a JSON value as block-style YAML, deterministically: the same value always gives the
//! same bytes, mappings keep their order, and every string reads back as the same string under
//! the YAML 1.2 core schema the spec loader uses (when in doubt, a scalar is double-quoted).

use serde_json::Value;

/// Renders `value` (normally an object) as a YAML document body, ending with a newline.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => write_map(&mut out, map, 0),
        Value::Array(items) if !items.is_empty() => write_seq(&mut out, items, 0),
        scalar => {
            out.push_str(&inline_scalar(scalar));
            out.push('\n');
        }
    }
    out
}

fn indent(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("  ");
    }
}

fn write_map(out: &mut String, map: &serde_json::Map<String, Value>, level: usize) {
    let mut first = true;
    for (key, value) in map {
        // The first key of a mapping inside a sequence item follows the `- ` on the same line.
        if !(first && out.ends_with("- ")) {
            indent(out, level);
        }
        first = false;
        out.push_str(&scalar_text(key));
        out.push(':');
        write_value_after_key(out, value, level);
    }
}

fn write_seq(out: &mut String, items: &[Value], level: usize) {
    for item in items {
        indent(out, level);
        out.push('-');
        match item {
            Value::Object(map) if !map.is_empty() => {
                out.push(' ');
                write_map(out, map, level + 1);
            }
            Value::Array(inner) if !inner.is_empty() => {
                out.push('\n');
                write_seq(out, inner, level + 1);
            }
            Value::String(s) if block_literal(s).is_some() => {
                out.push(' ');
                write_block(out, s, level + 1);
            }
            scalar => {
                out.push(' ');
                out.push_str(&inline_scalar(scalar));
                out.push('\n');
            }
        }
    }
}

fn write_value_after_key(out: &mut String, value: &Value, level: usize) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            write_map(out, map, level + 1);
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            write_seq(out, items, level + 1);
        }
        Value::String(s) if block_literal(s).is_some() => {
            out.push(' ');
            write_block(out, s, level + 1);
        }
        scalar => {
            out.push(' ');
            out.push_str(&inline_scalar(scalar));
            out.push('\n');
        }
    }
}

/// Writes a multi-line string as a literal block scalar (`|`, `|-` or `|+`).
fn write_block(out: &mut String, text: &str, level: usize) {
    let header = block_literal(text).unwrap_or("|");
    out.push_str(header);
    out.push('\n');
    let body = text.trim_end_matches('\n');
    for line in body.split('\n') {
        if !line.is_empty() {
            indent(out, level);
            out.push_str(line);
        }
        out.push('\n');
    }
    // `|+` keeps every trailing newline: the body wrote one, the rest are empty lines.
    if header == "|+" {
        for _ in 1..text.len() - body.len() {
            out.push('\n');
        }
    }
}

/// The block header for a multi-line string, or `None` when it must be a quoted scalar instead.
fn block_literal(text: &str) -> Option<&'static str> {
    let body = text.trim_end_matches('\n');
    if !body.contains('\n') {
        return None;
    }
    // Literal blocks cannot start with a space without an indentation indicator, and cannot carry
    // control characters, carriage returns or lines of only spaces (they would be read as empty);
    // such text is quoted instead.
    let unsafe_line = body
        .split('\n')
        .any(|line| line.ends_with(' ') && line.trim().is_empty());
    if body.starts_with([' ', '\t'])
        || unsafe_line
        || body
            .chars()
            .any(|c| (c.is_control() && c != '\n' && c != '\t') || c == '\u{feff}')
        || body.contains('\t')
    {
        return None;
    }
    Some(match text.len() - body.len() {
        0 => "|-",
        1 => "|",
        _ => "|+",
    })
}

fn inline_scalar(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => scalar_text(s),
        Value::Array(_) => "[]".to_owned(),
        Value::Object(_) => "{}".to_owned(),
    }
}

/// A string as a plain scalar when that reads back as the same string, else double-quoted.
fn scalar_text(s: &str) -> String {
    if is_plain_safe(s) {
        s.to_owned()
    } else {
        quoted(s)
    }
}

fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s.trim() != s || s.contains('\n') {
        return false;
    }
    // Indicators that start something other than a plain scalar.
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    // Would resolve to null, a boolean or a number (YAML 1.1 words too, for other readers).
    let lower = s.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "null" | "~" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n"
    ) || first.is_ascii_digit()
        || (matches!(first, '.' | '+') && s.len() > 1)
        || lower.starts_with(".inf")
        || lower.starts_with(".nan")
    {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') {
        return false;
    }
    s.chars()
        .all(|c| !c.is_control() && c != '\u{feff}' && c != '\u{2028}' && c != '\u{2029}')
}

fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}') => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{parse, NodeValue};

    fn round_trip(s: &str) -> String {
        let text = to_yaml(&serde_json::json!({ "v": s }));
        match parse(&text).map(|n| n.value) {
            Ok(NodeValue::Map(mut entries)) => match entries.remove(0).value.value {
                NodeValue::String(back) => back,
                other => panic!("{s:?} came back as {other:?} from {text:?}"),
            },
            other => panic!("{s:?}: {other:?} from {text:?}"),
        }
    }

    #[test]
    fn strings_read_back_unchanged() {
        for s in [
            "",
            "ON",
            "off",
            "yes",
            "null",
            "~",
            "1",
            "2019-07-25",
            "-x",
            "- x",
            "a: b",
            "a #b",
            "a:b",
            "x:",
            " lead",
            "trail ",
            "tab\there",
            "quote\"d",
            "back\\slash",
            "\u{7}",
            "multi\nline",
            "multi\nline\n",
            "multi\nline\n\n",
            " lead\nline",
            "line\n \nspaces",
            "line\n\nblank",
            "%x",
            "@x",
            "`x",
            ".5",
            "+1",
            ".inf",
            "10.0.0.4",
            "http://x/y?a=1&b",
            "日本語",
            "*x",
            "&x",
            "!x",
            "|x",
            ">x",
            "[x",
            "{x",
            "'x",
            "\"x",
            "#x",
            "?x",
            ",x",
        ] {
            assert_eq!(round_trip(s), s, "{s:?}");
        }
    }

    #[test]
    fn writes_nested_blocks() {
        let value = serde_json::json!({
            "a": {"b": [1, {"c": "d", "e": []}, [true, null]], "f": {}},
            "g": "x\ny",
        });
        assert_eq!(
            to_yaml(&value),
            "a:\n  b:\n    - 1\n    - c: d\n      e: []\n    -\n      - true\n      - null\n  f: {}\ng: |-\n  x\n  y\n"
        );
    }
}
