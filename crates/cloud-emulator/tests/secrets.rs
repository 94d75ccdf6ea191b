//! Secrets (SecretKey, SK, tokens, passwords, Authorization headers) never reach the logs or
//! error messages, even at trace level.
//!
//! Its own test binary, apart from `tests/integration/`: whether anyone listens at a `tracing`
//! callsite is decided process-wide. While this test's thread-local subscriber is the only one
//! registered, a callsite that another test's thread reaches first is cached as unwanted
//! (tracing-core's single-dispatcher shortcut), and this test would capture nothing.

#[allow(dead_code)] // the helpers of the other tests too
#[path = "integration/common/mod.rs"]
mod common;

use cloud_emulator::demo_data::MONGODB_INSTANCE;
use std::io::Write;
use std::sync::{Arc, Mutex};

use cloud_emulator::{Emulator, DEMO_HUAWEI_SK, DEMO_IAM_PASSWORD, DEMO_TENCENT_SECRET_KEY};
use common::*;
use serde_json::json;

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

// A current-thread runtime: every server task runs on this thread, under this subscriber.
#[tokio::test(flavor = "current_thread")]
async fn logs_and_errors_hold_no_secrets() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let emu = Emulator::builder().start().await.unwrap();
    let base = emu.base_url();
    let mut bodies = Vec::new();
    let ok = mongodb(
        "DescribeInstanceSSL",
        json!({"InstanceId": MONGODB_INSTANCE}),
    );
    let authorization_probe = ok.clone().send(&base).await;
    bodies.push(authorization_probe.body.clone());
    bodies.push(
        ok.clone()
            .with(|t| t.signing_key = Some("wrong".into()))
            .send(&base)
            .await
            .body,
    );
    bodies.push(
        huawei(
            "GET",
            &gemini_path(emu.project_id(), GEMINI_INSTANCE, "ssl-cert/download-link"),
        )
        .send(&base)
        .await
        .body,
    );
    let token = iam_token(&base, "cn-north-4").await;
    bodies.push(
        huawei(
            "GET",
            &gemini_path(emu.project_id(), GEMINI_INSTANCE, "ssl-cert/download-link"),
        )
        .auth(Auth::Token(token.clone()))
        .send(&base)
        .await
        .body,
    );
    let wrong_password = json!({"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "emulator-user", "password": "hunter2-not-it", "domain": {"name": "emulator-domain"}}}}}});
    bodies.push(
        client()
            .post(format!("{base}/v3/auth/tokens"))
            .json_body(&wrong_password)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
            .to_vec(),
    );
    emu.shutdown().await;

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("tencent call"), "the capture works: {logs}");
    let answers = String::from_utf8_lossy(&bodies.concat()).into_owned();
    for secret in [
        DEMO_TENCENT_SECRET_KEY,
        DEMO_HUAWEI_SK,
        DEMO_IAM_PASSWORD,
        "hunter2-not-it",
        token.as_str(),
        "TC3-HMAC-SHA256 Credential",
        "SDK-HMAC-SHA256 Access",
    ] {
        assert!(!logs.contains(secret), "the logs show {secret}");
        assert!(!answers.contains(secret), "an answer shows {secret}");
    }
}
