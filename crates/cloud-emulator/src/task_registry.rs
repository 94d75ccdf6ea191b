//! The tasks mutations started, by service and handle, and where each one is: a leaf the
//! state holds (`state::Inner::tasks`); `tasks` answers the task APIs from it.

use std::time::Instant;

use indexmap::IndexMap;
use serde_json::{json, Value};

/// One task.
#[derive(Debug, Clone)]
pub(crate) struct Task {
    /// The key of the task API that follows it (in `Service::tasks`).
    pub api: String,
    /// That API's operation (`DescribeAsyncRequestInfo`).
    pub reported_by: String,
    /// The operation that started it.
    pub operation: String,
    /// The instance it is about, if any.
    pub instance: Option<String>,
    /// When it finishes.
    pub ready_at: Instant,
    /// `Some(message)`: it fails.
    pub failure: Option<String>,
}

/// Where a task is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Progress<'t> {
    Running,
    Succeeded,
    Failed(&'t str),
}

impl Task {
    pub(crate) fn progress(&self, now: Instant) -> Progress<'_> {
        match &self.failure {
            _ if now < self.ready_at => Progress::Running,
            None => Progress::Succeeded,
            Some(message) => Progress::Failed(message),
        }
    }
}

/// Every task, by service and handle (as text).
#[derive(Debug, Default)]
pub(crate) struct Tasks {
    tasks: IndexMap<(String, String), Task>,
}

/// The most tasks kept: a long-running emulator forgets its oldest tasks rather than grow
/// without bound (their handles then answer as unknown ones do).
const MAX_TASKS: usize = 100_000;

impl Tasks {
    pub(crate) fn register(&mut self, service: &str, handle: &str, task: Task) {
        if self.tasks.len() >= MAX_TASKS {
            self.tasks.shift_remove_index(0);
        }
        self.tasks
            .insert((service.to_owned(), handle.to_owned()), task);
    }

    /// The task `handle` names, if the task API operation `reported_by` follows it.
    pub(crate) fn get(&self, service: &str, handle: &str, reported_by: &str) -> Option<&Task> {
        self.tasks
            .get(&(service.to_owned(), handle.to_owned()))
            .filter(|t| t.reported_by == reported_by)
    }

    /// The tasks, for `GET /_emulator/state`.
    pub(crate) fn to_json(&self, now: Instant) -> Value {
        let tasks: Vec<Value> = self
            .tasks
            .iter()
            .map(|((service, handle), task)| {
                let (progress, message) = match task.progress(now) {
                    Progress::Running => ("running", None),
                    Progress::Succeeded => ("succeeded", None),
                    Progress::Failed(message) => ("failed", Some(message)),
                };
                json!({
                    "service": service,
                    "handle": handle,
                    "api": task.api,
                    "operation": task.operation,
                    "instance": task.instance,
                    "progress": progress,
                    "message": message,
                })
            })
            .collect();
        Value::Array(tasks)
    }
}
