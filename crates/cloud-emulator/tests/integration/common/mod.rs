//! Test helpers: a plain HTTP client (reqwest) that signs requests with cloud-transport's signers,
//! exactly as a real client would, so every test goes through real HTTP and real verification.

pub mod transport;
pub mod well_typed;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cloud_emulator::demo_data::{GEMINIDB_INSTANCE, TENCENT_REGION};
use cloud_emulator::{
    DEMO_HUAWEI_AK, DEMO_HUAWEI_SK, DEMO_TENCENT_SECRET_ID, DEMO_TENCENT_SECRET_KEY, FAULT_HEADER,
};
use cloud_transport::sign::{huawei, tc3, UtcDateTime};
use cloud_transport::Secret;
use serde_json::Value;

/// Every request in the tests is bounded by this.
pub const TIMEOUT: Duration = Duration::from_secs(15);

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(TIMEOUT)
        .build()
        .expect("reqwest client")
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// What came back.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Tencent: the `Response` object.
    pub fn response(&self) -> Value {
        self.json()["Response"].clone()
    }

    /// Tencent: the error code, if any.
    pub fn tencent_code(&self) -> Option<String> {
        self.response()["Error"]["Code"].as_str().map(str::to_owned)
    }
}

/// A Tencent API 3.0 call, signed with TC3.
#[derive(Clone, Debug)]
pub struct Tencent {
    pub service: String,
    pub version: String,
    pub action: String,
    pub body: Value,
    pub secret_id: String,
    pub secret_key: String,
    pub token: Option<String>,
    pub timestamp: i64,
    pub region: Option<String>,
    pub fault: Option<String>,
    pub get: bool,
    /// Sign with this key but send `secret_id` (a wrong signature).
    pub signing_key: Option<String>,
}

pub fn tencent(service: &str, version: &str, action: &str, body: Value) -> Tencent {
    Tencent {
        service: service.into(),
        version: version.into(),
        action: action.into(),
        body,
        secret_id: DEMO_TENCENT_SECRET_ID.into(),
        secret_key: DEMO_TENCENT_SECRET_KEY.into(),
        token: None,
        timestamp: now(),
        region: Some(TENCENT_REGION.into()),
        fault: None,
        get: false,
        signing_key: None,
    }
}

pub fn mongodb(action: &str, body: Value) -> Tencent {
    tencent("mongodb", "2019-07-25", action, body)
}

/// MongoDB's `DescribeInstanceSSL` of `instance`: the call most tests make.
pub fn describe_ssl(instance: &str) -> Tencent {
    mongodb(
        "DescribeInstanceSSL",
        serde_json::json!({ "InstanceId": instance }),
    )
}

pub fn cdb(action: &str, body: Value) -> Tencent {
    tencent("cdb", "2017-03-20", action, body)
}

pub fn postgres(action: &str, body: Value) -> Tencent {
    tencent("postgres", "2017-03-12", action, body)
}

fn form_encode(s: &str) -> String {
    huawei::percent_encode(s)
}

impl Tencent {
    pub fn with(mut self, f: impl FnOnce(&mut Tencent)) -> Tencent {
        f(&mut self);
        self
    }

    /// The signed request, ready to send.
    fn request(&self, base: &str) -> reqwest::RequestBuilder {
        let host = base.trim_start_matches("http://").to_owned();
        let body = serde_json::to_vec(&self.body).unwrap();
        let query: String = if self.get {
            self.body
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| {
                    let text = match v {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    format!("{}={}", form_encode(k), form_encode(&text))
                })
                .collect::<Vec<_>>()
                .join("&")
        } else {
            String::new()
        };
        let request = if self.get {
            tc3::Tc3Request::get(&host, &query)
        } else {
            tc3::Tc3Request::post_json(&host, &body)
        };
        let key = self.signing_key.as_deref().unwrap_or(&self.secret_key);
        let signed = tc3::sign(
            &self.secret_id,
            &Secret::new(key),
            &self.service,
            self.timestamp,
            &request,
        )
        .expect("sign");
        let client = client();
        let mut builder = if self.get {
            client.get(format!("{base}/?{query}"))
        } else {
            client.post(format!("{base}/")).body(body.clone())
        };
        builder = builder
            .header("Content-Type", request.content_type)
            .header("Authorization", &signed.authorization)
            .header("X-TC-Action", &self.action)
            .header("X-TC-Version", &self.version)
            .header("X-TC-Timestamp", self.timestamp.to_string());
        if let Some(region) = &self.region {
            builder = builder.header("X-TC-Region", region);
        }
        if let Some(token) = &self.token {
            builder = builder.header("X-TC-Token", token);
        }
        if let Some(fault) = &self.fault {
            builder = builder.header(FAULT_HEADER, fault);
        }
        builder
    }

    pub async fn send(&self, base: &str) -> Answer {
        answer(self.request(base).send().await.expect("request")).await
    }

    /// Sends and expects a transport-level failure (a reset or cut connection).
    pub async fn send_expecting_transport_error(&self, base: &str) -> reqwest::Error {
        match self.request(base).send().await {
            Err(e) => e,
            Ok(response) => match response.bytes().await {
                Err(e) => e,
                Ok(body) => panic!(
                    "expected a transport error, got a body: {}",
                    String::from_utf8_lossy(&body)
                ),
            },
        }
    }
}

/// The TC3 `Authorization` of a MongoDB JSON `POST` of `body` to `base` (`http://host:port`)
/// at `timestamp`, signed with the demo key: for requests built by hand.
pub fn demo_mongodb_authorization(base: &str, timestamp: i64, body: &[u8]) -> String {
    let host = base.trim_start_matches("http://");
    tc3::sign(
        DEMO_TENCENT_SECRET_ID,
        &Secret::new(DEMO_TENCENT_SECRET_KEY),
        "mongodb",
        timestamp,
        &tc3::Tc3Request::post_json(host, body),
    )
    .expect("sign")
    .authorization
}

/// Posts `body` as MongoDB's `DescribeInstanceSSL` with `authorization` as given (the signature
/// of another body, or of a body no client would send).
pub async fn post_describe_ssl(
    base: &str,
    authorization: &str,
    timestamp: i64,
    body: impl Into<reqwest::Body>,
) -> Answer {
    let response = client()
        .post(format!("{base}/"))
        .header("Content-Type", "application/json")
        .header("Authorization", authorization)
        .header("X-TC-Action", "DescribeInstanceSSL")
        .header("X-TC-Version", "2019-07-25")
        .header("X-TC-Timestamp", timestamp.to_string())
        .body(body)
        .send()
        .await
        .expect("request");
    answer(response).await
}

pub async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.bytes().await.expect("body").to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

/// Calls the admin endpoint `/_emulator/<endpoint>` with `method` and, if given, a JSON body.
pub async fn admin(base: &str, method: &str, endpoint: &str, body: Option<&Value>) -> Answer {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = client().request(method, format!("{base}/_emulator/{endpoint}"));
    if let Some(body) = body {
        request = request.json_body(body);
    }
    answer(request.send().await.expect("admin request")).await
}

/// How a Huawei request authenticates.
#[derive(Clone, Debug)]
pub enum Auth {
    AkSk(AkSk),
    Token(String),
    None,
}

/// An AK/SK signature, and how a test bends it.
#[derive(Clone, Debug)]
pub struct AkSk {
    pub ak: String,
    pub sk: String,
    /// Seconds added to the current time in X-Sdk-Date.
    pub skew: i64,
    pub security_token: Option<String>,
    /// Sign with this SK instead (a wrong signature).
    pub signing_sk: Option<String>,
}

impl AkSk {
    /// The demo AK/SK, signed now.
    pub fn demo() -> AkSk {
        AkSk {
            ak: DEMO_HUAWEI_AK.into(),
            sk: DEMO_HUAWEI_SK.into(),
            skew: 0,
            security_token: None,
            signing_sk: None,
        }
    }
}

pub fn aksk() -> Auth {
    Auth::AkSk(AkSk::demo())
}

/// A Huawei REST call.
#[derive(Clone, Debug)]
pub struct Huawei {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: Option<Value>,
    pub auth: Auth,
    pub fault: Option<String>,
}

pub fn huawei(method: &str, path: &str) -> Huawei {
    Huawei {
        method: method.into(),
        path: path.into(),
        query: Vec::new(),
        body: None,
        auth: aksk(),
        fault: None,
    }
}

impl Huawei {
    pub fn with(mut self, f: impl FnOnce(&mut Huawei)) -> Huawei {
        f(&mut self);
        self
    }

    pub fn query(mut self, k: &str, v: &str) -> Huawei {
        self.query.push((k.into(), v.into()));
        self
    }

    pub fn body(mut self, body: Value) -> Huawei {
        self.body = Some(body);
        self
    }

    pub fn auth(mut self, auth: Auth) -> Huawei {
        self.auth = auth;
        self
    }

    pub async fn send(&self, base: &str) -> Answer {
        self.send_with(&client(), base).await
    }

    /// Sends with `client`: a loop of many calls reuses one client and its connections.
    pub async fn send_with(&self, client: &reqwest::Client, base: &str) -> Answer {
        let host = base.trim_start_matches("http://").to_owned();
        let body = self
            .body
            .as_ref()
            .map(|b| serde_json::to_vec(b).unwrap())
            .unwrap_or_default();
        let query: Vec<(&str, &str)> = self
            .query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let query_string = huawei::canonical_query(&query);
        let mut headers: Vec<(String, String)> = vec![
            ("Content-Type".into(), "application/json".into()),
            ("Host".into(), host.clone()),
        ];
        match &self.auth {
            Auth::AkSk(AkSk {
                skew,
                security_token,
                ..
            }) => {
                headers.push((
                    "X-Sdk-Date".into(),
                    UtcDateTime::from_unix(now() + skew).basic_iso(),
                ));
                if let Some(t) = security_token {
                    headers.push(("X-Security-Token".into(), t.clone()));
                }
            }
            Auth::Token(t) => headers.push(("X-Auth-Token".into(), t.clone())),
            Auth::None => {}
        }
        if let Auth::AkSk(AkSk {
            ak, sk, signing_sk, ..
        }) = &self.auth
        {
            let pairs: Vec<(&str, &str)> = headers
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let request = huawei::HuaweiRequest {
                method: &self.method,
                path: &self.path,
                query: &query,
                headers: &pairs,
                body: &body,
            };
            let key = Secret::new(signing_sk.as_deref().unwrap_or(sk));
            let signed = huawei::sign(ak, &key, &request).expect("sign");
            headers.push(("Authorization".into(), signed.authorization));
        }
        let url = if query_string.is_empty() {
            format!("{base}{}", self.path)
        } else {
            format!("{base}{}?{query_string}", self.path)
        };
        let method = reqwest::Method::from_bytes(self.method.as_bytes()).unwrap();
        let mut builder = client.request(method, url);
        for (k, v) in &headers {
            if k != "Host" {
                builder = builder.header(k, v);
            }
        }
        if let Some(fault) = &self.fault {
            builder = builder.header(FAULT_HEADER, fault);
        }
        if self.body.is_some() {
            builder = builder.body(body);
        }
        answer(builder.send().await.expect("request")).await
    }
}

/// The demo user's password token request, scoped to the project `project` names
/// (`{"name": ...}` or `{"id": ...}`).
pub fn iam_password_body(project: Value) -> Value {
    serde_json::json!({"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": cloud_emulator::DEMO_IAM_USER,
            "password": cloud_emulator::DEMO_IAM_PASSWORD,
            "domain": {"name": cloud_emulator::DEMO_IAM_DOMAIN}}}},
        "scope": {"project": project}}})
}

/// The answer to `POST /v3/auth/tokens` with `body`.
pub async fn iam_token_request(base: &str, body: &Value) -> Answer {
    let response = client()
        .post(format!("{base}/v3/auth/tokens"))
        .json_body(body)
        .send()
        .await
        .expect("token request");
    answer(response).await
}

/// The answer to the demo user's password token request scoped to `project` (by name).
pub async fn iam_token_answer(base: &str, project_name: &str) -> Answer {
    let body = iam_password_body(serde_json::json!({ "name": project_name }));
    iam_token_request(base, &body).await
}

/// Obtains an IAM token for the demo user scoped to `project` (by name).
pub async fn iam_token(base: &str, project_name: &str) -> String {
    let issued = iam_token_answer(base, project_name).await;
    assert_eq!(issued.status, 201);
    issued
        .header("x-subject-token")
        .expect("a token")
        .to_owned()
}

/// `json` is not enabled on the workspace's reqwest; this sets a JSON body by hand.
pub trait JsonBody {
    fn json_body(self, value: &Value) -> Self;
}

impl JsonBody for reqwest::RequestBuilder {
    fn json_body(self, value: &Value) -> Self {
        self.header("Content-Type", "application/json")
            .body(serde_json::to_vec(value).unwrap())
    }
}

/// The path of a GeminiDB operation for the default project.
pub fn gemini_path(project: &str, instance: &str, tail: &str) -> String {
    format!("/v3/{project}/instances/{instance}/{tail}")
}

pub const GEMINI_INSTANCE: &str = GEMINIDB_INSTANCE;

/// Unix seconds of an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the `Date` header's form.
pub fn parse_http_date(value: &str) -> i64 {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let parts: Vec<&str> = value.split([' ', ':']).collect();
    let [_, day, month, year, hour, minute, second, "GMT"] = parts[..] else {
        panic!("not an IMF-fixdate: {value:?}");
    };
    let number = |s: &str| s.parse::<u32>().unwrap_or_else(|_| panic!("{value:?}"));
    UtcDateTime {
        year: i64::from(number(year)),
        month: MONTHS.iter().position(|m| *m == month).expect("a month") as u32 + 1,
        day: number(day),
        hour: number(hour),
        minute: number(minute),
        second: number(second),
    }
    .to_unix()
}

/// Unix seconds of IAM's `2024-01-02T03:04:05.000000Z`.
pub fn parse_iam_time(value: &str) -> i64 {
    let digits: Vec<u32> = value
        .split(['-', 'T', ':', '.', 'Z'])
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap_or_else(|_| panic!("{value:?}")))
        .collect();
    let [year, month, day, hour, minute, second, ..] = digits[..] else {
        panic!("not an IAM time: {value:?}");
    };
    UtcDateTime {
        year: i64::from(year),
        month,
        day,
        hour,
        minute,
        second,
    }
    .to_unix()
}
