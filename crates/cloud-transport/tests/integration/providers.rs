//! Credential providers against scripted loopback servers: every malformed answer of a
//! metadata service (HTML, cut short, missing fields, already expired, a failure code) is a
//! typed error naming the provider and quoting no secret; a metadata service that never answers
//! costs a bounded time; a chain whose metadata step finds nothing falls through quickly (the
//! time is printed); the refreshing cache fetches once for 100 concurrent calls.

#![cfg(all(feature = "tencent", feature = "huawei"))]

use crate::common::*;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use cloud_transport::provider::{
    check_role_arn, FetchContext, FetchFuture, HuaweiEcsMetadata, ProvideCredentials,
    TemporaryCredentials, TencentCvmRole,
};
use cloud_transport::{Client, Config, Credentials, Environment, ErrorKind};
use serde_json::json;

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A Tencent call with `provider`'s credentials against a server answering OK.
async fn tencent_call_with(
    provider: Arc<dyn ProvideCredentials>,
) -> cloud_transport::Result<serde_json::Value> {
    let server = TestServer::start(|_, _| Reply::tencent_ok(json!({}), "r")).await;
    let config = base_config(&server)
        .credentials_provider(provider)
        .build()
        .unwrap();
    Client::new(&MONGODB, config)
        .call_json(&DESCRIBE_SSL, json!({}))
        .await
}

/// A Huawei call with `provider`'s credentials.
async fn huawei_call_with(
    provider: Arc<dyn ProvideCredentials>,
) -> cloud_transport::Result<serde_json::Value> {
    let server = TestServer::start(|_, _| Reply::json(200, json!({}))).await;
    let config = base_config(&server)
        .credentials_provider(provider)
        .project_id(PROJECT_ID)
        .region("cn-north-4")
        .build()
        .unwrap();
    Client::new(&GEMINIDB, config)
        .call_json(&LIST_CERTS, json!({"instance_id": INSTANCE_ID}))
        .await
}

fn role_doc(fields: serde_json::Value) -> String {
    fields.to_string()
}

#[tokio::test]
async fn bad_cvm_metadata_answers_are_typed_errors() {
    let good = json!({"TmpSecretId": SECRET_ID, "TmpSecretKey": SECRET_KEY, "Token": SESSION_TOKEN,
                      "ExpiredTime": now() + 3600, "Code": "Success"});
    let cut = role_doc(good.clone());
    let cut = &cut[..cut.len() / 2 + 10];
    let mut no_token = good.clone();
    no_token.as_object_mut().unwrap().remove("Token");
    let mut expired = good.clone();
    expired["ExpiredTime"] = json!(now() - 60);
    let mut failed = good.clone();
    failed["Code"] = json!("Failed");
    let cases: Vec<(String, &str, &str)> = vec![
        (
            "<html><body>Welcome to the hotel wifi</body></html>".into(),
            "text/html",
            "HTML",
        ),
        (cut.to_owned(), "application/json", "cut short"),
        (no_token.to_string(), "application/json", "has no `Token`"),
        (expired.to_string(), "application/json", "already expired"),
        (failed.to_string(), "application/json", "Code `Failed`"),
        ("[]".into(), "application/json", "not an object"),
    ];
    for (body, content_type, what) in cases {
        let answer = body.clone();
        let server = TestServer::start(move |req, _| {
            if req.path.ends_with("/security-credentials/") {
                Reply::raw(200, "text/plain", "the-role")
            } else {
                Reply::raw(200, content_type, &answer)
            }
        })
        .await;
        let provider = TencentCvmRole::new().endpoint(&server.url).unwrap();
        let e = tencent_call_with(Arc::new(provider)).await.unwrap_err();
        let shown = format!("{e} {e:?}");
        assert_eq!(e.kind(), ErrorKind::Credentials, "{what}: {shown}");
        assert!(shown.contains("tencent-cvm-role"), "{what}: {shown}");
        assert!(shown.contains(what), "{what}: {shown}");
        assert!(
            !shown.contains(SECRET_KEY) && !shown.contains(SESSION_TOKEN),
            "{shown}"
        );
        assert_eq!(
            server.received()[1].path,
            "/latest/meta-data/cam/security-credentials/the-role"
        );
    }
}

#[tokio::test]
async fn bad_ecs_metadata_answers_are_typed_errors() {
    let credential = |expires: &str| {
        json!({"credential": {"access": AK, "secret": SK, "securitytoken": SECURITY_TOKEN,
                              "expires_at": expires}})
    };
    let good = credential("2999-01-01T00:00:00.000000Z").to_string();
    let cut = good[..good.len() - 20].to_owned();
    let cases: Vec<(u16, String, &str)> = vec![
        (200, "<!DOCTYPE html><html>proxy</html>".into(), "HTML"),
        (200, cut, "cut short"),
        (
            200,
            json!({"credential": {"access": AK, "secret": SK}}).to_string(),
            "has no `securitytoken`",
        ),
        (200, json!({"other": 1}).to_string(), "has no `credential`"),
        (
            200,
            credential("2001-01-01T00:00:00.000000Z").to_string(),
            "already expired",
        ),
        (
            200,
            credential("next tuesday").to_string(),
            "not an RFC 3339 time",
        ),
        (
            401,
            "Please configure Cloud Service Agency first".into(),
            "no agency",
        ),
        (500, "oops".into(), "HTTP 500"),
    ];
    for (status, body, what) in cases {
        let answer = body.clone();
        let server = TestServer::start(move |req, _| {
            if req.method == "PUT" {
                Reply::raw(404, "text/plain", "no tokens here")
            } else {
                Reply::raw(status, "application/json", &answer)
            }
        })
        .await;
        let provider = HuaweiEcsMetadata::new().endpoint(&server.url).unwrap();
        let e = huawei_call_with(Arc::new(provider)).await.unwrap_err();
        let shown = format!("{e} {e:?}");
        assert_eq!(e.kind(), ErrorKind::Credentials, "{what}: {shown}");
        assert!(shown.contains("huawei-ecs-metadata"), "{what}: {shown}");
        assert!(shown.contains(what), "{what}: {shown}");
        assert!(
            !shown.contains(SK) && !shown.contains(SECURITY_TOKEN),
            "{shown}"
        );
    }
    // With a session token, the document is asked for with it.
    let server = TestServer::start(move |req, _| {
        if req.method == "PUT" {
            Reply::raw(200, "text/plain", "md-session")
        } else {
            Reply::raw(200, "application/json", &good)
        }
    })
    .await;
    let provider = HuaweiEcsMetadata::new().endpoint(&server.url).unwrap();
    huawei_call_with(Arc::new(provider)).await.unwrap();
    let received = server.received();
    assert_eq!(received[0].path, "/meta-data/latest/api/token");
    assert_eq!(received[1].path, "/openstack/latest/securitykey");
    assert_eq!(received[1].header("x-metadata-token"), Some("md-session"));
}

/// A metadata service that accepts the connection and never answers costs the request bound
/// (3 s), not the call's whole timeout: the chain goes on.
#[tokio::test]
async fn a_silent_metadata_service_does_not_hang() {
    let server = TestServer::start(|_, _| Reply::Hang).await;
    let provider = TencentCvmRole::new().endpoint(&server.url).unwrap();
    let started = Instant::now();
    let e = tencent_call_with(Arc::new(provider)).await.unwrap_err();
    let took = started.elapsed();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    assert!(e.to_string().contains("tencent-cvm-role"), "{e}");
    assert!(took < Duration::from_secs(5), "{took:?}");
}

/// With nothing configured and the metadata step pointed at a closed loopback port, the
/// chains fail quickly with the "no credentials" error. The time is printed for the report.
#[tokio::test]
async fn the_chain_falls_through_quickly_when_nothing_is_configured() {
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let server = TestServer::start(|_, _| Reply::tencent_ok(json!({}), "r")).await;
    for (vendor, var) in [
        ("tencent", "TENCENTCLOUD_METADATA_ENDPOINT"),
        ("huawei", "HUAWEICLOUD_SDK_METADATA_ENDPOINT"),
    ] {
        let config = Config::builder()
            .endpoint(&server.url)
            .environment(Environment::from_vars([(var, closed.as_str())]))
            .region(if vendor == "tencent" {
                "ap-guangzhou"
            } else {
                "cn-north-4"
            })
            .project_id(PROJECT_ID)
            .build()
            .unwrap();
        let started = Instant::now();
        let e = if vendor == "tencent" {
            Client::new(&MONGODB, config)
                .call_json(&DESCRIBE_SSL, json!({}))
                .await
        } else {
            Client::new(&GEMINIDB, config)
                .call_json(&LIST_CERTS, json!({"instance_id": INSTANCE_ID}))
                .await
        }
        .unwrap_err();
        let took = started.elapsed();
        eprintln!("{vendor} chain fall-through with the metadata step at a closed port: {took:?}");
        assert_eq!(e.kind(), ErrorKind::Credentials, "{e}");
        assert!(e.to_string().contains("no credentials"), "{e}");
        assert!(e.to_string().contains("metadata"), "{e}");
        assert!(took < Duration::from_millis(1500), "{vendor}: {took:?}");
    }
    assert_eq!(server.count(), 0, "nothing was sent without credentials");
}

/// A provider that counts its fetches and hands out credentials living `lifetime` seconds.
#[derive(Debug)]
struct Counting {
    fetches: AtomicUsize,
    lifetime: i64,
    fail_after_first: bool,
}

impl ProvideCredentials for Counting {
    fn name(&self) -> &str {
        "counting"
    }

    fn fetch<'a>(&'a self, _cx: &'a FetchContext<'a>) -> FetchFuture<'a> {
        Box::pin(async move {
            let n = self.fetches.fetch_add(1, Ordering::SeqCst);
            // Slow enough that concurrent callers overlap the fetch.
            tokio::time::sleep(Duration::from_millis(50)).await;
            if n > 0 && self.fail_after_first {
                return Err(cloud_transport::Error::credentials(
                    "counting: the source is down",
                ));
            }
            Ok(TemporaryCredentials::new(
                Credentials::new(format!("{SECRET_ID}{n}"), SECRET_KEY),
                now() + self.lifetime,
            ))
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_fetch_for_100_concurrent_first_calls_and_one_per_refresh() {
    let server = TestServer::start(|_, _| Reply::tencent_ok(json!({}), "r")).await;
    let provider = Arc::new(Counting {
        fetches: AtomicUsize::new(0),
        lifetime: 3600,
        fail_after_first: false,
    });
    let config = base_config(&server)
        .credentials_provider(provider.clone())
        .build()
        .unwrap();
    let client = Client::new(&MONGODB, config);
    let calls: Vec<_> = (0..100)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.call_json(&DESCRIBE_SSL, json!({})).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(provider.fetches.load(Ordering::SeqCst), 1);
    assert_eq!(server.count(), 100);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_refresh_keeps_valid_credentials_and_an_expired_one_names_the_provider() {
    let server = TestServer::start(|_, _| Reply::tencent_ok(json!({}), "r")).await;
    // Living 2 s with a 1.5 s margin (capped at half the lifetime): due after about 1 s.
    let provider = Arc::new(Counting {
        fetches: AtomicUsize::new(0),
        lifetime: 2,
        fail_after_first: true,
    });
    let config = base_config(&server)
        .credentials_provider(provider.clone())
        .credentials_refresh_margin(Duration::from_millis(1500))
        .build()
        .unwrap();
    let client = Client::new(&MONGODB, config);
    // Expiry is in whole seconds: start just after a second begins, or the truncation could cut
    // the 2 s lifetime to little more than 1 s and the credentials expire before the refresh.
    let into_second = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_millis();
    tokio::time::sleep(Duration::from_millis(u64::from(1010 - into_second))).await;
    client.call_json(&DESCRIBE_SSL, json!({})).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    // Due, refresh fails, the old credentials are still valid: the call succeeds.
    client.call_json(&DESCRIBE_SSL, json!({})).await.unwrap();
    assert_eq!(provider.fetches.load(Ordering::SeqCst), 2);
    // Right after a failure, no new attempt: the pause.
    client.call_json(&DESCRIBE_SSL, json!({})).await.unwrap();
    assert_eq!(provider.fetches.load(Ordering::SeqCst), 2);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let e = client
        .call_json(&DESCRIBE_SSL, json!({}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Credentials, "{e}");
    assert!(e.to_string().contains("counting"), "{e}");
    assert!(e.to_string().contains("expired"), "{e}");
    assert!(!format!("{e:?}").contains(SECRET_KEY));
    // Every signed request used the first credentials.
    for req in server.received() {
        assert!(req
            .header("authorization")
            .unwrap()
            .contains(&format!("{SECRET_ID}0/")));
    }
}

#[test]
fn role_arns_are_checked() {
    for good in [
        "qcs::cam::uin/100000000001:roleName/my-role",
        "qcs::cam::uin/12345678:role/4611686018427397919",
        "qcs::cam::uin/1:roleName/path/with.dots_and@signs",
    ] {
        check_role_arn(good).unwrap_or_else(|e| panic!("{good}: {e}"));
    }
    for bad in [
        "",
        "arn:aws:iam::123:role/x",
        "qcs::cam::uin/:roleName/x",
        "qcs::cam::uin/12a:roleName/x",
        "qcs::cam::uin/12:user/x",
        "qcs::cam::uin/12:roleName/",
        "qcs::cam::uin/12:roleName/has space",
        "qcs::cam::uin/12",
    ] {
        let e = check_role_arn(bad).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidConfig, "{bad}");
        assert!(e.to_string().contains("malformed"), "{bad}: {e}");
    }
}
