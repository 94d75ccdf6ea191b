//! Injected task failures: rules that make the next tasks an operation (or an instance's
//! operations) starts fail, and the handle tests use to add and clear them.
//!
//! A task that fails is answered like any other at first: the mutation succeeds and returns
//! its handle, and the task API reports the task running. Once the async delay has passed, the
//! task API reports it failed (the first of the spec's failed values, with the rule's message
//! where the task API has a message), and the change the task was making does not happen: a
//! creation ends with the instance gone, a removal leaves the instance as it was, an SSL switch
//! or a rename does not show.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};

/// The message a failed task reports when its rule gives none.
pub const DEFAULT_TASK_FAILURE_MESSAGE: &str = "the task failed (failure injected by the emulator)";

/// A rule: the next `times` tasks started by `operation` (of `service`, on `instance`, when
/// given) fail.
///
/// As JSON (`POST /_emulator/task-failures`):
/// `{"operation": "IsolateDBInstance", "service": "tencent-mongodb", "instance": "cmgo-ab12cd34",
/// "message": "disk full", "times": 1}`; every member is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskFailureRule {
    /// The operation that starts the task (`IsolateDBInstance`, `SwitchSsl`); `*` or absent:
    /// every operation that starts one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// Service key (`tencent-mongodb`) or vendor service name (`mongodb`); absent: any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// Only tasks about this instance; absent: any (a creation's task is about no instance
    /// yet, so only a rule without `instance` matches it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// What the task API says about the failure (default [`DEFAULT_TASK_FAILURE_MESSAGE`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// How many tasks fail (default 1).
    #[serde(default = "one")]
    pub times: u32,
}

fn one() -> u32 {
    1
}

impl TaskFailureRule {
    /// The next task `operation` starts fails.
    pub fn new(operation: impl Into<String>) -> Self {
        TaskFailureRule {
            operation: Some(operation.into()),
            times: 1,
            ..TaskFailureRule::default()
        }
    }

    /// The next task started on `instance`, by any operation, fails.
    pub fn on_instance(instance: impl Into<String>) -> Self {
        TaskFailureRule {
            instance: Some(instance.into()),
            times: 1,
            ..TaskFailureRule::default()
        }
    }

    /// Limits the rule to one service.
    pub fn service(mut self, service: impl Into<String>) -> Self {
        self.service = Some(service.into());
        self
    }

    /// Limits the rule to tasks about one instance.
    pub fn instance(mut self, instance: impl Into<String>) -> Self {
        self.instance = Some(instance.into());
        self
    }

    /// The failure message the task API reports.
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// Makes this many tasks fail.
    pub fn times(mut self, times: u32) -> Self {
        self.times = times;
        self
    }

    fn matches(
        &self,
        service_key: &str,
        service_name: &str,
        op: &str,
        instances: &[String],
    ) -> bool {
        let instance_ok = self
            .instance
            .as_deref()
            .is_none_or(|want| instances.iter().any(|id| id == want));
        instance_ok
            && crate::faults::names_call(
                self.operation.as_deref(),
                self.service.as_deref(),
                (service_key, service_name, op),
            )
    }
}

/// Why a rule was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskFailureRuleError(String);

impl fmt::Display for TaskFailureRuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TaskFailureRuleError {}

#[derive(Debug)]
struct ActiveRule {
    rule: TaskFailureRule,
    fired: u32,
}

/// The task-failure rules of an emulator. Cheap to clone; clones share the rules.
#[derive(Debug, Clone, Default)]
pub struct TaskFailures {
    rules: Arc<Mutex<Vec<ActiveRule>>>,
}

impl TaskFailures {
    fn lock(&self) -> MutexGuard<'_, Vec<ActiveRule>> {
        self.rules.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds a rule. Rules are tried in the order they were added; the first that matches a
    /// new task makes it fail.
    pub fn add(&self, rule: TaskFailureRule) -> Result<(), TaskFailureRuleError> {
        if rule.times == 0 {
            return Err(TaskFailureRuleError(
                "`times` must be at least 1".to_owned(),
            ));
        }
        let mut rules = self.lock();
        if rules.len() >= crate::faults::MAX_FAULT_RULES {
            return Err(TaskFailureRuleError(format!(
                "at most {} task-failure rules can be active; DELETE /_emulator/task-failures \
                 removes them",
                crate::faults::MAX_FAULT_RULES
            )));
        }
        rules.push(ActiveRule { rule, fired: 0 });
        Ok(())
    }

    /// Removes every rule, and gives their memory back.
    pub fn clear(&self) {
        *self.lock() = Vec::new();
    }

    /// The rules that still have tasks to fail, with how many remain.
    pub fn pending(&self) -> Vec<(TaskFailureRule, u32)> {
        self.lock()
            .iter()
            .map(|a| (a.rule.clone(), a.rule.times - a.fired))
            .collect()
    }

    /// Whether a new task of `op` about `instances` fails, and with which message; consumes
    /// one use of the first matching rule.
    pub(crate) fn take(
        &self,
        service_key: &str,
        service_name: &str,
        op: &str,
        instances: &[String],
    ) -> Option<String> {
        let mut rules = self.lock();
        let index = rules
            .iter()
            .position(|a| a.rule.matches(service_key, service_name, op, instances))?;
        let active = &mut rules[index];
        active.fired += 1;
        let message = active
            .rule
            .message
            .clone()
            .unwrap_or_else(|| DEFAULT_TASK_FAILURE_MESSAGE.to_owned());
        if active.fired >= active.rule.times {
            rules.remove(index);
        }
        Some(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_match_operation_service_and_instance_and_run_out() {
        let failures = TaskFailures::default();
        failures
            .add(TaskFailureRule::new("Isolate").service("mongodb").times(2))
            .unwrap();
        failures
            .add(TaskFailureRule::on_instance("i-9").message("disk full"))
            .unwrap();
        let take = |op: &str, ids: &[&str]| {
            let ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
            failures.take("tencent-mongodb", "mongodb", op, &ids)
        };
        assert_eq!(take("Create", &[]), None);
        assert_eq!(
            take("Isolate", &["i-1"]).as_deref(),
            Some(DEFAULT_TASK_FAILURE_MESSAGE)
        );
        assert_eq!(take("Rename", &["i-9"]).as_deref(), Some("disk full"));
        assert_eq!(take("Rename", &["i-9"]), None, "used up");
        assert!(take("Isolate", &[]).is_some());
        assert!(take("Isolate", &[]).is_none());
        assert!(failures.pending().is_empty());
        assert!(failures.add(TaskFailureRule::new("x").times(0)).is_err());
        let parsed: TaskFailureRule =
            serde_json::from_str(r#"{"operation": "SwitchSsl", "message": "m"}"#).unwrap();
        assert_eq!(parsed, TaskFailureRule::new("SwitchSsl").message("m"));
        assert!(serde_json::from_str::<TaskFailureRule>(r#"{"colour": 1}"#).is_err());
    }
}
