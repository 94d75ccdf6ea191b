//! The one error type of every cloudcall crate.

use std::fmt;
use std::time::Duration;

/// What went wrong, broadly. More kinds may be added: match with a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The service answered with an error code (Tencent `Response.Error`, Huawei `error_code`).
    Service,
    /// The request or the whole call took longer than the configured timeout.
    Timeout,
    /// The connection could not be made, or broke before a full response arrived.
    Connection,
    /// The response could not be decoded: not JSON, not the documented shape, or an unexpected status.
    Decode,
    /// No usable credentials, or credentials that could not be loaded (a malformed profile file).
    Credentials,
    /// A request the client refuses to send: a missing required member, a bad value.
    InvalidInput,
    /// A configuration the client cannot work with: a bad endpoint, a missing region or project id.
    InvalidConfig,
    /// A list did not page consistently, so a paginator stopped rather than loop or repeat
    /// items: the service answered a page with the items of an earlier one (it ignores the
    /// offset), or cut pages shorter than asked before the end; or the paginator reached its
    /// cap on pages.
    Pagination,
}

/// An error from a cloud call.
///
/// `Display` always says what happened; for service errors it prints
/// `Code: message (request id ...)`. Nothing secret is ever part of an error.
///
/// One pointer wide (the details are boxed), so `Result<T>` stays small.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    code: Option<String>,
    message: String,
    request_id: Option<String>,
    http_status: Option<u16>,
    body_snippet: Option<String>,
    encoded_authorization_message: Option<String>,
    retry_after: Option<Duration>,
    request_not_sent: bool,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

/// The longest body snippet kept in a decode error, in bytes.
pub const BODY_SNIPPET_LIMIT: usize = 256;

impl Error {
    /// An error of `kind` with a message.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            inner: Box::new(Inner {
                kind,
                code: None,
                message: message.into(),
                request_id: None,
                http_status: None,
                body_snippet: None,
                encoded_authorization_message: None,
                retry_after: None,
                request_not_sent: false,
                source: None,
            }),
        }
    }

    /// A service error: the code and message the service sent.
    pub fn service(code: impl Into<String>, message: impl Into<String>) -> Self {
        let mut e = Error::new(ErrorKind::Service, message);
        e.inner.code = Some(code.into());
        e
    }

    /// A decode error for a response body: keeps the status and a short, char-boundary-safe snippet.
    pub fn decode(message: impl Into<String>, http_status: u16, body: &[u8]) -> Self {
        let mut e = Error::new(ErrorKind::Decode, message);
        e.inner.http_status = Some(http_status);
        e.inner.body_snippet = Some(snippet(body));
        e
    }

    /// An invalid-input error.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidInput, message)
    }

    /// An invalid-configuration error.
    pub fn invalid_config(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidConfig, message)
    }

    /// A credentials error.
    pub fn credentials(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Credentials, message)
    }

    /// Drops the body snippet: for answers that carry credentials, whose body must never be
    /// quoted (not in the error, not in the debug events of failed attempts).
    #[cfg_attr(not(any(feature = "tencent", feature = "huawei")), allow(dead_code))]
    pub(crate) fn without_body(mut self) -> Self {
        self.inner.body_snippet = None;
        self
    }

    /// Sets the request id.
    pub fn with_request_id(mut self, id: impl Into<String>) -> Self {
        self.inner.request_id = Some(id.into());
        self
    }

    /// Sets the HTTP status.
    pub fn with_http_status(mut self, status: u16) -> Self {
        self.inner.http_status = Some(status);
        self
    }

    /// Sets Huawei's `encoded_authorization_message`.
    pub fn with_encoded_authorization_message(mut self, m: impl Into<String>) -> Self {
        self.inner.encoded_authorization_message = Some(m.into());
        self
    }

    /// Sets the delay the server asked for before a retry.
    pub fn with_retry_after(mut self, d: Duration) -> Self {
        self.inner.retry_after = Some(d);
        self
    }

    /// Prefixes the message with what was being done (`obtaining an IAM token: ...`), keeping
    /// kind, code, status and request id.
    pub fn with_context(mut self, context: impl fmt::Display) -> Self {
        self.inner.message = format!("{context}: {}", self.inner.message);
        self
    }

    /// Sets the underlying cause. It must not carry secrets.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.inner.source = Some(Box::new(source));
        self
    }

    /// What kind of error this is.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The service's error code, e.g. `InvalidParameterValue.NotFoundInstance` or `DBS.200823`.
    /// Compare it with the constants in a service crate's `error_codes` module.
    pub fn code(&self) -> Option<&str> {
        self.inner.code.as_deref()
    }

    /// The message: the service's for service errors, ours otherwise.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// The request id the service assigned, when a response arrived.
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }

    /// The HTTP status, when a response arrived.
    pub fn http_status(&self) -> Option<u16> {
        self.inner.http_status
    }

    /// For decode errors: the start of the body that could not be decoded.
    pub fn body_snippet(&self) -> Option<&str> {
        self.inner.body_snippet.as_deref()
    }

    /// Huawei: the encoded authorization message sent with a permission error.
    pub fn encoded_authorization_message(&self) -> Option<&str> {
        self.inner.encoded_authorization_message.as_deref()
    }

    /// The delay the server asked for before retrying, if it said.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }

    /// Whether the service refused because of request rate limits
    /// (Tencent `RequestLimitExceeded*`, Huawei HTTP 429 or `APIGW.0308`).
    pub fn is_throttling(&self) -> bool {
        self.inner.http_status == Some(429)
            || self
                .inner
                .code
                .as_deref()
                .is_some_and(|c| c.starts_with("RequestLimitExceeded") || c == "APIGW.0308")
    }

    /// Whether the request timed out.
    pub fn is_timeout(&self) -> bool {
        self.inner.kind == ErrorKind::Timeout
    }

    /// Whether this is a service error with this code.
    pub fn is_code(&self, code: &str) -> bool {
        self.inner.code.as_deref() == Some(code)
    }

    /// Whether trying again later may succeed for any operation: throttling and server-side
    /// hiccups. Connection errors and timeouts are retried by the client only for operations
    /// that are read-only or idempotent; see [`Error::is_transient`].
    pub fn is_retryable(&self) -> bool {
        self.is_throttling()
            || self.inner.code.as_deref().is_some_and(|c| {
                c == "InternalError.ServiceUnavailable" || c == "ServiceUnavailable"
            })
    }

    /// Marks a connection error that happened before any byte of the request left (the
    /// connection was refused, or DNS or TLS set-up failed), so even a mutation may be retried.
    pub fn with_request_not_sent(mut self) -> Self {
        self.inner.request_not_sent = true;
        self
    }

    /// Whether the request certainly never reached the service (see
    /// [`Error::with_request_not_sent`]). Such failures are retried for every operation.
    pub fn request_not_sent(&self) -> bool {
        self.inner.request_not_sent
    }

    /// Whether the failure is a transport hiccup (connection error, timeout, HTTP 502/503/504)
    /// that a retry may fix, though the first attempt might have reached the service.
    pub fn is_transient(&self) -> bool {
        matches!(self.inner.kind, ErrorKind::Connection | ErrorKind::Timeout)
            || matches!(self.inner.http_status, Some(502..=504))
                && self.inner.kind != ErrorKind::Service
    }
}

fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    if text.len() <= BODY_SNIPPET_LIMIT {
        return text.into_owned();
    }
    let mut end = BODY_SNIPPET_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.inner.code, self.inner.kind) {
            (Some(code), _) => write!(f, "{code}: {}", self.inner.message)?,
            (None, kind) => {
                let what = match kind {
                    ErrorKind::Service => "service error",
                    ErrorKind::Timeout => "timed out",
                    ErrorKind::Connection => "connection error",
                    ErrorKind::Decode => "could not decode the response",
                    ErrorKind::Credentials => "credentials error",
                    ErrorKind::InvalidInput => "invalid input",
                    ErrorKind::InvalidConfig => "invalid configuration",
                    ErrorKind::Pagination => "inconsistent paging",
                };
                write!(f, "{what}: {}", self.inner.message)?
            }
        }
        if let Some(status) = self.inner.http_status {
            if self.inner.kind != ErrorKind::Service {
                write!(f, " (HTTP {status})")?;
            }
        }
        if let Some(snippet) = &self.inner.body_snippet {
            write!(f, "; body starts: {snippet:?}")?;
        }
        if let Some(id) = &self.inner.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.inner.kind)
            .field("code", &self.inner.code)
            .field("message", &self.inner.message)
            .field("request_id", &self.inner.request_id)
            .field("http_status", &self.inner.http_status);
        if let Some(s) = &self.inner.body_snippet {
            d.field("body_snippet", s);
        }
        if let Some(s) = &self.inner.encoded_authorization_message {
            d.field("encoded_authorization_message", s);
        }
        if let Some(s) = &self.inner.source {
            d.field("source", s);
        }
        d.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_error_display_has_code_message_and_request_id() {
        let e = Error::service(
            "InvalidParameterValue.NotFoundInstance",
            "The instance was not found.",
        )
        .with_request_id("12345-abcdef");
        assert_eq!(
            e.to_string(),
            "InvalidParameterValue.NotFoundInstance: The instance was not found. (request id 12345-abcdef)"
        );
    }

    #[test]
    fn decode_snippet_is_bounded_and_char_safe() {
        let body = "é".repeat(1000);
        let e = Error::decode("not JSON", 502, body.as_bytes());
        let s = e.body_snippet().unwrap();
        assert!(s.len() <= BODY_SNIPPET_LIMIT + "…".len());
        assert!(e.to_string().contains("HTTP 502"));
    }

    #[test]
    fn throttling_codes() {
        assert!(Error::service("RequestLimitExceeded.UinLimitExceeded", "x").is_throttling());
        assert!(Error::service("APIGW.0308", "x").is_retryable());
        assert!(!Error::service("AuthFailure.SignatureFailure", "x").is_retryable());
    }
}
