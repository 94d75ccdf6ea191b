//! Bad input never panics or hangs the server: garbage on the wire, odd methods and paths,
//! oversized bodies. After each, a normal request still succeeds.

use crate::common;

use cloud_emulator::demo_data::{MONGODB_INSTANCE, MONGODB_OTHER_INSTANCE};
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
    let ts = now();
    let authorization = demo_mongodb_authorization(&base, ts, deep.as_bytes());
    let nested = post_describe_ssl(&base, &authorization, ts, deep).await;
    assert_eq!(nested.tencent_code().as_deref(), Some("InvalidParameter"));

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

    let ok = describe_ssl(MONGODB_INSTANCE).send(&base).await;
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
                MONGODB_INSTANCE
            } else {
                MONGODB_OTHER_INSTANCE
            };
            describe_ssl(id).send(&base).await.response()["Status"].clone()
        }));
    }
    for t in tasks {
        assert_eq!(tokio::time::timeout(TIMEOUT, t).await.unwrap().unwrap(), 1);
    }
    assert_eq!(emu.request_count("DescribeInstanceSSL"), 40);
    emu.shutdown().await;
}

/// Sends a request head whose body never completes, and keeps the connection open.
async fn stalled_upload(addr: std::net::SocketAddr, chunked: bool) -> tokio::net::TcpStream {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = if chunked {
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nX-TC-Action: DescribeInstanceSSL\r\n\r\n5\r\nabcde\r\n"
    } else {
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nX-TC-Action: DescribeInstanceSSL\r\n\r\n{\"Instan"
    };
    stream.write_all(head.as_bytes()).await.unwrap();
    stream
}

/// Stalled uploads (a chunked body that never ends, a Content-Length never reached) are answered
/// 408 and closed after the body-read timeout, and past the connection cap the oldest stalled
/// ones make room: health and normal calls are answered throughout.
#[tokio::test]
async fn stalled_uploads_time_out_and_never_starve_health_or_calls() {
    let emu = Emulator::builder()
        .body_read_timeout(std::time::Duration::from_millis(600))
        .max_connections(8)
        .start()
        .await
        .unwrap();
    let addr = emu.local_addr();
    let base = emu.base_url();

    // One stalled upload alone: Tencent's code (in an HTTP 200, as Tencent sends every error),
    // then the connection closes.
    let mut one = stalled_upload(addr, false).await;
    let mut answer_bytes = Vec::new();
    tokio::time::timeout(TIMEOUT, one.read_to_end(&mut answer_bytes))
        .await
        .expect("the server answers and closes the stalled upload")
        .unwrap();
    let text = String::from_utf8_lossy(&answer_bytes);
    assert!(
        text.to_ascii_lowercase().contains("connection: close"),
        "{text}"
    );
    assert!(
        text.contains("InvalidRequest") && text.contains("did not arrive"),
        "{text}"
    );

    // Far more stalled uploads than the cap: health and a signed call are still answered fast.
    let mut stalled = Vec::new();
    for n in 0..40 {
        stalled.push(stalled_upload(addr, n % 2 == 0).await);
    }
    let started = std::time::Instant::now();
    let health = client()
        .get(format!("{base}/_emulator/health"))
        .send()
        .await
        .expect("health answers past the connection cap");
    assert_eq!(health.status().as_u16(), 200);
    let ok = describe_ssl(MONGODB_INSTANCE).send(&base).await;
    assert_eq!(ok.response()["Status"], 1, "{}", ok.json());
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    drop(stalled);
    emu.shutdown().await;
}

/// A malformed chunk is reported as malformed (not as a size limit); a Huawei body over the limit
/// gets the gateway's code; a non-ASCII Authorization header is named as such, not as missing.
#[tokio::test]
async fn body_and_header_errors_say_what_is_wrong() {
    let emu = Emulator::builder().start().await.unwrap();
    let addr = emu.local_addr();
    let bad_chunk = raw(
        addr,
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nX-TC-Action: DescribeInstanceSSL\r\nConnection: close\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
    )
    .await;
    assert!(
        bad_chunk.is_empty() || (bad_chunk.contains("malformed") && !bad_chunk.contains("at most")),
        "{bad_chunk}"
    );

    let path = gemini_path(emu.project_id(), GEMINI_INSTANCE, "ssl-option");
    let huge = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        9 << 20
    );
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(huge.as_bytes()).await.unwrap();
    let _ = stream.write_all(&vec![b' '; (8 << 20) + 1024]).await;
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(TIMEOUT, stream.read_to_end(&mut buf)).await;
    let text = String::from_utf8_lossy(&buf);
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
    assert!(text.contains("APIG.0201"), "{text}");

    let non_ascii = client()
        .post(format!("{}/", emu.base_url()))
        .header("Content-Type", "application/json")
        .header("X-TC-Action", "DescribeInstanceSSL")
        .header("X-TC-Version", "2019-07-25")
        .header(
            "Authorization",
            reqwest::header::HeaderValue::from_bytes("TC3-HMAC-SHA256 Crédential=x".as_bytes())
                .unwrap(),
        )
        .body("{}")
        .send()
        .await
        .unwrap();
    let a = answer(non_ascii).await;
    assert_eq!(
        a.tencent_code().as_deref(),
        Some("AuthFailure.InvalidAuthorization")
    );
    assert!(
        a.json().to_string().contains("not visible ASCII"),
        "{}",
        a.json()
    );
    emu.shutdown().await;
}
