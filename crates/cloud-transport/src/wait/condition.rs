//! Condition waiters: poll an operation until a member of its answer shows a value, the value
//! chosen by the input of the request that started the change (the SSL switches).

use serde_json::{Map, Value};

use super::poll::{poll_until, Observation, Verdict};
use super::scalar::Scalar;
use super::{WaitError, WaitOptions, Waited};
use crate::json_path::value_at;
use crate::{Client, Error, OperationInfo};

/// How to see that the change a request started has finished: poll `operation` until the first
/// condition that applies to the request holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConditionWaiter {
    /// The polled operation, in the same service.
    pub operation: OperationInfo,
    /// Its input: `(polled operation's member, the request's member whose value is passed on)`.
    pub input: &'static [(&'static str, &'static str)],
    /// The conditions, in order; the first whose `when` matches the request applies.
    pub until: &'static [WaitCondition],
}

/// One condition of a [`ConditionWaiter`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitCondition {
    /// Applies when the request's members have these values (empty: always).
    pub when: &'static [(&'static str, Scalar)],
    /// Dot-separated path of the member of the polled answer.
    pub path: &'static str,
    /// The value it shows once the change is done.
    pub equals: Scalar,
}

impl ConditionWaiter {
    /// The condition that applies to a request with `input` (its members by wire name).
    pub fn condition_for(&self, input: &Value) -> Option<&WaitCondition> {
        self.until.iter().find(|condition| {
            condition
                .when
                .iter()
                .all(|(member, value)| input.get(*member).is_some_and(|have| value.matches(have)))
        })
    }

    /// Like [`condition_for`](Self::condition_for), or an
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) error naming the members the
    /// conditions depend on: check it before sending a change that should be waited for.
    pub fn check_input(&self, input: &Value) -> Result<&WaitCondition, Error> {
        self.condition_for(input).ok_or_else(|| {
            let members: Vec<String> = self
                .until
                .iter()
                .flat_map(|c| c.when.iter().map(|(member, _)| format!("`{member}`")))
                .collect();
            Error::invalid_input(format!(
                "none of the conditions of the waiter on {} applies to this input (they depend on {})",
                self.operation.name,
                members.join(", ")
            ))
        })
    }

    /// The polled operation's input for a request with `input`. Request members that are not
    /// set are left out.
    pub fn poll_input(&self, input: &Value) -> Value {
        let mut polled = Map::new();
        for (polled_member, own_member) in self.input {
            if let Some(value) = input.get(*own_member).filter(|v| !v.is_null()) {
                polled.insert((*polled_member).to_owned(), value.clone());
            }
        }
        Value::Object(polled)
    }

    /// Polls until the condition that applies to a request with `input` holds.
    ///
    /// # Errors
    ///
    /// [`WaitError::Call`] with [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput)
    /// when no condition applies (nothing is polled), [`WaitError::Timeout`] at the deadline,
    /// [`WaitError::Call`] when a poll fails.
    pub async fn wait(
        &self,
        client: &Client,
        input: &Value,
        options: &WaitOptions,
    ) -> Result<Waited, WaitError> {
        let condition = self.check_input(input)?;
        let polled = self.poll_input(input);
        let what = format!(
            "{} until {} is {}",
            self.operation.name,
            condition.path,
            condition.equals.to_json()
        );
        poll_until(&what, options, |deadline| {
            let polled = polled.clone();
            async move {
                let output = client
                    .call_json_until(&self.operation, polled, Some(deadline))
                    .await?;
                let status = value_at(&output, condition.path).cloned();
                let verdict = match &status {
                    Some(seen) if condition.equals.matches(seen) => Verdict::Done,
                    _ => Verdict::Pending,
                };
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SSL: ConditionWaiter = ConditionWaiter {
        operation: OperationInfo::action("DescribeInstanceSSL").read_only(),
        input: &[("InstanceId", "InstanceId")],
        until: &[
            WaitCondition {
                when: &[("Enable", Scalar::Bool(true))],
                path: "Status",
                equals: Scalar::Int(1),
            },
            WaitCondition {
                when: &[("Enable", Scalar::Bool(false))],
                path: "Status",
                equals: Scalar::Int(0),
            },
        ],
    };

    #[test]
    fn the_request_chooses_the_condition_and_the_polled_input() {
        let on = json!({"InstanceId": "cmgo-1", "Enable": true});
        assert_eq!(
            SSL.condition_for(&on).map(|c| c.equals),
            Some(Scalar::Int(1))
        );
        let off = json!({"InstanceId": "cmgo-1", "Enable": false});
        assert_eq!(
            SSL.condition_for(&off).map(|c| c.equals),
            Some(Scalar::Int(0))
        );
        assert_eq!(SSL.poll_input(&on), json!({"InstanceId": "cmgo-1"}));
        let error = SSL
            .check_input(&json!({"InstanceId": "cmgo-1"}))
            .expect_err("no Enable");
        assert!(error.message().contains("`Enable`"), "{error}");
    }
}
