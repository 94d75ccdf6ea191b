//! The emulator's own Huawei IAM: `POST /v3/auth/tokens` (password identity) issues tokens for
//! `X-Auth-Token`; `GET /v3/projects?name=<region>` (AK/SK or token) lists projects, which is
//! how SDKs find a project id. Both are served on the same listener as everything else.

use serde_json::{json, Value};

use crate::clock::iso8601;
use crate::context::{Request, Shared};
use crate::huawei::authenticate;
use crate::ids;
use crate::reply::{Reply, HUAWEI_REQUEST_ID_HEADER};

/// `POST` here issues a token.
pub(crate) const TOKENS_PATH: &str = "/v3/auth/tokens";
/// `GET` here lists projects.
pub(crate) const PROJECTS_PATH: &str = "/v3/projects";

/// The operation name of `POST /v3/auth/tokens` (the official SDKs' name for it), under which
/// [`RunningEmulator::request_count`](crate::RunningEmulator::request_count) counts and fault
/// rules match IAM token requests.
pub const IAM_CREATE_TOKEN_OPERATION: &str = "KeystoneCreateUserTokenByPassword";
/// The operation name of `GET /v3/projects`, like [`IAM_CREATE_TOKEN_OPERATION`].
pub const IAM_LIST_PROJECTS_OPERATION: &str = "KeystoneListProjects";

/// The fault-matching operation name of an IAM request, if it is one.
pub(crate) fn operation(method: &str, path: &str) -> Option<&'static str> {
    match (method, path.trim_end_matches('/')) {
        ("POST", TOKENS_PATH) => Some(IAM_CREATE_TOKEN_OPERATION),
        ("GET", PROJECTS_PATH) => Some(IAM_LIST_PROJECTS_OPERATION),
        _ => None,
    }
}

/// IAM's error body: Keystone's `error` object plus Huawei's `error_code`/`error_msg`, so both
/// kinds of client find the message.
fn iam_error(status: u16, code: &str, title: &str, message: &str, rid: &str) -> Reply {
    Reply::json(
        status,
        &json!({
            "error_code": code,
            "error_msg": message,
            "error": {"code": status, "title": title, "message": message},
        }),
    )
    .header(HUAWEI_REQUEST_ID_HEADER, rid)
}

/// The service key IAM requests are counted and fault-matched under.
pub(crate) const SERVICE_KEY: &str = "huawei-iam";
/// The vendor service name IAM requests are fault-matched under.
pub(crate) const SERVICE_NAME: &str = "iam";

/// Serves an IAM request routed to `operation` (from [`operation`]), counting it like any
/// other operation's request.
pub(crate) fn serve(req: &Request, shared: &Shared, operation: &str) -> Reply {
    shared.store.record_request(SERVICE_KEY, operation);
    let rid = ids::hex32();
    if req.method == "POST" {
        create_token(req, shared, &rid)
    } else {
        list_projects(req, shared, &rid)
    }
}

fn create_token(req: &Request, shared: &Shared, rid: &str) -> Reply {
    let bad = |message: &str| iam_error(400, "IAM.0001", "Bad Request", message, rid);
    let Ok(body) = serde_json::from_slice::<Value>(&req.body) else {
        return bad("the request body is not valid JSON");
    };
    let identity = &body["auth"]["identity"];
    let uses_password = identity["methods"]
        .as_array()
        .is_some_and(|m| m.iter().any(|x| x == "password"));
    if !uses_password {
        return bad("auth.identity.methods must include \"password\" (the only method the emulator supports)");
    }
    let user = &identity["password"]["user"];
    let (Some(name), Some(password)) = (user["name"].as_str(), user["password"].as_str()) else {
        return bad("auth.identity.password.user needs name and password");
    };
    let domain_name = user["domain"]["name"].as_str();
    let domain_id = user["domain"]["id"].as_str();
    if domain_name.is_none() && domain_id.is_none() {
        return bad("auth.identity.password.user.domain needs name or id");
    }
    let settings = &shared.settings;
    let known = settings.accepted.iam_users.iter().find(|u| {
        u.name == name
            && u.password.expose() == password
            && (domain_name == Some(u.domain.as_str())
                || domain_id == Some(settings.domain_id.as_str()))
    });
    let Some(user) = known else {
        return iam_error(
            401,
            "IAM.0101",
            "Unauthorized",
            "The username or password is wrong.",
            rid,
        );
    };

    let scope = &body["auth"]["scope"];
    let project = if scope["project"].is_object() {
        let by_id = scope["project"]["id"].as_str();
        let by_name = scope["project"]["name"].as_str();
        let found = shared
            .iam
            .projects()
            .iter()
            .find(|p| Some(p.id.as_str()) == by_id || Some(p.name.as_str()) == by_name);
        match found {
            Some(p) => Some(p.clone()),
            None => return bad("auth.scope.project names no project of this account"),
        }
    } else if scope["domain"].is_object() || scope.is_null() {
        None
    } else {
        return bad("auth.scope must name a project or a domain");
    };

    let ttl = i64::try_from(settings.token_ttl.as_secs()).unwrap_or(i64::MAX / 2);
    let now = settings.clock.now();
    let (token, expires_at) = shared.iam.issue(project.clone(), now, ttl);
    let domain = json!({"id": settings.domain_id, "name": user.domain});
    let mut token_body = json!({
        "expires_at": iso8601(expires_at),
        "issued_at": iso8601(now),
        "methods": ["password"],
        "catalog": [],
        "roles": [{"id": "0", "name": "op_service"}],
        "user": {"id": ids::hex32(), "name": user.name, "domain": domain, "password_expires_at": ""},
    });
    match &project {
        Some(p) => {
            token_body["project"] = json!({"id": p.id, "name": p.name, "domain": domain});
        }
        None => token_body["domain"] = domain,
    }
    Reply::json(201, &json!({ "token": token_body }))
        .header("X-Subject-Token", token)
        .header(HUAWEI_REQUEST_ID_HEADER, rid)
}

fn list_projects(req: &Request, shared: &Shared, rid: &str) -> Reply {
    if let Err(reply) = authenticate(req, shared, rid) {
        return reply;
    }
    let query = cloud_transport::sign::huawei::parse_query(&req.query);
    let name = query
        .iter()
        .find(|(k, _)| k == "name")
        .map(|(_, v)| v.as_str());
    let base = format!(
        "https://iam.{}.myhuaweicloud.com/v3/projects",
        name.unwrap_or("emulator")
    );
    let projects: Vec<Value> = shared
        .iam
        .projects()
        .iter()
        .filter(|p| name.is_none_or(|n| n == p.name))
        .map(|p| {
            json!({
                "id": p.id,
                "name": p.name,
                "domain_id": shared.settings.domain_id,
                "parent_id": shared.settings.domain_id,
                "is_domain": false,
                "enabled": true,
                "description": "",
                "links": {"self": format!("{base}/{}", p.id), "next": null, "previous": null},
            })
        })
        .collect();
    Reply::json(
        200,
        &json!({"projects": projects, "links": {"self": base, "next": null, "previous": null}}),
    )
    .header(HUAWEI_REQUEST_ID_HEADER, rid)
}
