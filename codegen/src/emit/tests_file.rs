//! `tests/examples.rs`: tests generated from the spec.
//!
//! - every documented example request, built with the input builder, serializes to the JSON of the
//!   docs;
//! - every documented example response deserializes to the documented values (top-level members
//!   compared one by one, and the whole response written back compared with the docs' JSON);
//! - robustness, from a sample response made from the types: `null` in every optional member reads
//!   as `None`, unknown members are ignored, numbers sent as strings read like numbers;
//! - every enum reads and writes its documented values, and keeps (and writes back) one it does not
//!   know.

use std::collections::BTreeSet;

use cloud_spec::EnumKind;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use serde_json::{Map, Value};

use super::docs::Docs;
use super::plan::{EnumWireValue, FieldPlan, OperationPlan, Plan, RustType, ShapePlan};
use super::values::{raw_string, Mode, Values};
use super::EmitError;

/// Types a test file names, collected while writing it (for its `use` lines).
#[derive(Default)]
struct Names {
    types: BTreeSet<String>,
    btree_map: bool,
    error_kind: bool,
    ops: BTreeSet<(String, String)>, // (module, type)
}

pub(crate) fn tests_file(plan: &Plan<'_>) -> Result<TokenStream, EmitError> {
    let values = Values { plan };
    let mut names = Names::default();
    let mut tests = Vec::new();
    for op in &plan.operations {
        tests.extend(example_tests(plan, &values, op, &mut names)?);
        tests.extend(robustness_tests(&values, op, &mut names));
    }
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
    // Import exactly the types the tests name.
    let mut used = BTreeSet::new();
    for test in &tests {
        super::doc_example::idents(test, &mut used);
    }
    names.btree_map = used.contains("BTreeMap");
    names.types = plan
        .shapes
        .values()
        .map(|s| s.rust_name())
        .chain(["Timestamp"])
        .filter(|name| used.contains(*name))
        .map(str::to_owned)
        .collect();
    let lib = format_ident!("{}", plan.lib_name);
    let mut uses = Vec::new();
    if names.btree_map {
        uses.push(quote!(
            use std::collections::BTreeMap;
        ));
    }
    uses.push(quote!(
        use serde::de::DeserializeOwned;
    ));
    uses.push(quote!(
        use serde::Serialize;
    ));
    uses.push(quote!(
        use serde_json::Value;
    ));
    let mut by_module: Vec<(String, Vec<String>)> = Vec::new();
    for (module, ty) in &names.ops {
        match by_module.last_mut() {
            Some((m, types)) if m == module => types.push(ty.clone()),
            _ => by_module.push((module.clone(), vec![ty.clone()])),
        }
    }
    if names.error_kind {
        uses.push(quote!(use #lib::ErrorKind;));
    }
    for (module, types) in &by_module {
        let module = format_ident!("{}", module);
        let types = types.iter().map(|t| format_ident!("{}", t));
        uses.push(quote!(use #lib::operations::#module::{#(#types),*};));
    }
    let used_types: Vec<Ident> = names.types.iter().map(|t| format_ident!("{}", t)).collect();
    match used_types.len() {
        0 => {}
        1 => uses.push(quote!(use #lib::types::#(#used_types)*;)),
        _ => uses.push(quote!(use #lib::types::{#(#used_types),*};)),
    }
    let any_deprecated = plan
        .operations
        .iter()
        .flat_map(|op| op.input.iter().chain(&op.output))
        .any(|f| f.member.deprecated);
    let allow = if any_deprecated {
        quote!(#![allow(deprecated)])
    } else {
        TokenStream::new()
    };
    let docs = Docs::new()
        .para(format!(
            "Tests generated from the spec of {}: the documented examples, and how responses that \
             drift from the docs (nulls, unknown members, numbers sent as strings, unknown enum \
             values) are read.",
            plan.service.title
        ))
        .inner();
    Ok(quote! {
        #docs
        #allow
        #(#uses)*

        /// Parses JSON the generator wrote.
        fn json(text: &str) -> Value {
            serde_json::from_str(text).expect("the generator writes valid JSON")
        }

        /// Reads `T` from JSON text, failing the test with serde's message if it cannot.
        fn decode<T: DeserializeOwned>(text: &str) -> T {
            serde_json::from_str(text).unwrap_or_else(|e| panic!("cannot decode {text}: {e}"))
        }

        /// Writes `value` as JSON.
        fn encode<T: Serialize>(value: &T) -> Value {
            serde_json::to_value(value).expect("generated types serialize")
        }

        #(#tests)*
    })
}

fn json_literal(value: &Value) -> TokenStream {
    raw_string(&value.to_string())
}

fn example_tests(
    plan: &Plan<'_>,
    values: &Values<'_, '_>,
    op: &OperationPlan<'_>,
    names: &mut Names,
) -> Result<Vec<TokenStream>, EmitError> {
    let mut tests = Vec::new();
    let input_type = format_ident!("{}", op.input_type());
    let output_type = format_ident!("{}", op.output_type());
    for (i, example) in op.spec.examples.iter().enumerate() {
        let n = i + 1;
        let path = format!("operations.{}.examples[{i}]", op.wire);
        // The request: built with the builder, serialized, compared with the docs' JSON.
        let mut setters = Vec::new();
        let mut expected = Map::new();
        for (wire, value) in &example.input {
            if op.transport_members.contains(&wire.as_str()) {
                continue;
            }
            let field = op
                .input
                .iter()
                .find(|f| f.wire == wire)
                .ok_or_else(|| EmitError {
                    path: format!("{path}.input.{wire}"),
                    message: format!("`{wire}` is not an input member of `{}`", op.wire),
                })?;
            if value.is_null() {
                continue;
            }
            let name = format_ident!("{}", field.name);
            let arg = values.setter_arg(
                &field.ty,
                value,
                &format!("{path}.input.{wire}"),
                Mode::Test,
            )?;
            setters.push(quote!(.#name(#arg)));
            expected.insert(wire.clone(), values.normalize(&field.ty, value));
        }
        names.ops.insert((op.method.clone(), op.input_type()));
        let expected = json_literal(&Value::Object(expected));
        let test_name = format_ident!("{}_example_{}_request", op.method, n);
        let docs = Docs::new()
            .para(format!(
                "`{}`, documented example {n} ({}): the request serializes to the docs' JSON.",
                op.wire,
                example_title(&example.title)
            ))
            .outer();
        tests.push(quote! {
            #docs
            #[test]
            fn #test_name() {
                let input = #input_type::builder() #(#setters)* .build().unwrap();
                let actual = encode(&input);
                let expected = json(#expected);
                assert_eq!(actual, expected);
            }
        });

        // The response: decoded, checked member by member, written back.
        let response = Value::Object(example.output.clone().into_iter().collect());
        let response_text = json_literal(&response);
        let mut checks = Vec::new();
        for (wire, value) in &example.output {
            let Some(field) = op.output.iter().find(|f| f.wire == wire) else {
                continue; // Undocumented in the spec: ignored when decoding, as it should be.
            };
            let member_path = format!("{path}.output.{wire}");
            let Some(expected) = typed_expectation(values, field, value, &member_path)? else {
                continue;
            };
            let name = format_ident!("{}", field.name);
            checks.push(quote! {
                let expected = #expected;
                assert_eq!(output.#name, expected);
            });
        }
        let written = Value::Object(values.normalize_fields(&op.output, &object(&response)));
        let written = json_literal(&written);
        names.ops.insert((op.method.clone(), op.output_type()));
        let test_name = format_ident!("{}_example_{}_response", op.method, n);
        let docs = Docs::new()
            .para(format!(
                "`{}`, documented example {n} ({}): the response decodes to the documented values.",
                op.wire,
                example_title(&example.title)
            ))
            .outer();
        tests.push(quote! {
            #docs
            #[test]
            fn #test_name() {
                let output: #output_type = decode(#response_text);
                #(#checks)*
                let actual = encode(&output);
                let expected = json(#written);
                assert_eq!(actual, expected);
            }
        });
    }
    let _ = plan;
    Ok(tests)
}

fn example_title(title: &str) -> String {
    let title = title.trim().trim_end_matches('.');
    format!("\"{}\"", title.replace('`', "'"))
}

fn object(value: &Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap_or_default()
}

/// The expected Rust value of an output member, for members compared one by one (not structures,
/// maps or JSON: those are compared through the JSON written back).
fn typed_expectation(
    values: &Values<'_, '_>,
    field: &FieldPlan<'_>,
    value: &Value,
    path: &str,
) -> Result<Option<TokenStream>, EmitError> {
    fn simple(ty: &RustType) -> bool {
        match ty {
            RustType::Struct { .. } | RustType::Map(_) | RustType::Json => false,
            RustType::List(inner) => simple(inner),
            _ => true,
        }
    }
    if !simple(&field.ty) {
        return Ok(None);
    }
    if value.is_null() {
        return Ok(field.optional.then(|| quote!(None)));
    }
    let expr = values.expr(&field.ty, value, path, Mode::Test)?;
    Ok(Some(if field.optional {
        quote!(Some(#expr))
    } else {
        expr
    }))
}

fn robustness_tests(
    values: &Values<'_, '_>,
    op: &OperationPlan<'_>,
    names: &mut Names,
) -> Vec<TokenStream> {
    let mut tests = Vec::new();
    let output_type = format_ident!("{}", op.output_type());
    let sample = values.sample_fields(&op.output, 0);
    let sample_text = json_literal(&Value::Object(sample.clone()));
    let wire = op.wire;

    if let Some(with_nulls) = values.with_nulls(&op.output, &sample) {
        let text = json_literal(&Value::Object(with_nulls.clone()));
        let written = json_literal(&Value::Object(
            values.normalize_fields(&op.output, &with_nulls),
        ));
        let checks = op.output.iter().filter(|f| f.optional).map(|f| {
            let name = format_ident!("{}", f.name);
            quote!(assert!(output.#name.is_none());)
        });
        let test_name = format_ident!("{}_output_reads_null_as_none", op.method);
        let docs = Docs::new()
            .para(format!(
                "`{wire}`: `null` in every optional member (at any depth) reads as `None`."
            ))
            .outer();
        tests.push(quote! {
            #docs
            #[test]
            fn #test_name() {
                let output: #output_type = decode(#text);
                #(#checks)*
                let actual = encode(&output);
                let expected = json(#written);
                assert_eq!(actual, expected);
            }
        });
    }

    let with_unknown = values.with_unknown_members(&op.output, &sample);
    let text = json_literal(&Value::Object(with_unknown));
    let test_name = format_ident!("{}_output_ignores_unknown_members", op.method);
    let docs = Docs::new()
        .para(format!(
            "`{wire}`: members the docs do not list (at any depth) are ignored."
        ))
        .outer();
    tests.push(quote! {
        #docs
        #[test]
        fn #test_name() {
            let with_unknown: #output_type = decode(#text);
            let documented: #output_type = decode(#sample_text);
            assert_eq!(with_unknown, documented);
        }
    });

    if let Some(as_strings) = values.numbers_as_strings(&op.output, &sample) {
        let text = json_literal(&Value::Object(as_strings));
        let test_name = format_ident!("{}_output_reads_numbers_sent_as_strings", op.method);
        let docs = Docs::new()
            .para(format!(
                "`{wire}`: numbers sent as strings (`\"7\"`), a known drift, read like numbers."
            ))
            .outer();
        tests.push(quote! {
            #docs
            #[test]
            fn #test_name() {
                let from_strings: #output_type = decode(#text);
                let from_numbers: #output_type = decode(#sample_text);
                assert_eq!(from_strings, from_numbers);
            }
        });
    }
    tests.extend(construction_test(values, op, &sample));
    tests.extend(missing_member_test(op, names));
    names.ops.insert((op.method.clone(), op.output_type()));
    tests
}

/// Users build outputs in their own tests from `Default` and the public fields; this does so
/// from outside the crate, so a change that breaks it fails here.
fn construction_test(
    values: &Values<'_, '_>,
    op: &OperationPlan<'_>,
    sample: &Map<String, Value>,
) -> Option<TokenStream> {
    let output_type = format_ident!("{}", op.output_type());
    let mut assignments = Vec::new();
    let mut expected = Map::new();
    for field in &op.output {
        let Some(value) = sample.get(field.wire) else {
            continue;
        };
        let Ok(Some(expr)) = typed_expectation(values, field, value, "") else {
            continue;
        };
        let name = format_ident!("{}", field.name);
        assignments.push(quote!(output.#name = #expr;));
        expected.insert(field.wire.to_owned(), values.normalize(&field.ty, value));
    }
    if assignments.is_empty() {
        return None;
    }
    let expected = json_literal(&Value::Object(expected));
    let test_name = format_ident!("{}_output_can_be_built_from_default", op.method);
    let docs = Docs::new()
        .para(format!(
            "`{}`: users' tests can build the output from `Default` and its public fields.",
            op.wire
        ))
        .outer();
    Some(quote! {
        #docs
        #[test]
        fn #test_name() {
            let mut output = #output_type::default();
            #(#assignments)*
            let actual = encode(&output);
            let expected = json(#expected);
            assert_eq!(actual, expected);
        }
    })
}

/// The builder names the first required member that is not set, as an `InvalidInput` error.
fn missing_member_test(op: &OperationPlan<'_>, names: &mut Names) -> Option<TokenStream> {
    let first = op.input.iter().find(|f| !f.optional)?;
    let input_type = format_ident!("{}", op.input_type());
    names.ops.insert((op.method.clone(), op.input_type()));
    names.error_kind = true;
    let needle = format!("`{}`", first.wire);
    let test_name = format_ident!("{}_builder_names_a_missing_required_member", op.method);
    let docs = Docs::new()
        .para(format!(
            "`{}`: building without `{}` fails with `InvalidInput` naming it, before anything is \
             sent.",
            op.wire, first.wire
        ))
        .outer();
    Some(quote! {
        #docs
        #[test]
        fn #test_name() {
            let err = #input_type::builder().build().unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput);
            let message = err.to_string();
            assert!(message.contains(#needle), "{message}");
        }
    })
}

fn enum_test(
    spec: &str,
    rust: &str,
    kind: EnumKind,
    variants: &[super::plan::VariantPlan<'_>],
) -> TokenStream {
    let ty = format_ident!("{}", rust);
    let mut steps = Vec::new();
    for v in variants {
        let variant = format_ident!("{}", v.name);
        let text = match &v.value {
            EnumWireValue::Integer(i) => i.to_string(),
            EnumWireValue::String(s) => Value::from(s.as_str()).to_string(),
        };
        let text = raw_string(&text);
        steps.push(quote! {
            let value: #ty = decode(#text);
            assert_eq!(value, #ty::#variant);
            let actual = encode(&value);
            let expected = json(#text);
            assert_eq!(actual, expected);
        });
        if let EnumWireValue::Integer(i) = &v.value {
            let as_string = raw_string(&format!("\"{i}\""));
            steps.push(quote! {
                let value: #ty = decode(#as_string);
                assert_eq!(value, #ty::#variant);
            });
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
            quote! {
                let value: #ty = decode(#text);
                assert_eq!(value, #ty::Unknown(#lit));
                let actual = encode(&value);
                let expected = json(#text);
                assert_eq!(actual, expected);
            }
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
            quote! {
                let value: #ty = decode(#text);
                assert_eq!(value, #ty::Unknown(String::from(#fresh)));
                let actual = encode(&value);
                let expected = json(#text);
                assert_eq!(actual, expected);
            }
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
