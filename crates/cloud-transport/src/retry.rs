//! When to try a call again, and how long to wait first.
//!
//! The policy:
//! - throttling (`RequestLimitExceeded*`, HTTP 429, `APIGW.0308`) is always retried: the
//!   service refused the request before doing anything;
//! - a connection that could not be made (refused, DNS or TLS set-up failed) is always retried:
//!   no byte of the request left, so nothing can apply twice ([`Error::request_not_sent`]);
//! - connection errors, timeouts, HTTP 502/503/504 and `ServiceUnavailable` codes are retried
//!   only for operations that are read-only or idempotent ([`OperationInfo::is_retry_safe`]):
//!   the first attempt may have reached the service, and a mutation must never apply twice;
//! - nothing else is retried.
//!
//! Waits use exponential backoff with full jitter (a uniformly random wait between zero and
//! `min(max_backoff, initial_backoff * 2^(attempt-1))`), raised to the server's `Retry-After`
//! when it sent one, but never above `max_backoff`, and never past the call's deadline.
//!
//! That policy is [`RetryConfig`]'s implementation of [`RetryPolicy`], the default. A program
//! with other needs (a circuit breaker, a budget shared by many calls, retrying a vendor code it
//! knows to be safe) implements [`RetryPolicy`] and gives it to
//! [`ConfigBuilder::retry_policy`](crate::ConfigBuilder::retry_policy). Whatever the policy says,
//! the call loop keeps the call's deadline, and a signature-expired answer gets its one
//! clock-corrected retry.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use crate::{Error, OperationInfo, Result};

/// A failed attempt, as a [`RetryPolicy`] sees it.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct FailedAttempt<'a> {
    /// Why the attempt failed.
    pub error: &'a Error,
    /// How many attempts have failed so far, this one included (the clock-corrected retry after
    /// a signature-expired answer is not counted).
    pub attempt: u32,
    /// The operation being called: its name, and whether it is read-only or idempotent
    /// ([`OperationInfo::is_retry_safe`]).
    pub operation: &'a OperationInfo,
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryDecision {
    /// Return the error to the caller.
    Stop,
    /// Try again after this wait (cut short by nothing; a wait past the call's deadline ends the
    /// call with the error instead).
    RetryAfter(Duration),
}

/// Decides whether a failed attempt is tried again, and after how long. [`RetryConfig`] is the
/// default; see the [module docs](self) for its rules.
///
/// Called once per failed attempt, from the task making the call: keep it quick and never block.
pub trait RetryPolicy: fmt::Debug + Send + Sync {
    /// The decision after `failed`.
    fn on_failure(&self, failed: &FailedAttempt<'_>) -> RetryDecision;
}

impl RetryPolicy for RetryConfig {
    fn on_failure(&self, failed: &FailedAttempt<'_>) -> RetryDecision {
        if !should_retry(failed.error, failed.operation) || failed.attempt >= self.max_attempts {
            return RetryDecision::Stop;
        }
        RetryDecision::RetryAfter(self.backoff(failed.attempt, failed.error))
    }
}

/// How often and how patiently a call is retried. See the [module docs](self) for the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryConfig {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig::standard()
    }
}

impl RetryConfig {
    /// Default attempts per call, the first one included.
    pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
    /// Default cap of the first wait.
    pub const DEFAULT_INITIAL_BACKOFF: Duration = Duration::from_millis(200);
    /// Default cap of any wait.
    pub const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(5);
    /// The most attempts accepted.
    pub const MAX_ATTEMPTS_LIMIT: u32 = 20;

    /// 3 attempts, waits of up to 200 ms, 400 ms, ... capped at 5 s.
    pub const fn standard() -> Self {
        RetryConfig {
            max_attempts: Self::DEFAULT_MAX_ATTEMPTS,
            initial_backoff: Self::DEFAULT_INITIAL_BACKOFF,
            max_backoff: Self::DEFAULT_MAX_BACKOFF,
        }
    }

    /// One attempt, no retries (a signature-expired answer still gets its one corrected retry).
    pub const fn disabled() -> Self {
        RetryConfig {
            max_attempts: 1,
            ..Self::standard()
        }
    }

    /// Sets the number of attempts, the first one included (1..=20).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// Sets the cap of the first wait; later caps double.
    pub fn with_initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// Sets the cap of every wait, `Retry-After` included.
    pub fn with_max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// Attempts per call, the first one included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The cap of the first wait.
    pub fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    /// The cap of every wait.
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    pub(crate) fn validate(&self) -> Result<()> {
        if !(1..=Self::MAX_ATTEMPTS_LIMIT).contains(&self.max_attempts) {
            return Err(Error::invalid_config(format!(
                "max_attempts must be between 1 and {}, not {}",
                Self::MAX_ATTEMPTS_LIMIT,
                self.max_attempts
            )));
        }
        if self.max_backoff > Duration::from_secs(3600) {
            return Err(Error::invalid_config("max_backoff must be at most an hour"));
        }
        if self.initial_backoff > self.max_backoff {
            return Err(Error::invalid_config(
                "initial_backoff must not be longer than max_backoff",
            ));
        }
        Ok(())
    }

    /// The wait before attempt `attempt + 1`, after `attempt` (1-based) failed with `error`.
    pub(crate) fn backoff(&self, attempt: u32, error: &Error) -> Duration {
        let exponent = attempt.saturating_sub(1).min(30);
        let cap = self
            .initial_backoff
            .saturating_mul(1u32 << exponent)
            .min(self.max_backoff);
        let jittered = cap.mul_f64(random_fraction());
        jittered
            .max(error.retry_after().unwrap_or_default())
            .min(self.max_backoff)
    }
}

/// Whether a failed attempt of `op` may be tried again (see the module docs).
pub(crate) fn should_retry(error: &Error, op: &OperationInfo) -> bool {
    if error.is_throttling() || error.request_not_sent() {
        return true;
    }
    if !op.is_retry_safe() {
        return false;
    }
    error.is_transient() || error.is_retryable() || matches!(error.http_status(), Some(502..=504))
}

/// Whether the service rejected the signature's timestamp, so a corrected clock may fix it.
pub(crate) fn is_clock_skew(error: &Error) -> bool {
    error.is_code("AuthFailure.SignatureExpire")
}

/// A uniformly distributed number in `[0, 1)`. Jitter needs spread, not cryptographic quality:
/// std's randomly keyed hasher gives that without a dependency.
fn random_fraction() -> f64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    const READ: OperationInfo = OperationInfo {
        name: "DescribeInstanceSSL",
        http: None,
        read_only: true,
        idempotent: false,
        rate_limit: None,
        regions: &[],
    };
    const MUTATION: OperationInfo = OperationInfo {
        name: "InstanceEnableSSL",
        read_only: false,
        ..READ
    };

    #[test]
    fn policy() {
        let throttled = Error::service("RequestLimitExceeded", "slow down");
        let reset = Error::new(ErrorKind::Connection, "connection reset");
        let timeout = Error::new(ErrorKind::Timeout, "timed out");
        let bad_gateway = Error::decode("not JSON", 503, b"<html>");
        let huawei_503 = Error::service("APIGW.0201", "unavailable").with_http_status(503);
        let denied = Error::service("AuthFailure.SignatureFailure", "no");
        for e in [&throttled, &reset, &timeout, &bad_gateway, &huawei_503] {
            assert!(should_retry(e, &READ), "{e}");
        }
        assert!(should_retry(&throttled, &MUTATION));
        assert!(should_retry(
            &Error::service("X", "y").with_http_status(429),
            &MUTATION
        ));
        for e in [&reset, &timeout, &bad_gateway, &huawei_503, &denied] {
            assert!(!should_retry(e, &MUTATION), "{e}");
        }
        assert!(!should_retry(&denied, &READ));
        let refused =
            Error::new(ErrorKind::Connection, "connection refused").with_request_not_sent();
        assert!(
            should_retry(&refused, &MUTATION),
            "never sent: safe to resend"
        );
    }

    #[test]
    fn backoff_is_jittered_bounded_and_honours_retry_after() {
        let config = RetryConfig::standard()
            .with_initial_backoff(Duration::from_millis(100))
            .with_max_backoff(Duration::from_millis(300));
        let plain = Error::new(ErrorKind::Timeout, "t");
        let waits: Vec<Duration> = (0..200).map(|_| config.backoff(1, &plain)).collect();
        assert!(waits.iter().all(|w| *w <= Duration::from_millis(100)));
        // Full jitter spreads the waits: 200 draws in [0, 100 ms) are not all in one half.
        assert!(waits.iter().any(|w| *w < Duration::from_millis(50)));
        assert!(waits.iter().any(|w| *w >= Duration::from_millis(50)));
        assert!((0..50).all(|_| config.backoff(10, &plain) <= Duration::from_millis(300)));
        let asked = plain.with_retry_after(Duration::from_millis(250));
        assert!(config.backoff(1, &asked) >= Duration::from_millis(250));
        let asked_too_much =
            Error::new(ErrorKind::Timeout, "t").with_retry_after(Duration::from_secs(60));
        assert_eq!(
            config.backoff(1, &asked_too_much),
            Duration::from_millis(300)
        );
    }

    #[test]
    fn validation() {
        assert!(RetryConfig::standard().validate().is_ok());
        assert!(RetryConfig::standard()
            .with_max_attempts(0)
            .validate()
            .is_err());
        assert!(RetryConfig::standard()
            .with_max_attempts(21)
            .validate()
            .is_err());
        assert!(RetryConfig::standard()
            .with_initial_backoff(Duration::from_secs(10))
            .validate()
            .is_err());
        assert!(RetryConfig::standard()
            .with_max_backoff(Duration::MAX)
            .validate()
            .is_err());
    }
}
