//! Every fault the emulator can inject, on every service, ends in a typed error or a successful
//! retry, never a panic or a hang; and a mutation is never applied twice: the emulator counts
//! each application, and the client-side recorder counts each attempt.
//!
//! The retry policy under test (cloud-transport): throttling is retried for every operation;
//! connection errors, timeouts and HTTP 502/503/504 only for read-only or idempotent ones.

use std::time::{Duration, Instant};

use cloud_transport::{Error, ErrorKind, Result, RetryConfig};
use cloudcall_tests::http::Recorder;
use cloudcall_tests::services::Service;
use cloudcall_tests::setup::{emulator, Clients, TestBed};
use cloudcall_tests::wait::{bounded, within};

/// Each service's code for the emulator's generic server error (`status:<5xx>`).
fn server_error_code(service: Service) -> &'static str {
    match service {
        Service::MongoDb => tencent_mongodb::error_codes::INTERNAL_ERROR,
        Service::Cdb => tencent_cdb::error_codes::INTERNAL_ERROR,
        Service::Postgres => tencent_postgres::error_codes::INTERNAL_ERROR,
        // Huawei's API Gateway: "backend unavailable" (no GeminiDB constant: its spec lists none).
        Service::GeminiDb => "APIGW.0203",
    }
}

/// The mutation the fault tests send: turning SSL on.
const ENABLE: bool = true;

async fn read(bed: &TestBed, service: Service) -> Result<bool> {
    service.ssl_enabled(&bed.clients).await
}

async fn mutate(bed: &TestBed, service: Service) -> Result<String> {
    service.set_ssl(&bed.clients, ENABLE).await
}

/// How often the mutation was applied to the service's instance so far.
fn applied(bed: &TestBed, service: Service) -> u64 {
    bed.applied(
        service.key(),
        service.mutation_operation(ENABLE),
        service.instance(),
    )
}

fn inject_read(bed: &TestBed, service: Service, fault: &str, times: u32) {
    bed.inject(service.key(), service.read_operation(), fault, times);
}

fn inject_mutation(bed: &TestBed, service: Service, fault: &str, times: u32) {
    bed.inject(
        service.key(),
        service.mutation_operation(ENABLE),
        fault,
        times,
    );
}

/// The attempts since the last check; also checks that every injected fault was used.
fn attempts(bed: &TestBed) -> usize {
    assert!(
        bed.emulator.faults().pending().is_empty(),
        "a fault was not used: {:?}",
        bed.emulator.faults().pending()
    );
    bed.recorder.take_api_attempts()
}

#[tokio::test]
async fn http_5xx_on_a_read_is_retried_to_success() {
    bounded(async {
        let bed = TestBed::start().await;
        for service in Service::ALL {
            for status in [502, 503, 504] {
                inject_read(&bed, service, &format!("status:{status}"), 1);
                read(&bed, service)
                    .await
                    .unwrap_or_else(|e| panic!("{service:?} {status}: {e}"));
                assert_eq!(attempts(&bed), 2, "{service:?} {status}: one retry");
            }
            // 500 says the service failed, not that the request did not get through: not
            // retried, even for a read.
            inject_read(&bed, service, "status:500", 1);
            let err = read(&bed, service).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Service, "{err:?}");
            assert_eq!(err.code(), Some(server_error_code(service)));
            assert_eq!(err.http_status(), Some(500));
            assert!(err.request_id().is_some());
            assert_eq!(attempts(&bed), 1, "{service:?} 500");
        }
        bed.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn http_5xx_on_a_mutation_is_not_retried() {
    bounded(async {
        let bed = TestBed::start().await;
        for service in Service::ALL {
            // Before: the service refused it; nothing was applied.
            inject_mutation(&bed, service, "status:503", 1);
            let err = mutate(&bed, service).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Service, "{service:?}: {err:?}");
            assert_eq!(err.code(), Some(server_error_code(service)));
            assert_eq!(err.http_status(), Some(503));
            assert!(err.request_id().is_some_and(|id| !id.is_empty()));
            assert_eq!(attempts(&bed), 1, "{service:?}: not retried");
            assert_eq!(applied(&bed, service), 0, "{service:?}");

            // After: the change was applied, then the answer was lost in a 504. A retry would
            // apply it twice.
            inject_mutation(&bed, service, "status:504@after", 1);
            let err = mutate(&bed, service).await.unwrap_err();
            assert_eq!(err.http_status(), Some(504), "{service:?}: {err:?}");
            assert_eq!(attempts(&bed), 1, "{service:?}: not retried");
            assert_eq!(
                applied(&bed, service),
                1,
                "{service:?}: applied exactly once"
            );
        }
        bed.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn a_connection_reset_on_a_read_is_retried_to_success() {
    bounded(async {
        let bed = TestBed::start().await;
        for service in Service::ALL {
            for fault in ["reset", "reset@after"] {
                inject_read(&bed, service, fault, 1);
                read(&bed, service)
                    .await
                    .unwrap_or_else(|e| panic!("{service:?} {fault}: {e}"));
                assert_eq!(attempts(&bed), 2, "{service:?} {fault}");
            }
        }
        bed.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn a_connection_reset_on_a_mutation_is_not_retried() {
    bounded(async {
        let bed = TestBed::start().await;
        for service in Service::ALL {
            for (fault, applied_after) in [("reset", 0), ("reset@after", 1)] {
                inject_mutation(&bed, service, fault, 1);
                let err = mutate(&bed, service).await.unwrap_err();
                assert_eq!(
                    err.kind(),
                    ErrorKind::Connection,
                    "{service:?} {fault}: {err:?}"
                );
                assert_eq!(err.code(), None);
                assert_eq!(attempts(&bed), 1, "{service:?} {fault}: not retried");
                assert_eq!(applied(&bed, service), applied_after, "{service:?} {fault}");
            }
        }
        bed.shutdown().await;
    })
    .await
}

/// Checks a decode error: its status and a snippet of the body that could not be decoded.
#[track_caller]
fn assert_decode_error(err: &Error, status: u16, snippet_has: &str) {
    assert_eq!(err.kind(), ErrorKind::Decode, "{err:?}");
    assert_eq!(err.http_status(), Some(status), "{err:?}");
    let snippet = err.body_snippet().expect("a body snippet");
    assert!(snippet.contains(snippet_has), "snippet {snippet:?}");
    let shown = err.to_string();
    assert!(shown.contains(&format!("HTTP {status}")), "{shown}");
}

#[tokio::test]
async fn truncated_and_malformed_json_are_decode_errors() {
    bounded(async {
        let bed = TestBed::start().await;
        for service in Service::ALL {
            // A complete HTTP response whose JSON is cut in half, or is not JSON at all: the
            // service answered 200, so the response is not transient; no retry.
            let opening = if service.vendor() == cloud_transport::Vendor::Tencent {
                "{\"Response\""
            } else {
                "{"
            };
            for fault in ["truncate", "malformed"] {
                inject_read(&bed, service, fault, 1);
                let err = read(&bed, service).await.unwrap_err();
                let expected = if fault == "truncate" { opening } else { "" };
                assert_decode_error(&err, 200, expected);
                assert_eq!(attempts(&bed), 1, "{service:?} {fault}");
            }
            // On a mutation the change was applied before the answer was damaged.
            let before = applied(&bed, service);
            inject_mutation(&bed, service, "truncate", 1);
            let err = mutate(&bed, service).await.unwrap_err();
            let status = if service == Service::GeminiDb {
                202
            } else {
                200
            };
            assert_decode_error(&err, status, opening);
            assert_eq!(attempts(&bed), 1, "{service:?}: not retried");
            assert_eq!(applied(&bed, service), before + 1, "{service:?}");
        }
        bed.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn a_body_cut_short_on_the_wire_is_a_connection_error() {
    bounded(async {
        let bed = TestBed::start().await;
        for service in Service::ALL {
            // Content-Length promises more than arrives before the connection closes.
            inject_read(&bed, service, "truncate-body", 1);
            read(&bed, service)
                .await
                .unwrap_or_else(|e| panic!("{service:?}: {e}"));
            assert_eq!(attempts(&bed), 2, "{service:?}: retried");

            let before = applied(&bed, service);
            inject_mutation(&bed, service, "truncate-body", 1);
            let err = mutate(&bed, service).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Connection, "{service:?}: {err:?}");
            assert_eq!(attempts(&bed), 1, "{service:?}: not retried");
            assert_eq!(
                applied(&bed, service),
                before + 1,
                "{service:?}: applied once"
            );
        }
        bed.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn an_html_error_page_is_a_decode_error_with_status_and_snippet() {
    bounded(async {
        let bed = TestBed::start().await;
        for service in Service::ALL {
            // A proxy's 502 page: transient, so a read is retried...
            inject_read(&bed, service, "html", 1);
            read(&bed, service)
                .await
                .unwrap_or_else(|e| panic!("{service:?}: {e}"));
            assert_eq!(attempts(&bed), 2, "{service:?}");
            // ...until the attempts run out.
            inject_read(&bed, service, "html", 3);
            let err = read(&bed, service).await.unwrap_err();
            assert_decode_error(&err, 502, "<html");
            assert_eq!(attempts(&bed), 3, "{service:?}: all three attempts");
            // Another status keeps its status.
            inject_read(&bed, service, "html:404", 1);
            let err = read(&bed, service).await.unwrap_err();
            assert_decode_error(&err, 404, "<html");
            assert_eq!(
                attempts(&bed),
                1,
                "{service:?}: a 404 page is not transient"
            );

            inject_mutation(&bed, service, "html", 1);
            let err = mutate(&bed, service).await.unwrap_err();
            assert_decode_error(&err, 502, "<html");
            assert_eq!(attempts(&bed), 1, "{service:?}: not retried");
            assert_eq!(applied(&bed, service), 0, "{service:?}");
        }
        bed.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn throttling_is_retried_for_reads_and_mutations() {
    bounded(async {
        let bed = TestBed::start().await;
        for service in Service::ALL {
            inject_read(&bed, service, "throttle", 2);
            read(&bed, service)
                .await
                .unwrap_or_else(|e| panic!("{service:?}: {e}"));
            assert_eq!(
                attempts(&bed),
                3,
                "{service:?}: throttled twice, then served"
            );

            // A throttled request was refused before anything happened: safe to resend.
            inject_mutation(&bed, service, "throttle", 1);
            mutate(&bed, service)
                .await
                .unwrap_or_else(|e| panic!("{service:?}: {e}"));
            assert_eq!(attempts(&bed), 2, "{service:?}");
            assert_eq!(
                applied(&bed, service),
                1,
                "{service:?}: applied exactly once"
            );

            // Throttled on every attempt: the throttling error itself comes back.
            inject_read(&bed, service, "throttle", 3);
            let err = read(&bed, service).await.unwrap_err();
            assert!(err.is_throttling(), "{service:?}: {err:?}");
            assert_eq!(err.kind(), ErrorKind::Service);
            assert!(err.request_id().is_some());
            assert_eq!(attempts(&bed), 3);
        }
        bed.shutdown().await;
    })
    .await
}

/// The attempt timeout of the latency tests, and the latency that exceeds it. The timeout leaves
/// a request ample time to reach the emulator (and use the injected fault) on a loaded machine.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(1);
const SLOW_LATENCY: Duration = Duration::from_secs(4);
const SLOW: &str = "latency:4000";

#[tokio::test]
async fn latency_beyond_the_attempt_timeout_on_a_read() {
    bounded(Service::each_concurrently(|service| async move {
        // Retried: the second attempt is answered at once.
        let bed = TestBed::start_with(emulator(), |b| b.attempt_timeout(ATTEMPT_TIMEOUT)).await;
        inject_read(&bed, service, SLOW, 1);
        let started = Instant::now();
        read(&bed, service)
            .await
            .unwrap_or_else(|e| panic!("{service:?}: {e}"));
        assert!(
            started.elapsed() < SLOW_LATENCY,
            "did not wait out the latency: {:?}",
            started.elapsed()
        );
        assert_eq!(attempts(&bed), 2, "{service:?}");
        bed.shutdown().await;

        // Not retried: a timeout error, at the attempt timeout.
        let bed = TestBed::start_with(emulator(), |b| {
            b.attempt_timeout(ATTEMPT_TIMEOUT)
                .retry(RetryConfig::disabled())
        })
        .await;
        inject_read(&bed, service, SLOW, 1);
        let started = Instant::now();
        let err = read(&bed, service).await.unwrap_err();
        let took = started.elapsed();
        assert_eq!(err.kind(), ErrorKind::Timeout, "{service:?}: {err:?}");
        assert!(err.is_timeout() && err.is_transient());
        assert!(
            took >= ATTEMPT_TIMEOUT && took < SLOW_LATENCY,
            "{service:?}: gave up after {took:?}"
        );
        assert_eq!(attempts(&bed), 1);
        bed.shutdown().await;
    }))
    .await
}

/// A request's own configuration (`Request::config_override`) holds for that call only: a short
/// attempt timeout gives up on an injected latency that the client's own configuration waits
/// out, the client keeps its configuration, and an override out of range is a typed error.
#[tokio::test]
async fn a_request_overrides_the_client_configuration_for_itself_only() {
    bounded(async {
        let patient = SLOW_LATENCY * 2;
        let bed = TestBed::start_with(emulator(), |b| {
            b.attempt_timeout(patient).retry(RetryConfig::disabled())
        })
        .await;
        let mongodb = &bed.clients.mongodb;
        let instance = Service::MongoDb.instance();

        inject_read(&bed, Service::MongoDb, SLOW, 1);
        let started = Instant::now();
        let err = mongodb
            .describe_instance_ssl()
            .instance_id(instance)
            .config_override(|config| config.with_attempt_timeout(ATTEMPT_TIMEOUT))
            .expect("an attempt timeout in range")
            .send()
            .await
            .unwrap_err();
        let took = started.elapsed();
        assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
        assert!(
            took >= ATTEMPT_TIMEOUT && took < SLOW_LATENCY,
            "gave up after {took:?}"
        );
        assert_eq!(attempts(&bed), 1);
        assert_eq!(
            mongodb.config().attempt_timeout(),
            patient,
            "the client's own"
        );

        // Without the override the same latency is waited out.
        inject_read(&bed, Service::MongoDb, "latency:1500", 1);
        let out = mongodb
            .describe_instance_ssl()
            .instance_id(instance)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!out.request_id.is_empty());
        assert_eq!(attempts(&bed), 1);

        let err = mongodb
            .describe_instance_ssl()
            .config_override(|config| config.with_attempt_timeout(Duration::ZERO))
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{err:?}");
        assert_eq!(attempts(&bed), 0, "nothing sent");
        bed.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn latency_beyond_the_attempt_timeout_on_a_mutation() {
    bounded(Service::each_concurrently(|service| async move {
        let latency = Duration::from_millis(2500);
        let bed = TestBed::start_with(emulator(), |b| b.attempt_timeout(ATTEMPT_TIMEOUT)).await;
        inject_mutation(
            &bed,
            service,
            &format!("latency:{}", latency.as_millis()),
            1,
        );
        let started = Instant::now();
        let err = mutate(&bed, service).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Timeout, "{service:?}: {err:?}");
        assert!(
            started.elapsed() < latency,
            "gave up at the attempt timeout"
        );
        assert_eq!(attempts(&bed), 1, "{service:?}: not retried");
        // The emulator was still waiting out the latency when the client hung up; hyper then
        // drops the request, so it is never applied, not even after the latency is over (and
        // never twice: there was no retry).
        tokio::time::sleep(latency.saturating_sub(started.elapsed()) + Duration::from_millis(200))
            .await;
        assert_eq!(applied(&bed, service), 0, "{service:?}");
        assert_eq!(
            bed.emulator
                .request_count(service.mutation_operation(ENABLE)),
            0,
            "{service:?}: the emulator never got to handle it"
        );
        bed.shutdown().await;
    }))
    .await
}

/// Slow on every attempt: the operation timeout ends the whole call, retries included.
#[tokio::test]
async fn the_operation_timeout_bounds_all_attempts() {
    bounded(Service::each_concurrently(|service| async move {
        let operation_timeout = Duration::from_millis(2500);
        let bed = TestBed::start_with(emulator(), |b| {
            b.attempt_timeout(ATTEMPT_TIMEOUT)
                .operation_timeout(operation_timeout)
                .retry(RetryConfig::standard().with_max_attempts(10))
        })
        .await;
        inject_read(&bed, service, SLOW, 10);
        let started = Instant::now();
        let err = within(
            Duration::from_secs(6),
            "a call bounded by 2.5 s",
            read(&bed, service),
        )
        .await
        .unwrap_err();
        let took = started.elapsed();
        assert_eq!(err.kind(), ErrorKind::Timeout, "{service:?}: {err:?}");
        assert!(
            took < operation_timeout + Duration::from_millis(500),
            "{service:?}: took {took:?}"
        );
        let sent = bed.recorder.take_api_attempts();
        assert!((2..10).contains(&sent), "{service:?}: {sent} attempts");
        bed.emulator.faults().clear();
        bed.shutdown().await;
    }))
    .await
}

/// Latency below the attempt timeout is just a slow answer.
#[tokio::test]
async fn latency_within_the_attempt_timeout_is_just_slow() {
    bounded(async {
        let bed =
            TestBed::start_with(emulator(), |b| b.attempt_timeout(Duration::from_secs(2))).await;
        for service in Service::ALL {
            inject_mutation(&bed, service, "latency:150", 1);
            let started = Instant::now();
            mutate(&bed, service)
                .await
                .unwrap_or_else(|e| panic!("{service:?}: {e}"));
            assert!(started.elapsed() >= Duration::from_millis(150));
            assert_eq!(attempts(&bed), 1);
            assert_eq!(applied(&bed, service), 1);
        }
        bed.shutdown().await;
    })
    .await
}

/// Nobody listening: a connection error that says the request was never sent, so it is
/// retried for reads and mutations alike (nothing can apply twice), and bounded.
#[tokio::test]
async fn a_closed_port_is_a_connection_error() {
    bounded(async {
        let stopped = emulator().start().await.expect("the emulator starts");
        let recorder = Recorder::new();
        let clients = Clients::through(&stopped, recorder.clone(), |b| b);
        stopped.shutdown().await;
        for service in Service::ALL {
            let err = service.ssl_enabled(&clients).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Connection, "{service:?}: {err:?}");
            assert!(err.is_transient() && err.request_id().is_none());
            assert!(err.request_not_sent(), "{service:?}: {err:?}");
            assert_eq!(recorder.take_api_attempts(), 3, "{service:?}: retried");
            let err = service.set_ssl(&clients, ENABLE).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Connection, "{service:?}: {err:?}");
            assert!(err.request_not_sent(), "{service:?}: {err:?}");
            assert_eq!(
                recorder.take_api_attempts(),
                3,
                "{service:?}: never sent, so retried"
            );
        }
    })
    .await
}
