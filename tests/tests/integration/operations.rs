//! Every operation of every generated crate succeeds against the emulator over loopback HTTP,
//! and what the typed output decodes to matches the emulator's seeded state: the documented
//! examples of the specs, for the docs' own instances.

use std::collections::HashSet;

use cloud_emulator::{
    DEMO_HUAWEI_SECURITY_TOKEN, DEMO_HUAWEI_TEMP_AK, DEMO_HUAWEI_TEMP_SK,
    DEMO_TENCENT_TEMP_SECRET_ID, DEMO_TENCENT_TEMP_SECRET_KEY, DEMO_TENCENT_TOKEN,
};
use cloud_spec::Service as Spec;
use cloud_transport::Credentials;
use cloudcall_tests::setup::{instances, Clients, TestBed};
use cloudcall_tests::wait::bounded;
use huawei_geminidb::types::{CertCategory, InstanceSslState, SslOption};
use serde::Serialize;
use serde_json::Value;
use tencent_cdb::types::MysqlSslStatus;
use tencent_mongodb::types::MongoSslStatus;

/// The output of the first documented example of `operation` in the spec named `service`.
fn documented_output(service: &str, operation: &str) -> serde_json::Map<String, Value> {
    let specs: Vec<Spec> = cloud_spec::bundle::services();
    let spec = specs
        .iter()
        .find(|s| s.name == service)
        .unwrap_or_else(|| panic!("no spec `{service}`"));
    let op = &spec.operations[operation];
    let example = op
        .examples
        .first()
        .unwrap_or_else(|| panic!("`{operation}` has no documented example"));
    example.output.clone().into_iter().collect()
}

/// The certificate link the emulator answers for `instance` of `service`: its own test
/// certificate (the spec's `resource.ssl`), not the docs' host.
fn certificate_link(bed: &TestBed, service: &str, instance: &str) -> String {
    format!(
        "{}/_emulator/certs/{service}/{instance}",
        bed.emulator.base_url()
    )
}

/// Every member of the documented output, except those that differ per call by design
/// (`RequestId`, the flow ids and the emulator's certificate links in `fresh`), appears in the decoded output with the same
/// value once re-encoded: the typed output kept every documented value.
fn assert_matches_documented(
    output: &impl Serialize,
    documented: &serde_json::Map<String, Value>,
    fresh: &[&str],
) {
    let decoded = serde_json::to_value(output).expect("outputs serialize");
    let mut compared = 0;
    for (member, value) in documented {
        if member == "RequestId" || fresh.contains(&member.as_str()) {
            continue;
        }
        assert_eq!(
            decoded.get(member),
            Some(value),
            "member `{member}`: decoded {decoded}"
        );
        compared += 1;
    }
    assert!(compared > 0, "nothing to compare in {documented:?}");
}

#[tokio::test]
async fn mongodb_operations_decode_the_documented_state() {
    bounded(async {
        let bed = TestBed::start().await;
        let mongodb = &bed.clients.mongodb;
        let mut request_ids = HashSet::new();
        for instance in [instances::MONGODB, instances::MONGODB_OTHER] {
            let out = mongodb
                .describe_instance_ssl()
                .instance_id(instance)
                .send()
                .await
                .unwrap();
            assert_eq!(out.status, Some(MongoSslStatus::Enabled));
            assert_eq!(
                out.cert_url,
                Some(certificate_link(&bed, "tencent-mongodb", instance))
            );
            // The test certificate's expiry: a year after the emulator started.
            let expires = out.expired_time.as_ref().expect("ExpiredTime");
            assert!(
                expires.to_system_time().expect("a time") > std::time::SystemTime::now(),
                "{expires:?}"
            );
            assert_matches_documented(
                &out,
                &documented_output("mongodb", "DescribeInstanceSSL"),
                &["CertUrl", "ExpiredTime"],
            );
            assert!(
                request_ids.insert(out.request_id.clone()),
                "request ids repeat"
            );
        }

        let mut flows = HashSet::new();
        for enable in [true, false] {
            let out = mongodb
                .instance_enable_ssl()
                .instance_id(instances::MONGODB)
                .enable(enable)
                .send()
                .await
                .unwrap();
            let flow = out.flow_id.expect("a FlowId");
            assert!(flow > 0);
            assert!(flows.insert(flow), "each change starts its own flow");
            // The answer echoes the state asked for; the docs show the `Enable: true` answer.
            let asked = if enable {
                MongoSslStatus::Enabled
            } else {
                MongoSslStatus::Disabled
            };
            assert_eq!(out.status, Some(asked));
            assert_matches_documented(
                &out,
                &documented_output("mongodb", "InstanceEnableSSL"),
                &["FlowId", "Status"],
            );
            assert!(
                request_ids.insert(out.request_id.clone()),
                "request ids repeat"
            );
        }
        assert_eq!(
            bed.applied("tencent-mongodb", "InstanceEnableSSL", instances::MONGODB),
            2
        );
        assert_eq!(bed.recorder.take_api_attempts(), 4, "one request per call");
        bed.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn cdb_operations_decode_the_documented_state() {
    bounded(async {
        let bed = TestBed::start().await;
        let cdb = &bed.clients.cdb;
        let out = cdb
            .describe_ssl_status()
            .instance_id(instances::CDB)
            .send()
            .await
            .unwrap();
        assert_eq!(out.status, MysqlSslStatus::On);
        assert_eq!(
            out.url,
            certificate_link(&bed, "tencent-cdb", instances::CDB)
        );
        assert_matches_documented(
            &out,
            &documented_output("cdb", "DescribeSSLStatus"),
            &["Url"],
        );

        let opened = cdb
            .open_ssl()
            .instance_id(instances::CDB)
            .send()
            .await
            .unwrap();
        let closed = cdb
            .close_ssl()
            .instance_id(instances::CDB)
            .send()
            .await
            .unwrap();
        for (id, request_id) in [
            (&opened.async_request_id, &opened.request_id),
            (&closed.async_request_id, &closed.request_id),
        ] {
            assert!(!id.is_empty() && !request_id.is_empty());
        }
        assert_ne!(opened.async_request_id, closed.async_request_id);
        assert_ne!(opened.request_id, closed.request_id);
        assert_eq!(bed.applied("tencent-cdb", "OpenSSL", instances::CDB), 1);
        assert_eq!(bed.applied("tencent-cdb", "CloseSSL", instances::CDB), 1);
        bed.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn postgres_operations_decode_the_documented_state() {
    bounded(async {
        let bed = TestBed::start().await;
        let postgres = &bed.clients.postgres;
        let out = postgres
            .describe_db_instance_ssl_config()
            .db_instance_id(instances::POSTGRES)
            .send()
            .await
            .unwrap();
        assert_eq!(out.ssl_enabled, Some(true));
        assert_eq!(out.connect_address.as_deref(), Some("10.0.0.4"));
        assert_eq!(
            out.ca_url,
            Some(certificate_link(
                &bed,
                "tencent-postgres",
                instances::POSTGRES
            ))
        );
        assert_matches_documented(
            &out,
            &documented_output("postgres", "DescribeDBInstanceSSLConfig"),
            &["CAUrl"],
        );

        let enabled = postgres
            .modify_db_instance_ssl_config()
            .db_instance_id(instances::POSTGRES)
            .ssl_enabled(true)
            .connect_address("10.0.0.4")
            .send()
            .await
            .unwrap();
        let disabled = postgres
            .modify_db_instance_ssl_config()
            .db_instance_id(instances::POSTGRES)
            .ssl_enabled(false)
            .send()
            .await
            .unwrap();
        let (a, b) = (
            enabled.task_id.expect("TaskId"),
            disabled.task_id.expect("TaskId"),
        );
        assert!(a > 0 && b > 0 && a != b, "task ids {a} {b}");
        assert_eq!(
            bed.applied(
                "tencent-postgres",
                "ModifyDBInstanceSSLConfig",
                instances::POSTGRES
            ),
            2
        );
        bed.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn geminidb_operations_decode_the_documented_state() {
    bounded(async {
        let bed = TestBed::start().await;
        let geminidb = &bed.clients.geminidb;
        let listed = geminidb
            .list_instances()
            .id(instances::GEMINIDB)
            .send()
            .await
            .unwrap();
        assert_eq!(listed.total_count, Some(1));
        let instances_listed = listed.instances.expect("instances");
        assert_eq!(instances_listed.len(), 1);
        assert_eq!(instances_listed[0].id.as_deref(), Some(instances::GEMINIDB));
        assert_eq!(instances_listed[0].ssl, Some(InstanceSslState::Disabled));

        let certs = geminidb
            .list_ssl_cert_download_addresses()
            .instance_id(instances::GEMINIDB)
            .send()
            .await
            .unwrap();
        let cert_list = certs.certs.clone().expect("certs");
        assert_eq!(cert_list.len(), 1);
        assert_eq!(cert_list[0].category, Some(CertCategory::International));
        assert_eq!(
            cert_list[0].download_link,
            Some(certificate_link(
                &bed,
                "huawei-geminidb",
                instances::GEMINIDB
            ))
        );

        let mut jobs = HashSet::new();
        for option in [SslOption::On, SslOption::Off] {
            let out = geminidb
                .switch_ssl()
                .instance_id(instances::GEMINIDB)
                .ssl_option(option)
                .send()
                .await
                .unwrap();
            let job = out.job_id.expect("job_id");
            assert!(!job.is_empty());
            assert!(jobs.insert(job), "each switch starts its own job");
        }
        assert_eq!(
            bed.applied("huawei-geminidb", "SwitchSsl", instances::GEMINIDB),
            2
        );
        // Every API call went to the configured project, signed with AK/SK.
        let sent = bed.recorder.sent();
        assert_eq!(sent.len(), 4);
        for s in &sent {
            assert!(
                s.path
                    .starts_with(&format!("/v3/{}/instances", instances::GEMINIDB_PROJECT)),
                "{s:?}"
            );
            assert!(s.signed && !s.auth_token, "{s:?}");
        }
        bed.shutdown().await;
    })
    .await
}

/// Temporary credentials: Tencent sends `X-TC-Token`, Huawei `X-Security-Token`; the emulator
/// refuses the temporary keys without them, so success proves they were sent and signed.
#[tokio::test]
async fn temporary_credentials_work_on_every_service() {
    bounded(async {
        let bed = TestBed::start().await;
        let clients = Clients::with(&bed.emulator, |b| b);
        let tencent = cloudcall_tests::setup::tencent_config(&bed.emulator)
            .credentials(
                Credentials::new(DEMO_TENCENT_TEMP_SECRET_ID, DEMO_TENCENT_TEMP_SECRET_KEY)
                    .with_session_token(DEMO_TENCENT_TOKEN),
            )
            .build()
            .unwrap();
        let huawei = cloudcall_tests::setup::huawei_config(&bed.emulator)
            .credentials(
                Credentials::new(DEMO_HUAWEI_TEMP_AK, DEMO_HUAWEI_TEMP_SK)
                    .with_session_token(DEMO_HUAWEI_SECURITY_TOKEN),
            )
            .build()
            .unwrap();
        let temporary = Clients::new(tencent, huawei);
        for service in cloudcall_tests::services::Service::ALL {
            let expected = service.ssl_enabled(&clients).await.unwrap();
            assert_eq!(
                service.ssl_enabled(&temporary).await.unwrap(),
                expected,
                "{service:?}"
            );
        }

        // Without the token the temporary key is refused, so the success above was not luck.
        let tokenless = cloudcall_tests::setup::tencent_config(&bed.emulator)
            .credentials(Credentials::new(
                DEMO_TENCENT_TEMP_SECRET_ID,
                DEMO_TENCENT_TEMP_SECRET_KEY,
            ))
            .build()
            .unwrap();
        let err = tencent_mongodb::Client::new(tokenless)
            .describe_instance_ssl()
            .instance_id(instances::MONGODB)
            .send()
            .await
            .unwrap_err();
        assert_eq!(
            err.code(),
            Some(tencent_mongodb::error_codes::AUTH_FAILURE_TOKEN_FAILURE),
            "{err}"
        );
        bed.shutdown().await;
    })
    .await
}

/// GeminiDB's ListInstances without a filter lists the project's instances.
#[tokio::test]
async fn geminidb_list_instances_without_a_filter_lists_the_project() {
    bounded(async {
        let bed = TestBed::start().await;
        let listed = bed.clients.geminidb.list_instances().send().await.unwrap();
        let ids: Vec<String> = listed
            .instances
            .unwrap_or_default()
            .into_iter()
            .filter_map(|i| i.id)
            .collect();
        assert!(ids.iter().any(|id| id == instances::GEMINIDB), "{ids:?}");
        assert_eq!(listed.total_count, Some(ids.len() as i32));
        bed.shutdown().await;
    })
    .await
}
