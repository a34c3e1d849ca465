//! Grouped bar chart: one group of bars per category on the x axis (e.g. an input feature), one
//! bar per series in each group (e.g. a model), as for the contributions of input features.
//!
//! Bars rise from zero (or hang below it for negative values); a missing value (NaN) leaves its
//! slot empty. Series are coloured and, when there are several, named in a legend row between the
//! title and the chart, where it hides no bar. Category names too long to fit side by side (e.g.
//! twenty gauge IDs) are written vertically. The figure is 1200 x 650 pixels.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::charts::{with_category_chart, ValueAxis};
use super::style::{finite_extent, pad, series_colour};
use super::{render, Figure, PlotError};

/// Width and height of the figure in pixels.
const SIZE: (u32, u32) = (1200, 650);
/// Fraction of a category's width taken by its bars.
const GROUP_WIDTH: f64 = 0.8;

/// Writes grouped bars to `path`, as PNG or SVG according to the extension.
///
/// `series` holds, for each series, its name and one value per category in `categories`.
/// `x_label` describes the categories and `y_label` the values, with units (e.g.
/// "Contribution (%)").
///
/// Fails when `categories` or `series` is empty, when a series does not have one value per
/// category, when no value is finite, when the extension is neither `.png` nor `.svg`, or when the
/// file cannot be written.
pub fn bars(
    path: &Path,
    title: &str,
    x_label: &str,
    y_label: &str,
    categories: &[String],
    series: &[(String, Vec<f64>)],
) -> Result<(), PlotError> {
    if categories.is_empty() {
        return Err(PlotError::EmptyInput {
            path: path.to_path_buf(),
            what: "the list of categories".to_string(),
        });
    }
    if series.is_empty() {
        return Err(PlotError::EmptyInput {
            path: path.to_path_buf(),
            what: "the list of series".to_string(),
        });
    }
    if let Some((name, values)) = series.iter().find(|(_, v)| v.len() != categories.len()) {
        return Err(PlotError::CountMismatch {
            path: path.to_path_buf(),
            what: format!("series \"{name}\""),
            expected: categories.len(),
            found: values.len(),
        });
    }
    let (low, high) = finite_extent(series.iter().flat_map(|(_, v)| v.iter().copied()))
        .ok_or_else(|| PlotError::NoFiniteValues {
            path: path.to_path_buf(),
            what: "the series".to_string(),
        })?;
    let (bottom, top) = pad(low.min(0.0), high.max(0.0), 0.05);
    let figure = Bars {
        title,
        x_label,
        y_label,
        categories,
        series,
        y_range: (if low < 0.0 { bottom } else { 0.0 }, top),
    };
    render(path, SIZE, &figure)
}

/// A validated bar chart ready to draw.
struct Bars<'a> {
    title: &'a str,
    x_label: &'a str,
    y_label: &'a str,
    categories: &'a [String],
    series: &'a [(String, Vec<f64>)],
    y_range: (f64, f64),
}

impl Figure for Bars<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let series: Vec<&str> = self.series.iter().map(|(name, _)| name.as_str()).collect();
        let y = ValueAxis {
            label: self.y_label,
            range: self.y_range,
            ticks: 8,
        };
        with_category_chart(
            area,
            self.title,
            &series,
            (self.categories, self.x_label),
            y,
            |chart| {
                let slot = GROUP_WIDTH / self.series.len() as f64;
                for (s, (_, values)) in self.series.iter().enumerate() {
                    let colour = series_colour(s);
                    let bars = values.iter().enumerate().filter(|(_, v)| v.is_finite());
                    chart.draw_series(bars.map(|(c, &value)| {
                        let left = c as f64 - GROUP_WIDTH / 2.0 + s as f64 * slot;
                        Rectangle::new([(left, 0.0), (left + 0.9 * slot, value)], colour.filled())
                    }))?;
                }
                if self.y_range.0 < 0.0 {
                    let zero = vec![(-0.5, 0.0), (self.categories.len() as f64 - 0.5, 0.0)];
                    chart.draw_series(std::iter::once(PathElement::new(zero, BLACK)))?;
                }
                Ok(())
            },
        )
    }
}
