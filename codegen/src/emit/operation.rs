//! One operation's code: its items in `src/operations.rs` (input, setters, how it is called,
//! output) and its method on `Client`.
//!
//! Everything an operation shares with the others lives once: building, checking and sending
//! a request in `operations::Request`, the call itself in `cloud_transport::Client::call`. Per
//! operation, the code only says what to send and what comes back.

use cloud_spec::call::ParamPlace;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use super::docs::Docs;
use super::fields::{debug_impl, deprecated, derive_debug, setter_param, struct_field, RenameRule};
use super::plan::{FieldPlan, OperationPlan, Plan, RustType};
use super::values::{Mode, Scope, Values};
use super::{doc_example, EmitError};

/// An operation's items in `src/operations.rs`: its input, `Operation` impl (how
/// it is called, its output, its required members), setters, and output.
pub(crate) fn operation_items(
    plan: &Plan<'_>,
    op: &OperationPlan<'_>,
) -> Result<TokenStream, EmitError> {
    let vendor = plan.service.vendor;
    let wire = op.wire;
    let input = format_ident!("{}", op.input_type());
    let output = format_ident!("{}", op.output_type());
    let rule = RenameRule::for_fields(&op.input);
    let container = rule.container_attr();
    let fields = op
        .input
        .iter()
        .map(|f| struct_field(vendor, f, rule, false, Scope::Operations));
    let setters = op.input.iter().map(|field| setter(op, field));
    let required: Vec<&str> = op
        .input
        .iter()
        .filter(|f| f.member.required)
        .map(|f| f.wire)
        .collect();
    let required = if required.is_empty() {
        TokenStream::new()
    } else {
        quote!(const REQUIRED: &'static [&'static str] = &[#(#required),*];)
    };
    let info = operation_info(op);
    let input_docs = Docs::new()
        .para(format!("The request of `{wire}`."))
        .outer();
    let allow = if op.input.iter().any(|f| f.member.deprecated) {
        quote!(#[allow(deprecated)])
    } else {
        TokenStream::new()
    };
    let setters_impl = if op.input.is_empty() {
        TokenStream::new()
    } else {
        quote! {
            #allow
            impl<C> Request<#input, C> {
                #(#setters)*
            }
        }
    };
    let output_item = output_item(plan, op);
    let debug = derive_debug(&op.input);
    let debug_impl = debug_impl(&op.input_type(), &op.input);
    let lifecycle = super::lifecycle::operation_impls(plan, op)?;
    Ok(quote! {
        #input_docs
        #[derive(#debug Clone, Default, PartialEq, Serialize)]
        #container
        #[non_exhaustive]
        pub struct #input {
            #(#fields)*
        }

        #debug_impl

        impl Operation for #input {
            type Output = #output;
            const INFO: OperationInfo = #info;
            #required
        }

        #setters_impl

        #lifecycle

        #output_item
    })
}

/// `OperationInfo::action("X").read_only()...`: how the operation is called, written from
/// [`cloud_spec::call::call_facts`] (the rules are decided there, this only spells them).
fn operation_info(op: &OperationPlan<'_>) -> TokenStream {
    let facts = &op.call;
    let name = facts.name;
    let mut chain = match &facts.http {
        None => quote!(OperationInfo::action(#name)),
        Some(http) => {
            let method = http.method;
            let path = http.path;
            let status = Literal::u16_unsuffixed(http.success_status);
            quote!(OperationInfo::rest(#name, #method, #path, #status))
        }
    };
    // `read_only()` sets both flags: reading is idempotent.
    if facts.read_only {
        chain = quote!(#chain.read_only());
    } else if facts.idempotent {
        chain = quote!(#chain.idempotent());
    }
    if let Some(limit) = facts.rate_limit {
        let limit = Literal::u32_unsuffixed(limit);
        chain = quote!(#chain.rate_limit(#limit));
    }
    if !facts.regions.is_empty() {
        let regions = facts.regions;
        chain = quote!(#chain.regions(&[#(#regions),*]));
    }
    let params: Vec<TokenStream> = facts
        .http
        .iter()
        .flat_map(|http| &http.params)
        .map(|(wire, place)| {
            let location = match place {
                ParamPlace::Path => quote!(ParamLocation::Path),
                ParamPlace::Query => quote!(ParamLocation::Query),
                ParamPlace::Header => quote!(ParamLocation::Header),
            };
            quote!((#wire, #location))
        })
        .collect();
    if !params.is_empty() {
        chain = quote!(#chain.params(&[#(#params),*]));
    }
    chain
}

/// The operation's method on `Client` (in `src/client.rs`), with its docs and example.
pub(crate) fn client_method(
    plan: &Plan<'_>,
    op: &OperationPlan<'_>,
) -> Result<TokenStream, EmitError> {
    let spec = op.spec;
    let method = format_ident!("{}", op.method);
    let input = format_ident!("{}", op.input_type());
    let mut docs = Docs::new().vendor(&spec.docs);
    let mut notes = Vec::new();
    if let Some(limit) = spec.rate_limit {
        notes.push(format!(
            "The service accepts at most {limit} of these requests per second."
        ));
    }
    if !spec.regions.is_empty() {
        let regions: Vec<String> = spec.regions.iter().map(|r| format!("`{r}`")).collect();
        notes.push(format!(
            "Served only in these regions: {}.",
            regions.join(", ")
        ));
    }
    if !notes.is_empty() {
        docs = docs.para(notes.join(" "));
    }
    if let Some(note) = super::lifecycle::method_note(op) {
        docs = docs.para(note);
    }
    if let Some(waiter) = &spec.waiter {
        let polled = plan
            .operations
            .iter()
            .find(|o| o.wire == waiter.operation)
            .map(|o| format!("[`Client::{}`]", o.method))
            .unwrap_or_else(|| format!("`{}`", waiter.operation));
        docs = docs.para(format!(
            "The change finishes asynchronously; [`send_and_wait`](Request::send_and_wait) \
             waits for it, polling {polled} until:"
        ));
        let mut lines = Vec::new();
        for (i, c) in waiter.until.iter().enumerate() {
            let when: Vec<String> = c
                .when
                .iter()
                .map(|(k, v)| format!("`{k}` was `{v}`"))
                .collect();
            let mut condition = format!("its `{}` is `{}`", c.path, c.equals);
            if !when.is_empty() {
                condition.push_str(&format!(", if this request's {}", when.join(" and ")));
            }
            condition.push(if i + 1 == waiter.until.len() {
                '.'
            } else {
                ';'
            });
            lines.extend(super::docs::wrap(&condition, "- ", "  "));
        }
        docs = docs.lines(lines);
    }
    let docs = docs
        .lines(doc_example::operation_example(plan, op)?)
        .outer();
    let deprecated = if spec.deprecated {
        quote!(#[deprecated(note = "deprecated by the vendor")])
    } else {
        TokenStream::new()
    };
    Ok(quote! {
        #docs
        #deprecated
        pub fn #method(&self) -> Request<#input> {
            Request::new(self.clone())
        }
    })
}

/// `pub fn member(mut self, value: T) -> Self`, documented by a link to the input's field.
fn setter(op: &OperationPlan<'_>, field: &FieldPlan<'_>) -> TokenStream {
    let name = format_ident!("{}", field.name);
    let (param, convert) = setter_param(&field.ty, Scope::Operations);
    let required = if field.member.required {
        " (required)"
    } else {
        ""
    };
    let docs = Docs::new()
        .para(format!(
            "Sets [`{}`]({}::{}){required}.",
            field.name,
            op.input_type(),
            field.name
        ))
        .outer();
    let deprecated = deprecated(field);
    quote! {
        #docs
        #deprecated
        pub fn #name(mut self, value: #param) -> Self {
            self.input.#name = Some(#convert);
            self
        }
    }
}

fn output_item(plan: &Plan<'_>, op: &OperationPlan<'_>) -> TokenStream {
    let output = format_ident!("{}", op.output_type());
    let rule = RenameRule::for_fields(&op.output);
    let container = rule.container_attr();
    let fields = op
        .output
        .iter()
        .map(|f| struct_field(plan.service.vendor, f, rule, false, Scope::Operations));
    let docs = Docs::new()
        .para(format!("The response of `{}`.", op.wire))
        .outer();
    let debug = derive_debug(&op.output);
    let debug_impl = debug_impl(&op.output_type(), &op.output);
    quote! {
        #docs
        #[derive(#debug Clone, Default, PartialEq, Serialize, Deserialize)]
        #container
        #[non_exhaustive]
        pub struct #output {
            #(#fields)*
        }

        #debug_impl
    }
}

/// The members a doc example sets, with their values: every required member, then optional
/// members of simple types (no structures) that the first documented example sets, up to
/// [`EXAMPLE_SETTERS`] in all. Values come from the first documented example, else the member's
/// own example, else a sample.
pub(crate) fn example_inputs<'a>(
    op: &'a OperationPlan<'_>,
    values: &Values<'_, '_>,
) -> Vec<(&'a FieldPlan<'a>, Value)> {
    let first = op.spec.examples.first();
    let fits = |field: &FieldPlan<'_>, v: &&Value| {
        !v.is_null() && values.setter_arg(&field.ty, v, "", Mode::Doc).is_ok()
    };
    let from_example = |field: &FieldPlan<'_>| {
        first
            .and_then(|e| e.input.get(field.wire))
            .filter(|v| fits(field, v))
    };
    let mut chosen: Vec<(&FieldPlan<'_>, Value)> = op
        .input
        .iter()
        .filter(|field| field.member.required)
        .map(|field| {
            let value = from_example(field)
                .or(field.member.example.as_ref().filter(|v| fits(field, v)))
                .cloned()
                .unwrap_or_else(|| values.sample(&field.ty, None, 0));
            (field, value)
        })
        .collect();
    for field in op
        .input
        .iter()
        .filter(|f| !f.member.required && is_simple(&f.ty))
    {
        if chosen.len() >= EXAMPLE_SETTERS {
            break;
        }
        if let Some(value) = from_example(field) {
            chosen.push((field, value.clone()));
        }
    }
    // In the order of the input's members.
    chosen.sort_by_key(|(field, _)| op.input.iter().position(|f| f.wire == field.wire));
    chosen
}

/// How many members a doc example sets at most, unless more are required: enough to show the
/// shape of a call; every documented example is in the generated tests.
const EXAMPLE_SETTERS: usize = 3;

/// Members a doc example can set in a line: not structures, maps or JSON.
fn is_simple(ty: &RustType) -> bool {
    match ty {
        RustType::Struct { .. } | RustType::Map(_) | RustType::Json => false,
        RustType::List(inner) => is_simple(inner),
        _ => true,
    }
}
