//! Inputs to call an operation with when the docs give none: for the emulator's, the CLI's and the
//! conformance tests, which call every operation of a service.
//!
//! Vendors document an example call for most operations, not all (46 GeminiDB v3 operations have
//! none). [`sample_input`] takes the first documented example's input; without one it builds the
//! smallest input the spec accepts: every required member, from the member's own documented
//! example value when it has one, else a placeholder of its type. The result always passes the
//! generated crates' required-member check, and the emulator's request validation.

use indexmap::IndexMap;
use serde_json::{json, Map, Value};

use crate::{EnumKind, IntWidth, Member, Operation, Service, TypeExpr};

/// Structures nest at most this deep in a synthesized value: a required member whose type
/// refers back to its own structure would otherwise never end.
const MAX_DEPTH: usize = 8;

/// Where an input for a test call comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleSource {
    /// The operation's first documented example.
    Documented,
    /// Built from the members' types: the docs have no example call.
    Synthesized,
}

/// An input to call `operation` with, by wire name, and where it came from.
pub fn sample_input(
    service: &Service,
    operation: &Operation,
) -> (IndexMap<String, Value>, SampleSource) {
    if let Some(example) = operation.examples.first() {
        return (example.input.clone(), SampleSource::Documented);
    }
    (
        required_members(service, &operation.input, 0),
        SampleSource::Synthesized,
    )
}

fn required_members(
    service: &Service,
    members: &IndexMap<String, Member>,
    depth: usize,
) -> IndexMap<String, Value> {
    members
        .iter()
        .filter(|(_, member)| member.required)
        .map(|(name, member)| (name.clone(), member_value(service, member, depth)))
        .collect()
}

fn member_value(service: &Service, member: &Member, depth: usize) -> Value {
    if let Some(example) = &member.example {
        return example.clone();
    }
    type_value(service, &member.ty, member.format.as_deref(), depth)
}

/// The placeholder of a type: the values read as "an example of this type" in a request log.
pub fn type_value(service: &Service, ty: &TypeExpr, format: Option<&str>, depth: usize) -> Value {
    match ty {
        TypeExpr::String => json!("example"),
        TypeExpr::Boolean => json!(false),
        TypeExpr::Integer(IntWidth::I32 | IntWidth::I64 | IntWidth::U64) => json!(1),
        TypeExpr::Float => json!(1.0),
        TypeExpr::Timestamp => json!(timestamp(format)),
        TypeExpr::Json | TypeExpr::Map(_) => Value::Object(Map::new()),
        TypeExpr::List(item) => Value::Array(vec![type_value(service, item, format, depth)]),
        TypeExpr::Shape(name) => {
            let Some(shape) = service.shapes.get(name) else {
                return Value::Null;
            };
            if let Some(kind) = shape.enum_kind {
                return match shape.values.first() {
                    Some(value) => value.value.clone(),
                    None if kind == EnumKind::Integer => json!(0),
                    None => json!(""),
                };
            }
            match (&shape.members, depth < MAX_DEPTH) {
                (Some(members), true) => Value::Object(
                    required_members(service, members, depth + 1)
                        .into_iter()
                        .collect(),
                ),
                _ => Value::Object(Map::new()),
            }
        }
    }
}

/// 2026-01-02 03:04:05 UTC in the member's format (the `strftime` subset the specs use).
fn timestamp(format: Option<&str>) -> String {
    let Some(format) = format else {
        return "2026-01-02T03:04:05Z".to_owned();
    };
    [
        ("%Y", "2026"),
        ("%m", "01"),
        ("%d", "02"),
        ("%H", "03"),
        ("%M", "04"),
        ("%S", "05"),
        ("%z", "+0000"),
        ("%Z", "UTC"),
    ]
    .iter()
    .fold(format.to_owned(), |text, (token, value)| {
        text.replace(token, value)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(yaml_like: Value) -> Service {
        serde_json::from_value(yaml_like).expect("test service")
    }

    fn base() -> Value {
        json!({
            "vendor": "huawei", "name": "demo", "service": "demo", "version": "v3", "title": "Demo",
            "endpoint": {"regional": "demo.{region}.example.com"},
            "operations": {},
            "shapes": {
                "Node": {"members": {
                    "Name": {"type": "string", "required": true},
                    "Child": {"type": "Node", "required": true},
                    "Note": {"type": "string"}
                }},
                "Mode": {"enum": "string", "values": [{"value": "on", "name": "On"}]}
            }
        })
    }

    #[test]
    fn the_documented_example_comes_first() {
        let mut spec = base();
        spec["operations"]["Get"] = json!({
            "docs": "Gets.",
            "input": {"Id": {"type": "string", "required": true}},
            "examples": [{"title": "t", "input": {"Id": "ins-1"}, "output": {}}]
        });
        let service = service(spec);
        let (input, source) = sample_input(&service, &service.operations["Get"]);
        assert_eq!(source, SampleSource::Documented);
        assert_eq!(input["Id"], json!("ins-1"));
    }

    #[test]
    fn without_an_example_every_required_member_gets_a_value_of_its_type() {
        let mut spec = base();
        spec["operations"]["Set"] = json!({
            "docs": "Sets.",
            "input": {
                "Id": {"type": "string", "required": true, "example": "ins-9"},
                "Mode": {"type": "Mode", "required": true},
                "Count": {"type": "int32", "required": true},
                "At": {"type": "timestamp", "required": true, "format": "%Y-%m-%d %H:%M:%S"},
                "Nodes": {"type": "list<Node>", "required": true},
                "Optional": {"type": "string"}
            }
        });
        let service = service(spec);
        let (input, source) = sample_input(&service, &service.operations["Set"]);
        assert_eq!(source, SampleSource::Synthesized);
        assert_eq!(input["Id"], json!("ins-9"));
        assert_eq!(input["Mode"], json!("on"));
        assert_eq!(input["Count"], json!(1));
        assert_eq!(input["At"], json!("2026-01-02 03:04:05"));
        assert!(!input.contains_key("Optional"));
        // A structure that requires itself stops at the depth limit instead of recursing forever.
        let mut node = &input["Nodes"][0];
        let mut depth = 0;
        while let Some(child) = node.get("Child") {
            assert_eq!(node["Name"], json!("example"));
            node = child;
            depth += 1;
        }
        assert_eq!(depth, MAX_DEPTH);
    }
}
