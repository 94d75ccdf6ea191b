//! Reading member values: command-line text → wire JSON, and checking JSON against a member type.
//!
//! Flags are strict where a typo is likely (`--enable ture`, `--ssl-option of`, an integer out of
//! range): the message says what was expected. JSON given whole (`--cli-input-json`, structure and
//! list flags) is checked for wire types and member names, but an enum value the docs do not list
//! is let through there: vendors add values before the docs do.

use cloud_spec::{EnumKind, IntWidth, Shape, TypeExpr};
use heck::ToKebabCase;
use indexmap::IndexMap;
use serde_json::{Map, Number, Value};

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

fn int_range(width: IntWidth) -> (i128, i128) {
    match width {
        IntWidth::I32 => (i32::MIN.into(), i32::MAX.into()),
        IntWidth::I64 => (i64::MIN.into(), i64::MAX.into()),
        IntWidth::U64 => (0, u64::MAX.into()),
    }
}

fn parse_int(raw: &str, width: IntWidth) -> Result<Value, String> {
    let (min, max) = int_range(width);
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

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// Checks that `value` is wire JSON of type `ty`; `path` names where it is, for messages.
pub fn check_json(value: &Value, ty: &TypeExpr, shapes: &Shapes, path: &str) -> Result<(), String> {
    let expected = |what: &str| {
        Err(format!(
            "expected {what}{}, got {}",
            at(path),
            json_kind(value)
        ))
    };
    match ty {
        TypeExpr::String | TypeExpr::Timestamp => {
            if value.is_string() {
                Ok(())
            } else {
                expected("a string")
            }
        }
        TypeExpr::Boolean => {
            if value.is_boolean() {
                Ok(())
            } else {
                expected("true or false")
            }
        }
        TypeExpr::Integer(width) => check_int(value, *width, path),
        TypeExpr::Float => {
            if value.is_number() {
                Ok(())
            } else {
                expected("a number")
            }
        }
        TypeExpr::Json => Ok(()),
        TypeExpr::List(inner) => match value {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .try_for_each(|(i, item)| check_json(item, inner, shapes, &format!("{path}[{i}]"))),
            _ => expected("a JSON array"),
        },
        TypeExpr::Map(inner) => match value {
            Value::Object(map) => map
                .iter()
                .try_for_each(|(k, v)| check_json(v, inner, shapes, &join(path, k))),
            _ => expected("a JSON object"),
        },
        TypeExpr::Shape(name) => {
            let Some(shape) = shapes.get(name) else {
                return Err(format!("the spec refers to an unknown shape `{name}`"));
            };
            match (&shape.members, shape.enum_kind) {
                (_, Some(EnumKind::String)) => {
                    if value.is_string() {
                        Ok(())
                    } else {
                        expected(&format!("one of {}", enum_choices(shape)))
                    }
                }
                (_, Some(EnumKind::Integer)) => {
                    if value.is_i64() || value.is_u64() {
                        Ok(())
                    } else {
                        expected(&format!("one of {}", enum_choices(shape)))
                    }
                }
                (Some(members), None) => match value {
                    Value::Object(map) => check_structure(map, members, shapes, path, name),
                    _ => expected(&format!("a JSON object ({name})")),
                },
                (None, None) => Ok(()),
            }
        }
    }
}

fn check_int(value: &Value, width: IntWidth, path: &str) -> Result<(), String> {
    let (min, max) = int_range(width);
    let n: Option<i128> = value
        .as_i64()
        .map(i128::from)
        .or_else(|| value.as_u64().map(i128::from));
    match n {
        Some(n) if n >= min && n <= max => Ok(()),
        Some(n) => Err(format!(
            "{n}{} is out of range: expected an integer between {min} and {max}",
            at(path)
        )),
        None => Err(format!(
            "expected an integer{}, got {}",
            at(path),
            json_kind(value)
        )),
    }
}

/// Checks a JSON object against structure members: no unknown names, required ones present.
pub fn check_structure(
    map: &Map<String, Value>,
    members: &IndexMap<String, cloud_spec::Member>,
    shapes: &Shapes,
    path: &str,
    what: &str,
) -> Result<(), String> {
    for (key, v) in map {
        let Some(member) = members.get(key) else {
            let known: Vec<&str> = members.keys().map(String::as_str).collect();
            return Err(format!(
                "unknown member `{key}`{} in {what} (expected one of: {})",
                at(path),
                known.join(", ")
            ));
        };
        let ty = TypeExpr::parse(&member.ty).map_err(|e| e.to_string())?;
        check_json(v, &ty, shapes, &join(path, key))?;
    }
    for (key, member) in members {
        if member.required && !map.contains_key(key) {
            return Err(format!("missing required member `{}`", join(path, key)));
        }
    }
    Ok(())
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
