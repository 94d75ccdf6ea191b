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

/// A command line written as one string; `{mongo}`-style names are replaced by the seeded ids.
/// Only for arguments without spaces (JSON arguments are given as slices).
fn words(line: &str) -> Vec<String> {
    line.replace("{mongo}", MONGO)
        .replace("{cdb}", CDB)
        .replace("{postgres}", POSTGRES)
        .replace("{gemini}", GEMINI)
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn services() -> Vec<Service> {
    let services = cloud_spec::bundle::services();
    assert!(
        !services.is_empty(),
        "the spec bundle is empty: run `cargo xtask codegen`"
    );
    services
}

/// The command line for `input` (wire names → flags), written independently of the CLI's code:
/// kebab case of the wire name, lists as repeated flags, structures as JSON.
fn flags_for(
    service: &Service,
    op_name: &str,
    input: &serde_json::Map<String, Value>,
) -> Vec<String> {
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
            let run = h.cloudcall(&refs(&argv));
            run.expect_status(0);
            let out = run.json();
            assert!(out.is_object(), "{argv:?}: {out}");
            if service.vendor == cloud_spec::Vendor::Tencent {
                assert!(
                    out["RequestId"].is_string(),
                    "{argv:?}: no RequestId in {out}"
                );
                assert!(
                    out.get("Response").is_none(),
                    "{argv:?}: the envelope must be removed: {out}"
                );
            }
            assert!(
                run.stderr.is_empty(),
                "{argv:?}: unexpected stderr {}",
                run.stderr
            );
            ran += 1;
        }
    }
    assert!(ran >= 9, "only {ran} operations in the bundle");
}

#[test]
fn the_documented_operation_and_flag_names_exist() {
    let h = Harness::start(Duration::from_millis(50));
    for (service, ops) in [
        (
            "tencent-mongodb",
            "describe-instance-ssl instance-enable-ssl",
        ),
        ("tencent-cdb", "describe-ssl-status open-ssl close-ssl"),
        (
            "tencent-postgres",
            "modify-db-instance-ssl-config describe-db-instance-ssl-config",
        ),
        (
            "huawei-geminidb",
            "list-ssl-cert-download-addresses switch-ssl",
        ),
    ] {
        let run = h.cloudcall(&[service, "--help"]);
        run.expect_status(0);
        for op in ops.split(' ') {
            assert!(
                run.stdout.contains(op),
                "{service} --help does not list {op}:\n{}",
                run.stdout
            );
        }
    }
    for (command, flags) in [
        (
            "tencent-mongodb instance-enable-ssl",
            "--instance-id --enable --wait --wait-timeout",
        ),
        (
            "tencent-cdb describe-ssl-status",
            "--instance-id --ro-group-id",
        ),
        (
            "tencent-postgres modify-db-instance-ssl-config",
            "--db-instance-id --ssl-enabled --connect-address",
        ),
        (
            "huawei-geminidb switch-ssl",
            "--instance-id --ssl-option --cli-input-json",
        ),
    ] {
        let mut argv = words(command);
        argv.push("--help".into());
        let run = h.cloudcall(&refs(&argv));
        run.expect_status(0);
        for flag in flags.split(' ') {
            assert!(
                run.stdout.contains(flag),
                "{command} --help lacks {flag}:\n{}",
                run.stdout
            );
        }
        assert!(
            run.stdout.to_lowercase().contains("ssl"),
            "no docs in help:\n{}",
            run.stdout
        );
    }
    let run = h.cloudcall(&["--version"]);
    run.expect_status(0);
    assert_eq!(
        run.stdout.trim(),
        format!("cloudcall {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn service_errors_exit_1_with_code_message_and_request_id() {
    let h = Harness::start(Duration::from_millis(50));
    let run = h.cloudcall(&refs(&words(
        "tencent-mongodb describe-instance-ssl --instance-id cmgo-doesnotexist",
    )));
    run.expect_status(1);
    assert!(run.stdout.is_empty(), "stdout: {}", run.stdout);
    assert!(
        run.stderr
            .contains("InvalidParameterValue.NotFoundInstance"),
        "{}",
        run.stderr
    );
    let field = |name: &str| {
        run.stderr
            .lines()
            .find_map(|l| l.trim().strip_prefix(name))
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    assert!(
        !field("request id:").is_empty() && field("request id:") != "-",
        "{}",
        run.stderr
    );
    assert!(!field("message:").is_empty(), "{}", run.stderr);

    let run = h.cloudcall(&refs(&words(
        "huawei-geminidb list-ssl-cert-download-addresses --instance-id nope",
    )));
    run.expect_status(1);
    let code = run
        .stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("code:"))
        .map(str::trim);
    assert!(
        code.is_some_and(|c| c.starts_with("DBS.")),
        "no Huawei code in:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("message:") && run.stderr.contains("request id:"),
        "{}",
        run.stderr
    );
}

#[test]
fn usage_errors_exit_2_name_the_flag_and_send_nothing() {
    let h = Harness::start(Duration::from_millis(50));
    let mut cases: Vec<(Vec<String>, &str)> = [
        ("tencent-mongodb describe-instance-ssl --instance-idd {mongo}", "--instance-idd"),
        ("tencent-mongodb instance-enable-ssl --instance-id {mongo} --enable maybe", "--enable"),
        ("tencent-mongodb instance-enable-ssl --enable true", "--instance-id"),
        ("huawei-geminidb switch-ssl --instance-id {gemini} --ssl-option maybe", "--ssl-option"),
        ("huawei-geminidb switch-ssl --instance-id {gemini}", "--ssl-option"),
        ("huawei-geminidb list-instances --limit 99999999999", "--limit"),
        ("tencent-mongodb instance-enable-ssl --instance-id {mongo} --enable true --enable false", "--enable"),
        ("tencent-mongodb describe-nothing", "describe-nothing"),
        ("tencent-nothing describe-instance-ssl", "tencent-nothing"),
        ("--output yaml tencent-mongodb describe-instance-ssl --instance-id {mongo}", "--output"),
        ("tencent-mongodb describe-instance-ssl --instance-id {mongo} --wait", "--wait"),
    ]
    .into_iter()
    .map(|(line, named)| (words(line), named))
    .collect();
    let json_cases: [(&[&str], &str); 2] = [
        (
            &[
                "tencent-mongodb",
                "instance-enable-ssl",
                "--cli-input-json",
                r#"{"InstanceID":"x","Enable":true}"#,
            ],
            "InstanceID",
        ),
        (
            &[
                "tencent-mongodb",
                "instance-enable-ssl",
                "--cli-input-json",
                "{not json",
            ],
            "--cli-input-json",
        ),
    ];
    for (argv, named) in json_cases {
        cases.push((argv.iter().map(|s| s.to_string()).collect(), named));
    }
    for (argv, named) in &cases {
        let run = h.cloudcall(&refs(argv));
        run.expect_status(2);
        assert!(
            run.stderr.contains(named),
            "{argv:?}: stderr does not name {named}:\n{}",
            run.stderr
        );
        assert!(run.stdout.is_empty(), "{argv:?}: stdout {}", run.stdout);
    }
    for op in [
        "DescribeInstanceSSL",
        "InstanceEnableSSL",
        "SwitchSsl",
        "ListInstances",
    ] {
        assert_eq!(
            h.emulator.request_count(op),
            0,
            "{op} was sent despite a usage error"
        );
    }
}

/// One `--wait` scenario: the change, the describe that shows it, and the value it must show.
struct WaitCase {
    change: &'static str,
    describe: &'static str,
    /// Dot path in the describe output.
    path: &'static str,
    expected: Value,
}

#[test]
fn wait_polls_until_the_change_shows_on_tencent_services() {
    let delay = Duration::from_millis(400);
    let h = Harness::start(delay);
    let mongo = "tencent-mongodb describe-instance-ssl --instance-id {mongo}";
    let cdb = "tencent-cdb describe-ssl-status --instance-id {cdb}";
    let postgres = "tencent-postgres describe-db-instance-ssl-config --db-instance-id {postgres}";
    check_waits(
        &h,
        delay,
        &[
            WaitCase {
                change: "tencent-mongodb instance-enable-ssl --instance-id {mongo} --enable false --wait",
                describe: mongo,
                path: "Status",
                expected: json!(0),
            },
            WaitCase {
                change: "tencent-mongodb instance-enable-ssl --instance-id {mongo} --enable true --wait",
                describe: mongo,
                path: "Status",
                expected: json!(1),
            },
            WaitCase {
                change: "tencent-cdb close-ssl --instance-id {cdb} --wait",
                describe: cdb,
                path: "Status",
                expected: json!("OFF"),
            },
            WaitCase {
                change: "tencent-cdb open-ssl --instance-id {cdb} --wait",
                describe: cdb,
                path: "Status",
                expected: json!("ON"),
            },
            WaitCase {
                change: "tencent-postgres modify-db-instance-ssl-config --db-instance-id {postgres} \
                         --ssl-enabled false --wait",
                describe: postgres,
                path: "SSLEnabled",
                expected: json!(false),
            },
            WaitCase {
                change: "tencent-postgres modify-db-instance-ssl-config --db-instance-id {postgres} \
                         --ssl-enabled true --connect-address 10.6.0.4 --wait",
                describe: postgres,
                path: "SSLEnabled",
                expected: json!(true),
            },
        ],
    );
}

/// GeminiDB's waiter polls ListInstances and reads `instances.0.ssl` (a list index in the path).
#[test]
fn wait_polls_until_the_change_shows_on_huawei_switch_ssl() {
    let delay = Duration::from_millis(400);
    let h = Harness::start(delay);
    let describe = "huawei-geminidb list-instances --id {gemini}";
    check_waits(
        &h,
        delay,
        &[
            WaitCase {
                change: "huawei-geminidb switch-ssl --instance-id {gemini} --ssl-option on --wait",
                describe,
                path: "instances.0.ssl",
                expected: json!("1"),
            },
            WaitCase {
                change: "huawei-geminidb switch-ssl --instance-id {gemini} --ssl-option off --wait",
                describe,
                path: "instances.0.ssl",
                expected: json!("0"),
            },
        ],
    );
}

fn at<'v>(v: &'v Value, path: &str) -> &'v Value {
    path.split('.')
        .fold(v, |v, seg| match seg.parse::<usize>() {
            Ok(i) => &v[i],
            Err(_) => &v[seg],
        })
}

/// Runs each change with `--wait`, then its describe, and checks the promised value. A change
/// that really changes something must not return before the emulator's delay has passed.
fn check_waits(h: &Harness, delay: Duration, cases: &[WaitCase]) {
    for case in cases {
        let describe = words(case.describe);
        let change = words(case.change);
        let before = h.cloudcall(&refs(&describe));
        before.expect_status(0);
        let was = at(&before.json(), case.path).clone();

        let run = h.cloudcall(&refs(&change));
        run.expect_status(0);
        assert!(
            run.json().is_object(),
            "{}: the call's answer is printed",
            case.change
        );
        assert!(
            run.stderr.contains("done:"),
            "{}: no progress on stderr:\n{}",
            case.change,
            run.stderr
        );
        if was != case.expected {
            assert!(
                run.stderr.contains("waiting for"),
                "{}:\n{}",
                case.change,
                run.stderr
            );
            assert!(
                run.elapsed >= delay,
                "{} returned after {:?}, before the change could show",
                case.change,
                run.elapsed
            );
        }

        let after = h.cloudcall(&refs(&describe));
        after.expect_status(0);
        let out = after.json();
        assert_eq!(
            at(&out, case.path),
            &case.expected,
            "{} then {}: {out}",
            case.change,
            case.describe
        );
    }
}

#[test]
fn wait_gives_up_at_the_timeout_with_status_1() {
    let h = Harness::start(Duration::from_secs(30));
    let describe = h.cloudcall(&refs(&words(
        "tencent-mongodb describe-instance-ssl --instance-id cmgo-eqmoaxxx",
    )));
    describe.expect_status(0);
    // Ask for the state the instance is not in, so the change has to wait for the 30 s delay.
    let enable = if describe.json()["Status"] == json!(1) {
        "false"
    } else {
        "true"
    };
    let line = format!(
        "tencent-mongodb instance-enable-ssl --instance-id cmgo-eqmoaxxx --enable {enable} --wait --wait-timeout 1"
    );
    let run = h.cloudcall(&refs(&words(&line)));
    run.expect_status(1);
    assert!(run.stderr.contains("timed out after"), "{}", run.stderr);
    assert!(
        run.json()["RequestId"].is_string(),
        "the call's answer is still printed"
    );
    assert!(
        run.elapsed < Duration::from_secs(10),
        "took {:?}",
        run.elapsed
    );
}

#[test]
fn table_output_is_readable() {
    let h = Harness::start(Duration::from_millis(50));
    let run = h.cloudcall(&refs(&words(
        "--output table tencent-mongodb describe-instance-ssl --instance-id {mongo}",
    )));
    run.expect_status(0);
    for cell in ["| Field", "| Status", "| RequestId"] {
        assert!(run.stdout.contains(cell), "no `{cell}`:\n{}", run.stdout);
    }
    assert!(
        serde_json::from_str::<Value>(&run.stdout).is_err(),
        "a table, not JSON"
    );

    let run = h.cloudcall(&refs(&words(
        "huawei-geminidb list-ssl-cert-download-addresses --instance-id {gemini} --output table",
    )));
    run.expect_status(0);
    assert!(run.stdout.contains("certs (1 item)"), "{}", run.stdout);
    assert!(
        run.stdout.contains("| category") && run.stdout.contains("download_link"),
        "{}",
        run.stdout
    );
}

#[test]
fn cli_input_json_gives_the_input_and_flags_override_it() {
    let h = Harness::start(Duration::from_millis(50));
    let json = format!(r#"{{"DBInstanceId":"{POSTGRES}"}}"#);
    let run = h.cloudcall(&[
        "tencent-postgres",
        "describe-db-instance-ssl-config",
        "--cli-input-json",
        &json,
    ]);
    run.expect_status(0);
    assert!(run.json()["SSLEnabled"].is_boolean(), "{}", run.stdout);
    // The flag wins over the JSON, whose instance does not exist.
    let run = h.cloudcall(&[
        "tencent-postgres",
        "describe-db-instance-ssl-config",
        "--cli-input-json",
        r#"{"DBInstanceId":"postgres-doesnotexist"}"#,
        "--db-instance-id",
        POSTGRES,
    ]);
    run.expect_status(0);
    // Without the flag the JSON's instance is used, and the service says it does not exist.
    let run = h.cloudcall(&[
        "tencent-postgres",
        "describe-db-instance-ssl-config",
        "--cli-input-json",
        r#"{"DBInstanceId":"postgres-doesnotexist"}"#,
    ]);
    run.expect_status(1);
}

#[test]
fn huawei_project_id_flag_and_token_mode() {
    let h = Harness::start(Duration::from_millis(50));
    let project = cloud_emulator::DEFAULT_HUAWEI_PROJECT_ID;
    let list_certs =
        words("huawei-geminidb list-ssl-cert-download-addresses --instance-id {gemini}");
    let mut env: Vec<(&str, String)> = demo_env()
        .into_iter()
        .filter(|(k, _)| *k != "HUAWEICLOUD_SDK_PROJECT_ID")
        .collect();

    let mut argv = vec!["--project-id", project];
    argv.extend(refs(&list_certs));
    let run = h.cloudcall_env(&argv, &env);
    run.expect_status(0);
    assert!(run.json()["certs"].is_array());

    // A project the account does not have: the service refuses.
    let mut argv = vec!["--project-id", "00000000000000000000000000000000"];
    argv.extend(refs(&list_certs));
    h.cloudcall_env(&argv, &env).expect_status(1);

    // IAM token mode: password login, the token sent as X-Auth-Token, no AK/SK at all.
    env.retain(|(k, _)| {
        !k.starts_with("HUAWEICLOUD_SDK_AK") && !k.starts_with("HUAWEICLOUD_SDK_SK")
    });
    env.push((
        "HUAWEICLOUD_SDK_USER_NAME",
        cloud_emulator::DEMO_IAM_USER.to_owned(),
    ));
    env.push((
        "HUAWEICLOUD_SDK_PASSWORD",
        cloud_emulator::DEMO_IAM_PASSWORD.to_owned(),
    ));
    env.push((
        "HUAWEICLOUD_SDK_DOMAIN_NAME",
        cloud_emulator::DEMO_IAM_DOMAIN.to_owned(),
    ));
    let mut argv = vec!["--debug", "--project-id", project];
    argv.extend(refs(&list_certs));
    let run = h.cloudcall_env(&argv, &env);
    run.expect_status(0);
    assert!(run.json()["certs"].is_array());
    assert!(
        !run.stderr.contains(cloud_emulator::DEMO_IAM_PASSWORD),
        "password printed:\n{}",
        run.stderr
    );
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
    for line in [
        "--debug tencent-mongodb describe-instance-ssl --instance-id {mongo}",
        "--debug huawei-geminidb list-ssl-cert-download-addresses --instance-id {gemini}",
    ] {
        let run = h.cloudcall_env(&refs(&words(line)), &env);
        run.expect_status(1); // a wrong secret: the signature does not verify
        assert!(run.stderr.contains("debug:"), "{}", run.stderr);
        for stream in [&run.stdout, &run.stderr] {
            assert!(
                !stream.contains(secret),
                "{line} printed the secret:\n{stream}"
            );
        }
        if line.contains("tencent") {
            assert!(
                run.stderr.contains("AuthFailure.SignatureFailure"),
                "{}",
                run.stderr
            );
        }
    }

    let run = h.cloudcall(&refs(&words(
        "--debug tencent-mongodb describe-instance-ssl --instance-id {mongo}",
    )));
    run.expect_status(0);
    for stream in [&run.stdout, &run.stderr] {
        assert!(
            !stream.contains(cloud_emulator::DEMO_TENCENT_SECRET_KEY),
            "printed the secret:\n{stream}"
        );
    }
}

#[test]
fn missing_credentials_fail_clearly_before_sending() {
    let h = Harness::start(Duration::from_millis(50));
    let run = h.cloudcall_env(
        &refs(&words(
            "tencent-mongodb describe-instance-ssl --instance-id {mongo}",
        )),
        &[],
    );
    run.expect_status(1);
    assert!(
        run.stderr.to_lowercase().contains("credential"),
        "{}",
        run.stderr
    );
    assert_eq!(h.emulator.request_count("DescribeInstanceSSL"), 0);
}
