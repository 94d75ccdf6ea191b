//! `cloudcall` against an in-process emulator over loopback HTTP: every operation (in-process
//! through the library entry point, and the binary for a representative subset),
//! stdout/stderr and exit statuses (0 success, 1 failed call, 2 usage error), `--wait`,
//! `--output table`, help, credentials and secrets.

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use cloud_emulator::demo_data::{
    CDB_INSTANCE, GEMINIDB_INSTANCE, MONGODB_INSTANCE, MONGODB_OTHER_INSTANCE,
    POSTGRES_CONNECT_ADDRESS, POSTGRES_INSTANCE, TENCENT_REGION,
};
use cloud_spec::sample::SampleSource;
use cloud_spec::{Service, TypeExpr};
use common::{demo_env, Harness, Run};
use heck::ToKebabCase;
use indexmap::IndexMap;
use serde_json::{json, Value};

const MONGO: &str = MONGODB_OTHER_INSTANCE;
const CDB: &str = CDB_INSTANCE;
const POSTGRES: &str = POSTGRES_INSTANCE;
const GEMINI: &str = GEMINIDB_INSTANCE;

/// A command line written as one string; `{mongo}`-style names are replaced by the seeded ids
/// (`{mongo_ssl}`: the instance of the MongoDB SSL examples) and `{connect_address}` by the
/// address PostgreSQL's SSL is enabled with. Only for arguments without spaces (JSON arguments
/// are given as slices).
fn words(line: &str) -> Vec<String> {
    line.replace("{mongo}", MONGO)
        .replace("{mongo_ssl}", MONGODB_INSTANCE)
        .replace("{cdb}", CDB)
        .replace("{postgres}", POSTGRES)
        .replace("{gemini}", GEMINI)
        .replace("{connect_address}", POSTGRES_CONNECT_ADDRESS)
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

/// Flag names the CLI keeps for itself; a member with one of these names is `--param-<name>`
/// (the documented rule, written out independently of the CLI's code as the test's oracle).
// tidy: oracle
const RESERVED_FLAGS: &[&str] = &[
    "endpoint",
    "region",
    "project-id",
    "output",
    "debug",
    "allow-insecure-http",
    "cli-input-json",
    "wait",
    "wait-timeout",
    "help",
    "version",
];

/// Header members the transport sets itself (the rule cloud-spec owns); they have no flag.
fn transport_header(wire: &str, member: &cloud_spec::Member) -> bool {
    cloud_spec::transport_members::is_transport_header_member(wire, member)
}

/// The flag of a member, by the documented rule (written independently of the CLI's code).
fn flag_of(wire: &str) -> String {
    let kebab = wire.to_kebab_case();
    if RESERVED_FLAGS.contains(&kebab.as_str()) {
        format!("--param-{kebab}")
    } else {
        format!("--{kebab}")
    }
}

/// The command line for `input` given as flags: scalars as text, lists of scalars as repeated
/// flags, everything else (structures, maps, `json` members, lists of structures) as JSON.
fn flags_for(service: &Service, op_name: &str, input: &IndexMap<String, Value>) -> Vec<String> {
    let op = &service.operations[op_name];
    let mut args = vec![service.crate_name(), op_name.to_kebab_case()];
    for (wire, value) in input {
        let member = &op.input[wire];
        if transport_header(wire, member) {
            continue;
        }
        let flag = flag_of(wire);
        let is_json_member = member.ty == TypeExpr::Json;
        match value {
            Value::Array(items)
                if !is_json_member
                    && !items.is_empty()
                    && items.iter().all(|i| !i.is_object() && !i.is_array()) =>
            {
                for item in items {
                    args.push(flag.clone());
                    args.push(text(item));
                }
            }
            other if is_json_member => {
                args.push(flag);
                args.push(other.to_string());
            }
            other => {
                args.push(flag);
                args.push(text(other));
            }
        }
    }
    args
}

/// The command line for `input` given whole as `--cli-input-json`.
fn cli_input_json_for(
    service: &Service,
    op_name: &str,
    input: &IndexMap<String, Value>,
) -> Vec<String> {
    let op = &service.operations[op_name];
    let body: serde_json::Map<String, Value> = input
        .iter()
        .filter(|(wire, _)| !transport_header(wire, &op.input[*wire]))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    vec![
        service.crate_name(),
        op_name.to_kebab_case(),
        "--cli-input-json".into(),
        Value::Object(body).to_string(),
    ]
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The kinds of operation the binary must be run for at least once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Shape {
    NoInput,
    ListInput,
    NestedInput,
    EnumInput,
    TimestampInput,
    EmptyResponse,
}

/// The shape classes of an operation called with `input`.
fn shapes_of(
    service: &Service,
    op: &cloud_spec::Operation,
    input: &IndexMap<String, Value>,
) -> Vec<Shape> {
    let mut found = Vec::new();
    if op.input.iter().all(|(wire, m)| transport_header(wire, m)) {
        found.push(Shape::NoInput);
    }
    if op.http.as_ref().is_some_and(|h| h.success_status == 204) {
        found.push(Shape::EmptyResponse);
    }
    for (wire, value) in input {
        let ty = &op.input[wire].ty;
        let element = match ty {
            TypeExpr::List(inner) => {
                found.push(Shape::ListInput);
                (**inner).clone()
            }
            other => other.clone(),
        };
        if value.is_object()
            || value
                .as_array()
                .is_some_and(|a| a.iter().any(Value::is_object))
        {
            found.push(Shape::NestedInput);
        }
        match &element {
            TypeExpr::Timestamp => found.push(Shape::TimestampInput),
            TypeExpr::Shape(name)
                if service
                    .shapes
                    .get(name)
                    .is_some_and(|s| s.enum_kind.is_some()) =>
            {
                found.push(Shape::EnumInput)
            }
            _ => {}
        }
    }
    found.sort();
    found.dedup();
    found
}

/// One operation to call, its sample input two ways, and its shape classes.
struct Case {
    service: usize,
    op_name: String,
    source: SampleSource,
    flags: Vec<String>,
    cli_input_json: Vec<String>,
    shapes: Vec<Shape>,
    empty_response: bool,
}

fn cases(services: &[Service]) -> Vec<Case> {
    let mut cases = Vec::new();
    for (index, service) in services.iter().enumerate() {
        for (op_name, op) in &service.operations {
            // `cloud_spec::sample::sample_input`, with members naming an instance pointed at
            // one the emulator has (a synthesized placeholder would be "not found").
            let (input, source) =
                cloud_emulator::sample_input(service, op_name).expect("the operation exists");
            cases.push(Case {
                service: index,
                op_name: op_name.clone(),
                source,
                flags: flags_for(service, op_name, &input),
                cli_input_json: cli_input_json_for(service, op_name, &input),
                shapes: shapes_of(service, op, &input),
                empty_response: op.http.as_ref().is_some_and(|h| h.success_status == 204),
            });
        }
    }
    cases
}

/// What a successful call must print: a JSON object on stdout (`{}` for an empty response;
/// Tencent: the `Response` envelope removed, `RequestId` kept) and nothing on stderr.
fn check_success(service: &Service, case: &Case, argv: &[String], run: &Run) -> Result<(), String> {
    let what = format!(
        "{} {}: cloudcall {}",
        service.crate_name(),
        case.op_name,
        argv.join(" ")
    );
    if run.status != 0 {
        return Err(format!(
            "{what}\n    exit status {}\n    stderr: {}",
            run.status,
            run.stderr.trim().replace('\n', "\n            ")
        ));
    }
    let out: Value = serde_json::from_str(&run.stdout)
        .map_err(|e| format!("{what}\n    stdout is not JSON ({e}): {}", run.stdout))?;
    if !out.is_object() {
        return Err(format!("{what}\n    stdout is not a JSON object: {out}"));
    }
    if service.vendor == cloud_spec::Vendor::Tencent
        && (!out["RequestId"].is_string() || out.get("Response").is_some())
    {
        return Err(format!(
            "{what}\n    not the inside of the Tencent envelope: {out}"
        ));
    }
    if case.empty_response && run.stdout != "{}\n" {
        return Err(format!(
            "{what}\n    an empty response must print `{{}}`: {}",
            run.stdout
        ));
    }
    if !run.stderr.is_empty() {
        return Err(format!("{what}\n    unexpected stderr: {}", run.stderr));
    }
    Ok(())
}

/// Runs `job` for each item on `threads` threads; returns the failures, in item order.
fn in_pool<T: Sync>(
    items: &[T],
    threads: usize,
    job: impl Fn(&T) -> Vec<String> + Sync,
) -> Vec<String> {
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::<(usize, String)>::new());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(index) else {
                    break;
                };
                let found = job(item);
                failures
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .extend(found.into_iter().map(|f| (index, f)));
            });
        }
    });
    let mut failures = failures.into_inner().unwrap_or_else(|p| p.into_inner());
    failures.sort_by_key(|(index, _)| *index);
    failures.into_iter().map(|(_, f)| f).collect()
}

fn report(what: &str, total: usize, failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{what}: {} of {total} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every bundled operation, called in-process through the CLI's entry point with its sample
/// input (the documented example, or one synthesized from the spec): once with the input as
/// flags, once as `--cli-input-json`, each against its own emulator (a mutation in one pass
/// cannot disturb the other). Failures are collected into one report.
#[test]
fn every_operation_succeeds_with_its_sample_input_as_flags_and_as_json() {
    let services = services();
    let cases = cases(&services);
    // Changes never finish during this test: some documented examples delete instances that
    // other examples still name (GeminiDB DeleteInstance, postgres DestroyDBInstance), and the
    // emulator makes a deleted instance disappear once its change finishes.
    let by_flags = Harness::start(Duration::from_secs(3600));
    let by_json = Harness::start(Duration::from_secs(3600));
    let failures = in_pool(&cases, 3, |case| {
        let service = &services[case.service];
        let mut found = Vec::new();
        for (harness, argv) in [(&by_flags, &case.flags), (&by_json, &case.cli_input_json)] {
            // What the binary loads for this command line: the one service it names.
            let run = harness.cloudcall_in_process(&refs(argv), std::slice::from_ref(service));
            if let Err(e) = check_success(service, case, argv, &run) {
                found.push(e);
            }
        }
        found
    });
    report("operations called in-process", cases.len() * 2, &failures);
    let total: usize = services.iter().map(|s| s.operations.len()).sum();
    assert_eq!(cases.len(), total);
    assert!(total >= 400, "only {total} operations in the bundle");
    let synthesized = cases
        .iter()
        .filter(|c| c.source == SampleSource::Synthesized)
        .count();
    assert!(
        synthesized > 0,
        "every operation has an example: the synthesized path is untested"
    );
}

/// The real binary, spawned for a representative subset: for every service, its first operation
/// and the first operation of each shape class (no input, list, nested structure, enum,
/// timestamp, empty response). The in-process test above covers the rest through the same entry
/// point the binary calls.
#[test]
fn representative_operations_succeed_through_the_binary() {
    let services = services();
    let cases = cases(&services);
    let mut picked: Vec<&Case> = Vec::new();
    let mut classes_seen: Vec<Shape> = Vec::new();
    for (index, _) in services.iter().enumerate() {
        let mine: Vec<&Case> = cases.iter().filter(|c| c.service == index).collect();
        let mut seen: Vec<Shape> = Vec::new();
        for (position, case) in mine.iter().enumerate() {
            let new_class = case.shapes.iter().any(|s| !seen.contains(s));
            if position == 0 || new_class {
                seen.extend(case.shapes.iter().copied());
                picked.push(case);
            }
        }
        classes_seen.extend(seen);
    }
    classes_seen.sort();
    classes_seen.dedup();
    assert_eq!(
        classes_seen,
        [
            Shape::NoInput,
            Shape::ListInput,
            Shape::NestedInput,
            Shape::EnumInput,
            Shape::TimestampInput,
            Shape::EmptyResponse
        ],
        "the bundle no longer has an operation of every class"
    );
    let h = Harness::start(Duration::from_millis(50));
    let failures = in_pool(&picked, 2, |case| {
        let service = &services[case.service];
        let run = h.cloudcall(&refs(&case.flags));
        check_success(service, case, &case.flags, &run)
            .err()
            .into_iter()
            .collect()
    });
    report("operations run through the binary", picked.len(), &failures);
}

/// An empty (HTTP 204) response: `{}` in JSON, a sentence in a table, exit 0.
#[test]
fn empty_responses_print_an_empty_object_or_a_sentence() {
    let services = services();
    let cases = cases(&services);
    let case = cases
        .iter()
        .find(|c| c.empty_response)
        .expect("an operation answering 204");
    let service = &services[case.service];
    let h = Harness::start(Duration::from_millis(50));
    let run = h.cloudcall_in_process(&refs(&case.flags), std::slice::from_ref(service));
    run.expect_status(0);
    assert_eq!(run.stdout, "{}\n");
    let mut table = vec!["--output".to_owned(), "table".to_owned()];
    table.extend(case.flags.iter().cloned());
    let run = h.cloudcall_in_process(&refs(&table), std::slice::from_ref(service));
    run.expect_status(0);
    assert_eq!(
        run.stdout,
        format!(
            "{}: done; the response has no content.\n",
            case.op_name.to_kebab_case()
        )
    );
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
        ("--output xml tencent-mongodb describe-instance-ssl --instance-id {mongo}", "--output"),
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
                         --ssl-enabled true --connect-address {connect_address} --wait",
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
        "tencent-mongodb describe-instance-ssl --instance-id {mongo_ssl}",
    )));
    describe.expect_status(0);
    // Ask for the state the instance is not in, so the change has to wait for the 30 s delay.
    let enable = if describe.json()["Status"] == json!(1) {
        "false"
    } else {
        "true"
    };
    let line = format!(
        "tencent-mongodb instance-enable-ssl --instance-id {{mongo_ssl}} --enable {enable} --wait --wait-timeout 1"
    );
    let run = h.cloudcall(&refs(&words(&line)));
    run.expect_status(1);
    assert!(run.stderr.contains("timed out waiting"), "{}", run.stderr);
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

/// `cloudcall <service> --help` at full size: every operation, one line each (name and the first
/// sentence of its docs), plus the count.
#[test]
fn service_help_lists_every_operation_on_one_line() {
    let h = Harness::start(Duration::from_millis(50));
    for service in services() {
        let name = service.crate_name();
        let run = h.cloudcall_in_process(&[&name, "--help"], std::slice::from_ref(&service));
        run.expect_status(0);
        let listing: Vec<&str> = run
            .stdout
            .lines()
            .skip_while(|l| *l != "Operations:")
            .skip(1)
            .take_while(|l| !l.is_empty())
            .collect();
        let mut listed = 0;
        for (op_name, op) in &service.operations {
            let cli = op_name.to_kebab_case();
            let line = listing
                .iter()
                .find(|l| l.split_whitespace().next() == Some(cli.as_str()))
                .unwrap_or_else(|| panic!("{name} --help does not list {cli}:\n{}", run.stdout));
            let description = line.trim_start()[cli.len()..].trim();
            assert!(
                !description.is_empty() || op.docs.trim().is_empty(),
                "{name} {cli}: no description on its line: {line:?}"
            );
            assert!(
                description.chars().count() <= 95,
                "{name} {cli}: description longer than one line: {description:?}"
            );
            listed += 1;
        }
        // One line per operation, plus clap's own `help`.
        assert_eq!(listing.len(), listed + 1, "{name}:\n{}", run.stdout);
        assert!(
            run.stdout
                .contains(&format!("{} operations", service.operations.len())),
            "{name}: no operation count:\n{}",
            run.stdout
        );
    }
    // The root lists the services with their size.
    let all = services();
    let run = h.cloudcall_in_process(&["--help"], &all);
    run.expect_status(0);
    for service in &all {
        let line = run
            .stdout
            .lines()
            .find(|l| l.trim_start().starts_with(&service.crate_name()))
            .unwrap_or_else(|| panic!("no line for {}:\n{}", service.crate_name(), run.stdout));
        assert!(
            line.contains(&format!("{} operations", service.operations.len())),
            "{line}"
        );
    }
}

/// `cloudcall <service> <operation> --help`: each member's flag with its type, `(required)`, the
/// docs, enum values, and a structure's JSON layout; `-h` keeps each member to one line.
#[test]
fn operation_help_shows_types_required_enum_values_and_structures() {
    let h = Harness::start(Duration::from_millis(50));
    let geminidb = cloud_spec::bundle::service("huawei-geminidb").expect("bundled");
    let run = h.cloudcall_in_process(
        &["huawei-geminidb", "switch-ssl", "--help"],
        std::slice::from_ref(&geminidb),
    );
    run.expect_status(0);
    for expected in [
        "--instance-id <STRING>",
        "(required) Instance ID",
        "--ssl-option <on|off>",
        "Type: SslOption enum.",
        "Values:",
        "API: SwitchSsl (POST /v3/{project_id}/instances/{instance_id}/ssl-option)",
    ] {
        assert!(
            run.stdout.contains(expected),
            "no `{expected}`:\n{}",
            run.stdout
        );
    }
    let cdb = cloud_spec::bundle::service("tencent-cdb").expect("bundled");
    let run = h.cloudcall_in_process(
        &["tencent-cdb", "create-accounts", "--help"],
        std::slice::from_ref(&cdb),
    );
    run.expect_status(0);
    for expected in [
        "--accounts <JSON>",
        "Type: list of Account structure.",
        "JSON: [{\"User\": string",
        "Repeat the flag for each element, or give a JSON array.",
    ] {
        assert!(
            run.stdout.contains(expected),
            "no `{expected}`:\n{}",
            run.stdout
        );
    }
    assert!(
        !run.stdout.contains("<p>") && !run.stdout.contains("<br>"),
        "HTML in help:\n{}",
        run.stdout
    );
    // Short help: one line per member, enum values inline.
    let run = h.cloudcall_in_process(
        &["huawei-geminidb", "switch-ssl", "-h"],
        std::slice::from_ref(&geminidb),
    );
    run.expect_status(0);
    let line = run
        .stdout
        .lines()
        .find(|l| l.contains("--ssl-option"))
        .expect("a --ssl-option line");
    let help = run
        .stdout
        .lines()
        .skip_while(|l| !l.contains("--ssl-option"))
        .find(|l| l.contains("(required)"))
        .unwrap_or(line);
    assert!(help.contains("[values: on, off]"), "{}", run.stdout);
}

/// Mistyped operation names get a few close suggestions, not clap's dozens; exit 2.
#[test]
fn unknown_operations_suggest_close_names() {
    let h = Harness::start(Duration::from_millis(50));
    let cdb = cloud_spec::bundle::service("tencent-cdb").expect("bundled");
    for (typed, first) in [
        ("describe-ssl", "describe-ssl-status"),
        ("DescribeSslStatus", "describe-ssl-status"),
        ("descrbe-ssl-status", "describe-ssl-status"),
        ("open-ssll", "open-ssl"),
    ] {
        let run = h.cloudcall_in_process(&["tencent-cdb", typed], std::slice::from_ref(&cdb));
        run.expect_status(2);
        assert!(run.stdout.is_empty(), "{}", run.stdout);
        let tip = run
            .stderr
            .lines()
            .find_map(|l| l.trim().strip_prefix("tip: similar operations: "))
            .unwrap_or_else(|| panic!("{typed}: no suggestion:\n{}", run.stderr));
        let names: Vec<&str> = tip.split(", ").collect();
        assert_eq!(names[0], first, "{typed}: {tip}");
        assert!(names.len() <= 5, "{typed}: {tip}");
        assert!(
            run.stderr
                .contains(&format!("unrecognized operation '{typed}' for tencent-cdb")),
            "{}",
            run.stderr
        );
    }
    let run = h.cloudcall_in_process(&["tencent-cdb", "frobnicate"], std::slice::from_ref(&cdb));
    run.expect_status(2);
    assert!(!run.stderr.contains("similar operations"), "{}", run.stderr);
    let count = format!("lists its {} operations", cdb.operations.len());
    assert!(run.stderr.contains(&count), "{}", run.stderr);
}

/// Wrong types, in flags and in `--cli-input-json`, at any depth: exit 2, the flag or member
/// named, nothing sent, no panic.
#[test]
fn wrong_types_are_usage_errors_naming_the_member() {
    let h = Harness::start(Duration::from_millis(50));
    let cdb = cloud_spec::bundle::service("tencent-cdb").expect("bundled");
    let cases: [(&[&str], &[&str]); 6] = [
        (
            &["describe-db-instances", "--limit", "abc"],
            &["--limit", "expected an integer"],
        ),
        (
            &["describe-db-instances", "--instance-types", "x"],
            &["--instance-types", "expected an integer"],
        ),
        (
            &[
                "create-accounts",
                "--instance-id",
                CDB_INSTANCE,
                "--password",
                "p",
                "--accounts",
                "{bad",
            ],
            &["--accounts", "expected JSON"],
        ),
        (
            &[
                "create-accounts",
                "--instance-id",
                CDB_INSTANCE,
                "--password",
                "p",
                "--accounts",
                r#"[{"User":1}]"#,
            ],
            &["--accounts", "User", "expected a string"],
        ),
        (
            &[
                "create-accounts",
                "--cli-input-json",
                r#"{"InstanceId":"cdb-je5dfmdl","Password":"p","Accounts":[{"User":"u","Host":3}]}"#,
            ],
            &["--cli-input-json", "Accounts[0].Host", "expected a string"],
        ),
        (
            &[
                "describe-db-instances",
                "--cli-input-json",
                r#"{"Limit":"ten"}"#,
            ],
            &["--cli-input-json", "Limit", "expected an integer"],
        ),
    ];
    for (args, named) in cases {
        let mut argv = vec!["tencent-cdb"];
        argv.extend_from_slice(args);
        let run = h.cloudcall_in_process(&argv, std::slice::from_ref(&cdb));
        run.expect_status(2);
        for word in named {
            assert!(
                run.stderr.contains(word),
                "{args:?}: stderr does not name {word}:\n{}",
                run.stderr
            );
        }
    }
    for op in ["DescribeDBInstances", "CreateAccounts"] {
        assert_eq!(
            h.emulator.request_count(op),
            0,
            "{op} was sent despite a usage error"
        );
    }
}

/// `--profile NAME` picks a named profile: a section of the SDK credentials files, tccli's
/// `~/.tccli/NAME.credential` and KooCLI's `~/.hcloud/config.json`; a profile that exists
/// nowhere is an error naming it, and nothing is sent.
#[test]
fn profile_flag_selects_named_profiles_of_both_vendors() {
    use cloud_emulator::*;
    let h = Harness::start(Duration::from_millis(50));
    let write = |relative: &str, contents: String| {
        let path = h.home().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    };
    write(
        ".tencentcloud/credentials",
        format!(
            "[default]\nsecret_id = AKIDnotaccepted\nsecret_key = wrong\n\n[work]\nsecret_id = \
             {DEMO_TENCENT_SECRET_ID}\nsecret_key = {DEMO_TENCENT_SECRET_KEY}\n"
        ),
    );
    write(
        ".tccli/ops.credential",
        serde_json::json!({"secretId": DEMO_TENCENT_SECRET_ID, "secretKey": DEMO_TENCENT_SECRET_KEY})
            .to_string(),
    );
    write(
        ".hcloud/config.json",
        serde_json::json!({"current": "default", "profiles": [
            {"name": "default", "mode": "AKSK", "accessKeyId": "nope", "secretAccessKey": "nope"},
            {"name": "ops", "mode": "AKSK", "accessKeyId": DEMO_HUAWEI_AK,
             "secretAccessKey": DEMO_HUAWEI_SK, "projectId": DEFAULT_HUAWEI_PROJECT_ID}
        ]})
        .to_string(),
    );
    let region = [("TENCENTCLOUD_REGION", TENCENT_REGION.to_owned())];
    let describe = words("tencent-mongodb describe-instance-ssl --instance-id {mongo}");
    // Without --profile: [default], which the emulator refuses.
    h.cloudcall_env(&refs(&describe), &region).expect_status(1);
    for profile in ["work", "ops"] {
        let mut args = vec!["--profile", profile];
        args.extend(refs(&describe));
        h.cloudcall_env(&args, &region).expect_status(0);
    }
    let huawei_env = [("HUAWEICLOUD_SDK_REGION", DEFAULT_HUAWEI_REGION.to_owned())];
    h.cloudcall_env(
        &["--profile", "ops", "huawei-geminidb", "list-instances"],
        &huawei_env,
    )
    .expect_status(0);
    let before = h.emulator.request_count("DescribeInstanceSSL");
    let mut args = vec!["--profile", "nowhere"];
    args.extend(refs(&describe));
    let run = h.cloudcall_env(&args, &region);
    run.expect_status(1);
    assert!(run.stderr.contains("nowhere"), "{}", run.stderr);
    assert_eq!(h.emulator.request_count("DescribeInstanceSSL"), before);
}
