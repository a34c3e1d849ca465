//! Figures written as PNG or SVG with plotters.
//!
//! The output format follows the file extension (`.png` or `.svg`); every figure is drawn by one code
//! path generic over the plotters backend. Errors are [`PlotError`] diagnostics naming the file.

pub mod bars;
pub mod basin_map;
pub mod boxplot;
pub mod cdf;
mod charts;
pub mod curves;
mod date_axis;
pub mod heatmap;
pub mod hydrograph;
pub mod hydrograph_band;
pub mod scatter;
mod style;

pub use bars::bars;
pub use basin_map::basin_map;
pub use boxplot::{boxplot, BoxStatistics};
pub use cdf::cdf;
pub use curves::curves;
pub use heatmap::{heatmap, Categories};
pub use hydrograph::hydrograph;
pub use hydrograph_band::{hydrograph_band, hydrograph_ensemble, Band, EnsembleBand};
pub use scatter::scatter;

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

/// A figure could not be produced.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum PlotError {
    /// The file extension names no supported image format.
    #[error("cannot write figure {}: unsupported file extension", path.display())]
    #[diagnostic(
        code(hydro::plots::unsupported_format),
        help("name the figure file with a `.png` or `.svg` extension")
    )]
    UnsupportedFormat {
        /// The requested figure file.
        path: PathBuf,
    },
    /// The series to plot do not have the same number of time steps.
    #[error(
        "cannot draw figure {}: {dates} dates but {observed} observed and {simulated} simulated values",
        path.display()
    )]
    #[diagnostic(
        code(hydro::plots::length_mismatch),
        help("pass one observed and one simulated value per date")
    )]
    LengthMismatch {
        /// The requested figure file.
        path: PathBuf,
        /// Number of dates.
        dates: usize,
        /// Number of observed values.
        observed: usize,
        /// Number of simulated values.
        simulated: usize,
    },
    /// The dates are not strictly increasing.
    #[error("cannot draw figure {}: date {date} does not follow {previous}", path.display())]
    #[diagnostic(
        code(hydro::plots::dates_not_increasing),
        help("dates must be strictly increasing, without repetitions")
    )]
    DatesNotIncreasing {
        /// The requested figure file.
        path: PathBuf,
        /// The earlier date in the series.
        previous: chrono::NaiveDate,
        /// The date that is not after `previous`.
        date: chrono::NaiveDate,
    },
    /// Every value is missing, so there is nothing to draw.
    #[error("cannot draw figure {}: no observed or simulated value is available", path.display())]
    #[diagnostic(
        code(hydro::plots::no_data),
        help("check the period; all values in it are missing")
    )]
    NoData {
        /// The requested figure file.
        path: PathBuf,
    },
    /// A list the figure needs is empty.
    #[error("cannot draw figure {}: {what} is empty", path.display())]
    #[diagnostic(
        code(hydro::plots::empty_input),
        help("pass at least one entry; there is nothing to draw otherwise")
    )]
    EmptyInput {
        /// The requested figure file.
        path: PathBuf,
        /// What is empty, e.g. "the list of series".
        what: String,
    },
    /// Every value is missing or infinite, so there is nothing to draw.
    #[error("cannot draw figure {}: {what} has no finite value", path.display())]
    #[diagnostic(
        code(hydro::plots::no_finite_value),
        help("all values are NaN or infinite; check the data and the period selected")
    )]
    NoFiniteValues {
        /// The requested figure file.
        path: PathBuf,
        /// Which values, e.g. "the series".
        what: String,
    },
    /// Two lists that must correspond entry by entry differ in length.
    #[error("cannot draw figure {}: {what} has {found} entries, expected {expected}", path.display())]
    #[diagnostic(
        code(hydro::plots::count_mismatch),
        help("pass one entry for each row, column, category or date")
    )]
    CountMismatch {
        /// The requested figure file.
        path: PathBuf,
        /// Which list, e.g. "values of series \"LSTM\"".
        what: String,
        /// Number of entries expected.
        expected: usize,
        /// Number of entries given.
        found: usize,
    },
    /// A value that must be finite or lie in a range does not.
    #[error("cannot draw figure {}: {what}", path.display())]
    #[diagnostic(
        code(hydro::plots::invalid_value),
        help("coordinates and positions must be finite numbers in their valid range")
    )]
    InvalidValue {
        /// The requested figure file.
        path: PathBuf,
        /// Which value is invalid and why.
        what: String,
    },
    /// Drawing or writing the image failed.
    #[error("cannot write figure {}: {message}", path.display())]
    #[diagnostic(
        code(hydro::plots::drawing),
        help("check that the directory exists and is writable")
    )]
    Drawing {
        /// The requested figure file.
        path: PathBuf,
        /// What the drawing backend reported.
        message: String,
    },
}

/// A figure that can be drawn on any plotters backend.
pub(crate) trait Figure {
    /// Draws the whole figure on `area`.
    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>>;
}

/// Draws `figure` at `size` pixels into `path`, as PNG or SVG according to the extension.
pub(crate) fn render(path: &Path, size: (u32, u32), figure: &impl Figure) -> Result<(), PlotError> {
    let drawing_error = |message: String| PlotError::Drawing {
        path: path.to_path_buf(),
        message,
    };
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("png") => {
            let area = BitMapBackend::new(path, size).into_drawing_area();
            figure
                .draw(&area)
                .and_then(|()| area.present())
                .map_err(|e| drawing_error(e.to_string()))
        }
        Some("svg") => {
            let area = SVGBackend::new(path, size).into_drawing_area();
            figure
                .draw(&area)
                .and_then(|()| area.present())
                .map_err(|e| drawing_error(e.to_string()))
        }
        _ => Err(PlotError::UnsupportedFormat {
            path: path.to_path_buf(),
        }),
    }
}
