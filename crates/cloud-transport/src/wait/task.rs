//! Task waiters: follow a task handle (`FlowId`, `AsyncRequestId`, `job_id`), or each of a
//! list of them (`FlowIds`), through the service's task API until the task succeeds or fails.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

use serde_json::{Map, Value};

use super::poll::{poll_until, Observation, Verdict};
use super::scalar::{is_in, Scalar};
use super::{OperationWaiter, WaitError, WaitOptions, Waited};
use crate::json_path::value_at;
use crate::{Client, Error, OperationInfo};

/// A task API: the operation that reports an asynchronous task's progress, and what its status
/// values mean.
///
/// A status in none of the three sets counts as still running: vendors add states without
/// notice. An answer without a status (the path is absent, or the list is empty) means the API
/// does not know the handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskApi {
    /// The polled operation (`DescribeTasks`, `DescribeAsyncRequestInfo`, `ListJobs`).
    pub operation: OperationInfo,
    /// Its input member that takes the handle.
    pub handle: &'static str,
    /// The member is text: a numeric handle (`FlowId: 1234`) is sent as `"1234"`. Otherwise a
    /// handle that is the text of an integer is sent as the integer.
    pub handle_as_text: bool,
    /// Dot-separated path of the task's status in the answer (`TaskSet.0.Status`).
    pub status: &'static str,
    /// Dot-separated path of the text that explains a failure, when there is one.
    pub message: Option<&'static str>,
    /// Status values of a task that is still going.
    pub running: &'static [Scalar],
    /// Status values of a task that finished well.
    pub succeeded: &'static [Scalar],
    /// Status values of a task that failed or was cancelled.
    pub failed: &'static [Scalar],
}

/// Which output member of an operation holds a task handle, and the [`TaskApi`] that follows
/// the task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskInfo {
    /// Dot-separated path of the handle in the operation's output (`FlowId`, `job_id`).
    pub handle: &'static str,
    /// The task API.
    pub api: &'static TaskApi,
}

impl TaskInfo {
    /// The task whose handle is `handle` in the output, followed by `api`.
    pub const fn new(handle: &'static str, api: &'static TaskApi) -> Self {
        TaskInfo { handle, api }
    }

    /// The handle in `output`, if it holds one (a string or a number), or the first of a list
    /// of handles.
    pub fn handle_in<'o>(&self, output: &'o Value) -> Option<&'o Value> {
        self.handles_in(output).into_iter().next()
    }

    /// Every handle in `output`: the one handle, or each of a list of them (`FlowIds`: one
    /// task per item). Empty when the answer holds none.
    pub fn handles_in<'o>(&self, output: &'o Value) -> Vec<&'o Value> {
        let is_handle = |h: &&Value| h.is_string() || h.is_number();
        match value_at(output, self.handle) {
            Some(Value::Array(handles)) => handles.iter().filter(is_handle).collect(),
            Some(handle) => Some(handle).filter(is_handle).into_iter().collect(),
            None => Vec::new(),
        }
    }

    /// Waits for the task whose handle is in `output` (the answer of the operation that started
    /// it); for a list of handles, for every task in turn, all within `options`' one deadline.
    /// The outcome is the last task's, with the polls of all of them.
    ///
    /// # Errors
    ///
    /// [`WaitError::Call`] with [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput)
    /// when `output` holds no handle; otherwise as [`TaskApi::wait`] for the first task that
    /// does not succeed.
    pub async fn wait(
        &self,
        client: &Client,
        output: &Value,
        options: &WaitOptions,
    ) -> Result<Waited, WaitError> {
        let handles = self.handles_in(output);
        if handles.is_empty() {
            return Err(WaitError::Call(Error::invalid_input(format!(
                "the answer has no task handle `{}` to wait for",
                self.handle
            ))));
        }
        let start = Instant::now();
        let mut attempts = 0;
        let mut last = None;
        for handle in handles {
            let left = options.get_timeout().saturating_sub(start.elapsed());
            let waited = self
                .api
                .wait(client, handle, &options.with_timeout_left(left))
                .await
                .map_err(|error| error.timed_from(start))?;
            attempts += waited.attempts;
            last = Some(waited);
        }
        let last = last.ok_or_else(|| Error::invalid_input("no task handle to wait for"))?;
        Ok(Waited {
            attempts,
            elapsed: start.elapsed(),
            ..last
        })
    }
}

impl TaskApi {
    /// What an operation whose output holds a handle of this API at `handle` waits for (a
    /// `const fn`, for generated code: `TASKS.waiter("FlowId")`).
    pub const fn waiter(&'static self, handle: &'static str) -> OperationWaiter {
        OperationWaiter::task(handle, self)
    }

    /// The task API's input that asks about `handle`, converted as the member takes it.
    pub fn input_for(&self, handle: &Value) -> Value {
        let handle = match handle {
            Value::Number(n) if self.handle_as_text => Value::String(n.to_string()),
            Value::String(s) if !self.handle_as_text => match s.trim().parse::<i64>() {
                Ok(i) => Value::from(i),
                Err(_) => match s.trim().parse::<u64>() {
                    Ok(u) => Value::from(u),
                    Err(_) => handle.clone(),
                },
            },
            _ => handle.clone(),
        };
        let mut input = Map::new();
        input.insert(self.handle.to_owned(), handle);
        Value::Object(input)
    }

    /// What an answer of the task API says about the task: its status and the verdict.
    fn judge(
        &self,
        output: &Value,
        handle: &Value,
        unknown_in_a_row: u32,
    ) -> (Option<Value>, Verdict) {
        let status = value_at(output, self.status)
            .filter(|s| !s.is_null())
            .cloned();
        let verdict = match &status {
            None if unknown_in_a_row >= UNKNOWN_AFTER => Verdict::Failed(WaitError::UnknownTask {
                handle: handle.clone(),
            }),
            None => Verdict::Pending,
            Some(s) if is_in(s, self.succeeded) => Verdict::Done,
            Some(s) if is_in(s, self.failed) => Verdict::Failed(WaitError::TaskFailed {
                status: s.clone(),
                message: self.message_in(output),
            }),
            Some(_) => Verdict::Pending,
        };
        (status, verdict)
    }

    fn message_in(&self, output: &Value) -> Option<String> {
        match value_at(output, self.message?)? {
            Value::Null => None,
            Value::String(s) if s.is_empty() => None,
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    }

    /// Polls the task API about `handle` until the task succeeds or fails.
    ///
    /// # Errors
    ///
    /// [`WaitError::TaskFailed`] with the status and message the API reports,
    /// [`WaitError::UnknownTask`] when the API answers twice in a row without a status for the
    /// handle, [`WaitError::Timeout`] at the deadline, [`WaitError::Call`] when a poll fails
    /// (the transport has retried what was safe to retry).
    pub async fn wait(
        &self,
        client: &Client,
        handle: &Value,
        options: &WaitOptions,
    ) -> Result<Waited, WaitError> {
        let input = self.input_for(handle);
        let what = format!("task {handle} ({})", self.operation.name);
        // Answers without a status in a row. Atomic rather than a `Cell` so the wait stays
        // `Send`; polls never overlap.
        let unknown_in_a_row = AtomicU32::new(0);
        let unknown_in_a_row = &unknown_in_a_row;
        poll_until(&what, options, |deadline| {
            let input = input.clone();
            async move {
                let output = client
                    .call_json_until(&self.operation, input, Some(deadline))
                    .await?;
                let known = value_at(&output, self.status).is_some_and(|s| !s.is_null());
                let unknown = if known {
                    unknown_in_a_row.store(0, Ordering::Relaxed);
                    0
                } else {
                    unknown_in_a_row.fetch_add(1, Ordering::Relaxed) + 1
                };
                let (status, verdict) = self.judge(&output, handle, unknown);
                Ok(Observation {
                    output,
                    status,
                    verdict,
                })
            }
        })
        .await
    }
}

/// How many answers in a row without a status make a task unknown: one more look, for a task
/// the API has not registered yet when the first poll arrives.
const UNKNOWN_AFTER: u32 = 2;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const API: TaskApi = TaskApi {
        operation: OperationInfo::action("DescribeAsyncRequestInfo").read_only(),
        handle: "AsyncRequestId",
        handle_as_text: true,
        status: "Status",
        message: Some("Info"),
        running: &[Scalar::Str("RUNNING")],
        succeeded: &[Scalar::Str("SUCCESS")],
        failed: &[Scalar::Str("FAILED"), Scalar::Str("KILLED")],
    };

    #[test]
    fn handles_are_sent_as_the_member_takes_them() {
        assert_eq!(API.input_for(&json!(42)), json!({"AsyncRequestId": "42"}));
        assert_eq!(
            API.input_for(&json!("a-1")),
            json!({"AsyncRequestId": "a-1"})
        );
        let numeric = TaskApi {
            handle: "TaskId",
            handle_as_text: false,
            ..API
        };
        assert_eq!(numeric.input_for(&json!("42")), json!({"TaskId": 42}));
        assert_eq!(numeric.input_for(&json!(42)), json!({"TaskId": 42}));
        assert_eq!(numeric.input_for(&json!("x")), json!({"TaskId": "x"}));
    }

    #[test]
    fn statuses_mean_what_the_sets_say() {
        let h = json!("1");
        let done = API.judge(&json!({"Status": "SUCCESS"}), &h, 0).1;
        assert!(matches!(done, Verdict::Done));
        let failed = API
            .judge(&json!({"Status": "KILLED", "Info": "by user"}), &h, 0)
            .1;
        assert!(matches!(
            failed,
            Verdict::Failed(WaitError::TaskFailed { ref message, .. }) if message.as_deref() == Some("by user")
        ));
        // A status in no set is still going.
        assert!(matches!(
            API.judge(&json!({"Status": "PAUSED"}), &h, 0).1,
            Verdict::Pending
        ));
        // No status: one more look, then unknown.
        assert!(matches!(API.judge(&json!({}), &h, 1).1, Verdict::Pending));
        assert!(matches!(
            API.judge(&json!({"Status": null}), &h, 2).1,
            Verdict::Failed(WaitError::UnknownTask { .. })
        ));
    }

    #[test]
    fn task_info_finds_the_handle() {
        static TASKS: TaskApi = API;
        let info = TaskInfo::new("AsyncRequestId", &TASKS);
        const WAITER: OperationWaiter = API.waiter("AsyncRequestId");
        assert_eq!(WAITER.task, Some(info));
        assert_eq!(WAITER.until, None);
        assert_eq!(
            info.handle_in(&json!({"AsyncRequestId": "x"})),
            Some(&json!("x"))
        );
        assert_eq!(info.handle_in(&json!({"AsyncRequestId": null})), None);
        assert_eq!(info.handle_in(&json!({})), None);
    }
}
