//! The services that hand out temporary credentials, routed before the vendor APIs:
//!
//! | request | service key / operation | answer |
//! |---|---|---|
//! | `GET /latest/meta-data/cam/security-credentials/` | `tencent-metadata` / `CvmRoleName` | the role bound to the "instance" |
//! | `GET /latest/meta-data/cam/security-credentials/<role>` | `tencent-metadata` / `CvmRoleCredentials` | `TmpSecretId`, `TmpSecretKey`, `Token`, `ExpiredTime`, `Code` |
//! | Tencent `AssumeRole` (TC3-signed, service `sts`) | `tencent-sts` / `AssumeRole` | `Credentials`, `ExpiredTime` |
//! | Tencent `AssumeRoleWithWebIdentity` (`Authorization: SKIP`) | `tencent-sts` / `AssumeRoleWithWebIdentity` | same |
//! | `PUT /meta-data/latest/api/token` | `huawei-metadata` / `MetadataApiToken` | a session token |
//! | `GET /openstack/latest/securitykey` | `huawei-metadata` / `SecurityKey` | `credential`: `access`, `secret`, `securitytoken`, `expires_at` |
//! | `POST /v3.0/OS-AUTH/id-token/tokens` (`X-Idp-Id`) | `huawei-iam` / `CreateTokenWithIdToken` | `X-Subject-Token` |
//! | `POST /v3.0/OS-CREDENTIAL/securitytokens` | `huawei-iam` / `CreateTemporaryAccessKeyByToken` | `credential` |
//!
//! Every key issued lives the emulator's credential lifetime (`--credential-ttl-seconds`,
//! capped by a shorter `DurationSeconds`/`duration_seconds`), is accepted with its token until
//! then, and is counted per provider (see [`crate::issued`]). Fault rules match the service keys
//! and operations above.

use serde_json::{json, Value};

use crate::clock::iso8601;
use crate::context::{Request, Shared};
use crate::demo_data::{
    DEMO_CVM_ROLE, DEMO_IDP_ID, DEMO_ID_TOKEN, DEMO_TKE_PROVIDER_ID, DEMO_WEB_IDENTITY_TOKEN,
};
use crate::ids;
use crate::issued::{
    Issue, IssuedVendor, ISSUER_HUAWEI_ECS_METADATA, ISSUER_HUAWEI_FEDERATED,
    ISSUER_TENCENT_ASSUME_ROLE, ISSUER_TENCENT_CVM_ROLE, ISSUER_TENCENT_WEB_IDENTITY,
};
use crate::reply::{
    huawei_error, tencent_error, tencent_ok, Dialect, Reply, HUAWEI_REQUEST_ID_HEADER,
};
use crate::tencent::{failure, verify, Failure};

const CVM_ROLE_PATH: &str = "/latest/meta-data/cam/security-credentials/";
const ECS_TOKEN_PATH: &str = "/meta-data/latest/api/token";
const ECS_SECURITY_KEY_PATH: &str = "/openstack/latest/securitykey";
const ID_TOKEN_PATH: &str = "/v3.0/OS-AUTH/id-token/tokens";
const SECURITY_TOKENS_PATH: &str = "/v3.0/OS-CREDENTIAL/securitytokens";

/// A request for one of the credential services.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Route {
    pub service_key: &'static str,
    pub service_name: &'static str,
    pub operation: &'static str,
}

/// The credential service a request is for, if any.
pub(crate) fn route(req: &Request, dialect: Dialect) -> Option<Route> {
    let r = |service_key, service_name, operation| {
        Some(Route {
            service_key,
            service_name,
            operation,
        })
    };
    let path = req.path.as_str();
    match req.method.as_str() {
        "GET" if path == CVM_ROLE_PATH => r("tencent-metadata", "metadata", "CvmRoleName"),
        "GET" if path.starts_with(CVM_ROLE_PATH) => {
            r("tencent-metadata", "metadata", "CvmRoleCredentials")
        }
        "PUT" if path == ECS_TOKEN_PATH => r("huawei-metadata", "metadata", "MetadataApiToken"),
        "GET" if path == ECS_SECURITY_KEY_PATH => r("huawei-metadata", "metadata", "SecurityKey"),
        "POST" if path == ID_TOKEN_PATH => r(
            crate::iam::SERVICE_KEY,
            crate::iam::SERVICE_NAME,
            "CreateTokenWithIdToken",
        ),
        "POST" if path == SECURITY_TOKENS_PATH => r(
            crate::iam::SERVICE_KEY,
            crate::iam::SERVICE_NAME,
            "CreateTemporaryAccessKeyByToken",
        ),
        "POST" if dialect == Dialect::Tencent && path == "/" => match req.header("x-tc-action") {
            Some("AssumeRole") => r("tencent-sts", "sts", "AssumeRole"),
            Some("AssumeRoleWithWebIdentity") => {
                r("tencent-sts", "sts", "AssumeRoleWithWebIdentity")
            }
            _ => None,
        },
        _ => None,
    }
}

/// The lifetime of a key asked to live `requested` seconds (`None`: not said): never longer
/// than the configured lifetime.
fn ttl(shared: &Shared, requested: Option<i64>) -> i64 {
    let configured =
        i64::try_from(shared.settings.credential_ttl.as_secs()).unwrap_or(i64::MAX / 2);
    requested
        .filter(|r| *r > 0)
        .map_or(configured, |r| r.min(configured))
}

/// Issues `provider`'s temporary key now, asked to live `requested` seconds.
fn issue(shared: &Shared, provider: &str, vendor: IssuedVendor, requested: Option<i64>) -> Issue {
    let now = shared.settings.clock.now();
    shared
        .issued
        .issue(provider, vendor, now, ttl(shared, requested))
}

/// Serves a routed request, counting it like any operation's.
pub(crate) fn serve(route: Route, req: &Request, shared: &Shared) -> Reply {
    shared
        .store
        .lock()
        .record_request(route.service_key, route.operation);
    match route.operation {
        "CvmRoleName" => text(200, &format!("{DEMO_CVM_ROLE}\n")),
        "CvmRoleCredentials" => cvm_role(req, shared),
        "MetadataApiToken" => text(200, &ids::hex32()),
        "SecurityKey" => ecs_security_key(shared),
        "CreateTokenWithIdToken" => id_token_exchange(req, shared),
        "CreateTemporaryAccessKeyByToken" => federated_keys(req, shared),
        _ => sts(route.operation, req, shared),
    }
}

fn text(status: u16, body: &str) -> Reply {
    Reply::with_content_type(status, "text/plain", bytes::Bytes::from(body.to_owned()))
}

fn cvm_role(req: &Request, shared: &Shared) -> Reply {
    let role = &req.path[CVM_ROLE_PATH.len()..];
    if role != DEMO_CVM_ROLE {
        return text(404, "Not Found");
    }
    let issue = issue(shared, ISSUER_TENCENT_CVM_ROLE, IssuedVendor::Tencent, None);
    Reply::json(
        200,
        &json!({
            "TmpSecretId": issue.id,
            "TmpSecretKey": issue.secret.expose(),
            "ExpiredTime": issue.expires_at,
            "Expiration": iso8601(issue.expires_at),
            "Token": issue.token.expose(),
            "Code": "Success",
        }),
    )
}

fn huawei_credential(issue: &Issue) -> Value {
    json!({
        "credential": {
            "access": issue.id,
            "secret": issue.secret.expose(),
            "securitytoken": issue.token.expose(),
            "expires_at": iso8601(issue.expires_at),
        }
    })
}

fn ecs_security_key(shared: &Shared) -> Reply {
    let issue = issue(
        shared,
        ISSUER_HUAWEI_ECS_METADATA,
        IssuedVendor::Huawei,
        None,
    );
    Reply::json(200, &huawei_credential(&issue))
}

fn id_token_exchange(req: &Request, shared: &Shared) -> Reply {
    let rid = ids::hex32();
    let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
    if req.header("x-idp-id") != Some(DEMO_IDP_ID) {
        return huawei_error(
            404,
            "IAM.0004",
            "the identity provider (X-Idp-Id) does not exist",
            &rid,
        );
    }
    if body["auth"]["id_token"]["id"].as_str() != Some(DEMO_ID_TOKEN) {
        return huawei_error(401, "IAM.0003", "the id token is invalid", &rid);
    }
    let token = shared
        .iam
        .issue_unscoped(shared.settings.clock.now(), ttl(shared, None));
    Reply::json(
        201,
        &json!({"token": {"methods": ["mapped"], "issued_at": iso8601(shared.settings.clock.now())}}),
    )
    .header("X-Subject-Token", token)
    .header(HUAWEI_REQUEST_ID_HEADER, rid)
}

fn federated_keys(req: &Request, shared: &Shared) -> Reply {
    let rid = ids::hex32();
    let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
    let identity = &body["auth"]["identity"];
    let now = shared.settings.clock.now();
    let valid = identity["token"]["id"]
        .as_str()
        .is_some_and(|t| shared.iam.token(t, now).is_some());
    if !valid {
        return huawei_error(401, "IAM.0002", "the token is unknown or expired", &rid);
    }
    let requested = identity["token"]["duration_seconds"].as_i64();
    let issue = issue(
        shared,
        ISSUER_HUAWEI_FEDERATED,
        IssuedVendor::Huawei,
        requested,
    );
    Reply::json(201, &huawei_credential(&issue)).header(HUAWEI_REQUEST_ID_HEADER, rid)
}

/// Checks a role ARN the way CAM does: `qcs::cam::uin/<digits>:roleName/<name>` (or `role/`).
fn role_arn_ok(arn: &str) -> bool {
    let Some(rest) = arn.strip_prefix("qcs::cam::uin/") else {
        return false;
    };
    let Some((account, role)) = rest.split_once(':') else {
        return false;
    };
    let name = role
        .strip_prefix("roleName/")
        .or_else(|| role.strip_prefix("role/"));
    !account.is_empty()
        && account.bytes().all(|b| b.is_ascii_digit())
        && name.is_some_and(|n| !n.is_empty())
}

fn sts(action: &str, req: &Request, shared: &Shared) -> Reply {
    let rid = ids::uuid_like();
    match sts_inner(action, req, shared) {
        Ok(output) => tencent_ok(output, &rid),
        Err((code, message)) => tencent_error(&code, &message, &rid),
    }
}

fn sts_inner(
    action: &str,
    req: &Request,
    shared: &Shared,
) -> Result<serde_json::Map<String, Value>, Failure> {
    if req.header("x-tc-version") != Some("2018-08-13") {
        return Err(failure(
            "NoSuchVersion",
            "STS actions exist in version 2018-08-13",
        ));
    }
    let provider = if action == "AssumeRole" {
        let authorization = req.header("authorization").unwrap_or("");
        let auth = cloud_transport::sign::tc3::parse_authorization(authorization).map_err(|e| {
            failure(
                "AuthFailure.InvalidAuthorization",
                format!("invalid Authorization header: {e}"),
            )
        })?;
        if auth.service != "sts" {
            return Err(failure(
                "AuthFailure.SignatureFailure",
                "the credential scope must name the service `sts`",
            ));
        }
        verify(req, shared, &auth)?;
        ISSUER_TENCENT_ASSUME_ROLE
    } else {
        ISSUER_TENCENT_WEB_IDENTITY
    };
    let body: Value = serde_json::from_slice(&req.body)
        .map_err(|_| failure("InvalidParameter", "the body is not JSON"))?;
    let text = |key: &str| body.get(key).and_then(Value::as_str).unwrap_or("");
    let arn = text("RoleArn");
    if !role_arn_ok(arn) {
        return Err(failure(
            "InvalidParameterValue.RoleArnError",
            format!("the RoleArn `{arn}` is malformed"),
        ));
    }
    if text("RoleSessionName").is_empty() {
        return Err(failure("MissingParameter", "RoleSessionName is required"));
    }
    if action == "AssumeRoleWithWebIdentity" {
        if text("ProviderId") != DEMO_TKE_PROVIDER_ID {
            return Err(failure(
                "InvalidParameter.ProviderIdError",
                "the identity provider does not exist",
            ));
        }
        if text("WebIdentityToken") != DEMO_WEB_IDENTITY_TOKEN {
            return Err(failure(
                "InvalidParameter.WebIdentityTokenError",
                "the web identity token is invalid",
            ));
        }
    }
    let requested = body.get("DurationSeconds").and_then(Value::as_i64);
    let issue = issue(shared, provider, IssuedVendor::Tencent, requested);
    let mut output = serde_json::Map::new();
    output.insert(
        "Credentials".to_owned(),
        json!({
            "Token": issue.token.expose(),
            "TmpSecretId": issue.id,
            "TmpSecretKey": issue.secret.expose(),
        }),
    );
    output.insert("ExpiredTime".to_owned(), json!(issue.expires_at));
    output.insert("Expiration".to_owned(), json!(iso8601(issue.expires_at)));
    Ok(output)
}
