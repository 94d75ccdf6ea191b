//! The service's instance resource as its spec states it (`cloud_spec::Resource`), indexed for
//! serving: the list operation's items, total and filters, the status values of each state,
//! new ids in the vendor's format, and the instances a lifecycle call names.
//!
//! Everything here reads the spec's keys; nothing is guessed from an operation's or a member's
//! name. A service whose spec has no `resource` is answered from its documented examples.

use cloud_spec::{Member, Pagination, Resource, Service, TypeExpr};
use cloud_transport::json_path::{is_one_of, loosely_equal};
use indexmap::IndexMap;
use serde_json::{Map, Value};

use crate::state::InstanceState;

/// A service's resource, indexed.
#[derive(Debug, Clone)]
pub(crate) struct ResourceIndex {
    pub spec: Resource,
    /// Dot-separated path of the listed items in the list operation's output (`InstanceDetails`).
    pub items: String,
    /// Dot-separated path of the total count in the list operation's output, if it has one.
    pub total: Option<String>,
    /// How the list operation pages, if its spec says.
    pub pagination: Option<Pagination>,
    /// The structure of a listed item (`InstanceDetail`): a member of this type in another
    /// answer about one instance (postgres `DescribeDBInstanceAttribute`'s `DBInstance`) shows
    /// the same id, name and status.
    pub item_shape: Option<String>,
    pub id_filter: Option<FilterMember>,
    pub name_filter: Option<FilterMember>,
    pub status_filter: Option<FilterMember>,
}

/// A list operation's filter member, as [`cloud_spec::lifecycle::FilterMember`] reads the
/// spec's text: `Member` (a value or a list of values) or `Member[filter-name]`, Tencent's
/// `[{"Name": filter-name, "Values": [...]}]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FilterMember {
    member: String,
    filter_name: Option<String>,
}

impl FilterMember {
    /// The filter `text` states; `None` if it does not parse (the spec validator refuses it).
    pub(crate) fn parse(text: &str) -> Option<FilterMember> {
        let parsed = cloud_spec::lifecycle::FilterMember::parse(text).ok()?;
        Some(FilterMember {
            member: parsed.member.to_owned(),
            filter_name: parsed.filter_name.map(str::to_owned),
        })
    }

    /// The values the request filters by; `None` when it does not filter by this member (absent,
    /// null, or an empty list, which the vendors treat as "no filter").
    pub(crate) fn values(&self, input: &Map<String, Value>) -> Option<Vec<Value>> {
        let given = input.get(&self.member)?;
        let values = match (&self.filter_name, given) {
            (_, Value::Null) => return None,
            (None, Value::Array(items)) => items.clone(),
            (None, one) => vec![one.clone()],
            (Some(name), Value::Array(filters)) => filters
                .iter()
                .filter(|f| f.get(TENCENT_FILTER_NAME).and_then(Value::as_str) == Some(name))
                .filter_map(|f| f.get(TENCENT_FILTER_VALUES)?.as_array())
                .flatten()
                .cloned()
                .collect(),
            (Some(_), _) => return None,
        };
        (!values.is_empty()).then_some(values)
    }
}

/// Tencent's filter structure: `{"Name": "db-instance-id", "Values": ["postgres-1"]}`.
const TENCENT_FILTER_NAME: &str = "Name";
const TENCENT_FILTER_VALUES: &str = "Values";

impl ResourceIndex {
    /// The index of `spec`'s resource, if it has one whose list operation exists.
    pub(crate) fn of(spec: &Service) -> Option<ResourceIndex> {
        let resource = spec.resource.as_ref()?;
        let list_op = spec.operations.get(&resource.list.operation)?;
        let pagination = list_op.pagination.clone();
        let items = match &pagination {
            Some(p) => p.items.clone(),
            // The model says the list operation pages; without it, the first top-level list
            // of structures holding the id member is the list.
            None => list_op.output.iter().find_map(|(name, m)| {
                let TypeExpr::List(item) = &m.ty else {
                    return None;
                };
                let members = shape_members(spec, item.shape_name()?)?;
                members
                    .contains_key(&resource.list.id)
                    .then(|| name.clone())
            })?,
        };
        let item_shape = match type_at(spec, &list_op.output, &items) {
            Some(TypeExpr::List(item)) => item.shape_name().map(str::to_owned),
            _ => None,
        };
        let filters = &resource.list.filters;
        Some(ResourceIndex {
            spec: resource.clone(),
            total: pagination.as_ref().and_then(|p| p.total.clone()),
            items,
            pagination,
            item_shape,
            id_filter: filters.id.as_deref().and_then(FilterMember::parse),
            name_filter: filters.name.as_deref().and_then(FilterMember::parse),
            status_filter: filters.status.as_deref().and_then(FilterMember::parse),
        })
    }

    /// The status values of `state`. A state whose set the spec leaves empty shows as running
    /// (an instance only gets there from a seed: a call moves an instance only to states the
    /// spec has values for, see [`has`](Self::has)).
    pub(crate) fn values_of(&self, state: InstanceState) -> &[Value] {
        let states = &self.spec.states;
        let set = match state {
            InstanceState::Creating => &states.creating,
            InstanceState::Running => &states.running,
            InstanceState::Changing => &states.changing,
            InstanceState::Isolated => &states.isolated,
            InstanceState::Deleted => &states.deleted,
            InstanceState::Failed => &states.failed,
        };
        if set.is_empty() {
            &states.running
        } else {
            set
        }
    }

    /// Whether the spec has status values for `state` (`creating` and `running` always have).
    pub(crate) fn has(&self, state: InstanceState) -> bool {
        let states = &self.spec.states;
        match state {
            InstanceState::Creating | InstanceState::Running => true,
            InstanceState::Changing => !states.changing.is_empty(),
            InstanceState::Isolated => !states.isolated.is_empty(),
            InstanceState::Deleted => !states.deleted.is_empty(),
            InstanceState::Failed => !states.failed.is_empty(),
        }
    }

    /// The status an instance in `state` reports: the first of its values.
    pub(crate) fn status_of(&self, state: InstanceState) -> Option<Value> {
        self.values_of(state).first().cloned()
    }

    /// Sets the status member at `path` in `target` to what `state` reports, unless it already
    /// shows one of the state's values (a documented answer is then kept as documented).
    pub(crate) fn show_status(&self, target: &mut Value, path: &str, state: InstanceState) {
        let shown = cloud_transport::json_path::value_at(target, path);
        if shown.is_some_and(|v| is_one_of(v, self.values_of(state))) {
            return;
        }
        if let Some(status) = self.status_of(state) {
            cloud_transport::json_path::set_path(target, path, status);
        }
    }

    /// The instances a call of operation `name` names: its `id_members` entry (postgres
    /// `IsolateDBInstances`' `DBInstanceIdSet`, a list of strings) or the resource's id member.
    pub(crate) fn named_ids(&self, name: &str, input: &Map<String, Value>) -> Vec<String> {
        let member = self.spec.id_members.get(name).unwrap_or(&self.spec.id);
        match input.get(member) {
            Some(Value::String(id)) => vec![id.clone()],
            Some(Value::Array(ids)) => ids
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The value the listed item shows for `value`, given to input `member` of modify
    /// operation `name` (`modify_values`: GeminiDB `SwitchSsl`'s `ssl_option: on` shows as
    /// `ssl: "1"`); the value itself without a mapping.
    pub(crate) fn shown_value(&self, name: &str, member: &str, value: &Value) -> Value {
        self.spec
            .modify_values
            .get(name)
            .and_then(|members| members.get(member))
            .and_then(|mappings| mappings.iter().find(|m| loosely_equal(&m.input, value)))
            .map_or_else(|| value.clone(), |m| m.shows.clone())
    }
}

/// The members of a structure shape.
pub(crate) fn shape_members<'s>(
    spec: &'s Service,
    shape: &str,
) -> Option<&'s IndexMap<String, Member>> {
    spec.shapes.get(shape)?.members.as_ref()
}

/// The type of the member at a dot-separated `path` below `members`; numeric segments step
/// into a list's items (`TaskSet.0.Status`).
pub(crate) fn type_at(
    spec: &Service,
    members: &IndexMap<String, Member>,
    path: &str,
) -> Option<TypeExpr> {
    let mut scope = Some(members);
    let mut ty: Option<TypeExpr> = None;
    for segment in path.split('.') {
        if let (Ok(_), Some(TypeExpr::List(item))) = (segment.parse::<usize>(), &ty) {
            let item = (**item).clone();
            scope = item.shape_name().and_then(|s| shape_members(spec, s));
            ty = Some(item);
            continue;
        }
        let member = scope?.get(segment)?;
        let member_ty = member.ty.clone();
        scope = member_ty.shape_name().and_then(|s| shape_members(spec, s));
        ty = Some(member_ty);
    }
    ty
}

/// Whether `value` can stand where a member of type `ty` is: a string for a string, a number
/// for a number, anything for `json` or a shape (an enum's values are checked by the spec).
pub(crate) fn fits(ty: &TypeExpr, value: &Value) -> bool {
    match ty {
        TypeExpr::String | TypeExpr::Timestamp => value.is_string(),
        TypeExpr::Boolean => value.is_boolean(),
        TypeExpr::Integer(_) => value.is_i64() || value.is_u64(),
        TypeExpr::Float => value.is_number(),
        TypeExpr::List(_) => value.is_array(),
        TypeExpr::Map(_) => value.is_object(),
        TypeExpr::Json | TypeExpr::Shape(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn filter_members() {
        let input = json!({
            "InstanceIds": ["a", "b"], "Name": "n", "Empty": [],
            "Filters": [{"Name": "db-instance-id", "Values": ["p-1"]},
                        {"Name": "db-instance-name", "Values": ["x", "y"]}]
        });
        let input = input.as_object().unwrap();
        let values = |text: &str| FilterMember::parse(text).unwrap().values(input);
        assert_eq!(values("InstanceIds"), Some(vec![json!("a"), json!("b")]));
        assert_eq!(values("Name"), Some(vec![json!("n")]));
        assert_eq!(values("Empty"), None);
        assert_eq!(values("Absent"), None);
        assert_eq!(values("Filters[db-instance-id]"), Some(vec![json!("p-1")]));
        assert_eq!(
            values("Filters[db-instance-name]"),
            Some(vec![json!("x"), json!("y")])
        );
        assert_eq!(values("Filters[db-instance-status]"), None);
        assert_eq!(values("Name[x]"), None, "not a list of filters");
        assert!(FilterMember::parse("Filters[]").is_none());
    }
}
