//! Signing vectors: the one Tencent publishes in its "Signature v3" document, and the ones the
//! vendors' official Python SDKs computed (`tests/conformance/gen_vectors.py`, committed as
//! `tests/vectors/{tencent,huawei}.json`). Every vector's canonical request, signature and
//! Authorization header must match byte for byte.

//!
//! Each vendor's tests compile with its feature; the conformance command runs them with
//! `--features tencent,huawei`.

#![cfg(any(feature = "tencent", feature = "huawei"))]

use std::path::Path;

#[cfg(feature = "huawei")]
use cloud_transport::sign::huawei;
#[cfg(feature = "tencent")]
use cloud_transport::sign::tc3;
use cloud_transport::Secret;
use serde_json::Value;

#[cfg(feature = "tencent")]
/// Tencent's published example (cloud.tencent.com/document/api/213/30654): the body holds the
/// JSON escapes `\u672a...` literally, as the document sends them.
#[test]
fn tencent_published_vector() {
    let body = br#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
    let request = tc3::Tc3Request {
        content_type: "application/json; charset=utf-8",
        ..tc3::Tc3Request::post_json("cvm.tencentcloudapi.com", body)
    };
    let signed = tc3::Signer::new()
        .sign(
            "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
            &Secret::new("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"),
            "cvm",
            1551113065,
            &request,
        )
        .expect("the published request is valid");
    assert_eq!(
        signed.canonical_request,
        "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\ncontent-type;host\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
    );
    assert_eq!(
        signed.signature,
        "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    );
    assert_eq!(
        signed.authorization,
        "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    );
}

/// The committed vector files. Each must hold at least this many vectors, so an emptied or
/// truncated file fails instead of passing vacuously.
const MIN_VECTORS: usize = 20;

fn load(file: &str) -> Vec<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let root: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
    let vectors = root["vectors"]
        .as_array()
        .unwrap_or_else(|| panic!("{} has no `vectors` array", path.display()))
        .clone();
    assert!(
        vectors.len() >= MIN_VECTORS,
        "{} holds {} vectors, expected at least {MIN_VECTORS}",
        path.display(),
        vectors.len()
    );
    let mut names: Vec<&str> = vectors.iter().map(|v| str_at(v, "/name")).collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(
        before,
        names.len(),
        "{} has duplicate vector names",
        path.display()
    );
    vectors
}

fn str_at<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("vector {} has no string at {pointer}", v["name"]))
}

#[cfg(feature = "huawei")]
fn opt_str_at<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer).and_then(Value::as_str)
}

/// Runs `check` on every vector and reports all failures at once, by name.
fn check_all(vectors: &[Value], check: impl Fn(&Value) -> Result<(), String>) {
    let failures: Vec<String> = vectors
        .iter()
        .filter_map(|v| {
            check(v)
                .err()
                .map(|e| format!("[{}] {e}", str_at(v, "/name")))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} vectors failed:\n{}",
        failures.len(),
        vectors.len(),
        failures.join("\n")
    );
}

fn same(what: &str, ours: &str, official: &str) -> Result<(), String> {
    if ours == official {
        Ok(())
    } else {
        Err(format!(
            "{what} differs\n  ours:     {ours:?}\n  official: {official:?}"
        ))
    }
}

/// [`same`] for each (what, ours, where the vector `v` has the official value).
fn all_same(v: &Value, parts: &[(&str, &str, &str)]) -> Result<(), String> {
    parts
        .iter()
        .try_for_each(|(what, ours, at)| same(what, ours, str_at(v, at)))
}

#[cfg(feature = "tencent")]
#[test]
fn tencent_official_sdk_vectors() {
    let vectors = load("tencent.json");
    let signer = tc3::Signer::new();
    check_all(&vectors, |v| {
        let request = tc3::Tc3Request {
            method: str_at(v, "/input/method"),
            host: str_at(v, "/input/host"),
            query: str_at(v, "/input/query"),
            content_type: str_at(v, "/input/content_type"),
            body: str_at(v, "/input/body").as_bytes(),
            unsigned_payload: v["input"]["unsigned_payload"] == Value::Bool(true),
        };
        let secret = Secret::new(str_at(v, "/input/secret_key"));
        let timestamp = v["input"]["timestamp"]
            .as_i64()
            .ok_or("timestamp is not an integer")?;
        let signed = signer
            .sign(
                str_at(v, "/input/secret_id"),
                &secret,
                str_at(v, "/input/service"),
                timestamp,
                &request,
            )
            .map_err(|e| format!("sign failed: {e}"))?;
        all_same(
            v,
            &[
                (
                    "canonical request",
                    &signed.canonical_request,
                    "/expected/canonical_request",
                ),
                (
                    "string to sign",
                    &signed.string_to_sign,
                    "/expected/string_to_sign",
                ),
                ("signature", &signed.signature, "/expected/signature"),
                (
                    "authorization",
                    &signed.authorization,
                    "/expected/authorization",
                ),
                (
                    "sent Authorization",
                    &signed.authorization,
                    "/headers/Authorization",
                ),
            ],
        )?;
        // The client's path (no intermediate strings) must send the same header.
        let fast = signer
            .authorization(
                str_at(v, "/input/secret_id"),
                &secret,
                str_at(v, "/input/service"),
                timestamp,
                &request,
            )
            .map_err(|e| format!("authorization failed: {e}"))?;
        same(
            "Authorization (client path)",
            &fast,
            str_at(v, "/expected/authorization"),
        )?;
        // The verifier side: the header the SDK sent parses and verifies against the request.
        let parsed = tc3::parse_authorization(str_at(v, "/headers/Authorization"))
            .map_err(|e| format!("parse failed: {e}"))?;
        tc3::verify(&parsed, &secret, timestamp, &request)
            .map_err(|e| format!("verify failed: {e}"))?;
        Ok(())
    });
}

#[cfg(feature = "huawei")]
/// The query pairs as the SDK's signer sees them: `str()` of each value, `true`/`false` for
/// booleans, a list value expanded into one pair per element.
fn huawei_query(v: &Value) -> Result<Vec<(String, String)>, String> {
    let scalar = |x: &Value| match x {
        Value::String(s) => Ok(s.clone()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(format!("unsupported query value {other}")),
    };
    let mut pairs = Vec::new();
    for pair in v["input"]["query"]
        .as_array()
        .ok_or("input.query is not an array")?
    {
        let key = pair[0].as_str().ok_or("query key is not a string")?;
        match &pair[1] {
            Value::Array(items) => {
                for item in items {
                    pairs.push((key.to_owned(), scalar(item)?));
                }
            }
            value => pairs.push((key.to_owned(), scalar(value)?)),
        }
    }
    Ok(pairs)
}

#[cfg(feature = "huawei")]
#[test]
fn huawei_official_sdk_vectors() {
    let vectors = load("huawei.json");
    check_all(&vectors, |v| {
        let sent = v["sent"]["headers"]
            .as_object()
            .ok_or("sent.headers is not an object")?;
        let headers: Vec<(&str, &str)> = sent
            .iter()
            .filter(|(name, _)| name.as_str() != "Authorization")
            .map(|(name, value)| (name.as_str(), value.as_str().unwrap_or_default()))
            .collect();
        let query = huawei_query(v)?;
        let query: Vec<(&str, &str)> = query
            .iter()
            .map(|(k, val)| (k.as_str(), val.as_str()))
            .collect();
        let request = huawei::HuaweiRequest {
            method: str_at(v, "/input/method"),
            path: str_at(v, "/input/path"),
            query: &query,
            headers: &headers,
            body: str_at(v, "/input/body").as_bytes(),
        };
        let secret = Secret::new(str_at(v, "/input/sk"));
        let signed = huawei::sign(str_at(v, "/input/ak"), &secret, &request)
            .map_err(|e| format!("sign failed: {e}"))?;
        all_same(
            v,
            &[
                (
                    "canonical request",
                    &signed.canonical_request,
                    "/expected/canonical_request",
                ),
                (
                    "string to sign",
                    &signed.string_to_sign,
                    "/expected/string_to_sign",
                ),
                (
                    "signed headers",
                    &signed.signed_headers,
                    "/expected/signed_headers",
                ),
                ("signature", &signed.signature, "/expected/signature"),
                (
                    "authorization",
                    &signed.authorization,
                    "/expected/authorization",
                ),
            ],
        )?;
        // The client's path (no intermediate strings) must send the same header.
        let fast = huawei::authorization(str_at(v, "/input/ak"), &secret, &request)
            .map_err(|e| format!("authorization failed: {e}"))?;
        same(
            "Authorization (client path)",
            &fast,
            str_at(v, "/expected/authorization"),
        )?;

        // The official client adds X-Sdk-Content-Sha256 for non-JSON content types; our predicate
        // for that must agree with what it did.
        let had = |map: &serde_json::Map<String, Value>| {
            map.keys()
                .any(|k| k.eq_ignore_ascii_case(huawei::HEADER_CONTENT_SHA256))
        };
        let given = v["input"]["headers"]
            .as_object()
            .ok_or("input.headers is not an object")?;
        let content_type = opt_str_at(v, "/input/headers/Content-Type").unwrap_or("");
        if had(sent) != (had(given) || huawei::content_type_needs_unsigned_payload(content_type)) {
            return Err("content_type_needs_unsigned_payload disagrees with the SDK".into());
        }

        // The verifier side: rebuild the request from what went on the wire (the URI the SDK
        // sent, query decoded from it) and verify the SDK's header.
        let uri = str_at(v, "/sent/uri");
        let (path, raw_query) = uri.split_once('?').unwrap_or((uri, ""));
        let received_query = huawei::parse_query(raw_query);
        let received_query: Vec<(&str, &str)> = received_query
            .iter()
            .map(|(k, val)| (k.as_str(), val.as_str()))
            .collect();
        let received = huawei::HuaweiRequest {
            path,
            query: &received_query,
            ..request
        };
        let parsed = huawei::parse_authorization(str_at(v, "/sent/headers/Authorization"))
            .map_err(|e| format!("parse failed: {e}"))?;
        huawei::verify(&parsed, &secret, &received).map_err(|e| format!("verify failed: {e}"))?;
        Ok(())
    });
}
