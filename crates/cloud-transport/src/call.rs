//! The call loop: a call's span and deadline, then one attempt after another (rate limit,
//! signed request, per-attempt timeout, answer) until the answer is final, the retry policy
//! stops or the deadline comes, with the one clock-corrected retry after a signature-expired
//! answer.
//!
//! It drives a vendor's [`Protocol`] and [`Exchange`] and knows nothing of vendors: which
//! protocol a service speaks is the caller's choice (the client asks the `vendors` registry;
//! a credentials provider names its vendor's protocol itself).
//!
//! What a call makes of an answer is the caller's `finish` (a typed call decodes its output
//! there, so that an error found in a success's body is retried like any other). The loop
//! around it is generic over that output but thin: sending an attempt and judging a failure
//! are the non-generic [`Attempts`], so each output type adds little code.

use std::time::{Duration, Instant};

use serde_json::Value;
use tracing::{field, Instrument};

use crate::calendar::parse_http_date;
use crate::http::HttpResponse;
use crate::protocol::{Call, Exchange, Outcome, Protocol, Request, TypedFailure, TypedFn, Want};
use crate::response::redirect_error;
use crate::retry::{is_clock_skew, FailedAttempt, RetryDecision};
use crate::{Error, ErrorKind, OperationInfo, Result};

/// What a call's `finish` made of one answer.
#[derive(Debug)]
pub(crate) enum Step<X> {
    /// The outcome, with what the caller decoded from it.
    Done(Outcome, X),
    /// An error the retry policy judges (and the clock correction looks at).
    Failed(Error),
    /// An error no retry can change.
    Final(Error),
}

impl<X> From<Answer> for Step<X>
where
    X: Default,
{
    fn from(answer: Answer) -> Self {
        match answer {
            Answer::Done(outcome) => Step::Done(outcome, X::default()),
            Answer::Failed(error) => Step::Failed(error),
            Answer::Final(error) => Step::Final(error),
        }
    }
}

/// What an untyped call makes of an answer: the vendor's decoding, as a `Value`.
pub(crate) fn untyped(
    op: &OperationInfo,
    exchange: &dyn Exchange,
    response: HttpResponse,
) -> Step<()> {
    let decode = |response, want| exchange.decode(response, want);
    decode_answer(op, &decode, response, Want::Value, None).into()
}

/// Calls `op` with `input` through `protocol`, ending by `until` when that comes before the
/// call's own operation timeout; `finish` makes a step of each answer.
pub(crate) async fn execute<X>(
    call: Call<'_>,
    protocol: &dyn Protocol,
    op: &OperationInfo,
    input: Value,
    until: Option<Instant>,
    finish: impl FnMut(&dyn Exchange, HttpResponse) -> Step<X> + Send,
) -> Result<(Outcome, X)> {
    let span = tracing::info_span!(
        "cloud_call",
        service = call.service.service,
        action = op.name,
        attempts = field::Empty,
        status = field::Empty,
        request_id = field::Empty,
        latency_ms = field::Empty,
    );
    let started = Instant::now();
    let own_deadline = started + call.config.operation_timeout;
    let deadline = until.map_or(own_deadline, |until| until.min(own_deadline));
    let result = async {
        let request = Request {
            op,
            input,
            deadline,
        };
        let exchange = protocol.prepare(call, request).await?;
        let result = run(call, op, deadline, &*exchange, finish).await;
        if let Err(error) = &result {
            if let Some(after) = exchange.failed(error, deadline) {
                after.await;
            }
        }
        result
    }
    .instrument(span.clone())
    .await;
    record(&span, started, result.as_ref().map(|(outcome, _)| outcome));
    result
}

/// Records a finished call on its span.
fn record(span: &tracing::Span, started: Instant, result: std::result::Result<&Outcome, &Error>) {
    span.record("latency_ms", started.elapsed().as_millis() as u64);
    let _entered = span.enter();
    match result {
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
}

/// Sends a prepared exchange until its answer is final, the retry policy stops, or `deadline`
/// comes, decoding answers as `Value`s: the requests a call or a provider makes on the side.
#[cfg_attr(not(feature = "huawei"), allow(dead_code))]
pub(crate) async fn send_with_retries(
    call: Call<'_>,
    op: &OperationInfo,
    deadline: Instant,
    exchange: &dyn Exchange,
) -> Result<Outcome> {
    run(call, op, deadline, exchange, |exchange, response| {
        untyped(op, exchange, response)
    })
    .await
    .map(|(outcome, ())| outcome)
}

/// The attempt loop: each attempt runs in an `attempt` span; the number of attempts is
/// recorded on the current span as `attempts`.
async fn run<X>(
    call: Call<'_>,
    op: &OperationInfo,
    deadline: Instant,
    exchange: &dyn Exchange,
    mut finish: impl FnMut(&dyn Exchange, HttpResponse) -> Step<X>,
) -> Result<(Outcome, X)> {
    let mut attempts = Attempts {
        call,
        op,
        deadline,
        exchange,
        number: 0,
        clock_corrected: false,
    };
    let result = loop {
        let sent = match attempts.send().await {
            Ok(sent) => sent,
            Err(Stop(error)) => break Err(error),
        };
        let error = match sent.response {
            Err(error) => error,
            Ok(response) => {
                let server_time = response.header("date").and_then(parse_http_date);
                let status = response.status;
                match finish(exchange, response) {
                    Step::Done(outcome, x) => {
                        let _entered = sent.span.enter();
                        let latency_ms = sent.latency_ms;
                        tracing::debug!(status, latency_ms, "attempt succeeded");
                        break Ok((outcome, x));
                    }
                    Step::Final(error) => break Err(error),
                    Step::Failed(error) => {
                        if attempts.correct_clock(&error, server_time) {
                            continue;
                        }
                        error
                    }
                }
            }
        };
        if let Err(Stop(error)) = attempts.judge(error, &sent.span, sent.latency_ms).await {
            break Err(error);
        }
    };
    tracing::Span::current().record("attempts", attempts.number);
    result
}

/// An error that ends the call.
struct Stop(Error);

impl From<Error> for Stop {
    fn from(error: Error) -> Self {
        Stop(error)
    }
}

/// One attempt's answer (or the error of a request that got none), in its span.
struct Sent {
    response: Result<HttpResponse>,
    span: tracing::Span,
    latency_ms: u64,
}

/// The non-generic part of the attempt loop: one call's attempts so far.
struct Attempts<'a> {
    call: Call<'a>,
    op: &'a OperationInfo,
    deadline: Instant,
    exchange: &'a dyn Exchange,
    number: u32,
    clock_corrected: bool,
}

impl Attempts<'_> {
    /// Sends the next attempt: waits for the rate limiter, signs, sends within the attempt's
    /// time. The answer, or the error of a request that got none (for [`Attempts::judge`]).
    async fn send(&mut self) -> std::result::Result<Sent, Stop> {
        let config = self.call.config;
        let shared = &config.shared;
        self.number += 1;
        let attempt = self.number;
        let span = tracing::debug_span!("attempt", number = attempt);
        let permit = match self.op.rate_limit.filter(|_| config.rate_limit) {
            Some(limit) => {
                let key = format!("{}/{}", self.call.service.service, self.op.name);
                let permit = shared
                    .rate_limiter
                    .acquire(&key, limit, self.deadline)
                    .instrument(span.clone())
                    .await?;
                Some(permit)
            }
            None => None,
        };
        let mut request = self.exchange.request(shared.clock.now_unix())?;
        let remaining = self.deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(Stop(deadline_error(config.operation_timeout, attempt)));
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
        Ok(Sent {
            response: sent,
            span,
            latency_ms: sent_at.elapsed().as_millis() as u64,
        })
    }

    /// After a signature-expired answer, once per call: sets the clock from the server's
    /// `Date` and says to send again at once (not counted as a retry).
    fn correct_clock(&mut self, error: &Error, server_time: Option<i64>) -> bool {
        if self.clock_corrected || !is_clock_skew(error) {
            return false;
        }
        let Some(server_time) = server_time else {
            return false;
        };
        self.clock_corrected = true;
        let offset = self.call.config.shared.clock.correct_to(server_time);
        tracing::warn!(
            offset_seconds = offset,
            "signature expired: the local clock is off; corrected it from the server's Date \
             header, retrying once"
        );
        true
    }

    /// Asks the retry policy about a failed attempt: waits its backoff and returns to send
    /// again, or stops with the error.
    async fn judge(
        &mut self,
        error: Error,
        span: &tracing::Span,
        latency_ms: u64,
    ) -> std::result::Result<(), Stop> {
        let _entered = span.enter();
        // The clock-corrected retry does not use up the retry budget.
        let counted = self.number - u32::from(self.clock_corrected);
        tracing::debug!(latency_ms, %error, "attempt failed");
        let failed = FailedAttempt {
            error: &error,
            attempt: counted,
            operation: self.op,
        };
        let wait = match self.call.config.retry_policy.on_failure(&failed) {
            RetryDecision::Stop => return Err(Stop(error)),
            RetryDecision::RetryAfter(wait) => wait,
        };
        if Instant::now() + wait >= self.deadline {
            return Err(Stop(error));
        }
        tracing::debug!(
            wait_ms = wait.as_millis() as u64,
            "retrying after a backoff"
        );
        drop(_entered);
        tokio::time::sleep(wait).await;
        Ok(())
    }
}

/// What a call makes of one answer.
#[derive(Debug)]
pub(crate) enum Answer {
    /// The output.
    Done(Outcome),
    /// An error the retry policy judges (and the clock correction looks at).
    Failed(Error),
    /// An error no retry can change: a success that does not have the output's shape.
    Final(Error),
}

/// One answer, as every attempt decodes it: a redirect is an error, anything else is the
/// vendor's to classify; a typed call's success is then decoded into the output, and what
/// that finds not to be a plain success goes back to the vendor to classify as a `Value`.
pub(crate) fn decode_answer(
    op: &OperationInfo,
    decode: &dyn Fn(HttpResponse, Want) -> Result<Outcome>,
    response: HttpResponse,
    want: Want,
    typed: Option<&mut TypedFn<'_>>,
) -> Answer {
    if (300..400).contains(&response.status) {
        return Answer::Failed(redirect_error(&response));
    }
    let mut outcome = match decode(response, want) {
        Ok(outcome) => outcome,
        Err(error) => return Answer::Failed(error),
    };
    let Some(typed) = typed else {
        return Answer::Done(outcome);
    };
    let failure = match typed(&mut outcome) {
        Ok(id) => return Answer::Done(with_request_id(outcome, id)),
        Err(failure) => failure,
    };
    match failure {
        TypedFailure::Shape(e) => {
            if outcome.request_id.is_none() {
                // The one pass stopped before the request id (Tencent's is at the end): the
                // vendor's own decoding finds it. Only a failed decode pays for this.
                let again = HttpResponse {
                    status: outcome.status,
                    headers: outcome.headers.clone(),
                    body: outcome.body.clone(),
                };
                outcome.request_id = decode(again, Want::Value).ok().and_then(|o| o.request_id);
            }
            Answer::Final(shape_error(op, &outcome, e))
        }
        TypedFailure::NotPlain => match decode(outcome.into_response(), Want::Value) {
            Err(error) => Answer::Failed(error),
            Ok(mut outcome) => match typed(&mut outcome) {
                Ok(id) => Answer::Done(with_request_id(outcome, id)),
                Err(TypedFailure::Shape(e)) => Answer::Final(shape_error(op, &outcome, e)),
                Err(TypedFailure::NotPlain) => Answer::Final(Error::decode(
                    format!(
                        "{}: the response does not have the documented shape",
                        op.name
                    ),
                    outcome.status,
                    &outcome.body,
                )),
            },
        },
    }
}

fn with_request_id(mut outcome: Outcome, id: Option<String>) -> Outcome {
    if id.is_some() {
        outcome.request_id = id;
    }
    outcome
}

/// A success that is not the output: a decode error with the status, the start of the body
/// and the request id.
fn shape_error(op: &OperationInfo, outcome: &Outcome, e: serde_json::Error) -> Error {
    let message = if e.is_syntax() || e.is_eof() {
        format!("{}: the response is not JSON ({e})", op.name)
    } else {
        format!(
            "{}: the response does not have the documented shape: {e}",
            op.name
        )
    };
    let error = Error::decode(message, outcome.status, &outcome.body);
    match &outcome.request_id {
        Some(id) => error.with_request_id(id.clone()),
        None => error,
    }
}

fn deadline_error(operation_timeout: Duration, attempt: u32) -> Error {
    Error::new(
        ErrorKind::Timeout,
        format!("the call did not finish within its operation timeout of {operation_timeout:?} (attempt {attempt})"),
    )
}
