//! Plain HTTP requests to metadata services (no signature, no retries): a short connect timeout
//! and a whole-request bound, so a machine without the service falls through quickly.

use std::time::Instant;

use super::{fail, FetchContext, METADATA_REQUEST_TIMEOUT};
use crate::endpoint::BaseUrl;
use crate::http::{HttpRequest, HttpResponse};
use crate::{Error, ErrorKind, Result};

/// Sends `method path` to the metadata service at `base`, bounded by
/// [`METADATA_REQUEST_TIMEOUT`] and the call's deadline. Errors name `provider`.
pub(crate) async fn metadata_request(
    cx: &FetchContext<'_>,
    provider: &str,
    base: &BaseUrl,
    method: &str,
    path: &str,
    headers: Vec<(String, String)>,
) -> Result<HttpResponse> {
    let http = cx.metadata_http()?;
    let budget = cx
        .deadline
        .saturating_duration_since(Instant::now())
        .min(METADATA_REQUEST_TIMEOUT);
    let mut all_headers = vec![("Host".to_owned(), base.host_header())];
    all_headers.extend(headers);
    let request = HttpRequest {
        method: method.to_owned(),
        url: base.url(path, ""),
        headers: all_headers,
        body: Vec::new(),
        timeout: Some(budget),
    };
    match tokio::time::timeout(budget, http.send(request)).await {
        Ok(Ok(response)) => Ok(response),
        Ok(Err(e)) => Err(Error::new(
            e.kind(),
            format!(
                "{provider}: the metadata service at {} did not answer: {}",
                base.host_header(),
                e.message()
            ),
        )),
        Err(_) => Err(Error::new(
            ErrorKind::Timeout,
            format!(
                "{provider}: the metadata service at {} did not answer within {budget:?}",
                base.host_header()
            ),
        )),
    }
}

/// The JSON object of a credentials answer. HTML (a proxy's or captive portal's page), a cut
/// body or anything else that is not a JSON object is an error that does not quote the body.
pub(crate) fn json_object(
    provider: &str,
    what: &str,
    response: &HttpResponse,
) -> Result<serde_json::Map<String, serde_json::Value>> {
    let body = &response.body;
    let first = body.iter().find(|b| !b.is_ascii_whitespace()).copied();
    if first == Some(b'<') {
        return Err(fail(
            provider,
            format!(
                "{what} is HTML, not JSON (HTTP {}): something other than the service answered \
                 (a proxy or a captive portal?)",
                response.status
            ),
        ));
    }
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        Ok(_) => Err(fail(provider, format!("{what} is JSON but not an object"))),
        Err(e) if e.is_eof() => Err(fail(
            provider,
            format!(
                "{what} is cut short ({} bytes, incomplete JSON)",
                body.len()
            ),
        )),
        Err(e) => Err(fail(
            provider,
            format!(
                "{what} is not JSON (line {}, column {})",
                e.line(),
                e.column()
            ),
        )),
    }
}

/// A non-empty string member of `map`, else an error naming it (never its value).
pub(crate) fn required_str(
    provider: &str,
    what: &str,
    map: &serde_json::Map<String, serde_json::Value>,
    key: &str,
) -> Result<String> {
    match map.get(key) {
        Some(serde_json::Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_owned()),
        Some(_) => Err(fail(
            provider,
            format!("{what} has `{key}`, but not as a non-empty string"),
        )),
        None => Err(fail(provider, format!("{what} has no `{key}`"))),
    }
}
