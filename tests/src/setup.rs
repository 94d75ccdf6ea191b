//! An emulator for one test, and client configurations pointing at it.

use std::sync::Arc;
use std::time::Duration;

use cloud_emulator::{
    Emulator, EmulatorBuilder, RunningEmulator, DEMO_HUAWEI_AK, DEMO_HUAWEI_SK,
    DEMO_TENCENT_SECRET_ID, DEMO_TENCENT_SECRET_KEY,
};
use cloud_transport::http::HttpClient;
use cloud_transport::{Config, ConfigBuilder, Credentials, Environment, RetryConfig};

/// How long the emulator takes to show an SSL change in the tests: long enough that a describe
/// sent right after the change reliably arrives before it, short enough to keep tests quick.
pub const ASYNC_DELAY: Duration = Duration::from_millis(300);

pub use cloud_emulator::demo_data::TENCENT_REGION;

/// The instances of the docs' examples, which the emulator creates by default (the values are
/// [`cloud_emulator::demo_data`]'s, under the names the tests use).
pub mod instances {
    use cloud_emulator::demo_data;

    /// TencentDB for MongoDB, the id in `DescribeInstanceSSL`'s example.
    pub const MONGODB: &str = demo_data::MONGODB_INSTANCE;
    /// TencentDB for MongoDB, the id in the `InstanceId` member docs.
    pub const MONGODB_OTHER: &str = demo_data::MONGODB_OTHER_INSTANCE;
    /// TencentDB for MySQL.
    pub const CDB: &str = demo_data::CDB_INSTANCE;
    /// TencentDB for PostgreSQL.
    pub const POSTGRES: &str = demo_data::POSTGRES_INSTANCE;
    /// GeminiDB.
    pub const GEMINIDB: &str = demo_data::GEMINIDB_INSTANCE;
    /// GeminiDB's documented project (the emulator's default project, named `cn-north-4`).
    pub const GEMINIDB_PROJECT: &str = demo_data::DEFAULT_HUAWEI_PROJECT_ID;
}

/// An emulator builder with the test defaults: demo credentials, docs' instances, rate limits
/// on, [`ASYNC_DELAY`].
pub fn emulator() -> EmulatorBuilder {
    Emulator::builder().async_delay(ASYNC_DELAY)
}

/// Starts an emulator with the test defaults.
pub async fn start_emulator() -> RunningEmulator {
    emulator().start().await.expect("the emulator starts")
}

/// Retries as the standard policy does (3 attempts) but with millisecond waits, so a test that
/// exercises retries stays fast.
pub fn fast_retries() -> RetryConfig {
    RetryConfig::standard()
        .with_initial_backoff(Duration::from_millis(20))
        .with_max_backoff(Duration::from_millis(100))
}

/// Settings every test configuration shares: the emulator as endpoint, no environment (so the
/// developer's own credentials never leak into a test), fast retries, timeouts far below the
/// test bound.
fn common(emulator: &RunningEmulator) -> ConfigBuilder {
    Config::builder()
        .endpoint(emulator.base_url())
        .environment(Environment::empty())
        .retry(fast_retries())
        .connect_timeout(Duration::from_secs(2))
        .attempt_timeout(Duration::from_secs(5))
        .operation_timeout(Duration::from_secs(10))
}

/// Tencent: the demo SecretId/SecretKey, region [`TENCENT_REGION`].
pub fn tencent_config(emulator: &RunningEmulator) -> ConfigBuilder {
    common(emulator)
        .region(TENCENT_REGION)
        .credentials(Credentials::new(
            DEMO_TENCENT_SECRET_ID,
            DEMO_TENCENT_SECRET_KEY,
        ))
}

/// Huawei without credentials or project id: the emulator's region, nothing else.
pub fn huawei_base_config(emulator: &RunningEmulator) -> ConfigBuilder {
    common(emulator).region(emulator.huawei_region())
}

/// Huawei: the demo AK/SK and the emulator's project id (no IAM lookup).
pub fn huawei_config(emulator: &RunningEmulator) -> ConfigBuilder {
    huawei_base_config(emulator)
        .credentials(Credentials::new(DEMO_HUAWEI_AK, DEMO_HUAWEI_SK))
        .project_id(emulator.project_id())
}

/// The four typed clients.
#[derive(Debug, Clone)]
pub struct Clients {
    /// TencentDB for MongoDB.
    pub mongodb: tencent_mongodb::Client,
    /// TencentDB for MySQL.
    pub cdb: tencent_cdb::Client,
    /// TencentDB for PostgreSQL.
    pub postgres: tencent_postgres::Client,
    /// GeminiDB.
    pub geminidb: huawei_geminidb::Client,
}

impl Clients {
    /// Clients from a Tencent and a Huawei configuration.
    pub fn new(tencent: Config, huawei: Config) -> Self {
        Clients {
            mongodb: tencent_mongodb::Client::new(tencent.clone()),
            cdb: tencent_cdb::Client::new(tencent.clone()),
            postgres: tencent_postgres::Client::new(tencent),
            geminidb: huawei_geminidb::Client::new(huawei),
        }
    }

    /// Clients with the default test configurations for `emulator`.
    pub fn for_emulator(emulator: &RunningEmulator) -> Self {
        Clients::with(emulator, |b| b)
    }

    /// Clients whose configurations are the defaults for `emulator` changed by `adjust` (the
    /// same change for both vendors).
    pub fn with(
        emulator: &RunningEmulator,
        adjust: impl Fn(ConfigBuilder) -> ConfigBuilder,
    ) -> Self {
        let tencent = adjust(tencent_config(emulator))
            .build()
            .expect("tencent config");
        let huawei = adjust(huawei_config(emulator))
            .build()
            .expect("huawei config");
        Clients::new(tencent, huawei)
    }

    /// Clients that send through `http` (a [`Recorder`](crate::http::Recorder), say), with the
    /// defaults for `emulator` changed by `adjust`.
    pub fn through(
        emulator: &RunningEmulator,
        http: Arc<dyn HttpClient>,
        adjust: impl Fn(ConfigBuilder) -> ConfigBuilder,
    ) -> Self {
        Clients::with(emulator, |b| adjust(b.http_client(http.clone())))
    }
}

/// An emulator, a [`Recorder`](crate::http::Recorder) on the client side and the four clients
/// sending through it: what most tests need.
#[derive(Debug)]
pub struct TestBed {
    /// The emulator.
    pub emulator: RunningEmulator,
    /// Every request the clients sent.
    pub recorder: Arc<crate::http::Recorder>,
    /// The clients.
    pub clients: Clients,
}

impl TestBed {
    /// A test bed with the default emulator and configurations.
    pub async fn start() -> Self {
        TestBed::start_with(emulator(), |b| b).await
    }

    /// A test bed with this emulator builder and the default configurations changed by `adjust`.
    pub async fn start_with(
        builder: EmulatorBuilder,
        adjust: impl Fn(ConfigBuilder) -> ConfigBuilder,
    ) -> Self {
        let emulator = builder.start().await.expect("the emulator starts");
        let recorder = crate::http::Recorder::new();
        let clients = Clients::through(&emulator, recorder.clone(), adjust);
        TestBed {
            emulator,
            recorder,
            clients,
        }
    }

    /// Injects `fault` (the emulator's syntax: `status:503`, `reset@after`, ...) into the next
    /// `times` calls of `operation` of `service`.
    pub fn inject(&self, service: &str, operation: &str, fault: &str, times: u32) {
        let fault: cloud_emulator::Fault = fault.parse().expect("a valid fault");
        self.emulator
            .faults()
            .add(
                cloud_emulator::FaultRule::new(operation, fault)
                    .service(service)
                    .times(times),
            )
            .expect("the fault rule is accepted");
    }

    /// How often the emulator applied `operation` of `service` to `instance`.
    pub fn applied(&self, service: &str, operation: &str, instance: &str) -> u64 {
        self.emulator.applied_count_on(service, operation, instance)
    }

    /// Stops the emulator and waits for it.
    pub async fn shutdown(self) {
        self.emulator.shutdown().await;
    }
}
