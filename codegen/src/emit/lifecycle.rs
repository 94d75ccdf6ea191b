//! Waiting and paging in a generated crate: the spec's lifecycle facts (task handles and task
//! APIs, condition waiters, pagination, the resource) as `const` descriptions for
//! `cloud_transport::wait` and `cloud_transport::paginate`, and the few generic items that use
//! them.
//!
//! Per operation this is at most one small `impl` (`Paged` or `Waits`); the polling and paging
//! themselves live once, in the transport. The descriptions written here equal the ones
//! `cloud_spec::transport` builds from the same spec at run time (the CLI's), which a workspace
//! test checks.

use cloud_spec::lifecycle::{parse_id_format, FilterMember, IdFormatPart};
use cloud_spec::{Operation, Service, TypeExpr};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use super::doc_example;
use super::docs::Docs;
use super::plan::{FieldPlan, OperationPlan, Plan, RustType, ShapePlan};
use super::values::{type_tokens_in, Scope};
use super::EmitError;
use crate::names;

fn error(path: impl Into<String>, message: impl Into<String>) -> EmitError {
    EmitError {
        path: path.into(),
        message: message.into(),
    }
}

/// Whether the crate has any paged operation.
pub(crate) fn has_pages(plan: &Plan<'_>) -> bool {
    plan.operations
        .iter()
        .any(|op| op.spec.pagination.is_some())
}

/// Whether operation `op` can be waited for: it returns a task handle or has a condition waiter.
pub(crate) fn waits(op: &OperationPlan<'_>) -> bool {
    op.spec.task.is_some() || op.spec.waiter.is_some()
}

/// Whether the crate has any operation that can be waited for.
pub(crate) fn has_waits(plan: &Plan<'_>) -> bool {
    plan.operations.iter().any(waits)
}

/// Whether the crate uses the wait types at all (operation waiters or resource waiters).
pub(crate) fn uses_wait(plan: &Plan<'_>) -> bool {
    has_waits(plan) || plan.service.resource.is_some() || !plan.service.tasks.is_empty()
}

/// The constant of task API `key`: `TASK_API_ASYNC_REQUEST`.
fn task_api_const(key: &str) -> proc_macro2::Ident {
    format_ident!("TASK_API_{}", names::constant_case(key))
}

/// The generated input type of the operation named `wire`.
fn input_type_of(plan: &Plan<'_>, wire: &str, path: &str) -> Result<proc_macro2::Ident, EmitError> {
    plan.operations
        .iter()
        .find(|op| op.wire == wire)
        .map(|op| format_ident!("{}", op.input_type()))
        .ok_or_else(|| error(path, format!("names the unknown operation `{wire}`")))
}

fn operation_named<'s>(
    service: &'s Service,
    wire: &str,
    path: &str,
) -> Result<&'s Operation, EmitError> {
    service
        .operations
        .get(wire)
        .ok_or_else(|| error(path, format!("names the unknown operation `{wire}`")))
}

/// A spec value as a `Scalar` expression.
fn scalar(value: &Value, path: &str) -> Result<TokenStream, EmitError> {
    match value {
        Value::String(s) => Ok(quote!(Scalar::Str(#s))),
        Value::Bool(b) => Ok(quote!(Scalar::Bool(#b))),
        Value::Number(n) => match n.as_i64() {
            Some(i) if i < 0 => {
                let lit = Literal::u64_unsuffixed(i.unsigned_abs());
                Ok(quote!(Scalar::Int(-#lit)))
            }
            Some(i) => {
                let lit = Literal::i64_unsuffixed(i);
                Ok(quote!(Scalar::Int(#lit)))
            }
            None => Err(error(path, format!("{n} is not a 64-bit integer"))),
        },
        other => Err(error(
            path,
            format!("{other} is not a string, an integer or a boolean"),
        )),
    }
}

fn scalars(values: &[Value], path: &str) -> Result<TokenStream, EmitError> {
    let items = values
        .iter()
        .enumerate()
        .map(|(i, v)| scalar(v, &format!("{path}[{i}]")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(quote!(&[#(#items),*]))
}

fn option_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(s) => quote!(Some(#s)),
        None => quote!(None),
    }
}

/// `use` lines of `src/operations.rs` for what this module writes there.
pub(crate) fn operations_imports(plan: &Plan<'_>) -> TokenStream {
    // `PageInfo` and `OperationWaiter` for the lists every crate has.
    let mut paginate = vec![quote!(PageInfo)];
    if has_pages(plan) {
        paginate.push(quote!(Paginator));
        let numbered = plan.operations.iter().any(|op| {
            op.spec.pagination.as_ref().is_some_and(|p| {
                matches!(
                    p.style,
                    cloud_spec::PageStyle::Page0 | cloud_spec::PageStyle::Page1
                )
            })
        });
        if numbered {
            paginate.push(quote!(PageStyle));
        }
    }
    let mut wait = vec![quote!(OperationWaiter)];
    if has_waits(plan) {
        wait.extend([
            quote!(Completed),
            quote!(WaitError),
            quote!(WaitOptions),
            quote!(Waited),
        ]);
        if plan.operations.iter().any(|op| op.spec.waiter.is_some()) {
            wait.extend([quote!(ConditionWaiter), quote!(WaitCondition)]);
        }
    }
    if !plan.service.tasks.is_empty() {
        wait.push(quote!(TaskApi));
    }
    if plan.service.resource.is_some() {
        wait.push(quote!(ResourceInfo));
        let filtered = plan
            .service
            .resource
            .as_ref()
            .is_some_and(|r| r.list.filters.id.is_some());
        if filtered {
            wait.push(quote!(ListFilter));
        }
    }
    if !plan.service.tasks.is_empty()
        || plan.service.resource.is_some()
        || plan.operations.iter().any(|op| op.spec.waiter.is_some())
    {
        wait.push(quote!(Scalar));
    }
    wait.sort_by_key(ToString::to_string);
    quote! {
        use cloud_transport::paginate::{#(#paginate),*};
        use cloud_transport::wait::{#(#wait),*};
    }
}

/// The traits and generic methods of `src/operations.rs` (after `Request`): `Paged` and
/// `Request::paginate`, `Waits` and `Request::send_and_wait` / `wait_for`. Only what the crate
/// uses.
pub(crate) fn prelude(plan: &Plan<'_>) -> Result<TokenStream, EmitError> {
    let lib = &plan.lib_name;
    let mut out = TokenStream::new();
    if let Some(op) = showcase(plan, |op| op.spec.pagination.is_some()) {
        let method = &op.method;
        let trait_docs = Docs::new()
            .para(
                "A paged list operation: [`Request::paginate`] reads every page of it. \
                 Implemented by the input of every paged operation; [`PAGINATED`] lists them.",
            )
            .outer();
        let example = vec![
            "```no_run".to_owned(),
            format!("# async fn example(client: {lib}::Client) -> {lib}::Result<()> {{"),
            format!("let mut items = client.{method}().paginate().items();"),
            "while let Some(item) = items.next_item().await {".to_owned(),
            "    println!(\"{:?}\", item?);".to_owned(),
            "}".to_owned(),
            "# Ok(()) }".to_owned(),
            "```".to_owned(),
        ];
        let paginate_docs = Docs::new()
            .para(
                "Pages through the whole list: every answer (`I::Output`) with \
                 [`next_page`](Paginator::next_page) or as a `Stream`, or every item (`I::Item`) \
                 with [`items`](Paginator::items). Pages are the largest the service allows \
                 unless set; the listing stops at the stated total or an empty page, and ends \
                 with an error rather than repeat a page.",
            )
            .lines(example)
            .outer();
        out.extend(quote! {
            #trait_docs
            pub trait Paged: Operation {
                /// One listed item.
                type Item: DeserializeOwned;
                /// How it pages.
                const PAGES: PageInfo;
            }

            impl<I: Paged> Request<I, Client> {
                #paginate_docs
                pub fn paginate(self) -> Paginator<I::Output, I::Item> {
                    let input = cloud_transport::codec::request_json(&self.input, I::INFO.name, I::REQUIRED);
                    Paginator::from_input(self.client.transport, I::INFO, I::PAGES, input)
                }
            }
        });
    }
    if let Some(op) = showcase(plan, waits) {
        let trait_docs = Docs::new()
            .para(
                "An operation whose change can be waited for (a task, a change that shows, or \
                 both): [`Request::send_and_wait`]. Implemented by the input of every such \
                 operation; [`WAITERS`] lists them.",
            )
            .outer();
        let (request, uses) = doc_example::request(plan, op)?;
        let mut example = vec!["```no_run".to_owned()];
        example.extend(uses);
        example.extend([
            format!(
                "# async fn example(client: {lib}::Client) -> Result<(), Box<dyn std::error::Error>> {{"
            ),
            format!("use {lib}::WaitOptions;"),
            String::new(),
        ]);
        example.extend(doc_example::format_statements(quote! {
            let done = #request.send_and_wait(WaitOptions::new()).await?;
        })?);
        example.extend([
            "println!(\"{:?}, after {} polls\", done.output, done.waited.attempts);".to_owned(),
            "# Ok(()) }".to_owned(),
            "```".to_owned(),
        ]);
        let send_docs = Docs::new()
            .para(
                "Sends the request, then waits until the task it started has succeeded and its \
                 change shows. `options` sets the deadline (every wait has one), the delays \
                 between polls and a progress callback.",
            )
            .heading("Errors")
            .para(
                "[`WaitError::Call`] when the call fails (or the wait cannot work for this \
                 input: then nothing is sent), [`WaitError::TaskFailed`], \
                 [`WaitError::UnknownTask`], [`WaitError::Timeout`].",
            )
            .lines(example)
            .outer();
        out.extend(quote! {
            #trait_docs
            pub trait Waits: Operation {
                /// What it waits for.
                const WAITER: OperationWaiter;
            }

            impl<I: Waits> Request<I, Client>
            where
                I::Output: Serialize,
            {
                #send_docs
                pub async fn send_and_wait(self, options: WaitOptions) -> Result<Completed<I::Output>, WaitError> {
                    let input = cloud_transport::codec::request_json(&self.input, I::INFO.name, I::REQUIRED)?;
                    I::WAITER.send_and_wait(&self.client.transport, &I::INFO, input, &options).await
                }

                /// Waits for the change this request started, given the answer
                /// [`send`](Self::send) returned; the request is not sent again.
                ///
                /// # Errors
                ///
                /// As [`send_and_wait`](Self::send_and_wait).
                pub async fn wait_for(&self, output: &I::Output, options: WaitOptions) -> Result<Waited, WaitError> {
                    let input = self.to_json()?;
                    I::WAITER.wait_for(&self.client.transport, &input, output, &options).await
                }
            }
        });
    }
    Ok(out)
}

/// The operation a generic item's example shows: the first that `fits`, preferring one that
/// is not deprecated (its example would need `#[allow(deprecated)]`).
fn showcase<'p, 's>(
    plan: &'p Plan<'s>,
    fits: impl Fn(&OperationPlan<'s>) -> bool,
) -> Option<&'p OperationPlan<'s>> {
    let deprecated =
        |op: &OperationPlan<'_>| op.spec.deprecated || op.input.iter().any(|f| f.member.deprecated);
    let mut candidates = plan.operations.iter().filter(|op| fits(op));
    let first = candidates.clone().next();
    candidates.find(|op| !deprecated(op)).or(first)
}

/// The `Paged` and `Waits` impls of one operation (nothing for most).
pub(crate) fn operation_impls(
    plan: &Plan<'_>,
    op: &OperationPlan<'_>,
) -> Result<TokenStream, EmitError> {
    let input = format_ident!("{}", op.input_type());
    let mut out = TokenStream::new();
    if let Some(pagination) = &op.spec.pagination {
        // Items of several lists may be of several types.
        let item = match pagination.other_items.is_empty() {
            true => item_type(plan, op, &pagination.items),
            false => quote!(serde_json::Value),
        };
        let pages = page_info(op.spec, pagination);
        out.extend(quote! {
            impl Paged for #input {
                type Item = #item;
                const PAGES: PageInfo = #pages;
            }
        });
    }
    if waits(op) {
        let path = format!("operations.{}", op.wire);
        let mut waiter = None;
        if let Some(task) = &op.spec.task {
            if !plan.service.tasks.contains_key(&task.api) {
                return Err(error(
                    format!("{path}.task.api"),
                    format!("names the unknown task API `{}`", task.api),
                ));
            }
            let handle = &task.handle;
            let api = task_api_const(&task.api);
            waiter = Some(quote!(#api.waiter(#handle)));
        }
        if let Some(spec) = &op.spec.waiter {
            let condition = condition_waiter(plan, op.wire, spec)?;
            waiter = Some(match waiter {
                Some(task) => quote!(#task.and_until(#condition)),
                None => quote!(OperationWaiter::until(#condition)),
            });
        }
        out.extend(quote! {
            impl Waits for #input {
                const WAITER: OperationWaiter = #waiter;
            }
        });
    }
    Ok(out)
}

/// `PageInfo::new(...)...`, as `cloud_spec::transport::page_info` builds it.
fn page_info(op: &Operation, pagination: &cloud_spec::Pagination) -> TokenStream {
    let (offset, limit, items) = (&pagination.offset, &pagination.limit, &pagination.items);
    let max = Literal::u32_unsuffixed(pagination.max_page_size);
    let mut chain = quote!(PageInfo::new(#offset, #limit, #items, #max));
    match pagination.style {
        cloud_spec::PageStyle::Offset => {}
        cloud_spec::PageStyle::Page0 => chain = quote!(#chain.with_style(PageStyle::Page0)),
        cloud_spec::PageStyle::Page1 => chain = quote!(#chain.with_style(PageStyle::Page1)),
        // `with_marker` sets the style.
        cloud_spec::PageStyle::Marker => {}
    }
    if let Some(total) = &pagination.total {
        chain = quote!(#chain.with_total(#total));
    }
    if let Some(next_marker) = &pagination.next_marker {
        chain = quote!(#chain.with_marker(#next_marker));
    }
    if !pagination.other_items.is_empty() {
        let other = &pagination.other_items;
        chain = quote!(#chain.with_other_items(&[#(#other),*]));
    }
    if op.input_is_text(offset) {
        chain = quote!(#chain.with_text_offset());
    }
    if op.input_is_text(limit) {
        chain = quote!(#chain.with_text_limit());
    }
    chain
}

/// The type of one listed item: the element type of the list at `path` in the output, or
/// `serde_json::Value` when the path does not lead to a typed list.
fn item_type(plan: &Plan<'_>, op: &OperationPlan<'_>, path: &str) -> TokenStream {
    let fallback = quote!(serde_json::Value);
    let mut fields: &[FieldPlan<'_>] = &op.output;
    let mut ty: Option<&RustType> = None;
    for segment in path.split('.') {
        if let Some(current) = ty {
            match current {
                RustType::List(inner) if segment.parse::<usize>().is_ok() => {
                    ty = Some(inner);
                    continue;
                }
                RustType::Struct { spec, .. } => match plan.shapes.get(spec.as_str()) {
                    Some(ShapePlan::Struct { fields: inner, .. }) => fields = inner,
                    _ => return fallback,
                },
                _ => return fallback,
            }
        }
        match fields.iter().find(|f| f.wire == segment) {
            Some(field) => ty = Some(&field.ty),
            None => return fallback,
        }
    }
    match ty {
        Some(RustType::List(inner)) => type_tokens_in(inner, Scope::Operations),
        _ => fallback,
    }
}

/// `ConditionWaiter { ... }` of operation `wire`'s `waiter:`.
fn condition_waiter(
    plan: &Plan<'_>,
    wire: &str,
    waiter: &cloud_spec::Waiter,
) -> Result<TokenStream, EmitError> {
    let path = format!("operations.{wire}.waiter");
    let polled = input_type_of(plan, &waiter.operation, &format!("{path}.operation"))?;
    let input = waiter.input.iter().map(|(p, o)| quote!((#p, #o)));
    let mut conditions = Vec::new();
    for (i, condition) in waiter.until.iter().enumerate() {
        let when = condition
            .when
            .iter()
            .map(|(member, value)| {
                let value = scalar(value, &format!("{path}.until[{i}].when.{member}"))?;
                Ok(quote!((#member, #value)))
            })
            .collect::<Result<Vec<_>, EmitError>>()?;
        let at = &condition.path;
        let equals = scalar(&condition.equals, &format!("{path}.until[{i}].equals"))?;
        conditions.push(quote!(WaitCondition { when: &[#(#when),*], path: #at, equals: #equals }));
    }
    Ok(quote! {
        ConditionWaiter {
            operation: <#polled as Operation>::INFO,
            input: &[#(#input),*],
            until: &[#(#conditions),*],
        }
    })
}

/// The constants at the end of `src/operations.rs`: each task API, the resource, and the lists
/// of waiters and paged operations.
pub(crate) fn constants(plan: &Plan<'_>) -> Result<TokenStream, EmitError> {
    let service = plan.service;
    let mut out = TokenStream::new();
    for (key, api) in &service.tasks {
        let path = format!("tasks.{key}");
        let name = task_api_const(key);
        let polled_spec = operation_named(service, &api.operation, &format!("{path}.operation"))?;
        let polled = input_type_of(plan, &api.operation, &format!("{path}.operation"))?;
        let handle = &api.handle;
        let as_text = polled_spec.input_is_text(handle);
        let status = &api.status;
        let message = option_str(api.message.as_deref());
        let running = scalars(&api.running, &format!("{path}.running"))?;
        let succeeded = scalars(&api.succeeded, &format!("{path}.succeeded"))?;
        let failed = scalars(&api.failed, &format!("{path}.failed"))?;
        let docs = Docs::new()
            .para(format!(
                "The task API `{key}`: `{}` reports the progress of the tasks whose handles \
                 operations return. [`Client::wait_for_task`](crate::Client::wait_for_task) \
                 takes it with a handle.",
                api.operation
            ))
            .outer();
        out.extend(quote! {
            #docs
            pub const #name: TaskApi = TaskApi {
                operation: <#polled as Operation>::INFO,
                handle: #handle,
                handle_as_text: #as_text,
                status: #status,
                message: #message,
                running: #running,
                succeeded: #succeeded,
                failed: #failed,
            };
        });
    }
    if let Some(resource) = &service.resource {
        out.extend(resource_const(plan, resource)?);
    }
    let waiters: Vec<TokenStream> = plan
        .operations
        .iter()
        .filter(|op| waits(op))
        .map(|op| {
            let (wire, input) = (op.wire, format_ident!("{}", op.input_type()));
            quote!((#wire, <#input as Waits>::WAITER))
        })
        .collect();
    // Both lists exist in every crate, empty or not, so tools can always read them.
    let waits_link = if waiters.is_empty() {
        "(none in this crate)"
    } else {
        "([`Waits::WAITER`])"
    };
    let waiters_docs = Docs::new()
        .para(format!(
            "Every operation that can be waited for, by vendor name, with what it waits for \
             {waits_link}."
        ))
        .outer();
    out.extend(quote! {
        #waiters_docs
        pub const WAITERS: &[(&str, OperationWaiter)] = &[#(#waiters),*];
    });
    let paged: Vec<TokenStream> = plan
        .operations
        .iter()
        .filter(|op| op.spec.pagination.is_some())
        .map(|op| {
            let (wire, input) = (op.wire, format_ident!("{}", op.input_type()));
            quote!((#wire, <#input as Paged>::PAGES))
        })
        .collect();
    let paged_link = if paged.is_empty() {
        "(none in this crate)"
    } else {
        "([`Paged::PAGES`])"
    };
    let paged_docs = Docs::new()
        .para(format!(
            "Every paged operation, by vendor name, with how it pages {paged_link}."
        ))
        .outer();
    out.extend(quote! {
        #paged_docs
        pub const PAGINATED: &[(&str, PageInfo)] = &[#(#paged),*];
    });
    Ok(out)
}

fn resource_const(
    plan: &Plan<'_>,
    resource: &cloud_spec::Resource,
) -> Result<TokenStream, EmitError> {
    let list = &resource.list;
    let path = "resource.list.operation";
    let list_spec = operation_named(plan.service, &list.operation, path)?;
    if list_spec.pagination.is_none() {
        return Err(error(
            path,
            format!("`{}` has no pagination", list.operation),
        ));
    }
    let list_input = input_type_of(plan, &list.operation, path)?;
    let id_filter = match &list.filters.id {
        None => quote!(None),
        Some(text) => {
            let filter =
                FilterMember::parse(text).map_err(|e| error("resource.list.filters.id", e))?;
            let member = filter.member;
            let name = option_str(filter.filter_name);
            let is_list = list_spec.input_is_list(member);
            quote!(Some(ListFilter { member: #member, name: #name, list: #is_list }))
        }
    };
    let states = &resource.states;
    let running = scalars(&states.running, "resource.states.running")?;
    let isolated = scalars(&states.isolated, "resource.states.isolated")?;
    let deleted = scalars(&states.deleted, "resource.states.deleted")?;
    let failed = scalars(&states.failed, "resource.states.failed")?;
    let (name, item_id, item_status) = (&resource.name, &list.id, &list.status);
    let docs = Docs::new()
        .para(format!(
            "The service's {name}, as its state waiters see it: listed by `{}`, its id in \
             `{item_id}` and its status in `{item_status}`. See \
             [`Client::wait_until_{}_running`](crate::Client::wait_until_{}_running).",
            list.operation,
            names::snake_case(name),
            names::snake_case(name),
        ))
        .outer();
    Ok(quote! {
        #docs
        pub const RESOURCE: ResourceInfo = ResourceInfo {
            name: #name,
            list: <#list_input as Operation>::INFO,
            pages: <#list_input as Paged>::PAGES,
            id_filter: #id_filter,
            item_id: #item_id,
            item_status: #item_status,
            running: #running,
            isolated: #isolated,
            deleted: #deleted,
            failed: #failed,
        };
    })
}

/// The names of the state waiter methods on `Client`, with the state and what they wait for.
pub(crate) fn resource_methods(service: &Service) -> Vec<(String, &'static str, &'static str)> {
    let Some(resource) = &service.resource else {
        return Vec::new();
    };
    let name = names::snake_case(&resource.name);
    let mut methods = vec![
        (format!("wait_until_{name}_running"), "Running", "running"),
        (format!("wait_until_{name}_gone"), "Gone", "gone"),
    ];
    if !resource.states.isolated.is_empty() {
        methods.push((
            format!("wait_until_{name}_isolated"),
            "Isolated",
            "isolated",
        ));
    }
    methods
}

/// The `use` line of `src/client.rs` for the methods below.
pub(crate) fn client_imports(plan: &Plan<'_>) -> TokenStream {
    let service = plan.service;
    let mut names = Vec::new();
    if !service.tasks.is_empty() || service.resource.is_some() {
        names.extend([quote!(WaitError), quote!(WaitOptions), quote!(Waited)]);
    }
    if !service.tasks.is_empty() {
        names.push(quote!(TaskApi));
    }
    if service.resource.is_some() {
        names.push(quote!(ResourceState));
    }
    names.sort_by_key(ToString::to_string);
    if names.is_empty() {
        TokenStream::new()
    } else {
        quote!(use cloud_transport::wait::{#(#names),*};)
    }
}

/// `Client::wait_for_task` (when the service has task APIs) and the resource's state waiters.
pub(crate) fn client_methods(plan: &Plan<'_>) -> Result<TokenStream, EmitError> {
    let service = plan.service;
    let lib = &plan.lib_name;
    let signature =
        format!("# async fn example(client: {lib}::Client) -> Result<(), {lib}::WaitError> {{");
    let mut out = TokenStream::new();
    if let Some((key, _)) = service.tasks.first() {
        let api = task_api_const(key);
        let docs = Docs::new()
            .para(
                "Waits until the task API `api` reports the task `handle` (a `FlowId`, a \
                 `job_id`) succeeded; fails with the task's status and message if it failed.",
            )
            .lines([
                "```no_run".to_owned(),
                signature.clone(),
                format!("use {lib}::operations::{api};"),
                format!("client.wait_for_task(&{api}, 1234, Default::default()).await?;"),
                "# Ok(()) }".to_owned(),
                "```".to_owned(),
            ])
            .outer();
        out.extend(quote! {
            #docs
            pub async fn wait_for_task(&self, api: &TaskApi, handle: impl Into<serde_json::Value>, options: WaitOptions) -> Result<Waited, WaitError> {
                api.wait(&self.transport, &handle.into(), &options).await
            }
        });
    }
    if let Some(resource) = &service.resource {
        let example_id = sample_id(&resource.id_format);
        let (name, list) = (&resource.name, &resource.list.operation);
        for (method, state, what) in resource_methods(service) {
            let method_ident = format_ident!("{}", method);
            let state = format_ident!("{}", state);
            let meaning = match what {
                "running" => format!(
                    "Waits until the {name} `id` is listed by `{list}` as running; fails early \
                     when it turns isolated, deleted or failed."
                ),
                "gone" => format!(
                    "Waits until the {name} `id` is no longer listed by `{list}`, or listed as \
                     deleted."
                ),
                _ => format!(
                    "Waits until the {name} `id` is listed by `{list}` as isolated; fails early \
                     when it turns deleted or failed."
                ),
            };
            let docs = Docs::new()
                .para(format!(
                    "{meaning} The output is the listed item ([`RESOURCE`])."
                ))
                .lines([
                    "```no_run".to_owned(),
                    signature.clone(),
                    format!("client.{method}({example_id:?}, Default::default()).await?;"),
                    "# Ok(()) }".to_owned(),
                    "```".to_owned(),
                ])
                .outer();
            out.extend(quote! {
                #docs
                pub async fn #method_ident(&self, id: &str, options: WaitOptions) -> Result<Waited, WaitError> {
                    RESOURCE.wait_until(&self.transport, id, ResourceState::#state, &options).await
                }
            });
        }
    }
    Ok(out)
}

/// An id in the resource's `id_format`, for examples: placeholders filled with sample
/// characters (the format as `cloud_spec::lifecycle::parse_id_format` reads it).
fn sample_id(format: &str) -> String {
    const SAMPLE: &str = "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4";
    match parse_id_format(format) {
        Ok(parts) => parts
            .iter()
            .map(|part| match part {
                IdFormatPart::Literal(text) => text.as_str(),
                IdFormatPart::Alnum(n) | IdFormatPart::Hex(n) => &SAMPLE[..(*n).min(SAMPLE.len())],
            })
            .collect(),
        // The validator rejects such formats; an example still needs some id.
        Err(_) => format.to_owned(),
    }
}

/// The sentence an operation's method docs gain: how to wait for it, how to page through it.
pub(crate) fn method_note(op: &OperationPlan<'_>) -> Option<String> {
    let mut notes = Vec::new();
    if let Some(task) = &op.spec.task {
        let several = op
            .spec
            .output
            .get(&task.handle)
            .is_some_and(|m| matches!(m.ty, TypeExpr::List(_)));
        let (what, waits) = match several {
            true => ("tasks", "every one of the tasks it starts"),
            false => ("a task", "the task it starts"),
        };
        // With a condition too, the waiter's own paragraph names `send_and_wait`.
        notes.push(if op.spec.waiter.is_some() {
            format!("It starts {what} (`{}`).", task.handle)
        } else {
            format!(
                "[`send_and_wait`](Request::send_and_wait) waits for {waits} (`{}`).",
                task.handle
            )
        });
    }
    if let Some(pagination) = &op.spec.pagination {
        let by = match pagination.style {
            cloud_spec::PageStyle::Marker => "after the last item's ",
            _ => "",
        };
        notes.push(format!(
            "[`paginate`](Request::paginate) reads every page ({by}`{}`, {} a page).",
            pagination.offset, pagination.max_page_size
        ));
    }
    (!notes.is_empty()).then(|| notes.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_ids_fill_the_placeholders() {
        assert_eq!(sample_id("cmgo-{alnum:8}"), "cmgo-a1b2c3d4");
        assert_eq!(sample_id("{hex:4}in06"), "a1b2in06");
        assert_eq!(sample_id("{hex:64}").len(), 64);
        assert_eq!(sample_id("broken-{x"), "broken-{x");
    }
}
