//! Tencent Cloud API 3.0 over real loopback HTTP: routing, TC3 verification, validation,
//! documented error codes, regions and rate limits.

use crate::common;

use cloud_emulator::demo_data::{
    CDB_INSTANCE, MONGODB_INSTANCE, MONGODB_OTHER_INSTANCE, POSTGRES_CONNECT_ADDRESS,
    POSTGRES_INSTANCE, TENCENT_REGION,
};
use cloud_emulator::{
    Emulator, RunningEmulator, DEMO_TENCENT_TEMP_SECRET_ID, DEMO_TENCENT_TEMP_SECRET_KEY,
    DEMO_TENCENT_TOKEN,
};
use common::*;
use serde_json::json;

async fn start() -> RunningEmulator {
    Emulator::builder().start().await.expect("start")
}

fn is_uuid_like(s: &str) -> bool {
    let groups: Vec<usize> = s.split('-').map(str::len).collect();
    groups == [8, 4, 4, 4, 12] && s.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
}

#[tokio::test]
async fn describe_answers_with_the_documented_example_and_a_fresh_request_id() {
    let emu = start().await;
    let a = describe_ssl(MONGODB_INSTANCE).send(&emu.base_url()).await;
    assert_eq!(a.status, 200);
    let r = a.response();
    assert_eq!(r["Status"], 1);
    // The link leads to the emulator's own test certificate, whose expiry the answer states.
    let link = r["CertUrl"].as_str().unwrap();
    assert_eq!(
        link,
        format!(
            "{}/_emulator/certs/tencent-mongodb/{MONGODB_INSTANCE}",
            emu.base_url()
        )
    );
    let expires = r["ExpiredTime"].as_str().unwrap();
    assert_eq!(expires.len(), "2023-05-04 12:13:00".len(), "{expires}");
    let rid = r["RequestId"].as_str().unwrap();
    assert!(is_uuid_like(rid), "{rid}");
    assert_ne!(rid, "12345-abcdef");
    assert!(
        a.header("date").is_some_and(|d| d.ends_with(" GMT")),
        "every response has a Date header"
    );

    let cdb = cdb("DescribeSSLStatus", json!({"InstanceId": CDB_INSTANCE}))
        .send(&emu.base_url())
        .await;
    assert_eq!(cdb.response()["Status"], "ON");
    let pg = postgres(
        "DescribeDBInstanceSSLConfig",
        json!({"DBInstanceId": POSTGRES_INSTANCE}),
    )
    .send(&emu.base_url())
    .await;
    assert_eq!(pg.response()["SSLEnabled"], true, "{:?}", pg.response());
    emu.shutdown().await;
}

#[tokio::test]
async fn the_get_query_form_is_accepted_and_typed() {
    let emu = start().await;
    let a = describe_ssl(MONGODB_OTHER_INSTANCE)
        .with(|t| t.get = true)
        .send(&emu.base_url())
        .await;
    assert_eq!(a.response()["Status"], 1, "{:?}", a.response());
    let bad = mongodb(
        "InstanceEnableSSL",
        json!({"InstanceId": MONGODB_OTHER_INSTANCE, "Enable": "yes"}),
    )
    .with(|t| t.get = true)
    .send(&emu.base_url())
    .await;
    assert_eq!(bad.tencent_code().as_deref(), Some("InvalidParameter"));
    emu.shutdown().await;
}

#[tokio::test]
async fn signature_failures_have_the_documented_codes() {
    let emu = start().await;
    let base = emu.base_url();
    let ok = describe_ssl(MONGODB_INSTANCE);

    let expired = ok
        .clone()
        .with(|t| t.timestamp = now() - 301)
        .send(&base)
        .await;
    assert_eq!(
        expired.tencent_code().as_deref(),
        Some("AuthFailure.SignatureExpire")
    );
    assert!(expired.header("date").is_some());
    let future = ok
        .clone()
        .with(|t| t.timestamp = now() + 400)
        .send(&base)
        .await;
    assert_eq!(
        future.tencent_code().as_deref(),
        Some("AuthFailure.SignatureExpire")
    );
    let slightly_off = ok
        .clone()
        .with(|t| t.timestamp = now() - 200)
        .send(&base)
        .await;
    assert_eq!(
        slightly_off.tencent_code(),
        None,
        "4 minutes of skew are allowed"
    );

    let wrong = ok
        .clone()
        .with(|t| t.signing_key = Some("not-the-key".into()))
        .send(&base)
        .await;
    assert_eq!(
        wrong.tencent_code().as_deref(),
        Some("AuthFailure.SignatureFailure")
    );
    let message = wrong.response()["Error"]["Message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(!message.contains(cloud_emulator::DEMO_TENCENT_SECRET_KEY));

    let unknown = ok
        .clone()
        .with(|t| t.secret_id = "AKIDUNKNOWN".into())
        .send(&base)
        .await;
    assert_eq!(
        unknown.tencent_code().as_deref(),
        Some("AuthFailure.SecretIdNotFound")
    );

    // The body is signed: the signature of another body does not verify.
    let ts = now();
    let signed_body = json!({"InstanceId": MONGODB_INSTANCE}).to_string();
    let authorization = demo_mongodb_authorization(&base, ts, signed_body.as_bytes());
    let sent_body = json!({"InstanceId": MONGODB_OTHER_INSTANCE}).to_string();
    let tampered = post_describe_ssl(&base, &authorization, ts, sent_body).await;
    assert_eq!(
        tampered.tencent_code().as_deref(),
        Some("AuthFailure.SignatureFailure")
    );

    let no_auth = client()
        .post(format!("{base}/"))
        .header("X-TC-Action", "DescribeInstanceSSL")
        .header("X-TC-Version", "2019-07-25")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(
        answer(no_auth).await.tencent_code().as_deref(),
        Some("AuthFailure.InvalidAuthorization")
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn temporary_credentials_need_their_token() {
    let emu = start().await;
    let base = emu.base_url();
    let temp = describe_ssl(MONGODB_INSTANCE).with(|t| {
        t.secret_id = DEMO_TENCENT_TEMP_SECRET_ID.into();
        t.secret_key = DEMO_TENCENT_TEMP_SECRET_KEY.into();
    });
    let without = temp.clone().send(&base).await;
    assert_eq!(
        without.tencent_code().as_deref(),
        Some("AuthFailure.TokenFailure")
    );
    let wrong = temp
        .clone()
        .with(|t| t.token = Some("other".into()))
        .send(&base)
        .await;
    assert_eq!(
        wrong.tencent_code().as_deref(),
        Some("AuthFailure.TokenFailure")
    );
    let with = temp
        .with(|t| t.token = Some(DEMO_TENCENT_TOKEN.into()))
        .send(&base)
        .await;
    assert_eq!(with.tencent_code(), None, "{:?}", with.response());
    emu.shutdown().await;
}

#[tokio::test]
async fn routing_by_action_version_and_credential_scope() {
    let emu = start().await;
    let base = emu.base_url();
    let unknown_action = mongodb("DescribeNothing", json!({})).send(&base).await;
    assert_eq!(
        unknown_action.tencent_code().as_deref(),
        Some("InvalidAction")
    );
    let wrong_version = describe_ssl(MONGODB_INSTANCE)
        .with(|t| t.version = "2018-01-01".into())
        .send(&base)
        .await;
    assert_eq!(
        wrong_version.tencent_code().as_deref(),
        Some("NoSuchVersion")
    );
    // Same host, another service in the scope: cdb's action is found, mongodb's is not.
    let cross = cdb(
        "DescribeInstanceSSL",
        json!({"InstanceId": MONGODB_INSTANCE}),
    )
    .send(&base)
    .await;
    assert_eq!(cross.tencent_code().as_deref(), Some("InvalidAction"));
    let unknown_service = tencent("cvm", "2017-03-12", "DescribeInstances", json!({}))
        .send(&base)
        .await;
    assert_eq!(
        unknown_service.tencent_code().as_deref(),
        Some("InvalidAction")
    );
    // Every error still carries a request id.
    assert!(is_uuid_like(
        unknown_service.response()["RequestId"].as_str().unwrap()
    ));
    emu.shutdown().await;
}

#[tokio::test]
async fn validation_against_the_spec() {
    let emu = start().await;
    let base = emu.base_url();
    let cases = [
        (json!({}), "MissingParameter", "InstanceId"),
        (
            json!({"InstanceId": null}),
            "MissingParameter",
            "InstanceId",
        ),
        (
            json!({"InstanceId": 42, "Enable": true}),
            "InvalidParameter",
            "InstanceId",
        ),
        (
            json!({"InstanceId": MONGODB_INSTANCE, "Enable": 1}),
            "InvalidParameter",
            "Enable",
        ),
        (
            json!({"InstanceId": MONGODB_INSTANCE, "Enable": true, "Enabled": true}),
            "UnknownParameter",
            "Enabled",
        ),
    ];
    for (body, code, member) in cases {
        let a = mongodb("InstanceEnableSSL", body.clone()).send(&base).await;
        assert_eq!(a.tencent_code().as_deref(), Some(code), "{body}");
        let message = a.response()["Error"]["Message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(message.contains(member), "{message}");
        assert!(a.response()["RequestId"].is_string());
    }
    let not_json = client()
        .post(format!("{base}/"))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert!(answer(not_json).await.tencent_code().is_some());
    assert_eq!(
        emu.applied_count("InstanceEnableSSL"),
        0,
        "nothing invalid was applied"
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn unknown_instances_get_each_operations_documented_not_found_code() {
    let emu = start().await;
    let base = emu.base_url();
    let cases = [
        (
            describe_ssl("cmgo-nope"),
            "InvalidParameterValue.NotFoundInstance",
        ),
        // InstanceEnableSSL's page lists no not-found code; the service's other page does.
        (
            mongodb(
                "InstanceEnableSSL",
                json!({"InstanceId": "cmgo-nope", "Enable": true}),
            ),
            "InvalidParameterValue.NotFoundInstance",
        ),
        (
            cdb("DescribeSSLStatus", json!({"InstanceId": "cdb-nope"})),
            "ResourceNotFound.InstanceNotFoundError",
        ),
        (
            cdb("OpenSSL", json!({"InstanceId": "cdb-nope"})),
            "ResourceNotFound.InstanceNotFoundError",
        ),
        (
            postgres(
                "DescribeDBInstanceSSLConfig",
                json!({"DBInstanceId": "postgres-nope"}),
            ),
            "ResourceNotFound.InstanceNotFoundError",
        ),
        (
            postgres(
                "ModifyDBInstanceSSLConfig",
                json!({"DBInstanceId": "postgres-nope", "SSLEnabled": false}),
            ),
            "ResourceNotFound.InstanceNotFoundError",
        ),
    ];
    for (call, code) in cases {
        let a = call.send(&base).await;
        assert_eq!(a.tencent_code().as_deref(), Some(code), "{}", call.action);
    }
    assert_eq!(
        emu.applied_count("InstanceEnableSSL") + emu.applied_count("OpenSSL"),
        0
    );
    // cdb needs one of InstanceId / RoGroupId.
    let neither = cdb("DescribeSSLStatus", json!({})).send(&base).await;
    assert_eq!(neither.tencent_code().as_deref(), Some("MissingParameter"));
    emu.shutdown().await;
}

#[tokio::test]
async fn modify_ssl_config_rules_connect_address_and_regions() {
    let emu = start().await;
    let base = emu.base_url();
    let enable_without_address = postgres(
        "ModifyDBInstanceSSLConfig",
        json!({"DBInstanceId": POSTGRES_INSTANCE, "SSLEnabled": true}),
    )
    .send(&base)
    .await;
    assert_eq!(
        enable_without_address.tencent_code().as_deref(),
        Some("MissingParameter")
    );
    assert!(enable_without_address.response()["Error"]["Message"]
        .as_str()
        .unwrap()
        .contains("ConnectAddress"));

    let outside = postgres(
        "ModifyDBInstanceSSLConfig",
        json!({"DBInstanceId": POSTGRES_INSTANCE, "SSLEnabled": true, "ConnectAddress": POSTGRES_CONNECT_ADDRESS}),
    )
    .with(|t| t.region = Some("ap-mumbai".into()))
    .send(&base)
    .await;
    assert_eq!(outside.tencent_code().as_deref(), Some("UnsupportedRegion"));
    let no_region = postgres(
        "ModifyDBInstanceSSLConfig",
        json!({"DBInstanceId": POSTGRES_INSTANCE, "SSLEnabled": false}),
    )
    .with(|t| t.region = None)
    .send(&base)
    .await;
    // A request without a region is refused before the action's regions are looked at: every
    // postgres action needs one.
    assert_eq!(
        no_region.tencent_code().as_deref(),
        Some("MissingParameter")
    );
    assert_eq!(emu.applied_count("ModifyDBInstanceSSLConfig"), 0);
    let no_region_read = describe_ssl(MONGODB_INSTANCE)
        .with(|t| t.region = None)
        .send(&base)
        .await;
    assert_eq!(
        no_region_read.tencent_code().as_deref(),
        Some("MissingParameter")
    );

    // Disabling ignores ConnectAddress; the TaskId is a fresh integer.
    let disable = postgres(
        "ModifyDBInstanceSSLConfig",
        json!({"DBInstanceId": POSTGRES_INSTANCE, "SSLEnabled": false, "ConnectAddress": "not-used"}),
    )
    .send(&base)
    .await;
    assert_eq!(disable.tencent_code(), None, "{:?}", disable.response());
    assert!(disable.response()["TaskId"].as_i64().is_some());
    let enable = postgres(
        "ModifyDBInstanceSSLConfig",
        json!({"DBInstanceId": POSTGRES_INSTANCE, "SSLEnabled": true, "ConnectAddress": POSTGRES_CONNECT_ADDRESS}),
    )
    .send(&base)
    .await;
    assert_ne!(enable.response()["TaskId"], disable.response()["TaskId"]);
    assert_eq!(emu.applied_count("ModifyDBInstanceSSLConfig"), 2);
    emu.shutdown().await;
}

#[tokio::test]
async fn rate_limit_per_action_per_second() {
    let emu = start().await;
    let base = emu.base_url();
    let call = cdb("DescribeSSLStatus", json!({"InstanceId": CDB_INSTANCE}));
    let started = std::time::Instant::now();
    let mut codes = Vec::new();
    for _ in 0..25 {
        let answer = call.send(&base).await;
        let code = answer.tencent_code();
        let retry_after = answer.header("retry-after");
        match code.as_deref() {
            Some("RequestLimitExceeded") => assert_eq!(retry_after, Some("1")),
            _ => assert_eq!(retry_after, None),
        }
        codes.push(code);
    }
    let elapsed = started.elapsed();
    let limited = codes
        .iter()
        .filter(|c| c.as_deref() == Some("RequestLimitExceeded"))
        .count();
    if elapsed < std::time::Duration::from_millis(900) {
        assert_eq!(
            limited, 5,
            "20 per second pass, the rest are limited: {codes:?}"
        );
    } else {
        assert!(limited <= 5, "{codes:?}");
    }
    // Another action has its own budget.
    let other = describe_ssl(MONGODB_INSTANCE).send(&base).await;
    assert_eq!(other.tencent_code(), None);
    // After a second the budget is back.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(call.send(&base).await.tencent_code(), None);
    emu.shutdown().await;

    let unlimited = Emulator::builder()
        .rate_limits(false)
        .start()
        .await
        .unwrap();
    for _ in 0..25 {
        assert_eq!(call.send(&unlimited.base_url()).await.tencent_code(), None);
    }
    unlimited.shutdown().await;
}

/// Tencent accepts any `SignedHeaders` list that includes `content-type` and `host`; some signers
/// (the Go SDK) also sign `x-tc-action`, with its value lower-cased.
#[tokio::test]
async fn requests_that_also_sign_the_action_header_verify() {
    use cloud_emulator::{DEMO_TENCENT_SECRET_ID, DEMO_TENCENT_SECRET_KEY};
    use cloud_transport::sign::tc3;
    use cloud_transport::Secret;

    let emu = start().await;
    let base = emu.base_url();
    let host = base.trim_start_matches("http://").to_owned();
    let body = serde_json::to_vec(&json!({"InstanceId": MONGODB_INSTANCE})).unwrap();
    let timestamp = now();
    let send = |signed_headers: &'static str, action_in_signature: &'static str| {
        let request = tc3::Tc3Request::post_json(&host, &body);
        let date = tc3::scope_date(timestamp);
        let scope = tc3::credential_scope(&date, "mongodb");
        let canonical = format!(
            "POST\n/\n\ncontent-type:{}\nhost:{host}\nx-tc-action:{action_in_signature}\n\n{signed_headers}\n{}",
            request.content_type,
            tc3::payload_hash(&body, false)
        );
        let key = tc3::derive_signing_key(&Secret::new(DEMO_TENCENT_SECRET_KEY), &date, "mongodb");
        let signature = tc3::signature(&key, &tc3::string_to_sign(timestamp, &scope, &canonical));
        client()
            .post(format!("{base}/"))
            .body(body.clone())
            .header("Content-Type", request.content_type)
            .header(
                "Authorization",
                format!(
                    "TC3-HMAC-SHA256 Credential={DEMO_TENCENT_SECRET_ID}/{scope}, SignedHeaders={signed_headers}, Signature={signature}"
                ),
            )
            .header("X-TC-Action", "DescribeInstanceSSL")
            .header("X-TC-Version", "2019-07-25")
            .header("X-TC-Timestamp", timestamp.to_string())
            .header("X-TC-Region", TENCENT_REGION)
            .send()
    };
    let ok = answer(
        send("content-type;host;x-tc-action", "describeinstancessl")
            .await
            .expect("request"),
    )
    .await;
    assert_eq!(ok.tencent_code(), None, "{}", ok.json());
    // The signature covers the action: signed for another one, it fails.
    let wrong = answer(
        send("content-type;host;x-tc-action", "describedbinstances")
            .await
            .expect("request"),
    )
    .await;
    assert_eq!(
        wrong.tencent_code().as_deref(),
        Some("AuthFailure.SignatureFailure")
    );
}
