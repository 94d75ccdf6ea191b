//! [`Shared`]: the state every client of one configuration (and its clones) shares: the
//! corrected clock, the rate limiter, the metadata HTTP layer and each vendor's caches
//! (credentials, signing keys, IAM tokens), the last kept by type so that this module names no
//! vendor.

use std::any::{Any, TypeId};
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use crate::clock::Clock;
use crate::http::{HttpClient, ReqwestHttpClient};
use crate::provide_credentials::METADATA_CONNECT_TIMEOUT;
use crate::rate_limit::RateLimiter;
use crate::{Config, ProxyRules, Result, DEFAULT_POOL_IDLE_TIMEOUT};

/// State shared by every client of one [`Config`] (and its clones).
#[derive(Default)]
pub(crate) struct Shared {
    pub(crate) clock: Clock,
    pub(crate) rate_limiter: RateLimiter,
    /// The HTTP layer of metadata requests (short connect timeout), built on first use.
    metadata_http: OnceLock<Arc<dyn HttpClient>>,
    /// Each vendor's state, made on first use, by its type.
    vendor_states: RwLock<Vec<(TypeId, Arc<dyn Any + Send + Sync>)>>,
}

impl Shared {
    /// The metadata HTTP layer: the configuration's own when the user gave one, else a
    /// built-in client with [`METADATA_CONNECT_TIMEOUT`] and no proxy (metadata services are
    /// link-local).
    pub(crate) fn metadata_http(&self, config: &Config) -> Result<Arc<dyn HttpClient>> {
        if config.custom_http {
            return Ok(config.http.clone());
        }
        if let Some(http) = self.metadata_http.get() {
            return Ok(http.clone());
        }
        let built: Arc<dyn HttpClient> = Arc::new(ReqwestHttpClient::with_proxy_rules(
            METADATA_CONNECT_TIMEOUT,
            DEFAULT_POOL_IDLE_TIMEOUT,
            ProxyRules::none(),
        )?);
        Ok(self.metadata_http.get_or_init(|| built).clone())
    }

    /// The state of type `S` (one per vendor), made with `Default` on first use.
    #[cfg_attr(not(any(feature = "tencent", feature = "huawei")), allow(dead_code))]
    pub(crate) fn vendor_state<S: Default + Send + Sync + 'static>(&self) -> Arc<S> {
        let id = TypeId::of::<S>();
        let find = |states: &[(TypeId, Arc<dyn Any + Send + Sync>)]| {
            states
                .iter()
                .find(|(t, _)| *t == id)
                .and_then(|(_, state)| state.clone().downcast::<S>().ok())
        };
        if let Some(state) = find(&self.vendor_states.read().unwrap_or_else(|p| p.into_inner())) {
            return state;
        }
        let mut states = self
            .vendor_states
            .write()
            .unwrap_or_else(|p| p.into_inner());
        if let Some(state) = find(&states) {
            return state;
        }
        let state = Arc::new(S::default());
        states.push((id, state.clone()));
        state
    }
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Holds cached credentials and tokens: nothing of it is shown.
        f.write_str("Shared { .. }")
    }
}

/// A value resolved on first use and then kept. A failure is not kept: fixing the environment
/// or the file and calling again works.
#[derive(Debug)]
pub(crate) struct Resolved<T>(Mutex<Option<Arc<T>>>);

impl<T> Default for Resolved<T> {
    fn default() -> Self {
        Resolved(Mutex::new(None))
    }
}

impl<T> Resolved<T> {
    /// The kept value, or `resolve`'s (kept when it succeeds).
    #[cfg_attr(not(any(feature = "tencent", feature = "huawei")), allow(dead_code))]
    pub(crate) fn get_or_try(&self, resolve: impl FnOnce() -> Result<T>) -> Result<Arc<T>> {
        let mut kept = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(value) = &*kept {
            return Ok(value.clone());
        }
        let value = Arc::new(resolve()?);
        *kept = Some(value.clone());
        Ok(value)
    }
}
