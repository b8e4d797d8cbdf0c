//! Stage 4: spec -> model. The only stage that reads `openapiv3` types.
//!
//! Inline schemas become named types whose name candidates come from where
//! they sit (operation, property path). Identical shapes are interned once
//! (structural dedup), so the 16 copies of an enum in a spec become one type.

use std::collections::HashMap;

use heck::ToUpperCamelCase;
use openapiv3::{
    AdditionalProperties, OpenAPI, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, StatusCode, StringFormat,
    Type, VariantOrUnknownOrEmpty,
};

use super::load::{escape, Loaded, SpecError};
use super::model::*;
use super::resolve;

type Result<T> = std::result::Result<T, SpecError>;

/// Lowers a loaded, reference-checked spec into the model.
pub fn lower(loaded: &Loaded) -> Result<Api> {
    let mut cx = Lower {
        spec: &loaded.spec,
        api: Api::default(),
        components: HashMap::new(),
        interned: HashMap::new(),
        lowering: Vec::new(),
    };
    cx.api.title = loaded.spec.info.title.clone();
    cx.api.version = loaded.spec.info.version.clone();
    if let Some(components) = &loaded.spec.components {
        for name in components.schemas.keys() {
            cx.component(name)?;
        }
    }
    cx.check_alias_cycles()?;
    for (path, item) in loaded.spec.paths.paths.iter() {
        let at = format!("/paths/{}", escape(path));
        let ReferenceOr::Item(item) = item else {
            return Err(SpecError::new(at, "path item references are not supported"));
        };
        for (method, op) in item.iter() {
            let op = cx.operation(path, method, op, &item.parameters, &format!("{at}/{method}"))?;
            cx.api.ops.push(op);
        }
    }
    Ok(cx.api)
}

struct Lower<'a> {
    spec: &'a OpenAPI,
    api: Api,
    /// Component name -> its type (a reserved id while being lowered).
    components: HashMap<String, Ty>,
    /// Structural key -> interned type.
    interned: HashMap<String, TypeId>,
    /// References of components being lowered (an `allOf` must not merge one into itself).
    lowering: Vec<String>,
}

/// What a schema is, once `openapiv3`'s loose `Any` is sorted out.
enum Shape<'s> {
    String {
        format: Option<&'s str>,
        values: Vec<String>,
    },
    Integer,
    Number,
    Boolean,
    Object {
        properties: Vec<(&'s String, &'s ReferenceOr<Box<Schema>>)>,
        required: Vec<String>,
        extra: Option<&'s AdditionalProperties>,
    },
    Array(Option<&'s ReferenceOr<Box<Schema>>>),
    OneOf(&'s [ReferenceOr<Schema>]),
    AllOf(&'s [ReferenceOr<Schema>]),
    /// Anything else: any JSON value (with a note why, when it is a flaw).
    Any(Option<&'static str>),
}

fn shape(schema: &Schema) -> Shape<'_> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => Shape::String {
            format: match &s.format {
                VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Some("date-time"),
                VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => Some("binary"),
                _ => None,
            },
            values: s.enumeration.iter().flatten().cloned().collect(),
        },
        SchemaKind::Type(Type::Integer(_)) => Shape::Integer,
        SchemaKind::Type(Type::Number(_)) => Shape::Number,
        SchemaKind::Type(Type::Boolean(_)) => Shape::Boolean,
        SchemaKind::Type(Type::Object(o)) => Shape::Object {
            properties: o.properties.iter().collect(),
            required: o.required.clone(),
            extra: o.additional_properties.as_ref(),
        },
        SchemaKind::Type(Type::Array(a)) => Shape::Array(a.items.as_ref()),
        SchemaKind::OneOf { one_of } => Shape::OneOf(one_of),
        SchemaKind::AnyOf { any_of } => Shape::OneOf(any_of),
        SchemaKind::AllOf { all_of } => Shape::AllOf(all_of),
        SchemaKind::Not { .. } => Shape::Any(Some("`not` is not supported")),
        SchemaKind::Any(any) => {
            if !any.one_of.is_empty() {
                Shape::OneOf(&any.one_of)
            } else if !any.any_of.is_empty() {
                Shape::OneOf(&any.any_of)
            } else if !any.all_of.is_empty() {
                Shape::AllOf(&any.all_of)
            } else if any.typ.as_deref() == Some("object") || !any.properties.is_empty() {
                Shape::Object {
                    properties: any.properties.iter().collect(),
                    required: any.required.clone(),
                    extra: any.additional_properties.as_ref(),
                }
            } else if any.items.is_some() || any.typ.as_deref() == Some("array") {
                Shape::Array(any.items.as_ref())
            } else if !any.enumeration.is_empty() {
                let strings: Vec<String> =
                    any.enumeration.iter().filter_map(|v| v.as_str().map(String::from)).collect();
                let non_null = any.enumeration.iter().filter(|v| !v.is_null()).count();
                if strings.len() == non_null {
                    Shape::String { format: None, values: strings }
                } else {
                    Shape::Any(Some("an enum mixing strings and other values is kept as a JSON value"))
                }
            } else {
                match any.typ.as_deref() {
                    Some("string") => Shape::String { format: None, values: vec![] },
                    Some("integer") => Shape::Integer,
                    Some("number") => Shape::Number,
                    Some("boolean") => Shape::Boolean,
                    _ => Shape::Any(None),
                }
            }
        }
    }
}

/// Words that are too vague to name a type alone.
const VAGUE: &[&str] = &[
    "Item", "Items", "Data", "Value", "Values", "Response", "Request", "Body", "Type", "Object", "Result", "Error",
    "Config", "Default", "Entry",
];

impl<'a> Lower<'a> {
    fn warn(&mut self, at: &str, what: impl std::fmt::Display) {
        self.api.warnings.push(format!("{at}: {what}"));
    }

    // ---------------------------------------------------------------- types

    /// Components that are only aliases of each other in a loop (e.g.
    /// single-branch `allOf` wrappers) name no type at all.
    fn check_alias_cycles(&self) -> Result<()> {
        for (id, def) in self.api.types.iter().enumerate() {
            let mut seen = vec![id];
            let mut ty = match &def.kind {
                TypeKind::Alias(ty) => ty,
                _ => continue,
            };
            while let Ty::Named(next) = ty {
                if seen.contains(next) {
                    let names: Vec<&str> =
                        seen.iter().filter_map(|i| self.api.types[*i].component.as_deref()).collect();
                    let at = format!("/components/schemas/{}", escape(names.first().copied().unwrap_or_default()));
                    return Err(SpecError::new(
                        at,
                        format!("schemas only alias each other in a loop: {}", names.join(" -> ")),
                    ));
                }
                seen.push(*next);
                ty = match &self.api.types[*next].kind {
                    TypeKind::Alias(ty) => ty,
                    _ => break,
                };
            }
        }
        Ok(())
    }

    fn component(&mut self, name: &str) -> Result<Ty> {
        if let Some(ty) = self.components.get(name) {
            return Ok(ty.clone());
        }
        let at = format!("/components/schemas/{}", escape(name));
        let schema = match self.spec.components.as_ref().and_then(|c| c.schemas.get(name)) {
            Some(ReferenceOr::Item(schema)) => schema,
            Some(ReferenceOr::Reference { reference }) => {
                let ty = self.reference(reference, &at)?;
                self.components.insert(name.to_string(), ty.clone());
                return Ok(ty);
            }
            None => return Err(SpecError::new(at, "no such component")),
        };
        let id = self.api.types.len();
        self.api.types.push(TypeDef {
            name: String::new(),
            candidates: vec![],
            component: Some(name.to_string()),
            doc: doc_of(schema),
            deprecated: schema.schema_data.deprecated,
            kind: TypeKind::Alias(Ty::Any),
        });
        self.components.insert(name.to_string(), Ty::Named(id));
        let words = vec![name.to_upper_camel_case()];
        self.lowering.push(format!("#/components/schemas/{}", escape(name)));
        let kind = match self.kind(schema, &words, &at) {
            Ok(Some(kind)) => Ok(kind),
            Ok(None) => self.schema(schema, &words, &at).map(TypeKind::Alias),
            Err(e) => Err(e),
        };
        self.lowering.pop();
        let kind = kind?;
        if !matches!(kind, TypeKind::Alias(_)) {
            self.interned.entry(format!("{}{}", schema.schema_data.deprecated, key(&kind))).or_insert(id);
        }
        self.api.types[id].kind = kind;
        self.example(schema, &Ty::Named(id), &at);
        Ok(Ty::Named(id))
    }

    fn reference(&mut self, reference: &str, at: &str) -> Result<Ty> {
        match resolve::schema_ref_name(reference) {
            Some(name) => self.component(&name.replace("~1", "/").replace("~0", "~")),
            None => Err(SpecError::new(at, format!("{reference:?} is not a schema reference"))),
        }
    }

    fn schema_or_ref(&mut self, item: &'a ReferenceOr<Schema>, words: &[String], at: &str) -> Result<Ty> {
        match item {
            ReferenceOr::Reference { reference } => self.reference(reference, at),
            ReferenceOr::Item(schema) => self.schema(schema, words, at),
        }
    }

    fn boxed_or_ref(&mut self, item: &'a ReferenceOr<Box<Schema>>, words: &[String], at: &str) -> Result<Ty> {
        match item {
            ReferenceOr::Reference { reference } => self.reference(reference, at),
            ReferenceOr::Item(schema) => self.schema(schema, words, at),
        }
    }

    /// Lowers a schema to a type expression, interning named shapes.
    fn schema(&mut self, schema: &'a Schema, words: &[String], at: &str) -> Result<Ty> {
        let ty = self.schema_inner(schema, words, at)?;
        self.example(schema, &ty, at);
        Ok(ty)
    }

    /// Records a schema's `example`, to test that generated types decode it.
    fn example(&mut self, schema: &Schema, ty: &Ty, at: &str) {
        if let Some(value) = &schema.schema_data.example {
            let nullable = self.nullable(schema);
            self.api.examples.push(Example { pointer: at.to_string(), ty: ty.clone(), nullable, value: value.clone() });
        }
    }

    fn schema_inner(&mut self, schema: &'a Schema, words: &[String], at: &str) -> Result<Ty> {
        if let Some(kind) = self.kind(schema, words, at)? {
            return Ok(self.intern(kind, words, schema));
        }
        Ok(match shape(schema) {
            Shape::String { format: Some("date-time"), .. } => Ty::DateTime,
            Shape::String { .. } => Ty::String,
            Shape::Integer => Ty::Integer,
            Shape::Number => Ty::Number,
            Shape::Boolean => Ty::Boolean,
            Shape::Object { extra, .. } => match extra {
                Some(AdditionalProperties::Schema(inner)) => {
                    let nullable = self.item_nullable(inner);
                    let inner = self.schema_or_ref(inner, words, &format!("{at}/additionalProperties"))?;
                    match inner {
                        Ty::Any => Ty::Object,
                        inner if nullable => Ty::Map(Box::new(Ty::Option(Box::new(inner)))),
                        inner => Ty::Map(Box::new(inner)),
                    }
                }
                _ => Ty::Object,
            },
            Shape::Array(items) => match items {
                Some(items) => {
                    let words = singular(words);
                    Ty::Array(Box::new(self.boxed_or_ref(items, &words, &format!("{at}/items"))?))
                }
                None => {
                    self.warn(at, "array without `items`: items are JSON values");
                    Ty::Array(Box::new(Ty::Any))
                }
            },
            Shape::OneOf(branches) => self.one_of_plain(branches, words, at)?,
            Shape::AllOf(_) => Ty::Any,
            Shape::Any(why) => {
                if let Some(why) = why {
                    self.warn(at, why);
                }
                Ty::Any
            }
        })
    }

    /// The kind of a schema that needs a named type, or `None` for plain types.
    fn kind(&mut self, schema: &'a Schema, words: &[String], at: &str) -> Result<Option<TypeKind>> {
        match shape(schema) {
            Shape::String { values, .. } if !values.is_empty() => Ok(Some(self.enum_kind(values, at))),
            Shape::Object { properties, required, extra } if !properties.is_empty() => {
                Ok(Some(self.struct_kind(&properties, &required, extra, words, at)?))
            }
            Shape::AllOf(branches) => self.all_of(branches, words, at),
            Shape::OneOf(branches) => self.one_of(branches, words, at),
            _ => Ok(None),
        }
    }

    fn enum_kind(&mut self, values: Vec<String>, at: &str) -> TypeKind {
        let mut out: Vec<EnumValue> = Vec::new();
        for wire in values {
            if out.iter().any(|v| v.wire == wire) {
                self.warn(at, format!("enum value {wire:?} listed twice; kept once"));
                continue;
            }
            out.push(EnumValue { wire, name: String::new() });
        }
        TypeKind::Enum { values: out }
    }

    fn struct_kind(
        &mut self,
        properties: &[(&'a String, &'a ReferenceOr<Box<Schema>>)],
        required: &[String],
        extra: Option<&'a AdditionalProperties>,
        words: &[String],
        at: &str,
    ) -> Result<TypeKind> {
        let mut fields = Vec::with_capacity(properties.len());
        for (wire, item) in properties {
            let mut sub = words.to_vec();
            sub.push(wire.to_upper_camel_case());
            let pat = format!("{at}/properties/{}", escape(wire));
            let ty = self.boxed_or_ref(item, &sub, &pat)?;
            let (doc, deprecated, nullable) = match item {
                ReferenceOr::Item(s) => (field_doc(s), s.schema_data.deprecated, self.nullable(s)),
                ReferenceOr::Reference { reference } => (None, false, self.ref_nullable(reference)),
            };
            fields.push(Field {
                wire: (*wire).clone(),
                name: String::new(),
                ty,
                required: required.iter().any(|r| r == *wire),
                nullable,
                deprecated,
                doc,
                boxed: false,
            });
        }
        let extra = match extra {
            Some(AdditionalProperties::Schema(inner)) => {
                let mut sub = words.to_vec();
                sub.push("Extra".into());
                self.schema_or_ref(inner, &sub, &format!("{at}/additionalProperties"))?
            }
            _ => Ty::Any,
        };
        Ok(TypeKind::Struct { fields, extra })
    }

    fn all_of(&mut self, branches: &'a [ReferenceOr<Schema>], words: &[String], at: &str) -> Result<Option<TypeKind>> {
        if let [only] = branches {
            return match only {
                ReferenceOr::Item(schema) => self.kind(schema, words, &format!("{at}/allOf/0")),
                ReferenceOr::Reference { reference } => {
                    let ty = self.reference(reference, at)?;
                    Ok(Some(TypeKind::Alias(ty)))
                }
            };
        }
        // Merge the properties of every object branch.
        let mut properties = Vec::new();
        let mut required = Vec::new();
        let mut merged = Vec::new();
        for (i, branch) in branches.iter().enumerate() {
            if let ReferenceOr::Reference { reference } = branch {
                if self.lowering.contains(reference) {
                    self.warn(
                        &format!("{at}/allOf/{i}"),
                        "allOf includes the schema it sits in; that branch is left out",
                    );
                    continue;
                }
            }
            let schema = self.deref(branch, &format!("{at}/allOf/{i}"))?;
            if let ReferenceOr::Reference { reference } = branch {
                merged.push(reference.clone());
            }
            match shape(schema) {
                Shape::Object { properties: p, required: r, .. } => {
                    properties.extend(p);
                    required.extend(r);
                }
                _ => self.warn(&format!("{at}/allOf/{i}"), "allOf branch is not an object; ignored"),
            }
        }
        let mut seen = std::collections::HashSet::new();
        properties.retain(|(name, _)| seen.insert(name.as_str()));
        // While the merged properties are lowered, the schemas merged in count
        // as being lowered: an `allOf` inside them that includes them again
        // would merge forever.
        let depth = self.lowering.len();
        self.lowering.extend(merged);
        let kind = self.struct_kind(&properties, &required, None, words, at);
        self.lowering.truncate(depth);
        Ok(Some(kind?))
    }

    fn deref(&self, item: &'a ReferenceOr<Schema>, at: &str) -> Result<&'a Schema> {
        let mut item = item;
        for _ in 0..64 {
            match item {
                ReferenceOr::Item(schema) => return Ok(schema),
                ReferenceOr::Reference { reference } => {
                    item = resolve::schema(self.spec, reference)
                        .ok_or_else(|| SpecError::new(at, format!("dangling reference {reference:?}")))?;
                }
            }
        }
        Err(SpecError::new(at, "reference chain too long"))
    }

    /// `oneOf`/`anyOf` that collapse to a plain type (single branch, all strings, empty).
    fn one_of_plain(&mut self, branches: &'a [ReferenceOr<Schema>], words: &[String], at: &str) -> Result<Ty> {
        let live = self.live_branches(branches, at)?;
        match live.as_slice() {
            [] => {
                self.warn(at, "oneOf/anyOf with no usable branch: any JSON value");
                Ok(Ty::Any)
            }
            [(i, only)] => self.schema_or_ref(only, words, &format!("{at}/oneOf/{i}")),
            _ => Ok(Ty::String), // all plain strings; see `one_of`
        }
    }

    /// Branches that are not null-only.
    fn live_branches(
        &self,
        branches: &'a [ReferenceOr<Schema>],
        at: &str,
    ) -> Result<Vec<(usize, &'a ReferenceOr<Schema>)>> {
        let mut out = Vec::new();
        for (i, b) in branches.iter().enumerate() {
            let schema = self.deref(b, &format!("{at}/oneOf/{i}"))?;
            let null_only = matches!(&schema.schema_kind, SchemaKind::Any(a) if a.typ.is_none() && a.properties.is_empty() && a.items.is_none() && a.enumeration.iter().all(|v| v.is_null()) && a.one_of.is_empty() && a.any_of.is_empty() && a.all_of.is_empty() && schema.schema_data.nullable);
            if !null_only {
                out.push((i, b));
            }
        }
        Ok(out)
    }

    fn one_of(&mut self, branches: &'a [ReferenceOr<Schema>], words: &[String], at: &str) -> Result<Option<TypeKind>> {
        let live = self.live_branches(branches, at)?;
        if live.len() <= 1 {
            return match live.first() {
                Some((i, ReferenceOr::Item(schema))) => self.kind(schema, words, &format!("{at}/oneOf/{i}")),
                _ => Ok(None),
            };
        }
        // All branches strings: one forward-compatible enum holds them all.
        let mut strings = Some(Vec::new());
        for (i, b) in &live {
            match shape(self.deref(b, &format!("{at}/oneOf/{i}"))?) {
                Shape::String { format: None, values } => {
                    if let Some(all) = strings.as_mut() {
                        all.push(values)
                    }
                }
                _ => strings = None,
            }
        }
        if let Some(all) = strings {
            if all.iter().any(|v| v.is_empty()) && all.iter().any(|v| !v.is_empty()) {
                self.warn(
                    at,
                    "oneOf of a plain string and a string enum: one enum whose Unknown variant holds other strings",
                );
            }
            let values: Vec<String> = all.into_iter().flatten().collect();
            return Ok(if values.is_empty() { None } else { Some(self.enum_kind(values, at)) });
        }
        let tag = self.tag_of(&live, at)?;
        let mut variants: Vec<Variant> = Vec::new();
        for (i, b) in &live {
            let bat = format!("{at}/oneOf/{i}");
            let schema = self.deref(b, &bat)?;
            let tag_value = tag.as_ref().and_then(|t| const_value(schema, t));
            let label = match (b, &tag_value) {
                (_, Some(v)) => v.to_upper_camel_case(),
                (ReferenceOr::Reference { reference }, _) => {
                    resolve::schema_ref_name(reference).unwrap_or("Other").to_upper_camel_case()
                }
                _ => match &schema.schema_data.title {
                    Some(t) => t.to_upper_camel_case(),
                    None => self.distinct_label(schema, &live, at),
                },
            };
            let mut sub = words.to_vec();
            if !label.is_empty() {
                sub.push(label.clone());
            }
            let ty = self.schema_or_ref(b, &sub, &bat)?;
            if variants.iter().any(|v| v.ty == ty) {
                self.warn(&bat, "two oneOf branches have the same type; kept once");
                continue;
            }
            variants.push(Variant { name: String::new(), label, ty, tag_value, boxed: false });
        }
        if variants.len() == 1 {
            let only = variants.remove(0);
            return Ok(Some(TypeKind::Alias(only.ty)));
        }
        {
            // Untagged: serde tries variants in order, so the most specific go first.
            let rank: Vec<(usize, i64)> =
                variants.iter().enumerate().map(|(i, v)| (i, self.specificity(&v.ty))).collect();
            let mut order: Vec<usize> = (0..variants.len()).collect();
            order.sort_by_key(|i| -rank[*i].1);
            variants = order.into_iter().map(|i| variants[i].clone()).collect();
        }
        Ok(Some(TypeKind::Union { variants, tag }))
    }

    /// The property that tells the branches apart: one every branch declares
    /// as a one-value string enum. Its values name the variants; decoding
    /// stays untagged, as one-value enums only accept their value.
    fn tag_of(&mut self, live: &[(usize, &'a ReferenceOr<Schema>)], at: &str) -> Result<Option<String>> {
        let mut schemas = Vec::new();
        for (i, b) in live {
            schemas.push(self.deref(b, &format!("{at}/oneOf/{i}"))?);
        }
        let Shape::Object { properties, .. } = shape(schemas[0]) else { return Ok(None) };
        for (name, _) in properties {
            let values: Vec<Option<String>> = schemas.iter().map(|s| const_value(s, name)).collect();
            if values.iter().all(Option::is_some) {
                let mut distinct: Vec<_> = values.iter().flatten().collect();
                distinct.sort();
                distinct.dedup();
                if distinct.len() == values.len() {
                    return Ok(Some(name.clone()));
                }
            }
        }
        Ok(None)
    }

    /// For a branch that has siblings of the same kind (object or array of
    /// objects): `With` + a required property no sibling has, else `Basic`.
    /// Branches of a kind of their own get a type word in the naming stage.
    fn distinct_label(&self, schema: &Schema, live: &[(usize, &'a ReferenceOr<Schema>)], at: &str) -> String {
        let props = |s: &Schema| -> Option<(Vec<String>, Vec<String>)> {
            let s = match shape(s) {
                Shape::Array(Some(ReferenceOr::Item(items))) => match shape(items) {
                    Shape::Object { properties, required, .. } => {
                        return Some((properties.iter().map(|p| p.0.clone()).collect(), required))
                    }
                    _ => return None,
                },
                _ => s,
            };
            match shape(s) {
                Shape::Object { properties, required, .. } => {
                    Some((properties.iter().map(|p| p.0.clone()).collect(), required))
                }
                _ => None,
            }
        };
        let is_array = matches!(shape(schema), Shape::Array(_));
        let Some((mine, required)) = props(schema) else { return String::new() };
        let mut others: Vec<String> = Vec::new();
        let mut same_kind = 0;
        for (i, b) in live {
            let Ok(s) = self.deref(b, &format!("{at}/oneOf/{i}")) else { continue };
            if std::ptr::eq(s, schema) || matches!(shape(s), Shape::Array(_)) != is_array {
                continue;
            }
            if let Some((p, _)) = props(s) {
                same_kind += 1;
                others.extend(p);
            }
        }
        if same_kind == 0 {
            return String::new();
        }
        let unique = |p: &&String| !others.contains(p);
        match required.iter().find(unique).or_else(|| mine.iter().find(unique)) {
            Some(p) => format!("With{}", p.to_upper_camel_case()),
            // Every property is shared: the branch is named by what it holds.
            None => {
                let own = if required.is_empty() { &mine } else { &required };
                let words: Vec<String> = own.iter().take(3).map(|p| p.to_upper_camel_case()).collect();
                if words.is_empty() {
                    "Empty".into()
                } else {
                    format!("Only{}", words.concat())
                }
            }
        }
    }

    fn specificity(&self, ty: &Ty) -> i64 {
        self.specificity_in(ty, &mut Vec::new())
    }

    fn specificity_in(&self, ty: &Ty, seen: &mut Vec<TypeId>) -> i64 {
        if let Ty::Named(id) = ty {
            if seen.contains(id) {
                return 0;
            }
            seen.push(*id);
        }
        match ty {
            Ty::Named(id) => match &self.api.types[*id].kind {
                TypeKind::Struct { fields, .. } => {
                    100 + fields.iter().filter(|f| f.required).count() as i64 * 10 + fields.len() as i64
                }
                TypeKind::Union { .. } => 60,
                TypeKind::Enum { .. } => 40,
                TypeKind::Alias(inner) => self.specificity_in(inner, seen),
            },
            Ty::Array(inner) => 80 + self.specificity_in(inner, seen) / 10,
            Ty::Map(_) => 70,
            Ty::DateTime => 35,
            Ty::Integer => 30,
            Ty::Number => 25,
            Ty::Boolean => 20,
            Ty::String => 10,
            Ty::Object => 5,
            Ty::Any => 0,
            Ty::Option(inner) => self.specificity_in(inner, seen),
        }
    }

    fn nullable(&self, schema: &Schema) -> bool {
        if schema.schema_data.nullable {
            return true;
        }
        match &schema.schema_kind {
            SchemaKind::OneOf { one_of: b } | SchemaKind::AnyOf { any_of: b } => {
                self.live_branches(b, "").map(|l| l.len() < b.len()).unwrap_or(false)
                    || b.iter()
                        .any(|x| matches!(x, ReferenceOr::Reference { reference } if self.ref_nullable(reference)))
            }
            SchemaKind::Type(Type::String(s)) => s.enumeration.iter().any(Option::is_none),
            _ => false,
        }
    }

    fn item_nullable(&self, item: &ReferenceOr<Schema>) -> bool {
        match item {
            ReferenceOr::Item(s) => self.nullable(s),
            ReferenceOr::Reference { reference } => self.ref_nullable(reference),
        }
    }

    fn ref_nullable(&self, reference: &str) -> bool {
        match resolve::schema(self.spec, reference) {
            Some(ReferenceOr::Item(s)) => s.schema_data.nullable,
            _ => false,
        }
    }

    /// Interns a named shape: an identical earlier one is reused.
    fn intern(&mut self, kind: TypeKind, words: &[String], schema: &'a Schema) -> Ty {
        if let TypeKind::Alias(ty) = kind {
            return ty;
        }
        let k = format!("{}{}", schema.schema_data.deprecated, key(&kind));
        if let Some(id) = self.interned.get(&k) {
            self.api.deduplicated += 1;
            return Ty::Named(*id);
        }
        let id = self.api.types.len();
        self.api.types.push(TypeDef {
            name: String::new(),
            candidates: candidates(words),
            component: None,
            doc: doc_of(schema),
            deprecated: schema.schema_data.deprecated,
            kind,
        });
        self.interned.insert(k, id);
        Ty::Named(id)
    }

    // ----------------------------------------------------------- operations

    fn operation(
        &mut self,
        path: &str,
        method: &str,
        op: &'a openapiv3::Operation,
        shared: &'a [ReferenceOr<openapiv3::Parameter>],
        at: &str,
    ) -> Result<Operation> {
        let (id, derived_id) = match &op.operation_id {
            Some(id) if !id.trim().is_empty() => (id.clone(), false),
            _ => {
                let id = derive_id(method, path);
                self.warn(at, format!("no operationId; derived `{id}`"));
                (id, true)
            }
        };
        let op_word = id.to_upper_camel_case();
        let mut path_params = Vec::new();
        let mut params: Vec<Param> = Vec::new();
        let all = shared.iter().enumerate().map(|(i, p)| (p, format!("/paths/{}/parameters/{i}", escape(path))));
        let own = op.parameters.iter().enumerate().map(|(i, p)| (p, format!("{at}/parameters/{i}")));
        let mut seen: Vec<(String, &'static str)> = Vec::new();
        // Operation parameters override path-level ones of the same name and place.
        let mut list: Vec<_> = own.collect();
        list.extend(all);
        for (p, pat) in list {
            let p = resolve::parameter(self.spec, p, &pat)?;
            let (location, loc_name) = match p {
                openapiv3::Parameter::Path { .. } => (Location::Path, "path"),
                openapiv3::Parameter::Query { .. } => (Location::Query, "query"),
                openapiv3::Parameter::Header { .. } => (Location::Header, "header"),
                openapiv3::Parameter::Cookie { .. } => {
                    self.warn(&pat, "cookie parameters are not supported; left out");
                    continue;
                }
            };
            let data = p.parameter_data_ref();
            // Framing headers are the HTTP client's to set, from the body.
            const FRAMING: [&str; 4] = ["content-length", "transfer-encoding", "host", "connection"];
            if location == Location::Header && FRAMING.contains(&data.name.to_ascii_lowercase().as_str()) {
                self.warn(&pat, format!("header parameter `{}` is set by the HTTP client; left out", data.name));
                continue;
            }
            if seen.iter().any(|(n, l)| *n == data.name && *l == loc_name) {
                continue;
            }
            seen.push((data.name.clone(), loc_name));
            let words = vec![op_word.clone(), data.name.to_upper_camel_case()];
            let ty = match &data.format {
                ParameterSchemaOrContent::Schema(s) => self.schema_or_ref(s, &words, &format!("{pat}/schema"))?,
                ParameterSchemaOrContent::Content(_) => {
                    self.warn(&pat, "parameter with `content`: sent as a string");
                    Ty::String
                }
            };
            let param = Param {
                wire: data.name.clone(),
                name: String::new(),
                location,
                ty,
                required: data.required || location == Location::Path,
                deprecated: data.deprecated.unwrap_or(false),
                doc: data.description.clone(),
            };
            if location == Location::Path {
                path_params.push(param);
            } else {
                params.push(param);
            }
        }
        // Path parameters in template order; undeclared ones are strings.
        let mut ordered = Vec::new();
        for name in template_names(path) {
            match path_params.iter().position(|p: &Param| p.wire == name) {
                Some(i) => ordered.push(path_params.remove(i)),
                None => {
                    self.warn(
                        at,
                        format!("path parameter `{name}` is used in the path but not declared; taken as a string"),
                    );
                    ordered.push(Param {
                        wire: name.clone(),
                        name: String::new(),
                        location: Location::Path,
                        ty: Ty::String,
                        required: true,
                        deprecated: false,
                        doc: None,
                    });
                }
            }
        }
        for p in path_params {
            self.warn(at, format!("path parameter `{}` is declared but not in the path; left out", p.wire));
        }
        let body = match &op.request_body {
            Some(b) => Some(self.body(
                resolve::request_body(self.spec, b, &format!("{at}/requestBody"))?,
                &op_word,
                &format!("{at}/requestBody"),
            )?),
            None => None,
        };
        let mut responses = Vec::new();
        let mut codes: Vec<(String, &ReferenceOr<openapiv3::Response>)> = op
            .responses
            .responses
            .iter()
            .map(|(code, r)| {
                let s = match code {
                    StatusCode::Code(c) => c.to_string(),
                    StatusCode::Range(r) => format!("{r}XX"),
                };
                (s, r)
            })
            .collect();
        codes.sort_by(|a, b| a.0.cmp(&b.0));
        if let Some(d) = &op.responses.default {
            codes.push(("default".into(), d));
        }
        let success_count = codes.iter().filter(|(c, _)| c.starts_with('2')).count();
        for (status, r) in codes {
            let rat = format!("{at}/responses/{status}");
            let r = resolve::response(self.spec, r, &rat)?;
            let word = if status.starts_with('2') {
                if success_count > 1 {
                    format!("Response{status}")
                } else {
                    "Response".into()
                }
            } else {
                format!("Error{status}")
            };
            let kind = self.response_kind(r, &[format!("{op_word}{word}")], &rat)?;
            responses.push(Response { status, description: r.description.clone(), kind });
        }
        let tag = op.tags.first().cloned().unwrap_or_else(|| "misc".into());
        let pagination = self.pagination(path, &params, &responses);
        Ok(Operation {
            id,
            derived_id,
            name: String::new(),
            method: method.to_string(),
            path: path.to_string(),
            summary: op.summary.clone(),
            description: op.description.clone(),
            deprecated: op.deprecated,
            feature: feature_name(&tag),
            tag,
            path_params: ordered,
            params,
            params_type: String::new(),
            response_type: String::new(),
            error_type: String::new(),
            pagination,
            body,
            responses,
        })
    }

    /// Vercel's list shape: the 200 body is an object with a `pagination`
    /// object that has `next`, and an array of items.
    fn pagination(&self, path: &str, params: &[Param], responses: &[Response]) -> Option<Pagination> {
        let ok = responses.iter().find(|r| r.status == "200")?;
        let ResponseKind::Json(ty) = &ok.kind else { return None };
        // The page is the body itself, or the one branch of a oneOf body that pages.
        let (variant, fields) = match self.struct_fields(ty) {
            Some(fields) => (None, fields),
            None => self.union_variants(ty)?.iter().enumerate().find_map(|(i, v)| {
                let fields = self.struct_fields(&v.ty)?;
                fields.iter().any(|f| f.wire == "pagination").then_some((Some(i), fields))
            })?,
        };
        let page = fields.iter().find(|f| f.wire == "pagination")?;
        // `pagination` may also be a oneOf or free-form; the stream then reads `next` from its JSON.
        let has_next = match self.struct_fields(&page.ty) {
            Some(fields) => fields.iter().any(|f| f.wire == "next"),
            None => true,
        };
        let arrays: Vec<&Field> = fields.iter().filter(|f| matches!(f.ty, Ty::Array(_))).collect();
        let last = path.split('/').rev().find(|s| !s.starts_with('{')).unwrap_or_default();
        let items = arrays.iter().find(|f| last.eq_ignore_ascii_case(&f.wire)).or(arrays.first())?;
        let cursor = ["next", "until", "from"]
            .into_iter()
            .filter(|_| has_next)
            .find(|c| params.iter().any(|p| p.wire == *c && p.location == Location::Query))
            .map(String::from);
        Some(Pagination { items: items.wire.clone(), cursor, variant })
    }

    fn union_variants(&self, ty: &Ty) -> Option<&[Variant]> {
        match ty {
            Ty::Named(id) => match &self.api.types[*id].kind {
                TypeKind::Union { variants, .. } => Some(variants),
                TypeKind::Alias(inner) => self.union_variants(inner),
                _ => None,
            },
            _ => None,
        }
    }

    fn struct_fields(&self, ty: &Ty) -> Option<&[Field]> {
        match ty {
            Ty::Named(id) => match &self.api.types[*id].kind {
                TypeKind::Struct { fields, .. } => Some(fields),
                TypeKind::Alias(inner) => self.struct_fields(inner),
                _ => None,
            },
            _ => None,
        }
    }

    fn body(&mut self, b: &'a openapiv3::RequestBody, op_word: &str, at: &str) -> Result<Body> {
        let json = b.content.iter().find(|(ct, _)| is_json(ct));
        let (content_type, kind) = match json {
            Some((ct, media)) => {
                let ty = match &media.schema {
                    Some(s) => self.schema_or_ref(
                        s,
                        &[format!("{op_word}Request")],
                        &format!("{at}/content/{}/schema", escape(ct)),
                    )?,
                    None => Ty::Any,
                };
                (ct.clone(), BodyKind::Json(ty))
            }
            None => {
                let ct = b.content.keys().next().cloned().unwrap_or_else(|| "application/octet-stream".into());
                (ct, BodyKind::Bytes)
            }
        };
        Ok(Body { content_type, kind, required: b.required, doc: b.description.clone() })
    }

    fn response_kind(&mut self, r: &'a openapiv3::Response, words: &[String], at: &str) -> Result<ResponseKind> {
        let Some((ct, media)) = r.content.iter().find(|(ct, _)| is_json(ct)).or_else(|| r.content.iter().next()) else {
            return Ok(ResponseKind::Empty);
        };
        if !is_json(ct) {
            return Ok(ResponseKind::Bytes);
        }
        let ty = match &media.schema {
            // A nullable body may be `null`.
            Some(s) if self.item_nullable(s) => {
                let ty = self.schema_or_ref(s, words, &format!("{at}/content/{}/schema", escape(ct)))?;
                if ty == Ty::Any {
                    ty
                } else {
                    Ty::Option(Box::new(ty))
                }
            }
            Some(s) => self.schema_or_ref(s, words, &format!("{at}/content/{}/schema", escape(ct)))?,
            None => return Ok(ResponseKind::Empty),
        };
        Ok(if ct.contains("stream+json") || ct.contains("ndjson") || ct.contains("x-ndjson") {
            ResponseKind::JsonLines(ty)
        } else {
            ResponseKind::Json(ty)
        })
    }
}

fn is_json(ct: &str) -> bool {
    ct.starts_with("application/json") || ct.contains("+json")
}

/// The single string value a property of an object schema may take.
fn const_value(schema: &Schema, property: &str) -> Option<String> {
    let props = match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => &o.properties,
        SchemaKind::Any(a) => &a.properties,
        _ => return None,
    };
    let ReferenceOr::Item(p) = props.get(property)? else { return None };
    match &p.schema_kind {
        SchemaKind::Type(Type::String(s)) if s.enumeration.len() == 1 => s.enumeration[0].clone(),
        _ => None,
    }
}

/// `{name}` placeholders of a path template, in order.
pub fn template_names(path: &str) -> Vec<String> {
    path.split('{').skip(1).filter_map(|s| s.split_once('}').map(|(n, _)| n.to_string())).collect()
}

/// A stable id for an operation without `operationId`: method and the
/// fixed path segments, e.g. `postInstallationResourceExperimentationItems`.
fn derive_id(method: &str, path: &str) -> String {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut words = vec![method.to_string()];
    for (i, seg) in segments.iter().enumerate() {
        if seg.starts_with('{')
            || (i == 0 && seg.len() > 1 && seg.starts_with('v') && seg[1..].bytes().all(|b| b.is_ascii_digit()))
        {
            continue;
        }
        let followed_by_param = segments.get(i + 1).is_some_and(|n| n.starts_with('{'));
        words.push(if followed_by_param { singular_word(seg) } else { seg.to_string() });
    }
    heck::ToLowerCamelCase::to_lower_camel_case(words.join("_").as_str())
}

fn singular_word(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if word.ends_with("ses") || word.ends_with("ss") || word.ends_with("us") {
        word.to_string()
    } else if let Some(stem) = word.strip_suffix('s') {
        stem.to_string()
    } else {
        word.to_string()
    }
}

/// The word list for the items of an array: the last word made singular.
fn singular(words: &[String]) -> Vec<String> {
    let mut out = words.to_vec();
    if let Some(last) = out.last_mut() {
        *last = singular_word(last);
    }
    out
}

/// Name candidates, shortest first: `[Notification, ResourceNotification, GetResourcesResourceNotification]`.
fn candidates(words: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let n = words.len();
    let mut push = |name: String, single: bool| {
        let branch_word = (name.starts_with("With") || name.starts_with("Only")) && name.len() > 4;
        if single && (VAGUE.contains(&name.as_str()) || branch_word) {
            return;
        }
        if !out.contains(&name) {
            out.push(name);
        }
    };
    // Shortest first: the last words, then the operation's word with the
    // last words (`GetProjectsPagination`), then longer paths.
    for k in (0..n).rev() {
        push(words[k..].concat(), k + 1 == n);
        if k >= 2 {
            push(format!("{}{}", words[0], words[k..].concat()), false);
        }
    }
    out.sort_by_key(String::len);
    out
}

/// Structural key of a kind, ignoring docs and names.
fn key(kind: &TypeKind) -> String {
    let mut k = kind.clone();
    match &mut k {
        TypeKind::Struct { fields, .. } => fields.iter_mut().for_each(|f| f.doc = None),
        TypeKind::Union { variants, .. } => variants.iter_mut().for_each(|v| v.label.clear()),
        _ => {}
    }
    format!("{k:?}")
}

fn doc_of(schema: &Schema) -> Option<String> {
    schema.schema_data.description.clone().or_else(|| schema.schema_data.title.clone())
}

fn field_doc(schema: &Schema) -> Option<String> {
    let mut doc = doc_of(schema);
    if let Some(example) = &schema.schema_data.example {
        let text = example.to_string();
        if text.len() <= 120 && !text.contains('`') {
            let line = format!("Example: `{text}`");
            doc = Some(match doc {
                Some(d) => format!("{d}\n\n{line}"),
                None => line,
            });
        }
    }
    doc
}

/// A Cargo feature name for a tag: kebab-case ASCII letters and digits
/// (`Feature Flags` -> `feature-flags`); `misc` when nothing is left.
pub fn feature_name(tag: &str) -> String {
    let ascii: String = tag.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect();
    let name = heck::ToKebabCase::to_kebab_case(ascii.trim());
    match name.chars().next() {
        None => "misc".into(),
        Some(c) if c.is_ascii_digit() => format!("area-{name}"),
        _ => name,
    }
}
