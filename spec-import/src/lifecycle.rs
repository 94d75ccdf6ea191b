//! The import rules for task handles, pagination and the resource's member facts, shared by both
//! vendors: what an operation's members say about its lifecycle, stated once here and written
//! into the spec, so nothing downstream guesses from names or prose.
//!
//! - **Task handles.** An overlay's `task_handles` table maps an output member name (`FlowId`,
//!   `AsyncRequestId`, `job_id`) to the service's task API that follows it. Every operation that
//!   is not read-only and whose output has a table member of a string or integer type, or a
//!   list of them (one task per item), gets `task` with the first table member it has. An
//!   overlay's `no_task` states, with the vendor's reason, that a member that looks like a
//!   handle (`TaskId`, `JobId`) is none a waiter can follow. Read-only operations are left out
//!   because a `Describe*` that reports an existing task's id (cdb
//!   `DescribeInstanceUpgradeCheckJob`'s `JobId`) starts nothing.
//! - **Pagination.** An operation whose input has an offset/limit pair ([`PAGE_MEMBERS`]) of
//!   integer members, or of string members (Huawei sends some counts as text), and whose
//!   output has exactly one top-level list member (the items) gets `pagination`, with the
//!   total when the output has an integer (or text) member named like one
//!   ([`TOTAL_MEMBERS`]). A limit without an offset pages by a marker when an input member is
//!   also a member of the listed items (`line_num`: the next page starts after the last
//!   item's). The largest page size comes from the limit member's docs
//!   ([`documented_max_page_size`]), else from the overlay's `default_max_page_size`.
//!
//! - **Resource references.** A string input member whose name ends in "instance id" (in any
//!   case or spelling: `SrcInstanceId`, `source_instance_id`, `MasterDBInstanceId`), other than
//!   the resource's `id`, names an instance by its id: it goes into the resource's
//!   `references` ([`resource_references`]).
//!
//! - **Create names.** A create operation's string input member named as the listed item's
//!   name member (`resource.list.name`: GeminiDB `name`, cdb `InstanceName`) names the new
//!   instance: it goes into the resource's `modify` under the create operation
//!   ([`create_names`]).
//! - **Filtered lists.** A read-only operation other than the resource's list operation whose
//!   optional query member (the resource's `id` or a reference) has the name of a member of the
//!   items of a top-level output list, items without an `id` of their own, lists items about
//!   instances filtered by one (GeminiDB `ShowDisasterRecoverySettings?instance_id=`): it goes
//!   into the resource's `filtered_lists` ([`filtered_lists`]). Items with their own `id`
//!   (`ListBackups?instance_id=`: backups) are things of their own the filter only selects.
//! - **Id outputs.** In an operation that names an instance (by the resource's `id` or a
//!   reference), a string output member at any depth named like an instance's own id
//!   (`InstanceId`, `DBInstanceId`, `instance_id`, not `source_instance_id`) holds the named
//!   instance's id: its path goes into the resource's `id_outputs` ([`id_outputs`]).
//!
//! Operations the rules cannot decide (two lists, no list, a lone limit without a marker, an
//! offset without a limit, no page size) get no pagination and are named in the import notes;
//! an overlay decides them (`pagination:`, or `no_pagination:` with the reason). Overlay
//! patches (`task:`, `no_task:`, `pagination:`, `no_pagination:`) apply after the rules.

use cloud_spec::{
    FilteredList, Location, Member, Operation, PageStyle, Pagination, Service, TaskHandle, TypeExpr,
};
use indexmap::IndexMap;

/// The offset/limit input pairs the pagination rule knows, with what the offset counts.
pub const PAGE_MEMBERS: &[(&str, &str, PageStyle)] = &[
    ("Offset", "Limit", PageStyle::Offset),
    ("offset", "limit", PageStyle::Offset),
    ("PageNumber", "PageSize", PageStyle::Page1),
    ("page_number", "page_size", PageStyle::Page1),
    ("PageNo", "PageSize", PageStyle::Page1),
];

/// Output member names that hold the total number of items, in order of preference.
pub const TOTAL_MEMBERS: &[&str] = &[
    "TotalCount",
    "total_count",
    "Total",
    "total",
    "TotalNum",
    "TotalRecord",
    "total_record",
    "Count",
    "count",
];

/// What the rules need from the overlays.
#[derive(Debug, Clone, Default)]
pub struct RuleSettings {
    /// Output member name → task API key (`FlowId: async-request`).
    pub task_handles: IndexMap<String, String>,
    /// Page size for paged operations whose limit member's docs state no maximum.
    pub default_max_page_size: Option<u32>,
}

/// What the rules did not decide: operation → why it got no pagination.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleFindings {
    /// Operations with paging-like input members but no `pagination`, and why.
    pub undecided_pagination: IndexMap<String, String>,
}

/// States, in the resource's `references`, the input members of each operation that name an
/// instance by its id besides the resource's `id` (see the module docs). Entries an overlay
/// gave are kept; the rule adds the operations they do not cover.
pub fn resource_references(service: &mut Service) {
    let Some(resource) = &mut service.resource else {
        return;
    };
    for (name, op) in &service.operations {
        if resource.references.contains_key(name) {
            continue;
        }
        let members: Vec<String> = op
            .input
            .iter()
            .filter(|(wire, m)| {
                m.ty == TypeExpr::String
                    && **wire != resource.id
                    && loose(wire).ends_with("instanceid")
            })
            .map(|(wire, _)| wire.clone())
            .collect();
        if !members.is_empty() {
            resource.references.insert(name.clone(), members);
        }
    }
}

/// States, in the resource's `modify`, the input member of each create operation that names
/// the new instance: the string member named as the listed item's name member (see the module
/// docs). Entries an overlay gave are kept.
pub fn create_names(service: &mut Service) {
    let Some(resource) = &mut service.resource else {
        return;
    };
    let Some(name_member) = resource.list.name.clone() else {
        return;
    };
    for create in resource.create.keys() {
        if resource.modify.contains_key(create) {
            continue;
        }
        let names = service
            .operations
            .get(create)
            .and_then(|op| op.input.get(&name_member))
            .is_some_and(|m| m.ty == TypeExpr::String);
        if names {
            let sets = IndexMap::from([(name_member.clone(), name_member.clone())]);
            resource.modify.insert(create.clone(), sets);
        }
    }
}

/// States, in the resource's `filtered_lists`, the read-only operations (besides the list
/// operation) that list items about instances filtered by one (see the module docs). Entries an
/// overlay gave are kept; the rule adds the operations they do not cover.
pub fn filtered_lists(service: &mut Service) {
    let Some(resource) = &mut service.resource else {
        return;
    };
    for (name, op) in &service.operations {
        if !op.read_only
            || *name == resource.list.operation
            || resource.filtered_lists.contains_key(name)
        {
            continue;
        }
        let references = resource.references.get(name);
        let filters = op.input.iter().filter(|(wire, m)| {
            m.ty == TypeExpr::String
                && !m.required
                && m.location == Some(Location::Query)
                && (**wire == resource.id || references.is_some_and(|r| r.contains(wire)))
        });
        let found = filters.into_iter().find_map(|(filter, _)| {
            op.output.iter().find_map(|(items, m)| {
                let TypeExpr::List(item) = &m.ty else {
                    return None;
                };
                let members = service.shapes.get(item.shape_name()?)?.members.as_ref()?;
                // Items with an id of their own (a backup's, a mapping's) are not about the
                // instance the filter names: it only selects them.
                if members.keys().any(|n| loose(n) == "id") {
                    return None;
                }
                let item_id = members.keys().find(|n| loose(n) == loose(filter))?;
                Some(FilteredList {
                    filter: filter.clone(),
                    items: items.clone(),
                    item_id: item_id.clone(),
                })
            })
        });
        if let Some(list) = found {
            resource.filtered_lists.insert(name.clone(), list);
        }
    }
}

/// How deep [`id_outputs`] looks into nested structures (a structure may contain itself).
const ID_OUTPUT_DEPTH: usize = 8;

/// States, in the resource's `id_outputs`, the output paths of each operation that names an
/// instance (by the resource's `id` or a reference) where a string member is named like an
/// instance's own id (see the module docs). Entries an overlay gave are kept.
pub fn id_outputs(service: &mut Service) {
    let Some(resource) = &mut service.resource else {
        return;
    };
    for (name, op) in &service.operations {
        let names_one = op
            .input
            .get(&resource.id)
            .is_some_and(|m| m.ty == TypeExpr::String)
            || resource.references.contains_key(name);
        if !names_one || *name == resource.list.operation || resource.id_outputs.contains_key(name)
        {
            continue;
        }
        let mut paths = Vec::new();
        id_paths(&service.shapes, &op.output, "", 0, &mut paths);
        if !paths.is_empty() {
            resource.id_outputs.insert(name.clone(), paths);
        }
    }
}

/// The paths below `members` (prefixed by `prefix`) of string members named like an instance's
/// own id (`InstanceId`, `DBInstanceId`, `instance_id`), lists stepped through by their first
/// item.
fn id_paths(
    shapes: &IndexMap<String, cloud_spec::Shape>,
    members: &IndexMap<String, Member>,
    prefix: &str,
    depth: usize,
    paths: &mut Vec<String>,
) {
    for (name, m) in members {
        let path = format!("{prefix}{name}");
        if m.ty == TypeExpr::String {
            if matches!(loose(name).as_str(), "instanceid" | "dbinstanceid") {
                paths.push(path);
            }
            continue;
        }
        let mut ty = &m.ty;
        let mut path = path;
        while let TypeExpr::List(item) = ty {
            ty = item;
            path.push_str(".0");
        }
        let nested = match ty {
            TypeExpr::Shape(shape) => shapes.get(shape.as_str()).and_then(|s| s.members.as_ref()),
            _ => None,
        };
        if let Some(nested) = nested.filter(|_| depth < ID_OUTPUT_DEPTH) {
            id_paths(shapes, nested, &format!("{path}."), depth + 1, paths);
        }
    }
}

/// A member name in lower case without separators (`source_instance_id` → `sourceinstanceid`).
fn loose(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Applies both rules to every operation of `service` (replacing what an earlier run set).
pub fn apply_rules(service: &mut Service, settings: &RuleSettings) -> RuleFindings {
    let mut findings = RuleFindings::default();
    let shapes = service.shapes.clone();
    for (name, op) in service.operations.iter_mut() {
        op.task = task_handle(op, &settings.task_handles);
        match pagination(op, settings.default_max_page_size, &shapes) {
            Ok(pagination) => op.pagination = pagination,
            Err(reason) => {
                op.pagination = None;
                findings.undecided_pagination.insert(name.clone(), reason);
            }
        }
    }
    findings
}

/// The task handle rule for one operation.
pub fn task_handle(op: &Operation, table: &IndexMap<String, String>) -> Option<TaskHandle> {
    if op.read_only {
        return None;
    }
    table.iter().find_map(|(member, api)| {
        op.output
            .get(member)
            .filter(|m| is_handle_member(m))
            .map(|_| TaskHandle {
                handle: member.clone(),
                api: api.clone(),
            })
    })
}

/// A member that can hold a task handle: a string or an integer, or a list of them (one task
/// per item: mongodb `AssignProject`'s `FlowIds`).
pub fn is_handle_member(member: &Member) -> bool {
    match &member.ty {
        TypeExpr::String | TypeExpr::Integer(_) => true,
        TypeExpr::List(item) => matches!(**item, TypeExpr::String | TypeExpr::Integer(_)),
        _ => false,
    }
}

/// The pagination rule for one operation: `Ok(None)` when the operation does not page,
/// `Err(reason)` when it looks paged but the rule cannot say how.
pub fn pagination(
    op: &Operation,
    default_max_page_size: Option<u32>,
    shapes: &IndexMap<String, cloud_spec::Shape>,
) -> Result<Option<Pagination>, String> {
    let Some(&(offset, limit, style)) = PAGE_MEMBERS
        .iter()
        .find(|(offset, limit, _)| op.input.contains_key(*offset) && op.input.contains_key(*limit))
    else {
        return lone_member(op, default_max_page_size, shapes);
    };
    for member in [offset, limit] {
        if !is_count(&op.input[member].ty, shapes) {
            return Err(format!(
                "`{member}` is `{}`, not an integer or a string",
                op.input[member].ty
            ));
        }
    }
    let items = the_list(op)?;
    let total = TOTAL_MEMBERS
        .iter()
        .find(|name| {
            op.output
                .get(**name)
                .is_some_and(|m| is_count(&m.ty, shapes))
        })
        .map(|name| (*name).to_owned());
    let max_page_size = max_page_size(op, limit, default_max_page_size)?;
    Ok(Some(Pagination {
        style,
        offset: offset.to_owned(),
        limit: limit.to_owned(),
        items,
        other_items: vec![],
        total,
        max_page_size,
        next_marker: None,
    }))
}

/// A limit without an offset pages by a marker when an input member (a string or an integer)
/// is also a member of the listed items: the next page starts after the item whose member
/// holds the marker (Huawei's slow logs continue from the last item's `line_num`). Any other
/// lone paging member is undecided: an offset alone has no page size.
fn lone_member(
    op: &Operation,
    default_max_page_size: Option<u32>,
    shapes: &IndexMap<String, cloud_spec::Shape>,
) -> Result<Option<Pagination>, String> {
    let lone = PAGE_MEMBERS.iter().find_map(|(offset, limit, _)| {
        match (
            op.input.contains_key(*offset),
            op.input.contains_key(*limit),
        ) {
            (false, true) => Some((*limit, format!("`{limit}` without `{offset}`"))),
            (true, false) => Some(("", format!("`{offset}` without `{limit}`"))),
            _ => None,
        }
    });
    let Some((limit, reason)) = lone else {
        return Ok(None);
    };
    if limit.is_empty() || !is_count(&op.input[limit].ty, shapes) {
        return Err(reason);
    }
    let Ok(items) = the_list(op) else {
        return Err(reason);
    };
    let item_members = match &op.output[&items].ty {
        TypeExpr::List(item) => match item.as_ref() {
            TypeExpr::Shape(name) => shapes.get(name).and_then(|s| s.members.as_ref()),
            _ => None,
        },
        _ => None,
    };
    let marker = item_members.and_then(|members| {
        op.input.iter().find(|(name, member)| {
            name.as_str() != limit
                && is_marker(&member.ty)
                && members.get(name.as_str()).is_some_and(|m| is_marker(&m.ty))
        })
    });
    let Some((marker, _)) = marker else {
        return Err(format!(
            "{reason}, and no input member is a member of the listed items (a marker)"
        ));
    };
    Ok(Some(Pagination {
        style: PageStyle::Marker,
        offset: marker.clone(),
        limit: limit.to_owned(),
        items,
        other_items: vec![],
        total: None,
        max_page_size: max_page_size(op, limit, default_max_page_size)?,
        next_marker: Some(marker.clone()),
    }))
}

/// The one top-level list of the output: the items.
fn the_list(op: &Operation) -> Result<String, String> {
    let lists: Vec<&str> = op
        .output
        .iter()
        .filter(|(_, m)| matches!(m.ty, TypeExpr::List(_)))
        .map(|(name, _)| name.as_str())
        .collect();
    match lists.as_slice() {
        [items] => Ok((*items).to_owned()),
        [] => Err("the output has no top-level list".to_owned()),
        several => Err(format!(
            "the output has {} top-level lists ({})",
            several.len(),
            several.join(", ")
        )),
    }
}

fn max_page_size(
    op: &Operation,
    limit: &str,
    default_max_page_size: Option<u32>,
) -> Result<u32, String> {
    documented_max_page_size(&op.input[limit].docs)
        .or(default_max_page_size)
        .ok_or_else(|| {
            format!("the docs of `{limit}` state no maximum and the overlay sets no `default_max_page_size`")
        })
}

/// A count: an integer type, an integer enum, or a string (that holds a number: Huawei's text
/// offsets and totals).
fn is_count(ty: &TypeExpr, shapes: &IndexMap<String, cloud_spec::Shape>) -> bool {
    match ty {
        TypeExpr::Integer(_) | TypeExpr::String => true,
        TypeExpr::Shape(name) => shapes
            .get(name)
            .is_some_and(|s| s.enum_kind == Some(cloud_spec::EnumKind::Integer)),
        _ => false,
    }
}

/// A marker: a string or an integer.
fn is_marker(ty: &TypeExpr) -> bool {
    matches!(ty, TypeExpr::Integer(_) | TypeExpr::String)
}

/// Words after which the docs give the largest page size: "Maximum value: 100", "maximum is
/// 200", "up to 100", "最大限制100条", "不超过100".
const MAXIMUM_WORDS: &[&str] = &[
    "maximum",
    "max",
    "up to",
    "at most",
    "no more than",
    "not exceed",
    "最大",
    "最多",
    "不超过",
    "上限为",
];

/// Words after which the docs give a range whose upper end is the largest page size: "value
/// range: 1-100", "ranges from 1 to 100", "[1, 100]", "取值范围：1~100".
const RANGE_WORDS: &[&str] = &["range", "from", "取值范围", "范围"];

/// How far (in characters) a number may follow its trigger word: "Maximum value is recommended
/// to be 100" still counts, "Maximum number of instances to return, from 1 to 100" does not (the
/// range rule reads that one).
const TRIGGER_REACH: usize = 30;

/// The largest page size a limit member's docs state, in English or Chinese: "Maximum value:
/// 100", "maximum is 800", "the value range is (1, 100]", "Value range: 1–100", "ranges from 1
/// to 100", "up to 100", "取值范围：1~100", "最大限制100条". `None` when the docs state none.
///
/// A stated maximum wins over a range ("Minimum value: 1. Maximum value: 1000"); within each,
/// the first mention counts. A sentence end (`.`, `;`, `。`, `；`, a line break) stops the search
/// for the number, so "Default value: 20. Maximum value: 100" is not read as 20.
pub fn documented_max_page_size(docs: &str) -> Option<u32> {
    let text = docs.to_lowercase();
    let chars: Vec<char> = text.chars().collect();
    for words in [MAXIMUM_WORDS, RANGE_WORDS] {
        let mut best: Option<(usize, u32)> = None;
        for word in words {
            let word: Vec<char> = word.chars().collect();
            let mut at = 0;
            while let Some(found) = find(&chars, &word, at) {
                at = found + 1;
                let after = found + word.len();
                // `max` must not be the start of another word than `maximum` (`maxim...` is
                // covered by "maximum" itself); English words need a boundary before them.
                if word[0].is_ascii_alphabetic()
                    && found > 0
                    && chars[found - 1].is_ascii_alphanumeric()
                {
                    continue;
                }
                let value = if words == RANGE_WORDS {
                    range_end(&chars, after)
                } else {
                    number_after(&chars, after).map(|(n, _)| n)
                };
                if let Some(value) = value.filter(|v| *v > 0) {
                    if best.is_none_or(|(pos, _)| found < pos) {
                        best = Some((found, value));
                    }
                    break;
                }
            }
        }
        if let Some((_, value)) = best {
            return Some(value);
        }
    }
    None
}

fn find(haystack: &[char], needle: &[char], from: usize) -> Option<usize> {
    (from..haystack.len().saturating_sub(needle.len() - 1))
        .find(|&i| haystack[i..].starts_with(needle))
}

fn is_sentence_end(chars: &[char], i: usize) -> bool {
    match chars[i] {
        ';' | '。' | '；' | '\n' => true,
        // A full stop, not a decimal point.
        '.' => !chars.get(i + 1).is_some_and(char::is_ascii_digit),
        _ => false,
    }
}

/// The first number within reach after `from`, and the index after it. "10,000" is one number.
fn number_after(chars: &[char], from: usize) -> Option<(u32, usize)> {
    let mut i = from;
    while i < chars.len() && i - from <= TRIGGER_REACH {
        if chars[i].is_ascii_digit() {
            let mut value: u64 = 0;
            while i < chars.len() {
                if chars[i].is_ascii_digit() {
                    value = value * 10 + u64::from(chars[i].to_digit(10)?);
                    if value > u64::from(u32::MAX) {
                        return None;
                    }
                    i += 1;
                } else if chars[i] == ','
                    && chars.len() >= i + 4
                    && chars[i + 1..i + 4].iter().all(char::is_ascii_digit)
                    && !chars.get(i + 4).is_some_and(char::is_ascii_digit)
                {
                    // A thousands separator: "10,000".
                    i += 1;
                } else {
                    break;
                }
            }
            return u32::try_from(value).ok().map(|v| (v, i));
        }
        if is_sentence_end(chars, i) {
            return None;
        }
        i += 1;
    }
    None
}

/// The upper end of a range right after `from`: `1-100`, `1–100`, `1~100`, `1 to 100`,
/// `[1, 100]`, `(1, 100]`, `1至100`.
fn range_end(chars: &[char], from: usize) -> Option<u32> {
    let (_, after_low) = number_after(chars, from)?;
    let rest: String = chars[after_low..].iter().take(8).collect();
    let trimmed = rest.trim_start();
    let separator = ["-", "–", "—", "~", "～", "to", ",", "，", "至", "到"]
        .iter()
        .find(|s| trimmed.starts_with(**s))?;
    let skip = rest.chars().count() - trimmed.chars().count() + separator.chars().count();
    let high_from = after_low + skip;
    // The upper end follows the separator directly (spaces aside).
    let mut i = high_from;
    while i < chars.len() && chars[i] == ' ' {
        i += 1;
    }
    if !chars.get(i).is_some_and(char::is_ascii_digit) {
        return None;
    }
    number_after(chars, i).map(|(n, _)| n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloud_spec::Shape;

    #[test]
    fn reads_the_maximum_page_size_from_english_docs() {
        for (docs, expected) in [
            ("Number of items returned per request. Default value: 20. Maximum value: 2000.", Some(2000)),
            ("Page size. Default value: 20. Minimum value: 1. Maximum value: 1000.", Some(1000)),
            ("The default value is 20, and the value range is (1, 100].", Some(100)),
            ("The default value is 20, and the value range is [0, 10000].", Some(10000)),
            ("Value range: 1–100. The default value is 20.", Some(100)),
            ("Number of results to be returned for a single request. Value range: 1-100. Default value: `20`.", Some(100)),
            ("Maximum entries returned per page, which ranges from 1 to 100. Default value: `20`.", Some(100)),
            ("Maximum number of instances to return, from 1 to 100. Default: the first 100 instances are returned.", Some(100)),
            ("Number of items displayed at a time. the maximum value is recommended to be 100.\nDefault value: 20.", Some(100)),
            ("Number of entries per page. Maximum value: `100`. If this parameter is left empty, all entries will be returned.", Some(100)),
            ("The pagination parameter, which specifies the number of entries per page. Maximum value: 100 (default).", Some(100)),
            ("Number of displayed events. Default is 100, maximum is 200.", Some(200)),
            ("Default value is 100. Maximum value is 100.", Some(100)),
            ("Returns up to 50 entries.", Some(50)),
            ("Query limit\n\nValue range: [1, 300]", Some(300)),
            ("Number of results displayed per page. value range: 0-100. input 0 to use the default configuration. default is 10.", Some(100)),
            ("At most 10,000 entries.", Some(10000)),
        ] {
            assert_eq!(documented_max_page_size(docs), expected, "{docs}");
        }
    }

    #[test]
    fn reads_the_maximum_page_size_from_chinese_docs() {
        for (docs, expected) in [
            ("查询个数上限值。  - 取值范围：1~100。 - 不传该参数时，默认查询前100条信息。", Some(100)),
            ("**参数解释：** 查询返回记录的数量上限值。 **取值范围：** 1~300。 **默认取值：** 300。", Some(300)),
            ("表示每次查询的日志条数，最大限制100条。", Some(100)),
            ("查询记录数。取值范围[1, 100]，默认10 （表示默认返回10条数据）。", Some(100)),
            ("查询返回记录的数量上限值，取值范围为0~1000，默认值为1000。", Some(1000)),
            ("分页查询页数。不传该参数时，默认每页50条实例节点连接信息，最大100条。", Some(100)),
            ("查询记录数。不传该参数时，默认为10,取值范围1-100。", Some(100)),
        ] {
            assert_eq!(documented_max_page_size(docs), expected, "{docs}");
        }
    }

    #[test]
    fn docs_without_a_maximum_give_none() {
        for docs in [
            "Number of queries.",
            "Page size. Defaults to 15.",
            "Default value: 20.",
            "Maximum entries returned per page",
            "每页条数。",
            // A list of allowed values is not a range.
            "查询记录数。取值 10 20 50 ，默认为50。",
            // Starting somewhere is not a range.
            "Data offset, starting from 0.",
        ] {
            assert_eq!(documented_max_page_size(docs), None, "{docs}");
        }
    }

    fn member(ty: &str, docs: &str) -> Member {
        Member {
            docs: docs.into(),
            ..Member::new(TypeExpr::parse(ty).unwrap())
        }
    }

    fn operation(input: &[(&str, &str)], output: &[(&str, &str)]) -> Operation {
        Operation {
            docs: "An operation.".into(),
            http: None,
            rate_limit: None,
            regions: vec![],
            read_only: false,
            idempotent: false,
            deprecated: false,
            input: input
                .iter()
                .map(|(n, t)| ((*n).to_owned(), member(t, "")))
                .collect(),
            output: output
                .iter()
                .map(|(n, t)| ((*n).to_owned(), member(t, "")))
                .collect(),
            errors: vec![],
            examples: vec![],
            waiter: None,
            task: None,
            pagination: None,
            no_task: None,
            no_pagination: None,
        }
    }

    #[test]
    fn task_handles_go_to_mutations_with_a_scalar_table_member() {
        let table: IndexMap<String, String> = [
            ("TaskId".to_owned(), "tasks".to_owned()),
            ("FlowId".to_owned(), "tasks".to_owned()),
        ]
        .into_iter()
        .collect();
        // Both members: the first of the table wins.
        let op = operation(&[], &[("FlowId", "int64"), ("TaskId", "int64")]);
        assert_eq!(
            task_handle(&op, &table),
            Some(TaskHandle {
                handle: "TaskId".into(),
                api: "tasks".into()
            })
        );
        // A list of handles: one task per item.
        let op = operation(&[], &[("FlowId", "list<uint64>")]);
        assert_eq!(task_handle(&op, &table).unwrap().handle, "FlowId");
        let op = operation(&[], &[("FlowId", "list<list<uint64>>")]);
        assert_eq!(task_handle(&op, &table), None);
        // A read-only operation reports a task; it starts none.
        let mut op = operation(&[], &[("FlowId", "string")]);
        assert!(task_handle(&op, &table).is_some());
        op.read_only = true;
        assert_eq!(task_handle(&op, &table), None);
    }

    #[test]
    fn pagination_needs_an_integer_pair_and_one_list() {
        let shapes: IndexMap<String, Shape> = IndexMap::new();
        let mut op = operation(
            &[("Offset", "uint64"), ("Limit", "uint64")],
            &[
                ("TotalCount", "int64"),
                ("Items", "list<string>"),
                ("RequestId", "string"),
            ],
        );
        op.input["Limit"].docs = "Maximum value: 100.".into();
        assert_eq!(
            pagination(&op, None, &shapes),
            Ok(Some(Pagination {
                style: PageStyle::Offset,
                offset: "Offset".into(),
                limit: "Limit".into(),
                items: "Items".into(),
                other_items: vec![],
                total: Some("TotalCount".into()),
                max_page_size: 100,
                next_marker: None,
            }))
        );
        // No maximum in the docs: the overlay's default, or undecided.
        op.input["Limit"].docs = String::new();
        assert_eq!(
            pagination(&op, Some(50), &shapes)
                .unwrap()
                .unwrap()
                .max_page_size,
            50
        );
        assert!(pagination(&op, None, &shapes)
            .unwrap_err()
            .contains("default_max_page_size"));
        // Two lists: undecided.
        op.output.insert("Names".into(), member("list<string>", ""));
        assert_eq!(
            pagination(&op, Some(50), &shapes),
            Err("the output has 2 top-level lists (Items, Names)".into())
        );
        // Page numbers; no total.
        let op = operation(
            &[("PageNumber", "int64"), ("PageSize", "int64")],
            &[("Groups", "list<string>")],
        );
        let paged = pagination(&op, Some(99), &shapes).unwrap().unwrap();
        assert_eq!((paged.style, paged.total), (PageStyle::Page1, None));
        // Text offsets and a text total page as numbers do; a list of pairs does not.
        let op = operation(
            &[("offset", "string"), ("limit", "string")],
            &[("x", "list<string>"), ("total_count", "string")],
        );
        let paged = pagination(&op, Some(1), &shapes).unwrap().unwrap();
        assert_eq!(paged.total.as_deref(), Some("total_count"));
        let op = operation(
            &[("offset", "list<string>"), ("limit", "string")],
            &[("x", "list<string>")],
        );
        assert_eq!(
            pagination(&op, Some(1), &shapes),
            Err("`offset` is `list<string>`, not an integer or a string".into())
        );
        // A lone limit without a marker in the items.
        let op = operation(&[("limit", "int32")], &[("x", "list<string>")]);
        assert_eq!(
            pagination(&op, Some(1), &shapes),
            Err("`limit` without `offset`, and no input member is a member of the listed items (a marker)".into())
        );
        let op = operation(&[("InstanceId", "string")], &[("x", "list<string>")]);
        assert_eq!(pagination(&op, Some(1), &shapes), Ok(None));
    }

    #[test]
    fn a_lone_limit_pages_by_a_member_the_items_share() {
        let mut shapes: IndexMap<String, Shape> = IndexMap::new();
        shapes.insert(
            "Log".into(),
            Shape {
                docs: String::new(),
                members: Some(
                    [("line_num", "string"), ("text", "string")]
                        .iter()
                        .map(|(n, t)| ((*n).to_owned(), member(t, "")))
                        .collect(),
                ),
                enum_kind: None,
                values: vec![],
            },
        );
        let mut op = operation(
            &[
                ("node_id", "string"),
                ("limit", "int32"),
                ("line_num", "string"),
            ],
            &[("slow_logs", "list<Log>")],
        );
        op.input["limit"].docs = "Number of log records per query, at most 100.".into();
        assert_eq!(
            pagination(&op, None, &shapes),
            Ok(Some(Pagination {
                style: PageStyle::Marker,
                offset: "line_num".into(),
                limit: "limit".into(),
                items: "slow_logs".into(),
                other_items: vec![],
                total: None,
                max_page_size: 100,
                next_marker: Some("line_num".into()),
            }))
        );
        // Items without the member: undecided.
        op.output["slow_logs"].ty = TypeExpr::List(Box::new(TypeExpr::String));
        assert!(pagination(&op, None, &shapes)
            .unwrap_err()
            .contains("no input member is a member of the listed items"));
    }
}
