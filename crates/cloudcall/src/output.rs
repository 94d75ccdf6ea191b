//! Printing responses: pretty JSON, or readable tables.
//!
//! The table form puts the scalar members of the response (nested objects flattened to
//! `Parent.Child`) in a `Field | Value` table, and each list of objects in a table of its own with
//! one row per element — `certs` in the GeminiDB answer, for instance.

use serde_json::{Map, Value};

/// The output formats of `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Pretty-printed JSON, exactly the response.
    Json,
    /// Text tables.
    Table,
}

impl Format {
    /// Parses the `--output` value (clap has already restricted it to the known names).
    pub fn from_flag(s: &str) -> Format {
        if s == "table" {
            Format::Table
        } else {
            Format::Json
        }
    }
}

/// Renders the response of operation `op` (its CLI name): [`render`], except that an empty
/// response (HTTP 204, or an empty body) is `{}` in JSON, so scripts can always parse stdout,
/// and a sentence saying so in a table.
pub fn render_response(op: &str, value: &Value, format: Format) -> String {
    let empty = match value {
        Value::Null => true,
        Value::Object(map) => map.is_empty(),
        _ => false,
    };
    match (empty, format) {
        (true, Format::Json) => "{}\n".to_owned(),
        (true, Format::Table) => format!("{op}: done; the response has no content.\n"),
        (false, _) => render(value, format),
    }
}

/// Renders `value` in `format`, ending with a newline.
pub fn render(value: &Value, format: Format) -> String {
    match format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
            s.push('\n');
            s
        }
        Format::Table => render_tables(value),
    }
}

fn render_tables(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let mut rows = Vec::new();
            let mut lists = Vec::new();
            flatten(map, "", &mut rows, &mut lists);
            let mut out = String::new();
            if !rows.is_empty() || lists.is_empty() {
                let rows: Vec<Vec<String>> = rows.into_iter().map(|(k, v)| vec![k, v]).collect();
                out.push_str(&table(&["Field".into(), "Value".into()], &rows));
            }
            for (name, items) in lists {
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(&format!(
                    "{name} ({} item{})\n",
                    items.len(),
                    if items.len() == 1 { "" } else { "s" }
                ));
                out.push_str(&list_table(&items));
            }
            out
        }
        Value::Array(items) => list_table(items),
        other => format!("{}\n", cell(other)),
    }
}

/// Scalar members become rows; lists of objects become their own tables.
fn flatten(
    map: &Map<String, Value>,
    prefix: &str,
    rows: &mut Vec<(String, String)>,
    lists: &mut Vec<(String, Vec<Value>)>,
) {
    for (key, v) in map {
        let name = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match v {
            Value::Object(inner) if !inner.is_empty() => flatten(inner, &name, rows, lists),
            Value::Array(items) if items.iter().any(Value::is_object) => {
                lists.push((name, items.clone()))
            }
            other => rows.push((name, cell(other))),
        }
    }
}

fn list_table(items: &[Value]) -> String {
    if items.is_empty() {
        return "(none)\n".into();
    }
    let mut columns: Vec<String> = Vec::new();
    let flat: Vec<Vec<(String, String)>> = items
        .iter()
        .map(|item| match item {
            Value::Object(map) => {
                let mut rows = Vec::new();
                let mut nested_lists = Vec::new();
                flatten(map, "", &mut rows, &mut nested_lists);
                // Lists of objects inside a row: shown as compact JSON in one cell.
                rows.extend(
                    nested_lists
                        .into_iter()
                        .map(|(k, v)| (k, Value::Array(v).to_string())),
                );
                rows
            }
            other => vec![("Value".into(), cell(other))],
        })
        .collect();
    for row in &flat {
        for (k, _) in row {
            if !columns.contains(k) {
                columns.push(k.clone());
            }
        }
    }
    // Columns empty in every row (absent, null, `{}`, `[]`) only make the table wider.
    columns.retain(|c| {
        flat.iter().any(|row| {
            row.iter()
                .any(|(k, v)| k == c && !matches!(v.as_str(), "" | "-" | "{}" | "(none)"))
        })
    });
    let rows: Vec<Vec<String>> = flat
        .iter()
        .map(|row| {
            columns
                .iter()
                .map(|c| {
                    row.iter()
                        .find(|(k, _)| k == c)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default()
                })
                .collect()
        })
        .collect();
    table(&columns, &rows)
}

fn cell(v: &Value) -> String {
    match v {
        Value::Null => "-".into(),
        Value::String(s) => s.clone(),
        Value::Array(items) if items.is_empty() => "(none)".into(),
        Value::Array(items) => items.iter().map(cell).collect::<Vec<_>>().join(", "),
        Value::Object(map) if map.is_empty() => "{}".into(),
        other => other.to_string(),
    }
}

/// A boxed text table. Widths count characters; control characters are escaped so a value
/// cannot break the layout or the terminal.
pub fn table(header: &[String], rows: &[Vec<String>]) -> String {
    let clean = |s: &str| {
        s.escape_debug()
            .to_string()
            .replace("\\\"", "\"")
            .replace("\\'", "'")
    };
    let header: Vec<String> = header.iter().map(|h| clean(h)).collect();
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| clean(c)).collect())
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (i, c) in row.iter().enumerate() {
            if i < widths.len() {
                widths[i] = widths[i].max(c.chars().count());
            }
        }
    }
    let rule = {
        let mut s = String::from("+");
        for w in &widths {
            s.push_str(&"-".repeat(w + 2));
            s.push('+');
        }
        s.push('\n');
        s
    };
    let line = |cells: &[String]| {
        let mut s = String::from("|");
        for (i, w) in widths.iter().enumerate() {
            let c = cells.get(i).map(String::as_str).unwrap_or("");
            s.push(' ');
            s.push_str(c);
            s.push_str(&" ".repeat(w - c.chars().count()));
            s.push_str(" |");
        }
        s.push('\n');
        s
    };
    let mut out = rule.clone();
    out.push_str(&line(&header));
    out.push_str(&rule);
    for row in &rows {
        out.push_str(&line(row));
    }
    out.push_str(&rule);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_is_pretty_and_exact() {
        let v = json!({"Status": 1, "RequestId": "r-1"});
        assert_eq!(
            render(&v, Format::Json),
            "{\n  \"Status\": 1,\n  \"RequestId\": \"r-1\"\n}\n"
        );
    }

    #[test]
    fn empty_responses_are_an_empty_object_or_a_sentence() {
        for empty in [json!({}), Value::Null] {
            assert_eq!(render_response("delete-x", &empty, Format::Json), "{}\n");
            assert_eq!(
                render_response("delete-x", &empty, Format::Table),
                "delete-x: done; the response has no content.\n"
            );
        }
        let v = json!({"job_id": "j"});
        assert_eq!(
            render_response("x", &v, Format::Json),
            render(&v, Format::Json)
        );
    }

    #[test]
    fn scalars_make_a_field_table() {
        let v = json!({"Status": 1, "CertUrl": null, "RequestId": "12345-abcdef"});
        let expected = "\
+-----------+--------------+
| Field     | Value        |
+-----------+--------------+
| Status    | 1            |
| CertUrl   | -            |
| RequestId | 12345-abcdef |
+-----------+--------------+
";
        assert_eq!(render(&v, Format::Table), expected);
    }

    #[test]
    fn lists_of_objects_get_their_own_table() {
        let v =
            json!({"certs": [{"category": "international", "download_link": "https://x/ca.crt"}]});
        let expected = "\
certs (1 item)
+---------------+------------------+
| category      | download_link    |
+---------------+------------------+
| international | https://x/ca.crt |
+---------------+------------------+
";
        assert_eq!(render(&v, Format::Table), expected);
    }

    #[test]
    fn columns_empty_in_every_row_are_left_out() {
        let v = json!({"instances": [
            {"id": "a", "name": "", "tags": {}, "ssl": "1"},
            {"id": "b", "name": null, "ssl": "0"}
        ]});
        let out = render(&v, Format::Table);
        assert!(out.contains("| id | ssl |"), "{out}");
        assert!(!out.contains("name") && !out.contains("tags"), "{out}");
    }

    #[test]
    fn nested_objects_flatten_and_control_characters_are_escaped() {
        let v = json!({"A": {"B": "x\ny"}, "L": [1, 2]});
        let out = render(&v, Format::Table);
        assert!(out.contains("| A.B   | x\\ny  |"), "{out}");
        assert!(out.contains("| L     | 1, 2  |"), "{out}");
    }
}
