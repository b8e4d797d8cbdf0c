//! The vercel-api generator and maintenance tasks, as a library so tests
//! and benchmarks can drive each stage.

pub mod codegen;
pub mod scaffold;
