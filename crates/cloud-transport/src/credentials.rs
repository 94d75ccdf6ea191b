//! Credentials: key pairs, secrets, Huawei's ways to authenticate, and the names of the
//! environment variables the default chains read.
//!
//! The default chains themselves are described here, for users; they are built by the
//! crate-private `chain` module.
//!
//! # The default chain
//!
//! When a [`Config`](crate::Config) is built without explicit credentials (or a
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
//! STS goes to `sts.tencentcloudapi.com`, or `ConfigBuilder::sts_endpoint`
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
//! `ConfigBuilder::iam_endpoint`, the profile's `iam_endpoint`, the
//! endpoint override), else `https://iam.myhuaweicloud.com`.
//!
//! The metadata step asks the real services only for the process environment: with a fixed
//! [`Environment`](crate::Environment) (tests, embedders) it is off unless a variable or
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

#[cfg(feature = "huawei")]
use std::sync::Arc;

#[cfg(feature = "huawei")]
use crate::provide_credentials::ProvideCredentials;
pub use crate::secret::Secret;

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
