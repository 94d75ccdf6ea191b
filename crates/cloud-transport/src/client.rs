//! [`Client`]: one service and a configuration. A call asks the `vendors` registry for the
//! service's protocol and hands it to the call loop (`call`), which owns the rate limiter,
//! timeouts, retries and the clock correction; a typed call also hands over its decoding, so
//! that an error found while decoding a success's body is retried like any other.

use std::sync::Arc;
use std::time::Instant;

use serde::{de::DeserializeOwned, Serialize};

use crate::call::{decode_answer, untyped, Answer, Step};
use crate::http::HttpResponse;
use crate::protocol::{Call, Exchange, InBody, Outcome, TypedFailure, Want};
use crate::{Config, Error, OperationInfo, Result, ServiceInfo};

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

impl Client {
    /// A client for `service` with `config`.
    pub fn new(service: &'static ServiceInfo, config: Config) -> Client {
        let user_agent = crate::protocol::user_agent(service);
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
    /// [`ErrorKind::Decode`](crate::ErrorKind::Decode) error carrying the HTTP status, the start of the body and the
    /// request id.
    pub async fn call<I: Serialize, O: DeserializeOwned>(
        &self,
        op: &OperationInfo,
        input: &I,
    ) -> Result<O> {
        let value = serde_json::to_value(input).map_err(|e| {
            Error::invalid_input(format!("{}: cannot serialize the input: {e}", op.name))
        })?;
        let finish = |exchange: &dyn Exchange, response| {
            // The output lives only in this synchronous step, never across an await: the
            // call stays `Send` whatever `O` is.
            let mut output: Option<O> = None;
            let mut typed = |outcome: &mut Outcome| decode_typed(outcome, &mut output);
            let decode = |response, want| exchange.decode(response, want);
            match decode_answer(op, &decode, response, Want::Typed, Some(&mut typed)) {
                Answer::Done(outcome) => match output {
                    Some(output) => Step::Done(outcome, Some(output)),
                    None => Step::Final(no_output(op)),
                },
                Answer::Failed(error) => Step::Failed(error),
                Answer::Final(error) => Step::Final(error),
            }
        };
        let (_, output) = self.execute(op, value, None, finish).await?;
        output.ok_or_else(|| no_output(op))
    }

    /// Like [`Client::call`] with untyped JSON in and out (used by the CLI). The input is the JSON
    /// object of the request members by wire name; `null` is the same as `{}`.
    pub async fn call_json(
        &self,
        op: &OperationInfo,
        input: serde_json::Value,
    ) -> Result<serde_json::Value> {
        self.execute(op, input, None, |exchange, response| {
            untyped(op, exchange, response)
        })
        .await
        .map(|(outcome, ())| outcome.value)
    }

    /// Like [`Client::call_json`], ending by `until` when that comes before the call's own
    /// operation timeout: waiters and paginators bound every call by the time they have left.
    pub(crate) async fn call_json_until(
        &self,
        op: &OperationInfo,
        input: serde_json::Value,
        until: Option<Instant>,
    ) -> Result<serde_json::Value> {
        self.execute(op, input, until, |exchange, response| {
            untyped(op, exchange, response)
        })
        .await
        .map(|(outcome, ())| outcome.value)
    }

    async fn execute<X>(
        &self,
        op: &OperationInfo,
        input: serde_json::Value,
        until: Option<Instant>,
        finish: impl FnMut(&dyn Exchange, HttpResponse) -> Step<X> + Send,
    ) -> Result<(Outcome, X)> {
        let vendor = self.service().vendor;
        let protocol = crate::vendors::protocol(vendor).ok_or_else(|| {
            let name = format!("{vendor:?}").to_ascii_lowercase();
            Error::invalid_config(format!(
                "{}: support for {vendor:?} is not compiled in; enable the `{name}` feature of cloud-transport",
                op.name,
            ))
        })?;
        let call = Call {
            service: self.inner.service,
            config: &self.inner.config,
            user_agent: &self.inner.user_agent,
        };
        crate::call::execute(call, protocol, op, input, until, finish).await
    }
}

/// The error of a typed call that ended without an output (never expected: a success always
/// has one).
fn no_output(op: &OperationInfo) -> Error {
    Error::new(
        crate::ErrorKind::Decode,
        format!("{}: the call ended without an output", op.name),
    )
}

/// A typed call's decoding of a success into `O`, for the attempt loop: from the `Value` an
/// untyped decoding made, from the whole body, or from the `Response` member in one pass that
/// also finds an `Error` there.
pub(crate) fn decode_typed<O: DeserializeOwned>(
    outcome: &mut Outcome,
    output: &mut Option<O>,
) -> std::result::Result<Option<String>, TypedFailure> {
    let (decoded, request_id): (O, Option<String>) = match outcome.in_body {
        None => (
            crate::codec::from_value(std::mem::take(&mut outcome.value))
                .map_err(TypedFailure::Shape)?,
            None,
        ),
        Some(InBody::Whole) => (
            crate::codec::from_slice(&outcome.body).map_err(TypedFailure::Shape)?,
            None,
        ),
        Some(InBody::TencentResponse) => {
            let decoded = crate::codec::envelope::from_tencent_slice::<O>(&outcome.body)?;
            (decoded.output, decoded.request_id)
        }
    };
    *output = Some(decoded);
    Ok(request_id)
}
