//! Temporary credentials end to end: every provider (Tencent CVM role, STS AssumeRole from the
//! environment and from a profile's `role_arn`, TKE web identity; Huawei ECS metadata and
//! federated identity) is found by the default chain, pointed at the emulator through its
//! override variable, and its credentials make a real call. With a short emulator lifetime,
//! 100 concurrent calls across the refresh point cause exactly one refresh, counted by the
//! emulator; failures (an STS error code, an expired key with a failing refresh, a missing
//! token file) are typed errors naming the provider.
//!
//! The metadata step only ever talks to the emulator: every environment here is fixed, and a
//! fixed environment has no metadata step unless a variable names one.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use cloud_emulator::{
    FaultRule, RunningEmulator, DEMO_CVM_ROLE, DEMO_IDP_ID, DEMO_ID_TOKEN, DEMO_TENCENT_SECRET_ID,
    DEMO_TENCENT_SECRET_KEY, DEMO_TKE_PROVIDER_ID, DEMO_WEB_IDENTITY_TOKEN,
    ISSUER_HUAWEI_ECS_METADATA, ISSUER_HUAWEI_FEDERATED, ISSUER_TENCENT_ASSUME_ROLE,
    ISSUER_TENCENT_CVM_ROLE, ISSUER_TENCENT_WEB_IDENTITY,
};
use cloud_transport::{Config, Environment, ErrorKind};
use cloudcall_tests::setup::{emulator, fast_retries, instances, TENCENT_REGION};
use cloudcall_tests::wait::{bounded, within};

const ROLE_ARN: &str = "qcs::cam::uin/100000000001:roleName/emulator-role";

/// A directory for token and profile files, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "cloudcall-creds-{}-{name}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn write(&self, relative: &str, contents: &str) -> String {
        let path = self.0.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path.display().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Which provider a test drives, and how the environment selects it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Provider {
    TencentCvmRole,
    TencentAssumeRoleEnv,
    TencentAssumeRoleProfile,
    TencentWebIdentity,
    HuaweiEcsMetadata,
    HuaweiFederated,
}

impl Provider {
    const ALL: [Provider; 6] = [
        Provider::TencentCvmRole,
        Provider::TencentAssumeRoleEnv,
        Provider::TencentAssumeRoleProfile,
        Provider::TencentWebIdentity,
        Provider::HuaweiEcsMetadata,
        Provider::HuaweiFederated,
    ];

    /// The name the client and the emulator count it under.
    fn issuer(self) -> &'static str {
        match self {
            Provider::TencentCvmRole => ISSUER_TENCENT_CVM_ROLE,
            Provider::TencentAssumeRoleEnv | Provider::TencentAssumeRoleProfile => {
                ISSUER_TENCENT_ASSUME_ROLE
            }
            Provider::TencentWebIdentity => ISSUER_TENCENT_WEB_IDENTITY,
            Provider::HuaweiEcsMetadata => ISSUER_HUAWEI_ECS_METADATA,
            Provider::HuaweiFederated => ISSUER_HUAWEI_FEDERATED,
        }
    }

    fn is_tencent(self) -> bool {
        !matches!(
            self,
            Provider::HuaweiEcsMetadata | Provider::HuaweiFederated
        )
    }

    /// The environment (variables, home) that makes the default chain pick this provider and
    /// point it at `emulator`.
    fn environment(self, emulator: &RunningEmulator, dir: &TempDir) -> Environment {
        let url = emulator.base_url();
        let vars: Vec<(&str, String)> = match self {
            Provider::TencentCvmRole => vec![("TENCENTCLOUD_METADATA_ENDPOINT", url)],
            Provider::TencentAssumeRoleEnv => vec![
                ("TENCENTCLOUD_SECRET_ID", DEMO_TENCENT_SECRET_ID.to_owned()),
                (
                    "TENCENTCLOUD_SECRET_KEY",
                    DEMO_TENCENT_SECRET_KEY.to_owned(),
                ),
                ("TENCENTCLOUD_ROLE_ARN", ROLE_ARN.to_owned()),
                ("TENCENTCLOUD_ROLE_SESSION_NAME", "e2e-session".to_owned()),
                ("TENCENTCLOUD_STS_ENDPOINT", url),
            ],
            Provider::TencentAssumeRoleProfile => {
                dir.write(
                    ".tencentcloud/credentials",
                    &format!(
                        "[default]\nsecret_id = {DEMO_TENCENT_SECRET_ID}\nsecret_key = \
                         {DEMO_TENCENT_SECRET_KEY}\nrole_arn = {ROLE_ARN}\n"
                    ),
                );
                vec![("TENCENTCLOUD_STS_ENDPOINT", url)]
            }
            Provider::TencentWebIdentity => {
                let file = dir.write("tke/token", DEMO_WEB_IDENTITY_TOKEN);
                vec![
                    ("TKE_REGION", TENCENT_REGION.to_owned()),
                    ("TKE_PROVIDER_ID", DEMO_TKE_PROVIDER_ID.to_owned()),
                    ("TKE_WEB_IDENTITY_TOKEN_FILE", file),
                    ("TKE_ROLE_ARN", ROLE_ARN.to_owned()),
                    ("TENCENTCLOUD_STS_ENDPOINT", url),
                ]
            }
            Provider::HuaweiEcsMetadata => vec![("HUAWEICLOUD_SDK_METADATA_ENDPOINT", url)],
            Provider::HuaweiFederated => {
                let file = dir.write("oidc/id_token", DEMO_ID_TOKEN);
                vec![
                    ("HUAWEICLOUD_SDK_IDP_ID", DEMO_IDP_ID.to_owned()),
                    ("HUAWEICLOUD_SDK_ID_TOKEN_FILE", file),
                    ("HUAWEICLOUD_SDK_IAM_ENDPOINT", url),
                ]
            }
        };
        Environment::from_vars(vars).with_home(&dir.0)
    }

    /// A configuration for `emulator` with no credentials of its own: the chain finds them.
    fn config(self, emulator: &RunningEmulator, dir: &TempDir, margin: Duration) -> Config {
        let builder = Config::builder()
            .endpoint(emulator.base_url())
            .environment(self.environment(emulator, dir))
            .retry(fast_retries())
            .connect_timeout(Duration::from_secs(2))
            .attempt_timeout(Duration::from_secs(5))
            .operation_timeout(Duration::from_secs(10))
            .credentials_refresh_margin(margin);
        let builder = if self.is_tencent() {
            builder.region(TENCENT_REGION)
        } else {
            builder
                .region(emulator.huawei_region())
                .project_id(emulator.project_id())
        };
        builder.build().expect("config")
    }
}

/// One read call of the provider's vendor with `config`.
async fn call(provider: Provider, config: &Config) -> cloud_transport::Result<()> {
    if provider.is_tencent() {
        tencent_mongodb::Client::new(config.clone())
            .describe_instance_ssl()
            .instance_id(instances::MONGODB)
            .send()
            .await
            .map(drop)
    } else {
        huawei_geminidb::Client::new(config.clone())
            .list_instances()
            .send()
            .await
            .map(drop)
    }
}

async fn start(ttl: Duration) -> RunningEmulator {
    emulator()
        .rate_limits(false)
        .credential_ttl(ttl)
        .start()
        .await
        .expect("the emulator starts")
}

/// Every provider: the chain finds it, its credentials make calls, and they are fetched once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_provider_makes_a_successful_call() {
    bounded(async {
        let emulator = start(Duration::from_secs(3600)).await;
        for provider in Provider::ALL {
            let dir = TempDir::new(&format!("ok-{provider:?}"));
            let before = emulator.issued_count(provider.issuer());
            let config = provider.config(&emulator, &dir, Duration::from_secs(60));
            for _ in 0..3 {
                call(provider, &config)
                    .await
                    .unwrap_or_else(|e| panic!("{provider:?}: {e}"));
            }
            assert_eq!(
                emulator.issued_count(provider.issuer()) - before,
                1,
                "{provider:?}: three calls, one fetch"
            );
        }
    })
    .await
}

/// The emulator's admin endpoint counts what it issued.
async fn admin_counts(emulator: &RunningEmulator) -> serde_json::Value {
    let url = format!("{}/_emulator/credentials", emulator.base_url());
    let client = cloud_transport::http::ReqwestHttpClient::new(
        Duration::from_secs(2),
        Duration::from_secs(10),
    )
    .unwrap();
    use cloud_transport::http::{HttpClient, HttpRequest};
    let response = client
        .send(HttpRequest {
            method: "GET".into(),
            url,
            headers: vec![],
            body: vec![],
            timeout: Some(Duration::from_secs(5)),
        })
        .await
        .unwrap();
    serde_json::from_slice(&response.body).unwrap()
}

/// With credentials living 12 s and a 4 s margin: a first call fetches, then 100 concurrent
/// calls past the refresh point (the old credentials still valid) all succeed and cause exactly
/// one refresh; calls after the first credentials' expiry use the refreshed ones.
async fn refresh_once_under_load(provider: Provider) {
    let emulator = start(Duration::from_secs(12)).await;
    let dir = TempDir::new(&format!("load-{provider:?}"));
    let config = provider.config(&emulator, &dir, Duration::from_secs(4));
    call(provider, &config).await.unwrap();
    // The credentials were issued before now.
    let fetched = Instant::now();
    assert_eq!(emulator.issued_count(provider.issuer()), 1, "{provider:?}");
    // The emulator's expiry is in whole seconds: the first credentials expire 11 to 12 s from
    // now, so the refresh is due 7 to 8 s from now, and the old ones stay valid for the calls
    // in flight (at least 2.7 s, for a loaded machine).
    tokio::time::sleep_until((fetched + Duration::from_millis(8300)).into()).await;
    let calls: Vec<_> = (0..100)
        .map(|_| {
            let config = config.clone();
            tokio::spawn(async move { call(provider, &config).await })
        })
        .collect();
    for handle in calls {
        handle
            .await
            .unwrap()
            .unwrap_or_else(|e| panic!("{provider:?}: {e}"));
    }
    assert_eq!(
        emulator.issued_count(provider.issuer()),
        2,
        "{provider:?}: 100 concurrent calls at the refresh point, one refresh"
    );
    let admin = admin_counts(&emulator).await;
    assert_eq!(admin["issued"][provider.issuer()], 2, "{admin}");
    // Past the first credentials' expiry, before the second ones' refresh point: the refreshed
    // ones work and nothing more is fetched.
    tokio::time::sleep_until((fetched + Duration::from_millis(12300)).into()).await;
    call(provider, &config)
        .await
        .unwrap_or_else(|e| panic!("{provider:?} after the first expiry: {e}"));
    assert_eq!(emulator.issued_count(provider.issuer()), 2, "{provider:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tencent_cvm_role_refreshes_once_under_load() {
    bounded(refresh_once_under_load(Provider::TencentCvmRole)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tencent_assume_role_refreshes_once_under_load() {
    bounded(refresh_once_under_load(Provider::TencentAssumeRoleEnv)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tencent_profile_role_refreshes_once_under_load() {
    bounded(refresh_once_under_load(Provider::TencentAssumeRoleProfile)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tencent_web_identity_refreshes_once_under_load() {
    bounded(refresh_once_under_load(Provider::TencentWebIdentity)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huawei_ecs_metadata_refreshes_once_under_load() {
    bounded(refresh_once_under_load(Provider::HuaweiEcsMetadata)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huawei_federated_refreshes_once_under_load() {
    bounded(refresh_once_under_load(Provider::HuaweiFederated)).await
}

/// The operation of the provider's refresh request, as fault rules name it.
fn refresh_operation(provider: Provider) -> &'static str {
    match provider {
        Provider::TencentCvmRole => "CvmRoleCredentials",
        Provider::TencentAssumeRoleEnv | Provider::TencentAssumeRoleProfile => "AssumeRole",
        Provider::TencentWebIdentity => "AssumeRoleWithWebIdentity",
        Provider::HuaweiEcsMetadata => "SecurityKey",
        Provider::HuaweiFederated => "CreateTemporaryAccessKeyByToken",
    }
}

/// A refresh that fails while the credentials are valid keeps them (the call succeeds) and is
/// tried again later; once the credentials expired and refreshing keeps failing, the call
/// fails with a credentials error naming the provider.
async fn failed_refresh(provider: Provider) {
    let emulator = start(Duration::from_secs(6)).await;
    let dir = TempDir::new(&format!("fail-{provider:?}"));
    let config = provider.config(&emulator, &dir, Duration::from_secs(3));
    call(provider, &config).await.unwrap();
    // The credentials were issued before now.
    let fetched = Instant::now();
    // Every refresh from now on fails.
    emulator
        .faults()
        .add(FaultRule::new(refresh_operation(provider), "status:500".parse().unwrap()).times(1000))
        .unwrap();
    // Due after 2.5 to 3 s; valid for at least 5 s.
    tokio::time::sleep_until((fetched + Duration::from_millis(3300)).into()).await;
    call(provider, &config).await.unwrap_or_else(|e| {
        panic!("{provider:?}: a failed refresh must keep the valid credentials: {e}")
    });
    tokio::time::sleep_until((fetched + Duration::from_millis(6600)).into()).await;
    let e = call(provider, &config).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Credentials, "{provider:?}: {e}");
    let shown = e.to_string();
    assert!(shown.contains(provider.issuer()), "{provider:?}: {shown}");
    assert!(shown.contains("expired"), "{provider:?}: {shown}");
    assert_eq!(emulator.issued_count(provider.issuer()), 1, "{provider:?}");
    // Refreshes were tried (and refused) while valid and again after the expiry.
    assert!(
        emulator.faults().injected_count() >= 2,
        "{provider:?}: {} refused refreshes",
        emulator.faults().injected_count()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_refreshes_keep_valid_credentials_and_name_the_provider_after_expiry() {
    bounded(async {
        let runs: Vec<_> = Provider::ALL
            .into_iter()
            .map(|p| tokio::spawn(failed_refresh(p)))
            .collect();
        for run in runs {
            run.await.unwrap();
        }
    })
    .await
}

/// Bad input the emulator answers: an STS error code, a malformed role ARN, missing, empty and
/// unreadable token files, an unknown role. Each is a typed error naming the provider.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_are_typed_and_name_the_provider() {
    within(Duration::from_secs(20), "failures", async {
        let emulator = start(Duration::from_secs(3600)).await;
        let dir = TempDir::new("bad");
        let url = emulator.base_url();
        let run = |provider: Provider, vars: Vec<(&str, String)>| {
            let config = Config::builder()
                .endpoint(emulator.base_url())
                .environment(Environment::from_vars(vars).with_home(&dir.0))
                .region(TENCENT_REGION)
                .retry(fast_retries())
                .project_id(emulator.project_id())
                .build()
                .unwrap();
            async move { call(provider, &config).await.unwrap_err() }
        };
        let tke = |token_file: String, arn: &str| {
            vec![
                ("TKE_REGION", TENCENT_REGION.to_owned()),
                ("TKE_PROVIDER_ID", DEMO_TKE_PROVIDER_ID.to_owned()),
                ("TKE_WEB_IDENTITY_TOKEN_FILE", token_file),
                ("TKE_ROLE_ARN", arn.to_owned()),
                ("TENCENTCLOUD_STS_ENDPOINT", url.clone()),
            ]
        };
        // STS refuses the token: its code is kept.
        let wrong = dir.write("wrong-token", "not-the-token");
        let e = run(Provider::TencentWebIdentity, tke(wrong.clone(), ROLE_ARN)).await;
        assert_eq!(
            e.code(),
            Some("InvalidParameter.WebIdentityTokenError"),
            "{e}"
        );
        assert!(e.to_string().contains("tencent-sts-web-identity"), "{e}");
        assert!(!e.to_string().contains("not-the-token"), "{e}");
        // A malformed ARN never reaches STS.
        let token = dir.write("token", DEMO_WEB_IDENTITY_TOKEN);
        let e = run(
            Provider::TencentWebIdentity,
            tke(token.clone(), "arn:aws:iam::1:role/x"),
        )
        .await;
        assert_eq!(e.kind(), ErrorKind::InvalidConfig, "{e}");
        assert!(e.to_string().contains("malformed"), "{e}");
        let e = run(
            Provider::TencentAssumeRoleEnv,
            vec![
                ("TENCENTCLOUD_SECRET_ID", DEMO_TENCENT_SECRET_ID.to_owned()),
                (
                    "TENCENTCLOUD_SECRET_KEY",
                    DEMO_TENCENT_SECRET_KEY.to_owned(),
                ),
                (
                    "TENCENTCLOUD_ROLE_ARN",
                    "qcs::cam::uin/abc:roleName/x".to_owned(),
                ),
            ],
        )
        .await;
        assert_eq!(e.kind(), ErrorKind::Credentials, "{e}");
        assert!(e.to_string().contains("TENCENTCLOUD_ROLE_ARN"), "{e}");
        assert!(e.to_string().contains("malformed"), "{e}");
        // Token files: missing, empty, unreadable (a directory), for both vendors.
        let empty = dir.write("empty", "  \n");
        let missing = dir.0.join("missing").display().to_string();
        let unreadable = dir.0.display().to_string();
        for (file, what) in [
            (missing, "does not exist"),
            (empty, "is empty"),
            (unreadable, "cannot be read"),
        ] {
            let e = run(Provider::TencentWebIdentity, tke(file.clone(), ROLE_ARN)).await;
            assert_eq!(e.kind(), ErrorKind::Credentials, "{e}");
            assert!(e.to_string().contains("tencent-sts-web-identity"), "{e}");
            assert!(e.to_string().contains(what), "{what}: {e}");
            let e = run(
                Provider::HuaweiFederated,
                vec![
                    ("HUAWEICLOUD_SDK_IDP_ID", DEMO_IDP_ID.to_owned()),
                    ("HUAWEICLOUD_SDK_ID_TOKEN_FILE", file),
                    ("HUAWEICLOUD_SDK_IAM_ENDPOINT", url.clone()),
                ],
            )
            .await;
            assert_eq!(e.kind(), ErrorKind::Credentials, "{e}");
            assert!(e.to_string().contains("huawei-federated"), "{e}");
            assert!(e.to_string().contains(what), "{what}: {e}");
        }
        // IAM refuses an unknown identity provider.
        let e = run(
            Provider::HuaweiFederated,
            vec![
                ("HUAWEICLOUD_SDK_IDP_ID", "no-such-idp".to_owned()),
                ("HUAWEICLOUD_SDK_ID_TOKEN_FILE", token),
                ("HUAWEICLOUD_SDK_IAM_ENDPOINT", url.clone()),
            ],
        )
        .await;
        assert_eq!(e.code(), Some("IAM.0004"), "{e}");
        assert!(e.to_string().contains("huawei-federated"), "{e}");
        // A CVM role the instance does not have.
        let provider = cloud_transport::provider::TencentCvmRole::new()
            .role("not-bound")
            .endpoint(&url)
            .unwrap();
        let config = Config::builder()
            .endpoint(emulator.base_url())
            .environment(Environment::empty())
            .region(TENCENT_REGION)
            .credentials_provider(std::sync::Arc::new(provider))
            .build()
            .unwrap();
        let e = call(Provider::TencentCvmRole, &config).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Credentials, "{e}");
        assert!(e.to_string().contains("tencent-cvm-role"), "{e}");
        assert!(e.to_string().contains("not bound"), "{e}");
    })
    .await
}

/// GETs `path` from the emulator as a metadata client would, returning the JSON answer.
async fn metadata_get(emulator: &RunningEmulator, path: &str) -> serde_json::Value {
    use cloud_transport::http::{HttpClient, HttpRequest};
    let client = cloud_transport::http::ReqwestHttpClient::new(
        Duration::from_secs(2),
        Duration::from_secs(10),
    )
    .unwrap();
    let response = client
        .send(HttpRequest {
            method: "GET".into(),
            url: format!("{}{path}", emulator.base_url()),
            headers: vec![],
            body: vec![],
            timeout: Some(Duration::from_secs(5)),
        })
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    serde_json::from_slice(&response.body).unwrap()
}

/// The emulator accepts the keys it issued only with their token, and only until they expire.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issued_keys_need_their_token_and_expire() {
    bounded(async {
        let emulator = start(Duration::from_secs(2)).await;
        let doc = metadata_get(
            &emulator,
            &format!("/latest/meta-data/cam/security-credentials/{DEMO_CVM_ROLE}"),
        )
        .await;
        let huawei = metadata_get(&emulator, "/openstack/latest/securitykey").await;
        let text = |v: &serde_json::Value| v.as_str().unwrap().to_owned();
        let tencent_call = |token: String| {
            let config = cloudcall_tests::setup::tencent_config(&emulator)
                .credentials(
                    cloud_transport::Credentials::new(
                        text(&doc["TmpSecretId"]),
                        text(&doc["TmpSecretKey"]),
                    )
                    .with_session_token(token),
                )
                .build()
                .unwrap();
            async move { call(Provider::TencentCvmRole, &config).await }
        };
        let c = &huawei["credential"];
        let huawei_call = |token: String| {
            let config = cloudcall_tests::setup::huawei_config(&emulator)
                .credentials(
                    cloud_transport::Credentials::new(text(&c["access"]), text(&c["secret"]))
                        .with_session_token(token),
                )
                .build()
                .unwrap();
            async move { call(Provider::HuaweiEcsMetadata, &config).await }
        };
        tencent_call(text(&doc["Token"])).await.unwrap();
        huawei_call(text(&c["securitytoken"])).await.unwrap();
        let e = tencent_call("wrong".into()).await.unwrap_err();
        assert_eq!(e.code(), Some("AuthFailure.TokenFailure"), "{e}");
        let e = huawei_call("wrong".into()).await.unwrap_err();
        assert_eq!(e.http_status(), Some(401), "{e}");
        tokio::time::sleep(Duration::from_millis(2100)).await;
        let e = tencent_call(text(&doc["Token"])).await.unwrap_err();
        assert_eq!(e.code(), Some("AuthFailure.TokenFailure"), "{e}");
        assert!(e.message().contains("expired"), "{e}");
        let e = huawei_call(text(&c["securitytoken"])).await.unwrap_err();
        assert!(e.message().contains("expired"), "{e}");
        assert_eq!(emulator.issued_count(ISSUER_TENCENT_CVM_ROLE), 1);
        assert_eq!(emulator.issued_count(ISSUER_HUAWEI_ECS_METADATA), 1);
    })
    .await
}
