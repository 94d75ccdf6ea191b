//! The crate around the operations: `Cargo.toml`, `README.md`, `src/lib.rs`, `src/client.rs`,
//! `src/operations.rs` (the operations' module and the shared request type around them), `src/types.rs`
//! and `src/error_codes.rs`.

use cloud_spec::Vendor;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::doc_example;
use super::docs::{self, Docs};
use super::plan::Plan;
use super::EmitError;
use crate::GENERATED_NOTICE;

fn vendor_name(vendor: Vendor) -> (&'static str, &'static str) {
    match vendor {
        Vendor::Tencent => ("Tencent Cloud", "tencent"),
        Vendor::Huawei => ("Huawei Cloud", "huawei"),
    }
}

/// One line saying what the crate is.
fn tagline(plan: &Plan<'_>) -> String {
    let (vendor, _) = vendor_name(plan.service.vendor);
    format!(
        "Typed async client for {} ({vendor} API `{}`), generated from its API description.",
        plan.service.title, plan.service.version
    )
}

/// Where to report a wrong description.
const ISSUES_URL: &str = "https://github.com/cloudcall/cloudcall/issues";

/// For Huawei crates: where the English of the docs comes from, and how to report a wrong one.
/// Huawei publishes the machine-readable descriptions (SDK, Swagger) in Chinese only; the
/// importer puts them into English from the service's translation memory.
fn translation_note(plan: &Plan<'_>) -> Option<(&'static str, String)> {
    if plan.service.vendor != Vendor::Huawei {
        return None;
    }
    let memory = format!("specs/overlays/huawei/{}.en.yaml", plan.service.name);
    Some((
        "About the English documentation",
        format!(
            "Huawei Cloud publishes the machine-readable description of this API (its SDK and \
             Swagger files) in Chinese only. The English descriptions of operations, members and \
             values here are the cloudcall project's own translation of those Chinese texts, \
             kept in `{memory}` in the cloudcall repository; a few come from Huawei's English API \
             pages. Names of operations, members, values and error codes are the vendor's. If a \
             description looks wrong or unclear, compare it with Huawei's API reference and \
             report it at <{ISSUES_URL}>, naming the operation and member (for example \
             `SwitchSsl`, `ssl_option`); the fix goes into the translation memory and reaches \
             the crate with the next import."
        ),
    ))
}

fn toml_string(s: &str) -> String {
    // A TOML basic string is a JSON string minus a few escapes JSON never produces here.
    serde_json::Value::from(s).to_string()
}

pub(crate) fn cargo_toml(plan: &Plan<'_>, version: &str) -> String {
    let (vendor, feature) = vendor_name(plan.service.vendor);
    let description = format!(
        "Typed async Rust client for {} ({vendor} API {}), generated from its API description.",
        plan.service.title, plan.service.version
    );
    let keywords = [
        format!("{feature}cloud"),
        plan.service.name.clone(),
        "cloud".to_owned(),
        "sdk".to_owned(),
        "api".to_owned(),
    ];
    let mut unique: Vec<String> = Vec::new();
    for k in keywords {
        if !unique.contains(&k) && k.len() <= 20 {
            unique.push(k);
        }
    }
    let keywords: Vec<String> = unique.iter().map(|k| toml_string(k)).collect();
    format!(
        r#"# {GENERATED_NOTICE}
[package]
name = "{name}"
description = {description}
# Set by `cargo xtask release apply` (through the workspace's requirement on this crate).
version = "{version}"
# Edition 2024 compiles all doctests of the crate as one program (an example per operation).
edition = "2024"
rust-version.workspace = true
license.workspace = true
repository.workspace = true
documentation = "https://docs.rs/{name}"
readme = "README.md"
# What users need: the sources, the README, the changelog and the licenses (no tests).
include = ["src/**/*.rs", "README.md", "CHANGELOG.md", "LICENSE-*"]
keywords = [{keywords}]
categories = ["api-bindings", "web-programming::http-client"]

# docs.rs documents every feature.
[package.metadata.docs.rs]
all-features = true

[features]
# TLS through the platform's native library (OpenSSL, Secure Transport, SChannel) instead of rustls.
native-tls = ["cloud-transport/native-tls"]

[dependencies]
cloud-transport = {{ workspace = true, features = ["{feature}", "rustls"] }}
serde.workspace = true
serde_json.workspace = true

[dev-dependencies]
# The checks of the generated tests (tests/examples.rs).
cloud-transport = {{ workspace = true, features = ["test-util"] }}
tokio = {{ workspace = true, features = ["macros", "rt-multi-thread"] }}
"#,
        name = plan.crate_name,
        description = toml_string(&description),
        keywords = keywords.join(", "),
        version = toml_string(version).trim_matches('"'),
    )
}

pub(crate) fn readme(plan: &Plan<'_>) -> Result<String, EmitError> {
    let name = &plan.crate_name;
    let mut lines = vec![
        format!("<!-- {GENERATED_NOTICE} -->"),
        String::new(),
        format!("# {name}"),
        String::new(),
    ];
    let intro = Docs::new()
        .para(tagline(plan))
        .vendor(&plan.service.docs)
        .lines(["## Usage".to_owned()])
        .lines([
            "```sh".to_owned(),
            format!("cargo add {name}"),
            "cargo add tokio --features macros,rt-multi-thread".to_owned(),
            "```".to_owned(),
        ]);
    lines.extend(intro.into_lines());
    lines.push(String::new());
    lines.push("```rust,no_run".to_owned());
    lines.extend(doc_example::crate_example(plan)?);
    lines.push("```".to_owned());
    lines.push(String::new());
    lines.push("## Operations".to_owned());
    lines.push(String::new());
    lines.push("| Operation | Method | What it does |".to_owned());
    lines.push("|---|---|---|".to_owned());
    for op in &plan.operations {
        lines.push(format!(
            "| `{}` | `{}` | {} |",
            op.wire,
            op.method,
            docs::summary(&op.spec.docs)
        ));
    }
    let mut rest = Docs::new();
    if let Some((title, text)) = translation_note(plan) {
        rest = rest.lines([format!("## {title}")]).para(text);
    }
    let rest = rest
        .lines(["## Errors"])
        .para(format!(
            "Every call returns `{lib}::Result`. An `Error` says what kind of failure it is \
             (`ErrorKind`) and, for service errors, carries the code, the message and the request \
             id; it prints as `Code: message (request id ...)`. The codes the docs list are \
             constants in `{lib}::error_codes`.",
            lib = plan.lib_name
        ))
        .lines(["## Cargo features"])
        .para(
            "TLS goes through rustls with the webpki roots. Enable `native-tls` to use the \
             platform's TLS library instead.",
        )
        .lines(["## License"])
        .para("MIT OR Apache-2.0.");
    lines.push(String::new());
    lines.extend(rest.into_lines());
    let mut text = lines.join("\n");
    text.push('\n');
    Ok(text)
}

pub(crate) fn lib_rs(plan: &Plan<'_>) -> Result<TokenStream, EmitError> {
    let mut example = vec!["```no_run".to_owned()];
    example.extend(doc_example::crate_example(plan)?);
    example.push("```".to_owned());
    let mut table = vec![
        "| Operation | Method | What it does |".to_owned(),
        "|---|---|---|".to_owned(),
    ];
    for op in &plan.operations {
        table.push(format!(
            "| `{}` | [`Client::{}`] | {} |",
            op.wire,
            op.method,
            docs::summary(&op.spec.docs)
        ));
    }
    let mut docs = Docs::new()
        .para(tagline(plan))
        .vendor(&plan.service.docs)
        .heading("Example")
        .lines(example)
        .heading("Operations")
        .lines(table)
        .para(
            "Each method returns a request builder: set the members, then `.send().await`. \
             [`operations`] holds each operation's input and output, and the builder they share, \
             [`Request`](operations::Request).",
        );
    if let Some(text) = lifecycle_docs(plan) {
        docs = docs.heading("Waiting and paging").para(text);
    }
    if has_secrets(plan) {
        docs = docs.para(
            "Members that hold secrets (passwords, keys) are sent and received as they are, but \
             print as `***` in `Debug` output, so that logging a request or a response does not \
             leak them.",
        );
    }
    if let Some((title, text)) = translation_note(plan) {
        docs = docs.heading(title).para(text);
    }
    let docs = docs
        .heading("Errors")
        .para(
            "Every call returns [`Result`]. An [`Error`] says what kind of failure it is \
             ([`ErrorKind`]) and, for service errors, carries the code, the message and the \
             request id. The codes the docs list are constants in [`error_codes`].",
        )
        .heading("Cargo features")
        .para(
            "TLS goes through rustls with the webpki roots. Enable `native-tls` to use the \
             platform's TLS library instead.",
        )
        .inner();
    let mut reexports = TokenStream::new();
    if super::lifecycle::uses_wait(plan) {
        reexports.extend(quote!(
            pub use cloud_transport::wait::{Completed, WaitError, WaitOptions, WaitProgress, Waited};
        ));
    }
    if super::lifecycle::has_pages(plan) {
        reexports.extend(quote!(
            pub use cloud_transport::paginate::{Items, Paginator};
        ));
    }
    let types_mod = if has_types(plan) {
        quote! {
            #[rustfmt::skip]
            pub mod types;
        }
    } else {
        TokenStream::new()
    };
    Ok(quote! {
        #docs
        #![forbid(unsafe_code)]
        #![warn(missing_docs)]

        pub use client::{Client, SERVICE};
        pub use cloud_transport::{Config, Credentials, Error, ErrorKind, Result};
        #reexports

        // Generated modules are formatted by the generator, never by rustfmt.
        #[rustfmt::skip]
        mod client;
        #[rustfmt::skip]
        pub mod error_codes;
        #[rustfmt::skip]
        pub mod operations;
        #types_mod

        /// Compiles the README's example as a doctest.
        #[doc = include_str!("../README.md")]
        #[cfg(doctest)]
        pub struct ReadmeDoctests;
    })
}

/// What the crate docs say about waiters and paginators, when the crate has any.
fn lifecycle_docs(plan: &Plan<'_>) -> Option<String> {
    let mut parts = Vec::new();
    if super::lifecycle::has_waits(plan) {
        parts.push(
            "Operations that start an asynchronous change (see [`operations::WAITERS`]) can be \
             sent with [`send_and_wait`](operations::Request::send_and_wait), which follows the \
             task they start and the change they make until it has finished."
                .to_owned(),
        );
    }
    if let (Some(resource), Some((running, _, _))) = (
        &plan.resource,
        super::lifecycle::resource_methods(plan).first(),
    ) {
        parts.push(format!(
            "[`Client::{running}`] and its siblings wait for one {} to reach a state.",
            resource.name
        ));
    }
    if super::lifecycle::has_pages(plan) {
        parts.push(
            "Paged list operations (see [`operations::PAGINATED`]) read every page or every item \
             with [`paginate`](operations::Request::paginate), as async iterators and `Stream`s."
                .to_owned(),
        );
    }
    if parts.is_empty() {
        return None;
    }
    parts.push(
        "Every wait has a deadline ([`WaitOptions`]) and ends with [`Waited`] or a [`WaitError`] \
         that tells a failed task from a timeout."
            .to_owned(),
    );
    if !super::lifecycle::uses_wait(plan) {
        parts.pop();
    }
    Some(parts.join(" "))
}

/// Whether any input, output or structure has a secret member.
fn has_secrets(plan: &Plan<'_>) -> bool {
    let shape_fields = plan.shapes.values().flat_map(|s| match s {
        super::plan::ShapePlan::Struct { fields, .. } => fields.as_slice(),
        super::plan::ShapePlan::Enum { .. } => &[],
    });
    plan.operations
        .iter()
        .flat_map(|op| op.input.iter().chain(&op.output))
        .chain(shape_fields)
        .any(|f| f.member.sensitive)
}

/// Whether the crate has a `types` module: shapes, or `Timestamp` to re-export.
pub(crate) fn has_types(plan: &Plan<'_>) -> bool {
    !plan.shapes.is_empty() || super::shapes::plan_uses_timestamp(plan)
}

pub(crate) fn client_rs(plan: &Plan<'_>) -> Result<TokenStream, EmitError> {
    let service = plan.service;
    let title = &service.title;
    let vendor = match service.vendor {
        Vendor::Tencent => quote!(Vendor::Tencent),
        Vendor::Huawei => quote!(Vendor::Huawei),
    };
    let service_name = &service.service;
    let version = &service.version;
    let option = |v: &Option<String>| match v {
        Some(s) => quote!(Some(#s)),
        None => quote!(None),
    };
    let global = option(&service.endpoint.global);
    let regional = &service.endpoint.regional;
    let international = option(&service.endpoint.international);
    let region_required = service.endpoint.region_required;
    let overrides = service
        .endpoint
        .region_overrides
        .iter()
        .map(|(region, host)| quote!((#region, #host)));
    let module_docs = Docs::new()
        .para(format!(
            "The [`Client`] of {title}, one method per operation, and the [`SERVICE`] it calls."
        ))
        .inner();
    let service_docs = Docs::new()
        .para(format!(
            "{title} as the transport sees it: vendor, service name, API version and endpoints."
        ))
        .outer();
    let client_docs = Docs::new()
        .para(format!("A client for {title}."))
        .para(
            "Cheap to clone: clones share connections and cached credentials. Each operation is a \
             method that returns a request builder; see the [crate docs](crate) for the list.",
        )
        .outer();
    let methods = plan
        .operations
        .iter()
        .map(|op| super::operation::client_method(plan, op))
        .collect::<Result<Vec<_>, _>>()?;
    let mut own_methods = super::lifecycle::resource_methods(plan)
        .into_iter()
        .map(|(name, _, _)| name)
        .collect::<Vec<_>>();
    if !plan.task_apis.is_empty() {
        own_methods.push("wait_for_task".to_owned());
    }
    if let Some(op) = plan
        .operations
        .iter()
        .find(|op| own_methods.contains(&op.method))
    {
        return Err(EmitError {
            path: format!("operations.{}", op.wire),
            message: format!(
                "operation `{}` would be the client method `{}`, which a waiter of the service takes",
                op.wire, op.method
            ),
        });
    }
    let lifecycle_uses = super::lifecycle::client_imports(plan);
    let lifecycle_methods = super::lifecycle::client_methods(plan)?;
    Ok(quote! {
        #module_docs

        use cloud_transport::{Config, EndpointRules, ServiceInfo, Vendor};
        #lifecycle_uses

        use crate::operations::*;

        #service_docs
        pub const SERVICE: ServiceInfo = ServiceInfo {
            vendor: #vendor,
            service: #service_name,
            version: #version,
            endpoint: EndpointRules {
                global: #global,
                regional: #regional,
                international: #international,
                region_overrides: &[#(#overrides),*],
                region_required: #region_required,
            },
            sdk_name: env!("CARGO_PKG_NAME"),
            sdk_version: env!("CARGO_PKG_VERSION"),
        };

        #client_docs
        #[derive(Debug, Clone)]
        pub struct Client {
            pub(crate) transport: cloud_transport::Client,
        }

        impl Client {
            /// A client with `config`: region, credentials, endpoint, timeouts and retries.
            pub fn new(config: Config) -> Self {
                Client {
                    transport: cloud_transport::Client::new(&SERVICE, config),
                }
            }

            /// The configuration this client was built with.
            pub fn config(&self) -> &Config {
                self.transport.config()
            }

            #(#methods)*

            #lifecycle_methods
        }
    })
}

/// `src/operations.rs`: what every operation shares (the `Operation` trait, the `Request`
/// builder), then each operation's items.
pub(crate) fn operations_rs(plan: &Plan<'_>) -> Result<TokenStream, EmitError> {
    let title = &plan.service.title;
    let docs = Docs::new()
        .para(format!(
            "The operations of {title}: for each, its input (`<Operation>Input`), how it is called \
             (its [`Operation`] impl) and its output (`<Operation>Output`). Inputs and outputs are \
             `#[non_exhaustive]`: to build an output in tests, start from `Default::default()` and \
             set its public fields."
        ))
        .para(
            "Every operation's builder is a [`Request`] of its input: set members with the \
             operation's setters, then [`build`](Request::build) the input or, when a \
             [`Client`] method made the request, [`send`](Request::send) it.",
        )
        .inner();
    let items = plan
        .operations
        .iter()
        .map(|op| super::operation::operation_items(plan, op))
        .collect::<Result<Vec<_>, _>>()?;
    let lifecycle_uses = super::lifecycle::operations_imports(plan);
    let lifecycle_prelude = super::lifecycle::prelude(plan)?;
    let lifecycle_constants = super::lifecycle::constants(plan)?;
    let inputs = plan
        .operations
        .iter()
        .map(|op| format_ident!("{}", op.input_type()));
    let example = plan.operations.first().map_or(String::new(), |op| {
        format!(" (`Request<{}, C>` for `{}`)", op.input_type(), op.wire)
    });
    let request_docs = Docs::new()
        .para(format!(
            "A request being built: the builder of every operation{example}. Each operation's \
             setters are in its own `impl` block below."
        ))
        .para(
            "From a [`Client`] method (`C = Client`, the default), it can [`send`](Self::send) \
             itself; from [`Operation::builder`] (`C = ()`), it can only \
             [`build`](Self::build) the input.",
        )
        .outer();
    let config_override_docs = config_override_docs(plan);
    let fields = || {
        plan.operations
            .iter()
            .flat_map(|op| op.input.iter().chain(&op.output))
    };
    let btree_map = if fields().any(|f| f.ty.uses_map()) {
        quote!(
            use std::collections::BTreeMap;
        )
    } else {
        TokenStream::new()
    };
    // Inputs and outputs with secret members write their own `Debug`.
    let fmt = if fields().any(|f| f.member.sensitive) {
        quote!(
            use std::fmt;
        )
    } else {
        TokenStream::new()
    };
    let transport = if plan
        .operations
        .iter()
        .any(|op| op.call.http.as_ref().is_some_and(|h| !h.params.is_empty()))
    {
        quote!(
            use cloud_transport::{OperationInfo, ParamLocation, Result};
        )
    } else {
        quote!(
            use cloud_transport::{OperationInfo, Result};
        )
    };
    let crate_uses = if has_types(plan) {
        quote!(
            use crate::{types, Client};
        )
    } else {
        quote!(
            use crate::Client;
        )
    };
    Ok(quote! {
        #docs

        #btree_map
        #fmt
        #lifecycle_uses
        #transport
        use serde::de::DeserializeOwned;
        use serde::{Deserialize, Serialize};
        use serde_json::Value;

        #crate_uses

        /// An operation, as its input knows it: how it is called and what it answers.
        /// Implemented by every `<Operation>Input` of this crate.
        pub trait Operation: Serialize {
            /// The response.
            type Output: DeserializeOwned;
            /// How the operation is called: name, REST binding, whether it may be retried.
            const INFO: OperationInfo;
            /// Wire names of the members that must be set.
            const REQUIRED: &'static [&'static str] = &[];

            /// Starts building the input (`<Operation>Input::builder()`, with this trait in
            /// scope): a [`Request`] that can only [`build`](Request::build) it.
            fn builder() -> Request<Self, ()>
            where
                Self: Default,
            {
                Request::default()
            }
        }

        #request_docs
        #[derive(Debug, Clone, Default)]
        #[must_use = "a request does nothing until it is built or sent"]
        pub struct Request<I, C = Client> {
            client: C,
            input: I,
        }

        impl<I: Default> Request<I, Client> {
            /// An empty request that `client` will send.
            pub(crate) fn new(client: Client) -> Self {
                Request {
                    client,
                    input: I::default(),
                }
            }
        }

        impl<I: Operation, C> Request<I, C> {
            /// Checks that the required members are set and returns the input.
            ///
            /// # Errors
            ///
            /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) naming the first
            /// required member that is not set.
            pub fn build(self) -> Result<I> {
                cloud_transport::codec::request_json(&self.input, I::INFO.name, I::REQUIRED)?;
                Ok(self.input)
            }

            /// The input as the JSON object [`send`](Self::send) passes on, members by wire name
            /// and absent members left out (for REST operations, the transport then moves path,
            /// query and header members out of it).
            ///
            /// # Errors
            ///
            /// As [`build`](Self::build).
            pub fn to_json(&self) -> Result<Value> {
                cloud_transport::codec::request_json(&self.input, I::INFO.name, I::REQUIRED)
            }
        }

        impl<I: Operation> Request<I, Client> {
            #config_override_docs
            pub fn config_override(
                mut self,
                change: impl FnOnce(crate::Config) -> Result<crate::Config>,
            ) -> Result<Self> {
                self.client = Client::new(change(self.client.config().clone())?);
                Ok(self)
            }

            /// Sends the request and waits for the response.
            ///
            /// # Errors
            ///
            /// A required member that is not set fails with
            /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) before anything is
            /// sent; the rest is [`cloud_transport::Client::call`]'s.
            pub async fn send(self) -> Result<I::Output> {
                let input = cloud_transport::codec::request_json(&self.input, I::INFO.name, I::REQUIRED)?;
                self.client.transport.call(&I::INFO, &input).await
            }
        }

        #lifecycle_prelude

        #(#items)*

        /// Every operation's call description ([`Operation::INFO`]), in the spec's order: for
        /// tools that list the operations or check them against the spec.
        pub const ALL: &[OperationInfo] = &[#(<#inputs as Operation>::INFO),*];

        #lifecycle_constants
    })
}

/// The docs of `Request::config_override`, with an example on the crate's first operation.
fn config_override_docs(plan: &Plan<'_>) -> TokenStream {
    let lib = &plan.lib_name;
    let method = plan
        .operations
        .first()
        .map_or("operation", |op| op.method.as_str());
    Docs::new()
        .para(
            "This request with its own configuration, for this call only: another deadline, \
             timeout per attempt, retry settings or retry policy (the client and its other \
             requests keep theirs). `change` gets a copy of the client's configuration; \
             connections and cached credentials stay shared.",
        )
        .lines([
            "```no_run".to_owned(),
            format!("# async fn example(client: {lib}::Client) -> {lib}::Result<()> {{"),
            "use std::time::Duration;".to_owned(),
            format!("let request = client.{method}().config_override(|config| {{"),
            "    config.with_operation_timeout(Duration::from_secs(5))".to_owned(),
            "})?;".to_owned(),
            "# Ok(()) }".to_owned(),
            "```".to_owned(),
        ])
        .heading("Errors")
        .para(
            "What `change` returns: a setting out of range is \
             [`ErrorKind::InvalidConfig`](crate::ErrorKind::InvalidConfig).",
        )
        .outer()
}

pub(crate) fn error_codes_rs(plan: &Plan<'_>) -> TokenStream {
    let title = &plan.service.title;
    let lib = &plan.lib_name;
    let mut docs = Docs::new()
        .para(format!(
            "The error codes {title} documents, to compare with [`Error::code`](crate::Error::code) \
             or [`Error::is_code`](crate::Error::is_code)."
        ))
        .para(
            "They are string constants rather than an enum on purpose: services add codes all the \
             time, and a code this crate does not know yet must never break your build or your \
             `match`.",
        );
    if let Some(first) = doc_example::example_error(plan) {
        docs = docs.lines([
            "```".to_owned(),
            format!("use {lib}::{{error_codes, Error}};"),
            String::new(),
            "fn explain(err: &Error) -> &'static str {".to_owned(),
            format!("    if err.is_code(error_codes::{}) {{", first.0),
            format!("        {:?}", first.1),
            "    } else {".to_owned(),
            "        \"something else\"".to_owned(),
            "    }".to_owned(),
            "}".to_owned(),
            "```".to_owned(),
        ]);
        docs = docs.heading("By operation");
        let mut lines = Vec::new();
        for op in &plan.operations {
            if op.error_constants.is_empty() {
                continue;
            }
            let links: Vec<String> = op
                .error_constants
                .iter()
                .map(|c| format!("[`{c}`]"))
                .collect();
            lines.extend(docs::wrap(
                &format!(
                    "[`{}`](crate::Client::{}): {}.",
                    op.wire,
                    op.method,
                    links.join(", ")
                ),
                "- ",
                "  ",
            ));
        }
        if plan.error_codes.iter().any(|c| c.common) {
            lines.push("- Any operation: the codes marked *any operation* below.".to_owned());
        }
        docs = docs.lines(lines);
    } else {
        docs = docs.para(
            "The docs list no codes for this service's operations; compare \
             [`Error::code`](crate::Error::code) with the codes the vendor's error-code page gives.",
        );
    }
    let docs = docs.inner();
    let constants = plan.error_codes.iter().map(|c| {
        let name = format_ident!("{}", c.name);
        let code = c.code;
        let mut facts = Vec::new();
        if let Some(status) = c.http_status {
            facts.push(format!("HTTP {status}"));
        }
        if c.common {
            facts.push("any operation".to_owned());
        }
        let facts = if facts.is_empty() {
            String::new()
        } else {
            format!(" ({})", facts.join("; "))
        };
        // One paragraph: the code, what the vendor says about it, and the facts.
        let vendor = docs::sanitize(c.docs);
        let one_paragraph = !vendor
            .iter()
            .any(|l| l.is_empty() || l.starts_with(['|', '#', '`', '-', '*', '+']));
        let item_docs = if one_paragraph {
            let text = vendor.join(" ");
            let text = text.trim_end_matches('.');
            if text.is_empty() {
                Docs::new().para(format!("`{code}`{facts}."))
            } else {
                Docs::new().para(format!("`{code}`{facts}: {text}."))
            }
        } else {
            Docs::new().para(format!("`{code}`{facts}:")).vendor(c.docs)
        }
        .outer();
        quote! {
            #item_docs
            pub const #name: &str = #code;
        }
    });
    quote! {
        #docs
        #(#constants)*
    }
}
