//! Credentials and the default credentials chain.
//!
//! # The default chain
//!
//! When a [`Config`](crate::Config) is built without explicit credentials, each client looks them
//! up on its first call, for its own vendor, in this order:
//!
//! **Tencent Cloud** (feature `tencent`)
//! 1. `TENCENTCLOUD_SECRET_ID` + `TENCENTCLOUD_SECRET_KEY` (+ `TENCENTCLOUD_TOKEN` for temporary
//!    credentials);
//! 2. the profile file `$TENCENTCLOUD_CREDENTIALS_FILE`, else `~/.tencentcloud/credentials`:
//!    section `[default]`, keys `secret_id`, `secret_key` (and `token`).
//!
//! **Huawei Cloud** (feature `huawei`)
//! 1. `HUAWEICLOUD_SDK_AUTH_TOKEN`: an IAM token, sent as `X-Auth-Token`;
//! 2. `HUAWEICLOUD_SDK_USER_NAME` + `HUAWEICLOUD_SDK_PASSWORD` + `HUAWEICLOUD_SDK_DOMAIN_NAME`:
//!    IAM password login, tokens obtained and renewed by the client;
//! 3. `HUAWEICLOUD_SDK_AK` + `HUAWEICLOUD_SDK_SK` (+ `HUAWEICLOUD_SDK_SECURITY_TOKEN`): AK/SK
//!    signing;
//! 4. the profile file `$HUAWEICLOUD_SDK_CREDENTIALS_FILE`, else `~/.huaweicloud/credentials`:
//!    section `[basic]`, keys `ak`, `sk` (and `security_token`, `project_id`).
//!
//! A variable set without its partner (an id without a key), or a malformed file, is an error
//! naming the variable or the file and line; it does not fall through to the next source.

use std::fmt;

#[cfg(any(feature = "tencent", feature = "huawei"))]
use crate::{profile::Profile, Environment, Error, Result};

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
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum HuaweiAuth {
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

/// The Tencent default chain (see the module docs). `Ok(None)`: no source has credentials.
#[cfg(feature = "tencent")]
pub(crate) fn tencent_default_chain(env: &Environment) -> Result<Option<Credentials>> {
    use env_vars::*;
    if let Some((id, key)) = env_pair(env, TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY)? {
        let mut credentials = Credentials::new(id, key);
        if let Some(token) = env.var(TENCENTCLOUD_TOKEN) {
            credentials = credentials.with_session_token(token);
        }
        return Ok(Some(credentials));
    }
    let Some(profile) = read_profile(env, TENCENTCLOUD_CREDENTIALS_FILE, ".tencentcloud")? else {
        return Ok(None);
    };
    let Some(section) = profile.section("default") else {
        return Ok(None);
    };
    let incomplete = |missing: &str| {
        Error::credentials(format!(
            "credentials file {} line {}: section [default] has no `{missing}`",
            profile.path().display(),
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
    Ok(Some(credentials))
}

/// The Huawei default chain (see the module docs). `Ok(None)`: no source has credentials.
#[cfg(feature = "huawei")]
pub(crate) fn huawei_default_chain(env: &Environment) -> Result<Option<HuaweiIdentity>> {
    use env_vars::*;
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
    if let Some((ak, sk)) = env_pair(env, HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK)? {
        let mut credentials = Credentials::new(ak, sk);
        if let Some(token) = env.var(HUAWEICLOUD_SDK_SECURITY_TOKEN) {
            credentials = credentials.with_session_token(token);
        }
        return from_env(HuaweiAuth::AkSk(credentials));
    }
    let Some(profile) = read_profile(env, HUAWEICLOUD_SDK_CREDENTIALS_FILE, ".huaweicloud")? else {
        return Ok(None);
    };
    let Some(section) = profile.section("basic") else {
        return Ok(None);
    };
    let incomplete = |missing: &str| {
        Error::credentials(format!(
            "credentials file {} line {}: section [basic] has no `{missing}`",
            profile.path().display(),
            section.line()
        ))
    };
    let ak = section.get("ak").ok_or_else(|| incomplete("ak"))?;
    let sk = section.get("sk").ok_or_else(|| incomplete("sk"))?;
    let mut credentials = Credentials::new(ak, sk);
    if let Some(token) = section.get("security_token") {
        credentials = credentials.with_session_token(token);
    }
    Ok(Some(HuaweiIdentity {
        auth: HuaweiAuth::AkSk(credentials),
        project_id: env_project_id.or_else(|| section.get("project_id").map(str::to_owned)),
    }))
}
