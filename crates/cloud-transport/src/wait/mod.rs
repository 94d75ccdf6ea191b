//! Waiters: poll until an asynchronous change has finished, with a deadline, backoff, progress
//! reports and a typed outcome.
//!
//! A cloud operation that starts something slow (creating an instance, switching SSL on) answers
//! at once; the change finishes minutes later. The service crates describe, as `const`s, how to
//! see that it has finished, and this module does the polling, once for every kind of waiter:
//!
//! - a **task** ([`TaskApi`], [`TaskInfo`]): the operation returns a task handle (`FlowId`,
//!   `AsyncRequestId`, `job_id`) and the service's task API reports the task as running,
//!   succeeded or failed;
//! - a **condition** ([`ConditionWaiter`]): poll an operation until a member of its answer
//!   shows a value (the SSL switches: `Status` is `1`), the value chosen by the request's input;
//! - a **resource state** ([`ResourceInfo`]): list the service's instances filtered by id until
//!   the instance is running, isolated, or gone.
//!
//! [`OperationWaiter`] is what one operation waits for (its task, then its condition), and what
//! the generated `send_and_wait` and the CLI's `--wait` use.
//!
//! Every wait has a deadline ([`WaitOptions`], 30 minutes unless set), and every poll is bounded
//! by the time left. Polls back off from [`WaitOptions::first_interval`] to
//! [`WaitOptions::max_interval`]. Each poll is a `tracing` debug event (`attempt`, `elapsed_ms`,
//! `status`) in a `cloud_wait` span, and goes to the optional progress callback
//! ([`WaitOptions::on_progress`]). The outcome is [`Waited`] or a [`WaitError`] that tells a
//! failed task from a timeout, a task the API does not know, and a failed call.
//!
//! Status values are compared with [`json_path::loosely_equal`](crate::json_path::loosely_equal),
//! the one equality rule of the project (`"1"` matches `1`).
//!
//! # Example
//!
//! ```no_run
//! # async fn example(client: cloud_transport::Client) -> Result<(), cloud_transport::wait::WaitError> {
//! use std::time::Duration;
//! use cloud_transport::wait::{Scalar, TaskApi, WaitOptions};
//! use cloud_transport::OperationInfo;
//!
//! const TASKS: TaskApi = TaskApi {
//!     operation: OperationInfo::action("DescribeTasks").read_only(),
//!     handle: "TaskId",
//!     handle_as_text: false,
//!     status: "TaskSet.0.Status",
//!     message: Some("TaskSet.0.TaskDetail.Message"),
//!     running: &[Scalar::Str("Running")],
//!     succeeded: &[Scalar::Str("Success")],
//!     failed: &[Scalar::Str("Failed")],
//! };
//! let options = WaitOptions::new()
//!     .timeout(Duration::from_secs(600))
//!     .on_progress(|p| eprintln!("{p:?}"));
//! let done = TASKS.wait(&client, &serde_json::json!(1234), &options).await?;
//! println!("finished after {} polls: {}", done.attempts, done.output);
//! # Ok(()) }
//! ```

mod condition;
mod operation;
mod options;
mod outcome;
mod poll;
mod resource;
mod scalar;
mod task;

pub use condition::{ConditionWaiter, WaitCondition};
pub use operation::OperationWaiter;
pub use options::{
    ProgressFn, WaitOptions, WaitProgress, DEFAULT_BACKOFF, DEFAULT_FIRST_INTERVAL,
    DEFAULT_MAX_INTERVAL, DEFAULT_WAIT_TIMEOUT,
};
pub use outcome::{Completed, WaitError, Waited};
pub use resource::{ListFilter, ResourceInfo, ResourceState};
pub use scalar::Scalar;
pub use task::{TaskApi, TaskInfo};
