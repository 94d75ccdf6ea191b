//! Where requests go without an endpoint override, seen through the scripted HTTP layer
//! (feature `test-util`): regional, global, international and overridden hosts, the IAM host
//! that follows the service's domain, and the refusal of plain http to non-loopback hosts.

#![cfg(all(feature = "test-util", feature = "tencent", feature = "huawei"))]

use crate::common;

use std::sync::Arc;

use cloud_transport::http::HttpResponse;
use cloud_transport::test_util::ScriptedHttpClient;
use cloud_transport::{Client, Config, ConfigBuilder, Environment, ErrorKind};
use common::*;
use serde_json::json;

fn scripted(builder: ConfigBuilder) -> (Arc<ScriptedHttpClient>, Config) {
    let http = Arc::new(ScriptedHttpClient::new());
    let config = builder
        .environment(Environment::empty())
        .http_client(http.clone())
        .build()
        .unwrap();
    (http, config)
}

async fn tencent_url(builder: ConfigBuilder) -> String {
    let (http, config) = scripted(builder.credentials(tencent_credentials()));
    http.push_json(200, &json!({"Response": {"RequestId": "r"}}));
    Client::new(&MONGODB, config)
        .call_json(&DESCRIBE_SSL, json!({}))
        .await
        .unwrap();
    let request = http.requests().remove(0);
    assert_eq!(
        request.header("host"),
        Some(
            request
                .url
                .trim_start_matches("https://")
                .trim_end_matches('/')
        )
    );
    request.url
}

#[tokio::test]
async fn tencent_hosts() {
    assert_eq!(
        tencent_url(Config::builder()).await,
        "https://mongodb.tencentcloudapi.com/"
    );
    assert_eq!(
        tencent_url(Config::builder().region("ap-guangzhou")).await,
        "https://mongodb.ap-guangzhou.tencentcloudapi.com/"
    );
    assert_eq!(
        tencent_url(Config::builder().region("ap-singapore").international(true)).await,
        "https://mongodb.intl.tencentcloudapi.com/"
    );
    assert_eq!(
        tencent_url(
            Config::builder()
                .region("ap-guangzhou")
                .endpoint("https://proxy.example.com:8443")
        )
        .await,
        "https://proxy.example.com:8443/"
    );
}

#[tokio::test]
async fn huawei_eu_west_101_uses_its_override_and_its_own_iam() {
    let (http, config) = scripted(
        Config::builder()
            .region("eu-west-101")
            .credentials(huawei_credentials()),
    );
    http.push_json(
        200,
        &json!({"projects": [{"id": "eu-project", "name": "eu-west-101"}]}),
    );
    http.push_response(HttpResponse::new(200, r#"{"certs":[]}"#));
    Client::new(&GEMINIDB, config)
        .call_json(&LIST_CERTS, json!({"instance_id": INSTANCE_ID}))
        .await
        .unwrap();
    let urls: Vec<String> = http.requests().into_iter().map(|r| r.url).collect();
    assert_eq!(
        urls,
        [
            "https://iam.eu-west-101.myhuaweicloud.eu/v3/projects?name=eu-west-101".to_owned(),
            format!("https://gaussdb-nosql.eu-west-101.myhuaweicloud.eu/v3/eu-project/instances/{INSTANCE_ID}/ssl-cert/download-link"),
        ]
    );
}

#[tokio::test]
async fn huawei_regional_host_and_iam_host() {
    let (http, config) = scripted(
        Config::builder()
            .region("cn-north-4")
            .credentials(huawei_credentials()),
    );
    http.push_json(
        200,
        &json!({"projects": [{"id": "p4", "name": "cn-north-4"}]}),
    );
    http.push_response(HttpResponse::new(200, "{}"));
    Client::new(&GEMINIDB, config)
        .call_json(&LIST_CERTS, json!({"instance_id": "i"}))
        .await
        .unwrap();
    let urls: Vec<String> = http.requests().into_iter().map(|r| r.url).collect();
    assert_eq!(
        urls[0],
        "https://iam.cn-north-4.myhuaweicloud.com/v3/projects?name=cn-north-4"
    );
    assert_eq!(urls[1], "https://gaussdb-nosql.cn-north-4.myhuaweicloud.com/v3/p4/instances/i/ssl-cert/download-link");
}

#[tokio::test]
async fn huawei_without_region_or_override_is_a_clear_error() {
    let (http, config) = scripted(
        Config::builder()
            .credentials(huawei_credentials())
            .project_id("p"),
    );
    let e = Client::new(&GEMINIDB, config)
        .call_json(&LIST_CERTS, json!({"instance_id": "i"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidConfig);
    assert!(e.to_string().contains("set a region"), "{e}");
    assert!(http.requests().is_empty());
}

#[test]
fn plain_http_is_refused_for_non_loopback_hosts() {
    for url in [
        "http://10.1.2.3:8080",
        "http://api.example.com",
        "http://[2001:db8::1]:80",
    ] {
        let e = Config::builder().endpoint(url).build().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidConfig);
        assert!(e.to_string().contains("allow_insecure_http"), "{e}");
        Config::builder()
            .endpoint(url)
            .allow_insecure_http(true)
            .build()
            .unwrap();
        let e = Config::builder().iam_endpoint(url).build().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidConfig);
    }
    for url in [
        "http://127.0.0.1:8080",
        "http://localhost:1",
        "http://[::1]:9",
    ] {
        Config::builder().endpoint(url).build().unwrap();
    }
}

#[test]
fn bad_regions_are_refused_when_building() {
    for region in ["", "ap guangzhou", "evil.example.com/", "cn-north-4\r\n"] {
        assert_eq!(
            Config::builder().region(region).build().unwrap_err().kind(),
            ErrorKind::InvalidConfig,
            "{region:?}"
        );
    }
}

#[tokio::test]
async fn scripted_client_reports_running_out() {
    let (_http, config) = scripted(Config::builder().credentials(tencent_credentials()));
    let e = Client::new(&MONGODB, config)
        .call_json(&ENABLE_SSL, json!({}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connection);
    assert!(e.to_string().contains("no answer left"), "{e}");
}
