//! The answer about one named instance: the documented example that best fits it (or a
//! synthesized one) with the instance's state laid over it, its seeded items paged as asked,
//! and, through a listing filtered by the instance, the listed items being that instance.

use cloud_spec::{FilteredList, Operation, TypeExpr};
use cloud_transport::json_path::set_path;
use serde_json::{Map, Value};

use crate::call::Call;
use crate::examples::{self, Named};
use crate::listing;
use crate::state::Instance;

/// The answer about one instance (named by input `member`): the best example (or a
/// synthesized answer) for it, with its state laid over it. Through a `listing` filtered by
/// it, the listed items are that instance.
pub(crate) fn describe(
    call: &Call<'_>,
    input: &Map<String, Value>,
    member: &str,
    id: &str,
    instance: &Instance,
    listing: Option<&FilteredList>,
) -> Value {
    let overlay = instance.outputs.get(call.name);
    let named = Named {
        member,
        id,
        id_outputs: &call.entry.id_outputs,
    };
    let mut out = examples::answer(&call.svc.spec, call.op, input, Some(named), overlay);
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
    page_seeded_items(call.op, overlay, &call.input, &mut out);
    out
}

/// A paged operation whose items an instance's state sets (a seed's `outputs`) answers the page
/// the request asks for, with the total counting them all; the documented example's items are
/// left as they are.
fn page_seeded_items(
    op: &Operation,
    overlay: Option<&Map<String, Value>>,
    input: &Map<String, Value>,
    out: &mut Value,
) {
    let Some(pagination) = &op.pagination else {
        return;
    };
    // The items, or the other list the state fills (`keys` rather than `commands`).
    let seeded = std::iter::once(&pagination.items)
        .chain(&pagination.other_items)
        .find_map(|path| match overlay.and_then(|o| o.get(path)) {
            Some(Value::Array(items)) if !items.is_empty() => Some((path, items)),
            _ => None,
        });
    let Some((path, items)) = seeded else {
        return;
    };
    let total = items.len();
    let page = listing::page(Some(pagination), input, items.clone());
    // An answer fills one of its lists of items: the others are empty.
    for other in std::iter::once(&pagination.items).chain(&pagination.other_items) {
        if other != path {
            set_path(out, other, Value::Array(Vec::new()));
        }
    }
    set_path(out, path, Value::Array(page));
    if let Some(path) = &pagination.total {
        // A total declared as text (GeminiDB `ListNosqlTaskList`) is sent as text.
        let text = op
            .output
            .get(path)
            .is_some_and(|m| m.ty == TypeExpr::String);
        let total = if text {
            Value::String(total.to_string())
        } else {
            Value::from(total)
        };
        set_path(out, path, total);
    }
}

/// Sets the operation's total (its pagination's), where the spec states one.
pub(crate) fn set_total_count(out: &mut Value, op: &Operation, total: usize) {
    if let Some(path) = op.pagination.as_ref().and_then(|p| p.total.as_ref()) {
        set_path(out, path, Value::from(total));
    }
}
