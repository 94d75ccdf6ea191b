//! Example code in the docs: one per operation (on its client method) and one for the crate (lib.rs
//! and README.md). Examples are built as tokens and formatted by prettyplease like the rest of the
//! code, so they read the same; rustdoc compiles every one of them (`no_run`: they would call the
//! real service).

use std::collections::BTreeSet;

use proc_macro2::{TokenStream, TokenTree};
use quote::{format_ident, quote};

use super::operation::example_inputs;
use super::plan::{OperationPlan, Plan};
use super::values::{Mode, Values};
use super::EmitError;

fn internal(message: String) -> EmitError {
    EmitError {
        path: "(generated example)".to_owned(),
        message,
    }
}

/// Formats statements as source lines (indented for a function body, then dedented).
pub(crate) fn format_statements(statements: TokenStream) -> Result<Vec<String>, EmitError> {
    let file: syn::File = syn::parse2(quote! { fn wrapper() { #statements } })
        .map_err(|e| internal(format!("internal error: example code does not parse: {e}")))?;
    let text = prettyplease::unparse(&file);
    let lines: Vec<&str> = text.lines().collect();
    // `fn wrapper() {`, the body, `}`.
    let body = lines
        .get(1..lines.len().saturating_sub(1))
        .unwrap_or_default();
    Ok(body
        .iter()
        .map(|l| l.strip_prefix("    ").unwrap_or(l).to_owned())
        .collect())
}

/// Every identifier in `tokens`.
pub(crate) fn idents(tokens: &TokenStream, out: &mut BTreeSet<String>) {
    for tree in tokens.clone() {
        match tree {
            TokenTree::Ident(ident) => {
                out.insert(ident.to_string());
            }
            TokenTree::Group(group) => idents(&group.stream(), out),
            _ => {}
        }
    }
}

/// `client.method().member(value)...` (without `.send()`), and the `use` lines of the types it
/// names.
pub(crate) fn request(
    plan: &Plan<'_>,
    op: &OperationPlan<'_>,
) -> Result<(TokenStream, Vec<String>), EmitError> {
    let values = Values { plan };
    let method = format_ident!("{}", op.method);
    let mut setters = Vec::new();
    for (field, value) in example_inputs(op, &values) {
        let name = format_ident!("{}", field.name);
        let path = format!("operations.{}.input.{}", op.wire, field.wire);
        let arg = values.setter_arg(&field.ty, &value, &path, Mode::Doc)?;
        setters.push(quote!(.#name(#arg)));
    }
    let request = quote!(client.#method() #(#setters)*);
    let mut used = BTreeSet::new();
    idents(&request, &mut used);
    let lib = &plan.lib_name;
    let mut types: Vec<&str> = plan
        .shapes
        .values()
        .map(|s| s.rust_name())
        .chain(["Timestamp"])
        .filter(|name| used.contains(*name))
        .collect();
    types.sort_unstable();
    let mut uses = Vec::new();
    if used.contains("BTreeMap") {
        uses.push("use std::collections::BTreeMap;".to_owned());
    }
    match types.as_slice() {
        [] => {}
        [one] => uses.push(format!("use {lib}::types::{one};")),
        many => uses.push(format!("use {lib}::types::{{{}}};", many.join(", "))),
    }
    Ok((request, uses))
}

/// The example on an operation's client method, fenced: the call with the documented example's
/// members, inside a hidden `async fn` that rustdoc compiles (`no_run`: it would call the service).
pub(crate) fn operation_example(
    plan: &Plan<'_>,
    op: &OperationPlan<'_>,
) -> Result<Vec<String>, EmitError> {
    let (request, uses) = request(plan, op)?;
    let mut used = BTreeSet::new();
    idents(&request, &mut used);
    let body = match short_call(plan, op)? {
        Some(lines) => lines,
        None => format_statements(quote! {
            let output = #request.send().await?;
        })?,
    };
    let lib = &plan.lib_name;
    // Building a structure from its documented JSON can fail too, with a serde_json error.
    let result = if used.contains("serde_json") {
        "Result<(), Box<dyn std::error::Error>>".to_owned()
    } else {
        format!("{lib}::Result<()>")
    };
    let mut lines = vec!["```no_run".to_owned()];
    lines.extend(uses);
    if op.spec.deprecated || op.input.iter().any(|f| f.member.deprecated) {
        lines.push("# #[allow(deprecated)]".to_owned());
    }
    lines.push(format!(
        "# async fn example(client: {lib}::Client) -> {result} {{"
    ));
    lines.extend(body);
    lines.push("# Ok(()) }".to_owned());
    lines.push("```".to_owned());
    Ok(lines)
}

/// The call of [`operation_example`] on one line, or on two (`let request = ...;` then
/// `let output = request.send().await?;`), when that fits in a 100-column doc comment
/// (prettyplease breaks a chain of calls earlier, one call a line).
fn short_call(plan: &Plan<'_>, op: &OperationPlan<'_>) -> Result<Option<Vec<String>>, EmitError> {
    const WIDTH: usize = 100 - "    /// ".len();
    let values = Values { plan };
    let mut request = format!("client.{}()", op.method);
    for (field, value) in example_inputs(op, &values) {
        let path = format!("operations.{}.input.{}", op.wire, field.wire);
        let arg = values.setter_arg(&field.ty, &value, &path, Mode::Doc)?;
        let formatted = format_statements(quote!(#arg;))?;
        let [arg] = formatted.as_slice() else {
            return Ok(None);
        };
        request.push_str(&format!(".{}({})", field.name, arg.trim_end_matches(';')));
    }
    let one = format!("let output = {request}.send().await?;");
    let first = format!("let request = {request};");
    Ok(if one.chars().count() <= WIDTH {
        Some(vec![one])
    } else if first.chars().count() <= WIDTH {
        Some(vec![
            first,
            "let output = request.send().await?;".to_owned(),
        ])
    } else {
        None
    })
}

/// The operation the crate-level example calls: the first read-only one, else the first.
pub(crate) fn showcase<'p, 's>(plan: &'p Plan<'s>) -> Option<&'p OperationPlan<'s>> {
    plan.operations
        .iter()
        .find(|op| op.spec.read_only)
        .or_else(|| plan.operations.first())
}

/// The code the crate example matches: the showcase operation's first own code (one that is
/// not also service-wide). `(constant, code)`.
pub(crate) fn showcase_error<'p>(plan: &'p Plan<'_>) -> Option<(&'p str, &'p str)> {
    own_codes(plan, showcase(plan)?).into_iter().next()
}

/// The code the `error_codes` example compares with: some operation's own code, else any.
pub(crate) fn example_error<'p>(plan: &'p Plan<'_>) -> Option<(&'p str, &'p str)> {
    showcase_error(plan)
        .or_else(|| {
            plan.operations
                .iter()
                .find_map(|op| own_codes(plan, op).into_iter().next())
        })
        .or_else(|| plan.error_codes.first().map(|c| (c.name.as_str(), c.code)))
}

/// An operation's documented codes that are not service-wide, as `(constant, code)`.
fn own_codes<'p>(plan: &'p Plan<'_>, op: &'p OperationPlan<'_>) -> Vec<(&'p str, &'p str)> {
    let common = |code: &str| plan.error_codes.iter().any(|c| c.code == code && c.common);
    op.error_constants
        .iter()
        .zip(&op.spec.errors)
        .map(|(constant, e)| (constant.as_str(), e.code.as_str()))
        .filter(|(_, code)| !common(code))
        .collect()
}

/// A whole program for the README and the crate docs (without fences): configure, call, and
/// match a documented error code when the operation documents one.
pub(crate) fn crate_example(plan: &Plan<'_>) -> Result<Vec<String>, EmitError> {
    let Some(op) = showcase(plan) else {
        return Ok(Vec::new());
    };
    let (request, type_uses) = request(plan, op)?;
    let lib = format_ident!("{}", plan.lib_name);
    let (region, credentials) = match plan.service.vendor {
        cloud_spec::Vendor::Tencent => (
            "ap-guangzhou",
            "// Credentials come from TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY, or from\n    // the profile file of Tencent Cloud's official SDKs.",
        ),
        cloud_spec::Vendor::Huawei => (
            "cn-north-4",
            "// Credentials come from HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, or from the profile\n    // file of Huawei Cloud's official SDKs; the project ID from HUAWEICLOUD_SDK_PROJECT_ID\n    // or, when unset, from IAM.",
        ),
    };
    let program = match showcase_error(plan) {
        Some((constant, code)) => {
            let constant = format_ident!("{}", constant);
            let message = format!("{code}: {{err}}");
            quote! {
                use #lib::{error_codes, Client, Config};

                #[tokio::main]
                async fn main() -> Result<(), Box<dyn std::error::Error>> {
                    let config = Config::builder().region(#region).build()?;
                    let client = Client::new(config);
                    match #request.send().await {
                        Ok(output) => println!("{output:?}"),
                        Err(err) if err.is_code(error_codes::#constant) => eprintln!(#message),
                        Err(err) => return Err(err.into()),
                    }
                    Ok(())
                }
            }
        }
        None => quote! {
            use #lib::{Client, Config};

            #[tokio::main]
            async fn main() -> Result<(), Box<dyn std::error::Error>> {
                let config = Config::builder().region(#region).build()?;
                let client = Client::new(config);
                match #request.send().await {
                    Ok(output) => println!("{output:?}"),
                    Err(err) => eprintln!("failed (code {:?}): {err}", err.code()),
                }
                Ok(())
            }
        },
    };
    let file: syn::File = syn::parse2(program)
        .map_err(|e| internal(format!("internal error: example code does not parse: {e}")))?;
    let text = prettyplease::unparse(&file);
    let mut lines: Vec<String> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("let config") {
            lines.extend(
                credentials
                    .lines()
                    .map(|l| format!("    {}", l.trim_start())),
            );
        }
        if line.starts_with("#[tokio::main]") {
            lines.push(String::new());
        }
        lines.push(line.to_owned());
        if i == 0 {
            // After `use <crate>::{...};`, still sorted.
            lines.extend(type_uses.iter().cloned());
        }
    }
    Ok(lines)
}
