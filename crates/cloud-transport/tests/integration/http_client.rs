//! The default HTTP layer, `ReqwestHttpClient`, against a raw TCP server on loopback: a body
//! that arrives in pieces is joined whole, a body over the limit is refused, the request's own
//! timeout holds without the call loop around it, and headers go out exactly as given.

use std::time::{Duration, Instant};

use cloud_transport::http::{HttpClient, HttpRequest, ReqwestHttpClient, MAX_RESPONSE_BODY};
use cloud_transport::ErrorKind;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Serves one connection with `serve`, which gets the raw request head; returns the URL.
async fn one_connection<F, Fut>(serve: F) -> String
where
    F: FnOnce(TcpStream, String) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            if stream.read(&mut byte).await.unwrap_or(0) == 0 {
                return;
            }
            head.push(byte[0]);
        }
        serve(stream, String::from_utf8_lossy(&head).into_owned()).await;
    });
    url
}

fn get(url: &str, headers: &[(&str, &str)], timeout: Option<Duration>) -> HttpRequest {
    HttpRequest {
        method: "GET".to_owned(),
        url: url.to_owned(),
        headers: headers
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect(),
        body: Vec::new(),
        timeout,
    }
}

fn client() -> ReqwestHttpClient {
    ReqwestHttpClient::new(Duration::from_secs(2), Duration::from_secs(10)).unwrap()
}

/// Bounds every test: none may hang.
async fn within<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(20), future)
        .await
        .expect("the test finished within 20 s")
}

#[tokio::test]
async fn a_body_sent_in_several_pieces_arrives_whole() {
    let url = one_connection(|mut stream, _| async move {
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        stream.write_all(head.as_bytes()).await.unwrap();
        for piece in [r#"{"Response":"#, r#"{"RequestId":"#, r#""r-1"}}"#] {
            let chunk = format!("{:x}\r\n{piece}\r\n", piece.len());
            stream.write_all(chunk.as_bytes()).await.unwrap();
            stream.flush().await.unwrap();
            // Apart in time, so that the client reads them as separate pieces.
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
        stream.write_all(b"0\r\n\r\n").await.unwrap();
    })
    .await;
    let response = within(client().send(get(&url, &[], None))).await.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(&response.body[..], br#"{"Response":{"RequestId":"r-1"}}"#);
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_with_a_decode_error() {
    let url = one_connection(|mut stream, _| async move {
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n",
            MAX_RESPONSE_BODY + 1
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        let block = vec![b' '; 1024 * 1024];
        for _ in 0..16 {
            if stream.write_all(&block).await.is_err() {
                return; // the client stopped reading, as it should
            }
        }
        let _ = stream.write_all(b" ").await;
    })
    .await;
    let e = within(client().send(get(&url, &[], None)))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode, "{e}");
    assert!(e.to_string().contains("larger than"), "{e}");
}

#[tokio::test]
async fn the_request_timeout_holds_without_the_call_loop() {
    let url = one_connection(|stream, _| async move {
        // Never answers; keeps the connection open.
        tokio::time::sleep(Duration::from_secs(30)).await;
        drop(stream);
    })
    .await;
    let started = Instant::now();
    let e = within(client().send(get(&url, &[], Some(Duration::from_millis(200)))))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn headers_go_out_exactly_as_given() {
    let (seen_tx, seen_rx) = tokio::sync::oneshot::channel();
    let url = one_connection(|mut stream, head| async move {
        let _ = seen_tx.send(head);
        let _ = stream
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}")
            .await;
    })
    .await;
    let headers = [
        ("X-TC-Action", "DescribeDBInstances"),
        ("x-sdk-date", "20261206T230000Z"),
        ("X-Custom-Header", "a value\twith a tab"),
        (
            "Authorization",
            "TC3-HMAC-SHA256 Credential=AKID/2026-12-06/mongodb/tc3_request",
        ),
        ("X-Empty", ""),
    ];
    within(client().send(get(&url, &headers, None)))
        .await
        .unwrap();
    let head = seen_rx.await.unwrap().to_ascii_lowercase();
    for (name, value) in headers {
        let line = format!("\r\n{}: {}\r\n", name, value).to_ascii_lowercase();
        assert!(head.contains(&line), "{line:?} not in {head:?}");
    }
}

#[tokio::test]
async fn a_header_value_that_is_not_visible_ascii_is_refused_before_sending() {
    for value in ["caf\u{e9}", "two\r\nlines", "nul\0"] {
        let request = get("http://127.0.0.1:9/", &[("X-TC-Region", value)], None);
        let e = within(client().send(request)).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{value:?}: {e}");
        assert!(e.to_string().contains("x-tc-region"), "{e}");
        assert!(
            !e.to_string().contains(value),
            "the value is never quoted: {e}"
        );
    }
}
