//! The habits of aws-cli, tccli and KooCLI users, end to end against the emulator: `--query`,
//! tables that fit the terminal, `--output text|yaml`, `--generate-cli-skeleton` round trips and
//! shell completions.

use std::time::Duration;

use cloud_emulator::demo_data::{
    GEMINIDB_INSTANCE, MONGODB_OTHER_INSTANCE, POSTGRES_CONNECT_ADDRESS, POSTGRES_INSTANCE,
};

use crate::common::{demo_env, Harness};

fn harness() -> Harness {
    Harness::start(Duration::from_millis(10))
}

#[test]
fn query_selects_from_the_answer_in_every_format() {
    let h = harness();
    let list = ["tencent-cdb", "describe-db-instances"];
    let all = h.cloudcall(&list).expect_status(0).json();
    let ids: Vec<String> = all["Items"]
        .as_array()
        .expect("Items")
        .iter()
        .map(|i| i["InstanceId"].as_str().unwrap().to_owned())
        .collect();
    assert!(!ids.is_empty());

    let run = |extra: &[&str]| {
        let mut args = list.to_vec();
        args.extend_from_slice(extra);
        h.cloudcall(&args)
    };
    let json = run(&["--query", "Items[].InstanceId"])
        .expect_status(0)
        .json();
    assert_eq!(json, serde_json::json!(ids));
    let text = run(&["--query", "Items[].InstanceId", "--output", "text"]);
    assert_eq!(
        text.expect_status(0).stdout,
        format!("{}\n", ids.join("\t"))
    );
    let yaml = run(&["--query", "Items[].InstanceId", "--output", "yaml"]);
    let lines: Vec<&str> = yaml.expect_status(0).stdout.lines().collect();
    assert_eq!(lines.len(), ids.len());
    assert_eq!(lines[0], format!("- {}", ids[0]));
    let table = run(&[
        "--query",
        "Items[].{Id: InstanceId, Region: Region}",
        "--output",
        "table",
    ]);
    let out = &table.expect_status(0).stdout;
    assert!(out.contains("| Id "), "{out}");
    assert!(out.contains(&ids[0]), "{out}");
    assert_eq!(
        run(&["--query", "TotalCount"])
            .expect_status(0)
            .stdout
            .trim(),
        all["TotalCount"].to_string()
    );
    let pairs = run(&[
        "--query",
        "Items[].[InstanceId, Status]",
        "--output",
        "text",
    ]);
    let lines: Vec<&str> = pairs.expect_status(0).stdout.lines().collect();
    assert_eq!(lines.len(), ids.len());
    assert_eq!(
        lines[0],
        format!("{}\t{}", ids[0], all["Items"][0]["Status"])
    );
    let csv = run(&[
        "--query",
        "Items[].{Id: InstanceId, Status: Status}",
        "--output",
        "csv",
    ]);
    let lines: Vec<&str> = csv.expect_status(0).stdout.lines().collect();
    assert_eq!(lines[0], "Id,Status");
    assert_eq!(lines.len(), ids.len() + 1);
    // Nothing selected: JSON null, as aws-cli prints it.
    assert_eq!(
        run(&["--query", "NoSuchMember"]).expect_status(0).stdout,
        "null\n"
    );
}

#[test]
fn a_malformed_query_is_a_usage_error_that_says_where_and_sends_nothing() {
    let h = harness();
    const OP: &str = "DescribeDBInstances";
    let before = h.emulator.request_count(OP);
    let run = h.cloudcall(&[
        "tencent-cdb",
        "describe-db-instances",
        "--query",
        "Items[?Status==",
    ]);
    run.expect_status(2);
    assert!(
        run.stderr.contains("invalid --query expression at column"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("Items[?Status=="), "{}", run.stderr);
    assert!(run.stdout.is_empty());
    assert_eq!(h.emulator.request_count(OP), before, "nothing was sent");
}

#[test]
fn wide_tables_fit_the_terminal_width_unless_full_width() {
    let h = harness();
    let mut env = demo_env();
    env.push(("COLUMNS", "100".to_owned()));
    let args = ["tencent-cdb", "describe-db-instances", "--output", "table"];
    let fitted = h.cloudcall_env(&args, &env);
    let out = &fitted.expect_status(0).stdout;
    let widest = out.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(widest <= 100, "a line of {widest} characters:\n{out}");
    assert!(
        out.contains("InstanceId"),
        "scalar columns come first:\n{out}"
    );
    let mut full_args = args.to_vec();
    full_args.push("--full-width");
    let full = h.cloudcall_env(&full_args, &env);
    let widest_full = full
        .expect_status(0)
        .stdout
        .lines()
        .map(|l| l.chars().count())
        .max()
        .unwrap();
    assert!(widest_full > 100, "full width is wider ({widest_full})");
}

#[test]
fn text_and_yaml_outputs_of_a_whole_answer() {
    let h = harness();
    let args = [
        "tencent-mongodb",
        "describe-instance-ssl",
        "--instance-id",
        MONGODB_OTHER_INSTANCE,
    ];
    let json = h.cloudcall(&args).expect_status(0).json();
    let mut text_args = args.to_vec();
    text_args.extend(["--output", "text"]);
    let text = h.cloudcall(&text_args);
    let status_line = format!("Status\t{}", json["Status"]);
    assert!(
        text.expect_status(0)
            .stdout
            .lines()
            .any(|l| l == status_line),
        "{}",
        text.stdout
    );
    let mut yaml_args = args.to_vec();
    yaml_args.extend(["--output", "yaml"]);
    let yaml = h.cloudcall(&yaml_args);
    let status_line = format!("Status: {}", json["Status"]);
    assert!(
        yaml.expect_status(0)
            .stdout
            .lines()
            .any(|l| l == status_line),
        "{}",
        yaml.stdout
    );
}

#[test]
fn a_skeleton_round_trips_through_cli_input_json() {
    let h = harness();
    let skeleton = h.cloudcall(&[
        "tencent-postgres",
        "modify-db-instance-ssl-config",
        "--generate-cli-skeleton",
    ]);
    let value = skeleton.expect_status(0).json();
    let keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["DBInstanceId", "SSLEnabled", "ConnectAddress"]);
    // Filled in and fed back: the call goes through.
    let mut filled = value.clone();
    filled["DBInstanceId"] = POSTGRES_INSTANCE.into();
    filled["SSLEnabled"] = true.into();
    filled["ConnectAddress"] = POSTGRES_CONNECT_ADDRESS.into();
    let dir = std::env::temp_dir().join(format!("cloudcall-skeleton-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("input.json");
    std::fs::write(&file, serde_json::to_string_pretty(&filled).unwrap()).unwrap();
    let arg = format!("file://{}", file.display());
    h.cloudcall(&[
        "tencent-postgres",
        "modify-db-instance-ssl-config",
        "--cli-input-json",
        &arg,
    ])
    .expect_status(0);
    // Unchanged, it still validates (the emulator, not the CLI, judges the empty id).
    let before = h.emulator.request_count("ModifyDBInstanceSSLConfig");
    let raw = h.cloudcall(&[
        "tencent-postgres",
        "modify-db-instance-ssl-config",
        "--cli-input-json",
        &value.to_string(),
    ]);
    assert_ne!(raw.status, 2, "{}", raw.stderr);
    assert!(h.emulator.request_count("ModifyDBInstanceSSLConfig") > before);
    // Edited into invalid JSON: a usage error naming the problem.
    std::fs::write(&file, "{\"DBInstanceId\": \"x\",").unwrap();
    let broken = h.cloudcall(&[
        "tencent-postgres",
        "modify-db-instance-ssl-config",
        "--cli-input-json",
        &arg,
    ]);
    broken.expect_status(2);
    assert!(
        broken.stderr.contains("not valid JSON"),
        "{}",
        broken.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn completion_scripts_name_services_operations_and_flags() {
    let h = harness();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let run = h.cloudcall(&["completions", shell]);
        let script = &run.expect_status(0).stdout;
        for word in [
            "huawei-geminidb",
            "describe-ssl-status",
            "instance-id",
            "query",
        ] {
            assert!(script.contains(word), "{shell}: no {word}");
        }
    }
    h.cloudcall(&["completions", "tcsh"]).expect_status(2);
}

/// `--debug` shows each attempt (request line, headers, body, status, timing) with every secret
/// redacted: Tencent's temporary credentials (`X-TC-Token`), Huawei's (`X-Security-Token`) and
/// an IAM password login (the token request's body and the `X-Auth-Token` it yields).
#[test]
fn debug_shows_each_attempt_with_secrets_redacted() {
    use cloud_emulator::*;
    let h = harness();
    let with = |pairs: &[(&'static str, &str)]| {
        let mut env = demo_env();
        env.retain(|(k, _)| !pairs.iter().any(|(p, _)| p == k));
        env.retain(|(k, _)| {
            !(pairs.iter().any(|(p, _)| *p == "HUAWEICLOUD_SDK_USER_NAME")
                && (*k == "HUAWEICLOUD_SDK_AK" || *k == "HUAWEICLOUD_SDK_SK"))
        });
        env.extend(pairs.iter().map(|(k, v)| (*k, v.to_string())));
        env
    };
    let cases = [
        (
            vec![
                "--debug",
                "tencent-mongodb",
                "describe-instance-ssl",
                "--instance-id",
                MONGODB_OTHER_INSTANCE,
            ],
            with(&[
                ("TENCENTCLOUD_SECRET_ID", DEMO_TENCENT_TEMP_SECRET_ID),
                ("TENCENTCLOUD_SECRET_KEY", DEMO_TENCENT_TEMP_SECRET_KEY),
                ("TENCENTCLOUD_TOKEN", DEMO_TENCENT_TOKEN),
            ]),
            vec![
                "X-TC-Token: <redacted>",
                "Authorization: <redacted>",
                "X-TC-Action: DescribeInstanceSSL",
            ],
            vec![
                DEMO_TENCENT_TEMP_SECRET_KEY,
                DEMO_TENCENT_TOKEN,
                "TC3-HMAC-SHA256 Credential",
            ],
        ),
        (
            vec![
                "--debug",
                "huawei-geminidb",
                "list-ssl-cert-download-addresses",
                "--instance-id",
                GEMINIDB_INSTANCE,
            ],
            with(&[
                ("HUAWEICLOUD_SDK_AK", DEMO_HUAWEI_TEMP_AK),
                ("HUAWEICLOUD_SDK_SK", DEMO_HUAWEI_TEMP_SK),
                ("HUAWEICLOUD_SDK_SECURITY_TOKEN", DEMO_HUAWEI_SECURITY_TOKEN),
            ]),
            vec!["X-Security-Token: <redacted>", "Authorization: <redacted>"],
            vec![
                DEMO_HUAWEI_TEMP_SK,
                DEMO_HUAWEI_SECURITY_TOKEN,
                "SDK-HMAC-SHA256 Access",
            ],
        ),
        (
            vec![
                "--debug",
                "huawei-geminidb",
                "list-ssl-cert-download-addresses",
                "--instance-id",
                GEMINIDB_INSTANCE,
            ],
            with(&[
                ("HUAWEICLOUD_SDK_USER_NAME", DEMO_IAM_USER),
                ("HUAWEICLOUD_SDK_PASSWORD", DEMO_IAM_PASSWORD),
                ("HUAWEICLOUD_SDK_DOMAIN_NAME", DEMO_IAM_DOMAIN),
            ]),
            vec!["\"password\":\"***\"", "X-Auth-Token: <redacted>"],
            vec![DEMO_IAM_PASSWORD],
        ),
    ];
    for (args, env, shown, hidden) in cases {
        let run = h.cloudcall_env(&args, &env);
        run.expect_status(0);
        let err = &run.stderr;
        assert!(
            err.contains("debug: attempt 1: POST http://127.0.0.1:")
                || err.contains("debug: attempt 1: GET http://127.0.0.1:"),
            "{err}"
        );
        assert!(err.contains(": HTTP 200 after "), "{err}");
        // Header names are case-insensitive (the transport sends Huawei's in lower case).
        let err_lower = err.to_ascii_lowercase();
        for needle in shown {
            assert!(
                err_lower.contains(&needle.to_ascii_lowercase()),
                "{args:?}: no `{needle}` in\n{err}"
            );
        }
        for secret in hidden {
            for stream in [&run.stdout, &run.stderr] {
                assert!(
                    !stream.contains(secret),
                    "{args:?} printed `{secret}`:\n{stream}"
                );
            }
        }
    }
}
