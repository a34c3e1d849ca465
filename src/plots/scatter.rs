//! Scatter plot of pairs of values, e.g. simulated against observed evaporation, one colour per
//! series, optionally with the 1:1 line.
//!
//! Points with a missing coordinate (NaN) are skipped. With the 1:1 line both axes share one range,
//! so that the line is the diagonal of the square figure. Points are drawn small and half
//! transparent, so that dense clouds of daily values stay readable. The figure is 800 x 800 pixels.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::charts::{xy_chart, ValueAxis};
use super::style::{draw_legend, padded_range, series_colour};
use super::{render, Figure, PlotError};

/// Width and height of the figure in pixels.
const SIZE: (u32, u32) = (800, 800);
/// Colour of the 1:1 line.
const IDENTITY_COLOUR: RGBColor = RGBColor(90, 90, 90);

/// Writes a scatter plot of `series` (name, (x, y) points) to `path`, as PNG or SVG according to
/// the extension, with the 1:1 line when `identity_line` is set.
///
/// `x_label` and `y_label` describe the axes with units, e.g. "Observed (mm/day)". A legend names
/// the series (and the 1:1 line) when there are several series or the line is drawn.
///
/// Fails when `series` is empty, when no point has two finite coordinates, when the extension is
/// neither `.png` nor `.svg`, or when the file cannot be written.
pub fn scatter(
    path: &Path,
    title: &str,
    x_label: &str,
    y_label: &str,
    series: &[(String, Vec<(f64, f64)>)],
    identity_line: bool,
) -> Result<(), PlotError> {
    if series.is_empty() {
        return Err(PlotError::EmptyInput {
            path: path.to_path_buf(),
            what: "the list of series".to_string(),
        });
    }
    let points: Vec<(&str, Vec<(f64, f64)>)> = series
        .iter()
        .map(|(name, points)| {
            let finite = points
                .iter()
                .copied()
                .filter(|(x, y)| x.is_finite() && y.is_finite())
                .collect();
            (name.as_str(), finite)
        })
        .collect();
    let all = || points.iter().flat_map(|(_, p)| p.iter().copied());
    let no_points = || PlotError::NoFiniteValues {
        path: path.to_path_buf(),
        what: "the points".to_string(),
    };
    let (x_range, y_range) = if identity_line {
        let range = padded_range(all().flat_map(|(x, y)| [x, y]), 0.03).ok_or_else(no_points)?;
        (range, range)
    } else {
        let x = padded_range(all().map(|(x, _)| x), 0.03).ok_or_else(no_points)?;
        let y = padded_range(all().map(|(_, y)| y), 0.03).ok_or_else(no_points)?;
        (x, y)
    };
    let figure = Scatter {
        title,
        x_label,
        y_label,
        points,
        identity_line,
        x_range,
        y_range,
    };
    render(path, SIZE, &figure)
}

/// A validated scatter plot ready to draw.
struct Scatter<'a> {
    title: &'a str,
    x_label: &'a str,
    y_label: &'a str,
    points: Vec<(&'a str, Vec<(f64, f64)>)>,
    identity_line: bool,
    x_range: (f64, f64),
    y_range: (f64, f64),
}

impl Figure for Scatter<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let x = ValueAxis {
            label: self.x_label,
            range: self.x_range,
            ticks: 8,
        };
        let y = ValueAxis {
            label: self.y_label,
            range: self.y_range,
            ticks: 8,
        };
        let mut chart = xy_chart(area, self.title, x, y)?;
        for (index, (name, points)) in self.points.iter().enumerate() {
            let colour = series_colour(index);
            chart
                .draw_series(
                    points
                        .iter()
                        .map(|&p| Circle::new(p, 3, colour.mix(0.5).filled())),
                )?
                .label(*name)
                .legend(move |(x, y)| Circle::new((x + 10, y), 5, colour.filled()));
        }
        if self.identity_line {
            let (low, high) = self.x_range;
            let style = IDENTITY_COLOUR.stroke_width(2);
            chart
                .draw_series(LineSeries::new([(low, low), (high, high)], style))?
                .label("1:1 line")
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
        }
        if self.points.len() > 1 || self.identity_line {
            draw_legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
        }
        Ok(())
    }
}
