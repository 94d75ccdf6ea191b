//! Executes one validated operation call, for either vendor: finds the instance, answers from
//! the documented example that best matches the input (with the instance's state laid over it),
//! and for a mutation counts the application and schedules the change its waiter expects.

use std::time::Instant;

use cloud_spec::{Example, Operation, Service, TypeExpr};
use cloud_transport::json_path::{loosely_equal, value_at};
use serde_json::{Map, Value};

use crate::catalog::{Listing, OpEntry, ServiceEntry, TENCENT_REQUEST_ID};
use crate::config::Settings;
use crate::ids;
use crate::quirks;
use crate::state::{set_path, Inner, Instance, Store};
use crate::synth;
use crate::validate::{member_type, Invalid};
use crate::wire::loose_name;

/// One call, after authentication and validation.
pub(crate) struct Call<'a> {
    pub svc: &'a ServiceEntry,
    pub name: &'a str,
    pub op: &'a Operation,
    pub entry: &'a OpEntry,
    pub input: Map<String, Value>,
    /// Tencent: `X-TC-Region`. Huawei: the name of the project in the path.
    pub region: Option<&'a str>,
    /// Huawei: the project id in the path.
    pub project_id: Option<&'a str>,
}

/// A call that fails.
#[derive(Debug)]
pub(crate) enum CallError {
    /// The input breaks a rule: the protocol layer picks the vendor's code.
    Invalid(Invalid),
    /// A documented error code.
    Coded {
        code: String,
        http_status: u16,
        message: String,
    },
}

/// Runs the call; the output without `RequestId` (the protocol layer adds it).
pub(crate) fn execute(
    mut call: Call<'_>,
    store: &Store,
    settings: &Settings,
) -> Result<Map<String, Value>, CallError> {
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
    let must_name_instance =
        entry.per_instance && entry.resource_members.iter().any(|m| !is_filter(m));
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

    let now = Instant::now();
    let mut state = store.lock();
    let mut output = match (&resource, listing) {
        (None, Some(listing)) => list_every_instance(&call, listing, &mut state, now),
        (None, None) => answer(&svc.spec, op, &call.input, None, None),
        (Some((member, id)), _) => {
            let filtering = listing.filter(|l| l.filter == *member);
            let Some(instance) = state.instance(&svc.key, id, call.region, call.project_id, now)
            else {
                if let Some(listing) = filtering {
                    // A filter that matches nothing lists nothing; it is not an error.
                    return Ok(strip_request_id(list_nothing(&svc.spec, op, listing)));
                }
                return Err(CallError::Coded {
                    code: entry.not_found.code.clone(),
                    http_status: entry.not_found.http_status,
                    message: format!("The instance `{id}` does not exist."),
                });
            };
            let out = describe(&call, &call.input, member, id, instance, filtering);
            if let Some((polled, values)) = change_to_schedule(&svc.spec, op, entry, &call.input) {
                instance.schedule(now + settings.async_delay, &polled, values);
            }
            out
        }
    };

    if !op.read_only {
        state.record_applied(&svc.key, name, resource.as_ref().map(|(_, id)| id.as_str()));
    }
    for member in &entry.flow_members {
        let ty = op.output.get(member).map(member_type);
        let value = match ty {
            Some(TypeExpr::Integer(_)) => Value::from(state.next_flow_number()),
            Some(TypeExpr::Float) => Value::from(state.next_flow_number() as f64),
            _ if svc.spec.vendor == cloud_spec::Vendor::Huawei => Value::String(ids::hex32()),
            _ => Value::String(ids::uuid_like()),
        };
        set_path(&mut output, member, value);
    }
    drop(state);
    Ok(strip_request_id(output))
}

/// The answer about one instance (named by input `member`): the best example (or a
/// synthesized answer) for it, with its state laid over it. Through a `listing` filtered by
/// it, the listed items are that instance.
fn describe(
    call: &Call<'_>,
    input: &Map<String, Value>,
    member: &str,
    id: &str,
    instance: &Instance,
    listing: Option<&Listing>,
) -> Value {
    let overlay = instance.outputs.get(call.name);
    let mut out = answer(&call.svc.spec, call.op, input, Some((member, id)), overlay);
    if let Some(listing) = listing {
        if let Some(Value::Array(items)) = out.get_mut(&listing.items) {
            for item in items.iter_mut().filter(|item| item.is_object()) {
                item[listing.item_id.as_str()] = Value::String(id.to_owned());
            }
            let listed = items.len();
            set_total_count(&mut out, call.op, listed);
        }
    }
    for (path, value) in overlay.into_iter().flatten() {
        set_path(&mut out, path, value.clone());
    }
    out
}

/// An unfiltered listing: every instance of the service that the call's region/project sees,
/// each described as the call filtered by its id would be, merged into one answer. The
/// listing's items are concatenated; every other member comes from the first instance's
/// answer, but an integer `total_count`-like member counts the instances. Members named like
/// `offset` and `limit` page through them (`total_count` still counts them all, as the vendors'
/// "total number of records" does); other filters are not applied.
fn list_every_instance(
    call: &Call<'_>,
    listing: &Listing,
    state: &mut Inner,
    now: Instant,
) -> Value {
    let ids = state.visible_ids(&call.svc.key, call.region, call.project_id, now);
    let total = ids.len();
    let paging = |loose: &str| {
        call.input
            .iter()
            .find(|(name, _)| loose_name(name) == loose)
            .and_then(|(_, v)| v.as_u64())
            .and_then(|n| usize::try_from(n).ok())
    };
    let offset = paging("offset").unwrap_or(0);
    let limit = paging("limit").unwrap_or(usize::MAX);

    let mut input = call.input.clone();
    let mut merged: Option<Map<String, Value>> = None;
    for id in ids.iter().skip(offset).take(limit) {
        let Some(instance) = state.instance(&call.svc.key, id, call.region, call.project_id, now)
        else {
            continue;
        };
        input.insert(listing.filter.clone(), Value::String(id.clone()));
        let one = describe(call, &input, &listing.filter, id, instance, Some(listing));
        let Value::Object(mut one) = one else {
            continue;
        };
        match &mut merged {
            None => merged = Some(one),
            Some(all) => {
                if let (Some(Value::Array(items)), Some(Value::Array(more))) =
                    (all.get_mut(&listing.items), one.remove(&listing.items))
                {
                    items.extend(more);
                }
            }
        }
    }
    let mut merged = match merged {
        Some(merged) => Value::Object(merged),
        None => list_nothing(&call.svc.spec, call.op, listing),
    };
    set_total_count(&mut merged, call.op, total);
    merged
}

/// A listing that lists nothing: a well-typed answer whose items are empty and whose
/// `total_count`-like member is zero.
fn list_nothing(spec: &Service, op: &Operation, listing: &Listing) -> Value {
    let mut out = Value::Object(synth::synthesize(spec, &op.output, None));
    out[listing.items.as_str()] = Value::Array(Vec::new());
    set_total_count(&mut out, op, 0);
    out
}

/// Sets the integer output members named like `total_count` to `total`.
fn set_total_count(out: &mut Value, op: &Operation, total: usize) {
    for (name, m) in &op.output {
        if loose_name(name) == "totalcount" && matches!(member_type(m), TypeExpr::Integer(_)) {
            out[name.as_str()] = Value::from(total);
        }
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

/// The answer before state: the best documented example (its instance id replaced by the
/// caller's), or one synthesized from the output members.
fn answer(
    spec: &Service,
    op: &Operation,
    input: &Map<String, Value>,
    resource: Option<(&str, &str)>,
    overlay: Option<&Map<String, Value>>,
) -> Value {
    let instance = resource.map(|(_, id)| id);
    let Some(example) = pick_example(&op.examples, input, overlay) else {
        return Value::Object(synth::synthesize(spec, &op.output, instance));
    };
    let mut out = Value::Object(example.output.clone().into_iter().collect());
    if let Some((member, id)) = resource {
        if let Some(Value::String(example_id)) = example.input.get(member) {
            replace_string(&mut out, example_id, id);
        }
    }
    out
}

/// The documented example that best fits: first the one whose output already shows the
/// instance's state (so a disabled instance is described by the "SSL is closed" example), then
/// the one whose input agrees with the call on the most members; the first on a tie (the docs'
/// first example is the canonical one).
fn pick_example<'a>(
    examples: &'a [Example],
    input: &Map<String, Value>,
    overlay: Option<&Map<String, Value>>,
) -> Option<&'a Example> {
    let mut best: Option<(usize, &Example)> = None;
    for example in examples {
        let output = Value::Object(example.output.clone().into_iter().collect());
        let state_agrees = overlay
            .into_iter()
            .flatten()
            .filter(|(path, value)| value_at(&output, path) == Some(*value))
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

/// Replaces every string equal to `from` with `to` (the example's instance id by the caller's).
fn replace_string(v: &mut Value, from: &str, to: &str) {
    match v {
        Value::String(s) if s == from => *s = to.to_owned(),
        Value::Array(items) => items.iter_mut().for_each(|x| replace_string(x, from, to)),
        Value::Object(map) => map.values_mut().for_each(|x| replace_string(x, from, to)),
        _ => {}
    }
}
