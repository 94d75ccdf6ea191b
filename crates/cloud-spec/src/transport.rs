//! The transport's call descriptions ([`cloud_transport::ServiceInfo`],
//! [`cloud_transport::OperationInfo`]) built from a spec at run time.
//!
//! Generated crates carry these as `const`s; the CLI and the tests that walk the whole bundle
//! know their services only from the spec, so they build the same values here. The transport
//! wants `&'static` data, so the strings are leaked on purpose: build each description once per
//! process (cache it) rather than once per call.

use cloud_transport::{EndpointRules, HttpBinding, OperationInfo, ParamLocation, ServiceInfo};

use crate::{Location, Operation, Service, Vendor};

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

/// The description of `service`; `sdk_name`/`sdk_version` go into the User-Agent.
pub fn service_info(
    service: &Service,
    sdk_name: &'static str,
    sdk_version: &'static str,
) -> ServiceInfo {
    let overrides: Vec<(&'static str, &'static str)> = service
        .endpoint
        .region_overrides
        .iter()
        .map(|(region, host)| (leak(region), leak(host)))
        .collect();
    ServiceInfo {
        vendor: match service.vendor {
            Vendor::Tencent => cloud_transport::Vendor::Tencent,
            Vendor::Huawei => cloud_transport::Vendor::Huawei,
        },
        service: leak(&service.service),
        version: leak(&service.version),
        endpoint: EndpointRules {
            global: service.endpoint.global.as_deref().map(leak),
            regional: leak(&service.endpoint.regional),
            international: service.endpoint.international.as_deref().map(leak),
            region_overrides: Box::leak(overrides.into_boxed_slice()),
        },
        sdk_name,
        sdk_version,
    }
}

/// The description of operation `name`: what the generator writes as the crate's
/// `Operation::INFO` (name, REST binding with the located members, retry and rate facts).
pub fn operation_info(name: &str, operation: &Operation) -> OperationInfo {
    let http = operation.http.as_ref().map(|binding| {
        let params: Vec<(&'static str, ParamLocation)> = operation
            .input
            .iter()
            .filter_map(|(wire, member)| {
                let location = match member.location? {
                    Location::Path => ParamLocation::Path,
                    Location::Query => ParamLocation::Query,
                    Location::Header => ParamLocation::Header,
                    Location::Body => return None,
                };
                Some((leak(wire), location))
            })
            .collect();
        HttpBinding {
            method: binding.method.as_str(),
            path: leak(&binding.path),
            success_status: binding.success_status,
            params: Box::leak(params.into_boxed_slice()),
        }
    });
    let regions: Vec<&'static str> = operation.regions.iter().map(|r| leak(r)).collect();
    OperationInfo {
        name: leak(name),
        http,
        read_only: operation.read_only,
        idempotent: operation.idempotent,
        rate_limit: operation.rate_limit,
        regions: Box::leak(regions.into_boxed_slice()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rest_bindings_list_the_located_members_and_tencent_has_none() {
        let geminidb = crate::bundle::service("huawei-geminidb").expect("bundled");
        let info = operation_info("SwitchSsl", &geminidb.operations["SwitchSsl"]);
        let http = info.http.expect("a REST binding");
        assert_eq!((http.method, http.success_status), ("POST", 202));
        assert_eq!(http.params, &[("instance_id", ParamLocation::Path)]);
        assert_eq!(info.name, "SwitchSsl");

        let mongodb = crate::bundle::service("tencent-mongodb").expect("bundled");
        let describe = &mongodb.operations["DescribeInstanceSSL"];
        let info = operation_info("DescribeInstanceSSL", describe);
        assert!(info.http.is_none());
        assert_eq!(info.rate_limit, Some(20));
        assert!(info.read_only && info.idempotent);

        let service = service_info(&geminidb, "test", "0.0.0");
        assert_eq!(service.vendor, cloud_transport::Vendor::Huawei);
        assert_eq!(
            service.endpoint.region_overrides,
            &[("eu-west-101", "gaussdb-nosql.eu-west-101.myhuaweicloud.eu")]
        );
    }
}
