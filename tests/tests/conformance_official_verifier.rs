//! Our typed crates → a server that verifies every request with the vendors' OFFICIAL signing
//! code (issue 5, part 4).
//!
//! `cargo xtask conformance` starts `tests/conformance/official_verifier.py` (TC3 checked by
//! `tencentcloud-sdk-python-common`, AK/SK by `huaweicloudsdkcore`), then runs this test with
//! `--ignored`, the verifier's URL and keys and the run's plan (`CONFORMANCE_PLAN`: every
//! operation's input) in the environment. The verifier answers a request that verifies with the
//! operation's documented example and refuses any other; afterwards xtask reads the verifier's
//! log and fails unless every operation of every spec was verified and nothing was refused.
//!
//! Two tests, which xtask runs one at a time (`--exact`) so the verifier's log attributes every
//! request:
//! - [`every_operation_verifies_under_the_official_signers`]: every operation of every service
//!   in the plan, in order, with its planned input and then with values that need
//!   percent-encoding or JSON escaping (xtask compares each logged request with that input),
//!   through each generated crate's `SERVICE` description and the transport the crates call
//!   (`cloud_transport::Client`), with each operation's call description built from the spec as
//!   the generator builds the crates' (their `Operation::INFO`). The request body of each typed
//!   builder is the spec's JSON by the crates' own generated example tests, so this signs what
//!   the crates send, for ~500 operations in one process.
//! - [`typed_calls_verify_and_decode_the_documented_examples`]: the generated crates' typed
//!   builders and outputs for the SSL lifecycle, plus temporary credentials; each answer must
//!   decode to the documented example.
//!
//! It is `#[ignore]`d because it needs that server: a plain `cargo test` lists it as ignored
//! instead of passing without checking anything. By hand (from the repository root):
//!
//! ```text
//! cargo xtask conformance    # runs it, with everything else
//! ```

#![forbid(unsafe_code)]

use cloud_emulator::demo_data::{
    CDB_INSTANCE, DEFAULT_HUAWEI_REGION, GEMINIDB_INSTANCE, MONGODB_INSTANCE,
    POSTGRES_CONNECT_ADDRESS, POSTGRES_INSTANCE, TENCENT_REGION,
};
use cloud_spec::{Operation, Service};
use cloud_transport::ServiceInfo;
use huawei_geminidb::types::{CertCategory, SslOption};
use serde_json::Value;
use tencent_cdb::types::MysqlSslStatus;
use tencent_mongodb::types::MongoSslStatus;
use tencent_mongodb::{Config, Credentials};

/// A value that needs percent-encoding in a Huawei path or query (space, `+`, `~`, `/`, `%`,
/// non-ASCII) and escaping in a Tencent JSON body; the same one the official clients send in
/// the verifier's calibration (`official_clients.py --verifier-control`).
const TRICKY: &str = "a b+c~d/é%";

/// What xtask passes in the environment.
struct Setup {
    endpoint: String,
    tencent: Credentials,
    tencent_temporary: Credentials,
    huawei: Credentials,
    huawei_temporary: Credentials,
    project_id: String,
}

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: this test runs through `cargo xtask conformance`")
    })
}

impl Setup {
    fn from_env() -> Setup {
        Setup {
            endpoint: var("CONFORMANCE_VERIFIER_ENDPOINT"),
            tencent: Credentials::new(
                var("CONFORMANCE_TENCENT_SECRET_ID"),
                var("CONFORMANCE_TENCENT_SECRET_KEY"),
            ),
            tencent_temporary: Credentials::new(
                var("CONFORMANCE_TENCENT_TEMP_SECRET_ID"),
                var("CONFORMANCE_TENCENT_TEMP_SECRET_KEY"),
            )
            .with_session_token(var("CONFORMANCE_TENCENT_TEMP_TOKEN")),
            huawei: Credentials::new(var("CONFORMANCE_HUAWEI_AK"), var("CONFORMANCE_HUAWEI_SK")),
            huawei_temporary: Credentials::new(
                var("CONFORMANCE_HUAWEI_TEMP_AK"),
                var("CONFORMANCE_HUAWEI_TEMP_SK"),
            )
            .with_session_token(var("CONFORMANCE_HUAWEI_TEMP_SECURITY_TOKEN")),
            project_id: var("CONFORMANCE_HUAWEI_PROJECT_ID"),
        }
    }

    fn tencent_config(&self, credentials: &Credentials) -> Config {
        Config::builder()
            .endpoint(&self.endpoint)
            .region(TENCENT_REGION)
            .credentials(credentials.clone())
            .build()
            .expect("a Tencent config for the verifier")
    }

    fn huawei_config(&self, credentials: &Credentials) -> Config {
        Config::builder()
            .endpoint(&self.endpoint)
            .region(DEFAULT_HUAWEI_REGION)
            .project_id(&self.project_id)
            .credentials(credentials.clone())
            .build()
            .expect("a Huawei config for the verifier")
    }
}

/// Collects every failed call instead of stopping at the first, so the verifier's log shows
/// every operation and the panic lists every problem.
#[derive(Default)]
struct Failures(Vec<String>);

impl Failures {
    fn check<T: std::fmt::Debug>(
        &mut self,
        what: &str,
        result: Result<T, tencent_mongodb::Error>,
        expect: impl FnOnce(&T) -> Result<(), String>,
    ) {
        match result {
            Ok(output) => {
                if let Err(why) = expect(&output) {
                    self.0.push(format!("{what}: {why}; decoded {output:?}"));
                }
            }
            Err(err) => self.0.push(format!("{what}: {err}")),
        }
    }
}

fn equal<T: PartialEq + std::fmt::Debug>(name: &str, got: T, documented: T) -> Result<(), String> {
    if got == documented {
        Ok(())
    } else {
        Err(format!("{name} is {got:?}, documented {documented:?}"))
    }
}

async fn tencent_mongodb(setup: &Setup, failures: &mut Failures) {
    let client = tencent_mongodb::Client::new(setup.tencent_config(&setup.tencent));
    for (what, id, credentials) in [
        ("DescribeInstanceSSL", MONGODB_INSTANCE, &setup.tencent),
        ("DescribeInstanceSSL (escaped id)", TRICKY, &setup.tencent),
        (
            "DescribeInstanceSSL (temporary credentials)",
            MONGODB_INSTANCE,
            &setup.tencent_temporary,
        ),
    ] {
        let client = tencent_mongodb::Client::new(setup.tencent_config(credentials));
        let result = client.describe_instance_ssl().instance_id(id).send().await;
        failures.check(&format!("tencent-mongodb {what}"), result, |out| {
            equal("Status", out.status.clone(), Some(MongoSslStatus::Enabled))?;
            equal(
                "ExpiredTime",
                out.expired_time.as_ref().map(|t| t.as_str()),
                Some("2023-05-04 12:13:00"),
            )?;
            equal(
                "CertUrl",
                out.cert_url.as_deref(),
                Some("http://sample/cert"),
            )?;
            equal("RequestId is set", out.request_id.is_empty(), false)
        });
    }
    let result = client
        .instance_enable_ssl()
        .instance_id(MONGODB_INSTANCE)
        .enable(true)
        .send()
        .await;
    failures.check("tencent-mongodb InstanceEnableSSL", result, |out| {
        equal("Status", out.status.clone(), Some(MongoSslStatus::Enabled))?;
        equal(
            "CertUrl",
            out.cert_url.as_deref(),
            Some("https://cert-****"),
        )?;
        equal(
            "ExpiredTime",
            out.expired_time.as_ref().map(|t| t.as_str()),
            Some("2024-03-29 13:40:56"),
        )
    });
}

async fn tencent_cdb(setup: &Setup, failures: &mut Failures) {
    let client = tencent_cdb::Client::new(setup.tencent_config(&setup.tencent));
    let result = client
        .describe_ssl_status()
        .instance_id(CDB_INSTANCE)
        .send()
        .await;
    failures.check("tencent-cdb DescribeSSLStatus", result, |out| {
        equal("Status", out.status.clone(), MysqlSslStatus::On)?;
        equal("Url", out.url.as_str(), "http://***download.url")
    });
    let result = client
        .describe_ssl_status()
        .ro_group_id(TRICKY)
        .send()
        .await;
    failures.check(
        "tencent-cdb DescribeSSLStatus (escaped RoGroupId)",
        result,
        |out| equal("Status", out.status.clone(), MysqlSslStatus::On),
    );
    let result = client.open_ssl().instance_id("cdb-je5egmdl").send().await;
    failures.check("tencent-cdb OpenSSL", result, |out| {
        equal(
            "AsyncRequestId",
            out.async_request_id.as_str(),
            "123asd21-2dasdasd-123qcsdw-313213",
        )
    });
    let result = client.close_ssl().instance_id("cdb-je5egmdl").send().await;
    failures.check("tencent-cdb CloseSSL", result, |out| {
        equal(
            "AsyncRequestId",
            out.async_request_id.as_str(),
            "123asd21-2dasdasd-123qcsdw-313213",
        )
    });
}

async fn tencent_postgres(setup: &Setup, failures: &mut Failures) {
    let client = tencent_postgres::Client::new(setup.tencent_config(&setup.tencent));
    let result = client
        .modify_db_instance_ssl_config()
        .db_instance_id(POSTGRES_INSTANCE)
        .ssl_enabled(true)
        .connect_address(POSTGRES_CONNECT_ADDRESS)
        .send()
        .await;
    failures.check(
        "tencent-postgres ModifyDBInstanceSSLConfig (enable)",
        result,
        |out| equal("TaskId", out.task_id, Some(100016)),
    );
    let result = client
        .modify_db_instance_ssl_config()
        .db_instance_id(POSTGRES_INSTANCE)
        .ssl_enabled(false)
        .send()
        .await;
    failures.check(
        "tencent-postgres ModifyDBInstanceSSLConfig (disable)",
        result,
        |out| equal("TaskId", out.task_id, Some(100015)),
    );
    let result = client
        .describe_db_instance_ssl_config()
        .db_instance_id("postgres-6bwgamo3")
        .send()
        .await;
    failures.check(
        "tencent-postgres DescribeDBInstanceSSLConfig",
        result,
        |out| {
            equal("SSLEnabled", out.ssl_enabled, Some(false))?;
            equal("CAUrl", out.ca_url.as_deref(), Some(""))?;
            equal("ConnectAddress", out.connect_address.as_deref(), Some(""))
        },
    );
}

async fn huawei_geminidb(setup: &Setup, failures: &mut Failures) {
    let client = huawei_geminidb::Client::new(setup.huawei_config(&setup.huawei));
    let documented_cert =
        |out: &huawei_geminidb::operations::ListSslCertDownloadAddressesOutput| {
            let certs = out.certs.as_deref().unwrap_or_default();
            equal("number of certs", certs.len(), 1)?;
            equal(
                "category",
                certs[0].category.clone(),
                Some(CertCategory::International),
            )?;
            equal(
                "download_link",
                certs[0].download_link.as_deref(),
                Some("https://obs.xxx.myhuaweicloud.com/xxx/xxx/ca.crt"),
            )
        };
    for (what, id, credentials) in [
        (
            "ListSslCertDownloadAddresses",
            GEMINIDB_INSTANCE,
            &setup.huawei,
        ),
        (
            "ListSslCertDownloadAddresses (escaped path)",
            TRICKY,
            &setup.huawei,
        ),
        (
            "ListSslCertDownloadAddresses (temporary AK/SK)",
            GEMINIDB_INSTANCE,
            &setup.huawei_temporary,
        ),
    ] {
        let client = huawei_geminidb::Client::new(setup.huawei_config(credentials));
        let result = client
            .list_ssl_cert_download_addresses()
            .instance_id(id)
            .send()
            .await;
        failures.check(&format!("huawei-geminidb {what}"), result, documented_cert);
    }
    for option in [SslOption::On, SslOption::Off] {
        let result = client
            .switch_ssl()
            .instance_id("944bdc55da6c4b33b260b34185ac86bein13")
            .ssl_option(option.clone())
            .send()
            .await;
        failures.check(
            &format!("huawei-geminidb SwitchSsl ({option})"),
            result,
            |out| {
                equal(
                    "job_id",
                    out.job_id.as_deref(),
                    Some("f85104b5-4a9c-4e0f-9505-fc5409d8f7ae"),
                )
            },
        );
    }
    // ListInstances has no documented example: the verifier answers every member empty.
    let result = client
        .list_instances()
        .id(GEMINIDB_INSTANCE)
        .name(TRICKY)
        .offset(0)
        .limit(10)
        .send()
        .await;
    failures.check(
        "huawei-geminidb ListInstances (escaped query)",
        result,
        |out| {
            equal("instances", out.instances.as_ref().map(Vec::len), Some(0))?;
            equal("total_count", out.total_count, Some(0))
        },
    );
}

#[tokio::test]
#[ignore = "needs tests/conformance/official_verifier.py; run by `cargo xtask conformance`"]
async fn typed_calls_verify_and_decode_the_documented_examples() {
    let setup = Setup::from_env();
    let mut failures = Failures::default();
    tencent_mongodb(&setup, &mut failures).await;
    tencent_cdb(&setup, &mut failures).await;
    tencent_postgres(&setup, &mut failures).await;
    huawei_geminidb(&setup, &mut failures).await;
    assert!(
        failures.0.is_empty(),
        "{} call(s) failed against the official verifier:\n{}",
        failures.0.len(),
        failures.0.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Every operation of every service
// ---------------------------------------------------------------------------------------------

/// The generated crate's description of a service, by crate name.
fn crate_service(crate_name: &str) -> Option<&'static ServiceInfo> {
    match crate_name {
        "tencent-mongodb" => Some(&tencent_mongodb::SERVICE),
        "tencent-cdb" => Some(&tencent_cdb::SERVICE),
        "tencent-postgres" => Some(&tencent_postgres::SERVICE),
        "huawei-geminidb" => Some(&huawei_geminidb::SERVICE),
        _ => None,
    }
}

/// The plan xtask wrote (`CONFORMANCE_PLAN`).
fn plan() -> Value {
    let path = var("CONFORMANCE_PLAN");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read the plan {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("the plan {path} is not JSON: {e}"))
}

/// What a successful answer must look like: Tencent's `Response` with a `RequestId`; Huawei's
/// body, a JSON object (empty for HTTP 204, which has none).
fn answer_problem(service: &Service, op: &Operation, answer: &Value) -> Option<String> {
    match service.vendor {
        cloud_spec::Vendor::Tencent => match answer.get("RequestId").and_then(Value::as_str) {
            Some(id) if !id.is_empty() => None,
            _ => Some(format!("the answer has no RequestId: {answer}")),
        },
        cloud_spec::Vendor::Huawei => {
            let no_content = op.http.as_ref().is_some_and(|h| h.success_status == 204);
            match answer {
                Value::Object(members) if !no_content || members.is_empty() => None,
                Value::Null if no_content => None,
                _ => Some(format!("unexpected answer: {answer}")),
            }
        }
    }
}

#[tokio::test]
#[ignore = "needs tests/conformance/official_verifier.py; run by `cargo xtask conformance`"]
async fn every_operation_verifies_under_the_official_signers() {
    let setup = Setup::from_env();
    let plan = plan();
    let mut failures = Vec::new();
    let mut calls = 0;
    for planned in plan["services"]
        .as_array()
        .expect("the plan lists services")
    {
        let crate_name = planned["crate"].as_str().expect("a crate name");
        let Some(info) = crate_service(crate_name) else {
            failures.push(format!(
                "{crate_name}: no generated crate in this test's list"
            ));
            continue;
        };
        let service = cloud_spec::bundle::service(crate_name)
            .unwrap_or_else(|| panic!("{crate_name} is not in the spec bundle"));
        let config = match service.vendor {
            cloud_spec::Vendor::Tencent => setup.tencent_config(&setup.tencent),
            cloud_spec::Vendor::Huawei => setup.huawei_config(&setup.huawei),
        };
        let client = cloud_transport::Client::new(info, config);
        for planned_op in planned["operations"].as_array().expect("operations") {
            let name = planned_op["name"].as_str().expect("an operation name");
            let Some(op) = service.operations.get(name) else {
                failures.push(format!("{crate_name} {name}: not in the spec bundle"));
                continue;
            };
            let info = cloud_spec::transport::operation_info(service.vendor, name, op);
            let inputs = [
                ("planned input", Some(&planned_op["sample"])),
                ("escaped input", planned_op["tricky"].get("input")),
            ];
            for (what, input) in inputs {
                let Some(input) = input else {
                    continue;
                };
                calls += 1;
                match client.call_json(&info, input.clone()).await {
                    Ok(answer) => {
                        if let Some(problem) = answer_problem(&service, op, &answer) {
                            failures.push(format!("{crate_name} {name} ({what}): {problem}"));
                        }
                    }
                    Err(err) => failures.push(format!("{crate_name} {name} ({what}): {err}")),
                }
            }
        }
    }
    assert!(calls > 0, "the plan has no operations");
    assert!(
        failures.is_empty(),
        "{} of {calls} call(s) failed against the official verifier:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
