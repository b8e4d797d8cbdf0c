//! The vercel-api generator and maintenance tasks, as a library so tests
//! and benchmarks can drive each stage.

pub mod bench;
pub mod codegen;
pub mod diff;
pub mod fetch_spec;
pub mod prism;
pub mod scaffold;
