//! The optional client-side rate limiter: keeps each action under its documented limit
//! (`OperationInfo::rate_limit`, requests per second) so the service does not have to throttle.
//!
//! It is a sliding-window limiter per action: at most `limit` requests start in any window of
//! one second (plus a small margin for network jitter), which is how the services count. A
//! token bucket with a burst of `limit` would not do: it lets a full burst through and then
//! keeps refilling, so up to twice the limit can land in one second. Each caller reserves its
//! slot under a short lock and then sleeps outside it, so waiting callers do not block each
//! other, and a caller whose slot lies past its deadline gets a timeout at once instead of
//! sleeping for nothing.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::{Error, ErrorKind, Result};

/// The window the limit applies to, with 2% to spare so that requests whose start times are a
/// full window apart still are when they reach the server.
const WINDOW: Duration = Duration::from_millis(1020);

#[derive(Debug, Default)]
pub(crate) struct RateLimiter {
    /// Start times handed out (past and reserved), oldest first, per action.
    slots: Mutex<HashMap<String, VecDeque<Instant>>>,
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
        let limit = per_second as usize;
        // A poisoned lock only means another caller panicked mid-update of a list of instants.
        let mut all = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        let slots = all.entry(key.to_owned()).or_default();
        // The new slot must be a full window after the `limit`-th most recent one, and never
        // before a slot already handed out (slots stay sorted).
        let mut slot = now;
        if slots.len() >= limit {
            slot = slot.max(slots[slots.len() - limit] + WINDOW);
        }
        if let Some(&last) = slots.back() {
            slot = slot.max(last);
        }
        if slot > deadline {
            return Err(Error::new(
                ErrorKind::Timeout,
                format!("the client-side rate limit of {per_second}/s for {key} would delay the request past the deadline"),
            ));
        }
        slots.push_back(slot);
        // Only the last `limit` slots can matter for the next reservation.
        while slots.len() > limit {
            slots.pop_front();
        }
        Ok(slot.saturating_duration_since(now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_most_limit_requests_start_in_any_window() {
        let limiter = RateLimiter::default();
        let now = Instant::now();
        let far = now + Duration::from_secs(60);
        let waits: Vec<Duration> = (0..25)
            .map(|_| limiter.reserve("a", 10, now, far).unwrap())
            .collect();
        assert!(waits[..10].iter().all(Duration::is_zero), "{waits:?}");
        assert!(waits[10..20].iter().all(|w| *w == WINDOW), "{waits:?}");
        assert!(waits[20..].iter().all(|w| *w == 2 * WINDOW), "{waits:?}");
        // Any window of one second holds at most 10 starts.
        for (i, w) in waits.iter().enumerate() {
            let in_window = waits
                .iter()
                .filter(|x| **x >= *w && **x < *w + WINDOW)
                .count();
            assert!(in_window <= 10, "window from request {i} holds {in_window}");
        }
        // Other actions have their own budget.
        assert!(limiter.reserve("b", 10, now, far).unwrap().is_zero());
        // Past the deadline: refused at once, and no slot is taken.
        let e = limiter
            .reserve("a", 10, now, now + Duration::from_millis(100))
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Timeout);
        // Only five starts are in the third window yet.
        assert_eq!(limiter.reserve("a", 10, now, far).unwrap(), 2 * WINDOW);
    }

    #[test]
    fn spaced_requests_are_not_delayed() {
        let limiter = RateLimiter::default();
        let start = Instant::now();
        let far = start + Duration::from_secs(60);
        for i in 0..50u32 {
            let at = start + Duration::from_millis(200) * i;
            assert!(limiter.reserve("a", 10, at, far).unwrap().is_zero());
        }
    }
}
