//! Tencent Cloud API 3.0: `POST /` (or `GET /?...`) routed by `X-TC-Action`, `X-TC-Version`
//! and the service in the TC3 credential scope, verified with the transport's TC3 code.

use std::sync::Arc;

use cloud_transport::sign::tc3;
use serde_json::{Map, Value};

use crate::answer_cache::Rendered;
use crate::catalog::TencentMiss;
use crate::config::TENCENT_MAX_SKEW;
use crate::context::{Request, Routed, Shared};
use crate::ids;
use crate::issued::{IssuedVendor, Lookup};
use crate::ops::CallError;
use crate::reply::{tencent_answer, tencent_error, throttled, Dialect, Reply, TENCENT_THROTTLED};
use crate::validate::{check_object, form_to_json};
use crate::wire::parse_query;

/// Query parameters of the API 3.0 GET form that are not operation members.
const COMMON_QUERY_PARAMS: &[&str] = &[
    "Action",
    "Version",
    "Region",
    "Timestamp",
    "Nonce",
    "SecretId",
    "Signature",
    "SignatureMethod",
    "Token",
    "Language",
    "RequestClient",
];

/// A request routed to an operation, with its parsed `Authorization` header.
pub(crate) struct Route<'a> {
    pub to: Routed<'a>,
    auth: tc3::ParsedAuthorization,
}

fn header_or_query<'r>(
    req: &'r Request,
    header: &str,
    pairs: &'r [(String, String)],
    key: &str,
) -> Option<&'r str> {
    req.header(header)
        .or_else(|| {
            pairs
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        })
        .filter(|v| !v.is_empty())
}

/// Finds the operation. Errors are complete Tencent replies.
pub(crate) fn route<'a>(req: &Request, shared: &'a Shared) -> Result<Route<'a>, Reply> {
    // The request id of a refusal; a routed call gets its own in `serve`.
    let fail = |code: &str, message: String| Err(tencent_error(code, &message, &ids::uuid_like()));
    if req.method != "POST" && req.method != "GET" {
        return fail(
            "UnsupportedProtocol",
            format!(
                "HTTP method {} is not supported; API 3.0 takes GET and POST",
                req.method
            ),
        );
    }
    let pairs = parse_query(&req.query).unwrap_or_default();
    let Some(action) = header_or_query(req, "x-tc-action", &pairs, "Action") else {
        return fail(
            "MissingParameter",
            "the request has no action (X-TC-Action header)".to_owned(),
        );
    };
    let Some(version) = header_or_query(req, "x-tc-version", &pairs, "Version") else {
        return fail(
            "MissingParameter",
            "the request has no version (X-TC-Version header)".to_owned(),
        );
    };
    let Some(authorization) = req.header("authorization") else {
        let message = if req.headers.contains_key("authorization") {
            "the Authorization header is not visible ASCII"
        } else if pairs.iter().any(|(k, _)| k == "Signature") {
            "the emulator verifies TC3-HMAC-SHA256 only; send an Authorization header"
        } else {
            "the request has no Authorization header"
        };
        return fail("AuthFailure.InvalidAuthorization", message.to_owned());
    };
    let auth = match tc3::parse_authorization(authorization) {
        Ok(a) => a,
        Err(e) => {
            return fail(
                "AuthFailure.InvalidAuthorization",
                format!("invalid Authorization header: {e}"),
            )
        }
    };
    match shared.catalog.tencent(&auth.service, version, action) {
        Ok((svc, op, entry)) => match svc.spec.operations.get_key_value(action) {
            Some((name, _)) => Ok(Route {
                to: Routed {
                    svc,
                    name,
                    op,
                    entry,
                },
                auth,
            }),
            None => fail(
                "InvalidAction",
                format!("the action `{action}` does not exist"),
            ),
        },
        Err(TencentMiss::UnknownService) => fail(
            "InvalidAction",
            format!(
                "the service `{}` named in the credential scope is not emulated",
                auth.service
            ),
        ),
        Err(TencentMiss::UnknownAction) => fail(
            "InvalidAction",
            format!(
                "the action `{action}` does not exist in service `{}`",
                auth.service
            ),
        ),
        Err(TencentMiss::WrongVersion { versions }) => fail(
            "NoSuchVersion",
            format!(
                "the action `{action}` does not exist in version `{version}`; it exists in {}",
                versions.join(", ")
            ),
        ),
    }
}

/// Verifies, validates and runs a routed request.
pub(crate) fn serve(route: Route<'_>, req: &Request, shared: &Shared) -> Reply {
    let rid = ids::uuid_like();
    match serve_inner(&route, req, shared, &rid) {
        Ok(answer) => tencent_answer(&answer, &rid),
        Err((code, message)) if code == TENCENT_THROTTLED => {
            throttled(Dialect::Tencent, &rid, &message)
        }
        Err((code, message)) => tencent_error(&code, &message, &rid),
    }
}

pub(crate) type Failure = (String, String);

pub(crate) fn failure(code: &str, message: impl Into<String>) -> Failure {
    (code.to_owned(), message.into())
}

fn serve_inner(
    route: &Route<'_>,
    req: &Request,
    shared: &Shared,
    rid: &str,
) -> Result<Arc<Rendered>, Failure> {
    let Route { to, auth } = route;
    let Routed { svc, name, op, .. } = *to;
    to.count(shared);
    verify(req, shared, auth)?;
    let pairs = parse_query(&req.query).map_err(|e| failure("InvalidParameter", e))?;
    let is_get = req.method == "GET";

    if let Some(limit) = to.over_limit(shared) {
        return Err(failure(
            TENCENT_THROTTLED,
            format!("{name} allows at most {limit} requests per second"),
        ));
    }

    let input = if is_get {
        let business: Vec<(String, String)> = pairs
            .into_iter()
            .filter(|(k, _)| !COMMON_QUERY_PARAMS.contains(&k.as_str()))
            .collect();
        form_to_json(&svc.spec, &op.input, &business)
            .map_err(|e| failure(e.problem.tencent_code(), e.message))?
    } else if req.body.iter().all(u8::is_ascii_whitespace) {
        Map::new()
    } else {
        match serde_json::from_slice::<Value>(&req.body) {
            Ok(Value::Object(map)) => map,
            Ok(_) => {
                return Err(failure(
                    "InvalidParameter",
                    "the request body must be a JSON object",
                ))
            }
            Err(e) => {
                return Err(failure(
                    "InvalidParameter",
                    format!("the request body is not valid JSON: {e}"),
                ))
            }
        }
    };
    check_object(&svc.spec, &op.input, &input, "", &|_| false)
        .map_err(|e| failure(e.problem.tencent_code(), e.message))?;

    let region = req.header("x-tc-region").filter(|r| !r.is_empty());
    if region.is_none() && svc.spec.endpoint.region_required {
        // Tencent's answer to a request without its required Region common parameter.
        return Err(failure(
            "MissingParameter",
            format!(
                "the request has no X-TC-Region (or Region): every {} action needs one",
                svc.spec.service
            ),
        ));
    }
    tracing::info!(service = %svc.key, action = %name, request_id = %rid, "tencent call");
    to.execute(shared, input, region, None)
        .map_err(|e| match e {
            CallError::Invalid(inv) => failure(inv.problem.tencent_code(), inv.message),
            CallError::Coded { code, message, .. } => (code, message),
        })
}

/// Checks a TC3-signed request: timestamp skew, a known SecretId (configured or issued and
/// unexpired), the signature, and the token of temporary credentials.
pub(crate) fn verify(
    req: &Request,
    shared: &Shared,
    auth: &tc3::ParsedAuthorization,
) -> Result<(), Failure> {
    let pairs = parse_query(&req.query).map_err(|e| failure("InvalidParameter", e))?;

    let timestamp: i64 = header_or_query(req, "x-tc-timestamp", &pairs, "Timestamp")
        .ok_or_else(|| {
            failure(
                "MissingParameter",
                "the request has no X-TC-Timestamp header",
            )
        })?
        .parse()
        .map_err(|_| {
            failure(
                "InvalidParameter",
                "X-TC-Timestamp is not a Unix timestamp in seconds",
            )
        })?;
    let now = shared.settings.clock.now();
    if now.abs_diff(timestamp) > TENCENT_MAX_SKEW.as_secs() {
        return Err(failure(
            "AuthFailure.SignatureExpire",
            format!(
                "the signature expired: X-TC-Timestamp {timestamp} is {} s away from the server time {now}; \
                 at most {} s are allowed (the Date header of this response has the server time)",
                now.abs_diff(timestamp),
                TENCENT_MAX_SKEW.as_secs()
            ),
        ));
    }
    let key = match shared.signing_key(IssuedVendor::Tencent, &auth.secret_id, now) {
        Lookup::Valid(key) => key,
        Lookup::Expired => {
            return Err(failure(
                "AuthFailure.TokenFailure",
                format!(
                    "the temporary credentials `{}` have expired",
                    auth.secret_id
                ),
            ))
        }
        Lookup::Unknown => {
            return Err(failure(
                "AuthFailure.SecretIdNotFound",
                format!("the SecretId `{}` does not exist", auth.secret_id),
            ))
        }
    };
    let host = req.header("host").ok_or_else(|| {
        failure(
            "AuthFailure.SignatureFailure",
            "the request has no Host header",
        )
    })?;
    let is_get = req.method == "GET";
    let signed = tc3::Tc3Request {
        method: &req.method,
        host,
        query: if is_get { &req.query } else { "" },
        content_type: req.header("content-type").unwrap_or(""),
        body: if is_get { b"" } else { &req.body },
        unsigned_payload: req.header("x-tc-content-sha256") == Some(tc3::UNSIGNED_PAYLOAD),
    };
    tc3::verify_with_headers(auth, &key.secret, timestamp, &signed, |name| {
        req.header(name)
    })
    .map_err(|e| {
        failure(
            "AuthFailure.SignatureFailure",
            format!("the signature does not verify: {e}"),
        )
    })?;
    if let Some(token) = &key.session_token {
        if req.header("x-tc-token") != Some(token.expose()) {
            return Err(failure(
                "AuthFailure.TokenFailure",
                "temporary credentials need their token in X-TC-Token; it is missing or wrong",
            ));
        }
    }
    Ok(())
}
