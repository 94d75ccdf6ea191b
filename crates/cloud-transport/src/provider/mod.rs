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
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::http::HttpClient;
use crate::{Config, Credentials, Error, ErrorKind, Result};

pub(crate) mod fetch;
#[cfg(feature = "huawei")]
mod huawei;
pub mod refresh;
#[cfg(feature = "tencent")]
mod tencent;

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

/// Default for [`ConfigBuilder::credentials_refresh_margin`](crate::ConfigBuilder::credentials_refresh_margin):
/// temporary credentials are renewed when less than this is left (the Tencent SDKs' 300 s).
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// How long a metadata provider waits for a connection: short, so that a machine without a
/// metadata service (a laptop, CI) falls through the chain quickly.
pub const METADATA_CONNECT_TIMEOUT: Duration = Duration::from_secs(1);

/// How long one metadata request may take in all (name lookup, connection, answer), as the
/// official SDKs' 3 s read timeout.
pub const METADATA_REQUEST_TIMEOUT: Duration = Duration::from_secs(3);

/// Credentials with the time they stop working.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemporaryCredentials {
    credentials: Credentials,
    /// Unix seconds; `None`: they do not expire.
    expires_at: Option<i64>,
}

impl TemporaryCredentials {
    /// Credentials valid until `expires_at` (Unix seconds).
    pub fn new(credentials: Credentials, expires_at: i64) -> Self {
        TemporaryCredentials {
            credentials,
            expires_at: Some(expires_at),
        }
    }

    /// Credentials that do not expire.
    pub fn permanent(credentials: Credentials) -> Self {
        TemporaryCredentials {
            credentials,
            expires_at: None,
        }
    }

    /// The key pair and token.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// When they expire, in Unix seconds (`None`: never).
    pub fn expires_at(&self) -> Option<i64> {
        self.expires_at
    }
}

/// The future [`ProvideCredentials::fetch`] returns.
pub type FetchFuture<'a> = Pin<Box<dyn Future<Output = Result<TemporaryCredentials>> + Send + 'a>>;

/// A source of temporary credentials. Implementations fetch once per call of
/// [`fetch`](Self::fetch); caching, refresh ahead of expiry and single flight are the client's.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// A short name for errors and logs, e.g. `tencent-cvm-role`.
    fn name(&self) -> &str;

    /// Fetches a fresh set of credentials, finishing by [`FetchContext::deadline`].
    fn fetch<'a>(&'a self, cx: &'a FetchContext<'a>) -> FetchFuture<'a>;
}

/// What a provider may use while fetching: the client's HTTP layer and settings, and the
/// deadline of the call that needs the credentials.
pub struct FetchContext<'a> {
    pub(crate) config: &'a Config,
    pub(crate) deadline: Instant,
}

impl fmt::Debug for FetchContext<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FetchContext").finish_non_exhaustive()
    }
}

impl<'a> FetchContext<'a> {
    pub(crate) fn new(config: &'a Config, deadline: Instant) -> Self {
        FetchContext { config, deadline }
    }

    /// The instant by which the fetch must be done.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// The configuration's HTTP layer.
    pub fn http(&self) -> &Arc<dyn HttpClient> {
        &self.config.http
    }

    /// The HTTP layer for metadata services: the built-in client with a
    /// [`METADATA_CONNECT_TIMEOUT`], or the configuration's own layer when it was replaced.
    pub fn metadata_http(&self) -> Result<Arc<dyn HttpClient>> {
        self.config.shared.metadata_http(self.config)
    }
}

/// Tries providers in order and keeps the first that gives credentials: the tail of the
/// default chain whose steps can only be decided by asking (is there a metadata service?).
#[derive(Debug)]
pub(crate) struct FirstAvailable {
    steps: Vec<Arc<dyn ProvideCredentials>>,
    chosen: Mutex<Option<usize>>,
    name: String,
}

impl FirstAvailable {
    pub(crate) fn new(steps: Vec<Arc<dyn ProvideCredentials>>) -> Self {
        let name = steps
            .iter()
            .map(|s| s.name().to_owned())
            .collect::<Vec<_>>()
            .join(" / ");
        FirstAvailable {
            steps,
            chosen: Mutex::new(None),
            name,
        }
    }
}

impl ProvideCredentials for FirstAvailable {
    fn name(&self) -> &str {
        &self.name
    }

    fn fetch<'a>(&'a self, cx: &'a FetchContext<'a>) -> FetchFuture<'a> {
        Box::pin(async move {
            let chosen = *self.chosen.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(index) = chosen {
                return self.steps[index].fetch(cx).await;
            }
            let mut reasons = Vec::new();
            let mut last: Option<Error> = None;
            for (index, step) in self.steps.iter().enumerate() {
                match step.fetch(cx).await {
                    Ok(credentials) => {
                        tracing::debug!(provider = step.name(), "credentials chain step chosen");
                        *self.chosen.lock().unwrap_or_else(|p| p.into_inner()) = Some(index);
                        return Ok(credentials);
                    }
                    Err(e) => {
                        tracing::debug!(provider = step.name(), error = %e, "credentials chain step unavailable");
                        reasons.push(e.to_string());
                        last = Some(e);
                    }
                }
            }
            let message = format!(
                "no credentials: no environment variables or profile file gave any, and every \
                 remaining step of the chain failed: {}",
                reasons.join("; ")
            );
            // A service's refusal (an STS or IAM error code) stays matchable by its code.
            Err(
                match last
                    .as_ref()
                    .and_then(|e| e.code().map(|c| (c, e.http_status())))
                {
                    Some((code, status)) => {
                        let error = Error::service(code, message);
                        match status {
                            Some(status) => error.with_http_status(status),
                            None => error,
                        }
                    }
                    None => Error::credentials(message),
                },
            )
        })
    }
}

/// Where a client's credentials come from.
#[derive(Clone, Debug)]
pub(crate) enum CredentialSource {
    /// Given or found once: used as they are (Huawei keeps static keys in its own auth).
    #[cfg_attr(not(feature = "tencent"), allow(dead_code))]
    Static(Credentials),
    /// Fetched by a provider, cached and refreshed.
    Refreshing(Arc<refresh::RefreshingCredentials>),
}

impl CredentialSource {
    /// Wraps `provider` in a refreshing cache with the configuration's margin.
    pub(crate) fn provider(provider: Arc<dyn ProvideCredentials>, config: &Config) -> Self {
        CredentialSource::Refreshing(Arc::new(refresh::RefreshingCredentials::new(
            provider,
            config.refresh_margin,
        )))
    }

    /// The credentials to sign the next request with.
    pub(crate) async fn current(&self, config: &Config, deadline: Instant) -> Result<Credentials> {
        match self {
            CredentialSource::Static(credentials) => Ok(credentials.clone()),
            CredentialSource::Refreshing(cache) => {
                cache.get(&FetchContext::new(config, deadline)).await
            }
        }
    }
}

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
