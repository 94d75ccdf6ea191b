//! Per-operation rate limiting: at most N requests in any one-second window, as the vendors
//! document ("A maximum of 20 requests can be initiated per second for this API").

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(1);

/// Sliding one-second windows per (service, operation).
#[derive(Debug, Default)]
pub(crate) struct RateLimiter {
    windows: Mutex<HashMap<(String, String), VecDeque<Instant>>>,
}

impl RateLimiter {
    /// Admits the request if fewer than `limit` were admitted in the last second. Refused
    /// requests do not count, so a client backing off gets through again.
    pub(crate) fn admit(&self, service: &str, op: &str, limit: u32, now: Instant) -> bool {
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let window = windows
            .entry((service.to_owned(), op.to_owned()))
            .or_default();
        while window
            .front()
            .is_some_and(|t| now.duration_since(*t) >= WINDOW)
        {
            window.pop_front();
        }
        if window.len() >= limit as usize {
            return false;
        }
        window.push_back(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_slides() {
        let limiter = RateLimiter::default();
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(limiter.admit("s", "op", 3, t0));
        }
        assert!(!limiter.admit("s", "op", 3, t0));
        assert!(limiter.admit("s", "other", 3, t0));
        assert!(!limiter.admit("s", "op", 3, t0 + Duration::from_millis(999)));
        assert!(limiter.admit("s", "op", 3, t0 + WINDOW));
    }
}
