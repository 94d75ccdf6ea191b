//! The services that issue temporary credentials, spoken to directly: the CVM role documents,
//! STS (signed `AssumeRole`, unsigned `AssumeRoleWithWebIdentity`), the ECS `securitykey`
//! document and the IAM federation exchange; keys they issue sign calls with their token and
//! are counted on `GET /_emulator/credentials`.

use crate::common::*;

use cloud_emulator::demo_data::{MONGODB_OTHER_INSTANCE, TENCENT_REGION};
use cloud_emulator::{
    Emulator, DEMO_CVM_ROLE, DEMO_IDP_ID, DEMO_ID_TOKEN, DEMO_TKE_PROVIDER_ID,
    DEMO_WEB_IDENTITY_TOKEN, ISSUER_HUAWEI_ECS_METADATA, ISSUER_HUAWEI_FEDERATED,
    ISSUER_TENCENT_ASSUME_ROLE, ISSUER_TENCENT_CVM_ROLE, ISSUER_TENCENT_WEB_IDENTITY,
};
use serde_json::{json, Value};

const ARN: &str = "qcs::cam::uin/100000000001:roleName/r";

async fn get_json(url: String) -> (u16, Value) {
    let response = client().get(url).send().await.unwrap();
    let status = response.status().as_u16();
    let bytes = response.bytes().await.unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn credential_services_issue_counted_keys_that_sign_calls() {
    let emulator = Emulator::builder().start().await.expect("start");
    let base = emulator.base_url();
    let (status, counts) = get_json(format!("{base}/_emulator/credentials")).await;
    assert_eq!(status, 200);
    assert_eq!(counts, json!({"issued": {}, "ttl_seconds": 7200}));

    // CVM role: the name, then the document.
    let name = client()
        .get(format!("{base}/latest/meta-data/cam/security-credentials/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(name.trim(), DEMO_CVM_ROLE);
    let (status, doc) = get_json(format!(
        "{base}/latest/meta-data/cam/security-credentials/{DEMO_CVM_ROLE}"
    ))
    .await;
    assert_eq!(status, 200);
    assert_eq!(doc["Code"], "Success");
    assert!(doc["ExpiredTime"].as_i64().unwrap() > now() + 7000);
    let (status, _) = get_json(format!(
        "{base}/latest/meta-data/cam/security-credentials/other"
    ))
    .await;
    assert_eq!(status, 404);
    let text = |v: &Value| v.as_str().unwrap().to_owned();
    // The issued key signs a call, with its token only.
    let call = describe_ssl(MONGODB_OTHER_INSTANCE).with(|t| {
        t.secret_id = text(&doc["TmpSecretId"]);
        t.secret_key = text(&doc["TmpSecretKey"]);
        t.token = Some(text(&doc["Token"]));
    });
    assert_eq!(call.send(&base).await.tencent_code(), None);
    let no_token = call.clone().with(|t| t.token = None);
    assert_eq!(
        no_token.send(&base).await.tencent_code().as_deref(),
        Some("AuthFailure.TokenFailure")
    );

    // STS AssumeRole, signed for `sts` with the demo keys; a malformed ARN is refused.
    let assume = |arn: &str| {
        tencent(
            "sts",
            "2018-08-13",
            "AssumeRole",
            json!({"RoleArn": arn, "RoleSessionName": "s1", "DurationSeconds": 900}),
        )
    };
    let answer = assume(ARN).send(&base).await;
    assert_eq!(answer.tencent_code(), None, "{:?}", answer.json());
    let response = answer.response();
    assert!(response["Credentials"]["TmpSecretId"].is_string());
    let expires = response["ExpiredTime"].as_i64().unwrap();
    assert!(
        expires <= now() + 901 && expires > now() + 800,
        "capped by DurationSeconds"
    );
    assert_eq!(
        assume("qcs::cam::uin/x:roleName/r")
            .send(&base)
            .await
            .tencent_code()
            .as_deref(),
        Some("InvalidParameterValue.RoleArnError")
    );

    // AssumeRoleWithWebIdentity goes unsigned.
    let web = |token: &str| {
        client()
            .post(format!("{base}/"))
            .header("Content-Type", "application/json")
            .header("Authorization", "SKIP")
            .header("X-TC-Action", "AssumeRoleWithWebIdentity")
            .header("X-TC-Version", "2018-08-13")
            .header("X-TC-Region", TENCENT_REGION)
            .body(
                json!({"ProviderId": DEMO_TKE_PROVIDER_ID, "WebIdentityToken": token,
                       "RoleArn": ARN, "RoleSessionName": "tke"})
                .to_string(),
            )
            .send()
    };
    let ok = answer_of(web(DEMO_WEB_IDENTITY_TOKEN).await.unwrap()).await;
    assert!(ok["Response"]["Credentials"]["Token"].is_string(), "{ok}");
    let refused = answer_of(web("forged").await.unwrap()).await;
    assert_eq!(
        refused["Response"]["Error"]["Code"],
        "InvalidParameter.WebIdentityTokenError"
    );

    // ECS metadata and IAM federation.
    let token = client()
        .put(format!("{base}/meta-data/latest/api/token"))
        .send()
        .await
        .unwrap();
    assert_eq!(token.status(), 200);
    let (status, key) = get_json(format!("{base}/openstack/latest/securitykey")).await;
    assert_eq!(status, 200);
    assert!(key["credential"]["securitytoken"].is_string(), "{key}");
    let exchange = |idp: &str, id_token: &str| {
        client()
            .post(format!("{base}/v3.0/OS-AUTH/id-token/tokens"))
            .header("Content-Type", "application/json")
            .header("X-Idp-Id", idp)
            .body(json!({"auth": {"id_token": {"id": id_token}}}).to_string())
            .send()
    };
    let unscoped = exchange(DEMO_IDP_ID, DEMO_ID_TOKEN).await.unwrap();
    assert_eq!(unscoped.status(), 201);
    let subject = unscoped.headers()["x-subject-token"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        exchange("other", DEMO_ID_TOKEN).await.unwrap().status(),
        404
    );
    assert_eq!(exchange(DEMO_IDP_ID, "forged").await.unwrap().status(), 401);
    let keys = |token: &str| {
        client()
            .post(format!("{base}/v3.0/OS-CREDENTIAL/securitytokens"))
            .header("Content-Type", "application/json")
            .body(
                json!({"auth": {"identity": {"methods": ["token"],
                    "token": {"id": token, "duration_seconds": 900}}}})
                .to_string(),
            )
            .send()
    };
    let federated = keys(&subject).await.unwrap();
    assert_eq!(federated.status(), 201);
    assert_eq!(keys("forged").await.unwrap().status(), 401);

    let (_, counts) = get_json(format!("{base}/_emulator/credentials")).await;
    for (issuer, n) in [
        (ISSUER_TENCENT_CVM_ROLE, 1),
        (ISSUER_TENCENT_ASSUME_ROLE, 1),
        (ISSUER_TENCENT_WEB_IDENTITY, 1),
        (ISSUER_HUAWEI_ECS_METADATA, 1),
        (ISSUER_HUAWEI_FEDERATED, 1),
    ] {
        assert_eq!(counts["issued"][issuer], n, "{issuer}: {counts}");
        assert_eq!(emulator.issued_count(issuer), n);
    }
}

async fn answer_of(response: reqwest::Response) -> Value {
    serde_json::from_slice(&response.bytes().await.unwrap()).unwrap()
}
