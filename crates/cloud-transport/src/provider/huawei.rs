//! Huawei Cloud temporary credentials: the ECS metadata service's `securitykey` document, and
//! federated identity (an IdP id plus an id-token file exchanged through IAM), with the paths
//! and field names of the official SDK (`huaweicloudsdkcore` `auth/internal.py`).

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{json, Map, Value};

use super::fetch::{json_object, metadata_request, required_str};
use super::{
    check_not_expired, fail, named, read_token_file, FetchContext, FetchFuture, ProvideCredentials,
    TemporaryCredentials,
};
use crate::endpoint::BaseUrl;
use crate::huawei::{
    iam_call, subject_token, RequestAuth, CREATE_TEMPORARY_ACCESS_KEY_BY_TOKEN,
    CREATE_TOKEN_WITH_ID_TOKEN,
};
use crate::protocol::Call;
use crate::{Config, Credentials, EndpointRules, Environment, Result, ServiceInfo, Vendor};

/// The ECS metadata service (plain http, link-local, as the official SDK uses it).
pub const DEFAULT_ECS_METADATA_ENDPOINT: &str = "http://169.254.169.254";
/// The session token of the metadata service (its IMDSv2-like step).
pub(crate) const METADATA_TOKEN_PATH: &str = "/meta-data/latest/api/token";
/// The temporary credentials of the agency bound to the instance.
pub(crate) const SECURITY_KEY_PATH: &str = "/openstack/latest/securitykey";
/// The IAM endpoint of federated identity when none is configured (the official SDK's).
pub const DEFAULT_IAM_ENDPOINT: &str = "https://iam.myhuaweicloud.com";
/// Lifetime asked for federated temporary keys (the official SDK's 6 h).
pub const DEFAULT_FEDERATED_DURATION: Duration = Duration::from_secs(6 * 3600);

/// What the metadata service answers when the instance has no agency.
const NO_AGENCY: &str = "Please configure Cloud Service Agency first";

static IAM: ServiceInfo = ServiceInfo {
    vendor: Vendor::Huawei,
    service: "iam",
    version: "v3",
    endpoint: EndpointRules {
        global: Some("iam.myhuaweicloud.com"),
        regional: "iam.{region}.myhuaweicloud.com",
        international: None,
        region_overrides: &[],
        region_required: false,
    },
    sdk_name: "cloud-transport-iam",
    sdk_version: env!("CARGO_PKG_VERSION"),
};

/// Reads `{"credential": {"access", "secret", "securitytoken", "expires_at"}}`, the answer of
/// both the metadata service and IAM.
fn credential_document(
    provider: &str,
    what: &str,
    doc: &Map<String, Value>,
) -> Result<TemporaryCredentials> {
    let Some(Value::Object(credential)) = doc.get("credential") else {
        return Err(fail(provider, format!("{what} has no `credential` object")));
    };
    let access = required_str(provider, what, credential, "access")?;
    let secret = required_str(provider, what, credential, "secret")?;
    let token = required_str(provider, what, credential, "securitytoken")?;
    let expires = required_str(provider, what, credential, "expires_at")?;
    let expires_at = crate::calendar::parse_rfc3339(&expires).ok_or_else(|| {
        fail(
            provider,
            format!("{what} has `expires_at` `{expires}`, which is not an RFC 3339 time"),
        )
    })?;
    check_not_expired(provider, expires_at)?;
    Ok(TemporaryCredentials::new(
        Credentials::new(access, secret).with_session_token(token),
        expires_at,
    ))
}

/// The temporary AK/SK and security token of the agency bound to this ECS instance, from the
/// metadata service. Name `huawei-ecs-metadata`.
#[derive(Debug, Clone)]
pub struct HuaweiEcsMetadata {
    endpoint: BaseUrl,
}

impl HuaweiEcsMetadata {
    /// At the default metadata address.
    pub fn new() -> Self {
        HuaweiEcsMetadata {
            endpoint: BaseUrl::parse(DEFAULT_ECS_METADATA_ENDPOINT, true)
                .unwrap_or_else(|_| BaseUrl::https("169.254.169.254")),
        }
    }

    /// Asks this metadata service (`http://host:port`) instead of 169.254.169.254.
    pub fn endpoint(mut self, url: &str) -> Result<Self> {
        self.endpoint = BaseUrl::parse(url, true)?;
        Ok(self)
    }
}

impl Default for HuaweiEcsMetadata {
    fn default() -> Self {
        HuaweiEcsMetadata::new()
    }
}

impl ProvideCredentials for HuaweiEcsMetadata {
    fn name(&self) -> &str {
        "huawei-ecs-metadata"
    }

    fn fetch<'a>(&'a self, cx: &'a FetchContext<'a>) -> FetchFuture<'a> {
        Box::pin(async move {
            let name = self.name();
            // The session token step: services without it answer 404/405/503, and then the
            // document is asked for without a token, as the official SDK does.
            let session = metadata_request(
                cx,
                name,
                &self.endpoint,
                "PUT",
                METADATA_TOKEN_PATH,
                vec![(
                    "X-Metadata-Token-Ttl-Seconds".to_owned(),
                    "21600".to_owned(),
                )],
            )
            .await?;
            let mut headers = Vec::new();
            match session.status {
                200 => {
                    let token = String::from_utf8_lossy(&session.body).trim().to_owned();
                    if !token.is_empty() && !token.starts_with('<') {
                        headers.push(("X-Metadata-Token".to_owned(), token));
                    }
                }
                404 | 405 | 503 => {}
                status => {
                    return Err(fail(
                        name,
                        format!("asking for a metadata session token got HTTP {status}"),
                    ))
                }
            }
            let response =
                metadata_request(cx, name, &self.endpoint, "GET", SECURITY_KEY_PATH, headers)
                    .await?;
            if response.status == 401 && String::from_utf8_lossy(&response.body).contains(NO_AGENCY)
            {
                return Err(fail(name, "no agency is bound to this instance"));
            }
            if response.status == 404 {
                return Err(fail(
                    name,
                    "the metadata service has no securitykey document (HTTP 404)",
                ));
            }
            if !(200..300).contains(&response.status) {
                return Err(fail(
                    name,
                    format!("the securitykey answer is HTTP {}", response.status),
                ));
            }
            let what = "the securitykey document";
            let doc = json_object(name, what, &response)?;
            credential_document(name, what, &doc)
        })
    }
}

/// Federated identity: an OpenID Connect id token (read from a file at every fetch) of an
/// identity provider registered in IAM, exchanged for an unscoped token and then for temporary
/// AK/SK. Name `huawei-federated`.
#[derive(Clone)]
pub struct HuaweiFederated {
    idp_id: String,
    id_token_file: PathBuf,
    iam_endpoint: Option<String>,
    duration: Duration,
}

impl std::fmt::Debug for HuaweiFederated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HuaweiFederated")
            .field("idp_id", &self.idp_id)
            .field("id_token_file", &self.id_token_file)
            .field("iam_endpoint", &self.iam_endpoint)
            .finish_non_exhaustive()
    }
}

impl HuaweiFederated {
    /// The identity provider `idp_id` with the id token in `id_token_file`.
    pub fn new(idp_id: impl Into<String>, id_token_file: impl Into<PathBuf>) -> Self {
        HuaweiFederated {
            idp_id: idp_id.into(),
            id_token_file: id_token_file.into(),
            iam_endpoint: None,
            duration: DEFAULT_FEDERATED_DURATION,
        }
    }

    /// Exchanges through this IAM endpoint instead of `https://iam.myhuaweicloud.com`.
    pub fn iam_endpoint(mut self, url: impl Into<String>) -> Self {
        self.iam_endpoint = Some(url.into());
        self
    }

    /// How long the temporary keys should live.
    pub fn duration(mut self, duration: Duration) -> Self {
        self.duration = duration;
        self
    }
}

impl ProvideCredentials for HuaweiFederated {
    fn name(&self) -> &str {
        "huawei-federated"
    }

    fn fetch<'a>(&'a self, cx: &'a FetchContext<'a>) -> FetchFuture<'a> {
        Box::pin(async move {
            let name = self.name();
            let id_token = read_token_file(name, &self.id_token_file)?;
            let parent = cx.config;
            let endpoint = self.iam_endpoint.as_deref().unwrap_or(DEFAULT_IAM_ENDPOINT);
            let base =
                BaseUrl::parse(endpoint, parent.allow_insecure_http).map_err(|e| named(name, e))?;
            let mut config = Config::builder()
                .environment(Environment::empty())
                .http_client(parent.http.clone())
                .allow_insecure_http(parent.allow_insecure_http)
                .retry(parent.retry)
                .attempt_timeout(parent.attempt_timeout)
                .endpoint(endpoint)
                .build()
                .map_err(|e| named(name, e))?;
            config.secret_answers = true;
            let user_agent = crate::protocol::user_agent(&IAM);
            let call = Call {
                service: &IAM,
                config: &config,
                user_agent: &user_agent,
            };

            let mut members = Map::new();
            members.insert("X-Idp-Id".to_owned(), Value::String(self.idp_id.clone()));
            members.insert("auth".to_owned(), json!({ "id_token": { "id": id_token } }));
            let outcome = iam_call(
                call,
                &base,
                &CREATE_TOKEN_WITH_ID_TOKEN,
                members,
                RequestAuth::None,
                cx.deadline,
            )
            .await
            .map_err(|e| named(name, e.with_context("exchanging the id token")))?;
            let token = subject_token(&outcome).map(str::to_owned).ok_or_else(|| {
                fail(
                    name,
                    "IAM answered the id token exchange without an X-Subject-Token header",
                )
            })?;

            let mut members = Map::new();
            members.insert(
                "auth".to_owned(),
                json!({ "identity": {
                    "methods": ["token"],
                    "token": { "id": token, "duration_seconds": self.duration.as_secs() }
                } }),
            );
            let outcome = iam_call(
                call,
                &base,
                &CREATE_TEMPORARY_ACCESS_KEY_BY_TOKEN,
                members,
                RequestAuth::Token(crate::Secret::new(token)),
                cx.deadline,
            )
            .await
            .map_err(|e| named(name, e.with_context("obtaining temporary access keys")))?;
            let Value::Object(doc) = outcome.value else {
                return Err(fail(
                    name,
                    "IAM's temporary access key answer is not an object",
                ));
            };
            credential_document(name, "IAM's temporary access key answer", &doc)
        })
    }
}
