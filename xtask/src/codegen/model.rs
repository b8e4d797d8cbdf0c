//! Stage 3: the plain intermediate model the emitters read.
//!
//! Nothing here knows about `openapiv3` or about Rust syntax. Names (`name`
//! fields) are empty until the naming stage fills them in.

/// Index of a type in [`Api::types`].
pub type TypeId = usize;

/// The whole API, ready to name and emit.
#[derive(Debug, Default)]
pub struct Api {
    pub title: String,
    pub version: String,
    pub types: Vec<TypeDef>,
    pub ops: Vec<Operation>,
    /// Flaws of the spec that were worked around, each naming a JSON pointer.
    pub warnings: Vec<String>,
    /// Inline schemas folded into an identical earlier one.
    pub deduplicated: usize,
    /// Every `example` of a schema, with the type it must decode into.
    pub examples: Vec<Example>,
}

/// A schema's `example` and the Rust type generated for that schema.
#[derive(Debug, Clone)]
pub struct Example {
    pub pointer: String,
    pub ty: Ty,
    pub nullable: bool,
    pub value: serde_json::Value,
}

/// A Rust type expression.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Ty {
    String,
    Integer,
    Number,
    Boolean,
    DateTime,
    /// Any JSON value.
    Any,
    /// A JSON object with no known properties.
    Object,
    Array(Box<Ty>),
    /// An object whose values all have one type.
    Map(Box<Ty>),
    /// A value that may be `null` where the spec allows it (a nullable
    /// response body, map value or array item).
    Option(Box<Ty>),
    Named(TypeId),
}

/// A named type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    pub name: String,
    /// Name candidates, shortest first; the naming stage picks the first free one.
    pub candidates: Vec<String>,
    /// Fixed name from `components/schemas`.
    pub component: Option<String>,
    pub doc: Option<String>,
    pub deprecated: bool,
    pub kind: TypeKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeKind {
    /// An object with known properties; `extra` is the type of other
    /// properties (`additionalProperties`), `Ty::Any` when unconstrained.
    Struct { fields: Vec<Field>, extra: Ty },
    /// A string enum, forward compatible (`Unknown(String)`).
    Enum { values: Vec<EnumValue> },
    /// `oneOf`/`anyOf`: one of several shapes. With `tag`, the branches are
    /// objects told apart by the value of that property.
    Union { variants: Vec<Variant>, tag: Option<String> },
    /// A component that is just another type (`type Foo = Vec<Bar>`).
    Alias(Ty),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Field {
    pub wire: String,
    pub name: String,
    pub ty: Ty,
    pub required: bool,
    pub nullable: bool,
    pub deprecated: bool,
    pub doc: Option<String>,
    /// Needs `Box` to break a cycle (set by the naming stage).
    pub boxed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EnumValue {
    pub wire: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Variant {
    pub name: String,
    /// The word the spec gives this branch, used to name it.
    pub label: String,
    pub ty: Ty,
    /// Tag value for tagged unions.
    pub tag_value: Option<String>,
    pub boxed: bool,
}

/// One HTTP operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// `operationId`, or one derived from method and path.
    pub id: String,
    pub derived_id: bool,
    /// Method name on the client.
    pub name: String,
    pub method: String,
    pub path: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub tag: String,
    /// Cargo feature of the operation's API area (its tag, kebab-case).
    pub feature: String,
    pub path_params: Vec<Param>,
    /// Query and header parameters, in spec order.
    pub params: Vec<Param>,
    /// Name of the parameter struct, when `params` is not empty.
    pub params_type: String,
    /// Name of the response enum, for operations whose success shapes differ by status.
    pub response_type: String,
    /// Name of the typed error enum, for operations whose error responses have schemas.
    pub error_type: String,
    pub body: Option<Body>,
    pub responses: Vec<Response>,
    /// Set when the 200 response is a Vercel page (`pagination` + an item list).
    pub pagination: Option<Pagination>,
}

/// How an operation pages: Vercel's `pagination: {count, next, prev}` object
/// beside an array of items, and the query parameter that takes `next`.
#[derive(Debug, Clone)]
pub struct Pagination {
    /// Wire name of the array property that holds the items.
    pub items: String,
    /// Wire name of the query parameter that takes `pagination.next`
    /// (`next`, `until` or `from`); `None` when the operation has
    /// none, so only one page can be read.
    pub cursor: Option<String>,
    /// When the body is a `oneOf`: the index of the branch that pages.
    pub variant: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
    Header,
}

#[derive(Debug, Clone)]
pub struct Param {
    pub wire: String,
    pub name: String,
    pub location: Location,
    pub ty: Ty,
    pub required: bool,
    pub deprecated: bool,
    pub doc: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Body {
    pub content_type: String,
    pub kind: BodyKind,
    pub required: bool,
    pub doc: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum BodyKind {
    Json(Ty),
    /// Raw bytes (`application/octet-stream` and other non-JSON types).
    Bytes,
}

#[derive(Debug, Clone)]
pub struct Response {
    /// `200`, `4XX` or `default`.
    pub status: String,
    pub description: String,
    pub kind: ResponseKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ResponseKind {
    Empty,
    Json(Ty),
    /// Newline-delimited JSON (`application/stream+json`).
    JsonLines(Ty),
    Bytes,
}

impl Response {
    pub fn is_success(&self) -> bool {
        self.status.starts_with('2')
    }
}

impl Api {
    pub fn ty(&self, id: TypeId) -> &TypeDef {
        &self.types[id]
    }
}
