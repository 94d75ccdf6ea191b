//! Struct fields and builder setters, shared by operation inputs and outputs and by shapes.
//!
//! Serde attributes are kept to what a hand-written struct would need: one `rename_all` on the
//! struct when the wire names follow a case convention, `rename` on the members that do not
//! (acronyms: `DBInstanceId`), and `skip_serializing_if` on optional members of the structures
//! requests hold (an input's own absent members are left out by `operations::Request`, which
//! sends the input). Numbers sent as strings need no attribute: responses are decoded with
//! `cloud_transport::codec::from_value`, which accepts them wherever a number is expected.

use cloud_spec::{Location, Vendor};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::Docs;
use super::plan::{FieldPlan, RustType};
use super::values::{type_tokens_in, Scope};

/// A serde `rename_all` rule and the name it gives a Rust field on the wire, as serde computes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RenameRule {
    /// The Rust name as it is (snake_case).
    None,
    /// `db_instance_id` → `DbInstanceId`.
    Pascal,
    /// `db_instance_id` → `dbInstanceId`.
    Camel,
}

impl RenameRule {
    /// The wire name serde gives `field` under this rule.
    pub fn apply(self, field: &str) -> String {
        match self {
            RenameRule::None => field.to_owned(),
            RenameRule::Pascal => {
                let mut out = String::with_capacity(field.len());
                let mut capitalize = true;
                for c in field.chars() {
                    if c == '_' {
                        capitalize = true;
                    } else if capitalize {
                        out.push(c.to_ascii_uppercase());
                        capitalize = false;
                    } else {
                        out.push(c);
                    }
                }
                out
            }
            RenameRule::Camel => {
                let pascal = RenameRule::Pascal.apply(field);
                let mut chars = pascal.chars();
                match chars.next() {
                    Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
                    None => pascal,
                }
            }
        }
    }

    /// The rule that leaves the fewest members needing their own `rename` (ties: none, then
    /// PascalCase).
    pub fn for_fields(fields: &[FieldPlan<'_>]) -> RenameRule {
        let misses = |rule: RenameRule| {
            fields
                .iter()
                .filter(|f| rule.apply(&f.name) != f.wire)
                .count()
        };
        let mut best = RenameRule::None;
        for rule in [RenameRule::Pascal, RenameRule::Camel] {
            if misses(rule) < misses(best) {
                best = rule;
            }
        }
        best
    }

    /// `#[serde(rename_all = "...")]`, or nothing.
    pub fn container_attr(self) -> TokenStream {
        match self {
            RenameRule::None => TokenStream::new(),
            RenameRule::Pascal => quote!(#[serde(rename_all = "PascalCase")]),
            RenameRule::Camel => quote!(#[serde(rename_all = "camelCase")]),
        }
    }
}

/// The docs of a member: the vendor's text, or a line naming it when the spec has none, plus where
/// a REST member is sent.
pub(crate) fn member_docs(vendor: Vendor, field: &FieldPlan<'_>, scope: Scope) -> Docs {
    let docs = if vendor == Vendor::Tencent && field.wire == "RequestId" {
        // Every Tencent response ends with the same three lines about it.
        Docs::new().para("The request ID: quote it when asking Tencent Cloud about this call.")
    } else if field.member.docs.trim().is_empty() {
        Docs::new().para(format!("The `{}` member.", field.wire))
    } else {
        Docs::new().vendor(&field.member.docs)
    };
    let docs = match (&field.ty, &field.member.format) {
        (RustType::Timestamp, Some(format)) => {
            let path = match scope {
                Scope::Types => "Timestamp",
                Scope::Operations => "types::Timestamp",
            };
            docs.para(format!(
                "Text format: `{format}`; [`{path}::to_system_time`] parses it."
            ))
        }
        _ => docs,
    };
    let docs = match field.member.location {
        Some(Location::Path) => {
            docs.para(format!("Sent in the request path as `{{{}}}`.", field.wire))
        }
        Some(Location::Query) => {
            docs.para(format!("Sent in the query string as `{}`.", field.wire))
        }
        Some(Location::Header) => docs.para(format!("Sent as the `{}` header.", field.wire)),
        _ => docs,
    };
    if field.member.sensitive {
        docs.para("A secret: `Debug` output shows `***` in its place.")
    } else {
        docs
    }
}

/// `Debug, ` for a struct's derive list, unless a member holds a secret: the struct then gets
/// [`debug_impl`] instead.
pub(crate) fn derive_debug(fields: &[FieldPlan<'_>]) -> TokenStream {
    if has_secrets(fields) {
        TokenStream::new()
    } else {
        quote!(Debug,)
    }
}

/// Whether a member holds a secret (`sensitive` in the spec).
pub(crate) fn has_secrets(fields: &[FieldPlan<'_>]) -> bool {
    fields.iter().any(|f| f.member.sensitive)
}

/// For a struct with secret members, the `Debug` impl `derive` would write, except that secrets
/// print as `***` (`Some("***")` when set, `None` when not, so the output still says whether one
/// was given). Nothing otherwise: the struct derives `Debug`.
pub(crate) fn debug_impl(name: &str, fields: &[FieldPlan<'_>]) -> TokenStream {
    if !has_secrets(fields) {
        return TokenStream::new();
    }
    let ident = format_ident!("{}", name);
    let entries = fields.iter().map(|f| {
        let field = format_ident!("{}", f.name);
        let label = &f.name;
        let value = match (f.member.sensitive, f.optional) {
            (false, _) => quote!(&self.#field),
            (true, true) => quote!(&self.#field.as_ref().map(|_| "***")),
            (true, false) => quote!(&"***"),
        };
        quote!(.field(#label, #value))
    });
    let allow = if fields.iter().any(|f| f.member.deprecated) {
        quote!(#[allow(deprecated)])
    } else {
        TokenStream::new()
    };
    quote! {
        /// Like the derived `Debug`, with secrets shown as `***`.
        #allow
        impl fmt::Debug for #ident {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(#name)
                    #(#entries)*
                    .finish()
            }
        }
    }
}

/// `#[deprecated]` when the vendor deprecated the member.
pub(crate) fn deprecated(field: &FieldPlan<'_>) -> TokenStream {
    if field.member.deprecated {
        quote!(#[deprecated(note = "deprecated by the vendor")])
    } else {
        TokenStream::new()
    }
}

/// One `pub` field with its docs and serde attributes. `skip_none`: the struct is written into
/// requests, where an absent member is left out rather than sent as `null`.
pub(crate) fn struct_field(
    vendor: Vendor,
    field: &FieldPlan<'_>,
    rule: RenameRule,
    skip_none: bool,
    scope: Scope,
) -> TokenStream {
    let docs = member_docs(vendor, field, scope).outer();
    let deprecated = deprecated(field);
    let name = format_ident!("{}", field.name);
    let ty = type_tokens_in(&field.ty, scope);
    let mut serde_args = Vec::new();
    if rule.apply(&field.name) != field.wire {
        let wire = field.wire;
        serde_args.push(quote!(rename = #wire));
    }
    if field.optional && skip_none {
        serde_args.push(quote!(skip_serializing_if = "Option::is_none"));
    }
    let serde_attr = if serde_args.is_empty() {
        TokenStream::new()
    } else {
        quote!(#[serde(#(#serde_args),*)])
    };
    let ty = if field.optional {
        quote!(Option<#ty>)
    } else {
        ty
    };
    quote! {
        #docs
        #deprecated
        #serde_attr
        pub #name: #ty,
    }
}

/// The parameter type of a setter and the expression that turns the parameter into the value:
/// string-like members take `impl Into<_>`, lists any iterator.
pub(crate) fn setter_param(ty: &RustType, scope: Scope) -> (TokenStream, TokenStream) {
    match ty {
        RustType::String => (quote!(impl Into<String>), quote!(value.into())),
        RustType::Timestamp => {
            let ty = type_tokens_in(ty, scope);
            (quote!(impl Into<#ty>), quote!(value.into()))
        }
        RustType::List(inner) if **inner == RustType::String => (
            quote!(impl IntoIterator<Item: Into<String>>),
            quote!(value.into_iter().map(Into::into).collect()),
        ),
        RustType::List(inner) => {
            let inner = type_tokens_in(inner, scope);
            (
                quote!(impl IntoIterator<Item = #inner>),
                quote!(value.into_iter().collect()),
            )
        }
        other => (type_tokens_in(other, scope), quote!(value)),
    }
}

#[cfg(test)]
mod tests {
    use super::RenameRule;

    #[test]
    fn rename_rules_match_serde() {
        assert_eq!(RenameRule::Pascal.apply("db_instance_id"), "DbInstanceId");
        assert_eq!(RenameRule::Pascal.apply("ipv6_address"), "Ipv6Address");
        assert_eq!(RenameRule::Camel.apply("ssl_option"), "sslOption");
        assert_eq!(RenameRule::None.apply("ssl_option"), "ssl_option");
    }
}
