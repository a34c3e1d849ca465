//! Figures written as PNG or SVG with plotters.
//!
//! The output format follows the file extension (`.png` or `.svg`); every figure is drawn by one code
//! path generic over the plotters backend. Errors are [`PlotError`] diagnostics naming the file.

mod date_axis;
pub mod hydrograph;

pub use hydrograph::hydrograph;

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
