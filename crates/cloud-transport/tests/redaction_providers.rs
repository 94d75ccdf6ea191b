//! Secrets never show while credential providers fetch: the `Debug` of every provider and of
//! configurations holding one, the errors of cut and refused credentials answers, and everything
//! `tracing` emits at TRACE level meanwhile (debug events of failed attempts included).
//!
//! Its own test binary with a single test, for the reason `redaction.rs` gives: a `tracing`
//! callsite first reached by another test's thread can be cached as unwanted, and this test
//! would then capture nothing.

#![cfg(all(feature = "tencent", feature = "huawei"))]

#[path = "integration/common/mod.rs"]
mod common;

use cloud_transport::{Client, Credentials};
use common::*;
use serde_json::json;

/// The web-identity token of TKE OIDC and the id token of Huawei federation, in token files.
const WEB_IDENTITY_TOKEN: &str = "tke-WEB-IDENTITY-TOKEN-must-never-leak";
const ID_TOKEN: &str = "hw-ID-TOKEN-must-never-leak";

fn assert_no_secret(what: &str, text: &str) {
    assert_no_secret_in(what, text, &[WEB_IDENTITY_TOKEN, ID_TOKEN]);
}

/// Plays every credentials service: the CVM role document, STS (both actions), the ECS
/// `securitykey` document and the IAM federation exchange, all handing out the canary secrets;
/// with `broken`, every credentials answer is cut short just before its end (every secret in
/// what arrives) or refused.
async fn credentials_services(broken: bool) -> TestServer {
    let far = 4_102_444_800i64; // 2100-01-01
    TestServer::start(move |req, _| {
        let tencent_doc = json!({"TmpSecretId": SECRET_ID, "TmpSecretKey": SECRET_KEY,
            "Token": SESSION_TOKEN, "ExpiredTime": far, "Code": "Success"});
        let huawei_doc = json!({"credential": {"access": AK, "secret": SK,
            "securitytoken": SECURITY_TOKEN, "expires_at": "2100-01-01T00:00:00.000000Z"}});
        let sts_answer = json!({"Credentials": {"TmpSecretId": SECRET_ID,
            "TmpSecretKey": SECRET_KEY, "Token": SESSION_TOKEN}, "ExpiredTime": far,
            "RequestId": "r"});
        let cut = |v: serde_json::Value| {
            let text = v.to_string();
            // Every secret arrives whole; only the closing braces are missing.
            Reply::raw(200, "application/json", &text[..text.len() - 2])
        };
        match (req.method.as_str(), req.path.as_str()) {
            ("GET", "/latest/meta-data/cam/security-credentials/") => {
                Reply::raw(200, "text/plain", "role")
            }
            ("GET", "/latest/meta-data/cam/security-credentials/role") if broken => {
                cut(tencent_doc)
            }
            ("GET", "/latest/meta-data/cam/security-credentials/role") => {
                Reply::json(200, tencent_doc)
            }
            ("PUT", _) => Reply::raw(200, "text/plain", "md-session"),
            ("GET", "/openstack/latest/securitykey") if broken => cut(huawei_doc),
            ("GET", "/openstack/latest/securitykey") => Reply::json(200, huawei_doc),
            ("POST", "/v3.0/OS-AUTH/id-token/tokens") => {
                Reply::json(201, json!({"token": {}})).header("X-Subject-Token", IAM_TOKEN)
            }
            ("POST", "/v3.0/OS-CREDENTIAL/securitytokens") if broken => cut(huawei_doc),
            ("POST", "/v3.0/OS-CREDENTIAL/securitytokens") => Reply::json(201, huawei_doc),
            ("POST", "/") => match req.header("x-tc-action") {
                Some("AssumeRole") if broken => cut(json!({"Response": sts_answer})),
                Some("AssumeRoleWithWebIdentity") if broken => {
                    Reply::tencent_error("InvalidParameter.WebIdentityTokenError", "refused", "r")
                }
                Some("AssumeRole" | "AssumeRoleWithWebIdentity") => {
                    Reply::tencent_ok(sts_answer, "r")
                }
                _ => Reply::tencent_ok(json!({}), "r"),
            },
            _ => Reply::json(200, json!({})),
        }
    })
    .await
}

#[tokio::test]
async fn credential_providers_never_show_secrets() {
    use cloud_transport::provider::{
        HuaweiEcsMetadata, HuaweiFederated, TencentAssumeRole, TencentCvmRole, TencentWebIdentity,
    };
    use std::sync::Arc;

    let dir =
        std::env::temp_dir().join(format!("cloud-transport-redaction-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let tke_token = dir.join("tke-token");
    let id_token = dir.join("id-token");
    std::fs::write(&tke_token, WEB_IDENTITY_TOKEN).unwrap();
    std::fs::write(&id_token, ID_TOKEN).unwrap();
    let arn = "qcs::cam::uin/100000000001:roleName/r";

    let capture = LogCapture::start();
    for broken in [false, true] {
        let server = credentials_services(broken).await;
        let tencent: Vec<Arc<dyn cloud_transport::ProvideCredentials>> = vec![
            Arc::new(TencentCvmRole::new().endpoint(&server.url).unwrap()),
            Arc::new(
                TencentAssumeRole::new(Credentials::new(SECRET_ID, SECRET_KEY), arn)
                    .unwrap()
                    .endpoint(&server.url),
            ),
            Arc::new(
                TencentWebIdentity::new("ap-guangzhou", "oidc", &tke_token, arn)
                    .unwrap()
                    .endpoint(&server.url),
            ),
        ];
        let huawei: Vec<Arc<dyn cloud_transport::ProvideCredentials>> = vec![
            Arc::new(HuaweiEcsMetadata::new().endpoint(&server.url).unwrap()),
            Arc::new(HuaweiFederated::new("idp", &id_token).iam_endpoint(&server.url)),
        ];
        for provider in tencent {
            assert_no_secret("provider", &format!("{provider:?} {provider:#?}"));
            let config = base_config(&server)
                .credentials_provider(provider)
                .build()
                .unwrap();
            assert_no_secret("Config", &format!("{config:?}"));
            let client = Client::new(&MONGODB, config);
            let result = client.call_json(&DESCRIBE_SSL, json!({})).await;
            assert_eq!(result.is_err(), broken, "{result:?}");
            if let Err(e) = result {
                assert_no_secret("error", &format!("{e} {e:?}"));
            }
            assert_no_secret("Client", &format!("{client:?}"));
        }
        for provider in huawei {
            assert_no_secret("provider", &format!("{provider:?} {provider:#?}"));
            let config = base_config(&server)
                .credentials_provider(provider)
                .region("cn-north-4")
                .project_id(PROJECT_ID)
                .build()
                .unwrap();
            let client = Client::new(&GEMINIDB, config);
            let result = client
                .call_json(&LIST_CERTS, json!({"instance_id": INSTANCE_ID}))
                .await;
            assert_eq!(result.is_err(), broken, "{result:?}");
            if let Err(e) = result {
                assert_no_secret("error", &format!("{e} {e:?}"));
            }
        }
        if !broken {
            // The temporary credentials did sign the calls: the secrets were really there.
            let signed = server
                .received()
                .into_iter()
                .filter(|r| r.header("x-tc-token") == Some(SESSION_TOKEN))
                .count();
            assert_eq!(signed, 3);
        }
    }
    let logs = capture.text();
    // The capture works: fetches and the failed attempts' debug events are there.
    assert!(logs.contains("fetched temporary credentials"), "{logs}");
    assert!(logs.contains("attempt failed"), "{logs}");
    assert_no_secret("tracing output", &logs);
    let _ = std::fs::remove_dir_all(&dir);
}
