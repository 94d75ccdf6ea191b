//! What every credentials provider is, and how a client uses one: the [`ProvideCredentials`]
//! trait, [`TemporaryCredentials`], the [`FetchContext`] a fetch gets, and the refreshing cache
//! ([`refresh`]) a client keeps around a provider.
//!
//! A leaf below the vendor modules: they sign with a [`CredentialSource`] and never know which
//! provider is behind it. The providers themselves (instance roles, STS, IAM federation) are in
//! [`provider`](crate::provider), which re-exports everything public here.

// Without a vendor feature nothing fetches credentials; the public types stay available.
#![cfg_attr(not(any(feature = "tencent", feature = "huawei")), allow(dead_code))]

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::http::HttpClient;
use crate::{Config, Credentials, Error, Result};

pub mod refresh;

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

/// What a default chain found: fixed credentials, or a provider of temporary ones.
#[derive(Debug)]
pub(crate) enum Found {
    #[cfg_attr(not(feature = "tencent"), allow(dead_code))]
    Static(Credentials),
    Provider(Arc<dyn ProvideCredentials>),
}
