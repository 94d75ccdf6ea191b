//! Huawei Cloud calls over real loopback HTTP: request binding, AK/SK signatures checked by the
//! receiver, error bodies, project id lookup, IAM tokens, retries.

#![cfg(feature = "huawei")]

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use cloud_transport::{Client, ErrorKind, IamPassword};
use common::*;
use serde_json::json;

fn aksk_client(server: &TestServer) -> Client {
    geminidb(
        base_config(server)
            .region("cn-north-4")
            .credentials(huawei_credentials())
            .project_id(PROJECT_ID),
    )
}

/// Answers like a gateway that checks AK/SK signatures.
fn signed_or_401(req: &Received, ok: Reply) -> Reply {
    match req.verify_huawei(SK) {
        Ok(_) => ok,
        Err(e) => Reply::json(401, json!({"error_code": "APIGW.0301", "error_msg": e})),
    }
}

fn cert_links() -> serde_json::Value {
    json!({"certs": [{"category": "mongodb", "download_link": "https://obs.example.com/ca.crt"}]})
}

/// A geminidb client of the configuration `builder` makes.
fn geminidb(builder: cloud_transport::ConfigBuilder) -> Client {
    Client::new(&GEMINIDB, builder.build().unwrap())
}
#[tokio::test]
async fn get_with_aksk_fills_the_path_and_verifies_at_the_receiver() {
    let server = TestServer::start(|req, _| {
        signed_or_401(
            req,
            Reply::json(200, cert_links()).header("X-Request-Id", "hw-req-1"),
        )
    })
    .await;
    let out = aksk_client(&server)
        .call_json(&LIST_CERTS, json!({"instance_id": INSTANCE_ID}))
        .await
        .unwrap();
    assert_eq!(out, cert_links());
    let sent = &server.received()[0];
    assert_eq!(sent.method, "GET");
    assert_eq!(
        sent.path,
        format!("/v3/{PROJECT_ID}/instances/{INSTANCE_ID}/ssl-cert/download-link")
    );
    assert!(
        sent.body.is_empty(),
        "a GET without body members sends no body"
    );
    assert_eq!(sent.header("x-project-id"), Some(PROJECT_ID));
    assert!(sent.header("x-sdk-date").unwrap().ends_with('Z'));
    assert!(sent
        .header("authorization")
        .unwrap()
        .starts_with(&format!("SDK-HMAC-SHA256 Access={AK}, SignedHeaders=")));
    assert!(sent.header("x-auth-token").is_none());
}

#[tokio::test]
async fn post_splits_members_over_path_query_headers_and_body() {
    let server = TestServer::start(|req, _| {
        signed_or_401(req, Reply::json(202, json!({"job_id": "job-1"})))
    })
    .await;
    let out = aksk_client(&server)
        .call_json(
            &SWITCH_SSL,
            json!({
                "instance_id": "inst/with space",
                "X-Language": "en-us",
                "tags": ["b", "a c"],
                "ssl_option": "on"
            }),
        )
        .await
        .unwrap();
    assert_eq!(out["job_id"], "job-1");
    let sent = &server.received()[0];
    assert_eq!(sent.method, "POST");
    assert_eq!(
        sent.path,
        format!("/v3/{PROJECT_ID}/instances/inst%2Fwith%20space/ssl-option")
    );
    assert_eq!(sent.query, "tags=a%20c&tags=b");
    assert_eq!(sent.header("x-language"), Some("en-us"));
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(sent.json(), json!({"ssl_option": "on"}));
}

#[tokio::test]
async fn empty_success_body_is_an_empty_object_and_any_2xx_succeeds() {
    let server = TestServer::start(|_, _| Reply::raw(200, "application/json", "")).await;
    let out = aksk_client(&server)
        .call_json(
            &SWITCH_SSL,
            json!({"instance_id": "i", "ssl_option": "off"}),
        )
        .await
        .unwrap();
    assert_eq!(out, json!({}));
}

#[tokio::test]
async fn error_bodies_in_every_spelling_become_service_errors() {
    let bodies = [
        (
            404,
            json!({"error_code": "DBS.200823", "error_msg": "The instance does not exist."}),
            "DBS.200823",
            "The instance does not exist.",
        ),
        (
            400,
            json!({"errorCode": "DBS.280001", "errorMsg": "Invalid parameter."}),
            "DBS.280001",
            "Invalid parameter.",
        ),
        (
            403,
            json!({"code": "APIGW.0302", "message": "The IAM user is forbidden."}),
            "APIGW.0302",
            "The IAM user is forbidden.",
        ),
    ];
    for (status, body, code, message) in bodies {
        let reply = Reply::json(status, body.clone()).header("X-Request-Id", "hw-err-7");
        let server = TestServer::start(move |_, _| reply.clone()).await;
        let e = aksk_client(&server)
            .call_json(&LIST_CERTS, json!({"instance_id": INSTANCE_ID}))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Service, "{body}");
        assert_eq!(e.code(), Some(code));
        assert_eq!(e.message(), message);
        assert_eq!(e.request_id(), Some("hw-err-7"));
        assert_eq!(e.http_status(), Some(status));
        assert_eq!(
            e.to_string(),
            format!("{code}: {message} (request id hw-err-7)")
        );
        assert_eq!(server.count(), 1);
    }
}

#[tokio::test]
async fn encoded_authorization_message_is_kept() {
    let server = TestServer::start(|_, _| {
        Reply::json(
            403,
            json!({"error_code": "APIGW.0302", "error_msg": "denied", "encoded_authorization_message": "ENC-abc123"}),
        )
    })
    .await;
    let e = aksk_client(&server)
        .call_json(&LIST_CERTS, json!({"instance_id": INSTANCE_ID}))
        .await
        .unwrap_err();
    assert_eq!(e.encoded_authorization_message(), Some("ENC-abc123"));
}

#[tokio::test]
async fn throttled_mutation_429_is_retried() {
    let server = TestServer::start(|_, i| match i {
        0 => Reply::json(429, json!({"error_code": "APIGW.0308", "error_msg": "The throttling threshold has been reached."})),
        _ => Reply::json(202, json!({"job_id": "j"})),
    })
    .await;
    let out = aksk_client(&server)
        .call_json(&SWITCH_SSL, json!({"instance_id": "i", "ssl_option": "on"}))
        .await
        .unwrap();
    assert_eq!(out["job_id"], "j");
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn connection_reset_on_a_huawei_mutation_is_not_retried() {
    let server = TestServer::start(|_, _| Reply::Reset).await;
    let e = aksk_client(&server)
        .call_json(&SWITCH_SSL, json!({"instance_id": "i", "ssl_option": "on"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connection);
    assert_eq!(server.count(), 1);
}

/// A server that is both the service and IAM: `/v3/projects` answers with `projects`.
fn service_and_iam(projects: serde_json::Value) -> impl Fn(&Received, usize) -> Reply {
    move |req, _| {
        if req.path == "/v3/projects" {
            signed_or_401(
                req,
                Reply::json(200, json!({ "projects": projects.clone() })),
            )
        } else {
            signed_or_401(req, Reply::json(200, cert_links()))
        }
    }
}

fn lookup_client(server: &TestServer) -> Client {
    geminidb(
        base_config(server)
            .region("cn-north-4")
            .credentials(huawei_credentials().with_session_token(SECURITY_TOKEN)),
    )
}

#[tokio::test]
async fn project_id_is_looked_up_once_per_ak_and_region() {
    let server = TestServer::start(service_and_iam(json!([
        {"id": PROJECT_ID, "name": "cn-north-4", "enabled": true}
    ])))
    .await;
    let client = lookup_client(&server);
    for _ in 0..3 {
        client
            .call_json(&LIST_CERTS, json!({"instance_id": INSTANCE_ID}))
            .await
            .unwrap();
    }
    // Another client of the same configuration shares the cache.
    Client::new(&GEMINIDB, client.config().clone())
        .call_json(&LIST_CERTS, json!({"instance_id": INSTANCE_ID}))
        .await
        .unwrap();
    let sent = server.received();
    let lookups: Vec<_> = sent.iter().filter(|r| r.path == "/v3/projects").collect();
    assert_eq!(lookups.len(), 1, "one lookup for four calls");
    assert_eq!(lookups[0].query, "name=cn-north-4");
    assert_eq!(lookups[0].header("x-security-token"), Some(SECURITY_TOKEN));
    assert!(lookups[0].header("x-project-id").is_none());
    let calls: Vec<_> = sent.iter().filter(|r| r.path != "/v3/projects").collect();
    assert_eq!(calls.len(), 4);
    for call in calls {
        assert!(
            call.path.starts_with(&format!("/v3/{PROJECT_ID}/")),
            "{}",
            call.path
        );
        assert!(!call.path.contains('{'));
    }
}

#[tokio::test]
async fn project_id_lookup_with_no_match_is_a_clear_error() {
    let server = TestServer::start(service_and_iam(json!([]))).await;
    let e = lookup_client(&server)
        .call_json(&LIST_CERTS, json!({"instance_id": INSTANCE_ID}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidConfig);
    assert!(
        e.to_string().contains("no project named `cn-north-4`"),
        "{e}"
    );
    assert!(e.to_string().contains("HUAWEICLOUD_SDK_PROJECT_ID"), "{e}");
    assert_eq!(
        server.count(),
        1,
        "nothing is sent with a literal {{project_id}}"
    );
}

#[tokio::test]
async fn project_id_lookup_with_several_matches_is_a_clear_error() {
    let server = TestServer::start(service_and_iam(json!([
        {"id": "aaaa", "name": "cn-north-4"},
        {"id": "bbbb", "name": "cn-north-4"}
    ])))
    .await;
    let e = lookup_client(&server)
        .call_json(&LIST_CERTS, json!({"instance_id": INSTANCE_ID}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidConfig);
    let shown = e.to_string();
    assert!(
        shown.contains("2 projects") && shown.contains("aaaa") && shown.contains("bbbb"),
        "{shown}"
    );
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn project_id_lookup_errors_from_iam_say_so() {
    let server = TestServer::start(|_, _| {
        Reply::json(403, json!({"error_code": "IAM.0003", "error_msg": "Policy doesn't allow iam:projects:list."}))
    })
    .await;
    let e = lookup_client(&server)
        .call_json(&LIST_CERTS, json!({"instance_id": INSTANCE_ID}))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("IAM.0003"));
    assert!(
        e.message().starts_with("looking up the project id: "),
        "{e}"
    );
}

/// IAM token endpoint plus service: counts token requests, checks the request's shape, and
/// accepts service calls only with the current token.
struct IamServer {
    server: TestServer,
    tokens_issued: Arc<AtomicUsize>,
}

async fn iam_server(lifetime_seconds: i64) -> IamServer {
    let tokens_issued = Arc::new(AtomicUsize::new(0));
    let issued = tokens_issued.clone();
    let server = TestServer::start(move |req, _| {
        if req.path == "/v3/auth/tokens" {
            let body = req.json();
            let user = &body["auth"]["identity"]["password"]["user"];
            let valid = req.method == "POST"
                && req.header("authorization").is_none()
                && body["auth"]["identity"]["methods"] == json!(["password"])
                && user["name"] == "ops"
                && user["password"] == IAM_PASSWORD
                && user["domain"]["name"] == "acme"
                && body["auth"]["scope"]["project"]["name"] == "cn-north-4";
            if !valid {
                return Reply::json(401, json!({"error": {"code": 401, "message": "The username or password is wrong.", "title": "Unauthorized"}}));
            }
            let n = issued.fetch_add(1, Ordering::SeqCst) + 1;
            let expires = std::time::SystemTime::now() + std::time::Duration::from_secs(lifetime_seconds as u64);
            let secs = expires.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
            let t = cloud_transport::sign::UtcDateTime::from_unix(secs);
            let expires_at = format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.000000Z",
                t.year, t.month, t.day, t.hour, t.minute, t.second
            );
            return Reply::json(
                201,
                json!({"token": {"expires_at": expires_at, "methods": ["password"], "project": {"id": PROJECT_ID, "name": "cn-north-4"}}}),
            )
            .header("X-Subject-Token", &format!("{IAM_TOKEN}-{n}"));
        }
        let current = format!("{IAM_TOKEN}-{}", issued.load(Ordering::SeqCst));
        if req.header("x-auth-token") == Some(current.as_str()) && req.header("authorization").is_none() {
            Reply::json(200, cert_links())
        } else {
            Reply::json(401, json!({"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information."}))
        }
    })
    .await;
    IamServer {
        server,
        tokens_issued,
    }
}

fn token_client(server: &TestServer) -> Client {
    geminidb(
        base_config(server)
            .region("cn-north-4")
            .iam_password(IamPassword::new("ops", IAM_PASSWORD, "acme")),
    )
}

#[tokio::test]
async fn iam_token_is_obtained_once_and_reused() {
    let iam = iam_server(24 * 3600).await;
    let client = token_client(&iam.server);
    for _ in 0..5 {
        let out = client
            .call_json(&LIST_CERTS, json!({"instance_id": INSTANCE_ID}))
            .await
            .unwrap();
        assert_eq!(out, cert_links());
    }
    assert_eq!(iam.tokens_issued.load(Ordering::SeqCst), 1);
    let sent = iam.server.received();
    assert_eq!(sent.len(), 6);
    // The project id came with the token: no lookup.
    assert!(sent.iter().all(|r| r.path != "/v3/projects"));
    assert!(sent[1].path.starts_with(&format!("/v3/{PROJECT_ID}/")));
}

#[tokio::test]
async fn concurrent_first_calls_share_one_token_request() {
    let iam = iam_server(24 * 3600).await;
    let client = token_client(&iam.server);
    // Spawned tasks: the call future is `Send`, and the calls really run concurrently.
    let calls: Vec<_> = (0..6)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .call_json(&LIST_CERTS, json!({"instance_id": INSTANCE_ID}))
                    .await
            })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(iam.tokens_issued.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn iam_token_close_to_expiry_is_renewed() {
    // Five minutes left: inside the renewal margin, so every call renews.
    let iam = iam_server(300).await;
    let client = token_client(&iam.server);
    for _ in 0..3 {
        client
            .call_json(&LIST_CERTS, json!({"instance_id": INSTANCE_ID}))
            .await
            .unwrap();
    }
    assert_eq!(iam.tokens_issued.load(Ordering::SeqCst), 3);
    let service_calls: Vec<_> = iam
        .server
        .received()
        .into_iter()
        .filter(|r| r.path != "/v3/auth/tokens")
        .collect();
    let tokens: Vec<_> = service_calls
        .iter()
        .map(|r| r.header("x-auth-token").unwrap().to_owned())
        .collect();
    assert_eq!(tokens, [1, 2, 3].map(|n| format!("{IAM_TOKEN}-{n}")));
}

#[tokio::test]
async fn wrong_iam_password_is_a_service_error_from_iam() {
    let iam = iam_server(24 * 3600).await;
    let client = geminidb(
        base_config(&iam.server)
            .region("cn-north-4")
            .iam_password(IamPassword::new("ops", "wrong", "acme")),
    );
    let e = client
        .call_json(&LIST_CERTS, json!({"instance_id": INSTANCE_ID}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Service);
    assert_eq!(e.code(), Some("401"));
    assert!(e.message().contains("obtaining an IAM token"), "{e}");
    assert!(e.message().contains("username or password is wrong"), "{e}");
    assert_eq!(iam.server.count(), 1);
}

#[tokio::test]
async fn a_given_token_is_sent_unsigned_and_used_for_the_lookup() {
    let server = TestServer::start(|req, _| {
        if req.header("x-auth-token") != Some(IAM_TOKEN) || req.header("authorization").is_some() {
            return Reply::json(
                401,
                json!({"error_code": "APIGW.0301", "error_msg": "bad token"}),
            );
        }
        if req.path == "/v3/projects" {
            Reply::json(
                200,
                json!({"projects": [{"id": PROJECT_ID, "name": "cn-north-4"}]}),
            )
        } else {
            Reply::json(200, cert_links())
        }
    })
    .await;
    let client = geminidb(
        base_config(&server)
            .region("cn-north-4")
            .huawei_token(IAM_TOKEN),
    );
    client
        .call_json(&LIST_CERTS, json!({"instance_id": INSTANCE_ID}))
        .await
        .unwrap();
    let sent = server.received();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].path, "/v3/projects");
    assert!(sent[1].path.starts_with(&format!("/v3/{PROJECT_ID}/")));
    assert!(sent[1].header("x-sdk-date").is_none());
}

#[tokio::test]
async fn a_separate_iam_endpoint_receives_the_iam_calls() {
    let iam = iam_server(24 * 3600).await;
    let service = TestServer::start(|req, _| {
        if req
            .header("x-auth-token")
            .is_some_and(|t| t.starts_with(IAM_TOKEN))
        {
            Reply::json(200, cert_links())
        } else {
            Reply::json(
                401,
                json!({"error_code": "APIGW.0301", "error_msg": "no token"}),
            )
        }
    })
    .await;
    let client = geminidb(
        base_config(&service)
            .region("cn-north-4")
            .iam_endpoint(&iam.server.url)
            .iam_password(IamPassword::new("ops", IAM_PASSWORD, "acme")),
    );
    client
        .call_json(&LIST_CERTS, json!({"instance_id": INSTANCE_ID}))
        .await
        .unwrap();
    assert_eq!(iam.server.count(), 1);
    assert_eq!(service.count(), 1);
}

#[tokio::test]
async fn a_refused_token_is_forgotten_and_renewed_on_the_next_call() {
    let tokens_issued = Arc::new(AtomicUsize::new(0));
    let issued = tokens_issued.clone();
    let server = TestServer::start(move |req, _| {
        if req.path == "/v3/auth/tokens" {
            let n = issued.fetch_add(1, Ordering::SeqCst) + 1;
            return Reply::json(201, json!({"token": {"expires_at": "2999-01-01T00:00:00.000000Z", "project": {"id": PROJECT_ID}}}))
                .header("X-Subject-Token", &format!("tok-{n}"));
        }
        // The service stopped accepting the first token (revoked).
        if req.header("x-auth-token") == Some("tok-1") {
            Reply::json(401, json!({"error_code": "APIGW.0301", "error_msg": "token revoked"}))
        } else {
            Reply::json(200, cert_links())
        }
    })
    .await;
    let client = token_client(&server);
    let e = client
        .call_json(&LIST_CERTS, json!({"instance_id": INSTANCE_ID}))
        .await
        .unwrap_err();
    assert_eq!(e.http_status(), Some(401));
    client
        .call_json(&LIST_CERTS, json!({"instance_id": INSTANCE_ID}))
        .await
        .unwrap();
    assert_eq!(tokens_issued.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn missing_region_and_project_id_is_a_clear_error() {
    let server = TestServer::start(|_, _| Reply::json(200, cert_links())).await;
    let client = geminidb(base_config(&server).credentials(huawei_credentials()));
    let e = client
        .call_json(&LIST_CERTS, json!({"instance_id": INSTANCE_ID}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidConfig);
    assert!(e.to_string().contains("project id"), "{e}");
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn missing_path_member_is_invalid_input_and_nothing_is_sent() {
    let server = TestServer::start(|_, _| Reply::json(200, cert_links())).await;
    let e = aksk_client(&server)
        .call_json(&LIST_CERTS, json!({}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.to_string().contains("instance_id"), "{e}");
    assert_eq!(server.count(), 0);
}
