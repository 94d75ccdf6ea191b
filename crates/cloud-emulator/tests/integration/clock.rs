//! The clock offset: an emulator whose clock runs ahead of (or behind) the client's, as a
//! server with a skewed clock does, without touching any clock or re-signing anything.

use crate::common;
use cloud_emulator::demo_data::MONGODB_INSTANCE;

use std::time::Duration;

use cloud_emulator::{Emulator, DEFAULT_HUAWEI_PROJECT_ID, MAX_CLOCK_OFFSET};
use common::*;

const AHEAD: i64 = 3600;

fn certs() -> Huawei {
    huawei(
        "GET",
        &gemini_path(
            DEFAULT_HUAWEI_PROJECT_ID,
            GEMINI_INSTANCE,
            "ssl-cert/download-link",
        ),
    )
}

/// Asserts `actual` is `expected`, give or take the seconds a test takes.
#[track_caller]
fn assert_about(actual: i64, expected: i64) {
    assert!(
        (actual - expected).abs() <= 5,
        "{actual} is not about {expected} ({} s off)",
        actual - expected
    );
}

#[tokio::test]
async fn an_emulator_ahead_refuses_the_clients_time_and_dates_its_answers_ahead() {
    let emu = Emulator::builder()
        .clock_offset(AHEAD)
        .start()
        .await
        .unwrap();
    assert_eq!(emu.clock_offset(), AHEAD);
    let base = emu.base_url();

    // A client whose clock is right is an hour behind as far as the emulator is concerned.
    let refused = describe_ssl(MONGODB_INSTANCE).send(&base).await;
    assert_eq!(
        refused.tencent_code().as_deref(),
        Some("AuthFailure.SignatureExpire")
    );
    let server_time = parse_http_date(refused.header("date").unwrap());
    assert_about(server_time, now() + AHEAD);
    let message = refused.response()["Error"]["Message"]
        .as_str()
        .unwrap()
        .to_owned();
    let stated: i64 = message
        .split("server time ")
        .nth(1)
        .and_then(|rest| rest.split(';').next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("the message states the server time: {message}"));
    assert_about(stated, server_time);

    // Corrected from the Date header, as a client does, the same call is accepted.
    let corrected = describe_ssl(MONGODB_INSTANCE)
        .with(|t| t.timestamp = server_time)
        .send(&base)
        .await;
    assert_eq!(corrected.tencent_code(), None, "{:?}", corrected.response());
    assert_about(
        parse_http_date(corrected.header("date").unwrap()),
        now() + AHEAD,
    );

    // Huawei: 15 minutes of tolerance are not an hour.
    let huawei_refused = certs().send(&base).await;
    assert_eq!(huawei_refused.status, 401);
    assert_eq!(huawei_refused.json()["error_code"], "APIGW.0301");
    assert!(huawei_refused.json()["error_msg"]
        .as_str()
        .unwrap()
        .contains("expired"));
    let huawei_corrected = certs()
        .auth(Auth::AkSk(AkSk {
            skew: AHEAD,
            ..AkSk::demo()
        }))
        .send(&base)
        .await;
    assert_eq!(
        huawei_corrected.status,
        200,
        "{}",
        String::from_utf8_lossy(&huawei_corrected.body)
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn an_offset_within_the_tolerance_is_accepted() {
    for offset in [-240, 240] {
        let emu = Emulator::builder()
            .clock_offset(offset)
            .start()
            .await
            .unwrap();
        let base = emu.base_url();
        let a = describe_ssl(MONGODB_INSTANCE).send(&base).await;
        assert_eq!(a.tencent_code(), None, "{offset}: {:?}", a.response());
        assert_about(parse_http_date(a.header("date").unwrap()), now() + offset);
        assert_eq!(certs().send(&base).await.status, 200, "{offset}");
        emu.shutdown().await;
    }
}

#[tokio::test]
async fn iam_tokens_are_issued_on_the_emulators_clock() {
    let behind = -2 * 86_400;
    let emu = Emulator::builder()
        .clock_offset(behind)
        .token_ttl(Duration::from_secs(600))
        .start()
        .await
        .unwrap();
    let base = emu.base_url();
    let issued = iam_token_answer(&base, "cn-north-4").await;
    assert_eq!(issued.status, 201);
    let token = &issued.json()["token"];
    let issued_at = parse_iam_time(token["issued_at"].as_str().unwrap());
    let expires_at = parse_iam_time(token["expires_at"].as_str().unwrap());
    assert_about(issued_at, now() + behind);
    assert_eq!(expires_at - issued_at, 600);
    assert_about(
        parse_http_date(issued.header("date").unwrap()),
        now() + behind,
    );
    // The token is valid on the emulator's clock (by the client's it expired two days ago).
    let token = issued.header("x-subject-token").unwrap().to_owned();
    let by_token = certs().auth(Auth::Token(token)).send(&base).await;
    assert_eq!(by_token.status, 200);
    emu.shutdown().await;
}

#[tokio::test]
async fn an_offset_beyond_a_century_is_refused_at_start() {
    let too_far = MAX_CLOCK_OFFSET.as_secs() as i64 + 1;
    for offset in [too_far, -too_far, i64::MIN] {
        let err = Emulator::builder()
            .clock_offset(offset)
            .start()
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("clock offset"), "{err}");
    }
    let edge = Emulator::builder()
        .clock_offset(-(MAX_CLOCK_OFFSET.as_secs() as i64))
        .start()
        .await
        .unwrap();
    assert!(
        parse_http_date(
            describe_ssl(MONGODB_INSTANCE)
                .send(&edge.base_url())
                .await
                .header("date")
                .unwrap()
        ) < 0
    );
    edge.shutdown().await;
}
