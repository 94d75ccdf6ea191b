//! The doc-page importer: one vendor API page, captured as text, → the spec of its operation.
//!
//! Layouts handled (see tests/fixtures/seeds/):
//! - Tencent, plain text: numbered sections (`2. Input Parameters` ...), table rows on one line
//!   (`InstanceId Yes String Instance ID ...`) whose description may go on over the next lines;
//! - Tencent, Markdown: the same content without section titles, tables as `| a | b |` rows;
//! - Huawei: one table cell per line (`Parameter`, `Mandatory`, `Type`, `Description`, then the
//!   cells of each row), tables titled `Table N ...`.
//!
//! Page chrome in other languages (menus, "was this page helpful") is ignored: only the English
//! API content is read. What a page does not say is left out, and differs from the curated spec:
//! Tencent pages give no per-member examples and no output `required` flags; enums are named in
//! overlays; docs are the page's description without a title line.

use std::path::{Path, PathBuf};

use cloud_spec::{
    EnumKind, EnumValue, ErrorCode, Example, HttpBinding, HttpMethod, Location, Member, Operation,
    Service, Shape, TypeExpr, Vendor,
};
use indexmap::IndexMap;
use serde_json::Value;

use super::tencent::DATETIME_FORMAT;
use super::ImportError;

/// The operation a page describes.
#[derive(Debug, Clone, PartialEq)]
pub struct DocOperation {
    /// The page it came from.
    pub page: PathBuf,
    /// Vendor.
    pub vendor: Vendor,
    /// Tencent: the service in the API host (`mongodb`); Huawei: empty (the page does not say).
    pub service: String,
    /// Tencent: the API version the page names; Huawei: the path's first segment (`v3`).
    pub version: String,
    /// The operation's name: Tencent action; Huawei: empty unless the page names it.
    pub name: String,
    /// The operation.
    pub operation: Operation,
    /// Structures and enums the page defines (Huawei `Table N <Name>`).
    pub shapes: IndexMap<String, Shape>,
}

/// Parses a captured page. `page` names it in errors.
pub fn parse(page: &Path, text: &str) -> Result<DocOperation, ImportError> {
    let text = text.replace("\r\n", "\n").replace('\u{a0}', " ");
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    if lines
        .iter()
        .any(|l| l.starts_with("Domain name for API request:"))
    {
        tencent(page, &lines)
    } else if lines.contains(&"URI") && lines.iter().any(|l| l.starts_with("Table ")) {
        huawei(page, &lines)
    } else {
        Err(ImportError::at(
            page,
            "neither a Tencent API page (no `Domain name for API request:` line) nor a Huawei API page (no `URI` section with `Table N` tables)",
        ))
    }
}

fn missing(page: &Path, section: &str) -> ImportError {
    ImportError::at(page, format!("section not found: {section}"))
}

// ----- Tencent -----

/// A table row: cells, then description lines.
#[derive(Debug, Clone)]
struct Row {
    cells: Vec<String>,
    description: String,
}

fn tencent(page: &Path, lines: &[&str]) -> Result<DocOperation, ImportError> {
    let host_line = lines
        .iter()
        .find_map(|l| l.strip_prefix("Domain name for API request:"))
        .ok_or_else(|| missing(page, "`Domain name for API request:`"))?;
    let host = host_line.trim().trim_end_matches('.');
    let service = host.split('.').next().unwrap_or("").to_owned();

    let markdown = lines.iter().any(|l| l.starts_with("| Parameter Name |"));
    let (input_rows, output_rows, error_rows) = if markdown {
        (
            markdown_table(lines, &["Parameter Name", "Required", "Type", "Description"])
                .ok_or_else(|| missing(page, "input parameters (a table `| Parameter Name | Required | Type | Description |`)"))?,
            markdown_table(lines, &["Parameter Name", "Type", "Description"])
                .ok_or_else(|| missing(page, "output parameters (a table `| Parameter Name | Type | Description |`)"))?,
            markdown_table(lines, &["Error Code", "Description"]).unwrap_or_default(),
        )
    } else {
        let input = section(lines, "2. Input Parameters")
            .ok_or_else(|| missing(page, "`2. Input Parameters`"))?;
        let output = section(lines, "3. Output Parameters")
            .ok_or_else(|| missing(page, "`3. Output Parameters`"))?;
        (
            text_table(input, "Parameter Name Required Type Description", 3).ok_or_else(|| {
                missing(
                    page,
                    "the input table (`Parameter Name Required Type Description`)",
                )
            })?,
            text_table(output, "Parameter Name Type Description", 2).ok_or_else(|| {
                missing(page, "the output table (`Parameter Name Type Description`)")
            })?,
            section(lines, "6. Error Code")
                .and_then(|s| text_table(s, "Error Code Description", 1))
                .unwrap_or_default(),
        )
    };

    let mut name = String::new();
    let mut version = String::new();
    let mut regions = Vec::new();
    let mut input = IndexMap::new();
    for row in &input_rows {
        let [param, required, ty] = [&row.cells[0], &row.cells[1], &row.cells[2]];
        match param.as_str() {
            "Action" => name = value_used(&row.description).unwrap_or_default(),
            "Version" => version = value_used(&row.description).unwrap_or_default(),
            "Region" => regions = supported_regions(&row.description),
            _ => {
                let (ty, format) = tencent_type(ty, &row.description);
                input.insert(
                    param.clone(),
                    member(
                        type_expr(page, param, &ty)?,
                        format,
                        row.description.clone(),
                        required == "Yes",
                        false,
                    ),
                );
            }
        }
    }
    if name.is_empty() {
        return Err(missing(
            page,
            "the `Action` row of the input table (\"The value used for this API: ...\")",
        ));
    }
    let mut output = IndexMap::new();
    for row in &output_rows {
        let (param, ty) = (&row.cells[0], &row.cells[1]);
        let nullable = row.description.contains("may return null");
        let (ty, format) = tencent_type(ty, &row.description);
        let required = param == "RequestId";
        output.insert(
            param.clone(),
            member(
                type_expr(page, param, &ty)?,
                format,
                row.description.clone(),
                required,
                nullable,
            ),
        );
    }
    let errors = error_rows
        .iter()
        .map(|row| ErrorCode {
            code: row.cells[0].clone(),
            docs: row.description.clone(),
            http_status: None,
            meaning: None,
        })
        .collect();

    let rate_limit = lines.iter().find_map(|l| {
        l.strip_prefix("A maximum of ")
            .and_then(|r| r.split_whitespace().next())
            .and_then(|n| n.parse().ok())
    });
    let description = description_lines(lines);
    let examples = tencent_examples(lines, &input)?;
    let read_only = name.starts_with("Describe");
    Ok(DocOperation {
        page: page.to_owned(),
        vendor: Vendor::Tencent,
        service,
        version,
        name,
        operation: Operation {
            docs: format!("{description}\n"),
            http: None,
            rate_limit,
            regions,
            read_only,
            idempotent: read_only,
            deprecated: false,
            input,
            output,
            errors,
            examples,
            waiter: None,
            task: None,
            pagination: None,
            no_task: None,
            no_pagination: None,
        },
        shapes: IndexMap::new(),
    })
}

/// The type a page's table row states, parsed: a type that does not parse is an error naming
/// the page, the member and the text.
fn type_expr(page: &Path, member: &str, text: &str) -> Result<TypeExpr, ImportError> {
    TypeExpr::parse(text).map_err(|e| ImportError::at(page, format!("member `{member}`: {e}")))
}

fn member(
    ty: TypeExpr,
    format: Option<String>,
    docs: String,
    required: bool,
    nullable: bool,
) -> Member {
    Member {
        docs,
        required,
        nullable,
        format,
        ..Member::new(ty)
    }
}

/// "Common Params. The value used for this API: DescribeInstanceSSL." → `DescribeInstanceSSL`.
fn value_used(description: &str) -> Option<String> {
    let rest = description.split_once("The value used for this API:")?.1;
    Some(rest.trim().trim_end_matches('.').trim().to_owned())
}

/// "... This API only supports: ap-bangkok, ap-beijing." → the regions.
fn supported_regions(description: &str) -> Vec<String> {
    description
        .split_once("This API only supports:")
        .map(|(_, list)| {
            list.trim()
                .trim_end_matches('.')
                .split(',')
                .map(|r| r.trim().to_owned())
                .filter(|r| !r.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// The page's type names → the mini-language; a description "in the format of 2023-05-01
/// 12:00:00" makes a String a timestamp.
fn tencent_type(ty: &str, description: &str) -> (String, Option<String>) {
    let scalar = |t: &str| -> String {
        match t {
            "String" => "string",
            "Integer" | "Int64" => "int64",
            "UInt64" => "uint64",
            "Boolean" | "Bool" => "boolean",
            "Float" => "float",
            "Timestamp" | "Date" => "timestamp",
            other => other,
        }
        .to_owned()
    };
    if let Some(inner) = ty.strip_prefix("Array of ") {
        return (format!("list<{}>", scalar(inner.trim())), None);
    }
    if ty == "String" && has_datetime_format(description) {
        return ("timestamp".to_owned(), Some(DATETIME_FORMAT.to_owned()));
    }
    (scalar(ty), None)
}

fn has_datetime_format(description: &str) -> bool {
    description.split("in the format of").skip(1).any(|rest| {
        let sample: Vec<char> = rest.trim_start().chars().take(19).collect();
        let pattern = "dddd-dd-dd dd:dd:dd";
        sample.len() == 19
            && sample.iter().zip(pattern.chars()).all(|(c, p)| match p {
                'd' => c.is_ascii_digit(),
                other => *c == other,
            })
    })
}

/// The lines after a numbered section title, up to the next numbered title.
fn section<'a>(lines: &'a [&'a str], title: &str) -> Option<&'a [&'a str]> {
    let start = lines.iter().position(|l| *l == title)? + 1;
    let len = lines[start..]
        .iter()
        .position(|l| is_numbered_title(l))
        .unwrap_or(lines.len() - start);
    Some(&lines[start..start + len])
}

fn is_numbered_title(line: &str) -> bool {
    let mut parts = line.splitn(2, ". ");
    let number = parts.next().unwrap_or("");
    !number.is_empty()
        && number.len() <= 2
        && number.chars().all(|c| c.is_ascii_digit())
        && parts.next().is_some()
}

/// A plain-text table: the header line, then rows of `fixed` single-word cells (a type may be
/// `Array of X`) followed by a description that may go on over the next lines.
fn text_table(lines: &[&str], header: &str, fixed: usize) -> Option<Vec<Row>> {
    let start = lines.iter().position(|l| *l == header)? + 1;
    let mut rows: Vec<Row> = Vec::new();
    for line in &lines[start..] {
        if line.is_empty() {
            if rows.is_empty() {
                continue;
            }
            break;
        }
        match split_row(line, fixed) {
            Some(row) => rows.push(row),
            // Error descriptions are one line: the table ends at the first line that is not a row.
            None if fixed == 1 => break,
            None => match rows.last_mut() {
                Some(last) => {
                    last.description.push('\n');
                    last.description.push_str(line);
                }
                None => return None,
            },
        }
    }
    (!rows.is_empty()).then_some(rows)
}

/// `InstanceId Yes String Instance ID.` → cells [InstanceId, Yes, String] + description.
fn split_row(line: &str, fixed: usize) -> Option<Row> {
    let mut words = line.split(' ');
    let mut cells = Vec::new();
    let name = words.next()?;
    let name_ok = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-')
        && (fixed == 1 || name.chars().next().is_some_and(|c| c.is_ascii_uppercase()));
    if !name_ok {
        return None;
    }
    // Error tables: the code has a dot or is PascalCase; descriptions start with a capital too,
    // so a code must not be a plain English word followed by a lower-case word.
    cells.push(name.to_owned());
    for i in 1..fixed {
        let word = words.next()?;
        let is_required = i == 1 && fixed == 3;
        if is_required {
            if word != "Yes" && word != "No" {
                return None;
            }
            cells.push(word.to_owned());
            continue;
        }
        if word == "Array" {
            let of = words.next()?;
            let inner = words.next()?;
            if of != "of" {
                return None;
            }
            cells.push(format!("Array of {inner}"));
        } else if is_type_word(word) {
            cells.push(word.to_owned());
        } else {
            return None;
        }
    }
    let description = words.collect::<Vec<_>>().join(" ");
    if fixed == 1 && (!is_error_code(name) || description.is_empty()) {
        return None;
    }
    Some(Row { cells, description })
}

/// `InternalError`, `InvalidParameterValue.NotFoundInstance`: PascalCase words joined by dots,
/// with at least two capitals (so `Was` of "Was this page helpful?" is not one).
fn is_error_code(word: &str) -> bool {
    word.split('.').all(|part| {
        part.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && part.chars().all(|c| c.is_ascii_alphanumeric())
    }) && word.chars().filter(|c| c.is_ascii_uppercase()).count() >= 2
}

fn is_type_word(word: &str) -> bool {
    matches!(
        word,
        "String"
            | "Integer"
            | "Int64"
            | "UInt64"
            | "Boolean"
            | "Bool"
            | "Float"
            | "Timestamp"
            | "Date"
            | "Object"
    ) || (word.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && word.chars().all(|c| c.is_ascii_alphanumeric())
        && word.len() > 3
        && word.chars().skip(1).any(|c| c.is_ascii_uppercase()))
}

/// A Markdown table whose header row has exactly these cells.
fn markdown_table(lines: &[&str], header: &[&str]) -> Option<Vec<Row>> {
    let cells = |line: &str| -> Vec<String> {
        line.trim()
            .trim_start_matches('|')
            .trim_end_matches('|')
            .split('|')
            .map(|c| c.trim().to_owned())
            .collect()
    };
    let start = lines
        .iter()
        .position(|l| l.starts_with('|') && cells(l) == header)?;
    let is_separator = |line: &str| {
        line.starts_with('|')
            && cells(line)
                .iter()
                .all(|c| !c.is_empty() && c.chars().all(|ch| ch == '-' || ch == ':'))
    };
    let mut rows = Vec::new();
    let body = &lines[start + 1..];
    for (i, line) in body.iter().enumerate() {
        if !line.starts_with('|') {
            break;
        }
        if is_separator(line) {
            continue;
        }
        // A row followed by a separator is the header of the next table (no blank line between).
        if body.get(i + 1).is_some_and(|next| is_separator(next)) {
            break;
        }
        let mut row = cells(line);
        if row.len() != header.len() {
            return None;
        }
        let description = row.pop().unwrap_or_default();
        rows.push(Row {
            cells: row,
            description,
        });
    }
    Some(rows)
}

/// The API description: the lines after the `Domain name ...` line up to the rate limit or the
/// API Explorer note.
fn description_lines(lines: &[&str]) -> String {
    let start = lines
        .iter()
        .position(|l| l.starts_with("Domain name for API request:"))
        .map_or(0, |i| i + 1);
    lines[start..]
        .iter()
        .take_while(|l| {
            !l.starts_with("A maximum of")
                && !l.starts_with("We recommend")
                && !l.starts_with("The following request parameter")
        })
        .filter(|l| !l.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Examples: a GET URL or a `POST / HTTP/1.1` request, then the `{"Response": ...}` JSON.
fn tencent_examples(
    lines: &[&str],
    input_members: &IndexMap<String, Member>,
) -> Result<Vec<Example>, ImportError> {
    let mut examples = Vec::new();
    let mut title = String::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        // Markdown captures drop the "Example1 <title>" headings; the caption sentence is the
        // only title left there.
        if title.is_empty() {
            if let Some(caption) = line.strip_prefix("This example shows you how to ") {
                title = caption.trim_end_matches('.').to_owned();
            }
        }
        if let Some(rest) = line.strip_prefix("Example") {
            // "Example1 Viewing the Enabling Status of SSL for an Instance"
            let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
            if rest.starts_with(' ') {
                title = rest.trim().to_owned();
            }
        }
        let request = if line.starts_with("https://") {
            let mut query = vec![line.to_owned()];
            let mut j = i + 1;
            while j < lines.len() && lines[j].starts_with('&') {
                query.push(lines[j].to_owned());
                j += 1;
            }
            i = j;
            Some(get_request(&query.join("\n"), input_members))
        } else if line.starts_with("POST / HTTP/1.1") {
            let (body, next) = json_after(lines, i + 1);
            i = next;
            Some(match body {
                Some(Value::Object(map)) => map.into_iter().collect(),
                _ => IndexMap::new(),
            })
        } else {
            i += 1;
            None
        };
        if let Some(input) = request {
            let (response, next) = json_after(lines, i);
            i = next;
            let output = response
                .as_ref()
                .and_then(|v| v.get("Response"))
                .and_then(Value::as_object)
                .map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default();
            examples.push(Example {
                title: if title.is_empty() {
                    format!("Example {}", examples.len() + 1)
                } else {
                    std::mem::take(&mut title)
                },
                input,
                output,
            });
        }
    }
    Ok(examples)
}

fn get_request(query: &str, members: &IndexMap<String, Member>) -> IndexMap<String, Value> {
    let mut out = IndexMap::new();
    for part in query.split(['&', '\n']).skip(1) {
        let part = part.trim();
        let Some((k, v)) = part.split_once('=') else {
            continue;
        };
        out.insert(k.to_owned(), crate::query_value(v, members.get(k)));
    }
    out
}

/// The first JSON object starting at or after `from` (skipping non-JSON lines), and the line after it.
fn json_after(lines: &[&str], from: usize) -> (Option<Value>, usize) {
    let Some(start) = lines[from.min(lines.len())..]
        .iter()
        .position(|l| l.starts_with('{'))
        .map(|p| p + from)
    else {
        return (None, lines.len());
    };
    let mut depth = 0i32;
    let mut text = String::new();
    for (offset, line) in lines[start..].iter().enumerate() {
        text.push_str(line);
        text.push('\n');
        for c in line.chars() {
            match c {
                '{' | '[' => depth += 1,
                '}' | ']' => depth -= 1,
                _ => {}
            }
        }
        if depth <= 0 {
            return (serde_json::from_str(&text).ok(), start + offset + 1);
        }
    }
    (None, lines.len())
}

// ----- Huawei -----

fn huawei(page: &Path, lines: &[&str]) -> Result<DocOperation, ImportError> {
    let lines: Vec<&str> = lines.iter().copied().filter(|l| !l.is_empty()).collect();
    let uri_at = lines
        .iter()
        .position(|l| *l == "URI")
        .ok_or_else(|| missing(page, "`URI`"))?;
    let request_line = lines
        .get(uri_at + 1)
        .ok_or_else(|| missing(page, "the request line after `URI`"))?;
    let (method, path) = request_line
        .split_once(' ')
        .ok_or_else(|| missing(page, "`METHOD /path` after `URI`"))?;
    let method = match method {
        "GET" => HttpMethod::Get,
        "POST" => HttpMethod::Post,
        "PUT" => HttpMethod::Put,
        "DELETE" => HttpMethod::Delete,
        "PATCH" => HttpMethod::Patch,
        other => {
            return Err(ImportError::at(
                page,
                format!("`{other}` after `URI` is not an HTTP method"),
            ))
        }
    };
    let version = path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("")
        .to_owned();

    let function = lines
        .iter()
        .position(|l| *l == "Function")
        .ok_or_else(|| missing(page, "`Function`"))?;
    let title = lines.get(function.wrapping_sub(1)).copied().unwrap_or("");
    let description: Vec<&str> = lines[function + 1..]
        .iter()
        .take_while(|l| !matches!(**l, "Constraints" | "Authorization Information" | "URI"))
        .copied()
        .collect();
    let docs = format!("{title}\n\n{}\n", description.join("\n\n"));

    // Tables: "Table N <caption>" then a header row, then rows.
    let tables = huawei_tables(&lines);
    let mut input = IndexMap::new();
    let mut output = IndexMap::new();
    let mut shapes = IndexMap::new();
    let mut table_shapes: IndexMap<String, String> = IndexMap::new();
    for table in &tables {
        if let Some(name) = table
            .caption
            .split_whitespace()
            .last()
            .filter(|_| table.struct_table)
        {
            table_shapes.insert(table.number.clone(), name.to_owned());
        }
    }
    for table in &tables {
        let location = match table.caption.as_str() {
            c if c.contains("URI parameters") => Some(Location::Path),
            c if c.contains("Query parameters") => Some(Location::Query),
            c if c.contains("header parameters") && c.contains("Request") => Some(Location::Header),
            c if c.contains("body parameters") && c.contains("Request") => Some(Location::Body),
            _ => None,
        };
        for row in &table.rows {
            let ty = type_expr(page, &row.name, &huawei_type(&row.ty, &table_shapes))?;
            match location {
                Some(location) => {
                    if row.name == "project_id" || row.name.eq_ignore_ascii_case("X-Auth-Token") {
                        continue;
                    }
                    let mut m = member(ty, None, row.definition.clone(), row.mandatory, false);
                    m.location = Some(location);
                    input.insert(row.name.clone(), m);
                }
                None if table.caption.contains("Response body parameters") => {
                    output.insert(
                        row.name.clone(),
                        member(ty, None, row.definition.clone(), false, false),
                    );
                }
                None if table.struct_table => {
                    let shape_name = table
                        .caption
                        .split_whitespace()
                        .last()
                        .unwrap_or("")
                        .to_owned();
                    shapes.entry(shape_name.clone()).or_insert_with(|| Shape {
                        docs: String::new(),
                        members: Some(IndexMap::new()),
                        enum_kind: None,
                        values: Vec::new(),
                    });
                    let mut m = member(ty, None, row.definition.clone(), false, false);
                    if !row.range.is_empty() && m.ty == TypeExpr::String {
                        let enum_name = format!("{shape_name}{}", pascal(&row.name));
                        m.ty = type_expr(page, &row.name, &enum_name)?;
                        pending_enum(&mut shapes, enum_name, &row.range);
                    }
                    if let Some(members) =
                        shapes.get_mut(&shape_name).and_then(|s| s.members.as_mut())
                    {
                        members.insert(row.name.clone(), m);
                    }
                }
                None => {}
            }
        }
    }
    if input.is_empty() && output.is_empty() {
        return Err(missing(
            page,
            "parameter tables (`Table N URI parameters`, `Table N Response body parameters`)",
        ));
    }
    let success_status = lines
        .iter()
        .find_map(|l| {
            l.strip_prefix("Status code: ")
                .and_then(|s| s.trim().parse().ok())
        })
        .unwrap_or(200);

    // Examples: "Example Requests" → method and URL (+ JSON body); "Example Responses" →
    // "Status code: N", a title line, then the JSON.
    let mut examples = Vec::new();
    if let Some(at) = lines.iter().position(|l| *l == "Example Requests") {
        let url = lines.get(at + 1).copied().unwrap_or("");
        let mut example_input = IndexMap::new();
        if let Some(url) = url.split_once(' ').map(|(_, u)| u) {
            let path_part = url.split_once("://").map_or(url, |(_, r)| r);
            let path_part = &path_part[path_part.find('/').unwrap_or(0)..];
            for (a, e) in path_part.split('/').zip(path.split('/')) {
                if let Some(name) = e.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
                    if name != "project_id" {
                        example_input.insert(name.to_owned(), Value::from(a));
                    }
                }
            }
        }
        if let (Some(body), _) = json_after(&lines, at + 2) {
            if let (Value::Object(map), Some(resp_at)) =
                (&body, lines.iter().position(|l| *l == "Example Responses"))
            {
                let body_at = lines[at + 2..]
                    .iter()
                    .position(|l| l.starts_with('{'))
                    .map(|p| p + at + 2);
                if body_at.is_some_and(|b| b < resp_at) {
                    example_input.extend(map.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
            }
        }
        let (title, response) = match lines.iter().position(|l| *l == "Example Responses") {
            Some(r) => {
                let title = lines
                    .get(r + 2)
                    .filter(|l| !l.starts_with('{'))
                    .map(|l| l.to_string())
                    .unwrap_or_else(|| "Example 1".to_owned());
                (title, json_after(&lines, r + 1).0)
            }
            None => ("Example 1".to_owned(), None),
        };
        examples.push(Example {
            title,
            input: example_input,
            output: match response {
                Some(Value::Object(map)) => map.into_iter().collect(),
                _ => IndexMap::new(),
            },
        });
    }
    // The authorization table names the IAM action, `<service>:<resource>:<operationInCamelCase>`.
    let action = lines.iter().find_map(|l| {
        let parts: Vec<&str> = l.split(':').collect();
        (parts.len() == 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric())))
        .then(|| (parts[0].to_owned(), pascal(parts[2])))
    });
    let (service, name) = action.unwrap_or_default();
    let read_only = method == HttpMethod::Get;
    Ok(DocOperation {
        page: page.to_owned(),
        vendor: Vendor::Huawei,
        service,
        version,
        name,
        operation: Operation {
            docs,
            http: Some(HttpBinding {
                method,
                path: path.to_owned(),
                success_status,
            }),
            rate_limit: None,
            regions: Vec::new(),
            read_only,
            idempotent: read_only,
            deprecated: false,
            input,
            output,
            errors: Vec::new(),
            examples,
            waiter: None,
            task: None,
            pagination: None,
            no_task: None,
            no_pagination: None,
        },
        shapes,
    })
}

fn pending_enum(shapes: &mut IndexMap<String, Shape>, name: String, range: &[(String, String)]) {
    shapes.insert(
        name,
        Shape {
            docs: String::new(),
            members: None,
            enum_kind: Some(EnumKind::String),
            values: range
                .iter()
                .map(|(value, docs)| EnumValue {
                    value: Value::from(value.as_str()),
                    name: pascal(value),
                    docs: docs.clone(),
                })
                .collect(),
        },
    );
}

fn pascal(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// "String" → string; "Table 4 objects" → list of the structure table 4 defines.
fn huawei_type(ty: &str, table_shapes: &IndexMap<String, String>) -> String {
    if let Some(rest) = ty.strip_prefix("Table ") {
        let mut words = rest.split_whitespace();
        let number = words.next().unwrap_or("");
        let kind = words.next().unwrap_or("");
        let shape = table_shapes
            .get(number)
            .cloned()
            .unwrap_or_else(|| "Object".to_owned());
        return if kind == "objects" {
            format!("list<{shape}>")
        } else {
            shape
        };
    }
    match ty {
        "String" => "string",
        "Integer" => "int32",
        "Long" => "int64",
        "Boolean" => "boolean",
        "Float" | "Double" | "Number" => "float",
        "Array of strings" => "list<string>",
        "Object" => "json",
        _ => "string",
    }
    .to_owned()
}

#[derive(Debug, Default)]
struct HuaweiTable {
    number: String,
    caption: String,
    /// A `Table N <StructName>` table (no "parameters" in the caption).
    struct_table: bool,
    rows: Vec<HuaweiRow>,
}

#[derive(Debug, Default)]
struct HuaweiRow {
    name: String,
    mandatory: bool,
    ty: String,
    definition: String,
    /// `value: meaning` pairs from a Range list.
    range: Vec<(String, String)>,
}

fn huawei_tables(lines: &[&str]) -> Vec<HuaweiTable> {
    let mut tables = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(rest) = lines[i].strip_prefix("Table ") else {
            i += 1;
            continue;
        };
        let number = rest.split_whitespace().next().unwrap_or("").to_owned();
        if !number.chars().all(|c| c.is_ascii_digit()) || number.is_empty() {
            i += 1;
            continue;
        }
        let caption = rest[number.len()..].trim().to_owned();
        let mut table = HuaweiTable {
            struct_table: !caption.contains("parameters"),
            number,
            caption,
            rows: Vec::new(),
        };
        // Header: Parameter, [Mandatory], Type, Description.
        let mut j = i + 1;
        if lines.get(j) != Some(&"Parameter") {
            i += 1;
            continue;
        }
        j += 1;
        let has_mandatory = lines.get(j) == Some(&"Mandatory");
        if has_mandatory {
            j += 1;
        }
        j += 2; // Type, Description
        let is_row_start = |k: usize| -> bool {
            let name_ok = lines.get(k).is_some_and(|l| {
                l.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                    && l.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            });
            if has_mandatory {
                name_ok && matches!(lines.get(k + 1), Some(&"Yes") | Some(&"No"))
            } else {
                name_ok && lines.get(k + 1).is_some_and(|t| is_huawei_type(t))
            }
        };
        while j < lines.len() && is_row_start(j) {
            let mut row = HuaweiRow {
                name: lines[j].to_owned(),
                ..HuaweiRow::default()
            };
            j += 1;
            if has_mandatory {
                row.mandatory = lines[j] == "Yes";
                j += 1;
            }
            row.ty = lines.get(j).copied().unwrap_or("").to_owned();
            j += 1;
            let mut cell = Vec::new();
            while j < lines.len()
                && !is_row_start(j)
                && !lines[j].starts_with("Table ")
                && !is_huawei_heading(lines[j])
            {
                cell.push(lines[j]);
                j += 1;
            }
            let (definition, range) = description_cell(&cell);
            row.definition = definition;
            row.range = range;
            table.rows.push(row);
        }
        tables.push(table);
        i = j.max(i + 1);
    }
    tables
}

fn is_huawei_type(t: &str) -> bool {
    let table_ref = t.strip_prefix("Table ").is_some_and(|rest| {
        let mut words = rest.split(' ');
        words
            .next()
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
            && matches!(words.next(), Some("object" | "objects"))
            && words.next().is_none()
    });
    table_ref
        || matches!(
            t,
            "String"
                | "Integer"
                | "Long"
                | "Boolean"
                | "Float"
                | "Double"
                | "Number"
                | "Object"
                | "Array of strings"
        )
}

fn is_huawei_heading(line: &str) -> bool {
    matches!(
        line,
        "Request Parameters"
            | "Response Parameters"
            | "Example Requests"
            | "Example Responses"
            | "Status Codes"
            | "Error Codes"
    ) || line.starts_with("Status code:")
}

/// A description cell: `Definition` text, and `Range` bullets `value: meaning`.
fn description_cell(cell: &[&str]) -> (String, Vec<(String, String)>) {
    let mut definition = Vec::new();
    let mut range = Vec::new();
    let mut part = "Definition";
    for line in cell {
        match *line {
            "Definition" | "Constraints" | "Range" | "Default Value" => {
                part = line;
                continue;
            }
            _ => {}
        }
        match part {
            "Definition" => definition.push(line.trim_start_matches("• ").trim()),
            "Range" => {
                let item = line.trim_start_matches(['•', '-', ' ']);
                if let Some((value, meaning)) = item.split_once(": ") {
                    let meaning = meaning.trim().trim_end_matches('.');
                    let mut docs: String = meaning
                        .chars()
                        .take(1)
                        .flat_map(char::to_uppercase)
                        .collect();
                    docs.push_str(&meaning.chars().skip(1).collect::<String>());
                    docs.push('.');
                    range.push((value.trim().to_owned(), docs));
                }
            }
            _ => {}
        }
    }
    (definition.join("\n"), range)
}

// ----- output -----

/// The operation as a YAML fragment: `operations: {Name: ...}` and `shapes:`.
pub fn to_yaml(parsed: &DocOperation) -> String {
    let name = if parsed.name.is_empty() {
        "Operation"
    } else {
        parsed.name.as_str()
    };
    let mut root = serde_json::Map::new();
    let mut ops = serde_json::Map::new();
    ops.insert(
        name.to_owned(),
        serde_json::to_value(&parsed.operation).unwrap_or(Value::Null),
    );
    root.insert("operations".to_owned(), Value::Object(ops));
    if !parsed.shapes.is_empty() {
        root.insert(
            "shapes".to_owned(),
            serde_json::to_value(&parsed.shapes).unwrap_or(Value::Null),
        );
    }
    format!(
        "# From the doc page {} ({:?}, {} {}).\n{}",
        parsed.page.display(),
        parsed.vendor,
        parsed.service,
        parsed.version,
        codegen::yaml_out::to_yaml(&Value::Object(root))
    )
}

/// Replaces (or adds) the page's operation in `spec`, validates, and returns the new text: the
/// spec's leading comment block, then the spec as YAML. Comments inside the spec are not kept.
pub fn merge_into(
    spec: &codegen::load::LoadedSpec,
    parsed: &DocOperation,
) -> Result<String, ImportError> {
    if parsed.name.is_empty() {
        return Err(ImportError::at(
            &parsed.page,
            "the page does not name its operation; cannot merge",
        ));
    }
    let mut service: Service = spec.service.clone();
    if service.vendor != parsed.vendor {
        return Err(ImportError::at(
            &spec.file,
            "the page is from another vendor than the spec",
        ));
    }
    service
        .operations
        .insert(parsed.name.clone(), parsed.operation.clone());
    for (name, shape) in &parsed.shapes {
        service
            .shapes
            .entry(name.clone())
            .or_insert_with(|| shape.clone());
    }
    let header: String = spec
        .source
        .lines()
        .take_while(|l| l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    let text = format!(
        "{header}\n{}",
        codegen::yaml_out::to_yaml(&serde_json::to_value(&service).unwrap_or(Value::Null))
    );
    let loaded = codegen::load::load_str(&spec.file, &text)
        .map_err(|e| ImportError::at(&spec.file, format!("the merged spec does not load:\n{e}")))?;
    codegen::validate::validate(&loaded).map_err(|e| {
        ImportError::at(
            &spec.file,
            format!("the merged spec does not validate (nothing written):\n{e}"),
        )
    })?;
    Ok(text)
}
