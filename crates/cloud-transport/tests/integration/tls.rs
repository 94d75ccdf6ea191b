//! An endpoint whose TLS certificate is not trusted: the error says what that means and what to do,
//! instead of rustls' bare `CaUsedAsEndEntity`; nothing is sent and the call is not retried.

#![cfg(all(feature = "tencent", feature = "rustls"))]

use crate::common::*;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use cloud_transport::{Client, ErrorKind};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use serde_json::json;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio_rustls::rustls;

const CERT: &[u8] = include_bytes!("../data/self-signed.pem");
const KEY: &[u8] = include_bytes!("../data/self-signed.key");

/// Serves TLS on loopback with the self-signed certificate; counts completed handshakes (none
/// should complete: the client refuses the certificate).
async fn self_signed_server() -> (String, Arc<AtomicUsize>) {
    let cert = CertificateDer::from_pem_slice(CERT).expect("test certificate");
    let key = PrivateKeyDer::from_pem_slice(KEY).expect("test key");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("https://{}", listener.local_addr().unwrap());
    let handshakes = Arc::new(AtomicUsize::new(0));
    let counted = handshakes.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let counted = counted.clone();
            tokio::spawn(async move {
                if let Ok(mut tls) = acceptor.accept(stream).await {
                    counted.fetch_add(1, Ordering::SeqCst);
                    let _ = tls
                        .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}")
                        .await;
                }
            });
        }
    });
    (url, handshakes)
}

#[tokio::test]
async fn a_self_signed_certificate_is_explained_not_just_named() {
    let (url, handshakes) = self_signed_server().await;
    let config = cloud_transport::Config::builder()
        .endpoint(&url)
        .environment(cloud_transport::Environment::empty())
        .retry(quick_retry())
        .credentials(tencent_credentials())
        .build()
        .unwrap();
    let e = Client::new(&MONGODB, config)
        .call_json(&DESCRIBE_SSL, json!({}))
        .await
        .unwrap_err();
    let message = e.to_string();
    assert_eq!(e.kind(), ErrorKind::Connection, "{message}");
    assert!(
        message.contains("TLS certificate is not trusted"),
        "{message}"
    );
    assert!(message.contains("self-signed"), "{message}");
    // The TLS library's own cause stays visible for whoever searches for it (rustls names the
    // reason; with native-tls, which wins when both features are on, OpenSSL's words appear).
    assert!(
        message.contains("CaUsedAsEndEntity") || message.contains("certificate verify failed"),
        "{message}"
    );
    assert_eq!(
        handshakes.load(Ordering::SeqCst),
        0,
        "the client refused it"
    );
    assert!(!message.contains("SecretKey"), "{message}");
}
