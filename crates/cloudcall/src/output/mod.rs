//! Printing responses: pretty JSON, tables that fit the terminal ([`table`]), tab-separated
//! text for `cut` and `awk` ([`tsv`]) or YAML ([`yaml`]), after `--query` picked what to show.
//!
//! The table form puts the scalar members of the response (nested objects flattened to
//! `Parent.Child`) in a `Field | Value` table, and each list of objects in a table of its own with
//! one row per element — `certs` in the GeminiDB answer, for instance.

pub mod csv;
pub mod table;
pub mod tsv;
pub mod yaml;

use serde_json::Value;

#[cfg(feature = "demo")]
pub use table::table;

/// The output formats of `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Pretty-printed JSON, exactly the response.
    Json,
    /// Text tables.
    Table,
    /// Tab-separated lines, one record a line.
    Text,
    /// YAML.
    Yaml,
    /// CSV with a header line.
    Csv,
}

/// The names `--output` accepts.
pub const FORMAT_NAMES: [&str; 5] = ["json", "table", "text", "yaml", "csv"];

impl Format {
    /// Parses the `--output` value (clap has already restricted it to the known names).
    pub fn from_flag(s: &str) -> Format {
        match s {
            "table" => Format::Table,
            "text" => Format::Text,
            "yaml" => Format::Yaml,
            "csv" => Format::Csv,
            _ => Format::Json,
        }
    }
}

/// How to print: the format, the width a table must fit (`None`: as wide as it takes), and the
/// columns a table of listed items starts with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Style {
    /// `--output`
    pub format: Format,
    /// The terminal's width, unless `--full-width` or the output is not a terminal.
    pub width: Option<usize>,
    /// Members shown first in a table of items: the spec's resource id, name and status.
    pub lead: Vec<String>,
}

impl Style {
    /// `format` at full width.
    pub fn full(format: Format) -> Style {
        Style {
            format,
            width: None,
            lead: Vec::new(),
        }
    }
}

impl From<Format> for Style {
    fn from(format: Format) -> Style {
        Style::full(format)
    }
}

/// Renders the response of operation `op` (its CLI name): [`render`], except that an empty
/// response (HTTP 204, or an empty body) is `{}` in JSON, so scripts can always parse stdout,
/// and a sentence saying so in a table.
pub fn render_response(op: &str, value: &Value, style: impl Into<Style>) -> String {
    let style = style.into();
    let empty = match value {
        Value::Null => true,
        Value::Object(map) => map.is_empty(),
        _ => false,
    };
    match (empty, style.format) {
        (true, Format::Json) => "{}\n".to_owned(),
        (true, Format::Yaml) => "{}\n".to_owned(),
        (true, Format::Text | Format::Csv) => String::new(),
        (true, Format::Table) => format!("{op}: done; the response has no content.\n"),
        (false, _) => render(value, style),
    }
}

/// Renders `value` in the style's format, ending with a newline.
pub fn render(value: &Value, style: impl Into<Style>) -> String {
    let style = style.into();
    match style.format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
            s.push('\n');
            s
        }
        Format::Table => table::render(value, style.width, &style.lead),
        Format::Text => tsv::render(value),
        Format::Yaml => yaml::render(value),
        Format::Csv => csv::render(value),
    }
}

/// A scalar as a cell: strings bare, `null` as `-`, lists of scalars joined by `, `; objects and
/// lists of objects as compact JSON.
pub(crate) fn cell(v: &Value) -> String {
    match v {
        Value::Null => "-".into(),
        Value::String(s) => s.clone(),
        Value::Array(items) if items.is_empty() => "(none)".into(),
        Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
            items.iter().map(cell).collect::<Vec<_>>().join(", ")
        }
        Value::Object(map) if map.is_empty() => "{}".into(),
        other => other.to_string(),
    }
}

/// The column or line name of `key` nested under `prefix` (`Instance.Ssl`): every flat format
/// names nested members the same way.
fn dotted_key(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else {
        format!("{prefix}.{key}")
    }
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
