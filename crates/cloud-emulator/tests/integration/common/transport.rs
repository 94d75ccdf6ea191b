//! `cloud_transport` clients for any spec, pointed at an emulator: the path real SDK calls take
//! (endpoint override, signing, REST parameter placement, response decoding).
//!
//! Generated crates carry `const` descriptions of their services and operations; a test that
//! walks the bundle builds the same values from the spec ([`cloud_spec::transport`]).

use cloud_emulator::{RunningEmulator, DEMO_HUAWEI_AK, DEMO_HUAWEI_SK};
use cloud_emulator::{DEMO_TENCENT_SECRET_ID, DEMO_TENCENT_SECRET_KEY};
use cloud_spec::{Operation, Service};
use cloud_transport::{
    Client, Config, Credentials, Environment, OperationInfo, RetryConfig, ServiceInfo,
};

use super::TIMEOUT;

/// The Tencent region the tests call unless an operation is served elsewhere only.
pub use cloud_emulator::demo_data::TENCENT_REGION;

/// The transport's description of `spec` (leaked: a test process builds a few once).
pub fn service_info(spec: &Service) -> &'static ServiceInfo {
    let mut info = cloud_spec::transport::service_info(
        spec,
        "cloud-emulator-tests",
        env!("CARGO_PKG_VERSION"),
    );
    // The emulator answers at the endpoint override, whatever the region.
    info.endpoint.international = None;
    info.endpoint.region_overrides = &[];
    Box::leak(Box::new(info))
}

/// The transport's description of operation `name` of `spec`.
pub fn operation_info(spec: &Service, name: &str, op: &Operation) -> OperationInfo {
    cloud_spec::transport::operation_info(spec.vendor, name, op)
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

/// A client of one spec that calls operations by name with JSON input, as the CLI does.
pub struct SpecClient {
    pub spec: Service,
    client: Client,
}

impl SpecClient {
    /// A client of `spec` calling `emulator` (see [`client`]).
    pub fn new(spec: &Service, emulator: &RunningEmulator) -> SpecClient {
        SpecClient {
            spec: spec.clone(),
            client: client(spec, emulator, None),
        }
    }

    /// Calls operation `name` with `input` (a JSON object by wire name).
    pub async fn call(
        &self,
        name: &str,
        input: serde_json::Value,
    ) -> Result<serde_json::Value, cloud_transport::Error> {
        let op = self
            .spec
            .operations
            .get(name)
            .unwrap_or_else(|| panic!("{} has no operation {name}", self.spec.crate_name()));
        self.client
            .call_json(&operation_info(&self.spec, name, op), input)
            .await
    }

    /// Calls operation `name` and expects success.
    pub async fn ok(&self, name: &str, input: serde_json::Value) -> serde_json::Value {
        match self.call(name, input.clone()).await {
            Ok(out) => out,
            Err(e) => panic!("{name} {input} failed: {e}"),
        }
    }
}
