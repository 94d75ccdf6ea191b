//! Static descriptions of services and operations.
//!
//! Generated crates emit one `const` [`ServiceInfo`] per crate and one `const` [`OperationInfo`]
//! per operation; everything else about a call (endpoint, signing, sending, retries, decoding,
//! errors) happens here, once, in [`Client::call`](crate::Client::call). That is what keeps the
//! generated code thin.

/// A cloud vendor: decides the wire protocol, the signing scheme and the error format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Vendor {
    /// Tencent Cloud API 3.0 (RPC-style JSON, TC3-HMAC-SHA256).
    Tencent,
    /// Huawei Cloud (REST, SDK-HMAC-SHA256 or IAM token).
    Huawei,
}

/// One service at one API version.
#[derive(Debug, Clone, Copy)]
pub struct ServiceInfo {
    /// The vendor.
    pub vendor: Vendor,
    /// Tencent: the service name in the host and the credential scope (`mongodb`).
    /// Huawei: the catalog name (`gaussdbfornosql`).
    pub service: &'static str,
    /// API version (`2019-07-25`, `v3`).
    pub version: &'static str,
    /// Endpoint rules.
    pub endpoint: EndpointRules,
    /// Name and version of the crate that calls, for the User-Agent header.
    pub sdk_name: &'static str,
    /// Version of that crate.
    pub sdk_version: &'static str,
}

/// How the endpoint host follows from the region. Templates contain `{region}`.
#[derive(Debug, Clone, Copy)]
pub struct EndpointRules {
    /// Host when no region is configured, if the vendor has one.
    pub global: Option<&'static str>,
    /// Host template for a region.
    pub regional: &'static str,
    /// Host of the international site, if any.
    pub international: Option<&'static str>,
    /// `(region, host)` pairs that do not follow the template.
    pub region_overrides: &'static [(&'static str, &'static str)],
    /// Calls need a region (the API takes it as a required parameter): without one, the client
    /// refuses to send rather than let the server pick one.
    pub region_required: bool,
}

/// One operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationInfo {
    /// The vendor's operation name: the Tencent action (`DescribeInstanceSSL`) or the Huawei
    /// operation id (`ListSslCertDownloadAddresses`).
    pub name: &'static str,
    /// Huawei only: the REST binding. `None` for Tencent actions.
    pub http: Option<HttpBinding>,
    /// The operation only reads.
    pub read_only: bool,
    /// Repeating the operation has no further effect.
    pub idempotent: bool,
    /// The documented limit in requests per second, for the optional client-side limiter.
    pub rate_limit: Option<u32>,
    /// The regions the operation is served in; empty means all.
    pub regions: &'static [&'static str],
}

/// `const` constructors, so that a generated operation reads as one line:
/// `OperationInfo::action("DescribeInstanceSSL").read_only().rate_limit(20)`.
impl OperationInfo {
    /// A Tencent action (RPC style, no REST binding) that changes state and is not idempotent,
    /// with no rate limit and served in every region; the other `const fn`s say otherwise.
    pub const fn action(name: &'static str) -> Self {
        OperationInfo {
            name,
            http: None,
            read_only: false,
            idempotent: false,
            rate_limit: None,
            regions: &[],
        }
    }

    /// A REST operation (`GET /v3/{project_id}/instances`, answering `success_status`) whose input
    /// members all go in the JSON body until [`params`](Self::params) places some elsewhere.
    /// Like [`action`](Self::action), it starts as a non-idempotent change.
    pub const fn rest(
        name: &'static str,
        method: &'static str,
        path: &'static str,
        success_status: u16,
    ) -> Self {
        let http = HttpBinding {
            method,
            path,
            success_status,
            params: &[],
        };
        OperationInfo {
            http: Some(http),
            ..OperationInfo::action(name)
        }
    }

    /// Marks the operation read-only, and so idempotent.
    pub const fn read_only(mut self) -> Self {
        self.read_only = true;
        self.idempotent = true;
        self
    }

    /// Marks the operation idempotent.
    pub const fn idempotent(mut self) -> Self {
        self.idempotent = true;
        self
    }

    /// The documented limit in requests per second.
    pub const fn rate_limit(mut self, per_second: u32) -> Self {
        self.rate_limit = Some(per_second);
        self
    }

    /// The only regions the operation is served in.
    pub const fn regions(mut self, regions: &'static [&'static str]) -> Self {
        self.regions = regions;
        self
    }

    /// REST only: where non-body input members go, by wire name. Does nothing for an action.
    pub const fn params(mut self, params: &'static [(&'static str, ParamLocation)]) -> Self {
        if let Some(mut http) = self.http {
            http.params = params;
            self.http = Some(http);
        }
        self
    }

    /// Whether connection errors, timeouts and 502/503/504 may be retried: only when a repeat
    /// cannot apply a change twice.
    pub fn is_retry_safe(&self) -> bool {
        self.read_only || self.idempotent
    }
}

/// The REST binding of a Huawei operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpBinding {
    /// `GET`, `POST`, `PUT`, `DELETE` or `PATCH`.
    pub method: &'static str,
    /// Path template: `/v3/{project_id}/instances/{instance_id}/ssl-option`. `{project_id}` is
    /// filled from the configuration; other `{name}`s from path members of the input.
    pub path: &'static str,
    /// Status of a successful response.
    pub success_status: u16,
    /// Where each non-body input member goes, by wire name. Members not listed go in the JSON body.
    pub params: &'static [(&'static str, ParamLocation)],
}

/// Where a REST input member is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// Substituted into the path template (percent-encoded).
    Path,
    /// Sent in the query string; lists repeat the key.
    Query,
    /// Sent as a header named by the wire name.
    Header,
}

#[cfg(test)]
mod tests {
    use super::*;

    const DESCRIBE: OperationInfo = OperationInfo::action("DescribeInstanceSSL")
        .read_only()
        .rate_limit(20)
        .regions(&["ap-guangzhou"]);
    const SWITCH: OperationInfo =
        OperationInfo::rest("SwitchSsl", "POST", "/v3/{project_id}/x", 202)
            .idempotent()
            .params(&[("instance_id", ParamLocation::Path)]);

    #[test]
    fn const_constructors_set_what_they_say_and_nothing_else() {
        // The constants prove the constructors are `const`; the tests read copies.
        let (describe, switch) = (DESCRIBE, SWITCH);
        assert_eq!(describe.name, "DescribeInstanceSSL");
        assert!(describe.http.is_none());
        assert!(
            describe.read_only && describe.idempotent,
            "reading is idempotent"
        );
        assert_eq!(describe.rate_limit, Some(20));
        assert_eq!(describe.regions, ["ap-guangzhou"]);
        let plain = OperationInfo::action("OpenSSL");
        assert!(!plain.read_only && !plain.idempotent && !plain.is_retry_safe());
        assert_eq!((plain.rate_limit, plain.regions.len()), (None, 0));
        // `params` on an action has nothing to change.
        assert!(plain.params(&[("x", ParamLocation::Query)]).http.is_none());

        let http = switch.http.expect("a REST binding");
        assert_eq!(
            (http.method, http.path, http.success_status),
            ("POST", "/v3/{project_id}/x", 202)
        );
        assert_eq!(http.params, [("instance_id", ParamLocation::Path)]);
        assert!(switch.idempotent && !switch.read_only && switch.is_retry_safe());
    }
}
