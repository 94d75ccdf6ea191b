//! The resource's list operation (`Resource::list`), answered from the real set of instances:
//! every instance the request's region/project sees, in creation order, filtered by the
//! spec's id, name and status filter members, paged by the operation's `pagination` members,
//! with the total counting every instance the filters let through.
//!
//! Each item is the documented example's item (or one synthesized from the item structure)
//! with the instance's id, name, status and changed members laid over it. Input members that
//! are not the spec's filters or paging members (`VpcId`, `Tags`, ...) are accepted and not
//! applied.

use cloud_transport::json_path::set_path;
use std::time::Instant;

use cloud_spec::{PageStyle, Pagination, Service};
use cloud_transport::json_path::{is_one_of, loosely_equal, value_at};
use serde_json::{Map, Value};

use crate::call::Call;
use crate::examples::{self, replace_string};
use crate::resource::ResourceIndex;
use crate::state::{Inner, Instance, InstanceState};
use crate::synth;

/// The list operation's answer.
pub(crate) fn list(call: &Call<'_>, res: &ResourceIndex, state: &mut Inner, now: Instant) -> Value {
    let spec = &call.svc.spec;
    let mut out = examples::answer(spec, call.op, &call.input, None, None);
    let template = item_template(spec, call, res, &out);
    let template_id = template
        .as_ref()
        .and_then(|t| value_at(t, &res.spec.list.id))
        .and_then(Value::as_str)
        .map(str::to_owned);

    // The ids asked for, checked before an item is built: building every instance's item to
    // keep one was most of the cost of a call asking for one instance.
    let ids_wanted = res.id_filter.as_ref().and_then(|f| f.values(&call.input));
    let mut items = Vec::new();
    for id in state.visible_ids(&call.svc.key, call.region, call.project_id, now) {
        if let Some(wanted) = &ids_wanted {
            let id_value = Value::String(id.clone());
            if !wanted.iter().any(|w| loosely_equal(&id_value, w)) {
                continue;
            }
        }
        let Some(inst) = state.instance(&call.svc.key, &id, call.region, call.project_id, now)
        else {
            continue;
        };
        let mut item = template
            .clone()
            .unwrap_or_else(|| Value::Object(Map::new()));
        if let Some(documented) = &template_id {
            replace_string(&mut item, documented, &id);
        }
        set_path(&mut item, &res.spec.list.id, Value::String(id.clone()));
        lay_over(res, &mut item, inst);
        // Values a waiter polls for through this operation (`instances.0.ssl` after SwitchSsl).
        let prefix = format!("{}.0.", res.items);
        for (path, value) in inst.outputs.get(call.name).into_iter().flatten() {
            if let Some(inside) = path.strip_prefix(&prefix) {
                set_path(&mut item, inside, value.clone());
            }
        }
        if wanted(res, &call.input, &item, inst.state) {
            items.push(item);
        }
    }
    let total = items.len();
    let page = page(res.pagination.as_ref(), &call.input, items);
    set_path(&mut out, &res.items, Value::Array(page));
    if let Some(path) = &res.total {
        set_path(&mut out, path, Value::from(total));
    }
    out
}

/// Lays an instance's name, status and changed members over a listed item (or a member of an
/// answer holding the same structure).
pub(crate) fn lay_over(res: &ResourceIndex, item: &mut Value, inst: &Instance) {
    if let (Some(path), Some(name)) = (&res.spec.list.name, &inst.name) {
        set_path(item, path, Value::String(name.clone()));
    }
    res.show_status(item, &res.spec.list.status, inst.state);
    for (path, value) in &inst.item {
        set_path(item, path, value.clone());
    }
}

/// The item every listed instance starts from: the first documented example's that lists one,
/// else one synthesized from the item structure.
fn item_template(
    spec: &Service,
    call: &Call<'_>,
    res: &ResourceIndex,
    answer: &Value,
) -> Option<Value> {
    let first = format!("{}.0", res.items);
    if call.op.examples.is_empty() {
        // The answer was synthesized from the output members just now: its item is the one a
        // second synthesis would make.
        return value_at(answer, &first).cloned();
    }
    call.op
        .examples
        .iter()
        .find_map(|e| {
            examples::output_at(&e.output, &first)
                .filter(|v| v.is_object())
                .cloned()
        })
        .or_else(|| {
            let synthesized = Value::Object(synth::synthesize(spec, &call.op.output));
            value_at(&synthesized, &first).cloned()
        })
}

/// Whether the request's filters let `item` (of an instance in `state`) through.
fn wanted(
    res: &ResourceIndex,
    input: &Map<String, Value>,
    item: &Value,
    state: InstanceState,
) -> bool {
    let list = &res.spec.list;
    let shows = |path: &str, wanted: &[Value]| {
        value_at(item, path).is_some_and(|v| wanted.iter().any(|w| loosely_equal(v, w)))
    };
    let by_id = res
        .id_filter
        .as_ref()
        .and_then(|f| f.values(input))
        .is_none_or(|wanted| shows(&list.id, &wanted));
    let by_name = match (&res.name_filter, &list.name) {
        (Some(filter), Some(path)) => filter
            .values(input)
            .is_none_or(|wanted| shows(path, &wanted)),
        _ => true,
    };
    // A status filter value means its state: any of the state's values finds the instance.
    let by_status = res
        .status_filter
        .as_ref()
        .and_then(|f| f.values(input))
        .is_none_or(|wanted| {
            wanted.iter().any(|w| is_one_of(w, res.values_of(state)))
                || shows(&list.status, &wanted)
        });
    by_id && by_name && by_status
}

/// The page the request asks for. Without a limit, or with 0 (postgres: "input 0 to use the
/// default"), a page holds the largest number the vendor allows, as does a larger limit.
pub(crate) fn page(
    pagination: Option<&Pagination>,
    input: &Map<String, Value>,
    items: Vec<Value>,
) -> Vec<Value> {
    let Some(p) = pagination else {
        return items;
    };
    let number = |member: &str| {
        input.get(member).and_then(|v| match v {
            Value::String(s) => s.trim().parse::<u64>().ok(),
            other => other.as_u64(),
        })
    };
    let largest = usize::try_from(p.max_page_size.max(1)).unwrap_or(usize::MAX);
    let limit = match number(&p.limit).map(|n| usize::try_from(n).unwrap_or(usize::MAX)) {
        None | Some(0) => largest,
        Some(n) => n.min(largest),
    };
    let at = number(&p.offset)
        .map(|n| usize::try_from(n).unwrap_or(usize::MAX))
        .unwrap_or(0);
    let skip = match p.style {
        PageStyle::Offset => at,
        PageStyle::Page0 => at.saturating_mul(limit),
        PageStyle::Page1 => at.saturating_sub(1).saturating_mul(limit),
        PageStyle::Marker => after_marker(p, input, &items),
    };
    items.into_iter().skip(skip).take(limit).collect()
}

/// Marker style: how many items come up to and including the one the request's marker names
/// (the page starts after it). No marker: the first page; a marker no item holds: past the end.
fn after_marker(p: &Pagination, input: &Map<String, Value>, items: &[Value]) -> usize {
    let (Some(marker), Some(path)) = (input.get(&p.offset), p.next_marker.as_deref()) else {
        return 0;
    };
    if marker.is_null() {
        return 0;
    }
    items
        .iter()
        .position(|item| value_at(item, path).is_some_and(|v| loosely_equal(v, marker)))
        .map_or(items.len(), |at| at + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn numbers(n: u64) -> Vec<Value> {
        (0..n).map(Value::from).collect()
    }

    #[test]
    fn pages_by_offset_and_by_page_number() {
        let p = |style| Pagination {
            style,
            offset: "Offset".into(),
            limit: "Limit".into(),
            items: "Items".into(),
            other_items: vec![],
            total: None,
            max_page_size: 4,
            next_marker: None,
        };
        let input = |v: Value| v.as_object().unwrap().clone();
        let offset = p(PageStyle::Offset);
        assert_eq!(
            page(
                Some(&offset),
                &input(json!({"Offset": 3, "Limit": 2})),
                numbers(10)
            ),
            numbers(5)[3..]
        );
        // No limit, 0, or too large: the largest page.
        assert_eq!(page(Some(&offset), &input(json!({})), numbers(10)).len(), 4);
        assert_eq!(
            page(Some(&offset), &input(json!({"Limit": 0})), numbers(10)).len(),
            4
        );
        assert_eq!(
            page(Some(&offset), &input(json!({"Limit": 99})), numbers(10)).len(),
            4
        );
        assert!(page(Some(&offset), &input(json!({"Offset": 10})), numbers(10)).is_empty());
        let page1 = p(PageStyle::Page1);
        assert_eq!(
            page(
                Some(&page1),
                &input(json!({"Offset": 2, "Limit": 3})),
                numbers(10)
            ),
            numbers(6)[3..]
        );
        assert_eq!(
            page(
                Some(&page1),
                &input(json!({"Offset": 0, "Limit": 3})),
                numbers(10)
            ),
            numbers(3)
        );
        let page0 = p(PageStyle::Page0);
        assert_eq!(
            page(
                Some(&page0),
                &input(json!({"Offset": "1", "Limit": "3"})),
                numbers(10)
            ),
            numbers(6)[3..]
        );
        assert_eq!(page(None, &input(json!({})), numbers(10)).len(), 10);
    }

    #[test]
    fn pages_after_a_marker() {
        let logs = Pagination {
            style: PageStyle::Marker,
            offset: "line_num".into(),
            limit: "limit".into(),
            items: "slow_logs".into(),
            other_items: vec![],
            total: None,
            max_page_size: 4,
            next_marker: Some("line_num".into()),
        };
        let items: Vec<Value> = (1..=6)
            .map(|n| json!({"line_num": n.to_string()}))
            .collect();
        let input = |v: Value| v.as_object().unwrap().clone();
        let lines = |page: Vec<Value>| -> Vec<String> {
            page.iter()
                .map(|i| i["line_num"].as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(
            lines(page(
                Some(&logs),
                &input(json!({"limit": 2})),
                items.clone()
            )),
            ["1", "2"]
        );
        assert_eq!(
            lines(page(
                Some(&logs),
                &input(json!({"limit": 2, "line_num": "2"})),
                items.clone()
            )),
            ["3", "4"]
        );
        // A number finds the marker's text; an unknown marker is past the end.
        assert_eq!(
            lines(page(
                Some(&logs),
                &input(json!({"line_num": 5})),
                items.clone()
            )),
            ["6"]
        );
        assert!(page(Some(&logs), &input(json!({"line_num": "x"})), items).is_empty());
    }
}
