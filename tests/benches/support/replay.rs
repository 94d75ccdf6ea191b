//! What the client benches share (`runtime` and `allocations`, each a binary of its own that
//! includes this file): capturing what our client sends, the demo configurations, and the
//! baseline call that replays a captured request with raw reqwest.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use cloud_emulator::demo_data::TENCENT_REGION;
use cloud_transport::http::{HttpClient, HttpFuture, HttpRequest, HttpResponse, ReqwestHttpClient};
use cloud_transport::{Config, Credentials, Environment};
use serde::de::DeserializeOwned;
use serde::Deserialize;

/// Passes requests on to reqwest, keeping the last request and response.
pub struct Capture {
    inner: ReqwestHttpClient,
    last: Mutex<Option<(HttpRequest, HttpResponse)>>,
}

impl fmt::Debug for Capture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Capture")
    }
}

impl HttpClient for Capture {
    fn send(&self, request: HttpRequest) -> HttpFuture<'_> {
        Box::pin(async move {
            let response = self.inner.send(request.clone()).await?;
            *self.last.lock().expect("not poisoned") = Some((request, response.clone()));
            Ok(response)
        })
    }
}

impl Capture {
    pub fn new() -> Arc<Self> {
        Arc::new(Capture {
            inner: http(),
            last: Mutex::new(None),
        })
    }

    pub fn take(&self) -> (HttpRequest, HttpResponse) {
        self.last
            .lock()
            .expect("not poisoned")
            .take()
            .expect("a call went through the capture")
    }
}

pub fn http() -> ReqwestHttpClient {
    ReqwestHttpClient::new(Duration::from_secs(2), Duration::from_secs(50)).expect("reqwest")
}

pub fn tencent_config(endpoint: &str) -> cloud_transport::ConfigBuilder {
    Config::builder()
        .endpoint(endpoint)
        .environment(Environment::empty())
        .region(TENCENT_REGION)
        .credentials(Credentials::new(
            cloud_emulator::DEMO_TENCENT_SECRET_ID,
            cloud_emulator::DEMO_TENCENT_SECRET_KEY,
        ))
}

pub fn huawei_config(
    endpoint: &str,
    region: &str,
    project: &str,
) -> cloud_transport::ConfigBuilder {
    Config::builder()
        .endpoint(endpoint)
        .environment(Environment::empty())
        .region(region)
        .project_id(project)
        .credentials(Credentials::new(
            cloud_emulator::DEMO_HUAWEI_AK,
            cloud_emulator::DEMO_HUAWEI_SK,
        ))
}

/// Tencent's envelope, for the baselines' plain serde.
#[derive(Deserialize)]
#[allow(dead_code)] // read only to be decoded
pub struct Envelope<O> {
    #[serde(rename = "Response")]
    response: O,
}

/// The baseline call: raw reqwest sending `request` as it is (signed once), `serde_json` decoding
/// the body into `O`.
pub fn baseline_call<O: DeserializeOwned + Send + 'static>(
    client: reqwest::Client,
    request: &HttpRequest,
) -> impl Fn() -> Pin<Box<dyn Future<Output = bool> + Send>> + Send + Sync + 'static {
    let method = reqwest::Method::from_bytes(request.method.as_bytes()).expect("a method");
    let url = reqwest::Url::parse(&request.url).expect("a URL");
    let mut headers = reqwest::header::HeaderMap::new();
    for (name, value) in &request.headers {
        headers.append(
            reqwest::header::HeaderName::from_bytes(name.as_bytes()).expect("a header name"),
            reqwest::header::HeaderValue::from_str(value).expect("a header value"),
        );
    }
    let body = Bytes::from(request.body.clone());
    move || {
        let request = client
            .request(method.clone(), url.clone())
            .headers(headers.clone())
            .body(body.clone());
        Box::pin(async move {
            let Ok(response) = request.send().await else {
                return false;
            };
            let Ok(body) = response.bytes().await else {
                return false;
            };
            serde_json::from_slice::<O>(&body).is_ok()
        })
    }
}
