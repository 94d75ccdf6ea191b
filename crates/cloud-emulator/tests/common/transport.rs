//! `cloud_transport` clients for any spec, pointed at an emulator: the path real SDK calls take
//! (endpoint override, signing, REST parameter placement, response decoding).
//!
//! Generated crates carry `const` descriptions of their services and operations; a test that
//! walks the bundle builds the same values from the spec. The transport wants `&'static` data,
//! so the strings are leaked: a test process builds a few hundred of them once.

use cloud_emulator::{RunningEmulator, DEMO_HUAWEI_AK, DEMO_HUAWEI_SK};
use cloud_emulator::{DEMO_TENCENT_SECRET_ID, DEMO_TENCENT_SECRET_KEY};
use cloud_spec::{Location, Operation, Service};
use cloud_transport::{
    Client, Config, Credentials, EndpointRules, Environment, HttpBinding, OperationInfo,
    ParamLocation, RetryConfig, ServiceInfo,
};

use super::TIMEOUT;

/// The Tencent region the tests call unless an operation is served elsewhere only.
pub const TENCENT_REGION: &str = "ap-guangzhou";

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

/// The transport's description of `spec`.
pub fn service_info(spec: &Service) -> &'static ServiceInfo {
    Box::leak(Box::new(ServiceInfo {
        vendor: match spec.vendor {
            cloud_spec::Vendor::Tencent => cloud_transport::Vendor::Tencent,
            cloud_spec::Vendor::Huawei => cloud_transport::Vendor::Huawei,
        },
        service: leak(&spec.service),
        version: leak(&spec.version),
        endpoint: EndpointRules {
            global: spec.endpoint.global.as_deref().map(leak),
            regional: leak(&spec.endpoint.regional),
            international: None,
            region_overrides: &[],
        },
        sdk_name: "cloud-emulator-tests",
        sdk_version: env!("CARGO_PKG_VERSION"),
    }))
}

/// The transport's description of operation `name`.
pub fn operation_info(name: &str, op: &Operation) -> OperationInfo {
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

/// A client of `spec` calling `emulator` with the demo credentials, in `region` (Tencent; a
/// Huawei client uses the emulator's default project and its region). No retries: a test
/// should see the first answer.
pub fn client(spec: &Service, emulator: &RunningEmulator, region: Option<&str>) -> Client {
    let builder = Config::builder()
        .endpoint(emulator.base_url())
        .environment(Environment::empty())
        .retry(RetryConfig::disabled())
        .attempt_timeout(TIMEOUT)
        .operation_timeout(TIMEOUT);
    let builder = match spec.vendor {
        cloud_spec::Vendor::Tencent => builder
            .region(region.unwrap_or(TENCENT_REGION))
            .credentials(Credentials::new(
                DEMO_TENCENT_SECRET_ID,
                DEMO_TENCENT_SECRET_KEY,
            )),
        cloud_spec::Vendor::Huawei => builder
            .region(emulator.huawei_region())
            .project_id(emulator.project_id())
            .credentials(Credentials::new(DEMO_HUAWEI_AK, DEMO_HUAWEI_SK)),
    };
    Client::new(
        service_info(spec),
        builder.build().expect("a valid client configuration"),
    )
}
