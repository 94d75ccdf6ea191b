//! [`OperationWaiter`]: everything one operation waits for (its task, then its condition),
//! under one deadline. What a generated `send_and_wait` and the CLI's `--wait` run.

use std::time::Instant;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::{Completed, ConditionWaiter, TaskApi, TaskInfo, WaitError, WaitOptions, Waited};
use crate::{Client, Error, ErrorKind, OperationInfo};

/// What an operation waits for once it has answered: the task it started, the condition its
/// change shows, or both (first the task, then the condition, under one deadline).
///
/// Generated crates have one per operation that can be waited for; the CLI builds the same from
/// the spec (`cloud_spec::transport::operation_waiter`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationWaiter {
    /// The task whose handle the operation returns.
    pub task: Option<TaskInfo>,
    /// The condition that shows the change is done.
    pub until: Option<ConditionWaiter>,
}

impl OperationWaiter {
    /// Waits for the task whose handle is at `handle` in the answer, followed by `api`.
    pub const fn task(handle: &'static str, api: &'static TaskApi) -> Self {
        OperationWaiter {
            task: Some(TaskInfo::new(handle, api)),
            until: None,
        }
    }

    /// Waits for `waiter`'s condition.
    pub const fn until(waiter: ConditionWaiter) -> Self {
        OperationWaiter {
            task: None,
            until: Some(waiter),
        }
    }

    /// Also waits for `waiter`'s condition, after the task.
    pub const fn and_until(mut self, waiter: ConditionWaiter) -> Self {
        self.until = Some(waiter);
        self
    }

    /// Checks, before the request is sent, that the wait can work for its `input`: a condition
    /// applies to it.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) saying why not.
    pub fn check_input(&self, input: &Value) -> Result<(), Error> {
        match &self.until {
            Some(waiter) => waiter.check_input(input).map(|_| ()),
            None => Ok(()),
        }
    }

    /// Waits for what a request with `input` (members by wire name) that answered `output`
    /// started: its task, then its condition, both within `options`' one deadline. An answer
    /// without a task handle goes straight to the condition; without a condition, it is an
    /// error.
    ///
    /// # Errors
    ///
    /// As [`TaskInfo::wait`] and [`ConditionWaiter::wait`].
    pub async fn wait(
        &self,
        client: &Client,
        input: &Value,
        output: &Value,
        options: &WaitOptions,
    ) -> Result<Waited, WaitError> {
        let start = Instant::now();
        let mut waited = match &self.task {
            // An answer without a handle (the member is optional, and this call started no
            // task) leaves the condition to show the change, if there is one.
            Some(task) if task.handle_in(output).is_none() && self.until.is_some() => None,
            Some(task) => Some(task.wait(client, output, options).await?),
            None => None,
        };
        if let Some(condition) = &self.until {
            let left = options.get_timeout().saturating_sub(start.elapsed());
            let then = condition
                .wait(client, input, &options.with_timeout_left(left))
                .await
                .map_err(|error| error.timed_from(start))?;
            let attempts = waited.as_ref().map_or(0, |w| w.attempts);
            waited = Some(Waited {
                attempts: attempts + then.attempts,
                elapsed: start.elapsed(),
                ..then
            });
        }
        waited.ok_or_else(|| {
            WaitError::Call(Error::invalid_input(
                "this operation has nothing to wait for (no task handle, no condition)",
            ))
        })
    }

    /// [`wait`](Self::wait) for a typed answer (serialized back to its wire names to find the
    /// handle in): the body of the generated `wait_for`.
    ///
    /// # Errors
    ///
    /// As [`wait`](Self::wait).
    pub async fn wait_for<O: Serialize>(
        &self,
        client: &Client,
        input: &Value,
        output: &O,
        options: &WaitOptions,
    ) -> Result<Waited, WaitError> {
        self.wait(client, input, &as_json(output)?, options).await
    }

    /// Sends `op` with `input`, then waits for what it started: the body of the generated
    /// `send_and_wait`, and what the CLI's `--wait` does (with `O = serde_json::Value`).
    ///
    /// Nothing is sent when the wait could not work for this input
    /// ([`check_input`](Self::check_input)).
    ///
    /// # Errors
    ///
    /// [`WaitError::Call`] when the call fails (nothing is waited for); otherwise as
    /// [`wait`](Self::wait).
    pub async fn send_and_wait<O: DeserializeOwned + Serialize>(
        &self,
        client: &Client,
        op: &OperationInfo,
        input: Value,
        options: &WaitOptions,
    ) -> Result<Completed<O>, WaitError> {
        self.check_input(&input)?;
        let output: O = client.call(op, &input).await?;
        let waited = self
            .wait(client, &input, &as_json(&output)?, options)
            .await?;
        Ok(Completed::new(output, waited))
    }
}

/// A typed answer as JSON, members by wire name, to find the handle in.
pub(crate) fn as_json<O: Serialize>(output: &O) -> Result<Value, Error> {
    serde_json::to_value(output).map_err(|e| {
        Error::new(
            ErrorKind::Decode,
            format!("cannot read the answer as JSON: {e}"),
        )
    })
}
