use xtask::codegen::generate_bytes;

fn err(spec: &[u8]) -> String {
    match generate_bytes(spec, "t") { Ok(_) => "OK".into(), Err(e) => format!("pointer={:?} message={:?}", e.pointer, e.message) }
}

const HEAD: &str = "openapi: 3.0.3\ninfo:\n  title: T\n  version: '1'\n";

#[test]
fn probe() {
    let cases: Vec<(&str, String)> = vec![
        ("dangling", format!("{HEAD}paths:\n  /x:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Nope'\n")),
        ("cycle", format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      $ref: '#/components/schemas/B'\n    B:\n      $ref: '#/components/schemas/A'\n")),
        ("paths42", format!("{HEAD}paths: 42\n")),
        ("type42", format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: 42\n")),
        ("type42prop", format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        x:\n          type: 42\n")),
        ("responseslist", format!("{HEAD}paths:\n  /x:\n    get:\n      responses:\n        - a\n")),
        ("noinfo", "openapi: 3.0.3\npaths: {}\n".into()),
        ("noopenapi", "info:\n  title: T\n  version: '1'\npaths: {}\n".into()),
        ("nodesc", format!("{HEAD}paths:\n  /x:\n    get:\n      responses:\n        '200':\n          content: {{}}\n")),
        ("swagger", "swagger: '2.0'\ninfo:\n  title: T\n  version: '1'\npaths: {}\n".into()),
        ("v31", "openapi: 3.1.0\ninfo:\n  title: T\n  version: '1'\npaths: {}\n".into()),
        ("yaml", "openapi: 3.0.3\ninfo: [\n".into()),
        ("json", "{\"openapi\": \"3.0.3\", \"info\": }".into()),
        ("list", "- a\n".into()),
        ("empty", "".into()),
        ("titlemissing", "openapi: 3.0.3\ninfo:\n  version: '1'\npaths: {}\n".into()),
        ("remote", format!("{HEAD}paths:\n  /x:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: 'other.yaml#/A'\n")),
    ];
    for (name, spec) in cases {
        println!("{name}: {}", err(spec.as_bytes()));
    }
    println!("utf8: {}", err(b"openapi: 3.0.3\ninfo:\n  title: \xff\xfe\n"));
}
