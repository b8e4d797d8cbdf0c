//! A test that decodes every `example` of the spec into its generated type
//! and encodes it back. Written into throwaway crates (`cargo xtask
//! check-spec --examples`), never into the committed one.

use proc_macro2::TokenStream;
use quote::quote;

use super::emit_types::rust_type_outside;
use super::model::*;

/// The test file: one `check::<T>(pointer, json)` line per example.
pub fn emit_examples(api: &Api) -> TokenStream {
    let checks = api.examples.iter().map(|e| {
        // The test lives outside the crate.
        let mut t = rust_type_outside(api, &e.ty);
        if e.nullable {
            t = quote!(Option<#t>);
        }
        let pointer = &e.pointer;
        let json = e.value.to_string();
        if contradicts(api, &e.ty, &e.value) {
            quote!(contradiction::<#t>(&mut report, #pointer, #json);)
        } else {
            quote!(check::<#t>(&mut report, #pointer, #json);)
        }
    });
    let total = api.examples.len();
    quote! {
        //! Every `example` of the spec decodes into its generated type and encodes back.
        // Every type is exercised, the spec's deprecated ones too.
        #![allow(deprecated)]

        #[derive(Default)]
        struct Report {
            decoded: usize,
            round_tripped: usize,
            contradictions: usize,
            failures: Vec<String>,
        }

        /// The spec's example contradicts its own schema (an array for a
        /// string, a number for a date-time): decoding must fail, with a path.
        fn contradiction<T: serde::de::DeserializeOwned>(report: &mut Report, pointer: &str, json: &str) {
            match serde_json::from_str::<T>(json) {
                Ok(_) => report.failures.push(format!("{pointer}: example contradicts its schema but decoded: {json}")),
                Err(_) => report.contradictions += 1,
            }
        }

        fn check<T>(report: &mut Report, pointer: &str, json: &str)
        where
            T: serde::de::DeserializeOwned + serde::Serialize + PartialEq + std::fmt::Debug,
        {
            let value: T = match serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(json)) {
                Ok(v) => v,
                Err(e) => {
                    report.failures.push(format!("{pointer}: does not decode at `{}`: {}\n  example: {json}", e.path(), e.inner()));
                    return;
                }
            };
            report.decoded += 1;
            let again: Result<T, _> = serde_json::to_string(&value).and_then(|s| serde_json::from_str(&s));
            match again {
                Ok(again) if again == value => report.round_tripped += 1,
                Ok(again) => report.failures.push(format!("{pointer}: re-encoding changed the value: {value:?} -> {again:?}")),
                Err(e) => report.failures.push(format!("{pointer}: re-encoded value does not decode: {e}")),
            }
        }

        #[test]
        fn every_example_decodes_and_round_trips() {
            let mut report = Report::default();
            #(#checks)*
            eprintln!(
                "examples: {} of {} decoded, {} round-tripped, {} contradict their own schema (rejected as they should be)",
                report.decoded, #total, report.round_tripped, report.contradictions
            );
            for f in &report.failures {
                eprintln!("{f}");
            }
            assert!(report.failures.is_empty(), "{} of {} examples failed", report.failures.len(), #total);
        }
    }
}

/// Whether a JSON example is of another kind than its schema's type.
fn contradicts(api: &Api, ty: &Ty, value: &serde_json::Value) -> bool {
    use serde_json::Value as V;
    if value.is_null() {
        return false;
    }
    match ty {
        Ty::String | Ty::DateTime => !value.is_string(),
        Ty::Integer => !(value.is_i64() || value.is_u64()),
        Ty::Number => !value.is_number(),
        Ty::Boolean => !value.is_boolean(),
        Ty::Array(inner) => match value {
            V::Array(items) => items.iter().any(|v| contradicts(api, inner, v)),
            _ => true,
        },
        Ty::Object | Ty::Map(_) => !value.is_object(),
        Ty::Any => false,
        Ty::Option(inner) => contradicts(api, inner, value),
        Ty::Named(id) => match &api.ty(*id).kind {
            TypeKind::Struct { fields, .. } => match value {
                V::Object(map) => fields.iter().any(|f| map.get(&f.wire).is_some_and(|v| contradicts(api, &f.ty, v))),
                _ => true,
            },
            TypeKind::Enum { values } if values.len() == 1 => value.as_str() != Some(values[0].wire.as_str()),
            TypeKind::Enum { .. } => !value.is_string(),
            TypeKind::Alias(inner) => contradicts(api, inner, value),
            TypeKind::Union { .. } => false,
        },
    }
}
