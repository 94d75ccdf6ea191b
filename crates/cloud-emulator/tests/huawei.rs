//! Huawei Cloud over real loopback HTTP: AK/SK verification, IAM tokens issued by the
//! emulator, project lookup, routing, validation and documented error codes.

mod common;

use cloud_emulator::{
    Emulator, RunningEmulator, DEFAULT_HUAWEI_PROJECT_ID, DEMO_HUAWEI_SECURITY_TOKEN,
    DEMO_HUAWEI_TEMP_AK, DEMO_HUAWEI_TEMP_SK, DEMO_IAM_DOMAIN, DEMO_IAM_PASSWORD, DEMO_IAM_USER,
};
use common::*;
use serde_json::json;

async fn start() -> RunningEmulator {
    Emulator::builder().start().await.expect("start")
}

fn certs_path() -> String {
    gemini_path(
        DEFAULT_HUAWEI_PROJECT_ID,
        GEMINI_INSTANCE,
        "ssl-cert/download-link",
    )
}

fn assert_auth_failure(a: &Answer) {
    assert_eq!(a.status, 401, "{}", String::from_utf8_lossy(&a.body));
    assert_eq!(a.json()["error_code"], "APIGW.0301");
    assert_eq!(a.header("x-request-id").map(str::len), Some(32));
}

#[tokio::test]
async fn aksk_signed_call_gets_the_documented_example() {
    let emu = start().await;
    let a = huawei("GET", &certs_path()).send(&emu.base_url()).await;
    assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
    assert_eq!(a.json()["certs"][0]["category"], "international");
    assert!(a.header("x-request-id").is_some());
    assert!(a.header("date").is_some());
    emu.shutdown().await;
}

#[tokio::test]
async fn aksk_failures_are_401_apigw_0301() {
    let emu = start().await;
    let base = emu.base_url();
    let call = huawei("GET", &certs_path());
    let with_auth = |f: &dyn Fn(&mut Auth)| {
        let mut auth = aksk();
        f(&mut auth);
        call.clone().auth(auth)
    };

    let wrong = with_auth(&|a| {
        if let Auth::AkSk { signing_sk, .. } = a {
            *signing_sk = Some("wrong".into());
        }
    })
    .send(&base)
    .await;
    assert_auth_failure(&wrong);
    assert!(wrong.json()["error_msg"]
        .as_str()
        .unwrap()
        .contains("signature"));

    let expired = with_auth(&|a| {
        if let Auth::AkSk { skew, .. } = a {
            *skew = -16 * 60;
        }
    })
    .send(&base)
    .await;
    assert_auth_failure(&expired);
    assert!(expired.json()["error_msg"]
        .as_str()
        .unwrap()
        .contains("expired"));
    let within = with_auth(&|a| {
        if let Auth::AkSk { skew, .. } = a {
            *skew = -14 * 60;
        }
    })
    .send(&base)
    .await;
    assert_eq!(within.status, 200, "14 minutes of skew are allowed");

    let unknown = with_auth(&|a| {
        if let Auth::AkSk { ak, .. } = a {
            *ak = "UNKNOWNAK00000000000".into();
        }
    })
    .send(&base)
    .await;
    assert_auth_failure(&unknown);

    assert_auth_failure(&call.clone().auth(Auth::None).send(&base).await);
    assert_auth_failure(
        &call
            .clone()
            .auth(Auth::Token("made-up".into()))
            .send(&base)
            .await,
    );

    // Temporary credentials need their security token.
    let temp = |token: Option<&str>| Auth::AkSk {
        ak: DEMO_HUAWEI_TEMP_AK.into(),
        sk: DEMO_HUAWEI_TEMP_SK.into(),
        skew: 0,
        security_token: token.map(str::to_owned),
        signing_sk: None,
    };
    assert_auth_failure(&call.clone().auth(temp(None)).send(&base).await);
    let ok = call
        .clone()
        .auth(temp(Some(DEMO_HUAWEI_SECURITY_TOKEN)))
        .send(&base)
        .await;
    assert_eq!(ok.status, 200);
    emu.shutdown().await;
}

#[tokio::test]
async fn iam_tokens_are_issued_and_accepted() {
    let emu = start().await;
    let base = emu.base_url();
    let body = json!({"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": DEMO_IAM_USER, "password": DEMO_IAM_PASSWORD, "domain": {"name": DEMO_IAM_DOMAIN}}}},
        "scope": {"project": {"name": "cn-north-4"}}}});
    let issued = answer(
        client()
            .post(format!("{base}/v3/auth/tokens"))
            .json_body(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(issued.status, 201);
    let token = issued.header("x-subject-token").unwrap().to_owned();
    let payload = issued.json();
    assert_eq!(payload["token"]["project"]["id"], DEFAULT_HUAWEI_PROJECT_ID);
    assert_eq!(payload["token"]["project"]["name"], "cn-north-4");
    assert!(payload["token"]["expires_at"]
        .as_str()
        .unwrap()
        .ends_with('Z'));

    let by_token = huawei("GET", &certs_path())
        .auth(Auth::Token(token.clone()))
        .send(&base)
        .await;
    assert_eq!(
        by_token.status,
        200,
        "{}",
        String::from_utf8_lossy(&by_token.body)
    );

    // Scoped by project id as well.
    let by_id = json!({"auth": {"identity": body["auth"]["identity"].clone(),
        "scope": {"project": {"id": DEFAULT_HUAWEI_PROJECT_ID}}}});
    let issued = answer(
        client()
            .post(format!("{base}/v3/auth/tokens"))
            .json_body(&by_id)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(issued.status, 201);

    let mut wrong = body.clone();
    wrong["auth"]["identity"]["password"]["user"]["password"] = json!("nope");
    let denied = answer(
        client()
            .post(format!("{base}/v3/auth/tokens"))
            .json_body(&wrong)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(denied.status, 401);
    assert!(denied.header("x-subject-token").is_none());

    // A token of another project does not open this project's paths.
    let other_project = huawei(
        "GET",
        &gemini_path(
            "0123456789abcdef0123456789abcdef",
            GEMINI_INSTANCE,
            "ssl-cert/download-link",
        ),
    )
    .auth(Auth::Token(token))
    .send(&base)
    .await;
    assert_eq!(other_project.status, 403);
    emu.shutdown().await;
}

#[tokio::test]
async fn project_lookup_by_region() {
    let emu = start().await;
    let base = emu.base_url();
    let found = huawei("GET", "/v3/projects")
        .query("name", "cn-north-4")
        .send(&base)
        .await;
    assert_eq!(found.status, 200);
    assert_eq!(found.json()["projects"][0]["id"], DEFAULT_HUAWEI_PROJECT_ID);
    let none = huawei("GET", "/v3/projects")
        .query("name", "la-south-2")
        .send(&base)
        .await;
    assert_eq!(none.json()["projects"], json!([]));
    let unsigned = huawei("GET", "/v3/projects")
        .query("name", "cn-north-4")
        .auth(Auth::None)
        .send(&base)
        .await;
    assert_eq!(unsigned.status, 401);
    emu.shutdown().await;
}

#[tokio::test]
async fn routing_validation_and_not_found() {
    let emu = start().await;
    let base = emu.base_url();
    let project = emu.project_id().to_owned();

    let unknown_route = huawei("GET", &format!("/v3/{project}/nothing-here"))
        .send(&base)
        .await;
    assert_eq!(unknown_route.status, 404);
    assert_eq!(unknown_route.json()["error_code"], "APIGW.0101");
    assert!(unknown_route.header("x-request-id").is_some());

    let switch = |body: serde_json::Value| {
        huawei(
            "POST",
            &gemini_path(&project, GEMINI_INSTANCE, "ssl-option"),
        )
        .body(body)
    };
    for (body, word) in [
        (json!({}), "MissingParameter"),
        (json!({"ssl_option": true}), "InvalidParameter"),
        (json!({"ssl_option": "maybe"}), "InvalidParameterValue"),
        (
            json!({"ssl_option": "on", "sslOption": "on"}),
            "UnknownParameter",
        ),
    ] {
        let a = switch(body.clone()).send(&base).await;
        assert_eq!(a.status, 400, "{body}");
        assert_eq!(a.json()["error_code"], "DBS.200001", "{body}");
        assert!(
            a.json()["error_msg"].as_str().unwrap().contains(word),
            "{body}: {}",
            a.json()
        );
    }
    let unknown_query = huawei("GET", &format!("/v3/{project}/instances"))
        .query("colour", "red")
        .send(&base)
        .await;
    assert_eq!(unknown_query.status, 400);
    let bad_int = huawei("GET", &format!("/v3/{project}/instances"))
        .query("limit", "ten")
        .send(&base)
        .await;
    assert_eq!(bad_int.status, 400);
    assert_eq!(emu.applied_count("SwitchSsl"), 0);

    let missing = huawei(
        "GET",
        &gemini_path(&project, "nosuchinstancein02", "ssl-cert/download-link"),
    )
    .send(&base)
    .await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["error_code"], "DBS.200002");
    let unknown_project = huawei(
        "GET",
        &gemini_path(
            "0123456789abcdef0123456789abcdef",
            GEMINI_INSTANCE,
            "ssl-cert/download-link",
        ),
    )
    .send(&base)
    .await;
    assert_eq!(unknown_project.status, 403);
    emu.shutdown().await;
}
