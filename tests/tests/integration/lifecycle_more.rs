//! The lifecycle cases beyond the common walk, through the typed crates against the emulator:
//! a paginator over text offsets (cdb `DescribeInstanceAlarmEvents`), a paginator over a
//! marker (GeminiDB `ListMongodbSlowLogs`, continuing after the last item's `line_num`), each
//! over more than 3 pages and yielding every item once, and a waiter on a list of task handles
//! (mongodb `AssignProject`'s `FlowIds`: every task is waited for, and a failed one fails it).
//!
//! The listed items are an instance's state, seeded the way `--state` seeds it (`outputs`).

use std::collections::HashSet;
use std::time::Duration;

use cloud_emulator::{Seed, TaskFailureRule};
use cloud_transport::wait::{WaitError, WaitOptions};
use cloudcall_tests::setup::{emulator, TestBed};
use serde_json::{json, Value};

type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

const CDB: &str = "cdb-alarms01";
const GEMINIDB: &str = "5f1c2d3e4a5b6c7d8e9f0a1b2c3d4e5fin02";
const MONGO_A: &str = "cmgo-proj0001";
const MONGO_B: &str = "cmgo-proj0002";

fn fast() -> WaitOptions {
    WaitOptions::new()
        .first_interval(Duration::from_millis(50))
        .max_interval(Duration::from_millis(150))
        .timeout(Duration::from_secs(20))
}

/// Ten alarm events of the cdb instance, ten slow log lines of the GeminiDB instance, and two
/// MongoDB instances.
fn seed() -> Seed {
    let events: Vec<Value> = (1..=10)
        .map(|n| json!({"EventName": "OutOfMemory", "EventStatus": "1", "OccurTime": format!("2024-11-25 14:{n:02}:00"), "InstanceId": CDB}))
        .collect();
    let lines: Vec<Value> = (1..=10)
        .map(|n| json!({"line_num": n.to_string(), "whole_message": format!("slow query {n}"), "cost_time": 100 + n}))
        .collect();
    let keys: Vec<Value> = (1..=7)
        .map(|n| json!({"db_id": "0", "key": format!("key-{n}"), "commands": ["GET"]}))
        .collect();
    serde_json::from_value(json!({
        "instances": [
            {"service": "tencent-cdb", "id": CDB,
             "outputs": {"DescribeInstanceAlarmEvents": {"Items": events}}},
            {"service": "huawei-geminidb", "id": GEMINIDB,
             "outputs": {"ListMongodbSlowLogs": {"slow_logs": lines},
                         "ShowRedisDisabledCommands": {"disabled_type": "key", "keys": keys}}},
            {"service": "tencent-mongodb", "id": MONGO_A},
            {"service": "tencent-mongodb", "id": MONGO_B}
        ]
    }))
    .expect("a seed")
}

async fn bed() -> TestBed {
    TestBed::start_with(emulator().seed(seed()), |b| b).await
}

fn once_each(keys: impl IntoIterator<Item = String>) -> Result<usize, String> {
    let mut seen = HashSet::new();
    for key in keys {
        if !seen.insert(key.clone()) {
            return Err(format!("{key} listed twice"));
        }
    }
    Ok(seen.len())
}

/// The values a recorded request of `action` sent for `member` (Tencent: the JSON body).
fn sent(bed: &TestBed, action: &str, member: &str) -> Vec<Value> {
    bed.recorder
        .sent()
        .iter()
        .filter(|r| r.action.as_deref() == Some(action))
        .map(|r| r.body[member].clone())
        .collect()
}

#[tokio::test]
async fn text_offsets_page_every_item_once() -> TestResult {
    let bed = bed().await;
    let c = &bed.clients.cdb;
    let mut pages = c
        .describe_instance_alarm_events()
        .instance_id(CDB)
        .start_time("2024-11-25 00:00:00")
        .end_time("2024-11-26 00:00:00")
        .paginate()
        .page_size(3);
    let mut times = Vec::new();
    let mut page_count = 0;
    while let Some(page) = pages.next_page().await {
        let page = page?;
        assert_eq!(page.total_count, Some(10), "the total counts every event");
        page_count += 1;
        times.extend(
            page.items
                .into_iter()
                .flatten()
                .filter_map(|e| e.occur_time),
        );
    }
    assert_eq!(once_each(times)?, 10);
    assert_eq!(page_count, 4, "3 + 3 + 3 + 1");
    // `Offset` and `Limit` are strings in the spec: sent as text.
    assert_eq!(
        sent(&bed, "DescribeInstanceAlarmEvents", "Offset"),
        [json!("0"), json!("3"), json!("6"), json!("9")]
    );
    assert!(sent(&bed, "DescribeInstanceAlarmEvents", "Limit")
        .iter()
        .all(|l| *l == json!("3")));
    bed.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn a_marker_pages_every_item_once() -> TestResult {
    let bed = bed().await;
    let c = &bed.clients.geminidb;
    let items = c
        .list_mongodb_slow_logs()
        .instance_id(GEMINIDB)
        .start_time("2024-11-25T00:00:00+0800")
        .end_time("2024-11-26T00:00:00+0800")
        .limit(3)
        .paginate()
        .items()
        .collect_all()
        .await?;
    let lines: Vec<String> = items.into_iter().filter_map(|l| l.line_num).collect();
    assert_eq!(once_each(lines.clone())?, 10);
    assert_eq!(lines, (1..=10).map(|n| n.to_string()).collect::<Vec<_>>());
    // Four pages and the empty one that ends the list; each after the last item's line.
    let markers: Vec<Value> = bed
        .recorder
        .sent()
        .iter()
        .filter(|r| r.path.ends_with("/slow-logs"))
        .map(|r| r.body["line_num"].clone())
        .collect();
    assert_eq!(
        markers,
        [Value::Null, json!("3"), json!("6"), json!("9"), json!("10")]
    );
    bed.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn items_in_the_list_the_input_chose_page_every_item_once() -> TestResult {
    let bed = bed().await;
    // `type: key` lists `keys` (structures); `commands` (strings) stays empty.
    let items = bed
        .clients
        .geminidb
        .show_redis_disabled_commands()
        .instance_id(GEMINIDB)
        .type_("key")
        .limit(2)
        .paginate()
        .items()
        .collect_all()
        .await?;
    let keys: Vec<String> = items
        .iter()
        .filter_map(|k| k["key"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(once_each(keys)?, 7, "{items:?}");
    let pages = bed
        .recorder
        .sent()
        .iter()
        .filter(|r| r.path.ends_with("/disabled-commands"))
        .count();
    assert_eq!(pages, 4, "2 + 2 + 2 + 1, the total says the last");
    bed.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn a_list_of_task_handles_is_waited_for_task_by_task() -> TestResult {
    let bed = bed().await;
    let c = &bed.clients.mongodb;
    let done = c
        .assign_project()
        .instance_ids([MONGO_A, MONGO_B])
        .project_id(7)
        .send_and_wait(fast())
        .await?;
    assert_eq!(done.output.flow_ids.len(), 2, "one task per instance");
    assert_eq!(done.waited.status, Some(json!("success")));
    let polled: Vec<Value> = sent(&bed, "DescribeAsyncRequestInfo", "AsyncRequestId");
    for flow in &done.output.flow_ids {
        assert!(
            polled.contains(&json!(flow.to_string())),
            "task {flow} was polled: {polled:?}"
        );
    }
    let listed = c
        .describe_db_instances()
        .instance_ids([MONGO_A, MONGO_B])
        .send()
        .await?;
    assert_eq!(listed.instance_details.len(), 2);
    assert!(
        listed.instance_details.iter().all(|i| i.project_id == 7),
        "{listed:?}"
    );

    // One of the tasks fails: the wait fails with its status.
    bed.emulator
        .task_failures()
        .add(TaskFailureRule::new("AssignProject").message("project 8 is full"))?;
    let error = c
        .assign_project()
        .instance_ids([MONGO_A, MONGO_B])
        .project_id(8)
        .send_and_wait(fast())
        .await
        .expect_err("a task fails");
    match error {
        // A status of the task API's `failed` set (mongodb: paused, undoed, failed).
        WaitError::TaskFailed { status, .. } => assert!(
            ["paused", "undoed", "failed"].contains(&status.as_str().unwrap_or_default()),
            "{status}"
        ),
        other => panic!("expected TaskFailed, got {other:?}"),
    }
    bed.shutdown().await;
    Ok(())
}
