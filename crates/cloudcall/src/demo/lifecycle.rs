//! The demo's lifecycle walk, on every service with a resource in its spec: create an instance
//! (from the create operation's documented example), wait until it runs, switch SSL on and wait,
//! fetch the certificate link, list every page and find it exactly once, isolate it where the
//! service isolates before deleting, delete it, and wait until it is gone.
//!
//! Which operations do what, where the new id is, and what the states mean all come from the
//! spec's `resource`; the only service-specific knowledge here is the SSL table shared with the
//! SSL walk.

use std::time::Instant;

use cloud_spec::{Removal, Service};
use cloud_transport::json_path::value_at;
use cloud_transport::paginate::Paginator;
use cloud_transport::wait::{ResourceInfo, ResourceState};
use cloud_transport::Client;
use serde_json::{Map, Value};

use super::ssl::{fetch_certs, switch};
use super::{record, say, wait_for, Found, Lifecycle, Step};
use crate::values::wire_text;

/// Walks one service's instance lifecycle.
pub(super) async fn walk(
    service: &Service,
    lc: &Lifecycle,
    client: &Client,
    steps: &mut Vec<Step>,
) {
    let (Some(resource), Ok(Some(info))) = (
        service.resource.as_ref(),
        cloud_spec::transport::resource_info(service),
    ) else {
        record(
            steps,
            service,
            "read resource",
            "",
            Err("the spec describes no resource".into()),
            std::time::Duration::ZERO,
        );
        return;
    };
    say(&format!(
        "== {} ({}): {} lifecycle ==",
        service.crate_name(),
        service.title,
        resource.name
    ));
    let Some(id) = create(service, &info, client, steps).await else {
        return;
    };
    if let Some(step) = steps.last_mut() {
        step.instance = Some(id.clone());
    }
    // SSL on the new instance, with the same operations and waiter as the SSL walk.
    let mut on_input = Map::new();
    on_input.insert(lc.instance.0.into(), Value::from(id.clone()));
    let certs_input = Value::Object(on_input.clone());
    for (k, v) in lc.enable.1 {
        on_input.insert((*k).into(), v.clone());
    }
    let started = Instant::now();
    let (command, found) = switch(service, client, lc.enable.0, &Value::Object(on_input)).await;
    if !record(
        steps,
        service,
        "enable SSL + wait",
        &command,
        found,
        started.elapsed(),
    ) || !fetch_certs(service, client, &certs_input, steps).await
    {
        return;
    }
    if !list_every_page(service, &info, client, &id, steps).await {
        return;
    }
    // Out of service: isolate first where the service isolates (the deleting call takes
    // isolated instances), then delete.
    let isolate = resource
        .remove
        .iter()
        .find(|(_, r)| **r == Removal::Isolated);
    let delete = resource
        .remove
        .iter()
        .find(|(_, r)| **r == Removal::Deleted);
    for (op_name, removal) in isolate.into_iter().chain(delete) {
        let state = match removal {
            Removal::Isolated => ResourceState::Isolated,
            Removal::Deleted => ResourceState::Gone,
        };
        if !remove(service, &info, client, op_name, &id, state, steps).await {
            return;
        }
    }
}

/// Creates an instance with the first create operation's documented example and waits until
/// it runs; returns its id.
async fn create(
    service: &Service,
    info: &ResourceInfo,
    client: &Client,
    steps: &mut Vec<Step>,
) -> Option<String> {
    let resource = service.resource.as_ref()?;
    let what = "create + wait running";
    let started = Instant::now();
    let Some((op_name, id_path)) = resource.create.iter().next() else {
        record(
            steps,
            service,
            what,
            "",
            Err("no create operation".into()),
            started.elapsed(),
        );
        return None;
    };
    let Some(op) = service.operations.get(op_name) else {
        record(
            steps,
            service,
            what,
            "",
            Err(format!("no operation {op_name}")),
            started.elapsed(),
        );
        return None;
    };
    let (sample, _) = cloud_spec::sample::sample_input(service, op);
    let input = Value::Object(sample.into_iter().collect());
    let command = format!("{} --wait", super::command_line(service, op_name, &input));
    let call = client
        .call_json(&crate::meta::operation_info(service, op_name, op), input)
        .await;
    let output = match call {
        Ok(output) => output,
        Err(e) => {
            record(
                steps,
                service,
                what,
                &command,
                Err(e.to_string()),
                started.elapsed(),
            );
            return None;
        }
    };
    let id = match value_at(&output, id_path) {
        Some(Value::String(id)) => Some(id.clone()),
        Some(Value::Array(ids)) => ids.first().and_then(Value::as_str).map(str::to_owned),
        _ => None,
    };
    let Some(id) = id else {
        let found = Err(format!("the answer has no new id at {id_path}"));
        record(steps, service, what, &command, found, started.elapsed());
        return None;
    };
    let (waited, polls) = wait_for(|options| {
        let id = id.clone();
        async move {
            info.wait_until(client, &id, ResourceState::Running, &options)
                .await
        }
    })
    .await;
    let found: Found = match waited {
        Ok(done) => Ok(format!(
            "{} {id}: {} after {polls} poll{}",
            resource.name,
            done.status.as_ref().map_or_else(|| "-".into(), wire_text),
            if polls == 1 { "" } else { "s" }
        )),
        Err(e) => Err(format!("{} {id}: {e}", resource.name)),
    };
    record(steps, service, what, &command, found, started.elapsed()).then_some(id)
}

/// Lists every instance, page by page at a small page size, and checks that `id` is listed
/// exactly once and that the items add up to the total.
async fn list_every_page(
    service: &Service,
    info: &ResourceInfo,
    client: &Client,
    id: &str,
    steps: &mut Vec<Step>,
) -> bool {
    let what = "list every page";
    let started = Instant::now();
    // Small pages, so the walk really turns pages.
    const PAGE_SIZE: u32 = 2;
    let command = format!(
        "cloudcall {} {} --page-all",
        service.crate_name(),
        crate::names::cli_name(info.list.name)
    );
    let mut pages: Paginator = Paginator::new(
        client.clone(),
        info.list,
        info.pages,
        Value::Object(Map::new()),
    )
    .page_size(PAGE_SIZE);
    let mut listed = 0usize;
    let mut seen = 0usize;
    let mut page_count = 0usize;
    let mut total = None;
    while let Some(page) = pages.next_page().await {
        let page = match page {
            Ok(page) => page,
            Err(e) => {
                return record(
                    steps,
                    service,
                    what,
                    &command,
                    Err(e.to_string()),
                    started.elapsed(),
                )
            }
        };
        page_count += 1;
        if let Some(path) = info.pages.total {
            total = value_at(&page, path).and_then(Value::as_u64).or(total);
        }
        for item in value_at(&page, info.pages.items)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            listed += 1;
            if value_at(item, info.item_id).and_then(Value::as_str) == Some(id) {
                seen += 1;
            }
        }
    }
    let found = if seen != 1 {
        Err(format!("{id} listed {seen} times in {listed} items"))
    } else if total.is_some_and(|t| t != listed as u64) {
        Err(format!(
            "{listed} items listed, the total says {}",
            total.unwrap_or(0)
        ))
    } else {
        Ok(format!(
            "{listed} instances in {page_count} pages of {PAGE_SIZE}; {id} listed once"
        ))
    };
    record(steps, service, what, &command, found, started.elapsed())
}

/// Calls removal operation `op_name` on instance `id` and waits until it is in `state`.
async fn remove(
    service: &Service,
    info: &ResourceInfo,
    client: &Client,
    op_name: &str,
    id: &str,
    state: ResourceState,
    steps: &mut Vec<Step>,
) -> bool {
    let what = match state {
        ResourceState::Isolated => "isolate + wait",
        _ => "delete + wait gone",
    };
    let started = Instant::now();
    let (Some(resource), Some(op)) = (service.resource.as_ref(), service.operations.get(op_name))
    else {
        return record(
            steps,
            service,
            what,
            "",
            Err(format!("no operation {op_name}")),
            started.elapsed(),
        );
    };
    // The documented example's other members, and this instance in the member that names it.
    let member = resource
        .id_members
        .get(op_name)
        .unwrap_or(&resource.id)
        .clone();
    let (sample, _) = cloud_spec::sample::sample_input(service, op);
    let mut input: Map<String, Value> = sample.into_iter().collect();
    let id_value = if op.input_is_list(&member) {
        Value::from(vec![id])
    } else {
        Value::from(id)
    };
    input.insert(member, id_value);
    let input = Value::Object(input);
    let command = format!("{} --wait", super::command_line(service, op_name, &input));
    if let Err(e) = client
        .call_json(&crate::meta::operation_info(service, op_name, op), input)
        .await
    {
        return record(
            steps,
            service,
            what,
            &command,
            Err(e.to_string()),
            started.elapsed(),
        );
    }
    let (waited, polls) =
        wait_for(|options| async move { info.wait_until(client, id, state, &options).await }).await;
    let found: Found = match waited {
        Ok(done) => Ok(format!(
            "{id}: {} after {polls} poll{}",
            done.status
                .as_ref()
                .map_or_else(|| "no longer listed".into(), wire_text),
            if polls == 1 { "" } else { "s" }
        )),
        Err(e) => Err(format!("{id}: {e}")),
    };
    record(steps, service, what, &command, found, started.elapsed())
}
