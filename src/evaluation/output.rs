//! What the steps of a script produce and later steps read: metric tables, analysis tables and
//! figures (drawn when written, so one figure can be written as PNG and SVG).

use std::path::Path;

use crate::analysis::{MetricTable, Table};
use crate::plots::PlotError;

/// Draws a figure into a file, the format following the extension.
pub type Draw = Box<dyn Fn(&Path) -> Result<(), PlotError> + Send>;

/// A figure waiting to be written.
pub struct Figure {
    /// Draws it.
    pub draw: Draw,
}

impl Figure {
    /// A figure drawn by `draw`.
    pub fn new(draw: impl Fn(&Path) -> Result<(), PlotError> + Send + 'static) -> Self {
        Figure {
            draw: Box::new(draw),
        }
    }
}

/// The result of a step.
pub enum Output {
    /// `evaluate` of a run: metrics per basin.
    Metrics {
        /// The run's name (the label in figures).
        label: String,
        /// The metrics.
        table: MetricTable,
    },
    /// An analysis (or `evaluate` of a sweep): named tables, the first being the main one.
    Tables {
        /// What the tables describe (the label in figures).
        label: String,
        /// The tables by name.
        tables: Vec<(&'static str, Table)>,
    },
    /// A figure.
    Figure(Figure),
}

impl Output {
    /// An output of one table.
    pub fn table(label: impl Into<String>, name: &'static str, table: Table) -> Self {
        Output::Tables {
            label: label.into(),
            tables: vec![(name, table)],
        }
    }
}
