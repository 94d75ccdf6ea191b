//! The request context the handlers share: what a vendor protocol, an issuer or an admin
//! endpoint needs to answer (the catalog read from the specs, the instance store, the settings
//! with the clock and the accepted credentials, fault and task-failure rules, the rate limiter,
//! issued tokens and credentials, test certificates) and the request as read from the wire.
//!
//! A leaf for the handlers: the router ([`crate::router`]) and the HTTP server
//! ([`crate::server`]) build on it, and it imports neither, so the handlers never reach the
//! server.

use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use cloud_spec::Operation;
use hyper::header::HeaderMap;
use serde_json::{Map, Value};

use crate::answer_cache::Rendered;
use crate::catalog::{Catalog, OpEntry, ServiceEntry};
use crate::certificates::CertificateCache;
use crate::config::Settings;
use crate::faults::Faults;
use crate::iam_tokens::Iam;
use crate::issued::{Issued, IssuedVendor, Lookup};
use crate::ops::{self, Call, CallError};
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
    /// A header's value, if present and visible ASCII. `name` in any case (the map lower-cases
    /// it on the stack).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }
}

impl Shared {
    /// The key a request of `vendor` says it is signed with: a configured one, else one the
    /// emulator issued (valid or expired at `now`), else unknown.
    pub(crate) fn signing_key(&self, vendor: IssuedVendor, id: &str, now: i64) -> Lookup<'_> {
        let accepted = &self.settings.accepted;
        let configured = match vendor {
            IssuedVendor::Tencent => accepted.tencent_key(id),
            IssuedVendor::Huawei => accepted.huawei_key(id),
        };
        match configured {
            Some(key) => Lookup::Valid(std::borrow::Cow::Borrowed(key)),
            None => self.issued.lookup(vendor, id, now),
        }
    }
}

/// The operation a request was routed to, in either vendor's protocol.
#[derive(Clone, Copy)]
pub(crate) struct Routed<'a> {
    pub svc: &'a ServiceEntry,
    pub name: &'a str,
    pub op: &'a Operation,
    pub entry: &'a OpEntry,
}

impl Routed<'_> {
    /// Counts the request under its operation (`RunningEmulator::request_count`).
    pub(crate) fn count(&self, shared: &Shared) {
        shared.store.record_request(&self.svc.key, self.name);
    }

    /// The operation's rate limit (requests per second) when it turns this request away;
    /// `None` when it admits it or limits are off.
    pub(crate) fn over_limit(&self, shared: &Shared) -> Option<u32> {
        let limit = self.op.rate_limit.filter(|_| shared.settings.rate_limits)?;
        let admitted = shared
            .limiter
            .admit(&self.svc.key, self.name, limit, Instant::now());
        (!admitted).then_some(limit)
    }

    /// Runs the call with its checked `input` against the shared state (`region` and
    /// `project_id` as [`Call`] has them).
    pub(crate) fn execute(
        &self,
        shared: &Shared,
        input: Map<String, Value>,
        region: Option<&str>,
        project_id: Option<&str>,
    ) -> Result<Arc<Rendered>, CallError> {
        let call = Call {
            svc: self.svc,
            name: self.name,
            op: self.op,
            entry: self.entry,
            input,
            region,
            project_id,
        };
        ops::execute(call, &shared.store, &shared.settings, &shared.task_failures)
    }
}
