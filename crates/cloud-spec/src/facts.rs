//! What the description facts ([`crate::call`], [`crate::pages`], [`crate::waits`],
//! [`crate::resource`]) share: a status value as the transport compares it ([`ScalarFact`]) and
//! the typed error of a spec whose lifecycle keys cannot become a description
//! ([`FactsError`]).
//!
//! Each facts function decides everything about one description (which members, which paths,
//! which conditions) once; the generator spells the facts as a generated crate's `const`s and
//! `cloud_spec::transport` builds the same runtime values from them, so neither decides again.

use std::fmt;

use serde_json::Value;

use crate::{Operation, Service};

/// A value a status or a condition is compared with: a string, an integer or a boolean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarFact<'s> {
    /// A string.
    Str(&'s str),
    /// An integer that fits `i64`.
    Int(i64),
    /// A boolean.
    Bool(bool),
}

/// A spec whose lifecycle keys cannot become a description. The spec validator rejects such
/// specs; this is what a spec that was not validated (a test fixture, a hand-built service)
/// gets instead of a wrong description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactsError {
    /// Where in the spec: `tasks.async.running[0]`.
    pub path: String,
    /// What is wrong there.
    pub problem: FactsProblem,
}

/// What is wrong with a lifecycle key.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FactsProblem {
    /// It names an operation the spec does not have.
    UnknownOperation(String),
    /// It names a task API the spec does not have under `tasks`.
    UnknownTaskApi(String),
    /// The resource's list operation does not page.
    NotPaged(String),
    /// Style `marker` without `next_marker`, or `next_marker` with another style.
    MarkerMismatch,
    /// A filter that is not `Member` or `Member[filter-name]` (what
    /// [`FilterMember::parse`](crate::lifecycle::FilterMember::parse) says of it).
    InvalidFilter(String),
    /// A number that does not fit `i64` (as written).
    NotAnInteger(String),
    /// A value that is not a string, an integer or a boolean (as JSON).
    NotAScalar(String),
}

impl fmt::Display for FactsProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FactsProblem::UnknownOperation(name) => {
                write!(f, "names the unknown operation `{name}`")
            }
            FactsProblem::UnknownTaskApi(key) => write!(f, "names the unknown task API `{key}`"),
            FactsProblem::NotPaged(name) => write!(f, "`{name}` has no pagination"),
            FactsProblem::MarkerMismatch => {
                f.write_str("style `marker` and `next_marker` go together")
            }
            FactsProblem::InvalidFilter(message) => f.write_str(message),
            FactsProblem::NotAnInteger(number) => write!(f, "{number} is not a 64-bit integer"),
            FactsProblem::NotAScalar(value) => {
                write!(f, "{value} is not a string, an integer or a boolean")
            }
        }
    }
}

impl fmt::Display for FactsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.problem)
    }
}

impl std::error::Error for FactsError {}

pub(crate) fn error(path: impl Into<String>, problem: FactsProblem) -> FactsError {
    FactsError {
        path: path.into(),
        problem,
    }
}

/// A spec value as a [`ScalarFact`].
///
/// # Errors
///
/// A float, a number beyond `i64`, `null`, a list or an object.
pub fn scalar_fact<'s>(value: &'s Value, path: &str) -> Result<ScalarFact<'s>, FactsError> {
    match value {
        Value::String(s) => Ok(ScalarFact::Str(s)),
        Value::Bool(b) => Ok(ScalarFact::Bool(*b)),
        Value::Number(n) => n
            .as_i64()
            .map(ScalarFact::Int)
            .ok_or_else(|| error(path, FactsProblem::NotAnInteger(n.to_string()))),
        other => Err(error(path, FactsProblem::NotAScalar(other.to_string()))),
    }
}

/// Every value of a list key (`running: [...]`) as a [`ScalarFact`], each error naming its
/// index.
pub(crate) fn scalar_facts<'s>(
    values: &'s [Value],
    path: &str,
) -> Result<Vec<ScalarFact<'s>>, FactsError> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| scalar_fact(v, &format!("{path}[{i}]")))
        .collect()
}

/// The operation a lifecycle key at `path` names.
pub(crate) fn operation_named<'s>(
    service: &'s Service,
    name: &str,
    path: &str,
) -> Result<(&'s str, &'s Operation), FactsError> {
    service
        .operations
        .get_key_value(name)
        .map(|(name, op)| (name.as_str(), op))
        .ok_or_else(|| error(path, FactsProblem::UnknownOperation(name.to_owned())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_are_strings_integers_and_booleans() {
        let values = serde_json::json!(["x", -3, true]);
        let values = values.as_array().unwrap();
        assert_eq!(
            scalar_facts(values, "p").unwrap(),
            [
                ScalarFact::Str("x"),
                ScalarFact::Int(-3),
                ScalarFact::Bool(true)
            ]
        );
        let e = scalar_fact(&serde_json::json!(1.5), "tasks.a.running[0]").unwrap_err();
        assert_eq!(e.path, "tasks.a.running[0]");
        assert_eq!(e.problem, FactsProblem::NotAnInteger("1.5".into()));
        assert_eq!(
            e.to_string(),
            "tasks.a.running[0]: 1.5 is not a 64-bit integer"
        );
        let values = serde_json::json!([1, null]);
        let e = scalar_facts(values.as_array().unwrap(), "s").unwrap_err();
        assert_eq!(
            (e.path.as_str(), e.problem),
            ("s[1]", FactsProblem::NotAScalar("null".into()))
        );
        let e = scalar_fact(&serde_json::json!(u64::MAX), "p").unwrap_err();
        assert!(matches!(e.problem, FactsProblem::NotAnInteger(_)));
    }
}
