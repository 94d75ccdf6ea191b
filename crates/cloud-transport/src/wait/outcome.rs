//! How a wait ends: [`Waited`] (with what the last poll saw), or a [`WaitError`] saying why not.

use std::fmt;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::Error;

/// A wait that saw what it waited for.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Waited {
    /// What the last poll saw: the polled operation's answer (the task API's, the condition
    /// operation's); for a resource, its listed item, or `null` once it is gone.
    pub output: Value,
    /// The status the last poll showed, when it showed one.
    pub status: Option<Value>,
    /// How many polls it took.
    pub attempts: u32,
    /// How long it took.
    pub elapsed: Duration,
}

/// A call that started a change, and the wait for that change: what `send_and_wait` returns.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Completed<O> {
    /// The answer of the call that started the change (new ids, the task handle).
    pub output: O,
    /// The wait that followed.
    pub waited: Waited,
}

impl<O> Completed<O> {
    /// Pairs a call's answer with its wait.
    pub fn new(output: O, waited: Waited) -> Self {
        Completed { output, waited }
    }
}

/// Why a wait did not see what it waited for. More reasons may be added: match with a
/// wildcard arm.
#[derive(Debug)]
#[non_exhaustive]
pub enum WaitError {
    /// The task API reported the task as failed (or cancelled).
    TaskFailed {
        /// The status it reported, as sent.
        status: Value,
        /// The vendor's explanation, when the task API gives one.
        message: Option<String>,
    },
    /// The resource reached a state from which the awaited one does not follow by itself
    /// (deleted, isolated or failed while waiting for it to run).
    Unreachable {
        /// The state it reached, as sent.
        status: Value,
    },
    /// The deadline passed first.
    Timeout {
        /// How long it waited.
        waited: Duration,
        /// The status the last answer showed (`None`: no answer yet, or none showed one).
        last_status: Option<Value>,
    },
    /// The task API answers, but does not know this task: no status for the handle, twice in
    /// a row (one more look for a task the API has not registered yet).
    UnknownTask {
        /// The handle asked about.
        handle: Value,
    },
    /// A call failed: the one that started the change, or a poll (after the transport's own
    /// retries), or the wait could not be set up (`ErrorKind::InvalidInput`: no task handle in
    /// the answer, no condition for this input).
    Call(Error),
}

impl WaitError {
    /// Whether the deadline passed.
    pub fn is_timeout(&self) -> bool {
        matches!(self, WaitError::Timeout { .. })
    }

    /// The failed call, for [`WaitError::Call`].
    pub fn as_call(&self) -> Option<&Error> {
        match self {
            WaitError::Call(error) => Some(error),
            _ => None,
        }
    }

    /// A timeout of one step of a longer wait, reported with the time since the whole wait
    /// started: the deadline counts from there.
    pub(crate) fn timed_from(self, start: Instant) -> WaitError {
        match self {
            WaitError::Timeout { last_status, .. } => WaitError::Timeout {
                waited: start.elapsed(),
                last_status,
            },
            other => other,
        }
    }
}

impl From<Error> for WaitError {
    fn from(error: Error) -> Self {
        WaitError::Call(error)
    }
}

impl fmt::Display for WaitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::TaskFailed {
                status,
                message: Some(message),
            } => write!(f, "the task failed with status {status}: {message}"),
            WaitError::TaskFailed {
                status,
                message: None,
            } => write!(f, "the task failed with status {status}"),
            WaitError::Unreachable { status } => write!(
                f,
                "the resource reached status {status}, from which the awaited state does not follow"
            ),
            WaitError::Timeout {
                waited,
                last_status: Some(status),
            } => write!(
                f,
                "gave up after {:.1} s; the last status seen was {status}",
                waited.as_secs_f64()
            ),
            WaitError::Timeout {
                waited,
                last_status: None,
            } => write!(
                f,
                "gave up after {:.1} s; no status seen",
                waited.as_secs_f64()
            ),
            WaitError::UnknownTask { handle } => {
                write!(f, "the task API does not know the task {handle}")
            }
            WaitError::Call(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for WaitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaitError::Call(error) => Some(error),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn messages_say_what_happened() {
        let failed = WaitError::TaskFailed {
            status: json!("Failed"),
            message: Some("disk full".into()),
        };
        assert_eq!(
            failed.to_string(),
            "the task failed with status \"Failed\": disk full"
        );
        let timeout = WaitError::Timeout {
            waited: Duration::from_millis(1500),
            last_status: Some(json!(0)),
        };
        assert!(timeout.is_timeout());
        assert_eq!(
            timeout.to_string(),
            "gave up after 1.5 s; the last status seen was 0"
        );
        let unknown = WaitError::UnknownTask { handle: json!(7) };
        assert_eq!(unknown.to_string(), "the task API does not know the task 7");
        let call = WaitError::from(Error::invalid_input("no"));
        assert!(call.as_call().is_some());
        assert!(std::error::Error::source(&call).is_some());
    }
}
