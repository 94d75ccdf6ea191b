//! The emulator's wall clock (the system clock shifted by a configured offset), the HTTP
//! `Date` header, and ISO 8601 for IAM tokens.
//!
//! Every "now" that a client can observe or that decides an answer (signature skew checks,
//! `Date` headers, token issue and expiry) comes from [`Clock::now`], so an offset makes the
//! emulator behave like a server whose clock differs from the client's. Durations measured
//! inside the emulator (async delays, rate-limit windows) use `Instant` and are unaffected.

use std::time::{SystemTime, UNIX_EPOCH};

use cloud_transport::sign::UtcDateTime;

/// The emulator's clock: Unix time plus a fixed offset in seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Clock {
    offset_secs: i64,
}

impl Clock {
    /// A clock `offset_secs` ahead of the system clock (negative: behind).
    pub(crate) fn with_offset(offset_secs: i64) -> Self {
        Clock { offset_secs }
    }

    /// The emulator's current Unix time in seconds.
    pub(crate) fn now(self) -> i64 {
        system_now().saturating_add(self.offset_secs)
    }

    /// The configured offset in seconds.
    pub(crate) fn offset_secs(self) -> i64 {
        self.offset_secs
    }
}

/// Seconds since the Unix epoch by the system clock. Private: everything else goes through
/// [`Clock`], so no code path can forget the offset.
fn system_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the format of the `Date` header clients
/// read to correct their clock skew.
pub(crate) fn http_date(unix: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let t = UtcDateTime::from_unix(unix);
    // 1970-01-01 was a Thursday.
    let weekday = DAYS[unix.div_euclid(86_400).rem_euclid(7) as usize];
    format!(
        "{weekday}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        t.day,
        MONTHS[(t.month - 1) as usize],
        t.year,
        t.hour,
        t.minute,
        t.second
    )
}

/// ISO 8601 with microseconds, as Huawei IAM writes `expires_at`: `2024-01-02T03:04:05.000000Z`.
pub(crate) fn iso8601(unix: i64) -> String {
    let t = UtcDateTime::from_unix(unix);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.000000Z",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(http_date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(iso8601(1_704_164_645), "2024-01-02T03:04:05.000000Z");
    }

    #[test]
    fn offsets_shift_now() {
        let real = Clock::default().now();
        let ahead = Clock::with_offset(3600).now();
        let behind = Clock::with_offset(-3600).now();
        // Allow for the second ticking between the readings.
        assert!((3600..=3602).contains(&(ahead - real)), "{ahead} vs {real}");
        assert!(
            (-3600..=-3598).contains(&(behind - real)),
            "{behind} vs {real}"
        );
        assert_eq!(Clock::with_offset(i64::MAX).now(), i64::MAX, "saturates");
    }
}
