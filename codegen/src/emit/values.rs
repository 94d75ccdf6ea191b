//! Example values: JSON from the spec turned into Rust expressions (for generated tests and doc
//! examples), into the JSON the generated types write back, and synthetic samples for the
//! robustness tests.

use cloud_spec::{EnumKind, IntWidth};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::{Map, Number, Value};

use super::plan::{EnumWireValue, FieldPlan, Plan, RustType, ShapePlan};
use super::EmitError;

/// Where an expression goes: a test (`.unwrap()` on fallible parts) or a doc example (`?`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Test,
    Doc,
}

/// Turns spec JSON into Rust for one service.
pub(crate) struct Values<'p, 's> {
    pub plan: &'p Plan<'s>,
}

fn mismatch(path: &str, ty: &RustType, value: &Value) -> EmitError {
    EmitError {
        path: path.to_owned(),
        message: format!("the example value `{value}` does not fit the type {ty:?}"),
    }
}

/// Where a type is written: next to the shapes (`src/types.rs`, and tests and examples, which
/// import them), or in `src/operations.rs`, which names them through the module
/// (`types::Filter`), so that no shape name can clash with the operations' own items.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    Types,
    Operations,
}

/// The Rust type, as written in generated code (`BTreeMap` imported).
pub(crate) fn type_tokens(ty: &RustType) -> TokenStream {
    type_tokens_in(ty, Scope::Types)
}

/// [`type_tokens`] for code written in `scope`.
pub(crate) fn type_tokens_in(ty: &RustType, scope: Scope) -> TokenStream {
    let shape = |name: &str| {
        let ident = format_ident!("{}", name);
        match scope {
            Scope::Types => quote!(#ident),
            Scope::Operations => quote!(types::#ident),
        }
    };
    match ty {
        RustType::String => quote!(String),
        RustType::Bool => quote!(bool),
        RustType::Integer(IntWidth::I32) => quote!(i32),
        RustType::Integer(IntWidth::I64) => quote!(i64),
        RustType::Integer(IntWidth::U64) => quote!(u64),
        RustType::Float => quote!(f64),
        RustType::Timestamp => shape("Timestamp"),
        RustType::Json => quote!(serde_json::Value),
        RustType::List(inner) => {
            let inner = type_tokens_in(inner, scope);
            quote!(Vec<#inner>)
        }
        RustType::Map(inner) => {
            let inner = type_tokens_in(inner, scope);
            quote!(BTreeMap<String, #inner>)
        }
        RustType::Struct { rust, .. } | RustType::Enum { rust, .. } => shape(rust),
    }
}

/// An integer from a JSON number or a numeric string (documented examples drift like the service).
fn as_i128(value: &Value) -> Option<i128> {
    match value {
        Value::Number(n) => n
            .as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn as_f64(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok().filter(|f: &f64| f.is_finite()),
        _ => None,
    }
}

fn integer_fits(width: IntWidth, v: i128) -> bool {
    match width {
        IntWidth::I32 => i32::try_from(v).is_ok(),
        IntWidth::I64 => i64::try_from(v).is_ok(),
        IntWidth::U64 => u64::try_from(v).is_ok(),
    }
}

fn int_literal(v: i128) -> TokenStream {
    let lit = Literal::u128_unsuffixed(v.unsigned_abs());
    if v < 0 {
        quote!(-#lit)
    } else {
        quote!(#lit)
    }
}

fn float_literal(v: f64) -> TokenStream {
    let lit = Literal::f64_unsuffixed(v.abs());
    if v < 0.0 {
        quote!(-#lit)
    } else {
        quote!(#lit)
    }
}

/// A raw string literal holding `text`, with enough `#`s.
pub(crate) fn raw_string(text: &str) -> TokenStream {
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    let literal = format!("r{hashes}\"{text}\"{hashes}");
    literal
        .parse::<Literal>()
        .map(|l| quote!(#l))
        .unwrap_or_else(|_| {
            let plain = Literal::string(text);
            quote!(#plain)
        })
}

impl<'s> Values<'_, 's> {
    fn shape(&self, spec: &str) -> Option<&ShapePlan<'s>> {
        self.plan.shapes.get(spec)
    }

    /// A Rust expression of type `ty` (not wrapped in `Option`) holding `value`.
    pub fn expr(
        &self,
        ty: &RustType,
        value: &Value,
        path: &str,
        mode: Mode,
    ) -> Result<TokenStream, EmitError> {
        let bad = || mismatch(path, ty, value);
        Ok(match ty {
            RustType::String => {
                let s = value.as_str().ok_or_else(bad)?;
                quote!(String::from(#s))
            }
            RustType::Bool => {
                let b = value.as_bool().ok_or_else(bad)?;
                quote!(#b)
            }
            RustType::Integer(width) => {
                let v = as_i128(value)
                    .filter(|v| integer_fits(*width, *v))
                    .ok_or_else(bad)?;
                int_literal(v)
            }
            RustType::Float => float_literal(as_f64(value).ok_or_else(bad)?),
            RustType::Timestamp => {
                let s = value.as_str().ok_or_else(bad)?;
                quote!(Timestamp::new(#s))
            }
            RustType::Json => parse_json_expr(quote!(serde_json::Value), value, mode),
            RustType::List(inner) => {
                let items = value.as_array().ok_or_else(bad)?;
                if items.is_empty() {
                    quote!(Vec::new())
                } else {
                    let items = items
                        .iter()
                        .enumerate()
                        .map(|(i, v)| self.expr(inner, v, &format!("{path}[{i}]"), mode))
                        .collect::<Result<Vec<_>, _>>()?;
                    quote!(Vec::from([#(#items),*]))
                }
            }
            RustType::Map(inner) => {
                let entries = value.as_object().ok_or_else(bad)?;
                let entries = entries
                    .iter()
                    .map(|(k, v)| {
                        let v = self.expr(inner, v, &format!("{path}.{k}"), mode)?;
                        Ok(quote!((String::from(#k), #v)))
                    })
                    .collect::<Result<Vec<_>, EmitError>>()?;
                quote!(BTreeMap::from([#(#entries),*]))
            }
            RustType::Enum { spec, rust, kind } => {
                self.enum_expr(spec, rust, *kind, value, path)?
            }
            RustType::Struct { rust, .. } => {
                if !value.is_object() {
                    return Err(bad());
                }
                let ident = format_ident!("{}", rust);
                parse_json_expr(quote!(#ident), &self.normalize(ty, value), mode)
            }
        })
    }

    fn enum_expr(
        &self,
        spec: &str,
        rust: &str,
        kind: EnumKind,
        value: &Value,
        path: &str,
    ) -> Result<TokenStream, EmitError> {
        let ident = format_ident!("{}", rust);
        let wire = match kind {
            EnumKind::Integer => as_i128(value)
                .and_then(|v| i64::try_from(v).ok())
                .map(EnumWireValue::Integer),
            EnumKind::String => value.as_str().map(|s| EnumWireValue::String(s.to_owned())),
        };
        let wire = wire.ok_or_else(|| EmitError {
            path: path.to_owned(),
            message: format!("the example value `{value}` does not fit the enum `{spec}`"),
        })?;
        if let Some(ShapePlan::Enum { variants, .. }) = self.shape(spec) {
            if let Some(v) = variants.iter().find(|v| v.value == wire) {
                let variant = format_ident!("{}", v.name);
                return Ok(quote!(#ident::#variant));
            }
        }
        Ok(match wire {
            EnumWireValue::Integer(i) => {
                let lit = int_literal(i128::from(i));
                quote!(#ident::Unknown(#lit))
            }
            EnumWireValue::String(s) => quote!(#ident::Unknown(String::from(#s))),
        })
    }

    /// The argument a builder setter for a field of type `ty` takes for `value`: string-like
    /// setters take `impl Into<_>`, list setters any iterator.
    pub fn setter_arg(
        &self,
        ty: &RustType,
        value: &Value,
        path: &str,
        mode: Mode,
    ) -> Result<TokenStream, EmitError> {
        let bad = || mismatch(path, ty, value);
        match ty {
            RustType::String | RustType::Timestamp => {
                let s = value.as_str().ok_or_else(bad)?;
                Ok(quote!(#s))
            }
            RustType::List(inner) => {
                let items = value.as_array().ok_or_else(bad)?;
                if items.is_empty() {
                    let inner = type_tokens(inner);
                    return Ok(quote!(Vec::<#inner>::new()));
                }
                let items = items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let path = format!("{path}[{i}]");
                        match **inner {
                            RustType::String => self.setter_arg(inner, v, &path, mode),
                            _ => self.expr(inner, v, &path, mode),
                        }
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(quote!([#(#items),*]))
            }
            _ => self.expr(ty, value, path, mode),
        }
    }

    /// The JSON the generated type writes for `value`: unknown members dropped, numbers as
    /// numbers of the member's type, and absent or `null` optional members left out (structures
    /// requests hold) or written as `null` (the rest).
    pub fn normalize(&self, ty: &RustType, value: &Value) -> Value {
        match (ty, value) {
            (RustType::Integer(_), v) => match as_i128(v) {
                Some(i) => i64::try_from(i)
                    .map(Value::from)
                    .or_else(|_| u64::try_from(i).map(Value::from))
                    .unwrap_or_else(|_| v.clone()),
                None => v.clone(),
            },
            (RustType::Float, v) => as_f64(v)
                .and_then(Number::from_f64)
                .map(Value::Number)
                .unwrap_or_else(|| v.clone()),
            (
                RustType::Enum {
                    kind: EnumKind::Integer,
                    ..
                },
                v,
            ) => match as_i128(v) {
                Some(i) => i64::try_from(i)
                    .map(Value::from)
                    .unwrap_or_else(|_| v.clone()),
                None => v.clone(),
            },
            (RustType::List(inner), Value::Array(items)) => {
                Value::Array(items.iter().map(|v| self.normalize(inner, v)).collect())
            }
            (RustType::Map(inner), Value::Object(entries)) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), self.normalize(inner, v)))
                    .collect(),
            ),
            (RustType::Struct { spec, .. }, Value::Object(object)) => match self.shape(spec) {
                Some(ShapePlan::Struct { fields, .. }) => {
                    let skip_none = self.plan.input_shapes.contains(spec.as_str());
                    Value::Object(self.normalize_fields(fields, object, skip_none))
                }
                _ => value.clone(),
            },
            _ => value.clone(),
        }
    }

    /// [`Values::normalize`] for the members of a struct; `skip_none`: the struct leaves out
    /// `None` members rather than writing `null`.
    pub fn normalize_fields(
        &self,
        fields: &[FieldPlan<'_>],
        object: &Map<String, Value>,
        skip_none: bool,
    ) -> Map<String, Value> {
        let mut out = Map::new();
        for field in fields {
            match object.get(field.wire) {
                None | Some(Value::Null) if field.optional && !skip_none => {
                    out.insert(field.wire.to_owned(), Value::Null);
                }
                None => {}
                Some(Value::Null) if field.optional => {}
                Some(v) => {
                    out.insert(field.wire.to_owned(), self.normalize(&field.ty, v));
                }
            }
        }
        out
    }

    /// A value of `ty` for robustness tests: the member's documented example when it fits, else a
    /// made-up one. Lists hold one element; recursion stops at `depth` 4.
    pub fn sample(&self, ty: &RustType, example: Option<&Value>, depth: usize) -> Value {
        if depth > 8 {
            // Only reachable through required members of recursive structures.
            return Value::Null;
        }
        let fits = example.filter(|e| self.expr(ty, e, "", Mode::Test).is_ok() && !e.is_null());
        match ty {
            RustType::String => fits.cloned().unwrap_or_else(|| Value::from("example")),
            RustType::Bool => Value::Bool(true),
            RustType::Integer(_) => fits
                .map(|e| self.normalize(ty, e))
                .unwrap_or_else(|| Value::from(7)),
            RustType::Float => fits
                .map(|e| self.normalize(ty, e))
                .unwrap_or_else(|| Value::from(1.5)),
            RustType::Timestamp => fits
                .cloned()
                .unwrap_or_else(|| Value::from("2023-05-01 12:00:00")),
            RustType::Json => serde_json::json!({"key": ["value", 1]}),
            RustType::List(inner) if depth < 4 => {
                Value::Array(vec![self.sample(inner, None, depth + 1)])
            }
            RustType::Map(inner) if depth < 4 => {
                let mut m = Map::new();
                m.insert("key".to_owned(), self.sample(inner, None, depth + 1));
                Value::Object(m)
            }
            RustType::List(_) => Value::Array(Vec::new()),
            RustType::Map(_) => Value::Object(Map::new()),
            RustType::Enum { spec, .. } => match self.shape(spec) {
                Some(ShapePlan::Enum { variants, .. }) => {
                    match variants.first().map(|v| &v.value) {
                        Some(EnumWireValue::Integer(i)) => Value::from(*i),
                        Some(EnumWireValue::String(s)) => Value::from(s.as_str()),
                        None => Value::Null,
                    }
                }
                _ => Value::Null,
            },
            RustType::Struct { spec, .. } => match self.shape(spec) {
                Some(ShapePlan::Struct { fields, .. }) => {
                    Value::Object(self.sample_fields(fields, depth + 1))
                }
                _ => Value::Object(Map::new()),
            },
        }
    }

    /// A sample object for a list of fields: every member present (deep optional structures are
    /// left out to end recursion).
    pub fn sample_fields(&self, fields: &[FieldPlan<'_>], depth: usize) -> Map<String, Value> {
        let mut out = Map::new();
        for field in fields {
            let deep_struct = matches!(field.ty, RustType::Struct { .. }) && depth >= 4;
            if deep_struct && field.optional {
                continue;
            }
            out.insert(
                field.wire.to_owned(),
                self.sample(&field.ty, field.member.example.as_ref(), depth),
            );
        }
        out
    }

    /// `value` with every optional member (at any depth) set to `null`. `None` when nothing is
    /// optional.
    pub fn with_nulls(
        &self,
        fields: &[FieldPlan<'_>],
        object: &Map<String, Value>,
    ) -> Option<Map<String, Value>> {
        self.rewrite_fields(fields, object, Rewrite::OptionalsToNull)
    }

    /// `value` with every number of a numeric member or integer enum written as a string. `None`
    /// when there is no number.
    pub fn numbers_as_strings(
        &self,
        fields: &[FieldPlan<'_>],
        object: &Map<String, Value>,
    ) -> Option<Map<String, Value>> {
        self.rewrite_fields(fields, object, Rewrite::NumbersToStrings)
    }

    /// `object` with `rewrite` applied to its members at any depth; `None` when nothing changed.
    fn rewrite_fields(
        &self,
        fields: &[FieldPlan<'_>],
        object: &Map<String, Value>,
        rewrite: Rewrite,
    ) -> Option<Map<String, Value>> {
        let mut changed = false;
        let mut out = Map::new();
        for field in fields {
            let Some(v) = object.get(field.wire) else {
                continue;
            };
            let new = if rewrite == Rewrite::OptionalsToNull && field.optional {
                Some(Value::Null)
            } else {
                self.rewrite_value(&field.ty, v, rewrite)
            };
            changed |= new.is_some();
            out.insert(field.wire.to_owned(), new.unwrap_or_else(|| v.clone()));
        }
        changed.then_some(out)
    }

    fn rewrite_value(&self, ty: &RustType, value: &Value, rewrite: Rewrite) -> Option<Value> {
        match (ty, value) {
            (
                RustType::Integer(_)
                | RustType::Float
                | RustType::Enum {
                    kind: EnumKind::Integer,
                    ..
                },
                Value::Number(n),
            ) if rewrite == Rewrite::NumbersToStrings => Some(Value::String(n.to_string())),
            (RustType::Struct { spec, .. }, Value::Object(object)) => match self.shape(spec) {
                Some(ShapePlan::Struct { fields, .. }) => self
                    .rewrite_fields(fields, object, rewrite)
                    .map(Value::Object),
                _ => None,
            },
            (RustType::List(inner), Value::Array(items)) => {
                let mapped: Vec<Option<Value>> = items
                    .iter()
                    .map(|v| self.rewrite_value(inner, v, rewrite))
                    .collect();
                mapped.iter().any(Option::is_some).then(|| {
                    Value::Array(
                        mapped
                            .into_iter()
                            .zip(items)
                            .map(|(m, v)| m.unwrap_or_else(|| v.clone()))
                            .collect(),
                    )
                })
            }
            (RustType::Map(inner), Value::Object(entries)) => {
                let mut changed = false;
                let out = entries
                    .iter()
                    .map(|(k, v)| {
                        let v = self
                            .rewrite_value(inner, v, rewrite)
                            .inspect(|_| changed = true)
                            .unwrap_or_else(|| v.clone());
                        (k.clone(), v)
                    })
                    .collect();
                changed.then_some(Value::Object(out))
            }
            _ => None,
        }
    }

    /// `value` with an undocumented member added to every object of a structure, at any depth.
    pub fn with_unknown_members(
        &self,
        fields: &[FieldPlan<'_>],
        object: &Map<String, Value>,
    ) -> Map<String, Value> {
        let mut out = Map::new();
        for field in fields {
            if let Some(v) = object.get(field.wire) {
                out.insert(field.wire.to_owned(), self.add_unknown(&field.ty, v));
            }
        }
        out.insert(
            UNKNOWN_MEMBER.to_owned(),
            serde_json::json!({"Nested": [1, "two", null], "Flag": true}),
        );
        out
    }

    fn add_unknown(&self, ty: &RustType, value: &Value) -> Value {
        match (ty, value) {
            (RustType::Struct { spec, .. }, Value::Object(object)) => match self.shape(spec) {
                Some(ShapePlan::Struct { fields, .. }) => {
                    Value::Object(self.with_unknown_members(fields, object))
                }
                _ => value.clone(),
            },
            (RustType::List(inner), Value::Array(items)) => {
                Value::Array(items.iter().map(|v| self.add_unknown(inner, v)).collect())
            }
            (RustType::Map(inner), Value::Object(entries)) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), self.add_unknown(inner, v)))
                    .collect(),
            ),
            _ => value.clone(),
        }
    }
}

/// The member name robustness tests add to see that unknown members are ignored.
pub(crate) const UNKNOWN_MEMBER: &str = "MemberAddedInALaterApiVersion";

/// A structure (or JSON) from its JSON text: in tests, `parse(r#"..."#)`, the tests' helper whose
/// type the setter it is passed to decides; in doc examples, `serde_json::from_str::<T>(r#"..."#)?`.
fn parse_json_expr(ty: TokenStream, value: &Value, mode: Mode) -> TokenStream {
    let text = raw_string(&value.to_string());
    match mode {
        Mode::Test => quote!(parse(#text)),
        Mode::Doc => quote!(serde_json::from_str::<#ty>(#text)?),
    }
}

/// How [`Values`]' test-data variants change a sample response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rewrite {
    /// Every optional member becomes `null` ("This field may return null").
    OptionalsToNull,
    /// Every number of a numeric member becomes a JSON string (Tencent sometimes sends them so).
    NumbersToStrings,
}
