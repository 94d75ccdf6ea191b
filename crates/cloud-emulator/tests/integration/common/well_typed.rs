//! Whether an answer decodes the way the generated crates decode it, checked from the spec
//! alone: the oracle of the spec-driven tests, written apart from the emulator's own code so a
//! mistake in one does not hide a mistake in the other.
//!
//! The rules are the generated code's (see `codegen/src/emit/plan.rs` and
//! `cloud_transport::codec`): a required output member that is not nullable is a plain field,
//! so it must be present and not null; every other member is an `Option`. Numbers may arrive as
//! strings holding them (`codec::from_value` reads them), integers as floats without a fraction;
//! enums keep unknown values but not values of the wrong JSON kind; `json` takes anything.

use cloud_spec::{EnumKind, IntWidth, Member, Service, TypeExpr};
use indexmap::IndexMap;
use serde_json::{Map, Value};

/// Every way `object` fails to decode as `members`, as `path: problem` lines (empty: it decodes).
pub fn problems(
    spec: &Service,
    members: &IndexMap<String, Member>,
    object: &Map<String, Value>,
) -> Vec<String> {
    let mut found = Vec::new();
    check_members(spec, members, object, "", &mut found);
    found
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

fn check_members(
    spec: &Service,
    members: &IndexMap<String, Member>,
    object: &Map<String, Value>,
    prefix: &str,
    found: &mut Vec<String>,
) {
    for (name, member) in members {
        let path = join(prefix, name);
        let ty = &member.ty;
        match object.get(name) {
            None if member.required && !member.nullable => {
                found.push(format!("{path}: required, but absent"));
            }
            Some(Value::Null) if member.required && !member.nullable && *ty != TypeExpr::Json => {
                found.push(format!("{path}: required, but null"));
            }
            None | Some(Value::Null) => {}
            Some(value) => check_value(spec, ty, value, &path, found),
        }
    }
}

fn check_value(spec: &Service, ty: &TypeExpr, value: &Value, path: &str, found: &mut Vec<String>) {
    let ok = match ty {
        TypeExpr::String | TypeExpr::Timestamp => value.is_string(),
        TypeExpr::Boolean => value.is_boolean(),
        TypeExpr::Integer(width) => integer_fits(value, *width),
        TypeExpr::Float => match value {
            Value::Number(_) => true,
            Value::String(text) => text.trim().parse::<f64>().is_ok_and(f64::is_finite),
            _ => false,
        },
        TypeExpr::Json => true,
        TypeExpr::List(item) => match value.as_array() {
            Some(items) => {
                for (i, x) in items.iter().enumerate() {
                    let at = format!("{path}.{i}");
                    if x.is_null() && **item != TypeExpr::Json {
                        found.push(format!("{at}: a list element is null"));
                    } else {
                        check_value(spec, item, x, &at, found);
                    }
                }
                true
            }
            None => false,
        },
        TypeExpr::Map(item) => match value.as_object() {
            Some(entries) => {
                for (k, x) in entries {
                    if !x.is_null() || **item == TypeExpr::Json {
                        check_value(spec, item, x, &join(path, k), found);
                    }
                }
                true
            }
            None => false,
        },
        TypeExpr::Shape(name) => match spec.shapes.get(name.as_str()) {
            None => {
                found.push(format!("{path}: the spec has no shape `{name}`"));
                true
            }
            Some(shape) => match (&shape.members, shape.enum_kind) {
                (Some(members), _) => match value.as_object() {
                    Some(object) => {
                        check_members(spec, members, object, path, found);
                        true
                    }
                    None => false,
                },
                (None, Some(EnumKind::Integer)) => integer_fits(value, IntWidth::I64),
                (None, _) => value.is_string(),
            },
        },
    };
    if !ok {
        found.push(format!("{path}: {value} is not a {}", ty_name(ty)));
    }
}

fn integer_fits(value: &Value, width: IntWidth) -> bool {
    let as_i128 = match value {
        Value::Number(n) => n
            .as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))
            .or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 1e19)
                    .map(|f| f as i128)
            }),
        Value::String(text) => text.trim().parse::<i128>().ok(),
        _ => None,
    };
    as_i128.is_some_and(|n| match width {
        IntWidth::I32 => i32::try_from(n).is_ok(),
        IntWidth::I64 => i64::try_from(n).is_ok(),
        IntWidth::U64 => u64::try_from(n).is_ok(),
    })
}

fn ty_name(ty: &TypeExpr) -> String {
    match ty {
        TypeExpr::String => "string".into(),
        TypeExpr::Timestamp => "timestamp (string)".into(),
        TypeExpr::Boolean => "boolean".into(),
        TypeExpr::Integer(IntWidth::I32) => "int32".into(),
        TypeExpr::Integer(IntWidth::I64) => "int64".into(),
        TypeExpr::Integer(IntWidth::U64) => "uint64".into(),
        TypeExpr::Float => "float".into(),
        TypeExpr::Json => "json".into(),
        TypeExpr::List(_) => "list".into(),
        TypeExpr::Map(_) => "map".into(),
        TypeExpr::Shape(name) => format!("`{name}`"),
    }
}
