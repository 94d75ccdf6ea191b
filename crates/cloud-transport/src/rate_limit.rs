//! The optional client-side rate limiter: keeps each action under its documented limit
//! (`OperationInfo::rate_limit`, requests per second) so the service does not have to throttle.
//!
//! The services count the requests that *arrive* in any window of one second. The client only
//! knows when it sends a request and when the answer comes back; the arrival lies in between,
//! and under load (a burst queued on a busy machine or link) it can lie anywhere in between. So
//! each request occupies its action's budget from the moment it is sent until one window after
//! its answer came back (or its attempt ended without one), and a request is sent only while
//! fewer than `limit` requests occupy the budget. That bound holds at the server whatever the
//! latency: every request that arrives within a window before another's arrival still occupied
//! the budget when that other one was sent.
//!
//! Limiting only start times (at most `limit` sends per window) is not enough: a burst whose
//! requests are delayed on the way lands in the same server window as the next requests sent a
//! full window later. A token bucket is worse still: it lets a full burst through and keeps
//! refilling, so up to twice the limit can land in one second.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::{Error, ErrorKind, Result};

/// The window the services count requests in.
const WINDOW: Duration = Duration::from_secs(1);

#[derive(Debug, Default)]
pub(crate) struct RateLimiter {
    actions: Mutex<HashMap<String, Budget>>,
}

/// The requests that occupy one action's budget.
#[derive(Debug, Default)]
struct Budget {
    /// Sent, and not yet answered or given up on.
    in_flight: usize,
    /// When the answered ones were answered, oldest first; each leaves the budget a window later.
    ended: VecDeque<Instant>,
}

/// A request's place in its action's budget. Dropping it records that the request ended: its
/// answer came back, its attempt failed or timed out, or the caller stopped waiting.
#[derive(Debug)]
pub(crate) struct Permit<'a> {
    limiter: &'a RateLimiter,
    /// `None` when the action has no limit (0 per second): nothing to record.
    key: Option<String>,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if let Some(key) = &self.key {
            self.limiter.end(key, Instant::now());
        }
    }
}

impl RateLimiter {
    /// Waits until `key` may send another request under `per_second`, or fails with a timeout
    /// if that cannot happen before `deadline`. Hold the permit until the request has ended.
    pub(crate) async fn acquire(
        &self,
        key: &str,
        per_second: u32,
        deadline: Instant,
    ) -> Result<Permit<'_>> {
        if per_second == 0 {
            return Ok(Permit {
                limiter: self,
                key: None,
            });
        }
        let mut logged = false;
        while let Some(wake) = self.try_start(key, per_second, Instant::now(), deadline)? {
            if !logged {
                logged = true;
                tracing::debug!(
                    action = key,
                    wait_ms = wake.saturating_duration_since(Instant::now()).as_millis() as u64,
                    "rate limiter delays the request"
                );
            }
            // Another caller may take the freed place first; then this one waits again.
            tokio::time::sleep_until(wake.into()).await;
        }
        Ok(Permit {
            limiter: self,
            key: Some(key.to_owned()),
        })
    }

    /// Takes a place in `key`'s budget at `now` (`None`), or says when one may free up.
    fn try_start(
        &self,
        key: &str,
        per_second: u32,
        now: Instant,
        deadline: Instant,
    ) -> Result<Option<Instant>> {
        let limit = per_second as usize;
        // A poisoned lock only means another caller panicked mid-update of a few counters.
        let mut actions = self.actions.lock().unwrap_or_else(|p| p.into_inner());
        let budget = actions.entry(key.to_owned()).or_default();
        while budget.ended.front().is_some_and(|&end| end + WINDOW <= now) {
            budget.ended.pop_front();
        }
        if budget.in_flight + budget.ended.len() < limit {
            budget.in_flight += 1;
            return Ok(None);
        }
        // A place frees when the oldest answered request leaves the window; if all are still in
        // flight, a window after the first of them ends, which is a window from now at best.
        let wake = budget.ended.front().map_or(now, |&end| end) + WINDOW;
        if wake > deadline {
            return Err(Error::new(
                ErrorKind::Timeout,
                format!("the client-side rate limit of {per_second}/s for {key} would delay the request past the deadline"),
            ));
        }
        Ok(Some(wake))
    }

    fn end(&self, key: &str, now: Instant) {
        let mut actions = self.actions.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(budget) = actions.get_mut(key) {
            budget.in_flight = budget.in_flight.saturating_sub(1);
            budget.ended.push_back(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAR: Duration = Duration::from_secs(60);

    #[test]
    fn a_burst_waits_for_the_window_after_the_answers() {
        let limiter = RateLimiter::default();
        let t0 = Instant::now();
        for _ in 0..10 {
            assert_eq!(limiter.try_start("a", 10, t0, t0 + FAR).unwrap(), None);
        }
        // All ten in flight: nothing can free before a window from now.
        assert_eq!(
            limiter.try_start("a", 10, t0, t0 + FAR).unwrap(),
            Some(t0 + WINDOW)
        );
        // They are answered late (queued on the way); the budget frees a window after each answer,
        // not a window after each send.
        for i in 0..10u64 {
            limiter.end("a", t0 + Duration::from_millis(300 + 10 * i));
        }
        let at = t0 + WINDOW;
        assert_eq!(
            limiter.try_start("a", 10, at, at + FAR).unwrap(),
            Some(t0 + Duration::from_millis(300) + WINDOW)
        );
        let at = t0 + Duration::from_millis(300) + WINDOW;
        assert_eq!(limiter.try_start("a", 10, at, at + FAR).unwrap(), None);
        assert_eq!(
            limiter.try_start("a", 10, at, at + FAR).unwrap(),
            Some(t0 + Duration::from_millis(310) + WINDOW)
        );
        // Other actions have their own budget.
        assert_eq!(limiter.try_start("b", 10, at, at + FAR).unwrap(), None);
    }

    #[test]
    fn past_the_deadline_is_refused_at_once_and_takes_no_place() {
        let limiter = RateLimiter::default();
        let t0 = Instant::now();
        assert_eq!(limiter.try_start("a", 1, t0, t0 + FAR).unwrap(), None);
        let e = limiter
            .try_start("a", 1, t0, t0 + Duration::from_millis(100))
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Timeout);
        assert!(e.to_string().contains("1/s for a"), "{e}");
        limiter.end("a", t0);
        assert_eq!(
            limiter.try_start("a", 1, t0 + WINDOW, t0 + FAR).unwrap(),
            None
        );
    }

    #[test]
    fn spaced_requests_are_not_delayed() {
        let limiter = RateLimiter::default();
        let start = Instant::now();
        for i in 0..50u32 {
            let at = start + Duration::from_millis(200) * i;
            assert_eq!(limiter.try_start("a", 10, at, at + FAR).unwrap(), None);
            limiter.end("a", at + Duration::from_millis(50));
        }
    }

    #[tokio::test]
    async fn no_limit_never_waits_nor_records() {
        let limiter = RateLimiter::default();
        let now = Instant::now();
        for _ in 0..100 {
            drop(limiter.acquire("a", 0, now).await.unwrap());
        }
        assert!(limiter.actions.lock().unwrap().is_empty());
    }
}
