//! Struct fields and builder setters, shared by operation inputs and outputs and by shapes.

use cloud_spec::Location;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::Docs;
use super::plan::{FieldPlan, RustType};
use super::values::type_tokens;

/// The docs of a member: the vendor's text, or a line naming it when the spec has none, plus where
/// a REST member is sent.
pub(crate) fn member_docs(field: &FieldPlan<'_>) -> Docs {
    let docs = if field.member.docs.trim().is_empty() {
        Docs::new().para(format!("The `{}` member.", field.wire))
    } else {
        Docs::new().vendor(&field.member.docs)
    };
    let docs = match (&field.ty, &field.member.format) {
        (RustType::Timestamp, Some(format)) => docs.para(format!(
            "Text format: `{format}`; [`Timestamp::to_system_time`] parses it."
        )),
        _ => docs,
    };
    match field.member.location {
        Some(Location::Path) => {
            docs.para(format!("Sent in the request path as `{{{}}}`.", field.wire))
        }
        Some(Location::Query) => {
            docs.para(format!("Sent in the query string as `{}`.", field.wire))
        }
        Some(Location::Header) => docs.para(format!("Sent as the `{}` header.", field.wire)),
        _ => docs,
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

/// One `pub` field with its docs and serde attributes: rename from the wire name, skip `None`
/// when writing, and accept numbers sent as strings when reading.
pub(crate) fn struct_field(field: &FieldPlan<'_>) -> TokenStream {
    field_with_docs(field, member_docs(field))
}

/// [`struct_field`] with other docs.
pub(crate) fn field_with_docs(field: &FieldPlan<'_>, docs: Docs) -> TokenStream {
    let docs = docs.outer();
    let deprecated = deprecated(field);
    let name = format_ident!("{}", field.name);
    let ty = type_tokens(&field.ty);
    let mut serde_args = Vec::new();
    if field.wire != field.name {
        let wire = field.wire;
        serde_args.push(quote!(rename = #wire));
    }
    if field.optional {
        // An absent `Option` member reads as `None` by itself, except with `deserialize_with`.
        if field.ty.is_lenient() {
            serde_args.push(quote!(default));
        }
        serde_args.push(quote!(skip_serializing_if = "Option::is_none"));
    }
    if field.ty.is_lenient() {
        serde_args.push(quote!(deserialize_with = "codec::lenient"));
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
pub(crate) fn setter_param(ty: &RustType) -> (TokenStream, TokenStream) {
    match ty {
        RustType::String => (quote!(impl Into<String>), quote!(value.into())),
        RustType::Timestamp => (quote!(impl Into<Timestamp>), quote!(value.into())),
        RustType::List(inner) if **inner == RustType::String => (
            quote!(impl IntoIterator<Item = impl Into<String>>),
            quote!(value.into_iter().map(Into::into).collect()),
        ),
        RustType::List(inner) => {
            let inner = type_tokens(inner);
            (
                quote!(impl IntoIterator<Item = #inner>),
                quote!(value.into_iter().collect()),
            )
        }
        other => (type_tokens(other), quote!(value)),
    }
}
