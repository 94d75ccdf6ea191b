//! Well-typed answers: synthesized from the output members where the docs give no example, and
//! repaired where a documented example does not fit its own spec, so that every answer the
//! emulator sends decodes the way the generated crates decode it.
//!
//! The generated crates' rules (codegen's `plan.rs`, `cloud_transport::codec`): an output
//! member that is required and not nullable is a plain field, so it must be present and not
//! null; the others are `Option`s. Numbers may arrive as strings holding them, integers as
//! floats without a fraction; enums keep unknown values of the right JSON kind; `json` takes
//! anything. A documented value the crates read (`"TaskId": "100016"`) is answered as
//! documented, drift included, because the real service sends it so.

use cloud_spec::sample::type_value;
use cloud_spec::{EnumKind, IntWidth, Member, Service, TypeExpr};
use indexmap::IndexMap;
use serde_json::{Map, Value};

use crate::catalog::names_an_instance;
use crate::validate::member_type;

/// Structures nest this deep with every member; deeper, with their required members only.
const FULL_DEPTH: usize = 3;
/// No structure nests deeper than this (a structure that requires itself would never end).
const MAX_DEPTH: usize = 8;

/// An answer built from `members` alone: each member's documented example value when it has one
/// that decodes, else a placeholder of its type (`cloud_spec::sample::type_value`); lists hold
/// one element. With `instance`, string members named like an instance id (`InstanceId`,
/// `instance_id`) hold it, at any depth.
pub(crate) fn synthesize(
    spec: &Service,
    members: &IndexMap<String, Member>,
    instance: Option<&str>,
) -> Map<String, Value> {
    object(spec, members, instance, 0)
}

/// Makes `output` (an answer taken from a documented example) decode as `members`: a required
/// member the example lacks or leaves null is synthesized, and a value that does not decode is
/// replaced by a synthesized one, at any depth. Returns the paths repaired.
pub(crate) fn conform(
    spec: &Service,
    members: &IndexMap<String, Member>,
    output: &mut Map<String, Value>,
    instance: Option<&str>,
) -> Vec<String> {
    let mut repaired = Vec::new();
    conform_members(spec, members, output, instance, 0, "", &mut repaired);
    repaired
}

fn object(
    spec: &Service,
    members: &IndexMap<String, Member>,
    instance: Option<&str>,
    depth: usize,
) -> Map<String, Value> {
    members
        .iter()
        .filter(|(_, m)| depth < FULL_DEPTH || m.required)
        .map(|(name, m)| (name.clone(), member_value(spec, name, m, instance, depth)))
        .collect()
}

fn member_value(
    spec: &Service,
    name: &str,
    m: &Member,
    instance: Option<&str>,
    depth: usize,
) -> Value {
    let ty = member_type(m);
    if let (Some(id), TypeExpr::String) = (instance, &ty) {
        if names_an_instance(name) {
            return Value::String(id.to_owned());
        }
    }
    if let Some(example) = m.example.as_ref().filter(|e| decodes(spec, &ty, e)) {
        return example.clone();
    }
    value_of(spec, &ty, m.format.as_deref(), instance, depth)
}

fn value_of(
    spec: &Service,
    ty: &TypeExpr,
    format: Option<&str>,
    instance: Option<&str>,
    depth: usize,
) -> Value {
    match ty {
        TypeExpr::List(item) => Value::Array(vec![value_of(spec, item, format, instance, depth)]),
        TypeExpr::Map(_) => Value::Object(Map::new()),
        TypeExpr::Shape(name) => match spec.shapes.get(name.as_str()) {
            Some(shape) if shape.enum_kind.is_none() => match &shape.members {
                Some(members) if depth < MAX_DEPTH => {
                    Value::Object(object(spec, members, instance, depth + 1))
                }
                _ => Value::Object(Map::new()),
            },
            _ => type_value(spec, ty, format, depth),
        },
        _ => type_value(spec, ty, format, depth),
    }
}

/// Whether `value` decodes as `ty`, as the generated crates read it.
fn decodes(spec: &Service, ty: &TypeExpr, value: &Value) -> bool {
    let mut copy = value.clone();
    let mut repaired = Vec::new();
    conform_value(spec, ty, None, &mut copy, None, 0, "", &mut repaired) && repaired.is_empty()
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

fn conform_members(
    spec: &Service,
    members: &IndexMap<String, Member>,
    output: &mut Map<String, Value>,
    instance: Option<&str>,
    depth: usize,
    prefix: &str,
    repaired: &mut Vec<String>,
) {
    for (name, m) in members {
        let ty = member_type(m);
        let path = join(prefix, name);
        let fits = match output.get_mut(name) {
            None | Some(Value::Null) => !m.required || m.nullable || ty == TypeExpr::Json,
            Some(value) => conform_value(
                spec,
                &ty,
                m.format.as_deref(),
                value,
                instance,
                depth,
                &path,
                repaired,
            ),
        };
        if !fits {
            output.insert(name.clone(), member_value(spec, name, m, instance, depth));
            repaired.push(path);
        }
    }
}

/// Repairs what is inside `value` where it can; `false` when `value` itself is of the wrong
/// kind and must be replaced as a whole.
#[allow(clippy::too_many_arguments)]
fn conform_value(
    spec: &Service,
    ty: &TypeExpr,
    format: Option<&str>,
    value: &mut Value,
    instance: Option<&str>,
    depth: usize,
    path: &str,
    repaired: &mut Vec<String>,
) -> bool {
    match ty {
        TypeExpr::List(item) | TypeExpr::Map(item) => {
            let elements: Vec<(String, &mut Value)> = match (ty, value) {
                (TypeExpr::List(_), Value::Array(items)) => items
                    .iter_mut()
                    .enumerate()
                    .map(|(i, v)| (i.to_string(), v))
                    .collect(),
                (TypeExpr::Map(_), Value::Object(entries)) => {
                    entries.iter_mut().map(|(k, v)| (k.clone(), v)).collect()
                }
                _ => return false,
            };
            for (key, element) in elements {
                let at = join(path, &key);
                let fits = if element.is_null() {
                    **item == TypeExpr::Json
                } else {
                    conform_value(spec, item, format, element, instance, depth, &at, repaired)
                };
                if !fits {
                    *element = value_of(spec, item, format, instance, depth);
                    repaired.push(at);
                }
            }
            true
        }
        TypeExpr::Shape(name) => match spec.shapes.get(name.as_str()) {
            // A dangling reference is the spec validator's business; anything goes.
            None => true,
            Some(shape) => match (&shape.members, shape.enum_kind) {
                (Some(members), _) => match value {
                    Value::Object(object) => {
                        conform_members(spec, members, object, instance, depth + 1, path, repaired);
                        true
                    }
                    _ => false,
                },
                (None, Some(EnumKind::Integer)) => integer_fits(value, IntWidth::I64),
                (None, _) => value.is_string(),
            },
        },
        TypeExpr::String | TypeExpr::Timestamp => value.is_string(),
        TypeExpr::Boolean => value.is_boolean(),
        TypeExpr::Integer(width) => integer_fits(value, *width),
        TypeExpr::Float => match value {
            Value::Number(_) => true,
            Value::String(text) => text.trim().parse::<f64>().is_ok_and(f64::is_finite),
            _ => false,
        },
        TypeExpr::Json => true,
    }
}

/// Whether the generated crates read `value` as an integer of `width`: a number in range, a
/// float without a fraction, or a string holding one.
fn integer_fits(value: &Value, width: IntWidth) -> bool {
    let n: Option<i128> = match value {
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
    n.is_some_and(|n| match width {
        IntWidth::I32 => i32::try_from(n).is_ok(),
        IntWidth::I64 => i64::try_from(n).is_ok(),
        IntWidth::U64 => u64::try_from(n).is_ok(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn service() -> Service {
        serde_json::from_value(json!({
            "vendor": "huawei", "name": "w", "service": "w", "title": "W", "version": "v3",
            "endpoint": {"regional": "w.{region}.example"},
            "operations": {"Op": {"docs": "d", "output": {
                "instance_id": {"type": "string", "required": true},
                "count": {"type": "int32", "required": true},
                "size": {"type": "int64", "example": 7},
                "mode": {"type": "Mode"},
                "at": {"type": "timestamp", "format": "%Y-%m-%d %H:%M:%S"},
                "nodes": {"type": "list<Node>", "required": true},
                "note": {"type": "string", "nullable": true, "required": true},
                "extra": {"type": "json", "required": true}
            }}},
            "shapes": {
                "Node": {"members": {
                    "name": {"type": "string", "required": true},
                    "child": {"type": "Node"},
                    "tags": {"type": "map<string>"}
                }},
                "Loop": {"members": {"next": {"type": "Loop", "required": true}}},
                "Mode": {"enum": "integer", "values": [{"value": 2, "name": "Two"}]}
            }
        }))
        .unwrap()
    }

    #[test]
    fn synthesized_answers_have_every_member_with_a_value_of_its_type() {
        let spec = service();
        let members = &spec.operations["Op"].output;
        let out = synthesize(&spec, members, Some("ins-1"));
        assert_eq!(out["instance_id"], "ins-1");
        assert_eq!(out["count"], 1);
        assert_eq!(out["size"], 7, "the member's example");
        assert_eq!(out["mode"], 2, "the enum's first value");
        assert_eq!(out["at"], "2026-01-02 03:04:05");
        assert_eq!(out["nodes"].as_array().unwrap().len(), 1);
        // Optional members stop after a few levels.
        assert_eq!(out["nodes"][0]["child"]["child"]["name"], "example");
        assert!(out["nodes"][0]["child"]["child"].get("child").is_none());
        // A structure that requires itself stops at the depth limit.
        let looping = IndexMap::from([(
            "loop".to_owned(),
            serde_json::from_value::<Member>(json!({"type": "Loop", "required": true})).unwrap(),
        )]);
        let mut node = &synthesize(&spec, &looping, None)["loop"];
        let mut depth = 1;
        while let Some(next) = node.get("next") {
            node = next;
            depth += 1;
        }
        assert_eq!(depth, MAX_DEPTH + 1);
        let mut copy = out.clone();
        assert_eq!(
            conform(&spec, members, &mut copy, None),
            Vec::<String>::new()
        );
        assert_eq!(copy, out, "a synthesized answer needs no repair");
    }

    #[test]
    fn documented_values_are_kept_when_they_decode_and_repaired_otherwise() {
        let spec = service();
        let members = &spec.operations["Op"].output;
        let mut out = json!({
            "instance_id": "ins-9",
            "count": "12",
            "size": 3.0,
            "mode": 9,
            "nodes": [{"name": "a", "child": {"name": "b", "child": {"child": {}}}}, null],
            "note": null,
            "extra": null,
            "undocumented": true
        })
        .as_object()
        .unwrap()
        .clone();
        let mut repaired = conform(&spec, members, &mut out, None);
        repaired.sort();
        assert_eq!(
            repaired,
            [
                "nodes.0.child.child.child.name",
                "nodes.0.child.child.name",
                "nodes.1"
            ]
        );
        assert_eq!(out["count"], "12", "a number as a string decodes");
        assert_eq!(out["size"], 3.0, "a float without a fraction decodes");
        assert_eq!(out["mode"], 9, "an unknown enum value decodes");
        assert_eq!(out["undocumented"], true, "unknown members are left alone");
        assert_eq!(out["nodes"][1]["name"], "example");

        let mut wrong =
            json!({"instance_id": 5, "count": "many", "nodes": {}, "note": 1, "extra": 1})
                .as_object()
                .unwrap()
                .clone();
        let mut repaired = conform(&spec, members, &mut wrong, Some("ins-2"));
        repaired.sort();
        assert_eq!(repaired, ["count", "instance_id", "nodes", "note"]);
        assert_eq!(wrong["instance_id"], "ins-2");
        assert_eq!(wrong["count"], 1);
    }
}
