//! Helpers every vendor's answer decoding shares: the request id and `Retry-After` headers, and
//! the error a redirect is. A leaf: it knows HTTP answers and errors, nothing of vendors.

use std::time::Duration;

use crate::http::HttpResponse;
use crate::Error;

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
pub(crate) fn redirect_error(response: &HttpResponse) -> Error {
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
