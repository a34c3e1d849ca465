//! Empirical cumulative distribution functions of a metric, one step curve per model.
//!
//! This is the usual comparison of models over many basins: for each model, the fraction of basins
//! whose metric (e.g. NSE) is at most x. Missing values (NaN) are skipped; each curve counts the
//! finite values of its own series. The x axis may start at a given lower bound (NSE is unbounded
//! below): values under it are drawn at the bound, so a curve then starts above zero at the left
//! edge, showing the fraction of basins below the bound. The figure is 1000 x 700 pixels.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::charts::{xy_chart, ValueAxis};
use super::style::{draw_legend, finite_extent, series_colour};
use super::{render, Figure, PlotError};

/// Width and height of the figure in pixels.
const SIZE: (u32, u32) = (1000, 700);
/// Room right of the highest value, as a fraction of the value range.
const RIGHT_ROOM: f64 = 0.02;
/// Description of the y axis.
const Y_LABEL: &str = "Cumulative fraction of basins";

/// Writes the empirical CDFs of `series` (name, metric values) to `path`, as PNG or SVG according
/// to the extension.
///
/// `x_label` describes the metric with its unit, e.g. "NSE (-)". The x axis runs from `x_min`, or
/// from the lowest finite value when `None`, to the highest finite value. A legend names the series
/// when there are several.
///
/// Fails when `series` is empty, when a series has no finite value, when the extension is neither
/// `.png` nor `.svg`, or when the file cannot be written.
pub fn cdf(
    path: &Path,
    title: &str,
    x_label: &str,
    series: &[(String, Vec<f64>)],
    x_min: Option<f64>,
) -> Result<(), PlotError> {
    if series.is_empty() {
        return Err(PlotError::EmptyInput {
            path: path.to_path_buf(),
            what: "the list of series".to_string(),
        });
    }
    if let Some(x_min) = x_min.filter(|x| !x.is_finite()) {
        return Err(PlotError::InvalidValue {
            path: path.to_path_buf(),
            what: format!("the lower bound of the x axis is {x_min}"),
        });
    }
    let mut sorted = Vec::with_capacity(series.len());
    for (name, values) in series {
        let mut finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        if finite.is_empty() {
            return Err(PlotError::NoFiniteValues {
                path: path.to_path_buf(),
                what: format!("series \"{name}\""),
            });
        }
        finite.sort_by(f64::total_cmp);
        sorted.push(finite);
    }
    let (lowest, highest) =
        finite_extent(sorted.iter().flatten().copied()).expect("every series has a finite value");
    let low = x_min.unwrap_or(lowest);
    let high = if highest > low { highest } else { low + 1.0 };
    // A little room right of the highest value, so that the last step stays visible.
    let right = high + RIGHT_ROOM * (high - low);
    let curves = series
        .iter()
        .zip(&sorted)
        .map(|((name, _), values)| (name.as_str(), steps(values, low, high)))
        .collect();
    let figure = Cdf {
        title,
        x_label,
        x_range: (low, right),
        curves,
    };
    render(path, SIZE, &figure)
}

/// Corner points of the step curve of the empirical CDF of `sorted` values, with values clamped to
/// `low..=high`: from (low, 0) up each value's step to the final level 1 at `high`.
fn steps(sorted: &[f64], low: f64, high: f64) -> Vec<(f64, f64)> {
    let n = sorted.len() as f64;
    let mut points = vec![(low, 0.0)];
    for (i, value) in sorted.iter().enumerate() {
        let x = value.clamp(low, high);
        points.push((x, i as f64 / n));
        points.push((x, (i + 1) as f64 / n));
    }
    points.push((high, 1.0));
    points
}

/// CDF curves ready to draw.
struct Cdf<'a> {
    title: &'a str,
    x_label: &'a str,
    x_range: (f64, f64),
    curves: Vec<(&'a str, Vec<(f64, f64)>)>,
}

impl Figure for Cdf<'_> {
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
            label: Y_LABEL,
            range: (0.0, 1.0),
            ticks: 11,
        };
        let mut chart = xy_chart(area, self.title, x, y)?;
        for (index, (name, points)) in self.curves.iter().enumerate() {
            let style = series_colour(index).stroke_width(2);
            chart
                .draw_series(LineSeries::new(points.iter().copied(), style))?
                .label(*name)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 25, y)], style));
        }
        if self.curves.len() > 1 {
            draw_legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
        }
        Ok(())
    }
}
