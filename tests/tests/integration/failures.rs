//! The failures the services document, end to end: each arrives as a typed error with the
//! right kind, the documented code (the generated `error_codes` constants), the service's
//! message and its request id, and none is retried when a retry cannot help.

use std::time::{Duration, Instant};

use cloud_emulator::{DEMO_HUAWEI_AK, DEMO_TENCENT_SECRET_ID, DEMO_TENCENT_SECRET_KEY};
use cloud_transport::{Credentials, Error, ErrorKind, RetryConfig};
use cloudcall_tests::http::{DateHeader, Recorder, SkewedServerClock};
use cloudcall_tests::services::Service;
use cloudcall_tests::setup::{
    emulator, huawei_config, instances, tencent_config, Clients, TestBed,
};
use cloudcall_tests::wait::bounded;
use huawei_geminidb::operations::SwitchSslInput;
use serde_json::json;
use tencent_mongodb::operations::DescribeInstanceSslInput;

/// GeminiDB's spec lists no error codes (the generated `error_codes` module is empty), so the
/// codes from Huawei's API Gateway and GeminiDB error-code pages are named here.
mod huawei_codes {
    /// API Gateway: authentication failed (bad, expired or missing signature or token).
    pub const APIGW_AUTH_FAILED: &str = "APIGW.0301";
    /// GeminiDB: parameter error.
    pub const DBS_PARAMETER_ERROR: &str = "DBS.200001";
    /// GeminiDB: the DB instance does not exist.
    pub const DBS_INSTANCE_NOT_FOUND: &str = "DBS.200002";
}

/// Checks a service error: kind, code, a message and a request id.
#[track_caller]
fn assert_service_error(err: &Error, code: &str, http_status: u16) {
    assert_eq!(err.kind(), ErrorKind::Service, "{err:?}");
    assert_eq!(err.code(), Some(code), "{err:?}");
    assert_eq!(err.http_status(), Some(http_status), "{err:?}");
    assert!(!err.message().is_empty(), "{err:?}");
    let id = err.request_id().expect("a request id");
    assert!(!id.is_empty());
    let shown = err.to_string();
    assert!(
        shown.starts_with(&format!("{code}: ")) && shown.contains(id),
        "Display names code and request id: {shown}"
    );
}

/// Each Tencent service with its crate's constant for the common error code `$code` (every
/// crate names the common codes).
macro_rules! tencent_codes {
    ($code:ident) => {
        [
            (Service::MongoDb, tencent_mongodb::error_codes::$code),
            (Service::Cdb, tencent_cdb::error_codes::$code),
            (Service::Postgres, tencent_postgres::error_codes::$code),
        ]
    };
}

/// Describes the service's instance with `clients`, returning the error.
async fn describe_error(service: Service, clients: &Clients) -> Error {
    service
        .ssl_enabled(clients)
        .await
        .expect_err("the call must fail")
}

#[tokio::test]
async fn a_wrong_secret_key_is_a_signature_failure_and_not_retried() {
    bounded(async {
        let bed = TestBed::start().await;
        let recorder = Recorder::new();
        let clients = Clients::through(&bed.emulator, recorder.clone(), |b| {
            b.credentials(Credentials::new(
                DEMO_TENCENT_SECRET_ID,
                "not-the-secret-key",
            ))
        });
        let tencent_codes = tencent_codes!(AUTH_FAILURE_SIGNATURE_FAILURE);
        for (service, code) in tencent_codes {
            let err = describe_error(service, &clients).await;
            assert_service_error(&err, code, 200);
            assert_eq!(recorder.take_api_attempts(), 1, "{service:?}: not retried");
        }

        let huawei = huawei_geminidb::Client::new(
            huawei_config(&bed.emulator)
                .credentials(Credentials::new(DEMO_HUAWEI_AK, "not-the-secret-key"))
                .http_client(recorder.clone())
                .build()
                .unwrap(),
        );
        let err = huawei
            .switch_ssl()
            .instance_id(instances::GEMINIDB)
            .ssl_option(huawei_geminidb::types::SslOption::On)
            .send()
            .await
            .unwrap_err();
        assert_service_error(&err, huawei_codes::APIGW_AUTH_FAILED, 401);
        assert_eq!(recorder.take_api_attempts(), 1);
        assert_eq!(
            bed.emulator.applied_count("SwitchSsl"),
            0,
            "a refused call applies nothing"
        );
        bed.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn an_unknown_secret_id_or_ak_is_refused() {
    bounded(async {
        let bed = TestBed::start().await;
        let clients = Clients::with(&bed.emulator, |b| {
            b.credentials(Credentials::new(
                "AKIDUNKNOWN00000000000000000000000000",
                DEMO_TENCENT_SECRET_KEY,
            ))
        });
        let huawei = [(Service::GeminiDb, huawei_codes::APIGW_AUTH_FAILED)];
        for (service, code) in tencent_codes!(AUTH_FAILURE_SECRET_ID_NOT_FOUND)
            .into_iter()
            .chain(huawei)
        {
            let err = describe_error(service, &clients).await;
            let status = if service == Service::GeminiDb {
                401
            } else {
                200
            };
            assert_service_error(&err, code, status);
        }
        bed.shutdown().await;
    })
    .await
}

/// The emulator's clock runs an hour ahead of the client's. The first request is refused with
/// `AuthFailure.SignatureExpire`; the client corrects its clock from the `Date` header and
/// retries once, even with retries disabled (so the second attempt can only be that
/// correction); later calls of the same configuration are right at once.
#[tokio::test]
async fn an_expired_timestamp_is_corrected_from_the_date_header() {
    bounded(async {
        let bed = TestBed::start_with(emulator().clock_offset(3600), |b| {
            b.retry(RetryConfig::disabled())
        })
        .await;
        bed.clients
            .mongodb
            .describe_instance_ssl()
            .instance_id(instances::MONGODB)
            .send()
            .await
            .expect("the corrected retry succeeds");
        assert_eq!(
            bed.recorder.take_api_attempts(),
            2,
            "refused once, then corrected"
        );

        // The correction belongs to the configuration: another client of it is right at once.
        bed.clients
            .cdb
            .describe_ssl_status()
            .instance_id(instances::CDB)
            .send()
            .await
            .unwrap();
        assert_eq!(bed.recorder.take_api_attempts(), 1);
        bed.shutdown().await;
    })
    .await
}

/// When the correction cannot help, the error comes back after exactly one corrected retry
/// (a `Date` header that does not show the skew) or none (no `Date` header at all). Both need a
/// server whose `Date` header lies or is missing, which the emulator never is; so the skew is
/// played by a wrapper that re-signs requests instead of by the emulator's clock offset.
#[tokio::test]
async fn an_expired_timestamp_that_a_correction_cannot_fix_fails_typed() {
    bounded(async {
        let bed = TestBed::start().await;
        for (date, attempts) in [(DateHeader::Unchanged, 2), (DateHeader::Removed, 1)] {
            let skewed = SkewedServerClock::new(
                Credentials::new(DEMO_TENCENT_SECRET_ID, DEMO_TENCENT_SECRET_KEY),
                Duration::from_secs(3600),
                date,
            );
            let recorder = Recorder::wrapping(skewed);
            let clients = Clients::through(&bed.emulator, recorder.clone(), |b| b);
            let codes = tencent_codes!(AUTH_FAILURE_SIGNATURE_EXPIRE);
            for (service, code) in codes {
                let err = describe_error(service, &clients).await;
                assert_service_error(&err, code, 200);
                assert_eq!(
                    recorder.take_api_attempts(),
                    attempts,
                    "{service:?} with the Date header {date:?}"
                );
            }
        }
        bed.shutdown().await;
    })
    .await
}

/// Clock differences within the vendors' tolerance (5 minutes for TC3, 15 for Huawei) are
/// accepted at once; beyond it the Tencent client is refused once and corrects its clock from
/// the `Date` header, and Huawei answers 401 (its client has no clock correction: Huawei
/// documents none). The emulator's clock offset plays the server's skew.
#[tokio::test]
async fn clock_skew_tolerance_per_vendor() {
    bounded(async {
        for (ahead, huawei_ok) in [
            (240, true),
            (-240, true),
            (600, true),
            (-1200, false),
            (1200, false),
        ] {
            let bed = TestBed::start_with(emulator().clock_offset(ahead), |b| {
                b.retry(RetryConfig::disabled())
            })
            .await;
            let clients = &bed.clients;
            Service::MongoDb
                .ssl_enabled(clients)
                .await
                .unwrap_or_else(|e| panic!("{ahead} s: {e}"));
            let tencent_attempts = if ahead.abs() < 300 { 1 } else { 2 };
            assert_eq!(
                bed.recorder.take_api_attempts(),
                tencent_attempts,
                "{ahead} s: within TC3's 5 minutes at once, beyond after one correction"
            );
            let huawei_result = Service::GeminiDb.ssl_enabled(clients).await;
            if huawei_ok {
                huawei_result.unwrap_or_else(|e| panic!("{ahead} s within 15 minutes: {e}"));
            } else {
                let err = huawei_result.unwrap_err();
                assert_service_error(&err, huawei_codes::APIGW_AUTH_FAILED, 401);
                assert!(err.message().contains("expired"), "{err}");
            }
            assert_eq!(
                bed.recorder.take_api_attempts(),
                1,
                "{ahead} s: not retried"
            );
            bed.shutdown().await;
        }
    })
    .await
}

/// Every operation naming an instance answers an unknown one with its documented not-found
/// code, and a mutation of an unknown instance applies nothing.
#[tokio::test]
async fn unknown_instances_get_each_operations_not_found_code() {
    bounded(async {
        let bed = TestBed::start().await;
        let c = &bed.clients;
        let missing = "ins-does-not-exist";
        let mongodb_code = tencent_mongodb::error_codes::INVALID_PARAMETER_VALUE_NOT_FOUND_INSTANCE;
        let cdb_code = tencent_cdb::error_codes::RESOURCE_NOT_FOUND_INSTANCE_NOT_FOUND_ERROR;
        let postgres_code =
            tencent_postgres::error_codes::RESOURCE_NOT_FOUND_INSTANCE_NOT_FOUND_ERROR;
        let cases: Vec<(&str, Error, &str, u16)> = vec![
            (
                "DescribeInstanceSSL",
                c.mongodb
                    .describe_instance_ssl()
                    .instance_id(missing)
                    .send()
                    .await
                    .unwrap_err(),
                mongodb_code,
                200,
            ),
            (
                "InstanceEnableSSL",
                c.mongodb
                    .instance_enable_ssl()
                    .instance_id(missing)
                    .enable(true)
                    .send()
                    .await
                    .unwrap_err(),
                mongodb_code,
                200,
            ),
            (
                "DescribeSSLStatus",
                c.cdb
                    .describe_ssl_status()
                    .instance_id(missing)
                    .send()
                    .await
                    .unwrap_err(),
                cdb_code,
                200,
            ),
            (
                "OpenSSL",
                c.cdb
                    .open_ssl()
                    .instance_id(missing)
                    .send()
                    .await
                    .unwrap_err(),
                cdb_code,
                200,
            ),
            (
                "CloseSSL",
                c.cdb
                    .close_ssl()
                    .instance_id(missing)
                    .send()
                    .await
                    .unwrap_err(),
                cdb_code,
                200,
            ),
            (
                "DescribeDBInstanceSSLConfig",
                c.postgres
                    .describe_db_instance_ssl_config()
                    .db_instance_id(missing)
                    .send()
                    .await
                    .unwrap_err(),
                postgres_code,
                200,
            ),
            (
                "ModifyDBInstanceSSLConfig",
                c.postgres
                    .modify_db_instance_ssl_config()
                    .db_instance_id(missing)
                    .ssl_enabled(false)
                    .send()
                    .await
                    .unwrap_err(),
                postgres_code,
                200,
            ),
            (
                "ListSslCertDownloadAddresses",
                c.geminidb
                    .list_ssl_cert_download_addresses()
                    .instance_id(missing)
                    .send()
                    .await
                    .unwrap_err(),
                huawei_codes::DBS_INSTANCE_NOT_FOUND,
                404,
            ),
            (
                "SwitchSsl",
                c.geminidb
                    .switch_ssl()
                    .instance_id(missing)
                    .ssl_option(huawei_geminidb::types::SslOption::On)
                    .send()
                    .await
                    .unwrap_err(),
                huawei_codes::DBS_INSTANCE_NOT_FOUND,
                404,
            ),
        ];
        for (operation, err, code, status) in &cases {
            assert_service_error(err, code, *status);
            assert!(
                err.message().contains(missing),
                "{operation}: names the instance: {err}"
            );
            assert_eq!(bed.emulator.applied_count(operation), 0, "{operation}");
        }
        assert_eq!(
            bed.recorder.take_api_attempts(),
            cases.len(),
            "none retried"
        );

        // ListInstances filters by id: an unknown one lists nothing, which is not an error.
        let listed = c
            .geminidb
            .list_instances()
            .id(missing)
            .send()
            .await
            .unwrap();
        assert_eq!(listed.total_count, Some(0));
        assert!(listed.instances.unwrap_or_default().is_empty());
        bed.shutdown().await;
    })
    .await
}

/// A required member the caller did not set: the builder refuses before anything is sent,
/// naming the member.
#[tokio::test]
async fn missing_required_members_fail_in_the_builder_without_sending() {
    bounded(async {
        let bed = TestBed::start().await;
        let c = &bed.clients;
        let cases: Vec<(&str, Error)> = vec![
            (
                "InstanceId",
                c.mongodb.describe_instance_ssl().send().await.unwrap_err(),
            ),
            (
                "Enable",
                c.mongodb
                    .instance_enable_ssl()
                    .instance_id(instances::MONGODB)
                    .send()
                    .await
                    .unwrap_err(),
            ),
            (
                "DBInstanceId",
                c.postgres
                    .describe_db_instance_ssl_config()
                    .send()
                    .await
                    .unwrap_err(),
            ),
            (
                "SSLEnabled",
                c.postgres
                    .modify_db_instance_ssl_config()
                    .db_instance_id(instances::POSTGRES)
                    .send()
                    .await
                    .unwrap_err(),
            ),
            (
                "instance_id",
                c.geminidb
                    .list_ssl_cert_download_addresses()
                    .send()
                    .await
                    .unwrap_err(),
            ),
            (
                "ssl_option",
                c.geminidb
                    .switch_ssl()
                    .instance_id(instances::GEMINIDB)
                    .send()
                    .await
                    .unwrap_err(),
            ),
        ];
        for (member, err) in &cases {
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err:?}");
            assert_eq!(err.code(), None);
            assert_eq!(err.request_id(), None, "nothing was sent");
            assert!(err.message().contains(&format!("`{member}`")), "{err}");
        }
        assert!(
            bed.recorder.sent().is_empty(),
            "nothing sent: {:?}",
            bed.recorder.sent()
        );
        bed.shutdown().await;
    })
    .await
}

/// What only the service can check: an incomplete request sent anyway (untyped `call_json`,
/// or members that are required only together) is refused with the vendor's code.
#[tokio::test]
async fn incomplete_requests_are_refused_by_the_service() {
    bounded(async {
        let bed = TestBed::start().await;
        let tencent = cloud_transport::Client::new(
            &tencent_mongodb::SERVICE,
            tencent_config(&bed.emulator).build().unwrap(),
        );
        let describe = &<DescribeInstanceSslInput as tencent_mongodb::operations::Operation>::INFO;
        let err = tencent.call_json(describe, json!({})).await.unwrap_err();
        assert_service_error(&err, tencent_mongodb::error_codes::MISSING_PARAMETER, 200);
        assert!(err.message().contains("InstanceId"), "{err}");

        let err = tencent
            .call_json(describe, json!({"InstanceId": 5}))
            .await
            .unwrap_err();
        assert_service_error(&err, tencent_mongodb::error_codes::INVALID_PARAMETER, 200);
        let err = tencent
            .call_json(
                describe,
                json!({"InstanceId": instances::MONGODB, "Colour": "red"}),
            )
            .await
            .unwrap_err();
        assert_service_error(&err, tencent_mongodb::error_codes::UNKNOWN_PARAMETER, 200);
        assert!(err.message().contains("Colour"), "{err}");

        // TencentDB for MySQL takes InstanceId or RoGroupId: neither is required alone.
        let err = bed
            .clients
            .cdb
            .describe_ssl_status()
            .send()
            .await
            .unwrap_err();
        assert_service_error(&err, tencent_cdb::error_codes::MISSING_PARAMETER, 200);

        // PostgreSQL needs ConnectAddress when enabling, and the docs say so only in prose.
        let err = bed
            .clients
            .postgres
            .modify_db_instance_ssl_config()
            .db_instance_id(instances::POSTGRES)
            .ssl_enabled(true)
            .send()
            .await
            .unwrap_err();
        assert_service_error(&err, tencent_postgres::error_codes::MISSING_PARAMETER, 200);
        assert!(err.message().contains("ConnectAddress"), "{err}");
        assert_eq!(bed.emulator.applied_count("ModifyDBInstanceSSLConfig"), 0);

        let huawei = cloud_transport::Client::new(
            &huawei_geminidb::SERVICE,
            huawei_config(&bed.emulator).build().unwrap(),
        );
        let err = huawei
            .call_json(
                &<SwitchSslInput as huawei_geminidb::operations::Operation>::INFO,
                json!({"instance_id": instances::GEMINIDB}),
            )
            .await
            .unwrap_err();
        assert_service_error(&err, huawei_codes::DBS_PARAMETER_ERROR, 400);
        assert!(
            err.message().contains("MissingParameter") && err.message().contains("ssl_option"),
            "{err}"
        );
        assert_eq!(bed.emulator.applied_count("SwitchSsl"), 0);
        bed.shutdown().await;
    })
    .await
}

/// PostgreSQL's SSL operations are served in listed regions only.
#[tokio::test]
async fn an_unlisted_region_is_unsupported() {
    bounded(async {
        let bed = TestBed::start().await;
        let config = tencent_config(&bed.emulator)
            .region("ap-mumbai")
            .build()
            .unwrap();
        let err = tencent_postgres::Client::new(config)
            .describe_db_instance_ssl_config()
            .db_instance_id(instances::POSTGRES)
            .send()
            .await
            .unwrap_err();
        assert_service_error(&err, tencent_postgres::error_codes::UNSUPPORTED_REGION, 200);
        bed.shutdown().await;
    })
    .await
}

/// How many requests of a burst each vendor-documented limit lets through at once.
const LIMIT: usize = 20;
const BURST: usize = 25;

/// Sends `BURST` describes at once; returns the results and how long the burst took.
async fn burst(mongodb: &tencent_mongodb::Client) -> (Vec<Result<(), Error>>, Duration) {
    let started = Instant::now();
    let calls = (0..BURST).map(|_| {
        let mongodb = mongodb.clone();
        tokio::spawn(async move {
            mongodb
                .describe_instance_ssl()
                .instance_id(instances::MONGODB)
                .send()
                .await
                .map(|_| ())
        })
    });
    let mut results = Vec::new();
    for call in calls.collect::<Vec<_>>() {
        results.push(call.await.expect("no panic in a call"));
    }
    (results, started.elapsed())
}

#[tokio::test]
async fn a_burst_beyond_the_rate_limit_is_throttled_without_retries() {
    bounded(async {
        let bed = TestBed::start().await;
        let config = tencent_config(&bed.emulator)
            .retry(RetryConfig::disabled())
            .build()
            .unwrap();
        let (results, took) = burst(&tencent_mongodb::Client::new(config)).await;
        let throttled: Vec<&Error> = results.iter().filter_map(|r| r.as_ref().err()).collect();
        for err in &throttled {
            assert_service_error(
                err,
                tencent_mongodb::error_codes::REQUEST_LIMIT_EXCEEDED,
                200,
            );
            assert!(err.is_throttling() && err.is_retryable());
        }
        // The limit is 20 in any one second; refused requests do not count against it.
        if took < Duration::from_secs(1) {
            assert_eq!(throttled.len(), BURST - LIMIT, "burst took {took:?}");
        } else {
            assert!(!throttled.is_empty(), "burst took {took:?}");
        }
        bed.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn a_burst_beyond_the_rate_limit_succeeds_with_retries() {
    bounded(async {
        let bed = TestBed::start().await;
        // Waits long enough for the one-second window to slide; up to 20 attempts, so even the
        // unluckiest jitter gets through.
        let retry = RetryConfig::standard()
            .with_max_attempts(RetryConfig::MAX_ATTEMPTS_LIMIT)
            .with_initial_backoff(Duration::from_millis(250))
            .with_max_backoff(Duration::from_secs(1));
        let recorder = Recorder::new();
        let config = tencent_config(&bed.emulator)
            .retry(retry)
            .operation_timeout(Duration::from_secs(20))
            .http_client(recorder.clone())
            .build()
            .unwrap();
        let (results, _) = burst(&tencent_mongodb::Client::new(config)).await;
        for r in &results {
            r.as_ref().expect("retried until admitted");
        }
        assert!(
            recorder.sent().len() > BURST,
            "some were throttled and retried: {} requests",
            recorder.sent().len()
        );
        bed.shutdown().await;
    })
    .await
}

/// The client-side limiter spaces a burst to the documented 20 per second: the service
/// (which allows 20 in any one-second window) throttles nothing, and no call needs a retry.
#[tokio::test]
async fn the_client_side_rate_limiter_avoids_throttling() {
    bounded(async {
        let bed = TestBed::start_with(emulator(), |b| b).await;
        let recorder = Recorder::new();
        let config = tencent_config(&bed.emulator)
            .retry(RetryConfig::disabled())
            .rate_limit(true)
            .http_client(recorder.clone())
            .build()
            .unwrap();
        let (results, took) = burst(&tencent_mongodb::Client::new(config)).await;
        for r in &results {
            r.as_ref().expect("never throttled");
        }
        assert_eq!(recorder.sent().len(), BURST, "no retries needed");
        // The 21st waited until a second after the first was answered.
        assert!(
            took >= Duration::from_secs(1),
            "the limiter spaced the burst: {took:?}"
        );
        bed.shutdown().await;
    })
    .await
}
