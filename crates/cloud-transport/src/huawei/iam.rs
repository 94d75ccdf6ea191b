//! Huawei IAM: project-scoped tokens from a password login (cached, renewed before they
//! expire) and project ids looked up by region name (cached per identity and region).
//!
//! Both caches are held locked while their IAM request runs, so concurrent first calls make one
//! request, not one each; waiting for the lock is bounded by the caller's deadline.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use serde_json::{json, Map, Value};
use tokio::sync::Mutex;
use tracing::Instrument;

use super::{prepare, send, RequestAuth};
use crate::calendar::parse_rfc3339;
use crate::clock::local_unix;
use crate::endpoint::BaseUrl;
use crate::protocol::Call;
use crate::protocol::Outcome;
use crate::{
    Error, ErrorKind, HttpBinding, IamPassword, OperationInfo, ParamLocation, Result, Secret,
};

/// A token is renewed when less than this much of its validity is left, in seconds. Long
/// enough for the longest call (its whole operation timeout) to finish with the old token.
pub(crate) const TOKEN_REFRESH_MARGIN_SECONDS: i64 = 15 * 60;

/// How long a token lives when IAM's answer does not say (IAM documents 24 hours).
const DEFAULT_TOKEN_LIFETIME_SECONDS: i64 = 24 * 3600;

/// An IAM operation: retried on a broken connection like an idempotent one (a second token or
/// key pair is harmless), no rate limit, every region.
const fn iam_operation(
    name: &'static str,
    (method, path, success_status): (&'static str, &'static str, u16),
    params: &'static [(&'static str, ParamLocation)],
    read_only: bool,
) -> OperationInfo {
    OperationInfo {
        name,
        http: Some(HttpBinding {
            method,
            path,
            success_status,
            params,
        }),
        read_only,
        idempotent: true,
        rate_limit: None,
        regions: &[],
    }
}

/// IAM `KeystoneCreateUserTokenByPassword`.
const CREATE_TOKEN: OperationInfo = iam_operation(
    "KeystoneCreateUserTokenByPassword",
    ("POST", "/v3/auth/tokens", 201),
    &[],
    false,
);

/// IAM `KeystoneListProjects`.
const LIST_PROJECTS: OperationInfo = iam_operation(
    "KeystoneListProjects",
    ("GET", "/v3/projects", 200),
    &[("name", ParamLocation::Query)],
    true,
);

/// IAM `CreateTokenWithIdToken`: an unscoped token for an OpenID Connect id token.
pub(crate) const CREATE_TOKEN_WITH_ID_TOKEN: OperationInfo = iam_operation(
    "CreateTokenWithIdToken",
    ("POST", "/v3.0/OS-AUTH/id-token/tokens", 201),
    &[("X-Idp-Id", ParamLocation::Header)],
    false,
);

/// IAM `CreateTemporaryAccessKeyByToken`.
pub(crate) const CREATE_TEMPORARY_ACCESS_KEY_BY_TOKEN: OperationInfo = iam_operation(
    "CreateTemporaryAccessKeyByToken",
    ("POST", "/v3.0/OS-CREDENTIAL/securitytokens", 201),
    &[],
    false,
);

/// Calls the IAM operation `op` with `members` (split by its binding), with retries; the
/// answer decoded as a `Value`.
pub(crate) async fn iam_call(
    call: Call<'_>,
    iam: &BaseUrl,
    op: &OperationInfo,
    members: Map<String, Value>,
    auth: RequestAuth,
    deadline: Instant,
) -> Result<Outcome> {
    let binding = op.http.as_ref().ok_or_else(|| {
        Error::invalid_input(format!("{}: the operation has no HTTP binding", op.name))
    })?;
    let request = prepare(op, binding, members, None)?;
    send(call, iam, op, request, auth, deadline).await
}

/// The token an IAM answer carries in its `X-Subject-Token` header.
pub(crate) fn subject_token(outcome: &Outcome) -> Option<&str> {
    outcome
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("x-subject-token"))
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// A token IAM issued. `Debug` hides it.
#[derive(Debug)]
pub(crate) struct Token {
    pub(crate) token: Secret,
    /// The project the token is scoped to, from the token body.
    pub(crate) project_id: Option<String>,
    /// Unix seconds.
    expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct TokenKey {
    iam: String,
    user_name: String,
    domain_name: String,
    scope: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct ProjectKey {
    iam: String,
    identity: String,
    region: String,
}

/// The IAM caches of one configuration.
#[derive(Debug, Default)]
pub(crate) struct State {
    tokens: Mutex<HashMap<TokenKey, Arc<Token>>>,
    project_ids: Mutex<HashMap<ProjectKey, String>>,
}

/// Locks `mutex`, or fails with a timeout at `deadline`.
async fn lock_until<'a, T>(
    mutex: &'a Mutex<T>,
    deadline: Instant,
    what: &str,
) -> Result<tokio::sync::MutexGuard<'a, T>> {
    tokio::time::timeout_at(deadline.into(), mutex.lock())
        .await
        .map_err(|_| {
            Error::new(
                ErrorKind::Timeout,
                format!("the call's deadline passed while waiting for {what}"),
            )
        })
}

impl State {
    /// A valid token for `login`, scoped to the project named `region` (or to `project_id`).
    pub(crate) async fn token(
        &self,
        call: Call<'_>,
        iam: &BaseUrl,
        login: &IamPassword,
        region: Option<&str>,
        project_id: Option<&str>,
        deadline: Instant,
    ) -> Result<Arc<Token>> {
        let scope = match (region, project_id) {
            (_, Some(id)) => json!({ "project": { "id": id } }),
            (Some(region), None) => json!({ "project": { "name": region } }),
            (None, None) => {
                return Err(Error::invalid_config(
                    "IAM password login needs a region or a project id to scope the token to",
                ))
            }
        };
        let key = TokenKey {
            iam: iam.to_string(),
            user_name: login.user_name().to_owned(),
            domain_name: login.domain_name().to_owned(),
            scope: scope.to_string(),
        };
        let mut tokens =
            lock_until(&self.tokens, deadline, "another call's IAM token request").await?;
        if let Some(token) = tokens.get(&key) {
            if token.expires_at - local_unix() > TOKEN_REFRESH_MARGIN_SECONDS {
                return Ok(token.clone());
            }
            tracing::debug!("IAM token is about to expire; renewing it");
        }
        let token = Arc::new(
            create_token(call, iam, login, scope, deadline)
                .instrument(tracing::info_span!(
                    "iam_call",
                    action = CREATE_TOKEN.name,
                    attempts = tracing::field::Empty
                ))
                .await?,
        );
        tokens.insert(key, token.clone());
        Ok(token)
    }

    /// Forgets every token of `login`, so the next call obtains a new one. Gives up quietly at
    /// `deadline` (the next call then finds the old token and is refused once more).
    pub(crate) async fn forget_token(&self, login: &IamPassword, deadline: Instant) {
        if let Ok(mut tokens) = lock_until(&self.tokens, deadline, "the token cache").await {
            tokens.retain(|k, _| {
                k.user_name != login.user_name() || k.domain_name != login.domain_name()
            });
        }
    }

    /// The id of the project named `region`, looked up once per (identity, region).
    pub(crate) async fn project_id(
        &self,
        call: Call<'_>,
        iam: &BaseUrl,
        auth: &RequestAuth,
        region: &str,
        deadline: Instant,
    ) -> Result<String> {
        let identity = match auth {
            RequestAuth::Sign(credentials) => format!("ak:{}", credentials.access_key_id()),
            // A token's text identifies it; a short hash keeps the token itself out of the key.
            RequestAuth::Token(token) => {
                format!(
                    "token:{}",
                    &crate::sign::sha256_hex(token.expose().as_bytes())[..16]
                )
            }
            RequestAuth::None => "anonymous".to_owned(),
        };
        let key = ProjectKey {
            iam: iam.to_string(),
            identity,
            region: region.to_owned(),
        };
        let mut ids = lock_until(
            &self.project_ids,
            deadline,
            "another call's project id lookup",
        )
        .await?;
        if let Some(id) = ids.get(&key) {
            return Ok(id.clone());
        }
        let id = list_projects(call, iam, auth, region, deadline)
            .instrument(tracing::info_span!(
                "iam_call",
                action = LIST_PROJECTS.name,
                attempts = tracing::field::Empty
            ))
            .await?;
        ids.insert(key, id.clone());
        Ok(id)
    }
}

async fn create_token(
    call: Call<'_>,
    iam: &BaseUrl,
    login: &IamPassword,
    scope: Value,
    deadline: Instant,
) -> Result<Token> {
    let auth = json!({
            "identity": {
                "methods": ["password"],
                "password": {
                    "user": {
                        "name": login.user_name(),
                        "password": login.password().expose(),
                        "domain": { "name": login.domain_name() }
                    }
                }
            },
            "scope": scope
    });
    let mut members = Map::new();
    members.insert("auth".to_owned(), auth);
    let outcome = iam_call(
        call,
        iam,
        &CREATE_TOKEN,
        members,
        RequestAuth::None,
        deadline,
    )
    .await
    .map_err(|e| iam_context(e, "obtaining an IAM token"))?;
    let token = subject_token(&outcome).ok_or_else(|| {
        Error::decode(
            "IAM answered the token request without an X-Subject-Token header",
            outcome.status,
            &outcome.body,
        )
    })?;
    let body = outcome.value.get("token");
    let expires_at = body
        .and_then(|t| t.get("expires_at"))
        .and_then(Value::as_str)
        .and_then(parse_rfc3339);
    let expires_at = expires_at.unwrap_or_else(|| {
        tracing::debug!("IAM token without a readable expires_at; assuming 24 hours");
        local_unix() + DEFAULT_TOKEN_LIFETIME_SECONDS
    });
    let project_id = body
        .and_then(|t| t.get("project"))
        .and_then(|p| p.get("id"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    tracing::debug!(
        expires_in_seconds = expires_at - local_unix(),
        "obtained an IAM token"
    );
    Ok(Token {
        token: Secret::new(token),
        project_id,
        expires_at,
    })
}

async fn list_projects(
    call: Call<'_>,
    iam: &BaseUrl,
    auth: &RequestAuth,
    region: &str,
    deadline: Instant,
) -> Result<String> {
    let mut members = Map::new();
    members.insert("name".to_owned(), Value::String(region.to_owned()));
    let outcome = iam_call(call, iam, &LIST_PROJECTS, members, auth.clone(), deadline)
        .await
        .map_err(|e| iam_context(e, "looking up the project id"))?;
    let Some(projects) = outcome.value.get("projects").and_then(Value::as_array) else {
        return Err(Error::decode(
            "IAM's project list has no `projects` array",
            outcome.status,
            &outcome.body,
        ));
    };
    let ids: Vec<&str> = projects
        .iter()
        .filter(|p| p.get("name").and_then(Value::as_str) == Some(region))
        .filter_map(|p| p.get("id").and_then(Value::as_str))
        .collect();
    match ids.as_slice() {
        [id] => {
            tracing::debug!(region, project_id = id, "looked up the project id");
            Ok((*id).to_owned())
        }
        [] => Err(Error::invalid_config(format!(
            "IAM has no project named `{region}` for these credentials: check the region, or set \
             the project id (ConfigBuilder::project_id or HUAWEICLOUD_SDK_PROJECT_ID)"
        ))),
        several => Err(Error::invalid_config(format!(
            "IAM has {} projects named `{region}` ({}): set the project id to use \
             (ConfigBuilder::project_id or HUAWEICLOUD_SDK_PROJECT_ID)",
            several.len(),
            several.join(", ")
        ))),
    }
}

/// Says which IAM step failed, keeping code, status and request id.
fn iam_context(error: Error, what: &str) -> Error {
    error.with_context(what)
}
