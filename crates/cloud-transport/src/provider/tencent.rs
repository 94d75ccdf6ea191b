//! Tencent Cloud temporary credentials: the CVM instance role from the metadata service, STS
//! `AssumeRole` from base credentials, and STS `AssumeRoleWithWebIdentity` (TKE OIDC), with the
//! field and variable names of the official SDKs (`tencentcloud-sdk-python` `credential.py`).

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{json, Value};

use super::fetch::{json_object, metadata_request, required_str};
use super::{
    check_not_expired, fail, named, read_token_file, FetchContext, FetchFuture, ProvideCredentials,
    TemporaryCredentials,
};
use crate::credentials::env_vars;
use crate::endpoint::BaseUrl;
use crate::protocol::Call;
use crate::tencent::Tencent;
use crate::{
    Config, Credentials, EndpointRules, Environment, OperationInfo, Result, ServiceInfo, Vendor,
};

/// The CVM metadata service (plain http, as the official SDKs use it).
pub const DEFAULT_CVM_METADATA_ENDPOINT: &str = "http://metadata.tencentyun.com";
/// Where the role name and the role's credentials are served.
pub(crate) const ROLE_PATH: &str = "/latest/meta-data/cam/security-credentials/";
/// Default lifetime asked of STS, as the official SDKs (7200 s).
pub const DEFAULT_STS_DURATION: Duration = Duration::from_secs(7200);
/// The region STS calls are signed for when none is given (the official SDKs' choice).
pub const DEFAULT_STS_REGION: &str = "ap-guangzhou";

static STS: ServiceInfo = ServiceInfo {
    vendor: Vendor::Tencent,
    service: "sts",
    version: "2018-08-13",
    endpoint: EndpointRules {
        global: Some("sts.tencentcloudapi.com"),
        regional: "sts.{region}.tencentcloudapi.com",
        international: Some("sts.intl.tencentcloudapi.com"),
        region_overrides: &[],
        region_required: false,
    },
    sdk_name: "cloud-transport-sts",
    sdk_version: env!("CARGO_PKG_VERSION"),
};

const ASSUME_ROLE: OperationInfo = OperationInfo {
    name: "AssumeRole",
    http: None,
    read_only: false,
    // A second set of temporary keys is harmless: retrying a broken connection is safe.
    idempotent: true,
    rate_limit: None,
    regions: &[],
};

const ASSUME_ROLE_WITH_WEB_IDENTITY: OperationInfo = OperationInfo {
    name: "AssumeRoleWithWebIdentity",
    ..ASSUME_ROLE
};

/// Checks a CAM role ARN: `qcs::cam::uin/<account>:roleName/<name>` or
/// `qcs::cam::uin/<account>:role/<role id>`.
pub fn check_role_arn(arn: &str) -> Result<()> {
    let bad = |why: &str| {
        crate::Error::invalid_config(format!(
            "the role ARN `{arn}` is malformed: {why}; expected \
             qcs::cam::uin/<account id>:roleName/<role name>"
        ))
    };
    let rest = arn
        .strip_prefix("qcs::cam::uin/")
        .ok_or_else(|| bad("it does not start with `qcs::cam::uin/`"))?;
    let (account, role) = rest
        .split_once(':')
        .ok_or_else(|| bad("no `:` after the account id"))?;
    if account.is_empty() || !account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad("the account id is not a number"));
    }
    let name = role
        .strip_prefix("roleName/")
        .or_else(|| role.strip_prefix("role/"))
        .ok_or_else(|| bad("no `roleName/` or `role/` after the account id"))?;
    let allowed = |c: char| c.is_ascii_alphanumeric() || "+=,.@_-/".contains(c);
    if name.is_empty() || !name.chars().all(allowed) {
        return Err(bad(
            "the role name is empty or has characters CAM does not allow",
        ));
    }
    Ok(())
}

fn check_session_name(name: &str) -> Result<()> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c);
    if !(2..=128).contains(&name.len()) || !name.chars().all(allowed) {
        return Err(crate::Error::invalid_config(format!(
            "the role session name `{name}` must be 2 to 128 characters of letters, digits and +=,.@_-"
        )));
    }
    Ok(())
}

fn is_role_name(name: &str) -> bool {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c);
    !name.is_empty() && name.len() <= 128 && name.chars().all(allowed)
}

fn default_session_name() -> String {
    format!("cloudcall-{}", super::now_unix())
}

/// Parses an endpoint override; metadata services are plain http by design.
fn parse_endpoint(url: &str, insecure_ok: bool) -> Result<BaseUrl> {
    BaseUrl::parse(url, insecure_ok)
}

/// The credentials of the CAM role bound to this CVM instance, from the metadata service
/// (`cam/security-credentials/<role>`). Name `tencent-cvm-role`.
#[derive(Debug, Clone)]
pub struct TencentCvmRole {
    role: Option<String>,
    endpoint: BaseUrl,
}

impl TencentCvmRole {
    /// The role bound to the instance (its name is asked from the metadata service), at the
    /// default metadata address.
    pub fn new() -> Self {
        TencentCvmRole {
            role: None,
            endpoint: parse_endpoint(DEFAULT_CVM_METADATA_ENDPOINT, true)
                .unwrap_or_else(|_| BaseUrl::https("metadata.tencentyun.com")),
        }
    }

    /// Uses this role name instead of asking for it.
    pub fn role(mut self, name: impl Into<String>) -> Self {
        self.role = Some(name.into());
        self
    }

    /// Asks this metadata service (`http://host:port`) instead of `metadata.tencentyun.com`.
    pub fn endpoint(mut self, url: &str) -> Result<Self> {
        self.endpoint = parse_endpoint(url, true)?;
        Ok(self)
    }

    async fn role_name(&self, cx: &FetchContext<'_>) -> Result<String> {
        if let Some(role) = &self.role {
            return Ok(role.clone());
        }
        let name = self.name();
        let response = metadata_request(cx, name, &self.endpoint, "GET", ROLE_PATH, vec![]).await?;
        if response.status == 404 {
            return Err(fail(
                name,
                "no CAM role is bound to this instance (HTTP 404)",
            ));
        }
        if !(200..300).contains(&response.status) {
            return Err(fail(
                name,
                format!("asking for the role name got HTTP {}", response.status),
            ));
        }
        let text = String::from_utf8_lossy(&response.body);
        if text.trim_start().starts_with('<') {
            return Err(fail(
                name,
                "the role name answer is HTML: something other than the metadata service answered",
            ));
        }
        let role = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("");
        if !is_role_name(role) {
            return Err(fail(name, "the metadata service gave no usable role name"));
        }
        Ok(role.to_owned())
    }
}

impl Default for TencentCvmRole {
    fn default() -> Self {
        TencentCvmRole::new()
    }
}

impl ProvideCredentials for TencentCvmRole {
    fn name(&self) -> &str {
        "tencent-cvm-role"
    }

    fn fetch<'a>(&'a self, cx: &'a FetchContext<'a>) -> FetchFuture<'a> {
        Box::pin(async move {
            let name = self.name();
            let role = self.role_name(cx).await?;
            if !is_role_name(&role) {
                return Err(fail(name, format!("`{role}` is not a CAM role name")));
            }
            // Role names are letters, digits and +=,.@_-: safe in a path as they are.
            let path = format!("{ROLE_PATH}{role}");
            let response = metadata_request(cx, name, &self.endpoint, "GET", &path, vec![]).await?;
            if response.status == 404 {
                return Err(fail(
                    name,
                    format!("the role `{role}` is not bound to this instance (HTTP 404)"),
                ));
            }
            if !(200..300).contains(&response.status) {
                return Err(fail(
                    name,
                    format!("the role document answer is HTTP {}", response.status),
                ));
            }
            let what = "the role document";
            let doc = json_object(name, what, &response)?;
            match doc.get("Code").and_then(Value::as_str) {
                Some("Success") => {}
                Some(code) => {
                    return Err(fail(
                        name,
                        format!("{what} says Code `{code}`, not `Success`"),
                    ))
                }
                None => return Err(fail(name, format!("{what} has no `Code`"))),
            }
            let id = required_str(name, what, &doc, "TmpSecretId")?;
            let key = required_str(name, what, &doc, "TmpSecretKey")?;
            let token = required_str(name, what, &doc, "Token")?;
            let expires_at = unix_seconds(name, what, &doc, "ExpiredTime")?;
            check_not_expired(name, expires_at)?;
            Ok(TemporaryCredentials::new(
                Credentials::new(id, key).with_session_token(token),
                expires_at,
            ))
        })
    }
}

/// A Unix-seconds member, as a number or a string of digits.
fn unix_seconds(
    provider: &str,
    what: &str,
    map: &serde_json::Map<String, Value>,
    key: &str,
) -> Result<i64> {
    match map.get(key) {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        None => return Err(fail(provider, format!("{what} has no `{key}`"))),
        Some(_) => None,
    }
    .ok_or_else(|| {
        fail(
            provider,
            format!("{what} has `{key}`, but not as Unix seconds"),
        )
    })
}

/// Calls an STS action; `credentials` `None` sends it unsigned (`Authorization: SKIP`), as the
/// official SDKs send `AssumeRoleWithWebIdentity`.
async fn sts_call(
    cx: &FetchContext<'_>,
    provider: &str,
    endpoint: Option<&str>,
    region: &str,
    credentials: Option<Credentials>,
    op: &OperationInfo,
    params: Value,
) -> Result<TemporaryCredentials> {
    let parent = cx.config;
    let mut builder = Config::builder()
        .environment(Environment::empty())
        .http_client(parent.http.clone())
        .region(region)
        .allow_insecure_http(parent.allow_insecure_http)
        .retry(parent.retry)
        .attempt_timeout(parent.attempt_timeout)
        .operation_timeout(parent.operation_timeout);
    let anonymous = credentials.is_none();
    if let Some(credentials) = credentials {
        builder = builder.credentials(credentials);
    }
    if let Some(endpoint) = endpoint {
        builder = builder.endpoint(endpoint);
    }
    let mut config = builder.build().map_err(|e| named(provider, e))?;
    config.anonymous = anonymous;
    config.secret_answers = true;
    let user_agent = crate::protocol::user_agent(&STS);
    let call = Call {
        service: &STS,
        config: &config,
        user_agent: &user_agent,
    };
    let (answer, ()) = crate::call::execute(
        call,
        &Tencent::EXPLICIT,
        op,
        params,
        Some(cx.deadline),
        |exchange, response| crate::call::untyped(op, exchange, response),
    )
    .await
    .map_err(|e| named(provider, e))?;
    let answer = answer.value;
    let Value::Object(answer) = answer else {
        return Err(fail(provider, "the STS answer is not an object"));
    };
    let what = "the STS answer";
    let Some(Value::Object(creds)) = answer.get("Credentials") else {
        return Err(fail(
            provider,
            format!("{what} has no `Credentials` object"),
        ));
    };
    let id = required_str(provider, what, creds, "TmpSecretId")?;
    let key = required_str(provider, what, creds, "TmpSecretKey")?;
    let token = required_str(provider, what, creds, "Token")?;
    let expires_at = unix_seconds(provider, what, &answer, "ExpiredTime")?;
    check_not_expired(provider, expires_at)?;
    Ok(TemporaryCredentials::new(
        Credentials::new(id, key).with_session_token(token),
        expires_at,
    ))
}

/// STS `AssumeRole`: temporary credentials of a role, obtained with base credentials (signed
/// TC3 to `sts.tencentcloudapi.com`). Name `tencent-sts-assume-role`.
#[derive(Debug, Clone)]
pub struct TencentAssumeRole {
    base: Credentials,
    role_arn: String,
    session_name: String,
    duration: Duration,
    region: String,
    endpoint: Option<String>,
}

impl TencentAssumeRole {
    /// Assumes `role_arn` with `base` credentials. The ARN is checked here; the session name
    /// defaults to `cloudcall-<unix time>`, the duration to 7200 s, the region to ap-guangzhou.
    pub fn new(base: Credentials, role_arn: impl Into<String>) -> Result<Self> {
        let role_arn = role_arn.into();
        check_role_arn(&role_arn)?;
        Ok(TencentAssumeRole {
            base,
            role_arn,
            session_name: default_session_name(),
            duration: DEFAULT_STS_DURATION,
            region: DEFAULT_STS_REGION.to_owned(),
            endpoint: None,
        })
    }

    /// The role session name (2-128 of letters, digits and `+=,.@_-`).
    pub fn session_name(mut self, name: impl Into<String>) -> Result<Self> {
        let name = name.into();
        check_session_name(&name)?;
        self.session_name = name;
        Ok(self)
    }

    /// How long the credentials should live (STS allows up to 43200 s).
    pub fn duration(mut self, duration: Duration) -> Self {
        self.duration = duration;
        self
    }

    /// The region the call is signed for.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = region.into();
        self
    }

    /// Sends to this STS endpoint (`https://host[:port]`) instead of `sts.tencentcloudapi.com`.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }
}

impl ProvideCredentials for TencentAssumeRole {
    fn name(&self) -> &str {
        "tencent-sts-assume-role"
    }

    fn fetch<'a>(&'a self, cx: &'a FetchContext<'a>) -> FetchFuture<'a> {
        Box::pin(async move {
            sts_call(
                cx,
                self.name(),
                self.endpoint.as_deref(),
                &self.region,
                Some(self.base.clone()),
                &ASSUME_ROLE,
                json!({
                    "RoleArn": self.role_arn,
                    "RoleSessionName": self.session_name,
                    "DurationSeconds": self.duration.as_secs(),
                }),
            )
            .await
        })
    }
}

/// STS `AssumeRoleWithWebIdentity` for TKE OIDC: an identity provider id, a role and a
/// web-identity token read from a file at every fetch (TKE rotates it). Name
/// `tencent-sts-web-identity`.
#[derive(Clone)]
pub struct TencentWebIdentity {
    region: String,
    provider_id: String,
    token_file: PathBuf,
    role_arn: String,
    session_name: String,
    duration: Duration,
    endpoint: Option<String>,
}

impl std::fmt::Debug for TencentWebIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The token lives in the file and is never held here; the path is not secret.
        f.debug_struct("TencentWebIdentity")
            .field("region", &self.region)
            .field("provider_id", &self.provider_id)
            .field("token_file", &self.token_file)
            .field("role_arn", &self.role_arn)
            .finish_non_exhaustive()
    }
}

impl TencentWebIdentity {
    /// Assumes `role_arn` in `region` with the token in `token_file`, issued by `provider_id`.
    pub fn new(
        region: impl Into<String>,
        provider_id: impl Into<String>,
        token_file: impl Into<PathBuf>,
        role_arn: impl Into<String>,
    ) -> Result<Self> {
        let role_arn = role_arn.into();
        check_role_arn(&role_arn)?;
        Ok(TencentWebIdentity {
            region: region.into(),
            provider_id: provider_id.into(),
            token_file: token_file.into(),
            role_arn,
            session_name: format!("tencentcloud-python-sdk-{}", super::now_unix()),
            duration: DEFAULT_STS_DURATION,
            endpoint: None,
        })
    }

    /// From `TKE_REGION`, `TKE_PROVIDER_ID`, `TKE_WEB_IDENTITY_TOKEN_FILE` and `TKE_ROLE_ARN`
    /// (the official SDKs' names): `Ok(None)` when none is set, an error naming the missing
    /// ones when only some are. `TENCENTCLOUD_STS_ENDPOINT` overrides the endpoint.
    pub fn from_env(env: &Environment) -> Result<Option<Self>> {
        use env_vars::*;
        let names = [
            TKE_REGION,
            TKE_PROVIDER_ID,
            TKE_WEB_IDENTITY_TOKEN_FILE,
            TKE_ROLE_ARN,
        ];
        let values = names.map(|n| env.var(n));
        if values.iter().all(Option::is_none) {
            return Ok(None);
        }
        let [Some(region), Some(provider_id), Some(file), Some(arn)] = values.clone() else {
            let missing: Vec<&str> = names
                .iter()
                .zip(&values)
                .filter(|(_, v)| v.is_none())
                .map(|(n, _)| *n)
                .collect();
            return Err(crate::Error::credentials(format!(
                "tencent-sts-web-identity: TKE web identity needs {}; not set: {}",
                names.join(", "),
                missing.join(", ")
            )));
        };
        let mut provider = TencentWebIdentity::new(region, provider_id, file, arn)?;
        if let Some(endpoint) = env.var(TENCENTCLOUD_STS_ENDPOINT) {
            provider = provider.endpoint(endpoint);
        }
        Ok(Some(provider))
    }

    /// Sends to this STS endpoint instead of `sts.tencentcloudapi.com`.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    /// How long the credentials should live.
    pub fn duration(mut self, duration: Duration) -> Self {
        self.duration = duration;
        self
    }
}

impl ProvideCredentials for TencentWebIdentity {
    fn name(&self) -> &str {
        "tencent-sts-web-identity"
    }

    fn fetch<'a>(&'a self, cx: &'a FetchContext<'a>) -> FetchFuture<'a> {
        Box::pin(async move {
            let token = read_token_file(self.name(), &self.token_file)?;
            sts_call(
                cx,
                self.name(),
                self.endpoint.as_deref(),
                &self.region,
                None,
                &ASSUME_ROLE_WITH_WEB_IDENTITY,
                json!({
                    "ProviderId": self.provider_id,
                    "WebIdentityToken": token,
                    "RoleArn": self.role_arn,
                    "RoleSessionName": self.session_name,
                    "DurationSeconds": self.duration.as_secs(),
                }),
            )
            .await
        })
    }
}
