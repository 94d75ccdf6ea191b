//! `src/types.rs`: the structures and enums that operations share.

use cloud_spec::EnumKind;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::docs::Docs;
use super::fields::{debug_impl, derive_debug, struct_field, RenameRule};
use super::plan::{EnumWireValue, FieldPlan, Plan, ShapePlan, VariantPlan};
use super::values::Scope;

pub(crate) fn types_file(plan: &Plan<'_>) -> TokenStream {
    let title = &plan.service.title;
    let docs = Docs::new()
        .para(format!(
            "Structures and enums of {title} that operations share."
        ))
        .para(
            "Structures are `#[non_exhaustive]`: members the vendor adds later do not break your \
             code. To build one (in tests, say), start from `Default::default()` and set its \
             public fields. Enums keep values the docs do not list in their `Unknown` variant.",
        )
        .inner();
    let fields = || {
        plan.shapes.values().flat_map(|s| match s {
            ShapePlan::Struct { fields, .. } => fields.as_slice(),
            ShapePlan::Enum { .. } => &[],
        })
    };
    let any_struct = plan
        .shapes
        .values()
        .any(|s| matches!(s, ShapePlan::Struct { .. }));
    let any_enum = plan
        .shapes
        .values()
        .any(|s| matches!(s, ShapePlan::Enum { .. }));
    let any_int_enum = plan.shapes.values().any(|s| {
        matches!(
            s,
            ShapePlan::Enum {
                kind: EnumKind::Integer,
                ..
            }
        )
    });
    let lenient = any_int_enum;
    let maps = fields().any(|f| f.ty.uses_map());
    let timestamps = plan_uses_timestamp(plan);

    // `use` lines in the order rustfmt keeps them: std, then other crates, then this crate.
    let mut uses = Vec::new();
    if maps {
        uses.push(quote!(
            use std::collections::BTreeMap;
        ));
    }
    let any_secret = fields().any(|f| f.member.sensitive);
    if any_enum || any_secret {
        uses.push(quote!(
            use std::fmt;
        ));
    }
    if timestamps {
        uses.push(quote!(
            pub use cloud_transport::codec::Timestamp;
        ));
    }
    if lenient {
        uses.push(quote!(
            use cloud_transport::codec;
        ));
    }
    match (any_struct, any_enum) {
        (true, true) => uses.push(quote!(
            use serde::{Deserialize, Deserializer, Serialize, Serializer};
        )),
        (true, false) => uses.push(quote!(
            use serde::{Deserialize, Serialize};
        )),
        (false, true) => uses.push(quote!(
            use serde::{Deserialize, Deserializer, Serialize, Serializer};
        )),
        (false, false) => {}
    }
    let items = plan.shapes.iter().map(|(name, shape)| match shape {
        ShapePlan::Struct { spec, rust, fields } => {
            let skip_none = plan.input_shapes.contains(name);
            struct_item(plan, &spec.docs, rust, fields, skip_none)
        }
        ShapePlan::Enum {
            spec,
            rust,
            kind,
            variants,
        } => enum_item(&spec.docs, rust, *kind, variants),
    });
    quote! {
        #docs
        #(#uses)*
        #(#items)*
    }
}

/// Whether any generated field anywhere is a `Timestamp` (then `types` re-exports it).
pub(crate) fn plan_uses_timestamp(plan: &Plan<'_>) -> bool {
    let shape_fields = plan.shapes.values().flat_map(|s| match s {
        ShapePlan::Struct { fields, .. } => fields.as_slice(),
        ShapePlan::Enum { .. } => &[],
    });
    let op_fields = plan
        .operations
        .iter()
        .flat_map(|op| op.input.iter().chain(&op.output));
    shape_fields.chain(op_fields).any(|f| f.ty.uses_timestamp())
}

fn shape_docs(docs: &str, rust: &str) -> Docs {
    if docs.trim().is_empty() {
        Docs::new().para(format!("The `{rust}` structure."))
    } else {
        Docs::new().vendor(docs)
    }
}

fn struct_item(
    plan: &Plan<'_>,
    docs: &str,
    rust: &str,
    fields: &[FieldPlan<'_>],
    skip_none: bool,
) -> TokenStream {
    let docs = shape_docs(docs, rust).outer();
    let name = format_ident!("{}", rust);
    let rule = RenameRule::for_fields(fields);
    let container = rule.container_attr();
    let debug = derive_debug(fields);
    let debug_impl = debug_impl(rust, fields);
    let fields = fields
        .iter()
        .map(|f| struct_field(plan.service.vendor, f, rule, skip_none, Scope::Types));
    quote! {
        #docs
        #[derive(#debug Clone, Default, PartialEq, Serialize, Deserialize)]
        #container
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        #debug_impl
    }
}

fn enum_item(docs: &str, rust: &str, kind: EnumKind, variants: &[VariantPlan<'_>]) -> TokenStream {
    let name = format_ident!("{}", rust);
    let wire_type = match kind {
        EnumKind::Integer => "integers",
        EnumKind::String => "strings",
    };
    let docs = shape_docs(docs, rust)
        .para(format!(
            "On the wire: {wire_type}. Values the docs do not list are kept in \
             [`{rust}::Unknown`] and written back unchanged."
        ))
        .outer();
    let variant_items = variants.iter().enumerate().map(|(i, v)| {
        let ident = format_ident!("{}", v.name);
        let wire = match &v.value {
            EnumWireValue::Integer(i) => i.to_string(),
            EnumWireValue::String(s) => format!("{s:?}"),
        };
        let mut docs = if v.docs.trim().is_empty() {
            Docs::new().para(format!("`{wire}`."))
        } else {
            Docs::new()
                .vendor(v.docs)
                .para(format!("On the wire: `{wire}`."))
        };
        let default = if i == 0 {
            docs = docs.para(format!(
                "The `Default`, so that structures holding a `{rust}` can derive it."
            ));
            quote!(#[default])
        } else {
            TokenStream::new()
        };
        let docs = docs.outer();
        quote! {
            #docs
            #default
            #ident,
        }
    });
    let (raw_type, unknown_docs) = match kind {
        EnumKind::Integer => (quote!(i64), "A value the docs did not list, as sent."),
        EnumKind::String => (quote!(String), "A value the docs did not list, as sent."),
    };
    let unknown_docs = Docs::new()
        .para(unknown_docs)
        .para(
            "Build values with `From`, which maps documented values to their variants; a value \
             that is `Unknown` today may get its own variant in a later version.",
        )
        .outer();
    let enum_item = quote! {
        #docs
        #[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variant_items)*
            #unknown_docs
            Unknown(#raw_type),
        }
    };
    let impls = match kind {
        EnumKind::Integer => integer_enum_impls(&name, variants),
        EnumKind::String => string_enum_impls(&name, variants),
    };
    quote! {
        #enum_item
        #impls
    }
}

fn integer_enum_impls(name: &proc_macro2::Ident, variants: &[VariantPlan<'_>]) -> TokenStream {
    let to_wire = variants.iter().map(|v| {
        let ident = format_ident!("{}", v.name);
        let value = wire_literal(&v.value);
        quote!(Self::#ident => #value,)
    });
    let from_wire = variants.iter().map(|v| {
        let ident = format_ident!("{}", v.name);
        let value = wire_literal(&v.value);
        quote!(#value => Self::#ident,)
    });
    quote! {
        impl #name {
            /// The value on the wire.
            pub fn value(&self) -> i64 {
                match self {
                    #(#to_wire)*
                    Self::Unknown(value) => *value,
                }
            }
        }

        impl From<i64> for #name {
            fn from(value: i64) -> Self {
                match value {
                    #(#from_wire)*
                    other => Self::Unknown(other),
                }
            }
        }

        impl fmt::Display for #name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.value(), f)
            }
        }

        impl Serialize for #name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.value())
            }
        }

        /// Also accepts the integer written as a string (`"1"`), as services sometimes send it.
        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value: i64 = codec::lenient(deserializer)?;
                Ok(Self::from(value))
            }
        }
    }
}

fn string_enum_impls(name: &proc_macro2::Ident, variants: &[VariantPlan<'_>]) -> TokenStream {
    let to_wire = variants.iter().map(|v| {
        let ident = format_ident!("{}", v.name);
        let value = wire_literal(&v.value);
        quote!(Self::#ident => #value,)
    });
    let from_wire = variants.iter().map(|v| {
        let ident = format_ident!("{}", v.name);
        let value = wire_literal(&v.value);
        quote!(#value => Self::#ident,)
    });
    quote! {
        impl #name {
            /// The value on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_wire)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_wire)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl fmt::Display for #name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for #name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = String::deserialize(deserializer)?;
                Ok(Self::from(value.as_str()))
            }
        }
    }
}

fn wire_literal(value: &EnumWireValue) -> TokenStream {
    match value {
        EnumWireValue::Integer(i) if *i < 0 => {
            let lit = Literal::u64_unsuffixed(i.unsigned_abs());
            quote!(-#lit)
        }
        EnumWireValue::Integer(i) => {
            let lit = Literal::i64_unsuffixed(*i);
            quote!(#lit)
        }
        EnumWireValue::String(s) => quote!(#s),
    }
}
