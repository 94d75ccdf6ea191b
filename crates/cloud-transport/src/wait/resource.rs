//! Resource state waiters: list the service's instances, filtered by id, until the instance is
//! running, isolated, or gone.

use serde_json::{json, Map, Value};

use super::poll::{poll_until, Observation, Verdict};
use super::scalar::{is_in, Scalar};
use super::{WaitError, WaitOptions, Waited};
use crate::json_path::{loosely_equal, value_at};
use crate::paginate::pager::Pager;
use crate::paginate::PageInfo;
use crate::{Client, OperationInfo, Result};

/// A service's main resource (its database instance) as its state waiters see it: how to list
/// it, which member of a listed item is its id and which its status, and what the statuses mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceInfo {
    /// What one is called, lower case (`instance`).
    pub name: &'static str,
    /// The list operation.
    pub list: OperationInfo,
    /// How it pages.
    pub pages: PageInfo,
    /// Its input member that filters by id, when it has one (without one, every poll reads
    /// the whole list).
    pub id_filter: Option<ListFilter>,
    /// Dot-separated path of the id in a listed item.
    pub item_id: &'static str,
    /// Dot-separated path of the status in a listed item.
    pub item_status: &'static str,
    /// Statuses of a running, usable resource.
    pub running: &'static [Scalar],
    /// Statuses of an isolated resource (in the recycle bin).
    pub isolated: &'static [Scalar],
    /// Statuses of a resource being deleted or deleted.
    pub deleted: &'static [Scalar],
    /// Statuses the resource does not leave by itself (a failed creation): waiting for it to
    /// run or to be isolated stops there.
    pub failed: &'static [Scalar],
}

/// An input member of a list operation that filters it by one value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListFilter {
    /// The input member (`InstanceIds`, `Filters`, `id`).
    pub member: &'static str,
    /// For a Tencent filter list: the filter's name (`db-instance-id`), sent as
    /// `[{"Name": name, "Values": [value]}]`.
    pub name: Option<&'static str>,
    /// The member takes a list (`InstanceIds: [value]`) rather than one value.
    pub list: bool,
}

impl ListFilter {
    /// The member's value that keeps only `value`.
    pub fn value_for(&self, value: &str) -> Value {
        match (self.name, self.list) {
            (Some(name), _) => json!([{ "Name": name, "Values": [value] }]),
            (None, true) => json!([value]),
            (None, false) => json!(value),
        }
    }
}

/// A state a resource waiter waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ResourceState {
    /// Listed with a running status. Fails early when the resource turns deleted, isolated or
    /// failed.
    Running,
    /// Listed with an isolated status. Fails early when it turns deleted or failed.
    Isolated,
    /// No longer listed, or listed with a deleted status. (A failed resource being deleted is
    /// still waited for.)
    Gone,
}

impl ResourceState {
    fn describe(self) -> &'static str {
        match self {
            ResourceState::Running => "running",
            ResourceState::Isolated => "isolated",
            ResourceState::Gone => "gone",
        }
    }
}

impl ResourceInfo {
    /// The list operation's input that asks for the resource `id` only (empty without an id
    /// filter).
    pub fn list_input(&self, id: &str) -> Value {
        let mut input = Map::new();
        if let Some(filter) = &self.id_filter {
            input.insert(filter.member.to_owned(), filter.value_for(id));
        }
        Value::Object(input)
    }

    /// The listed item of resource `id`, if it is listed. Reads pages until it is found.
    ///
    /// # Errors
    ///
    /// A failed list call, or a list that does not page consistently.
    pub async fn find(&self, client: &Client, id: &str) -> Result<Option<Value>> {
        self.find_until(client, id, None).await
    }

    async fn find_until(
        &self,
        client: &Client,
        id: &str,
        deadline: Option<std::time::Instant>,
    ) -> Result<Option<Value>> {
        let mut pager = Pager::new(client.clone(), self.list, self.pages, self.list_input(id));
        if let Some(deadline) = deadline {
            pager.set_deadline(deadline);
        }
        let wanted = Value::from(id);
        while let Some(page) = pager.fetch().await {
            let page = page?;
            let items = value_at(&page, self.pages.items).and_then(Value::as_array);
            let found = items.into_iter().flatten().find(|item| {
                value_at(item, self.item_id).is_some_and(|have| loosely_equal(have, &wanted))
            });
            if let Some(item) = found {
                return Ok(Some(item.clone()));
            }
        }
        Ok(None)
    }

    /// Whether an item (or its absence) is `state`, not yet, or never will be.
    fn judge(&self, item: Option<&Value>, state: ResourceState) -> (Option<Value>, Verdict) {
        let status = item
            .and_then(|item| value_at(item, self.item_status))
            .filter(|s| !s.is_null())
            .cloned();
        let unreachable = |status: &Value| {
            Verdict::Failed(WaitError::Unreachable {
                status: status.clone(),
            })
        };
        let verdict = match (state, item, &status) {
            (ResourceState::Gone, None, _) => Verdict::Done,
            (ResourceState::Gone, Some(_), Some(s)) if is_in(s, self.deleted) => Verdict::Done,
            (ResourceState::Running, Some(_), Some(s)) if is_in(s, self.running) => Verdict::Done,
            (ResourceState::Running, Some(_), Some(s))
                if is_in(s, self.deleted) || is_in(s, self.isolated) || is_in(s, self.failed) =>
            {
                unreachable(s)
            }
            (ResourceState::Isolated, Some(_), Some(s)) if is_in(s, self.isolated) => Verdict::Done,
            (ResourceState::Isolated, Some(_), Some(s))
                if is_in(s, self.deleted) || is_in(s, self.failed) =>
            {
                unreachable(s)
            }
            // Not listed yet (a new resource can take a moment to show), or on its way.
            _ => Verdict::Pending,
        };
        (status, verdict)
    }

    /// Polls the list until resource `id` is in `state`.
    ///
    /// The output of the [`Waited`] is the resource's listed item (`null` once it is gone).
    ///
    /// # Errors
    ///
    /// [`WaitError::Unreachable`] when the resource turns deleted (or isolated) while waiting
    /// for it to run, [`WaitError::Timeout`] at the deadline, [`WaitError::Call`] when a list
    /// call fails.
    pub async fn wait_until(
        &self,
        client: &Client,
        id: &str,
        state: ResourceState,
        options: &WaitOptions,
    ) -> Result<Waited, WaitError> {
        let what = format!("{} {id} {}", self.name, state.describe());
        poll_until(&what, options, |deadline| async move {
            let item = self.find_until(client, id, Some(deadline)).await?;
            let (status, verdict) = self.judge(item.as_ref(), state);
            Ok(Observation {
                output: item.unwrap_or(Value::Null),
                status,
                verdict,
            })
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INSTANCE: ResourceInfo = ResourceInfo {
        name: "instance",
        list: OperationInfo::action("DescribeDBInstances").read_only(),
        pages: PageInfo::new("Offset", "Limit", "DBInstanceSet", 100).with_total("TotalCount"),
        id_filter: Some(ListFilter {
            member: "Filters",
            name: Some("db-instance-id"),
            list: true,
        }),
        item_id: "DBInstanceId",
        item_status: "DBInstanceStatus",
        running: &[Scalar::Str("running")],
        isolated: &[Scalar::Str("isolated")],
        deleted: &[Scalar::Str("offline"), Scalar::Str("deleting")],
        failed: &[Scalar::Str("createfail")],
    };

    #[test]
    fn filters_take_the_form_the_member_takes() {
        assert_eq!(
            INSTANCE.list_input("postgres-1"),
            json!({"Filters": [{"Name": "db-instance-id", "Values": ["postgres-1"]}]})
        );
        let ids = ListFilter {
            member: "InstanceIds",
            name: None,
            list: true,
        };
        assert_eq!(ids.value_for("a"), json!(["a"]));
        let one = ListFilter { list: false, ..ids };
        assert_eq!(one.value_for("a"), json!("a"));
    }

    #[test]
    fn states_decide_the_verdict() {
        let item = |status: &str| json!({"DBInstanceId": "p", "DBInstanceStatus": status});
        let verdict = |item: Option<&Value>, state| INSTANCE.judge(item, state).1;
        assert!(matches!(
            verdict(Some(&item("running")), ResourceState::Running),
            Verdict::Done
        ));
        assert!(matches!(
            verdict(Some(&item("creating")), ResourceState::Running),
            Verdict::Pending
        ));
        assert!(matches!(
            verdict(None, ResourceState::Running),
            Verdict::Pending
        ));
        assert!(matches!(
            verdict(Some(&item("isolated")), ResourceState::Running),
            Verdict::Failed(WaitError::Unreachable { .. })
        ));
        assert!(matches!(
            verdict(Some(&item("createfail")), ResourceState::Running),
            Verdict::Failed(WaitError::Unreachable { .. })
        ));
        assert!(matches!(
            verdict(Some(&item("createfail")), ResourceState::Gone),
            Verdict::Pending
        ));
        assert!(matches!(verdict(None, ResourceState::Gone), Verdict::Done));
        assert!(matches!(
            verdict(Some(&item("deleting")), ResourceState::Gone),
            Verdict::Done
        ));
        assert!(matches!(
            verdict(Some(&item("running")), ResourceState::Gone),
            Verdict::Pending
        ));
        assert!(matches!(
            verdict(Some(&item("isolated")), ResourceState::Isolated),
            Verdict::Done
        ));
        assert!(matches!(
            verdict(Some(&item("offline")), ResourceState::Isolated),
            Verdict::Failed(WaitError::Unreachable { .. })
        ));
    }
}
