//! Answers synthesized from the output members where the docs give no example. (Documented
//! examples need no such care: the spec validator checks them against their members, and every
//! generated crate decodes each of them in its example tests.)
//!
//! The generated crates' rules (codegen's `plan.rs`, `cloud_transport::codec`): an output
//! member that is required and not nullable is a plain field, so it must be present and not
//! null; the others are `Option`s. Numbers may arrive as strings holding them, integers as
//! floats without a fraction; enums keep unknown values of the right JSON kind; `json` takes
//! anything. A documented value the crates read (`"TaskId": "100016"`) is answered as
//! documented, drift included, because the real service sends it so.

use cloud_spec::sample::type_value;
use cloud_spec::{Member, Service, TypeExpr};
use indexmap::IndexMap;
use serde_json::{Map, Value};

/// Structures nest this deep with every member; deeper, with their required members only.
const FULL_DEPTH: usize = 3;
/// No structure nests deeper than this (a structure that requires itself would never end).
const MAX_DEPTH: usize = 8;

/// An answer built from `members` alone: each member's documented example value when it has one
/// that decodes, else a placeholder of its type (`cloud_spec::sample::type_value`); lists hold
/// one element. (An answer about a named instance then shows its id where the spec's
/// `resource.id_outputs` says: `crate::describe`.)
pub(crate) fn synthesize(spec: &Service, members: &IndexMap<String, Member>) -> Map<String, Value> {
    object(spec, members, 0)
}

fn object(spec: &Service, members: &IndexMap<String, Member>, depth: usize) -> Map<String, Value> {
    members
        .iter()
        .filter(|(_, m)| depth < FULL_DEPTH || m.required)
        .map(|(name, m)| (name.clone(), member_value(spec, m, depth)))
        .collect()
}

fn member_value(spec: &Service, m: &Member, depth: usize) -> Value {
    // The spec validator has checked the example against the member's type.
    if let Some(example) = &m.example {
        return example.clone();
    }
    value_of(spec, &m.ty, m.format.as_deref(), depth)
}

fn value_of(spec: &Service, ty: &TypeExpr, format: Option<&str>, depth: usize) -> Value {
    match ty {
        TypeExpr::List(item) => Value::Array(vec![value_of(spec, item, format, depth)]),
        TypeExpr::Map(_) => Value::Object(Map::new()),
        TypeExpr::Shape(name) => match spec.shapes.get(name.as_str()) {
            Some(shape) if shape.enum_kind.is_none() => match &shape.members {
                Some(members) if depth < MAX_DEPTH => {
                    Value::Object(object(spec, members, depth + 1))
                }
                _ => Value::Object(Map::new()),
            },
            _ => type_value(spec, ty, format, depth),
        },
        _ => type_value(spec, ty, format, depth),
    }
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
        let out = synthesize(&spec, members);
        assert_eq!(out["instance_id"], "example");
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
        let mut node = &synthesize(&spec, &looping)["loop"];
        let mut depth = 1;
        while let Some(next) = node.get("next") {
            node = next;
            depth += 1;
        }
        assert_eq!(depth, MAX_DEPTH + 1);
    }
}
