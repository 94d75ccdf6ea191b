//! The transport's descriptions ([`cloud_transport::ServiceInfo`],
//! [`cloud_transport::OperationInfo`], and the waiters' and paginators' descriptions) built
//! from a spec at run time.
//!
//! Generated crates carry these as `const`s; the CLI and the tests that walk the whole bundle
//! know their services only from the spec, so they build the same values here. Both are built
//! from the same facts ([`crate::call`], [`crate::pages`], [`crate::waits`],
//! [`crate::resource`]), which decide everything; this module only turns them into runtime
//! values (a test checks that the generated constants spell the same values). The transport
//! wants `&'static` data, so the strings are leaked on purpose: build each description once
//! per process (cache it) rather than once per call.

use cloud_transport::paginate::{PageInfo, PageStyle};
use cloud_transport::wait::{
    ConditionWaiter, ListFilter, OperationWaiter, ResourceInfo, Scalar, TaskApi, TaskInfo,
    WaitCondition,
};
use cloud_transport::{EndpointRules, HttpBinding, OperationInfo, ParamLocation, ServiceInfo};
use serde_json::Value;

use crate::call::{call_facts, CallFacts, ParamPlace};
use crate::facts::{scalar_fact, FactsError, ScalarFact};
use crate::pages::{page_facts, PageCounting, PageFacts};
use crate::resource::resource_facts;
use crate::waits::{task_api_facts, waiter_facts, ConditionFacts, TaskApiFacts, TaskFacts};
use crate::{Operation, Service, Vendor};

/// A lifecycle fact of a spec that cannot become a transport description (the spec validator
/// rejects such specs; this is for specs that were not validated).
pub type DescriptionError = FactsError;

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

fn leak_slice<T>(items: Vec<T>) -> &'static [T] {
    Box::leak(items.into_boxed_slice())
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
            region_overrides: leak_slice(overrides),
            region_required: service.endpoint.region_required,
        },
        sdk_name,
        sdk_version,
    }
}

/// The description of operation `name` of a `vendor` service: what the generator writes as the
/// crate's `Operation::INFO`, both from [`crate::call::call_facts`].
pub fn operation_info(vendor: Vendor, name: &str, operation: &Operation) -> OperationInfo {
    call_info(&call_facts(vendor, name, operation))
}

fn call_info(facts: &CallFacts<'_>) -> OperationInfo {
    let http = facts.http.as_ref().map(|binding| {
        let params: Vec<(&'static str, ParamLocation)> = binding
            .params
            .iter()
            .map(|(wire, location)| (leak(wire), param_location(*location)))
            .collect();
        HttpBinding {
            method: leak(binding.method),
            path: leak(binding.path),
            success_status: binding.success_status,
            params: leak_slice(params),
        }
    });
    OperationInfo {
        name: leak(facts.name),
        http,
        read_only: facts.read_only,
        idempotent: facts.idempotent,
        rate_limit: facts.rate_limit,
        regions: leak_slice(facts.regions.iter().map(|r| leak(r)).collect()),
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
    scalar_fact(value, path).map(scalar_value)
}

fn scalar_value(fact: ScalarFact<'_>) -> Scalar {
    match fact {
        ScalarFact::Str(s) => Scalar::Str(leak(s)),
        ScalarFact::Int(i) => Scalar::Int(i),
        ScalarFact::Bool(b) => Scalar::Bool(b),
    }
}

fn scalars(facts: &[ScalarFact<'_>]) -> &'static [Scalar] {
    leak_slice(facts.iter().copied().map(scalar_value).collect())
}

/// How operation `name` pages, when it does: what the generator writes as its `Paged::PAGES`,
/// both from [`crate::pages::page_facts`].
///
/// # Errors
///
/// A pagination whose style and `next_marker` disagree.
pub fn page_info(name: &str, operation: &Operation) -> Result<Option<PageInfo>, DescriptionError> {
    Ok(page_facts(name, operation)?.as_ref().map(pages))
}

fn pages(facts: &PageFacts<'_>) -> PageInfo {
    let mut info = PageInfo::new(
        leak(facts.offset),
        leak(facts.limit),
        leak(facts.items),
        facts.max_page_size,
    );
    info = match facts.counting {
        PageCounting::Items => info,
        PageCounting::Page0 => info.with_style(PageStyle::Page0),
        PageCounting::Page1 => info.with_style(PageStyle::Page1),
        PageCounting::Marker { next_marker } => info.with_marker(leak(next_marker)),
    };
    if let Some(total) = facts.total {
        info = info.with_total(leak(total));
    }
    if !facts.other_items.is_empty() {
        let other = facts.other_items.iter().map(|p| leak(p)).collect();
        info = info.with_other_items(leak_slice(other));
    }
    if facts.offset_as_text {
        info = info.with_text_offset();
    }
    if facts.limit_as_text {
        info = info.with_text_limit();
    }
    info
}

/// The service's task API `key` (a key of `Service::tasks`), from
/// [`crate::waits::task_api_facts`].
///
/// # Errors
///
/// An unknown key or operation, or a status value that is not a scalar.
pub fn task_api(service: &Service, key: &str) -> Result<TaskApi, DescriptionError> {
    Ok(task_api_value(&task_api_facts(service, key)?))
}

fn task_api_value(facts: &TaskApiFacts<'_>) -> TaskApi {
    TaskApi {
        operation: call_info(&facts.operation),
        handle: leak(facts.handle),
        handle_as_text: facts.handle_as_text,
        status: leak(facts.status),
        message: facts.message.map(leak),
        running: scalars(&facts.running),
        succeeded: scalars(&facts.succeeded),
        failed: scalars(&facts.failed),
    }
}

fn task_value(facts: &TaskFacts<'_>) -> TaskInfo {
    let api: &'static TaskApi = Box::leak(Box::new(task_api_value(&facts.api)));
    TaskInfo::new(leak(facts.handle), api)
}

fn condition_value(facts: &ConditionFacts<'_>) -> ConditionWaiter {
    let input = facts
        .input
        .iter()
        .map(|(polled, own)| (leak(polled), leak(own)))
        .collect();
    let until = facts
        .until
        .iter()
        .map(|condition| WaitCondition {
            when: leak_slice(
                condition
                    .when
                    .iter()
                    .map(|(member, value)| (leak(member), scalar_value(*value)))
                    .collect(),
            ),
            path: leak(condition.path),
            equals: scalar_value(condition.equals),
        })
        .collect();
    ConditionWaiter {
        operation: call_info(&facts.operation),
        input: leak_slice(input),
        until: leak_slice(until),
    }
}

/// The task operation `name` starts, when it returns a task handle.
///
/// # Errors
///
/// As [`operation_waiter`].
pub fn task_info(service: &Service, name: &str) -> Result<Option<TaskInfo>, DescriptionError> {
    Ok(operation_waiter(service, name)?.and_then(|w| w.task))
}

/// The condition waiter (`waiter:`) of operation `name`, when it has one.
///
/// # Errors
///
/// As [`operation_waiter`].
pub fn condition_waiter(
    service: &Service,
    name: &str,
) -> Result<Option<ConditionWaiter>, DescriptionError> {
    Ok(operation_waiter(service, name)?.and_then(|w| w.until))
}

/// What operation `name` waits for (its task, then its condition): what the generator writes
/// as its `Waits::WAITER`, and what the CLI's `--wait` runs, both from
/// [`crate::waits::waiter_facts`]. `None` when it has neither.
///
/// # Errors
///
/// An unknown task API or polled operation, or a value that is not a scalar.
pub fn operation_waiter(
    service: &Service,
    name: &str,
) -> Result<Option<OperationWaiter>, DescriptionError> {
    Ok(waiter_facts(service, name)?.map(|facts| OperationWaiter {
        task: facts.task.as_ref().map(task_value),
        until: facts.until.as_ref().map(condition_value),
    }))
}

/// The service's resource as its state waiters see it, when the spec has one: what the
/// generator writes as its `operations::RESOURCE`, both from
/// [`crate::resource::resource_facts`].
///
/// # Errors
///
/// An unknown list operation, a list operation without pagination, a malformed filter member,
/// or a state value that is not a scalar.
pub fn resource_info(service: &Service) -> Result<Option<ResourceInfo>, DescriptionError> {
    Ok(resource_facts(service)?.map(|facts| ResourceInfo {
        name: leak(facts.name),
        list: call_info(&facts.list),
        pages: pages(&facts.pages),
        id_filter: facts.id_filter.map(|filter| ListFilter {
            member: leak(filter.member),
            name: filter.name.map(leak),
            list: filter.list,
        }),
        item_id: leak(facts.item_id),
        item_status: leak(facts.item_status),
        running: scalars(&facts.running),
        isolated: scalars(&facts.isolated),
        deleted: scalars(&facts.deleted),
        failed: scalars(&facts.failed),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_service::lifecycle_service;

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

    #[test]
    fn task_apis_and_tasks_are_built_from_their_facts() {
        let service = lifecycle_service();
        let tasks = task_api(&service, "tasks").unwrap();
        assert!(!tasks.handle_as_text);
        assert_eq!(tasks.failed, [Scalar::Str("Failed"), Scalar::Int(-1)]);
        assert_eq!(
            tasks.operation,
            operation_info(
                Vendor::Tencent,
                "DescribeTasks",
                &service.operations["DescribeTasks"]
            )
        );
        let info = task_info(&service, "CreateThing").unwrap().expect("a task");
        assert_eq!(info.handle, "FlowId");
        assert!(info.api.handle_as_text, "AsyncRequestId is a string");
        assert_eq!(info.api.message, Some("Info"));
        assert_eq!(task_info(&service, "PlainCall").unwrap(), None);
        assert!(task_api(&service, "nope").is_err());
    }

    #[test]
    fn pages_waiters_and_the_resource_are_built_from_their_facts() {
        let service = lifecycle_service();
        let pages = page_info("DescribeThings", &service.operations["DescribeThings"])
            .unwrap()
            .expect("paged");
        assert_eq!(
            pages,
            PageInfo::new("Offset", "Limit", "Items", 100)
                .with_total("TotalCount")
                .with_text_offset()
        );
        assert_eq!(
            page_info("PlainCall", &service.operations["PlainCall"]),
            Ok(None)
        );
        let mut marked = service.operations["DescribeThings"].clone();
        if let Some(p) = &mut marked.pagination {
            p.style = crate::PageStyle::Marker;
            p.next_marker = Some("Id".into());
        }
        let marked = page_info("DescribeThings", &marked).unwrap().unwrap();
        assert_eq!(
            (marked.style, marked.next_marker),
            (PageStyle::Marker, Some("Id"))
        );

        let waiter = operation_waiter(&service, "CreateThing")
            .unwrap()
            .expect("waits");
        assert_eq!(waiter.task, task_info(&service, "CreateThing").unwrap());
        let until = waiter.until.expect("a condition");
        assert_eq!(
            Some(until),
            condition_waiter(&service, "CreateThing").unwrap()
        );
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
