//! Syntax: script sources, the pest grammar, the AST and diagnostics that point into scripts.

pub mod ast;
pub mod diagnostic;
pub mod parser;
pub mod source;

pub use diagnostic::{did_you_mean, render_plain, ScriptError};
pub use source::{SourceId, SourceMap, Span};
