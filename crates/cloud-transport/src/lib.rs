//! Signing, credentials, configuration, HTTP, retries and errors for the cloudcall service crates.
//!
//! Service crates (`tencent-mongodb`, `huawei-geminidb`, ...) are generated: each operation is a
//! `const` [`OperationInfo`], an input and an output type. Everything a call does at run time lives
//! here, in [`Client::call`]: resolve the endpoint, sign (TC3-HMAC-SHA256, Huawei SDK-HMAC-SHA256
//! or an IAM token), send, retry what is safe to retry, decode the vendor's envelope and map
//! errors into the one [`Error`] type.
//!
//! Cargo features: `tencent`, `huawei` (each vendor's code compiles only when enabled),
//! `rustls` (default) or `native-tls`, `test-util`.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod client;
pub mod codec;
mod config;
pub mod credentials;
mod error;
pub mod http;
mod meta;

pub use client::Client;
pub use config::{Config, ConfigBuilder};
pub use credentials::{Credentials, Secret};
pub use error::{Error, ErrorKind, Result, BODY_SNIPPET_LIMIT};
pub use meta::{EndpointRules, HttpBinding, OperationInfo, ParamLocation, ServiceInfo, Vendor};
