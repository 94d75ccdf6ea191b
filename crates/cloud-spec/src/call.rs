//! How an operation is called, decided once from the spec: the facts behind the transport's
//! `OperationInfo`. The generator writes them as each crate's `Operation::INFO` constant and
//! [`crate::transport::operation_info`] builds the same value for the CLI and the tests, so the
//! rules below (reading is idempotent; body members and the members the transport fills in are
//! not listed) are written here and nowhere else.

use crate::transport_members::is_transport_member;
use crate::{Location, Operation, Vendor};

/// How an operation is called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallFacts<'s> {
    /// The operation's wire name (Tencent's `Action`).
    pub name: &'s str,
    /// The REST binding (Huawei); `None` for an RPC action (Tencent).
    pub http: Option<HttpFacts<'s>>,
    /// The operation only reads.
    pub read_only: bool,
    /// A repeat of the operation has no further effect: stated, or implied by `read_only`.
    pub idempotent: bool,
    /// The documented limit in requests per second.
    pub rate_limit: Option<u32>,
    /// The regions the operation is served in (empty: all).
    pub regions: &'s [String],
}

/// The REST binding of an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpFacts<'s> {
    /// The method as sent on the wire.
    pub method: &'s str,
    /// The path template.
    pub path: &'s str,
    /// The status of a successful answer.
    pub success_status: u16,
    /// The input members sent in the path, the query or a header, in input order. Body members
    /// (the default) and the members the transport fills in are not listed.
    pub params: Vec<(&'s str, ParamPlace)>,
}

/// Where a member sent outside the body goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamPlace {
    /// Substituted into the path template.
    Path,
    /// Sent in the query string.
    Query,
    /// Sent as a header named by the wire name.
    Header,
}

/// How operation `name` of a `vendor` service is called.
pub fn call_facts<'s>(vendor: Vendor, name: &'s str, operation: &'s Operation) -> CallFacts<'s> {
    let http = operation.http.as_ref().map(|binding| HttpFacts {
        method: binding.method.as_str(),
        path: &binding.path,
        success_status: binding.success_status,
        params: operation
            .input
            .iter()
            .filter(|(wire, member)| !is_transport_member(vendor, wire, member))
            .filter_map(|(wire, member)| {
                let place = match member.location? {
                    Location::Path => ParamPlace::Path,
                    Location::Query => ParamPlace::Query,
                    Location::Header => ParamPlace::Header,
                    Location::Body => return None,
                };
                Some((wire.as_str(), place))
            })
            .collect(),
    });
    CallFacts {
        name,
        http,
        read_only: operation.read_only,
        idempotent: operation.read_only || operation.idempotent,
        rate_limit: operation.rate_limit,
        regions: &operation.regions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn operation(yaml_like: serde_json::Value) -> Operation {
        serde_json::from_value(yaml_like).expect("an operation")
    }

    #[test]
    fn reading_is_idempotent_and_only_what_leaves_the_body_is_listed() {
        let op = operation(serde_json::json!({
            "docs": "Shows one thing.",
            "http": {"method": "GET", "path": "/v3/{project_id}/things/{thing_id}"},
            "read_only": true,
            "input": {
                "project_id": {"type": "string", "location": "path"},
                "thing_id": {"type": "string", "location": "path"},
                "X-Auth-Token": {"type": "string", "location": "header"},
                "X-Language": {"type": "string", "location": "header"},
                "limit": {"type": "int32", "location": "query"},
                "name": {"type": "string"}
            }
        }));
        let facts = call_facts(Vendor::Huawei, "ShowThing", &op);
        assert!(facts.read_only && facts.idempotent);
        let http = facts.http.expect("a REST binding");
        assert_eq!((http.method, http.success_status), ("GET", 200));
        // `{project_id}` and the token are the transport's; `name` stays in the body.
        assert_eq!(
            http.params,
            [
                ("thing_id", ParamPlace::Path),
                ("X-Language", ParamPlace::Header),
                ("limit", ParamPlace::Query),
            ]
        );
    }

    #[test]
    fn an_action_has_no_binding_and_keeps_its_stated_flags() {
        let op = operation(serde_json::json!({
            "docs": "Changes a thing.",
            "idempotent": true,
            "rate_limit": 20,
            "regions": ["ap-guangzhou"],
        }));
        let facts = call_facts(Vendor::Tencent, "ModifyThing", &op);
        assert_eq!(facts.http, None);
        assert!(!facts.read_only && facts.idempotent);
        assert_eq!(facts.rate_limit, Some(20));
        assert_eq!(facts.regions, ["ap-guangzhou".to_owned()]);
    }
}
