//! Shared by the transport's integration tests: a scripted HTTP/1.1 server on 127.0.0.1 that
//! records and counts every request, verifies nothing itself (tests decide), and can answer,
//! reset the connection, or never answer; plus the service descriptions and credentials the
//! tests use, and a tracing capture.

#![allow(dead_code)]

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cloud_transport::{
    ConfigBuilder, Credentials, EndpointRules, Environment, HttpBinding, OperationInfo,
    ParamLocation, RetryConfig, ServiceInfo, Vendor,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const SECRET_ID: &str = "AKIDtestsecretid0001";
pub const SECRET_KEY: &str = "tc-SECRET-KEY-must-never-leak";
pub const SESSION_TOKEN: &str = "tc-SESSION-TOKEN-must-never-leak";
pub const AK: &str = "HWAKTEST0001";
pub const SK: &str = "hw-SK-must-never-leak";
pub const SECURITY_TOKEN: &str = "hw-SECURITY-TOKEN-must-never-leak";
pub const IAM_PASSWORD: &str = "iam-PASSWORD-must-never-leak";
pub const IAM_TOKEN: &str = "MIIiam-TOKEN-must-never-leak";
pub const PROJECT_ID: &str = "619d3e78f61b4be68bc5aa0b59edcf7b";
pub const INSTANCE_ID: &str = "e73893ef73754465a8bd2e0857bbf13ein02";

pub static MONGODB: ServiceInfo = ServiceInfo {
    vendor: Vendor::Tencent,
    service: "mongodb",
    version: "2019-07-25",
    endpoint: EndpointRules {
        global: Some("mongodb.tencentcloudapi.com"),
        regional: "mongodb.{region}.tencentcloudapi.com",
        international: Some("mongodb.intl.tencentcloudapi.com"),
        region_overrides: &[],
        region_required: false,
    },
    sdk_name: "tencent-mongodb",
    sdk_version: "0.1.0",
};

/// A read-only action.
pub const DESCRIBE_SSL: OperationInfo = OperationInfo {
    name: "DescribeInstanceSSL",
    http: None,
    read_only: true,
    idempotent: false,
    rate_limit: Some(20),
    regions: &[],
};

/// A mutation that is not idempotent.
pub const ENABLE_SSL: OperationInfo = OperationInfo {
    name: "InstanceEnableSSL",
    http: None,
    read_only: false,
    idempotent: false,
    rate_limit: Some(20),
    regions: &[],
};

pub static GEMINIDB: ServiceInfo = ServiceInfo {
    vendor: Vendor::Huawei,
    service: "gaussdbfornosql",
    version: "v3",
    endpoint: EndpointRules {
        global: None,
        regional: "gaussdb-nosql.{region}.myhuaweicloud.com",
        international: None,
        region_overrides: &[("eu-west-101", "gaussdb-nosql.eu-west-101.myhuaweicloud.eu")],
        region_required: false,
    },
    sdk_name: "huawei-geminidb",
    sdk_version: "0.1.0",
};

pub const LIST_CERTS: OperationInfo = OperationInfo {
    name: "ListSslCertDownloadAddresses",
    http: Some(HttpBinding {
        method: "GET",
        path: "/v3/{project_id}/instances/{instance_id}/ssl-cert/download-link",
        success_status: 200,
        params: &[("instance_id", ParamLocation::Path)],
    }),
    read_only: true,
    idempotent: false,
    rate_limit: None,
    regions: &[],
};

pub const SWITCH_SSL: OperationInfo = OperationInfo {
    name: "SwitchSsl",
    http: Some(HttpBinding {
        method: "POST",
        path: "/v3/{project_id}/instances/{instance_id}/ssl-option",
        success_status: 202,
        params: &[
            ("instance_id", ParamLocation::Path),
            ("X-Language", ParamLocation::Header),
            ("tags", ParamLocation::Query),
        ],
    }),
    read_only: false,
    idempotent: false,
    rate_limit: None,
    regions: &[],
};

/// A request as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub path: String,
    /// Raw query, without `?`.
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }

    /// Checks the TC3 signature the way Tencent does, with the request as received.
    #[cfg(feature = "tencent")]
    pub fn verify_tc3(&self, secret_key: &str) -> Result<(), String> {
        use cloud_transport::sign::tc3;
        let auth =
            tc3::parse_authorization(self.header("authorization").ok_or("no Authorization")?)
                .map_err(|e| e.to_string())?;
        let timestamp: i64 = self
            .header("x-tc-timestamp")
            .ok_or("no X-TC-Timestamp")?
            .parse()
            .map_err(|_| "bad X-TC-Timestamp")?;
        let request = tc3::Tc3Request {
            method: &self.method,
            host: self.header("host").ok_or("no Host")?,
            query: &self.query,
            content_type: self.header("content-type").ok_or("no Content-Type")?,
            body: &self.body,
            unsigned_payload: false,
        };
        tc3::verify(
            &auth,
            &cloud_transport::Secret::new(secret_key),
            timestamp,
            &request,
        )
        .map_err(|e| e.to_string())
    }

    /// Checks the SDK-HMAC-SHA256 signature the way Huawei's gateway does.
    #[cfg(feature = "huawei")]
    pub fn verify_huawei(&self, sk: &str) -> Result<String, String> {
        use cloud_transport::sign::huawei;
        let auth =
            huawei::parse_authorization(self.header("authorization").ok_or("no Authorization")?)
                .map_err(|e| e.to_string())?;
        let query = huawei::parse_query(&self.query);
        let query: Vec<(&str, &str)> = query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let request = huawei::HuaweiRequest {
            method: &self.method,
            path: &self.path,
            query: &query,
            headers: &headers,
            body: &self.body,
        };
        huawei::verify(&auth, &cloud_transport::Secret::new(sk), &request)
            .map_err(|e| e.to_string())?;
        Ok(auth.access_key)
    }
}

/// What the server does with a request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Answer.
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Close the connection with a TCP reset, without answering.
    Reset,
    /// Keep the connection open without answering (until the test ends, at most 60 s).
    Hang,
    /// Do the other reply after a delay.
    Delayed(Duration, Box<Reply>),
}

impl Reply {
    pub fn json(status: u16, body: serde_json::Value) -> Reply {
        Reply::Respond {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }

    pub fn raw(status: u16, content_type: &str, body: &str) -> Reply {
        Reply::Respond {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.as_bytes().to_vec(),
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        if let Reply::Respond { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }

    /// A Tencent success envelope around `fields`, with a request id.
    pub fn tencent_ok(mut fields: serde_json::Value, request_id: &str) -> Reply {
        fields["RequestId"] = request_id.into();
        Reply::json(200, serde_json::json!({ "Response": fields }))
    }

    /// A Tencent error envelope.
    pub fn tencent_error(code: &str, message: &str, request_id: &str) -> Reply {
        Reply::json(
            200,
            serde_json::json!({"Response": {"Error": {"Code": code, "Message": message}, "RequestId": request_id}}),
        )
    }
}

type Handler = dyn Fn(&Received, usize) -> Reply + Send + Sync;

/// A scripted server on 127.0.0.1. The handler gets each request and its 0-based index.
pub struct TestServer {
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl TestServer {
    pub async fn start(
        handler: impl Fn(&Received, usize) -> Reply + Send + Sync + 'static,
    ) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let log = received.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (handler, log) = (handler.clone(), log.clone());
                tokio::spawn(async move {
                    let _ = serve(stream, handler, log).await;
                });
            }
        });
        TestServer { url, received }
    }

    /// Every request received so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// How many requests arrived.
    pub fn count(&self) -> usize {
        self.received.lock().unwrap().len()
    }
}

async fn serve(
    mut stream: TcpStream,
    handler: Arc<Handler>,
    log: Arc<Mutex<Vec<Received>>>,
) -> std::io::Result<()> {
    let Some(request) = read_request(&mut stream).await? else {
        return Ok(());
    };
    let index = {
        let mut log = log.lock().unwrap();
        log.push(request.clone());
        log.len() - 1
    };
    let mut reply = handler(&request, index);
    while let Reply::Delayed(delay, next) = reply {
        tokio::time::sleep(delay).await;
        reply = *next;
    }
    match reply {
        Reply::Delayed(..) => unreachable!("unwrapped above"),
        Reply::Respond {
            status,
            headers,
            body,
        } => {
            let mut head = format!(
                "HTTP/1.1 {status} Test\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            for (k, v) in headers {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("\r\n");
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(&body).await?;
            stream.shutdown().await?;
        }
        Reply::Reset => {
            stream.set_zero_linger()?;
            drop(stream);
        }
        Reply::Hang => {
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
    }
    Ok(())
}

async fn read_request(stream: &mut TcpStream) -> std::io::Result<Option<Received>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos;
        }
        if buf.len() > 64 * 1024 {
            return Ok(None);
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or("").split(' ');
    let method = first.next().unwrap_or("").to_owned();
    let target = first.next().unwrap_or("").to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_owned(), q.to_owned()),
        None => (target, String::new()),
    };
    Ok(Some(Received {
        method,
        path,
        query,
        headers,
        body,
    }))
}

/// Every secret the tests' credentials hold.
pub const TEST_SECRETS: &[&str] = &[
    SECRET_KEY,
    SESSION_TOKEN,
    SK,
    SECURITY_TOKEN,
    IAM_PASSWORD,
    IAM_TOKEN,
];

/// Fails when `text` (named `what`) shows one of [`TEST_SECRETS`], one of `more`, or an
/// `Authorization` value (signatures are derived from secrets).
pub fn assert_no_secret_in(what: &str, text: &str, more: &[&str]) {
    for secret in TEST_SECRETS.iter().chain(more) {
        assert!(
            !text.contains(secret),
            "{what} shows a secret ({secret}):\n{text}"
        );
    }
    assert!(
        !text.contains("Signature="),
        "{what} shows an Authorization value:\n{text}"
    );
}

/// Retries that wait milliseconds, so tests stay fast.
pub fn quick_retry() -> RetryConfig {
    RetryConfig::standard()
        .with_initial_backoff(Duration::from_millis(5))
        .with_max_backoff(Duration::from_millis(20))
}

/// A builder aimed at `server`, with no environment and quick retries.
pub fn base_config(server: &TestServer) -> ConfigBuilder {
    cloud_transport::Config::builder()
        .endpoint(&server.url)
        .environment(Environment::empty())
        .retry(quick_retry())
        .operation_timeout(Duration::from_secs(20))
}

pub fn tencent_credentials() -> Credentials {
    Credentials::new(SECRET_ID, SECRET_KEY)
}

/// A mongodb client of `server` in `ap-guangzhou` with the test keys.
pub fn mongodb_client(server: &TestServer) -> cloud_transport::Client {
    cloud_transport::Client::new(
        &MONGODB,
        base_config(server)
            .region("ap-guangzhou")
            .credentials(tencent_credentials())
            .build()
            .unwrap(),
    )
}

pub fn huawei_credentials() -> Credentials {
    Credentials::new(AK, SK)
}

/// Captures everything `tracing` emits (every level, span fields included) while alive.
pub struct LogCapture {
    buffer: Arc<Mutex<Vec<u8>>>,
    _guard: tracing::subscriber::DefaultGuard,
}

#[derive(Clone)]
struct BufferWriter(Arc<Mutex<Vec<u8>>>);

impl Write for BufferWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl LogCapture {
    /// Starts capturing on this thread (use a current-thread runtime).
    pub fn start() -> LogCapture {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = BufferWriter(buffer.clone());
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        LogCapture {
            buffer,
            _guard: tracing::subscriber::set_default(subscriber),
        }
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.buffer.lock().unwrap()).into_owned()
    }
}
