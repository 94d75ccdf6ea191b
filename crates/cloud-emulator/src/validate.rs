//! Request validation against the spec: required members, JSON types, unknown names, enum
//! values; plus turning text parameters (query strings, paths, headers) into typed JSON.

use std::ops::ControlFlow;

use cloud_spec::conform::{Conform, Expected, Mismatch, Problem as Found, Rules, Segment};
use cloud_spec::{EnumKind, IntWidth, Member, Service, TypeExpr};
use indexmap::IndexMap;
use serde_json::{Map, Value};

/// What is wrong with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Problem {
    /// A required member is absent or null (Tencent `MissingParameter`).
    Missing,
    /// A member has the wrong JSON type (Tencent `InvalidParameter`).
    WrongType,
    /// A member the operation does not have (Tencent `UnknownParameter`).
    Unknown,
    /// A value outside the documented enum values (Tencent `InvalidParameterValue`).
    BadValue,
}

impl Problem {
    /// The Tencent common error code.
    pub(crate) fn tencent_code(self) -> &'static str {
        match self {
            Problem::Missing => "MissingParameter",
            Problem::WrongType => "InvalidParameter",
            Problem::Unknown => "UnknownParameter",
            Problem::BadValue => "InvalidParameterValue",
        }
    }
}

/// A validation failure with a message naming the member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Invalid {
    pub problem: Problem,
    pub message: String,
}

impl Invalid {
    pub(crate) fn missing(path: &str) -> Self {
        Invalid {
            problem: Problem::Missing,
            message: format!("the request is missing the required parameter `{path}`"),
        }
    }

    pub(crate) fn unknown(path: &str) -> Self {
        Invalid {
            problem: Problem::Unknown,
            message: format!("the parameter `{path}` is not a parameter of this operation"),
        }
    }

    pub(crate) fn wrong_type(path: &str, expected: &str) -> Self {
        Invalid {
            problem: Problem::WrongType,
            message: format!("the parameter `{path}` must be {expected}"),
        }
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

/// Checks an object against members with cloud-spec's walk ([`cloud_spec::conform`]): unknown
/// names first (a typo is the likeliest mistake), then required members, then each value's type
/// and enum value; the first mismatch becomes the vendor's error. `skip_required` exempts
/// top-level members another layer provides (Huawei auth headers).
pub(crate) fn check_object(
    spec: &Service,
    members: &IndexMap<String, Member>,
    obj: &Map<String, Value>,
    prefix: &str,
    skip_required: &dyn Fn(&str) -> bool,
) -> Result<(), Invalid> {
    let conform = Conform::new(&spec.shapes, Rules::SERVER_REQUEST);
    let mut path: Vec<Segment> = match prefix {
        "" => Vec::new(),
        _ => vec![Segment::Key(prefix.to_owned())],
    };
    let top = path.len() + 1;
    let mut first = None;
    let _ = conform.check_object(members, obj, &mut path, &mut |m| {
        let exempt = || {
            m.path.len() == top
                && matches!(m.path.last(), Some(Segment::Key(name)) if skip_required(name))
        };
        let reported = match &m.problem {
            Found::Missing => !exempt(),
            // Null is absent: an error only for a required member.
            Found::Null { required } => *required && !exempt(),
            // Spec mistakes are the spec validator's business, not a client error.
            Found::UnknownShape(_) => false,
            _ => true,
        };
        if !reported {
            return ControlFlow::Continue(());
        }
        first = Some(invalid(&m, obj));
        ControlFlow::Break(())
    });
    first.map_or(Ok(()), Err)
}

/// A mismatch as the emulator's error: the vendor's problem class and a message naming the
/// member.
fn invalid(m: &Mismatch<'_>, root: &Map<String, Value>) -> Invalid {
    // Tencent names nested parameters as its form does: `Filters.0.Name`.
    let path = m
        .path
        .iter()
        .map(|segment| match segment {
            Segment::Key(key) => key.clone(),
            Segment::Index(i) => i.to_string(),
        })
        .collect::<Vec<_>>()
        .join(".");
    match &m.problem {
        Found::UnknownMember { .. } => Invalid::unknown(&path),
        Found::Missing | Found::Null { .. } => Invalid::missing(&path),
        Found::WrongType(expected) => Invalid::wrong_type(&path, expected_phrase(*expected)),
        Found::OutOfRange(width) => {
            Invalid::wrong_type(&path, expected_phrase(Expected::Integer(*width)))
        }
        Found::NotAllowed(shape) => {
            let root = Value::Object(root.clone());
            let value = m.value_in(&root).cloned().unwrap_or(Value::Null);
            let allowed: Vec<String> = shape.values.iter().map(|ev| ev.value.to_string()).collect();
            Invalid {
                problem: Problem::BadValue,
                message: format!(
                    "the value {value} of `{path}` is not one of {}",
                    allowed.join(", ")
                ),
            }
        }
        Found::UnknownShape(_) => Invalid::wrong_type(&path, "a value the spec describes"),
    }
}

fn type_phrase(ty: &TypeExpr) -> &'static str {
    match ty {
        TypeExpr::String | TypeExpr::Timestamp => "a string",
        TypeExpr::Boolean => "a boolean",
        TypeExpr::Integer(width) => expected_phrase(Expected::Integer(*width)),
        TypeExpr::Float => "a number",
        TypeExpr::Json => "JSON",
        TypeExpr::List(_) => "a list",
        TypeExpr::Map(_) | TypeExpr::Shape(_) => "an object",
    }
}

fn expected_phrase(expected: Expected<'_>) -> &'static str {
    match expected {
        Expected::String => "a string",
        Expected::Boolean => "a boolean",
        Expected::Integer(IntWidth::I32) => "a 32-bit integer",
        Expected::Integer(IntWidth::I64) => "a 64-bit integer",
        Expected::Integer(IntWidth::U64) => "an unsigned 64-bit integer",
        Expected::Number => "a number",
        Expected::List => "a list",
        Expected::Object | Expected::Structure(_) => "an object",
        Expected::Enum(_, EnumKind::String) => "a string",
        Expected::Enum(_, EnumKind::Integer) => "an integer",
    }
}

/// Converts a text parameter (query, path, header) to the JSON value of its member type.
pub(crate) fn coerce_text(
    spec: &Service,
    ty: &TypeExpr,
    text: &str,
    path: &str,
) -> Result<Value, Invalid> {
    let bad = || Invalid::wrong_type(path, type_phrase(ty));
    match ty {
        TypeExpr::String | TypeExpr::Timestamp => Ok(Value::String(text.to_owned())),
        TypeExpr::Boolean => match text.to_ascii_lowercase().as_str() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(bad()),
        },
        TypeExpr::Integer(IntWidth::U64) => text.parse::<u64>().map(Value::from).map_err(|_| bad()),
        TypeExpr::Integer(_) => text.parse::<i64>().map(Value::from).map_err(|_| bad()),
        TypeExpr::Float => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .ok_or_else(bad),
        TypeExpr::Json => {
            Ok(serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned())))
        }
        TypeExpr::Shape(name) => match spec.shapes.get(name.as_str()) {
            Some(shape) if shape.members.is_none() => {
                match shape.enum_kind.unwrap_or(EnumKind::String) {
                    EnumKind::String => Ok(Value::String(text.to_owned())),
                    EnumKind::Integer => text
                        .parse::<i64>()
                        .map(Value::from)
                        .map_err(|_| Invalid::wrong_type(path, "an integer")),
                }
            }
            Some(_) => Err(Invalid::wrong_type(path, "an object")),
            None => Ok(Value::String(text.to_owned())),
        },
        TypeExpr::List(_) | TypeExpr::Map(_) => Err(bad()),
    }
}

/// A parsed form parameter tree: `Filters.0.Name=x` nests under `Filters` → `0` → `Name`.
enum Node {
    Leaf(String),
    Branch(IndexMap<String, Node>),
}

/// Tencent's GET form (`InstanceId=x&Filters.0.Name=y`) as the JSON object the POST form would
/// carry, typed by the members. Names the spec does not know are kept as strings so validation
/// reports them as unknown.
pub(crate) fn form_to_json(
    spec: &Service,
    members: &IndexMap<String, Member>,
    pairs: &[(String, String)],
) -> Result<Map<String, Value>, Invalid> {
    let mut root: IndexMap<String, Node> = IndexMap::new();
    for (key, value) in pairs {
        insert(&mut root, key, value)?;
    }
    let mut out = Map::new();
    for (name, node) in root {
        let value = match members.get(&name) {
            Some(m) => typed(spec, &m.ty, node, &name)?,
            None => raw(node),
        };
        out.insert(name, value);
    }
    Ok(out)
}

fn insert(root: &mut IndexMap<String, Node>, key: &str, value: &str) -> Result<(), Invalid> {
    let twice = || Invalid::wrong_type(key, "given once, either as a value or as a structure");
    let mut parts = key.split('.').peekable();
    let mut level = root;
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            if level.contains_key(part) {
                return Err(twice());
            }
            level.insert(part.to_owned(), Node::Leaf(value.to_owned()));
            return Ok(());
        }
        let node = level
            .entry(part.to_owned())
            .or_insert_with(|| Node::Branch(IndexMap::new()));
        level = match node {
            Node::Branch(children) => children,
            Node::Leaf(_) => return Err(twice()),
        };
    }
    Ok(())
}

fn raw(node: Node) -> Value {
    match node {
        Node::Leaf(s) => Value::String(s),
        Node::Branch(children) => {
            Value::Object(children.into_iter().map(|(k, n)| (k, raw(n))).collect())
        }
    }
}

fn typed(spec: &Service, ty: &TypeExpr, node: Node, path: &str) -> Result<Value, Invalid> {
    match (ty, node) {
        (TypeExpr::List(item), Node::Branch(children)) => {
            let mut indexed = Vec::with_capacity(children.len());
            for (k, child) in children {
                let i: usize = k
                    .parse()
                    .map_err(|_| Invalid::wrong_type(path, "a list (`Name.0`, `Name.1`, ...)"))?;
                indexed.push((i, typed(spec, item, child, &format!("{path}.{k}"))?));
            }
            indexed.sort_by_key(|(i, _)| *i);
            Ok(Value::Array(indexed.into_iter().map(|(_, v)| v).collect()))
        }
        (TypeExpr::Map(item), Node::Branch(children)) => {
            let mut out = Map::new();
            for (k, child) in children {
                let v = typed(spec, item, child, &join(path, &k))?;
                out.insert(k, v);
            }
            Ok(Value::Object(out))
        }
        (TypeExpr::Shape(name), Node::Branch(children)) => {
            let Some(members) = spec
                .shapes
                .get(name.as_str())
                .and_then(|s| s.members.as_ref())
            else {
                return Err(Invalid::wrong_type(path, "a single value"));
            };
            let mut out = Map::new();
            for (k, child) in children {
                let v = match members.get(&k) {
                    Some(m) => typed(spec, &m.ty, child, &join(path, &k))?,
                    None => raw(child),
                };
                out.insert(k, v);
            }
            Ok(Value::Object(out))
        }
        (TypeExpr::Json, node) => Ok(match node {
            Node::Leaf(s) => serde_json::from_str(&s).unwrap_or(Value::String(s)),
            branch => raw(branch),
        }),
        (ty, Node::Leaf(text)) => coerce_text(spec, ty, &text, path),
        (ty, Node::Branch(_)) => Err(Invalid::wrong_type(path, type_phrase(ty))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn service() -> Service {
        serde_json::from_value(json!({
            "vendor": "tencent", "name": "t", "service": "t", "title": "T", "version": "1",
            "endpoint": {"regional": "t.{region}.example"},
            "operations": {"Op": {"docs": "d", "input": {
                "InstanceId": {"type": "string", "required": true},
                "Enable": {"type": "boolean"},
                "Limit": {"type": "int32"},
                "Filters": {"type": "list<Filter>"},
                "Mode": {"type": "Mode"}
            }}},
            "shapes": {
                "Filter": {"members": {"Name": {"type": "string", "required": true}, "Values": {"type": "list<string>"}}},
                "Mode": {"enum": "integer", "values": [{"value": 0, "name": "Off"}, {"value": 1, "name": "On"}]}
            }
        }))
        .unwrap()
    }

    fn check(v: Value) -> Result<(), Invalid> {
        let s = service();
        let members = &s.operations["Op"].input;
        check_object(&s, members, v.as_object().unwrap(), "", &|_| false)
    }

    #[test]
    fn json_bodies() {
        assert_eq!(
            check(json!({"InstanceId": "i", "Enable": true, "Limit": 3})),
            Ok(())
        );
        assert_eq!(
            check(json!({"Enable": true})).unwrap_err().problem,
            Problem::Missing
        );
        assert_eq!(
            check(json!({"InstanceId": null})).unwrap_err().problem,
            Problem::Missing
        );
        assert_eq!(
            check(json!({"InstanceId": 5})).unwrap_err().problem,
            Problem::WrongType
        );
        assert_eq!(
            check(json!({"InstanceId": "i", "Enable": "true"}))
                .unwrap_err()
                .problem,
            Problem::WrongType
        );
        assert_eq!(
            check(json!({"InstanceId": "i", "Limit": 5_000_000_000u64}))
                .unwrap_err()
                .problem,
            Problem::WrongType
        );
        let e = check(json!({"InstanceId": "i", "InstanceID": "i"})).unwrap_err();
        assert_eq!(e.problem, Problem::Unknown);
        assert!(e.message.contains("`InstanceID`"));
        let e = check(json!({"InstanceId": "i", "Filters": [{"Values": ["a"]}]})).unwrap_err();
        assert_eq!(e, Invalid::missing("Filters.0.Name"));
        assert_eq!(
            check(json!({"InstanceId": "i", "Mode": 2}))
                .unwrap_err()
                .problem,
            Problem::BadValue
        );
        assert_eq!(check(json!({"InstanceId": "i", "Mode": 1})), Ok(()));
    }

    #[test]
    fn forms() {
        let s = service();
        let members = &s.operations["Op"].input;
        let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
            list.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let obj = form_to_json(
            &s,
            members,
            &pairs(&[
                ("InstanceId", "i"),
                ("Enable", "true"),
                ("Filters.1.Name", "b"),
                ("Filters.0.Name", "a"),
                ("Filters.0.Values.0", "x"),
            ]),
        )
        .unwrap();
        assert_eq!(
            Value::Object(obj),
            json!({"InstanceId": "i", "Enable": true, "Filters": [{"Name": "a", "Values": ["x"]}, {"Name": "b"}]})
        );
        assert_eq!(
            form_to_json(&s, members, &pairs(&[("Enable", "yes")]))
                .unwrap_err()
                .problem,
            Problem::WrongType
        );
        assert!(form_to_json(
            &s,
            members,
            &pairs(&[("Enable", "true"), ("Enable.x", "1")])
        )
        .is_err());
        let unknown = form_to_json(&s, members, &pairs(&[("Other", "1")])).unwrap();
        assert_eq!(unknown["Other"], json!("1"));
    }
}
