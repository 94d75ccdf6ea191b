//! Waiting and paging in a generated crate: the spec's lifecycle facts (task handles and task
//! APIs, condition waiters, pagination, the resource) as `const` descriptions for
//! `cloud_transport::wait` and `cloud_transport::paginate`, and the few generic items that use
//! them.
//!
//! Per operation this is at most one small `impl` (`Paged` or `Waits`); the polling and paging
//! themselves live once, in the transport. What each description says is decided in
//! `cloud-spec` (`pages`, `waits`, `resource`: the facts in the [`Plan`]); this module only
//! spells those facts as tokens, and `cloud_spec::transport` builds the same values from them
//! for the CLI (a workspace test checks the spelling).

use cloud_spec::facts::ScalarFact;
use cloud_spec::lifecycle::{parse_id_format, IdFormatPart};
use cloud_spec::pages::{PageCounting, PageFacts};
use cloud_spec::resource::ResourceFacts;
use cloud_spec::waits::ConditionFacts;
use cloud_spec::TypeExpr;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

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
    plan.operations.iter().any(|op| op.pages.is_some())
}

/// Whether operation `op` can be waited for: it returns a task handle or has a condition waiter.
pub(crate) fn waits(op: &OperationPlan<'_>) -> bool {
    op.waiter.is_some()
}

/// Whether operation `op` has a condition waiter.
fn has_condition(op: &OperationPlan<'_>) -> bool {
    op.waiter.as_ref().is_some_and(|w| w.until.is_some())
}

/// Whether the crate has any operation that can be waited for.
pub(crate) fn has_waits(plan: &Plan<'_>) -> bool {
    plan.operations.iter().any(waits)
}

/// Whether the crate uses the wait types at all (operation waiters or resource waiters).
pub(crate) fn uses_wait(plan: &Plan<'_>) -> bool {
    has_waits(plan) || plan.resource.is_some() || !plan.task_apis.is_empty()
}

/// The constant of task API `key`: `TASK_API_ASYNC_REQUEST`.
fn task_api_const(key: &str) -> proc_macro2::Ident {
    format_ident!("TASK_API_{}", names::constant_case(key))
}

/// The generated input type of the operation named `wire` (one the facts name, so it exists).
fn input_type_of(plan: &Plan<'_>, wire: &str) -> Result<proc_macro2::Ident, EmitError> {
    plan.operations
        .iter()
        .find(|op| op.wire == wire)
        .map(|op| format_ident!("{}", op.input_type()))
        .ok_or_else(|| error(format!("operations.{wire}"), "is not planned"))
}

/// A `Scalar` expression.
fn scalar(value: ScalarFact<'_>) -> TokenStream {
    match value {
        ScalarFact::Str(s) => quote!(Scalar::Str(#s)),
        ScalarFact::Bool(b) => quote!(Scalar::Bool(#b)),
        ScalarFact::Int(i) if i < 0 => {
            let lit = Literal::u64_unsuffixed(i.unsigned_abs());
            quote!(Scalar::Int(-#lit))
        }
        ScalarFact::Int(i) => {
            let lit = Literal::i64_unsuffixed(i);
            quote!(Scalar::Int(#lit))
        }
    }
}

fn scalars(values: &[ScalarFact<'_>]) -> TokenStream {
    let items = values.iter().copied().map(scalar);
    quote!(&[#(#items),*])
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
            op.pages
                .as_ref()
                .is_some_and(|p| matches!(p.counting, PageCounting::Page0 | PageCounting::Page1))
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
        if plan.operations.iter().any(has_condition) {
            wait.extend([quote!(ConditionWaiter), quote!(WaitCondition)]);
        }
    }
    if !plan.task_apis.is_empty() {
        wait.push(quote!(TaskApi));
    }
    if let Some(resource) = &plan.resource {
        wait.push(quote!(ResourceInfo));
        if resource.id_filter.is_some() {
            wait.push(quote!(ListFilter));
        }
    }
    if !plan.task_apis.is_empty()
        || plan.resource.is_some()
        || plan.operations.iter().any(has_condition)
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
    if let Some(op) = showcase(plan, |op| op.pages.is_some()) {
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
    if let Some(pages) = &op.pages {
        // Items of several lists may be of several types.
        let item = match pages.other_items.is_empty() {
            true => item_type(plan, op, pages.items),
            false => quote!(serde_json::Value),
        };
        let pages = page_info(pages);
        out.extend(quote! {
            impl Paged for #input {
                type Item = #item;
                const PAGES: PageInfo = #pages;
            }
        });
    }
    if let Some(facts) = &op.waiter {
        let mut waiter = None;
        if let Some(task) = &facts.task {
            let handle = task.handle;
            let api = task_api_const(task.api.key);
            waiter = Some(quote!(#api.waiter(#handle)));
        }
        if let Some(until) = &facts.until {
            let condition = condition_waiter(plan, until)?;
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

/// `PageInfo::new(...)...`, spelling [`PageFacts`].
fn page_info(facts: &PageFacts<'_>) -> TokenStream {
    let (offset, limit, items) = (facts.offset, facts.limit, facts.items);
    let max = Literal::u32_unsuffixed(facts.max_page_size);
    let mut chain = quote!(PageInfo::new(#offset, #limit, #items, #max));
    match facts.counting {
        PageCounting::Page0 => chain = quote!(#chain.with_style(PageStyle::Page0)),
        PageCounting::Page1 => chain = quote!(#chain.with_style(PageStyle::Page1)),
        // `with_marker` (below) sets the style.
        PageCounting::Items | PageCounting::Marker { .. } => {}
    }
    if let Some(total) = facts.total {
        chain = quote!(#chain.with_total(#total));
    }
    if let PageCounting::Marker { next_marker } = facts.counting {
        chain = quote!(#chain.with_marker(#next_marker));
    }
    if !facts.other_items.is_empty() {
        let other = facts.other_items;
        chain = quote!(#chain.with_other_items(&[#(#other),*]));
    }
    if facts.offset_as_text {
        chain = quote!(#chain.with_text_offset());
    }
    if facts.limit_as_text {
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

/// `ConditionWaiter { ... }`, spelling [`ConditionFacts`].
fn condition_waiter(plan: &Plan<'_>, facts: &ConditionFacts<'_>) -> Result<TokenStream, EmitError> {
    let polled = input_type_of(plan, facts.operation.name)?;
    let input = facts.input.iter().map(|(p, o)| quote!((#p, #o)));
    let conditions = facts.until.iter().map(|condition| {
        let when = condition.when.iter().map(|(member, value)| {
            let value = scalar(*value);
            quote!((#member, #value))
        });
        let (at, equals) = (condition.path, scalar(condition.equals));
        quote!(WaitCondition { when: &[#(#when),*], path: #at, equals: #equals })
    });
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
    let mut out = TokenStream::new();
    for api in &plan.task_apis {
        let name = task_api_const(api.key);
        let polled = input_type_of(plan, api.operation.name)?;
        let (handle, as_text, status) = (api.handle, api.handle_as_text, api.status);
        let message = option_str(api.message);
        let running = scalars(&api.running);
        let succeeded = scalars(&api.succeeded);
        let failed = scalars(&api.failed);
        let docs = Docs::new()
            .para(format!(
                "The task API `{}`: `{}` reports the progress of the tasks whose handles \
                 operations return. [`Client::wait_for_task`](crate::Client::wait_for_task) \
                 takes it with a handle.",
                api.key, api.operation.name
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
    if let Some(resource) = &plan.resource {
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
        .filter(|op| op.pages.is_some())
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

/// `RESOURCE`, spelling [`ResourceFacts`].
fn resource_const(plan: &Plan<'_>, facts: &ResourceFacts<'_>) -> Result<TokenStream, EmitError> {
    let list_input = input_type_of(plan, facts.list.name)?;
    let id_filter = match facts.id_filter {
        None => quote!(None),
        Some(filter) => {
            let (member, is_list) = (filter.member, filter.list);
            let name = option_str(filter.name);
            quote!(Some(ListFilter { member: #member, name: #name, list: #is_list }))
        }
    };
    let running = scalars(&facts.running);
    let isolated = scalars(&facts.isolated);
    let deleted = scalars(&facts.deleted);
    let failed = scalars(&facts.failed);
    let (name, item_id, item_status) = (facts.name, facts.item_id, facts.item_status);
    let docs = Docs::new()
        .para(format!(
            "The service's {name}, as its state waiters see it: listed by `{}`, its id in \
             `{item_id}` and its status in `{item_status}`. See \
             [`Client::wait_until_{}_running`](crate::Client::wait_until_{}_running).",
            facts.list.name,
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
pub(crate) fn resource_methods(plan: &Plan<'_>) -> Vec<(String, &'static str, &'static str)> {
    let Some(resource) = &plan.resource else {
        return Vec::new();
    };
    let name = names::snake_case(resource.name);
    let mut methods = vec![
        (format!("wait_until_{name}_running"), "Running", "running"),
        (format!("wait_until_{name}_gone"), "Gone", "gone"),
    ];
    if !resource.isolated.is_empty() {
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
    let mut names = Vec::new();
    if !plan.task_apis.is_empty() || plan.resource.is_some() {
        names.extend([quote!(WaitError), quote!(WaitOptions), quote!(Waited)]);
    }
    if !plan.task_apis.is_empty() {
        names.push(quote!(TaskApi));
    }
    if plan.resource.is_some() {
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
    if let Some(first) = plan.task_apis.first() {
        let api = task_api_const(first.key);
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
    if let (Some(resource), Some(spec)) = (&plan.resource, &service.resource) {
        let example_id = sample_id(&spec.id_format);
        let (name, list) = (resource.name, resource.list.name);
        for (method, state, what) in resource_methods(plan) {
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
    if let Some(task) = op.waiter.as_ref().and_then(|w| w.task.as_ref()) {
        let several = op
            .spec
            .output
            .get(task.handle)
            .is_some_and(|m| matches!(m.ty, TypeExpr::List(_)));
        let (what, waits) = match several {
            true => ("tasks", "every one of the tasks it starts"),
            false => ("a task", "the task it starts"),
        };
        // With a condition too, the waiter's own paragraph names `send_and_wait`.
        notes.push(if has_condition(op) {
            format!("It starts {what} (`{}`).", task.handle)
        } else {
            format!(
                "[`send_and_wait`](Request::send_and_wait) waits for {waits} (`{}`).",
                task.handle
            )
        });
    }
    if let Some(pages) = &op.pages {
        let by = match pages.counting {
            PageCounting::Marker { .. } => "after the last item's ",
            _ => "",
        };
        notes.push(format!(
            "[`paginate`](Request::paginate) reads every page ({by}`{}`, {} a page).",
            pages.offset, pages.max_page_size
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
