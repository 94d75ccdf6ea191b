//! Asynchronous tasks: every mutation whose operation has a `task` in its spec registers one
//! under the fresh handle it answers, and the service's task API (`Service::tasks`) reports it
//! running until the async delay has passed, then succeeded, or failed when a
//! [`TaskFailureRule`](crate::TaskFailureRule) picked it.
//!
//! A handle the registry does not know is answered from the docs when an example of the task
//! API uses it (the documented tasks exist, as the documented instances do), else as the
//! vendor answers an unknown handle (see [`UnknownHandle`]).

use std::time::Instant;

use cloud_spec::{TypeExpr, Vendor};
use cloud_transport::json_path::{loosely_equal, value_at, value_at_mut};
use serde_json::Value;

use crate::call::{Call, CallError};
use crate::catalog::{list_prefix, TaskApiEntry, UnknownHandle};
use crate::examples::{self, remove_path, replace_loosely};
use crate::ids;
use crate::state::Inner;
use crate::task_registry::Progress;
// The registry's types, under the module that answers about them.
use crate::synth;
pub(crate) use crate::task_registry::Task;
use cloud_transport::json_path::set_path;

/// A handle as text: the registry's key, whatever JSON kind the member has (a numeric
/// `FlowId` is sent as text to a `string` `AsyncRequestId`).
pub(crate) fn handle_text(handle: &Value) -> Option<String> {
    match handle {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => u.to_string(),
            (_, Some(i), _) => i.to_string(),
            (_, _, Some(f)) if f.fract() == 0.0 && f.abs() < 1e18 => (f as i64).to_string(),
            _ => n.to_string(),
        }),
        _ => None,
    }
}

/// A fresh handle for output member `member` of type `ty`: the next flow number for an
/// integer (the docs' handles are six-digit numbers), Huawei's 32 hex digits or Tencent's
/// UUID-shaped text for a string.
pub(crate) fn fresh_handle(state: &mut Inner, vendor: Vendor, ty: Option<&TypeExpr>) -> Value {
    match ty {
        Some(TypeExpr::Integer(_)) => Value::from(state.next_flow_number()),
        Some(TypeExpr::Float) => Value::from(state.next_flow_number() as f64),
        _ if vendor == Vendor::Huawei => Value::String(ids::hex32()),
        _ => Value::String(ids::uuid_like()),
    }
}

/// The task API's answer about `handle`.
pub(crate) fn answer(
    call: &Call<'_>,
    api: &TaskApiEntry,
    handle: &Value,
    state: &Inner,
    now: Instant,
) -> Result<Value, CallError> {
    let spec = &call.svc.spec;
    let text = handle_text(handle).unwrap_or_default();
    let Some(task) = state.tasks.get(&call.svc.key, &text, call.name) else {
        if documented(call, api, handle) {
            return Ok(examples::answer(spec, call.op, &call.input, None, None));
        }
        return unknown(call, api, &text);
    };

    let (mut out, example) = examples::answer_with_example(spec, call.op, &call.input, None, None);
    if let Some(documented) = example.and_then(|e| e.input.get(&api.api.handle)) {
        replace_loosely(&mut out, documented, handle);
    }
    if let Some(list) = list_prefix(&api.api.status) {
        // The list holds this one task.
        let holds_one = value_at(&out, list)
            .and_then(Value::as_array)
            .is_some_and(|items| !items.is_empty());
        if !holds_one {
            let synthesized = Value::Object(synth::synthesize(spec, &call.op.output));
            if let Some(items) = value_at(&synthesized, list) {
                set_path(&mut out, list, items.clone());
            }
        }
        if let Some(Value::Array(items)) = value_at_mut(&mut out, list) {
            items.truncate(1);
        }
        set_total(&mut out, call, 1);
    }
    let (values, message) = match task.progress(now) {
        Progress::Running => (&api.api.running, None),
        Progress::Succeeded => (&api.api.succeeded, None),
        Progress::Failed(message) => (&api.api.failed, Some(message)),
    };
    if let Some(status) = values.first() {
        set_path(&mut out, &api.api.status, status.clone());
    }
    if let (Some(path), Some(message)) = (&api.api.message, message) {
        set_path(&mut out, path, Value::String(message.to_owned()));
    }
    Ok(out)
}

/// Whether the docs use `handle` for this task API: an example's input, or the handle
/// member's own example value.
fn documented(call: &Call<'_>, api: &TaskApiEntry, handle: &Value) -> bool {
    let member = &api.api.handle;
    call.op
        .examples
        .iter()
        .filter_map(|e| e.input.get(member))
        .chain(call.op.input.get(member).and_then(|m| m.example.as_ref()))
        .any(|documented| loosely_equal(documented, handle))
}

fn unknown(call: &Call<'_>, api: &TaskApiEntry, handle: &str) -> Result<Value, CallError> {
    let spec = &call.svc.spec;
    let mut out = examples::answer(spec, call.op, &call.input, None, None);
    match &api.unknown {
        UnknownHandle::EmptyList(list) => {
            set_path(&mut out, list, Value::Array(Vec::new()));
            set_total(&mut out, call, 0);
        }
        UnknownHandle::Error(code) => {
            return Err(CallError::Coded {
                code: code.code.clone(),
                http_status: code.http_status,
                message: format!("The task `{handle}` does not exist."),
            })
        }
        UnknownHandle::AbsentStatus => {
            remove_path(&mut out, &api.api.status);
            if let Some(message) = &api.api.message {
                remove_path(&mut out, message);
            }
        }
    }
    Ok(out)
}

/// Sets the operation's total count, if its pagination names one.
fn set_total(out: &mut Value, call: &Call<'_>, total: u64) {
    if let Some(path) = call.op.pagination.as_ref().and_then(|p| p.total.as_ref()) {
        set_path(out, path, Value::from(total));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn handles_as_text() {
        assert_eq!(handle_text(&json!(100001)).as_deref(), Some("100001"));
        assert_eq!(handle_text(&json!(100001.0)).as_deref(), Some("100001"));
        assert_eq!(handle_text(&json!("abc")).as_deref(), Some("abc"));
        assert_eq!(handle_text(&json!(null)), None);
    }

    #[test]
    fn list_prefixes() {
        assert_eq!(list_prefix("TaskSet.0.Status"), Some("TaskSet"));
        assert_eq!(list_prefix("a.b.0.c"), Some("a.b"));
        assert_eq!(list_prefix("Status"), None);
        assert_eq!(list_prefix("0.Status"), None);
    }
}
