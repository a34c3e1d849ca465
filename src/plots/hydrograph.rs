//! Hydrograph: observed and simulated streamflow against date.
//!
//! Observed flow is drawn in black and simulated flow in blue, each as line segments between
//! consecutive available values; a missing value (NaN) ends a segment, so gaps in the observations
//! are never bridged, and a value isolated between two gaps is drawn as a dot. The figure carries a
//! title, axis labels with units and a legend, and is sized 1200 x 500 pixels.

use std::path::Path;

use chrono::{Datelike, NaiveDate};

use plotters::coord::Shift;
use plotters::prelude::*;

use super::date_axis::date_ticks;
use super::{render, Figure, PlotError};

/// Width and height of the hydrograph image in pixels.
const SIZE: (u32, u32) = (1200, 500);
/// Most date labels on the time axis.
const MAX_DATE_TICKS: usize = 10;
/// Colour of the observed series.
const OBSERVED_COLOUR: RGBColor = RGBColor(0, 0, 0);
/// Colour of the simulated series (Okabe-Ito blue, distinguishable with colour-vision deficiency).
const SIMULATED_COLOUR: RGBColor = RGBColor(0, 114, 178);
/// Font family of all texts.
const FONT: &str = "sans-serif";

/// Writes a hydrograph of `observed` and `simulated` streamflow against `dates` to `path`, as PNG or
/// SVG according to the extension (`.png`, `.svg`).
///
/// `observed` may contain NaN for missing values, drawn as gaps; `simulated` may too. `unit` is the
/// flow unit shown on the y axis, e.g. `"mm/day"` gives the label "Streamflow (mm/day)"; an empty
/// unit gives "Streamflow".
///
/// Fails when the extension is neither `.png` nor `.svg`, when the three slices differ in length,
/// when the dates are not strictly increasing, when no value is available at all, or when the file
/// cannot be written.
pub fn hydrograph(
    path: &Path,
    title: &str,
    dates: &[NaiveDate],
    observed: &[f64],
    simulated: &[f64],
    unit: &str,
) -> Result<(), PlotError> {
    if dates.len() != observed.len() || dates.len() != simulated.len() {
        return Err(PlotError::LengthMismatch {
            path: path.to_path_buf(),
            dates: dates.len(),
            observed: observed.len(),
            simulated: simulated.len(),
        });
    }
    if let Some(pair) = dates.windows(2).find(|pair| pair[1] <= pair[0]) {
        return Err(PlotError::DatesNotIncreasing {
            path: path.to_path_buf(),
            previous: pair[0],
            date: pair[1],
        });
    }
    let (Some(&first), Some(&last)) = (dates.first(), dates.last()) else {
        return Err(PlotError::NoData {
            path: path.to_path_buf(),
        });
    };
    let Some(flow_range) = flow_range(observed.iter().chain(simulated)) else {
        return Err(PlotError::NoData {
            path: path.to_path_buf(),
        });
    };
    let days: Vec<i32> = dates.iter().map(|d| d.num_days_from_ce()).collect();
    let figure = Hydrograph {
        title,
        y_label: if unit.is_empty() {
            "Streamflow".to_string()
        } else {
            format!("Streamflow ({unit})")
        },
        first,
        last,
        flow_range,
        observed: segments(&days, observed),
        simulated: segments(&days, simulated),
    };
    render(path, SIZE, &figure)
}

/// A hydrograph ready to draw: validated, with each series split at missing values.
struct Hydrograph<'a> {
    title: &'a str,
    y_label: String,
    first: NaiveDate,
    last: NaiveDate,
    flow_range: (f64, f64),
    observed: Vec<Vec<(i32, f64)>>,
    simulated: Vec<Vec<(i32, f64)>>,
}

impl Figure for Hydrograph<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        area.fill(&WHITE)?;
        let ticks = date_ticks(self.first, self.last, MAX_DATE_TICKS);
        let first_day = self.first.num_days_from_ce();
        let last_day = self.last.num_days_from_ce().max(first_day + 1);
        let x_axis = (first_day..last_day).with_key_points(ticks.days);
        let mut chart = ChartBuilder::on(area)
            .caption(self.title, (FONT, 26))
            .margin(15)
            .x_label_area_size(55)
            .y_label_area_size(75)
            .build_cartesian_2d(x_axis, self.flow_range.0..self.flow_range.1)?;

        let date_label = |day: &i32| {
            NaiveDate::from_num_days_from_ce_opt(*day)
                .map(|d| d.format(ticks.format).to_string())
                .unwrap_or_default()
        };
        chart
            .configure_mesh()
            .x_desc("Date")
            .y_desc(self.y_label.as_str())
            .x_label_formatter(&date_label)
            .y_labels(8)
            .axis_desc_style((FONT, 20))
            .label_style((FONT, 16))
            .bold_line_style(BLACK.mix(0.12))
            .light_line_style(TRANSPARENT)
            .draw()?;

        for (label, colour, segments) in [
            ("observed", OBSERVED_COLOUR, &self.observed),
            ("simulated", SIMULATED_COLOUR, &self.simulated),
        ] {
            let style = colour.stroke_width(2);
            for segment in segments {
                if let [point] = segment.as_slice() {
                    chart.draw_series(std::iter::once(Circle::new(*point, 2, colour.filled())))?;
                } else {
                    chart.draw_series(LineSeries::new(segment.iter().copied(), style))?;
                }
            }
            chart
                .draw_series(std::iter::empty::<Circle<(i32, f64), i32>>())?
                .label(label)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 25, y)], style));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .label_font((FONT, 18))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.4))
            .draw()?;
        Ok(())
    }
}

/// Lower and upper bound of the flow axis: from zero (or the lowest value, if negative) to 5 % above
/// the highest value; `None` when no value is finite.
pub(super) fn flow_range<'a>(values: impl Iterator<Item = &'a f64>) -> Option<(f64, f64)> {
    let (low, high) =
        values
            .filter(|v| v.is_finite())
            .fold(None, |range: Option<(f64, f64)>, &v| {
                Some(range.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))))
            })?;
    let low = low.min(0.0);
    let margin = if high > low { 0.05 * (high - low) } else { 1.0 };
    let bottom = if low < 0.0 { low - margin } else { low };
    Some((bottom, high + margin))
}

/// Runs of consecutive finite values as (day number, value) points; non-finite values separate runs.
pub(super) fn segments(days: &[i32], values: &[f64]) -> Vec<Vec<(i32, f64)>> {
    let mut runs = Vec::new();
    let mut current = Vec::new();
    for (&day, &value) in days.iter().zip(values) {
        if value.is_finite() {
            current.push((day, value));
        } else if !current.is_empty() {
            runs.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}
