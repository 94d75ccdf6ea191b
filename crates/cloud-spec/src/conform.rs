//! Does this JSON value fit this member type? One walk, used by the spec validator (documented
//! examples and waiter values), the CLI (`--cli-input-json` and JSON flag values) and the
//! emulator (request bodies).
//!
//! Before, each of them had its own copy and the copies disagreed (integer enums, nulls, unknown
//! shapes). The walk reports structured [`Mismatch`]es; each caller turns them into its own words
//! (a located spec error, a usage error, a vendor error code) and decides which ones it stops at.
//!
//! What differs by direction is stated once, in [`Direction`]: requests are what a client sends
//! (exact JSON types, no nulls), responses what a client accepts (a missing value may be null,
//! and Tencent sometimes sends numbers as strings).

use std::ops::ControlFlow;

use indexmap::IndexMap;
use serde_json::{Map, Value};

use crate::{EnumKind, IntWidth, Member, Shape, TypeExpr};

/// Which side of a call a value is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Sent by a client: exact types; a null member is reported ([`Problem::Null`]).
    Request,
    /// Sent by a service: null fits unless the member is required and not nullable; integers
    /// and numbers may arrive as numeric strings.
    Response,
}

/// What the walk checks besides types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// Which side of a call the value is on.
    pub direction: Direction,
    /// Whether an enum value must be one of the documented values (a server checking a request
    /// does; documented examples may show values the enum list lacks).
    pub enum_values: bool,
}

impl Rules {
    /// A request as a server checks it: exact types and documented enum values.
    pub const SERVER_REQUEST: Rules = Rules {
        direction: Direction::Request,
        enum_values: true,
    };
    /// A request as a client builds it: exact types, any value of an enum's type.
    pub const REQUEST: Rules = Rules {
        direction: Direction::Request,
        enum_values: false,
    };
    /// A response as a client accepts it.
    pub const RESPONSE: Rules = Rules {
        direction: Direction::Response,
        enum_values: false,
    };
}

/// One step of the path to a value: an object key or a list index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A member or map key.
    Key(String),
    /// A list index.
    Index(usize),
}

/// The JSON a type wants, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected<'s> {
    /// A string (also timestamps).
    String,
    /// `true` or `false`.
    Boolean,
    /// An integer of this width.
    Integer(IntWidth),
    /// A number.
    Number,
    /// A JSON array.
    List,
    /// A JSON object (a map).
    Object,
    /// A JSON object with the members of this structure shape.
    Structure(&'s str),
    /// A value of this enum shape, of its kind.
    Enum(&'s str, EnumKind),
}

/// What does not fit.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem<'s> {
    /// The value has the wrong JSON type.
    WrongType(Expected<'s>),
    /// An integer outside the range of its width.
    OutOfRange(IntWidth),
    /// An enum value that is not among the documented ones (only with [`Rules::enum_values`]).
    NotAllowed(&'s Shape),
    /// A member the object does not have; `known` are the members it has.
    UnknownMember {
        /// The members of the object.
        known: &'s IndexMap<String, Member>,
    },
    /// A required member is absent; the path names it.
    Missing,
    /// A member is null: in a request always reported (`required` says whether the member is
    /// required), in a response only when the member is required and not nullable.
    Null {
        /// Whether the member is required.
        required: bool,
    },
    /// The spec names a shape it does not define (a spec error, not a value error).
    UnknownShape(String),
}

/// A value that does not fit, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch<'s> {
    /// The path from the value the walk started at.
    pub path: Vec<Segment>,
    /// What is wrong there.
    pub problem: Problem<'s>,
}

impl Mismatch<'_> {
    /// The value the mismatch is about, found in `root` (the value the walk started at).
    pub fn value_in<'v>(&self, root: &'v Value) -> Option<&'v Value> {
        self.path.iter().try_fold(root, |v, segment| match segment {
            Segment::Key(key) => v.get(key.as_str()),
            Segment::Index(i) => v.get(*i),
        })
    }

    /// The path as `a.b[0].c`.
    pub fn dotted_path(&self) -> String {
        let mut out = String::new();
        for segment in &self.path {
            match segment {
                Segment::Key(key) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(key);
                }
                Segment::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }
}

/// Checks values against the types of one service's spec.
#[derive(Debug, Clone, Copy)]
pub struct Conform<'s> {
    shapes: &'s IndexMap<String, Shape>,
    rules: Rules,
}

/// Receives each mismatch; `Break` stops the walk.
pub type Report<'r, 's> = dyn FnMut(Mismatch<'s>) -> ControlFlow<()> + 'r;

impl<'s> Conform<'s> {
    /// A checker over `shapes` (the service's shapes) with `rules`.
    pub fn new(shapes: &'s IndexMap<String, Shape>, rules: Rules) -> Self {
        Conform { shapes, rules }
    }

    /// Every mismatch of `value` against `ty`.
    pub fn value_mismatches(&self, ty: &TypeExpr, value: &Value) -> Vec<Mismatch<'s>> {
        every_mismatch(|report| self.check_value(ty, value, &mut Vec::new(), report))
    }

    /// Every mismatch of `object` against `members`.
    pub fn object_mismatches(
        &self,
        members: &'s IndexMap<String, Member>,
        object: &Map<String, Value>,
    ) -> Vec<Mismatch<'s>> {
        every_mismatch(|report| self.check_object(members, object, &mut Vec::new(), report))
    }

    /// Walks `value` against `ty`, reporting each mismatch; `path` is where `value` is.
    pub fn check_value(
        &self,
        ty: &TypeExpr,
        value: &Value,
        path: &mut Vec<Segment>,
        report: &mut Report<'_, 's>,
    ) -> ControlFlow<()> {
        let response = self.rules.direction == Direction::Response;
        if response && value.is_null() && *ty != TypeExpr::Json {
            return ControlFlow::Continue(());
        }
        let wrong = |expected: Expected<'s>, path: &mut Vec<Segment>| Mismatch {
            path: path.clone(),
            problem: Problem::WrongType(expected),
        };
        match ty {
            TypeExpr::Json => ControlFlow::Continue(()),
            TypeExpr::String | TypeExpr::Timestamp if value.is_string() => {
                ControlFlow::Continue(())
            }
            TypeExpr::String | TypeExpr::Timestamp => report(wrong(Expected::String, path)),
            TypeExpr::Boolean if value.is_boolean() => ControlFlow::Continue(()),
            TypeExpr::Boolean => report(wrong(Expected::Boolean, path)),
            TypeExpr::Integer(width) => {
                let number = match value {
                    Value::Number(n) => Some(n.clone()),
                    Value::String(s) if response => s.trim().parse::<serde_json::Number>().ok(),
                    _ => None,
                };
                let whole = number
                    .as_ref()
                    .and_then(|n| n.as_i64().map(i128::from).or(n.as_u64().map(i128::from)));
                match whole {
                    Some(n) if fits(n, *width) => ControlFlow::Continue(()),
                    Some(_) => report(Mismatch {
                        path: path.clone(),
                        problem: Problem::OutOfRange(*width),
                    }),
                    None => report(wrong(Expected::Integer(*width), path)),
                }
            }
            TypeExpr::Float => {
                let ok = match value {
                    Value::Number(_) => true,
                    Value::String(s) if response => {
                        s.trim().parse::<f64>().is_ok_and(f64::is_finite)
                    }
                    _ => false,
                };
                if ok {
                    ControlFlow::Continue(())
                } else {
                    report(wrong(Expected::Number, path))
                }
            }
            TypeExpr::List(item) => {
                let Some(items) = value.as_array() else {
                    return report(wrong(Expected::List, path));
                };
                for (i, x) in items.iter().enumerate() {
                    path.push(Segment::Index(i));
                    let flow = self.check_value(item, x, path, report);
                    path.pop();
                    flow?;
                }
                ControlFlow::Continue(())
            }
            TypeExpr::Map(item) => {
                let Some(entries) = value.as_object() else {
                    return report(wrong(Expected::Object, path));
                };
                for (key, x) in entries {
                    path.push(Segment::Key(key.clone()));
                    let flow = self.check_value(item, x, path, report);
                    path.pop();
                    flow?;
                }
                ControlFlow::Continue(())
            }
            TypeExpr::Shape(name) => self.check_shape(name, value, path, report),
        }
    }

    fn check_shape(
        &self,
        name: &str,
        value: &Value,
        path: &mut Vec<Segment>,
        report: &mut Report<'_, 's>,
    ) -> ControlFlow<()> {
        let Some((name, shape)) = self.shapes.get_key_value(name) else {
            return report(Mismatch {
                path: path.clone(),
                problem: Problem::UnknownShape(name.to_owned()),
            });
        };
        // A shape that is both or neither is reported where it is defined, by the validator.
        if shape.members.is_some() == shape.enum_kind.is_some() {
            return ControlFlow::Continue(());
        }
        if let Some(members) = &shape.members {
            return match value.as_object() {
                Some(object) => self.check_object(members, object, path, report),
                None => report(Mismatch {
                    path: path.clone(),
                    problem: Problem::WrongType(Expected::Structure(name)),
                }),
            };
        }
        let Some(kind) = shape.enum_kind else {
            // Neither a structure nor an enum: the spec validator reports it where it is defined.
            return ControlFlow::Continue(());
        };
        // Enum values are exact in both directions: a documented value is of the enum's kind.
        let of_kind = match kind {
            EnumKind::String => value.is_string(),
            EnumKind::Integer => value.is_i64() || value.is_u64(),
        };
        if !of_kind {
            return report(Mismatch {
                path: path.clone(),
                problem: Problem::WrongType(Expected::Enum(name, kind)),
            });
        }
        if self.rules.enum_values
            && !shape.values.is_empty()
            && !shape.values.iter().any(|v| v.value == *value)
        {
            return report(Mismatch {
                path: path.clone(),
                problem: Problem::NotAllowed(shape),
            });
        }
        ControlFlow::Continue(())
    }

    /// Walks an object against `members`: unknown names first (a typo is the likeliest mistake),
    /// then absent required members (in a request also null ones), then each value.
    pub fn check_object(
        &self,
        members: &'s IndexMap<String, Member>,
        object: &Map<String, Value>,
        path: &mut Vec<Segment>,
        report: &mut Report<'_, 's>,
    ) -> ControlFlow<()> {
        for key in object.keys().filter(|k| !members.contains_key(k.as_str())) {
            path.push(Segment::Key(key.clone()));
            let flow = report(Mismatch {
                path: path.clone(),
                problem: Problem::UnknownMember { known: members },
            });
            path.pop();
            flow?;
        }
        let request = self.rules.direction == Direction::Request;
        for (name, _) in members.iter().filter(|(_, m)| m.required) {
            // A null in a request is as good as absent: reported here, in member order.
            let problem = match object.get(name.as_str()) {
                None => Problem::Missing,
                Some(Value::Null) if request => Problem::Null { required: true },
                Some(_) => continue,
            };
            path.push(Segment::Key(name.clone()));
            let flow = report(Mismatch {
                path: path.clone(),
                problem,
            });
            path.pop();
            flow?;
        }
        for (key, value) in object {
            let Some(member) = members.get(key.as_str()) else {
                continue;
            };
            path.push(Segment::Key(key.clone()));
            let flow = self.check_member(member, value, path, report);
            path.pop();
            flow?;
        }
        ControlFlow::Continue(())
    }

    fn check_member(
        &self,
        member: &'s Member,
        value: &Value,
        path: &mut Vec<Segment>,
        report: &mut Report<'_, 's>,
    ) -> ControlFlow<()> {
        if value.is_null() {
            let reported = match self.rules.direction {
                // A required member's null was reported with the missing ones.
                Direction::Request => !member.required,
                Direction::Response => member.required && !member.nullable,
            };
            if !reported {
                return ControlFlow::Continue(());
            }
            return report(Mismatch {
                path: path.clone(),
                problem: Problem::Null {
                    required: member.required,
                },
            });
        }
        self.check_value(&member.ty, value, path, report)
    }
}

/// Runs a walk that reports to the end, and collects what it reports.
fn every_mismatch<'s>(
    walk: impl FnOnce(&mut Report<'_, 's>) -> ControlFlow<()>,
) -> Vec<Mismatch<'s>> {
    let mut out = Vec::new();
    let _ = walk(&mut |m| {
        out.push(m);
        ControlFlow::Continue(())
    });
    out
}

/// Whether `n` fits an integer of `width`.
pub fn fits(n: i128, width: IntWidth) -> bool {
    let (min, max) = int_range(width);
    (min..=max).contains(&n)
}

/// The smallest and largest integer of `width`.
pub fn int_range(width: IntWidth) -> (i128, i128) {
    match width {
        IntWidth::I32 => (i32::MIN.into(), i32::MAX.into()),
        IntWidth::I64 => (i64::MIN.into(), i64::MAX.into()),
        IntWidth::U64 => (0, u64::MAX.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn shapes() -> IndexMap<String, Shape> {
        serde_json::from_value(json!({
            "Mode": {"enum": "string", "values": [{"value": "on", "name": "On"}, {"value": "off", "name": "Off"}]},
            "Item": {"members": {
                "Id": {"type": "string", "required": true},
                "Size": {"type": "int32"},
                "Note": {"type": "string", "required": true, "nullable": true}
            }}
        }))
        .unwrap()
    }

    fn problems(rules: Rules, ty: &str, value: Value) -> Vec<(String, String)> {
        let shapes = shapes();
        let ty = TypeExpr::parse(ty).unwrap();
        Conform::new(&shapes, rules)
            .value_mismatches(&ty, &value)
            .into_iter()
            .map(|m| (m.dotted_path(), format!("{:?}", m.problem)))
            .collect()
    }

    #[test]
    fn types_and_ranges() {
        assert!(problems(Rules::REQUEST, "int32", json!(5)).is_empty());
        assert_eq!(
            problems(Rules::REQUEST, "int32", json!(1u64 << 40)),
            [(String::new(), "OutOfRange(I32)".into())]
        );
        assert_eq!(
            problems(Rules::REQUEST, "int32", json!("5"))[0].1,
            "WrongType(Integer(I32))"
        );
        assert!(problems(Rules::RESPONSE, "int32", json!("5")).is_empty());
        assert!(problems(Rules::RESPONSE, "float", json!("2.5")).is_empty());
        assert!(problems(Rules::RESPONSE, "string", Value::Null).is_empty());
        assert_eq!(
            problems(Rules::REQUEST, "list<string>", json!(["a", 1]))[0].0,
            "[1]"
        );
    }

    #[test]
    fn structures_report_unknown_then_missing_then_values() {
        let found = problems(
            Rules::REQUEST,
            "Item",
            json!({"Size": "big", "Colour": 1, "Note": null}),
        );
        let paths: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, ["Colour", "Id", "Note", "Size"]);
        assert!(found[2].1.starts_with("Null"));
        // A nullable required member may be null in a response.
        assert!(problems(Rules::RESPONSE, "Item", json!({"Id": "a", "Note": null})).is_empty());
    }

    #[test]
    fn enum_values_are_checked_only_when_asked() {
        assert!(problems(Rules::REQUEST, "Mode", json!("dim")).is_empty());
        assert!(problems(Rules::SERVER_REQUEST, "Mode", json!("dim"))[0]
            .1
            .starts_with("NotAllowed"));
        assert!(problems(Rules::SERVER_REQUEST, "Mode", json!(1))[0]
            .1
            .starts_with("WrongType(Enum"));
    }

    #[test]
    fn unknown_shapes_are_reported_not_passed() {
        assert!(problems(Rules::REQUEST, "Missing", json!({}))[0]
            .1
            .starts_with("UnknownShape"));
    }
}
