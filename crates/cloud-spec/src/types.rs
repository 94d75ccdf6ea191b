//! Member type expressions (`list<SslInfo>`, `int64`, ...), parsed.
//!
//! A spec writes a member's type as text; the model holds it parsed
//! ([`Member::ty`](crate::Member::ty)), read and written as the same text, so a malformed type is
//! an error when the spec is loaded and every reader works with the parsed value.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A parsed member type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeExpr {
    /// `string`
    String,
    /// `boolean`
    Boolean,
    /// `int32`, `int64`, `uint64`
    Integer(IntWidth),
    /// `float` (64-bit)
    Float,
    /// `timestamp`: text on the wire, in the member's `format`.
    Timestamp,
    /// `json`: any JSON value, kept as is.
    Json,
    /// `list<T>`
    List(Box<TypeExpr>),
    /// `map<T>`: an object with string keys.
    Map(Box<TypeExpr>),
    /// The name of a shape (structure or enum).
    Shape(String),
}

/// Integer widths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntWidth {
    /// `int32`
    I32,
    /// `int64`
    I64,
    /// `uint64`
    U64,
}

/// A type expression that does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeExprError {
    /// The text that was given.
    pub text: String,
    /// What is wrong with it.
    pub reason: String,
}

impl fmt::Display for TypeExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid type `{}`: {}", self.text, self.reason)
    }
}

impl std::error::Error for TypeExprError {}

impl TypeExpr {
    /// Parses a type expression. Shape names must be identifiers (`[A-Za-z][A-Za-z0-9_]*`);
    /// whether they exist is checked by the spec validator, not here.
    pub fn parse(text: &str) -> Result<TypeExpr, TypeExprError> {
        let err = |reason: &str| TypeExprError {
            text: text.to_owned(),
            reason: reason.to_owned(),
        };
        let t = text.trim();
        if let Some(inner) = generic_arg(t, "list") {
            return Ok(TypeExpr::List(Box::new(
                TypeExpr::parse(inner).map_err(|e| err(&e.reason))?,
            )));
        }
        if let Some(inner) = generic_arg(t, "map") {
            return Ok(TypeExpr::Map(Box::new(
                TypeExpr::parse(inner).map_err(|e| err(&e.reason))?,
            )));
        }
        Ok(match t {
            "string" => TypeExpr::String,
            "boolean" => TypeExpr::Boolean,
            "int32" => TypeExpr::Integer(IntWidth::I32),
            "int64" => TypeExpr::Integer(IntWidth::I64),
            "uint64" => TypeExpr::Integer(IntWidth::U64),
            "float" => TypeExpr::Float,
            "timestamp" => TypeExpr::Timestamp,
            "json" => TypeExpr::Json,
            "" => return Err(err("empty type")),
            name => {
                let mut chars = name.chars();
                let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
                if !first_ok || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    return Err(err(
                        "expected string, boolean, int32, int64, uint64, float, timestamp, json, \
                         list<T>, map<T> or a shape name",
                    ));
                }
                if name.chars().next().is_some_and(|c| c.is_ascii_lowercase()) {
                    return Err(err("shape names start with an upper-case letter"));
                }
                TypeExpr::Shape(name.to_owned())
            }
        })
    }

    /// The shape this type refers to, looking through lists and maps.
    pub fn shape_name(&self) -> Option<&str> {
        match self {
            TypeExpr::Shape(n) => Some(n),
            TypeExpr::List(t) | TypeExpr::Map(t) => t.shape_name(),
            _ => None,
        }
    }
}

impl Serialize for TypeExpr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TypeExpr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        TypeExpr::parse(&text).map_err(serde::de::Error::custom)
    }
}

fn generic_arg<'a>(t: &'a str, name: &str) -> Option<&'a str> {
    t.strip_prefix(name)?
        .trim_start()
        .strip_prefix('<')?
        .strip_suffix('>')
}

impl fmt::Display for TypeExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeExpr::String => f.write_str("string"),
            TypeExpr::Boolean => f.write_str("boolean"),
            TypeExpr::Integer(IntWidth::I32) => f.write_str("int32"),
            TypeExpr::Integer(IntWidth::I64) => f.write_str("int64"),
            TypeExpr::Integer(IntWidth::U64) => f.write_str("uint64"),
            TypeExpr::Float => f.write_str("float"),
            TypeExpr::Timestamp => f.write_str("timestamp"),
            TypeExpr::Json => f.write_str("json"),
            TypeExpr::List(t) => write!(f, "list<{t}>"),
            TypeExpr::Map(t) => write!(f, "map<{t}>"),
            TypeExpr::Shape(n) => f.write_str(n),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_generics() {
        assert_eq!(
            TypeExpr::parse("list<map<SslInfo>>").unwrap(),
            TypeExpr::List(Box::new(TypeExpr::Map(Box::new(TypeExpr::Shape(
                "SslInfo".into()
            )))))
        );
        assert_eq!(
            TypeExpr::parse("list<int32>").unwrap().to_string(),
            "list<int32>"
        );
    }

    #[test]
    fn rejects_bad_expressions() {
        for bad in [
            "",
            "list<>",
            "integer",
            "Ssl-Info",
            "list<string",
            "9Abc",
            "lowercase",
        ] {
            assert!(TypeExpr::parse(bad).is_err(), "{bad} should not parse");
        }
    }
}
