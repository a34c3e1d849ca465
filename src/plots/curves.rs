//! Line plot with markers of one or more curves y(x), e.g. the cumulative contribution of inputs
//! over the look-back window, silhouette scores against the number of clusters, or NSE against the
//! noise level.
//!
//! Each point is marked with a dot and consecutive points are joined; a missing y (NaN) breaks the
//! line. The legend, drawn when there are several curves, goes to the corner the curves leave
//! emptiest. The figure is 1000 x 650 pixels.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::charts::{xy_chart, ValueAxis};
use super::style::{draw_legend, emptiest_corner, padded_range, series_colour};
use super::{render, Figure, PlotError};

/// Width and height of the figure in pixels.
const SIZE: (u32, u32) = (1000, 650);
/// Radius of the point markers in pixels.
const MARKER_RADIUS: i32 = 4;

/// Writes curves `series` (name, x values, y values) to `path`, as PNG or SVG according to the
/// extension.
///
/// `x_label` and `y_label` describe the axes with units. Points are joined in the order given.
///
/// Fails when `series` is empty, when a series has not as many y as x values, when an x value is
/// not finite, when no y value is finite, when the extension is neither `.png` nor `.svg`, or when
/// the file cannot be written.
pub fn curves(
    path: &Path,
    title: &str,
    x_label: &str,
    y_label: &str,
    series: &[(String, Vec<f64>, Vec<f64>)],
) -> Result<(), PlotError> {
    if series.is_empty() {
        return Err(PlotError::EmptyInput {
            path: path.to_path_buf(),
            what: "the list of series".to_string(),
        });
    }
    for (name, x, y) in series {
        if x.len() != y.len() {
            return Err(PlotError::CountMismatch {
                path: path.to_path_buf(),
                what: format!("the y values of series \"{name}\" (one per x value)"),
                expected: x.len(),
                found: y.len(),
            });
        }
        if let Some(bad) = x.iter().find(|v| !v.is_finite()) {
            return Err(PlotError::InvalidValue {
                path: path.to_path_buf(),
                what: format!("series \"{name}\" has the x value {bad}"),
            });
        }
    }
    let finite_points = || {
        series.iter().flat_map(|(_, x, y)| {
            x.iter()
                .copied()
                .zip(y.iter().copied())
                .filter(|(_, y)| y.is_finite())
        })
    };
    let no_values = || PlotError::NoFiniteValues {
        path: path.to_path_buf(),
        what: "the y values".to_string(),
    };
    let x_range = padded_range(finite_points().map(|(x, _)| x), 0.03).ok_or_else(no_values)?;
    let y_range = padded_range(finite_points().map(|(_, y)| y), 0.05).ok_or_else(no_values)?;
    let figure = Curves {
        title,
        x_label,
        y_label,
        series,
        legend: emptiest_corner(finite_points(), x_range, y_range),
        x_range,
        y_range,
    };
    render(path, SIZE, &figure)
}

/// Runs of consecutive points with finite y; a non-finite y separates runs.
fn runs(x: &[f64], y: &[f64]) -> Vec<Vec<(f64, f64)>> {
    let mut runs = Vec::new();
    let mut current = Vec::new();
    for (&x, &y) in x.iter().zip(y) {
        if y.is_finite() {
            current.push((x, y));
        } else if !current.is_empty() {
            runs.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

/// Validated curves ready to draw.
struct Curves<'a> {
    title: &'a str,
    x_label: &'a str,
    y_label: &'a str,
    series: &'a [(String, Vec<f64>, Vec<f64>)],
    legend: SeriesLabelPosition,
    x_range: (f64, f64),
    y_range: (f64, f64),
}

impl Figure for Curves<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let x = ValueAxis {
            label: self.x_label,
            range: self.x_range,
            ticks: 10,
        };
        let y = ValueAxis {
            label: self.y_label,
            range: self.y_range,
            ticks: 8,
        };
        let mut chart = xy_chart(area, self.title, x, y)?;
        for (index, (name, x, y)) in self.series.iter().enumerate() {
            let colour = series_colour(index);
            let line = colour.stroke_width(2);
            for run in runs(x, y) {
                chart.draw_series(LineSeries::new(run.iter().copied(), line))?;
                chart.draw_series(
                    run.iter()
                        .map(|&p| Circle::new(p, MARKER_RADIUS, colour.filled())),
                )?;
            }
            chart
                .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
                .label(name.as_str())
                .legend(move |(x, y)| {
                    EmptyElement::at((x, y))
                        + PathElement::new(vec![(0, 0), (24, 0)], line)
                        + Circle::new((12, 0), MARKER_RADIUS, colour.filled())
                });
        }
        if self.series.len() > 1 {
            draw_legend(&mut chart, self.legend.clone())?;
        }
        Ok(())
    }
}
