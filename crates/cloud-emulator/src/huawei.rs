//! Huawei Cloud REST: routed by method and path template, authenticated with an AK/SK
//! signature (verified with the transport's SDK-HMAC-SHA256 code) or an IAM token issued by
//! the emulator's own IAM endpoints.

use std::borrow::Cow;

use cloud_spec::{Location, Operation};
use cloud_transport::sign::{huawei as sig, UtcDateTime};
use serde_json::{Map, Value};

use crate::catalog::ServiceEntry;
use crate::config::{Project, HUAWEI_MAX_SKEW};
use crate::context::{Request, Routed, Shared};
use crate::ids;
use crate::issued::{IssuedVendor, Lookup};
use crate::ops::CallError;
use crate::reply::{huawei_empty, huawei_error, huawei_ok, throttled, Dialect, Reply};
use crate::validate::{check_object, coerce_text, Invalid};

/// Huawei API gateway: the API does not exist.
const ROUTE_NOT_FOUND: &str = "APIGW.0101";
/// Huawei API gateway: authentication failed.
pub(crate) const AUTH_FAILED: &str = "APIGW.0301";
/// Huawei API gateway: not authorized (used when a project is not the caller's).
const NOT_AUTHORIZED: &str = "APIGW.0302";

/// A request routed to an operation, with the values of its path's parameters.
pub(crate) struct Route<'a> {
    pub to: Routed<'a>,
    path_params: Vec<(String, String)>,
}

/// Finds the operation for the method and path. Errors are complete Huawei replies.
pub(crate) fn route<'a>(req: &Request, shared: &'a Shared) -> Result<Route<'a>, Reply> {
    match shared.catalog.huawei(&req.method, &req.path) {
        Some((svc, name, op, entry, path_params)) => Ok(Route {
            to: Routed {
                svc,
                name,
                op,
                entry,
            },
            path_params,
        }),
        None => Err(huawei_error(
            404,
            ROUTE_NOT_FOUND,
            &format!(
                "The API does not exist or has not been published in the environment: {} {}",
                req.method, req.path
            ),
            &ids::hex32(),
        )),
    }
}

/// Who is calling.
pub(crate) enum Principal {
    /// An IAM token, scoped to a project or not.
    Token { project: Option<Project> },
    /// An AK/SK signature.
    AccessKey,
}

/// Authenticates with `X-Auth-Token` or an SDK-HMAC-SHA256 `Authorization` header.
pub(crate) fn authenticate(req: &Request, shared: &Shared, rid: &str) -> Result<Principal, Reply> {
    authenticate_with(req, &sig::parse_query_borrowed(&req.query), shared, rid)
}

/// [`authenticate`] with the request's query already split into decoded pairs (an operation
/// call reads them again for its input).
fn authenticate_with(
    req: &Request,
    query: &[(Cow<'_, str>, Cow<'_, str>)],
    shared: &Shared,
    rid: &str,
) -> Result<Principal, Reply> {
    let deny = |why: &str| {
        Err(huawei_error(
            401,
            AUTH_FAILED,
            &format!("Incorrect IAM authentication information: {why}"),
            rid,
        ))
    };
    if let Some(token) = req.header("x-auth-token") {
        return match shared.iam.token(token, shared.settings.clock.now()) {
            Some(t) => Ok(Principal::Token { project: t.project }),
            None => deny("the X-Auth-Token is unknown or expired"),
        };
    }
    let Some(authorization) = req.header("authorization") else {
        if req.headers.contains_key("authorization") {
            return deny("the Authorization header is not visible ASCII");
        }
        return deny("the request has neither an X-Auth-Token nor an Authorization header");
    };
    let auth = match sig::split_authorization(authorization) {
        Ok(a) => a,
        Err(e) => return deny(&format!("invalid Authorization header: {e}")),
    };
    let Some(date) = req.header("x-sdk-date") else {
        return deny("the X-Sdk-Date header is missing");
    };
    let Ok(signed_at) = UtcDateTime::parse_basic_iso(date) else {
        return deny("X-Sdk-Date is not YYYYMMDDTHHMMSSZ");
    };
    let now = shared.settings.clock.now();
    let skew = now.abs_diff(signed_at.to_unix());
    if skew > HUAWEI_MAX_SKEW.as_secs() {
        return deny(&format!(
            "the request has expired: X-Sdk-Date {date} is {skew} s away from the server time; at most {} s are allowed",
            HUAWEI_MAX_SKEW.as_secs()
        ));
    }
    let key = match shared.signing_key(IssuedVendor::Huawei, auth.access_key, now) {
        Lookup::Valid(key) => key,
        Lookup::Expired => {
            return deny(&format!(
                "the security token of the temporary access key `{}` has expired",
                auth.access_key
            ))
        }
        Lookup::Unknown => {
            return deny(&format!(
                "the access key `{}` does not exist",
                auth.access_key
            ))
        }
    };
    let query: Vec<(&str, &str)> = query.iter().map(|(k, v)| (&**k, &**v)).collect();
    // Sized once: collecting a filtered iterator grows the vector a few times on the way.
    let mut headers: Vec<(&str, &str)> = Vec::with_capacity(req.headers.len());
    headers.extend(
        req.headers
            .iter()
            .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?))),
    );
    let signed = sig::HuaweiRequest {
        method: &req.method,
        path: &req.path,
        query: &query,
        headers: &headers,
        body: &req.body,
    };
    if let Err(e) = sig::verify_parts(&auth, &key.secret, &signed) {
        return deny(&format!("verify aksk signature fail: {e}"));
    }
    if let Some(token) = &key.session_token {
        if req.header("x-security-token") != Some(token.expose()) {
            return deny(
                "temporary credentials need their X-Security-Token; it is missing or wrong",
            );
        }
    }
    Ok(Principal::AccessKey)
}

/// Authenticates, validates and runs a routed request.
pub(crate) fn serve(route: Route<'_>, req: &Request, shared: &Shared) -> Reply {
    let rid = ids::hex32();
    let Route { to, path_params } = route;
    let Routed {
        svc,
        name,
        op,
        entry,
    } = to;
    to.count(shared);
    // Split once: the signature and the input both read it.
    let query = sig::parse_query_borrowed(&req.query);
    let principal = match authenticate_with(req, &query, shared, &rid) {
        Ok(p) => p,
        Err(reply) => return reply,
    };

    let path_project = path_params
        .iter()
        .find(|(k, _)| k == "project_id")
        .map(|(_, v)| v.as_str());
    // Borrowed, from the token or the account: every call names its project.
    let project: Option<&Project> = match (path_project, &principal) {
        (None, _) => None,
        (Some(id), Principal::Token { project }) => match project {
            Some(p) if p.id == id => Some(p),
            _ => {
                return huawei_error(
                    403,
                    NOT_AUTHORIZED,
                    &format!("the token is not scoped to project `{id}`"),
                    &rid,
                )
            }
        },
        (Some(id), Principal::AccessKey) => match shared.iam.project_by_id(id) {
            Some(p) => Some(p),
            None => {
                return huawei_error(
                    403,
                    NOT_AUTHORIZED,
                    &format!("the project `{id}` does not belong to this account"),
                    &rid,
                )
            }
        },
    };

    if let Some(limit) = to.over_limit(shared) {
        return throttled(
            Dialect::Huawei,
            &rid,
            &format!("The throttling threshold has been reached: {name} allows {limit} requests per second"),
        );
    }

    let invalid = |e: Invalid| {
        let code = &entry.invalid_parameter;
        huawei_error(
            code.http_status,
            &code.code,
            &format!(
                "Parameter error: {}: {}",
                e.problem.tencent_code(),
                e.message
            ),
            &rid,
        )
    };
    let input = match assemble_input(svc, op, &path_params, &query, req) {
        Ok(input) => input,
        Err(e) => return invalid(e),
    };
    // The auth layer checks these, so a spec listing one as a required header member (the
    // GeminiDB page lists `X-Auth-Token`) is not a validation error.
    let skip = |member: &str| {
        op.input
            .get(member)
            .is_some_and(|m| cloud_spec::transport_members::is_transport_header_member(member, m))
    };
    if let Err(e) = check_object(&svc.spec, &op.input, &input, "", &skip) {
        return invalid(e);
    }

    tracing::info!(service = %svc.key, operation = %name, request_id = %rid, "huawei call");
    let region = project.map(|p| p.name.as_str());
    let project_id = project.map(|p| p.id.as_str());
    match to.execute(shared, input, region, project_id) {
        Ok(output) => {
            let status = op.http.as_ref().map_or(200, |h| h.success_status);
            if status == 204 || op.output.is_empty() {
                // 204 has no body by definition; an operation documenting no output sends none.
                huawei_empty(status, &rid)
            } else {
                huawei_ok(status, &output, &rid)
            }
        }
        Err(CallError::Invalid(e)) => invalid(e),
        Err(CallError::Coded {
            code,
            http_status,
            message,
        }) => huawei_error(http_status, &code, &message, &rid),
    }
}

/// The operation's input as one object by wire name: path, query (`query`, decoded pairs) and
/// header members as typed values, plus the JSON body's members.
fn assemble_input(
    svc: &ServiceEntry,
    op: &Operation,
    path_params: &[(String, String)],
    query: &[(Cow<'_, str>, Cow<'_, str>)],
    req: &Request,
) -> Result<Map<String, Value>, Invalid> {
    let spec = &svc.spec;
    let location = |name: &str| {
        op.input
            .get(name)
            .map(|m| m.location.unwrap_or(Location::Body))
    };
    let mut input = Map::new();

    for (name, value) in path_params {
        if let Some(m) = op.input.get(name) {
            input.insert(name.clone(), coerce_text(spec, &m.ty, value, name)?);
        }
    }

    // Each name's values in order, the names in the order they first appear (a list member
    // may repeat): positions sorted by name then position, with no map of owned names.
    let mut by_name: Vec<usize> = (0..query.len()).collect();
    by_name.sort_by(|&a, &b| query[a].0.cmp(&query[b].0).then(a.cmp(&b)));
    let mut groups: Vec<&[usize]> = by_name
        .chunk_by(|&a, &b| query[a].0 == query[b].0)
        .collect();
    groups.sort_by_key(|group| group[0]);
    for group in groups {
        let name: &str = &query[group[0]].0;
        let Some(m) = op
            .input
            .get(name)
            .filter(|_| location(name) == Some(Location::Query))
        else {
            return Err(Invalid::unknown(name));
        };
        let value = match &m.ty {
            cloud_spec::TypeExpr::List(item) => Value::Array(
                group
                    .iter()
                    .map(|&at| coerce_text(spec, item, &query[at].1, name))
                    .collect::<Result<_, _>>()?,
            ),
            ty if group.len() == 1 => coerce_text(spec, ty, &query[group[0]].1, name)?,
            _ => return Err(Invalid::wrong_type(name, "given once")),
        };
        input.insert(name.to_owned(), value);
    }

    for (name, m) in &op.input {
        if m.location == Some(Location::Header) {
            // Any case: the header map lower-cases a name it looks up, without allocating.
            if let Some(value) = req.header(name) {
                input.insert(name.clone(), coerce_text(spec, &m.ty, value, name)?);
            }
        }
    }

    if !req.body.iter().all(u8::is_ascii_whitespace) {
        let body: Value = serde_json::from_slice(&req.body).map_err(|e| Invalid {
            message: format!("the request body is not valid JSON: {e}"),
            ..Invalid::wrong_type("body", "JSON")
        })?;
        let Value::Object(body) = body else {
            return Err(Invalid::wrong_type("body", "a JSON object"));
        };
        for (name, value) in body {
            if let Some(loc) = location(&name).filter(|l| *l != Location::Body) {
                let place = format!("{loc:?}").to_lowercase();
                return Err(Invalid {
                    message: format!(
                        "the parameter `{name}` belongs in the {place}, not in the body"
                    ),
                    ..Invalid::unknown(&name)
                });
            }
            input.insert(name, value);
        }
    }
    Ok(input)
}
