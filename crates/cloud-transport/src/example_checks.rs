//! The checks behind the tests generated for every service crate (feature `test-util`).
//!
//! Each generated crate has a `tests/examples.rs` with one test per operation and one per enum,
//! and the JSON they compare with in `tests/examples.json`. The tests hold only what must be
//! Rust (builder calls, type names); what they check is here, once:
//!
//! - a documented request, built with the operation's builder, is the docs' JSON
//!   ([`Examples::assert_request`]);
//! - every documented response decodes and writes back the documented values, and a response
//!   that drifts from the docs reads like the documented one: with members the docs do not list,
//!   with numbers sent as strings, with `null` in optional members
//!   ([`Examples::assert_responses`]);
//! - building without a required member fails naming it ([`assert_missing`]);
//! - enum values, documented or not, read and write back as themselves ([`assert_round_trip`],
//!   [`assert_read`]);
//! - secrets stay out of `Debug` output and in the JSON sent ([`assert_redacted`]).
//!
//! Every check panics with the operation, the example and both values, as a failing test should.
//!
//! # `examples.json`
//!
//! An object with one member per operation (by its vendor name), each holding:
//!
//! | member | what |
//! |---|---|
//! | `examples` | the documented examples: `request` (the JSON the builder must produce), `response` (as documented), `written` (what the output type writes back after reading it) |
//! | `sample` | a response with every member the output type has |
//! | `unknown` | `sample` with members the docs do not list, at every depth |
//! | `strings` | `sample` with its numbers sent as strings, or `null` when it has none |
//! | `nulls` | `sample` with `null` in every optional member, or `null` when it has none |
//!
//! ```
//! use cloud_transport::example_checks::Examples;
//!
//! #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
//! #[serde(rename_all = "PascalCase")]
//! struct DescribeOutput {
//!     status: Option<i64>,
//!     request_id: String,
//! }
//!
//! static EXAMPLES: Examples = Examples::new(r#"{"Describe": {
//!     "examples": [{"request": {"InstanceId": "i-1"},
//!                   "response": {"Status": 1, "RequestId": "r"},
//!                   "written": {"Status": 1, "RequestId": "r"}}],
//!     "sample": {"Status": 7, "RequestId": "s"},
//!     "unknown": {"Status": 7, "RequestId": "s", "Later": true},
//!     "strings": {"Status": "7", "RequestId": "s"},
//!     "nulls": {"Status": null, "RequestId": "s"}
//! }}"#);
//!
//! // What a builder's `to_json()` gives:
//! let built = Ok(serde_json::json!({"InstanceId": "i-1"}));
//! EXAMPLES.assert_request("Describe", 0, built);
//! EXAMPLES.assert_responses::<DescribeOutput>("Describe");
//! ```

use std::fmt::Debug;
use std::sync::OnceLock;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::{codec, Error, ErrorKind};

/// A crate's `examples.json`, parsed on first use. Made in a `static` from `include_str!`.
#[derive(Debug)]
pub struct Examples {
    text: &'static str,
    parsed: OnceLock<Value>,
}

impl Examples {
    /// The examples in `json` (the text of `examples.json`); parsed when first used.
    pub const fn new(json: &'static str) -> Examples {
        Examples {
            text: json,
            parsed: OnceLock::new(),
        }
    }

    /// The entry of `operation`.
    ///
    /// # Panics
    ///
    /// If the text is not a JSON object or has no entry for `operation`.
    fn operation(&self, operation: &str) -> &Value {
        let data = self.parsed.get_or_init(|| {
            serde_json::from_str(self.text)
                .unwrap_or_else(|e| panic!("examples.json is not JSON: {e}"))
        });
        match data.get(operation) {
            Some(entry) if entry.is_object() => entry,
            _ => panic!("examples.json has no entry for `{operation}`"),
        }
    }

    /// Documented example `n` of `operation`: `request` (an input's JSON, as a builder's
    /// `to_json()` gives it) is the docs' request.
    ///
    /// # Panics
    ///
    /// If building failed, if there is no example `n`, or if the JSON differs.
    pub fn assert_request(&self, operation: &str, n: usize, request: crate::Result<Value>) {
        let built = request.unwrap_or_else(|e| panic!("{operation}: example {n}: {e}"));
        let expected = self.operation(operation)["examples"]
            .get(n)
            .and_then(|example| example.get("request"))
            .unwrap_or_else(|| panic!("{operation}: examples.json has no request {n}"));
        assert_eq!(
            &built, expected,
            "{operation}: example {n}: the built request is not the documented one"
        );
    }

    /// `O`, the output of `operation`, reads every documented response and writes back the
    /// documented values; and reads responses that drift from the docs like the documented
    /// `sample`: with members the docs do not list, with numbers sent as strings, and with
    /// `null` in every optional member (which reads as if the member were absent).
    ///
    /// # Panics
    ///
    /// If a response does not decode, or reads differently than it should.
    pub fn assert_responses<O>(&self, operation: &str)
    where
        O: DeserializeOwned + Serialize + PartialEq + Debug,
    {
        let data = self.operation(operation);
        let examples = data["examples"]
            .as_array()
            .unwrap_or_else(|| panic!("{operation}: examples.json has no `examples` list"));
        for (n, example) in examples.iter().enumerate() {
            let read: O = read(&example["response"], operation);
            let written = serde_json::to_value(&read)
                .unwrap_or_else(|e| panic!("{operation}: example {n}: cannot serialize: {e}"));
            assert_eq!(
                written, example["written"],
                "{operation}: example {n}: the documented response does not read back as documented"
            );
        }
        let documented: O = read(&data["sample"], operation);
        let unknown: O = read(&data["unknown"], operation);
        assert_eq!(
            unknown, documented,
            "{operation}: a response with members the docs do not list"
        );
        if !data["strings"].is_null() {
            let strings: O = read(&data["strings"], operation);
            assert_eq!(
                strings, documented,
                "{operation}: a response with numbers sent as strings"
            );
        }
        if !data["nulls"].is_null() {
            let nulls: O = read(&data["nulls"], operation);
            let absent: O = read(&without_nulls(data["nulls"].clone()), operation);
            assert_eq!(
                nulls, absent,
                "{operation}: a response with null members reads as if they were absent"
            );
        }
    }
}

/// Reads `T` from JSON the way the client reads responses ([`codec::from_value`]).
fn read<T: DeserializeOwned>(json: &Value, operation: &str) -> T {
    codec::from_value(json.clone())
        .unwrap_or_else(|e| panic!("{operation}: cannot decode {json}: {e}"))
}

/// `value` without the object members that are `null`, at any depth.
fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(members) => members
            .into_iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (k, without_nulls(v)))
            .collect(),
        Value::Array(items) => items.into_iter().map(without_nulls).collect(),
        other => other,
    }
}

/// The value the JSON `text` gives: a structure a test passes to a setter, say.
///
/// # Panics
///
/// If `text` is not JSON for `T`.
pub fn parse<T: DeserializeOwned>(text: &str) -> T {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("cannot parse {text}: {e}"))
}

/// `value` serializes to the JSON text `expected`.
///
/// # Panics
///
/// If it does not, or `expected` is not JSON.
pub fn assert_json<T: Serialize>(value: &T, expected: &str) {
    let actual = serde_json::to_value(value).expect("generated types serialize");
    let expected: Value = serde_json::from_str(expected).expect("the expected text is JSON");
    assert_eq!(actual, expected);
}

/// Building without the required `member` failed with [`ErrorKind::InvalidInput`] naming it
/// (in backquotes, by its wire name).
///
/// # Panics
///
/// If building succeeded, or failed otherwise.
pub fn assert_missing<T: Debug>(built: Result<T, Error>, member: &str) {
    let err = match built {
        Ok(input) => panic!("built without the required `{member}`: {input:?}"),
        Err(err) => err,
    };
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    let named = err.to_string().contains(&format!("`{member}`"));
    assert!(named, "the error does not name `{member}`: {err}");
}

/// `value` reads from the JSON text `json` and writes back as it.
///
/// # Panics
///
/// If either way differs.
pub fn assert_round_trip<T>(value: T, json: &str)
where
    T: DeserializeOwned + Serialize + PartialEq + Debug,
{
    let parsed: Value = serde_json::from_str(json).expect("the expected text is JSON");
    let read: T = read(&parsed, "round trip");
    assert_eq!(read, value, "{json} reads as another value");
    assert_json(&value, json);
}

/// The JSON string `text` reads as `value` (an integer enum sent as a string: `"1"`).
///
/// # Panics
///
/// If it reads as another value, or not at all.
pub fn assert_read<T: DeserializeOwned + PartialEq + Debug>(text: &str, value: T) {
    let read: T = read(&Value::from(text), "read");
    assert_eq!(read, value, "the string {text:?} reads as another value");
}

/// `value`, which holds each of `secrets`, shows none of them in its `Debug` output (plain or
/// `{:#?}`), and still has each in its JSON (the request sent).
///
/// # Panics
///
/// If a secret shows, or is missing from the JSON (then the test would prove nothing).
pub fn assert_redacted<T: Debug + Serialize>(value: &T, secrets: &[&str]) {
    assert!(!secrets.is_empty(), "no secret to look for");
    let json = serde_json::to_string(value).expect("generated types serialize");
    for debug in [format!("{value:?}"), format!("{value:#?}")] {
        for secret in secrets {
            assert!(
                json.contains(secret),
                "`{secret}` is not in the JSON, so its absence from `Debug` proves nothing: {json}"
            );
            assert!(!debug.contains(secret), "`Debug` shows `{secret}`: {debug}");
        }
        assert!(
            debug.contains("***"),
            "`Debug` does not mark what it hides: {debug}"
        );
    }
}

#[cfg(test)]
mod tests {
    use std::fmt;

    use serde::{Deserialize, Serialize};
    use serde_json::json;

    use super::*;

    #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Output {
        count: Option<u64>,
        name: Option<String>,
        request_id: String,
    }

    /// The data of one `Output` operation, `Describe`; `edit` changes it first.
    fn examples(edit: impl FnOnce(&mut Value)) -> Examples {
        let mut data = json!({"Describe": {
            "examples": [{
                "request": {"InstanceId": "i-1"},
                "response": {"Count": 2, "Name": "a", "RequestId": "r"},
                "written": {"Count": 2, "Name": "a", "RequestId": "r"},
            }],
            "sample": {"Count": 7, "Name": "n", "RequestId": "s"},
            "unknown": {"Count": 7, "Name": "n", "RequestId": "s", "Later": {"X": 1}},
            "strings": {"Count": "7", "Name": "n", "RequestId": "s"},
            "nulls": {"Count": null, "Name": null, "RequestId": "s"},
        }});
        edit(&mut data["Describe"]);
        Examples::new(Box::leak(data.to_string().into_boxed_str()))
    }

    #[test]
    fn documented_requests_and_responses_pass() {
        let ex = examples(|_| {});
        ex.assert_request("Describe", 0, Ok(json!({"InstanceId": "i-1"})));
        ex.assert_responses::<Output>("Describe");
    }

    #[test]
    #[should_panic(expected = "Describe: example 0: the built request is not the documented one")]
    fn a_request_unlike_the_docs_fails() {
        examples(|_| {}).assert_request("Describe", 0, Ok(json!({"InstanceId": "i-2"})));
    }

    #[test]
    #[should_panic(
        expected = "Describe: example 0: invalid input: Describe: the required member `InstanceId`"
    )]
    fn a_request_that_did_not_build_fails() {
        let err = Error::invalid_input("Describe: the required member `InstanceId` is not set");
        examples(|_| {}).assert_request("Describe", 0, Err(err));
    }

    #[test]
    #[should_panic(expected = "examples.json has no entry for `Gone`")]
    fn an_operation_without_data_fails() {
        examples(|_| {}).assert_responses::<Output>("Gone");
    }

    #[test]
    #[should_panic(expected = "does not read back as documented")]
    fn a_response_that_reads_back_differently_fails() {
        examples(|d| d["examples"][0]["written"]["Name"] = json!("b"))
            .assert_responses::<Output>("Describe");
    }

    /// Rejects members it does not know, as generated types must not.
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "PascalCase", deny_unknown_fields)]
    struct Strict {
        count: Option<u64>,
        name: Option<String>,
        request_id: String,
    }

    #[test]
    #[should_panic(expected = "cannot decode")]
    fn a_type_that_rejects_unknown_members_fails() {
        examples(|_| {}).assert_responses::<Strict>("Describe");
    }

    /// Keeps a number as whatever JSON it came as, so `"7"` is not `7`.
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct RawCount {
        count: Option<Value>,
        name: Option<String>,
        request_id: String,
    }

    #[test]
    #[should_panic(expected = "a response with numbers sent as strings")]
    fn a_type_that_reads_numbers_as_strings_differently_fails() {
        examples(|_| {}).assert_responses::<RawCount>("Describe");
    }

    /// `name` is not an `Option`, so `null` does not read.
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct NameRequired {
        count: Option<u64>,
        #[serde(default)]
        name: String,
        request_id: String,
    }

    #[test]
    #[should_panic(expected = "cannot decode")]
    fn a_type_that_rejects_null_fails() {
        examples(|_| {}).assert_responses::<NameRequired>("Describe");
    }

    #[test]
    fn missing_members_must_be_named() {
        let err = Error::invalid_input("Describe: the required member `InstanceId` is not set");
        assert_missing::<()>(Err(err), "InstanceId");
        let other = std::panic::catch_unwind(|| {
            let err = Error::invalid_input("Describe: the required member `Zone` is not set");
            assert_missing::<()>(Err(err), "InstanceId")
        });
        assert!(other.is_err(), "another member named");
        let built = std::panic::catch_unwind(|| assert_missing(Ok(()), "InstanceId"));
        assert!(built.is_err(), "built anyway");
    }

    #[test]
    fn round_trips_and_lenient_reads() {
        assert_round_trip(Some(5u64), "5");
        assert_read("5", 5u64);
        assert!(std::panic::catch_unwind(|| assert_round_trip(5u64, "6")).is_err());
        assert!(std::panic::catch_unwind(|| assert_json(&5u64, r#""5""#)).is_err());
        let parsed: Vec<u8> = parse("[1, 2]");
        assert_eq!(parsed, [1, 2]);
    }

    #[derive(Serialize)]
    struct Login {
        user: String,
        password: Option<String>,
    }

    /// What the generator writes for a structure with a secret member.
    impl fmt::Debug for Login {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("Login")
                .field("user", &self.user)
                .field("password", &self.password.as_ref().map(|_| "***"))
                .finish()
        }
    }

    /// The same with the derived `Debug`.
    #[derive(Debug, Serialize)]
    struct LeakyLogin {
        user: String,
        password: Option<String>,
    }

    #[test]
    fn secrets_must_stay_out_of_debug_and_in_the_json() {
        let login = Login {
            user: "admin".into(),
            password: Some("hunter2-secret".into()),
        };
        assert_redacted(&login, &["hunter2-secret"]);
        assert_eq!(
            format!("{login:?}"),
            r#"Login { user: "admin", password: Some("***") }"#
        );
        let leaky = LeakyLogin {
            user: "admin".into(),
            password: Some("hunter2-secret".into()),
        };
        let shown = std::panic::catch_unwind(|| assert_redacted(&leaky, &["hunter2-secret"]));
        assert!(shown.is_err(), "the derived Debug shows the password");
        let not_set = Login {
            user: "admin".into(),
            password: None,
        };
        let vacuous = std::panic::catch_unwind(|| assert_redacted(&not_set, &["hunter2-secret"]));
        assert!(
            vacuous.is_err(),
            "a secret that is not there proves nothing"
        );
    }
}
