//! Every fault, selected per request (header) and per rule (library API and admin endpoint),
//! observed by a plain HTTP client. Every wait is bounded.

use crate::common;

use std::time::{Duration, Instant};

use cloud_emulator::demo_data::{CDB_INSTANCE, MONGODB_INSTANCE};
use cloud_emulator::{
    Emulator, Failure, Fault, FaultRule, Phase, RunningEmulator, FAULT_INJECTED_HEADER,
    IAM_CREATE_TOKEN_OPERATION,
};
use common::*;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn start() -> RunningEmulator {
    Emulator::builder().start().await.expect("start")
}

fn enable() -> Tencent {
    mongodb(
        "InstanceEnableSSL",
        json!({"InstanceId": MONGODB_INSTANCE, "Enable": true}),
    )
}

fn with_fault(call: Tencent, fault: &str) -> Tencent {
    call.with(|t| t.fault = Some(fault.into()))
}

#[tokio::test]
async fn latency_is_added_and_bounded() {
    let emu = start().await;
    let started = Instant::now();
    let a = with_fault(describe_ssl(MONGODB_INSTANCE), "latency:300")
        .send(&emu.base_url())
        .await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(a.response()["Status"], 1, "latency alone still answers");
    assert_eq!(a.header(FAULT_INJECTED_HEADER), Some("latency:300"));
    let too_long = with_fault(describe_ssl(MONGODB_INSTANCE), "latency:600000")
        .send(&emu.base_url())
        .await;
    assert_eq!(too_long.tencent_code().as_deref(), Some("InvalidParameter"));
    assert!(too_long.response()["Error"]["Message"]
        .as_str()
        .unwrap()
        .contains("capped"));
    emu.shutdown().await;
}

#[tokio::test]
async fn http_errors_html_pages_and_throttling() {
    let emu = start().await;
    let base = emu.base_url();
    let a = with_fault(describe_ssl(MONGODB_INSTANCE), "status:503")
        .send(&base)
        .await;
    assert_eq!(a.status, 503);
    assert_eq!(a.tencent_code().as_deref(), Some("InternalError"));

    let html = with_fault(describe_ssl(MONGODB_INSTANCE), "html")
        .send(&base)
        .await;
    assert_eq!(html.status, 502);
    assert!(html
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(String::from_utf8_lossy(&html.body).contains("<html>"));
    assert!(serde_json::from_slice::<serde_json::Value>(&html.body).is_err());

    let throttled = with_fault(describe_ssl(MONGODB_INSTANCE), "throttle")
        .send(&base)
        .await;
    assert_eq!(
        throttled.tencent_code().as_deref(),
        Some("RequestLimitExceeded")
    );
    assert_eq!(throttled.header("retry-after"), Some("1"));
    assert_eq!(
        a.header("retry-after"),
        None,
        "only throttling says when to retry"
    );

    let hw = huawei(
        "GET",
        &gemini_path(emu.project_id(), GEMINI_INSTANCE, "ssl-cert/download-link"),
    )
    .with(|h| h.fault = Some("throttle".into()))
    .send(&base)
    .await;
    assert_eq!(hw.status, 429);
    assert_eq!(hw.json()["error_code"], "APIGW.0308");
    assert_eq!(
        hw.header("retry-after"),
        Some(
            cloud_emulator::THROTTLE_RETRY_AFTER
                .as_secs()
                .to_string()
                .as_str()
        )
    );
    let hw500 = huawei(
        "GET",
        &gemini_path(emu.project_id(), GEMINI_INSTANCE, "ssl-cert/download-link"),
    )
    .with(|h| h.fault = Some("status:500".into()))
    .send(&base)
    .await;
    assert_eq!(hw500.status, 500);
    assert!(hw500.header("x-request-id").is_some());
    emu.shutdown().await;
}

#[tokio::test]
async fn truncated_and_malformed_bodies() {
    let emu = start().await;
    let base = emu.base_url();
    let truncated = with_fault(describe_ssl(MONGODB_INSTANCE), "truncate")
        .send(&base)
        .await;
    assert_eq!(truncated.status, 200);
    assert!(!truncated.body.is_empty());
    assert!(serde_json::from_slice::<serde_json::Value>(&truncated.body).is_err());
    assert!(truncated.body.starts_with(b"{\"Response\""));

    let malformed = with_fault(describe_ssl(MONGODB_INSTANCE), "malformed")
        .send(&base)
        .await;
    assert!(serde_json::from_slice::<serde_json::Value>(&malformed.body).is_err());

    // Content-Length promises more than arrives: the client's body read fails.
    let cut = with_fault(describe_ssl(MONGODB_INSTANCE), "truncate-body")
        .send_expecting_transport_error(&base)
        .await;
    assert!(
        cut.is_body() || cut.is_request() || cut.is_decode(),
        "{cut:?}"
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn one_date_header_on_the_wire() {
    let emu = start().await;
    let mut stream = tokio::net::TcpStream::connect(emu.local_addr())
        .await
        .unwrap();
    let request = "GET /_emulator/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    tokio::time::timeout(TIMEOUT, stream.read_to_end(&mut buf))
        .await
        .unwrap()
        .unwrap();
    let text = String::from_utf8_lossy(&buf).to_ascii_lowercase();
    assert!(text.starts_with("http/1.1 200"), "{text}");
    assert_eq!(
        text.matches("\r\ndate: ").count(),
        1,
        "one Date header: {text}"
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn truncate_body_on_the_wire() {
    let emu = start().await;
    let host = emu.base_url().trim_start_matches("http://").to_owned();
    let body = json!({"InstanceId": MONGODB_INSTANCE}).to_string();
    let body = body.as_bytes();
    let ts = now();
    let authorization = demo_mongodb_authorization(&emu.base_url(), ts, body);
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nAuthorization: {authorization}\r\n\
         X-TC-Action: DescribeInstanceSSL\r\nX-TC-Version: 2019-07-25\r\nX-TC-Timestamp: {ts}\r\n\
         X-Emulator-Fault: truncate-body\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let mut stream = tokio::net::TcpStream::connect(emu.local_addr())
        .await
        .unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(TIMEOUT, stream.read_to_end(&mut buf))
        .await
        .expect("closes in time");
    let text = String::from_utf8_lossy(&buf).to_string();
    let (head, received) = text.split_once("\r\n\r\n").expect("headers arrive");
    let promised: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length: ")
                .map(|v| v.trim().parse().unwrap())
        })
        .expect("content-length");
    assert!(
        !received.is_empty() && received.len() < promised,
        "{} of {promised}",
        received.len()
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn reset_before_does_not_apply_reset_after_does() {
    let emu = start().await;
    let base = emu.base_url();
    let err = with_fault(enable(), "reset")
        .send_expecting_transport_error(&base)
        .await;
    assert!(
        err.is_request() || err.is_connect() || err.is_body(),
        "{err:?}"
    );
    assert_eq!(
        emu.applied_count("InstanceEnableSSL"),
        0,
        "reset@before: nothing applied"
    );

    with_fault(enable(), "reset@after")
        .send_expecting_transport_error(&base)
        .await;
    assert_eq!(
        emu.applied_count("InstanceEnableSSL"),
        1,
        "reset@after: applied once, answer lost"
    );

    let lost = with_fault(enable(), "status:504@after").send(&base).await;
    assert_eq!(lost.status, 504);
    assert_eq!(emu.applied_count("InstanceEnableSSL"), 2);

    // The server survives resets: a normal call works.
    assert_eq!(
        describe_ssl(MONGODB_INSTANCE).send(&base).await.response()["Status"],
        1
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn a_reset_is_a_tcp_reset() {
    let emu = start().await;
    let mut stream = tokio::net::TcpStream::connect(emu.local_addr())
        .await
        .unwrap();
    let request = format!(
        "GET / HTTP/1.1\r\nHost: x\r\nX-TC-Action: DescribeInstanceSSL\r\nX-TC-Version: 2019-07-25\r\n\
         Authorization: TC3-HMAC-SHA256 Credential={}/2024-01-01/mongodb/tc3_request, SignedHeaders=content-type;host, Signature=0000000000000000000000000000000000000000000000000000000000000000\r\n\
         X-Emulator-Fault: reset\r\n\r\n",
        cloud_emulator::DEMO_TENCENT_SECRET_ID
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut buf = [0u8; 64];
    let read = tokio::time::timeout(TIMEOUT, stream.read(&mut buf))
        .await
        .unwrap();
    match read {
        Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset),
        Ok(n) => panic!(
            "expected a reset, read {n} bytes: {:?}",
            String::from_utf8_lossy(&buf[..n])
        ),
    }
    emu.shutdown().await;
}

#[tokio::test]
async fn rules_match_operation_and_count() {
    let emu = start().await;
    let base = emu.base_url();
    let faults = emu.faults();
    faults
        .add(
            FaultRule::new("InstanceEnableSSL", Fault::failure(Failure::Status(503)))
                .times(2)
                .skip(1),
        )
        .unwrap();
    assert_eq!(
        describe_ssl(MONGODB_INSTANCE).send(&base).await.status,
        200,
        "other operations are untouched"
    );
    assert_eq!(enable().send(&base).await.status, 200, "skipped");
    assert_eq!(enable().send(&base).await.status, 503);
    assert_eq!(enable().send(&base).await.status, 503);
    assert_eq!(enable().send(&base).await.status, 200, "times exhausted");
    assert!(faults.pending().is_empty());
    assert_eq!(faults.injected_count(), 2);

    faults
        .add(
            FaultRule::new(
                "*",
                Fault {
                    latency: Some(Duration::from_millis(50)),
                    failure: Some((Failure::Throttle, Phase::Before)),
                },
            )
            .service("tencent-cdb"),
        )
        .unwrap();
    assert_eq!(
        describe_ssl(MONGODB_INSTANCE)
            .send(&base)
            .await
            .tencent_code(),
        None,
        "another service"
    );
    let cdb = cdb("DescribeSSLStatus", json!({"InstanceId": CDB_INSTANCE}))
        .send(&base)
        .await;
    assert_eq!(cdb.tencent_code().as_deref(), Some("RequestLimitExceeded"));
    faults
        .add(FaultRule::new(
            "DescribeInstanceSSL",
            Fault::failure(Failure::Reset),
        ))
        .unwrap();
    faults.clear();
    assert_eq!(
        describe_ssl(MONGODB_INSTANCE).send(&base).await.status,
        200,
        "cleared"
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn admin_endpoint_adds_lists_and_clears_rules() {
    let emu = start().await;
    let base = emu.base_url();
    let rules = json!([
        {"operation": "DescribeInstanceSSL", "fault": "html:503", "times": 1},
        {"operation": "SwitchSsl", "service": "huawei-geminidb", "fault": "reset@after", "times": 3}
    ]);
    let added = admin(&base, "POST", "faults", Some(&rules)).await;
    assert_eq!(added.status, 201);
    let listed = admin(&base, "GET", "faults", None).await.json();
    assert_eq!(listed["rules"].as_array().unwrap().len(), 2);
    assert_eq!(listed["rules"][1]["remaining"], 3);
    assert_eq!(listed["rules"][1]["fault"], "reset@after");

    let page = describe_ssl(MONGODB_INSTANCE).send(&base).await;
    assert_eq!(page.status, 503);
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));

    let bad = admin(
        &base,
        "POST",
        "faults",
        Some(&json!({"operation": "X", "fault": "explode"})),
    )
    .await;
    assert_eq!(bad.status, 400);
    let message = bad.json()["error"].as_str().unwrap().to_owned();
    assert!(message.contains("explode"), "{message}");

    let cleared = admin(&base, "DELETE", "faults", None).await;
    assert_eq!(cleared.status, 200);
    let listed = admin(&base, "GET", "faults", None).await.json();
    assert_eq!(listed["rules"], json!([]));

    let state = admin(&base, "GET", "state", None).await.json();
    assert!(state["instances"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["id"] == MONGODB_INSTANCE));
    let services = admin(&base, "GET", "services", None).await.json();
    assert!(services["services"].as_array().unwrap().len() >= 4);
    emu.shutdown().await;
}

#[tokio::test]
async fn iam_calls_can_be_faulted_by_rule() {
    let emu = start().await;
    emu.faults()
        .add(FaultRule::new(
            "KeystoneCreateUserTokenByPassword",
            Fault::failure(Failure::Status(500)),
        ))
        .unwrap();
    let first = iam_token_answer(&emu.base_url(), "cn-north-4").await;
    assert_eq!(first.status, 500);
    let token = iam_token(&emu.base_url(), "cn-north-4").await;
    assert!(!token.is_empty());
    // A request answered by a fault before it was processed is not counted; the second is.
    assert_eq!(emu.request_count(IAM_CREATE_TOKEN_OPERATION), 1);
    emu.shutdown().await;
}

#[tokio::test]
async fn shutdown_is_prompt_even_with_a_sleeping_request() {
    let emu = start().await;
    let base = emu.base_url();
    let pending = tokio::spawn(async move {
        with_fault(describe_ssl(MONGODB_INSTANCE), "latency:20000")
            .send(&base)
            .await
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    emu.shutdown().await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let answered = tokio::time::timeout(TIMEOUT, pending)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(answered.status, 503);
}

#[tokio::test]
async fn dropping_stops_the_server() {
    let emu = start().await;
    let addr = emu.local_addr();
    drop(emu);
    let mut refused = false;
    for _ in 0..50 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(refused, "the listener is closed after drop");
}

/// A web page on another site cannot drive the emulator (a browser sends `text/plain` posts and
/// its own `Origin` without asking), and fault rules are capped and freed.
#[tokio::test]
async fn admin_endpoint_refuses_foreign_requests_and_caps_rules() {
    let emu = start().await;
    let base = emu.base_url();
    let http = client();
    let rule = json!({"operation": "DescribeInstanceSSL", "fault": "html:503", "times": 1});
    let plain = http
        .post(format!("{base}/_emulator/faults"))
        .header("Content-Type", "text/plain")
        .body(rule.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status().as_u16(), 415);
    let foreign = http
        .post(format!("{base}/_emulator/faults"))
        .header("Origin", "https://evil.example")
        .json_body(&rule)
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status().as_u16(), 403);
    let foreign_delete = http
        .delete(format!("{base}/_emulator/faults"))
        .header("Origin", "http://attacker.example")
        .send()
        .await
        .unwrap();
    assert_eq!(foreign_delete.status().as_u16(), 403);
    assert!(
        emu.faults().pending().is_empty(),
        "a refused request added a rule"
    );

    // The cap: a batch that would go over it adds nothing.
    let many: Vec<_> = (0..cloud_emulator::MAX_FAULT_RULES)
        .map(|_| rule.clone())
        .collect();
    let full = admin(&base, "POST", "faults", Some(&json!(many))).await;
    assert_eq!(full.status, 201);
    let over = admin(&base, "POST", "faults", Some(&rule)).await;
    assert_eq!(over.status, 400);
    let message = over.json()["error"].as_str().unwrap_or_default().to_owned();
    assert!(message.contains("at most 1000"), "{message}");
    assert_eq!(
        emu.faults().pending().len(),
        cloud_emulator::MAX_FAULT_RULES
    );
    // DELETE frees them, and the emulator takes rules again.
    let cleared = admin(&base, "DELETE", "faults", None).await;
    assert_eq!(cleared.status, 200);
    assert!(emu.faults().pending().is_empty());
    let again = admin(&base, "POST", "faults", Some(&rule)).await;
    assert_eq!(again.status, 201);
    emu.shutdown().await;
}
