//! Integration tests of cloud-transport, one module per area.
//!
//! One test binary rather than one per file: each binary links the whole dependency graph, and on
//! two-core CI those links cost more time and disk than the tests themselves.

mod common;

mod credentials;
mod endpoints;
mod http_client;
mod huawei;
mod paginators;
mod providers;
mod retry_policy;
mod tencent;
mod timeouts;
mod tls;
mod waiters;
