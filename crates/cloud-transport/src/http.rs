//! The injectable HTTP layer: a small object-safe trait, [`HttpClient`], and its default
//! implementation on reqwest, [`ReqwestHttpClient`].
//!
//! The client signs a request completely before handing it over, so an implementation must send
//! the method, URL, headers and body exactly as given (in particular the `host` header and the
//! percent-encoding of the URL, which are part of the signature). Plug in your own with
//! [`ConfigBuilder::http_client`](crate::ConfigBuilder::http_client), e.g. to add a proxy or to
//! record traffic in tests (feature `test-util` ships a scripted one).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use bytes::Bytes;

use crate::{Error, ErrorKind, ProxyRules, Result};

/// The future an [`HttpClient`] returns.
pub type HttpFuture<'a> = Pin<Box<dyn Future<Output = Result<HttpResponse>> + Send + 'a>>;

/// Sends one HTTP request and reads the whole response.
///
/// Errors should be [`ErrorKind::Connection`] (no connection, or it broke before the full
/// response arrived) or [`ErrorKind::Timeout`]. Any HTTP status, including 4xx and 5xx, is a
/// response, not an error. The caller enforces its own timeouts around `send` as well, so an
/// implementation that ignores [`HttpRequest::timeout`] still cannot hang a call.
pub trait HttpClient: Send + Sync + fmt::Debug {
    /// Sends `request`.
    fn send(&self, request: HttpRequest) -> HttpFuture<'_>;
}

/// Header names whose values are secret: never printed by the `Debug` of requests and responses.
const SENSITIVE_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-auth-token",
    "x-subject-token",
    "x-tc-token",
    "x-security-token",
];

/// Whether the value of header `name` is secret (credentials or tokens). Case-insensitive.
pub fn is_sensitive_header(name: &str) -> bool {
    SENSITIVE_HEADERS
        .iter()
        .any(|h| h.eq_ignore_ascii_case(name))
}

/// An HTTP request, fully signed.
///
/// `Debug` leaves out the values of secret headers (see [`is_sensitive_header`]) and prints only
/// the body's length, since bodies can hold passwords (the IAM token request does).
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The absolute URL, already percent-encoded.
    pub url: String,
    /// Headers in sending order, including `host`.
    pub headers: Vec<(String, String)>,
    /// The exact body bytes (empty for none).
    pub body: Vec<u8>,
    /// The longest the whole exchange may take.
    pub timeout: Option<Duration>,
}

impl HttpRequest {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// An HTTP response with its whole body.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Headers as received (names in any case).
    pub headers: Vec<(String, String)>,
    /// The body bytes, as the HTTP layer received them (a [`Bytes`] shares reqwest's buffer
    /// instead of copying tens of KiB per answer; it dereferences to `[u8]`).
    pub body: Bytes,
}

impl HttpResponse {
    /// A response with `status` and `body` and no headers.
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        HttpResponse {
            status,
            headers: Vec::new(),
            body: Bytes::from(body.into()),
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish()
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

struct RedactedHeaders<'a>(&'a [(String, String)]);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for (name, value) in self.0 {
            if is_sensitive_header(name) {
                list.entry(&format_args!("{name}: <redacted>"));
            } else {
                list.entry(&format_args!("{name}: {value}"));
            }
        }
        list.finish()
    }
}

/// The largest response body read, in bytes. API answers are a few KiB; anything near this is
/// not an API answer, and reading it all would only waste memory.
pub const MAX_RESPONSE_BODY: usize = 16 * 1024 * 1024;

/// The default [`HttpClient`]: reqwest with rustls (feature `rustls`, default) or the platform's
/// TLS (feature `native-tls`, which wins when both are enabled). Redirects are not followed: an
/// API answers directly, and following one could send a signed request somewhere else.
#[derive(Debug, Clone)]
pub struct ReqwestHttpClient {
    client: reqwest::Client,
    last_url: Arc<LastUrl>,
}

/// The last URL sent, parsed: the calls of one client mostly go to the same URL (every Tencent
/// call is `POST /`), and a clone of a parsed URL costs less than parsing it again.
#[derive(Default)]
struct LastUrl(Mutex<Option<(String, reqwest::Url)>>);

impl LastUrl {
    /// `url` parsed, from the cache when it is the last one. A contended cache is passed by,
    /// never waited for.
    fn parse(&self, url: &str) -> Result<reqwest::Url> {
        if let Ok(last) = self.0.try_lock() {
            if let Some((text, parsed)) = &*last {
                if text == url {
                    return Ok(parsed.clone());
                }
            }
        }
        let parsed = reqwest::Url::parse(url)
            .map_err(|e| Error::invalid_input(format!("`{url}` is not a URL: {e}")))?;
        if let Ok(mut last) = self.0.try_lock() {
            *last = Some((url.to_owned(), parsed.clone()));
        }
        Ok(parsed)
    }
}

impl fmt::Debug for LastUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LastUrl")
    }
}

impl ReqwestHttpClient {
    /// A client that gives up connecting after `connect_timeout` and closes pooled connections
    /// idle for `pool_idle_timeout` (keep it below the server's keep-alive, 60 s at Tencent, so
    /// a request never goes out on a connection the server is closing). Proxies come from the
    /// process's variables, by [`ProxyRules`]' rules.
    pub fn new(connect_timeout: Duration, pool_idle_timeout: Duration) -> Result<Self> {
        let proxies = ProxyRules::from_environment(&crate::Environment::process())?;
        ReqwestHttpClient::with_proxy_rules(connect_timeout, pool_idle_timeout, proxies)
    }

    /// Like [`ReqwestHttpClient::new`], with these proxy rules: plain HTTP and loopback hosts
    /// always connect directly, HTTPS goes through the rules' proxy unless `NO_PROXY` exempts
    /// the host (see [`ProxyRules`]).
    pub fn with_proxy_rules(
        connect_timeout: Duration,
        pool_idle_timeout: Duration,
        proxies: ProxyRules,
    ) -> Result<Self> {
        // reqwest's own reading of the proxy variables is off: it would send plain HTTP
        // through HTTP_PROXY.
        let mut builder = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .pool_idle_timeout(pool_idle_timeout)
            .redirect(reqwest::redirect::Policy::none())
            // The call loop retries by its own policy; reqwest's retry layer would also copy
            // every request (headers and all) in case it retried, which it never does here.
            .retry(reqwest::retry::never().max_retries_per_request(0))
            .no_proxy();
        if proxies != ProxyRules::none() {
            builder = builder.proxy(reqwest::Proxy::custom(move |url| {
                let proxy = proxies.proxy_for(url.scheme(), url.host_str()?)?;
                reqwest::Url::parse(proxy).ok()
            }));
        }
        #[cfg(feature = "native-tls")]
        let builder = builder.use_native_tls();
        #[cfg(all(feature = "rustls", not(feature = "native-tls")))]
        let builder = builder.use_rustls_tls();
        let client = builder.build().map_err(|e| {
            Error::invalid_config(format!("cannot build the HTTP client: {e}")).with_source(e)
        })?;
        Ok(ReqwestHttpClient::from_client(client))
    }

    /// Wraps a reqwest client you configured yourself (proxies, extra root certificates).
    pub fn from_client(client: reqwest::Client) -> Self {
        ReqwestHttpClient {
            client,
            last_url: Arc::default(),
        }
    }

    /// Sends `request` within its timeout, if it has one. The timeout is one tokio timer around
    /// the whole exchange, not reqwest's per-request timeout: that one also wraps the response
    /// body in a boxed, timer-polling body, which cost about 4% of the throughput of 50 KB
    /// answers at 128 calls in flight (the runtime bench's client rows).
    async fn send_within_timeout(&self, request: HttpRequest) -> Result<HttpResponse> {
        let Some(timeout) = request.timeout else {
            return self.send_inner(request).await;
        };
        tokio::time::timeout(timeout, self.send_inner(request))
            .await
            .unwrap_or_else(|_| {
                Err(Error::new(
                    ErrorKind::Timeout,
                    format!("no complete response within the request's timeout of {timeout:?}"),
                ))
            })
    }

    async fn send_inner(&self, request: HttpRequest) -> Result<HttpResponse> {
        let method = reqwest::Method::from_bytes(request.method.as_bytes()).map_err(|_| {
            Error::invalid_input(format!("`{}` is not an HTTP method", request.method))
        })?;
        // The request is built directly, not through a `RequestBuilder`: its header map is sized
        // once, and its URL comes parsed from the cache.
        let mut outgoing = reqwest::Request::new(method, self.last_url.parse(&request.url)?);
        *outgoing.headers_mut() = header_map(&request.headers)?;
        if !request.body.is_empty() {
            *outgoing.body_mut() = Some(request.body.into());
        }
        let mut response = self
            .client
            .execute(outgoing)
            .await
            .map_err(map_reqwest_error)?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = read_body(&mut response, status).await?;
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }
}

/// The headers of a request as reqwest takes them. reqwest keeps a copy of the map for every
/// request it sends, so the values are cut from one shared buffer: a copy of such a value is a
/// reference count, where a value of its own would be copied again. Our protocols' own header
/// names are static, so that naming them allocates nothing either.
fn header_map(headers: &[(String, String)]) -> Result<reqwest::header::HeaderMap> {
    use reqwest::header::{HeaderName, HeaderValue};
    /// The non-standard headers the protocols send on every call, lower-case.
    const PROTOCOL_HEADERS: [&str; 11] = [
        "x-tc-action",
        "x-tc-version",
        "x-tc-timestamp",
        "x-tc-region",
        "x-tc-token",
        "x-tc-language",
        "x-sdk-date",
        "x-sdk-content-sha256",
        "x-project-id",
        "x-security-token",
        "x-auth-token",
    ];
    let mut joined = Vec::with_capacity(headers.iter().map(|(_, value)| value.len()).sum());
    for (_, value) in headers {
        joined.extend_from_slice(value.as_bytes());
    }
    let joined = Bytes::from(joined);
    let mut map = reqwest::header::HeaderMap::with_capacity(headers.len());
    let mut at = 0;
    for (name, value) in headers {
        let name = match PROTOCOL_HEADERS
            .iter()
            .find(|known| known.eq_ignore_ascii_case(name))
        {
            Some(known) => HeaderName::from_static(known),
            None => HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                Error::invalid_input(format!("`{name}` is not an HTTP header name"))
            })?,
        };
        let bytes = joined.slice(at..at + value.len());
        at += value.len();
        // Visible ASCII and tabs only, as `HeaderValue::from_str` checks (the shared
        // constructor would also let other bytes through). The value is not quoted: it can be
        // a secret.
        let value = Some(bytes)
            .filter(|bytes| bytes.iter().all(|&b| (32..127).contains(&b) || b == b'\t'))
            .and_then(|bytes| HeaderValue::from_maybe_shared(bytes).ok())
            .ok_or_else(|| {
                Error::invalid_input(format!("the value of header `{name}` is not valid"))
            })?;
        map.append(name, value);
    }
    Ok(map)
}

/// The whole body of `response`. A body that arrives in one chunk (an answer of tens of KiB on
/// a warm connection does) is kept as reqwest's own buffer; more chunks are joined into one
/// buffer, sized once from `Content-Length` (capped: the header is the server's word).
async fn read_body(response: &mut reqwest::Response, status: u16) -> Result<Bytes> {
    let too_large = |received: &[u8]| {
        Error::decode(
            format!("the response body is larger than {MAX_RESPONSE_BODY} bytes"),
            status,
            received,
        )
    };
    let first = match response.chunk().await.map_err(map_reqwest_error)? {
        None => return Ok(Bytes::new()),
        Some(first) if first.len() > MAX_RESPONSE_BODY => return Err(too_large(&first)),
        Some(first) => first,
    };
    let Some(second) = response.chunk().await.map_err(map_reqwest_error)? else {
        return Ok(first);
    };
    let expected = response
        .content_length()
        .unwrap_or(0)
        .min(MAX_RESPONSE_BODY as u64) as usize;
    let mut body = Vec::with_capacity(expected.max(first.len() + second.len()));
    body.extend_from_slice(&first);
    let mut next = Some(second);
    while let Some(chunk) = next {
        if body.len() + chunk.len() > MAX_RESPONSE_BODY {
            return Err(too_large(&body));
        }
        body.extend_from_slice(&chunk);
        next = response.chunk().await.map_err(map_reqwest_error)?;
    }
    Ok(body.into())
}

impl HttpClient for ReqwestHttpClient {
    fn send(&self, request: HttpRequest) -> HttpFuture<'_> {
        Box::pin(self.send_within_timeout(request))
    }
}

fn map_reqwest_error(e: reqwest::Error) -> Error {
    let kind = if e.is_timeout() {
        ErrorKind::Timeout
    } else if e.is_builder() {
        ErrorKind::InvalidInput
    } else {
        ErrorKind::Connection
    };
    // reqwest's message names the URL, which carries no secret: credentials travel in headers.
    let message = match std::error::Error::source(&e) {
        Some(cause) => {
            let cause = root_cause(cause);
            // rustls says "invalid peer certificate", native-tls (OpenSSL) "certificate verify failed".
            if cause.contains("invalid peer certificate")
                || cause.contains("certificate verify failed")
            {
                format!(
                    "{e}: the server's TLS certificate is not trusted ({cause}): it is self-signed, \
                     issued by an unknown authority, expired or for another host; use an endpoint \
                     with a trusted certificate, or add its root certificate to a reqwest client \
                     given to ConfigBuilder::http_client"
                )
            } else {
                format!("{e}: {cause}")
            }
        }
        None => e.to_string(),
    };
    // A failed connect means nothing was sent: safe to retry even for a mutation.
    let not_sent = e.is_connect();
    let error = Error::new(kind, message);
    let error = if not_sent {
        error.with_request_not_sent()
    } else {
        error
    };
    error.with_source(e)
}

fn root_cause(mut e: &(dyn std::error::Error + 'static)) -> String {
    while let Some(next) = e.source() {
        e = next;
    }
    e.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_secret_headers_and_bodies() {
        let request = HttpRequest {
            method: "POST".into(),
            url: "https://iam.cn-north-4.myhuaweicloud.com/v3/auth/tokens".into(),
            headers: vec![
                (
                    "Authorization".into(),
                    "TC3-HMAC-SHA256 Signature=abcdef".into(),
                ),
                ("X-Auth-Token".into(), "MIIsecret-token".into()),
                ("X-TC-Token".into(), "tc-session-token".into()),
                ("x-security-token".into(), "hw-session-token".into()),
                ("Content-Type".into(), "application/json".into()),
            ],
            body: br#"{"password":"hunter2"}"#.to_vec(),
            timeout: None,
        };
        let shown = format!("{request:?}");
        for secret in [
            "abcdef",
            "MIIsecret-token",
            "tc-session-token",
            "hw-session-token",
            "hunter2",
        ] {
            assert!(!shown.contains(secret), "{secret} leaked in {shown}");
        }
        assert!(shown.contains("application/json"), "{shown}");
        let response = HttpResponse::new(201, "{}").with_header("X-Subject-Token", "MIIsubject");
        let shown = format!("{response:?}");
        assert!(!shown.contains("MIIsubject"), "{shown}");
        assert_eq!(response.header("x-subject-token"), Some("MIIsubject"));
    }
}
