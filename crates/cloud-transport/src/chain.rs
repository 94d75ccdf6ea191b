//! The default credentials chains of each vendor, in the official SDKs' order (documented in
//! [`credentials`](crate::credentials)): environment, profile files, the CLIs' files, instance
//! metadata, web or federated identity. Above the vendor modules and the providers: a vendor's
//! protocol gets its chain as a function from the registry (`vendors`), never by import.

use std::sync::Arc;

use crate::credentials::env_vars;
#[cfg(feature = "huawei")]
use crate::credentials::{HuaweiAuth, HuaweiIdentity, IamPassword};
use crate::profile::Profile;
use crate::provide_credentials::{Found, ProvideCredentials};
#[cfg(feature = "huawei")]
use crate::Secret;
use crate::{Config, Credentials, Environment, Error, Result};

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
    (!steps.is_empty()).then(|| {
        Found::Provider(Arc::new(crate::provide_credentials::FirstAvailable::new(
            steps,
        )))
    })
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
