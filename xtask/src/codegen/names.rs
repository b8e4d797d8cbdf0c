//! Stage 5: every Rust name is chosen here, once.
//!
//! Types: component names are fixed; inline types take the shortest of their
//! candidates that no other type wants, so names are short where they can be
//! and collision-free always. Fields, variants, methods and parameters: case
//! conversion, Rust keywords, leading digits, and clashes after conversion
//! (`deployment.ready` vs `deployment-ready`) get distinct, readable names.

use std::collections::{BTreeMap, HashMap, HashSet};

use heck::{ToSnakeCase, ToUpperCamelCase};

use super::model::*;

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in",
    "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super",
    "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box",
    "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Methods of the hand-written `Client` (and `Clone`/`Debug`), which operations must not shadow.
const CLIENT_METHODS: &[&str] = &[
    "new",
    "builder",
    "from_env",
    "with_team_id",
    "with_team_slug",
    "without_team",
    "with_retry",
    "for_installation",
    "base_url",
    "team_scope",
    "retry_config",
    "call",
    "clone",
    "fmt",
    "shared",
    "request",
];

/// Type names the generated code or the prelude already uses.
const RESERVED_TYPES: &[&str] = &[
    "Client",
    "Error",
    "Result",
    "Response",
    "Option",
    "Some",
    "None",
    "Ok",
    "Err",
    "Vec",
    "String",
    "Box",
    "Self",
    "Value",
    "Map",
    "DateTime",
    "Utc",
    "Default",
    "Serialize",
    "Deserialize",
    "HashMap",
    "BTreeMap",
    "Bytes",
];

/// Names every item of the model.
pub fn name(api: &mut Api) {
    name_types(api);
    for id in 0..api.types.len() {
        let kind = std::mem::replace(&mut api.types[id].kind, TypeKind::Alias(Ty::Any));
        let kind = match kind {
            TypeKind::Struct { mut fields, extra } => {
                let mut taken = HashSet::from(["extra".to_string()]);
                for f in &mut fields {
                    f.name = unique(field_ident(&f.wire), &mut taken, "_value");
                }
                TypeKind::Struct { fields, extra }
            }
            TypeKind::Enum { mut values } => {
                name_enum_values(&mut values);
                TypeKind::Enum { values }
            }
            TypeKind::Union { mut variants, tag } => {
                let mut taken = HashSet::from(["Unknown".to_string()]);
                for v in &mut variants {
                    let base = if v.label.is_empty() { type_label(api, &v.ty) } else { type_ident(&v.label) };
                    v.name = unique(base, &mut taken, "Alt");
                }
                TypeKind::Union { variants, tag }
            }
            other => other,
        };
        api.types[id].kind = kind;
    }
    mark_boxes(api);
    // Methods of the hand-written `Client`, and each paged operation's `…_stream`.
    let mut methods: HashSet<String> = CLIENT_METHODS.iter().map(|s| s.to_string()).collect();
    methods.extend(
        api.ops.iter().filter(|op| op.pagination.is_some()).map(|op| format!("{}_stream", field_ident(&op.id))),
    );
    let mut type_names: HashSet<String> = api.types.iter().map(|t| t.name.clone()).collect();
    for op in &mut api.ops {
        let own_stream = format!("{}_stream", field_ident(&op.id));
        let paged = op.pagination.is_some();
        if paged {
            methods.remove(&own_stream);
        }
        op.name = unique(field_ident(&op.id), &mut methods, "_alt");
        if paged {
            methods.insert(format!("{}_stream", op.name));
        }
        // The method's own arguments.
        let mut taken: HashSet<String> = ["body", "params", "self", "raw", "page", "next"].map(String::from).into();
        for p in op.path_params.iter_mut().chain(op.params.iter_mut()) {
            p.name = unique(field_ident(&p.wire), &mut taken, "_alt");
        }
        if !op.params.is_empty() {
            op.params_type = unique(format!("{}Params", type_ident(&op.id)), &mut type_names, "Alt");
        }
        if super::emit_ops::typed_errors(op).next().is_some() {
            op.error_type = unique(format!("{}Error", type_ident(&op.id)), &mut type_names, "Alt");
        }
        if super::emit_ops::multi_status(op) {
            op.response_type = unique(format!("{}Response", type_ident(&op.id)), &mut type_names, "Alt");
        }
    }
}

fn name_types(api: &mut Api) {
    let mut taken: HashSet<String> = RESERVED_TYPES.iter().map(|s| s.to_string()).collect();
    // Components first, in a stable order: their names are the spec's own.
    let mut components: Vec<(String, TypeId)> =
        api.types.iter().enumerate().filter_map(|(i, t)| t.component.as_ref().map(|c| (c.clone(), i))).collect();
    components.sort();
    for (c, id) in components {
        api.types[id].name = unique(type_ident(&c), &mut taken, "Type");
    }
    // Inline types: at each level, a candidate wanted by exactly one type wins.
    let mut open: Vec<TypeId> = (0..api.types.len()).filter(|i| api.types[*i].name.is_empty()).collect();
    let depth = api.types.iter().map(|t| t.candidates.len()).max().unwrap_or(0);
    for level in 0..depth {
        let mut wanted: BTreeMap<String, Vec<TypeId>> = BTreeMap::new();
        for &id in &open {
            if let Some(c) = api.types[id].candidates.get(level) {
                wanted.entry(type_ident(c)).or_default().push(id);
            }
        }
        for (name, ids) in wanted {
            if ids.len() == 1 && !taken.contains(&name) {
                taken.insert(name.clone());
                api.types[ids[0]].name = name;
            }
        }
        open.retain(|i| api.types[*i].name.is_empty());
    }
    for id in open {
        // Every candidate is wanted by another type too: the shortest, numbered.
        let base = api.types[id].candidates.first().map(|c| type_ident(c)).unwrap_or_else(|| "Anonymous".into());
        api.types[id].name = unique(base, &mut taken, "");
    }
}

/// Enum variants: UpperCamelCase of the value; values that collide after
/// conversion keep the plain name for the first and add a word that says
/// how the others differ (`DeploymentReady`, `DeploymentReadyKebab`).
fn name_enum_values(values: &mut [EnumValue]) {
    let mut taken = HashSet::from(["Unknown".to_string()]);
    let mut by_base: HashMap<String, usize> = HashMap::new();
    for v in values.iter() {
        *by_base.entry(type_ident(&v.wire)).or_default() += 1;
    }
    for v in values.iter_mut() {
        let base = type_ident(&v.wire);
        let name =
            if by_base[&base] > 1 && taken.contains(&base) { format!("{base}{}", style_word(&v.wire)) } else { base };
        v.name = unique(name, &mut taken, "");
    }
}

fn style_word(wire: &str) -> &'static str {
    if wire.contains('-') {
        "Kebab"
    } else if wire.contains('.') {
        "Dotted"
    } else if wire.contains('_') {
        "Snake"
    } else if wire.contains(' ') {
        "Spaced"
    } else if wire.chars().any(|c| c.is_uppercase()) {
        "Upper"
    } else {
        "Alt"
    }
}

/// A variant word for a branch from its type: `String`, `BillingItems`.
fn type_label(api: &Api, ty: &Ty) -> String {
    match ty {
        Ty::String => "String".into(),
        Ty::Integer => "Integer".into(),
        Ty::Number => "Number".into(),
        Ty::Boolean => "Bool".into(),
        Ty::DateTime => "DateTime".into(),
        Ty::Any => "Value".into(),
        Ty::Object => "Object".into(),
        Ty::Map(inner) => format!("{}Map", type_label(api, inner)),
        Ty::Option(inner) => type_label(api, inner),
        Ty::Array(inner) => {
            let item = type_label(api, inner);
            if item.ends_with('s') || item == "Value" || item == "Object" {
                format!("{item}List")
            } else {
                format!("{item}s")
            }
        }
        Ty::Named(id) => api.types[*id].name.clone(),
    }
}

/// A snake_case identifier for a wire name.
pub fn field_ident(wire: &str) -> String {
    let mut s = ascii_words(wire).to_snake_case();
    if s.is_empty() {
        s = "field".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("n{s}");
    }
    if KEYWORDS.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

/// An UpperCamelCase identifier for a wire name.
pub fn type_ident(wire: &str) -> String {
    let mut s = ascii_words(wire).to_upper_camel_case();
    s.retain(|c| c.is_ascii_alphanumeric());
    if s.is_empty() {
        s = match wire {
            "" => "Empty".into(),
            "*" => "Star".into(),
            "/" => "Slash".into(),
            _ => format!("Symbol{}", wire.bytes().map(|b| format!("{b:02X}")).collect::<String>()),
        };
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("V{s}");
    }
    if KEYWORDS.contains(&s.as_str()) {
        // `Self` is the one keyword in UpperCamelCase.
        s.push_str("Value");
    }
    s
}

/// The name with every non-ASCII character spelled as `uXXXX`, so
/// identifiers stay ASCII (`über` -> `u00fcber`) and distinct.
fn ascii_words(wire: &str) -> String {
    let mut out = String::with_capacity(wire.len());
    for c in wire.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!(" u{:04x} ", c as u32));
        }
    }
    out
}

/// `base`, or `base` + `suffix` + a number, whichever is free; records it.
fn unique(base: String, taken: &mut HashSet<String>, suffix: &str) -> String {
    let mut name = base.clone();
    // `type_` + `_alt` would be `type__alt`: suffixes go on the bare word.
    let stem = if suffix.starts_with('_') { base.trim_end_matches('_') } else { base.as_str() };
    let stem = if stem.is_empty() || (suffix.is_empty() && stem.ends_with(|c: char| c.is_ascii_digit())) {
        format!("{stem}_")
    } else {
        stem.to_string()
    };
    let mut n = 1;
    while taken.contains(&name) {
        n += 1;
        name = if n == 2 && !suffix.is_empty() { format!("{stem}{suffix}") } else { format!("{stem}{suffix}{n}") };
    }
    taken.insert(name.clone());
    name
}

/// Boxes struct fields and union variants that would make a type contain
/// itself without indirection (`Vec` and maps are indirection already).
fn mark_boxes(api: &mut Api) {
    for id in 0..api.types.len() {
        let direct = |ty: &Ty| match ty {
            Ty::Named(t) => Some(*t),
            _ => None,
        };
        let targets: Vec<Option<TypeId>> = match &api.types[id].kind {
            TypeKind::Struct { fields, .. } => fields.iter().map(|f| direct(&f.ty)).collect(),
            TypeKind::Union { variants, .. } => variants.iter().map(|v| direct(&v.ty)).collect(),
            _ => continue,
        };
        let boxed: Vec<bool> =
            targets.iter().map(|t| t.is_some_and(|t| reaches(api, t, id, &mut HashSet::new()))).collect();
        match &mut api.types[id].kind {
            TypeKind::Struct { fields, .. } => fields.iter_mut().zip(boxed).for_each(|(f, b)| f.boxed = b),
            TypeKind::Union { variants, .. } => variants.iter_mut().zip(boxed).for_each(|(v, b)| v.boxed = b),
            _ => {}
        }
    }
}

/// Whether `from` contains `to` by value (no `Vec`/map in between).
fn reaches(api: &Api, from: TypeId, to: TypeId, seen: &mut HashSet<TypeId>) -> bool {
    if from == to {
        return true;
    }
    if !seen.insert(from) {
        return false;
    }
    let next: Vec<TypeId> = match &api.types[from].kind {
        TypeKind::Struct { fields, .. } => {
            fields.iter().filter_map(|f| if let Ty::Named(t) = f.ty { Some(t) } else { None }).collect()
        }
        TypeKind::Union { variants, .. } => {
            variants.iter().filter_map(|v| if let Ty::Named(t) = v.ty { Some(t) } else { None }).collect()
        }
        TypeKind::Alias(Ty::Named(t)) => vec![*t],
        _ => vec![],
    };
    next.into_iter().any(|t| reaches(api, t, to, seen))
}
