//! Emitter tests on specs built in code. The real specs are compiled and tested through the
//! generated crates themselves; the kitchen-sink spec here covers what they do not use (maps,
//! JSON members, floats, negative and unsigned integers, structures in requests, deprecated
//! members, recursive shapes, REST members in every location), and one ignored test compiles and
//! tests the crate it generates.

use serde_json::{json, Value};

use super::{emit_service, emit_service_at, EmitError};
use crate::{GeneratedFile, GENERATED_NOTICE};

/// A Tencent service using every feature of the spec format.
fn kitchen_sink() -> Value {
    serde_json::from_str(include_str!("fixtures/kitchen_sink.json")).expect("the fixture is JSON")
}

/// A Huawei service with members in the path, the query and headers.
fn rest_service() -> Value {
    serde_json::from_str(include_str!("fixtures/rest_service.json")).expect("the fixture is JSON")
}

fn service(value: Value) -> cloud_spec::Service {
    serde_json::from_value(value).expect("fixture specs deserialize")
}

fn emit(value: Value) -> Result<Vec<GeneratedFile>, EmitError> {
    emit_service(&service(value))
}

fn file<'a>(files: &'a [GeneratedFile], path: &str) -> &'a str {
    files
        .iter()
        .find(|f| f.path.to_str() == Some(path))
        .map(|f| f.contents.as_str())
        .unwrap_or_else(|| panic!("{path} was not generated"))
}

fn emit_error(value: Value) -> EmitError {
    match emit(value) {
        Ok(_) => panic!("the spec should be rejected"),
        Err(e) => e,
    }
}

#[test]
fn output_is_deterministic_and_every_file_says_it_is_generated() {
    for spec in [kitchen_sink(), rest_service()] {
        let first = emit(spec.clone()).unwrap();
        let second = emit(spec).unwrap();
        assert_eq!(first, second);
        for f in &first {
            let first_line = f.contents.lines().next().unwrap_or_default();
            let expected = match f.path.extension().and_then(|e| e.to_str()) {
                Some("rs") => format!("// {GENERATED_NOTICE}"),
                Some("toml") => format!("# {GENERATED_NOTICE}"),
                Some("md") => format!("<!-- {GENERATED_NOTICE} -->"),
                // JSON has no comments: the notice is the first member.
                Some("json") => "{".to_owned(),
                other => panic!("unexpected file type {other:?}"),
            };
            assert_eq!(first_line, expected, "{}", f.path.display());
            assert!(
                crate::generate::is_generated(&f.contents),
                "{}",
                f.path.display()
            );
            assert!(f.path.starts_with("crates"), "{}", f.path.display());
            assert!(
                !f.contents.contains(" \n"),
                "trailing space in {}",
                f.path.display()
            );
        }
    }
}

#[test]
fn crate_layout() {
    let files = emit(kitchen_sink()).unwrap();
    let mut paths: Vec<String> = files.iter().map(|f| f.path.display().to_string()).collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "crates/tencent-fixture/Cargo.toml",
            "crates/tencent-fixture/README.md",
            "crates/tencent-fixture/src/client.rs",
            "crates/tencent-fixture/src/error_codes.rs",
            "crates/tencent-fixture/src/lib.rs",
            "crates/tencent-fixture/src/operations.rs",
            "crates/tencent-fixture/src/types.rs",
            "crates/tencent-fixture/tests/examples.json",
            "crates/tencent-fixture/tests/examples.rs",
        ]
    );
    let cargo = file(&files, "crates/tencent-fixture/Cargo.toml");
    assert!(cargo
        .contains(r#"cloud-transport = { workspace = true, features = ["tencent", "rustls"] }"#));
    assert!(cargo.contains(r#"native-tls = ["cloud-transport/native-tls"]"#));
    assert!(cargo.contains("edition = \"2024\""), "merged doctests");
    for key in [
        "description =",
        "license.workspace",
        "repository.workspace",
        "readme =",
        "keywords =",
        "categories =",
        "rust-version.workspace",
        "documentation =",
        "include = [",
        "[package.metadata.docs.rs]",
    ] {
        assert!(cargo.contains(key), "Cargo.toml lacks {key}");
    }
    // Its own version (a crate not in the workspace yet starts at the first one).
    assert!(cargo.contains("\nversion = \"0.1.0\"\n"), "{cargo}");
    let at = emit_service_at(&service(kitchen_sink()), "2.3.4").unwrap();
    assert!(file(&at, "crates/tencent-fixture/Cargo.toml").contains("\nversion = \"2.3.4\"\n"));
}

#[test]
fn names_types_and_serde_attributes() {
    let files = emit(kitchen_sink()).unwrap();
    let op = file(&files, "crates/tencent-fixture/src/operations.rs");
    // Wire names follow the struct's `rename_all` rule, or are renamed one by one.
    assert!(op.contains(
        "#[serde(rename_all = \"PascalCase\")]\n#[non_exhaustive]\npub struct DescribeThingsInput {"
    ));
    assert!(op
        .contains("    #[serde(rename = \"IPv6Address\")]\n    pub ipv6_address: Option<String>,"));
    assert!(op.contains("    #[serde(rename = \"type\")]\n    pub kind: Option<String>,"));
    assert!(op.contains("    /// Page size.\n    pub limit: Option<i32>,"));
    // Inputs: every member is an `Option` (required ones are checked when built), and no
    // per-member attribute is needed to leave absent ones out or to read numbers sent as strings.
    assert!(op.contains("pub thing_ids: Option<Vec<String>>,"));
    assert!(!op.contains("skip_serializing_if") && !op.contains("deserialize_with"));
    assert!(op.contains("const REQUIRED: &'static [&'static str] = &[\"ThingIds\"];"));
    // Outputs: required members are plain, nullable or optional ones `Option`; shapes are
    // named through `types`.
    assert!(op.contains("pub total: u64,"));
    assert!(op.contains("pub things: Option<Vec<types::Thing>>,"));
    assert!(op.contains("pub scores: Option<BTreeMap<String, f64>>,"));
    assert!(op.contains("pub meta: Option<serde_json::Value>,"));
    // Shapes that requests hold leave absent members out; the others write `null`.
    let types = file(&files, "crates/tencent-fixture/src/types.rs");
    let filter = &types[types.find("pub struct Filter").unwrap()..];
    assert!(filter[..filter.find('}').unwrap()].contains("skip_serializing_if"));
    let thing = &types[types.find("pub struct Thing ").unwrap()..];
    assert!(!thing[..thing.find('}').unwrap()].contains("skip_serializing_if"));
    // Deprecated members and operations say so.
    assert!(op.contains("#[deprecated(note = \"deprecated by the vendor\")]"));
    let client = file(&files, "crates/tencent-fixture/src/client.rs");
    assert!(client
        .contains("#[deprecated(note = \"deprecated by the vendor\")]\n    pub fn toggle_thing"));
    // One builder for all operations; setters per input; `send` only with a client.
    assert!(op.contains("pub struct Request<I, C = Client> {"));
    assert!(op.contains("impl<I: Operation> Request<I, Client> {"));
    assert!(op.contains("impl<C> Request<DescribeThingsInput, C> {"));
    assert!(client.contains("pub fn describe_things(&self) -> Request<DescribeThingsInput> {"));
    assert!(op.contains("value: impl IntoIterator<Item: Into<String>>"));
    assert!(op.contains("/// Sets [`thing_ids`](DescribeThingsInput::thing_ids) (required)."));
    // How each operation is called, as one `const` expression.
    assert!(op.contains(
        "const INFO: OperationInfo = OperationInfo::action(\"DescribeThings\")\n        .read_only()\n        .rate_limit(20)\n        .regions(&[\"ap-guangzhou\", \"ap-shanghai-fsi\"]);"
    ));
    // Waiters and regions reach the docs.
    assert!(client.contains(
        "polling [`Client::describe_things`] until:\n    ///\n    /// - its `Total` is `1`."
    ));
    assert!(client.contains("Served only in these regions:"));
    assert!(client.contains("`ap-guangzhou`, `ap-shanghai-fsi`."));
    assert!(types.contains("    Unknown(i64),"));
    assert!(types.contains("    Unknown(String),"));
    assert!(types.contains("-1 => Self::Off,"));
    assert!(types.contains("pub use cloud_transport::codec::Timestamp;"));
}

#[test]
fn vendor_docs_are_made_safe_for_rustdoc() {
    let files = emit(kitchen_sink()).unwrap();
    let lib = file(&files, "crates/tencent-fixture/src/lib.rs");
    assert!(lib.contains("<https://example.com/docs>"));
    assert!(lib.contains("list](https://example.com/list)") && !lib.contains("\\[the"));
    assert!(lib.contains("**bold**\\[1\\]"));
    let client = file(&files, "crates/tencent-fixture/src/client.rs");
    assert!(client.contains("/// ```text\n    /// {\"not\": \"rust\"}"));
    assert!(client.contains("/// indented, not code"));
    let op = file(&files, "crates/tencent-fixture/src/operations.rs");
    assert!(op.contains("IDs \\[up to 100\\]."));
}

#[test]
fn error_codes_are_constants_documented_per_operation() {
    let files = emit(kitchen_sink()).unwrap();
    let codes = file(&files, "crates/tencent-fixture/src/error_codes.rs");
    assert!(codes.contains(
        "/// `ResourceNotFound.Thing`: No such thing.\npub const RESOURCE_NOT_FOUND_THING: &str = \"ResourceNotFound.Thing\";"
    ));
    assert_eq!(
        codes.matches("pub const INTERNAL_ERROR: &str").count(),
        1,
        "de-duplicated"
    );
    assert!(codes.contains("/// `InternalError` (any operation): Internal error.\n"));
    // Constants read like a table: no blank line between one and the next one's docs.
    assert!(!codes.contains("\";\n\n///"));
    assert!(codes.contains("# By operation"));
    assert!(codes
        .contains("- [`ToggleThing`](crate::Client::toggle_thing): [`FAILED_OPERATION_LOCKED`]."));
}

#[test]
fn rest_members_go_where_the_binding_says_and_transport_members_are_not_fields() {
    let files = emit(rest_service()).unwrap();
    let op = file(&files, "crates/huawei-restful/src/operations.rs");
    let info = &op[op.find("OperationInfo::rest(").expect("a REST operation")..];
    let info: String = info[..info.find(';').unwrap()].split_whitespace().collect();
    assert!(info.starts_with(
        "OperationInfo::rest(\"SwitchThing\",\"POST\",\"/v3/{project_id}/things/{thing_id}\",202,)"
    ), "{info}");
    assert!(op.contains("(\"thing_id\", ParamLocation::Path)"));
    assert!(op.contains("(\"X-Language\", ParamLocation::Header)"));
    assert!(op.contains("(\"dry_run\", ParamLocation::Query)"));
    assert!(
        !op.contains("(\"option\", ParamLocation"),
        "body members are not listed"
    );
    assert!(
        !op.contains("project_id:") && !op.contains("x_auth_token"),
        "the transport fills these"
    );
    let client = file(&files, "crates/huawei-restful/src/client.rs");
    assert!(client.contains(
        "region_overrides: &[(\"eu-west-101\", \"rest.eu-west-101.myhuaweicloud.eu\")],"
    ));
    // The example's project_id is left out of the expected request, the rest kept (the secret
    // too: it is only hidden from `Debug`).
    let data = file(&files, "crates/huawei-restful/tests/examples.json");
    assert!(data.contains(
        r#"{"request":{"thing_id":"t1","option":"on","X-Language":"en-us","password":"Confirm-123"}"#
    ));
}

#[test]
fn secrets_are_hidden_from_debug_and_tested() {
    let files = emit(kitchen_sink()).unwrap();
    let ops = file(&files, "crates/tencent-fixture/src/operations.rs");
    let flat: String = ops.split_whitespace().collect();
    // Structs with a secret write their own `Debug`; the others derive it.
    assert!(flat.contains(
        "#[derive(Clone,Default,PartialEq,Serialize)]#[serde(rename_all=\"PascalCase\")]#[non_exhaustive]pubstructToggleThingInput{"
    ), "{ops}");
    assert!(
        flat.contains("#[derive(Debug,Clone,Default,PartialEq,Serialize)]"),
        "{ops}"
    );
    assert!(
        flat.contains("#[allow(deprecated)]implfmt::DebugforToggleThingInput{"),
        "{ops}"
    );
    for field in [
        r#".field("thing_id",&self.thing_id)"#,
        r#".field("admin_password",&self.admin_password.as_ref().map(|_|"***"))"#,
        r#".field("recovery_codes",&self.recovery_codes.as_ref().map(|_|"***"))"#,
        // A required output member is not an `Option`.
        r#".field("decryption_key",&"***")"#,
    ] {
        assert!(flat.contains(field), "{field} in {ops}");
    }
    assert!(ops.contains("use std::fmt;"));
    assert!(ops.contains("/// A secret: `Debug` output shows `***` in its place."));
    // The secret is still a plain, serialized field.
    assert!(ops.contains("pub admin_password: Option<String>,"));
    let types = file(&files, "crates/tencent-fixture/src/types.rs");
    let flat: String = types.split_whitespace().collect();
    assert!(
        flat.contains(r#".field("access_tokens",&self.access_tokens.as_ref().map(|_|"***"))"#),
        "{types}"
    );
    let tests = file(&files, "crates/tencent-fixture/tests/examples.rs");
    let flat: String = tests.split_whitespace().collect();
    for test in [
        r#"fntoggle_thing_input_keeps_secrets_out_of_debug(){letmutvalue=ToggleThingInput::default();value.admin_password=Some(String::from("secret-AdminPassword"));value.recovery_codes=Some(Vec::from([String::from("secret-RecoveryCodes")]));value.old_secret=Some(String::from("secret-OldSecret"));assert_redacted(&value,&["secret-AdminPassword","secret-RecoveryCodes","secret-OldSecret""#,
        r#"fntoggle_thing_output_keeps_secrets_out_of_debug(){letmutvalue=ToggleThingOutput::default();value.decryption_key=String::from("secret-DecryptionKey");assert_redacted(&value,&["secret-DecryptionKey"]);}"#,
        r#"fnthing_keeps_secrets_out_of_debug(){letmutvalue=Thing::default();value.access_tokens=Some(BTreeMap::from([(String::from("key"),String::from("secret-AccessTokens"))]),);assert_redacted(&value,&["secret-AccessTokens"]);}"#,
    ] {
        assert!(flat.contains(test), "{test} in {tests}");
    }
    assert!(
        !flat.contains("describe_things_input_keeps_secrets"),
        "no secret, no test"
    );
    let lib = file(&files, "crates/tencent-fixture/src/lib.rs");
    let words: Vec<&str> = lib.split_whitespace().filter(|w| *w != "//!").collect();
    assert!(
        words.join(" ").contains("print as `***` in `Debug` output"),
        "{lib}"
    );
    let rest = emit(rest_service()).unwrap();
    let ops = file(&rest, "crates/huawei-restful/src/operations.rs");
    assert!(ops.contains(r#".field("password", &self.password.as_ref().map(|_| "***"))"#));
}

#[test]
fn only_text_can_be_secret() {
    let spec = insert(
        kitchen_sink(),
        "/operations/ToggleThing/input/Mode",
        "sensitive",
        json!(true),
    );
    let err = emit_error(spec);
    assert_eq!(err.path, "operations.ToggleThing.input.Mode.sensitive");
    assert!(err.message.contains("not `ThingMode`"), "{err}");
}

fn with(mut spec: Value, pointer: &str, value: Value) -> Value {
    *spec
        .pointer_mut(pointer)
        .expect("the pointer exists in the fixture") = value;
    spec
}

fn insert(mut spec: Value, object_pointer: &str, key: &str, value: Value) -> Value {
    spec.pointer_mut(object_pointer)
        .and_then(Value::as_object_mut)
        .expect("the pointer names an object")
        .insert(key.to_owned(), value);
    spec
}

#[test]
fn two_wire_names_for_one_rust_name_are_rejected_naming_both() {
    let spec = insert(
        kitchen_sink(),
        "/operations/DescribeThings/input",
        "ipv6_address",
        json!({"type": "string"}),
    );
    let e = emit_error(spec);
    assert_eq!(e.path, "operations.DescribeThings.input.ipv6_address");
    assert!(
        e.message.contains("`IPv6Address` and `ipv6_address`"),
        "{e}"
    );
    assert!(e.message.contains("rust_name"), "{e}");
}

#[test]
fn keywords_need_a_rust_name() {
    let spec = with(
        kitchen_sink(),
        "/operations/DescribeThings/input/type",
        json!({"type": "string"}),
    );
    let e = emit_error(spec);
    assert_eq!(e.path, "operations.DescribeThings.input.type");
    assert!(e.message.contains("keyword `type`"), "{e}");
    let spec = with(
        kitchen_sink(),
        "/operations/DescribeThings/input/type/rust_name",
        json!("match"),
    );
    assert_eq!(
        emit_error(spec).path,
        "operations.DescribeThings.input.type.rust_name"
    );
}

#[test]
fn bad_enums_are_rejected() {
    let cases = [
        (
            "/shapes/ThingMode/values/0/value",
            json!("off"),
            "shapes.ThingMode.values[0].value",
            "not an integer",
        ),
        (
            "/shapes/ThingStatus/values/1/value",
            json!(1),
            "shapes.ThingStatus.values[1].value",
            "not a string",
        ),
        (
            "/shapes/ThingStatus/values/1/value",
            json!("ready"),
            "shapes.ThingStatus.values[1].value",
            "same value",
        ),
        (
            "/shapes/ThingStatus/values/1/name",
            json!("Unknown"),
            "shapes.ThingStatus.values[1].name",
            "Unknown",
        ),
        (
            "/shapes/ThingStatus/values/1/name",
            json!("not-pascal"),
            "shapes.ThingStatus.values[1].name",
            "PascalCase",
        ),
        (
            "/shapes/ThingStatus/values",
            json!([]),
            "shapes.ThingStatus.values",
            "at least one",
        ),
    ];
    for (pointer, value, path, message) in cases {
        let e = emit_error(with(kitchen_sink(), pointer, value));
        assert_eq!(e.path, path);
        assert!(e.message.contains(message), "{e}");
    }
}

#[test]
fn type_names_that_collide_are_rejected() {
    // A shape named like an operation's generated type.
    let spec = insert(
        kitchen_sink(),
        "/shapes",
        "DescribeThingsOutput",
        json!({"members": {}}),
    );
    let e = emit_error(spec);
    assert!(e.message.contains("DescribeThingsOutput"), "{e}");
    // A shape named like a type the generated code imports.
    let spec = insert(kitchen_sink(), "/shapes", "Client", json!({"members": {}}));
    assert_eq!(emit_error(spec).path, "shapes.Client");
    // Two shapes with one Rust name.
    let spec = insert(kitchen_sink(), "/shapes", "FILTER", json!({"members": {}}));
    let spec = insert(spec, "/shapes", "FilTer", json!({"members": {}}));
    assert!(emit_error(spec)
        .message
        .contains("both become the Rust type"));
    // Two operations with one method.
    let op = kitchen_sink()["operations"]["ToggleThing"].clone();
    let spec = insert(kitchen_sink(), "/operations", "DescribeTHINGS", op);
    assert!(emit_error(spec)
        .message
        .contains("client method `describe_things`"));
}

#[test]
fn error_codes_that_become_one_constant_are_rejected() {
    let spec = with(
        kitchen_sink(),
        "/operations/ToggleThing/errors",
        json!([{"code": "Resource_NotFound.Thing"}]),
    );
    let e = emit_error(spec);
    assert_eq!(e.path, "operations.ToggleThing.errors[0].code");
    assert!(e.message.contains("RESOURCE_NOT_FOUND_THING"), "{e}");
}

#[test]
fn examples_that_do_not_fit_are_rejected_naming_the_member() {
    let spec = insert(
        kitchen_sink(),
        "/operations/DescribeThings/examples/0/input",
        "Nope",
        json!(1),
    );
    let e = emit_error(spec);
    assert_eq!(e.path, "operations.DescribeThings.examples[0].input.Nope");
    let spec = with(
        kitchen_sink(),
        "/operations/DescribeThings/examples/0/input/Limit",
        json!("ten"),
    );
    let e = emit_error(spec);
    assert_eq!(e.path, "operations.DescribeThings.examples[0].input.Limit");
    let spec = with(
        kitchen_sink(),
        "/operations/DescribeThings/examples/0/input/Limit",
        json!(1u64 << 40),
    );
    assert_eq!(
        emit_error(spec).path,
        "operations.DescribeThings.examples[0].input.Limit"
    );
}

#[test]
fn structures_that_contain_themselves_are_rejected() {
    let spec = with(
        kitchen_sink(),
        "/shapes/Thing/members/Children/type",
        json!("Thing"),
    );
    let e = emit_error(spec);
    assert_eq!(e.path, "shapes.Thing");
    assert!(e.message.contains("contains itself"), "{e}");
}

#[test]
fn malformed_specs_are_errors_not_panics() {
    let cases = [
        with(kitchen_sink(), "/operations", json!({})),
        with(
            kitchen_sink(),
            "/operations/DescribeThings/input/Limit/type",
            json!("Missing"),
        ),
        insert(kitchen_sink(), "/shapes/Filter", "enum", json!("string")),
        with(kitchen_sink(), "/shapes/ThingMode/enum", Value::Null),
        with(kitchen_sink(), "/name", json!("Bad Name")),
        insert(
            kitchen_sink(),
            "/operations",
            "lowercase",
            json!({"docs": ""}),
        ),
        insert(kitchen_sink(), "/operations", "New", json!({"docs": ""})),
        insert(
            kitchen_sink(),
            "/operations/DescribeThings/input/Limit",
            "location",
            json!("query"),
        ),
        with(rest_service(), "/operations/SwitchThing/http", Value::Null),
        with(
            kitchen_sink(),
            "/operations/DescribeThings/errors/0/code",
            json!(""),
        ),
        with(
            kitchen_sink(),
            "/operations/DescribeThings/examples/0/output/Things",
            json!([{"Status": 5}]),
        ),
    ];
    for spec in cases {
        let result = std::panic::catch_unwind(|| emit(spec.clone()));
        match result {
            Ok(Err(e)) => assert!(!e.message.is_empty() && !e.path.is_empty()),
            Ok(Ok(_)) => {
                // The last case is a bad *response* example: it still generates, and the
                // generated test (not the generator) reports it.
            }
            Err(_) => panic!("the emitter panicked on {spec}"),
        }
    }
}

/// A type that does not parse never reaches the emitter: the model refuses it when it is read.
#[test]
fn malformed_types_are_refused_when_the_spec_is_read() {
    let spec = with(
        kitchen_sink(),
        "/operations/DescribeThings/input/Limit/type",
        json!("list<"),
    );
    let error = serde_json::from_value::<cloud_spec::Service>(spec).unwrap_err();
    assert!(
        error.to_string().contains("invalid type `list<`"),
        "{error}"
    );
}

/// Emits the kitchen-sink and REST fixtures as crates of a temporary workspace and runs their
/// tests (generated example tests, doctests, clippy-clean compile). Slow: a separate cargo build.
#[test]
#[ignore = "builds generated crates with cargo (minutes); run with `cargo test -p codegen -- --ignored`"]
fn generated_fixture_crates_compile_and_pass_their_tests() {
    use std::process::Command;

    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("codegen is inside the repository");
    let dir = std::env::temp_dir().join(format!("cloudcall-emit-fixture-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut members = Vec::new();
    for spec in [kitchen_sink(), rest_service()] {
        for f in emit(spec).unwrap() {
            let path = dir.join(&f.path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &f.contents).unwrap();
        }
    }
    for name in ["tencent-fixture", "huawei-restful"] {
        members.push(format!("\"crates/{name}\""));
    }
    let transport = repo.join("crates/cloud-transport");
    let manifest = format!(
        r#"[workspace]
resolver = "2"
members = [{members}]

[workspace.package]
version = "0.1.0"
edition = "2021"
rust-version = "1.85"
license = "MIT OR Apache-2.0"
repository = "https://example.com/fixture"

[workspace.dependencies]
cloud-transport = {{ path = "{transport}", default-features = false }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"
tokio = {{ version = "1", default-features = false }}

# As in the repository's manifest: dependencies' debug info would only cost link time and disk.
[profile.dev]
debug = "line-tables-only"

[profile.dev.package."*"]
debug = false
"#,
        members = members.join(", "),
        transport = transport.display(),
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    // Reuse the repository's lock file so the build stays offline and matches the workspace.
    let _ = std::fs::copy(repo.join("Cargo.lock"), dir.join("Cargo.lock"));
    let target = repo.join("target/emit-fixture");
    for args in [
        vec!["test", "--offline", "-j", "2", "--workspace"],
        vec![
            "clippy",
            "--offline",
            "-j",
            "2",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    ] {
        let status = Command::new(env!("CARGO"))
            .args(&args)
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", &target)
            .status()
            .expect("cargo runs");
        assert!(
            status.success(),
            "cargo {args:?} failed in {}",
            dir.display()
        );
    }
    let status = Command::new(env!("CARGO"))
        .args(["doc", "--offline", "-j", "2", "--workspace", "--no-deps"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", &target)
        .env("RUSTDOCFLAGS", "-D warnings")
        .status()
        .expect("cargo runs");
    assert!(status.success(), "cargo doc failed in {}", dir.display());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn waiters_paginators_and_state_waiters_are_thin_const_descriptions() {
    let files = emit(kitchen_sink()).unwrap();
    let op = file(&files, "crates/tencent-fixture/src/operations.rs");
    let client = file(&files, "crates/tencent-fixture/src/client.rs");
    let lib = file(&files, "crates/tencent-fixture/src/lib.rs");
    // The generic parts, once.
    assert_eq!(op.matches("pub trait Paged: Operation {").count(), 1);
    assert_eq!(op.matches("pub trait Waits: Operation {").count(), 1);
    assert!(op.contains("pub fn paginate(self) -> Paginator<I::Output, I::Item> {"));
    assert!(op.contains("pub async fn send_and_wait("));
    assert!(op.contains("pub async fn wait_for("));
    // A paged operation: its item type follows the path through a structure.
    assert!(op.contains(
        "impl Paged for ListThingsInput {\n    type Item = types::Thing;\n\n    const PAGES: PageInfo = PageInfo::new(\"Offset\", \"Limit\", \"Page.Things\", 50)\n        .with_total(\"TotalCount\");\n}"
    ), "{op}");
    // A task, and a task followed by a condition.
    assert!(op.contains(
        "impl Waits for CreateThingInput {\n    const WAITER: OperationWaiter = TASK_API_FLOWS.waiter(\"FlowId\");\n}"
    ));
    assert!(op.contains(
        "const WAITER: OperationWaiter = TASK_API_FLOWS\n        .waiter(\"FlowId\")\n        .and_until(ConditionWaiter {"
    ));
    // The task API: the handle member is text, so a numeric FlowId goes as text.
    assert!(op.contains("pub const TASK_API_FLOWS: TaskApi = TaskApi {"));
    assert!(op.contains("    handle_as_text: true,\n"));
    assert!(op.contains("    failed: &[Scalar::Int(2), Scalar::Int(-1)],\n"));
    assert!(op.contains("    message: Some(\"Detail.Message\"),\n"));
    // The resource and the lists.
    assert!(op.contains("pub const RESOURCE: ResourceInfo = ResourceInfo {"));
    assert!(op.contains(
        "    id_filter: Some(ListFilter {\n        member: \"ThingIds\",\n        name: None,\n        list: true,\n    }),"
    ));
    assert!(op.contains("    (\"CreateThing\", <CreateThingInput as Waits>::WAITER),"));
    assert!(op.contains("    (\"ListThings\", <ListThingsInput as Paged>::PAGES),"));
    // Operations without lifecycle facts get nothing.
    assert!(!op.contains("impl Paged for DescribeThingsInput"));
    assert!(!op.contains("impl Waits for DescribeFlowsInput"));
    // The client: task and state waiters; the crate re-exports the types they take.
    assert!(client.contains("pub async fn wait_for_task("));
    assert!(client.contains("pub async fn wait_until_thing_running("));
    assert!(client.contains("pub async fn wait_until_thing_gone("));
    assert!(
        !client.contains("wait_until_thing_isolated"),
        "no isolated states"
    );
    assert!(
        client.contains("client.wait_until_thing_running(\"thing-a1b2c3\", Default::default())")
    );
    assert!(
        client.contains("[`paginate`](Request::paginate) reads every page (`Offset`, 50 a page).")
    );
    assert!(client.contains(
        "[`send_and_wait`](Request::send_and_wait) waits for the task it starts (`FlowId`)."
    ));
    assert!(lib.contains(
        "pub use cloud_transport::wait::{Completed, WaitError, WaitOptions, WaitProgress, Waited};"
    ));
    assert!(lib.contains("pub use cloud_transport::paginate::{Items, Paginator};"));
    assert!(lib.contains("//! # Waiting and paging"));

    // REST: page numbers from 1, a text page member, a non-list id filter, isolated states.
    let files = emit(rest_service()).unwrap();
    let op = file(&files, "crates/huawei-restful/src/operations.rs");
    let client = file(&files, "crates/huawei-restful/src/client.rs");
    assert!(op.contains(".with_style(PageStyle::Page1)"), "{op}");
    assert!(op.contains(".with_text_offset()"));
    assert!(!op.contains(".with_text_limit()"));
    assert!(op.contains("type Item = serde_json::Value;"));
    assert!(op.contains("        list: false,\n"));
    assert!(client.contains("pub async fn wait_until_thing_isolated("));
}

#[test]
fn a_crate_without_lifecycle_facts_has_no_lifecycle_code() {
    let mut spec = kitchen_sink();
    let object = spec.as_object_mut().unwrap();
    object.remove("tasks");
    object.remove("resource");
    for op in object["operations"].as_object_mut().unwrap().values_mut() {
        let op = op.as_object_mut().unwrap();
        for key in ["task", "waiter", "pagination"] {
            op.remove(key);
        }
    }
    let files = emit(spec).unwrap();
    for path in ["src/operations.rs", "src/client.rs", "src/lib.rs"] {
        let text = file(&files, &format!("crates/tencent-fixture/{path}"));
        for absent in [
            "Paged",
            "Waits",
            "Paginator",
            "TaskApi",
            "RESOURCE:",
            "Waiting and paging",
        ] {
            assert!(!text.contains(absent), "{path} has {absent}");
        }
    }
    // The lists exist, empty, so tools can always read them.
    let op = file(&files, "crates/tencent-fixture/src/operations.rs");
    assert!(op.contains("pub const WAITERS: &[(&str, OperationWaiter)] = &[];"));
    assert!(op.contains("pub const PAGINATED: &[(&str, PageInfo)] = &[];"));
}

#[test]
fn bad_lifecycle_facts_are_rejected_naming_the_spec_path() {
    let e = emit_error(with(
        kitchen_sink(),
        "/operations/CreateThing/task/api",
        json!("nope"),
    ));
    assert_eq!(e.path, "operations.CreateThing.task.api");
    let e = emit_error(with(
        kitchen_sink(),
        "/tasks/flows/operation",
        json!("Missing"),
    ));
    assert_eq!(e.path, "tasks.flows.operation");
    let e = emit_error(with(kitchen_sink(), "/tasks/flows/running/0", json!(1.5)));
    assert_eq!(e.path, "tasks.flows.running[0]");
    let e = emit_error(with(
        kitchen_sink(),
        "/resource/list/filters/id",
        json!("Filters["),
    ));
    assert_eq!(e.path, "resource.list.filters.id");
    let e = emit_error(with(
        kitchen_sink(),
        "/resource/list/operation",
        json!("DescribeFlows"),
    ));
    assert!(e.message.contains("no pagination"), "{e}");
    let e = emit_error(insert(
        kitchen_sink(),
        "/operations/ListThings/pagination",
        "style",
        json!("marker"),
    ));
    assert_eq!(e.path, "operations.ListThings.pagination.next_marker");
    let e = emit_error(with(
        kitchen_sink(),
        "/operations/ToggleThing/waiter/until/0/equals",
        json!([1]),
    ));
    assert_eq!(e.path, "operations.ToggleThing.waiter.until[0].equals");
    // An operation whose method a waiter takes.
    let mut spec = kitchen_sink();
    let ops = spec["operations"].as_object_mut().unwrap();
    let op = ops["DescribeFlows"].clone();
    ops.insert("WaitUntilThingGone".into(), op);
    let e = emit_error(spec);
    assert_eq!(e.path, "operations.WaitUntilThingGone");
}
