//! Credentials and the default credentials chain.
//!
//! # The default chain
//!
//! When a [`Config`] is built without explicit credentials (or a
//! [`credentials_provider`](crate::ConfigBuilder::credentials_provider)), each client looks them
//! up on its first call, for its own vendor, in the order of the official SDKs
//! (`tencentcloud-sdk-python` `DefaultCredentialProvider`, `huaweicloudsdkcore`
//! `CredentialProviderChain`):
//!
//! **Tencent Cloud** (feature `tencent`)
//! 1. environment: `TENCENTCLOUD_SECRET_ID` + `TENCENTCLOUD_SECRET_KEY` (+ `TENCENTCLOUD_TOKEN`);
//!    with `TENCENTCLOUD_ROLE_ARN` (+ `TENCENTCLOUD_ROLE_SESSION_NAME`, tccli's names) these keys
//!    assume that role through STS `AssumeRole`;
//! 2. profile: `$TENCENTCLOUD_CREDENTIALS_FILE`, else `~/.tencentcloud/credentials`, section
//!    `[default]` (or the [`profile`](crate::ConfigBuilder::profile) name), keys `secret_id`,
//!    `secret_key` (and `token`; with `role_arn` (+ `role_session_name`) a role is assumed);
//!    else tccli's `~/.tccli/<profile>.credential` (`secretId`, `secretKey`, `role-arn`,
//!    `type: cvm-role`);
//! 3. CVM instance role: the metadata service's `cam/security-credentials/<role>`
//!    (`http://metadata.tencentyun.com`, or `TENCENTCLOUD_METADATA_ENDPOINT`; `off` skips it);
//! 4. TKE OIDC web identity: `TKE_REGION`, `TKE_PROVIDER_ID`, `TKE_WEB_IDENTITY_TOKEN_FILE`,
//!    `TKE_ROLE_ARN`, exchanged through STS `AssumeRoleWithWebIdentity`.
//!
//! STS goes to `sts.tencentcloudapi.com`, or [`sts_endpoint`](crate::ConfigBuilder::sts_endpoint)
//! / `TENCENTCLOUD_STS_ENDPOINT`.
//!
//! **Huawei Cloud** (feature `huawei`)
//! 1. environment: `HUAWEICLOUD_SDK_AUTH_TOKEN` (an IAM token, sent as `X-Auth-Token`); else
//!    `HUAWEICLOUD_SDK_USER_NAME` + `HUAWEICLOUD_SDK_PASSWORD` + `HUAWEICLOUD_SDK_DOMAIN_NAME`
//!    (IAM password login, tokens obtained and renewed by the client); else
//!    `HUAWEICLOUD_SDK_IDP_ID` + `HUAWEICLOUD_SDK_ID_TOKEN_FILE` (federated identity, exchanged
//!    through IAM for temporary AK/SK); else `HUAWEICLOUD_SDK_AK` + `HUAWEICLOUD_SDK_SK`
//!    (+ `HUAWEICLOUD_SDK_SECURITY_TOKEN`);
//! 2. profile: `$HUAWEICLOUD_SDK_CREDENTIALS_FILE`, else `~/.huaweicloud/credentials`, section
//!    `[basic]` (or the profile name): `idp_id` + `id_token_file` (+ `iam_endpoint`), else `ak`,
//!    `sk` (and `security_token`, `project_id`); a named profile missing there is read from
//!    KooCLI's `~/.hcloud/config.json`;
//! 3. ECS metadata: the agency's temporary AK/SK and security token from
//!    `/openstack/latest/securitykey` (`http://169.254.169.254`, or
//!    `HUAWEICLOUD_SDK_METADATA_ENDPOINT`; `off` skips it).
//!
//! Federated identity exchanges the id token at `HUAWEICLOUD_SDK_IAM_ENDPOINT` (or
//! [`iam_endpoint`](crate::ConfigBuilder::iam_endpoint), the profile's `iam_endpoint`, the
//! endpoint override), else `https://iam.myhuaweicloud.com`.
//!
//! The metadata step asks the real services only for the process environment: with a fixed
//! [`Environment`] (tests, embedders) it is off unless a variable or
//! [`metadata_endpoint`](crate::ConfigBuilder::metadata_endpoint) names a service, or
//! [`instance_metadata(true)`](crate::ConfigBuilder::instance_metadata) asks for it. Metadata
//! requests connect within 1 s and finish within 3 s, so a machine without a metadata service
//! falls through in at most that; when the last steps (metadata, web identity) all fail, the
//! error is "no credentials" with each step's reason.
//!
//! Temporary credentials (every provider of steps 1-4 but plain keys) are cached and refreshed
//! ahead of expiry by [`provider::refresh`](crate::provider::refresh).
//!
//! A variable set without its partner (an id without a key), or a malformed file, is an error
//! naming the variable or the file and line; it does not fall through to the next source.

use std::fmt;
#[cfg(any(feature = "tencent", feature = "huawei"))]
use std::sync::Arc;

#[cfg(any(feature = "tencent", feature = "huawei"))]
use crate::provider::ProvideCredentials;
#[cfg(any(feature = "tencent", feature = "huawei"))]
use crate::{profile::Profile, Config, Environment, Error, Result};

/// A secret string (secret key, SK, token, password). Its `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }

    /// The secret itself. Only signing code should call this.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(\"***\")")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// An access key pair: Tencent SecretId/SecretKey (+ Token), Huawei AK/SK (+ security token).
///
/// `Debug` shows the access key id (not a secret: it names the key) and hides the rest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    secret: Secret,
    session_token: Option<Secret>,
}

impl Credentials {
    /// Long-term credentials.
    pub fn new(access_key_id: impl Into<String>, secret: impl Into<String>) -> Self {
        Credentials {
            access_key_id: access_key_id.into(),
            secret: Secret::new(secret),
            session_token: None,
        }
    }

    /// Adds the token of temporary credentials (Tencent `X-TC-Token`, Huawei `X-Security-Token`).
    pub fn with_session_token(mut self, token: impl Into<String>) -> Self {
        self.session_token = Some(Secret::new(token));
        self
    }

    /// SecretId / AK.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// SecretKey / SK.
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    /// The temporary credentials' token.
    pub fn session_token(&self) -> Option<&Secret> {
        self.session_token.as_ref()
    }
}

/// Huawei Cloud IAM password login: the client obtains a project-scoped token with it
/// (`POST /v3/auth/tokens`), caches it and renews it before it expires. `Debug` hides the
/// password.
#[cfg(feature = "huawei")]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IamPassword {
    user_name: String,
    password: Secret,
    domain_name: String,
}

#[cfg(feature = "huawei")]
impl IamPassword {
    /// An IAM user (`user_name`) of the account `domain_name`, with its password.
    pub fn new(
        user_name: impl Into<String>,
        password: impl Into<String>,
        domain_name: impl Into<String>,
    ) -> Self {
        IamPassword {
            user_name: user_name.into(),
            password: Secret::new(password),
            domain_name: domain_name.into(),
        }
    }

    /// The IAM user name.
    pub fn user_name(&self) -> &str {
        &self.user_name
    }

    /// The password.
    pub fn password(&self) -> &Secret {
        &self.password
    }

    /// The account (domain) name.
    pub fn domain_name(&self) -> &str {
        &self.domain_name
    }
}

/// How requests to Huawei Cloud are authenticated.
#[cfg(feature = "huawei")]
#[derive(Clone, Debug)]
pub(crate) enum HuaweiAuth {
    /// SDK-HMAC-SHA256 signing with temporary AK/SK a provider fetches and the client refreshes.
    Provider(Arc<dyn ProvideCredentials>),
    /// SDK-HMAC-SHA256 signing with AK/SK.
    AkSk(Credentials),
    /// A given IAM token, sent unsigned as `X-Auth-Token`.
    Token(Secret),
    /// Tokens obtained from IAM with a password.
    Password(IamPassword),
}

/// What the Huawei default chain found: how to authenticate, and a project id when the same
/// source had one.
#[cfg(feature = "huawei")]
#[derive(Clone, Debug)]
pub(crate) struct HuaweiIdentity {
    pub(crate) auth: HuaweiAuth,
    pub(crate) project_id: Option<String>,
}

/// Names of the environment variables the default chain reads.
pub mod env_vars {
    /// Tencent SecretId.
    #[cfg(feature = "tencent")]
    pub const TENCENTCLOUD_SECRET_ID: &str = "TENCENTCLOUD_SECRET_ID";
    /// Tencent SecretKey.
    #[cfg(feature = "tencent")]
    pub const TENCENTCLOUD_SECRET_KEY: &str = "TENCENTCLOUD_SECRET_KEY";
    /// Tencent temporary credentials' token.
    #[cfg(feature = "tencent")]
    pub const TENCENTCLOUD_TOKEN: &str = "TENCENTCLOUD_TOKEN";
    /// Tencent region, used when the configuration sets none.
    #[cfg(feature = "tencent")]
    pub const TENCENTCLOUD_REGION: &str = "TENCENTCLOUD_REGION";
    /// Path of the Tencent profile file (default `~/.tencentcloud/credentials`).
    #[cfg(feature = "tencent")]
    pub const TENCENTCLOUD_CREDENTIALS_FILE: &str = "TENCENTCLOUD_CREDENTIALS_FILE";
    /// Tencent role to assume with the environment's keys (tccli's name).
    #[cfg(feature = "tencent")]
    pub const TENCENTCLOUD_ROLE_ARN: &str = "TENCENTCLOUD_ROLE_ARN";
    /// Session name for [`TENCENTCLOUD_ROLE_ARN`] (tccli's name).
    #[cfg(feature = "tencent")]
    pub const TENCENTCLOUD_ROLE_SESSION_NAME: &str = "TENCENTCLOUD_ROLE_SESSION_NAME";
    /// Tencent STS endpoint for assumed roles and web identity, e.g. `http://127.0.0.1:port`
    /// (our addition).
    #[cfg(feature = "tencent")]
    pub const TENCENTCLOUD_STS_ENDPOINT: &str = "TENCENTCLOUD_STS_ENDPOINT";
    /// Tencent CVM metadata service instead of `http://metadata.tencentyun.com`; `off` skips
    /// the CVM role step (our addition).
    #[cfg(feature = "tencent")]
    pub const TENCENTCLOUD_METADATA_ENDPOINT: &str = "TENCENTCLOUD_METADATA_ENDPOINT";
    /// TKE web identity: the STS region (official SDKs' name).
    #[cfg(feature = "tencent")]
    pub const TKE_REGION: &str = "TKE_REGION";
    /// TKE web identity: the OIDC identity provider id.
    #[cfg(feature = "tencent")]
    pub const TKE_PROVIDER_ID: &str = "TKE_PROVIDER_ID";
    /// TKE web identity: the file holding the web-identity token.
    #[cfg(feature = "tencent")]
    pub const TKE_WEB_IDENTITY_TOKEN_FILE: &str = "TKE_WEB_IDENTITY_TOKEN_FILE";
    /// TKE web identity: the role to assume.
    #[cfg(feature = "tencent")]
    pub const TKE_ROLE_ARN: &str = "TKE_ROLE_ARN";
    /// Huawei federated identity: the IdP id (official SDK's name).
    #[cfg(feature = "huawei")]
    pub const HUAWEICLOUD_SDK_IDP_ID: &str = "HUAWEICLOUD_SDK_IDP_ID";
    /// Huawei federated identity: the file holding the OpenID Connect id token.
    #[cfg(feature = "huawei")]
    pub const HUAWEICLOUD_SDK_ID_TOKEN_FILE: &str = "HUAWEICLOUD_SDK_ID_TOKEN_FILE";
    /// Huawei ECS metadata service instead of `http://169.254.169.254`; `off` skips the
    /// metadata step (our addition).
    #[cfg(feature = "huawei")]
    pub const HUAWEICLOUD_SDK_METADATA_ENDPOINT: &str = "HUAWEICLOUD_SDK_METADATA_ENDPOINT";
    /// Huawei AK.
    #[cfg(feature = "huawei")]
    pub const HUAWEICLOUD_SDK_AK: &str = "HUAWEICLOUD_SDK_AK";
    /// Huawei SK.
    #[cfg(feature = "huawei")]
    pub const HUAWEICLOUD_SDK_SK: &str = "HUAWEICLOUD_SDK_SK";
    /// Huawei temporary credentials' security token.
    #[cfg(feature = "huawei")]
    pub const HUAWEICLOUD_SDK_SECURITY_TOKEN: &str = "HUAWEICLOUD_SDK_SECURITY_TOKEN";
    /// Huawei project id, used for `{project_id}` in paths.
    #[cfg(feature = "huawei")]
    pub const HUAWEICLOUD_SDK_PROJECT_ID: &str = "HUAWEICLOUD_SDK_PROJECT_ID";
    /// Huawei region, used when the configuration sets none (our addition).
    #[cfg(feature = "huawei")]
    pub const HUAWEICLOUD_SDK_REGION: &str = "HUAWEICLOUD_SDK_REGION";
    /// Huawei IAM endpoint, e.g. `https://iam.cn-north-4.myhuaweicloud.com` (as in the official SDKs).
    #[cfg(feature = "huawei")]
    pub const HUAWEICLOUD_SDK_IAM_ENDPOINT: &str = "HUAWEICLOUD_SDK_IAM_ENDPOINT";
    /// Huawei IAM token sent as `X-Auth-Token` (our addition).
    #[cfg(feature = "huawei")]
    pub const HUAWEICLOUD_SDK_AUTH_TOKEN: &str = "HUAWEICLOUD_SDK_AUTH_TOKEN";
    /// Huawei IAM user name for password login (our addition).
    #[cfg(feature = "huawei")]
    pub const HUAWEICLOUD_SDK_USER_NAME: &str = "HUAWEICLOUD_SDK_USER_NAME";
    /// Huawei IAM password (our addition).
    #[cfg(feature = "huawei")]
    pub const HUAWEICLOUD_SDK_PASSWORD: &str = "HUAWEICLOUD_SDK_PASSWORD";
    /// Huawei account (domain) name for password login (our addition).
    #[cfg(feature = "huawei")]
    pub const HUAWEICLOUD_SDK_DOMAIN_NAME: &str = "HUAWEICLOUD_SDK_DOMAIN_NAME";
    /// Path of the Huawei profile file (default `~/.huaweicloud/credentials`).
    #[cfg(feature = "huawei")]
    pub const HUAWEICLOUD_SDK_CREDENTIALS_FILE: &str = "HUAWEICLOUD_SDK_CREDENTIALS_FILE";
}

/// Reads a pair of variables that only make sense together.
#[cfg(any(feature = "tencent", feature = "huawei"))]
fn env_pair(env: &Environment, a: &str, b: &str) -> Result<Option<(String, String)>> {
    match (env.var(a), env.var(b)) {
        (Some(x), Some(y)) => Ok(Some((x, y))),
        (None, None) => Ok(None),
        (Some(_), None) => Err(Error::credentials(format!("{a} is set but {b} is not"))),
        (None, Some(_)) => Err(Error::credentials(format!("{b} is set but {a} is not"))),
    }
}

/// The profile file: the one a variable names (which must exist), else `~/<dir>/credentials`
/// (which may not).
#[cfg(any(feature = "tencent", feature = "huawei"))]
fn read_profile(env: &Environment, file_var: &str, home_dir: &str) -> Result<Option<Profile>> {
    if let Some(path) = env.var(file_var) {
        let path = std::path::PathBuf::from(path);
        return match Profile::read(&path)? {
            Some(profile) => Ok(Some(profile)),
            None => Err(Error::credentials(format!(
                "{file_var} names {}, which does not exist",
                path.display()
            ))),
        };
    }
    match env.home() {
        Some(home) => Profile::read(&home.join(home_dir).join("credentials")),
        None => Ok(None),
    }
}

/// What a default chain found: fixed credentials, or a provider of temporary ones.
#[cfg(any(feature = "tencent", feature = "huawei"))]
#[derive(Debug)]
pub(crate) enum Found {
    #[cfg_attr(not(feature = "tencent"), allow(dead_code))]
    Static(Credentials),
    Provider(Arc<dyn ProvideCredentials>),
}

/// The metadata service the chain's instance step asks, or `None` when the step is off:
/// the configuration's, else the variable's (`off` turns it off), else `default` for the
/// process environment. A fixed [`Environment`] (tests, embedders) has no metadata step unless
/// the variable or the configuration names one, so tests never reach the real addresses.
#[cfg(any(feature = "tencent", feature = "huawei"))]
fn metadata_endpoint(config: &Config, var: &str, default: &str) -> Option<String> {
    if config.instance_metadata == Some(false) {
        return None;
    }
    if let Some(url) = &config.metadata_endpoint {
        return Some(url.clone());
    }
    match config.environment.var(var) {
        Some(v)
            if matches!(
                v.to_ascii_lowercase().as_str(),
                "off" | "false" | "disabled"
            ) =>
        {
            None
        }
        Some(url) => Some(url),
        None if config.environment.is_process() || config.instance_metadata == Some(true) => {
            Some(default.to_owned())
        }
        None => None,
    }
}

/// The chain's remaining steps, tried in order on the first call; `None` when there are none.
/// Until one has given credentials, a failure of them all is a "no credentials" error listing
/// each step's reason.
#[cfg(any(feature = "tencent", feature = "huawei"))]
fn first_available(steps: Vec<Arc<dyn ProvideCredentials>>) -> Option<Found> {
    (!steps.is_empty())
        .then(|| Found::Provider(Arc::new(crate::provider::FirstAvailable::new(steps))))
}

/// Base credentials, or a role assumed with them when `role_arn` is set.
#[cfg(feature = "tencent")]
fn tencent_with_role(
    config: &Config,
    base: Credentials,
    role_arn: Option<&str>,
    session_name: Option<&str>,
    origin: &str,
) -> Result<Found> {
    use crate::provider::TencentAssumeRole;
    let Some(arn) = role_arn else {
        return Ok(Found::Static(base));
    };
    let mut provider = TencentAssumeRole::new(base, arn)
        .map_err(|e| Error::credentials(format!("{origin}: {}", e.message())))?;
    if let Some(name) = session_name {
        provider = provider.session_name(name)?;
    }
    if let Some(endpoint) = tencent_sts_endpoint(config) {
        provider = provider.endpoint(endpoint);
    }
    if let Some(region) = &config.region {
        provider = provider.region(region.clone());
    }
    Ok(Found::Provider(Arc::new(provider)))
}

#[cfg(feature = "tencent")]
fn tencent_sts_endpoint(config: &Config) -> Option<String> {
    config
        .sts_endpoint
        .clone()
        .or_else(|| config.environment.var(env_vars::TENCENTCLOUD_STS_ENDPOINT))
}

/// The Tencent default chain (see the module docs). `Ok(None)`: no source has credentials.
#[cfg(feature = "tencent")]
pub(crate) fn tencent_default_chain(config: &Config) -> Result<Option<Found>> {
    use env_vars::*;
    let env = &config.environment;
    if let Some((id, key)) = env_pair(env, TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY)? {
        let mut credentials = Credentials::new(id, key);
        if let Some(token) = env.var(TENCENTCLOUD_TOKEN) {
            credentials = credentials.with_session_token(token);
        }
        let arn = env.var(TENCENTCLOUD_ROLE_ARN);
        let session = env.var(TENCENTCLOUD_ROLE_SESSION_NAME);
        return tencent_with_role(
            config,
            credentials,
            arn.as_deref(),
            session.as_deref(),
            TENCENTCLOUD_ROLE_ARN,
        )
        .map(Some);
    }
    if let Some(found) = tencent_profile(config)? {
        return Ok(Some(found));
    }
    let mut steps: Vec<Arc<dyn ProvideCredentials>> = Vec::new();
    if let Some(url) = metadata_endpoint(
        config,
        TENCENTCLOUD_METADATA_ENDPOINT,
        crate::provider::DEFAULT_CVM_METADATA_ENDPOINT,
    ) {
        steps.push(Arc::new(
            crate::provider::TencentCvmRole::new().endpoint(&url)?,
        ));
    }
    if let Some(mut provider) = crate::provider::TencentWebIdentity::from_env(env)? {
        if let Some(endpoint) = &config.sts_endpoint {
            provider = provider.endpoint(endpoint.clone());
        }
        steps.push(Arc::new(provider));
    }
    Ok(first_available(steps))
}

/// The profile step: section `[<profile>]` (default `default`) of the SDK file, else tccli's
/// `~/.tccli/<profile>.credential`.
#[cfg(feature = "tencent")]
fn tencent_profile(config: &Config) -> Result<Option<Found>> {
    use env_vars::*;
    let env = &config.environment;
    let name = config.profile.as_deref().unwrap_or("default");
    let profile = read_profile(env, TENCENTCLOUD_CREDENTIALS_FILE, ".tencentcloud")?;
    if let Some(section) = profile.as_ref().and_then(|p| p.section(name)) {
        let path = profile.as_ref().map(|p| p.path().display().to_string());
        let path = path.unwrap_or_default();
        let incomplete = |missing: &str| {
            Error::credentials(format!(
                "credentials file {path} line {}: section [{name}] has no `{missing}`",
                section.line()
            ))
        };
        let id = section
            .get("secret_id")
            .ok_or_else(|| incomplete("secret_id"))?;
        let key = section
            .get("secret_key")
            .ok_or_else(|| incomplete("secret_key"))?;
        let mut credentials = Credentials::new(id, key);
        if let Some(token) = section.get("token") {
            credentials = credentials.with_session_token(token);
        }
        let origin = format!("credentials file {path} section [{name}] `role_arn`");
        return tencent_with_role(
            config,
            credentials,
            section.get("role_arn"),
            section.get("role_session_name"),
            &origin,
        )
        .map(Some);
    }
    if let Some(found) = crate::cli_profiles::tccli(config, name)? {
        return Ok(Some(found));
    }
    if config.profile.is_some() {
        return Err(Error::credentials(format!(
            "profile `{name}` is neither a section of the Tencent credentials file nor \
             ~/.tccli/{name}.credential"
        )));
    }
    Ok(None)
}

/// The Huawei default chain (see the module docs). `Ok(None)`: no source has credentials.
#[cfg(feature = "huawei")]
pub(crate) fn huawei_default_chain(config: &Config) -> Result<Option<HuaweiIdentity>> {
    use env_vars::*;
    let env = &config.environment;
    let env_project_id = env.var(HUAWEICLOUD_SDK_PROJECT_ID);
    let from_env = |auth| {
        Ok(Some(HuaweiIdentity {
            auth,
            project_id: env_project_id.clone(),
        }))
    };
    if let Some(token) = env.var(HUAWEICLOUD_SDK_AUTH_TOKEN) {
        return from_env(HuaweiAuth::Token(Secret::new(token)));
    }
    let login = [
        HUAWEICLOUD_SDK_USER_NAME,
        HUAWEICLOUD_SDK_PASSWORD,
        HUAWEICLOUD_SDK_DOMAIN_NAME,
    ]
    .map(|name| (name, env.var(name)));
    if let [(_, Some(user)), (_, Some(password)), (_, Some(domain))] = login {
        return from_env(HuaweiAuth::Password(IamPassword::new(
            user, password, domain,
        )));
    }
    if login.iter().any(|(_, v)| v.is_some()) {
        let missing: Vec<&str> = login
            .iter()
            .filter(|(_, v)| v.is_none())
            .map(|(name, _)| *name)
            .collect();
        return Err(Error::credentials(format!(
            "IAM password login needs {HUAWEICLOUD_SDK_USER_NAME}, {HUAWEICLOUD_SDK_PASSWORD} \
             and {HUAWEICLOUD_SDK_DOMAIN_NAME}; not set: {}",
            missing.join(", ")
        )));
    }
    // Federated identity before AK/SK, as in the official SDK's environment provider.
    if let Some((idp_id, file)) =
        env_pair(env, HUAWEICLOUD_SDK_IDP_ID, HUAWEICLOUD_SDK_ID_TOKEN_FILE)?
    {
        let provider = huawei_federated(config, idp_id, file, None);
        return from_env(HuaweiAuth::Provider(Arc::new(provider)));
    }
    if let Some((ak, sk)) = env_pair(env, HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK)? {
        let mut credentials = Credentials::new(ak, sk);
        if let Some(token) = env.var(HUAWEICLOUD_SDK_SECURITY_TOKEN) {
            credentials = credentials.with_session_token(token);
        }
        return from_env(HuaweiAuth::AkSk(credentials));
    }
    if let Some(identity) = huawei_profile(config, env_project_id.clone())? {
        return Ok(Some(identity));
    }
    let mut steps: Vec<Arc<dyn ProvideCredentials>> = Vec::new();
    if let Some(url) = metadata_endpoint(
        config,
        HUAWEICLOUD_SDK_METADATA_ENDPOINT,
        crate::provider::DEFAULT_ECS_METADATA_ENDPOINT,
    ) {
        steps.push(Arc::new(
            crate::provider::HuaweiEcsMetadata::new().endpoint(&url)?,
        ));
    }
    Ok(first_available(steps).map(|found| HuaweiIdentity {
        auth: match found {
            Found::Static(credentials) => HuaweiAuth::AkSk(credentials),
            Found::Provider(provider) => HuaweiAuth::Provider(provider),
        },
        project_id: env_project_id,
    }))
}

/// Federated identity with the IAM endpoint of the configuration, the variable, the profile
/// file, in that order.
#[cfg(feature = "huawei")]
fn huawei_federated(
    config: &Config,
    idp_id: String,
    file: String,
    profile_iam_endpoint: Option<&str>,
) -> crate::provider::HuaweiFederated {
    let mut provider = crate::provider::HuaweiFederated::new(idp_id, file);
    let endpoint = config
        .iam_endpoint
        .as_ref()
        .map(ToString::to_string)
        .or_else(|| {
            config
                .environment
                .var(env_vars::HUAWEICLOUD_SDK_IAM_ENDPOINT)
        })
        .or_else(|| profile_iam_endpoint.map(str::to_owned))
        .or_else(|| config.endpoint.as_ref().map(ToString::to_string));
    if let Some(endpoint) = endpoint {
        provider = provider.iam_endpoint(endpoint);
    }
    provider
}

/// The profile step: section `[basic]` (or the named profile's) of the SDK file, else the
/// named profile of KooCLI's `~/.hcloud/config.json`.
#[cfg(feature = "huawei")]
fn huawei_profile(
    config: &Config,
    env_project_id: Option<String>,
) -> Result<Option<HuaweiIdentity>> {
    use env_vars::*;
    let env = &config.environment;
    let name = config.profile.as_deref().unwrap_or("basic");
    let profile = read_profile(env, HUAWEICLOUD_SDK_CREDENTIALS_FILE, ".huaweicloud")?;
    if let Some(section) = profile.as_ref().and_then(|p| p.section(name)) {
        let path = profile.as_ref().map(|p| p.path().display().to_string());
        let path = path.unwrap_or_default();
        let project_id = env_project_id.or_else(|| section.get("project_id").map(str::to_owned));
        if let (Some(idp_id), Some(file)) = (section.get("idp_id"), section.get("id_token_file")) {
            let provider = huawei_federated(
                config,
                idp_id.to_owned(),
                file.to_owned(),
                section.get("iam_endpoint"),
            );
            return Ok(Some(HuaweiIdentity {
                auth: HuaweiAuth::Provider(Arc::new(provider)),
                project_id,
            }));
        }
        let incomplete = |missing: &str| {
            Error::credentials(format!(
                "credentials file {path} line {}: section [{name}] has no `{missing}` (nor \
                 `idp_id` and `id_token_file`)",
                section.line()
            ))
        };
        let ak = section.get("ak").ok_or_else(|| incomplete("ak"))?;
        let sk = section.get("sk").ok_or_else(|| incomplete("sk"))?;
        let mut credentials = Credentials::new(ak, sk);
        if let Some(token) = section.get("security_token") {
            credentials = credentials.with_session_token(token);
        }
        return Ok(Some(HuaweiIdentity {
            auth: HuaweiAuth::AkSk(credentials),
            project_id,
        }));
    }
    if let Some(name) = config.profile.as_deref() {
        return match crate::cli_profiles::koocli(config, name)? {
            Some(identity) => Ok(Some(identity)),
            None => Err(Error::credentials(format!(
                "profile `{name}` is neither a section of the Huawei credentials file nor a \
                 profile of ~/.hcloud/config.json"
            ))),
        };
    }
    Ok(None)
}
