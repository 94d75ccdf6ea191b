//! Target `response_decoder`: the bytes of an HTTP response → what a generated crate's call
//! makes of them (`cloud_transport::fuzzing`: redirect check, Tencent envelope or Huawei error
//! body, typed output of `tencent_mongodb`, `tencent_cdb`, `tencent_postgres`,
//! `huawei_geminidb` operations). Every input must give a typed output or a typed error.
//!
//! Input: the first byte picks the operation (see [`decoders`]); the rest is a response in
//! [`wire`] form: `STATUS`, headers, an empty line, the body.
//!
//! Checks: an error is a service or decode error (never one of the kinds only the network or
//! the configuration can cause) whose `Display` and `Debug` work, and a decode error carries
//! the HTTP status; an output survives a round trip (serialized, then read again, it is the
//! same value).

use std::fmt::Debug;
use std::sync::OnceLock;

use cloud_transport::http::HttpResponse;
use cloud_transport::{ErrorKind, OperationInfo, Vendor};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

use super::wire;
use crate::label::Label;

/// What the target feeds and checks.
pub const ABOUT: &str = "HTTP response bytes -> cloud_transport decode + typed output of 41 operations of the 4 crates: output or typed error";

/// JSON and HTTP tokens.
pub const DICTIONARY: &[&[u8]] = &[
    b"{\"Response\":",
    b"\"Error\":{\"Code\":\"",
    b"\"Message\":\"",
    b"\"RequestId\":\"",
    b"\"error_code\":\"",
    b"\"error_msg\":\"",
    b"\"errorCode\":",
    b"\"errorMsg\":",
    b"\"code\":",
    b"\"message\":",
    b"\"error\":{",
    b"\"request_id\":",
    b"\"encoded_authorization_message\":",
    b"null",
    b"true",
    b"false",
    b"[]",
    b"{}",
    b"\"\"",
    b"\"1\"",
    b"1.0",
    b"-1",
    b"1e3",
    b"\"2024-02-30 25:61:61\"",
    b"\"2024-01-02T03:04:05+08:00\"",
    b"\"2024-01-02T03:04:05.123456789Z\"",
    b"\\u0000",
    b"\\ud800",
    b"\xf0\x9f\x98\x80",
    b"Retry-After: ",
    b"Date: Tue, 02 Jan 2024 03:04:05 GMT",
    b"Location: ",
    b"X-Request-Id: ",
    b"Content-Type: text/html",
    b"AuthFailure.SignatureExpire",
    b"RequestLimitExceeded",
    b"APIGW.0308",
    b"InternalError",
    b"302",
    b"429",
    b"502",
    b"204",
];

/// One operation whose responses the target decodes.
pub struct Decoder {
    /// The crate (`tencent-mongodb`).
    pub service: &'static str,
    /// How the operation is called.
    pub info: OperationInfo,
    /// Decodes a response into the operation's output type; returns a label.
    pub decode: fn(&OperationInfo, HttpResponse) -> u64,
}

macro_rules! decoder {
    ($service:literal, $krate:ident, $vendor:ident, $input:ident) => {
        Decoder {
            service: $service,
            info: <$krate::operations::$input as $krate::operations::Operation>::INFO,
            decode: |info, response| {
                decode_as::<<$krate::operations::$input as $krate::operations::Operation>::Output>(
                    info,
                    Vendor::$vendor,
                    response,
                )
            },
        }
    };
}

/// The operations decoded: those with the richest outputs (nested lists and structures,
/// enums, timestamps, numbers) and the SSL operations, in each crate.
pub fn decoders() -> &'static [Decoder] {
    static DECODERS: OnceLock<Vec<Decoder>> = OnceLock::new();
    DECODERS.get_or_init(|| {
        vec![
            decoder!(
                "tencent-mongodb",
                tencent_mongodb,
                Tencent,
                DescribeDbInstancesInput
            ),
            decoder!(
                "tencent-mongodb",
                tencent_mongodb,
                Tencent,
                DescribeDbInstanceParamTplDetailInput
            ),
            decoder!(
                "tencent-mongodb",
                tencent_mongodb,
                Tencent,
                DescribeInstanceParamsInput
            ),
            decoder!(
                "tencent-mongodb",
                tencent_mongodb,
                Tencent,
                DescribeSecurityGroupInput
            ),
            decoder!(
                "tencent-mongodb",
                tencent_mongodb,
                Tencent,
                DescribeDbBackupsInput
            ),
            decoder!(
                "tencent-mongodb",
                tencent_mongodb,
                Tencent,
                DescribeSlowLogsInput
            ),
            decoder!(
                "tencent-mongodb",
                tencent_mongodb,
                Tencent,
                DescribeAuditLogsInput
            ),
            decoder!(
                "tencent-mongodb",
                tencent_mongodb,
                Tencent,
                DescribeInstanceSslInput
            ),
            decoder!(
                "tencent-mongodb",
                tencent_mongodb,
                Tencent,
                InstanceEnableSslInput
            ),
            decoder!(
                "tencent-cdb",
                tencent_cdb,
                Tencent,
                DescribeDbInstancesInput
            ),
            decoder!(
                "tencent-cdb",
                tencent_cdb,
                Tencent,
                DescribeCdbZoneConfigInput
            ),
            decoder!("tencent-cdb", tencent_cdb, Tencent, DescribeRoGroupsInput),
            decoder!(
                "tencent-cdb",
                tencent_cdb,
                Tencent,
                DescribeCdbProxyInfoInput
            ),
            decoder!("tencent-cdb", tencent_cdb, Tencent, DescribeBackupsInput),
            decoder!("tencent-cdb", tencent_cdb, Tencent, DescribeAuditLogsInput),
            decoder!(
                "tencent-cdb",
                tencent_cdb,
                Tencent,
                DescribeInstanceParamsInput
            ),
            decoder!("tencent-cdb", tencent_cdb, Tencent, DescribeSlowLogsInput),
            decoder!("tencent-cdb", tencent_cdb, Tencent, DescribeTasksInput),
            decoder!("tencent-cdb", tencent_cdb, Tencent, DescribeSslStatusInput),
            decoder!("tencent-cdb", tencent_cdb, Tencent, OpenSslInput),
            decoder!("tencent-cdb", tencent_cdb, Tencent, CloseSslInput),
            decoder!(
                "tencent-postgres",
                tencent_postgres,
                Tencent,
                DescribeReadOnlyGroupsInput
            ),
            decoder!(
                "tencent-postgres",
                tencent_postgres,
                Tencent,
                DescribeDbInstancesInput
            ),
            decoder!(
                "tencent-postgres",
                tencent_postgres,
                Tencent,
                DescribeDbInstanceAttributeInput
            ),
            decoder!(
                "tencent-postgres",
                tencent_postgres,
                Tencent,
                DescribeTasksInput
            ),
            decoder!(
                "tencent-postgres",
                tencent_postgres,
                Tencent,
                DescribeDbInstanceParametersInput
            ),
            decoder!(
                "tencent-postgres",
                tencent_postgres,
                Tencent,
                DescribeDbBackupsInput
            ),
            decoder!(
                "tencent-postgres",
                tencent_postgres,
                Tencent,
                DescribeAuditLogsInput
            ),
            decoder!(
                "tencent-postgres",
                tencent_postgres,
                Tencent,
                DescribeDbInstanceSslConfigInput
            ),
            decoder!(
                "tencent-postgres",
                tencent_postgres,
                Tencent,
                ModifyDbInstanceSslConfigInput
            ),
            decoder!(
                "huawei-geminidb",
                huawei_geminidb,
                Huawei,
                ListInstancesInput
            ),
            decoder!(
                "huawei-geminidb",
                huawei_geminidb,
                Huawei,
                CreateInstanceInput
            ),
            decoder!(
                "huawei-geminidb",
                huawei_geminidb,
                Huawei,
                ListLtsConfigsInput
            ),
            decoder!(
                "huawei-geminidb",
                huawei_geminidb,
                Huawei,
                ListDbCacheRulesInput
            ),
            decoder!(
                "huawei-geminidb",
                huawei_geminidb,
                Huawei,
                ShowConfigurationDetailInput
            ),
            decoder!(
                "huawei-geminidb",
                huawei_geminidb,
                Huawei,
                ShowAllInstancesBackupsNewInput
            ),
            decoder!("huawei-geminidb", huawei_geminidb, Huawei, ListBackupsInput),
            decoder!(
                "huawei-geminidb",
                huawei_geminidb,
                Huawei,
                ListAvailableFlavorInfosInput
            ),
            decoder!(
                "huawei-geminidb",
                huawei_geminidb,
                Huawei,
                ShowErrorLogInput
            ),
            decoder!(
                "huawei-geminidb",
                huawei_geminidb,
                Huawei,
                ListApiVersionInput
            ),
            decoder!("huawei-geminidb", huawei_geminidb, Huawei, SwitchSslInput),
        ]
    })
}

/// Runs one input.
pub fn run(data: &[u8]) -> u64 {
    let Some((&pick, rest)) = data.split_first() else {
        return Label::new("empty").finish();
    };
    let decoders = decoders();
    let index = usize::from(pick) % decoders.len();
    let decoder = &decoders[index];
    let message = wire::parse(rest);
    let status = std::str::from_utf8(message.start)
        .ok()
        .and_then(|s| s.trim().parse::<u16>().ok())
        .unwrap_or(200);
    // The HTTP layer hands over headers as text (reqwest: values that are not visible ASCII
    // are dropped, which lossy conversion stands in for).
    let headers = message
        .headers
        .iter()
        .map(|(name, value)| {
            (
                String::from_utf8_lossy(name).into_owned(),
                String::from_utf8_lossy(value).into_owned(),
            )
        })
        .collect();
    let response = HttpResponse {
        status,
        headers,
        body: message.body.to_vec().into(),
    };
    let label = (decoder.decode)(&decoder.info, response);
    Label::new(decoder.service)
        .number(index as u64)
        .number(label)
        .finish()
}

fn decode_as<O>(info: &OperationInfo, vendor: Vendor, response: HttpResponse) -> u64
where
    O: DeserializeOwned + Serialize + PartialEq + Debug,
{
    let status = response.status;
    let decoded = match vendor {
        Vendor::Huawei => cloud_transport::fuzzing::decode_huawei::<O>(info, response),
        _ => cloud_transport::fuzzing::decode_tencent::<O>(info, response),
    };
    match decoded.result {
        Ok(output) => {
            let _ = format!("{output:?}");
            let value = serde_json::to_value(&output).unwrap_or_else(|e| {
                panic!("{}: a decoded output does not serialize: {e}", info.name)
            });
            let again: O = cloud_transport::codec::from_value(value.clone()).unwrap_or_else(|e| {
                panic!(
                    "{}: a decoded output, serialized, does not decode again: {e}\n{value}",
                    info.name
                )
            });
            assert_eq!(
                again, output,
                "{}: the output changed in a round trip",
                info.name
            );
            Label::new("ok").finish()
        }
        Err(error) => {
            let kind = error.kind();
            assert!(
                matches!(kind, ErrorKind::Service | ErrorKind::Decode),
                "{}: a response gave a {kind:?} error: {error}",
                info.name
            );
            if kind == ErrorKind::Decode {
                assert_eq!(
                    error.http_status(),
                    Some(status),
                    "a decode error without its status"
                );
            }
            let _ = error.to_string();
            let _ = format!("{error:?}");
            let label = Label::new(&format!("{kind:?}"))
                .number(u64::from(decoded.retried))
                .number(u64::from(decoded.server_time.is_some()))
                .number(u64::from(error.request_id().is_some()))
                .number(status_class(error.http_status()));
            if kind == ErrorKind::Decode {
                // The service's own texts (codes, messages) are the input's, not behaviour.
                let message = error.message();
                let message = message
                    .strip_prefix(info.name)
                    .and_then(|m| m.strip_prefix(": "))
                    .unwrap_or(message);
                label.message(message).finish()
            } else {
                label
                    .number(u64::from(error.code().is_some_and(str::is_empty)))
                    .number(u64::from(error.message().is_empty()))
                    .finish()
            }
        }
    }
}

/// 1 to 5 for the HTTP status classes, 0 for none or a number outside them.
fn status_class(status: Option<u16>) -> u64 {
    match status.map(|s| s / 100) {
        Some(class @ 1..=5) => u64::from(class),
        _ => 0,
    }
}

/// The documented responses of each operation (and the drifted variants the generated tests
/// read: unknown members, numbers as strings, nulls), in each vendor's envelope; the seed
/// pages' example responses; and error answers of every kind the vendors send.
pub fn seeds() -> Vec<Vec<u8>> {
    let examples: Vec<(&str, Value)> = [
        (
            "tencent-mongodb",
            include_str!("../../../tencent-mongodb/tests/examples.json"),
        ),
        (
            "tencent-cdb",
            include_str!("../../../tencent-cdb/tests/examples.json"),
        ),
        (
            "tencent-postgres",
            include_str!("../../../tencent-postgres/tests/examples.json"),
        ),
        (
            "huawei-geminidb",
            include_str!("../../../huawei-geminidb/tests/examples.json"),
        ),
    ]
    .into_iter()
    .filter_map(|(service, text)| Some((service, serde_json::from_str(text).ok()?)))
    .collect();
    let pages = [
        include_str!("../../../../tests/fixtures/seeds/000_19c078d7a64a3bd1.txt"),
        include_str!("../../../../tests/fixtures/seeds/001_6c082fecd76ea4e6.txt"),
    ];
    let mut seeds = Vec::new();
    for (index, decoder) in decoders().iter().enumerate() {
        let pick = index as u8;
        let huawei = decoder.service.starts_with("huawei");
        let success = decoder.info.http.map_or(200, |h| h.success_status);
        let mut bodies: Vec<Value> = Vec::new();
        if let Some((_, all)) = examples.iter().find(|(s, _)| *s == decoder.service) {
            let entry = &all[decoder.info.name];
            for example in entry["examples"].as_array().into_iter().flatten() {
                bodies.push(example["response"].clone());
            }
            for variant in ["unknown", "strings", "nulls", "sample"] {
                if !entry[variant].is_null() {
                    bodies.push(entry[variant].clone());
                }
            }
        }
        if decoder.service == "tencent-mongodb" {
            bodies.extend(page_responses(&pages, decoder.info.name));
        }
        for body in bodies {
            let (status, body) = if huawei {
                (success, body)
            } else {
                (200, json!({ "Response": body }))
            };
            seeds.push(response(pick, status, &[], &body.to_string()));
        }
        for (status, headers, body) in error_answers(huawei) {
            seeds.push(response(pick, status, &headers, &body));
        }
    }
    seeds
}

/// The JSON objects of a doc page's examples that answer `operation` (they hold `Response`).
fn page_responses(pages: &[&str], operation: &str) -> Vec<Value> {
    pages
        .iter()
        .filter(|page| page.contains(operation))
        .flat_map(|page| {
            page.match_indices('{').filter_map(|(at, _)| {
                let mut stream =
                    serde_json::Deserializer::from_str(&page[at..]).into_iter::<Value>();
                match stream.next() {
                    Some(Ok(Value::Object(mut map))) => map.remove("Response"),
                    _ => None,
                }
            })
        })
        .collect()
}

/// A response: status, headers, body.
type Answer = (u16, Vec<(&'static str, &'static str)>, String);

fn error_answers(huawei: bool) -> Vec<Answer> {
    let date = ("Date", "Tue, 02 Jan 2024 03:04:05 GMT");
    let mut answers = vec![
        (
            502,
            vec![("Content-Type", "text/html")],
            "<html><body><h1>502 Bad Gateway</h1></body></html>".to_owned(),
        ),
        (
            307,
            vec![("Location", "http://elsewhere.example/")],
            String::new(),
        ),
        (200, vec![], String::new()),
        (200, vec![], "[]".to_owned()),
        (200, vec![], "{\"Response\":".to_owned()),
    ];
    if huawei {
        answers.extend([
            (400, vec![("X-Request-Id", "0a1b")], json!({"error_code": "DBS.200001", "error_msg": "Parameter error"}).to_string()),
            (401, vec![date], json!({"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information", "request_id": "r"}).to_string()),
            (429, vec![("Retry-After", "1")], json!({"error_code": "APIGW.0308", "error_msg": "throttled"}).to_string()),
            (403, vec![], json!({"errorCode": "IAM.0002", "errorMsg": "forbidden", "encoded_authorization_message": "abc"}).to_string()),
            (404, vec![], json!({"error": {"code": 404, "message": "not found"}}).to_string()),
            (500, vec![], json!({"code": "X", "message": "m"}).to_string()),
            (202, vec![], "  \n".to_owned()),
        ]);
    } else {
        answers.extend([
            (200, vec![date], json!({"Response": {"Error": {"Code": "AuthFailure.SignatureExpire", "Message": "expired"}, "RequestId": "r"}}).to_string()),
            (200, vec![("Retry-After", "1")], json!({"Response": {"Error": {"Code": "RequestLimitExceeded", "Message": "slow down"}, "RequestId": "r"}}).to_string()),
            (200, vec![], json!({"Response": {"Error": {"Message": "no code"}}}).to_string()),
            (500, vec![], json!({"Response": {"RequestId": "r"}}).to_string()),
        ]);
    }
    answers
}

fn response(pick: u8, status: u16, headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    let mut seed = vec![pick];
    seed.extend(wire::render(&status.to_string(), &headers, body.as_bytes()));
    seed
}
