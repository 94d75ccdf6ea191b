//! [`request_json`]: how inputs are encoded: absent members left out, required ones checked.

use serde::Serialize;
use serde_json::Value;

/// The input of `operation` as the JSON object sent, without its absent (`null`) members, or an
/// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) error naming the first member of
/// `required` (wire names) it lacks. Generated request builders call this before sending.
pub fn request_json<I: Serialize>(
    input: &I,
    operation: &str,
    required: &[&str],
) -> crate::Result<Value> {
    let mut json = serde_json::to_value(input).map_err(|e| {
        crate::Error::invalid_input(format!("{operation}: cannot serialize the input: {e}"))
    })?;
    if let Value::Object(members) = &mut json {
        members.retain(|_, value| !value.is_null());
    }
    match required.iter().find(|member| json.get(**member).is_none()) {
        Some(member) => Err(crate::Error::invalid_input(format!(
            "{operation}: the required member `{member}` is not set"
        ))),
        None => Ok(json),
    }
}
