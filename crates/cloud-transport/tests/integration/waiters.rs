//! Waiters over real loopback HTTP against a scripted Tencent-style server: task success and
//! failure, the deadline, unknown handles, failed polls, handles sent as the task API takes
//! them, condition and resource-state waiters, and a whole send-then-wait.

#![cfg(feature = "tencent")]

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cloud_transport::paginate::PageInfo;
use cloud_transport::wait::{
    ConditionWaiter, ListFilter, OperationWaiter, ResourceInfo, ResourceState, Scalar, TaskApi,
    WaitCondition, WaitError, WaitOptions, WaitProgress,
};
use cloud_transport::{Client, ErrorKind, OperationInfo};
use common::*;
use serde_json::{json, Value};

fn client(server: &TestServer) -> Client {
    mongodb_client(server)
}

static ASYNC_REQUESTS: TaskApi = TaskApi {
    operation: OperationInfo::action("DescribeAsyncRequestInfo").read_only(),
    handle: "AsyncRequestId",
    handle_as_text: true,
    status: "Status",
    message: Some("Info"),
    running: &[Scalar::Str("running"), Scalar::Str("initial")],
    succeeded: &[Scalar::Str("success")],
    failed: &[Scalar::Str("failed"), Scalar::Str("killed")],
};

/// Polls every few milliseconds, for at most two seconds.
fn fast() -> WaitOptions {
    WaitOptions::new()
        .first_interval(Duration::from_millis(5))
        .max_interval(Duration::from_millis(20))
        .timeout(Duration::from_secs(2))
}

fn action(req: &Received) -> String {
    req.header("x-tc-action").unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_task_is_polled_until_it_succeeds_and_a_numeric_handle_goes_as_text() {
    let server = TestServer::start(|_, i| {
        let status = if i < 2 { "running" } else { "success" };
        Reply::tencent_ok(json!({"Status": status, "Info": ""}), "r")
    })
    .await;
    let progress = Arc::new(Mutex::new(Vec::new()));
    let sink = progress.clone();
    let options = fast().on_progress(move |p| {
        if let WaitProgress::Polled {
            attempt, status, ..
        } = p
        {
            sink.lock().unwrap().push((*attempt, status.cloned()));
        }
    });
    let waited = ASYNC_REQUESTS
        .wait(&client(&server), &json!(1234), &options)
        .await
        .expect("the task succeeds");
    assert_eq!(waited.attempts, 3);
    assert_eq!(waited.status, Some(json!("success")));
    assert_eq!(waited.output["Status"], "success");
    let received = server.received();
    assert_eq!(received.len(), 3);
    for req in &received {
        assert_eq!(action(req), "DescribeAsyncRequestInfo");
        // `FlowId: 1234` is a number; the task API's member is text.
        assert_eq!(req.json(), json!({"AsyncRequestId": "1234"}));
    }
    assert_eq!(
        *progress.lock().unwrap(),
        [
            (1, Some(json!("running"))),
            (2, Some(json!("running"))),
            (3, Some(json!("success")))
        ]
    );
}

#[tokio::test]
async fn a_failed_task_ends_with_its_status_and_message() {
    let server = TestServer::start(|_, i| {
        if i == 0 {
            Reply::tencent_ok(json!({"Status": "running"}), "r")
        } else {
            Reply::tencent_ok(
                json!({"Status": "failed", "Info": "disk quota exceeded"}),
                "r",
            )
        }
    })
    .await;
    let error = ASYNC_REQUESTS
        .wait(&client(&server), &json!("a-1"), &fast())
        .await
        .expect_err("the task fails");
    match error {
        WaitError::TaskFailed { status, message } => {
            assert_eq!(status, json!("failed"));
            assert_eq!(message.as_deref(), Some("disk quota exceeded"));
        }
        other => panic!("expected TaskFailed, got {other:?}"),
    }
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn a_task_that_never_ends_times_out_at_the_deadline_with_the_last_status() {
    let server =
        TestServer::start(|_, _| Reply::tencent_ok(json!({"Status": "running"}), "r")).await;
    let started = Instant::now();
    let error = ASYNC_REQUESTS
        .wait(
            &client(&server),
            &json!("a-1"),
            &fast().timeout(Duration::from_millis(150)),
        )
        .await
        .expect_err("never done");
    let took = started.elapsed();
    match error {
        WaitError::Timeout {
            waited,
            last_status,
        } => {
            assert!(waited >= Duration::from_millis(150), "{waited:?}");
            assert_eq!(last_status, Some(json!("running")));
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(took < Duration::from_secs(3), "{took:?}");
    assert!(server.count() >= 2, "polled more than once");
}

#[tokio::test]
async fn a_poll_that_hangs_is_cut_at_the_deadline() {
    // The server never answers; the call's own timeout (20 s) is far away.
    let server = TestServer::start(|_, _| Reply::Hang).await;
    let started = Instant::now();
    let error = ASYNC_REQUESTS
        .wait(
            &client(&server),
            &json!("a-1"),
            &fast().timeout(Duration::from_millis(200)),
        )
        .await
        .expect_err("no answer");
    assert!(error.is_timeout(), "{error:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_handle_the_task_api_does_not_know_is_a_typed_error_not_a_timeout() {
    // The API answers, without a status: Tencent's empty answer for an unknown request id.
    let server = TestServer::start(|_, _| Reply::tencent_ok(json!({}), "r")).await;
    let started = Instant::now();
    let error = ASYNC_REQUESTS
        .wait(&client(&server), &json!("nope"), &fast())
        .await
        .expect_err("unknown");
    match error {
        WaitError::UnknownTask { handle } => assert_eq!(handle, json!("nope")),
        other => panic!("expected UnknownTask, got {other:?}"),
    }
    // One more look, then the verdict; long before the deadline.
    assert_eq!(server.count(), 2);
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[tokio::test]
async fn a_failed_poll_is_a_call_error() {
    let server = TestServer::start(|_, _| {
        Reply::tencent_error("InvalidParameter", "AsyncRequestId is malformed", "r-9")
    })
    .await;
    let error = ASYNC_REQUESTS
        .wait(&client(&server), &json!("x"), &fast())
        .await
        .expect_err("the poll fails");
    let call = error.as_call().expect("a call error");
    assert!(call.is_code("InvalidParameter"));
    assert_eq!(call.request_id(), Some("r-9"));
    assert_eq!(server.count(), 1, "a service error is not retried");
}

static SSL: ConditionWaiter = ConditionWaiter {
    operation: OperationInfo::action("DescribeInstanceSSL").read_only(),
    input: &[("InstanceId", "InstanceId")],
    until: &[
        WaitCondition {
            when: &[("Enable", Scalar::Bool(true))],
            path: "Status",
            equals: Scalar::Int(1),
        },
        WaitCondition {
            when: &[("Enable", Scalar::Bool(false))],
            path: "Status",
            equals: Scalar::Int(0),
        },
    ],
};

#[tokio::test]
async fn a_condition_waiter_polls_until_the_request_s_value_shows() {
    // Tencent sends the number as text now and then: "1" is 1.
    let server = TestServer::start(|_, i| {
        let status = if i < 2 { json!(0) } else { json!("1") };
        Reply::tencent_ok(json!({"Status": status}), "r")
    })
    .await;
    let input = json!({"InstanceId": "cmgo-1", "Enable": true});
    let waited = SSL
        .wait(&client(&server), &input, &fast())
        .await
        .expect("switched on");
    assert_eq!(waited.attempts, 3);
    for req in server.received() {
        assert_eq!(action(&req), "DescribeInstanceSSL");
        assert_eq!(req.json(), json!({"InstanceId": "cmgo-1"}));
    }
    // No condition for this input: nothing is polled.
    let error = SSL
        .wait(&client(&server), &json!({"InstanceId": "cmgo-1"}), &fast())
        .await
        .expect_err("no condition");
    assert_eq!(
        error.as_call().map(|e| e.kind()),
        Some(ErrorKind::InvalidInput)
    );
    assert_eq!(server.count(), 3);
}

#[tokio::test]
async fn send_and_wait_sends_once_then_follows_the_task_then_the_condition() {
    static WAITER: OperationWaiter =
        OperationWaiter::task("AsyncRequestId", &ASYNC_REQUESTS).and_until(SSL);
    let server = TestServer::start(|req, _| match action(req).as_str() {
        "InstanceEnableSSL" => Reply::tencent_ok(json!({"AsyncRequestId": 77}), "r"),
        "DescribeAsyncRequestInfo" => Reply::tencent_ok(json!({"Status": "success"}), "r"),
        _ => Reply::tencent_ok(json!({"Status": 1}), "r"),
    })
    .await;
    let done = WAITER
        .send_and_wait::<Value>(
            &client(&server),
            &ENABLE_SSL,
            json!({"InstanceId": "cmgo-1", "Enable": true}),
            &fast(),
        )
        .await
        .expect("done");
    assert_eq!(done.output["AsyncRequestId"], 77);
    assert_eq!(done.waited.attempts, 2, "one task poll, one condition poll");
    let actions: Vec<String> = server.received().iter().map(action).collect();
    assert_eq!(
        actions,
        [
            "InstanceEnableSSL",
            "DescribeAsyncRequestInfo",
            "DescribeInstanceSSL"
        ]
    );

    // An input no condition applies to is refused before anything is sent.
    let error = WAITER
        .send_and_wait::<Value>(
            &client(&server),
            &ENABLE_SSL,
            json!({"InstanceId": "cmgo-1"}),
            &fast(),
        )
        .await
        .expect_err("refused");
    assert_eq!(
        error.as_call().map(|e| e.kind()),
        Some(ErrorKind::InvalidInput)
    );
    assert_eq!(server.count(), 3);

    // An answer without the handle goes straight to the condition...
    let before = server.count();
    let waited = WAITER
        .wait(
            &client(&server),
            &json!({"InstanceId": "cmgo-1", "Enable": true}),
            &json!({}),
            &fast(),
        )
        .await
        .expect("the condition holds");
    assert_eq!(waited.attempts, 1);
    assert_eq!(action(&server.received()[before]), "DescribeInstanceSSL");
    // ...and without a condition, cannot be waited for.
    let task_only = OperationWaiter::task("AsyncRequestId", &ASYNC_REQUESTS);
    let missing = task_only
        .wait(&client(&server), &json!({}), &json!({}), &fast())
        .await
        .expect_err("no handle");
    assert!(missing
        .as_call()
        .is_some_and(|e| e.message().contains("AsyncRequestId")));
}

static INSTANCE: ResourceInfo = ResourceInfo {
    name: "instance",
    list: OperationInfo::action("DescribeDBInstances").read_only(),
    pages: PageInfo::new("Offset", "Limit", "InstanceDetails", 100).with_total("TotalCount"),
    id_filter: Some(ListFilter {
        member: "InstanceIds",
        name: None,
        list: true,
    }),
    item_id: "InstanceId",
    item_status: "Status",
    running: &[Scalar::Int(2)],
    isolated: &[Scalar::Int(-2)],
    deleted: &[Scalar::Int(-3)],
    failed: &[],
};

#[tokio::test]
async fn resource_waiters_list_by_id_until_running_then_until_gone() {
    // Not listed, creating (0), running (2); then running, deleted (-3).
    let server = TestServer::start(|_, i| {
        let items = match i {
            0 => json!([]),
            1 => json!([{"InstanceId": "cmgo-1", "Status": 0}]),
            2 | 3 => json!([{"InstanceId": "cmgo-1", "Status": 2}]),
            _ => json!([{"InstanceId": "cmgo-1", "Status": -3}]),
        };
        let total = items.as_array().map_or(0, Vec::len);
        Reply::tencent_ok(json!({"TotalCount": total, "InstanceDetails": items}), "r")
    })
    .await;
    let client = client(&server);
    let running = INSTANCE
        .wait_until(&client, "cmgo-1", ResourceState::Running, &fast())
        .await
        .expect("running");
    assert_eq!(running.attempts, 3);
    assert_eq!(running.output, json!({"InstanceId": "cmgo-1", "Status": 2}));
    let sent = server.received()[0].json();
    assert_eq!(sent["InstanceIds"], json!(["cmgo-1"]));
    assert_eq!(sent["Limit"], 100);
    let gone = INSTANCE
        .wait_until(&client, "cmgo-1", ResourceState::Gone, &fast())
        .await
        .expect("gone");
    assert_eq!(gone.attempts, 2);
    assert_eq!(gone.status, Some(json!(-3)));
}

#[tokio::test]
async fn waiting_for_a_deleted_resource_to_run_fails_at_once() {
    let server = TestServer::start(|_, _| {
        Reply::tencent_ok(
            json!({"TotalCount": 1, "InstanceDetails": [{"InstanceId": "cmgo-1", "Status": -2}]}),
            "r",
        )
    })
    .await;
    let error = INSTANCE
        .wait_until(&client(&server), "cmgo-1", ResourceState::Running, &fast())
        .await
        .expect_err("isolated");
    assert!(matches!(error, WaitError::Unreachable { ref status } if *status == json!(-2)));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_list_of_handles_waits_for_every_task_and_fails_on_the_first_that_fails() {
    // Task 11 runs for two polls, task 12 for one; each handle is asked about as text.
    let server = TestServer::start(|req, _| {
        let handle = req.json()["AsyncRequestId"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let status = match handle.as_str() {
            "11" | "12" => "success",
            _ => "failed",
        };
        Reply::tencent_ok(
            json!({"Status": status, "Info": format!("task {handle}")}),
            "r",
        )
    })
    .await;
    let waiter = ASYNC_REQUESTS.waiter("FlowIds");
    let waited = waiter
        .wait(
            &client(&server),
            &json!({}),
            &json!({"FlowIds": [11, 12]}),
            &fast(),
        )
        .await
        .expect("both tasks succeed");
    assert_eq!(waited.attempts, 2, "one poll per task");
    assert_eq!(
        waited.output["Info"], "task 12",
        "the outcome is the last task's"
    );
    let asked: Vec<Value> = server
        .received()
        .iter()
        .map(|r| r.json()["AsyncRequestId"].clone())
        .collect();
    assert_eq!(asked, [json!("11"), json!("12")]);

    // The second of three fails: the third is never asked about.
    let server = TestServer::start(|req, _| {
        let handle = req.json()["AsyncRequestId"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let status = if handle == "22" { "failed" } else { "success" };
        Reply::tencent_ok(
            json!({"Status": status, "Info": format!("task {handle}")}),
            "r",
        )
    })
    .await;
    let error = waiter
        .wait(
            &client(&server),
            &json!({}),
            &json!({"FlowIds": [21, 22, 23]}),
            &fast(),
        )
        .await
        .expect_err("task 22 fails");
    match error {
        WaitError::TaskFailed { message, .. } => assert_eq!(message.as_deref(), Some("task 22")),
        other => panic!("expected TaskFailed, got {other:?}"),
    }
    assert_eq!(server.count(), 2);

    // An empty list started nothing to wait for.
    let error = waiter
        .wait(
            &client(&server),
            &json!({}),
            &json!({"FlowIds": []}),
            &fast(),
        )
        .await
        .expect_err("nothing to wait for");
    assert!(
        matches!(error, WaitError::Call(ref e) if e.kind() == ErrorKind::InvalidInput),
        "{error:?}"
    );
}
