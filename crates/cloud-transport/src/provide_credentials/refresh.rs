//! The cache in front of a credentials provider: refresh ahead of expiry, one refresh at a time.
//!
//! - Credentials are used until `margin` before they expire (at most half their lifetime, so
//!   short-lived ones are not refreshed on every call).
//! - Inside the margin, one caller refreshes while every other caller keeps using the old,
//!   still valid credentials: 100 concurrent calls cause one refresh (single flight).
//! - A refresh that fails while the old credentials are valid keeps them, and the next attempt
//!   waits a little ([`RETRY_AFTER_FAILED_REFRESH`], bounded by the time left).
//! - Without credentials, or once they expired, callers wait (until their deadline) for the one
//!   fetch in flight; a failed fetch is an error naming the provider.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::{FetchContext, ProvideCredentials, TemporaryCredentials};
use crate::{Credentials, Error, ErrorKind, Result};

/// How long after a failed refresh (with the old credentials still valid) the next one is tried.
pub const RETRY_AFTER_FAILED_REFRESH: Duration = Duration::from_secs(5);

/// A provider with its cache. `Debug` names the provider and shows no credentials.
pub struct RefreshingCredentials {
    provider: Arc<dyn ProvideCredentials>,
    margin: Duration,
    current: Mutex<Option<Cached>>,
    /// Held by the one caller that fetches.
    refresh: tokio::sync::Mutex<()>,
}

#[derive(Clone)]
struct Cached {
    credentials: Credentials,
    /// Unix milliseconds; `None`: never.
    expires_at_ms: Option<i64>,
    /// When a refresh is due (Unix milliseconds).
    refresh_at_ms: i64,
    /// No refresh before this after a failed one (Unix milliseconds).
    retry_at_ms: i64,
}

impl fmt::Debug for RefreshingCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshingCredentials")
            .field("provider", &self.provider.name())
            .field("margin", &self.margin)
            .finish_non_exhaustive()
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl RefreshingCredentials {
    /// A cache for `provider` refreshing `margin` before expiry.
    pub fn new(provider: Arc<dyn ProvideCredentials>, margin: Duration) -> Self {
        RefreshingCredentials {
            provider,
            margin,
            current: Mutex::new(None),
            refresh: tokio::sync::Mutex::new(()),
        }
    }

    /// The provider's name.
    pub fn provider_name(&self) -> &str {
        self.provider.name()
    }

    fn snapshot(&self) -> Option<Cached> {
        self.current
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn store(&self, fetched: TemporaryCredentials) -> Credentials {
        let now = now_ms();
        let expires_at_ms = fetched.expires_at().map(|s| s.saturating_mul(1000));
        let refresh_at_ms = match expires_at_ms {
            Some(expires) => {
                let lifetime = (expires - now).max(0);
                expires - millis(self.margin).min(lifetime / 2)
            }
            None => i64::MAX,
        };
        let credentials = fetched.credentials().clone();
        *self.current.lock().unwrap_or_else(|p| p.into_inner()) = Some(Cached {
            credentials: credentials.clone(),
            expires_at_ms,
            refresh_at_ms,
            retry_at_ms: 0,
        });
        credentials
    }

    async fn fetch(&self, cx: &FetchContext<'_>) -> Result<TemporaryCredentials> {
        let fetched = self.provider.fetch(cx).await?;
        tracing::debug!(
            provider = self.provider.name(),
            expires_in_seconds = fetched.expires_at().map(|e| e - crate::clock::local_unix()),
            "fetched temporary credentials"
        );
        Ok(fetched)
    }

    /// Valid credentials, refreshed when due.
    pub async fn get(&self, cx: &FetchContext<'_>) -> Result<Credentials> {
        let now = now_ms();
        if let Some(cached) = self.snapshot() {
            let valid = cached.expires_at_ms.is_none_or(|e| now < e);
            if valid && (now < cached.refresh_at_ms || now < cached.retry_at_ms) {
                return Ok(cached.credentials);
            }
            if valid {
                // Due for refresh but still valid: one caller refreshes, the others go on with
                // the old credentials.
                let Ok(_guard) = self.refresh.try_lock() else {
                    return Ok(cached.credentials);
                };
                if let Some(newer) = self.snapshot() {
                    if now_ms() < newer.refresh_at_ms {
                        return Ok(newer.credentials);
                    }
                }
                return match self.fetch(cx).await {
                    Ok(fetched) => Ok(self.store(fetched)),
                    Err(e) => {
                        let now = now_ms();
                        let left = cached.expires_at_ms.map_or(i64::MAX, |e| e - now);
                        let wait = millis(RETRY_AFTER_FAILED_REFRESH).min(left / 2).max(0);
                        tracing::warn!(
                            provider = self.provider.name(),
                            error = %e,
                            seconds_left = left / 1000,
                            "refreshing temporary credentials failed; the current ones are still \
                             valid and stay in use"
                        );
                        if let Some(current) = self
                            .current
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .as_mut()
                        {
                            current.retry_at_ms = now + wait;
                        }
                        Ok(cached.credentials)
                    }
                };
            }
        }
        // None yet, or expired: wait for the one fetch.
        let _guard = tokio::time::timeout_at(cx.deadline.into(), self.refresh.lock())
            .await
            .map_err(|_| {
                Error::new(
                    ErrorKind::Timeout,
                    format!(
                        "{}: the call's deadline passed while waiting for credentials being fetched",
                        self.provider.name()
                    ),
                )
            })?;
        let previous = self.snapshot();
        if let Some(cached) = &previous {
            let now = now_ms();
            if cached.expires_at_ms.is_none_or(|e| now < e) {
                return Ok(cached.credentials.clone());
            }
        }
        match self.fetch(cx).await {
            Ok(fetched) => Ok(self.store(fetched)),
            Err(e) => Err(match previous.and_then(|p| p.expires_at_ms) {
                Some(expired_at) => Error::credentials(format!(
                    "{}: the temporary credentials expired {} s ago and refreshing them failed: {e}",
                    self.provider.name(),
                    (now_ms() - expired_at).max(0) / 1000
                )),
                None => e,
            }),
        }
    }
}
