//! Checking: AST -> checked [`plan::Plan`]. Names, kinds, settings, periods and files are
//! validated here, before any data is read; every problem becomes a diagnostic.

pub mod checker;
pub mod library;
pub mod params;
pub mod plan;
pub mod stdlib;
pub mod value;

pub use checker::{check_file, check_text, Checker, Environment, RunMode};
