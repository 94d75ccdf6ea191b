//! The `cloudcall` binary against an in-process emulator over loopback HTTP: every operation,
//! stdout/stderr and exit statuses (0 success, 1 failed call, 2 usage error), `--wait`,
//! `--output table`, help, credentials and secrets.

mod common;

use std::time::Duration;

use cloud_spec::{Location, Service};
use common::{demo_env, Harness};
use heck::ToKebabCase;
use serde_json::{json, Value};

const MONGO: &str = "cmgo-p8vnipr5";
const CDB: &str = "cdb-je5dfmdl";
const POSTGRES: &str = "postgres-5gevh7gr";
const GEMINI: &str = "e73893ef73754465a8bd2e0857bbf13ein02";

fn services() -> Vec<Service> {
    let services = cloud_spec::bundle::services();
    assert!(!services.is_empty(), "the spec bundle is empty: run `cargo xtask codegen`");
    services
}

/// The command line for `input` (wire names → flags), written independently of the CLI's code:
/// kebab case of the wire name, lists as repeated flags, structures as JSON.
fn flags_for(service: &Service, op_name: &str, input: &serde_json::Map<String, Value>) -> Vec<String> {
    let op = &service.operations[op_name];
    let mut args = vec![service.crate_name(), op_name.to_kebab_case()];
    for (wire, value) in input {
        let member = &op.input[wire];
        if member.location == Some(Location::Header) && wire.eq_ignore_ascii_case("X-Auth-Token") {
            continue; // the transport's business
        }
        let flag = format!("--{}", wire.to_kebab_case());
        match value {
            Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
                for item in items {
                    args.push(flag.clone());
                    args.push(text(item));
                }
            }
            other => {
                args.push(flag);
                args.push(text(other));
            }
        }
    }
    args
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn every_operation_succeeds_with_its_documented_example() {
    let h = Harness::start(Duration::from_millis(50));
    let mut ran = 0;
    for service in services() {
        for (op_name, op) in &service.operations {
            // The documented example's input, else the members' own examples for the required ones.
            let input = match op.examples.first() {
                Some(example) => example.input.clone().into_iter().collect(),
                None => op
                    .input
                    .iter()
                    .filter(|(_, m)| m.required)
                    .filter_map(|(k, m)| m.example.clone().map(|e| (k.clone(), e)))
                    .collect(),
            };
            let argv = flags_for(&service, op_name, &input);
            let run = h.cloudcall(&args(&argv));
            run.expect_status(0);
            let out = run.json();
            assert!(out.is_object(), "{argv:?}: {out}");
            if service.vendor == cloud_spec::Vendor::Tencent {
                assert!(out["RequestId"].is_string(), "{argv:?}: no RequestId in {out}");
                assert!(out.get("Response").is_none(), "{argv:?}: the envelope must be removed: {out}");
            }
            assert!(run.stderr.is_empty(), "{argv:?}: unexpected stderr {}", run.stderr);
            ran += 1;
        }
    }
    assert!(ran >= 9, "only {ran} operations in the bundle");
}

#[test]
fn the_documented_operation_and_flag_names_exist() {
    let h = Harness::start(Duration::from_millis(50));
    for (service, ops) in [
        ("tencent-mongodb", &["describe-instance-ssl", "instance-enable-ssl"][..]),
        ("tencent-cdb", &["describe-ssl-status", "open-ssl", "close-ssl"][..]),
        ("tencent-postgres", &["modify-db-instance-ssl-config", "describe-db-instance-ssl-config"][..]),
        ("huawei-geminidb", &["list-ssl-cert-download-addresses", "switch-ssl"][..]),
    ] {
        let run = h.cloudcall(&[service, "--help"]);
        run.expect_status(0);
        for op in ops {
            assert!(run.stdout.contains(op), "{service} --help does not list {op}:\n{}", run.stdout);
        }
    }
    for (service, op, flags) in [
        ("tencent-mongodb", "instance-enable-ssl", &["--instance-id", "--enable", "--wait", "--wait-timeout"][..]),
        ("tencent-cdb", "describe-ssl-status", &["--instance-id", "--ro-group-id"][..]),
        ("tencent-postgres", "modify-db-instance-ssl-config", &["--db-instance-id", "--ssl-enabled", "--connect-address"][..]),
        ("huawei-geminidb", "switch-ssl", &["--instance-id", "--ssl-option", "--cli-input-json"][..]),
    ] {
        let run = h.cloudcall(&[service, op, "--help"]);
        run.expect_status(0);
        for flag in flags {
            assert!(run.stdout.contains(flag), "{service} {op} --help lacks {flag}:\n{}", run.stdout);
        }
        assert!(run.stdout.to_lowercase().contains("ssl"), "no docs in help:\n{}", run.stdout);
    }
    let run = h.cloudcall(&["--version"]);
    run.expect_status(0);
    assert_eq!(run.stdout.trim(), format!("cloudcall {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn service_errors_exit_1_with_code_message_and_request_id() {
    let h = Harness::start(Duration::from_millis(50));
    let run = h.cloudcall(&["tencent-mongodb", "describe-instance-ssl", "--instance-id", "cmgo-doesnotexist"]);
    run.expect_status(1);
    assert!(run.stdout.is_empty(), "stdout: {}", run.stdout);
    assert!(run.stderr.contains("InvalidParameterValue.NotFoundInstance"), "{}", run.stderr);
    assert!(run.stderr.contains("request id"), "{}", run.stderr);
    let request_id = run
        .stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("request id:"))
        .map(str::trim)
        .unwrap_or("-");
    assert_ne!(request_id, "-", "no request id in:\n{}", run.stderr);

    let run = h.cloudcall(&["huawei-geminidb", "list-ssl-cert-download-addresses", "--instance-id", "nope"]);
    run.expect_status(1);
    let code = run.stderr.lines().find_map(|l| l.trim().strip_prefix("code:")).map(str::trim);
    assert!(code.is_some_and(|c| c != "-"), "no code in:\n{}", run.stderr);
    assert!(run.stderr.contains("message:") && run.stderr.contains("request id:"), "{}", run.stderr);
}

#[test]
fn usage_errors_exit_2_name_the_flag_and_send_nothing() {
    let h = Harness::start(Duration::from_millis(50));
    let cases: &[(&[&str], &str)] = &[
        (&["tencent-mongodb", "describe-instance-ssl", "--instance-idd", MONGO], "--instance-idd"),
        (&["tencent-mongodb", "instance-enable-ssl", "--instance-id", MONGO, "--enable", "maybe"], "--enable"),
        (&["tencent-mongodb", "instance-enable-ssl", "--enable", "true"], "--instance-id"),
        (&["huawei-geminidb", "switch-ssl", "--instance-id", GEMINI, "--ssl-option", "maybe"], "--ssl-option"),
        (&["huawei-geminidb", "switch-ssl", "--instance-id", GEMINI], "--ssl-option"),
        (&["tencent-mongodb", "instance-enable-ssl", "--instance-id", MONGO, "--enable", "true", "--enable", "false"], "--enable"),
        (&["tencent-mongodb", "describe-nothing"], "describe-nothing"),
        (&["tencent-nothing", "describe-instance-ssl"], "tencent-nothing"),
        (&["--output", "yaml", "tencent-mongodb", "describe-instance-ssl", "--instance-id", MONGO], "--output"),
        (
            &["tencent-mongodb", "instance-enable-ssl", "--cli-input-json", r#"{"InstanceID":"x","Enable":true}"#],
            "InstanceID",
        ),
        (&["tencent-mongodb", "instance-enable-ssl", "--cli-input-json", "{not json"], "--cli-input-json"),
        (&["tencent-mongodb", "describe-instance-ssl", "--instance-id", MONGO, "--wait"], "--wait"),
    ];
    for (argv, named) in cases {
        let run = h.cloudcall(argv);
        run.expect_status(2);
        assert!(run.stderr.contains(named), "{argv:?}: stderr does not name {named}:\n{}", run.stderr);
        assert!(run.stdout.is_empty(), "{argv:?}: stdout {}", run.stdout);
    }
    for op in ["DescribeInstanceSSL", "InstanceEnableSSL", "SwitchSsl"] {
        assert_eq!(h.emulator.request_count(op), 0, "{op} was sent despite a usage error");
    }
}

#[test]
fn wait_polls_until_the_change_shows_on_every_service() {
    let delay = Duration::from_millis(400);
    let h = Harness::start(delay);
    let steps: &[(&[&str], &[&str], &str, Value)] = &[
        (
            &["tencent-mongodb", "instance-enable-ssl", "--instance-id", MONGO, "--enable", "true", "--wait"],
            &["tencent-mongodb", "describe-instance-ssl", "--instance-id", MONGO],
            "Status",
            json!(1),
        ),
        (
            &["tencent-mongodb", "instance-enable-ssl", "--instance-id", MONGO, "--enable", "false", "--wait"],
            &["tencent-mongodb", "describe-instance-ssl", "--instance-id", MONGO],
            "Status",
            json!(0),
        ),
        (
            &["tencent-cdb", "open-ssl", "--instance-id", CDB, "--wait"],
            &["tencent-cdb", "describe-ssl-status", "--instance-id", CDB],
            "Status",
            json!("ON"),
        ),
        (
            &["tencent-cdb", "close-ssl", "--instance-id", CDB, "--wait"],
            &["tencent-cdb", "describe-ssl-status", "--instance-id", CDB],
            "Status",
            json!("OFF"),
        ),
        (
            &[
                "tencent-postgres", "modify-db-instance-ssl-config", "--db-instance-id", POSTGRES,
                "--ssl-enabled", "true", "--connect-address", "10.6.0.4", "--wait",
            ],
            &["tencent-postgres", "describe-db-instance-ssl-config", "--db-instance-id", POSTGRES],
            "SSLEnabled",
            json!(true),
        ),
        (
            &["huawei-geminidb", "switch-ssl", "--instance-id", GEMINI, "--ssl-option", "on", "--wait"],
            &["huawei-geminidb", "list-instances", "--id", GEMINI],
            "instances",
            json!("1"),
        ),
    ];
    for (change, describe, path, expected) in steps {
        // Only the transitions that change something must take the emulator's delay.
        let before = h.cloudcall(describe);
        before.expect_status(0);
        let run = h.cloudcall(change);
        run.expect_status(0);
        let started = run.json();
        assert!(started.is_object(), "{change:?}: {started}");
        assert!(run.stderr.contains("waiting for") || run.stderr.contains("done:"), "{change:?}: no progress:\n{}", run.stderr);
        assert!(run.stderr.contains("done:"), "{change:?}: {}", run.stderr);
        let after = h.cloudcall(describe);
        after.expect_status(0);
        let out = after.json();
        let seen = if *path == "instances" { out["instances"][0]["ssl"].clone() } else { out[*path].clone() };
        assert_eq!(&seen, expected, "{change:?} then {describe:?}: {out}");
        let was = if *path == "instances" { before.json()["instances"][0]["ssl"].clone() } else { before.json()[*path].clone() };
        if was != *expected {
            assert!(run.elapsed >= delay, "{change:?} returned after {:?}, before the change could show", run.elapsed);
        }
    }
}

#[test]
fn wait_gives_up_at_the_timeout_with_status_1() {
    let h = Harness::start(Duration::from_secs(30));
    let run = h.cloudcall(&[
        "tencent-mongodb", "instance-enable-ssl", "--instance-id", "cmgo-eqmoaxxx", "--enable", "true",
        "--wait", "--wait-timeout", "1",
    ]);
    // The describe may already show the requested state if the seed has SSL on; use the opposite.
    let run = if run.status == 0 {
        h.cloudcall(&[
            "tencent-mongodb", "instance-enable-ssl", "--instance-id", "cmgo-eqmoaxxx", "--enable", "false",
            "--wait", "--wait-timeout", "1",
        ])
    } else {
        run
    };
    run.expect_status(1);
    assert!(run.stderr.contains("timed out after"), "{}", run.stderr);
    assert!(run.json()["RequestId"].is_string(), "the call's answer is still printed");
    assert!(run.elapsed < Duration::from_secs(10), "took {:?}", run.elapsed);
}

#[test]
fn table_output_is_readable() {
    let h = Harness::start(Duration::from_millis(50));
    let run = h.cloudcall(&["--output", "table", "tencent-mongodb", "describe-instance-ssl", "--instance-id", MONGO]);
    run.expect_status(0);
    assert!(run.stdout.contains("| Field"), "{}", run.stdout);
    assert!(run.stdout.contains("| RequestId"), "{}", run.stdout);
    assert!(run.stdout.contains("| Status"), "{}", run.stdout);

    let run = h.cloudcall(&["huawei-geminidb", "list-ssl-cert-download-addresses", "--instance-id", GEMINI, "--output", "table"]);
    run.expect_status(0);
    assert!(run.stdout.contains("certs ("), "{}", run.stdout);
    assert!(run.stdout.contains("download_link"), "{}", run.stdout);
}

#[test]
fn cli_input_json_gives_the_input_and_flags_override_it() {
    let h = Harness::start(Duration::from_millis(50));
    let run = h.cloudcall(&[
        "tencent-postgres", "describe-db-instance-ssl-config",
        "--cli-input-json", &format!(r#"{{"DBInstanceId":"{POSTGRES}"}}"#),
    ]);
    run.expect_status(0);
    // The flag wins over the JSON: the JSON's instance does not exist.
    let run = h.cloudcall(&[
        "tencent-postgres", "describe-db-instance-ssl-config",
        "--cli-input-json", r#"{"DBInstanceId":"postgres-doesnotexist"}"#,
        "--db-instance-id", POSTGRES,
    ]);
    run.expect_status(0);
}

#[test]
fn huawei_project_id_flag_and_token_mode() {
    let h = Harness::start(Duration::from_millis(50));
    let mut env: Vec<(&str, String)> = demo_env().into_iter().filter(|(k, _)| *k != "HUAWEICLOUD_SDK_PROJECT_ID").collect();
    let project = cloud_emulator::DEFAULT_HUAWEI_PROJECT_ID;
    let run = h.cloudcall_env(
        &["--project-id", project, "huawei-geminidb", "list-ssl-cert-download-addresses", "--instance-id", GEMINI],
        &env,
    );
    run.expect_status(0);
    assert!(run.json()["certs"].is_array());

    // IAM token mode: password login, token sent as X-Auth-Token, no AK/SK at all.
    env.retain(|(k, _)| !k.starts_with("HUAWEICLOUD_SDK_AK") && !k.starts_with("HUAWEICLOUD_SDK_SK"));
    env.push(("HUAWEICLOUD_SDK_USER_NAME", cloud_emulator::DEMO_IAM_USER.to_owned()));
    env.push(("HUAWEICLOUD_SDK_PASSWORD", cloud_emulator::DEMO_IAM_PASSWORD.to_owned()));
    env.push(("HUAWEICLOUD_SDK_DOMAIN_NAME", cloud_emulator::DEMO_IAM_DOMAIN.to_owned()));
    let run = h.cloudcall_env(
        &["--debug", "--project-id", project, "huawei-geminidb", "list-ssl-cert-download-addresses", "--instance-id", GEMINI],
        &env,
    );
    run.expect_status(0);
    assert!(run.json()["certs"].is_array());
    assert!(!run.stderr.contains(cloud_emulator::DEMO_IAM_PASSWORD), "password printed:\n{}", run.stderr);
}

#[test]
fn secrets_are_never_printed_even_with_debug() {
    let h = Harness::start(Duration::from_millis(50));
    let secret = "TopSecretKeyValue0123456789abcdef";
    let mut env = demo_env();
    for (k, v) in env.iter_mut() {
        if *k == "TENCENTCLOUD_SECRET_KEY" || *k == "HUAWEICLOUD_SDK_SK" {
            *v = secret.to_owned();
        }
    }
    for argv in [
        &["--debug", "tencent-mongodb", "describe-instance-ssl", "--instance-id", MONGO][..],
        &["--debug", "huawei-geminidb", "list-ssl-cert-download-addresses", "--instance-id", GEMINI][..],
    ] {
        let run = h.cloudcall_env(argv, &env);
        run.expect_status(1); // wrong secret → signature failure
        assert!(run.stderr.contains("debug:"), "{}", run.stderr);
        for stream in [&run.stdout, &run.stderr] {
            assert!(!stream.contains(secret), "{argv:?} printed the secret:\n{stream}");
        }
    }
    let run = h.cloudcall_env(&["--debug", "tencent-mongodb", "describe-instance-ssl", "--instance-id", MONGO], &env);
    assert!(run.stderr.contains("AuthFailure.SignatureFailure"), "{}", run.stderr);

    let run = h.cloudcall(&["--debug", "tencent-mongodb", "describe-instance-ssl", "--instance-id", MONGO]);
    run.expect_status(0);
    for stream in [&run.stdout, &run.stderr] {
        assert!(!stream.contains(cloud_emulator::DEMO_TENCENT_SECRET_KEY), "printed the secret:\n{stream}");
    }
}

#[test]
fn missing_credentials_fail_clearly() {
    let h = Harness::start(Duration::from_millis(50));
    let run = h.cloudcall_env(&["tencent-mongodb", "describe-instance-ssl", "--instance-id", MONGO], &[]);
    assert_ne!(run.status, 0);
    assert!(run.stderr.to_lowercase().contains("credential"), "{}", run.stderr);
    assert_eq!(h.emulator.request_count("DescribeInstanceSSL"), 0);
}
