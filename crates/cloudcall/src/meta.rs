//! The transport's static call descriptions, built from a spec at run time.
//!
//! Generated crates carry `const` [`ServiceInfo`]/[`OperationInfo`] values; the CLI knows its
//! services only from the spec bundle, so it builds the same values once per process. The
//! transport wants `&'static` data: the few strings are leaked on purpose (a CLI process calls a
//! handful of operations and then exits), and each service is built at most once per process.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use cloud_spec::{Location, Operation, Service};
use cloud_transport::{EndpointRules, HttpBinding, OperationInfo, ParamLocation, ServiceInfo};

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

/// The transport description of `service`, built once per process per service name.
pub fn service_info(service: &Service) -> &'static ServiceInfo {
    static CACHE: OnceLock<Mutex<HashMap<String, &'static ServiceInfo>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    cache
        .entry(service.crate_name())
        .or_insert_with(|| Box::leak(Box::new(build_service_info(service))))
}

fn build_service_info(service: &Service) -> ServiceInfo {
    let overrides: Vec<(&'static str, &'static str)> = service
        .endpoint
        .region_overrides
        .iter()
        .map(|(region, host)| (leak(region), leak(host)))
        .collect();
    ServiceInfo {
        vendor: match service.vendor {
            cloud_spec::Vendor::Tencent => cloud_transport::Vendor::Tencent,
            cloud_spec::Vendor::Huawei => cloud_transport::Vendor::Huawei,
        },
        service: leak(&service.service),
        version: leak(&service.version),
        endpoint: EndpointRules {
            global: service.endpoint.global.as_deref().map(leak),
            regional: leak(&service.endpoint.regional),
            international: service.endpoint.international.as_deref().map(leak),
            region_overrides: Box::leak(overrides.into_boxed_slice()),
        },
        sdk_name: env!("CARGO_PKG_NAME"),
        sdk_version: env!("CARGO_PKG_VERSION"),
    }
}

/// The transport description of operation `name` of `service`, built once per process.
pub fn operation_info(service: &Service, name: &str, op: &Operation) -> OperationInfo {
    static CACHE: OnceLock<Mutex<HashMap<(String, String), OperationInfo>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    *cache
        .entry((service.crate_name(), name.to_owned()))
        .or_insert_with(|| build_operation_info(name, op))
}

fn build_operation_info(name: &str, op: &Operation) -> OperationInfo {
    let http = op.http.as_ref().map(|binding| {
        let params: Vec<(&'static str, ParamLocation)> = op
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
    let regions: Vec<&'static str> = op.regions.iter().map(|r| leak(r)).collect();
    OperationInfo {
        name: leak(name),
        http,
        read_only: op.read_only,
        idempotent: op.idempotent,
        rate_limit: op.rate_limit,
        regions: Box::leak(regions.into_boxed_slice()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture;

    #[test]
    fn huawei_binding_lists_located_members_only() {
        let service = fixture::huawei();
        let (name, op) = service.operations.get_index(1).unwrap();
        let info = operation_info(&service, name, op);
        let http = info.http.expect("REST binding");
        assert_eq!(http.method, "POST");
        assert_eq!(http.success_status, 202);
        assert_eq!(http.params, &[("instance_id", ParamLocation::Path)]);
        assert_eq!(info.name, "SwitchSsl");
    }

    #[test]
    fn service_info_is_built_once() {
        let service = fixture::tencent();
        let a = service_info(&service) as *const ServiceInfo;
        let b = service_info(&service) as *const ServiceInfo;
        assert_eq!(a, b);
        assert_eq!(service_info(&service).service, "mongodb");
    }
}
