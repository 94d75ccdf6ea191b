//! Secrets never show: a configuration full of secrets is used for calls that fail in every
//! way an error can (refused signatures and tokens, IAM logins, connection failures, decode
//! errors, timeouts), and no secret appears in the `Display` or `Debug` of any error, nor of
//! the configuration, its builder or the clients.

use std::time::Duration;

use cloud_transport::{Config, ConfigBuilder, Credentials, Error, IamPassword, RetryConfig};
use cloudcall_tests::services::Service;
use cloudcall_tests::setup::{huawei_base_config, instances, tencent_config, Clients, TestBed};
use cloudcall_tests::wait::bounded;

// Distinctive values, so a leak of any of them (or of a long part of them) is found.
const TENCENT_SECRET_KEY: &str = "TcSecretKeyLeakCanary0123456789ab";
const TENCENT_SESSION_TOKEN: &str = "TcSessionTokenLeakCanary456789";
const HUAWEI_SK: &str = "HwSecretKeyLeakCanary0123456789abcdefghi";
const HUAWEI_SECURITY_TOKEN: &str = "HwSecurityTokenLeakCanary987654";
const IAM_PASSWORD: &str = "IamPasswordLeakCanary-5f3a";
const GIVEN_TOKEN: &str = "MIIGivenIamTokenLeakCanary-AAAAAAAAAAAA";

const SECRETS: [&str; 6] = [
    TENCENT_SECRET_KEY,
    TENCENT_SESSION_TOKEN,
    HUAWEI_SK,
    HUAWEI_SECURITY_TOKEN,
    IAM_PASSWORD,
    GIVEN_TOKEN,
];

/// Fails if `text` holds any secret, or a 12-character piece of one.
#[track_caller]
fn assert_no_secret(what: &str, text: &str) {
    for secret in SECRETS {
        let pieces: Vec<&str> = (0..=secret.len() - 12)
            .map(|i| &secret[i..i + 12])
            .collect();
        for piece in pieces {
            assert!(
                !text.contains(piece),
                "{what} shows part of a secret ({piece}): {text}"
            );
        }
    }
}

#[track_caller]
fn assert_error_shows_no_secret(what: &str, err: &Error) {
    assert_no_secret(what, &err.to_string());
    assert_no_secret(what, &format!("{err:?}"));
    assert_no_secret(what, &format!("{err:#?}"));
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        assert_no_secret(what, &cause.to_string());
        assert_no_secret(what, &format!("{cause:?}"));
        source = cause.source();
    }
}

fn tencent_with_secrets(bed: &TestBed) -> ConfigBuilder {
    tencent_config(&bed.emulator).credentials(
        Credentials::new(cloud_emulator::DEMO_TENCENT_SECRET_ID, TENCENT_SECRET_KEY)
            .with_session_token(TENCENT_SESSION_TOKEN),
    )
}

fn huawei_aksk_with_secrets(bed: &TestBed) -> ConfigBuilder {
    huawei_base_config(&bed.emulator)
        .credentials(
            Credentials::new(cloud_emulator::DEMO_HUAWEI_AK, HUAWEI_SK)
                .with_session_token(HUAWEI_SECURITY_TOKEN),
        )
        .project_id(bed.emulator.project_id())
}

#[tokio::test]
async fn no_error_or_configuration_shows_a_secret() {
    bounded(async {
        let bed = TestBed::start().await;
        let mut errors: Vec<(String, Error)> = Vec::new();

        // Refused signatures, with a session token on both vendors.
        let tencent = tencent_with_secrets(&bed).build().unwrap();
        let huawei = huawei_aksk_with_secrets(&bed).build().unwrap();
        let clients = Clients::new(tencent.clone(), huawei.clone());
        for service in Service::ALL {
            let err = service.ssl_enabled(&clients).await.unwrap_err();
            errors.push((format!("{service:?} refused signature"), err));
            let err = service.set_ssl(&clients, true).await.unwrap_err();
            errors.push((format!("{service:?} refused mutation"), err));
        }

        // A refused IAM login and a refused given token.
        let login = huawei_base_config(&bed.emulator)
            .iam_password(IamPassword::new(
                cloud_emulator::DEMO_IAM_USER,
                IAM_PASSWORD,
                cloud_emulator::DEMO_IAM_DOMAIN,
            ))
            .build()
            .unwrap();
        let given = huawei_base_config(&bed.emulator)
            .huawei_token(GIVEN_TOKEN)
            .project_id(bed.emulator.project_id())
            .build()
            .unwrap();
        for (what, config) in [("IAM login", &login), ("given token", &given)] {
            let clients = Clients::new(tencent.clone(), config.clone());
            let err = Service::GeminiDb.ssl_enabled(&clients).await.unwrap_err();
            errors.push((what.to_owned(), err));
            assert_no_secret(what, &format!("{config:?}"));
        }

        // Damaged answers and timeouts, with every secret configured.
        let damaged = Clients::new(
            tencent_with_secrets(&bed)
                .attempt_timeout(Duration::from_millis(200))
                .retry(RetryConfig::disabled())
                .build()
                .unwrap(),
            huawei_aksk_with_secrets(&bed)
                .attempt_timeout(Duration::from_millis(200))
                .retry(RetryConfig::disabled())
                .build()
                .unwrap(),
        );
        for fault in [
            "malformed",
            "html",
            "reset",
            "latency:1000",
            "truncate-body",
        ] {
            for service in Service::ALL {
                bed.inject(service.key(), service.read_operation(), fault, 1);
                let err = service.ssl_enabled(&damaged).await.unwrap_err();
                errors.push((format!("{service:?} {fault}"), err));
            }
        }

        // Nobody listening.
        let emulator_url = bed.emulator.base_url();
        bed.shutdown().await;
        for service in Service::ALL {
            let err = service.ssl_enabled(&clients).await.unwrap_err();
            errors.push((format!("{service:?} closed port ({emulator_url})"), err));
        }

        assert_eq!(errors.len(), 4 * 2 + 2 + 5 * 4 + 4, "every case failed");
        for (what, err) in &errors {
            assert_error_shows_no_secret(what, err);
        }

        // The configurations, their builders and the clients.
        for (what, config) in [("tencent", &tencent), ("huawei", &huawei)] {
            assert_no_secret(what, &format!("{config:?}"));
            assert_no_secret(what, &format!("{config:#?}"));
        }
        assert_no_secret("clients", &format!("{clients:?}"));
        assert_no_secret(
            "builder",
            &format!(
                "{:?}",
                Config::builder()
                    .credentials(
                        Credentials::new("AKID", TENCENT_SECRET_KEY)
                            .with_session_token(TENCENT_SESSION_TOKEN)
                    )
                    .huawei_token(GIVEN_TOKEN)
            ),
        );
        assert_no_secret(
            "login",
            &format!("{:?}", IamPassword::new("user", IAM_PASSWORD, "domain")),
        );
    })
    .await
}

/// The test above would pass if errors showed nothing at all; this one checks that they do
/// show what the user needs: the code, the message, the request id and the key's id.
#[tokio::test]
async fn errors_still_say_what_went_wrong() {
    bounded(async {
        let bed = TestBed::start().await;
        let err = tencent_mongodb::Client::new(tencent_with_secrets(&bed).build().unwrap())
            .describe_instance_ssl()
            .instance_id(instances::MONGODB)
            .send()
            .await
            .unwrap_err();
        let shown = err.to_string();
        assert!(shown.starts_with("AuthFailure."), "{shown}");
        assert!(shown.contains(err.request_id().unwrap()), "{shown}");
        assert!(!err.message().is_empty());
        bed.shutdown().await;
    })
    .await
}

/// The leak check finds a secret, and a piece of one, where there is one.
#[test]
#[should_panic(expected = "shows part of a secret")]
fn the_leak_check_catches_a_partial_secret() {
    assert_no_secret("a leaky message", &format!("key={}", &HUAWEI_SK[5..20]));
}
