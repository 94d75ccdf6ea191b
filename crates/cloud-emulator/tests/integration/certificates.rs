//! The test CA certificates behind the certificate links (`resource.ssl`): real X.509
//! certificates expiring when the seed says, HTML pages and broken certificates on request, and a
//! seeded link that is kept as it is.

use cloud_emulator::demo_data::TENCENT_REGION;
use cloud_emulator::{Emulator, RunningEmulator, Seed};
use serde_json::json;

use crate::common::{cdb, client, describe_ssl};

async fn start(seed: serde_json::Value) -> RunningEmulator {
    let seed = Seed::from_json(&seed.to_string()).expect("seed");
    Emulator::builder()
        .seed(seed)
        .start()
        .await
        .expect("emulator")
}

async fn download(url: &str) -> (u16, String, Vec<u8>) {
    let response = client().get(url).send().await.expect("download");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    (
        status,
        content_type,
        response.bytes().await.unwrap().to_vec(),
    )
}

fn not_after(pem: &[u8]) -> i64 {
    let (_, pem) = x509_parser::pem::parse_x509_pem(pem).expect("PEM");
    let cert = pem.parse_x509().expect("X.509");
    assert!(cert.is_ca(), "a CA certificate");
    cert.validity().not_after.timestamp()
}

#[tokio::test]
async fn links_lead_to_certificates_expiring_when_seeded() {
    let emu = start(json!({
        "replace_defaults": true,
        "instances": [
            {"service": "tencent-cdb", "id": "cdb-dated001", "region": TENCENT_REGION,
             "certificate": {"not_after": "2027-01-31T00:00:00Z"}},
            {"service": "tencent-cdb", "id": "cdb-html0001", "region": TENCENT_REGION,
             "certificate": {"serve": "html"}},
            {"service": "tencent-cdb", "id": "cdb-bad00001", "region": TENCENT_REGION,
             "certificate": {"serve": "garbage"}},
            {"service": "tencent-mongodb", "id": "cmgo-days0001", "region": TENCENT_REGION,
             "certificate": {"expires_in_days": 12}},
            {"service": "tencent-cdb", "id": "cdb-gone0001", "region": TENCENT_REGION,
             "outputs": {"DescribeSSLStatus": {"Url": "http://127.0.0.1:9/ca.pem"}}}
        ]
    }))
    .await;
    let base = emu.base_url();
    let link = |answer: &serde_json::Value, member: &str| {
        answer[member].as_str().expect("a link").to_owned()
    };

    let dated = cdb("DescribeSSLStatus", json!({"InstanceId": "cdb-dated001"}))
        .send(&base)
        .await
        .response();
    let url = link(&dated, "Url");
    assert_eq!(
        url,
        format!("{base}/_emulator/certs/tencent-cdb/cdb-dated001")
    );
    let (status, content_type, body) = download(&url).await;
    assert_eq!(
        (status, content_type.as_str()),
        (200, "application/x-pem-file")
    );
    assert_eq!(not_after(&body), 1_801_353_600);

    // The mongodb answer states the expiry too, in Beijing time, the same instant.
    let days = describe_ssl("cmgo-days0001").send(&base).await.response();
    let (_, _, body) = download(&link(&days, "CertUrl")).await;
    let expiry = not_after(&body);
    let left = expiry - crate::common::now();
    assert!((11 * 86_400..=12 * 86_400).contains(&left), "{left}");
    let stated = cloud_transport::codec::Timestamp::new(days["ExpiredTime"].as_str().unwrap())
        .to_system_time()
        .unwrap()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert_eq!(stated as i64, expiry);

    let html = cdb("DescribeSSLStatus", json!({"InstanceId": "cdb-html0001"}))
        .send(&base)
        .await
        .response();
    let (status, content_type, body) = download(&link(&html, "Url")).await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert!(body.starts_with(b"<!DOCTYPE html>"));

    let bad = cdb("DescribeSSLStatus", json!({"InstanceId": "cdb-bad00001"}))
        .send(&base)
        .await
        .response();
    let (_, _, body) = download(&link(&bad, "Url")).await;
    let (_, pem) = x509_parser::pem::parse_x509_pem(&body).expect("PEM armour");
    assert!(pem.parse_x509().is_err(), "not a certificate inside");

    // A seeded link stays as seeded.
    let gone = cdb("DescribeSSLStatus", json!({"InstanceId": "cdb-gone0001"}))
        .send(&base)
        .await
        .response();
    assert_eq!(link(&gone, "Url"), "http://127.0.0.1:9/ca.pem");

    // An instance that does not exist has no certificate.
    let (status, _, _) =
        download(&format!("{base}/_emulator/certs/tencent-cdb/cdb-nosuch01")).await;
    assert_eq!(status, 404);
    emu.shutdown().await;
}

/// The seed the READMEs' audit example runs on still loads.
#[test]
fn the_audit_fleet_seed_loads() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds/audit-fleet.json");
    let seed = Seed::from_file(path).expect("the seed parses");
    assert!(seed.instances.iter().any(|i| i.certificate.is_some()));
}
