//! Instances as real state, driven by the spec's resource model alone: a made-up Tencent
//! service of widgets whose spec states its resource (id format, list operation, filters,
//! states, create/modify/remove operations), its task APIs and its pagination. Every call goes
//! through `cloud_transport` with descriptions built from the spec, as generated clients do.

use crate::common;

use std::time::{Duration, Instant};

use cloud_emulator::{
    Emulator, InstanceState, RunningEmulator, Seed, TaskFailureRule, DEFAULT_TASK_FAILURE_MESSAGE,
};
use cloud_spec::Service;
use common::transport::SpecClient;
use common::*;
use serde_json::{json, Value};

const DELAY: Duration = Duration::from_millis(300);

/// Widgets: created with `CreateWidgets` (ids in `WidgetIds`, a flow in `FlowId`), listed by
/// `DescribeWidgets` (filters `WidgetIds`, `Filters[widget-name]`, `Status`; `Offset`/`Limit`,
/// at most 5 a page), renamed, switched to SSL (a waiter, and a change the list shows as
/// `Ssl: on/off`), isolated (an async request) and destroyed (a flow, by a list of ids). Flows are reported in a list (`FlowSet.0.Status`), async requests at
/// the top (`Status`).
pub fn widgets_service() -> Service {
    serde_json::from_value(json!({
        "vendor": "tencent", "name": "widgets", "service": "widgets", "title": "Widgets",
        "version": "2024-01-01",
        "endpoint": {"regional": "widgets.{region}.example.com"},
        "common_errors": [
            {"code": "ResourceNotFound.WidgetNotFound", "docs": "The widget does not exist.", "meaning": "not_found"},
            {"code": "InvalidParameter.InvalidAsyncRequestId", "docs": "The async task does not exist.", "meaning": "task_not_found"}
        ],
        "operations": {
            "CreateWidgets": {
                "docs": "Creates a widget.",
                "input": {
                    "Zone": {"type": "string", "required": true},
                    "Size": {"type": "int64", "required": true},
                    "WidgetName": {"type": "string"}
                },
                "output": {
                    "WidgetIds": {"type": "list<string>", "required": true},
                    "FlowId": {"type": "int64", "required": true},
                    "RequestId": {"type": "string", "required": true}
                },
                "examples": [{"title": "e", "input": {"Zone": "z-1", "Size": 10},
                              "output": {"WidgetIds": ["wdg-example1"], "FlowId": 7, "RequestId": "r"}}],
                "task": {"handle": "FlowId", "api": "flows"}
            },
            "DescribeWidgets": {
                "docs": "Lists widgets.",
                "read_only": true,
                "input": {
                    "WidgetIds": {"type": "list<string>"},
                    "Status": {"type": "list<int64>"},
                    "Filters": {"type": "list<Filter>"},
                    "VpcId": {"type": "string"},
                    "Offset": {"type": "uint64"},
                    "Limit": {"type": "uint64"}
                },
                "output": {
                    "TotalCount": {"type": "uint64", "required": true},
                    "WidgetSet": {"type": "list<Widget>", "required": true},
                    "RequestId": {"type": "string", "required": true}
                },
                "examples": [{"title": "e", "input": {"WidgetIds": ["wdg-example1"]},
                              "output": {"TotalCount": 1, "RequestId": "r", "WidgetSet": [
                                  {"WidgetId": "wdg-example1", "WidgetName": "documented", "Status": 2,
                                   "Size": 10, "Ssl": "on", "Primary": "wdg-example1"}]}}],
                "pagination": {"offset": "Offset", "limit": "Limit", "items": "WidgetSet",
                               "total": "TotalCount", "max_page_size": 5}
            },
            "DescribeWidgetAttribute": {
                "docs": "Describes a widget.",
                "read_only": true,
                "input": {"WidgetId": {"type": "string", "required": true}},
                "output": {"Widget": {"type": "Widget", "required": true},
                           "RequestId": {"type": "string", "required": true}},
                "examples": [{"title": "e", "input": {"WidgetId": "wdg-example1"},
                              "output": {"RequestId": "r", "Widget": {"WidgetId": "wdg-example1",
                                  "WidgetName": "documented", "Status": 2, "Size": 10}}}]
            },
            "RenameWidget": {
                "docs": "Renames a widget.",
                "input": {"WidgetId": {"type": "string", "required": true},
                          "NewName": {"type": "string", "required": true}},
                "output": {"RequestId": {"type": "string", "required": true}}
            },
            "DescribeWidgetSSL": {
                "docs": "SSL of a widget.",
                "read_only": true,
                "input": {"WidgetId": {"type": "string", "required": true}},
                "output": {"Status": {"type": "int64"}, "RequestId": {"type": "string", "required": true}},
                "examples": [{"title": "e", "input": {"WidgetId": "wdg-example1"},
                              "output": {"Status": 1, "RequestId": "r"}}]
            },
            "SwitchWidgetSSL": {
                "docs": "Switches SSL.",
                "input": {"WidgetId": {"type": "string", "required": true},
                          "Enable": {"type": "boolean", "required": true}},
                "output": {"Status": {"type": "int64"}, "FlowId": {"type": "int64", "required": true},
                           "RequestId": {"type": "string", "required": true}},
                "examples": [{"title": "e", "input": {"WidgetId": "wdg-example1", "Enable": true},
                              "output": {"Status": 1, "FlowId": 3, "RequestId": "r"}}],
                "waiter": {"operation": "DescribeWidgetSSL", "input": {"WidgetId": "WidgetId"},
                           "until": [{"when": {"Enable": true}, "path": "Status", "equals": 1},
                                     {"when": {"Enable": false}, "path": "Status", "equals": 0}]},
                "task": {"handle": "FlowId", "api": "flows"}
            },
            "IsolateWidget": {
                "docs": "Isolates a widget.",
                "input": {"WidgetId": {"type": "string", "required": true}},
                "output": {"AsyncRequestId": {"type": "string", "required": true},
                           "RequestId": {"type": "string", "required": true}},
                "task": {"handle": "AsyncRequestId", "api": "requests"}
            },
            "DestroyWidgets": {
                "docs": "Destroys isolated widgets.",
                "input": {"WidgetIds": {"type": "list<string>", "required": true}},
                "output": {"FlowId": {"type": "int64", "required": true},
                           "RequestId": {"type": "string", "required": true}},
                "task": {"handle": "FlowId", "api": "flows"}
            },
            "DescribeFlow": {
                "docs": "Reports flows.",
                "read_only": true,
                "input": {"FlowId": {"type": "uint64"}, "Offset": {"type": "uint64"}, "Limit": {"type": "uint64"}},
                "output": {"TotalCount": {"type": "uint64", "required": true},
                           "FlowSet": {"type": "list<Flow>", "required": true},
                           "RequestId": {"type": "string", "required": true}},
                "examples": [{"title": "e", "input": {"FlowId": 4242},
                              "output": {"TotalCount": 1, "RequestId": "r",
                                         "FlowSet": [{"FlowId": 4242, "Status": "Success", "Message": ""}]}}],
                "pagination": {"offset": "Offset", "limit": "Limit", "items": "FlowSet",
                               "total": "TotalCount", "max_page_size": 100}
            },
            "DescribeAsyncRequestInfo": {
                "docs": "Reports async requests.",
                "read_only": true,
                "input": {"AsyncRequestId": {"type": "string", "required": true}},
                "output": {"Status": {"type": "string", "required": true},
                           "Info": {"type": "string"},
                           "RequestId": {"type": "string", "required": true}},
                "examples": [{"title": "e", "input": {"AsyncRequestId": "4762"},
                              "output": {"Status": "SUCCESS", "Info": "done", "RequestId": "r"}}]
            }
        },
        "shapes": {
            "Filter": {"members": {"Name": {"type": "string", "required": true},
                                   "Values": {"type": "list<string>", "required": true}}},
            "Widget": {"members": {"WidgetId": {"type": "string", "required": true},
                                   "WidgetName": {"type": "string"},
                                   "Status": {"type": "int64", "required": true},
                                   "Size": {"type": "int64"},
                                   "Ssl": {"type": "string"},
                                   "Primary": {"type": "string"}}},
            "Flow": {"members": {"FlowId": {"type": "int64", "required": true},
                                 "Status": {"type": "string", "required": true},
                                 "Message": {"type": "string"}}}
        },
        "tasks": {
            "flows": {"operation": "DescribeFlow", "handle": "FlowId", "status": "FlowSet.0.Status",
                      "message": "FlowSet.0.Message", "running": ["Running"],
                      "succeeded": ["Success"], "failed": ["Failed", "Cancelled"]},
            "requests": {"operation": "DescribeAsyncRequestInfo", "handle": "AsyncRequestId",
                         "status": "Status", "message": "Info", "running": ["RUNNING", "INITIAL"],
                         "succeeded": ["SUCCESS"], "failed": ["FAILED"]}
        },
        "resource": {
            "name": "widget", "id": "WidgetId", "id_format": "wdg-{alnum:8}",
            "list": {"operation": "DescribeWidgets", "id": "WidgetId", "name": "WidgetName",
                     "status": "Status",
                     "filters": {"id": "WidgetIds", "name": "Filters[widget-name]", "status": "Status"}},
            "states": {"creating": [0], "running": [2, 1], "changing": [3], "isolated": [-2],
                       "deleted": [-3]},
            "create": {"CreateWidgets": "WidgetIds"},
            // A create operation's entry: what its input sets on the new widget.
            "modify": {"CreateWidgets": {"WidgetName": "WidgetName"},
                       "RenameWidget": {"NewName": "WidgetName"},
                       "SwitchWidgetSSL": {"Enable": "Ssl"}},
            "modify_values": {"SwitchWidgetSSL": {"Enable": [{"input": true, "shows": "on"},
                                                            {"input": false, "shows": "off"}]}},
            "remove": {"IsolateWidget": "isolated", "DestroyWidgets": "deleted"},
            "id_members": {"DestroyWidgets": "WidgetIds"}
        }
    }))
    .expect("a valid spec")
}

async fn start(seed: Option<Seed>) -> RunningEmulator {
    let mut builder = Emulator::builder()
        .services(vec![widgets_service()])
        .async_delay(DELAY);
    if let Some(seed) = seed {
        builder = builder.seed(seed);
    }
    builder.start().await.expect("start")
}

/// No default instances: only what a test creates is listed.
fn empty() -> Option<Seed> {
    Some(Seed {
        replace_defaults: true,
        ..Seed::default()
    })
}

async fn create(c: &SpecClient, name: &str) -> (String, Value) {
    let out = c
        .ok(
            "CreateWidgets",
            json!({"Zone": "z-1", "Size": 20, "WidgetName": name}),
        )
        .await;
    let ids = out["WidgetIds"].as_array().expect("a list of ids");
    assert_eq!(ids.len(), 1, "{out}");
    (ids[0].as_str().unwrap().to_owned(), out["FlowId"].clone())
}

/// The listed item of `id`, if listed.
async fn listed(c: &SpecClient, id: &str) -> Option<Value> {
    let out = c.ok("DescribeWidgets", json!({"WidgetIds": [id]})).await;
    out["WidgetSet"].as_array().unwrap().first().cloned()
}

/// Polls until `check` holds for the listed item of `id` (`None`: not listed), failing after
/// a bound.
async fn until_listed(c: &SpecClient, id: &str, check: impl Fn(Option<&Value>) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let item = listed(c, id).await;
        if check(item.as_ref()) {
            return;
        }
        assert!(Instant::now() < deadline, "{id} never got there: {item:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn flow_status(c: &SpecClient, flow: &Value) -> (Value, Value) {
    let out = c.ok("DescribeFlow", json!({ "FlowId": flow })).await;
    assert_eq!(out["TotalCount"], 1, "{out}");
    assert_eq!(out["FlowSet"][0]["FlowId"], *flow, "{out}");
    (
        out["FlowSet"][0]["Status"].clone(),
        out["FlowSet"][0]["Message"].clone(),
    )
}

async fn until_flow(c: &SpecClient, flow: &Value, status: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (now, message) = flow_status(c, flow).await;
        if now == status {
            return message;
        }
        assert!(Instant::now() < deadline, "flow {flow} stays {now}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_widget_lives_from_creation_to_gone() {
    let emu = start(empty()).await;
    let c = SpecClient::new(&widgets_service(), &emu);
    let started = Instant::now();
    let (id, flow) = create(&c, "first").await;
    assert!(id.starts_with("wdg-") && id.len() == 12, "{id}");
    assert!(id[4..]
        .chars()
        .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit()));

    // Listed at once, creating, with its name over the documented item.
    let item = listed(&c, &id)
        .await
        .expect("listed right after its creation");
    assert_eq!(item["Status"], 0, "{item}");
    assert_eq!(item["WidgetName"], "first");
    assert_eq!(item["Size"], 10, "the documented item's other members");
    assert_eq!(
        item["Primary"], id,
        "the documented id is the widget's everywhere"
    );
    assert_eq!(flow_status(&c, &flow).await.0, "Running");
    let snapshot = emu.instance("widgets", &id).unwrap();
    assert_eq!(snapshot.state, InstanceState::Creating);
    assert_eq!(snapshot.status, Some(json!(0)));
    assert_eq!(snapshot.name.as_deref(), Some("first"));

    until_listed(&c, &id, |item| item.is_some_and(|i| i["Status"] == 2)).await;
    assert!(started.elapsed() >= DELAY, "running only after the delay");
    assert_eq!(until_flow(&c, &flow, "Success").await, "");

    // Describe shows the same widget.
    let described = c
        .ok("DescribeWidgetAttribute", json!({"WidgetId": id}))
        .await;
    assert_eq!(described["Widget"]["WidgetId"], id);
    assert_eq!(described["Widget"]["WidgetName"], "first");
    assert_eq!(described["Widget"]["Status"], 2);

    // SSL on the new widget: the answer echoes the state asked for, describe shows it later.
    let switch = c
        .ok("SwitchWidgetSSL", json!({"WidgetId": id, "Enable": false}))
        .await;
    assert_eq!(switch["Status"], 0, "{switch}");
    let ssl = c.ok("DescribeWidgetSSL", json!({"WidgetId": id})).await;
    assert_eq!(ssl["Status"], 1, "not before the delay");
    assert_eq!(listed(&c, &id).await.unwrap()["Ssl"], "on");
    until_flow(&c, &switch["FlowId"], "Success").await;
    let ssl = c.ok("DescribeWidgetSSL", json!({"WidgetId": id})).await;
    assert_eq!(ssl["Status"], 0);
    // The listed item shows the switch as the spec's value mapping says.
    assert_eq!(listed(&c, &id).await.unwrap()["Ssl"], "off");

    // A rename shows in the list and in describe at once.
    c.ok(
        "RenameWidget",
        json!({"WidgetId": id, "NewName": "renamed"}),
    )
    .await;
    assert_eq!(listed(&c, &id).await.unwrap()["WidgetName"], "renamed");
    let described = c
        .ok("DescribeWidgetAttribute", json!({"WidgetId": id}))
        .await;
    assert_eq!(described["Widget"]["WidgetName"], "renamed");

    // Isolate: changing, then isolated; the async request reports running, then success.
    let isolate = c.ok("IsolateWidget", json!({"WidgetId": id})).await;
    let request = isolate["AsyncRequestId"].clone();
    assert!(request.as_str().is_some_and(|r| r.len() == 36), "{isolate}");
    assert_eq!(listed(&c, &id).await.unwrap()["Status"], 3);
    let info = c
        .ok(
            "DescribeAsyncRequestInfo",
            json!({ "AsyncRequestId": request }),
        )
        .await;
    assert_eq!(info["Status"], "RUNNING", "{info}");
    until_listed(&c, &id, |item| item.is_some_and(|i| i["Status"] == -2)).await;
    let info = c
        .ok(
            "DescribeAsyncRequestInfo",
            json!({ "AsyncRequestId": request }),
        )
        .await;
    assert_eq!(info["Status"], "SUCCESS", "{info}");

    // Destroy (by a list of ids): deleted, then gone.
    let destroy = c.ok("DestroyWidgets", json!({"WidgetIds": [id]})).await;
    assert_eq!(listed(&c, &id).await.unwrap()["Status"], -3);
    until_listed(&c, &id, |item| item.is_none()).await;
    until_flow(&c, &destroy["FlowId"], "Success").await;
    for (op, input) in [
        ("DescribeWidgetAttribute", json!({"WidgetId": id})),
        ("DescribeWidgetSSL", json!({"WidgetId": id})),
        ("RenameWidget", json!({"WidgetId": id, "NewName": "x"})),
        ("IsolateWidget", json!({"WidgetId": id})),
        ("DestroyWidgets", json!({"WidgetIds": [id]})),
    ] {
        let e = c.call(op, input).await.unwrap_err();
        assert_eq!(
            e.code(),
            Some("ResourceNotFound.WidgetNotFound"),
            "{op}: {e}"
        );
    }
    let all = c.ok("DescribeWidgets", json!({})).await;
    assert_eq!(all["TotalCount"], 0, "{all}");
    assert!(!emu.has_instance("widgets", &id));
    assert_eq!(
        emu.applied_count_on("tencent-widgets", "CreateWidgets", &id),
        1
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn pages_filters_and_totals() {
    let emu = start(empty()).await;
    let c = SpecClient::new(&widgets_service(), &emu);
    let mut ids = Vec::new();
    for i in 0..13 {
        ids.push(create(&c, &format!("w{}", i % 2)).await.0);
    }

    // Pages of 3: five pages, each widget once, in creation order, with the whole total.
    let mut seen = Vec::new();
    for page in 0..6 {
        let out = c
            .ok("DescribeWidgets", json!({"Offset": page * 3, "Limit": 3}))
            .await;
        assert_eq!(out["TotalCount"], 13, "{out}");
        let items = out["WidgetSet"].as_array().unwrap();
        assert_eq!(
            items.len(),
            [3, 3, 3, 3, 1, 0][page as usize],
            "page {page}"
        );
        seen.extend(
            items
                .iter()
                .map(|i| i["WidgetId"].as_str().unwrap().to_owned()),
        );
    }
    assert_eq!(seen, ids);
    // No limit, or one above the largest page: the largest page (5).
    for input in [json!({}), json!({"Limit": 1000})] {
        let out = c.ok("DescribeWidgets", input).await;
        assert_eq!(out["WidgetSet"].as_array().unwrap().len(), 5);
        assert_eq!(out["TotalCount"], 13);
    }

    // Filters: by ids, by name (a Tencent filter), by status; the total counts the filtered.
    let two = c
        .ok(
            "DescribeWidgets",
            json!({"WidgetIds": [ids[4], ids[9], "wdg-nosuch00"]}),
        )
        .await;
    assert_eq!(two["TotalCount"], 2);
    let by_name = json!({"Filters": [{"Name": "widget-name", "Values": ["w1"]}], "Limit": 2});
    let named = c.ok("DescribeWidgets", by_name).await;
    assert_eq!(named["TotalCount"], 6, "{named}");
    assert_eq!(named["WidgetSet"][0]["WidgetId"], ids[1]);
    assert_eq!(named["WidgetSet"][1]["WidgetId"], ids[3]);
    let creating = c.ok("DescribeWidgets", json!({"Status": [0]})).await;
    assert_eq!(creating["TotalCount"], 13);
    // Any value of a state finds it (running is 2 or 1).
    let running = c.ok("DescribeWidgets", json!({"Status": [1]})).await;
    assert_eq!(running["TotalCount"], 0);
    until_listed(&c, &ids[12], |item| item.is_some_and(|i| i["Status"] == 2)).await;
    let running = c.ok("DescribeWidgets", json!({"Status": [1]})).await;
    assert_eq!(running["TotalCount"], 13);
    // Members the spec does not name as filters are accepted and not applied.
    let other = c.ok("DescribeWidgets", json!({"VpcId": "vpc-1"})).await;
    assert_eq!(other["TotalCount"], 13);
    emu.shutdown().await;
}

#[tokio::test]
async fn injected_task_failures_are_reported_and_undo_the_change() {
    let emu = Emulator::builder()
        .services(vec![widgets_service()])
        .async_delay(DELAY)
        .seed(empty().unwrap())
        .fail_tasks(TaskFailureRule::new("CreateWidgets").message("out of capacity"))
        .start()
        .await
        .unwrap();
    let c = SpecClient::new(&widgets_service(), &emu);

    // A creation whose task fails: running at first, then failed with the message; the widget
    // is gone.
    let (doomed, flow) = create(&c, "doomed").await;
    assert_eq!(flow_status(&c, &flow).await.0, "Running");
    assert_eq!(listed(&c, &doomed).await.unwrap()["Status"], 0);
    assert_eq!(until_flow(&c, &flow, "Failed").await, "out of capacity");
    assert!(listed(&c, &doomed).await.is_none());
    // The rule was used up: the next creation succeeds.
    let (id, flow) = create(&c, "fine").await;
    until_flow(&c, &flow, "Success").await;
    until_listed(&c, &id, |item| item.is_some_and(|i| i["Status"] == 2)).await;

    // An SSL switch on this widget fails (a rule added through the admin endpoint): SSL stays.
    let rule = json!({"operation": "SwitchWidgetSSL", "instance": id});
    let added = admin(&emu.base_url(), "POST", "task-failures", Some(&rule)).await;
    assert_eq!(added.status, 201);
    let listed_rules = admin(&emu.base_url(), "GET", "task-failures", None)
        .await
        .json();
    assert_eq!(listed_rules["rules"][0]["remaining"], 1, "{listed_rules}");
    let switch = c
        .ok("SwitchWidgetSSL", json!({"WidgetId": id, "Enable": false}))
        .await;
    let message = until_flow(&c, &switch["FlowId"], "Failed").await;
    assert_eq!(message, DEFAULT_TASK_FAILURE_MESSAGE);
    let ssl = c.ok("DescribeWidgetSSL", json!({"WidgetId": id})).await;
    assert_eq!(ssl["Status"], 1, "a failed switch changes nothing");
    assert_eq!(listed(&c, &id).await.unwrap()["Ssl"], "on");

    // An isolation that fails (a rule added in Rust) leaves the widget running.
    emu.task_failures()
        .add(TaskFailureRule::on_instance(id.clone()).message("locked"))
        .unwrap();
    let isolate = c.ok("IsolateWidget", json!({"WidgetId": id})).await;
    assert_eq!(listed(&c, &id).await.unwrap()["Status"], 3);
    let deadline = Instant::now() + Duration::from_secs(10);
    let info = loop {
        let info = c
            .ok(
                "DescribeAsyncRequestInfo",
                json!({"AsyncRequestId": isolate["AsyncRequestId"]}),
            )
            .await;
        if info["Status"] != "RUNNING" || Instant::now() > deadline {
            break info;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(info["Status"], "FAILED", "{info}");
    assert_eq!(info["Info"], "locked");
    assert_eq!(listed(&c, &id).await.unwrap()["Status"], 2);
    assert!(emu.task_failures().pending().is_empty());
    emu.shutdown().await;
}

#[tokio::test]
async fn unknown_and_documented_task_handles() {
    let emu = start(None).await;
    let c = SpecClient::new(&widgets_service(), &emu);
    // A list of tasks lists nothing for a handle it does not know.
    let none = c.ok("DescribeFlow", json!({"FlowId": 999_999_999})).await;
    assert_eq!(none["FlowSet"], json!([]));
    assert_eq!(none["TotalCount"], 0);
    // The documented handle is the documented (finished) task.
    let documented = c.ok("DescribeFlow", json!({"FlowId": 4242})).await;
    assert_eq!(documented["FlowSet"][0]["Status"], "Success");
    // A top-level status: the documented "does not exist" code.
    let e = c
        .call(
            "DescribeAsyncRequestInfo",
            json!({"AsyncRequestId": "nosuch"}),
        )
        .await
        .unwrap_err();
    assert_eq!(
        e.code(),
        Some("InvalidParameter.InvalidAsyncRequestId"),
        "{e}"
    );
    let documented = c
        .ok(
            "DescribeAsyncRequestInfo",
            json!({"AsyncRequestId": "4762"}),
        )
        .await;
    assert_eq!(documented["Status"], "SUCCESS");
    emu.shutdown().await;

    // Without such a code, the answer has no status: the API does not know the handle.
    let mut spec = widgets_service();
    spec.common_errors
        .retain(|e| e.code != "InvalidParameter.InvalidAsyncRequestId");
    let emu = Emulator::builder()
        .services(vec![spec.clone()])
        .start()
        .await
        .unwrap();
    let c = SpecClient::new(&spec, &emu);
    let out = c
        .ok(
            "DescribeAsyncRequestInfo",
            json!({"AsyncRequestId": "nosuch"}),
        )
        .await;
    assert!(out.get("Status").is_none(), "{out}");
    assert!(out.get("Info").is_none(), "{out}");
    emu.shutdown().await;
}

#[tokio::test]
async fn invalid_creates_create_nothing() {
    let emu = start(empty()).await;
    let c = SpecClient::new(&widgets_service(), &emu);
    for (input, code) in [
        (json!({"Size": 20}), "MissingParameter"),
        (json!({"Zone": "z-1", "Size": "big"}), "InvalidParameter"),
        (
            json!({"Zone": "z-1", "Size": 1, "Colour": "red"}),
            "UnknownParameter",
        ),
    ] {
        let e = c.call("CreateWidgets", input.clone()).await.unwrap_err();
        assert_eq!(e.code(), Some(code), "{input}: {e}");
    }
    let all = c.ok("DescribeWidgets", json!({})).await;
    assert_eq!(all["TotalCount"], 0);
    assert_eq!(emu.applied_count("CreateWidgets"), 0);
    emu.shutdown().await;
}

#[tokio::test]
async fn seeds_and_the_state_endpoint_show_instances_with_status_and_name() {
    let seed = Seed::from_json(
        r#"{"instances": [
              {"service": "widgets", "id": "wdg-seeded01", "name": "seeded"},
              {"service": "widgets", "id": "wdg-seeded02", "state": "isolated"}],
            "replace_defaults": true}"#,
    )
    .unwrap();
    let emu = start(Some(seed)).await;
    let c = SpecClient::new(&widgets_service(), &emu);
    let (created, flow) = create(&c, "made").await;
    let all = c.ok("DescribeWidgets", json!({})).await;
    let summary: Vec<(Value, Value, Value)> = all["WidgetSet"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["WidgetId"].clone(),
                i["WidgetName"].clone(),
                i["Status"].clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (json!("wdg-seeded01"), json!("seeded"), json!(2)),
            (json!("wdg-seeded02"), json!("documented"), json!(-2)),
            (json!(created), json!("made"), json!(0)),
        ]
    );

    let state = admin(&emu.base_url(), "GET", "state", None).await.json();
    let instances = state["instances"].as_array().unwrap();
    let made = instances
        .iter()
        .find(|i| i["id"] == created)
        .expect("the created instance");
    assert_eq!(made["service"], "tencent-widgets");
    assert_eq!(made["name"], "made");
    assert_eq!(made["state"], "creating");
    assert_eq!(made["status"], 0);
    assert_eq!(made["pending_changes"], 1);
    let seeded = instances
        .iter()
        .find(|i| i["id"] == "wdg-seeded02")
        .unwrap();
    assert_eq!(
        (&seeded["state"], &seeded["status"]),
        (&json!("isolated"), &json!(-2))
    );
    let handle = flow.to_string();
    let task = state["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["handle"] == handle.as_str())
        .expect("the creation's task");
    assert_eq!(task["operation"], "CreateWidgets");
    assert_eq!(task["instance"], created);
    assert_eq!(task["progress"], "running");
    emu.shutdown().await;
}
