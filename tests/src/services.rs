//! The four services behind one enum, so that the fault and lifecycle tests run the same steps
//! on each: read the SSL state, change it, and name the operations involved.

use cloud_transport::{Result, Vendor};
use huawei_geminidb::types::{InstanceSslState, SslOption};
use tencent_cdb::types::MysqlSslStatus;
use tencent_mongodb::types::MongoSslStatus;

use crate::setup::{instances, Clients};

/// The connect address the tests give postgres when enabling SSL (required then).
pub use cloud_emulator::demo_data::POSTGRES_CONNECT_ADDRESS;

/// One of the four generated service crates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// `tencent-mongodb`.
    MongoDb,
    /// `tencent-cdb`.
    Cdb,
    /// `tencent-postgres`.
    Postgres,
    /// `huawei-geminidb`.
    GeminiDb,
}

impl Service {
    /// Every service.
    pub const ALL: [Service; 4] = [
        Service::MongoDb,
        Service::Cdb,
        Service::Postgres,
        Service::GeminiDb,
    ];

    /// The crate name, which is also the emulator's service key.
    pub fn key(self) -> &'static str {
        match self {
            Service::MongoDb => "tencent-mongodb",
            Service::Cdb => "tencent-cdb",
            Service::Postgres => "tencent-postgres",
            Service::GeminiDb => "huawei-geminidb",
        }
    }

    /// The vendor.
    pub fn vendor(self) -> Vendor {
        match self {
            Service::GeminiDb => Vendor::Huawei,
            _ => Vendor::Tencent,
        }
    }

    /// The docs' example instance the tests work on.
    pub fn instance(self) -> &'static str {
        match self {
            Service::MongoDb => instances::MONGODB,
            Service::Cdb => instances::CDB,
            Service::Postgres => instances::POSTGRES,
            Service::GeminiDb => instances::GEMINIDB,
        }
    }

    /// The read-only operation that shows the SSL state.
    pub fn read_operation(self) -> &'static str {
        match self {
            Service::MongoDb => "DescribeInstanceSSL",
            Service::Cdb => "DescribeSSLStatus",
            Service::Postgres => "DescribeDBInstanceSSLConfig",
            Service::GeminiDb => "ListInstances",
        }
    }

    /// The mutation that turns SSL on (`enable`) or off.
    pub fn mutation_operation(self, enable: bool) -> &'static str {
        match (self, enable) {
            (Service::MongoDb, _) => "InstanceEnableSSL",
            (Service::Cdb, true) => "OpenSSL",
            (Service::Cdb, false) => "CloseSSL",
            (Service::Postgres, _) => "ModifyDBInstanceSSLConfig",
            (Service::GeminiDb, _) => "SwitchSsl",
        }
    }

    /// Whether SSL shows as enabled on `instance`, through the read operation.
    pub async fn ssl_enabled_on(self, clients: &Clients, instance: &str) -> Result<bool> {
        Ok(match self {
            Service::MongoDb => {
                let out = clients
                    .mongodb
                    .describe_instance_ssl()
                    .instance_id(instance)
                    .send()
                    .await?;
                assert!(!out.request_id.is_empty());
                match out.status {
                    Some(MongoSslStatus::Enabled) => true,
                    Some(MongoSslStatus::Disabled) => false,
                    other => panic!("mongodb Status {other:?}"),
                }
            }
            Service::Cdb => {
                let out = clients
                    .cdb
                    .describe_ssl_status()
                    .instance_id(instance)
                    .send()
                    .await?;
                assert!(!out.request_id.is_empty());
                match out.status {
                    MysqlSslStatus::On => true,
                    MysqlSslStatus::Off => false,
                    other => panic!("cdb Status {other:?}"),
                }
            }
            Service::Postgres => {
                let out = clients
                    .postgres
                    .describe_db_instance_ssl_config()
                    .db_instance_id(instance)
                    .send()
                    .await?;
                assert!(!out.request_id.is_empty());
                out.ssl_enabled.expect("postgres SSLEnabled")
            }
            Service::GeminiDb => {
                let out = clients
                    .geminidb
                    .list_instances()
                    .id(instance)
                    .send()
                    .await?;
                let listed = out.instances.unwrap_or_default();
                assert_eq!(
                    listed.len(),
                    1,
                    "ListInstances filtered by id `{instance}`: {listed:?}"
                );
                assert_eq!(listed[0].id.as_deref(), Some(instance));
                match &listed[0].ssl {
                    Some(InstanceSslState::Enabled) => true,
                    Some(InstanceSslState::Disabled) => false,
                    other => panic!("geminidb ssl {other:?}"),
                }
            }
        })
    }

    /// Whether SSL shows as enabled on [`instance`](Self::instance).
    pub async fn ssl_enabled(self, clients: &Clients) -> Result<bool> {
        self.ssl_enabled_on(clients, self.instance()).await
    }

    /// Turns SSL on or off on `instance`; returns the id of the async flow the service started.
    pub async fn set_ssl_on(
        self,
        clients: &Clients,
        instance: &str,
        enable: bool,
    ) -> Result<String> {
        Ok(match self {
            Service::MongoDb => {
                let out = clients
                    .mongodb
                    .instance_enable_ssl()
                    .instance_id(instance)
                    .enable(enable)
                    .send()
                    .await?;
                assert!(!out.request_id.is_empty());
                out.flow_id.expect("mongodb FlowId").to_string()
            }
            Service::Cdb if enable => {
                let out = clients.cdb.open_ssl().instance_id(instance).send().await?;
                assert!(!out.request_id.is_empty());
                out.async_request_id
            }
            Service::Cdb => {
                let out = clients.cdb.close_ssl().instance_id(instance).send().await?;
                assert!(!out.request_id.is_empty());
                out.async_request_id
            }
            Service::Postgres => {
                let mut call = clients
                    .postgres
                    .modify_db_instance_ssl_config()
                    .db_instance_id(instance)
                    .ssl_enabled(enable);
                if enable {
                    call = call.connect_address(POSTGRES_CONNECT_ADDRESS);
                }
                let out = call.send().await?;
                assert!(!out.request_id.is_empty());
                out.task_id.expect("postgres TaskId").to_string()
            }
            Service::GeminiDb => {
                let option = if enable {
                    SslOption::On
                } else {
                    SslOption::Off
                };
                let out = clients
                    .geminidb
                    .switch_ssl()
                    .instance_id(instance)
                    .ssl_option(option)
                    .send()
                    .await?;
                out.job_id.expect("geminidb job_id")
            }
        })
    }

    /// Turns SSL on or off on [`instance`](Self::instance).
    pub async fn set_ssl(self, clients: &Clients, enable: bool) -> Result<String> {
        self.set_ssl_on(clients, self.instance(), enable).await
    }
}

impl Service {
    /// Runs `case` for every service at once, each in its own task (and usually with its own
    /// emulator), for the cases that spend their time waiting. A panic in one fails the test
    /// with that panic.
    pub async fn each_concurrently<F, Fut>(case: F)
    where
        F: Fn(Service) -> Fut,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        let tasks: Vec<_> = Service::ALL
            .into_iter()
            .map(|service| tokio::spawn(case(service)))
            .collect();
        for task in tasks {
            if let Err(e) = task.await {
                match e.try_into_panic() {
                    Ok(panic) => std::panic::resume_unwind(panic),
                    Err(e) => panic!("a case was cancelled: {e}"),
                }
            }
        }
    }
}
