//! Stage 6a: Rust for the type space: structs, forward-compatible enums,
//! `oneOf` unions and aliases, each with the spec's docs.

use std::collections::BTreeSet;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::docs;
use super::model::*;

pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// `#[doc = ...]` attributes for a description (none when empty).
pub fn doc_attrs(doc: Option<&str>) -> TokenStream {
    match doc.map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => {
            let lines = docs::clean(d).lines().map(|l| format!(" {l}").trim_end().to_string()).collect::<Vec<_>>();
            quote! { #(#[doc = #lines])* }
        }
        None => TokenStream::new(),
    }
}

/// The Rust type of a model type, as the generated modules spell it.
pub fn rust_type(api: &Api, ty: &Ty) -> TokenStream {
    type_expr(api, ty, None)
}

/// The Rust type of a model type for code outside the crate (tests written
/// into throwaway crates): generated and runtime types by full path.
pub fn rust_type_outside(api: &Api, ty: &Ty) -> TokenStream {
    type_expr(api, ty, Some(&quote!(vercel_api)))
}

fn type_expr(api: &Api, ty: &Ty, krate: Option<&TokenStream>) -> TokenStream {
    match ty {
        Ty::String => quote!(String),
        Ty::Integer => quote!(i64),
        Ty::Number => match krate {
            Some(k) => quote!(#k::Number),
            None => quote!(crate::Number),
        },
        Ty::Boolean => quote!(bool),
        Ty::DateTime => quote!(chrono::DateTime<chrono::Utc>),
        Ty::Any => quote!(serde_json::Value),
        Ty::Object => quote!(serde_json::Map<String, serde_json::Value>),
        Ty::Array(inner) => {
            let inner = type_expr(api, inner, krate);
            quote!(Vec<#inner>)
        }
        Ty::Map(inner) => {
            let inner = type_expr(api, inner, krate);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        Ty::Option(inner) => {
            let inner = type_expr(api, inner, krate);
            quote!(Option<#inner>)
        }
        Ty::Named(id) => {
            let name = ident(&api.ty(*id).name);
            match krate {
                Some(k) => quote!(#k::types::#name),
                None => quote!(#name),
            }
        }
    }
}

/// Whether a value of `ty` has a `Default` (so containing structs can derive it).
pub fn has_default(api: &Api, ty: &Ty, seen: &mut Vec<TypeId>) -> bool {
    match ty {
        Ty::Named(id) => {
            if seen.contains(id) {
                // A type that contains itself by value (boxed) cannot default.
                return false;
            }
            seen.push(*id);
            match &api.ty(*id).kind {
                TypeKind::Struct { fields, .. } => {
                    fields.iter().all(|f| !f.required || f.nullable || has_default(api, &f.ty, seen))
                }
                TypeKind::Alias(inner) => has_default(api, inner, seen),
                TypeKind::Enum { values } => values.len() == 1,
                TypeKind::Union { .. } => false,
            }
        }
        _ => true,
    }
}

/// The whole `types.rs` module body.
pub fn emit_types(api: &Api) -> TokenStream {
    let sent = sent_types(api);
    let features = type_features(api);
    let all = all_features(api);
    let items = (0..api.types.len()).map(|id| {
        let cfg = cfg_any(&features[id], &all);
        let item = emit_type(api, id, sent.contains(&id));
        quote!(#cfg #item)
    });
    let allow = allow_deprecated(api);
    // Unions hold their branches inline, as serde decodes them; boxing the
    // large ones would cost an allocation per value for a lint.
    let large = if api.types.iter().any(|t| matches!(t.kind, TypeKind::Union { .. })) {
        quote!(#![allow(clippy::large_enum_variant)])
    } else {
        TokenStream::new()
    };
    if api.types.is_empty() {
        return TokenStream::new();
    }
    let ungated = features.iter().any(|f| f.is_empty() || *f == all);
    let serde_cfg =
        if ungated { TokenStream::new() } else { cfg_any(&features.iter().flatten().cloned().collect(), &all) };
    quote! {
        #allow
        #large
        #serde_cfg
        use serde::{Deserialize, Serialize};
        #(#items)*
    }
}

fn emit_type(api: &Api, id: TypeId, sent: bool) -> TokenStream {
    let def = api.ty(id);
    let name = ident(&def.name);
    let fallback = default_doc(def);
    let doc = doc_attrs(Some(def.doc.as_deref().filter(|d| !d.trim().is_empty()).unwrap_or(&fallback)));
    let deprecated = if def.deprecated { quote!(#[deprecated]) } else { TokenStream::new() };
    match &def.kind {
        TypeKind::Struct { fields, extra } => {
            let camel = fields.iter().all(|f| serde_camel(&f.name) == f.wire);
            let rename_all = if camel && fields.iter().any(|f| f.name != f.wire) {
                quote!(#[serde(rename_all = "camelCase")])
            } else {
                TokenStream::new()
            };
            let fields_ts = fields.iter().map(|f| emit_field(api, f, camel, sent));
            let extra_ty = match extra {
                Ty::Any => quote!(serde_json::Map<String, serde_json::Value>),
                other => {
                    let t = rust_type(api, other);
                    quote!(std::collections::BTreeMap<String, #t>)
                }
            };
            let default =
                if has_default(api, &Ty::Named(id), &mut vec![]) { quote!(Default,) } else { TokenStream::new() };
            quote! {
                #doc
                #deprecated
                #[derive(Debug, Clone, PartialEq, #default Serialize, Deserialize)]
                #rename_all
                pub struct #name {
                    #(#fields_ts)*
                    /// Properties not described by the spec, kept as sent.
                    #[serde(flatten)]
                    pub extra: #extra_ty,
                }
            }
        }
        TypeKind::Enum { values } if values.len() == 1 => {
            // A one-value enum is a constant, usually the tag of a `oneOf`
            // branch: it accepts only its value so the branches stay apart.
            let vname = ident(&values[0].name);
            let wire = &values[0].wire;
            quote! {
                #doc
                #deprecated
                #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
                pub enum #name {
                    #[doc = concat!(" `", #wire, "`")]
                    #[default]
                    #[serde(rename = #wire)]
                    #vname,
                }
            }
        }
        TypeKind::Enum { values } => {
            let variants = values.iter().map(|v| {
                let vname = ident(&v.name);
                let wire = &v.wire;
                let vdoc = format!(" `{}`", wire.replace('`', "'"));
                quote! {
                    #[doc = #vdoc]
                    #[serde(rename = #wire)]
                    #vname,
                }
            });
            quote! {
                #doc
                #deprecated
                #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
                #[non_exhaustive]
                pub enum #name {
                    #(#variants)*
                    /// A value this version of the crate does not know, kept as sent.
                    #[serde(untagged)]
                    Unknown(String),
                }
            }
        }
        TypeKind::Union { variants, tag } => {
            let catch_all = variants.iter().any(|v| matches!(v.ty, Ty::Any));
            let vs = variants.iter().map(|v| {
                let vname = ident(&v.name);
                let mut t = rust_type(api, &v.ty);
                if v.boxed {
                    t = quote!(Box<#t>);
                }
                let vdoc = match &v.tag_value {
                    Some(value) => format!(" `{}`: `{}`", tag.as_deref().unwrap_or("type"), value),
                    None => format!(" {}", v.name),
                };
                quote! {
                    #[doc = #vdoc]
                    #vname(#t),
                }
            });
            let unknown = if catch_all {
                TokenStream::new()
            } else {
                quote! {
                    /// A shape this version of the crate does not know, kept as sent.
                    Unknown(serde_json::Value),
                }
            };
            quote! {
                #doc
                #deprecated
                #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
                #[serde(untagged)]
                pub enum #name {
                    #(#vs)*
                    #unknown
                }
            }
        }
        TypeKind::Alias(ty) if mentions(api, ty, id, &mut vec![]) => {
            // `type A = Vec<A>` is not allowed: a transparent newtype is.
            let t = rust_type(api, ty);
            let default = if has_default(api, ty, &mut vec![id]) { quote!(Default,) } else { TokenStream::new() };
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, #default Serialize, Deserialize)]
                #[serde(transparent)]
                pub struct #name(pub #t);
            }
        }
        TypeKind::Alias(ty) => {
            let t = rust_type(api, ty);
            quote! {
                #doc
                pub type #name = #t;
            }
        }
    }
}

fn default_doc(def: &TypeDef) -> String {
    match &def.kind {
        TypeKind::Enum { .. } => format!("{} values.", def.name),
        TypeKind::Union { .. } => format!("One of the shapes of {}.", def.name),
        _ => format!("{}.", def.name),
    }
}

fn emit_field(api: &Api, f: &Field, camel: bool, sent: bool) -> TokenStream {
    let name = ident(&f.name);
    let mut t = rust_type(api, &f.ty);
    if f.boxed {
        t = quote!(Box<#t>);
    }
    // In a request body, an optional nullable field can be absent (leave
    // as is) or null (clear it): `Option<Option<T>>` tells the two apart.
    let clearable = sent && !f.required && f.nullable;
    if clearable {
        t = quote!(Option<Option<#t>>);
    } else if !f.required || f.nullable {
        t = quote!(Option<#t>);
    }
    let fallback = format!("`{}`", f.wire);
    let mut doc_text = f.doc.as_deref().filter(|d| !d.trim().is_empty()).unwrap_or(&fallback).to_string();
    if clearable {
        doc_text.push_str("\n\n`None` leaves it out; `Some(None)` sends `null`.");
    }
    let doc = doc_attrs(Some(&doc_text));
    let wire = &f.wire;
    let rename = if !camel && f.name != f.wire { quote!(#[serde(rename = #wire)]) } else { TokenStream::new() };
    // A required nullable field must be present (as `null` or a value):
    // without this, serde would take a missing field for `None`.
    let present = if f.required && f.nullable {
        quote!(#[serde(deserialize_with = "Option::deserialize")])
    } else {
        TokenStream::new()
    };
    let skip = if clearable {
        quote!(#[serde(default, skip_serializing_if = "Option::is_none", with = "crate::nullable")])
    } else if !f.required {
        quote!(#[serde(skip_serializing_if = "Option::is_none")])
    } else {
        TokenStream::new()
    };
    let deprecated = if f.deprecated { quote!(#[deprecated]) } else { TokenStream::new() };
    quote! {
        #doc
        #deprecated
        #rename
        #present
        #skip
        pub #name: #t,
    }
}

/// `#![allow(deprecated)]` when the spec deprecates a type: other generated
/// items name it, and the warning is meant for users, not for this crate.
pub fn allow_deprecated(api: &Api) -> TokenStream {
    if api.types.iter().any(|t| t.deprecated) {
        quote!(#![allow(deprecated)])
    } else {
        TokenStream::new()
    }
}

/// Types that appear in JSON request bodies (directly or nested).
fn sent_types(api: &Api) -> std::collections::HashSet<TypeId> {
    fn visit(api: &Api, ty: &Ty, out: &mut std::collections::HashSet<TypeId>) {
        match ty {
            Ty::Array(inner) | Ty::Map(inner) | Ty::Option(inner) => visit(api, inner, out),
            Ty::Named(id) => {
                if !out.insert(*id) {
                    return;
                }
                match &api.ty(*id).kind {
                    TypeKind::Struct { fields, extra } => {
                        fields.iter().for_each(|f| visit(api, &f.ty, out));
                        visit(api, extra, out);
                    }
                    TypeKind::Union { variants, .. } => variants.iter().for_each(|v| visit(api, &v.ty, out)),
                    TypeKind::Alias(inner) => visit(api, inner, out),
                    TypeKind::Enum { .. } => {}
                }
            }
            _ => {}
        }
    }
    let mut out = std::collections::HashSet::new();
    for op in &api.ops {
        if let Some(Body { kind: BodyKind::Json(ty), .. }) = &op.body {
            visit(api, ty, &mut out);
        }
    }
    out
}

/// Whether a type expression names `id` through aliases, arrays and maps
/// (a recursive alias, which Rust cannot express as `type`).
fn mentions(api: &Api, ty: &Ty, id: TypeId, seen: &mut Vec<TypeId>) -> bool {
    match ty {
        Ty::Array(inner) | Ty::Map(inner) | Ty::Option(inner) => mentions(api, inner, id, seen),
        Ty::Named(other) if *other == id => true,
        Ty::Named(other) if !seen.contains(other) => {
            seen.push(*other);
            match &api.ty(*other).kind {
                TypeKind::Alias(inner) => mentions(api, inner, id, seen),
                _ => false,
            }
        }
        _ => false,
    }
}

/// Every API-area feature, sorted.
pub fn all_features(api: &Api) -> BTreeSet<String> {
    api.ops.iter().map(|op| op.feature.clone()).collect()
}

/// `#[cfg(any(feature = ...))]` for an item used by `used` of `all` areas;
/// nothing when every area (or none) uses it.
pub fn cfg_any(used: &BTreeSet<String>, all: &BTreeSet<String>) -> TokenStream {
    if used.is_empty() || used == all {
        return TokenStream::new();
    }
    if let [one] = used.iter().collect::<Vec<_>>()[..] {
        return quote!(#[cfg(feature = #one)]);
    }
    let names = used.iter();
    quote!(#[cfg(any(#(feature = #names),*))])
}

/// For each type, the API areas whose operations name it (directly or nested).
pub fn type_features(api: &Api) -> Vec<BTreeSet<String>> {
    fn visit(api: &Api, ty: &Ty, feature: &str, out: &mut [BTreeSet<String>]) {
        match ty {
            Ty::Array(inner) | Ty::Map(inner) | Ty::Option(inner) => visit(api, inner, feature, out),
            Ty::Named(id) => {
                if !out[*id].insert(feature.to_string()) {
                    return;
                }
                match &api.ty(*id).kind {
                    TypeKind::Struct { fields, extra } => {
                        fields.iter().for_each(|f| visit(api, &f.ty, feature, out));
                        visit(api, extra, feature, out);
                    }
                    TypeKind::Union { variants, .. } => variants.iter().for_each(|v| visit(api, &v.ty, feature, out)),
                    TypeKind::Alias(inner) => visit(api, inner, feature, out),
                    TypeKind::Enum { .. } => {}
                }
            }
            _ => {}
        }
    }
    let mut out = vec![BTreeSet::new(); api.types.len()];
    for op in &api.ops {
        let tys = op.path_params.iter().chain(&op.params).map(|p| &p.ty);
        let body = op.body.iter().filter_map(|b| match &b.kind {
            BodyKind::Json(ty) => Some(ty),
            BodyKind::Bytes => None,
        });
        let responses = op.responses.iter().filter_map(|r| match &r.kind {
            ResponseKind::Json(ty) | ResponseKind::JsonLines(ty) => Some(ty),
            _ => None,
        });
        for ty in tys.chain(body).chain(responses) {
            visit(api, ty, &op.feature, &mut out);
        }
    }
    // A type no operation names is always compiled, and so is what it names.
    let all = all_features(api);
    for id in 0..out.len() {
        if out[id].is_empty() {
            for f in &all {
                visit(api, &Ty::Named(id), f, &mut out);
            }
        }
    }
    out
}

/// What serde's `rename_all = "camelCase"` makes of a snake_case field name.
fn serde_camel(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut upper = false;
    for c in field.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}
