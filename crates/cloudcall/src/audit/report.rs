//! The audit's rows, how they print (table, JSON, CSV and the other `--output` formats), and
//! `--fail-if`.

use serde::Serialize;
use serde_json::Value;

/// One instance (or, with no instance, a listing that failed).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Row {
    /// `tencent-cdb`
    pub service: String,
    pub region: String,
    /// `None`: the listing itself failed (see `error`).
    pub instance: Option<String>,
    pub name: Option<String>,
    /// The instance's status as the listing shows it.
    pub status: Option<Value>,
    /// SSL on or off; `None` when it could not be read.
    pub ssl: Option<bool>,
    /// The certificate's expiry, RFC 3339 UTC.
    pub expires: Option<String>,
    /// Whole days from now until the expiry (negative: expired).
    pub days_left: Option<i64>,
    /// Where the expiry came from: `api` (the answer states it) or `certificate` (downloaded).
    pub expiry_source: Option<&'static str>,
    /// The download link the API returned.
    pub certificate_url: Option<String>,
    /// What went wrong for this instance, if anything.
    pub error: Option<String>,
    /// Unix seconds of `expires`, for `--fail-if`.
    #[serde(skip)]
    pub expires_unix: Option<i64>,
}

impl Row {
    /// Sets the expiry from Unix seconds, `now` being the current Unix time.
    pub fn set_expiry(&mut self, not_after: i64, now: i64, source: &'static str) {
        self.expires_unix = Some(not_after);
        self.expires = Some(rfc3339(not_after));
        self.days_left = Some((not_after - now).div_euclid(86_400));
        self.expiry_source = Some(source);
    }
}

/// `2027-01-31T00:00:00Z`, from Unix seconds (civil-from-days, proleptic Gregorian).
pub fn rfc3339(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// The rows as JSON: what `--output json|csv|yaml|text` and `--query` work on.
pub fn to_json(rows: &[Row]) -> Value {
    serde_json::to_value(rows).unwrap_or(Value::Null)
}

/// The table columns.
const COLUMNS: [&str; 10] = [
    "Service", "Region", "Instance", "Name", "Status", "SSL", "Expires", "Days", "From", "Error",
];

fn cells(row: &Row) -> Vec<String> {
    let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    vec![
        row.service.clone(),
        row.region.clone(),
        or_dash(&row.instance),
        or_dash(&row.name),
        row.status
            .as_ref()
            .map_or_else(|| "-".into(), crate::values::wire_text),
        match row.ssl {
            Some(true) => "on".into(),
            Some(false) => "off".into(),
            None => "?".into(),
        },
        row.expires
            .as_ref()
            .map(|e| e[..e.len().min(10)].to_owned())
            .unwrap_or_else(|| "-".into()),
        row.days_left.map_or_else(|| "-".into(), |d| d.to_string()),
        match row.expiry_source {
            Some("certificate") => "cert".into(),
            Some(other) => other.into(),
            None => "-".into(),
        },
        // Whole in the JSON and CSV rows; a table keeps a few lines of it.
        row.error.as_deref().map_or_else(
            || "-".into(),
            |e| crate::text::truncate(e, TABLE_ERROR_CHARS),
        ),
    ]
}

/// The longest error a table cell shows.
const TABLE_ERROR_CHARS: usize = 100;

/// The rows as a boxed table fitted to `width`.
pub fn table(rows: &[Row], width: Option<usize>) -> String {
    let header: Vec<String> = COLUMNS.iter().map(|c| (*c).to_owned()).collect();
    let body: Vec<Vec<String>> = rows.iter().map(cells).collect();
    crate::output::table::fitted_table(&header, &body, width)
}

/// `--fail-if`: conditions that make the audit exit non-zero.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FailIf {
    /// `ssl-off`: an instance has SSL off.
    pub ssl_off: bool,
    /// `expires-within=30d`: a certificate expires within this many seconds (or has expired).
    pub expires_within: Option<i64>,
    /// `error`: an instance could not be checked.
    pub error: bool,
}

impl FailIf {
    /// Parses `ssl-off,expires-within=30d,error` (`d` days, `h` hours; several flags add up).
    pub fn parse(text: &str) -> Result<FailIf, String> {
        let mut fail = FailIf::default();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part.split_once('=') {
                None if part == "ssl-off" => fail.ssl_off = true,
                None if part == "error" => fail.error = true,
                Some(("expires-within", span)) => {
                    fail.expires_within = Some(parse_span(span).ok_or_else(|| {
                        format!(
                            "--fail-if: `{span}` is not a span like 30d or 12h (expires-within=SPAN)"
                        )
                    })?)
                }
                _ => {
                    return Err(format!(
                        "--fail-if: unknown condition `{part}` (expected ssl-off, expires-within=30d, error)"
                    ))
                }
            }
        }
        Ok(fail)
    }

    /// Why `row` fails the audit, if it does.
    pub fn reason(&self, row: &Row, now: i64) -> Option<String> {
        let what = row.instance.as_deref().unwrap_or(&row.region);
        if self.ssl_off && row.ssl == Some(false) {
            return Some(format!("{} {what}: SSL is off", row.service));
        }
        if let (Some(within), Some(expires)) = (self.expires_within, row.expires_unix) {
            if expires - now <= within {
                return Some(format!(
                    "{} {what}: the certificate expires {}",
                    row.service,
                    row.expires.as_deref().unwrap_or("?")
                ));
            }
        }
        if self.error && row.error.is_some() {
            return Some(format!("{} {what}: could not be checked", row.service));
        }
        None
    }
}

/// `30d`, `12h`, `90m` (a bare number is days) → seconds.
fn parse_span(span: &str) -> Option<i64> {
    let span = span.trim();
    let (number, unit) = match span.char_indices().last()? {
        (i, 'd') => (&span[..i], 86_400),
        (i, 'h') => (&span[..i], 3_600),
        (i, 'm') => (&span[..i], 60),
        _ => (span, 86_400),
    };
    let n: i64 = number.parse().ok().filter(|n| *n >= 0)?;
    n.checked_mul(unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_801_353_600), "2027-01-31T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn days_left_round_down() {
        let mut row = Row::default();
        row.set_expiry(1_000_000 + 86_399, 1_000_000, "api");
        assert_eq!(row.days_left, Some(0));
        row.set_expiry(1_000_000 - 1, 1_000_000, "api");
        assert_eq!(row.days_left, Some(-1));
    }

    #[test]
    fn fail_if_parses_and_judges() {
        let fail = FailIf::parse("ssl-off,expires-within=30d").unwrap();
        assert_eq!(
            fail,
            FailIf {
                ssl_off: true,
                expires_within: Some(30 * 86_400),
                error: false
            }
        );
        assert!(FailIf::parse("ssl-of")
            .unwrap_err()
            .contains("unknown condition"));
        assert!(FailIf::parse("expires-within=soon").is_err());
        let now = 1_000_000_000;
        let mut row = Row {
            ssl: Some(true),
            ..Row::default()
        };
        row.set_expiry(now + 10 * 86_400, now, "certificate");
        assert!(fail.reason(&row, now).is_some());
        row.set_expiry(now + 40 * 86_400, now, "certificate");
        assert!(fail.reason(&row, now).is_none());
        row.ssl = Some(false);
        assert!(fail.reason(&row, now).is_some());
    }
}
