//! Tencent Cloud calls over real loopback HTTP: wire format, envelopes, retries, clock
//! correction, decode errors, rate limiting.

#![cfg(feature = "tencent")]

use crate::common;

use std::time::{Duration, Instant};

use cloud_transport::{Client, ErrorKind, RetryConfig};
use common::*;
use serde::Deserialize;
use serde_json::json;

fn client(server: &TestServer) -> Client {
    mongodb_client(server)
}

#[tokio::test]
async fn sends_a_signed_api3_request_and_returns_the_response_object() {
    let server = TestServer::start(|req, _| {
        // The receiver checks the signature with the request exactly as it arrived.
        match req.verify_tc3(SECRET_KEY) {
            Ok(()) => Reply::tencent_ok(
                json!({"Status": 1, "ExpiredTime": "2025-01-01 00:00:00"}),
                "req-ok",
            ),
            Err(e) => Reply::tencent_error("AuthFailure.SignatureFailure", &e, "req-bad"),
        }
    })
    .await;
    let out = client(&server)
        .call_json(&DESCRIBE_SSL, json!({"InstanceId": "cmgo-p8vnipr5"}))
        .await
        .unwrap();
    assert_eq!(
        out,
        json!({"Status": 1, "ExpiredTime": "2025-01-01 00:00:00", "RequestId": "req-ok"})
    );

    let sent = &server.received()[0];
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.path, "/");
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(sent.header("x-tc-action"), Some("DescribeInstanceSSL"));
    assert_eq!(sent.header("x-tc-version"), Some("2019-07-25"));
    assert_eq!(sent.header("x-tc-region"), Some("ap-guangzhou"));
    assert_eq!(
        sent.header("host"),
        Some(server.url.trim_start_matches("http://"))
    );
    assert!(sent.header("x-tc-token").is_none());
    assert!(sent.header("x-tc-language").is_none());
    let ts: i64 = sent.header("x-tc-timestamp").unwrap().parse().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!((now - ts).abs() <= 5, "timestamp {ts} vs now {now}");
    assert!(sent
        .header("authorization")
        .unwrap()
        .starts_with(&format!("TC3-HMAC-SHA256 Credential={SECRET_ID}/")));
    assert!(sent
        .header("authorization")
        .unwrap()
        .contains("/mongodb/tc3_request"));
    assert!(sent
        .header("user-agent")
        .unwrap()
        .starts_with("tencent-mongodb/0.1.0 cloud-transport/"));
    assert_eq!(sent.json(), json!({"InstanceId": "cmgo-p8vnipr5"}));
}

#[tokio::test]
async fn no_region_means_no_region_header_and_token_and_language_are_sent() {
    let server = TestServer::start(|req, _| match req.verify_tc3(SECRET_KEY) {
        Ok(()) => Reply::tencent_ok(json!({}), "r"),
        Err(e) => Reply::tencent_error("AuthFailure.SignatureFailure", &e, "r"),
    })
    .await;
    let config = base_config(&server)
        .credentials(tencent_credentials().with_session_token(SESSION_TOKEN))
        .language("en-US")
        .build()
        .unwrap();
    Client::new(&MONGODB, config)
        .call_json(&DESCRIBE_SSL, serde_json::Value::Null)
        .await
        .unwrap();
    let sent = &server.received()[0];
    assert!(sent.header("x-tc-region").is_none());
    assert_eq!(sent.header("x-tc-token"), Some(SESSION_TOKEN));
    assert_eq!(sent.header("x-tc-language"), Some("en-US"));
    assert_eq!(sent.body, b"{}");
}

#[tokio::test]
async fn error_envelope_becomes_a_service_error_with_code_message_and_request_id() {
    let server = TestServer::start(|_, _| {
        Reply::tencent_error(
            "InvalidParameterValue.NotFoundInstance",
            "The instance was not found.",
            "6ba8b8a5-8b33-4d41-8f1b-2c2f8a1b9f01",
        )
    })
    .await;
    let e = client(&server)
        .call_json(&DESCRIBE_SSL, json!({"InstanceId": "cmgo-nope"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Service);
    assert_eq!(e.code(), Some("InvalidParameterValue.NotFoundInstance"));
    assert_eq!(e.message(), "The instance was not found.");
    assert_eq!(e.request_id(), Some("6ba8b8a5-8b33-4d41-8f1b-2c2f8a1b9f01"));
    assert_eq!(
        e.to_string(),
        "InvalidParameterValue.NotFoundInstance: The instance was not found. (request id 6ba8b8a5-8b33-4d41-8f1b-2c2f8a1b9f01)"
    );
    assert_eq!(server.count(), 1, "a service error is not retried");
}

#[tokio::test]
async fn throttled_read_is_retried_and_succeeds() {
    let server = TestServer::start(|_, i| match i {
        0 => Reply::tencent_error("RequestLimitExceeded", "Too many requests.", "r0"),
        1 => Reply::tencent_error("RequestLimitExceeded.UinLimitExceeded", "Too many.", "r1"),
        _ => Reply::tencent_ok(json!({"Status": 0}), "r2"),
    })
    .await;
    let out = client(&server)
        .call_json(&DESCRIBE_SSL, json!({"InstanceId": "cmgo-1"}))
        .await
        .unwrap();
    assert_eq!(out["RequestId"], "r2");
    assert_eq!(server.count(), 3);
    // Every attempt is signed afresh and verifies.
    for req in server.received() {
        req.verify_tc3(SECRET_KEY).unwrap();
    }
}

#[tokio::test]
async fn a_typed_call_finds_errors_in_the_one_pass_and_retries_them() {
    // Every member optional: an error answer would decode as an empty output if the typed
    // decoding did not look for `Response.Error` itself.
    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Output {
        status: Option<i64>,
        request_id: Option<String>,
    }
    let server = TestServer::start(|_, i| match i {
        0 => Reply::tencent_error("RequestLimitExceeded", "Too many requests.", "r0"),
        1 => Reply::tencent_error("RequestLimitExceeded.UinLimitExceeded", "Too many.", "r1"),
        _ => Reply::tencent_ok(json!({"Status": "7"}), "r2"),
    })
    .await;
    let out: Output = client(&server)
        .call(&DESCRIBE_SSL, &json!({"InstanceId": "cmgo-1"}))
        .await
        .unwrap();
    assert_eq!(out.status, Some(7));
    assert_eq!(out.request_id.as_deref(), Some("r2"));
    assert_eq!(server.count(), 3, "both error answers were retried");

    // An error that is not retried comes back with its code and request id, as untyped.
    let refused = TestServer::start(|_, _| {
        Reply::tencent_error(
            "InvalidParameterValue.NotFoundInstance",
            "No such instance.",
            "r-typed",
        )
    })
    .await;
    let e = client(&refused)
        .call::<_, Output>(&DESCRIBE_SSL, &json!({"InstanceId": "cmgo-1"}))
        .await
        .unwrap_err();
    assert!(e.is_code("InvalidParameterValue.NotFoundInstance"), "{e}");
    assert_eq!(e.request_id(), Some("r-typed"));
    assert_eq!(refused.count(), 1);
}

#[tokio::test]
async fn throttled_mutation_is_retried_too() {
    let server = TestServer::start(|_, i| match i {
        0 => Reply::tencent_error("RequestLimitExceeded", "Too many requests.", "r0"),
        _ => Reply::tencent_ok(json!({"FlowId": 42}), "r1"),
    })
    .await;
    let out = client(&server)
        .call_json(&ENABLE_SSL, json!({"InstanceId": "cmgo-1", "Enable": 1}))
        .await
        .unwrap();
    assert_eq!(out["FlowId"], 42);
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn throttling_gives_up_after_max_attempts() {
    let server = TestServer::start(|_, i| {
        Reply::tencent_error(
            "RequestLimitExceeded",
            "Too many requests.",
            &format!("r{i}"),
        )
    })
    .await;
    let e = client(&server)
        .call_json(&DESCRIBE_SSL, json!({}))
        .await
        .unwrap_err();
    assert!(e.is_throttling());
    assert_eq!(e.request_id(), Some("r2"));
    assert_eq!(server.count(), RetryConfig::DEFAULT_MAX_ATTEMPTS as usize);
}

#[tokio::test]
async fn connection_reset_on_a_mutation_is_not_retried() {
    let server = TestServer::start(|_, _| Reply::Reset).await;
    let e = client(&server)
        .call_json(&ENABLE_SSL, json!({"InstanceId": "cmgo-1", "Enable": 1}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connection, "{e}");
    assert_eq!(server.count(), 1, "a mutation must never be sent twice");
}

#[tokio::test]
async fn connection_reset_on_a_read_is_retried() {
    let server = TestServer::start(|_, i| match i {
        0 => Reply::Reset,
        _ => Reply::tencent_ok(json!({"Status": 1}), "r1"),
    })
    .await;
    let out = client(&server)
        .call_json(&DESCRIBE_SSL, json!({"InstanceId": "cmgo-1"}))
        .await
        .unwrap();
    assert_eq!(out["Status"], 1);
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn service_unavailable_on_a_read_is_retried_but_not_on_a_mutation() {
    let handler = |_: &Received, i: usize| match i {
        0 => Reply::raw(
            503,
            "text/html",
            "<html><body>503 Service Temporarily Unavailable</body></html>",
        ),
        _ => Reply::tencent_ok(json!({"Status": 1}), "r1"),
    };
    let server = TestServer::start(handler).await;
    client(&server)
        .call_json(&DESCRIBE_SSL, json!({"InstanceId": "cmgo-1"}))
        .await
        .unwrap();
    assert_eq!(server.count(), 2);

    let server = TestServer::start(handler).await;
    let e = client(&server)
        .call_json(&ENABLE_SSL, json!({"InstanceId": "cmgo-1", "Enable": 1}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode);
    assert_eq!(e.http_status(), Some(503));
    assert!(e.is_transient());
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn signature_expired_is_retried_once_with_the_servers_clock() {
    // The server's clock is two hours ahead of ours.
    let skew = 7200;
    let server = TestServer::start(move |_, i| {
        let server_now = std::time::SystemTime::now() + Duration::from_secs(skew);
        let date = httpdate(server_now);
        match i {
            0 => Reply::tencent_error("AuthFailure.SignatureExpire", "Signature expired.", "r0")
                .header("Date", &date),
            _ => Reply::tencent_ok(json!({"Status": 1}), "r1").header("Date", &date),
        }
    })
    .await;
    // Retries disabled: the clock-corrected retry is separate from the retry budget.
    let config = base_config(&server)
        .credentials(tencent_credentials())
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    let out = Client::new(&MONGODB, config.clone())
        .call_json(&DESCRIBE_SSL, json!({}))
        .await
        .unwrap();
    assert_eq!(out["RequestId"], "r1");
    let sent = server.received();
    assert_eq!(sent.len(), 2);
    let first: i64 = sent[0].header("x-tc-timestamp").unwrap().parse().unwrap();
    let second: i64 = sent[1].header("x-tc-timestamp").unwrap().parse().unwrap();
    assert!(
        (second - first - skew as i64).abs() <= 5,
        "{first} -> {second}"
    );
    sent[1].verify_tc3(SECRET_KEY).unwrap();

    // The correction sticks for later calls of every client sharing the configuration.
    Client::new(&MONGODB, config)
        .call_json(&DESCRIBE_SSL, json!({}))
        .await
        .unwrap();
    let third: i64 = server.received()[2]
        .header("x-tc-timestamp")
        .unwrap()
        .parse()
        .unwrap();
    assert!((third - second).abs() <= 5);
}

#[tokio::test]
async fn signature_expired_twice_is_not_retried_forever() {
    let server = TestServer::start(|_, i| {
        Reply::tencent_error(
            "AuthFailure.SignatureExpire",
            "Signature expired.",
            &format!("r{i}"),
        )
        .header("Date", "Tue, 02 Jan 2024 03:04:05 GMT")
    })
    .await;
    let e = client(&server)
        .call_json(&DESCRIBE_SSL, json!({}))
        .await
        .unwrap_err();
    assert!(e.is_code("AuthFailure.SignatureExpire"));
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn html_body_is_a_decode_error_with_status_and_snippet() {
    let page =
        "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    let server = TestServer::start(move |_, _| Reply::raw(502, "text/html", page)).await;
    let e = client(&server)
        .call_json(&ENABLE_SSL, json!({"InstanceId": "cmgo-1"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode);
    assert_eq!(e.http_status(), Some(502));
    assert_eq!(e.body_snippet(), Some(page));
    let shown = e.to_string();
    assert!(
        shown.contains("HTTP 502") && shown.contains("502 Bad Gateway"),
        "{shown}"
    );
}

#[tokio::test]
async fn a_redirect_is_not_followed_and_says_so() {
    let server = TestServer::start(|_, _| {
        Reply::raw(307, "text/plain", "").header("location", "https://elsewhere.example/")
    })
    .await;
    let e = client(&server)
        .call_json(&DESCRIBE_SSL, json!({"InstanceId": "cmgo-1"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode);
    assert_eq!(e.http_status(), Some(307));
    let shown = e.to_string();
    assert!(
        shown.contains("redirect (to `https://elsewhere.example/`)")
            && shown.contains("not followed")
            && !shown.contains("not JSON"),
        "{shown}"
    );
    assert_eq!(server.count(), 1, "the redirect was followed");
}

#[tokio::test]
async fn typed_output_mismatch_is_a_decode_error_with_status_snippet_and_request_id() {
    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Output {
        status: i64,
        request_id: String,
    }
    let server =
        TestServer::start(|_, _| Reply::tencent_ok(json!({"Status": "not a number"}), "req-typed"))
            .await;
    let e = client(&server)
        .call::<_, Output>(&DESCRIBE_SSL, &json!({"InstanceId": "cmgo-1"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode);
    assert_eq!(e.http_status(), Some(200));
    assert_eq!(e.request_id(), Some("req-typed"));
    assert!(e.body_snippet().unwrap().contains("not a number"));
    assert!(e.message().contains("DescribeInstanceSSL"), "{e}");

    let good = TestServer::start(|_, _| Reply::tencent_ok(json!({"Status": 1}), "req-good")).await;
    let out: Output = client(&good).call(&DESCRIBE_SSL, &json!({})).await.unwrap();
    assert_eq!((out.status, out.request_id.as_str()), (1, "req-good"));
}

#[tokio::test]
async fn client_side_rate_limit_spaces_requests() {
    const LIMITED: cloud_transport::OperationInfo = cloud_transport::OperationInfo {
        rate_limit: Some(10),
        ..DESCRIBE_SSL
    };
    let server = TestServer::start(|_, _| Reply::tencent_ok(json!({}), "r")).await;
    let config = base_config(&server)
        .credentials(tencent_credentials())
        .rate_limit(true)
        .build()
        .unwrap();
    let client = Client::new(&MONGODB, config);
    let started = Instant::now();
    for _ in 0..13 {
        client.call_json(&LIMITED, json!({})).await.unwrap();
    }
    // The first 10 go at once; the 11th waits until a second after the 1st was answered.
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_secs(1), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    assert_eq!(server.count(), 13);
}

#[tokio::test]
async fn missing_credentials_are_a_clear_error_before_any_request() {
    let server = TestServer::start(|_, _| Reply::tencent_ok(json!({}), "r")).await;
    let config = base_config(&server).build().unwrap();
    let e = Client::new(&MONGODB, config)
        .call_json(&DESCRIBE_SSL, json!({}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Credentials);
    assert!(e.to_string().contains("TENCENTCLOUD_SECRET_ID"), "{e}");
    // The message is read by CLI users too: it names no Rust function.
    assert!(!e.to_string().contains("ConfigBuilder"), "{e}");
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn input_that_is_not_an_object_is_refused() {
    let server = TestServer::start(|_, _| Reply::tencent_ok(json!({}), "r")).await;
    let e = client(&server)
        .call_json(&DESCRIBE_SSL, json!([1, 2]))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_eq!(server.count(), 0);
}

/// IMF-fixdate of a time, as a server's `Date` header.
fn httpdate(t: std::time::SystemTime) -> String {
    let secs = t.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let dt = cloud_transport::sign::UtcDateTime::from_unix(secs);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(secs / 86_400 % 7) as usize];
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][dt.month as usize - 1];
    format!(
        "{weekday}, {:02} {month} {} {:02}:{:02}:{:02} GMT",
        dt.day, dt.year, dt.hour, dt.minute, dt.second
    )
}
