//! Client configuration.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::endpoint::BaseUrl;
use crate::http::{HttpClient, ReqwestHttpClient};
use crate::provide_credentials::{ProvideCredentials, DEFAULT_REFRESH_MARGIN};
use crate::retry::{RetryConfig, RetryPolicy};
use crate::{Credentials, Environment, Error, ProxyRules, Result};

#[cfg(feature = "huawei")]
use crate::credentials::{HuaweiAuth, IamPassword};

/// Default for [`ConfigBuilder::connect_timeout`].
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default for [`ConfigBuilder::attempt_timeout`].
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default for [`ConfigBuilder::operation_timeout`].
pub const DEFAULT_OPERATION_TIMEOUT: Duration = Duration::from_secs(90);
/// Default for [`ConfigBuilder::pool_idle_timeout`]: below the 60 s after which Tencent's servers
/// close idle keep-alive connections, so no request is sent on a connection being closed.
pub const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(50);

/// Configuration shared by all calls of a client: region, credentials, endpoint, timeouts,
/// retries and the HTTP layer.
///
/// Cheap to clone. Clones, and every [`Client`](crate::Client) made from them, share the
/// connection pool and the caches (credentials found by the default chain, IAM tokens, project
/// ids, the clock correction, the rate limiter). `Debug` never shows a secret.
#[derive(Clone)]
pub struct Config {
    pub(crate) region: Option<String>,
    pub(crate) credentials: Option<Credentials>,
    pub(crate) endpoint: Option<BaseUrl>,
    pub(crate) international: bool,
    #[cfg(feature = "tencent")]
    pub(crate) language: Option<String>,
    #[cfg(feature = "huawei")]
    pub(crate) project_id: Option<String>,
    #[cfg(feature = "huawei")]
    pub(crate) huawei_auth: Option<HuaweiAuth>,
    #[cfg(feature = "huawei")]
    pub(crate) iam_endpoint: Option<BaseUrl>,
    pub(crate) allow_insecure_http: bool,
    /// A provider of temporary credentials given to the builder.
    pub(crate) credentials_provider: Option<Arc<dyn ProvideCredentials>>,
    pub(crate) refresh_margin: Duration,
    /// The named profile of the profile step (`None`: the SDKs' default section).
    pub(crate) profile: Option<String>,
    /// `Some(false)`: no metadata step; `Some(true)`: the real one even for a fixed environment.
    pub(crate) instance_metadata: Option<bool>,
    pub(crate) metadata_endpoint: Option<String>,
    #[cfg(feature = "tencent")]
    pub(crate) sts_endpoint: Option<String>,
    /// The answers carry credentials (STS, IAM federation): errors never quote their body.
    #[cfg_attr(not(any(feature = "tencent", feature = "huawei")), allow(dead_code))]
    pub(crate) secret_answers: bool,
    /// Requests go unsigned (`Authorization: SKIP`): Tencent STS web identity only.
    #[cfg_attr(not(feature = "tencent"), allow(dead_code))]
    pub(crate) anonymous: bool,
    /// Whether `http` was given by the user (then metadata requests use it too).
    pub(crate) custom_http: bool,
    pub(crate) connect_timeout: Duration,
    pub(crate) attempt_timeout: Duration,
    pub(crate) operation_timeout: Duration,
    pub(crate) retry: RetryConfig,
    /// The policy the call loop asks; `retry` unless a custom one was given.
    pub(crate) retry_policy: Arc<dyn RetryPolicy>,
    pub(crate) rate_limit: bool,
    pub(crate) environment: Environment,
    pub(crate) http: Arc<dyn HttpClient>,
    pub(crate) shared: Arc<crate::shared::Shared>,
}

impl Config {
    /// Starts a configuration.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// A configuration that takes everything from the environment: credentials, region and
    /// (Huawei) project id come from the default chain of each client's vendor, on its first
    /// call (see [`credentials`](crate::credentials)). Same as `Config::builder().build()`.
    pub fn from_env() -> Result<Config> {
        Config::builder().build()
    }

    /// The region given to the builder (the environment's is looked up per vendor at call time).
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The timeout for establishing a connection.
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    /// The timeout for one attempt: sending the request and reading the whole response.
    pub fn attempt_timeout(&self) -> Duration {
        self.attempt_timeout
    }

    /// The deadline of a whole call: every attempt, wait and IAM request included.
    pub fn operation_timeout(&self) -> Duration {
        self.operation_timeout
    }

    /// The retry settings (those of the default policy; see [`Config::retry_policy`]).
    pub fn retry(&self) -> RetryConfig {
        self.retry
    }

    /// The retry policy calls follow: [`Config::retry`] unless
    /// [`ConfigBuilder::retry_policy`] gave another.
    pub fn retry_policy(&self) -> &dyn RetryPolicy {
        self.retry_policy.as_ref()
    }

    // ----- per-call overrides -----
    //
    // A configuration is cheap to clone and its clones share the connection pool and the caches,
    // so a different deadline or retry policy for some calls is a clone with the change: for one
    // call, the generated `Request::config_override(|c| c.with_operation_timeout(..))`; for a
    // group of calls, `Client::new(config.clone().with_operation_timeout(..)?)`.

    /// This configuration with another deadline for a whole call (longer than zero, at most 24
    /// hours).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidConfig`](crate::ErrorKind::InvalidConfig) for a zero or longer deadline.
    pub fn with_operation_timeout(mut self, timeout: Duration) -> Result<Config> {
        self.operation_timeout = positive("operation_timeout", Some(timeout), timeout)?;
        Ok(self)
    }

    /// This configuration with another timeout per attempt (longer than zero, at most 24 hours).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidConfig`](crate::ErrorKind::InvalidConfig) for a zero or longer timeout.
    pub fn with_attempt_timeout(mut self, timeout: Duration) -> Result<Config> {
        self.attempt_timeout = positive("attempt_timeout", Some(timeout), timeout)?;
        Ok(self)
    }

    /// This configuration with other retry settings (and the default policy over them).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidConfig`](crate::ErrorKind::InvalidConfig) for settings out of range.
    pub fn with_retry(mut self, retry: RetryConfig) -> Result<Config> {
        retry.validate()?;
        self.retry = retry;
        self.retry_policy = Arc::new(retry);
        Ok(self)
    }

    /// This configuration with another retry policy.
    pub fn with_retry_policy(mut self, policy: impl RetryPolicy + 'static) -> Config {
        self.retry_policy = Arc::new(policy);
        self
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Config");
        d.field("region", &self.region)
            .field("credentials", &self.credentials)
            .field("endpoint", &self.endpoint)
            .field("international", &self.international);
        #[cfg(feature = "tencent")]
        d.field("language", &self.language);
        #[cfg(feature = "huawei")]
        d.field("project_id", &self.project_id)
            .field("huawei_auth", &self.huawei_auth)
            .field("iam_endpoint", &self.iam_endpoint);
        d.field("allow_insecure_http", &self.allow_insecure_http)
            .field("credentials_provider", &self.credentials_provider)
            .field("refresh_margin", &self.refresh_margin)
            .field("profile", &self.profile)
            .field("instance_metadata", &self.instance_metadata)
            .field("metadata_endpoint", &self.metadata_endpoint)
            .field("connect_timeout", &self.connect_timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("operation_timeout", &self.operation_timeout)
            .field("retry", &self.retry)
            .field("retry_policy", &self.retry_policy)
            .field("rate_limit", &self.rate_limit)
            .field("environment", &self.environment)
            .field("http", &self.http)
            .finish_non_exhaustive()
    }
}

/// The longest timeout accepted.
const LONGEST: Duration = Duration::from_secs(24 * 3600);

/// A timeout `value` (default `default`) named `name`, checked: longer than zero, at most 24 hours.
fn positive(name: &str, value: Option<Duration>, default: Duration) -> Result<Duration> {
    let value = value.unwrap_or(default);
    if value.is_zero() || value > LONGEST {
        Err(Error::invalid_config(format!(
            "{name} must be longer than zero and at most 24 hours, not {value:?}"
        )))
    } else {
        Ok(value)
    }
}

/// Builds a [`Config`]. Every setting is optional.
///
/// Settings not given here come from each vendor's default chain (see
/// [`credentials`](crate::credentials)): credentials, region, and for Huawei the project id, IAM
/// token or IAM login. Giving any credential here (AK/SK, token or login) replaces the chain's
/// credentials as a whole. Timeouts must be longer than zero and at most 24 hours; `build`
/// says which setting is wrong.
#[derive(Default)]
pub struct ConfigBuilder {
    region: Option<String>,
    credentials: Option<Credentials>,
    endpoint: Option<String>,
    international: bool,
    #[cfg(feature = "tencent")]
    language: Option<String>,
    #[cfg(feature = "huawei")]
    project_id: Option<String>,
    #[cfg(feature = "huawei")]
    huawei_auth: Option<HuaweiAuth>,
    #[cfg(feature = "huawei")]
    iam_endpoint: Option<String>,
    allow_insecure_http: bool,
    credentials_provider: Option<Arc<dyn ProvideCredentials>>,
    refresh_margin: Option<Duration>,
    profile: Option<String>,
    instance_metadata: Option<bool>,
    metadata_endpoint: Option<String>,
    #[cfg(feature = "tencent")]
    sts_endpoint: Option<String>,
    connect_timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    operation_timeout: Option<Duration>,
    pool_idle_timeout: Option<Duration>,
    retry: Option<RetryConfig>,
    retry_policy: Option<Arc<dyn RetryPolicy>>,
    rate_limit: bool,
    environment: Option<Environment>,
    http: Option<Arc<dyn HttpClient>>,
}

impl fmt::Debug for ConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("ConfigBuilder");
        d.field("region", &self.region)
            .field("credentials", &self.credentials)
            .field("endpoint", &self.endpoint);
        #[cfg(feature = "huawei")]
        d.field("project_id", &self.project_id)
            .field("huawei_auth", &self.huawei_auth);
        d.field("credentials_provider", &self.credentials_provider)
            .field("profile", &self.profile)
            .field("environment", &self.environment)
            .finish_non_exhaustive()
    }
}

impl ConfigBuilder {
    /// Sets the region (`ap-guangzhou`, `cn-north-4`). Tencent services without a region use
    /// their global endpoint and send no `X-TC-Region`; Huawei services need one (or an
    /// endpoint override plus a project id).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Sets static credentials: Tencent SecretId/SecretKey, or Huawei AK/SK for signing.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Sends every request to this base URL instead of the service's endpoint: `https://host`,
    /// `https://host:port`, a bare host (taken as https) or, for loopback addresses only,
    /// `http://127.0.0.1:port` (see [`allow_insecure_http`](Self::allow_insecure_http)). Every
    /// service shares it; Huawei IAM requests go there too unless an IAM endpoint is set (the
    /// cloud-emulator serves IAM as well).
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    /// Allows `http://` endpoints on non-loopback hosts. Requests then carry signatures and
    /// tokens in clear text: only for networks you trust. Default `false`.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Uses the service's international-site host when it has one
    /// (`mongodb.intl.tencentcloudapi.com`). Default `false`.
    pub fn international(mut self, international: bool) -> Self {
        self.international = international;
        self
    }

    /// Tencent: the language of error messages, sent as `X-TC-Language` (`zh-CN` or `en-US`).
    #[cfg(feature = "tencent")]
    pub fn language(mut self, language: impl Into<String>) -> Self {
        self.language = Some(language.into());
        self
    }

    /// Huawei: the project id used for `{project_id}` in paths. Without it, the client uses
    /// `HUAWEICLOUD_SDK_PROJECT_ID`, the profile file's, the one in an IAM token, or looks it up
    /// once per (AK, region) with IAM `GET /v3/projects?name=<region>`.
    #[cfg(feature = "huawei")]
    pub fn project_id(mut self, id: impl Into<String>) -> Self {
        self.project_id = Some(id.into());
        self
    }

    /// Huawei: authenticates with this IAM token (`X-Auth-Token`, unsigned) instead of AK/SK.
    /// The caller keeps it valid: a token lives 24 hours.
    #[cfg(feature = "huawei")]
    pub fn huawei_token(mut self, token: impl Into<String>) -> Self {
        self.huawei_auth = Some(HuaweiAuth::Token(crate::Secret::new(token)));
        self
    }

    /// Huawei: authenticates with IAM tokens the client obtains with this login (project
    /// scope: the region), caches and renews before they expire.
    #[cfg(feature = "huawei")]
    pub fn iam_password(mut self, login: IamPassword) -> Self {
        self.huawei_auth = Some(HuaweiAuth::Password(login));
        self
    }

    /// Huawei: the IAM endpoint for tokens and project lookups. Default
    /// `HUAWEICLOUD_SDK_IAM_ENDPOINT`, else the endpoint override, else
    /// `https://iam.<region>.<the service's domain>` (`iam.cn-north-4.myhuaweicloud.com`,
    /// `iam.eu-west-101.myhuaweicloud.eu`). The same http rules as for
    /// [`endpoint`](Self::endpoint) apply.
    #[cfg(feature = "huawei")]
    pub fn iam_endpoint(mut self, url: impl Into<String>) -> Self {
        self.iam_endpoint = Some(url.into());
        self
    }

    /// Uses temporary credentials from `provider` (an instance role, an assumed role, web or
    /// federated identity, see [`provider`](crate::provider)), cached and refreshed ahead of
    /// expiry. Replaces the default chain; static credentials given too win.
    pub fn credentials_provider(mut self, provider: Arc<dyn ProvideCredentials>) -> Self {
        self.credentials_provider = Some(provider);
        self
    }

    /// How long before they expire temporary credentials are refreshed (at most half their
    /// lifetime). Default [`DEFAULT_REFRESH_MARGIN`] (5 minutes).
    pub fn credentials_refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = Some(margin);
        self
    }

    /// The named profile the default chain's profile step reads: section `[name]` of the SDK
    /// credentials file, else tccli's `~/.tccli/<name>.credential` (Tencent) or the KooCLI
    /// profile `name` in `~/.hcloud/config.json` (Huawei). Default: `[default]` (Tencent) and
    /// `[basic]` (Huawei) of the SDK files, then `~/.tccli/default.credential`.
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// Turns the default chain's instance-metadata step (Tencent CVM role, Huawei ECS
    /// metadata) off (`false`) or on (`true`). Default: on for the process environment, off
    /// for a fixed [`Environment`] unless `TENCENTCLOUD_METADATA_ENDPOINT` /
    /// `HUAWEICLOUD_SDK_METADATA_ENDPOINT` or [`metadata_endpoint`](Self::metadata_endpoint)
    /// names a service.
    pub fn instance_metadata(mut self, enabled: bool) -> Self {
        self.instance_metadata = Some(enabled);
        self
    }

    /// The metadata service the chain's instance step asks (`http://host:port`), instead of
    /// `http://metadata.tencentyun.com` (Tencent) and `http://169.254.169.254` (Huawei).
    pub fn metadata_endpoint(mut self, url: impl Into<String>) -> Self {
        self.metadata_endpoint = Some(url.into());
        self
    }

    /// Tencent: the STS endpoint of the chain's assumed roles and web identity, instead of
    /// `TENCENTCLOUD_STS_ENDPOINT` or `sts.tencentcloudapi.com`.
    #[cfg(feature = "tencent")]
    pub fn sts_endpoint(mut self, url: impl Into<String>) -> Self {
        self.sts_endpoint = Some(url.into());
        self
    }

    /// How long to wait for a connection. Default [`DEFAULT_CONNECT_TIMEOUT`] (10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How long one attempt may take, from sending to the end of the response body. Default
    /// [`DEFAULT_ATTEMPT_TIMEOUT`] (30 s).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// The deadline of a whole call, all attempts, waits and IAM requests included. Default
    /// [`DEFAULT_OPERATION_TIMEOUT`] (90 s).
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = Some(timeout);
        self
    }

    /// How long an idle pooled connection is kept. Default [`DEFAULT_POOL_IDLE_TIMEOUT`] (50 s).
    /// Applies to the built-in HTTP client only.
    pub fn pool_idle_timeout(mut self, timeout: Duration) -> Self {
        self.pool_idle_timeout = Some(timeout);
        self
    }

    /// Replaces the retry policy (default: the [`RetryConfig`] of [`ConfigBuilder::retry`]);
    /// see [`RetryPolicy`].
    pub fn retry_policy(mut self, policy: impl RetryPolicy + 'static) -> Self {
        self.retry_policy = Some(Arc::new(policy));
        self
    }

    /// Sets the retry behaviour. Default [`RetryConfig::standard`] (3 attempts).
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Spaces requests per action to stay within the documented limit
    /// ([`OperationInfo::rate_limit`](crate::OperationInfo::rate_limit)), shared by every client
    /// of this configuration. Default `false`.
    ///
    /// A request counts against the limit from when it is sent until one second after its
    /// answer, so the service never sees more than the limit in one second, however long the
    /// requests take to arrive. A request that would have to wait past the operation's deadline
    /// fails at once with a timeout.
    pub fn rate_limit(mut self, enabled: bool) -> Self {
        self.rate_limit = enabled;
        self
    }

    /// Where the default chain reads variables and profile files. Default
    /// [`Environment::process`]; [`Environment::empty`] turns the chain off.
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = Some(environment);
        self
    }

    /// Uses this HTTP layer instead of the built-in reqwest client (then the connect and
    /// pool settings are the layer's business; the attempt and operation timeouts still apply).
    pub fn http_client(mut self, client: Arc<dyn HttpClient>) -> Self {
        self.http = Some(client);
        self
    }

    /// Checks the configuration and builds it.
    pub fn build(self) -> Result<Config> {
        // Bounded above too, so that deadlines computed from them cannot overflow.
        let connect_timeout = positive(
            "connect_timeout",
            self.connect_timeout,
            DEFAULT_CONNECT_TIMEOUT,
        )?;
        let attempt_timeout = positive(
            "attempt_timeout",
            self.attempt_timeout,
            DEFAULT_ATTEMPT_TIMEOUT,
        )?;
        let operation_timeout = positive(
            "operation_timeout",
            self.operation_timeout,
            DEFAULT_OPERATION_TIMEOUT,
        )?;
        let pool_idle_timeout = positive(
            "pool_idle_timeout",
            self.pool_idle_timeout,
            DEFAULT_POOL_IDLE_TIMEOUT,
        )?;
        let refresh_margin = self.refresh_margin.unwrap_or(DEFAULT_REFRESH_MARGIN);
        if refresh_margin > LONGEST {
            return Err(Error::invalid_config(format!(
                "credentials_refresh_margin must be at most 24 hours, not {refresh_margin:?}"
            )));
        }
        let retry = self.retry.unwrap_or_default();
        retry.validate()?;
        if let Some(region) = &self.region {
            crate::endpoint::check_region(region)?;
        }
        let endpoint = self
            .endpoint
            .as_deref()
            .map(|e| BaseUrl::parse(e, self.allow_insecure_http))
            .transpose()?;
        #[cfg(feature = "tencent")]
        if let Some(language) = &self.language {
            if language.is_empty()
                || !language
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            {
                return Err(Error::invalid_config(format!(
                    "`{language}` is not a language tag like zh-CN or en-US"
                )));
            }
        }
        #[cfg(feature = "huawei")]
        let iam_endpoint = self
            .iam_endpoint
            .as_deref()
            .map(|e| BaseUrl::parse(e, self.allow_insecure_http))
            .transpose()?;
        let custom_http = self.http.is_some();
        let http = match self.http {
            Some(http) => http,
            None => Arc::new(ReqwestHttpClient::with_proxy_rules(
                connect_timeout,
                pool_idle_timeout,
                ProxyRules::from_environment(
                    self.environment.as_ref().unwrap_or(&Environment::process()),
                )?,
            )?),
        };
        Ok(Config {
            region: self.region,
            credentials: self.credentials,
            endpoint,
            international: self.international,
            #[cfg(feature = "tencent")]
            language: self.language,
            #[cfg(feature = "huawei")]
            project_id: self.project_id,
            #[cfg(feature = "huawei")]
            huawei_auth: self.huawei_auth,
            #[cfg(feature = "huawei")]
            iam_endpoint,
            allow_insecure_http: self.allow_insecure_http,
            credentials_provider: self.credentials_provider,
            refresh_margin,
            profile: self.profile,
            instance_metadata: self.instance_metadata,
            metadata_endpoint: self.metadata_endpoint,
            #[cfg(feature = "tencent")]
            sts_endpoint: self.sts_endpoint,
            anonymous: false,
            secret_answers: false,
            custom_http,
            connect_timeout,
            attempt_timeout,
            operation_timeout,
            retry,
            retry_policy: self.retry_policy.unwrap_or_else(|| Arc::new(retry)),
            rate_limit: self.rate_limit,
            environment: self.environment.unwrap_or_default(),
            http,
            shared: Arc::default(),
        })
    }
}
