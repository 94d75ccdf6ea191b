//! `tests/examples.rs` and its data, `tests/examples.json`: tests generated from the spec, one per
//! operation and one per enum.
//!
//! For each operation:
//! - every documented example request, built with the input's builder, is the JSON of the docs;
//! - every documented example response decodes, and writes back the documented values (compared
//!   as JSON, so nested structures are compared too);
//! - a sample response made from the types still reads the same with members the docs do not list
//!   (at any depth) and with numbers sent as strings, and `null` in every optional member reads
//!   as an absent member;
//! - building without a required member fails with `InvalidInput` naming it.
//!
//! Each enum reads and writes its documented values and keeps (and writes back) one it does not
//! know. One test builds an output from `Default` and its public fields, as users' tests do. Each
//! input, output and structure with secret members shows none in its `Debug` output, and sends
//! them all.
//!
//! The JSON (documented requests and responses, what the types write back, the drifted samples)
//! is data, in `examples.json`; the checks are `cloud_transport::example_checks` (feature
//! `test-util`, a dev-dependency of every generated crate); a test holds what must be Rust: the
//! builder calls and the types.

use std::collections::BTreeSet;

use cloud_spec::EnumKind;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use serde_json::{Map, Value};

use super::docs::Docs;
use super::fields::has_secrets;
use super::plan::{
    EnumWireValue, FieldPlan, OperationPlan, Plan, RustType, ShapePlan, VariantPlan,
};
use super::values::{raw_string, Mode, Values};
use super::EmitError;

/// The test file and its JSON data.
pub(crate) fn tests_file(plan: &Plan<'_>) -> Result<(TokenStream, String), EmitError> {
    let values = Values { plan };
    let mut tests = Vec::new();
    let mut data = Vec::new();
    for op in &plan.operations {
        let (test, op_data) = operation_test(&values, op)?;
        tests.push(test);
        data.push((op.wire, op_data));
    }
    tests.extend(construction_test(&values));
    for (spec, shape) in &plan.shapes {
        if let ShapePlan::Enum {
            rust,
            kind,
            variants,
            ..
        } = shape
        {
            tests.push(enum_test(spec, rust, *kind, variants));
        }
    }
    tests.extend(secret_tests(&values)?);
    // Import exactly the types and checks the tests name.
    let mut used = BTreeSet::new();
    for test in &tests {
        super::doc_example::idents(test, &mut used);
    }
    let lib = format_ident!("{}", plan.lib_name);
    let mut uses = Vec::new();
    if used.contains("BTreeMap") {
        uses.push(quote!(
            use std::collections::BTreeMap;
        ));
    }
    uses.push(quote!(
        use std::fmt::Debug;
    ));
    let checks: Vec<Ident> = CHECKS
        .iter()
        .filter(|name| used.contains(**name))
        .chain(&["Examples"])
        .map(|name| format_ident!("{}", name))
        .collect();
    uses.push(quote!(use cloud_transport::example_checks::{#(#checks),*};));
    uses.push(quote!(
        use serde::Serialize;
    ));
    // The operations' types by glob; the trait and the builder by path, as a shape may be
    // named like them.
    uses.push(quote!(use #lib::operations::{self, *};));
    let used_types: Vec<Ident> = plan
        .shapes
        .values()
        .map(|s| s.rust_name())
        .chain(["Timestamp"])
        .filter(|name| used.contains(*name))
        .map(|t| format_ident!("{}", t))
        .collect();
    match used_types.as_slice() {
        [] => {}
        [one] => uses.push(quote!(use #lib::types::#one;)),
        many => uses.push(quote!(use #lib::types::{#(#many),*};)),
    }
    let any_deprecated = plan
        .operations
        .iter()
        .flat_map(|op| op.input.iter().chain(&op.output))
        .chain(plan.shapes.values().flat_map(|s| match s {
            ShapePlan::Struct { fields, .. } => fields.as_slice(),
            ShapePlan::Enum { .. } => &[],
        }))
        .any(|f| f.member.deprecated)
        || plan.operations.iter().any(|op| op.spec.deprecated);
    let allow = if any_deprecated {
        quote!(#![allow(deprecated)])
    } else {
        TokenStream::new()
    };
    let docs = Docs::new()
        .para(format!(
            "Tests generated from the spec of {}: the documented examples, how responses that \
             drift from the docs (nulls, unknown members, numbers sent as strings, unknown enum \
             values) are read, and that secrets stay out of `Debug` output. The checks are \
             `cloud_transport::example_checks`; the JSON they compare with is `examples.json`. \
             Each operation's `<operation>_as_documented` test builds its documented requests, \
             reads its documented and drifted responses and leaves out each required member.",
            plan.service.title
        ))
        .inner();
    let file = quote! {
        #docs
        #allow
        #(#uses)*

        /// The documented examples and drifted responses of every operation.
        static EXAMPLES: Examples = Examples::new(include_str!("examples.json"));

        /// Documented example `n` of `I`'s operation: built with the builder, the request is the
        /// docs' JSON.
        fn assert_request<I: operations::Operation>(n: usize, request: operations::Request<I, ()>) {
            EXAMPLES.assert_request(I::INFO.name, n, request.to_json());
        }

        /// `I`'s output reads the documented responses, and responses that drift from the docs,
        /// as it should.
        fn assert_responses<I: operations::Operation>()
        where
            I::Output: Serialize + PartialEq + Debug,
        {
            EXAMPLES.assert_responses::<I::Output>(I::INFO.name);
        }

        #(#tests)*
    };
    Ok((file, data_file(data)))
}

/// The functions of `cloud_transport::example_checks` the tests may call, imported when they do.
const CHECKS: &[&str] = &[
    "assert_json",
    "assert_missing",
    "assert_read",
    "assert_redacted",
    "assert_round_trip",
    "parse",
];

/// `examples.json`: one member per operation, its values on one line each.
fn data_file(data: Vec<(&str, Map<String, Value>)>) -> String {
    let mut out = String::from("{\n");
    out.push_str(&format!(
        "  \"$comment\": {},\n",
        Value::from(crate::GENERATED_NOTICE)
    ));
    for (i, (operation, members)) in data.iter().enumerate() {
        out.push_str(&format!("  {}: {{\n", Value::from(*operation)));
        for (j, (key, value)) in members.iter().enumerate() {
            let comma = if j + 1 < members.len() { "," } else { "" };
            match value {
                Value::Array(items) if !items.is_empty() => {
                    out.push_str(&format!("    {}: [\n", Value::from(key.as_str())));
                    for (k, item) in items.iter().enumerate() {
                        let comma = if k + 1 < items.len() { "," } else { "" };
                        out.push_str(&format!("      {item}{comma}\n"));
                    }
                    out.push_str(&format!("    ]{comma}\n"));
                }
                _ => out.push_str(&format!(
                    "    {}: {value}{comma}\n",
                    Value::from(key.as_str())
                )),
            }
        }
        let comma = if i + 1 < data.len() { "," } else { "" };
        out.push_str(&format!("  }}{comma}\n"));
    }
    out.push_str("}\n");
    out
}

fn json_literal(value: &Value) -> TokenStream {
    raw_string(&value.to_string())
}

/// The test of one operation (its examples, how its response drifts, its required members) and
/// its data.
fn operation_test(
    values: &Values<'_, '_>,
    op: &OperationPlan<'_>,
) -> Result<(TokenStream, Map<String, Value>), EmitError> {
    let wire = op.wire;
    let input_type = format_ident!("{}", op.input_type());
    let mut steps = Vec::new();
    let mut examples = Vec::new();
    for (i, example) in op.spec.examples.iter().enumerate() {
        let path = format!("operations.{wire}.examples[{i}]");
        // The request: built with the builder, compared with the docs' JSON.
        let mut setters = Vec::new();
        let mut request = Map::new();
        for (member, value) in &example.input {
            if op.transport_members.contains(&member.as_str()) {
                continue;
            }
            let field = op
                .input
                .iter()
                .find(|f| f.wire == member)
                .ok_or_else(|| EmitError {
                    path: format!("{path}.input.{member}"),
                    message: format!("`{member}` is not an input member of `{wire}`"),
                })?;
            if value.is_null() {
                continue;
            }
            let name = format_ident!("{}", field.name);
            let arg = values.setter_arg(
                &field.ty,
                value,
                &format!("{path}.input.{member}"),
                Mode::Test,
            )?;
            setters.push(quote!(.#name(#arg)));
            request.insert(member.clone(), values.normalize(&field.ty, value));
        }
        let n = proc_macro2::Literal::usize_unsuffixed(i);
        steps.push(quote! {
            assert_request(#n, #input_type::builder() #(#setters)*);
        });
        // The response: decoded and written back, compared with the documented values.
        let response: Map<String, Value> = example.output.clone().into_iter().collect();
        let written = values.normalize_fields(&op.output, &response, false);
        let mut entry = Map::new();
        entry.insert("request".to_owned(), Value::Object(request));
        entry.insert("response".to_owned(), Value::Object(response));
        entry.insert("written".to_owned(), Value::Object(written));
        examples.push(Value::Object(entry));
    }
    steps.push(quote!(assert_responses::<#input_type>();));
    if let Some(first) = op.input.iter().find(|f| f.member.required) {
        let member = first.wire;
        steps.push(quote!(assert_missing(#input_type::builder().build(), #member);));
    }
    let mut data = Map::new();
    data.insert("examples".to_owned(), Value::Array(examples));
    let sample = values.sample_fields(&op.output, 0);
    data.insert(
        "unknown".to_owned(),
        Value::Object(values.with_unknown_members(&op.output, &sample)),
    );
    data.insert(
        "strings".to_owned(),
        values
            .numbers_as_strings(&op.output, &sample)
            .map_or(Value::Null, Value::Object),
    );
    data.insert(
        "nulls".to_owned(),
        values
            .with_nulls(&op.output, &sample)
            .map_or(Value::Null, Value::Object),
    );
    data.insert("sample".to_owned(), Value::Object(sample));
    let name = format_ident!("{}_as_documented", op.method);
    let test = quote! {
        #[test]
        fn #name() {
            #(#steps)*
        }
    };
    Ok((test, data))
}

/// For each input, output and structure with secret members: set each secret, and its `Debug`
/// output shows none of them while its JSON (what is sent, or was received) has every one.
fn secret_tests(values: &Values<'_, '_>) -> Result<Vec<TokenStream>, EmitError> {
    let plan = values.plan;
    let mut holders: Vec<(String, String, &[FieldPlan<'_>])> = Vec::new();
    for op in &plan.operations {
        let path = format!("operations.{}", op.wire);
        holders.push((op.input_type(), format!("{path}.input"), &op.input));
        holders.push((op.output_type(), format!("{path}.output"), &op.output));
    }
    for (spec, shape) in &plan.shapes {
        if let ShapePlan::Struct { rust, fields, .. } = shape {
            holders.push((rust.clone(), format!("shapes.{spec}.members"), fields));
        }
    }
    let mut tests = Vec::new();
    for (type_name, path, fields) in holders {
        if !has_secrets(fields) {
            continue;
        }
        let mut assignments = Vec::new();
        let mut secrets = Vec::new();
        for field in fields.iter().filter(|f| f.member.sensitive) {
            let secret = format!("secret-{}", field.wire);
            let value = values.expr(
                &field.ty,
                &secret_value(&field.ty, &secret),
                &format!("{path}.{}", field.wire),
                Mode::Test,
            )?;
            let value = if field.optional {
                quote!(Some(#value))
            } else {
                value
            };
            let name = format_ident!("{}", field.name);
            assignments.push(quote!(value.#name = #value;));
            secrets.push(secret);
        }
        let ty = format_ident!("{}", type_name);
        let test_name = format_ident!(
            "{}_keeps_secrets_out_of_debug",
            crate::names::snake_case(&type_name)
        );
        let docs = Docs::new()
            .para(format!(
                "`{type_name}`: `Debug` shows none of its secrets; its JSON has them all."
            ))
            .outer();
        tests.push(quote! {
            #docs
            #[test]
            fn #test_name() {
                let mut value = #ty::default();
                #(#assignments)*
                assert_redacted(&value, &[#(#secrets),*]);
            }
        });
    }
    Ok(tests)
}

/// A value of `ty` (which can hold text: the spec validator checks `sensitive` members) that
/// holds `secret`.
fn secret_value(ty: &RustType, secret: &str) -> Value {
    match ty {
        RustType::List(inner) => Value::Array(vec![secret_value(inner, secret)]),
        RustType::Map(inner) => Value::Object(Map::from_iter([(
            "key".to_owned(),
            secret_value(inner, secret),
        )])),
        _ => Value::from(secret),
    }
}

/// Users build outputs in their own tests from `Default` and the public fields; this does so for
/// the first operation with simple members, from outside the crate, so a change that breaks it
/// fails here.
fn construction_test(values: &Values<'_, '_>) -> Option<TokenStream> {
    for op in &values.plan.operations {
        let sample = values.sample_fields(&op.output, 0);
        let mut assignments = Vec::new();
        let mut expected = Map::new();
        for field in &op.output {
            let Some(value) = sample.get(field.wire) else {
                continue;
            };
            let written = match simple_expectation(values, field, value) {
                Some(expr) => {
                    let name = format_ident!("{}", field.name);
                    assignments.push(quote!(output.#name = #expr;));
                    values.normalize(&field.ty, value)
                }
                // Left at its default.
                None if field.optional => Value::Null,
                None => continue,
            };
            expected.insert(field.wire.to_owned(), written);
        }
        if assignments.is_empty() || expected.len() != op.output.len() {
            continue;
        }
        let output_type = format_ident!("{}", op.output_type());
        let expected = json_literal(&Value::Object(expected));
        let docs = Docs::new()
            .para(format!(
                "Users' tests can build outputs from `Default` and their public fields (here \
                 `{}`'s).",
                op.wire
            ))
            .outer();
        return Some(quote! {
            #docs
            #[test]
            fn outputs_can_be_built_from_default() {
                let mut output = #output_type::default();
                #(#assignments)*
                assert_json(&output, #expected);
            }
        });
    }
    None
}

/// The Rust value of a simple member (not a structure, map or JSON), wrapped in `Some` when the
/// field is an `Option`.
fn simple_expectation(
    values: &Values<'_, '_>,
    field: &FieldPlan<'_>,
    value: &Value,
) -> Option<TokenStream> {
    fn simple(ty: &RustType) -> bool {
        match ty {
            RustType::Struct { .. } | RustType::Map(_) | RustType::Json => false,
            RustType::List(inner) => simple(inner),
            _ => true,
        }
    }
    if !simple(&field.ty) || value.is_null() {
        return None;
    }
    let expr = values.expr(&field.ty, value, "", Mode::Test).ok()?;
    Some(if field.optional {
        quote!(Some(#expr))
    } else {
        expr
    })
}

fn enum_test(spec: &str, rust: &str, kind: EnumKind, variants: &[VariantPlan<'_>]) -> TokenStream {
    let ty = format_ident!("{}", rust);
    let mut steps = Vec::new();
    for v in variants {
        let variant = format_ident!("{}", v.name);
        let text = match &v.value {
            EnumWireValue::Integer(i) => i.to_string(),
            EnumWireValue::String(s) => Value::from(s.as_str()).to_string(),
        };
        let text = raw_string(&text);
        steps.push(quote!(assert_round_trip(#ty::#variant, #text);));
        if let EnumWireValue::Integer(i) = &v.value {
            let as_string = i.to_string();
            steps.push(quote!(assert_read(#as_string, #ty::#variant);));
        }
    }
    let unknown = match kind {
        EnumKind::Integer => {
            let known: BTreeSet<i64> = variants
                .iter()
                .filter_map(|v| match v.value {
                    EnumWireValue::Integer(i) => Some(i),
                    EnumWireValue::String(_) => None,
                })
                .collect();
            let fresh = (1000..).find(|i| !known.contains(i)).unwrap_or(1000);
            let text = raw_string(&fresh.to_string());
            let lit = proc_macro2::Literal::i64_unsuffixed(fresh);
            quote!(assert_round_trip(#ty::Unknown(#lit), #text);)
        }
        EnumKind::String => {
            let known: BTreeSet<&str> = variants
                .iter()
                .filter_map(|v| match &v.value {
                    EnumWireValue::String(s) => Some(s.as_str()),
                    EnumWireValue::Integer(_) => None,
                })
                .collect();
            let fresh = (0..)
                .map(|i| format!("value-added-later-{i}"))
                .find(|s| !known.contains(s.as_str()))
                .unwrap_or_default();
            let text = raw_string(&Value::from(fresh.as_str()).to_string());
            quote!(assert_round_trip(#ty::Unknown(String::from(#fresh)), #text);)
        }
    };
    let test_name = format_ident!(
        "{}_round_trips_documented_and_unknown_values",
        crate::names::snake_case(spec)
    );
    let docs = Docs::new()
        .para(format!(
            "`{spec}`: documented values read and write as themselves; an unknown one is kept and \
             written back unchanged."
        ))
        .outer();
    quote! {
        #docs
        #[test]
        fn #test_name() {
            #(#steps)*
            #unknown
        }
    }
}
