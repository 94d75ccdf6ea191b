//! `--debug`: every HTTP attempt as it goes out and comes back — the request line, the headers
//! and the body with secrets redacted, then the status and how long the attempt took.
//!
//! It is an [`HttpClient`] wrapped around the real one, so it sees exactly what the transport
//! sends, retries and re-signed attempts included. Lines are collected in a shared log and
//! written to the console's message stream (terminal-safe) by the caller after each call.
//!
//! Redacted: the values of credential headers (`Authorization`, `X-TC-Token`,
//! `X-Security-Token`, `X-Auth-Token`, cookies: [`cloud_transport::http::is_sensitive_header`])
//! and of any header, query parameter or JSON body member whose name contains a secret word
//! (`SecretKey`, `Password`, `Token`...: [`crate::run::redact`]). A body that is not JSON shows
//! only its length.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use cloud_transport::http::{is_sensitive_header, HttpClient, HttpFuture, HttpRequest};
use serde_json::Value;

use crate::run::{is_secret_name, redact};

/// The longest body shown, in characters; the rest is summarised.
const BODY_SHOWN: usize = 4000;

/// The debug lines of the attempts so far, shared with the wrapper.
pub type DebugLog = Arc<Mutex<Vec<String>>>;

/// The wrapper around the transport's HTTP layer.
#[derive(Debug)]
pub struct DebugHttp {
    inner: Arc<dyn HttpClient>,
    log: DebugLog,
    attempts: AtomicU32,
}

impl DebugHttp {
    /// Wraps `inner`; lines go to `log`.
    pub fn new(inner: Arc<dyn HttpClient>, log: DebugLog) -> DebugHttp {
        DebugHttp {
            inner,
            log,
            attempts: AtomicU32::new(0),
        }
    }
}

fn push(log: &DebugLog, line: String) {
    log.lock().unwrap_or_else(|p| p.into_inner()).push(line);
}

/// Takes the lines logged so far.
pub fn drain(log: &DebugLog) -> Vec<String> {
    std::mem::take(&mut *log.lock().unwrap_or_else(|p| p.into_inner()))
}

impl HttpClient for DebugHttp {
    fn send(&self, request: HttpRequest) -> HttpFuture<'_> {
        let attempt = self.attempts.fetch_add(1, Ordering::Relaxed) + 1;
        for line in describe_request(attempt, &request) {
            push(&self.log, line);
        }
        Box::pin(async move {
            let started = Instant::now();
            let result = self.inner.send(request).await;
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            let line = match &result {
                Ok(response) => {
                    let request_id = response
                        .header("x-request-id")
                        .or_else(|| response.header("x-tc-requestid"))
                        .map(|id| format!(", request id {id}"))
                        .unwrap_or_default();
                    format!(
                        "debug: attempt {attempt}: HTTP {} after {ms:.1} ms ({} bytes{request_id})",
                        response.status,
                        response.body.len()
                    )
                }
                Err(e) => format!("debug: attempt {attempt}: failed after {ms:.1} ms: {e}"),
            };
            push(&self.log, line);
            result
        })
    }
}

/// The request line, headers and body of one attempt, secrets redacted.
pub fn describe_request(attempt: u32, request: &HttpRequest) -> Vec<String> {
    let mut lines = vec![format!(
        "debug: attempt {attempt}: {} {}",
        request.method,
        redact_url(&request.url)
    )];
    for (name, value) in &request.headers {
        let shown = if is_sensitive_header(name) || is_secret_name(name) {
            "<redacted>"
        } else {
            value.as_str()
        };
        lines.push(format!("debug:   {name}: {shown}"));
    }
    if !request.body.is_empty() {
        let body = match serde_json::from_slice::<Value>(&request.body) {
            Ok(json) => {
                let text = redact(&json).to_string();
                if text.chars().count() > BODY_SHOWN {
                    let cut: String = text.chars().take(BODY_SHOWN).collect();
                    format!("{cut}… ({} bytes in all)", request.body.len())
                } else {
                    text
                }
            }
            Err(_) => format!("<{} bytes, not JSON>", request.body.len()),
        };
        lines.push(format!("debug:   body: {body}"));
    }
    lines
}

/// The URL with the values of secret-looking query parameters replaced by `***`.
fn redact_url(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_owned();
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if is_secret_name(name) => format!("{name}=***"),
            _ => pair.to_owned(),
        })
        .collect();
    format!("{base}?{}", pairs.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_in_headers_query_and_body_are_redacted() {
        let request = HttpRequest {
            method: "POST".into(),
            url: "https://x/path?a=1&password=hunter2".into(),
            headers: vec![
                (
                    "Authorization".into(),
                    "TC3-HMAC-SHA256 Signature=abc".into(),
                ),
                ("X-TC-Token".into(), "tok".into()),
                ("X-Security-Token".into(), "sts".into()),
                ("X-Auth-Token".into(), "iam".into()),
                ("X-TC-Action".into(), "DescribeInstanceSSL".into()),
            ],
            body: br#"{"InstanceId":"cmgo-1","Password":"p@ss","Nested":{"SecretKey":"k"}}"#
                .to_vec(),
            timeout: None,
        };
        let text = describe_request(1, &request).join("\n");
        for secret in [
            "Signature=abc",
            "tok",
            "sts",
            "iam",
            "hunter2",
            "p@ss",
            "\"k\"",
        ] {
            assert!(!text.contains(secret), "{secret} shown:\n{text}");
        }
        assert!(
            text.contains("POST https://x/path?a=1&password=***"),
            "{text}"
        );
        assert!(text.contains("X-TC-Action: DescribeInstanceSSL"), "{text}");
        assert!(text.contains("Authorization: <redacted>"), "{text}");
        assert!(text.contains("\"InstanceId\":\"cmgo-1\""), "{text}");
    }
}
