//! The instance lifecycle through the `cloudcall` binary, on every service: create with
//! `--wait` (until running), the new instance in `--page-all` listings exactly once, SSL on it,
//! isolate and delete with `--wait` (until gone), then not found. Also: `--max-items`, a waiter
//! that hits its deadline, a task that fails, and usage errors that send nothing.

use std::time::Duration;

use cloud_emulator::demo_data::{GEMINIDB_INSTANCE, MONGODB_OTHER_INSTANCE};
use cloud_spec::{Removal, Service};
use cloud_transport::json_path::value_at;
use serde_json::{json, Value};

use crate::common::Harness;

fn services() -> Vec<Service> {
    cloud_spec::bundle::services()
}

/// The CLI name of an operation.
fn cli(name: &str) -> String {
    heck::ToKebabCase::to_kebab_case(name)
}

/// `cloudcall <service> <op> --cli-input-json <input> <extra...>`
fn call(
    h: &Harness,
    service: &Service,
    op: &str,
    input: &Value,
    extra: &[&str],
) -> crate::common::Run {
    let json = input.to_string();
    let name = service.crate_name();
    let op = cli(op);
    let mut args = vec![
        name.as_str(),
        op.as_str(),
        "--cli-input-json",
        json.as_str(),
    ];
    args.extend_from_slice(extra);
    h.cloudcall(&args)
}

/// The ids at `path` of an answer: one string or a list.
fn ids_at(output: &Value, path: &str) -> Vec<String> {
    match value_at(output, path) {
        Some(Value::String(id)) => vec![id.clone()],
        Some(Value::Array(ids)) => ids
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// Creates `count` instances of `service` through the CLI (with `--wait` on the first), and
/// returns their ids.
fn create(h: &Harness, service: &Service, count: usize) -> Vec<String> {
    let resource = service.resource.as_ref().expect("a resource");
    let (op_name, id_path) = resource.create.iter().next().expect("a create operation");
    let op = &service.operations[op_name];
    let (input, _) = cloud_spec::sample::sample_input(service, op);
    let input = Value::Object(input.into_iter().collect());
    let mut ids = Vec::new();
    for n in 0..count {
        let extra: &[&str] = if n == 0 {
            &["--wait", "--wait-timeout", "30"]
        } else {
            &[]
        };
        let run = call(h, service, op_name, &input, extra);
        run.expect_status(0);
        if n == 0 {
            assert!(run.stderr.contains("done: "), "{}", run.stderr);
        }
        let new = ids_at(&run.json(), id_path);
        assert!(!new.is_empty(), "no new id at {id_path}: {}", run.stdout);
        ids.extend(new);
    }
    ids
}

#[test]
fn the_lifecycle_of_every_service_through_the_cli() {
    let h = Harness::start(Duration::from_millis(150));
    for service in services() {
        let Some(resource) = service.resource.clone() else {
            continue;
        };
        let name = service.crate_name();
        // Four new instances: with pages of 2 the listing turns at least 3 pages.
        let ids = create(&h, &service, 4);
        let list = &resource.list.operation;
        let pagination = service.operations[list]
            .pagination
            .clone()
            .expect("the list pages");
        let limit_flag = format!("--{}", cli(&pagination.limit));
        let run = h.cloudcall(&[&name, &cli(list), "--page-all", &limit_flag, "2"]);
        run.expect_status(0);
        let listed = run.json();
        let items = value_at(&listed, &pagination.items)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for id in &ids {
            let times = items
                .iter()
                .filter(|item| {
                    value_at(item, &resource.list.id).and_then(Value::as_str) == Some(id)
                })
                .count();
            assert_eq!(
                times, 1,
                "{name}: {id} listed {times} times:\n{}",
                run.stdout
            );
        }
        let pages: usize = run
            .stderr
            .split_whitespace()
            .skip_while(|w| *w != "fetched")
            .nth(1)
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        assert!(pages >= 3, "{name}: {pages} pages: {}", run.stderr);

        // --max-items stops early.
        let run = h.cloudcall(&[&name, &cli(list), "--max-items", "3", &limit_flag, "2"]);
        run.expect_status(0);
        let few = value_at(&run.json(), &pagination.items)
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        assert_eq!(few, 3, "{name}: --max-items 3 gave {few}");

        // Out of service, with --wait, then gone.
        let id = &ids[0];
        let isolate = resource
            .remove
            .iter()
            .find(|(_, r)| **r == Removal::Isolated);
        let delete = resource
            .remove
            .iter()
            .find(|(_, r)| **r == Removal::Deleted);
        for (op_name, _) in isolate.into_iter().chain(delete) {
            let op = &service.operations[op_name];
            let member = resource
                .id_members
                .get(op_name)
                .unwrap_or(&resource.id)
                .clone();
            let (sample, _) = cloud_spec::sample::sample_input(&service, op);
            let mut input: serde_json::Map<String, Value> = sample.into_iter().collect();
            let value = if op.input_is_list(&member) {
                json!([id])
            } else {
                json!(id)
            };
            input.insert(member, value);
            let run = call(
                &h,
                &service,
                op_name,
                &Value::Object(input),
                &["--wait", "--wait-timeout", "30"],
            );
            run.expect_status(0);
            assert!(
                run.stderr.contains("done: "),
                "{name} {op_name}: {}",
                run.stderr
            );
        }
        // "Gone" includes "being deleted" (postgres `offlining`): it disappears once the
        // emulator's change finishes.
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while h.emulator.has_instance(&name, id) && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(
            !h.emulator.has_instance(&name, id),
            "{name}: {id} is still there 5 s after the delete"
        );
        let run = h.cloudcall(&[&name, &cli(list), "--page-all"]);
        run.expect_status(0);
        assert!(
            !run.stdout.contains(id.as_str()),
            "{name}: {id} still listed"
        );
    }
}

#[test]
fn a_wait_that_hits_its_deadline_exits_1_and_says_so() {
    // Changes take 5 s; the wait gives up after 1 s.
    let h = Harness::start(Duration::from_secs(5));
    let service = services()
        .into_iter()
        .find(|s| s.crate_name() == "tencent-cdb")
        .expect("cdb");
    let resource = service.resource.clone().expect("a resource");
    let (op_name, _) = resource.create.iter().next().expect("a create");
    let (input, _) = cloud_spec::sample::sample_input(&service, &service.operations[op_name]);
    let run = call(
        &h,
        &service,
        op_name,
        &Value::Object(input.into_iter().collect()),
        &["--wait", "--wait-timeout", "1"],
    );
    run.expect_status(1);
    assert!(run.stderr.contains("gave up after"), "{}", run.stderr);
    assert!(
        run.elapsed < Duration::from_secs(4),
        "took {:?}",
        run.elapsed
    );
}

#[test]
fn a_failed_task_exits_1_with_the_vendors_status_and_message() {
    use cloud_emulator::TaskFailureRule;
    let h = Harness::start(Duration::from_millis(100));
    h.emulator
        .task_failures()
        .add(TaskFailureRule::new("SwitchSsl").message("the certificate authority is down"))
        .expect("a valid rule");
    let run = h.cloudcall(&[
        "huawei-geminidb",
        "switch-ssl",
        "--instance-id",
        GEMINIDB_INSTANCE,
        "--ssl-option",
        "on",
        "--wait",
        "--wait-timeout",
        "30",
    ]);
    run.expect_status(1);
    assert!(
        run.stderr.contains("Failed") && run.stderr.contains("the certificate authority is down"),
        "{}",
        run.stderr
    );
}

#[test]
fn paging_and_waiting_flags_are_usage_errors_where_they_do_not_apply() {
    let h = Harness::start(Duration::from_millis(50));
    // describe-instance-ssl neither pages nor waits: clap refuses the flags, nothing is sent.
    for flag in ["--page-all", "--wait"] {
        let run = h.cloudcall(&[
            "tencent-mongodb",
            "describe-instance-ssl",
            "--instance-id",
            MONGODB_OTHER_INSTANCE,
            flag,
        ]);
        run.expect_status(2);
    }
    assert_eq!(h.emulator.request_count("DescribeInstanceSSL"), 0);
}

/// Ten alarm events of a cdb instance (text `Offset`/`Limit`), ten slow log lines of a
/// GeminiDB instance (a `line_num` marker), two MongoDB instances (a list of task handles).
fn seeded() -> Harness {
    let events: Vec<Value> = (1..=10)
        .map(|n| json!({"EventName": "OutOfMemory", "OccurTime": format!("2024-11-25 14:{n:02}:00")}))
        .collect();
    let lines: Vec<Value> = (1..=10)
        .map(|n| json!({"line_num": n.to_string(), "whole_message": format!("slow query {n}")}))
        .collect();
    let seed = serde_json::from_value(json!({
        "instances": [
            {"service": "tencent-cdb", "id": "cdb-alarms01",
             "outputs": {"DescribeInstanceAlarmEvents": {"Items": events}}},
            {"service": "huawei-geminidb", "id": "5f1c2d3e4a5b6c7d8e9f0a1b2c3d4e5fin02",
             "outputs": {"ListMongodbSlowLogs": {"slow_logs": lines}}},
            {"service": "tencent-mongodb", "id": "cmgo-proj0001"},
            {"service": "tencent-mongodb", "id": "cmgo-proj0002"}
        ]
    }))
    .expect("a seed");
    Harness::start_seeded(Duration::from_millis(100), seed)
}

/// The number after "fetched" on stderr: how many pages `--page-all` read.
fn pages_fetched(stderr: &str) -> usize {
    stderr
        .split_whitespace()
        .skip_while(|w| *w != "fetched")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Each value at `key` of the items at `items` of `run`'s answer, checked to appear once.
fn listed_once(run: &crate::common::Run, items: &str, key: &str) -> Vec<String> {
    let listed: Vec<String> = value_at(&run.json(), items)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|i| i[key].as_str().map(str::to_owned))
        .collect();
    let distinct: std::collections::HashSet<&String> = listed.iter().collect();
    assert_eq!(distinct.len(), listed.len(), "listed twice: {listed:?}");
    listed
}

#[test]
fn page_all_pages_text_offsets_and_markers_every_item_once() {
    let h = seeded();
    // Text offsets: `--limit 3` is sent as "3", offsets "0", "3", "6", "9".
    let run = h.cloudcall(&[
        "tencent-cdb",
        "describe-instance-alarm-events",
        "--instance-id",
        "cdb-alarms01",
        "--start-time",
        "2024-11-25 00:00:00",
        "--end-time",
        "2024-11-26 00:00:00",
        "--limit",
        "3",
        "--page-all",
    ]);
    run.expect_status(0);
    assert_eq!(
        listed_once(&run, "Items", "OccurTime").len(),
        10,
        "{}",
        run.stdout
    );
    assert_eq!(pages_fetched(&run.stderr), 4, "{}", run.stderr);

    // A marker: each page after the last item's `line_num`, then an empty page ends it.
    let run = h.cloudcall(&[
        "huawei-geminidb",
        "list-mongodb-slow-logs",
        "--instance-id",
        "5f1c2d3e4a5b6c7d8e9f0a1b2c3d4e5fin02",
        "--start-time",
        "2024-11-25T00:00:00+0800",
        "--end-time",
        "2024-11-26T00:00:00+0800",
        "--limit",
        "3",
        "--page-all",
    ]);
    run.expect_status(0);
    let lines = listed_once(&run, "slow_logs", "line_num");
    assert_eq!(lines, (1..=10).map(|n| n.to_string()).collect::<Vec<_>>());
    assert!(pages_fetched(&run.stderr) >= 4, "{}", run.stderr);
}

#[test]
fn wait_follows_every_task_of_a_list_of_handles() {
    let h = seeded();
    let run = h.cloudcall(&[
        "tencent-mongodb",
        "assign-project",
        "--cli-input-json",
        r#"{"InstanceIds": ["cmgo-proj0001", "cmgo-proj0002"], "ProjectId": 7}"#,
        "--wait",
        "--wait-timeout",
        "30",
    ]);
    run.expect_status(0);
    assert!(run.stderr.contains("done: "), "{}", run.stderr);
    let flows = run.json()["FlowIds"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(flows.len(), 2, "{}", run.stdout);
    let run = h.cloudcall(&[
        "tencent-mongodb",
        "describe-db-instances",
        "--cli-input-json",
        r#"{"InstanceIds": ["cmgo-proj0001", "cmgo-proj0002"]}"#,
    ]);
    run.expect_status(0);
    let listed = run.json()["InstanceDetails"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(listed.len(), 2, "{}", run.stdout);
    assert!(listed.iter().all(|i| i["ProjectId"] == 7), "{}", run.stdout);
}
