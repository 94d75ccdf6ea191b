//! `--generate-cli-skeleton`: an input JSON with every member of an operation, for
//! `--cli-input-json`.
//!
//! Each member gets a placeholder of its type that the CLI's own checks accept (`""`, `0`,
//! `false`, an enum's first documented value, a structure with all its members), so the
//! skeleton fed back unchanged validates; users replace the placeholders they need and delete
//! the rest. Members the transport provides (authentication headers) are left out.

use cloud_spec::{EnumKind, Operation, TypeExpr};
use serde_json::{Map, Value};

use crate::command;
use crate::values::Shapes;

/// How deep structures nest in a skeleton; a recursive shape ends in `{}` there.
const MAX_DEPTH: usize = 8;

/// The skeleton of `op`'s input, members in spec order.
pub fn of(op: &Operation, shapes: &Shapes) -> Result<Value, String> {
    let mut input = Map::new();
    for p in command::params(op) {
        input.insert(p.wire.to_owned(), placeholder(p.ty, shapes, 0));
    }
    Ok(Value::Object(input))
}

fn placeholder(ty: &TypeExpr, shapes: &Shapes, depth: usize) -> Value {
    match ty {
        TypeExpr::String | TypeExpr::Timestamp => Value::String(String::new()),
        TypeExpr::Boolean => Value::Bool(false),
        TypeExpr::Integer(_) => Value::from(0),
        TypeExpr::Float => Value::from(0.0),
        TypeExpr::Json | TypeExpr::Map(_) => Value::Object(Map::new()),
        TypeExpr::List(inner) => Value::Array(vec![placeholder(inner, shapes, depth)]),
        TypeExpr::Shape(name) => {
            let Some(shape) = shapes.get(name) else {
                return Value::Object(Map::new());
            };
            if let Some(kind) = shape.enum_kind {
                return match (shape.values.first(), kind) {
                    (Some(first), _) => first.value.clone(),
                    (None, EnumKind::String) => Value::String(String::new()),
                    (None, EnumKind::Integer) => Value::from(0),
                };
            }
            let mut map = Map::new();
            if depth < MAX_DEPTH {
                for (wire, member) in shape.members.iter().flatten() {
                    map.insert(wire.clone(), placeholder(&member.ty, shapes, depth + 1));
                }
            }
            Value::Object(map)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture;

    #[test]
    fn every_bundled_skeleton_validates_as_input() {
        for service in cloud_spec::bundle::services() {
            for (name, op) in &service.operations {
                let skeleton = of(op, &service.shapes).unwrap();
                let text = skeleton.to_string();
                crate::input::from_cli_input_json(&text, op, &service.shapes)
                    .unwrap_or_else(|e| panic!("{} {name}: {e}\n{text}", service.crate_name()));
            }
        }
    }

    #[test]
    fn every_member_is_there() {
        let service = fixture::tencent();
        let op = &service.operations["DescribeEverything"];
        let skeleton = of(op, &service.shapes).unwrap();
        let keys: Vec<&String> = skeleton.as_object().unwrap().keys().collect();
        let expected: Vec<&String> = op.input.keys().collect();
        assert_eq!(keys, expected);
    }
}
