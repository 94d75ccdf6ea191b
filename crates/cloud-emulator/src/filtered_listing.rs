//! The answers of a filtered list (the spec's `resource.filtered_lists`: GeminiDB
//! `ShowDisasterRecoverySettings?instance_id=`) that are not about one known instance: without
//! the filter, the items of every instance; filtered by an unknown instance, nothing. (Filtered
//! by a known one, the call is answered about it: `crate::describe`.)

use std::time::Instant;

use cloud_spec::{FilteredList, Operation, Service};
use serde_json::{Map, Value};

use crate::call::Call;
use crate::describe::{describe, set_total_count};
use crate::listing::page;
use crate::state::Inner;
use crate::synth;

/// An unfiltered listing: every instance of the service that the call's region/project sees,
/// each described as the call filtered by its id would be, merged into one answer. The
/// listing's items are concatenated; every other member comes from the first instance's
/// answer, but the pagination's total counts the instances. The pagination's members page
/// through them (the total still counts them all, as the vendors' "total number of records"
/// does); other filters are not applied.
pub(crate) fn list_every_instance(
    call: &Call<'_>,
    listing: &FilteredList,
    state: &mut Inner,
    now: Instant,
) -> Value {
    let all = state.visible_ids(&call.svc.key, call.region, call.project_id, now);
    let total = all.len();
    // The pagination's members page through them; an operation without one lists them all.
    let ids = all.into_iter().map(Value::String).collect();
    let ids: Vec<String> = page(call.op.pagination.as_ref(), &call.input, ids)
        .into_iter()
        .filter_map(|id| id.as_str().map(str::to_owned))
        .collect();

    let mut input = call.input.clone();
    let mut merged: Option<Map<String, Value>> = None;
    for id in &ids {
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
/// pagination total is zero.
pub(crate) fn list_nothing(spec: &Service, op: &Operation, listing: &FilteredList) -> Value {
    let mut out = Value::Object(synth::synthesize(spec, &op.output));
    out[listing.items.as_str()] = Value::Array(Vec::new());
    set_total_count(&mut out, op, 0);
    out
}
