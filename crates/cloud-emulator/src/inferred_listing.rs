//! Listings of instances in a service whose spec does not model its resource (no
//! `resource:`): found from the operation's shape (see `catalog::Listing`), paged by the input
//! members named like `offset` and `limit`. A spec that states its resource is listed by
//! `listing` instead, from the spec's own keys.

use std::time::Instant;

use cloud_spec::{Operation, Service, TypeExpr};
use serde_json::{Map, Value};

use crate::catalog::Listing;
use crate::ops::{describe, Call};
use crate::state::Inner;
use crate::synth;
use crate::validate::member_type;
use crate::wire::loose_name;

/// An unfiltered listing: every instance of the service that the call's region/project sees,
/// each described as the call filtered by its id would be, merged into one answer. The
/// listing's items are concatenated; every other member comes from the first instance's
/// answer, but an integer `total_count`-like member counts the instances. Members named like
/// `offset` and `limit` page through them (`total_count` still counts them all, as the vendors'
/// "total number of records" does); other filters are not applied.
pub(crate) fn list_every_instance(
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
pub(crate) fn list_nothing(spec: &Service, op: &Operation, listing: &Listing) -> Value {
    let mut out = Value::Object(synth::synthesize(spec, &op.output, None));
    out[listing.items.as_str()] = Value::Array(Vec::new());
    set_total_count(&mut out, op, 0);
    out
}

/// Sets the integer output members named like `total_count` to `total`.
pub(crate) fn set_total_count(out: &mut Value, op: &Operation, total: usize) {
    for (name, m) in &op.output {
        if loose_name(name) == "totalcount" && matches!(member_type(m), TypeExpr::Integer(_)) {
            out[name.as_str()] = Value::from(total);
        }
    }
}
