//! The request context the handlers share: what a vendor protocol, an issuer or an admin
//! endpoint needs to answer (the catalog read from the specs, the instance store, the settings
//! with the clock and the accepted credentials, fault and task-failure rules, the rate limiter,
//! issued tokens and credentials, test certificates) and the request as read from the wire.
//!
//! A leaf for the handlers: the router ([`crate::router`]) and the HTTP server
//! ([`crate::server`]) build on it, and it imports neither, so the handlers never reach the
//! server.

use bytes::Bytes;
use hyper::header::HeaderMap;

use crate::catalog::Catalog;
use crate::certificates::CertificateCache;
use crate::config::Settings;
use crate::faults::Faults;
use crate::iam_tokens::Iam;
use crate::issued::Issued;
use crate::ratelimit::RateLimiter;
use crate::state::Store;
use crate::task_failures::TaskFailures;

/// Everything requests share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub catalog: Catalog,
    pub store: Store,
    pub settings: Settings,
    pub faults: Faults,
    pub task_failures: TaskFailures,
    pub limiter: RateLimiter,
    pub iam: Iam,
    pub certificates: CertificateCache,
    /// Temporary credentials issued, and their counts.
    pub issued: Issued,
}

/// A request, read completely.
#[derive(Debug)]
pub(crate) struct Request {
    pub method: String,
    /// The raw (still percent-encoded) path.
    pub path: String,
    /// The raw query string, without `?`.
    pub query: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Request {
    /// A header's value, if present and visible ASCII. `name` must be lowercase.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }
}
