//! Boxed text tables that fit the terminal.
//!
//! An object's scalar members (nested objects flattened to `Parent.Child`) make a
//! `Field | Value` table whose long values wrap; each list of objects gets a table of its own,
//! one row per element, with the scalar members first and nested values after them as compact
//! JSON. When a table is wider than the terminal, the widest columns shrink and their cells are
//! cut with `…`; columns that still do not fit are left out, and a line under the table names
//! them. `--full-width` (or output that is not a terminal) keeps every cell whole.

use serde_json::{Map, Value};

use super::cell;

/// The narrowest a column is shrunk to before columns are left out instead (a column narrower
/// than this by nature keeps its width): ids and names stay readable.
const MIN_COLUMN: usize = 12;

/// What happens to a cell longer than its column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Overflow {
    /// Continued on the next lines.
    Wrap,
    /// Cut, ending in `…`.
    Truncate,
}

/// The tables for `value`, fitted to `width` columns when given. Columns named in `lead` (the
/// resource's id, name and status, from the spec) come first in lists of objects.
pub fn render(value: &Value, width: Option<usize>, lead: &[String]) -> String {
    match value {
        Value::Object(map) => {
            let mut rows = Vec::new();
            let mut lists = Vec::new();
            flatten(map, "", &mut rows, &mut lists);
            let mut out = String::new();
            if !rows.is_empty() || lists.is_empty() {
                let rows: Vec<Vec<String>> = rows.into_iter().map(|(k, v)| vec![k, v]).collect();
                out.push_str(&fitted(
                    &["Field".into(), "Value".into()],
                    &rows,
                    width,
                    Overflow::Wrap,
                ));
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
                out.push_str(&list_table(&items, width, lead));
            }
            out
        }
        Value::Array(items) => list_table(items, width, lead),
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
        let name = super::dotted_key(prefix, key);
        match v {
            Value::Object(inner) if !inner.is_empty() => flatten(inner, &name, rows, lists),
            Value::Array(items) if items.iter().any(Value::is_object) => {
                lists.push((name, items.clone()))
            }
            other => rows.push((name, cell(other))),
        }
    }
}

/// Whether a member is shown compactly after the scalar columns.
fn is_nested(v: &Value) -> bool {
    match v {
        Value::Object(map) => !map.is_empty(),
        Value::Array(items) => items.iter().any(|i| i.is_object() || i.is_array()),
        _ => false,
    }
}

/// One row per element: scalar members first, nested ones after them as compact JSON.
fn list_table(items: &[Value], width: Option<usize>, lead: &[String]) -> String {
    if items.is_empty() {
        return "(none)\n".into();
    }
    let mut scalar_columns: Vec<String> = Vec::new();
    let mut nested_columns: Vec<String> = Vec::new();
    for item in items {
        match item {
            Value::Object(map) => {
                for (k, v) in map {
                    if is_nested(v) {
                        scalar_columns.retain(|c| c != k);
                        if !nested_columns.contains(k) {
                            nested_columns.push(k.clone());
                        }
                    } else if !scalar_columns.contains(k) && !nested_columns.contains(k) {
                        scalar_columns.push(k.clone());
                    }
                }
            }
            // `--query 'Items[].[Id, Status]'`: a column per position.
            Value::Array(values) => {
                for i in 1..=values.len() {
                    let name = i.to_string();
                    if !scalar_columns.contains(&name) {
                        scalar_columns.push(name);
                    }
                }
            }
            _ => {
                if !scalar_columns.iter().any(|c| c == "Value") {
                    scalar_columns.push("Value".into());
                }
            }
        }
    }
    let mut columns: Vec<String> = lead
        .iter()
        .filter(|c| scalar_columns.contains(c))
        .cloned()
        .collect();
    columns.extend(scalar_columns.into_iter().filter(|c| !lead.contains(c)));
    columns.extend(nested_columns);
    let value_of = |item: &Value, column: &str| -> String {
        match item {
            Value::Object(map) => map.get(column).map(cell).unwrap_or_default(),
            Value::Array(values) => column
                .parse::<usize>()
                .ok()
                .and_then(|i| values.get(i.checked_sub(1)?))
                .map(cell)
                .unwrap_or_default(),
            other if column == "Value" => cell(other),
            _ => String::new(),
        }
    };
    // Columns empty in every row (absent, null, `{}`, `[]`) only make the table wider.
    columns.retain(|c| {
        items
            .iter()
            .any(|item| !matches!(value_of(item, c).as_str(), "" | "-" | "{}" | "(none)"))
    });
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|item| columns.iter().map(|c| value_of(item, c)).collect())
        .collect();
    fitted(&columns, &rows, width, Overflow::Truncate)
}

/// A boxed text table as wide as its cells (the demo's summary). Widths count characters;
/// control characters are escaped so a value cannot break the layout or the terminal.
#[cfg(feature = "demo")]
pub fn table(header: &[String], rows: &[Vec<String>]) -> String {
    fitted(header, rows, None, Overflow::Truncate)
}

/// A boxed table fitted to `width` columns, long cells wrapped (the audit's rows).
#[cfg(feature = "audit")]
pub fn fitted_table(header: &[String], rows: &[Vec<String>], width: Option<usize>) -> String {
    fitted(header, rows, width, Overflow::Wrap)
}

/// Control characters escaped (`\n`, `\u{1b}`), quotes left alone.
fn clean(s: &str) -> String {
    s.escape_debug()
        .to_string()
        .replace("\\\"", "\"")
        .replace("\\'", "'")
}

/// A boxed table fitted to `width` columns (`None`: as wide as its cells).
fn fitted(
    header: &[String],
    rows: &[Vec<String>],
    width: Option<usize>,
    overflow: Overflow,
) -> String {
    let mut header: Vec<String> = header.iter().map(|h| clean(h)).collect();
    let mut rows: Vec<Vec<String>> = rows
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
    let mut left_out = Vec::new();
    if let Some(width) = width {
        let (fit, kept) = match overflow {
            // Wrapped tables (the field table's values, the audit's errors) give up the last
            // column's width first: it holds the long text, and the others stay on one line.
            Overflow::Wrap => shrink_last(&widths, width)
                .map(|fit| (fit, widths.len()))
                .unwrap_or_else(|| shrink_all(&widths, width)),
            Overflow::Truncate => fit_widths(&widths, width),
        };
        if kept < header.len() {
            left_out = header.split_off(kept);
            for row in &mut rows {
                row.truncate(kept);
            }
        }
        widths = fit;
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
    let line = |cells: &[String], overflow: Overflow| {
        // Each cell as the lines it takes in its column.
        let parts: Vec<Vec<String>> = widths
            .iter()
            .enumerate()
            .map(|(i, w)| fit_cell(cells.get(i).map(String::as_str).unwrap_or(""), *w, overflow))
            .collect();
        let height = parts.iter().map(Vec::len).max().unwrap_or(1);
        let mut s = String::new();
        for line_index in 0..height {
            s.push('|');
            for (i, w) in widths.iter().enumerate() {
                let c = parts[i].get(line_index).map(String::as_str).unwrap_or("");
                s.push(' ');
                s.push_str(c);
                s.push_str(&" ".repeat(w.saturating_sub(c.chars().count())));
                s.push_str(" |");
            }
            s.push('\n');
        }
        s
    };
    let mut out = rule.clone();
    out.push_str(&line(&header, Overflow::Truncate));
    out.push_str(&rule);
    for row in &rows {
        out.push_str(&line(row, overflow));
    }
    out.push_str(&rule);
    if !left_out.is_empty() {
        let note = format!(
            "({} more column{} not shown: {}; --full-width shows every column, --query picks some)",
            left_out.len(),
            if left_out.len() == 1 { "" } else { "s" },
            left_out.join(", ")
        );
        out.push_str(&crate::text::wrap(&note, width.unwrap_or(usize::MAX)));
        out.push('\n');
    }
    out
}

/// Column widths that fit `total` characters of table (borders included), and how many columns
/// are kept: the widest columns shrink first, evenly; when every column is down to
/// [`MIN_COLUMN`], the last columns are left out.
fn fit_widths(natural: &[usize], total: usize) -> (Vec<usize>, usize) {
    let overhead = |n: usize| 3 * n + 1;
    let min_sum = |cols: &[usize]| cols.iter().map(|w| (*w).min(MIN_COLUMN)).sum::<usize>();
    let mut kept = natural.len();
    while kept > 1 && min_sum(&natural[..kept]) + overhead(kept) > total {
        kept -= 1;
    }
    let cols = &natural[..kept];
    let budget = total.saturating_sub(overhead(kept));
    if cols.iter().sum::<usize>() <= budget {
        return (cols.to_vec(), kept);
    }
    // The largest cap with every column at min(natural, cap) within the budget.
    let widest = cols.iter().copied().max().unwrap_or(MIN_COLUMN);
    let mut cap = widest;
    while cap > MIN_COLUMN && cols.iter().map(|w| (*w).min(cap)).sum::<usize>() > budget {
        cap -= 1;
    }
    let mut widths: Vec<usize> = cols.iter().map(|w| (*w).min(cap)).collect();
    // What the cap leaves unused goes to the capped columns, one character at a time.
    let mut spare = budget.saturating_sub(widths.iter().sum());
    while spare > 0 {
        let mut grew = false;
        for (w, n) in widths.iter_mut().zip(cols) {
            if spare > 0 && *w < *n {
                *w += 1;
                spare -= 1;
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    (widths, kept)
}

/// The narrowest the last column of a wrapped table gets before the others shrink too.
const MIN_WRAPPED_LAST: usize = 24;

/// Widths that fit `total` by narrowing only the last column, if that is enough.
fn shrink_last(natural: &[usize], total: usize) -> Option<Vec<usize>> {
    let (last, others) = natural.split_last()?;
    let budget = total.checked_sub(3 * natural.len() + 1)?;
    let rest: usize = others.iter().sum();
    let room = budget.checked_sub(rest)?;
    let last = (*last).min(room);
    (last >= MIN_WRAPPED_LAST.min(natural[natural.len() - 1])).then(|| {
        let mut widths = others.to_vec();
        widths.push(last);
        widths
    })
}

/// Widths that fit `total` with the last column at its narrowest wrapped width and the others
/// shrunk (widest first) into the rest.
fn shrink_all(natural: &[usize], total: usize) -> (Vec<usize>, usize) {
    let Some((last, others)) = natural.split_last() else {
        return (Vec::new(), 0);
    };
    let last = (*last).min(MIN_WRAPPED_LAST);
    // The others fit as a table of their own whose right border is the last column's left one.
    let (mut widths, kept) = fit_widths(others, total.saturating_sub(last + 3));
    if kept < others.len() {
        return fit_widths(natural, total);
    }
    let used: usize = widths.iter().sum::<usize>() + 3 * natural.len() + 1;
    widths.push(
        last.max(total.saturating_sub(used))
            .min(natural[natural.len() - 1]),
    );
    (widths, natural.len())
}

/// `text` in a column `width` wide: wrapped into lines, or cut with `…`.
fn fit_cell(text: &str, width: usize, overflow: Overflow) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= width || width == 0 {
        return vec![text.to_owned()];
    }
    match overflow {
        Overflow::Truncate => {
            let mut s: String = chars[..width.saturating_sub(1)].iter().collect();
            s.push('…');
            vec![s]
        }
        // At spaces; a word longer than the column (an id, a URL) is split.
        Overflow::Wrap => crate::text::wrap(text, width)
            .lines()
            .flat_map(|line| {
                let chars: Vec<char> = line.chars().collect();
                chars
                    .chunks(width)
                    .map(|chunk| chunk.iter().collect::<String>())
                    .collect::<Vec<_>>()
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn widest_line(s: &str) -> usize {
        s.lines().map(|l| l.chars().count()).max().unwrap_or(0)
    }

    #[test]
    fn scalars_come_first_and_nested_values_are_compact() {
        let v = json!([{"Vip": {"a": 1}, "Id": "x", "Tags": [{"k": "v"}], "Zone": "z"}]);
        let out = render(&v, None, &[]);
        assert!(
            out.contains("| Id | Zone | Vip     | Tags        |"),
            "{out}"
        );
        assert!(out.contains(r#"| {"a":1} | [{"k":"v"}] |"#), "{out}");
    }

    #[test]
    fn a_wide_list_fits_the_width_with_cut_cells() {
        let row: Map<String, Value> = (0..30)
            .map(|i| (format!("Column{i}"), json!("x".repeat(40))))
            .collect();
        let v = json!({"Items": [Value::Object(row.clone()), Value::Object(row)]});
        let out = render(&v, Some(80), &[]);
        assert!(widest_line(&out) <= 80, "{out}");
        assert!(out.contains('…'), "{out}");
        assert!(out.contains("more columns not shown"), "{out}");
        // Full width keeps every cell whole.
        let full = render(&v, None, &[]);
        assert!(full.contains(&"x".repeat(40)) && full.contains("Column29"));
    }

    #[test]
    fn long_values_wrap_in_the_field_table() {
        let v = json!({"Url": "u".repeat(150), "Status": 1});
        let out = render(&v, Some(60), &[]);
        assert!(widest_line(&out) <= 60, "{out}");
        // Every character is there, over several lines; "Value" and "Status" hold two more.
        assert_eq!(out.matches('u').count(), 152, "{out}");
        // Words wrap at spaces.
        let words =
            json!({"Error": "the certificate link answered an HTML page, not a certificate"});
        let out = render(&words, Some(40), &[]);
        assert!(
            out.contains("| Error | the certificate link         |"),
            "{out}"
        );
        assert!(
            out.contains("|       | certificate                  |"),
            "{out}"
        );
    }

    #[test]
    fn lists_of_lists_get_a_column_per_position() {
        let out = render(&json!([["cdb-1", 1], ["cdb-2", 0]]), None, &[]);
        assert!(out.contains("| 1     | 2 |"), "{out}");
        assert!(out.contains("| cdb-2 | 0 |"), "{out}");
    }

    #[test]
    fn a_narrow_table_is_unchanged() {
        let v = json!({"Status": 1});
        assert_eq!(render(&v, Some(200), &[]), render(&v, None, &[]));
    }
}
