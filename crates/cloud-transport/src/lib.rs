//! Signing, credentials, configuration, HTTP, retries and errors for the cloudcall service crates.
//!
//! Service crates (`tencent-mongodb`, `huawei-geminidb`, ...) are generated: each operation is a
//! `const` [`OperationInfo`], an input and an output type. Everything a call does at run time lives
//! here, in [`Client::call`]: resolve the endpoint, sign (TC3-HMAC-SHA256, Huawei SDK-HMAC-SHA256
//! or an IAM token), send, retry what is safe to retry, decode the vendor's envelope and map
//! errors into the one [`Error`] type.
//!
//! # Example
//!
//! Generated crates wrap this in typed methods; underneath, a call looks like this:
//!
//! ```no_run
//! # #[cfg(feature = "tencent")]
//! # async fn example() -> cloud_transport::Result<()> {
//! use cloud_transport::{Client, Config, Credentials, EndpointRules, OperationInfo, ServiceInfo, Vendor};
//!
//! static MONGODB: ServiceInfo = ServiceInfo {
//!     vendor: Vendor::Tencent,
//!     service: "mongodb",
//!     version: "2019-07-25",
//!     endpoint: EndpointRules {
//!         global: Some("mongodb.tencentcloudapi.com"),
//!         regional: "mongodb.{region}.tencentcloudapi.com",
//!         international: Some("mongodb.intl.tencentcloudapi.com"),
//!         region_overrides: &[],
//!         region_required: true,
//!     },
//!     sdk_name: "tencent-mongodb",
//!     sdk_version: "0.1.0",
//! };
//! const DESCRIBE_INSTANCE_SSL: OperationInfo = OperationInfo {
//!     name: "DescribeInstanceSSL",
//!     http: None,
//!     read_only: true,
//!     idempotent: false,
//!     rate_limit: Some(20),
//!     regions: &[],
//! };
//!
//! let config = Config::builder()
//!     .region("ap-guangzhou")
//!     // Leave this out to use TENCENTCLOUD_SECRET_ID / _KEY or ~/.tencentcloud/credentials.
//!     .credentials(Credentials::new("AKID...", "secret key"))
//!     .build()?;
//! let client = Client::new(&MONGODB, config);
//! let out = client
//!     .call_json(&DESCRIBE_INSTANCE_SSL, serde_json::json!({ "InstanceId": "cmgo-p8vnipr5" }))
//!     .await;
//! match out {
//!     Ok(response) => println!("{response}"),
//!     Err(e) if e.is_code("InvalidParameterValue.NotFoundInstance") => println!("no such instance"),
//!     Err(e) => eprintln!("{e}"), // `Code: message (request id ...)`
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # What a call does
//!
//! - **Endpoint**: [`EndpointRules::host_for`] from the region (global host without one,
//!   `region_overrides`, [`ConfigBuilder::international`]), or [`ConfigBuilder::endpoint`] for
//!   every service (plain http only to loopback unless [`ConfigBuilder::allow_insecure_http`]).
//! - **Credentials**: given to the builder, or the vendor's default chain in the official SDKs'
//!   order (environment, profile files, the instance's metadata service, web identity), see
//!   [`credentials`]. Instance roles, assumed roles (STS), web and federated identity are
//!   [`provider`]s whose temporary credentials are cached and refreshed ahead of expiry, one
//!   refresh at a time. Huawei also takes an IAM token or an IAM password login; the client then
//!   sends `X-Auth-Token` and renews tokens itself.
//! - **Proxies**: HTTPS through `HTTPS_PROXY`/`ALL_PROXY` unless `NO_PROXY` exempts the host;
//!   plain HTTP and loopback hosts always directly, see [`ProxyRules`].
//! - **Timeouts**: connect (10 s), per attempt (30 s) and per call (90 s), see [`ConfigBuilder`].
//! - **Retries**: see [`retry`]: throttling always, transport failures only for read-only or
//!   idempotent operations, exponential backoff with full jitter, one clock-corrected retry after
//!   `AuthFailure.SignatureExpire`.
//! - **Errors**: one [`Error`] with [`ErrorKind`], code, message, request id and HTTP status.
//! - **Secrets**: [`Secret`] hides itself; no `Debug`, `Display`, error or log line of this crate
//!   contains a secret key, token, password or `Authorization` value.
//! - **Tracing**: a `cloud_call` span per call with `service`, `action`, `attempts`, `status`,
//!   `request_id` and `latency_ms`; debug events per attempt.
//! - **Waiters** ([`wait`]): follow a task, a condition or a resource's state until the change
//!   has finished, with a deadline, backoff, progress and a typed outcome.
//! - **Paginators** ([`paginate`]): every page or item of a list operation, as async iterators
//!   and `Stream`s, refusing servers that repeat pages.
//!
//! # Cargo features
//!
//! - `tencent`, `huawei`: each vendor's protocol, credentials chain and envelope compile only
//!   when enabled (a Tencent crate compiles no Huawei code);
//! - `rustls` (default) or `native-tls`: TLS for the built-in reqwest client (native wins when
//!   both are on);
//! - `test-util`: `test_util::ScriptedHttpClient`, a scripted, recording HTTP layer for tests;
//!   and `example_checks`, what the service crates' generated example tests check.

#![forbid(unsafe_code)]
// docs.rs (nightly, `--cfg docsrs`) labels each feature-gated item with the features it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

mod calendar;
mod call;
#[cfg(any(feature = "tencent", feature = "huawei"))]
mod chain;
#[cfg(any(feature = "tencent", feature = "huawei"))]
mod cli_profiles;
mod client;
mod clock;
pub mod codec;
mod config;
pub mod credentials;
mod endpoint;
mod env;
mod error;
#[cfg(feature = "test-util")]
pub mod example_checks;
#[doc(hidden)]
pub mod fuzzing;
pub mod http;
#[cfg(feature = "huawei")]
mod huawei;
pub mod json_path;
mod meta;
pub mod paginate;
#[cfg(any(feature = "tencent", feature = "huawei"))]
mod profile;
mod protocol;
mod provide_credentials;
pub mod provider;
mod proxy;
mod rate_limit;
mod response;
pub mod retry;
mod secret;
mod shared;
pub mod sign;
#[cfg(feature = "tencent")]
mod tencent;
#[cfg(feature = "test-util")]
pub mod test_util;
mod vendors;
pub mod wait;

pub use client::Client;
pub use config::{
    Config, ConfigBuilder, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_OPERATION_TIMEOUT, DEFAULT_POOL_IDLE_TIMEOUT,
};
#[cfg(feature = "huawei")]
pub use credentials::IamPassword;
pub use credentials::{Credentials, Secret};
pub use env::{read_file_limited, Environment};
pub use error::{Error, ErrorKind, Result, BODY_SNIPPET_LIMIT};
pub use meta::{EndpointRules, HttpBinding, OperationInfo, ParamLocation, ServiceInfo, Vendor};
pub use provider::{ProvideCredentials, TemporaryCredentials};
pub use proxy::ProxyRules;
pub use retry::{FailedAttempt, RetryConfig, RetryDecision, RetryPolicy};
