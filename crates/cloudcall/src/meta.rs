//! The transport's static call descriptions, built from a spec at run time.
//!
//! Generated crates carry `const` [`ServiceInfo`]/[`OperationInfo`] values; the CLI knows its
//! services only from the spec bundle, so it builds the same values
//! ([`cloud_spec::transport`], which leaks their strings) at most once per process per service
//! and operation.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use cloud_spec::{Operation, Service};
use cloud_transport::{OperationInfo, ServiceInfo};

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
    cloud_spec::transport::service_info(service, env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION"))
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
        .or_insert_with(|| cloud_spec::transport::operation_info(service.vendor, name, op))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture;
    use cloud_transport::ParamLocation;

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
