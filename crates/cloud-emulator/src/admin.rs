//! The admin endpoints under `/_emulator/`, for tests written in any language:
//!
//! | request | effect |
//! |---|---|
//! | `GET /_emulator/health` | `{"status": "ok"}` |
//! | `GET /_emulator/state` | instances, applied-mutation and request counters |
//! | `GET /_emulator/services` | the services and operations served |
//! | `GET /_emulator/faults` | the fault rules still active, and how many faults were injected |
//! | `POST /_emulator/faults` | add a rule (or a JSON array of rules), see [`FaultRule`](crate::FaultRule) |
//! | `DELETE /_emulator/faults` | remove every rule |
//! | `GET /_emulator/certs/<service>/<instance-id>` | the instance's test CA certificate (PEM), see [`crate::certificates`] |
//! | `GET /_emulator/task-failures` | the task-failure rules still active |
//! | `POST /_emulator/task-failures` | add a rule (or a JSON array of rules), see [`TaskFailureRule`](crate::TaskFailureRule) |
//! | `DELETE /_emulator/task-failures` | remove every task-failure rule |
//! | `GET /_emulator/credentials` | temporary credentials issued per provider (`issued`) and their lifetime |
//!
//! Admin requests need no signature and are never throttled or faulted. A body must be sent as
//! `Content-Type: application/json`, and a request carrying a foreign `Origin` is refused, so a
//! web page on another site cannot drive the emulator through a browser.

mod certs;

use std::time::Instant;

use serde_json::{json, Value};

use crate::context::{Request, Shared};
use crate::reply::Reply;

/// The prefix of admin paths.
pub(crate) const PREFIX: &str = "/_emulator";

/// What a web page on another site could make a browser send, refused: any request carrying an
/// `Origin` other than the emulator's own, and a body that is not declared JSON (`text/plain` and
/// form bodies are what a page can post without a CORS preflight). Tests and tools send neither.
fn refuse_foreign(req: &Request) -> Option<Reply> {
    if let Some(origin) = req.headers.get("origin") {
        let own = req.header("host").map(|host| format!("http://{host}"));
        if origin.to_str().ok().map(str::to_owned) != own {
            return Some(error(
                403,
                "admin requests from another origin are refused (a web page cannot drive the emulator)",
            ));
        }
    }
    let json = req.header("content-type").is_some_and(|t| {
        t.trim()
            .to_ascii_lowercase()
            .starts_with("application/json")
    });
    if (req.method == "POST" || !req.body.is_empty()) && !json {
        return Some(error(
            415,
            "admin requests with a body must send it as Content-Type: application/json",
        ));
    }
    None
}

fn error(status: u16, message: &str) -> Reply {
    Reply::json(status, &json!({ "error": message }))
}

pub(crate) fn serve(req: &Request, shared: &Shared) -> Reply {
    if let Some(refused) = refuse_foreign(req) {
        return refused;
    }
    let path = req.path.trim_end_matches('/');
    if let ("GET", Some(rest)) = (
        req.method.as_str(),
        path.strip_prefix(crate::certificates::PATH_PREFIX),
    ) {
        return certs::serve(shared, rest);
    }
    match (req.method.as_str(), path) {
        ("GET", "/_emulator/health") => Reply::json(200, &json!({"status": "ok"})),
        ("GET", "/_emulator/state") => {
            let catalog = &shared.catalog;
            let mut state = shared.store.lock();
            let now = Instant::now();
            let json = state.settled_json(now, &|service, s| catalog.status_of(service, s));
            Reply::json(200, &json)
        }
        ("GET", "/_emulator/services") => Reply::json(200, &services(shared)),
        ("GET", "/_emulator/credentials") => Reply::json(
            200,
            &json!({
                "issued": shared.issued.counts(),
                "ttl_seconds": shared.settings.credential_ttl.as_secs(),
            }),
        ),
        ("GET", "/_emulator/faults") => Reply::json(
            200,
            &json!({
                "rules": pending_json(shared.faults.pending()),
                "injected": shared.faults.injected_count(),
            }),
        ),
        ("POST", "/_emulator/faults") => add_rules(&req.body, "fault rule", |rules| {
            shared.faults.add_all(rules)
        }),
        ("DELETE", "/_emulator/faults") => {
            shared.faults.clear();
            Reply::json(200, &json!({"cleared": true}))
        }
        ("GET", "/_emulator/task-failures") => Reply::json(
            200,
            &json!({ "rules": pending_json(shared.task_failures.pending()) }),
        ),
        ("POST", "/_emulator/task-failures") => {
            add_rules(&req.body, "task failure rule", |rules| {
                rules
                    .into_iter()
                    .try_for_each(|rule| shared.task_failures.add(rule))
            })
        }
        ("DELETE", "/_emulator/task-failures") => {
            shared.task_failures.clear();
            Reply::json(200, &json!({"cleared": true}))
        }
        _ => error(
            404,
            &format!("no admin endpoint {} {}", req.method, req.path),
        ),
    }
}

/// Adds one rule or a JSON array of rules with `add`, answering how many were added, or 400
/// naming `what` was wrong.
fn add_rules<T, E>(body: &[u8], what: &str, add: impl FnOnce(Vec<T>) -> Result<(), E>) -> Reply
where
    T: serde::de::DeserializeOwned,
    E: std::fmt::Display,
{
    let rules = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Array(items)) => items.into_iter().map(serde_json::from_value).collect(),
        Ok(one) => serde_json::from_value(one).map(|rule| vec![rule]),
        Err(e) => return error(400, &format!("the body is not JSON: {e}")),
    };
    let rules: Vec<T> = match rules {
        Ok(rules) => rules,
        Err(e) => return error(400, &format!("invalid {what}: {e}")),
    };
    let count = rules.len();
    match add(rules) {
        Ok(()) => Reply::json(201, &json!({ "added": count })),
        Err(e) => error(400, &format!("invalid {what}: {e}")),
    }
}

/// Pending rules as listed by `GET`: each rule with how many times it will still fire.
fn pending_json<T: serde::Serialize>(pending: Vec<(T, u32)>) -> Vec<Value> {
    pending
        .into_iter()
        .map(|(rule, remaining)| {
            let mut v = serde_json::to_value(rule).unwrap_or(Value::Null);
            v["remaining"] = json!(remaining);
            v
        })
        .collect()
}

fn services(shared: &Shared) -> Value {
    let services: Vec<Value> = shared
        .catalog
        .services
        .iter()
        .map(|s| {
            let operations: Vec<Value> = s
                .spec
                .operations
                .iter()
                .map(|(name, op)| {
                    json!({
                        "name": name,
                        "method": op.http.as_ref().map(|h| h.method.as_str()),
                        "path": op.http.as_ref().map(|h| h.path.as_str()),
                        "read_only": op.read_only,
                        "rate_limit": op.rate_limit,
                    })
                })
                .collect();
            json!({
                "key": s.key,
                "vendor": s.spec.vendor,
                "service": s.spec.service,
                "version": s.spec.version,
                "operations": operations,
            })
        })
        .collect();
    json!({ "services": services })
}
