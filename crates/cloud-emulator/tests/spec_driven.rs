//! The emulator is driven by the spec model: an operation added to a spec is routed, validated
//! and answered without code changes.

mod common;

use cloud_emulator::Emulator;
use cloud_spec::Service;
use common::*;
use serde_json::json;

fn mongodb_with_new_operations() -> Service {
    let mut spec = cloud_spec::bundle::services()
        .into_iter()
        .find(|s| s.crate_name() == "tencent-mongodb")
        .expect("the bundle has tencent-mongodb");
    let added: Service = serde_json::from_value(json!({
        "vendor": "tencent", "name": "mongodb", "service": "mongodb", "title": "t", "version": "2019-07-25",
        "endpoint": {"regional": "mongodb.{region}.tencentcloudapi.com"},
        "operations": {
            "DescribeSlowLogPatterns": {
                "docs": "A new operation with an example.",
                "read_only": true,
                "input": {
                    "InstanceId": {"type": "string", "required": true},
                    "Limit": {"type": "int64"}
                },
                "output": {
                    "Count": {"type": "int64", "required": true},
                    "Patterns": {"type": "list<string>", "required": true},
                    "RequestId": {"type": "string", "required": true}
                },
                "examples": [{"title": "e", "input": {"InstanceId": "cmgo-eqmoaxxx"},
                              "output": {"Count": 2, "Patterns": ["a", "b"], "RequestId": "x"}}]
            },
            "DescribeNewThing": {
                "docs": "A new operation without an example.",
                "input": {"Name": {"type": "string", "required": true}},
                "output": {"Size": {"type": "int64", "example": 7}, "Tags": {"type": "list<string>"},
                           "RequestId": {"type": "string", "required": true}}
            }
        }
    }))
    .unwrap();
    spec.operations.extend(added.operations);
    spec
}

#[tokio::test]
async fn new_operations_are_served_from_their_examples() {
    let emu = Emulator::builder()
        .add_service(mongodb_with_new_operations())
        .start()
        .await
        .unwrap();
    let base = emu.base_url();
    let a = mongodb(
        "DescribeSlowLogPatterns",
        json!({"InstanceId": "cmgo-p8vnipr5", "Limit": 5}),
    )
    .send(&base)
    .await;
    assert_eq!(a.response()["Count"], 2, "{:?}", a.response());
    assert_eq!(a.response()["Patterns"], json!(["a", "b"]));
    assert_ne!(a.response()["RequestId"], "x");

    let missing = mongodb("DescribeSlowLogPatterns", json!({"Limit": 5}))
        .send(&base)
        .await;
    assert_eq!(missing.tencent_code().as_deref(), Some("MissingParameter"));
    let unknown = mongodb(
        "DescribeSlowLogPatterns",
        json!({"InstanceId": "cmgo-nope"}),
    )
    .send(&base)
    .await;
    assert_eq!(
        unknown.tencent_code().as_deref(),
        Some("InvalidParameterValue.NotFoundInstance")
    );

    let synthesized = mongodb("DescribeNewThing", json!({"Name": "n"}))
        .send(&base)
        .await
        .response();
    assert_eq!(synthesized["Size"], 7);
    assert_eq!(synthesized["Tags"], json!([]));
    assert!(synthesized["RequestId"].is_string());
    emu.shutdown().await;
}

#[tokio::test]
async fn every_bundled_operation_answers_its_first_example() {
    let emu = Emulator::builder()
        .rate_limits(false)
        .start()
        .await
        .unwrap();
    let base = emu.base_url();
    let mut checked = 0;
    for spec in cloud_spec::bundle::services() {
        for (name, op) in &spec.operations {
            let Some(example) = op.examples.first() else {
                continue;
            };
            let input = serde_json::Value::Object(example.input.clone().into_iter().collect());
            let answer = match spec.vendor {
                cloud_spec::Vendor::Tencent => {
                    let a = tencent(&spec.service, &spec.version, name, input)
                        .send(&base)
                        .await;
                    assert_eq!(a.tencent_code(), None, "{name}: {:?}", a.response());
                    a.response()
                }
                cloud_spec::Vendor::Huawei => {
                    let http = op.http.as_ref().unwrap();
                    let mut path = http.path.replace("{project_id}", emu.project_id());
                    let mut body = serde_json::Map::new();
                    let mut call = huawei(http.method.as_str(), "");
                    for (k, v) in &example.input {
                        let location = op.input.get(k).and_then(|m| m.location);
                        match location {
                            Some(cloud_spec::Location::Path) => {
                                path = path.replace(&format!("{{{k}}}"), v.as_str().unwrap())
                            }
                            Some(cloud_spec::Location::Query) => {
                                call = call.query(k, v.as_str().unwrap())
                            }
                            _ => {
                                body.insert(k.clone(), v.clone());
                            }
                        }
                    }
                    call.path = path;
                    if !body.is_empty() {
                        call = call.body(serde_json::Value::Object(body));
                    }
                    let a = call.send(&base).await;
                    assert_eq!(
                        a.status,
                        http.success_status,
                        "{name}: {}",
                        String::from_utf8_lossy(&a.body)
                    );
                    a.json()
                }
            };
            for (k, v) in &example.output {
                let is_id = matches!(
                    k.as_str(),
                    "RequestId" | "FlowId" | "TaskId" | "AsyncRequestId" | "job_id"
                );
                if !is_id {
                    assert_eq!(&answer[k], v, "{name}.{k}");
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 6, "only {checked} operations have examples");
    emu.shutdown().await;
}

/// A made-up Huawei service whose listing is filtered by an optional `instance_id` query
/// parameter and answered from a documented example.
fn widgets_service() -> Service {
    serde_json::from_value(json!({
        "vendor": "huawei", "name": "widgets", "service": "widgets", "title": "Widgets", "version": "v3",
        "endpoint": {"regional": "widgets.{region}.example.com"},
        "operations": {
            "ListWidgets": {
                "docs": "Lists widgets.",
                "http": {"method": "GET", "path": "/v3/{project_id}/widgets", "success_status": 200},
                "read_only": true,
                "input": {
                    "instance_id": {"type": "string", "location": "query"},
                    "colour": {"type": "string", "location": "query"}
                },
                "output": {
                    "widgets": {"type": "list<Widget>"},
                    "TotalCount": {"type": "int64"},
                    "marker": {"type": "string"}
                },
                "examples": [{"title": "One widget", "input": {"instance_id": "wdg-example"},
                              "output": {"widgets": [{"instance_id": "wdg-example", "size": 3}],
                                         "TotalCount": 1, "marker": "m-1"}}]
            }
        },
        "shapes": {
            "Widget": {"members": {"instance_id": {"type": "string"}, "size": {"type": "int32"}}}
        }
    }))
    .expect("a valid spec")
}

#[tokio::test]
async fn an_unfiltered_listing_lists_every_instance_from_the_spec_alone() {
    let seed = cloud_emulator::Seed::from_json(
        r#"{"instances": [{"service": "huawei-widgets", "id": "wdg-1"},
                          {"service": "huawei-widgets", "id": "wdg-2"}],
            "replace_defaults": true}"#,
    )
    .unwrap();
    let emu = Emulator::builder()
        .services(vec![widgets_service()])
        .seed(seed)
        .start()
        .await
        .unwrap();
    let base = emu.base_url();
    let path = format!("/v3/{}/widgets", emu.project_id());

    let all = huawei("GET", &path).send(&base).await;
    assert_eq!(all.status, 200, "{}", String::from_utf8_lossy(&all.body));
    assert_eq!(
        all.json(),
        json!({
            "widgets": [{"instance_id": "wdg-1", "size": 3}, {"instance_id": "wdg-2", "size": 3}],
            "TotalCount": 2,
            "marker": "m-1"
        })
    );
    // Filters the emulator cannot evaluate are accepted and not applied.
    let coloured = huawei("GET", &path)
        .query("colour", "red")
        .send(&base)
        .await;
    assert_eq!(coloured.json()["TotalCount"], 2);

    let one = huawei("GET", &path)
        .query("instance_id", "wdg-2")
        .send(&base)
        .await;
    assert_eq!(
        one.json(),
        json!({"widgets": [{"instance_id": "wdg-2", "size": 3}], "TotalCount": 1, "marker": "m-1"})
    );
    let none = huawei("GET", &path)
        .query("instance_id", "wdg-nope")
        .send(&base)
        .await;
    assert_eq!(none.status, 200);
    assert_eq!(none.json()["widgets"], json!([]));
    emu.shutdown().await;
}
