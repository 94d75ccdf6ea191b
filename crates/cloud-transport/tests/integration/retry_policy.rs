//! A replaceable retry policy, and per-call overrides of the retry settings and deadlines through
//! a configuration clone.

#![cfg(feature = "tencent")]

use crate::common::*;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cloud_transport::{Client, ErrorKind, FailedAttempt, RetryConfig, RetryDecision, RetryPolicy};
use serde_json::json;

/// Retries one vendor code the default policy does not know, up to `limit` attempts, with no
/// wait; counts what it was asked.
#[derive(Debug, Default)]
struct RetryResourceInUse {
    asked: AtomicU32,
    limit: u32,
}

impl RetryPolicy for RetryResourceInUse {
    fn on_failure(&self, failed: &FailedAttempt<'_>) -> RetryDecision {
        self.asked.fetch_add(1, Ordering::SeqCst);
        if failed.error.is_code("ResourceInUse") && failed.attempt < self.limit {
            RetryDecision::RetryAfter(Duration::ZERO)
        } else {
            RetryDecision::Stop
        }
    }
}

#[derive(Debug)]
struct Shared(Arc<RetryResourceInUse>);

impl RetryPolicy for Shared {
    fn on_failure(&self, failed: &FailedAttempt<'_>) -> RetryDecision {
        self.0.on_failure(failed)
    }
}

#[tokio::test]
async fn a_custom_policy_decides_even_for_a_mutation() {
    let server = TestServer::start(|_, i| match i {
        0 | 1 => Reply::tencent_error("ResourceInUse", "busy", &format!("r{i}")),
        _ => Reply::tencent_ok(json!({"FlowId": 7}), "r2"),
    })
    .await;
    let policy = Arc::new(RetryResourceInUse {
        limit: 5,
        ..Default::default()
    });
    let config = base_config(&server)
        .credentials(tencent_credentials())
        .retry_policy(Shared(policy.clone()))
        .build()
        .unwrap();
    let out = Client::new(&MONGODB, config)
        .call_json(&ENABLE_SSL, json!({"InstanceId": "cmgo-1", "Enable": 1}))
        .await
        .unwrap();
    assert_eq!(out["FlowId"], 7);
    assert_eq!(server.count(), 3);
    assert_eq!(policy.asked.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_policy_that_stops_ends_the_call_at_once() {
    let server = TestServer::start(|_, i| {
        Reply::tencent_error("RequestLimitExceeded", "slow down", &format!("r{i}"))
    })
    .await;
    let config = base_config(&server)
        .credentials(tencent_credentials())
        .retry_policy(RetryResourceInUse::default())
        .build()
        .unwrap();
    let e = Client::new(&MONGODB, config)
        .call_json(&DESCRIBE_SSL, json!({}))
        .await
        .unwrap_err();
    assert!(e.is_throttling(), "{e}");
    assert_eq!(
        server.count(),
        1,
        "the default would have retried throttling"
    );
}

#[tokio::test]
async fn a_configuration_clone_overrides_retries_and_deadlines_for_some_calls() {
    let server = TestServer::start(|_, i| {
        Reply::tencent_error("RequestLimitExceeded", "slow down", &format!("r{i}"))
    })
    .await;
    let config = base_config(&server)
        .credentials(tencent_credentials())
        .build()
        .unwrap();
    // The default: three attempts.
    let _ = Client::new(&MONGODB, config.clone())
        .call_json(&DESCRIBE_SSL, json!({}))
        .await
        .unwrap_err();
    assert_eq!(server.count(), 3);
    // One client with no retries, from a clone: the original keeps its settings.
    let once = config.clone().with_retry(RetryConfig::disabled()).unwrap();
    let _ = Client::new(&MONGODB, once)
        .call_json(&DESCRIBE_SSL, json!({}))
        .await
        .unwrap_err();
    assert_eq!(server.count(), 4);
    assert_eq!(
        config.retry().max_attempts(),
        RetryConfig::DEFAULT_MAX_ATTEMPTS
    );

    // A shorter deadline for some calls.
    let hanging = TestServer::start(|_, _| Reply::Hang).await;
    let quick = base_config(&hanging)
        .credentials(tencent_credentials())
        .build()
        .unwrap()
        .with_operation_timeout(Duration::from_millis(300))
        .unwrap();
    let started = Instant::now();
    let e = Client::new(&MONGODB, quick)
        .call_json(&DESCRIBE_SSL, json!({}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    assert!(started.elapsed() < Duration::from_secs(5));

    // Out-of-range overrides are refused, naming the setting.
    let e = config
        .clone()
        .with_attempt_timeout(Duration::ZERO)
        .unwrap_err();
    assert!(e.to_string().contains("attempt_timeout"), "{e}");
    assert!(config
        .with_retry(RetryConfig::standard().with_max_attempts(0))
        .is_err());
}
