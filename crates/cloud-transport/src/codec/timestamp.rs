//! [`Timestamp`]: a point in time kept as the text the service sent, parsed on demand
//! (Tencent's zone-less Beijing time, RFC 3339 with or without a zone, bare dates).

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::calendar::{days_from_civil, days_in_month};

/// The UTC offset, in seconds, that [`Timestamp::to_system_time`] assumes for text without a zone:
/// UTC+08:00, China Standard Time.
///
/// Tencent Cloud documents times as `2023-05-01 12:00:00` without a zone; its services write them
/// in Beijing time, whatever the region. Huawei Cloud's `2019-10-15T01:59:54+0800` style carries
/// its offset, which then wins.
pub const ASSUMED_UTC_OFFSET_SECONDS: i32 = 8 * 3600;

/// A point in time as the service wrote it, kept as text.
///
/// Keeping the text means an unexpected format never fails a call, and the value serializes back
/// exactly as it arrived. [`Timestamp::to_system_time`] parses it when you need the instant.
///
/// Accepted formats: `YYYY-MM-DD HH:MM:SS` (Tencent), RFC 3339 / ISO 8601 with a `T`, optional
/// fractional seconds and an optional zone (`Z`, `+08:00`, `+0800`, `+08`), and a bare date
/// `YYYY-MM-DD` (midnight).
///
/// ```
/// use cloud_transport::codec::Timestamp;
/// use std::time::{Duration, UNIX_EPOCH};
///
/// // No zone in the text: UTC+08:00 is assumed, so this is 04:00:00 UTC.
/// let t = Timestamp::new("2023-05-01 12:00:00");
/// assert_eq!(t.to_system_time().unwrap(), UNIX_EPOCH + Duration::from_secs(1_682_913_600));
/// assert_eq!(t.as_str(), "2023-05-01 12:00:00");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(String);

impl Timestamp {
    /// Wraps the text of a timestamp. It is not checked; see [`Timestamp::to_system_time`].
    pub fn new(text: impl Into<String>) -> Self {
        Timestamp(text.into())
    }

    /// The text as the service sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text as the service sent it.
    pub fn into_string(self) -> String {
        self.0
    }

    /// The instant, assuming [`ASSUMED_UTC_OFFSET_SECONDS`] (UTC+08:00) when the text has no zone.
    pub fn to_system_time(&self) -> Result<SystemTime, TimestampError> {
        self.to_system_time_assuming(ASSUMED_UTC_OFFSET_SECONDS)
    }

    /// The instant, assuming `utc_offset_seconds` east of UTC when the text has no zone
    /// (`0` for UTC, `8 * 3600` for UTC+08:00).
    pub fn to_system_time_assuming(
        &self,
        utc_offset_seconds: i32,
    ) -> Result<SystemTime, TimestampError> {
        let parts = parse_timestamp(&self.0).map_err(|reason| TimestampError {
            text: self.0.clone(),
            reason,
        })?;
        let offset = i64::from(parts.utc_offset_seconds.unwrap_or(utc_offset_seconds));
        let days = days_from_civil(parts.year, parts.month, parts.day);
        let seconds = days * 86_400
            + i64::from(parts.hour) * 3600
            + i64::from(parts.minute) * 60
            + i64::from(parts.second)
            - offset;
        let nanos = Duration::from_nanos(u64::from(parts.nanosecond));
        let instant = if seconds >= 0 {
            UNIX_EPOCH.checked_add(Duration::from_secs(seconds.unsigned_abs()))
        } else {
            UNIX_EPOCH.checked_sub(Duration::from_secs(seconds.unsigned_abs()))
        };
        instant
            .and_then(|t| t.checked_add(nanos))
            .ok_or_else(|| TimestampError {
                text: self.0.clone(),
                reason: "out of the range of this platform's clock",
            })
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for Timestamp {
    fn from(text: String) -> Self {
        Timestamp(text)
    }
}

impl From<&str> for Timestamp {
    fn from(text: &str) -> Self {
        Timestamp(text.to_owned())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Timestamp)
    }
}

/// A [`Timestamp`] whose text is not a date and time this crate understands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampError {
    text: String,
    reason: &'static str,
}

impl TimestampError {
    /// The text that could not be parsed.
    pub fn text(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid timestamp {:?}: {}", self.text, self.reason)
    }
}

impl std::error::Error for TimestampError {}

/// The fields of a parsed timestamp; `utc_offset_seconds` is `None` when the text has no zone.
#[derive(Debug, PartialEq, Eq)]
struct TimestampParts {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    nanosecond: u32,
    utc_offset_seconds: Option<i32>,
}

/// Reads fixed-width decimal fields from the front of the text.
struct Cursor<'a> {
    rest: &'a [u8],
}

impl Cursor<'_> {
    fn digits(&mut self, count: usize, what: &'static str) -> Result<u32, &'static str> {
        if self.rest.len() < count || !self.rest[..count].iter().all(u8::is_ascii_digit) {
            return Err(what);
        }
        let value = self.rest[..count]
            .iter()
            .fold(0, |acc, d| acc * 10 + u32::from(d - b'0'));
        self.rest = &self.rest[count..];
        Ok(value)
    }

    fn eat(&mut self, byte: u8) -> bool {
        if self.rest.first() == Some(&byte) {
            self.rest = &self.rest[1..];
            true
        } else {
            false
        }
    }

    fn expect(&mut self, byte: u8, what: &'static str) -> Result<(), &'static str> {
        if self.eat(byte) {
            Ok(())
        } else {
            Err(what)
        }
    }
}

fn parse_timestamp(text: &str) -> Result<TimestampParts, &'static str> {
    let mut c = Cursor {
        rest: text.trim().as_bytes(),
    };
    let year = c.digits(4, "expected a four-digit year")?;
    c.expect(b'-', "expected `-` after the year")?;
    let month = c.digits(2, "expected a two-digit month")?;
    c.expect(b'-', "expected `-` after the month")?;
    let day = c.digits(2, "expected a two-digit day")?;
    let mut parts = TimestampParts {
        year: i64::from(year),
        month,
        day,
        hour: 0,
        minute: 0,
        second: 0,
        nanosecond: 0,
        utc_offset_seconds: None,
    };
    if !(1..=12).contains(&month) {
        return Err("the month is not between 01 and 12");
    }
    if day == 0 || day > days_in_month(parts.year, month) {
        return Err("the day does not exist in that month");
    }
    if c.rest.is_empty() {
        return Ok(parts);
    }
    if !(c.eat(b' ') || c.eat(b'T') || c.eat(b't')) {
        return Err("expected ` ` or `T` between the date and the time");
    }
    parts.hour = c.digits(2, "expected a two-digit hour")?;
    c.expect(b':', "expected `:` after the hour")?;
    parts.minute = c.digits(2, "expected two-digit minutes")?;
    c.expect(b':', "expected `:` after the minutes")?;
    parts.second = c.digits(2, "expected two-digit seconds")?;
    // 60 is a leap second; it reads as the first second of the next minute.
    if parts.hour > 23 || parts.minute > 59 || parts.second > 60 {
        return Err("the time of day is out of range");
    }
    if c.eat(b'.') || c.eat(b',') {
        let mut scale = 100_000_000;
        let mut any = false;
        while let Some(d) = c.rest.first().filter(|d| d.is_ascii_digit()) {
            // Digits beyond nanoseconds are read and dropped.
            parts.nanosecond += u32::from(d - b'0') * scale;
            scale /= 10;
            any = true;
            c.rest = &c.rest[1..];
        }
        if !any {
            return Err("expected digits after the decimal point");
        }
    }
    let sign = match c.rest.first() {
        None => return Ok(parts),
        Some(b'Z' | b'z') => {
            c.rest = &c.rest[1..];
            parts.utc_offset_seconds = Some(0);
            return if c.rest.is_empty() {
                Ok(parts)
            } else {
                Err("unexpected text after the zone")
            };
        }
        Some(b'+') => 1,
        Some(b'-') => -1,
        Some(_) => return Err("expected a zone (`Z`, `+08:00`) or the end of the text"),
    };
    c.rest = &c.rest[1..];
    let hours = c.digits(2, "expected a two-digit zone hour")?;
    let minutes = if c.rest.is_empty() {
        0
    } else {
        c.eat(b':');
        c.digits(2, "expected two-digit zone minutes")?
    };
    if !c.rest.is_empty() {
        return Err("unexpected text after the zone");
    }
    if hours > 23 || minutes > 59 {
        return Err("the zone offset is out of range");
    }
    // Both fit easily: at most 23 * 3600 + 59 * 60.
    parts.utc_offset_seconds = Some(sign * (hours * 3600 + minutes * 60) as i32);
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn instant(text: &str) -> Result<u64, TimestampError> {
        Timestamp::new(text)
            .to_system_time()
            .map(|t| t.duration_since(UNIX_EPOCH).expect("after 1970").as_secs())
    }

    #[test]
    fn timestamps_without_zone_are_china_standard_time() {
        // 2023-05-01 12:00:00 at UTC+8 is 04:00:00 UTC.
        assert_eq!(instant("2023-05-01 12:00:00").unwrap(), 1_682_913_600);
        assert_eq!(instant("2023-05-01T04:00:00Z").unwrap(), 1_682_913_600);
        assert_eq!(
            Timestamp::new("2023-05-01 04:00:00")
                .to_system_time_assuming(0)
                .unwrap(),
            UNIX_EPOCH + Duration::from_secs(1_682_913_600)
        );
    }

    #[test]
    fn timestamps_with_zones_and_fractions() {
        let utc = 1_571_104_794; // 2019-10-15T01:59:54Z
        for text in [
            "2019-10-15T09:59:54+0800",
            "2019-10-15T09:59:54+08:00",
            "2019-10-15T09:59:54+08",
            "2019-10-14T20:59:54-05:00",
            "2019-10-15t01:59:54z",
        ] {
            assert_eq!(instant(text).unwrap(), utc, "{text}");
        }
        let t = Timestamp::new("2019-10-15T01:59:54.123456789123Z")
            .to_system_time()
            .unwrap();
        assert_eq!(
            t.duration_since(UNIX_EPOCH).unwrap(),
            Duration::new(utc, 123_456_789)
        );
        // A bare date is midnight, in the assumed zone.
        assert_eq!(instant("1970-01-02").unwrap(), 86_400 - 8 * 3600);
    }

    #[test]
    fn timestamps_before_1970_and_on_leap_days() {
        let t = Timestamp::new("1969-12-31T23:59:59Z")
            .to_system_time()
            .unwrap();
        assert_eq!(
            UNIX_EPOCH.duration_since(t).unwrap(),
            Duration::from_secs(1)
        );
        assert_eq!(instant("2024-02-29T00:00:00Z").unwrap(), 1_709_164_800);
        assert_eq!(instant("2000-03-01T00:00:00Z").unwrap(), 951_868_800);
    }

    #[test]
    fn bad_timestamps_say_why_and_keep_the_text() {
        for bad in [
            "",
            "yesterday",
            "2023-13-01 00:00:00",
            "2023-02-29 00:00:00",
            "2023-05-01 24:00:00",
            "2023-05-01 12:00",
            "2023-05-01 12:00:00 UTC",
            "2023-05-01T12:00:00.Z",
            "2023-05-01T12:00:00+8",
            "2023-05-01T12:00:00Zjunk",
            "2023-05-01T12:00:00+08:00:00",
            "２０２３-05-01",
        ] {
            let err = Timestamp::new(bad).to_system_time().expect_err(bad);
            assert_eq!(err.text(), bad);
            assert!(err.to_string().starts_with("invalid timestamp"), "{err}");
        }
    }

    #[test]
    fn timestamps_round_trip_their_text() {
        let t: Timestamp = serde_json::from_value(json!("not a date")).unwrap();
        assert_eq!(serde_json::to_value(&t).unwrap(), json!("not a date"));
        assert!(serde_json::from_value::<Timestamp>(json!(5)).is_err());
    }
}
