//! The generic call: pick the vendor's protocol, then send with timeouts and retries.
//!
//! The vendor modules (`tencent`, `huawei`) turn an input into a request builder (called again
//! for every attempt, so every attempt is signed afresh with the current, corrected time) and a
//! response decoder. [`Client::send_with_retries`] owns everything around that: the rate
//! limiter, the per-attempt timeout and overall deadline, the retry policy and backoff, and the
//! one clock-corrected retry after a signature-expired answer.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{de::DeserializeOwned, Serialize};
use tracing::{field, Instrument};

use crate::calendar::parse_http_date;
use crate::clock::Clock;
use crate::http::{HttpRequest, HttpResponse};
use crate::rate_limit::RateLimiter;
use crate::retry::{is_clock_skew, FailedAttempt, RetryDecision};
use crate::{Config, Error, ErrorKind, OperationInfo, Result, ServiceInfo};

/// A client for one service: its [`ServiceInfo`] plus a [`Config`]. Cheap to clone; clones share
/// connections and caches.
#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    service: &'static ServiceInfo,
    config: Config,
    user_agent: String,
}

/// State shared by every client of one [`Config`] (and its clones).
#[derive(Default)]
pub(crate) struct Shared {
    pub(crate) clock: Clock,
    pub(crate) rate_limiter: RateLimiter,
    #[cfg(feature = "tencent")]
    pub(crate) tencent: crate::tencent::State,
    #[cfg(feature = "huawei")]
    pub(crate) huawei: crate::huawei::State,
    /// The HTTP layer of metadata requests (short connect timeout), built on first use.
    metadata_http: std::sync::OnceLock<Arc<dyn crate::http::HttpClient>>,
}

impl Shared {
    /// The metadata HTTP layer: the configuration's own when the user gave one, else a
    /// built-in client with [`METADATA_CONNECT_TIMEOUT`](crate::provider::METADATA_CONNECT_TIMEOUT)
    /// and no proxy (metadata services are link-local).
    pub(crate) fn metadata_http(
        &self,
        config: &Config,
    ) -> Result<Arc<dyn crate::http::HttpClient>> {
        if config.custom_http {
            return Ok(config.http.clone());
        }
        if let Some(http) = self.metadata_http.get() {
            return Ok(http.clone());
        }
        let built: Arc<dyn crate::http::HttpClient> =
            Arc::new(crate::http::ReqwestHttpClient::with_proxy_rules(
                crate::provider::METADATA_CONNECT_TIMEOUT,
                crate::DEFAULT_POOL_IDLE_TIMEOUT,
                crate::ProxyRules::none(),
            )?);
        Ok(self.metadata_http.get_or_init(|| built).clone())
    }
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Holds cached credentials and tokens: nothing of it is shown.
        f.write_str("Shared { .. }")
    }
}

/// A decoded response: the output object (Tencent: inside `Response`; Huawei: the body) and
/// what the decode errors of a typed call need.
#[derive(Debug)]
pub(crate) struct Outcome {
    /// The output, unless `in_body` says it was left in the body (then `Null`).
    pub(crate) value: serde_json::Value,
    /// For a typed call whose answer is a success, where the output is in `body`: decoded
    /// straight into the output type, without a `Value` in between.
    pub(crate) in_body: Option<InBody>,
    pub(crate) status: u16,
    #[cfg_attr(not(feature = "huawei"), allow(dead_code))]
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    pub(crate) request_id: Option<String>,
}

/// Where a typed call's output is in a successful answer's body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InBody {
    /// The whole body (Huawei).
    #[cfg_attr(not(feature = "huawei"), allow(dead_code))]
    Whole,
    /// The `Response` member (Tencent).
    #[cfg_attr(not(feature = "tencent"), allow(dead_code))]
    TencentResponse,
}

/// What a call wants of a successful answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Want {
    /// The output as a `Value` (untyped calls, waiters, paginators).
    Value,
    /// A typed output, decoded later from the body where possible ([`InBody`]).
    Typed,
}

impl Client {
    /// A client for `service` with `config`.
    pub fn new(service: &'static ServiceInfo, config: Config) -> Client {
        let user_agent = format!(
            "{}/{} cloud-transport/{}",
            service.sdk_name,
            service.sdk_version,
            env!("CARGO_PKG_VERSION")
        );
        Client {
            inner: Arc::new(Inner {
                service,
                config,
                user_agent,
            }),
        }
    }

    /// The service this client calls.
    pub fn service(&self) -> &'static ServiceInfo {
        self.inner.service
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The `User-Agent` sent: `<sdk_name>/<sdk_version> cloud-transport/<version>`.
    pub fn user_agent(&self) -> &str {
        &self.inner.user_agent
    }

    /// Calls `op` with `input` and decodes the output: for Tencent, the object inside `Response`
    /// (`RequestId` included); for Huawei, the body.
    ///
    /// The output is decoded with [`codec::from_value`](crate::codec::from_value), which reads
    /// numbers sent as strings as numbers. An output that does not match `O` is a
    /// [`ErrorKind::Decode`] error carrying the HTTP status, the start of the body and the
    /// request id.
    pub async fn call<I: Serialize, O: DeserializeOwned>(
        &self,
        op: &OperationInfo,
        input: &I,
    ) -> Result<O> {
        let value = serde_json::to_value(input).map_err(|e| {
            Error::invalid_input(format!("{}: cannot serialize the input: {e}", op.name))
        })?;
        let outcome = self.execute(op, value, None, Want::Typed).await?;
        decode_output(op, outcome)
    }

    /// Like [`Client::call`] with untyped JSON in and out (used by the CLI). The input is the JSON
    /// object of the request members by wire name; `null` is the same as `{}`.
    pub async fn call_json(
        &self,
        op: &OperationInfo,
        input: serde_json::Value,
    ) -> Result<serde_json::Value> {
        self.execute(op, input, None, Want::Value)
            .await
            .map(|outcome| outcome.value)
    }

    /// Like [`Client::call_json`], ending by `until` when that comes before the call's own
    /// operation timeout: waiters and paginators bound every call by the time they have left.
    pub(crate) async fn call_json_until(
        &self,
        op: &OperationInfo,
        input: serde_json::Value,
        until: Option<Instant>,
    ) -> Result<serde_json::Value> {
        self.execute(op, input, until, Want::Value)
            .await
            .map(|outcome| outcome.value)
    }

    async fn execute(
        &self,
        op: &OperationInfo,
        input: serde_json::Value,
        until: Option<Instant>,
        want: Want,
    ) -> Result<Outcome> {
        let span = tracing::info_span!(
            "cloud_call",
            service = self.service().service,
            action = op.name,
            attempts = field::Empty,
            status = field::Empty,
            request_id = field::Empty,
            latency_ms = field::Empty,
        );
        let started = Instant::now();
        let own_deadline = started + self.config().operation_timeout;
        let deadline = until.map_or(own_deadline, |until| until.min(own_deadline));
        let result = self
            .dispatch(op, input, deadline, want)
            .instrument(span.clone())
            .await;
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        let _entered = span.enter();
        match &result {
            Ok(outcome) => {
                span.record("status", outcome.status);
                if let Some(id) = &outcome.request_id {
                    span.record("request_id", id.as_str());
                }
                tracing::debug!("call succeeded");
            }
            Err(error) => {
                if let Some(status) = error.http_status() {
                    span.record("status", status);
                }
                if let Some(id) = error.request_id() {
                    span.record("request_id", id);
                }
                tracing::debug!(%error, "call failed");
            }
        }
        result
    }

    async fn dispatch(
        &self,
        op: &OperationInfo,
        input: serde_json::Value,
        deadline: Instant,
        want: Want,
    ) -> Result<Outcome> {
        match self.service().vendor {
            #[cfg(feature = "tencent")]
            crate::Vendor::Tencent => {
                crate::tencent::execute(self, op, input, deadline, want).await
            }
            #[cfg(feature = "huawei")]
            crate::Vendor::Huawei => crate::huawei::execute(self, op, input, deadline, want).await,
            #[allow(unreachable_patterns)]
            vendor => {
                let _ = (input, deadline, want);
                Err(Error::invalid_config(format!(
                    "{}: support for {vendor:?} is not compiled in; enable the `{}` feature of cloud-transport",
                    op.name,
                    format!("{vendor:?}").to_ascii_lowercase()
                )))
            }
        }
    }

    /// Sends `op` until it succeeds, fails for good, runs out of attempts or reaches `deadline`.
    ///
    /// `build` makes (and signs) the request for a Unix time; `decode` turns a response into an
    /// outcome or an error. Each attempt runs in an `attempt` span; the number of attempts is
    /// recorded on the current span as `attempts`.
    #[cfg_attr(not(any(feature = "tencent", feature = "huawei")), allow(dead_code))]
    pub(crate) async fn send_with_retries(
        &self,
        op: &OperationInfo,
        deadline: Instant,
        build: impl FnMut(i64) -> Result<HttpRequest>,
        decode: impl Fn(HttpResponse) -> Result<Outcome>,
    ) -> Result<Outcome> {
        let mut attempts = 0u32;
        let result = self
            .attempt_loop(op, deadline, build, decode, &mut attempts)
            .await;
        tracing::Span::current().record("attempts", attempts);
        result
    }

    async fn attempt_loop(
        &self,
        op: &OperationInfo,
        deadline: Instant,
        mut build: impl FnMut(i64) -> Result<HttpRequest>,
        decode: impl Fn(HttpResponse) -> Result<Outcome>,
        attempt: &mut u32,
    ) -> Result<Outcome> {
        let config = self.config();
        let shared = &config.shared;
        let mut clock_corrected = false;
        loop {
            *attempt += 1;
            let attempt = *attempt;
            let span = tracing::debug_span!("attempt", number = attempt);
            let permit = match op.rate_limit.filter(|_| config.rate_limit) {
                Some(limit) => {
                    let key = format!("{}/{}", self.service().service, op.name);
                    let permit = shared
                        .rate_limiter
                        .acquire(&key, limit, deadline)
                        .instrument(span.clone())
                        .await?;
                    Some(permit)
                }
                None => None,
            };
            let mut request = build(shared.clock.now_unix())?;
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(deadline_error(config.operation_timeout, attempt));
            }
            let budget = remaining.min(config.attempt_timeout);
            request.timeout = Some(budget);
            let sent_at = Instant::now();
            let sent = tokio::time::timeout(budget, config.http.send(request))
                .instrument(span.clone())
                .await;
            let sent = match sent {
                Ok(result) => result,
                Err(_) if budget < config.attempt_timeout => {
                    Err(deadline_error(config.operation_timeout, attempt))
                }
                Err(_) => Err(Error::new(
                    ErrorKind::Timeout,
                    format!(
                        "no complete response within the attempt timeout of {:?} (attempt {attempt})",
                        config.attempt_timeout
                    ),
                )),
            };
            // The request has reached the server or never will: its window starts now.
            drop(permit);
            let _entered = span.enter();
            let latency_ms = sent_at.elapsed().as_millis() as u64;
            let error = match sent {
                Ok(response) => {
                    let status = response.status;
                    let server_time = response.header("date").and_then(parse_http_date);
                    let decoded = decode_attempt(response, &decode);
                    match decoded {
                        Ok(outcome) => {
                            tracing::debug!(status, latency_ms, "attempt succeeded");
                            return Ok(outcome);
                        }
                        Err(error) => {
                            if is_clock_skew(&error) && !clock_corrected {
                                if let Some(server_time) = server_time {
                                    clock_corrected = true;
                                    let offset = shared.clock.correct_to(server_time);
                                    tracing::warn!(
                                        offset_seconds = offset,
                                        "signature expired: the local clock is off; corrected it \
                                         from the server's Date header, retrying once"
                                    );
                                    continue;
                                }
                            }
                            error
                        }
                    }
                }
                Err(error) => error,
            };
            // The clock-corrected retry does not use up the retry budget.
            let counted = attempt - u32::from(clock_corrected);
            tracing::debug!(latency_ms, %error, "attempt failed");
            let failed = FailedAttempt {
                error: &error,
                attempt: counted,
                operation: op,
            };
            let wait = match config.retry_policy.on_failure(&failed) {
                RetryDecision::Stop => return Err(error),
                RetryDecision::RetryAfter(wait) => wait,
            };
            if Instant::now() + wait >= deadline {
                return Err(error);
            }
            tracing::debug!(
                wait_ms = wait.as_millis() as u64,
                "retrying after a backoff"
            );
            drop(_entered);
            tokio::time::sleep(wait).await;
        }
    }
}

/// Decodes one attempt's response: a redirect is an error (see [`redirect_error`]), anything
/// else is the vendor's `decode`.
pub(crate) fn decode_attempt(
    response: HttpResponse,
    decode: impl Fn(HttpResponse) -> Result<Outcome>,
) -> Result<Outcome> {
    if (300..400).contains(&response.status) {
        Err(redirect_error(&response))
    } else {
        decode(response)
    }
}

/// The typed output of a decoded response, as [`Client::call`] returns it: a body that does
/// not have `O`'s shape is a decode error with the status, the start of the body and the
/// request id.
pub(crate) fn decode_output<O: DeserializeOwned>(
    op: &OperationInfo,
    outcome: Outcome,
) -> Result<O> {
    let Outcome {
        value,
        in_body,
        status,
        body,
        request_id,
        ..
    } = outcome;
    let decoded = match in_body {
        None => crate::codec::from_value(value),
        Some(InBody::Whole) => crate::codec::from_slice(&body),
        Some(InBody::TencentResponse) => {
            crate::codec::from_slice::<TencentResponse<O>>(&body).map(|envelope| envelope.response)
        }
    };
    decoded.map_err(|e| {
        let message = if e.is_syntax() || e.is_eof() {
            // Only a whole body is read here unchecked (Tencent's was parsed for errors first).
            format!("{}: the response is not JSON ({e})", op.name)
        } else {
            format!(
                "{}: the response does not have the documented shape: {e}",
                op.name
            )
        };
        let error = Error::decode(message, status, &body);
        match request_id {
            Some(id) => error.with_request_id(id),
            None => error,
        }
    })
}

/// `{"Response": O}`, read for the `O` alone.
#[derive(serde::Deserialize)]
struct TencentResponse<O> {
    #[serde(rename = "Response")]
    response: O,
}

fn deadline_error(operation_timeout: Duration, attempt: u32) -> Error {
    Error::new(
        ErrorKind::Timeout,
        format!("the call did not finish within its operation timeout of {operation_timeout:?} (attempt {attempt})"),
    )
}

/// The request id a response carries, if any, in a header (`X-Request-Id`) or nowhere.
#[cfg_attr(not(feature = "huawei"), allow(dead_code))]
pub(crate) fn header_request_id(response: &HttpResponse) -> Option<String> {
    response
        .header("x-request-id")
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// The `Retry-After` header in seconds, capped at a minute.
#[cfg_attr(not(any(feature = "tencent", feature = "huawei")), allow(dead_code))]
pub(crate) fn retry_after(response: &HttpResponse) -> Option<Duration> {
    let seconds: u64 = response.header("retry-after")?.trim().parse().ok()?;
    Some(Duration::from_secs(seconds.min(60)))
}

/// A 3xx answer. Redirects are not followed (a signed request must not go to an address the
/// caller did not choose), so say so instead of failing to decode an empty body.
fn redirect_error(response: &HttpResponse) -> Error {
    let to = response
        .header("location")
        .map_or_else(|| "no Location given".to_owned(), |l| format!("to `{l}`"));
    Error::decode(
        format!(
            "the server answered with a redirect ({to}), which is not followed: a signed \
             request only goes to the configured endpoint; check the endpoint or region"
        ),
        response.status,
        &response.body,
    )
}
