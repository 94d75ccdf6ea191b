//! Bad input never panics or hangs the server: garbage on the wire, odd methods and paths,
//! oversized bodies. After each, a normal request still succeeds.

use crate::common;

use cloud_emulator::Emulator;
use common::*;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn raw(addr: std::net::SocketAddr, bytes: &[u8]) -> String {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(bytes).await.unwrap();
    let _ = stream.shutdown().await;
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(TIMEOUT, stream.read_to_end(&mut buf))
        .await
        .expect("the server answers or closes");
    String::from_utf8_lossy(&buf).into_owned()
}

#[tokio::test]
async fn garbage_and_odd_requests_get_errors_not_crashes() {
    let emu = Emulator::builder().start().await.unwrap();
    let addr = emu.local_addr();
    let base = emu.base_url();

    let not_http = raw(addr, b"\x00\x01\x02 hello\r\n\r\n").await;
    assert!(
        not_http.is_empty() || not_http.starts_with("HTTP/1.1 400"),
        "{not_http}"
    );

    let odd_method = raw(
        addr,
        b"BREW / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(odd_method.contains("UnsupportedProtocol"), "{odd_method}");

    let weird_path = raw(
        addr,
        b"GET /v3/%ff%fe/instances/%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(weird_path.starts_with("HTTP/1.1 404"), "{weird_path}");

    let bad_header = raw(
        addr,
        b"POST / HTTP/1.1\r\nHost: x\r\nX-TC-Action: \xff\xfe\r\nAuthorization: \xc3\x28\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
    )
    .await;
    assert!(
        bad_header.contains("MissingParameter") || bad_header.starts_with("HTTP/1.1 400"),
        "{bad_header}"
    );

    // A signed body nested far deeper than any parser should follow.
    let deep = format!("{{\"InstanceId\": {}", "[".repeat(10_000));
    let host = base.trim_start_matches("http://");
    let ts = now();
    let signed = cloud_transport::sign::tc3::sign(
        cloud_emulator::DEMO_TENCENT_SECRET_ID,
        &cloud_transport::Secret::new(cloud_emulator::DEMO_TENCENT_SECRET_KEY),
        "mongodb",
        ts,
        &cloud_transport::sign::tc3::Tc3Request::post_json(host, deep.as_bytes()),
    )
    .unwrap();
    let nested = client()
        .post(format!("{base}/"))
        .header("Content-Type", "application/json")
        .header("Authorization", signed.authorization)
        .header("X-TC-Action", "DescribeInstanceSSL")
        .header("X-TC-Version", "2019-07-25")
        .header("X-TC-Timestamp", ts.to_string())
        .body(deep)
        .send()
        .await
        .unwrap();
    assert_eq!(
        answer(nested).await.tencent_code().as_deref(),
        Some("InvalidParameter")
    );

    let huge = vec![b'a'; 9 << 20];
    let too_big = client().post(format!("{base}/")).body(huge).send().await;
    if let Ok(response) = too_big {
        let a = answer(response).await;
        assert!(a.tencent_code().is_some(), "{:?}", a.status);
    }

    let hw_garbage = huawei(
        "POST",
        &gemini_path(emu.project_id(), GEMINI_INSTANCE, "ssl-option"),
    )
    .with(|h| h.body = Some(json!("just a string")))
    .send(&base)
    .await;
    assert_eq!(hw_garbage.status, 400);

    let ok = mongodb(
        "DescribeInstanceSSL",
        json!({"InstanceId": "cmgo-eqmoaxxx"}),
    )
    .send(&base)
    .await;
    assert_eq!(ok.response()["Status"], 1, "still serving");
    emu.shutdown().await;
}

#[tokio::test]
async fn many_concurrent_clients_are_served() {
    let emu = Emulator::builder()
        .rate_limits(false)
        .start()
        .await
        .unwrap();
    let base = emu.base_url();
    let mut tasks = Vec::new();
    for i in 0..40 {
        let base = base.clone();
        tasks.push(tokio::spawn(async move {
            let id = if i % 2 == 0 {
                "cmgo-eqmoaxxx"
            } else {
                "cmgo-p8vnipr5"
            };
            mongodb("DescribeInstanceSSL", json!({"InstanceId": id}))
                .send(&base)
                .await
                .response()["Status"]
                .clone()
        }));
    }
    for t in tasks {
        assert_eq!(tokio::time::timeout(TIMEOUT, t).await.unwrap().unwrap(), 1);
    }
    assert_eq!(emu.request_count("DescribeInstanceSSL"), 40);
    emu.shutdown().await;
}
