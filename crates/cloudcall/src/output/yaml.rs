//! `--output yaml`: the answer as block-style YAML.
//!
//! Written here rather than with a YAML library: the workspace's YAML crate (`saphyr-parser`,
//! used by the spec loader) only parses, and JSON values need little: strings that could be
//! read as something else (numbers, booleans, `null`, anything with YAML punctuation) are
//! double-quoted with JSON's escapes, which YAML reads the same way. The tests read every
//! documented answer's YAML back with `saphyr-parser` and compare it with the JSON.

use std::fmt::Write as _;

use serde_json::Value;

/// The YAML document for `value`, ending with a newline.
pub fn render(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => block(value, 0, &mut out),
        Value::Array(items) if !items.is_empty() => block(value, 0, &mut out),
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
    out
}

/// A non-empty mapping or sequence, each entry on its own line at `indent`.
fn block(value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let _ = write!(out, "{pad}{}:", string(key));
                entry(v, indent + 2, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                let _ = write!(out, "{pad}-");
                match item {
                    // A mapping in a sequence starts on the dash's line.
                    Value::Object(map) if !map.is_empty() => {
                        let mut nested = String::new();
                        block(item, indent + 2, &mut nested);
                        out.push(' ');
                        out.push_str(nested.trim_start());
                    }
                    other => entry(other, indent + 2, out),
                }
            }
        }
        other => {
            let _ = writeln!(out, "{pad}{}", scalar(other));
        }
    }
}

/// What follows `key:` or `-`: a scalar on the same line, or a nested block below.
fn entry(v: &Value, indent: usize, out: &mut String) {
    match v {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            block(v, indent, out);
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            block(v, indent, out);
        }
        other => {
            let _ = writeln!(out, " {}", scalar(other));
        }
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s),
        Value::Array(_) => "[]".into(),
        Value::Object(_) => "{}".into(),
    }
}

/// A string plain when YAML reads it back as that same string, else double-quoted.
fn string(s: &str) -> String {
    const WORDS: &[&str] = &[
        "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~",
    ];
    let plain = s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '/')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./@".contains(c))
        && !WORDS.contains(&s.to_ascii_lowercase().as_str());
    if plain {
        return s.to_owned();
    }
    // JSON's escapes are YAML's; DEL and the C1 controls, which JSON leaves bare, are escaped too
    // so the output is printable.
    let quoted = serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    quoted
        .chars()
        .map(|c| match c {
            '\u{7f}'..='\u{9f}' => format!("\\u{:04x}", c as u32),
            c => c.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn block_style_with_quoted_ambiguous_strings() {
        let v = json!({"Status": 1, "Id": "cdb-1", "On": "true", "Url": "https://x/ca.pem?a=1",
            "Items": [{"Id": "a", "Tags": ["x", "010"]}, "s"], "Empty": [], "Obj": {}, "N": null});
        let expected = "\
Status: 1
Id: cdb-1
\"On\": \"true\"
Url: \"https://x/ca.pem?a=1\"
Items:
  - Id: a
    Tags:
      - x
      - \"010\"
  - s
Empty: []
Obj: {}
\"N\": null
";
        assert_eq!(render(&v), expected);
    }

    /// The YAML text read back into JSON with `saphyr-parser` (plain scalars resolved as YAML
    /// 1.2's core schema does).
    fn read_back(text: &str) -> Value {
        use saphyr_parser::{Event, Parser, ScalarStyle};
        enum Open {
            List(Vec<Value>),
            Map(serde_json::Map<String, Value>, Option<String>),
        }
        fn add(stack: &mut [Open], done: &mut Option<Value>, v: Value) {
            match stack.last_mut() {
                Some(Open::List(items)) => items.push(v),
                Some(Open::Map(map, key)) => match key.take() {
                    Some(k) => {
                        map.insert(k, v);
                    }
                    None => *key = Some(v.as_str().map_or_else(|| v.to_string(), str::to_owned)),
                },
                None => *done = Some(v),
            }
        }
        let mut stack: Vec<Open> = Vec::new();
        let mut done = None;
        for event in Parser::new_from_str(text) {
            let (event, _) = event.expect("YAML parses");
            match event {
                Event::Scalar(v, style, _, _) => {
                    let value = match (style, v.as_ref()) {
                        (ScalarStyle::Plain, "null" | "~") => Value::Null,
                        (ScalarStyle::Plain, "true") => Value::Bool(true),
                        (ScalarStyle::Plain, "false") => Value::Bool(false),
                        (ScalarStyle::Plain, s) => serde_json::from_str::<serde_json::Number>(s)
                            .map_or_else(|_| Value::String(s.to_owned()), Value::Number),
                        (_, s) => Value::String(s.to_owned()),
                    };
                    add(&mut stack, &mut done, value);
                }
                Event::SequenceStart(..) => stack.push(Open::List(Vec::new())),
                Event::MappingStart(..) => stack.push(Open::Map(serde_json::Map::new(), None)),
                Event::SequenceEnd | Event::MappingEnd => {
                    let v = match stack.pop() {
                        Some(Open::List(items)) => Value::Array(items),
                        Some(Open::Map(map, _)) => Value::Object(map),
                        None => Value::Null,
                    };
                    add(&mut stack, &mut done, v);
                }
                _ => {}
            }
        }
        done.unwrap_or(Value::Null)
    }

    #[test]
    fn every_documented_answer_reads_back_the_same() {
        let mut read = 0;
        for service in cloud_spec::bundle::services() {
            for op in service.operations.values() {
                for example in &op.examples {
                    let answer = Value::Object(example.output.clone().into_iter().collect());
                    let text = render(&answer);
                    assert_eq!(read_back(&text), answer, "{text}");
                    read += 1;
                }
            }
        }
        assert!(read > 300, "{read}");
        let tricky = json!({"a: b": ["- x", "#c", "", " lead", "1e3", "Yes", "~", "\t"],
            "n": [1.5, -2, 0], "o": {"": {}}, "\u{1b}k": "é\u{9b}"});
        assert_eq!(read_back(&render(&tricky)), tricky);
    }

    #[test]
    fn scalars_and_empty_documents() {
        assert_eq!(render(&json!("a b")), "\"a b\"\n");
        assert_eq!(render(&json!([])), "[]\n");
        assert_eq!(render(&json!("\u{1b}\u{9b}")), "\"\\u001b\\u009b\"\n");
    }
}
