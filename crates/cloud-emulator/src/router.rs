//! The router: decides which vendor a request speaks ([`dialect_of`]), routes it to the admin
//! endpoints, the credential issuers, the IAM endpoints or a vendor protocol, and applies the
//! fault a header or a rule selects around the handler's answer.
//!
//! The handlers read the shared request context ([`crate::context`]) and never the router or
//! the HTTP server: requests flow one way, server -> router -> handler.

use hyper::header::HeaderMap;
use tokio::sync::watch;

use crate::catalog::Catalog;
use crate::context::{Request, Shared};
use crate::faults::{Fault, Phase};
use crate::reply::{self, request_id, Dialect, Reply};
use crate::{admin, huawei, iam, issuers, tencent};

/// The request header that selects a fault for one request.
pub const FAULT_HEADER: &str = "X-Emulator-Fault";
/// [`FAULT_HEADER`] as HTTP/1 requests arrive with it (lower case), looked up on every request.
const FAULT_HEADER_LOWER: &str = "x-emulator-fault";
/// The response header naming the fault that was injected.
pub const FAULT_INJECTED_HEADER: &str = "X-Emulator-Fault-Injected";

/// Which vendor a request is for. Only Tencent API 3.0 requests name an action, in
/// `X-TC-Action` (or, in the GET form, an `Action` query parameter), or are TC3-signed; they go
/// to `/`. Huawei paths can be `/` too (GeminiDB `ListApiVersion` is `GET /`), so a request to
/// `/` without those marks is Huawei's when a Huawei operation serves its method there, and
/// otherwise Tencent's (most likely a Tencent request missing its action, which the Tencent
/// error then names).
pub(crate) fn dialect_of(
    catalog: &Catalog,
    method: &str,
    uri: &hyper::Uri,
    headers: &HeaderMap,
) -> Dialect {
    if uri.path() != "/" {
        return Dialect::Huawei;
    }
    let names_action = headers.contains_key("x-tc-action")
        || uri
            .query()
            .is_some_and(|q| q.split('&').any(|pair| pair.starts_with("Action=")));
    let tc3_signed = headers
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("TC3-"));
    if !names_action && !tc3_signed && catalog.huawei(method, "/").is_some() {
        Dialect::Huawei
    } else {
        Dialect::Tencent
    }
}

/// What a request is for, once routed.
enum Target<'a> {
    Tencent(tencent::Route<'a>),
    Huawei(huawei::Route<'a>),
    Iam(&'static str),
    Issuer(issuers::Route),
}

/// Answers a request whose body has been read: admin endpoints first, then the fault a header
/// or a rule selects, then the vendor handler the request is routed to. Waits out an injected
/// latency unless `shutdown` turns true first.
pub(crate) async fn dispatch(
    req: &Request,
    shared: &Shared,
    dialect: Dialect,
    shutdown: &watch::Receiver<bool>,
) -> Reply {
    if req.path == admin::PREFIX || req.path.starts_with("/_emulator/") {
        return admin::serve(req, shared);
    }
    let header_fault = match req.header(FAULT_HEADER_LOWER).map(str::parse::<Fault>) {
        None => None,
        Some(Ok(fault)) => Some(fault),
        Some(Err(e)) => {
            let message = format!("{FAULT_HEADER}: {e}");
            return reply::error(
                dialect,
                400,
                "InvalidParameter",
                &message,
                &request_id(dialect),
            );
        }
    };

    let target = if let Some(route) = issuers::route(req, dialect) {
        Target::Issuer(route)
    } else if dialect == Dialect::Tencent {
        match tencent::route(req, shared) {
            Ok(route) => Target::Tencent(route),
            Err(reply) => return reply,
        }
    } else if let Some(op) = iam::operation(&req.method, &req.path) {
        Target::Iam(op)
    } else {
        match huawei::route(req, shared) {
            Ok(route) => Target::Huawei(route),
            Err(reply) => return reply,
        }
    };
    let (service_key, service_name, operation) = match &target {
        Target::Tencent(tencent::Route { to, .. }) | Target::Huawei(huawei::Route { to, .. }) => {
            (to.svc.key.as_str(), to.svc.spec.service.as_str(), to.name)
        }
        Target::Iam(op) => (iam::SERVICE_KEY, iam::SERVICE_NAME, *op),
        Target::Issuer(r) => (r.service_key, r.service_name, r.operation),
    };

    let fault = header_fault.or_else(|| shared.faults.take(service_key, service_name, operation));
    if let Some(fault) = fault {
        shared.faults.count_injection();
        tracing::info!(service = service_key, operation, fault = %fault, "injecting fault");
    }
    if let Some(latency) = fault.and_then(|f| f.latency) {
        let mut shutdown = shutdown.clone();
        tokio::select! {
            _ = tokio::time::sleep(latency) => {}
            _ = shutdown.changed() => {
                let reply = reply::error(dialect, 503, "InternalError", "the emulator is shutting down", &request_id(dialect));
                return Reply { status: 503, ..reply };
            }
        }
    }
    let failure = fault.and_then(|f| f.failure);
    let mark = |reply: Reply| match fault {
        Some(f) => reply.header(FAULT_INJECTED_HEADER, f.to_string()),
        None => reply,
    };
    if let Some((failure, Phase::Before)) = failure {
        return mark(reply::faulty(dialect, failure, None));
    }
    let reply = match target {
        Target::Tencent(route) => tencent::serve(route, req, shared),
        Target::Huawei(route) => huawei::serve(route, req, shared),
        Target::Iam(op) => iam::serve(req, shared, op),
        Target::Issuer(route) => issuers::serve(route, req, shared),
    };
    match failure {
        Some((failure, Phase::After)) => mark(reply::faulty(dialect, failure, Some(reply))),
        _ => mark(reply),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fault_header_is_looked_up_by_its_own_name() {
        assert_eq!(FAULT_HEADER_LOWER, FAULT_HEADER.to_ascii_lowercase());
    }
}
