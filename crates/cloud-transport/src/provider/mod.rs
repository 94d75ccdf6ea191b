//! Credentials that come from somewhere at run time and expire: instance roles (Tencent CVM,
//! Huawei ECS metadata), assumed roles (Tencent STS `AssumeRole`), web identity (Tencent TKE
//! OIDC) and federated identity (Huawei IdP id plus id-token file).
//!
//! A provider ([`ProvideCredentials`]) fetches one set of [`TemporaryCredentials`]; the client
//! wraps it in a cache that refreshes ahead of expiry (see [`refresh`]), so a provider never
//! has to think about concurrency or timing. The default chain (see
//! [`credentials`](crate::credentials)) builds the providers from the environment; a program
//! can also give one to [`ConfigBuilder::credentials_provider`](crate::ConfigBuilder::credentials_provider).
//!
//! Every error a provider returns names it (`tencent-cvm-role: ...`) and never carries a
//! secret: response bodies that may hold keys are never quoted.

// Without a vendor feature nothing fetches credentials; the public types stay available.
#![cfg_attr(not(any(feature = "tencent", feature = "huawei")), allow(dead_code))]

use std::fmt;

use crate::{Error, ErrorKind, Result};

pub(crate) mod fetch;
#[cfg(feature = "huawei")]
mod huawei;
#[cfg(feature = "tencent")]
mod tencent;

pub use crate::provide_credentials::refresh;
pub use crate::provide_credentials::{
    FetchContext, FetchFuture, ProvideCredentials, TemporaryCredentials, DEFAULT_REFRESH_MARGIN,
    METADATA_CONNECT_TIMEOUT, METADATA_REQUEST_TIMEOUT,
};

#[cfg(feature = "huawei")]
pub use huawei::{
    HuaweiEcsMetadata, HuaweiFederated, DEFAULT_ECS_METADATA_ENDPOINT, DEFAULT_FEDERATED_DURATION,
    DEFAULT_IAM_ENDPOINT,
};
#[cfg(feature = "tencent")]
pub use tencent::{
    check_role_arn, TencentAssumeRole, TencentCvmRole, TencentWebIdentity,
    DEFAULT_CVM_METADATA_ENDPOINT, DEFAULT_STS_DURATION, DEFAULT_STS_REGION,
};

/// `error` with the provider's name in front, without a response body snippet (the body of a
/// credentials answer can hold the keys themselves).
pub(crate) fn named(provider: &str, error: Error) -> Error {
    let mut scrubbed = Error::new(error.kind(), format!("{provider}: {}", error.message()));
    if let Some(code) = error.code() {
        scrubbed = Error::service(code, scrubbed.message().to_owned());
    }
    if let Some(status) = error.http_status() {
        scrubbed = scrubbed.with_http_status(status);
    }
    if let Some(id) = error.request_id() {
        scrubbed = scrubbed.with_request_id(id.to_owned());
    }
    scrubbed
}

/// A credentials error naming the provider.
pub(crate) fn fail(provider: &str, what: impl fmt::Display) -> Error {
    Error::new(ErrorKind::Credentials, format!("{provider}: {what}"))
}

/// Reads a token file (web identity, id token): missing, unreadable, too large or empty files
/// are errors naming the provider and the path, never the contents.
pub(crate) fn read_token_file(provider: &str, path: &std::path::Path) -> Result<String> {
    const LIMIT: u64 = 64 * 1024;
    let bytes = crate::env::read_file_limited(path, LIMIT).map_err(|e| {
        let what = match e.kind() {
            std::io::ErrorKind::NotFound => "does not exist".to_owned(),
            std::io::ErrorKind::PermissionDenied => "cannot be read (permission denied)".to_owned(),
            _ => format!("cannot be read: {e}"),
        };
        fail(
            provider,
            format!("the token file {} {what}", path.display()),
        )
    })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        fail(
            provider,
            format!("the token file {} is not UTF-8 text", path.display()),
        )
    })?;
    let token = text.trim();
    if token.is_empty() {
        return Err(fail(
            provider,
            format!("the token file {} is empty", path.display()),
        ));
    }
    Ok(token.to_owned())
}

/// Unix seconds now, on the local clock.
pub(crate) fn now_unix() -> i64 {
    crate::clock::local_unix()
}

/// Fails when credentials expiring at `expires_at` are already expired.
pub(crate) fn check_not_expired(provider: &str, expires_at: i64) -> Result<()> {
    let now = now_unix();
    if expires_at <= now {
        return Err(fail(
            provider,
            format!(
                "the credentials it gave are already expired (expiry {expires_at}, now {now}, Unix seconds); \
                 check the clock or the service"
            ),
        ));
    }
    Ok(())
}
