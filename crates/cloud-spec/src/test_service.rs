//! The small service the facts' unit tests share: a Tencent service with two task APIs, a
//! paged list, a condition waiter and a resource, each as the spec states it.

use serde_json::Value;

use crate::Service;

/// A small Tencent service with task APIs, a paged list, a condition waiter and a resource.
pub(crate) fn lifecycle_service() -> Service {
    let op = |input: Value, output: Value, extra: Value| {
        let mut op = serde_json::json!({"docs": "", "input": input, "output": output});
        if let (Value::Object(op), Value::Object(extra)) = (&mut op, extra) {
            op.extend(extra);
        }
        op
    };
    serde_json::from_value(serde_json::json!({
        "vendor": "tencent", "name": "t", "service": "t", "title": "T", "version": "1",
        "endpoint": {"regional": "t.{region}.example.com"},
        "operations": {
            "DescribeTasks": op(
                serde_json::json!({"TaskId": {"type": "uint64"}}),
                serde_json::json!({}),
                serde_json::json!({"read_only": true})),
            "DescribeAsync": op(
                serde_json::json!({"AsyncRequestId": {"type": "string"}}),
                serde_json::json!({}),
                serde_json::json!({"read_only": true})),
            "CreateThing": op(
                serde_json::json!({"Enable": {"type": "boolean"}, "Id": {"type": "string"}}),
                serde_json::json!({"FlowId": {"type": "int64"}}),
                serde_json::json!({
                    "task": {"handle": "FlowId", "api": "async"},
                    "waiter": {"operation": "DescribeThings", "input": {"InstanceIds": "Id"},
                        "until": [{"when": {"Enable": true}, "path": "Items.0.Ssl", "equals": 1}]}
                })),
            "DescribeThings": op(
                serde_json::json!({
                    "Offset": {"type": "string"}, "Limit": {"type": "int64"},
                    "InstanceIds": {"type": "list<string>"}, "Filters": {"type": "json"}
                }),
                serde_json::json!({}),
                serde_json::json!({"read_only": true, "pagination": {
                    "offset": "Offset", "limit": "Limit", "items": "Items",
                    "total": "TotalCount", "max_page_size": 100
                }})),
            "PlainCall": op(serde_json::json!({}), serde_json::json!({}), serde_json::json!({}))
        },
        "tasks": {
            "tasks": {"operation": "DescribeTasks", "handle": "TaskId",
                "status": "TaskSet.0.Status", "running": ["Running"],
                "succeeded": ["Success"], "failed": ["Failed", -1]},
            "async": {"operation": "DescribeAsync", "handle": "AsyncRequestId",
                "status": "Status", "message": "Info", "running": ["RUNNING"],
                "succeeded": ["SUCCESS"], "failed": ["FAILED"]}
        },
        "resource": {
            "name": "thing", "id": "InstanceId", "id_format": "t-{alnum:8}",
            "list": {"operation": "DescribeThings", "id": "InstanceId", "status": "Status",
                "filters": {"id": "InstanceIds"}},
            "states": {"creating": [0], "running": [1], "isolated": [-2], "deleted": [-3]},
            "create": {"CreateThing": "InstanceIds"},
            "remove": {}
        }
    }))
    .expect("a lifecycle service")
}
