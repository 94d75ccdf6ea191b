//! HTTP layers for the tests, each wrapped around the real one (reqwest over loopback): a
//! [`Recorder`] that counts what the client actually sent, and a [`SkewedServerClock`] that
//! makes the emulator's clock look wrong to the client.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cloud_transport::http::{HttpClient, HttpFuture, HttpRequest, HttpResponse, ReqwestHttpClient};
use cloud_transport::sign::{huawei, tc3, UtcDateTime};
use cloud_transport::{Credentials, Error, Result};

/// The built-in reqwest layer with short timeouts: what every wrapper here sends through.
pub fn real_http() -> Arc<dyn HttpClient> {
    Arc::new(
        ReqwestHttpClient::new(Duration::from_secs(2), Duration::from_secs(50))
            .expect("the reqwest client builds"),
    )
}

/// One request as it left the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The URL path, without the query.
    pub path: String,
    /// Tencent: `X-TC-Action`.
    pub action: Option<String>,
    /// It carried `X-Auth-Token` (Huawei token mode).
    pub auth_token: bool,
    /// It carried `Authorization` (a signature).
    pub signed: bool,
    /// The JSON body (`null` for none, or a body that is not JSON): what paginators and
    /// waiters sent.
    pub body: serde_json::Value,
}

impl Sent {
    /// A Huawei IAM request (token or project lookup), not an API call.
    pub fn is_iam(&self) -> bool {
        self.path.starts_with("/v3/auth/") || self.path.starts_with("/v3/projects")
    }
}

/// Records every request before passing it on, so tests can count attempts (retries) exactly,
/// including those a fault answered before the emulator's handlers saw them.
pub struct Recorder {
    inner: Arc<dyn HttpClient>,
    sent: Mutex<Vec<Sent>>,
}

impl fmt::Debug for Recorder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recorder").finish_non_exhaustive()
    }
}

impl Recorder {
    /// A recorder over [`real_http`].
    pub fn new() -> Arc<Self> {
        Recorder::wrapping(real_http())
    }

    /// A recorder over `inner`.
    pub fn wrapping(inner: Arc<dyn HttpClient>) -> Arc<Self> {
        Arc::new(Recorder {
            inner,
            sent: Mutex::new(Vec::new()),
        })
    }

    /// Everything sent so far.
    pub fn sent(&self) -> Vec<Sent> {
        self.sent.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Everything sent since the last `take`, clearing the record.
    pub fn take(&self) -> Vec<Sent> {
        std::mem::take(&mut *self.sent.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// How many API requests (IAM requests left out) were sent since the last `take`, clearing
    /// the record.
    pub fn take_api_attempts(&self) -> usize {
        self.take().iter().filter(|s| !s.is_iam()).count()
    }
}

impl HttpClient for Recorder {
    fn send(&self, request: HttpRequest) -> HttpFuture<'_> {
        let (path, _) = split_url(&request.url);
        let sent = Sent {
            method: request.method.clone(),
            path: path.to_owned(),
            action: request.header("x-tc-action").map(str::to_owned),
            auth_token: request.header("x-auth-token").is_some(),
            signed: request.header("authorization").is_some(),
            body: serde_json::from_slice(&request.body).unwrap_or(serde_json::Value::Null),
        };
        self.sent
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(sent);
        self.inner.send(request)
    }
}

/// What a [`SkewedServerClock`] does with the `Date` header of responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateHeader {
    /// Shows the skewed server time: a client correcting its clock from it gets it right.
    Skewed,
    /// Leaves the emulator's real time: a correction from it does not help.
    Unchanged,
    /// Removes the header: the client has nothing to correct its clock from.
    Removed,
}

/// Plays a server whose clock is `server_ahead` seconds ahead of the client's (a negative
/// value: behind), which is the same as a client clock that is off, without touching any
/// clock: requests are re-signed with their timestamp moved into the emulator's frame, so the
/// emulator sees a correctly signed request from the past (or future), and `Date` headers are
/// moved the other way (see [`DateHeader`]).
///
/// Re-signing needs the secret, so it takes the credentials the client uses. Tencent requests
/// (`X-TC-Timestamp`) and Huawei AK/SK requests (`X-Sdk-Date`) are handled; others pass as they are.
pub struct SkewedServerClock {
    inner: Arc<dyn HttpClient>,
    credentials: Credentials,
    server_ahead: i64,
    date: DateHeader,
}

impl fmt::Debug for SkewedServerClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SkewedServerClock")
            .field("server_ahead", &self.server_ahead)
            .field("date", &self.date)
            .finish_non_exhaustive()
    }
}

impl SkewedServerClock {
    /// A skewed clock over [`real_http`], re-signing with `credentials`.
    pub fn new(credentials: Credentials, server_ahead: Duration, date: DateHeader) -> Arc<Self> {
        SkewedServerClock::signed(credentials, server_ahead.as_secs() as i64, date)
    }

    /// Like [`new`](Self::new) with a signed offset in seconds (negative: server behind).
    pub fn signed(credentials: Credentials, server_ahead: i64, date: DateHeader) -> Arc<Self> {
        Arc::new(SkewedServerClock {
            inner: real_http(),
            credentials,
            server_ahead,
            date,
        })
    }

    fn shift_request(&self, mut request: HttpRequest) -> Result<HttpRequest> {
        let failed = |what: &str| Error::invalid_input(format!("re-signing the request: {what}"));
        if let Some(timestamp) = request.header("x-tc-timestamp") {
            let timestamp: i64 = timestamp.parse().map_err(|_| failed("X-TC-Timestamp"))?;
            let moved = timestamp - self.server_ahead;
            let authorization = request
                .header("authorization")
                .ok_or_else(|| failed("no Authorization"))?;
            let parsed = tc3::parse_authorization(authorization)
                .map_err(|_| failed("unparsable Authorization"))?;
            let host = request.header("host").ok_or_else(|| failed("no Host"))?;
            let content_type = request.header("content-type").unwrap_or("application/json");
            let signature = tc3::sign(
                self.credentials.access_key_id(),
                self.credentials.secret(),
                &parsed.service,
                moved,
                &tc3::Tc3Request {
                    content_type,
                    ..tc3::Tc3Request::post_json(host, &request.body)
                },
            )
            .map_err(|_| failed("TC3 signing"))?;
            set_header(&mut request.headers, "X-TC-Timestamp", moved.to_string());
            set_header(
                &mut request.headers,
                "Authorization",
                signature.authorization,
            );
        } else if let Some(date) = request.header(huawei::HEADER_SDK_DATE) {
            let signed_at = huawei::parse_sdk_date(date).map_err(|_| failed("X-Sdk-Date"))?;
            set_header(
                &mut request.headers,
                huawei::HEADER_SDK_DATE,
                huawei::sdk_date(signed_at - self.server_ahead),
            );
            request
                .headers
                .retain(|(name, _)| !name.eq_ignore_ascii_case("authorization"));
            let (path, query) = split_url(&request.url);
            let query = huawei::parse_query(query);
            let query: Vec<(&str, &str)> = query
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let headers: Vec<(&str, &str)> = request
                .headers
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let signature = huawei::sign(
                self.credentials.access_key_id(),
                self.credentials.secret(),
                &huawei::HuaweiRequest {
                    method: &request.method,
                    path,
                    query: &query,
                    headers: &headers,
                    body: &request.body,
                },
            )
            .map_err(|_| failed("SDK-HMAC-SHA256 signing"))?;
            request
                .headers
                .push(("Authorization".to_owned(), signature.authorization));
        }
        Ok(request)
    }

    fn shift_response(&self, mut response: HttpResponse) -> HttpResponse {
        match self.date {
            DateHeader::Unchanged => {}
            DateHeader::Removed => response
                .headers
                .retain(|(name, _)| !name.eq_ignore_ascii_case("date")),
            DateHeader::Skewed => {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .expect("the clock is after 1970")
                    .as_secs() as i64;
                set_header(
                    &mut response.headers,
                    "Date",
                    http_date(now + self.server_ahead),
                );
            }
        }
        response
    }
}

impl HttpClient for SkewedServerClock {
    fn send(&self, request: HttpRequest) -> HttpFuture<'_> {
        Box::pin(async move {
            let request = self.shift_request(request)?;
            let response = self.inner.send(request).await?;
            Ok(self.shift_response(response))
        })
    }
}

/// Splits an absolute URL into its path and its raw query.
fn split_url(url: &str) -> (&str, &str) {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path_and_query = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
    path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""))
}

fn set_header(headers: &mut Vec<(String, String)>, name: &str, value: String) {
    headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
    headers.push((name.to_owned(), value));
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
fn http_date(unix: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let t = UtcDateTime::from_unix(unix);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        DAYS[unix.div_euclid(86_400).rem_euclid(7) as usize],
        t.day,
        MONTHS[(t.month - 1) as usize],
        t.year,
        t.hour,
        t.minute,
        t.second
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_into_path_and_query() {
        assert_eq!(split_url("http://127.0.0.1:1/"), ("/", ""));
        assert_eq!(split_url("http://127.0.0.1:1"), ("/", ""));
        assert_eq!(
            split_url("http://h/v3/p/instances?id=a%20b&limit=1"),
            ("/v3/p/instances", "id=a%20b&limit=1")
        );
    }

    #[test]
    fn http_dates_are_imf_fixdates() {
        assert_eq!(http_date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(http_date(1_704_164_645), "Tue, 02 Jan 2024 03:04:05 GMT");
    }
}
