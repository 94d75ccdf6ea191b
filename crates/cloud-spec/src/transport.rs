//! The transport's descriptions ([`cloud_transport::ServiceInfo`],
//! [`cloud_transport::OperationInfo`], and the waiters' and paginators' descriptions) built
//! from a spec at run time.
//!
//! Generated crates carry these as `const`s; the CLI and the tests that walk the whole bundle
//! know their services only from the spec, so they build the same values here (a test checks
//! that the generated constants equal them). The transport wants `&'static` data, so the
//! strings are leaked on purpose: build each description once per process (cache it) rather
//! than once per call.

use std::fmt;

use cloud_transport::paginate::{PageInfo, PageStyle};
use cloud_transport::wait::{
    ConditionWaiter, ListFilter, OperationWaiter, ResourceInfo, Scalar, TaskApi, TaskInfo,
    WaitCondition,
};
use cloud_transport::{EndpointRules, HttpBinding, OperationInfo, ParamLocation, ServiceInfo};
use serde_json::Value;

use crate::call::{call_facts, ParamPlace};
use crate::lifecycle::FilterMember;
use crate::{Operation, Pagination, Service, Vendor};

/// A lifecycle fact of a spec that cannot become a transport description (the spec validator
/// rejects such specs; this is for specs that were not validated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DescriptionError {
    /// Where in the spec: `tasks.async.running[0]`.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for DescriptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for DescriptionError {}

fn error(path: impl Into<String>, message: impl Into<String>) -> DescriptionError {
    DescriptionError {
        path: path.into(),
        message: message.into(),
    }
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

/// The description of `service`; `sdk_name`/`sdk_version` go into the User-Agent.
pub fn service_info(
    service: &Service,
    sdk_name: &'static str,
    sdk_version: &'static str,
) -> ServiceInfo {
    let overrides: Vec<(&'static str, &'static str)> = service
        .endpoint
        .region_overrides
        .iter()
        .map(|(region, host)| (leak(region), leak(host)))
        .collect();
    ServiceInfo {
        vendor: match service.vendor {
            Vendor::Tencent => cloud_transport::Vendor::Tencent,
            Vendor::Huawei => cloud_transport::Vendor::Huawei,
        },
        service: leak(&service.service),
        version: leak(&service.version),
        endpoint: EndpointRules {
            global: service.endpoint.global.as_deref().map(leak),
            regional: leak(&service.endpoint.regional),
            international: service.endpoint.international.as_deref().map(leak),
            region_overrides: Box::leak(overrides.into_boxed_slice()),
            region_required: service.endpoint.region_required,
        },
        sdk_name,
        sdk_version,
    }
}

/// The description of operation `name` of a `vendor` service: what the generator writes as the
/// crate's `Operation::INFO`, both from [`crate::call::call_facts`].
pub fn operation_info(vendor: Vendor, name: &str, operation: &Operation) -> OperationInfo {
    let facts = call_facts(vendor, name, operation);
    let http = facts.http.map(|binding| {
        let params: Vec<(&'static str, ParamLocation)> = binding
            .params
            .iter()
            .map(|(wire, location)| (leak(wire), param_location(*location)))
            .collect();
        HttpBinding {
            method: leak(binding.method),
            path: leak(binding.path),
            success_status: binding.success_status,
            params: Box::leak(params.into_boxed_slice()),
        }
    });
    let regions: Vec<&'static str> = facts.regions.iter().map(|r| leak(r)).collect();
    OperationInfo {
        name: leak(facts.name),
        http,
        read_only: facts.read_only,
        idempotent: facts.idempotent,
        rate_limit: facts.rate_limit,
        regions: Box::leak(regions.into_boxed_slice()),
    }
}

/// Where the transport puts a member sent outside the body.
fn param_location(place: ParamPlace) -> ParamLocation {
    match place {
        ParamPlace::Path => ParamLocation::Path,
        ParamPlace::Query => ParamLocation::Query,
        ParamPlace::Header => ParamLocation::Header,
    }
}

/// A spec value as a [`Scalar`]: a string, an integer or a boolean.
///
/// # Errors
///
/// Any other value (a float, `null`, a list, an object).
pub fn scalar(value: &Value, path: &str) -> Result<Scalar, DescriptionError> {
    match value {
        Value::String(s) => Ok(Scalar::Str(leak(s))),
        Value::Bool(b) => Ok(Scalar::Bool(*b)),
        Value::Number(n) => n
            .as_i64()
            .map(Scalar::Int)
            .ok_or_else(|| error(path, format!("{n} is not a 64-bit integer"))),
        other => Err(error(
            path,
            format!("{other} is not a string, an integer or a boolean"),
        )),
    }
}

fn scalars(values: &[Value], path: &str) -> Result<&'static [Scalar], DescriptionError> {
    let scalars = values
        .iter()
        .enumerate()
        .map(|(i, v)| scalar(v, &format!("{path}[{i}]")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Box::leak(scalars.into_boxed_slice()))
}

/// How `operation` pages, when it does: what the generator writes as its `Paged::PAGES`.
/// Offset and limit members declared `string` take their numbers as text.
pub fn page_info(operation: &Operation) -> Option<PageInfo> {
    operation
        .pagination
        .as_ref()
        .map(|pagination| pages(operation, pagination))
}

fn pages(operation: &Operation, pagination: &Pagination) -> PageInfo {
    let style = match pagination.style {
        crate::PageStyle::Offset => PageStyle::Offset,
        crate::PageStyle::Page0 => PageStyle::Page0,
        crate::PageStyle::Page1 => PageStyle::Page1,
        crate::PageStyle::Marker => PageStyle::Marker,
    };
    let mut info = PageInfo::new(
        leak(&pagination.offset),
        leak(&pagination.limit),
        leak(&pagination.items),
        pagination.max_page_size,
    )
    .with_style(style);
    if let Some(total) = &pagination.total {
        info = info.with_total(leak(total));
    }
    if let Some(next_marker) = &pagination.next_marker {
        info = info.with_marker(leak(next_marker));
    }
    if !pagination.other_items.is_empty() {
        let other: Vec<&'static str> = pagination.other_items.iter().map(|p| leak(p)).collect();
        info = info.with_other_items(Box::leak(other.into_boxed_slice()));
    }
    if operation.input_is_text(&pagination.offset) {
        info = info.with_text_offset();
    }
    if operation.input_is_text(&pagination.limit) {
        info = info.with_text_limit();
    }
    info
}

fn operation_named<'s>(
    service: &'s Service,
    name: &str,
    path: &str,
) -> Result<&'s Operation, DescriptionError> {
    service
        .operations
        .get(name)
        .ok_or_else(|| error(path, format!("names the unknown operation `{name}`")))
}

/// The service's task API `key` (a key of `Service::tasks`). Its handle member is sent as text
/// when the polled operation declares it `string`.
///
/// # Errors
///
/// An unknown key or operation, or a status value that is not a scalar.
pub fn task_api(service: &Service, key: &str) -> Result<TaskApi, DescriptionError> {
    let path = format!("tasks.{key}");
    let api = service
        .tasks
        .get(key)
        .ok_or_else(|| error(&path, "no such task API"))?;
    let polled = operation_named(service, &api.operation, &format!("{path}.operation"))?;
    Ok(TaskApi {
        operation: operation_info(service.vendor, &api.operation, polled),
        handle: leak(&api.handle),
        handle_as_text: polled.input_is_text(&api.handle),
        status: leak(&api.status),
        message: api.message.as_deref().map(leak),
        running: scalars(&api.running, &format!("{path}.running"))?,
        succeeded: scalars(&api.succeeded, &format!("{path}.succeeded"))?,
        failed: scalars(&api.failed, &format!("{path}.failed"))?,
    })
}

/// The task operation `name` starts, when it returns a task handle.
///
/// # Errors
///
/// As [`task_api`].
pub fn task_info(service: &Service, name: &str) -> Result<Option<TaskInfo>, DescriptionError> {
    let Some(operation) = service.operations.get(name) else {
        return Ok(None);
    };
    let Some(task) = &operation.task else {
        return Ok(None);
    };
    let api: &'static TaskApi = Box::leak(Box::new(task_api(service, &task.api)?));
    Ok(Some(TaskInfo::new(leak(&task.handle), api)))
}

/// The condition waiter (`waiter:`) of operation `name`, when it has one.
///
/// # Errors
///
/// An unknown polled operation, or a value that is not a scalar.
pub fn condition_waiter(
    service: &Service,
    name: &str,
) -> Result<Option<ConditionWaiter>, DescriptionError> {
    let Some(waiter) = service
        .operations
        .get(name)
        .and_then(|op| op.waiter.as_ref())
    else {
        return Ok(None);
    };
    let path = format!("operations.{name}.waiter");
    let polled = operation_named(service, &waiter.operation, &format!("{path}.operation"))?;
    let input: Vec<(&'static str, &'static str)> = waiter
        .input
        .iter()
        .map(|(polled, own)| (leak(polled), leak(own)))
        .collect();
    let until = waiter
        .until
        .iter()
        .enumerate()
        .map(|(i, condition)| {
            let when = condition
                .when
                .iter()
                .map(|(member, value)| {
                    Ok((
                        leak(member),
                        scalar(value, &format!("{path}.until[{i}].when.{member}"))?,
                    ))
                })
                .collect::<Result<Vec<_>, DescriptionError>>()?;
            Ok(WaitCondition {
                when: Box::leak(when.into_boxed_slice()),
                path: leak(&condition.path),
                equals: scalar(&condition.equals, &format!("{path}.until[{i}].equals"))?,
            })
        })
        .collect::<Result<Vec<_>, DescriptionError>>()?;
    Ok(Some(ConditionWaiter {
        operation: operation_info(service.vendor, &waiter.operation, polled),
        input: Box::leak(input.into_boxed_slice()),
        until: Box::leak(until.into_boxed_slice()),
    }))
}

/// What operation `name` waits for (its task, then its condition): what the generator writes
/// as its `Waits::WAITER`, and what the CLI's `--wait` runs. `None` when it has neither.
///
/// # Errors
///
/// As [`task_info`] and [`condition_waiter`].
pub fn operation_waiter(
    service: &Service,
    name: &str,
) -> Result<Option<OperationWaiter>, DescriptionError> {
    let task = task_info(service, name)?;
    let until = condition_waiter(service, name)?;
    Ok((task.is_some() || until.is_some()).then_some(OperationWaiter { task, until }))
}

/// The service's resource as its state waiters see it, when the spec has one.
///
/// # Errors
///
/// An unknown list operation, a list operation without pagination, a malformed filter member,
/// or a state value that is not a scalar.
pub fn resource_info(service: &Service) -> Result<Option<ResourceInfo>, DescriptionError> {
    let Some(resource) = &service.resource else {
        return Ok(None);
    };
    let list = &resource.list;
    let operation = operation_named(service, &list.operation, "resource.list.operation")?;
    let pagination = operation.pagination.as_ref().ok_or_else(|| {
        error(
            "resource.list.operation",
            format!("`{}` has no pagination", list.operation),
        )
    })?;
    let id_filter = match &list.filters.id {
        None => None,
        Some(text) => {
            let filter =
                FilterMember::parse(text).map_err(|e| error("resource.list.filters.id", e))?;
            Some(ListFilter {
                member: leak(filter.member),
                name: filter.filter_name.map(leak),
                list: operation.input_is_list(filter.member),
            })
        }
    };
    let states = &resource.states;
    Ok(Some(ResourceInfo {
        name: leak(&resource.name),
        list: operation_info(service.vendor, &list.operation, operation),
        pages: pages(operation, pagination),
        id_filter,
        item_id: leak(&list.id),
        item_status: leak(&list.status),
        running: scalars(&states.running, "resource.states.running")?,
        isolated: scalars(&states.isolated, "resource.states.isolated")?,
        deleted: scalars(&states.deleted, "resource.states.deleted")?,
        failed: scalars(&states.failed, "resource.states.failed")?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rest_bindings_list_the_located_members_and_tencent_has_none() {
        let geminidb = crate::bundle::service("huawei-geminidb").expect("bundled");
        let info = operation_info(
            Vendor::Huawei,
            "SwitchSsl",
            &geminidb.operations["SwitchSsl"],
        );
        let http = info.http.expect("a REST binding");
        assert_eq!((http.method, http.success_status), ("POST", 202));
        assert_eq!(http.params, &[("instance_id", ParamLocation::Path)]);
        assert_eq!(info.name, "SwitchSsl");

        let mongodb = crate::bundle::service("tencent-mongodb").expect("bundled");
        let describe = &mongodb.operations["DescribeInstanceSSL"];
        let info = operation_info(Vendor::Tencent, "DescribeInstanceSSL", describe);
        assert!(info.http.is_none());
        assert_eq!(info.rate_limit, Some(20));
        assert!(info.read_only && info.idempotent);

        let service = service_info(&geminidb, "test", "0.0.0");
        assert_eq!(service.vendor, cloud_transport::Vendor::Huawei);
        assert_eq!(
            service.endpoint.region_overrides,
            &[("eu-west-101", "gaussdb-nosql.eu-west-101.myhuaweicloud.eu")]
        );
    }

    /// A small Tencent service with a task API, a paged list, a condition waiter and a resource.
    fn lifecycle_service() -> Service {
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

    #[test]
    fn task_apis_send_handles_as_their_member_takes_them() {
        let service = lifecycle_service();
        let tasks = task_api(&service, "tasks").unwrap();
        assert!(!tasks.handle_as_text);
        assert_eq!(tasks.failed, [Scalar::Str("Failed"), Scalar::Int(-1)]);
        assert!(tasks.operation.read_only);
        let info = task_info(&service, "CreateThing").unwrap().expect("a task");
        assert_eq!(info.handle, "FlowId");
        assert!(info.api.handle_as_text, "AsyncRequestId is a string");
        assert_eq!(info.api.message, Some("Info"));
        assert_eq!(task_info(&service, "PlainCall").unwrap(), None);
        assert!(task_api(&service, "nope").is_err());
    }

    #[test]
    fn pages_waiters_and_the_resource_come_from_the_spec() {
        let service = lifecycle_service();
        let pages = page_info(&service.operations["DescribeThings"]).expect("paged");
        assert_eq!(
            pages,
            PageInfo::new("Offset", "Limit", "Items", 100)
                .with_total("TotalCount")
                .with_text_offset()
        );
        assert_eq!(page_info(&service.operations["PlainCall"]), None);

        let waiter = operation_waiter(&service, "CreateThing")
            .unwrap()
            .expect("waits");
        assert!(waiter.task.is_some());
        let until = waiter.until.expect("a condition");
        assert_eq!(until.input, [("InstanceIds", "Id")]);
        assert_eq!(until.until[0].when, [("Enable", Scalar::Bool(true))]);
        assert_eq!(until.until[0].equals, Scalar::Int(1));
        assert_eq!(operation_waiter(&service, "PlainCall").unwrap(), None);

        let resource = resource_info(&service).unwrap().expect("a resource");
        assert_eq!(resource.name, "thing");
        assert_eq!(
            resource.id_filter,
            Some(ListFilter {
                member: "InstanceIds",
                name: None,
                list: true
            })
        );
        assert_eq!(resource.pages, pages);
        assert_eq!(resource.running, [Scalar::Int(1)]);
        assert_eq!(resource.deleted, [Scalar::Int(-3)]);

        let mut named = service.clone();
        if let Some(r) = &mut named.resource {
            r.list.filters.id = Some("Filters[thing-id]".into());
        }
        let filter = resource_info(&named).unwrap().unwrap().id_filter.unwrap();
        assert_eq!(
            (filter.member, filter.name, filter.list),
            ("Filters", Some("thing-id"), false)
        );
    }

    #[test]
    fn values_that_are_not_scalars_are_errors_naming_the_path() {
        assert_eq!(scalar(&serde_json::json!("x"), "p"), Ok(Scalar::Str("x")));
        let e = scalar(&serde_json::json!(1.5), "tasks.a.running[0]").unwrap_err();
        assert_eq!(e.path, "tasks.a.running[0]");
        assert!(scalar(&serde_json::json!(null), "p").is_err());
        let mut service = lifecycle_service();
        service.tasks["tasks"].running = vec![serde_json::json!([1])];
        let e = task_api(&service, "tasks").unwrap_err();
        assert_eq!(e.path, "tasks.tasks.running[0]");
    }
}
