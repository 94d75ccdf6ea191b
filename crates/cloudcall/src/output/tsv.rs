//! `--output text`: tab-separated lines for `cut`, `awk` and shell loops, in the manner of
//! aws-cli's text output.
//!
//! - a scalar is one line; a list of scalars is one line of tab-separated values; a list of
//!   lists is one line per inner list;
//! - a list of objects is one line per object, its members in one column order for every line
//!   (the order they first appear in), absent members as empty fields;
//! - an object prints `Name<TAB>value` for each scalar member (nested objects as `Parent.Child`),
//!   and each list of objects as lines `Name<TAB>field<TAB>field...`.
//!
//! Nested values inside a line are compact JSON. Tabs, newlines and other control characters in
//! values are escaped (`\t`, `\n`), so a record is always exactly one line.

use serde_json::{Map, Value};

use super::cell;

/// The text form of `value`, ending with a newline (empty for an empty answer).
pub fn render(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Array(items) if items.iter().any(Value::is_object) => {
            lines_of_objects(items, None, &mut out)
        }
        // `--query 'Items[].[Id, Status]'`: one line per inner list.
        Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_array) => {
            for item in items {
                let fields: Vec<String> =
                    item.as_array().into_iter().flatten().map(field).collect();
                out.push_str(&fields.join("\t"));
                out.push('\n');
            }
        }
        Value::Array(items) => {
            let fields: Vec<String> = items.iter().map(field).collect();
            if !fields.is_empty() {
                out.push_str(&fields.join("\t"));
                out.push('\n');
            }
        }
        Value::Object(map) => object(map, "", &mut out),
        other => {
            out.push_str(&field(other));
            out.push('\n');
        }
    }
    out
}

fn object(map: &Map<String, Value>, prefix: &str, out: &mut String) {
    for (key, v) in map {
        let name = super::dotted_key(prefix, key);
        match v {
            Value::Object(inner) if !inner.is_empty() => object(inner, &name, out),
            Value::Array(items) if items.iter().any(Value::is_object) => {
                lines_of_objects(items, Some(&name), out)
            }
            other => {
                out.push_str(&escape(&name));
                out.push('\t');
                out.push_str(&field(other));
                out.push('\n');
            }
        }
    }
}

fn lines_of_objects(items: &[Value], name: Option<&str>, out: &mut String) {
    let mut columns: Vec<&str> = Vec::new();
    for item in items {
        if let Value::Object(map) = item {
            for k in map.keys() {
                if !columns.contains(&k.as_str()) {
                    columns.push(k);
                }
            }
        }
    }
    for item in items {
        let mut fields: Vec<String> = name.map(escape).into_iter().collect();
        match item {
            Value::Object(map) => {
                fields.extend(
                    columns
                        .iter()
                        .map(|c| map.get(*c).map(field).unwrap_or_default()),
                );
            }
            other => fields.push(field(other)),
        }
        out.push_str(&fields.join("\t"));
        out.push('\n');
    }
}

/// One field: the value's cell text (nested values as compact JSON), escaped.
fn field(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
            escape(&items.iter().map(cell).collect::<Vec<_>>().join(","))
        }
        other => escape(&cell(other)),
    }
}

/// Control characters made visible (`\t`, `\n`, `\u{1b}`), so fields and lines stay apart.
fn escape(s: &str) -> String {
    if s.chars().any(char::is_control) || s.contains('\\') {
        s.chars()
            .map(|c| match c {
                '\\' => "\\\\".to_owned(),
                c if c.is_control() => c.escape_default().to_string(),
                c => c.to_string(),
            })
            .collect()
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn objects_are_name_value_lines_and_lists_are_rows() {
        let v = json!({"Total": 2, "Items": [{"Id": "a", "Ssl": 1}, {"Id": "b", "Name": "x\ty"}], "A": {"B": null}});
        assert_eq!(
            render(&v),
            "Total\t2\nItems\ta\t1\t\nItems\tb\t\tx\\ty\nA.B\tNone\n"
        );
    }

    #[test]
    fn query_results_print_plainly() {
        assert_eq!(render(&json!(["a", "b"])), "a\tb\n");
        assert_eq!(render(&json!([["a", 1], ["b", null]])), "a\t1\nb\tNone\n");
        assert_eq!(render(&json!("a")), "a\n");
        assert_eq!(
            render(&json!([{"Id": "a", "T": [1, 2]}, {"Id": "b"}])),
            "a\t1,2\nb\t\n"
        );
    }
}
