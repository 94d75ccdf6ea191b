//! Reading member values: command-line text → wire JSON, and checking JSON against a member type.
//!
//! Flags are strict where a typo is likely (`--enable ture`, `--ssl-option of`, an integer out of
//! range): the message says what was expected. JSON given whole (`--cli-input-json`, structure and
//! list flags) is checked for wire types and member names, but an enum value the docs do not list
//! is let through there: vendors add values before the docs do.

use std::ops::ControlFlow;

use cloud_spec::conform::{self, Conform, Expected, Mismatch, Problem, Rules, Segment};
use cloud_spec::{EnumKind, IntWidth, Shape, TypeExpr};
use heck::ToKebabCase;
use indexmap::IndexMap;
use serde_json::{Number, Value};

/// The named shapes of a service.
pub type Shapes = IndexMap<String, Shape>;

/// Parses one command-line value of type `ty` into its wire JSON.
pub fn parse_flag_value(raw: &str, ty: &TypeExpr, shapes: &Shapes) -> Result<Value, String> {
    match ty {
        TypeExpr::String | TypeExpr::Timestamp => Ok(Value::String(raw.to_owned())),
        TypeExpr::Boolean => parse_bool(raw).map(Value::Bool),
        TypeExpr::Integer(width) => parse_int(raw, *width),
        TypeExpr::Float => parse_float(raw),
        // A bare word that is not JSON is meant as a string: `--extra hello`.
        TypeExpr::Json => {
            Ok(serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.to_owned())))
        }
        TypeExpr::List(_) | TypeExpr::Map(_) => parse_json_of(raw, ty, shapes),
        TypeExpr::Shape(name) => match shapes.get(name) {
            Some(shape) if shape.enum_kind.is_some() => parse_enum(raw, shape),
            Some(_) => parse_json_of(raw, ty, shapes),
            None => Err(format!("the spec refers to an unknown shape `{name}`")),
        },
    }
}

/// One occurrence of a list flag: an element, or a JSON array of elements.
pub fn parse_list_occurrence(
    raw: &str,
    element: &TypeExpr,
    shapes: &Shapes,
) -> Result<Vec<Value>, String> {
    let nested = matches!(element, TypeExpr::List(_) | TypeExpr::Json);
    if !nested && raw.trim_start().starts_with('[') {
        let list_ty = TypeExpr::List(Box::new(element.clone()));
        match parse_json_of(raw, &list_ty, shapes)? {
            Value::Array(items) => Ok(items),
            _ => unreachable!("parse_json_of checked for an array"),
        }
    } else {
        Ok(vec![parse_flag_value(raw, element, shapes)?])
    }
}

fn parse_json_of(raw: &str, ty: &TypeExpr, shapes: &Shapes) -> Result<Value, String> {
    let value: Value = serde_json::from_str(raw)
        .map_err(|e| format!("expected JSON ({}): {e}", describe_type(ty, shapes)))?;
    check_json(&value, ty, shapes, "")?;
    Ok(value)
}

fn parse_bool(raw: &str) -> Result<bool, String> {
    match raw.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" => Ok(false),
        _ => Err("expected true or false".to_owned()),
    }
}

fn parse_int(raw: &str, width: IntWidth) -> Result<Value, String> {
    let (min, max) = conform::int_range(width);
    let n: i128 = raw
        .trim()
        .parse()
        .map_err(|_| format!("expected an integer between {min} and {max}"))?;
    int_value(n, min, max)
}

fn int_value(n: i128, min: i128, max: i128) -> Result<Value, String> {
    if n < min || n > max {
        return Err(format!(
            "{n} is out of range: expected an integer between {min} and {max}"
        ));
    }
    Ok(if n < 0 {
        Value::Number(Number::from(n as i64))
    } else {
        Value::Number(Number::from(n as u64))
    })
}

fn parse_float(raw: &str) -> Result<Value, String> {
    let f: f64 = raw
        .trim()
        .parse()
        .map_err(|_| "expected a number".to_owned())?;
    Number::from_f64(f)
        .map(Value::Number)
        .ok_or_else(|| "expected a finite number".to_owned())
}

fn parse_enum(raw: &str, shape: &Shape) -> Result<Value, String> {
    let kind = shape.enum_kind.unwrap_or(EnumKind::String);
    if shape.values.is_empty() {
        // Nothing documented: any value of the wire type.
        return match kind {
            EnumKind::String => Ok(Value::String(raw.to_owned())),
            EnumKind::Integer => parse_int(raw, IntWidth::I64),
        };
    }
    let wanted = raw.trim();
    for v in &shape.values {
        let wire_matches = match (&v.value, kind) {
            (Value::String(s), _) => s == wanted,
            (Value::Number(n), _) => n.to_string() == wanted,
            _ => false,
        };
        if wire_matches {
            return Ok(v.value.clone());
        }
    }
    // Then the variant name (`Enabled`, `enabled`) or a case-insensitive wire string (`ON` for `on`).
    let lower = wanted.to_ascii_lowercase();
    for v in &shape.values {
        let by_name = v.name.eq_ignore_ascii_case(wanted) || v.name.to_kebab_case() == lower;
        let by_wire = matches!(&v.value, Value::String(s) if s.eq_ignore_ascii_case(wanted));
        if by_name || by_wire {
            return Ok(v.value.clone());
        }
    }
    Err(format!("expected one of {}", enum_choices(shape)))
}

/// The documented values of an enum for messages and help: `0 (Disabled), 1 (Enabled)`.
pub fn enum_choices(shape: &Shape) -> String {
    shape
        .values
        .iter()
        .map(|v| format!("{} ({})", wire_text(&v.value), v.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A wire value as typed on the command line: strings without quotes.
pub fn wire_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Short name of a type for value placeholders and messages.
pub fn describe_type(ty: &TypeExpr, shapes: &Shapes) -> String {
    match ty {
        TypeExpr::String => "string".into(),
        TypeExpr::Boolean => "boolean".into(),
        TypeExpr::Integer(IntWidth::I32) => "int32".into(),
        TypeExpr::Integer(IntWidth::I64) => "int64".into(),
        TypeExpr::Integer(IntWidth::U64) => "uint64".into(),
        TypeExpr::Float => "number".into(),
        TypeExpr::Timestamp => "timestamp".into(),
        TypeExpr::Json => "JSON value".into(),
        TypeExpr::List(inner) => format!("list of {}", describe_type(inner, shapes)),
        TypeExpr::Map(inner) => format!("map of {}", describe_type(inner, shapes)),
        TypeExpr::Shape(name) => match shapes.get(name) {
            Some(s) if s.enum_kind.is_some() => format!("{name} enum"),
            _ => format!("{name} structure"),
        },
    }
}

fn at(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" at {path}")
    }
}

/// Checks that `value` is wire JSON of type `ty`; `path` names where it is, for messages. The
/// walk is cloud-spec's ([`cloud_spec::conform`]); this says its first mismatch in the CLI's words.
pub fn check_json(value: &Value, ty: &TypeExpr, shapes: &Shapes, path: &str) -> Result<(), String> {
    let conform = Conform::new(shapes, Rules::REQUEST);
    let mut at_path = Vec::new();
    if !path.is_empty() {
        at_path.push(Segment::Key(path.to_owned()));
    }
    let mut first = None;
    let _ = conform.check_value(ty, value, &mut at_path, &mut |m| {
        first = Some(m);
        ControlFlow::Break(())
    });
    // The walk started inside `path`: look the value up relative to it.
    let root = match path.is_empty() {
        true => value.clone(),
        false => serde_json::json!({ path: value }),
    };
    match first {
        None => Ok(()),
        Some(m) => Err(describe_mismatch(&m, &root, shapes)),
    }
}

/// One mismatch as the CLI says it.
fn describe_mismatch(m: &Mismatch<'_>, root: &Value, shapes: &Shapes) -> String {
    let path = m.dotted_path();
    let got = m.value_in(root).map_or("nothing", json_kind);
    let expected = |what: &str| format!("expected {what}{}, got {got}", at(&path));
    match &m.problem {
        Problem::WrongType(wanted) => match wanted {
            Expected::String => expected("a string"),
            Expected::Boolean => expected("true or false"),
            Expected::Integer(_) => expected("an integer"),
            Expected::Number => expected("a number"),
            Expected::List => expected("a JSON array"),
            Expected::Object => expected("a JSON object"),
            Expected::Structure(name) => expected(&format!("a JSON object ({name})")),
            Expected::Enum(name, _) => match shapes.get(*name) {
                Some(shape) => expected(&format!("one of {}", enum_choices(shape))),
                None => expected(&format!("a value of {name}")),
            },
        },
        Problem::OutOfRange(width) => {
            let (min, max) = conform::int_range(*width);
            let n = m.value_in(root).map(Value::to_string).unwrap_or_default();
            format!(
                "{n}{} is out of range: expected an integer between {min} and {max}",
                at(&path)
            )
        }
        Problem::NotAllowed(shape) => expected(&format!("one of {}", enum_choices(shape))),
        Problem::UnknownMember { known } => {
            let (parent, key) = split_last(&path);
            let known: Vec<&str> = known.keys().map(String::as_str).collect();
            format!(
                "unknown member `{key}`{} (expected one of: {})",
                at(parent),
                known.join(", ")
            )
        }
        Problem::Missing => format!("missing required member `{path}`"),
        Problem::Null { .. } => expected("a value (leave the member out instead of null)"),
        Problem::UnknownShape(name) => format!("the spec refers to an unknown shape `{name}`"),
    }
}

/// `a.b.c` → (`a.b`, `c`).
fn split_last(path: &str) -> (&str, &str) {
    match path.rfind('.') {
        Some(dot) => (&path[..dot], &path[dot + 1..]),
        None => ("", path),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture;
    use serde_json::json;

    fn shapes() -> Shapes {
        fixture::tencent().shapes
    }

    fn ty(t: &str) -> TypeExpr {
        TypeExpr::parse(t).unwrap()
    }

    fn parse(raw: &str, t: &str) -> Result<Value, String> {
        parse_flag_value(raw, &ty(t), &shapes())
    }

    #[test]
    fn scalars() {
        assert_eq!(parse("cmgo-1", "string").unwrap(), json!("cmgo-1"));
        assert_eq!(parse("true", "boolean").unwrap(), json!(true));
        assert_eq!(parse("FALSE", "boolean").unwrap(), json!(false));
        assert_eq!(parse("1", "boolean").unwrap(), json!(true));
        assert!(parse("ture", "boolean")
            .unwrap_err()
            .contains("true or false"));
        assert_eq!(parse("-5", "int32").unwrap(), json!(-5));
        assert_eq!(
            parse("18446744073709551615", "uint64").unwrap(),
            json!(u64::MAX)
        );
        assert_eq!(parse("1.5", "float").unwrap(), json!(1.5));
        assert!(parse("NaN", "float").is_err());
        assert_eq!(
            parse("2023-05-01 12:00:00", "timestamp").unwrap(),
            json!("2023-05-01 12:00:00")
        );
        assert_eq!(parse("{\"a\":1}", "json").unwrap(), json!({"a": 1}));
        assert_eq!(parse("hello", "json").unwrap(), json!("hello"));
    }

    #[test]
    fn integer_ranges_are_checked() {
        let e = parse("2147483648", "int32").unwrap_err();
        assert!(
            e.contains("out of range") && e.contains("2147483647"),
            "{e}"
        );
        assert!(parse("-1", "uint64").unwrap_err().contains("out of range"));
        assert!(parse("12abc", "int64")
            .unwrap_err()
            .contains("expected an integer"));
        assert!(
            check_json(&json!(3_000_000_000u64), &ty("int32"), &shapes(), "Limit")
                .unwrap_err()
                .contains("Limit")
        );
    }

    #[test]
    fn enums_by_wire_value_or_name() {
        assert_eq!(parse("1", "SslStatus").unwrap(), json!(1));
        assert_eq!(parse("enabled", "SslStatus").unwrap(), json!(1));
        assert_eq!(parse("Disabled", "SslStatus").unwrap(), json!(0));
        assert_eq!(parse("ON", "SslMode").unwrap(), json!("ON"));
        assert_eq!(parse("off", "SslMode").unwrap(), json!("OFF"));
        let e = parse("2", "SslStatus").unwrap_err();
        assert_eq!(e, "expected one of 0 (Disabled), 1 (Enabled)");
    }

    #[test]
    fn structures_and_lists_as_json() {
        let filter = parse(r#"{"Name":"zone","Values":["a"]}"#, "Filter").unwrap();
        assert_eq!(filter["Name"], "zone");
        let e = parse(r#"{"Nam":"zone"}"#, "Filter").unwrap_err();
        assert!(e.contains("unknown member `Nam`"), "{e}");
        let e = parse(r#"{"Values":[]}"#, "Filter").unwrap_err();
        assert!(e.contains("missing required member `Name`"), "{e}");
        let e = parse(r#"{"Name":"z","Values":[1]}"#, "Filter").unwrap_err();
        assert!(e.contains("Values[0]"), "{e}");
        assert!(parse("not json", "Filter")
            .unwrap_err()
            .contains("expected JSON"));
        assert_eq!(
            parse(r#"{"k":"v"}"#, "map<string>").unwrap(),
            json!({"k": "v"})
        );

        let items = parse_list_occurrence(r#"["a","b"]"#, &ty("string"), &shapes()).unwrap();
        assert_eq!(items, vec![json!("a"), json!("b")]);
        let items = parse_list_occurrence("443", &ty("int32"), &shapes()).unwrap();
        assert_eq!(items, vec![json!(443)]);
        assert!(parse_list_occurrence("[1, \"x\"]", &ty("int32"), &shapes()).is_err());
    }

    #[test]
    fn json_checks_wire_types_but_lets_new_enum_values_through() {
        let s = shapes();
        assert!(check_json(&json!(7), &ty("SslStatus"), &s, "Status").is_ok());
        assert!(check_json(&json!("7"), &ty("SslStatus"), &s, "Status").is_err());
        assert!(check_json(&json!(null), &ty("string"), &s, "InstanceId")
            .unwrap_err()
            .contains("got null"));
    }
}
