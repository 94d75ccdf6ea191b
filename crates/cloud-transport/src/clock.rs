//! Time for signatures: the local clock corrected by the offset learned from a server's `Date`
//! header after a signature-expired error, and the two date formats servers send us.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::sign::UtcDateTime;

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

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Parses an HTTP `Date` header in the IMF-fixdate form every current server sends
/// (`Sun, 06 Nov 1994 08:49:37 GMT`) into Unix seconds.
pub(crate) fn parse_http_date(value: &str) -> Option<i64> {
    let rest = value.trim().split_once(", ")?.1;
    let mut parts = rest.split(' ');
    let day: u32 = parts.next()?.parse().ok()?;
    let month_name = parts.next()?;
    let month = MONTHS.iter().position(|m| *m == month_name)? as u32 + 1;
    // IMF-fixdate years have four digits; a longer one would overflow the arithmetic below.
    let year = parts.next().filter(|y| y.len() == 4)?;
    let year: i64 = year.parse().ok()?;
    let mut hms = parts.next()?.split(':');
    let mut next = || -> Option<u32> { hms.next()?.parse().ok() };
    let (hour, minute, second) = (next()?, next()?, next()?);
    if parts.next()? != "GMT" || parts.next().is_some() {
        return None;
    }
    to_unix(year, month, day, hour, minute, second)
}

/// Parses an RFC 3339 time (`2024-01-02T03:04:05.123000Z`, `2024-01-02T11:04:05+08:00`), as in
/// IAM's `expires_at`, into Unix seconds (fractions dropped).
#[cfg_attr(not(feature = "huawei"), allow(dead_code))]
pub(crate) fn parse_rfc3339(value: &str) -> Option<i64> {
    let v = value.trim();
    if v.len() < 20 || !v.is_ascii() {
        return None;
    }
    let b = v.as_bytes();
    if b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let s = &v[r];
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    let year = i64::from(num(0..4)?);
    let (month, day) = (num(5..7)?, num(8..10)?);
    let (hour, minute) = (num(11..13)?, num(14..16)?);
    if b[16] != b':' {
        return None;
    }
    let second = num(17..19)?;
    let mut rest = &v[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = &frac[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let (h, m) = rest[1..].split_once(':')?;
            if h.len() != 2 || m.len() != 2 {
                return None;
            }
            let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
            sign * (h * 3600 + m * 60)
        }
    };
    Some(to_unix(year, month, day, hour, minute, second)? - offset)
}

fn to_unix(year: i64, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> Option<i64> {
    let valid = (0..=9999).contains(&year)
        && (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && hour < 24
        && minute < 60
        && second <= 60;
    let t = UtcDateTime {
        year,
        month,
        day,
        hour,
        minute,
        second: second.min(59),
    };
    if !valid {
        return None;
    }
    // Round-tripping rejects days that do not exist in the month (31 April).
    let unix = t.to_unix();
    (UtcDateTime::from_unix(unix) == t).then_some(unix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(
            parse_http_date("Tue, 02 Jan 2024 03:04:05 GMT"),
            Some(1_704_164_645)
        );
        for bad in [
            "",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Sun, 31 Apr 2024 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 06 Nov 1994 25:49:37 GMT",
            "Sun, 06 Nov 94 08:49:37 GMT",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn http_dates_with_absurd_years_are_refused_not_overflowed() {
        // Found by the response_decoder fuzz target: a server's `Date` header with a huge year
        // overflowed the day arithmetic (a panic in debug builds, a wrong clock otherwise).
        for bad in [
            "Tue, 02 Jan 2024294967295 03:04:05 GMT",
            "Tue, 02 Jan 9223372036854775807 03:04:05 GMT",
            "Tue, 02 Jan -9223372036854775808 03:04:05 GMT",
            "Tue, 02 Jan 20240 03:04:05 GMT",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad:?}");
        }
        assert_eq!(
            parse_http_date("Fri, 31 Dec 9999 23:59:59 GMT"),
            Some(253_402_300_799)
        );
    }

    #[test]
    fn rfc3339_times() {
        assert_eq!(parse_rfc3339("2024-01-02T03:04:05Z"), Some(1_704_164_645));
        assert_eq!(
            parse_rfc3339("2024-01-02T03:04:05.123000Z"),
            Some(1_704_164_645)
        );
        assert_eq!(
            parse_rfc3339("2024-01-02T11:04:05+08:00"),
            Some(1_704_164_645)
        );
        assert_eq!(
            parse_rfc3339("2024-01-01T22:04:05-05:00"),
            Some(1_704_164_645)
        );
        for bad in [
            "",
            "2024-01-02",
            "2024-01-02T03:04:05",
            "2024-13-02T03:04:05Z",
            "2024-01-02T03:04:05.Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn correction_moves_now() {
        let clock = Clock::default();
        let target = local_unix() + 3600;
        clock.correct_to(target);
        assert!((clock.now_unix() - target).abs() <= 1);
        assert!((clock.offset() - 3600).abs() <= 1);
    }
}
