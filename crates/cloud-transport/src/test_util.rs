//! Helpers for testing code that uses the cloudcall crates without a network (feature
//! `test-util`).
//!
//! [`ScriptedHttpClient`] answers requests from a script, in order, and records every request it
//! was given, so a test can check what was sent (requests' `Debug` hides secrets, but the
//! recorded values are the real ones):
//!
//! ```
//! # #[cfg(feature = "tencent")]
//! # async fn example() -> cloud_transport::Result<()> {
//! use std::sync::Arc;
//! use cloud_transport::http::HttpResponse;
//! use cloud_transport::test_util::ScriptedHttpClient;
//! use cloud_transport::{Config, Credentials};
//!
//! let http = Arc::new(ScriptedHttpClient::new());
//! http.push_response(HttpResponse::new(200, r#"{"Response":{"Status":1,"RequestId":"r"}}"#));
//! let config = Config::builder()
//!     .credentials(Credentials::new("id", "key"))
//!     .http_client(http.clone())
//!     .build()?;
//! // ... make a client with `config`, call it ...
//! // assert_eq!(http.requests()[0].header("X-TC-Action"), Some("DescribeInstanceSSL"));
//! # Ok(())
//! # }
//! ```

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use crate::http::{HttpClient, HttpFuture, HttpRequest, HttpResponse};
use crate::{Error, ErrorKind};

/// One scripted answer.
#[derive(Debug, Clone)]
pub enum Scripted {
    /// Answer with this response.
    Response(HttpResponse),
    /// Fail with an error of this kind (`Connection`, `Timeout`) and message.
    Error(ErrorKind, String),
    /// Answer with `response` after `delay` (to exercise timeouts).
    Delayed(Duration, HttpResponse),
}

/// An [`HttpClient`] that answers from a script and records requests. When the script runs out,
/// requests fail with a connection error saying so.
#[derive(Debug, Default)]
pub struct ScriptedHttpClient {
    script: Mutex<VecDeque<Scripted>>,
    requests: Mutex<Vec<HttpRequest>>,
}

impl ScriptedHttpClient {
    /// An empty script.
    pub fn new() -> Self {
        ScriptedHttpClient::default()
    }

    /// Appends an answer.
    pub fn push(&self, answer: Scripted) -> &Self {
        lock(&self.script).push_back(answer);
        self
    }

    /// Appends a response.
    pub fn push_response(&self, response: HttpResponse) -> &Self {
        self.push(Scripted::Response(response))
    }

    /// Appends a JSON response with `status`.
    pub fn push_json(&self, status: u16, body: &serde_json::Value) -> &Self {
        self.push_response(
            HttpResponse::new(status, body.to_string())
                .with_header("Content-Type", "application/json"),
        )
    }

    /// Appends a failure.
    pub fn push_error(&self, kind: ErrorKind, message: impl Into<String>) -> &Self {
        self.push(Scripted::Error(kind, message.into()))
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<HttpRequest> {
        lock(&self.requests).clone()
    }

    /// How many scripted answers are left.
    pub fn remaining(&self) -> usize {
        lock(&self.script).len()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl HttpClient for ScriptedHttpClient {
    fn send(&self, request: HttpRequest) -> HttpFuture<'_> {
        lock(&self.requests).push(request);
        let next = lock(&self.script).pop_front();
        Box::pin(async move {
            match next {
                Some(Scripted::Response(response)) => Ok(response),
                Some(Scripted::Error(kind, message)) => Err(Error::new(kind, message)),
                Some(Scripted::Delayed(delay, response)) => {
                    tokio::time::sleep(delay).await;
                    Ok(response)
                }
                None => Err(Error::new(
                    ErrorKind::Connection,
                    "ScriptedHttpClient: the script has no answer left for this request",
                )),
            }
        })
    }
}
