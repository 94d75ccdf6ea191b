//! The SSL lifecycle of every service: a change starts an async flow, the describe operation
//! keeps showing the old state until the emulator's delay has passed, then the new one. Huawei
//! in every authentication mode: AK/SK with a configured project id, AK/SK with the project id
//! looked up through IAM, a token obtained with an IAM password login, and a given token.

use std::time::{Duration, Instant};

use cloud_emulator::{
    Project, DEMO_HUAWEI_AK, DEMO_HUAWEI_SK, DEMO_IAM_DOMAIN, DEMO_IAM_PASSWORD, DEMO_IAM_USER,
};
use cloud_transport::http::HttpRequest;
use cloud_transport::{Credentials, ErrorKind, IamPassword};
use cloudcall_tests::http::{real_http, Recorder};
use cloudcall_tests::services::{Service, POSTGRES_CONNECT_ADDRESS};
use cloudcall_tests::setup::{emulator, huawei_base_config, instances, Clients, TestBed};
use cloudcall_tests::wait::{bounded, poll_until};

/// How long a change may take to show before the test fails: many times the emulator's delay.
const SHOW_DEADLINE: Duration = Duration::from_secs(5);
/// Polling stays well within the documented 20 requests per second, as a polite client would.
const POLL_INTERVAL: Duration = Duration::from_millis(100);

/// Turns SSL to the other state and back on `service`'s instance, checking each time that the
/// change shows only after the async delay, and that each change was applied exactly once.
async fn walk_lifecycle(service: Service, clients: &Clients, bed: &TestBed) {
    let delay = bed.emulator.async_delay();
    let initial = service.ssl_enabled(clients).await.unwrap();
    for target in [!initial, initial] {
        let sent = Instant::now();
        let flow = service.set_ssl(clients, target).await.unwrap();
        assert!(!flow.is_empty(), "{service:?}: a flow id");

        // The emulator schedules the change at least `delay` after it received the mutation,
        // which is after `sent`: a describe answered before `sent + delay` must see the old
        // state. (On a machine so slow that it is not answered by then, there is nothing to
        // check here; the timing check below still holds.)
        let before = service.ssl_enabled(clients).await.unwrap();
        if sent.elapsed() < delay {
            assert_eq!(
                before, !target,
                "{service:?}: the change showed before the delay"
            );
        }

        let polled = poll_until(
            SHOW_DEADLINE,
            POLL_INTERVAL,
            || service.ssl_enabled(clients),
            |enabled| *enabled == target,
        )
        .await;
        assert!(
            polled.arrived.duration_since(sent) >= delay,
            "{service:?}: the change showed after {:?}, before the {delay:?} delay",
            polled.arrived.duration_since(sent)
        );
    }
    let on = service.mutation_operation(true);
    let off = service.mutation_operation(false);
    let applied = bed.applied(service.key(), on, service.instance())
        + if on == off {
            0
        } else {
            bed.applied(service.key(), off, service.instance())
        };
    assert_eq!(applied, 2, "{service:?}: two changes, each applied once");
}

/// Walks `service`'s lifecycle with the default clients of a test bed of its own, which it
/// returns for more checks.
async fn walk_on_its_own_bed(service: Service) -> TestBed {
    let bed = TestBed::start().await;
    walk_lifecycle(service, &bed.clients, &bed).await;
    bed
}

#[tokio::test]
async fn mongodb_ssl_lifecycle() {
    bounded(async { walk_on_its_own_bed(Service::MongoDb).await.shutdown().await }).await
}

#[tokio::test]
async fn cdb_ssl_lifecycle() {
    bounded(async { walk_on_its_own_bed(Service::Cdb).await.shutdown().await }).await
}

#[tokio::test]
async fn postgres_ssl_lifecycle_carries_the_connect_address() {
    bounded(async {
        // Starts enabled (the docs' example), so the walk disables, then enables with a new
        // connect address, which the describe operation then shows.
        let bed = walk_on_its_own_bed(Service::Postgres).await;
        let out = bed
            .clients
            .postgres
            .describe_db_instance_ssl_config()
            .db_instance_id(instances::POSTGRES)
            .send()
            .await
            .unwrap();
        assert_eq!(out.ssl_enabled, Some(true));
        assert_eq!(
            out.connect_address.as_deref(),
            Some(POSTGRES_CONNECT_ADDRESS)
        );
        bed.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn geminidb_ssl_lifecycle_with_ak_sk_and_configured_project() {
    bounded(async {
        let bed = walk_on_its_own_bed(Service::GeminiDb).await;
        let sent = bed.recorder.sent();
        assert!(sent
            .iter()
            .all(|s| !s.is_iam() && s.signed && !s.auth_token));
        bed.shutdown().await;
    })
    .await
}

/// Without a project id the client asks IAM once (`GET /v3/projects?name=<region>`) and caches
/// the answer for every later call.
#[tokio::test]
async fn geminidb_ssl_lifecycle_with_ak_sk_and_project_lookup() {
    bounded(async {
        let bed = TestBed::start().await;
        let recorder = Recorder::new();
        let config = huawei_base_config(&bed.emulator)
            .credentials(Credentials::new(DEMO_HUAWEI_AK, DEMO_HUAWEI_SK))
            .http_client(recorder.clone())
            .build()
            .unwrap();
        let clients = Clients::new(bed.clients.mongodb.config().clone(), config);
        walk_lifecycle(Service::GeminiDb, &clients, &bed).await;

        let sent = recorder.sent();
        let lookups: Vec<_> = sent.iter().filter(|s| s.is_iam()).collect();
        assert_eq!(
            lookups.len(),
            1,
            "one project lookup, then cached: {sent:?}"
        );
        assert_eq!(lookups[0].method, "GET");
        assert_eq!(lookups[0].path, "/v3/projects");
        assert!(lookups[0].signed, "the lookup is AK/SK-signed");
        let project_path = format!("/v3/{}/", instances::GEMINIDB_PROJECT);
        for call in sent.iter().filter(|s| !s.is_iam()) {
            assert!(call.path.starts_with(&project_path), "{call:?}");
            assert!(call.signed && !call.auth_token, "{call:?}");
        }
        bed.shutdown().await;
    })
    .await
}

/// A password login: the client gets a token from the emulator's IAM once, and sends it
/// unsigned as `X-Auth-Token`; the project id comes with the token.
#[tokio::test]
async fn geminidb_ssl_lifecycle_with_an_iam_password_token() {
    bounded(async {
        let bed = TestBed::start().await;
        let recorder = Recorder::new();
        let config = huawei_base_config(&bed.emulator)
            .iam_password(IamPassword::new(
                DEMO_IAM_USER,
                DEMO_IAM_PASSWORD,
                DEMO_IAM_DOMAIN,
            ))
            .http_client(recorder.clone())
            .build()
            .unwrap();
        let clients = Clients::new(bed.clients.mongodb.config().clone(), config);
        walk_lifecycle(Service::GeminiDb, &clients, &bed).await;

        let sent = recorder.sent();
        let iam: Vec<_> = sent.iter().filter(|s| s.is_iam()).collect();
        assert_eq!(iam.len(), 1, "one token request, then cached: {sent:?}");
        assert_eq!(
            (iam[0].method.as_str(), iam[0].path.as_str()),
            ("POST", "/v3/auth/tokens")
        );
        let project_path = format!("/v3/{}/", instances::GEMINIDB_PROJECT);
        for call in sent.iter().filter(|s| !s.is_iam()) {
            assert!(
                call.auth_token && !call.signed,
                "token mode, unsigned: {call:?}"
            );
            assert!(call.path.starts_with(&project_path), "{call:?}");
        }
        bed.shutdown().await;
    })
    .await
}

/// Asks the emulator's IAM for a token over plain HTTP, as a user would with curl.
async fn issue_token(base_url: &str, project: &str) -> String {
    let body = serde_json::json!({
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {"user": {
                    "name": DEMO_IAM_USER,
                    "password": DEMO_IAM_PASSWORD,
                    "domain": {"name": DEMO_IAM_DOMAIN}
                }}
            },
            "scope": {"project": {"name": project}}
        }
    });
    let host = base_url.trim_start_matches("http://").to_owned();
    let response = real_http()
        .send(HttpRequest {
            method: "POST".into(),
            url: format!("{base_url}/v3/auth/tokens"),
            headers: vec![
                ("host".into(), host),
                ("content-type".into(), "application/json".into()),
            ],
            body: serde_json::to_vec(&body).unwrap(),
            timeout: Some(Duration::from_secs(5)),
        })
        .await
        .expect("the IAM answers");
    assert_eq!(
        response.status,
        201,
        "{:?}",
        String::from_utf8_lossy(&response.body)
    );
    response
        .header("x-subject-token")
        .expect("a token in X-Subject-Token")
        .to_owned()
}

/// A token the caller got elsewhere: sent as it is; a bad one is refused with Huawei's 401.
#[tokio::test]
async fn geminidb_with_a_given_token() {
    bounded(async {
        let bed = TestBed::start().await;
        let token = issue_token(&bed.emulator.base_url(), bed.emulator.huawei_region()).await;
        let recorder = Recorder::new();
        let config = huawei_base_config(&bed.emulator)
            .huawei_token(token)
            .project_id(bed.emulator.project_id())
            .http_client(recorder.clone())
            .build()
            .unwrap();
        let clients = Clients::new(bed.clients.mongodb.config().clone(), config);
        assert!(!Service::GeminiDb.ssl_enabled(&clients).await.unwrap());
        let sent = recorder.take();
        assert_eq!(sent.len(), 1, "no IAM request with a given token: {sent:?}");
        assert!(sent[0].auth_token && !sent[0].signed);

        let bad = huawei_base_config(&bed.emulator)
            .huawei_token("not-a-token-the-emulator-issued")
            .project_id(bed.emulator.project_id())
            .build()
            .unwrap();
        let err = huawei_geminidb::Client::new(bad)
            .list_ssl_cert_download_addresses()
            .instance_id(instances::GEMINIDB)
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Service, "{err}");
        assert_eq!(err.code(), Some("APIGW.0301"), "{err}");
        assert_eq!(err.http_status(), Some(401));
        assert!(err.request_id().is_some_and(|id| !id.is_empty()), "{err:?}");
        bed.shutdown().await;
    })
    .await
}

/// The lookup finds no project for the region, or several: a clear configuration error, and
/// no API request with a guessed project id.
#[tokio::test]
async fn project_lookup_without_exactly_one_match_is_a_config_error() {
    bounded(async {
        let bed = TestBed::start_with(
            emulator().add_project(Project::new(
                "0123456789abcdef0123456789abcdef",
                "cn-north-4",
            )),
            |b| b,
        )
        .await;
        for (region, expected) in [
            ("ap-southeast-1", "ap-southeast-1"),
            ("cn-north-4", "cn-north-4"),
        ] {
            let recorder = Recorder::new();
            let config = huawei_base_config(&bed.emulator)
                .region(region)
                .credentials(Credentials::new(DEMO_HUAWEI_AK, DEMO_HUAWEI_SK))
                .http_client(recorder.clone())
                .build()
                .unwrap();
            let err = huawei_geminidb::Client::new(config)
                .list_ssl_cert_download_addresses()
                .instance_id(instances::GEMINIDB)
                .send()
                .await
                .unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{region}: {err}");
            assert!(err.message().contains(expected), "{region}: {err}");
            let sent = recorder.sent();
            assert!(
                sent.iter().all(|s| s.is_iam()),
                "{region}: no API call: {sent:?}"
            );
        }
        bed.shutdown().await;
    })
    .await
}

/// A wrong IAM password: the IAM's refusal, as a typed error, and no API call.
#[tokio::test]
async fn a_wrong_iam_password_is_refused() {
    bounded(async {
        let bed = TestBed::start().await;
        let recorder = Recorder::new();
        let config = huawei_base_config(&bed.emulator)
            .iam_password(IamPassword::new(
                DEMO_IAM_USER,
                "wrong-password",
                DEMO_IAM_DOMAIN,
            ))
            .http_client(recorder.clone())
            .build()
            .unwrap();
        let err = huawei_geminidb::Client::new(config)
            .list_ssl_cert_download_addresses()
            .instance_id(instances::GEMINIDB)
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Service, "{err}");
        assert_eq!(err.code(), Some("IAM.0101"), "{err}");
        assert_eq!(err.http_status(), Some(401), "{err:?}");
        assert!(
            err.message().contains("IAM token"),
            "says what failed: {err}"
        );
        assert!(err.request_id().is_some_and(|id| !id.is_empty()), "{err:?}");
        assert!(recorder.sent().iter().all(|s| s.is_iam()));
        bed.shutdown().await;
    })
    .await
}
