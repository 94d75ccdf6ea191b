//! Secrets never show: every credential and configuration type formatted with `Debug` (and
//! `Display` where it exists), and everything `tracing` emits at TRACE level during real calls
//! in every authentication mode, errors included.
//!
//! Its own test binary, apart from `tests/integration/`: whether anyone listens at a `tracing`
//! callsite is decided process-wide. While this test's thread-local subscriber is the only one
//! registered, a callsite that another test's thread reaches first is cached as unwanted
//! (tracing-core's single-dispatcher shortcut), and this test would capture nothing.

#![cfg(all(feature = "tencent", feature = "huawei"))]

#[path = "integration/common/mod.rs"]
mod common;

use cloud_transport::http::{HttpRequest, HttpResponse};
use cloud_transport::{Client, Config, Credentials, Environment, IamPassword, Secret};
use common::*;
use serde_json::json;

fn assert_no_secret(what: &str, text: &str) {
    assert_no_secret_in(what, text, &[]);
}

#[test]
fn credential_and_config_types_never_format_secrets() {
    let secret = Secret::new(SECRET_KEY);
    assert_no_secret("Secret Debug", &format!("{secret:?}"));
    assert_no_secret("Secret Display", &format!("{secret}"));

    let tencent = Credentials::new(SECRET_ID, SECRET_KEY).with_session_token(SESSION_TOKEN);
    let huawei = Credentials::new(AK, SK).with_session_token(SECURITY_TOKEN);
    assert_no_secret(
        "Credentials",
        &format!("{tencent:?} {huawei:?} {tencent:#?}"),
    );
    // The access key id names the key and is shown, so users can tell which one is used.
    assert!(format!("{tencent:?}").contains(SECRET_ID));

    let login = IamPassword::new("ops", IAM_PASSWORD, "acme");
    assert_no_secret("IamPassword", &format!("{login:?}"));

    let env = Environment::from_vars([
        ("TENCENTCLOUD_SECRET_KEY", SECRET_KEY),
        ("HUAWEICLOUD_SDK_SK", SK),
        ("HUAWEICLOUD_SDK_PASSWORD", IAM_PASSWORD),
    ]);
    assert_no_secret("Environment", &format!("{env:?}"));

    let builders = [
        Config::builder()
            .credentials(tencent.clone())
            .environment(env.clone()),
        Config::builder()
            .credentials(huawei.clone())
            .huawei_token(IAM_TOKEN),
        Config::builder()
            .iam_password(login.clone())
            .project_id(PROJECT_ID),
    ];
    for builder in builders {
        assert_no_secret("ConfigBuilder", &format!("{builder:?}"));
        let config = builder.build().unwrap();
        assert_no_secret("Config", &format!("{config:?} {config:#?}"));
        let client = Client::new(&GEMINIDB, config);
        assert_no_secret("Client", &format!("{client:?}"));
    }

    let request = HttpRequest {
        method: "POST".into(),
        url: "https://example.com/".into(),
        headers: vec![
            (
                "Authorization".into(),
                format!("TC3-HMAC-SHA256 Credential=x, SignedHeaders=y, Signature={SK}"),
            ),
            ("X-TC-Token".into(), SESSION_TOKEN.into()),
            ("X-Auth-Token".into(), IAM_TOKEN.into()),
            ("X-Security-Token".into(), SECURITY_TOKEN.into()),
        ],
        body: IAM_PASSWORD.as_bytes().to_vec(),
        timeout: None,
    };
    assert_no_secret("HttpRequest", &format!("{request:?}"));
    let response = HttpResponse::new(201, IAM_TOKEN).with_header("X-Subject-Token", IAM_TOKEN);
    assert_no_secret("HttpResponse", &format!("{response:?}"));
}

#[tokio::test]
async fn tracing_output_of_tencent_calls_has_no_secrets() {
    let capture = LogCapture::start();
    let server = TestServer::start(|_, i| match i {
        0 => Reply::tencent_error("RequestLimitExceeded", "slow down", "r0"),
        1 => Reply::tencent_ok(json!({"Status": 1}), "r1"),
        _ => Reply::tencent_error("AuthFailure.SecretIdNotFound", "unknown id", "r2"),
    })
    .await;
    let config = base_config(&server)
        .credentials(Credentials::new(SECRET_ID, SECRET_KEY).with_session_token(SESSION_TOKEN))
        .region("ap-guangzhou")
        .build()
        .unwrap();
    let client = Client::new(&MONGODB, config);
    client
        .call_json(&DESCRIBE_SSL, json!({"InstanceId": "x"}))
        .await
        .unwrap();
    let e = client
        .call_json(&DESCRIBE_SSL, json!({"InstanceId": "x"}))
        .await
        .unwrap_err();
    assert_no_secret("error", &format!("{e} {e:?}"));

    let logs = capture.text();
    // The capture works: the call span and its fields are there.
    assert!(logs.contains("cloud_call"), "{logs}");
    assert!(
        logs.contains("action=\"DescribeInstanceSSL\"")
            || logs.contains("action=DescribeInstanceSSL"),
        "{logs}"
    );
    assert!(logs.contains("request_id"), "{logs}");
    assert!(logs.contains("attempts=2"), "{logs}");
    assert_no_secret("tracing output", &logs);
    let sent = &server.received()[0];
    assert!(!logs.contains(sent.header("authorization").unwrap()));
}

#[tokio::test]
async fn tracing_output_of_huawei_calls_has_no_secrets() {
    let capture = LogCapture::start();
    let server = TestServer::start(|req, _| {
        if req.path == "/v3/auth/tokens" {
            return Reply::json(201, json!({"token": {"expires_at": "2999-01-01T00:00:00Z", "project": {"id": PROJECT_ID}}}))
                .header("X-Subject-Token", IAM_TOKEN);
        }
        if req.path == "/v3/projects" {
            return Reply::json(200, json!({"projects": [{"id": PROJECT_ID, "name": "cn-north-4"}]}));
        }
        Reply::json(200, json!({"certs": []}))
    })
    .await;
    // AK/SK with a security token (and a project lookup), a given token, and a password login.
    let configs = [
        base_config(&server)
            .region("cn-north-4")
            .credentials(Credentials::new(AK, SK).with_session_token(SECURITY_TOKEN)),
        base_config(&server)
            .region("cn-north-4")
            .huawei_token(IAM_TOKEN),
        base_config(&server)
            .region("cn-north-4")
            .iam_password(IamPassword::new("ops", IAM_PASSWORD, "acme")),
    ];
    for config in configs {
        let client = Client::new(&GEMINIDB, config.build().unwrap());
        client
            .call_json(&LIST_CERTS, json!({"instance_id": INSTANCE_ID}))
            .await
            .unwrap();
        let e = client.call_json(&LIST_CERTS, json!({})).await.unwrap_err();
        assert_no_secret("error", &format!("{e} {e:?}"));
    }
    let logs = capture.text();
    assert!(logs.contains("iam_call"), "{logs}");
    assert!(logs.contains("ListSslCertDownloadAddresses"), "{logs}");
    assert_no_secret("tracing output", &logs);
    for req in server.received() {
        if let Some(auth) = req.header("authorization") {
            assert!(!logs.contains(auth));
        }
    }
}

#[tokio::test]
async fn waits_show_their_polls_in_tracing_and_no_secrets() {
    use cloud_transport::wait::{Scalar, TaskApi, WaitOptions};
    use cloud_transport::OperationInfo;
    use std::time::Duration;

    static TASKS: TaskApi = TaskApi {
        operation: OperationInfo::action("DescribeAsyncRequestInfo").read_only(),
        handle: "AsyncRequestId",
        handle_as_text: true,
        status: "Status",
        message: None,
        running: &[Scalar::Str("running")],
        succeeded: &[Scalar::Str("success")],
        failed: &[Scalar::Str("failed")],
    };
    let capture = LogCapture::start();
    let server = TestServer::start(|_, i| {
        let status = if i == 0 { "running" } else { "success" };
        Reply::tencent_ok(json!({"Status": status}), "r")
    })
    .await;
    let config = base_config(&server)
        .credentials(Credentials::new(SECRET_ID, SECRET_KEY).with_session_token(SESSION_TOKEN))
        .build()
        .unwrap();
    let options = WaitOptions::new().first_interval(Duration::from_millis(5));
    TASKS
        .wait(&Client::new(&MONGODB, config), &json!("a-7"), &options)
        .await
        .expect("succeeds");
    let logs = capture.text();
    // Each poll is an event in the wait's span: attempt, elapsed time, status seen.
    assert!(logs.contains("cloud_wait"), "{logs}");
    assert!(logs.contains("polled"), "{logs}");
    assert!(logs.contains("attempt=2"), "{logs}");
    assert!(logs.contains("elapsed_ms="), "{logs}");
    assert!(logs.contains("status=\"success\""), "{logs}");
    assert!(logs.contains("wait succeeded"), "{logs}");
    assert_no_secret("tracing output", &logs);
}
