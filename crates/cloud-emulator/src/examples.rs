//! The answer before state: the documented example that best fits a call (its instance id
//! replaced by the caller's), or one synthesized from the output members when the docs have
//! none; and small helpers to rewrite values inside an answer.

use cloud_spec::{Example, Operation, Service};
use cloud_transport::json_path::{loosely_equal, value_at, value_at_mut};
use serde_json::{Map, Value};

use crate::synth;

/// The instance a call names: by which input member, its id, and the output paths that show
/// it (the spec's `resource.id_outputs`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Named<'a> {
    pub member: &'a str,
    pub id: &'a str,
    pub id_outputs: &'a [String],
}

/// The best documented example (its instance id replaced by the caller's), or an answer
/// synthesized from the output members (showing the caller's instance id where the spec says
/// the output holds it); with the example it came from.
pub(crate) fn answer_with_example<'a>(
    spec: &Service,
    op: &'a Operation,
    input: &Map<String, Value>,
    resource: Option<Named<'_>>,
    overlay: Option<&Map<String, Value>>,
) -> (Value, Option<&'a Example>) {
    let Some(example) = pick_example(&op.examples, input, overlay) else {
        let mut out = Value::Object(synth::synthesize(spec, &op.output));
        if let Some(named) = resource {
            show_id(&mut out, named.id_outputs, named.id);
        }
        return (out, None);
    };
    let mut out = Value::Object(example.output.clone().into_iter().collect());
    if let Some(named) = resource {
        if let Some(Value::String(example_id)) = example.input.get(named.member) {
            replace_string(&mut out, example_id, named.id);
        }
    }
    (out, Some(example))
}

/// Sets the string at each of `paths` (dotted, `Items.0.InstanceId`) to `id`; a path the
/// answer does not have (an optional member left out) is passed over.
fn show_id(out: &mut Value, paths: &[String], id: &str) {
    for path in paths {
        if let Some(value @ Value::String(_)) = value_at_mut(out, path) {
            *value = Value::String(id.to_owned());
        }
    }
}

/// [`answer_with_example`] without the example.
pub(crate) fn answer(
    spec: &Service,
    op: &Operation,
    input: &Map<String, Value>,
    resource: Option<Named<'_>>,
    overlay: Option<&Map<String, Value>>,
) -> Value {
    answer_with_example(spec, op, input, resource, overlay).0
}

/// The documented example that best fits: first the one whose output already shows the
/// instance's state (so a disabled instance is described by the "SSL is closed" example), then
/// the one whose input agrees with the call on the most members; the first on a tie (the docs'
/// first example is the canonical one).
pub(crate) fn pick_example<'a>(
    examples: &'a [Example],
    input: &Map<String, Value>,
    overlay: Option<&Map<String, Value>>,
) -> Option<&'a Example> {
    let mut best: Option<(usize, &Example)> = None;
    for example in examples {
        // Read in place: copying every example's output for this cost more than the answer.
        let state_agrees = overlay
            .into_iter()
            .flatten()
            .filter(|(path, value)| output_at(&example.output, path) == Some(*value))
            .count();
        let input_agrees = example
            .input
            .iter()
            .filter(|(k, v)| input.get(k.as_str()) == Some(*v))
            .count();
        let score = state_agrees * 1000 + input_agrees;
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, example));
        }
    }
    best.map(|(_, e)| e)
}

/// The value at a dot-separated path of an example's output, as [`value_at`] finds it in the
/// output as a JSON object.
pub(crate) fn output_at<'a>(
    output: &'a indexmap::IndexMap<String, Value>,
    path: &str,
) -> Option<&'a Value> {
    let (first, rest) = match path.split_once('.') {
        Some((first, rest)) => (first, Some(rest)),
        None => (path, None),
    };
    let member = output.get(first)?;
    match rest {
        Some(rest) => value_at(member, rest),
        None => Some(member),
    }
}

/// Replaces every string equal to `from` with `to` (the example's instance id by the caller's).
pub(crate) fn replace_string(v: &mut Value, from: &str, to: &str) {
    match v {
        Value::String(s) if s == from => *s = to.to_owned(),
        Value::Array(items) => items.iter_mut().for_each(|x| replace_string(x, from, to)),
        Value::Object(map) => map.values_mut().for_each(|x| replace_string(x, from, to)),
        _ => {}
    }
}

/// Replaces every value [loosely equal](loosely_equal) to `from` with `to`, keeping the kind
/// each place had: a documented handle `120321` becomes the new handle as a number where the
/// docs have a number, as text where they have text.
pub(crate) fn replace_loosely(v: &mut Value, from: &Value, to: &Value) {
    match v {
        Value::Array(items) => items.iter_mut().for_each(|x| replace_loosely(x, from, to)),
        Value::Object(map) => map.values_mut().for_each(|x| replace_loosely(x, from, to)),
        _ if loosely_equal(v, from) => *v = same_kind(v, to),
        _ => {}
    }
}

/// `value` in the JSON kind of `like` (text for text, a number for a number) when it converts.
fn same_kind(like: &Value, value: &Value) -> Value {
    match (like, value) {
        (Value::String(_), Value::Number(n)) => Value::String(n.to_string()),
        (Value::Number(_), Value::String(s)) => s
            .parse::<u64>()
            .map(Value::from)
            .unwrap_or_else(|_| value.clone()),
        _ => value.clone(),
    }
}

/// Removes the member at a dot-separated path, if there is one.
pub(crate) fn remove_path(target: &mut Value, path: &str) {
    let (parent, last) = match path.rsplit_once('.') {
        Some((parent, last)) => (value_at_mut(target, parent), last),
        None => (Some(target), path),
    };
    if let Some(Value::Object(map)) = parent {
        map.remove(last);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn loose_replacement_keeps_each_places_kind() {
        let mut v = json!({"TaskId": 120321, "Id": "120321", "Other": 5, "List": [120321]});
        replace_loosely(&mut v, &json!(120321), &json!("100007"));
        assert_eq!(
            v,
            json!({"TaskId": 100007, "Id": "100007", "Other": 5, "List": [100007]})
        );
    }

    #[test]
    fn the_named_id_shows_at_the_stated_string_paths_only() {
        let mut v = json!({"Items": [{"InstanceId": "example", "N": 1}], "N": 2});
        let paths = ["Items.0.InstanceId", "Items.0.N", "Missing.InstanceId"].map(String::from);
        show_id(&mut v, &paths, "cdb-1");
        assert_eq!(
            v,
            json!({"Items": [{"InstanceId": "cdb-1", "N": 1}], "N": 2})
        );
    }

    #[test]
    fn paths_are_removed_and_reached() {
        let mut v = json!({"a": {"b": 1, "c": [{"d": 2}]}, "e": 3});
        remove_path(&mut v, "a.b");
        remove_path(&mut v, "e");
        remove_path(&mut v, "x.y");
        *value_at_mut(&mut v, "a.c.0.d").unwrap() = json!(4);
        assert_eq!(v, json!({"a": {"c": [{"d": 4}]}}));
    }
}
