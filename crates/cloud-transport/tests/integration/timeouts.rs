//! Every wait is bounded: a server that never answers ends in a timeout error within the
//! configured bounds, for one attempt and for a whole call with retries.

#![cfg(feature = "tencent")]

use crate::common;

use std::time::{Duration, Instant};

use cloud_transport::{Client, ErrorKind};
use common::*;
use serde_json::json;

#[tokio::test]
async fn a_server_that_never_answers_times_out_within_the_attempt_timeout() {
    let server = TestServer::start(|_, _| Reply::Hang).await;
    let config = base_config(&server)
        .credentials(tencent_credentials())
        .attempt_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = Instant::now();
    let e = Client::new(&MONGODB, config)
        .call_json(&ENABLE_SSL, json!({"InstanceId": "cmgo-1"}))
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    assert!(e.is_timeout());
    assert!(elapsed >= Duration::from_millis(300), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    assert_eq!(server.count(), 1, "a timed-out mutation is not sent again");
}

#[tokio::test]
async fn a_timed_out_read_is_retried_within_the_operation_timeout() {
    let server = TestServer::start(|_, _| Reply::Hang).await;
    let config = base_config(&server)
        .credentials(tencent_credentials())
        .attempt_timeout(Duration::from_millis(200))
        .operation_timeout(Duration::from_millis(450))
        .build()
        .unwrap();
    let started = Instant::now();
    let e = Client::new(&MONGODB, config)
        .call_json(&DESCRIBE_SSL, json!({}))
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    // Two full attempts fit, the third is cut short by the deadline.
    assert!(elapsed >= Duration::from_millis(400), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    assert!(server.count() >= 2, "{}", server.count());
    assert!(server.count() <= 3, "{}", server.count());
}

#[tokio::test]
async fn a_slow_answer_within_the_timeout_succeeds() {
    let server = TestServer::start(|_, _| {
        Reply::Delayed(
            Duration::from_millis(200),
            Box::new(Reply::tencent_ok(json!({"Status": 1}), "r")),
        )
    })
    .await;
    let config = base_config(&server)
        .credentials(tencent_credentials())
        .attempt_timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let out = Client::new(&MONGODB, config)
        .call_json(&DESCRIBE_SSL, json!({}))
        .await
        .unwrap();
    assert_eq!(out["Status"], 1);
}

#[tokio::test]
async fn a_closed_port_is_a_connection_error_quickly() {
    // Bind, learn the port, close: nothing listens there any more.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let config = cloud_transport::Config::builder()
        .endpoint(format!("http://127.0.0.1:{port}"))
        .environment(cloud_transport::Environment::empty())
        .credentials(tencent_credentials())
        .retry(quick_retry())
        .build()
        .unwrap();
    let started = Instant::now();
    let e = Client::new(&MONGODB, config)
        .call_json(&DESCRIBE_SSL, json!({}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connection, "{e}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn zero_timeouts_are_refused() {
    for builder in [
        cloud_transport::Config::builder().attempt_timeout(Duration::ZERO),
        cloud_transport::Config::builder().connect_timeout(Duration::ZERO),
        cloud_transport::Config::builder().operation_timeout(Duration::ZERO),
    ] {
        assert_eq!(
            builder.build().unwrap_err().kind(),
            ErrorKind::InvalidConfig
        );
    }
}
