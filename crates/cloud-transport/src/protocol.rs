//! The seam between the call loop and the vendors: a [`Protocol`] turns a call's input into an
//! [`Exchange`], which signs the request of every attempt and classifies and decodes every
//! answer. The call loop (`call`) drives an exchange and knows nothing of vendors; a vendor
//! module implements these traits and knows nothing of retries, deadlines or rate limits.
//!
//! A leaf below both: it holds only the types they share.

use std::future::Future;
use std::pin::Pin;
use std::time::Instant;

use serde_json::Value;

use crate::http::{Bytes, HttpRequest, HttpResponse};
use crate::{Config, Error, OperationInfo, Result, ServiceInfo, Vendor};

/// What one call is made for: the service, the configuration, the `User-Agent` it sends.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Call<'a> {
    pub(crate) service: &'static ServiceInfo,
    pub(crate) config: &'a Config,
    #[cfg_attr(not(any(feature = "tencent", feature = "huawei")), allow(dead_code))]
    pub(crate) user_agent: &'a str,
}

/// `<sdk_name>/<sdk_version> cloud-transport/<version>`.
pub(crate) fn user_agent(service: &ServiceInfo) -> String {
    format!(
        "{}/{} cloud-transport/{}",
        service.sdk_name,
        service.sdk_version,
        env!("CARGO_PKG_VERSION")
    )
}

/// A vendor's wire protocol.
pub(crate) trait Protocol: Send + Sync {
    /// The vendor whose services this protocol calls.
    fn vendor(&self) -> Vendor;

    /// Everything a call does once, before its first attempt: settings, credentials (an IAM
    /// token, a project id), the endpoint and the encoded input. Done by the call's deadline.
    fn prepare<'a>(&'a self, call: Call<'a>, request: Request<'a>) -> PrepareFuture<'a>;
}

/// What a call asks for: the operation, its input and the deadline of the whole call.
#[derive(Debug)]
#[cfg_attr(not(any(feature = "tencent", feature = "huawei")), allow(dead_code))]
pub(crate) struct Request<'a> {
    pub(crate) op: &'a OperationInfo,
    pub(crate) input: Value,
    pub(crate) deadline: Instant,
}

/// A [`PrepareFuture`] of a vendor's own preparation.
#[cfg_attr(not(any(feature = "tencent", feature = "huawei")), allow(dead_code))]
pub(crate) fn boxed<'a, E: Exchange + 'a>(
    prepared: impl Future<Output = Result<E>> + Send + 'a,
) -> PrepareFuture<'a> {
    Box::pin(async move { Ok(Box::new(prepared.await?) as Box<dyn Exchange + 'a>) })
}

/// The future [`Protocol::prepare`] returns.
pub(crate) type PrepareFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Box<dyn Exchange + 'a>>> + Send + 'a>>;

/// One prepared call's requests and answers.
pub(crate) trait Exchange: Send + Sync {
    /// The request of one attempt, signed for `timestamp` (Unix seconds, clock-corrected).
    fn request(&self, timestamp: i64) -> Result<HttpRequest>;

    /// Classifies and decodes an answer (never a redirect: the loop turns those into errors).
    fn decode(&self, response: HttpResponse, want: Want) -> Result<Outcome>;

    /// Called once when the call has failed for good, before the error is returned: a cached
    /// token the server refused can be dropped here.
    fn failed<'a>(&'a self, _error: &'a Error, _deadline: Instant) -> Option<AfterFuture<'a>> {
        None
    }
}

/// The future [`Exchange::failed`] returns.
pub(crate) type AfterFuture<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// A decoded response: the output object (Tencent: inside `Response`; Huawei: the body) and
/// what the decode errors of a typed call need.
#[derive(Debug)]
pub(crate) struct Outcome {
    /// The output, unless `in_body` says it was left in the body (then `Null`).
    pub(crate) value: Value,
    /// For a typed call whose answer is a success, where the output is in `body`: decoded
    /// straight into the output type, without a `Value` in between.
    pub(crate) in_body: Option<InBody>,
    pub(crate) status: u16,
    #[cfg_attr(not(feature = "huawei"), allow(dead_code))]
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Bytes,
    pub(crate) request_id: Option<String>,
}

impl Outcome {
    /// The answer again, to decode it another way.
    pub(crate) fn into_response(self) -> HttpResponse {
        HttpResponse {
            status: self.status,
            headers: self.headers,
            body: self.body,
        }
    }
}

/// Where a typed call's output is in a successful answer's body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InBody {
    /// The whole body (Huawei).
    #[cfg_attr(not(feature = "huawei"), allow(dead_code))]
    Whole,
    /// The `Response` member (Tencent), which may still hold an `Error`: the typed decoding
    /// looks for it in the same pass.
    #[cfg_attr(not(feature = "tencent"), allow(dead_code))]
    TencentResponse,
}

/// What a call wants of a successful answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Want {
    /// The output as a `Value` (untyped calls, waiters, paginators).
    Value,
    /// A typed output, decoded from the body where possible ([`InBody`]).
    Typed,
}

/// Why a typed decoding did not give an output.
#[derive(Debug)]
pub(crate) enum TypedFailure {
    /// The answer is not a plain success (an `Error` member, no `Response` object, not JSON):
    /// the vendor decodes it again as a `Value` to classify it.
    NotPlain,
    /// A success that does not have the output's shape (or, for a whole body, is not JSON).
    Shape(serde_json::Error),
}

/// A typed call's decoding of a success, run inside the attempt loop so that an error found
/// in a success's body is retried like any other. Gives the request id it saw, if any.
pub(crate) type TypedFn<'f> =
    dyn FnMut(&mut Outcome) -> std::result::Result<Option<String>, TypedFailure> + 'f;
