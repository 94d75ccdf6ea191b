//! Listings of instances in a service whose spec does not model its resource (no
//! `resource:`): found from the operation's shape (see `catalog::Listing`), paged by the
//! operation's `pagination` (or, in a spec without one, by the input members named like
//! `offset` and `limit`). A spec that states its resource is listed by `listing` instead,
//! from the spec's own keys.

use std::time::Instant;

use cloud_spec::{Operation, Service};
use serde_json::{Map, Value};

use crate::call::Call;
use crate::catalog::Listing;
use crate::describe::{describe, set_total_count};
use crate::listing::page;
use crate::state::Inner;
use crate::synth;
use crate::wire::loose_name;

/// An unfiltered listing: every instance of the service that the call's region/project sees,
/// each described as the call filtered by its id would be, merged into one answer. The
/// listing's items are concatenated; every other member comes from the first instance's
/// answer, but the total (the pagination's, else an integer `total_count`-like member) counts
/// the instances. The pagination's members (else members named like `offset` and `limit`) page
/// through them (the total still counts them all, as the vendors' "total number of records"
/// does); other filters are not applied.
pub(crate) fn list_every_instance(
    call: &Call<'_>,
    listing: &Listing,
    state: &mut Inner,
    now: Instant,
) -> Value {
    let all = state.visible_ids(&call.svc.key, call.region, call.project_id, now);
    let total = all.len();
    let ids: Vec<String> = match &call.op.pagination {
        Some(pagination) => {
            let ids = all.into_iter().map(Value::String).collect();
            page(Some(pagination), &call.input, ids)
                .into_iter()
                .filter_map(|id| id.as_str().map(str::to_owned))
                .collect()
        }
        None => {
            let paging = |loose: &str| {
                call.input
                    .iter()
                    .find(|(name, _)| loose_name(name) == loose)
                    .and_then(|(_, v)| v.as_u64())
                    .and_then(|n| usize::try_from(n).ok())
            };
            let offset = paging("offset").unwrap_or(0);
            let limit = paging("limit").unwrap_or(usize::MAX);
            all.into_iter().skip(offset).take(limit).collect()
        }
    };

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
/// `total_count`-like member is zero.
pub(crate) fn list_nothing(spec: &Service, op: &Operation, listing: &Listing) -> Value {
    let mut out = Value::Object(synth::synthesize(spec, &op.output, None));
    out[listing.items.as_str()] = Value::Array(Vec::new());
    set_total_count(&mut out, op, 0);
    out
}
