//! What waiting for an operation means, decided once from the spec's `tasks`, `task` and
//! `waiter` keys: the facts behind the transport's `TaskApi`, `TaskInfo`, `ConditionWaiter` and
//! `OperationWaiter`. The generator spells them as each crate's task API constants and
//! `Waits::WAITER`; `cloud_spec::transport` builds the same values for the CLI's `--wait`, so
//! the rules below (a handle is sent as text when the polled member is `string`; an operation
//! waits for its task first, then its condition; which names and values must exist) are
//! written here and nowhere else.

use crate::call::{call_facts, CallFacts};
use crate::facts::ScalarFact;
use crate::facts::{error, operation_named, scalar_fact, scalar_facts, FactsError, FactsProblem};
use crate::Service;

/// A task API: the operation that reports the progress of the tasks other operations start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskApiFacts<'s> {
    /// Its key under `tasks` (`async`).
    pub key: &'s str,
    /// How the polled operation is called.
    pub operation: CallFacts<'s>,
    /// The polled operation's input member that takes the handle.
    pub handle: &'s str,
    /// That member is declared `string`: numeric handles are sent as text.
    pub handle_as_text: bool,
    /// The path of the task's status in the answer.
    pub status: &'s str,
    /// The path of the task's message, when the answer has one.
    pub message: Option<&'s str>,
    /// Statuses of a task still running.
    pub running: Vec<ScalarFact<'s>>,
    /// Statuses of a task that succeeded.
    pub succeeded: Vec<ScalarFact<'s>>,
    /// Statuses of a task that failed.
    pub failed: Vec<ScalarFact<'s>>,
}

/// The task an operation starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskFacts<'s> {
    /// The output member that holds the handle (or a list of handles).
    pub handle: &'s str,
    /// The task API that follows it.
    pub api: TaskApiFacts<'s>,
}

/// A condition waiter: poll an operation until its answer shows the change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionFacts<'s> {
    /// How the polled operation is called.
    pub operation: CallFacts<'s>,
    /// Polled input member, then the waited operation's input member it is copied from.
    pub input: Vec<(&'s str, &'s str)>,
    /// The conditions, the first whose `when` matches the request deciding.
    pub until: Vec<UntilFacts<'s>>,
}

/// One condition of a condition waiter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UntilFacts<'s> {
    /// The request's input values this condition applies to.
    pub when: Vec<(&'s str, ScalarFact<'s>)>,
    /// The path in the polled answer.
    pub path: &'s str,
    /// The value that path shows once the change is done.
    pub equals: ScalarFact<'s>,
}

/// What an operation waits for: its task, then its condition (at least one of them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaiterFacts<'s> {
    /// The task it starts.
    pub task: Option<TaskFacts<'s>>,
    /// The condition its change shows by.
    pub until: Option<ConditionFacts<'s>>,
}

/// Task API `key` of `service` (a key of `Service::tasks`).
///
/// # Errors
///
/// No such task API, an unknown polled operation, or a status that is not a scalar.
pub fn task_api_facts<'s>(service: &'s Service, key: &str) -> Result<TaskApiFacts<'s>, FactsError> {
    let path = format!("tasks.{key}");
    let (key, api) = service
        .tasks
        .get_key_value(key)
        .ok_or_else(|| error(&path, FactsProblem::UnknownTaskApi(key.to_owned())))?;
    let (name, polled) = operation_named(service, &api.operation, &format!("{path}.operation"))?;
    Ok(TaskApiFacts {
        key,
        operation: call_facts(service.vendor, name, polled),
        handle: &api.handle,
        handle_as_text: polled.input_is_text(&api.handle),
        status: &api.status,
        message: api.message.as_deref(),
        running: scalar_facts(&api.running, &format!("{path}.running"))?,
        succeeded: scalar_facts(&api.succeeded, &format!("{path}.succeeded"))?,
        failed: scalar_facts(&api.failed, &format!("{path}.failed"))?,
    })
}

/// Every task API of `service`, in spec order.
///
/// # Errors
///
/// As [`task_api_facts`].
pub fn task_apis_facts(service: &Service) -> Result<Vec<TaskApiFacts<'_>>, FactsError> {
    service
        .tasks
        .keys()
        .map(|key| task_api_facts(service, key))
        .collect()
}

/// What operation `name` of `service` waits for; `None` when it neither starts a task nor has a
/// condition waiter (or is not in the spec).
///
/// # Errors
///
/// A task API or polled operation the spec does not have, or a value that is not a scalar.
pub fn waiter_facts<'s>(
    service: &'s Service,
    name: &str,
) -> Result<Option<WaiterFacts<'s>>, FactsError> {
    let Some(operation) = service.operations.get(name) else {
        return Ok(None);
    };
    let path = format!("operations.{name}");
    let task = match &operation.task {
        None => None,
        Some(task) => {
            if !service.tasks.contains_key(&task.api) {
                return Err(error(
                    format!("{path}.task.api"),
                    FactsProblem::UnknownTaskApi(task.api.clone()),
                ));
            }
            Some(TaskFacts {
                handle: &task.handle,
                api: task_api_facts(service, &task.api)?,
            })
        }
    };
    let until = match &operation.waiter {
        None => None,
        Some(waiter) => Some(condition_facts(service, waiter, &format!("{path}.waiter"))?),
    };
    Ok((task.is_some() || until.is_some()).then_some(WaiterFacts { task, until }))
}

fn condition_facts<'s>(
    service: &'s Service,
    waiter: &'s crate::Waiter,
    path: &str,
) -> Result<ConditionFacts<'s>, FactsError> {
    let (name, polled) = operation_named(service, &waiter.operation, &format!("{path}.operation"))?;
    let until = waiter
        .until
        .iter()
        .enumerate()
        .map(|(i, condition)| {
            let when = condition
                .when
                .iter()
                .map(|(member, value)| {
                    let at = format!("{path}.until[{i}].when.{member}");
                    Ok((member.as_str(), scalar_fact(value, &at)?))
                })
                .collect::<Result<Vec<_>, FactsError>>()?;
            Ok(UntilFacts {
                when,
                path: &condition.path,
                equals: scalar_fact(&condition.equals, &format!("{path}.until[{i}].equals"))?,
            })
        })
        .collect::<Result<Vec<_>, FactsError>>()?;
    Ok(ConditionFacts {
        operation: call_facts(service.vendor, name, polled),
        input: waiter
            .input
            .iter()
            .map(|(polled, own)| (polled.as_str(), own.as_str()))
            .collect(),
        until,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_service::lifecycle_service;

    #[test]
    fn task_apis_send_handles_as_their_member_takes_them() {
        let service = lifecycle_service();
        let apis = task_apis_facts(&service).unwrap();
        assert_eq!(
            apis.iter().map(|api| api.key).collect::<Vec<_>>(),
            ["tasks", "async"]
        );
        let tasks = &apis[0];
        assert!(!tasks.handle_as_text, "TaskId is an integer");
        assert_eq!(
            tasks.failed,
            [ScalarFact::Str("Failed"), ScalarFact::Int(-1)]
        );
        assert!(tasks.operation.read_only);
        assert!(apis[1].handle_as_text, "AsyncRequestId is a string");
        assert_eq!(apis[1].message, Some("Info"));
        let e = task_api_facts(&service, "nope").unwrap_err();
        assert_eq!(e.path, "tasks.nope");
    }

    #[test]
    fn an_operation_waits_for_its_task_then_its_condition() {
        let service = lifecycle_service();
        let waiter = waiter_facts(&service, "CreateThing")
            .unwrap()
            .expect("waits");
        let task = waiter.task.expect("a task");
        assert_eq!((task.handle, task.api.key), ("FlowId", "async"));
        let until = waiter.until.expect("a condition");
        assert_eq!(until.operation.name, "DescribeThings");
        assert_eq!(until.input, [("InstanceIds", "Id")]);
        assert_eq!(until.until[0].when, [("Enable", ScalarFact::Bool(true))]);
        assert_eq!(until.until[0].equals, ScalarFact::Int(1));
        assert_eq!(waiter_facts(&service, "PlainCall").unwrap(), None);
        assert_eq!(waiter_facts(&service, "Absent").unwrap(), None);
    }

    #[test]
    fn unknown_names_and_values_that_are_not_scalars_name_their_path() {
        let mut service = lifecycle_service();
        service.tasks["tasks"].running = vec![serde_json::json!([1])];
        let e = task_api_facts(&service, "tasks").unwrap_err();
        assert_eq!(e.path, "tasks.tasks.running[0]");

        let mut service = lifecycle_service();
        let create = &mut service.operations["CreateThing"];
        create.task.as_mut().unwrap().api = "nope".into();
        let e = waiter_facts(&service, "CreateThing").unwrap_err();
        assert_eq!(e.path, "operations.CreateThing.task.api");
        assert_eq!(e.problem, FactsProblem::UnknownTaskApi("nope".into()));

        let mut service = lifecycle_service();
        let waiter = service.operations["CreateThing"].waiter.as_mut().unwrap();
        waiter.operation = "Missing".into();
        let e = waiter_facts(&service, "CreateThing").unwrap_err();
        assert_eq!(e.path, "operations.CreateThing.waiter.operation");

        let mut service = lifecycle_service();
        let waiter = service.operations["CreateThing"].waiter.as_mut().unwrap();
        waiter.until[0].equals = serde_json::json!(null);
        let e = waiter_facts(&service, "CreateThing").unwrap_err();
        assert_eq!(e.path, "operations.CreateThing.waiter.until[0].equals");
    }
}
