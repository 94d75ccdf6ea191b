//! Target `emulator_request`: an arbitrary request (method, target, headers, body) → the
//! emulator's handling of it in-process (`RunningEmulator::serve_in_process`: vendor
//! detection, admin endpoints, fault headers, routing, TC3 and Huawei `Authorization` parsing
//! and verification, IAM tokens, validation, state, the reply). Every request must get a reply
//! (or a deliberate reset) promptly; nothing may panic.
//!
//! Input: the first byte says how to authenticate the request that follows, so that mutated
//! requests get past the signature check as well as into it:
//!
//! | `byte % 4` | authentication |
//! |---|---|
//! | 0 | as written (the seeds' signatures are real but expire after 5 to 15 minutes) |
//! | 1 | signed afresh with the demo keys: TC3 for requests to `/` that name an action or carry a TC3 `Authorization`, else Huawei AK/SK |
//! | 2 | a valid IAM token (`X-Auth-Token`) |
//! | 3 | signed afresh with the temporary demo keys, with their token |
//!
//! The rest is a request in [`wire`] form: `METHOD TARGET`, headers, an empty
//! line, the body.
//!
//! `latency` in an `X-Emulator-Fault` header is removed (after checking that the fault reads
//! back as written): it is a deliberate wait of up to 30 s, not a hang. Fault rules a request
//! adds through the admin endpoint are cleared after it.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cloud_emulator::demo_data;
use cloud_emulator::fuzzing::{RawRequest, Served};
use cloud_emulator::{Fault, RunningEmulator};
use cloud_transport::http::{HttpClient, HttpFuture, HttpRequest, HttpResponse};
use cloud_transport::sign::{huawei, tc3, UtcDateTime};
use cloud_transport::{Client, Config, Credentials, Environment, IamPassword, RetryConfig, Secret};
use serde_json::Value;

use super::wire;
use crate::label::Label;

/// What the target feeds and checks.
pub const ABOUT: &str = "request (method, target, headers, body; re-signed or not) -> emulator in-process: a prompt reply, no panic";

/// The host every seed request was signed for.
const HOST: &str = "127.0.0.1:8080";

/// A request that takes longer than this is a hang (latency faults are removed; the longest
/// deliberate wait left is the 50 ms of a truncated body).
const ANSWER_WITHIN: Duration = Duration::from_secs(10);

/// HTTP, API and fault tokens.
pub const DICTIONARY: &[&[u8]] = &[
    b"\nAuthorization: ",
    b"TC3-HMAC-SHA256 Credential=AKIDEMULATOR000000000000000000000000/2024-01-02/mongodb/tc3_request, SignedHeaders=content-type;host, Signature=",
    b"SDK-HMAC-SHA256 Access=EMULATORAK0000000000, SignedHeaders=host;x-sdk-date, Signature=",
    b"SignedHeaders=content-type;host;x-tc-action",
    b"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    b"\nX-TC-Action: ",
    b"\nX-TC-Version: ",
    b"\nX-TC-Timestamp: ",
    b"\nX-TC-Region: ",
    b"\nX-TC-Token: ",
    b"\nX-TC-Content-SHA256: UNSIGNED-PAYLOAD",
    b"\nX-Sdk-Date: 20240102T030405Z",
    b"\nX-Sdk-Content-Sha256: UNSIGNED-PAYLOAD",
    b"\nX-Auth-Token: ",
    b"\nX-Security-Token: ",
    b"\nX-Project-Id: ",
    b"\nContent-Type: application/json",
    b"\nContent-Type: application/x-www-form-urlencoded",
    b"\nContent-Type: text/plain",
    b"\nOrigin: http://evil.example",
    b"\nHost: ",
    b"\nX-Emulator-Fault: ",
    b"latency:",
    b"status:503",
    b"throttle",
    b"html:502",
    b"reset",
    b"truncate",
    b"truncate-body",
    b"malformed",
    b"@before",
    b"@after",
    b"GET ",
    b"POST ",
    b"PUT ",
    b"DELETE ",
    b"HEAD ",
    b"PATCH ",
    b"/_emulator/",
    b"/_emulator/faults",
    b"/_emulator/state",
    b"/v3/auth/tokens",
    b"/v3/projects?name=cn-north-4",
    b"/v3/619d3e78f61b4be68bc5aa0b59edcf7b/instances",
    demo_data::GEMINIDB_INSTANCE.as_bytes(),
    demo_data::MONGODB_OTHER_INSTANCE.as_bytes(),
    demo_data::CDB_INSTANCE.as_bytes(),
    demo_data::POSTGRES_INSTANCE.as_bytes(),
    b"?Action=",
    b"&Version=",
    b"%2F",
    b"%ZZ",
    b"%00",
    b"%E4%B8%AD",
    b"{\"operation\":\"*\",\"fault\":\"reset\",\"times\":1}",
    b"\"InstanceId\":",
    b"null",
    b"[]",
    b"{}",
];

/// The emulator and what authenticating needs, made once per process.
struct Harness {
    runtime: tokio::runtime::Runtime,
    emulator: RunningEmulator,
    /// A valid IAM token of the demo user, scoped to the default project.
    token: String,
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let emulator = runtime.block_on(async {
            cloud_emulator::Emulator::builder()
                .async_delay(Duration::from_millis(10))
                // Rate limits depend on timing: off, so an input always meets the same code.
                .rate_limits(false)
                .start()
                .await
                .expect("the emulator starts")
        });
        // Captured (with a runtime of its own) before this runtime is entered.
        let login = iam_login_request();
        let token = runtime.block_on(issue_token(&emulator, &login));
        Harness {
            runtime,
            emulator,
            token,
        }
    })
}

/// Runs one input.
pub fn run(data: &[u8]) -> u64 {
    let Some((&mode, rest)) = data.split_first() else {
        return Label::new("empty").finish();
    };
    let message = wire::parse(rest);
    let (method, target) = split_request_line(message.start);
    let mut headers: Vec<(Vec<u8>, Vec<u8>)> = message
        .headers
        .iter()
        .map(|(n, v)| (n.to_vec(), without_latency(n, v)))
        .collect();
    let harness = harness();
    match mode % 4 {
        1 => sign(method, target, &mut headers, message.body, Keys::Demo),
        2 => {
            remove(&mut headers, &["x-auth-token", "authorization"]);
            headers.push((b"X-Auth-Token".to_vec(), harness.token.clone().into_bytes()));
        }
        3 => sign(method, target, &mut headers, message.body, Keys::Temporary),
        _ => {}
    }
    let header_refs: Vec<(&[u8], &[u8])> = headers
        .iter()
        .map(|(n, v)| (n.as_slice(), v.as_slice()))
        .collect();
    let request = RawRequest {
        method,
        uri: target,
        headers: &header_refs,
        body: message.body,
    };
    let served = harness.runtime.block_on(async {
        tokio::time::timeout(ANSWER_WITHIN, harness.emulator.serve_in_process(request)).await
    });
    // Rules added through the admin endpoint would change how later inputs are answered.
    harness.emulator.faults().clear();
    let served = served.unwrap_or_else(|_| panic!("no answer within {ANSWER_WITHIN:?}"));
    label(target, served)
}

/// Checks the answer and labels it: status, and the error code when there is one.
fn label(target: &[u8], served: Served) -> u64 {
    match served {
        Served::NotHttp(what) => Label::new("not http").message(what).finish(),
        Served::Reset => Label::new("reset").finish(),
        Served::Response {
            status,
            headers,
            body,
            complete,
        } => {
            assert!((100..=599).contains(&status), "status {status}");
            let faulted = headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case(cloud_emulator::FAULT_INJECTED_HEADER));
            let parsed = serde_json::from_slice::<Value>(&body);
            // Every answer the emulator means to give is JSON (or empty): only a fault may
            // damage it.
            if complete && !faulted && !body.is_empty() {
                if let Err(e) = &parsed {
                    panic!(
                        "HTTP {status} answer to {} is not JSON ({e}): {}",
                        String::from_utf8_lossy(target),
                        String::from_utf8_lossy(&body)
                    );
                }
            }
            let code = parsed.ok().and_then(|v| {
                let code = v
                    .pointer("/Response/Error/Code")
                    .or_else(|| v.get("error_code"))
                    .or_else(|| v.pointer("/error/code"))?;
                Some(
                    code.as_str()
                        .map_or_else(|| code.to_string(), str::to_owned),
                )
            });
            Label::new("response")
                .number(u64::from(status))
                .number(u64::from(faulted))
                .number(u64::from(complete))
                .message(code.as_deref().unwrap_or(""))
                .finish()
        }
    }
}

fn split_request_line(line: &[u8]) -> (&[u8], &[u8]) {
    match line.iter().position(|&b| b == b' ') {
        Some(at) => (&line[..at], &line[at + 1..]),
        None => (line, b"/"),
    }
}

/// The value of an `X-Emulator-Fault` header without its latency; any other header as is.
fn without_latency(name: &[u8], value: &[u8]) -> Vec<u8> {
    if !name.eq_ignore_ascii_case(cloud_emulator::FAULT_HEADER.as_bytes()) {
        return value.to_vec();
    }
    let Ok(text) = std::str::from_utf8(value) else {
        return value.to_vec();
    };
    let Ok(fault) = text.parse::<Fault>() else {
        return value.to_vec();
    };
    // What the emulator prints for a fault (`X-Emulator-Fault-Injected`) reads back the same.
    let shown = fault.to_string();
    assert_eq!(
        shown.parse::<Fault>().ok(),
        Some(fault),
        "fault `{text}` shown as `{shown}`"
    );
    if fault.latency.is_none() {
        return value.to_vec();
    }
    Fault {
        latency: None,
        ..fault
    }
    .to_string()
    .into_bytes()
}

fn remove(headers: &mut Vec<(Vec<u8>, Vec<u8>)>, names: &[&str]) {
    headers.retain(|(n, _)| !names.iter().any(|x| n.eq_ignore_ascii_case(x.as_bytes())));
}

fn header<'h>(headers: &'h [(Vec<u8>, Vec<u8>)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name.as_bytes()))
        .and_then(|(_, v)| std::str::from_utf8(v).ok())
}

#[derive(Clone, Copy)]
enum Keys {
    Demo,
    Temporary,
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Replaces the request's signature with a valid one, as the emulator will check it.
fn sign(
    method: &[u8],
    target: &[u8],
    headers: &mut Vec<(Vec<u8>, Vec<u8>)>,
    body: &[u8],
    keys: Keys,
) {
    let (Ok(method), Ok(target)) = (std::str::from_utf8(method), std::str::from_utf8(target))
    else {
        return;
    };
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let tencent = path == "/"
        && (header(headers, "x-tc-action").is_some()
            || query.split('&').any(|p| p.starts_with("Action="))
            || header(headers, "authorization").is_some_and(|a| a.starts_with("TC3-")));
    if header(headers, "host").is_none() {
        headers.push((b"Host".to_vec(), HOST.as_bytes().to_vec()));
    }
    if tencent {
        sign_tc3(method, query, headers, body, keys);
    } else {
        sign_huawei(method, path, query, headers, body, keys);
    }
}

fn sign_tc3(
    method: &str,
    query: &str,
    headers: &mut Vec<(Vec<u8>, Vec<u8>)>,
    body: &[u8],
    keys: Keys,
) {
    let service = header(headers, "authorization")
        .and_then(|a| tc3::parse_authorization(a).ok())
        .map_or_else(|| "mongodb".to_owned(), |a| a.service);
    let (id, key, token) = match keys {
        Keys::Demo => (
            cloud_emulator::DEMO_TENCENT_SECRET_ID,
            cloud_emulator::DEMO_TENCENT_SECRET_KEY,
            None,
        ),
        Keys::Temporary => (
            cloud_emulator::DEMO_TENCENT_TEMP_SECRET_ID,
            cloud_emulator::DEMO_TENCENT_TEMP_SECRET_KEY,
            Some(cloud_emulator::DEMO_TENCENT_TOKEN),
        ),
    };
    remove(headers, &["authorization", "x-tc-timestamp", "x-tc-token"]);
    let timestamp = now();
    let is_get = method == "GET";
    let signature = {
        let request = tc3::Tc3Request {
            method,
            host: header(headers, "host").unwrap_or(""),
            query: if is_get { query } else { "" },
            content_type: header(headers, "content-type").unwrap_or(""),
            body: if is_get { b"" } else { body },
            unsigned_payload: header(headers, "x-tc-content-sha256") == Some(tc3::UNSIGNED_PAYLOAD),
        };
        tc3::sign(id, &Secret::new(key), &service, timestamp, &request)
    };
    headers.push((
        b"X-TC-Timestamp".to_vec(),
        timestamp.to_string().into_bytes(),
    ));
    if let Some(token) = token {
        headers.push((b"X-TC-Token".to_vec(), token.as_bytes().to_vec()));
    }
    if let Ok(signature) = signature {
        headers.push((
            b"Authorization".to_vec(),
            signature.authorization.into_bytes(),
        ));
    }
}

fn sign_huawei(
    method: &str,
    path: &str,
    query: &str,
    headers: &mut Vec<(Vec<u8>, Vec<u8>)>,
    body: &[u8],
    keys: Keys,
) {
    let (ak, sk, token) = match keys {
        Keys::Demo => (
            cloud_emulator::DEMO_HUAWEI_AK,
            cloud_emulator::DEMO_HUAWEI_SK,
            None,
        ),
        Keys::Temporary => (
            cloud_emulator::DEMO_HUAWEI_TEMP_AK,
            cloud_emulator::DEMO_HUAWEI_TEMP_SK,
            Some(cloud_emulator::DEMO_HUAWEI_SECURITY_TOKEN),
        ),
    };
    remove(
        headers,
        &[
            "authorization",
            "x-sdk-date",
            "x-auth-token",
            "x-security-token",
        ],
    );
    headers.push((
        b"X-Sdk-Date".to_vec(),
        UtcDateTime::from_unix(now()).basic_iso().into_bytes(),
    ));
    if let Some(token) = token {
        headers.push((b"X-Security-Token".to_vec(), token.as_bytes().to_vec()));
    }
    let authorization = {
        // The emulator verifies over the headers it can read as text (visible ASCII).
        let signed: Vec<(&str, &str)> = headers
            .iter()
            .filter(|(_, v)| v.iter().all(|&b| b == b'\t' || (0x20..0x7f).contains(&b)))
            .filter_map(|(n, v)| Some((std::str::from_utf8(n).ok()?, std::str::from_utf8(v).ok()?)))
            .collect();
        let pairs = huawei::parse_query(query);
        let pairs: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let request = huawei::HuaweiRequest {
            method,
            path,
            query: &pairs,
            headers: &signed,
            body,
        };
        huawei::sign(ak, &Secret::new(sk), &request).map(|s| s.authorization)
    };
    if let Ok(authorization) = authorization {
        headers.push((b"Authorization".to_vec(), authorization.into_bytes()));
    }
}

/// Logs the demo IAM user in through the emulator's own IAM endpoint.
async fn issue_token(emulator: &RunningEmulator, login: &[u8]) -> String {
    let message = wire::parse(login);
    let (method, target) = split_request_line(message.start);
    let request = RawRequest {
        method,
        uri: target,
        headers: &message.headers,
        body: message.body,
    };
    match emulator.serve_in_process(request).await {
        Served::Response {
            status: 201,
            headers,
            ..
        } => headers
            .into_iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("x-subject-token"))
            .map(|(_, v)| String::from_utf8_lossy(&v).into_owned())
            .expect("the IAM answer carries X-Subject-Token"),
        other => panic!("the emulator refused the demo IAM login: {other:?}"),
    }
}

/// The IAM login request the transport sends in password mode.
fn iam_login_request() -> Vec<u8> {
    let captured = capture_requests(
        |builder| {
            builder
                .region(cloud_emulator::DEFAULT_HUAWEI_REGION)
                .iam_password(IamPassword::new(
                    cloud_emulator::DEMO_IAM_USER,
                    cloud_emulator::DEMO_IAM_PASSWORD,
                    cloud_emulator::DEMO_IAM_DOMAIN,
                ))
        },
        "huawei-geminidb",
        &["ListApiVersion"],
    );
    captured
        .into_iter()
        .find(|r| r.url.contains("/v3/auth/tokens"))
        .map(|r| to_wire(&r))
        .expect("a password-mode call starts with an IAM login")
}

/// Records requests instead of sending them, and answers each with an empty object.
#[derive(Debug, Default)]
struct Capture(Mutex<Vec<HttpRequest>>);

impl HttpClient for Capture {
    fn send(&self, request: HttpRequest) -> HttpFuture<'_> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(request);
        Box::pin(async { Ok(HttpResponse::new(200, "{}")) })
    }
}

/// The requests the transport signs and sends for `operations` of `service` (all when empty),
/// each with the emulator's sample input, configured by `configure` (credentials).
fn capture_requests(
    configure: impl Fn(cloud_transport::ConfigBuilder) -> cloud_transport::ConfigBuilder,
    service: &str,
    operations: &[&str],
) -> Vec<HttpRequest> {
    let Some(spec) = cloud_spec::bundle::service(service) else {
        return Vec::new();
    };
    let capture = Arc::new(Capture::default());
    let base = Config::builder()
        .endpoint(format!("http://{HOST}"))
        .environment(Environment::empty())
        .retry(RetryConfig::disabled())
        .rate_limit(false)
        .http_client(capture.clone());
    let Ok(config) = configure(base).build() else {
        return Vec::new();
    };
    let info: &'static cloud_transport::ServiceInfo = Box::leak(Box::new(
        cloud_spec::transport::service_info(&spec, "fuzz-runner", "0"),
    ));
    let client = Client::new(info, config);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    for (name, op) in &spec.operations {
        if !operations.is_empty() && !operations.contains(&name.as_str()) {
            continue;
        }
        let Some((input, _)) = cloud_emulator::sample_input(&spec, name) else {
            continue;
        };
        let input = Value::Object(input.into_iter().collect());
        let op_info = cloud_spec::transport::operation_info(spec.vendor, name, op);
        let _ = runtime.block_on(client.call_json(&op_info, input));
    }
    let captured = std::mem::take(&mut *capture.0.lock().unwrap_or_else(|p| p.into_inner()));
    captured
}

/// A captured request in [`wire`] form.
fn to_wire(request: &HttpRequest) -> Vec<u8> {
    // The URL is `http://HOST/path?query`: the request target is what follows the host.
    let target = request
        .url
        .splitn(4, '/')
        .nth(3)
        .map_or_else(|| "/".to_owned(), |rest| format!("/{rest}"));
    wire::render(
        &format!("{} {target}", request.method),
        &request.headers,
        &request.body,
    )
}

/// Real signed requests for every operation of the four services (sample inputs, as the
/// transport signs them), each as written and to be re-signed (and Huawei's with a token);
/// IAM requests; admin requests; the GET form of a Tencent call; every fault kind.
pub fn seeds() -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    let mut add = |mode: u8, request: Vec<u8>| {
        let mut seed = vec![mode];
        seed.extend(request);
        seeds.push(seed);
    };
    for service in ["tencent-mongodb", "tencent-cdb", "tencent-postgres"] {
        let requests = capture_requests(
            |b| {
                b.region(demo_data::TENCENT_REGION)
                    .credentials(Credentials::new(
                        cloud_emulator::DEMO_TENCENT_SECRET_ID,
                        cloud_emulator::DEMO_TENCENT_SECRET_KEY,
                    ))
            },
            service,
            &[],
        );
        for request in requests {
            add(0, to_wire(&request));
            add(1, to_wire(&request));
        }
    }
    let geminidb = capture_requests(
        |b| {
            b.region(cloud_emulator::DEFAULT_HUAWEI_REGION)
                .project_id(cloud_emulator::DEFAULT_HUAWEI_PROJECT_ID)
                .credentials(Credentials::new(
                    cloud_emulator::DEMO_HUAWEI_AK,
                    cloud_emulator::DEMO_HUAWEI_SK,
                ))
        },
        "huawei-geminidb",
        &[],
    );
    for request in geminidb {
        add(0, to_wire(&request));
        add(1, to_wire(&request));
        add(2, to_wire(&request));
        add(3, to_wire(&request));
    }
    add(0, iam_login_request());
    let admin: [(&str, &str); 7] = [
        ("GET /_emulator/health", ""),
        ("GET /_emulator/state", ""),
        ("GET /_emulator/services", ""),
        ("GET /_emulator/faults", ""),
        (
            "POST /_emulator/faults",
            r#"{"operation":"SwitchSsl","service":"huawei-geminidb","fault":"reset@after","times":2,"skip":1}"#,
        ),
        (
            "POST /_emulator/faults",
            r#"[{"operation":"*","fault":"status:503"},{"fault":"latency:10,truncate"}]"#,
        ),
        ("DELETE /_emulator/faults", ""),
    ];
    for (line, body) in admin {
        let headers = vec![
            ("Host".to_owned(), HOST.to_owned()),
            ("Content-Type".to_owned(), "application/json".to_owned()),
        ];
        add(0, wire::render(line, &headers, body.as_bytes()));
    }
    let get_form = wire::render(
        &format!(
            "GET /?Action=DescribeInstanceSSL&Version=2019-07-25&InstanceId={}",
            demo_data::MONGODB_OTHER_INSTANCE
        ),
        &[
            ("Host".to_owned(), HOST.to_owned()),
            (
                "Content-Type".to_owned(),
                "application/x-www-form-urlencoded".to_owned(),
            ),
            ("X-TC-Action".to_owned(), "DescribeInstanceSSL".to_owned()),
            ("X-TC-Version".to_owned(), "2019-07-25".to_owned()),
            (
                "X-TC-Region".to_owned(),
                demo_data::TENCENT_REGION.to_owned(),
            ),
        ],
        b"",
    );
    add(1, get_form.clone());
    for fault in [
        "latency:5",
        "status:503",
        "status:429@after",
        "throttle",
        "html",
        "html:504",
        "reset",
        "reset@after",
        "truncate",
        "truncate-body",
        "malformed",
        "latency:1,status:502@after",
    ] {
        let mut request = get_form.clone();
        let at = request
            .iter()
            .position(|&b| b == b'\n')
            .map_or(0, |n| n + 1);
        let line = format!("{}: {fault}\n", cloud_emulator::FAULT_HEADER);
        request.splice(at..at, line.into_bytes());
        add(1, request);
    }
    seeds
}
