//! Huawei Cloud over real loopback HTTP: AK/SK verification, IAM tokens issued by the
//! emulator, project lookup, routing, validation and documented error codes.

use crate::common;
use cloud_emulator::demo_data::MONGODB_OTHER_INSTANCE;

use std::time::Duration;

use cloud_emulator::{
    Emulator, RunningEmulator, Seed, DEFAULT_HUAWEI_PROJECT_ID, DEMO_HUAWEI_SECURITY_TOKEN,
    DEMO_HUAWEI_TEMP_AK, DEMO_HUAWEI_TEMP_SK, IAM_CREATE_TOKEN_OPERATION,
    IAM_LIST_PROJECTS_OPERATION,
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
    let with_aksk = |aksk: AkSk| call.clone().auth(Auth::AkSk(aksk));

    let wrong = with_aksk(AkSk {
        signing_sk: Some("wrong".into()),
        ..AkSk::demo()
    })
    .send(&base)
    .await;
    assert_auth_failure(&wrong);
    assert!(wrong.json()["error_msg"]
        .as_str()
        .unwrap()
        .contains("signature"));

    let expired = with_aksk(AkSk {
        skew: -16 * 60,
        ..AkSk::demo()
    })
    .send(&base)
    .await;
    assert_auth_failure(&expired);
    assert!(expired.json()["error_msg"]
        .as_str()
        .unwrap()
        .contains("expired"));
    let within = with_aksk(AkSk {
        skew: -14 * 60,
        ..AkSk::demo()
    })
    .send(&base)
    .await;
    assert_eq!(within.status, 200, "14 minutes of skew are allowed");

    let unknown = with_aksk(AkSk {
        ak: "UNKNOWNAK00000000000".into(),
        ..AkSk::demo()
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
    let temp = |token: Option<&str>| {
        Auth::AkSk(AkSk {
            ak: DEMO_HUAWEI_TEMP_AK.into(),
            sk: DEMO_HUAWEI_TEMP_SK.into(),
            security_token: token.map(str::to_owned),
            ..AkSk::demo()
        })
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
    let body = iam_password_body(json!({"name": "cn-north-4"}));
    let issued = iam_token_request(&base, &body).await;
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
    let issued = iam_token_request(&base, &by_id).await;
    assert_eq!(issued.status, 201);

    let mut wrong = body.clone();
    wrong["auth"]["identity"]["password"]["user"]["password"] = json!("nope");
    let denied = iam_token_request(&base, &wrong).await;
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
    // IAM requests are counted like any operation's, whatever their outcome.
    assert_eq!(emu.request_count(IAM_LIST_PROJECTS_OPERATION), 3);
    assert_eq!(emu.request_count("KeystoneListProjects"), 3);
    assert_eq!(emu.request_count(IAM_CREATE_TOKEN_OPERATION), 0);
    iam_token(&base, "cn-north-4").await;
    assert_eq!(emu.request_count("KeystoneCreateUserTokenByPassword"), 1);
    let state = admin(&base, "GET", "state", None).await.json();
    assert_eq!(state["requests"]["huawei-iam/KeystoneListProjects"], 3);
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
    // A scalar given twice is refused; of two unknown names the first in the query is named
    // (this client sends the canonical, sorted query); known names are read in any order.
    let twice = huawei("GET", &format!("/v3/{project}/instances"))
        .query("limit", "1")
        .query("offset", "0")
        .query("limit", "2")
        .send(&base)
        .await;
    assert_eq!(twice.status, 400);
    let message = twice.json()["error_msg"].as_str().unwrap().to_owned();
    assert!(message.contains("`limit` must be given once"), "{message}");
    let unknown_pair = huawei("GET", &format!("/v3/{project}/instances"))
        .query("zeta", "1")
        .query("alpha", "1")
        .send(&base)
        .await;
    assert_eq!(unknown_pair.status, 400);
    let message = unknown_pair.json()["error_msg"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("`alpha`"), "{message}");
    let reordered = huawei("GET", &format!("/v3/{project}/instances"))
        .query("offset", "0")
        .query("limit", "1")
        .send(&base)
        .await;
    assert_eq!(reordered.status, 200, "{}", reordered.json());
    assert_eq!(reordered.json()["instances"].as_array().unwrap().len(), 1);
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

/// `GET /` is Huawei's too (GeminiDB `ListApiVersion`): a request to `/` is Tencent's when it
/// names a Tencent action (`X-TC-Action`) or is TC3-signed, or when no Huawei operation serves
/// its method there.
#[tokio::test]
async fn the_root_path_is_routed_by_what_the_request_carries() {
    let emu = start().await;
    let base = emu.base_url();
    let versions = huawei("GET", "/").send(&base).await;
    assert_eq!(
        versions.status,
        200,
        "{}",
        String::from_utf8_lossy(&versions.body)
    );
    assert_eq!(versions.json()["versions"][0]["id"], "v3");
    assert_eq!(emu.request_count("ListApiVersion"), 1);

    let unsigned = client().get(format!("{base}/")).send().await.unwrap();
    let unsigned = answer(unsigned).await;
    assert_auth_failure(&unsigned);

    // A TC3-signed request to `/` without its action is still Tencent's, and says what is missing.
    let no_action = client()
        .post(format!("{base}/"))
        .header("Authorization", "TC3-HMAC-SHA256 Credential=x/2024-01-01/cdb/tc3_request, SignedHeaders=host, Signature=00")
        .body("{}")
        .send()
        .await
        .unwrap();
    let no_action = answer(no_action).await;
    assert_eq!(no_action.status, 200);
    assert_eq!(
        no_action.tencent_code().as_deref(),
        Some("MissingParameter")
    );
    let tencent = describe_ssl(MONGODB_OTHER_INSTANCE).send(&base).await;
    assert_eq!(tencent.tencent_code(), None, "{:?}", tencent.response());
    emu.shutdown().await;
}

/// `ListInstances` without `id` lists every GeminiDB instance the project sees, each entry as
/// the call filtered by its id answers it, with `total_count` counting them; `offset`/`limit`
/// page through them.
#[tokio::test]
async fn list_instances_without_a_filter_lists_the_project() {
    const OTHER_PROJECT: &str = "0123456789abcdef0123456789abcdef";
    let seed = Seed::from_json(&format!(
        r#"{{
            "instances": [
                {{"service": "huawei-geminidb", "id": "aaaa0000000000000000000000000001in06",
                  "project_id": "{DEFAULT_HUAWEI_PROJECT_ID}",
                  "outputs": {{"ListInstances": {{"instances.0.ssl": "1"}}}}}},
                {{"service": "huawei-geminidb", "id": "bbbb0000000000000000000000000002in06",
                  "project_id": "{OTHER_PROJECT}"}}
            ],
            "projects": [{{"id": "{OTHER_PROJECT}", "name": "ap-southeast-1"}}]
        }}"#
    ))
    .unwrap();
    let emu = Emulator::builder()
        .seed(seed)
        .async_delay(Duration::from_millis(100))
        .start()
        .await
        .unwrap();
    let base = emu.base_url();
    let instances_path = format!("/v3/{DEFAULT_HUAWEI_PROJECT_ID}/instances");
    let list = huawei("GET", &instances_path);

    let all = list.send(&base).await;
    assert_eq!(all.status, 200, "{}", String::from_utf8_lossy(&all.body));
    let all = all.json();
    let entries = all["instances"].as_array().unwrap().clone();
    let ids: Vec<&str> = entries.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&GEMINI_INSTANCE), "{ids:?}");
    assert!(
        ids.contains(&"aaaa0000000000000000000000000001in06"),
        "{ids:?}"
    );
    assert!(
        !ids.contains(&"bbbb0000000000000000000000000002in06"),
        "another project's instance is not listed: {ids:?}"
    );
    assert_eq!(all["total_count"], json!(ids.len()));
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "each instance once: {ids:?}");
    // Each entry is what the call filtered by that id answers.
    for entry in &entries {
        let id = entry["id"].as_str().unwrap();
        let one = list.clone().query("id", id).send(&base).await.json();
        assert_eq!(one["total_count"], 1, "{id}");
        assert_eq!(&one["instances"][0], entry, "{id}");
    }
    let seeded = entries
        .iter()
        .find(|e| e["id"] == "aaaa0000000000000000000000000001in06")
        .unwrap();
    assert_eq!(seeded["ssl"], "1", "the seeded state shows in the listing");

    // A change shows in the unfiltered listing too, once its delay has passed.
    let switched = huawei(
        "POST",
        &gemini_path(DEFAULT_HUAWEI_PROJECT_ID, GEMINI_INSTANCE, "ssl-option"),
    )
    .body(json!({"ssl_option": "on"}))
    .send(&base)
    .await;
    assert_eq!(switched.status, 202);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after = list.send(&base).await.json();
    let gemini = after["instances"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == GEMINI_INSTANCE)
        .unwrap()
        .clone();
    assert_eq!(gemini["ssl"], "1");

    // Paging: `total_count` still counts every instance.
    let first = list.clone().query("limit", "1").send(&base).await.json();
    assert_eq!(first["instances"].as_array().unwrap().len(), 1);
    assert_eq!(first["instances"][0]["id"], ids[0]);
    assert_eq!(first["total_count"], json!(ids.len()));
    let rest = list.clone().query("offset", "1").send(&base).await.json();
    let rest_ids: Vec<&str> = rest["instances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(rest_ids, ids[1..].to_vec());

    // The other project lists its own instance (and the unscoped default ones).
    let other = huawei("GET", &format!("/v3/{OTHER_PROJECT}/instances"))
        .send(&base)
        .await
        .json();
    let other_ids: Vec<&str> = other["instances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert!(other_ids.contains(&"bbbb0000000000000000000000000002in06"));
    assert!(!other_ids.contains(&"aaaa0000000000000000000000000001in06"));
    assert_eq!(other["total_count"], json!(other_ids.len()));
    // Five listings plus one filtered call per instance.
    assert_eq!(emu.request_count("ListInstances"), 5 + ids.len() as u64);
    emu.shutdown().await;

    // No instance at all: an empty list and a zero count, not an error.
    let empty = Emulator::builder()
        .seed(Seed::from_json(r#"{"replace_defaults": true}"#).unwrap())
        .start()
        .await
        .unwrap();
    let none = huawei("GET", &instances_path).send(&empty.base_url()).await;
    assert_eq!(none.status, 200);
    assert_eq!(none.json()["instances"], json!([]));
    assert_eq!(none.json()["total_count"], 0);
    empty.shutdown().await;
}

/// A Huawei operation with a rate limit in its spec answers the excess with the gateway's 429
/// `APIGW.0308` and `Retry-After`.
#[tokio::test]
async fn rate_limited_calls_are_429_with_retry_after() {
    let mut geminidb = cloud_spec::bundle::services()
        .into_iter()
        .find(|s| s.crate_name() == "huawei-geminidb")
        .expect("the bundle has huawei-geminidb");
    geminidb
        .operations
        .get_mut("ListSslCertDownloadAddresses")
        .unwrap()
        .rate_limit = Some(2);
    let emu = Emulator::builder()
        .add_service(geminidb)
        .start()
        .await
        .unwrap();
    let base = emu.base_url();
    let started = std::time::Instant::now();
    let mut answers = Vec::new();
    for _ in 0..3 {
        answers.push(huawei("GET", &certs_path()).send(&base).await);
    }
    for a in &answers {
        match a.status {
            200 => assert_eq!(a.header("retry-after"), None),
            429 => {
                assert_eq!(a.json()["error_code"], "APIGW.0308");
                assert_eq!(a.header("retry-after"), Some("1"));
                assert!(a.header("x-request-id").is_some());
            }
            other => panic!("unexpected {other}: {}", String::from_utf8_lossy(&a.body)),
        }
    }
    if started.elapsed() < Duration::from_millis(900) {
        let statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
        assert_eq!(statuses, [200, 200, 429], "two per second pass");
    }
    emu.shutdown().await;
}
