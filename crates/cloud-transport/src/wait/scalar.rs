//! [`Scalar`]: a JSON value a `const` can hold, for the status values and conditions waiters
//! compare answers with.

use serde_json::Value;

use crate::json_path::loosely_equal;

/// A string, integer or boolean JSON value that a `const` can hold (a `serde_json::Value`
/// cannot be built in a `const`): the status values of task APIs and resources, and the values
/// of waiter conditions.
///
/// Compared with answers by [`loosely_equal`], so `Scalar::Int(1)` matches `1` and `"1"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scalar {
    /// A JSON string.
    Str(&'static str),
    /// A JSON integer.
    Int(i64),
    /// A JSON boolean.
    Bool(bool),
}

impl Scalar {
    /// The value as JSON.
    pub fn to_json(self) -> Value {
        match self {
            Scalar::Str(s) => Value::from(s),
            Scalar::Int(i) => Value::from(i),
            Scalar::Bool(b) => Value::from(b),
        }
    }

    /// Whether `value` is this value ([loosely](loosely_equal)).
    pub fn matches(self, value: &Value) -> bool {
        loosely_equal(value, &self.to_json())
    }
}

/// Whether `value` is one of `set`.
pub(crate) fn is_in(value: &Value, set: &[Scalar]) -> bool {
    set.iter().any(|s| s.matches(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scalars_match_loosely_and_only_their_value() {
        assert!(Scalar::Int(1).matches(&json!("1")));
        assert!(Scalar::Str("1").matches(&json!(1)));
        assert!(Scalar::Bool(true).matches(&json!(true)));
        assert!(!Scalar::Bool(true).matches(&json!(1)));
        assert!(!Scalar::Str("ON").matches(&json!("on")));
        assert!(is_in(
            &json!("Failed"),
            &[Scalar::Str("Running"), Scalar::Str("Failed")]
        ));
        assert!(!is_in(&json!(null), &[Scalar::Str("Running")]));
    }
}
