//! `src/operations/<operation>.rs`: one operation's `OPERATION` constant, client method, request
//! builder, input (with its builder) and output. Everything a call does at run time lives in
//! `cloud_transport::Client::call`; this file only says what to send and what comes back.

use std::collections::BTreeSet;

use cloud_spec::Location;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::docs::{summary, Docs};
use super::fields::{deprecated, field_with_docs, member_docs, setter_param, struct_field};
use super::plan::{OperationPlan, Plan};
use super::values::{Mode, Values};
use super::{doc_example, EmitError};

pub(crate) fn operation_file(
    plan: &Plan<'_>,
    op: &OperationPlan<'_>,
) -> Result<TokenStream, EmitError> {
    let wire = op.wire;
    let module_docs = Docs::new()
        .para(format!(
            "The `{wire}` operation: its input, builder and output. Call it with \
             [`Client::{}`].",
            op.method
        ))
        .inner();
    let uses = uses(op);
    let operation_const = operation_const(op);
    let client_method = client_method(plan, op)?;
    let input_items = input_items(op);
    let output_item = output_item(op);
    Ok(quote! {
        #module_docs
        #uses
        #operation_const
        #client_method
        #input_items
        #output_item
    })
}

/// The `use` lines, in rustfmt's order (std, other crates, this crate; sorted within).
fn uses(op: &OperationPlan<'_>) -> TokenStream {
    let fields = || op.input.iter().chain(&op.output);
    let mut out = Vec::new();
    if fields().any(|f| f.ty.uses_map()) {
        out.push(quote!(
            use std::collections::BTreeMap;
        ));
    }
    let lenient = fields().any(|f| f.ty.is_lenient());
    let mut transport = Vec::new();
    if lenient {
        transport.push(quote!(codec));
    }
    if op.spec.http.is_some() {
        transport.push(quote!(HttpBinding));
    }
    transport.push(quote!(OperationInfo));
    if !op.params.is_empty() {
        transport.push(quote!(ParamLocation));
    }
    transport.push(quote!(Result));
    out.push(quote!(use cloud_transport::{#(#transport),*};));
    out.push(quote!(
        use serde::{Deserialize, Serialize};
    ));
    let mut shapes: BTreeSet<String> = fields()
        .filter_map(|f| f.ty.shape_rust_name().map(str::to_owned))
        .collect();
    if fields().any(|f| f.ty.uses_timestamp()) {
        shapes.insert("Timestamp".to_owned());
    }
    match shapes.len() {
        0 => {}
        1 => {
            let name = shapes.iter().map(|s| format_ident!("{}", s));
            out.push(quote!(use crate::types::#(#name)*;));
        }
        _ => {
            let names = shapes.iter().map(|s| format_ident!("{}", s));
            out.push(quote!(use crate::types::{#(#names),*};));
        }
    }
    out.push(quote!(
        use crate::Client;
    ));
    quote!(#(#out)*)
}

fn operation_const(op: &OperationPlan<'_>) -> TokenStream {
    let spec = op.spec;
    let name = op.wire;
    let http = match &spec.http {
        None => quote!(None),
        Some(http) => {
            let method = http.method.as_str();
            let path = &http.path;
            let status = proc_macro2::Literal::u16_unsuffixed(http.success_status);
            let params = op.params.iter().filter_map(|(wire, location)| {
                let location = match location {
                    Location::Path => quote!(ParamLocation::Path),
                    Location::Query => quote!(ParamLocation::Query),
                    Location::Header => quote!(ParamLocation::Header),
                    // Body members are the default: not listed.
                    Location::Body => return None,
                };
                Some(quote!((#wire, #location)))
            });
            quote! {
                Some(HttpBinding {
                    method: #method,
                    path: #path,
                    success_status: #status,
                    params: &[#(#params),*],
                })
            }
        }
    };
    let read_only = spec.read_only;
    let idempotent = spec.idempotent;
    let rate_limit = match spec.rate_limit {
        Some(limit) => {
            let limit = proc_macro2::Literal::u32_unsuffixed(limit);
            quote!(Some(#limit))
        }
        None => quote!(None),
    };
    let regions = &spec.regions;
    let how = match &spec.http {
        Some(http) => format!(
            "`{} {}`, answering {}",
            http.method.as_str(),
            http.path,
            http.success_status
        ),
        None => format!("the action `{name}`"),
    };
    let safety = match (read_only, idempotent) {
        (true, _) => "read-only, so retried after connection errors and timeouts",
        (false, true) => "idempotent, so retried after connection errors and timeouts",
        (false, false) => "changes state and is not idempotent, so never retried after a request may have reached the service",
    };
    let docs = Docs::new()
        .para(format!("How `{name}` is called: {how}; {safety}."))
        .outer();
    quote! {
        #docs
        pub const OPERATION: OperationInfo = OperationInfo {
            name: #name,
            http: #http,
            read_only: #read_only,
            idempotent: #idempotent,
            rate_limit: #rate_limit,
            regions: &[#(#regions),*],
        };
    }
}

fn client_method(plan: &Plan<'_>, op: &OperationPlan<'_>) -> Result<TokenStream, EmitError> {
    let spec = op.spec;
    let method = format_ident!("{}", op.method);
    let builder = format_ident!("{}", op.builder_type());
    let fields = op.input.iter().map(|f| format_ident!("{}", f.name));
    let mut docs = Docs::new().vendor(&spec.docs);
    let mut limits = Vec::new();
    if let Some(limit) = spec.rate_limit {
        limits.push(format!(
            "The service accepts at most {limit} of these requests per second."
        ));
    }
    if !spec.regions.is_empty() {
        let regions: Vec<String> = spec.regions.iter().map(|r| format!("`{r}`")).collect();
        limits.push(format!(
            "Served only in these regions: {}.",
            regions.join(", ")
        ));
    }
    if !limits.is_empty() {
        docs = docs.para(limits.join(" "));
    }
    if let Some(waiter) = &spec.waiter {
        let polled = plan
            .operations
            .iter()
            .find(|o| o.wire == waiter.operation)
            .map(|o| format!("[`Client::{}`]", o.method))
            .unwrap_or_else(|| format!("`{}`", waiter.operation));
        docs = docs.para(format!(
            "The change finishes asynchronously; to wait for it, poll {polled} until:"
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
    docs = docs.heading("Errors").para(
        "Any call can fail with a connection, timeout, credentials or throttling error, or with a \
         code every operation of the service may return (see [`error_codes`](crate::error_codes)).",
    );
    if !spec.errors.is_empty() {
        let mut lines = vec![
            "The docs list these codes for this operation:".to_owned(),
            String::new(),
        ];
        for (error, constant) in spec.errors.iter().zip(&op.error_constants) {
            let text = summary(&error.docs);
            let text = if text.is_empty() {
                String::new()
            } else {
                format!(": {text}")
            };
            lines.extend(super::docs::wrap(
                &format!("[`{}`](crate::error_codes::{constant}){text}", error.code),
                "- ",
                "  ",
            ));
        }
        docs = docs.lines(lines);
    }
    docs = docs
        .heading("Example")
        .lines(doc_example::operation_example(plan, op)?);
    let docs = docs.outer();
    let deprecated = if spec.deprecated {
        quote!(#[deprecated(note = "deprecated by the vendor")])
    } else {
        TokenStream::new()
    };
    Ok(quote! {
        impl Client {
            #docs
            #deprecated
            pub fn #method(&self) -> #builder<Client> {
                #builder {
                    client: self.clone(),
                    #(#fields: None,)*
                }
            }
        }
    })
}

/// The input struct and its builder. The builder's type parameter is `()` when it comes from
/// `Input::builder()` (it can only build) and `Client` when it comes from the client method (it
/// can also send): one set of setters serves both.
fn input_items(op: &OperationPlan<'_>) -> TokenStream {
    let wire = op.wire;
    let input = format_ident!("{}", op.input_type());
    let builder = format_ident!("{}", op.builder_type());
    let output = format_ident!("{}", op.output_type());
    let method_link = format!("[`Client::{}`]", op.method);
    // The member docs go on the setters, where callers read them; the fields point there.
    let fields = op.input.iter().map(|f| {
        let docs = Docs::new().para(format!("`{}`: see [`{builder}::{}`].", f.wire, f.name));
        field_with_docs(f, docs)
    });
    let builder_fields = op.input.iter().map(|f| {
        let name = format_ident!("{}", f.name);
        let ty = super::values::type_tokens(&f.ty);
        quote!(#name: Option<#ty>,)
    });
    let setters = op.input.iter().map(|field| {
        let name = format_ident!("{}", field.name);
        let (param, convert) = setter_param(&field.ty);
        let docs = member_docs(field).outer();
        let deprecated = deprecated(field);
        quote! {
            #docs
            #deprecated
            pub fn #name(mut self, value: #param) -> Self {
                self.#name = Some(#convert);
                self
            }
        }
    });
    let build_fields = op.input.iter().map(|f| {
        let name = format_ident!("{}", f.name);
        if f.optional {
            quote!(#name: self.#name,)
        } else {
            let member = f.wire;
            quote!(#name: super::required(self.#name, &OPERATION, #member)?,)
        }
    });
    let allow = if op.input.iter().any(|f| f.member.deprecated) {
        quote!(#[allow(deprecated)])
    } else {
        TokenStream::new()
    };
    let required: Vec<String> = op
        .input
        .iter()
        .filter(|f| !f.optional)
        .map(|f| format!("`{}`", f.wire))
        .collect();
    let build_errors = if required.is_empty() {
        "Never fails: every member is optional.".to_owned()
    } else {
        format!(
            "[`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) naming the first required \
             member that is not set ({}).",
            required.join(", ")
        )
    };
    let build_docs = Docs::new()
        .para("Checks that the required members are set and builds the input.")
        .heading("Errors")
        .para(build_errors)
        .outer();
    let send_docs = Docs::new()
        .para("Sends the request and waits for the response.")
        .heading("Errors")
        .para(format!(
            "See {method_link}. A required member that is not set fails with \
             [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) before anything is sent."
        ))
        .outer();
    let input_docs = Docs::new()
        .para(format!(
            "The request of `{wire}`, as serialized for the service. Build it with \
             [`{input}::builder`], or set its members on the builder {method_link} returns."
        ))
        .outer();
    let builder_docs = Docs::new()
        .para(format!(
            "Builds a `{wire}` request: [`build`](Self::build) makes the [`{input}`]; when the builder \
             comes from {method_link}, [`send`](Self::send) sends it."
        ))
        .outer();
    quote! {
        #input_docs
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[non_exhaustive]
        pub struct #input {
            #(#fields)*
        }

        impl #input {
            /// Starts building the input.
            pub fn builder() -> #builder {
                #builder::default()
            }
        }

        #builder_docs
        #[derive(Debug, Clone, Default)]
        #[must_use = "a builder does nothing until it is built or sent"]
        pub struct #builder<C = ()> {
            client: C,
            #(#builder_fields)*
        }

        impl<C> #builder<C> {
            #(#setters)*

            #build_docs
            #allow
            pub fn build(self) -> Result<#input> {
                Ok(#input {
                    #(#build_fields)*
                })
            }
        }

        impl #builder<Client> {
            #send_docs
            pub async fn send(self) -> Result<#output> {
                let client = self.client.clone();
                let input = self.build()?;
                client.transport.call(&OPERATION, &input).await
            }
        }
    }
}

fn output_item(op: &OperationPlan<'_>) -> TokenStream {
    let wire = op.wire;
    let output = format_ident!("{}", op.output_type());
    let fields = op.output.iter().map(struct_field);
    let docs = Docs::new()
        .para(format!(
            "The response of `{wire}`. Members the service adds later are ignored. To build one in \
             tests, start from `Default::default()` and set its public fields."
        ))
        .outer();
    quote! {
        #docs
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[non_exhaustive]
        pub struct #output {
            #(#fields)*
        }
    }
}

/// The value each input member takes in examples: the first documented example's, else the
/// member's own example. Members with neither are left out unless required.
pub(crate) fn example_inputs<'a>(
    op: &'a OperationPlan<'_>,
    values: &Values<'_, '_>,
) -> Vec<(&'a super::plan::FieldPlan<'a>, Value)> {
    let first = op.spec.examples.first();
    op.input
        .iter()
        .filter_map(|field| {
            let from_example = first
                .and_then(|e| e.input.get(field.wire))
                .filter(|v| !v.is_null());
            let value = from_example
                .or(field.member.example.as_ref())
                .filter(|v| values.setter_arg(&field.ty, v, "", Mode::Doc).is_ok())
                .cloned();
            match value {
                Some(v) if first.is_none() || from_example.is_some() || !field.optional => {
                    Some((field, v))
                }
                Some(_) => None,
                None if field.optional => None,
                None => Some((field, values.sample(&field.ty, None, 0))),
            }
        })
        .collect()
}
