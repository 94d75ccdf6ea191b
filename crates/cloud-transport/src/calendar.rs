//! The calendar, once: Unix seconds to and from UTC dates (proleptic Gregorian, Howard
//! Hinnant's algorithms, so no date crate is needed), and the date formats the transport reads:
//! HTTP `Date` headers (clock correction), RFC 3339 (credential and token expiry) and the
//! formats the signatures write ([`UtcDateTime`]). Used by the signers, the clock, the
//! timestamps of generated types ([`crate::codec::Timestamp`]) and the credential providers.
//!
//! A leaf module: it uses nothing else of the crate. (Parsing Huawei's `X-Sdk-Date`, which fails
//! with a signing error, is the signer's: [`UtcDateTime::parse_basic_iso`].)

/// A UTC calendar time, second precision. Used for the dates the signatures contain
/// (`2019-02-25` in TC3 scopes, `20240102T030405Z` in Huawei's `X-Sdk-Date`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UtcDateTime {
    /// Year, e.g. 2024.
    pub year: i64,
    /// Month 1..=12.
    pub month: u32,
    /// Day of month 1..=31.
    pub day: u32,
    /// Hour 0..=23.
    pub hour: u32,
    /// Minute 0..=59.
    pub minute: u32,
    /// Second 0..=59.
    pub second: u32,
}

impl UtcDateTime {
    /// The UTC time of a Unix timestamp (seconds since 1970-01-01T00:00:00Z).
    pub fn from_unix(timestamp: i64) -> Self {
        let days = timestamp.div_euclid(86_400);
        let secs = timestamp.rem_euclid(86_400) as u32;
        let (year, month, day) = civil_from_days(days);
        UtcDateTime {
            year,
            month,
            day,
            hour: secs / 3600,
            minute: secs % 3600 / 60,
            second: secs % 60,
        }
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub fn to_unix(&self) -> i64 {
        days_from_civil(self.year, self.month, self.day) * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
    }

    /// `YYYY-MM-DD` on the stack, for years 0 to 9999 (`None` outside: the caller falls back to
    /// [`UtcDateTime::date_dashed`], which writes any year).
    #[cfg(feature = "tencent")]
    pub(crate) fn date_dashed_bytes(&self) -> Option<[u8; 10]> {
        if !(0..=9999).contains(&self.year) {
            return None;
        }
        let digit = |n: u32| b'0' + (n % 10) as u8;
        let y = self.year as u32;
        Some([
            digit(y / 1000),
            digit(y / 100),
            digit(y / 10),
            digit(y),
            b'-',
            digit(self.month / 10),
            digit(self.month),
            b'-',
            digit(self.day / 10),
            digit(self.day),
        ])
    }

    /// `YYYY-MM-DD`, the date in a TC3 credential scope.
    pub fn date_dashed(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// `YYYYMMDDTHHMMSSZ`, Huawei's `X-Sdk-Date` format.
    pub fn basic_iso(&self) -> String {
        format!(
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

// Howard Hinnant's days <-> civil algorithms (proleptic Gregorian), so no date crate is needed.
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * if m > 2 { m - 3 } else { m + 9 } + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Whether `year` has a 29 February.
pub(crate) fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// The number of days of `month` (1..=12) in `year`.
pub(crate) fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
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
    fn days_and_dates_round_trip() {
        for days in [-719_468, -1, 0, 1, 11_016, 19_723, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(1900, 2), 28);
        assert_eq!(days_in_month(2000, 2), 29);
    }
}
