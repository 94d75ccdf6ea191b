//! The optional client-side rate limiter: keeps each action under its documented limit
//! (`OperationInfo::rate_limit`, requests per second) so the service does not have to throttle.
//!
//! It is a GCRA ("virtual scheduling") limiter per action: a burst of up to `limit` requests
//! passes at once, after that requests are spaced `1/limit` seconds apart. Each caller reserves
//! its slot under a short lock and then sleeps outside it, so waiting callers do not block
//! each other, and a caller whose slot lies past its deadline gets a timeout at once instead of
//! sleeping for nothing.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::{Error, ErrorKind, Result};

#[derive(Debug, Default)]
pub(crate) struct RateLimiter {
    /// Theoretical arrival time of the next request, per action.
    next: Mutex<HashMap<String, Instant>>,
}

impl RateLimiter {
    /// Waits until `key` may send another request under `per_second`, or fails with a timeout
    /// if that would be after `deadline`.
    pub(crate) async fn acquire(
        &self,
        key: &str,
        per_second: u32,
        deadline: Instant,
    ) -> Result<()> {
        if per_second == 0 {
            return Ok(());
        }
        let wait = self.reserve(key, per_second, Instant::now(), deadline)?;
        if !wait.is_zero() {
            tracing::debug!(
                action = key,
                wait_ms = wait.as_millis() as u64,
                "rate limiter delays the request"
            );
            tokio::time::sleep(wait).await;
        }
        Ok(())
    }

    fn reserve(
        &self,
        key: &str,
        per_second: u32,
        now: Instant,
        deadline: Instant,
    ) -> Result<Duration> {
        let interval = Duration::from_secs(1) / per_second;
        // A full second's worth of requests may go at once.
        let tolerance = Duration::from_secs(1) - interval;
        // A poisoned lock only means another caller panicked mid-update of a map of instants.
        let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner());
        let tat = next.get(key).copied().unwrap_or(now).max(now);
        let wait = tat.saturating_duration_since(now).saturating_sub(tolerance);
        if now + wait > deadline {
            return Err(Error::new(
                ErrorKind::Timeout,
                format!("the client-side rate limit of {per_second}/s for {key} would delay the request past the deadline"),
            ));
        }
        next.insert(key.to_owned(), tat + interval);
        Ok(wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_then_spaces_requests() {
        let limiter = RateLimiter::default();
        let now = Instant::now();
        let far = now + Duration::from_secs(60);
        let waits: Vec<Duration> = (0..15)
            .map(|_| limiter.reserve("a", 10, now, far).unwrap())
            .collect();
        assert!(waits[..10].iter().all(Duration::is_zero), "{waits:?}");
        assert_eq!(waits[10], Duration::from_millis(100));
        assert_eq!(waits[14], Duration::from_millis(500));
        // Other actions have their own budget.
        assert!(limiter.reserve("b", 10, now, far).unwrap().is_zero());
        // Past the deadline: refused at once, and no slot is taken.
        let e = limiter
            .reserve("a", 10, now, now + Duration::from_millis(100))
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Timeout);
        assert_eq!(
            limiter.reserve("a", 10, now, far).unwrap(),
            Duration::from_millis(600)
        );
    }
}
