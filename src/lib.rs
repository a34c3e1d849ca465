//! hydro: a declarative language for deep-learning rainfall-runoff experiments.
//!
//! Data flows one way through the layers, one folder each:
//! `syntax` (script text -> AST) -> `checking` (AST -> checked plan, no data read)
//! -> `evaluation` (plan -> runs), which uses `data` (loaders, normalisation, windows),
//! `models` (Burn modules generic over the backend), `training` (losses, optimiser, engines),
//! `analysis` (metrics) and `plots` (figures).

pub mod analysis;
pub mod checking;
pub mod data;
pub mod evaluation;
pub mod interpretation;
pub mod models;
pub mod plots;
pub mod repl;
pub mod syntax;
pub mod training;
