//! Executes one validated operation call, for either vendor.
//!
//! Where the spec models the service's instances (`resource`), the call plays its part in
//! their lifecycle: the list operation answers the real instances (`listing`), a create makes
//! one, a modify or remove changes the ones it names (`lifecycle`), and a task API reports the
//! tasks mutations started (`tasks`). Every other call is answered from the documented example
//! that best matches the input (`examples`), with the named instance's state laid over it; a
//! mutation with a waiter schedules the change its waiter expects. Every mutation is counted,
//! and one whose spec has a `task` answers a fresh handle and registers the task.

use cloud_transport::json_path::set_path;
use std::sync::Arc;
use std::time::Instant;

use cloud_spec::{Operation, Service, TypeExpr};
use cloud_transport::json_path::loosely_equal;
use serde_json::{Map, Value};

use crate::answer_cache::{AnswerKey, Rendered};
use crate::catalog::{OpEntry, Role};
use crate::config::Settings;
use crate::describe::describe;
use crate::examples;
use crate::filtered_listing::{list_every_instance, list_nothing};
use crate::lifecycle::{self, Timing};
use crate::listing;
use crate::quirks;
use crate::resource::{fits, type_at};
use crate::state::{Change, Inner};
use crate::task_failures::TaskFailures;
use crate::tasks::{self, Task};
use crate::validate::Invalid;
use crate::wire::TENCENT_REQUEST_ID;

// The protocol modules name the call through `ops`.
pub(crate) use crate::call::{Call, CallError};

/// What a call did: its answer, the instances it is about, and, if its task was made to fail,
/// the failure's message.
type Outcome = (Value, Vec<String>, Option<String>);

/// Runs the call; its answer, serialized as the vendor sends it, with a place for the
/// request id (the protocol layer gives it).
pub(crate) fn execute(
    mut call: Call<'_>,
    store: &crate::state::Store,
    settings: &Settings,
    task_failures: &TaskFailures,
) -> Result<Arc<Rendered>, CallError> {
    let Call {
        svc,
        name,
        op,
        entry,
        ..
    } = call;
    quirks::apply(&svc.spec.service, name, op, &mut call.input).map_err(CallError::Invalid)?;

    if !op.regions.is_empty()
        && !call
            .region
            .is_some_and(|r| op.regions.iter().any(|x| x == r))
    {
        return Err(CallError::Coded {
            code: entry.unsupported_region.code.clone(),
            http_status: entry.unsupported_region.http_status,
            message: format!(
                "{name} is not served in region `{}`; it is served in: {}",
                call.region.unwrap_or("(none)"),
                op.regions.join(", ")
            ),
        });
    }

    let resource = entry.resource_members.iter().find_map(|m| {
        call.input
            .get(m)
            .and_then(Value::as_str)
            .map(|v| (m.as_str(), v.to_owned()))
    });
    let listing = entry.listing.as_ref();
    let is_filter = |member: &str| listing.is_some_and(|l| l.filter == member);
    let must_name_instance = entry.per_instance
        && entry.role != Role::List
        && entry.resource_members.iter().any(|m| !is_filter(m));
    if resource.is_none() && must_name_instance {
        let names: Vec<String> = entry
            .resource_members
            .iter()
            .map(|m| format!("`{m}`"))
            .collect();
        return Err(CallError::Invalid(Invalid {
            message: format!("the request must give {}", names.join(" or ")),
            ..Invalid::missing(&entry.resource_members[0])
        }));
    }

    let mut state = store.lock_for_call();
    // The time and the call's number are taken under the lock: changes then settle in the
    // order their requests took it, so the last mutation to take the lock is the one that
    // shows, however the requests raced to the lock.
    let now = Instant::now();
    let task_handle = entry.task_api.as_ref().and_then(|api| {
        let handle = call.input.get(&api.api.handle).filter(|h| !h.is_null())?;
        Some((api, handle.clone()))
    });
    // A read-only call that starts nothing and asks about no task is answered from the state
    // alone: while that has not changed, the same input gets the same answer.
    let cacheable = op.read_only
        && op.waiter.is_none()
        && task_handle.is_none()
        && entry.flow_members.is_empty()
        && matches!(entry.role, Role::Other | Role::List);
    let key = AnswerKey {
        region: call.region,
        project_id: call.project_id,
        input: &call.input,
    };
    if cacheable {
        if let Some(answer) = entry.answers.get(&key, state.generation(), now) {
            return Ok(answer);
        }
    } else {
        state.changed();
    }
    let seq = state.next_seq();
    let ready_at = now + settings.async_delay;
    let fails_for = |about: &[String]| {
        if entry.task.is_none() || op.read_only {
            return None;
        }
        task_failures.take(&svc.key, &svc.spec.service, name, about)
    };

    let role = (&entry.role, svc.resource.as_ref(), task_handle);
    let (mut output, about, failure): Outcome = match role {
        (Role::List, Some(res), _) => {
            (listing::list(&call, res, &mut state, now), Vec::new(), None)
        }
        (_, _, Some((api, handle))) => {
            let out = tasks::answer(&call, api, &handle, &state, now)?;
            (out, Vec::new(), None)
        }
        (Role::Create { ids }, Some(res), None) => {
            // A creation that names other instances (a read-only instance's primary, by the
            // spec's `references`) needs them to exist, as the vendor does.
            for member in &entry.resource_members {
                let Some(id) = call.input.get(member).and_then(Value::as_str) else {
                    continue;
                };
                if !id.is_empty()
                    && state
                        .instance(&svc.key, id, call.region, call.project_id, now)
                        .is_none()
                {
                    return Err(not_found(entry, id));
                }
            }
            let failure = fails_for(&[]);
            let timing = Timing {
                now,
                ready_at,
                seq,
                fails: failure.is_some(),
            };
            let (out, id) = lifecycle::create(&call, res, ids, &entry.sets, &mut state, timing);
            (out, vec![id], failure)
        }
        _ => about_instances(&call, resource, &mut state, now, ready_at, seq, &fails_for)?,
    };

    if !op.read_only {
        state.record_applied(&svc.key, name, about.first().map(String::as_str));
    }
    if let (Some(ssl), Some(id)) = (
        svc.resource.as_ref().and_then(|r| r.spec.ssl.as_ref()),
        about.first(),
    ) {
        if let Some(instance) = state.instance(&svc.key, id, call.region, call.project_id, now) {
            crate::certificates::show_in_answer(
                ssl,
                name,
                settings,
                crate::certificates::AboutInstance {
                    service: &svc.key,
                    id,
                    seeded: instance.outputs.get(name),
                    certificate: instance.certificate,
                },
                &mut output,
            );
        }
    }
    for member in &entry.flow_members {
        // A list of handles (`FlowIds`) holds one task per instance the call is about (at
        // least one).
        let (ty, per_instance) = match op.output.get(member).map(|m| m.ty.clone()) {
            Some(TypeExpr::List(item)) => (Some(*item), true),
            ty => (ty, false),
        };
        let instances: Vec<Option<String>> = if per_instance && !about.is_empty() {
            about.iter().cloned().map(Some).collect()
        } else {
            vec![about.first().cloned()]
        };
        let mut handles = Vec::new();
        for instance in instances {
            let handle = tasks::fresh_handle(&mut state, svc.spec.vendor, ty.as_ref());
            handles.push(handle.clone());
            let Some(task) = entry.task.as_ref().filter(|t| t.handle == *member) else {
                continue;
            };
            let Some(api) = svc.spec.tasks.get(&task.api) else {
                continue;
            };
            let text = tasks::handle_text(&handle).unwrap_or_default();
            state.tasks.register(
                &svc.key,
                &text,
                Task {
                    api: task.api.clone(),
                    reported_by: api.operation.clone(),
                    operation: name.to_owned(),
                    instance,
                    ready_at,
                    failure: failure.clone(),
                },
            );
        }
        let value = if per_instance {
            Value::Array(handles)
        } else {
            handles.pop().unwrap_or(Value::Null)
        };
        set_path(&mut output, member, value);
    }
    let rendered = Arc::new(Rendered::new(svc.spec.vendor, strip_request_id(output)));
    if cacheable {
        let until = state.next_change(&svc.key);
        entry
            .answers
            .put(&key, state.generation(), until, rendered.clone());
    }
    drop(state);
    Ok(rendered)
}

/// A call that is not a listing, a creation or a task query: about the instance its
/// instance-naming member names (if any), or, for a modify or remove call, the instances its
/// resource members name. Every named instance must exist.
fn about_instances(
    call: &Call<'_>,
    resource: Option<(&str, String)>,
    state: &mut Inner,
    now: Instant,
    ready_at: Instant,
    seq: u64,
    fails_for: &dyn Fn(&[String]) -> Option<String>,
) -> Result<Outcome, CallError> {
    let Call { svc, op, entry, .. } = *call;
    let listing = entry.listing.as_ref();
    let targets = match (&entry.role, svc.resource.as_ref()) {
        (Role::Modify | Role::Remove(_), Some(res)) => res.named_ids(call.name, &call.input),
        _ => Vec::new(),
    };
    let named = resource.iter().map(|(_, id)| id.clone());
    let about: Vec<String> =
        named
            .chain(targets.iter().cloned())
            .fold(Vec::new(), |mut all, id| {
                if !all.contains(&id) {
                    all.push(id);
                }
                all
            });
    for id in &about {
        if state
            .instance(&svc.key, id, call.region, call.project_id, now)
            .is_some()
        {
            continue;
        }
        if let Some((member, _)) = resource.as_ref().filter(|(_, named)| named == id) {
            if let Some(listing) = listing.filter(|l| l.filter == *member) {
                // A filter that matches nothing lists nothing; it is not an error.
                return Ok((list_nothing(&svc.spec, op, listing), Vec::new(), None));
            }
        }
        return Err(not_found(entry, id));
    }

    let failure = fails_for(&about);
    let timing = Timing {
        now,
        ready_at,
        seq,
        fails: failure.is_some(),
    };
    let out = match (&resource, listing) {
        (None, Some(listing)) => list_every_instance(call, listing, state, now),
        (None, None) => examples::answer(&svc.spec, op, &call.input, None, None),
        (Some((member, id)), _) => {
            let filtering = listing.filter(|l| l.filter == *member);
            let Some(instance) = state.instance(&svc.key, id, call.region, call.project_id, now)
            else {
                return Err(not_found(entry, id));
            };
            let mut out = describe(call, &call.input, member, id, instance, filtering);
            if let Some(res) = svc.resource.as_ref() {
                lifecycle::show_in_answer(call, res, &mut out, instance);
            }
            if let Some((polled, values)) = change_to_schedule(&svc.spec, op, entry, &call.input) {
                // An answer that echoes the state the waiter looks for shows what was asked
                // (InstanceEnableSSL's `Status`).
                if let Some((path, asked)) = values.first() {
                    let echoes = type_at(&svc.spec, &op.output, path);
                    if echoes.is_some_and(|ty| fits(&ty, asked)) {
                        set_path(&mut out, path, asked.clone());
                    }
                }
                let change = Change::Overlay {
                    operation: polled,
                    values,
                };
                instance.schedule(timing.change(vec![change], Vec::new()));
            }
            out
        }
    };
    match (&entry.role, svc.resource.as_ref()) {
        (Role::Modify, Some(res)) => {
            let has_task = entry.task.is_some();
            lifecycle::modify(call, res, &entry.sets, &about, state, timing, has_task);
        }
        (Role::Remove(removal), Some(res)) => {
            lifecycle::remove(call, res, *removal, &about, state, timing);
        }
        _ => {}
    }
    Ok((out, about, failure))
}

fn not_found(entry: &OpEntry, id: &str) -> CallError {
    CallError::Coded {
        code: entry.not_found.code.clone(),
        http_status: entry.not_found.http_status,
        message: format!("The instance `{id}` does not exist."),
    }
}

fn strip_request_id(output: Value) -> Map<String, Value> {
    let mut map = match output {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    map.remove(TENCENT_REQUEST_ID);
    map
}

/// The overlay a mutation's waiter will look for, plus same-named input members the polled
/// operation also outputs (`ConnectAddress`): `(polled operation, values by path)`.
fn change_to_schedule(
    spec: &Service,
    op: &Operation,
    entry: &OpEntry,
    input: &Map<String, Value>,
) -> Option<(String, Vec<(String, Value)>)> {
    let waiter = op.waiter.as_ref()?;
    let condition = waiter.until.iter().find(|c| {
        c.when.iter().all(|(k, v)| {
            input
                .get(k.as_str())
                .is_some_and(|have| loosely_equal(have, v))
        })
    })?;
    let mut values = vec![(condition.path.clone(), condition.equals.clone())];
    if let Some(polled) = spec.operations.get(&waiter.operation) {
        for (k, v) in input {
            let carried = !v.is_null()
                && !entry.resource_members.contains(k)
                && !condition.when.contains_key(k)
                && polled.output.contains_key(k)
                && *k != condition.path;
            if carried {
                values.push((k.clone(), v.clone()));
            }
        }
    }
    Some((waiter.operation.clone(), values))
}
