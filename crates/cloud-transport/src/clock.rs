//! Time for signatures: the local clock corrected by the offset learned from a server's `Date`
//! header after a signature-expired error. The calendar arithmetic and the date formats live in
//! [`crate::calendar`].

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The local clock plus a correction, shared by every client of a configuration.
#[derive(Debug, Default)]
pub(crate) struct Clock {
    offset_seconds: AtomicI64,
}

impl Clock {
    /// Unix seconds now, corrected.
    pub(crate) fn now_unix(&self) -> i64 {
        local_unix() + self.offset_seconds.load(Ordering::Relaxed)
    }

    /// The current correction in seconds (server minus local).
    #[cfg(test)]
    pub(crate) fn offset(&self) -> i64 {
        self.offset_seconds.load(Ordering::Relaxed)
    }

    /// Sets the correction so that `now_unix` matches `server_unix`, the time a server reported.
    pub(crate) fn correct_to(&self, server_unix: i64) -> i64 {
        let offset = server_unix - local_unix();
        self.offset_seconds.store(offset, Ordering::Relaxed);
        offset
    }
}

/// Unix seconds on the local clock (0 if it is before 1970).
pub(crate) fn local_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn correction_moves_now() {
        let clock = Clock::default();
        let target = local_unix() + 3600;
        clock.correct_to(target);
        assert!((clock.now_unix() - target).abs() <= 1);
        assert!((clock.offset() - 3600).abs() <= 1);
    }
}
