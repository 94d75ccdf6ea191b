//! `--output csv`: records as RFC 4180 CSV with a header line, for spreadsheets and scripts.
//!
//! The records are the answer itself when it is a list (after `--query`, typically), else the
//! answer's one list of objects (the items of a listing), else the answer as one record. A
//! record's scalar members are columns (nested objects flattened to `Parent.Child`), nested lists
//! compact JSON; the columns are every record's members in the order they first appear.

use serde_json::{Map, Value};

use super::cell;

/// The CSV text for `value`.
pub fn render(value: &Value) -> String {
    let records: Vec<Map<String, Value>> = records(value)
        .iter()
        .map(|record| match record {
            Value::Object(map) => {
                let mut flat = Map::new();
                flatten(map, "", &mut flat);
                flat
            }
            other => Map::from_iter([("Value".to_owned(), other.clone())]),
        })
        .collect();
    let mut columns: Vec<&str> = Vec::new();
    for record in &records {
        for key in record.keys() {
            if !columns.contains(&key.as_str()) {
                columns.push(key);
            }
        }
    }
    let mut out = String::new();
    let line = |fields: Vec<String>| {
        let mut s = fields.join(",");
        s.push('\n');
        s
    };
    out.push_str(&line(columns.iter().map(|c| field(c)).collect()));
    for record in &records {
        out.push_str(&line(
            columns
                .iter()
                .map(|c| match record.get(*c) {
                    None | Some(Value::Null) => String::new(),
                    Some(v) => field(&cell(v)),
                })
                .collect(),
        ));
    }
    out
}

fn records(value: &Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items.clone(),
        Value::Object(map) => {
            let lists: Vec<&Vec<Value>> = map
                .values()
                .filter_map(Value::as_array)
                .filter(|items| items.iter().any(Value::is_object))
                .collect();
            match lists.as_slice() {
                [one] => (*one).clone(),
                _ => vec![value.clone()],
            }
        }
        other => vec![other.clone()],
    }
}

fn flatten(map: &Map<String, Value>, prefix: &str, out: &mut Map<String, Value>) {
    for (key, v) in map {
        let name = super::dotted_key(prefix, key);
        match v {
            Value::Object(inner) if !inner.is_empty() => flatten(inner, &name, out),
            other => {
                out.insert(name, other.clone());
            }
        }
    }
}

/// A CSV field, quoted when it holds a comma, quote or line break; a field a spreadsheet would
/// run as a formula (`=`, `+`, `@`, or `-` not starting a number) gets a leading `'`. Control
/// characters are escaped, so server text cannot reach a terminal raw.
fn field(text: &str) -> String {
    let mut f: String = text
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    if f.starts_with(['=', '+', '@']) || (f.starts_with('-') && f.parse::<f64>().is_err()) {
        f.insert(0, '\'');
    }
    if f.contains([',', '"']) {
        format!("\"{}\"", f.replace('"', "\"\""))
    } else {
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn records_with_a_header() {
        let v =
            json!({"Total": 2, "Items": [{"Id": "a,b", "Ssl": 1}, {"Id": "c", "Tag": {"k": "v"}}]});
        assert_eq!(render(&v), "Id,Ssl,Tag.k\n\"a,b\",1,\nc,,v\n");
        assert_eq!(render(&json!({"Status": 1})), "Status\n1\n");
        assert_eq!(render(&json!(["x", "y"])), "Value\nx\ny\n");
    }

    #[test]
    fn quotes_formulas_and_controls() {
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=cmd()"), "'=cmd()");
        assert_eq!(field("-12"), "-12");
        assert_eq!(field("x\u{1b}y\nz"), "x\\u{1b}y\\nz");
    }
}
